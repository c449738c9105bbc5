//! The SDK API the code uses (imports, classes, members, keywords, hooks)
//! against the MANIFEST's `api`: `sdk/needs-newer-api` once per name and
//! file, `sdk/unknown-name`, and the one finding on the MANIFEST's `api`.

use super::*;

impl Rules<'_> {
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
    pub(super) fn count_further_uses(&mut self) {
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
    pub(super) fn sdk_uses(&mut self) {
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
                        let part = u.chain.last().map_or("", |n| n.as_str());
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
        u: &crate::analysis::python::index::Use,
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
    pub(super) fn report_api_on_manifest(&mut self) {
        if let (Some((needed, at)), Some(api)) = (self.needs.take(), self.api) {
            self.out
                .manifest
                .push(OnManifest::NeedsNewerApi(needed, at, api));
        }
    }
}

/// `sdk/needs-newer-api` at the MANIFEST's `api` value (`range` in `text`),
/// with the fix that raises it in the value's own quoting.
pub(super) fn needs_newer_api(
    range: TextRange,
    text: &str,
    needed: Api,
    at: &str,
    api: Api,
) -> Diagnostic {
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
