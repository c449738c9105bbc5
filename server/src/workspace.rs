//! What the server knows about files around a document: which kind a file
//! is, and read-only access to its plugin folder through [`Files`], whose
//! implementations are the disk, the disk under the editor's open buffers,
//! and a .zip archive. Nothing here writes, and links never lead out of the
//! plugin folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod disk;
mod disk_cache;
mod memo;
mod walk;

pub use disk::*;
pub use disk_cache::*;
pub use memo::*;
pub use walk::*;

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
    /// [`Files::read_head`] as a shared text: a view that keeps texts (the
    /// open documents, the disk's kept answers) hands out its own instead
    /// of a copy. A keystroke loads every module of the plugin this way.
    fn read_head_shared(&self, path: &Path, limit: usize) -> Option<Arc<str>> {
        self.read_head(path, limit).map(Arc::from)
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
/// Lock-free (papaya): the checks of a view fill and read it from several
/// threads on the keystroke path.
pub type ScanCache = papaya::HashMap<(PathBuf, usize), (Prune, Arc<Listing>)>;

/// Whether a kept walk of a folder above `path` does not list it: the file
/// came after the walk, and the event that would have said so did not come
/// (a watcher misses files written into a folder it has not watched yet).
pub fn walks_miss(cache: &ScanCache, path: &Path) -> bool {
    cache.pin().iter().any(|((dir, _), (prune, listing))| {
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
        if let Some((_, hit)) = cache.pin().get(&key) {
            return hit.clone();
        }
        let listing = Arc::new(walk(self, dir, prune));
        cache.pin().insert(key, (prune, listing.clone()));
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

    fn read_head_shared(&self, path: &Path, limit: usize) -> Option<Arc<str>> {
        match self.open.get(path) {
            Some(text) if text.len() <= limit => Some(text.clone()),
            Some(_) => self.read_head(path, limit).map(Arc::from),
            None => self.below.read_head_shared(path, limit),
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
