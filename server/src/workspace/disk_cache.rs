//! What the server read of the disk, kept across views until the disk
//! changes ([`CachedDisk`]): a keystroke in one file of a plugin reads none
//! of its other files again, nor stats the folders above for configuration
//! files. The server empties the cache on every sign that the disk changed
//! (a watched-file event, a save, a pulled file whose stamp moved).

use super::*;

/// Reads, stamps and file tests of the disk, by path; lock-free (papaya):
/// the checks of a view fill it from several threads. Texts are kept up to
/// [`MAX_TEXT_BYTES`]: a keystroke needs its plugin's, a workspace check
/// must not keep every file it read.
#[derive(Default)]
pub struct DiskCache {
    heads: papaya::HashMap<(PathBuf, usize), Option<Arc<str>>>,
    reads: papaya::HashMap<PathBuf, Option<Arc<str>>>,
    stamps: papaya::HashMap<PathBuf, Option<u64>>,
    files: papaya::HashMap<PathBuf, bool>,
    dirs: papaya::HashMap<PathBuf, Vec<DirEntry>>,
    bytes: std::sync::atomic::AtomicUsize,
}

/// The text bytes a [`DiskCache`] keeps at most.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

impl DiskCache {
    /// Forgets everything: the disk changed.
    pub fn clear(&self) {
        self.heads.pin().clear();
        self.reads.pin().clear();
        self.stamps.pin().clear();
        self.files.pin().clear();
        self.dirs.pin().clear();
        self.bytes.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a text of `len` bytes may be kept (and counts it if so).
    fn room_for(&self, len: usize) -> bool {
        use std::sync::atomic::Ordering;
        let before = self.bytes.fetch_add(len, Ordering::Relaxed);
        if before + len > MAX_TEXT_BYTES {
            self.bytes.fetch_sub(len, Ordering::Relaxed);
            return false;
        }
        true
    }
}

/// Registers the process for the barriers of the lock-free maps (papaya's
/// collector does it at a map's first creation, a `membarrier` system
/// call). On the only thread of a process the kernel does it at once (25
/// µs); once there are others it waits for them all (about 10 ms here),
/// and each thread that creates a first map meanwhile waits again:
/// `main` calls this before anything starts a thread.
pub fn register_barriers() {
    drop(papaya::HashMap::<u8, u8>::new());
}

/// Another [`Files`] (the disk) with what it answered kept in a
/// [`DiskCache`].
pub struct CachedDisk<'a> {
    pub below: &'a dyn Files,
    pub cache: &'a DiskCache,
}

impl Files for CachedDisk<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        let reads = self.cache.reads.pin();
        if let Some(kept) = reads.get(path) {
            return kept.as_deref().map(str::to_string);
        }
        let text = self.below.read(path);
        if self.cache.room_for(text.as_ref().map_or(0, String::len)) {
            reads.insert(path.to_path_buf(), text.as_deref().map(Arc::from));
        }
        text
    }

    fn read_head(&self, path: &Path, limit: usize) -> Option<String> {
        let heads = self.cache.heads.pin();
        let key = (path.to_path_buf(), limit);
        if let Some(kept) = heads.get(&key) {
            return kept.as_deref().map(str::to_string);
        }
        let text = self.below.read_head(path, limit);
        if self.cache.room_for(text.as_ref().map_or(0, String::len)) {
            heads.insert(key, text.as_deref().map(Arc::from));
        }
        text
    }

    fn read_head_shared(&self, path: &Path, limit: usize) -> Option<Arc<str>> {
        let heads = self.cache.heads.pin();
        let key = (path.to_path_buf(), limit);
        if let Some(kept) = heads.get(&key) {
            return kept.clone();
        }
        let text: Option<Arc<str>> = self.below.read_head(path, limit).map(Arc::from);
        if self.cache.room_for(text.as_deref().map_or(0, str::len)) {
            heads.insert(key, text.clone());
        }
        text
    }

    fn is_file(&self, path: &Path) -> bool {
        *self
            .cache
            .files
            .pin()
            .get_or_insert_with(path.to_path_buf(), || self.below.is_file(path))
    }

    fn read_dir(&self, dir: &Path) -> Vec<DirEntry> {
        self.cache
            .dirs
            .pin()
            .get_or_insert_with(dir.to_path_buf(), || self.below.read_dir(dir))
            .clone()
    }

    fn walk(&self, dir: &Path, prune: Prune) -> Arc<Listing> {
        self.below.walk(dir, prune)
    }

    fn is_archive(&self) -> bool {
        self.below.is_archive()
    }

    fn is_detached(&self) -> bool {
        self.below.is_detached()
    }

    fn is_disk(&self) -> bool {
        self.below.is_disk()
    }

    fn memo(&self) -> Option<&Memo> {
        self.below.memo()
    }

    fn stamp(&self, path: &Path) -> Option<u64> {
        *self
            .cache
            .stamps
            .pin()
            .get_or_insert_with(path.to_path_buf(), || self.below.stamp(path))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Files that count the reads that reach them.
    struct Counting {
        files: MemoryFiles,
        reads: AtomicUsize,
    }

    impl Files for Counting {
        fn read(&self, path: &Path) -> Option<String> {
            self.reads.fetch_add(1, Ordering::Relaxed);
            self.files.read(path)
        }
        fn is_file(&self, path: &Path) -> bool {
            self.files.is_file(path)
        }
        fn read_dir(&self, dir: &Path) -> Vec<DirEntry> {
            self.files.read_dir(dir)
        }
    }

    #[test]
    fn the_disk_is_read_once_until_it_changes_and_texts_stay_within_the_budget() {
        let mut files = MemoryFiles::default();
        files.files.insert("/p/a.py".into(), b"x = 1\n".to_vec());
        files
            .files
            .insert("/p/big.py".into(), vec![b'#'; MAX_TEXT_BYTES + 1]);
        let below = Counting {
            files,
            reads: AtomicUsize::new(0),
        };
        let cache = DiskCache::default();
        let disk = CachedDisk {
            below: &below,
            cache: &cache,
        };
        let a = Path::new("/p/a.py");
        assert_eq!(disk.read(a).as_deref(), Some("x = 1\n"));
        assert_eq!(disk.read(a).as_deref(), Some("x = 1\n"));
        assert_eq!(below.reads.load(Ordering::Relaxed), 1);
        // A missing file is kept as missing.
        assert_eq!(disk.read(Path::new("/p/none.py")), None);
        assert_eq!(disk.read(Path::new("/p/none.py")), None);
        assert_eq!(below.reads.load(Ordering::Relaxed), 2);
        // Past the budget, a text is read each time, never kept.
        let big = Path::new("/p/big.py");
        assert!(disk.read(big).is_some() && disk.read(big).is_some());
        assert_eq!(below.reads.load(Ordering::Relaxed), 4);
        // The disk changed: read again.
        cache.clear();
        disk.read(a);
        assert_eq!(below.reads.load(Ordering::Relaxed), 5);
    }
}
