//! The plugin model: the one answer, for `check`, the server's scan and
//! every rule and feature, to "which plugin holds this file, which files
//! are its documents and its code, and what does its MANIFEST say". The
//! folder comes from one rule ([`folder_of`]: the nearest MANIFEST at or
//! above, innermost wins); the MANIFEST's facts are parsed once per view
//! of the files (the view's [`Memo`](crate::workspace::Memo)) and handed
//! to every rule through [`Context::plugin`](super::Context::plugin).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::packaging;
use crate::schema::config::sdk;
use crate::schema::manifest as schema;
use crate::syntax::yaml;
use crate::syntax::yaml_scalar::{resolve, Schema};
use crate::workspace::{memoized, text_hash, DocKind, Files};

/// The plugin folder holding a file: the nearest folder above it with a
/// MANIFEST. The rule itself lives in the workspace layer, where document
/// kinds are told apart; this is its name for everything above.
pub use crate::workspace::plugin_folder_of as folder_of;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Plugin {
    /// The folder holding the MANIFEST (for a file in no plugin: its folder).
    pub folder: PathBuf,
    /// `type`, when it is one of the plugin types.
    pub plugin_type: Option<String>,
    /// `api` as the SDK parses it, when it parses.
    pub api: Option<ApiVersion>,
    /// `entry_point` as written, when it is a scalar.
    pub entry_point: Option<String>,
    /// `name` and `version` as written, when they are scalars.
    pub name: Option<String>,
    pub version: Option<String>,
}

impl Plugin {
    /// The plugin holding `path` (a file of it).
    pub fn around(path: &Path, files: &dyn Files) -> Arc<Plugin> {
        match folder_of(path, files) {
            Some(folder) => Plugin::in_folder(&folder, files),
            None => Arc::new(Plugin {
                folder: path.parent().unwrap_or(Path::new("")).to_path_buf(),
                ..Plugin::default()
            }),
        }
    }

    /// The plugin whose MANIFEST is in `folder`: read once per view of the
    /// files, and parsed once per view and text ([`Plugin::of_text`]).
    pub fn in_folder(folder: &Path, files: &dyn Files) -> Arc<Plugin> {
        let plugin = memoized(files, "plugin", folder, 0, || {
            match files.read(&folder.join("MANIFEST")) {
                Some(text) => Plugin::of_text(folder, &text, files),
                None => Arc::new(Plugin {
                    folder: folder.to_path_buf(),
                    ..Plugin::default()
                }),
            }
        });
        (*plugin).clone()
    }

    /// The facts of the MANIFEST text `text` of `folder`, parsed once per
    /// view of the files and text: the code's findings and reads key their
    /// results by them ([`Plugin::facts_key`]) and ask them here rather
    /// than parse the text each.
    pub fn of_text(folder: &Path, text: &str, files: &dyn Files) -> Arc<Plugin> {
        memoized(files, "manifest facts", folder, text_hash(text), || {
            Plugin::from_manifest(folder.to_path_buf(), text)
        })
    }

    /// A key for what follows from the MANIFEST's facts alone (the code's
    /// findings and reads): a MANIFEST keystroke that leaves type, api and
    /// entry point as they were keeps them.
    pub fn facts_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.hash(&mut h);
        h.finish()
    }

    /// The facts of a MANIFEST's text, from one parse.
    pub fn from_manifest(folder: PathBuf, text: &str) -> Plugin {
        let doc = yaml::parse(text);
        let api = doc
            .get("api")
            .and_then(|e| parse_api(&resolve(&e.value, Schema::Core12).python_str()));
        let scalar = |key: &str| {
            doc.get(key)
                .and_then(|e| e.value.as_scalar())
                .map(|s| s.value.clone())
        };
        Plugin {
            folder,
            plugin_type: manifest_type(&doc),
            api,
            entry_point: scalar("entry_point"),
            name: scalar("name"),
            version: scalar("version"),
        }
    }

    /// Whether the MANIFEST declares a legacy plugin: `api: 1.0`, Python 2,
    /// which reads its configuration text itself.
    pub fn is_legacy(&self) -> bool {
        self.api
            .as_ref()
            .is_some_and(|(major, minor, _, _)| (*major, *minor) == (1, 0))
    }

    /// The plugin type, when the SDK data knows its sections (`aa`,
    /// `credentialstore`, `signingca`).
    pub fn sdk_type(&self) -> Option<&str> {
        self.plugin_type
            .as_deref()
            .filter(|t| sdk().is_known_type(t))
    }

    /// The configuration pluginv ships and SPS shows: `default.cfg`, else
    /// `default.cfg.plugin` (from which pluginv makes one).
    pub fn config_file(&self, files: &dyn Files) -> Option<PathBuf> {
        ["default.cfg", "default.cfg.plugin"]
            .into_iter()
            .map(|name| self.folder.join(name))
            .find(|p| files.is_file(p))
    }

    /// The plugin's instance configurations that `settings` names
    /// (`instance-configs`): the `.cfg` files in its folder, not in a
    /// plugin inside it, nor in what pluginv leaves out (`tests`, ...).
    pub fn instance_configs(
        &self,
        files: &dyn Files,
        settings: &crate::settings::Settings,
    ) -> Vec<PathBuf> {
        if settings.instance_configs.is_empty() || files.is_detached() {
            return Vec::new();
        }
        let listing = files.walk(&self.folder, packaging::is_left_out);
        let nested = nested_plugins(&listing);
        listing
            .files
            .iter()
            .filter(|f| f.path.ends_with(".cfg"))
            .filter(|f| !nested.iter().any(|n| f.path.starts_with(&format!("{n}/"))))
            .map(|f| self.folder.join(&f.path))
            .filter(|p| is_instance_config(p, settings))
            .collect()
    }

    /// The paths of the plugin's code: what pluginv packages.
    pub fn code_paths(&self, files: &dyn Files) -> Vec<PathBuf> {
        code_files(files, &self.folder, self.entry_point.as_deref())
            .into_iter()
            .map(|rel| self.folder.join(rel))
            .collect()
    }

    /// The plugin's documents, in a stable order: the files beside its
    /// MANIFEST that are checked (a `.py` there only when it is plugin
    /// code), then its code files in folders, then the instance
    /// configurations in its folders that the configuration file found for
    /// it names (`instance-configs`).
    pub fn documents(&self, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
        let dir = self.folder.as_path();
        let code = self.code_paths(files);
        let mut out: Vec<(PathBuf, DocKind)> = top_level_documents(dir, files)
            .into_iter()
            .filter(|(p, k)| *k != DocKind::Python || code.contains(p))
            .collect();
        out.extend(
            code.into_iter()
                .filter(|p| p.parent() != Some(dir))
                .map(|p| (p, DocKind::Python)),
        );
        // The instance configurations its configuration file names, in
        // folders of the plugin (those beside the MANIFEST are above).
        let settings = crate::settings::discovered(dir, files);
        out.extend(
            self.instance_configs(files, &settings)
                .into_iter()
                .filter(|p| p.parent() != Some(dir))
                .map(|p| (p, DocKind::Config)),
        );
        out
    }
}

/// Whether `path` is an instance configuration by the configuration's
/// `instance-configs`: a `.cfg` file (never default.cfg, the example) that
/// a glob matches, in a plugin folder.
pub fn is_instance_config(path: &Path, settings: &crate::settings::Settings) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".cfg") && name != "default.cfg" && settings.is_instance_config(path)
}

/// A document's kind as the server and `check` see it: its kind by name
/// ([`DocKind::detect`]), or a configuration for an instance configuration
/// that `settings` names in a plugin folder (`instances/*.cfg`).
pub fn document_kind(
    path: &Path,
    files: &dyn Files,
    settings: &crate::settings::Settings,
) -> Option<DocKind> {
    DocKind::detect(path, files).or_else(|| {
        (is_instance_config(path, settings) && folder_of(path, files).is_some())
            .then_some(DocKind::Config)
    })
}

/// The documents of the plugin in `dir` (see [`Plugin::documents`]).
pub fn plugin_documents(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    Plugin::in_folder(dir, files).documents(files)
}

/// The files directly in a folder that are documents of some kind.
pub fn top_level_documents(dir: &Path, files: &dyn Files) -> Vec<(PathBuf, DocKind)> {
    files
        .read_dir(dir)
        .into_iter()
        // A name that is not UTF-8 is layout/name-not-utf8's.
        .filter(|e| !e.is_dir && e.raw.is_none())
        .filter_map(|e| {
            let path = dir.join(&e.name);
            DocKind::detect(&path, files).map(|k| (path, k))
        })
        .collect()
}

/// The plugin folders at or below `root`, sorted, and whether the walk
/// stopped at one of its limits. Searched as pluginv packages: the folders
/// it leaves out (`tests`, `.venv`, `build`, ...) are not searched, nor, on
/// the disk, what `.gitignore` ignores. A plugin inside another is found
/// too: it is its own plugin. `check` and the server's scan both ask this.
pub fn plugins_under(root: &Path, files: &dyn Files) -> (Vec<PathBuf>, bool) {
    if files.is_disk() {
        // On the disk, `.gitignore` decides too, as ruff searches.
        return crate::workspace::manifest_folders_on_disk(root, packaging::is_left_out);
    }
    let listing = files.walk(root, packaging::is_left_out);
    let mut folders: Vec<PathBuf> = listing
        .files
        .iter()
        .filter_map(|f| match f.path.rsplit_once('/') {
            Some((dir, "MANIFEST")) => Some(root.join(dir)),
            None if f.path == "MANIFEST" => Some(root.to_path_buf()),
            _ => None,
        })
        .collect();
    // A folder whose name is not UTF-8 is not walked into: one holding a
    // MANIFEST is a plugin all the same (the walk of a plugin reports its
    // own such names), and the plugins in the first 16 others are searched
    // for (one level of such names, each with a walk's limits).
    let mut truncated = listing.truncated;
    let mut searched = 0;
    for (_, raw) in &listing.not_utf8 {
        let dir = root.join(raw);
        if files.is_file(&dir.join("MANIFEST")) {
            folders.push(dir);
        } else if searched < 16 && !folders.iter().any(|f| dir.starts_with(f)) {
            searched += 1;
            let inner = files.walk(&dir, packaging::is_left_out);
            truncated |= inner.truncated;
            folders.extend(
                inner
                    .files
                    .iter()
                    .filter_map(|f| match f.path.rsplit_once('/') {
                        Some((sub, "MANIFEST")) => Some(dir.join(sub)),
                        None if f.path == "MANIFEST" => Some(dir.clone()),
                        _ => None,
                    }),
            );
        }
    }
    folders.sort();
    (folders, truncated)
}

/// What pluginv would package of the plugin's Python: the entry point and
/// every module of the packages `find_packages` finds (folders with an
/// `__init__.py` under folders with one, tests left out), from the same
/// walk and within the same limits as the layout rules.
pub fn code_files(files: &dyn Files, folder: &Path, entry_point: Option<&str>) -> Vec<String> {
    let listing = files.walk(folder, packaging::is_left_out);
    let scan = packaging::packaging(&listing);
    // A plugin inside this one has its own code.
    let nested = nested_plugins(&listing);
    let mut out: Vec<String> = Vec::new();
    if let Some(entry) = entry_point.filter(|e| !e.contains(['/', '\\']) && !e.is_empty()) {
        if files.is_file(&folder.join(entry)) {
            out.push(entry.to_string());
        }
    }
    for py in &scan.py_files {
        let Some((dir, _)) = py.rsplit_once('/') else {
            continue;
        };
        let mut is_packaged = true;
        let mut prefix = String::new();
        for part in dir.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if part.contains('.') || !scan.packages.contains(&prefix) {
                is_packaged = false;
                break;
            }
        }
        let in_nested = nested
            .iter()
            .any(|n| dir == *n || dir.starts_with(&format!("{n}/")));
        if is_packaged && !in_nested && !out.contains(py) {
            out.push(py.clone());
        }
    }
    out
}

/// The folders below a plugin's that hold a MANIFEST of their own, as
/// relative paths: their files belong to those plugins, not this one.
pub fn nested_plugins(listing: &crate::workspace::Listing) -> HashSet<&str> {
    listing
        .files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/'))
        .filter(|(_, name)| *name == "MANIFEST")
        .map(|(dir, _)| dir)
        .collect()
}

/// The plugin type a MANIFEST declares, if it declares a valid one.
fn manifest_type(doc: &yaml::YamlDocument) -> Option<String> {
    let entry = doc.get("type")?;
    let value = resolve(&entry.value, Schema::Core12);
    let t = value.as_str()?;
    schema::get()
        .type_names()
        .any(|n| n == t)
        .then(|| t.to_string())
}

/// (major, minor, patch, pre-release) of an `api` value the SDK accepts.
pub type ApiVersion = (u64, u64, u64, Option<String>);

pub fn parse_api(s: &str) -> Option<ApiVersion> {
    // Python's `$` also matches before one trailing newline.
    let core = s.strip_suffix('\n').unwrap_or(s);
    let parts: Vec<&str> = core.split('.').collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let normalised = if (parts.len() == 2 || parts.len() == 3) && parts.iter().all(|p| digits(p)) {
        format!("{}.{}.0", parts[0], parts[1])
    } else {
        s.to_string()
    };
    parse_semver(&normalised)
}

/// `semantic_version.Version` in strict mode: `X.Y.Z[-pre][+build]`,
/// without leading zeros in the numbers.
fn parse_semver(s: &str) -> Option<ApiVersion> {
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let ident_ok = |x: &str| {
        !x.is_empty()
            && x.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    };
    if build.is_some_and(|b| !ident_ok(b)) || pre.is_some_and(|p| !ident_ok(p)) {
        return None;
    }
    let nums: Vec<&str> = core.split('.').collect();
    if nums.len() != 3 {
        return None;
    }
    let mut out = [0u64; 3];
    for (i, n) in nums.iter().enumerate() {
        if n.is_empty()
            || !n.bytes().all(|b| b.is_ascii_digit())
            || (n.len() > 1 && n.starts_with('0'))
        {
            return None;
        }
        out[i] = n.parse().ok()?;
    }
    Some((out[0], out[1], out[2], pre.map(str::to_string)))
}
