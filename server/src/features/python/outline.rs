//! The outline of a plugin's `.py` file: its classes with their methods
//! (the hooks SPS or the SDK calls marked), its functions, and what the
//! file reads of the plugin's configuration, section by section.

use crate::analysis::python::index;
use crate::analysis::Context;
use crate::features::{Symbol, SymbolKind};
use crate::schema::hooks;
use crate::text::TextRange;

pub fn symbols(text: &str, cx: &Context) -> Vec<Symbol> {
    // The cached index: the code rules made it for this very text.
    let ix = crate::analysis::python::cache::index(cx.path, text);
    let mut out: Vec<Symbol> = Vec::new();
    for class in &ix.classes {
        let bases: Vec<&str> = class.bases.iter().map(|(b, _)| b.as_str()).collect();
        let type_hooks = bases.iter().find_map(|b| {
            hooks::get()
                .type_of_base(b.rsplit('.').next().unwrap_or(b))
                .map(|(_, h)| h)
        });
        let children = class
            .methods
            .iter()
            .map(|m| {
                let detail = type_hooks.and_then(|h| {
                    if h.hooks.iter().any(|x| x.name == m.name) {
                        Some(format!("hook: {} calls it", h.base_short()))
                    } else if h.raw_hooks.iter().any(|x| x.name == m.name) {
                        Some("SPS calls it".to_string())
                    } else {
                        None
                    }
                });
                function(m, detail, SymbolKind::Method)
            })
            .collect();
        out.push(Symbol {
            name: class.name.clone(),
            detail: (!bases.is_empty()).then(|| bases.join(", ")),
            kind: SymbolKind::Class,
            range: class.range,
            selection: class.name_range,
            children,
        });
    }
    out.extend(
        ix.functions
            .iter()
            .map(|f| function(f, None, SymbolKind::Function)),
    );
    out.extend(reads(cx));
    out.sort_by_key(|s| s.range.start);
    out
}

fn function(f: &index::Function, detail: Option<String>, kind: SymbolKind) -> Symbol {
    Symbol {
        name: f.name.clone(),
        detail,
        kind,
        range: f.range,
        selection: f.name_range,
        children: Vec::new(),
    }
}

/// A symbol per section this file reads, its options as children:
/// `[my_plugin]` > `timeout` (`integer, default 15`).
fn reads(cx: &Context) -> Vec<Symbol> {
    if cx.files.is_detached() {
        return Vec::new();
    }
    let Some(reads) = crate::analysis::python::reads::of_plugin(cx.files, &cx.plugin().folder)
    else {
        return Vec::new();
    };
    let mut sections: Vec<Symbol> = Vec::new();
    for r in reads
        .reads
        .iter()
        .filter(|r| r.path == cx.path && r.by_sdk.is_none())
    {
        let name = format!("[{}]", r.section);
        let option = Symbol {
            name: r.option.clone().unwrap_or_else(|| "(every option)".into()),
            detail: Some(r.getter.type_name().to_string()),
            kind: SymbolKind::Key,
            range: r.range,
            selection: r.option_range.unwrap_or(r.range),
            children: Vec::new(),
        };
        match sections.iter_mut().find(|s| s.name == name) {
            Some(s) => {
                s.range = TextRange::new(
                    s.range.start.min(r.range.start),
                    s.range.end.max(r.range.end),
                );
                s.children.push(option);
            }
            None => sections.push(Symbol {
                name,
                detail: Some("read from the configuration".into()),
                kind: SymbolKind::Section,
                range: r.range,
                selection: r.range,
                children: vec![option],
            }),
        }
    }
    sections
}

/// Folds for the classes, methods and functions that span lines.
pub fn folding(text: &str) -> Vec<crate::features::Fold> {
    let ix = index::index(text);
    let mut ranges: Vec<TextRange> = Vec::new();
    for class in &ix.classes {
        ranges.push(class.range);
        ranges.extend(class.methods.iter().map(|m| m.range));
    }
    ranges.extend(ix.functions.iter().map(|f| f.range));
    ranges.sort_by_key(|r| r.start);
    ranges
        .into_iter()
        .filter(|r| {
            text[r.start..r.end.min(text.len())]
                .trim_end()
                .contains('\n')
        })
        .map(|r| crate::features::Fold {
            start: r.start,
            end: r.start + text[r.start..r.end.min(text.len())].trim_end().len(),
        })
        .collect()
}

/// Each import of one of the plugin's own modules leads to its file.
pub fn links(text: &str, cx: &Context) -> Vec<crate::features::Link> {
    if cx.files.is_detached() {
        return Vec::new();
    }
    let folder = cx.plugin().folder.clone();
    let Ok(rel) = cx.path.strip_prefix(&folder) else {
        return Vec::new();
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let module = crate::analysis::python::module_name(&rel);
    // The package a relative import starts from.
    let package: Vec<&str> = if rel.ends_with("__init__.py") {
        module.split('.').collect()
    } else {
        module
            .split('.')
            .rev()
            .skip(1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    };
    let ix = crate::analysis::python::cache::index(cx.path, text);
    let mut out = Vec::new();
    for import in &ix.imports {
        let mut parts: Vec<&str> = if import.level == 0 {
            Vec::new()
        } else {
            let keep = package.len().checked_sub(import.level as usize - 1);
            match keep {
                Some(k) => package[..k].to_vec(),
                None => continue,
            }
        };
        parts.extend(import.module.split('.').filter(|p| !p.is_empty()));
        if parts.is_empty() {
            continue;
        }
        let base = parts.iter().fold(folder.clone(), |p, part| p.join(part));
        let target = [base.with_extension("py"), base.join("__init__.py")]
            .into_iter()
            .find(|p| cx.files.is_file(p));
        if let Some(target) = target {
            out.push(crate::features::Link {
                range: import.module_range,
                target,
            });
        }
    }
    out
}
