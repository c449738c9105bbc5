//! What the server knows about files around a document: which kind a file
//! is, and read-only access to its plugin folder through [`Files`], whose
//! implementations are the disk, the disk under the editor's open buffers,
//! and a .zip archive. Nothing here writes, and links never lead out of the
//! plugin folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kinds of documents the server understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    Manifest,
    Config,
    /// A `.py` file inside a plugin folder (one with a MANIFEST above it).
    Python,
    /// `sps-plugin-ls.toml`, `.sps-plugin-ls.toml` or `pyproject.toml` (its
    /// `[tool.sps-plugin-ls]` table).
    Settings,
}

impl DocKind {
    /// A document's kind comes from its file name, never from the client's
    /// language id: editors name languages as they please.
    pub fn detect(path: &Path, files: &dyn Files) -> Option<DocKind> {
        let name = path.file_name()?.to_str()?;
        match name {
            "MANIFEST" => Some(DocKind::Manifest),
            "default.cfg" | "default.cfg.plugin" => Some(DocKind::Config),
            _ if name.ends_with(".py") => plugin_folder_of(path, files).map(|_| DocKind::Python),
            "sps-plugin-ls.toml" | ".sps-plugin-ls.toml" | "pyproject.toml" => {
                Some(DocKind::Settings)
            }
            _ if name.ends_with(".cfg") => {
                let dir = path.parent()?;
                files
                    .is_file(&dir.join("MANIFEST"))
                    .then_some(DocKind::Config)
            }
            _ => None,
        }
    }
}

/// How many folders up, from a file's own, its plugin folder is looked for.
pub const PLUGIN_SEARCH_DEPTH: usize = 16;

/// The one rule for which plugin holds a file: the nearest folder at or
/// above `dir` that holds a MANIFEST, at most [`PLUGIN_SEARCH_DEPTH`]
/// folders up. A plugin inside another plugin's folder is its own plugin:
/// the innermost wins. `check`, the server's scan, every rule and feature
/// ask this (through [`crate::analysis::plugin`]); nothing else looks for
/// a MANIFEST above a file. A relative `dir` is searched up to the current
/// folder, which is then `.`.
pub fn plugin_folder_from(dir: &Path, files: &dyn Files) -> Option<PathBuf> {
    dir.ancestors()
        .take(PLUGIN_SEARCH_DEPTH)
        .find(|d| files.is_file(&d.join("MANIFEST")))
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d.to_path_buf()
            }
        })
}

/// The plugin folder holding the file `path` ([`plugin_folder_from`] its
/// folder).
pub fn plugin_folder_of(path: &Path, files: &dyn Files) -> Option<PathBuf> {
    plugin_folder_from(path.parent()?, files)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The name; for a name that is not UTF-8, its lossy form.
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
    /// The name as on the disk, when it is not UTF-8 (pluginv cannot
    /// package it; `check` still finds a plugin folder so named).
    pub raw: Option<std::ffi::OsString>,
}

impl DirEntry {
    /// The name as on the disk.
    pub fn os_name(&self) -> &std::ffi::OsStr {
        self.raw
            .as_deref()
            .unwrap_or(std::ffi::OsStr::new(&self.name))
    }
}

/// Read-only access to the files of a plugin.
pub trait Files: Send + Sync {
    /// The whole text of a file (invalid UTF-8 replaced), if it is a
    /// readable file.
    fn read(&self, path: &Path) -> Option<String>;
    /// The first `limit` bytes of a file, enough to look at its first lines.
    fn read_head(&self, path: &Path, limit: usize) -> Option<String> {
        self.read(path).map(|mut t| {
            if t.len() > limit {
                let mut end = limit;
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                t.truncate(end);
            }
            t
        })
    }
    fn is_file(&self, path: &Path) -> bool;
    /// The entries of a folder, sorted by name; links are left out.
    fn read_dir(&self, dir: &Path) -> Vec<DirEntry>;
    /// A walk over a plugin folder; implementations may cache it.
    fn walk(&self, dir: &Path, prune: Prune) -> Arc<Listing> {
        Arc::new(walk(self, dir, prune))
    }
    /// Whether these files are a .zip's contents (sizes then are the
    /// archive's business, not the folder's).
    fn is_archive(&self) -> bool {
        false
    }
    /// Whether the document has no files around it at all (it is not on
    /// the disk): rules about other files then say nothing, rather than
    /// report them missing.
    fn is_detached(&self) -> bool {
        false
    }
    /// Whether these files are the disk's (under the editor's open texts
    /// or not): a search for plugins then honours `.gitignore`.
    fn is_disk(&self) -> bool {
        false
    }
    /// Results kept for as long as these files do not change, if whoever
    /// made this view knows when they do.
    fn memo(&self) -> Option<&Memo> {
        None
    }
    /// A number that changes when the regular file at `path` does (its
    /// device, inode, length, modification and change times; an open
    /// document's text), for results kept across views; None: not a file
    /// these files would read, or no such number (nothing is kept).
    fn stamp(&self, _path: &Path) -> Option<u64> {
        None
    }
}

/// Results computed from one unchanging view of the files, shared by every
/// analysis made in it: a plugin's code is checked once, however many of
/// its files are analysed. Whoever makes the view makes a new memo when a
/// file changes (the server: at every edit and file event; `check`: per
/// plugin folder, and none when it fixes).
#[derive(Default)]
pub struct Memo {
    entries: std::sync::Mutex<HashMap<MemoKey, Arc<MemoSlot>>>,
}

/// What a memo entry is (a name, and the type it holds), of which folder,
/// with which input (a hash of what the caller passes besides the files).
type MemoKey = (&'static str, std::any::TypeId, PathBuf, u64);

/// One entry, filled once: a thread that asks while another computes it
/// waits for that result instead of computing it again.
type MemoSlot = std::sync::OnceLock<Arc<dyn std::any::Any + Send + Sync>>;

impl Memo {
    /// The kept result for the key, else `compute`'s, kept.
    pub fn get_or_compute<T: std::any::Any + Send + Sync>(
        &self,
        what: &'static str,
        folder: &Path,
        input: u64,
        compute: impl FnOnce() -> T,
    ) -> Arc<T> {
        let key = (
            what,
            std::any::TypeId::of::<T>(),
            folder.to_path_buf(),
            input,
        );
        let slot = lock(&self.entries).entry(key).or_default().clone();
        let value = slot.get_or_init(|| Arc::new(compute()));
        match value.clone().downcast::<T>() {
            Ok(v) => v,
            Err(_) => unreachable!("a memo key holds the type of its value"),
        }
    }

    /// The memo of the view that follows an edit of MANIFEST texts only:
    /// the results whose key holds all they take from a MANIFEST (its facts)
    /// and that depend on nothing else the edit changed are kept, so a
    /// keystroke in `description` runs none of the code's rules again.
    pub fn after_manifest_edit(&self) -> Memo {
        /// Keyed by the MANIFEST's facts (`Plugin::facts_key`), or
        /// independent of any MANIFEST.
        const FACTS_KEYED: &[&str] = &["code findings", "code reads", "settings"];
        let kept = lock(&self.entries)
            .iter()
            .filter(|(k, slot)| FACTS_KEYED.contains(&k.0) && slot.get().is_some())
            .map(|(k, slot)| (k.clone(), slot.clone()))
            .collect();
        Memo {
            entries: std::sync::Mutex::new(kept),
        }
    }

    #[cfg(test)]
    pub fn entries(&self, what: &str) -> usize {
        lock(&self.entries)
            .iter()
            .filter(|(k, slot)| k.0 == what && slot.get().is_some())
            .count()
    }
}

/// `compute`'s result, kept in the files' memo when they have one.
pub fn memoized<T: std::any::Any + Send + Sync>(
    files: &dyn Files,
    what: &'static str,
    folder: &Path,
    input: u64,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    match files.memo() {
        Some(memo) => memo.get_or_compute(what, folder, input, compute),
        None => Arc::new(compute()),
    }
}

/// A hash of a text, for a memo's key.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// No files: the view of a document that is not on the disk (`untitled:`,
/// `http:`), so that nothing is read from the disk for it.
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _: &Path) -> Option<String> {
        None
    }
    fn is_file(&self, _: &Path) -> bool {
        false
    }
    fn read_dir(&self, _: &Path) -> Vec<DirEntry> {
        Vec::new()
    }
    fn is_detached(&self) -> bool {
        true
    }
}

/// The disk. Symbolic links are followed only when they stay inside `root`.
/// Only regular files are ever opened, and never read past [`MAX_READ`].
pub struct DiskFiles {
    root: Option<PathBuf>,
    /// Files that were asked for but are not regular files (a FIFO, a
    /// device), with why: `check` refuses to go on with them.
    refused: std::sync::Mutex<Vec<(PathBuf, Unreadable)>>,
}

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

fn kind_of(t: std::fs::FileType) -> &'static str {
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

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl DiskFiles {
    /// Access confined to `root` (links pointing out of it are refused).
    pub fn confined(root: &Path) -> Self {
        Self {
            root: root.canonicalize().ok(),
            refused: Default::default(),
        }
    }

    /// Access to the files beside each document, confined to the document's
    /// own folder tree.
    pub fn unconfined() -> Self {
        Self {
            root: None,
            refused: Default::default(),
        }
    }

    /// The files asked for that were FIFOs, devices or the like.
    pub fn refused(&self) -> Vec<(PathBuf, Unreadable)> {
        std::mem::take(&mut *lock(&self.refused))
    }

    fn allowed(&self, path: &Path) -> bool {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return false;
        };
        if !meta.file_type().is_symlink() {
            return true;
        }
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
                lock(&self.refused).push((path.to_path_buf(), e));
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
        self.allowed(path) && path.is_file()
    }

    fn stamp(&self, path: &Path) -> Option<u64> {
        if !self.allowed(path) {
            return None;
        }
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
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

/// Locks a mutex, also when a panicking thread left it poisoned: every
/// value behind the server's mutexes stays valid between statements.
pub fn lock<T: ?Sized>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The editor's open documents over another [`Files`]: an open document is
/// read from the editor's text, the rest from below.
pub struct Overlay<'a> {
    pub open: &'a HashMap<PathBuf, Arc<str>>,
    pub below: &'a dyn Files,
    /// Folder walks kept between keystrokes; the server clears it when
    /// files change on disk.
    pub scans: Option<&'a ScanCache>,
    /// Results kept while neither the open texts nor the disk change.
    pub memo: Option<&'a Memo>,
}

/// Folder walks by folder and pruning rule.
pub type ScanCache = std::sync::Mutex<HashMap<(PathBuf, usize), (Prune, Arc<Listing>)>>;

/// Whether a kept walk of a folder above `path` does not list it: the file
/// came after the walk, and the event that would have said so did not come
/// (a watcher misses files written into a folder it has not watched yet).
pub fn walks_miss(cache: &ScanCache, path: &Path) -> bool {
    lock(cache).iter().any(|((dir, _), (prune, listing))| {
        let Ok(rel) = path.strip_prefix(dir) else {
            return false;
        };
        let folders = rel.parent().into_iter().flat_map(Path::components);
        let left_out = folders
            .filter_map(|c| c.as_os_str().to_str())
            .any(|name| prune(name, true));
        let rel = rel.to_string_lossy().replace('\\', "/");
        !left_out && !listing.truncated && !listing.files.iter().any(|f| f.path == rel)
    })
}

impl Files for Overlay<'_> {
    fn is_disk(&self) -> bool {
        self.below.is_disk()
    }

    fn walk(&self, dir: &Path, prune: Prune) -> Arc<Listing> {
        let Some(cache) = self.scans else {
            return Arc::new(walk(self, dir, prune));
        };
        let key = (dir.to_path_buf(), prune as usize);
        if let Some((_, hit)) = lock(cache).get(&key) {
            return hit.clone();
        }
        let listing = Arc::new(walk(self, dir, prune));
        lock(cache).insert(key, (prune, listing.clone()));
        listing
    }

    fn read(&self, path: &Path) -> Option<String> {
        match self.open.get(path) {
            Some(text) => Some(text.to_string()),
            None => self.below.read(path),
        }
    }

    fn read_head(&self, path: &Path, limit: usize) -> Option<String> {
        match self.open.get(path) {
            Some(text) => {
                let mut end = text.len().min(limit);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                Some(text[..end].to_string())
            }
            None => self.below.read_head(path, limit),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.open.contains_key(path) || self.below.is_file(path)
    }

    fn memo(&self) -> Option<&Memo> {
        self.memo
    }

    fn stamp(&self, path: &Path) -> Option<u64> {
        match self.open.get(path) {
            // Even, where the disk's are odd: an open text and the file
            // never share a stamp.
            Some(text) => Some(text_hash(text) & !1),
            None => self.below.stamp(path),
        }
    }

    fn read_dir(&self, dir: &Path) -> Vec<DirEntry> {
        let mut entries = self.below.read_dir(dir);
        for (path, text) in self.open {
            if path.parent() == Some(dir) {
                if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                    if !entries.iter().any(|e| e.name == name) {
                        entries.push(DirEntry {
                            name: name.to_string(),
                            is_dir: false,
                            size: text.len() as u64,
                            raw: None,
                        });
                    }
                }
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        entries
    }
}

/// Files held in memory, keyed by path: a .zip's contents, or a test's.
#[derive(Default)]
pub struct MemoryFiles {
    pub files: HashMap<PathBuf, Vec<u8>>,
    /// Set for a .zip's contents.
    pub archive: bool,
}

impl Files for MemoryFiles {
    fn is_archive(&self) -> bool {
        self.archive
    }

    fn read(&self, path: &Path) -> Option<String> {
        self.files
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(path)
    }

    fn read_dir(&self, dir: &Path) -> Vec<DirEntry> {
        let mut out: Vec<DirEntry> = Vec::new();
        for (path, bytes) in &self.files {
            let Ok(rest) = path.strip_prefix(dir) else {
                continue;
            };
            let mut parts = rest.components();
            let Some(first) = parts.next().and_then(|c| c.as_os_str().to_str()) else {
                continue;
            };
            let is_dir = parts.next().is_some();
            match out.iter_mut().find(|e| e.name == first) {
                Some(e) => e.is_dir |= is_dir,
                None => out.push(DirEntry {
                    name: first.to_string(),
                    is_dir,
                    size: if is_dir { 0 } else { bytes.len() as u64 },
                    raw: None,
                }),
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// What a walk over a plugin folder found: everything the layout rules need.
/// A walk of a plugin folder: every file and folder under it, except those
/// the walk was told to prune, within fixed limits. What the entries mean
/// for packaging is the analysis' business (`analysis/packaging.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Files, by path relative to the walked folder (`/`-separated).
    pub files: Vec<ListedFile>,
    /// Folders, by relative path, parents before children.
    pub folders: Vec<String>,
    /// Whether the walk stopped early at one of its limits.
    pub truncated: bool,
    /// Files and folders whose names are not UTF-8: their relative path's
    /// lossy form (`/`-separated), and the path as on the disk. Left out of
    /// the walk (nothing below is listed), as pluginv cannot package them.
    pub not_utf8: Vec<(String, PathBuf)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedFile {
    pub path: String,
    pub size: u64,
}

/// Which entries a walk leaves out, by name and whether it is a folder.
pub type Prune = fn(&str, bool) -> bool;

/// A walk stops once the files it listed add up to this size: past the
/// 20 MiB a .zip may hold, the answer is known.
pub const WALK_SIZE_CAP: u64 = 64 * 1024 * 1024;
/// A walk visits at most this many entries and this many folder levels.
pub const WALK_MAX_ENTRIES: usize = 50_000;
pub const WALK_MAX_DEPTH: usize = 16;

/// Walks a folder through `files`, never following links (the [`Files`]
/// implementations leave them out), within fixed limits.
pub fn walk<F: Files + ?Sized>(files: &F, dir: &Path, prune: Prune) -> Listing {
    let mut listing = Listing::default();
    let mut size = 0u64;
    let mut visited = 0usize;
    let mut stack = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((path, rel, depth)) = stack.pop() {
        for e in files.read_dir(&path) {
            visited += 1;
            if visited > WALK_MAX_ENTRIES || size > WALK_SIZE_CAP {
                listing.truncated = true;
                return listing;
            }
            if prune(&e.name, e.is_dir) {
                continue;
            }
            let child = if rel.is_empty() {
                e.name.clone()
            } else {
                format!("{rel}/{}", e.name)
            };
            if e.raw.is_some() {
                let raw = path.join(e.os_name());
                let raw = raw.strip_prefix(dir).map_or(raw.clone(), Path::to_path_buf);
                listing.not_utf8.push((child, raw));
                continue;
            }
            if e.is_dir {
                if depth + 1 < WALK_MAX_DEPTH {
                    stack.push((path.join(&e.name), child.clone(), depth + 1));
                } else {
                    listing.truncated = true;
                }
                listing.folders.push(child);
            } else {
                size += e.size;
                listing.files.push(ListedFile {
                    path: child,
                    size: e.size,
                });
            }
        }
    }
    listing.folders.sort();
    listing
}

/// The folders at or below `root` holding a MANIFEST, searched on the disk
/// as ruff searches for Python files: `.gitignore` (also outside a git
/// repository) and `.ignore` files decide, hidden folders and links are not
/// followed, and folders `prune` names are left out; within the walk's
/// limits (whether they cut it short is the second value).
pub fn manifest_folders_on_disk(root: &Path, prune: Prune) -> (Vec<PathBuf>, bool) {
    let mut visited = 0usize;
    let mut truncated = false;
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(WALK_MAX_DEPTH))
        .filter_entry(move |e| {
            e.file_type().is_some_and(|t| t.is_dir())
                && (e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| prune(n, true)))
        })
        .build();
    for entry in walker.filter_map(Result::ok) {
        visited += 1;
        if visited > WALK_MAX_ENTRIES {
            truncated = true;
            break;
        }
        // `exists`: a MANIFEST that is no regular file (a FIFO) is still
        // this folder's; reading it reports what it is.
        let manifest = entry.path().join("MANIFEST");
        if std::fs::symlink_metadata(&manifest).is_ok() {
            out.push(entry.into_path());
        }
    }
    out.sort();
    (out, truncated)
}
