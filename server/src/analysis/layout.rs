//! Rules about the plugin as a whole, reported on its MANIFEST: what is in
//! the folder (or the .zip) around it. The entry point's existence and first
//! line are MANIFEST rules (`analysis/manifest.rs`).

use std::path::Path;

use super::packaging::{is_left_out, packaging};
use super::{codes, Context, Diagnostic, ZIP_LIMIT};
use crate::syntax::yaml::YamlDocument;
use crate::syntax::yaml_scalar::{resolve, Schema};
use crate::text::TextRange;

/// Above this, warn: the zip is getting close to the limit.
const SIZE_WARNING: u64 = 16 * 1024 * 1024;

/// The layout rules, on the MANIFEST's parsed tree.
pub fn check_document(doc: &YamlDocument, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dir = cx.path.parent().unwrap_or(Path::new(""));
    // Folder-level findings sit on the first line of the MANIFEST.
    let top = doc
        .entries()
        .first()
        .map_or(TextRange::empty(0), |e| e.key.range);

    if let Some(entry) = doc.get("type") {
        if resolve(&entry.value, Schema::Core12).as_str() == Some("configuration_sync") {
            out.push(Diagnostic::info(
                codes::layout::CONFIGURATION_SYNC,
                entry.value.range,
                "pluginv cannot build a configuration_sync plugin (it has no default.cfg template for it): package the .zip yourself",
            ));
        }
    }

    let listing = cx.files.walk(dir, is_left_out);
    for (name, _) in &listing.not_utf8 {
        out.push(Diagnostic::error(
            codes::layout::NAME_NOT_UTF8,
            top,
            format!("the name of `{name}` is not UTF-8: pluginv cannot package a name that is not UTF-8; rename it"),
        ));
    }
    let scan = packaging(&listing);
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
