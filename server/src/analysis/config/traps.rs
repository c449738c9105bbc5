//! Traps: text configparser accepts that silently changes what the plugin
//! reads. `config/inline-comment`, `config/swallowed-line`,
//! `config/placeholder`, `config/credential-store-missing`,
//! `config/section-not-hostname`.

use super::*;
use crate::analysis::{Diagnostic, Edit};
use crate::schema::config::{sdk, SectionSpec};
use crate::syntax::ini::{is_py_space, Entry, Ini, Section};
use crate::text::TextRange;

/// `; comment` after a value, which configparser keeps in the value.
pub(crate) fn inline_comment(text: &str, e: &Entry) -> Option<Diagnostic> {
    let at = inline_comment_at(text, e)?;
    let comment = &text[at..e.value_range.end];
    Some(
        Diagnostic::warning(
            INLINE_COMMENT,
            TextRange::new(at, e.value_range.end),
            format!(
                "configparser has no inline comments: `{}` is part of the value of `{}`; move \
                 the comment to its own line",
                short(comment),
                e.key
            ),
        )
        .with_fix(
            "Move the comment to its own line",
            move_comment(text, e, at),
        ),
    )
}

/// A `<placeholder>` of the template left in a set value.
pub(crate) fn placeholder(e: &Entry) -> Option<Diagnostic> {
    let (start, end) = placeholder_span(&e.value)?;
    Some(
        Diagnostic::warning(
            PLACEHOLDER,
            value_span(e, start, end),
            format!(
                "`{}` is a placeholder of the template: replace it with a real value, or \
                 comment the line out again with `;`",
                &e.value[start..end]
            ),
        )
        .with_fix(
            "Comment the line out",
            vec![Edit::new(TextRange::empty(e.range.start), "; ")],
        ),
    )
}

/// Continuation lines that look like an option or a section header.
pub(crate) fn swallowed_lines(
    text: &str,
    s: &Section,
    spec: Option<&SectionSpec>,
    e: &Entry,
    out: &mut Vec<Diagnostic>,
) {
    let pem = e.value.starts_with("-----BEGIN");
    for line_range in &e.continuations {
        let line = &text[line_range.start..line_range.end];
        let what = if looks_like_header(line) {
            format!("the section header `{line}`")
        } else if !pem && looks_like_option(line, spec, s) {
            format!("the option `{}`", short(line))
        } else {
            continue;
        };
        let line_start = text[..line_range.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &text[e.indent.start..e.indent.end];
        out.push(
            Diagnostic::warning(
                SWALLOWED_LINE,
                *line_range,
                format!(
                    "this line is indented deeper than `{}`, so configparser adds it to that \
                     value instead of reading {what}: remove the indentation",
                    e.key
                ),
            )
            .with_fix(
                "Remove the indentation",
                vec![Edit::new(
                    TextRange::new(line_start, line_range.start),
                    indent,
                )],
            ),
        );
    }
}

/// The `name` of `[credential_store]`, which `$` values are looked up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Store {
    Named,
    NoSection,
    /// No `name=` line; `header_end` is where one could go, `template`
    /// whether a commented-out `; name=` stands for it.
    NoName {
        header_end: usize,
        template: bool,
    },
    /// `name=` is empty or a placeholder.
    Empty,
}

impl Store {
    pub(crate) fn of(text: &str, ini: &Ini) -> Store {
        let mut sections = ini.named("credential_store").peekable();
        let Some(first) = sections.peek().copied() else {
            return Store::NoSection;
        };
        let mut template = false;
        for s in sections {
            if let Some(e) = s.entry("name") {
                if e.value.is_empty() || placeholder_span(&e.value).is_some() {
                    return Store::Empty;
                }
                return Store::Named;
            }
            template |= s.templates().any(|(_, t)| t.name == "name");
        }
        Store::NoName {
            header_end: first
                .header
                .as_ref()
                .map_or(0, |h| line_end(text, h.range.end)),
            template,
        }
    }

    /// The store as a commented-out `$` option sees it: a store that is
    /// itself still to be filled in (a commented-out or empty `name`) is
    /// taken as set, since the user fills in both.
    pub(crate) fn for_templates(self) -> Store {
        match self {
            Store::NoName { template: true, .. } | Store::Empty => Store::Named,
            store => store,
        }
    }
}

/// `$` without a credential store to look it up in.
pub(crate) fn credential_store_missing(
    text: &str,
    at: TextRange,
    store: Store,
) -> Option<Diagnostic> {
    let problem = match store {
        Store::Named => return None,
        Store::NoSection => "there is no `[credential_store]` section naming it",
        Store::NoName { .. } => "`[credential_store]` sets no `name`",
        Store::Empty => "`[credential_store] name` is empty",
    };
    let d = Diagnostic::warning(
        CREDENTIAL_STORE_MISSING,
        at,
        format!(
            "`$` fetches the value from the local Credential Store, but {problem}, so the \
             plugin fails when it reads this option: set `[credential_store] name`"
        ),
    );
    Some(match store {
        Store::NoSection => {
            let newline = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            d.with_fix(
                "Add a `[credential_store]` section",
                vec![Edit::new(
                    TextRange::empty(text.len()),
                    format!("{newline}\n[credential_store]\nname=\n"),
                )],
            )
        }
        Store::NoName { header_end, .. } => d.with_fix(
            "Add `name=` to `[credential_store]`",
            vec![Edit::new(TextRange::empty(header_end), "\nname=")],
        ),
        _ => d,
    })
}

/// A section holding `$` values must be named like a host.
pub(crate) fn section_not_hostname(s: &Section) -> Option<Diagnostic> {
    let h = s.header.as_ref()?;
    if h.is_default() || is_hostname(h.name) {
        return None;
    }
    let first = s.entries.iter().find(|e| e.value == "$")?;
    let mut d = Diagnostic::warning(
        SECTION_NOT_HOSTNAME,
        h.name_range,
        format!(
            "`$` values are looked up in the credential store with the section name as host \
             name, and `{}` is not a valid host name (letters, digits and `-`)",
            h.name
        ),
    )
    .with_related(first.value_range, format!("`$` for `{}`", first.key));
    let renamed = h.name.replace('_', "-");
    if renamed != h.name && is_hostname(&renamed) {
        let plugin_too = if sdk().section(&renamed).is_some() {
            ""
        } else {
            " (and where the plugin reads it)"
        };
        d.message
            .push_str(&format!(": rename it to `[{renamed}]`{plugin_too}"));
        d = d.with_fix(
            format!("Rename to `[{renamed}]`"),
            vec![Edit::new(h.name_range, renamed)],
        );
    } else {
        d.message.push_str(": rename it");
    }
    Some(d)
}

/// A template placeholder such as `<name-of-policy>` in a value: `<` at the
/// start or after a space, `,`, `=`, `[` or `(`, and `>` at the end or before
/// one of them (so `(?P<name>...)` in a regex is not one).
pub(crate) fn placeholder_span(v: &str) -> Option<(usize, usize)> {
    let b = v.as_bytes();
    let mut from = 0;
    while let Some(open) = v[from..].find('<').map(|p| p + from) {
        from = open + 1;
        if open > 0 && !matches!(b[open - 1], b' ' | b'\t' | b',' | b'=' | b'[' | b'(') {
            continue;
        }
        let close = v[open + 1..].find(['>', '<', '\n'])? + open + 1;
        if b[close] != b'>' {
            continue;
        }
        let inner = &v[open + 1..close];
        let after_ok =
            close + 1 == b.len() || matches!(b[close + 1], b' ' | b'\t' | b',' | b']' | b')');
        if after_ok && inner.len() <= 80 && inner.chars().any(|c| c.is_alphabetic()) {
            return Some((open, close + 1));
        }
    }
    None
}

/// Where an inline comment starts in the first line of an entry's value:
/// `;` or `#` after whitespace.
pub(crate) fn inline_comment_at(text: &str, e: &Entry) -> Option<usize> {
    let r = e.value_range;
    if r.is_empty() {
        return None;
    }
    let v = &text[r.start..r.end];
    // `;` or `#` whose previous character (or, first, the gap after the
    // delimiter) is a space.
    v.bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b';' | b'#'))
        .find(|&(i, _)| match v[..i].chars().next_back() {
            None => r.start > e.delimiter_range.end,
            Some(c) => is_py_space(c),
        })
        .map(|(i, _)| r.start + i)
}

/// Edits that move the inline comment at `at` to a line of its own above.
pub(crate) fn move_comment(text: &str, e: &Entry, at: usize) -> Vec<Edit> {
    let comment = &text[at..e.value_range.end];
    let cut_from = text[e.value_range.start..at]
        .trim_end_matches(is_py_space)
        .len()
        + e.value_range.start;
    let indent = &text[e.indent.start..e.indent.end];
    vec![
        Edit::new(
            TextRange::empty(e.indent.start),
            format!("{indent}{comment}\n"),
        ),
        Edit::new(TextRange::new(cut_from, e.value_range.end), ""),
    ]
}

fn looks_like_header(line: &str) -> bool {
    line.len() > 2
        && line.starts_with('[')
        && line.ends_with(']')
        && !line[1..line.len() - 1].contains(['[', ']'])
}

/// `name=value` or, for a name the SDK knows, `name: value`.
fn looks_like_option(line: &str, spec: Option<&SectionSpec>, s: &Section) -> bool {
    let Some(d) = line.find(['=', ':']) else {
        return false;
    };
    let key = line[..d].trim_end();
    let value = line[d + 1..].trim_start();
    let ident = !key.is_empty()
        && key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ident || value.starts_with('=') {
        return false;
    }
    let lower = key.to_ascii_lowercase();
    let known = spec.is_some_and(|sp| sp.named_option(&lower).is_some())
        || s.templates().any(|(_, t)| t.name == lower);
    match &line[d..d + 1] {
        "=" => !value.is_empty() || known,
        _ => known,
    }
}

/// A valid internet host name: dot-separated labels of letters, digits and
/// `-`, not starting or ending with `-`, at most 63 characters each.
pub(crate) fn is_hostname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert!(is_hostname("hashicorp-vault"));
        assert!(is_hostname("a.b-c.d1"));
        assert!(!is_hostname("https_proxy"));
        assert!(!is_hostname("-a"));
        assert!(!is_hostname("whitelist source=user_list"));
    }
}
