// The resource server (src/server/): RemoteJwks, the edge verifier, the replay store and back-channel logout.

import type { OidcEdgeError } from "./errors.js";
import type { FetchLimits } from "./client.js";
import type { ScopeRequirement } from "./scope.js";
import type { AccessTokenClaims, JwkSet, JwsAlgorithm, TokenVerifier, TokenVerifierOptions } from "./verify.js";
import type { HeadersLike } from "./runtime.js";
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
 * - concurrent calls share one fetch in flight (unless `requestScoped`);
 * - only `jwksUri` is ever fetched, never a URL from a token (`jku`, `x5u`), and never one it redirects to: a
 *   3xx (or `status` 0 in browsers) is a failed fetch, `http_error` (see {@link FetchLimits});
 * - each fetch must finish within `timeout` seconds (default 5): one that stalls is a failed fetch, and the last
 *   good set keeps being served.
 *
 * - concurrent calls wait for the fetch in flight at most `timeout` seconds each, on their own timer (in workerd
 *   a promise of another request may never settle for this one): then they decide afresh.
 *
 * Pass it as `jwks` to a {@link TokenVerifier}: the verifier then reads the current set at each verification;
 * the `…Async` methods fetch what a token needs themselves ({@link TokenVerifier.verifyAsync}), and
 * {@link TokenVerifier.ensureKeys} does it before the synchronous ones.
 * @throws OidcEdgeError (constructor) `invalid_request` for a `jwksUri` that is not https (http only on
 *   loopback), bounds with `minMaxAge <= defaultMaxAge <= maxMaxAge` violated, a `timeout` that is not an
 *   integer in 1..300, a `requestScoped` that is not a boolean, or an unknown option.
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
      /**
       * Seconds past its freshness the set is still served while fetches fail (default 86400); the first failed
       * fetch after that drops it.
       */
      maxStale?: number;
      /**
       * For an object that several requests of a Workers isolate share (Cloudflare Workers, workerd): `true`
       * makes a call never await a fetch another call started — that promise belongs to the other request's I/O
       * context and may never settle for this one (jose#355, cfworker#226). A call that finds such a fetch in
       * flight while the set lacks what it needs looks at the set again every 25 ms on its own timers, until
       * that fetch lands (one fetch for all) or is presumed lost, 1–2 s past its `timeout` (its request was
       * cancelled): then it fetches itself, the cache rules allowing. The edge verifier's way. Default `false`:
       * concurrent calls await the fetch in flight itself (Node, Deno, browsers).
       */
      requestScoped?: boolean;
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
  /**
   * The issuers whose tokens this route accepts, each an `issuer` of {@link EdgeVerifierConfig.issuers} (or the
   * single `issuer`); default every configured one. A token from another is `401` `invalid_token`
   * (`issuer_mismatch`). Not on a public route, not empty, no unknown issuer: `invalid_request`.
   */
  issuers?: string[];
  /**
   * RFC 9470 step-up: the token's `acr` must be one of these, else `401` with `WWW-Authenticate: Bearer
   * error="insufficient_user_authentication", acr_values="…"` (and `max_age` when set). Checked after the scopes,
   * at every request (cache hits included). Not on a public route, not empty: `invalid_request`.
   */
  acrValues?: string[];
  /**
   * RFC 9470 step-up: at most this many seconds since the token's `auth_time` (a token without one fails), else
   * `401` `insufficient_user_authentication` with `max_age="…"`.
   */
  maxAge?: number;
}

/**
 * One issuer of {@link EdgeVerifierConfig.issuers}: its own keys, audiences and algorithms. Unknown members
 * are `invalid_request`; errors name the issuer's position (`issuers[1].algorithms: …`).
 */
export interface EdgeIssuerConfig {
  /** `iss` must equal it exactly; each issuer once. */
  issuer: string;
  /** `aud` must contain one of them. */
  audience: string | string[];
  /** Its JWKS URL (https; http only on loopback). Only this URL is fetched for its tokens. */
  jwksUri: string;
  /** Its accepted algorithms. Default: {@link EdgeVerifierConfig.algorithms}, else every asymmetric one. */
  algorithms?: JwsAlgorithm[];
  /** Its JWKS cache timings. Default: {@link EdgeVerifierConfig.jwksCache}. */
  jwksCache?: { cooldown?: number; defaultMaxAge?: number; minMaxAge?: number; maxMaxAge?: number; maxStale?: number };
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
  /** `iss` must equal it exactly. Required unless `issuers` is given; not with it. */
  issuer?: string;
  /** `aud` must contain one of them. Required unless `issuers` is given; not with it. */
  audience?: string | string[];
  /**
   * The provider's JWKS URL (https; http only on loopback). Only this URL is ever fetched. Required unless
   * `issuers` is given; not with it.
   */
  jwksUri?: string;
  /**
   * Several issuers instead of `issuer`, `audience` and `jwksUri`: each with its own JWKS (fetched, cached and
   * refetched on its own), audiences and algorithms. The token's `iss`, read before any signature work or key
   * fetch, chooses the issuer; a token whose `iss` is not a configured issuer (or not one its route accepts:
   * {@link EdgeRoute.issuers}) is `401` `invalid_token` and fetches nothing. The `tokenCache` size is per issuer.
   * `invalid_request` (naming the field) for `issuers` beside a top-level `issuer`, `audience` or `jwksUri`, an
   * issuer named twice, or an issuer's bad member.
   */
  issuers?: EdgeIssuerConfig[];
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
  /**
   * The JWKS cache timings (see {@link RemoteJwks}); seconds. As with a {@link RemoteJwks} made with
   * `requestScoped: true`, a request never awaits another request's fetch in flight (in Workers that promise
   * belongs to another request's I/O context: jose#355, cfworker#226): when it needs keys that fetch may bring,
   * it polls the set on its own timers until the fetch lands (a cold isolate's concurrent requests cost one
   * fetch) or is presumed lost 1–2 s past the `timeout`, then fetches itself when the cooldown allows, else
   * decides with the set there is (an unknown `kid` is `401`, no set `503`). In the last tenth of its freshness a set is
   * refreshed in the background after the answer (through `ctx.waitUntil` when `verify` is given the Worker's
   * `ctx`), so that requests do not wait for it. `maxStale` (default 86400): how long past its freshness a set
   * is still served while every fetch fails; the first failed fetch after that drops it (`503` until the provider
   * answers), so that keys it may have revoked are not trusted through a long outage.
   */
  jwksCache?: { cooldown?: number; defaultMaxAge?: number; minMaxAge?: number; maxMaxAge?: number; maxStale?: number };
  /**
   * The verified-token cache, opt-in: tokens kept by the SHA-256 of the whole token, never served at or past
   * their `exp` (re-checked at every hit against the clock), dropped when the key set changes; the route's scope
   * requirement is still checked at every request. `maxEntries`: an integer in 1..1048576 (2^20, the limit of
   * `TokenVerifier`'s `cache` too; oldest evicted first, expired before that), else `invalid_request`.
   */
  tokenCache?: { maxEntries: number };
  /**
   * Cache the JWKS response in the Cache API (`caches.default`, Cloudflare Workers) across isolates, fresh for
   * what is left of its `max-age` (its `Age` is tracked); refetches bypass and refresh it. Silently plain `fetch` where there is no Cache API. Default true.
   */
  cacheApi?: boolean;
  /**
   * A Workers KV namespace (`env.JWKS_KV`) holding a copy of the JWKS response that every location reads, so
   * that a new isolate anywhere starts without asking the provider: read after the Cache API, before the
   * provider; refetches (an expired set, an unknown `kid`) go to the provider and rewrite it; the copy carries its
   * `Age`, so it is fresh only for what is left of its `max-age` (and `maxStale` bounds a stale one). KV errors
   * fall back to the provider silently. Not a namespace (`get` and `put`): `invalid_request`.
   */
  jwksKv?: {
    /** KV's `get`: the stored copy, parsed (`type: "json"`), or `null`. */
    get(key: string, opts: { type: "json" }): Promise<unknown>;
    /** KV's `put`: stores the copy (JSON text) for `expirationTtl` seconds. */
    put(key: string, value: string, opts?: { expirationTtl?: number }): Promise<void>;
  };
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
  /** Forward the client's `Authorization` header to the origin. Default false: the token is removed. */
  keepAuthorization?: boolean;
  /**
   * Claims of the verified token sent to the origin as headers, `{ "X-Auth-Email": "email", "X-Org":
   * "org.id", "X-Auth-Roles": "realm_access.roles" }`: header name → claim path. A path is a top-level claim of
   * that exact name when there is one (namespaced claims such as `https://example.com/roles` hold dots), else
   * dotted into nested objects. Values: a string as `X-Auth-Subject` is (printable ASCII as is, otherwise
   * percent-encoded as by `encodeURIComponent`); a number or boolean as JSON; an array of those comma-separated
   * (an item holding a comma or anything outside printable ASCII percent-encoded); an object or nested array
   * as its JSON text (percent-encoded outside printable ASCII). A missing or `null` claim, or a value longer than
   * `claimHeaderMaxBytes`, sets no header — never a cut value. Every configured name is removed from incoming
   * requests (any spelling), so the origin can trust it. `invalid_request` (message starting `claimHeaders:`)
   * for a name that is not an RFC 9110 token, `X-Auth-Subject`/`X-Auth-Scopes`, a rewriting header,
   * `Authorization`, `Proxy-Authorization`, `Cookie`, `Host` or a framing header (`Content-Length`,
   * `Content-Type`, `Transfer-Encoding`, `Connection`, `Upgrade`, `TE`, `Trailer`, `Keep-Alive`), a name given
   * twice (spellings folded), or a path with an empty segment.
   */
  claimHeaders?: Record<string, string>;
  /**
   * A header carrying the whole verified payload to the origin, as signed (the token's middle part: base64url of
   * the claims' JSON text; no signature, so not a token). Within `claimHeaderMaxBytes`, else not set. Same name
   * rules as `claimHeaders` (`invalid_request`, message starting `forwardPayload:`).
   */
  forwardPayload?: string;
  /** The size cap of each claim header's value, bytes: an integer in 1..65536, default 8192. */
  claimHeaderMaxBytes?: number;
  /**
   * DPoP (RFC 9449 §7.1): `Authorization: DPoP <token>` is accepted too, with its proof in the `DPoP` header,
   * checked with the rules of {@link TokenVerifier}'s `dpop` (the same core: §4.3 — one proof, its signature by
   * its own public-only `jwk`, `typ` `dpop+jwt`, an allowed algorithm, `htm` the request's method, `htu` the
   * request's URL without query and fragment (normalised), `iat` within `maxAge` (and `clockTolerance`), `ath` the
   * token's hash; then the token's `cnf.jkt` must be the proof key's RFC 7638 thumbprint). Each proof's `jti` is
   * accepted once: remembered in this verifier (per isolate: `replayEntries` of them, default 10000; full, it
   * refuses rather than forget). A DPoP token is never served from `tokenCache`. A DPoP-bound token sent as
   * `Bearer` is `401` `invalid_token` (§7.1), with or without this option. Failures of a DPoP request are
   * answered `401` with `WWW-Authenticate: DPoP realm="…", error="invalid_dpop_proof" | "invalid_token",
   * algs="…"` (the body's `error` likewise); `403` `insufficient_scope` in the DPoP scheme too; a request with
   * no token is offered both schemes (`Bearer realm="…"` and `DPoP realm="…", algs="…"`). Without `dpop`, the
   * DPoP scheme is no token (`401`, Bearer challenge). No server nonce (`DPoP-Nonce`) is asked for.
   * `invalid_request` (naming `dpop.algorithms`, `dpop.maxAge` or `dpop.replayEntries`) for an empty or
   * symmetric algorithm list, a `maxAge` outside 1..86400, a `replayEntries` outside 1..1048576.
   */
  dpop?: {
    algorithms?: JwsAlgorithm[];
    maxAge?: number;
    replayEntries?: number;
    /**
     * A {@link ReplayStore} shared by every isolate (e.g. backed by a Durable Object), instead of the verifier's
     * own memory: each accepted proof's key (`dpop:` and a SHA-256, no `jti` or token) and until when to keep
     * it, awaited before the request is let through. Anything but `true` — `false`, a throw, a rejection, another
     * value — refuses the proof (`401` `invalid_dpop_proof`, fail closed). Not a store: `invalid_request`.
     */
    replayStore?: ReplayStore;
  };
  /**
   * A path (`"/ready"`) answered at the edge for `GET`/`HEAD`, before the route table: `200 {"ready": true,
   * "issuers": [{ "issuer", "keys" }]}` when every issuer has keys loaded, else `503` with `"ready": false`. A
   * probe fetches the keys of an issuer that has none (so it warms a new isolate). `invalid_request` for a value
   * that is not an absolute path of printable ASCII.
   */
  readinessPath?: string;
  /**
   * RFC 9728 protected-resource metadata: the document (`resource`, `authorization_servers` — default the
   * configured issuers —, `bearer_methods_supported: ["header"]`, `scopes_supported`,
   * `dpop_signing_alg_values_supported` with `dpop`, `resource_name`, `resource_documentation`) answered at
   * `/.well-known/oauth-protected-resource` followed by the resource's path (§3.1: `https://api.example.com/v1`
   * → `/.well-known/oauth-protected-resource/v1`) for `GET`/`HEAD`, before the route table, `Cache-Control:
   * max-age=3600`; and its URL as `resource_metadata="…"` in every `WWW-Authenticate` the verifier sends (§5.1).
   * `invalid_request` (message starting `resourceMetadata.resource`) for a `resource` that is not an `https`
   * URL (`http` only on loopback) with a host and without query or fragment.
   */
  resourceMetadata?: {
    resource: string;
    authorizationServers?: string[];
    scopesSupported?: string[];
    resourceName?: string;
    resourceDocumentation?: string;
  };
  /**
   * Where each event goes, besides the counters of `verify.metrics`: `analytics`, a Workers Analytics Engine
   * dataset binding (one `writeDataPoint({ indexes: [event], blobs: [event, reason | outcome, route], doubles:
   * [1, status] })` per event), or `log: true`, one JSON line per event on `console.log`
   * (`{"oidcEdge":"denied","reason":"token_expired","status":401}`). Events: `allowed` (route, cached, stale),
   * `denied` (reason: the error code, `missing_token`, `not_found`…; status), `answered` (readiness and CORS
   * preflight answers), `jwks_fetch` (outcome `ok` / `failed`). A sink that throws is ignored. Default: none.
   * Anything but those two members is `invalid_request`.
   */
  metrics?: {
    /** A Workers Analytics Engine dataset binding (`env.MY_DATASET`). */
    analytics?: {
      /** Called once per event with the data point described above. */
      writeDataPoint(point: unknown): void;
    };
    /** One JSON line per event on `console.log`. */
    log?: boolean;
  };
}

/** The counters of {@link createEdgeVerifier}'s `metrics` getter, since it was made (this isolate). */
export interface EdgeVerifierMetrics {
  /** Requests let through (public routes included). */
  allowed: number;
  /** Refusals by reason: the error code (`token_expired`, `insufficient_scope`…), `missing_token`, `not_found`… */
  denied: Record<string, number>;
  /** Answers at the edge that refuse nothing (`ready`, `not_ready`, `preflight`). */
  answered: Record<string, number>;
  /** Allowed from the verified-token cache. */
  cacheHits: number;
  /** Allowed with a key set past its freshness (its refetch failed). */
  staleServed: number;
  /** JWKS fetches, every issuer's. */
  jwks: { ok: number; failed: number };
}

/** What the edge verifier says about a request. */
export type EdgeVerifierResult =
  | {
      ok: true;
      /** The verified access token's claims (`sub` always there, RFC 9068 §2.2); `undefined` on a public route. */
      claims: AccessTokenClaims | undefined;
      /** The token's scopes (`scope`, else `scp`); empty on a public route. */
      scopes: string[];
      /** The matched route's `path` pattern. */
      route: string;
      /** Headers to add to the response you send back (CORS), as `[name, value]` pairs. */
      headers: [string, string][];
      /**
       * Headers to set on the request you forward to the origin: `X-Auth-Subject` (the `sub`) and
       * `X-Auth-Scopes` (space-separated), each printable ASCII as is, otherwise percent-encoded as by
       * `encodeURIComponent`; then the configured `claimHeaders` and `forwardPayload` that apply; empty on a
       * public route. `forwardHeaders` sets them.
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
 * a {@link RemoteJwks}, the Cache API, building the `Response`). A request waits for a JWKS fetch only when there is
 * no set yet, the set is stale, or its `kid` is unknown (once per cooldown).
 *
 * The signature (RFC 7515 §5.2) is the one step done outside WebAssembly, by the runtime's native crypto: in Node
 * node:crypto (synchronously); elsewhere `crypto.subtle.verify` for RS*, PS*, ES256/384/512 and EdDSA, each key
 * imported once per key and algorithm (RFC 7518 §3). HS*, ES256K, a token without `kid` matching several keys,
 * a runtime without WebCrypto or a key it refuses: the Rust algorithms in WebAssembly. A native check that throws
 * or answers anything but a boolean leaves the decision to the Rust algorithms: it can never make a token valid.
 * @throws OidcEdgeError `invalid_request` (synchronously) for a bad configuration: missing or bad `issuer`,
 *   `audience`, `jwksUri`, `routes` (see {@link EdgeRoute}), `realm`, `cors`, `jwksCache`, `tokenCache`,
 *   `timeout` (an integer in 1..300), or an unknown option; `invalid_scope_expression` for a route's bad `scopes`.
 */
export function createEdgeVerifier(
  config: EdgeVerifierConfig,
): ((
  request: Request,
  /** The Worker's `ctx` (or anything with `waitUntil`): background key refreshes are handed to it. */
  ctx?: { waitUntil(promise: Promise<unknown>): void },
) => Promise<EdgeVerifierResult>) & {
  /** The `kid`s of the current key sets (every issuer's, in the order of `issuers`). */
  readonly keyIds: string[];
  /** How many verified tokens are cached. */
  readonly cachedTokens: number;
  /** The counters so far (a copy). */
  readonly metrics: EdgeVerifierMetrics;
  /**
   * The headers to send the origin: a copy of `headers` without every header the verifier strips (see
   * {@link EdgeVerifierConfig.stripHeaders}; names compared with case folded and `_` read as `-`, as CGI, WSGI
   * and PHP read `X_Auth_Subject` as `HTTP_X_AUTH_SUBJECT`), then, for an `ok` `result`, its
   * `identityHeaders` set. Call it on every forwarded request, public routes included. Throws nothing.
   */
  forwardHeaders(headers: HeadersLike, result?: EdgeVerifierResult): Headers;
};

// ---------------------------------------------------------------------------------------------------
// Replay store and back-channel logout

/**
 * Where accepted `jti`s are remembered, so that a token is accepted once: the `replayStore` of a
 * {@link TokenVerifier}. {@link ReplayCache} is the built-in one; any object with this method is one too.
 *
 * `checkAndRemember(key, expiresAt)` must, atomically, answer `true` and remember `key` until `expiresAt`
 * (seconds since the epoch) when it does not hold `key` yet, and answer `false` when it does (a replay). It may
 * answer a Promise of the boolean (then only the `…Async` methods can use it). `key` is an ASCII string of
 * at most 64 characters (a kind, `:`, and a SHA-256 in base64url: no token or `jti` is passed on). A throw or a
 * rejection refuses the token (`token_replayed`); an answer other than a boolean is `invalid_request`.
 */
export interface ReplayStore {
  /** `true` (and `key` remembered until `expiresAt`) the first time, `false` for a replay: see {@link ReplayStore}. */
  checkAndRemember(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * The built-in {@link ReplayStore}: in memory, at most `maxEntries` tokens (an integer in 1..1048576,
 * default 10000), each dropped once its `expiresAt` passed. Full of tokens not yet expired, it refuses new ones
 * (`token_replayed`) rather than forget one. It lives in one isolate or process: behind several, use a shared
 * store of your own.
 * @throws OidcEdgeError (constructor) `invalid_request` for a bad `maxEntries` or an unknown option.
 */
export class ReplayCache {
  constructor(opts?: { maxEntries?: number });
  /**
   * As {@link ReplayStore.checkAndRemember}; `now` (seconds) defaults to the clock.
   * @throws OidcEdgeError `invalid_request` for a key that is not a string of 1..1024 bytes, or an
   *   `expiresAt`/`now` that is not an integer in 0..2^53 − 1; `token_replayed` when full.
   */
  checkAndRemember(key: string, expiresAt: number, now?: number): boolean;
  /** How many tokens it remembers (expired ones until the next check drops them). */
  readonly size: number;
  /** Frees its WebAssembly memory now; verifiers given it keep their own handle. */
  free(): void;
}

/**
 * The `logout_token` of a back-channel logout request (OIDC Back-Channel Logout 1.0 §2.5), the POST a
 * provider sends to the client's `backchannel_logout_uri`; verify it with
 * {@link TokenVerifier.verifyLogoutToken}.
 *
 * ```js
 * const token = parseLogoutRequest(await request.text(), request.headers.get("content-type"));
 * const { sid, sub } = await verifier.verifyLogoutTokenAsync(token);
 * ```
 * @param body the request body, as text.
 * @param contentType the request's `Content-Type` header (`null` when it has none).
 * @throws OidcEdgeError `invalid_request` when `contentType` is not `application/x-www-form-urlencoded` (any
 *   case; a `charset` parameter, when present, must be `utf-8`; no other parameter), the body is not a string or
 *   longer than 66560 bytes (checked before it is read), or it holds no `logout_token`, an empty one or
 *   several. Other parameters are ignored. Answer 400 then (§2.8).
 */
export function parseLogoutRequest(body: string, contentType: string | null | undefined): string;

/**
 * The `iss` a compact JWS claims, read with nothing verified: only to choose which issuer's verifier checks the
 * token (that verifier checks `iss` again), before any signature work. An endpoint serving several providers'
 * back-channel logouts picks the provider's {@link TokenVerifier} by it, so a logout token is never verified with
 * another provider's keys.
 *
 * ```js
 * const verifier = verifiers.get(unverifiedIssuer(token));   // one per provider
 * if (!verifier) return new Response(null, { status: 400 });
 * const { sid, sub } = await verifier.verifyLogoutTokenAsync(token);
 * ```
 * @param token the token (a compact JWS).
 * @returns the payload's `iss` when it is a string; `undefined` when there is none, the token is not a string,
 *   not three parts with a base64url JSON payload, or longer than 65536 characters (the default
 *   `maxTokenLength`). Never throws.
 */
export function unverifiedIssuer(token: string): string | undefined;

/**
 * The keys under which a back-channel logout is recorded in a store of ended sessions (e.g. a Durable Object's
 * storage), and under which a token's session is looked up: `sid:<sid>` for `claims.sid` and `sub:<sub>` for
 * `claims.sub`, each when it is a string; `[]` for neither. A logout token naming both ends both (the session, and
 * every session of the user), since an access token need not carry `sid`. Only `sid` and `sub` are read.
 *
 * ```js
 * const claims = await verifier.verifyLogoutTokenAsync(token);
 * for (const key of sessionLogoutKeys(claims)) await storage.put(key, Math.floor(Date.now() / 1000));
 * ```
 * @throws OidcEdgeError `invalid_request` when `claims` is not an object.
 */
export function sessionLogoutKeys(claims: { sid?: unknown; sub?: unknown }): string[];

/**
 * Whether a verified token belongs to a session a back-channel logout ended: `logoutTimes` holds, under the keys
 * of {@link sessionLogoutKeys}, the time (seconds since the epoch) of the latest logout recorded for each; a key
 * it lacks has none. The token is refused (`true`) when its `iat` is at or before the latest of those times,
 * compared in whole seconds (a token issued in the logout's second may predate it); a token whose `iat` is missing
 * or not a finite number cannot tell, so it is refused as soon as any logout is recorded for its `sid` or `sub`.
 * No `sid` or `sub`, or no logout under their keys: `false`. Only `sid`, `sub` and `iat` are read.
 *
 * A store that forgets logout records `retention` seconds after the logout passes `options.retention`: a token
 * with a `sid` or `sub` whose `iat` is before `now − retention` may belong to a session whose record is gone, so it
 * is refused too (fail closed; set the retention above the longest access-token lifetime plus clock tolerance).
 *
 * ```js
 * const keys = sessionLogoutKeys(claims);
 * const ended = keys.length > 0 && isEndedBySessionLogout(claims, await storage.get(keys), { retention: 86400 });   // a Map
 * ```
 * @param logoutTimes a `Map` (as a Durable Object's `storage.get(keys)` returns) or a plain object.
 * @param options `retention`: seconds a logout record is kept (omitted: kept forever, no window);
 *   `now`: the current time in seconds (default: the clock).
 * @throws OidcEdgeError `invalid_request` when `claims` or `logoutTimes` is not an object, or a time under one of
 *   the token's keys is not an integer in 0..2^53 − 1 (a store holding something else is never read as "no logout"),
 *   or `options` has an unknown member or one that is not an integer in 0..2^53 − 1.
 */
export function isEndedBySessionLogout(
  claims: { sid?: unknown; sub?: unknown; iat?: unknown },
  logoutTimes: Map<string, number> | Record<string, number>,
  options?: { retention?: number; now?: number },
): boolean;
