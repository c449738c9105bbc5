//! The documents under the workspace folders that the server checks
//! without their being open (`diagnostics.scope = "workspace"`): each
//! plugin folder's MANIFEST, its configuration files (`default.cfg`, the
//! `*.cfg` beside the MANIFEST), its code (what pluginv would package) and
//! the configuration files of sps-plugin-ls. One bounded walk per workspace
//! folder, with the layout rules' limits; links are never followed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::editor_settings::EditorConfig;
use crate::settings::{self, Settings};
use crate::workspace::{DocKind, Files};

pub use crate::analysis::plugin::{plugin_documents, plugins_under as plugin_folders};

use crate::analysis::plugin::top_level_documents as top_level;

/// Every document of the workspace folder `root`: its own configuration
/// files of sps-plugin-ls and its plugins' documents; and whether the walk
/// was cut short.
pub fn documents(root: &Path, files: &dyn Files) -> (Vec<(PathBuf, DocKind)>, bool) {
    let (folders, truncated) = plugin_folders(root, files);
    let mut out: Vec<(PathBuf, DocKind)> = top_level(root, files)
        .into_iter()
        .filter(|(_, k)| *k == DocKind::Settings)
        .collect();
    // A set beside the list: 200 plugins are thousands of documents.
    let mut seen: HashSet<(PathBuf, DocKind)> = out.iter().cloned().collect();
    for folder in folders {
        for doc in plugin_documents(&folder, files) {
            if seen.insert(doc.clone()) {
                out.push(doc);
            }
        }
    }
    (out, truncated)
}

/// The documents that no `exclude` glob of their configuration (the file
/// found for them over the editor's settings) leaves out, as `check`
/// leaves them out.
pub fn not_excluded(
    docs: Vec<(PathBuf, DocKind)>,
    files: &dyn Files,
    editor: &EditorConfig,
) -> Vec<(PathBuf, DocKind)> {
    let mut by_dir: HashMap<PathBuf, Settings> = HashMap::new();
    docs.into_iter()
        .filter(|(path, _)| {
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            let s = by_dir.entry(dir.clone()).or_insert_with(|| {
                let file = settings::discover(&dir, files);
                match &editor.for_path(path).settings {
                    Some(e) => file.over(e),
                    None => file,
                }
            });
            !s.excludes(path)
        })
        .collect()
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
            ("/w/old/MANIFEST", "entry_point: main.py\n"),
            ("/w/old/main.py", ""),
            ("/w/sps-plugin-ls.toml", "exclude = [\"old\"]\n"),
        ] {
            files.files.insert(path.into(), text.as_bytes().to_vec());
        }
        let (docs, truncated) = documents(Path::new("/w"), &files);
        assert!(!truncated);
        let docs = not_excluded(docs, &files, &EditorConfig::default());
        let names: Vec<String> = docs
            .iter()
            .map(|(p, k)| format!("{} {k:?}", p.display()))
            .collect();
        assert_eq!(
            names,
            [
                "/w/pyproject.toml Settings",
                "/w/sps-plugin-ls.toml Settings",
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
