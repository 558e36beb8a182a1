// Cloudflare Workers / workerd: the `.wasm` is imported as a compiled WebAssembly.Module (the way
// Cloudflare loads it), so instantiation is synchronous and no fetch or eval is needed.
import wasmModule from "./oidc_edge_bg.wasm";
import { initSync, __oidcEdgeErrorClass } from "./oidc_edge.js";
import { OidcEdgeError } from "./errors.js";

initSync({ module: wasmModule });
__oidcEdgeErrorClass(OidcEdgeError);

export * from "./api.js";

/**
 * No-op: the module is already instantiated (`input`, if any, is not needed).
 * @param {unknown} [input]
 */
export async function init(input) {}
