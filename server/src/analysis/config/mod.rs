//! default.cfg rules, by family, each code in one file:
//! * [`read`]: what makes CPython's configparser raise on reading the text;
//! * [`interpolation`]: what makes `get` raise (pure configparser
//!   semantics);
//! * [`sdk`]: the SDK's own sections and options
//!   (`schemas/sdk-config.json`), for the plugin type read from the MANIFEST
//!   beside the file; [`values`] checks a known option's value by its type;
//! * [`traps`]: text that silently changes what the plugin reads.
//!
//! Sections the SDK does not define belong to the plugin: only their syntax
//! is checked. A template option (`; key=value`) is checked by the same
//! rules as the entry it would be once uncommented; what they find becomes
//! one `config/template-option` information ([`as_template`]).

mod code;
mod comments;
mod incremental;
mod services;

/// For the editor's inlay hints: the code's default where default.cfg
/// documents another.
pub(crate) use code::default_differs;
mod instance;
mod interpolation;
mod read;
mod sdk;
mod traps;
mod values;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

use super::codes::config::*;
use super::codes::Code;
use super::python::reads::{self as code_reads, Reads};
use super::{Context, Diagnostic, Edit, Severity};
use crate::schema::config::SectionSpec;
use crate::syntax::ini::{self, Comment, Entry, Ini, Section, Template};
use crate::text::TextRange;

use traps::Store;

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

pub fn check(text: &str, cx: &Context) -> Vec<Diagnostic> {
    // pluginv builds default.cfg from default.cfg.plugin only when there is
    // no default.cfg: beside one, it is not shipped, and its findings would
    // repeat default.cfg's.
    if !cx.files.is_detached()
        && cx
            .path
            .file_name()
            .is_some_and(|n| n == "default.cfg.plugin")
        && cx.files.is_file(&cx.path.with_file_name("default.cfg"))
    {
        return Vec::new();
    }
    // What the plugin's code reads (from the cached indexes of its files).
    let reads = if cx.files.is_detached() {
        None
    } else {
        code_reads::of_plugin(cx.files, &cx.plugin().folder)
    };
    let facts = Facts {
        plugin_type: cx.plugin().sdk_type(),
        api: cx.plugin().api.as_ref().map(|(a, b, _, _)| (*a, *b)),
        reads: reads.as_deref(),
        // An instance configuration is what the plugin reads: its commented
        // lines are comments, not documentation of the options.
        instance: cx.is_instance(),
    };
    match incremental::check(text, cx.path, &facts) {
        Some(out) => out,
        None => whole(text, &facts),
    }
}

/// [`check`] of the whole text at once.
fn whole(text: &str, facts: &Facts) -> Vec<Diagnostic> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    read::check(&ini, text, &mut out);
    interpolation::check(&ini, &mut out);
    sections(text, &ini, facts, Store::of(text, &ini), &mut out);
    required(text, &ini, facts, &mut out);
    out
}

/// What the rules take from outside the text: the plugin's type and API
/// from its MANIFEST, what its code reads, and whether the text is an
/// instance configuration.
pub(crate) struct Facts<'a> {
    plugin_type: Option<&'a str>,
    api: Option<(u64, u64)>,
    reads: Option<&'a Reads>,
    instance: bool,
}

/// The options the code requires that the text does not give
/// (`config/required-missing`).
fn required(text: &str, ini: &Ini, facts: &Facts, out: &mut Vec<Diagnostic>) {
    match facts.reads {
        Some(reads) if facts.instance => instance::required_missing(ini, reads, out),
        Some(reads) => code::missing_required(text, ini, reads, out),
        None => {}
    }
}

/// Only what makes CPython raise: reading the text, or getting any option.
pub fn check_syntax(text: &str) -> Vec<Diagnostic> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    read::check(&ini, text, &mut out);
    interpolation::check(&ini, &mut out);
    out
}

/// The SDK's rules and the traps, section by section.
fn sections(text: &str, ini: &Ini, facts: &Facts, store: Store, out: &mut Vec<Diagnostic>) {
    let &Facts {
        plugin_type,
        api,
        reads,
        instance,
    } = facts;
    for s in &ini.sections {
        let Some(h) = &s.header else { continue };
        let spec = sdk::section_role(h, plugin_type, out);
        // A section the plugin reads itself is read whatever the SDK's API.
        let read_by_plugin = reads.is_some_and(|r| r.read_by_plugin(h.name));
        if let Some(spec) = spec.filter(|_| !read_by_plugin) {
            out.extend(sdk::section_needs_newer_api(h, spec, api));
        }
        // The plugin's own section, and what its code reads.
        let own = reads.filter(|_| code::is_plugin_section(h, plugin_type));
        let mut unread = false;
        // A section with no option and no template says nothing to unread.
        let empty = s.entries.is_empty() && s.templates().next().is_none();
        if let Some(reads) = own.filter(|_| !empty) {
            if let Some(d) = code::unread_section(h, !s.entries.is_empty(), reads, plugin_type) {
                out.push(d);
                unread = true;
            }
        }
        let cx = Reading {
            reads,
            own: own.filter(|_| !unread),
            instance,
        };
        for e in &s.entries {
            entry(text, s, spec, e, store, cx, out);
        }
        if let Some(spec) = spec {
            sdk::missing_options(text, s, spec, out);
            if let Some(reads) = reads {
                services::factory_section(s, reads, out);
            }
        }
        if !instance {
            templates(text, s, spec, store, cx, out);
        }
        out.extend(traps::section_not_hostname(s));
    }
}

/// What the code reads, as a section's checks need it.
#[derive(Clone, Copy)]
struct Reading<'r> {
    /// What the code reads, when its code was found.
    reads: Option<&'r Reads>,
    /// The same, for a plugin section the code reads (or may read).
    own: Option<&'r Reads>,
    /// The text is an instance configuration, not default.cfg.
    instance: bool,
}

impl<'r> Reading<'r> {
    /// What the code reads, when it reads this very option.
    fn reads_option_itself(&self, section: &str, name: &str) -> Option<&'r Reads> {
        self.reads.filter(|r| r.of(section, name).next().is_some())
    }

    /// Whether the code reads the option of an SDK section itself (then
    /// "the SDK reads no option" is no finding).
    fn reads_sdk_option(&self, section: &str, name: &str) -> bool {
        self.reads.is_some_and(|r| r.reads_option(section, name))
    }
}

fn entry(
    text: &str,
    s: &Section,
    spec: Option<&SectionSpec>,
    e: &Entry,
    store: Store,
    cx: Reading,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(d) = read::header_read_as_option(text, e) {
        out.push(d);
        return;
    }
    let mut value_reported = false;
    // An option of an SDK section that the SDK does not read but the
    // plugin does is checked as the plugin's.
    let mut own = cx.own;
    if let (Some(spec), Some(name)) = (spec, s.name()) {
        if let Some((d, about_value)) = sdk::option(text, name, spec, e) {
            if d.code == UNKNOWN_OPTION && cx.reads_sdk_option(name, &e.name) {
                own = cx.reads;
            } else {
                out.push(d);
                value_reported = about_value;
            }
        }
    }
    if let (Some(reads), Some(name)) = (own, s.name()) {
        if cx.own.is_some() {
            if let Some(d) = code::unread_option(name, e.key, &e.name, e.key_range, reads) {
                out.push(d);
            }
        }
        if let Some(p) = code::value_problem(name, &e.name, &e.value, reads) {
            out.push(problem_diagnostic(p, e));
            value_reported = true;
        }
        out.extend(code::empty_not_none(name, e, reads));
        // An instance's empty required option is `config/required-missing`;
        // its comments were copied from default.cfg, whose findings they are.
        if !cx.instance {
            out.extend(code::empty_required(name, e, reads));
            out.extend(comments::comment_differs(
                text,
                s,
                e.line,
                name,
                &e.name,
                e.key_range,
                reads,
            ));
        }
    }
    if !value_reported {
        out.extend(traps::inline_comment(text, e));
    }
    if let Some(name) = s.name() {
        out.extend(values::trusted_ca_list_elsewhere(name, e, spec, cx.reads));
    }
    out.extend(traps::placeholder(e));
    traps::swallowed_lines(text, s, spec, e, out);
    if e.value == "$" {
        out.extend(traps::credential_store_missing(text, e.value_range, store));
    }
}

/// Template options, unless the section sets the option: the first finding
/// of the rules for set options on the entry the template would be.
fn templates(
    text: &str,
    s: &Section,
    spec: Option<&SectionSpec>,
    store: Store,
    cx: Reading,
    out: &mut Vec<Diagnostic>,
) {
    for (comment, t) in s.templates() {
        if t.key_is_placeholder() || s.entry(&t.name).is_some() {
            continue;
        }
        if let (Some(reads), Some(name)) = (cx.own, s.name()) {
            if let Some(d) = code::unread_option(name, t.key, &t.name, t.key_range, reads) {
                out.push(d);
            }
            out.extend(code::default_differs(name, t, reads));
        }
        if let (Some(reads), Some(name)) = (cx.reads, s.name()) {
            out.extend(comments::comment_differs(
                text,
                s,
                comment.line,
                name,
                &t.name,
                t.key_range,
                reads,
            ));
        }
        let e = t.uncommented(comment);
        if let Some(d) = uncommented_finding(text, s, spec, &e, store, cx) {
            out.push(as_template(d, comment, t, &e));
        }
    }
}

/// A value problem as a diagnostic on the whole value, with its fix.
fn problem_diagnostic(p: values::ValueProblem, e: &Entry) -> Diagnostic {
    let mut d = Diagnostic::new(p.code, p.severity, whole_value(e), p.message);
    if let Some(r) = p.replacement {
        d = d.with_fix(
            format!("Change to `{r}`"),
            vec![Edit::new(whole_value(e), r)],
        );
    }
    d
}

/// What the rules say about an uncommented template, `e`. Not what only
/// concerns how a set line is written (inline comments, placeholders,
/// indentation), not information-level findings, and no value check while
/// the value is a `<placeholder>` to fill in. A template of the plugin's
/// own section that can only be a boolean gets the SDK's boolean rule.
fn uncommented_finding(
    text: &str,
    s: &Section,
    spec: Option<&SectionSpec>,
    e: &Entry,
    store: Store,
    cx: Reading,
) -> Option<Diagnostic> {
    match (spec, s.name()) {
        (Some(spec), Some(name)) => {
            let sdk_finding = sdk::option(text, name, spec, e);
            if matches!(&sdk_finding, Some((d, _)) if d.code == UNKNOWN_OPTION)
                && cx.reads_sdk_option(name, &e.name)
            {
                // Not the SDK's option, but the plugin's.
                let reads = cx.reads?;
                if traps::placeholder_span(&e.value).is_some() {
                    return None;
                }
                return code::value_problem(name, &e.name, &e.value, reads)
                    .map(|p| problem_diagnostic(p, e));
            }
            if let Some((d, about_value)) = sdk_finding {
                let value_check = about_value && d.code != PROXY_ENABLED_IGNORED;
                let placeholder = traps::placeholder_span(&e.value).is_some();
                if d.severity != Severity::Info && !(value_check && placeholder) {
                    return Some(d);
                }
            }
        }
        (None, Some(name)) if cx.reads_option_itself(name, &e.name).is_some() => {
            // The code's own getter decides, not a guess from the value.
            let reads = cx.reads_option_itself(name, &e.name)?;
            if traps::placeholder_span(&e.value).is_none() {
                if let Some(p) = code::value_problem(name, &e.name, &e.value, reads) {
                    return Some(problem_diagnostic(p, e));
                }
            }
        }
        _ => {
            let text_read = match (cx.reads, s.name()) {
                (Some(r), Some(name)) => code::read_as_text(name, &e.name, r),
                _ => false,
            };
            if let Some(p) = values::own_boolean(e.key, &e.value).filter(|_| !text_read) {
                return Some(problem_diagnostic(p, e));
            }
        }
    }
    if let Some(d) = interpolation::syntax_fault(e) {
        return Some(d);
    }
    if e.value == "$" {
        return traps::credential_store_missing(text, e.value_range, store.for_templates());
    }
    None
}

/// A finding on the uncommented template `t` as `config/template-option`:
/// "when uncommented, …" at the same place (the key for an empty value), and
/// a fix that writes a new value becomes "Uncomment as `key=value`".
fn as_template(d: Diagnostic, comment: &Comment, t: &Template, e: &Entry) -> Diagnostic {
    let whole = whole_value(e);
    let range = if d.range == whole {
        template_value(t)
    } else {
        d.range
    };
    let mut out = Diagnostic::info(
        TEMPLATE_OPTION,
        range,
        format!("when uncommented, {}", lower_first(&d.message)),
    );
    if let Some([edit]) = d.fixes.first().map(|f| &f.edits[..]) {
        if edit.range == whole {
            let line = format!("{}={}", t.key, edit.new_text);
            out = out.with_fix(
                format!("Uncomment as `{}`", short(&line)),
                vec![Edit::new(
                    TextRange::new(comment.range.start, t.value_range.end),
                    line,
                )],
            );
        }
    }
    out
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

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with('`') => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
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

/// The value with its continuation lines.
fn whole_value(e: &Entry) -> TextRange {
    match e.continuations.last() {
        Some(c) => TextRange::new(e.value_range.start.min(c.start), c.end),
        None => e.value_range,
    }
}

/// A template's value on its first line, or its key when the value is
/// empty.
fn template_value(t: &Template) -> TextRange {
    if t.value_range.is_empty() {
        t.key_range
    } else {
        t.value_range
    }
}

/// The end of the line holding `offset`, before its line break.
fn line_end(text: &str, offset: usize) -> usize {
    crate::text::line_end(text, offset)
}
