//! default.cfg rules.

use super::{Context, Diagnostic};

pub fn check(_text: &str, _cx: &Context) -> Vec<Diagnostic> {
    Vec::new()
}
