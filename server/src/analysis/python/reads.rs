//! What the plugin's code reads of its configuration, a fact of the plugin
//! that the default.cfg rules and the Python rules share: every getter
//! call on `self.plugin_configuration` and on whatever that object is
//! handed to (followed through calls across the plugin's files), with its
//! section and option resolved from literals and simple constant
//! propagation (a parameter's default or the literals its callers pass, a
//! module or class constant, `self._configuration_section`, the keys of a
//! constant dict looped over); plus what the SDK reads because of the code
//! (`configuration_section=` and `defaults=` given to the base class, the
//! SDK's `from_config` factories). A read whose section cannot be resolved
//! makes every section possibly read; one whose option cannot be resolved
//! makes its section "any option". Built from the cached file indexes: no
//! Python is parsed here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::read_facts::Val;
use super::read_facts::{Arg, Call, FnDef, Scope};
use super::{PluginCode, Resolved};
use crate::analysis::plugin::Plugin;
use crate::syntax::ini;
use crate::text::TextRange;
use crate::workspace::{memoized, Files};

/// The getter a read uses, which decides what values it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Getter {
    Get,
    Boolean,
    Int,
    Float,
    Ienum,
    List,
    Key,
    Certificate,
    CaCertificate,
    Options,
}

impl Getter {
    pub fn from_method(m: &str) -> Option<Getter> {
        Some(match m {
            "get" => Getter::Get,
            "getboolean" => Getter::Boolean,
            "getint" => Getter::Int,
            "getfloat" => Getter::Float,
            "getienum" => Getter::Ienum,
            "getlist" => Getter::List,
            "get_key" => Getter::Key,
            "get_certificate" => Getter::Certificate,
            "get_ca_certificate" => Getter::CaCertificate,
            "get_options" => Getter::Options,
            _ => return None,
        })
    }

    pub fn method(self) -> &'static str {
        match self {
            Getter::Get => "get",
            Getter::Boolean => "getboolean",
            Getter::Int => "getint",
            Getter::Float => "getfloat",
            Getter::Ienum => "getienum",
            Getter::List => "getlist",
            Getter::Key => "get_key",
            Getter::Certificate => "get_certificate",
            Getter::CaCertificate => "get_ca_certificate",
            Getter::Options => "get_options",
        }
    }

    /// What the value is, in words.
    pub fn type_name(self) -> &'static str {
        match self {
            Getter::Get => "text",
            Getter::Boolean => "boolean (`yes`/`no`)",
            Getter::Int => "integer",
            Getter::Float => "number",
            Getter::Ienum => "one of a set (case-insensitive)",
            Getter::List => "comma-separated list",
            Getter::Key => "private key (PEM or `$`)",
            Getter::Certificate => "certificate and key (PEM or `$`)",
            Getter::CaCertificate => "CA certificates (PEM or `$[<trusted CA list>]`)",
            Getter::Options => "any option",
        }
    }
}

/// The default a read passes.
#[derive(Clone, Debug, PartialEq)]
pub enum Default {
    /// None given: the getter returns `None`.
    Absent,
    Known(Val),
    /// Given, but not as a literal the server can follow.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Read {
    pub section: String,
    /// Lower-cased as configparser does; `None` when the option is data
    /// (`get_options`, `get(section, group)`): any option of the section.
    pub option: Option<String>,
    pub getter: Getter,
    pub default: Default,
    /// Where the default is written, when it is a literal of this call.
    pub default_range: Option<TextRange>,
    /// The option's argument in the call.
    pub option_range: Option<TextRange>,
    pub required: bool,
    pub value_set: Option<Vec<String>>,
    /// The file, relative to the plugin folder (`lib/client.py`).
    pub rel: String,
    pub path: PathBuf,
    /// The call (for the SDK's reads: the call that makes the SDK read).
    pub range: TextRange,
    /// 1-based line of the call.
    pub line: usize,
    /// For what the SDK reads because of the code: the SDK name that reads
    /// (`RequestsTLS.from_config`); `None` for the plugin's own getters.
    pub by_sdk: Option<&'static str>,
    /// For a read made only under an `if` on another option: that option
    /// (section, option) and the literals the test compares it with.
    pub under: Option<(String, String, Vec<String>)>,
    /// The code tests what the read returns with `is None`.
    pub none_tested: bool,
}

impl Read {
    /// `lib/client.py:82`.
    pub fn place(&self) -> String {
        format!("{}:{}", self.rel, self.line)
    }

    /// The code's default as default.cfg would write it (`yes` for
    /// `True` when read by getboolean), when the code gives a literal one.
    pub fn ini_default(&self) -> Option<String> {
        match &self.default {
            Default::Known(v) => ini_value(self.getter, v),
            _ => None,
        }
    }
}

/// A Python default as the text of an INI value.
pub fn ini_value(getter: Getter, v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(s) => s.clone(),
        Val::Bool(b) if getter == Getter::Boolean => if *b { "yes" } else { "no" }.into(),
        Val::Bool(b) => if *b { "True" } else { "False" }.into(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => format!("{f:?}"),
        Val::Seq(items) if getter == Getter::List => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()?
            .join(","),
        _ => return None,
    })
}

/// What the code of one plugin reads.
#[derive(Clone, Debug, Default)]
pub struct Reads {
    pub reads: Vec<Read>,
    /// Some read's section is not known: any section may be read.
    pub any_section: bool,
    /// Every file of the code parsed without error (else some reads may
    /// be missing and nothing is said about what is not read).
    pub complete: bool,
    /// `defaults=` given to the base class: (section, option, value).
    pub defaults: Vec<(String, String, String)>,
}

impl Reads {
    /// Whether the code (or the SDK because of it) may read the section.
    pub fn reads_section(&self, section: &str) -> bool {
        self.any_section
            || self.reads.iter().any(|r| r.section == section)
            || self.defaults.iter().any(|d| d.0 == section)
    }

    /// Whether the plugin's own getters read the section (not only the SDK
    /// because of the code).
    pub fn read_by_plugin(&self, section: &str) -> bool {
        self.reads
            .iter()
            .any(|r| r.section == section && r.by_sdk.is_none())
    }

    /// Whether any option of the section may be read.
    pub fn any_option(&self, section: &str) -> bool {
        self.any_section
            || self
                .reads
                .iter()
                .any(|r| r.section == section && r.option.is_none())
    }

    /// Whether the code may read the option (`name` lower-cased).
    pub fn reads_option(&self, section: &str, name: &str) -> bool {
        self.any_option(section)
            || self.of(section, name).next().is_some()
            || self.defaults.iter().any(|d| d.0 == section && d.1 == name)
    }

    /// The reads of one option (`name` lower-cased).
    pub fn of<'a>(&'a self, section: &'a str, name: &'a str) -> impl Iterator<Item = &'a Read> {
        self.reads
            .iter()
            .filter(move |r| r.section == section && r.option.as_deref() == Some(name))
    }

    /// The sections read, each once, in the order first read.
    pub fn sections(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self
            .reads
            .iter()
            .map(|r| r.section.as_str())
            .chain(self.defaults.iter().map(|d| d.0.as_str()));
        for s in all {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// The options read in a section, each once.
    pub fn options_in(&self, section: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.reads.iter().filter(|r| r.section == section) {
            if let Some(o) = r.option.as_deref() {
                if !out.contains(&o) {
                    out.push(o);
                }
            }
        }
        out
    }

    /// The default `defaults=` gives an option, if any.
    pub fn defaults_value(&self, section: &str, name: &str) -> Option<&str> {
        self.defaults
            .iter()
            .find(|d| d.0 == section && d.1 == name)
            .map(|d| d.2.as_str())
    }
}

/// What the code of the plugin in `folder` reads, from its MANIFEST's
/// entry point; `None` when there is no code to read (no MANIFEST, no
/// entry point file).
pub fn of_plugin(files: &dyn Files, folder: &Path) -> Option<Arc<Reads>> {
    // Kept per view of the files: every .cfg of the plugin, and every
    // feature request in the same view, shares one resolution.
    let manifest = files.read(&folder.join("MANIFEST"))?;
    let key = Plugin::from_manifest(folder.to_path_buf(), &manifest).facts_key();
    let kept = memoized(files, "code reads", folder, key, || {
        of_plugin_uncached(files, folder, &manifest).map(Arc::new)
    });
    (*kept).clone()
}

/// What the code loaded for the MANIFEST `manifest` reads: the same as
/// [`of_plugin`] gives, and kept for it (the rules load the code anyway).
pub fn of_loaded(files: &dyn Files, manifest: &str, code: &PluginCode) -> Arc<Reads> {
    if code.entry.is_none() {
        return Arc::new(of_code(code));
    }
    let kept = memoized(
        files,
        "code reads",
        &code.folder,
        Plugin::from_manifest(code.folder.clone(), manifest).facts_key(),
        || Some(Arc::new(of_code(code))),
    );
    match &*kept {
        Some(reads) => reads.clone(),
        None => Arc::new(of_code(code)),
    }
}

fn of_plugin_uncached(files: &dyn Files, folder: &Path, manifest: &str) -> Option<Reads> {
    let entry = crate::analysis::plugin::Plugin::from_manifest(folder.to_path_buf(), manifest)
        .entry_point?;
    // No entry point, no code: not even a walk of the folder.
    if entry.is_empty() || entry.contains(['/', '\\']) || !files.is_file(&folder.join(&entry)) {
        return None;
    }
    let code = PluginCode::load(files, folder, Some(&entry));
    code.entry?;
    Some(of_code(&code))
}

/// What the loaded code reads.
pub fn of_code(code: &PluginCode) -> Reads {
    let mut r = Resolver::new(code);
    r.mark_config_parameters();
    let mut out = Reads {
        complete: code
            .files
            .iter()
            .all(|f| f.index.errors.is_empty() && !f.too_large),
        ..Reads::default()
    };
    for (f, file) in code.files.iter().enumerate() {
        for g in &file.index.reads.getters {
            r.getter(f, g, &mut out);
        }
        for c in &file.index.reads.calls {
            r.sdk_call(f, c, &mut out);
        }
    }
    mark_guarded(code, &mut out.reads);
    out
}

/// The SDK's `from_config` factories: the class, its section, and the
/// options it reads (option, getter, required unless `name=` is given,
/// default).
type FactoryOption = (&'static str, Getter, bool, Option<Val>);

fn factory(name: &str) -> Option<(&'static str, &'static str, Vec<FactoryOption>)> {
    Some(match name {
        "RequestsTLS" => (
            "RequestsTLS.from_config",
            "tls",
            vec![
                ("enabled", Getter::Boolean, false, Some(Val::Bool(true))),
                ("ca_cert", Getter::CaCertificate, false, None),
                ("client_cert", Getter::Certificate, false, None),
            ],
        ),
        "MemoryCache" => (
            "MemoryCache.from_config",
            "memory-cache",
            vec![
                ("prefix", Getter::Get, false, Some(Val::Str(String::new()))),
                ("ttl", Getter::Int, false, Some(Val::Int(0))),
            ],
        ),
        "LDAPServer" => (
            "LDAPServer.from_config",
            "ldap_server",
            vec![
                ("name", Getter::Get, true, None),
                ("user_attribute", Getter::Get, false, None),
                ("user_groups", Getter::Get, false, None),
            ],
        ),
        "CredentialStore" => (
            "CredentialStore.from_config",
            "credential_store",
            vec![("name", Getter::Get, true, None)],
        ),
        _ => return None,
    })
}

/// Deepest chain of calls a parameter's value is followed through.
const MAX_DEPTH: usize = 4;

/// What the resolver looks up by name, indexed once per file so that each
/// look-up is a hash (a scan of every function or constant per read made
/// 20,000 reads take 16-29 s).
#[derive(Default)]
struct FileTables {
    /// The last function of each (class, enclosing functions, name), by
    /// the hash of the three ([`fn_key`]).
    functions: HashMap<u64, usize>,
    /// The last module constant of each name.
    constants: HashMap<String, usize>,
    /// The last class constant of each (class, name).
    class_constants: HashMap<(String, String), usize>,
    /// The calls in each class's `__init__` of a two-part `….__init__`.
    init_calls: HashMap<String, Vec<usize>>,
    /// Byte offsets where lines start.
    line_starts: Vec<usize>,
}

fn fn_key(class: Option<&str>, functions: &[String], name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (class, functions, name).hash(&mut h);
    h.finish()
}

struct Resolver<'c> {
    code: &'c PluginCode,
    /// (file, function, parameter) that receive the configuration.
    marks: HashSet<(usize, usize, usize)>,
    tables: Vec<FileTables>,
    /// Per file, per call of `reads.calls`: the functions it may run.
    callees: Vec<Vec<Vec<(FnId, usize)>>>,
    /// Per function: the calls that may run it (file, call, offset).
    callers: HashMap<FnId, Vec<(usize, usize, usize)>>,
}

/// A function: (file, index into its `functions`).
type FnId = (usize, usize);

impl<'c> Resolver<'c> {
    fn new(code: &'c PluginCode) -> Self {
        let tables = code
            .files
            .iter()
            .map(|file| {
                let reads = &file.index.reads;
                let mut t = FileTables::default();
                for (i, d) in reads.functions.iter().enumerate() {
                    t.functions.insert(
                        fn_key(d.scope.class.as_deref(), &d.scope.functions, &d.name),
                        i,
                    );
                }
                for (i, (n, _)) in reads.constants.iter().enumerate() {
                    t.constants.insert(n.clone(), i);
                }
                for (i, (k, n, _)) in reads.class_constants.iter().enumerate() {
                    t.class_constants.insert((k.clone(), n.clone()), i);
                }
                for (i, call) in reads.calls.iter().enumerate() {
                    if let Some(class) = &call.scope.class {
                        if call.scope.functions == ["__init__"]
                            && call.callee.last().is_some_and(|m| m == "__init__")
                            && call.callee.len() == 2
                        {
                            t.init_calls.entry(class.clone()).or_default().push(i);
                        }
                    }
                }
                t.line_starts = std::iter::once(0)
                    .chain(memchr::memchr_iter(b'\n', file.text.as_bytes()).map(|i| i + 1))
                    .collect();
                t
            })
            .collect();
        let mut r = Resolver {
            code,
            marks: HashSet::new(),
            tables,
            callees: Vec::new(),
            callers: HashMap::new(),
        };
        let mut callees = Vec::with_capacity(code.files.len());
        for (f, file) in code.files.iter().enumerate() {
            let per_call: Vec<Vec<(FnId, usize)>> = file
                .index
                .reads
                .calls
                .iter()
                .map(|c| r.find_callees(f, c))
                .collect();
            for (ci, targets) in per_call.iter().enumerate() {
                for (k, (id, offset)) in targets.iter().enumerate() {
                    if targets[..k].iter().any(|(t, _)| t == id) {
                        continue;
                    }
                    r.callers.entry(*id).or_default().push((f, ci, *offset));
                }
            }
            callees.push(per_call);
        }
        r.callees = callees;
        r
    }

    fn functions(&self, file: usize) -> &'c [FnDef] {
        &self.code.files[file].index.reads.functions
    }

    /// The last function `name` defined in `class` inside `functions`.
    fn find_fn(
        &self,
        file: usize,
        class: Option<&str>,
        functions: &[String],
        name: &str,
    ) -> Option<usize> {
        let i = *self.tables[file]
            .functions
            .get(&fn_key(class, functions, name))?;
        let d = &self.functions(file)[i];
        if d.scope.class.as_deref() == class && d.scope.functions == functions && d.name == name {
            return Some(i);
        }
        // Two keys with one hash: the scan.
        self.functions(file).iter().rposition(|d| {
            d.scope.class.as_deref() == class && d.scope.functions == functions && d.name == name
        })
    }

    /// 1-based line of a byte offset in a file.
    fn line_of(&self, file: usize, offset: usize) -> usize {
        self.tables[file]
            .line_starts
            .partition_point(|s| *s <= offset)
            .max(1)
    }

    /// The functions whose bodies enclose `scope`, outermost first.
    fn enclosing(&self, file: usize, scope: &Scope) -> Vec<FnId> {
        let mut out = Vec::new();
        let mut prefix: Vec<String> = Vec::new();
        for name in &scope.functions {
            let found = self.find_fn(file, scope.class.as_deref(), &prefix, name);
            match found {
                Some(i) => out.push((file, i)),
                None => break,
            }
            prefix.push(name.clone());
        }
        out
    }

    /// The parameter `name` of the innermost function around `scope` that
    /// has one.
    fn parameter(&self, file: usize, scope: &Scope, name: &str) -> Option<(FnId, usize)> {
        self.enclosing(file, scope)
            .into_iter()
            .rev()
            .find_map(|id| {
                self.functions(id.0)[id.1]
                    .params
                    .iter()
                    .position(|(p, _)| p == name)
                    .map(|i| (id, i))
            })
    }

    /// Whether a receiver holds the plugin's configuration.
    fn is_config(&self, file: usize, scope: &Scope, chain: &[String]) -> bool {
        match chain {
            [.., last] if chain.len() >= 2 => last == "plugin_configuration",
            [name] => match self.parameter(file, scope, name) {
                Some(((f, d), i)) => {
                    self.marks.contains(&(f, d, i))
                        || matches!(name.as_str(), "plugin_configuration" | "plugin_config")
                }
                None => false,
            },
            _ => false,
        }
    }

    /// The module-level class `name` in `file`.
    fn class_index(&self, file: usize, name: &str) -> Option<usize> {
        self.code.files[file]
            .index
            .classes
            .iter()
            .rposition(|c| c.name == name)
    }

    /// Methods called `method` of the class and its bases in the plugin.
    fn methods(&self, file: usize, class: usize, method: &str) -> Vec<FnId> {
        let (chain, _) = self.code.class_chain(file, class);
        let mut out = Vec::new();
        for (f, c) in chain {
            let cname = &self.code.files[f].index.classes[c].name;
            if let Some(i) = self.find_fn(f, Some(cname), &[], method) {
                out.push((f, i));
                break;
            }
        }
        out
    }

    /// The functions the `i`th call of `reads.calls` in `file` may run.
    fn callees(&self, file: usize, i: usize) -> &[(FnId, usize)] {
        &self.callees[file][i]
    }

    /// The functions a call may run, each with the number of leading
    /// parameters the call does not pass (`self`, `cls`).
    fn find_callees(&self, file: usize, call: &Call) -> Vec<(FnId, usize)> {
        let offset = |id: FnId| usize::from(self.functions(id.0)[id.1].binds_first());
        let with_offsets = |ids: Vec<FnId>| ids.into_iter().map(|id| (id, offset(id))).collect();
        let Some((method, prefix)) = call.callee.split_last() else {
            return Vec::new();
        };
        if prefix.is_empty() {
            // A helper nested in an enclosing function, then the module's.
            for id in self.enclosing(file, &call.scope).into_iter().rev() {
                let d = &self.functions(id.0)[id.1];
                let inner = d.body_scope();
                if let Some(i) =
                    self.find_fn(file, inner.class.as_deref(), &inner.functions, method)
                {
                    return vec![((file, i), 0)];
                }
            }
            return match self.code.resolve_name(file, method) {
                Resolved::Class(f, c) => with_offsets(self.methods(f, c, "__init__")),
                Resolved::Other(f) => self
                    .find_fn(f, None, &[], method)
                    .map(|i| vec![((f, i), 0)])
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
        }
        if matches!(prefix, [s] if s == "self" || s == "cls") {
            let Some(class) = call
                .scope
                .class
                .as_deref()
                .and_then(|c| self.class_index(file, c))
            else {
                return Vec::new();
            };
            return with_offsets(self.methods(file, class, method));
        }
        match self.code.resolve_dotted(file, &prefix.join(".")) {
            Resolved::Class(f, c) => with_offsets(self.methods(f, c, method)),
            Resolved::Module(f) => self
                .find_fn(f, None, &[], method)
                .map(|i| vec![((f, i), 0)])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Marks, to a fixed point, the parameters that receive the
    /// configuration object.
    fn mark_config_parameters(&mut self) {
        for _ in 0..16 {
            let mut new = Vec::new();
            for (f, file) in self.code.files.iter().enumerate() {
                for (ci, c) in file.index.reads.calls.iter().enumerate() {
                    let passes: Vec<(Option<usize>, Option<&str>)> = c
                        .args
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| matches!(a, Arg::Ref(ch) if self.is_config(f, &c.scope, ch)))
                        .map(|(i, _)| (Some(i), None))
                        .chain(
                            c.keywords
                                .iter()
                                .filter(|(_, a, _)| matches!(a, Arg::Ref(ch) if self.is_config(f, &c.scope, ch)))
                                .map(|(k, _, _)| (None, Some(k.as_str()))),
                        )
                        .collect();
                    if passes.is_empty() {
                        continue;
                    }
                    for &((tf, td), offset) in self.callees(f, ci) {
                        let params = &self.functions(tf)[td].params;
                        for (pos, kw) in &passes {
                            let p = match (pos, kw) {
                                (Some(i), _) => Some(i + offset).filter(|p| *p < params.len()),
                                (_, Some(k)) => params.iter().position(|(n, _)| n == k),
                                _ => None,
                            };
                            if let Some(p) = p {
                                if !self.marks.contains(&(tf, td, p)) {
                                    new.push((tf, td, p));
                                }
                            }
                        }
                    }
                }
            }
            if new.is_empty() {
                return;
            }
            self.marks.extend(new);
        }
    }

    /// The values an argument may have, `None` when one of them is not
    /// known.
    fn values(&self, file: usize, scope: &Scope, arg: &Arg, depth: usize) -> Option<Vec<Val>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match arg {
            Arg::Lit(v) => Some(vec![v.clone()]),
            Arg::Ref(chain) => self.ref_values(file, scope, chain, depth),
            Arg::Concat(parts) => {
                let mut items = Vec::new();
                for p in parts {
                    let vs = self.values(file, scope, p, depth)?;
                    match vs.first()? {
                        Val::Seq(s) => items.extend(s.iter().cloned()),
                        _ => return None,
                    }
                }
                Some(vec![Val::Seq(items)])
            }
            Arg::Other => None,
        }
    }

    fn ref_values(
        &self,
        file: usize,
        scope: &Scope,
        chain: &[String],
        depth: usize,
    ) -> Option<Vec<Val>> {
        match chain {
            [name] => {
                if let Some((id, p)) = self.parameter(file, scope, name) {
                    return self.parameter_values(id, p, depth);
                }
                self.module_constant(file, name, 0).map(|v| vec![v])
            }
            [owner, attr] if owner == "self" || owner == "cls" => {
                let class = self.class_index(file, scope.class.as_deref()?)?;
                if attr == "_configuration_section" {
                    return self
                        .configuration_section(file, class, depth)
                        .map(|s| vec![Val::Str(s)]);
                }
                self.class_constant(file, class, attr).map(|v| vec![v])
            }
            [.., attr] => {
                let owner = chain[..chain.len() - 1].join(".");
                match self.code.resolve_dotted(file, &owner) {
                    Resolved::Class(f, c) => self.class_constant(f, c, attr).map(|v| vec![v]),
                    Resolved::Module(f) => self.module_constant(f, attr, 0).map(|v| vec![v]),
                    _ => None,
                }
            }
            [] => None,
        }
    }

    fn module_constant(&self, file: usize, name: &str, depth: usize) -> Option<Val> {
        let reads = &self.code.files[file].index.reads;
        if let Some(&i) = self.tables[file].constants.get(name) {
            return Some(reads.constants[i].1.clone());
        }
        if depth > MAX_DEPTH {
            return None;
        }
        match self.code.resolve_name(file, name) {
            Resolved::Other(f) if f != file => self.module_constant(f, name, depth + 1),
            _ => None,
        }
    }

    fn class_constant(&self, file: usize, class: usize, name: &str) -> Option<Val> {
        let (chain, _) = self.code.class_chain(file, class);
        chain.into_iter().find_map(|(f, c)| {
            let cname = &self.code.files[f].index.classes[c].name;
            let i = *self.tables[f]
                .class_constants
                .get(&(cname.clone(), name.to_string()))?;
            Some(self.code.files[f].index.reads.class_constants[i].2.clone())
        })
    }

    /// The base-class constructor calls in the class's `__init__`s:
    /// `super().__init__(configuration, configuration_section=...)`.
    fn init_calls(&self, file: usize, class: usize) -> Vec<(usize, &Call)> {
        let (chain, _) = self.code.class_chain(file, class);
        let mut out = Vec::new();
        for (f, c) in chain {
            let cname = &self.code.files[f].index.classes[c].name;
            let calls = &self.code.files[f].index.reads.calls;
            for &i in self.tables[f].init_calls.get(cname).into_iter().flatten() {
                out.push((f, &calls[i]));
            }
        }
        out
    }

    fn configuration_section(&self, file: usize, class: usize, depth: usize) -> Option<String> {
        self.init_calls(file, class)
            .into_iter()
            .find_map(|(f, call)| {
                let a = call.keyword("configuration_section")?;
                let vs = self.values(f, &call.scope, a, depth + 1)?;
                vs.first()?.as_str().map(str::to_string)
            })
    }

    /// The values a function's parameter gets: its default and what its
    /// callers pass.
    fn parameter_values(&self, id: FnId, p: usize, depth: usize) -> Option<Vec<Val>> {
        let def = &self.functions(id.0)[id.1];
        let (name, default) = &def.params[p];
        let mut out = Vec::new();
        if let Some(d) = default {
            out.extend(self.values(id.0, &def.scope, d, depth + 1)?);
        }
        for &(f, ci, offset) in self.callers.get(&id).into_iter().flatten() {
            let c = &self.code.files[f].index.reads.calls[ci];
            {
                let passed = p
                    .checked_sub(offset)
                    .and_then(|i| c.args.get(i))
                    .or_else(|| c.keyword(name));
                if let Some(a) = passed {
                    out.extend(self.values(f, &c.scope, a, depth + 1)?);
                }
            }
        }
        // Each value once, in the order met: strings (option and section
        // names, the many) through a set, the rest compared.
        let mut seen = Vec::new();
        let mut strings: HashSet<String> = HashSet::new();
        for v in out {
            let new = match &v {
                Val::Str(s) => strings.insert(s.clone()),
                _ => !seen.contains(&v),
            };
            if new {
                seen.push(v);
            }
        }
        (!seen.is_empty()).then_some(seen)
    }

    fn strings(&self, file: usize, scope: &Scope, arg: &Arg) -> Option<Vec<String>> {
        self.values(file, scope, arg, 0)?
            .into_iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// One getter call, if it reads the configuration.
    fn getter(&self, f: usize, g: &Call, out: &mut Reads) {
        let Some((method, receiver)) = g.callee.split_last() else {
            return;
        };
        let Some(getter) = Getter::from_method(method) else {
            return;
        };
        if !self.is_config(f, &g.scope, receiver) {
            return;
        }
        let file = &self.code.files[f];
        let at = |i: usize, kw: &str| -> Option<(&Arg, TextRange)> {
            match g.args.get(i) {
                Some(a) => Some((a, g.arg_ranges[i])),
                None => g
                    .keywords
                    .iter()
                    .find(|(k, _, _)| k == kw)
                    .map(|(_, a, r)| (a, *r)),
            }
        };
        let Some(sections) = at(0, "section").and_then(|(a, _)| self.strings(f, &g.scope, a))
        else {
            out.any_section = true;
            return;
        };
        let option_range = at(1, "option").map(|(_, r)| r);
        let shift = usize::from(getter == Getter::Ienum);
        let value_set = if getter == Getter::Ienum {
            at(2, "value_set")
                .and_then(|(a, _)| self.values(f, &g.scope, a, 0))
                .and_then(|vs| vs.first().and_then(Val::strings))
        } else {
            None
        };
        let default_arg = at(2 + shift, "default");
        let default = match default_arg {
            None => Default::Absent,
            Some((a, _)) => match self.values(f, &g.scope, a, 0) {
                Some(vs) if vs.len() == 1 => Default::Known(vs[0].clone()),
                _ => Default::Unknown,
            },
        };
        let default_range = match default_arg {
            Some((Arg::Lit(_), r)) => Some(r),
            _ => None,
        };
        let required = at(3 + shift, "required")
            .and_then(|(a, _)| self.values(f, &g.scope, a, 0))
            .is_some_and(|vs| vs == [Val::Bool(true)]);
        // The option: resolved, the keys of a constant dict looped over,
        // or any.
        let mut options: Vec<(Option<String>, Default)> = Vec::new();
        if getter == Getter::Options {
            options.push((None, Default::Absent));
        } else {
            let option_arg = at(1, "option").map(|(a, _)| a);
            match option_arg.and_then(|a| self.strings(f, &g.scope, a)) {
                Some(names) => {
                    options.extend(names.into_iter().map(|n| (Some(n), default.clone())));
                }
                None => match option_arg.and_then(|a| self.looped(f, g, a, default_arg)) {
                    Some(keys) => options.extend(keys),
                    None => options.push((None, Default::Absent)),
                },
            }
        }
        for section in sections {
            for (option, d) in &options {
                out.reads.push(Read {
                    section: section.clone(),
                    option: option.as_deref().map(|o| ini::py_lower(o).into_owned()),
                    getter,
                    default: d.clone(),
                    default_range,
                    option_range,
                    required,
                    value_set: value_set.clone(),
                    rel: file.rel.clone(),
                    path: file.path.clone(),
                    range: g.range,
                    line: self.line_of(f, g.range.start),
                    by_sdk: None,
                    under: None,
                    none_tested: false,
                });
            }
        }
    }

    /// `for name, default in OPTIONS.items(): config.get(s, name, default)`:
    /// the dict's keys as options, with their values as defaults.
    fn looped(
        &self,
        f: usize,
        g: &Call,
        option: &Arg,
        default: Option<(&Arg, TextRange)>,
    ) -> Option<Vec<(Option<String>, Default)>> {
        let Arg::Ref(ch) = option else { return None };
        let [key] = &ch[..] else { return None };
        let l = self.code.files[f]
            .index
            .reads
            .loops
            .iter()
            .rev()
            .find(|l| l.key == *key && g.scope.functions.starts_with(&l.scope.functions))?;
        let dict = self.ref_values(f, &l.scope, &l.dict, 0)?;
        let Some(Val::Dict(items)) = dict.first() else {
            return None;
        };
        let default_is_value = matches!(
            (default, &l.value),
            (Some((Arg::Ref(d), _)), Some(v)) if d.len() == 1 && d[0] == *v
        );
        items
            .iter()
            .map(|(k, v)| {
                let d = if default_is_value {
                    Default::Known(v.clone())
                } else {
                    Default::Unknown
                };
                k.as_str().map(|k| (Some(k.to_string()), d))
            })
            .collect()
    }

    /// What the SDK reads because of a call: a factory, or the base
    /// class's constructor given `configuration_section=` / `defaults=`.
    fn sdk_call(&self, f: usize, c: &Call, out: &mut Reads) {
        let file = &self.code.files[f];
        let read = |section: &str, option: &str, getter, required, default: Option<Val>, by| Read {
            section: section.to_string(),
            option: Some(option.to_string()),
            getter,
            default: default.map_or(Default::Absent, Default::Known),
            default_range: None,
            option_range: None,
            required,
            value_set: None,
            rel: file.rel.clone(),
            path: file.path.clone(),
            range: c.range,
            line: self.line_of(f, c.range.start),
            by_sdk: Some(by),
            under: None,
            none_tested: false,
        };
        match &c.callee[..] {
            [class, m] if m == "from_config" => {
                let sdk = match self.code.resolve_name(f, class) {
                    Resolved::External(q) => q.starts_with("safeguard.sessions.plugin"),
                    _ => false,
                };
                let Some((by, section, options)) = factory(class).filter(|_| sdk) else {
                    return;
                };
                let section = match c.args.get(1).or_else(|| c.keyword("section")) {
                    Some(a) => match self.strings(f, &c.scope, a) {
                        Some(s) => s,
                        None => {
                            out.any_section = true;
                            return;
                        }
                    },
                    None => vec![section.to_string()],
                };
                let named = c.args.get(2).is_some() || c.keyword("name").is_some();
                for s in &section {
                    for (option, getter, required, default) in &options {
                        let required = *required && !named;
                        out.reads
                            .push(read(s, option, *getter, required, default.clone(), by));
                    }
                }
            }
            // `credential_store.get_keys("tpam", "server_user_key")`: the
            // store is looked up as a `$` value of `[tpam] server_user_key`
            // would be, so a `; server_user_key=$` documents it.
            [_, m]
                if matches!(
                    m.as_str(),
                    "get_passwords" | "get_keys" | "get_certificates"
                ) =>
            {
                if let [Arg::Lit(Val::Str(host)), Arg::Lit(Val::Str(user)), ..] = &c.args[..] {
                    out.reads.push(read(
                        host,
                        &ini::py_lower(user),
                        Getter::Get,
                        false,
                        None,
                        "CredentialStore lookup",
                    ));
                }
            }
            [_, m] if m == "__init__" && c.scope.functions == ["__init__"] => {
                if let Some(a) = c.keyword("configuration_section") {
                    match self.strings(f, &c.scope, a) {
                        Some(sections) => {
                            for s in sections {
                                let by = "CredentialStorePlugin(configuration_section=)";
                                let mut r = read(
                                    &s,
                                    "use_credential",
                                    Getter::Ienum,
                                    false,
                                    Some(Val::Str("gateway".into())),
                                    by,
                                );
                                r.value_set = Some(vec!["explicit".into(), "gateway".into()]);
                                out.reads.push(r);
                                for o in ["username", "password"] {
                                    out.reads.push(read(&s, o, Getter::Get, false, None, by));
                                }
                            }
                        }
                        None => out.any_section = true,
                    }
                }
                if let Some(a) = c.keyword("defaults") {
                    match self.values(f, &c.scope, a, 0).as_deref() {
                        Some([Val::Str(text)]) => {
                            let parsed = ini::parse(text);
                            for s in &parsed.sections {
                                let Some(name) = s.name() else { continue };
                                for e in &s.entries {
                                    out.defaults.push((
                                        name.to_string(),
                                        e.name.to_string(),
                                        e.value.to_string(),
                                    ));
                                }
                            }
                        }
                        Some([Val::None]) => {}
                        _ => out.any_section = true,
                    }
                }
            }
            _ => {}
        }
    }
}

/// Marks each required read made only under an `if` whose test reads
/// another option (itself, or through a name assigned from its read).
fn mark_guarded(code: &PluginCode, reads: &mut [Read]) {
    let within =
        |outer: TextRange, inner: TextRange| outer.start <= inner.start && inner.end <= outer.end;
    for i in 0..reads.len() {
        let r = &reads[i];
        if r.by_sdk.is_none() {
            let tested = code
                .files
                .iter()
                .find(|f| f.path == r.path)
                .is_some_and(|f| {
                    f.index
                        .literal_chains
                        .none_tests
                        .iter()
                        .any(|t| within(*t, r.range))
                });
            reads[i].none_tested = tested;
        }
        let r = &reads[i];
        if !r.required || r.by_sdk.is_some() {
            continue;
        }
        let Some(file) = code.files.iter().find(|f| f.path == r.path) else {
            continue;
        };
        // The innermost guard around the read.
        let guard = file
            .index
            .literal_chains
            .guards
            .iter()
            .filter(|g| within(g.body, r.range))
            .min_by_key(|g| g.body.end - g.body.start);
        let Some(g) = guard else { continue };
        let on = reads.iter().find(|o| {
            o.path == r.path
                && o.by_sdk.is_none()
                && o.option.is_some()
                && (o.section != r.section || o.option != r.option)
                && (within(g.test, o.range) || g.values.iter().any(|v| within(*v, o.range)))
        });
        if let Some(o) = on {
            let under = (
                o.section.clone(),
                o.option.clone().unwrap_or_default(),
                g.literals.clone(),
            );
            reads[i].under = Some(under);
        }
    }
}
