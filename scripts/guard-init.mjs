// Patches wasm-bindgen's `--target web` glue (pkg/oidc_edge.js, pkg/oidc_edge_spa.js) so that a call before
// `init()` throws OidcEdgeError `not_initialized` (js/errors.js) instead of a TypeError on `undefined`: the
// glue's `wasm` starts as a guard object instead of `undefined`, and its two "already loaded?" checks compare
// with that guard. Each edit must match exactly once (the CLI version is pinned to the crate's), else the
// build fails rather than ship an unguarded glue.
// Usage: node scripts/guard-init.mjs GLUE_FILE ENTRY_SPECIFIER
import { readFileSync, writeFileSync } from "node:fs";

const [file, entry] = process.argv.slice(2);
let glue = readFileSync(file, "utf8");
const edits = [
  ["let wasmModule, wasmInstance, wasm;\n",
    `let wasmModule, wasmInstance, wasm = __oidcEdgeUnloaded;\n`, 1],
  ["    if (wasm !== undefined) return wasm;\n", "    if (wasm !== __oidcEdgeUnloaded) return wasm;\n", 2],
];
for (const [from, to, count] of edits) {
  const found = glue.split(from).length - 1;
  if (found !== count) {
    console.error(`guard-init: ${file} has ${found} of ${JSON.stringify(from)}, expected ${count}: wasm-bindgen's glue changed`);
    process.exit(1);
  }
  glue = glue.replaceAll(from, to);
}
const header = `import { notInitialized } from "./errors.js";\nconst __oidcEdgeUnloaded = notInitialized(${JSON.stringify(entry)});\n`;
writeFileSync(file, header + glue);
