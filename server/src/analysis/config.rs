//! default.cfg rules.
//!
//! Three families, each code in one place below:
//! * what makes CPython's configparser raise ([`check_syntax`]): the text is
//!   rejected when the plugin starts, or a value cannot be read;
//! * the SDK's own sections and options (`schemas/sdk-config.json`), for the
//!   plugin type read from the MANIFEST beside the file;
//! * traps that silently change what the plugin reads.
//!
//! Sections the SDK does not define belong to the plugin: only their syntax
//! is checked. Template options (`; key=value`) are checked as if
//! uncommented, at information level.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{did_you_mean, Applicability, Context, Diagnostic, Edit, Severity};
use crate::schema::config::{sdk, Invalid, OptionSpec, OptionType, SectionSpec};
use crate::syntax::ini::{self, is_py_space, Entry, Ini, IniErrorKind, Section, Template};
use crate::text::TextRange;

use super::codes::config::*;
use super::codes::Code;

/// The codes whose errors mean that CPython raises: on reading the text,
/// or on `get`ting an option.
pub const CPYTHON_CODES: &[Code] = &[
    MISSING_SECTION_HEADER,
    NO_DELIMITER,
    UNCLOSED_SECTION,
    EMPTY_OPTION_NAME,
    DUPLICATE_SECTION,
    DUPLICATE_OPTION,
    INTERPOLATION,
];

/// CPython's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: u8 = 10;

/// Work allowed for interpolation checks (bytes scanned); a pathological
/// text stops being checked instead of taking seconds.
const INTERPOLATION_BUDGET: usize = 64 * 1024 * 1024;

pub fn check(text: &str, cx: &Context) -> Vec<Diagnostic> {
    let ini = ini::parse(text);
    let ptype = cx.plugin().sdk_type();
    let mut out = Vec::new();
    syntax(&ini, text, &mut out);
    interpolation(&ini, &mut out);
    Sdk {
        text,
        ini: &ini,
        ptype,
        out: &mut out,
    }
    .check();
    out
}

/// Only what makes CPython raise: reading the text, or getting any option.
pub fn check_syntax(text: &str) -> Vec<Diagnostic> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    syntax(&ini, text, &mut out);
    interpolation(&ini, &mut out);
    out
}

/// How the SDK treats a section of a plugin of type `ptype`.
pub enum Role<'s> {
    /// The SDK reads it.
    Sdk(&'s SectionSpec),
    /// The SDK reads it for plugins of another type.
    OtherType(&'s SectionSpec),
    /// `[Logging]`: the SDK reads `[logging]` (the String), not this one.
    WrongCase(&'s SectionSpec, String),
    /// The plugin's own section, or a type-specific SDK section when the
    /// plugin type is unknown.
    Plugin,
}

pub fn role<'s>(name: &str, ptype: Option<&str>) -> Role<'s> {
    let sdk = sdk();
    if let Some(spec) = sdk.section(name) {
        return if spec.applies_to(ptype) {
            Role::Sdk(spec)
        } else if ptype.is_some() {
            Role::OtherType(spec)
        } else {
            Role::Plugin
        };
    }
    if let Some((spec, right)) = sdk.section_ignoring_case(name) {
        if spec.applies_to(ptype) {
            return Role::WrongCase(spec, right);
        }
    }
    Role::Plugin
}

// ---------------------------------------------------------------------------
// What makes configparser raise on reading.

fn syntax(ini: &Ini, text: &str, out: &mut Vec<Diagnostic>) {
    for e in &ini.errors {
        let line = &text[e.range.start..e.range.end];
        let comment_out = |d: Diagnostic| {
            d.with_fix(
                "Comment the line out",
                vec![Edit::new(TextRange::empty(e.range.start), "# ")],
            )
        };
        let d = match &e.kind {
            IniErrorKind::MissingSectionHeader { bom: true } => Diagnostic::error(
                MISSING_SECTION_HEADER,
                TextRange::new(e.range.start, e.range.start + '\u{feff}'.len_utf8()),
                "the file starts with a byte-order mark (U+FEFF), which configparser reads as text \
                 before the first section header and rejects: save the file as UTF-8 without BOM",
            )
            // The mark is no text to configparser's caller: removing it
            // changes nothing else.
            .with_fix_as(
                Applicability::Safe,
                "Remove the byte-order mark",
                vec![Edit::new(
                    TextRange::new(e.range.start, e.range.start + '\u{feff}'.len_utf8()),
                    "",
                )],
            ),
            IniErrorKind::MissingSectionHeader { bom: false } => comment_out(Diagnostic::error(
                MISSING_SECTION_HEADER,
                e.range,
                format!(
                    "`{}` comes before any `[section]` header, so configparser rejects the file: \
                     put it under a section, or comment it out with `#`",
                    short(line)
                ),
            )),
            IniErrorKind::NoDelimiter => comment_out(Diagnostic::error(
                NO_DELIMITER,
                e.range,
                format!(
                    "`{}` has no `=` or `:`, so configparser rejects the file: write \
                     `name=value`, or comment the line out with `#`",
                    short(line)
                ),
            )),
            IniErrorKind::UnclosedSection if line == "[]" => comment_out(Diagnostic::error(
                UNCLOSED_SECTION,
                e.range,
                "a section name needs at least one character between `[` and `]`; configparser \
                 rejects the file",
            )),
            IniErrorKind::UnclosedSection => Diagnostic::error(
                UNCLOSED_SECTION,
                e.range,
                format!(
                    "`{}` lacks its closing `]`, so configparser rejects the file: add `]`",
                    short(line)
                ),
            )
            .with_fix("Add `]`", vec![Edit::new(TextRange::empty(e.range.end), "]")]),
            IniErrorKind::EmptyOptionName => comment_out(Diagnostic::error(
                EMPTY_OPTION_NAME,
                e.range,
                "the option has no name before its `=` or `:`, so configparser rejects the file: \
                 write `name=value`",
            )),
            IniErrorKind::DuplicateSection { first, first_line } => {
                let name = &text[e.range.start..e.range.end];
                Diagnostic::error(
                    DUPLICATE_SECTION,
                    e.range,
                    format!(
                        "section `[{name}]` already appears on line {}, so configparser rejects \
                         the file: merge the two sections",
                        first_line + 1
                    ),
                )
                .with_related(*first, format!("first `[{name}]`"))
            }
            IniErrorKind::DuplicateOption {
                first,
                first_line,
                section,
            } => {
                let key = &text[e.range.start..e.range.end];
                let first_key = &text[first.start..first.end];
                let case = if key != first_key {
                    format!(" as `{first_key}` (option names ignore case)")
                } else {
                    String::new()
                };
                Diagnostic::error(
                    DUPLICATE_OPTION,
                    e.range,
                    format!(
                        "`{key}` is already set in `[{section}]`{case} on line {}, so \
                         configparser rejects the file: keep one of them",
                        first_line + 1
                    ),
                )
                .with_related(*first, format!("first `{first_key}`"))
            }
        };
        out.push(d);
    }
}

/// At most 60 characters of a line, for messages.
fn short(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() > 60 {
        let cut: String = first.chars().take(57).collect();
        format!("{cut}...")
    } else {
        first.to_string()
    }
}

// ---------------------------------------------------------------------------
// Interpolation: what `get` raises, exactly as BasicInterpolation does.

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

fn interpolation(ini: &Ini, out: &mut Vec<Diagnostic>) {
    let has_pct = |e: &Entry| e.value.contains('%');
    // Sections with `%` in a value of their own.
    let with_pct: Vec<bool> = ini.sections.iter().map(Section::has_percent).collect();
    if !with_pct.contains(&true) {
        return;
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
    let mut interp = Interp {
        ini,
        defaults,
        budget: INTERPOLATION_BUDGET.max(16 * ini_len(ini)),
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
                Err(()) => return,
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
                            Err(()) => return,
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
                        Err(()) => return,
                        Ok(None) => {}
                        Ok(Some(c)) => report(&c, name, out),
                    }
                }
            }
        }
    }
}

fn ini_len(ini: &Ini) -> usize {
    ini.sections.last().map_or(0, |s| s.range.end)
}

fn interpolation_diagnostic(ini: &Ini, through: &str, c: &Culprit) -> Diagnostic {
    let e = &ini.sections[c.def.0].entries[c.def.1];
    let in_default = ini.sections[c.def.0]
        .header
        .as_ref()
        .is_some_and(|h| h.is_default());
    let range = value_span(e, c.start, c.end);
    let piece = &e.value[c.start..c.end];
    let double = Edit::new(TextRange::new(range.start, range.start + 1), "%%");
    let read = "configparser raises when the value is read";
    match &c.fault {
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

/// The text range of bytes `start..end` of an entry's value, clipped to the
/// line it starts on.
fn value_span(e: &Entry, start: usize, end: usize) -> TextRange {
    for (v, t, len) in e.segments() {
        if v <= start && start < v + len {
            let s = t + (start - v);
            let stop = t + (end.min(v + len) - v);
            return TextRange::new(s, stop.max(s));
        }
    }
    e.value_range
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

/// The first interpolation syntax fault of a value, without looking
/// references up: for template options.
fn percent_fault(v: &str) -> Option<(usize, Fault)> {
    let b = v.as_bytes();
    let mut i = 0;
    while let Some(p) = v[i..].find('%').map(|p| p + i) {
        match b.get(p + 1) {
            Some(b'%') => i = p + 2,
            Some(b'(') => match v[p + 2..].find(')').map(|c| c + p + 2) {
                Some(c) if c > p + 2 && b.get(c + 1) == Some(&b's') => i = c + 2,
                _ => return Some((p, Fault::BadReference)),
            },
            _ => return Some((p, Fault::Lone)),
        }
    }
    None
}

// ---------------------------------------------------------------------------
// The SDK's sections and options, and the traps.

struct Sdk<'a> {
    text: &'a str,
    ini: &'a Ini<'a>,
    ptype: Option<&'a str>,
    out: &'a mut Vec<Diagnostic>,
}

/// What is wrong with a value for an option's type.
struct ValueProblem {
    code: Code,
    severity: Severity,
    message: String,
    /// The value to write instead, when there is an obvious one.
    replacement: Option<String>,
}

impl Sdk<'_> {
    fn check(mut self) {
        let store = self.credential_store();
        for s in &self.ini.sections {
            let Some(h) = &s.header else { continue };
            let spec = if h.is_default() {
                None
            } else {
                match role(h.name, self.ptype) {
                    Role::Sdk(spec) => Some(spec),
                    Role::OtherType(spec) => {
                        self.out.push(Diagnostic::warning(
                            WRONG_PLUGIN_TYPE_SECTION,
                            h.name_range,
                            format!(
                                "`[{}]` is read by the SDK only in `type: {}` plugins, and this \
                                 plugin is `type: {}`: remove the section, or check the \
                                 MANIFEST's type",
                                h.name,
                                spec.plugin_types.join("`/`"),
                                self.ptype.unwrap_or("?")
                            ),
                        ));
                        None
                    }
                    Role::WrongCase(_, right) => {
                        self.out.push(
                            Diagnostic::warning(
                                SECTION_CASE,
                                h.name_range,
                                format!(
                                    "section names are case-sensitive: the SDK reads `[{right}]`, \
                                     not `[{}]`",
                                    h.name
                                ),
                            )
                            .with_fix(
                                format!("Rename to `[{right}]`"),
                                vec![Edit::new(h.name_range, right.clone())],
                            ),
                        );
                        None
                    }
                    Role::Plugin => None,
                }
            };
            for e in &s.entries {
                self.entry(s, spec, e, &store);
            }
            if let Some(spec) = spec {
                self.required(s, spec);
            }
            self.templates(s, spec, &store);
            self.hostname(s);
        }
    }

    /// The `name` of `[credential_store]`: `Ok(true)` when set, `Ok(false)`
    /// when only a template line or an empty value stands for it; `Err`
    /// with where a `name=` line could go when there is none.
    fn credential_store(&self) -> Store {
        let mut sections = self.ini.named("credential_store").peekable();
        let Some(first) = sections.peek().copied() else {
            return Store::NoSection;
        };
        let mut template = false;
        for s in sections {
            if let Some(e) = s.entry("name") {
                if e.value.is_empty() || placeholder(&e.value).is_some() {
                    return Store::Empty;
                }
                return Store::Named;
            }
            template |= s.templates().any(|(_, t)| t.name == "name");
        }
        Store::NoName {
            header_end: first
                .header
                .as_ref()
                .map_or(0, |h| line_end(self.text, h.range.end)),
            template,
        }
    }

    fn entry(&mut self, s: &Section, spec: Option<&SectionSpec>, e: &Entry, store: &Store) {
        let text = self.text;
        if e.key.starts_with('[') {
            self.out.push(
                Diagnostic::warning(
                    UNCLOSED_SECTION,
                    e.key_range,
                    format!(
                        "`{}` lacks its closing `]`, so configparser reads this line as an option \
                         of the section above: add `]`",
                        short(&text[e.range.start..e.value_range.end])
                    ),
                )
                .with_fix(
                    "Add `]`",
                    vec![Edit::new(TextRange::empty(e.value_range.end), "]")],
                ),
            );
            return;
        }
        let mut value_reported = false;
        if let Some(spec) = spec {
            let h = s.header.as_ref().expect("SDK sections have headers");
            match spec.option(&e.name) {
                None => {
                    let known = spec.options.iter().map(|o| o.name.as_str());
                    let d = match did_you_mean(&e.name, known) {
                        Some(m) => Diagnostic::warning(
                            UNKNOWN_OPTION,
                            e.key_range,
                            format!(
                                "the SDK reads no option `{}` in `{}`; did you mean `{m}`?",
                                e.key,
                                spec.display()
                            ),
                        )
                        .with_fix(format!("Change to `{m}`"), vec![Edit::new(e.key_range, m)]),
                        None => Diagnostic::info(
                            UNKNOWN_OPTION,
                            e.key_range,
                            format!(
                                "the SDK reads no option `{}` in `{}` (it reads {}): fine if the \
                                 plugin reads it itself",
                                e.key,
                                spec.display(),
                                option_list(spec)
                            ),
                        ),
                    };
                    self.out.push(d);
                }
                Some(opt)
                    if !opt.only_in.is_empty() && !opt.only_in.iter().any(|n| n == h.name) =>
                {
                    self.out
                        .push(proxy_enabled(e.key_range, h.name, opt, false));
                    value_reported = true;
                }
                Some(opt) => {
                    if let Some(d) = self.typed_value(e, opt) {
                        self.out.push(d);
                        value_reported = true;
                    }
                }
            }
        }
        if !value_reported {
            if let Some(at) = inline_comment(text, e) {
                let comment = &text[at..e.value_range.end];
                self.out.push(
                    Diagnostic::warning(
                        INLINE_COMMENT,
                        TextRange::new(at, e.value_range.end),
                        format!(
                            "configparser has no inline comments: `{}` is part of the value of \
                             `{}`; move the comment to its own line",
                            short(comment),
                            e.key
                        ),
                    )
                    .with_fix(
                        "Move the comment to its own line",
                        move_comment(text, e, at),
                    ),
                );
            }
        }
        if let Some((start, end)) = placeholder(&e.value) {
            let r = value_span(e, start, end);
            self.out.push(
                Diagnostic::warning(
                    PLACEHOLDER,
                    r,
                    format!(
                        "`{}` is a placeholder of the template: replace it with a real value, or \
                         comment the line out again with `;`",
                        &e.value[start..end]
                    ),
                )
                .with_fix(
                    "Comment the line out",
                    vec![Edit::new(TextRange::empty(e.range.start), "; ")],
                ),
            );
        }
        self.swallowed(s, spec, e);
        if e.value == "$" {
            self.dollar(e.value_range, store, false);
        }
    }

    /// The type check of an uncommented value, as a diagnostic with its fix.
    fn typed_value(&self, e: &Entry, opt: &OptionSpec) -> Option<Diagnostic> {
        let text = self.text;
        let p = value_problem(opt, &e.value)?;
        // One diagnostic for an inline comment that spoils a typed value.
        if let Some(at) = inline_comment(text, e) {
            let before = text[e.value_range.start..at].trim_end_matches(is_py_space);
            if value_problem(opt, before).is_none() {
                let comment = &text[at..e.value_range.end];
                return Some(
                    Diagnostic::new(
                        p.code,
                        p.severity,
                        e.value_range,
                        format!(
                            "`{}` is not a valid `{}`: configparser has no inline comments, so \
                             `{}` is part of the value; move the comment to its own line",
                            short(&e.value),
                            e.key,
                            short(comment)
                        ),
                    )
                    // Whatever the code, the value is left as written.
                    .with_fix_as(
                        Applicability::Safe,
                        "Move the comment to its own line",
                        move_comment(text, e, at),
                    ),
                );
            }
        }
        let mut d = Diagnostic::new(p.code, p.severity, whole_value(e), p.message);
        if let Some(r) = p.replacement {
            d = d.with_fix(
                format!("Change to `{r}`"),
                vec![Edit::new(whole_value(e), r)],
            );
        }
        Some(d)
    }

    /// A required option is missing from an SDK section that sets others.
    fn required(&mut self, s: &Section, spec: &SectionSpec) {
        let Some(h) = &s.header else { return };
        if s.entries.is_empty() {
            return;
        }
        for o in spec.options.iter().filter(|o| o.required) {
            if s.entry(&o.name).is_none() {
                self.out.push(
                    Diagnostic::warning(
                        MISSING_OPTION,
                        h.name_range,
                        format!(
                            "`[{}]` sets options but not `{}`, without which the SDK ignores the \
                             section: add `{}=`",
                            h.name, o.name, o.name
                        ),
                    )
                    .with_fix(
                        format!("Add `{}=`", o.name),
                        vec![Edit::new(
                            TextRange::empty(line_end(self.text, h.range.end)),
                            format!("\n{}=", o.name),
                        )],
                    ),
                );
            }
        }
    }

    /// Continuation lines that look like an option or a section header.
    fn swallowed(&mut self, s: &Section, spec: Option<&SectionSpec>, e: &Entry) {
        let text = self.text;
        let pem = e.value.starts_with("-----BEGIN");
        for c in &e.continuations {
            let line = &text[c.start..c.end];
            let what = if looks_like_header(line) {
                Some(format!("the section header `{line}`"))
            } else if !pem && looks_like_option(line, spec, s) {
                Some(format!("the option `{}`", short(line)))
            } else {
                None
            };
            let Some(what) = what else { continue };
            let line_start = text[..c.start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[e.indent.start..e.indent.end];
            self.out.push(
                Diagnostic::warning(
                    SWALLOWED_LINE,
                    *c,
                    format!(
                        "this line is indented deeper than `{}`, so configparser adds it to that \
                         value instead of reading {what}: remove the indentation",
                        e.key
                    ),
                )
                .with_fix(
                    "Remove the indentation",
                    vec![Edit::new(TextRange::new(line_start, c.start), indent)],
                ),
            );
        }
    }

    /// `$` without a credential store to look it up in.
    fn dollar(&mut self, at: TextRange, store: &Store, template: bool) {
        let problem = match store {
            Store::Named => return,
            Store::NoName { template: true, .. } | Store::Empty if template => return,
            Store::NoSection => "there is no `[credential_store]` section naming it",
            Store::NoName { .. } => "`[credential_store]` sets no `name`",
            Store::Empty => "`[credential_store] name` is empty",
        };
        if template {
            self.out.push(Diagnostic::info(
                TEMPLATE_OPTION,
                at,
                format!(
                    "when uncommented, `$` is looked up in the local Credential Store, but \
                     {problem}: set `[credential_store] name` too"
                ),
            ));
            return;
        }
        let mut d = Diagnostic::warning(
            CREDENTIAL_STORE_MISSING,
            at,
            format!(
                "`$` fetches the value from the local Credential Store, but {problem}, so the \
                 plugin fails when it reads this option: set `[credential_store] name`"
            ),
        );
        match store {
            Store::NoSection => {
                let end = self.text.len();
                let nl = if self.text.is_empty() || self.text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                d = d.with_fix(
                    "Add a `[credential_store]` section",
                    vec![Edit::new(
                        TextRange::empty(end),
                        format!("{nl}\n[credential_store]\nname=\n"),
                    )],
                );
            }
            Store::NoName { header_end, .. } => {
                d = d.with_fix(
                    "Add `name=` to `[credential_store]`",
                    vec![Edit::new(TextRange::empty(*header_end), "\nname=")],
                );
            }
            _ => {}
        }
        self.out.push(d);
    }

    /// A section holding `$` values must be named like a host.
    fn hostname(&mut self, s: &Section) {
        let Some(h) = &s.header else { return };
        if h.is_default() || is_hostname(h.name) {
            return;
        }
        let Some(first) = s.entries.iter().find(|e| e.value == "$") else {
            return;
        };
        let mut d = Diagnostic::warning(
            SECTION_NOT_HOSTNAME,
            h.name_range,
            format!(
                "`$` values are looked up in the credential store with the section name as host \
                 name, and `{}` is not a valid host name (letters, digits and `-`)",
                h.name
            ),
        )
        .with_related(first.value_range, format!("`$` for `{}`", first.key));
        let renamed = h.name.replace('_', "-");
        if renamed != h.name && is_hostname(&renamed) {
            let plugin_too = if sdk().section(&renamed).is_some() {
                ""
            } else {
                " (and where the plugin reads it)"
            };
            d.message
                .push_str(&format!(": rename it to `[{renamed}]`{plugin_too}"));
            d = d.with_fix(
                format!("Rename to `[{renamed}]`"),
                vec![Edit::new(h.name_range, renamed)],
            );
        } else {
            d.message.push_str(": rename it");
        }
        self.out.push(d);
    }

    /// Template options, checked as if uncommented, at information level.
    fn templates(&mut self, s: &Section, spec: Option<&SectionSpec>, store: &Store) {
        let text = self.text;
        let h = s.header.as_ref();
        for (c, t) in s.templates() {
            if t.key_is_placeholder() || s.entry(&t.name).is_some() {
                continue;
            }
            let uncomment = |value: &str| -> (String, Vec<Edit>) {
                let line = format!("{}={}", t.key, value);
                (
                    format!("Uncomment as `{}`", short(&line)),
                    vec![Edit::new(
                        TextRange::new(c.range.start, t.value_range.end),
                        line,
                    )],
                )
            };
            let has_placeholder = placeholder(&t.value).is_some();
            if let Some(spec) = spec {
                let header = h.map_or("", |h| h.name);
                match spec.option(&t.name) {
                    None => {
                        let known = spec.options.iter().map(|o| o.name.as_str());
                        if let Some(m) = did_you_mean(&t.name, known) {
                            self.out.push(Diagnostic::info(
                                TEMPLATE_OPTION,
                                t.key_range,
                                format!(
                                    "when uncommented, `{}` is not read by the SDK in `{}`; did \
                                     you mean `{m}`?",
                                    t.key,
                                    spec.display()
                                ),
                            ));
                            continue;
                        }
                    }
                    Some(opt)
                        if !opt.only_in.is_empty() && !opt.only_in.iter().any(|n| n == header) =>
                    {
                        self.out.push(proxy_enabled(t.key_range, header, opt, true));
                        continue;
                    }
                    Some(opt) if !has_placeholder => {
                        if let Some(p) = value_problem(opt, &t.value) {
                            let mut d = Diagnostic::info(
                                TEMPLATE_OPTION,
                                template_value(t),
                                format!("when uncommented, {}", lower_first(&p.message)),
                            );
                            if let Some(r) = p.replacement {
                                let (title, edits) = uncomment(&r);
                                d = d.with_fix(title, edits);
                            }
                            self.out.push(d);
                            continue;
                        }
                    }
                    Some(_) => {}
                }
            } else if t.value.eq_ignore_ascii_case("true") || t.value.eq_ignore_ascii_case("false")
            {
                // The plugin's own option: booleans read with the SDK's
                // getboolean accept only yes and no.
                let r = if t.value.eq_ignore_ascii_case("true") {
                    "yes"
                } else {
                    "no"
                };
                let (title, edits) = uncomment(r);
                self.out.push(
                    Diagnostic::info(
                        TEMPLATE_OPTION,
                        template_value(t),
                        format!(
                            "when uncommented, `{}` is rejected if the plugin reads `{}` with the \
                             SDK's getboolean, which accepts only `yes` or `no`: write `{r}`",
                            t.value, t.key
                        ),
                    )
                    .with_fix(title, edits),
                );
                continue;
            }
            if let Some((p, fault)) = percent_fault(&t.value) {
                let at = template_offset(text, t, p);
                let what = match fault {
                    Fault::Lone => "a lone `%`".to_string(),
                    _ => format!("`{}`", short(&t.value[p..])),
                };
                self.out.push(Diagnostic::info(
                    TEMPLATE_OPTION,
                    TextRange::new(at, at + 1),
                    format!(
                        "when uncommented, {what} makes configparser raise when the value is \
                         read: write `%%` for a literal `%`"
                    ),
                ));
                continue;
            }
            if t.value == "$" {
                self.dollar(t.value_range, store, true);
            }
        }
    }
}

enum Store {
    Named,
    NoSection,
    NoName { header_end: usize, template: bool },
    Empty,
}

fn proxy_enabled(at: TextRange, header: &str, opt: &OptionSpec, template: bool) -> Diagnostic {
    let only = opt
        .only_in
        .iter()
        .map(|n| format!("`[{n}]`"))
        .collect::<Vec<_>>()
        .join(", ");
    let msg = format!(
        "the SDK reads `{}` only from {only}, never from `[{header}]`, so this setting has no \
         effect: move it to {only}",
        opt.name
    );
    if template {
        Diagnostic::info(
            TEMPLATE_OPTION,
            at,
            format!("when uncommented, {}", lower_first(&msg)),
        )
    } else {
        Diagnostic::warning(PROXY_ENABLED_IGNORED, at, msg)
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with('`') => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}

fn option_list(spec: &SectionSpec) -> String {
    spec.options
        .iter()
        .map(|o| format!("`{}`", o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value with its continuation lines.
fn whole_value(e: &Entry) -> TextRange {
    match e.continuations.last() {
        Some(c) => TextRange::new(e.value_range.start.min(c.start), c.end),
        None => e.value_range,
    }
}

fn template_value(t: &Template) -> TextRange {
    if t.value_range.is_empty() {
        t.key_range
    } else {
        t.value_range
    }
}

/// The text offset of byte `p` of a template's (first line) value.
fn template_offset(text: &str, t: &Template, p: usize) -> usize {
    let first = text[t.value_range.start..t.value_range.end].len();
    if p <= first {
        return t.value_range.start + p;
    }
    t.value_range.start
}

/// What is wrong with `value` (CPython's value, before the SDK's `$`
/// lookup) for the option's type.
fn value_problem(opt: &OptionSpec, value: &str) -> Option<ValueProblem> {
    // Interpolated values and credential store lookups are checked where
    // they come from.
    if value.contains('%') || (value == "$" && opt.ty != OptionType::Pem) {
        return None;
    }
    let v = if value == "$$" { "$" } else { value };
    let shown = short(v);
    match opt.ty {
        OptionType::String | OptionType::List => None,
        OptionType::Boolean => {
            if v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("no") {
                return None;
            }
            let replacement = match v.to_ascii_lowercase().as_str() {
                "true" | "on" | "1" | "y" | "enable" | "enabled" => Some("yes"),
                "false" | "off" | "0" | "n" | "disable" | "disabled" => Some("no"),
                _ => None,
            };
            let what = describe_value(v, &shown);
            Some(ValueProblem {
                code: INVALID_BOOLEAN,
                severity: Severity::Error,
                message: format!(
                    "{what} is rejected for `{}`: SDK booleans are only `yes` or `no`{}",
                    opt.name,
                    replacement.map_or(String::new(), |r| format!("; write `{r}`"))
                ),
                replacement: replacement.map(str::to_string),
            })
        }
        OptionType::Int => (!is_py_int(v)).then(|| ValueProblem {
            code: INVALID_INT,
            severity: Severity::Error,
            message: format!(
                "`{shown}` is not an integer, which `{}` must be{}",
                opt.name,
                default_hint(opt)
            ),
            replacement: None,
        }),
        OptionType::Float => (!is_py_float(v)).then(|| ValueProblem {
            code: INVALID_FLOAT,
            severity: Severity::Error,
            message: format!(
                "`{shown}` is not a number, which `{}` must be{}",
                opt.name,
                default_hint(opt)
            ),
            replacement: None,
        }),
        OptionType::Enum => {
            let ok = if opt.case_sensitive {
                opt.values.iter().any(|x| x == v)
            } else {
                {
                    let lower = ini::py_lower(v);
                    opt.values.iter().any(|x| *x == *lower)
                }
            };
            if ok {
                return None;
            }
            let m = did_you_mean(v, opt.values.iter().map(String::as_str));
            let list = opt
                .values
                .iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let severity = match opt.invalid {
                Invalid::Error => Severity::Error,
                Invalid::Warning => Severity::Warning,
            };
            let effect = match opt.invalid {
                Invalid::Error => "",
                Invalid::Warning => " (the SDK takes any other value as `false`)",
            };
            let what = describe_value(v, &shown);
            Some(ValueProblem {
                code: INVALID_ENUM,
                severity,
                message: format!(
                    "{what} is not valid for `{}`{effect}: write one of {list}{}",
                    opt.name,
                    m.map_or(String::new(), |m| format!("; did you mean `{m}`?"))
                ),
                replacement: m.map(str::to_string),
            })
        }
        OptionType::Pem => {
            if v.is_empty() || v.contains("-----BEGIN") {
                return None;
            }
            if opt.trusted_ca_list && dollar_bracket(v) {
                return None;
            }
            if value == "$" && opt.dollar_allowed {
                return None;
            }
            let mut accepted = vec!["PEM text with every line after the first indented"];
            if opt.dollar_allowed {
                accepted.push("`$`");
            }
            if opt.trusted_ca_list {
                accepted.push("`$[<trusted CA list name>]`");
            }
            Some(ValueProblem {
                code: INVALID_PEM,
                severity: Severity::Error,
                message: format!(
                    "`{shown}` is not accepted for `{}`: write {}",
                    opt.name,
                    accepted.join(" or ")
                ),
                replacement: None,
            })
        }
    }
}

fn default_hint(opt: &OptionSpec) -> String {
    opt.default
        .as_ref()
        .map_or(String::new(), |d| format!(" (default `{d}`)"))
}

/// `$[name]` anywhere in the value (the SDK's `\$\[(.*)\]`).
fn dollar_bracket(v: &str) -> bool {
    v.find("$[").is_some_and(|p| v[p + 2..].contains(']'))
}

/// Python `int()` of a stripped string.
fn is_py_int(v: &str) -> bool {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '_' || (!c.is_ascii() && c.is_numeric()))
}

/// Python `float()` of a stripped string.
fn is_py_float(v: &str) -> bool {
    // Underscores are allowed between digits only.
    let b = v.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let ok =
                i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit();
            if !ok {
                return false;
            }
        }
    }
    let cleaned: String = v.chars().filter(|c| *c != '_').collect();
    let l = cleaned.to_ascii_lowercase();
    let unsigned = l.strip_prefix(['+', '-']).unwrap_or(&l);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return true;
    }
    unsigned
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
        && cleaned.parse::<f64>().is_ok()
}

/// A template placeholder such as `<name-of-policy>` in a value: `<` at the
/// start or after a space, `,`, `=`, `[` or `(`, and `>` at the end or before
/// one of them (so `(?P<name>...)` in a regex is not one).
fn placeholder(v: &str) -> Option<(usize, usize)> {
    let b = v.as_bytes();
    let mut from = 0;
    while let Some(open) = v[from..].find('<').map(|p| p + from) {
        from = open + 1;
        if open > 0 && !matches!(b[open - 1], b' ' | b'\t' | b',' | b'=' | b'[' | b'(') {
            continue;
        }
        let close = v[open + 1..].find(['>', '<', '\n'])? + open + 1;
        if b[close] != b'>' {
            continue;
        }
        let inner = &v[open + 1..close];
        let after_ok =
            close + 1 == b.len() || matches!(b[close + 1], b' ' | b'\t' | b',' | b']' | b')');
        if after_ok && inner.len() <= 80 && inner.chars().any(|c| c.is_alphabetic()) {
            return Some((open, close + 1));
        }
    }
    None
}

/// Where an inline comment starts in the first line of an entry's value:
/// `;` or `#` after whitespace.
fn inline_comment(text: &str, e: &Entry) -> Option<usize> {
    let r = e.value_range;
    if r.is_empty() {
        return None;
    }
    let v = &text[r.start..r.end];
    // `;` or `#` whose previous character (or, first, the gap after the
    // delimiter) is a space.
    v.bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b';' | b'#'))
        .find(|&(i, _)| match v[..i].chars().next_back() {
            None => r.start > e.delimiter_range.end,
            Some(c) => is_py_space(c),
        })
        .map(|(i, _)| r.start + i)
}

/// Edits that move the inline comment at `at` to a line of its own above.
fn move_comment(text: &str, e: &Entry, at: usize) -> Vec<Edit> {
    let comment = &text[at..e.value_range.end];
    let cut_from = text[e.value_range.start..at]
        .trim_end_matches(is_py_space)
        .len()
        + e.value_range.start;
    let indent = &text[e.indent.start..e.indent.end];
    vec![
        Edit::new(
            TextRange::empty(e.indent.start),
            format!("{indent}{comment}\n"),
        ),
        Edit::new(TextRange::new(cut_from, e.value_range.end), ""),
    ]
}

fn looks_like_header(line: &str) -> bool {
    line.len() > 2
        && line.starts_with('[')
        && line.ends_with(']')
        && !line[1..line.len() - 1].contains(['[', ']'])
}

/// `name=value` or, for a name the SDK knows, `name: value`.
fn looks_like_option(line: &str, spec: Option<&SectionSpec>, s: &Section) -> bool {
    let Some(d) = line.find(['=', ':']) else {
        return false;
    };
    let key = line[..d].trim_end();
    let value = line[d + 1..].trim_start();
    let ident = !key.is_empty()
        && key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ident || value.starts_with('=') {
        return false;
    }
    let lower = key.to_ascii_lowercase();
    let known = spec.is_some_and(|sp| sp.named_option(&lower).is_some())
        || s.templates().any(|(_, t)| t.name == lower);
    match &line[d..d + 1] {
        "=" => !value.is_empty() || known,
        _ => known,
    }
}

/// A valid internet host name: dot-separated labels of letters, digits and
/// `-`, not starting or ending with `-`, at most 63 characters each.
pub fn is_hostname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The end of the line holding `offset`, before its line break.
fn line_end(text: &str, offset: usize) -> usize {
    crate::text::line_end(text, offset)
}

/// How a message names a value: quoted, or "an empty value".
fn describe_value(value: &str, shown: &str) -> String {
    if value.is_empty() {
        "an empty value".to_string()
    } else {
        format!("`{shown}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Context;
    use crate::workspace::MemoryFiles;
    use std::path::Path;

    /// The diagnostics of `text` in a plugin of type `ptype`, as
    /// `(line, code, severity, text under the range)`.
    fn diags(ptype: Option<&str>, text: &str) -> Vec<(usize, Code, Severity, String)> {
        let mut files = MemoryFiles::default();
        if let Some(t) = ptype {
            files.files.insert(
                "/p/MANIFEST".into(),
                format!("name: x\ntype: {t}\napi: 1.6\nversion: '1'\n").into_bytes(),
            );
        }
        let cx = Context::new(Path::new("/p/default.cfg"), &files);
        let mut d = check(text, &cx);
        d.sort_by_key(|d| (d.range.start, d.code));
        d.into_iter()
            .map(|d| {
                let line = text[..d.range.start].matches('\n').count() + 1;
                (
                    line,
                    d.code,
                    d.severity,
                    text[d.range.start..d.range.end].to_string(),
                )
            })
            .collect()
    }

    fn codes(ptype: Option<&str>, text: &str) -> Vec<(usize, Code)> {
        diags(ptype, text)
            .into_iter()
            .map(|(l, c, _, _)| (l, c))
            .collect()
    }

    #[test]
    fn cpython_errors() {
        let cases: &[(&str, &[(usize, Code)])] = &[
            ("k=v\n[a]\n", &[(1, MISSING_SECTION_HEADER)]),
            ("\u{feff}[a]\n", &[(1, MISSING_SECTION_HEADER)]),
            ("[a]\nnovalue\n", &[(2, NO_DELIMITER)]),
            ("[a]\n[b\n", &[(2, UNCLOSED_SECTION)]),
            ("[a]\n[]\n", &[(2, UNCLOSED_SECTION)]),
            ("[a]\n=v\n", &[(2, EMPTY_OPTION_NAME)]),
            ("[a]\n[a]\n", &[(2, DUPLICATE_SECTION)]),
            ("[a]\nKey=1\nkey=2\n", &[(3, DUPLICATE_OPTION)]),
            ("[a]\nk=50%off\n", &[(2, INTERPOLATION)]),
            ("[a]\nk=%(missing)s\n", &[(2, INTERPOLATION)]),
            ("[a]\nk=%(k)s\n", &[(2, INTERPOLATION)]),
            ("[a]\nk=%(x\n", &[(2, INTERPOLATION)]),
            ("[a]\nk=50%%\nj=%(K)s\n", &[]),
            ("[DEFAULT]\nd=%(b)s\n[s1]\nb=1\n", &[]),
            (
                "[DEFAULT]\nd=%(b)s\n[s1]\nb=1\n[s2]\n",
                &[(2, INTERPOLATION)],
            ),
            ("[DEFAULT]\nd=50%\n", &[]),
            ("[DEFAULT]\n[DEFAULT]\n[a]\n", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<_> = codes(None, text);
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn duplicate_option_points_at_the_first() {
        let text = "[a]\nKey=1\nkey=2\n";
        let d = check_syntax(text);
        assert_eq!(d[0].related[0].range, TextRange::new(4, 7));
        assert!(d[0].message.contains("line 2"), "{}", d[0].message);
    }

    #[test]
    fn interpolation_fix_doubles_lone_percents() {
        let text = "[a]\nk=50% and 10% of %(x)s\nx=1\n";
        let d = check_syntax(text);
        assert_eq!(d.len(), 1);
        let edits = &d[0].fixes[0].edits;
        assert_eq!(edits.len(), 2);
        assert_eq!(&text[edits[0].range.start..edits[0].range.end], "%");
    }

    #[test]
    fn sdk_values() {
        let text = "[logging]\nlog_level=infoo\ndestination=stderr\n\
                    [tls]\nenabled=true\nca_cert=/etc/ca.pem\n\
                    [https-proxy]\nport=80a\n";
        assert_eq!(
            codes(Some("aa"), text),
            vec![
                (2, INVALID_ENUM),
                (5, INVALID_BOOLEAN),
                (6, INVALID_PEM),
                (8, INVALID_INT)
            ]
        );
        let text =
            "[authentication_cache]\nhard_timeout=1.5e3\nsoft_timeout=x\nreuse_limit=1_000\n";
        assert_eq!(codes(Some("aa"), text), vec![(3, INVALID_FLOAT)]);
    }

    #[test]
    fn true_is_fixed_to_yes() {
        let text = "[tls]\nenabled = TRUE\n";
        let d = check(
            text,
            &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
        );
        assert_eq!(d[0].code, INVALID_BOOLEAN);
        assert_eq!(d[0].fixes[0].edits[0].new_text, "yes");
    }

    #[test]
    fn inline_comment_is_one_diagnostic() {
        let got = diags(
            None,
            "[logging]\nlog_level=info ; quieter\n[x]\nk=v # note\n",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1, INVALID_ENUM);
        assert_eq!(got[1].1, INLINE_COMMENT);
        assert_eq!(got[1].3, "# note");
    }

    #[test]
    fn sections_by_plugin_type() {
        let text = "[auth]\nprompt=x\n[check-in-trigger]\nrdp=later\n[Logging]\n";
        assert_eq!(
            codes(Some("credentialstore"), text),
            vec![
                (1, WRONG_PLUGIN_TYPE_SECTION),
                (4, INVALID_ENUM),
                (5, SECTION_CASE)
            ]
        );
        assert_eq!(
            codes(Some("aa"), text),
            vec![(3, WRONG_PLUGIN_TYPE_SECTION), (5, SECTION_CASE)]
        );
        // Unknown type: common sections only, nothing about the others.
        assert_eq!(codes(None, text), vec![(5, SECTION_CASE)]);
        assert_eq!(
            codes(Some("credentialstore"), "[check-in-trigger]\nrdp=later\n"),
            vec![(2, INVALID_ENUM)]
        );
    }

    #[test]
    fn unknown_options() {
        let got = diags(
            Some("aa"),
            "[logging]\nlog_levle=info\n[auth]\nidentity_provider=Local\n[mine]\nanything=1\n",
        );
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].1, got[0].2), (UNKNOWN_OPTION, Severity::Warning));
        assert_eq!((got[1].1, got[1].2), (UNKNOWN_OPTION, Severity::Info));
    }

    #[test]
    fn traps() {
        let text = "[https-proxy]\nserver=<proxy-server-name-or-ip>\nenabled=no\npassword=$\n\
                    [my_plugin]\nsecret=$\nurl=https://x\n  port=8080\n  [other]\n";
        assert_eq!(
            codes(None, text),
            vec![
                (2, PLACEHOLDER),
                (3, PROXY_ENABLED_IGNORED),
                (4, CREDENTIAL_STORE_MISSING),
                (5, SECTION_NOT_HOSTNAME),
                (6, CREDENTIAL_STORE_MISSING),
                (8, SWALLOWED_LINE),
                (9, SWALLOWED_LINE),
            ]
        );
        assert!(codes(None, "[credential_store]\nname=cs\n[a-b]\nx=$\n").is_empty());
        assert_eq!(
            codes(
                None,
                "[a]\nk=(?P<name>INC\\d+)\nj=$$\nv=-----BEGIN X-----\n  abc==\n  d=e\n"
            ),
            vec![]
        );
    }

    #[test]
    fn templates_are_information() {
        let text = "[onelogin]\n; enable_factor_selection=true\n; timeout=<seconds>\n\
                    [logging]\n; log_level=verbose\n; enable_stacktrace=no\n\
                    [https-proxy]\n; enabled=yes\n; password=$\n\
                    [credential_store]\n; name=<x>\n";
        let got = diags(Some("aa"), text);
        let want: Vec<(usize, Code, Severity, &str)> = vec![
            (2, TEMPLATE_OPTION, Severity::Info, "true"),
            (5, TEMPLATE_OPTION, Severity::Info, "verbose"),
            (8, TEMPLATE_OPTION, Severity::Info, "enabled"),
        ];
        let got: Vec<_> = got
            .iter()
            .map(|(l, c, s, t)| (*l, *c, *s, t.as_str()))
            .collect();
        assert_eq!(got, want);
        let d = check(
            text,
            &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
        );
        let fix = &d[0].fixes[0];
        assert_eq!(fix.edits[0].new_text, "enable_factor_selection=yes");
    }

    #[test]
    fn missing_required_option() {
        assert_eq!(
            codes(
                Some("aa"),
                "[whitelist source=ldap_server_group]\nallow=no_user\n"
            ),
            vec![(1, MISSING_OPTION)]
        );
        assert!(codes(
            Some("aa"),
            "[whitelist source=ldap_server_group]\n; allow=no_user\n"
        )
        .is_empty());
    }

    #[test]
    fn unclosed_header_with_delimiter_is_a_warning() {
        let got = diags(None, "[a]\n[whitelist source=user_list\n");
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].1, got[0].2), (UNCLOSED_SECTION, Severity::Warning));
    }

    #[test]
    fn hostnames() {
        assert!(is_hostname("hashicorp-vault"));
        assert!(is_hostname("a.b-c.d1"));
        assert!(!is_hostname("https_proxy"));
        assert!(!is_hostname("-a"));
        assert!(!is_hostname("whitelist source=user_list"));
    }

    #[test]
    fn numbers_like_python() {
        for ok in ["1", "-1", "+1_000", "007"] {
            assert!(is_py_int(ok), "{ok}");
        }
        for bad in ["", "1.0", "_1", "1__0", "0x10", "1e3", "- 1"] {
            assert!(!is_py_int(bad), "{bad}");
        }
        for ok in ["1", "1.", ".5", "1e-3", "-Infinity", "nan", "1_0.5"] {
            assert!(is_py_float(ok), "{ok}");
        }
        for bad in ["", ".", "e3", "1_", "0x1p3", "1,5", "infinit"] {
            assert!(!is_py_float(bad), "{bad}");
        }
    }

    /// A megabyte of sections is analysed without findings (its speed is
    /// measured by `cargo bench`, not here).
    #[test]
    fn big_file_is_analysed() {
        let mut text = String::from("[DEFAULT]\nbase=/x\n");
        let mut i = 0;
        while text.len() < 1 << 20 {
            text.push_str(&format!(
                "[section-{i}]\n; tmpl=<x>\nkey = value %(base)s\nlist = a,\n  b,\n  c\n\n"
            ));
            i += 1;
        }
        let d = check(
            &text,
            &Context::new(Path::new("/x/default.cfg"), &MemoryFiles::default()),
        );
        assert!(d.is_empty(), "{:?}", &d[..1]);
        // A long single line and many lone percent signs.
        let text = format!("[a]\nk={}\n", "%".repeat((1 << 20) + 1));
        assert_eq!(check_syntax(&text).len(), 1);
    }
}
