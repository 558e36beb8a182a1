// A bounded loopback load test of worker/ in real workerd: LOAD_REQUESTS (default 20 000) requests, LOAD_CONCURRENCY
// (default 50) in flight, mixed valid and invalid tokens. Asserts that no request is lost, that valid tokens never
// get a 5xx, and that every invalid one gets its own status; prints p50/p99 latency and requests per second. Cold,
// the first request fetches the keys and the others that need them wait for that fetch: one fetch in all.
// A second run (LOAD_SCALE_REQUESTS, default 5 000) mixes two issuers and DPoP (fresh proofs, replayed proofs,
// bound tokens sent as Bearer, a route taking one issuer only) and sessions ended by back-channel logout (the
// SessionRevocations Durable Object, asked at every accepted request).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { ISSUER, AUDIENCE, accessToken, jwksServer, signingKey, tamper, unsigned } from "./support/edge-fixtures.mjs";
import { SignJWT } from "jose";
import { startWorkerEnv } from "./support/worker-env.mjs";
import { dpopClient, dpopProof } from "./support/dpop-client.mjs";

const TOTAL = Number(process.env.LOAD_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 50);

let env;
let k1;
before(async () => {
  k1 = await signingKey("k1");
  env = await startWorkerEnv([k1], { TOKEN_CACHE_SIZE: "10000" });
});
after(() => env?.close());

/** `total` requests from `kinds` ([name, weight, make(i) -> { path?, headers }, status]), `CONCURRENCY` at a time. */
async function load(url, kinds, total) {
  const wheel = kinds.flatMap((k) => Array(k[1]).fill(k));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (path, headers) => new Promise((ok, fail) => {
    const req = request(`${url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
  const latencies = new Float64Array(total);
  const results = new Map(kinds.map(([name]) => [name, new Map()]));
  let lost = 0;
  let next = 0;
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const [name, , make] = wheel[i % wheel.length];
      const o = make(i);
      const t0 = performance.now();
      try {
        const status = await get(o.path ?? "/api/orders", o.headers);
        const byStatus = results.get(name);
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      } catch {
        lost++;
      }
      latencies[i] = performance.now() - t0;
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const summary = {
    requests: total, concurrency: CONCURRENCY, seconds: +seconds.toFixed(2), rps: Math.round(total / seconds),
    p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2), max_ms: +sorted.at(-1).toFixed(2),
  };
  assert.equal(lost, 0, "no request lost");
  let answered = 0;
  for (const [name, , , status] of kinds) {
    for (const [s, n] of results.get(name)) {
      answered += n;
      assert.equal(s, status, `${name}: ${n} answered ${s}, expected ${status}`);
    }
  }
  assert.equal(answered, total);
  return { summary, statuses: Object.fromEntries([...results].map(([k, m]) => [k, Object.fromEntries(m)])) };
}

const SCALE_TOTAL = Number(process.env.LOAD_SCALE_REQUESTS ?? 5_000);

test(`load at scale: ${SCALE_TOTAL} requests mixing two issuers, DPoP and logged-out sessions`, { timeout: 180_000 }, async (t) => {
  const PARTNER = "https://partner.example.com";
  const a = await signingKey("a1");
  const b = await signingKey("b1", "EdDSA");
  const serverA = await jwksServer([a]);
  const serverB = await jwksServer([b]);
  t.after(serverA.close);
  t.after(serverB.close);
  const scaled = await startWorkerEnv([], {
    ISSUERS: JSON.stringify([
      { issuer: ISSUER, audience: AUDIENCE, jwksUri: serverA.jwksUri },
      { issuer: PARTNER, audience: "partner-api", jwksUri: serverB.jwksUri, algorithms: ["EdDSA"] },
    ]),
    ROUTES: JSON.stringify([
      { method: "GET", path: "/partners/*", issuers: [PARTNER] },
      { method: "GET", path: "/api/*" },
    ]),
    DPOP_ALGORITHMS: "ES256,EdDSA", TOKEN_CACHE_SIZE: "10000",
    JWKS_URI: serverA.jwksUri, BACKCHANNEL_LOGOUT_PATH: "/bcl", LOGOUT_AUDIENCE: "rp",
  }, { durableObjects: { SESSIONS: "SessionRevocations" } });
  t.after(scaled.close);
  const bearer = (token) => ({ authorization: `Bearer ${token}` });
  const tokA = await Promise.all(Array.from({ length: 20 }, (_, i) => accessToken(a, { sub: `a-${i}`, jti: `a${i}` })));
  const tokB = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    accessToken(b, { iss: PARTNER, aud: "partner-api", sub: `b-${i}`, jti: `b${i}` })));
  const client = await dpopClient();
  const bound = await accessToken(a, { cnf: { jkt: client.jkt }, jti: "bound" });
  const evil = await accessToken(a, { iss: "https://evil.example.com" });
  const ended = await Promise.all(Array.from({ length: 5 }, (_, i) => accessToken(a, { sid: "gone", jti: `g${i}`, iat: Math.floor(Date.now() / 1000) - 5 })));
  const logoutToken = await new SignJWT({
    iss: ISSUER, aud: "rp", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, jti: "bcl-1", sid: "gone",
    events: { "http://schemas.openid.net/event/backchannel-logout": {} },
  }).setProtectedHeader({ alg: a.alg, kid: a.kid, typ: "logout+jwt" }).sign(a.privateKey);
  const loggedOut = await fetch(`${scaled.url}/bcl`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `logout_token=${logoutToken}`,
  });
  assert.equal(loggedOut.status, 200, scaled.logs.join(""));
  const url = `${scaled.url}/api/orders`;
  const weights = { dpop: 3 };
  const wheelSize = 2 + 2 + 1 + weights.dpop + 1 + 1 + 1 + 1 + 1;
  const proofs = await Promise.all(Array.from({ length: Math.ceil((SCALE_TOTAL * weights.dpop) / wheelSize) + 10 }, () =>
    dpopProof(client, "GET", url, bound)));
  // the proof replayed below is accepted once first
  const replayed = proofs.pop();
  const first = await fetch(url, { headers: { authorization: `DPoP ${bound}`, dpop: replayed } });
  assert.equal(first.status, 200, scaled.logs.join(""));
  let fresh = 0;
  const kinds = [
    ["issuer A", 2, (i) => ({ headers: bearer(tokA[i % tokA.length]) }), 200],
    ["issuer B", 2, (i) => ({ headers: bearer(tokB[i % tokB.length]) }), 200],
    ["issuer B only route", 1, (i) => ({ path: "/partners/x", headers: bearer(tokB[i % tokB.length]) }), 200],
    ["DPoP", weights.dpop, () => ({ headers: { authorization: `DPoP ${bound}`, dpop: proofs[fresh++] } }), 200],
    ["DPoP replayed proof", 1, () => ({ headers: { authorization: `DPoP ${bound}`, dpop: replayed } }), 401],
    ["bound token as Bearer", 1, () => ({ headers: bearer(bound) }), 401],
    ["issuer A on B's route", 1, (i) => ({ path: "/partners/x", headers: bearer(tokA[i % tokA.length]) }), 401],
    ["unknown issuer", 1, () => ({ headers: bearer(evil) }), 401],
    ["logged-out session", 1, (i) => ({ headers: bearer(ended[i % ended.length]) }), 401],
  ];
  assert.equal(kinds.reduce((n, k) => n + k[1], 0), wheelSize);
  const { summary, statuses } = await load(scaled.url, kinds, SCALE_TOTAL);
  console.log(`worker load at scale: ${JSON.stringify({ ...summary, jwks_fetches: [serverA.fetches, serverB.fetches] })}`);
  console.log(`worker load at scale statuses: ${JSON.stringify(statuses)}`);
  // Cold, the first request that needs an issuer's keys fetches them; the others poll the set on their own timers
  // until it lands (none awaits another request's fetch): one fetch per issuer, and A's logout verifier's own.
  assert.equal(serverA.fetches, 2, `issuer A: ${serverA.fetches} fetches`);
  assert.equal(serverB.fetches, 1, `issuer B: ${serverB.fetches} fetches`);
});

test(`load: ${TOTAL} requests, ${CONCURRENCY} concurrent, mixed tokens`, { timeout: 120_000 }, async () => {
  const now = Math.floor(Date.now() / 1000);
  const valid = await Promise.all(Array.from({ length: 50 }, (_, i) => accessToken(k1, { sub: `user-${i}`, jti: `v${i}` })));
  const narrow = await Promise.all(Array.from({ length: 5 }, (_, i) => accessToken(k1, { scope: "profile", jti: `n${i}` })));
  const expired = await Promise.all(Array.from({ length: 5 }, (_, i) => accessToken(k1, { exp: now - 60, jti: `e${i}` })));
  const bearer = (token) => ({ authorization: `Bearer ${token}` });
  const kinds = [
    // [name, weight, request options, expected status]
    ["valid", 12, (i) => ({ headers: bearer(valid[i % valid.length]) }), 200],
    ["public", 1, () => ({ path: "/health", headers: {} }), 200],
    ["insufficient scope", 1, (i) => ({ headers: bearer(narrow[i % narrow.length]) }), 403],
    ["expired", 1, (i) => ({ headers: bearer(expired[i % expired.length]) }), 401],
    ["tampered", 1, (i) => ({ headers: bearer(tamper(valid[i % valid.length])) }), 401],
    ["alg none", 1, (i) => ({ headers: bearer(unsigned(valid[i % valid.length])) }), 401],
    ["missing", 1, () => ({ headers: {} }), 401],
    ["malformed", 1, () => ({ headers: { authorization: "Bearer not a token" } }), 401],
    ["no route", 1, (i) => ({ headers: bearer(valid[i % valid.length]), path: "/nowhere" }), 404],
  ];
  const { summary, statuses } = await load(env.url, kinds, TOTAL);
  console.log(`worker load: ${JSON.stringify({ ...summary, jwks_fetches: env.jwks.fetches })}`);
  console.log(`worker load statuses: ${JSON.stringify(statuses)}`);
  // Cold, one fetch: the other concurrent requests wait for it on their own timers.
  assert.equal(env.jwks.fetches, 1, `${env.jwks.fetches} JWKS fetches`);
});
