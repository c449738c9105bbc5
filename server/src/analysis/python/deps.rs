//! The runtime dependencies a plugin declares, which pluginv installs into
//! the .zip: `Pipfile` `[packages]`, `requirements.txt` and `setup.py`'s
//! `install_requires`. Read as text, never run.

use std::path::Path;

use crate::workspace::Files;

/// A declared dependency: its distribution name and the file declaring it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub dist: String,
    pub file: &'static str,
}

pub fn declared(files: &dyn Files, folder: &Path) -> Vec<Declared> {
    let mut out = Vec::new();
    if let Some(text) = files.read(&folder.join("Pipfile")) {
        out.extend(pipfile_packages(&text).into_iter().map(|dist| Declared {
            dist,
            file: "Pipfile",
        }));
    }
    if let Some(text) = files.read(&folder.join("requirements.txt")) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('-') {
                continue;
            }
            if let Some(dist) = requirement_name(line) {
                out.push(Declared {
                    dist,
                    file: "requirements.txt",
                });
            }
        }
    }
    if let Some(text) = files.read(&folder.join("setup.py")) {
        out.extend(install_requires(&text).into_iter().map(|dist| Declared {
            dist,
            file: "setup.py",
        }));
    }
    out
}

/// The name of a requirement line: `requests>=2 ; python_version...` -> `requests`.
fn requirement_name(req: &str) -> Option<String> {
    let name: String = req
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The keys of a Pipfile's `[packages]` table (TOML: `name = "*"`,
/// `"name" = {version = "*"}`).
pub fn pipfile_packages(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[packages]";
            continue;
        }
        if !inside || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        if let Some(name) = requirement_name(key) {
            out.push(name);
        }
    }
    out
}

/// The string literals of `install_requires=[...]` in a setup.py.
pub fn install_requires(text: &str) -> Vec<String> {
    let Some(at) = text.find("install_requires") else {
        return Vec::new();
    };
    let rest = &text[at..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let Some(close) = rest[open..].find(']') else {
        return Vec::new();
    };
    let list = &rest[open + 1..open + close];
    let mut out = Vec::new();
    let mut quote = None;
    let mut current = String::new();
    for c in list.chars() {
        match quote {
            Some(q) if c == q => {
                if let Some(name) = requirement_name(&current) {
                    out.push(name);
                }
                current.clear();
                quote = None;
            }
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pipfile_requirements_and_setup_py() {
        let pipfile = "[[source]]\nurl = \"x\"\n\n[packages]\nrequests_toolbelt = \"*\"\n\"duo-client\" = {version = \"*\"}\n# comment\n\n[dev-packages]\npytest = \"*\"\n";
        assert_eq!(
            pipfile_packages(pipfile),
            ["requests_toolbelt", "duo-client"]
        );
        let setup = "setup(\n    name='x',\n    install_requires=[\"msal>=1.0\", 'yarl'],\n)\n";
        assert_eq!(install_requires(setup), ["msal", "yarl"]);
        assert_eq!(
            requirement_name("PyYAML==6.0 ; python_version > '3'").unwrap(),
            "PyYAML"
        );
    }
}
