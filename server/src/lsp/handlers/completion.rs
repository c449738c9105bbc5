//! `textDocument/completion`.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features::{self, CompletionKind};
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let text = s.convert();
    let offset = text.offset(params.text_document_position.position);
    let items = with_context(s, |cx| {
        features::completion(s.kind, &s.doc.text, offset, cx)
    });
    let items = items
        .into_iter()
        .map(|item| CompletionItem {
            label: item.label,
            kind: Some(match item.kind {
                CompletionKind::Key => CompletionItemKind::PROPERTY,
                CompletionKind::Value => CompletionItemKind::VALUE,
                CompletionKind::Section => CompletionItemKind::MODULE,
                CompletionKind::File => CompletionItemKind::FILE,
                CompletionKind::Snippet => CompletionItemKind::SNIPPET,
            }),
            detail: item.detail,
            documentation: item.documentation.map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d,
                })
            }),
            insert_text_format: Some(if item.snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                text.range(item.replace),
                item.insert_text,
            ))),
            sort_text: item.sort_text,
            ..Default::default()
        })
        .collect();
    Ok(Some(CompletionResponse::Array(items)))
}
