//! What a request handler may read: one document's snapshot and the texts
//! of all open documents, which take precedence over the disk. Built by the
//! server, read by the handlers; neither imports the other.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use ls_types::Uri;

use super::documents::{Document, Snapshot};
use crate::settings::Settings;
use crate::text::Encoding;
use crate::workspace::{
    CachedDisk, DiskCache, DiskFiles, DocKind, Files, Memo, NoFiles, Overlay, ScanCache,
};

/// The texts of the open documents that are files, by path: one map shared
/// by every snapshot until a document changes.
pub type OpenTexts = Arc<HashMap<PathBuf, Arc<str>>>;

pub struct RequestSnapshot {
    pub uri: Uri,
    pub path: PathBuf,
    pub kind: DocKind,
    pub doc: Snapshot,
    pub encoding: Encoding,
    /// Whether the document is a file (`file:`). Other documents
    /// (`untitled:`, `http:`…) never see the disk: only the rules that need
    /// no other file apply to them.
    pub on_disk: bool,
    pub open: OpenTexts,
    pub scans: Arc<ScanCache>,
    /// What was read of the disk, kept until it changes.
    pub disk_cache: Arc<DiskCache>,
    /// Results kept for this view of the files (its open texts and disk).
    pub memo: Arc<Memo>,
    /// The editor's settings for the document's folder, under any
    /// configuration file found for it.
    pub editor: Option<Arc<Settings>>,
}

impl RequestSnapshot {
    /// Runs `f` with a view of the files around the document: the disk
    /// under the open documents, or nothing for a document not on the disk.
    pub fn with_files<R>(&self, f: impl FnOnce(&dyn Files) -> R) -> R {
        if !self.on_disk {
            return f(&NoFiles);
        }
        let disk = DiskFiles::unconfined();
        let disk = CachedDisk {
            below: &disk,
            cache: &self.disk_cache,
        };
        f(&Overlay {
            open: &self.open,
            below: &disk,
            scans: Some(&self.scans),
            memo: Some(&self.memo),
        })
    }

    pub fn convert(&self) -> super::convert::Text<'_> {
        super::convert::Text {
            text: &self.doc.text,
            index: &self.doc.index,
            encoding: self.encoding,
        }
    }
}

/// A workspace document that is not open, to be read from the disk and
/// checked off the loop.
pub struct DiskDocument {
    pub uri: Uri,
    pub path: PathBuf,
    pub kind: DocKind,
    pub encoding: Encoding,
    pub open: OpenTexts,
    pub scans: Arc<ScanCache>,
    pub disk_cache: Arc<DiskCache>,
    pub memo: Arc<Memo>,
    pub editor: Option<Arc<Settings>>,
}

impl DiskDocument {
    /// Its snapshot, read from the disk; none if it cannot be read.
    pub fn read(self) -> Option<RequestSnapshot> {
        let text = DiskFiles::unconfined().read(&self.path)?;
        Some(RequestSnapshot {
            uri: self.uri,
            doc: Document::new(self.path.clone(), Some(self.kind), 0, &text).snapshot(),
            path: self.path,
            kind: self.kind,
            encoding: self.encoding,
            on_disk: true,
            open: self.open,
            scans: self.scans,
            disk_cache: self.disk_cache,
            memo: self.memo,
            editor: self.editor,
        })
    }
}
