//! The state machine that reads a text line by line as CPython's
//! `RawConfigParser._read` does (see the rules in [`super`]), and the
//! recognition of commented-out template options.

use rustc_hash::FxHashMap;

use super::*;

mod chunks;

pub use chunks::{chunks, lines_between, parse_chunk, Chunk};

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
    memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i)
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
    let line = lines_between(text, 0, from);
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
