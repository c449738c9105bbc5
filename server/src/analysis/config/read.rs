//! What makes CPython's configparser raise on reading the text:
//! `config/missing-section-header`, `config/no-delimiter`,
//! `config/unclosed-section`, `config/empty-option-name`,
//! `config/duplicate-section`, `config/duplicate-option`.

use super::*;
use crate::analysis::{Diagnostic, Edit};
use crate::syntax::ini::{Entry, Ini, IniErrorKind};
use crate::text::TextRange;

/// The errors the parser collected, as configparser raises them.
pub(crate) fn check(ini: &Ini, text: &str, out: &mut Vec<Diagnostic>) {
    for error in &ini.errors {
        let line = &text[error.range.start..error.range.end];
        let comment_out = |d: Diagnostic| {
            d.with_fix(
                "Comment the line out",
                vec![Edit::new(TextRange::empty(error.range.start), "# ")],
            )
        };
        let d = match &error.kind {
            IniErrorKind::MissingSectionHeader { bom: true } => Diagnostic::error(
                MISSING_SECTION_HEADER,
                TextRange::new(error.range.start, error.range.start + '\u{feff}'.len_utf8()),
                "the file starts with a byte-order mark (U+FEFF), which configparser reads as text \
                 before the first section header and rejects: save the file as UTF-8 without BOM",
            )
            // The mark is no text to configparser's caller: removing it
            // changes nothing else.
            .with_fix_as(
                crate::analysis::Applicability::Safe,
                "Remove the byte-order mark",
                vec![Edit::new(
                    TextRange::new(error.range.start, error.range.start + '\u{feff}'.len_utf8()),
                    "",
                )],
            ),
            IniErrorKind::MissingSectionHeader { bom: false } => comment_out(Diagnostic::error(
                MISSING_SECTION_HEADER,
                error.range,
                format!(
                    "`{}` comes before any `[section]` header, so configparser rejects the file: \
                     put it under a section, or comment it out with `#`",
                    short(line)
                ),
            )),
            IniErrorKind::NoDelimiter => comment_out(Diagnostic::error(
                NO_DELIMITER,
                error.range,
                format!(
                    "`{}` has no `=` or `:`, so configparser rejects the file: write \
                     `name=value`, or comment the line out with `#`",
                    short(line)
                ),
            )),
            IniErrorKind::UnclosedSection if line == "[]" => comment_out(Diagnostic::error(
                UNCLOSED_SECTION,
                error.range,
                "a section name needs at least one character between `[` and `]`; configparser \
                 rejects the file",
            )),
            IniErrorKind::UnclosedSection => Diagnostic::error(
                UNCLOSED_SECTION,
                error.range,
                format!(
                    "`{}` lacks its closing `]`, so configparser rejects the file: add `]`",
                    short(line)
                ),
            )
            .with_fix("Add `]`", vec![Edit::new(TextRange::empty(error.range.end), "]")]),
            IniErrorKind::EmptyOptionName => comment_out(Diagnostic::error(
                EMPTY_OPTION_NAME,
                error.range,
                "the option has no name before its `=` or `:`, so configparser rejects the file: \
                 write `name=value`",
            )),
            IniErrorKind::DuplicateSection { first, first_line } => {
                let name = &text[error.range.start..error.range.end];
                Diagnostic::error(
                    DUPLICATE_SECTION,
                    error.range,
                    format!(
                        "section `[{name}]` already appears on line {}, so configparser rejects \
                         the file: merge the two sections",
                        first_line + 1
                    ),
                )
                .with_related(*first, format!("first `[{name}]`"))
            }
            IniErrorKind::DuplicateOption {
                first,
                first_line,
                section,
            } => {
                let key = &text[error.range.start..error.range.end];
                let first_key = &text[first.start..first.end];
                let case = if key != first_key {
                    format!(" as `{first_key}` (option names ignore case)")
                } else {
                    String::new()
                };
                Diagnostic::error(
                    DUPLICATE_OPTION,
                    error.range,
                    format!(
                        "`{key}` is already set in `[{section}]`{case} on line {}, so \
                         configparser rejects the file: keep one of them",
                        first_line + 1
                    ),
                )
                .with_related(*first, format!("first `{first_key}`"))
            }
        };
        out.push(d);
    }
}

/// `[name` without `]` but with a delimiter: configparser reads the line as
/// an option of the section above, so it is a warning, not an error.
pub(crate) fn header_read_as_option(text: &str, e: &Entry) -> Option<Diagnostic> {
    if !e.key.starts_with('[') {
        return None;
    }
    Some(
        Diagnostic::warning(
            UNCLOSED_SECTION,
            e.key_range,
            format!(
                "`{}` lacks its closing `]`, so configparser reads this line as an option \
                 of the section above: add `]`",
                short(&text[e.range.start..e.value_range.end])
            ),
        )
        .with_fix(
            "Add `]`",
            vec![Edit::new(TextRange::empty(e.value_range.end), "]")],
        ),
    )
}
