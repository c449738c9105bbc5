//! An instance configuration against the code that reads it
//! (`config/required-missing`): the administrator's configuration of a
//! plugin instance is what the plugin reads at run time, so an option the
//! code reads with `required=True` must be set there, and not empty. A
//! commented template line sets nothing. Every other rule is default.cfg's
//! ([`super::check`] with the instance flag).

use super::*;
use crate::analysis::python::reads::{Read, Reads};
use crate::syntax::ini::py_lower;

/// Whether the required read applies to this text: unconditional, or
/// under an `if` on another option whose value here is one of the
/// literals the code compares it with. `None` when that cannot be told
/// (the other option unset, or compared with no literal).
fn applies(ini: &Ini, r: &Read) -> Option<bool> {
    let Some((s2, o2, literals)) = &r.under else {
        return Some(true);
    };
    if literals.is_empty() {
        return None;
    }
    let value = value_of(ini, s2, o2)?;
    Some(
        literals
            .iter()
            .any(|l| *l == value.value || py_lower(l) == py_lower(&value.value)),
    )
}

/// The entry setting `[section] option` (a `[DEFAULT]` one counts: its
/// options are in every section).
fn value_of<'a, 't>(ini: &'a Ini<'t>, section: &'a str, option: &'a str) -> Option<&'a Entry<'t>> {
    ini.named(section)
        .chain(ini.named(ini::DEFAULT_SECTION))
        .find_map(|s| s.entry(option))
}

/// Options the code reads with `required=True` that the instance leaves
/// unset or sets empty.
pub(crate) fn required_missing(ini: &Ini, reads: &Reads, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut required: Vec<&Read> = reads.reads.iter().filter(|r| r.required).collect();
    required.sort_by_key(|r| r.under.is_some());
    for r in required {
        let Some(option) = r.option.as_deref() else {
            continue;
        };
        if seen.contains(&(r.section.as_str(), option)) || applies(ini, r) != Some(true) {
            continue;
        }
        seen.push((&r.section, option));
        // `defaults=` given to the base class stands in for a missing option.
        if reads.defaults_value(&r.section, option).is_some() {
            continue;
        }
        let whom = match r.by_sdk {
            Some(by) => format!("`{by}` at `{}`", r.place()),
            None => format!("`{}`", r.place()),
        };
        let when = match &r.under {
            Some((s2, o2, _)) => {
                let v = value_of(ini, s2, o2).map_or("", |e| e.value.as_ref());
                format!(" when `[{s2}] {o2}` is `{v}`")
            }
            None => String::new(),
        };
        match value_of(ini, &r.section, option) {
            Some(e) if e.value.is_empty() => out.push(Diagnostic::error(
                REQUIRED_MISSING,
                e.key_range,
                format!(
                    "`{}` is empty, and the plugin requires it ({whom} reads it with \
                     `required=True`{when}): `required=True` accepts the empty value, so the \
                     plugin fails later, at the service; fill it in",
                    e.key
                ),
            )),
            Some(_) => {}
            None => {
                let at = ini
                    .named(&r.section)
                    .next()
                    .and_then(|s| s.header.as_ref())
                    .map_or(TextRange::empty(0), |h| h.name_range);
                out.push(Diagnostic::error(
                    REQUIRED_MISSING,
                    at,
                    format!(
                        "the plugin requires `[{}] {option}` ({whom} reads it with \
                         `required=True`{when}), and this instance does not set it (a commented \
                         line sets nothing): the plugin fails with \
                         `RequiredConfigurationSettingNotFound`; set `{option}` in `[{}]`",
                        r.section, r.section
                    ),
                ));
            }
        }
    }
}
