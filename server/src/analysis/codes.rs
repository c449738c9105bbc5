//! The registry of diagnostic codes: one constant per code, with its default
//! severity, a one-line summary and whether its fixes are safe. Every
//! diagnostic is made from one of these; the tables of docs/checks.md and
//! docs/configuration.md are checked against [`ALL`] by a test, both ways.

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
    /// Whether diagnostics of this code can come with a fix, and whether
    /// `check --fix` may apply it without being asked for unsafe fixes.
    pub fix: Fixable,
}

/// Whether a code's diagnostics come with fixes, and how far those fixes
/// can be trusted (ruff's fix safety). A fix is **safe** when it cannot
/// change what the plugin means beyond the repair the message names
/// (quoting a YAML number, `key=value` → `key: value`, `%` → `%%`); it is
/// **unsafe** when it guesses (a misspelt name to the nearest known one),
/// fills in placeholder values, or may change what the plugin's own code
/// reads. A rule may mark one of its fixes otherwise than its code's
/// default (see [`Diagnostic::with_fix_as`](super::Diagnostic::with_fix_as)),
/// and says why where it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fixable {
    /// No diagnostic of this code comes with a fix.
    No,
    /// Fixes are safe: `check --fix` applies them.
    Safe,
    /// Fixes need a human's look: only `check --fix --unsafe-fixes`.
    Unsafe,
}

/// How far one fix can be trusted; see [`Fixable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Fixable {
    /// The applicability of this code's fixes, if it has any.
    pub fn applicability(self) -> Option<Applicability> {
        match self {
            Fixable::No => None,
            Fixable::Safe => Some(Applicability::Safe),
            Fixable::Unsafe => Some(Applicability::Unsafe),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Fixable::No => "none",
            Fixable::Safe => "safe",
            Fixable::Unsafe => "unsafe",
        }
    }
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Where the rules are documented, one anchor per code: `docs/rules.md` of
/// the repository (generated from [`ALL`] and the tables of docs/ by a test
/// in this file), on its main branch.
pub const RULES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

impl Code {
    /// The anchor of this code in `docs/rules.md`: `manifest-unknown-key`.
    pub fn anchor(&self) -> String {
        self.id.replace('/', "-")
    }

    /// The documentation of this code, for `codeDescription.href` in the
    /// server and `helpUri` in SARIF.
    pub fn doc_url(&self) -> String {
        format!("{RULES_URL}#{}", self.anchor())
    }
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

/// Whether `s` is a registered code or the family of one (`config`).
pub fn is_known(s: &str) -> bool {
    selectors().any(|k| k == s)
}

/// Every code, then every family, as configuration and suppressions name
/// them.
pub fn selectors() -> impl Iterator<Item = &'static str> {
    let mut families: Vec<&'static str> =
        ALL.iter().filter_map(|c| c.id.split('/').next()).collect();
    families.dedup();
    ALL.iter().map(|c| c.id).chain(families)
}

macro_rules! registry {
    ($( $family:ident { $( $name:ident = $id:literal, $severity:ident, $fix:ident, $summary:literal; )* } )*) => {
        $(
            pub mod $family {
                use super::{Code, Fixable};
                use crate::analysis::Severity;
                $(
                    pub const $name: Code = Code {
                        id: $id,
                        severity: Severity::$severity,
                        summary: $summary,
                        fix: Fixable::$fix,
                    };
                )*
            }
        )*
        /// Every code, in the order of the tables of docs/checks.md and docs/configuration.md.
        pub const ALL: &[Code] = &[ $( $( $family::$name, )* )* ];
    };
}

registry! {
    yaml {
        // `key=value` → `key: value` and quoting a value that holds `: `
        // write what the line already says, in YAML.
        SYNTAX = "yaml/syntax", Error, Safe, "YAML syntax error: SPS rejects the file.";
    }
    manifest {
        // Adds the required keys with placeholder values.
        EMPTY = "manifest/empty", Error, Unsafe, "The MANIFEST is empty.";
        NOT_A_MAPPING = "manifest/not-a-mapping", Error, No, "The document is not `key: value` lines.";
        // Adds keys with placeholder values (a name from the folder, `aa`).
        MISSING_KEY = "manifest/missing-key", Error, Unsafe, "A required key is missing.";
        EMPTY_VALUE = "manifest/empty-value", Error, No, "A required key has no value.";
        DUPLICATE_KEY = "manifest/duplicate-key", Error, No, "A key appears twice.";
        // Renames the key to a guess.
        UNKNOWN_KEY = "manifest/unknown-key", Warning, Unsafe, "SPS ignores the key.";
        // A new name is a new plugin to SPS.
        INVALID_NAME = "manifest/invalid-name", Error, Unsafe, "`name` does not match `[a-zA-Z][a-zA-Z0-9_]+`.";
        // Changes the type to a guess.
        INVALID_TYPE = "manifest/invalid-type", Error, Unsafe, "`type` is not a plugin type.";
        INVALID_VERSION = "manifest/invalid-version", Error, No, "`version` does not start with a digit.";
        INVALID_API = "manifest/invalid-api", Error, No, "`api` is not `1.Y` or `1.Y.Z`.";
        API_NEWER = "manifest/api-newer", Warning, No, "`api` is newer than the newest known API.";
        // `src/main.py` → `main.py` names another file than the one written.
        INVALID_ENTRY_POINT = "manifest/invalid-entry-point", Error, Unsafe, "`entry_point` is not a bare file name.";
        // Points at the most similar `.py` file, a guess.
        ENTRY_POINT_MISSING = "manifest/entry-point-missing", Error, Unsafe, "The entry point file does not exist.";
        ENTRY_POINT_SHEBANG = "manifest/entry-point-shebang", Warning, No, "The entry point's first line is not the pluginwrapper3 shebang.";
        INVALID_EMAIL = "manifest/invalid-email", Error, No, "`author_email` does not have the validator's format.";
        API_NEWER_THAN_TARGET = "manifest/api-newer-than-target", Error, No, "`api` is newer than the API of a release `target-sps` names.";
        INVALID_SCB_VERSION = "manifest/invalid-scb-version", Warning, No, "`scb_min_version` / `scb_max_version` is not an SPS version.";
        SCB_VERSION_EXCLUDES_TARGET = "manifest/scb-version-excludes-target", Error, No, "`scb_min_version` / `scb_max_version` keeps the plugin off a release `target-sps` names.";
        SCB_VERSION_RANGE_EMPTY = "manifest/scb-version-range-empty", Error, No, "`scb_min_version` is above `scb_max_version`.";
        // Quoting keeps the text as written, which YAML 1.2 (the
        // documented reading) already gives.
        YAML11_READING = "manifest/yaml11-reading", Warning, Safe, "PyYAML reads the value differently from YAML 1.2.";
        // Quoting keeps the text as written.
        NUMBER_CHANGES_TEXT = "manifest/number-changes-text", Warning, Safe, "An unquoted number does not keep what was written.";
    }
    file {
        TOO_LARGE = "file/too-large", Warning, No, "The file is over 16 MiB and is not analysed.";
        INVALID_UTF8 = "file/invalid-utf8", Error, No, "The file is not valid UTF-8.";
        ENCODING = "file/encoding", Error, No, "A `.py` file's coding cookie names a codec CPython lacks or sps-plugin-ls does not decode, or a byte outside it.";
    }
    config {
        // Commenting the line out drops what it says (removing a
        // byte-order mark is safe and marked so where it is made).
        MISSING_SECTION_HEADER = "config/missing-section-header", Error, Unsafe, "Text before the first `[section]`.";
        // Commenting the line out drops what it says.
        NO_DELIMITER = "config/no-delimiter", Error, Unsafe, "A line with no `=` or `:`.";
        // Adding the `]` the line lacks; `[]` is commented out, which
        // drops nothing.
        UNCLOSED_SECTION = "config/unclosed-section", Error, Safe, "`[name` without `]`.";
        // Commenting the line out drops its value.
        EMPTY_OPTION_NAME = "config/empty-option-name", Error, Unsafe, "`=value` with no name.";
        DUPLICATE_SECTION = "config/duplicate-section", Error, No, "A section appears twice.";
        DUPLICATE_OPTION = "config/duplicate-option", Error, No, "An option appears twice in a section.";
        // `%` → `%%` reads as the `%` written (a `%(name)s` whose option is
        // missing is marked unsafe where it is made: it may be meant).
        INTERPOLATION = "config/interpolation", Error, Safe, "A `%` that configparser cannot interpolate.";
        // `true` → `yes` is the same boolean in the SDK's spelling;
        // moving an inline comment out leaves the value written.
        INVALID_BOOLEAN = "config/invalid-boolean", Error, Safe, "An SDK boolean that is not yes or no.";
        // Only the inline-comment fix: the value is left as written.
        INVALID_INT = "config/invalid-int", Error, Safe, "Not a Python `int()`.";
        // Only the inline-comment fix: the value is left as written.
        INVALID_FLOAT = "config/invalid-float", Error, Safe, "Not a Python `float()`.";
        // The nearest accepted value is a guess (moving an inline comment
        // out is marked safe where it is made).
        INVALID_ENUM = "config/invalid-enum", Error, Unsafe, "Not one of the accepted values.";
        // Only the inline-comment fix: the value is left as written.
        INVALID_PEM = "config/invalid-pem", Error, Safe, "Neither PEM nor `$` / `$[<trusted CA list>]`.";
        // Renames the option to a guess.
        UNKNOWN_OPTION = "config/unknown-option", Warning, Unsafe, "The SDK does not read this option in its section.";
        // Adds the option with an empty value.
        MISSING_OPTION = "config/missing-option", Warning, Unsafe, "An SDK section lacks a required option.";
        WRONG_PLUGIN_TYPE_SECTION = "config/wrong-plugin-type-section", Warning, No, "A section of another plugin type.";
        // The plugin's own code may read the section under the name written.
        SECTION_CASE = "config/section-case", Warning, Unsafe, "Section names are case-sensitive.";
        // The value loses only the comment configparser wrongly kept in it.
        INLINE_COMMENT = "config/inline-comment", Warning, Safe, "configparser has no inline comments.";
        // The value above may be meant to span the lines.
        SWALLOWED_LINE = "config/swallowed-line", Warning, Unsafe, "An indented line is part of the value above.";
        // Commenting the line out drops the option.
        PLACEHOLDER = "config/placeholder", Warning, Unsafe, "A template `<placeholder>` left in a value.";
        TRUSTED_CA_LIST_ELSEWHERE = "config/trusted-ca-list-elsewhere", Warning, No, "`$[<name>]` where no CA certificates are read.";
        // Adds `name=` with no value.
        CREDENTIAL_STORE_MISSING = "config/credential-store-missing", Warning, Unsafe, "`$` without `[credential_store] name`.";
        // The plugin's own code may read the section under the name written.
        SECTION_NOT_HOSTNAME = "config/section-not-hostname", Warning, Unsafe, "`$` in a section whose name is not a host name.";
        PROXY_ENABLED_IGNORED = "config/proxy-enabled-ignored", Warning, No, "`enabled` under `[https-proxy]` is ignored.";
        // Renames the section to the name the declared API reads, or none.
        SECTION_NEEDS_NEWER_API = "config/section-needs-newer-api", Warning, Unsafe, "An SDK section the MANIFEST's `api` does not read yet.";
        // Renames the option to the nearest one the code reads, a guess.
        UNREAD_OPTION = "config/unread-option", Warning, Unsafe, "An option of a plugin section that the code never reads.";
        // Renames the section to the nearest one read, a guess.
        UNREAD_SECTION = "config/unread-section", Warning, Unsafe, "A section neither the SDK nor the code reads.";
        // Adds a commented `; option=<value>` line to fill in.
        MISSING_REQUIRED = "config/missing-required", Warning, Unsafe, "An option the code requires is neither set nor documented.";
        EMPTY_REQUIRED = "config/empty-required", Warning, No, "An option the code requires is shipped empty.";
        REQUIRED_MISSING = "config/required-missing", Error, No, "An instance configuration leaves an option the code requires unset or empty.";
        EMPTY_NOT_NONE = "config/empty-not-none", Warning, No, "An option shipped empty where the code tests for `None`.";
        SDK_SECTION_LOOK_ALIKE = "config/sdk-section-look-alike", Warning, No, "An option of an SDK section that the plugin reads from a look-alike section of its own.";
        COMMENT_DIFFERS = "config/comment-differs", Info, No, "The comment above an option says otherwise than the code that reads it.";
        // Replaces documented text, which may be an example meant as one.
        DEFAULT_DIFFERS = "config/default-differs", Info, Unsafe, "A documented default differs from the code's.";
        // Uncommenting turns an option on.
        TEMPLATE_OPTION = "config/template-option", Info, Unsafe, "A commented-out option that would be wrong once uncommented.";
    }
    layout {
        MISSING_INIT = "layout/missing-init", Warning, No, "A folder of `.py` files without `__init__.py`.";
        SDK_BUNDLED = "layout/sdk-bundled", Error, No, "The Plugin SDK is inside the plugin.";
        TOO_LARGE = "layout/too-large", Error, No, "What would be zipped is too large.";
        CONFIGURATION_SYNC = "layout/configuration-sync", Info, No, "pluginv cannot package a configuration_sync plugin.";
        NAME_NOT_UTF8 = "layout/name-not-utf8", Error, No, "A file or folder name in the plugin is not UTF-8.";
    }
    settings {
        SYNTAX = "settings/syntax", Error, No, "The configuration file cannot be read: TOML cannot read it, or it is over 1 MiB.";
        // Renames the key to a guess.
        UNKNOWN_KEY = "settings/unknown-key", Warning, Unsafe, "The configuration has no such setting.";
        // Changes the code to the nearest known one, a guess.
        UNKNOWN_CODE = "settings/unknown-code", Warning, Unsafe, "The configuration names an unknown code.";
        INVALID_GLOB = "settings/invalid-glob", Error, No, "A glob of `per-file-ignores` or `exclude` is not one.";
        INVALID_VALUE = "settings/invalid-value", Error, No, "A setting's value has the wrong type or form.";
        UNKNOWN_SPS_RELEASE = "settings/unknown-sps-release", Warning, No, "`target-sps` names a release whose API is not known.";
    }
    suppression {
        // Removes a comment that silences nothing.
        UNUSED = "suppression/unused", Warning, Safe, "A suppression comment suppresses nothing.";
        // Changes the code to the nearest known one, a guess.
        UNKNOWN_CODE = "suppression/unknown-code", Warning, Unsafe, "A suppression names an unknown code.";
        INVALID = "suppression/invalid", Warning, No, "A suppression comment that cannot be read.";
    }
    python {
        SYNTAX_ERROR = "python/syntax-error", Error, No, "A syntax error in the plugin's code: SPS cannot import it.";
        // Adds a commented-out `; option=<default>` line to default.cfg.
        UNDOCUMENTED_OPTION = "python/undocumented-option", Info, Safe, "The code reads an option default.cfg never documents.";
        DEFAULT_REJECTED = "python/default-rejected", Warning, No, "A getter's literal default is not of the getter's type.";
        // Adds `required=True`: the plugin then fails with the SDK's
        // "required setting missing" instead; a default may be meant instead.
        UNSET_DEREFERENCED = "python/unset-dereferenced", Warning, Unsafe, "A getter's `None` for an unset option is used as a value.";
        UNBOUND_AFTER_COMPARISON = "python/unbound-after-comparison", Warning, No, "An option compared with literals binds a name only for those values.";
    }
    plugin {
        NO_PLUGIN_CLASS = "plugin/no-plugin-class", Error, No, "The entry point neither defines nor imports `Plugin`.";
        WRONG_BASE_CLASS = "plugin/wrong-base-class", Error, No, "The `Plugin` class's SDK base is of another plugin type.";
        NO_HOOKS = "plugin/no-hooks", Warning, No, "The `Plugin` class implements none of the hooks that decide.";
        HOOK_PARAMETERS = "plugin/hook-parameters", Error, No, "A `do_*` hook requires arguments the SDK never passes.";
        RAW_HOOK_SIGNATURE = "plugin/raw-hook-signature", Warning, No, "A hook SPS calls itself takes other parameters than SPS passes.";
        INIT_SIGNATURE = "plugin/init-signature", Error, No, "A `Plugin` not derived from the SDK cannot take the configuration SPS passes.";
    }
    import {
        MODULE_NOT_FOUND = "import/module-not-found", Error, No, "An import of a plugin module that is not in the plugin.";
        NAME_NOT_FOUND = "import/name-not-found", Error, No, "A plugin module does not define the imported name.";
        NOT_PROVIDED = "import/not-provided", Warning, No, "An import that nothing installs on SPS.";
    }
    sdk {
        NEEDS_NEWER_API = "sdk/needs-newer-api", Warning, Unsafe, "An SDK name newer than the MANIFEST's `api`.";
        UNKNOWN_NAME = "sdk/unknown-name", Error, No, "A name the SDK does not have.";
    }
    zip {
        NESTED = "zip/nested", Error, No, "MANIFEST sits in a folder of the .zip.";
        NO_MANIFEST = "zip/no-manifest", Error, No, "The .zip has no MANIFEST at its root.";
        TOO_LARGE = "zip/too-large", Error, No, "The .zip is 20 MiB or more.";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages whose tables document the codes, in order: what is
    /// checked, then the configuration file's and the suppressions' codes.
    fn tables() -> String {
        [
            include_str!("../../../docs/checks.md"),
            include_str!("../../../docs/configuration.md"),
        ]
        .concat()
    }

    /// Every code in the tables (the first cell of a row), in order.
    fn documented() -> Vec<String> {
        let tables = tables();
        let mut codes = Vec::new();
        for line in tables.lines() {
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
    fn docs_document_every_code_and_no_other() {
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
            "codes with no row in docs/checks.md or docs/configuration.md: {undocumented:?}"
        );
        assert!(
            unregistered.is_empty(),
            "rows in docs/ with no code: {unregistered:?}"
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

    /// The documented row of each code: (code, severity cell, meaning cell).
    fn documented_rows() -> Vec<(String, String, String)> {
        let tables = tables();
        let mut rows = Vec::new();
        for line in tables.lines() {
            let Some(cells) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else {
                continue;
            };
            let cells: Vec<&str> = cells.split(" | ").map(str::trim).collect();
            if cells.len() != 3 {
                continue;
            }
            for part in cells[0].split('`').skip(1).step_by(2) {
                if part.contains('/') && !part.contains(' ') {
                    rows.push((part.to_string(), cells[1].to_string(), cells[2].to_string()));
                }
            }
        }
        rows
    }

    /// `docs/rules.md`: one section per code, under the anchor
    /// [`Code::doc_url`] points at.
    fn rules_markdown() -> String {
        let rows = documented_rows();
        let mut out = String::from(
            "# Rules\n\n\
             <!-- Generated from the code registry (server/src/analysis/codes.rs) and the \
             tables of docs/checks.md and docs/configuration.md by `UPDATE_EXPECT=1 cargo test --lib rules_md`; do not edit. -->\n\n\
             Every diagnostic of sps-plugin-ls has one of these codes. A configuration file \
             selects, ignores and re-grades them; a comment \
             `sps-plugin-ls: ignore[code]` silences one (see \
             [configuration.md](configuration.md)). What each family checks is in \
             [checks.md](checks.md). **Fix** says whether \
             `sps-plugin-ls check --fix` applies the code's fixes (safe), only with \
             `--unsafe-fixes` (unsafe), or whether there are none.\n",
        );
        let mut family = "";
        for code in ALL {
            let f = code.id.split('/').next().unwrap_or_default();
            if f != family {
                family = f;
                out.push_str(&format!("\n## {family}\n"));
            }
            let (severity, meaning) = rows
                .iter()
                .find(|(id, _, _)| id == code.id)
                .map(|(_, s, m)| (s.clone(), m.clone()))
                .unwrap_or_else(|| (code.severity.as_str().to_string(), String::new()));
            // The table's words where it has a row, else the summary.
            let text = if meaning.is_empty() {
                code.summary.to_string()
            } else {
                meaning
            };
            out.push_str(&format!(
                "\n<a id=\"{}\"></a>\n\n### `{}`\n\n\
                 **Severity:** {severity} · **Fix:** {}\n\n{text}\n",
                code.anchor(),
                code.id,
                code.fix.as_str(),
            ));
        }
        out
    }

    /// `docs/rules.md` is what the registry says; `UPDATE_EXPECT=1`
    /// rewrites it.
    #[test]
    fn rules_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
        let want = rules_markdown();
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: run `UPDATE_EXPECT=1 cargo test --lib rules_md`"
        );
    }

    #[test]
    fn every_code_has_its_anchor_in_the_rules_page() {
        let page = rules_markdown();
        for code in ALL {
            let url = code.doc_url();
            let (base, anchor) = url.split_once('#').unwrap();
            assert_eq!(base, RULES_URL);
            assert!(page.contains(&format!("<a id=\"{anchor}\"></a>")), "{url}");
        }
        assert_eq!(
            super::manifest::UNKNOWN_KEY.doc_url(),
            "https://github.com/sps-plugin-ls/sps-plugin-ls/blob/main/docs/rules.md#manifest-unknown-key"
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
