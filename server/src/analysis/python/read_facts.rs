//! What one Python file says about the configuration, as written: every
//! call of a `PluginConfiguration` getter (on any receiver: which receivers
//! hold the configuration is decided across files, in [`super::reads`]),
//! every other call (to follow the configuration object into the
//! functions it is handed to, and literals into helpers), the functions'
//! parameters with their literal defaults, and the module's and classes'
//! constants. Gathered by the walk that fills the file's index, and cached
//! with it.

use std::sync::Arc;

use rustc_hash::FxHashMap;

pub use crate::syntax::python::ast::name::Name;
use crate::syntax::python::{ast, range};
use crate::text::TextRange;

/// A value the code writes as a literal (or a constant of literals).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A tuple, list or set.
    Seq(Vec<Val>),
    Dict(Vec<(Val, Val)>),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The strings of a sequence of strings.
    pub fn strings(&self) -> Option<Vec<String>> {
        match self {
            Val::Seq(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => None,
        }
    }

    /// As Python writes it (`True`, `'x'`, `60`).
    pub fn python(&self) -> String {
        match self {
            Val::Str(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => format!("{f:?}"),
            Val::Bool(b) => if *b { "True" } else { "False" }.into(),
            Val::None => "None".into(),
            Val::Seq(items) => format!(
                "[{}]",
                items.iter().map(Val::python).collect::<Vec<_>>().join(", ")
            ),
            Val::Dict(_) => "{...}".into(),
        }
    }
}

/// An argument as the resolution needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Lit(Val),
    /// A name or an attribute chain: `section`, `self._configuration_section`,
    /// `V9Authenticator.TYPES`.
    Ref(Vec<Name>),
    /// `a + b`.
    Concat(Vec<Arg>),
    Other,
}

/// Where a call or definition sits: the module-level class and the chain
/// of functions around it (`["from_config", "helper"]`). Shared by every
/// call and definition in the same place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub class: Option<String>,
    pub functions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Call {
    /// The called chain: `["self", "plugin_configuration", "getint"]`,
    /// `["Client", "from_config"]`, `["super()", "__init__"]`.
    pub callee: Vec<Name>,
    pub args: Vec<Arg>,
    pub arg_ranges: Vec<TextRange>,
    pub keywords: Vec<(Name, Arg, TextRange)>,
    /// The whole call.
    pub range: TextRange,
    pub scope: Arc<Scope>,
}

impl Call {
    pub fn keyword(&self, name: &str) -> Option<&Arg> {
        self.keywords
            .iter()
            .find(|(k, _, _)| k == name)
            .map(|(_, a, _)| a)
    }
}

#[derive(Debug, Clone)]
pub struct FnDef {
    /// Its scope: the class it is a method of, the functions around it.
    pub scope: Arc<Scope>,
    pub name: String,
    /// Every parameter (`self` and `cls` included), with its literal
    /// default.
    pub params: Vec<(String, Option<Arg>)>,
    pub is_static: bool,
}

impl FnDef {
    /// Whether the first parameter is `self` or `cls` (a method that is no
    /// staticmethod).
    pub fn binds_first(&self) -> bool {
        self.scope.class.is_some() && self.scope.functions.is_empty() && !self.is_static
    }
}

/// What the resolver looks up by name in one file, built once per index
/// (not at every keystroke for every module) so that each look-up is a hash
/// (a scan of every function or constant per read made 20,000 reads take
/// 16-29 s).
#[derive(Clone, Default)]
pub struct Lookup {
    /// The last function of each (class, enclosing functions, name), by
    /// the hash of the three ([`fn_key`]).
    pub functions: FxHashMap<u64, usize>,
    /// The last module constant of each name.
    pub constants: FxHashMap<String, usize>,
    /// The last class constant of each (class, name).
    pub class_constants: FxHashMap<(String, String), usize>,
    /// The calls in each class's `__init__` of a two-part `….__init__`.
    pub init_calls: FxHashMap<String, Vec<usize>>,
    /// Byte offsets where lines start.
    pub line_starts: Vec<usize>,
}

impl std::fmt::Debug for Lookup {
    // Derived from the facts beside it: nothing of its own to show.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookup { .. }")
    }
}

impl Lookup {
    pub fn of(reads: &ReadFacts, text: &str) -> Lookup {
        let mut t = Lookup::default();
        for (i, d) in reads.functions.iter().enumerate() {
            t.functions.insert(
                fn_key(d.scope.class.as_deref(), &d.scope.functions, None, &d.name),
                i,
            );
        }
        for (i, (n, _)) in reads.constants.iter().enumerate() {
            t.constants.insert(n.clone(), i);
        }
        for (i, (k, n, _)) in reads.class_constants.iter().enumerate() {
            t.class_constants.insert((k.clone(), n.clone()), i);
        }
        for (i, call) in reads.calls.iter().enumerate() {
            if let Some(class) = &call.scope.class {
                if call.scope.functions == ["__init__"]
                    && call.callee.last().is_some_and(|m| m == "__init__")
                    && call.callee.len() == 2
                {
                    t.init_calls.entry(class.clone()).or_default().push(i);
                }
            }
        }
        t.line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        t
    }
}

/// The hash of a function's place: its class, the functions around it
/// (`outer`, then `last` if any) and its name. Hashed part by part, so
/// that a function's body scope needs no `Vec` of its own to be looked up.
pub fn fn_key(class: Option<&str>, outer: &[String], last: Option<&str>, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    class.hash(&mut h);
    for f in outer.iter().map(String::as_str).chain(last) {
        f.hash(&mut h);
    }
    h.write_u8(0xfe);
    name.hash(&mut h);
    h.finish()
}

#[derive(Debug, Clone, Default)]
pub struct ReadFacts {
    /// Calls of a `PluginConfiguration` method name, on any receiver.
    pub getters: Vec<Call>,
    /// Every other call of a named chain.
    pub calls: Vec<Call>,
    pub functions: Vec<FnDef>,
    /// Module-level `NAME = <literal>`.
    pub constants: Vec<(String, Val)>,
    /// Class-level `NAME = <literal>`: (class, name, value).
    pub class_constants: Vec<(String, String, Val)>,
    /// `for k, v in NAME.items()` / `for k in NAME`: the loop's names and
    /// the dict's chain, in a scope.
    pub loops: Vec<Loop>,
    /// The look-up tables of the above, filled by [`super::index::index`].
    pub lookup: Lookup,
}

#[derive(Debug, Clone)]
pub struct Loop {
    pub key: String,
    pub value: Option<String>,
    pub dict: Vec<Name>,
    pub scope: Arc<Scope>,
}

/// A name or attribute chain as its names (`super()` for a call of
/// `super`); each name a [`Name`], kept inline when short.
pub(crate) fn chain(expr: &ast::Expr) -> Option<Vec<Name>> {
    match expr {
        ast::Expr::Name(n) => Some(vec![n.id.clone()]),
        ast::Expr::Attribute(a) => {
            let mut c = chain(&a.value)?;
            c.push(a.attr.id.clone());
            Some(c)
        }
        ast::Expr::Call(c) if matches!(&*c.func, ast::Expr::Name(n) if n.id.as_str() == "super") => {
            Some(vec![Name::new_static("super()")])
        }
        _ => None,
    }
}

/// Python's `textwrap.dedent`: the common leading whitespace of the
/// non-blank lines removed, blank lines emptied.
fn dedent(s: &str) -> String {
    let margin = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    s.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                if l.ends_with('\n') { "\n" } else { "" }.to_string()
            } else {
                l.get(margin..).unwrap_or(l).to_string()
            }
        })
        .collect()
}

/// The value of a literal expression (tuples, lists, dicts of literals,
/// `dedent("...")` of a string).
pub fn value(expr: &ast::Expr) -> Option<Val> {
    Some(match expr {
        ast::Expr::StringLiteral(s) => Val::Str(s.value.to_str().to_string()),
        ast::Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Val::Int(i.as_i64()?),
            ast::Number::Float(f) => Val::Float(*f),
            ast::Number::Complex { .. } => return None,
        },
        ast::Expr::BooleanLiteral(b) => Val::Bool(b.value),
        ast::Expr::NoneLiteral(_) => Val::None,
        ast::Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => match value(&u.operand)? {
            Val::Int(i) => Val::Int(-i),
            Val::Float(f) => Val::Float(-f),
            _ => return None,
        },
        ast::Expr::Tuple(t) => Val::Seq(t.elts.iter().map(value).collect::<Option<_>>()?),
        ast::Expr::List(l) => Val::Seq(l.elts.iter().map(value).collect::<Option<_>>()?),
        ast::Expr::Set(s) => Val::Seq(s.elts.iter().map(value).collect::<Option<_>>()?),
        ast::Expr::Dict(d) => Val::Dict(
            d.items
                .iter()
                .map(|i| Some((value(i.key.as_ref()?)?, value(&i.value)?)))
                .collect::<Option<_>>()?,
        ),
        ast::Expr::Call(c)
            if c.arguments.args.len() == 1
                && chain(&c.func).is_some_and(|ch| ch.last().is_some_and(|n| n == "dedent")) =>
        {
            match value(&c.arguments.args[0])? {
                Val::Str(s) => Val::Str(dedent(&s)),
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn arg(expr: &ast::Expr) -> Arg {
    if let Some(v) = value(expr) {
        return Arg::Lit(v);
    }
    match expr {
        ast::Expr::Name(_) | ast::Expr::Attribute(_) => chain(expr).map_or(Arg::Other, Arg::Ref),
        ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::Add) => {
            let mut parts = Vec::new();
            for side in [&*b.left, &*b.right] {
                match arg(side) {
                    Arg::Concat(inner) => parts.extend(inner),
                    a => parts.push(a),
                }
            }
            Arg::Concat(parts)
        }
        _ => Arg::Other,
    }
}

fn parameters(p: &ast::Parameters) -> Vec<(String, Option<Arg>)> {
    let mut out = Vec::new();
    for a in p.posonlyargs.iter().chain(&p.args).chain(&p.kwonlyargs) {
        out.push((a.parameter.name.to_string(), a.default.as_deref().map(arg)));
    }
    out
}

/// What [`ReadFacts`] keeps, fed by the file's one walk
/// (`index/walker.rs`) as it goes: the walk says where it is and what it
/// meets, this keeps the facts and the scope they sit in.
#[derive(Default)]
pub struct Gatherer {
    pub out: ReadFacts,
    scope: Arc<Scope>,
    /// The scopes around, to go back to.
    outer: Vec<Arc<Scope>>,
}

impl Gatherer {
    fn at_module(&self) -> bool {
        self.scope.class.is_none() && self.scope.functions.is_empty()
    }

    fn at_class_level(&self) -> bool {
        self.scope.class.is_some() && self.scope.functions.is_empty()
    }

    /// A class's body begins. Classes in functions are walked under no
    /// class name.
    pub fn enter_class(&mut self, name: &str) {
        let inner = if self.at_module() {
            Arc::new(Scope {
                class: Some(name.to_string()),
                functions: Vec::new(),
            })
        } else {
            self.scope.clone()
        };
        self.outer.push(std::mem::replace(&mut self.scope, inner));
    }

    /// A function's body begins (its decorators already walked).
    pub fn enter_function(&mut self, f: &ast::StmtFunctionDef) {
        let is_static = f.decorator_list.iter().any(
            |d| matches!(&d.expression, ast::Expr::Name(n) if n.id.as_str() == "staticmethod"),
        );
        self.out.functions.push(FnDef {
            scope: self.scope.clone(),
            name: f.name.to_string(),
            params: parameters(&f.parameters),
            is_static,
        });
        let mut inner = (*self.scope).clone();
        inner.functions.push(f.name.to_string());
        self.outer
            .push(std::mem::replace(&mut self.scope, Arc::new(inner)));
    }

    /// The body of the last class or function entered ends.
    pub fn leave(&mut self) {
        if let Some(outer) = self.outer.pop() {
            self.scope = outer;
        }
    }

    /// `NAME = <literal>`.
    pub fn assign(&mut self, a: &ast::StmtAssign) {
        if let [ast::Expr::Name(n)] = &a.targets[..] {
            if let Some(v) = value(&a.value) {
                self.constant(n.id.to_string(), v);
            }
        }
    }

    /// `NAME: T = <literal>`.
    pub fn ann_assign(&mut self, a: &ast::StmtAnnAssign) {
        if let (Some(v), ast::Expr::Name(n)) = (a.value.as_deref().and_then(value), &*a.target) {
            self.constant(n.id.to_string(), v);
        }
    }

    fn constant(&mut self, name: String, v: Val) {
        if self.at_module() {
            self.out.constants.push((name, v));
        } else if self.at_class_level() {
            let class = self.scope.class.clone().unwrap_or_default();
            self.out.class_constants.push((class, name, v));
        }
    }

    pub fn for_loop(&mut self, f: &ast::StmtFor) {
        let (key, value) = match &*f.target {
            ast::Expr::Name(n) => (n.id.to_string(), None),
            ast::Expr::Tuple(t) => match &t.elts[..] {
                [ast::Expr::Name(k), ast::Expr::Name(v)] => {
                    (k.id.to_string(), Some(v.id.to_string()))
                }
                _ => return,
            },
            _ => return,
        };
        let dict = match &*f.iter {
            ast::Expr::Call(c) if c.arguments.args.is_empty() => match chain(&c.func) {
                Some(mut ch) if ch.last().is_some_and(|n| n == "items") && value.is_some() => {
                    ch.pop();
                    ch
                }
                Some(mut ch) if ch.last().is_some_and(|n| n == "keys") && value.is_none() => {
                    ch.pop();
                    ch
                }
                _ => return,
            },
            e if value.is_none() => match chain(e) {
                Some(ch) => ch,
                None => return,
            },
            _ => return,
        };
        self.out.loops.push(Loop {
            key,
            value,
            dict,
            scope: self.scope.clone(),
        });
    }

    /// A call (lambdas' bodies are not walked for these).
    pub fn call(&mut self, c: &ast::ExprCall) {
        let Some(callee) = chain(&c.func) else {
            return;
        };
        let call = Call {
            args: c.arguments.args.iter().map(arg).collect(),
            arg_ranges: c.arguments.args.iter().map(range).collect(),
            keywords: c
                .arguments
                .keywords
                .iter()
                .filter_map(|k| {
                    k.arg
                        .as_ref()
                        .map(|a| (a.id.clone(), arg(&k.value), range(&k.value)))
                })
                .collect(),
            range: range(c),
            scope: self.scope.clone(),
            callee,
        };
        let is_getter = call.callee.len() >= 2
            && crate::schema::sdk_api::get().is_config_getter(&call.callee[call.callee.len() - 1]);
        if is_getter {
            self.out.getters.push(call);
        } else {
            self.out.calls.push(call);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::python;

    fn extract(body: &[ast::Stmt]) -> ReadFacts {
        crate::analysis::python::index::walk(body).reads
    }

    #[test]
    fn dedent_like_python() {
        assert_eq!(
            dedent("\n    [a]\n    k=v\n\n    [b]\n"),
            "\n[a]\nk=v\n\n[b]\n"
        );
    }

    #[test]
    fn records_getters_calls_functions_and_constants() {
        let tree = python::parse(
            "SECTION = 'plugin'\nclass C:\n    TYPES = ('a', 'b')\n    @classmethod\n    def from_config(cls, config, section='duo'):\n        return config.getienum(section, 'x', cls.TYPES + ('c',), default='a')\n",
        );
        let f = extract(&tree.body);
        assert_eq!(f.constants, [("SECTION".into(), Val::Str("plugin".into()))]);
        assert_eq!(f.class_constants[0].1, "TYPES");
        assert_eq!(f.functions[0].name, "from_config");
        assert_eq!(
            f.functions[0].params[2],
            ("section".into(), Some(Arg::Lit(Val::Str("duo".into()))))
        );
        let g = &f.getters[0];
        assert_eq!(g.callee, ["config", "getienum"]);
        assert_eq!(g.args[0], Arg::Ref(vec!["section".into()]));
        assert_eq!(
            g.args[2],
            Arg::Concat(vec![
                Arg::Ref(vec!["cls".into(), "TYPES".into()]),
                Arg::Lit(Val::Seq(vec![Val::Str("c".into())]))
            ])
        );
        assert_eq!(g.scope.functions, ["from_config"]);
    }
}
