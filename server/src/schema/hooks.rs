//! The hooks SPS and the SDK call on a plugin, per plugin type
//! (`schemas/plugin-hooks.json`), embedded at build time and read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../../schemas/plugin-hooks.json");

#[derive(Debug, Deserialize)]
pub struct PluginHooks {
    pub types: BTreeMap<String, TypeHooks>,
}

/// What one plugin type's plugin object is called with.
#[derive(Debug, Deserialize)]
pub struct TypeHooks {
    /// The SDK class a plugin of this type derives from, qualified.
    pub base_class: String,
    /// The `do_*` hooks of which the plugin must define at least one.
    pub needed_hooks: Vec<String>,
    /// What happens when it defines none: "so the SDK accepts every
    /// connection".
    pub without_needed_hooks: String,
    /// The `do_*` hooks the base class calls with no arguments.
    pub hooks: Vec<Hook>,
    /// The methods SPS calls on the plugin object itself, by keyword.
    pub raw_hooks: Vec<Hook>,
}

#[derive(Debug, Deserialize)]
pub struct Hook {
    pub name: String,
    /// When it is called, for hovers and completion.
    pub when: String,
}

/// The embedded data, parsed on first use.
pub fn get() -> &'static PluginHooks {
    static HOOKS: OnceLock<PluginHooks> = OnceLock::new();
    HOOKS.get_or_init(|| serde_json::from_str(DATA).expect("schemas/plugin-hooks.json is valid"))
}

impl PluginHooks {
    /// The hooks of a plugin type (`aa`, `credentialstore`).
    pub fn of_type(&self, plugin_type: &str) -> Option<&TypeHooks> {
        self.types.get(plugin_type)
    }

    /// The plugin type whose SDK base class is named `short`
    /// (`AAPlugin`) or `qualified`.
    pub fn type_of_base(&self, base: &str) -> Option<(&str, &TypeHooks)> {
        self.types
            .iter()
            .map(|(t, h)| (t.as_str(), h))
            .find(|(_, h)| h.base_class == base || h.base_class.rsplit('.').next() == Some(base))
    }
}

impl TypeHooks {
    /// The base class's short name: `AAPlugin`.
    pub fn base_short(&self) -> &str {
        self.base_class
            .rsplit('.')
            .next()
            .unwrap_or(&self.base_class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hook_is_a_member_of_its_sdk_base_class() {
        let sdk = crate::schema::sdk_api::get();
        for (t, hooks) in &get().types {
            let (_, class) = sdk.name(&hooks.base_class).expect("a class of the SDK");
            for hook in hooks.hooks.iter().chain(&hooks.raw_hooks) {
                assert!(class.members.contains_key(&hook.name), "{t}: {}", hook.name);
            }
            for needed in &hooks.needed_hooks {
                assert!(
                    hooks.hooks.iter().any(|h| &h.name == needed),
                    "{t}: {needed}"
                );
            }
        }
        assert_eq!(get().type_of_base("AAPlugin").map(|(t, _)| t), Some("aa"));
    }
}
