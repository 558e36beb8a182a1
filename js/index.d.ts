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
