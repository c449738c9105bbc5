//! The configuration file checked (`settings/…`): what `crate::settings`
//! could not read, and the codes and SPS releases it names that do not
//! exist. Nothing in it crashes or is guessed: a setting that cannot be
//! read is reported where it is written and left out.

use std::path::Path;

use super::codes::{self, settings as code};
use super::{did_you_mean, Context, Diagnostic, Edit, Severity};
use crate::schema::sps;
use crate::settings::{self, Level, ProblemKind, Settings, KEYS};

pub fn check(text: &str, cx: &Context) -> Vec<Diagnostic> {
    let pyproject = cx.path.file_name().is_some_and(|n| n == "pyproject.toml");
    let Some(s) = settings::parse(text, pyproject) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in &s.problems {
        out.push(match &p.kind {
            ProblemKind::Syntax => Diagnostic::error(
                code::SYNTAX,
                p.range,
                format!(
                    "TOML cannot read this: {}; until it can, no setting of the file applies",
                    p.message
                ),
            ),
            ProblemKind::TooLarge => Diagnostic::error(
                code::SYNTAX,
                p.range,
                format!(
                    "{}, so it is not read: no setting of the file applies",
                    p.message
                ),
            ),
            ProblemKind::UnknownKey(key) => {
                let mut d = Diagnostic::warning(
                    code::UNKNOWN_KEY,
                    p.range,
                    format!(
                        "`{key}` is not a setting of sps-plugin-ls, which ignores it (the settings \
                         are {})",
                        KEYS.join(", ")
                    ),
                );
                if let Some(m) = did_you_mean(key, KEYS) {
                    d.message = format!("{}; did you mean `{m}`?", d.message);
                    d = d.with_fix(format!("Rename to `{m}`"), vec![Edit::new(p.range, m)]);
                }
                d
            }
            ProblemKind::InvalidValue => {
                Diagnostic::error(code::INVALID_VALUE, p.range, p.message.clone())
            }
            ProblemKind::InvalidGlob => Diagnostic::error(
                code::INVALID_GLOB,
                p.range,
                format!("{}; it is left out", p.message),
            ),
        });
    }
    for c in s.code_refs().filter(|c| !codes::is_known(&c.text)) {
        let mut d = Diagnostic::warning(
            code::UNKNOWN_CODE,
            c.range,
            format!(
                "`{}` is neither a diagnostic code nor a family of them, so it selects nothing",
                c.text
            ),
        );
        if let Some(m) = did_you_mean(&c.text, codes::selectors()) {
            d.message = format!("{}; did you mean `{m}`?", d.message);
            let written = &text[c.range.start..c.range.end];
            let quote = if written.starts_with('\'') { "'" } else { "\"" };
            let quoted = written.starts_with(['"', '\'']);
            let new = if quoted {
                format!("{quote}{m}{quote}")
            } else {
                m.to_string()
            };
            d = d.with_fix(format!("Change to `{m}`"), vec![Edit::new(c.range, new)]);
        }
        out.push(d);
    }
    for t in &s.target_sps {
        if sps::release(&t.text).is_none() {
            let known: Vec<&str> = sps::releases().iter().map(|r| r.sps.as_str()).collect();
            out.push(Diagnostic::warning(
                code::UNKNOWN_SPS_RELEASE,
                t.range,
                format!(
                    "sps-plugin-ls does not know which plugin API SPS `{}` has, so it is not \
                     checked against; the releases it knows are {}",
                    t.text,
                    known.join(", ")
                ),
            ));
        }
    }
    out
}

/// The diagnostics the configuration keeps for the file at `path`, at the
/// severity it gives them.
pub fn apply(s: &Settings, path: &Path, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if s.select.is_none()
        && s.extend_select.is_empty()
        && s.ignore.is_empty()
        && s.per_file_ignores.is_empty()
        && s.severity.is_empty()
    {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter(|d| s.enabled(d.code.id, path))
        .map(|mut d| {
            if let Some(level) = s.severity(d.code.id) {
                d.severity = match level {
                    Level::Error => Severity::Error,
                    Level::Warning => Severity::Warning,
                    Level::Info => Severity::Info,
                    Level::Hint => Severity::Hint,
                };
            }
            d
        })
        .collect()
}
