//! Every fix of a document at once, for `check --fix` and the editor's
//! `source.fixAll`: the safe fixes (with `unsafe_fixes`, all of them),
//! applied and the document analysed again until nothing changes, as
//! `ruff --fix` does. Nothing is written here; the caller decides.

use crate::analysis::{self, Context, Edit};
use crate::workspace::DocKind;

/// Rounds of fixing before giving up on a document whose fixes keep
/// changing it.
const MAX_ROUNDS: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixAll {
    /// The text with the fixes applied.
    pub text: String,
    /// How many fixes were applied.
    pub fixed: usize,
    /// The diagnostics the fixed text still has.
    pub remaining: Vec<analysis::Diagnostic>,
}

/// The document with every fix it allows applied, repeatedly. Fixes whose
/// edits overlap one already taken wait for the next round.
pub fn fix_all(kind: DocKind, text: &str, cx: &Context, unsafe_fixes: bool) -> FixAll {
    let mut text = text.to_string();
    let mut fixed = 0;
    for _ in 0..MAX_ROUNDS {
        let diagnostics = analysis::analyze(kind, &text, cx);
        let mut taken: Vec<Edit> = Vec::new();
        for d in &diagnostics {
            let Some(fix) = d.fixes.iter().find(|f| f.applies_in_fix_all(unsafe_fixes)) else {
                continue;
            };
            if fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| conflict(e, t)))
            {
                continue;
            }
            taken.extend(fix.edits.iter().cloned());
            fixed += 1;
        }
        if taken.is_empty() {
            return FixAll {
                text,
                fixed,
                remaining: diagnostics,
            };
        }
        let next = apply(&text, &taken);
        if next == text {
            return FixAll {
                text,
                fixed,
                remaining: diagnostics,
            };
        }
        text = next;
    }
    let remaining = analysis::analyze(kind, &text, cx);
    FixAll {
        text,
        fixed,
        remaining,
    }
}

/// Two edits that cannot both be applied: they overlap, or insert at the
/// same place (whose text would come first is not known).
fn conflict(a: &Edit, b: &Edit) -> bool {
    (a.range.start < b.range.end && b.range.start < a.range.end) || a.range.start == b.range.start
}

/// The text with non-overlapping edits applied.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
    let mut out = text.to_string();
    for e in edits {
        let (s, t) = (e.range.start.min(out.len()), e.range.end.min(out.len()));
        if out.is_char_boundary(s) && out.is_char_boundary(t) {
            out.replace_range(s..t, &e.new_text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{dedent, Fixture};

    fn check(fixture: &str, unsafe_fixes: bool) -> (String, usize, Vec<&'static str>) {
        let fixture = Fixture::parse(&dedent(fixture));
        let files = fixture.memory_files();
        let path = fixture.path(0);
        let kind = DocKind::detect(&path, &files).unwrap();
        let cx = Context::new(&path, &files);
        let r = fix_all(kind, &fixture.files[0].1, &cx, unsafe_fixes);
        (
            r.text,
            r.fixed,
            r.remaining.iter().map(|d| d.code.id).collect(),
        )
    }

    const MANIFEST: &str = r#"
        //- MANIFEST
        name: My_Plugin
        description: A plugin
        version: 1.10
        type: AA
        api: '1.9'
        entry_point=main.py
        colour: red  # sps-plugin-ls: ignore[manifest/invalid-type]
        //- main.py
        #!/usr/bin/env pluginwrapper3
        from lib.plugin import Plugin
    "#;

    #[test]
    fn safe_fixes_only_by_default() {
        let (text, fixed, remaining) = check(MANIFEST, false);
        assert_eq!(
            text,
            "name: My_Plugin\ndescription: A plugin\nversion: '1.10'\ntype: AA\napi: '1.9'\n\
             entry_point: main.py\ncolour: red\n"
        );
        // Quoted version, `=` to `: `, the unused suppression removed.
        assert_eq!(fixed, 3);
        assert_eq!(remaining, ["manifest/invalid-type", "manifest/unknown-key"]);
    }

    #[test]
    fn unsafe_fixes_when_asked() {
        let (text, _, remaining) = check(MANIFEST, true);
        assert!(text.contains("type: aa\n"), "{text}");
        assert_eq!(remaining, ["manifest/unknown-key"]);
    }

    #[test]
    fn repeats_until_nothing_changes() {
        // Each missing key is added at the end of the file: one per round.
        let (text, fixed, remaining) = check(
            "//- MANIFEST\nname: My_Plugin\n//- main.py\n#!/usr/bin/env pluginwrapper3\nfrom lib.plugin import Plugin\n",
            true,
        );
        assert_eq!(fixed, 5);
        assert!(remaining.is_empty(), "{remaining:?}\n{text}");
    }
}
