//! MANIFEST features. They read the tree when the text parses and fall back
//! to the line under the cursor when it does not, so completion and hover
//! keep working on half-typed text.

use std::path::Path;
use std::sync::Arc;

use super::{word_at, CompletionItem, CompletionKind, Hover, Link, Symbol, SymbolKind, Target};
use crate::analysis::manifest::{name_from_folder, python_files, quote};
use crate::analysis::python::{PluginCode, Resolved};
use crate::analysis::Context;
use crate::schema::manifest as schema;
use crate::syntax::yaml;
use crate::text::{self, TextRange};

/// The `key:` at the start of a line, if the line has one.
struct KeyLine<'a> {
    key: &'a str,
    key_range: TextRange,
    /// After the colon and its spaces up to the end of the line (a trailing
    /// comment excluded).
    value_range: TextRange,
}

fn key_line(text: &str, offset: usize) -> Option<KeyLine<'_>> {
    let start = text::line_start(text, offset);
    let end = text::line_end(text, offset);
    let line = &text[start..end];
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let colon = line.find(':')?;
    let key = &line[..colon];
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let after = &line[colon + 1..];
    let value_start = start + colon + 1 + (after.len() - after.trim_start().len());
    let rest = &text[value_start..end];
    let value_len = match rest.find(" #") {
        Some(i) => i,
        None if rest.starts_with('#') => 0,
        None => rest.len(),
    };
    let value_end = value_start + rest[..value_len].trim_end().len();
    Some(KeyLine {
        key,
        key_range: TextRange::new(start, start + colon),
        value_range: TextRange::new(value_start, value_end.max(value_start)),
    })
}

/// Keys already present: the parsed ones, plus any `key:` line (the text
/// may be broken).
fn present_keys(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = yaml::parse(text)
        .entries()
        .iter()
        .filter_map(|e| e.key_text().map(str::to_string))
        .collect();
    let mut at = 0;
    while at < text.len() {
        if let Some(k) = key_line(text, at) {
            keys.push(k.key.to_string());
        }
        at = text::line_end(text, at) + 1;
        if at < text.len() && text.as_bytes()[at - 1] == b'\r' {
            at += 1;
        }
    }
    keys
}

pub fn completion(text: &str, offset: usize, cx: &Context) -> Vec<CompletionItem> {
    let schema = schema::get();
    let line_start = text::line_start(text, offset);
    let before = &text[line_start..offset];
    if let Some(k) = key_line(text, offset).filter(|k| offset > k.key_range.end) {
        let replace = TextRange::new(
            k.value_range.start.min(offset),
            k.value_range.end.max(offset),
        );
        return value_completion(
            k.key,
            &text[k.value_range.start..k.value_range.end],
            replace,
            cx,
        );
    }
    if before.starts_with([' ', '\t', '#']) {
        return Vec::new();
    }
    let replace = word_at(text, offset);
    let present = present_keys(text);
    let current = &text[replace.start..replace.end];
    schema
        .keys
        .iter()
        .filter(|k| !present.iter().any(|p| p == &k.name && p != current))
        .enumerate()
        .map(|(i, k)| {
            CompletionItem::new(k.name.clone(), CompletionKind::Key, replace)
                .detail(if k.required { "required" } else { "optional" })
                .docs(k.description.clone())
                .insert(format!("{}: {}", k.name, k.snippet), true)
                .sort(format!("{}{i:02}", if k.required { 0 } else { 1 }))
        })
        .collect()
}

fn value_completion(
    key: &str,
    current: &str,
    replace: TextRange,
    cx: &Context,
) -> Vec<CompletionItem> {
    let schema = schema::get();
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    let value = |label: &str| CompletionItem::new(label, CompletionKind::Value, replace);
    match key {
        "type" => schema
            .types
            .iter()
            .map(|t| value(&t.value).docs(t.description.clone()))
            .collect(),
        "api" => schema
            .api_versions
            .iter()
            .rev()
            .enumerate()
            .map(|(i, v)| {
                value(&v.api)
                    .detail(format!("{} · SDK {}", v.sps, v.sdk))
                    .docs(format!(
                        "Plugin API {}: Plugin SDK {}, first in {}.",
                        v.api, v.sdk, v.sps
                    ))
                    .insert(quote(&v.api), false)
                    .sort(format!("{i:02}"))
            })
            .collect(),
        "entry_point" => python_files(dir, cx)
            .into_iter()
            .map(|f| {
                CompletionItem::new(f, CompletionKind::File, replace)
                    .detail("file beside the MANIFEST")
            })
            .collect(),
        "version" => {
            let bare = current.trim_matches(['\'', '"']);
            let v = if bare.is_empty() { "1.0.0" } else { bare };
            vec![value(&quote(v)).detail("quoted, so YAML keeps it as text")]
        }
        "name" => name_from_folder(dir)
            .map(|name| value(&name).detail("from the folder name"))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

pub fn hover(text: &str, offset: usize, _cx: &Context) -> Option<Hover> {
    let schema = schema::get();
    let k = key_line(text, offset)?;
    let spec = schema.key(k.key)?;
    let key_doc = || {
        format!(
            "**{}** ({})\n\n{}",
            spec.name,
            if spec.required {
                "required"
            } else {
                "optional"
            },
            spec.description
        )
    };
    if k.key_range.touches(offset) {
        return Some(Hover {
            range: k.key_range,
            markdown: key_doc(),
        });
    }
    if !k.value_range.touches(offset) || k.value_range.is_empty() {
        return None;
    }
    let value = text[k.value_range.start..k.value_range.end].trim_matches(['\'', '"']);
    let extra = match k.key {
        "type" => schema
            .types
            .iter()
            .find(|t| t.value == value)
            .map(|t| format!("`{}`: {}", t.value, t.description)),
        "api" => schema
            .api_versions
            .iter()
            .find(|v| {
                value == v.api
                    || value
                        .strip_prefix(v.api.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
            .map(|v| {
                format!(
                    "Plugin API {}: Plugin SDK {}, first in {}.",
                    v.api, v.sdk, v.sps
                )
            }),
        _ => None,
    };
    Some(Hover {
        range: k.value_range,
        markdown: match extra {
            Some(e) => format!("{e}\n\n---\n\n{}", key_doc()),
            None => key_doc(),
        },
    })
}

pub fn symbols(text: &str) -> Vec<Symbol> {
    yaml::parse(text)
        .entries()
        .iter()
        .filter_map(|e| {
            let name = e.key_text()?.to_string();
            let detail = text[e.value.range.start..e.value.range.end]
                .lines()
                .next()
                .map(str::to_string);
            Some(Symbol {
                name,
                detail,
                kind: SymbolKind::Key,
                range: TextRange::new(e.key.range.start, e.value.range.end.max(e.key.range.end)),
                selection: e.key.range,
                children: Vec::new(),
            })
        })
        .collect()
}

/// From `entry_point`'s value to the entry point's `Plugin` class, followed
/// through its imports as SPS would load it (`from lib.plugin import
/// Plugin`); to the entry point file itself when `Plugin` is not a class of
/// the plugin.
pub fn definition(text: &str, offset: usize, cx: &Context) -> Option<Target> {
    let link = links(text, cx)
        .into_iter()
        .find(|l| l.range.touches(offset))?;
    let folder = link.target.parent().unwrap_or(Path::new(""));
    let entry = link.target.file_name().and_then(|n| n.to_str());
    let code = PluginCode::load(cx.files, folder, entry);
    if let Some(Resolved::Class(file, class)) = code.entry.map(|e| code.resolve_name(e, "Plugin")) {
        let file = &code.files[file];
        return Some(Target {
            path: file.path.clone(),
            range: file.index.classes[class].name_range,
            text: file.text.clone(),
        });
    }
    Some(Target {
        path: link.target,
        range: TextRange::empty(0),
        text: Arc::from(""),
    })
}

/// After each value SPS reads otherwise than written, what it reads.
pub fn inlay_hints(text: &str) -> Vec<super::InlayHint> {
    let doc = yaml::parse(text);
    crate::analysis::manifest::sps_readings(text, &doc)
        .into_iter()
        .map(|(range, reading)| super::InlayHint {
            offset: range.end,
            label: format!("SPS reads {reading}"),
            tooltip: "SPS reads MANIFEST with PyYAML (YAML 1.1): quote the value to keep the text you wrote".into(),
        })
        .collect()
}

/// `entry_point`'s value leads to its file.
pub fn links(text: &str, cx: &Context) -> Vec<Link> {
    let doc = yaml::parse(text);
    let Some(entry) = doc.get("entry_point") else {
        return Vec::new();
    };
    let Some(scalar) = entry.value.as_scalar() else {
        return Vec::new();
    };
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    let target = dir.join(&scalar.value);
    if scalar.value.is_empty() || scalar.value.contains(['/', '\\']) || !cx.files.is_file(&target) {
        return Vec::new();
    }
    vec![Link {
        range: entry.value.range,
        target,
    }]
}

/// The edit of a MANIFEST that follows its entry point file renamed from
/// `old` to `new` (bare file names in the plugin folder): `entry_point`'s
/// value replaced, in the quotes it had. None when the MANIFEST names
/// another file, or `new` is no valid entry point.
pub fn entry_point_rename(text: &str, old: &str, new: &str) -> Option<(TextRange, String)> {
    let valid = !new.is_empty()
        && new
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid || old == new {
        return None;
    }
    let doc = yaml::parse(text);
    let value = &doc.get("entry_point")?.value;
    let scalar = value.as_scalar().filter(|s| s.value == old)?;
    let written = match scalar.style {
        yaml::Style::SingleQuoted => format!("'{new}'"),
        yaml::Style::DoubleQuoted => format!("\"{new}\""),
        yaml::Style::Plain => new.to_string(),
        yaml::Style::Literal | yaml::Style::Folded => return None,
    };
    Some((value.range, written))
}
