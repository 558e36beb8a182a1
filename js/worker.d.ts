/**
 * oidc-edge/worker — the Worker entry: what a resource server or an edge worker (Cloudflare Workers, workerd)
 * imports, in a WebAssembly module of its own, much smaller than the main entry's.
 *
 * ```js
 * import { createEdgeVerifier } from "oidc-edge/worker";
 * const verify = createEdgeVerifier({ issuer, audience, jwksUri, routes });
 * export default { fetch: async (req, env, ctx) => (await verify(req, ctx)).response ?? fetch(req) };
 * ```
 *
 * What it holds, as `oidc-edge` documents them (`index.d.ts`): `createEdgeVerifier`, `TokenVerifier`, `JwkSet`,
 * `RemoteJwks`, the scope helpers (`scopesOf`, `hasScopes`, `requireScopes`, `ScopeRequirement`),
 * `bearerChallenge`, `parseLogoutRequest`, `unverifiedIssuer`, `sessionLogoutKeys` and `isEndedBySessionLogout` (the RP's back-channel logout: the POST, which issuer's verifier checks its token, and the rule that refuses the tokens of the sessions it ended), `OidcEdgeError`; the verified-token and JWKS caches, DPoP and the back-channel logout token
 * checks of `TokenVerifier` come with them. The `.wasm` is imported as a compiled `WebAssembly.Module` (as
 * workerd loads it; wrangler bundles it so), so the module is ready on import and {@link init} does nothing.
 * What it leaves out, compared with `oidc-edge`:
 * - the sign-in client: PKCE, authorization and end-session URLs, the callback, discovery, the token endpoint
 *   (code exchange, refresh, client credentials, token exchange), PAR, the device grant, userinfo,
 *   introspection, revocation, dynamic registration, signing `private_key_jwt` assertions;
 * - the synchronous RSA, ECDSA and EdDSA (ring and RustCrypto in WebAssembly): RS*, PS*, ES256/384/512 and
 *   EdDSA signatures are checked by the runtime's WebCrypto — by `createEdgeVerifier` and the `…Async` methods
 *   of `TokenVerifier`; its synchronous methods refuse them with `unsupported_algorithm` (after the rules that
 *   come before the signature, e.g. `key_not_found`), as `oidc-edge/spa` does. ES256K (no WebCrypto curve) is
 *   not available: secp256k1 keys are skipped (`invalid_jwk`). HS* is checked in WebAssembly. A JWK's EC point
 *   is checked for its size, and an Ed25519 `x` for its size and small order, not for being on the curve:
 *   WebCrypto's `importKey` refuses such a key when a token is verified with it (`unsupported_algorithm`).
 *
 * Objects of this entry and of `oidc-edge` are not interchangeable (two modules): a `JwkSet` or `RemoteJwks`
 * given to a `TokenVerifier` must come from the same entry, else `invalid_request`.
 * @module oidc-edge/worker
 */

export type {
  WebCryptoKey,
  HeadersLike,
  FetchLimits,
  OidcEdgeErrorCode,
  JwksDocument,
  JwsAlgorithm,
  Claims,
  IdTokenClaims,
  AccessTokenClaims,
  LogoutClaims,
  JwtCheck,
  IdTokenCheck,
  AccessTokenCheck,
  LogoutTokenCheck,
  UserinfoCheck,
  DpopCheck,
  TokenVerifierOptions,
  ReplayStore,
  EdgeRoute,
  EdgeIssuerConfig,
  EdgeCorsConfig,
  EdgeVerifierConfig,
  EdgeVerifierResult,
  BearerChallengeOptions,
  BearerChallenge,
} from "./index.js";

export {
  OidcEdgeError,
  createEdgeVerifier,
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
} from "./index.js";

/**
 * No-op, for code shared with the other entries: the module is instantiated on import (`input` is not needed).
 */
export function init(input?: unknown): Promise<void>;
