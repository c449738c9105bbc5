//! The default.cfg parser, analysis and features on any text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::{analysis, features, workspace::DocKind};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = common::files("name: P1\ndescription: d\nversion: 1.0.0\ntype: aa\napi: 1.9\nentry_point: main.py\n");
    let path = Path::new("/p/default.cfg");
    let cx = common::context(path, &files);
    let diags = analysis::analyze(DocKind::Config, text, &cx);
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
    let _ = features::completion(DocKind::Config, text, at, &cx);
    let _ = features::hover(DocKind::Config, text, at, &cx);
    let _ = features::symbols(DocKind::Config, text);
    let _ = features::folding(DocKind::Config, text);
});
