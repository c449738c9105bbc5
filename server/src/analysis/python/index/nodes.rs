//! What one node of a syntax tree says, as the index keeps it: dotted
//! names, attribute chains, literals, a function's parameters, whether a
//! `try` catches a failed import.

use super::{Function, Param, ParamKind};
use crate::syntax::python::{ast, range};

pub(super) fn dotted(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::Name(n) => Some(n.id.to_string()),
        ast::Expr::Attribute(a) => Some(format!("{}.{}", dotted(&a.value)?, a.attr.as_str())),
        _ => None,
    }
}

/// `a.b.c` as `["a", "b", "c"]`, `super().x` as `["super()", "x"]`: the
/// read facts' chains and the index's are the same.
pub(super) use crate::analysis::python::read_facts::chain;

/// The first name of a [`chain`] (`"super()"` for `super().x`), the
/// chain not built: `None` exactly when [`chain`] is.
pub(super) fn chain_root(expr: &ast::Expr) -> Option<&str> {
    match expr {
        ast::Expr::Name(n) => Some(n.id.as_str()),
        ast::Expr::Attribute(a) => chain_root(&a.value),
        ast::Expr::Call(c) if matches!(&*c.func, ast::Expr::Name(n) if n.id.as_str() == "super") => {
            Some("super()")
        }
        _ => None,
    }
}

pub(super) fn literal(expr: &ast::Expr) -> Option<String> {
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

pub(super) fn function(f: &ast::StmtFunctionDef) -> Function {
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
pub(super) fn catches_import_error(handlers: &[ast::ExceptHandler]) -> bool {
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
