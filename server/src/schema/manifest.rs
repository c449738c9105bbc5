//! The MANIFEST schema (`schemas/manifest.schema.json`): keys, their
//! documentation and snippets, the plugin types and the API versions.

use std::sync::OnceLock;

use serde_json::Value;

const SOURCE: &str = include_str!("../../../schemas/manifest.schema.json");

pub struct ManifestSchema {
    /// Keys in the schema's order.
    pub keys: Vec<KeySpec>,
    pub types: Vec<EnumValue>,
    pub api_versions: Vec<ApiVersion>,
    /// The newest API minor version known (`1.<minor>`).
    pub newest_api_minor: u64,
}

pub struct KeySpec {
    pub name: String,
    pub required: bool,
    /// Markdown.
    pub description: String,
    /// The value part of the completion snippet.
    pub snippet: String,
    /// The value a fix writes for the missing key (`default`).
    pub default: Option<String>,
    /// The JSON Schema `pattern` the value must match.
    pub pattern: Option<String>,
}

pub struct EnumValue {
    pub value: String,
    pub description: String,
}

pub struct ApiVersion {
    pub api: String,
    pub sdk: String,
    pub sps: String,
}

impl ManifestSchema {
    pub fn key(&self, name: &str) -> Option<&KeySpec> {
        self.keys.iter().find(|k| k.name == name)
    }

    pub fn required_keys(&self) -> impl Iterator<Item = &KeySpec> {
        self.keys.iter().filter(|k| k.required)
    }

    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|t| t.value.as_str())
    }
}

pub fn get() -> &'static ManifestSchema {
    static SCHEMA: OnceLock<ManifestSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| load(SOURCE))
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn load(source: &str) -> ManifestSchema {
    let root: Value =
        serde_json::from_str(source).expect("schemas/manifest.schema.json is valid JSON");
    let required: Vec<&str> = root["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // Required keys first, in the order the schema lists them as required.
    let props = root["properties"].as_object().expect("properties");
    let mut keys: Vec<KeySpec> = props
        .iter()
        .map(|(name, p)| {
            let md = text(p, "markdownDescription");
            KeySpec {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                description: if md.is_empty() {
                    text(p, "description")
                } else {
                    md
                },
                snippet: text(p, "x-snippet"),
                default: p["default"].as_str().map(str::to_string),
                pattern: p["pattern"].as_str().map(str::to_string),
            }
        })
        .collect();
    keys.sort_by_key(|k| {
        required
            .iter()
            .position(|r| *r == k.name)
            .unwrap_or(usize::MAX)
    });
    let ty = &root["properties"]["type"];
    let types = ty["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(ty["enumDescriptions"].as_array().into_iter().flatten())
        .map(|(v, d)| EnumValue {
            value: v.as_str().unwrap_or_default().to_string(),
            description: d.as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let api_versions = root["properties"]["api"]["x-api-versions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| ApiVersion {
            api: text(v, "api"),
            sdk: text(v, "sdk"),
            sps: text(v, "sps"),
        })
        .collect();
    let newest_api_minor = text(&root, "x-newest-api")
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .expect("x-newest-api is 1.<minor>");
    ManifestSchema {
        keys,
        types,
        api_versions,
        newest_api_minor,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_loads() {
        let s = super::get();
        assert_eq!(s.required_keys().count(), 6);
        assert_eq!(s.types.len(), 4);
        assert_eq!(s.newest_api_minor, 9);
        assert!(s.keys.iter().all(|k| !k.description.is_empty()));
    }
}
