//! `workspace/willRenameFiles`: renaming a plugin's entry point file
//! (`main.py` to `plugin_main.py` in the same folder) edits `entry_point`
//! in its MANIFEST, so that SPS still finds it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ls_types::*;

use crate::analysis::plugin;
use crate::features;
use crate::lsp::convert::Text;
use crate::text::LineIndex;
use crate::workspace::{DiskFiles, Files};

/// What the server registers for: `.py` files on disk.
pub fn registration() -> FileOperationRegistrationOptions {
    FileOperationRegistrationOptions {
        filters: vec![FileOperationFilter {
            scheme: Some("file".into()),
            pattern: FileOperationPattern {
                glob: "**/*.py".into(),
                matches: Some(FileOperationPatternKind::File),
                options: None,
            },
        }],
    }
}

/// The MANIFEST edits for the renames; `open` holds the editor's texts,
/// which win over the disk's.
pub fn handle(
    params: RenameFilesParams,
    open: &HashMap<PathBuf, Arc<str>>,
    encoding: crate::text::Encoding,
) -> Option<WorkspaceEdit> {
    let disk = DiskFiles::unconfined();
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for rename in params.files {
        let (Some(old), Some(new)) = (file_path(&rename.old_uri), file_path(&rename.new_uri))
        else {
            continue;
        };
        // Only a rename within the plugin folder: the entry point is a
        // bare file name beside the MANIFEST.
        let Some(folder) = old.parent().filter(|f| new.parent() == Some(*f)) else {
            continue;
        };
        if plugin::folder_of(&old, &disk).as_deref() != Some(folder) {
            continue;
        }
        let manifest = folder.join("MANIFEST");
        let text: Arc<str> = match open.get(&manifest) {
            Some(t) => t.clone(),
            None => match disk.read(&manifest) {
                Some(t) => Arc::from(t),
                None => continue,
            },
        };
        let (Some(old_name), Some(new_name)) = (name(&old), name(&new)) else {
            continue;
        };
        let Some((range, written)) =
            features::manifest::entry_point_rename(&text, old_name, new_name)
        else {
            continue;
        };
        let Some(uri) = Uri::from_file_path(&manifest) else {
            continue;
        };
        let index = LineIndex::new(&text);
        let converted = Text {
            text: &text,
            index: &index,
            encoding,
        };
        changes
            .entry(uri)
            .or_default()
            .push(TextEdit::new(converted.range(range), written));
    }
    (!changes.is_empty()).then(|| WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn file_path(uri: &str) -> Option<PathBuf> {
    let uri: Uri = uri.parse().ok()?;
    uri.to_file_path().map(|p| p.into_owned())
}

fn name(path: &Path) -> Option<&str> {
    path.file_name()?.to_str()
}
