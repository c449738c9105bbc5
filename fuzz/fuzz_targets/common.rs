// Shared by the fuzz targets: a plugin folder in memory.
use std::path::{Path, PathBuf};

use sps_plugin_ls::analysis::Context;
use sps_plugin_ls::workspace::DocKind;
use sps_plugin_ls::{analysis, features};
use sps_plugin_ls::workspace::MemoryFiles;

pub fn files(manifest: &str) -> MemoryFiles {
    let mut f = MemoryFiles::default();
    f.files.insert(PathBuf::from("/p/MANIFEST"), manifest.as_bytes().to_vec());
    f.files.insert(PathBuf::from("/p/main.py"), b"#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n".to_vec());
    f.files.insert(PathBuf::from("/p/lib/plugin.py"), b"class Plugin: pass\n".to_vec());
    f
}

pub fn context<'a>(path: &'a Path, files: &'a MemoryFiles) -> Context<'a> {
    Context::new(path, files)
}

/// Analysis and features on any text: no panic, and every range a
/// diagnostic or fix names lies on character boundaries inside the text.
pub fn exercise(kind: DocKind, path: &Path, text: &str, files: &MemoryFiles, at: usize) {
    let cx = context(path, files);
    let diags = analysis::analyze(kind, text, &cx);
    let inside = |start: usize, end: usize| {
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
    };
    for d in &diags {
        assert!(inside(d.range.start, d.range.end));
        for e in d.fixes.iter().flat_map(|f| &f.edits) {
            assert!(inside(e.range.start, e.range.end));
        }
    }
    let _ = features::completion(kind, text, at, &cx);
    let _ = features::hover(kind, text, at, &cx);
    let _ = features::symbols(kind, text, &cx);
    let _ = features::folding(kind, text);
}
