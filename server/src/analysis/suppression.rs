//! Suppression comments, as ruff's `# noqa`: `# sps-plugin-ls: ignore[code,
//! …]` silences the named codes (or whole families, `config`) on one line,
//! `# sps-plugin-ls: ignore-file[…]` in the comment block at the top of a
//! file silences them in all of it (with no codes: every code). Where the
//! comment goes depends on the file:
//!
//! * MANIFEST (YAML): at the end of the line, or on its own line before it;
//! * default.cfg: on its own line (`#` or `;`) before the option or section,
//!   since configparser has no inline comments and anything after a value
//!   is part of it;
//! * Python: at the end of the line.
//!
//! Suppressions apply after every rule has run ([`apply`], called once by
//! [`super::analyze`]); one that suppresses nothing is reported as
//! `suppression/unused` so that stale ones do not pile up, one naming no
//! known code as `suppression/unknown-code`, a malformed one as
//! `suppression/invalid`. These three are never suppressed by comments (the
//! configuration file's `ignore` silences them).

use super::codes::{self, Code};
use super::{did_you_mean, Diagnostic, Edit};
use crate::text::{line_end, line_start, TextRange};

/// What every suppression comment starts with, after its `#`.
pub const MARKER: &str = "sps-plugin-ls:";

/// Where a file kind's suppression comments go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `#` at the end of the line or on its own line before it.
    Yaml,
    /// `#` or `;` on its own line before it.
    Ini,
    /// `#` at the end of the line.
    Python,
}

impl Style {
    fn is_comment_char(self, c: u8) -> bool {
        c == b'#' || (self == Style::Ini && c == b';')
    }

    /// Whether the line (without its break) is blank or only a comment.
    fn is_comment_or_blank(self, line: &str) -> bool {
        let t = line.trim_start_matches([' ', '\t']);
        t.trim_end().is_empty() || self.is_comment_char(t.as_bytes()[0])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Diagnostics starting on the line that starts at this offset.
    Line(usize),
    /// Every diagnostic of the file.
    File,
}

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// From the comment character to the end of `ignore[…]`.
    pub range: TextRange,
    /// What removing the whole comment deletes.
    pub removal: TextRange,
    /// Whether the comment sits on a line of its own.
    pub own_line: bool,
    pub scope: Scope,
    /// The codes named; none: every code.
    pub codes: Vec<Named>,
    /// Where a further code is inserted (before the `]`), if there is a
    /// list.
    pub list_end: Option<usize>,
    /// Why the comment is not a suppression, if it is not one.
    pub problem: Option<String>,
}

/// A code (or family) named in a suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub text: String,
    pub range: TextRange,
    /// What removing this one code from the list deletes.
    pub removal: TextRange,
}

impl Named {
    /// Whether this names `code`, or the family it belongs to.
    pub fn matches(&self, code: Code) -> bool {
        self.text == code.id || code.id.split('/').next() == Some(self.text.as_str())
    }

    pub fn is_known(&self) -> bool {
        codes::is_known(&self.text)
    }
}

/// Every suppression comment of a text.
pub fn directives(text: &str, style: Style) -> Vec<Directive> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let mut in_header = true;
    let mut start = 0;
    while start <= text.len() {
        let end = line_end(text, start);
        let line = &text[start..end];
        let next = match text[end..].find('\n') {
            Some(i) => end + i + 1,
            None => text.len() + 1,
        };
        let own_comment = style.is_comment_or_blank(line);
        if let Some(d) = directive(text, style, start, end, in_header && own_comment) {
            out.push(d);
        }
        in_header &= own_comment;
        start = next;
    }
    out
}

/// The suppression comment on the line `start..end`, if there is one.
fn directive(
    text: &str,
    style: Style,
    start: usize,
    end: usize,
    in_header: bool,
) -> Option<Directive> {
    let line = &text[start..end];
    let bytes = line.as_bytes();
    let content = line.len() - line.trim_start_matches([' ', '\t']).len();
    let mut from = 0;
    let (hash, marker) = loop {
        let at = from + line[from..].find(MARKER)?;
        from = at + MARKER.len();
        let before = line[..at].trim_end_matches([' ', '\t']);
        let Some(&c) = before.as_bytes().last() else {
            continue;
        };
        if !style.is_comment_char(c) {
            continue;
        }
        let hash = before.len() - 1;
        // In YAML a `#` starts a comment only after a space (or at the
        // start); in a default.cfg only a comment line is a comment.
        let is_comment = match style {
            Style::Yaml => hash == 0 || matches!(bytes[hash - 1], b' ' | b'\t'),
            Style::Ini => style.is_comment_or_blank(line),
            Style::Python => true,
        };
        if is_comment {
            break (hash, at);
        }
    };
    let own_line = style.is_comment_or_blank(line);
    let abs = |i: usize| start + i;
    let mut d = Directive {
        range: TextRange::new(abs(hash), end),
        removal: if content == hash {
            // The whole line, with its line break.
            let next = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
            TextRange::new(start, next)
        } else {
            let keep = line[..hash].trim_end_matches([' ', '\t']).len();
            TextRange::new(abs(keep), end)
        },
        own_line,
        scope: Scope::File,
        codes: Vec::new(),
        list_end: None,
        problem: None,
    };
    let body_start = marker + MARKER.len();
    let body = &line[body_start..];
    let skip = body.len() - body.trim_start_matches([' ', '\t']).len();
    let word_start = body_start + skip;
    let word = &line[word_start..];
    let (file, after) = if let Some(rest) = word.strip_prefix("ignore-file") {
        (true, rest)
    } else if let Some(rest) = word.strip_prefix("ignore") {
        (false, rest)
    } else {
        d.range.end = abs(word_start + word_len(word));
        d.problem = Some(format!(
            "`{MARKER}` must be followed by `ignore[code, …]` or `ignore-file`"
        ));
        return Some(d);
    };
    let mut cursor = line.len() - after.len();
    d.range.end = abs(cursor);
    if after.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        d.range.end = abs(word_start + word_len(word));
        d.problem = Some(format!(
            "`{MARKER}` must be followed by `ignore[code, …]` or `ignore-file`"
        ));
        return Some(d);
    }
    if let Some(list) = after.strip_prefix('[') {
        let Some(close) = list.find(']') else {
            d.problem = Some("the list of codes lacks its closing `]`".to_string());
            return Some(d);
        };
        cursor += 1;
        let list_start = cursor;
        d.list_end = Some(abs(list_start + close));
        d.range.end = abs(list_start + close + 1);
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut piece_start = list_start;
        for (i, c) in list[..close].char_indices() {
            if c == ',' {
                pieces.push((piece_start, list_start + i));
                piece_start = list_start + i + 1;
            }
        }
        pieces.push((piece_start, list_start + close));
        for (s, e) in pieces {
            let raw = &line[s..e];
            let lead = raw.len() - raw.trim_start().len();
            let name = raw.trim();
            if name.is_empty() {
                d.problem = Some(
                    "name the codes to ignore between `[` and `]`, separated by commas".to_string(),
                );
                return Some(d);
            }
            let range = TextRange::new(abs(s + lead), abs(s + lead + name.len()));
            d.codes.push(Named {
                text: name.to_string(),
                range,
                removal: range,
            });
        }
        // Removing one code of several takes its comma and spaces along.
        let n = d.codes.len();
        for i in 0..n {
            d.codes[i].removal = if i + 1 < n {
                TextRange::new(d.codes[i].range.start, d.codes[i + 1].range.start)
            } else if i > 0 {
                TextRange::new(d.codes[i - 1].range.end, d.codes[i].range.end)
            } else {
                d.codes[i].range
            };
        }
    }
    if file {
        if !in_header {
            d.problem = Some(
                "`ignore-file` works only in the comments at the top of the file, before \
                 anything else"
                    .to_string(),
            );
        }
        return Some(d);
    }
    let target = match style {
        Style::Python if own_line => {
            d.problem =
                Some("in Python a suppression goes at the end of the line it concerns".to_string());
            return Some(d);
        }
        Style::Yaml | Style::Python if !own_line => start,
        // In a default.cfg every suppression is on a line of its own.
        Style::Yaml | Style::Python | Style::Ini => next_code_line(text, style, end),
    };
    d.scope = Scope::Line(target);
    Some(d)
}

fn word_len(word: &str) -> usize {
    word.find(|c: char| c.is_whitespace() || c == '[')
        .unwrap_or(word.len())
}

/// The start of the first line after `end` that is neither blank nor a
/// comment (past the end of the text if there is none).
fn next_code_line(text: &str, style: Style, end: usize) -> usize {
    let mut at = match text[end..].find('\n') {
        Some(i) => end + i + 1,
        None => return usize::MAX,
    };
    while at <= text.len() {
        let le = line_end(text, at);
        if !style.is_comment_or_blank(&text[at..le]) {
            return at;
        }
        at = match text[le..].find('\n') {
            Some(i) => le + i + 1,
            None => return usize::MAX,
        };
    }
    usize::MAX
}

/// Whether suppression comments may silence a code: not their own codes.
fn suppressible(code: Code) -> bool {
    !code.id.starts_with("suppression/")
}

/// The diagnostics left once the text's suppression comments have
/// silenced theirs, with a diagnostic for every suppression that silences
/// nothing, names an unknown code or cannot be read.
pub fn apply(text: &str, style: Style, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let directives = directives(text, style);
    if directives.is_empty() {
        return diagnostics;
    }
    // used[i][j]: the j-th code of the i-th directive silenced something
    // (j = 0 for a directive naming no codes).
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.codes.len().max(1)])
        .collect();
    let mut kept = Vec::with_capacity(diagnostics.len());
    for diag in diagnostics {
        if !suppressible(diag.code) {
            kept.push(diag);
            continue;
        }
        let line = line_start(text, diag.range.start.min(text.len()));
        let mut silenced = false;
        for (i, d) in directives.iter().enumerate() {
            if d.problem.is_some() {
                continue;
            }
            if let Scope::Line(l) = d.scope {
                if l != line {
                    continue;
                }
            }
            if d.codes.is_empty() {
                used[i][0] = true;
                silenced = true;
            }
            for (j, n) in d.codes.iter().enumerate() {
                if n.matches(diag.code) {
                    used[i][j] = true;
                    silenced = true;
                }
            }
        }
        if !silenced {
            kept.push(diag);
        }
    }
    for (d, used) in directives.iter().zip(&used) {
        report(d, used, &mut kept);
    }
    kept
}

fn report(d: &Directive, used: &[bool], out: &mut Vec<Diagnostic>) {
    if let Some(problem) = &d.problem {
        out.push(Diagnostic::warning(
            codes::suppression::INVALID,
            d.range,
            format!("this suppression is not read: {problem}"),
        ));
        return;
    }
    let place = match (d.scope, d.own_line) {
        (Scope::File, _) => "in this file",
        (Scope::Line(_), true) => "on the next line",
        (Scope::Line(_), false) => "on this line",
    };
    if d.codes.is_empty() {
        if !used[0] {
            out.push(unused_all(d, format!("nothing is reported {place}")));
        }
        return;
    }
    for n in d.codes.iter().filter(|n| !n.is_known()) {
        let known = codes::selectors();
        let mut diag = Diagnostic::warning(
            codes::suppression::UNKNOWN_CODE,
            n.range,
            format!(
                "`{}` is neither a diagnostic code nor a family of them, so it suppresses nothing",
                n.text
            ),
        );
        if let Some(m) = did_you_mean(&n.text, known) {
            diag.message = format!("{}; did you mean `{m}`?", diag.message);
            diag = diag.with_fix(format!("Change to `{m}`"), vec![Edit::new(n.range, m)]);
        }
        out.push(diag);
    }
    let known: Vec<(&Named, bool)> = d
        .codes
        .iter()
        .zip(used)
        .filter(|(n, _)| n.is_known())
        .map(|(n, u)| (n, *u))
        .collect();
    if known.is_empty() {
        return;
    }
    if known.len() == d.codes.len() && known.iter().all(|(_, u)| !u) {
        let names = known
            .iter()
            .map(|(n, _)| format!("`{}`", n.text))
            .collect::<Vec<_>>()
            .join(" or ");
        out.push(unused_all(d, format!("no {names} is reported {place}")));
        return;
    }
    for (n, _) in known.iter().filter(|(_, u)| !u) {
        out.push(
            Diagnostic::warning(
                codes::suppression::UNUSED,
                n.range,
                format!(
                    "no `{}` is reported {place}: remove it from the suppression",
                    n.text
                ),
            )
            .with_fix(
                format!("Remove `{}` from the suppression", n.text),
                vec![Edit::new(n.removal, "")],
            ),
        );
    }
}

fn unused_all(d: &Directive, what: String) -> Diagnostic {
    Diagnostic::warning(
        codes::suppression::UNUSED,
        d.range,
        format!("{what}, so this suppression does nothing: remove it"),
    )
    .with_fix("Remove the suppression", vec![Edit::new(d.removal, "")])
}

/// The comment that suppresses `code` on the line holding `offset`, as an
/// edit: a code added to the suppression already there, or a new comment
/// where the file kind wants it. None where no comment can go (a
/// default.cfg's first line behind a byte-order mark).
pub fn ignore_edit(text: &str, style: Style, offset: usize, code: Code) -> Option<Edit> {
    let offset = offset.min(text.len());
    let line = line_start(text, offset);
    let existing = directives(text, style)
        .into_iter()
        .find(|d| d.problem.is_none() && d.scope == Scope::Line(line) && d.list_end.is_some());
    if let Some(d) = existing {
        let at = d.list_end?;
        return Some(Edit::new(TextRange::empty(at), format!(", {}", code.id)));
    }
    let comment = format!("# {MARKER} ignore[{}]", code.id);
    match style {
        Style::Ini => {
            if text[line..].starts_with('\u{feff}') {
                return None;
            }
            let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
            Some(Edit::new(TextRange::empty(line), format!("{comment}{nl}")))
        }
        Style::Yaml | Style::Python => {
            let end = line_end(text, line);
            let content_end = line + text[line..end].trim_end_matches([' ', '\t']).len();
            Some(Edit::new(
                TextRange::new(content_end, end),
                format!("  {comment}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "# ",
        "; ",
        "sps-plugin-ls:",
        " ignore",
        "-file",
        "[",
        "]",
        ",",
        "manifest",
        "/unknown-key",
        "config",
        "\n",
        "\r\n",
        " ",
        "é",
        "a: 1",
        "[s]",
        "k=v",
        "\t",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any text of suppression-like pieces is read, applied and given
        /// an ignore edit without a panic, in every style.
        #[test]
        fn never_panics(picks in prop::collection::vec(0..PIECES.len(), 0..40), at in 0usize..200) {
            let text: String = picks.iter().map(|i| PIECES[*i]).collect();
            let mut offset = at.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            for style in [Style::Yaml, Style::Ini, Style::Python] {
                let d = Diagnostic::warning(
                    codes::manifest::UNKNOWN_KEY,
                    TextRange::empty(offset),
                    "m",
                );
                let out = apply(&text, style, vec![d]);
                for d in &out {
                    prop_assert!(d.range.end <= text.len());
                    prop_assert!(
                        text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end)
                    );
                }
                let _ = ignore_edit(&text, style, offset, codes::manifest::UNKNOWN_KEY);
            }
        }
    }

    fn scopes(text: &str, style: Style) -> Vec<(Scope, Vec<String>, Option<String>)> {
        directives(text, style)
            .into_iter()
            .map(|d| {
                let codes = d.codes.iter().map(|n| n.text.clone()).collect();
                (d.scope, codes, d.problem)
            })
            .collect()
    }

    #[test]
    fn yaml_comments_at_the_end_of_a_line_or_on_the_line_before() {
        let text =
            "a: 1  # sps-plugin-ls: ignore[x/y, z]\n# sps-plugin-ls: ignore[q]\n\n# note\nb: 2\n";
        assert_eq!(
            scopes(text, Style::Yaml),
            vec![
                (Scope::Line(0), vec!["x/y".into(), "z".into()], None),
                (
                    Scope::Line(text.find("b:").unwrap()),
                    vec!["q".into()],
                    None
                ),
            ]
        );
        // No comment without a space before the `#`.
        assert!(directives("a: b#sps-plugin-ls: ignore[x]\n", Style::Yaml).is_empty());
    }

    #[test]
    fn ini_comments_only_on_their_own_line() {
        let text = "[a]\n; sps-plugin-ls: ignore[config]\nk = v # sps-plugin-ls: ignore[x]\n";
        assert_eq!(
            scopes(text, Style::Ini),
            vec![(
                Scope::Line(text.find("k =").unwrap()),
                vec!["config".into()],
                None
            )]
        );
    }

    #[test]
    fn ignore_file_only_at_the_top() {
        let top = "#!/usr/bin/env pluginwrapper3\n# sps-plugin-ls: ignore-file\nx = 1\n";
        assert_eq!(
            scopes(top, Style::Python),
            vec![(Scope::File, vec![], None)]
        );
        let late = "x = 1\n# sps-plugin-ls: ignore-file[a]\n";
        assert!(scopes(late, Style::Python)[0].2.is_some());
    }

    #[test]
    fn malformed_ones_say_why() {
        for text in [
            "# sps-plugin-ls: ignor[a]\n",
            "# sps-plugin-ls: ignore[a\n",
            "# sps-plugin-ls: ignore[a,,b]\n",
            "# sps-plugin-ls: ignored\n",
        ] {
            let d = directives(text, Style::Yaml);
            assert!(d[0].problem.is_some(), "{text}");
        }
    }

    #[test]
    fn removing_one_code_takes_its_comma() {
        let text = "a: 1  # sps-plugin-ls: ignore[x, y]\n";
        let d = &directives(text, Style::Yaml)[0];
        assert_eq!(
            &text[d.codes[0].removal.start..d.codes[0].removal.end],
            "x, "
        );
        assert_eq!(
            &text[d.codes[1].removal.start..d.codes[1].removal.end],
            ", y"
        );
        assert_eq!(
            &text[d.removal.start..d.removal.end],
            "  # sps-plugin-ls: ignore[x, y]"
        );
    }
}
