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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
    pub size: u64,
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
}

/// The disk. Symbolic links are followed only when they stay inside `root`.
pub struct DiskFiles {
    root: Option<PathBuf>,
}

/// Reading a file larger than this is refused: no file in a plugin that
/// the server reads is anywhere near it.
const MAX_READ: u64 = 64 * 1024 * 1024;

impl DiskFiles {
    /// Access confined to `root` (links pointing out of it are refused).
    pub fn confined(root: &Path) -> Self {
        Self {
            root: root.canonicalize().ok(),
        }
    }

    /// Access to the files beside each document, confined to the document's
    /// own folder tree.
    pub fn unconfined() -> Self {
        Self { root: None }
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
}

impl Files for DiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        if !self.allowed(path) {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        Some(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    }

    fn read_head(&self, path: &Path, limit: usize) -> Option<String> {
        use std::io::Read;
        if !self.allowed(path) {
            return None;
        }
        let file = std::fs::File::open(path).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut buf = Vec::new();
        file.take(limit as u64).read_to_end(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf).into_owned())
    }

    fn is_file(&self, path: &Path) -> bool {
        self.allowed(path) && path.is_file()
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
                Some(DirEntry {
                    name: e.file_name().to_str()?.to_string(),
                    is_dir: meta.is_dir(),
                    size: meta.len(),
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
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
}

/// Folder walks by folder and pruning rule.
pub type ScanCache = std::sync::Mutex<HashMap<(PathBuf, usize), Arc<Listing>>>;

impl Files for Overlay<'_> {
    fn walk(&self, dir: &Path, prune: Prune) -> Arc<Listing> {
        let Some(cache) = self.scans else {
            return Arc::new(walk(self, dir, prune));
        };
        let key = (dir.to_path_buf(), prune as usize);
        if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        let listing = Arc::new(walk(self, dir, prune));
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, listing.clone());
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
/// for packaging is the layout rules' business (`analysis/layout.rs`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Files, by path relative to the walked folder (`/`-separated).
    pub files: Vec<ListedFile>,
    /// Folders, by relative path, parents before children.
    pub folders: Vec<String>,
    /// Whether the walk stopped early at one of its limits.
    pub truncated: bool,
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
const WALK_MAX_ENTRIES: usize = 50_000;
const WALK_MAX_DEPTH: usize = 16;

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
