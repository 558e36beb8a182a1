// The sign-in client (src/client/): PKCE, discovery, the authorization request and callback, the token endpoint
// and the other endpoint calls, sans-IO builders and parsers and the fetch helpers that chain them.

import type { OidcEdgeError } from "./errors.js";
import type { hasScopes, scopesOf } from "./scope.js";
import type { Claims, TokenVerifier } from "./verify.js";
import type { RemoteJwks, createEdgeVerifier } from "./server.js";
import type { WebCryptoKey } from "./runtime.js";
// ---------------------------------------------------------------------------------------------------
// PKCE (RFC 7636), state and nonce

/** A PKCE challenge method: `S256` (use it) or `plain` (RFC 7636 §7.2: only where S256 is impossible). */
export type CodeChallengeMethod = "S256" | "plain";

/** A fresh PKCE pair. Keep `codeVerifier` secret until the token request. */
export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: CodeChallengeMethod;
}

/**
 * Generates a PKCE verifier from the platform's secure random source and its challenge (RFC 7636 §4.1–4.2).
 * @param opts.method `"S256"` (default) or `"plain"`.
 * @param opts.verifierLength 43..128 characters, default 64.
 * @throws OidcEdgeError `invalid_pkce_verifier` for a length outside 43..128; `invalid_request` for an
 *   unknown method or option, or no secure random source.
 */
export function generatePkce(opts?: { method?: CodeChallengeMethod; verifierLength?: number }): PkcePair;

/**
 * The challenge for a verifier: `BASE64URL(SHA256(verifier))` for S256 (the default), the verifier for plain.
 * @throws OidcEdgeError `invalid_pkce_verifier` when the verifier is not 43..128 characters of
 *   `[A-Za-z0-9-._~]`; `invalid_request` for a method other than `"S256"`/`"plain"` or a non-string verifier.
 */
export function pkceChallenge(codeVerifier: string, method?: CodeChallengeMethod): string;

/**
 * `bytes` random bytes (16..512, default 32) as base64url: for `state` and `nonce`.
 * The bytes (and {@link generatePkce}'s verifiers) come from the runtime's secure random source
 * (`crypto.getRandomValues`, through `getrandom`), drawn 1 KiB at a time into WebAssembly memory and handed
 * out once each, zeroed as they go: one call out of WebAssembly costs more than the rest of a call.
 * @throws OidcEdgeError `invalid_request` for a size outside 16..512 or not an integer (NaN, ±Infinity, a
 *   fraction, a string or `null`; leave it out, or pass `undefined`, for 32).
 */
export function randomToken(bytes?: number): string;

// ---------------------------------------------------------------------------------------------------
// Discovery (OpenID Connect Discovery 1.0, RFC 8414)

/**
 * Provider metadata with the provider's own snake_case member names. Members not listed here are kept as sent.
 */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  registration_endpoint?: string;
  /** RFC 8628 §4: where {@link requestDeviceAuthorization} sends the device authorization request. */
  device_authorization_endpoint?: string;
  /** RFC 9126 §5: where {@link pushAuthorizationRequest} sends the request. */
  pushed_authorization_request_endpoint?: string;
  /** RFC 9126 §5: the provider takes pushed requests only; {@link startAuthorization} then pushes. */
  require_pushed_authorization_requests?: boolean;
  scopes_supported?: string[];
  response_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

/**
 * Checks a discovery document against the issuer you expect.
 * @param json the document as JSON text (duplicate members are rejected) or as an object.
 * @param expectedIssuer the issuer identifier, which `issuer` must equal exactly — a trailing slash counts
 *   (OIDC Discovery §4.3).
 * @throws OidcEdgeError `issuer_mismatch` when `issuer` differs; `invalid_metadata` when the document is not
 *   an object, lacks `issuer` or `authorization_endpoint`, has a member of the wrong type, or an endpoint that
 *   is not an https URL (http is accepted on loopback hosts only); `invalid_request` when `expectedIssuer`
 *   is not an https URL without query and fragment.
 */
export function parseProviderMetadata(json: string | object, expectedIssuer: string): ProviderMetadata;

// ---------------------------------------------------------------------------------------------------
// Authorization request and callback (RFC 6749 §4.1, OIDC Core 3.1.2, RFC 7636, RFC 8707, RFC 9207)

/** The parameters of an authorization request. */
export interface AuthorizeRequest {
  /** The provider's `authorization_endpoint`: https (http only on loopback), no fragment; its query is kept. */
  authorizationEndpoint: string;
  clientId: string;
  /** Absolute URI without fragment, exactly as registered. */
  redirectUri: string;
  /** Space-separated string or list of scope tokens; at least one. */
  scope: string | string[];
  /** CSRF protection: a value from {@link randomToken}, kept until the callback. */
  state: string;
  /** Binds the ID token to this request; required when `responseType` includes `id_token`. */
  nonce?: string;
  /** From {@link generatePkce}. */
  codeChallenge?: string;
  /** Default `"S256"`; always sent with the challenge. */
  codeChallengeMethod?: CodeChallengeMethod;
  /** Default `"code"`. */
  responseType?: string;
  responseMode?: string;
  /** Space-separated; `"none"` cannot be combined with other values. */
  prompt?: string;
  loginHint?: string;
  /** Seconds. */
  maxAge?: number;
  acrValues?: string | string[];
  /** RFC 8707 resource indicators: absolute URIs without fragment, one `resource` parameter each. */
  resource?: string | string[];
  /**
   * `dpop_jkt` (RFC 9449 §10): the thumbprint of the {@link DpopKey} (`key.jkt`) the authorization code is bound
   * to; the exchange must then come with a proof of that key. 43 base64url characters, else `invalid_request`.
   */
  dpopJkt?: string;
  /** Further parameters; none may repeat a parameter set above or in the endpoint's query. */
  extraParams?: Record<string, string>;
}

/**
 * Builds the URL to send the browser to. Values are form-encoded (UTF-8, spaces as `+`), the endpoint's own
 * query parameters are kept, and every `resource` becomes its own parameter.
 * @throws OidcEdgeError `invalid_request` for an endpoint that is not https (http only on loopback) or has a
 *   fragment; a `redirectUri` that is not absolute or has a fragment; an empty or non-ASCII `clientId`/`state`;
 *   no scope, or a scope token with a space, `"` or `\`; a challenge that does not fit its method, or a method
 *   without a challenge; `prompt` `none` with other values; a `resource` that is not an absolute URI; a
 *   parameter given twice; an unknown or mistyped member.
 */
export function buildAuthorizeUrl(req: AuthorizeRequest | PushedAuthorizeUrlRequest): string;

/**
 * The authorization URL after a push (RFC 9126 §4): `client_id` and `request_uri` alone. A `requestUri` member
 * makes {@link buildAuthorizeUrl} read this shape, and only it (any other member is `invalid_request`).
 */
export interface PushedAuthorizeUrlRequest {
  /** The provider's `authorization_endpoint`; its query is kept but must not hold `client_id` or `request_uri`. */
  authorizationEndpoint: string;
  /** The client that pushed. */
  clientId: string;
  /** `requestUri` from {@link pushAuthorizationRequest}: an absolute URI (`invalid_request` otherwise). */
  requestUri: string;
}

/** What the callback must bring back. */
export interface CallbackExpectation {
  /**
   * The `state` sent in the authorization request; `null` when no sign-in is in progress (nothing was kept for
   * this callback, or it was used already): every callback is then `state_mismatch`.
   */
  state: string | null;
  /** The provider's issuer; checked against the `iss` response parameter when present (RFC 9207). */
  issuer?: string;
  /** Make `iss` mandatory (for providers advertising `authorization_response_iss_parameter_supported`). */
  requireIss?: boolean;
  /**
   * The provider's metadata (from `discover`): `issuer` is its `issuer` and `requireIss` its
   * `authorization_response_iss_parameter_supported`, unless they are given too. Checked as
   * {@link parseProviderMetadata} checks a document, against its own `issuer` (`invalid_request` when it fails).
   */
  metadata?: ProviderMetadata;
}

/** A successful authorization response. */
export interface AuthorizationResponse {
  code: string;
  state: string;
  iss?: string;
}

/**
 * Reads the authorization response from the redirect URL (`location.href`): from the query when it holds
 * any of `code`, `error` or `state`, otherwise from the fragment (so `…/cb?state=s` is a response without a
 * code: `invalid_request`, not `state_mismatch`). Checks `iss`, then `state`, then an error.
 * @throws OidcEdgeError `state_mismatch` when `state` is missing or not the one sent, or `expect.state` is null; `authorization_error`
 *   when the provider sent `error` (with `error`, `errorDescription`, `errorUri`); `issuer_mismatch` when
 *   `iss` differs from `expect.issuer` (or is missing with `requireIss`); `invalid_request` for a URL that is
 *   not absolute, a repeated parameter, a missing or empty `code`, or an empty expected state.
 */
export function parseCallback(url: string, expect: CallbackExpectation): AuthorizationResponse;

/** The parameters of an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2). */
export interface EndSessionRequest {
  /** The provider's `end_session_endpoint`: https (http only on loopback). */
  endSessionEndpoint: string;
  /** The ID token last issued to the client. */
  idTokenHint?: string;
  /** Absolute URI without fragment, registered with the provider; needs `idTokenHint` or `clientId`. */
  postLogoutRedirectUri?: string;
  state?: string;
  clientId?: string;
  logoutHint?: string;
  uiLocales?: string;
}

/**
 * Builds the logout URL to send the browser to.
 * @throws OidcEdgeError `invalid_request` for an endpoint that is not https (http only on loopback); a
 *   redirect URI that is not absolute or has a fragment; `postLogoutRedirectUri` without `idTokenHint` or
 *   `clientId`; an empty value; an unknown or mistyped member.
 */
export function buildEndSessionUrl(req: EndSessionRequest): string;

// Discovery with fetch

/**
 * Fetches and checks the provider's metadata: `{issuer}/.well-known/openid-configuration` (OIDC Discovery 1.0
 * §4), then, when that answers 404 or 410, the RFC 8414 §3.1 location
 * (`{origin}/.well-known/oauth-authorization-server{path}`). The document goes through
 * {@link parseProviderMetadata}: `issuer` must equal `issuer` exactly. Redirects are refused and each fetch is
 * bounded by `timeout`, as for every fetch helper (see {@link FetchLimits}).
 * @param opts.fetch the fetch to use (default: `globalThis.fetch`).
 * @param opts.timeout seconds each location may take, 1..300 (default 5).
 * @throws OidcEdgeError `issuer_mismatch`, `invalid_metadata` as {@link parseProviderMetadata};
 *   `http_error` (with `status`) for another non-2xx answer, a redirect (3xx, or `status` 0 in browsers), both
 *   locations answering 404 (`status` 404), or a network failure or timeout (no `status`); `invalid_request` for
 *   an issuer that is not https (http only on loopback), has a query or fragment, a bad `timeout`, or an unknown
 *   option.
 */
export function discover(issuer: string, opts?: FetchLimits): Promise<ProviderMetadata>;

/** The two discovery locations, in the order {@link discover} tries them: OIDC first, then RFC 8414. */
export function discoveryUrls(issuer: string): [string, string];

// ---------------------------------------------------------------------------------------------------
// Token endpoint and friends (RFC 6749 §4–6, RFC 7636 §4.5, RFC 8693, RFC 7662, RFC 7009, OIDC Core §5.3)
//
// Two layers: `build*Request(...)` returns an {@link HttpRequest} to send with any HTTP client and
// `parse*Response(...)` reads the answer (sans-IO: nothing is sent); the fetch helpers (`exchangeCode`,
// `refreshTokens`, `clientCredentials`, `exchangeToken`, `introspect`, `revoke`, `userinfo`) do both with `fetch`.
//
// Errors common to every parser and helper:
// - `http_error` with `status` for a redirect, whatever its body: a 3xx, an opaque redirect (`status` 0, what
//   browsers give for `redirect: "manual"`), or an answer a caller's fetch got by following one
//   (`redirected: true`). No redirect is ever followed (see {@link FetchLimits}).
// - `authorization_error` when the body is an OAuth error (RFC 6749 §5.2: `{"error": …}`), whatever the status
//   (some providers answer errors with 200); `error`, `errorDescription`, `errorUri` and the HTTP `status` are set.
// - `http_error` with `status` for any other non-2xx answer, and for a 2xx answer that is not what the spec says
//   (not a JSON object, duplicate JSON members, a required member missing or of the wrong type); `http_error`
//   without `status` when `fetch` itself rejects (network, CORS, DNS) or the `timeout` passed ("timed out").
// - `invalid_request` for bad options: unknown or mistyped members (misspellings are refused, not ignored), an
//   endpoint that is not https (http only on loopback hosts), a parameter that would be sent twice.

/** A request to send: also a valid `fetch` init, so `fetch(req.url, req)` sends it. Header names are lower-case. */
export interface HttpRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** `application/x-www-form-urlencoded` for POSTs; absent for GETs. */
  body?: string;
}

/**
 * A response to parse. `headers` may be a `Headers` (from fetch) or a plain object; `body` the text. Send the
 * request without following redirects (`redirect: "manual"`): a 3xx or `status` 0 is refused (`http_error`).
 */
export interface HttpResponseInput {
  status: number;
  headers?: Headers | Record<string, string>;
  body?: string;
  /** `Response.redirected`: true when your client followed a redirect to get this; refused (`http_error`). */
  redirected?: boolean;
}

/**
 * Signs a client assertion: receives the JWS signing input (`BASE64URL(header).BASE64URL(claims)` as UTF-8
 * bytes) and returns the signature — for ECDSA in the JWS `r || s` form (RFC 7518 §3.4, what WebCrypto
 * produces), not DER. For keys held in a KMS or HSM.
 */
export type AssertionSigner = (signingInput: Uint8Array) => Promise<Uint8Array | ArrayBuffer>;

/**
 * How the client authenticates (OIDC Core §9, RFC 6749 §2.3). `method` defaults to `client_secret_basic` with a
 * `clientSecret`, to `private_key_jwt` with a `clientAssertion` or a `key`, and to `none` otherwise.
 *
 * - `none`: public clients (SPAs, native apps); `client_id` goes in the body. Such clients must use PKCE.
 * - `client_secret_basic`: `Authorization: Basic base64(urlencode(clientId) ":" urlencode(clientSecret))` —
 *   each part form-urlencoded first (RFC 6749 §2.3.1), so a `:` or `%` in either survives.
 * - `client_secret_post`: `client_id` and `client_secret` in the body.
 * - `private_key_jwt` (RFC 7523 §2.2): a JWT signed with the client's private key, with `iss` = `sub` = clientId,
 *   `aud` = `audience` (default: the URL of the endpoint called, as OIDC Core §9 says; the provider's issuer is
 *   what draft-ietf-oauth-rfc7523bis recommends and most providers accept), a random `jti`, `iat` = now and
 *   `exp` = now + `assertionLifetime` (default 60 s, at most 600). Give either `key` — a private WebCrypto
 *   `CryptoKey` (RSASSA-PKCS1-v1_5 → RS256/384/512, RSA-PSS → PS256/384/512, ECDSA P-256/384/521 → ES256/384/512,
 *   Ed25519 → EdDSA; the algorithm follows from the key) or an {@link AssertionSigner} callback (then `alg` is
 *   required) — or a `clientAssertion` you signed yourself (e.g. with {@link createClientAssertion}). Only the
 *   fetch helpers sign; the synchronous builders need `clientAssertion`.
 */
export interface ClientAuth {
  clientId: string;
  method?: "none" | "client_secret_basic" | "client_secret_post" | "private_key_jwt";
  clientSecret?: string;
  clientAssertion?: string;
  key?: WebCryptoKey | AssertionSigner;
  /** `private_key_jwt` with a key: the JWS algorithm; required with a callback, checked against a CryptoKey. */
  alg?: "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA";
  /** `private_key_jwt` with a key: the JWS `kid` of the client's key. */
  keyId?: string;
  /** `private_key_jwt` with a key: the assertion's `aud`. */
  audience?: string;
  /** `private_key_jwt` with a key: seconds until `exp` (1..600, default 60). */
  assertionLifetime?: number;
}

/**
 * Builds and signs a `private_key_jwt` client assertion (see {@link ClientAuth}), for the synchronous builders
 * or for any other use. Each call makes a fresh `jti`: an assertion is for one request.
 * @throws OidcEdgeError `invalid_request` for an empty or non-ASCII `clientId`/`audience`, a lifetime outside
 *   1..600, a callback without `alg`, an `alg` the key cannot do, a callback that throws, rejects or returns
 *   something other than bytes, or a signature of the wrong size (DER-encoded ECDSA); `invalid_jwk` for a
 *   CryptoKey that is not a private signing key of a supported algorithm, or that `crypto.subtle.sign` refuses.
 */
export function createClientAssertion(opts: {
  clientId: string;
  audience: string;
  key: WebCryptoKey | AssertionSigner;
  alg?: ClientAuth["alg"];
  keyId?: string;
  /** Seconds, 1..600, default 60. */
  lifetime?: number;
  /** Seconds since the epoch, default `Date.now()`. */
  now?: number;
}): Promise<string>;

/** The RFC 8693 §3 token types, by short name; any absolute URI is accepted too. */
export type TokenType = "access_token" | "refresh_token" | "id_token" | "jwt" | "saml1" | "saml2" | (string & {});

/** Members every token request may have. */
interface TokenRequestBase {
  /** The provider's `token_endpoint`: https (http only on loopback hosts). */
  tokenEndpoint: string;
  clientAuth: ClientAuth;
  /** RFC 8707 resource indicators: absolute URIs, one `resource` parameter each. */
  resource?: string | string[];
  /** Further parameters; none may repeat one set by the grant or by client authentication. */
  extraParams?: Record<string, string>;
}

/** Authorization code exchange (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.5). */
export interface CodeExchange extends TokenRequestBase {
  /** The `code` from {@link parseCallback}. */
  code: string;
  /** The `redirectUri` of the authorization request, exactly. */
  redirectUri: string;
  /** The PKCE verifier ({@link generatePkce}); required for public clients (`none`), checked (43..128 chars). */
  codeVerifier?: string;
}

/** Refresh (RFC 6749 §6). */
export interface Refresh extends TokenRequestBase {
  refreshToken: string;
  /** A scope no wider than the original grant's (narrowing is allowed, widening is not). */
  scope?: string | string[];
}

/** Client credentials (RFC 6749 §4.4): confidential clients only. */
export interface ClientCredentialsGrant extends TokenRequestBase {
  scope?: string | string[];
}

/** Token exchange (RFC 8693 §2.1). */
export interface TokenExchange extends TokenRequestBase {
  /** The token the new one is about: e.g. an ID token or an access token. */
  subjectToken: string;
  /** e.g. `"id_token"` or `"access_token"` (sent as `urn:ietf:params:oauth:token-type:…`). */
  subjectTokenType: TokenType;
  /** Delegation: the acting party's token, with `actorTokenType` (both or neither). */
  actorToken?: string;
  actorTokenType?: TokenType;
  requestedTokenType?: TokenType;
  /** Logical names of the target services, one `audience` parameter each. */
  audience?: string | string[];
  scope?: string | string[];
}

/**
 * The device access token request (RFC 8628 §3.4), one poll: {@link pollDeviceAuthorization} sends these at the
 * right times; with {@link buildTokenRequest}, an `authorization_error` whose `error` is `authorization_pending`
 * means poll again after `interval` seconds, `slow_down` after 5 s more for good (§3.5).
 */
export interface DeviceCodeGrant extends TokenRequestBase {
  /** `deviceCode` from {@link requestDeviceAuthorization} (printable ASCII, `invalid_request` otherwise). */
  deviceCode: string;
}

/**
 * How every request the package sends is bounded: the fetch helpers ({@link discover}, {@link exchangeCode},
 * {@link refreshTokens}, {@link clientCredentials}, {@link exchangeToken}, {@link introspect}, {@link revoke},
 * {@link userinfo}), {@link RemoteJwks} (and so a {@link TokenVerifier} over one) and {@link createEdgeVerifier}.
 *
 * - No redirect is followed (only the configured URL is ever fetched: a `jwks_uri` that redirects elsewhere must
 *   not make that server's keys trusted, a POST must not resend credentials). Every request is sent with
 *   `redirect: "manual"`; a 3xx answer, the opaque redirect browsers give for it (`status` 0, `type`
 *   `"opaqueredirect"`) and an answer a caller's `fetch` got by following one anyway (`Response.redirected`)
 *   are `http_error` with that `status`, whatever the body, and the message says redirects are refused.
 * - Each exchange (connection, headers and the whole body) must finish within `timeout` seconds, else it is
 *   `http_error` without `status` ("timed out"). The `fetch` gets an `AbortSignal` (`init.signal`:
 *   `AbortSignal.timeout`, or an `AbortController` and a timer where that is missing) and is not waited for
 *   past the timeout even if it ignores the signal. A {@link RemoteJwks} then keeps serving its last good set.
 */
export interface FetchLimits {
  /**
   * The fetch to use (default: `globalThis.fetch`). It is called as `fetch(url, init)` with
   * `init.redirect === "manual"` and `init.signal`; keep both (a fetch that follows redirects is refused).
   */
  fetch?: typeof fetch;
  /**
   * Seconds one exchange may take: an integer in 1..300, default 5. Seconds like every other time option of
   * the package (so a value in milliseconds, e.g. 5000, is refused rather than waited for). NaN, ±Infinity,
   * a fraction, a string or `null` is `invalid_request`: a timeout cannot be turned off.
   */
  timeout?: number;
}

/** Options of every fetch helper: {@link FetchLimits} (`fetch`, `timeout`) and `now`. */
export interface FetchOptions extends FetchLimits {
  /** Seconds since the epoch, for `expiresAt` and client assertions (default `Date.now()`). */
  now?: number;
}

/** A successful token response (RFC 6749 §5.1, RFC 8693 §2.2.1). */
export interface TokenSet {
  accessToken: string;
  /**
   * `"Bearer"` for any case of `bearer` — and when the provider omitted `token_type` (RFC 6749 makes it
   * required, but some providers leave it out); other types (`"DPoP"`, RFC 8693's `"N_A"`) as sent.
   */
  tokenType: string;
  /** `expires_in`, seconds (a non-negative integer; a string such as `"3600"` is refused). */
  expiresIn?: number;
  /** `now + expires_in`, seconds since the epoch. */
  expiresAt?: number;
  refreshToken?: string;
  /** NOT verified: verify it (`TokenVerifier.verifyIdToken`) before trusting a claim in it. */
  idToken?: string;
  /** Granted scope; absent means the scope requested (RFC 6749 §5.1). */
  scope?: string;
  /** RFC 8693 token exchange: the type of `accessToken`. */
  issuedTokenType?: string;
  /** Every member of the response, as sent (provider extensions). */
  raw: Record<string, unknown>;
}

/**
 * Builds a token request for any grant, chosen by `grantType`. Members that do not belong to the grant are refused.
 * @throws OidcEdgeError `invalid_request` (see above; also: an unknown `grantType`, a member the grant requires
 *   missing, a public client exchanging a code without `codeVerifier`, a public client asking for
 *   `client_credentials`, a scope token with a space, `"` or `\`, `actorToken` without `actorTokenType`, a
 *   `clientAuth.key` — sign first with {@link createClientAssertion}); `invalid_pkce_verifier` for a verifier
 *   outside RFC 7636 §4.1.
 */
export function buildTokenRequest(
  req:
    | (CodeExchange & { grantType: "authorization_code" })
    | (Refresh & { grantType: "refresh_token" })
    | (ClientCredentialsGrant & { grantType: "client_credentials" })
    | (TokenExchange & { grantType: "urn:ietf:params:oauth:grant-type:token-exchange" })
    | (DeviceCodeGrant & { grantType: "urn:ietf:params:oauth:grant-type:device_code" }),
): HttpRequest;

/**
 * Reads a token endpoint response (see the common errors above).
 * @param opts.now seconds since the epoch for `expiresAt` (default `Date.now()`).
 * @throws OidcEdgeError `authorization_error` (e.g. `invalid_grant` with status 400 for a used or expired code,
 *   `invalid_client` with 401); `http_error` for a non-2xx answer without an OAuth error, or a 2xx answer without
 *   a non-empty string `access_token`, or with `expires_in` not a non-negative integer, or `token_type`,
 *   `refresh_token`, `id_token`, `scope`, `issued_token_type` not strings; `invalid_request` for a response
 *   object without an integer `status` or with a non-string `body`.
 */
export function parseTokenResponse(res: HttpResponseInput, opts?: { now?: number }): TokenSet;

/** Exchanges an authorization code (build + fetch + parse). Errors: {@link buildTokenRequest}, {@link parseTokenResponse}. */
export function exchangeCode(opts: CodeExchange & DpopOption & FetchOptions): Promise<TokenSet>;
/** Refreshes tokens. Errors: {@link buildTokenRequest}, {@link parseTokenResponse} (`invalid_grant` for a revoked refresh token). */
export function refreshTokens(opts: Refresh & DpopOption & FetchOptions): Promise<TokenSet>;
/** Gets a token for the client itself. Errors: {@link buildTokenRequest}, {@link parseTokenResponse}. */
export function clientCredentials(opts: ClientCredentialsGrant & DpopOption & FetchOptions): Promise<TokenSet>;
/** RFC 8693 token exchange. Errors: {@link buildTokenRequest}, {@link parseTokenResponse}. */
export function exchangeToken(opts: TokenExchange & DpopOption & FetchOptions): Promise<TokenSet>;

/**
 * An introspection request (RFC 7662 §2.1). The endpoint requires the caller to authenticate: with client
 * credentials (`clientAuth`, usually a resource server's), or with a bearer token issued for the purpose
 * (`bearerToken`, RFC 7662 §2.1), never both.
 */
export type IntrospectionRequest = IntrospectionRequestBase &
  ({ clientAuth: ClientAuth; bearerToken?: undefined } | { bearerToken: string; clientAuth?: undefined });

/** The members of {@link IntrospectionRequest} besides its authentication. */
export interface IntrospectionRequestBase {
  /** The provider's `introspection_endpoint`. */
  introspectionEndpoint: string;
  token: string;
  tokenTypeHint?: "access_token" | "refresh_token" | (string & {});
  /**
   * Ask for a signed JWT response (RFC 9701 §4: `Accept: application/token-introspection+jwt`). The fetch
   * helper {@link introspect} asks for it whenever it is given a `verifier`.
   */
  jwtResponse?: boolean;
  extraParams?: Record<string, string>;
}

/**
 * An introspection response (RFC 7662 §2.2) with its own member names, so it can go to `scopesOf` /
 * `hasScopes`. When `active` is false, nothing else about the token should be trusted. A JWT response
 * (RFC 9701) gives the same object: its verified `token_introspection` claim.
 */
export interface IntrospectionResult {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
  [member: string]: unknown;
}

/**
 * Options for reading a JWT introspection response (RFC 9701), for a client that registered
 * `introspection_signed_response_alg`.
 * @property verifier the {@link TokenVerifier} of the authorization server: its `issuer`, its keys, and the
 *   client (the caller of the endpoint) as `clientId` or the only `audience`. The response must then be an
 *   `application/token-introspection+jwt` (a JSON answer is `http_error`: an unsigned downgrade), verified: the
 *   signature, `typ: token-introspection+jwt`, `iss`, `aud` containing the client, `iat` required, `exp`/`nbf`
 *   when present, and its `token_introspection` claim checked as a JSON response is. Shared, not consumed.
 * @property now the time in seconds for `exp`/`nbf` (default: the clock).
 */
export interface IntrospectionVerifyOptions {
  verifier?: TokenVerifier;
  now?: number;
}

/**
 * Builds an introspection request.
 * @throws OidcEdgeError `invalid_request`: an empty token or hint, both `clientAuth` and `bearerToken`, a
 *   `bearerToken` that is not an RFC 6750 `b64token`, see above.
 */
export function buildIntrospectionRequest(req: IntrospectionRequest): HttpRequest;
/**
 * Reads an introspection response: JSON (RFC 7662 §2.2), or with `opts.verifier` a signed JWT (RFC 9701 §5).
 * @throws OidcEdgeError `http_error` for a missing or non-boolean `active`, or a registered member of the wrong
 *   type (`scope`, `client_id`, `username`, `token_type`, `sub`, `iss`, `jti` strings; `exp`, `iat`, `nbf`
 *   numbers; `aud` string or string array); with a verifier, `http_error` for a content type other than
 *   `application/token-introspection+jwt` or a body that is not a compact JWS, then the codes of
 *   {@link TokenVerifier.verify}: `typ_mismatch` for another `typ`, `issuer_mismatch`, `audience_mismatch` (not
 *   for this client), `missing_claim` (no `iat`, no `token_introspection`), `invalid_claim` (a
 *   `token_introspection` that is not an object or not a valid RFC 7662 response), `invalid_signature`…; the
 *   common errors above.
 */
export function parseIntrospectionResponse(res: HttpResponseInput, opts?: IntrospectionVerifyOptions): IntrospectionResult;
/**
 * Introspects a token (build + fetch + parse); with `verifier`, asks for a JWT response and verifies it (the
 * signature through WebCrypto or node:crypto, as the `…Async` methods do).
 * @throws OidcEdgeError (rejects) those of {@link buildIntrospectionRequest} and {@link parseIntrospectionResponse}.
 */
export function introspect(opts: IntrospectionRequest & IntrospectionVerifyOptions & FetchOptions): Promise<IntrospectionResult>;

/** A revocation request (RFC 7009 §2.1). Public clients revoke their own tokens with `method: "none"`. */
export interface RevocationRequest {
  /** The provider's `revocation_endpoint`. */
  revocationEndpoint: string;
  clientAuth: ClientAuth;
  token: string;
  tokenTypeHint?: "access_token" | "refresh_token" | (string & {});
  extraParams?: Record<string, string>;
}

/** Builds a revocation request. @throws OidcEdgeError `invalid_request`: see above. */
export function buildRevocationRequest(req: RevocationRequest): HttpRequest;
/**
 * Reads a revocation response: any 2xx is success (RFC 7009 §2.2: also for unknown or already revoked tokens).
 * @throws OidcEdgeError `authorization_error` (e.g. `unsupported_token_type`); `http_error` otherwise — 503 means
 *   retry later (§2.2.1).
 */
export function parseRevocationResponse(res: HttpResponseInput): void;
/** Revokes a token (build + fetch + parse). */
export function revoke(opts: RevocationRequest & FetchOptions): Promise<void>;

/**
 * What the UserInfo endpoint answered (OIDC Core §5.3.2):
 * - `{ format: "json", claims }`: JSON claims, `sub` checked (no `verifier` given);
 * - `{ format: "jwt", jwt, claims }`: a signed response (the client registered `userinfo_signed_response_alg`)
 *   verified with the `verifier` given — `claims` is only there once verified;
 * - `{ format: "jwt", jwt }` without `claims`: a JWT answered when no `verifier` was given, returned as is and NOT
 *   verified: pass a `verifier`, or call {@link TokenVerifier.verifyUserinfo}, before using a claim.
 */
export type UserinfoResult =
  | { format: "json"; claims: { sub: string; [claim: string]: unknown } }
  | { format: "jwt"; jwt: string; claims: Claims & { sub: string } }
  | { format: "jwt"; jwt: string; claims?: undefined };

/**
 * The options of {@link parseUserinfoResponse} and {@link userinfo}.
 * @property expectedSubject the ID token's `sub`, which the response's must equal (OIDC Core §5.3.4).
 * @property verifier for a client that registered `userinfo_signed_response_alg`: the {@link TokenVerifier} of
 *   the provider (its `issuer`, its keys, and the client id as `clientId` or the only `audience`). The response
 *   must then be a JWT (a JSON answer is `http_error`: unsigned claims would be a silent downgrade), verified
 *   as {@link TokenVerifier.verifyUserinfo} does. The verifier is shared, not consumed.
 * @property now the time in seconds for the JWT's `exp`/`nbf`/`iat` (default: the clock).
 */
export interface UserinfoParseOptions {
  expectedSubject?: string;
  verifier?: TokenVerifier;
  now?: number;
}

/**
 * Builds the UserInfo request: `GET` with `Authorization: Bearer <accessToken>` (RFC 6750 §2.1).
 * @throws OidcEdgeError `invalid_request` for an endpoint that is not https (http only on loopback), or an access
 *   token that is empty or not an RFC 6750 `b64token` (it goes into a header).
 */
export function buildUserinfoRequest(req: { userinfoEndpoint: string; accessToken: string }): HttpRequest;
/**
 * Reads a UserInfo response; with `opts.verifier`, requires and verifies a signed one (synchronously, with the
 * Rust algorithms; {@link userinfo} uses WebCrypto).
 * @throws OidcEdgeError `authorization_error` for a `WWW-Authenticate: Bearer error="…"` challenge (RFC 6750 §3:
 *   `invalid_token` with 401, `insufficient_scope` with 403) or an OAuth error body; `http_error` for another
 *   non-2xx answer, a JSON body that is not an object or lacks a string `sub`, an `application/jwt` body that is
 *   not a compact JWS/JWE, or a JSON answer when a `verifier` was given; `invalid_claim` when `sub` is not
 *   `expectedSubject`; with a `verifier`, every error of {@link TokenVerifier.verifyUserinfo}; `invalid_request`
 *   for a `verifier` that is not a {@link TokenVerifier}, a bad `now` or an unknown option.
 */
export function parseUserinfoResponse(res: HttpResponseInput, opts?: UserinfoParseOptions): UserinfoResult;
/**
 * Calls the UserInfo endpoint (build + fetch + parse); with `verifier`, the signed response is verified with the
 * signature checked by WebCrypto (as {@link TokenVerifier.verifyUserinfoAsync}).
 * @throws OidcEdgeError (rejects) those of {@link buildUserinfoRequest} and {@link parseUserinfoResponse}, and
 *   `http_error` when the fetch fails, times out or is answered with a redirect.
 */
export function userinfo(
  opts: { userinfoEndpoint: string; accessToken: string } & UserinfoParseOptions & DpopOption & FetchOptions,
): Promise<UserinfoResult>;

/**
 * Reads a resource's step-up challenge (RFC 9470 §3): for a `Bearer` or `DPoP` `WWW-Authenticate` value whose
 * `error` is `insufficient_user_authentication`, the `acr_values` (split on spaces) and `max_age` it asks for, as
 * the members of {@link AuthorizeRequest} of the same names — spread them into the request of the new sign-in
 * (`buildAuthorizeUrl({ ...request, ...stepUp })`, §4), whose ID token then has the `acr` and `auth_time` to
 * check (`verifyIdToken` with `maxAge`). `null` for any other challenge (the first challenge of the value is read).
 * In both entries.
 * @throws OidcEdgeError `http_error` for a step-up challenge with an empty `acr_values`, one holding characters
 *   RFC 6749 §3.3 forbids, or a `max_age` that is not a non-negative integer; `invalid_request` for a
 *   non-string argument.
 */
export function parseStepUpChallenge(wwwAuthenticate: string): { acrValues?: string[]; maxAge?: number } | null;

// ---------------------------------------------------------------------------------------------------
// DPoP, the client side (RFC 9449): in both entries

/** The algorithms of a DPoP key: ES256 (the default), ES384, EdDSA (Ed25519), RS256 (2048 bits), PS256. */
export type DpopAlgorithm = "ES256" | "ES384" | "EdDSA" | "RS256" | "PS256";

/**
 * A DPoP key pair (RFC 9449 §4) and the server nonces it was given (§8, the latest per origin, at most 64
 * origins). Made by {@link createDpopKey} or {@link importDpopKey}; pass it as `dpop` to the token helpers,
 * {@link userinfo} and {@link dpopFetch}. Each proof is built by the core (header `typ: dpop+jwt`, `alg`, the
 * public `jwk`; claims a random `jti`, `htm`, `htu` without query and fragment, `iat`, `ath` with an access token,
 * the origin's latest `nonce`) and signed by WebCrypto with the private key, which never leaves it.
 */
export declare class DpopKey {
  private constructor();
  readonly alg: DpopAlgorithm;
  /** The RFC 7638 thumbprint of the public key: `dpopJkt` at authorize, the access token's `cnf.jkt`. */
  readonly jkt: string;
  /** The public JWK the proofs carry (only `kty`, `crv`, `x`, `y` / `n`, `e`). */
  readonly publicJwk: { kty: string; [member: string]: string };
  /**
   * The WebCrypto pair, to keep in IndexedDB (a structured clone keeps the private key non-extractable), and
   * give back to {@link importDpopKey} later.
   */
  readonly keyPair: { privateKey: WebCryptoKey; publicKey: WebCryptoKey };
  /**
   * A proof for one request, to send as the `DPoP` header yourself.
   * @param opts.method the HTTP method (`htm`); `opts.url` the absolute http(s) URL (`htu`); `opts.accessToken`
   *   the token the request carries (`ath`); `opts.now` seconds for `iat` (default the clock).
   * @throws OidcEdgeError (rejects) `invalid_request` for a method that is not an HTTP token, a URL that is not
   *   absolute http(s), a nonce outside RFC 9449 §8.1's characters; `invalid_jwk` if WebCrypto refuses to sign.
   */
  proof(opts: { method: string; url: string; accessToken?: string; now?: number }): Promise<string>;
}

/**
 * The `dpop` option: with a {@link DpopKey}, the request carries a proof (RFC 9449 §5 at the token endpoint,
 * §7.1 with `Authorization: DPoP` at userinfo and resources) and is sent once more with the server's nonce when
 * it answers `use_dpop_nonce` (a 400 error at the token endpoint, §8; a 401 `WWW-Authenticate: DPoP` challenge
 * at a resource, §9); also each poll of {@link pollDeviceAuthorization}. The token set then has `tokenType: "DPoP"`; refresh with the same key (a public client's
 * refresh token is bound to it). `oidc-edge/spa` takes it too (`exchangeCode`, `refreshTokens`, `dpopFetch`).
 * @throws OidcEdgeError `invalid_request` when `dpop` is not a DpopKey.
 */
export interface DpopOption {
  dpop?: DpopKey;
}

/**
 * Makes a DPoP key pair with WebCrypto, the private key non-extractable.
 * @param opts.alg {@link DpopAlgorithm}, default `"ES256"`.
 * @throws OidcEdgeError (rejects) `invalid_request` for another algorithm or option; `invalid_jwk` when
 *   WebCrypto cannot make such a key in this runtime.
 */
export function createDpopKey(opts?: { alg?: DpopAlgorithm }): Promise<DpopKey>;
/**
 * The {@link DpopKey} of a pair kept from `key.keyPair` (e.g. read back from IndexedDB); the algorithm comes from
 * the key (`opts.alg`, when given, must be it).
 * @throws OidcEdgeError (rejects) `invalid_request` for something else than `{ privateKey, publicKey }`
 *   CryptoKeys or an `alg` the pair does not have; `invalid_jwk` for a key of another algorithm.
 */
export function importDpopKey(
  keyPair: { privateKey: WebCryptoKey; publicKey: WebCryptoKey },
  opts?: { alg?: DpopAlgorithm },
): Promise<DpopKey>;

/** What {@link dpopFetch} answered. */
export interface DpopFetchResponse {
  status: number;
  /** The headers the package reads: `content-type`, `cache-control`, `age`, `www-authenticate`, `dpop-nonce`. */
  headers: Record<string, string>;
  /** The body, as text. */
  body: string;
}

/**
 * A request to a protected resource with a DPoP-bound access token (RFC 9449 §7.1): `Authorization: DPoP` and a
 * proof, retried once when the resource answers a `use_dpop_nonce` challenge with a `DPoP-Nonce` (§9). As every
 * fetch of the package it follows no redirect (a 3xx is `http_error`) and is bounded by `timeout`. Any status is
 * returned (check `status`).
 * @param url https (http only on loopback).
 * @param opts.method GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS; `opts.headers` the request's other
 *   headers (not `authorization` or `dpop`); `opts.body` a text body.
 * @throws OidcEdgeError (rejects) `invalid_request` for a missing `dpop`, a URL that is not https off loopback, a
 *   method outside the list, a header name that is not an HTTP token or a value with a control character, an
 *   `authorization` or `dpop` header, an access token that is not an RFC 6750 `b64token`, a `clientAuth`;
 *   `http_error` for a network failure, a timeout or a redirect.
 */
export function dpopFetch(
  url: string,
  opts: {
    dpop: DpopKey; accessToken?: string; method?: string; headers?: Record<string, string>; body?: string;
  } & FetchOptions,
): Promise<DpopFetchResponse>;

// ---------------------------------------------------------------------------------------------------
// Dynamic client registration (RFC 7591) and management (RFC 7592): main entry only

/**
 * Client metadata (RFC 7591 §2, OIDC Dynamic Client Registration 1.0 §2), with its registered snake_case names.
 * Checked before it is sent (`invalid_request`, naming the member): every registered member of its type
 * (strings, string arrays, booleans, non-negative numbers, `jwks` an object with a `keys` array); `redirect_uris`,
 * `post_logout_redirect_uris`, `jwks_uri`, `initiate_login_uri`, `sector_identifier_uri` and the logout URIs
 * https URLs (http only on loopback, RFC 8252 §8.3) without a fragment or credentials (RFC 6749 §3.1.2);
 * `client_uri`, `logo_uri`, `tos_uri`, `policy_uri` absolute URLs; `token_endpoint_auth_method` one of
 * {@link TokenEndpointAuthMethod}; `jwks` and `jwks_uri` not both. Language-tagged members
 * (`client_name#ja-Jpan-JP`, §2.2) follow their base member. Members the server assigns are refused:
 * `registration_access_token`, `registration_client_uri`, `client_id_issued_at`, `client_secret_expires_at`,
 * and in a registration also `client_id` and `client_secret`. Other members are sent as they are.
 */
export interface ClientMetadata {
  redirect_uris?: string[];
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  jwks?: { keys: object[] };
  software_id?: string;
  software_version?: string;
  software_statement?: string;
  post_logout_redirect_uris?: string[];
  [member: string]: unknown;
}

/** The registered `token_endpoint_auth_method` values (RFC 7591 §2, OIDC Core §9, RFC 8705 §2). */
export type TokenEndpointAuthMethod =
  | "none" | "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt"
  | "tls_client_auth" | "self_signed_tls_client_auth";

/**
 * What the server registered (RFC 7591 §3.2.1, RFC 7592 §3): the metadata as it kept it (it may have changed or
 * added values), and the credentials it issued. Keep `registration_access_token` and `registration_client_uri`
 * to read, update or delete the client; an update may rotate the token, so keep the latest.
 */
export interface ClientInformation extends ClientMetadata {
  client_id: string;
  client_secret?: string;
  client_id_issued_at?: number;
  /** Required with `client_secret`: when it expires, 0 for never. */
  client_secret_expires_at?: number;
  registration_access_token?: string;
  registration_client_uri?: string;
}

/** A registration request (RFC 7591 §3.1): the metadata, POSTed as JSON to the `registration_endpoint`. */
export interface RegistrationRequest {
  /** The provider's `registration_endpoint`: https (http only on loopback). */
  registrationEndpoint: string;
  metadata: ClientMetadata;
  /** An initial access token (RFC 7591 §3), when the server requires one: sent as `Authorization: Bearer`. */
  initialAccessToken?: string;
}

/**
 * Builds a registration request.
 * @throws OidcEdgeError `invalid_request`: the endpoint not https (http only on loopback), metadata refused as
 *   {@link ClientMetadata} says, an `initialAccessToken` that is not an RFC 6750 `b64token`.
 */
export function buildRegistrationRequest(req: RegistrationRequest): HttpRequest;
/**
 * Reads a registration response, strictly.
 * @throws OidcEdgeError `authorization_error` for an OAuth error (RFC 7591 §3.2.2: `invalid_redirect_uri`,
 *   `invalid_client_metadata`, `invalid_software_statement`…; `invalid_token` for a missing or bad initial
 *   access token), with `status`; `http_error` for a redirect, a status other than 201 (§3.2.1), a body that
 *   is not a JSON object, no non-empty string `client_id`, a `client_secret` without
 *   `client_secret_expires_at`, only one of `registration_access_token` and `registration_client_uri`, a
 *   `registration_client_uri` that is not https (http only on loopback), a registered member of the wrong type,
 *   both `jwks` and `jwks_uri`; `invalid_request` for a response object without an integer `status`.
 */
export function parseRegistrationResponse(res: HttpResponseInput): ClientInformation;
/**
 * Registers a client (build + fetch + parse).
 * @throws OidcEdgeError (rejects) those of {@link buildRegistrationRequest} and {@link parseRegistrationResponse};
 *   `invalid_request` for a `clientAuth` (the initial access token is the credential).
 */
export function registerClient(opts: RegistrationRequest & FetchLimits): Promise<ClientInformation>;

/** What is done with a registered client (RFC 7592 §2.1 read, §2.2 update, §2.3 delete). */
export type ClientOperation = "read" | "update" | "delete";

/** A client configuration request (RFC 7592 §2), sent with the registration access token. */
export interface ClientConfigurationRequest {
  /** The `registration_client_uri` the registration answered: https (http only on loopback). */
  registrationClientUri: string;
  /** The latest `registration_access_token`, sent as `Authorization: Bearer`. */
  registrationAccessToken: string;
  operation: ClientOperation;
  /**
   * An update's full replacement metadata (§2.2: omitted members may be removed by the server), carrying the
   * client's `client_id`; only with `"update"`.
   */
  metadata?: ClientMetadata & { client_id: string };
}

/**
 * Builds a read (GET), update (PUT, JSON) or delete (DELETE) request.
 * @throws OidcEdgeError `invalid_request`: the URI not https (http only on loopback), a token that is not an
 *   RFC 6750 `b64token`, `metadata` missing for an update or given for another operation, update metadata without
 *   a non-empty string `client_id` or refused as {@link ClientMetadata} says.
 */
export function buildClientConfigurationRequest(req: ClientConfigurationRequest): HttpRequest;
/**
 * Reads the answer to a configuration request: the client information for a read or an update (200, RFC 7592
 * §3), `undefined` for a delete (204, §2.3).
 * @param opts.operation `"delete"` for the answer to a deletion (default: a read or update).
 * @param opts.clientId the client asked about: the answer must be for it.
 * @throws OidcEdgeError `authorization_error` for a `WWW-Authenticate: Bearer error="invalid_token"` challenge
 *   (a revoked, rotated or wrong registration access token, or a client that no longer exists) or an OAuth
 *   error body, with `status`; `http_error` for a redirect, another status than 200 (or 204 for a delete), a
 *   `client_id` other than `clientId`, and what {@link parseRegistrationResponse} refuses.
 */
export function parseClientConfigurationResponse(
  res: HttpResponseInput,
  opts?: { operation?: ClientOperation; clientId?: string },
): ClientInformation | undefined;

/** Options of {@link readClient}, {@link updateClient}, {@link deleteClient}. */
export interface ClientConfigurationOptions extends FetchLimits {
  registrationClientUri: string;
  registrationAccessToken: string;
  /** The client asked about: the answer must be for it (an update's is its `metadata.client_id`). */
  clientId?: string;
}

/**
 * Reads a client's current configuration (RFC 7592 §2.1).
 * @throws OidcEdgeError (rejects) those of {@link buildClientConfigurationRequest} and
 *   {@link parseClientConfigurationResponse}; `invalid_request` for a `clientAuth` or an `operation`.
 */
export function readClient(opts: ClientConfigurationOptions): Promise<ClientInformation>;
/**
 * Replaces a client's metadata (RFC 7592 §2.2); the answer must be for the same `client_id`. Keep the
 * `registration_access_token` it returns: the server may have rotated it.
 * @throws OidcEdgeError (rejects) as {@link readClient}.
 */
export function updateClient(
  opts: ClientConfigurationOptions & { metadata: ClientMetadata & { client_id: string } },
): Promise<ClientInformation>;
/**
 * Deletes a client (RFC 7592 §2.3); its credentials and tokens stop working.
 * @throws OidcEdgeError (rejects) as {@link readClient}.
 */
export function deleteClient(opts: ClientConfigurationOptions): Promise<void>;

// ---------------------------------------------------------------------------------------------------
// Pushed authorization requests (RFC 9126)

/**
 * An authorization request pushed to the provider (RFC 9126 §2.1): the parameters of {@link AuthorizeRequest}
 * without `authorizationEndpoint` (the URL is built afterwards), sent with client authentication as at the
 * token endpoint — any method; a public client gives `{ clientId }`.
 */
export interface PushedAuthorizationRequest extends Omit<AuthorizeRequest, "authorizationEndpoint"> {
  /** The provider's `pushed_authorization_request_endpoint`: https (http only on loopback). */
  pushedAuthorizationRequestEndpoint: string;
  /** Its `clientId` must be the request's `clientId`. */
  clientAuth: ClientAuth;
}

/** The push endpoint's answer (RFC 9126 §2.2). */
export interface PushedAuthorization {
  /** The reference to the pushed request, for {@link buildAuthorizeUrl} (`{ authorizationEndpoint, clientId, requestUri }`). */
  requestUri: string;
  /** Seconds the reference stays valid. */
  expiresIn: number;
}

/**
 * Builds the push (a form POST; nothing is sent). A `clientAuth.key` cannot sign here: use
 * {@link pushAuthorizationRequest}, or pass a `clientAssertion`.
 * @throws OidcEdgeError `invalid_request` for what {@link buildAuthorizeUrl} refuses; an endpoint that is not https
 *   (http only on loopback); an `authorizationEndpoint` member; a `clientId` other than `clientAuth.clientId`;
 *   `request_uri` in `extraParams` (§2.1 forbids pushing one); bad client authentication (see {@link ClientAuth})
 *   or a `clientAuth.key`.
 */
export function buildPushedAuthorizationRequest(req: PushedAuthorizationRequest): HttpRequest;

/**
 * Reads the push endpoint's answer (201, RFC 9126 §2.2).
 * @throws OidcEdgeError as every parser (see above): `authorization_error` for an OAuth error (§2.3:
 *   `invalid_request`, `invalid_client`, …); `http_error` with `status` for another non-2xx answer, a body that is
 *   not a JSON object, a `request_uri` that is missing or not an absolute URI, an `expires_in` that is not a
 *   positive integer.
 */
export function parsePushedAuthorizationResponse(res: HttpResponseInput): PushedAuthorization;

/**
 * Pushes an authorization request (RFC 9126 §2) with `fetch`; then send the browser to
 * `buildAuthorizeUrl({ authorizationEndpoint, clientId, requestUri })`. A `clientAuth.key` signs a
 * `private_key_jwt` assertion whose `aud` is the push endpoint unless `clientAuth.audience` says otherwise.
 * @throws OidcEdgeError as {@link buildPushedAuthorizationRequest} and {@link parsePushedAuthorizationResponse};
 *   `http_error` without `status` for a network failure or timeout; signing errors as {@link ClientAuth}.
 */
export function pushAuthorizationRequest(opts: PushedAuthorizationRequest & FetchOptions): Promise<PushedAuthorization>;

/** {@link startAuthorization}'s options: an authorization request whose endpoints come from `metadata`. */
export interface StartAuthorization extends Omit<AuthorizeRequest, "authorizationEndpoint"> {
  /** From {@link discover}: `authorization_endpoint`, and for pushing `pushed_authorization_request_endpoint`. */
  metadata: ProviderMetadata;
  /**
   * Push first (`true`), never (`false`: `invalid_request` when the provider sets
   * `require_pushed_authorization_requests`), or — left out — exactly when the provider requires it (RFC 9126 §5).
   */
  usePar?: boolean;
  /** Client authentication for the push; default `{ clientId }` (a public client). Unused without a push. */
  clientAuth?: ClientAuth;
}

/** The URL to send the browser to, and when the request was pushed, the push's answer. */
export interface StartedAuthorization {
  url: string;
  requestUri?: string;
  expiresIn?: number;
}

/**
 * The authorization URL, honouring the provider's `require_pushed_authorization_requests` (RFC 9126 §5): pushed
 * first with {@link pushAuthorizationRequest} when the provider requires it or `usePar` is `true` (the URL then
 * holds `client_id` and `request_uri` alone), else built by {@link buildAuthorizeUrl} from the metadata's
 * `authorization_endpoint` without any request.
 * @throws OidcEdgeError `invalid_request` when `usePar` is `false` but the provider requires pushing, for an
 *   `authorizationEndpoint` member, a non-boolean `usePar`, a `metadata` that is not a metadata object
 *   (checked as {@link parseProviderMetadata} checks a document, against its own `issuer`), and what
 *   {@link buildAuthorizeUrl} refuses; `invalid_metadata` when a push is needed and the metadata has no
 *   `pushed_authorization_request_endpoint`; what {@link pushAuthorizationRequest} throws when it pushes.
 */
export function startAuthorization(opts: StartAuthorization & FetchOptions): Promise<StartedAuthorization>;

// ---------------------------------------------------------------------------------------------------
// Device authorization grant (RFC 8628)

/**
 * A device authorization request (RFC 8628 §3.1), for a device that cannot show a browser (a TV, a CLI): the user
 * approves on another device at `verificationUri`, the device polls the token endpoint meanwhile. Any client
 * authentication; a public client gives `{ clientId }`.
 */
export interface DeviceAuthorizationRequest {
  /** The provider's `device_authorization_endpoint`: https (http only on loopback). */
  deviceAuthorizationEndpoint: string;
  clientAuth: ClientAuth;
  /** Space-separated string or list of scope tokens. */
  scope?: string | string[];
  /** RFC 8707 resource indicators: absolute URIs, one `resource` parameter each. */
  resource?: string | string[];
  /** Further parameters; none may repeat one set above or by client authentication. */
  extraParams?: Record<string, string>;
}

/** The device authorization endpoint's answer (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** What the device polls with; not for the user's eyes. */
  deviceCode: string;
  /** What the user types at `verificationUri` (printable ASCII). */
  userCode: string;
  /** Where the user goes to approve: https (http only on loopback hosts). Show it with `userCode`. */
  verificationUri: string;
  /** `verificationUri` with the user code in it, e.g. for a QR code (§3.3.1). */
  verificationUriComplete?: string;
  /** Seconds the codes are valid for (a positive integer). */
  expiresIn: number;
  /** `now + expiresIn`, seconds since the epoch: polling ends then. */
  expiresAt: number;
  /** Seconds between polls (a positive integer): 5 when the provider sent none (§3.2). */
  interval: number;
}

/**
 * Builds the device authorization request (a form POST; nothing is sent). A `clientAuth.key` cannot sign here:
 * use {@link requestDeviceAuthorization}, or pass a `clientAssertion`.
 * @throws OidcEdgeError `invalid_request` for an endpoint that is not https (http only on loopback) or has a
 *   fragment, a scope token with a space, `"` or `\`, a `resource` that is not an absolute URI, a parameter given
 *   twice, an unknown or mistyped member, bad client authentication (see {@link ClientAuth}) or a `clientAuth.key`.
 */
export function buildDeviceAuthorizationRequest(req: DeviceAuthorizationRequest): HttpRequest;

/**
 * Reads the device authorization endpoint's answer (RFC 8628 §3.2).
 * @param opts.now seconds since the epoch for `expiresAt` (default `Date.now()`).
 * @throws OidcEdgeError as every parser (see above): `authorization_error` for an OAuth error (e.g.
 *   `invalid_client`, `invalid_scope`); `http_error` with `status` for another non-2xx answer or a redirect, a body
 *   that is not a JSON object (duplicate members included), a `device_code` or `user_code` that is missing, empty
 *   or not printable ASCII, a `verification_uri` or `verification_uri_complete` that is not an https URL (http only
 *   on loopback: the user is sent there), an `expires_in` that is missing or not a positive integer, an `interval`
 *   that is not a positive integer; `invalid_request` for a bad `now` or response object.
 */
export function parseDeviceAuthorizationResponse(res: HttpResponseInput, opts?: { now?: number }): DeviceAuthorization;

/**
 * Sends a device authorization request (RFC 8628 §3.1) with `fetch` and reads the answer: show the user
 * `verificationUri` and `userCode`, then poll the token endpoint. A `clientAuth.key` signs a `private_key_jwt`
 * assertion whose `aud` is the device authorization endpoint unless `clientAuth.audience` says otherwise.
 * @throws OidcEdgeError as {@link buildDeviceAuthorizationRequest} and {@link parseDeviceAuthorizationResponse};
 *   `http_error` without `status` for a network failure or timeout; signing errors as {@link ClientAuth}.
 */
export function requestDeviceAuthorization(opts: DeviceAuthorizationRequest & FetchOptions): Promise<DeviceAuthorization>;

/** {@link pollDeviceAuthorization}'s options. */
export interface DevicePollOptions extends FetchLimits {
  /** The provider's `token_endpoint`: https (http only on loopback). */
  tokenEndpoint: string;
  /**
   * The client that asked for the codes. A `clientAuth.key` signs a fresh `private_key_jwt` assertion for every
   * poll (providers refuse a reused `jti`), with `aud` the token endpoint unless `clientAuth.audience` says otherwise.
   */
  clientAuth: ClientAuth;
  /** What {@link requestDeviceAuthorization} answered, as it answered it. */
  deviceAuthorization: DeviceAuthorization;
  /**
   * Stops the polling: the promise rejects with `signal.reason` (an `AbortError` `DOMException` by default) at
   * once when the signal fires during a wait, or when a request already in flight ends (within `timeout`).
   */
  signal?: AbortSignal;
}

/**
 * Polls the token endpoint (RFC 8628 §3.4) until the user approves, refuses, or the codes expire, following
 * §3.5: the first poll `interval` seconds after the start, then one every `interval` seconds after each
 * `authorization_pending`; `slow_down` adds 5 seconds to the interval for good; a poll that gets no answer (a
 * network failure or a timeout) doubles the interval, and the third such failure in a row ends the polling with
 * its `http_error`. The clock is read at each step (there is no `now` option); the timers are the runtime's
 * `setTimeout`. The decisions are the core's `DevicePoll` state machine (`src/client/device.rs`).
 * @returns the tokens, as {@link exchangeCode} gives them.
 * @throws OidcEdgeError `authorization_error` with `error` `access_denied` (the user refused), `expired_token`
 *   (the provider says so, or the codes expire before the next poll could be sent: request new ones) or any other
 *   OAuth error of the token endpoint (e.g. `invalid_grant`, `invalid_client` with its `status`); `http_error` as
 *   {@link parseTokenResponse}, and after three polls in a row without an answer; `invalid_request` for bad
 *   options (a `signal` that is not an `AbortSignal`, a `now` member, a `deviceAuthorization` member missing or of
 *   the wrong type, a bad `tokenEndpoint` or `deviceCode`, bad client authentication). Rejects with
 *   `signal.reason` when aborted.
 */
export function pollDeviceAuthorization(opts: DevicePollOptions & DpopOption): Promise<TokenSet>;
