// Every request the package sends is bounded: no redirect is followed (a 3xx, an opaque redirect, a response
// that came through one: http_error), and each exchange has a timeout (default 5 s, option `timeout`,
// seconds). Against loopback servers that redirect to a second server serving another key, and servers that
// accept the connection and never answer; in Node, in headless Chromium (the SPA entry) and in workerd.
import { test } from "node:test";
import { SignJWT } from "jose";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import {
  RemoteJwks, TokenVerifier, clientCredentials, createEdgeVerifier, discover, exchangeCode, exchangeToken,
  introspect, refreshTokens, revoke, userinfo,
} from "oidc-edge";
import { AUDIENCE, ISSUER, ROUTES, accessToken, jwksServer, serve, signingKey } from "./support/edge-fixtures.mjs";
import { startWorker } from "./support/workerd.mjs";
import { WORKER_ENTRY, startWorkerEnv } from "./support/worker-env.mjs";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = resolve(import.meta.dirname, "../..");

/** A loopback server calling `handler(req, res)` itself (it may never answer); counts requests. */
async function raw(handler) {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get hits() { return hits; },
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** Answers every request with `status` and `Location: {target}{path}`. */
const redirector = (status, target) => raw((req, res) => {
  res.writeHead(status, { location: `${target}${req.url}` });
  res.end();
});

/** Accepts every request and never answers it (`headers: true`: sends the headers, then never ends the body). */
const staller = ({ headers = false } = {}) => raw((req, res) => {
  if (headers) {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"keys":[');
  }
});

const bearer = (tok) => ({ authorization: `Bearer ${tok}` });
const request = (tok) => new Request("https://api.example.com/api/orders", { headers: bearer(tok) });
const edge = (jwksUri, extra = {}) =>
  createEdgeVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri, routes: ROUTES, realm: "api", ...extra });

/** A fake `caches.default` (Node has no Cache API) for the Cache API path of createEdgeVerifier. */
function withFakeCacheApi(t) {
  const stored = new Map();
  globalThis.caches = {
    default: {
      async match(url) { return stored.get(String(url))?.clone(); },
      async put(url, res) { stored.set(String(url), res); },
    },
  };
  t.after(() => { delete globalThis.caches; });
  return stored;
}

const refused = (status) => (e) => {
  assert.equal(e.name, "OidcEdgeError", String(e));
  assert.equal(e.code, "http_error", e.message);
  assert.equal(e.status, status, e.message);
  assert.match(e.message, /redirects are refused/);
  return true;
};

const timedOut = (e) => {
  assert.equal(e.name, "OidcEdgeError", String(e));
  assert.equal(e.code, "http_error", e.message);
  assert.equal(e.status, undefined);
  assert.match(e.message, /timed out after 1 s/);
  return true;
};

test("a jwks_uri that redirects to another server's keys: a token signed by that key verifies nowhere", async (t) => {
  const evilKey = await signingKey("k1");
  const evil = await jwksServer([evilKey]);
  t.after(evil.close);
  const forged = await accessToken(evilKey);
  for (const status of [301, 302, 303, 307, 308]) {
    const hop = await redirector(status, evil.url);
    try {
      const jwksUri = `${hop.url}/jwks`;
      await assert.rejects(new RemoteJwks(jwksUri).getKeySet(), refused(status));
      const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: new RemoteJwks(jwksUri) });
      await assert.rejects(verifier.ensureKeys(forged), refused(status));
      assert.throws(() => verifier.verifyAccessToken(forged), { code: "key_not_found" });
      // the Async method fetches itself: no set, so the answer is the fetch's error (kept for the cooldown)
      await assert.rejects(verifier.verifyAccessTokenAsync(forged), refused(status));
      for (const cacheApi of [false, true]) {
        const res = (await edge(jwksUri, { cacheApi })(request(forged))).response;
        assert.equal(res?.status, 503, `${status}, cacheApi ${cacheApi}`);
      }
      assert.equal(evil.fetches, 0, `${status}: the redirect target is never asked`);
    } finally {
      await hop.close();
    }
  }
});

test("createEdgeVerifier through the Cache API: a redirect is neither followed nor stored", async (t) => {
  const stored = withFakeCacheApi(t);
  const evilKey = await signingKey("k1");
  const evil = await jwksServer([evilKey]);
  t.after(evil.close);
  const hop = await redirector(302, evil.url);
  t.after(hop.close);
  const verify = edge(`${hop.url}/jwks`);
  assert.equal((await verify(request(await accessToken(evilKey)))).response.status, 503);
  assert.equal(hop.hits, 1);
  assert.equal(stored.size, 0);
  assert.equal(evil.fetches, 0);
});

test("a caller's fetch gets redirect: manual and a signal; one that follows redirects anyway is refused", async (t) => {
  const good = await signingKey("k1");
  const evil = await jwksServer([good]);
  t.after(evil.close);
  const hop = await redirector(302, evil.url);
  t.after(hop.close);
  const inits = [];
  const following = (url, init) => {
    inits.push(init);
    return fetch(url, { ...init, redirect: "follow" });
  };
  await assert.rejects(new RemoteJwks(`${hop.url}/jwks`, { fetch: following }).getKeySet(), (e) => {
    assert.equal(e.code, "http_error");
    assert.equal(e.status, 200);
    assert.match(e.message, /reached through a redirect.*redirects are refused/);
    return true;
  });
  assert.equal(evil.fetches, 1, "the caller's fetch followed it");
  await assert.rejects(discover(hop.url, { fetch: following }), { code: "http_error" });
  const tokenReq = { tokenEndpoint: `${hop.url}/token`, clientAuth: { clientId: "c", clientSecret: "s" } };
  await assert.rejects(clientCredentials({ ...tokenReq, fetch: following }), { code: "http_error" });
  const stored = withFakeCacheApi(t);
  const verify = edge(`${hop.url}/jwks`, { fetch: following });
  assert.equal((await verify(request(await accessToken(good)))).response.status, 503);
  assert.equal(stored.size, 0, "a redirected answer is not put in the Cache API");
  assert.equal(inits.length, 4);
  for (const init of inits) {
    assert.equal(init.redirect, "manual");
    assert.ok(init.signal instanceof AbortSignal, "the timeout's signal reaches the caller's fetch");
  }
});

test("discovery and every endpoint helper answered with a redirect: http_error, the target never asked", async (t) => {
  // The target would answer each call with a success.
  let issuer;
  const target = await serve((req) => {
    const path = new URL(req.url, "http://x").pathname;
    const body = path.startsWith("/.well-known/")
      ? { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }
      : path === "/introspect" ? { active: true } : path === "/userinfo" ? { sub: "alice" }
      : { access_token: "at", token_type: "Bearer" };
    return { status: 200, body: JSON.stringify(body) };
  });
  t.after(target.close);
  let hits = 0;
  for (const status of [302, 307]) {
    const hop = await redirector(status, target.url);
    issuer = hop.url;
    try {
      const auth = { clientAuth: { clientId: "client", clientSecret: "secret" } };
      const calls = {
        discover: () => discover(hop.url),
        exchangeCode: () => exchangeCode({ tokenEndpoint: `${hop.url}/token`, clientAuth: { clientId: "spa" }, code: "c",
          redirectUri: "https://app.example.com/cb", codeVerifier: "v".repeat(43) }),
        refreshTokens: () => refreshTokens({ tokenEndpoint: `${hop.url}/token`, ...auth, refreshToken: "rt" }),
        clientCredentials: () => clientCredentials({ tokenEndpoint: `${hop.url}/token`, ...auth }),
        exchangeToken: () => exchangeToken({ tokenEndpoint: `${hop.url}/token`, ...auth, subjectToken: "st",
          subjectTokenType: "access_token" }),
        introspect: () => introspect({ introspectionEndpoint: `${hop.url}/introspect`, ...auth, token: "t" }),
        revoke: () => revoke({ revocationEndpoint: `${hop.url}/revoke`, ...auth, token: "t" }),
        userinfo: () => userinfo({ userinfoEndpoint: `${hop.url}/userinfo`, accessToken: "at" }),
      };
      for (const [name, call] of Object.entries(calls)) {
        await assert.rejects(call(), refused(status), `${name} ${status}`);
      }
      hits += hop.hits;
    } finally {
      await hop.close();
    }
  }
  assert.equal(hits, 16);
});

test("a server that never answers: each fetch gives up after `timeout` seconds", async (t) => {
  const silent = await staller();
  t.after(silent.close);
  const halfway = await staller({ headers: true });
  t.after(halfway.close);
  const never = () => new Promise(() => {}); // a caller's fetch that ignores the signal
  const key = await signingKey("k1");
  const tok = await accessToken(key);
  const auth = { clientAuth: { clientId: "client", clientSecret: "secret" }, timeout: 1 };
  const calls = [];
  for (const [url, fetch] of [[silent.url, undefined], [halfway.url, undefined], [silent.url, never]]) {
    calls.push(
      new RemoteJwks(`${url}/jwks`, { timeout: 1, fetch }).getKeySet(),
      new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: new RemoteJwks(`${url}/jwks`, { timeout: 1, fetch }) })
        .ensureKeys(tok),
      discover(url, { timeout: 1, fetch }),
      exchangeCode({ tokenEndpoint: `${url}/token`, clientAuth: { clientId: "spa" }, code: "c", timeout: 1, fetch,
        redirectUri: "https://app.example.com/cb", codeVerifier: "v".repeat(43) }),
      refreshTokens({ tokenEndpoint: `${url}/token`, ...auth, refreshToken: "rt", fetch }),
      clientCredentials({ tokenEndpoint: `${url}/token`, ...auth, fetch }),
      exchangeToken({ tokenEndpoint: `${url}/token`, ...auth, subjectToken: "s", subjectTokenType: "access_token", fetch }),
      introspect({ introspectionEndpoint: `${url}/introspect`, ...auth, token: "t", fetch }),
      revoke({ revocationEndpoint: `${url}/revoke`, ...auth, token: "t", fetch }),
      userinfo({ userinfoEndpoint: `${url}/userinfo`, accessToken: "at", timeout: 1, fetch }),
    );
  }
  // the edge: no key set yet, so 503 (with and without the Cache API wrapper)
  const stored = withFakeCacheApi(t);
  const edges = Promise.all([
    edge(`${silent.url}/jwks`, { timeout: 1 })(request(tok)),
    edge(`${halfway.url}/jwks`, { timeout: 1, cacheApi: false })(request(tok)),
    edge(`${silent.url}/jwks`, { timeout: 1, fetch: never })(request(tok)),
  ]);
  const outcomes = await Promise.allSettled(calls);
  for (const [i, o] of outcomes.entries()) {
    assert.equal(o.status, "rejected", `call ${i} resolved`);
    timedOut(o.reason);
  }
  assert.deepEqual((await edges).map((r) => r.response?.status), [503, 503, 503]);
  assert.equal(stored.size, 0);
});

test("without AbortSignal.timeout (older runtimes): an AbortController and a timer, cleared once answered", async (t) => {
  const { timeout } = AbortSignal;
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  const started = new Set();
  const cleared = new Set();
  AbortSignal.timeout = undefined;
  globalThis.setTimeout = (fn, ms, ...rest) => {
    const id = set(fn, ms, ...rest);
    if (fn?.name === "bound abort") started.add(id); // the controller's abort, after `timeout`
    return id;
  };
  globalThis.clearTimeout = (id) => { cleared.add(id); clear(id); };
  t.after(() => {
    AbortSignal.timeout = timeout;
    globalThis.setTimeout = set;
    globalThis.clearTimeout = clear;
  });
  const key = await signingKey("k1");
  const keys = await jwksServer([key]);
  t.after(keys.close);
  const silent = await staller();
  t.after(silent.close);
  let signal;
  const fetchSpy = (url, init) => { signal = init.signal; return fetch(url, init); };
  assert.deepEqual((await new RemoteJwks(keys.jwksUri, { timeout: 1, fetch: fetchSpy }).getKeySet()).keyIds, ["k1"]);
  assert.ok(signal instanceof AbortSignal && !signal.aborted);
  assert.equal(started.size, 1);
  assert.deepEqual([...cleared].filter((id) => started.has(id)), [...started], "the timer is cleared");
  await assert.rejects(new RemoteJwks(`${silent.url}/jwks`, { timeout: 1, fetch: fetchSpy }).getKeySet(), timedOut);
  assert.ok(signal.aborted, "the stalled fetch was aborted");
});

test("a stalled refetch keeps the last good key set: RemoteJwks, TokenVerifier and the edge", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  let stalled = false;
  const held = [];
  const keys = JSON.stringify({ keys: [k1.jwk] });
  const server = await raw((req, res) => {
    if (stalled) return held.push(res);
    res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "max-age=300" });
    res.end(keys);
  });
  t.after(server.close);
  const jwksUri = `${server.url}/jwks`;
  const t0 = Math.floor(Date.now() / 1000);
  const tok1 = await accessToken(k1);
  const tok2 = await accessToken(k2);

  const remote = new RemoteJwks(jwksUri, { timeout: 1 });
  await remote.getKeySet(undefined, { now: t0 });
  const verifier = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: new RemoteJwks(jwksUri, { timeout: 1 }) });
  await verifier.ensureKeys(tok1, { now: t0 });
  const verify = edge(jwksUri, { timeout: 1, jwksCache: { cooldown: 0 } });
  assert.equal((await verify(request(tok1))).ok, true);
  assert.equal(server.hits, 3);

  stalled = true;
  const [expired, unknownKid, atEdge] = await Promise.all([
    remote.getKeySet(undefined, { now: t0 + 400 }), // past max-age: refetch
    verifier.ensureKeys(tok2, { now: t0 + 31 }), // unknown kid after the cooldown: refetch
    verify(request(tok2)), // unknown kid at the edge: refetch
  ]);
  assert.equal(held.length, 3, "three refetches, each stalled");
  assert.deepEqual(expired.keyIds, ["k1"]);
  assert.equal(unknownKid, undefined);
  assert.equal(verifier.verifyAccessToken(tok1).sub, "alice");
  assert.throws(() => verifier.verifyAccessToken(tok2), { code: "key_not_found" });
  assert.equal(atEdge.response.status, 401, "the last set answers (unknown kid), not 503");
  assert.equal((await verify(request(tok1))).ok, true);
});

test("timeout: an integer number of seconds in 1..300, anything else invalid_request", async () => {
  const bad = [NaN, Infinity, -Infinity, -1, 1.5, "5", null, 0, 301, 5000, true, {}];
  const jwksUri = "https://idp.example.com/jwks";
  const tokenReq = { tokenEndpoint: "https://idp.example.com/token", clientAuth: { clientId: "c", clientSecret: "s" } };
  const noFetch = () => assert.fail("nothing may be fetched with a bad timeout");
  for (const timeout of bad) {
    const what = `timeout ${String(timeout)}`;
    assert.throws(() => new RemoteJwks(jwksUri, { timeout }), { code: "invalid_request" }, what);
    assert.throws(() => edge(jwksUri, { timeout }), { code: "invalid_request" }, what);
    await assert.rejects(discover("https://idp.example.com", { timeout, fetch: noFetch }), { code: "invalid_request" }, what);
    await assert.rejects(clientCredentials({ ...tokenReq, timeout, fetch: noFetch }), { code: "invalid_request" }, what);
    await assert.rejects(userinfo({ userinfoEndpoint: "https://idp.example.com/u", accessToken: "a", timeout, fetch: noFetch }),
      { code: "invalid_request" }, what);
  }
  for (const timeout of [1, 300, undefined]) {
    new RemoteJwks(jwksUri, { timeout });
    edge(jwksUri, { timeout });
  }
});

test("in workerd: the worker's JWKS fetch does not follow a redirect to another server's keys", async (t) => {
  const evilKey = await signingKey("k1");
  const evil = await jwksServer([evilKey]);
  t.after(evil.close);
  const hop = await redirector(302, evil.url);
  t.after(hop.close);
  const origin = await serve(() => ({ status: 200, body: "{}" }));
  t.after(origin.close);
  const worker = await startWorker(WORKER_ENTRY, {
    bindings: { ISSUER, AUDIENCE, JWKS_URI: `${hop.url}/jwks`, ORIGIN: origin.url, ROUTES: JSON.stringify(ROUTES), REALM: "api" },
  });
  t.after(worker.close);
  const res = await fetch(`${worker.url}/api/orders`, { headers: bearer(await accessToken(evilKey)) });
  assert.equal(res.status, 503, worker.logs.join(""));
  assert.equal(hop.hits, 1);
  assert.equal(evil.fetches, 0);
});

/**
 * A provider whose JWKS endpoint the test switches: `mode` "ok" serves `keys`; "hang" reads the request and never
 * answers; "stall" sends the status, the headers and the start of the body, then nothing.
 */
async function switchableJwks(t, keys) {
  const provider = { mode: "ok", keys };
  provider.server = await raw((req, res) => {
    if (provider.mode === "ok") {
      res.writeHead(200, { "content-type": "application/jwk-set+json", "cache-control": "max-age=300" });
      res.end(JSON.stringify({ keys: provider.keys.map((k) => k.jwk) }));
    } else if (provider.mode === "stall") {
      res.writeHead(200, { "content-type": "application/jwk-set+json" });
      res.write('{"keys":[');
    }
  });
  provider.jwksUri = `${provider.server.url}/jwks`;
  t.after(provider.server.close);
  return provider;
}

/** A request to the worker, timed, its body read. */
async function timed(worker, path, init = {}) {
  const t0 = performance.now();
  const res = await fetch(`${worker.url}${path}`, init);
  const body = await res.text();
  return { status: res.status, body, wwwAuthenticate: res.headers.get("www-authenticate"), ms: performance.now() - t0 };
}

// The worker as deployed: the package's default fetch timeout (5 s); JWKS_COOLDOWN 1 s so a retry is allowed soon.
const TIMEOUT_MS = 5000;
const endedAtTimeout = (r, what) => {
  assert.ok(r.ms >= TIMEOUT_MS - 100 && r.ms < TIMEOUT_MS + 3000, `${what}: ${Math.round(r.ms)} ms`);
};

test("in workerd: a JWKS endpoint that never answers, or stalls its body, ends the request at the timeout (503); after it recovers, 200", async (t) => {
  const k1 = await signingKey("k1");
  const tok = await accessToken(k1);
  const hang = await switchableJwks(t, [k1]);
  const stall = await switchableJwks(t, [k1]);
  hang.mode = "hang";
  stall.mode = "stall";
  const workers = [];
  for (const p of [hang, stall]) {
    const w = await startWorkerEnv([], { JWKS_URI: p.jwksUri, JWKS_COOLDOWN: "1" });
    t.after(w.close);
    workers.push(w);
  }
  const [wHang, wStall] = workers;
  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  // both cold isolates fetch at once; meanwhile a public route, which needs no key, is not held by the hung fetch
  const [hung, stalled, open] = await Promise.all([
    timed(wHang, "/api/orders", { headers: bearer(tok) }),
    timed(wStall, "/api/orders", { headers: bearer(tok) }),
    sleep(500).then(() => timed(wHang, "/health")),
  ]);
  for (const [r, what] of [[hung, "no answer"], [stalled, "a stalled body"]]) {
    assert.equal(r.status, 503, `${what}: ${r.body}`);
    assert.equal(r.wwwAuthenticate, 'Bearer realm="api"');
    assert.deepEqual(JSON.parse(r.body), { error: "temporarily_unavailable" });
    endedAtTimeout(r, what);
  }
  assert.equal(open.status, 200);
  assert.ok(open.ms < 1000, `the public route: ${Math.round(open.ms)} ms`);
  assert.deepEqual([hang.server.hits, stall.server.hits], [1, 1]);
  t.diagnostic(`no answer: 503 after ${Math.round(hung.ms)} ms; stalled body: 503 after ${Math.round(stalled.ms)} ms; `
    + `public route meanwhile: ${Math.round(open.ms)} ms`);
  // the provider recovers: the next request fetches (the cooldown, counted from the failed attempt, has passed)
  hang.mode = "ok";
  stall.mode = "ok";
  for (const w of workers) {
    const r = await timed(w, "/api/orders", { headers: bearer(tok) });
    assert.equal(r.status, 200, r.body);
  }
  assert.deepEqual([hang.server.hits, stall.server.hits], [2, 2]);
});

test("in workerd: a hung refetch for an unknown kid ends at the timeout with the set there is (401); known keys are not held; the logout endpoint too", async (t) => {
  const k1 = await signingKey("k1");
  const k2 = await signingKey("k2");
  const tok1 = await accessToken(k1);
  const tok2 = await accessToken(k2);
  const p = await switchableJwks(t, [k1]);
  const w = await startWorkerEnv([], {
    JWKS_URI: p.jwksUri, JWKS_COOLDOWN: "1", BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: "rp",
  }, { durableObjects: { SESSIONS: "SessionRevocations" } });
  t.after(w.close);
  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  assert.equal((await timed(w, "/api/orders", { headers: bearer(tok1) })).status, 200, w.logs.join(""));
  await sleep(1100);
  p.mode = "hang";
  const now = () => Math.floor(Date.now() / 1000);
  let jti = 0;
  const logout = async () => timed(w, "/backchannel-logout", {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `logout_token=${await new SignJWT({
      iss: ISSUER, aud: "rp", iat: now(), exp: now() + 120, jti: `l-${jti++}`, sub: "nobody",
      events: { "http://schemas.openid.net/event/backchannel-logout": {} },
    }).setProtectedHeader({ alg: k1.alg, kid: k1.kid, typ: "logout+jwt" }).sign(k1.privateKey)}`,
  });
  const [unknown, known, loggedOut] = await Promise.all([
    timed(w, "/api/orders", { headers: bearer(tok2) }),
    sleep(500).then(() => timed(w, "/api/orders", { headers: bearer(tok1) })),
    logout(), // its verifier's own key set, cold: its first fetch hangs too
  ]);
  assert.equal(unknown.status, 401, unknown.body);
  assert.match(unknown.wwwAuthenticate, /error="invalid_token"/);
  endedAtTimeout(unknown, "the unknown kid");
  assert.equal(known.status, 200, known.body);
  assert.ok(known.ms < 1000, `a known kid meanwhile: ${Math.round(known.ms)} ms`);
  assert.equal(loggedOut.status, 400, loggedOut.body);
  endedAtTimeout(loggedOut, "the logout endpoint");
  assert.equal(p.server.hits, 3, "the first fetch, the refetch, the logout verifier's fetch");
  t.diagnostic(`unknown kid: 401 after ${Math.round(unknown.ms)} ms; known kid meanwhile: ${Math.round(known.ms)} ms; `
    + `logout: 400 after ${Math.round(loggedOut.ms)} ms`);
  // recovered, with k2 published: both the edge and the logout endpoint fetch again (JWKS_COOLDOWN for both)
  p.mode = "ok";
  p.keys = [k1, k2];
  assert.equal((await timed(w, "/api/orders", { headers: bearer(tok2) })).status, 200);
  assert.equal((await logout()).status, 200, w.logs.join(""));
  assert.equal(p.server.hits, 5);
});

test("in Chromium (the SPA entry): a same-origin redirect is an opaque redirect (status 0), refused; a stall times out", async (t) => {
  let issuer;
  const pkg = (f) => join(root, "pkg", f);
  const server = await serveStatic(join(root, "tests/js/fixtures/spa"), {
    "/pkg/spa.js": pkg("spa.js"), "/pkg/session.js": pkg("session.js"), "/pkg/oidc_edge_spa.js": pkg("oidc_edge_spa.js"),
    "/pkg/oidc_edge_spa_bg.wasm": pkg("oidc_edge_spa_bg.wasm"), "/pkg/errors.js": pkg("errors.js"),
  }, 0, (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/moved/.well-known/openid-configuration") {
      res.writeHead(302, { location: "/elsewhere" }).end();
    } else if (path === "/elsewhere") {
      res.writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ issuer: `${issuer}/moved`, authorization_endpoint: `${issuer}/authorize` }));
    } else if (path.startsWith("/stall/")) {
      // never answered; closed with the server
    } else {
      return false;
    }
    return true;
  });
  t.after(server.close);
  issuer = server.url;
  const chromium = await launchChromium();
  t.after(chromium.close);
  const page = await chromium.context.newPage();
  await page.goto(`${server.url}/`);
  const r = await page.evaluate(async (issuer) => {
    const oidc = await import("oidc-edge/spa");
    await oidc.init();
    const fail = (p) => p.then((v) => ({ ok: v }), (e) => ({ name: e.name, code: e.code, status: e.status, message: e.message }));
    const [moved, stalled, token, badTimeout] = await Promise.all([
      fail(oidc.discover(`${issuer}/moved`)),
      fail(oidc.discover(`${issuer}/stall`, { timeout: 1 })),
      fail(oidc.exchangeCode({ tokenEndpoint: `${issuer}/stall/token`, clientAuth: { clientId: "spa" }, code: "c",
        redirectUri: "https://app.example.com/cb", codeVerifier: "v".repeat(43), timeout: 1 })),
      fail(oidc.discover(issuer, { timeout: NaN })),
    ]);
    return { moved, stalled, token, badTimeout };
  }, issuer);
  assert.equal(r.moved.code, "http_error", JSON.stringify(r.moved));
  assert.equal(r.moved.status, 0);
  assert.match(r.moved.message, /opaque redirect.*redirects are refused/);
  for (const stalled of [r.stalled, r.token]) {
    assert.equal(stalled.code, "http_error", JSON.stringify(stalled));
    assert.match(stalled.message, /timed out after 1 s/);
  }
  assert.equal(r.badTimeout.code, "invalid_request");
});
