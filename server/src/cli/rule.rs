//! `sps-plugin-ls rule CODE` and `rule --all`: each code's documentation,
//! offline, as ruff's `rule` prints it (Markdown). The text is
//! `docs/rules.md`, which a test keeps equal to what the code registry
//! (`analysis/codes.rs`) and the rule tables say; it is built into the
//! binary.

use super::args::{usage_error, RuleArgs};
use super::out;
use crate::analysis::codes::{self, Code};

const RULES_MD: &str = include_str!("../../../docs/rules.md");

/// The section of `docs/rules.md` for `code`, as Markdown with the code as
/// its title, and where it is on the web.
pub fn documentation(code: &Code) -> String {
    let anchor = format!("<a id=\"{}\"></a>\n", code.anchor());
    let body = RULES_MD
        .split_once(&anchor)
        .map(|(_, rest)| {
            let end = rest
                .find("\n<a id=\"")
                .into_iter()
                .chain(rest.find("\n## "))
                .min()
                .unwrap_or(rest.len());
            rest[..end].trim()
        })
        .unwrap_or_default();
    // `### `code`` as the page's own title.
    let body = body.strip_prefix("### ").unwrap_or(body);
    let body = if body.is_empty() {
        // Not in the page (a code newer than it): what the registry says.
        format!(
            "`{}`\n\n**Severity:** {} · **Fix:** {}\n\n{}",
            code.id,
            code.severity.as_str(),
            code.fix.as_str(),
            code.summary
        )
    } else {
        body.to_string()
    };
    format!("# {body}\n\n{}\n", code.doc_url())
}

/// Runs `rule`; the exit status.
pub fn run(args: &RuleArgs) -> u8 {
    let chosen: Vec<Code> = match &args.code {
        None => codes::ALL.to_vec(),
        Some(name) => {
            let name = name.trim();
            let family: Vec<Code> = codes::ALL
                .iter()
                .copied()
                .filter(|c| c.id == name || c.id.split('/').next() == Some(name))
                .collect();
            if family.is_empty() {
                let hint = crate::analysis::did_you_mean(name, codes::selectors())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return usage_error(
                    &format!(
                        "`{name}` is not a code or family; {hint}`sps-plugin-ls rule --all` lists them"
                    ),
                    "sps-plugin-ls rule",
                );
            }
            family
        }
    };
    let pages: Vec<String> = chosen.iter().map(documentation).collect();
    out::print(&pages.join("\n"));
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn a_code_s_page_is_its_section_of_the_rules_page() {
        expect![[r#"
            # `manifest/missing-key`

            **Severity:** error · **Fix:** unsafe

            One of `name`, `description`, `version`, `type`, `api`, `entry_point` is missing.

            https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/rules.md#manifest-missing-key
        "#]]
        .assert_eq(&documentation(&codes::manifest::MISSING_KEY));
    }

    #[test]
    fn every_code_has_its_own_text() {
        for code in codes::ALL {
            let page = documentation(code);
            assert!(page.starts_with(&format!("# `{}`\n", code.id)), "{page}");
            assert_eq!(page.matches("# `").count(), 1, "{page}");
        }
    }
}
