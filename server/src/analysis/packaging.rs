//! What pluginv would put in the .zip, as the SDK's packaging does it:
//! which folders and files it leaves out, which folders `find_packages`
//! takes (those with an `__init__.py`), and whether the SDK itself is
//! inside. Shared by the layout rules and the code rules, over a neutral
//! folder listing from `workspace.rs`.

use crate::workspace::Listing;

/// What pluginv would make of a plugin folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packaging {
    /// Total bytes of what pluginv would zip (see [`is_left_out`]).
    pub size: u64,
    /// Folders (relative to the plugin folder) that hold `.py` files but no
    /// `__init__.py`: `find_packages` leaves them out.
    pub folders_without_init: Vec<String>,
    /// Whether `safeguard/sessions/plugin/` (the SDK itself) is inside.
    pub bundles_sdk: bool,
    /// Every `.py` file pluginv would zip, relative, with `/`, sorted.
    pub py_files: Vec<String>,
    /// Folders (relative) that hold an `__init__.py`, sorted.
    pub packages: Vec<String>,
}

pub fn packaging(listing: &Listing) -> Packaging {
    let mut with_py = std::collections::BTreeSet::new();
    let mut with_init = std::collections::HashSet::new();
    let mut size = 0;
    let mut py_files = Vec::new();
    for f in &listing.files {
        size += f.size;
        let (folder, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
        if name.ends_with(".py") {
            py_files.push(f.path.clone());
            if !folder.is_empty() {
                with_py.insert(folder);
            }
        }
        if name == "__init__.py" {
            with_init.insert(folder);
        }
    }
    py_files.sort();
    let mut packages: Vec<String> = with_init
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| f.to_string())
        .collect();
    packages.sort();
    Packaging {
        size,
        py_files,
        packages,
        folders_without_init: with_py
            .into_iter()
            .filter(|f| !with_init.contains(f))
            .map(str::to_string)
            .collect(),
        bundles_sdk: listing
            .folders
            .iter()
            .any(|f| f == "safeguard/sessions/plugin"),
    }
}

/// Folders and files pluginv leaves out of the zip: version control, caches,
/// tests and virtualenvs, build output.
pub fn is_left_out(name: &str, is_dir: bool) -> bool {
    if is_dir {
        matches!(
            name,
            ".git"
                | ".hg"
                | ".svn"
                | "__pycache__"
                | ".pytest_cache"
                | ".mypy_cache"
                | ".tox"
                | ".nox"
                | "tests"
                | "test"
                | ".venv"
                | "venv"
                | "env"
                | ".env"
                | "node_modules"
                | "build"
                | "dist"
                | ".idea"
                | ".vscode"
                | ".eggs"
        ) || name.ends_with(".egg-info")
            || name.ends_with(".dist-info")
    } else {
        name.ends_with(".pyc")
            || name.ends_with(".pyo")
            || name == ".DS_Store"
            || name.ends_with(".zip")
    }
}
