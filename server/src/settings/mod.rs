//! The configuration file, as ruff's: `sps-plugin-ls.toml`,
//! `.sps-plugin-ls.toml` or `[tool.sps-plugin-ls]` in `pyproject.toml`,
//! found by walking up from the checked file (in each folder in that order;
//! the first found wins). Read here into plain data with byte ranges; what
//! a problem in it is called and says is the business of
//! `analysis/settings.rs`, which also checks the codes and releases it
//! names. Reading never fails: a file TOML cannot read gives the defaults
//! and one [`ProblemKind::Syntax`].

pub mod glob;
mod overrides;
mod toml_file;

pub use overrides::*;
pub use toml_file::parse;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml_edit::{Item, TableLike, Value};

use crate::text::TextRange;
use crate::workspace::Files;
pub use glob::Glob;

/// The files looked for in each folder, in this order.
pub const FILE_NAMES: [&str; 3] = [
    "sps-plugin-ls.toml",
    ".sps-plugin-ls.toml",
    "pyproject.toml",
];

/// The keys of the configuration, in the order of docs/configuration.md.
pub const KEYS: [&str; 8] = [
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "exclude",
    "target-sps",
    "instance-configs",
];

/// A string of the file and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub range: TextRange,
}

/// A severity a `[severity]` entry sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Hint,
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["error", "warning", "info", "hint"];

    fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "hint" => Some(Level::Hint),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// TOML cannot read the file.
    Syntax,
    /// The file is over [`MAX_CONFIG_BYTES`]: it is not read at all.
    TooLarge,
    /// A key the configuration does not have (the key as written).
    UnknownKey(String),
    /// A value of the wrong type or form.
    InvalidValue,
    /// A glob that is not one.
    InvalidGlob,
}

/// Something wrong with the file, found while reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub kind: ProblemKind,
    /// What is wrong (for [`ProblemKind::UnknownKey`], where the key is).
    pub message: String,
}

/// The configuration in effect for a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The file read; none: the defaults.
    pub file: Option<PathBuf>,
    /// Its text (for `pyproject.toml`, all of it; ranges are into it).
    pub text: String,
    /// The folder globs are relative to: the file's.
    pub root: PathBuf,
    pub select: Option<Vec<Spanned>>,
    pub extend_select: Vec<Spanned>,
    pub ignore: Vec<Spanned>,
    pub per_file_ignores: Vec<(Glob, Vec<Spanned>)>,
    pub severity: Vec<(Spanned, Level)>,
    pub exclude: Vec<Glob>,
    /// Globs of the `.cfg` files checked as instance configurations of the
    /// plugin folder they sit in (`instances/*.cfg`).
    pub instance_configs: Vec<Glob>,
    /// The `.cfg` files `check`'s command line names: instance
    /// configurations too (absolute paths).
    pub instance_paths: Vec<PathBuf>,
    pub target_sps: Vec<Spanned>,
    pub problems: Vec<Problem>,
    /// The keys of [`KEYS`] the file sets (for [`Settings::over`]).
    pub keys: Vec<&'static str>,
}

/// A configuration file larger than this (1 MiB) is not read: none of its
/// settings apply, as for a file TOML cannot read. A real one is a few
/// hundred bytes; the limit bounds what parsing one can cost.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// Whether a file of this name is a configuration file (`pyproject.toml`
/// only through its `[tool.sps-plugin-ls]` table).
pub fn is_settings_file(name: &str) -> bool {
    FILE_NAMES.contains(&name)
}

/// [`discover`], kept in the files' memo: the documents of a folder share
/// one search, and a file read once is not parsed again while its stamp
/// (see [`Files::stamp`]) stays the same, whatever view asks.
pub fn discovered(dir: &Path, files: &dyn Files) -> std::sync::Arc<Settings> {
    let found = crate::workspace::memoized(files, "settings", dir, 0, || {
        match OVERRIDES.get() {
            // `check`'s command line over the file (the server sets none).
            Some(_) => std::sync::Arc::new(discover(dir, files)),
            None => find(dir, files),
        }
    });
    (*found).clone()
}

/// The configuration for the files of `dir`: the first configuration file
/// found in it or a folder above it, else the defaults; then what the
/// command line sets over it ([`Overrides`]).
pub fn discover(dir: &Path, files: &dyn Files) -> Settings {
    if let Some(o) = OVERRIDES.get() {
        if let Some(file) = &o.file {
            return o.apply(file.clone());
        }
        return o.apply((*find(dir, files)).clone());
    }
    (*find(dir, files)).clone()
}

/// Parsed configuration files by path, with the stamp of the file parsed
/// (None: a `pyproject.toml` without our table). Shared by every view of
/// the files, so that a keystroke in a plugin does not parse the
/// configuration above it again; [`forget`] empties it. Lock-free
/// (papaya): every check looks its configuration up here.
type Parsed = papaya::HashMap<PathBuf, (u64, Option<Arc<Settings>>)>;

fn parsed() -> &'static Parsed {
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(Parsed::new)
}

/// At most this many parsed files are kept (each under 1 MiB of text).
const PARSED_KEPT: usize = 32;

/// Forgets every parsed configuration file (the server: on a watched-file
/// event, when files may have changed without their stamps saying so).
pub fn forget() {
    parsed().pin().clear();
}

/// How many parsed configuration files are kept.
pub fn parsed_kept() -> usize {
    parsed().len()
}

fn find(dir: &Path, files: &dyn Files) -> Arc<Settings> {
    for folder in dir.ancestors() {
        // Each folder is looked at once per view of the files (`check`:
        // one per plugin), however many folders below it search from it:
        // the folders above a plugin were stamped again for each of its
        // folders.
        let found = crate::workspace::memoized(files, "settings folder", folder, 0, || {
            in_folder(folder, files)
        });
        if let Some(found) = &*found {
            return found.clone();
        }
    }
    Arc::new(Settings::default())
}

/// The configuration file of `folder`, if it has one.
fn in_folder(folder: &Path, files: &dyn Files) -> Option<Arc<Settings>> {
    for name in FILE_NAMES {
        let path = folder.join(name);
        let stamp = files.stamp(&path);
        if let Some(stamp) = stamp {
            let kept = parsed().pin().get(&path).cloned();
            match kept {
                Some((s, Some(found))) if s == stamp => return Some(found),
                Some((s, None)) if s == stamp => continue,
                _ => {}
            }
        }
        let found = read_file(&path, folder, name, files);
        if let Some(stamp) = stamp {
            let map = parsed().pin();
            if map.len() >= PARSED_KEPT && !map.contains_key(&path) {
                map.clear();
            }
            map.insert(path, (stamp, found.clone()));
        }
        if let Some(found) = found {
            return Some(found);
        }
    }
    None
}

/// The configuration file at `path`, if it is one: read no further than
/// just past [`MAX_CONFIG_BYTES`].
fn read_file(path: &Path, folder: &Path, name: &str, files: &dyn Files) -> Option<Arc<Settings>> {
    // A character cut at the end drops at most 3 bytes: a file over the
    // limit still reads as over it.
    let text = files.read_head(path, MAX_CONFIG_BYTES + 4)?;
    let mut settings = parse(&text, name == "pyproject.toml")?;
    settings.file = Some(path.to_path_buf());
    settings.root = folder.to_path_buf();
    Some(Arc::new(settings))
}

impl Settings {
    /// A value that is left out, and why.
    fn invalid(&mut self, range: TextRange, message: &str) {
        self.problems.push(Problem {
            range,
            kind: ProblemKind::InvalidValue,
            message: format!("{message}; it is left out"),
        });
    }

    /// The configuration file's settings (`self`) over the editor's
    /// (`editor`): each key the file sets is the file's, every other the
    /// editor's. Without a file, the editor's alone. Globs stay relative to
    /// the file's folder when there is a file.
    pub fn over(mut self, editor: &Settings) -> Settings {
        if self.file.is_none() {
            return editor.clone();
        }
        for key in KEYS {
            if self.keys.contains(&key) {
                continue;
            }
            match key {
                "select" => self.select = editor.select.clone(),
                "extend-select" => self.extend_select = editor.extend_select.clone(),
                "ignore" => self.ignore = editor.ignore.clone(),
                "per-file-ignores" => self.per_file_ignores = editor.per_file_ignores.clone(),
                "severity" => self.severity = editor.severity.clone(),
                "exclude" => self.exclude = editor.exclude.clone(),
                "instance-configs" => self.instance_configs = editor.instance_configs.clone(),
                "target-sps" => self.target_sps = editor.target_sps.clone(),
                _ => {}
            }
        }
        self
    }

    /// Every place the file names a code or family.
    pub fn code_refs(&self) -> impl Iterator<Item = &Spanned> {
        self.select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .chain(self.per_file_ignores.iter().flat_map(|(_, c)| c))
            .chain(self.severity.iter().map(|(c, _)| c))
    }

    /// `path` relative to the configuration's folder, `/`-separated.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        Some(parts.join("/"))
    }

    /// Whether the diagnostics of `code` are reported for the file at
    /// `path`: the most specific of `select`/`extend-select` and `ignore`
    /// that names it decides (a code before its family; `ignore` on a tie),
    /// then `per-file-ignores` may take it away. The problems of the
    /// configuration itself (`settings/…`) are selected whatever `select`
    /// says; only `ignore` turns them off.
    pub fn enabled(&self, code: &str, path: &Path) -> bool {
        let best = |list: &mut dyn Iterator<Item = &Spanned>| {
            list.filter_map(|s| specificity(&s.text, code)).max()
        };
        let chosen = match &self.select {
            Some(select) if !code.starts_with("settings/") => {
                best(&mut select.iter().chain(&self.extend_select))
            }
            _ => Some(0).max(best(&mut self.extend_select.iter())),
        };
        let ignored = best(&mut self.ignore.iter());
        let on = match (chosen, ignored) {
            (Some(c), Some(i)) => c > i,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !on {
            return false;
        }
        if self.per_file_ignores.is_empty() {
            return true;
        }
        let Some(rel) = self.relative(path) else {
            return true;
        };
        !self.per_file_ignores.iter().any(|(glob, codes)| {
            glob.matches(&rel) && codes.iter().any(|c| specificity(&c.text, code).is_some())
        })
    }

    /// The severity `[severity]` sets for `code` (its own entry before its
    /// family's).
    pub fn severity(&self, code: &str) -> Option<Level> {
        self.severity
            .iter()
            .filter_map(|(c, l)| specificity(&c.text, code).map(|s| (s, *l)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, l)| l)
    }

    /// Whether `path` is an instance configuration: an `instance-configs`
    /// glob matches it.
    pub fn is_instance_config(&self, path: &Path) -> bool {
        self.instance_paths.iter().any(|p| p == path)
            || !self.instance_configs.is_empty()
                && self
                    .relative(path)
                    .is_some_and(|rel| self.instance_configs.iter().any(|g| g.matches(&rel)))
    }

    /// Whether `check` skips `path` (an `exclude` glob matches it or a
    /// folder it is in).
    pub fn excludes(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        self.relative(path)
            .is_some_and(|rel| self.exclude.iter().any(|g| g.matches(&rel)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    const PIECES: &[&str] = &[
        "ignore",
        "select",
        " = ",
        "[",
        "]",
        "\"",
        "'",
        ",",
        "config",
        "/x",
        "\n",
        "[severity]",
        "[per-file-ignores]",
        "[tool.sps-plugin-ls]",
        "target-sps",
        "\"6.0\"",
        "{",
        "}",
        "3",
        "**",
        "é",
        "#",
        "exclude",
        ".",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any text is read without a panic, and every problem lies in it.
        #[test]
        fn reading_never_panics(picks in prop::collection::vec(0..PIECES.len(), 0..40), pyproject in any::<bool>()) {
            let text: String = picks.iter().map(|i| PIECES[*i]).collect();
            if let Some(s) = parse(&text, pyproject) {
                for p in &s.problems {
                    prop_assert!(p.range.start <= p.range.end && p.range.end <= text.len());
                }
                let _ = s.enabled("config/x", Path::new("/p/a"));
            }
        }
    }

    fn settings(text: &str) -> Settings {
        let mut s = parse(text, false).unwrap();
        s.root = PathBuf::from("/p");
        s
    }

    #[test]
    fn the_most_specific_selector_decides() {
        let s = settings(
            "select = [\"config\", \"manifest/unknown-key\"]\nignore = [\"config/inline-comment\", \"manifest\"]\n",
        );
        let on = |c: &str| s.enabled(c, Path::new("/p/MANIFEST"));
        assert!(on("config/invalid-enum"));
        assert!(!on("config/inline-comment"));
        assert!(on("manifest/unknown-key"));
        assert!(!on("manifest/invalid-type"));
        assert!(!on("layout/too-large"));
        let s = settings("extend-select = [\"config\"]\nignore = [\"config\"]\n");
        assert!(!s.enabled("config/invalid-enum", Path::new("/p/x")));
        assert!(s.enabled("layout/too-large", Path::new("/p/x")));
    }

    #[test]
    fn per_file_ignores_and_exclude_are_relative_to_the_file() {
        let s =
            settings("exclude = [\"build\"]\n[per-file-ignores]\n\"legacy/**\" = [\"config\"]\n");
        assert!(!s.enabled("config/x", Path::new("/p/legacy/a/default.cfg")));
        assert!(s.enabled("config/x", Path::new("/p/new/default.cfg")));
        assert!(s.excludes(Path::new("/p/build/MANIFEST")));
        assert!(!s.excludes(Path::new("/p/src/MANIFEST")));
    }

    #[test]
    fn instance_configs_are_relative_to_the_file() {
        let s = settings("instance-configs = [\"instances/*.cfg\", \"prod.cfg\"]\n");
        assert!(s.is_instance_config(Path::new("/p/instances/a.cfg")));
        assert!(s.is_instance_config(Path::new("/p/plugin/prod.cfg")));
        assert!(!s.is_instance_config(Path::new("/p/plugin/default.cfg")));
        assert!(!s.is_instance_config(Path::new("/q/instances/a.cfg")));
        let bad = settings("instance-configs = [\"a**\"]\n");
        assert_eq!(bad.problems.len(), 1);
    }

    #[test]
    fn severity_code_before_family() {
        let s = settings("[severity]\nconfig = \"info\"\n\"config/inline-comment\" = \"error\"\n");
        assert_eq!(s.severity("config/inline-comment"), Some(Level::Error));
        assert_eq!(s.severity("config/placeholder"), Some(Level::Info));
        assert_eq!(s.severity("manifest/empty"), None);
    }

    #[test]
    fn the_file_wins_where_both_speak() {
        let editor = settings("ignore = [\"layout\"]\nselect = [\"config\"]\n");
        let mut file = settings("ignore = [\"manifest\"]\n");
        file.file = Some(PathBuf::from("/p/sps-plugin-ls.toml"));
        let both = file.over(&editor);
        assert_eq!(both.ignore[0].text, "manifest");
        assert_eq!(both.select.as_ref().unwrap()[0].text, "config");
        assert_eq!(Settings::default().over(&editor), editor);
    }

    #[test]
    fn pyproject_only_with_its_table() {
        assert_eq!(parse("[tool.ruff]\nline-length = 1\n", true), None);
        let s = parse("[tool.sps-plugin-ls]\nignore = [\"layout\"]\n", true).unwrap();
        assert_eq!(s.ignore[0].text, "layout");
        assert_eq!(parse("[tool.ruff\n", true), None);
        assert_eq!(
            parse("[tool.sps-plugin-ls\n", true).unwrap().problems[0].kind,
            ProblemKind::Syntax
        );
    }

    /// A parsed configuration file is kept across views (each view a new
    /// memo, as each keystroke in the server makes one) while its stamp
    /// stays; a change to it, or `forget` (a watched-file event), parses it
    /// again. (Issue 24: a 4 MB file cost 0.3 s and 300 MiB per keystroke.)
    #[test]
    fn parsed_files_are_kept_across_views_by_stamp() {
        use crate::workspace::{DiskFiles, Memo, Overlay};
        let dir = std::env::temp_dir().join(format!("sps-settings-kept-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("p")).unwrap();
        let file = dir.join("sps-plugin-ls.toml");
        std::fs::write(&file, "ignore = [\"config\"]\n").unwrap();
        let disk = DiskFiles::confined(&dir);
        let open = HashMap::new();
        let view = |memo: &Memo| {
            let files = Overlay {
                open: &open,
                below: &disk,
                scans: None,
                memo: Some(memo),
            };
            discovered(&dir.join("p"), &files)
        };
        let first = view(&Memo::default());
        let second = view(&Memo::default());
        assert!(Arc::ptr_eq(&first, &second), "parsed again in a new view");
        assert_eq!(first.ignore.len(), 1);
        // Another length: another stamp.
        std::fs::write(&file, "ignore = [\"config\", \"layout\"]\n").unwrap();
        let changed = view(&Memo::default());
        assert!(!Arc::ptr_eq(&first, &changed));
        assert_eq!(changed.ignore.len(), 2);
        forget();
        let after_event = view(&Memo::default());
        assert!(!Arc::ptr_eq(&changed, &after_event));
        assert_eq!(after_event.ignore.len(), 2);
        // An open text is its own stamp.
        let open_text: HashMap<PathBuf, Arc<str>> =
            [(file.clone(), Arc::from("select = [\"manifest\"]\n"))].into();
        let memo = Memo::default();
        let files = Overlay {
            open: &open_text,
            below: &disk,
            scans: None,
            memo: Some(&memo),
        };
        assert!(discovered(&dir.join("p"), &files).select.is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_over_1_mib_is_not_read() {
        let mut text = String::from("ignore = [\"config\"]\n");
        text.push_str(&"#\n".repeat(MAX_CONFIG_BYTES / 2));
        let s = parse(&text, false).unwrap();
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].kind, ProblemKind::TooLarge);
        assert!(s.ignore.is_empty());
        // A pyproject.toml is ours only if its first MiB names us.
        let py = "[project]\nname = \"x\"\n".to_string() + &"#\n".repeat(MAX_CONFIG_BYTES / 2);
        assert!(parse(&py, true).is_none());
    }
}
