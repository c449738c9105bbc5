//! Printing diagnostics: human (like rustc and ruff, coloured on a
//! terminal), JSON, SARIF, GitHub workflow commands, GitLab Code Quality,
//! JUnit XML, and `--statistics`.

use std::collections::HashSet;

use serde_json::json;

use crate::analysis::{codes::Code, Diagnostic, Severity};
use crate::text::{Encoding, LineIndex};

/// One checked file and what was found in it.
pub struct FileReport {
    /// The name shown to the user (`plugin.zip!/MANIFEST` inside a zip).
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// How many fixes `--fix` applied to it (or `--diff` would apply).
    pub fixed: usize,
    /// With `--diff`: the text as it is on the disk, when the fixes change
    /// it (`text` is then the fixed text).
    pub original: Option<String>,
}

impl FileReport {
    pub fn new(name: String, text: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            name,
            text,
            diagnostics,
            fixed: 0,
            original: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Like rustc and ruff: the line and a caret under the range.
    Human,
    /// `{"diagnostics": [{"file", "line", "column", …}]}`.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Workflow commands: annotations in GitHub Actions.
    Github,
    /// GitLab's Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl Format {
    pub const NAMES: &'static str = "human, json, sarif, github, gitlab or junit";

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            "gitlab" => Some(Format::Gitlab),
            "junit" => Some(Format::Junit),
            _ => None,
        }
    }
}

/// How the report is printed besides its format.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// ANSI colours (human format and diffs only).
    pub color: bool,
    /// Only the diagnostics: no summary, no hints.
    pub quiet: bool,
    /// `--fix` ran: the summary says how many were fixed.
    pub fix: bool,
    /// `--unsafe-fixes`: unsafe fixes count as applicable.
    pub unsafe_fixes: bool,
}

/// ANSI styles, as ruff's and rustc's terminal output use them.
pub mod paint {
    pub const BOLD: &str = "\x1b[1m";
    pub const RED: &str = "\x1b[1;31m";
    pub const YELLOW: &str = "\x1b[1;33m";
    pub const GREEN: &str = "\x1b[1;32m";
    pub const CYAN: &str = "\x1b[36m";
    pub const BOLD_CYAN: &str = "\x1b[1;36m";
    pub const BLUE: &str = "\x1b[1;34m";
    pub const PLAIN_RED: &str = "\x1b[31m";
    pub const PLAIN_GREEN: &str = "\x1b[32m";
    pub const RESET: &str = "\x1b[0m";
}

/// `text` in `style` when colours are on.
pub fn paint(on: bool, style: &str, text: &str) -> String {
    if on && !text.is_empty() {
        format!("{style}{text}{}", paint::RESET)
    } else {
        text.to_string()
    }
}

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Error => paint::RED,
        Severity::Warning => paint::YELLOW,
        Severity::Info => paint::GREEN,
        Severity::Hint => paint::BOLD_CYAN,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, index: &LineIndex, offset: usize) -> (u32, u32) {
    let lc = index.line_col(text, offset.min(text.len()), Encoding::Utf32);
    (lc.line + 1, lc.col + 1)
}

/// Whether a diagnostic has a fix `--fix` applies (with `unsafe_fixes`,
/// also an unsafe one).
pub fn applicable(d: &Diagnostic, unsafe_fixes: bool) -> bool {
    d.fixes.iter().any(|f| f.applies_in_fix_all(unsafe_fixes))
}

pub fn render(reports: &[FileReport], format: Format, opts: Options) -> String {
    match format {
        Format::Human => human(reports, opts),
        Format::Json => {
            serde_json::to_string_pretty(&json_value(reports)).unwrap_or_default() + "\n"
        }
        Format::Sarif => serde_json::to_string_pretty(&sarif(reports)).unwrap_or_default() + "\n",
        Format::Github => github(reports),
        Format::Gitlab => serde_json::to_string_pretty(&gitlab(reports)).unwrap_or_default() + "\n",
        Format::Junit => junit(reports),
    }
}

fn human(reports: &[FileReport], opts: Options) -> String {
    let c = opts.color;
    let mut out = String::new();
    let (mut errors, mut warnings, mut others) = (0, 0, 0);
    let (mut fixable, mut unsafe_only) = (0, 0);
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => others += 1,
            }
            if applicable(d, opts.unsafe_fixes) {
                fixable += 1;
            } else if applicable(d, true) {
                unsafe_only += 1;
            }
            let (line, col) = position(&r.text, &index, d.range.start);
            let colon = paint(c, paint::CYAN, ":");
            let style = severity_style(d.severity);
            out.push_str(&format!(
                "{}{colon}{line}{colon}{col}{colon} {}{}: {}\n",
                paint(c, paint::BOLD, &r.name),
                paint(c, style, d.severity.as_str()),
                paint(c, style, &format!("[{}]", d.code)),
                d.message
            ));
            // The source line with a caret under the range.
            let start = index.line_start(line as usize - 1).unwrap_or(0);
            let end = crate::text::line_end(&r.text, start);
            let source = &r.text[start..end];
            let shown: String = source
                .chars()
                .take(200)
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let width = line.to_string().len();
            let span_end = d.range.end.min(end).max(d.range.start);
            let carets = r.text[d.range.start.min(end)..span_end]
                .chars()
                .count()
                .max(1);
            let bar = paint(c, paint::BLUE, "|");
            out.push_str(&format!("{:width$} {bar}\n", ""));
            out.push_str(&format!(
                "{} {bar} {shown}\n",
                paint(c, paint::BLUE, &line.to_string())
            ));
            out.push_str(&format!(
                "{:width$} {bar} {}{}\n",
                "",
                " ".repeat(col as usize - 1),
                paint(c, style, &"^".repeat(carets))
            ));
        }
    }
    if opts.quiet {
        return out;
    }
    if opts.fix {
        let fixed: usize = reports.iter().map(|r| r.fixed).sum();
        let files = reports.iter().filter(|r| r.fixed > 0).count();
        let remaining = errors + warnings + others;
        out.push_str(&format!(
            "fixed {fixed} problem{} in {files} file{}, {remaining} remaining\n",
            plural(fixed),
            plural(files)
        ));
    }
    if fixable > 0 {
        out.push_str(&format!(
            "{fixable} fixable with `--fix`{}\n",
            if opts.unsafe_fixes {
                " --unsafe-fixes"
            } else {
                ""
            }
        ));
    }
    if unsafe_only > 0 {
        out.push_str(&format!(
            "{unsafe_only} more fixable with `--fix --unsafe-fixes` (unsafe fixes: look at them before you keep them)\n"
        ));
    }
    let files = reports.len();
    out.push_str(&format!(
        "{errors} error{}, {warnings} warning{}, {others} note{} in {files} file{}\n",
        plural(errors),
        plural(warnings),
        plural(others),
        plural(files)
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn json_value(reports: &[FileReport]) -> serde_json::Value {
    let mut all = Vec::new();
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        for d in &r.diagnostics {
            let (line, column) = position(&r.text, &index, d.range.start);
            let (end_line, end_column) = position(&r.text, &index, d.range.end);
            all.push(json!({
                "file": r.name,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
                "url": d.code.doc_url(),
            }));
        }
    }
    json!({ "diagnostics": all })
}

/// A file name as SARIF wants it: absolute paths as `file://` URIs,
/// relative ones percent-encoded the same way, with forward slashes
/// (relative to where `check` ran, which is what GitHub code scanning
/// expects from a run at the repository root). The encoding is `url`'s.
fn artifact_uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let absolute = name.starts_with('/');
    let rooted = if absolute {
        name.to_string()
    } else {
        format!("/{name}")
    };
    match url::Url::from_file_path(&rooted) {
        Ok(u) if absolute => u.to_string(),
        Ok(u) => u.path().trim_start_matches('/').to_string(),
        Err(()) => name.to_string(),
    }
}

/// `manifest/missing-key` -> `ManifestMissingKey`: SARIF wants rule names
/// that differ from their ids.
fn rule_name(code: &str) -> String {
    code.split(['/', '-', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect()
}

fn sarif(reports: &[FileReport]) -> serde_json::Value {
    let mut rules: Vec<Code> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let mut results = Vec::new();
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        for d in &r.diagnostics {
            let (line, column) = position(&r.text, &index, d.range.start);
            let (end_line, end_column) = position(&r.text, &index, d.range.end);
            results.push(json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|c| *c == d.code),
                "level": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info | Severity::Hint => "note",
                },
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact_uri(&r.name) },
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        }
                    }
                }]
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sps-plugin-ls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules.iter().map(|c| json!({
                        "id": c.id,
                        "name": rule_name(c.id),
                        "shortDescription": { "text": c.summary },
                        "helpUri": c.doc_url(),
                    })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A file name for CI annotations: relative to the current folder (the
/// repository's root in CI) when it is inside it, `/`-separated.
fn ci_path(name: &str) -> String {
    let path = std::path::Path::new(name);
    let rel = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()))
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// A workflow command's message, escaped as GitHub's toolkit does.
fn github_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: `:` and `,` too.
fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one per diagnostic:
/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
/// Columns are given only for a range on one line (GitHub ignores them
/// otherwise).
fn github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        let file = github_property(&ci_path(&r.name));
        for d in &r.diagnostics {
            let (line, col) = position(&r.text, &index, d.range.start);
            let (end_line, end_col) = position(&r.text, &index, d.range.end);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let columns = if line == end_line {
                format!(",col={col},endColumn={end_col}")
            } else {
                String::new()
            };
            out.push_str(&format!(
                "::{level} file={file},line={line}{columns},endLine={end_line},title={}::{}\n",
                github_property(&format!("sps-plugin-ls: {}", d.code)),
                github_data(&d.message)
            ));
        }
    }
    out
}

/// FNV-1a, 128 bits: a hash that is the same on every machine and run.
fn fnv128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

/// GitLab's Code Quality report (`artifacts: reports: codequality`). The
/// fingerprint hashes the file, the code and the text of the line (not
/// its number, so that an edit above does not make it a new problem); a
/// second identical one gets the next free hash.
fn gitlab(reports: &[FileReport]) -> serde_json::Value {
    let mut seen: HashSet<u128> = HashSet::new();
    let mut all = Vec::new();
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        let path = ci_path(&r.name);
        for d in &r.diagnostics {
            let (line, _) = position(&r.text, &index, d.range.start);
            let (end_line, _) = position(&r.text, &index, d.range.end);
            let start = index.line_start(line as usize - 1).unwrap_or(0);
            let line_text = &r.text[start..crate::text::line_end(&r.text, start)];
            let key = format!("{path}\0{}\0{}", d.code, line_text.trim());
            let mut hash = fnv128(key.as_bytes());
            let mut n = 0u32;
            while !seen.insert(hash) {
                n += 1;
                hash = fnv128(format!("{key}\0{n}").as_bytes());
            }
            all.push(json!({
                "description": d.message,
                "check_name": d.code,
                "fingerprint": format!("{hash:032x}"),
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info | Severity::Hint => "info",
                },
                "location": {
                    "path": path,
                    "lines": { "begin": line, "end": end_line },
                },
            }));
        }
    }
    serde_json::Value::Array(all)
}

/// JUnit XML (written by `quick-junit`, as nextest writes it): one
/// testsuite per checked file, one failing testcase per diagnostic
/// (whatever its severity: a CI shows failures, and `--exit-zero` or the
/// exit status decide whether the job fails), and one passing testcase for
/// a file with none.
fn junit(reports: &[FileReport]) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("sps-plugin-ls");
    for r in reports {
        // Built for a file with findings only.
        let index = std::cell::LazyCell::new(|| LineIndex::new(&r.text));
        let mut suite = TestSuite::new(&r.name);
        if r.diagnostics.is_empty() {
            let mut case = TestCase::new("no problems", TestCaseStatus::success());
            case.set_classname(&r.name);
            case.extra.insert("file".into(), r.name.as_str().into());
            suite.add_test_case(case);
        }
        for d in &r.diagnostics {
            let (line, col) = position(&r.text, &index, d.range.start);
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(&d.message)
                .set_type(d.severity.as_str())
                .set_description(format!(
                    "{}:{line}:{col}: {}[{}]: {}",
                    r.name,
                    d.severity.as_str(),
                    d.code,
                    d.message
                ));
            let mut case = TestCase::new(format!("{} at {line}:{col}", d.code), status);
            case.set_classname(&r.name);
            case.extra.insert("file".into(), r.name.as_str().into());
            case.extra.insert("line".into(), line.to_string().into());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let mut xml = report.to_string().unwrap_or_default();
    if !xml.ends_with('\n') {
        xml.push('\n');
    }
    xml
}

/// `--statistics`: how many diagnostics of each code, the most frequent
/// first (then by code), as ruff prints them: count, code, `[*]` when some
/// of them have a fix `--fix` applies, and the code's summary. With
/// `--format json`, a list of `{code, count, fixable, summary, url}`.
pub fn statistics(reports: &[FileReport], json: bool, opts: Options) -> String {
    let mut rows: Vec<(Code, usize, bool)> = Vec::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        let fixable = applicable(d, opts.unsafe_fixes);
        match rows.iter_mut().find(|(c, _, _)| *c == d.code) {
            Some(row) => {
                row.1 += 1;
                row.2 |= fixable;
            }
            None => rows.push((d.code, 1, fixable)),
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, count, fixable)| {
                json!({
                    "code": code,
                    "count": count,
                    "fixable": fixable,
                    "summary": code.summary,
                    "url": code.doc_url(),
                })
            })
            .collect();
        return serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
    }
    let count_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(0);
    let code_width = rows.iter().map(|r| r.0.id.len()).max().unwrap_or(0);
    let any_fixable = rows.iter().any(|r| r.2);
    let mut out = String::new();
    for (code, count, fixable) in &rows {
        let marker = match (any_fixable, fixable) {
            (false, _) => String::new(),
            (true, true) => format!("{} ", paint(opts.color, paint::CYAN, "[*]")),
            (true, false) => "[ ] ".to_string(),
        };
        out.push_str(&format!(
            "{count:>count_width$}\t{}\t{marker}{}\n",
            paint(opts.color, paint::RED, &format!("{:<code_width$}", code.id)),
            code.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(github_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(github_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn junit_escapes_what_xml_cannot_hold() {
        let mut r = FileReport::new("a<&>.cfg".into(), "x\n".into(), Vec::new());
        r.name.push('\u{1}');
        let xml = junit(&[r]);
        assert!(xml.contains("name=\"a&lt;&amp;&gt;.cfg\""), "{xml}");
        assert!(!xml.contains('\u{1}'), "{xml}");
    }

    #[test]
    fn fnv128_is_the_published_function() {
        // The FNV-1a 128-bit hash of the empty string is its offset basis.
        assert_eq!(fnv128(b""), 0x6c62272e07bb014262b821756295c58d);
        assert_ne!(fnv128(b"a"), fnv128(b"b"));
    }
}
