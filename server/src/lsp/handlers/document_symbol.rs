//! `textDocument/documentSymbol`.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features::{self, Symbol};
use crate::lsp::convert::Text;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(
    s: &RequestSnapshot,
    _: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let text = s.convert();
    let symbols = with_context(s, |cx| features::symbols(s.kind, &s.doc.text, cx));
    Ok(Some(DocumentSymbolResponse::Nested(
        symbols.iter().map(|sym| convert(&text, sym)).collect(),
    )))
}

#[allow(deprecated)] // `deprecated` is a required field of the struct.
fn convert(text: &Text, s: &Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: if s.name.is_empty() {
            " ".into()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        kind: match s.kind {
            features::SymbolKind::Key => SymbolKind::PROPERTY,
            features::SymbolKind::Section => SymbolKind::NAMESPACE,
            features::SymbolKind::Class => SymbolKind::CLASS,
            features::SymbolKind::Method => SymbolKind::METHOD,
            features::SymbolKind::Function => SymbolKind::FUNCTION,
        },
        tags: None,
        deprecated: None,
        range: text.range(s.range),
        selection_range: text.range(s.selection),
        children: (!s.children.is_empty())
            .then(|| s.children.iter().map(|c| convert(text, c)).collect()),
    }
}
