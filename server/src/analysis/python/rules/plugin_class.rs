//! The entry point's `Plugin` class: that it exists, its SDK base against
//! the MANIFEST's type, its hooks and their parameters, and the
//! constructor of a plain class.

use super::*;

impl Rules<'_> {
    pub(super) fn plugin_class(&mut self) {
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
                let positional = |p: &&crate::analysis::python::index::Param| {
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
