//! Rules about the plugin as a whole, reported on its MANIFEST.

use super::{Context, Diagnostic};

pub fn check(_text: &str, _cx: &Context) -> Vec<Diagnostic> {
    Vec::new()
}
