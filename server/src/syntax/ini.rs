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

use std::collections::HashMap;

use crate::text::TextRange;

/// Python's `str.isspace()`, which is also what `\s` and `str.strip()` use.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.lower()`, which `optionxform` applies to option names.
pub fn py_lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The name of the section that holds defaults for every other section.
pub const DEFAULT_SECTION: &str = "DEFAULT";

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ini {
    /// In text order. The first one has no header when the text has lines
    /// before its first section header (CPython rejects those).
    pub sections: Vec<Section>,
    /// In text order.
    pub errors: Vec<IniError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub header: Option<Header>,
    /// From the header to the end of the last non-blank line before the
    /// next header.
    pub range: TextRange,
    pub entries: Vec<Entry>,
    pub comments: Vec<Comment>,
    /// Lines CPython rejects (no delimiter, unclosed header).
    pub bad_lines: Vec<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The name as CPython reads it: everything between `[` and the last `]`.
    pub name: String,
    pub name_range: TextRange,
    /// `[` to the last `]`.
    pub range: TextRange,
    /// Text after the last `]`, which CPython ignores.
    pub trailing: Option<TextRange>,
    /// Zero-based line number.
    pub line: usize,
}

impl Header {
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_SECTION
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The option name as written (trimmed).
    pub key: String,
    /// The option name as CPython stores it (lower-cased).
    pub name: String,
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
    pub value: String,
    /// Where each non-empty line of `value` comes from: (offset in `value`,
    /// offset in the text, length); the text is the same bytes.
    pub segments: Vec<(usize, usize, usize)>,
    /// From the key to the end of the last continuation line.
    pub range: TextRange,
    /// Zero-based line number of the option line.
    pub line: usize,
    /// Leading whitespace of the option line, in bytes.
    pub indent: TextRange,
}

impl Entry {
    /// The byte offset in the text of byte `offset` of [`Entry::value`], if
    /// it lies on a non-empty line of the value.
    pub fn text_offset(&self, offset: usize) -> Option<usize> {
        self.segments
            .iter()
            .find(|(v, _, len)| *v <= offset && offset <= v + len)
            .map(|(v, t, _)| t + (offset - v))
    }

    pub fn is_multiline(&self) -> bool {
        !self.continuations.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The trimmed line, prefix included.
    pub range: TextRange,
    /// `#` or `;`.
    pub prefix: char,
    pub kind: CommentKind,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentKind {
    Plain,
    /// `; key=value`: an option shipped commented out.
    Template(Template),
    /// `;    more` right after a template option, indented deeper: a
    /// commented-out continuation line of it.
    TemplateContinuation,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub key: String,
    pub name: String,
    pub key_range: TextRange,
    pub delimiter_range: TextRange,
    /// The value, continuation lines joined with `\n`.
    pub value: String,
    /// The value on the first line.
    pub value_range: TextRange,
    /// The commented continuation lines, the part after `;`, trimmed.
    pub continuations: Vec<TextRange>,
}

impl Template {
    /// `key` is a placeholder such as `<user-name-1>`.
    pub fn key_is_placeholder(&self) -> bool {
        self.key.starts_with('<')
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniError {
    pub kind: IniErrorKind,
    /// The trimmed line (or the duplicate name).
    pub range: TextRange,
    /// Zero-based line number; CPython's `lineno` is this plus one.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IniErrorKind {
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
        section: String,
    },
}

impl IniError {
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

impl Ini {
    /// The section whose lines hold `offset`: the last one starting at or
    /// before it.
    pub fn section_at(&self, offset: usize) -> Option<&Section> {
        let i = self.sections.partition_point(|s| s.range.start <= offset);
        if i == 0 {
            None
        } else {
            Some(&self.sections[i - 1])
        }
    }

    /// The sections with a header, by name (duplicates included).
    pub fn named(&self, name: &str) -> impl Iterator<Item = &Section> {
        let name = name.to_string();
        self.sections
            .iter()
            .filter(move |s| s.header.as_ref().is_some_and(|h| h.name == name))
    }
}

impl Section {
    pub fn name(&self) -> Option<&str> {
        self.header.as_ref().map(|h| h.name.as_str())
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    pub fn templates(&self) -> impl Iterator<Item = (&Comment, &Template)> {
        self.comments.iter().filter_map(|c| match &c.kind {
            CommentKind::Template(t) => Some((c, t)),
            _ => None,
        })
    }
}

/// Trim Python whitespace from both ends of `text[start..end]`.
fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start_matches(is_py_space).len();
    let t = s.trim_end_matches(is_py_space);
    if t.len() <= lead {
        return (end, end);
    }
    (start + lead, start + t.len())
}

/// Where the option the state machine would continue lives.
#[derive(Clone, Copy)]
struct Cur {
    section: usize,
    entry: usize,
}

struct Parser<'t> {
    text: &'t str,
    ini: Ini,
    /// Section name -> range and line of the first header's name.
    seen_sections: HashMap<String, (TextRange, usize)>,
    /// (section id, option name) -> range and line of the first key.
    seen_options: HashMap<(usize, String), (TextRange, usize)>,
    /// Section name -> id, for `seen_options`.
    section_ids: HashMap<String, usize>,
    /// The id of `sectname`.
    sect_id: usize,
    /// Index of the current section in `ini.sections` (CPython's `cursect`).
    cursect: Option<usize>,
    /// The current section's name (CPython's `sectname`).
    sectname: String,
    /// CPython's `optname`, when truthy.
    optname: Option<Cur>,
    indent_level: usize,
    /// Blank lines waiting to be appended to the current value.
    pending_blank: usize,
    /// The last line was a template option or its continuation: (section,
    /// comment index, indentation after `;` in chars).
    template: Option<(usize, usize, usize)>,
    missing_header_reported: bool,
}

/// Parse a text; never fails.
pub fn parse(text: &str) -> Ini {
    let mut p = Parser {
        text,
        ini: Ini::default(),
        seen_sections: HashMap::new(),
        seen_options: HashMap::new(),
        section_ids: HashMap::new(),
        sect_id: usize::MAX,
        cursect: None,
        sectname: String::new(),
        optname: None,
        indent_level: 0,
        pending_blank: 0,
        template: None,
        missing_header_reported: false,
    };
    let mut start = 0;
    let mut line = 0;
    while start <= text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        p.line(start, end, line);
        if end == text.len() {
            break;
        }
        start = end + 1;
        line += 1;
    }
    p.ini
}

impl Parser<'_> {
    fn line(&mut self, start: usize, end: usize, line: usize) {
        let text = self.text;
        let (cs, ce) = trim(text, start, end);
        let content = &text[cs..ce];
        if content.starts_with('#') || content.starts_with(';') {
            self.comment(cs, ce, line);
            return;
        }
        self.template = None;
        if content.is_empty() {
            if self.cursect.is_some() && self.optname.is_some() {
                self.pending_blank += 1;
            }
            return;
        }
        let indent = text[start..cs].chars().count();
        if let (Some(_), Some(cur)) = (self.cursect, self.optname) {
            if indent > self.indent_level {
                self.continuation(cur, cs, ce);
                return;
            }
        }
        self.pending_blank = 0;
        self.indent_level = indent;
        if let Some(close) = header_close(content) {
            self.header(start, cs, ce, close, line);
            return;
        }
        if self.cursect.is_none() {
            // CPython raises MissingSectionHeaderError here and stops. Go on
            // in a section without a header, reporting nothing more in it.
            if !self.missing_header_reported {
                self.missing_header_reported = true;
                self.ini.errors.push(IniError {
                    kind: IniErrorKind::MissingSectionHeader {
                        bom: content.starts_with('\u{feff}'),
                    },
                    range: TextRange::new(cs, ce),
                    line,
                });
            }
            if self.ini.sections.is_empty() {
                self.ini.sections.push(Section {
                    header: None,
                    range: TextRange::new(0, ce),
                    entries: Vec::new(),
                    comments: Vec::new(),
                    bad_lines: Vec::new(),
                });
            }
            self.cursect = Some(0);
            self.sectname = String::new();
        }
        let preamble = self.in_preamble();
        let sect = self.cursect.unwrap_or(0);
        self.touch(sect, ce);
        let Some(d) = content.find(['=', ':']) else {
            if !preamble {
                let kind = if content.starts_with('[') {
                    IniErrorKind::UnclosedSection
                } else {
                    IniErrorKind::NoDelimiter
                };
                self.ini.errors.push(IniError {
                    kind,
                    range: TextRange::new(cs, ce),
                    line,
                });
            }
            self.ini.sections[sect]
                .bad_lines
                .push(TextRange::new(cs, ce));
            return;
        };
        let d = cs + d;
        let (ks, ke) = trim(text, cs, d);
        let (ks, ke) = if ks >= ke { (cs, cs) } else { (ks, ke) };
        let key = &text[ks..ke];
        let name = py_lower(key);
        if key.is_empty() && !preamble {
            self.ini.errors.push(IniError {
                kind: IniErrorKind::EmptyOptionName,
                range: TextRange::new(cs, ce),
                line,
            });
        }
        let k = (self.sect_id, name.clone());
        if let Some(&(first, first_line)) = self.seen_options.get(&k) {
            if !preamble {
                self.ini.errors.push(IniError {
                    kind: IniErrorKind::DuplicateOption {
                        first,
                        first_line,
                        section: self.sectname.clone(),
                    },
                    range: if ke > ks {
                        TextRange::new(ks, ke)
                    } else {
                        TextRange::new(cs, d + 1)
                    },
                    line,
                });
            }
        } else {
            self.seen_options.insert(k, (TextRange::new(ks, ke), line));
        }
        let (vs, ve) = trim(text, d + 1, ce);
        let (vs, ve) = if vs >= ve { (ce, ce) } else { (vs, ve) };
        let value = text[vs..ve].to_string();
        let segments = if value.is_empty() {
            Vec::new()
        } else {
            vec![(0, vs, ve - vs)]
        };
        let entries = &mut self.ini.sections[sect].entries;
        entries.push(Entry {
            key: key.to_string(),
            name,
            key_range: TextRange::new(ks, ke),
            delimiter: text[d..].chars().next().unwrap_or('='),
            delimiter_range: TextRange::new(d, d + 1),
            value_range: TextRange::new(vs, ve),
            continuations: Vec::new(),
            value,
            segments,
            range: TextRange::new(cs, ce),
            line,
            indent: TextRange::new(start, cs),
        });
        self.optname = if key.is_empty() {
            None
        } else {
            Some(Cur {
                section: sect,
                entry: entries.len() - 1,
            })
        };
    }

    fn in_preamble(&self) -> bool {
        self.cursect
            .is_some_and(|i| self.ini.sections[i].header.is_none())
    }

    fn touch(&mut self, sect: usize, end: usize) {
        let r = &mut self.ini.sections[sect].range;
        r.end = r.end.max(end);
    }

    fn continuation(&mut self, cur: Cur, cs: usize, ce: usize) {
        let text = self.text;
        let blanks = std::mem::take(&mut self.pending_blank);
        let e = &mut self.ini.sections[cur.section].entries[cur.entry];
        // `'\n'.join(parts)`: each blank line before this one added an
        // empty part (trailing ones are dropped by `rstrip()` when no
        // continuation follows them).
        for _ in 0..=blanks {
            e.value.push('\n');
        }
        let at = e.value.len();
        e.value.push_str(&text[cs..ce]);
        e.segments.push((at, cs, ce - cs));
        e.continuations.push(TextRange::new(cs, ce));
        e.range.end = ce;
        self.touch(cur.section, ce);
    }

    fn header(&mut self, start: usize, cs: usize, ce: usize, close: usize, line: usize) {
        let text = self.text;
        let name_range = TextRange::new(cs + 1, cs + close);
        let name = text[name_range.start..name_range.end].to_string();
        let (ts, te) = trim(text, cs + close + 1, ce);
        let header = Header {
            name: name.clone(),
            name_range,
            range: TextRange::new(cs, cs + close + 1),
            trailing: (ts < te).then(|| TextRange::new(ts, te)),
            line,
        };
        if name != DEFAULT_SECTION {
            if let Some(&(first, first_line)) = self.seen_sections.get(&name) {
                self.ini.errors.push(IniError {
                    kind: IniErrorKind::DuplicateSection { first, first_line },
                    range: name_range,
                    line,
                });
            } else {
                self.seen_sections.insert(name.clone(), (name_range, line));
            }
        }
        self.ini.sections.push(Section {
            header: Some(header),
            // From the start of its line, so that a cursor in the header's
            // indentation belongs to it.
            range: TextRange::new(start, ce),
            entries: Vec::new(),
            comments: Vec::new(),
            bad_lines: Vec::new(),
        });
        let last = self.ini.sections.len() - 1;
        self.cursect = Some(last);
        let next = self.section_ids.len();
        self.sect_id = *self.section_ids.entry(name.clone()).or_insert(next);
        self.sectname = name;
        self.optname = None;
    }

    fn comment(&mut self, cs: usize, ce: usize, line: usize) {
        let text = self.text;
        let prefix = if text[cs..].starts_with('#') {
            '#'
        } else {
            ';'
        };
        let sect = match self.cursect {
            Some(s) => s,
            None => {
                // Comments before the first header: a headerless section
                // that holds them (CPython accepts them).
                if self.ini.sections.is_empty() {
                    self.ini.sections.push(Section {
                        header: None,
                        range: TextRange::new(0, ce),
                        entries: Vec::new(),
                        comments: Vec::new(),
                        bad_lines: Vec::new(),
                    });
                }
                0
            }
        };
        self.touch(sect, ce);
        let mut kind = CommentKind::Plain;
        if prefix == ';' {
            let body = cs + 1;
            let rest = &text[body..ce];
            let ws = rest.len() - rest.trim_start_matches(is_py_space).len();
            let depth = rest[..ws].chars().count();
            let parsed = template(text, body + ws, ce);
            // Deeper than the template above: its commented continuation,
            // unless it is one space deeper and reads as a template itself
            // (`;incident=` then `; <user>=`).
            let continues = self.template.filter(|(s, _, d)| {
                *s == sect && depth > *d && ws < rest.len() && (depth > d + 1 || parsed.is_none())
            });
            if let Some((s, ci, _)) = continues {
                if let CommentKind::Template(t) = &mut self.ini.sections[s].comments[ci].kind {
                    t.value.push('\n');
                    t.value.push_str(&text[body + ws..ce]);
                    t.continuations.push(TextRange::new(body + ws, ce));
                }
                kind = CommentKind::TemplateContinuation;
            } else if let Some(t) = parsed {
                let comments = &self.ini.sections[sect].comments;
                self.template = Some((sect, comments.len(), depth));
                kind = CommentKind::Template(t);
            } else {
                self.template = None;
            }
        } else {
            self.template = None;
        }
        self.ini.sections[sect].comments.push(Comment {
            range: TextRange::new(cs, ce),
            prefix,
            kind,
            line,
        });
    }
}

/// The byte index of the `]` closing a section header in a trimmed line:
/// CPython's `\[(?P<header>.+)\]` matched at the start, `.+` being greedy.
fn header_close(content: &str) -> Option<usize> {
    if !content.starts_with('[') {
        return None;
    }
    content.rfind(']').filter(|&i| i >= 2)
}

/// A template option in the text of a `;` comment after the `;` and its
/// spaces: a name of letters, digits, `_`, `-`, `.` or a `<placeholder>`,
/// then `=` (the SDK's templates never use `:`, which prose does).
fn template(text: &str, start: usize, end: usize) -> Option<Template> {
    let s = &text[start..end];
    let name_len = s
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '<' | '>')))
        .unwrap_or(s.len());
    if name_len == 0 {
        return None;
    }
    let after = &s[name_len..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    if !after[gap..].starts_with('=') {
        return None;
    }
    let key = &s[..name_len];
    if key.starts_with('<') && !key.ends_with('>') {
        return None;
    }
    let d = start + name_len + gap;
    let (vs, ve) = trim(text, d + 1, end);
    let (vs, ve) = if vs >= ve { (end, end) } else { (vs, ve) };
    Some(Template {
        key: key.to_string(),
        name: py_lower(key),
        key_range: TextRange::new(start, start + name_len),
        delimiter_range: TextRange::new(d, d + 1),
        value: text[vs..ve].to_string(),
        value_range: TextRange::new(vs, ve),
        continuations: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Sections<'a> = Vec<(Option<&'a str>, Vec<(&'a str, &'a str)>)>;

    fn sects(ini: &Ini) -> Sections<'_> {
        ini.sections
            .iter()
            .map(|s| {
                (
                    s.name(),
                    s.entries
                        .iter()
                        .map(|e| (e.name.as_str(), e.value.as_str()))
                        .collect(),
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
            .map(|(_, t)| (t.name.as_str(), t.value.as_str()))
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
