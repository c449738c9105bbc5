//! The configuration names in the plugin's code: the section or option a
//! getter call reads, at a place in a `.py` file, and every place the
//! plugin names it (default.cfg, `default.cfg.plugin`, the code's reads),
//! for references and highlights from either side.

use std::path::Path;
use std::sync::Arc;

use crate::analysis::python::reads::{self, Read, Reads};
use crate::analysis::Context;
use crate::features::Target;
use crate::text::TextRange;

/// A section, or an option of one, as configparser names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigName {
    pub section: String,
    pub option: Option<String>,
}

/// The plugin's reads, when it has code.
fn plugin_reads(cx: &Context) -> Option<Arc<Reads>> {
    if cx.files.is_detached() {
        return None;
    }
    reads::of_plugin(cx.files, &cx.plugin().folder)
}

/// The range of the section's string literal in a read's call, when the
/// call spells it there.
fn section_literal(text: &str, r: &Read) -> Option<TextRange> {
    let call = text.get(r.range.start..r.range.end)?;
    ['"', '\''].iter().find_map(|q| {
        let literal = format!("{q}{}{q}", r.section);
        call.find(&literal)
            .map(|i| TextRange::new(r.range.start + i, r.range.start + i + literal.len()))
    })
}

/// The name a getter call of this file reads at `offset`: its option
/// argument, or its section literal.
pub fn at(text: &str, offset: usize, cx: &Context) -> Option<ConfigName> {
    let reads = plugin_reads(cx)?;
    let mine = || {
        reads
            .reads
            .iter()
            .filter(|r| r.path == cx.path && r.by_sdk.is_none())
    };
    if let Some(r) = mine().find(|r| r.option_range.is_some_and(|o| o.touches(offset))) {
        return Some(ConfigName {
            section: r.section.clone(),
            option: Some(r.option.clone()?),
        });
    }
    let r = mine().find(|r| section_literal(text, r).is_some_and(|l| l.touches(offset)))?;
    Some(ConfigName {
        section: r.section.clone(),
        option: None,
    })
}

/// Every place the plugin names `name`: the configuration files first
/// (`default.cfg`, `default.cfg.plugin`, the instance configurations that
/// `instance-configs` names), then the code's reads in the order of its
/// files.
pub fn occurrences(name: &ConfigName, cx: &Context) -> Vec<Target> {
    let folder = cx.plugin().folder.clone();
    let mut out = Vec::new();
    let configs = ["default.cfg", "default.cfg.plugin"]
        .into_iter()
        .map(|file| folder.join(file))
        .chain(cx.plugin().instance_configs(cx.files, cx.settings()));
    for path in configs {
        let Some(text) = cx.files.read(&path) else {
            continue;
        };
        let text: Arc<str> = Arc::from(text);
        for range in
            crate::features::config::code::places(&text, &name.section, name.option.as_deref())
        {
            out.push(Target {
                path: path.clone(),
                range,
                text: text.clone(),
            });
        }
    }
    let Some(reads) = plugin_reads(cx) else {
        return out;
    };
    let mut texts: std::collections::HashMap<&Path, Arc<str>> = std::collections::HashMap::new();
    for r in reads.reads.iter().filter(|r| {
        r.by_sdk.is_none()
            && r.section == name.section
            && (name.option.is_none() || r.option == name.option)
    }) {
        let text = match texts.get(r.path.as_path()) {
            Some(t) => t.clone(),
            None => {
                let Some(t) = cx.files.read(&r.path) else {
                    continue;
                };
                let t: Arc<str> = Arc::from(t);
                texts.insert(&r.path, t.clone());
                t
            }
        };
        let range = match &name.option {
            Some(_) => r.option_range,
            None => section_literal(&text, r),
        };
        if let Some(range) = range {
            if !out.iter().any(|t| t.path == r.path && t.range == range) {
                out.push(Target {
                    path: r.path.clone(),
                    range,
                    text,
                });
            }
        }
    }
    out
}
