//! Python itself: the standard library's top-level modules of the Python
//! SPS runs plugins with (`schemas/python-stdlib.json`).

use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../../schemas/python-stdlib.json");

#[derive(Debug, Deserialize)]
struct Stdlib {
    /// Sorted.
    modules: Vec<String>,
}

fn stdlib() -> &'static Stdlib {
    static STDLIB: OnceLock<Stdlib> = OnceLock::new();
    STDLIB.get_or_init(|| serde_json::from_str(DATA).expect("schemas/python-stdlib.json is valid"))
}

/// Whether `top` (a top-level module name) is in the standard library.
pub fn is_stdlib(top: &str) -> bool {
    stdlib()
        .modules
        .binary_search_by(|m| m.as_str().cmp(top))
        .is_ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn knows_the_standard_library_of_python_3_12() {
        for m in ["os", "json", "urllib", "__future__", "configparser", "ssl"] {
            assert!(super::is_stdlib(m), "{m}");
        }
        // Removed in 3.12.
        for m in ["imp", "distutils", "asyncore", "requests"] {
            assert!(!super::is_stdlib(m), "{m}");
        }
        assert!(super::stdlib().modules.windows(2).all(|w| w[0] < w[1]));
    }
}
