#!/usr/bin/env bash
# Builds pkg/, the npm package: release wasm -> wasm-bindgen (web glue, shared by every entry point) ->
# a guard in the glue so that a call before init() is `not_initialized` (scripts/guard-init.mjs) ->
# wasm-opt from npm's binaryen (Debian's 108 emits modules that fail at load) -> the hand-written entry
# points, types and package.json from js/ (js/package.json's "files" says which). Then the SPA entry
# (`oidc-edge/spa`): the crate with `client` alone, profile release-spa, its own glue and .wasm; and the Worker
# entry (`oidc-edge/worker`): `server` alone, profile release-worker (release-spa's size-first recipe); the SPA
# and Worker entries' JavaScript minified. Prints the raw and gzipped size of every file it ships.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg
wasm=target/wasm32-unknown-unknown/release/oidc_edge.wasm
spa_wasm=target/wasm32-unknown-unknown/release-spa/oidc_edge.wasm
worker_wasm=target/wasm32-unknown-unknown/release-worker/oidc_edge.wasm
# rustc's default wasm32 features; wasm-bindgen drops the target_features section that would tell wasm-opt.
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)

cargo build --release --lib --target wasm32-unknown-unknown
cargo build --profile release-spa --lib --target wasm32-unknown-unknown --no-default-features --features client
cargo build --profile release-worker --lib --target wasm32-unknown-unknown --no-default-features --features server
rm -rf "$out"
wasm-bindgen "$wasm" --out-dir "$out" --out-name oidc_edge --target web --no-typescript \
  --remove-name-section --remove-producers-section
node scripts/guard-init.mjs "$out/oidc_edge.js" oidc-edge
node_modules/.bin/wasm-opt "$out/oidc_edge_bg.wasm" -o "$out/oidc_edge_bg.wasm" -O3 --strip-debug "${features[@]}"
wasm-bindgen "$spa_wasm" --out-dir "$out" --out-name oidc_edge_spa --target web --no-typescript \
  --remove-name-section --remove-producers-section
node scripts/guard-init.mjs "$out/oidc_edge_spa.js" oidc-edge/spa
# Size first, measured on the gzipped file: binaryen's inlining grows it (-Oz: +5%), so it is off.
node_modules/.bin/wasm-opt "$out/oidc_edge_spa_bg.wasm" -o "$out/oidc_edge_spa_bg.wasm" -O2 -fimfs=0 -ocimfs=0 \
  --strip-debug "${features[@]}"
wasm-bindgen "$worker_wasm" --out-dir "$out" --out-name oidc_edge_worker --target web --no-typescript \
  --remove-name-section --remove-producers-section
node scripts/guard-init.mjs "$out/oidc_edge_worker.js" oidc-edge/worker
node_modules/.bin/wasm-opt "$out/oidc_edge_worker_bg.wasm" -o "$out/oidc_edge_worker_bg.wasm" -O2 -fimfs=0 -ocimfs=0 \
  --strip-debug "${features[@]}"
# What ships is js/package.json's "files", the one list: the hand-written files from js/, README.md and the
# licence texts from the root; the others are wasm-bindgen's output, already in pkg/.
node -p 'JSON.parse(require("fs").readFileSync("js/package.json", "utf8")).files.join("\n")' | while read -r f; do
  if [ -e "js/$f" ]; then
    mkdir -p "$out/$(dirname "$f")" && cp "js/$f" "$out/$f"
  elif [ "$f" = README.md ] || [ "$f" = LICENSE-MIT ] || [ "$f" = LICENSE-APACHE ]; then
    cp "$f" "$out/$f"
  elif [ ! -e "$out/$f" ]; then
    echo "js/package.json ships $f, which nothing builds" >&2
    exit 1
  fi
done
cp js/package.json "$out/"
# The SPA and Worker entries' JavaScript as a browser downloads it or a Worker uploads it: minified by esbuild
# (imports and export names kept; the readable source is js/ and wasm-bindgen's output, the .d.ts documents the
# API). errors.js is every entry's, edge.js the main entry's too.
for f in spa.js session.js errors.js oidc_edge_spa.js worker.js edge.js oidc_edge_worker.js; do
  node_modules/.bin/esbuild "$out/$f" --minify --format=esm --log-level=warning --allow-overwrite --outfile="$out/$f"
done

size() { printf '%-24s %10d %10d\n' "$1" "$(cat "${@:2}" | wc -c)" "$(for f in "${@:2}"; do gzip -9c "$f"; done | wc -c)"; }
printf '\n%-24s %10s %10s\n' "pkg/ file" "raw B" "gzip B"
# Every script and module that ships, from the same list.
node -p 'JSON.parse(require("fs").readFileSync("js/package.json", "utf8")).files.filter((f) => /\.(js|wasm)$/.test(f)).join("\n")' |
  while read -r f; do size "$f" "$out/$f"; done
# What a browser downloads for `oidc-edge/spa`: each file gzipped on its own, as a server sends them.
size "SPA entry (oidc-edge/spa)" "$out"/spa.js "$out"/errors.js "$out"/session.js "$out"/oidc_edge_spa.js "$out"/oidc_edge_spa_bg.wasm
size "Worker (oidc-edge/worker)" "$out"/worker.js "$out"/edge.js "$out"/errors.js "$out"/oidc_edge_worker.js "$out"/oidc_edge_worker_bg.wasm
