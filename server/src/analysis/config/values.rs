//! Value checks of the SDK's options, one function per type of
//! `schemas/sdk-config.json`: `config/invalid-boolean`, `config/invalid-int`,
//! `config/invalid-float`, `config/invalid-enum`, `config/invalid-pem`.

use super::*;
use crate::analysis::{did_you_mean, Severity};
use crate::schema::config::{sdk, Invalid, OptionSpec, OptionType};
use crate::syntax::ini;

/// What is wrong with a value for an option's type.
pub(crate) struct ValueProblem {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The value to write instead, when there is an obvious one.
    pub replacement: Option<String>,
}

impl ValueProblem {
    fn error(code: Code, message: String) -> ValueProblem {
        ValueProblem {
            code,
            severity: Severity::Error,
            message,
            replacement: None,
        }
    }
}

/// What is wrong with `value` (CPython's value, before the SDK's `$`
/// lookup) for the option's type.
pub(crate) fn problem(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    let p = unquoted_problem(opt, value)?;
    // `"gateway"`: configparser keeps quotes, so the value holds them.
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')));
    match inner {
        Some(inner) if !inner.is_empty() && unquoted_problem(opt, inner).is_none() => {
            Some(ValueProblem {
                message: format!(
                    "configparser keeps quotes, so `{}` reads `{}` with its quotes, which is not \
                     valid: write `{inner}` without them",
                    opt.name,
                    short(value)
                ),
                replacement: Some(inner.to_string()),
                ..p
            })
        }
        _ => Some(p),
    }
}

fn unquoted_problem(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    // Interpolated values and credential store lookups are checked where
    // they come from.
    if value.contains('%') || (value == "$" && opt.ty != OptionType::Pem) {
        return None;
    }
    let unescaped = if value == "$$" { "$" } else { value };
    match opt.ty {
        OptionType::String | OptionType::List => None,
        OptionType::Boolean => boolean(opt, unescaped),
        OptionType::Int => int(opt, unescaped),
        OptionType::Float => float(opt, unescaped),
        OptionType::Enum => one_of(opt, unescaped),
        OptionType::Pem => pem(opt, value, unescaped),
    }
}

fn boolean(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    let booleans = &sdk().booleans;
    if booleans.accepts(value) {
        return None;
    }
    let replacement = booleans.fix_for(value);
    Some(ValueProblem {
        replacement: replacement.map(str::to_string),
        ..ValueProblem::error(
            INVALID_BOOLEAN,
            format!(
                "{} is rejected for `{}`: SDK booleans are only {}{}",
                describe_value(value),
                opt.name,
                booleans.accepted_in_words(),
                replacement.map_or(String::new(), |r| format!("; write `{r}`"))
            ),
        )
    })
}

fn int(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    (!is_py_int(value)).then(|| {
        ValueProblem::error(
            INVALID_INT,
            format!(
                "`{}` is not an integer, which `{}` must be{}",
                short(value),
                opt.name,
                default_hint(opt)
            ),
        )
    })
}

fn float(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    (!is_py_float(value)).then(|| {
        ValueProblem::error(
            INVALID_FLOAT,
            format!(
                "`{}` is not a number, which `{}` must be{}",
                short(value),
                opt.name,
                default_hint(opt)
            ),
        )
    })
}

fn one_of(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    let valid = if opt.case_sensitive {
        opt.values.iter().any(|x| x == value)
    } else {
        let lower = ini::py_lower(value);
        opt.values.iter().any(|x| *x == *lower)
    };
    if valid {
        return None;
    }
    let suggestion = did_you_mean(value, opt.values.iter().map(String::as_str));
    let list = opt
        .values
        .iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (severity, effect) = match opt.invalid {
        Invalid::Error => (Severity::Error, ""),
        Invalid::Warning => (
            Severity::Warning,
            " (the SDK takes any other value as `false`)",
        ),
    };
    Some(ValueProblem {
        code: INVALID_ENUM,
        severity,
        message: format!(
            "{} is not valid for `{}`{effect}: write one of {list}{}",
            describe_value(value),
            opt.name,
            suggestion.map_or(String::new(), |m| format!("; did you mean `{m}`?"))
        ),
        replacement: suggestion.map(str::to_string),
    })
}

/// `raw` is the value as written, `value` with `$$` unescaped.
fn pem(opt: &OptionSpec, raw: &str, value: &str) -> Option<ValueProblem> {
    if value.is_empty() || value.contains("-----BEGIN") {
        return None;
    }
    if opt.trusted_ca_list && dollar_bracket(value) {
        return None;
    }
    if raw == "$" && opt.dollar_allowed {
        return None;
    }
    let mut accepted = vec!["PEM text with every line after the first indented"];
    if opt.dollar_allowed {
        accepted.push("`$`");
    }
    if opt.trusted_ca_list {
        accepted.push("`$[<trusted CA list name>]`");
    }
    Some(ValueProblem::error(
        INVALID_PEM,
        format!(
            "`{}` is not accepted for `{}`: write {}",
            short(value),
            opt.name,
            accepted.join(" or ")
        ),
    ))
}

/// A value of the plugin's own option that can only be meant as a boolean
/// (`true`, `false`): the SDK's `getboolean` rejects it. Only asked of
/// commented-out options, since the plugin may read a set one as text.
pub(crate) fn own_boolean(key: &str, value: &str) -> Option<ValueProblem> {
    let booleans = &sdk().booleans;
    if !booleans.is_unmistakable(value) {
        return None;
    }
    let write = booleans.fix_for(value)?;
    Some(ValueProblem {
        replacement: Some(write.to_string()),
        ..ValueProblem::error(
            TEMPLATE_OPTION,
            format!(
                "`{value}` is rejected if the plugin reads `{key}` with the SDK's getboolean, \
                 which accepts only {}: write `{write}`",
                booleans.accepted_in_words()
            ),
        )
    })
}

fn default_hint(opt: &OptionSpec) -> String {
    opt.default
        .as_ref()
        .map_or(String::new(), |d| format!(" (default `{d}`)"))
}

/// `$[name]` in the value of an option that is read, but not as CA
/// certificates: only `get_ca_certificate` looks a Trusted CA list up, so
/// every other getter gets the text as written.
pub(crate) fn trusted_ca_list_elsewhere(
    section: &str,
    e: &Entry,
    spec: Option<&SectionSpec>,
    reads: Option<&Reads>,
) -> Option<Diagnostic> {
    if !dollar_bracket(&e.value) {
        return None;
    }
    let sdk_opt = spec.and_then(|s| s.named_option(&e.name));
    if sdk_opt.is_some_and(|o| o.trusted_ca_list) {
        return None;
    }
    let code_reads: Vec<&crate::analysis::python::reads::Read> = reads
        .map(|r| r.of(section, &e.name).collect())
        .unwrap_or_default();
    if code_reads
        .iter()
        .any(|r| r.getter == crate::analysis::python::reads::Getter::CaCertificate)
    {
        return None;
    }
    let by = match (code_reads.first(), sdk_opt) {
        (Some(r), _) => format!("`{}` reads it with `{}`", r.place(), r.getter.method()),
        (None, Some(_)) => "the SDK reads it, not as CA certificates".to_string(),
        (None, None) => return None,
    };
    Some(Diagnostic::warning(
        TRUSTED_CA_LIST_ELSEWHERE,
        e.value_range,
        format!(
            "`$[<name>]` names a Trusted CA list only where CA certificates are read \
             (`get_ca_certificate`, `[tls] ca_cert`); {by}, so it gets `{}` as written",
            short(&e.value)
        ),
    ))
}

/// `$[name]` anywhere in the value (the SDK's `\$\[(.*)\]`).
fn dollar_bracket(v: &str) -> bool {
    v.find("$[").is_some_and(|p| v[p + 2..].contains(']'))
}

/// The first code point of each run of ten Unicode decimal digits
/// (category Nd, Unicode 14.0 as in CPython 3.11): what `int()` and
/// `float()` read as digits besides `0`-`9`. Other numeric characters
/// (superscripts, fractions, Roman numerals) are refused.
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// A value with every Unicode decimal digit written as its ASCII digit, as
/// CPython does before it parses a number.
fn ascii_digits(v: &str) -> String {
    v.chars()
        .map(|c| {
            let cp = c as u32;
            let zero = DECIMAL_ZEROS.partition_point(|&z| z <= cp);
            match zero.checked_sub(1).map(|i| DECIMAL_ZEROS[i]) {
                Some(z) if cp - z < 10 && !c.is_ascii() => char::from(b'0' + (cp - z) as u8),
                _ => c,
            }
        })
        .collect()
}

/// Python `int()` of a stripped string.
fn is_py_int(v: &str) -> bool {
    let v = ascii_digits(v);
    let digits = v.strip_prefix(['+', '-']).unwrap_or(&v);
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// Python `float()` of a stripped string.
fn is_py_float(v: &str) -> bool {
    let v = &ascii_digits(v);
    // Underscores are allowed between digits only.
    let b = v.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let between_digits =
                i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
            if !between_digits {
                return false;
            }
        }
    }
    let cleaned: String = v.chars().filter(|c| *c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return true;
    }
    unsigned
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
        && cleaned.parse::<f64>().is_ok()
}

/// How a message names a value: quoted, or "an empty value".
fn describe_value(value: &str) -> String {
    if value.is_empty() {
        "an empty value".to_string()
    } else {
        format!("`{}`", short(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_python() {
        for ok in ["1", "-1", "+1_000", "007"] {
            assert!(is_py_int(ok), "{ok}");
        }
        for bad in ["", "1.0", "_1", "1__0", "0x10", "1e3", "- 1"] {
            assert!(!is_py_int(bad), "{bad}");
        }
        for ok in ["1", "1.", ".5", "1e-3", "-Infinity", "nan", "1_0.5"] {
            assert!(is_py_float(ok), "{ok}");
        }
        for bad in ["", ".", "e3", "1_", "0x1p3", "1,5", "infinit"] {
            assert!(!is_py_float(bad), "{bad}");
        }
    }
}
