//! What default.cfg says of the sections and options the reference lists:
//! the options it sets or documents, in order, how it writes each, and the
//! comment above it (through `ini::Section::comment_lines_above`, which the
//! `config/comment-differs` rule reads too).

use super::Written;
use crate::syntax::ini::{self, Ini};

/// default.cfg, when the plugin has one.
pub(super) struct Cfg<'a> {
    pub text: &'a str,
    pub ini: Option<&'a Ini<'a>>,
}

impl<'a> Cfg<'a> {
    /// default.cfg's sections of that name (duplicates included).
    pub fn sections(&self, name: &str) -> Vec<&'a ini::Section<'a>> {
        self.ini
            .map(|i| {
                i.sections
                    .iter()
                    .filter(|s| s.name() == Some(name))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The option names the section sets or documents, in order (each
    /// once; a placeholder key such as `<user-name-1>` is none).
    pub fn options(&self, name: &str) -> Vec<String> {
        let mut lines: Vec<(usize, String)> = Vec::new();
        for s in self.sections(name) {
            lines.extend(s.entries.iter().map(|e| (e.line, e.name.to_string())));
            lines.extend(
                s.templates()
                    .filter(|(_, t)| !t.key_is_placeholder())
                    .map(|(c, t)| (c.line, t.name.to_string())),
            );
        }
        lines.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, n) in lines {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// How default.cfg writes the option, and the comment above it (or, for
    /// an option in a run of options with no blank line between, above
    /// the first of the run).
    pub fn option(&self, section: &str, option: &str) -> Option<(Written, Option<String>)> {
        for s in self.sections(section) {
            let written = s
                .entries
                .iter()
                .find(|e| e.name == option)
                .map(|e| (e.line, e.value.to_string(), false))
                .or_else(|| {
                    s.templates()
                        .find(|(_, t)| t.name == option)
                        .map(|(c, t)| (c.line, t.value.to_string(), true))
                });
            let Some((line, value, commented)) = written else {
                continue;
            };
            let mut at = line;
            let mut comment = s.comment_lines_above(self.text, at);
            // Up through the options right above, to the run's comment.
            while comment.is_empty() && at > 0 && self.is_option_line(s, at - 1) {
                at -= 1;
                comment = s.comment_lines_above(self.text, at);
            }
            let description = (!comment.is_empty()).then(|| comment.join(" "));
            return Some((
                Written {
                    value,
                    commented,
                    line: line + 1,
                },
                description,
            ));
        }
        None
    }

    fn is_option_line(&self, s: &ini::Section, line: usize) -> bool {
        s.entries.iter().any(|e| e.line == line)
            || s.comments.iter().any(|c| {
                c.line == line
                    && matches!(
                        c.kind,
                        ini::CommentKind::Template(_) | ini::CommentKind::TemplateContinuation
                    )
            })
            || s.entries.iter().any(|e| {
                // A continuation line of the option above.
                e.line < line
                    && e.continuations
                        .iter()
                        .any(|c| self.line_of(c.start) == line)
            })
    }

    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count()
    }

    /// The comment lines right under a section's header, when a blank line
    /// parts them from what follows.
    pub fn section_comment(&self, name: &str) -> Option<String> {
        let s = *self.sections(name).first()?;
        let h = s.header.as_ref()?;
        let mut line = h.line + 1;
        let mut lines = Vec::new();
        while let Some(c) = s.comments.iter().find(|c| c.line == line) {
            if !matches!(c.kind, ini::CommentKind::Plain) {
                return None;
            }
            lines.push(
                self.text[c.range.start..c.range.end]
                    .trim_start_matches(['#', ';'])
                    .trim(),
            );
            line += 1;
        }
        let next_is_blank = self
            .text
            .lines()
            .nth(line)
            .is_none_or(|l| l.trim().is_empty());
        (!lines.is_empty() && next_is_blank).then(|| lines.join(" "))
    }
}
