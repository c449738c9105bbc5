//! The globs of `per-file-ignores` and `exclude`, matched against paths
//! relative to the configuration file's folder, `/`-separated: `*` and `?`
//! stay within one path part, `**` (a whole part) spans any number of them,
//! `[abc]`, `[a-z]` and `[!abc]` match one character. A glob without `/`
//! matches a file or folder name at any depth (`*.cfg`, `tests`), as ruff's
//! and git's do.
//!
//! Matching takes time proportional to the glob's parts times the path's
//! parts (a dynamic programme over both, never a search over the ways `**`
//! can split the path), and a glob is at most [`MAX_GLOB_LEN`] bytes.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    pub text: String,
    parts: Vec<Part>,
    /// No `/`: matches any path part, at any depth.
    anywhere: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// `**`
    Any,
    /// One path part's pattern.
    Name(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Star,
    /// `[…]`: (negated, ranges)
    Class(bool, Vec<(char, char)>),
}

/// The longest glob read, in bytes: no path in a plugin needs more.
pub const MAX_GLOB_LEN: usize = 1024;

impl Glob {
    /// The glob, or why it is not one.
    pub fn new(text: &str) -> Result<Glob, String> {
        if text.is_empty() {
            return Err("an empty glob matches nothing".into());
        }
        if text.len() > MAX_GLOB_LEN {
            return Err(format!(
                "a glob is at most {MAX_GLOB_LEN} bytes long; this one has {}",
                text.len()
            ));
        }
        if text.starts_with('/') || text.contains('\\') {
            return Err(
                "write globs relative to the configuration file's folder, with `/` between \
                 folders"
                    .into(),
            );
        }
        let trimmed = text.trim_start_matches("./").trim_end_matches('/');
        let anywhere = !trimmed.contains('/');
        let mut parts = Vec::new();
        for part in trimmed.split('/') {
            if part == "**" {
                // `**/**` is `**`.
                if parts.last() != Some(&Part::Any) {
                    parts.push(Part::Any);
                }
                continue;
            }
            if part.contains("**") {
                return Err(format!(
                    "`**` must be a whole path part (`a/**/b`), not part of `{part}`"
                ));
            }
            parts.push(Part::Name(tokens(part)?));
        }
        Ok(Glob {
            text: text.to_string(),
            parts,
            anywhere,
        })
    }

    /// Whether the glob matches `path` (relative, `/`-separated) or one of
    /// the folders it lies in.
    pub fn matches(&self, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if self.anywhere {
            return names.iter().any(|n| match &self.parts[..] {
                [Part::Name(t)] => match_name(t, n),
                _ => true,
            });
        }
        // `reach[j]`: the parts so far match the first `j` names. A
        // folder's glob matches everything inside it: any `j` past 0 at the
        // end will do.
        let n = names.len();
        let mut reach = vec![false; n + 1];
        reach[0] = true;
        let mut next = vec![false; n + 1];
        for part in &self.parts {
            next.fill(false);
            match part {
                Part::Any => {
                    let mut any = false;
                    for j in 0..=n {
                        any |= reach[j];
                        next[j] = any;
                    }
                }
                Part::Name(t) => {
                    for j in 0..n {
                        next[j + 1] = reach[j] && match_name(t, names[j]);
                    }
                }
            }
            std::mem::swap(&mut reach, &mut next);
            if !reach.contains(&true) {
                return false;
            }
        }
        reach[1..].contains(&true)
    }
}

fn tokens(part: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = part.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push(Token::Star),
            '?' => out.push(Token::One),
            '[' => {
                let negated = chars.next_if(|c| *c == '!' || *c == '^').is_some();
                let mut ranges = Vec::new();
                let mut closed = false;
                let mut first = true;
                while let Some(c) = chars.next() {
                    if c == ']' && !first {
                        closed = true;
                        break;
                    }
                    first = false;
                    if chars.peek() == Some(&'-') {
                        let mut ahead = chars.clone();
                        ahead.next();
                        if let Some(&end) = ahead.peek().filter(|e| **e != ']') {
                            chars.next();
                            chars.next();
                            if end < c {
                                return Err(format!("the range `{c}-{end}` is backwards"));
                            }
                            ranges.push((c, end));
                            continue;
                        }
                    }
                    ranges.push((c, c));
                }
                if !closed {
                    return Err("a `[` has no closing `]`".into());
                }
                out.push(Token::Class(negated, ranges));
            }
            c => out.push(Token::Char(c)),
        }
    }
    Ok(out)
}

fn match_name(tokens: &[Token], name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    // Classic two-pointer wildcard matching with backtracking on `*`.
    let (mut t, mut c) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while c < chars.len() {
        let ok = match tokens.get(t) {
            Some(Token::Char(x)) => *x == chars[c],
            Some(Token::One) => true,
            Some(Token::Class(neg, ranges)) => {
                ranges.iter().any(|(a, b)| *a <= chars[c] && chars[c] <= *b) != *neg
            }
            Some(Token::Star) => {
                star = Some((t, c));
                t += 1;
                continue;
            }
            None => false,
        };
        if ok {
            t += 1;
            c += 1;
        } else if let Some((st, sc)) = star {
            t = st + 1;
            c = sc + 1;
            star = Some((st, sc + 1));
        } else {
            return false;
        }
    }
    tokens[t..].iter().all(|t| *t == Token::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        Glob::new(glob).unwrap().matches(path)
    }

    #[test]
    fn globs_match_as_ruff_and_git_do() {
        assert!(m("*.cfg", "default.cfg"));
        assert!(m("*.cfg", "plugins/a/default.cfg"));
        assert!(m("tests", "tests/MANIFEST"));
        assert!(m("plugins/*/MANIFEST", "plugins/a/MANIFEST"));
        assert!(!m("plugins/*/MANIFEST", "plugins/a/b/MANIFEST"));
        assert!(m("plugins/**/MANIFEST", "plugins/a/b/MANIFEST"));
        assert!(m("plugins/**/MANIFEST", "plugins/MANIFEST"));
        assert!(m("legacy", "legacy/x/default.cfg"));
        assert!(m("legacy/", "legacy/default.cfg"));
        assert!(m("./build/*", "build/MANIFEST"));
        assert!(m("default.cfg.[!p]*", "default.cfg.x"));
        assert!(!m("default.cfg.[!p]*", "default.cfg.plugin"));
        assert!(m("v[0-9].cfg", "v1.cfg"));
        assert!(!m("a?c", "ac"));
        assert!(m("a*b*c", "axxbyyc"));
    }

    #[test]
    fn bad_globs_say_why() {
        let long = "a/".repeat(MAX_GLOB_LEN / 2) + "b";
        for g in ["", "/abs/*", "a**b", "[abc", "[z-a]", "a\\b", &long] {
            assert!(Glob::new(g).is_err(), "{g}");
        }
    }

    /// The matcher before the dynamic programme, exponential in the `**`
    /// parts: kept as the oracle the new one is compared with.
    fn match_parts(parts: &[Part], names: &[&str]) -> bool {
        match parts.split_first() {
            None => names.is_empty(),
            Some((Part::Any, rest)) => (0..=names.len()).any(|i| match_parts(rest, &names[i..])),
            Some((Part::Name(t), rest)) => names
                .split_first()
                .is_some_and(|(n, more)| match_name(t, n) && match_parts(rest, more)),
        }
    }

    fn oracle(glob: &Glob, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if glob.anywhere {
            return names.iter().any(|n| match &glob.parts[..] {
                [Part::Name(t)] => match_name(t, n),
                _ => true,
            });
        }
        (1..=names.len()).any(|n| match_parts(&glob.parts, &names[..n]))
    }

    /// The globs that took the old matcher seconds to forever (issue 24:
    /// a 40-part `**/**/…/zz` hung `check`) answer at once.
    #[test]
    fn hostile_globs_match_in_linear_time() {
        let deep = "a/".repeat(300) + "b";
        let hostile = [
            "**/".repeat(40) + "zz",
            "**/a/".repeat(100) + "zz",
            "**/*/".repeat(100) + "z*z",
            "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b/".repeat(20) + "**/zz",
            "**/?/".repeat(150) + "zz",
        ];
        let start = std::time::Instant::now();
        for g in &hostile {
            let glob = Glob::new(g).unwrap();
            assert!(!glob.matches(&deep), "{g}");
            assert!(!glob.matches(&"a".repeat(1000)));
        }
        assert!(Glob::new(&("**/".repeat(40) + "b")).unwrap().matches(&deep));
        let elapsed = start.elapsed();
        assert!(elapsed.as_millis() < 500, "{elapsed:?}");
    }

    proptest::proptest! {
        /// On small globs and paths, the dynamic programme answers as the
        /// old search did.
        #[test]
        fn matches_as_the_search_did(
            glob in proptest::collection::vec(
                proptest::sample::select(vec!["**", "*", "a", "b", "a*", "*b", "?", "[ab]", "a?b"]),
                1..6,
            ),
            path in proptest::collection::vec(
                proptest::sample::select(vec!["a", "b", "ab", "ba", "aab", "c"]),
                0..7,
            ),
        ) {
            let glob = Glob::new(&glob.join("/")).unwrap();
            let path = path.join("/");
            proptest::prop_assert_eq!(glob.matches(&path), oracle(&glob, &path), "{} {}", glob.text, path);
        }
    }
}
