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
 * Reads the authorization response from the redirect URL (`location.href`): from the query when it holds
 * any of `code`, `error` or `state`, otherwise from the fragment (so `…/cb?state=s` is a response without a
 * code: `invalid_request`, not `state_mismatch`). Checks `iss`, then `state`, then an error.
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
// Scopes (RFC 6749 §3.3, RFC 8693 §4.2, RFC 9068 §2.2.3) and RFC 6750 answers

/**
 * The scopes a token grants, deduplicated, in the token's order.
 *
 * Every scope function reads only two members of the claims: `scope` (a space-delimited string, RFC 8693 §4.2
 * / RFC 9068 §2.2.3; Spring Authorization Server and PingFederate send an array) or, when `scope` is absent or
 * `undefined`, `scp` (an array as Okta and Ory send it, or a space-delimited string as Microsoft Entra does).
 * `scope` wins when present (even if `scp` is also there); a present `scope` of another type (number, null,
 * object) grants nothing and does not fall back to `scp`. Pieces that are not RFC 6749 scope-tokens (array items
 * that are not strings, or hold a space, a control character, `"`, `\` or non-ASCII) are left out.
 * @param claims verified claims, e.g. from `TokenVerifier.verifyAccessToken`.
 * @throws OidcEdgeError `invalid_request` when `claims` is not an object (`null`, a string, an array…).
 */
export function scopesOf(claims: object): string[];

/**
 * Whether the token grants the required scopes. Names compare exactly: case-sensitive (RFC 6749 §3.3).
 * @param required a space-separated string (`"a b"` means both) or an array with one scope per item.
 * @param mode `"all"` (default: every required scope) or `"any"` (at least one).
 * @throws OidcEdgeError `invalid_request` when `claims` is not an object; `required` is empty, not a string or
 *   array of strings, or names something that is not an RFC 6749 scope-token (an array item with a space, a
 *   control character, `"`, `\`, non-ASCII); `mode` is anything but `"all"`/`"any"`/`undefined`.
 */
export function hasScopes(claims: object, required: string | string[], mode?: "all" | "any"): boolean;

/**
 * Throws `insufficient_scope` unless the token grants every required scope: the check `bearerChallenge` turns
 * into a `403`. The error's `requiredScopes` is the whole required list (RFC 6750 §3: the scope necessary to
 * access the resource, including what the token already has); its message names the missing ones.
 * @param required a space-separated string or an array with one scope per item (as for {@link hasScopes}), or
 *   a {@link ScopeRequirement} (then `requiredScopes` is a set of scopes that satisfies it).
 * @throws OidcEdgeError `insufficient_scope` (with `requiredScopes`) when a scope is missing;
 *   `invalid_request` for the argument errors of {@link hasScopes}.
 */
export function requireScopes(claims: object, required: string | string[] | ScopeRequirement): void;

/**
 * A boolean requirement over scope names, e.g. `auth.users.list and (auth.users.update or admin)`.
 *
 * Grammar (EBNF; `%xNN` is a character by its code):
 * ```text
 * expression   = or-expr ;
 * or-expr      = and-expr , { "or" , and-expr } ;
 * and-expr     = unary , { "and" , unary } ;
 * unary        = "not" , unary | primary ;
 * primary      = scope | "(" , or-expr , ")" ;
 * scope        = bare-scope | quoted-scope ;
 * bare-scope   = bare-char , { bare-char } ;      (* but not "and", "or", "not" in any case *)
 * bare-char    = %x21 | %x23-27 | %x2A-5B | %x5D-7E ;   (* RFC 6749 NQCHAR without "(" and ")" *)
 * quoted-scope = '"' , nqchar , { nqchar } , '"' ;
 * nqchar       = %x21 | %x23-5B | %x5D-7E ;
 * whitespace   = %x20 | %x09 | %x0A | %x0D ;        (* between tokens, optional around parentheses *)
 * ```
 * - `and`, `or`, `not` are operators in any case; `not` binds tightest, then `and`, then `or`.
 * - Scope names compare exactly (case-sensitive). Dotted names (`auth.clients.jwk_create`) and URIs
 *   (`https://api.example.com/read`) are bare scopes.
 * - A scope containing `(` or `)`, or named `and`/`or`/`not` (any case), must be quoted: `"and"`, `"fn(x)"`.
 *   Scope tokens never contain `"` or `\`, so a quoted scope needs no escapes.
 * - `!`, `&`, `|` are ordinary scope characters: `!admin` is a scope name, not a negation.
 * - At most 4096 characters and 32 levels of nesting (each `(` and each `not` is a level).
 *
 * `new ScopeRequirement(expr)` is the same as {@link ScopeRequirement.parse}. Instances hold WebAssembly
 * memory that is released when they are garbage-collected, or at once with `free()` (after which every
 * method throws).
 */
export class ScopeRequirement {
  /** Same as {@link ScopeRequirement.parse}. */
  constructor(expr: string);
  /**
   * Parses an expression.
   * @throws OidcEdgeError `invalid_scope_expression` with `column` (1-based, in characters; one past the last
   *   character means "at the end") for: an empty expression; a stray character (control character, `\`,
   *   non-ASCII); an operator where a scope belongs (`and` as a scope name must be quoted) or a missing operand
   *   (`a and`, `not`, `()`); two operands without an operator (`a b`, `a && b`); an unclosed `(` (reported at
   *   the `(`) or a `)` without its `(`; an empty, unterminated or malformed quoted scope; more than 4096
   *   characters or 32 levels of nesting. `invalid_request` when `expr` is not a string.
   */
  static parse(expr: string): ScopeRequirement;
  /**
   * Whether the token's scopes ({@link scopesOf}) satisfy the requirement.
   * @throws OidcEdgeError `invalid_request` when `claims` is not an object.
   */
  check(claims: object): boolean;
  /**
   * Throws `insufficient_scope` unless the token's scopes satisfy the requirement. Its `requiredScopes` is
   * {@link ScopeRequirement.satisfyingScopes} for this token; its message names the missing scopes.
   * @throws OidcEdgeError `insufficient_scope`; `invalid_request` when `claims` is not an object.
   */
  require(claims: object): void;
  /**
   * A set of scopes that satisfies the requirement, close to what the token has — what `insufficient_scope`
   * reports in `requiredScopes` (RFC 6750 §3 `scope`). Each `or` takes the alternative needing the fewest
   * scopes the token lacks (the first on a tie), skipping alternatives that adding scopes cannot satisfy (a
   * granted scope under `not`); each `and` takes all its operands; `not` swaps the roles of `and`/`or`. Scopes
   * that must be absent are never listed; scopes the token already has are. Empty only when no added scope
   * helps (`not guest` for a token with `guest`).
   * @param claims the token's claims; omitted: a token with no scopes.
   * @throws OidcEdgeError `invalid_request` when `claims` is given and is not an object.
   */
  satisfyingScopes(claims?: object): string[];
  /** The scopes the expression mentions, deduplicated, in order of first appearance (negated ones too). */
  readonly scopes: string[];
  /**
   * The canonical form: lowercase operators, single spaces, the fewest parentheses, `and`/`or` chains
   * flattened, scopes quoted only when they must be. `parse(r.toString())` gives the same requirement.
   */
  toString(): string;
  /** The canonical form, so that `JSON.stringify` of a route table shows the expressions. */
  toJSON(): string;
  /** Releases the WebAssembly memory now; the instance is unusable afterwards. */
  free(): void;
}

/** Options of {@link bearerChallenge}. */
export interface BearerChallengeOptions {
  /**
   * The protection space (RFC 7235 §2.2), sent first as `realm="…"`: printable ASCII (and tab); `"` and `\` are
   * backslash-escaped.
   */
  realm?: string;
  /**
   * Send the error's message as `error_description` (default `false`: it tells the caller why its token
   * failed, which helps debugging and also helps probing). The value is restricted to RFC 6750 §3's
   * %x20-21 / %x23-5B / %x5D-7E: `"` becomes `'`, `\` becomes `/`, control characters become spaces, other
   * characters (non-ASCII) become `?`; at most 200 characters (longer ones end with `...`).
   */
  errorDescription?: boolean;
  /**
   * The `scope` attribute (RFC 6750 §3) for 400/401/403 answers, e.g. to tell a client with no token what
   * to ask for; for `insufficient_scope` it replaces the error's `requiredScopes`. Space-separated string or
   * array of scope-tokens.
   */
  scope?: string | string[];
}

/** An RFC 6750 answer: the status and the `WWW-Authenticate` header value (always starting `Bearer`). */
export interface BearerChallenge {
  status: 400 | 401 | 403 | 500 | 503;
  wwwAuthenticate: string;
}

/**
 * The RFC 6750 §3 answer for a failed request to a protected resource: the HTTP status and the
 * `WWW-Authenticate` value. Attributes come in the order `realm`, `error`, `error_description`, `scope`.
 *
 * | `error` | status | `WWW-Authenticate` |
 * | --- | --- | --- |
 * | `null` / `undefined`: no token presented (§3.1) | 401 | `Bearer realm="…"` (no `error`) |
 * | code `invalid_request` | 400 | `Bearer realm="…", error="invalid_request"` |
 * | a verification code: `malformed_token`, `unsupported_algorithm`, `algorithm_not_allowed`, `key_not_found`, `invalid_signature`, `unsupported_critical_header`, `token_expired`, `token_not_yet_valid`, `issuer_mismatch`, `audience_mismatch`, `azp_mismatch`, `nonce_mismatch`, `typ_mismatch`, `missing_claim`, `invalid_claim`, `auth_time_too_old` | 401 | `Bearer realm="…", error="invalid_token"` |
 * | code `insufficient_scope` | 403 | `Bearer realm="…", error="insufficient_scope", scope="…"` from `requiredScopes` |
 * | code `http_error` (e.g. the JWKS could not be fetched) | 503 | `Bearer realm="…"` |
 * | any other code, or an error without one (`TypeError`, a thrown string…) | 500 | `Bearer realm="…"` |
 *
 * 5xx answers are server failures, not the client's: the header may be omitted for them.
 * @param error what was caught: an {@link OidcEdgeError}, or any object with `code`, `message` and (for
 *   `insufficient_scope`) `requiredScopes` (items that are not scope-tokens are left out); `null` or
 *   `undefined` for a request without a token.
 * @throws OidcEdgeError `invalid_request` only for bad options: an unknown or mistyped member, a `realm` with
 *   a character outside printable ASCII and tab (e.g. CR/LF), a `scope` that is not scope-tokens.
 */
export function bearerChallenge(
  error: OidcEdgeError | { code?: string; message?: string; requiredScopes?: string[] } | null | undefined,
  opts?: BearerChallengeOptions,
): BearerChallenge;
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
  key?: CryptoKey | AssertionSigner;
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
  key: CryptoKey | AssertionSigner;
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
    | (TokenExchange & { grantType: "urn:ietf:params:oauth:grant-type:token-exchange" }),
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
export function exchangeCode(opts: CodeExchange & FetchOptions): Promise<TokenSet>;
/** Refreshes tokens. Errors: {@link buildTokenRequest}, {@link parseTokenResponse} (`invalid_grant` for a revoked refresh token). */
export function refreshTokens(opts: Refresh & FetchOptions): Promise<TokenSet>;
/** Gets a token for the client itself. Errors: {@link buildTokenRequest}, {@link parseTokenResponse}. */
export function clientCredentials(opts: ClientCredentialsGrant & FetchOptions): Promise<TokenSet>;
/** RFC 8693 token exchange. Errors: {@link buildTokenRequest}, {@link parseTokenResponse}. */
export function exchangeToken(opts: TokenExchange & FetchOptions): Promise<TokenSet>;

/** An introspection request (RFC 7662 §2.1). */
export interface IntrospectionRequest {
  /** The provider's `introspection_endpoint`. */
  introspectionEndpoint: string;
  /** The endpoint requires client authentication (usually a resource server's credentials). */
  clientAuth: ClientAuth;
  token: string;
  tokenTypeHint?: "access_token" | "refresh_token" | (string & {});
  extraParams?: Record<string, string>;
}

/**
 * An introspection response (RFC 7662 §2.2) with its own member names, so it can go to `scopesOf` /
 * `hasScopes`. When `active` is false, nothing else about the token should be trusted.
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

/** Builds an introspection request. @throws OidcEdgeError `invalid_request`: an empty token or hint, see above. */
export function buildIntrospectionRequest(req: IntrospectionRequest): HttpRequest;
/**
 * Reads an introspection response.
 * @throws OidcEdgeError `http_error` for a missing or non-boolean `active`, or a registered member of the wrong
 *   type (`scope`, `client_id`, `username`, `token_type`, `sub`, `iss`, `jti` strings; `exp`, `iat`, `nbf`
 *   numbers; `aud` string or string array); the common errors above.
 */
export function parseIntrospectionResponse(res: HttpResponseInput): IntrospectionResult;
/** Introspects a token (build + fetch + parse). */
export function introspect(opts: IntrospectionRequest & FetchOptions): Promise<IntrospectionResult>;

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
  opts: { userinfoEndpoint: string; accessToken: string } & UserinfoParseOptions & FetchOptions,
): Promise<UserinfoResult>;

// ---------------------------------------------------------------------------------------------------
// Remote JWKS

/** A JWK set as published (RFC 7517 §5). */
export interface JwksDocument {
  keys: Array<{ kty: string; kid?: string; [member: string]: unknown }>;
}

/**
 * The provider's JWK set, fetched from one fixed `jwks_uri` and cached:
 * - fresh for the response's `Cache-Control: max-age` less its `Age` header, bounded to `minMaxAge`..`maxMaxAge` (default 60 s..24 h),
 *   `defaultMaxAge` (10 min) without one, `minMaxAge` for `no-cache`/`no-store`;
 * - a `kid` not in the set triggers a refetch (key rotation), at most once per `cooldown` (default 30 s) however
 *   many unknown `kid`s arrive — a flood of made-up `kid`s costs the provider one request per cooldown;
 * - when a fetch fails, the last good set keeps being served, and the next attempt waits for the cooldown;
 * - a fetched set with no usable key (`invalid_jwk`, `weak_key`, see {@link JwkSet.fromJson}) counts as a failed
 *   fetch: the last good set keeps being served;
 * - a refetch (expired set, unknown `kid`) is sent with `Cache-Control: no-cache`, so shared caches revalidate;
 * - concurrent calls share one fetch in flight;
 * - only `jwksUri` is ever fetched, never a URL from a token (`jku`, `x5u`), and never one it redirects to: a
 *   3xx (or `status` 0 in browsers) is a failed fetch, `http_error` (see {@link FetchLimits});
 * - each fetch must finish within `timeout` seconds (default 5): one that stalls is a failed fetch, and the last
 *   good set keeps being served.
 *
 * Pass it as `jwks` to a {@link TokenVerifier}: the verifier then reads the current set at each (synchronous)
 * verification, and {@link TokenVerifier.ensureKeys} fetches what a token needs first.
 * @throws OidcEdgeError (constructor) `invalid_request` for a `jwksUri` that is not https (http only on
 *   loopback), bounds with `minMaxAge <= defaultMaxAge <= maxMaxAge` violated, a `timeout` that is not an
 *   integer in 1..300, or an unknown option.
 */
export class RemoteJwks {
  constructor(
    jwksUri: string,
    opts?: FetchLimits & {
      /** Seconds between fetches triggered by unknown `kid`s or after a failure (default 30). */
      cooldown?: number;
      /** Seconds of freshness without `Cache-Control: max-age` (default 600). */
      defaultMaxAge?: number;
      /** Lower bound on freshness (default 60). */
      minMaxAge?: number;
      /** Upper bound on freshness (default 86400). */
      maxMaxAge?: number;
    },
  );
  /**
   * The key set, fetched first when there is none yet, when it is stale, or when `kid` is not in it (subject to the
   * cooldown). The set may still lack `kid` (the cooldown held, or the provider does not have it): the verifier then
   * reports `key_not_found`.
   *
   * Resolves to the current {@link JwkSet} (its usable keys; parsed once per fetch).
   * @param opts.now seconds since the epoch (default `Date.now()`), for tests and deterministic callers.
   * @throws OidcEdgeError when there is no set to serve: `http_error` (with `status` for a non-2xx answer or a
   *   redirect, without for a network failure or a timeout), `invalid_jwk` (the body is not a JWK set, or holds no usable key) or `weak_key`
   *   (every key too weak); `invalid_request` for a non-string `kid`.
   */
  getKeySet(kid?: string, opts?: { now?: number }): Promise<JwkSet>;
  /** The `kid`s of the current set (empty before the first fetch). */
  readonly keyIds: string[];
  readonly jwksUri: string;
  /** When the current set was fetched (seconds since the epoch), `undefined` before. */
  readonly fetchedAt: number | undefined;
  /** Releases the wasm memory of this object. */
  free(): void;
}

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
 * below 2048 bits, RSA keys with an even modulus or a public exponent `e` that is not odd in [3, 2^33 − 1] (the
 * keys ring, the synchronous RSA verifier, refuses; `invalid_jwk`), HMAC secrets shorter than their hash (an `oct` key without `alg` verifies only the HS*
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
  /**
   * The keys: a {@link JwkSet} (fixed), or a {@link RemoteJwks} whose current set the verifier reads at each
   * verification (no copy per request; a refetched set is picked up by the next call). With a `RemoteJwks`,
   * call {@link TokenVerifier.ensureKeys} before verifying: the synchronous methods never fetch, and before the
   * first fetch every token is `key_not_found`. Anything else is `invalid_request`.
   */
  jwks: JwkSet | RemoteJwks;
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
  /**
   * Opt-in verified-token cache (off by default), used by every verify method, sync and Async. It skips only
   * what cannot differ between two calls with the same token: parsing and the signature check. Entries are
   * keyed by the SHA-256 of the whole token (a token differing in one byte, e.g. a tampered signature, is
   * never a hit; no token is kept), hold the verified header and claims, and are bounded by `maxEntries`
   * (expired entries evicted first, then the oldest). At every hit the whole claims policy runs again with
   * that call's options and clock: `exp`/`nbf` against `now` (never served past `exp`), `iss`, `aud`, `typ`,
   * `requiredClaims`, `nonce`, `maxAge`, `at_hash`/`c_hash`, `requiredScopes`. So every option is safe to
   * serve from the cache. A new key set (a {@link RemoteJwks} refetch) empties it; a token whose check
   * failed, or without a numeric `exp`, is not cached. `maxEntries`: an integer in 1..1048576, else
   * `invalid_request`.
   */
  cache?: { maxEntries: number };
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
 * `verify`, `verifyIdToken` and `verifyAccessToken` are synchronous (signatures checked by the Rust
 * algorithms in WebAssembly); `verifyAsync`, `verifyIdTokenAsync` and `verifyAccessTokenAsync` take the same
 * options, return the same claims and fail with the same codes, but hand the signature check to the runtime's
 * WebCrypto (`crypto.subtle.verify`), which is several times faster for RSA and ECDSA.
 * In Node (the package's `node` entry), both the sync and the Async methods check RS*, PS*, ES256/384/512 and
 * EdDSA signatures with node:crypto instead, synchronously (`crypto.verify`; one `KeyObject` per key and
 * algorithm, made once; ECDSA as raw `r‖s`, `dsaEncoding: "ieee-p1363"`; RSA-PSS with the salt as long as the
 * hash, RFC 7518 §3.5); HS* and ES256K stay in Rust there (measured faster). Every rule — parsing, header,
 * allowlist, key selection by `kid` and `alg`, the key rules, the signature's form, the claims — runs in
 * WebAssembly the same way on every backend; node:crypto only answers whether one signature verifies with one
 * key the set selected. Trust boundary there: node:crypto, as for `fast-jwt`. Its `false` is
 * `invalid_signature`; anything but a boolean (a throw, a refused key) leaves the decision to the Rust
 * algorithms, so a failing native call can never make a token valid.
 * `now` defaults to the clock (`Date.now() / 1000`, whole seconds).
 *
 * Every method first checks, in this order, and throws an {@link OidcEdgeError} with:
 * - `malformed_token`: not a string; longer than `maxTokenLength`; not three parts of canonical unpadded
 *   base64url (five parts, an encrypted JWE, is named as such: only signed tokens are verified); a header or
 *   claims that are not a JSON object or repeat a member name; a non-string `kid`/`typ`.
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
 * - `token_expired`: `exp <= now - clockTolerance`; `exp` is required (`missing_claim`), except by
 *   `verifyUserinfo` (OIDC Core §5.3.2 does not require it).
 * - `token_not_yet_valid`: `nbf > now + clockTolerance`.
 * - `invalid_claim`: a registered claim of the wrong type, present in the token whether or not the method
 *   requires it (DESIGN.md "Claims"; RFC 7519 §4.1, RFC 9068 §2.2, OIDC Core §2): `iss`, `sub`, `jti`,
 *   `client_id`, `nonce`, `azp`, `acr` not strings; `aud` not a string or an array of strings; `amr` not an
 *   array of strings; `exp`, `nbf`, `iat`, `auth_time` not numbers. (`null` is the wrong type too.) A `sub`
 *   array never reaches a caller that reads it as a string.
 * Bad options are `invalid_request` (see "Options" at the top: e.g. a `now` or `maxAge` that is NaN,
 * ±Infinity, negative, fractional, a string, `null` or beyond 2^53 − 1).
 */
export class TokenVerifier {
  /** @throws OidcEdgeError `invalid_request` for a missing/empty `issuer` or `audience`, `jwks` that is not a
   *  {@link JwkSet} or {@link RemoteJwks}, an unknown or empty `algorithms` entry, a negative or fractional `clockTolerance`, a zero
   *  `maxTokenLength`, an empty `clientId`, a `cache` other than `{ maxEntries }` with an integer in
   *  1..1048576, or an unknown option. */
  constructor(opts: TokenVerifierOptions);

  /**
   * With a {@link RemoteJwks} as `jwks`: makes sure its key set is there for the token's `kid` (read from the
   * unverified header), fetching under the cache's rules — first fetch, stale set, or a `kid` not in the set,
   * at most once per cooldown however many unknown `kid`s arrive. Resolves when a set is there (it may still
   * lack the `kid`: verification then says `key_not_found`); with a fixed {@link JwkSet}, at once.
   *
   * ```js
   * await verifier.ensureKeys(token);
   * const claims = verifier.verifyAccessToken(token, { requiredScopes: "orders.read" });
   * ```
   * @throws OidcEdgeError (rejects) `http_error` / `invalid_jwk` / `weak_key` when no set could ever be fetched
   *   (see {@link RemoteJwks.getKeySet}); never for the token itself (a malformed token just ensures a set).
   */
  ensureKeys(token: string, opts?: { now?: number }): Promise<void>;

  /**
   * Verifies any JWT: signature, `iss`, `aud`, `exp`, `nbf`, `iat`, then the options.
   * @param opts.now the time in seconds (default: the clock).
   * @param opts.typ a required `typ` header, compared as a media type (case-insensitive, `application/`
   *   implied, RFC 7515 §4.1.9); absent or different is `typ_mismatch`.
   * @param opts.requiredClaims claims that must be present and not null (`missing_claim`).
   */
  verify(token: string, opts?: { now?: number; typ?: string; requiredClaims?: string[] }): Claims;

  /**
   * Verifies an ID token (OIDC Core 3.1.3.7), beyond {@link TokenVerifier.verify}: the `typ` header must be
   * absent or `JWT` (any case, `application/` implied; RFC 7519 §5.1), else `typ_mismatch` — an allowlist
   * (RFC 8725 §3.11), so no other JWT of the issuer passes as an ID token (`at+jwt`, `logout+jwt`,
   * `secevent+jwt`, `at+jwt ` with a space);
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
   *   RFC 9068 §2.2 requires (and, as in every mode, of their registered types: `client_id: 7` is
   *   `invalid_claim`). The option is compared as a media type (any case, `application/` implied); any other
   *   value (`"JWT"`, `"at+jwt "`) is `invalid_request`. The header's `typ` is compared the same way, so
   *   `at+jwt ` with a space is `typ_mismatch`.
   * @param opts.requiredScopes what the scopes of `scope` (space-delimited) or, without it, `scp` must
   *   satisfy: a space-separated string or an array (every scope), or a {@link ScopeRequirement} expression
   *   such as `auth.users.update or admin`. Unmet, it is `insufficient_scope`, whose
   *   `requiredScopes` lists the whole requirement (for an RFC 6750 `WWW-Authenticate` `scope`) and whose
   *   message names the missing ones. A value that is not a scope token (RFC 6749 §3.3) is `invalid_request`.
   */
  verifyAccessToken(
    token: string,
    opts?: {
      requiredScopes?: string | string[] | ScopeRequirement;
      now?: number;
      typ?: "at+jwt" | "application/at+jwt";
    },
  ): Claims;

  /**
   * Verifies a signed UserInfo response (OIDC Core §5.3.2) — usually through {@link userinfo}'s `verifier`
   * option. Beyond the signature and the header rules: the `typ` header must be absent or `JWT`, as for ID
   * tokens (`typ_mismatch`, RFC 8725 §3.11); `iss` must be `issuer`; `aud` must contain the client (`clientId`, or the only audience;
   * `audience_mismatch`); `exp` is not required, but `exp`, `nbf` and `iat` are checked when present; `sub` is
   * required (`missing_claim`), a string (`invalid_claim`) and equal to `expectedSubject` when given
   * (`invalid_claim`, OIDC Core §5.3.4).
   * @param opts.now the time in seconds (default: the clock).
   * @param opts.expectedSubject the ID token's `sub`.
   * @throws OidcEdgeError `invalid_request` when the verifier has several audiences and no `clientId`.
   */
  verifyUserinfo(jwt: string, opts?: { now?: number; expectedSubject?: string }): Claims & { sub: string };

  /**
   * {@link TokenVerifier.verify} with the signature checked by WebCrypto (in Node: by node:crypto, with no
   * asynchronous hop, as the sync methods; see {@link TokenVerifier}). Every rule (parsing, header,
   * allowlist, key selection, the ECDSA r/s range check of CVE-2022-21449, the claims policy) runs in
   * WebAssembly exactly as in the sync method; only the signature check of a chosen key goes to
   * `crypto.subtle.verify`: RS*, PS* (salt = hash length), ES256/384/512 (raw r‖s) and EdDSA (where the
   * runtime's `importKey` accepts Ed25519; otherwise the Rust implementation). HS* (faster in WebAssembly than
   * through WebCrypto's asynchronous hop) and ES256K (no WebCrypto curve) stay in Rust. Each key is imported
   * once per key set and algorithm and kept as a non-extractable `CryptoKey`.
   *
   * Trust boundary: the runtime's `globalThis.crypto.subtle`, as for `jose`. A token counts as verified only
   * once `verify` resolved `true` for its signing input, signature and a key the set selected for its `alg`.
   *
   * Every failure rejects the Promise (never a synchronous throw), with the codes of the sync method.
   */
  verifyAsync(token: string, opts?: { now?: number; typ?: string; requiredClaims?: string[] }): Promise<Claims>;

  /** {@link TokenVerifier.verifyIdToken} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyIdTokenAsync(
    token: string,
    opts?: { nonce?: string; maxAge?: number; now?: number; accessToken?: string; code?: string },
  ): Promise<Claims>;

  /** {@link TokenVerifier.verifyAccessToken} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyAccessTokenAsync(
    token: string,
    opts?: {
      requiredScopes?: string | string[] | ScopeRequirement;
      now?: number;
      typ?: "at+jwt" | "application/at+jwt";
    },
  ): Promise<Claims>;

  /** {@link TokenVerifier.verifyUserinfo} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyUserinfoAsync(jwt: string, opts?: { now?: number; expectedSubject?: string }): Promise<Claims & { sub: string }>;
  /** Frees the verifier's WebAssembly memory now, instead of at garbage collection. */
  free(): void;
}

// ---------------------------------------------------------------------------------------------------
// Edge verifier (Cloudflare Workers, Deno, Vercel / Netlify edge functions, Node 20+)

/** One route of the edge verifier's table. First match wins; no match is `404` (deny by default). */
export interface EdgeRoute {
  /** `"GET"`, `"GET,HEAD"`, `["PUT", "PATCH"]` or `"*"`; upper case. */
  method: string | string[];
  /**
   * An absolute path pattern: literal segments (exact, case-sensitive), `:name` (one non-empty segment), a final
   * `*` (the rest, possibly nothing). One trailing slash in the request is ignored. A literal is RFC 3986 `pchar`
   * without `%`, `;`, `:` and `*`, and does not end with `.` (`invalid_request` otherwise).
   *
   * Request paths are matched as origins read them (docs/security.md, "Edge: paths, headers, methods"): a path
   * that some origin could read differently is `400`, never matched to a later, less-scoped route. Refused
   * whatever the table: `//`, `.`/`..` segments, `;params` (raw or `%3B`), a segment ending with `.` or
   * starting or ending with a space (`%20`), raw characters a URL does not carry (space, controls, non-ASCII,
   * `\`, `|`), a `%` without two hex digits (`%u0061`), encoded unreserved characters (`%61`, `%7E`: clients never
   * need them and origins disagree on decoding them), `%2E`, `%2F`, `%5C`, `%25` (double encoding), `%3F`, `%23`,
   * encoded controls (`%00`, `%0A`) and encodings that are not UTF-8 (`%C0%AE`). Refused where an earlier route
   * would take it: a path that reaches a route only because another spelling misses an earlier one — another
   * case (`/api/ADMIN`), a percent-encoding of a literal (`/api/%40me` for `/api/@me`), `+` for a space, `HEAD`
   * for `GET`, or non-ASCII where a literal stands (origins may fold `ı`, `K`, `ａ` into ASCII). Hex digits may be
   * either case; other encodings (`%20`, `%40`, `%2B`, UTF-8) are data for `:name` and `*`. A path no route
   * matches as written is `404`.
   */
  path: string;
  /** A {@link ScopeRequirement} expression the token's scopes must satisfy (`"orders.read or admin"`). */
  scopes?: string;
  /** No token needed (cannot be combined with `scopes`). */
  public?: boolean;
}

/** CORS of the edge verifier. */
export interface EdgeCorsConfig {
  /** Exact origins (`"https://app.example.com"`; a list, or one string with commas), or `"*"`. */
  allowedOrigins: string | string[];
  /** Methods a preflight may ask for. Default `GET, HEAD, POST, PUT, PATCH, DELETE`. */
  allowedMethods?: string | string[];
  /** Request headers a preflight may ask for (any case). Default `authorization, content-type`. */
  allowedHeaders?: string | string[];
  /** Response headers the app may read; `WWW-Authenticate` always is. */
  exposedHeaders?: string | string[];
  /** `Access-Control-Max-Age` of preflight answers, seconds. Default 600. */
  maxAge?: number;
  /** `Access-Control-Allow-Credentials: true`; not with `"*"`. */
  allowCredentials?: boolean;
}

/** The configuration of {@link createEdgeVerifier}. Unknown or mistyped members are `invalid_request`. */
export interface EdgeVerifierConfig {
  /** `iss` must equal it exactly. */
  issuer: string;
  /** `aud` must contain one of them. */
  audience: string | string[];
  /** The provider's JWKS URL (https; http only on loopback). Only this URL is ever fetched. */
  jwksUri: string;
  /** The route table, or that array as JSON text (as it comes from an environment variable). */
  routes: EdgeRoute[] | string;
  /** The `realm` of every `WWW-Authenticate` challenge (printable ASCII). */
  realm?: string;
  /** Seconds of leeway for `exp` and `nbf`. Default 0. */
  clockTolerance?: number;
  /** Narrows the accepted algorithms (see {@link TokenVerifierOptions.algorithms}). */
  algorithms?: JwsAlgorithm[];
  /** RFC 9068 strict mode: `typ` must be `at+jwt`; `sub`, `client_id`, `iat`, `jti` required. Default false. */
  strict?: boolean;
  /** Send the failure's message as `error_description` in challenges. Default false (it helps probing). */
  errorDescription?: boolean;
  /** CORS: preflights answered at the edge, CORS headers on every answer to an allowed origin. Default: none. */
  cors?: EdgeCorsConfig;
  /** The JWKS cache timings (see {@link RemoteJwks}); seconds. */
  jwksCache?: { cooldown?: number; defaultMaxAge?: number; minMaxAge?: number; maxMaxAge?: number };
  /**
   * The verified-token cache, opt-in: tokens kept by the SHA-256 of the whole token, never served at or past
   * their `exp` (re-checked at every hit against the clock), dropped when the key set changes; the route's scope
   * requirement is still checked at every request. `maxEntries`: 1..1 000 000 (oldest evicted first, expired
   * before that).
   */
  tokenCache?: { maxEntries: number };
  /**
   * Cache the JWKS response in the Cache API (`caches.default`, Cloudflare Workers) across isolates, fresh for
   * what is left of its `max-age` (its `Age` is tracked); refetches bypass and refresh it. Silently plain `fetch` where there is no Cache API. Default true.
   */
  cacheApi?: boolean;
  /**
   * The `fetch` for the JWKS (default `globalThis.fetch`), called with `redirect: "manual"` and a `signal`
   * (see {@link FetchLimits}): a JWKS URL that redirects is a failed fetch, never followed.
   */
  fetch?: typeof fetch;
  /**
   * Seconds a JWKS fetch may take (1..300, default 5; see {@link FetchLimits}). A request waiting for keys gets
   * the last good set when the fetch times out, or `503` when there is none.
   */
  timeout?: number;
  /**
   * More request headers {@link createEdgeVerifier}'s `forwardHeaders` removes (names, any case, `_` or `-`:
   * `"X-Tenant"` also removes `x_tenant`). Always removed, on every route: `X-Auth-Subject`, `X-Auth-Scopes` and
   * every other `X-Auth-*` name, `Authorization` (unless `keepAuthorization`) and the rewriting headers
   * (unless in `keepHeaders`). A list, or one string with commas. `invalid_request` for a name that is not an
   * RFC 9110 token.
   */
  stripHeaders?: string | string[];
  /**
   * Rewriting headers to forward after all: some of `X-Original-URL`, `X-Rewrite-URL` (IIS, Symfony and Zend
   * route on them), `X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override` (frameworks take the method
   * from them). Removed by default because the route table checked another URL and method. `invalid_request`
   * for any other name (identity headers cannot be kept).
   */
  keepHeaders?: string | string[];
  /** Forward the client's `Authorization` header to the origin. Default false. */
  keepAuthorization?: boolean;
}

/** What the edge verifier says about a request. */
export type EdgeVerifierResult =
  | {
      ok: true;
      /** The verified claims; `undefined` on a public route. */
      claims: Claims | undefined;
      /** The token's scopes (`scope`, else `scp`); empty on a public route. */
      scopes: string[];
      /** The matched route's `path` pattern. */
      route: string;
      /** Headers to add to the response you send back (CORS), as `[name, value]` pairs. */
      headers: [string, string][];
      /**
       * Headers to set on the request you forward to the origin: `X-Auth-Subject` (the `sub`) and
       * `X-Auth-Scopes` (space-separated), each printable ASCII as is, otherwise percent-encoded as by
       * `encodeURIComponent`; empty on a public route. `forwardHeaders` sets them.
       */
      identityHeaders: [string, string][];
    }
  | {
      ok: false;
      /**
       * The answer to send as is:
       * - `204` to an allowed CORS preflight, `403` `{"error":"cors_not_allowed"}` to another;
       * - `400` `WWW-Authenticate: Bearer …, error="invalid_request"` for a path the route table refuses to read
       *   (`//`, dot segments, `%2F`, `%61`, `;params`, a spelling an origin may read as an earlier route: see
       *   {@link EdgeRoute.path});
       * - `405` `{"error":"method_not_allowed"}` with `Allow` (the methods of the routes matching the path, the
       *   usual seven for a `"*"` route) for a method the edge does not forward: `CONNECT`, `TRACE`, `TRACK`
       *   (fetch cannot forward them), one with a lower-case letter (`patch`: some origins read it as `PATCH`),
       *   or not an RFC 9110 token. Upper-case extension methods (`PROPFIND`) are routed: only `"*"` takes them;
       * - `404` `{"error":"not_found"}` when no route matches;
       * - `401` `WWW-Authenticate: Bearer realm="…"` without `Authorization` or with another scheme;
       * - `401` `…, error="invalid_token"` for a malformed `Bearer` value or a token that fails verification
       *   (signature, `alg`, `kid`, `iss`, `aud`, `exp`, `nbf`, `typ`…);
       * - `403` `…, error="insufficient_scope", scope="…"` when the route's scopes are not granted;
       * - `503` when no key set could be fetched at all (the JWKS URL failed, redirected or timed out).
       *
       * Bodies are `{"error": "…"}` JSON with `Cache-Control: no-store`.
       */
      response: Response;
    };

/**
 * The edge verifier: `const verify = createEdgeVerifier(config)`, once per isolate; then
 * `const result = await verify(request)` for each request. Every decision — route, CORS, token, scopes, when to
 * fetch keys, status and headers — is made in WebAssembly; this function only does the I/O (the JWKS fetch through
 * a {@link RemoteJwks}, the Cache API, building the `Response`). Tokens are verified synchronously; a request waits
 * for a JWKS fetch only when there is no set yet, the set is stale, or its `kid` is unknown (once per cooldown).
 * @throws OidcEdgeError `invalid_request` (synchronously) for a bad configuration: missing or bad `issuer`,
 *   `audience`, `jwksUri`, `routes` (see {@link EdgeRoute}), `realm`, `cors`, `jwksCache`, `tokenCache`,
 *   `timeout` (an integer in 1..300), or an unknown option; `invalid_scope_expression` for a route's bad `scopes`.
 */
export function createEdgeVerifier(
  config: EdgeVerifierConfig,
): ((request: Request) => Promise<EdgeVerifierResult>) & {
  /** The `kid`s of the current key set. */
  readonly keyIds: string[];
  /** How many verified tokens are cached. */
  readonly cachedTokens: number;
  /**
   * The headers to send the origin: a copy of `headers` without every header the verifier strips (see
   * {@link EdgeVerifierConfig.stripHeaders}; names compared with case folded and `_` read as `-`, as CGI, WSGI
   * and PHP read `X_Auth_Subject` as `HTTP_X_AUTH_SUBJECT`), then, for an `ok` `result`, its
   * `identityHeaders` set. Call it on every forwarded request, public routes included. Throws nothing.
   */
  forwardHeaders(headers: HeadersInit, result?: EdgeVerifierResult): Headers;
};
