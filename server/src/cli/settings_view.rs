//! `check --show-settings PATH`: the settings in effect for a path, as the
//! TOML of a configuration file that would give them, then which codes
//! they turn off there and which they re-grade.

use std::path::Path;

use crate::analysis::codes;
use crate::settings::{Level, Settings, Spanned};

fn list(items: &[Spanned]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_string(&s.text)).collect();
    format!("[{}]", quoted.join(", "))
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "info",
        Level::Hint => "hint",
    }
}

/// The settings `s` in effect for `shown` (`abs`: the same, absolute).
pub fn render(shown: &Path, abs: &Path, s: &Settings) -> String {
    let mut out = format!("# Settings in effect for {}\n", shown.display());
    match &s.file {
        Some(file) => out.push_str(&format!("# Configuration file: {}\n", file.display())),
        None => out.push_str("# Configuration file: none (the defaults)\n"),
    }
    if crate::settings::overrides().is_some_and(|o| !o.is_empty()) {
        out.push_str(
            "# With the command line's --select, --extend-select, --ignore and --config\n",
        );
    }
    out.push_str(&format!(
        "# Globs are relative to: {}\n\n",
        if s.root.as_os_str().is_empty() {
            ".".to_string()
        } else {
            s.root.display().to_string()
        }
    ));
    match &s.select {
        Some(select) => out.push_str(&format!("select = {}\n", list(select))),
        None => out.push_str("# select: not set (every code)\n"),
    }
    out.push_str(&format!("extend-select = {}\n", list(&s.extend_select)));
    out.push_str(&format!("ignore = {}\n", list(&s.ignore)));
    let globs: Vec<String> = s.exclude.iter().map(|g| toml_string(&g.text)).collect();
    out.push_str(&format!("exclude = [{}]\n", globs.join(", ")));
    out.push_str(&format!("target-sps = {}\n", list(&s.target_sps)));
    out.push_str("\n[per-file-ignores]\n");
    for (glob, codes) in &s.per_file_ignores {
        out.push_str(&format!("{} = {}\n", toml_string(&glob.text), list(codes)));
    }
    out.push_str("\n[severity]\n");
    for (code, l) in &s.severity {
        out.push_str(&format!(
            "{} = \"{}\"\n",
            toml_string(&code.text),
            level(*l)
        ));
    }
    let off: Vec<&str> = codes::ALL
        .iter()
        .filter(|c| !s.enabled(c.id, abs))
        .map(|c| c.id)
        .collect();
    out.push_str(&format!(
        "\n# Not reported here: {} of {} codes{}\n",
        off.len(),
        codes::ALL.len(),
        if off.is_empty() { "" } else { ":" }
    ));
    for id in off {
        out.push_str(&format!("#   {id}\n"));
    }
    if s.excludes(abs) {
        out.push_str("# Excluded: a folder walk skips this path (`exclude`)\n");
    }
    out
}
