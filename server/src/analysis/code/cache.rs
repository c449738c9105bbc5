//! File indexes kept between analyses, keyed by path and checked against a
//! hash of the text: a file is parsed again only when its text changed, so
//! a keystroke in MANIFEST or default.cfg parses no Python, and one in a
//! `.py` parses that file only. The same answer as indexing afresh, always.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use super::index::{self, FileIndex};

/// Past this many files the cache starts afresh (a server walking many
/// plugins must not grow without end).
const MAX_FILES: usize = 8192;

type Cache = Mutex<HashMap<PathBuf, (u64, usize, Arc<FileIndex>)>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

static PARSES: AtomicUsize = AtomicUsize::new(0);

/// How many files have been parsed so far (for tests of the cache).
pub fn parses() -> usize {
    PARSES.load(Ordering::Relaxed)
}

fn hash(text: &str) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// The index of `path` with this text, parsed only if not cached.
pub fn index(path: &Path, text: &str) -> Arc<FileIndex> {
    let key = (hash(text), text.len());
    {
        let cache = cache().lock().unwrap_or_else(|e| e.into_inner());
        if let Some((h, len, ix)) = cache.get(path) {
            if (*h, *len) == key {
                return ix.clone();
            }
        }
    }
    PARSES.fetch_add(1, Ordering::Relaxed);
    let ix = Arc::new(index::index(text));
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= MAX_FILES {
        cache.clear();
    }
    cache.insert(path.to_path_buf(), (key.0, key.1, ix.clone()));
    ix
}

/// Forgets every index (the benchmark's cold runs).
pub fn clear() {
    cache().lock().unwrap_or_else(|e| e.into_inner()).clear();
}
