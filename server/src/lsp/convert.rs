//! Conversions between the protocol's positions and the byte offsets used
//! everywhere else.

use ls_types as lsp;

use crate::analysis::codes::Code;
use crate::analysis::{self, Severity};
use crate::text::{Encoding, LineCol, LineIndex, TextRange};

/// A text with its line index: what conversions need.
pub struct Text<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: Encoding,
}

impl Text<'_> {
    pub fn offset(&self, pos: lsp::Position) -> usize {
        self.index.offset(
            self.text,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            self.encoding,
        )
    }

    pub fn range_from_lsp(&self, r: lsp::Range) -> TextRange {
        let start = self.offset(r.start);
        let end = self.offset(r.end).max(start);
        TextRange::new(start, end)
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        let lc = self.index.line_col(self.text, offset, self.encoding);
        lsp::Position::new(lc.line, lc.col)
    }

    pub fn range(&self, r: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(r.start), self.position(r.end))
    }

    /// Diagnostics converted, each code's documentation link parsed once.
    pub fn diagnostics(
        &self,
        uri: &lsp::Uri,
        diags: &[analysis::Diagnostic],
    ) -> Vec<lsp::Diagnostic> {
        let mut links: Vec<(Code, Option<lsp::CodeDescription>)> = Vec::new();
        diags
            .iter()
            .map(|d| {
                let link = match links.iter().find(|(c, _)| *c == d.code) {
                    Some((_, link)) => link.clone(),
                    None => {
                        let link = code_description(d.code);
                        links.push((d.code, link.clone()));
                        link
                    }
                };
                self.diagnostic_linked(uri, d, link)
            })
            .collect()
    }

    pub fn diagnostic(&self, uri: &lsp::Uri, d: &analysis::Diagnostic) -> lsp::Diagnostic {
        self.diagnostic_linked(uri, d, code_description(d.code))
    }

    fn diagnostic_linked(
        &self,
        uri: &lsp::Uri,
        d: &analysis::Diagnostic,
        code_description: Option<lsp::CodeDescription>,
    ) -> lsp::Diagnostic {
        let related = (!d.related.is_empty()).then(|| {
            d.related
                .iter()
                .map(|r| lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(uri.clone(), self.range(r.range)),
                    message: r.message.clone(),
                })
                .collect()
        });
        lsp::Diagnostic {
            range: self.range(d.range),
            severity: Some(severity(d.severity)),
            code: Some(lsp::NumberOrString::String(d.code.to_string())),
            code_description,
            source: Some("sps-plugin-ls".into()),
            message: d.message.clone(),
            related_information: related,
            ..Default::default()
        }
    }

    pub fn edit(&self, e: &analysis::Edit) -> lsp::TextEdit {
        lsp::TextEdit::new(self.range(e.range), e.new_text.clone())
    }
}

fn code_description(code: Code) -> Option<lsp::CodeDescription> {
    code.doc_url()
        .parse()
        .ok()
        .map(|href| lsp::CodeDescription { href })
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn encoding_kind(e: Encoding) -> lsp::PositionEncodingKind {
    match e {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 | Encoding::Utf32 => lsp::PositionEncodingKind::UTF16,
    }
}

/// UTF-8 when the client offers it (no conversion at all), else UTF-16,
/// which every client must support.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}
