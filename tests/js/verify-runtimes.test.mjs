// The sync/async equivalence matrix (support/async-matrix.mjs) in headless Chromium (pkg/web.js through an
// import map) and in workerd (a bundled Worker): the Async methods use each runtime's own WebCrypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";
import { startWorker } from "./support/workerd.mjs";
import { makeAsyncFixtures } from "./support/async-fixtures.mjs";

const root = resolve(import.meta.dirname, "../..");
let fixtures;
before(async () => { fixtures = await makeAsyncFixtures(); });

function check(result) {
  assert.deepEqual(result.failures, []);
  assert.ok(result.ran > 200, `ran ${result.ran}`);
  for (const alg of ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA"]) assert.equal(result.asyncCodes[`${alg} verify`], "ok");
}

test("Chromium: Async methods agree with the sync ones", async () => {
  const chromium = await launchChromium();
  const pkg = (f) => join(root, "pkg", f);
  const server = await serveStatic(join(root, "tests/js/fixtures/browser"), {
    "/pkg/web.js": pkg("web.js"), "/pkg/api.js": pkg("api.js"), "/pkg/edge.js": pkg("edge.js"),
    "/pkg/oidc_edge.js": pkg("oidc_edge.js"), "/pkg/oidc_edge_bg.wasm": pkg("oidc_edge_bg.wasm"), "/pkg/errors.js": pkg("errors.js"),
    "/matrix.mjs": join(root, "tests/js/support/async-matrix.mjs"),
  });
  try {
    const page = await chromium.context.newPage();
    await page.goto(`${server.url}/`);
    const result = await page.evaluate(async (fx) => {
      const oidc = await import("oidc-edge");
      await oidc.init();
      const { runAsyncMatrix } = await import("/matrix.mjs");
      return runAsyncMatrix(oidc, fx);
    }, fixtures);
    check(result);
  } finally {
    await server.close();
    await chromium.close();
  }
});

test("workerd: Async methods agree with the sync ones", async () => {
  const worker = await startWorker(resolve(import.meta.dirname, "fixtures/workerd/verify-worker.js"));
  try {
    const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(fixtures) });
    assert.equal(res.status, 200, worker.logs.join(""));
    check(await res.json());
  } finally {
    await worker.close();
  }
});
