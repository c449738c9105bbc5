//! `config/interpolation`: what `get` raises, exactly as CPython's
//! `BasicInterpolation` does. Pure configparser semantics: `%%`, `%(name)s`
//! looked up in the section and `[DEFAULT]`, at most ten levels deep.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{short, value_span, INTERPOLATION};
use crate::analysis::Applicability;
use crate::analysis::{Diagnostic, Edit};
use crate::syntax::ini::{self, Entry, Ini, IniErrorKind, Section};
use crate::text::TextRange;

/// CPython's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: u8 = 10;

/// Work allowed for interpolation checks (bytes scanned); a pathological
/// text stops being checked instead of taking seconds.
pub(crate) const INTERPOLATION_BUDGET: usize = 64 * 1024 * 1024;

/// An option definition: (index in `ini.sections`, index in its entries).
type DefId = (usize, usize);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Fault {
    /// `%` followed by neither `%` nor `(`.
    Lone,
    /// `%(` not followed by `name)s`.
    BadReference,
    /// `%(name)s` with no such option.
    Missing(String),
    /// References nested deeper than 10.
    Depth(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Culprit {
    def: DefId,
    /// Byte range in the definition's value.
    start: usize,
    end: usize,
    fault: Fault,
}

type Memo = FxHashMap<(DefId, u8), Option<Culprit>>;

/// Sections that resolve DEFAULT values alike: the results, and the faults
/// of DEFAULT options not yet reported (`None` until computed).
type Group<'a> = (Memo, Option<Vec<(&'a str, Culprit)>>);

/// The options of a section (of all its sections of that name): in text
/// order when there are few (the first of a name is the definition), else
/// the first definition of each name, sorted by name.
struct Own<'a> {
    list: Vec<(&'a str, DefId)>,
    sorted: bool,
}

/// Up to this many options, a section's are searched in text order.
const OWN_SCAN: usize = 16;

impl<'a> Own<'a> {
    fn fill(&mut self, list: impl Iterator<Item = (&'a str, DefId)>) {
        self.list.clear();
        self.list.extend(list);
        self.sorted = self.list.len() > OWN_SCAN;
        if self.sorted {
            // Stable: the first definition of a name stays first, and is kept.
            self.list.sort_by(|a, b| a.0.cmp(b.0));
            self.list.dedup_by(|b, a| a.0 == b.0);
        }
    }

    fn get(&self, name: &str) -> Option<DefId> {
        if self.sorted {
            self.list
                .binary_search_by(|(n, _)| (*n).cmp(name))
                .ok()
                .map(|i| self.list[i].1)
        } else {
            self.list.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
        }
    }

    /// The definitions, one per name, in any order.
    fn defs(&self) -> impl Iterator<Item = (&'a str, DefId)> + '_ {
        let sorted = self.sorted;
        self.list
            .iter()
            .enumerate()
            .filter(move |(i, (n, _))| sorted || !self.list[..*i].iter().any(|(m, _)| m == n))
            .map(|(_, x)| *x)
    }
}

fn own_get(own: &Own<'_>, name: &str) -> Option<DefId> {
    own.get(name)
}

struct Interp<'a> {
    ini: &'a Ini<'a>,
    defaults: FxHashMap<&'a str, DefId>,
    budget: usize,
}

/// One `get` context: a section's own options over DEFAULT's.
struct Scope<'a, 'm> {
    own: &'m Own<'a>,
    /// Results of DEFAULT definitions, shared by the sections that resolve
    /// them the same way.
    default_memo: &'m mut Memo,
    /// Results of the section's own definitions.
    memo: Memo,
}

impl<'a> Interp<'a> {
    fn value(&self, d: DefId) -> &'a str {
        &self.ini.sections[d.0].entries[d.1].value
    }

    fn is_default(&self, d: DefId) -> bool {
        self.ini.sections[d.0]
            .header
            .as_ref()
            .is_some_and(|h| h.is_default())
    }

    fn lookup(&self, scope: &Scope<'a, '_>, name: &str) -> Option<DefId> {
        own_get(scope.own, name).or_else(|| self.defaults.get(name).copied())
    }

    /// `_interpolate_some` on the value of `def` at `depth`: the first
    /// fault, or `None`. `Err` when out of budget.
    fn eval(
        &mut self,
        scope: &mut Scope<'a, '_>,
        def: DefId,
        depth: u8,
    ) -> Result<Option<Culprit>, ()> {
        // `(def, 1)` is only ever asked once (from the top, per scope or
        // group): not worth remembering.
        if depth <= 1 {
            return self.scan(scope, def, depth);
        }
        let in_default = self.is_default(def);
        let memo = if in_default {
            &*scope.default_memo
        } else {
            &scope.memo
        };
        if let Some(r) = memo.get(&(def, depth)) {
            return Ok(r.clone());
        }
        let r = self.scan(scope, def, depth)?;
        if in_default {
            scope.default_memo.insert((def, depth), r.clone());
        } else {
            scope.memo.insert((def, depth), r.clone());
        }
        Ok(r)
    }

    fn scan(
        &mut self,
        scope: &mut Scope<'a, '_>,
        def: DefId,
        depth: u8,
    ) -> Result<Option<Culprit>, ()> {
        let v = self.value(def);
        self.budget = self.budget.checked_sub(v.len() + 1).ok_or(())?;
        let b = v.as_bytes();
        let fault = |start, end, fault| {
            Ok(Some(Culprit {
                def,
                start,
                end,
                fault,
            }))
        };
        let mut i = 0;
        while let Some(p) = find_byte(&b[i..], b'%').map(|p| p + i) {
            match b.get(p + 1) {
                Some(b'%') => i = p + 2,
                Some(b'(') => {
                    let Some(close) = find_byte(&b[p + 2..], b')').map(|c| c + p + 2) else {
                        return fault(p, p + 2, Fault::BadReference);
                    };
                    if close == p + 2 || b.get(close + 1) != Some(&b's') {
                        return fault(p, close + 1, Fault::BadReference);
                    }
                    let var = ini::py_lower(&v[p + 2..close]);
                    let end = close + 2;
                    i = end;
                    let Some(target) = self.lookup(scope, &var) else {
                        return fault(p, end, Fault::Missing(var.into_owned()));
                    };
                    if self.value(target).contains('%') {
                        if depth >= MAX_DEPTH {
                            return fault(p, end, Fault::Depth(var.into_owned()));
                        }
                        if let Some(c) = self.eval(scope, target, depth + 1)? {
                            return Ok(Some(c));
                        }
                    }
                }
                _ => {
                    let len = v[p + 1..].chars().next().map_or(0, char::len_utf8);
                    return fault(p, p + 1 + len, Fault::Lone);
                }
            }
        }
        Ok(None)
    }
}

fn find_byte(b: &[u8], c: u8) -> Option<usize> {
    b.iter().position(|&x| x == c)
}

/// Every value `get` would raise on, each reported once, through the first
/// section that reads it.
pub(crate) fn check(ini: &Ini, out: &mut Vec<Diagnostic>) {
    let _ = check_spent(ini, out);
}

/// [`check`], and the bytes of values it scanned: `None` when it gave up,
/// the values of the text (expanded) being more than it scans.
pub(crate) fn check_spent(ini: &Ini, out: &mut Vec<Diagnostic>) -> Option<usize> {
    let has_pct = |e: &Entry| e.value.contains('%');
    // Sections with `%` in a value of their own.
    let with_pct: Vec<bool> = ini.sections.iter().map(Section::has_percent).collect();
    if !with_pct.contains(&true) {
        return Some(0);
    }
    // The sections as configparser merges them: DEFAULT first.
    let mut defaults: FxHashMap<&str, DefId> = FxHashMap::default();
    for (si, s) in ini.sections.iter().enumerate() {
        if s.header.as_ref().is_some_and(|h| h.is_default()) {
            for (ei, e) in s.entries.iter().enumerate() {
                defaults.entry(&*e.name).or_insert((si, ei));
            }
        }
    }
    let default_has_pct = defaults
        .values()
        .any(|d| has_pct(&ini.sections[d.0].entries[d.1]));
    // Each section name once (not DEFAULT), in order of first appearance:
    // its first section; `next_same` chains the sections of a name. Names
    // appear more than once only if the parser reported it.
    let repeated = ini
        .errors
        .iter()
        .any(|e| matches!(e.kind, IniErrorKind::DuplicateSection { .. }));
    let mut firsts: Vec<usize> = Vec::new();
    let mut next_same: Vec<usize> = Vec::new();
    if repeated {
        next_same = vec![usize::MAX; ini.sections.len()];
        let mut last: FxHashMap<&str, usize> = FxHashMap::default();
        for (si, s) in ini.sections.iter().enumerate() {
            let Some(h) = s.header.as_ref().filter(|h| !h.is_default()) else {
                continue;
            };
            match last.insert(h.name, si) {
                Some(prev) => next_same[prev] = si,
                None => firsts.push(si),
            }
        }
    } else {
        firsts.extend(
            ini.sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.header.as_ref().is_some_and(|h| !h.is_default()))
                .map(|(si, _)| si),
        );
    }
    let same_name = |first: usize| {
        std::iter::successors(Some(first), |&si| {
            next_same.get(si).copied().filter(|&n| n != usize::MAX)
        })
    };
    // Names DEFAULT values refer to.
    let mut referenced: FxHashSet<Cow<str>> = FxHashSet::default();
    for d in defaults.values() {
        let v: &str = &ini.sections[d.0].entries[d.1].value;
        let mut rest = v;
        while let Some(p) = rest.find("%(") {
            rest = &rest[p + 2..];
            if let Some(c) = rest.find(')') {
                referenced.insert(ini::py_lower(&rest[..c]));
            }
        }
    }
    // DEFAULT options with `%`, the only inherited ones that can fail.
    let mut default_pct: Vec<(&str, DefId)> = defaults
        .iter()
        .filter(|(_, d)| has_pct(&ini.sections[d.0].entries[d.1]))
        .map(|(k, d)| (*k, *d))
        .collect();
    default_pct.sort_by_key(|(_, d)| *d);
    let budget = INTERPOLATION_BUDGET.max(16 * ini_len(ini));
    let mut interp = Interp {
        ini,
        defaults,
        budget,
    };
    // Sections resolve DEFAULT values alike when they override the same
    // referenced names with values free of `%` (such a value is taken as
    // it is): they share the results, and the faults still to report.
    let mut groups: FxHashMap<Vec<&str>, Group> = FxHashMap::default();
    let mut reported: FxHashSet<(DefId, usize)> = FxHashSet::default();
    let mut report = |c: &Culprit, through: &str, out: &mut Vec<Diagnostic>| {
        if reported.insert((c.def, c.start)) {
            out.push(interpolation_diagnostic(ini, through, c));
        }
    };
    let mut mine: Vec<DefId> = Vec::new();
    let mut own_buf = Own {
        list: Vec::new(),
        sorted: false,
    };
    for &first in &firsts {
        // Without `%` in DEFAULT, only sections with `%` of their own can
        // fail (in any of the sections of their name).
        if !default_has_pct && !same_name(first).any(|si| with_pct[si]) {
            continue;
        }
        let name = ini.sections[first].name().unwrap_or_default();
        own_buf.fill(same_name(first).flat_map(|si| {
            let entries = &ini.sections[si].entries;
            entries
                .iter()
                .enumerate()
                .map(move |(ei, e)| (&*e.name, (si, ei)))
        }));
        let own_map = &own_buf;
        let key: Vec<&str> = if referenced.is_empty() {
            Vec::new()
        } else {
            let mut key: Vec<&str> = own_map
                .defs()
                .map(|(k, _)| k)
                .filter(|k| referenced.contains(*k))
                .collect();
            key.sort_unstable();
            key
        };
        let shareable = key
            .iter()
            .all(|k| own_get(own_map, k).is_none_or(|d| !interp.value(d).contains('%')));
        let mut private = Memo::default();
        let (default_memo, pending) = if shareable {
            let g = groups.entry(key).or_default();
            (&mut g.0, Some(&mut g.1))
        } else {
            (&mut private, None)
        };
        let mut scope = Scope {
            own: own_map,
            default_memo,
            memo: Memo::default(),
        };
        // `options(section)`: its own, then DEFAULT's.
        mine.clear();
        mine.extend(own_map.defs().map(|(_, d)| d));
        mine.sort_unstable();
        for &def in &mine {
            if !interp.value(def).contains('%') {
                continue;
            }
            match interp.eval(&mut scope, def, 1) {
                Err(()) => return None,
                Ok(None) => {}
                Ok(Some(c)) => report(&c, name, out),
            }
        }
        match pending {
            Some(pending) => {
                if pending.is_none() {
                    let mut faults = Vec::new();
                    for (n, def) in &default_pct {
                        match interp.eval(&mut scope, *def, 1) {
                            Err(()) => return None,
                            Ok(None) => {}
                            Ok(Some(c)) => faults.push((*n, c)),
                        }
                    }
                    *pending = Some(faults);
                }
                let list = pending.as_mut().expect("computed above");
                list.retain(|(n, c)| {
                    if own_get(own_map, n).is_some() {
                        return true;
                    }
                    report(c, name, out);
                    false
                });
            }
            None => {
                for (n, def) in &default_pct {
                    if own_get(own_map, n).is_some() {
                        continue;
                    }
                    match interp.eval(&mut scope, *def, 1) {
                        Err(()) => return None,
                        Ok(None) => {}
                        Ok(Some(c)) => report(&c, name, out),
                    }
                }
            }
        }
    }
    Some(budget - interp.budget)
}

fn ini_len(ini: &Ini) -> usize {
    ini.sections.last().map_or(0, |s| s.range.end)
}

fn interpolation_diagnostic(ini: &Ini, through: &str, culprit: &Culprit) -> Diagnostic {
    let entry = &ini.sections[culprit.def.0].entries[culprit.def.1];
    let in_default = ini.sections[culprit.def.0]
        .header
        .as_ref()
        .is_some_and(|h| h.is_default());
    fault_diagnostic(
        entry,
        culprit.start,
        culprit.end,
        &culprit.fault,
        in_default,
        through,
    )
}

/// The first fault of a value that needs no lookup (a lone `%`, a broken
/// `%(`), as [`check`] reports it: for a commented-out option, whose
/// references are not looked up.
pub(crate) fn syntax_fault(entry: &Entry) -> Option<Diagnostic> {
    let value: &str = &entry.value;
    let bytes = value.as_bytes();
    let mut i = 0;
    while let Some(p) = value[i..].find('%').map(|p| p + i) {
        match bytes.get(p + 1) {
            Some(b'%') => i = p + 2,
            Some(b'(') => match value[p + 2..].find(')').map(|c| c + p + 2) {
                Some(c) if c > p + 2 && bytes.get(c + 1) == Some(&b's') => i = c + 2,
                Some(c) => {
                    return Some(fault_diagnostic(
                        entry,
                        p,
                        c + 1,
                        &Fault::BadReference,
                        false,
                        "",
                    ))
                }
                None => {
                    return Some(fault_diagnostic(
                        entry,
                        p,
                        p + 2,
                        &Fault::BadReference,
                        false,
                        "",
                    ))
                }
            },
            _ => {
                let len = value[p + 1..].chars().next().map_or(0, char::len_utf8);
                return Some(fault_diagnostic(
                    entry,
                    p,
                    p + 1 + len,
                    &Fault::Lone,
                    false,
                    "",
                ));
            }
        }
    }
    None
}

/// The diagnostic of `fault` at bytes `start..end` of the entry's value,
/// read through the section `through`.
fn fault_diagnostic(
    e: &Entry,
    start: usize,
    end: usize,
    fault: &Fault,
    in_default: bool,
    through: &str,
) -> Diagnostic {
    let range = value_span(e, start, end);
    let piece = &e.value[start..end];
    let double = Edit::new(TextRange::new(range.start, range.start + 1), "%%");
    let read = "configparser raises when the value is read";
    match fault {
        Fault::Lone => {
            let edits: Vec<Edit> = lone_percents(&e.value)
                .into_iter()
                .filter_map(|o| e.text_offset(o))
                .map(|t| Edit::new(TextRange::new(t, t + 1), "%%"))
                .collect();
            Diagnostic::error(
                INTERPOLATION,
                range,
                format!("a lone `%` in the value of `{}`: {read}; write `%%` for a literal `%`", e.key),
            )
            .with_fix("Double every lone `%`", edits)
        }
        Fault::BadReference => Diagnostic::error(
            INTERPOLATION,
            range,
            format!(
                "`{}` is not a reference of the form `%(name)s`, and {read}; write `%%` for a literal `%`",
                short(piece)
            ),
        )
        .with_fix("Write `%%` for a literal `%`", vec![double]),
        Fault::Missing(var) => {
            let via = if in_default {
                format!(" (this `[DEFAULT]` value is read through `[{through}]`)")
            } else {
                String::new()
            };
            Diagnostic::error(
                INTERPOLATION,
                range,
                format!(
                    "`{}` refers to the option `{var}`, which neither `[{through}]` nor \
                     `[DEFAULT]` defines{via}, and {read}: define `{var}`, or write `%%` for a \
                     literal `%`",
                    short(piece)
                ),
            )
            // The reference may be meant (and the option missing), so
            // making it literal text is a guess.
            .with_fix_as(
                Applicability::Unsafe,
                "Write `%%` for a literal `%`",
                vec![double],
            )
        }
        Fault::Depth(var) => Diagnostic::error(
            INTERPOLATION,
            range,
            format!(
                "`%({var})s` nests references more than {MAX_DEPTH} levels deep (do they refer to \
                 each other in a loop?), and {read}"
            ),
        ),
    }
}

/// Offsets of the `%` signs that start neither `%%` nor `%(name)s`.
fn lone_percents(v: &str) -> Vec<usize> {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = v[i..].find('%').map(|p| p + i) {
        match b.get(p + 1) {
            Some(b'%') => i = p + 2,
            Some(b'(') => match v[p + 2..].find(')').map(|c| c + p + 2) {
                Some(c) if c > p + 2 && b.get(c + 1) == Some(&b's') => i = c + 2,
                _ => i = p + 1,
            },
            _ => {
                out.push(p);
                i = p + 1;
            }
        }
    }
    out
}
