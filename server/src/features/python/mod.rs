//! Features on the plugin's Python files: hover on a hook method (what SPS
//! calls it with, and when) and completion of the hook names in the body of
//! a class, with the SDK's signature as a snippet; help on the SDK's API in
//! [`sdk_help`].

#[cfg(test)]
mod fixture_tests;
pub mod names;
pub mod outline;
pub mod sdk_help;
#[cfg(test)]
mod sdk_help_tests;

use super::{CompletionItem, CompletionKind, Hover};
use crate::analysis::python::index;
use crate::analysis::Context;
use crate::schema::hooks::{self, Hook, TypeHooks};
use crate::schema::sdk_api;
use crate::text::{line_start, TextRange};

/// Hover on the name of a method that SPS or the SDK calls.
pub fn hover(text: &str, offset: usize, cx: &Context) -> Option<Hover> {
    if let Some(h) = read_hover(offset, cx) {
        return Some(h);
    }
    let ix = index::index(text);
    let Some((class, method)) = ix.classes.iter().find_map(|c| {
        c.methods
            .iter()
            .find(|m| m.name_range.touches(offset))
            .map(|m| (c, m))
    }) else {
        return sdk_help::hover(text, offset, cx);
    };
    let sdk = sdk_api::get();
    let all = hooks::get();
    let hook = class.bases.iter().find_map(|(b, _)| {
        let short = b.rsplit('.').next()?;
        let (_, type_hooks) = all.type_of_base(short)?;
        let hook = type_hooks.hooks.iter().find(|h| h.name == method.name)?;
        Some((type_hooks, hook))
    });
    if let Some((type_hooks, hook)) = hook {
        let (base, name) = (type_hooks.base_short(), &hook.name);
        let since = sdk
            .name(&type_hooks.base_class)
            .and_then(|(_, c)| c.members.get(name))
            .map_or(String::new(), |m| format!(" (api {} or newer)", m.since));
        return Some(Hover {
            range: method.name_range,
            markdown: format!("**`{base}.{name}(self)`**{since}\n\n{}", hook.when),
        });
    }
    let (name, when) = all
        .types
        .values()
        .flat_map(|t| &t.raw_hooks)
        .find(|h| h.name == method.name)
        .map(|h| (h.name.as_str(), h.when.as_str()))?;
    let wrapper = all
        .types
        .values()
        .filter_map(|t| {
            sdk.name(&t.base_class)
                .and_then(|(_, c)| c.members.get(name))
        })
        .map(|m| {
            m.params
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect::<Vec<_>>();
    Some(Hover {
        range: method.name_range,
        markdown: format!(
            "**`{name}`**: {when}, by keyword, with: {}.\n\nThe SDK's `AAPlugin` / `CredentialStorePlugin` implement it and call the `do_*` hooks; implement it yourself only in a plugin on `PluginBase` or a plain class.",
            wrapper
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    })
}

/// Hook names while typing a method name in a class body: at the start of
/// an indented line (optionally after `def `).
pub fn completion(text: &str, offset: usize, cx: &Context) -> Vec<CompletionItem> {
    if let Some(items) = getter_completion(text, offset, cx) {
        return items;
    }
    let start = line_start(text, offset);
    let before = &text[start..offset];
    let indent = before.len() - before.trim_start().len();
    if indent == 0 {
        return Vec::new();
    }
    let typed = before.trim_start();
    let (has_def, word) = match typed.strip_prefix("def ") {
        Some(w) => (true, w),
        None => (false, typed),
    };
    if !word.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Vec::new();
    }
    // Inside a class: the nearest line above with less indentation starts
    // with `class `.
    let above = &text[..start];
    let class_line = above
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() < indent);
    let Some(class_line) = class_line.filter(|l| l.trim_start().starts_with("class ")) else {
        return Vec::new();
    };
    let replace = TextRange::new(offset - word.len(), offset);
    let sdk = sdk_api::get();
    let all = hooks::get();
    // The hooks of the base class the class line names; else of the
    // MANIFEST's plugin type; else of every type, each name once.
    let named: Vec<&TypeHooks> = all
        .types
        .values()
        .filter(|t| class_line.contains(t.base_short()))
        .collect();
    let offered: Vec<&TypeHooks> = if !named.is_empty() {
        named
    } else if let Some(t) = cx
        .plugin()
        .plugin_type
        .as_deref()
        .and_then(|t| all.of_type(t))
    {
        vec![t]
    } else {
        all.types.values().collect()
    };
    let mut out: Vec<CompletionItem> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for type_hooks in offered {
        for hook in &type_hooks.hooks {
            let name = hook.name.as_str();
            if !name.starts_with(word) || seen.contains(&name) {
                continue;
            }
            seen.push(name);
            out.push(hook_item(
                type_hooks,
                hook,
                sdk,
                has_def,
                &before[..indent],
                replace,
            ));
        }
    }
    out
}

/// A completion item for a `do_*` hook: a snippet of its definition.
fn hook_item(
    type_hooks: &TypeHooks,
    hook: &Hook,
    sdk: &sdk_api::SdkApi,
    has_def: bool,
    indent: &str,
    replace: TextRange,
) -> CompletionItem {
    let (base, name) = (type_hooks.base_short(), hook.name.as_str());
    let since = sdk
        .name(&type_hooks.base_class)
        .and_then(|(_, c)| c.members.get(name))
        .map_or("?".to_string(), |m| m.since.clone());
    let snippet = format!(
        "{}{name}(self):\n{indent}    ${{0:pass}}",
        if has_def { "" } else { "def " },
    );
    CompletionItem::new(name, CompletionKind::Snippet, replace)
        .detail(format!("{base} hook, api {since}+"))
        .docs(hook.when.as_str())
        .insert(snippet, true)
}

/// Hover on the option of a configuration read: what the code reads, and
/// what default.cfg says of it.
fn read_hover(offset: usize, cx: &Context) -> Option<Hover> {
    if cx.files.is_detached() {
        return None;
    }
    let folder = crate::analysis::plugin::folder_of(cx.path, cx.files)?;
    let reads = crate::analysis::python::reads::of_plugin(cx.files, &folder)?;
    let Some(r) = reads
        .reads
        .iter()
        .find(|r| r.path == cx.path && r.option_range.is_some_and(|o| o.touches(offset)))
    else {
        return section_hover(offset, cx, &folder, &reads);
    };
    let option = r.option.as_deref()?;
    let all: Vec<_> = reads.of(&r.section, option).collect();
    let mut md = super::config::read_markdown(&r.section, option, &all)?;
    md.push_str("\n\n---\n\n");
    md.push_str(&documented(cx, &folder, &r.section, option));
    Some(Hover {
        range: r.option_range.unwrap_or(r.range),
        markdown: md,
    })
}

/// Hover on the section string of a read (`getint("my_plugin", …)`, the
/// literal written in the call): the options the code reads of it, and
/// whether default.cfg has the section.
fn section_hover(
    offset: usize,
    cx: &Context,
    folder: &std::path::Path,
    reads: &crate::analysis::python::reads::Reads,
) -> Option<Hover> {
    let text = cx.files.read(cx.path)?;
    let r = reads
        .reads
        .iter()
        .find(|r| r.path == cx.path && r.by_sdk.is_none() && r.range.touches(offset))?;
    let call = text.get(r.range.start..r.range.end)?;
    let at = offset - r.range.start;
    let range = ['"', '\''].iter().find_map(|q| {
        let literal = format!("{q}{}{q}", r.section);
        call.match_indices(&literal)
            .map(|(i, _)| TextRange::new(i, i + literal.len()))
            .find(|lit| lit.start <= at && at <= lit.end)
    })?;
    let mut md = super::config::section_markdown(&r.section, reads)?;
    let has = cx.files.read(&folder.join("default.cfg")).is_some_and(|t| {
        crate::syntax::ini::parse(&t)
            .named(&r.section)
            .next()
            .is_some()
    });
    md.push_str("\n\n---\n\n");
    md.push_str(&if has {
        format!("default.cfg has `[{}]`.", r.section)
    } else {
        format!("default.cfg has no `[{}]`.", r.section)
    });
    Some(Hover {
        range: TextRange::new(r.range.start + range.start, r.range.start + range.end),
        markdown: md,
    })
}

/// What default.cfg says of an option.
fn documented(cx: &Context, folder: &std::path::Path, section: &str, option: &str) -> String {
    let Some(text) = cx.files.read(&folder.join("default.cfg")) else {
        return "The plugin has no default.cfg.".to_string();
    };
    let ini = crate::syntax::ini::parse(&text);
    let line = |at: usize| text[..at].matches('\n').count() + 1;
    for s in ini.named(section) {
        if let Some(e) = s.entry(option) {
            return format!(
                "default.cfg sets `{}={}` (line {}){}",
                e.key,
                e.value.lines().next().unwrap_or(""),
                line(e.key_range.start),
                comment_above(&text, e.key_range.start)
            );
        }
        if let Some((_, t)) = s.templates().find(|(_, t)| t.name == option) {
            return format!(
                "default.cfg documents `; {}={}` (line {}), commented out{}",
                t.key,
                t.value.lines().next().unwrap_or(""),
                line(t.key_range.start),
                comment_above(&text, t.key_range.start)
            );
        }
    }
    format!("default.cfg does not mention `{option}` in `[{section}]`.")
}

/// The comment lines right above the line holding `at` (its documentation
/// in default.cfg), as a quoted block; a commented-out option ends them.
fn comment_above(text: &str, at: usize) -> String {
    let mut lines = Vec::new();
    let mut end = crate::text::line_start(text, at);
    while end > 0 {
        let start = crate::text::line_start(text, end - 1);
        let line = text[start..end].trim();
        let Some(body) = line.strip_prefix('#').or_else(|| line.strip_prefix(';')) else {
            break;
        };
        let body = body.trim();
        // `; key=value` is another option, commented out.
        if line.starts_with(';') && body.contains('=') && !body.contains(' ') {
            break;
        }
        lines.push(format!("> {body}"));
        end = start;
    }
    if lines.is_empty() {
        return String::new();
    }
    lines.reverse();
    format!(":\n\n{}", lines.join("\n"))
}

/// From the option of a configuration read to where default.cfg sets or
/// documents it (else its section, else the file).
pub fn definition(offset: usize, cx: &Context) -> Option<super::Target> {
    if cx.files.is_detached() {
        return None;
    }
    let folder = crate::analysis::plugin::folder_of(cx.path, cx.files)?;
    let reads = crate::analysis::python::reads::of_plugin(cx.files, &folder)?;
    let r = reads
        .reads
        .iter()
        .find(|r| r.path == cx.path && r.option_range.is_some_and(|o| o.touches(offset)))?;
    let option = r.option.as_deref()?;
    let path = folder.join("default.cfg");
    let text = cx.files.read(&path)?;
    let ini = crate::syntax::ini::parse(&text);
    let mut range = TextRange::empty(0);
    for s in ini.named(&r.section) {
        if let Some(e) = s.entry(option) {
            range = e.key_range;
            break;
        }
        if let Some((_, t)) = s.templates().find(|(_, t)| t.name == option) {
            range = t.key_range;
            break;
        }
        if range.is_empty() {
            range = s.header.as_ref().map_or(range, |h| h.name_range);
        }
    }
    Some(super::Target {
        path,
        range,
        text: std::sync::Arc::from(text),
    })
}

/// Inside the first or second string argument of a getter call on the
/// line (`self.plugin_configuration.getint("ra|`): the sections, or the
/// section's options, that default.cfg and the code name.
fn getter_completion(text: &str, offset: usize, cx: &Context) -> Option<Vec<CompletionItem>> {
    let start = line_start(text, offset);
    let before = &text[start..offset];
    // The last `.getter(` on the line before the cursor.
    let (paren, _) = before.match_indices('(').rev().find(|(i, _)| {
        let head = &before[..*i];
        let name_start = head
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        head[..name_start].ends_with('.')
            && crate::schema::sdk_api::get().is_config_getter(&head[name_start..])
    })?;
    // The arguments so far: completed string literals, and an open one.
    let mut args: Vec<Option<String>> = Vec::new();
    let mut current: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut open_at = 0;
    let mut literal = true;
    for (i, c) in before[paren + 1..].char_indices() {
        match quote {
            Some(q) if c == q => {
                quote = None;
            }
            Some(_) => current.get_or_insert_with(String::new).push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                current = Some(String::new());
                open_at = paren + 1 + i + 1;
            }
            None if c == ',' => {
                args.push(current.take().filter(|_| literal));
                literal = true;
            }
            None if c.is_whitespace() => {}
            None => literal = false,
        }
    }
    quote?;
    let typed_from = start + open_at;
    let word_end = offset
        + text[offset..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(0);
    let replace = TextRange::new(typed_from, word_end.max(offset));
    let folder = crate::analysis::plugin::folder_of(cx.path, cx.files)?;
    let cfg = cx
        .files
        .read(&folder.join("default.cfg"))
        .unwrap_or_default();
    let ini = crate::syntax::ini::parse(&cfg);
    let reads = if cx.files.is_detached() {
        None
    } else {
        crate::analysis::python::reads::of_plugin(cx.files, &folder)
    };
    // The call being typed is no read to offer.
    let typing =
        |r: &&crate::analysis::python::reads::Read| r.path == cx.path && r.range.touches(offset);
    let mut names: Vec<(String, &'static str)> = Vec::new();
    let mut add = |n: &str, detail: &'static str| {
        if !n.is_empty() && !names.iter().any(|(m, _)| m == n) {
            names.push((n.to_string(), detail));
        }
    };
    match args.len() {
        0 => {
            for h in ini.sections.iter().filter_map(|s| s.header.as_ref()) {
                if !h.is_default() {
                    add(h.name, "a section of default.cfg");
                }
            }
            for r in reads.iter().flat_map(|r| &r.reads).filter(|r| !typing(r)) {
                add(&r.section, "a section the code reads");
            }
        }
        1 => {
            // A section that is no literal (a parameter with a default, a
            // constant): as the reads resolve it for the call being typed.
            let section = match args[0].clone() {
                Some(s) => s,
                None => reads
                    .iter()
                    .flat_map(|r| &r.reads)
                    .find(|r| typing(r) && r.by_sdk.is_none())?
                    .section
                    .clone(),
            };
            for s in ini.named(&section) {
                for e in &s.entries {
                    add(&e.name, "set in default.cfg");
                }
                for (_, t) in s.templates() {
                    if !t.key_is_placeholder() {
                        add(&t.name, "documented in default.cfg");
                    }
                }
            }
            for r in reads.iter().flat_map(|r| &r.reads).filter(|r| !typing(r)) {
                if let Some(o) = r.option.as_deref().filter(|_| r.section == section) {
                    add(o, "read elsewhere in the code");
                }
            }
        }
        _ => return None,
    }
    Some(
        names
            .into_iter()
            .enumerate()
            .map(|(i, (n, d))| {
                CompletionItem::new(
                    n,
                    if args.is_empty() {
                        CompletionKind::Section
                    } else {
                        CompletionKind::Key
                    },
                    replace,
                )
                .detail(d)
                .sort(format!("{i:03}"))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::workspace::MemoryFiles;

    const CODE: &str = "from safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_authenticate(self):\n        return None\n\n    def session_ended(self, cookie):\n        pass\n";

    #[test]
    fn hover_on_a_hook_says_what_calls_it() {
        let files = MemoryFiles::default();
        let cx = Context::new(Path::new("/p/lib/plugin.py"), &files);
        let at = CODE.find("do_authenticate").unwrap() + 3;
        let h = hover(CODE, at, &cx).unwrap();
        assert!(
            h.markdown
                .starts_with("**`AAPlugin.do_authenticate(self)`** (api 1.1 or newer)"),
            "{}",
            h.markdown
        );
        let at = CODE.find("session_ended").unwrap();
        let h = hover(CODE, at, &cx).unwrap();
        assert!(
            h.markdown.contains("`session_id, cookie, session_cookie`"),
            "{}",
            h.markdown
        );
        assert!(hover(CODE, 3, &cx).is_none());
    }

    #[test]
    fn completes_hook_names_in_a_class_body() {
        let files = MemoryFiles::default();
        let cx = Context::new(Path::new("/p/lib/plugin.py"), &files);
        let text = "from safeguard.sessions.plugin import AAPlugin\n\n\nclass Plugin(AAPlugin):\n    def do_a";
        let items = completion(text, text.len(), &cx);
        let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["do_authenticate", "do_authorize"]);
        assert_eq!(
            items[0].insert_text,
            "do_authenticate(self):\n        ${0:pass}"
        );
        assert!(completion("def do_a", 8, &cx).is_empty());
    }

    /// A class whose base is not the SDK's (`BasePlugin` of the plugin's
    /// own) is offered the hooks of the MANIFEST's type, each name once;
    /// with no type known, every type's, still each name once.
    #[test]
    fn hook_completion_follows_the_plugin_type_and_offers_each_name_once() {
        let labels = |manifest: Option<&str>| {
            let mut files = MemoryFiles::default();
            if let Some(m) = manifest {
                files
                    .files
                    .insert("/p/MANIFEST".into(), m.as_bytes().to_vec());
            }
            let cx = Context::new(Path::new("/p/lib/plugin.py"), &files);
            let text = "class Plugin(BasePlugin):\n    def do_";
            let items = completion(text, text.len(), &cx);
            items
                .iter()
                .map(|i| i.label.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };
        expect_test::expect!["do_get_password_list do_get_private_key_list do_authentication_completed do_check_in_credential do_session_ended do_get_remote_app_credentials do_get_totp_codes"]
            .assert_eq(&labels(Some("type: credentialstore\n")));
        expect_test::expect!["do_authenticate do_authorize do_session_ended"]
            .assert_eq(&labels(Some("type: aa\n")));
        expect_test::expect!["do_authenticate do_authorize do_session_ended do_get_password_list do_get_private_key_list do_authentication_completed do_check_in_credential do_get_remote_app_credentials do_get_totp_codes"]
            .assert_eq(&labels(None));
    }
}
