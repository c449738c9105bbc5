//! Unified diffs of a file before and after its fixes, for `check --diff`
//! (the format `diff -u` and `git diff` print, which `patch` applies).

use super::report::{paint, paint as style};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The middle of two texts (after their common first and last lines) is
/// compared line by line only up to this many cells; beyond it (a fix
/// rewrote most of a large file) the middle is shown as removed, then
/// added, which is still a correct diff.
const MAX_CELLS: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The unified diff from `old` to `new`, both named `name`; empty when
/// they are the same.
pub fn unified(name: &str, old: &str, new: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = script(&a, &b);
    let mut out = String::new();
    out.push_str(&paint(color, style::BOLD, &format!("--- {name}")));
    out.push('\n');
    out.push_str(&paint(color, style::BOLD, &format!("+++ {name}")));
    out.push('\n');
    // Hunks: runs of changes less than 2 * CONTEXT same lines apart.
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut i = 0;
    while i < changed.len() {
        let first = changed[i];
        let mut last = first;
        while i + 1 < changed.len() && changed[i + 1] - last <= 2 * CONTEXT + 1 {
            i += 1;
            last = changed[i];
        }
        i += 1;
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[from..to];
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_len, mut b_len) = (0, 0);
        for op in hunk {
            match *op {
                Op::Same(x, y) => {
                    a_start.get_or_insert(x);
                    b_start.get_or_insert(y);
                    a_len += 1;
                    b_len += 1;
                }
                Op::Removed(x) => {
                    a_start.get_or_insert(x);
                    a_len += 1;
                }
                Op::Added(y) => {
                    b_start.get_or_insert(y);
                    b_len += 1;
                }
            }
        }
        // A side with no lines in the hunk is numbered by the line before.
        let start = |s: Option<usize>, len: usize, other: &[Op], side: usize| match s {
            Some(s) if len > 0 => s + 1,
            _ => before(other, side),
        };
        let a_at = start(a_start, a_len, &ops[..from + 1], 0);
        let b_at = start(b_start, b_len, &ops[..from + 1], 1);
        let header = format!("@@ -{} +{} @@", range(a_at, a_len), range(b_at, b_len));
        out.push_str(&paint(color, style::CYAN, &header));
        out.push('\n');
        for op in hunk {
            let (mark, line, tint) = match *op {
                Op::Same(x, _) => (' ', a[x], ""),
                Op::Removed(x) => ('-', a[x], style::PLAIN_RED),
                Op::Added(y) => ('+', b[y], style::PLAIN_GREEN),
            };
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

/// The lines of one side before the hunk (0 when there are none).
fn before(ops: &[Op], side: usize) -> usize {
    ops.iter()
        .filter(|op| match op {
            Op::Same(..) => true,
            Op::Removed(_) => side == 0,
            Op::Added(_) => side == 1,
        })
        .count()
        .saturating_sub(1)
}

fn range(start: usize, len: usize) -> String {
    if len == 1 {
        start.to_string()
    } else {
        format!("{start},{len}")
    }
}

/// An edit script from `a` to `b`: common first and last lines, and a
/// longest common subsequence of the middle.
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Same(i, i)).collect();
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        ops.extend((0..am.len()).map(|i| Op::Removed(prefix + i)));
        ops.extend((0..bm.len()).map(|j| Op::Added(prefix + j)));
    } else {
        // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
        let w = bm.len() + 1;
        let mut lcs = vec![0u32; (am.len() + 1) * w];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push(Op::Same(prefix + i, prefix + j));
                i += 1;
                j += 1;
            } else if i < am.len() && (j == bm.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                // Removed lines before the added ones, as diff prints them.
                ops.push(Op::Removed(prefix + i));
                i += 1;
            } else {
                ops.push(Op::Added(prefix + j));
                j += 1;
            }
        }
    }
    let (a_end, b_end) = (a.len() - suffix, b.len() - suffix);
    ops.extend((0..suffix).map(|k| Op::Same(a_end + k, b_end + k)));
    ops
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
