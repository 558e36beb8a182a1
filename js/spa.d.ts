/**
 * oidc-edge/spa — the single-page-app entry: a WebAssembly module of its own, much smaller than the main
 * entry's, for an app that signs in and checks its ID token.
 *
 * ```js
 * import { init, generatePkce, buildAuthorizeUrl, parseCallback, exchangeCode, JwkSet, TokenVerifier } from "oidc-edge/spa";
 * await init(); // fetches oidc_edge_spa_bg.wasm next to spa.js (bundlers emit it)
 * ```
 *
 * What it holds: PKCE, `state`/`nonce`, discovery, the authorization URL and pushed authorization requests
 * (RFC 9126), the callback, RP-initiated logout,
 * the token endpoint (code exchange, refresh, and the sans-IO builder and parser), and `JwkSet` /
 * `TokenVerifier`. What it leaves out, compared with `oidc-edge`:
 * - the synchronous RSA, ECDSA and EdDSA (ring and RustCrypto in WebAssembly): RS*, PS*, ES256/384/512 and EdDSA signatures are checked only by the
 *   runtime's WebCrypto, through the `…Async` methods of {@link TokenVerifier} (the synchronous ones refuse
 *   them with `unsupported_algorithm`); ES256K (no WebCrypto curve) is not available; HS* is checked in
 *   WebAssembly by both;
 * - the server half: `createEdgeVerifier`, `bearerChallenge`, the scope helpers (`scopesOf`, `hasScopes`,
 *   `requireScopes`, `ScopeRequirement`), `RemoteJwks`, the verified-token cache, `clientCredentials`,
 *   `exchangeToken`, introspection, revocation, userinfo, signing `private_key_jwt` assertions
 *   (`createClientAssertion`, `clientAuth.key`), and back-channel logout (`verifyLogoutToken`,
 *   `parseLogoutRequest`, `ReplayCache`: an RP's server receives those, not its browser half).
 *
 * Everything it shares with `oidc-edge` behaves the same and throws the same {@link OidcEdgeError} codes: the
 * functions re-exported below are documented in `index.d.ts`. Every function is synchronous unless it
 * returns a Promise. The option rules of `index.d.ts` hold here too: every numeric option (`maxAge`, `now`,
 * `clockTolerance`, `maxTokenLength`, `verifierLength`, `randomToken`'s `bytes`…) is an integer in
 * 0..2^53 − 1 (NaN, ±Infinity, fractions, negatives, strings are `invalid_request`, never "off"), and `null`
 * is refused for every option (leave it out, or `undefined`, for the default).
 * @module oidc-edge/spa
 */

import type {
  AccessTokenCheck as MainAccessTokenCheck,
  AccessTokenClaims,
  IdTokenClaims,
  AuthorizeRequest,
  OidcEdgeError,
  ClientAuth,
  CodeExchange,
  Claims,
  HttpRequest,
  IdTokenCheck,
  JwtCheck,
  Refresh,
  TokenSet,
  TokenVerifierOptions,
  FetchOptions,
  ClientCredentialsGrant,
  TokenExchange,
  InitInput,
  PushedAuthorizationRequest,
  PushedAuthorization,
  StartAuthorization,
  StartedAuthorization,
  DpopOption,
  DpopKey,
} from "./index.js";

export type {
  InitInput,
  WebCryptoKey,
  HeadersLike,
  WasmModule,
  OidcEdgeErrorCode,
  CodeChallengeMethod,
  PkcePair,
  ProviderMetadata,
  AuthorizeRequest,
  CallbackExpectation,
  AuthorizationResponse,
  EndSessionRequest,
  PushedAuthorizeUrlRequest,
  PushedAuthorization,
  StartedAuthorization,
  HttpRequest,
  HttpResponseInput,
  TokenSet,
  FetchLimits,
  FetchOptions,
  TokenType,
  JwksDocument,
  JwsAlgorithm,
  Claims,
  IdTokenClaims,
  AccessTokenClaims,
  IdTokenCheck,
  JwtCheck,
} from "./index.js";

export {
  OidcEdgeError,
  generatePkce,
  pkceChallenge,
  randomToken,
  parseProviderMetadata,
  discover,
  discoveryUrls,
  buildAuthorizeUrl,
  parseCallback,
  buildEndSessionUrl,
  parseStepUpChallenge,
  parsePushedAuthorizationResponse,
  parseTokenResponse,
  createDpopKey,
  importDpopKey,
  DpopKey,
  dpopFetch,
} from "./index.js";

/**
 * Instantiates the WebAssembly module; call it once before anything else (until then every other export
 * throws {@link OidcEdgeError} `not_initialized`). Later calls return at once. Without `input` it fetches `oidc_edge_spa_bg.wasm` from next to
 * `spa.js` (`new URL(..., import.meta.url)`, which bundlers such as Vite follow and emit); pass a URL, a
 * `Response`, the bytes or a compiled `WebAssembly.Module` to load it from elsewhere — in Node, the bytes
 * (`readFile` of `import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm")`), as `fetch` reads no `file:` URL.
 * @throws (rejects) whatever `fetch` or `WebAssembly.instantiate` throws: a `TypeError` for a network
 *   failure, a `WebAssembly.CompileError` for bytes that are not this module.
 */
export function init(input?: InitInput): Promise<void>;

// ---------------------------------------------------------------------------------------------------
// Token endpoint: code exchange and refresh (the other grants' builders are here too, without signing)

/**
 * Client authentication in the SPA entry: {@link ClientAuth} without signing. A public client (what an SPA
 * is) gives only `clientId` (method `none`, PKCE then required); `clientSecret` (`client_secret_basic`,
 * `client_secret_post`) and a ready `clientAssertion` (`private_key_jwt`, signed elsewhere) work as in
 * `oidc-edge`. A `key` is `invalid_request`: this entry signs nothing.
 */
export type SpaClientAuth = Pick<ClientAuth, "clientId" | "method" | "clientSecret" | "clientAssertion">;

/** {@link CodeExchange} with {@link SpaClientAuth}. */
export type SpaCodeExchange = Omit<CodeExchange, "clientAuth"> & { clientAuth: SpaClientAuth };
/** {@link Refresh} with {@link SpaClientAuth}. */
export type SpaRefresh = Omit<Refresh, "clientAuth"> & { clientAuth: SpaClientAuth };

/**
 * Builds a token request for any grant, as `buildTokenRequest` of `oidc-edge` (same rules and errors), with
 * {@link SpaClientAuth}.
 * @throws OidcEdgeError `invalid_request` as in `oidc-edge` (unknown grant or member, missing member, a public
 *   client exchanging a code without `codeVerifier`, an endpoint that is not https…), and for a
 *   `clientAuth.key`; `invalid_pkce_verifier` for a verifier outside RFC 7636 §4.1.
 */
export function buildTokenRequest(
  req:
    | (SpaCodeExchange & { grantType: "authorization_code" })
    | (SpaRefresh & { grantType: "refresh_token" })
    | (Omit<ClientCredentialsGrant, "clientAuth"> & { clientAuth: SpaClientAuth; grantType: "client_credentials" })
    | (Omit<TokenExchange, "clientAuth"> & {
        clientAuth: SpaClientAuth;
        grantType: "urn:ietf:params:oauth:grant-type:token-exchange";
      }),
): HttpRequest;

/**
 * Exchanges the authorization code (build + fetch + parse), as `exchangeCode` of `oidc-edge`. As every fetch of
 * this entry (`discover` too; see `FetchLimits` in `oidc-edge`): sent with `redirect: "manual"`, and a redirect
 * — in a browser the opaque redirect, `status` 0 — is `http_error` (redirects are refused); bounded by `timeout`
 * (seconds, 1..300, default 5), after which it is `http_error` without `status` ("timed out").
 * Errors (the Promise rejects): those of {@link buildTokenRequest} and `parseTokenResponse` — e.g.
 * `authorization_error` with `error: "invalid_grant"` and `status: 400` for a used or expired code, `http_error`
 * for a network failure or timeout (no `status`), a redirect or a non-OAuth failure answer; `invalid_request`
 * for a bad `timeout`.
 */
export function exchangeCode(opts: SpaCodeExchange & DpopOption & FetchOptions): Promise<TokenSet>;

/** Refreshes tokens, as `refreshTokens` of `oidc-edge`. Errors: as {@link exchangeCode} (`invalid_grant` for a revoked refresh token). */
export function refreshTokens(opts: SpaRefresh & DpopOption & FetchOptions): Promise<TokenSet>;

// ---------------------------------------------------------------------------------------------------
// Pushed authorization requests (RFC 9126)

/** {@link PushedAuthorizationRequest} with {@link SpaClientAuth}. */
export type SpaPushedAuthorizationRequest = Omit<PushedAuthorizationRequest, "clientAuth"> & { clientAuth: SpaClientAuth };
/** {@link StartAuthorization} with {@link SpaClientAuth}. */
export type SpaStartAuthorization = Omit<StartAuthorization, "clientAuth"> & { clientAuth?: SpaClientAuth };

/**
 * Builds the push (RFC 9126 §2.1), as `buildPushedAuthorizationRequest` of `oidc-edge` (same rules and errors),
 * with {@link SpaClientAuth}: a `clientAuth.key` is `invalid_request`.
 */
export function buildPushedAuthorizationRequest(req: SpaPushedAuthorizationRequest): HttpRequest;

/**
 * Pushes an authorization request (RFC 9126 §2) with `fetch`, as `pushAuthorizationRequest` of `oidc-edge`; then
 * send the browser to `buildAuthorizeUrl({ authorizationEndpoint, clientId, requestUri })`.
 * @throws OidcEdgeError (rejects) as {@link buildPushedAuthorizationRequest} and `parsePushedAuthorizationResponse`;
 *   `http_error` without `status` for a network failure or timeout.
 */
export function pushAuthorizationRequest(opts: SpaPushedAuthorizationRequest & FetchOptions): Promise<PushedAuthorization>;

/**
 * The authorization URL, pushed first when the provider requires it (`require_pushed_authorization_requests`,
 * RFC 9126 §5) or `usePar` is `true`, as `startAuthorization` of `oidc-edge`.
 * @throws OidcEdgeError (rejects) as `startAuthorization` of `oidc-edge`, and `invalid_request` for a `clientAuth.key`.
 */
export function startAuthorization(opts: SpaStartAuthorization & FetchOptions): Promise<StartedAuthorization>;

// ---------------------------------------------------------------------------------------------------
// Keys and verification

/**
 * The usable verification keys of a JWK Set: RSA (2048–8192 bits), EC P-256 / P-384 / P-521, OKP Ed25519
 * and oct (HMAC secrets), read and skipped by the rules of `JwkSet` in `oidc-edge`, with two differences
 * (this entry has no curve or bignum arithmetic):
 * - secp256k1 keys are skipped (`invalid_jwk`: WebCrypto has no such curve);
 * - an EC point is checked for its size, not for being on the curve, and an Ed25519 `x` for its size and for
 *   not being a small-order point, not for being a point: WebCrypto's `importKey` refuses such a key when a
 *   token is verified with it (`unsupported_algorithm`, see {@link TokenVerifier}), where `oidc-edge` skips it
 *   when reading the set.
 * A key of this entry's `JwkSet` is not one of `oidc-edge`'s: the two modules do not share objects.
 */
export class JwkSet {
  private constructor();
  /**
   * Parses a JWKS document, `{"keys": [...]}`, as JSON text (duplicate member names are rejected) or an object.
   * @throws OidcEdgeError `weak_key` when no key is usable and every key was skipped for weakness (RSA below
   *   2048 bits, HMAC secret shorter than its hash); `invalid_jwk` when no key is usable otherwise (e.g. only
   *   secp256k1 keys), or the document is not JSON, not an object, or has no `keys` array.
   */
  static fromJson(json: string | object): JwkSet;
  /** The `kid`s of the usable keys, each once, in the set's order. */
  readonly keyIds: string[];
  /** Frees the keys' WebAssembly memory now, instead of at garbage collection. Verifiers keep their own copy. */
  free(): void;
}

/** Options of this entry's {@link TokenVerifier}: those of `oidc-edge` without `cache` and `replayStore`, with a {@link JwkSet} only. */
export type SpaTokenVerifierOptions = Omit<TokenVerifierOptions, "jwks" | "cache" | "replayStore" | "dpop"> & {
  /** The provider's keys, from {@link JwkSet.fromJson} of this entry. Anything else is `invalid_request`. */
  jwks: JwkSet;
};

/** Per-call options of `verifyAccessToken` / `verifyAccessTokenAsync`, as in `oidc-edge` without a `ScopeRequirement`. */
export type AccessTokenCheck = Omit<MainAccessTokenCheck, "requiredScopes" | "dpop"> & {
  /** Scopes the token must have, space-separated or as an array (all of them): else `insufficient_scope`. */
  requiredScopes?: string | string[];
};

/**
 * Verifies JWTs of one issuer and audience against a {@link JwkSet}: the rules, options, claims and error
 * codes of `TokenVerifier` in `oidc-edge` (see `index.d.ts`: the header rules, the allowlist, key selection by
 * `kid`/`alg`, the ECDSA r/s range check of CVE-2022-21449, `iss`/`aud`/`exp`/`nbf`/`iat`, the registered
 * claims' types (`invalid_claim`), the ID-token `typ` allowlist (absent or `JWT`) and the access-token
 * rules), except where the signature is checked:
 * - `verifyAsync`, `verifyIdTokenAsync`, `verifyAccessTokenAsync` (use these): RS*, PS*, ES256/384/512 and
 *   EdDSA through `crypto.subtle.verify`, HS* in WebAssembly. Where the runtime has no `crypto.subtle`
 *   (browsers expose it only in secure contexts: https or localhost) or its `importKey` refuses the key (e.g.
 *   Ed25519 in an older browser, or an EC point that is not on its curve), the Promise rejects with
 *   `unsupported_algorithm` — `oidc-edge` would check it in Rust instead.
 * - `verify`, `verifyIdToken`, `verifyAccessToken`: HS* tokens as in `oidc-edge`; a token of any other
 *   algorithm throws `unsupported_algorithm` (after the rules that come before the signature, e.g.
 *   `key_not_found`), never its claims: this entry cannot check that signature synchronously.
 *
 * The Async methods reject (never throw) on every failure.
 */
export class TokenVerifier {
  /** @throws OidcEdgeError `invalid_request` for a missing/empty `issuer` or `audience`, `jwks` that is not
   *  this entry's {@link JwkSet}, an unknown or empty `algorithms` entry, a negative or fractional
   *  `clockTolerance`, a zero `maxTokenLength`, an empty `clientId`, or an unknown option (`cache` and `replayStore` included). */
  constructor(opts: SpaTokenVerifierOptions);
  /** Any JWT, synchronously: HS* only (see the class). */
  verify(token: string, opts?: JwtCheck): Claims;
  /** An ID token (OIDC Core 3.1.3.7), synchronously: HS* only (see the class). */
  verifyIdToken(token: string, opts?: IdTokenCheck): IdTokenClaims;
  /** A JWT access token (RFC 9068), synchronously: HS* only (see the class). */
  verifyAccessToken(token: string, opts?: AccessTokenCheck): AccessTokenClaims;
  /** Any JWT: signature, `iss`, `aud`, `exp`, `nbf`, `iat`, then `typ` and `requiredClaims`. */
  verifyAsync(token: string, opts?: JwtCheck): Promise<Claims>;
  /**
   * An ID token, what an SPA checks after {@link exchangeCode}: everything `verifyAsync` checks, plus `typ` not
   * `at+jwt`/`logout+jwt`, `sub` and `iat` required, `aud`/`azp` against the client, and the options.
   */
  verifyIdTokenAsync(token: string, opts?: IdTokenCheck): Promise<IdTokenClaims>;
  /** A JWT access token (RFC 9068): `typ`, then `requiredScopes` (`insufficient_scope`). */
  verifyAccessTokenAsync(token: string, opts?: AccessTokenCheck): Promise<AccessTokenClaims>;
  /** Frees the verifier's WebAssembly memory now, instead of at garbage collection. */
  free(): void;
}

// ---------------------------------------------------------------------------------------------------
// The session: sign-in in two calls

/**
 * Where a session is kept across reloads, when it should be (opt-in: without it, tokens live in memory only and a
 * reload signs the user out). `localStorage` and `sessionStorage` are such adapters; so is any object with these
 * methods, synchronous or returning Promises (e.g. over IndexedDB). What is stored is JSON text: the tokens and
 * the verified claims — anything that can run script in the page's origin can read them.
 */
export interface SessionPersistence {
  /** The text kept under `key` (`oidc-edge:{issuer}:{clientId}`), or null when there is none. */
  getItem(key: string): string | null | Promise<string | null>;
  /** Keeps `value`, the session as JSON text, under `key` (after a sign-in and each refresh). */
  setItem(key: string, value: string): void | Promise<void>;
  /** Forgets what is kept under `key` (sign-out, expiry). */
  removeItem(key: string): void | Promise<void>;
}

/** {@link createSession}'s options. */
export interface SessionOptions {
  /** The provider's issuer identifier, discovered once (OIDC Discovery, then RFC 8414). */
  issuer: string;
  /** This public client's `client_id` (no secret: PKCE protects the code). */
  clientId: string;
  /** Where the provider sends the browser back; that page calls {@link Session.handleCallback}. */
  redirectUri: string;
  /** The scopes asked for: `openid` among them (a session is an OpenID Connect sign-in). */
  scope: string | string[];
  /** RFC 8707 resource indicator(s), sent with the authorization request and the code exchange. */
  resource?: string | string[];
  /** Where the provider sends the browser after {@link Session.signOut} (registered with the provider). */
  postLogoutRedirectUri?: string;
  /** Opt-in storage across reloads (see {@link SessionPersistence}); default: memory only. */
  persistence?: SessionPersistence;
  /** The `fetch` of every request (discovery, PAR, token, JWKS); default the global one. */
  fetch?: typeof fetch;
  /** Seconds each request may take (1..300, default 5): then `http_error`. */
  timeout?: number;
  /**
   * DPoP-bound tokens (RFC 9449): the session's key pair, made by `createDpopKey` (ES256, the private key
   * non-extractable) at the first sign-in and kept in IndexedDB (database `oidc-edge-dpop`, under
   * `oidc-edge:{issuer}:{clientId}`) across reloads, goes into the authorization request (`dpop_jkt`), the code
   * exchange and every refresh (with the provider's nonces); {@link Session.getDpopKey} gives it for `dpopFetch`.
   * Tabs that start at once share one key: the first pair kept in IndexedDB is every tab's. Sign-out deletes it
   * (in every tab), so the next sign-in binds to a new key. Default false.
   */
  dpop?: boolean;
  /** Further authorization request members for every sign-in (`prompt`, `loginHint`, `maxAge`, `acrValues`,
   *  `responseMode`, `extraParams`, `usePar`…), as {@link AuthorizeRequest} takes them. */
  [authorizeOption: string]: unknown;
}

/** The session's events and what their listeners receive. */
export interface SessionEvents {
  /** A sign-in completed ({@link Session.handleCallback}): the verified ID token claims. */
  signedIn: Claims;
  /** New tokens were obtained with the refresh token (here or in another tab): the claims, of the refreshed ID token when one came. */
  refreshed: Claims;
  /** The access token expired (not renewed: no refresh token, or its refresh failed), or the provider refused the
   *  refresh token (here or in another tab): the session is gone. */
  expired: undefined;
  /** {@link Session.signOut} forgot the session (here or in another tab). */
  signedOut: undefined;
  /** A call failed: the {@link OidcEdgeError} it rejects with (or a `TypeError` / `DOMException` of the browser). */
  error: OidcEdgeError | Error;
}

/**
 * An OpenID Connect sign-in of a single-page app (authorization code flow with PKCE, RFC 7636 and RFC 9700
 * §2.1.1; OIDC Core 3.1): tokens in memory by default, the sign-in state (PKCE verifier, `state`, `nonce`) in
 * `sessionStorage` only across the redirect, removed when the callback is read.
 *
 * ```js
 * import { init, createSession } from "oidc-edge/spa";
 * await init();
 * const session = createSession({ issuer, clientId, redirectUri: `${location.origin}/callback`, scope: "openid profile" });
 * session.on("error", (e) => show(e.code));
 * if (location.pathname === "/callback") await session.handleCallback();
 * signInButton.onclick = () => session.signIn();
 * const token = await session.getAccessToken();
 * ```
 *
 * Refresh: with a refresh token (e.g. `offline_access` in `scope`), the access token is refreshed 60 s before it
 * expires (a timer; {@link Session.getAccessToken} too when it is due), the refresh token rotated when the provider
 * sends a new one (RFC 6749 §6, RFC 9700 §4.14.2), and a refreshed ID token verified and held to the session's
 * `iss`, `sub`, `aud`, `azp` and `auth_time` (OIDC Core 12.2).
 *
 * Keys: the provider's JWKS is fetched once per page, at the first ID token. An ID token whose `kid` the keys lack
 * (the provider rotated its signing keys) fetches them again once and is verified again — at most once every
 * 30 s, as jose's `createRemoteJWKSet` cooldown; a `kid` still missing is `key_not_found`.
 *
 * A failed refresh emits `error` with its code each time, and then:
 * - the provider refused the refresh token (`authorization_error` with `error: "invalid_grant"`): `expired`, the
 *   session is forgotten;
 * - no answer (`http_error` without `status`: the fetch rejected or timed out) or a server failure (a 5xx): the
 *   current tokens are kept and the refresh is retried 2 s later, then after 4, 8, 16 and 30 s at most, and at once
 *   when the browser comes back `online` or the page becomes visible — while the access token is still valid;
 *   when it expires first, `expired`;
 * - anything else (the refreshed ID token's codes, `invalid_claim` for another `sub`, a 4xx): no retry; the
 *   current access token is kept until it expires, then `expired`.
 * Without a refresh token the session ends (`expired`) when the access token does.
 *
 * Tabs: the tabs of one origin with a session of the same `issuer` and `clientId` follow each other
 * (BroadcastChannel): one that signs in, refreshes, expires or signs out tells the others, which take its tokens
 * or forget theirs and emit the same event. They refresh one at a time: the tab that takes the Web Lock
 * `oidc-edge:{issuer}:{clientId}:refresh` refreshes and the others wait for its tokens; where there is no Web
 * Locks API, tabs claim the refresh over the BroadcastChannel and the others wait. With `persistence` shared by
 * the tabs (`localStorage`), a new tab {@link Session.restore}s the session the others keep current.
 *
 * Every method that returns a Promise rejects with the error and emits it as `error` too.
 */
export interface Session {
  /**
   * Sends the browser to the provider (`location.assign`): a fresh PKCE pair (S256), `state` and `nonce`, kept in
   * `sessionStorage` for the callback; the request is pushed first (PAR, RFC 9126) when the provider sets
   * `require_pushed_authorization_requests`. `extra` adds authorization request members for this sign-in (see
   * {@link SessionOptions}); the session sets `clientId`, `redirectUri`, `scope`, `resource`, `state`, `nonce`
   * and the PKCE challenge itself, whatever `extra` says.
   * @throws OidcEdgeError (rejects) from discovery: `http_error` (unreachable, a redirect, a timeout),
   *   `invalid_metadata`, `issuer_mismatch`, `invalid_request` (a bad `issuer`, `timeout` or `fetch`); from the
   *   request: `invalid_request` (a bad `clientId`, `redirectUri`, `scope`, `resource`, an unknown option),
   *   and when it is pushed, `authorization_error` (the push endpoint's OAuth error, e.g. `invalid_request`) or
   *   `http_error`.
   */
  signIn(extra?: Record<string, unknown>): Promise<void>;
  /**
   * Completes the sign-in at the redirect URI: matches `url` (default the page's) to the sign-in this tab started,
   * removes that record, removes the response from the address bar (`history.replaceState`, when `url` is the
   * page's), exchanges the code, fetches the provider's keys and verifies the ID token (signature, `iss`, `aud`,
   * `azp`, `exp`, `iat`, the `nonce` sent, `auth_time` when `maxAge` was sent, and `at_hash` when the token has
   * one, OIDC Core 3.1.3.7-8). Resolves to the verified claims and emits `signedIn`.
   * @throws OidcEdgeError (rejects) `state_mismatch` when this tab has no sign-in in progress (none started, its
   *   callback was already read, or its record lacks its state, nonce or code verifier) or `state` differs; `issuer_mismatch` for a foreign RFC 9207 `iss` (or none
   *   when the provider promises it); `authorization_error` with `error` / `errorDescription` when the provider
   *   refused (e.g. `access_denied`) and, with `status`, when the token endpoint does (e.g. `invalid_grant`);
   *   `invalid_request` for a URL without `code`; `http_error` for a failed request (token, keys); `invalid_jwk` /
   *   `weak_key` for an unusable key set; the ID token's codes: `malformed_token` (none was issued: `openid`
   *   missing from `scope`), `invalid_signature`, `key_not_found`, `nonce_mismatch`, `token_expired`,
   *   `audience_mismatch`, `azp_mismatch`, `auth_time_too_old`, `invalid_claim` (an `at_hash` that does not
   *   match), `missing_claim`, `unsupported_algorithm` (no WebCrypto: a page that is not a secure context).
   */
  handleCallback(url?: string): Promise<Claims>;
  /**
   * The session `persistence` kept (after a reload): its claims, or null (always null without `persistence`).
   * What was stored is not trusted: the stored ID token is verified again against the provider's keys (fetched,
   * as at the callback) — its signature, `iss`, `aud` and `azp`, evaluated at its `iat`, since an ID token is
   * short-lived and a session outlives it (OIDC Core 3.1.3.7's `exp` and `nonce` checks are the sign-in's, done
   * then) — and the stored claims must keep its `iss`, `sub`, `aud`, `azp`, `auth_time` and `nonce` (12.2's
   * rule); the claims restored are the token's. Its refresh is scheduled again (at once when it is due).
   * A record that fails is removed from `persistence` (a tampered or foreign one), except for `http_error` (the
   * provider out of reach: restoring again later may succeed).
   * @throws (rejects) what the adapter throws, a `SyntaxError` for stored text that is not JSON, OidcEdgeError
   *   `invalid_request` for stored tokens or claims that are not a session's; the ID token's codes
   *   (`invalid_signature`, `key_not_found` for a key the provider no longer publishes, `issuer_mismatch`,
   *   `audience_mismatch`, `malformed_token`…); `invalid_claim`, `issuer_mismatch`, `audience_mismatch`,
   *   `azp_mismatch`, `nonce_mismatch` for stored claims that are not the token's; `http_error` from discovery
   *   or the keys.
   */
  restore(): Promise<Claims | null>;
  /**
   * The access token, refreshed first when it is due (then by one tab, see {@link Session}); after a failed refresh
   * (waiting for its retry, or not retried), the current one while it is valid; null when signed out, or when it
   * expired or its refresh token was refused (the session is then forgotten and `expired` emitted).
   */
  getAccessToken(): Promise<string | null>;
  /** The verified ID token claims of the signed-in user, or null. */
  getUser(): Claims | null;
  /**
   * With `dpop: true`, the {@link DpopKey} the session's tokens are bound to (for `dpopFetch(url, { dpop, accessToken
   * })`); null without. Rejects as `createDpopKey` / `importDpopKey` do, or with what IndexedDB threw.
   */
  getDpopKey(): Promise<DpopKey | null>;
  /**
   * Forgets the session (memory, `persistence`, the other tabs), emits `signedOut`, then sends the browser to the provider's
   * `end_session_endpoint` (OIDC RP-Initiated Logout 1.0 §2: `id_token_hint`, `client_id`,
   * `post_logout_redirect_uri`) when the provider has one.
   * @throws OidcEdgeError (rejects) those of discovery; `invalid_request` for a bad `postLogoutRedirectUri`.
   */
  signOut(): Promise<void>;
  /**
   * Calls `listener` on each `name` event; returns the function that stops it. A listener that throws does not
   * stop the others (the error goes to `reportError`).
   * @throws TypeError for a name that is not one of {@link SessionEvents}.
   */
  on<E extends keyof SessionEvents>(name: E, listener: (detail: SessionEvents[E]) => void): () => void;
}

/**
 * A session for one provider and client (see {@link Session}). Nothing is fetched until the first call: a bad
 * option is reported by the call that uses it, with its code.
 */
export function createSession(options: SessionOptions): Session;
