// The SPA entry, `oidc-edge/spa`: sign-in and token verification in a module of its own, built without the
// pure-Rust RSA/ECDSA/EdDSA (WebCrypto checks those signatures) and without the server half (spa.d.ts).
// `await init()` fetches `oidc_edge_spa_bg.wasm` from next to this file; bundlers follow the
// `new URL(..., import.meta.url)` inside the glue and emit it. Elsewhere, pass the bytes or a Module.
// Until then every other export throws OidcEdgeError `not_initialized` (scripts/guard-init.mjs).
import wbgInit, { __oidcEdgeErrorClass } from "./oidc_edge_spa.js";
import { OidcEdgeError } from "./errors.js";

export { OidcEdgeError };

export {
  generatePkce,
  pkceChallenge,
  randomToken,
  parseProviderMetadata,
  discover,
  discoveryUrls,
  buildAuthorizeUrl,
  buildPushedAuthorizationRequest,
  parsePushedAuthorizationResponse,
  pushAuthorizationRequest,
  startAuthorization,
  parseCallback,
  buildEndSessionUrl,
  parseStepUpChallenge,
  buildTokenRequest,
  parseTokenResponse,
  exchangeCode,
  refreshTokens,
  createDpopKey,
  importDpopKey,
  DpopKey,
  dpopFetch,
  JwkSet,
  TokenVerifier,
} from "./oidc_edge_spa.js";
export { createSession } from "./session.js";

/**
 * Loads the module once; later calls return at once.
 * @param {RequestInfo | URL | Response | BufferSource | WebAssembly.Module} [input] where the `.wasm` is,
 *   when it is not next to this file (e.g. a CDN URL, or bytes you read yourself).
 */
export async function init(input) {
  await wbgInit(input === undefined ? undefined : { module_or_path: input });
  __oidcEdgeErrorClass(OidcEdgeError);
}
