//! default.cfg features: completion, hover, symbols, folding and the
//! "uncomment this template option" assist. What the SDK reads comes from
//! `schemas/sdk-config.json`; which of its sections apply comes from the
//! plugin type in the MANIFEST beside the file.

use super::{Action, CompletionItem, CompletionKind, Fold, Hover, Symbol, SymbolKind};
use crate::analysis::config::{role, Role};
use crate::analysis::{Context, Edit};
use crate::schema::config::{sdk, OptionSpec, OptionType, SectionSpec};
use crate::syntax::ini::{self, is_py_space, CommentKind, Entry, Ini, Section, Template};
use crate::text::{line_end, line_start, TextRange};

// ---------------------------------------------------------------------------
// Completion

pub fn completion(text: &str, offset: usize, cx: &Context) -> Vec<CompletionItem> {
    let ptype = cx.plugin().sdk_type();
    let ls = line_start(text, offset);
    let le = line_end(text, offset).max(offset);
    let before = &text[ls..offset];
    let lead = before.len() - before.trim_start_matches(is_py_space).len();
    let typed = &before[lead..];
    if typed.starts_with('#') || typed.starts_with(';') {
        return Vec::new();
    }
    if let Some(rest) = typed.strip_prefix('[') {
        if !rest.contains(']') {
            // Which sections the file has: all of it is needed.
            let ini = ini::parse(text);
            return section_items(text, &ini, ls + lead + 1, offset, le, ptype);
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
        let line_rest = &text[ls + lead + d + 1..le];
        let vs =
            ls + lead + d + 1 + (line_rest.len() - line_rest.trim_start_matches(is_py_space).len());
        let ve = ls + lead + d + 1 + line_rest.trim_end_matches(is_py_space).len();
        let replace = TextRange::new(vs.min(offset), ve.max(offset));
        return value_items(section, &key, replace, ptype);
    }
    let word_end = offset
        + text[offset..le]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(le - offset);
    option_items(text, section, TextRange::new(ls + lead, word_end), ptype)
}

fn section_items(
    text: &str,
    ini: &Ini,
    start: usize,
    offset: usize,
    le: usize,
    ptype: Option<&str>,
) -> Vec<CompletionItem> {
    let line_rest = &text[offset..le];
    let (end, close) = match line_rest.find(']') {
        Some(i) => (offset + i, ""),
        None => (le.max(offset), "]"),
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
        if ptype.is_some() && !spec.applies_to(ptype) {
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
    out
}

fn option_items(
    text: &str,
    section: &Section,
    replace: TextRange,
    ptype: Option<&str>,
) -> Vec<CompletionItem> {
    let h = section.header.as_ref().expect("a header");
    let spec = match role(h.name, ptype) {
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
    let _ = text;
    out
}

fn value_items(
    section: &Section,
    key: &str,
    replace: TextRange,
    ptype: Option<&str>,
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
    let (opt, spec): (Option<&OptionSpec>, Option<&SectionSpec>) = match role(h.name, ptype) {
        Role::Sdk(spec) => (spec.option(key), Some(spec)),
        _ => (None, None),
    };
    match (opt, spec) {
        (Some(o), Some(_)) => {
            let default = |v: &str| o.default.as_deref() == Some(v);
            match o.ty {
                OptionType::Boolean => {
                    for (i, v) in ["yes", "no"].into_iter().enumerate() {
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

fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------
// Hover

pub fn hover(text: &str, offset: usize, cx: &Context) -> Option<Hover> {
    // Only the cursor's section is needed.
    let ini = ini::parse_around(text, offset, offset);
    let ptype = cx.plugin().sdk_type();
    let section = ini.section_at(offset)?;
    if let Some(h) = &section.header {
        if h.range.touches(offset) {
            let markdown = section_hover(h.name, ptype)?;
            return Some(Hover {
                range: h.range,
                markdown,
            });
        }
    }
    let name = section.name();
    for e in &section.entries {
        if e.key_range.touches(offset) && !e.key_range.is_empty() {
            let mut md = option_hover(name, &e.name, ptype).unwrap_or_default();
            if !md.is_empty() {
                md.push_str("\n\n---\n\n");
            }
            md.push_str(&read_value(e));
            return Some(Hover {
                range: e.key_range,
                markdown: md,
            });
        }
        let value = TextRange::new(
            e.value_range.start,
            e.continuations.last().map_or(e.value_range.end, |c| c.end),
        );
        if value.touches(offset) && e.delimiter_range.end <= offset {
            if let Some(h) = special_hover(name, e, offset) {
                return Some(h);
            }
            let md = option_hover(name, &e.name, ptype)?;
            return Some(Hover {
                range: value,
                markdown: md,
            });
        }
    }
    for (_, t) in section.templates() {
        if t.key_range.touches(offset) {
            let md = option_hover(name, &t.name, ptype)?;
            return Some(Hover {
                range: t.key_range,
                markdown: format!("{md}\n\n*Commented out: the SDK uses its default until the line is uncommented.*"),
            });
        }
    }
    None
}

fn section_hover(name: &str, ptype: Option<&str>) -> Option<String> {
    if name == ini::DEFAULT_SECTION {
        return Some(
            "**[DEFAULT]** — configparser's defaults\n\nIts options appear in every other section \
             (unless the section sets them itself), and `%(name)s` references look here too."
                .to_string(),
        );
    }
    match role(name, ptype) {
        Role::Sdk(spec) => Some(spec.markdown()),
        Role::OtherType(spec) => Some(format!(
            "{}\n\n**This plugin's type is `{}`: the SDK does not read this section.**",
            spec.markdown(),
            ptype.unwrap_or("?")
        )),
        Role::WrongCase(spec, right) => Some(format!(
            "{}\n\n**Section names are case-sensitive: the SDK reads `[{right}]`, not `[{name}]`.**",
            spec.markdown()
        )),
        Role::Plugin => match sdk().section(name) {
            Some(spec) => Some(format!(
                "{}\n\n*The MANIFEST's type is unknown, so it is not checked.*",
                spec.markdown()
            )),
            None => Some(format!(
                "**[{name}]** — a section of the plugin itself\n\nThe SDK does not read it; the \
                 plugin reads it through the SDK's getters, so `$` works here (credential store \
                 host `{name}`)."
            )),
        },
    }
}

fn option_hover(section: Option<&str>, option: &str, ptype: Option<&str>) -> Option<String> {
    let spec = match role(section?, ptype) {
        Role::Sdk(spec) => spec,
        _ => return None,
    };
    let o = spec.option(option)?;
    Some(o.markdown(spec))
}

/// What configparser hands the plugin for an entry.
fn read_value(e: &Entry) -> String {
    if e.value.contains('\n') || e.value.contains('`') {
        format!(
            "configparser reads `{}` as:\n\n```text\n{}\n```",
            e.name,
            e.value.replace("```", "`\u{200b}``")
        )
    } else if e.value.is_empty() {
        format!("configparser reads `{}` as an empty value", e.name)
    } else {
        format!("configparser reads `{}` = `{}`", e.name, e.value)
    }
}

/// `$`, `$$` and `$[name]` under the cursor.
fn special_hover(section: Option<&str>, e: &Entry, offset: usize) -> Option<Hover> {
    let sdk = sdk();
    let (range, md) = match &*e.value {
        "$" => (
            e.value_range,
            format!(
                "**`$`** — {}\n\nHere: host `{}`, user `{}`.",
                sdk.special("$")?.description,
                section.unwrap_or("?"),
                e.name
            ),
        ),
        "$$" => (
            e.value_range,
            format!("**`$$`** — {}", sdk.special("$$")?.description),
        ),
        v => {
            let first = &v[..v.find('\n').unwrap_or(v.len())];
            let p = first.find("$[")?;
            let close = first[p..].find(']')? + p + 1;
            let start = e.value_range.start + p;
            let range = TextRange::new(start, e.value_range.start + close);
            if !range.touches(offset) {
                return None;
            }
            let name = &first[p + 2..close - 1];
            (
                range,
                format!(
                    "**`$[{name}]`** — {}",
                    sdk.special("$[name]")?
                        .description
                        .replace("`name`", &format!("`{name}`"))
                ),
            )
        }
    };
    Some(Hover {
        range,
        markdown: md,
    })
}

// ---------------------------------------------------------------------------
// Symbols and folding

pub fn symbols(text: &str) -> Vec<Symbol> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    for s in &ini.sections {
        let keys: Vec<Symbol> = s
            .entries
            .iter()
            .filter(|e| !e.key.is_empty())
            .map(|e| entry_symbol(text, e))
            .collect();
        match &s.header {
            Some(h) => out.push(Symbol {
                name: format!("[{}]", h.name),
                detail: sdk().section(h.name).map(|_| "SDK".to_string()),
                kind: SymbolKind::Section,
                range: TextRange::new(h.range.start, s.range.end.max(h.range.end)),
                selection: h.name_range,
                children: keys,
            }),
            None => out.extend(keys),
        }
    }
    out
}

fn entry_symbol(text: &str, e: &Entry) -> Symbol {
    let first = &text[e.value_range.start..e.value_range.end];
    Symbol {
        name: e.key.to_string(),
        detail: Some(short(first)),
        kind: SymbolKind::Key,
        range: e.range,
        selection: e.key_range,
        children: Vec::new(),
    }
}

pub fn folding(text: &str) -> Vec<Fold> {
    let ini = ini::parse(text);
    let mut out = Vec::new();
    let multiline = |r: TextRange| text[r.start..r.end].contains('\n');
    for s in &ini.sections {
        if let Some(h) = &s.header {
            let r = TextRange::new(h.range.start, s.range.end);
            if s.range.end > h.range.end && multiline(r) {
                out.push(Fold {
                    start: r.start,
                    end: r.end,
                });
            }
        }
        for e in s.entries.iter().filter(|e| e.is_multiline()) {
            out.push(Fold {
                start: e.range.start,
                end: e.range.end,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Assists: code actions that repair nothing.

/// "Uncomment `key=value`" for the template options on the lines `range`
/// touches, unless the section already sets the option.
pub fn assists(text: &str, range: TextRange, _cx: &Context) -> Vec<Action> {
    // Only the sections of the lines `range` touches are needed.
    let ini = ini::parse_around(text, range.start, range.end);
    let mut out = Vec::new();
    for s in ini.sections.iter().filter(|s| s.header.is_some()) {
        for (i, c) in s.comments.iter().enumerate() {
            let CommentKind::Template(t) = &c.kind else {
                continue;
            };
            let line = TextRange::new(line_start(text, c.range.start), c.range.end);
            if !line.intersects(range) || s.entry(&t.name).is_some() || t.key_is_placeholder() {
                continue;
            }
            out.push(Action {
                title: format!(
                    "Uncomment `{}`",
                    short(&format!("{}={}", t.key, first_line(&t.value)))
                ),
                edits: uncomment_edits(s, i, t),
                fixes: None,
            });
        }
    }
    out
}

/// Edits that uncomment the template at `s.comments[i]` and its commented
/// continuation lines.
pub fn uncomment_edits(s: &Section, i: usize, t: &Template) -> Vec<Edit> {
    let c = &s.comments[i];
    let mut edits = vec![Edit::new(
        TextRange::new(c.range.start, t.key_range.start),
        "",
    )];
    for next in &s.comments[i + 1..] {
        if next.kind != CommentKind::TemplateContinuation {
            break;
        }
        edits.push(Edit::new(
            TextRange::new(next.range.start, next.range.start + 1),
            "",
        ));
    }
    edits
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemoryFiles;
    use std::path::Path;

    fn with<T>(ptype: Option<&str>, f: impl FnOnce(&Context) -> T) -> T {
        let mut files = MemoryFiles::default();
        if let Some(t) = ptype {
            files
                .files
                .insert("/p/MANIFEST".into(), format!("type: {t}\n").into_bytes());
        }
        let cx = Context::new(Path::new("/p/default.cfg"), &files);
        f(&cx)
    }

    fn cursor(marked: &str) -> (String, usize) {
        let at = marked.find("$0").expect("$0");
        (marked.replacen("$0", "", 1), at)
    }

    fn labels(ptype: Option<&str>, marked: &str) -> Vec<String> {
        let (text, at) = cursor(marked);
        with(ptype, |cx| completion(&text, at, cx))
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut out = text.to_string();
        for e in edits {
            out.replace_range(e.range.start..e.range.end, &e.new_text);
        }
        out
    }

    #[test]
    fn completes_sections_for_the_plugin_type() {
        let l = labels(Some("credentialstore"), "[logging]\n[$0");
        assert!(l.contains(&"check-in-trigger".to_string()), "{l:?}");
        assert!(l.contains(&"tls".to_string()));
        assert!(!l.contains(&"auth".to_string()));
        assert!(!l.contains(&"logging".to_string()), "already present");
        let l = labels(Some("aa"), "[question_1]\n[qu$0");
        assert!(l.contains(&"question_2".to_string()), "{l:?}");
        let (text, at) = cursor("[lo$0\n");
        let items = with(None, |cx| completion(&text, at, cx));
        let logging = items.iter().find(|i| i.label == "logging").unwrap();
        assert_eq!(
            apply(
                &text,
                &[Edit::new(logging.replace, logging.insert_text.clone())]
            ),
            "[logging]\n"
        );
    }

    #[test]
    fn completes_options_with_defaults_and_templates() {
        let (text, at) = cursor("[logging]\n; log_level=debug\n$0\n");
        let items = with(None, |cx| completion(&text, at, cx));
        let ll = items.iter().find(|i| i.label == "log_level").unwrap();
        assert_eq!(ll.insert_text, "log_level=${1:debug}");
        assert!(ll.snippet);
        let l = labels(None, "[mine]\n; secret=<x>\n; retries=3\nre$0");
        assert_eq!(l, vec!["secret", "retries"]);
        let l = labels(Some("aa"), "[https-proxy]\nserver=x\n$0");
        assert!(!l.contains(&"server".to_string()));
        assert!(
            !l.contains(&"enabled".to_string()),
            "not read from [https-proxy]"
        );
        assert!(l.contains(&"password".to_string()));
    }

    #[test]
    fn completes_values() {
        assert_eq!(
            labels(None, "[logging]\nlog_level = $0"),
            vec!["debug", "info", "warning", "error", "critical"]
        );
        assert_eq!(labels(None, "[tls]\nenabled=t$0rue"), vec!["yes", "no"]);
        assert_eq!(
            labels(Some("credentialstore"), "[check-in-trigger]\nrdp=$0"),
            vec!["session-ended", "authentication-completed"]
        );
        assert_eq!(labels(None, "[my-plugin]\npassword=$0"), vec!["$", "$$"]);
        assert!(labels(None, "[https-proxy]\npassword=$0").contains(&"$".to_string()));
        assert!(labels(None, "[tls]\nca_cert=$0").contains(&"$[]".to_string()));
        assert!(labels(None, "[logging]\n# log_level=$0").is_empty());
        assert!(labels(None, "[a]\nk=v\n  more$0").is_empty());
    }

    #[test]
    fn hovers() {
        let h = |ptype: Option<&str>, marked: &str| {
            let (text, at) = cursor(marked);
            with(ptype, |cx| hover(&text, at, cx)).map(|h| h.markdown)
        };
        assert!(h(None, "[log$0ging]\n")
            .unwrap()
            .contains("Logging of the plugin"));
        assert!(h(Some("aa"), "[check-in$0-trigger]\n")
            .unwrap()
            .contains("does not read this section"));
        let md = h(None, "[logging]\nlog_le$0vel=info ; x\n").unwrap();
        assert!(md.contains("debug") && md.contains("`info ; x`"), "{md}");
        let md = h(None, "[my-db]\npassword=$0$\n").unwrap();
        assert!(md.contains("host `my-db`, user `password`"), "{md}");
        assert!(h(None, "[a]\nk=$$0$\n").unwrap().contains("literal"));
        assert!(
            h(None, "[tls]\nca_cert=$[my$0ca]\n")
                .unwrap()
                .contains("`my-ca`")
                || h(None, "[tls]\nca_cert=$[my$0ca]\n")
                    .unwrap()
                    .contains("`myca`")
        );
        assert!(h(None, "[logging]\n; log_l$0evel=info\n")
            .unwrap()
            .contains("Commented out"));
        assert!(h(None, "[DEF$0AULT]\n")
            .unwrap()
            .contains("every other section"));
    }

    #[test]
    fn symbols_and_folds() {
        let text = "[a]\nk=1\n  more\nj=2\n\n[b]\n";
        let s = symbols(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "[a]");
        assert_eq!(
            s[0].children
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            vec!["k", "j"]
        );
        let f = folding(text);
        assert_eq!(f.len(), 2);
        assert_eq!(&text[f[0].start..f[0].end], "[a]\nk=1\n  more\nj=2");
        assert_eq!(&text[f[1].start..f[1].end], "k=1\n  more");
    }

    #[test]
    fn uncomments_templates_with_their_continuations() {
        let text = "[yubikey]\n; api_urls=https://a,\n;     https://b\n; timeout=10\n";
        let acts = with(None, |cx| assists(text, TextRange::new(12, 12), cx));
        assert_eq!(acts.len(), 1);
        assert_eq!(acts[0].title, "Uncomment `api_urls=https://a,`");
        let out = apply(text, &acts[0].edits);
        assert_eq!(
            out,
            "[yubikey]\napi_urls=https://a,\n     https://b\n; timeout=10\n"
        );
        let ini = ini::parse(&out);
        assert_eq!(ini.sections[0].entries[0].value, "https://a,\nhttps://b");
    }
}
