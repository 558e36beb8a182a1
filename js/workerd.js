// Cloudflare Workers / workerd: the `.wasm` is imported as a compiled WebAssembly.Module (the way
// Cloudflare loads it), so instantiation is synchronous and no fetch or eval is needed.
import wasmModule from "./oidc_edge_bg.wasm";
import { initSync } from "./oidc_edge.js";

initSync({ module: wasmModule });

export * from "./api.js";

/** No-op: the module is already instantiated. */
export async function init() {}
