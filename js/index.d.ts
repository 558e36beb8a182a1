/**
 * oidc-edge — OAuth 2.0 / OpenID Connect for browsers and edge runtimes, in WebAssembly.
 *
 * Load it the same way everywhere: `import { init, ... } from "oidc-edge"; await init();`
 * (`init` is a no-op in Node and Workers, where the module is instantiated on import).
 *
 * Every function is synchronous unless it returns a Promise, and every failure is thrown as an
 * {@link OidcEdgeError} with a stable `code`.
 *
 * Options, for every export (DESIGN.md "Options"):
 * - every numeric option, and every numeric argument (`randomToken(bytes)`), is an integer in
 *   0..2^53 − 1 (`Number.MAX_SAFE_INTEGER`), or a narrower range where its documentation gives one. `NaN`,
 *   `±Infinity`, fractions, negative numbers and numeric strings are `invalid_request` naming the option —
 *   never read as "absent" or "off" (`maxAge: NaN` does not turn the `max_age` check off);
 * - `null` is not a value for any option, numeric or not (`nonce: null`, `issuer: null`, a route's
 *   `scopes: null` are `invalid_request`, since reading them as "absent" would skip a check): leave the member
 *   out, or set it to `undefined`, for the default. An options argument itself (`verify(token, null)`) may be
 *   `null` or `undefined` for all the defaults;
 * - unknown (misspelt) and mistyped members are `invalid_request` naming the member (`cache.maxEntries`,
 *   `routes[0].scopes`).
 *
 * Messages quote at most 64 characters of any input value (a header, a claim, a parameter name, a URL),
 * followed by `…` and its length (RFC 8725 §3: an attacker-sized `kid` gives a short message).
 * @module oidc-edge
 */

import type { InitInput } from "./types/runtime.js";

export * from "./types/errors.js";
export * from "./types/runtime.js";
export * from "./types/client.js";
export * from "./types/scope.js";
export * from "./types/verify.js";
export * from "./types/server.js";

/**
 * Instantiates the WebAssembly module; call it once before anything else. Later calls return at once.
 * In browsers it fetches `oidc_edge_bg.wasm` from next to the package's JS, or from `input`.
 * In Node and Workers it does nothing (the module is ready on import).
 */
export function init(input?: InitInput): Promise<void>;
