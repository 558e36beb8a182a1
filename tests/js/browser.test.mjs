// The package in real headless Chromium: loaded without a bundler (an import map pointing at pkg/web.js,
// the .wasm fetched next to it) and through a Vite production build (which must emit the .wasm asset).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "vite";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = resolve(import.meta.dirname, "../..");
const fixtures = join(root, "tests/js/fixtures");
let chromium;

before(async () => { chromium = await launchChromium(); });
after(async () => { await chromium?.close(); });

async function resultOf(url) {
  const page = await chromium.context.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 15_000 });
    const result = await page.evaluate(() => window.__result);
    assert.deepEqual(failures, []);
    return result;
  } finally {
    await page.close();
  }
}

function assertFoundationWorks(r) {
  assert.equal(r.failed, undefined, r.failed);
  assert.match(r.pair.codeVerifier, /^[A-Za-z0-9\-._~]{64}$/);
  assert.equal(r.challengeMatches, true);
  assert.equal(r.appendixB, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  assert.ok(r.url.startsWith("https://idp.example.com/authorize?response_type=code&client_id=spa&"));
  assert.deepEqual(r.error, { name: "OidcEdgeError", code: "state_mismatch", isOidcEdgeError: true, isError: true });
  const notInitialized = { name: "OidcEdgeError", code: "not_initialized", isOidcEdgeError: true };
  assert.deepEqual(r.beforeInit, [notInitialized, notInitialized]);
  assert.match(r.beforeInitMessage, /await init\(\)/);
}

test("browser without a bundler: import map -> pkg/web.js", async () => {
  const server = await serveStatic(join(fixtures, "browser"), {
    "/pkg/web.js": join(root, "pkg/web.js"),
    "/pkg/api.js": join(root, "pkg/api.js"),
    "/pkg/errors.js": join(root, "pkg/errors.js"),
    "/pkg/edge.js": join(root, "pkg/edge.js"),
    "/pkg/oidc_edge.js": join(root, "pkg/oidc_edge.js"),
    "/pkg/oidc_edge_bg.wasm": join(root, "pkg/oidc_edge_bg.wasm"),
  });
  try {
    assertFoundationWorks(await resultOf(`${server.url}/`));
  } finally {
    await server.close();
  }
});

test("browser through a Vite production build", async () => {
  const outDir = mkdtempSync(join(tmpdir(), "oidc-edge-vite-"));
  try {
    await build({
      root: fixtures, logLevel: "error", configFile: false,
      build: { outDir, emptyOutDir: true, rollupOptions: { input: join(fixtures, "vite-app/index.html") } },
    });
    const server = await serveStatic(outDir);
    try {
      assertFoundationWorks(await resultOf(`${server.url}/vite-app/index.html`));
    } finally {
      await server.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
