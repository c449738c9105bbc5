//! default.cfg against the code that reads it ([`Reads`]):
//! `config/unread-section`, `config/unread-option`,
//! `config/missing-required`, `config/empty-required`,
//! `config/default-differs`; the value of an option the code reads with a
//! typed getter goes to [`super::values`], as an SDK option's does.
//! Nothing is said of what is not read while the code has a syntax error or
//! reads a section it names only at run time.

use super::*;
use crate::analysis::did_you_mean;
use crate::analysis::python::reads::{Default, Getter, Read, Reads, Val};
use crate::schema::config::{sdk as sdk_data, Invalid, OptionSpec, OptionType, Role};
use crate::syntax::ini::py_lower;

/// Whether the section belongs to the plugin (the SDK does not read it
/// under this name for any plugin type).
pub(crate) fn is_plugin_section(h: &ini::Header, plugin_type: Option<&str>) -> bool {
    if h.is_default() {
        return false;
    }
    // While the MANIFEST's type is unknown (empty, misspelt mid-edit), an
    // SDK section of some type may be the SDK's: nothing is said of it
    // until the type is known.
    let sdk_of_some_type = || {
        sdk_data().section(h.name).is_some() || sdk_data().section_ignoring_case(h.name).is_some()
    };
    matches!(
        crate::schema::config::role(h.name, plugin_type),
        Role::Plugin
    ) && (plugin_type.is_some() || !sdk_of_some_type())
}

/// Whether the code says nothing is unread: it parsed and names every
/// section it reads.
fn knows_all(reads: &Reads) -> bool {
    reads.complete && !reads.any_section
}

/// A plugin section that neither the SDK nor the code reads.
pub(crate) fn unread_section(
    h: &ini::Header,
    has_entries: bool,
    reads: &Reads,
    plugin_type: Option<&str>,
) -> Option<Diagnostic> {
    if !knows_all(reads) || reads.reads_section(h.name) {
        return None;
    }
    let sdk_names = sdk_data()
        .sections
        .iter()
        .filter(|s| s.applies_to(plugin_type) && s.name_pattern.is_none())
        .flat_map(|s| s.names());
    let known: Vec<&str> = reads.sections().into_iter().chain(sdk_names).collect();
    Some(match did_you_mean(h.name, known.iter().copied()) {
        Some(m) => Diagnostic::warning(
            UNREAD_SECTION,
            h.name_range,
            format!(
                "neither the SDK nor the plugin's code reads `[{}]`; did you mean `[{m}]`?",
                h.name
            ),
        )
        .with_fix(
            format!("Rename to `[{m}]`"),
            vec![Edit::new(h.name_range, m)],
        ),
        None => Diagnostic::warning(
            UNREAD_SECTION,
            h.name_range,
            format!(
                "neither the SDK nor the plugin's code reads `[{}]`: {}",
                h.name,
                if has_entries {
                    "its options change nothing"
                } else {
                    "its commented-out options would change nothing once set"
                }
            ),
        ),
    })
}

/// An option (`key` as written, `name` lower-cased) of a read plugin
/// section that the code never reads.
pub(crate) fn unread_option(
    section: &str,
    key: &str,
    name: &str,
    key_range: TextRange,
    reads: &Reads,
) -> Option<Diagnostic> {
    if !knows_all(reads) || !reads.reads_section(section) || reads.reads_option(section, name) {
        return None;
    }
    let known = reads.options_in(section);
    Some(match did_you_mean(name, known.iter().copied()) {
        Some(m) => Diagnostic::warning(
            UNREAD_OPTION,
            key_range,
            format!("the plugin never reads `{key}` in `[{section}]`; did you mean `{m}`?"),
        )
        .with_fix(format!("Change to `{m}`"), vec![Edit::new(key_range, m)]),
        None => Diagnostic::warning(
            UNREAD_OPTION,
            key_range,
            format!(
                "the plugin never reads `{key}` in `[{section}]`: setting it changes nothing{}",
                listed(&known)
            ),
        ),
    })
}

fn listed(known: &[&str]) -> String {
    if known.is_empty() || known.len() > 12 {
        return String::new();
    }
    format!(
        " (it reads {})",
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The option's type as the code's getter sees it, for [`values::problem`].
fn spec_of(r: &Read) -> Option<OptionSpec> {
    let (ty, values) = match r.getter {
        Getter::Boolean => (OptionType::Boolean, Vec::new()),
        Getter::Int => (OptionType::Int, Vec::new()),
        Getter::Float => (OptionType::Float, Vec::new()),
        Getter::Ienum => (
            OptionType::Enum,
            r.value_set
                .as_ref()?
                .iter()
                .map(|v| py_lower(v).into_owned())
                .collect(),
        ),
        Getter::Key | Getter::Certificate | Getter::CaCertificate => (OptionType::Pem, Vec::new()),
        Getter::Get | Getter::List | Getter::Options => return None,
    };
    Some(OptionSpec {
        name: r.option.clone()?,
        ty,
        values,
        case_sensitive: false,
        invalid: Invalid::Error,
        default: r.ini_default(),
        example: None,
        required: r.required,
        dollar_allowed: r.getter != Getter::CaCertificate,
        trusted_ca_list: r.getter == Getter::CaCertificate,
        only_in: Vec::new(),
        description: String::new(),
    })
}

/// The first typed read of the option whose getter rejects the value: the
/// problem, with the read that rejects it named in the message.
pub(crate) fn value_problem(
    section: &str,
    name: &str,
    value: &str,
    reads: &Reads,
) -> Option<values::ValueProblem> {
    // When the plugin reads the option itself, its own getter decides: the
    // SDK's read (`use_credential` of `configuration_section=`) happens
    // only when the plugin asks for it.
    let own = reads.of(section, name).any(|r| r.by_sdk.is_none());
    reads
        .of(section, name)
        .filter(|r| !own || r.by_sdk.is_none())
        .find_map(|r| {
            // The SDK returns a value equal to the default unchanged, unchecked.
            if matches!(&r.default, Default::Known(Val::Str(d)) if d == value) {
                return None;
            }
            let spec = spec_of(r)?;
            let mut p = values::problem(&spec, value)?;
            // The SDK's read is made where the plugin calls into it (a
            // `super().__init__` line): name the SDK, not that line.
            p.message = match r.by_sdk {
                Some(by) => format!(
                    "{} (the SDK reads it with `{}`, because of `{by}`)",
                    p.message,
                    r.getter.method()
                ),
                None => format!(
                    "{} (`{}` reads it with `{}`)",
                    p.message,
                    r.place(),
                    r.getter.method()
                ),
            };
            Some(p)
        })
}

/// Whether some read of the option is by a getter that reads text (then
/// a template's `true` is no mistake).
pub(crate) fn read_as_text(section: &str, name: &str, reads: &Reads) -> bool {
    reads
        .of(section, name)
        .any(|r| matches!(r.getter, Getter::Get | Getter::List))
}

/// `client_id=` set empty where the code requires it.
pub(crate) fn empty_required(section: &str, e: &Entry, reads: &Reads) -> Option<Diagnostic> {
    if !e.value.is_empty() {
        return None;
    }
    let r = reads.of(section, &e.name).find(|r| r.required)?;
    Some(Diagnostic::warning(
        EMPTY_REQUIRED,
        e.key_range,
        format!(
            "`{}` is shipped empty, and `required=True` (`{}`) accepts the empty value, so the \
             plugin fails later, at the service: fill it in, or comment it out as `; {}=<value>`",
            e.key,
            r.place(),
            e.key
        ),
    ))
}

/// Required reads that the file neither sets nor documents.
pub(crate) fn missing_required(text: &str, ini: &Ini, reads: &Reads, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    // A read required whatever the configuration speaks for the option
    // before one required only under an `if` on another option.
    let mut required: Vec<&Read> = reads.reads.iter().filter(|r| r.required).collect();
    required.sort_by_key(|r| r.under.is_some());
    for r in required {
        let Some(option) = r.option.as_deref() else {
            continue;
        };
        if seen.contains(&(r.section.as_str(), option)) {
            continue;
        }
        seen.push((&r.section, option));
        let mut sections = ini.named(&r.section).peekable();
        let header = sections.peek().and_then(|s| s.header.as_ref()).cloned();
        let documented = ini
            .named(&r.section)
            .any(|s| s.entry(option).is_some() || s.templates().any(|(_, t)| t.name == option));
        if documented {
            continue;
        }
        let line = format!("; {option}=<{option}>");
        let (at, edit) = match &header {
            Some(h) => (
                h.name_range,
                Edit::new(
                    TextRange::empty(line_end(text, h.range.end)),
                    format!("\n{line}"),
                ),
            ),
            None => {
                let sep = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                (
                    TextRange::empty(0),
                    Edit::new(
                        TextRange::empty(text.len()),
                        format!("{sep}\n[{}]\n{line}\n", r.section),
                    ),
                )
            }
        };
        let whom = match r.by_sdk {
            Some(by) => format!("`{by}` at `{}`", r.place()),
            None => format!("`{}`", r.place()),
        };
        // Required only when another option says so: said as such, at
        // that option when the file has it.
        if let Some((s2, o2, literals)) = &r.under {
            let when = if literals.is_empty() {
                format!("depending on `[{s2}] {o2}`")
            } else {
                format!(
                    "when `[{s2}] {o2}` is {}",
                    literals
                        .iter()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            let at_option = ini.named(s2).find_map(|s| {
                s.entry(o2).map(|e| e.key_range).or_else(|| {
                    s.templates()
                        .find(|(_, t)| t.name == *o2)
                        .map(|(_, t)| t.key_range)
                })
            });
            out.push(
                Diagnostic::warning(
                    MISSING_REQUIRED,
                    at_option.unwrap_or(at),
                    format!(
                        "{when}, the plugin requires `[{}] {option}` ({whom} reads it with \
                         `required=True` under that condition), and this file neither sets nor \
                         documents it: add `{line}`",
                        r.section
                    ),
                )
                .with_fix(format!("Add `{line}`"), vec![edit]),
            );
            continue;
        }
        out.push(
            Diagnostic::warning(
                MISSING_REQUIRED,
                at,
                format!(
                    "the plugin requires `[{}] {option}` ({whom} reads it with `required=True`), \
                     and this file neither sets nor documents it: add `{line}`",
                    r.section
                ),
            )
            .with_fix(format!("Add `{line}`"), vec![edit]),
        );
    }
}

/// A documented default (a template's value) that differs from the code's,
/// when the code's default is a value (not empty, not `None`).
pub(crate) fn default_differs(
    section: &str,
    t: &ini::Template,
    reads: &Reads,
) -> Option<Diagnostic> {
    if t.value.is_empty() || !t.continuations.is_empty() || has_placeholder(&t.value) {
        return None;
    }
    let own: Vec<&Read> = reads
        .of(section, &t.name)
        .filter(|r| r.by_sdk.is_none())
        .collect();
    let mut defaults = own.iter().map(|r| {
        r.ini_default()
            .or_else(|| reads.defaults_value(section, &t.name).map(str::to_string))
            .map(|d| (d, *r))
    });
    let (code, r) = defaults.next()??;
    // Reads that disagree with each other say nothing.
    if defaults.any(|d| d.map(|d| d.0) != Some(code.clone())) {
        return None;
    }
    // An empty default (`getlist(..., '')`, `get(..., default="")`) makes
    // the option opt-in: the documented value is an example to copy, not a
    // claim about the default.
    if code.trim().is_empty() || same_value(r.getter, &t.value, &code) {
        return None;
    }
    let shown = format!("`{code}`");
    Some(
        Diagnostic::info(
            DEFAULT_DIFFERS,
            t.value_range,
            format!(
                "the documented default `{}` differs from the code's, {shown} (`{}`): when the \
                 option is not set the plugin uses {shown}",
                short(&t.value),
                r.place()
            ),
        )
        .with_fix(
            format!("Document {shown}"),
            vec![Edit::new(t.value_range, code)],
        ),
    )
}

/// `<...>` anywhere in a value (`https://host/<tenant-id>`): an example to
/// fill in, not a default.
fn has_placeholder(v: &str) -> bool {
    v.find('<').is_some_and(|open| {
        v[open + 1..].find('>').is_some_and(|close| {
            v[open + 1..open + 1 + close]
                .chars()
                .any(char::is_alphabetic)
        })
    })
}

/// Whether a documented value means the code's default for its getter.
fn same_value(getter: Getter, doc: &str, code: &str) -> bool {
    match getter {
        Getter::Boolean => {
            let b = |v: &str| match py_lower(v).as_ref() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            // A documented value the getter rejects is the value rule's.
            b(doc).is_none() || b(doc) == b(code)
        }
        Getter::Int => match (doc.parse::<i64>(), code.parse::<i64>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => true,
        },
        Getter::Float => match (doc.parse::<f64>(), code.parse::<f64>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => true,
        },
        Getter::Ienum => py_lower(doc) == py_lower(code),
        Getter::List => {
            let items = |v: &str| {
                v.split(',')
                    .map(|i| i.trim().to_string())
                    .collect::<Vec<_>>()
            };
            items(doc) == items(code)
        }
        Getter::Get => doc == code,
        _ => true,
    }
}

/// The plain comment lines right above line `line` of the section (up to a
/// blank line, an option or a template), as one lower-cased text.
fn comment_above(text: &str, s: &Section, line: usize) -> String {
    s.comment_lines_above(text, line).join(" ").to_lowercase()
}

/// Whether `word` appears in `text` as a word of its own.
fn has_word(text: &str, word: &str) -> bool {
    let word = word.to_lowercase();
    text.match_indices(&word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let edge =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        edge(before) && edge(after)
    })
}

/// The comment above an option against the code's reads of it: "required"
/// where the code reads it with a default, "optional" where it requires
/// it, some of a `getienum`'s values but not all.
pub(crate) fn comment_differs(
    text: &str,
    s: &Section,
    line: usize,
    section: &str,
    name: &str,
    key_range: TextRange,
    reads: &Reads,
) -> Option<Diagnostic> {
    let own: Vec<&Read> = reads
        .of(section, name)
        .filter(|r| r.by_sdk.is_none())
        .collect();
    if own.is_empty() {
        return None;
    }
    let comment = comment_above(text, s, line);
    if comment.is_empty() {
        return None;
    }
    let says_optional = comment.contains("optional")
        || comment.contains("not required")
        || comment.contains("not mandatory");
    // "required" said of the option, not "the required access policy".
    let says_required = !says_optional
        && (comment.starts_with("required")
            || [
                "mandatory",
                "must be set",
                "must be given",
                "is required",
                "(required)",
                "required.",
                "required:",
                "required,",
                "required;",
            ]
            .iter()
            .any(|w| comment.contains(w)));
    let code_default = own.iter().find_map(|r| {
        r.ini_default()
            .or_else(|| reads.defaults_value(section, name).map(str::to_string))
            .filter(|d| !d.is_empty())
            .map(|d| (d, *r))
    });
    let required = own.iter().find(|r| r.required && r.under.is_none());
    let message = if let (true, None, Some((d, r))) = (says_required, required, &code_default) {
        format!(
            "the comment above calls `{name}` required, but the plugin reads it with the \
             default `{d}` (`{}`): say that it defaults to `{d}`, or read it with \
             `required=True`",
            r.place()
        )
    } else if let (true, Some(r)) = (says_optional, required) {
        format!(
            "the comment above calls `{name}` optional, but the plugin reads it with \
             `required=True` (`{}`), and fails without it: say that it is required",
            r.place()
        )
    } else {
        let r = own
            .iter()
            .find(|r| r.getter == Getter::Ienum && r.value_set.is_some())?;
        let set = r.value_set.as_ref()?;
        let named: Vec<&String> = set.iter().filter(|v| has_word(&comment, v)).collect();
        let unnamed: Vec<&String> = set.iter().filter(|v| !has_word(&comment, v)).collect();
        if named.len() < 2 || unnamed.is_empty() {
            return None;
        }
        let list = |vs: &[&String]| {
            vs.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "the comment above names {} as the values of `{name}`, but the plugin also accepts \
             {} (`{}` reads it with `getienum`): name every value the code accepts",
            list(&named),
            list(&unnamed),
            r.place()
        )
    };
    Some(Diagnostic::info(COMMENT_DIFFERS, key_range, message))
}

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

/// `client_id=` shipped set and empty where the code tests the value with
/// `is None`: the empty string is set, so the test never fires.
pub(crate) fn empty_not_none(section: &str, e: &Entry, reads: &Reads) -> Option<Diagnostic> {
    if !e.value.is_empty() {
        return None;
    }
    let r = reads
        .of(section, &e.name)
        .find(|r| r.none_tested && r.by_sdk.is_none())?;
    Some(Diagnostic::warning(
        EMPTY_NOT_NONE,
        e.key_range,
        format!(
            "`{}` is shipped set and empty, and the plugin tests what it reads with `is None` \
             (`{}`): configparser gives the empty string, never `None`, so that test never \
             fires; comment the line out as `; {}=<value>`",
            e.key,
            r.place(),
            e.key
        ),
    ))
}
