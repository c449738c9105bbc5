//! MANIFEST rules: every check of the SDK validator (spec 2.1), read with
//! YAML 1.2 as documented, plus warnings wherever PyYAML, the YAML 1.1 loader
//! SPS really uses, would read a value differently.

use std::collections::HashMap;
use std::path::Path;

use super::plugin::{parse_api, ApiVersion};
use super::{codes, did_you_mean, Context, Diagnostic, Edit, Severity};
use crate::schema::manifest::{self as schema};
use crate::schema::sps::{self, Release};
use crate::syntax::yaml::{Entry, Node, NodeKind, Style, YamlDocument};
use crate::syntax::yaml_scalar::{resolve, Schema, Value};
use crate::text::{self, TextRange};

mod sps_versions;
mod values;

use sps_versions::*;
pub use values::sps_readings;
use values::*;

/// The first line SPS expects in the entry point.
pub const SHEBANG: &str = "#!/usr/bin/env pluginwrapper3";

/// The MANIFEST rules on its parsed tree (the layout rules read the same
/// tree: a keystroke parses the MANIFEST once).
pub fn check_document(text: &str, doc: &YamlDocument, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in &doc.errors {
        out.push(syntax_error(text, e.range, &e.message));
    }
    let broken = !doc.errors.is_empty();
    let root = match &doc.root {
        Some(root) => root,
        None if broken => return out,
        None => {
            let d = Diagnostic::error(
                codes::manifest::EMPTY,
                TextRange::empty(0),
                "the MANIFEST is empty: SPS needs name, description, version, type, api and entry_point",
            );
            out.push(with_add_keys_fix(d, text, doc, cx, None));
            return out;
        }
    };
    if !matches!(root.kind, NodeKind::Mapping(_)) {
        out.push(Diagnostic::error(
            codes::manifest::NOT_A_MAPPING,
            root.range,
            format!(
                "the MANIFEST must be a mapping of `key: value` lines, not a {}",
                root.kind_name()
            ),
        ));
        return out;
    }
    check_keys(text, doc, cx, broken, &mut out);
    for entry in doc.entries() {
        check_value(text, entry, cx, &mut out);
    }
    check_sps_versions(doc, cx, &mut out);
    out
}

fn syntax_error(text: &str, range: TextRange, message: &str) -> Diagnostic {
    // The classic slip from default.cfg habits: `key=value` (pitfall 3).
    let line = text::line_start(text, range.start.min(text.len()));
    let candidates = previous_lines(text, line, 3);
    for start in candidates {
        let end = text::line_end(text, start);
        let line_text = &text[start..end];
        let trimmed = line_text.trim_start();
        if let Some((key, value)) = trimmed.split_once('=') {
            let key = key.trim_end();
            if !key.is_empty()
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !trimmed.contains(':')
            {
                let indent = line_text.len() - trimmed.len();
                let fixed = format!("{key}: {}", value.trim());
                return Diagnostic::error(
                    codes::yaml::SYNTAX,
                    TextRange::new(start + indent, end),
                    format!("YAML separates keys from values with `: `, not `=`: write `{fixed}`"),
                )
                .with_fix(
                    format!("Write `{fixed}`"),
                    vec![Edit::new(TextRange::new(start + indent, end), fixed)],
                );
            }
        }
    }
    let mut d = Diagnostic::error(
        codes::yaml::SYNTAX,
        range,
        format!("YAML syntax error: {message}; SPS rejects a MANIFEST it cannot read"),
    );
    if message.contains("mapping values are not allowed") {
        // `description: foo: bar` (pitfall 4): quote the value.
        let start = text::line_start(text, range.start.min(text.len()));
        let end = text::line_end(text, start);
        if let Some(colon) = text[start..end].find(": ") {
            let value_start = start + colon + 2;
            let value = text[value_start..end].trim_end();
            if !value.is_empty() && !value.starts_with(['\'', '"']) {
                d.message =
                    format!("YAML syntax error: {message}; a value holding `: ` must be quoted");
                let r = TextRange::new(value_start, value_start + value.len());
                d = d.with_fix("Quote the value", vec![Edit::new(r, quote(value))]);
            }
        }
    }
    d
}

/// Starts of the line at `line_start` and the lines before it, nearest first.
fn previous_lines(text: &str, line_start: usize, count: usize) -> Vec<usize> {
    let mut out = vec![line_start];
    let mut at = line_start;
    while out.len() < count && at > 0 {
        at = text::line_start(text, at - 1);
        out.push(at);
    }
    out
}

/// YAML single quotes, with `'` doubled.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn check_keys(
    text: &str,
    doc: &YamlDocument,
    cx: &Context,
    broken: bool,
    out: &mut Vec<Diagnostic>,
) {
    let schema = schema::get();
    let mut first: HashMap<&str, &Entry> = HashMap::new();
    for entry in doc.entries() {
        let Some(key) = entry.key_text() else {
            continue;
        };
        if let Some(previous) = first.get(key) {
            out.push(
                Diagnostic::error(
                    codes::manifest::DUPLICATE_KEY,
                    entry.key.range,
                    format!("`{key}` is set twice; YAML 1.2 forbids it and SPS would silently keep the last value"),
                )
                .with_related(previous.key.range, format!("`{key}` first set here")),
            );
            continue;
        }
        first.insert(key, entry);
        if schema.key(key).is_none() {
            let mut d = Diagnostic::warning(
                codes::manifest::UNKNOWN_KEY,
                entry.key.range,
                format!("SPS ignores the unknown key `{key}`"),
            );
            if let Some(known) = did_you_mean(key, schema.keys.iter().map(|k| k.name.as_str())) {
                if !first.contains_key(known) && doc.get(known).is_none() {
                    d.message =
                        format!("SPS ignores the unknown key `{key}`; did you mean `{known}`?");
                    d = d.with_fix(
                        format!("Rename to `{known}`"),
                        vec![Edit::new(entry.key.range, known)],
                    );
                }
            }
            out.push(d);
        }
    }
    if broken {
        // Keys after a syntax error are unknown, not missing.
        return;
    }
    let missing: Vec<&schema::KeySpec> = schema
        .required_keys()
        .filter(|k| doc.get(&k.name).is_none())
        .collect();
    let anchor = doc
        .entries()
        .first()
        .map_or(TextRange::empty(0), |e| e.key.range);
    let legacy = cx.plugin().is_legacy();
    for key in &missing {
        if legacy && key.name == "entry_point" {
            // SPS still uploads a legacy plugin without it (lenient mode).
            out.push(Diagnostic::warning(
                codes::manifest::MISSING_KEY,
                anchor,
                "the key `entry_point` is missing: SPS still uploads a legacy plugin (api 1.0) without it, but pluginv would refuse to package it",
            ));
            continue;
        }
        let d = Diagnostic::error(
            codes::manifest::MISSING_KEY,
            anchor,
            format!(
                "the required key `{}` is missing: {}",
                key.name,
                first_sentence(&key.description)
            ),
        );
        let d = with_add_keys_fix(d, text, doc, cx, Some(&key.name));
        out.push(d);
    }
}

fn first_sentence(s: &str) -> &str {
    s.split(". ").next().unwrap_or(s).trim_end_matches('.')
}

/// Offers to add one missing key (`only`) and all missing keys.
fn with_add_keys_fix(
    mut d: Diagnostic,
    text: &str,
    doc: &YamlDocument,
    cx: &Context,
    only: Option<&str>,
) -> Diagnostic {
    let missing: Vec<&str> = schema::get()
        .required_keys()
        .map(|k| k.name.as_str())
        .filter(|k| doc.get(k).is_none())
        .collect();
    let at = TextRange::empty(text.len());
    let lead = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    if let Some(key) = only {
        let line = format!("{lead}{key}: {}\n", default_value(key, cx));
        d = d.with_fix(format!("Add `{key}`"), vec![Edit::new(at, line)]);
    }
    if missing.len() > 1 || only.is_none() {
        let lines: String = missing
            .iter()
            .map(|k| format!("{k}: {}\n", default_value(k, cx)))
            .collect();
        d = d.with_fix(
            "Add all missing required keys",
            vec![Edit::new(at, format!("{lead}{lines}"))],
        );
    }
    d
}

/// A sensible first value for a key added by a quick fix.
fn default_value(key: &str, cx: &Context) -> String {
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    let schema = schema::get();
    let default = || schema.key(key).and_then(|k| k.default.clone());
    match key {
        "name" => name_from_folder(dir).or_else(default).unwrap_or_default(),
        "api" => format!("'1.{}'", schema.newest_api_minor),
        "entry_point" => {
            let py = python_files(dir, cx);
            if py.len() == 1 {
                py[0].clone()
            } else {
                default().unwrap_or_default()
            }
        }
        _ => match default() {
            // A version must stay a string to YAML.
            Some(d) if d.starts_with(|c: char| c.is_ascii_digit()) => format!("'{d}'"),
            Some(d) => d,
            None => "''".into(),
        },
    }
}

/// The `.py` files beside the MANIFEST.
pub fn python_files(dir: &Path, cx: &Context) -> Vec<String> {
    cx.files
        .read_dir(dir)
        .into_iter()
        .filter(|e| !e.is_dir && e.name.ends_with(".py"))
        .map(|e| e.name)
        .collect()
}

/// `s` with every character a name may not hold replaced by `_`.
pub fn sanitized_name(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A valid plugin name made from the plugin folder's name, if there is one.
pub fn name_from_folder(dir: &Path) -> Option<String> {
    let folder = dir.file_name()?.to_str()?;
    Some(sanitized_name(folder)).filter(|n| is_valid_name(n))
}

pub fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_valid_entry_point(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The SDK's `([-+_.a-zA-Z0-9]+@[-_a-zA-Z0-9]+(\.[-_a-zA-Z0-9]+)*)?`.
fn is_valid_email(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-+_.".contains(c));
    let domain_ok = domain.split('.').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_parsing_follows_the_sdk() {
        assert!(parse_api("1.6").is_some());
        assert!(parse_api("1.7.3").is_some());
        assert!(parse_api("1").is_none());
        assert!(parse_api("v1.2").is_none());
        assert!(parse_api("1.2.3.4").is_none());
        assert!(parse_api("1.2.3-rc1").is_some());
    }

    /// The hand-written checks accept exactly what the schema's patterns
    /// match, on the same samples.
    #[test]
    fn checks_agree_with_the_schema_patterns() {
        type Case<'a> = (&'a str, fn(&str) -> bool, &'a [&'a str]);
        let checks: [Case; 3] = [
            (
                "name",
                is_valid_name,
                &[
                    "My_Plugin",
                    "ab",
                    "a",
                    "A1_",
                    "1abc",
                    "_ab",
                    "my-plugin",
                    "my plugin",
                    "Ünï",
                    "",
                    "a_b_c9",
                ],
            ),
            (
                "entry_point",
                is_valid_entry_point,
                &[
                    "main.py",
                    "my-main_2.py",
                    "",
                    "lib/main.py",
                    "main .py",
                    "..",
                    "mäin.py",
                    "a",
                ],
            ),
            (
                "author_email",
                is_valid_email,
                &[
                    "",
                    "a.b+c@example.com",
                    "a@b",
                    "a@b.c.d",
                    "a@b.",
                    "a@.b",
                    "@b",
                    "a@",
                    "a b@c",
                    "not an email",
                    "a@b@c",
                    "a_b@c-d.e_f",
                    "a@b..c",
                    "ä@b",
                ],
            ),
        ];
        let schema = schema::get();
        for (key, check, samples) in checks {
            let pattern = schema
                .key(key)
                .and_then(|k| k.pattern.as_deref())
                .unwrap_or_else(|| panic!("`{key}` has a pattern"));
            let re = regex::Regex::new(pattern).unwrap();
            for sample in samples {
                assert_eq!(
                    check(sample),
                    re.is_match(sample),
                    "`{key}` check and /{pattern}/ disagree on {sample:?}"
                );
            }
        }
    }

    #[test]
    fn email_follows_the_sdk() {
        assert!(is_valid_email("a.b+c@example.com"));
        assert!(!is_valid_email("not an email"));
        assert!(!is_valid_email("a@b."));
    }
}
