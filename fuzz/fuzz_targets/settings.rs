//! The configuration loader on any text, as `sps-plugin-ls.toml` and as
//! `pyproject.toml`: reading, its diagnostics, discovery through the files
//! (the size limit and the stamp cache), and the questions asked of the
//! result (selected, severity, excluded) never panic.
#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use sps_plugin_ls::analysis::{self, Context};
use sps_plugin_ls::settings;
use sps_plugin_ls::workspace::{DocKind, MemoryFiles};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let pyproject = first & 1 == 1;
    let name = if pyproject { "pyproject.toml" } else { "sps-plugin-ls.toml" };
    if let Some(s) = settings::parse(text, pyproject) {
        for p in &s.problems {
            assert!(p.range.start <= p.range.end && p.range.end <= text.len());
        }
        let path = Path::new("plugins/p/default.cfg");
        let _ = s.enabled("config/inline-comment", path);
        let _ = s.severity("manifest/unknown-key");
        let _ = s.excludes(Path::new("plugins/p/lib/x.py"));
    }
    let mut files = MemoryFiles::default();
    files.files.insert(PathBuf::from("/w").join(name), rest.to_vec());
    files.files.insert(PathBuf::from("/w/p/MANIFEST"), b"name: P1\n".to_vec());
    let found = settings::discover(Path::new("/w/p"), &files);
    let _ = found.excludes(Path::new("/w/p/main.py"));
    let settings_path = PathBuf::from("/w").join(name);
    let cx = Context::new(&settings_path, &files);
    for d in analysis::analyze(DocKind::Settings, text, &cx) {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len());
    }
    let manifest = Path::new("/w/p/MANIFEST");
    let cx = Context::new(manifest, &files);
    let _ = analysis::analyze(DocKind::Manifest, "name: P1\n", &cx);
});
