//! Walks of a plugin folder within fixed limits ([`walk`]), and the search
//! for plugin folders on the disk, where `.gitignore` decides.

use super::*;

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
