//! default.cfg completion: section names for `[`, an SDK section's options
//! (and the section's commented-out ones), and values by the option's type.

use super::short;
use crate::analysis::python::reads::{Getter, Reads};
use crate::analysis::Context;
use crate::features::{CompletionItem, CompletionKind};
use crate::schema::config::{role, sdk, OptionSpec, OptionType, Role, SectionSpec};
use crate::syntax::ini::{self, is_py_space, Ini, Section};
use crate::text::{line_end, line_start, TextRange};

pub(crate) fn completion(text: &str, offset: usize, cx: &Context) -> Vec<CompletionItem> {
    let plugin_type = cx.plugin().sdk_type();
    let line_begin = line_start(text, offset);
    let line_stop = line_end(text, offset).max(offset);
    let before = &text[line_begin..offset];
    let lead = before.len() - before.trim_start_matches(is_py_space).len();
    let typed = &before[lead..];
    if typed.starts_with('#') || typed.starts_with(';') {
        return Vec::new();
    }
    if let Some(rest) = typed.strip_prefix('[') {
        if !rest.contains(']') {
            // Which sections the file has: all of it is needed.
            let ini = ini::parse(text);
            let reads = super::code::reads_of(cx);
            return section_items(
                text,
                &ini,
                line_begin + lead + 1,
                offset,
                line_stop,
                plugin_type,
                reads.as_deref(),
            );
        }
        return Vec::new();
    }
    // Only the cursor's section is needed.
    let ini = ini::parse_around(text, offset, offset);
    let section = ini.section_at(offset);
    // A continuation line belongs to the value above.
    if section.is_some_and(|s| {
        s.entries.iter().any(|e| {
            e.continuations
                .iter()
                .any(|c| c.start <= offset && offset <= c.end)
        })
    }) {
        return Vec::new();
    }
    let Some(section) = section.filter(|s| s.header.is_some()) else {
        return Vec::new();
    };
    if let Some(d) = typed.find(['=', ':']) {
        let key = ini::py_lower(typed[..d].trim_end_matches(is_py_space));
        let line_rest = &text[line_begin + lead + d + 1..line_stop];
        let value_start = line_begin
            + lead
            + d
            + 1
            + (line_rest.len() - line_rest.trim_start_matches(is_py_space).len());
        let value_end = line_begin + lead + d + 1 + line_rest.trim_end_matches(is_py_space).len();
        let replace = TextRange::new(value_start.min(offset), value_end.max(offset));
        let reads = super::code::reads_of(cx);
        return value_items(section, &key, replace, plugin_type, reads.as_deref());
    }
    let word_end = offset
        + text[offset..line_stop]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(line_stop - offset);
    let reads = super::code::reads_of(cx);
    option_items(
        section,
        TextRange::new(line_begin + lead, word_end),
        plugin_type,
        reads.as_deref(),
    )
}

fn section_items(
    text: &str,
    ini: &Ini,
    start: usize,
    offset: usize,
    line_stop: usize,
    plugin_type: Option<&str>,
    reads: Option<&Reads>,
) -> Vec<CompletionItem> {
    let line_rest = &text[offset..line_stop];
    let (end, close) = match line_rest.find(']') {
        Some(i) => (offset + i, ""),
        None => (line_stop.max(offset), "]"),
    };
    let end = if close.is_empty() {
        end
    } else {
        start + text[start..end].trim_end_matches(is_py_space).len()
    };
    let replace = TextRange::new(start, end.max(offset));
    let present = |name: &str| ini.named(name).next().is_some();
    let mut out = Vec::new();
    for (i, spec) in sdk().sections.iter().enumerate() {
        if plugin_type.is_some() && !spec.applies_to(plugin_type) {
            continue;
        }
        let name = match &spec.name_pattern {
            Some(p) => {
                let mut n = 1;
                while present(&p.replace("<N>", &n.to_string())) {
                    n += 1;
                }
                p.replace("<N>", &n.to_string())
            }
            None if spec.names().any(present) => continue,
            None => spec.name.clone(),
        };
        let detail = if spec.is_common() {
            "SDK section, every plugin type".to_string()
        } else {
            format!("SDK section, type: {}", spec.plugin_types.join(", "))
        };
        out.push(
            CompletionItem::new(name.clone(), CompletionKind::Section, replace)
                .detail(detail)
                .docs(spec.markdown())
                .insert(format!("{name}{close}"), false)
                .sort(format!("{i:03}")),
        );
    }
    // The plugin's own sections, as its code reads them, first.
    for (i, name) in reads
        .map(Reads::sections)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        if present(name)
            || out.iter().any(|c| c.label == name)
            || !matches!(role(name, plugin_type), Role::Plugin)
        {
            continue;
        }
        let r = reads.expect("sections come from the reads");
        let mut item = CompletionItem::new(name, CompletionKind::Section, replace)
            .detail("the plugin's section, read by its code")
            .insert(format!("{name}{close}"), false)
            .sort(format!("+{i:03}"));
        if let Some(md) = super::code::section_markdown(name, r) {
            item = item.docs(md);
        }
        out.push(item);
    }
    out
}

fn option_items(
    section: &Section,
    replace: TextRange,
    plugin_type: Option<&str>,
    reads: Option<&Reads>,
) -> Vec<CompletionItem> {
    let h = section.header.as_ref().expect("a header");
    let spec = match role(h.name, plugin_type) {
        Role::Sdk(spec) => Some(spec),
        _ => None,
    };
    let set = |name: &str| section.entry(name).is_some();
    let template = |name: &str| {
        section
            .templates()
            .find(|(_, t)| t.name == name)
            .map(|(_, t)| t)
    };
    let mut out = Vec::new();
    if let Some(spec) = spec {
        for (i, o) in spec.options.iter().enumerate() {
            if set(&o.name) || (!o.only_in.is_empty() && !o.only_in.iter().any(|n| n == h.name)) {
                continue;
            }
            let t = template(&o.name).filter(|t| !t.value.is_empty() && !t.value.contains('<'));
            let value = t.map(|t| &*t.value).or(o.suggested_value()).unwrap_or("");
            let snippet = format!("{}=${{1:{}}}", o.name, snippet_escape(value));
            let mut detail = o.summary();
            if t.is_some() {
                detail.push_str(", commented out in this file");
            }
            out.push(
                CompletionItem::new(o.name.clone(), CompletionKind::Key, replace)
                    .detail(detail)
                    .docs(o.markdown(spec))
                    .insert(snippet, true)
                    .sort(format!("0{i:03}")),
            );
        }
    }
    // The options the plugin's code reads in the section.
    if let Some(r) = reads {
        for (i, name) in r.options_in(h.name).into_iter().enumerate() {
            if set(name) || out.iter().any(|c| c.label == name) {
                continue;
            }
            let rs = super::code::own(r, h.name, name);
            let value = template(name)
                .filter(|t| !t.value.is_empty() && !t.value.contains('<'))
                .map(|t| t.value.to_string())
                .or_else(|| rs.first().and_then(|x| x.ini_default()))
                .unwrap_or_default();
            let mut detail = super::code::summary(&rs);
            if template(name).is_some() {
                detail.push_str(", commented out in this file");
            }
            let mut item = CompletionItem::new(name, CompletionKind::Key, replace)
                .detail(detail)
                .insert(format!("{name}=${{1:{}}}", snippet_escape(&value)), true)
                .sort(format!("0p{i:03}"));
            if let Some(md) = super::code::markdown(h.name, name, &rs) {
                item = item.docs(md);
            }
            out.push(item);
        }
    }
    for (i, (_, t)) in section.templates().enumerate() {
        if t.key_is_placeholder()
            || set(&t.name)
            || out.iter().any(|c| c.label == t.name)
            || out.iter().any(|c: &CompletionItem| c.label == t.key)
        {
            continue;
        }
        let line = format!("{}={}", t.key, t.value.lines().next().unwrap_or(""));
        let mut item = CompletionItem::new(t.key, CompletionKind::Key, replace)
            .detail(format!("commented out in this file: {}", short(&line)))
            .insert(
                format!(
                    "{}=${{1:{}}}",
                    t.key,
                    snippet_escape(t.value.lines().next().unwrap_or(""))
                ),
                true,
            )
            .sort(format!("1{i:03}"));
        if let Some(o) = spec.and_then(|s| s.named_option(&t.name).map(|o| (s, o))) {
            item = item.docs(o.1.markdown(o.0));
        }
        out.push(item);
    }
    out
}

fn value_items(
    section: &Section,
    key: &str,
    replace: TextRange,
    plugin_type: Option<&str>,
    reads: Option<&Reads>,
) -> Vec<CompletionItem> {
    let h = section.header.as_ref().expect("a header");
    let mut out = Vec::new();
    let value = |label: &str, detail: String, docs: Option<String>, i: usize| {
        let mut c = CompletionItem::new(label, CompletionKind::Value, replace)
            .detail(detail)
            .sort(format!("{i:03}"));
        if let Some(d) = docs {
            c = c.docs(d);
        }
        c
    };
    let dollar_docs = |v: &str| sdk().special(v).map(|s| s.description.clone());
    let (opt, spec): (Option<&OptionSpec>, Option<&SectionSpec>) = match role(h.name, plugin_type) {
        Role::Sdk(spec) => (spec.option(key), Some(spec)),
        _ => (None, None),
    };
    match (opt, spec) {
        (Some(o), Some(_)) => {
            let default = |v: &str| o.default.as_deref() == Some(v);
            match o.ty {
                OptionType::Boolean => {
                    for (i, v) in sdk()
                        .booleans
                        .accepted
                        .iter()
                        .map(String::as_str)
                        .enumerate()
                    {
                        let d = if default(v) {
                            "boolean, the default"
                        } else {
                            "boolean"
                        };
                        out.push(value(v, d.to_string(), None, i));
                    }
                }
                OptionType::Enum => {
                    for (i, v) in o.values.iter().enumerate() {
                        let d = if default(v) {
                            format!("{}, the default", o.name)
                        } else {
                            o.name.clone()
                        };
                        out.push(value(v, d, None, i));
                    }
                }
                _ => {
                    if let Some(d) = o.default.as_deref().filter(|d| !d.is_empty()) {
                        out.push(value(d, "the default".to_string(), None, 0));
                    }
                }
            }
            if o.dollar_allowed {
                out.push(value(
                    "$",
                    "from the credential store".into(),
                    dollar_docs("$"),
                    50,
                ));
            }
            if o.trusted_ca_list {
                out.push(
                    value(
                        "$[]",
                        "a Trusted CA list of SPS".into(),
                        dollar_docs("$[name]"),
                        51,
                    )
                    .insert("\\$[${1:trusted-ca-list-name}]", true),
                );
            }
            if matches!(o.ty, OptionType::String) {
                out.push(value("$$", "a literal $".into(), dollar_docs("$$"), 52));
            }
        }
        (None, Some(_)) => {}
        _ => {
            // What the plugin's getter accepts, and its default.
            let rs = reads
                .map(|r| super::code::own(r, h.name, key))
                .unwrap_or_default();
            if let Some(r) = rs.first() {
                let default = r.ini_default();
                let is_default = |v: &str| default.as_deref() == Some(v);
                let of = |v: &str| {
                    if is_default(v) {
                        format!("{}, the code's default", r.getter.method())
                    } else {
                        r.getter.method().to_string()
                    }
                };
                match (r.getter, &r.value_set) {
                    (Getter::Boolean, _) => {
                        for (i, v) in sdk().booleans.accepted.iter().enumerate() {
                            out.push(value(v, of(v), None, i));
                        }
                    }
                    (Getter::Ienum, Some(set)) => {
                        for (i, v) in set.iter().enumerate() {
                            out.push(value(v, of(v), None, i));
                        }
                    }
                    _ => {
                        if let Some(d) = default.as_deref().filter(|d| !d.is_empty()) {
                            out.push(value(d, "the code's default".into(), None, 0));
                        }
                    }
                }
            }
            // The plugin's own option: the SDK's `$` works for any get().
            out.push(value(
                "$",
                "from the credential store".into(),
                dollar_docs("$"),
                50,
            ));
            out.push(value("$$", "a literal $".into(), dollar_docs("$$"), 51));
        }
    }
    out
}

fn snippet_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
