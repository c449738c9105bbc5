//! The per-file index of a plugin's Python: what the rules (and the next
//! ones, about default.cfg against the code that reads it) need of a file,
//! read once from its syntax tree. Nothing here resolves across files.

use crate::syntax::python;
use crate::syntax::python::ast::name::Name;
use crate::syntax::SyntaxError;
use crate::text::TextRange;

mod nodes;
mod walker;

pub use walker::walk;

#[derive(Debug, Default)]
pub struct FileIndex {
    pub errors: Vec<SyntaxError>,
    pub imports: Vec<Import>,
    /// Classes defined at module level.
    pub classes: Vec<Class>,
    /// Functions defined at module level.
    pub functions: Vec<Function>,
    /// Module-level `NAME = value`.
    pub constants: Vec<Constant>,
    /// Every name bound at module level (definitions, assignments, imports).
    pub names: Vec<String>,
    /// Whether the module does `from x import *` at module level.
    pub star_import: bool,
    /// Attribute chains rooted at a name (`self.plugin_configuration.get_options`),
    /// and calls of names, for the SDK API rules.
    pub uses: Vec<Use>,
    /// What the file says about the configuration, for [`super::reads`].
    pub reads: super::read_facts::ReadFacts,
    /// `if`/`elif` chains on literals that bind a name only in their
    /// branches, for [`super::config_reads`].
    /// and the `if` tests that guard reads.
    pub literal_chains: super::literal_chains::Facts,
    /// A hash of what the resolver looks up in this file from any file
    /// ([`definitions_hash`]): files with the same one resolve another
    /// file's calls alike.
    pub definitions: u64,
}

#[derive(Debug, Clone)]
pub struct Import {
    /// The module as written, without its leading dots.
    pub module: String,
    /// Leading dots of a relative import.
    pub level: u32,
    /// `Y` of `from x import Y`; `None` for `import x`.
    pub name: Option<String>,
    /// The local name bound: `Z` of `... as Z`, `a` of `import a.b`.
    pub bound: String,
    /// The alias (`Y as Z`, `a.b`).
    pub range: TextRange,
    /// The module's name in a `from` statement; the alias in `import`.
    pub module_range: TextRange,
    /// Inside `try: ... except ImportError` or `if TYPE_CHECKING:`.
    pub guarded: bool,
    /// At module level (not in a function or class).
    pub module_level: bool,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    /// Base expressions as dotted names (`AAPlugin`, `sdk.AAPlugin`).
    pub bases: Vec<(String, TextRange)>,
    pub methods: Vec<Function>,
    /// Class-level `NAME = value`.
    pub attributes: Vec<Constant>,
    /// Names assigned as `self.NAME = ...` in its methods.
    pub self_attributes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub params: Vec<Param>,
    pub decorators: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    pub has_default: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    PositionalOnly,
    Positional,
    VarArgs,
    KeywordOnly,
    VarKeywords,
}

#[derive(Debug, Clone)]
pub struct Constant {
    pub name: String,
    pub range: TextRange,
    /// The value when it is a literal string or number, as written.
    pub value: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Use {
    /// `["self", "plugin_configuration", "get_options"]`; `super()` roots
    /// calls through `super()`.
    pub chain: Vec<Name>,
    /// The last name of the chain.
    pub range: TextRange,
    /// Keyword arguments, when the chain is called.
    pub keywords: Vec<(String, TextRange)>,
    pub called: bool,
    /// The module-level class it sits in.
    pub class: Option<String>,
}

impl FileIndex {
    pub fn class(&self, name: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.name == name)
    }

    pub fn defines(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
}

impl Class {
    pub fn method(&self, name: &str) -> Option<&Function> {
        self.methods.iter().find(|m| m.name == name)
    }

    /// Whether the class itself gives `name` a meaning.
    pub fn defines(&self, name: &str) -> bool {
        self.method(name).is_some()
            || self.attributes.iter().any(|a| a.name == name)
            || self.self_attributes.iter().any(|a| a == name)
    }
}

/// Indexes one Python file, on a stack deep enough for its deepest
/// expression (the parse, the walk and the tree's drop all recurse).
pub fn index(text: &str) -> FileIndex {
    let mut ix = python::parse_with_stack(text, walker::index_tree).unwrap_or_else(|| FileIndex {
        errors: vec![python::no_stack_error()],
        ..FileIndex::default()
    });
    ix.reads.lookup = super::read_facts::Lookup::of(&ix.reads, text);
    ix.definitions = definitions_hash(&ix);
    ix
}

/// What the resolver reads of a file to resolve a call in any file,
/// without where it is written: its imports, classes and their bases, the
/// names it binds, its functions and their parameters, its `__all__`
/// ([`super::PluginCode::resolve_name`], `class_chain`, `exports` and the
/// resolver's look-ups). An edit that leaves it, the file's path and the
/// other files as they were leaves every other file's callees as they were.
pub fn definitions_hash(ix: &FileIndex) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    ix.star_import.hash(&mut h);
    ix.names.hash(&mut h);
    // Each list's length first: no two lists run into each other.
    ix.imports.len().hash(&mut h);
    for i in &ix.imports {
        (
            &i.module,
            i.level,
            &i.name,
            &i.bound,
            i.guarded,
            i.module_level,
        )
            .hash(&mut h);
    }
    ix.classes.len().hash(&mut h);
    for c in &ix.classes {
        (&c.name, c.bases.len()).hash(&mut h);
        for (base, _) in &c.bases {
            base.hash(&mut h);
        }
    }
    ix.reads.functions.len().hash(&mut h);
    for f in &ix.reads.functions {
        let scope = &f.scope;
        (
            &scope.class,
            &scope.functions,
            &f.name,
            f.is_static,
            f.params.len(),
        )
            .hash(&mut h);
        for (name, _) in &f.params {
            name.hash(&mut h);
        }
    }
    for (name, value) in &ix.reads.constants {
        if name == "__all__" {
            format!("{value:?}").hash(&mut h);
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
import os.path
from .client import Client as C
from safeguard.sessions.plugin import AAPlugin
try:
    import simplejson as json
except ImportError:
    import json

TIMEOUT = 30

class Plugin(AAPlugin):
    NAME = "x"

    def __init__(self, configuration):
        super().__init__(configuration, logger=None)
        self.timeout = self.plugin_configuration.getint("plugin", "timeout", default=10)

    def do_authenticate(self):
        return self.plugin_configuration.get_options("groups")

def helper(a, *args, b=1, **kw):
    import requests
    return requests.get(os.path.join("a", "b"))
"#;

    #[test]
    fn indexes_imports_classes_methods_constants_and_calls() {
        let ix = index(SOURCE);
        assert!(ix.errors.is_empty(), "{:?}", ix.errors);
        type Row<'a> = (u32, &'a str, Option<&'a str>, &'a str, bool, bool);
        let imports: Vec<Row> = ix
            .imports
            .iter()
            .map(|i| {
                (
                    i.level,
                    i.module.as_str(),
                    i.name.as_deref(),
                    i.bound.as_str(),
                    i.guarded,
                    i.module_level,
                )
            })
            .collect();
        assert_eq!(
            imports,
            [
                (0, "os.path", None, "os", false, true),
                (1, "client", Some("Client"), "C", false, true),
                (
                    0,
                    "safeguard.sessions.plugin",
                    Some("AAPlugin"),
                    "AAPlugin",
                    false,
                    true
                ),
                (0, "simplejson", None, "json", true, true),
                (0, "json", None, "json", false, true),
                (0, "requests", None, "requests", false, false),
            ]
        );
        let class = ix.class("Plugin").unwrap();
        assert_eq!(class.bases[0].0, "AAPlugin");
        assert_eq!(
            class
                .methods
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["__init__", "do_authenticate"]
        );
        assert_eq!(class.attributes[0].value.as_deref(), Some("x"));
        assert_eq!(class.self_attributes, ["timeout"]);
        assert_eq!(ix.constants[0].name, "TIMEOUT");
        assert_eq!(ix.constants[0].value.as_deref(), Some("30"));
        let helper = &ix.functions[0];
        let kinds: Vec<ParamKind> = helper.params.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParamKind::Positional,
                ParamKind::VarArgs,
                ParamKind::KeywordOnly,
                ParamKind::VarKeywords
            ]
        );
        let sup = ix.uses.iter().find(|u| u.chain[0] == "super()").unwrap();
        assert_eq!(sup.chain, ["super()", "__init__"]);
        assert_eq!(sup.keywords[0].0, "logger");
        assert!(ix
            .uses
            .iter()
            .any(|u| u.chain == ["self", "plugin_configuration"] && !u.called));
        for n in ["os", "C", "AAPlugin", "json", "TIMEOUT", "Plugin", "helper"] {
            assert!(ix.defines(n), "{n}");
        }
        assert!(!ix.defines("requests"));
    }
}
