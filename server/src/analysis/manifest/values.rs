//! Each MANIFEST key's value: its type, what the SDK's validator accepts,
//! how PyYAML (YAML 1.1) reads it where that differs, `api` and
//! `entry_point`.

use super::*;

/// Python truthiness, which decides whether the SDK checks `author_email`.
pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::Int(s) => s != "0",
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        _ => true,
    }
}

pub(super) fn check_value(text: &str, entry: &Entry, cx: &Context, out: &mut Vec<Diagnostic>) {
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
pub(super) fn check_yaml11_reading(
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
pub(super) fn check_api(v: &Value, range: TextRange, out: &mut Vec<Diagnostic>) {
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
pub(super) fn newer_than_newest_sdk(v: &ApiVersion) -> bool {
    (v.0, v.1, v.2) > newest_sdk()
}

pub(super) fn newest_sdk() -> (u64, u64, u64) {
    let mut parts = crate::schema::config::sdk()
        .sdk_version
        .split('.')
        .map(|p| p.parse::<u64>().expect("sdk_version is major.minor.patch"));
    let mut next = || parts.next().expect("sdk_version is major.minor.patch");
    (next(), next(), next())
}

pub(super) fn check_entry_point(
    v: &Value,
    range: TextRange,
    cx: &Context,
    out: &mut Vec<Diagnostic>,
) {
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
