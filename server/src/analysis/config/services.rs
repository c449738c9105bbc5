//! The SDK's services that read their own section only when the plugin
//! calls their factory (`RequestsTLS.from_config`,
//! `MemoryCache.from_config`): `[tls]` or `[memory-cache]` read by nothing,
//! or by a plugin-local copy of the service, whose reads then decide.

use super::code::knows_all;
use super::*;
use crate::analysis::python::reads::Reads;

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
    if reads
        .reads
        .iter()
        .any(|r| r.section == h.name && r.by_sdk.is_some())
    {
        return;
    }
    if !reads.reads_section(h.name) {
        out.push(Diagnostic::warning(
            UNREAD_SECTION,
            h.name_range,
            format!(
                "the SDK reads `[{}]` only in `{by}`, which this plugin never calls, and its own \
                 code never reads it: what the section sets does not happen; remove it, or \
                 make the code use `{by}`",
                h.name
            ),
        ));
        return;
    }
    // The plugin's own copy reads the section: its reads decide.
    if reads.any_option(h.name) {
        return;
    }
    let options = s
        .entries
        .iter()
        .map(|e| (e.key, &*e.name, e.key_range))
        .chain(
            s.templates()
                .filter(|(_, t)| !t.key_is_placeholder())
                .map(|(_, t)| (t.key, &*t.name, t.key_range)),
        );
    let mut seen: Vec<&str> = Vec::new();
    for (key, name, at) in options {
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
