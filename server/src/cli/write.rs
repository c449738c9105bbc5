//! How `check --fix` (and `--add-suppressions`) reads a file it may
//! rewrite and writes it back: only over the very file it read, never
//! through a link, never a read-only file, atomically, with the file's mode
//! from the temporary file's creation.

use std::path::Path;

use super::out;
use crate::workspace::{read_bounded, regular_file, MAX_READ};

/// `SPS_PLUGIN_LS_TEST_FIX_PAUSE_MS`: for tests only, `--fix` says
/// `sps-plugin-ls: test: pausing before writing PATH` on stderr and waits
/// this long between writing a fixed file's temporary file and comparing
/// the file with what was read, so that a test can change the file then.
pub(super) const TEST_PAUSE_VAR: &str = "SPS_PLUGIN_LS_TEST_FIX_PAUSE_MS";

/// How `--fix` may write a file, found when it read it.
pub(super) enum Target {
    /// The regular file read (not a link): written only if it is still
    /// that file, unchanged.
    File(Read),
    /// Never written: why, as `check` says it (`PATH: …`).
    Refused(String),
}

/// What `--fix` read: the file's identity and its mode.
#[derive(Debug)]
pub(super) struct Read {
    meta: std::fs::Metadata,
}

impl Read {
    /// Whether `now` (not following links) is the very file read: a
    /// regular file, on the same device, the same inode, of the same length
    /// and modification time.
    fn is(&self, now: &std::fs::Metadata) -> bool {
        let same = now.file_type().is_file()
            && now.len() == self.meta.len()
            && now.modified().ok() == self.meta.modified().ok();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            same && now.dev() == self.meta.dev() && now.ino() == self.meta.ino()
        }
        #[cfg(not(unix))]
        same
    }
}

/// A file `--fix` may rewrite, read as [`read_bytes`] reads (a regular file,
/// at most [`MAX_READ`]) but never through a link, with what it was when
/// read: the identity and mode come from the file the bytes came from. A
/// link named on the command line is read through, as `check` reads it,
/// and never written: one whose target leaves the plugin folder (the
/// folder it is in) is refused with that said.
pub(super) fn read_for_fix(path: &Path) -> Result<(Vec<u8>, Target), String> {
    use std::io::Read as _;
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let lmeta = std::fs::symlink_metadata(path).map_err(|e| fail(&e))?;
    if lmeta.file_type().is_symlink() {
        let bytes = read_bytes(path)?;
        let inside = match (path.parent().map(Path::canonicalize), path.canonicalize()) {
            (Some(Ok(dir)), Ok(target)) => target.starts_with(dir),
            _ => false,
        };
        let why = if inside {
            "is a symbolic link; links are never written through (fix the file it points to): not fixed"
        } else {
            "is a symbolic link to a file outside the plugin folder; links are never written through: not fixed"
        };
        return Ok((bytes, Target::Refused(format!("{}: {why}", path.display()))));
    }
    regular_file(path).map_err(|e| fail(&e))?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link or a FIFO put in the file's place since: not followed, not
        // waited on.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| fail(&e))?;
    let meta = file.metadata().map_err(|e| fail(&e))?;
    if !meta.is_file() {
        return Err(fail(&"is not a regular file; only regular files are read"));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_READ) as usize);
    file.take(MAX_READ + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    if bytes.len() as u64 > MAX_READ {
        return Err(fail(&crate::workspace::Unreadable::TooLarge(MAX_READ)));
    }
    if meta.permissions().readonly() {
        // No write bit at all: left alone, also by root, whom `access(2)`
        // would let write it.
        return Ok((
            bytes,
            Target::Refused(format!("{}: read-only; not fixed", path.display())),
        ));
    }
    Ok((bytes, Target::File(Read { meta })))
}

pub(super) enum Written {
    Yes,
    /// The file is no longer the one read: not written.
    Changed,
}

/// Replaces the file read (`read`) with `text`, atomically, or not at all.
/// The text goes to a temporary file made beside the name (in the plugin
/// folder, never a link's target's), created with the file's mode (its
/// owner too, where the writer may set it), which is renamed over the
/// name, so that a reader (or a crash) sees the old file or the new one,
/// never half of it. Immediately before the rename, the name is compared
/// with what was read (see [`Read::is`]): a link or another file put in
/// its place, or a save since, and nothing is written.
pub(super) fn write_over(path: &Path, read: &Read, text: &str) -> Result<Written, String> {
    use std::io::Write;
    let fail = |e: std::io::Error| format!("{}: cannot write the fixed file: {e}", path.display());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".sps-plugin-ls.tmp");
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        let mode = read.meta.permissions().mode() & 0o7777;
        // Created with the mode (less the umask): never readable by more
        // than the file was, not even before its text is in.
        builder.permissions(std::fs::Permissions::from_mode(mode & 0o777));
        mode
    };
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // The umask took bits away: the file's own mode, before any text.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
        // The owner too, where allowed (root fixing someone's file);
        // elsewhere the file is the writer's, as with any editor.
        let _ =
            std::os::unix::fs::fchown(tmp.as_file(), Some(read.meta.uid()), Some(read.meta.gid()));
    }
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if let Some(ms) = std::env::var(TEST_PAUSE_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        out::eprint(&format!(
            "sps-plugin-ls: test: pausing before writing {}\n",
            path.display()
        ));
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    // The few microseconds from here to the rename are the only window in
    // which a change to the file is not seen.
    match std::fs::symlink_metadata(path) {
        Ok(now) if read.is(&now) => {}
        _ => return Ok(Written::Changed),
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(Written::Yes)
}

/// A file `check` was asked to read, as bytes: only a regular file, and
/// never more than [`MAX_READ`].
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    read_bounded(path, MAX_READ).map_err(|e| format!("{}: {e}", path.display()))
}
