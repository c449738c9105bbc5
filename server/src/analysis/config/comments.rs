//! The comment above an option against the code's reads of it:
//! `config/comment-differs` (required or optional; the values a
//! `getienum` accepts, both ways).

use super::*;
use crate::analysis::python::reads::{Getter, Read, Reads};

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
        values_differ(&comment, name, r)?
    };
    Some(Diagnostic::info(COMMENT_DIFFERS, key_range, message))
}

/// The values the comment above names against a `getienum`'s set, both
/// ways: values the code accepts that the comment leaves out (when it names
/// at least two of them, so it means to list them), and values it names in
/// a list with the code's that `getienum` rejects.
fn values_differ(comment: &str, name: &str, r: &Read) -> Option<String> {
    let set: Vec<String> = r
        .value_set
        .as_ref()?
        .iter()
        .map(|v| v.to_lowercase())
        .collect();
    let list = |vs: &[&String]| {
        vs.iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let named: Vec<&String> = set.iter().filter(|v| has_word(comment, v)).collect();
    let unnamed: Vec<&String> = set.iter().filter(|v| !has_word(comment, v)).collect();
    let mut rejected: Vec<String> = Vec::new();
    for run in value_lists(comment) {
        if run.iter().any(|w| set.contains(w)) {
            for w in run {
                if !set.contains(&w) && !rejected.contains(&w) {
                    rejected.push(w);
                }
            }
        }
    }
    let rejected: Vec<&String> = rejected.iter().collect();
    let missing = named.len() >= 2 && !unnamed.is_empty();
    match (rejected.is_empty(), missing) {
        (true, false) => None,
        (true, true) => Some(format!(
            "the comment above names {} as the values of `{name}`, but the plugin also accepts \
             {} (`{}` reads it with `getienum`): name every value the code accepts",
            list(&named),
            list(&unnamed),
            r.place()
        )),
        (false, _) => Some(format!(
            "the comment above names {} as {} of `{name}`, but the plugin's `getienum` \
             (`{}`) rejects {} with an error: it accepts {}",
            list(&rejected),
            if rejected.len() == 1 {
                "a value"
            } else {
                "values"
            },
            r.place(),
            if rejected.len() == 1 { "it" } else { "them" },
            list(&set.iter().collect::<Vec<_>>()),
        )),
    }
}

/// The lists of single words a comment names as alternatives: `a, b or c`,
/// `a | b`, `a/b`, quoted or not. A word followed by another word ends the
/// list before it ("explicit or leave it empty" names only `explicit`), so
/// prose is not taken for values.
fn value_lists(comment: &str) -> Vec<Vec<String>> {
    #[derive(PartialEq)]
    enum Token<'a> {
        Word(&'a str),
        Or,
        Stop,
    }
    let mut tokens = Vec::new();
    let bytes = comment.as_bytes();
    let mut i = 0;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            // A sentence's full stop is not part of the word.
            let word = comment[start..i].trim_end_matches('.');
            let ended = word.len() < i - start;
            tokens.push(if word == "or" {
                Token::Or
            } else {
                Token::Word(word)
            });
            if ended {
                tokens.push(Token::Stop);
            }
            continue;
        }
        match b {
            b',' | b'|' | b'/' => tokens.push(Token::Or),
            b'"' | b'\'' | b'`' | b' ' => {}
            _ => tokens.push(Token::Stop),
        }
        i += 1;
    }
    let mut lists = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut after_or = false;
    for (k, t) in tokens.iter().enumerate() {
        let next_is_word = matches!(tokens.get(k + 1), Some(Token::Word(_)));
        match t {
            Token::Word(w) if !next_is_word && (run.is_empty() || after_or) => {
                run.push(w.to_string());
                after_or = false;
            }
            Token::Or if !run.is_empty() => after_or = true,
            _ => {
                if run.len() >= 2 {
                    lists.push(std::mem::take(&mut run));
                }
                run.clear();
                after_or = false;
                // A word that starts a list may follow prose ("one of a or b").
                if let Token::Word(w) = t {
                    if !next_is_word {
                        run.push(w.to_string());
                    }
                }
            }
        }
    }
    if run.len() >= 2 {
        lists.push(run);
    }
    lists
}
