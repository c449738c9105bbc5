//! Python source to a syntax tree with byte ranges, through ruff's own
//! error-resilient parser: a broken file gives a partial tree plus its
//! errors. The server never imports or runs plugin code; it only reads it.

pub use ruff_python_ast as ast;
use ruff_text_size::Ranged;

use super::SyntaxError;
use crate::text::TextRange;

/// A parsed Python file.
pub struct PyTree {
    /// The module's statements (empty when the text was refused, see
    /// [`parse`]).
    pub body: Vec<ast::Stmt>,
    pub errors: Vec<SyntaxError>,
}

/// CPython refuses more than this many nested brackets ("too many nested
/// parentheses") and more than [`MAX_INDENT`] indentation levels; the text
/// is not handed to the parser then, so that no input can exhaust its stack.
const MAX_BRACKETS: usize = 200;
const MAX_INDENT: usize = 100;

/// Parses Python 3 source. Never fails and never panics.
pub fn parse(text: &str) -> PyTree {
    if let Some(error) = too_deep(text) {
        return PyTree {
            body: Vec::new(),
            errors: vec![error],
        };
    }
    let parsed = ruff_python_parser::parse_unchecked_source(text, ast::PySourceType::Python);
    let errors = parsed
        .errors()
        .iter()
        .map(|e| {
            let r = e.range();
            SyntaxError {
                range: TextRange::new(r.start().to_usize(), r.end().to_usize()),
                message: e.error.to_string(),
            }
        })
        .collect();
    PyTree {
        body: parsed.into_syntax().body.into_iter().collect(),
        errors,
    }
}

/// Converts a ruff range to ours.
pub fn range(node: &impl Ranged) -> TextRange {
    let r = node.range();
    TextRange::new(r.start().to_usize(), r.end().to_usize())
}

/// The first place where the text nests deeper than CPython allows. Brackets
/// in strings and comments are counted too, and continuation lines are
/// told apart by bracket depth only: the answer only decides whether to
/// parse, and real code is nowhere near either limit.
fn too_deep(text: &str) -> Option<SyntaxError> {
    let mut depth = 0usize;
    let mut levels: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        let rest = line[indent..].trim_end();
        if depth == 0 && !rest.is_empty() && !rest.starts_with('#') {
            while levels.last().is_some_and(|l| *l > indent) {
                levels.pop();
            }
            if indent > 0 && levels.last() != Some(&indent) {
                levels.push(indent);
                if levels.len() > MAX_INDENT {
                    return Some(SyntaxError {
                        range: TextRange::new(offset, offset + indent),
                        message: "too many levels of indentation".into(),
                    });
                }
            }
        }
        for (i, b) in line.bytes().enumerate() {
            match b {
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_BRACKETS {
                        return Some(SyntaxError {
                            range: TextRange::new(offset + i, offset + i + 1),
                            message: "too many nested parentheses".into(),
                        });
                    }
                }
                b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_file_has_no_errors() {
        let t = parse("from lib.plugin import Plugin  # noqa\n\nclass A(B):\n    def f(self):\n        pass\n");
        assert!(t.errors.is_empty());
        assert_eq!(t.body.len(), 2);
    }

    #[test]
    fn a_broken_file_gives_a_partial_tree_and_errors_with_ranges() {
        let text = "import os\ndef f(:\n    pass\nclass C:\n    x = 1\n";
        let t = parse(text);
        assert!(!t.errors.is_empty());
        let e = &t.errors[0];
        assert_eq!(&text[e.range.start..e.range.end], ":");
        assert!(t
            .body
            .iter()
            .any(|s| matches!(s, ast::Stmt::ClassDef(c) if c.name.as_str() == "C")));
    }

    #[test]
    fn python2_print_is_an_error() {
        assert!(!parse("print 'hello'\n").errors.is_empty());
    }

    #[test]
    fn deep_nesting_is_refused_without_parsing() {
        let text = format!("x = {}{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let t = parse(&text);
        assert_eq!(t.errors[0].message, "too many nested parentheses");
        let text: String = (0..500)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect();
        assert_eq!(
            parse(&text).errors[0].message,
            "too many levels of indentation"
        );
    }
}
