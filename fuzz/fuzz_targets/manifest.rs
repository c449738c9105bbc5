//! The YAML layer, MANIFEST analysis and MANIFEST features on any text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::workspace::DocKind;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = common::files(text);
    common::exercise(DocKind::Manifest, Path::new("/p/MANIFEST"), text, &files, data.len() / 2);
});
