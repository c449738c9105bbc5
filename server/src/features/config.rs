//! default.cfg features.

use super::{CompletionItem, Fold, Hover, Symbol};
use crate::analysis::Context;

pub fn completion(_text: &str, _offset: usize, _cx: &Context) -> Vec<CompletionItem> {
    Vec::new()
}

pub fn hover(_text: &str, _offset: usize, _cx: &Context) -> Option<Hover> {
    None
}

pub fn symbols(_text: &str) -> Vec<Symbol> {
    Vec::new()
}

pub fn folding(_text: &str) -> Vec<Fold> {
    Vec::new()
}
