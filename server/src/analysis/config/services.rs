//! The SDK's services that read their own section only when the plugin
//! calls their factory (`RequestsTLS.from_config`,
//! `MemoryCache.from_config`): `[tls]` or `[memory-cache]` read by nothing,
//! or by a plugin-local copy of the service, whose reads then decide.

use super::code::knows_all;
use super::*;
use crate::analysis::python::reads::{Read, Reads};

/// The SDK sections that only the SDK's `from_config` factories read, with
/// the factory: what they say happens only when the plugin calls it.
const FACTORY_SECTIONS: &[(&str, &str)] = &[
    ("tls", "RequestsTLS.from_config"),
    ("memory-cache", "MemoryCache.from_config"),
];

/// `[tls]` or `[memory-cache]` in a plugin that never calls the SDK's
/// factory: read by nothing, or only by the plugin's own code (its own
/// copy of the service), whose unread options change nothing.
pub(crate) fn factory_section(s: &Section, reads: &Reads, out: &mut Vec<Diagnostic>) {
    let Some(h) = &s.header else { return };
    let Some((_, by)) = FACTORY_SECTIONS.iter().find(|(n, _)| *n == h.name) else {
        return;
    };
    if !knows_all(reads) || (s.entries.is_empty() && s.templates().next().is_none()) {
        return;
    }
    let options: Vec<(&str, &str, TextRange)> = s
        .entries
        .iter()
        .map(|e| (e.key, &*e.name, e.key_range))
        .chain(
            s.templates()
                .filter(|(_, t)| !t.key_is_placeholder())
                .map(|(_, t)| (t.key, &*t.name, t.key_range)),
        )
        .collect();
    if reads
        .reads
        .iter()
        .any(|r| r.section == h.name && r.by_sdk.is_some())
    {
        // The SDK reads the section; an option the plugin also reads from a
        // look-alike section of its own is two settings under one name.
        let mut seen: Vec<&str> = Vec::new();
        for &(key, name, at) in &options {
            let Some(r) = own_look_alike(h.name, name, reads) else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            out.push(Diagnostic::warning(
                SDK_SECTION_LOOK_ALIKE,
                at,
                format!(
                    "the plugin reads its own `{key}` from `[{}]` (`{}`), not from the SDK's \
                     `[{}]`: here it sets only what `{by}` reads; if it is meant for the \
                     plugin's read, move it to `[{}]`",
                    r.section,
                    r.place(),
                    h.name,
                    r.section
                ),
            ));
        }
        return;
    }
    if !reads.reads_section(h.name) {
        let moved: Vec<String> = options
            .iter()
            .filter_map(|&(key, name, _)| {
                own_look_alike(h.name, name, reads)
                    .map(|r| format!("`{key}` from `[{}]` (`{}`)", r.section, r.place()))
            })
            .collect();
        let hint = if moved.is_empty() {
            format!("remove it, or make the code use `{by}`")
        } else {
            format!(
                "the plugin reads its own {}: move what it is meant for there",
                moved.join(", ")
            )
        };
        out.push(Diagnostic::warning(
            UNREAD_SECTION,
            h.name_range,
            format!(
                "the SDK reads `[{}]` only in `{by}`, which this plugin never calls, and its own \
                 code never reads it: what the section sets does not happen; {hint}",
                h.name
            ),
        ));
        return;
    }
    // The plugin's own copy reads the section: its reads decide.
    if reads.any_option(h.name) {
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for &(key, name, at) in &options {
        if seen.contains(&name) || reads.reads_option(h.name, name) {
            continue;
        }
        seen.push(name);
        out.push(Diagnostic::warning(
            UNREAD_OPTION,
            at,
            format!(
                "the plugin reads `[{}]` with its own code, not the SDK's `{by}`, and never \
                 reads `{key}`: setting it changes nothing (the SDK's meaning of it does not \
                 apply); make the code read it, or remove it",
                h.name
            ),
        ));
    }
}

/// The plugin's own read of `option` from a section whose name differs from
/// the SDK's `section` only in `_` for `-` or in case (`[memory_cache]`
/// beside `[memory-cache]`).
fn own_look_alike<'a>(section: &str, option: &str, reads: &'a Reads) -> Option<&'a Read> {
    let key = |s: &str| s.to_lowercase().replace('_', "-");
    reads.reads.iter().find(|r| {
        r.by_sdk.is_none()
            && r.section != section
            && r.option.as_deref() == Some(option)
            && key(&r.section) == key(section)
    })
}
