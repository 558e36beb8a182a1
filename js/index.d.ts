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

/** The stable error codes (DESIGN.md "Errors"). */
export type OidcEdgeErrorCode =
  | "malformed_token"
  | "unsupported_algorithm"
  | "algorithm_not_allowed"
  | "key_not_found"
  | "invalid_signature"
  | "unsupported_critical_header"
  | "token_expired"
  | "token_not_yet_valid"
  | "issuer_mismatch"
  | "audience_mismatch"
  | "azp_mismatch"
  | "nonce_mismatch"
  | "typ_mismatch"
  | "missing_claim"
  | "invalid_claim"
  | "auth_time_too_old"
  | "insufficient_scope"
  | "invalid_jwk"
  | "weak_key"
  | "invalid_pkce_verifier"
  | "state_mismatch"
  | "authorization_error"
  | "invalid_request"
  | "invalid_metadata"
  | "invalid_scope_expression"
  | "http_error";

/**
 * What every oidc-edge function throws: an `Error` whose `name` is `"OidcEdgeError"`. The message says
 * what was expected and what was found, never a secret or a whole token.
 */
export interface OidcEdgeError extends Error {
  name: "OidcEdgeError";
  code: OidcEdgeErrorCode;
  /** `authorization_error`: the OAuth `error` code, e.g. `"access_denied"`. */
  error?: string;
  /** `authorization_error`: the server's `error_description`. */
  errorDescription?: string;
  /** `authorization_error`: the server's `error_uri`. */
  errorUri?: string;
  /** `http_error`: the response status, when there was a response. */
  status?: number;
  /** `insufficient_scope`: scopes that would satisfy the requirement. */
  requiredScopes?: string[];
  /** `invalid_scope_expression`: 1-based column of the problem. */
  column?: number;
}

/**
 * Instantiates the WebAssembly module; call it once before anything else. Later calls return at once.
 * In browsers it fetches `oidc_edge_bg.wasm` from next to the package's JS, or from `input`.
 * In Node and Workers it does nothing (the module is ready on import).
 */
export function init(input?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module): Promise<void>;

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
 * @throws OidcEdgeError `invalid_request` for a size outside 16..512 or not an integer.
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
export function buildAuthorizeUrl(req: AuthorizeRequest): string;

/** What the callback must bring back. */
export interface CallbackExpectation {
  /** The `state` sent in the authorization request. */
  state: string;
  /** The provider's issuer; checked against the `iss` response parameter when present (RFC 9207). */
  issuer?: string;
  /** Make `iss` mandatory (for providers advertising `authorization_response_iss_parameter_supported`). */
  requireIss?: boolean;
}

/** A successful authorization response. */
export interface AuthorizationResponse {
  code: string;
  state: string;
  iss?: string;
}

/**
 * Reads the authorization response from the redirect URL (`location.href`): from the query, or from the
 * fragment when the query holds neither `code` nor `error`. Checks `iss`, then `state`, then an error.
 * @throws OidcEdgeError `state_mismatch` when `state` is missing or not the one sent; `authorization_error`
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

// ---------------------------------------------------------------------------------------------------
// Keys and token verification (RFC 7515/7517/7518/7519, RFC 8037, RFC 8725, OIDC Core 3.1.3.7, RFC 9068)

/** The JWS algorithms oidc-edge implements. `none` is never accepted. */
export type JwsAlgorithm =
  | "HS256" | "HS384" | "HS512"
  | "RS256" | "RS384" | "RS512"
  | "PS256" | "PS384" | "PS512"
  | "ES256" | "ES384" | "ES512" | "ES256K"
  | "EdDSA";

/**
 * The usable verification keys of a JWK Set (RFC 7517 §5): RSA (2048–8192 bits), EC P-256 / P-384 / P-521 /
 * secp256k1, OKP Ed25519 (RFC 8037) and oct (HMAC secrets).
 *
 * Keys it cannot use are skipped, not fatal: unknown `kty` or `crv`, `use` other than `"sig"`, `key_ops`
 * without `"verify"`, an `alg` that is not an implemented JWS algorithm or does not fit the key, RSA moduli
 * below 2048 bits, HMAC secrets shorter than their hash (an `oct` key without `alg` verifies only the HS*
 * whose hash is no longer than the secret; below 32 bytes it verifies nothing), EC coordinates that are not
 * full-size or not on the curve, small-order Ed25519 keys. Members are canonical unpadded base64url.
 *
 * A key's `alg`, when present, is the only algorithm it verifies; without `alg`, its `kty`/`crv` family does
 * (RFC 8725 §3.1: the key decides, never the token's header).
 */
export class JwkSet {
  private constructor();
  /**
   * Parses a JWKS document, `{"keys": [...]}`, given as JSON text (duplicate member names are rejected) or
   * as an object.
   * @throws OidcEdgeError `weak_key` when no key is usable and every key was skipped for weakness (RSA below
   *   2048 bits, HMAC secret shorter than its hash); `invalid_jwk` when no key is usable otherwise, or the
   *   document is not JSON, not an object, or has no `keys` array. The message says why each key was skipped.
   */
  static fromJson(json: string | object): JwkSet;
  /** The `kid`s of the usable keys, each once, in the set's order (keys without `kid` are usable but unlisted). */
  readonly keyIds: string[];
  /** Frees the keys' WebAssembly memory now, instead of at garbage collection. Verifiers keep their own copy. */
  free(): void;
}

/** Options of the {@link TokenVerifier} constructor. Unknown or mistyped members are `invalid_request`. */
export interface TokenVerifierOptions {
  /** The issuer identifier: `iss` must equal it exactly. */
  issuer: string;
  /** The accepted audiences: `aud` (a string or an array) must contain at least one of them. */
  audience: string | string[];
  /** The keys, from {@link JwkSet.fromJson}. Anything else is `invalid_request`. */
  jwks: JwkSet;
  /**
   * Narrows the accepted algorithms. Default: every asymmetric algorithm, plus HS256/384/512 only when
   * `jwks` holds `oct` keys.
   */
  algorithms?: JwsAlgorithm[];
  /** Seconds of leeway for `exp`, `nbf` and `auth_time`; a non-negative integer, default 0. */
  clockTolerance?: number;
  /**
   * The client, for ID tokens' `aud` and `azp` (OIDC Core 3.1.3.7). Default: `audience` when it is one
   * string; required for {@link TokenVerifier.verifyIdToken} when `audience` lists several values.
   */
  clientId?: string;
  /** Longest accepted token in bytes, checked before anything is decoded. Default 65536. */
  maxTokenLength?: number;
}

/** Verified claims, with their JWT names. Large integers are rounded as `JSON.parse` rounds them. */
export interface Claims {
  iss: string;
  aud: string | string[];
  exp: number;
  sub?: string;
  iat?: number;
  nbf?: number;
  jti?: string;
  scope?: string;
  scp?: string | string[];
  client_id?: string;
  azp?: string;
  nonce?: string;
  auth_time?: number;
  [claim: string]: unknown;
}

/**
 * Verifies JWTs (compact JWS, RFC 7515 §7.1) of one issuer and audience against a {@link JwkSet}.
 * Synchronous; `now` defaults to the clock (`Date.now() / 1000`, whole seconds).
 *
 * Every method first checks, in this order, and throws an {@link OidcEdgeError} with:
 * - `malformed_token`: not a string; longer than `maxTokenLength`; not three parts of canonical unpadded
 *   base64url; a header or claims that are not a JSON object or repeat a member name; a non-string `kid`/`typ`.
 * - `unsupported_algorithm`: an `alg` not implemented, or `none`.
 * - `unsupported_critical_header`: `crit` present (no extension is processed, RFC 7515 §4.1.11), empty, not
 *   an array, listing a standard header or one the header lacks; `b64` other than `true` (RFC 7797).
 * - `algorithm_not_allowed`: `alg` outside `algorithms`, or the key named by `kid` does not verify `alg`.
 * - `key_not_found`: no key has the token's `kid`, or (without `kid`) no key verifies `alg`. Without `kid`,
 *   every fitting key is tried. `jku`, `jwk`, `x5u` and `x5c` are never used to find a key.
 * - `invalid_signature`: the signature does not verify; ECDSA signatures must be raw `r‖s` with r, s in
 *   [1, n−1] (CVE-2022-21449).
 * - `missing_claim` / `invalid_claim` / `issuer_mismatch`: `iss` absent / not a string / not `issuer`.
 * - `missing_claim` / `invalid_claim` / `audience_mismatch`: `aud` absent / not a string or string array /
 *   containing no expected audience.
 * - `token_expired`: `exp <= now - clockTolerance`; `exp` is required (`missing_claim`).
 * - `token_not_yet_valid`: `nbf > now + clockTolerance`.
 * - `invalid_claim`: `exp`, `nbf`, `iat` (or `auth_time`) not a number.
 * Bad options are `invalid_request`.
 */
export class TokenVerifier {
  /** @throws OidcEdgeError `invalid_request` for a missing/empty `issuer` or `audience`, `jwks` that is not a
   *  {@link JwkSet}, an unknown or empty `algorithms` entry, a negative or fractional `clockTolerance`, a zero
   *  `maxTokenLength`, an empty `clientId`, or an unknown option. */
  constructor(opts: TokenVerifierOptions);

  /**
   * Verifies any JWT: signature, `iss`, `aud`, `exp`, `nbf`, `iat`, then the options.
   * @param opts.now the time in seconds (default: the clock).
   * @param opts.typ a required `typ` header, compared as a media type (case-insensitive, `application/`
   *   implied, RFC 7515 §4.1.9); absent or different is `typ_mismatch`.
   * @param opts.requiredClaims claims that must be present and not null (`missing_claim`).
   */
  verify(token: string, opts?: { now?: number; typ?: string; requiredClaims?: string[] }): Claims;

  /**
   * Verifies an ID token (OIDC Core 3.1.3.7), beyond {@link TokenVerifier.verify}: a `typ` of `at+jwt` or
   * `logout+jwt` is `typ_mismatch` (RFC 8725 §3.11: other JWTs of the issuer must not pass as ID tokens);
   * `sub` (a string) and `iat` are required (`missing_claim`); `aud` must contain the client (`audience_mismatch`); with several
   * audiences `azp` is required (`missing_claim`), and `azp`, when present, must be the client
   * (`azp_mismatch`).
   * @param opts.nonce the nonce sent in the authorization request: a token without `nonce`, or with another,
   *   is `nonce_mismatch`.
   * @param opts.maxAge the `max_age` sent, in seconds: `auth_time` is then required (`missing_claim`), and
   *   `auth_time + maxAge + clockTolerance < now` is `auth_time_too_old`.
   * @param opts.accessToken the access token issued with it: `at_hash` is then required (`missing_claim`)
   *   and must be the base64url left half of the `alg`'s hash of it (SHA-512 for EdDSA), else `invalid_claim`
   *   (OIDC Core 3.2.2.9). Pass it when the binding must be checked (implicit and hybrid flows; in the code
   *   flow `at_hash` is optional and providers may omit it).
   * @param opts.code the authorization code: the same for `c_hash` (OIDC Core 3.3.2.11).
   * @throws OidcEdgeError `invalid_request` when the verifier has several audiences and no `clientId`.
   */
  verifyIdToken(
    token: string,
    opts?: { nonce?: string; maxAge?: number; now?: number; accessToken?: string; code?: string },
  ): Claims;

  /**
   * Verifies a JWT access token (RFC 9068), beyond {@link TokenVerifier.verify}: the `typ` header must be
   * `at+jwt`, `application/at+jwt`, `JWT` or absent (`typ_mismatch`).
   * @param opts.typ `"at+jwt"` turns on RFC 9068 strict mode: `typ` must be `at+jwt` (or
   *   `application/at+jwt`), and `sub`, `client_id`, `iat` and `jti` are required (`missing_claim`), as
   *   RFC 9068 §2.2 requires. Any other value is `invalid_request`.
   * @param opts.requiredScopes scopes that must all be granted by `scope` (space-delimited) or, without it,
   *   `scp`: a space-separated string or an array. Missing ones are `insufficient_scope`, whose
   *   `requiredScopes` lists the whole requirement (for an RFC 6750 `WWW-Authenticate` `scope`) and whose
   *   message names the missing ones. A value that is not a scope token (RFC 6749 §3.3) is `invalid_request`.
   */
  verifyAccessToken(
    token: string,
    opts?: { requiredScopes?: string | string[]; now?: number; typ?: "at+jwt" | "application/at+jwt" },
  ): Claims;
  /** Frees the verifier's WebAssembly memory now, instead of at garbage collection. */
  free(): void;
}
