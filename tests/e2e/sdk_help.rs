//! Help on the SDK's API in a plugin's Python over stdio, without the SDK
//! installed: signature help and hover on a copy of a real plugin
//! (`../shared/plugins/tpam`, a credential store of api 1.1).

use serde_json::{json, Value};

use crate::harness::*;
use crate::rename::real_plugin;

#[test]
fn signature_help_is_advertised_with_its_trigger_characters() {
    let mut server = Server::spawn();
    let init = server.initialize(&["utf-16"], None);
    assert_eq!(
        init["capabilities"]["signatureHelpProvider"]["triggerCharacters"],
        json!(["(", ","])
    );
    assert_eq!(server.shutdown(), 0);
}

fn signature_help(server: &mut Server, uri: &str, text: &str, at: usize) -> Value {
    server
        .request(
            "textDocument/signatureHelp",
            json!({ "textDocument": { "uri": uri }, "position": position(text, at, "utf-16") }),
        )
        .unwrap()
}

/// The label of each parameter, cut out of the signature's label by the
/// offsets the server gives.
fn parameter_labels(signature: &Value) -> Vec<String> {
    let label: Vec<u16> = signature["label"]
        .as_str()
        .unwrap()
        .encode_utf16()
        .collect();
    signature["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let [s, e] = [0, 1].map(|i| p["label"][i].as_u64().unwrap() as usize);
            String::from_utf16(&label[s..e]).unwrap()
        })
        .collect()
}

#[test]
fn signature_help_and_hover_in_a_real_plugin_by_its_api() {
    let Some((_root, dir)) = real_plugin("tpam") else {
        return;
    };
    let path = dir.join("lib/plugin.py");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut server = Server::start_open_scope(&dir);
    let u = server.open(&path, &text);
    server.diagnostics(&u, 1);

    // In `getboolean("tpam", "reuse_gateway_password", False)`, at `False`.
    let call = r#"getboolean("tpam", "reuse_gateway_password", "#;
    let at = text.find(call).unwrap() + call.len();
    let help = signature_help(&mut server, &u, &text, at);
    let signature = &help["signatures"][0];
    assert_eq!(
        signature["label"],
        "PluginConfiguration.getboolean(section, option, default=None, required=False)"
    );
    assert_eq!(
        parameter_labels(signature),
        ["section", "option", "default=None", "required=False"]
    );
    assert_eq!(help["activeParameter"], 2);
    assert_eq!(
        signature["parameters"][2]["documentation"]["value"],
        "value if section or option is not present"
    );
    let docs = signature["documentation"]["value"].as_str().unwrap();
    assert!(
        docs.contains("this plugin's MANIFEST says api 1.1"),
        "{docs}"
    );

    // Typing a call of a getter newer than the plugin's api: its signature
    // while the call is open, the api it needs marked.
    let line = "        reuse_gateway_password = ";
    let start = text.find(line).unwrap() + line.len();
    let typed = "self.plugin_configuration.get_options(";
    let edited = format!("{}{typed}\n{}", &text[..start], &text[start..]);
    let range = json!({ "start": position(&text, start, "utf-16"), "end": position(&text, start, "utf-16") });
    server.change(
        &u,
        2,
        json!([{ "range": range, "text": format!("{typed}\n") }]),
    );
    let help = signature_help(&mut server, &u, &edited, start + typed.len());
    let signature = &help["signatures"][0];
    assert_eq!(
        signature["label"],
        "PluginConfiguration.get_options(section)"
    );
    assert_eq!(help["activeParameter"], 0);
    let docs = signature["documentation"]["value"].as_str().unwrap();
    assert!(
        docs.contains("**Not in api 1.1** (this plugin's MANIFEST); new in 1.3"),
        "{docs}"
    );
    server.diagnostics(&u, 2);

    // Hover on the getter: its signature in a Python block.
    let at = edited.find("getboolean").unwrap() + 3;
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": u }, "position": position(&edited, at, "utf-16") }),
        )
        .unwrap();
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.starts_with("```python\n(method) PluginConfiguration.getboolean(section, option, default=None, required=False)\n```"),
        "{md}"
    );
    // Outside any call: nothing.
    assert_eq!(signature_help(&mut server, &u, &edited, 0), Value::Null);
    assert_eq!(server.shutdown(), 0);
}
