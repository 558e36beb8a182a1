/**
 * oidc-edge — OAuth 2.0 / OpenID Connect for browsers and edge runtimes, in WebAssembly.
 *
 * Load it the same way everywhere: `import { init, ... } from "oidc-edge"; await init();`
 * (`init` is a no-op in Node and Workers, where the module is instantiated on import).
 *
 * Every function is synchronous unless it returns a Promise, and every failure is thrown as an
 * {@link OidcEdgeError} with a stable `code`.
 * @packageDocumentation
 */

export * from "./types/errors.js";
export * from "./types/client.js";
export * from "./types/scope.js";
export * from "./types/verify.js";
export * from "./types/server.js";

/**
 * Instantiates the WebAssembly module; call it once before anything else. Later calls return at once.
 * In browsers it fetches `oidc_edge_bg.wasm` from next to the package's JS, or from `input`.
 * In Node and Workers it does nothing (the module is ready on import).
 */
export function init(input?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;
