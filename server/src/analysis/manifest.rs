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

/// Python truthiness, which decides whether the SDK checks `author_email`.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Int(s) => s != "0",
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        _ => true,
    }
}

fn check_value(text: &str, entry: &Entry, cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(key) = entry.key_text() else { return };
    let node = &entry.value;
    if matches!(node.kind, NodeKind::Alias) {
        return;
    }
    let v12 = resolve(node, Schema::Core12);
    let v11 = resolve(node, Schema::PyYaml11);
    let written = &text[node.range.start..node.range.end];
    check_yaml11_reading(key, node, written, &v12, &v11, out);
    let required = schema::get().key(key).is_some_and(|k| k.required);
    if required && v12 == Value::Null {
        out.push(Diagnostic::error(
            codes::manifest::EMPTY_VALUE,
            if node.range.is_empty() {
                entry.key.range
            } else {
                node.range
            },
            format!("`{key}` has no value; SPS requires one"),
        ));
        return;
    }
    let range = node.range;
    match key {
        "name" => match &v12 {
            Value::Str(s) if is_valid_name(s) => {}
            Value::Str(s) => {
                let mut d = Diagnostic::error(
                    codes::manifest::INVALID_NAME,
                    range,
                    "`name` must start with a letter and go on with letters, digits or `_` (at least 2 characters; no `-`, `.` or spaces)",
                );
                let fixed = sanitized_name(s);
                if is_valid_name(&fixed) {
                    d = d.with_fix(
                        format!("Rename to `{fixed}`"),
                        vec![Edit::new(range, fixed)],
                    );
                }
                out.push(d);
            }
            other => {
                let what = other.type_name();
                let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                out.push(Diagnostic::error(
                    codes::manifest::INVALID_NAME,
                    range,
                    format!(
                        "`name` must be text starting with a letter; YAML reads `{written}` as {article} {what}"
                    ),
                ))
            }
        },
        "type" => {
            let known: Vec<&str> = schema::get().type_names().collect();
            if v12.as_str().is_some_and(|s| known.contains(&s)) {
                return;
            }
            let shown = v12.python_str();
            let mut d = Diagnostic::error(
                codes::manifest::INVALID_TYPE,
                range,
                format!("`type` must be one of {}", known.join(", ")),
            );
            if let Some(s) = did_you_mean(&shown, known.iter().copied()) {
                d.message = format!("{}; did you mean `{s}`?", d.message);
                d = d.with_fix(format!("Change to `{s}`"), vec![Edit::new(range, s)]);
            }
            out.push(d);
        }
        "version" => {
            let s = v12.python_str();
            let ok = s.starts_with(|c: char| c.is_ascii_digit()) && !s.contains('\n');
            if !ok {
                out.push(Diagnostic::error(
                    codes::manifest::INVALID_VERSION,
                    range,
                    format!(
                        "`version` must start with a digit, like '1.0.0' (SPS reads \"{}\")",
                        s.escape_debug()
                    ),
                ));
            }
        }
        "api" => check_api(&v12, range, out),
        "entry_point" => check_entry_point(&v12, range, cx, out),
        "author_email" => {
            if !truthy(&v12) {
                return;
            }
            let ok = v12.as_str().is_some_and(is_valid_email);
            if !ok {
                out.push(Diagnostic::error(
                    codes::manifest::INVALID_EMAIL,
                    range,
                    "`author_email` is not an e-mail address the SDK accepts (`name@example.com`: letters, digits and `-+_.`)",
                ));
            }
        }
        "description" if v12.as_str() == Some("") => {
            out.push(Diagnostic::warning(
                codes::manifest::EMPTY_VALUE,
                range,
                "`description` is empty; SPS shows it on its web interface, so say what the plugin does",
            ));
        }
        _ => {}
    }
}

/// Where SPS reads a top-level value otherwise than it is written: the
/// value's range and what SPS gets, as Python's `str()` shows it with its
/// type (`version: 1.10` is the float `1.1`; `description: on` is the
/// boolean `True`). The same cases as `manifest/yaml11-reading` and
/// `manifest/number-changes-text`, for the editor's inlay hints.
pub fn sps_readings(text: &str, doc: &YamlDocument) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    for entry in doc.entries() {
        let node = &entry.value;
        let Some(scalar) = node.as_scalar() else {
            continue;
        };
        if scalar.style != Style::Plain || node.tag.is_some() || scalar.value.is_empty() {
            continue;
        }
        let v12 = resolve(node, Schema::Core12);
        let v11 = resolve(node, Schema::PyYaml11);
        let written = &text[node.range.start..node.range.end];
        let same = v12.type_name() == v11.type_name() && v12.python_str() == v11.python_str();
        let number_changes =
            matches!(v11, Value::Int(_) | Value::Float(_)) && v11.python_str() != written;
        if !same || number_changes {
            out.push((
                node.range,
                format!("{} {}", v11.type_name(), v11.python_str()),
            ));
        }
    }
    out
}

/// Warn where PyYAML (YAML 1.1) reads a plain scalar differently from YAML
/// 1.2, or where an unquoted number does not keep the text that was written.
fn check_yaml11_reading(
    key: &str,
    node: &Node,
    written: &str,
    v12: &Value,
    v11: &Value,
    out: &mut Vec<Diagnostic>,
) {
    let Some(scalar) = node.as_scalar() else {
        return;
    };
    if scalar.style != Style::Plain || node.tag.is_some() || scalar.value.is_empty() {
        return;
    }
    let same = v12.type_name() == v11.type_name() && v12.python_str() == v11.python_str();
    let quote_fix = |d: Diagnostic| {
        d.with_fix(
            format!("Quote it: {}", quote(written)),
            vec![Edit::new(node.range, quote(written))],
        )
    };
    if !same {
        out.push(quote_fix(Diagnostic::warning(
            codes::manifest::YAML11_READING,
            node.range,
            format!(
                "SPS reads MANIFEST as YAML 1.1, where `{written}` is the {} {}, not the {} {} of YAML 1.2; quote it to keep it text",
                v11.type_name(),
                v11.python_str(),
                v12.type_name(),
                v12.python_str()
            ),
        )));
    } else if matches!(v11, Value::Int(_) | Value::Float(_)) && v11.python_str() != written {
        out.push(quote_fix(Diagnostic::warning(
            codes::manifest::NUMBER_CHANGES_TEXT,
            node.range,
            format!(
                "`{written}` is a number to YAML, so SPS reads `{key}` as \"{}\"; quote it to keep what you wrote",
                v11.python_str()
            ),
        )));
    }
}

/// The SDK turns `X.Y` and `X.Y.Z` into `X.Y.0`, then parses a semantic
/// version; `pluginv` then requires major 1 and no more than its own SDK.
fn check_api(v: &Value, range: TextRange, out: &mut Vec<Diagnostic>) {
    let s = v.python_str();
    let Some(version) = parse_api(&s) else {
        out.push(Diagnostic::error(
            codes::manifest::INVALID_API,
            range,
            format!(
                "`api` must be major.minor like '1.{}' (a third part is ignored); SPS reads \"{}\"",
                schema::get().newest_api_minor,
                s.escape_debug()
            ),
        ));
        return;
    };
    if version.0 != 1 {
        out.push(Diagnostic::error(
            codes::manifest::INVALID_API,
            range,
            format!(
                "the plugin API's major version is 1; `api` says {}",
                version.0
            ),
        ));
        return;
    }
    let newest = schema::get().newest_api_minor;
    if version.1 > newest || (version.1 == newest && newer_than_newest_sdk(&version)) {
        out.push(Diagnostic::new(
            codes::manifest::API_NEWER,
            Severity::Warning,
            range,
            format!("`api` {s} is newer than the newest known plugin API, 1.{newest}; SPS refuses plugins whose API it does not have, and the SDK's pluginv refuses to build them"),
        ));
    }
}

/// A pre-release sorts before its release, so only a larger core is newer
/// than the newest SDK release known (`sdk_version` of
/// `schemas/sdk-config.json`).
fn newer_than_newest_sdk(v: &ApiVersion) -> bool {
    (v.0, v.1, v.2) > newest_sdk()
}

fn newest_sdk() -> (u64, u64, u64) {
    let mut parts = crate::schema::config::sdk()
        .sdk_version
        .split('.')
        .map(|p| p.parse::<u64>().expect("sdk_version is major.minor.patch"));
    let mut next = || parts.next().expect("sdk_version is major.minor.patch");
    (next(), next(), next())
}

fn check_entry_point(v: &Value, range: TextRange, cx: &Context, out: &mut Vec<Diagnostic>) {
    // The validator skips an empty value; pluginv then finds no such file.
    if !truthy(v) {
        out.push(Diagnostic::error(
            codes::manifest::ENTRY_POINT_MISSING,
            range,
            "`entry_point` is empty: name the plugin's Python file, such as main.py",
        ));
        return;
    }
    let Value::Str(name) = v else {
        out.push(Diagnostic::error(
            codes::manifest::INVALID_ENTRY_POINT,
            range,
            format!(
                "`entry_point` must be a file name such as main.py, not a {}",
                v.type_name()
            ),
        ));
        return;
    };
    if !is_valid_entry_point(name) {
        let mut d = Diagnostic::error(
            codes::manifest::INVALID_ENTRY_POINT,
            range,
            "`entry_point` must be a bare file name at the root of the plugin (letters, digits, `.`, `-`, `_`; no folders)",
        );
        if let Some(base) = name
            .rsplit(['/', '\\'])
            .next()
            .filter(|b| is_valid_entry_point(b))
        {
            d = d.with_fix(format!("Change to `{base}`"), vec![Edit::new(range, base)]);
        }
        out.push(d);
        return;
    }
    if cx.files.is_detached() {
        // No folder to look in.
        return;
    }
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    let path = dir.join(name);
    let Some(head) = cx.files.read_head(&path, 4096) else {
        let mut d = Diagnostic::error(
            codes::manifest::ENTRY_POINT_MISSING,
            range,
            format!("the entry point `{name}` does not exist beside the MANIFEST; SPS cannot start the plugin"),
        );
        let py = python_files(dir, cx);
        if let Some(s) = did_you_mean(name, py.iter().map(String::as_str)) {
            d.message = format!("{}; did you mean `{s}`?", d.message);
            d = d.with_fix(format!("Change to `{s}`"), vec![Edit::new(range, s)]);
        }
        out.push(d);
        return;
    };
    let first = text::first_line(&head);
    if first.trim_end() != SHEBANG {
        out.push(Diagnostic::warning(
            codes::manifest::ENTRY_POINT_SHEBANG,
            range,
            format!("the first line of `{name}` should be `{SHEBANG}`, which runs it in SPS's Python 3 plugin environment"),
        ));
    }
}

/// `api`, `scb_min_version` and `scb_max_version` against each other and
/// against the SPS releases the configuration's `target-sps` names. SPS
/// versions are ordered as Debian orders versions (`6.13.0~` is just below
/// `6.13.0`); the plugin is taken to load on SPS `v` when `scb_min_version
/// <= v <= scb_max_version` (the comparison on the appliance is not public;
/// the skeleton plugin's "the tilde at the end means less than 5.11.0" reads
/// so).
fn check_sps_versions(doc: &YamlDocument, cx: &Context, out: &mut Vec<Diagnostic>) {
    let bound = |key: &'static str, out: &mut Vec<Diagnostic>| -> Option<(String, TextRange)> {
        let entry = doc.get(key)?;
        let v = resolve(&entry.value, Schema::Core12);
        if v == Value::Null {
            return None;
        }
        let s = v.python_str();
        if !sps::is_version(&s) {
            out.push(Diagnostic::warning(
                codes::manifest::INVALID_SCB_VERSION,
                entry.value.range,
                format!(
                    "`{key}` must be an SPS version such as '6.0.0' (a trailing `~` means just \
                     below it); SPS cannot compare \"{}\"",
                    s.escape_debug()
                ),
            ));
            return None;
        }
        Some((s, entry.value.range))
    };
    let min = bound("scb_min_version", out);
    let max = bound("scb_max_version", out);
    if let (Some((lo, lo_range)), Some((hi, hi_range))) = (&min, &max) {
        if sps::compare(lo, hi).is_gt() {
            out.push(
                Diagnostic::error(
                    codes::manifest::SCB_VERSION_RANGE_EMPTY,
                    *lo_range,
                    format!(
                        "`scb_min_version` {lo} is above `scb_max_version` {hi}: no SPS \
                         version loads the plugin"
                    ),
                )
                .with_related(*hi_range, format!("`scb_max_version` {hi}")),
            );
        }
    }
    let targets: Vec<&Release> = cx
        .settings()
        .target_sps
        .iter()
        .filter_map(|t| sps::release(&t.text))
        .collect();
    if targets.is_empty() {
        return;
    }
    let names = |rs: &[&Release]| {
        rs.iter()
            .map(|r| format!("SPS {} ({})", r.sps, r.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(entry) = doc.get("api") {
        let api = parse_api(&resolve(&entry.value, Schema::Core12).python_str());
        let oldest = targets.iter().min_by_key(|r| r.api);
        if let (Some(api), Some(oldest)) = (api, oldest) {
            if (api.0, api.1) > oldest.api {
                out.push(Diagnostic::error(
                    codes::manifest::API_NEWER_THAN_TARGET,
                    entry.value.range,
                    format!(
                        "`api` {}.{} is newer than the plugin API of SPS {} ({}), {}, which \
                         `target-sps` names: SPS refuses the plugin there; write `api: '{}'` \
                         and build with SDK {}",
                        api.0,
                        api.1,
                        oldest.sps,
                        oldest.name,
                        oldest.api_text(),
                        oldest.api_text(),
                        oldest.api_text(),
                    ),
                ));
            }
        }
    }
    // A release `X.Y` spans `X.Y.0` up to just below the next minor.
    if let Some((lo, range)) = &min {
        let off: Vec<&Release> = targets
            .iter()
            .copied()
            .filter(|r| {
                let (major, minor) = r.sps.split_once('.').unwrap_or((&r.sps, "0"));
                let next = format!("{major}.{}~", minor.parse::<u64>().unwrap_or(0) + 1);
                sps::compare(lo, &next).is_ge()
            })
            .collect();
        if !off.is_empty() {
            out.push(Diagnostic::error(
                codes::manifest::SCB_VERSION_EXCLUDES_TARGET,
                *range,
                format!(
                    "`scb_min_version` {lo} keeps the plugin off {}, which `target-sps` names: \
                     lower it, or drop the release from `target-sps`",
                    names(&off)
                ),
            ));
        }
    }
    if let Some((hi, range)) = &max {
        let off: Vec<&Release> = targets
            .iter()
            .copied()
            .filter(|r| sps::compare(hi, &format!("{}.0", r.sps)).is_lt())
            .collect();
        if !off.is_empty() {
            out.push(Diagnostic::error(
                codes::manifest::SCB_VERSION_EXCLUDES_TARGET,
                *range,
                format!(
                    "`scb_max_version` {hi} keeps the plugin off {}, which `target-sps` names: \
                     raise it, or drop the release from `target-sps`",
                    names(&off)
                ),
            ));
        }
    }
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
