//! The resolver behind [`super::of_code`]: which functions a call may run,
//! which parameters receive the configuration; the values and the reads
//! themselves in [`getters`]. Each file's look-up tables come with its index
//! ([`Lookup`]).

use std::cell::RefCell;
use std::rc::Rc;

// Fx, not SipHash: the keys are our own names and numbers, rebuilt at
// every keystroke (SipHash of the call keys alone was 3% of it).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::*;
use crate::analysis::python::read_facts::{fn_key, Lookup};
use crate::analysis::python::{cache, FileIndex};

mod getters;

/// Deepest chain of calls a parameter's value is followed through.
pub(super) const MAX_DEPTH: usize = 4;

pub(super) struct Resolver<'c> {
    code: &'c PluginCode,
    /// (file, function, parameter) that receive the configuration.
    marks: HashSet<(usize, usize, usize)>,
    /// Per file, per call of `reads.calls`: the functions it may run.
    callees: Vec<FileCallees>,
    /// Per function: the calls that may run it (file, call, offset).
    callers: HashMap<FnId, Vec<(usize, usize, usize)>>,
    /// [`Self::enclosing`] by scope: the calls, reads and functions of one
    /// body share one `Arc<Scope>`, whose address (stable while `code` is
    /// borrowed) is the key.
    enclosing: RefCell<HashMap<*const Scope, Rc<[FnId]>>>,
}

/// What the callees of a call depend on besides the plugin's definitions:
/// its file and chain, and for `helper(…)` the function it is in (by its
/// scope's address, stable while the code is borrowed), for `self.m(…)`
/// its class.
#[derive(PartialEq, Eq, Hash)]
struct CalleeKey<'c> {
    file: usize,
    scope: usize,
    class: Option<&'c str>,
    callee: &'c [Name],
}

impl<'c> CalleeKey<'c> {
    fn of(file: usize, call: &'c Call) -> Self {
        let (scope, class) = match call.callee.as_slice() {
            [_] => (Arc::as_ptr(&call.scope) as usize, None),
            [s, _] if s == "self" || s == "cls" => (0, call.scope.class.as_deref()),
            _ => (0, None),
        };
        CalleeKey {
            file,
            scope,
            class,
            callee: &call.callee,
        }
    }
}

/// A function: (file, index into its `functions`).
pub(super) type FnId = (usize, usize);

/// A file's calls, each with the functions it may run.
type FileCallees = Arc<[Vec<(FnId, usize)>]>;

/// The callees of a plugin's files, kept from one keystroke to the next:
/// a file's own calls and every file's definitions decide them, so a file
/// whose index is the one kept (its text did not change) keeps them while
/// no file's definitions change (`definitions`). Finding every file's
/// callees again was a sixth of a `.py` keystroke.
struct KeptCallees {
    /// [`definitions`] of the plugin they were found with.
    definitions: u64,
    files: Vec<(Arc<FileIndex>, FileCallees)>,
}

/// What decides which function a name in any file of `code` is: each
/// file's path, whether it was read, and its definitions
/// ([`crate::analysis::python::index::definitions_hash`]).
fn definitions(code: &PluginCode) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for f in &code.files {
        (&f.rel, f.too_large, f.index.definitions).hash(&mut h);
    }
    h.finish()
}

impl<'c> Resolver<'c> {
    pub(super) fn new(code: &'c PluginCode) -> Self {
        let mut r = Resolver {
            code,
            marks: HashSet::default(),
            callees: Vec::new(),
            callers: HashMap::default(),
            enclosing: RefCell::default(),
        };
        let mut callees: Vec<FileCallees> = Vec::with_capacity(code.files.len());
        let definitions = definitions(code);
        let kept = cache::kept_for_plugin(&code.folder)
            .and_then(|k| k.downcast::<KeptCallees>().ok())
            .filter(|k| k.definitions == definitions);
        // Calls of one chain from one place have the same callees: a
        // plugin calls `self.helper(…)` or `log.debug(…)` many times.
        let mut known: HashMap<CalleeKey<'c>, Vec<(FnId, usize)>> = HashMap::default();
        for (f, file) in code.files.iter().enumerate() {
            let same = kept
                .as_ref()
                .and_then(|k| k.files.get(f))
                .filter(|(index, _)| Arc::ptr_eq(index, &file.index));
            let per_call: FileCallees = match same {
                Some((_, found)) => found.clone(),
                None => file
                    .index
                    .reads
                    .calls
                    .iter()
                    .map(|c| {
                        let key = CalleeKey::of(f, c);
                        if let Some(found) = known.get(&key) {
                            return found.clone();
                        }
                        let found = r.find_callees(f, c);
                        known.insert(key, found.clone());
                        found
                    })
                    .collect(),
            };
            for (ci, targets) in per_call.iter().enumerate() {
                for (k, (id, offset)) in targets.iter().enumerate() {
                    if targets[..k].iter().any(|(t, _)| t == id) {
                        continue;
                    }
                    r.callers.entry(*id).or_default().push((f, ci, *offset));
                }
            }
            callees.push(per_call);
        }
        if cache::keeping() {
            let files = code
                .files
                .iter()
                .zip(&callees)
                .map(|(file, found)| (file.index.clone(), found.clone()))
                .collect();
            cache::keep_for_plugin(&code.folder, Arc::new(KeptCallees { definitions, files }));
        }
        r.callees = callees;
        r
    }

    /// The file's look-up tables, built with its index.
    pub(super) fn lookup(&self, file: usize) -> &'c Lookup {
        &self.code.files[file].index.reads.lookup
    }

    pub(super) fn functions(&self, file: usize) -> &'c [FnDef] {
        &self.code.files[file].index.reads.functions
    }

    /// The last function `name` defined in `class` inside `functions`.
    pub(super) fn find_fn(
        &self,
        file: usize,
        class: Option<&str>,
        functions: &[String],
        name: &str,
    ) -> Option<usize> {
        self.find_fn_in(file, class, functions, None, name)
    }

    /// The last function `name` defined in the body of `d` (a helper
    /// nested in it).
    pub(super) fn find_fn_in_body(&self, file: usize, d: &FnDef, name: &str) -> Option<usize> {
        let scope = &d.scope;
        self.find_fn_in(
            file,
            scope.class.as_deref(),
            &scope.functions,
            Some(&d.name),
            name,
        )
    }

    /// The last function `name` defined in `class` inside `outer`, then
    /// `last`.
    fn find_fn_in(
        &self,
        file: usize,
        class: Option<&str>,
        outer: &[String],
        last: Option<&str>,
        name: &str,
    ) -> Option<usize> {
        let here = |d: &FnDef| {
            let fs = &d.scope.functions;
            d.scope.class.as_deref() == class
                && d.name == name
                && fs.len() == outer.len() + usize::from(last.is_some())
                && fs[..outer.len()] == *outer
                && last.is_none_or(|l| fs[outer.len()] == l)
        };
        let i = *self
            .lookup(file)
            .functions
            .get(&fn_key(class, outer, last, name))?;
        if here(&self.functions(file)[i]) {
            return Some(i);
        }
        // Two keys with one hash: the scan.
        self.functions(file).iter().rposition(here)
    }

    /// 1-based line of a byte offset in a file.
    pub(super) fn line_of(&self, file: usize, offset: usize) -> usize {
        self.lookup(file)
            .line_starts
            .partition_point(|s| *s <= offset)
            .max(1)
    }

    /// The functions whose bodies enclose `scope`, outermost first.
    pub(super) fn enclosing(&self, file: usize, scope: &Arc<Scope>) -> Rc<[FnId]> {
        let key = Arc::as_ptr(scope);
        if let Some(found) = self.enclosing.borrow().get(&key) {
            return found.clone();
        }
        let mut out = Vec::new();
        for (i, name) in scope.functions.iter().enumerate() {
            match self.find_fn(file, scope.class.as_deref(), &scope.functions[..i], name) {
                Some(k) => out.push((file, k)),
                None => break,
            }
        }
        let out: Rc<[FnId]> = out.into();
        self.enclosing.borrow_mut().insert(key, out.clone());
        out
    }

    /// The parameter `name` of the innermost function around `scope` that
    /// has one.
    pub(super) fn parameter(
        &self,
        file: usize,
        scope: &Arc<Scope>,
        name: &str,
    ) -> Option<(FnId, usize)> {
        self.enclosing(file, scope).iter().rev().find_map(|&id| {
            self.functions(id.0)[id.1]
                .params
                .iter()
                .position(|(p, _)| p == name)
                .map(|i| (id, i))
        })
    }

    /// Whether a receiver holds the plugin's configuration.
    pub(super) fn is_config(&self, file: usize, scope: &Arc<Scope>, chain: &[Name]) -> bool {
        match chain {
            [.., last] if chain.len() >= 2 => last == "plugin_configuration",
            [name] => match self.parameter(file, scope, name) {
                Some(((f, d), i)) => {
                    self.marks.contains(&(f, d, i))
                        || matches!(name.as_str(), "plugin_configuration" | "plugin_config")
                }
                None => false,
            },
            _ => false,
        }
    }

    /// The module-level class `name` in `file`.
    pub(super) fn class_index(&self, file: usize, name: &str) -> Option<usize> {
        self.code.files[file]
            .index
            .classes
            .iter()
            .rposition(|c| c.name == name)
    }

    /// Methods called `method` of the class and its bases in the plugin.
    pub(super) fn methods(&self, file: usize, class: usize, method: &str) -> Vec<FnId> {
        let (chain, _) = self.code.class_chain(file, class);
        let mut out = Vec::new();
        for (f, c) in chain {
            let cname = &self.code.files[f].index.classes[c].name;
            if let Some(i) = self.find_fn(f, Some(cname), &[], method) {
                out.push((f, i));
                break;
            }
        }
        out
    }

    /// The functions the `i`th call of `reads.calls` in `file` may run.
    pub(super) fn callees(&self, file: usize, i: usize) -> &[(FnId, usize)] {
        &self.callees[file][i]
    }

    /// The functions a call may run, each with the number of leading
    /// parameters the call does not pass (`self`, `cls`).
    pub(super) fn find_callees(&self, file: usize, call: &Call) -> Vec<(FnId, usize)> {
        let offset = |id: FnId| usize::from(self.functions(id.0)[id.1].binds_first());
        let with_offsets = |ids: Vec<FnId>| ids.into_iter().map(|id| (id, offset(id))).collect();
        let Some((method, prefix)) = call.callee.split_last() else {
            return Vec::new();
        };
        if prefix.is_empty() {
            // A helper nested in an enclosing function, then the module's.
            for &id in self.enclosing(file, &call.scope).iter().rev() {
                let d = &self.functions(id.0)[id.1];
                if let Some(i) = self.find_fn_in_body(file, d, method) {
                    return vec![((file, i), 0)];
                }
            }
            return match self.code.resolve_name(file, method) {
                Resolved::Class(f, c) => with_offsets(self.methods(f, c, "__init__")),
                Resolved::Other(f) => self
                    .find_fn(f, None, &[], method)
                    .map(|i| vec![((f, i), 0)])
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
        }
        if matches!(prefix, [s] if s == "self" || s == "cls") {
            let Some(class) = call
                .scope
                .class
                .as_deref()
                .and_then(|c| self.class_index(file, c))
            else {
                return Vec::new();
            };
            return with_offsets(self.methods(file, class, method));
        }
        match self.code.resolve_dotted(file, &prefix.join(".")) {
            Resolved::Class(f, c) => with_offsets(self.methods(f, c, method)),
            Resolved::Module(f) => self
                .find_fn(f, None, &[], method)
                .map(|i| vec![((f, i), 0)])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Marks, to a fixed point, the parameters that receive the
    /// configuration object.
    pub(super) fn mark_config_parameters(&mut self) {
        for _ in 0..16 {
            let mut new = Vec::new();
            for (f, file) in self.code.files.iter().enumerate() {
                for (ci, c) in file.index.reads.calls.iter().enumerate() {
                    // Most calls run no function of the plugin (`log.debug`).
                    if self.callees(f, ci).is_empty() {
                        continue;
                    }
                    let passes: Vec<(Option<usize>, Option<&str>)> = c
                        .args
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| matches!(a, Arg::Ref(ch) if self.is_config(f, &c.scope, ch)))
                        .map(|(i, _)| (Some(i), None))
                        .chain(
                            c.keywords
                                .iter()
                                .filter(|(_, a, _)| matches!(a, Arg::Ref(ch) if self.is_config(f, &c.scope, ch)))
                                .map(|(k, _, _)| (None, Some(k.as_str()))),
                        )
                        .collect();
                    if passes.is_empty() {
                        continue;
                    }
                    for &((tf, td), offset) in self.callees(f, ci) {
                        let params = &self.functions(tf)[td].params;
                        for (pos, kw) in &passes {
                            let p = match (pos, kw) {
                                (Some(i), _) => Some(i + offset).filter(|p| *p < params.len()),
                                (_, Some(k)) => params.iter().position(|(n, _)| n == k),
                                _ => None,
                            };
                            if let Some(p) = p {
                                if !self.marks.contains(&(tf, td, p)) {
                                    new.push((tf, td, p));
                                }
                            }
                        }
                    }
                }
            }
            if new.is_empty() {
                return;
            }
            self.marks.extend(new);
        }
    }
}
