//! default.cfg hover: what the SDK reads in a section or option, what
//! configparser hands the plugin, and the SDK's `$` values.

use crate::analysis::Context;
use crate::features::Hover;
use crate::schema::config::{role, sdk, Role};
use crate::syntax::ini::{self, Entry};
use crate::text::TextRange;

pub(crate) fn hover(text: &str, offset: usize, cx: &Context) -> Option<Hover> {
    // Only the cursor's section is needed.
    let ini = ini::parse_around(text, offset, offset);
    let plugin_type = cx.plugin().sdk_type();
    let section = ini.section_at(offset)?;
    let reads = super::code::reads_of(cx);
    // What the SDK says of an option, then what the plugin's code reads.
    let option_hover = |section: Option<&str>, option: &str, plugin_type: Option<&str>| {
        let sdk = option_hover(section, option, plugin_type);
        let code = match (&reads, section) {
            (Some(r), Some(s)) => super::code::markdown(s, option, &super::code::own(r, s, option)),
            _ => None,
        };
        match (sdk, code) {
            (Some(a), Some(b)) => Some(format!("{a}\n\n---\n\n{b}")),
            (a, b) => a.or(b),
        }
    };
    if let Some(h) = &section.header {
        if h.range.touches(offset) {
            let own = match (&reads, role(h.name, plugin_type)) {
                (Some(r), Role::Plugin) => super::code::section_markdown(h.name, r),
                _ => None,
            };
            let markdown = own.or_else(|| section_hover(h.name, plugin_type))?;
            return Some(Hover {
                range: h.range,
                markdown,
            });
        }
    }
    let name = section.name();
    for e in &section.entries {
        if e.key_range.touches(offset) && !e.key_range.is_empty() {
            let mut md = option_hover(name, &e.name, plugin_type).unwrap_or_default();
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
            let md = option_hover(name, &e.name, plugin_type)?;
            return Some(Hover {
                range: value,
                markdown: md,
            });
        }
    }
    for (_, t) in section.templates() {
        if t.key_range.touches(offset) {
            let md = option_hover(name, &t.name, plugin_type)?;
            return Some(Hover {
                range: t.key_range,
                markdown: format!(
                    "{md}\n\n*Commented out: the default applies until the line is uncommented.*"
                ),
            });
        }
    }
    None
}

fn section_hover(name: &str, plugin_type: Option<&str>) -> Option<String> {
    if name == ini::DEFAULT_SECTION {
        return Some(
            "**[DEFAULT]** — configparser's defaults\n\nIts options appear in every other section \
             (unless the section sets them itself), and `%(name)s` references look here too."
                .to_string(),
        );
    }
    match role(name, plugin_type) {
        Role::Sdk(spec) => Some(spec.markdown()),
        Role::OtherType(spec) => Some(format!(
            "{}\n\n**This plugin's type is `{}`: the SDK does not read this section.**",
            spec.markdown(),
            plugin_type.unwrap_or("?")
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

fn option_hover(section: Option<&str>, option: &str, plugin_type: Option<&str>) -> Option<String> {
    let spec = match role(section?, plugin_type) {
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
