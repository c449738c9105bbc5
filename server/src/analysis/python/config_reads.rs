//! The rules on the plugin's reads of its configuration, seen from the
//! code: `python/undocumented-option` (a read whose option default.cfg
//! never documents, with a fix that documents it there) and
//! `python/default-rejected` (a literal default that is not of the
//! getter's type, which the SDK returns unchanged when the option is
//! absent), `python/unset-dereferenced` (the `None` of an unset option,
//! read without a default or `required=True`, used as a value).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::reads::{self, Default, Getter, Read, Val};
use super::PluginCode;
use crate::analysis::codes::python::{
    DEFAULT_REJECTED, UNBOUND_AFTER_COMPARISON, UNDOCUMENTED_OPTION, UNSET_DEREFERENCED,
};
use crate::analysis::{Diagnostic, Edit};
use crate::schema::config::sdk;
use crate::syntax::ini;
use crate::text::TextRange;
use crate::workspace::Files;

/// The configuration file the plugin documents its options in:
/// default.cfg, else the default.cfg.plugin pluginv builds it from.
fn documentation(files: &dyn Files, folder: &Path) -> Option<(PathBuf, String)> {
    ["default.cfg", "default.cfg.plugin"]
        .iter()
        .find_map(|name| {
            let path = folder.join(name);
            files.read(&path).map(|text| (path, text))
        })
}

pub fn check(
    files: &dyn Files,
    folder: &Path,
    manifest: &str,
    code: &PluginCode,
    out: &mut Vec<(PathBuf, Diagnostic)>,
) {
    let reads = reads::of_loaded(files, manifest, code);
    let mut calls: Vec<(&Path, TextRange)> = Vec::new();
    for r in reads.reads.iter().filter(|r| r.by_sdk.is_none()) {
        if let Some(d) = default_rejected(r) {
            out.push((r.path.clone(), d));
        }
        // One finding per call, however many options it may read.
        if !calls.contains(&(r.path.as_path(), r.range)) {
            if let Some(d) = unset_dereferenced(code, r) {
                calls.push((r.path.as_path(), r.range));
                out.push((r.path.clone(), d));
            }
        }
    }
    unbound_after_comparison(code, &reads.reads, out);
    let Some((cfg_path, cfg)) = documentation(files, folder) else {
        return;
    };
    let parsed = ini::parse(&cfg);
    let calls_ix = CallIndex::new(&reads.reads);
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    for r in reads.reads.iter().filter(|r| r.by_sdk.is_none()) {
        let Some(option) = r.option.as_deref() else {
            continue;
        };
        // The SDK's own options are documented by the SDK's template.
        if sdk()
            .section(&r.section)
            .is_some_and(|s| s.option(option).is_some())
        {
            continue;
        }
        let documented_in = |section: &str| {
            parsed
                .named(section)
                .any(|s| s.entry(option).is_some() || s.templates().any(|(_, t)| t.name == option))
        };
        // `get("a", o) or get("b", o)` is one setting with a fallback: it is
        // documented when either side is, and reported once, on its first.
        if documented_in(&r.section)
            || fallbacks(code, &calls_ix, r)
                .iter()
                .any(|o| documented_in(&o.section) || o.range.start < r.range.start)
        {
            continue;
        }
        let first = seen.insert((r.section.as_str(), option));
        let line = format!(
            "; {option}={}",
            r.ini_default()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("<{option}>"))
        );
        let mut d = Diagnostic::info(
            UNDOCUMENTED_OPTION,
            r.option_range.unwrap_or(r.range),
            format!(
                "`{option}` of `[{}]` is read here but default.cfg never documents it: add `{line}` \
                 to `[{}]` so that administrators know of it",
                r.section, r.section
            ),
        );
        // One fix per option, on its first read.
        if first {
            d = d.with_fix(
                "Document in default.cfg",
                vec![document_edit(&cfg_path, &cfg, &parsed, &r.section, &line)],
            );
        }
        out.push((r.path.clone(), d));
    }
}

/// The reads of the plugin by where their calls start and end in a file,
/// to find the call on the other side of an `or` in constant time.
pub(crate) struct CallIndex<'r> {
    by_start: HashMap<(&'r Path, usize), Vec<&'r Read>>,
    by_end: HashMap<(&'r Path, usize), Vec<&'r Read>>,
}

impl<'r> CallIndex<'r> {
    pub(crate) fn new(all: &'r [Read]) -> Self {
        let mut ix = CallIndex {
            by_start: HashMap::new(),
            by_end: HashMap::new(),
        };
        for r in all.iter().filter(|r| r.by_sdk.is_none()) {
            ix.by_start
                .entry((r.path.as_path(), r.range.start))
                .or_default()
                .push(r);
            ix.by_end
                .entry((r.path.as_path(), r.range.end))
                .or_default()
                .push(r);
        }
        ix
    }
}

/// The reads of the same option in another section that `r` falls back
/// to or from: the two calls joined by `or` (`get("a", o) or get("b", o)`).
pub(crate) fn fallbacks<'r>(
    code: &'r PluginCode,
    ix: &CallIndex<'r>,
    r: &'r Read,
) -> Vec<&'r Read> {
    let Some(text) = code
        .files
        .iter()
        .find(|f| f.path == r.path)
        .map(|f| &f.text)
    else {
        return Vec::new();
    };
    let blank = |c: char| c.is_whitespace() || c == '\\';
    let mut out: Vec<&Read> = Vec::new();
    // `r or other`
    if let Some(after) = text.get(r.range.end..) {
        let rest = after.trim_start_matches(blank);
        if let Some(rest) = rest.strip_prefix("or") {
            let other = rest.trim_start_matches(blank);
            if other.len() < rest.len() {
                let at = text.len() - other.len();
                out.extend(
                    ix.by_start
                        .get(&(r.path.as_path(), at))
                        .into_iter()
                        .flatten(),
                );
            }
        }
    }
    // `other or r`
    if let Some(before) = text.get(..r.range.start) {
        let rest = before.trim_end_matches(blank);
        if let Some(rest) = rest.strip_suffix("or") {
            let other = rest.trim_end_matches(blank);
            if other.len() < rest.len() {
                out.extend(
                    ix.by_end
                        .get(&(r.path.as_path(), other.len()))
                        .into_iter()
                        .flatten(),
                );
            }
        }
    }
    out.retain(|o| o.section != r.section && o.option == r.option);
    out
}

/// The edit that adds `line` to the section (after its header), or the
/// section with the line at the end of the file.
fn document_edit(path: &Path, text: &str, parsed: &ini::Ini, section: &str, line: &str) -> Edit {
    match parsed.named(section).next().and_then(|s| s.header.as_ref()) {
        Some(h) => {
            let at = crate::text::line_end(text, h.range.end);
            Edit::in_file(path, TextRange::empty(at), format!("\n{line}"))
        }
        None => {
            let sep = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            Edit::in_file(
                path,
                TextRange::empty(text.len()),
                format!("{sep}\n[{section}]\n{line}\n"),
            )
        }
    }
}

/// A literal default the getter returns unchanged, of another type than
/// the getter's values.
fn default_rejected(r: &Read) -> Option<Diagnostic> {
    let at = r.default_range?;
    let Default::Known(v) = &r.default else {
        return None;
    };
    if *v == Val::None {
        return None;
    }
    let problem = match (r.getter, v) {
        (Getter::Boolean, Val::Bool(_)) => return None,
        (Getter::Boolean, Val::Str(s)) => {
            let write = match ini::py_lower(s).as_ref() {
                "yes" | "true" | "on" | "1" => " (write `True`)",
                "no" | "false" | "off" | "0" | "" => " (write `False`)",
                _ => "",
            };
            format!(
                "`getboolean` returns its default unchanged when the option is not set, so this \
                 gives the text {} (which is {}), not a boolean{write}",
                v.python(),
                if s.is_empty() { "false" } else { "true" }
            )
        }
        (Getter::Boolean, _) => format!(
            "`getboolean` returns its default unchanged when the option is not set, so this gives \
             {}, not a boolean: write `True` or `False`",
            v.python()
        ),
        (Getter::Int, Val::Int(_)) | (Getter::Float, Val::Int(_) | Val::Float(_)) => return None,
        (Getter::Int | Getter::Float, _) => format!(
            "`{}` returns its default unchanged when the option is not set, so this gives {}, \
             not a number: write it without quotes",
            r.getter.method(),
            v.python()
        ),
        (Getter::Ienum, Val::Str(s)) => {
            let set = r.value_set.as_ref()?;
            if set.iter().any(|x| x == s) {
                return None;
            }
            format!(
                "`getienum` returns its default unchanged when the option is not set, and {} is \
                 not one of {}: the code gets a value it does not expect",
                v.python(),
                set.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        (Getter::List, Val::Str(_)) => return None,
        (Getter::List, _) => format!(
            "`getlist` splits its default on `,`, so {} fails with `AttributeError` when the \
             option is not set: write the default as one comma-separated string",
            v.python()
        ),
        _ => return None,
    };
    Some(Diagnostic::warning(DEFAULT_REJECTED, at, problem))
}

/// How the result of the call at `at` is used as a value that `None` is
/// not: `.split(...)` right after it, an operand of `+`, the right of `in`.
fn used_as_value(text: &str, at: TextRange) -> Option<String> {
    let after = text.get(at.end..)?.trim_start_matches([' ', '\t']);
    let before = text.get(..at.start)?.trim_end_matches([' ', '\t', '(']);
    if let Some(rest) = after.strip_prefix('.') {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            return Some(format!("`.{name}` on it raises `AttributeError`"));
        }
    }
    if (after.starts_with('+') && !after.starts_with("+="))
        || (before.ends_with('+') && !before.ends_with("++"))
    {
        return Some("`+` on it raises `TypeError`".into());
    }
    let word_in = before.strip_suffix("in").is_some_and(|b| {
        b.ends_with(|c: char| c.is_whitespace() || c == ')') && !b.trim_end().ends_with("not")
    });
    if word_in || before.ends_with("not in") {
        return Some("`in` on it raises `TypeError`".into());
    }
    None
}

/// A read with neither a default nor `required=True` whose result the code
/// uses as a value: an unset option gives `None` there, and the plugin
/// fails with an error that names neither the section nor the option.
fn unset_dereferenced(code: &PluginCode, r: &Read) -> Option<Diagnostic> {
    if r.required
        || !matches!(r.default, Default::Absent | Default::Known(Val::None))
        || matches!(r.getter, Getter::List | Getter::Options)
    {
        return None;
    }
    let option = r.option.as_deref()?;
    let file = code.files.iter().find(|f| f.path == r.path)?;
    let how = used_as_value(&file.text, r.range)?;
    let call = file.text.get(r.range.start..r.range.end)?;
    let close = r.range.end.checked_sub(1).filter(|_| call.ends_with(')'))?;
    let inside = call[..call.len() - 1].trim_end();
    let insert = if inside.ends_with(',') || inside.ends_with('(') {
        " required=True"
    } else {
        ", required=True"
    };
    Some(
        Diagnostic::warning(
            UNSET_DEREFERENCED,
            r.range,
            format!(
                "`{}` returns `None` when `[{}] {option}` is not set (no default, no \
                 `required=True`), so {how}, an error that names no setting: pass \
                 `required=True` (the SDK then says which setting is missing), or a default",
                r.getter.method(),
                r.section
            ),
        )
        .with_fix(
            "Pass `required=True`",
            vec![Edit::new(TextRange::empty(close), insert)],
        ),
    )
}

/// An option compared with literals in an `if`/`elif` chain that binds a
/// name only in its branches, the name used after the chain.
fn unbound_after_comparison(
    code: &PluginCode,
    reads: &[Read],
    out: &mut Vec<(PathBuf, Diagnostic)>,
) {
    for f in &code.files {
        for c in &f.index.literal_chains.chains {
            let Some(value) = c.subject_value else {
                continue;
            };
            let Some(r) = reads.iter().find(|r| {
                r.by_sdk.is_none()
                    && r.path == f.path
                    && r.option.is_some()
                    && value.start <= r.range.start
                    && r.range.end <= value.end
            }) else {
                continue;
            };
            // A getienum whose values the chain all handles leaves none over.
            if r.getter == Getter::Ienum
                && r.value_set.as_ref().is_some_and(|set| {
                    set.iter().all(|v| {
                        c.values
                            .iter()
                            .any(|x| ini::py_lower(x) == ini::py_lower(v))
                    })
                })
            {
                continue;
            }
            let option = r.option.as_deref().unwrap_or_default();
            let values = c
                .values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let tuple = c
                .values
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let tuple = if c.values.len() == 1 {
                format!("{tuple},")
            } else {
                tuple
            };
            let other = c.values[0].to_uppercase();
            let other = if other == c.values[0] {
                "a typo".to_string()
            } else {
                format!("`{other}`, a typo")
            };
            let line = f.line_of(c.use_at.start);
            out.push((
                f.path.clone(),
                Diagnostic::warning(
                    UNBOUND_AFTER_COMPARISON,
                    c.test,
                    format!(
                        "`{}` is bound only when `[{}] {option}` is {values}: any other value \
                         ({other}) leaves it unbound, and line {line} \
                         raises `UnboundLocalError`: read it with `getienum(\"{}\", \"{option}\", \
                         ({tuple}))`, which rejects other values naming the setting, or add an \
                         `else`",
                        c.var, r.section, r.section
                    ),
                ),
            ));
        }
    }
}
