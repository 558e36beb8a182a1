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
