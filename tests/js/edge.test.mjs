// RemoteJwks as a TokenVerifier's key source, and createEdgeVerifier in Node (it runs wherever Request and
// Response exist), against loopback JWKS servers that count their fetches.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JwkSet, RemoteJwks, TokenVerifier, createEdgeVerifier } from "oidc-edge";
import {
  AUDIENCE, ISSUER, ROUTES, accessToken, jwksServer, signingKey, tamper, unsigned,
} from "./support/edge-fixtures.mjs";

const now = () => Math.floor(Date.now() / 1000);

test("TokenVerifier over a RemoteJwks: ensureKeys, rotation after exactly one refetch, a kid flood", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const remote = new RemoteJwks(server.jwksUri, { cooldown: 30 });
  const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: remote });
  const t0 = now();
  const tok1 = await accessToken(k1);
  assert.throws(() => verifier.verifyAccessToken(tok1), { code: "key_not_found" }, "no keys before ensureKeys");
  await verifier.ensureKeys(tok1, { now: t0 });
  assert.equal(server.fetches, 1);
  assert.equal(verifier.verifyAccessToken(tok1).sub, "alice");
  await verifier.ensureKeys(tok1, { now: t0 + 1 });
  assert.equal(server.fetches, 1, "known kid, fresh set: no fetch");

  // rotation: the provider adds k2; a k2 token needs exactly one refetch (once the cooldown allows it)
  server.setKeys([k1, k2]);
  const tok2 = await accessToken(k2);
  await verifier.ensureKeys(tok2, { now: t0 + 31 });
  assert.equal(server.fetches, 2);
  assert.equal(verifier.verifyAccessToken(tok2).sub, "alice");
  assert.deepEqual((await remote.getKeySet(undefined, { now: t0 + 31 })).keyIds, ["k1", "k2"]);

  // a flood of unknown kids: nothing inside the cooldown, then one fetch per cooldown
  const bogus = (i) => accessToken(k1, {}, { kid: `bogus-${i}` });
  const flood = await Promise.all(Array.from({ length: 100 }, (_, i) => bogus(i)));
  await Promise.all(flood.map((tok) => verifier.ensureKeys(tok, { now: t0 + 40 })));
  assert.equal(server.fetches, 2);
  await Promise.all(flood.map((tok) => verifier.ensureKeys(tok, { now: t0 + 61 })));
  assert.equal(server.fetches, 3);
  await Promise.all(flood.map((tok) => verifier.ensureKeys(tok, { now: t0 + 75 })));
  assert.equal(server.fetches, 3);
  for (const tok of flood.slice(0, 3)) assert.throws(() => verifier.verifyAccessToken(tok), { code: "key_not_found" });

  // a refetched set with no usable key is a failed fetch: the last good set stays
  server.setKeys([{ jwk: { kty: "RSA", n: "AQAB", e: "AQAB", kid: "tiny" } }]);
  await verifier.ensureKeys(await accessToken(k1, {}, { kid: "tiny" }), { now: t0 + 100 });
  assert.equal(server.fetches, 4);
  assert.equal(verifier.verifyAccessToken(tok2).sub, "alice");
  assert.deepEqual(remote.keyIds, ["k1", "k2"]);

  // a fixed JwkSet: ensureKeys resolves at once
  const fixed = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: JwkSet.fromJson({ keys: [k1.jwk] }) });
  await fixed.ensureKeys(tok1);
  assert.equal(fixed.verifyAccessToken(tok1).sub, "alice");
  assert.throws(() => new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] } }), { code: "invalid_request" });
});

test("TokenVerifier over a RemoteJwks: the Async methods fetch the keys they need themselves", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  const server = await jwksServer([k1], { maxAge: 300 });
  t.after(server.close);
  const remote = new RemoteJwks(server.jwksUri, { cooldown: 30 });
  const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: remote });
  const t0 = now();
  const tok1 = await accessToken(k1, { exp: t0 + 5000 });

  // a malformed token, or one refused before its key is looked for, fetches nothing
  await assert.rejects(verifier.verifyAsync("not.a.token", { now: t0 }), { code: "malformed_token" });
  await assert.rejects(verifier.verifyAsync(unsigned(tok1), { now: t0 }), { code: "unsupported_algorithm" });
  assert.equal(server.fetches, 0);

  // no ensureKeys: concurrent first calls share one fetch, and all verify
  const first = await Promise.all(Array.from({ length: 20 }, () => verifier.verifyAccessTokenAsync(tok1, { now: t0 })));
  assert.deepEqual(new Set(first.map((c) => c.sub)), new Set(["alice"]));
  assert.equal(server.fetches, 1);
  assert.equal((await verifier.verifyAsync(tok1, { now: t0 + 1 })).sub, "alice");
  assert.equal(server.fetches, 1, "known kid, fresh set: no fetch");
  assert.equal(verifier.verifyAccessToken(tok1, { now: t0 + 1 }).sub, "alice", "the sync methods read the fetched set");

  // rotation: a k2 token within the cooldown is key_not_found without a fetch; after it, exactly one refetch
  server.setKeys([k1, k2]);
  const tok2 = await accessToken(k2, { exp: t0 + 1000 });
  await assert.rejects(verifier.verifyAsync(tok2, { now: t0 + 10 }), { code: "key_not_found" });
  assert.equal(server.fetches, 1);
  const rotated = await Promise.all([1, 2, 3].map(() => verifier.verifyAsync(tok2, { now: t0 + 31 })));
  assert.equal(server.fetches, 2);
  assert.deepEqual(rotated.map((c) => c.sub), ["alice", "alice", "alice"]);
  assert.equal((await verifier.verifyAccessTokenAsync(tok2, { now: t0 + 31 })).sub, "alice");

  // a flood of unknown kids: one fetch per cooldown, each token key_not_found
  const flood = await Promise.all(Array.from({ length: 50 }, (_, i) => accessToken(k1, {}, { kid: `bogus-${i}` })));
  const codes = await Promise.all(flood.map((tok) => verifier.verifyAsync(tok, { now: t0 + 61 }).catch((e) => e.code)));
  assert.deepEqual(new Set(codes), new Set(["key_not_found"]));
  assert.equal(server.fetches, 3);
  await Promise.all(flood.map((tok) => verifier.verifyAsync(tok, { now: t0 + 70 }).catch(() => {})));
  assert.equal(server.fetches, 3);

  // a stale set is refetched by the next Async call; a failed refetch keeps the last good set
  assert.equal((await verifier.verifyAsync(tok1, { now: t0 + 61 + 300 })).sub, "alice");
  assert.equal(server.fetches, 4);
  server.fail();
  assert.equal((await verifier.verifyAsync(tok1, { now: t0 + 61 + 700 })).sub, "alice");
  assert.equal(server.fetches, 5);
  // the sync methods never fetch
  verifier.verify(tok1, { now: t0 + 61 + 2000 });
  assert.equal(server.fetches, 5);
});

test("TokenVerifier over a RemoteJwks: no set could be fetched, or the fetch never answers", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  server.fail();
  const tok = await accessToken(k1);
  const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: new RemoteJwks(server.jwksUri, { cooldown: 30 }) });
  const t0 = now();
  const failed = await Promise.all([1, 2].map(() => verifier.verifyAsync(tok, { now: t0 }).catch((e) => e)));
  for (const e of failed) assert.equal(e.code, "http_error");
  assert.equal(failed[0].status, 503);
  assert.equal(server.fetches, 1, "one fetch for both");
  await assert.rejects(verifier.verifyAsync(tok, { now: t0 + 5 }), { code: "http_error" }, "the error is kept for the cooldown");
  assert.equal(server.fetches, 1);
  server.fail(false);
  assert.equal((await verifier.verifyAsync(tok, { now: t0 + 30 })).sub, "alice");
  assert.equal(server.fetches, 2);

  // a fetch that never settles and ignores its abort signal: every caller is answered within the timeout
  let calls = 0;
  const never = () => { calls++; return new Promise(() => {}); };
  const stuck = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: new RemoteJwks(server.jwksUri, { fetch: never, timeout: 1 }) });
  const started = Date.now();
  const answers = await Promise.all([1, 2, 3].map(() => stuck.verifyAsync(tok).catch((e) => e.code)));
  assert.deepEqual(answers, ["http_error", "http_error", "http_error"]);
  assert.equal(calls, 1);
  assert.ok(Date.now() - started < 4000, `answered after ${Date.now() - started} ms`);
});

function verifierFor(server, extra = {}) {
  return createEdgeVerifier({
    issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES, realm: "api", ...extra,
  });
}

const get = (path, headers = {}, method = "GET") => new Request(`https://api.example.com${path}`, { method, headers });
const bearer = (tok) => ({ authorization: `Bearer ${tok}` });

test("createEdgeVerifier: every answer of the table", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const verify = verifierFor(server);
  const good = await accessToken(k1);

  let r = await verify(get("/api/orders?x=1", bearer(good)));
  assert.equal(r.ok, true);
  assert.equal(r.claims.sub, "alice");
  assert.deepEqual(r.scopes, ["orders.read"]);
  assert.equal(r.route, "/api/orders");
  assert.equal(server.fetches, 1);

  r = await verify(get("/health"));
  assert.equal(r.ok, true);
  assert.equal(r.claims, undefined);

  const expect = async (req, status, challenge) => {
    const res = (await verify(req)).response;
    assert.ok(res instanceof Response);
    assert.equal(res.status, status, `${req.method} ${req.url}`);
    if (challenge !== undefined) assert.equal(res.headers.get("www-authenticate"), challenge);
    return res;
  };
  const invalid = 'Bearer realm="api", error="invalid_token"';
  await expect(get("/api/orders"), 401, 'Bearer realm="api"');
  await expect(get("/api/orders", { authorization: "Basic YTpi" }), 401, 'Bearer realm="api"');
  await expect(get("/api/orders", { authorization: "Bearer" }), 401, invalid);
  await expect(get("/api/orders", { authorization: "Bearer a b" }), 401, invalid);
  await expect(get("/api/orders", bearer(await accessToken(k1, { exp: now() - 10 }))), 401, invalid);
  await expect(get("/api/orders", bearer(tamper(good))), 401, invalid);
  await expect(get("/api/orders", bearer(await accessToken(k1, { aud: "other" }))), 401, invalid);
  await expect(get("/api/orders", bearer(unsigned(good))), 401, invalid);
  await expect(get("/api/orders", bearer(await accessToken(k1, { scope: "profile" }))), 403,
    'Bearer realm="api", error="insufficient_scope", scope="orders.read"');
  await expect(get("/api/orders/7", bearer(good), "POST"), 403,
    'Bearer realm="api", error="insufficient_scope", scope="orders.write"');
  assert.equal((await verify(get("/api/orders/7", bearer(await accessToken(k1, { scope: "admin" })), "PUT"))).ok, true);
  const nf = await expect(get("/nope", bearer(good)), 404);
  assert.deepEqual(await nf.json(), { error: "not_found" });
  await expect(get("/api/a//b", bearer(good)), 400);
  await expect(get("/api/%2e%2e%2fhealth", bearer(good)), 400);
  assert.equal(server.fetches, 1, "tampered / unsigned / wrong-audience tokens with a known kid fetch nothing");
});

test("createEdgeVerifier: paths an origin may read as another route are 400; odd methods 405 with Allow", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const verify = verifierFor(server);
  const token = bearer(await accessToken(k1, { scope: "profile" }));
  for (const path of [
    "/api/%6Frders", "/api/%4Frders", "/api/ORDERS", "/api/Orders", "/api/orders;v=1", "/api/orders%3B",
    "/api/%256Frders", "/api/orders%00", "/api/orders.", "/api/orders%20", "/api/%EF%BD%8Frders",
  ]) {
    const r = await verify(get(path, token));
    assert.equal(r.ok, false, `${path} went through to ${r.route}`);
    assert.equal(r.response.status, 400, path);
    assert.deepEqual(await r.response.json(), { error: "invalid_request" }, path);
  }
  assert.equal((await verify(get("/api/orders", token))).response.status, 403, "the scoped route is still the one that answers");
  assert.equal((await verify(get("/api/files/a%20b", token))).route, "/api/*");
  // fetch's Request refuses CONNECT and TRACE; runtimes and adapters may still hand such requests over
  const like = (method, path) => ({ method, url: `https://api.example.com${path}`, headers: new Headers(token) });
  for (const [method, path, allow] of [
    ["CONNECT", "/api/orders", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"],
    ["TRACE", "/health", "GET"],
    ["TRACK", "/api/orders/7", "POST, PUT, GET, HEAD, PATCH, DELETE, OPTIONS"],
    ["patch", "/api/orders/7", "POST, PUT, GET, HEAD, PATCH, DELETE, OPTIONS"],
    ["CONNECT", "/nope", ""],
  ]) {
    const r = await verify(like(method, path));
    assert.equal(r.response.status, 405, `${method} ${path}`);
    assert.equal(r.response.headers.get("allow"), allow, `${method} ${path}`);
    assert.deepEqual(await r.response.json(), { error: "method_not_allowed" });
  }
  assert.equal((await verify(get("/api/x", token, "PROPFIND"))).ok, true, "upper-case extension methods are routed");
  assert.equal(server.fetches, 1);
});

test("createEdgeVerifier: forwardHeaders strips every spelling of identity and rewriting headers and sets the identity", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const forged = {
    X_Auth_Subject: "admin", "x-auth-scopes": "admin", "X-AUTH_ROLE": "root", "X-Original-URL": "/admin",
    x_rewrite_url: "/admin", "X-HTTP-Method-Override": "DELETE", x_http_method: "DELETE", "X-Method-Override": "PUT",
    "X-Tenant": "t", "x-keep": "1",
  };
  const verify = verifierFor(server);
  const ok = await verify(get("/api/orders", { ...bearer(await accessToken(k1, { sub: "J\u00f6rg" })), ...forged }));
  assert.deepEqual(ok.identityHeaders, [["X-Auth-Subject", "J%C3%B6rg"], ["X-Auth-Scopes", "orders.read"]]);
  const headers = verify.forwardHeaders(get("/api/orders", forged).headers, ok);
  assert.deepEqual(Object.fromEntries(headers), {
    "x-auth-subject": "J%C3%B6rg", "x-auth-scopes": "orders.read", "x-tenant": "t", "x-keep": "1",
  });
  const pub = await verify(get("/health", { ...forged, authorization: "Bearer x" }));
  assert.deepEqual(pub.identityHeaders, []);
  assert.deepEqual(Object.fromEntries(verify.forwardHeaders(get("/health", forged).headers, pub)), { "x-tenant": "t", "x-keep": "1" });

  const custom = verifierFor(server, { stripHeaders: ["x_tenant"], keepHeaders: "X-HTTP-Method-Override", keepAuthorization: true });
  const kept = custom.forwardHeaders(get("/health", { ...forged, authorization: "Bearer x" }).headers);
  assert.deepEqual(Object.fromEntries(kept), { authorization: "Bearer x", "x-http-method-override": "DELETE", "x-keep": "1" });
  for (const bad of [{ stripHeaders: ["x auth"] }, { keepHeaders: ["X-Auth-Subject"] }, { keepHeaders: 5 }, { keepAuthorization: "yes" }]) {
    assert.throws(() => verifierFor(server, bad), { code: "invalid_request" }, JSON.stringify(bad));
  }
});

test("createEdgeVerifier: the claims are the payload as signed (its member order), verified or from the cache", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const tok = await accessToken(k1, { zeta: 1, alpha: { y: [1, 2.5, "é"], b: null }, big: 12345678901234567890 });
  const order = ["iss", "aud", "sub", "scope", "iat", "exp", "zeta", "alpha", "big"];
  for (const tokenCache of [undefined, { maxEntries: 10 }]) {
    const verify = verifierFor(server, tokenCache ? { tokenCache } : {});
    for (const round of [1, 2]) {
      const r = await verify(get("/api/orders", bearer(tok)));
      assert.equal(r.ok, true);
      assert.deepEqual(Object.keys(r.claims), order, `cache ${!!tokenCache}, round ${round}`);
      assert.deepEqual(Object.keys(r.claims.alpha), ["y", "b"]);
      assert.deepEqual(r.claims.alpha.y, [1, 2.5, "é"]);
      assert.equal(r.claims.big, 12345678901234567890);
      r.claims.sub = "mallory"; // a fresh object each time
    }
  }
});

test("createEdgeVerifier: CORS preflight, CORS on failures, the token cache, bad configurations", async (t) => {
  const k1 = await signingKey("k1");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const verify = verifierFor(server, {
    cors: { allowedOrigins: ["https://app.example.com"], maxAge: 120 },
    tokenCache: { maxEntries: 100 },
    routes: JSON.stringify(ROUTES),
  });
  const origin = "https://app.example.com";
  let r = await verify(get("/api/orders", {
    origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization",
  }, "OPTIONS"));
  assert.equal(r.response.status, 204);
  assert.equal(r.response.headers.get("access-control-allow-origin"), origin);
  assert.equal(r.response.headers.get("access-control-max-age"), "120");
  r = await verify(get("/api/orders", { origin: "https://evil.example", "access-control-request-method": "GET" }, "OPTIONS"));
  assert.equal(r.response.status, 403);
  assert.equal(r.response.headers.get("access-control-allow-origin"), null);
  r = await verify(get("/api/orders", { origin }));
  assert.equal(r.response.status, 401);
  assert.equal(r.response.headers.get("access-control-allow-origin"), origin);
  assert.match(r.response.headers.get("access-control-expose-headers"), /WWW-Authenticate/);

  const tok = await accessToken(k1);
  r = await verify(get("/api/orders", { ...bearer(tok), origin }));
  assert.equal(r.ok, true);
  assert.deepEqual(new Headers(r.headers).get("access-control-allow-origin"), origin);
  assert.equal(verify.cachedTokens, 1);
  r = await verify(get("/api/orders", bearer(tok)));
  assert.equal(r.ok, true);
  assert.equal(verify.cachedTokens, 1);
  const narrow = await accessToken(k1, { scope: "profile" });
  assert.equal((await verify(get("/api/x", bearer(narrow)))).ok, true);
  assert.equal((await verify(get("/api/orders", bearer(narrow)))).response.status, 403, "scopes checked on a cache hit");
  assert.deepEqual(verify.keyIds, ["k1"]);

  for (const bad of [
    {}, { issuer: ISSUER, audience: AUDIENCE, routes: ROUTES },
    { issuer: ISSUER, audience: AUDIENCE, jwksUri: "http://idp.example.com/jwks", routes: ROUTES },
    { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: "not json" },
    { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES, tokenCache: { maxEntries: 0 } },
    { issuer: ISSUER, audience: AUDIENCE, jwksUri: server.jwksUri, routes: ROUTES, unknown: 1 },
  ]) {
    assert.throws(() => createEdgeVerifier(bad), { name: "OidcEdgeError", code: "invalid_request" }, JSON.stringify(bad));
  }
  assert.throws(() => createEdgeVerifier(null), { code: "invalid_request" });
});

test("createEdgeVerifier: JWKS down → 503, then served once it is back; rotation needs one refetch", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  const server = await jwksServer([k1]);
  t.after(server.close);
  server.fail();
  const verify = verifierFor(server, { jwksCache: { cooldown: 1 } });
  const tok1 = await accessToken(k1);
  const res = (await verify(get("/api/orders", bearer(tok1)))).response;
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="api"');
  assert.equal((await verify(get("/health"))).ok, true, "public routes need no keys");
  server.fail(false);
  await new Promise((ok) => setTimeout(ok, 1100));
  assert.equal((await verify(get("/api/orders", bearer(tok1)))).ok, true);
  const before = server.fetches;
  server.setKeys([k1, k2]);
  await new Promise((ok) => setTimeout(ok, 1100));
  const tok2 = await accessToken(k2);
  const [a, b] = await Promise.all([verify(get("/api/orders", bearer(tok2))), verify(get("/api/orders", bearer(tok2)))]);
  // the first fetches; the second waits for that fetch on its own timers (never on its promise): both verify
  assert.equal(a.ok, true);
  assert.equal(b.ok, true);
  assert.equal(server.fetches, before + 1, "two concurrent requests, one refetch");
  assert.equal((await verify(get("/api/orders", bearer(tok2)))).ok, true);
});

test("createEdgeVerifier: the JWKS goes through the Cache API when there is one; refetches bypass and refresh it", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  const server = await jwksServer([k1]);
  t.after(server.close);
  const stored = new Map();
  const calls = [];
  globalThis.caches = {
    default: {
      async match(url) { calls.push(["match", String(url)]); return stored.get(String(url))?.clone(); },
      async put(url, res) { calls.push(["put", String(url)]); stored.set(String(url), res); },
    },
  };
  t.after(() => { delete globalThis.caches; });
  const tok1 = await accessToken(k1);
  const first = verifierFor(server, { jwksCache: { cooldown: 1 } });
  assert.equal((await first(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 1);
  assert.deepEqual(calls.map((c) => c[0]), ["match", "put"]);
  // another isolate: served from the Cache API, the provider is not asked
  const second = verifierFor(server, { jwksCache: { cooldown: 1 } });
  assert.equal((await second(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 1);
  // rotation: the unknown-kid refetch skips the cached copy and replaces it
  server.setKeys([k1, k2]);
  await new Promise((ok) => setTimeout(ok, 1100));
  assert.equal((await second(get("/api/orders", bearer(await accessToken(k2))))).ok, true);
  assert.equal(server.fetches, 2);
  assert.deepEqual(calls.slice(3).map((c) => c[0]), ["put"]);
  const third = verifierFor(server, { cacheApi: false });
  assert.equal((await third(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 3, "cacheApi: false");

  // a copy stored longer ago than its max-age (300 s) is stale in the isolate that reads it: it is refetched
  // (once the cooldown allows) instead of being trusted for another max-age
  const [url, res] = [...stored][0];
  const aged = new Response(await res.clone().text(), res);
  aged.headers.set("x-oidc-edge-stored-at", String(now() - 400));
  stored.set(url, aged);
  const fourth = verifierFor(server, { jwksCache: { cooldown: 1 } });
  assert.equal((await fourth(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 3, "served from the Cache API");
  await new Promise((ok) => setTimeout(ok, 1100));
  assert.equal((await fourth(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 4, "stale: refetched");
  // a recent copy stays fresh
  const fifth = verifierFor(server, { jwksCache: { cooldown: 1 } });
  assert.equal((await fifth(get("/api/orders", bearer(tok1)))).ok, true);
  await new Promise((ok) => setTimeout(ok, 1100));
  assert.equal((await fifth(get("/api/orders", bearer(tok1)))).ok, true);
  assert.equal(server.fetches, 4, "fresh copy: no refetch");
});
