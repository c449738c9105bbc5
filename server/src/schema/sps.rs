//! SPS releases and the plugin API each provides (`schemas/sps-releases.json`,
//! spec 2.2), and the ordering of SPS version strings.

use std::cmp::Ordering;
use std::sync::OnceLock;

use serde_json::Value;

const SOURCE: &str = include_str!("../../../schemas/sps-releases.json");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// `major.minor`, e.g. `6.0`.
    pub sps: String,
    /// The vendor's name for it, e.g. `6 LTS`.
    pub name: String,
    /// The plugin API it provides, (major, minor).
    pub api: (u64, u64),
}

impl Release {
    pub fn api_text(&self) -> String {
        format!("{}.{}", self.api.0, self.api.1)
    }
}

pub fn releases() -> &'static [Release] {
    static RELEASES: OnceLock<Vec<Release>> = OnceLock::new();
    RELEASES.get_or_init(|| {
        let root: Value =
            serde_json::from_str(SOURCE).expect("schemas/sps-releases.json is valid JSON");
        root["releases"]
            .as_array()
            .expect("releases")
            .iter()
            .map(|r| {
                let text = |k: &str| r[k].as_str().expect("release fields are text").to_string();
                let api = text("api");
                let (major, minor) = api.split_once('.').expect("api is major.minor");
                Release {
                    sps: text("sps"),
                    name: text("name"),
                    api: (
                        major.parse().expect("api major"),
                        minor.parse().expect("api minor"),
                    ),
                }
            })
            .collect()
    })
}

/// The release a `target-sps` value names: `6.0` or `6.0.3` (the release
/// 6.0), if the table knows it.
pub fn release(target: &str) -> Option<&'static Release> {
    let mut parts = target.split('.');
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        return None;
    };
    let rest: Vec<&str> = parts.collect();
    let number = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !(number(major) && number(minor) && rest.len() <= 1 && rest.iter().all(|p| number(p))) {
        return None;
    }
    let key = format!(
        "{}.{}",
        major.trim_start_matches('0').parse::<u64>().unwrap_or(0),
        minor.parse::<u64>().ok()?
    );
    releases().iter().find(|r| r.sps == key)
}

/// Whether `s` reads as an SPS version: a digit first, then digits, letters
/// and `.+~-` (Debian's upstream-version characters).
pub fn is_version(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'~' | b'-'))
}

/// Orders two SPS versions as Debian orders upstream versions: runs of
/// digits compare as numbers, the text between them character by character
/// with letters before other characters, and `~` before anything, even the
/// end (`6.13.0~` < `6.13.0` < `6.13.0.1`).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // The text before the next digit.
        let (ta, ra) = split(a, |c| !c.is_ascii_digit());
        let (tb, rb) = split(b, |c| !c.is_ascii_digit());
        let ord = compare_text(ta, tb);
        if ord != Ordering::Equal {
            return ord;
        }
        let (na, ra) = split(ra, |c| c.is_ascii_digit());
        let (nb, rb) = split(rb, |c| c.is_ascii_digit());
        let ord = compare_number(na, nb);
        if ord != Ordering::Equal {
            return ord;
        }
        a = ra;
        b = rb;
    }
    Ordering::Equal
}

fn split(s: &[u8], take: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| take(**c)).count();
    s.split_at(n)
}

fn compare_text(a: &[u8], b: &[u8]) -> Ordering {
    // Debian's weight: `~` below the end, the end below letters, letters
    // below everything else.
    let weight = |c: Option<&u8>| -> i32 {
        match c {
            Some(b'~') => -1,
            None => 0,
            Some(c) if c.is_ascii_alphabetic() => i32::from(*c),
            Some(c) => i32::from(*c) + 256,
        }
    };
    let mut i = 0;
    while i < a.len() || i < b.len() {
        let ord = weight(a.get(i)).cmp(&weight(b.get(i)));
        if ord != Ordering::Equal {
            return ord;
        }
        i += 1;
    }
    Ordering::Equal
}

fn compare_number(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |s: &[u8]| -> Vec<u8> {
        let n = s.iter().take_while(|c| **c == b'0').count();
        s[n..].to_vec()
    };
    let (a, b) = (trim(a), trim(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_sorts_before_anything_even_the_end() {
        use Ordering::*;
        let cases = [
            ("6.13.0~", "6.13.0", Less),
            ("6.13.0", "6.13.0.1", Less),
            ("6.13.0~rc1", "6.13.0~", Greater),
            ("6.13.0~~", "6.13.0~", Less),
            ("6.9", "6.10", Less),
            ("6.010", "6.10", Equal),
            ("6.1a", "6.1", Greater),
            ("6.1a", "6.1+", Less),
            ("6.1", "6.1.0", Less),
            ("8.0.0~", "6.13.0~", Greater),
            ("5.1.0", "5.1.0", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(a, b), want, "{a} vs {b}");
            assert_eq!(compare(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn releases_are_found_by_major_minor() {
        assert_eq!(release("6.0").map(|r| r.api), Some((1, 1)));
        assert_eq!(release("6.0.3").map(|r| r.api), Some((1, 1)));
        assert_eq!(release("9.0").map(|r| r.name.as_str()), Some("9 LTS"));
        assert_eq!(release("7.0"), None);
        assert_eq!(release("6"), None);
        assert_eq!(release("6.0.1.2"), None);
        assert!(is_version("6.13.0~") && !is_version("v6") && !is_version(""));
    }
}
