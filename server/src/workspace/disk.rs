//! The disk ([`DiskFiles`]): regular files only, never read past a bound,
//! and links followed only while they stay inside the root.

use super::*;

/// The disk. Symbolic links are followed only when they stay inside `root`.
/// Only regular files are ever opened, and never read past [`MAX_READ`].
pub struct DiskFiles {
    root: Option<PathBuf>,
    /// Files that were asked for but are not regular files (a FIFO, a
    /// device), with why: `check` refuses to go on with them.
    refused: std::sync::Mutex<Vec<(PathBuf, Unreadable)>>,
    /// Paths found missing, shared by the views of one run of `check`
    /// over a folder of plugins, whose searches for configuration files
    /// go up through the same folders: each is looked at once per run.
    absent: Option<Arc<AbsentPaths>>,
}

/// Paths the disk said are not there, kept for one run that writes
/// nothing (see [`DiskFiles::confined_in_run`]). A path that is there,
/// even a broken link, is never kept: what a view may follow depends on
/// its root.
#[derive(Default)]
pub struct AbsentPaths(papaya::HashSet<PathBuf>);

/// Reading a file larger than this is refused: no file in a plugin that
/// the server reads is anywhere near it.
pub const MAX_READ: u64 = 64 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum Unreadable {
    Io(std::io::Error),
    /// Not a regular file: a FIFO, a socket, a device or a folder.
    NotAFile(&'static str),
    /// Larger than the limit it was read with.
    TooLarge(u64),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Io(e) => write!(f, "{e}"),
            Unreadable::NotAFile(kind) => {
                write!(
                    f,
                    "is a {kind}, not a regular file; only regular files are read"
                )
            }
            Unreadable::TooLarge(limit) => {
                write!(f, "is larger than {} MiB; it is not read", limit >> 20)
            }
        }
    }
}

pub(super) fn kind_of(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe (FIFO)";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    if t.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

/// The metadata of a regular file (links followed), or why it is none.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, Unreadable> {
    let meta = std::fs::metadata(path).map_err(Unreadable::Io)?;
    if !meta.is_file() {
        return Err(Unreadable::NotAFile(kind_of(meta.file_type())));
    }
    Ok(meta)
}

/// The first `limit` bytes of a regular file, and whether that is all of
/// it. The one way files are read from the disk: anything but a regular
/// file is refused before it is opened (and opened without blocking, in case
/// it became one meanwhile), and no read goes past `limit`.
pub fn read_prefix(path: &Path, limit: u64) -> Result<(Vec<u8>, bool), Unreadable> {
    use std::io::Read;
    regular_file(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO put in the file's place opens at once instead of waiting
        // for a writer; on a regular file the flag changes nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(Unreadable::Io)?;
    let meta = file.metadata().map_err(Unreadable::Io)?;
    if !meta.is_file() {
        return Err(Unreadable::NotAFile(kind_of(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Unreadable::Io)?;
    let complete = bytes.len() as u64 <= limit;
    bytes.truncate(limit as usize);
    Ok((bytes, complete))
}

/// A whole regular file of at most `limit` bytes (see [`read_prefix`]).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Unreadable> {
    match read_prefix(path, limit)? {
        (bytes, true) => Ok(bytes),
        (_, false) => Err(Unreadable::TooLarge(limit)),
    }
}

pub(super) fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl DiskFiles {
    /// Access confined to `root` (links pointing out of it are refused).
    pub fn confined(root: &Path) -> Self {
        Self {
            root: root.canonicalize().ok(),
            refused: Default::default(),
            absent: None,
        }
    }

    /// [`Self::confined`] to a root whose links are already resolved
    /// (`canonical_root`), in a run that shares what is missing.
    pub fn confined_in_run(canonical_root: Option<PathBuf>, absent: Arc<AbsentPaths>) -> Self {
        Self {
            root: canonical_root,
            refused: Default::default(),
            absent: Some(absent),
        }
    }

    /// Access to the files beside each document, confined to the document's
    /// own folder tree.
    pub fn unconfined() -> Self {
        Self {
            root: None,
            refused: Default::default(),
            absent: None,
        }
    }

    /// The files asked for that were FIFOs, devices or the like.
    pub fn refused(&self) -> Vec<(PathBuf, Unreadable)> {
        std::mem::take(&mut *self.refused.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn allowed(&self, path: &Path) -> bool {
        let Some(meta) = self.symlink_metadata(path) else {
            return false;
        };
        !meta.file_type().is_symlink() || self.link_allowed(path)
    }

    /// What `path` itself is (a link not followed), if it is there.
    fn symlink_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        let Some(absent) = &self.absent else {
            return std::fs::symlink_metadata(path).ok();
        };
        if absent.0.pin().contains(path) {
            return None;
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) => Some(meta),
            Err(e) => {
                if e.kind() == std::io::ErrorKind::NotFound {
                    absent.0.pin().insert(path.to_path_buf());
                }
                None
            }
        }
    }

    /// What `path` names (a link followed), if it may be read: one look at
    /// the disk for a path that is no link, where [`Self::allowed`] then a
    /// metadata call took two.
    fn allowed_metadata(&self, path: &Path) -> Option<std::fs::Metadata> {
        let meta = self.symlink_metadata(path)?;
        if !meta.file_type().is_symlink() {
            return Some(meta);
        }
        if !self.link_allowed(path) {
            return None;
        }
        std::fs::metadata(path).ok()
    }

    /// Whether the link `path` leads inside the root.
    fn link_allowed(&self, path: &Path) -> bool {
        let Some(parent) = path.parent() else {
            return false;
        };
        let root = match &self.root {
            Some(r) => r.clone(),
            None => match parent.canonicalize() {
                Ok(p) => p,
                Err(_) => return false,
            },
        };
        path.canonicalize()
            .is_ok_and(|target| target.starts_with(&root))
    }

    fn read_limited(&self, path: &Path, limit: u64) -> Option<(Vec<u8>, bool)> {
        if !self.allowed(path) {
            return None;
        }
        match read_prefix(path, limit) {
            Ok(read) => Some(read),
            Err(e @ Unreadable::NotAFile(_)) => {
                self.refused
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((path.to_path_buf(), e));
                None
            }
            Err(_) => None,
        }
    }
}

impl Files for DiskFiles {
    fn is_disk(&self) -> bool {
        true
    }

    fn read(&self, path: &Path) -> Option<String> {
        match self.read_limited(path, MAX_READ)? {
            (bytes, true) => Some(lossy(bytes)),
            (_, false) => None,
        }
    }

    fn read_head(&self, path: &Path, limit: usize) -> Option<String> {
        let (mut bytes, _) = self.read_limited(path, limit as u64)?;
        // Cut at a character boundary, as the default does.
        if let Err(e) = std::str::from_utf8(&bytes) {
            if e.error_len().is_none() {
                bytes.truncate(e.valid_up_to());
            }
        }
        Some(lossy(bytes))
    }

    fn is_file(&self, path: &Path) -> bool {
        self.allowed_metadata(path).is_some_and(|m| m.is_file())
    }

    fn stamp(&self, path: &Path) -> Option<u64> {
        let meta = self.allowed_metadata(path).filter(|m| m.is_file())?;
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut h);
        }
        Some(h.finish() | 1)
    }

    fn read_dir(&self, dir: &Path) -> Vec<DirEntry> {
        let Ok(read) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out: Vec<DirEntry> = read
            .filter_map(Result::ok)
            .filter_map(|e| {
                let meta = e.metadata().ok()?; // does not follow links
                if meta.file_type().is_symlink() {
                    return None;
                }
                let os_name = e.file_name();
                let (name, raw) = match os_name.to_str() {
                    Some(n) => (n.to_string(), None),
                    None => (os_name.to_string_lossy().into_owned(), Some(os_name)),
                };
                Some(DirEntry {
                    name,
                    is_dir: meta.is_dir(),
                    size: meta.len(),
                    raw,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In a run that shares what is missing, a path found missing is not
    /// looked for again; a link is never kept, whatever it leads to, as
    /// what a view may follow depends on its root.
    #[test]
    fn a_run_looks_for_a_missing_path_once_and_keeps_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (plugin, other) = (root.join("p"), root.join("q"));
        std::fs::create_dir_all(&plugin).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        let absent = Arc::new(AbsentPaths::default());
        let disk = DiskFiles::confined_in_run(Some(plugin.clone()), absent.clone());
        let toml = root.join("sps-plugin-ls.toml");
        assert_eq!(disk.stamp(&toml), None);
        std::fs::write(&toml, "select = []\n").unwrap();
        assert_eq!(disk.read(&toml), None, "missing for the whole run");
        assert!(DiskFiles::confined(&plugin).read(&toml).is_some());
        // A link above both plugins into one of them: each view answers
        // for its own root, and neither answer is kept.
        std::fs::write(other.join("x.toml"), "select = []\n").unwrap();
        let link = root.join(".sps-plugin-ls.toml");
        std::os::unix::fs::symlink(other.join("x.toml"), &link).unwrap();
        let into_other = DiskFiles::confined_in_run(Some(other.clone()), absent.clone());
        assert_eq!(disk.read(&link), None);
        assert!(into_other.read(&link).is_some());
        assert!(!absent.0.pin().contains(&link));
    }
}
