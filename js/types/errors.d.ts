// The error every oidc-edge function throws, and its stable codes (src/error.rs; a Rust test keeps the two lists equal).
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
  | "token_replayed"
  | "invalid_dpop_proof"
  | "use_dpop_nonce"
  | "insufficient_scope"
  | "insufficient_user_authentication"
  | "invalid_jwk"
  | "weak_key"
  | "invalid_pkce_verifier"
  | "state_mismatch"
  | "authorization_error"
  | "invalid_request"
  | "invalid_metadata"
  | "invalid_scope_expression"
  | "http_error"
  | "not_initialized";

/**
 * What every oidc-edge function throws (and every Promise rejects with): an `Error` whose `name` is
 * `"OidcEdgeError"` and whose `code` says what failed. The message says what was expected and what was
 * found, never a secret or a whole token. docs/errors.md says, for every code, when it happens and what to do.
 *
 * One class for the whole package: `err instanceof OidcEdgeError` holds for errors of `oidc-edge` (Node,
 * browsers, Workers) and of `oidc-edge/spa`, whichever entry the class was imported from.
 *
 * ```ts
 * try {
 *   claims = await verifier.verifyAccessTokenAsync(token, { requiredScopes: "orders.read" });
 * } catch (e) {
 *   if (e instanceof OidcEdgeError && e.code === "insufficient_scope") return forbidden(e.requiredScopes);
 *   throw e;
 * }
 * ```
 */
export class OidcEdgeError extends Error {
  /** Makes one, e.g. to test code that handles them; the package sets the extra fields it documents. */
  constructor(code: OidcEdgeErrorCode, message: string);
  name: "OidcEdgeError";
  /**
   * Stable across releases; `not_initialized` means a function of a browser entry (or of `oidc-edge/spa`)
   * was called before `await init()` resolved.
   */
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
  /** `insufficient_user_authentication` (RFC 9470): the `acr` values that would do (empty: any). */
  acrValues?: string[];
  /** `insufficient_user_authentication` (RFC 9470): the most seconds since `auth_time`, when required. */
  maxAge?: number;
  /** `invalid_scope_expression`: 1-based column of the problem. */
  column?: number;
}
