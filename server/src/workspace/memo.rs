//! Results kept for one unchanging view of the files ([`Memo`]), and what
//! of them an edit of MANIFEST texts only carries over.

use super::*;

/// Results computed from one unchanging view of the files, shared by every
/// analysis made in it: a plugin's code is checked once, however many of
/// its files are analysed. Whoever makes the view makes a new memo when a
/// file changes (the server: at every edit and file event; `check`: per
/// plugin folder, and none when it fixes).
/// The map is lock-free (papaya): the checks of one view share it from
/// several threads, on the keystroke path, and none waits for another to
/// look an entry up (only for a result another is computing).
#[derive(Default)]
pub struct Memo {
    entries: papaya::HashMap<MemoKey, Arc<MemoSlot>>,
}

/// What a memo entry is (a name, and the type it holds), of which folder,
/// with which input (a hash of what the caller passes besides the files).
pub(super) type MemoKey = (&'static str, std::any::TypeId, PathBuf, u64);

/// One entry, filled once: a thread that asks while another computes it
/// waits for that result instead of computing it again.
pub(super) type MemoSlot = std::sync::OnceLock<Arc<dyn std::any::Any + Send + Sync>>;

impl Memo {
    /// The kept result for the key, else `compute`'s, kept.
    pub fn get_or_compute<T: std::any::Any + Send + Sync>(
        &self,
        what: &'static str,
        folder: &Path,
        input: u64,
        compute: impl FnOnce() -> T,
    ) -> Arc<T> {
        let key = (
            what,
            std::any::TypeId::of::<T>(),
            folder.to_path_buf(),
            input,
        );
        let slot = self
            .entries
            .pin()
            .get_or_insert_with(key, Arc::default)
            .clone();
        let value = slot.get_or_init(|| Arc::new(compute()));
        match value.clone().downcast::<T>() {
            Ok(v) => v,
            Err(_) => unreachable!("a memo key holds the type of its value"),
        }
    }

    /// The memo of the view that follows an edit of MANIFEST texts only:
    /// the results whose key holds all they take from a MANIFEST (its facts)
    /// and that depend on nothing else the edit changed are kept, so a
    /// keystroke in `description` runs none of the code's rules again.
    pub fn after_manifest_edit(&self) -> Memo {
        // Keyed by the MANIFEST's facts (`Plugin::facts_key`), or
        // independent of any MANIFEST.
        self.keeping(&["code findings", "code reads", "settings", "settings folder"])
    }

    /// The memo of the view that follows an edit of `.py` texts only: what
    /// no Python text goes into is kept (the plugin's MANIFEST facts, the
    /// configuration files found), so a `.py` keystroke looks for neither
    /// again.
    pub fn after_python_edit(&self) -> Memo {
        self.keeping(&["plugin", "manifest facts", "settings", "settings folder"])
    }

    fn keeping(&self, kinds: &[&str]) -> Memo {
        let kept = papaya::HashMap::new();
        for (k, slot) in self.entries.pin().iter() {
            if kinds.contains(&k.0) && slot.get().is_some() {
                kept.pin().insert(k.clone(), slot.clone());
            }
        }
        Memo { entries: kept }
    }

    #[cfg(test)]
    pub fn entries(&self, what: &str) -> usize {
        self.entries
            .pin()
            .iter()
            .filter(|(k, slot)| k.0 == what && slot.get().is_some())
            .count()
    }
}

/// `compute`'s result, kept in the files' memo when they have one.
pub fn memoized<T: std::any::Any + Send + Sync>(
    files: &dyn Files,
    what: &'static str,
    folder: &Path,
    input: u64,
    compute: impl FnOnce() -> T,
) -> Arc<T> {
    match files.memo() {
        Some(memo) => memo.get_or_compute(what, folder, input, compute),
        None => Arc::new(compute()),
    }
}

/// A hash of a text, for a memo's key.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.py` keystroke keeps what no Python goes into and nothing else;
    /// a MANIFEST keystroke keeps what its facts key.
    #[test]
    fn an_edit_keeps_only_what_it_cannot_change() {
        let memo = Memo::default();
        let folder = Path::new("/p");
        for kind in [
            "plugin",
            "manifest facts",
            "settings",
            "settings folder",
            "code findings",
            "code reads",
        ] {
            memo.get_or_compute(kind, folder, 0, || 1u8);
        }
        let after_py = memo.after_python_edit();
        for kind in ["plugin", "manifest facts", "settings", "settings folder"] {
            assert_eq!(after_py.entries(kind), 1, "{kind}");
        }
        for kind in ["code findings", "code reads"] {
            assert_eq!(after_py.entries(kind), 0, "{kind}");
        }
        let after_manifest = memo.after_manifest_edit();
        for kind in ["code findings", "code reads", "settings", "settings folder"] {
            assert_eq!(after_manifest.entries(kind), 1, "{kind}");
        }
        for kind in ["plugin", "manifest facts"] {
            assert_eq!(after_manifest.entries(kind), 0, "{kind}");
        }
    }
}
