//! A generated workspace of many plugins, as a repository of plugins kept by
//! one team looks: each plugin a MANIFEST, a default.cfg of the SDK's
//! template plus its own section, `main.py` and a `lib/` package of ten
//! modules (about 2,000 lines of Python), and every twentieth-or-so plugin
//! with a problem of one family. Deterministic: the same call writes the
//! same bytes.

use std::fs;
use std::path::Path;

/// What a generated workspace holds.
#[derive(Default, Debug, Clone, Copy)]
pub struct Shape {
    pub plugins: usize,
    pub manifests: usize,
    pub configs: usize,
    pub py_files: usize,
    pub py_lines: usize,
}

/// The problem planted in plugin `k`, by family, in the order of the
/// tables of docs/checks.md; most plugins get none.
fn problem(k: usize) -> Option<&'static str> {
    match k % 20 {
        1 => Some("manifest"),
        3 => Some("config"),
        5 => Some("yaml"),
        7 => Some("python"),
        9 => Some("import"),
        11 => Some("sdk"),
        13 => Some("plugin"),
        15 => Some("layout"),
        17 => Some("not-provided"),
        _ => None,
    }
}

fn manifest(k: usize) -> String {
    let api = if problem(k) == Some("sdk") {
        "1.2"
    } else {
        "1.9"
    };
    let mut m = format!(
        "# Plugin {k} of the generated workspace.\nname: Generated_Plugin_{k}\ndescription: 'Generated plugin {k}: authentication against service {k}'\nversion: '1.{k}.0'\ntype: aa\napi: '{api}'\nentry_point: main.py\nauthor_name: Workspace Generator\nauthor_email: generator@example.com\n"
    );
    match problem(k) {
        Some("manifest") => m.push_str("autor: someone\n"),
        Some("yaml") => m.push_str("tags: [unclosed\n"),
        _ => {}
    }
    m
}

fn config(k: usize) -> String {
    let mut c = super::config(0);
    c.push_str(&format!(
        "[service_{k}]\n# Where service {k} answers.\nurl=https://service{k}.example.com/api\ntimeout=30\n; retries=3\nverify_tls=yes\n"
    ));
    if problem(k) == Some("config") {
        c = c.replace("disable_echo=yes", "disable_echo=maybe");
    }
    c
}

fn main_py(k: usize) -> String {
    let module = if problem(k) == Some("import") {
        "lib.plugins"
    } else {
        "lib.plugin"
    };
    format!("#!/usr/bin/env pluginwrapper3\nfrom {module} import Plugin  # noqa: F401\n")
}

fn plugin_py(k: usize) -> String {
    let mut s = String::from(
        "from safeguard.sessions.plugin import AAPlugin, AAResponse\n\nfrom .m1 import helper_1\n",
    );
    if problem(k) == Some("sdk") {
        s.push_str("from safeguard.sessions.plugin.requests_tls import RequestsTLS\n");
    }
    if problem(k) == Some("not-provided") {
        s.push_str("import requests_toolbelt\n");
    }
    s.push_str(&format!(
        "\n\nSECTION = \"service_{k}\"\n\n\nclass Plugin(AAPlugin):\n    \"\"\"Authenticates against service {k}.\"\"\"\n\n"
    ));
    if problem(k) != Some("plugin") {
        s.push_str("    def do_authenticate(self):\n        timeout = self.plugin_configuration.getint(SECTION, \"timeout\", default=30)\n        if helper_1(timeout):\n            return AAResponse.accept(reason=\"service answered\")\n        return AAResponse.deny(reason=\"service refused\")\n\n");
    }
    s.push_str("    def describe(self):\n        return {\"section\": SECTION}\n");
    s
}

/// A helper module of about 200 lines: constants, functions with loops and
/// comprehensions, a class with methods.
fn module_py(k: usize, i: usize) -> String {
    let mut s = format!(
        "\"\"\"Helpers {i} of plugin {k}.\"\"\"\nimport json\nimport logging\nimport os\n\nLOG = logging.getLogger(__name__)\nLIMIT_{i} = {}\n\n\ndef helper_{i}(value, *args, **kwargs):\n    return value is not None and value < LIMIT_{i}\n\n\nclass Store{i}:\n    def __init__(self, path):\n        self.path = path\n        self.items = {{}}\n\n",
        i * 10
    );
    let mut n = 0;
    while s.lines().count() < 190 {
        s.push_str(&format!(
            "    def item_{n}(self, key, default=None):\n        # Look the key up, then fall back to the file on disk.\n        if key in self.items:\n            return self.items[key]\n        data = [x * {n} for x in range(LIMIT_{i}) if x % 3]\n        if os.path.exists(self.path):\n            with open(self.path) as f:\n                data = json.load(f).get(key, data)\n        LOG.debug(\"item %s: %r\", key, data)\n        return data or default\n\n"
        ));
        n += 1;
    }
    if problem(k) == Some("python") && i == 3 {
        s.push_str("def broken(:\n    pass\n");
    }
    s
}

fn write(path: &Path, text: &str, shape: &mut Shape) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    if path.extension().is_some_and(|e| e == "py") {
        shape.py_files += 1;
        shape.py_lines += text.lines().count();
    }
}

/// Writes `plugins` generated plugins into `dir` (`plugin-000`, …).
pub fn generate(dir: &Path, plugins: usize) -> Shape {
    let mut shape = Shape {
        plugins,
        ..Shape::default()
    };
    for k in 0..plugins {
        let p = dir.join(format!("plugin-{k:03}"));
        write(&p.join("MANIFEST"), &manifest(k), &mut shape);
        write(&p.join("default.cfg"), &config(k), &mut shape);
        write(&p.join("main.py"), &main_py(k), &mut shape);
        write(&p.join("lib/__init__.py"), "", &mut shape);
        write(&p.join("lib/plugin.py"), &plugin_py(k), &mut shape);
        for i in 1..=9 {
            write(
                &p.join(format!("lib/m{i}.py")),
                &module_py(k, i),
                &mut shape,
            );
        }
        if problem(k) == Some("layout") {
            // A module in a folder pluginv does not package (no __init__.py).
            write(&p.join("lib/extra/tool.py"), "VALUE = 1\n", &mut shape);
        }
        shape.manifests += 1;
        shape.configs += 1;
    }
    shape
}

/// Copies every plugin folder under `real` (`../shared/plugins`) into `dir`
/// `times` times (`name-00`, …); returns what was copied.
pub fn copy_real(real: &Path, dir: &Path, times: usize) -> Shape {
    let mut shape = Shape::default();
    let mut plugins: Vec<_> = fs::read_dir(real)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("MANIFEST").is_file())
        .collect();
    plugins.sort();
    for t in 0..times {
        for plugin in &plugins {
            let name = plugin.file_name().unwrap().to_string_lossy();
            copy_tree(plugin, &dir.join(format!("{name}-{t:02}")), &mut shape);
            shape.plugins += 1;
        }
    }
    shape
}

fn copy_tree(from: &Path, to: &Path, shape: &mut Shape) {
    let mut entries: Vec<_> = fs::read_dir(from).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            copy_tree(&src, &dst, shape);
        } else if kind.is_file() {
            let text = fs::read(&src).unwrap();
            fs::create_dir_all(to).unwrap();
            fs::write(&dst, &text).unwrap();
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name == "MANIFEST" {
                shape.manifests += 1;
            } else if name.ends_with(".cfg") {
                shape.configs += 1;
            } else if name.ends_with(".py") {
                shape.py_files += 1;
                shape.py_lines += String::from_utf8_lossy(&text).lines().count();
            }
        }
    }
}
