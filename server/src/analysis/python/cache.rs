//! File indexes kept between analyses, keyed by path and checked against a
//! hash of the text: a file is parsed again only when its text changed, so
//! a keystroke in MANIFEST or default.cfg parses no Python, and one in a
//! `.py` parses that file only. The same answer as indexing afresh, always.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::index::{self, FileIndex};
use crate::workspace::text_hash;

/// The source bytes whose indexes are kept: past it, the least recently
/// used go until a quarter is free. A keystroke needs the indexes of one
/// plugin (a few hundred KB of Python at most; an index takes about 16
/// times its source); a workspace of hundreds of plugins must not keep them
/// all (issue 17: 60 MiB for the server).
const MAX_SOURCE_BYTES: usize = 2 << 20;

/// The kept indexes. Lock-free (papaya): the checks of a keystroke look
/// their plugin's files up here from several threads, and none waits for
/// another. The byte count and the clock are atomics; an eviction removes
/// only what it finds still there, so the count stays exact.
#[derive(Default)]
struct Cache {
    entries: papaya::HashMap<PathBuf, Arc<Entry>>,
    /// The source bytes of the entries.
    bytes: AtomicUsize,
    /// A clock for "least recently used".
    clock: AtomicU64,
}

type Entries<'a> =
    papaya::HashMapRef<'a, PathBuf, Arc<Entry>, std::hash::RandomState, papaya::LocalGuard<'a>>;

struct Entry {
    hash: u64,
    len: usize,
    index: Arc<FileIndex>,
    used: AtomicU64,
}

impl Cache {
    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn get(&self, path: &Path, hash: u64, len: usize) -> Option<Arc<FileIndex>> {
        let now = self.tick();
        let entries = self.entries.pin();
        let e = entries.get(path)?;
        if (e.hash, e.len) != (hash, len) {
            return None;
        }
        e.used.store(now, Ordering::Relaxed);
        Some(e.index.clone())
    }

    /// Keeps an index; how many entries it evicted.
    fn insert(&self, path: &Path, hash: u64, len: usize, index: Arc<FileIndex>) -> usize {
        let used = AtomicU64::new(self.tick());
        let entry = Arc::new(Entry {
            hash,
            len,
            index,
            used,
        });
        self.bytes.fetch_add(len, Ordering::Relaxed);
        if let Some(old) = self.entries.pin().insert(path.to_path_buf(), entry) {
            self.bytes.fetch_sub(old.len, Ordering::Relaxed);
        }
        if self.bytes.load(Ordering::Relaxed) > MAX_SOURCE_BYTES {
            return self.evict(MAX_SOURCE_BYTES / 4 * 3);
        }
        0
    }

    /// Drops the least recently used entries until `target` bytes are kept.
    fn evict(&self, target: usize) -> usize {
        let entries = self.entries.pin();
        let mut by_age: Vec<(u64, PathBuf)> = entries
            .iter()
            .map(|(p, e)| (e.used.load(Ordering::Relaxed), p.clone()))
            .collect();
        by_age.sort_unstable();
        let mut gone = 0;
        for (_, path) in by_age {
            if self.bytes.load(Ordering::Relaxed) <= target {
                break;
            }
            gone += self.remove(&entries, &path);
        }
        gone
    }

    /// Removes an entry if it is still there (another thread may have);
    /// 1 if this call removed it.
    fn remove(&self, entries: &Entries<'_>, path: &Path) -> usize {
        match entries.remove(path) {
            Some(gone) => {
                self.bytes.fetch_sub(gone.len, Ordering::Relaxed);
                1
            }
            None => 0,
        }
    }

    /// Drops the entries `keep` does not want; how many.
    fn retain(&self, keep: impl Fn(&Path) -> bool) -> usize {
        let entries = self.entries.pin();
        let paths: Vec<PathBuf> = entries.keys().filter(|p| !keep(p)).cloned().collect();
        paths.iter().map(|p| self.remove(&entries, p)).sum()
    }
}

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

static PARSES: AtomicUsize = AtomicUsize::new(0);

/// How many files have been parsed so far (for tests of the cache).
pub fn parses() -> usize {
    PARSES.load(Ordering::Relaxed)
}

/// Whether new indexes are kept: `check` turns it off for its one pass
/// (see [`in_one_pass`]).
static KEEPING: AtomicBool = AtomicBool::new(true);

thread_local! {
    static ONE_PASS: Cell<bool> = const { Cell::new(false) };
}

/// From now on, the indexes made are not kept: `check` looks at each file
/// once, for its plugin (whose memo keeps the results), and never again.
pub fn stop_keeping() {
    KEEPING.store(false, Ordering::Relaxed);
}

/// Runs `f` as one pass over plugins nobody is editing (the server's
/// workspace check): the indexes it makes on this thread are not kept, as
/// after [`stop_keeping`]; those already kept are used. Keeping them only
/// evicted the open plugins' indexes, and what is kept is what every new
/// allocation walks past: `check` of 200 plugins took a fifth less CPU
/// and wall time without (docs/BENCHMARKS.md).
pub fn in_one_pass<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ONE_PASS.with(|p| p.set(self.0));
        }
    }
    let _restore = Restore(ONE_PASS.with(|p| p.replace(true)));
    f()
}

/// Whether what is computed now is kept for later: not in `check`, nor
/// in a server's pass over plugins nobody edits ([`in_one_pass`]).
pub fn keeping() -> bool {
    KEEPING.load(Ordering::Relaxed) && !ONE_PASS.with(Cell::get)
}

/// The index of `path` with this text, parsed only if not cached.
pub fn index(path: &Path, text: &str) -> Arc<FileIndex> {
    let (h, len) = (text_hash(text), text.len());
    if let Some(ix) = cache().get(path, h, len) {
        return ix;
    }
    PARSES.fetch_add(1, Ordering::Relaxed);
    let ix = Arc::new(index::index(text));
    if keeping() {
        cache().insert(path, h, len, ix.clone());
    }
    ix
}

/// Forgets the indexes of the files `keep` does not want: after the
/// server's workspace check, those of the plugins nobody has open. The
/// check leaves the last plugins it went through, which a keystroke does
/// not need (docs/BENCHMARKS.md, issue 17: 22 MiB of the settled server).
pub fn retain(keep: impl Fn(&Path) -> bool) {
    by_plugin().pin().retain(|folder, _| keep(folder));
    cache().retain(keep);
}

/// Forgets every index (the benchmark's cold runs).
pub fn clear() {
    by_plugin().pin().clear();
    cache().retain(|_| false);
}

/// What the resolver found for a plugin's files (`reads::resolver`'s
/// callees), kept by plugin folder for the next keystroke in it, whose
/// index of each file it holds.
pub type PluginKept = Arc<dyn std::any::Any + Send + Sync>;

fn by_plugin() -> &'static papaya::HashMap<PathBuf, PluginKept> {
    static KEPT: OnceLock<papaya::HashMap<PathBuf, PluginKept>> = OnceLock::new();
    KEPT.get_or_init(papaya::HashMap::new)
}

/// At most this many plugins have something kept: those being edited.
const PLUGINS_KEPT: usize = 8;

/// Forgets what was kept for every plugin (tests that compare with a
/// fresh run).
#[cfg(test)]
pub fn forget_plugins() {
    by_plugin().pin().clear();
}

/// What was kept for the plugin in `folder`.
pub fn kept_for_plugin(folder: &Path) -> Option<PluginKept> {
    by_plugin().pin().get(folder).cloned()
}

/// Keeps `value` for the plugin in `folder`, unless nothing is kept now
/// ([`keeping`]).
pub fn keep_for_plugin(folder: &Path, value: PluginKept) {
    if !keeping() {
        return;
    }
    let map = by_plugin().pin();
    if map.len() >= PLUGINS_KEPT && !map.contains_key(folder) {
        map.clear();
    }
    map.insert(folder.to_path_buf(), value);
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    use crate::analysis::{analyze, Context};
    use crate::workspace::{DocKind, MemoryFiles};

    #[test]
    fn one_pass_keeps_no_index_and_uses_those_kept() {
        let (kept, passing) = (
            PathBuf::from("/one-pass-test/kept.py"),
            PathBuf::from("/one-pass-test/passing.py"),
        );
        let text = "X = 1\n";
        let before = super::index(&kept, text);
        super::in_one_pass(|| {
            // Kept before the pass: used.
            assert!(Arc::ptr_eq(&before, &super::index(&kept, text)));
            // Made in the pass: not kept.
            let a = super::index(&passing, text);
            assert!(!Arc::ptr_eq(&a, &super::index(&passing, text)));
        });
        // After it, indexes are kept again.
        let a = super::index(&passing, text);
        assert!(Arc::ptr_eq(&a, &super::index(&passing, text)));
    }

    #[test]
    fn a_manifest_keystroke_parses_no_python_and_a_py_edit_parses_only_that_file() {
        // A folder of its own: other tests share the cache.
        let root = PathBuf::from("/cache-test-plugin");
        let plugin_py = "from safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return None\n";
        let main_py = "#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n";
        let manifest = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.9'\nentry_point: main.py\n";
        let mut files = MemoryFiles::default();
        for (rel, text) in [
            ("MANIFEST", manifest),
            ("main.py", main_py),
            ("lib/__init__.py", ""),
            ("lib/plugin.py", plugin_py),
        ] {
            files.files.insert(root.join(rel), text.as_bytes().to_vec());
        }
        let manifest_path = root.join("MANIFEST");
        let cx = Context::new(&manifest_path, &files);
        analyze(DocKind::Manifest, manifest, &cx);
        let before = super::index(&root.join("lib/plugin.py"), plugin_py);
        let main_before = super::index(&root.join("main.py"), main_py);
        // A keystroke in the MANIFEST.
        let edited = manifest.replace("A plugin", "A plugin!");
        files
            .files
            .insert(manifest_path.clone(), edited.as_bytes().to_vec());
        let cx = Context::new(&manifest_path, &files);
        analyze(DocKind::Manifest, &edited, &cx);
        assert!(Arc::ptr_eq(
            &before,
            &super::index(&root.join("lib/plugin.py"), plugin_py)
        ));
        // A keystroke in lib/plugin.py: that file only.
        let plugin_edited = plugin_py.replace("None", "None  # x");
        let after = super::index(&root.join("lib/plugin.py"), &plugin_edited);
        assert!(!Arc::ptr_eq(&before, &after));
        assert!(Arc::ptr_eq(
            &main_before,
            &super::index(&root.join("main.py"), main_py)
        ));
    }

    /// What `check` and the server keep in a memo for one view of the
    /// files changes nothing: every document of every real plugin gets the
    /// diagnostics a fresh analysis gives, and the plugin's rules run once.
    #[test]
    fn a_memo_changes_no_diagnostic_and_runs_a_plugins_rules_once() {
        use crate::workspace::{DiskFiles, Memo, Overlay, ScanCache};
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/plugins");
        if !root.is_dir() {
            eprintln!("skipped: {} is missing", root.display());
            return;
        }
        let disk = DiskFiles::unconfined();
        let mut plugins: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("MANIFEST").is_file())
            .collect();
        plugins.sort();
        assert_eq!(plugins.len(), 10);
        let (open, scans, memo) = (Default::default(), ScanCache::default(), Memo::default());
        let kept = Overlay {
            open: &open,
            below: &disk,
            scans: Some(&scans),
            memo: Some(&memo),
        };
        for plugin in &plugins {
            for (path, kind) in crate::analysis::plugin::plugin_documents(plugin, &disk) {
                let text = std::fs::read_to_string(&path).unwrap();
                let fresh = analyze(kind, &text, &Context::new(&path, &disk));
                let memoized = analyze(kind, &text, &Context::new(&path, &kept));
                assert_eq!(
                    format!("{memoized:?}"),
                    format!("{fresh:?}"),
                    "{}",
                    path.display()
                );
            }
        }
        assert_eq!(memo.entries("code findings"), plugins.len());
    }

    /// A MANIFEST keystroke that leaves its facts as they were keeps the
    /// code's findings of the view before (the same result, not a new run),
    /// and what it reports is what a fresh analysis reports, at the new
    /// places in the MANIFEST; one that changes `api` runs the rules again.
    #[test]
    fn a_manifest_keystroke_keeps_the_code_findings_until_its_facts_change() {
        use crate::analysis::python::rules;
        use crate::workspace::{Memo, Overlay};
        let root = PathBuf::from("/memo-carry-plugin");
        // `HostResolver` needs api 1.3: a finding on the MANIFEST's `api`.
        let main_py = "#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import AAPlugin, HostResolver\n\n\nclass Plugin(AAPlugin):\n    def do_authorize(self):\n        return HostResolver\n";
        let manifest = "name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: aa\napi: '1.2'\nentry_point: main.py\n";
        let mut disk = MemoryFiles::default();
        disk.files
            .insert(root.join("main.py"), main_py.as_bytes().to_vec());
        let path = root.join("MANIFEST");
        let analysed = |text: &str, memo: &Memo| {
            let open: std::collections::HashMap<PathBuf, Arc<str>> =
                [(path.clone(), Arc::<str>::from(text))]
                    .into_iter()
                    .collect();
            let view = Overlay {
                open: &open,
                below: &disk,
                scans: None,
                memo: Some(memo),
            };
            let diags = analyze(DocKind::Manifest, text, &Context::new(&path, &view));
            (diags, rules::findings(&view, &root, text))
        };
        let fresh = |text: &str| {
            let mut files = MemoryFiles::default();
            files.files = disk.files.clone();
            files.files.insert(path.clone(), text.as_bytes().to_vec());
            format!(
                "{:?}",
                analyze(DocKind::Manifest, text, &Context::new(&path, &files))
            )
        };
        let first = Memo::default();
        let (diags, findings) = analysed(manifest, &first);
        assert!(
            format!("{diags:?}").contains("sdk/needs-newer-api"),
            "{diags:?}"
        );

        // A keystroke in `description` moves `api` one byte on.
        let edited = manifest.replace("A plugin", "A plugin!");
        let carried = first.after_manifest_edit();
        let (diags, kept) = analysed(&edited, &carried);
        assert!(Arc::ptr_eq(&findings, &kept));
        assert_eq!(format!("{diags:?}"), fresh(&edited));

        // `api` raised: the rules run again, and the finding is gone.
        let raised = edited.replace("'1.2'", "'1.9'");
        let (diags, again) = analysed(&raised, &carried.after_manifest_edit());
        assert!(!Arc::ptr_eq(&kept, &again));
        assert_eq!(format!("{diags:?}"), fresh(&raised));
        assert!(!format!("{diags:?}").contains("sdk/needs-newer-api"));
    }

    /// Past its budget the cache drops the least recently used indexes,
    /// down to three quarters: the files of the plugin being edited stay.
    #[test]
    fn past_its_budget_the_cache_drops_the_least_recently_used() {
        let cache = super::Cache::default();
        let index = Arc::new(crate::analysis::python::index::FileIndex::default());
        let chunk = super::MAX_SOURCE_BYTES / 8;
        let path = |i: usize| PathBuf::from(format!("/lru/{i}.py"));
        for i in 0..8 {
            assert_eq!(cache.insert(&path(i), 0, chunk, index.clone()), 0);
        }
        // 0 is used again: 1 is now the oldest.
        assert!(cache.get(&path(0), 0, chunk).is_some());
        let gone = cache.insert(&path(8), 0, chunk, index.clone());
        assert_eq!(gone, 3);
        assert_eq!(cache.bytes.load(Ordering::Relaxed), 6 * chunk);
        let kept: Vec<bool> = (0..9)
            .map(|i| cache.get(&path(i), 0, chunk).is_some())
            .collect();
        assert_eq!(
            kept,
            [true, false, false, false, true, true, true, true, true]
        );
        // Another text of a kept path is a miss.
        assert!(cache.get(&path(0), 1, chunk).is_none());
    }

    /// After the workspace check only the open plugins' indexes stay.
    #[test]
    fn retain_keeps_only_what_is_wanted_and_counts_its_bytes() {
        let cache = super::Cache::default();
        let index = Arc::new(crate::analysis::python::index::FileIndex::default());
        for (path, len) in [
            ("/open/a.py", 10),
            ("/open/lib/b.py", 20),
            ("/other/c.py", 40),
        ] {
            cache.insert(&PathBuf::from(path), 0, len, index.clone());
        }
        let gone = cache.retain(|p| p.starts_with("/open"));
        assert_eq!(gone, 1);
        assert_eq!(cache.bytes.load(Ordering::Relaxed), 30);
        assert!(cache.get(&PathBuf::from("/open/lib/b.py"), 0, 20).is_some());
        assert!(cache.get(&PathBuf::from("/other/c.py"), 0, 40).is_none());
    }
}
