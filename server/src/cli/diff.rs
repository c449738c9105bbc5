//! Unified diffs of a file before and after its fixes, for `check --diff`
//! (the format `diff -u` and `git diff` print, which `patch` applies),
//! computed by `similar`, as ruff's are.

use super::report::{paint, paint as style};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// How long the line diff may search for the shortest edit script before
/// it settles for a longer one (a fix that rewrote most of a large file):
/// still a correct diff.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(1);

/// The unified diff from `old` to `new`, both named `name`; empty when
/// they are the same. The hunks are `similar`'s (Myers' diff, as git's).
pub fn unified(name: &str, old: &str, new: &str, color: bool) -> String {
    use similar::ChangeTag;
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(DEADLINE)
        .diff_lines(old, new);
    let mut out = String::new();
    out.push_str(&paint(color, style::BOLD, &format!("--- {name}")));
    out.push('\n');
    out.push_str(&paint(color, style::BOLD, &format!("+++ {name}")));
    out.push('\n');
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        out.push_str(&paint(color, style::CYAN, &hunk.header().to_string()));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (mark, tint) = match change.tag() {
                ChangeTag::Equal => (' ', ""),
                ChangeTag::Delete => ('-', style::PLAIN_RED),
                ChangeTag::Insert => ('+', style::PLAIN_GREEN),
            };
            let line = change.value();
            let body = line.strip_suffix('\n').unwrap_or(line);
            let text = format!("{mark}{body}");
            if tint.is_empty() {
                out.push_str(&text);
            } else {
                out.push_str(&paint(color, tint, &text));
            }
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn one_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        expect![[r#"
            --- f
            +++ f
            @@ -2,7 +2,7 @@
             b
             c
             d
            -e
            +E
             f
             g
             h
        "#]]
        .assert_eq(&unified("f", old, new, false));
    }

    #[test]
    fn far_apart_changes_make_two_hunks_and_a_missing_newline_is_said() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                20 => "20".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        expect![[r#"
            --- f
            +++ f
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -17,4 +17,4 @@
             17
             18
             19
            -20
            +20
            \ No newline at end of file
        "#]]
        .assert_eq(&unified("f", &old, &new, false));
    }

    #[test]
    fn added_lines_only_and_the_same_text() {
        assert_eq!(unified("f", "x\n", "x\n", false), "");
        expect![[r#"
            --- f
            +++ f
            @@ -1 +1,3 @@
             x
            +y
            +z
        "#]]
        .assert_eq(&unified("f", "x\n", "x\ny\nz\n", false));
    }
}
