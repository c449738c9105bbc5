//! Checking a plugin .zip as SPS receives it: MANIFEST and the entry point
//! at the root, under 20 MiB, and the same rules as for a folder, with files
//! named `plugin.zip!/MANIFEST`.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::check::{plugin_documents, report};
use super::output::FileReport;
use crate::analysis::layout::ZIP_LIMIT;
use crate::analysis::{codes, Diagnostic};
use crate::text::TextRange;
use crate::workspace::{Files, MemoryFiles};

/// How much of a zip's contents is read at most: a zip bomb stops here.
const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
const MAX_ENTRIES: usize = 100_000;

pub fn check_zip(path: &Path) -> Result<Vec<FileReport>, String> {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: {e}"))?
        .len();
    let file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{shown}: not a readable .zip: {e}"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "{shown}: holds {} entries, more than {MAX_ENTRIES}",
            archive.len()
        ));
    }
    // The zip's contents live under a virtual root named like the zip.
    let root = PathBuf::from(format!("{shown}!"));
    let mut files = MemoryFiles {
        archive: true,
        ..Default::default()
    };
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("{shown}: entry {i} is unreadable: {e}"))?;
        if entry.is_dir() {
            continue;
        }
        // Entries with `..` or absolute names are never resolved.
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let mut bytes = Vec::new();
        let budget = MAX_UNPACKED.saturating_sub(unpacked);
        (&mut entry)
            .take(budget)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{shown}: {}: cannot be unpacked: {e}", name.display()))?;
        unpacked += bytes.len() as u64;
        if unpacked >= MAX_UNPACKED {
            return Err(format!(
                "{shown}: unpacks to more than {} MiB",
                MAX_UNPACKED >> 20
            ));
        }
        files.files.insert(root.join(name), bytes);
    }

    let mut zip_diags = Vec::new();
    if size >= ZIP_LIMIT {
        zip_diags.push(Diagnostic::error(
            codes::zip::TOO_LARGE,
            TextRange::empty(0),
            format!(
                "the .zip is {:.1} MiB; SPS refuses plugins of 20 MiB or more",
                size as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    let plugin_dir = if files.is_file(&root.join("MANIFEST")) {
        Some(root.clone())
    } else {
        let nested = files
            .read_dir(&root)
            .into_iter()
            .find(|e| e.is_dir && files.is_file(&root.join(&e.name).join("MANIFEST")));
        match nested {
            Some(folder) => {
                zip_diags.push(Diagnostic::error(
                    codes::zip::NESTED,
                    TextRange::empty(0),
                    format!(
                        "MANIFEST and the entry point must be at the root of the .zip, but they are in the folder `{}/`: zip the folder's contents, not the folder",
                        folder.name
                    ),
                ));
                Some(root.join(&folder.name))
            }
            None => {
                zip_diags.push(Diagnostic::error(
                    codes::zip::NO_MANIFEST,
                    TextRange::empty(0),
                    "the .zip has no MANIFEST at its root; SPS needs MANIFEST and the entry point there",
                ));
                None
            }
        }
    };
    let mut reports = Vec::new();
    if !zip_diags.is_empty() {
        reports.push(FileReport {
            name: shown.clone(),
            text: String::new(),
            diagnostics: zip_diags,
        });
    }
    if let Some(dir) = plugin_dir {
        for (doc, kind) in plugin_documents(&dir, &files) {
            let bytes = files.files.get(&doc).cloned().unwrap_or_default();
            let name = doc.display().to_string();
            reports.push(report(name, &doc, kind, bytes, &files));
        }
    }
    Ok(reports)
}
