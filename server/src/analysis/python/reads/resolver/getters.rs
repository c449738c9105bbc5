//! What an argument's values are (literals, constants, what callers pass)
//! and the reads a getter call or an SDK call makes.

use super::*;

impl<'c> Resolver<'c> {
    /// The values an argument may have, `None` when one of them is not
    /// known.
    pub(in crate::analysis::python::reads) fn values(
        &self,
        file: usize,
        scope: &Arc<Scope>,
        arg: &Arg,
        depth: usize,
    ) -> Option<Vec<Val>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match arg {
            Arg::Lit(v) => Some(vec![v.clone()]),
            Arg::Ref(chain) => self.ref_values(file, scope, chain, depth),
            Arg::Concat(parts) => {
                let mut items = Vec::new();
                for p in parts {
                    let vs = self.values(file, scope, p, depth)?;
                    match vs.first()? {
                        Val::Seq(s) => items.extend(s.iter().cloned()),
                        _ => return None,
                    }
                }
                Some(vec![Val::Seq(items)])
            }
            Arg::Other => None,
        }
    }

    pub(in crate::analysis::python::reads) fn ref_values(
        &self,
        file: usize,
        scope: &Arc<Scope>,
        chain: &[Name],
        depth: usize,
    ) -> Option<Vec<Val>> {
        match chain {
            [name] => {
                if let Some((id, p)) = self.parameter(file, scope, name) {
                    return self.parameter_values(id, p, depth);
                }
                self.module_constant(file, name, 0).map(|v| vec![v])
            }
            [owner, attr] if owner == "self" || owner == "cls" => {
                let class = self.class_index(file, scope.class.as_deref()?)?;
                if attr == "_configuration_section" {
                    return self
                        .configuration_section(file, class, depth)
                        .map(|s| vec![Val::Str(s)]);
                }
                self.class_constant(file, class, attr).map(|v| vec![v])
            }
            [.., attr] => {
                let owner = chain[..chain.len() - 1].join(".");
                match self.code.resolve_dotted(file, &owner) {
                    Resolved::Class(f, c) => self.class_constant(f, c, attr).map(|v| vec![v]),
                    Resolved::Module(f) => self.module_constant(f, attr, 0).map(|v| vec![v]),
                    _ => None,
                }
            }
            [] => None,
        }
    }

    pub(in crate::analysis::python::reads) fn module_constant(
        &self,
        file: usize,
        name: &str,
        depth: usize,
    ) -> Option<Val> {
        let reads = &self.code.files[file].index.reads;
        if let Some(&i) = self.lookup(file).constants.get(name) {
            return Some(reads.constants[i].1.clone());
        }
        if depth > MAX_DEPTH {
            return None;
        }
        match self.code.resolve_name(file, name) {
            Resolved::Other(f) if f != file => self.module_constant(f, name, depth + 1),
            _ => None,
        }
    }

    pub(in crate::analysis::python::reads) fn class_constant(
        &self,
        file: usize,
        class: usize,
        name: &str,
    ) -> Option<Val> {
        let (chain, _) = self.code.class_chain(file, class);
        chain.into_iter().find_map(|(f, c)| {
            let cname = &self.code.files[f].index.classes[c].name;
            let i = *self
                .lookup(f)
                .class_constants
                .get(&(cname.clone(), name.to_string()))?;
            Some(self.code.files[f].index.reads.class_constants[i].2.clone())
        })
    }

    /// The base-class constructor calls in the class's `__init__`s:
    /// `super().__init__(configuration, configuration_section=...)`.
    pub(in crate::analysis::python::reads) fn init_calls(
        &self,
        file: usize,
        class: usize,
    ) -> Vec<(usize, &Call)> {
        let (chain, _) = self.code.class_chain(file, class);
        let mut out = Vec::new();
        for (f, c) in chain {
            let cname = &self.code.files[f].index.classes[c].name;
            let calls = &self.code.files[f].index.reads.calls;
            for &i in self.lookup(f).init_calls.get(cname).into_iter().flatten() {
                out.push((f, &calls[i]));
            }
        }
        out
    }

    pub(in crate::analysis::python::reads) fn configuration_section(
        &self,
        file: usize,
        class: usize,
        depth: usize,
    ) -> Option<String> {
        self.init_calls(file, class)
            .into_iter()
            .find_map(|(f, call)| {
                let a = call.keyword("configuration_section")?;
                let vs = self.values(f, &call.scope, a, depth + 1)?;
                vs.first()?.as_str().map(str::to_string)
            })
    }

    /// The values a function's parameter gets: its default and what its
    /// callers pass.
    pub(in crate::analysis::python::reads) fn parameter_values(
        &self,
        id: FnId,
        p: usize,
        depth: usize,
    ) -> Option<Vec<Val>> {
        let def = &self.functions(id.0)[id.1];
        let (name, default) = &def.params[p];
        let mut out = Vec::new();
        if let Some(d) = default {
            out.extend(self.values(id.0, &def.scope, d, depth + 1)?);
        }
        for &(f, ci, offset) in self.callers.get(&id).into_iter().flatten() {
            let c = &self.code.files[f].index.reads.calls[ci];
            {
                let passed = p
                    .checked_sub(offset)
                    .and_then(|i| c.args.get(i))
                    .or_else(|| c.keyword(name));
                if let Some(a) = passed {
                    out.extend(self.values(f, &c.scope, a, depth + 1)?);
                }
            }
        }
        // Each value once, in the order met: strings (option and section
        // names, the many) through a set, the rest compared.
        let mut seen = Vec::new();
        let mut strings: HashSet<String> = HashSet::default();
        for v in out {
            let new = match &v {
                Val::Str(s) => strings.insert(s.clone()),
                _ => !seen.contains(&v),
            };
            if new {
                seen.push(v);
            }
        }
        (!seen.is_empty()).then_some(seen)
    }

    pub(in crate::analysis::python::reads) fn strings(
        &self,
        file: usize,
        scope: &Arc<Scope>,
        arg: &Arg,
    ) -> Option<Vec<String>> {
        self.values(file, scope, arg, 0)?
            .into_iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// One getter call, if it reads the configuration.
    pub(in crate::analysis::python::reads) fn getter(&self, f: usize, g: &Call, out: &mut Reads) {
        let Some((method, receiver)) = g.callee.split_last() else {
            return;
        };
        let Some(getter) = Getter::from_method(method) else {
            return;
        };
        if !self.is_config(f, &g.scope, receiver) {
            return;
        }
        let file = &self.code.files[f];
        let at = |i: usize, kw: &str| -> Option<(&Arg, TextRange)> {
            match g.args.get(i) {
                Some(a) => Some((a, g.arg_ranges[i])),
                None => g
                    .keywords
                    .iter()
                    .find(|(k, _, _)| k == kw)
                    .map(|(_, a, r)| (a, *r)),
            }
        };
        let Some(sections) = at(0, "section").and_then(|(a, _)| self.strings(f, &g.scope, a))
        else {
            out.any_section = true;
            return;
        };
        let option_range = at(1, "option").map(|(_, r)| r);
        let shift = usize::from(getter == Getter::Ienum);
        let value_set = if getter == Getter::Ienum {
            at(2, "value_set")
                .and_then(|(a, _)| self.values(f, &g.scope, a, 0))
                .and_then(|vs| vs.first().and_then(Val::strings))
        } else {
            None
        };
        let default_arg = at(2 + shift, "default");
        let default = match default_arg {
            None => Default::Absent,
            Some((a, _)) => match self.values(f, &g.scope, a, 0) {
                Some(vs) if vs.len() == 1 => Default::Known(vs[0].clone()),
                _ => Default::Unknown,
            },
        };
        let default_range = match default_arg {
            Some((Arg::Lit(_), r)) => Some(r),
            _ => None,
        };
        let required = at(3 + shift, "required")
            .and_then(|(a, _)| self.values(f, &g.scope, a, 0))
            .is_some_and(|vs| vs == [Val::Bool(true)]);
        // The option: resolved, the keys of a constant dict looped over,
        // or any.
        let mut options: Vec<(Option<String>, Default)> = Vec::new();
        if getter == Getter::Options {
            options.push((None, Default::Absent));
        } else {
            let option_arg = at(1, "option").map(|(a, _)| a);
            match option_arg.and_then(|a| self.strings(f, &g.scope, a)) {
                Some(names) => {
                    options.extend(names.into_iter().map(|n| (Some(n), default.clone())));
                }
                None => match option_arg.and_then(|a| self.looped(f, g, a, default_arg)) {
                    Some(keys) => options.extend(keys),
                    None => options.push((None, Default::Absent)),
                },
            }
        }
        for section in sections {
            for (option, d) in &options {
                out.reads.push(Read {
                    section: section.clone(),
                    option: option.as_deref().map(|o| ini::py_lower(o).into_owned()),
                    getter,
                    default: d.clone(),
                    default_range,
                    option_range,
                    required,
                    value_set: value_set.clone(),
                    rel: file.rel.clone(),
                    path: file.path.clone(),
                    range: g.range,
                    line: self.line_of(f, g.range.start),
                    by_sdk: None,
                    under: None,
                    none_tested: false,
                });
            }
        }
    }

    /// `for name, default in OPTIONS.items(): config.get(s, name, default)`:
    /// the dict's keys as options, with their values as defaults.
    pub(in crate::analysis::python::reads) fn looped(
        &self,
        f: usize,
        g: &Call,
        option: &Arg,
        default: Option<(&Arg, TextRange)>,
    ) -> Option<Vec<(Option<String>, Default)>> {
        let Arg::Ref(ch) = option else { return None };
        let [key] = &ch[..] else { return None };
        let l = self.code.files[f]
            .index
            .reads
            .loops
            .iter()
            .rev()
            .find(|l| l.key == *key && g.scope.functions.starts_with(&l.scope.functions))?;
        let dict = self.ref_values(f, &l.scope, &l.dict, 0)?;
        let Some(Val::Dict(items)) = dict.first() else {
            return None;
        };
        let default_is_value = matches!(
            (default, &l.value),
            (Some((Arg::Ref(d), _)), Some(v)) if d.len() == 1 && d[0] == *v
        );
        items
            .iter()
            .map(|(k, v)| {
                let d = if default_is_value {
                    Default::Known(v.clone())
                } else {
                    Default::Unknown
                };
                k.as_str().map(|k| (Some(k.to_string()), d))
            })
            .collect()
    }

    /// What the SDK reads because of a call: a factory, or the base
    /// class's constructor given `configuration_section=` / `defaults=`.
    pub(in crate::analysis::python::reads) fn sdk_call(&self, f: usize, c: &Call, out: &mut Reads) {
        let file = &self.code.files[f];
        let read = |section: &str, option: &str, getter, required, default: Option<Val>, by| Read {
            section: section.to_string(),
            option: Some(option.to_string()),
            getter,
            default: default.map_or(Default::Absent, Default::Known),
            default_range: None,
            option_range: None,
            required,
            value_set: None,
            rel: file.rel.clone(),
            path: file.path.clone(),
            range: c.range,
            line: self.line_of(f, c.range.start),
            by_sdk: Some(by),
            under: None,
            none_tested: false,
        };
        match &c.callee[..] {
            [class, m] if m == "from_config" => {
                let sdk = match self.code.resolve_name(f, class) {
                    Resolved::External(q) => q.starts_with("safeguard.sessions.plugin"),
                    _ => false,
                };
                let Some((by, section, options)) = factory(class).filter(|_| sdk) else {
                    return;
                };
                let section = match c.args.get(1).or_else(|| c.keyword("section")) {
                    Some(a) => match self.strings(f, &c.scope, a) {
                        Some(s) => s,
                        None => {
                            out.any_section = true;
                            return;
                        }
                    },
                    None => vec![section.to_string()],
                };
                let named = c.args.get(2).is_some() || c.keyword("name").is_some();
                for s in &section {
                    for (option, getter, required, default) in &options {
                        let required = *required && !named;
                        out.reads
                            .push(read(s, option, *getter, required, default.clone(), by));
                    }
                }
            }
            // `credential_store.get_keys("tpam", "server_user_key")`: the
            // store is looked up as a `$` value of `[tpam] server_user_key`
            // would be, so a `; server_user_key=$` documents it.
            [_, m]
                if matches!(
                    m.as_str(),
                    "get_passwords" | "get_keys" | "get_certificates"
                ) =>
            {
                if let [Arg::Lit(Val::Str(host)), Arg::Lit(Val::Str(user)), ..] = &c.args[..] {
                    out.reads.push(read(
                        host,
                        &ini::py_lower(user),
                        Getter::Get,
                        false,
                        None,
                        "CredentialStore lookup",
                    ));
                }
            }
            [_, m] if m == "__init__" && c.scope.functions == ["__init__"] => {
                if let Some(a) = c.keyword("configuration_section") {
                    match self.strings(f, &c.scope, a) {
                        Some(sections) => {
                            for s in sections {
                                let by = "CredentialStorePlugin(configuration_section=)";
                                let mut r = read(
                                    &s,
                                    "use_credential",
                                    Getter::Ienum,
                                    false,
                                    Some(Val::Str("gateway".into())),
                                    by,
                                );
                                r.value_set = Some(vec!["explicit".into(), "gateway".into()]);
                                out.reads.push(r);
                                for o in ["username", "password"] {
                                    out.reads.push(read(&s, o, Getter::Get, false, None, by));
                                }
                            }
                        }
                        None => out.any_section = true,
                    }
                }
                if let Some(a) = c.keyword("defaults") {
                    match self.values(f, &c.scope, a, 0).as_deref() {
                        Some([Val::Str(text)]) => {
                            let parsed = ini::parse(text);
                            for s in &parsed.sections {
                                let Some(name) = s.name() else { continue };
                                for e in &s.entries {
                                    out.defaults.push((
                                        name.to_string(),
                                        e.name.to_string(),
                                        e.value.to_string(),
                                    ));
                                }
                            }
                        }
                        Some([Val::None]) => {}
                        _ => out.any_section = true,
                    }
                }
            }
            _ => {}
        }
    }
}
