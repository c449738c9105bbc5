//! What the Plugin SDK offers in which API (`schemas/sdk-api.json`, written
//! by `scripts/sdk-api.py` from the SDK wheels of every version), embedded at
//! build time and read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../../schemas/sdk-api.json");

/// An API as `(major, minor)`.
pub type Api = (u64, u64);

#[derive(Debug, Deserialize)]
pub struct SdkApi {
    pub apis: Vec<String>,
    pub wheels: BTreeMap<String, String>,
    /// Per API, the import names of the SDK wheel's own requirements (what
    /// SPS has installed beside it).
    pub requirements: BTreeMap<String, Vec<String>>,
    /// Distribution names whose import names differ.
    pub dist_modules: BTreeMap<String, Vec<String>>,
    pub modules: BTreeMap<String, Module>,
    /// Signatures and documentation by qualified name (a member under the
    /// class that defines it: `...plugin_base.PluginBase.logger`), as of
    /// the newest SDK that has the name.
    #[serde(default)]
    pub docs: BTreeMap<String, Doc>,
}

/// What the SDK documents of a name, Sphinx's markup already Markdown.
#[derive(Debug, Default, Deserialize)]
pub struct Doc {
    /// The parameters as written (`self`, `default=None`, `*args`); none
    /// for an attribute or a property.
    #[serde(default)]
    pub signature: Option<Vec<String>>,
    /// The description's first paragraphs.
    #[serde(default)]
    pub doc: Option<String>,
    /// Each parameter's documentation, its type first in parentheses.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    #[serde(default)]
    pub returns: Option<String>,
    #[serde(default)]
    pub rtype: Option<String>,
    #[serde(default)]
    pub raises: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Module {
    pub since: String,
    #[serde(default)]
    pub until: Option<String>,
    pub names: BTreeMap<String, Name>,
}

#[derive(Debug, Deserialize)]
pub struct Name {
    pub since: String,
    #[serde(default)]
    pub until: Option<String>,
    /// `class`, `function`, `constant` or `alias`.
    pub kind: String,
    /// For an alias: the qualified name it stands for.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub params: Vec<String>,
    /// For a class: its bases, qualified where they are the SDK's.
    #[serde(default)]
    pub bases: Vec<String>,
    /// For a class: itself and its SDK bases, in method resolution order.
    #[serde(default)]
    pub mro: Vec<String>,
    /// For a class: its members, inherited ones included.
    #[serde(default)]
    pub members: BTreeMap<String, Member>,
}

#[derive(Debug, Deserialize)]
pub struct Member {
    pub since: String,
    #[serde(default)]
    pub until: Option<String>,
    /// `method`, `classmethod`, `staticmethod`, `property` or `attribute`.
    pub kind: String,
    #[serde(default)]
    pub params: Vec<String>,
    /// Parameters newer than the member itself, with their API.
    #[serde(default)]
    pub keywords_since: BTreeMap<String, String>,
    /// The SDK class an attribute holds (`plugin_configuration`).
    #[serde(default, rename = "type")]
    pub type_: Option<String>,
}

pub const PACKAGE: &str = "safeguard.sessions.plugin";
pub const AA_PLUGIN: &str = "safeguard.sessions.plugin.aa_plugin.AAPlugin";
pub const CREDENTIAL_STORE_PLUGIN: &str =
    "safeguard.sessions.plugin.credentialstore_plugin.CredentialStorePlugin";
pub const PLUGIN_CONFIGURATION: &str =
    "safeguard.sessions.plugin.plugin_configuration.PluginConfiguration";
pub const PLUGIN_BASE: &str = "safeguard.sessions.plugin.plugin_base.PluginBase";

/// The embedded data, parsed on first use.
pub fn get() -> &'static SdkApi {
    static SDK: OnceLock<SdkApi> = OnceLock::new();
    SDK.get_or_init(|| serde_json::from_str(DATA).expect("schemas/sdk-api.json is valid"))
}

/// `"1.3"` as `(1, 3)`.
pub fn parse(s: &str) -> Option<Api> {
    let (a, b) = s.split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub fn show(api: Api) -> String {
    format!("{}.{}", api.0, api.1)
}

/// Whether something present from `since` until `until` is there in `api`.
pub fn present(since: &str, until: Option<&str>, api: Api) -> bool {
    parse(since).is_some_and(|s| s <= api) && until.and_then(parse).is_none_or(|u| api <= u)
}

impl SdkApi {
    /// The newest API the data knows.
    pub fn newest(&self) -> Api {
        self.apis.last().and_then(|a| parse(a)).unwrap_or((1, 9))
    }

    pub fn module(&self, qual: &str) -> Option<&Module> {
        self.modules.get(qual)
    }

    /// A class (or function, constant) by qualified name, aliases followed.
    pub fn name(&self, qual: &str) -> Option<(&str, &Name)> {
        let mut qual = qual;
        for _ in 0..8 {
            let (module, name) = qual.rsplit_once('.')?;
            let (key, entry) = self.module(module)?.names.get_key_value(name)?;
            match (&entry.kind[..], &entry.target) {
                ("alias", Some(target)) => qual = target,
                _ => return Some((key.as_str(), entry)),
            }
        }
        None
    }

    /// The qualified name an alias stands for (itself when not an alias).
    pub fn resolve<'a>(&'a self, qual: &'a str) -> &'a str {
        let mut qual = qual;
        for _ in 0..8 {
            let Some((module, name)) = qual.rsplit_once('.') else {
                return qual;
            };
            match self.module(module).and_then(|m| m.names.get(name)) {
                Some(Name {
                    target: Some(t), ..
                }) => qual = t,
                _ => return qual,
            }
        }
        qual
    }

    /// The getters of the SDK's `PluginConfiguration` (`get`, `getint`,
    /// `get_options`, ...): its public methods whose first parameter is the
    /// section, in any API.
    pub fn config_getters(&self) -> &[String] {
        static GETTERS: OnceLock<Vec<String>> = OnceLock::new();
        GETTERS.get_or_init(|| {
            let Some((_, class)) = self.name(PLUGIN_CONFIGURATION) else {
                return Vec::new();
            };
            class
                .members
                .iter()
                .filter(|(name, m)| {
                    !name.starts_with('_')
                        && m.kind == "method"
                        && m.params.get(1).is_some_and(|p| p == "section")
                })
                .map(|(name, _)| name.clone())
                .collect()
        })
    }

    /// Whether `method` is one of [`Self::config_getters`].
    pub fn is_config_getter(&self, method: &str) -> bool {
        self.config_getters().iter().any(|g| g == method)
    }

    /// The documentation of a module, class or function (aliases followed).
    pub fn doc(&self, qual: &str) -> Option<&Doc> {
        self.docs
            .get(qual)
            .or_else(|| self.docs.get(self.resolve(qual)))
    }

    /// The documentation of a class's member along the class's method
    /// resolution order: the class that defines it first, then those it
    /// overrides (whose docstring an undocumented override inherits).
    pub fn member_docs(&self, class: &str, member: &str) -> Vec<&Doc> {
        let class = self.resolve(class);
        let own = [class.to_string()];
        let mro = self.name(class).map_or(&own[..], |(_, c)| &c.mro[..]);
        mro.iter()
            .filter_map(|q| self.docs.get(&format!("{q}.{member}")))
            .collect()
    }

    /// Import names SPS has installed beside the SDK of `api`.
    pub fn requirements(&self, api: Api) -> &[String] {
        self.requirements
            .get(&show(api))
            .or_else(|| self.requirements.values().last())
            .map_or(&[], Vec::as_slice)
    }

    /// The import names of a distribution (`duo-client` -> `duo_client`).
    pub fn dist_modules(&self, dist: &str) -> Vec<String> {
        let norm = dist.to_ascii_lowercase().replace('_', "-");
        match self.dist_modules.get(&norm) {
            Some(m) => m.clone(),
            None => vec![norm.replace(['-', '.'], "_")],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(class: &str, name: &str) -> &'static Member {
        let (_, c) = get().name(class).unwrap();
        &c.members[name]
    }

    #[test]
    fn the_configuration_getters_come_from_the_data() {
        expect_test::expect!["get get_ca_certificate get_certificate get_key get_options getboolean getfloat getienum getint getlist"].assert_eq(&get().config_getters().join(" "));
    }

    #[test]
    fn known_facts_from_the_wheels() {
        let sdk = get();
        let (_, tls) = sdk
            .name("safeguard.sessions.plugin.requests_tls.RequestsTLS")
            .unwrap();
        assert_eq!(tls.since, "1.3");
        assert_eq!(
            member(
                "safeguard.sessions.plugin.plugin_configuration.PluginConfiguration",
                "get_options"
            )
            .since,
            "1.3"
        );
        assert_eq!(
            member(CREDENTIAL_STORE_PLUGIN, "do_get_remote_app_credentials").since,
            "1.7"
        );
        assert_eq!(
            member(CREDENTIAL_STORE_PLUGIN, "do_get_totp_codes").since,
            "1.9"
        );
        // The package's own names are aliases of the modules' classes.
        let (name, aa) = sdk.name("safeguard.sessions.plugin.AAPlugin").unwrap();
        assert_eq!(name, "AAPlugin");
        assert_eq!(aa.mro, [AA_PLUGIN, PLUGIN_BASE]);
        assert_eq!(
            member(AA_PLUGIN, "plugin_configuration").type_.as_deref(),
            Some("safeguard.sessions.plugin.plugin_configuration.PluginConfiguration")
        );
        assert!(sdk.requirements((1, 9)).iter().any(|r| r == "requests"));
        assert_eq!(sdk.dist_modules("PyYAML"), ["yaml"]);
        assert_eq!(sdk.dist_modules("duo-client"), ["duo_client"]);
        assert_eq!(sdk.newest(), (1, 9));
    }

    #[test]
    fn documentation_comes_from_the_wheels_docstrings() {
        let sdk = get();
        let docs = sdk.member_docs(PLUGIN_CONFIGURATION, "getboolean");
        let get = docs[0];
        assert_eq!(
            get.signature.as_deref().unwrap(),
            [
                "self",
                "section",
                "option",
                "default=None",
                "required=False"
            ]
        );
        assert!(get.doc.as_deref().unwrap().contains("`getboolean`"));
        assert_eq!(get.params["section"], "(str) which [section] to search");
        // An attribute documented in its class's docstring, reached from
        // the class that inherits it.
        let logger = sdk.member_docs(AA_PLUGIN, "logger");
        assert!(logger[0].doc.as_deref().unwrap().contains("logging"));
        let (_, response) = sdk.name("safeguard.sessions.plugin.AAResponse").unwrap();
        assert!(response.members.contains_key("need_info"));
        assert!(sdk.doc("safeguard.sessions.plugin.AAResponse").is_some());
    }
}
