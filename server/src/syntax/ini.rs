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

use rustc_hash::FxHashMap;

use crate::text::TextRange;

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
}

/// Python whitespace in ASCII: `\t\n\x0b\x0c\r`, `\x1c`..`\x1f` and space.
fn is_ascii_py_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ')
}

/// Trim Python whitespace from both ends of `text[start..end]`.
fn trim(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let b = s.as_bytes();
    // ASCII fast paths; any other byte falls back to char decoding.
    let mut lead = 0;
    while lead < b.len() && is_ascii_py_space(b[lead]) {
        lead += 1;
    }
    if lead < b.len() && !b[lead].is_ascii() {
        lead = s.len() - s.trim_start_matches(is_py_space).len();
    }
    let mut tail = b.len();
    while tail > lead && is_ascii_py_space(b[tail - 1]) {
        tail -= 1;
    }
    if tail > lead && !b[tail - 1].is_ascii() {
        tail = s.trim_end_matches(is_py_space).len();
    }
    if tail <= lead {
        return (end, end);
    }
    (start + lead, start + tail)
}

/// Where the option the state machine would continue lives.
#[derive(Clone, Copy)]
struct Cur {
    section: usize,
    entry: usize,
}

/// What is known of a section name met before.
struct SeenSection {
    /// The id of the name, for `seen_options`.
    id: usize,
    /// Range and line of the first header's name.
    first: TextRange,
    first_line: usize,
    /// Index in `ini.sections` of its first section.
    sect: usize,
    /// Its options are in `seen_options` (else: only in its one section).
    in_map: bool,
}

/// Above this many options in a section, duplicates are looked up in a
/// hash map rather than among the section's options.
const SCAN_LIMIT: usize = 16;

struct Parser<'t> {
    text: &'t str,
    ini: Ini<'t>,
    /// Section name -> its id and first header.
    seen_sections: FxHashMap<&'t str, SeenSection>,
    /// (section id, option name) -> range and line of the first key, for
    /// the sections in the map (big ones, and names met more than once);
    /// the others are searched among their own options.
    seen_options: FxHashMap<(usize, Cow<'t, str>), (TextRange, usize)>,
    /// The current section's options are in `seen_options`.
    cur_in_map: bool,
    /// The id of `sectname`.
    sect_id: usize,
    /// Index of the current section in `ini.sections` (CPython's `cursect`).
    cursect: Option<usize>,
    /// The current section's name (CPython's `sectname`).
    sectname: &'t str,
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

impl<'t> Parser<'t> {
    fn new(text: &'t str, expected: usize) -> Self {
        Parser {
            text,
            ini: Ini {
                sections: Vec::with_capacity(expected / 512),
                errors: Vec::new(),
            },
            seen_sections: FxHashMap::default(),
            seen_options: FxHashMap::default(),
            cur_in_map: false,
            sect_id: usize::MAX,
            cursect: None,
            sectname: "",
            optname: None,
            indent_level: 0,
            pending_blank: 0,
            template: None,
            missing_header_reported: false,
        }
    }

    /// Feed the lines starting at `from` (a line start, on zero-based line
    /// `line`) up to the end of the text, or up to the line starting at
    /// `to`.
    fn run(&mut self, from: usize, to: Option<usize>, mut line: usize) {
        let text = self.text;
        let mut start = from;
        while start <= text.len() && to.is_none_or(|to| start < to) {
            let end = memchr_nl(text, start);
            self.line(start, end, line);
            if end == text.len() {
                break;
            }
            start = end + 1;
            line += 1;
        }
    }
}

/// The end of the line starting at `start`: its `\n` or the end of text.
fn memchr_nl(text: &str, start: usize) -> usize {
    text.as_bytes()[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |i| start + i)
}

/// Parse a text; never fails.
pub fn parse(text: &str) -> Ini<'_> {
    let mut p = Parser::new(text, text.len());
    p.run(0, None, 0);
    p.ini
}

/// The sections around the lines from `start` to `end` exactly as [`parse`]
/// gives them (those holding the lines included), without the cost of
/// parsing the whole text. Errors are not reliable (duplicates elsewhere are
/// not seen): this is for the features that look at the cursor's section.
///
/// A line starting with `[` in its first column that reads as a header is a
/// header whatever comes before it (it can continue no value, being
/// indented by nothing), and a header resets the state machine; so parsing
/// from the last such line at or before `start`'s line up to the next one
/// after `end`'s line gives the same sections.
pub fn parse_around(text: &str, start: usize, end: usize) -> Ini<'_> {
    let end = end.min(text.len());
    let start = start.min(end);
    let b = text.as_bytes();
    let line_of = |at: usize| {
        b[..at]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1)
    };
    let is_header_line = |ls: usize| {
        b.get(ls) == Some(&b'[') && {
            let (cs, ce) = trim(text, ls, memchr_nl(text, ls));
            header_close(&text[cs..ce]).is_some()
        }
    };
    // Back to the last header line in the first column.
    let mut from = line_of(start);
    while from > 0 && !is_header_line(from) {
        from = line_of(from - 1);
    }
    // On to the next one.
    let mut to = None;
    let mut ls = line_of(end);
    loop {
        let le = memchr_nl(text, ls);
        if le == text.len() {
            break;
        }
        ls = le + 1;
        if is_header_line(ls) {
            to = Some(ls);
            break;
        }
    }
    let line = b[..from].iter().filter(|&&c| c == b'\n').count();
    let len = to.unwrap_or(text.len()) - from;
    let mut p = Parser::new(text, len);
    p.run(from, to, line);
    p.ini
}

impl<'t> Parser<'t> {
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
        let lead = &text[start..cs];
        let indent = if lead.is_ascii() {
            lead.len()
        } else {
            lead.chars().count()
        };
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
                    percent: false,
                });
            }
            self.cursect = Some(0);
            self.sectname = "";
        }
        let preamble = self.in_preamble();
        let sect = self.cursect.unwrap_or(0);
        self.touch(sect, ce);
        let Some(d) = content.bytes().position(|c| c == b'=' || c == b':') else {
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
        if !self.cur_in_map && self.ini.sections[sect].entries.len() >= SCAN_LIMIT {
            self.move_to_map(sect);
            self.cur_in_map = true;
            if let Some(seen) = self.seen_sections.get_mut(self.sectname) {
                if seen.id == self.sect_id {
                    seen.in_map = true;
                }
            }
        }
        let seen = if self.cur_in_map {
            match self.seen_options.entry((self.sect_id, name.clone())) {
                std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((TextRange::new(ks, ke), line));
                    None
                }
            }
        } else {
            self.ini.sections[sect]
                .entries
                .iter()
                .find(|e| e.name == name)
                .map(|e| (e.key_range, e.line))
        };
        if let (Some((first, first_line)), false) = (seen, preamble) {
            self.ini.errors.push(IniError {
                kind: IniErrorKind::DuplicateOption {
                    first,
                    first_line,
                    section: self.sectname,
                },
                range: if ke > ks {
                    TextRange::new(ks, ke)
                } else {
                    TextRange::new(cs, d + 1)
                },
                line,
            });
        }
        let (vs, ve) = trim(text, d + 1, ce);
        let (vs, ve) = if vs >= ve { (ce, ce) } else { (vs, ve) };
        let section = &mut self.ini.sections[sect];
        section.percent |= text.as_bytes()[vs..ve].contains(&b'%');
        let entries = &mut section.entries;
        entries.push(Entry {
            key,
            name,
            key_range: TextRange::new(ks, ke),
            delimiter: if text.as_bytes()[d] == b':' { ':' } else { '=' },
            delimiter_range: TextRange::new(d, d + 1),
            value_range: TextRange::new(vs, ve),
            continuations: Vec::new(),
            value: Cow::Borrowed(&text[vs..ve]),
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

    /// Puts the options of `ini.sections[sect]` (of the current id) in
    /// `seen_options`, the first of each name.
    fn move_to_map(&mut self, sect: usize) {
        let id = self.sect_id;
        for e in &self.ini.sections[sect].entries {
            self.seen_options
                .entry((id, e.name.clone()))
                .or_insert((e.key_range, e.line));
        }
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
        let section = &mut self.ini.sections[cur.section];
        section.percent |= text.as_bytes()[cs..ce].contains(&b'%');
        let e = &mut section.entries[cur.entry];
        // `'\n'.join(parts)`: each blank line before this one added an
        // empty part (trailing ones are dropped by `rstrip()` when no
        // continuation follows them).
        let value = e.value.to_mut();
        for _ in 0..=blanks {
            value.push('\n');
        }
        value.push_str(&text[cs..ce]);
        e.continuations.push(TextRange::new(cs, ce));
        e.range.end = ce;
        self.touch(cur.section, ce);
    }

    fn header(&mut self, start: usize, cs: usize, ce: usize, close: usize, line: usize) {
        let text = self.text;
        let name_range = TextRange::new(cs + 1, cs + close);
        let name = &text[name_range.start..name_range.end];
        let (ts, te) = trim(text, cs + close + 1, ce);
        let header = Header {
            name,
            name_range,
            range: TextRange::new(cs, cs + close + 1),
            trailing: (ts < te).then(|| TextRange::new(ts, te)),
            line,
        };
        let next = self.seen_sections.len();
        match self.seen_sections.entry(name) {
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let seen = o.get_mut();
                if name != DEFAULT_SECTION {
                    self.ini.errors.push(IniError {
                        kind: IniErrorKind::DuplicateSection {
                            first: seen.first,
                            first_line: seen.first_line,
                        },
                        range: name_range,
                        line,
                    });
                }
                self.sect_id = seen.id;
                // Met again: its options so far are in its first section.
                let (first_sect, in_map) = (seen.sect, seen.in_map);
                seen.in_map = true;
                if !in_map {
                    self.move_to_map(first_sect);
                }
                self.cur_in_map = true;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(SeenSection {
                    id: next,
                    first: name_range,
                    first_line: line,
                    sect: self.ini.sections.len(),
                    in_map: false,
                });
                self.sect_id = next;
                self.cur_in_map = false;
            }
        }
        // Sections of a file tend to be alike: room for as many options and
        // comments as the one before, which saves growing the vectors.
        let (entries, comments) = self
            .ini
            .sections
            .last()
            .map_or((0, 0), |s| (s.entries.len(), s.comments.len()));
        self.ini.sections.push(Section {
            header: Some(header),
            // From the start of its line, so that a cursor in the header's
            // indentation belongs to it.
            range: TextRange::new(start, ce),
            entries: Vec::with_capacity(entries),
            comments: Vec::with_capacity(comments),
            bad_lines: Vec::new(),
            percent: false,
        });
        let last = self.ini.sections.len() - 1;
        self.cursect = Some(last);
        self.sectname = name;
        self.optname = None;
    }

    fn comment(&mut self, cs: usize, ce: usize, line: usize) {
        let text = self.text;
        let prefix = if text.as_bytes()[cs] == b'#' {
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
                        percent: false,
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
            let depth = if rest[..ws].is_ascii() {
                ws
            } else {
                rest[..ws].chars().count()
            };
            let parsed = template(text, body + ws, ce);
            // Deeper than the template above: its commented continuation,
            // unless it is one space deeper and reads as a template itself
            // (`;incident=` then `; <user>=`).
            let continues = self.template.filter(|(s, _, d)| {
                *s == sect && depth > *d && ws < rest.len() && (depth > d + 1 || parsed.is_none())
            });
            if let Some((s, ci, _)) = continues {
                if let CommentKind::Template(t) = &mut self.ini.sections[s].comments[ci].kind {
                    let value = t.value.to_mut();
                    value.push('\n');
                    value.push_str(&text[body + ws..ce]);
                    t.continuations.push(TextRange::new(body + ws, ce));
                }
                kind = CommentKind::TemplateContinuation;
            } else if let Some(t) = parsed {
                let comments = &self.ini.sections[sect].comments;
                self.template = Some((sect, comments.len(), depth));
                kind = CommentKind::Template(Box::new(t));
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
    content.bytes().rposition(|b| b == b']').filter(|&i| i >= 2)
}

/// A template option in the text of a `;` comment after the `;` and its
/// spaces: a name of letters, digits, `_`, `-`, `.` or a `<placeholder>`,
/// then `=` (the SDK's templates never use `:`, which prose does).
fn template(text: &str, start: usize, end: usize) -> Option<Template<'_>> {
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
        key,
        name: py_lower(key),
        key_range: TextRange::new(start, start + name_len),
        delimiter_range: TextRange::new(d, d + 1),
        value: Cow::Borrowed(&text[vs..ve]),
        value_range: TextRange::new(vs, ve),
        continuations: Vec::new(),
    })
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
