//! Random incremental edits (multi-byte characters, CRLF, deletions across
//! lines) end with the same diagnostics as a fresh open of the same text.

use serde_json::json;

use crate::harness::*;

/// A small deterministic generator (xorshift), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A byte offset at a character boundary that does not split `\r\n` (no
/// protocol position can name that place).
fn boundary(text: &str, rng: &mut Rng) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) || splits_crlf(text, at) {
        at -= 1;
    }
    at
}

fn splits_crlf(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    at > 0 && at < b.len() && b[at - 1] == b'\r' && b[at] == b'\n'
}

const PIECES: &[&str] = &[
    "a",
    "é",
    "😀",
    "\r\n",
    "\n",
    ": ",
    "'",
    "-",
    "#",
    "name",
    "type: aa",
    "1.10",
    " ",
    "\t",
    "entry_point: main.py\n",
];

#[test]
fn incremental_edits_match_a_fresh_open() {
    let start = "name: My_Plugin\r\ndescription: Ünïcödé 😀 plugin\r\nversion: 1.10\ntype: aa\napi: '1.9'\nentry_point: main.py\n";
    for encoding in ["utf-16", "utf-8"] {
        let mut server = Server::start(&[encoding], None);
        let plugin = Plugin::new(&[("main.py", MAIN_PY)]);
        let path = plugin.path("MANIFEST");
        for seed in 0..12u64 {
            let mut rng = Rng::new(seed + 1);
            let mut model = start.to_string();
            let u = server.open(&path, &model);
            let mut version = 1;
            for _ in 0..rng.below(25) + 5 {
                // One notification may carry several changes, applied in order.
                let mut changes = Vec::new();
                for _ in 0..rng.below(3) + 1 {
                    let a = boundary(&model, &mut rng);
                    let b = boundary(&model, &mut rng);
                    let (s, e) = (a.min(b), a.max(b));
                    let e = if rng.below(2) == 0 {
                        s + (e - s).min(8)
                    } else {
                        e
                    };
                    let e = {
                        let mut e = e;
                        while !model.is_char_boundary(e) || splits_crlf(&model, e) {
                            e -= 1;
                        }
                        e.max(s)
                    };
                    let insert: String = (0..rng.below(3)).map(|_| *rng.pick(PIECES)).collect();
                    changes.push(json!({
                        "range": { "start": position(&model, s, encoding), "end": position(&model, e, encoding) },
                        "text": insert,
                    }));
                    model.replace_range(s..e, &insert);
                }
                version += 1;
                server.change(&u, version, json!(changes));
            }
            let edited = server.diagnostics(&u, version);
            server.close(&u);
            server.notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": u, "languageId": "x", "version": 10_000, "text": model } }),
            );
            let fresh = server.diagnostics(&u, 10_000);
            assert_eq!(edited, fresh, "seed {seed} ({encoding}); text:\n{model:?}");
            server.close(&u);
        }
    }
}
