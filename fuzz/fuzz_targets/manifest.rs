//! The YAML layer, MANIFEST analysis and MANIFEST features on any text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::{analysis, features, workspace::DocKind};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = common::files(text);
    let path = Path::new("/p/MANIFEST");
    let cx = common::context(path, &files);
    let diags = analysis::analyze(DocKind::Manifest, text, &cx);
    for d in &diags {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len());
        assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end));
        for f in &d.fixes {
            for e in &f.edits {
                assert!(e.range.end <= text.len() && text.is_char_boundary(e.range.start));
            }
        }
    }
    let at = data.len() / 2;
    let _ = features::completion(DocKind::Manifest, text, at, &cx);
    let _ = features::hover(DocKind::Manifest, text, at, &cx);
    let _ = features::symbols(DocKind::Manifest, text);
});
