//! The documents under the workspace folders that the server checks
//! without their being open (`diagnostics.scope = "workspace"`): each
//! plugin folder's MANIFEST, its configuration files (`default.cfg`, the
//! `*.cfg` beside the MANIFEST), its code (what pluginv would package) and
//! the configuration files of sps-plugin-ls. One bounded walk per workspace
//! folder, with the layout rules' limits; links are never followed.

use std::path::{Path, PathBuf};

use crate::analysis::{code, packaging};
use crate::workspace::{walk, DocKind, Files};

/// The plugin folders under `root` (`root` itself included) and whether
/// the walk stopped at one of its limits.
pub fn plugin_folders(root: &Path, files: &dyn Files) -> (Vec<PathBuf>, bool) {
    let listing = walk(files, root, packaging::is_left_out);
    let mut folders: Vec<PathBuf> = listing
        .files
        .iter()
        .filter_map(|f| match f.path.rsplit_once('/') {
            Some((dir, "MANIFEST")) => Some(root.join(dir)),
            None if f.path == "MANIFEST" => Some(root.to_path_buf()),
            _ => None,
        })
        .collect();
    folders.sort();
    (folders, listing.truncated)
}

/// The documents of one plugin folder, in a stable order.
pub fn plugin_documents(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    let code = code::documents(files, dir);
    let mut out: Vec<(PathBuf, DocKind)> = top_level(dir, files)
        .into_iter()
        .filter(|(p, k)| *k != DocKind::Python || code.contains(p))
        .collect();
    out.extend(
        code.into_iter()
            .filter(|p| p.parent() != Some(dir))
            .map(|p| (p, DocKind::Python)),
    );
    out
}

/// The documents directly in a folder.
fn top_level(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    files
        .read_dir(dir)
        .into_iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| {
            let path = dir.join(&e.name);
            DocKind::detect(&path, files).map(|k| (path, k))
        })
        .collect()
}

/// Every document of the workspace folder `root`: its own configuration
/// files of sps-plugin-ls and its plugins' documents; and whether the walk
/// was cut short.
pub fn documents(root: &Path, files: &dyn Files) -> (Vec<(PathBuf, DocKind)>, bool) {
    let (folders, truncated) = plugin_folders(root, files);
    let mut out: Vec<(PathBuf, DocKind)> = top_level(root, files)
        .into_iter()
        .filter(|(_, k)| *k == DocKind::Settings)
        .collect();
    for folder in folders {
        for doc in plugin_documents(&folder, files) {
            if !out.contains(&doc) {
                out.push(doc);
            }
        }
    }
    (out, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemoryFiles;

    #[test]
    fn finds_each_plugins_documents_and_leaves_out_tests_and_venvs() {
        let mut files = MemoryFiles::default();
        for (path, text) in [
            ("/w/pyproject.toml", ""),
            ("/w/README.md", ""),
            ("/w/a/MANIFEST", "entry_point: main.py\n"),
            ("/w/a/main.py", ""),
            ("/w/a/default.cfg", ""),
            ("/w/a/lib/__init__.py", ""),
            ("/w/a/lib/x.py", ""),
            ("/w/a/tests/test_x.py", ""),
            ("/w/b/c/MANIFEST", "entry_point: main.py\n"),
            ("/w/b/c/main.py", ""),
            ("/w/.venv/d/MANIFEST", ""),
        ] {
            files.files.insert(path.into(), text.as_bytes().to_vec());
        }
        let (docs, truncated) = documents(Path::new("/w"), &files);
        assert!(!truncated);
        let names: Vec<String> = docs
            .iter()
            .map(|(p, k)| format!("{} {k:?}", p.display()))
            .collect();
        assert_eq!(
            names,
            [
                "/w/pyproject.toml Settings",
                "/w/a/MANIFEST Manifest",
                "/w/a/default.cfg Config",
                "/w/a/main.py Python",
                "/w/a/lib/__init__.py Python",
                "/w/a/lib/x.py Python",
                "/w/b/c/MANIFEST Manifest",
                "/w/b/c/main.py Python",
            ]
        );
    }
}
