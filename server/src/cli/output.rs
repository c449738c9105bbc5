//! Printing diagnostics: human (like rustc and ruff), JSON and SARIF.

use serde_json::json;

use crate::analysis::{Diagnostic, Severity};
use crate::text::{Encoding, LineIndex};

/// One checked file and what was found in it.
pub struct FileReport {
    /// The name shown to the user (`plugin.zip!/MANIFEST` inside a zip).
    pub name: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, index: &LineIndex, offset: usize) -> (u32, u32) {
    let lc = index.line_col(text, offset, Encoding::Utf32);
    (lc.line + 1, lc.col + 1)
}

pub fn render(reports: &[FileReport], format: Format) -> String {
    match format {
        Format::Human => human(reports),
        Format::Json => {
            serde_json::to_string_pretty(&json_value(reports)).unwrap_or_default() + "\n"
        }
        Format::Sarif => serde_json::to_string_pretty(&sarif(reports)).unwrap_or_default() + "\n",
    }
}

fn human(reports: &[FileReport]) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings, mut others) = (0, 0, 0);
    for r in reports {
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => others += 1,
            }
            let (line, col) = position(&r.text, &index, d.range.start);
            out.push_str(&format!(
                "{}:{line}:{col}: {}[{}]: {}\n",
                r.name,
                d.severity.as_str(),
                d.code,
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
            out.push_str(&format!("{:width$} |\n", ""));
            out.push_str(&format!("{line} | {shown}\n"));
            out.push_str(&format!(
                "{:width$} | {}{}\n",
                "",
                " ".repeat(col as usize - 1),
                "^".repeat(carets)
            ));
        }
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
        let index = LineIndex::new(&r.text);
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
            }));
        }
    }
    json!({ "diagnostics": all })
}

/// A file name as SARIF wants it: absolute paths as `file://` URIs,
/// relative ones with forward slashes (relative to where `check` ran, which
/// is what GitHub code scanning expects from a run at the repository root).
fn artifact_uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let escaped: String = name
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '#' => "%23".to_string(),
            '?' => "%3F".to_string(),
            '%' => "%25".to_string(),
            c => c.to_string(),
        })
        .collect();
    if escaped.starts_with('/') {
        format!("file://{escaped}")
    } else {
        escaped
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
    let mut rules: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code.id))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let mut results = Vec::new();
    for r in reports {
        let index = LineIndex::new(&r.text);
        for d in &r.diagnostics {
            let (line, column) = position(&r.text, &index, d.range.start);
            let (end_line, end_column) = position(&r.text, &index, d.range.end);
            results.push(json!({
                "ruleId": d.code,
                "ruleIndex": rules.iter().position(|c| *c == d.code.id),
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
                    "informationUri": "https://github.com/sps-plugin-ls/sps-plugin-ls",
                    "rules": rules.iter().map(|c| json!({ "id": c, "name": rule_name(c) })).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}
