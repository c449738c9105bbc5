//! Data-driven tests, as rust-analyzer writes them: a fixture is a small
//! plugin written inline, files introduced by `//- path` lines, a `$0`
//! marking the cursor where a feature needs one. Diagnostics are written as
//! caret annotations under the line they mark, so the fixture itself is the
//! expected output:
//!
//! ```text
//! //- MANIFEST
//! type: bogus
//! #     ^^^^^ error[manifest/invalid-type]: …
//! ```
//!
//! A fixture's first line may be a preset, `//- plugin: aa` (or
//! `//- plugin: credentialstore api 1.3`): a valid MANIFEST of that type and
//! api (1.9 when not given) and, unless the fixture has its own, a `main.py`
//! whose `Plugin` derives from the type's SDK class and defines a hook. The
//! preset's files are not written back, unless a diagnostic lands in one.
//!
//! A configuration file (`//- sps-plugin-ls.toml`, `//- pyproject.toml`) is
//! a file like the others: the plugin's files find it by walking up, and its
//! own diagnostics are annotated with `#`.
//!
//! Annotations begin with the file's comment character (`#`, or `;` in a
//! .cfg) unless the range starts in the first two columns; their first `^`
//! sits under the first character of the range. `UPDATE_EXPECT=1 cargo
//! test` rewrites them from what the analysis reports.

use std::path::{Path, PathBuf};

use expect_test::Expect;

use crate::analysis::{self, Context, Diagnostic, Edit};
use crate::text::TextRange;
use crate::workspace::{DocKind, MemoryFiles};

mod feature_checks;
pub(crate) use feature_checks::*;

/// The folder a fixture's files live in.
pub(crate) const ROOT: &str = "/plugin";

pub(crate) struct Fixture {
    /// (path relative to [`ROOT`], text), in the fixture's order.
    pub files: Vec<(String, String)>,
    /// The `//- ` lines as written: `//- big.bin [21000000 bytes]` makes a
    /// file of that many bytes, whose text is not written out.
    headers: Vec<String>,
    /// The file index and byte offset of `$0`, if there was one.
    pub cursor: Option<(usize, usize)>,
    /// The preset line (`plugin: aa`), whose files follow the fixture's own
    /// from index `preset_from`.
    preset: Option<String>,
    preset_from: usize,
}

/// The files a `plugin: TYPE [api X.Y]` preset stands for.
fn preset_files(preset: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = preset
        .strip_prefix("plugin:")
        .expect("a preset is `plugin: TYPE [api X.Y]`")
        .split_whitespace()
        .collect();
    let (plugin_type, api) = match words[..] {
        [t] => (t, "1.9"),
        [t, "api", api] => (t, api),
        _ => panic!("a preset is `plugin: TYPE [api X.Y]`: {preset}"),
    };
    let (base, hook) = match plugin_type {
        "credentialstore" => ("CredentialStorePlugin", "do_get_password_list"),
        _ => ("AAPlugin", "do_authorize"),
    };
    vec![
        (
            "MANIFEST".to_string(),
            format!("name: My_Plugin\ndescription: A plugin\nversion: '1.0.0'\ntype: {plugin_type}\napi: '{api}'\nentry_point: main.py\n"),
        ),
        (
            "main.py".to_string(),
            format!("#!/usr/bin/env pluginwrapper3\nfrom safeguard.sessions.plugin import {base}\nclass Plugin({base}):\n    def {hook}(self):\n        pass\n"),
        ),
    ]
}

impl Fixture {
    /// Reads a fixture, dropping its annotations and its `$0`.
    pub fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut headers = Vec::new();
        let mut cursor = None;
        let mut preset = None;
        for line in fixture.lines() {
            if let Some(header) = line.strip_prefix("//- plugin:") {
                assert!(files.is_empty(), "a preset comes first: {line}");
                preset = Some(format!("plugin:{header}"));
                continue;
            }
            if let Some(header) = line.strip_prefix("//- ") {
                headers.push(header.to_string());
                let (path, size) = match header.split_once(" [") {
                    Some((path, size)) => {
                        let size = size.trim_end_matches(" bytes]").parse::<usize>();
                        (path, Some(size.expect("`[N bytes]` after a fixture path")))
                    }
                    None => (header, None),
                };
                files.push((path.trim().to_string(), "x".repeat(size.unwrap_or(0))));
                continue;
            }
            if is_annotation(line) || line.starts_with("//! ") {
                continue;
            }
            let Some((_, text)) = files.last_mut() else {
                assert!(
                    line.trim().is_empty(),
                    "text before the first `//- path`: {line}"
                );
                continue;
            };
            if let Some(at) = line.find("$0") {
                cursor = Some((0, text.len() + at));
                text.push_str(&line.replace("$0", ""));
            } else {
                text.push_str(line);
            }
            text.push('\n');
        }
        if let Some((_, offset)) = cursor {
            let index = files
                .iter()
                .position(|(_, t)| t.len() >= offset)
                .unwrap_or(0);
            // The cursor belongs to the file being read when `$0` was seen.
            let index = cursor_file(fixture).unwrap_or(index);
            cursor = Some((index, offset));
        }
        let preset_from = files.len();
        if let Some(preset) = &preset {
            for (path, text) in preset_files(preset) {
                if !files.iter().any(|(p, _)| *p == path) {
                    headers.push(path.clone());
                    files.push((path, text));
                }
            }
        }
        Fixture {
            files,
            headers,
            cursor,
            preset,
            preset_from,
        }
    }

    pub fn path(&self, index: usize) -> PathBuf {
        Path::new(ROOT).join(&self.files[index].0)
    }

    pub fn memory_files(&self) -> MemoryFiles {
        let mut files = MemoryFiles::default();
        for (i, (_, text)) in self.files.iter().enumerate() {
            files.files.insert(self.path(i), text.clone().into_bytes());
        }
        files
    }

    /// The file holding the cursor, its text and the cursor's offset.
    pub fn cursor(&self) -> (PathBuf, &str, usize) {
        let (index, offset) = self.cursor.expect("the fixture has no `$0`");
        (self.path(index), &self.files[index].1, offset)
    }
}

/// Which file (by index) holds `$0`.
fn cursor_file(fixture: &str) -> Option<usize> {
    let mut index: Option<usize> = None;
    for line in fixture.lines() {
        if line.starts_with("//- ") && !line.starts_with("//- plugin:") {
            index = Some(index.map_or(0, |i| i + 1));
        } else if line.contains("$0") {
            return index;
        }
    }
    None
}

fn is_annotation(line: &str) -> bool {
    let rest = line.trim_start();
    let rest = rest
        .strip_prefix('#')
        .or_else(|| rest.strip_prefix(';'))
        .unwrap_or(rest)
        .trim_start();
    let Some(after) = rest.strip_prefix('^') else {
        return false;
    };
    let after = after.trim_start_matches('^');
    ["error[", "warning[", "info[", "hint["]
        .iter()
        .any(|s| after.strip_prefix(' ').is_some_and(|a| a.starts_with(s)))
}

fn comment_marker(path: &str) -> char {
    if path.ends_with(".cfg") || path.ends_with(".cfg.plugin") {
        ';'
    } else {
        '#'
    }
}

/// The diagnostics of every file of the fixture whose kind the server knows.
pub(crate) fn diagnostics(fixture: &Fixture) -> Vec<Vec<Diagnostic>> {
    let files = fixture.memory_files();
    (0..fixture.files.len())
        .map(|i| {
            let path = fixture.path(i);
            let cx = Context::new(&path, &files);
            // An instance configuration is known by the fixture's settings.
            let Some(kind) = analysis::plugin::document_kind(&path, &files, cx.settings()) else {
                return Vec::new();
            };
            analysis::analyze(kind, &fixture.files[i].1, &cx)
        })
        .collect()
}

/// The fixture written back with an annotation for every diagnostic.
pub(crate) fn render(fixture: &Fixture, diagnostics: &[Vec<Diagnostic>]) -> String {
    let mut out = String::new();
    if let Some(preset) = &fixture.preset {
        out.push_str(&format!("//- {preset}\n"));
    }
    for (i, (path, text)) in fixture.files.iter().enumerate() {
        if i >= fixture.preset_from && diagnostics[i].is_empty() {
            continue;
        }
        out.push_str("//- ");
        out.push_str(&fixture.headers[i]);
        out.push('\n');
        let marker = comment_marker(path);
        if fixture.headers[i].contains(" [") {
            for d in &diagnostics[i] {
                out.push_str(&annotation(text, 0, "", d, marker));
                out.push('\n');
            }
            continue;
        }
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let line_end = line_start + line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            out.push_str(content);
            out.push('\n');
            for d in &diagnostics[i] {
                let start = d.range.start;
                let on_this_line = start >= line_start
                    && (start < line_end || (start == line_end && line_end == text.len()));
                if !on_this_line {
                    continue;
                }
                out.push_str(&annotation(text, line_start, content, d, marker));
                out.push('\n');
            }
            line_start = line_end;
        }
        // A diagnostic at the very end of a file that is empty or ends with
        // a newline has no line of its own.
        for d in &diagnostics[i] {
            if d.range.start == text.len() && (text.is_empty() || text.ends_with('\n')) {
                out.push_str(&annotation(text, text.len(), "", d, marker));
                out.push('\n');
            }
        }
    }
    out
}

fn annotation(
    text: &str,
    line_start: usize,
    content: &str,
    d: &Diagnostic,
    marker: char,
) -> String {
    let start = d.range.start - line_start;
    let column = content[..start.min(content.len())].chars().count();
    let line_end = line_start + content.len();
    let end = d.range.end.min(line_end).max(d.range.start);
    let width = text[d.range.start..end].chars().count().max(1);
    let mut s = String::new();
    if column >= 2 {
        s.push(marker);
        s.push_str(&" ".repeat(column - 1));
    } else {
        s.push_str(&" ".repeat(column));
    }
    s.push_str(&"^".repeat(width));
    s.push_str(&format!(
        " {}[{}]: {}",
        d.severity.as_str(),
        d.code.id,
        d.message
    ));
    if d.range.is_empty() {
        s.push_str(" (empty range)");
    } else if d.range.end > line_end {
        let line = text[..d.range.end].matches('\n').count() + 1;
        let col = text[..d.range.end]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1;
        s.push_str(&format!(" (to {line}:{col})"));
    }
    s
}

/// The text of an `expect![[...]]` without its leading newline and common
/// indentation, as expect-test compares it.
pub(crate) fn dedent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start_matches(' ')));
    }
    out
}

/// Checks the diagnostics of a fixture against the annotations it carries.
pub(crate) fn check_diagnostics(expect: Expect) {
    let fixture = Fixture::parse(&dedent(expect.data()));
    let diagnostics = diagnostics(&fixture);
    expect.assert_eq(&render(&fixture, &diagnostics));
    fixes_keep_crlf(&fixture, &diagnostics);
}

/// Every fix of the fixture's files does on the file with `\r\n` line ends
/// what it does with `\n`, line ends included: so every fixable code's
/// fixture runs again on CRLF text (issue 24: two fixes inserted bare `\n`
/// lines into CRLF files).
fn fixes_keep_crlf(fixture: &Fixture, diagnostics: &[Vec<Diagnostic>]) {
    // (code, title, the file's text after the fix's edits in it)
    fn fixed(text: &str, diags: &[Diagnostic]) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for d in diags {
            for f in &d.fixes {
                let own: Vec<Edit> = f
                    .edits
                    .iter()
                    .filter(|e| e.path.is_none())
                    .cloned()
                    .collect();
                out.push((d.code.id.to_string(), f.title.clone(), apply(text, &own)));
            }
        }
        out
    }
    for (i, diags) in diagnostics.iter().enumerate() {
        let lf = &fixture.files[i].1;
        if diags.iter().all(|d| d.fixes.is_empty()) || lf.contains('\r') || !lf.contains('\n') {
            continue;
        }
        let crlf = lf.replace('\n', "\r\n");
        let path = fixture.path(i);
        let mut files = fixture.memory_files();
        files.files.insert(path.clone(), crlf.clone().into_bytes());
        let Some(kind) = DocKind::detect(&path, &files) else {
            continue;
        };
        let cx = Context::new(&path, &files);
        let on_crlf = fixed(&crlf, &analysis::analyze(kind, &crlf, &cx));
        let expected: Vec<(String, String, String)> = fixed(lf, diags)
            .into_iter()
            .map(|(c, t, text)| (c, t, text.replace('\n', "\r\n")))
            .collect();
        assert_eq!(
            on_crlf,
            expected,
            "the fixes of {} on CRLF text",
            path.display()
        );
    }
}

/// The text with non-overlapping edits applied.
pub(crate) fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.range.start..e.range.end, &e.new_text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn annotations_are_dropped_and_the_cursor_found() {
        let f = Fixture::parse(
            "//- MANIFEST\nname: x\n#     ^ error[a/b]: m\n//- default.cfg\n[a]\nk=$0v\n",
        );
        assert_eq!(f.files[0].1, "name: x\n");
        assert_eq!(f.files[1].1, "[a]\nk=v\n");
        assert_eq!(f.cursor, Some((1, 6)));
    }

    #[test]
    fn a_clean_fixture_renders_as_written() {
        check_diagnostics(expect![[r#"
            //- MANIFEST
            name: Hello
            description: Says hello
            version: '1.0'
            type: aa
            api: '1.9'
            entry_point: main.py
            //- main.py
            #!/usr/bin/env pluginwrapper3
            from safeguard.sessions.plugin import AAPlugin
            class Plugin(AAPlugin):
            #     ^^^^^^ warning[plugin/no-hooks]: `Plugin` defines neither `do_authenticate` nor `do_authorize`, so the SDK accepts every connection: implement one of them
                pass
        "#]]);
    }
}
