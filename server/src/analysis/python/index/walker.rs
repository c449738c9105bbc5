//! The one walk of a file's syntax tree that fills its [`FileIndex`]:
//! imports, classes and their methods, functions, constants, the uses of
//! names, and what the file reads of its configuration (`read_facts`).

use super::*;
use crate::syntax::python::{ast, range};

pub(super) fn index_here(text: &str) -> FileIndex {
    let tree = python::parse(text);
    let mut ix = FileIndex {
        errors: tree.errors,
        ..FileIndex::default()
    };
    let mut walker = Walker {
        ix: &mut ix,
        class: None,
        guarded: 0,
        depth: 0,
        seen_calls: Default::default(),
    };
    walker.module_body(&tree.body);
    ix.reads = crate::analysis::python::read_facts::extract(&tree.body);
    ix.literal_chains = crate::analysis::python::literal_chains::extract(&tree.body);
    ix.names.sort();
    ix.names.dedup();
    // The SDK rules follow a chain only from `self`, `super()` or a name an
    // import binds: the other uses (most of a file) are not kept.
    let bound: rustc_hash::FxHashSet<&str> = ix.imports.iter().map(|i| i.bound.as_str()).collect();
    ix.uses.retain(|u| {
        matches!(u.chain[0].as_str(), "self" | "super()") || bound.contains(u.chain[0].as_str())
    });
    ix
}

struct Walker<'a> {
    ix: &'a mut FileIndex,
    class: Option<String>,
    guarded: usize,
    /// 0 at module level.
    depth: usize,
    /// Ranges of call targets already recorded as uses.
    seen_calls: rustc_hash::FxHashSet<TextRange>,
}

fn dotted(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::Name(n) => Some(n.id.to_string()),
        ast::Expr::Attribute(a) => Some(format!("{}.{}", dotted(&a.value)?, a.attr.as_str())),
        _ => None,
    }
}

/// `a.b.c` as `["a", "b", "c"]`, `super().x` as `["super()", "x"]`.
fn chain(expr: &ast::Expr) -> Option<Vec<String>> {
    match expr {
        ast::Expr::Name(n) => Some(vec![n.id.to_string()]),
        ast::Expr::Attribute(a) => {
            let mut c = chain(&a.value)?;
            c.push(a.attr.to_string());
            Some(c)
        }
        ast::Expr::Call(c) if matches!(&*c.func, ast::Expr::Name(n) if n.id.as_str() == "super") => {
            Some(vec!["super()".to_string()])
        }
        _ => None,
    }
}

fn literal(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        ast::Expr::NumberLiteral(n) => Some(match &n.value {
            ast::Number::Int(i) => i.to_string(),
            ast::Number::Float(f) => f.to_string(),
            ast::Number::Complex { .. } => return None,
        }),
        ast::Expr::BooleanLiteral(b) => Some(if b.value { "True" } else { "False" }.into()),
        _ => None,
    }
}

fn params(p: &ast::Parameters) -> Vec<Param> {
    let mut out = Vec::new();
    let mut push = |pw: &ast::ParameterWithDefault, kind| {
        out.push(Param {
            name: pw.parameter.name.to_string(),
            kind,
            has_default: pw.default.is_some(),
        })
    };
    for a in &p.posonlyargs {
        push(a, ParamKind::PositionalOnly);
    }
    for a in &p.args {
        push(a, ParamKind::Positional);
    }
    if let Some(v) = &p.vararg {
        out.push(Param {
            name: v.name.to_string(),
            kind: ParamKind::VarArgs,
            has_default: false,
        });
    }
    for a in &p.kwonlyargs {
        out.push(Param {
            name: a.parameter.name.to_string(),
            kind: ParamKind::KeywordOnly,
            has_default: a.default.is_some(),
        });
    }
    if let Some(k) = &p.kwarg {
        out.push(Param {
            name: k.name.to_string(),
            kind: ParamKind::VarKeywords,
            has_default: false,
        });
    }
    out
}

fn function(f: &ast::StmtFunctionDef) -> Function {
    Function {
        name: f.name.to_string(),
        name_range: range(&f.name),
        range: range(f),
        params: params(&f.parameters),
        decorators: f
            .decorator_list
            .iter()
            .filter_map(|d| {
                let e = match &d.expression {
                    ast::Expr::Call(c) => &*c.func,
                    e => e,
                };
                dotted(e)
            })
            .collect(),
    }
}

/// Whether a handler list catches a failed import.
fn catches_import_error(handlers: &[ast::ExceptHandler]) -> bool {
    handlers.iter().any(|h| {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        let Some(t) = &h.type_ else {
            return true;
        };
        let names: Vec<String> = match &**t {
            ast::Expr::Tuple(t) => t.elts.iter().filter_map(dotted).collect(),
            e => dotted(e).into_iter().collect(),
        };
        names.iter().any(|n| {
            matches!(
                n.as_str(),
                "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
            )
        })
    })
}

impl Walker<'_> {
    fn module_body(&mut self, body: &[ast::Stmt]) {
        for stmt in body {
            self.module_stmt(stmt);
        }
    }

    /// A statement at module level (also inside module-level if/try/with/for).
    fn module_stmt(&mut self, stmt: &ast::Stmt) {
        match stmt {
            ast::Stmt::ClassDef(c) => {
                self.ix.names.push(c.name.to_string());
                let class = self.class_def(c);
                self.ix.classes.push(class);
            }
            ast::Stmt::FunctionDef(f) => {
                self.ix.names.push(f.name.to_string());
                self.ix.functions.push(function(f));
                self.nested(|w| w.stmts(&f.body));
                for d in &f.decorator_list {
                    self.expr(&d.expression);
                }
            }
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    self.bind_target(t, Some(&a.value));
                }
                self.expr(&a.value);
            }
            ast::Stmt::AnnAssign(a) => {
                self.bind_target(&a.target, a.value.as_deref());
                if let Some(v) = &a.value {
                    self.expr(v);
                }
            }
            ast::Stmt::If(i) => {
                let type_checking = dotted(&i.test).is_some_and(|d| d.ends_with("TYPE_CHECKING"));
                self.expr(&i.test);
                self.guarded += usize::from(type_checking);
                self.module_body(&i.body);
                self.guarded -= usize::from(type_checking);
                for clause in &i.elif_else_clauses {
                    self.module_body(&clause.body);
                }
            }
            ast::Stmt::Try(t) => {
                let guard = usize::from(catches_import_error(&t.handlers));
                self.guarded += guard;
                self.module_body(&t.body);
                self.guarded -= guard;
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    self.module_body(&h.body);
                }
                self.module_body(&t.orelse);
                self.module_body(&t.finalbody);
            }
            ast::Stmt::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        self.bind_target(v, None);
                    }
                }
                self.module_body(&w.body);
            }
            ast::Stmt::For(f) => {
                self.bind_target(&f.target, None);
                self.expr(&f.iter);
                self.module_body(&f.body);
                self.module_body(&f.orelse);
            }
            ast::Stmt::While(w) => {
                self.expr(&w.test);
                self.module_body(&w.body);
                self.module_body(&w.orelse);
            }
            _ => self.stmt(stmt),
        }
    }

    fn bind_target(&mut self, target: &ast::Expr, value: Option<&ast::Expr>) {
        match target {
            ast::Expr::Name(n) => {
                self.ix.names.push(n.id.to_string());
                self.ix.constants.push(Constant {
                    name: n.id.to_string(),
                    range: range(n),
                    value: value.and_then(literal),
                });
            }
            ast::Expr::Tuple(t) => {
                for e in &t.elts {
                    self.bind_target(e, None);
                }
            }
            ast::Expr::List(l) => {
                for e in &l.elts {
                    self.bind_target(e, None);
                }
            }
            _ => self.expr(target),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn class_def(&mut self, c: &ast::StmtClassDef) -> Class {
        let outer = self.class.replace(c.name.to_string());
        let mut class = Class {
            name: c.name.to_string(),
            name_range: range(&c.name),
            range: range(c),
            bases: c
                .arguments
                .iter()
                .flat_map(|a| a.args.iter())
                .filter_map(|b| dotted(b).map(|d| (d, range(b))))
                .collect(),
            methods: Vec::new(),
            attributes: Vec::new(),
            self_attributes: Vec::new(),
        };
        if let Some(args) = &c.arguments {
            for a in args.args.iter() {
                self.expr(a);
            }
        }
        for d in &c.decorator_list {
            self.expr(&d.expression);
        }
        self.nested(|w| {
            for stmt in &c.body {
                match stmt {
                    ast::Stmt::FunctionDef(f) => {
                        class.methods.push(function(f));
                        for d in &f.decorator_list {
                            w.expr(&d.expression);
                        }
                        let before = w.ix.uses.len();
                        w.stmts(&f.body);
                        collect_self_assignments(&f.body, &mut class.self_attributes);
                        let _ = before;
                    }
                    ast::Stmt::Assign(a) => {
                        for t in &a.targets {
                            if let ast::Expr::Name(n) = t {
                                class.attributes.push(Constant {
                                    name: n.id.to_string(),
                                    range: range(n),
                                    value: literal(&a.value),
                                });
                            }
                        }
                        w.expr(&a.value);
                    }
                    ast::Stmt::AnnAssign(a) => {
                        if let ast::Expr::Name(n) = &*a.target {
                            class.attributes.push(Constant {
                                name: n.id.to_string(),
                                range: range(n),
                                value: a.value.as_deref().and_then(literal),
                            });
                        }
                    }
                    other => w.stmt(other),
                }
            }
        });
        class.self_attributes.sort();
        class.self_attributes.dedup();
        self.class = outer;
        class
    }

    fn stmts(&mut self, body: &[ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    /// Any statement below module level (and module-level imports and
    /// expressions): imports, uses and calls.
    fn stmt(&mut self, stmt: &ast::Stmt) {
        match stmt {
            ast::Stmt::Import(i) => {
                for a in &i.names {
                    let name = a.name.to_string();
                    let bound = match &a.asname {
                        Some(asname) => asname.to_string(),
                        None => name.split('.').next().unwrap_or("").to_string(),
                    };
                    if self.depth == 0 {
                        self.ix.names.push(bound.clone());
                    }
                    self.ix.imports.push(Import {
                        module: name,
                        level: 0,
                        name: None,
                        bound,
                        range: range(a),
                        module_range: range(&a.name),
                        guarded: self.guarded > 0,
                        module_level: self.depth == 0,
                    });
                }
            }
            ast::Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                let module_range = match &i.module {
                    Some(m) => range(m),
                    None => range(i),
                };
                for a in &i.names {
                    let name = a.name.to_string();
                    if name == "*" {
                        if self.depth == 0 {
                            self.ix.star_import = true;
                        }
                    } else if self.depth == 0 {
                        self.ix
                            .names
                            .push(a.asname.as_ref().map_or(name.clone(), |n| n.to_string()));
                    }
                    self.ix.imports.push(Import {
                        module: module.clone(),
                        level: i.level,
                        bound: a.asname.as_ref().map_or(name.clone(), |n| n.to_string()),
                        name: Some(name),
                        range: range(a),
                        module_range,
                        guarded: self.guarded > 0,
                        module_level: self.depth == 0,
                    });
                }
            }
            ast::Stmt::Try(t) => {
                let guard = usize::from(catches_import_error(&t.handlers));
                self.guarded += guard;
                self.stmts(&t.body);
                self.guarded -= guard;
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(e) = &h.type_ {
                        self.expr(e);
                    }
                    self.stmts(&h.body);
                }
                self.stmts(&t.orelse);
                self.stmts(&t.finalbody);
            }
            ast::Stmt::ClassDef(c) => {
                // A class in a function: its body is walked, not indexed.
                let _ = self.class_def(c);
            }
            ast::Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(&d.expression);
                }
                self.nested(|w| w.stmts(&f.body));
            }
            ast::Stmt::If(i) => {
                self.expr(&i.test);
                self.stmts(&i.body);
                for c in &i.elif_else_clauses {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    self.stmts(&c.body);
                }
            }
            ast::Stmt::For(f) => {
                self.expr(&f.target);
                self.expr(&f.iter);
                self.stmts(&f.body);
                self.stmts(&f.orelse);
            }
            ast::Stmt::While(w) => {
                self.expr(&w.test);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            ast::Stmt::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        self.expr(v);
                    }
                }
                self.stmts(&w.body);
            }
            other => {
                let mut v = ExprCollector { w: self };
                ast::visitor::walk_stmt(&mut v, other);
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr) {
        use ast::visitor::Visitor;
        let mut v = ExprCollector { w: self };
        v.visit_expr(e);
    }

    fn record_call(&mut self, call: &ast::ExprCall) {
        let Some(c) = chain(&call.func) else {
            return;
        };
        let target = range(&*call.func);
        let name_range = match &*call.func {
            ast::Expr::Attribute(a) => range(&a.attr),
            other => range(other),
        };
        self.seen_calls.insert(target);
        let keywords: Vec<(String, TextRange)> = call
            .arguments
            .keywords
            .iter()
            .filter_map(|k| k.arg.as_ref().map(|a| (a.to_string(), range(a))))
            .collect();
        self.ix.uses.push(Use {
            chain: c,
            range: name_range,
            keywords,
            called: true,
            class: self.class.clone(),
        });
    }
}

fn collect_self_assignments(body: &[ast::Stmt], out: &mut Vec<String>) {
    use ast::visitor::{walk_stmt, Visitor};
    struct V<'o>(&'o mut Vec<String>);
    impl<'a> Visitor<'a> for V<'_> {
        fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
            let targets: Vec<&ast::Expr> = match stmt {
                ast::Stmt::Assign(a) => a.targets.iter().collect(),
                ast::Stmt::AnnAssign(a) => vec![&*a.target],
                ast::Stmt::AugAssign(a) => vec![&*a.target],
                _ => Vec::new(),
            };
            for t in targets {
                if let ast::Expr::Attribute(a) = t {
                    if matches!(&*a.value, ast::Expr::Name(n) if n.id.as_str() == "self") {
                        self.0.push(a.attr.to_string());
                    }
                }
            }
            walk_stmt(self, stmt);
        }
    }
    let mut v = V(out);
    for s in body {
        v.visit_stmt(s);
    }
}

struct ExprCollector<'w, 'a> {
    w: &'w mut Walker<'a>,
}

impl<'x> ast::visitor::Visitor<'x> for ExprCollector<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'x ast::Stmt) {
        // Statements nested in expressions' statements (none in Python but
        // in lambdas' bodies, which are expressions) go through the walker.
        self.w.stmt(stmt);
    }

    fn visit_expr(&mut self, expr: &'x ast::Expr) {
        match expr {
            ast::Expr::Call(call) => {
                self.w.record_call(call);
            }
            ast::Expr::Attribute(a) => {
                let r = range(expr);
                if !self.w.seen_calls.contains(&r) {
                    if let Some(c) = chain(expr) {
                        self.w.ix.uses.push(Use {
                            chain: c,
                            range: range(&a.attr),
                            keywords: Vec::new(),
                            called: false,
                            class: self.w.class.clone(),
                        });
                    }
                }
                // The prefix (`a.b` of `a.b.c`) is a use of its own.
                if let ast::Expr::Attribute(_) = &*a.value {
                    self.visit_expr(&a.value);
                } else {
                    ast::visitor::walk_expr(self, &a.value);
                }
                return;
            }
            _ => {}
        }
        ast::visitor::walk_expr(self, expr);
    }
}
