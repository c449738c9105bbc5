//! The SDK's own sections and options (`schemas/sdk-config.json`), for the
//! plugin type read from the MANIFEST beside the file:
//! `config/wrong-plugin-type-section`, `config/section-case`,
//! `config/unknown-option`, `config/proxy-enabled-ignored`,
//! `config/missing-option`; the value of a known option goes to
//! [`super::values`].

use super::*;
use crate::analysis::{did_you_mean, Diagnostic, Edit};
use crate::schema::config::{OptionSpec, Role, SectionSpec};
use crate::syntax::ini::{is_py_space, Entry, Header, Section};
use crate::text::TextRange;

/// What the SDK makes of a section header: the section's spec when the SDK
/// reads it, and a diagnostic when it reads it under another name or for
/// another plugin type.
pub(crate) fn section_role<'s>(
    h: &Header,
    plugin_type: Option<&str>,
    out: &mut Vec<Diagnostic>,
) -> Option<&'s SectionSpec> {
    if h.is_default() {
        return None;
    }
    match crate::schema::config::role(h.name, plugin_type) {
        Role::Sdk(spec) => Some(spec),
        Role::OtherType(spec) => {
            out.push(Diagnostic::warning(
                WRONG_PLUGIN_TYPE_SECTION,
                h.name_range,
                format!(
                    "`[{}]` is read by the SDK only in `type: {}` plugins, and this plugin is \
                     `type: {}`: remove the section, or check the MANIFEST's type",
                    h.name,
                    spec.plugin_types.join("`/`"),
                    plugin_type.unwrap_or("?")
                ),
            ));
            None
        }
        Role::WrongCase(_, right) => {
            out.push(
                Diagnostic::warning(
                    SECTION_CASE,
                    h.name_range,
                    format!(
                        "section names are case-sensitive: the SDK reads `[{right}]`, not `[{}]`",
                        h.name
                    ),
                )
                .with_fix(
                    format!("Rename to `[{right}]`"),
                    vec![Edit::new(h.name_range, right.clone())],
                ),
            );
            None
        }
        Role::Plugin => None,
    }
}

/// What the SDK says about an option of its section `spec` (called
/// `section` in the text): not read there, read only elsewhere, or a value
/// of the wrong type. The flag is true when the finding is about the value.
pub(crate) fn option(
    text: &str,
    section: &str,
    spec: &SectionSpec,
    e: &Entry,
) -> Option<(Diagnostic, bool)> {
    match spec.option(&e.name) {
        None => Some((unknown_option(spec, e), false)),
        Some(opt) if !opt.only_in.is_empty() && !opt.only_in.iter().any(|n| n == section) => {
            Some((proxy_enabled_ignored(e.key_range, section, opt), true))
        }
        Some(opt) => typed_value(text, e, opt).map(|d| (d, true)),
    }
}

fn unknown_option(spec: &SectionSpec, e: &Entry) -> Diagnostic {
    let known = spec.options.iter().map(|o| o.name.as_str());
    match did_you_mean(&e.name, known) {
        Some(m) => Diagnostic::warning(
            UNKNOWN_OPTION,
            e.key_range,
            format!(
                "the SDK reads no option `{}` in `{}`; did you mean `{m}`?",
                e.key,
                spec.display()
            ),
        )
        .with_fix(format!("Change to `{m}`"), vec![Edit::new(e.key_range, m)]),
        None => Diagnostic::info(
            UNKNOWN_OPTION,
            e.key_range,
            format!(
                "the SDK reads no option `{}` in `{}` (it reads {}): fine if the plugin reads it \
                 itself",
                e.key,
                spec.display(),
                option_list(spec)
            ),
        ),
    }
}

fn proxy_enabled_ignored(at: TextRange, section: &str, opt: &OptionSpec) -> Diagnostic {
    let only = opt
        .only_in
        .iter()
        .map(|n| format!("`[{n}]`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::warning(
        PROXY_ENABLED_IGNORED,
        at,
        format!(
            "the SDK reads `{}` only from {only}, never from `[{section}]`, so this setting has \
             no effect: move it to {only}",
            opt.name
        ),
    )
}

/// The type check of a value, as a diagnostic with its fix.
fn typed_value(text: &str, e: &Entry, opt: &OptionSpec) -> Option<Diagnostic> {
    let p = values::problem(opt, &e.value)?;
    // One diagnostic for an inline comment that spoils a typed value.
    if let Some(at) = traps::inline_comment_at(text, e) {
        let before = text[e.value_range.start..at].trim_end_matches(is_py_space);
        if values::problem(opt, before).is_none() {
            let comment = &text[at..e.value_range.end];
            return Some(
                Diagnostic::new(
                    p.code,
                    p.severity,
                    e.value_range,
                    format!(
                        "`{}` is not a valid `{}`: configparser has no inline comments, so `{}` \
                         is part of the value; move the comment to its own line",
                        short(&e.value),
                        e.key,
                        short(comment)
                    ),
                )
                // Whatever the code, the value is left as written.
                .with_fix_as(
                    crate::analysis::Applicability::Safe,
                    "Move the comment to its own line",
                    traps::move_comment(text, e, at),
                ),
            );
        }
    }
    let mut d = Diagnostic::new(p.code, p.severity, whole_value(e), p.message);
    if let Some(r) = p.replacement {
        d = d.with_fix(
            format!("Change to `{r}`"),
            vec![Edit::new(whole_value(e), r)],
        );
    }
    Some(d)
}

/// A required option is missing from an SDK section that sets others.
pub(crate) fn missing_options(
    text: &str,
    s: &Section,
    spec: &SectionSpec,
    out: &mut Vec<Diagnostic>,
) {
    let Some(h) = &s.header else { return };
    if s.entries.is_empty() {
        return;
    }
    for o in spec.options.iter().filter(|o| o.required) {
        if s.entry(&o.name).is_none() {
            out.push(
                Diagnostic::warning(
                    MISSING_OPTION,
                    h.name_range,
                    format!(
                        "`[{}]` sets options but not `{}`, without which the SDK ignores the \
                         section: add `{}=`",
                        h.name, o.name, o.name
                    ),
                )
                .with_fix(
                    format!("Add `{}=`", o.name),
                    vec![Edit::new(
                        TextRange::empty(line_end(text, h.range.end)),
                        format!("\n{}=", o.name),
                    )],
                ),
            );
        }
    }
}

fn option_list(spec: &SectionSpec) -> String {
    spec.options
        .iter()
        .map(|o| format!("`{}`", o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An SDK section that the SDK of the MANIFEST's `api` does not read yet
/// (`[https-proxy]` before 1.4, which read only `[https_proxy]`).
pub(crate) fn section_needs_newer_api(
    h: &Header,
    spec: &SectionSpec,
    api: Option<(u64, u64)>,
) -> Option<Diagnostic> {
    let api = api?;
    let since = crate::schema::config::section_since(h.name)?;
    if api >= since {
        return None;
    }
    let older = spec
        .names()
        .filter(|n| *n != h.name)
        .find(|n| crate::schema::config::section_since(n).is_some_and(|s| s <= api));
    let d = Diagnostic::warning(
        SECTION_NEEDS_NEWER_API,
        h.name_range,
        format!(
            "the SDK reads `[{}]` from api {}.{} on, and the MANIFEST says {}.{}, so an SPS of that \
             API ignores the section{}",
            h.name,
            since.0,
            since.1,
            api.0,
            api.1,
            match older {
                Some(o) => format!(": write `[{o}]`, which it reads, or raise `api`"),
                None => ": raise `api`".to_string(),
            }
        ),
    );
    Some(match older {
        Some(o) => d.with_fix(
            format!("Rename to `[{o}]`"),
            vec![Edit::new(h.name_range, o)],
        ),
        None => d,
    })
}
