//! The rules on a plugin's Python code: syntax, imports, the entry point's
//! `Plugin` class (its base, its hooks, their parameters) and the SDK API
//! the code uses against the MANIFEST's `api`. Legacy plugins (`api: 1.0`,
//! Python 2) get none of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::index::{Class, Function, ParamKind};
use super::sdk_names::{self, FileSdk, SdkRef};
use super::{deps, PluginCode, Resolved};
use crate::analysis::codes;
use crate::analysis::plugin::Plugin;
use crate::analysis::{Diagnostic, Edit};
use crate::schema::hooks;
use crate::schema::sdk_api::{self, Api, SdkApi};
use crate::syntax::yaml::YamlDocument;
use crate::text::TextRange;
use crate::workspace::{memoized, Files};

mod plugin_class;
mod sdk_uses;

use sdk_uses::needs_newer_api;

/// What the rules found: diagnostics on the plugin's .py files, and those
/// that belong on its MANIFEST, kept without a place in its text (they
/// follow from its facts; [`Findings::on_manifest`] places them).
#[derive(Default)]
pub struct Findings {
    pub files: Vec<(PathBuf, Diagnostic)>,
    manifest: Vec<OnManifest>,
}

/// A finding of the code that belongs on a MANIFEST key's value.
enum OnManifest {
    /// At `entry_point`.
    NoPluginClass(String),
    /// At `api`: the API the code needs, what needs it, the declared one.
    NeedsNewerApi(Api, String, Api),
}

impl Findings {
    /// The MANIFEST's findings, placed in its current text.
    pub fn on_manifest(&self, doc: &YamlDocument, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for f in &self.manifest {
            match f {
                OnManifest::NoPluginClass(message) => {
                    if let Some(e) = doc.get("entry_point") {
                        out.push(Diagnostic::error(
                            codes::plugin::NO_PLUGIN_CLASS,
                            e.value.range,
                            message.clone(),
                        ));
                    }
                }
                OnManifest::NeedsNewerApi(needed, at, api) => {
                    if let Some(e) = doc.get("api") {
                        out.push(needs_newer_api(e.value.range, text, *needed, at, *api));
                    }
                }
            }
        }
        out
    }

    pub fn for_file(&self, path: &Path) -> Vec<Diagnostic> {
        self.files
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, d)| d.clone())
            .collect()
    }
}

/// [`check`], computed once per view of the files that keeps results: the
/// MANIFEST and every module of a plugin share one run of the rules.
pub fn findings(files: &dyn Files, folder: &Path, manifest: &str) -> Arc<Findings> {
    let key = Plugin::of_text(folder, manifest, files).facts_key();
    memoized(files, "code findings", folder, key, || {
        check(files, folder, manifest)
    })
}

/// Runs every rule on the plugin in `folder`, whose MANIFEST text is given.
pub fn check(files: &dyn Files, folder: &Path, manifest: &str) -> Findings {
    let plugin = Plugin::of_text(folder, manifest, files);
    let mut out = Findings::default();
    if plugin.is_legacy() {
        return out;
    }
    let code = PluginCode::load(files, folder, plugin.entry_point.as_deref());
    let sdk = sdk_api::get();
    let api = plugin
        .api
        .as_ref()
        .map(|(a, b, _, _)| (*a, *b))
        .filter(|a| *a <= sdk.newest());
    let mut cx = Rules {
        code: &code,
        files,
        sdk,
        api,
        plugin_type: plugin.plugin_type.as_deref(),
        out: &mut out,
        needs: None,
        too_new: HashMap::new(),
    };
    cx.syntax();
    cx.imports();
    cx.plugin_class();
    cx.sdk_uses();
    cx.count_further_uses();
    cx.report_api_on_manifest();
    super::config_reads::check(files, folder, manifest, &code, &mut out.files);
    out
}

struct Rules<'a> {
    code: &'a PluginCode,
    files: &'a dyn Files,
    sdk: &'static SdkApi,
    /// The MANIFEST's api, when it is one the SDK data knows.
    api: Option<Api>,
    plugin_type: Option<&'a str>,
    out: &'a mut Findings,
    /// The newest API the code needs beyond the MANIFEST's, with what needs it.
    needs: Option<(Api, String)>,
    /// `sdk/needs-newer-api` by file and name: where in `out.files` its one
    /// finding is, and how many more uses of the name the file has.
    too_new: HashMap<(usize, String), (usize, usize)>,
}

/// The SDK base class of a plugin type, qualified.
fn base_class(plugin_type: &str) -> Option<&'static str> {
    hooks::get()
        .of_type(plugin_type)
        .map(|h| h.base_class.as_str())
}

fn short(qual: &str) -> &str {
    qual.rsplit('.').next().unwrap_or(qual)
}

impl Rules<'_> {
    fn push(&mut self, file: usize, d: Diagnostic) {
        self.out.files.push((self.code.files[file].path.clone(), d));
    }

    fn syntax(&mut self) {
        for (i, f) in self.code.files.iter().enumerate() {
            for e in &f.index.errors {
                let mut range = e.range;
                if range.start == range.end {
                    let end = f.text[range.start..]
                        .chars()
                        .next()
                        .filter(|c| *c != '\n')
                        .map_or(range.start, |c| range.start + c.len_utf8());
                    range = TextRange::new(range.start, end);
                }
                let d = Diagnostic::error(
                    codes::python::SYNTAX_ERROR,
                    range,
                    format!("{}: SPS cannot import this module", e.message),
                );
                self.out.files.push((self.code.files[i].path.clone(), d));
            }
        }
    }

    /// Every import of every file: of the plugin, of the SDK, of the
    /// standard library, or of something that has to be bundled.
    fn imports(&mut self) {
        let declared = deps::declared(self.files, &self.code.folder);
        let mut provided: HashMap<String, &'static str> = HashMap::new();
        for d in &declared {
            for m in self.sdk.dist_modules(&d.dist) {
                provided.insert(m, d.file);
            }
        }
        let requirements = self.sdk.requirements(self.api.unwrap_or(self.sdk.newest()));
        // One finding on a module per import statement, however many names
        // it imports (`from vault import A, B`).
        let mut reported: Vec<(usize, TextRange)> = Vec::new();
        // Whether the plugin has each top-level name imported: the files
        // import the same few modules (`os`, `json`), and each answer
        // looks at the disk.
        let mut owned: HashMap<String, bool> = HashMap::new();
        for fi in 0..self.code.files.len() {
            let file = &self.code.files[fi];
            for import in &file.index.imports {
                if import.guarded || reported.contains(&(fi, import.module_range)) {
                    continue;
                }
                let Some(module) = self.code.absolute(fi, import) else {
                    self.push(
                        fi,
                        Diagnostic::error(
                            codes::import::MODULE_NOT_FOUND,
                            import.module_range,
                            format!(
                                "this relative import goes above the plugin's top-level package `{}`: SPS cannot import it",
                                file.package()
                            ),
                        ),
                    );
                    continue;
                };
                let top = module.split('.').next().unwrap_or("").to_string();
                // The SDK's rules judge its imports (and layout/sdk-bundled
                // a copy of it inside the plugin).
                if top == "safeguard" && import.level == 0 {
                    continue;
                }
                if let Some(target) = self.code.by_module(&module) {
                    let Some(name) = &import.name else { continue };
                    // `import *` of a plugin module brings what it has.
                    if name == "*" {
                        continue;
                    }
                    let t = &self.code.files[target];
                    if t.index.defines(name)
                        || t.index.star_import
                        || self.code.by_module(&format!("{module}.{name}")).is_some()
                    {
                        continue;
                    }
                    let d = Diagnostic::error(
                        codes::import::NAME_NOT_FOUND,
                        import.range,
                        format!(
                            "`{}` defines no `{name}`: importing it fails, and SPS cannot load the plugin",
                            t.rel
                        ),
                    );
                    self.push(fi, d);
                    continue;
                }
                if import.level > 0
                    || *owned
                        .entry(top.clone())
                        .or_insert_with(|| self.code.owns_top_level(self.files, &top))
                {
                    let d = Diagnostic::error(
                        codes::import::MODULE_NOT_FOUND,
                        import.module_range,
                        format!(
                            "the plugin has no module `{module}` that pluginv would package (no {0}.py or {0}/__init__.py, or a folder above it lacks __init__.py): SPS cannot import it",
                            module.replace('.', "/")
                        ),
                    );
                    reported.push((fi, import.module_range));
                    self.push(fi, d);
                    continue;
                }
                if top == "safeguard"
                    || crate::schema::python::is_stdlib(&top)
                    || requirements.contains(&top)
                    || provided.contains_key(&top)
                {
                    continue;
                }
                // `from vault import X` inside the package that holds
                // vault.py: Python 3 imports are absolute, so it fails.
                let package = file.package();
                let sibling = format!("{package}.{module}");
                if !package.is_empty() && import.level == 0 {
                    if let Some(t) = self.code.by_module(&sibling) {
                        let write = match &import.name {
                            Some(_) => format!("from .{module} import …"),
                            None => format!("from . import {module}"),
                        };
                        let d = Diagnostic::error(
                            codes::import::MODULE_NOT_FOUND,
                            import.module_range,
                            format!(
                                "`{module}` is the plugin's own `{}`, and Python 3 imports are absolute, so this import fails at run time: write `{write}`",
                                self.code.files[t].rel
                            ),
                        );
                        reported.push((fi, import.module_range));
                        self.push(fi, d);
                        continue;
                    }
                }
                let is_plugin_import = Some(fi) == self.code.entry && import.bound == "Plugin";
                if is_plugin_import {
                    let d = Diagnostic::error(
                        codes::import::MODULE_NOT_FOUND,
                        import.module_range,
                        format!(
                            "no module `{module}` in the plugin, so SPS cannot load the plugin's `Plugin` class: add {}.py, or fix the import",
                            module.replace('.', "/")
                        ),
                    );
                    reported.push((fi, import.module_range));
                    self.push(fi, d);
                    continue;
                }
                reported.push((fi, import.module_range));
                let d = Diagnostic::warning(
                    codes::import::NOT_PROVIDED,
                    import.module_range,
                    format!(
                        "pluginv will not bundle `{top}`: it is not in the standard library, the SDK or what SPS installs beside it, nor declared by the plugin; add it to Pipfile [packages]"
                    ),
                );
                self.push(fi, d);
            }
        }
    }
}
