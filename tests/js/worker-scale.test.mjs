// worker/ in real workerd at scale (issue 19): ISSUERS (two providers, each its own loopback JWKS server,
// audiences and algorithms; a route that accepts only one of them) and CLAIM_HEADERS / FORWARD_PAYLOAD.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUDIENCE, ISSUER, accessToken, jwksServer, signingKey } from "./support/edge-fixtures.mjs";
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
  const { serve } = await import("./support/edge-fixtures.mjs");
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

test("worker: a request never waits for another request's key fetch (jose#355, cfworker#226)", async (t) => {
  const { serve } = await import("./support/edge-fixtures.mjs");
  const k2 = await signingKey("k2");
  let keys = [a];
  let slow = 0;
  let fetches = 0;
  const jwks = await serve(async () => {
    fetches++;
    if (slow) await new Promise((ok) => setTimeout(ok, slow));
    return { status: 200, headers: { "content-type": "application/json", "cache-control": "max-age=600" }, body: JSON.stringify({ keys: keys.map((k) => k.jwk) }) };
  });
  t.after(jwks.close);
  const worker = await startWorkerEnv([], { JWKS_URI: `${jwks.url}/jwks`, JWKS_COOLDOWN: "3" });
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
  keys = [a, k2];
  slow = 1500;
  const tok2 = await accessToken(k2);
  const first = call(tok2);
  await new Promise((ok) => setTimeout(ok, 200));
  const second = await call(tok2);
  assert.equal(second.status, 401, "key_not_found: the set it has lacks k2");
  assert.ok(second.ms < 1000, `the second request did not wait for the first's fetch (${Math.round(second.ms)} ms)`);
  const done = await first;
  assert.equal(done.status, 200);
  assert.ok(done.ms >= 1400);
  assert.equal(fetches, 2);
  slow = 0;
  assert.equal((await call(tok2)).status, 200, "the new set, once fetched, serves every request");
});
