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
[ ${#targets[@]} -gt 0 ] || targets=(manifest config edits positions transport glob settings)
shared=../../shared/corpus
export RUSTC_BOOTSTRAP=1

mkdir -p corpus/manifest corpus/config corpus/edits corpus/positions corpus/transport corpus/glob corpus/settings
find "$shared" -name MANIFEST | while read -r f; do cp "$f" "corpus/manifest/$(echo "$f" | md5sum | cut -c1-16)"; done
find "$shared" -name 'default.cfg*' -o -name '*.default.cfg' | while read -r f; do cp "$f" "corpus/config/$(echo "$f" | md5sum | cut -c1-16)"; done
for f in corpus/manifest/* corpus/config/*; do cp "$f" corpus/edits/; cp "$f" corpus/positions/; done
# Globs (first line) over paths, and configuration files (first byte: 0
# for sps-plugin-ls.toml, 1 for pyproject.toml).
printf 'plugins/**/MANIFEST\nplugins/a/b/MANIFEST' > corpus/glob/seed1
printf '**/**/**/**/zz\na/a/a/a/a/a/a/a/a/zz' > corpus/glob/seed2
printf 'default.cfg.[!p]*\nx/default.cfg.x' > corpus/glob/seed3
printf '\0select = ["manifest"]\nignore = ["config/inline-comment"]\nexclude = ["legacy/**", "*.bak"]\n[per-file-ignores]\n"tests/**" = ["layout"]\n[severity]\n"manifest/unknown-key" = "error"\n' > corpus/settings/seed1
printf '\1[tool.sps-plugin-ls]\nextend-select = ["python"]\ntarget-sps = ["7.5"]\n' > corpus/settings/seed2

for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${seconds}s"
  cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 2>&1 |
    tee "/tmp/fuzz-$t.log" | grep -E "^#[0-9]+.*(DONE|pulse)|ERROR|panicked|SUMMARY" | tail -5
done
