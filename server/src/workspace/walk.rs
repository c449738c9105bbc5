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
    manifest_folders_within(root, prune, WALK_MAX_ENTRIES)
}

/// [`manifest_folders_on_disk`], visiting at most `limit` folders.
fn manifest_folders_within(root: &Path, prune: Prune, limit: usize) -> (Vec<PathBuf>, bool) {
    // On two threads, as ruff walks: the walk is the first thing `check`
    // and the server's start do, and no plugin is checked before it ends.
    // Past the limit, which folders were seen depends on the threads: the
    // answer is then the one-thread walk's, the same each time.
    use std::sync::atomic::{AtomicUsize, Ordering};
    let visited = AtomicUsize::new(0);
    let (found, folders) = std::sync::mpsc::channel();
    walker(root, prune)
        .threads(WALK_THREADS)
        .build_parallel()
        .run(|| {
            let (found, visited) = (found.clone(), &visited);
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                if visited.fetch_add(1, Ordering::Relaxed) >= limit {
                    return ignore::WalkState::Quit;
                }
                if holds_manifest(entry.path()) {
                    let _ = found.send(entry.into_path());
                }
                ignore::WalkState::Continue
            })
        });
    drop(found);
    if visited.load(Ordering::Relaxed) > limit {
        return manifest_folders_in_order(root, prune, limit);
    }
    let mut out: Vec<PathBuf> = folders.into_iter().collect();
    out.sort();
    (out, false)
}

/// The threads of [`manifest_folders_on_disk`]'s walk.
const WALK_THREADS: usize = 2;

/// [`manifest_folders_on_disk`] on one thread, in the walk's order.
fn manifest_folders_in_order(root: &Path, prune: Prune, limit: usize) -> (Vec<PathBuf>, bool) {
    let mut visited = 0usize;
    let mut truncated = false;
    let mut out = Vec::new();
    for entry in walker(root, prune).build().filter_map(Result::ok) {
        visited += 1;
        if visited > limit {
            truncated = true;
            break;
        }
        if holds_manifest(entry.path()) {
            out.push(entry.into_path());
        }
    }
    out.sort();
    (out, truncated)
}

/// The walk of [`manifest_folders_on_disk`]: folders only.
fn walker(root: &Path, prune: Prune) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(WALK_MAX_DEPTH))
        .filter_entry(move |e| {
            e.file_type().is_some_and(|t| t.is_dir())
                && (e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| prune(n, true)))
        });
    walker
}

/// Whether `folder` has a MANIFEST: `exists`, as a MANIFEST that is no
/// regular file (a FIFO) is still this folder's; reading it reports what
/// it is.
fn holds_manifest(folder: &Path) -> bool {
    std::fs::symlink_metadata(folder.join("MANIFEST")).is_ok()
}

#[cfg(test)]
mod disk_walk_tests {
    use super::*;

    /// The two-thread walk finds what the one-thread walk finds; past its
    /// limit, the same folders each time.
    #[test]
    fn the_parallel_walk_finds_what_the_walk_in_order_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..30 {
            let plugin = root.join(format!("team{}/p{i}", i % 4));
            std::fs::create_dir_all(plugin.join("lib")).unwrap();
            std::fs::write(plugin.join("MANIFEST"), "name: p\n").unwrap();
        }
        std::fs::create_dir_all(root.join("team0/tests/p")).unwrap();
        std::fs::write(root.join("team0/tests/p/MANIFEST"), "").unwrap();
        let prune: Prune = |name, _| name == "tests";
        let all = manifest_folders_on_disk(root, prune);
        assert_eq!(
            all,
            manifest_folders_in_order(root, prune, WALK_MAX_ENTRIES)
        );
        assert_eq!((all.0.len(), all.1), (30, false));
        let cut = manifest_folders_within(root, prune, 20);
        assert!(cut.1);
        assert_eq!(cut, manifest_folders_in_order(root, prune, 20));
        for _ in 0..5 {
            assert_eq!(manifest_folders_within(root, prune, 20), cut);
        }
    }
}
