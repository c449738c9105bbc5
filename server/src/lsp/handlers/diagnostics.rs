//! `textDocument/publishDiagnostics`: the analysis of a snapshot, converted.

use ls_types as lsp;

use super::with_context;
use crate::analysis::{self, Diagnostic};
use crate::lsp::snapshot::RequestSnapshot;

pub fn analyse(s: &RequestSnapshot) -> Vec<Diagnostic> {
    with_context(s, |cx| analysis::analyze(s.kind, &s.doc.text, cx))
}

pub fn to_lsp(s: &RequestSnapshot, diags: &[Diagnostic]) -> Vec<lsp::Diagnostic> {
    s.convert().diagnostics(&s.uri, diags)
}
