//! Formatting of default.cfg and MANIFEST, as yaml-language-server and
//! tombi format theirs: layout only, never what configparser or SPS reads.
//!
//! default.cfg: `key = value` or `key=value`, whichever the file mostly
//! uses; no trailing blanks; one blank line between sections (runs of
//! blank lines collapsed, one added before a header that has none); one
//! line end at the end. Comments, template lines and multi-line values stay
//! as they are. MANIFEST: one space after a top-level key's colon, no
//! trailing blanks outside block scalars, one line end at the end; order
//! and comments kept. A text that does not parse is left alone.

use crate::syntax::{ini, yaml};
use crate::text::TextRange;
use crate::workspace::DocKind;

/// One replacement in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// The edits that format the document; with `range`, only those that touch
/// the lines it covers.
pub fn format(kind: DocKind, text: &str, range: Option<TextRange>) -> Vec<TextEdit> {
    let edits = match kind {
        DocKind::Config => config(text),
        DocKind::Manifest => manifest(text),
        DocKind::Python | DocKind::Settings => Vec::new(),
    };
    match range {
        None => edits,
        Some(r) => {
            let (start, end) = (
                crate::text::line_start(text, r.start),
                crate::text::line_end(text, r.end),
            );
            edits
                .into_iter()
                .filter(|e| e.range.start <= end && e.range.end >= start)
                .collect()
        }
    }
}

/// The text with the edits applied (they do not overlap).
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.new_text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A line of the text: its content's range and where the next line starts.
struct Line {
    content: TextRange,
    next: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let nl = text[start..].find('\n').map(|i| start + i);
        let (end, next) = match nl {
            Some(i) if i > start && text.as_bytes()[i - 1] == b'\r' => (i - 1, i + 1),
            Some(i) => (i, i + 1),
            None => (text.len(), text.len()),
        };
        out.push(Line {
            content: TextRange::new(start, end),
            next,
        });
        start = next;
    }
    out
}

fn line_end_of(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// What each line is, for the layout rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Header,
    /// The first line of an option.
    Entry(usize, usize),
    /// A later line of a value (blank lines inside it too).
    Continuation,
    Comment,
}

fn config(text: &str) -> Vec<TextEdit> {
    let parsed = ini::parse(text);
    if !parsed.errors.is_empty() || parsed.sections.iter().any(|s| !s.bad_lines.is_empty()) {
        return Vec::new();
    }
    let lines = lines(text);
    let line_of = |offset: usize| lines.partition_point(|l| l.next <= offset);
    let mut kinds: Vec<Kind> = lines
        .iter()
        .map(|l| {
            let t = text[l.content.start..l.content.end].trim();
            if t.is_empty() {
                Kind::Blank
            } else if t.starts_with('#') || t.starts_with(';') {
                Kind::Comment
            } else {
                Kind::Header
            }
        })
        .collect();
    for (si, s) in parsed.sections.iter().enumerate() {
        for (ei, e) in s.entries.iter().enumerate() {
            let first = line_of(e.range.start);
            let last = line_of(e.range.end.saturating_sub(1).max(e.range.start));
            kinds[first] = Kind::Entry(si, ei);
            for k in kinds.iter_mut().take(last + 1).skip(first + 1) {
                *k = Kind::Continuation;
            }
        }
    }
    // The spacing most of the file's options use.
    let (mut spaced, mut tight) = (0, 0);
    for s in &parsed.sections {
        for e in &s.entries {
            let before = &text[e.key_range.end..e.delimiter_range.start];
            if before.is_empty() {
                tight += 1;
            } else {
                spaced += 1;
            }
        }
    }
    let spaced = spaced >= tight;
    let eol = line_end_of(text);
    let mut edits = Vec::new();
    let mut blank_run: Vec<usize> = Vec::new();
    let mut previous: Option<Kind> = None;
    for (i, line) in lines.iter().enumerate() {
        let content = &text[line.content.start..line.content.end];
        match kinds[i] {
            Kind::Blank => {
                if !content.is_empty() {
                    edits.push(TextEdit {
                        range: line.content,
                        new_text: String::new(),
                    });
                }
                blank_run.push(i);
                continue;
            }
            Kind::Continuation => {
                // Part of a value: its blank lines stay.
                blank_run.clear();
            }
            kind => {
                // A run of blank lines between two lines that are not one
                // value: one is enough.
                for &b in blank_run.iter().skip(1) {
                    edits.push(TextEdit {
                        range: TextRange::new(lines[b].content.start, lines[b].next),
                        new_text: String::new(),
                    });
                }
                let separated = !blank_run.is_empty();
                blank_run.clear();
                if kind == Kind::Header
                    && !separated
                    && previous.is_some_and(|p| p != Kind::Comment)
                {
                    edits.push(TextEdit {
                        range: TextRange::empty(line.content.start),
                        new_text: eol.to_string(),
                    });
                }
            }
        }
        let formatted = match kinds[i] {
            Kind::Entry(si, ei) => {
                let e = &parsed.sections[si].entries[ei];
                let delimiter = e.delimiter;
                let value =
                    text[e.value_range.start.max(e.delimiter_range.end)..line.content.end].trim();
                let sep = match (spaced, delimiter, value.is_empty()) {
                    (false, d, _) => d.to_string(),
                    (true, '=', true) => " =".to_string(),
                    (true, '=', false) => " = ".to_string(),
                    (true, d, true) => d.to_string(),
                    (true, d, false) => format!("{d} "),
                };
                let indent = &text[line.content.start..e.key_range.start];
                format!(
                    "{indent}{}{sep}{value}",
                    &text[e.key_range.start..e.key_range.end]
                )
            }
            _ => content.trim_end().to_string(),
        };
        if formatted != content {
            edits.push(TextEdit {
                range: line.content,
                new_text: formatted,
            });
        }
        previous = Some(kinds[i]);
    }
    // Blank lines at the end: none; and the last line ends with a line end.
    for &b in &blank_run {
        edits.push(TextEdit {
            range: TextRange::new(lines[b].content.start, lines[b].next),
            new_text: String::new(),
        });
    }
    if let Some(last) = lines
        .iter()
        .rev()
        .find(|l| !text[l.content.start..l.content.end].trim().is_empty())
    {
        if last.next == last.content.end {
            edits.push(TextEdit {
                range: TextRange::empty(last.content.end),
                new_text: eol.to_string(),
            });
        }
    }
    merge_blank_edits(edits)
}

/// Edits of one line's content and of its removal overlap: the removal
/// wins.
fn merge_blank_edits(mut edits: Vec<TextEdit>) -> Vec<TextEdit> {
    edits.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
    let mut out: Vec<TextEdit> = Vec::new();
    for e in edits {
        if let Some(last) = out.last() {
            if e.range.start < last.range.end && !e.range.is_empty() {
                continue;
            }
        }
        out.push(e);
    }
    out
}

fn manifest(text: &str) -> Vec<TextEdit> {
    let doc = yaml::parse(text);
    if !doc.errors.is_empty() {
        return Vec::new();
    }
    let Some(root) = &doc.root else {
        return Vec::new();
    };
    // Block scalars keep their trailing blanks: they are content.
    let mut blocks: Vec<TextRange> = Vec::new();
    let mut gaps: Vec<(TextRange, usize)> = Vec::new();
    for e in root.entries() {
        if let Some(s) = e.value.as_scalar() {
            if matches!(s.style, yaml::Style::Literal | yaml::Style::Folded) {
                blocks.push(e.value.range);
                continue;
            }
        }
        // `key:   value` on one line: one space after the colon.
        let after_key = &text[e.key.range.end..e.value.range.start.max(e.key.range.end)];
        if e.value.as_scalar().is_some()
            && !after_key.contains('\n')
            && !after_key.contains('#')
            && after_key.trim_start().starts_with(':')
        {
            let colon = e.key.range.end + after_key.find(':').unwrap_or(0);
            let gap = TextRange::new(colon + 1, e.value.range.start);
            if gap.end > gap.start && &text[gap.start..gap.end] != " " {
                gaps.push((gap, 1));
            }
        }
    }
    let mut edits: Vec<TextEdit> = gaps
        .into_iter()
        .map(|(range, _)| TextEdit {
            range,
            new_text: " ".into(),
        })
        .collect();
    let lines = lines(text);
    for l in &lines {
        let content = &text[l.content.start..l.content.end];
        let trimmed = content.trim_end();
        let in_block = blocks
            .iter()
            .any(|b| b.start <= l.content.end && l.content.start < b.end);
        if trimmed.len() < content.len() && !in_block {
            edits.push(TextEdit {
                range: TextRange::new(l.content.start + trimmed.len(), l.content.end),
                new_text: String::new(),
            });
        }
    }
    // Blank lines at the end: none, one line end.
    let last_content = lines
        .iter()
        .rposition(|l| !text[l.content.start..l.content.end].trim().is_empty());
    if let Some(i) = last_content {
        let in_block = blocks.iter().any(|b| b.end >= lines[i].content.end);
        if !in_block {
            if i + 1 < lines.len() {
                edits.push(TextEdit {
                    range: TextRange::new(lines[i].next, text.len()),
                    new_text: String::new(),
                });
            } else if lines[i].next == lines[i].content.end {
                edits.push(TextEdit {
                    range: TextRange::empty(text.len()),
                    new_text: line_end_of(text).to_string(),
                });
            }
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    fn check(kind: DocKind, text: &str, expect: Expect) {
        let once = apply(text, &format(kind, text, None));
        // Formatting what is formatted changes nothing.
        assert_eq!(apply(&once, &format(kind, &once, None)), once);
        expect.assert_eq(&once);
    }

    #[test]
    fn default_cfg_takes_the_spacing_most_options_use() {
        check(
            DocKind::Config,
            "[a]\nx = 1\ny=2  \nz   =   3\n\n\n\n; w = 4\n[b]\nv:\n  long\n\n  value\nq =\n\n\n",
            expect![[r#"
                [a]
                x = 1
                y = 2
                z = 3

                ; w = 4
                [b]
                v:
                  long

                  value
                q =
            "#]],
        );
        check(
            DocKind::Config,
            "[a]\nx=1\ny=2\nz = 3\n[b]\nw=4",
            expect![[r#"
                [a]
                x=1
                y=2
                z=3

                [b]
                w=4
            "#]],
        );
    }

    #[test]
    fn crlf_stays_crlf_and_a_broken_file_is_left_alone() {
        let out = apply(
            "[a]\r\nx=1 \r\n[b]\r\n",
            &format(DocKind::Config, "[a]\r\nx=1 \r\n[b]\r\n", None),
        );
        assert_eq!(out, "[a]\r\nx=1\r\n\r\n[b]\r\n");
        assert!(format(DocKind::Config, "no header\nx=1\n", None).is_empty());
        assert!(format(DocKind::Manifest, "name: [unclosed\n", None).is_empty());
    }

    #[test]
    fn manifest_one_space_after_the_colon_and_block_scalars_kept() {
        check(
            DocKind::Manifest,
            "name:    My_Plugin  \ndescription: |\n  two  \n  lines\nversion: '1.0'   # the version\n\n\n",
            expect![[r#"
                name: My_Plugin
                description: |
                  two  
                  lines
                version: '1.0'   # the version
            "#]],
        );
    }

    #[test]
    fn range_formatting_touches_only_the_lines_in_range() {
        let text = "[a]\nx=1\ny = 2\nz  =  3\n";
        let at = text.find("z").unwrap();
        let edits = format(DocKind::Config, text, Some(TextRange::new(at, at)));
        assert_eq!(apply(text, &edits), "[a]\nx=1\ny = 2\nz = 3\n");
    }
}
