//! Help on the SDK's API in the plugin's code without the SDK installed:
//! hover on a name of the SDK the code uses and the signature of an SDK
//! call being written, from the signatures and docstrings of
//! `schemas/sdk-api.json`, with what the MANIFEST's `api` lacks marked.
//! Which name the code means is the API rules' own resolution
//! ([`sdk_names`]).

use crate::analysis::python::sdk_names::{self, SdkRef};
use crate::analysis::python::{cache, module_name, CodeFile, PluginCode};
use crate::analysis::Context;
use crate::features::{Hover, ParameterHelp, SignatureHelp};
use crate::schema::sdk_api::{self, Api, Doc, SdkApi};

/// Hover on a name of the SDK: its signature, documentation and the API
/// that brought it.
pub fn hover(text: &str, offset: usize, cx: &Context) -> Option<Hover> {
    let sdk = sdk_api::get();
    let (code, fi) = code_around(text, cx);
    let (range, r) = sdk_names::at(sdk, &code, fi, offset)?;
    let help = describe(sdk, &r)?;
    let api = manifest_api(cx);
    let mut md = format!("```python\n{}\n```", help.heading);
    if let Some(doc) = help.doc.and_then(|d| d.doc.as_deref()) {
        md.push_str(&format!("\n\n{doc}"));
    }
    let params = help.params(&r, api);
    if params.iter().any(|(_, d)| d.is_some()) {
        md.push_str("\n\n**Parameters**\n");
        for (name, doc) in params {
            md.push_str(&format!(
                "\n- `{name}`{}",
                doc.map_or(String::new(), |d| format!(": {d}"))
            ));
        }
    }
    if let Some(doc) = help.doc {
        let returns = match (&doc.returns, &doc.rtype) {
            (Some(r), Some(t)) => Some(format!("{r} (`{t}`)")),
            (Some(r), None) => Some(r.clone()),
            (None, Some(t)) => Some(format!("`{t}`")),
            (None, None) => None,
        };
        if let Some(r) = returns {
            md.push_str(&format!("\n\n**Returns** {r}"));
        }
        if !doc.raises.is_empty() {
            md.push_str(&format!("\n\n**Raises** {}", doc.raises.join("; ")));
        }
    }
    md.push_str(&format!(
        "\n\n---\n\n{}",
        availability(help.since, help.until, api)
    ));
    Some(Hover {
        range,
        markdown: md,
    })
}

/// The signature of the SDK function, method or class whose call's
/// argument list holds `offset`, with the parameter being written.
pub fn signature_help(text: &str, offset: usize, cx: &Context) -> Option<SignatureHelp> {
    let call = open_call(text, offset)?;
    let sdk = sdk_api::get();
    let (code, fi) = code_around(text, cx);
    let r = sdk_names::called_at(sdk, &code, fi, call.name_end)?;
    let help = describe(sdk, &r)?;
    let signature = help.signature.as_ref()?;
    let api = manifest_api(cx);
    let mut label = format!("{}(", help.callee);
    let mut parameters = Vec::new();
    let docs = help.params(&r, api);
    for (i, p) in signature.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len();
        label.push_str(p);
        let name = param_name(p);
        let documentation = docs
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, d)| d.clone());
        parameters.push(ParameterHelp {
            range: (start, label.len()),
            documentation,
        });
    }
    label.push(')');
    let active = active_parameter(signature, &call);
    let mut documentation = help.doc.and_then(|d| d.doc.clone()).unwrap_or_default();
    if !documentation.is_empty() {
        documentation.push_str("\n\n");
    }
    documentation.push_str(&availability(help.since, help.until, api));
    Some(SignatureHelp {
        label,
        documentation,
        parameters,
        active_parameter: active,
    })
}

/// What is said of one name of the SDK.
struct Help<'s> {
    /// The first line of the hover, as Python.
    heading: String,
    /// What a call writes before `(`: `PluginConfiguration.get`.
    callee: String,
    /// The parameters, without `self` or `cls`; none for an attribute.
    signature: Option<Vec<String>>,
    doc: Option<&'s Doc>,
    since: &'s str,
    until: Option<&'s str>,
}

impl Help<'_> {
    /// Each parameter with its documentation, newer ones marked.
    fn params(&self, r: &SdkRef, api: Option<Api>) -> Vec<(&str, Option<String>)> {
        let Some(signature) = &self.signature else {
            return Vec::new();
        };
        let newer = match r {
            SdkRef::Member { member, .. } => Some(&member.keywords_since),
            _ => None,
        };
        signature
            .iter()
            .map(|p| param_name(p))
            .filter(|n| *n != "*" && *n != "/")
            .map(|name| {
                let bare = name.trim_start_matches('*');
                let mut doc = self.doc.and_then(|d| d.params.get(bare)).cloned();
                if let Some(since) = newer.and_then(|k| k.get(bare)) {
                    let mark = match api.filter(|a| sdk_api::parse(since).is_some_and(|s| s > *a)) {
                        Some(a) => format!(
                            "**not in api {} (this plugin's MANIFEST); new in {since}**",
                            sdk_api::show(a)
                        ),
                        None => format!("new in api {since}"),
                    };
                    doc = Some(match doc {
                        Some(d) => format!("{d} ({mark})"),
                        None => mark,
                    });
                }
                (name, doc)
            })
            .collect()
    }
}

/// The parameter an argument being written goes to: by its keyword, else
/// by position (`*args` takes the rest; none past a bare `*`).
fn active_parameter(signature: &[String], call: &OpenCall) -> Option<usize> {
    if let Some(k) = &call.keyword {
        return signature
            .iter()
            .position(|p| param_name(p) == k)
            .or_else(|| signature.iter().position(|p| p.starts_with("**")));
    }
    let mut n = 0;
    for (i, p) in signature.iter().enumerate() {
        if p == "/" {
            continue;
        }
        if p == "*" || p.starts_with("**") {
            return None;
        }
        if p.starts_with('*') || n == call.argument {
            return Some(i);
        }
        n += 1;
    }
    None
}

/// The name of a parameter as written (`default=None` -> `default`).
fn param_name(p: &str) -> &str {
    p.split(['=', ':']).next().unwrap_or(p).trim()
}

fn short(qual: &str) -> &str {
    qual.rsplit('.').next().unwrap_or(qual)
}

/// A signature without its `self` or `cls`.
fn without_receiver(signature: &[String]) -> Vec<String> {
    let skip = signature.first().is_some_and(|p| p == "self" || p == "cls");
    signature[usize::from(skip)..].to_vec()
}

fn describe<'s>(sdk: &'s SdkApi, r: &SdkRef<'s>) -> Option<Help<'s>> {
    match r {
        SdkRef::Member {
            class,
            name,
            member,
        } => {
            let docs = sdk.member_docs(class, name);
            let signature = docs
                .iter()
                .find_map(|d| d.signature.as_deref())
                .map(without_receiver)
                .or_else(|| {
                    (!member.params.is_empty() && member.kind != "property")
                        .then(|| without_receiver(&member.params))
                });
            let doc = docs
                .iter()
                .copied()
                .find(|d| d.doc.is_some())
                .or(docs.first().copied());
            let callee = format!("{}.{name}", short(class));
            let heading = match (&member.kind[..], &signature) {
                ("attribute", _) | ("property", _) | (_, None) => {
                    let of_type = member
                        .type_
                        .as_deref()
                        .map_or(String::new(), |t| format!(": {}", short(t)));
                    format!("({}) {callee}{of_type}", member.kind)
                }
                (kind, Some(s)) => format!("({kind}) {callee}({})", s.join(", ")),
            };
            Some(Help {
                heading,
                callee,
                signature,
                doc,
                since: &member.since,
                until: member.until.as_deref(),
            })
        }
        SdkRef::Name { qual, entry } => named(sdk, qual, &entry.since, entry.until.as_deref()),
        SdkRef::Bound { qual } => {
            if let Some(m) = sdk.module(qual) {
                return Some(Help {
                    heading: format!("(module) {qual}"),
                    callee: short(qual).to_string(),
                    signature: None,
                    doc: sdk.doc(qual),
                    since: &m.since,
                    until: m.until.as_deref(),
                });
            }
            let (_, entry) = sdk.name(qual)?;
            named(sdk, qual, &entry.since, entry.until.as_deref())
        }
    }
}

/// A class, function or constant of an SDK module.
fn named<'s>(
    sdk: &'s SdkApi,
    qual: &str,
    since: &'s str,
    until: Option<&'s str>,
) -> Option<Help<'s>> {
    let (name, entry) = sdk.name(qual)?;
    let doc = sdk.doc(qual);
    let signature = doc
        .and_then(|d| d.signature.as_deref())
        .map(without_receiver);
    let heading = match (&entry.kind[..], &signature) {
        ("class", Some(s)) => format!("class {name}({})", s.join(", ")),
        ("class", None) => format!("class {name}"),
        ("function", Some(s)) => format!("def {name}({})", s.join(", ")),
        (kind, _) => format!("({kind}) {name}"),
    };
    Some(Help {
        heading,
        callee: name.to_string(),
        signature,
        doc,
        since,
        until,
    })
}

/// Which API brought the name, and whether the MANIFEST's has it.
fn availability(since: &str, until: Option<&str>, api: Option<Api>) -> String {
    let gone = until.map_or(String::new(), |u| format!("; gone after api {u}"));
    let Some(api) = api else {
        return format!("Since api {since}{gone}.");
    };
    let declared = sdk_api::show(api);
    if sdk_api::present(since, until, api) {
        return format!("Since api {since}{gone}; this plugin's MANIFEST says api {declared}.");
    }
    match sdk_api::parse(since) {
        Some(s) if s > api => format!(
            "**Not in api {declared}** (this plugin's MANIFEST); new in {since}: raise `api` to use it."
        ),
        _ => format!("**Not in api {declared}** (this plugin's MANIFEST): since api {since}{gone}."),
    }
}

/// The MANIFEST's api, when the SDK data knows it.
fn manifest_api(cx: &Context) -> Option<Api> {
    let sdk = sdk_api::get();
    cx.plugin()
        .api
        .as_ref()
        .map(|(a, b, _, _)| (*a, *b))
        .filter(|a| *a <= sdk.newest())
}

/// The plugin's code, with this file's index made from `text`: its index
/// in it (a file the plugin does not package is added for the question).
fn code_around(text: &str, cx: &Context) -> (PluginCode, usize) {
    let plugin = cx.plugin();
    let mut code = if cx.files.is_detached() {
        PluginCode {
            folder: plugin.folder.clone(),
            files: Vec::new(),
            entry: None,
        }
    } else {
        PluginCode::load(cx.files, &plugin.folder, plugin.entry_point.as_deref())
    };
    let index = cache::index(cx.path, text);
    match code.by_path(cx.path) {
        Some(fi) => {
            if &*code.files[fi].text != text {
                code.files[fi].text = text.into();
                code.files[fi].index = index;
            }
            (code, fi)
        }
        None => {
            let rel = cx.path.strip_prefix(&plugin.folder).map_or_else(
                |_| "main.py".to_string(),
                |r| r.to_string_lossy().replace('\\', "/"),
            );
            code.files.push(CodeFile {
                module: module_name(&rel),
                rel,
                path: cx.path.to_path_buf(),
                text: text.into(),
                index,
                too_large: false,
            });
            let fi = code.files.len() - 1;
            (code, fi)
        }
    }
}

/// The innermost call whose argument list holds a cursor.
#[derive(Debug, PartialEq, Eq)]
struct OpenCall {
    /// Where the callee's last name ends (just before `(` and spaces).
    name_end: usize,
    /// The argument the cursor is in, from 0.
    argument: usize,
    /// `name` when that argument is written `name=...`.
    keyword: Option<String>,
}

/// Reads the text up to `offset` as Python tokens do (strings, comments,
/// brackets) and finds the innermost open `(` that follows a name.
fn open_call(text: &str, offset: usize) -> Option<OpenCall> {
    let offset = offset.min(text.len());
    let b = text.as_bytes();
    // (bracket, where it is, commas at its level, where its argument starts)
    let mut stack: Vec<(u8, usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < offset {
        match b[i] {
            b'#' => {
                while i < offset && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'\'' | b'"') => {
                let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
                i += if triple { 3 } else { 1 };
                while i < offset {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if triple && b.get(i..i + 3) == Some(&[q, q, q][..]) {
                        i += 3;
                        break;
                    }
                    if !triple && (b[i] == q || b[i] == b'\n') {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            open @ (b'(' | b'[' | b'{') => stack.push((open, i, 0, i + 1)),
            close @ (b')' | b']' | b'}') => {
                let open = match close {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if stack.last().is_some_and(|s| s.0 == open) {
                    stack.pop();
                }
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    top.2 += 1;
                    top.3 = i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let &(_, at, commas, arg_start) = stack.iter().rev().find(|s| s.0 == b'(')?;
    let before = text[..at].trim_end();
    let name_end = before.len();
    let last = before.chars().next_back()?;
    if !(last.is_alphanumeric() || last == '_') {
        return None;
    }
    let arg = text[arg_start.min(offset)..offset].trim_start();
    let word_len = arg
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(arg.len());
    let after = arg[word_len..].trim_start();
    let keyword = (word_len > 0 && after.starts_with('=') && !after.starts_with("=="))
        .then(|| arg[..word_len].to_string());
    Some(OpenCall {
        name_end,
        argument: commas,
        keyword,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(text: &str) -> Option<OpenCall> {
        let offset = text.find('|').unwrap();
        open_call(&text.replace('|', ""), offset)
    }

    #[test]
    fn the_open_call_at_a_cursor() {
        let c = call("x = cfg.get('a', |").unwrap();
        assert_eq!((c.name_end, c.argument, c.keyword), (11, 1, None));
        let c = call("cfg.get('a,(', default=|").unwrap();
        assert_eq!((c.argument, c.keyword.as_deref()), (1, Some("default")));
        // Inside a list argument: still the call's second argument.
        assert_eq!(call("f(a, [1, 2|").unwrap().argument, 1);
        // A closed call, a comment, a parenthesized expression.
        assert_eq!(call("f(a)|"), None);
        assert_eq!(call("f(a # (\n, |").unwrap().argument, 1);
        assert_eq!(call("x = (|"), None);
        assert_eq!(call("f(x == 1, '''\n(''', |").unwrap().argument, 2);
        assert_eq!(call("f(x == |").unwrap().keyword, None);
    }
}
