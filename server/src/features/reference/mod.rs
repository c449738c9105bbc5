//! The plugin's configuration reference (`sps-plugin-ls doc`): per section
//! and option, who reads it (the plugin's code, the SDK), its type (the
//! getter), whether it is required, the code's and the SDK's defaults, the
//! values it accepts, what default.cfg says of it (the comment above it)
//! and where the code reads it. A view over what the server already knows:
//! the plugin model, the code's reads (`analysis::python::reads`) and the
//! SDK's sections for the plugin's type and `api` (`schemas/`). Pure data;
//! `cli/doc.rs` renders it as Markdown or JSON.
//!
//! Sections and options come in default.cfg's order, then the code's,
//! then the SDK's. An option default.cfg mentions that neither the code nor
//! the SDK reads is not listed (`check` reports it); a section whose
//! options are data (`get_options`, the SDK's free options) gets a note
//! instead of guessed names.

use std::path::Path;

use serde::Serialize;

mod default_cfg;
use default_cfg::Cfg;

use crate::analysis::plugin::Plugin;
use crate::analysis::python::reads::{self, Default, Getter, Read, Reads};
use crate::schema::config::{sdk, OptionSpec, OptionType, SectionSpec};
use crate::syntax::ini;
use crate::workspace::Files;

/// The version of the JSON's shape (`schemas/plugin-doc.schema.json`).
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Reference {
    pub format_version: u32,
    pub plugin: PluginInfo,
    /// The configuration file documented (`default.cfg`), if any.
    pub config_file: Option<String>,
    pub sections: Vec<SectionDoc>,
    /// What the reference cannot say (code that did not parse, a section
    /// name the code computes).
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PluginInfo {
    pub name: Option<String>,
    pub version: Option<String>,
    #[serde(rename = "type")]
    pub plugin_type: Option<String>,
    pub api: Option<String>,
    /// The SDK version whose data describes the SDK's sections.
    pub sdk_version: String,
}

/// The type of an option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    String,
    Boolean,
    Integer,
    Number,
    Enum,
    List,
    /// A private key, a certificate and key, or CA certificates (PEM).
    Pem,
}

impl Kind {
    fn of_getter(g: Getter) -> Kind {
        match g {
            Getter::Get | Getter::Options => Kind::String,
            Getter::Boolean => Kind::Boolean,
            Getter::Int => Kind::Integer,
            Getter::Float => Kind::Number,
            Getter::Ienum => Kind::Enum,
            Getter::List => Kind::List,
            Getter::Key | Getter::Certificate | Getter::CaCertificate => Kind::Pem,
        }
    }

    fn of_sdk(t: OptionType) -> Kind {
        match t {
            OptionType::String => Kind::String,
            OptionType::Boolean => Kind::Boolean,
            OptionType::Int => Kind::Integer,
            OptionType::Float => Kind::Number,
            OptionType::Enum => Kind::Enum,
            OptionType::List => Kind::List,
            OptionType::Pem => Kind::Pem,
        }
    }
}

/// Who reads a section or an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reader {
    /// The plugin's own getters.
    Plugin,
    /// The SDK (its base class, a factory the code calls, `defaults=`).
    Sdk,
}

#[derive(Debug, Serialize)]
pub struct SectionDoc {
    pub name: String,
    /// The other names the SDK of the plugin's `api` reads the section under.
    pub aliases: Vec<String>,
    pub read_by: Vec<Reader>,
    pub in_default_cfg: bool,
    /// The comment lines right under the header in default.cfg, when a
    /// blank line parts them from the first option.
    pub description: Option<String>,
    pub sdk_description: Option<String>,
    pub options: Vec<OptionDoc>,
    /// The section's options are data: any name is read.
    pub any_option: Option<AnyOption>,
}

#[derive(Debug, Serialize)]
pub struct AnyOption {
    /// The placeholder shown for the name (`<protocol>`, `<name>`).
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub note: String,
    pub read_at: Vec<Place>,
}

#[derive(Debug, Serialize)]
pub struct OptionDoc {
    pub name: String,
    pub read_by: Vec<Reader>,
    /// The value's type, in words.
    #[serde(rename = "type")]
    pub ty: String,
    /// The value's type, for tools.
    pub kind: Kind,
    /// The getters that read it (`getint`), each once.
    pub getters: Vec<String>,
    /// The code reads it with `required=True`, on every path.
    pub required: bool,
    /// The SDK requires it whenever the section is set.
    pub required_in_section: bool,
    /// The code requires it only when another option has one of values.
    pub required_when: Vec<Condition>,
    /// The code's default, as default.cfg would write it.
    pub default: Option<String>,
    /// The code gives a default it computes (not a literal).
    pub default_computed: bool,
    pub sdk_default: Option<String>,
    /// The values it accepts (the plugin's `getienum` sets, else the SDK's;
    /// the booleans); empty: any.
    pub values: Vec<String>,
    /// The comment above the option in default.cfg.
    pub description: Option<String>,
    pub sdk_description: Option<String>,
    /// How default.cfg writes it.
    pub default_cfg: Option<Written>,
    pub read_at: Vec<Place>,
}

#[derive(Debug, Serialize)]
pub struct Condition {
    pub section: String,
    pub option: String,
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Written {
    pub value: String,
    /// Shipped commented out (`; name=value`).
    pub commented: bool,
    /// 1-based.
    pub line: usize,
}

#[derive(Debug, Serialize)]
pub struct Place {
    /// Relative to the plugin folder, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// The SDK name that reads there because of the call
    /// (`RequestsTLS.from_config`); absent for the plugin's own getters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The reference of the plugin in `folder`.
pub fn build(folder: &Path, files: &dyn Files) -> Reference {
    let plugin = Plugin::in_folder(folder, files);
    let reads = reads::of_plugin(files, folder).unwrap_or_default();
    let cfg_path = plugin.config_file(files);
    let cfg_text = cfg_path.as_ref().and_then(|p| files.read(p));
    let ini = cfg_text.as_deref().map(ini::parse);
    let cfg = Cfg {
        text: cfg_text.as_deref().unwrap_or(""),
        ini: ini.as_ref(),
    };
    let sdk_sections = sdk_sections(&plugin, &reads, &cfg);

    // The sections: default.cfg's order, then the code's, then the SDK's;
    // an SDK section under the name it is shown with.
    let shown = |n: &str| -> String {
        sdk_sections
            .iter()
            .find(|s| s.spec.matches(n))
            .map_or_else(|| n.to_string(), |s| s.shown.clone())
    };
    let mut names: Vec<String> = Vec::new();
    let cfg_names = cfg
        .ini
        .into_iter()
        .flat_map(|i| i.sections.iter().filter_map(|s| s.name()));
    let sdk_names = sdk_sections.iter().map(|s| s.shown.as_str());
    for n in cfg_names.chain(reads.sections()).chain(sdk_names) {
        let n = shown(n);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let sections: Vec<SectionDoc> = names
        .iter()
        .filter_map(|name| {
            let sdk = sdk_sections.iter().find(|s| s.shown == *name);
            section(name, sdk, &reads, &cfg)
        })
        .collect();

    let mut notes = Vec::new();
    if reads.any_section {
        notes.push(
            "The code reads a section whose name it computes: sections this reference does not \
             list may be read too."
                .to_string(),
        );
    }
    if !reads.complete {
        notes.push(
            "Some of the plugin's code did not parse: options it reads may be missing.".to_string(),
        );
    }
    if plugin.is_legacy() {
        notes.push(
            "`api: 1.0` is a legacy plugin: it reads its configuration text itself, so the SDK's \
             sections do not apply."
                .to_string(),
        );
    }
    Reference {
        format_version: FORMAT_VERSION,
        plugin: PluginInfo {
            name: plugin.name.clone(),
            version: plugin.version.clone(),
            plugin_type: plugin.plugin_type.clone(),
            api: plugin.api.as_ref().map(|(a, b, c, pre)| match pre {
                Some(p) => format!("{a}.{b}.{c}-{p}"),
                None => format!("{a}.{b}.{c}"),
            }),
            sdk_version: sdk().sdk_version.clone(),
        },
        config_file: cfg_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned()),
        sections,
        notes,
    }
}

/// An SDK section a plugin of this type and `api` has read.
struct SdkSection {
    spec: &'static SectionSpec,
    /// The name shown: the one default.cfg uses, else the first the SDK of
    /// the `api` reads (`question_<N>` for a pattern).
    shown: String,
    /// The other names the SDK of the `api` reads it under.
    aliases: Vec<String>,
    /// The section of default.cfg that documents it.
    in_cfg: Option<String>,
}

/// The SDK sections a plugin of this type and `api` has read; those only a
/// factory reads (`[tls]`) when the code calls it.
fn sdk_sections(plugin: &Plugin, reads: &Reads, cfg: &Cfg) -> Vec<SdkSection> {
    if plugin.is_legacy() {
        return Vec::new();
    }
    let api = plugin.api.as_ref().map(|(a, b, _, _)| (*a, *b));
    let cfg_names: Vec<&str> = cfg
        .ini
        .into_iter()
        .flat_map(|i| i.sections.iter().filter_map(|s| s.name()))
        .collect();
    let mut out = Vec::new();
    for spec in &sdk().sections {
        if !spec.applies_to(plugin.sdk_type()) {
            continue;
        }
        if let Some(p) = &spec.name_pattern {
            out.push(SdkSection {
                spec,
                shown: p.clone(),
                aliases: spec.aliases.clone(),
                in_cfg: cfg_names
                    .iter()
                    .find(|n| spec.matches(n))
                    .map(|n| n.to_string()),
            });
            continue;
        }
        let readable: Vec<&str> = spec
            .names()
            .filter(|n| match crate::schema::config::section_since(n) {
                Some(since) => api.is_none_or(|a| a >= since),
                // Read only because of a call of the code's.
                None => reads.reads.iter().any(|r| r.section == *n),
            })
            .collect();
        let Some(first) = readable.first() else {
            continue;
        };
        let in_cfg = readable.iter().find(|n| cfg_names.contains(n)).copied();
        let shown = in_cfg.unwrap_or(first);
        out.push(SdkSection {
            spec,
            shown: shown.to_string(),
            aliases: readable
                .iter()
                .filter(|n| **n != shown)
                .map(|n| n.to_string())
                .collect(),
            in_cfg: in_cfg.map(str::to_string),
        });
    }
    out
}

fn section(name: &str, sdk: Option<&SdkSection>, reads: &Reads, cfg: &Cfg) -> Option<SectionDoc> {
    let spec = sdk.map(|s| s.spec);
    // default.cfg's section of that name (for a pattern: the first it matches).
    let in_cfg = match sdk {
        Some(s) => s.in_cfg.clone().unwrap_or_default(),
        None => name.to_string(),
    };
    // The code's reads of it, under any of the SDK's names for it.
    let of_section = |r: &&Read| r.section == name || spec.is_some_and(|s| s.matches(&r.section));
    let section_reads: Vec<&Read> = reads.reads.iter().filter(of_section).collect();
    let defaults: Vec<&(String, String, String)> = reads
        .defaults
        .iter()
        .filter(|d| d.0 == name || spec.is_some_and(|s| s.matches(&d.0)))
        .collect();
    if spec.is_none() && section_reads.is_empty() && defaults.is_empty() {
        return None;
    }
    let read_by = readers(
        section_reads.iter().any(|r| r.by_sdk.is_none()),
        spec.is_some() || section_reads.iter().any(|r| r.by_sdk.is_some()),
    );

    // The options: default.cfg's order, then the code's, then the SDK's.
    let mut names: Vec<String> = cfg.options(&in_cfg);
    for r in &section_reads {
        if let Some(o) = &r.option {
            names.push(o.clone());
        }
    }
    names.extend(defaults.iter().map(|d| d.1.clone()));
    if let Some(s) = spec {
        names.extend(s.options.iter().map(|o| o.name.clone()));
    }
    let mut options: Vec<OptionDoc> = Vec::new();
    for o in names {
        if options.iter().any(|x| x.name == o) {
            continue;
        }
        let own: Vec<&Read> = section_reads
            .iter()
            .copied()
            .filter(|r| r.option.as_deref() == Some(o.as_str()))
            .collect();
        let default = defaults.iter().find(|d| d.1 == o).map(|d| d.2.clone());
        let sdk_option = spec.and_then(|s| s.named_option(&o));
        if own.is_empty() && default.is_none() && sdk_option.is_none() {
            continue;
        }
        options.push(option(
            &o,
            &own,
            default,
            sdk_option,
            cfg.option(&in_cfg, &o),
        ));
    }

    let data_reads: Vec<&Read> = section_reads
        .iter()
        .copied()
        .filter(|r| r.option.is_none())
        .collect();
    let any_option = if !data_reads.is_empty() {
        Some(AnyOption {
            name: "<name>".to_string(),
            ty: data_reads[0].getter.type_name().to_string(),
            note: format!(
                "The code reads the section's options as data (`{}`): every name is read, and \
                 its meaning is the plugin's; default.cfg's entries here are examples.",
                data_reads[0].getter.method()
            ),
            read_at: data_reads.iter().map(|r| place(r)).collect(),
        })
    } else {
        spec.and_then(|s| s.free_options.as_ref())
            .map(|f| AnyOption {
                name: f.name.clone(),
                ty: sdk_type(f),
                note: f.description.clone(),
                read_at: Vec::new(),
            })
    };

    Some(SectionDoc {
        name: name.to_string(),
        aliases: sdk.map(|s| s.aliases.clone()).unwrap_or_default(),
        read_by,
        in_default_cfg: !cfg.sections(&in_cfg).is_empty(),
        description: cfg.section_comment(&in_cfg),
        sdk_description: spec.map(|s| s.description.clone()),
        options,
        any_option,
    })
}

fn option(
    name: &str,
    own: &[&Read],
    defaults_value: Option<String>,
    spec: Option<&OptionSpec>,
    written: Option<(Written, Option<String>)>,
) -> OptionDoc {
    let read_by = readers(
        own.iter().any(|r| r.by_sdk.is_none()),
        spec.is_some() || own.iter().any(|r| r.by_sdk.is_some()),
    );
    // The plugin's own reads first: they decide what the plugin accepts.
    let mut ordered: Vec<&Read> = own.to_vec();
    ordered.sort_by_key(|r| r.by_sdk.is_some());
    let mut getters: Vec<String> = Vec::new();
    for r in &ordered {
        let m = r.getter.method().to_string();
        if !getters.contains(&m) {
            getters.push(m);
        }
    }
    let (ty, kind) = match (ordered.first(), spec) {
        (Some(r), _) => (r.getter.type_name().to_string(), Kind::of_getter(r.getter)),
        (None, Some(s)) => (sdk_type(s), Kind::of_sdk(s.ty)),
        (None, None) => (Getter::Get.type_name().to_string(), Kind::String),
    };
    // A value must pass every `getienum` of the plugin's that reads it; the
    // SDK's own reads count only when the plugin has none (safeguard's code
    // accepts `token` and reads the SDK's property only for the others).
    let own_sets = ordered
        .iter()
        .any(|r| r.by_sdk.is_none() && matches!(r.getter, Getter::Ienum | Getter::Boolean));
    let mut values: Option<Vec<String>> = None;
    for r in ordered.iter().filter(|r| !own_sets || r.by_sdk.is_none()) {
        let set = match (r.getter, &r.value_set) {
            (Getter::Ienum, Some(set)) => set.clone(),
            (Getter::Boolean, _) => sdk().booleans.accepted.to_vec(),
            _ => continue,
        };
        values = Some(match values {
            None => set,
            Some(v) => v.into_iter().filter(|x| set.contains(x)).collect(),
        });
    }
    let values = values.unwrap_or_else(|| match spec {
        Some(s) if s.ty == OptionType::Enum => s.values.clone(),
        Some(s) if s.ty == OptionType::Boolean => sdk().booleans.accepted.to_vec(),
        _ => Vec::new(),
    });
    let code_default = defaults_value.or_else(|| ordered.iter().find_map(|r| r.ini_default()));
    let default_computed =
        code_default.is_none() && ordered.iter().any(|r| r.default == Default::Unknown);
    let required = ordered.iter().any(|r| r.required && r.under.is_none());
    let required_when = if required {
        Vec::new()
    } else {
        ordered
            .iter()
            .filter(|r| r.required)
            .filter_map(|r| r.under.as_ref())
            .map(|(s, o, v)| Condition {
                section: s.clone(),
                option: o.clone(),
                values: v.clone(),
            })
            .collect()
    };
    let (default_cfg, description) = match written {
        Some((w, d)) => (Some(w), d),
        None => (None, None),
    };
    OptionDoc {
        name: name.to_string(),
        read_by,
        ty,
        kind,
        getters,
        required,
        required_in_section: spec.is_some_and(|s| s.required),
        required_when,
        default: code_default,
        default_computed,
        sdk_default: spec.and_then(|s| s.default.clone()),
        values,
        description,
        sdk_description: spec.map(|s| s.description.clone()),
        default_cfg,
        read_at: own.iter().map(|r| place(r)).collect(),
    }
}

/// Who reads, from whether the plugin's getters and the SDK do. Read by
/// neither, an option is only given a default (`defaults=`) by the
/// plugin's code: the plugin's, then.
fn readers(plugin: bool, sdk: bool) -> Vec<Reader> {
    let mut out = Vec::new();
    if plugin || !sdk {
        out.push(Reader::Plugin);
    }
    if sdk {
        out.push(Reader::Sdk);
    }
    out
}

fn place(r: &Read) -> Place {
    Place {
        path: r.rel.replace('\\', "/"),
        line: r.line,
        by: r.by_sdk.map(str::to_string),
    }
}

/// An SDK option's type, in the words the getters' types use.
fn sdk_type(s: &OptionSpec) -> String {
    let getter = match s.ty {
        OptionType::String => Getter::Get,
        OptionType::Boolean => Getter::Boolean,
        OptionType::Int => Getter::Int,
        OptionType::Float => Getter::Float,
        OptionType::Enum if s.case_sensitive => return "one of a set (exact)".to_string(),
        OptionType::Enum => Getter::Ienum,
        OptionType::List => Getter::List,
        OptionType::Pem => return OptionType::Pem.as_str().to_string(),
    };
    getter.type_name().to_string()
}

#[cfg(test)]
mod tests;
