#!/usr/bin/env bash
# Builds pkg/, the npm package: release wasm -> wasm-bindgen (web glue, shared by every entry point) ->
# wasm-opt from npm's binaryen (Debian's 108 emits modules that fail at load) -> the hand-written entry
# points, types and package.json from js/. Prints the raw and gzipped size of every file it ships.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg
wasm=target/wasm32-unknown-unknown/release/oidc_edge.wasm

cargo build --release --lib --target wasm32-unknown-unknown
rm -rf "$out"
wasm-bindgen "$wasm" --out-dir "$out" --out-name oidc_edge --target web --no-typescript \
  --remove-name-section --remove-producers-section
# rustc's default wasm32 features; wasm-bindgen drops the target_features section that would tell wasm-opt.
node_modules/.bin/wasm-opt "$out/oidc_edge_bg.wasm" -o "$out/oidc_edge_bg.wasm" -O3 --strip-debug \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  --enable-reference-types --enable-multivalue
cp js/api.js js/edge.js js/node.js js/web.js js/workerd.js js/index.d.ts js/package.json "$out/"
cp README.md "$out/README.md"

printf '\n%-22s %10s %10s\n' "pkg/ file" "raw B" "gzip B"
for f in "$out"/oidc_edge_bg.wasm "$out"/oidc_edge.js "$out"/api.js "$out"/web.js "$out"/node.js "$out"/workerd.js; do
  printf '%-22s %10d %10d\n' "$(basename "$f")" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
