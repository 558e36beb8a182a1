// Browsers, with or without a bundler: `await init()` fetches and instantiates the `.wasm` that sits next to
// this file (bundlers such as Vite follow the `new URL(..., import.meta.url)` inside it and emit the asset).
// Until then every other export throws OidcEdgeError `not_initialized` (scripts/guard-init.mjs).
import wbgInit, { __oidcEdgeErrorClass } from "./oidc_edge.js";
import { OidcEdgeError } from "./errors.js";

export * from "./api.js";

/**
 * Loads the module once; later calls return at once.
 * @param {RequestInfo | URL | Response | BufferSource | WebAssembly.Module} [input] where the `.wasm` is,
 *   when it is not next to this file (e.g. a CDN URL, or bytes you fetched yourself).
 */
export async function init(input) {
  await wbgInit(input === undefined ? undefined : { module_or_path: input });
  __oidcEdgeErrorClass(OidcEdgeError);
}
