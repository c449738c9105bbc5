//! default.cfg assists: code actions that repair nothing, such as
//! "Uncomment `key=value`" for a template option.

use super::short;
use crate::analysis::{Context, Edit};
use crate::features::Action;
use crate::syntax::ini::{self, CommentKind, Section, Template};
use crate::text::{line_start, TextRange};

/// "Uncomment `key=value`" for the template options on the lines `range`
/// touches, unless the section already sets the option.
pub(crate) fn assists(text: &str, range: TextRange, _cx: &Context) -> Vec<Action> {
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
fn uncomment_edits(s: &Section, i: usize, t: &Template) -> Vec<Edit> {
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
