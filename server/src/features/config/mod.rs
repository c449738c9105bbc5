//! default.cfg features, one file per kind: [`completion`], [`hover`],
//! [`outline`] (symbols and folding) and [`assists`]. What the SDK reads
//! comes from `schemas/sdk-config.json`; which of its sections apply comes
//! from the plugin type in the MANIFEST beside the file.

mod assists;
pub(crate) mod code;
mod completion;
mod hover;
mod outline;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

pub(crate) use assists::assists;
pub(crate) use code::{
    definition, inlay_hints, markdown as read_markdown, references, section_markdown,
};
pub(crate) use completion::completion;
pub(crate) use hover::hover;
pub(crate) use outline::folding;

/// The outline of default.cfg, with what the plugin's code reads marked.
pub(crate) fn symbols(text: &str, cx: &crate::analysis::Context) -> Vec<crate::features::Symbol> {
    outline::symbols(text, code::reads_of(cx).as_deref())
}

/// At most 60 characters, for details and titles.
fn short(s: &str) -> String {
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s.to_string()
    }
}
