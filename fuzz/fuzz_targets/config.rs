//! The default.cfg parser, analysis and features on any text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::workspace::DocKind;

#[path = "common.rs"]
mod common;

const MANIFEST: &str = "name: P1\ndescription: d\nversion: 1.0.0\ntype: aa\napi: 1.9\nentry_point: main.py\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = common::files(MANIFEST);
    common::exercise(DocKind::Config, Path::new("/p/default.cfg"), text, &files, data.len() / 2);
});
