//! The dialect of Python's `configparser.ConfigParser()` with default
//! arguments, which the SPS plugin SDK reads default.cfg with.
//!
//! The parser follows CPython 3.11's `RawConfigParser._read` line by line, so
//! that it accepts, rejects and joins exactly what CPython does:
//!
//! * lines are split on `\n` only (`io.StringIO` does not translate `\r`);
//!   every line is stripped of Python whitespace (`str.strip()`, which also
//!   strips `\x1c`..`\x1f`, unlike Rust's `char::is_whitespace`);
//! * a stripped line starting with `#` or `;` is a comment, wherever it is;
//!   there are no inline comments;
//! * an empty line inside a value adds an empty line to it; a comment line
//!   does not, and neither ends the value;
//! * a line indented deeper (counted in characters) than the option line
//!   continues the value, whatever it looks like;
//! * `[` ... last `]` is a section header (what follows the last `]` is
//!   ignored); the first `=` or `:` splits an option line; option names are
//!   lower-cased;
//! * duplicate sections (except `[DEFAULT]`) and duplicate options within a
//!   section (compared lower-cased) raise at once; lines with no delimiter
//!   and empty option names are collected and raised at the end; text before
//!   the first section header raises at once.
//!
//! The tree keeps a byte range for every header, key, delimiter, value,
//! continuation line and comment, and recognises the SDK's template style of
//! commented-out options (`; key=value`, `; key=<placeholder>`).

use std::borrow::Cow;

use crate::text::TextRange;

mod parser;

pub use parser::{chunks, lines_between, parse, parse_around, parse_chunk, Chunk};

/// Python's `str.isspace()`, which is also what `\s` and `str.strip()` use.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.lower()`, which `optionxform` applies to option names.
/// Borrows when the name is already lower-case ASCII.
pub fn py_lower(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(s.to_ascii_lowercase())
        } else {
            Cow::Borrowed(s)
        }
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

/// The name of the section that holds defaults for every other section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// The parsed text. Names and values borrow from the text; only what
/// configparser transforms (lower-cased names with capitals, values joined
/// from several lines) is owned.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ini<'t> {
    /// In text order. The first one has no header when the text has lines
    /// before its first section header (CPython rejects those).
    pub sections: Vec<Section<'t>>,
    /// In text order.
    pub errors: Vec<IniError<'t>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section<'t> {
    pub header: Option<Header<'t>>,
    /// From the header to the end of the last non-blank line before the
    /// next header.
    pub range: TextRange,
    pub entries: Vec<Entry<'t>>,
    pub comments: Vec<Comment<'t>>,
    /// Lines CPython rejects (no delimiter, unclosed header).
    pub bad_lines: Vec<TextRange>,
    /// A value has a `%`.
    percent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'t> {
    /// The name as CPython reads it: everything between `[` and the last `]`.
    pub name: &'t str,
    pub name_range: TextRange,
    /// `[` to the last `]`.
    pub range: TextRange,
    /// Text after the last `]`, which CPython ignores.
    pub trailing: Option<TextRange>,
    /// Zero-based line number.
    pub line: usize,
}

impl Header<'_> {
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_SECTION
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'t> {
    /// The option name as written (trimmed).
    pub key: &'t str,
    /// The option name as CPython stores it (lower-cased).
    pub name: Cow<'t, str>,
    pub key_range: TextRange,
    pub delimiter: char,
    pub delimiter_range: TextRange,
    /// The value on the option's own line, trimmed; empty at the end of the
    /// line when there is none.
    pub value_range: TextRange,
    /// Non-blank continuation lines, each trimmed.
    pub continuations: Vec<TextRange>,
    /// The value exactly as CPython stores it: lines joined with `\n`,
    /// blank lines kept inside, trailing ones dropped.
    pub value: Cow<'t, str>,
    /// From the key to the end of the last continuation line.
    pub range: TextRange,
    /// Zero-based line number of the option line.
    pub line: usize,
    /// Leading whitespace of the option line, in bytes.
    pub indent: TextRange,
}

impl Entry<'_> {
    /// Where each non-empty line of `value` comes from: (offset in `value`,
    /// offset in the text, length); the text is the same bytes.
    pub fn segments(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let first_len = self.value_range.end - self.value_range.start;
        let first = (first_len > 0).then_some((0, self.value_range.start, first_len));
        // Each continuation line was appended after one `\n` and one more
        // per blank line before it; it starts with none (it is trimmed).
        let b = self.value.as_bytes();
        let mut at = first_len;
        let rest = self.continuations.iter().map(move |c| {
            while b.get(at) == Some(&b'\n') {
                at += 1;
            }
            let len = c.end - c.start;
            let seg = (at, c.start, len);
            at += len;
            seg
        });
        first.into_iter().chain(rest)
    }

    /// The byte offset in the text of byte `offset` of [`Entry::value`], if
    /// it lies on a non-empty line of the value.
    pub fn text_offset(&self, offset: usize) -> Option<usize> {
        self.segments()
            .find(|(v, _, len)| *v <= offset && offset <= v + len)
            .map(|(v, t, _)| t + (offset - v))
    }

    pub fn is_multiline(&self) -> bool {
        !self.continuations.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment<'t> {
    /// The trimmed line, prefix included.
    pub range: TextRange,
    /// `#` or `;`.
    pub prefix: char,
    pub kind: CommentKind<'t>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentKind<'t> {
    Plain,
    /// `; key=value`: an option shipped commented out (boxed: most
    /// comments are not).
    Template(Box<Template<'t>>),
    /// `;    more` right after a template option, indented deeper: a
    /// commented-out continuation line of it.
    TemplateContinuation,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template<'t> {
    pub key: &'t str,
    pub name: Cow<'t, str>,
    pub key_range: TextRange,
    pub delimiter_range: TextRange,
    /// The value, continuation lines joined with `\n`.
    pub value: Cow<'t, str>,
    /// The value on the first line.
    pub value_range: TextRange,
    /// The commented continuation lines, the part after `;`, trimmed.
    pub continuations: Vec<TextRange>,
}

impl<'t> Template<'t> {
    /// The entry the template would be once uncommented (its ranges are
    /// those of the comment's text): `comment` is the comment holding it.
    pub fn uncommented(&self, comment: &Comment<'t>) -> Entry<'t> {
        let end = self
            .continuations
            .last()
            .map_or(self.value_range.end, |c| c.end);
        Entry {
            key: self.key,
            name: self.name.clone(),
            key_range: self.key_range,
            delimiter: '=',
            delimiter_range: self.delimiter_range,
            value_range: self.value_range,
            continuations: self.continuations.clone(),
            value: self.value.clone(),
            range: TextRange::new(self.key_range.start, end.max(self.key_range.end)),
            line: comment.line,
            indent: TextRange::empty(self.key_range.start),
        }
    }

    /// `key` is a placeholder such as `<user-name-1>`.
    pub fn key_is_placeholder(&self) -> bool {
        self.key.starts_with('<')
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError<'t> {
    pub kind: IniErrorKind<'t>,
    /// The trimmed line (or the duplicate name).
    pub range: TextRange,
    /// Zero-based line number; CPython's `lineno` is this plus one.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IniErrorKind<'t> {
    /// `MissingSectionHeaderError`, raised at once. Only the first such line
    /// is reported; `bom` when the line starts with U+FEFF.
    MissingSectionHeader { bom: bool },
    /// A line with no `=` or `:` (`ParsingError`).
    NoDelimiter,
    /// `[name` with no `]` and no delimiter, or `[]` (`ParsingError`).
    UnclosedSection,
    /// `=value` (`ParsingError`).
    EmptyOptionName,
    /// `DuplicateSectionError`, raised at once; `first` is the first header's
    /// name, on zero-based line `first_line`.
    DuplicateSection { first: TextRange, first_line: usize },
    /// `DuplicateOptionError`, raised at once; `first` is the first key.
    DuplicateOption {
        first: TextRange,
        first_line: usize,
        section: &'t str,
    },
}

impl IniError<'_> {
    /// CPython raises this error as soon as it meets it, so it never sees
    /// the rest of the text.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self.kind,
            IniErrorKind::MissingSectionHeader { .. }
                | IniErrorKind::DuplicateSection { .. }
                | IniErrorKind::DuplicateOption { .. }
        )
    }
}

impl<'t> Ini<'t> {
    /// The section whose lines hold `offset`: the last one starting at or
    /// before it.
    pub fn section_at(&self, offset: usize) -> Option<&Section<'t>> {
        let i = self.sections.partition_point(|s| s.range.start <= offset);
        if i == 0 {
            None
        } else {
            Some(&self.sections[i - 1])
        }
    }

    /// The sections with a header, by name (duplicates included).
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Section<'t>> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.header.as_ref().is_some_and(|h| h.name == name))
    }
}

impl<'t> Section<'t> {
    pub fn name(&self) -> Option<&'t str> {
        self.header.as_ref().map(|h| h.name)
    }

    /// Whether the value of one of its options has a `%`.
    pub fn has_percent(&self) -> bool {
        self.percent
    }

    pub fn entry(&self, name: &str) -> Option<&Entry<'t>> {
        self.entries.iter().find(|e| e.name == name)
    }

    pub fn templates(&self) -> impl Iterator<Item = (&Comment<'t>, &Template<'t>)> {
        self.comments.iter().filter_map(|c| match &c.kind {
            CommentKind::Template(t) => Some((c, &**t)),
            _ => None,
        })
    }

    /// The plain comment lines right above line `line` (zero-based) of the
    /// section, up to a blank line, an option or a template: the
    /// documentation default.cfg gives what is on that line. Each line
    /// without its `#` or `;` and trimmed, in order.
    pub fn comment_lines_above<'a>(&self, text: &'a str, line: usize) -> Vec<&'a str> {
        let mut want = line;
        let mut lines: Vec<&str> = Vec::new();
        for c in self.comments.iter().rev().filter(|c| c.line < line) {
            if c.line + 1 != want || !matches!(c.kind, CommentKind::Plain) {
                break;
            }
            lines.push(
                text[c.range.start..c.range.end]
                    .trim_start_matches(['#', ';'])
                    .trim(),
            );
            want = c.line;
        }
        lines.reverse();
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Sections<'a> = Vec<(Option<&'a str>, Vec<(&'a str, &'a str)>)>;

    fn sects<'a>(ini: &'a Ini) -> Sections<'a> {
        ini.sections
            .iter()
            .map(|s| {
                (
                    s.name(),
                    s.entries.iter().map(|e| (&*e.name, &*e.value)).collect(),
                )
            })
            .collect()
    }

    fn kinds(ini: &Ini) -> Vec<(usize, String)> {
        ini.errors
            .iter()
            .map(|e| {
                let k = format!("{:?}", e.kind);
                (e.line + 1, k.split([' ', '{']).next().unwrap().to_string())
            })
            .collect()
    }

    #[test]
    fn delimiters_comments_and_names() {
        let ini = parse("[a]\nKey = http://x=1\n  ; c\nb: v ; not a comment\n#x\n");
        assert_eq!(
            sects(&ini),
            vec![(
                Some("a"),
                vec![("key", "http://x=1"), ("b", "v ; not a comment")]
            )]
        );
        assert!(ini.errors.is_empty());
        let e = &ini.sections[0].entries[0];
        assert_eq!(e.key, "Key");
        assert_eq!(e.delimiter_range, TextRange::new(8, 9));
        assert_eq!(e.value_range, TextRange::new(10, 20));
    }

    #[test]
    fn multiline_values_follow_cpython() {
        let text = "[a]\nk = one\n\n  two\n  # skipped\n\n   three\n\n\nj=\n  x\n";
        let ini = parse(text);
        assert_eq!(
            sects(&ini),
            vec![(Some("a"), vec![("k", "one\n\ntwo\n\nthree"), ("j", "\nx")])]
        );
        let k = &ini.sections[0].entries[0];
        assert_eq!(k.continuations.len(), 2);
        assert_eq!(&text[k.text_offset(5).unwrap()..][..3], "two");
    }

    #[test]
    fn headers_are_greedy_and_keep_spaces() {
        let ini = parse("[a] x]\n[ b ]\n[whitelist source=user_list] trailing\n");
        let names: Vec<_> = ini.sections.iter().map(|s| s.name().unwrap()).collect();
        assert_eq!(names, vec!["a] x", " b ", "whitelist source=user_list"]);
        assert!(ini.sections[2].header.as_ref().unwrap().trailing.is_some());
    }

    #[test]
    fn errors_have_cpython_lines() {
        let ini = parse("x=1\n[a]\nnovalue\n[b\n=v\nK=1\nk=2\n[a]\n");
        assert_eq!(
            kinds(&ini),
            vec![
                (1, "MissingSectionHeader".into()),
                (3, "NoDelimiter".into()),
                (4, "UnclosedSection".into()),
                (5, "EmptyOptionName".into()),
                (7, "DuplicateOption".into()),
                (8, "DuplicateSection".into()),
            ]
        );
    }

    #[test]
    fn bom_is_text_before_the_first_header() {
        let ini = parse("\u{feff}[a]\n");
        assert_eq!(
            ini.errors[0].kind,
            IniErrorKind::MissingSectionHeader { bom: true }
        );
    }

    #[test]
    fn continuation_after_a_bad_line_continues_the_previous_option() {
        // A rejected line still sets the indentation level.
        let ini = parse("[a]\nk=1\n bad\nbad\n  x\n");
        assert_eq!(sects(&ini), vec![(Some("a"), vec![("k", "1\nbad\nx")])]);
        assert_eq!(kinds(&ini), vec![(4, "NoDelimiter".into())]);
    }

    #[test]
    fn indentation_counts_characters_and_python_whitespace() {
        // U+3000 is one character of three bytes; \x1c is whitespace in Python.
        let ini = parse("[a]\n\u{3000}k=1\n  x\n\x1cj=2\n");
        assert_eq!(
            sects(&ini),
            vec![(Some("a"), vec![("k", "1\nx"), ("j", "2")])]
        );
    }

    #[test]
    fn lone_cr_does_not_split_lines() {
        let ini = parse("[a]\r\nk=1\rj=2\r\n");
        assert_eq!(sects(&ini), vec![(Some("a"), vec![("k", "1\rj=2")])]);
    }

    #[test]
    fn template_options() {
        let text = "[y]\n; api_urls=https://a,\n;     https://b\n;incident=INC.*\n; <user-1>=<id>\n; note: prose\n# k=v\n";
        let ini = parse(text);
        let t: Vec<_> = ini.sections[0]
            .templates()
            .map(|(_, t)| (&*t.name, &*t.value))
            .collect();
        assert_eq!(
            t,
            vec![
                ("api_urls", "https://a,\nhttps://b"),
                ("incident", "INC.*"),
                ("<user-1>", "<id>")
            ]
        );
    }

    #[test]
    fn parse_around_gives_the_sections_of_a_full_parse() {
        let texts = [
            "",
            "k=1\n; c\n[a]\nk=1\n  [b]\n  x\n[c]\n; t=1\n;   more\n\n[a]\nK=2\n",
            "# head\n\n[DEFAULT]\nd=%(x)s\n[s]\nx = 1\n    y\n\n [t]\nz=2\n[u] trailing\n",
            "[a]\nk=\n\n\n  v\n[]\n[b\n[c]]\n\u{3000}[d]\n[é]\nü=1",
            "\u{feff}[a]\nk=1\n[b]\n",
        ];
        for text in texts {
            let full = parse(text);
            for o in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let part = parse_around(text, o, o);
                assert_eq!(part.section_at(o), full.section_at(o), "{text:?} at {o}");
                for e in (o..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                    let part = parse_around(text, o, e);
                    for s in &full.sections {
                        if s.range.end >= o && s.range.start <= e {
                            assert!(part.sections.contains(s), "{text:?} {o}..{e}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "\n",
            "[",
            "]",
            "[]",
            "[]]",
            "=",
            ":",
            "\u{feff}",
            "\0",
            "[a]\n\0=\0",
            "[a]\n é=ü\n",
            "[a]\nk=\n\n",
            "\r",
            "[a]\r",
            ";",
            "[a]\n;",
            "[a]\n; =x",
            "[a]\n;<=x",
        ] {
            let _ = parse(text);
        }
    }
}
