// createEdgeVerifier: the edge verifier for any runtime with fetch, Request and Response (Cloudflare Workers,
// Deno, Vercel / Netlify edge functions, Node 20+). I/O only: every decision — routes, methods, CORS, tokens,
// scopes, when to fetch keys, which status and headers to answer, which request headers the origin may see —
// comes from the wasm EdgeGuard (src/server/edge.rs), of the module the entry passes (api.js, worker.js).

// The JWKS fetch through the Cache API (caches.default, Cloudflare Workers) when there is one, so that a new
// isolate finds the keys without asking the provider. The core marks refetches (an expired set, an unknown kid)
// `Cache-Control: no-cache`: those go to the provider and refresh the cached copy. A copy served from the Cache API
// carries its `Age` (RFC 9111 §5.1: seconds since it was stored, plus any Age it came with), from which the core
// computes the freshness left. No Cache API (or one that fails): plain fetch, silently.
const STORED_AT = "x-oidc-edge-stored-at";

function withCacheApi(fetchFn) {
  return async (url, init) => {
    let cache;
    try {
      cache = globalThis.caches?.default;
    } catch {
      cache = undefined;
    }
    if (!cache) return fetchFn(url, init);
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    const noCache = /no-cache/i.test(new Headers(init?.headers).get("cache-control") ?? "");
    if (!noCache) {
      const hit = await cache.match(url).catch(() => undefined);
      if (hit) {
        const res = new Response(hit.body, hit);
        const storedAt = Number(res.headers.get(STORED_AT));
        const age = Number(res.headers.get("age")) || 0;
        if (Number.isFinite(storedAt) && storedAt > 0) res.headers.set("age", String(age + Math.max(0, nowSeconds() - storedAt)));
        res.headers.delete(STORED_AT);
        return res;
      }
    }
    const res = await fetchFn(url, init);
    // A copy served later says nothing of a redirect a caller's fetch followed: never store one (the core
    // refuses it now, and would trust the copy).
    if (res.ok && !res.redirected) {
      try {
        const copy = new Response(res.clone().body, res);
        copy.headers.set(STORED_AT, String(nowSeconds()));
        await cache.put(url, copy);
      } catch {
        // not cacheable here (e.g. no-store): plain fetch it is
      }
    }
    return res;
  };
}

// The JWKS fetch through Workers KV (`jwksKv`, a KV namespace binding): a copy every location can read, so that a
// new isolate anywhere starts warm. As with the Cache API, refetches (no-cache) go to the provider and refresh the
// copy, and a copy carries its Age for the core's freshness. A KV that fails: the provider, silently.
function withKv(fetchFn, kv) {
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  return async (url, init) => {
    const key = `oidc-edge:jwks:${url}`;
    const noCache = /no-cache/i.test(new Headers(init?.headers).get("cache-control") ?? "");
    if (!noCache) {
      const hit = await Promise.resolve().then(() => kv.get(key, { type: "json" })).catch(() => null);
      if (hit && typeof hit.body === "string" && Number.isFinite(hit.storedAt)) {
        const headers = new Headers(hit.headers ?? {});
        headers.set("age", String((Number(hit.age) || 0) + Math.max(0, nowSeconds() - hit.storedAt)));
        return new Response(hit.body, { status: 200, headers });
      }
    }
    const res = await fetchFn(url, init);
    if (res.ok && !res.redirected) {
      try {
        const headers = {};
        for (const name of ["content-type", "cache-control"]) {
          const v = res.headers.get(name);
          if (v !== null) headers[name] = v;
        }
        const copy = { body: await res.clone().text(), storedAt: nowSeconds(), age: res.headers.get("age"), headers };
        // Kept a day at most (KV's own expiry): the core's maxStale bounds its use anyway.
        await kv.put(key, JSON.stringify(copy), { expirationTtl: 86400 });
      } catch {
        // not stored: the next isolate asks the provider
      }
    }
    return res;
  };
}

// The signature the guard left to WebCrypto (an EdgePending): the key imported once (the guard caches it, or its
// refusal), the verdict handed back. A throw or a non-boolean is no verdict: the guard's Rust algorithms decide.
async function webCryptoCheck(guard, pending) {
  let key = pending.key;
  let imported;
  let verdict;
  try {
    const subtle = globalThis.crypto.subtle;
    if (key === undefined) {
      imported = null;
      key = imported = await subtle.importKey("jwk", pending.jwk, pending.importAlg, false, ["verify"]);
    }
    verdict = await subtle.verify(pending.verifyAlg, key, pending.signature, pending.data);
  } catch {
    verdict = undefined;
  }
  return guard.finish(pending, verdict, imported);
}

// The guard answers with a decision's JSON text (parsed once here), or with an EdgePending: `undefined` then.
const parseDecision = (out) => (typeof out === "string" ? JSON.parse(out) : undefined);

// Counters of what the verifier answered, and each event to Workers Analytics Engine (a dataset binding's
// writeDataPoint) or as one JSON log line. Reporting only: every outcome and reason is the guard's.
function metricsFor(metrics, guard) {
  const counters = { allowed: 0, denied: {}, answered: {}, cacheHits: 0, staleServed: 0 };
  const analytics = metrics?.analytics;
  const log = metrics?.log === true;
  function emit(event, fields) {
    if (analytics) {
      try {
        analytics.writeDataPoint({
          indexes: [event],
          blobs: [event, String(fields.reason ?? fields.outcome ?? ""), String(fields.route ?? "")],
          doubles: [1, Number(fields.status ?? 0)],
        });
      } catch {
        // a metrics sink never fails a request
      }
    } else if (log) {
      console.log(JSON.stringify({ oidcEdge: event, ...fields }));
    }
  }
  return {
    counters,
    decision(d) {
      if (d.ok) {
        counters.allowed++;
        if (d.cached) counters.cacheHits++;
        if (d.stale) counters.staleServed++;
        emit("allowed", { route: d.route, status: 200, cached: d.cached, stale: d.stale });
      } else {
        // Readiness and preflight answers below 400 are no refusal.
        const kind = d.status < 400 ? "answered" : "denied";
        counters[kind][d.reason] = (counters[kind][d.reason] ?? 0) + 1;
        emit(kind, { reason: d.reason, status: d.status });
      }
    },
    // JWKS fetches since `before` (a jwksFetches snapshot).
    fetches(before) {
      const after = guard.jwksFetches;
      for (let i = before.ok; i < after.ok; i++) emit("jwks_fetch", { outcome: "ok" });
      for (let i = before.failed; i < after.failed; i++) emit("jwks_fetch", { outcome: "failed" });
    },
    snapshot() {
      return { ...counters, denied: { ...counters.denied }, answered: { ...counters.answered }, jwks: guard.jwksFetches };
    },
  };
}

/**
 * @param {Function} EdgeGuard the EdgeGuard class of the entry's wasm-bindgen glue
 * @param {object} config see index.d.ts (EdgeVerifierConfig)
 * @returns {(request: Request) => Promise<EdgeVerifierResult>}
 */
export function createEdgeVerifierWith(EdgeGuard, config) {
  // Anything but a plain object goes to EdgeGuard as is, which refuses it (invalid_request).
  const isObject = config !== null && typeof config === "object" && !Array.isArray(config);
  const opts = isObject ? { ...config } : config;
  let fetchFn;
  let metricsConfig;
  let replayStore;
  if (isObject) {
    // dpop.replayStore (a store shared by every isolate) is called here; the guard hands out the entries. A
    // mistyped one is left for the guard to refuse; externalReplay is never the caller's to set.
    const d = opts.dpop;
    if (d !== null && typeof d === "object" && !Array.isArray(d)) {
      const { replayStore: store, externalReplay: _, ...rest } = d;
      if (store === undefined || typeof store?.checkAndRemember === "function") {
        replayStore = store;
        opts.dpop = { ...rest, externalReplay: store !== undefined };
      }
    }
    // A mistyped metrics is left for the guard to refuse (invalid_request, unknown member).
    const m = opts.metrics;
    const valid = m === undefined || (m !== null && typeof m === "object" && !Array.isArray(m)
      && Object.keys(m).every((k) => k === "analytics" || k === "log")
      && (m.log === undefined || typeof m.log === "boolean")
      && (m.analytics === undefined || typeof m.analytics?.writeDataPoint === "function"));
    if (valid) {
      metricsConfig = m;
      delete opts.metrics;
    }
    const given = opts.fetch;
    const useCacheApi = opts.cacheApi !== false;
    delete opts.cacheApi;
    let base = given ?? ((url, init) => globalThis.fetch(url, init));
    // A jwksKv that is not a KV namespace is left for the guard to refuse (invalid_request, unknown member).
    const kv = opts.jwksKv;
    if (typeof kv?.get === "function" && typeof kv?.put === "function") {
      delete opts.jwksKv;
      if (typeof given === "function" || given === undefined) base = withKv(base, kv);
    }
    fetchFn = useCacheApi ? withCacheApi(base) : base;
    if (typeof given === "function" || given === undefined) opts.fetch = fetchFn;
  }
  const guard = new EdgeGuard(opts);
  const metrics = metricsFor(metricsConfig, guard);

  // A key set near its expiry is refreshed after the answer: through ctx.waitUntil (Workers) when given.
  function refreshInBackground(ctx) {
    const refresh = guard.refreshKeys();
    if (refresh === undefined) return;
    // The fetch has not settled yet: the counts before it.
    const before = guard.jwksFetches;
    const done = refresh.then(() => metrics.fetches(before));
    if (typeof ctx?.waitUntil === "function") ctx.waitUntil(done);
  }

  async function verify(request, ctx) {
    const url = new URL(request.url);
    const h = request.headers;
    const dpop = h.get("dpop") ?? undefined;
    const args = [
      request.method,
      url.pathname,
      h.get("authorization") ?? undefined,
      h.get("origin") ?? undefined,
      h.get("access-control-request-method") ?? undefined,
      h.get("access-control-request-headers") ?? undefined,
      dpop,
      // The URL is only a DPoP proof's htu.
      dpop === undefined ? undefined : request.url,
    ];
    let out = guard.decide(...args, true);
    let d = parseDecision(out);
    if (d?.fetchKeys) {
      // A failed fetch is the guard's to answer (the last good set, or 503 without one).
      const before = guard.jwksFetches;
      await guard.fetchKeys(d.kid, undefined, d.issuer).catch(() => {});
      metrics.fetches(before);
      out = guard.decide(...args, false);
      d = parseDecision(out);
    }
    // A DPoP request has two signatures: the proof's, then the token's.
    while (d === undefined) {
      out = await webCryptoCheck(guard, out);
      d = parseDecision(out);
    }
    if (d.ok && d.replayKey !== undefined) {
      // Fail closed: a throw, a rejection or anything but true refuses the proof.
      let fresh;
      try {
        fresh = await replayStore.checkAndRemember(d.replayKey, d.replayExpiresAt);
      } catch {
        fresh = false;
      }
      if (fresh !== true) d = JSON.parse(guard.replayRefused(h.get("origin") ?? undefined));
    }
    refreshInBackground(ctx);
    metrics.decision(d);
    if (d.ok) {
      return { ok: true, claims: d.claims, scopes: d.scopes, route: d.route, headers: d.headers, identityHeaders: d.identityHeaders };
    }
    return { ok: false, response: new Response(d.status === 204 ? null : d.body, { status: d.status, headers: d.headers }) };
  }
  // The request headers for the origin: every header the guard strips removed, the identity headers set.
  function forwardHeaders(headers, result) {
    const out = new Headers(headers);
    for (const name of guard.strippedHeaders([...out.keys()])) out.delete(name);
    if (result?.ok) for (const [name, value] of result.identityHeaders) out.set(name, value);
    return out;
  }
  Object.defineProperties(verify, {
    keyIds: { get: () => guard.keyIds },
    cachedTokens: { get: () => guard.cachedTokens },
    metrics: { get: () => metrics.snapshot() },
    forwardHeaders: { value: forwardHeaders },
  });
  return verify;
}
