//! The one walk of a file's syntax tree. It fills the file's [`FileIndex`]
//! (imports, classes and their methods, functions, constants, the uses of
//! names) and, in the same pass, hands what it meets to `read_facts` (what
//! the file says about its configuration) and each function's body to
//! `literal_chains`. Each of the three keeps the order it always had: where
//! the index and the read facts would visit a node's parts in different
//! orders (a module-level function's decorators, a class's decorators and
//! bases), those few expressions are visited once for each, in its order;
//! the rest is visited once for both ([`Mode`]).

use super::nodes::{catches_import_error, chain, chain_root, dotted, function, literal};
use super::*;
use crate::analysis::python::literal_chains;
use crate::analysis::python::read_facts::Gatherer;
use crate::syntax::python::{ast, range};
use ast::visitor::{walk_expr, walk_stmt, Visitor};

pub(super) fn index_tree(tree: python::PyTree) -> FileIndex {
    let mut ix = walk(&tree.body);
    ix.errors = tree.errors;
    ix
}

/// The index of a module's statements (no syntax errors).
pub fn walk(body: &[ast::Stmt]) -> FileIndex {
    let mut walker = Walker {
        ix: FileIndex::default(),
        facts: Gatherer::default(),
        uses: Vec::new(),
        class: None,
        guarded: 0,
        depth: 0,
        seen_calls: Default::default(),
        self_attributes: Vec::new(),
    };
    walker.module_body(body);
    let mut ix = walker.ix;
    ix.reads = walker.facts.out;
    ix.names.sort();
    ix.names.dedup();
    // The SDK rules follow a chain only from `self`, `super()` or a name an
    // import binds: the other uses (most of a file) are not kept, and only
    // those kept are spelt out.
    let bound: rustc_hash::FxHashSet<&str> = ix.imports.iter().map(|i| i.bound.as_str()).collect();
    ix.uses = walker
        .uses
        .iter()
        .filter(|u| matches!(u.root, "self" | "super()") || bound.contains(u.root))
        .filter_map(|u| {
            Some(Use {
                chain: chain(u.expr)?,
                range: u.range,
                keywords: u.call.map_or_else(Vec::new, |c| {
                    c.arguments
                        .keywords
                        .iter()
                        .filter_map(|k| k.arg.as_ref().map(|a| (a.to_string(), range(a))))
                        .collect()
                }),
                called: u.call.is_some(),
                class: u.class.map(str::to_string),
            })
        })
        .collect();
    ix
}

/// A use as the walk meets it, in the tree: spelt out as a [`Use`] only if
/// kept.
struct UseAt<'t> {
    /// The chain (`a.b.c`, a call's callee).
    expr: &'t ast::Expr,
    /// Its first name (`a`, `super()`), found as it is met.
    root: &'t str,
    call: Option<&'t ast::ExprCall>,
    range: TextRange,
    class: Option<&'t str>,
}

/// Which of the two an expression is walked for: the index's uses, the
/// read facts' calls, or both.
#[derive(Clone, Copy)]
struct Mode {
    ix: bool,
    rf: bool,
}

const BOTH: Mode = Mode { ix: true, rf: true };
const IX: Mode = Mode {
    ix: true,
    rf: false,
};
const RF: Mode = Mode {
    ix: false,
    rf: true,
};

struct Walker<'t> {
    ix: FileIndex,
    facts: Gatherer,
    /// Attribute chains and calls of names, in the order met.
    uses: Vec<UseAt<'t>>,
    class: Option<&'t str>,
    guarded: usize,
    /// 0 at module level.
    depth: usize,
    /// Ranges of call targets already recorded as uses.
    seen_calls: rustc_hash::FxHashSet<TextRange>,
    /// Per method being walked (a method of a class in a method inside
    /// another): the names it assigns as `self.NAME`, at any depth.
    self_attributes: Vec<Vec<String>>,
}

impl<'t> Walker<'t> {
    fn module_body(&mut self, body: &'t [ast::Stmt]) {
        for stmt in body {
            self.module_stmt(stmt);
        }
    }

    /// A statement at module level (also inside module-level if/try/with/for).
    fn module_stmt(&mut self, stmt: &'t ast::Stmt) {
        match stmt {
            ast::Stmt::ClassDef(c) => {
                self.ix.names.push(c.name.to_string());
                let class = self.class_def(c);
                self.ix.classes.push(class);
            }
            ast::Stmt::FunctionDef(f) => {
                self.ix.names.push(f.name.to_string());
                self.ix.functions.push(function(f));
                // The read facts see its decorators before its body, the
                // index after.
                self.function_def(f, RF, false);
                for d in &f.decorator_list {
                    self.expr(&d.expression, IX);
                }
            }
            ast::Stmt::Assign(a) => {
                self.facts.assign(a);
                for t in &a.targets {
                    self.bind_target(t, Some(&a.value));
                }
                self.expr(&a.value, BOTH);
            }
            ast::Stmt::AnnAssign(a) => {
                self.facts.ann_assign(a);
                self.bind_target(&a.target, a.value.as_deref());
                if let Some(v) = &a.value {
                    self.expr(v, BOTH);
                }
            }
            ast::Stmt::If(i) => {
                let type_checking = dotted(&i.test).is_some_and(|d| d.ends_with("TYPE_CHECKING"));
                self.expr(&i.test, BOTH);
                self.guarded += usize::from(type_checking);
                self.module_body(&i.body);
                self.guarded -= usize::from(type_checking);
                for clause in &i.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.expr(t, RF);
                    }
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
                    self.expr(&item.context_expr, BOTH);
                    if let Some(v) = &item.optional_vars {
                        self.bind_target(v, None);
                    }
                }
                self.module_body(&w.body);
            }
            ast::Stmt::For(f) => {
                self.facts.for_loop(f);
                self.bind_target(&f.target, None);
                self.expr(&f.iter, BOTH);
                self.module_body(&f.body);
                self.module_body(&f.orelse);
            }
            ast::Stmt::While(w) => {
                self.expr(&w.test, BOTH);
                self.module_body(&w.body);
                self.module_body(&w.orelse);
            }
            _ => self.stmt(stmt),
        }
    }

    fn bind_target(&mut self, target: &'t ast::Expr, value: Option<&'t ast::Expr>) {
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
            _ => self.expr(target, IX),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    /// A function's decorators (for `decorators`), then its body; a method
    /// keeps what its body assigns as `self.NAME`.
    fn function_def(
        &mut self,
        f: &'t ast::StmtFunctionDef,
        decorators: Mode,
        method: bool,
    ) -> Vec<String> {
        for d in &f.decorator_list {
            self.expr(&d.expression, decorators);
        }
        self.facts.enter_function(f);
        literal_chains::function(&f.body, &mut self.ix.literal_chains);
        if method {
            self.self_attributes.push(Vec::new());
        }
        self.nested(|w| w.stmts(&f.body));
        self.facts.leave();
        if method {
            self.self_attributes.pop().unwrap_or_default()
        } else {
            Vec::new()
        }
    }

    /// `self.NAME` among assignment targets, for every method being walked.
    fn self_targets(&mut self, targets: impl IntoIterator<Item = &'t ast::Expr>) {
        if self.self_attributes.is_empty() {
            return;
        }
        for t in targets {
            if let ast::Expr::Attribute(a) = t {
                if matches!(&*a.value, ast::Expr::Name(n) if n.id.as_str() == "self") {
                    for sink in &mut self.self_attributes {
                        sink.push(a.attr.to_string());
                    }
                }
            }
        }
    }

    fn class_def(&mut self, c: &'t ast::StmtClassDef) -> Class {
        let outer = self.class.replace(c.name.as_str());
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
        // The read facts see the decorators before the bases, the index
        // after.
        for d in &c.decorator_list {
            self.expr(&d.expression, RF);
        }
        if let Some(args) = &c.arguments {
            for a in args.args.iter() {
                self.expr(a, BOTH);
            }
        }
        for d in &c.decorator_list {
            self.expr(&d.expression, IX);
        }
        self.facts.enter_class(c.name.as_str());
        self.nested(|w| {
            for stmt in &c.body {
                match stmt {
                    ast::Stmt::FunctionDef(f) => {
                        class.methods.push(function(f));
                        let assigned = w.function_def(f, BOTH, true);
                        class.self_attributes.extend(assigned);
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
                        w.self_targets(&a.targets);
                        w.facts.assign(a);
                        w.expr(&a.value, BOTH);
                    }
                    ast::Stmt::AnnAssign(a) => {
                        if let ast::Expr::Name(n) = &*a.target {
                            class.attributes.push(Constant {
                                name: n.id.to_string(),
                                range: range(n),
                                value: a.value.as_deref().and_then(literal),
                            });
                        }
                        w.self_targets([&*a.target]);
                        w.facts.ann_assign(a);
                        if let Some(v) = &a.value {
                            w.expr(v, RF);
                        }
                    }
                    other => w.stmt(other),
                }
            }
        });
        self.facts.leave();
        class.self_attributes.sort();
        class.self_attributes.dedup();
        self.class = outer;
        class
    }

    fn stmts(&mut self, body: &'t [ast::Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    /// Any statement below module level (and module-level imports and
    /// expressions): imports, uses and calls.
    fn stmt(&mut self, stmt: &'t ast::Stmt) {
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
                        self.expr(e, IX);
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
                self.function_def(f, BOTH, false);
            }
            ast::Stmt::If(i) => {
                self.expr(&i.test, BOTH);
                self.stmts(&i.body);
                for c in &i.elif_else_clauses {
                    if let Some(t) = &c.test {
                        self.expr(t, BOTH);
                    }
                    self.stmts(&c.body);
                }
            }
            ast::Stmt::For(f) => {
                self.facts.for_loop(f);
                self.expr(&f.target, IX);
                self.expr(&f.iter, BOTH);
                self.stmts(&f.body);
                self.stmts(&f.orelse);
            }
            ast::Stmt::While(w) => {
                self.expr(&w.test, BOTH);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            ast::Stmt::With(w) => {
                for item in &w.items {
                    self.expr(&item.context_expr, BOTH);
                    if let Some(v) = &item.optional_vars {
                        self.expr(v, IX);
                    }
                }
                self.stmts(&w.body);
            }
            // The read facts see an assignment's value only; the index its
            // value, then (as `walk_stmt` goes) its annotation and targets.
            ast::Stmt::Assign(a) => {
                self.self_targets(&a.targets);
                self.facts.assign(a);
                self.expr(&a.value, BOTH);
                for t in &a.targets {
                    self.expr(t, IX);
                }
            }
            ast::Stmt::AnnAssign(a) => {
                self.self_targets([&*a.target]);
                self.facts.ann_assign(a);
                if let Some(v) = &a.value {
                    self.expr(v, BOTH);
                }
                self.expr(&a.annotation, IX);
                self.expr(&a.target, IX);
            }
            other => {
                if let ast::Stmt::AugAssign(a) = other {
                    self.self_targets([&*a.target]);
                }
                walk_stmt(
                    &mut Exprs {
                        w: self,
                        mode: BOTH,
                    },
                    other,
                );
            }
        }
    }

    fn expr(&mut self, e: &'t ast::Expr, mode: Mode) {
        Exprs { w: self, mode }.visit_expr(e);
    }

    fn record_call(&mut self, call: &'t ast::ExprCall) {
        let Some(root) = chain_root(&call.func) else {
            return;
        };
        let name_range = match &*call.func {
            ast::Expr::Attribute(a) => range(&a.attr),
            other => range(other),
        };
        self.seen_calls.insert(range(&*call.func));
        self.uses.push(UseAt {
            expr: &call.func,
            root,
            call: Some(call),
            range: name_range,
            class: self.class,
        });
    }
}

/// An expression's walk, for the index (`mode.ix`: calls and attribute
/// chains as uses), the read facts (`mode.rf`: calls, lambdas' bodies
/// left out), or both.
struct Exprs<'w, 't> {
    w: &'w mut Walker<'t>,
    mode: Mode,
}

impl<'t> Exprs<'_, 't> {
    /// `walk_expr` for the index alone (a lambda, which the read facts do
    /// not look into).
    fn index_only(&mut self, e: &'t ast::Expr) {
        if self.mode.ix {
            let mode = std::mem::replace(&mut self.mode, IX);
            walk_expr(self, e);
            self.mode = mode;
        }
    }
}

impl<'t> Visitor<'t> for Exprs<'_, 't> {
    fn visit_stmt(&mut self, stmt: &'t ast::Stmt) {
        // Statements nested in others' parts (a `match`'s cases) go
        // through the walker.
        self.w.stmt(stmt);
    }

    fn visit_expr(&mut self, expr: &'t ast::Expr) {
        match expr {
            ast::Expr::Call(call) => {
                if self.mode.ix {
                    self.w.record_call(call);
                }
                if self.mode.rf {
                    self.w.facts.call(call);
                }
            }
            ast::Expr::Lambda(_) if self.mode.rf => {
                self.index_only(expr);
                return;
            }
            ast::Expr::Attribute(a) if self.mode.ix => {
                let r = range(expr);
                let root = (!self.w.seen_calls.contains(&r))
                    .then(|| chain_root(expr))
                    .flatten();
                if let Some(root) = root {
                    self.w.uses.push(UseAt {
                        expr,
                        root,
                        call: None,
                        range: range(&a.attr),
                        class: self.w.class,
                    });
                }
                match &*a.value {
                    // The prefix (`a.b` of `a.b.c`) is a use of its own.
                    ast::Expr::Attribute(_) => self.visit_expr(&a.value),
                    // The index records no use of a call whose attribute is
                    // taken (`f().x`), only of its parts; the read facts do
                    // record the call.
                    ast::Expr::Call(c) => {
                        if self.mode.rf {
                            self.w.facts.call(c);
                        }
                        walk_expr(self, &a.value);
                    }
                    ast::Expr::Lambda(_) if self.mode.rf => self.index_only(&a.value),
                    value => walk_expr(self, value),
                }
                return;
            }
            _ => {}
        }
        walk_expr(self, expr);
    }
}
