//! What the plugin's code reads (`analysis::python::reads`), as completion
//! and hover show it in default.cfg.

use std::sync::Arc;

use crate::analysis::python::reads::{self, Default, Getter, Read, Reads};
use crate::analysis::Context;

/// What the code of the plugin around the document reads (from the cached
/// file indexes), when there is code.
pub(super) fn reads_of(cx: &Context) -> Option<Arc<Reads>> {
    if cx.files.is_detached() {
        return None;
    }
    reads::of_plugin(cx.files, &cx.plugin().folder)
}

/// The plugin's own reads of an option (not the SDK's on its behalf).
pub(super) fn own<'r>(r: &'r Reads, section: &'r str, option: &'r str) -> Vec<&'r Read> {
    r.of(section, option).collect()
}

/// `integer, default 60, required`.
pub(super) fn summary(rs: &[&Read]) -> String {
    let Some(first) = rs.first() else {
        return String::new();
    };
    let mut parts = vec![first.getter.type_name().to_string()];
    if let Some(set) = &first.value_set {
        parts[0] = format!("one of {}", set.join(", "));
    }
    if let Some(d) = first.ini_default() {
        parts.push(if d.is_empty() {
            "default empty".to_string()
        } else {
            format!("default {d}")
        });
    } else if first.default == Default::Unknown {
        parts.push("default set in code".to_string());
    }
    if rs.iter().any(|r| r.required) {
        parts.push("required".to_string());
    }
    parts.join(", ")
}

/// Markdown for an option the code reads: type, default, required, and
/// the lines that read it.
pub(crate) fn markdown(section: &str, option: &str, rs: &[&Read]) -> Option<String> {
    let first = rs.first()?;
    let mut md = format!("**{option}** in `[{section}]` — read by the plugin's code\n\n");
    md.push_str(&format!(
        "- type: {} (`{}`)\n",
        first.getter.type_name(),
        first.getter.method()
    ));
    if let Some(set) = &first.value_set {
        md.push_str(&format!(
            "- values: {}\n",
            set.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match (&first.default, first.ini_default()) {
        (_, Some(d)) if d.is_empty() => md.push_str("- default: empty\n"),
        (_, Some(d)) => md.push_str(&format!("- default: `{d}`\n")),
        (Default::Unknown, None) => md.push_str("- default: computed by the code\n"),
        _ if first.getter == Getter::Options => {}
        _ => md.push_str("- default: none (`None`)\n"),
    }
    if rs.iter().any(|r| r.required) {
        md.push_str("- required (`required=True`)\n");
    }
    md.push_str("\nRead at ");
    let places: Vec<String> = rs
        .iter()
        .map(|r| match r.by_sdk {
            Some(by) => format!("`{}` (by `{by}`)", r.place()),
            None => format!("`{}`", r.place()),
        })
        .collect();
    md.push_str(&places.join(", "));
    md.push('.');
    Some(md)
}

/// Markdown for a plugin section the code reads: its options.
pub(crate) fn section_markdown(section: &str, r: &Reads) -> Option<String> {
    if !r.reads.iter().any(|x| x.section == section) {
        return None;
    }
    let mut md =
        format!("**[{section}]** — a section of the plugin itself\n\nThe plugin's code reads");
    if r.any_option(section) {
        md.push_str(" any option of it (names that are data)");
    }
    let options = r.options_in(section);
    if !options.is_empty() {
        md.push_str(":\n\n");
        for o in options {
            let rs = own(r, section, o);
            md.push_str(&format!("- `{o}`: {}\n", summary(&rs)));
        }
    } else {
        md.push('.');
    }
    Some(md)
}

/// From an option (set or commented out) or a section header of default.cfg
/// to the code that reads it: the plugin's own first read, else the SDK
/// call that reads it.
pub(crate) fn definition(
    text: &str,
    offset: usize,
    cx: &Context,
) -> Option<crate::features::Target> {
    references(text, offset, cx).into_iter().next()
}

/// Every read of the option (set or commented out) or the section at
/// `offset`: the plugin's own reads first, then the SDK calls that read it,
/// each in the order of the code files.
pub(crate) fn references(text: &str, offset: usize, cx: &Context) -> Vec<crate::features::Target> {
    let Some((section, option)) = name_at(text, offset) else {
        return Vec::new();
    };
    let Some(r) = reads_of(cx) else {
        return Vec::new();
    };
    let mut all: Vec<&Read> = r
        .reads
        .iter()
        .filter(|x| x.section == section && (option.is_none() || x.option == option))
        .collect();
    all.sort_by_key(|x| x.by_sdk.is_some());
    let mut texts: std::collections::HashMap<&std::path::Path, std::sync::Arc<str>> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for read in all {
        let text = match texts.get(read.path.as_path()) {
            Some(t) => t.clone(),
            None => {
                let Some(t) = cx.files.read(&read.path) else {
                    continue;
                };
                let t: std::sync::Arc<str> = std::sync::Arc::from(t);
                texts.insert(&read.path, t.clone());
                t
            }
        };
        out.push(crate::features::Target {
            path: read.path.clone(),
            range: read.option_range.unwrap_or(read.range),
            text,
        });
    }
    out
}

/// After a commented-out option whose documented default differs from the
/// code's, the code's (the case of `config/default-differs`).
pub(crate) fn inlay_hints(text: &str, cx: &Context) -> Vec<crate::features::InlayHint> {
    let Some(r) = reads_of(cx) else {
        return Vec::new();
    };
    let ini = crate::syntax::ini::parse(text);
    let mut out = Vec::new();
    for section in &ini.sections {
        let Some(h) = &section.header else { continue };
        for (_, t) in section.templates() {
            let Some(d) = crate::analysis::config::default_differs(h.name, t, &r) else {
                continue;
            };
            let Some(code) = d.fixes.first().and_then(|f| f.edits.first()) else {
                continue;
            };
            let shown = if code.new_text.is_empty() {
                "empty".to_string()
            } else {
                code.new_text.clone()
            };
            out.push(crate::features::InlayHint {
                offset: t.value_range.end,
                label: format!("code: {shown}"),
                tooltip: d.message.clone(),
            });
        }
    }
    out
}

/// The section, and the option when the cursor is on one (set or a
/// commented template line), at `offset` of a configuration file.
pub(crate) fn name_at(text: &str, offset: usize) -> Option<(String, Option<String>)> {
    let ini = crate::syntax::ini::parse_around(text, offset, offset);
    let section = ini.section_at(offset)?;
    let h = section.header.as_ref()?;
    let option = if h.name_range.touches(offset) {
        None
    } else if let Some(e) = section.entries.iter().find(|e| e.key_range.touches(offset)) {
        Some(e.name.to_string())
    } else {
        let (_, t) = section
            .templates()
            .find(|(_, t)| t.key_range.touches(offset))?;
        Some(t.name.to_string())
    };
    Some((h.name.to_string(), option))
}

/// Where a configuration file names the section, or the option of it:
/// every header of that section, or the option's key in each (set or a
/// commented template line).
pub(crate) fn places(
    text: &str,
    section: &str,
    option: Option<&str>,
) -> Vec<crate::text::TextRange> {
    let ini = crate::syntax::ini::parse(text);
    let mut out = Vec::new();
    for s in ini.named(section) {
        match option {
            None => out.extend(s.header.as_ref().map(|h| h.name_range)),
            Some(o) => {
                out.extend(
                    s.entries
                        .iter()
                        .filter(|e| e.name == o)
                        .map(|e| e.key_range),
                );
                out.extend(
                    s.templates()
                        .filter(|(_, t)| t.name == o)
                        .map(|(_, t)| t.key_range),
                );
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}
