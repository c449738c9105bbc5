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

/// An expression nests one level per operator, call, subscript or
/// attribute in a chain (`1+1+…`, `-(-(…))`, `a.b.c…`): CPython refuses more
/// than about 3,000 levels (RecursionError), and the parser, the tree walk
/// and the tree's drop recurse once per level. A statement whose chains
/// could be deeper than this is refused; see [`prescan`].
const MAX_CHAIN: usize = 20_000;

/// Up to this many levels the parse runs on the caller's thread (a tokio
/// blocking thread has 2 MiB); above, on a thread of its own whose stack
/// grows with the bound.
const CHAIN_ON_CALLER: usize = 300;
const STACK_BASE: usize = 8 << 20;
const STACK_PER_LEVEL: usize = 10 << 10;

/// Parses `text` and runs `f` on its tree (which walks and drops it), on
/// a stack deep enough for the deepest expression `text` can hold (see
/// [`prescan`], computed once for both the stack and the parse), so
/// that no input exhausts the stack. Texts that could nest deeper than
/// [`MAX_CHAIN`] are refused by [`parse`] before any recursion. `None` when
/// the text needs a thread of its own and none can be had (address space
/// or thread limits): the caller reports the file as not parsed rather
/// than risk its own stack.
pub fn parse_with_stack<R: Send>(text: &str, f: impl FnOnce(PyTree) -> R + Send) -> Option<R> {
    let scan = prescan(text);
    with_stack_of(scan.deepest, move || f(parse_scanned(text, scan)))
}

fn with_stack_of<R: Send>(bound: usize, f: impl FnOnce() -> R + Send) -> Option<R> {
    let bound = bound.min(MAX_CHAIN);
    if bound <= CHAIN_ON_CALLER {
        return Some(f());
    }
    let stack = STACK_BASE + bound * STACK_PER_LEVEL;
    #[cfg(test)]
    if tests::DENY_THREADS.with(std::cell::Cell::get) {
        return None;
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("python-parse".into())
            .stack_size(stack)
            .spawn_scoped(scope, f)
            .ok()?;
        Some(
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    })
}

/// What a file that [`parse_with_stack`] could not parse gets instead of its
/// syntax errors.
pub fn no_stack_error() -> SyntaxError {
    SyntaxError {
        range: TextRange::empty(0),
        message: "its expressions nest too deep to be parsed without a thread of its own, and none could be started (out of memory or threads); it was not checked".into(),
    }
}

/// What one look at a text finds before it is parsed: an upper bound of
/// how deep its expressions nest (for the parse's stack), and the first
/// place where it goes past a limit, if any (then it is not parsed).
struct Prescan {
    deepest: usize,
    refused: Option<SyntaxError>,
}

/// [`Prescan`] of `text`. Per bracket level it counts the tokens that can
/// each add a level (`+-*/%@&|^~.`, an opening bracket as a call or
/// subscript, `not`, `lambda`, `if`, `else`, `await`) since the last comma
/// of that level; the bound of a place is the sum over the open levels, and
/// it starts again with each logical line. Comparisons and `and`/`or` are
/// flat in the tree and not counted. In the same pass it counts what
/// CPython's tokenizer limits: nested brackets ([`MAX_BRACKETS`]) and the
/// indentation levels of the lines that start a statement
/// ([`MAX_INDENT`]). Strings and comments are skipped, but an f-string's
/// text is counted (its `{…}` are code).
fn prescan(text: &str) -> Prescan {
    let b = text.as_bytes();
    let mut levels: Vec<usize> = vec![0];
    let mut indents: Vec<usize> = Vec::new();
    let mut total = 0usize;
    let mut max = 0usize;
    let mut i = 0;
    let bump = |levels: &mut Vec<usize>, total: &mut usize, max: &mut usize| {
        if let Some(top) = levels.last_mut() {
            *top += 1;
        }
        *total += 1;
        *max = (*max).max(*total);
    };
    let refuse = |range: TextRange, message: String| Prescan {
        deepest: 0,
        refused: Some(SyntaxError { range, message }),
    };
    let too_many_brackets = |at: usize| {
        refuse(
            TextRange::new(at, at + 1),
            "too many nested parentheses".into(),
        )
    };
    // Where a line that starts a statement begins (none inside brackets,
    // strings or after a backslash).
    let mut line_start = Some(0);
    while i < b.len() {
        if let Some(start) = line_start.take() {
            let indent = b[start..]
                .iter()
                .take_while(|x| matches!(x, b' ' | b'\t'))
                .count();
            let rest = &b[start + indent..];
            let blank = match rest.first() {
                None | Some(b'#') => true,
                Some(x) if x.is_ascii_whitespace() => {
                    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                    rest[..end].iter().all(u8::is_ascii_whitespace)
                }
                Some(_) => false,
            };
            if !blank {
                while indents.last().is_some_and(|l| *l > indent) {
                    indents.pop();
                }
                if indent > 0 && indents.last() != Some(&indent) {
                    indents.push(indent);
                    if indents.len() > MAX_INDENT {
                        return refuse(
                            TextRange::new(start, start + indent),
                            "too many levels of indentation".into(),
                        );
                    }
                }
            }
            i = start + indent;
            continue;
        }
        let c = b[i];
        match c {
            b'#' => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
                continue;
            }
            // The spaces between tokens count nothing.
            b' ' | b'\t' => {
                while i < b.len() && matches!(b[i], b' ' | b'\t') {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                // The string's prefix: the letters right before the quote.
                let prefix = b[..i]
                    .iter()
                    .rev()
                    .take_while(|x| x.is_ascii_alphabetic())
                    .any(|x| *x == b'f' || *x == b'F');
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                let mut j = i + if triple { 3 } else { 1 };
                // The brackets open in an f-string's `{…}`.
                let mut inner = 0usize;
                while j < b.len() {
                    // Outside an f-string only the quote, a backslash and
                    // (in a one-line string) the line's end matter: jump
                    // to the next of them.
                    if !prefix {
                        let next = if triple {
                            memchr::memchr2(c, b'\\', &b[j..])
                        } else {
                            memchr::memchr3(c, b'\\', b'\n', &b[j..])
                        };
                        j = next.map_or(b.len(), |k| j + k);
                    }
                    let Some(&x) = b.get(j) else { break };
                    if x == b'\\' {
                        j += 2;
                        continue;
                    }
                    if x == c && (!triple || (b.get(j + 1) == Some(&c) && b.get(j + 2) == Some(&c)))
                    {
                        j += if triple { 3 } else { 1 };
                        break;
                    }
                    if x == b'\n' && !triple {
                        break;
                    }
                    if prefix {
                        if b"+-*/%@&|^~.([{".contains(&x) {
                            bump(&mut levels, &mut total, &mut max);
                        }
                        match x {
                            b'(' | b'[' | b'{' => {
                                inner += 1;
                                if levels.len() - 1 + inner > MAX_BRACKETS {
                                    return too_many_brackets(j);
                                }
                            }
                            b')' | b']' | b'}' => inner = inner.saturating_sub(1),
                            _ => {}
                        }
                    }
                    j += 1;
                }
                i = j;
                continue;
            }
            b'(' | b'[' | b'{' => {
                bump(&mut levels, &mut total, &mut max);
                levels.push(0);
                if levels.len() - 1 > MAX_BRACKETS {
                    return too_many_brackets(i);
                }
            }
            b')' | b']' | b'}' if levels.len() > 1 => {
                total -= levels.pop().unwrap_or(0);
            }
            b',' => {
                if let Some(top) = levels.last_mut() {
                    total -= *top;
                    *top = 0;
                }
            }
            b'\n' => {
                let continued = i > 0 && b[i - 1] == b'\\';
                if levels.len() == 1 && !continued {
                    levels[0] = 0;
                    total = 0;
                    line_start = Some(i + 1);
                }
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'.' => {
                bump(&mut levels, &mut total, &mut max);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                // A string prefix (`f"…"`) is read with its string.
                if matches!(b.get(i), Some(b'\'' | b'"')) && i - start <= 3 {
                    continue;
                }
                if matches!(&text[start..i], "not" | "lambda" | "if" | "else" | "await") {
                    bump(&mut levels, &mut total, &mut max);
                }
                continue;
            }
            _ => {}
        }
        if total > MAX_CHAIN {
            return refuse(
                TextRange::new(i, i + 1),
                format!(
                    "an expression nested too deeply to read (more than {MAX_CHAIN} operators, calls or attributes in one chain); CPython refuses it too (RecursionError)"
                ),
            );
        }
        i += 1;
    }
    Prescan {
        deepest: max,
        refused: None,
    }
}

/// Parses Python 3 source. Never fails and never panics.
pub fn parse(text: &str) -> PyTree {
    parse_scanned(text, prescan(text))
}

/// [`parse`], given the text's [`prescan`].
fn parse_scanned(text: &str, scan: Prescan) -> PyTree {
    if let Some(error) = scan.refused {
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

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Set by a test: no thread can be started for a deep file.
        pub static DENY_THREADS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    #[test]
    fn a_deep_file_with_no_thread_to_be_had_is_reported_not_parsed() {
        let text = format!("x = {}1\n", "-".repeat(2_000));
        DENY_THREADS.with(|d| d.set(true));
        let ix = crate::analysis::python::index::index(&text);
        DENY_THREADS.with(|d| d.set(false));
        assert_eq!(ix.errors, vec![no_stack_error()]);
        // A shallow file does not need a thread of its own.
        DENY_THREADS.with(|d| d.set(true));
        assert!(crate::analysis::python::index::index("x = 1\n")
            .errors
            .is_empty());
        DENY_THREADS.with(|d| d.set(false));
    }

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

    /// Chains as deep as CPython compiles (2,992 levels) are read on a
    /// thread of the stack they need, whatever the caller's stack; deeper
    /// ones than any stack is given for are refused before any recursion.
    #[test]
    fn deep_chains_never_exhaust_the_stack() {
        let n = 2_992;
        let cases = [
            format!("x = {}1\n", "1+".repeat(n)),
            format!("x = {}1\n", "-".repeat(n)),
            format!("x = a{}\n", ".b".repeat(n)),
            format!("x = f{}\n", "()".repeat(n)),
            format!("x = a{}\n", "[0]".repeat(n)),
            format!("x = {}1\n", "lambda: ".repeat(n)),
            format!("x = {}c\n", "a if b else ".repeat(n)),
            format!("x = {}a\n", "not ".repeat(n)),
            format!("x = f\"{{{}1}}\"\n", "-".repeat(n)),
        ];
        // A 256 KiB stack: far less than any thread the server runs on.
        std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || {
                for text in &cases {
                    let ix = crate::analysis::python::index::index(text);
                    assert!(ix.errors.is_empty(), "{}: {:?}", &text[..12], ix.errors);
                }
                let text = format!("x = {}1\n", "-".repeat(100_000));
                let ix = crate::analysis::python::index::index(&text);
                assert!(ix.errors[0]
                    .message
                    .starts_with("an expression nested too deeply"));
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn chain_bounds_count_nesting_not_lists_strings_or_comments() {
        assert_eq!(prescan("x = [-1, -2, -3, -4]\n").deepest, 2);
        assert_eq!(prescan("x = '+-+-+-+-' # ------\n").deepest, 0);
        assert_eq!(prescan("x = a.b.c\ny = 1\n").deepest, 2);
        assert_eq!(prescan("x = (a +\n     b + c)\n").deepest, 3);
        assert_eq!(prescan("x = f'{a+b+c}' + 'x'\n").deepest, 4);
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
        // What a string or a comment holds is no bracket and no
        // indentation, as for CPython's tokenizer; an f-string's `{…}` is
        // code.
        let text = format!("x = '{}'  # {}\n", "(".repeat(300), "[".repeat(300));
        assert!(parse(&text).errors.is_empty());
        let lines: String = (0..150)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect();
        assert!(parse(&format!("x = \"\"\"\n{lines}\"\"\"\n"))
            .errors
            .is_empty());
        let text = format!("x = f'{{{}1{}}}'\n", "(".repeat(300), ")".repeat(300));
        assert_eq!(
            parse(&text).errors[0].message,
            "too many nested parentheses"
        );
    }
}
