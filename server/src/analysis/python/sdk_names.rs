//! Which name of the SDK's API an attribute chain of the plugin's code
//! refers to (`self.plugin_configuration.getboolean`, `AAResponse.need_info`,
//! `self.connection`): through the file's imports from the SDK and the SDK
//! bases of the plugin's classes (followed across the plugin's files), then
//! the SDK's classes and the types of their attributes. The one resolution
//! that the API rules (`sdk/needs-newer-api`) and the editor's help on the
//! SDK (hover, signature help) share.

use std::collections::HashMap;

use super::index::{FileIndex, Use};
use super::PluginCode;
use crate::schema::sdk_api::{self, Member, Name, SdkApi};
use crate::text::TextRange;

/// What a chain names in the SDK.
#[derive(Debug, Clone)]
pub enum SdkRef<'s> {
    /// The chain is only its root, bound to the SDK by an import (or a
    /// plugin class's `self`): `qual` is what it stands for, resolved.
    Bound { qual: String },
    /// A name of an SDK module reached through the module (`plugin.AAResponse`):
    /// `entry` as the module has it (maybe an alias), `qual` resolved.
    Name { qual: String, entry: &'s Name },
    /// A member of an SDK class (inherited ones included): `class` is the
    /// class the chain reached, qualified.
    Member {
        class: String,
        name: String,
        member: &'s Member,
    },
}

/// A plugin class whose bases reach the SDK.
#[derive(Debug, Clone)]
pub struct PluginClass {
    /// The names the class and its bases in the plugin give a meaning
    /// (methods, class attributes, `self.x = ...`): `self.x` is the plugin's.
    pub own: Vec<String>,
    /// Its first SDK base, qualified (whose members `self.` reaches).
    pub base: String,
}

/// What one file of the plugin binds to the SDK.
#[derive(Debug, Default)]
pub struct FileSdk {
    /// Local name -> qualified SDK name (aliases followed), from imports.
    pub bound: HashMap<String, String>,
    /// Module-level classes of the file with SDK bases, by name.
    pub classes: HashMap<String, PluginClass>,
}

/// The names a file's imports bind to the SDK (unknown modules and names
/// bind nothing; the rules report them).
pub fn bindings(sdk: &SdkApi, ix: &FileIndex) -> HashMap<String, String> {
    let mut bound = HashMap::new();
    for import in &ix.imports {
        let module = import.module.as_str();
        if import.level > 0
            || !module.starts_with(sdk_api::PACKAGE)
            || module.starts_with("safeguard.sessions.plugin_impl")
        {
            continue;
        }
        let Some(m) = sdk.module(module) else {
            continue;
        };
        let Some(name) = &import.name else {
            if import.bound == import.module {
                bound.insert(import.bound.clone(), module.to_string());
            }
            continue;
        };
        let qual = format!("{module}.{name}");
        if m.names.contains_key(name) {
            bound.insert(import.bound.clone(), sdk.resolve(&qual).to_string());
        } else if sdk.module(&qual).is_some() {
            bound.insert(import.bound.clone(), qual);
        }
    }
    bound
}

/// The SDK classes a plugin class derives from, given what its chain of
/// bases ends in outside the plugin: qualified, resolved, in MRO order.
pub fn sdk_bases(sdk: &SdkApi, external: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for q in external {
        let q = sdk.resolve(q);
        if let Some((_, class)) = sdk.name(q) {
            for m in &class.mro {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
    }
    out
}

impl FileSdk {
    /// What file `fi` of `code` binds to the SDK.
    pub fn of(sdk: &SdkApi, code: &PluginCode, fi: usize) -> FileSdk {
        let ix = &code.files[fi].index;
        let mut classes = HashMap::new();
        for (ci, c) in ix.classes.iter().enumerate() {
            let (chain, external) = code.class_chain(fi, ci);
            let Some(base) = sdk_bases(sdk, &external).first().cloned() else {
                continue;
            };
            let mut own: Vec<String> = Vec::new();
            for (f, k) in &chain {
                let k = &code.files[*f].index.classes[*k];
                own.extend(k.methods.iter().map(|m| m.name.clone()));
                own.extend(k.attributes.iter().map(|a| a.name.clone()));
                own.extend(k.self_attributes.iter().cloned());
            }
            classes.insert(c.name.clone(), PluginClass { own, base });
        }
        FileSdk {
            bound: bindings(sdk, ix),
            classes,
        }
    }

    /// What the chain `chain`, written in the module-level class `class`
    /// (if any), names in the SDK; None when it is not the SDK's (or the
    /// SDK has no such name).
    pub fn resolve<'s, S: AsRef<str>>(
        &self,
        sdk: &'s SdkApi,
        chain: &[S],
        class: Option<&str>,
    ) -> Option<SdkRef<'s>> {
        let root = chain.first()?.as_ref();
        let (mut qual, rest): (String, &[S]) = if let Some(q) = self.bound.get(root) {
            (q.clone(), &chain[1..])
        } else if root == "self" || root == "super()" {
            let c = self.classes.get(class?)?;
            if root == "self" && chain.len() > 1 && c.own.iter().any(|o| o == chain[1].as_ref()) {
                return None;
            }
            (c.base.clone(), &chain[1..])
        } else {
            return None;
        };
        // Walk the chain through modules, classes and attribute types.
        for (i, part) in rest.iter().enumerate() {
            let part = part.as_ref();
            let last = i + 1 == rest.len();
            if let Some(m) = sdk.module(&qual) {
                let entry = m.names.get(part)?;
                let next = sdk.resolve(&format!("{qual}.{part}")).to_string();
                if last {
                    return Some(SdkRef::Name { qual: next, entry });
                }
                qual = next;
                continue;
            }
            let (_, c) = sdk.name(&qual)?;
            let member = c.members.get(part)?;
            if last {
                return Some(SdkRef::Member {
                    class: qual,
                    name: part.to_string(),
                    member,
                });
            }
            qual = member.type_.clone()?;
        }
        Some(SdkRef::Bound { qual })
    }
}

/// A name of the SDK at `offset` in file `fi` of `code`: the last name of
/// an attribute chain or call the SDK's (`getboolean` of
/// `self.plugin_configuration.getboolean(...)`), a name imported from the
/// SDK where it is used or imported. With the range of the name.
pub fn at<'s>(
    sdk: &'s SdkApi,
    code: &PluginCode,
    fi: usize,
    offset: usize,
) -> Option<(TextRange, SdkRef<'s>)> {
    let file = code.files.get(fi)?;
    let ix = &file.index;
    let file_sdk = FileSdk::of(sdk, code, fi);
    if let Some(u) = ix.uses.iter().find(|u| u.range.touches(offset)) {
        if let Some(r) = file_sdk.resolve(sdk, &u.chain, u.class.as_deref()) {
            return Some((u.range, r));
        }
    }
    // `from safeguard.sessions.plugin.requests_tls import ...`: the module.
    if let Some(import) = ix
        .imports
        .iter()
        .find(|i| i.level == 0 && i.name.is_some() && i.module_range.touches(offset))
    {
        let qual = import.module.as_str();
        sdk.module(qual)?;
        return Some((
            import.module_range,
            SdkRef::Bound {
                qual: qual.to_string(),
            },
        ));
    }
    // `from safeguard.sessions.plugin import AAResponse`: the name imported.
    if let Some(import) = ix.imports.iter().find(|i| i.range.touches(offset)) {
        let qual = file_sdk.bound.get(&import.bound)?;
        let name = import.name.as_deref()?;
        let range = file.text.get(import.range.start..import.range.end)?;
        let at = range.find(name).map_or(import.range, |i| {
            TextRange::new(import.range.start + i, import.range.start + i + name.len())
        });
        return at.touches(offset).then(|| {
            (
                at,
                SdkRef::Bound {
                    qual: qual.to_string(),
                },
            )
        });
    }
    // A name bound by such an import, used bare (`AAResponse` of
    // `AAResponse.need_info`).
    let word = identifier_at(&file.text, offset)?;
    let name = &file.text[word.start..word.end];
    let qual = file_sdk.bound.get(name)?;
    // Only as code: the root of a chain the index saw, or a class's base
    // (not the same word in a comment or a docstring).
    let root_of = |u: &Use| {
        let Some((first, rest)) = u.chain.split_first() else {
            return false;
        };
        let between: String = file
            .text
            .get(word.end..u.range.start)
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let middle: String = rest[..rest.len().saturating_sub(1)]
            .iter()
            .map(|p| format!("{p}."))
            .collect();
        first == name && !rest.is_empty() && between == format!(".{middle}")
    };
    let base = |c: &super::index::Class| c.bases.iter().any(|(_, r)| r.start == word.start);
    if !ix.uses.iter().any(root_of) && !ix.classes.iter().any(base) {
        return None;
    }
    Some((
        word,
        SdkRef::Bound {
            qual: qual.to_string(),
        },
    ))
}

/// The SDK function, method or class called by the call whose callee's
/// last name ends at `name_end` (`get` of `self.plugin_configuration.get(`).
pub fn called_at<'s>(
    sdk: &'s SdkApi,
    code: &PluginCode,
    fi: usize,
    name_end: usize,
) -> Option<SdkRef<'s>> {
    let file = code.files.get(fi)?;
    let u: &Use = file
        .index
        .uses
        .iter()
        .find(|u| u.called && u.range.end == name_end)?;
    FileSdk::of(sdk, code, fi).resolve(sdk, &u.chain, u.class.as_deref())
}

/// The Python identifier around `offset`.
fn identifier_at(text: &str, offset: usize) -> Option<TextRange> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let is_id = |c: char| c.is_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .take_while(|(_, c)| is_id(*c))
        .last()
        .map_or(offset, |(i, c)| offset + i + c.len_utf8());
    // Not an attribute (`x.AAResponse` is not the import's name).
    let attribute = text[..start].trim_end().ends_with('.');
    (start < end && !attribute).then(|| TextRange::new(start, end))
}
