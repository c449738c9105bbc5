//! A configuration file's TOML read into [`Settings`], with the range of
//! every key and value, and a problem for each key or value it cannot use.

use super::*;

/// The configuration a file's text holds; None for a `pyproject.toml`
/// without a `[tool.sps-plugin-ls]` table.
pub fn parse(text: &str, pyproject: bool) -> Option<Settings> {
    if text.len() > MAX_CONFIG_BYTES {
        // Not parsed at all. A pyproject.toml is ours only if it names us.
        let mut head = MAX_CONFIG_BYTES;
        while !text.is_char_boundary(head) {
            head -= 1;
        }
        if pyproject && !text[..head].contains("sps-plugin-ls") {
            return None;
        }
        return Some(Settings {
            problems: vec![Problem {
                range: TextRange::empty(0),
                kind: ProblemKind::TooLarge,
                message: format!(
                    "the file is larger than {} MiB, the most a configuration file may be",
                    MAX_CONFIG_BYTES >> 20
                ),
            }],
            ..Settings::default()
        });
    }
    let mut s = Settings {
        text: text.to_string(),
        ..Settings::default()
    };
    let doc = match toml_edit::Document::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            // A broken pyproject.toml is ours only if it names us.
            if pyproject && !text.contains("sps-plugin-ls") {
                return None;
            }
            let range = e.span().map_or(TextRange::empty(0), |r| {
                TextRange::new(r.start.min(text.len()), r.end.min(text.len()))
            });
            s.problems.push(Problem {
                range,
                kind: ProblemKind::Syntax,
                message: e.message().trim_end().to_string(),
            });
            return Some(s);
        }
    };
    let table: &dyn TableLike = if pyproject {
        doc.get("tool")
            .and_then(Item::as_table_like)
            .and_then(|t| t.get("sps-plugin-ls"))
            .and_then(Item::as_table_like)?
    } else {
        doc.as_table()
    };
    read(table, &mut s);
    Some(s)
}

pub(super) fn span(r: Option<std::ops::Range<usize>>) -> TextRange {
    r.map_or(TextRange::empty(0), |r| TextRange::new(r.start, r.end))
}

pub(super) fn read(table: &dyn TableLike, s: &mut Settings) {
    for (key, item) in table.iter() {
        let key_range = span(table.get_key_value(key).and_then(|(k, _)| k.span()));
        if let Some(known) = KEYS.iter().find(|k| **k == key) {
            s.keys.push(known);
        }
        match key {
            "select" => s.select = codes(key, item, key_range, s),
            "extend-select" => s.extend_select = codes(key, item, key_range, s).unwrap_or_default(),
            "ignore" => s.ignore = codes(key, item, key_range, s).unwrap_or_default(),
            "per-file-ignores" => {
                let Some(t) = item.as_table_like() else {
                    s.invalid(
                        item_range(item, key_range),
                        "`per-file-ignores` must be a table of globs and the codes they ignore, \
                         e.g. `\"tests/**\" = [\"layout\"]`",
                    );
                    continue;
                };
                for (glob, codes_item) in t.iter() {
                    let glob_range = span(t.get_key_value(glob).and_then(|(k, _)| k.span()));
                    let list = codes(glob, codes_item, glob_range, s);
                    match Glob::new(glob) {
                        Ok(g) => s.per_file_ignores.push((g, list.unwrap_or_default())),
                        Err(why) => s.problems.push(Problem {
                            range: glob_range,
                            kind: ProblemKind::InvalidGlob,
                            message: format!("`{glob}` is not a glob: {why}"),
                        }),
                    }
                }
            }
            "severity" => {
                let Some(t) = item.as_table_like() else {
                    s.invalid(
                        item_range(item, key_range),
                        "`severity` must be a table of codes and severities, e.g. \
                         `\"config/inline-comment\" = \"error\"`",
                    );
                    continue;
                };
                for (code, level) in t.iter() {
                    let code_range = span(t.get_key_value(code).and_then(|(k, _)| k.span()));
                    let value_range = item_range(level, code_range);
                    match level.as_str().and_then(Level::parse) {
                        Some(l) => s.severity.push((
                            Spanned {
                                text: code.to_string(),
                                range: code_range,
                            },
                            l,
                        )),
                        None => s.invalid(
                            value_range,
                            &format!(
                                "{} is not a severity: write one of {}",
                                level
                                    .as_str()
                                    .map_or("this".to_string(), |l| format!("`{l}`")),
                                quoted(&Level::NAMES)
                            ),
                        ),
                    }
                }
            }
            "exclude" | "instance-configs" => {
                for g in strings(key, item, key_range, s).into_iter().flatten() {
                    match Glob::new(&g.text) {
                        Ok(glob) if key == "exclude" => s.exclude.push(glob),
                        Ok(glob) => s.instance_configs.push(glob),
                        Err(why) => s.problems.push(Problem {
                            range: g.range,
                            kind: ProblemKind::InvalidGlob,
                            message: format!("`{}` is not a glob: {why}", g.text),
                        }),
                    }
                }
            }
            "target-sps" => match item.as_value() {
                Some(Value::String(v)) => {
                    s.target_sps = vec![Spanned {
                        text: v.value().clone(),
                        range: span(v.span()),
                    }]
                }
                Some(Value::Array(_)) => {
                    s.target_sps = strings(key, item, key_range, s).unwrap_or_default()
                }
                _ => s.invalid(
                    item_range(item, key_range),
                    "`target-sps` is an SPS release or a list of them, e.g. `\"6.0\"` or \
                     `[\"6.0\", \"9.0\"]`",
                ),
            },
            _ => s.problems.push(Problem {
                range: key_range,
                kind: ProblemKind::UnknownKey(key.to_string()),
                message: String::new(),
            }),
        }
    }
}

pub(super) fn item_range(item: &Item, fallback: TextRange) -> TextRange {
    item.span()
        .map_or(fallback, |r| TextRange::new(r.start, r.end))
}

pub(super) fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A list of strings (an element that is not one is reported and left
/// out); anything else is reported and read as no list at all.
pub(super) fn strings(
    key: &str,
    item: &Item,
    key_range: TextRange,
    s: &mut Settings,
) -> Option<Vec<Spanned>> {
    let Some(array) = item.as_array() else {
        s.invalid(
            item_range(item, key_range),
            &format!("`{key}` must be a list of strings, e.g. `[\"…\"]`"),
        );
        return None;
    };
    let mut out = Vec::new();
    for v in array.iter() {
        match v {
            Value::String(f) => out.push(Spanned {
                text: f.value().clone(),
                range: span(f.span()),
            }),
            other => s.invalid(
                span(other.span()),
                &format!("`{key}` must be a list of strings, and this is not a string"),
            ),
        }
    }
    Some(out)
}

pub(super) fn codes(
    key: &str,
    item: &Item,
    key_range: TextRange,
    s: &mut Settings,
) -> Option<Vec<Spanned>> {
    strings(key, item, key_range, s)
}
