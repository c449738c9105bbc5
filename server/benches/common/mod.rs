//! Inputs shared by the benchmarks: a realistic MANIFEST and a realistic
//! default.cfg grown to any size, both generated deterministically, a
//! workspace of many plugins ([`workspace`]), and the statistics they print.

#![allow(dead_code)]

pub mod workspace;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use std::time::Instant;

use sps_lsp_client::{uri, Client};

/// `SPS_BENCH_QUICK=1`: fewer edits and repetitions.
pub fn quick() -> bool {
    std::env::var_os("SPS_BENCH_QUICK").is_some_and(|v| v != "0")
}

/// The server measured: `SPS_BENCH_BIN`, else this build's.
pub fn bin() -> PathBuf {
    std::env::var_os("SPS_BENCH_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sps-plugin-ls")))
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `p`th percentile (nearest rank) of the times; zero for none.
pub fn percentile(v: &[Duration], p: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let mut s = v.to_vec();
    s.sort();
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

pub fn median(v: Vec<Duration>) -> Duration {
    percentile(&v, 50.0)
}

/// A complete, valid MANIFEST as plugin authors write it.
pub const MANIFEST: &str = "\
# SPS plugin: multi-factor authentication against the Example MFA service.
name: Example_MFA
description: 'Multi-factor authentication with Example MFA: push, OTP and SMS'
version: '2.3.1'
type: aa
api: '1.9'
entry_point: main.py
author_name: Example Corp Integrations Team
author_email: integrations@example.com
";

/// The realistic MANIFEST grown to at least `size` bytes by a long
/// `description` block (a literal block scalar, which SPS accepts); no
/// findings.
pub fn manifest(size: usize) -> String {
    let mut text = MANIFEST.replace(
        "description: 'Multi-factor authentication with Example MFA: push, OTP and SMS'\n",
        "",
    );
    text.push_str("description: |\n");
    let mut n = 1;
    while text.len() < size {
        text.push_str(&format!(
            "  Paragraph {n}: the plugin asks Example MFA for a push notification, then\n  falls back to a one-time password typed at the prompt.\n"
        ));
        n += 1;
    }
    text
}

/// The plugin's code: it reads its sections by a name it computes, so no
/// section of the generated default.cfg is "unread" (config/unread-section)
/// and the files stay free of findings.
pub const MAIN_PY: &str = "#!/usr/bin/env pluginwrapper3
from safeguard.sessions.plugin import AAPlugin


class Plugin(AAPlugin):
    def do_authorize(self):
        for section in self.plugin_configuration.get_options(\"directories\"):
            self.plugin_configuration.get(section, \"server\")
";

/// The top of a real SDK-style default.cfg: the SDK's common sections with
/// their comments, as the SDK's templates write them.
const CONFIG_HEAD: &str = "\
###### Example MFA options ######
[example-mfa]
# These are mandatory options. Other than api_url, they should be referenced
# from a credential store. See the credential_store section for more detail.
api_url=https://api.example.com/v2
client_id=$
client_secret=$

# URL of the logo that should be shown for PUSH notifications in the mobile app.
; logo_url=<logo-url>

###### Common plugin options ######
# To enable or change a parameter, uncomment its line by removing the ';'
# character and replacing the right side of '=' with the desired value.
# If the parameter has the following structure
# ; name=<value>
# then the related option is turned off until you replace '<value>'.

[credential_store]
# Name of the local credential store configured in SPS for hosting sensitive
# configuration data. For more information, read the \"Store sensitive
# plugin data securely\" section in the Tutorial document.
name=mfa_store

[logging]
# To configure the log level, enter one of the following values:
# 'debug', 'info', 'warning', 'error', 'critical'
log_level=info

# Enable or disable stacktraces in error logs. It defaults to 'no'.
; enable_stacktrace=no

[auth]
# To override the prompt when using 2FA/MFA, enter the new prompt below.
prompt=Press Enter for push notification or type one-time password:

# For better security, you can hide the characters (OTP or password) that the
# user types after the prompt.
disable_echo=yes

[authentication_cache]
# CAUTION: Do not configure this section unless you know exactly what you are
# doing.
soft_timeout=15
hard_timeout=90
reuse_limit=5

[question_1]
# Ask the user for a ticket number before the session starts.
key=ticket_id
prompt=Ticket number:
disable_echo=no

[usermapping source=explicit]
# Map gateway users to the user names the MFA service knows.
; administrator=admin@example.com

";

/// One plugin-defined section, repeated with distinct names to grow the
/// file: options, comments, a continuation line and an interpolation.
fn config_block(n: usize) -> String {
    format!(
        "\
[directory-{n}]
# Directory server number {n}: where the plugin looks up the gateway user's
# telephone number and e-mail address. See the Tutorial document.
server=ldap{n}.example.com
port=636
base_dn=ou=people{n},dc=example,dc=com
; bind_dn=<bind-dn>
bind_password=$
use_tls=yes
timeout=30
# Attributes to read, one per line.
attributes=uid
    telephoneNumber
    mail
url=ldaps://%(server)s:%(port)s/%(base_dn)s

"
    )
}

/// A realistic default.cfg of at least `size` bytes (and at most one block
/// more). It has no findings.
pub fn config(size: usize) -> String {
    let mut text = String::with_capacity(size + 1024);
    text.push_str(CONFIG_HEAD);
    let mut n = 1;
    while text.len() < size {
        text.push_str(&config_block(n));
        n += 1;
    }
    text
}

/// The same file with a warning on every section: its names are not host
/// names (`directory_1`), which `$` values need.
pub fn config_with_findings(size: usize) -> String {
    config(size).replace("[directory-", "[directory_")
}

/// The byte offset of the end of the line holding `needle`'s first match at
/// or after `from`: where a user types into a value.
pub fn end_of_line_with(text: &str, needle: &str, from: usize) -> usize {
    let at = from + text[from..].find(needle).expect("needle present");
    at + text[at..].find('\n').unwrap_or(text.len() - at)
}

/// Line and (UTF-16 = byte, the texts are ASCII) column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = offset - before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, col as u32)
}

/// The `initialize` parameters of every benchmark session: a client offering
/// UTF-16 positions only, as VS Code does, and work-done progress.
pub fn init_params(root: &Path) -> Value {
    json!({
        "processId": std::process::id(),
        "rootUri": uri(root),
        "workspaceFolders": [{ "uri": uri(root), "name": "bench" }],
        "capabilities": {
            "general": { "positionEncodings": ["utf-16"] },
            "window": { "workDoneProgress": true },
            "workspace": {
                "configuration": true,
                "workspaceFolders": true,
                "didChangeConfiguration": { "dynamicRegistration": false },
                "didChangeWatchedFiles": { "dynamicRegistration": true }
            },
            "textDocument": {
                "synchronization": { "didSave": true },
                "publishDiagnostics": { "versionSupport": true, "relatedInformation": true },
                "completion": { "completionItem": { "snippetSupport": true } },
                "hover": { "contentFormat": ["markdown", "plaintext"] }
            }
        }
    })
}

/// One open document typed in: `x` at `at`, then deleted, in turn; each
/// keystroke timed from the change to its `publishDiagnostics`.
pub struct Typing {
    uri: String,
    line: u32,
    col: u32,
    version: i64,
}

impl Typing {
    pub fn open(lsp: &mut Client, path: &Path, language: &str, at: usize) -> Typing {
        let text = std::fs::read_to_string(path).unwrap();
        let u = uri(path);
        lsp.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": u, "languageId": language, "version": 1, "text": text } }),
        );
        lsp.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u.as_str()
        })
        .expect("the opened file's diagnostics");
        lsp.discard(Duration::from_millis(300));
        let (line, col) = line_col(&text, at);
        Typing {
            uri: u,
            line,
            col,
            version: 1,
        }
    }

    pub fn keystroke(&mut self, lsp: &mut Client) -> Duration {
        self.version += 1;
        let (line, col, version) = (self.line, self.col, self.version);
        let change = if version % 2 == 0 {
            json!({ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } }, "text": "x" })
        } else {
            json!({ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col + 1 } }, "text": "" })
        };
        let started = Instant::now();
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": self.uri, "version": version }, "contentChanges": [change] }),
        );
        // A server that leaves the version out is taken at its next
        // publication of the file.
        let (at, _) = lsp
            .wait_for_timed(Duration::from_secs(30), |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == self.uri.as_str()
                    && (m["params"]["version"] == version || m["params"]["version"].is_null())
            })
            .expect("the edit's diagnostics");
        lsp.take_read(|_| true);
        at - started
    }

    pub fn close(self, lsp: &mut Client) {
        lsp.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": self.uri } }),
        );
    }
}
