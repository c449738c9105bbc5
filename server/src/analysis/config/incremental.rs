//! A big default.cfg checked chunk by chunk, the findings of each chunk kept
//! between analyses: a keystroke runs the rules of the chunk it edits only.
//!
//! The text is cut before each header line in its first column
//! ([`ini::chunks`]): every chunk parses alone to the sections a parse of
//! the whole text gives. The rules that read one section (the SDK's, the
//! code's per option, the traps, and the errors configparser raises inside
//! it) give the same findings for the same chunk text under the same
//! [`Facts`] and credential store; they are kept by the chunk's hash and
//! length, relative to its start, and moved to where the chunk now is.
//!
//! What looks across sections is settled on every analysis from what each
//! chunk keeps, or it sends the text to the whole-text path:
//! * duplicate section names, and so the options of a repeated section: any
//!   name twice (`[DEFAULT]` included), the whole path;
//! * interpolation: a section's values are looked up in it alone, but for
//!   `[DEFAULT]` (with one and a `%` anywhere, the whole path) and the
//!   whole text's budget of bytes scanned (a chunk keeps what it spent);
//! * the credential store (`$` values): read from the chunks that name
//!   `credential_store`, a part of the key of every kept finding;
//! * required options the text does not give: from the chunks holding the
//!   sections the code requires options of, and `[DEFAULT]`.
//!
//! A finding placed outside its chunk (a fix at the end of the text), or one
//! that names a line (a duplicate option: the line of the first), is not
//! kept: its chunk is checked again each time. The same answer as the whole
//! path, always (`tests`: random edits against it).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crossbeam_utils::atomic::AtomicCell;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::*;
use crate::syntax::ini::Chunk;

/// Texts shorter than this take the whole path: it is fast enough, and
/// keeping their chunks would cost memory for every file of a `check`.
const MIN_BYTES: usize = 64 * 1024;

/// The files whose chunks are kept; past it, the least recently used goes.
const MAX_FILES: usize = 4;

/// A chunk's text, as a key: its hash and length.
type ChunkKey = (u64, usize);

/// What is kept of one chunk.
#[derive(Clone)]
struct Kept {
    /// The names of its sections' headers, in order.
    names: Vec<Box<str>>,
    /// A value of one of its sections has a `%`.
    percent: bool,
    /// The bytes interpolation scanned in it; `None`: it gave up.
    spent: Option<usize>,
    /// Its findings under the file's facts, placed from the chunk's start;
    /// `None`: to be checked again (made under other facts, or one of them
    /// lies outside the chunk or names a line).
    findings: Option<Vec<Diagnostic>>,
}

/// What is kept of one file.
#[derive(Default)]
struct File {
    /// The hash of the facts and store the findings were made under.
    facts: u64,
    chunks: FxHashMap<ChunkKey, Kept>,
}

/// One file's kept chunks: taken by the analysis that uses them and put
/// back after it, without a lock (an analysis of the same file meanwhile
/// finds none and checks every chunk: the same answer, computed again).
#[derive(Default)]
struct Slot {
    file: AtomicCell<Option<Box<File>>>,
    /// For "least recently used".
    used: AtomicU64,
}

/// The kept files, in a lock-free map (papaya): a keystroke in a big
/// default.cfg waits for nothing.
fn cache() -> &'static papaya::HashMap<PathBuf, Arc<Slot>> {
    static CACHE: OnceLock<papaya::HashMap<PathBuf, Arc<Slot>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

static CLOCK: AtomicU64 = AtomicU64::new(0);

fn key(text: &str) -> ChunkKey {
    (crate::workspace::text_hash(text), text.len())
}

/// The findings of [`super::check`] for a big text, from the chunks kept
/// for `path` and the rules of the changed ones; `None` when the text needs
/// the whole path (small, or what looks across sections needs it).
pub(super) fn check(text: &str, path: &Path, facts: &Facts) -> Option<Vec<Diagnostic>> {
    if text.len() < MIN_BYTES {
        return None;
    }
    let slot = cache()
        .pin()
        .get_or_insert_with(path.to_path_buf(), Arc::default)
        .clone();
    let mut file = slot.file.take().map(|f| *f).unwrap_or_default();
    let out = check_with(text, facts, &mut file);
    slot.used
        .store(CLOCK.fetch_add(1, Ordering::Relaxed) + 1, Ordering::Relaxed);
    slot.file.store(Some(Box::new(file)));
    let files = cache().pin();
    if files.len() > MAX_FILES {
        let oldest = files
            .iter()
            .min_by_key(|(_, s)| s.used.load(Ordering::Relaxed))
            .map(|(p, _)| p.clone());
        if let Some(p) = oldest {
            files.remove(&p);
        }
    }
    out
}

/// [`check`] with the file's kept chunks, which it updates (to this text's
/// chunks only) whatever it answers.
fn check_with(text: &str, facts: &Facts, file: &mut File) -> Option<Vec<Diagnostic>> {
    let chunks = ini::chunks(text);
    let keys: Vec<ChunkKey> = chunks.iter().map(|c| key(&text[c.start..c.end])).collect();
    let mut old = std::mem::take(&mut file.chunks);

    // The credential store, from the chunks that may name it.
    let store_chunks = chunks.iter().zip(&keys).filter(|(c, k)| match old.get(k) {
        Some(kept) => kept.names.iter().any(|n| &**n == "credential_store"),
        None => text[c.start..c.end].contains("credential_store"),
    });
    let store = Store::of(text, &parse_some(text, store_chunks.map(|(c, _)| *c)));
    let hash = facts_hash(facts, store);
    if hash != file.facts {
        old.values_mut().for_each(|k| k.findings = None);
        file.facts = hash;
    }

    let mut out = Vec::new();
    let mut next: FxHashMap<ChunkKey, Kept> = FxHashMap::default();
    next.reserve(chunks.len());
    let mut lines = Lines::default();
    for (c, k) in chunks.iter().zip(&keys) {
        let kept = match old.remove(k).or_else(|| next.get(k).cloned()) {
            Some(
                kept @ Kept {
                    findings: Some(_), ..
                },
            ) => {
                let found = kept.findings.iter().flatten();
                out.extend(found.map(|d| moved(d.clone(), c.start, true)));
                kept
            }
            _ => checked(text, *c, lines.at(text, c.start), facts, store, &mut out),
        };
        next.insert(*k, kept);
    }
    file.chunks = next;

    // What looks across sections.
    let mut names: FxHashSet<&str> = FxHashSet::default();
    let (mut percent, mut spent) = (false, 0usize);
    for k in &keys {
        let kept = &file.chunks[k];
        if !kept.names.iter().all(|n| names.insert(n)) {
            return None;
        }
        percent |= kept.percent;
        spent = spent.checked_add(kept.spent?)?;
    }
    // Interpolation looks in `[DEFAULT]` too, and the whole path gives up
    // past its budget of bytes scanned (at least this one).
    if percent && names.contains(ini::DEFAULT_SECTION)
        || spent > interpolation::INTERPOLATION_BUDGET
    {
        return None;
    }
    if let Some(reads) = facts.reads {
        let mut wanted: FxHashSet<&str> = FxHashSet::default();
        wanted.insert(ini::DEFAULT_SECTION);
        for r in reads.reads.iter().filter(|r| r.required) {
            wanted.insert(&r.section);
            if let Some((s, _, _)) = &r.under {
                wanted.insert(s);
            }
        }
        let holding = chunks
            .iter()
            .zip(&keys)
            .filter(|(_, k)| file.chunks[*k].names.iter().any(|n| wanted.contains(&**n)));
        let ini = parse_some(text, holding.map(|(c, _)| *c));
        required(text, &ini, facts, &mut out);
    }
    Some(out)
}

/// The sections of some chunks, in order, as one tree (no errors).
fn parse_some(text: &str, chunks: impl Iterator<Item = Chunk>) -> Ini<'_> {
    let mut ini = Ini::default();
    let mut lines = Lines::default();
    for c in chunks {
        let line = lines.at(text, c.start);
        ini.sections
            .extend(ini::parse_chunk(text, c, line).sections);
    }
    ini
}

/// Zero-based line numbers of offsets asked in increasing order, counted
/// from the last one asked.
#[derive(Default)]
struct Lines {
    offset: usize,
    line: usize,
}

impl Lines {
    fn at(&mut self, text: &str, offset: usize) -> usize {
        self.line += ini::lines_between(text, self.offset, offset);
        self.offset = offset;
        self.line
    }
}

/// The chunk parsed and checked: its findings added to `out`, and what it
/// keeps (its findings relative to its start, unless one lies outside it).
fn checked(
    text: &str,
    c: Chunk,
    line: usize,
    facts: &Facts,
    store: Store,
    out: &mut Vec<Diagnostic>,
) -> Kept {
    let ini = ini::parse_chunk(text, c, line);
    let from = out.len();
    read::check(&ini, text, out);
    let spent = interpolation::check_spent(&ini, out);
    sections(text, &ini, facts, store, out);
    let found = &out[from..];
    // A duplicate option's message names the line of the first: it moves
    // with the lines above.
    let keep = !ini
        .errors
        .iter()
        .any(|e| matches!(e.kind, ini::IniErrorKind::DuplicateOption { .. }))
        && found
            .iter()
            .all(|d| places(d).all(|r| c.start <= r.start && r.end <= c.end));
    Kept {
        names: ini
            .sections
            .iter()
            .filter_map(|s| s.name())
            .map(Box::from)
            .collect(),
        percent: ini.sections.iter().any(Section::has_percent),
        spent,
        findings: keep.then(|| {
            found
                .iter()
                .map(|d| moved(d.clone(), c.start, false))
                .collect()
        }),
    }
}

/// The places in this text a finding names: its range, related places and
/// the ranges of the edits of its fixes in this file.
fn places(d: &Diagnostic) -> impl Iterator<Item = TextRange> + '_ {
    std::iter::once(d.range)
        .chain(d.related.iter().map(|r| r.range))
        .chain(
            d.fixes
                .iter()
                .flat_map(|f| &f.edits)
                .filter(|e| e.path.is_none())
                .map(|e| e.range),
        )
}

/// The finding with its places in this text moved by `by` bytes, forward
/// or back.
fn moved(mut d: Diagnostic, by: usize, forward: bool) -> Diagnostic {
    let shift = |r: &mut TextRange| {
        if forward {
            *r = TextRange::new(r.start + by, r.end + by);
        } else {
            *r = TextRange::new(r.start - by, r.end - by);
        }
    };
    shift(&mut d.range);
    d.related.iter_mut().for_each(|r| shift(&mut r.range));
    d.fixes
        .iter_mut()
        .flat_map(|f| f.edits.iter_mut())
        .filter(|e| e.path.is_none())
        .for_each(|e| shift(&mut e.range));
    d
}

/// A hash of everything the findings of a chunk take from outside it.
fn facts_hash(facts: &Facts, store: Store) -> u64 {
    let mut h = FxHasher::default();
    facts.plugin_type.hash(&mut h);
    facts.api.hash(&mut h);
    facts.instance.hash(&mut h);
    store.hash(&mut h);
    // What the code reads, all of it (places in the code included).
    match facts.reads {
        Some(r) => format!("{r:?}").hash(&mut h),
        None => 0u8.hash(&mut h),
    }
    // Never the hash of a new file.
    h.finish() | 1
}

#[cfg(test)]
mod tests;
