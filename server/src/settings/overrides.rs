//! What `check`'s command line sets over the configuration file
//! (`--select`, `--ignore`, `--config KEY=VALUE`...), ruff's way.

use super::*;

/// What `check`'s command line sets over the configuration files, as
/// ruff's does: `--config FILE` is used instead of the files found;
/// `--config KEY=VALUE` replaces that key; `--select` replaces the
/// selection (`select`, `extend-select` and `ignore`) as a later layer of
/// ruff's does; `--extend-select` and `--ignore` win over the file's
/// selectors of the same codes. Set once, by `check`; the server never
/// sets it.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config FILE`, read (its globs relative to the current folder).
    pub file: Option<Settings>,
    /// Each `--config KEY=VALUE`, in order.
    pub values: Vec<Settings>,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// The current folder: the root of the command line's globs when no
    /// file gives one.
    pub cwd: PathBuf,
    /// The `.cfg` files named on the command line (absolute): checked as
    /// instance configurations of their plugin.
    pub instances: Vec<PathBuf>,
}

pub(super) static OVERRIDES: std::sync::OnceLock<Overrides> = std::sync::OnceLock::new();

/// Sets the command line's [`Overrides`] for the rest of the process.
pub fn set_overrides(o: Overrides) {
    let _ = OVERRIDES.set(o);
}

/// The command line's [`Overrides`], if any were set.
pub fn overrides() -> Option<&'static Overrides> {
    OVERRIDES.get()
}

/// `found` with the command line's [`Overrides`], if any were set.
pub fn overridden(found: Settings) -> Settings {
    match OVERRIDES.get() {
        Some(o) => match &o.file {
            Some(file) => o.apply(file.clone()),
            None => o.apply(found),
        },
        None => found,
    }
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.file.is_none()
            && self.values.is_empty()
            && self.select.is_none()
            && self.extend_select.is_empty()
            && self.ignore.is_empty()
    }

    /// `s` with what the command line sets.
    pub fn apply(&self, mut s: Settings) -> Settings {
        s.instance_paths.clone_from(&self.instances);
        if self.is_empty() {
            return s;
        }
        if s.file.is_none() {
            s.root = self.cwd.clone();
        }
        for v in &self.values {
            for key in &v.keys {
                match *key {
                    "select" => s.select = v.select.clone(),
                    "extend-select" => s.extend_select = v.extend_select.clone(),
                    "ignore" => s.ignore = v.ignore.clone(),
                    "per-file-ignores" => s.per_file_ignores = v.per_file_ignores.clone(),
                    "severity" => s.severity = v.severity.clone(),
                    "exclude" => s.exclude = v.exclude.clone(),
                    "instance-configs" => s.instance_configs = v.instance_configs.clone(),
                    "target-sps" => s.target_sps = v.target_sps.clone(),
                    _ => {}
                }
                if !s.keys.contains(key) {
                    s.keys.push(key);
                }
            }
        }
        let spanned = |t: &String| Spanned {
            text: t.clone(),
            range: TextRange::empty(0),
        };
        if let Some(select) = &self.select {
            s.select = Some(select.iter().map(spanned).collect());
            s.extend_select.clear();
            s.ignore.clear();
        }
        // A selector of the command line wins over the file's opposite one
        // naming the same codes (the file's is dropped), as a later layer.
        let covers = |outer: &str, inner: &str| specificity(outer, inner).is_some();
        for code in &self.ignore {
            if let Some(select) = &mut s.select {
                select.retain(|x| !covers(code, &x.text));
            }
            s.extend_select.retain(|x| !covers(code, &x.text));
            s.ignore.push(spanned(code));
        }
        for code in &self.extend_select {
            s.ignore.retain(|x| !covers(code, &x.text));
            s.extend_select.push(spanned(code));
        }
        s
    }
}

/// How specifically `selector` names `code`: 2 the code itself, 1 its
/// family.
pub(super) fn specificity(selector: &str, code: &str) -> Option<u8> {
    if selector == code {
        Some(2)
    } else if code.split('/').next() == Some(selector) {
        Some(1)
    } else {
        None
    }
}
