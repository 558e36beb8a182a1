// oidc-edge verifier: a Cloudflare Worker that guards an API. Every request is checked by the package's edge
// verifier (routes, bearer token, scopes, CORS — all decided in WebAssembly); an accepted request is forwarded
// to ORIGIN (same method, path, query and body) with the verified subject and scopes in headers; which
// incoming headers are removed first and which identity headers are set is the verifier's (forwardHeaders).
// Configuration: the [vars] of wrangler.toml (see README.md).
import {
  RemoteJwks, TokenVerifier, bearerChallenge, createEdgeVerifier, isEndedBySessionLogout, parseLogoutRequest,
  sessionLogoutKeys, unverifiedIssuer,
} from "oidc-edge/worker";

const list = (v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const int = (v) => (v === undefined || v === "" ? undefined : Number(v));
const flag = (v) => /^(1|true|yes|on)$/i.test(String(v ?? "").trim());
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const withoutKey = (o, key) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
const issuersOf = (env) => JSON.parse(env.ISSUERS);

/** The JWKS_* timings (createEdgeVerifier's jwksCache, RemoteJwks' options), or undefined for the defaults. */
function jwksCacheOf(env) {
  const jwksCache = {};
  if (env.JWKS_COOLDOWN) jwksCache.cooldown = int(env.JWKS_COOLDOWN);
  if (env.JWKS_MIN_MAX_AGE) jwksCache.minMaxAge = int(env.JWKS_MIN_MAX_AGE);
  if (env.JWKS_DEFAULT_MAX_AGE) jwksCache.defaultMaxAge = int(env.JWKS_DEFAULT_MAX_AGE);
  if (env.JWKS_MAX_MAX_AGE) jwksCache.maxMaxAge = int(env.JWKS_MAX_MAX_AGE);
  if (env.JWKS_MAX_STALE) jwksCache.maxStale = int(env.JWKS_MAX_STALE);
  return Object.keys(jwksCache).length ? jwksCache : undefined;
}

/** The createEdgeVerifier configuration from the Worker's vars (text only: numbers and lists are parsed here). */
export function configFromEnv(env) {
  const audience = list(env.AUDIENCE);
  // ISSUERS (JSON: [{ issuer, audience, jwksUri, algorithms?, logoutAudience? }, …]) replaces ISSUER, AUDIENCE
  // and JWKS_URI; logoutAudience is the back-channel logout's (logoutIssuers), not the verifier's.
  const config = env.ISSUERS
    ? { issuers: issuersOf(env).map((i) => (isObject(i) ? withoutKey(i, "logoutAudience") : i)), routes: env.ROUTES }
    : {
        issuer: env.ISSUER,
        audience: audience.length === 1 ? audience[0] : audience,
        jwksUri: env.JWKS_URI,
        routes: env.ROUTES,
      };
  if (env.REALM) config.realm = env.REALM;
  if (env.CLOCK_TOLERANCE) config.clockTolerance = int(env.CLOCK_TOLERANCE);
  if (env.ALGORITHMS) config.algorithms = list(env.ALGORITHMS);
  if (env.STRICT_ACCESS_TOKENS) config.strict = flag(env.STRICT_ACCESS_TOKENS);
  if (env.KEEP_AUTHORIZATION) config.keepAuthorization = flag(env.KEEP_AUTHORIZATION);
  if (env.STRIP_HEADERS) config.stripHeaders = list(env.STRIP_HEADERS);
  if (env.KEEP_HEADERS) config.keepHeaders = list(env.KEEP_HEADERS);
  if (flag(env.DPOP) || env.DPOP_ALGORITHMS) {
    config.dpop = {};
    if (env.DPOP_ALGORITHMS) config.dpop.algorithms = list(env.DPOP_ALGORITHMS);
    if (env.DPOP_MAX_AGE) config.dpop.maxAge = int(env.DPOP_MAX_AGE);
  }
  if (env.READINESS_PATH) config.readinessPath = env.READINESS_PATH;
  // RFC 9728 (JSON: { resource, authorizationServers?, scopesSupported?, resourceName? }).
  if (env.RESOURCE_METADATA) config.resourceMetadata = JSON.parse(env.RESOURCE_METADATA);
  // Counters to Workers Analytics Engine when the METRICS dataset is bound, else JSON log lines (LOG_EVENTS).
  if (env.METRICS?.writeDataPoint) config.metrics = { analytics: env.METRICS };
  else if (env.LOG_EVENTS) config.metrics = { log: flag(env.LOG_EVENTS) };
  if (env.CLAIM_HEADERS) config.claimHeaders = JSON.parse(env.CLAIM_HEADERS);
  if (env.FORWARD_PAYLOAD) config.forwardPayload = env.FORWARD_PAYLOAD;
  if (env.CLAIM_HEADER_MAX_BYTES) config.claimHeaderMaxBytes = int(env.CLAIM_HEADER_MAX_BYTES);
  if (env.TOKEN_CACHE_SIZE && int(env.TOKEN_CACHE_SIZE) !== 0) config.tokenCache = { maxEntries: int(env.TOKEN_CACHE_SIZE) };
  const jwksCache = jwksCacheOf(env);
  if (jwksCache) config.jwksCache = jwksCache;
  if (env.CORS_ALLOWED_ORIGINS) {
    config.cors = { allowedOrigins: list(env.CORS_ALLOWED_ORIGINS) };
    if (env.CORS_ALLOWED_METHODS) config.cors.allowedMethods = list(env.CORS_ALLOWED_METHODS);
    if (env.CORS_ALLOWED_HEADERS) config.cors.allowedHeaders = list(env.CORS_ALLOWED_HEADERS);
    if (env.CORS_EXPOSED_HEADERS) config.cors.exposedHeaders = list(env.CORS_EXPOSED_HEADERS);
    if (env.CORS_MAX_AGE) config.cors.maxAge = int(env.CORS_MAX_AGE);
    if (env.CORS_ALLOW_CREDENTIALS) config.cors.allowCredentials = flag(env.CORS_ALLOW_CREDENTIALS);
  }
  return config;
}

// One verifier per isolate (its JWKS and token caches live as long as the isolate), rebuilt if the vars change.
let current;
const configKey = (env) => JSON.stringify(env, (k, v) => (typeof v === "string" || k === "" ? v : undefined));
function verifierFor(env) {
  const key = configKey(env);
  if (current?.key !== key) {
    const config = configFromEnv(env);
    // A KV copy of the JWKS, read by every location (a new isolate anywhere starts warm).
    if (env.JWKS_KV) config.jwksKv = env.JWKS_KV;
    // With the Durable Object bound, DPoP proofs' jti are refused across isolates too (one object for them).
    if (config.dpop && env.SESSIONS) {
      const stub = () => env.SESSIONS.get(env.SESSIONS.idFromName("dpop-proofs"));
      config.dpop.replayStore = {
        checkAndRemember: async (key, expiresAt) => (await ask(stub(), "/replay", { key, expiresAt })).fresh,
      };
    }
    current = { key, verify: createEdgeVerifier(config) };
  }
  return current.verify;
}

function json(status, error, headers = []) {
  const h = new Headers(headers);
  h.set("content-type", "application/json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify({ error }), { status, headers: h });
}

// Sessions ended by back-channel logout (OIDC Back-Channel Logout 1.0), shared by every isolate and location:
// a Durable Object (strongly consistent, one instance per issuer), never KV, whose eventual consistency would let
// a logged-out session through for up to a minute elsewhere. It also remembers the logout tokens' jti (§2.6).
// Storage: the package's sessionLogoutKeys ("sid:<sid>", "sub:<sub>") -> the latest logout time (seconds),
// "jti:<key>" -> until when to refuse it. Requests carry the claims' sid, sub (and iat): the package decides.
// Bounded: an alarm drops each jti record past its time and each logout record SESSION_LOGOUT_RETENTION seconds
// after the logout (by then every access token issued before it has expired, if none lives longer). Each record
// has an index entry "exp:<when it may go, 16 digits>:<its key>", so that an alarm lists only what is due.
const DEFAULT_RETENTION = 86400;
// Index entries handled per step: their records are read and deleted with them (get/delete take 128 keys).
const PRUNE_PAGE = 64;
const EXP = "exp:";
const indexKey = (until, key) => `${EXP}${String(until).padStart(16, "0")}:${key}`;
const recordOf = (index) => index.slice(EXP.length + 17);

/** SESSION_LOGOUT_RETENTION: an integer number of seconds, default one day. */
function retentionOf(env) {
  const v = int(env.SESSION_LOGOUT_RETENTION);
  if (v === undefined) return DEFAULT_RETENTION;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new Error(`SESSION_LOGOUT_RETENTION must be an integer number of seconds, found ${JSON.stringify(env.SESSION_LOGOUT_RETENTION)}`);
  }
  return v;
}

export class SessionRevocations {
  constructor(state, env) {
    this.storage = state.storage;
    this.retention = retentionOf(env);
  }

  async fetch(request) {
    const { pathname } = new URL(request.url);
    const body = await request.json();
    if (pathname === "/revoke") {
      for (const key of sessionLogoutKeys(body.claims)) {
        const before = await this.storage.get(key);
        if (!(before >= body.at)) await this.keep(key, body.at);
      }
      return Response.json({ ok: true });
    }
    if (pathname === "/check") {
      const found = await this.storage.get(sessionLogoutKeys(body.claims));
      // A token older than the retention may belong to a session whose record is gone: refused too.
      return Response.json({ revoked: isEndedBySessionLogout(body.claims, found, { retention: this.retention }) });
    }
    if (pathname === "/replay") {
      // One request at a time per object (input gates): the get and the put are atomic together.
      const key = `jti:${body.key}`;
      if ((await this.storage.get(key)) !== undefined) return Response.json({ fresh: false });
      await this.keep(key, body.expiresAt);
      return Response.json({ fresh: true });
    }
    return new Response(null, { status: 404 });
  }

  /** When a record may go (seconds): a jti at its time, a logout record `retention` after the logout. */
  until(key, value) {
    return key.startsWith("jti:") ? value : value + this.retention;
  }

  /** Stores a record with its index entry, and makes sure the alarm comes by the time it may go. */
  async keep(key, value) {
    const until = this.until(key, value);
    await this.storage.put({ [key]: value, [indexKey(until, key)]: 1 });
    const alarm = await this.storage.getAlarm();
    if (alarm === null || alarm > until * 1000) await this.storage.setAlarm(until * 1000);
  }

  /** Drops every record whose time has come (and the index entries due), then sets the alarm for the next. */
  async alarm() {
    const now = Math.floor(Date.now() / 1000);
    let dropped = 0;
    let jti = 0;
    for (;;) {
      const due = [...(await this.storage.list({ prefix: EXP, end: indexKey(now + 1, ""), limit: PRUNE_PAGE })).keys()];
      if (due.length === 0) break;
      const records = await this.storage.get(due.map(recordOf));
      // A record rewritten later (a newer logout) has a later entry, and stays until then.
      const gone = [...records].filter(([key, value]) => this.until(key, value) <= now).map(([key]) => key);
      await this.storage.delete([...due, ...gone]);
      dropped += gone.length;
      jti += gone.filter((key) => key.startsWith("jti:")).length;
    }
    if (dropped > 0) console.log(`oidc-edge worker: session store: ${dropped} records dropped (${jti} jti)`);
    const [next] = (await this.storage.list({ prefix: EXP, limit: 1 })).keys();
    if (next !== undefined) await this.storage.setAlarm(Number(next.slice(EXP.length, EXP.length + 16)) * 1000);
  }
}

const sessionsOf = (env, iss) => env.SESSIONS.get(env.SESSIONS.idFromName(iss));
const ask = async (stub, path, body) =>
  (await stub.fetch(`https://sessions${path}`, { method: "POST", body: JSON.stringify(body) })).json();
// What the object reads of a token's claims.
const sessionClaims = ({ sid, sub, iat }) => ({ sid, sub, iat });

/**
 * Whose logout tokens the endpoint takes: each configured issuer, its jwksUri with the key timings the edge uses
 * for it, the RP's client_id there.
 */
function logoutIssuers(env) {
  const all = env.ISSUERS ? issuersOf(env) : [{ issuer: env.ISSUER, jwksUri: env.JWKS_URI }];
  return new Map(all.filter(isObject).map((i) => [i.issuer, {
    issuer: i.issuer, jwksUri: i.jwksUri, jwksCache: i.jwksCache ?? jwksCacheOf(env),
    audience: i.logoutAudience ?? env.LOGOUT_AUDIENCE,
  }]));
}

// The logout-token verifiers, per isolate and one per issuer (made at its first logout): its own keys, the RP's
// client_id there as audience, jti replays refused through that issuer's Durable Object.
let logout;
function logoutVerifier(env, iss) {
  const key = configKey(env);
  if (logout?.key !== key) logout = { key, issuers: logoutIssuers(env), verifiers: new Map() };
  const config = typeof iss === "string" ? logout.issuers.get(iss) : undefined;
  if (config === undefined) return undefined;
  let verifier = logout.verifiers.get(iss);
  if (verifier === undefined) {
    const replayStore = {
      checkAndRemember: async (key, expiresAt) => (await ask(sessionsOf(env, iss), "/replay", { key, expiresAt })).fresh,
    };
    // requestScoped: a logout never awaits another request's fetch (in workerd that promise is that request's).
    const jwks = new RemoteJwks(config.jwksUri, { ...config.jwksCache, requestScoped: true });
    verifier = new TokenVerifier({ issuer: config.issuer, audience: config.audience, jwks, replayStore });
    logout.verifiers.set(iss, verifier);
  }
  return verifier;
}

/** The RP's back-channel logout endpoint (§2.5, §2.8): 200 once the sessions are ended, 400 otherwise. */
async function backchannelLogout(request, env) {
  if (request.method !== "POST") return json(405, "method_not_allowed", [["allow", "POST"]]);
  const refused = (e) => {
    console.error(`oidc-edge worker: logout token refused: ${e.code ?? e.name}: ${e.message}`);
    return json(400, "invalid_request");
  };
  let token;
  try {
    token = parseLogoutRequest(await request.text(), request.headers.get("content-type"));
  } catch (e) {
    return refused(e);
  }
  // The issuer is chosen by the token's iss before any signature work: only its own keys ever check it. A bad
  // configuration throws here: a 500 (the caller's catch), not a refused token.
  const iss = unverifiedIssuer(token);
  const verifier = logoutVerifier(env, iss);
  if (verifier === undefined) return refused(new Error(`${JSON.stringify(iss ?? null)} is not a configured issuer`));
  let claims;
  try {
    claims = await verifier.verifyLogoutTokenAsync(token);
  } catch (e) {
    return refused(e);
  }
  await ask(sessionsOf(env, claims.iss), "/revoke", { claims: sessionClaims(claims), at: Math.floor(Date.now() / 1000) });
  return new Response(null, { status: 200, headers: { "cache-control": "no-store" } });
}

/** Whether the session of these verified claims was ended by a logout after the token was issued. */
async function sessionEnded(env, claims) {
  // No sid and no sub: no session to have ended, and no round trip to the object.
  if (sessionLogoutKeys(claims).length === 0) return false;
  return (await ask(sessionsOf(env, claims.iss), "/check", { claims: sessionClaims(claims) })).revoked;
}

export default {
  async fetch(request, env, ctx) {
    // Back-channel logout is on when the Durable Object is bound and the endpoint named.
    const logoutPath = env.SESSIONS && env.BACKCHANNEL_LOGOUT_PATH;
    if (logoutPath && new URL(request.url).pathname === logoutPath) {
      try {
        return await backchannelLogout(request, env);
      } catch (e) {
        console.error(`oidc-edge worker: logout failed: ${e.code ?? e.name}: ${e.message}`);
        return json(500, "server_error");
      }
    }
    let verify;
    try {
      verify = verifierFor(env);
    } catch (e) {
      console.error(`oidc-edge worker: bad configuration: ${e.code ?? e.name}: ${e.message}`);
      return json(500, "server_error");
    }
    let result;
    try {
      result = await verify(request, ctx);
    } catch (e) {
      console.error(`oidc-edge worker: verifier failed: ${e.code ?? e.name}: ${e.message}`);
      return json(500, "server_error");
    }
    if (!result.ok) return result.response;
    if (logoutPath && result.claims) {
      let ended;
      try {
        ended = await sessionEnded(env, result.claims);
      } catch (e) {
        console.error(`oidc-edge worker: session store unreachable: ${e.message}`);
        return json(503, "temporarily_unavailable", result.headers);
      }
      if (ended) {
        const c = bearerChallenge({ code: "invalid_claim", message: "the session was ended" }, { realm: env.REALM });
        return json(c.status, "invalid_token", [...result.headers, ["www-authenticate", c.wwwAuthenticate]]);
      }
    }

    const url = new URL(request.url);
    const target = new URL(url.pathname + url.search, env.ORIGIN);
    const headers = verify.forwardHeaders(request.headers, result);
    headers.delete("host");
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    let upstream;
    try {
      upstream = await fetch(target, {
        method: request.method, headers, body: hasBody ? request.body : undefined, redirect: "manual",
      });
    } catch (e) {
      console.error(`oidc-edge worker: origin unreachable: ${e.message}`);
      return json(502, "bad_gateway", result.headers);
    }
    const response = new Response(upstream.body, upstream);
    for (const [name, value] of result.headers) {
      if (name.toLowerCase() === "vary") response.headers.append(name, value);
      else response.headers.set(name, value);
    }
    return response;
  },
};
