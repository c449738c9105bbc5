//! The glob matcher of `exclude` and `per-file-ignores` on any glob and any
//! path: no panic, and (libFuzzer's -timeout) no input slow to match. The
//! first line is the glob, the rest the path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::settings::Glob;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (glob, path) = text.split_once('\n').unwrap_or((text, "a/b/c"));
    let Ok(g) = Glob::new(glob) else { return };
    let matched = g.matches(path);
    // A glob of `**` parts only matches every path with a part.
    if glob.split('/').all(|p| p == "**") && path.split('/').any(|p| !p.is_empty()) {
        assert!(matched, "{glob:?} {path:?}");
    }
    // A glob without special characters matches itself.
    if !glob.contains(['*', '?', '[', '\\']) && !glob.starts_with('/') {
        let own = glob.trim_start_matches("./").trim_end_matches('/');
        if own.split('/').all(|p| !p.is_empty() && p != "." && p != "..") && !own.is_empty() {
            assert!(g.matches(own), "{glob:?}");
        }
    }
    // Matching a path below a matched one matches too (a folder's glob
    // matches what is inside it).
    if matched && !path.is_empty() {
        assert!(g.matches(&format!("{path}/x")), "{glob:?} {path:?}");
    }
});
