//! The edit applier (rope + protocol positions, both encodings) against a
//! plain `String` edited through the line index.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sps_plugin_ls::lsp::documents::replay_edits(data));
