// The benchmark cases and the timing method, shared by every runtime (Node, headless Chromium, workerd).
// No imports: each runtime passes in its own `oidc` (the oidc-edge package as that runtime loads it) and
// `jose`, so this one module runs unchanged everywhere.

export const ALGS = ["HS256", "RS256", "PS256", "ES256", "ES384", "EdDSA"];
/** Node's rows: every algorithm of ALGS, ES256K (no jose there), and ES256 with tokens of about 1 KB. */
export const NODE_ROWS = [...ALGS, "ES256K", "ES256 1KB"];

/** Columns of the per-algorithm table, in order; `async16` keeps 16 calls in flight. */
export const MAIN_COLUMNS = [
  { key: "oidc", label: "oidc-edge verify" },
  { key: "oidcAsync", label: "oidc-edge verifyAsync" },
  { key: "joseKey", label: "jose CryptoKey" },
  { key: "joseJwks", label: "jose LocalJWKSet" },
  { key: "joseKey16", label: "jose CryptoKey x16" },
];
/** Columns of the repeated-token table (the same token verified again and again). */
export const REPEATED_COLUMNS = [
  { key: "oidcCached", label: "oidc-edge cached" },
  { key: "oidc", label: "oidc-edge plain" },
  { key: "joseKey", label: "jose CryptoKey" },
];

const IN_FLIGHT = 16;

/** Quick mode (BENCH_QUICK=1): short batches, few of them; numbers are indicative only. */
export function timingOptions(quick) {
  return quick
    ? { targetMs: 25, batches: 3, warmupMs: 40 }
    : { targetMs: 150, batches: 7, warmupMs: 300 };
}

async function hmacKey(jose, jwk) {
  // jose's importJWK returns the raw bytes for `oct` keys (and imports them again on every call);
  // import a real CryptoKey so every algorithm is measured the same way.
  const raw = jose.base64url.decode(jwk.k);
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

/**
 * The package as a runtime loaded it (`entry`: node.js, web.js or workerd.js), falling back to the classes
 * of the wasm-bindgen glue (`glue`: the same oidc_edge.js instance the entry initialised) for verifier
 * exports the entry does not re-export yet. Returns `{ oidc, notes }`.
 */
export function withGlueFallback(entry, glue) {
  const oidc = { ...entry };
  const notes = [];
  for (const name of ["JwkSet", "TokenVerifier"]) {
    if (oidc[name] === undefined && typeof glue?.[name] === "function") {
      oidc[name] = glue[name];
      notes.push(`${name} taken from oidc_edge.js: the package entry does not export it yet`);
    }
  }
  return { oidc, notes };
}

/**
 * Builds every case from the fixtures (made by fixtures.mjs in the host). Returns
 * `{ cases: Map<id, case>, missing: string[], cacheOption }`; a case is `{ id, table, alg, column, kind, fn }`
 * with kind "sync" | "async" | "async16", and optionally `check(result)` (a message when the result is wrong;
 * default: the claims of a fixture token) and `runs` (calls of the correctness check; default: one per token).
 * Cases the package cannot offer (exports not there yet) are left out and listed in `missing`, so the tables
 * print n/a for them. `rows`: the fixture rows to measure (default ALGS; a row is `ALG` or `ALG 1KB`).
 * `extend({ add, row, alg, f, next, verifier, vopts })`: a runtime's own cases for each row (Node: fast-jwt,
 * node:crypto alone, another package), after the common ones; `extend.global(add, missing, oidc)` once, for
 * cases of no row.
 */
export async function buildCases({ oidc: entry, glue, jose, fixtures, rows = ALGS, extend }) {
  const { issuer, audience } = fixtures;
  const cases = new Map();
  const { oidc, notes: missing } = withGlueFallback(entry, glue);
  const add = (table, alg, column, kind, fn, extra = {}) => {
    const id = `${table}/${alg}/${column}`;
    cases.set(id, { id, table, alg, column, kind, fn, ...extra });
  };
  const hasVerifier = typeof oidc.TokenVerifier === "function" && typeof oidc.JwkSet?.fromJson === "function";
  if (!hasVerifier) missing.push("oidc-edge exports no TokenVerifier/JwkSet: its columns are n/a");
  let cacheOption = fixtures.cacheOption ?? null;

  for (const row of rows) {
    const f = fixtures.algs[row];
    const alg = f.alg ?? row;
    const tokens = f.tokens;
    let i = 0;
    const next = () => tokens[(i = (i + 1) % tokens.length)];
    const same = f.tokens[0];

    if (alg === "ES256K") {
      if (!missing.some((m) => m.startsWith("jose 6")))
        missing.push("jose 6 has no secp256k1 (WebCrypto lacks the curve): its ES256K columns are n/a");
    } else {
      const key = alg === "HS256" ? await hmacKey(jose, f.jwk) : await jose.importJWK(f.jwk, alg);
      const jopts = { issuer, audience, algorithms: [alg] };
      add("main", row, "joseKey", "async", () => jose.jwtVerify(next(), key, jopts));
      if (alg === "HS256") {
        missing.push("jose's createLocalJWKSet rejects symmetric algorithms: jose LocalJWKSet HS256 is n/a");
      } else {
        const jwks = jose.createLocalJWKSet(f.jwks);
        add("main", row, "joseJwks", "async", () => jose.jwtVerify(next(), jwks, jopts));
      }
      add("main", row, "joseKey16", "async16", () => jose.jwtVerify(next(), key, jopts));
      add("repeated", row, "joseKey", "async", () => jose.jwtVerify(same, key, jopts));
    }

    if (!hasVerifier) continue;
    let vopts;
    let verifier;
    try {
      vopts = { issuer, audience, jwks: oidc.JwkSet.fromJson(JSON.stringify(f.jwks)), algorithms: [alg] };
      verifier = new oidc.TokenVerifier(vopts);
    } catch (e) {
      throw new Error(`${row}: oidc-edge refused the bench's JWKS or verifier options: ${e?.code ?? ""} ${e?.message}`);
    }
    add("main", row, "oidc", "sync", () => verifier.verify(next()));
    if (typeof verifier.verifyAsync === "function") {
      add("main", row, "oidcAsync", "async", () => verifier.verifyAsync(next()));
    } else if (row === rows[0]) {
      missing.push("TokenVerifier has no verifyAsync: its column is n/a");
    }
    const plain = new oidc.TokenVerifier(vopts);
    add("repeated", row, "oidc", "sync", () => plain.verify(same));
    if (cacheOption) {
      try {
        const cached = new oidc.TokenVerifier({ ...vopts, ...cacheOption });
        add("repeated", row, "oidcCached", "sync", () => cached.verify(same));
      } catch (e) {
        missing.push(`TokenVerifier rejected the cache option ${JSON.stringify(cacheOption)}: ${e.code ?? e.message}`);
        cacheOption = null;
      }
    } else if (row === rows[0]) {
      missing.push("TokenVerifier offers no verified-token cache option: the cached column is n/a");
    }
    await extend?.({ add, row, alg, f, next, verifier, vopts, missing });
  }
  await extend?.global?.(add, missing, oidc);
  return { cases, missing, cacheOption };
}

/**
 * Checks once, before any timing, that every case accepts each of its tokens and returns the claims they carry.
 * Returns a list of failures (empty when all is well); the host fails the whole bench on any.
 */
export async function checkCases(cases, fixtures) {
  const failures = [];
  const claimsCheck = (r) => {
    const claims = r?.payload ?? r; // jose -> { payload, protectedHeader }; oidc-edge -> the claims
    return claims?.iss !== fixtures.issuer || !String(claims?.sub).startsWith("user-") || claims?.scope !== fixtures.scope
      ? `accepted, but returned unexpected claims ${JSON.stringify(claims)}`
      : null;
  };
  for (const c of cases.values()) {
    // As many calls as the case has tokens: consecutive calls cycle through all of them.
    const runs = c.runs ?? fixtures.algs[c.alg].tokens.length;
    for (let k = 0; k < runs; k++) {
      try {
        const wrong = (c.check ?? claimsCheck)(await c.fn());
        if (wrong) {
          failures.push(`${c.id}: ${wrong}`);
          break;
        }
      } catch (e) {
        failures.push(`${c.id}: rejected a valid token: ${e?.name}${e?.code ? ` [${e.code}]` : ""}: ${e?.message}`);
        break;
      }
    }
  }
  return failures;
}

/** Runs `n` operations of case `c`: a plain loop (sync), awaited one by one (async), or 16 in flight. */
export async function runOps(c, n) {
  if (c.kind === "sync") {
    const fn = c.fn;
    let sink;
    for (let i = 0; i < n; i++) sink = fn();
    return sink === undefined ? 0 : 1;
  }
  if (c.kind === "async") {
    const fn = c.fn;
    for (let i = 0; i < n; i++) await fn();
    return 1;
  }
  let left = n;
  const lane = async () => {
    while (left-- > 0) await c.fn();
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, n) }, lane));
  return 1;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The timing method, whatever the clock: `timeOps(n)` runs n operations and resolves to the milliseconds
 * they took (measured in-process with performance.now(), or from outside for workerd). Finds a batch size
 * that lasts about `targetMs`, running at least `warmupMs` on the way. Resolves to n.
 */
export async function calibrate(timeOps, { targetMs, warmupMs }) {
  let n = 1;
  let ms = await timeOps(n);
  let spent = ms;
  while (ms < targetMs / 4 && n < 1 << 24) {
    n *= ms < targetMs / 64 ? 8 : 2;
    ms = await timeOps(n);
    spent += ms;
  }
  n = Math.max(1, Math.round((n * targetMs) / Math.max(ms, 0.01)));
  // A hiccup during calibration (GC, the other core busy, a slow round trip) would leave batches far too
  // short for the clock: grow n until one batch really lasts at least half the target.
  for (let k = 0; k < 8; k++) {
    ms = await timeOps(n);
    spent += ms;
    if (ms >= targetMs / 2) break;
    n = Math.ceil((n * targetMs) / Math.max(ms, targetMs / 16));
  }
  while (spent < warmupMs) spent += Math.max(await timeOps(n), 1);
  return n;
}

/** Case ids grouped by table and algorithm ("main/RS256"): the cases one table row compares. */
export function groupsOf(ids) {
  const groups = new Map();
  for (const id of ids) {
    const key = id.split("/").slice(0, 2).join("/");
    groups.set(key, [...(groups.get(key) ?? []), id]);
  }
  return [...groups.values()];
}

/**
 * Times one group side by side: calibrates each case, then `batches` rounds of one batch of every case in
 * turn, so load from other processes on the shared cores hits every column of the row alike.
 * `timeOps(id, n)` as above. Resolves to `{ [id]: { opsPerSec (median of batches), batchOpsPerSec, n } }`.
 */
export async function measureGroup(ids, timeOps, opts) {
  const n = {};
  const rates = {};
  for (const id of ids) {
    n[id] = await calibrate((k) => timeOps(id, k), opts);
    rates[id] = [];
  }
  for (let b = 0; b < opts.batches; b++) {
    for (const id of ids) rates[id].push(n[id] / (Math.max(await timeOps(id, n[id]), 0.001) / 1000));
  }
  return Object.fromEntries(ids.map((id) => [id, { opsPerSec: median(rates[id]), batchOpsPerSec: rates[id].map(Math.round), n: n[id] }]));
}

/**
 * One pass over every case before any is timed (each for about `ms`), so the first cases measured do not
 * pay for JIT tiers and lazy initialisation that later ones get for free. `timeOps(id, n)` as above.
 */
export async function warmUp(ids, timeOps, ms) {
  for (const id of ids) {
    let spent = 0;
    for (let n = 1; spent < ms && n < 1 << 24; n *= 2) spent += await timeOps(id, n);
  }
}

/**
 * The whole in-process run (Node and Chromium): check, then time every case (`rows`, `extend`: see
 * buildCases) by `clock` (milliseconds; default performance.now()). `log` reports progress.
 * Resolves to `{ results: { [caseId]: measurement }, missing }`; throws on a failed check.
 */
export async function runInProcess({ oidc, glue, jose, fixtures, quick, rows, extend, clock = () => performance.now(), log = () => {} }) {
  const { cases, missing, cacheOption } = await buildCases({ oidc, glue, jose, fixtures, rows, extend });
  const failures = await checkCases(cases, fixtures);
  if (failures.length) throw new Error(`correctness check failed:\n  ${failures.join("\n  ")}`);
  const opts = timingOptions(quick);
  const timeOps = async (id, n) => {
    const c = cases.get(id);
    const t0 = clock();
    await runOps(c, n);
    return clock() - t0;
  };
  await warmUp([...cases.keys()], timeOps, opts.warmupMs);
  const results = {};
  for (const group of groupsOf([...cases.keys()])) {
    Object.assign(results, await measureGroup(group, timeOps, opts));
    for (const id of group) log(`${id}: ${Math.round(results[id].opsPerSec)} ops/s`);
  }
  return { results, missing, cacheOption };
}
