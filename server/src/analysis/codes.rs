//! The registry of diagnostic codes: one constant per code, with its default
//! severity, a one-line summary and whether a fix comes with it. Every
//! diagnostic is made from one of these; the README's tables are checked
//! against [`ALL`] by a test, both ways.

use std::fmt;

use super::Severity;

/// A stable diagnostic code such as `manifest/missing-key`.
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// `family/name`; never changes once released.
    pub id: &'static str,
    /// The severity a diagnostic of this code has unless its rule says
    /// otherwise (a few codes have two, for a lesser and a worse case).
    pub severity: Severity,
    /// One line for tables and tools.
    pub summary: &'static str,
    /// Whether diagnostics of this code can come with a fix.
    pub has_fix: bool,
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(other.id)
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.id == *other
    }
}

/// The code with this id.
pub fn by_id(id: &str) -> Option<Code> {
    ALL.iter().copied().find(|c| c.id == id)
}

macro_rules! registry {
    ($( $family:ident { $( $name:ident = $id:literal, $severity:ident, $fix:literal, $summary:literal; )* } )*) => {
        $(
            pub mod $family {
                use super::Code;
                use crate::analysis::Severity;
                $(
                    pub const $name: Code = Code {
                        id: $id,
                        severity: Severity::$severity,
                        summary: $summary,
                        has_fix: $fix,
                    };
                )*
            }
        )*
        /// Every code, in the order of the README's tables.
        pub const ALL: &[Code] = &[ $( $( $family::$name, )* )* ];
    };
}

registry! {
    yaml {
        SYNTAX = "yaml/syntax", Error, true, "YAML syntax error: SPS rejects the file.";
    }
    manifest {
        EMPTY = "manifest/empty", Error, false, "The MANIFEST is empty.";
        NOT_A_MAPPING = "manifest/not-a-mapping", Error, false, "The document is not `key: value` lines.";
        MISSING_KEY = "manifest/missing-key", Error, true, "A required key is missing.";
        EMPTY_VALUE = "manifest/empty-value", Error, false, "A required key has no value.";
        DUPLICATE_KEY = "manifest/duplicate-key", Error, false, "A key appears twice.";
        UNKNOWN_KEY = "manifest/unknown-key", Warning, true, "SPS ignores the key.";
        INVALID_NAME = "manifest/invalid-name", Error, true, "`name` does not match `[a-zA-Z][a-zA-Z0-9_]+`.";
        INVALID_TYPE = "manifest/invalid-type", Error, true, "`type` is not a plugin type.";
        INVALID_VERSION = "manifest/invalid-version", Error, false, "`version` does not start with a digit.";
        INVALID_API = "manifest/invalid-api", Error, true, "`api` is not `1.Y` or `1.Y.Z`.";
        API_NEWER = "manifest/api-newer", Warning, false, "`api` is newer than the newest known API.";
        INVALID_ENTRY_POINT = "manifest/invalid-entry-point", Error, true, "`entry_point` is not a bare file name.";
        ENTRY_POINT_MISSING = "manifest/entry-point-missing", Error, false, "The entry point file does not exist.";
        ENTRY_POINT_SHEBANG = "manifest/entry-point-shebang", Warning, false, "The entry point's first line is not the pluginwrapper3 shebang.";
        INVALID_EMAIL = "manifest/invalid-email", Error, false, "`author_email` does not have the validator's format.";
        YAML11_READING = "manifest/yaml11-reading", Warning, true, "PyYAML reads the value differently from YAML 1.2.";
        NUMBER_CHANGES_TEXT = "manifest/number-changes-text", Warning, true, "An unquoted number does not keep what was written.";
    }
    file {
        TOO_LARGE = "file/too-large", Warning, false, "The file is over 16 MiB and is not analysed.";
        INVALID_UTF8 = "file/invalid-utf8", Error, false, "The file is not valid UTF-8.";
    }
    config {
        MISSING_SECTION_HEADER = "config/missing-section-header", Error, true, "Text before the first `[section]`.";
        NO_DELIMITER = "config/no-delimiter", Error, false, "A line with no `=` or `:`.";
        UNCLOSED_SECTION = "config/unclosed-section", Error, true, "`[name` without `]`.";
        EMPTY_OPTION_NAME = "config/empty-option-name", Error, false, "`=value` with no name.";
        DUPLICATE_SECTION = "config/duplicate-section", Error, false, "A section appears twice.";
        DUPLICATE_OPTION = "config/duplicate-option", Error, false, "An option appears twice in a section.";
        INTERPOLATION = "config/interpolation", Error, true, "A `%` that configparser cannot interpolate.";
        INVALID_BOOLEAN = "config/invalid-boolean", Error, true, "An SDK boolean that is not yes or no.";
        INVALID_INT = "config/invalid-int", Error, false, "Not a Python `int()`.";
        INVALID_FLOAT = "config/invalid-float", Error, false, "Not a Python `float()`.";
        INVALID_ENUM = "config/invalid-enum", Error, true, "Not one of the accepted values.";
        INVALID_PEM = "config/invalid-pem", Error, false, "Neither PEM nor `$` / `$[<trusted CA list>]`.";
        UNKNOWN_OPTION = "config/unknown-option", Warning, true, "The SDK does not read this option in its section.";
        MISSING_OPTION = "config/missing-option", Warning, false, "An SDK section lacks a required option.";
        WRONG_PLUGIN_TYPE_SECTION = "config/wrong-plugin-type-section", Warning, false, "A section of another plugin type.";
        SECTION_CASE = "config/section-case", Warning, true, "Section names are case-sensitive.";
        INLINE_COMMENT = "config/inline-comment", Warning, true, "configparser has no inline comments.";
        SWALLOWED_LINE = "config/swallowed-line", Warning, true, "An indented line is part of the value above.";
        PLACEHOLDER = "config/placeholder", Warning, false, "A template `<placeholder>` left in a value.";
        CREDENTIAL_STORE_MISSING = "config/credential-store-missing", Warning, true, "`$` without `[credential_store] name`.";
        SECTION_NOT_HOSTNAME = "config/section-not-hostname", Warning, true, "`$` in a section whose name is not a host name.";
        PROXY_ENABLED_IGNORED = "config/proxy-enabled-ignored", Warning, false, "`enabled` under `[https-proxy]` is ignored.";
        TEMPLATE_OPTION = "config/template-option", Info, true, "A commented-out option that would be wrong once uncommented.";
    }
    layout {
        MISSING_INIT = "layout/missing-init", Warning, false, "A folder of `.py` files without `__init__.py`.";
        SDK_BUNDLED = "layout/sdk-bundled", Error, false, "The Plugin SDK is inside the plugin.";
        TOO_LARGE = "layout/too-large", Error, false, "What would be zipped is too large.";
        CONFIGURATION_SYNC = "layout/configuration-sync", Info, false, "pluginv cannot package a configuration_sync plugin.";
    }
    python {
        SYNTAX_ERROR = "python/syntax-error", Error, false, "A syntax error in the plugin's code: SPS cannot import it.";
    }
    plugin {
        NO_PLUGIN_CLASS = "plugin/no-plugin-class", Error, false, "The entry point neither defines nor imports `Plugin`.";
        WRONG_BASE_CLASS = "plugin/wrong-base-class", Error, false, "The `Plugin` class's SDK base is of another plugin type.";
        NO_HOOKS = "plugin/no-hooks", Warning, false, "The `Plugin` class implements none of the hooks that decide.";
        HOOK_PARAMETERS = "plugin/hook-parameters", Error, false, "A `do_*` hook requires arguments the SDK never passes.";
        RAW_HOOK_SIGNATURE = "plugin/raw-hook-signature", Warning, false, "A hook SPS calls itself takes other parameters than SPS passes.";
    }
    import {
        MODULE_NOT_FOUND = "import/module-not-found", Error, false, "An import of a plugin module that is not in the plugin.";
        NAME_NOT_FOUND = "import/name-not-found", Error, false, "A plugin module does not define the imported name.";
        NOT_PROVIDED = "import/not-provided", Warning, false, "An import that nothing installs on SPS.";
    }
    sdk {
        NEEDS_NEWER_API = "sdk/needs-newer-api", Warning, true, "An SDK name newer than the MANIFEST's `api`.";
        UNKNOWN_NAME = "sdk/unknown-name", Error, false, "A name the SDK does not have.";
    }
    zip {
        NESTED = "zip/nested", Error, false, "MANIFEST sits in a folder of the .zip.";
        NO_MANIFEST = "zip/no-manifest", Error, false, "The .zip has no MANIFEST at its root.";
        TOO_LARGE = "zip/too-large", Error, false, "The .zip is 20 MiB or more.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code in the README's tables (the first cell of a row), in order.
    fn documented() -> Vec<String> {
        let readme = include_str!("../../../README.md");
        let mut codes = Vec::new();
        for line in readme.lines() {
            let Some(first) = line.strip_prefix('|').and_then(|l| l.split('|').next()) else {
                continue;
            };
            for part in first.split('`').skip(1).step_by(2) {
                if part.contains('/') && !part.contains(' ') {
                    codes.push(part.to_string());
                }
            }
        }
        codes
    }

    #[test]
    fn readme_documents_every_code_and_no_other() {
        let documented = documented();
        let registered: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        let undocumented: Vec<&&str> = registered
            .iter()
            .filter(|c| !documented.iter().any(|d| d == **c))
            .collect();
        let unregistered: Vec<&String> = documented
            .iter()
            .filter(|d| !registered.contains(&d.as_str()))
            .collect();
        assert!(
            undocumented.is_empty(),
            "codes with no README row: {undocumented:?}"
        );
        assert!(
            unregistered.is_empty(),
            "README rows with no code: {unregistered:?}"
        );
    }

    fn sources(dir: &std::path::Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// A fixture pins a message as `severity[code]: message`.
    #[test]
    fn every_code_has_a_test_pinning_its_message() {
        let mut text = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut text,
        );
        let unpinned: Vec<&str> = ALL
            .iter()
            .map(|c| c.id)
            .filter(|id| {
                !["error", "warning", "info", "hint"]
                    .iter()
                    .any(|s| text.contains(&format!("{s}[{id}]: ")))
            })
            .collect();
        assert!(
            unpinned.is_empty(),
            "codes no test pins a message of: {unpinned:?}"
        );
    }

    #[test]
    fn ids_are_unique_and_in_their_family() {
        let mut seen = std::collections::HashSet::new();
        for code in ALL {
            assert!(seen.insert(code.id), "{} registered twice", code.id);
            assert!(code
                .id
                .split_once('/')
                .is_some_and(|(f, n)| !f.is_empty() && !n.is_empty()));
            assert!(!code.summary.is_empty());
        }
    }
}
