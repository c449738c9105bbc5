//! The edit applier (the document's text and its incrementally updated line
//! index, protocol positions in both encodings) against a plain `String`
//! edited through a line index built from scratch.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sps_plugin_ls::lsp::documents::replay_edits(data));
