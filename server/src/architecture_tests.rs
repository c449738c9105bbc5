//! The layers, checked: every module path a source file names (`use`
//! lines and paths in code, `crate::…` and `super::…`) is read, and a test
//! fails on a lower layer naming a higher one, or on an import cycle
//! between modules. Test code (`#[cfg(test)] mod tests`, `*_tests.rs`,
//! `fixture.rs`) may use anything and is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`analysis::config`) → the modules it names.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    collect(&root, &root, &mut sources);
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, text)| {
            let deps = named_paths(module, text)
                .into_iter()
                .filter_map(|p| resolve(&p, &modules))
                .filter(|d| d != module)
                .collect();
            (module.clone(), deps)
        })
        .collect()
}

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".rs") || name.ends_with("_tests.rs") || name == "fixture.rs" {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts
            .last()
            .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
        {
            parts.pop();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => text[..at].to_string(),
            None => text,
        };
        out.insert(parts.join("::"), code);
    }
}

/// Absolute module paths named in `text`, a file of `module`.
fn named_paths(module: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        // `use a::{b, c::d}` names a::b and a::c::d; a path in code names
        // itself. Both are found as maximal `ident::ident…` runs, with the
        // prefix of a brace group carried into it.
        for path in path_runs(code) {
            if let Some(abs) = absolute(module, &path) {
                out.push(abs);
            }
        }
        if let Some(group) = code.find("::{") {
            let prefix: String = code[..group]
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or("")
                .to_string();
            let inner = &code[group + 3..];
            for item in inner.split([',', '}']) {
                let item = item.trim().split(' ').next().unwrap_or("");
                if item.is_empty() || item == "self" {
                    continue;
                }
                if let Some(abs) = absolute(module, &format!("{prefix}::{item}")) {
                    out.push(abs);
                }
            }
        }
    }
    out
}

fn path_runs(code: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_alphanumeric() || c == '_' {
            current.push(c);
        } else if c == ':' && bytes.get(i + 1) == Some(&b':') && !current.is_empty() {
            current.push_str("::");
            i += 1;
        } else {
            if current.contains("::") {
                runs.push(current.trim_end_matches(':').to_string());
            }
            current.clear();
        }
        i += 1;
    }
    if current.contains("::") {
        runs.push(current.trim_end_matches(':').to_string());
    }
    runs
}

/// `crate::a::b` or `super::x` (from `module`) as an absolute path.
fn absolute(module: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    let mut base: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    match parts.first() {
        Some(&"crate") => {
            parts.remove(0);
            Some(parts.join("::"))
        }
        Some(&"super") => {
            while parts.first() == Some(&"super") {
                parts.remove(0);
                base.pop()?;
            }
            base.extend(parts);
            Some(base.join("::"))
        }
        _ => None,
    }
}

/// The longest module that `path` lies in.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    while !parts.is_empty() {
        let candidate = parts.join("::");
        if modules.contains(&candidate) {
            return Some(candidate);
        }
        parts.pop();
    }
    None
}

/// Layers from the bottom; a module may name its own layer and those below.
const LAYERS: &[&[&str]] = &[
    &["text"],
    &["syntax"],
    &["schema"],
    &["workspace"],
    &["settings"],
    &["analysis"],
    &["features"],
    &["lsp", "cli"],
];

fn layer(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    LAYERS.iter().position(|l| l.contains(&top))
}

#[test]
fn no_layer_names_a_higher_one() {
    let mut violations = Vec::new();
    for (module, deps) in dependencies() {
        let Some(own) = layer(&module) else { continue };
        for dep in deps {
            let Some(theirs) = layer(&dep) else { continue };
            let across_siblings =
                own == theirs && module.split("::").next() != dep.split("::").next();
            if theirs > own || across_siblings {
                violations.push(format!("{module} names {dep}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn rules_never_name_rules() {
    // Inside analysis/, a rule family may use the shared pieces (the
    // module itself, the code registry, the plugin facts, pluginv's
    // packaging), never another family.
    let shared = [
        "analysis",
        "analysis::codes",
        "analysis::plugin",
        "analysis::packaging",
        // What the code reads of its configuration, for the default.cfg
        // rules and the Python rules alike.
        "analysis::python::reads",
    ];
    let family = |m: &str| m.split("::").take(2).collect::<Vec<_>>().join("::");
    let mut violations = Vec::new();
    for (module, deps) in dependencies() {
        if !module.starts_with("analysis::") || shared.contains(&module.as_str()) {
            continue;
        }
        for dep in deps {
            if dep.starts_with("analysis")
                && !shared.contains(&dep.as_str())
                && family(&dep) != family(&module)
            {
                violations.push(format!("{module} names {dep}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "rules naming rules:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_import_cycle_between_modules() {
    let deps = dependencies();
    // Tarjan-free check: a module reaches itself through its dependencies.
    let mut cycles = Vec::new();
    for start in deps.keys() {
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            for next in deps.get(&at).into_iter().flatten() {
                // A module naming its own parent's items (`super::Diagnostic`)
                // is not a cycle with that parent declaring it.
                if next == start {
                    cycles.push(trail.join(" → ") + " → " + start);
                } else if seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_reader_sees_imports() {
    let deps = dependencies();
    assert!(deps["analysis::manifest"].contains("syntax::yaml"));
    assert!(deps["analysis::manifest"].contains("analysis"));
    assert!(deps["lsp::server"].contains("lsp::handlers"));
}

/// The locks of `server/src` (a `Mutex` or `RwLock`, `std`'s or tokio's),
/// each with why it is one and why it is off the keystroke path. The
/// server's state has one owner, its loop (`lsp/server.rs`), and what the
/// checks of a view share (the memo, the walks, the parsed configuration
/// files, the index cache) is in lock-free maps; so `lsp/` has none. Each
/// of these is taken alone, never while holding another: no order to keep.
const LOCKS: &[(&str, &str)] = &[
    // Files `check` found not to be regular files, to refuse them with a
    // reason; written only when a read is refused, per `DiskFiles`.
    ("workspace::disk", "refused"),
    // `check --output-file`: the report kept until it is written; the
    // command line only.
    ("cli::out", "REDIRECT"),
];

#[test]
fn at_most_three_locks_none_in_the_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    collect(&root, &root, &mut sources);
    let mut found = Vec::new();
    for (module, text) in &sources {
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            let is_lock = ["Mutex<", "RwLock<", "Mutex::new", "RwLock::new"]
                .iter()
                .any(|l| code.contains(l));
            if !is_lock || code.trim_start().starts_with("use ") {
                continue;
            }
            let name = LOCKS
                .iter()
                .find(|(m, name)| m == module && code.contains(name))
                .map(|(_, name)| *name);
            found.push((module.clone(), name.unwrap_or(code.trim()).to_string()));
        }
    }
    found.sort();
    found.dedup();
    let allowed: Vec<(String, String)> = LOCKS
        .iter()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    let unexpected: Vec<_> = found.iter().filter(|f| !allowed.contains(f)).collect();
    assert!(
        unexpected.is_empty(),
        "locks not in LOCKS (the server's state has one owner; share through \
         lock-free maps or the loop): {unexpected:?}"
    );
    assert!(LOCKS.len() <= 3);
    assert!(LOCKS.iter().all(|(m, _)| !m.starts_with("lsp")));
}

/// No source file is over 600 lines before its tests: a file that grows
/// past it is split by what its parts are (issue 23).
#[test]
fn no_source_file_over_600_lines_before_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = BTreeMap::new();
    collect(&root, &root, &mut sources);
    let long: Vec<String> = sources
        .iter()
        .map(|(module, code)| (module, code.lines().count()))
        .filter(|(_, lines)| *lines > 600)
        .map(|(module, lines)| format!("{module}: {lines} lines"))
        .collect();
    assert!(long.is_empty(), "over 600 lines before the tests: {long:?}");
}
