#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600), seeded from the corpus of
# real plugins in ../shared/corpus. Needs cargo-fuzz (`cargo install
# cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets the stable toolchain take -Z flags.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(manifest config edits positions transport)
shared=../../shared/corpus
export RUSTC_BOOTSTRAP=1

mkdir -p corpus/manifest corpus/config corpus/edits corpus/positions corpus/transport
find "$shared" -name MANIFEST | while read -r f; do cp "$f" "corpus/manifest/$(echo "$f" | md5sum | cut -c1-16)"; done
find "$shared" -name 'default.cfg*' -o -name '*.default.cfg' | while read -r f; do cp "$f" "corpus/config/$(echo "$f" | md5sum | cut -c1-16)"; done
for f in corpus/manifest/* corpus/config/*; do cp "$f" corpus/edits/; cp "$f" corpus/positions/; done

for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${seconds}s"
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 2>&1 |
    tee "/tmp/fuzz-$t.log" | grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|panicked|SUMMARY" | tail -5
done
