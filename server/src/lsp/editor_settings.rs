//! The settings the editor gives (`initializationOptions`, the
//! `spsPluginLs` section of `workspace/configuration`, the settings of
//! `workspace/didChangeConfiguration`): the configuration file's keys, in
//! their TOML spelling or camelCase (`extend-select` or `extendSelect`),
//! read by the configuration file's own reader into the same [`Settings`],
//! plus the server's own `diagnostics.scope`. A configuration file found
//! for a document wins where both set a key ([`Settings::over`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::settings::{self, ProblemKind, Settings};

/// Which documents get diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Only the documents open in the editor.
    Open,
    /// Every plugin document under the workspace folders, open or not.
    #[default]
    Workspace,
}

/// The editor's settings for one workspace folder (or for all of them).
#[derive(Clone, Debug, Default)]
pub struct EditorSettings {
    /// The checker's settings; none when the editor sets none.
    pub settings: Option<Arc<Settings>>,
    pub scope: Scope,
    /// What could not be read, for the log.
    pub problems: Vec<String>,
}

/// Keys of the section that belong to the editor's client, not to the
/// server (VS Code's `server.path`, `trace.server`).
const CLIENT_KEYS: [&str; 2] = ["server", "trace"];

/// Reads the editor's settings; globs are relative to `root` (the
/// workspace folder) unless a configuration file is found.
pub fn read(value: &Value, root: &Path) -> EditorSettings {
    let mut out = EditorSettings::default();
    let Some(object) = value.as_object() else {
        if !value.is_null() {
            out.problems
                .push("the settings are not an object; they are ignored".into());
        }
        return out;
    };
    let mut toml = String::new();
    for (key, v) in object {
        if CLIENT_KEYS.contains(&key.as_str()) || v.is_null() {
            continue;
        }
        if key == "diagnostics" || key == "diagnostics.scope" {
            let scope = if key == "diagnostics" { &v["scope"] } else { v };
            match scope.as_str() {
                Some("open") => out.scope = Scope::Open,
                Some("workspace") => out.scope = Scope::Workspace,
                None if scope.is_null() => {}
                _ => out.problems.push(format!(
                    "`diagnostics.scope` is `\"open\"` or `\"workspace\"`, not {scope}; \
                     `\"workspace\"` is used"
                )),
            }
            continue;
        }
        let key = kebab(key);
        match toml_value(v) {
            Some(t) => toml.push_str(&format!("{} = {t}\n", string(&key))),
            None => out
                .problems
                .push(format!("`{key}` holds a null; it is left out")),
        }
    }
    if toml.is_empty() {
        return out;
    }
    let Some(mut s) = settings::parse(&toml, false) else {
        return out;
    };
    for p in std::mem::take(&mut s.problems) {
        let line_start = toml[..p.range.start].rfind('\n').map_or(0, |i| i + 1);
        let key = toml[line_start..]
            .split(" = ")
            .next()
            .unwrap_or("")
            .trim_matches('"');
        out.problems.push(match p.kind {
            ProblemKind::UnknownKey(k) => format!(
                "`{k}` is not a setting of sps-plugin-ls, which ignores it (the settings are {}, \
                 diagnostics.scope)",
                settings::KEYS.join(", ")
            ),
            _ => format!("setting `{key}`: {}", p.message),
        });
    }
    s.root = root.to_path_buf();
    out.settings = Some(Arc::new(s));
    out
}

/// `extendSelect` → `extend-select`; a key already in TOML's spelling is
/// kept.
fn kebab(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A JSON string as a TOML basic string: JSON's escapes are all TOML's.
fn string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// A JSON value as a TOML value (objects as inline tables); none for a
/// null anywhere in it.
fn toml_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let items: Option<Vec<String>> = items.iter().map(toml_value).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Object(map) => {
            let entries: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| Some(format!("{} = {}", string(k), toml_value(v)?)))
                .collect();
            format!("{{ {} }}", entries?.join(", "))
        }
    })
}

/// The editor's settings as the server holds them: the global ones and,
/// from `workspace/configuration`, each folder's.
#[derive(Clone, Debug, Default)]
pub struct EditorConfig {
    pub global: EditorSettings,
    /// By workspace folder; the longest folder holding a path applies.
    pub folders: Vec<(PathBuf, EditorSettings)>,
}

impl EditorConfig {
    pub fn for_path(&self, path: &Path) -> &EditorSettings {
        self.folders
            .iter()
            .filter(|(f, _)| path.starts_with(f))
            .max_by_key(|(f, _)| f.as_os_str().len())
            .map_or(&self.global, |(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn camel_case_and_toml_keys_read_as_the_file_reads_them() {
        let e = read(
            &json!({
                "ignore": ["layout"],
                "extendSelect": ["config"],
                "severity": { "config/inline-comment": "error" },
                "per-file-ignores": { "legacy/**": ["config"] },
                "targetSps": "6.0",
                "diagnostics": { "scope": "open" },
                "server": { "path": "/x" },
                "trace": { "server": "off" },
            }),
            Path::new("/w"),
        );
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        assert_eq!(e.scope, Scope::Open);
        let s = e.settings.unwrap();
        assert_eq!(s.ignore[0].text, "layout");
        assert_eq!(s.extend_select[0].text, "config");
        assert_eq!(s.target_sps[0].text, "6.0");
        assert!(!s.enabled("config/x", Path::new("/w/legacy/a/default.cfg")));
        assert_eq!(
            s.severity("config/inline-comment"),
            Some(settings::Level::Error)
        );
    }

    #[test]
    fn vs_codes_defaults_read_as_nothing_set() {
        // What VS Code answers for the section when the user set nothing.
        let e = read(
            &json!({
                "select": null, "extendSelect": [], "ignore": [], "perFileIgnores": {},
                "severity": {}, "exclude": [], "targetSps": null,
                "diagnostics": { "scope": "workspace" },
                "server": { "path": "", "extraArgs": [] }, "trace": { "server": "off" },
            }),
            Path::new("/w"),
        );
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        let s = e.settings.unwrap();
        assert!(s.select.is_none() && s.ignore.is_empty() && s.severity.is_empty());
        assert!(s.enabled("config/x", Path::new("/w/p/default.cfg")));
    }

    #[test]
    fn problems_are_reported_not_fatal() {
        let e = read(
            &json!({ "ignore": "layout", "colour": 1, "diagnostics": { "scope": "all" }, "select": [null] }),
            Path::new("/w"),
        );
        assert_eq!(e.scope, Scope::Workspace);
        assert_eq!(e.problems.len(), 4, "{:?}", e.problems);
        assert!(e.problems.iter().any(|p| p.contains("`colour`")));
        assert!(e.settings.is_some());
        assert!(read(&Value::Null, Path::new("/w")).settings.is_none());
    }

    #[test]
    fn the_longest_folder_applies() {
        let mut c = EditorConfig::default();
        c.global.scope = Scope::Open;
        c.folders.push(("/w".into(), EditorSettings::default()));
        assert_eq!(
            c.for_path(Path::new("/w/p/MANIFEST")).scope,
            Scope::Workspace
        );
        assert_eq!(c.for_path(Path::new("/v/MANIFEST")).scope, Scope::Open);
    }
}
