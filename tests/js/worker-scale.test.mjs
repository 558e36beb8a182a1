// worker/ in real workerd at scale (issue 19): ISSUERS (two providers, each its own loopback JWKS server,
// audiences and algorithms; a route that accepts only one of them) and CLAIM_HEADERS / FORWARD_PAYLOAD; a cold
// isolate's concurrent first fetches and a rotation's concurrent unknown-kid requests; concurrent back-channel
// logouts into a cold isolate.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { AUDIENCE, ISSUER, accessToken, jwksServer, serve, signingKey, tamper } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";
import { dpopClient, dpopProof } from "./support/dpop-client.mjs";

const PARTNER = "https://partner.example.com";
let env;
let serverA;
let serverB;
let a;
let b;
before(async () => {
  a = await signingKey("a1");
  b = await signingKey("b1", "EdDSA");
  serverA = await jwksServer([a]);
  serverB = await jwksServer([b]);
  env = await startWorkerEnv([], {
    ISSUERS: JSON.stringify([
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: serverA.jwksUri },
      { issuer: PARTNER, audience: "partner-api", jwksUri: serverB.jwksUri, algorithms: ["EdDSA"] },
    ]),
    DPOP_ALGORITHMS: "ES256,EdDSA",
    READINESS_PATH: "/ready",
    LOG_EVENTS: "true",
    CLAIM_HEADERS: JSON.stringify({ "X-Org": "org.id", "X-Auth-Roles": "roles" }),
    FORWARD_PAYLOAD: "X-Auth-Claims",
    ROUTES: JSON.stringify([
      { method: "GET", path: "/partners/*", issuers: [PARTNER] },
      { method: "GET", path: "/api/*" },
    ]),
  });
});
after(async () => {
  await env?.close();
  await serverA?.close();
  await serverB?.close();
});

const call = (path, token) => fetch(`${env.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

test("worker with ISSUERS: each provider's tokens against its own keys; routes narrow the issuers", async () => {
  const tokA = await accessToken(a);
  const tokB = await accessToken(b, { iss: PARTNER, aud: "partner-api", sub: "bob" });
  let res = await call("/api/x", tokA);
  assert.equal(res.status, 200, env.logs.join(""));
  assert.equal((await res.json()).headers["x-auth-subject"], "alice");
  res = await call("/partners/p", tokB);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).headers["x-auth-subject"], "bob");
  assert.equal((await call("/api/x", tokB)).status, 200);
  assert.equal([serverA.fetches, serverB.fetches].join(), "1,1");
  for (const [path, token] of [
    ["/partners/p", tokA],
    ["/api/x", await accessToken(a, { iss: PARTNER, aud: "partner-api" })],
    ["/api/x", await accessToken(b, { iss: PARTNER })],
    ["/api/x", await accessToken(a, { iss: "https://evil.example.com" })],
  ]) {
    const r = await call(path, token);
    assert.equal(r.status, 401, path);
    assert.match(r.headers.get("www-authenticate"), /invalid_token/);
  }
  assert.equal([serverA.fetches, serverB.fetches].join(), "1,1", "refused issuers fetch nothing");
});

test("worker with CLAIM_HEADERS and FORWARD_PAYLOAD: claims reach the origin, forged ones do not", async () => {
  const token = await accessToken(a, { org: { id: "o-1" }, roles: ["admin", "ops"] });
  const res = await fetch(`${env.url}/api/x`, {
    headers: { authorization: `Bearer ${token}`, x_org: "evil", "X-Auth-Claims": "e30" },
  });
  assert.equal(res.status, 200);
  const seen = (await res.json()).headers;
  assert.equal(seen["x-org"], "o-1");
  assert.equal(seen.x_org, undefined);
  assert.equal(seen["x-auth-roles"], "admin,ops");
  assert.equal(seen["x-auth-claims"], token.split(".")[1]);
  assert.equal(seen.authorization, undefined);
  const plain = await fetch(`${env.url}/api/x`, {
    headers: { authorization: `Bearer ${await accessToken(a)}`, "x-org": "evil" },
  });
  assert.equal((await plain.json()).headers["x-org"], undefined);
});

test("worker with DPOP_ALGORITHMS: DPoP tokens with their proofs through WebCrypto, replays refused", async () => {
  for (const alg of ["ES256", "EdDSA"]) {
    const client = await dpopClient(alg);
    const token = await accessToken(a, { cnf: { jkt: client.jkt } });
    const url = `${env.url}/api/x?q=1`;
    const proof = await dpopProof(client, "GET", url, token);
    const send = (headers) => fetch(url, { headers });
    const ok = await send({ authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(ok.status, 200, `${alg} ${env.logs.join("")}`);
    const seen = (await ok.json()).headers;
    assert.equal(seen["x-auth-subject"], "alice");
    assert.equal(seen.dpop, proof, "the proof goes on to the origin (only Authorization is removed)");
    const replay = await send({ authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(replay.status, 401);
    assert.equal(replay.headers.get("www-authenticate"), 'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA"');
    const tampered = proof.slice(0, -3) + (proof.at(-3) === "A" ? "B" : "A") + proof.slice(-2);
    assert.equal((await send({ authorization: `DPoP ${token}`, dpop: tampered })).status, 401);
    assert.equal((await send({ authorization: `Bearer ${token}` })).status, 401, "a bound token as Bearer");
  }
});

test("worker: a key set near its expiry is refreshed after the answer, through ctx.waitUntil", async (t) => {
  let fetches = 0;
  const jwks = await serve(() => {
    fetches++;
    return {
      status: 200,
      headers: { "content-type": "application/json", "cache-control": "max-age=100", age: "92" },
      body: JSON.stringify({ keys: [a.jwk] }),
    };
  });
  t.after(jwks.close);
  const worker = await startWorkerEnv([], { JWKS_URI: `${jwks.url}/jwks`, JWKS_COOLDOWN: "1" });
  t.after(worker.close);
  const token = await accessToken(a);
  const call = () => fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await call()).status, 200, worker.logs.join(""));
  assert.equal(fetches, 1);
  await new Promise((ok) => setTimeout(ok, 1100));
  assert.equal((await call()).status, 200);
  for (let i = 0; i < 40 && fetches < 2; i++) await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(fetches, 2, "refreshed in the background");
});

test("worker: READINESS_PATH says whether every issuer's keys are loaded; LOG_EVENTS writes JSON lines", async () => {
  const res = await fetch(`${env.url}/ready`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.ready, true);
  assert.deepEqual(body.issuers.map((i) => i.issuer), [ISSUER, PARTNER]);
  assert.ok(body.issuers.every((i) => i.keys === 1));
  await fetch(`${env.url}/api/x`);
  for (let i = 0; i < 20 && !env.logs.join("").includes("missing_token"); i++) await new Promise((ok) => setTimeout(ok, 50));
  const events = env.logs.join("").split("\n").filter((l) => l.includes('"oidcEdge"')).map((l) => JSON.parse(l.slice(l.indexOf("{"))));
  assert.ok(events.some((e) => e.oidcEdge === "allowed" && e.route === "/api/*"), JSON.stringify(events.slice(0, 3)));
  assert.ok(events.some((e) => e.oidcEdge === "denied" && e.reason === "missing_token"));
  assert.ok(events.some((e) => e.oidcEdge === "jwks_fetch" && e.outcome === "ok"));
});

/**
 * A JWKS server answering `keys` after `delay` ms (both settable), counting its fetches; the next `hang` fetches
 * are never answered. Stopped after the test.
 */
async function slowJwks(t, keys) {
  const provider = { keys, delay: 0, fetches: 0, hang: 0 };
  const server = await serve(async () => {
    provider.fetches++;
    if (provider.hang > 0) {
      provider.hang--;
      await new Promise(() => {});
    }
    if (provider.delay) await new Promise((ok) => setTimeout(ok, provider.delay));
    return {
      status: 200, headers: { "content-type": "application/json", "cache-control": "max-age=600" },
      body: JSON.stringify({ keys: provider.keys.map((k) => k.jwk) }),
    };
  });
  t.after(server.close);
  provider.jwksUri = `${server.url}/jwks`;
  return provider;
}

test("worker: a request that finds another's key fetch in flight waits for it on its own timers; if that fetch hangs, the waiters fetch at the timeout", async (t) => {
  const k2 = await signingKey("k2");
  const jwks = await slowJwks(t, [a]);
  const worker = await startWorkerEnv([], { JWKS_URI: jwks.jwksUri, JWKS_COOLDOWN: "1" });
  t.after(worker.close);
  const call = async (token) => {
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t0 };
  };
  // cold, and the provider never answers the first fetch: the other requests poll until it times out (5 s),
  // then one of them fetches (the cooldown has passed) and the rest take its set
  jwks.hang = 1;
  const tok = await accessToken(a);
  const first = call(tok);
  await new Promise((ok) => setTimeout(ok, 200));
  const waiters = await Promise.all(Array.from({ length: 9 }, () => call(tok)));
  const hung = await first;
  assert.equal(hung.status, 503, "its own fetch timed out, and no set: temporarily_unavailable");
  assert.ok(hung.ms >= 4900 && hung.ms < 8000, `${Math.round(hung.ms)} ms`);
  assert.deepEqual(waiters.map((r) => r.status), waiters.map(() => 200), worker.logs.join(""));
  for (const r of waiters) assert.ok(r.ms >= 4500 && r.ms < 8000, `a waiter answered after ${Math.round(r.ms)} ms`);
  assert.equal(jwks.fetches, 2, "the hung fetch, then one for the nine waiters");

  // the provider rotates and answers in 1.5 s: the first k2 request refetches; the second, arriving while that
  // fetch is in flight, waits for it (never on its promise) and verifies with the new set
  await new Promise((ok) => setTimeout(ok, 1100));
  jwks.keys = [a, k2];
  jwks.delay = 1500;
  const tok2 = await accessToken(k2);
  const rotating = call(tok2);
  await new Promise((ok) => setTimeout(ok, 200));
  const second = await call(tok2);
  const done = await rotating;
  assert.deepEqual([done.status, second.status], [200, 200]);
  assert.ok(done.ms >= 1400);
  assert.ok(second.ms >= 1100 && second.ms < 2500, `the second waited for the fetch in flight (${Math.round(second.ms)} ms)`);
  assert.equal(jwks.fetches, 3);
  assert.doesNotMatch(worker.logs.join(""), /different request|hanging promise|hung/i, "workerd saw no cross-request promise");
  t.diagnostic(`first fetch hung: 503 after ${Math.round(hung.ms)} ms, 9 waiters 200 after `
    + `${Math.round(Math.min(...waiters.map((r) => r.ms)))}–${Math.round(Math.max(...waiters.map((r) => r.ms)))} ms; `
    + `rotation: 200 after ${Math.round(done.ms)} ms, the one that waited 200 after ${Math.round(second.ms)} ms`);
});

test("worker: 20 concurrent requests into a cold isolate, then 20 at a key rotation: right statuses, one fetch each time", async (t) => {
  const k2 = await signingKey("k2");
  const jwks = await slowJwks(t, [a]);
  jwks.delay = 300;
  const worker = await startWorkerEnv([], { JWKS_URI: jwks.jwksUri, JWKS_COOLDOWN: "2" });
  t.after(worker.close);
  const call = async ([token, expected]) => {
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/api/orders`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await res.arrayBuffer();
    return { status: res.status, expected, ms: performance.now() - t0, challenge: res.headers.get("www-authenticate") };
  };
  const good = await accessToken(a);
  // the cold isolate: 18 requests need the keys (200, 401 tampered, 403 under-scoped), 2 carry no token
  const cold = [
    ...Array.from({ length: 12 }, () => [good, 200]),
    ...Array.from({ length: 3 }, () => [tamper(good), 401]),
    ...await Promise.all(Array.from({ length: 3 }, async () => [await accessToken(a, { scope: "profile" }), 403])),
    [undefined, 401], [undefined, 401],
  ];
  let t0 = performance.now();
  let results = await Promise.all(cold.map(call));
  const coldMs = performance.now() - t0;
  assert.deepEqual(results.map((r) => r.status), cold.map(([, s]) => s), worker.logs.join(""));
  const coldFetches = jwks.fetches;
  // The first request that needs keys fetches them; the others find that fetch in flight and poll the set on
  // their own timers until it lands (none awaits another request's promise): one fetch.
  assert.equal(coldFetches, 1, `cold isolate: ${coldFetches} JWKS fetches for 18 requests`);
  results = await Promise.all(cold.map(call));
  assert.deepEqual(results.map((r) => r.status), cold.map(([, s]) => s));
  assert.equal(jwks.fetches, coldFetches, "a warm isolate fetches nothing");

  // the provider rotates to k2 and answers slowly: 20 concurrent requests with k2's tokens after the cooldown
  await new Promise((ok) => setTimeout(ok, 2100));
  jwks.keys = [a, k2];
  jwks.delay = 1500;
  const rotated = await Promise.all(Array.from({ length: 20 }, () => accessToken(k2)));
  t0 = performance.now();
  results = await Promise.all(rotated.map((tok) => call([tok])));
  const rotationMs = performance.now() - t0;
  assert.equal(jwks.fetches, coldFetches + 1, "one refetch for the unknown kid: the others wait for it");
  // every one is answered with the new set, once that fetch lands (within the poll interval of it)
  assert.deepEqual(results.map((r) => r.status), rotated.map(() => 200), worker.logs.join(""));
  for (const r of results) assert.ok(r.ms >= jwks.delay - 100 && r.ms < jwks.delay + 1000, `${Math.round(r.ms)} ms`);
  jwks.delay = 0;
  results = await Promise.all(rotated.map((tok) => call([tok])));
  assert.deepEqual(results.map((r) => r.status), rotated.map(() => 200), "the new set serves every request");
  assert.equal(jwks.fetches, coldFetches + 1);
  assert.doesNotMatch(worker.logs.join(""), /different request|hanging promise/i, "workerd saw no cross-request I/O");
  t.diagnostic(`cold: ${coldFetches} JWKS fetch for 18 key-needing requests of 20, all answered in ${Math.round(coldMs)} ms; `
    + `rotation: 1 fetch, 20 × 200 in ${Math.round(rotationMs)} ms`);
});

test("worker: 20 concurrent back-channel logouts into a cold isolate: each answered right, none waits on another request's fetch", async (t) => {
  const jwks = await slowJwks(t, [a]);
  const worker = await startWorkerEnv([], {
    JWKS_URI: jwks.jwksUri, JWKS_COOLDOWN: "2", BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: "rp",
  }, { durableObjects: { SESSIONS: "SessionRevocations" } });
  t.after(worker.close);
  const now = () => Math.floor(Date.now() / 1000);
  const logoutToken = (i, claims = {}) => new SignJWT({
    iss: ISSUER, aud: "rp", iat: now(), exp: now() + 120, jti: `l-${i}`, sid: `s-${i}`,
    events: { "http://schemas.openid.net/event/backchannel-logout": {} }, ...claims,
  }).setProtectedHeader({ alg: a.alg, kid: a.kid, typ: "logout+jwt" }).sign(a.privateKey);
  // 12 valid logouts, 4 with a bad signature, 4 for another audience: every one needs the logout verifier's keys
  const logouts = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    if (i < 12) return [await logoutToken(i), 200];
    if (i < 16) return [tamper(await logoutToken(i)), 400];
    return [await logoutToken(i, { aud: "another-rp" }), 400];
  }));
  const sessions = await Promise.all(logouts.map((_, i) => accessToken(a, { sid: `s-${i}`, iat: now() - 5 })));
  const post = async ([token, expected]) => {
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/backchannel-logout`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `logout_token=${token}`,
    });
    await res.arrayBuffer();
    return { status: res.status, expected, ms: performance.now() - t0 };
  };
  // the first logout's client goes away while its key fetch is in flight (a deployed Worker's request may then
  // be cancelled, and a promise of its I/O never settle for anyone else; local workerd lets it finish)
  jwks.delay = 1000;
  const gone = new AbortController();
  const abandoned = fetch(`${worker.url}/backchannel-logout`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `logout_token=${await logoutToken(99)}`, signal: gone.signal,
  }).catch((e) => e.name);
  await new Promise((ok) => setTimeout(ok, 200));
  gone.abort();
  assert.equal(await abandoned, "AbortError");
  const t0 = performance.now();
  const results = await Promise.all(logouts.map(post));
  const allMs = performance.now() - t0;
  const logoutFetches = jwks.fetches;
  assert.deepEqual(results.map((r) => r.status), logouts.map(([, s]) => s), worker.logs.join(""));
  assert.equal(logoutFetches, 1, "the first logout's fetch; the others waited for it on their own timers");
  const slowest = Math.max(...results.map((r) => r.ms));
  assert.ok(slowest < 5000, `no logout waited for the fetch timeout (slowest ${Math.round(slowest)} ms)`);
  const logs = worker.logs.join("");
  assert.doesNotMatch(logs, /different request|hanging promise|hung/i, "workerd saw no cross-request promise");
  assert.equal((logs.match(/logout token refused: invalid_signature/g) ?? []).length, 4, logs);
  assert.equal((logs.match(/logout token refused: audience_mismatch/g) ?? []).length, 4, logs);
  // the 12 sessions are ended everywhere; the refused logouts ended nothing
  const calls = await Promise.all(sessions.map((tok) => fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${tok}` } })));
  assert.deepEqual(calls.map((r) => r.status), sessions.map((_, i) => (i < 12 ? 401 : 200)));
  t.diagnostic(`20 concurrent logouts into a cold isolate: ${logoutFetches} JWKS fetches, `
    + `all answered in ${Math.round(allMs)} ms, slowest ${Math.round(slowest)} ms`);
});
