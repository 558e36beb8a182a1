// The worker's JWKS_KV copy with a real Workers KV: miniflare's (the KV that `wrangler dev` runs, stored on
// disk), not a stand-in. A new isolate with an empty memory and no Cache API copy starts from the KV copy,
// without asking the provider; a key the copy lacks goes to the provider and rewrites it for the next isolate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { AUDIENCE, ISSUER, ROUTES, accessToken, jwksServer, serve, signingKey } from "./support/edge-fixtures.mjs";
import { WORKER_ENTRY } from "./support/worker-env.mjs";
import { bundleWorker } from "./support/workerd.mjs";

test("JWKS_KV in miniflare's Workers KV: a new isolate starts warm from the copy; an unknown kid refetches and rewrites it", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-kv-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, "bundle");
  const wasm = await bundleWorker(WORKER_ENTRY, bundle);
  const [k1, k2] = [await signingKey("k1"), await signingKey("k2")];
  const jwks = await jwksServer([k1]);
  t.after(() => jwks.close());
  const origin = await serve(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "origin" }));
  t.after(() => origin.close());
  const kvPersist = join(dir, "kv");
  /** A fresh Worker runtime (a new isolate: nothing in memory, no Cache API copy) over the same stored KV. */
  const isolate = async () => {
    const mf = new Miniflare({
      modulesRoot: bundle,
      modules: [
        { type: "ESModule", path: join(bundle, "worker.js") },
        ...wasm.map((w) => ({ type: "CompiledWasm", path: join(bundle, w) })),
      ],
      compatibilityDate: "2025-01-01",
      compatibilityFlags: ["nodejs_compat"],
      bindings: {
        ISSUER, AUDIENCE, JWKS_URI: jwks.jwksUri, ORIGIN: origin.url, ROUTES: JSON.stringify(ROUTES), REALM: "api",
        JWKS_COOLDOWN: "0",
      },
      kvNamespaces: ["JWKS_KV"],
      kvPersist,
      cache: false,
    });
    await mf.ready;
    return mf;
  };
  const get = (mf, token) => mf.dispatchFetch("http://worker.test/api/orders", { headers: { authorization: `Bearer ${token}` } });

  const first = await isolate();
  try {
    const res = await get(first, await accessToken(k1));
    assert.equal(res.status, 200, await res.text());
    assert.equal(jwks.fetches, 1, "the first isolate asks the provider");
    const copy = await (await first.getKVNamespace("JWKS_KV")).get(`oidc-edge:jwks:${jwks.jwksUri}`, "json");
    assert.deepEqual(JSON.parse(copy.body).keys.map((k) => k.kid), ["k1"], "and writes the KV copy");
  } finally {
    await first.dispose();
  }

  // a new isolate: the KV copy answers, the provider is not asked
  jwks.setKeys([k1, k2]);
  const second = await isolate();
  try {
    const res = await get(second, await accessToken(k1));
    assert.equal(res.status, 200, await res.text());
    assert.equal(jwks.fetches, 1, "a new isolate starts from the KV copy");
    // a kid the copy lacks: refetched from the provider (no-cache), and the copy rewritten
    const rotated = await get(second, await accessToken(k2));
    assert.equal(rotated.status, 200, await rotated.text());
    assert.equal(jwks.fetches, 2);
  } finally {
    await second.dispose();
  }

  // the next isolate finds the rotated set in KV: k2 without a fetch
  const third = await isolate();
  try {
    const res = await get(third, await accessToken(k2));
    assert.equal(res.status, 200, await res.text());
    assert.equal(jwks.fetches, 2, "the rewritten copy serves the new key");
  } finally {
    await third.dispose();
  }
  assert.ok(readdirSync(kvPersist).length > 0, "KV was stored by miniflare, not in memory");
});
