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
    let key = Plugin::from_manifest(folder.to_path_buf(), manifest).facts_key();
    memoized(files, "code findings", folder, key, || {
        check(files, folder, manifest)
    })
}

/// Runs every rule on the plugin in `folder`, whose MANIFEST text is given.
pub fn check(files: &dyn Files, folder: &Path, manifest: &str) -> Findings {
    let plugin = Plugin::from_manifest(folder.to_path_buf(), manifest);
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
                if import.level > 0 || self.code.owns_top_level(self.files, &top) {
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

    fn plugin_class(&mut self) {
        let Some(entry) = self.code.entry else {
            return;
        };
        let (file, class) = match self.code.resolve_name(entry, "Plugin") {
            Resolved::Class(f, c) => (f, c),
            Resolved::Missing => {
                // An import of `Plugin` that does not resolve is reported at
                // the import.
                let ix = &self.code.files[entry].index;
                if !ix.defines("Plugin") {
                    let name = &self.code.files[entry].rel;
                    self.out.manifest.push(OnManifest::NoPluginClass(
                        format!("`{name}` neither defines nor imports a class named `Plugin`, which SPS instantiates: add `from lib.plugin import Plugin` or `class Plugin(...)`"),
                    ));
                }
                return;
            }
            _ => return,
        };
        let (chain, external) = self.code.class_chain(file, class);
        let bases = sdk_names::sdk_bases(self.sdk, &external);
        let class_ref = &self.code.files[file].index.classes[class];
        let (name, name_range) = (class_ref.name.clone(), class_ref.name_range);
        let Some(plugin_type) = self.plugin_type else {
            return;
        };
        // The base class and the plugin type.
        for (other_type, other) in &hooks::get().types {
            let other_base = other.base_class.as_str();
            if other_type != plugin_type
                && bases.iter().any(|b| b == other_base)
                && base_class(plugin_type).is_some()
            {
                let want = base_class(plugin_type).map_or("", short);
                self.push(
                    file,
                    Diagnostic::error(
                        codes::plugin::WRONG_BASE_CLASS,
                        name_range,
                        format!(
                            "`{name}` derives from {}, the base of `{other_type}` plugins, but the MANIFEST says `type: {plugin_type}`: derive from {want}, or set `type: {other_type}`",
                            short(other_base)
                        ),
                    ),
                );
                return;
            }
        }
        let classes: Vec<&Class> = chain
            .iter()
            .map(|(f, c)| &self.code.files[*f].index.classes[*c])
            .collect();
        self.plain_plugin_init(&chain, &classes, &name, name_range, file);
        let defined = |m: &str| classes.iter().any(|c| c.method(m).is_some());
        // Hooks.
        if let Some(type_hooks) = hooks::get().of_type(plugin_type) {
            let (base, hooks) = (type_hooks.base_class.as_str(), &type_hooks.needed_hooks);
            let consequence = &type_hooks.without_needed_hooks;
            if bases.iter().any(|b| b == base) {
                if !hooks.iter().any(|h| defined(h)) {
                    self.push(
                        file,
                        Diagnostic::warning(
                            codes::plugin::NO_HOOKS,
                            name_range,
                            format!(
                                "`{name}` defines neither `{}` nor `{}`, {consequence}: implement one of them",
                                hooks[0], hooks[1]
                            ),
                        ),
                    );
                }
                let sdk_class = self.sdk.name(base).map(|(_, c)| c);
                for (i, c) in classes.iter().enumerate() {
                    let f = chain[i].0;
                    for m in &c.methods {
                        let is_hook = m.name.starts_with("do_")
                            && sdk_class.is_some_and(|s| s.members.contains_key(&m.name));
                        if !is_hook {
                            continue;
                        }
                        let required: Vec<&str> = m
                            .params
                            .iter()
                            .skip(1)
                            .filter(|p| {
                                !p.has_default
                                    && matches!(
                                        p.kind,
                                        ParamKind::Positional
                                            | ParamKind::PositionalOnly
                                            | ParamKind::KeywordOnly
                                    )
                            })
                            .map(|p| p.name.as_str())
                            .collect();
                        if !required.is_empty() {
                            let d = Diagnostic::error(
                                codes::plugin::HOOK_PARAMETERS,
                                m.name_range,
                                format!(
                                    "the SDK calls `{}` with no arguments, but it requires {}: take only `self` and read the rest from `self.connection` or the configuration",
                                    m.name,
                                    list(&required)
                                ),
                            );
                            self.push(f, d);
                        }
                    }
                }
            }
        }
        // Raw hooks with other parameters than SPS passes.
        let wrapper_class = base_class(plugin_type).and_then(|b| self.sdk.name(b).map(|(_, c)| c));
        for (i, c) in classes.iter().enumerate() {
            let f = chain[i].0;
            let raw = hooks::get()
                .of_type(plugin_type)
                .map_or(&[][..], |h| h.raw_hooks.as_slice());
            for hook in raw.iter().map(|h| h.name.as_str()) {
                let (Some(m), Some(wrapper)) = (
                    c.method(hook),
                    wrapper_class.and_then(|w| w.members.get(hook)),
                ) else {
                    continue;
                };
                let passed: Vec<&str> = wrapper
                    .params
                    .iter()
                    .skip(1)
                    .filter(|p| !p.starts_with('*'))
                    .map(String::as_str)
                    .collect();
                if let Some(d) = raw_hook_mismatch(m, &passed) {
                    self.push(f, d);
                }
            }
        }
    }

    /// A `Plugin` whose ancestors are all the plugin's own classes: SPS
    /// constructs it as `Plugin(configuration)`, so its `__init__` (the
    /// first in the chain, else `object`'s) must take one argument.
    fn plain_plugin_init(
        &mut self,
        chain: &[(usize, usize)],
        classes: &[&Class],
        name: &str,
        name_range: TextRange,
        file: usize,
    ) {
        let plain = chain.iter().zip(classes).all(|((f, _), c)| {
            c.bases.iter().all(|(b, _)| {
                b == "object" || matches!(self.code.resolve_dotted(*f, b), Resolved::Class(..))
            })
        });
        // A class with no method at all is a stub, not yet a plugin.
        if !plain || classes.iter().all(|c| c.methods.is_empty()) {
            return;
        }
        let init = chain
            .iter()
            .zip(classes)
            .find_map(|((f, _), c)| c.method("__init__").map(|m| (*f, m)));
        let message = match init {
            None => format!(
                "SPS constructs `{name}(configuration)`, and `{name}` defines no `__init__` (nor \
                 derives from the SDK), so `object()` rejects the argument with `TypeError`: \
                 define `def __init__(self, configuration)`, or derive from the SDK's plugin class"
            ),
            Some((_, m)) => {
                let rest = &m.params[1.min(m.params.len())..];
                let positional = |p: &&super::index::Param| {
                    matches!(p.kind, ParamKind::Positional | ParamKind::PositionalOnly)
                };
                let takes = rest.iter().any(|p| p.kind == ParamKind::VarArgs)
                    || rest.iter().any(|p| positional(&p));
                let required = rest
                    .iter()
                    .filter(|p| !p.has_default && p.kind != ParamKind::VarArgs)
                    .filter(|p| p.kind != ParamKind::VarKeywords)
                    .count();
                let required_positional = rest
                    .iter()
                    .filter(|p| !p.has_default && positional(p))
                    .count();
                let keyword_only = required > required_positional;
                if takes && required_positional <= 1 && !keyword_only {
                    return;
                }
                format!(
                    "SPS constructs `{name}(configuration)` with one argument, and this `__init__` \
                     {}, so the plugin fails with `TypeError` at its first call: write \
                     `def __init__(self, configuration)`",
                    if !takes {
                        "takes none besides `self`".to_string()
                    } else {
                        "requires more".to_string()
                    }
                )
            }
        };
        let (f, at) = match init {
            Some((f, m)) => (f, m.name_range),
            None => (file, name_range),
        };
        self.push(
            f,
            Diagnostic::error(codes::plugin::INIT_SIGNATURE, at, message),
        );
    }

    /// Checks one name of the SDK against the MANIFEST's api.
    fn check_since(
        &mut self,
        file: usize,
        range: TextRange,
        what: &str,
        since: &str,
        until: Option<&str>,
    ) -> bool {
        let Some(api) = self.api else { return true };
        if sdk_api::present(since, until, api) {
            return true;
        }
        let Some(needed) = sdk_api::parse(since) else {
            return true;
        };
        if needed > api {
            // One finding per name and file: one fix (raise `api`) answers
            // every use, and the finding counts the others.
            if let Some((_, more)) = self.too_new.get_mut(&(file, what.to_string())) {
                *more += 1;
                return false;
            }
            self.too_new
                .insert((file, what.to_string()), (self.out.files.len(), 0));
            // A warning, not an error: SPS of a newer API runs the plugin
            // (real plugins ship so); only one of the declared API fails.
            let d = Diagnostic::warning(
                codes::sdk::NEEDS_NEWER_API,
                range,
                format!(
                    "{what} needs api {since} or newer; the MANIFEST says {declared}, so an SPS of API {declared} accepts the plugin and it fails there: raise `api` in the MANIFEST",
                    declared = sdk_api::show(api)
                ),
            );
            self.push(file, d);
            let f = &self.code.files[file];
            let at = format!("{what} at {}:{}", f.rel, f.line_of(range.start));
            if self.needs.as_ref().is_none_or(|(n, _)| needed > *n) {
                self.needs = Some((needed, at));
            }
        } else if let Some(until) = until {
            let d = Diagnostic::error(
                codes::sdk::UNKNOWN_NAME,
                range,
                format!(
                    "{what} is gone from the SDK after api {until}; the MANIFEST says {}",
                    sdk_api::show(api)
                ),
            );
            self.push(file, d);
        }
        false
    }

    /// Names the further uses of a name too new for the api on its one
    /// finding.
    fn count_further_uses(&mut self) {
        for (at, more) in self.too_new.values() {
            if *more > 0 {
                let d = &mut self.out.files[*at].1;
                let uses = format!(
                    " (here and {more} more time{} in this file); the MANIFEST says",
                    if *more == 1 { "" } else { "s" }
                );
                d.message = d.message.replacen("; the MANIFEST says", &uses, 1);
            }
        }
    }

    /// Imports from the SDK, and uses of its classes and of the plugin
    /// classes' SDK bases, against the MANIFEST's api.
    fn sdk_uses(&mut self) {
        let sdk = self.sdk;
        for fi in 0..self.code.files.len() {
            let file = &self.code.files[fi];
            let ix = file.index.clone();
            for import in &ix.imports {
                if import.level > 0 || !import.module.starts_with(sdk_api::PACKAGE) {
                    continue;
                }
                let module = import.module.as_str();
                if module.starts_with("safeguard.sessions.plugin_impl") {
                    continue;
                }
                let Some(m) = sdk.module(module) else {
                    let d = Diagnostic::error(
                        codes::sdk::UNKNOWN_NAME,
                        import.module_range,
                        format!("the SDK has no module `{module}` in any version"),
                    );
                    self.push(fi, d);
                    continue;
                };
                let module_ok = self.check_since(
                    fi,
                    import.module_range,
                    &format!("`{module}`"),
                    &m.since,
                    m.until.as_deref(),
                );
                let Some(name) = &import.name else {
                    continue;
                };
                let qual = format!("{module}.{name}");
                if let Some(n) = m.names.get(name) {
                    // A module too new for the api says it for its names.
                    if module_ok {
                        self.check_since(
                            fi,
                            import.range,
                            &format!("`{name}`"),
                            &n.since,
                            n.until.as_deref(),
                        );
                    }
                } else if let Some(sub) = sdk.module(&qual) {
                    self.check_since(
                        fi,
                        import.range,
                        &format!("`{qual}`"),
                        &sub.since,
                        sub.until.as_deref(),
                    );
                } else {
                    let d = Diagnostic::error(
                        codes::sdk::UNKNOWN_NAME,
                        import.range,
                        format!("the SDK has no `{name}` in `{module}` in any version: importing it fails"),
                    );
                    self.push(fi, d);
                }
            }
            // Hooks the plugin defines that its api's SDK never calls.
            let file_sdk = FileSdk::of(sdk, self.code, fi);
            for c in &ix.classes {
                let Some(base) = file_sdk.classes.get(&c.name) else {
                    continue;
                };
                let Some((_, sdk_class)) = sdk.name(&base.base) else {
                    continue;
                };
                for m in &c.methods {
                    if let Some(member) = sdk_class.members.get(&m.name) {
                        if m.name.starts_with("do_") {
                            self.check_since(
                                fi,
                                m.name_range,
                                &format!("the hook `{}`", m.name),
                                &member.since,
                                member.until.as_deref(),
                            );
                        }
                    }
                }
            }
            for u in &ix.uses {
                match file_sdk.resolve(sdk, &u.chain, u.class.as_deref()) {
                    Some(SdkRef::Name { entry, .. }) => {
                        let part = u.chain.last().map_or("", String::as_str);
                        self.check_since(
                            fi,
                            u.range,
                            &format!("`{part}`"),
                            &entry.since,
                            entry.until.as_deref(),
                        );
                    }
                    Some(SdkRef::Member {
                        class,
                        name,
                        member,
                    }) => {
                        self.check_since(
                            fi,
                            u.range,
                            &format!("`{}.{name}`", short(&class)),
                            &member.since,
                            member.until.as_deref(),
                        );
                        if u.called {
                            let what = format!("{}.{name}", short(&class));
                            self.check_keywords(fi, u, &member.keywords_since, &what);
                        }
                    }
                    // `RequestsTLS(...)`: the constructor's keywords.
                    Some(SdkRef::Bound { qual }) if u.called => {
                        if let Some((_, class)) = sdk.name(&qual) {
                            if let Some(init) = class.members.get("__init__") {
                                self.check_keywords(fi, u, &init.keywords_since, short(&qual));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn check_keywords(
        &mut self,
        fi: usize,
        u: &super::index::Use,
        since: &std::collections::BTreeMap<String, String>,
        what: &str,
    ) {
        for (k, range) in &u.keywords {
            if let Some(s) = since.get(k) {
                self.check_since(
                    fi,
                    *range,
                    &format!("the keyword `{k}` of `{what}`"),
                    s,
                    None,
                );
            }
        }
    }

    /// The newest API the code needs, on the MANIFEST's `api`.
    fn report_api_on_manifest(&mut self) {
        if let (Some((needed, at)), Some(api)) = (self.needs.take(), self.api) {
            self.out
                .manifest
                .push(OnManifest::NeedsNewerApi(needed, at, api));
        }
    }
}

/// `sdk/needs-newer-api` at the MANIFEST's `api` value (`range` in `text`),
/// with the fix that raises it in the value's own quoting.
fn needs_newer_api(range: TextRange, text: &str, needed: Api, at: &str, api: Api) -> Diagnostic {
    let written = &text[range.start.min(text.len())..range.end.min(text.len())];
    let value = sdk_api::show(needed);
    let new_text = match written.chars().next() {
        Some(q @ ('\'' | '"')) => format!("{q}{value}{q}"),
        _ => value.clone(),
    };
    Diagnostic::warning(
        codes::sdk::NEEDS_NEWER_API,
        range,
        format!(
            "the plugin's code needs api {value} or newer ({at}); the MANIFEST says {}",
            sdk_api::show(api)
        ),
    )
    .with_fix(
        format!("Set `api` to {value}"),
        vec![Edit::new(range, new_text)],
    )
}

fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a raw hook cannot take what SPS passes (by keyword), if it cannot.
fn raw_hook_mismatch(m: &Function, passed: &[&str]) -> Option<Diagnostic> {
    let params = &m.params;
    let has_kwargs = params.iter().any(|p| p.kind == ParamKind::VarKeywords);
    let named: Vec<&str> = params
        .iter()
        .skip(1)
        .filter(|p| !matches!(p.kind, ParamKind::VarArgs | ParamKind::VarKeywords))
        .map(|p| p.name.as_str())
        .collect();
    let unexpected: Vec<&str> = if has_kwargs {
        Vec::new()
    } else {
        passed
            .iter()
            .copied()
            .filter(|p| !named.contains(p))
            .collect()
    };
    let missing: Vec<&str> = params
        .iter()
        .skip(1)
        .filter(|p| {
            !p.has_default
                && !matches!(p.kind, ParamKind::VarArgs | ParamKind::VarKeywords)
                && !passed.contains(&p.name.as_str())
        })
        .map(|p| p.name.as_str())
        .collect();
    if unexpected.is_empty() && missing.is_empty() {
        return None;
    }
    // What the definition lacks comes first; the keywords SPS passes after.
    let mut problems = Vec::new();
    if !unexpected.is_empty() {
        problems.push(format!(
            "does not accept {}, which SPS passes",
            list(&unexpected)
        ));
    }
    if !missing.is_empty() {
        problems.push(format!(
            "requires {}, which SPS does not pass",
            list(&missing)
        ));
    }
    let fix = if missing.is_empty() {
        "add `**kwargs`, or take those names".to_string()
    } else {
        format!("give {} a default, or take SPS's names", list(&missing))
    };
    Some(Diagnostic::warning(
        codes::plugin::RAW_HOOK_SIGNATURE,
        m.name_range,
        format!(
            "`{}` {}: SPS (API 1.9) calls it with the keywords {}, as the SDK's own wrapper takes them; {fix}",
            m.name,
            problems.join(" and "),
            passed.join(", "),
        ),
    ))
}
