// createEdgeVerifier at scale (issue 19): several issuers, each its own JWKS server, audiences and algorithms
// (the token's unverified `iss` chooses before any signature work; routes may name their issuers); claims
// forwarded to the origin as headers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEdgeVerifier } from "oidc-edge";
import { AUDIENCE, ISSUER, accessToken, jwksServer, signingKey } from "./support/edge-fixtures.mjs";

const OTHER = "https://other-idp.example.com";
const get = (path, token) =>
  new Request(`https://api.example.com${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const ROUTES = [
  { method: "GET", path: "/partners/*", issuers: [OTHER] },
  { method: "GET", path: "/api/*", scopes: "orders.read" },
];

test("createEdgeVerifier: several issuers, each with its own keys, audiences and algorithms", async (t) => {
  const a = await signingKey("a1");
  const b = await signingKey("b1", "EdDSA");
  const serverA = await jwksServer([a]);
  const serverB = await jwksServer([b]);
  t.after(serverA.close);
  t.after(serverB.close);
  const verify = createEdgeVerifier({
    issuers: [
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: serverA.jwksUri, algorithms: ["ES256"] },
      { issuer: OTHER, audience: ["partner-api", "other"], jwksUri: serverB.jwksUri, algorithms: ["EdDSA"] },
    ],
    routes: ROUTES,
    realm: "api",
    tokenCache: { maxEntries: 100 },
  });
  const tokA = await accessToken(a);
  const tokB = await accessToken(b, { iss: OTHER, aud: "partner-api", sub: "bob" });

  const status = async (path, token) => {
    const r = await verify(get(path, token));
    return r.ok ? r.claims.sub : r.response.status;
  };
  assert.equal(await status("/api/orders", tokA), "alice");
  assert.equal([serverA.fetches, serverB.fetches].join(), "1,0", "only the token's issuer's keys are fetched");
  assert.equal(await status("/api/orders", tokB), "bob");
  assert.equal(await status("/partners/x", tokB), "bob");
  assert.equal([serverA.fetches, serverB.fetches].join(), "1,1");
  assert.deepEqual(verify.keyIds, ["a1", "b1"]);
  // from the token cache too
  assert.equal(await status("/api/orders", tokB), "bob");
  assert.equal(verify.cachedTokens, 2);

  const refused = async (path, token) => {
    const r = await verify(get(path, token));
    assert.equal(r.ok, false, path);
    assert.equal(r.response.status, 401, path);
    assert.match(r.response.headers.get("www-authenticate"), /error="invalid_token"/);
  };
  // the route takes only the other issuer
  await refused("/partners/x", tokA);
  // each issuer's audience, algorithms and keys are its own
  await refused("/api/orders", await accessToken(b, { iss: OTHER }));
  await refused("/api/orders", await accessToken(a, { iss: OTHER, aud: "partner-api" }));
  const bAsEs = await signingKey("b1");
  await refused("/api/orders", await accessToken(bAsEs, { iss: OTHER, aud: "partner-api" }));
  // an issuer that is not configured, or none: no key is fetched for it
  const before = serverA.fetches + serverB.fetches;
  await refused("/api/orders", await accessToken(a, { iss: "https://evil.example.com" }));
  await refused("/api/orders", await accessToken(a, { iss: undefined }));
  assert.equal(serverA.fetches + serverB.fetches, before);
});

test("createEdgeVerifier: several issuers, configuration errors name the field", () => {
  const one = { issuer: ISSUER, audience: AUDIENCE, jwksUri: "https://idp.example.com/jwks" };
  const base = { routes: ROUTES.slice(1) };
  for (const [config, field] of [
    [{ ...base, issuers: [one], issuer: ISSUER }, /issuers: /],
    [{ ...base, issuers: [one, { ...one }] }, /issuers\[1\]\.issuer/],
    [{ ...base, issuers: [one, { ...one, issuer: OTHER, algorithms: ["none"] }] }, /issuers\[1\]\.algorithms/],
    [{ ...base, issuers: [one, { ...one, issuer: OTHER, jwksUri: "not a url" }] }, /issuers\[1\]\.jwksUri/],
    [{ ...base, issuers: [{ issuer: ISSUER, audience: AUDIENCE }] }, /jwksUri/],
    [{ ...base, issuers: [{ ...one, audiences: "x" }] }, /audiences/],
    [{ routes: ROUTES, issuers: [one] }, /names issuer/],
    [{ ...base }, /issuer/],
  ]) {
    assert.throws(() => createEdgeVerifier(config), (e) => {
      assert.equal(e.code, "invalid_request", JSON.stringify(config));
      assert.match(e.message, field);
      return true;
    });
  }
});

test("createEdgeVerifier: claims forwarded as headers (nested, arrays, the payload), within the cap", async (t) => {
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const verify = createEdgeVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1),
    claimHeaders: {
      "X-Auth-Email": "email", "X-Org-Id": "org.id", "X-Auth-Roles": "realm_access.roles",
      "X-Auth-Tier": "https://example.com/tier", "X-Auth-Big": "big", "X-Auth-None": "nope.x",
    },
    forwardPayload: "X-Auth-Claims",
    claimHeaderMaxBytes: 1024,
  });
  const token = await accessToken(a, {
    email: "a@example.com", org: { id: "o-1" }, realm_access: { roles: ["admin", "read,write", "J\u00f6rg"] },
    "https://example.com/tier": "gold", big: "x".repeat(1025),
  });
  const forged = { "x-org-id": "o-evil", x_org_id: "o-evil", "x-auth-claims": "e30", authorization: `Bearer ${token}` };
  const req = new Request("https://api.example.com/api/x", { headers: forged });
  const r = await verify(req);
  assert.equal(r.ok, true);
  const h = Object.fromEntries(verify.forwardHeaders(req.headers, r));
  assert.equal(h["x-auth-email"], "a@example.com");
  assert.equal(h["x-org-id"], "o-1");
  assert.equal(h["x-auth-roles"], "admin,read%2Cwrite,J%C3%B6rg");
  assert.equal(h["x-auth-tier"], "gold");
  assert.equal(h["x-auth-big"], undefined, "over the cap: left out, never cut");
  assert.equal(h["x-auth-none"], undefined);
  assert.equal(h.authorization, undefined, "the token is removed by default");
  assert.equal(h["x-auth-claims"], undefined, "a payload over the cap is left out too (and the forged one removed)");

  // a token without those claims: none of the forged values survive
  const plain = await accessToken(a);
  const req2 = new Request("https://api.example.com/api/x", { headers: { ...forged, authorization: `Bearer ${plain}` } });
  const h2 = Object.fromEntries(verify.forwardHeaders(req2.headers, await verify(req2)));
  assert.equal(h2["x-org-id"], undefined);
  assert.equal(h2["x-auth-claims"], plain.split(".")[1], "the payload as signed");
  assert.equal(JSON.parse(Buffer.from(h2["x-auth-claims"], "base64url")).sub, "alice");

  for (const [extra, message] of [
    [{ claimHeaders: { "X-Auth-Subject": "sub" } }, /^claimHeaders: /],
    [{ claimHeaders: { Cookie: "sub" } }, /^claimHeaders: /],
    [{ claimHeaders: { "X-A": "a..b" } }, /^claimHeaders: /],
    [{ claimHeaders: { "X-A": 5 } }, /claimHeaders|string/],
    [{ forwardPayload: "Host" }, /^forwardPayload: /],
    [{ claimHeaderMaxBytes: 0 }, /claimHeaderMaxBytes/],
  ]) {
    assert.throws(() => createEdgeVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), ...extra }),
      (e) => e.code === "invalid_request" && message.test(e.message));
  }
});

test("createEdgeVerifier with dpop: DPoP tokens with their proofs, replays refused, DPoP challenges with algs", async (t) => {
  const { dpopClient, dpopProof } = await import("./support/dpop-client.mjs");
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const verify = createEdgeVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), realm: "api",
    dpop: { algorithms: ["ES256", "EdDSA"], maxAge: 60 }, tokenCache: { maxEntries: 10 },
  });
  const url = "https://api.example.com/api/orders?page=2";
  for (const alg of ["ES256", "EdDSA"]) {
    const client = await dpopClient(alg);
    const token = await accessToken(a, { cnf: { jkt: client.jkt } });
    const p = await dpopProof(client, "GET", url, token);
    const req = () => new Request(url, { headers: { authorization: `DPoP ${token}`, dpop: p } });
    const r = await verify(req());
    assert.equal(r.ok, true, alg);
    assert.equal(r.claims.cnf.jkt, client.jkt);
    // the same proof again
    const again = await verify(req());
    assert.equal(again.response.status, 401);
    assert.equal(again.response.headers.get("www-authenticate"),
      'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA"');
    assert.deepEqual(await again.response.json(), { error: "invalid_dpop_proof" });
    // as Bearer: refused
    const bearer = await verify(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
    assert.equal(bearer.response.status, 401);
    assert.match(bearer.response.headers.get("www-authenticate"), /^Bearer realm="api", error="invalid_token"/);
  }
  assert.equal(verify.cachedTokens, 0);
  const client = await dpopClient();
  const token = await accessToken(a, { cnf: { jkt: client.jkt } });
  const refused = async (headers, error) => {
    const r = await verify(new Request(url, { headers: { authorization: `DPoP ${token}`, ...headers } }));
    assert.equal(r.ok, false, JSON.stringify(headers));
    assert.equal(r.response.status, 401);
    assert.match(r.response.headers.get("www-authenticate"), new RegExp(`^DPoP realm="api", error="${error}"`));
  };
  await refused({}, "invalid_dpop_proof");
  await refused({ dpop: await dpopProof(client, "POST", url, token) }, "invalid_dpop_proof");
  await refused({ dpop: await dpopProof(client, "GET", "https://other.example.com/api/orders", token) }, "invalid_dpop_proof");
  await refused({ dpop: await dpopProof(await dpopClient(), "GET", url, token) }, "invalid_dpop_proof");
  await refused({ dpop: await dpopProof(client, "GET", url, token, { iat: Math.floor(Date.now() / 1000) - 600 }) }, "invalid_dpop_proof");
  await refused({ dpop: await dpopProof(await dpopClient("RS256"), "GET", url, token) }, "invalid_dpop_proof");
  const expired = await accessToken(a, { cnf: { jkt: client.jkt }, exp: Math.floor(Date.now() / 1000) - 5 });
  const r = await verify(new Request(url, {
    headers: { authorization: `DPoP ${expired}`, dpop: await dpopProof(client, "GET", url, expired) },
  }));
  assert.match(r.response.headers.get("www-authenticate"), /^DPoP realm="api", error="invalid_token"/);
  // no token: both schemes offered
  const none = await verify(new Request(url));
  assert.equal(none.response.headers.get("www-authenticate"), 'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"');
  for (const [dpop, message] of [
    [{ algorithms: ["HS256"] }, /dpop\.algorithms/], [{ maxAge: 0 }, /dpop\.maxAge/], [{ replayEntries: 0 }, /dpop\.replayEntries/],
    [{ nonce: "x" }, /nonce/],
  ]) {
    assert.throws(() => createEdgeVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), dpop }),
      (e) => e.code === "invalid_request" && message.test(e.message));
  }
});

test("createEdgeVerifier keys: refreshed in the background before expiry (ctx.waitUntil); stale served up to maxStale", async (t) => {
  const { serve } = await import("./support/edge-fixtures.mjs");
  const a = await signingKey("a1");
  let fetches = 0;
  let failing = false;
  let headers = { "content-type": "application/json", "cache-control": "max-age=100", age: "92" };
  const server = await serve(() => {
    fetches++;
    if (failing) return { status: 503, body: "" };
    return { status: 200, headers, body: JSON.stringify({ keys: [a.jwk] }) };
  });
  t.after(server.close);
  const config = {
    issuer: ISSUER, audience: AUDIENCE, jwksUri: `${server.url}/jwks`, routes: ROUTES.slice(1), cacheApi: false,
  };
  const verify = createEdgeVerifier({ ...config, jwksCache: { cooldown: 1 } });
  const token = await accessToken(a);
  const waited = [];
  const ctx = { waitUntil: (p) => waited.push(p) };
  const req = () => new Request("https://api.example.com/api/x", { headers: { authorization: `Bearer ${token}` } });
  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  assert.equal((await verify(req(), ctx)).ok, true);
  assert.equal(waited.length, 0, "just fetched: the cooldown holds");
  await sleep(1100);
  // 93 s into 100 s of freshness: the answer comes first, the refresh after it, through ctx.waitUntil
  assert.equal((await verify(req(), ctx)).ok, true);
  assert.equal(fetches, 1);
  assert.equal(waited.length, 1);
  await Promise.all(waited);
  assert.equal(fetches, 2);
  assert.equal((await verify(req(), ctx)).ok, true);
  assert.equal(waited.length, 1, "within the cooldown: no second refresh");
  assert.equal(fetches, 2);

  // maxStale: a set 2 s fresh, then the provider down; served 1 s past its freshness, then dropped
  headers = { "content-type": "application/json", "cache-control": "max-age=2" };
  const stale = createEdgeVerifier({ ...config, jwksCache: { minMaxAge: 1, cooldown: 1, maxStale: 1 } });
  const before = fetches;
  assert.equal((await stale(req())).ok, true);
  failing = true;
  await sleep(2100);
  assert.equal((await stale(req())).ok, true, "just expired, the fetch failed: the stale set is served");
  await sleep(2600);
  const r = await stale(req());
  assert.equal(r.ok, false);
  assert.equal(r.response.status, 503, "past maxStale: dropped");
  assert.ok(fetches - before >= 3);
  failing = false;
  await sleep(1100);
  assert.equal((await stale(req())).ok, true, "back once the provider answers");
});

test("createEdgeVerifier metrics: counters, Analytics Engine data points or JSON log lines; the readiness route", async (t) => {
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const points = [];
  const analytics = { writeDataPoint: (p) => points.push(p) };
  const config = {
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), readinessPath: "/ready",
    tokenCache: { maxEntries: 10 },
  };
  const verify = createEdgeVerifier({ ...config, metrics: { analytics } });
  const get = (path, token) =>
    new Request(`https://api.example.com${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const token = await accessToken(a);

  // readiness: the probe loads the keys
  let r = await verify(get("/ready"));
  assert.equal(r.response.status, 200);
  assert.deepEqual(await r.response.json(), { ready: true, issuers: [{ issuer: ISSUER, keys: 1 }] });
  assert.equal(server.fetches, 1);
  assert.equal((await verify(get("/api/orders", token))).ok, true);
  assert.equal((await verify(get("/api/orders", token))).ok, true);
  assert.equal((await verify(get("/api/orders"))).ok, false);
  assert.equal((await verify(get("/api/orders", await accessToken(a, { scope: "x" })))).ok, false);
  assert.equal((await verify(get("/api/orders", await accessToken(a, { exp: 1 })))).ok, false);
  assert.deepEqual(verify.metrics, {
    allowed: 2, cacheHits: 1, staleServed: 0, jwks: { ok: 1, failed: 0 },
    denied: { missing_token: 1, insufficient_scope: 1, token_expired: 1 }, answered: { ready: 1 },
  });
  assert.deepEqual(points.map((p) => p.blobs.slice(0, 2)), [
    ["jwks_fetch", "ok"], ["answered", "ready"], ["allowed", ""], ["allowed", ""],
    ["denied", "missing_token"], ["denied", "insufficient_scope"], ["denied", "token_expired"],
  ]);
  assert.deepEqual(points[2], { indexes: ["allowed"], blobs: ["allowed", "", "/api/*"], doubles: [1, 200] });

  // no sink: JSON log lines with log: true
  const lines = [];
  const log = t.mock.method(console, "log", (line) => lines.push(JSON.parse(line)));
  const logged = createEdgeVerifier({ ...config, metrics: { log: true } });
  await logged(get("/api/orders", token));
  log.mock.restore();
  assert.deepEqual(lines.map((l) => l.oidcEdge), ["jwks_fetch", "allowed"]);
  assert.equal(lines[1].route, "/api/*");

  // the keys never loaded: not ready, 503
  const down = await jwksServer([a]);
  down.fail();
  t.after(down.close);
  const cold = createEdgeVerifier({ ...config, jwksUri: down.jwksUri });
  r = await cold(get("/ready"));
  assert.equal(r.response.status, 503);
  assert.deepEqual(await r.response.json(), { ready: false, issuers: [{ issuer: ISSUER, keys: 0 }] });
  assert.deepEqual(cold.metrics.jwks, { ok: 0, failed: 1 });
  for (const metrics of [5, { analytics: {} }, { log: "yes" }, { other: 1 }]) {
    assert.throws(() => createEdgeVerifier({ ...config, metrics }), { code: "invalid_request" });
  }
});

test("createEdgeVerifier resourceMetadata: RFC 9728 document at its well-known path, resource_metadata in challenges", async (t) => {
  const { bearerChallenge } = await import("oidc-edge");
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const verify = createEdgeVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), realm: "api",
    resourceMetadata: { resource: "https://api.example.com/v1", scopesSupported: ["orders.read"], resourceName: "Orders" },
  });
  const r = await verify(new Request("https://api.example.com/.well-known/oauth-protected-resource/v1"));
  assert.equal(r.response.status, 200);
  assert.equal(r.response.headers.get("content-type"), "application/json");
  assert.deepEqual(await r.response.json(), {
    resource: "https://api.example.com/v1", authorization_servers: [ISSUER], bearer_methods_supported: ["header"],
    scopes_supported: ["orders.read"], resource_name: "Orders",
  });
  assert.equal(server.fetches, 0, "no keys needed");
  const url = "https://api.example.com/.well-known/oauth-protected-resource/v1";
  const denied = await verify(new Request("https://api.example.com/api/orders"));
  assert.equal(denied.response.headers.get("www-authenticate"), `Bearer realm="api", resource_metadata="${url}"`);
  const narrow = await verify(new Request("https://api.example.com/api/orders", {
    headers: { authorization: `Bearer ${await accessToken(a, { scope: "x" })}` },
  }));
  assert.equal(narrow.response.headers.get("www-authenticate"),
    `Bearer realm="api", error="insufficient_scope", scope="orders.read", resource_metadata="${url}"`);
  assert.equal(bearerChallenge(undefined, { resourceMetadata: url }).wwwAuthenticate, `Bearer resource_metadata="${url}"`);
  assert.throws(() => bearerChallenge(undefined, { resourceMetadata: "a b" }), { code: "invalid_request" });
  for (const resource of ["http://api.example.com", "https://api.example.com/?q", "/v1", 5]) {
    assert.throws(() => createEdgeVerifier({
      issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), resourceMetadata: { resource },
    }), (e) => e.code === "invalid_request", String(resource));
  }
});

test("createEdgeVerifier step-up (RFC 9470): a route's acrValues / maxAge answered insufficient_user_authentication", async (t) => {
  const { bearerChallenge } = await import("oidc-edge");
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const verify = createEdgeVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, realm: "api", tokenCache: { maxEntries: 10 },
    routes: [
      { method: "POST", path: "/api/pay", acrValues: ["urn:acr:mfa"], maxAge: 300 },
      { method: "GET", path: "/api/*" },
    ],
  });
  const now = Math.floor(Date.now() / 1000);
  const call = async (claims, method = "POST") => verify(new Request("https://api.example.com/api/pay", {
    method, headers: { authorization: `Bearer ${await accessToken(a, claims)}` },
  }));
  assert.equal((await call({ acr: "urn:acr:mfa", auth_time: now - 10 })).ok, true);
  const stepUp = 'Bearer realm="api", error="insufficient_user_authentication", acr_values="urn:acr:mfa", max_age="300"';
  for (const claims of [{ acr: "urn:acr:pwd", auth_time: now }, { auth_time: now }, { acr: "urn:acr:mfa", auth_time: now - 400 }, { acr: "urn:acr:mfa" }]) {
    const r = await call(claims);
    assert.equal(r.response.status, 401, JSON.stringify(claims));
    assert.equal(r.response.headers.get("www-authenticate"), stepUp);
    assert.deepEqual(await r.response.json(), { error: "insufficient_user_authentication" });
  }
  // other routes take the same token
  assert.equal((await call({ acr: "urn:acr:pwd" }, "GET")).ok, true);
  // bearerChallenge answers the error code the same way
  const challenge = bearerChallenge({ code: "insufficient_user_authentication", message: "m", acrValues: ["urn:acr:mfa"], maxAge: 300 }, { realm: "api" });
  assert.deepEqual(challenge, { status: 401, wwwAuthenticate: stepUp });
  for (const route of [
    { method: "GET", path: "/a", public: true, acrValues: ["x"] }, { method: "GET", path: "/a", acrValues: [] },
    { method: "GET", path: "/a", maxAge: -1 }, { method: "GET", path: "/a", acrValues: "x" },
  ]) {
    assert.throws(() => createEdgeVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: [route] }),
      { code: "invalid_request" }, JSON.stringify(route));
  }
});

test("createEdgeVerifier dpop.replayStore: proofs' jti checked in a store of the caller's (async), fail closed", async (t) => {
  const { dpopClient, dpopProof } = await import("./support/dpop-client.mjs");
  const a = await signingKey("a1");
  const server = await jwksServer([a]);
  t.after(server.close);
  const seen = new Map();
  let mode = "ok";
  const replayStore = {
    async checkAndRemember(key, expiresAt) {
      if (mode === "throw") throw new Error("down");
      if (mode === "odd") return "yes";
      if (seen.has(key)) return false;
      seen.set(key, expiresAt);
      return true;
    },
  };
  const base = { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), realm: "api" };
  const verify = createEdgeVerifier({ ...base, dpop: { replayStore } });
  const client = await dpopClient();
  const token = await accessToken(a, { cnf: { jkt: client.jkt } });
  const url = "https://api.example.com/api/x";
  const send = async (proof) => verify(new Request(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } }));
  const p = await dpopProof(client, "GET", url, token);
  assert.equal((await send(p)).ok, true);
  assert.equal(seen.size, 1);
  const [key, expiresAt] = [...seen][0];
  assert.match(key, /^dpop:[A-Za-z0-9_-]{43}$/);
  assert.ok(expiresAt > Math.floor(Date.now() / 1000));
  const again = await send(p);
  assert.equal(again.response.status, 401);
  assert.match(again.response.headers.get("www-authenticate"), /^DPoP realm="api", error="invalid_dpop_proof", algs=/);
  for (const m of ["throw", "odd"]) {
    mode = m;
    assert.equal((await send(await dpopProof(client, "GET", url, token))).response.status, 401, m);
  }
  // a caller cannot turn the guard's own check off
  const own = createEdgeVerifier({ ...base, dpop: { externalReplay: true } });
  const q = await dpopProof(client, "GET", url, token);
  const sendOwn = () => own(new Request(url, { headers: { authorization: `DPoP ${token}`, dpop: q } }));
  assert.equal((await sendOwn()).ok, true);
  assert.equal((await sendOwn()).response.status, 401);
  for (const store of [{}, 5, { checkAndRemember: 1 }]) {
    assert.throws(() => createEdgeVerifier({ ...base, dpop: { replayStore: store } }), { code: "invalid_request" });
  }
});

test("createEdgeVerifier jwksKv: a new verifier starts from the KV copy; refetches go to the provider and rewrite it", async (t) => {
  const a = await signingKey("a1");
  const b = await signingKey("b1");
  const server = await jwksServer([a], { maxAge: 600 });
  t.after(server.close);
  const store = new Map();
  const puts = [];
  const kv = {
    get: async (key) => (store.has(key) ? JSON.parse(store.get(key)) : null),
    put: async (key, value, opts) => { puts.push(opts); store.set(key, value); },
  };
  const config = {
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES.slice(1), cacheApi: false, jwksKv: kv,
    jwksCache: { cooldown: 0 },
  };
  const get = (token) => new Request("https://api.example.com/api/x", { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await createEdgeVerifier(config)(get(await accessToken(a)))).ok, true);
  assert.equal(server.fetches, 1);
  assert.deepEqual(puts, [{ expirationTtl: 86400 }]);
  // another isolate: from KV, no provider fetch
  const second = createEdgeVerifier(config);
  assert.equal((await second(get(await accessToken(a)))).ok, true);
  assert.equal(server.fetches, 1);
  // rotation: the unknown kid goes to the provider (no-cache) and the copy is rewritten
  server.setKeys([a, b]);
  assert.equal((await second(get(await accessToken(b)))).ok, true);
  assert.equal(server.fetches, 2);
  assert.match(JSON.parse([...store.values()][0]).body, /"b1"/);
  // a KV that fails: the provider, silently
  const broken = { get: async () => { throw new Error("kv down"); }, put: async () => { throw new Error("kv down"); } };
  assert.equal((await createEdgeVerifier({ ...config, jwksKv: broken })(get(await accessToken(a)))).ok, true);
  assert.equal(server.fetches, 3);
  assert.throws(() => createEdgeVerifier({ ...config, jwksKv: {} }), { code: "invalid_request" });
});
