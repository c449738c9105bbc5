//! The settings `check` runs with: the configuration file found for a
//! folder, what the command line sets over it (`--select`, `--config`...),
//! and `--show-settings`.

use super::*;

/// The command line's settings, read; or the exit status of a usage error
/// or an unreadable `--config FILE` (printed).
pub(super) fn overrides(args: &CheckArgs) -> Result<settings::Overrides, u8> {
    let mut o = settings::Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        cwd: std::env::current_dir().unwrap_or_default(),
        instances: instance::named(args),
        ..Default::default()
    };
    for value in &args.config {
        let path = Path::new(value);
        if path.is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let found = read_configuration(path, name == "pyproject.toml").map_err(|e| {
                out::eprint(&format!("sps-plugin-ls: {e}\n"));
                2u8
            })?;
            let Some(mut found) = found else {
                out::eprint(&format!(
                    "sps-plugin-ls: {}: --config: no [tool.sps-plugin-ls] table in it\n",
                    path.display()
                ));
                return Err(2);
            };
            if let Some(p) = found.problems.first() {
                out::eprint(&format!(
                    "sps-plugin-ls: {}: --config: {}\n",
                    path.display(),
                    problem_message(p)
                ));
                return Err(2);
            }
            found.file = std::path::absolute(path).ok();
            found.root = o.cwd.clone();
            o.file = Some(found);
            continue;
        }
        let Some(text) = value.to_str().filter(|t| t.contains('=')) else {
            return Err(usage_error(
                &format!(
                    "--config {}: no such file, and not a KEY = VALUE",
                    path.display()
                ),
                COMMAND,
            ));
        };
        let parsed = settings::parse(text, false).unwrap_or_default();
        if let Some(p) = parsed.problems.first() {
            return Err(usage_error(
                &format!("--config '{text}': {}", problem_message(p)),
                COMMAND,
            ));
        }
        if let Some(bad) = parsed.code_refs().find(|c| !codes::is_known(&c.text)) {
            return Err(usage_error(
                &format!(
                    "--config '{text}': `{}` is not a code or family; `sps-plugin-ls rule --all` lists them",
                    bad.text
                ),
                COMMAND,
            ));
        }
        o.values.push(parsed);
    }
    Ok(o)
}

pub(super) fn problem_message(p: &settings::Problem) -> String {
    match &p.kind {
        ProblemKind::UnknownKey(key) => format!(
            "`{key}` is not a setting; the settings are {}",
            settings::KEYS.join(", ")
        ),
        _ => p.message.clone(),
    }
}

/// `--show-settings PATH`: the settings in effect for the files at PATH,
/// as TOML, and the codes they turn off there.
pub(super) fn show_settings(path: &Path) -> u8 {
    let abs = match std::path::absolute(path) {
        Ok(p) => p,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: {}: {e}\n", path.display()));
            return 2;
        }
    };
    let dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().unwrap_or(Path::new("/")).to_path_buf()
    };
    let s = match configuration(&dir) {
        Ok(s) => s,
        Err(e) => {
            out::eprint(&format!("sps-plugin-ls: {e}\n"));
            return 2;
        }
    };
    out::print(&crate::cli::settings_view::render(path, &abs, &s));
    0
}

/// The configuration in effect for the files of `dir`, found as the
/// analysis finds it (`settings::discover`), or why `check` cannot go on:
/// a configuration file that is there but cannot be read (not a regular
/// file, no permission, too large), or that TOML cannot read, so that none
/// of its settings would apply. The message says where.
///
/// Then the command line's settings over it (`--config` and the rest).
pub fn configuration(dir: &Path) -> Result<Settings, String> {
    configuration_kept(dir, None)
}

/// The configuration files of folders, as [`configuration`] found them,
/// kept for one run of `check` over a folder of plugins: each plugin's
/// search goes up through the same folders above them, and no run that
/// keeps them writes a configuration file.
#[derive(Default)]
pub struct KeptConfigurations(papaya::HashMap<PathBuf, Result<Option<Arc<Settings>>, String>>);

/// [`configuration`], with what each folder holds taken from `kept` (and
/// kept there).
pub(super) fn configuration_kept(
    dir: &Path,
    kept: Option<&KeptConfigurations>,
) -> Result<Settings, String> {
    if settings::overrides().is_some_and(|o| o.file.is_some()) {
        return Ok(settings::overridden(Settings::default()));
    }
    for folder in dir.ancestors() {
        let found = match kept {
            Some(kept) => kept
                .0
                .pin()
                .get_or_insert_with(folder.to_path_buf(), || in_folder(folder))
                .clone(),
            None => in_folder(folder),
        };
        if let Some(found) = found? {
            return Ok(settings::overridden((*found).clone()));
        }
    }
    Ok(settings::overridden(Settings::default()))
}

/// The configuration file of `folder`, if it has one.
fn in_folder(folder: &Path) -> Result<Option<Arc<Settings>>, String> {
    for name in settings::FILE_NAMES {
        let path = folder.join(name);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            _ => {}
        }
        let Some(mut found) = read_configuration(&path, name == "pyproject.toml")? else {
            continue;
        };
        found.file = Some(path);
        found.root = folder.to_path_buf();
        return Ok(Some(Arc::new(found)));
    }
    Ok(None)
}

/// The configuration file at `path`, read (None: a `pyproject.toml`
/// without our table), or why it cannot be: not readable, or TOML cannot
/// read it.
pub(super) fn read_configuration(path: &Path, pyproject: bool) -> Result<Option<Settings>, String> {
    // No further than just past the limit: a larger file is not read
    // (`settings::parse` says so).
    let (bytes, _) = read_prefix(path, settings::MAX_CONFIG_BYTES as u64 + 1).map_err(|e| {
        format!(
            "{}: cannot read this configuration file: {e}",
            path.display()
        )
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let Some(found) = settings::parse(&text, pyproject) else {
        return Ok(None);
    };
    if let Some(p) = found
        .problems
        .iter()
        .find(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::TooLarge))
    {
        let lc = LineIndex::new(&text).line_col(&text, p.range.start, Encoding::Utf32);
        return Err(format!(
            "{}:{}:{}: cannot read this configuration file, so none of its settings would apply: {}",
            path.display(),
            lc.line + 1,
            lc.col + 1,
            p.message
        ));
    }
    Ok(Some(found))
}
