#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target for FUZZ_SECONDS (default 600) each, seeded from fuzz/seeds/<target>/ (committed), growing fuzz/corpus/<target>/ (not committed).
# A crash stops the run and leaves the input in fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/
# so `cargo test` (tests/fuzz_corpus.rs) replays it forever. Needs a nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}
targets=${FUZZ_TARGETS:-$(sed -n 's/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml | grep -v '^oidc-edge-fuzz$')}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

cd fuzz
cargo +nightly fuzz build -O
printf '%-20s %12s %10s %8s\n' target executions exec/s corpus
for t in $targets; do
  mkdir -p "corpus/$t"
  log=$(mktemp)
  cargo +nightly fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || { tail -40 "$log"; echo "fuzz target $t crashed: see fuzz/artifacts/$t/"; exit 1; }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  printf '%-20s %12s %10s %8s\n' "$t" "$runs" "$speed" "$(ls "corpus/$t" | wc -l)"
  rm -f "$log"
done
