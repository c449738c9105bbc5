//! What an editor asks about a place in a document, answered on byte
//! offsets. Each document kind has its own module; this one holds the shared
//! types and dispatches.

pub mod config;
pub mod fix_all;
pub mod format;
pub mod manifest;
#[cfg(test)]
mod manifest_tests;
pub mod python;
pub mod reference;
pub mod rename;
pub mod suppress;
#[cfg(test)]
mod suppress_tests;

use crate::analysis::{self, Context, Edit};
use crate::text::TextRange;
use crate::workspace::DocKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Value,
    Section,
    File,
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What replaces `replace`; a snippet with `$1` placeholders when
    /// `snippet` is set.
    pub insert_text: String,
    pub snippet: bool,
    /// The text the item replaces (the word being typed).
    pub replace: TextRange,
    pub sort_text: Option<String>,
}

impl CompletionItem {
    pub fn new(label: impl Into<String>, kind: CompletionKind, replace: TextRange) -> Self {
        let label = label.into();
        Self {
            insert_text: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            snippet: false,
            replace,
            sort_text: None,
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    pub fn docs(mut self, d: impl Into<String>) -> Self {
        self.documentation = Some(d.into());
        self
    }

    pub fn insert(mut self, text: impl Into<String>, snippet: bool) -> Self {
        self.insert_text = text.into();
        self.snippet = snippet;
        self
    }

    pub fn sort(mut self, key: impl Into<String>) -> Self {
        self.sort_text = Some(key.into());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// The signature of the call being written, with its parameters as byte
/// ranges of `label` and the one the cursor's argument goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// `PluginConfiguration.get(section, option, default=None, required=False)`.
    pub label: String,
    /// Markdown.
    pub documentation: String,
    pub parameters: Vec<ParameterHelp>,
    /// Into `parameters`.
    pub active_parameter: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterHelp {
    /// Byte offsets in the signature's label.
    pub range: (usize, usize),
    /// Markdown.
    pub documentation: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A MANIFEST key or a default.cfg option.
    Key,
    /// A default.cfg section, or a section the code reads.
    Section,
    /// A Python class.
    Class,
    /// A method of a Python class.
    Method,
    /// A module-level Python function.
    Function,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole construct.
    pub range: TextRange,
    /// The name within it.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The diagnostic the action repairs, if any.
    pub fixes: Option<analysis::Diagnostic>,
}

/// A foldable region, as byte offsets of its first and last line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start: usize,
    pub end: usize,
}

/// A file name in the text that leads to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub range: TextRange,
    pub target: std::path::PathBuf,
}

/// Where go-to-definition lands: a place in a file, with the file's text
/// so that the protocol layer can turn the byte range into a position.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: std::path::PathBuf,
    /// In `text`; empty at 0 for "the file itself".
    pub range: TextRange,
    pub text: std::sync::Arc<str>,
}

pub fn completion(kind: DocKind, text: &str, offset: usize, cx: &Context) -> Vec<CompletionItem> {
    let offset = clamp(text, offset);
    match kind {
        DocKind::Manifest => manifest::completion(text, offset, cx),
        DocKind::Config => config::completion(text, offset, cx),
        DocKind::Python => python::completion(text, offset, cx),
        DocKind::Settings => Vec::new(),
    }
}

pub fn hover(kind: DocKind, text: &str, offset: usize, cx: &Context) -> Option<Hover> {
    let offset = clamp(text, offset);
    match kind {
        DocKind::Manifest => manifest::hover(text, offset, cx),
        DocKind::Config => config::hover(text, offset, cx),
        DocKind::Python => python::hover(text, offset, cx),
        DocKind::Settings => None,
    }
}

/// The signature of the SDK call being written at `offset` (Python only).
pub fn signature_help(
    kind: DocKind,
    text: &str,
    offset: usize,
    cx: &Context,
) -> Option<SignatureHelp> {
    let offset = clamp(text, offset);
    match kind {
        DocKind::Python => python::sdk_help::signature_help(text, offset, cx),
        _ => None,
    }
}

pub fn symbols(kind: DocKind, text: &str, cx: &Context) -> Vec<Symbol> {
    match kind {
        DocKind::Manifest => manifest::symbols(text),
        DocKind::Config => config::symbols(text, cx),
        DocKind::Python => python::outline::symbols(text, cx),
        DocKind::Settings => Vec::new(),
    }
}

pub fn folding(kind: DocKind, text: &str) -> Vec<Fold> {
    match kind {
        DocKind::Manifest | DocKind::Settings => Vec::new(),
        DocKind::Config => config::folding(text),
        DocKind::Python => python::outline::folding(text),
    }
}

/// Code actions for a range: the fixes of the diagnostics it touches, then
/// for default.cfg the assists that repair nothing (uncomment an option),
/// then "Ignore `<code>` on this line" for each of them.
pub fn actions(kind: DocKind, text: &str, range: TextRange, cx: &Context) -> Vec<Action> {
    let diagnostics = analysis::analyze(kind, text, cx);
    let mut out: Vec<Action> = diagnostics
        .iter()
        .filter(|d| d.range.intersects(range))
        .flat_map(|d| {
            // A fix may edit another file (documenting an option in
            // default.cfg from a .py): its edits say which.
            d.fixes.iter().map(move |f| Action {
                title: f.title.clone(),
                edits: f.edits.clone(),
                fixes: Some(d.clone()),
            })
        })
        .collect();
    if kind == DocKind::Config {
        out.extend(config::assists(text, range, cx));
    }
    out.extend(suppress::ignore_actions(kind, text, &diagnostics, range));
    out
}

/// Where the cursor at `offset` goes with go-to-definition.
pub fn definition(kind: DocKind, text: &str, offset: usize, cx: &Context) -> Option<Target> {
    match kind {
        DocKind::Manifest => manifest::definition(text, clamp(text, offset), cx),
        DocKind::Config => config::definition(text, clamp(text, offset), cx),
        DocKind::Python => python::definition(clamp(text, offset), cx),
        DocKind::Settings => None,
    }
}

/// Where the option or section at `offset` is used: in default.cfg, every
/// read of it in the plugin's code; in the code, its places in the
/// configuration files and every other read of it.
pub fn references(kind: DocKind, text: &str, offset: usize, cx: &Context) -> Vec<Target> {
    let offset = clamp(text, offset);
    match kind {
        DocKind::Config => config::references(text, offset, cx),
        DocKind::Python => match python::names::at(text, offset, cx) {
            Some(name) => python::names::occurrences(&name, cx)
                .into_iter()
                .filter(|t| !(t.path == cx.path && t.range.touches(offset)))
                .collect(),
            None => Vec::new(),
        },
        DocKind::Manifest | DocKind::Settings => Vec::new(),
    }
}

/// The places in this document that name what `offset` is on: a section
/// or option of the configuration, in default.cfg or in the code.
pub fn highlights(kind: DocKind, text: &str, offset: usize, cx: &Context) -> Vec<TextRange> {
    let offset = clamp(text, offset);
    let name = match kind {
        DocKind::Config => config::code::name_at(text, offset)
            .map(|(section, option)| python::names::ConfigName { section, option }),
        DocKind::Python => python::names::at(text, offset, cx),
        DocKind::Manifest | DocKind::Settings => None,
    };
    let Some(name) = name else {
        return Vec::new();
    };
    if kind == DocKind::Config {
        return config::code::places(text, &name.section, name.option.as_deref());
    }
    python::names::occurrences(&name, cx)
        .into_iter()
        .filter(|t| t.path == cx.path)
        .map(|t| t.range)
        .collect()
}

/// A hint the editor shows after `offset`, in the text's flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    /// Longer words for the hint's tooltip.
    pub tooltip: String,
}

/// Inlay hints in `range`: after a MANIFEST value PyYAML reads otherwise
/// than it is written, what SPS reads; after a commented-out option of
/// default.cfg whose default differs from the code's, the code's.
pub fn inlay_hints(kind: DocKind, text: &str, range: TextRange, cx: &Context) -> Vec<InlayHint> {
    let hints = match kind {
        DocKind::Manifest => manifest::inlay_hints(text),
        DocKind::Config => config::inlay_hints(text, cx),
        DocKind::Python | DocKind::Settings => Vec::new(),
    };
    hints
        .into_iter()
        .filter(|h| range.start <= h.offset && h.offset <= range.end)
        .collect()
}

pub fn links(kind: DocKind, text: &str, cx: &Context) -> Vec<Link> {
    match kind {
        DocKind::Manifest => manifest::links(text, cx),
        DocKind::Python => python::outline::links(text, cx),
        DocKind::Config | DocKind::Settings => Vec::new(),
    }
}

fn clamp(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The range of the word (letters, digits, `_`, `-`, `.`) around `offset`.
pub fn word_at(text: &str, offset: usize) -> TextRange {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, c)| offset + i + c.len_utf8());
    TextRange::new(start, end)
}
