//! Rules about the plugin as a whole, reported on its MANIFEST: what is in
//! the folder (or the .zip) around it. The entry point's existence and first
//! line are MANIFEST rules (`analysis/manifest.rs`).

use std::path::Path;

use super::{codes, Context, Diagnostic};
use crate::syntax::yaml::{self, Entry, YamlDocument};
use crate::syntax::yaml_scalar::{resolve, Schema};
use crate::text::TextRange;

/// SPS refuses a .zip of this size or more (pluginv: `>= 20 MiB`).
pub const ZIP_LIMIT: u64 = 20 * 1024 * 1024;
/// Above this, warn: the zip is getting close to the limit.
const SIZE_WARNING: u64 = 16 * 1024 * 1024;

pub fn check(text: &str, cx: &Context) -> Vec<Diagnostic> {
    check_document(&yaml::parse(text), cx)
}

/// [`check`] on a MANIFEST already parsed.
pub fn check_document(doc: &YamlDocument, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    // Folder-level findings sit on the first line of the MANIFEST.
    let top = doc
        .entries()
        .first()
        .map_or(TextRange::empty(0), |e| e.key.range);

    if let Some(entry) = doc.get("entry_point") {
        check_plugin_class(entry, dir, cx, &mut out);
    }
    if let Some(entry) = doc.get("type") {
        if resolve(&entry.value, Schema::Core12).as_str() == Some("configuration_sync") {
            out.push(Diagnostic::info(
                codes::layout::CONFIGURATION_SYNC,
                entry.value.range,
                "pluginv cannot build a configuration_sync plugin (it has no default.cfg template for it): package the .zip yourself",
            ));
        }
    }

    let scan = cx.files.scan(dir);
    if scan.bundles_sdk {
        out.push(Diagnostic::error(
            codes::layout::SDK_BUNDLED,
            top,
            "the plugin bundles the Plugin SDK (safeguard/sessions/plugin/), which SPS provides: pluginv refuses it; remove the SDK from the plugin and from your Pipfile's [packages]",
        ));
    }
    for folder in &scan.folders_without_init {
        out.push(Diagnostic::warning(
            codes::layout::MISSING_INIT,
            top,
            format!("the folder `{folder}` holds .py files but no __init__.py, so pluginv's packaging leaves it out of the .zip: add an empty {folder}/__init__.py"),
        ));
    }
    if !cx.files.is_archive() {
        let mib = scan.size as f64 / (1024.0 * 1024.0);
        if scan.size >= ZIP_LIMIT {
            out.push(Diagnostic::error(
                codes::layout::TOO_LARGE,
                top,
                format!("the plugin's files add up to {mib:.1} MiB; SPS refuses a .zip of 20 MiB or more: leave out what the plugin does not need at run time"),
            ));
        } else if scan.size > SIZE_WARNING {
            out.push(Diagnostic::warning(
                codes::layout::TOO_LARGE,
                top,
                format!(
                    "the plugin's files add up to {mib:.1} MiB, close to the 20 MiB SPS accepts"
                ),
            ));
        }
    }
    out
}

/// SPS instantiates the entry point's `Plugin` class.
fn check_plugin_class(entry: &Entry, dir: &Path, cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(name) = entry.value.as_scalar().map(|s| s.value.as_str()) else {
        return;
    };
    if name.is_empty() || name.contains(['/', '\\']) {
        return;
    }
    // The entry point's own rules report a missing file.
    let Some(source) = cx.files.read_head(&dir.join(name), 1024 * 1024) else {
        return;
    };
    if !provides_plugin(&source) {
        out.push(Diagnostic::warning(
            codes::layout::NO_PLUGIN_CLASS,
            entry.value.range,
            format!("`{name}` neither defines nor imports a class named `Plugin`, which SPS instantiates: add `from lib.plugin import Plugin` or `class Plugin(...)`"),
        ));
    }
}

/// Whether Python source defines or imports the name `Plugin` at the top
/// level: `class Plugin`, `Plugin = ...`, `from x import Plugin` (also in a
/// parenthesised list or `as Plugin`), `from x import *`, `import x as Plugin`.
pub fn provides_plugin(source: &str) -> bool {
    let mut in_import_list = false;
    for line in source.lines() {
        let code = line.split('#').next().unwrap_or("");
        let trimmed = code.trim();
        if in_import_list {
            if names_plugin(trimmed) {
                return true;
            }
            if trimmed.contains(')') {
                in_import_list = false;
            }
            continue;
        }
        if code.starts_with([' ', '\t']) {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("class ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name == "Plugin" {
                return true;
            }
        } else if trimmed.starts_with("from ") {
            let Some((_, imported)) = trimmed.split_once(" import ") else {
                continue;
            };
            let imported = imported.trim();
            if imported == "*" || names_plugin(imported) {
                return true;
            }
            if imported.starts_with('(') && !imported.contains(')') {
                in_import_list = true;
            }
        } else if trimmed.starts_with("import ") {
            if trimmed.split(',').any(|part| {
                part.trim()
                    .rsplit_once(" as ")
                    .is_some_and(|(_, alias)| alias.trim() == "Plugin")
            }) {
                return true;
            }
        } else if let Some((target, _)) = trimmed.split_once('=') {
            if target.trim() == "Plugin" && !trimmed.contains("==") {
                return true;
            }
        }
    }
    false
}

/// Whether an import list (`A, Plugin`, `(X as Plugin,`) binds `Plugin`.
fn names_plugin(list: &str) -> bool {
    list.trim_matches(['(', ')', '\\'])
        .split(',')
        .map(str::trim)
        .any(|item| {
            item == "Plugin"
                || item
                    .rsplit_once(" as ")
                    .is_some_and(|(_, alias)| alias.trim() == "Plugin")
        })
}

#[cfg(test)]
mod tests {
    use super::provides_plugin;

    #[test]
    fn finds_the_plugin_class() {
        assert!(provides_plugin(
            "#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n"
        ));
        assert!(provides_plugin(
            "from lib.plugin import (\n    Other,\n    Plugin,\n)\n"
        ));
        assert!(provides_plugin("from x import Thing as Plugin\n"));
        assert!(provides_plugin("class Plugin(AAPlugin):\n    pass\n"));
        assert!(provides_plugin("from lib import *\n"));
        assert!(provides_plugin("import lib.impl as Plugin\n"));
        assert!(!provides_plugin("from lib.plugin import PluginBase\n"));
        assert!(!provides_plugin("def f():\n    class Plugin: pass\n"));
        assert!(!provides_plugin("# from lib.plugin import Plugin\n"));
    }
}
