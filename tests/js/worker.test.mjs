// worker/ (the edge verifier as a Cloudflare Worker) in real workerd, bundled like wrangler bundles it, with a
// loopback JWKS server (fetches counted) and a loopback origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { accessToken, signingKey, tamper, unsigned } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";

let env;
let k1;
let k2;
before(async () => {
  k1 = await signingKey("k1");
  k2 = await signingKey("k2");
  env = await startWorkerEnv([k1], {
    CORS_ALLOWED_ORIGINS: "https://app.example.com", CORS_MAX_AGE: "300", TOKEN_CACHE_SIZE: "1000",
    CLOCK_TOLERANCE: "0",
  });
});
after(() => env?.close());

const call = (path, { token, headers = {}, method = "GET", body } = {}) =>
  fetch(`${env.url}${path}`, {
    method, body,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test("a valid token is forwarded with the verified subject and scopes, forged headers stripped", async () => {
  const token = await accessToken(k1, { sub: "alice", scope: "orders.read orders.write" });
  const res = await call("/api/orders?page=2", {
    token, headers: { "x-auth-subject": "mallory", "X-Auth-Scopes": "admin", "x-auth-other": "x", "x-keep": "1" },
  });
  assert.equal(res.status, 200, env.logs.join(""));
  assert.equal(res.headers.get("x-origin"), "yes");
  const seen = await res.json();
  assert.equal(seen.method, "GET");
  assert.equal(seen.url, "/api/orders?page=2");
  assert.equal(seen.headers["x-auth-subject"], "alice");
  assert.equal(seen.headers["x-auth-scopes"], "orders.read orders.write");
  assert.equal(seen.headers["x-auth-other"], undefined);
  assert.equal(seen.headers["x-keep"], "1");
  assert.equal(seen.headers.authorization, undefined, "KEEP_AUTHORIZATION is off");
  assert.equal(env.jwks.fetches, 1);

  const post = await call("/api/orders/7", { token, method: "POST", body: '{"qty":2}', headers: { "content-type": "application/json" } });
  assert.equal(post.status, 200);
  const echoed = await post.json();
  assert.equal(echoed.method, "POST");
  assert.equal(echoed.body, '{"qty":2}');

  const pub = await call("/health", { headers: { "x-auth-subject": "mallory" } });
  assert.equal(pub.status, 200);
  const h = (await pub.json()).headers;
  assert.equal(h["x-auth-subject"], undefined, "public routes: no identity, forged one stripped");
});

test("invalid tokens: 401 with the right WWW-Authenticate; scopes: 403; no route: 404", async () => {
  const good = await accessToken(k1);
  const invalid = 'Bearer realm="api", error="invalid_token"';
  const cases = [
    ["missing header", {}, 401, 'Bearer realm="api"'],
    ["other scheme", { headers: { authorization: "Basic YTpi" } }, 401, 'Bearer realm="api"'],
    ["malformed header", { headers: { authorization: "Bearer a b" } }, 401, invalid],
    ["not a JWT", { token: "abc" }, 401, invalid],
    ["expired", { token: await accessToken(k1, { exp: Math.floor(Date.now() / 1000) - 5 }) }, 401, invalid],
    ["tampered", { token: tamper(good) }, 401, invalid],
    ["wrong audience", { token: await accessToken(k1, { aud: "https://other.example.com" }) }, 401, invalid],
    ["wrong issuer", { token: await accessToken(k1, { iss: "https://evil.example.com" }) }, 401, invalid],
    ["alg none", { token: unsigned(good) }, 401, invalid],
    ["wrong scope", { token: await accessToken(k1, { scope: "profile" }) }, 403,
      'Bearer realm="api", error="insufficient_scope", scope="orders.read"'],
  ];
  const before = env.originHits;
  for (const [name, opts, status, challenge] of cases) {
    const res = await call("/api/orders", opts);
    assert.equal(res.status, status, name);
    assert.equal(res.headers.get("www-authenticate"), challenge, name);
    assert.equal(res.headers.get("content-type"), "application/json", name);
    const body = await res.json();
    assert.equal(typeof body.error, "string", name);
  }
  const nf = await call("/admin", { token: good });
  assert.equal(nf.status, 404);
  assert.deepEqual(await nf.json(), { error: "not_found" });
  const ambiguous = await call("/api//orders", { token: good });
  assert.equal(ambiguous.status, 400);
  assert.equal(ambiguous.headers.get("www-authenticate"), 'Bearer realm="api", error="invalid_request"');
  assert.equal(env.originHits, before, "nothing reached the origin");
});

test("CORS: preflight answered at the edge, CORS headers on errors and forwarded answers", async () => {
  const origin = "https://app.example.com";
  const pre = await call("/api/orders", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), origin);
  assert.equal(pre.headers.get("access-control-max-age"), "300");
  assert.match(pre.headers.get("access-control-allow-methods"), /GET/);
  const bad = await call("/api/orders", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
  assert.equal(bad.status, 403);
  assert.equal(bad.headers.get("access-control-allow-origin"), null);
  const unauth = await call("/api/orders", { headers: { origin } });
  assert.equal(unauth.status, 401);
  assert.equal(unauth.headers.get("access-control-allow-origin"), origin);
  assert.match(unauth.headers.get("access-control-expose-headers"), /WWW-Authenticate/);
  const ok = await call("/api/orders", { token: await accessToken(k1), headers: { origin } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), origin);
  assert.match(ok.headers.get("vary") ?? "", /Origin/);
});

test("key rotation: a token with a new kid verifies after exactly one refetch; a kid flood costs one fetch per cooldown", async () => {
  await sleep(3100); // JWKS_COOLDOWN = 3 s (whole seconds: at least 2 s of real time)
  const start = env.jwks.fetches;
  env.jwks.setKeys([k1, k2]);
  const tok2 = await accessToken(k2);
  // the request that fetches gets 200; one arriving while that fetch is in flight waits for it on its own timers
  // (never on the other request's promise) and gets 200 too
  const res = await Promise.all([call("/api/orders", { token: tok2 }), call("/api/orders", { token: tok2 })]);
  assert.deepEqual(res.map((r) => r.status), [200, 200], env.logs.join(""));
  assert.equal(env.jwks.fetches, start + 1);
  assert.equal((await call("/api/orders", { token: tok2 })).status, 200);
  assert.equal((await call("/api/orders", { token: await accessToken(k1) })).status, 200);
  assert.equal(env.jwks.fetches, start + 1);

  await sleep(3100);
  const flood = await Promise.all(Array.from({ length: 60 }, (_, i) => accessToken(k1, {}, { kid: `bogus-${i}` })));
  const answers = await Promise.all(flood.map((token) => call("/api/orders", { token })));
  assert.ok(answers.every((r) => r.status === 401));
  assert.equal(env.jwks.fetches, start + 2, "60 unknown kids, one fetch");
  const again = await Promise.all(flood.slice(0, 20).map((token) => call("/api/orders", { token })));
  assert.ok(again.every((r) => r.status === 401));
  assert.equal(env.jwks.fetches, start + 2, "within the cooldown: none");

  // the provider drops k1: once refetched, k1 tokens fail even if they were cached as verified
  await sleep(3100);
  const cachedK1 = await accessToken(k1, { jti: "cached" });
  assert.equal((await call("/api/orders", { token: cachedK1 })).status, 200);
  env.jwks.setKeys([k2]);
  assert.equal((await call("/api/orders", { token: await accessToken(k1, {}, { kid: "k3" }) })).status, 401);
  assert.equal(env.jwks.fetches, start + 3);
  assert.equal((await call("/api/orders", { token: cachedK1 })).status, 401, "token cache dropped with the key set");
});

test("origin down: 502 with a JSON body, no stack trace", async () => {
  await env.stopOrigin();
  const res = await call("/api/orders", { token: await accessToken(k2) });
  assert.equal(res.status, 502);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: "bad_gateway" });
  assert.doesNotMatch(text, /at |Error/);
  assert.equal((await call("/health")).status, 502);
});

test("KEEP_AUTHORIZATION forwards the header; a bad configuration is a 500 with the reason only in the logs", async (t) => {
  const keep = await startWorkerEnv([k1], { KEEP_AUTHORIZATION: "true" });
  t.after(keep.close);
  const token = await accessToken(k1);
  const res = await fetch(`${keep.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).headers.authorization, `Bearer ${token}`);

  const bad = await startWorkerEnv([k1], { ROUTES: '[{"method": "get", "path": "/x"}]' });
  t.after(bad.close);
  const r = await fetch(`${bad.url}/x`);
  assert.equal(r.status, 500);
  assert.deepEqual(await r.json(), { error: "server_error" });
  await sleep(100);
  assert.match(bad.logs.join(""), /bad configuration: invalid_request/);
});
