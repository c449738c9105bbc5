//! Unpacking a plugin .zip into memory, as SPS receives it, within fixed
//! limits. The rules about the .zip are in `analysis/zip.rs`; its files are
//! then checked like a folder's, named `plugin.zip!/MANIFEST`.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::workspace::{regular_file, MemoryFiles};

/// How much of a zip's contents is read at most: a zip bomb stops here.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// How many entries a zip may hold; counted before the archive is indexed.
pub const MAX_ENTRIES: u64 = 100_000;

/// A .zip's contents in memory, under a virtual root named like the zip.
pub struct Unpacked {
    pub files: MemoryFiles,
    pub root: PathBuf,
    /// The size of the .zip itself.
    pub size: u64,
}

pub fn unpack(path: &Path) -> Result<Unpacked, String> {
    let shown = path.display().to_string();
    // Anything but a regular file is never opened: a FIFO would block, a
    // device never end.
    let meta = regular_file(path).map_err(|e| format!("{shown}: {e}"))?;
    let mut file = std::fs::File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    if let Some(n) = entry_count(&mut file).filter(|&n| n > MAX_ENTRIES) {
        return Err(format!(
            "{shown}: holds {n} entries, more than {MAX_ENTRIES}"
        ));
    }
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{shown}: not a readable .zip: {e}"))?;
    if archive.len() as u64 > MAX_ENTRIES {
        return Err(format!(
            "{shown}: holds {} entries, more than {MAX_ENTRIES}",
            archive.len()
        ));
    }
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
        let budget = MAX_UNPACKED.saturating_sub(unpacked);
        // The declared size is a hint only (it can lie): room for it within
        // the budget, so that memory is what is unpacked, not twice that.
        let mut bytes = Vec::with_capacity(entry.size().min(budget) as usize);
        (&mut entry)
            .take(budget)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{shown}: {}: cannot be unpacked: {e}", name.display()))?;
        if bytes.capacity() > bytes.len() + bytes.len() / 4 {
            bytes.shrink_to_fit();
        }
        unpacked += bytes.len() as u64;
        if unpacked >= MAX_UNPACKED {
            return Err(format!(
                "{shown}: unpacks to more than {} MiB",
                MAX_UNPACKED >> 20
            ));
        }
        files.files.insert(root.join(name), bytes);
    }
    Ok(Unpacked {
        files,
        root,
        size: meta.len(),
    })
}

/// The number of entries the .zip's end record declares (zip64 too), read
/// before the archive is indexed: indexing 400,000 entries costs hundreds of
/// megabytes. `None` when there is no such record (the zip library then
/// says what is wrong).
fn entry_count(file: &mut std::fs::File) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    let len = file.seek(SeekFrom::End(0)).ok()?;
    // The record is 22 bytes, followed by a comment of at most 65,535.
    let tail_len = len.min(22 + 65_535);
    let mut tail = vec![0; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len)).ok()?;
    file.read_exact(&mut tail).ok()?;
    let at = (0..=tail.len().checked_sub(22)?)
        .rev()
        .find(|&i| &tail[i..i + 4] == EOCD)?;
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let count = u16_at(&tail, at + 10);
    if count != 0xFFFF || at < 20 || &tail[at - 20..at - 16] != LOCATOR {
        return Some(count);
    }
    // Zip64: the locator before the record gives the zip64 record's offset.
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&tail[at - 12..at - 4]);
    let mut record = [0u8; 40];
    file.seek(SeekFrom::Start(u64::from_le_bytes(offset)))
        .ok()?;
    file.read_exact(&mut record).ok()?;
    if &record[..4] != EOCD64 {
        return Some(count);
    }
    let mut total = [0u8; 8];
    total.copy_from_slice(&record[32..40]);
    Some(u64::from_le_bytes(total))
}
