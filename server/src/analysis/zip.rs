//! Rules about a plugin .zip as SPS receives it: MANIFEST and the entry
//! point at its root, and under 20 MiB. The .zip's contents are a [`Files`]
//! (unpacked by the caller); the plugin inside is then checked as a folder.

use std::path::{Path, PathBuf};

use super::{codes, Diagnostic, ZIP_LIMIT};
use crate::text::TextRange;
use crate::workspace::Files;

/// What the .zip itself gets: its diagnostics (on the archive, not on a
/// file in it), and the folder of the plugin inside, if there is one.
pub struct ZipFindings {
    pub diagnostics: Vec<Diagnostic>,
    pub plugin_dir: Option<PathBuf>,
}

/// Checks a .zip of `size` bytes whose contents sit under `root` in `files`.
pub fn check(files: &dyn Files, root: &Path, size: u64) -> ZipFindings {
    let mut diagnostics = Vec::new();
    if size >= ZIP_LIMIT {
        diagnostics.push(Diagnostic::error(
            codes::zip::TOO_LARGE,
            TextRange::empty(0),
            format!(
                "the .zip is {:.1} MiB; SPS refuses plugins of 20 MiB or more",
                size as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    let plugin_dir = if files.is_file(&root.join("MANIFEST")) {
        Some(root.to_path_buf())
    } else {
        let nested = files
            .read_dir(root)
            .into_iter()
            .find(|e| e.is_dir && files.is_file(&root.join(&e.name).join("MANIFEST")));
        match nested {
            Some(folder) => {
                diagnostics.push(Diagnostic::error(
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
                diagnostics.push(Diagnostic::error(
                    codes::zip::NO_MANIFEST,
                    TextRange::empty(0),
                    "the .zip has no MANIFEST at its root; SPS needs MANIFEST and the entry point there",
                ));
                None
            }
        }
    };
    ZipFindings {
        diagnostics,
        plugin_dir,
    }
}
