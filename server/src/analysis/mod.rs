//! Pure functions from a document (plus what the workspace holds
//! around it) to diagnostics. Every rule has a stable code; the rule, its
//! code and its message live together in one place.

pub mod codes;
pub mod config;
pub mod layout;
#[cfg(test)]
mod layout_tests;
pub mod manifest;
#[cfg(test)]
mod manifest_tests;
pub mod packaging;
pub mod plugin;
pub mod python;
#[cfg(test)]
mod python_tests;
pub mod settings;
#[cfg(test)]
mod settings_tests;
pub mod suppression;
#[cfg(test)]
mod suppression_tests;
pub mod zip;
#[cfg(test)]
mod zip_tests;

use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use codes::Applicability;
use plugin::Plugin;

use crate::settings::Settings;
use crate::text::TextRange;
use crate::workspace::{DocKind, Files};

/// Documents larger than this get one diagnostic instead of an analysis:
/// real MANIFEST and default.cfg files are a few kilobytes.
pub const MAX_ANALYSED_BYTES: usize = 16 * 1024 * 1024;

/// SPS refuses a .zip of this size or more (pluginv: `>= 20 MiB`); the
/// layout and zip rules both measure against it.
pub const ZIP_LIMIT: u64 = 20 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable code such as `manifest/missing-key`, from the [`codes`] registry.
    pub code: codes::Code,
    /// What is wrong and what to do about it.
    pub message: String,
    /// Other places in the same document that explain this one.
    pub related: Vec<Related>,
    /// Edits that repair the problem, offered as code actions.
    pub fixes: Vec<Fix>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Whether `check --fix` may apply it unasked; see [`codes::Fixable`].
    pub applicability: Applicability,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
    /// The file the edit is in, when it is not the diagnostic's own
    /// document (a fix on a `.py` that documents the option in default.cfg).
    pub path: Option<std::path::PathBuf>,
}

impl Diagnostic {
    pub fn new(
        code: codes::Code,
        severity: Severity,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            range,
            severity,
            code,
            message: message.into(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub fn error(code: codes::Code, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, range, message)
    }

    pub fn warning(code: codes::Code, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, range, message)
    }

    pub fn info(code: codes::Code, range: TextRange, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, range, message)
    }

    /// Adds a fix as safe as the registry says this code's fixes are.
    pub fn with_fix(self, title: impl Into<String>, edits: Vec<Edit>) -> Self {
        let applicability = self.code.fix.applicability().unwrap_or_else(|| {
            debug_assert!(false, "{} is registered without fixes", self.code);
            Applicability::Unsafe
        });
        self.with_fix_as(applicability, title, edits)
    }

    /// Adds a fix whose safety differs from its code's usual one (a rule
    /// doing so says why).
    pub fn with_fix_as(
        mut self,
        applicability: Applicability,
        title: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Self {
        debug_assert!(
            self.code.fix != codes::Fixable::No,
            "{} is registered without fixes",
            self.code
        );
        self.fixes.push(Fix {
            title: title.into(),
            edits,
            applicability,
        });
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }
}

impl Edit {
    pub fn new(range: TextRange, new_text: impl Into<String>) -> Self {
        Self {
            range,
            new_text: new_text.into(),
            path: None,
        }
    }

    /// An edit of another file than the diagnostic's document.
    pub fn in_file(path: &Path, range: TextRange, new_text: impl Into<String>) -> Self {
        Self {
            path: Some(path.to_path_buf()),
            ..Self::new(range, new_text)
        }
    }
}

impl Fix {
    /// Whether every edit is in the diagnostic's own document (protocol
    /// layers that apply edits to that document only offer these).
    pub fn is_local(&self) -> bool {
        self.edits.iter().all(|e| e.path.is_none())
    }

    /// Whether `check --fix` and `source.fixAll` apply it: a fix of the
    /// document itself, safe (or any, with `unsafe_fixes`). The one answer
    /// that the report's "fixable" count and the fixing both use.
    pub fn applies_in_fix_all(&self, unsafe_fixes: bool) -> bool {
        self.is_local() && (unsafe_fixes || self.applicability == Applicability::Safe)
    }
}

/// Everything a check may look at besides the document's own text.
pub struct Context<'a> {
    /// The document's path (in a zip: the path inside it, under a virtual root).
    pub path: &'a Path,
    pub files: &'a dyn Files,
    plugin: OnceLock<Arc<Plugin>>,
    settings: OnceLock<Arc<Settings>>,
    instance: OnceLock<bool>,
}

impl<'a> Context<'a> {
    pub fn new(path: &'a Path, files: &'a dyn Files) -> Self {
        Self {
            path,
            files,
            plugin: OnceLock::new(),
            settings: OnceLock::new(),
            instance: OnceLock::new(),
        }
    }

    /// A context for an instance configuration of `plugin`: the
    /// administrator's configuration of the plugin, checked as the text
    /// the plugin reads at run time, wherever the file is
    /// (`check --instance FILE PLUGIN`).
    pub fn instance_of(self, plugin: Arc<Plugin>) -> Self {
        let _ = self.plugin.set(plugin);
        self.as_instance()
    }

    /// Marks the document as an instance configuration of the plugin it
    /// sits in (a `.cfg` named on `check`'s command line).
    pub fn as_instance(self) -> Self {
        let _ = self.instance.set(true);
        self
    }

    /// Whether the document is an instance configuration (the real
    /// configuration, not default.cfg's example): marked so, or matched
    /// by the configuration's `instance-configs`.
    pub fn is_instance(&self) -> bool {
        *self
            .instance
            .get_or_init(|| plugin::is_instance_config(self.path, self.settings()))
    }

    /// A context whose configuration is given rather than looked for (a
    /// .zip's files, a configuration the caller already read).
    pub fn with_settings(self, settings: Arc<Settings>) -> Self {
        let _ = self.settings.set(settings);
        self
    }

    /// The configuration in effect for the document: the one given, else
    /// the first configuration file found walking up from its folder.
    pub fn settings(&self) -> &Settings {
        self.settings.get_or_init(|| {
            let dir = self.path.parent().unwrap_or(Path::new(""));
            crate::settings::discovered(dir, self.files)
        })
    }

    /// The plugin the document belongs to, read once.
    pub fn plugin(&self) -> &Plugin {
        self.plugin
            .get_or_init(|| Plugin::around(self.path, self.files))
    }
}

/// What a document over [`MAX_ANALYSED_BYTES`] gets instead of an analysis.
pub fn too_large(len: usize) -> Diagnostic {
    Diagnostic::warning(
        codes::file::TOO_LARGE,
        TextRange::empty(0),
        format!(
            "this file is {len} bytes; files over {} MiB are not analysed",
            MAX_ANALYSED_BYTES / (1024 * 1024)
        ),
    )
}

/// All diagnostics of one document, sorted by position.
pub fn analyze(kind: DocKind, text: &str, cx: &Context) -> Vec<Diagnostic> {
    if text.len() > MAX_ANALYSED_BYTES {
        return vec![too_large(text.len())];
    }
    let mut diags = match kind {
        DocKind::Manifest => {
            let doc = crate::syntax::yaml::parse(text);
            let mut d = manifest::check_document(text, &doc, cx);
            if !cx.files.is_detached() {
                d.extend(layout::check_document(&doc, cx));
                let folder = cx.path.parent().unwrap_or(Path::new(""));
                d.extend(python::rules::findings(cx.files, folder, text).on_manifest(&doc, text));
            }
            d
        }
        // A legacy plugin reads its configuration text itself: no INI rules.
        DocKind::Config if cx.plugin().is_legacy() => Vec::new(),
        DocKind::Config => config::check(text, cx),
        DocKind::Python => {
            let folder = &cx.plugin().folder;
            let mut d = match cx.files.read(&folder.join("MANIFEST")) {
                Some(manifest) => {
                    python::rules::findings(cx.files, folder, &manifest).for_file(cx.path)
                }
                None => Vec::new(),
            };
            d.extend(python::encoding::check(text));
            d
        }
        DocKind::Settings => settings::check(text, cx),
    };
    // What the configuration turns off is off before suppressions are
    // matched (a suppression of it suppresses nothing), and the
    // suppressions' own diagnostics obey it too.
    let configured = cx.settings();
    diags = settings::apply(configured, cx.path, diags);
    diags = suppression::apply(text, comment_style(kind), diags);
    diags = settings::apply(configured, cx.path, diags);
    diags.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.code));
    with_line_ends(&mut diags, text, cx);
    diags
}

/// The lines fixes insert into a file whose lines end in `\r\n` end so
/// too (the rules write `\n`). An edit in another file takes that file's.
fn with_line_ends(diags: &mut [Diagnostic], text: &str, cx: &Context) {
    let own = crate::text::uses_crlf(text);
    let mut others: std::collections::HashMap<std::path::PathBuf, bool> = Default::default();
    for d in diags.iter_mut() {
        for e in d.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
            if !e.new_text.contains('\n') {
                continue;
            }
            let crlf = match &e.path {
                None => own,
                Some(p) => *others.entry(p.clone()).or_insert_with(|| {
                    cx.files
                        .read_head(p, 64 * 1024)
                        .is_some_and(|t| crate::text::uses_crlf(&t))
                }),
            };
            if crlf {
                e.new_text = crate::text::with_crlf(&e.new_text);
            }
        }
    }
}

/// Where suppression comments go in a document of this kind.
pub fn comment_style(kind: DocKind) -> suppression::Style {
    match kind {
        DocKind::Manifest => suppression::Style::Yaml,
        DocKind::Config => suppression::Style::Ini,
        // TOML's `#` comments are placed as YAML's.
        DocKind::Settings => suppression::Style::Yaml,
        DocKind::Python => suppression::Style::Python,
    }
}

/// Edit distance counting a swap of two neighbours as one edit (optimal
/// string alignment), for did-you-mean hints: `nmae` is one slip from `name`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: the transposition looks two rows back.
    let width = b.len() + 1;
    let mut rows = vec![0usize; 3 * width];
    for (j, cell) in rows[..width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3 * width, (i - 1) % 3 * width, (i + 1) % 3 * width);
        rows[cur] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = d;
        }
    }
    rows[a.len() % 3 * width + b.len()]
}

/// The known name a misspelt `word` most likely meant: the same after
/// folding case, `-` and `_`; else a name it begins (`author` ->
/// `author_name`, the first such in `known`); else one within a small edit
/// distance.
pub fn did_you_mean<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-' && *c != ' ')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let w = fold(word);
    if w.is_empty() {
        return None;
    }
    let known: Vec<(&str, String)> = known.into_iter().map(|k| (k, fold(k))).collect();
    if let Some((k, _)) = known.iter().find(|(_, f)| *f == w) {
        return Some(k);
    }
    if w.len() >= 3 {
        if let Some((k, _)) = known.iter().find(|(_, f)| f.starts_with(&w)) {
            return Some(k);
        }
    }
    let limit = if w.len() <= 4 { 1 } else { 2 };
    let chars = w.chars().count();
    known
        .iter()
        // The distance is at least the difference in length.
        .filter(|(_, f)| f.chars().count().abs_diff(chars) <= limit)
        .map(|(k, f)| (edit_distance(&w, f), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_the_intended_key() {
        let keys = ["name", "entry_point", "author_name", "author_email", "type"];
        assert_eq!(did_you_mean("entrypoint", keys), Some("entry_point"));
        assert_eq!(did_you_mean("author", keys), Some("author_name"));
        assert_eq!(did_you_mean("nmae", keys), Some("name"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn edit_distance_counts_edits_and_transpositions() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("abc", "", 3),
            ("name", "nmae", 1),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
            ("entrypoint", "entry_point", 1),
            ("héllo", "hello", 1),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} {b}");
        }
    }
}
