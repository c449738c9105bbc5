//! YAML 1.2 via `saphyr-parser` (a conforming event parser), folded into a
//! small tree whose every node carries its byte range. Aliases are kept as
//! references and never expanded, so an alias bomb costs nothing.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::SyntaxError;
use crate::text::TextRange;

/// Nesting deeper than this is reported and not built: real MANIFESTs are
/// flat, and a bounded depth keeps recursion over the tree safe.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub struct YamlDocument {
    /// The first document's root node; `None` for an empty stream.
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub kind: NodeKind,
    /// The node's tag as written (`!!str`, `!custom`), if any.
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
    Alias,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's content after YAML's own unescaping and folding.
    pub value: String,
    pub style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Mapping(e) => e,
            _ => &[],
        }
    }

    /// A short name for the kind of node, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Scalar(_) => "scalar",
            NodeKind::Mapping(_) => "mapping",
            NodeKind::Sequence(_) => "list",
            NodeKind::Alias => "alias",
        }
    }
}

impl Entry {
    /// The key's text when the key is a scalar.
    pub fn key_text(&self) -> Option<&str> {
        self.key.as_scalar().map(|s| s.value.as_str())
    }
}

impl YamlDocument {
    /// The top-level entries when the root is a mapping.
    pub fn entries(&self) -> &[Entry] {
        self.root.as_ref().map_or(&[], Node::entries)
    }

    /// The first top-level entry with this key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key_text() == Some(key))
    }
}

/// Converts the parser's character indexes to byte offsets. Events arrive
/// almost in text order, so a cursor that walks from the last answer costs
/// O(n) over a whole parse.
struct CharToByte<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'a> CharToByte<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index && self.bytes < self.text.len() {
            let c = self.text[self.bytes..].chars().next().unwrap_or('\0');
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > char_index {
            let c = self.text[..self.bytes].chars().next_back().unwrap_or('\0');
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.bytes
    }

    fn range(&mut self, span: &Span) -> TextRange {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        TextRange::new(start, end)
    }
}

enum Frame {
    Mapping {
        start: usize,
        tag: Option<String>,
        entries: Vec<Entry>,
        key: Option<Node>,
    },
    Sequence {
        start: usize,
        tag: Option<String>,
        items: Vec<Node>,
    },
}

/// Parses `text`. Past a syntax error a conforming parser knows nothing
/// more; since a MANIFEST is a flat mapping, the top-level `key:` lines after
/// the error are then parsed one by one, so that their own errors and values
/// are still reported (see [`recover`]).
pub fn parse(text: &str) -> YamlDocument {
    let doc = parse_conforming(text);
    if doc.errors.is_empty() {
        return doc;
    }
    recover(text, doc)
}

/// Top-level chunks recovered after an error: at most this many, so that a
/// hostile text cannot make recovery expensive.
const MAX_RECOVERED_CHUNKS: usize = 1000;

/// Appends to a document broken by a syntax error what the rest of the text
/// holds: each chunk starting with an unindented `key:` line after the error
/// is parsed on its own; its entries join the root mapping and its errors
/// the document's.
/// Recovery re-parses line by line; past this size (that of the largest
/// document the analysis reads) a broken text keeps what was read.
const MAX_RECOVERED_BYTES: usize = 16 * 1024 * 1024;

fn recover(text: &str, mut doc: YamlDocument) -> YamlDocument {
    let is_flat_mapping = match &doc.root {
        None => true,
        Some(root) => {
            matches!(root.kind, NodeKind::Mapping(_)) && root.range.start == first_content(text)
        }
    };
    if !is_flat_mapping || text.len() > MAX_RECOVERED_BYTES {
        return doc;
    }
    let error_at = doc.errors[0].range.start;
    // An entry that reaches the error's line holds whatever the parser made
    // of the broken text: drop it rather than check a wrong value.
    let error_line = crate::text::line_start(text, error_at.min(text.len()));
    if let Some(Node {
        kind: NodeKind::Mapping(entries),
        ..
    }) = &mut doc.root
    {
        entries.retain(|e| e.value.range.end < error_line && e.key.range.end < error_line);
    }
    let mut starts: Vec<usize> = Vec::new();
    let mut at = crate::text::line_end(text, error_at.min(text.len()));
    while at < text.len() {
        let next = match text[at..].find('\n') {
            Some(i) => at + i + 1,
            None => break,
        };
        let line = &text[next..crate::text::line_end(text, next)];
        if starts_chunk(line) {
            starts.push(next);
            if starts.len() > MAX_RECOVERED_CHUNKS {
                break;
            }
        }
        at = next;
    }
    let mut recovered = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = parse_conforming(&text[start..end]);
        doc.errors.extend(chunk.errors.into_iter().map(|mut e| {
            e.range = shift(e.range, start);
            e
        }));
        if let Some(Node {
            kind: NodeKind::Mapping(entries),
            ..
        }) = chunk.root
        {
            recovered.extend(entries.into_iter().map(|mut e| {
                shift_node(&mut e.key, start);
                shift_node(&mut e.value, start);
                e
            }));
        }
    }
    if recovered.is_empty() {
        return doc;
    }
    let root = doc.root.get_or_insert_with(|| Node {
        range: TextRange::empty(first_content(text)),
        kind: NodeKind::Mapping(Vec::new()),
        tag: None,
    });
    if let NodeKind::Mapping(entries) = &mut root.kind {
        if let Some(last) = recovered.last() {
            root.range.end = root.range.end.max(last.value.range.end);
        }
        entries.extend(recovered);
    }
    doc
}

/// A line that begins a top-level entry: unindented, not a comment, a list
/// item or a document marker, holding `key:`.
fn starts_chunk(line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    !matches!(first, ' ' | '\t' | '#' | '-' | '.' | '%' | '\r')
        && line.find(':').is_some_and(|i| {
            line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t', '\r'])
        })
}

/// Where the first key of a document starts (after comments and blank lines).
fn first_content(text: &str) -> usize {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start_matches('\u{feff}').trim();
        if !t.is_empty() && !t.starts_with('#') && t != "---" {
            return at + (line.len() - line.trim_start_matches(['\u{feff}', ' ', '\t']).len());
        }
        at += line.len();
    }
    text.len()
}

fn shift(r: TextRange, by: usize) -> TextRange {
    TextRange::new(r.start + by, r.end + by)
}

fn shift_node(node: &mut Node, by: usize) {
    node.range = shift(node.range, by);
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for e in entries {
                shift_node(&mut e.key, by);
                shift_node(&mut e.value, by);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                shift_node(item, by);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Alias => {}
    }
}

/// A conforming YAML 1.2 parse; stops at the first error.
fn parse_conforming(text: &str) -> YamlDocument {
    let mut pos = CharToByte::new(text);
    let mut errors = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    // Nodes of a second document are not built; only its errors count.
    let mut building = true;
    let mut skipped_depth = 0usize;
    let mut last_end = 0;

    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let at = pos.byte(e.marker().index());
                errors.push(SyntaxError {
                    range: error_range(text, at),
                    message: e.info().to_string(),
                });
                break;
            }
        };
        let range = pos.range(&span);
        last_end = last_end.max(range.end);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents == 2 {
                    errors.push(SyntaxError {
                        range: error_range(text, range.start),
                        message: "a MANIFEST holds one YAML document; SPS rejects a second one"
                            .into(),
                    });
                    building = false;
                }
                continue;
            }
            Event::Scalar(value, style, _, tag) => {
                if !building || skipped_depth > 0 {
                    continue;
                }
                Node {
                    range,
                    kind: NodeKind::Scalar(Scalar {
                        value: value.into_owned(),
                        style: convert_style(style),
                    }),
                    tag: tag.map(|t| t.to_string()),
                }
            }
            Event::Alias(_) => {
                if !building || skipped_depth > 0 {
                    continue;
                }
                Node {
                    range,
                    kind: NodeKind::Alias,
                    tag: None,
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_mapping = matches!(event, Event::MappingStart(..));
                let (Event::MappingStart(_, tag) | Event::SequenceStart(_, tag)) = event else {
                    continue;
                };
                if !building || skipped_depth > 0 {
                    skipped_depth += usize::from(building);
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    errors.push(SyntaxError {
                        range: error_range(text, range.start),
                        message: format!("nesting deeper than {MAX_DEPTH} levels is not analysed"),
                    });
                    skipped_depth = 1;
                    continue;
                }
                let tag = tag.map(|t| t.to_string());
                stack.push(if is_mapping {
                    Frame::Mapping {
                        start: range.start,
                        tag,
                        entries: Vec::new(),
                        key: None,
                    }
                } else {
                    Frame::Sequence {
                        start: range.start,
                        tag,
                        items: Vec::new(),
                    }
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if !building {
                    continue;
                }
                if skipped_depth > 0 {
                    skipped_depth -= 1;
                    continue;
                }
                let Some(frame) = stack.pop() else { continue };
                close(frame, range.end.max(last_end))
            }
            _ => continue,
        };
        attach(&mut stack, &mut root, node);
    }
    // After an error, close whatever is open so that the part read so far
    // stays available to analysis and completion.
    while let Some(frame) = stack.pop() {
        let node = close(frame, last_end);
        attach(&mut stack, &mut root, node);
    }
    YamlDocument { root, errors }
}

fn close(frame: Frame, end: usize) -> Node {
    match frame {
        Frame::Mapping {
            start,
            tag,
            entries,
            ..
        } => Node {
            range: TextRange::new(start, end.max(start)),
            kind: NodeKind::Mapping(entries),
            tag,
        },
        Frame::Sequence { start, tag, items } => Node {
            range: TextRange::new(start, end.max(start)),
            kind: NodeKind::Sequence(items),
            tag,
        },
    }
}

fn attach(stack: &mut [Frame], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
        Some(Frame::Sequence { items, .. }) => items.push(node),
        Some(Frame::Mapping { entries, key, .. }) => match key.take() {
            None => *key = Some(node),
            Some(k) => entries.push(Entry {
                key: k,
                value: node,
            }),
        },
    }
}

/// An error is shown on the character it names, or at the end of the text.
fn error_range(text: &str, at: usize) -> TextRange {
    let at = at.min(text.len());
    let len = text[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    TextRange::new(at, at + len)
}

fn convert_style(style: ScalarStyle) -> Style {
    match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, r: TextRange) -> &str {
        &text[r.start..r.end]
    }

    #[test]
    fn entries_carry_exact_ranges() {
        let text = "name: Foo\nversion: '1.0'\né: \"x\"\n";
        let doc = parse(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let e = doc.entries();
        assert_eq!(e.len(), 3);
        assert_eq!(slice(text, e[0].key.range), "name");
        assert_eq!(slice(text, e[0].value.range), "Foo");
        assert_eq!(slice(text, e[1].value.range), "'1.0'");
        assert_eq!(slice(text, e[2].key.range), "é");
        assert_eq!(slice(text, e[2].value.range), "\"x\"");
    }

    #[test]
    fn broken_text_keeps_what_came_before() {
        let text = "name: Foo\nentry_point=main.py\ntype: aa\n";
        let doc = parse(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(
            doc.get("name").unwrap().value.as_scalar().unwrap().value,
            "Foo"
        );
    }

    #[test]
    fn keys_after_a_syntax_error_are_still_read() {
        let text = "name: x\ndescription: a: b\ntype: AA\napi: 1\n  nested: 2\nentry_point=main.py\nversion: v1\n";
        let doc = parse(text);
        let keys: Vec<&str> = doc.entries().iter().filter_map(Entry::key_text).collect();
        assert_eq!(keys, vec!["name", "type", "api", "version"]);
        assert_eq!(slice(text, doc.get("type").unwrap().value.range), "AA");
        assert!(doc.errors.len() >= 2, "{:?}", doc.errors);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "[".repeat(10_000);
        let doc = parse(&text);
        assert!(!doc.errors.is_empty());
    }
}
