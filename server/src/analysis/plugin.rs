//! What the plugin is, as the rules need it: its folder and the facts its
//! MANIFEST states (type, api). Computed once per check, on first use, and
//! handed to every rule through [`Context::plugin`](super::Context::plugin),
//! so that no rule reads another rule's module for them.

use std::path::{Path, PathBuf};

use crate::schema::config::sdk;
use crate::schema::manifest as schema;
use crate::syntax::yaml;
use crate::syntax::yaml_scalar::{resolve, Schema};
use crate::workspace::Files;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plugin {
    /// The folder holding the MANIFEST.
    pub folder: PathBuf,
    /// `type`, when it is one of the plugin types.
    pub plugin_type: Option<String>,
    /// `api` as the SDK parses it, when it parses.
    pub api: Option<ApiVersion>,
}

impl Plugin {
    /// The plugin around `path` (a file of it), read from its MANIFEST.
    pub fn around(path: &Path, files: &dyn Files) -> Plugin {
        let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
        match files.read(&folder.join("MANIFEST")) {
            Some(text) => Plugin::from_manifest(folder, &text),
            None => Plugin {
                folder,
                ..Plugin::default()
            },
        }
    }

    /// The facts of a MANIFEST's text.
    pub fn from_manifest(folder: PathBuf, text: &str) -> Plugin {
        let doc = yaml::parse(text);
        let api = doc
            .get("api")
            .and_then(|e| parse_api(&resolve(&e.value, Schema::Core12).python_str()));
        Plugin {
            folder,
            plugin_type: manifest_type(text),
            api,
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
}

/// The plugin type a MANIFEST declares, if it declares a valid one.
pub fn manifest_type(text: &str) -> Option<String> {
    let doc = yaml::parse(text);
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
