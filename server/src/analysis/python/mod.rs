//! The plugin's Python code, as far as SPS and the SDK care: which files are
//! the plugin's code (what pluginv would package), each file's index (cached
//! per file and rebuilt only when its text changes), and the resolution of
//! the entry point's `Plugin` class through the imports. The rules on it
//! live in [`rules`]. Nothing here imports or runs plugin code.

pub mod cache;
pub mod config_reads;
pub mod deps;
pub mod encoding;
pub mod index;
pub mod literal_chains;
pub mod read_facts;
pub mod reads;
pub mod rules;
pub mod sdk_names;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use index::FileIndex;

use crate::workspace::Files;

/// One file of the plugin's code.
pub struct CodeFile {
    /// Relative to the plugin folder, with `/`: `lib/plugin.py`.
    pub rel: String,
    /// Its module name: `lib.plugin`, `lib` for `lib/__init__.py`.
    pub module: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub index: Arc<FileIndex>,
    /// Over [`crate::analysis::MAX_ANALYSED_BYTES`]: never read into the
    /// index (its text and index are empty, and any name it is asked for is
    /// unknown), so the plugin's code is incomplete.
    pub too_large: bool,
}

impl CodeFile {
    pub fn is_package(&self) -> bool {
        self.rel.ends_with("__init__.py")
    }

    /// The package a relative import in this file starts from.
    pub fn package(&self) -> &str {
        if self.is_package() {
            &self.module
        } else {
            self.module.rsplit_once('.').map_or("", |(p, _)| p)
        }
    }

    /// 1-based line of a byte offset, for messages that point here.
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }
}

/// The code of one plugin.
pub struct PluginCode {
    pub folder: PathBuf,
    pub files: Vec<CodeFile>,
    /// Index into `files` of the entry point, when it exists.
    pub entry: Option<usize>,
}

/// `lib/plugin.py` as `lib.plugin`; `lib/__init__.py` as `lib`.
pub fn module_name(rel: &str) -> String {
    let stem = rel.strip_suffix(".py").unwrap_or(rel);
    let stem = stem.strip_suffix("/__init__").unwrap_or(stem);
    stem.replace('/', ".")
}

impl PluginCode {
    /// The code of the plugin in `folder`, each file indexed through the
    /// cache (a file whose text did not change is not parsed again).
    pub fn load(files: &dyn Files, folder: &Path, entry_point: Option<&str>) -> PluginCode {
        let rels = super::plugin::code_files(files, folder, entry_point);
        let mut out = Vec::with_capacity(rels.len());
        for rel in rels {
            let path = folder.join(&rel);
            // No further than just past the limit (a character cut at the
            // end drops at most 3 bytes).
            let limit = crate::analysis::MAX_ANALYSED_BYTES;
            let Some(text) = files.read_head_shared(&path, limit + 4) else {
                continue;
            };
            if text.len() > limit {
                out.push(CodeFile {
                    module: module_name(&rel),
                    rel,
                    path,
                    text: Arc::from(""),
                    index: Arc::new(FileIndex {
                        star_import: true,
                        ..FileIndex::default()
                    }),
                    too_large: true,
                });
                continue;
            }
            let index = cache::index(&path, &text);
            out.push(CodeFile {
                module: module_name(&rel),
                rel,
                path,
                text,
                index,
                too_large: false,
            });
        }
        let entry = entry_point.and_then(|e| out.iter().position(|f| f.rel == e));
        PluginCode {
            folder: folder.to_path_buf(),
            files: out,
            entry,
        }
    }

    pub fn by_module(&self, module: &str) -> Option<usize> {
        self.files.iter().position(|f| f.module == module)
    }

    pub fn by_path(&self, path: &Path) -> Option<usize> {
        self.files.iter().position(|f| f.path == path)
    }

    /// Whether the plugin has a module or package whose top-level name is
    /// `top`, packaged or not (a folder of .py files counts).
    pub fn owns_top_level(&self, files: &dyn Files, top: &str) -> bool {
        self.files
            .iter()
            .any(|f| f.module == top || f.module.starts_with(&format!("{top}.")))
            || files.is_file(&self.folder.join(format!("{top}.py")))
            || files
                .read_dir(&self.folder.join(top))
                .iter()
                .any(|e| !e.is_dir && e.name.ends_with(".py"))
    }

    /// The absolute module an import names, from the file it is in.
    pub fn absolute(&self, file: usize, import: &index::Import) -> Option<String> {
        if import.level == 0 {
            return Some(import.module.clone());
        }
        let mut parts: Vec<&str> = self.files[file]
            .package()
            .split('.')
            .filter(|p| !p.is_empty())
            .collect();
        for _ in 1..import.level {
            parts.pop()?;
        }
        if !import.module.is_empty() {
            parts.extend(import.module.split('.'));
        }
        (!parts.is_empty()).then(|| parts.join("."))
    }

    /// Where a name in a module of the plugin is defined, following its
    /// imports within the plugin: the file and the class, if it is one.
    pub fn resolve_name(&self, file: usize, name: &str) -> Resolved {
        self.resolve_name_depth(file, name, 0)
    }

    fn resolve_name_depth(&self, file: usize, name: &str, depth: usize) -> Resolved {
        if depth > 16 {
            return Resolved::Unknown;
        }
        let ix = &self.files[file].index;
        if let Some(c) = ix.classes.iter().position(|c| c.name == name) {
            // The last definition wins in Python; classes are rarely redefined.
            let last = ix.classes.iter().rposition(|c| c.name == name).unwrap_or(c);
            return Resolved::Class(file, last);
        }
        for import in ix.imports.iter().rev() {
            if import.bound != name || import.guarded {
                continue;
            }
            let Some(module) = self.absolute(file, import) else {
                return Resolved::Unknown;
            };
            return match &import.name {
                Some(imported) => match self.by_module(&module) {
                    Some(target) => {
                        if let Some(sub) = self.by_module(&format!("{module}.{imported}")) {
                            return Resolved::Module(sub);
                        }
                        self.resolve_name_depth(target, imported, depth + 1)
                    }
                    None => Resolved::External(format!("{module}.{imported}")),
                },
                None => match self.by_module(&module) {
                    Some(target) => Resolved::Module(target),
                    None => Resolved::External(module),
                },
            };
        }
        if ix.defines(name) {
            return Resolved::Other(file);
        }
        if ix.star_import {
            return self.through_star_imports(file, name, depth);
        }
        Resolved::Missing
    }

    /// `name` as the module-level `from m import *` of `file` bring it
    /// (the last first): a plugin module's public names, or its `__all__`.
    /// Unknown when one of them is not the plugin's or its names are not
    /// known; Missing when none brings it.
    fn through_star_imports(&self, file: usize, name: &str, depth: usize) -> Resolved {
        let ix = &self.files[file].index;
        if self.files[file].too_large {
            return Resolved::Unknown;
        }
        let stars = ix
            .imports
            .iter()
            .rev()
            .filter(|i| i.name.as_deref() == Some("*") && i.module_level && !i.guarded);
        for import in stars {
            let Some(target) = self.absolute(file, import).and_then(|m| self.by_module(&m)) else {
                return Resolved::Unknown;
            };
            match self.exports(target, name) {
                None => return Resolved::Unknown,
                Some(false) => continue,
                Some(true) => match self.resolve_name_depth(target, name, depth + 1) {
                    Resolved::Missing => continue,
                    found => return found,
                },
            }
        }
        if ix
            .imports
            .iter()
            .any(|i| i.name.as_deref() == Some("*") && (i.guarded || !i.module_level))
        {
            return Resolved::Unknown;
        }
        Resolved::Missing
    }

    /// Whether `from <file's module> import *` brings `name`: the names of
    /// its `__all__` when it has one, else every name not starting with
    /// `_`. None: its `__all__` is not a literal list of strings.
    pub fn exports(&self, file: usize, name: &str) -> Option<bool> {
        let ix = &self.files[file].index;
        if !ix.defines("__all__") {
            return Some(!name.starts_with('_'));
        }
        let all = ix
            .reads
            .constants
            .iter()
            .rev()
            .find(|(n, _)| n == "__all__")?;
        Some(all.1.strings()?.iter().any(|n| n == name))
    }

    /// The chain of a plugin class's bases inside the plugin, first the
    /// class itself, and what the chain ends in outside the plugin (a
    /// qualified name such as `safeguard.sessions.plugin.AAPlugin`).
    pub fn class_chain(&self, file: usize, class: usize) -> (Vec<(usize, usize)>, Vec<String>) {
        let mut chain = vec![(file, class)];
        let mut external = Vec::new();
        let mut i = 0;
        while i < chain.len() && chain.len() < 32 {
            let (f, c) = chain[i];
            for (base, _) in &self.files[f].index.classes[c].bases {
                match self.resolve_dotted(f, base) {
                    Resolved::Class(bf, bc) if !chain.contains(&(bf, bc)) => {
                        chain.push((bf, bc));
                    }
                    Resolved::External(q) => external.push(q),
                    _ => {}
                }
            }
            i += 1;
        }
        (chain, external)
    }

    /// A dotted name in a file (`AAPlugin`, `sdk.AAPlugin`), resolved.
    pub fn resolve_dotted(&self, file: usize, dotted: &str) -> Resolved {
        let mut parts = dotted.split('.');
        let first = parts.next().unwrap_or("");
        let mut r = self.resolve_name(file, first);
        for part in parts {
            r = match r {
                Resolved::External(q) => Resolved::External(format!("{q}.{part}")),
                Resolved::Module(m) => self.resolve_name(m, part),
                _ => return Resolved::Unknown,
            };
        }
        r
    }
}

/// What a name resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A class of the plugin: (file, class index).
    Class(usize, usize),
    /// A module of the plugin.
    Module(usize),
    /// Defined in this file, not as a class (a function, an assignment).
    Other(usize),
    /// From outside the plugin: the qualified name.
    External(String),
    /// Cannot tell (a star import, an import in a function).
    Unknown,
    /// Not defined at all.
    Missing,
}

#[cfg(test)]
mod reads_tests;
