//! `if x == "a": v = ... elif x == "b": v = ...` with no `else`, and `v`
//! used after the chain: any other value of `x` leaves `v` unbound. Found
//! per block of every function, as written (each function handed over by the
//! file's one walk); [`super::config_reads`] keeps
//! those whose `x` holds an option the code reads.

use crate::syntax::python::{ast, range};
use crate::text::TextRange;

#[derive(Debug, Clone)]
pub struct LiteralChain {
    /// The compared name (`x`).
    pub subject: String,
    /// The value last assigned to it before the chain, in the same
    /// function (`config.get(...).lower()`).
    pub subject_value: Option<TextRange>,
    /// The literals compared with, in order.
    pub values: Vec<String>,
    /// The name every branch binds and the code uses after the chain.
    pub var: String,
    /// The first test (`x == "a"`).
    pub test: TextRange,
    /// Where `var` is used after the chain.
    pub use_at: TextRange,
}

/// An `if` (or `elif`) inside a function, for reads made only under it.
#[derive(Debug, Clone)]
pub struct Guard {
    pub test: TextRange,
    /// The branch the test guards.
    pub body: TextRange,
    /// The value last assigned, before the `if`, to each name the test
    /// uses.
    pub values: Vec<TextRange>,
    /// `x == "a"`, `x in ("a", "b")`: the literals.
    pub literals: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub chains: Vec<LiteralChain>,
    pub guards: Vec<Guard>,
    /// Values tested with `is None` / `is not None`: the call itself, or
    /// the value last assigned to the name tested.
    pub none_tests: Vec<TextRange>,
}

/// One function's body (not the functions in it: the file's walk,
/// `index/walker.rs`, hands each over, outermost first).
pub fn function(body: &[ast::Stmt], out: &mut Facts) {
    let mut assigned = Vec::new();
    block(body, &mut assigned, out);
}

/// (name, value range, where) of the simple assignments seen so far.
type Assigned<'t> = Vec<(&'t str, TextRange, usize)>;

fn block<'t>(body: &'t [ast::Stmt], assigned: &mut Assigned<'t>, out: &mut Facts) {
    for (i, stmt) in body.iter().enumerate() {
        let tested: Option<&ast::Expr> = match stmt {
            ast::Stmt::If(s) => Some(&s.test),
            ast::Stmt::While(s) => Some(&s.test),
            ast::Stmt::Return(r) => r.value.as_deref(),
            ast::Stmt::Expr(e) => Some(&e.value),
            ast::Stmt::Assign(a) => Some(&a.value),
            _ => None,
        };
        if let Some(e) = tested {
            none_tests(e, assigned, &mut out.none_tests);
        }
        if let ast::Stmt::If(s) = stmt {
            for c in &s.elif_else_clauses {
                if let Some(t) = &c.test {
                    none_tests(t, assigned, &mut out.none_tests);
                }
            }
        }
        match stmt {
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    if let ast::Expr::Name(n) = t {
                        assigned.push((n.id.as_str(), range(&*a.value), range(stmt).start));
                    }
                }
            }
            ast::Stmt::If(s) => {
                if let Some(c) = chain(s, assigned, &body[i + 1..]) {
                    out.chains.push(c);
                }
                let tests = std::iter::once((&*s.test, &s.body[..])).chain(
                    s.elif_else_clauses
                        .iter()
                        .filter_map(|c| c.test.as_ref().map(|t| (t, &c.body[..]))),
                );
                for (test, body) in tests {
                    out.guards.push(guard(test, body, assigned));
                }
                block(&s.body, assigned, out);
                for c in &s.elif_else_clauses {
                    block(&c.body, assigned, out);
                }
            }
            ast::Stmt::For(s) => block(&s.body, assigned, out),
            ast::Stmt::While(s) => block(&s.body, assigned, out),
            ast::Stmt::With(s) => block(&s.body, assigned, out),
            ast::Stmt::Try(s) => {
                block(&s.body, assigned, out);
                for h in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    block(&h.body, assigned, out);
                }
                block(&s.orelse, assigned, out);
                block(&s.finalbody, assigned, out);
            }
            _ => {}
        }
    }
}

/// `x == "a"` (or `"a" == x`), `x in ("a", "b")`, or those joined by `or`:
/// the name and the literals.
fn comparison(e: &ast::Expr) -> Option<(String, Vec<String>)> {
    let lit = |e: &ast::Expr| match e {
        ast::Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    };
    match e {
        ast::Expr::Compare(c) if c.ops.len() == 1 && c.comparators.len() == 1 => {
            let right = &c.comparators[0];
            match (&*c.left, c.ops[0], right) {
                (ast::Expr::Name(n), ast::CmpOp::Eq, r) => Some((n.id.to_string(), vec![lit(r)?])),
                (l, ast::CmpOp::Eq, ast::Expr::Name(n)) => Some((n.id.to_string(), vec![lit(l)?])),
                (ast::Expr::Name(n), ast::CmpOp::In, ast::Expr::Tuple(t)) => Some((
                    n.id.to_string(),
                    t.elts.iter().map(lit).collect::<Option<Vec<_>>>()?,
                )),
                _ => None,
            }
        }
        ast::Expr::BoolOp(b) if b.op == ast::BoolOp::Or => {
            let mut name = None;
            let mut values = Vec::new();
            for v in &b.values {
                let (n, vs) = comparison(v)?;
                if name.as_ref().is_some_and(|x| *x != n) {
                    return None;
                }
                name = Some(n);
                values.extend(vs);
            }
            Some((name?, values))
        }
        _ => None,
    }
}

/// The names a branch binds at its top level, or `None` when it leaves
/// (its last statement returns, raises, continues or breaks).
fn binds(body: &[ast::Stmt]) -> Option<Vec<String>> {
    if matches!(
        body.last(),
        Some(
            ast::Stmt::Return(_)
                | ast::Stmt::Raise(_)
                | ast::Stmt::Continue(_)
                | ast::Stmt::Break(_)
        )
    ) {
        return None;
    }
    let mut out = Vec::new();
    for s in body {
        if let ast::Stmt::Assign(a) = s {
            for t in &a.targets {
                if let ast::Expr::Name(n) = t {
                    out.push(n.id.to_string());
                }
            }
        }
    }
    Some(out)
}

fn chain(s: &ast::StmtIf, assigned: &Assigned, after: &[ast::Stmt]) -> Option<LiteralChain> {
    // An `else` binds or leaves for every other value.
    if s.elif_else_clauses.iter().any(|c| c.test.is_none()) {
        return None;
    }
    let (subject, mut values) = comparison(&s.test)?;
    let mut branches = vec![binds(&s.body)];
    for c in &s.elif_else_clauses {
        let (n, vs) = comparison(c.test.as_ref()?)?;
        if n != subject {
            return None;
        }
        values.extend(vs);
        branches.push(binds(&c.body));
    }
    let binding: Vec<&Vec<String>> = branches.iter().flatten().collect();
    let first = binding.first()?;
    let start = range(&*s.test).start;
    let var = first.iter().find(|v| {
        binding.iter().all(|b| b.contains(v))
            && !assigned.iter().any(|(n, _, at)| n == *v && *at < start)
            && **v != subject
    })?;
    let use_at = first_use(after, var)?;
    let subject_value = assigned
        .iter()
        .rev()
        .find(|(n, _, at)| *n == subject && *at < start)
        .map(|(_, r, _)| *r);
    Some(LiteralChain {
        subject,
        subject_value,
        values,
        var: var.clone(),
        test: range(&*s.test),
        use_at,
    })
}

/// The first load of `name` in the statements, unless one of them binds it
/// first.
fn first_use(after: &[ast::Stmt], name: &str) -> Option<TextRange> {
    use ast::visitor::{walk_expr, Visitor};
    struct V<'n> {
        name: &'n str,
        found: Option<TextRange>,
    }
    impl<'a> Visitor<'a> for V<'_> {
        fn visit_expr(&mut self, e: &'a ast::Expr) {
            if self.found.is_some() {
                return;
            }
            if let ast::Expr::Name(n) = e {
                if n.id.as_str() == self.name && n.ctx == ast::ExprContext::Load {
                    self.found = Some(range(e));
                }
            }
            walk_expr(self, e);
        }
    }
    for s in after {
        if let ast::Stmt::Assign(a) = s {
            if a.targets
                .iter()
                .any(|t| matches!(t, ast::Expr::Name(n) if n.id.as_str() == name))
            {
                let mut v = V { name, found: None };
                v.visit_expr(&a.value);
                return v.found;
            }
        }
        let mut v = V { name, found: None };
        ast::visitor::walk_stmt(&mut v, s);
        if v.found.is_some() {
            return v.found;
        }
    }
    None
}

fn guard(test: &ast::Expr, body: &[ast::Stmt], assigned: &Assigned) -> Guard {
    use ast::visitor::{walk_expr, Visitor};
    struct Names(Vec<String>);
    impl<'a> Visitor<'a> for Names {
        fn visit_expr(&mut self, e: &'a ast::Expr) {
            if let ast::Expr::Name(n) = e {
                self.0.push(n.id.to_string());
            }
            walk_expr(self, e);
        }
    }
    let mut names = Names(Vec::new());
    names.visit_expr(test);
    let start = range(test).start;
    let values = names
        .0
        .iter()
        .filter_map(|name| {
            assigned
                .iter()
                .rev()
                .find(|(n, _, at)| n == name && *at < start)
                .map(|(_, r, _)| *r)
        })
        .collect();
    let body_range = match (body.first(), body.last()) {
        (Some(a), Some(b)) => TextRange::new(range(a).start, range(b).end),
        _ => TextRange::empty(range(test).end),
    };
    Guard {
        test: range(test),
        body: body_range,
        values,
        literals: comparison(test).map(|(_, v)| v).unwrap_or_default(),
    }
}

/// `x is None`, `f(...) is not None` anywhere in `e`: what is tested.
fn none_tests(e: &ast::Expr, assigned: &Assigned, out: &mut Vec<TextRange>) {
    use ast::visitor::{walk_expr, Visitor};
    struct V<'a, 'o> {
        assigned: &'a Assigned<'a>,
        out: &'o mut Vec<TextRange>,
    }
    impl<'x> Visitor<'x> for V<'_, '_> {
        fn visit_expr(&mut self, e: &'x ast::Expr) {
            if let ast::Expr::Compare(c) = e {
                let none = c.comparators.len() == 1
                    && matches!(c.comparators[0], ast::Expr::NoneLiteral(_))
                    && matches!(c.ops[0], ast::CmpOp::Is | ast::CmpOp::IsNot);
                if none {
                    match &*c.left {
                        ast::Expr::Name(n) => {
                            let at = range(e).start;
                            if let Some((_, r, _)) = self
                                .assigned
                                .iter()
                                .rev()
                                .find(|(name, _, w)| *name == n.id.as_str() && *w < at)
                            {
                                self.out.push(*r);
                            }
                        }
                        other => self.out.push(range(other)),
                    }
                }
            }
            walk_expr(self, e);
        }
    }
    V { assigned, out }.visit_expr(e);
}
