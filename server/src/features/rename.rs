//! Renaming a section or option of the plugin's configuration everywhere
//! the plugin names it: its lines in default.cfg and `default.cfg.plugin`,
//! the string of every getter call that reads it, and the place a read
//! takes the name from when the call does not spell it (a module constant,
//! a parameter's default). What cannot be renamed safely is refused with
//! the reason: a name the SDK reads, or a read whose name comes from
//! somewhere this cannot follow (the read would fall back to its default).

use std::path::PathBuf;
use std::sync::Arc;

use super::python::names::{self, ConfigName};
use crate::analysis::python::reads::Read;
use crate::analysis::Context;
use crate::schema::config::{role, Role};
use crate::text::TextRange;
use crate::workspace::DocKind;

/// One edit of a rename, in the file it is in.
#[derive(Clone, Debug)]
pub struct FileEdit {
    pub path: PathBuf,
    /// The file's text, for the protocol layer's positions.
    pub text: Arc<str>,
    pub range: TextRange,
    pub new_text: String,
}

/// What `offset` names and the range of that name in the document, or why
/// it cannot be renamed.
pub fn prepare(
    kind: DocKind,
    text: &str,
    offset: usize,
    cx: &Context,
) -> Result<(TextRange, ConfigName), String> {
    let (range, name) = match kind {
        DocKind::Config => {
            let (section, option) = super::config::code::name_at(text, offset)
                .ok_or("not on a section or an option")?;
            let name = ConfigName { section, option };
            let range = super::config::code::places(text, &name.section, name.option.as_deref())
                .into_iter()
                .find(|r| r.touches(offset))
                .ok_or("not on a section or an option")?;
            (range, name)
        }
        DocKind::Python => {
            let name = names::at(text, offset, cx)
                .ok_or("not on the section or option of a configuration read")?;
            let range = names::occurrences(&name, cx)
                .into_iter()
                .find(|t| t.path == cx.path && t.range.touches(offset))
                .map(|t| inner(&t.text, t.range))
                .ok_or("not on the section or option of a configuration read")?;
            (range, name)
        }
        DocKind::Manifest | DocKind::Settings => {
            return Err("only sections and options of the configuration are renamed".into())
        }
    };
    if let Role::Sdk(spec) = role(&name.section, cx.plugin().plugin_type.as_deref()) {
        match &name.option {
            None => {
                return Err(format!(
                    "the SDK reads `[{}]` under this name: it cannot be renamed",
                    name.section
                ))
            }
            Some(o) if spec.named_option(o).is_some() => {
                return Err(format!(
                    "the SDK reads `{o}` of `[{}]` under this name: it cannot be renamed",
                    name.section
                ))
            }
            Some(_) => {}
        }
    }
    if name.option.is_some() && !cx.files.is_detached() {
        let reads = crate::analysis::python::reads::of_plugin(cx.files, &cx.plugin().folder);
        if let Some(data) = reads
            .iter()
            .flat_map(|r| &r.reads)
            .find(|r| r.by_sdk.is_none() && r.section == name.section && r.option.is_none())
        {
            return Err(format!(
                "`{}` reads the options of `[{}]` as data (their names are values to the code): rename it by hand",
                data.place(),
                name.section
            ));
        }
    }
    Ok((range, name))
}

/// Every edit that renames what `offset` names to `new_name`.
pub fn rename(
    kind: DocKind,
    text: &str,
    offset: usize,
    new_name: &str,
    cx: &Context,
) -> Result<Vec<FileEdit>, String> {
    let (_, name) = prepare(kind, text, offset, cx)?;
    check_new_name(&name, new_name)?;
    let mut edits: Vec<FileEdit> = Vec::new();
    let mut push = |path: PathBuf, text: Arc<str>, range: TextRange| {
        if !edits.iter().any(|e| e.path == path && e.range == range) {
            edits.push(FileEdit {
                path,
                text,
                range,
                new_text: new_name.to_string(),
            });
        }
    };
    // The configuration files, and every read that spells the name.
    for t in names::occurrences(&name, cx) {
        let range = if t.path.extension().is_some_and(|e| e == "py") {
            inner(&t.text, t.range)
        } else {
            t.range
        };
        push(t.path, t.text, range);
    }
    // Reads that take the name from elsewhere: its source, or a refusal.
    let folder = cx.plugin().folder.clone();
    if let Some(reads) = crate::analysis::python::reads::of_plugin(cx.files, &folder) {
        if !reads.complete {
            return Err(
                "the plugin's code has syntax errors: fix them first, so that no read is missed"
                    .into(),
            );
        }
        for r in reads.reads.iter().filter(|r| {
            r.by_sdk.is_none()
                && r.section == name.section
                && (name.option.is_none() || r.option == name.option)
        }) {
            let Some(file_text) = cx.files.read(&r.path) else {
                continue;
            };
            let file_text: Arc<str> = Arc::from(file_text);
            if spelt_in_call(&file_text, r, &name) {
                continue;
            }
            match source_of(&file_text, r, &name) {
                Some(range) => push(r.path.clone(), file_text, range),
                None => {
                    return Err(format!(
                        "`{}` reads {} through a name this cannot follow: rename it there by hand",
                        r.place(),
                        match &name.option {
                            Some(o) => format!("`{o}`"),
                            None => format!("`[{}]`", name.section),
                        }
                    ))
                }
            }
        }
    }
    edits.sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    Ok(edits)
}

/// A new name configparser and Python read back as written.
fn check_new_name(name: &ConfigName, new: &str) -> Result<(), String> {
    let what = if name.option.is_some() {
        "an option"
    } else {
        "a section"
    };
    let bad = new.is_empty()
        || new.trim() != new
        || new.contains(['\n', '\r', '"', '\'', '\\', '%'])
        || match name.option {
            Some(_) => new.contains(['=', ':']) || new.starts_with(['[', ';', '#']),
            None => new.contains(']') || new == "DEFAULT",
        };
    if bad {
        return Err(format!(
            "`{new}` cannot be the name of {what} in default.cfg and a Python string"
        ));
    }
    Ok(())
}

/// The inside of a string literal's range (without its quotes).
fn inner(text: &str, range: TextRange) -> TextRange {
    let s = &text[range.start..range.end];
    let quoted = s.len() >= 2
        && (s.starts_with('"') && s.ends_with('"') || s.starts_with('\'') && s.ends_with('\''));
    if quoted {
        TextRange::new(range.start + 1, range.end - 1)
    } else {
        range
    }
}

/// Whether the read's call spells the renamed name as a string.
fn spelt_in_call(text: &str, r: &Read, name: &ConfigName) -> bool {
    let call = &text[r.range.start..r.range.end.min(text.len())];
    match &name.option {
        Some(_) => r.option_range.is_some_and(|o| inner(text, o) != o),
        None => ['"', '\'']
            .iter()
            .any(|q| call.contains(&format!("{q}{}{q}", name.section))),
    }
}

/// Where a read that does not spell the name takes it from: the string of
/// a module constant, or of a parameter's default, named by the call's
/// argument.
fn source_of(text: &str, r: &Read, name: &ConfigName) -> Option<TextRange> {
    let call = &text[r.range.start..r.range.end.min(text.len())];
    let args = &call[call.find('(')? + 1..];
    let arg = match &name.option {
        None => args.split(',').next()?,
        Some(_) => args.split(',').nth(1)?,
    }
    .trim();
    let wanted = name.option.as_deref().unwrap_or(&name.section);
    let ident = arg.rsplit('.').next()?;
    if ident.is_empty() || !ident.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let ix = crate::analysis::python::cache::index(&r.path, text);
    // A module constant of this file: `SECTION = "duo"`.
    if let Some(c) = ix
        .constants
        .iter()
        .chain(ix.classes.iter().flat_map(|c| &c.attributes))
        .find(|c| c.name == ident && c.value.as_deref() == Some(wanted))
    {
        // The constant's range is its name; the value follows on its line.
        let line_end = crate::text::line_end(text, c.range.end);
        return literal_in(text, TextRange::new(c.range.end, line_end), wanted);
    }
    // A parameter's default of the function around the read.
    let functions = ix
        .functions
        .iter()
        .chain(ix.classes.iter().flat_map(|c| &c.methods));
    if let Some(f) = functions
        .filter(|f| f.range.start <= r.range.start && r.range.end <= f.range.end)
        .max_by_key(|f| f.range.start)
    {
        if f.params.iter().any(|p| p.name == ident && p.has_default) {
            let header_end = text[f.name_range.end..]
                .find("):")
                .map_or(f.range.end, |i| f.name_range.end + i);
            let header = TextRange::new(f.name_range.end, header_end);
            let h = &text[header.start..header.end];
            let mut from = 0;
            while let Some(i) = h[from..].find(ident) {
                let at = from + i;
                let rest = h[at + ident.len()..].trim_start();
                let before_ok =
                    at == 0 || !h[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                if before_ok && rest.starts_with('=') {
                    let lit_start = header.start + h.len() - rest.len() + 1;
                    return literal_in(text, TextRange::new(lit_start, header.end), wanted);
                }
                from = at + ident.len();
            }
        }
    }
    None
}

/// The inside of the first string literal `wanted` in `range`.
fn literal_in(text: &str, range: TextRange, wanted: &str) -> Option<TextRange> {
    let s = &text[range.start..range.end.min(text.len())];
    ['"', '\''].iter().find_map(|q| {
        let lit = format!("{q}{wanted}{q}");
        s.find(&lit)
            .map(|i| TextRange::new(range.start + i + 1, range.start + i + 1 + wanted.len()))
    })
}
