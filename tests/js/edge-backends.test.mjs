// createEdgeVerifier's signature backends: node:crypto (Node), WebCrypto (what workerd and other edge runtimes
// use), the Rust algorithms (no WebCrypto, or a WebCrypto that fails): in Node and inside workerd. On each, a
// valid token passes and a tampered or foreign one fails; a backend that throws or answers a non-boolean leaves
// the decision to the Rust algorithms, never to "valid"; a key is imported once.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import * as oidc from "oidc-edge";
import * as glue from "../../pkg/oidc_edge.js";
import { EDGE_ALGS, WEBCRYPTO_ALGS, makeEdgeFixtures, runEdgeBackends } from "./support/edge-backends.mjs";
import { startWorker } from "./support/workerd.mjs";

const fixtures = makeEdgeFixtures();

/**
 * Which backends answered: each WebCrypto algorithm's key imported once, then a verify per request (valid,
 * tampered, foreign, valid: no tokenCache), except ES512's tampered one, whose r the core refuses first.
 */
function checkCalls(calls) {
  for (const alg of EDGE_ALGS) {
    const verifies = !WEBCRYPTO_ALGS.includes(alg) ? 0 : alg === "ES512" ? 3 : 4;
    assert.deepEqual(calls.webcrypto[alg], { verify: verifies, importKey: verifies && 1 }, `webcrypto ${alg}`);
    assert.equal(calls["webcrypto-throws"][alg].verify, verifies, `webcrypto-throws ${alg}`);
    assert.deepEqual(calls["no-webcrypto"][alg], { verify: 0, importKey: 0 });
  }
}

test("Node: node:crypto, and with it uninstalled WebCrypto and the Rust algorithms, on every algorithm", async () => {
  const { failures: nodeFailures, calls: nodeCalls } = await runEdgeBackends(oidc, fixtures);
  assert.deepEqual(nodeFailures, []);
  for (const alg of EDGE_ALGS) assert.deepEqual(nodeCalls.webcrypto[alg], { verify: 0, importKey: 0 }, `node:crypto answers ${alg}, no WebCrypto`);
  assert.equal(glue.__oidcEdgeNodeCrypto(null), false);
  try {
    const { failures, calls } = await runEdgeBackends(oidc, fixtures);
    assert.deepEqual(failures, []);
    checkCalls(calls);
  } finally {
    assert.equal(glue.__oidcEdgeNodeCrypto(nodeCrypto), true);
  }
});

test("Node: a node:crypto that throws or answers a non-boolean leaves the decision to the Rust algorithms", async () => {
  for (const verify of [() => { throw new Error("down"); }, () => "yes", () => 1]) {
    assert.equal(glue.__oidcEdgeNodeCrypto({ ...nodeCrypto, constants: nodeCrypto.constants, createPublicKey: nodeCrypto.createPublicKey, verify }), true);
    try {
      const { failures } = await runEdgeBackends(oidc, fixtures, { node: () => ({ calls: {}, undo() {} }) });
      assert.deepEqual(failures, []);
    } finally {
      glue.__oidcEdgeNodeCrypto(nodeCrypto);
    }
  }
});

test("workerd: WebCrypto, failing WebCrypto and the Rust algorithms, on every algorithm", async (t) => {
  const worker = await startWorker(new URL("./fixtures/workerd/edge-backends-worker.js", import.meta.url).pathname);
  t.after(worker.close);
  const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(fixtures) });
  const { failures, calls } = await res.json();
  assert.deepEqual(failures, [], worker.logs.join(""));
  checkCalls(calls);
});
