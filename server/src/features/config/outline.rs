//! default.cfg outline: document symbols and folding ranges.

use super::short;
use crate::analysis::python::reads::Reads;
use crate::features::{Fold, Symbol, SymbolKind};
use crate::schema::config::sdk;
use crate::syntax::ini::{self, Entry};
use crate::text::TextRange;

/// Sections and options; an option the plugin's code reads says where
/// (`read at lib/plugin.py:9`), a section the SDK reads says `SDK`.
pub(crate) fn symbols(text: &str, reads: Option<&Reads>) -> Vec<Symbol> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    for s in &ini.sections {
        let section = s.header.as_ref().map_or("", |h| h.name);
        let keys: Vec<Symbol> = s
            .entries
            .iter()
            .filter(|e| !e.key.is_empty())
            .map(|e| {
                let mut sym = entry_symbol(text, e);
                let read = reads.and_then(|r| r.of(section, &e.name).find(|r| r.by_sdk.is_none()));
                if let Some(read) = read {
                    let value = sym.detail.take().unwrap_or_default();
                    sym.detail = Some(format!("{value} · read at {}", read.place()));
                }
                sym
            })
            .collect();
        match &s.header {
            Some(h) => out.push(Symbol {
                name: format!("[{}]", h.name),
                detail: sdk().section(h.name).map(|_| "SDK".to_string()),
                kind: SymbolKind::Section,
                range: TextRange::new(h.range.start, s.range.end.max(h.range.end)),
                selection: h.name_range,
                children: keys,
            }),
            None => out.extend(keys),
        }
    }
    out
}

fn entry_symbol(text: &str, e: &Entry) -> Symbol {
    let first = &text[e.value_range.start..e.value_range.end];
    Symbol {
        name: e.key.to_string(),
        detail: Some(short(first)),
        kind: SymbolKind::Key,
        range: e.range,
        selection: e.key_range,
        children: Vec::new(),
    }
}

pub(crate) fn folding(text: &str) -> Vec<Fold> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    let multiline = |r: TextRange| text[r.start..r.end].contains('\n');
    for s in &ini.sections {
        if let Some(h) = &s.header {
            let r = TextRange::new(h.range.start, s.range.end);
            if s.range.end > h.range.end && multiline(r) {
                out.push(Fold {
                    start: r.start,
                    end: r.end,
                });
            }
        }
        for e in s.entries.iter().filter(|e| e.is_multiline()) {
            out.push(Fold {
                start: e.range.start,
                end: e.range.end,
            });
        }
    }
    out
}
