// The Worker entry, `oidc-edge/worker`: what a resource server or edge worker imports, in a module of its own
// built without the sign-in client and without the pure-Rust RSA/ECDSA/EdDSA (WebCrypto checks those
// signatures; worker.d.ts). The `.wasm` is imported as a compiled WebAssembly.Module, the way Cloudflare
// Workers / workerd (and wrangler's bundle) load it, so instantiation is synchronous, on import.
import wasmModule from "./oidc_edge_worker_bg.wasm";
import { initSync, __oidcEdgeErrorClass, EdgeGuard } from "./oidc_edge_worker.js";
import { OidcEdgeError } from "./errors.js";
import { createEdgeVerifierWith } from "./edge.js";

initSync({ module: wasmModule });
__oidcEdgeErrorClass(OidcEdgeError);

export { OidcEdgeError };
export {
  TokenVerifier,
  JwkSet,
  RemoteJwks,
  scopesOf,
  hasScopes,
  requireScopes,
  ScopeRequirement,
  bearerChallenge,
  parseLogoutRequest,
  unverifiedIssuer,
  sessionLogoutKeys,
  isEndedBySessionLogout,
} from "./oidc_edge_worker.js";

/** @param {object} config see index.d.ts (EdgeVerifierConfig) */
export function createEdgeVerifier(config) {
  return createEdgeVerifierWith(EdgeGuard, config);
}

/**
 * No-op: the module is already instantiated (`input`, if any, is not needed).
 * @param {unknown} [input]
 */
export async function init(input) {}
