// worker/ in real workerd at scale (issue 19): ISSUERS (two providers, each its own loopback JWKS server,
// audiences and algorithms; a route that accepts only one of them) and CLAIM_HEADERS / FORWARD_PAYLOAD; a cold
// isolate's concurrent first fetches and a rotation's concurrent unknown-kid requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
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

/** A JWKS server answering `keys` after `delay` ms (both settable), counting its fetches; stopped after the test. */
async function slowJwks(t, keys) {
  const provider = { keys, delay: 0, fetches: 0 };
  const server = await serve(async () => {
    provider.fetches++;
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

test("worker: a request never waits for another request's key fetch (jose#355, cfworker#226)", async (t) => {
  const k2 = await signingKey("k2");
  const jwks = await slowJwks(t, [a]);
  const worker = await startWorkerEnv([], { JWKS_URI: jwks.jwksUri, JWKS_COOLDOWN: "3" });
  t.after(worker.close);
  const call = async (token) => {
    const t0 = performance.now();
    const res = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, ms: performance.now() - t0 };
  };
  assert.equal((await call(await accessToken(a))).status, 200, worker.logs.join(""));
  await new Promise((ok) => setTimeout(ok, 3100));
  // the provider rotates and answers slowly: the first unknown-kid request fetches; the second, while that fetch
  // is in flight and within the cooldown, decides at once with the set it has
  jwks.keys = [a, k2];
  jwks.delay = 1500;
  const tok2 = await accessToken(k2);
  const first = call(tok2);
  await new Promise((ok) => setTimeout(ok, 200));
  const second = await call(tok2);
  assert.equal(second.status, 401, "key_not_found: the set it has lacks k2");
  assert.ok(second.ms < 1000, `the second request did not wait for the first's fetch (${Math.round(second.ms)} ms)`);
  const done = await first;
  assert.equal(done.status, 200);
  assert.ok(done.ms >= 1400);
  assert.equal(jwks.fetches, 2);
  jwks.delay = 0;
  assert.equal((await call(tok2)).status, 200, "the new set, once fetched, serves every request");
});

test("worker: 20 concurrent requests into a cold isolate, then 20 at a key rotation: right statuses, no request waits on another's fetch", async (t) => {
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
  // Each request that needs keys and finds none fetches itself (it never awaits another request's fetch):
  // at most one fetch per such request, at least one.
  assert.ok(coldFetches >= 1 && coldFetches <= 18, `cold isolate: ${coldFetches} JWKS fetches for 18 requests`);
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
  assert.equal(jwks.fetches, coldFetches + 1, "one refetch for the unknown kid: the cooldown holds the others");
  const waited = results.filter((r) => r.status === 200);
  const refused = results.filter((r) => r.status !== 200);
  assert.ok(waited.length >= 1, "the request that fetched is answered with the new set");
  for (const r of waited) assert.ok(r.ms >= jwks.delay - 100, `a 200 came from the fetch (${Math.round(r.ms)} ms)`);
  for (const r of refused) {
    assert.equal(r.status, 401);
    assert.match(r.challenge, /error="invalid_token"/);
    assert.ok(r.ms < jwks.delay - 100, `a 401 did not wait for the fetch in flight (${Math.round(r.ms)} ms)`);
  }
  jwks.delay = 0;
  results = await Promise.all(rotated.map((tok) => call([tok])));
  assert.deepEqual(results.map((r) => r.status), rotated.map(() => 200), "the new set serves every request");
  assert.equal(jwks.fetches, coldFetches + 1);
  assert.doesNotMatch(worker.logs.join(""), /different request|hanging promise/i, "workerd saw no cross-request I/O");
  const slowest = (list) => Math.round(Math.max(...list.map((r) => r.ms)));
  t.diagnostic(`cold: ${coldFetches} JWKS fetches for 18 key-needing requests of 20, all answered in ${Math.round(coldMs)} ms; `
    + `rotation: 1 fetch, ${waited.length} × 200 (slowest ${slowest(waited)} ms), ${refused.length} × 401 `
    + `(slowest ${refused.length ? slowest(refused) : 0} ms), all in ${Math.round(rotationMs)} ms`);
});
