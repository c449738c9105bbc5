//! Unit tests of the default.cfg features.

use super::*;
use crate::analysis::{Context, Edit};
use crate::syntax::ini;
use crate::text::TextRange;
use crate::workspace::MemoryFiles;
use std::path::Path;

fn with<T>(ptype: Option<&str>, f: impl FnOnce(&Context) -> T) -> T {
    let mut files = MemoryFiles::default();
    if let Some(t) = ptype {
        files
            .files
            .insert("/p/MANIFEST".into(), format!("type: {t}\n").into_bytes());
    }
    let cx = Context::new(Path::new("/p/default.cfg"), &files);
    f(&cx)
}

fn cursor(marked: &str) -> (String, usize) {
    let at = marked.find("$0").expect("$0");
    (marked.replacen("$0", "", 1), at)
}

fn labels(ptype: Option<&str>, marked: &str) -> Vec<String> {
    let (text, at) = cursor(marked);
    with(ptype, |cx| completion(&text, at, cx))
        .into_iter()
        .map(|c| c.label)
        .collect()
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.range.start..e.range.end, &e.new_text);
    }
    out
}

#[test]
fn completes_sections_for_the_plugin_type() {
    let l = labels(Some("credentialstore"), "[logging]\n[$0");
    assert!(l.contains(&"check-in-trigger".to_string()), "{l:?}");
    assert!(l.contains(&"tls".to_string()));
    assert!(!l.contains(&"auth".to_string()));
    assert!(!l.contains(&"logging".to_string()), "already present");
    let l = labels(Some("aa"), "[question_1]\n[qu$0");
    assert!(l.contains(&"question_2".to_string()), "{l:?}");
    let (text, at) = cursor("[lo$0\n");
    let items = with(None, |cx| completion(&text, at, cx));
    let logging = items.iter().find(|i| i.label == "logging").unwrap();
    assert_eq!(
        apply(
            &text,
            &[Edit::new(logging.replace, logging.insert_text.clone())]
        ),
        "[logging]\n"
    );
}

#[test]
fn completes_options_with_defaults_and_templates() {
    let (text, at) = cursor("[logging]\n; log_level=debug\n$0\n");
    let items = with(None, |cx| completion(&text, at, cx));
    let ll = items.iter().find(|i| i.label == "log_level").unwrap();
    assert_eq!(ll.insert_text, "log_level=${1:debug}");
    assert!(ll.snippet);
    let l = labels(None, "[mine]\n; secret=<x>\n; retries=3\nre$0");
    assert_eq!(l, vec!["secret", "retries"]);
    let l = labels(Some("aa"), "[https-proxy]\nserver=x\n$0");
    assert!(!l.contains(&"server".to_string()));
    assert!(
        !l.contains(&"enabled".to_string()),
        "not read from [https-proxy]"
    );
    assert!(l.contains(&"password".to_string()));
}

#[test]
fn completes_values() {
    assert_eq!(
        labels(None, "[logging]\nlog_level = $0"),
        vec!["debug", "info", "warning", "error", "critical"]
    );
    assert_eq!(labels(None, "[tls]\nenabled=t$0rue"), vec!["yes", "no"]);
    assert_eq!(
        labels(Some("credentialstore"), "[check-in-trigger]\nrdp=$0"),
        vec!["session-ended", "authentication-completed"]
    );
    assert_eq!(labels(None, "[my-plugin]\npassword=$0"), vec!["$", "$$"]);
    assert!(labels(None, "[https-proxy]\npassword=$0").contains(&"$".to_string()));
    assert!(labels(None, "[tls]\nca_cert=$0").contains(&"$[]".to_string()));
    assert!(labels(None, "[logging]\n# log_level=$0").is_empty());
    assert!(labels(None, "[a]\nk=v\n  more$0").is_empty());
}

#[test]
fn hovers() {
    let h = |ptype: Option<&str>, marked: &str| {
        let (text, at) = cursor(marked);
        with(ptype, |cx| hover(&text, at, cx)).map(|h| h.markdown)
    };
    assert!(h(None, "[log$0ging]\n")
        .unwrap()
        .contains("Logging of the plugin"));
    assert!(h(Some("aa"), "[check-in$0-trigger]\n")
        .unwrap()
        .contains("does not read this section"));
    let md = h(None, "[logging]\nlog_le$0vel=info ; x\n").unwrap();
    assert!(md.contains("debug") && md.contains("`info ; x`"), "{md}");
    let md = h(None, "[my-db]\npassword=$0$\n").unwrap();
    assert!(md.contains("host `my-db`, user `password`"), "{md}");
    assert!(h(None, "[a]\nk=$$0$\n").unwrap().contains("literal"));
    assert!(h(None, "[tls]\nca_cert=$[my$0ca]\n")
        .unwrap()
        .contains("**`$[myca]`**"));
    assert!(h(None, "[logging]\n; log_l$0evel=info\n")
        .unwrap()
        .contains("Commented out"));
    assert!(h(None, "[DEF$0AULT]\n")
        .unwrap()
        .contains("every other section"));
}

#[test]
fn symbols_and_folds() {
    let text = "[a]\nk=1\n  more\nj=2\n\n[b]\n";
    let s = super::outline::symbols(text, None);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].name, "[a]");
    assert_eq!(
        s[0].children
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["k", "j"]
    );
    let f = folding(text);
    assert_eq!(f.len(), 2);
    assert_eq!(&text[f[0].start..f[0].end], "[a]\nk=1\n  more\nj=2");
    assert_eq!(&text[f[1].start..f[1].end], "k=1\n  more");
}

#[test]
fn uncomments_templates_with_their_continuations() {
    let text = "[yubikey]\n; api_urls=https://a,\n;     https://b\n; timeout=10\n";
    let acts = with(None, |cx| assists(text, TextRange::new(12, 12), cx));
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].title, "Uncomment `api_urls=https://a,`");
    let out = apply(text, &acts[0].edits);
    assert_eq!(
        out,
        "[yubikey]\napi_urls=https://a,\n     https://b\n; timeout=10\n"
    );
    let ini = ini::parse(&out);
    assert_eq!(ini.sections[0].entries[0].value, "https://a,\nhttps://b");
}
