// A bounded loopback load test of worker/ in real workerd: LOAD_REQUESTS (default 20 000) requests, LOAD_CONCURRENCY
// (default 50) in flight, mixed valid and invalid tokens. Asserts that no request is lost, that valid tokens never
// get a 5xx, and that every invalid one gets its own status; prints p50/p99 latency and requests per second.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { accessToken, signingKey, tamper, unsigned } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";

const TOTAL = Number(process.env.LOAD_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 50);

let env;
let k1;
before(async () => {
  k1 = await signingKey("k1");
  env = await startWorkerEnv([k1], { TOKEN_CACHE_SIZE: "10000" });
});
after(() => env?.close());

test(`load: ${TOTAL} requests, ${CONCURRENCY} concurrent, mixed tokens`, { timeout: 120_000 }, async () => {
  const now = Math.floor(Date.now() / 1000);
  const valid = await Promise.all(Array.from({ length: 50 }, (_, i) => accessToken(k1, { sub: `user-${i}`, jti: `v${i}` })));
  const narrow = await Promise.all(Array.from({ length: 5 }, (_, i) => accessToken(k1, { scope: "profile", jti: `n${i}` })));
  const expired = await Promise.all(Array.from({ length: 5 }, (_, i) => accessToken(k1, { exp: now - 60, jti: `e${i}` })));
  const kinds = [
    // [name, weight, request options, expected status]
    ["valid", 12, (i) => ({ token: valid[i % valid.length] }), 200],
    ["public", 1, () => ({ path: "/health" }), 200],
    ["insufficient scope", 1, (i) => ({ token: narrow[i % narrow.length] }), 403],
    ["expired", 1, (i) => ({ token: expired[i % expired.length] }), 401],
    ["tampered", 1, (i) => ({ token: tamper(valid[i % valid.length]) }), 401],
    ["alg none", 1, (i) => ({ token: unsigned(valid[i % valid.length]) }), 401],
    ["missing", 1, () => ({}), 401],
    ["malformed", 1, () => ({ authorization: "Bearer not a token" }), 401],
    ["no route", 1, (i) => ({ token: valid[i % valid.length], path: "/nowhere" }), 404],
  ];
  const wheel = kinds.flatMap((k) => Array(k[1]).fill(k));
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = (path, headers) => new Promise((ok, fail) => {
    const req = request(`${env.url}${path}`, { agent, headers }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
  const latencies = new Float64Array(TOTAL);
  const results = new Map(kinds.map(([name]) => [name, new Map()]));
  let lost = 0;
  let next = 0;

  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= TOTAL) return;
      const [name, , make] = wheel[i % wheel.length];
      const o = make(i);
      const headers = {};
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.authorization) headers.authorization = o.authorization;
      const t0 = performance.now();
      try {
        const status = await get(o.path ?? "/api/orders", headers);
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
    requests: TOTAL, concurrency: CONCURRENCY, seconds: +seconds.toFixed(2), rps: Math.round(TOTAL / seconds),
    p50_ms: +pct(50).toFixed(2), p99_ms: +pct(99).toFixed(2), max_ms: +sorted.at(-1).toFixed(2),
    jwks_fetches: env.jwks.fetches,
  };
  console.log(`worker load: ${JSON.stringify(summary)}`);
  console.log(`worker load statuses: ${JSON.stringify(Object.fromEntries([...results].map(([k, m]) => [k, Object.fromEntries(m)])))}`);

  assert.equal(lost, 0, "no request lost");
  let answered = 0;
  for (const [name, , , status] of kinds) {
    const byStatus = results.get(name);
    for (const [s, n] of byStatus) {
      answered += n;
      assert.equal(s, status, `${name}: ${n} answered ${s}, expected ${status}`);
    }
  }
  assert.equal(answered, TOTAL);
  assert.equal(env.jwks.fetches, 1, "one JWKS fetch for the whole run");
});
