//! `textDocument/documentLink`: file names that lead to files.

use crate::lsp::rpc::Result;
use ls_types::*;

use super::with_context;
use crate::features;
use crate::lsp::snapshot::RequestSnapshot;

pub fn handle(s: &RequestSnapshot, _: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
    let text = s.convert();
    let links = with_context(s, |cx| features::links(s.kind, &s.doc.text, cx));
    Ok(Some(
        links
            .into_iter()
            .filter_map(|l| {
                Some(DocumentLink {
                    range: text.range(l.range),
                    target: Some(Uri::from_file_path(&l.target)?),
                    tooltip: None,
                    data: None,
                })
            })
            .collect(),
    ))
}
