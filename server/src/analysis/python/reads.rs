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

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::read_facts::Val;
use super::read_facts::{Arg, Call, FnDef, Name, Scope};
use super::{PluginCode, Resolved};
use crate::analysis::plugin::Plugin;
use crate::syntax::ini;
use crate::text::TextRange;
use crate::workspace::{memoized, Files};

mod resolver;

use resolver::Resolver;

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
    let key = Plugin::of_text(folder, &manifest, files).facts_key();
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
        Plugin::of_text(&code.folder, manifest, files).facts_key(),
        || Some(Arc::new(of_code(code))),
    );
    match &*kept {
        Some(reads) => reads.clone(),
        None => Arc::new(of_code(code)),
    }
}

fn of_plugin_uncached(files: &dyn Files, folder: &Path, manifest: &str) -> Option<Reads> {
    let entry = Plugin::of_text(folder, manifest, files)
        .entry_point
        .clone()?;
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
