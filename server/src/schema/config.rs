//! The SDK's default.cfg sections and options (`schemas/sdk-config.json`,
//! described by `schemas/sdk-config.schema.json`), embedded at build time and
//! read once.

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../../schemas/sdk-config.json");
/// From which API the SDK reads each section (`scripts/sdk-sections.py`).
const SINCE: &str = include_str!("../../../schemas/sdk-sections.json");

/// The first API (major, minor) whose SDK reads the section under this
/// name, when the data knows it.
pub fn section_since(name: &str) -> Option<(u64, u64)> {
    static TABLE: OnceLock<Vec<(String, (u64, u64))>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(SINCE).expect("schemas/sdk-sections.json is valid");
        v["sections"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        let (a, b) = v.as_str()?.split_once('.')?;
                        Some((k.clone(), (a.parse().ok()?, b.parse().ok()?)))
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    table.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkConfig {
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The SDK version the data was taken from, the newest one.
    pub sdk_version: String,
    /// MANIFEST types whose sections are known.
    pub plugin_types: Vec<String>,
    pub booleans: Booleans,
    #[serde(default)]
    pub special_values: Vec<SpecialValue>,
    pub sections: Vec<SectionSpec>,
    /// Built on first use from `sections`.
    #[serde(skip)]
    filter: OnceLock<NameFilter>,
}

/// A quick test that rules out most names no section can match, exactly or
/// ignoring case: an ASCII name matches a section's name only if they have
/// the same length and, lower-cased, the same first byte, and a pattern only
/// if it starts with the pattern's first byte.
#[derive(Debug, Default)]
struct NameFilter {
    /// Some name is not ASCII, or a pattern starts with `<N>`: no filter.
    off: bool,
    /// (length, lower-cased first byte) of every name and alias.
    names: Vec<(usize, u8)>,
    /// Lower-cased first byte of every pattern.
    patterns: Vec<u8>,
}

impl NameFilter {
    fn new(sections: &[SectionSpec]) -> Self {
        let mut f = NameFilter::default();
        for s in sections {
            for n in s.names() {
                match n.as_bytes().first() {
                    Some(b) if n.is_ascii() => f.names.push((n.len(), b.to_ascii_lowercase())),
                    _ => f.off = true,
                }
            }
            if let Some(p) = &s.name_pattern {
                match p.as_bytes().first() {
                    Some(&b) if p.is_ascii() && !p.starts_with("<N>") => {
                        f.patterns.push(b.to_ascii_lowercase())
                    }
                    _ => f.off = true,
                }
            }
        }
        f
    }

    /// False when no section can match `name`, exactly or ignoring case.
    fn may_match(&self, name: &str) -> bool {
        if self.off || !name.is_ascii() {
            return true;
        }
        let Some(first) = name.as_bytes().first().map(u8::to_ascii_lowercase) else {
            return true;
        };
        self.patterns.contains(&first) || self.names.contains(&(name.len(), first))
    }
}

/// How the SDK's `getboolean` reads a boolean option.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Booleans {
    /// The words it accepts (any case): for true, then for false.
    pub accepted: [String; 2],
    /// Words it rejects that have an obvious fix.
    pub mistakes: Vec<BooleanMistake>,
    /// Words that can only be meant as booleans.
    pub unmistakable: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BooleanMistake {
    pub write: String,
    pub instead_of: Vec<String>,
}

impl Booleans {
    pub fn accepts(&self, value: &str) -> bool {
        self.accepted.iter().any(|a| a.eq_ignore_ascii_case(value))
    }

    /// The accepted word to write instead of `value`, if it is a common
    /// mistake.
    pub fn fix_for(&self, value: &str) -> Option<&str> {
        self.mistakes
            .iter()
            .find(|m| m.instead_of.iter().any(|w| w.eq_ignore_ascii_case(value)))
            .map(|m| m.write.as_str())
    }

    /// `value` can only be meant as a boolean.
    pub fn is_unmistakable(&self, value: &str) -> bool {
        self.unmistakable
            .iter()
            .any(|w| w.eq_ignore_ascii_case(value))
    }

    /// "`yes` or `no`".
    pub fn accepted_in_words(&self) -> String {
        format!("`{}` or `{}`", self.accepted[0], self.accepted[1])
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialValue {
    pub value: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// The name; for a pattern, the name completion offers.
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `question_<N>`: `<N>` is a positive integer.
    #[serde(default)]
    pub name_pattern: Option<String>,
    /// Empty: common to every plugin type.
    #[serde(default)]
    pub plugin_types: Vec<String>,
    pub description: String,
    pub options: Vec<OptionSpec>,
    #[serde(default)]
    pub free_options: Option<OptionSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionType {
    String,
    Boolean,
    Int,
    Float,
    Enum,
    List,
    Pem,
}

impl OptionType {
    pub fn as_str(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Boolean => "boolean (yes/no)",
            OptionType::Int => "integer",
            OptionType::Float => "number",
            OptionType::Enum => "one of a set of values",
            OptionType::List => "comma-separated list",
            OptionType::Pem => "PEM text",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Invalid {
    #[default]
    Error,
    Warning,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: OptionType,
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default)]
    pub invalid: Invalid,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub dollar_allowed: bool,
    #[serde(default)]
    pub trusted_ca_list: bool,
    #[serde(default)]
    pub only_in: Vec<String>,
    pub description: String,
}

/// The embedded data, parsed on first use.
pub fn sdk() -> &'static SdkConfig {
    static SDK: OnceLock<SdkConfig> = OnceLock::new();
    SDK.get_or_init(|| serde_json::from_str(DATA).expect("schemas/sdk-config.json is valid"))
}

impl SdkConfig {
    /// The section the SDK reads under exactly this name.
    pub fn section(&self, name: &str) -> Option<&SectionSpec> {
        if !self.may_match(name) {
            return None;
        }
        self.sections.iter().find(|s| s.matches(name))
    }

    /// A section whose name differs from `name` only in letter case.
    pub fn section_ignoring_case(&self, name: &str) -> Option<(&SectionSpec, String)> {
        if !self.may_match(name) {
            return None;
        }
        // `str::to_lowercase`, without allocating for a lower-case ASCII name.
        let lower: Cow<str> = if !name.is_ascii() {
            Cow::Owned(name.to_lowercase())
        } else if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        self.sections.iter().find_map(|s| {
            s.names()
                .find(|n| lowercases_to(n, &lower))
                .map(|n| (s, n.to_string()))
                .or_else(|| s.matches(&lower).then(|| (s, lower.to_string())))
        })
    }

    fn may_match(&self, name: &str) -> bool {
        self.filter
            .get_or_init(|| NameFilter::new(&self.sections))
            .may_match(name)
    }

    pub fn is_known_type(&self, plugin_type: &str) -> bool {
        self.plugin_types.iter().any(|t| t == plugin_type)
    }

    pub fn special(&self, value: &str) -> Option<&SpecialValue> {
        self.special_values.iter().find(|s| s.value == value)
    }
}

impl SectionSpec {
    /// The name and its aliases (not the pattern).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    pub fn matches(&self, name: &str) -> bool {
        if let Some(p) = &self.name_pattern {
            return pattern_matches(p, name);
        }
        self.names().any(|n| n == name)
    }

    /// Whether a plugin of this type reads the section; `None` is a type
    /// without known sections.
    pub fn applies_to(&self, plugin_type: Option<&str>) -> bool {
        self.plugin_types.is_empty()
            || plugin_type.is_some_and(|t| self.plugin_types.iter().any(|p| p == t))
    }

    pub fn is_common(&self) -> bool {
        self.plugin_types.is_empty()
    }

    /// The option called `name` (lower case), or the free option.
    pub fn option(&self, name: &str) -> Option<&OptionSpec> {
        self.options
            .iter()
            .find(|o| o.name == name)
            .or(self.free_options.as_ref())
    }

    /// The option called exactly `name`, not the free one.
    pub fn named_option(&self, name: &str) -> Option<&OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }

    /// How the section is shown: `[name]`, `[question_<N>]`.
    pub fn display(&self) -> String {
        format!("[{}]", self.name_pattern.as_deref().unwrap_or(&self.name))
    }

    /// Markdown for hover and completion.
    pub fn markdown(&self) -> String {
        let mut md = format!("**{}**", self.display());
        for a in &self.aliases {
            md.push_str(&format!(" (also `[{a}]`)"));
        }
        md.push_str(" — SPS plugin SDK section");
        if !self.plugin_types.is_empty() {
            md.push_str(&format!(
                ", `type: {}` plugins",
                self.plugin_types.join("`, `")
            ));
        }
        md.push_str("\n\n");
        md.push_str(&self.description);
        if !self.options.is_empty() {
            md.push_str("\n\nOptions: ");
            let names: Vec<String> = self
                .options
                .iter()
                .map(|o| format!("`{}`", o.name))
                .collect();
            md.push_str(&names.join(", "));
        }
        md
    }
}

impl OptionSpec {
    /// One line: the type, its values and the default.
    pub fn summary(&self) -> String {
        let mut s = match self.ty {
            OptionType::Enum => self.values.join(" | "),
            OptionType::Boolean => sdk().booleans.accepted.join(" | "),
            t => t.as_str().to_string(),
        };
        if let Some(d) = &self.default {
            s.push_str(&format!(" (default `{d}`)"));
        }
        if self.required {
            s.push_str(", required");
        }
        s
    }

    /// Markdown for hover and completion.
    pub fn markdown(&self, section: &SectionSpec) -> String {
        let mut md = format!("**{}** in `{}`\n\n", self.name, section.display());
        md.push_str(&format!("Type: {}", self.ty.as_str()));
        match self.ty {
            OptionType::Enum => {
                let v: Vec<String> = self.values.iter().map(|v| format!("`{v}`")).collect();
                md.push_str(&format!(": {}", v.join(", ")));
                if !self.case_sensitive {
                    md.push_str(" (any case)");
                }
            }
            OptionType::Boolean => md.push_str(&format!(
                ": only {} (any case)",
                sdk().booleans.accepted_in_words()
            )),
            _ => {}
        }
        md.push('\n');
        if let Some(d) = &self.default {
            let shown = if d.is_empty() { "(empty)" } else { d };
            md.push_str(&format!("\nDefault: `{shown}`\n"));
        }
        if self.required {
            md.push_str("\nRequired by the section.\n");
        }
        if self.dollar_allowed {
            md.push_str("\n`$` fetches the value from the credential store.\n");
        }
        if self.trusted_ca_list {
            md.push_str("\n`$[name]` takes the certificates of a Trusted CA list.\n");
        }
        md.push('\n');
        md.push_str(&self.description);
        md
    }

    /// The text to offer as the value when completing the option.
    pub fn suggested_value(&self) -> Option<&str> {
        self.default
            .as_deref()
            .or(self.example.as_deref())
            .or_else(|| self.values.first().map(String::as_str))
    }
}

/// How the SDK treats a section of a plugin of type `plugin_type`.
pub enum Role<'s> {
    /// The SDK reads it.
    Sdk(&'s SectionSpec),
    /// The SDK reads it for plugins of another type.
    OtherType(&'s SectionSpec),
    /// `[Logging]`: the SDK reads `[logging]` (the String), not this one.
    WrongCase(&'s SectionSpec, String),
    /// The plugin's own section, or a type-specific SDK section when the
    /// plugin type is unknown.
    Plugin,
}

/// The role of the section called `name` in a plugin of type `plugin_type`.
pub fn role(name: &str, plugin_type: Option<&str>) -> Role<'static> {
    let sdk = sdk();
    if let Some(spec) = sdk.section(name) {
        return if spec.applies_to(plugin_type) {
            Role::Sdk(spec)
        } else if plugin_type.is_some() {
            Role::OtherType(spec)
        } else {
            Role::Plugin
        };
    }
    if let Some((spec, right)) = sdk.section_ignoring_case(name) {
        if spec.applies_to(plugin_type) {
            return Role::WrongCase(spec, right);
        }
    }
    Role::Plugin
}

/// `n.to_lowercase() == lower`, where `lower` is already lower-cased.
fn lowercases_to(n: &str, lower: &str) -> bool {
    if n.is_ascii() {
        // Lower-cased, `lower`'s ASCII letters are small and its other
        // bytes are not ASCII, so comparing ignoring ASCII case is the same.
        n.eq_ignore_ascii_case(lower)
    } else {
        n.to_lowercase() == lower
    }
}

/// `question_<N>` matches `question_1`, `question_12`, not `question_0`,
/// `question_01` or `question_`.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    let Some((pre, post)) = pattern.split_once("<N>") else {
        return pattern == name;
    };
    let Some(mid) = name
        .strip_prefix(pre)
        .and_then(|rest| rest.strip_suffix(post))
    else {
        return false;
    };
    !mid.is_empty() && mid.bytes().all(|b| b.is_ascii_digit()) && !mid.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_deserializes_and_is_consistent() {
        let sdk = sdk();
        assert!(sdk.sections.len() >= 20);
        for s in &sdk.sections {
            for t in &s.plugin_types {
                assert!(sdk.is_known_type(t), "{}: unknown type {t}", s.name);
            }
            if let Some(p) = &s.name_pattern {
                assert!(pattern_matches(p, &s.name), "{} must match {p}", s.name);
            }
            for o in s.options.iter().chain(s.free_options.iter()) {
                assert_eq!(
                    o.ty == OptionType::Enum,
                    !o.values.is_empty(),
                    "{}.{}: values go with enums",
                    s.name,
                    o.name
                );
                if s.free_options.as_ref().is_none_or(|f| !std::ptr::eq(f, o)) {
                    assert_eq!(o.name, o.name.to_lowercase(), "option names are lower case");
                }
                for n in &o.only_in {
                    assert!(
                        s.names().any(|x| x == n),
                        "{}.{}: only_in {n}",
                        s.name,
                        o.name
                    );
                }
            }
        }
        for v in ["$", "$$", "$[name]"] {
            assert!(sdk.special(v).is_some());
        }
        let b = &sdk.booleans;
        for m in &b.mistakes {
            assert!(b.accepts(&m.write), "{} is accepted", m.write);
        }
        for w in &b.unmistakable {
            assert!(b.fix_for(w).is_some(), "{w} has a fix");
        }
        let version: Vec<&str> = sdk.sdk_version.split('.').collect();
        assert!(
            version.len() == 3 && version.iter().all(|p| p.parse::<u64>().is_ok()),
            "sdk_version is major.minor.patch: {}",
            sdk.sdk_version
        );
    }

    #[test]
    fn lookups() {
        let sdk = sdk();
        assert_eq!(sdk.section("https_proxy").unwrap().name, "https-proxy");
        assert_eq!(sdk.section("question_7").unwrap().name, "question_1");
        assert!(sdk.section("question_0").is_none());
        assert!(sdk.section("Logging").is_none());
        assert_eq!(sdk.section_ignoring_case("Logging").unwrap().1, "logging");
        assert_eq!(
            sdk.section_ignoring_case("Question_2").unwrap().1,
            "question_2"
        );
        let cit = sdk.section("check-in-trigger").unwrap();
        assert_eq!(cit.option("rdp").unwrap().name, "<protocol>");
        assert!(!cit.applies_to(Some("aa")));
        assert!(!cit.applies_to(None));
        assert!(sdk.section("logging").unwrap().applies_to(None));
    }
}
