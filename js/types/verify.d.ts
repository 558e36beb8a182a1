// JOSE keys (src/jose/) and token verification (src/verify/).

import type { OidcEdgeError } from "./errors.js";
import type { userinfo } from "./client.js";
import type { ScopeRequirement } from "./scope.js";
import type { RemoteJwks, ReplayCache, ReplayStore, parseLogoutRequest } from "./server.js";
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
   * the `…Async` methods fetch the keys a token needs themselves (see {@link TokenVerifier.verifyAsync}); the
   * synchronous methods never fetch: call {@link TokenVerifier.ensureKeys} before them (before the first fetch
   * every token is `key_not_found` there). Anything else is `invalid_request`.
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
  /**
   * Where {@link TokenVerifier.verifyLogoutToken} remembers the logout tokens it accepted, so that each is
   * accepted once (a replayed `jti` is `token_replayed`). Default: a {@link ReplayCache} of its own (10,000
   * tokens, in this verifier's memory). Give one {@link ReplayCache} to several verifiers to share it, or your
   * own {@link ReplayStore} (e.g. over Redis `SET key 1 NX EXAT expiresAt`) when several processes receive
   * logout requests. Anything else is `invalid_request`.
   */
  replayStore?: ReplayCache | ReplayStore;
  /**
   * What DPoP proofs (RFC 9449) {@link TokenVerifier.verifyAccessToken} accepts with a `dpop` option:
   * `algorithms` (default every asymmetric one; HS* and `none` are `invalid_request`, §4.3 item 5) and
   * `maxAge`, seconds after its `iat` a proof is accepted (default 300, 1..86400; `clockTolerance` is added,
   * and is how far in the future an `iat` may be). Their `jti`s go through `replayStore` too.
   */
  dpop?: { algorithms?: JwsAlgorithm[]; maxAge?: number };
}

/**
 * The request a DPoP-bound access token came with (RFC 9449 §7.1: `Authorization: DPoP <token>` and a `DPoP`
 * header holding the proof).
 */
export interface DpopCheck {
  /** The `DPoP` header's value: exactly one header (several are a bad request the caller refuses, §4.3). */
  proof: string;
  /** The request's method (`htm`, compared exactly). */
  method: string;
  /** The request's absolute URL (`htu`, compared without query and fragment, after RFC 3986 §6 normalisation). */
  url: string;
  /** The nonce this server gave the client in `DPoP-Nonce` (§8), when it requires one. */
  nonce?: string;
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

/** The claims of a verified ID token: `sub` and `iat` are always there (OIDC Core §2, 3.1.3.7). */
export interface IdTokenClaims extends Claims {
  sub: string;
  iat: number;
}

/** The claims of a verified JWT access token: `sub` is always there (RFC 9068 §2.2). */
export interface AccessTokenClaims extends Claims {
  sub: string;
}

/** Per-call options of {@link TokenVerifier.verify} / `verifyAsync` (see the method for each rule). */
export interface JwtCheck {
  /** Seconds since the epoch (default: the clock). */
  now?: number;
  /** A required `typ` header (`typ_mismatch`). */
  typ?: string;
  /** Claims that must be present and not null (`missing_claim`). */
  requiredClaims?: string[];
}

/** Per-call options of {@link TokenVerifier.verifyIdToken} / `verifyIdTokenAsync` (see the method for each rule). */
export interface IdTokenCheck {
  /** The nonce sent in the authorization request: a token without it, or with another, is `nonce_mismatch`. */
  nonce?: string;
  /** The `max_age` sent, in seconds: `auth_time` is then required and checked (`auth_time_too_old`). */
  maxAge?: number;
  /** Seconds since the epoch (default: the clock). */
  now?: number;
  /** The access token issued with it: `at_hash` must match (`missing_claim`, `invalid_claim`). */
  accessToken?: string;
  /**
   * With `accessToken`: check `at_hash` when the token has one instead of requiring it (default `false`). An ID
   * token from the token endpoint (the code flow) may leave it out (OIDC Core 3.1.3.8); when present it must match.
   */
  atHashOptional?: boolean;
  /** The authorization code: `c_hash` must match. */
  code?: string;
  /**
   * For an ID token issued by a refresh: the claims of the one it refreshes (the session's). OIDC Core 12.2: the
   * same `iss` (`issuer_mismatch`), `sub` and `auth_time` (`invalid_claim`), `aud` (`audience_mismatch`), `azp`
   * (`azp_mismatch`), and a `nonce` only if it is the original's (`nonce_mismatch`). Not an object: `invalid_request`.
   */
  refreshes?: Claims;
}

/** Per-call options of {@link TokenVerifier.verifyAccessToken} / `verifyAccessTokenAsync` (see the method). */
export interface AccessTokenCheck {
  /** What the token's scopes must satisfy: space-separated or an array (all of them), or a {@link ScopeRequirement}. */
  requiredScopes?: string | string[] | ScopeRequirement;
  /** Seconds since the epoch (default: the clock). */
  now?: number;
  /** RFC 9068 strict mode. */
  typ?: "at+jwt" | "application/at+jwt";
  /** A DPoP-bound request: the proof to check with the token (see {@link TokenVerifier.verifyAccessToken}). */
  dpop?: DpopCheck;
}

/** Per-call options of {@link TokenVerifier.verifyUserinfo} / `verifyUserinfoAsync`. */
export interface UserinfoCheck {
  /** Seconds since the epoch (default: the clock). */
  now?: number;
  /** The ID token's `sub`: a different `sub` is `invalid_claim`. */
  expectedSubject?: string;
}

/** Per-call options of {@link TokenVerifier.verifyLogoutToken} / `verifyLogoutTokenAsync`. */
export interface LogoutTokenCheck {
  /** Seconds since the epoch (default: the clock). */
  now?: number;
}

/** The claims of a verified logout token (OIDC Back-Channel Logout 1.0 §2.4). */
export interface LogoutClaims extends Claims {
  iat: number;
  jti: string;
  /** Holds `"http://schemas.openid.net/event/backchannel-logout": {}`. */
  events: Record<string, object>;
  /** The session logged out, when the provider names it. At least one of `sid` and `sub` is there. */
  sid?: string;
  /** The user logged out, when the provider names them. */
  sub?: string;
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
   *  1..1048576, a `replayStore` that is neither a {@link ReplayCache} nor an object with a
   *  `checkAndRemember` method, a bad `dpop` (an unknown, symmetric or empty list of algorithms, a `maxAge`
   *  outside 1..86400), or an unknown option. */
  constructor(opts: TokenVerifierOptions);

  /**
   * With a {@link RemoteJwks} as `jwks`: makes sure its key set is there for the token's `kid` (read from the
   * unverified header), fetching under the cache's rules — first fetch, stale set, or a `kid` not in the set,
   * at most once per cooldown however many unknown `kid`s arrive. Resolves when a set is there (it may still
   * lack the `kid`: verification then says `key_not_found`); with a fixed {@link JwkSet}, at once.
   * Needed only before the synchronous methods: the `…Async` ones fetch what they need themselves.
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
  verify(token: string, opts?: JwtCheck): Claims;

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
    opts?: IdTokenCheck,
  ): IdTokenClaims;

  /**
   * Verifies a JWT access token (RFC 9068), beyond {@link TokenVerifier.verify}: the `typ` header must be
   * `at+jwt`, `application/at+jwt`, `JWT` or absent (`typ_mismatch`), and `sub` is required
   * (`missing_claim`; RFC 9068 §2.2 — a client-credentials token carries the client's own subject).
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
   * @param opts.dpop the DPoP proof and request (RFC 9449 §4.3, §7.1) for a token sent as
   *   `Authorization: DPoP`. The proof is checked first, with its own signature check against its own `jwk`:
   *   `typ` `dpop+jwt`, an allowed asymmetric `alg` (the verifier's `dpop.algorithms`), a `jwk` holding a public
   *   key only (a private member such as `d` is refused), the signature, `jti` (a non-empty string), `htm`
   *   equal to `method`, `htu` equal to `url` (both normalised: scheme and host case, default port,
   *   percent-encoding, dot segments; query and fragment ignored), `iat` within `dpop.maxAge` and not in the
   *   future beyond `clockTolerance`, `ath` the base64url SHA-256 of the token; any failure is
   *   `invalid_dpop_proof`. With `nonce`, a proof without it or with another is `use_dpop_nonce`. Then the
   *   token as always, whose `cnf.jkt` must be the RFC 7638 thumbprint of the proof's key
   *   (`invalid_dpop_proof`); last, the proof's `jti` goes through `replayStore`: a proof used before is
   *   `invalid_dpop_proof`. Answer failures with {@link bearerChallenge} and `dpopAlgs`.
   *   Without `dpop`, a token bound to a key (`cnf.jkt`) is `invalid_dpop_proof` (a DPoP-bound token
   *   presented as Bearer, §7.1), and with it an unbound token is too. A `cnf` that is not an object, or a
   *   `jkt` that is not a string, is `invalid_claim`.
   */
  verifyAccessToken(
    token: string,
    opts?: AccessTokenCheck,
  ): AccessTokenClaims;

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
  verifyUserinfo(jwt: string, opts?: UserinfoCheck): Claims & { sub: string };

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
   * With a {@link RemoteJwks} as `jwks`, it fetches the keys the token needs first, as jose's
   * `createRemoteJWKSet` does (no {@link TokenVerifier.ensureKeys} call is needed), under the set's cache rules:
   * when there is no set yet, when it is stale, or when the token's `kid` is not in it (`key_not_found`), at
   * most once per `cooldown` however many unknown `kid`s arrive. A token refused before its key is looked for
   * (malformed, `alg` unsupported or not allowed, a verified-token cache hit) fetches nothing. Concurrent calls
   * share the fetch in flight, each waiting for it at most the set's `timeout` (with `requestScoped`, on its
   * own timers: see {@link RemoteJwks}); then one verification with the
   * set there is (a refetch that failed keeps the last good set). With no set at all, it rejects with the
   * fetch's error: `http_error` (with `status` for a non-2xx answer), `invalid_jwk` or `weak_key`.
   *
   * Every failure rejects the Promise (never a synchronous throw), with the codes of the sync method.
   */
  verifyAsync(token: string, opts?: JwtCheck): Promise<Claims>;

  /** {@link TokenVerifier.verifyIdToken} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyIdTokenAsync(
    token: string,
    opts?: IdTokenCheck,
  ): Promise<IdTokenClaims>;

  /** {@link TokenVerifier.verifyAccessToken} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyAccessTokenAsync(
    token: string,
    opts?: AccessTokenCheck,
  ): Promise<AccessTokenClaims>;

  /** {@link TokenVerifier.verifyUserinfo} with the signature checked by WebCrypto (see {@link TokenVerifier.verifyAsync}). */
  verifyUserinfoAsync(jwt: string, opts?: UserinfoCheck): Promise<Claims & { sub: string }>;

  /**
   * Verifies a logout token (OIDC Back-Channel Logout 1.0 §2.6), the `logout_token` a provider POSTs to the
   * client's `backchannel_logout_uri` (read it with {@link parseLogoutRequest}), then logs out what it names:
   * the session `sid` and/or every session of `sub`. Beyond the signature and header rules of every method:
   * - the `typ` header must be `logout+jwt` (any case, `application/` implied), `JWT` or absent, else
   *   `typ_mismatch` (an access token or security event does not pass, RFC 8725 §3.11);
   * - `iss` must be `issuer`, `aud` must contain the client (`clientId`, or the only audience;
   *   `audience_mismatch`); `iat`, `exp` (required by §2.4: `token_expired` at `exp <= now - clockTolerance`)
   *   and `jti` are required (`missing_claim`);
   * - `events` must be an object (`missing_claim` absent, `invalid_claim` otherwise) holding the member
   *   `http://schemas.openid.net/event/backchannel-logout` (`missing_claim`), whose value is an object
   *   (`invalid_claim`);
   * - `sid` (a string, `invalid_claim`) and/or `sub` must be there (`missing_claim` when neither is);
   * - `nonce` must be absent (`invalid_claim`): §2.4 prohibits it, so that no ID token passes as a logout token;
   * - then the `jti` goes through `replayStore` (§2.6 item 9): a token accepted before, until its `exp` plus
   *   `clockTolerance`, is `token_replayed`. The store is asked only once every other rule passed, so a
   *   refused token never takes a place in it. A logout token is never served from the verified-token `cache`.
   *
   * Answer the provider 200 when it returns, 400 when it throws (§2.8); send `Cache-Control: no-store`.
   * @throws OidcEdgeError the codes above and those of every method; `token_replayed` also when the
   *   {@link ReplayCache} is full of tokens not yet expired (fail closed: forgetting one would let it be
   *   replayed) or a custom store threw; `invalid_request` when the verifier has several audiences and no
   *   `clientId`, when a custom store answers anything but a boolean, or when it answers a Promise (use
   *   {@link TokenVerifier.verifyLogoutTokenAsync} for such a store).
   */
  verifyLogoutToken(token: string, opts?: LogoutTokenCheck): LogoutClaims;

  /**
   * {@link TokenVerifier.verifyLogoutToken} with the signature checked by WebCrypto (see
   * {@link TokenVerifier.verifyAsync}) and a custom store's Promise awaited (a rejection is `token_replayed`).
   */
  verifyLogoutTokenAsync(token: string, opts?: LogoutTokenCheck): Promise<LogoutClaims>;
  /** Frees the verifier's WebAssembly memory now, instead of at garbage collection. */
  free(): void;
}
