// Shared by the fuzz targets: a plugin folder in memory.
use std::path::{Path, PathBuf};

use sps_plugin_ls::analysis::Context;
use sps_plugin_ls::workspace::MemoryFiles;

pub fn files(manifest: &str) -> MemoryFiles {
    let mut f = MemoryFiles::default();
    f.files.insert(PathBuf::from("/p/MANIFEST"), manifest.as_bytes().to_vec());
    f.files.insert(PathBuf::from("/p/main.py"), b"#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n".to_vec());
    f.files.insert(PathBuf::from("/p/lib/plugin.py"), b"class Plugin: pass\n".to_vec());
    f
}

pub fn context<'a>(path: &'a Path, files: &'a MemoryFiles) -> Context<'a> {
    Context { path, files }
}
