//! One module per protocol method: finding the code for
//! `textDocument/hover` is opening `hover.rs`.

pub mod code_action;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod document_link;
pub mod document_symbol;
pub mod folding_range;
pub mod hover;
pub mod initialize;

use crate::analysis::Context;
use crate::lsp::server::RequestSnapshot;
use crate::workspace::Files;

/// Runs `f` with the analysis context of a request's document.
fn with_context<R>(s: &RequestSnapshot, f: impl FnOnce(&Context) -> R) -> R {
    s.with_files(|files: &dyn Files| f(&Context::new(&s.path, files)))
}
