//! The `Checker`: checks a path (a plugin folder, a folder of plugins, a
//! file, a `.zip`) and, with `--fix`, writes the fixes over the very file it
//! read; and `--add-suppressions`.

use super::*;

/// One round of `check` over the paths asked for.
pub(super) struct Checker {
    pub(super) mode: Mode,
    pub(super) unsafe_fixes: bool,
    pub(super) force_exclude: bool,
    /// Files written (with `--diff`: changed in memory) in this round.
    pub(super) written: usize,
    /// `--fix`: files not written, with why (a link out of the plugin, a
    /// read-only file, a file that changed while it was being fixed);
    /// they are not touched again, and `check` exits 2.
    pub(super) refused: Vec<(PathBuf, String)>,
    /// `--fix`: how each file read may be written, from its reading.
    pub(super) targets: HashMap<PathBuf, Target>,
    /// The .zip files met, whose files are never fixed.
    pub(super) zips: Vec<PathBuf>,
    /// `--diff`: the fixed text of each file so far, which the analysis
    /// reads instead of the disk.
    pub(super) pending: HashMap<PathBuf, Arc<str>>,
    /// `--diff`: the text of each file as it is on the disk.
    pub(super) originals: HashMap<PathBuf, String>,
    /// `--diff`: fixed texts of this PATH, added to `pending` after it.
    pub(super) updates: Vec<(PathBuf, String)>,
    /// A check of a folder of plugins: what its plugins' checks share.
    pub(super) run: Option<Arc<FolderRun>>,
}

/// What the checks of the plugins of one folder share, in a run that
/// writes nothing: their searches for configuration files go up through
/// the same folders, and the folder's links are resolved once.
pub(super) struct FolderRun {
    configurations: KeptConfigurations,
    absent: Arc<AbsentPaths>,
    /// The folder, and the same with its links resolved.
    folder: PathBuf,
    canonical: Option<PathBuf>,
}

impl FolderRun {
    fn new(folder: &Path) -> Self {
        Self {
            configurations: KeptConfigurations::default(),
            absent: Arc::default(),
            folder: folder.to_path_buf(),
            canonical: folder.canonicalize().ok(),
        }
    }

    /// The disk for the plugin in `dir`, confined to it: `dir` is in the
    /// folder, found by a walk that follows no link, so its links are the
    /// folder's.
    fn disk(&self, dir: &Path) -> DiskFiles {
        let canonical = match dir.strip_prefix(&self.folder) {
            Ok(below) if below.as_os_str().is_empty() => self.canonical.clone(),
            Ok(below) => self.canonical.as_ref().map(|c| c.join(below)),
            Err(_) => dir.canonicalize().ok(),
        };
        DiskFiles::confined_in_run(canonical, self.absent.clone())
    }
}

impl Checker {
    pub(super) fn new(mode: Mode, unsafe_fixes: bool, force_exclude: bool) -> Self {
        Self {
            mode,
            unsafe_fixes,
            force_exclude,
            written: 0,
            refused: Vec::new(),
            targets: HashMap::new(),
            zips: Vec::new(),
            pending: HashMap::new(),
            originals: HashMap::new(),
            updates: Vec::new(),
            run: None,
        }
    }

    /// The configuration for the files of `dir` ([`configuration`]).
    fn configuration(&self, dir: &Path) -> Result<Settings, String> {
        configuration_kept(dir, self.run.as_deref().map(|r| &r.configurations))
    }

    /// The reports for one PATH, or an I/O or usage failure. A PATH named
    /// here is checked even when `exclude` matches it, as in ruff, unless
    /// `--force-exclude`; what a folder walk finds is skipped.
    ///
    /// The work is done on the absolute path (its folder with links
    /// resolved), so that a configuration file above the current folder is
    /// found, as ruff finds it; names are shown as they were given.
    pub(super) fn check_path(&mut self, path: &Path) -> Result<Vec<FileReport>, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (user_root, abs) = if meta.is_dir() {
            (path.to_path_buf(), path.canonicalize())
        } else {
            let parent = path.parent().unwrap_or(Path::new(""));
            let name = path.file_name().unwrap_or_default();
            let dir = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            (
                parent.to_path_buf(),
                dir.canonicalize().map(|d| d.join(name)),
            )
        };
        let abs = abs.map_err(|e| format!("{}: {e}", path.display()))?;
        let abs_root = if meta.is_dir() {
            abs.clone()
        } else {
            abs.parent().unwrap_or(Path::new("/")).to_path_buf()
        };
        let relabeling = Relabel::new(&abs_root, &user_root);
        let relabel = |s: String| relabeling.apply(&s);
        let pending = std::mem::take(&mut self.pending);
        let refused_before = self.refused.len();
        let result = self.check_absolute(&abs, &meta, &pending);
        for (_, why) in &mut self.refused[refused_before..] {
            *why = relabel(std::mem::take(why));
        }
        self.pending = pending;
        for (path, text) in std::mem::take(&mut self.updates) {
            self.pending.insert(path, text.into());
        }
        match result {
            Ok(mut reports) => {
                for r in &mut reports {
                    r.name = relabel(std::mem::take(&mut r.name));
                }
                Ok(reports)
            }
            Err(e) => Err(relabel(e)),
        }
    }

    pub(super) fn check_absolute(
        &mut self,
        path: &Path,
        meta: &std::fs::Metadata,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let dir = if meta.is_dir() {
            path
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
        };
        let config = configuration(dir)?;
        if self.force_exclude && config.excludes(path) {
            return Ok(Vec::new());
        }
        if meta.is_dir() {
            return self.check_folder(path, pending);
        }
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        {
            return self.check_zip(path);
        }
        let disk = DiskFiles::confined(dir);
        let files = Overlay {
            open: pending,
            below: &disk,
            scans: None,
            memo: None,
        };
        // A `.cfg` named here is an instance configuration of its plugin.
        let Some(kind) = crate::analysis::plugin::document_kind(path, &files, &config) else {
            return Err(format!(
                "{}: not a MANIFEST, a .cfg file, a plugin folder or a .zip",
                path.display()
            ));
        };
        let bytes = self.read(path, pending)?;
        let out = vec![self.document(path.display().to_string(), path, kind, bytes, &files)?];
        refuse_special_files(&disk)?;
        Ok(out)
    }

    pub(super) fn check_folder(
        &mut self,
        dir: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let manifest = dir.join("MANIFEST");
        // `exists`, not `is_file`: a MANIFEST that is no regular file (a FIFO,
        // a device) or a link is this plugin's, and reading it reports what
        // it is. The plugins inside a folder are found by the model's rule,
        // as the server's scan finds them: at any depth, nested ones too.
        let (mut plugins, truncated) =
            crate::analysis::plugin::plugins_under(dir, &DiskFiles::confined(dir));
        if manifest.exists() && !plugins.iter().any(|p| p == dir) {
            plugins.insert(0, dir.to_path_buf());
        }
        if truncated {
            out::eprint(&format!(
                "sps-plugin-ls: {}: the search for plugins stopped at its limit ({} entries, {} folder levels); plugins beyond it are not checked\n",
                dir.display(),
                crate::workspace::WALK_MAX_ENTRIES,
                crate::workspace::WALK_MAX_DEPTH,
            ));
        }
        if plugins.len() > 1 || plugins.first().is_some_and(|p| p != dir) {
            // A folder of plugins, or a plugin with plugins inside: each is
            // checked on its own, unless `exclude` names it.
            let run = (self.mode == Mode::Check).then(|| Arc::new(FolderRun::new(dir)));
            let config = configuration_kept(dir, run.as_deref().map(|r| &r.configurations))?;
            // Named on the command line although excluded: what is in it
            // is checked too.
            let named_excluded = config.excludes(dir);
            let plugins: Vec<PathBuf> = plugins
                .into_iter()
                .filter(|p| p == dir || named_excluded || !config.excludes(p))
                .collect();
            let mut out = Vec::new();
            if self.mode == Mode::Check {
                let force_exclude = self.force_exclude;
                for result in in_parallel(&plugins, |plugin| {
                    let mut checker = Checker::new(Mode::Check, false, force_exclude);
                    checker.run = run.clone();
                    checker.check_plugin(plugin, pending)
                }) {
                    out.append(&mut result?);
                }
            } else {
                for plugin in plugins {
                    out.append(&mut self.check_plugin(&plugin, pending)?);
                }
            }
            return Ok(out);
        }
        if plugins.is_empty() {
            return Err(format!(
                "{}: no MANIFEST in this folder or the folders in it; a plugin folder holds MANIFEST at its top",
                dir.display()
            ));
        }
        self.check_plugin(dir, pending)
    }

    /// The documents of the plugin in `dir`.
    pub(super) fn check_plugin(
        &mut self,
        dir: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<FileReport>, String> {
        let disk = match &self.run {
            Some(run) => run.disk(dir),
            None => DiskFiles::confined(dir),
        };
        // A check changes no file: walks, what the disk answered (the
        // imports' lookups of `os.py` and the like, for every file) and
        // results are kept for the plugin's documents. A fix changes files
        // as it goes: nothing is.
        let (scans, memo, answers) = (ScanCache::default(), Memo::default(), DiskCache::default());
        let keep = self.mode == Mode::Check;
        let cached = CachedDisk {
            below: &disk,
            cache: &answers,
        };
        let files = Overlay {
            open: pending,
            below: if keep { &cached } else { &disk },
            scans: keep.then_some(&scans),
            memo: keep.then_some(&memo),
        };
        let manifest = dir.join("MANIFEST");
        let config = self.configuration(dir)?;
        let excluded = |p: &Path| !config.excludes(dir) && config.excludes(p);
        let mut documents = Vec::new();
        for (path, kind) in plugin_documents(dir, &files) {
            if !excluded(&path) {
                let bytes = self.read(&path, pending)?;
                documents.push((path, kind, bytes));
            }
        }
        // Each file is read once: a check reads the plugin's code (for the
        // rules on it) from the documents' texts just read. A fix reads the
        // disk as it goes, where what it wrote is.
        let mut read: HashMap<PathBuf, Arc<str>> = HashMap::new();
        if keep {
            read.extend(pending.iter().map(|(p, t)| (p.clone(), t.clone())));
            for (path, _, bytes) in &documents {
                if let Ok(text) = std::str::from_utf8(bytes) {
                    read.entry(path.clone()).or_insert_with(|| Arc::from(text));
                }
            }
        }
        let files = Overlay {
            open: if keep { &read } else { pending },
            ..files
        };
        let mut out = Vec::new();
        for (path, kind, bytes) in documents {
            out.push(self.document(path.display().to_string(), &path, kind, bytes, &files)?);
        }
        if out.iter().all(|r| r.name != manifest.display().to_string()) && !excluded(&manifest) {
            // There, but a link or not a regular file.
            regular_file(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
        }
        refuse_special_files(&disk)?;
        Ok(out)
    }

    /// Writes `text` over the file read at `path`, as [`write_over`] does;
    /// why it was not written, if it was not (a refusal from its reading,
    /// or a change since).
    pub(super) fn write(&mut self, path: &Path, text: &str) -> Result<Option<String>, String> {
        let changed = || format!("{}: changed while fixing; not written", path.display());
        Ok(match self.targets.remove(path) {
            Some(Target::File(read)) => match write_over(path, &read, text)? {
                Written::Yes => None,
                Written::Changed => Some(changed()),
            },
            Some(Target::Refused(why)) => Some(why),
            None => Some(changed()),
        })
    }

    /// A file's bytes for this round; with `--fix`, also how it may be
    /// written ([`Target`]).
    pub(super) fn read(
        &mut self,
        path: &Path,
        pending: &HashMap<PathBuf, Arc<str>>,
    ) -> Result<Vec<u8>, String> {
        // `--add-suppressions` writes as `--fix` does.
        if !matches!(self.mode, Mode::Fix | Mode::Suppress) {
            return current_bytes(path, pending);
        }
        let (bytes, target) = read_for_fix(path)?;
        self.targets.insert(path.to_path_buf(), target);
        Ok(bytes)
    }

    pub(super) fn check_zip(&mut self, path: &Path) -> Result<Vec<FileReport>, String> {
        let unpacked = crate::cli::zip::unpack(path)?;
        let files = &unpacked.files;
        let found = analysis::zip::check(files, &unpacked.root, unpacked.size);
        let mut reports = Vec::new();
        if !found.diagnostics.is_empty() {
            reports.push(FileReport::new(
                path.display().to_string(),
                String::new(),
                found.diagnostics,
            ));
        }
        if let Some(dir) = found.plugin_dir {
            for (doc, kind) in plugin_documents(&dir, files) {
                let bytes = files.files.get(&doc).map_or(&[][..], Vec::as_slice);
                let name = doc.display().to_string();
                reports.push(report(name, &doc, kind, bytes, files));
            }
        }
        if self.mode != Mode::Check {
            self.zips.push(path.to_path_buf());
        }
        Ok(reports)
    }

    /// One file on the disk: checked, and with `--fix` or `--diff` fixed.
    /// A file that is not valid UTF-8 or too large to analyse is only
    /// checked (writing it back would change the bytes it has).
    pub(super) fn document(
        &mut self,
        name: String,
        path: &Path,
        kind: DocKind,
        bytes: Vec<u8>,
        files: &dyn Files,
    ) -> Result<FileReport, String> {
        // A .py file in another codec than UTF-8 (its coding cookie
        // says so) is never written: the fixed text would be UTF-8.
        if self.mode == Mode::Check
            || bytes.len() > MAX_ANALYSED_BYTES
            || self.refused.iter().any(|(p, _)| p == path)
            || (kind == DocKind::Python
                && analysis::python::encoding::declared(&bytes)
                    != analysis::python::encoding::Codec::Utf8)
        {
            return Ok(report(name, path, kind, bytes, files));
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => return Ok(report(name, path, kind, e.into_bytes(), files)),
        };
        if self.mode == Mode::Suppress {
            let (new_text, added, remaining) = add_suppressions(kind, &text, path, files);
            let mut r = FileReport::new(name, new_text, remaining);
            if added > 0 {
                let refused = self.write(path, &r.text)?;
                match refused {
                    Some(why) => self.refused.push((path.to_path_buf(), why)),
                    None => {
                        r.fixed = added;
                        self.written += 1;
                    }
                }
            }
            return Ok(r);
        }
        if self.mode == Mode::Diff && !self.originals.contains_key(path) {
            self.originals.insert(path.to_path_buf(), text.clone());
        }
        let cx = Context::new(path, files);
        let fixed = crate::features::fix_all::fix_all(kind, &text, &cx, self.unsafe_fixes);
        let mut r = FileReport::new(name, fixed.text, fixed.remaining);
        r.fixed = fixed.fixed;
        if r.text != text {
            if self.mode == Mode::Fix {
                let refused = self.write(path, &r.text)?;
                if let Some(why) = refused {
                    self.refused.push((path.to_path_buf(), why));
                    return Ok(report(
                        std::mem::take(&mut r.name),
                        path,
                        kind,
                        text.into_bytes(),
                        files,
                    ));
                }
            } else {
                self.updates.push((path.to_path_buf(), r.text.clone()));
            }
            self.written += 1;
        } else {
            r.fixed = 0;
        }
        if let Some(original) = self.originals.get(path).filter(|o| **o != r.text) {
            r.original = Some(original.clone());
        }
        Ok(r)
    }
}

/// `--add-suppressions`: `text` with a suppression comment for each of its
/// diagnostics that can have one (in the form the code action "Ignore
/// `<code>` on this line" writes, `suppression::ignore_edit`), how many were
/// added, and the diagnostics left. One at a time, analysing again after
/// each: a comment line added above moves what is below it.
pub(super) fn add_suppressions(
    kind: DocKind,
    text: &str,
    path: &Path,
    files: &dyn Files,
) -> (String, usize, Vec<Diagnostic>) {
    let style = analysis::comment_style(kind);
    let mut text = text.to_string();
    let mut added = 0;
    // A diagnostic is known by its code, its message and its line counted
    // from the end (which neither kind of comment moves).
    let key = |text: &str, d: &Diagnostic| {
        let from_end = text[d.range.start.min(text.len())..]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        (from_end, d.code.id, d.message.clone())
    };
    let mut tried: Vec<(usize, &'static str, String)> = Vec::new();
    let mut diagnostics = analysis::analyze(kind, &text, &Context::new(path, files));
    // Each round adds one comment or gives up on one diagnostic.
    for _ in 0..=diagnostics.len() {
        let next = diagnostics.iter().find(|d| {
            !d.code.id.starts_with("suppression/")
                && d.code != codes::file::TOO_LARGE
                && !tried.contains(&key(&text, d))
        });
        let Some(d) = next else { break };
        tried.push(key(&text, d));
        let Some(edit) = suppression::ignore_edit(&text, style, d.range.start, d.code) else {
            continue;
        };
        if edit.range.end > text.len() || !text.is_char_boundary(edit.range.start) {
            continue;
        }
        text.replace_range(edit.range.start..edit.range.end, &edit.new_text);
        added += 1;
        diagnostics = analysis::analyze(kind, &text, &Context::new(path, files));
    }
    (text, added, diagnostics)
}
