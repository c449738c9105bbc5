//! `check --instance FILE PLUGIN`: FILE is an instance configuration of
//! the plugin PLUGIN (a plugin folder or its .zip), the text an
//! administrator writes in SPS's web interface and the plugin reads at run
//! time. It is checked by default.cfg's rules with the analysis's instance
//! flag ([`Context::instance_of`]), in the settings found for FILE, and
//! reported as `check` reports any file. A `.cfg` named as a PATH of
//! `check` inside a plugin folder is an instance of that plugin too
//! ([`named`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{configuration, report_in};
use crate::analysis::plugin::Plugin;
use crate::analysis::Context;
use crate::cli::args::CheckArgs;
use crate::cli::report::FileReport;
use crate::cli::write::read_bytes;
use crate::workspace::{DiskFiles, DocKind, Files, Memo, Overlay};

/// The `.cfg` files the command line names as instance configurations,
/// absolute as `check` analyses them: `--instance FILE`, and each `.cfg`
/// PATH that is not default.cfg (the plugin's example).
pub fn named(args: &CheckArgs) -> Vec<PathBuf> {
    let cfgs = args.paths.iter().filter(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".cfg") && n != "default.cfg")
            && p.is_file()
    });
    args.instance
        .iter()
        .chain(cfgs)
        .filter_map(|p| absolute(p))
        .collect()
}

/// `path` with its folder's links resolved, as `check` names what it
/// analyses.
fn absolute(path: &Path) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = parent.unwrap_or(Path::new(".")).canonicalize().ok()?;
    Some(dir.join(path.file_name()?))
}

/// The report of `file` checked as an instance configuration of the plugin
/// at `plugin`, or why it cannot be checked.
pub fn check(file: &Path, plugin: &Path) -> Result<Vec<FileReport>, String> {
    let abs = absolute(file).ok_or_else(|| format!("{}: no such file", file.display()))?;
    let bytes = read_bytes(file)?;
    let settings = configuration(abs.parent().unwrap_or(Path::new("/")))?;
    let text: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).as_ref());
    let open: HashMap<PathBuf, Arc<str>> = [(abs.clone(), text)].into_iter().collect();
    let memo = Memo::default();
    let name = file.display().to_string();
    let run = |below: &dyn Files, folder: &Path| {
        let files = Overlay {
            open: &open,
            below,
            scans: None,
            memo: Some(&memo),
        };
        let model = Plugin::in_folder(folder, &files);
        let cx = Context::new(&abs, &files)
            .with_settings(Arc::new(settings.clone()))
            .instance_of(model);
        let mut r = report_in(name.clone(), DocKind::Config, bytes.clone(), &cx);
        // `--instance` writes nothing: the fixes are the editor's (or those
        // of `check FILE` for a FILE in the plugin's folder).
        for d in &mut r.diagnostics {
            d.fixes.clear();
        }
        r
    };
    let meta = std::fs::metadata(plugin).map_err(|e| format!("{}: {e}", plugin.display()))?;
    if meta.is_dir() {
        let folder = plugin
            .canonicalize()
            .map_err(|e| format!("{}: {e}", plugin.display()))?;
        if !folder.join("MANIFEST").is_file() {
            return Err(format!(
                "{}: no MANIFEST in this folder; --instance needs the plugin's folder or its .zip",
                plugin.display()
            ));
        }
        return Ok(vec![run(&DiskFiles::confined(&folder), &folder)]);
    }
    if plugin
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let unpacked = crate::cli::zip::unpack(plugin)?;
        let found = crate::analysis::zip::check(&unpacked.files, &unpacked.root, unpacked.size);
        let Some(folder) = found.plugin_dir else {
            return Err(format!(
                "{}: no plugin in it (no MANIFEST at its top or in one folder)",
                plugin.display()
            ));
        };
        return Ok(vec![run(&unpacked.files, &folder)]);
    }
    Err(format!(
        "{}: --instance needs a plugin folder or its .zip",
        plugin.display()
    ))
}
