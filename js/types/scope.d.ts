// Scopes (src/scope/) and RFC 6750 answers (src/server/challenge.rs).

import type { OidcEdgeError } from "./errors.js";
import type { JwsAlgorithm, TokenVerifier } from "./verify.js";
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
  /**
   * Makes it a DPoP challenge (RFC 9449 §7.1): the scheme `DPoP` instead of `Bearer`, the algorithms a proof
   * may be signed with as `algs="…"` (sent last), and the codes `invalid_dpop_proof` and `use_dpop_nonce`
   * answered as themselves (`error="invalid_dpop_proof"`, `error="use_dpop_nonce"`; send the new nonce in a
   * `DPoP-Nonce` header with the latter, §8). At least one known algorithm name, else `invalid_request`.
   */
  dpopAlgs?: JwsAlgorithm[];
  /**
   * The URL of the resource's protected-resource metadata (RFC 9728 §5.1), sent as `resource_metadata="…"`
   * (after `scope`, before `algs`) in every answer, so that a client can find the authorization servers.
   * Printable ASCII, else `invalid_request`.
   */
  resourceMetadata?: string;
}

/** An RFC 6750 answer: the status and the `WWW-Authenticate` header value (starting `Bearer`, or `DPoP` with `dpopAlgs`). */
export interface BearerChallenge {
  status: 400 | 401 | 403 | 500 | 503;
  wwwAuthenticate: string;
}

/**
 * The RFC 6750 §3 answer for a failed request to a protected resource: the HTTP status and the
 * `WWW-Authenticate` value. Attributes come in the order `realm`, `error`, `error_description`, `scope`,
 * `acr_values`, `max_age`, `resource_metadata`, `algs`.
 *
 * | `error` | status | `WWW-Authenticate` |
 * | --- | --- | --- |
 * | `null` / `undefined`: no token presented (§3.1) | 401 | `Bearer realm="…"` (no `error`) |
 * | code `invalid_request` | 400 | `Bearer realm="…", error="invalid_request"` |
 * | a verification code: `malformed_token`, `unsupported_algorithm`, `algorithm_not_allowed`, `key_not_found`, `invalid_signature`, `unsupported_critical_header`, `token_expired`, `token_not_yet_valid`, `issuer_mismatch`, `audience_mismatch`, `azp_mismatch`, `nonce_mismatch`, `typ_mismatch`, `missing_claim`, `invalid_claim`, `auth_time_too_old`, `token_replayed`, `invalid_dpop_proof`, `use_dpop_nonce` | 401 | `Bearer realm="…", error="invalid_token"` |
 * | with `dpopAlgs`: code `invalid_dpop_proof` / `use_dpop_nonce` | 401 | `DPoP realm="…", error="invalid_dpop_proof", algs="…"` / `error="use_dpop_nonce"` (every other row: the same attributes under `DPoP`, then `algs`) |
 * | code `insufficient_scope` | 403 | `Bearer realm="…", error="insufficient_scope", scope="…"` from `requiredScopes` |
 * | code `insufficient_user_authentication` (RFC 9470) | 401 | `Bearer realm="…", error="insufficient_user_authentication", acr_values="…", max_age="…"` from the error's `acrValues` and `maxAge` |
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
