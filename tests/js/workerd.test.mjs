// The package in real workerd, bundled like wrangler bundles a Worker (exports map, `workerd` condition,
// the .wasm imported as a compiled module).
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { startWorker } from "./support/workerd.mjs";

test("workerd: the package loads with its .wasm imported as a module", async () => {
  const worker = await startWorker(resolve(import.meta.dirname, "fixtures/workerd/worker.js"));
  try {
    const res = await fetch(`${worker.url}/?state=evil`);
    assert.equal(res.status, 200, worker.logs.join(""));
    const r = await res.json();
    assert.match(r.pair.codeVerifier, /^[A-Za-z0-9\-._~]{64}$/);
    assert.equal(r.challengeMatches, true);
    assert.equal(r.appendixB, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert.deepEqual(r.error, { name: "OidcEdgeError", code: "state_mismatch", isOidcEdgeError: true });
  } finally {
    await worker.close();
  }
});
