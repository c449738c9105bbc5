//! A text cut where the state machine starts afresh, so that each piece can
//! be parsed (and its results kept) on its own.
//!
//! A line with `[` in its first column that reads as a header is a header
//! whatever comes before it: it continues no value (it is indented by
//! nothing) and is no comment. A header resets the state machine, so the
//! sections between two such lines are the same parsed alone as in the
//! whole text; only what configparser compares across sections (duplicate
//! names, and the options of a repeated name) needs the other pieces.

use super::*;

/// The lines from the start of the text or a header line in the first
/// column up to the next such line: `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
}

/// Whether the line starting at `ls` is a header in the first column.
fn is_header_line(text: &str, ls: usize) -> bool {
    text.as_bytes().get(ls) == Some(&b'[') && {
        let (cs, ce) = trim(text, ls, memchr_nl(text, ls));
        header_close(&text[cs..ce]).is_some()
    }
}

/// The text cut before each header line in the first column (but the
/// first line): at least one chunk, and together they cover the text.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut start = 0;
    // Each `\n[`: a line that may be a header.
    for i in memchr::memmem::find_iter(text.as_bytes(), b"\n[") {
        let ls = i + 1;
        if is_header_line(text, ls) {
            out.push(Chunk { start, end: ls });
            start = ls;
        }
    }
    out.push(Chunk {
        start,
        end: text.len(),
    });
    out
}

/// The number of line breaks in `text[from..to]`: the zero-based line of
/// `to` counted from `from`'s.
pub fn lines_between(text: &str, from: usize, to: usize) -> usize {
    text.as_bytes()[from..to]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The sections of one chunk of `text`, starting on zero-based line `line`,
/// exactly as [`parse`] gives them; the errors that need no other chunk
/// (not duplicates of names elsewhere).
pub fn parse_chunk(text: &str, chunk: Chunk, line: usize) -> Ini<'_> {
    let mut p = Parser::new(text, chunk.end - chunk.start);
    let to = (chunk.end < text.len()).then_some(chunk.end);
    p.run(chunk.start, to, line);
    p.ini
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: &[&str] = &[
        "",
        "\n",
        "[a]",
        "k=1\n; c\n[a]\nk=1\n  [b]\n  x\n[c]\n; t=1\n;   more\n\n[a]\nK=2\n",
        "# head\n\n[DEFAULT]\nd=%(x)s\n[s]\nx = 1\n    y\n\n [t]\nz=2\n[u] trailing\n",
        "[a]\nk=\n\n\n  v\n[]\n[b\n[c]]\n\u{3000}[d]\n[é]\nü=1",
        "\u{feff}[a]\nk=1\n[b]\n",
        "[a]\r\nk=1\r\n[b]\r\n\r\n",
        "[a]\nk=v\n[not a header\n[b]\n",
    ];

    #[test]
    fn chunks_cover_the_text_and_start_at_headers() {
        for text in TEXTS {
            let cs = chunks(text);
            // Every header line in the first column but the first line.
            let heads = (1..text.len())
                .filter(|&i| text.as_bytes()[i - 1] == b'\n' && is_header_line(text, i))
                .count();
            assert_eq!(cs.len(), heads + 1, "{text:?}");
            assert_eq!(cs[0].start, 0);
            assert_eq!(cs.last().unwrap().end, text.len());
            for w in cs.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert!(is_header_line(text, w[1].start), "{text:?}");
            }
        }
    }

    #[test]
    fn chunks_parse_to_the_sections_of_the_whole() {
        for text in TEXTS {
            let full = parse(text);
            let mut sections = Vec::new();
            let mut errors = Vec::new();
            for c in chunks(text) {
                let part = parse_chunk(text, c, lines_between(text, 0, c.start));
                sections.extend(part.sections);
                errors.extend(part.errors.into_iter().filter(|e| {
                    !matches!(
                        e.kind,
                        IniErrorKind::DuplicateSection { .. }
                            | IniErrorKind::DuplicateOption { .. }
                    )
                }));
            }
            assert_eq!(sections, full.sections, "{text:?}");
            let local: Vec<_> = full
                .errors
                .into_iter()
                .filter(|e| {
                    !matches!(
                        e.kind,
                        IniErrorKind::DuplicateSection { .. }
                            | IniErrorKind::DuplicateOption { .. }
                    )
                })
                .collect();
            assert_eq!(errors, local, "{text:?}");
        }
    }
}
