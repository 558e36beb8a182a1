// The demo SPA end to end, in real Chromium against the real stack of `make demo` (www/stack.mjs): sign in with
// `createSession` of `oidc-edge/spa` through oidc-provider's devInteractions pages, the verified claims, the
// access token verified in the page (and a tampered one blamed on it), scope checks, the API through the edge
// worker (200, 403, 401), the session's own refresh, a reload, a phone-width page, logout; a callback whose
// `state` was tampered with; and the README's quick start, which is the demo's own code.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startDemoStack } from "../../www/stack.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = resolve(import.meta.dirname, "../..");
const artifacts = resolve(import.meta.dirname, "../artifacts");
// Short-lived access tokens: the session refreshes them 60 s before they expire, so 15 s after each issue.
const ACCESS_TOKEN_TTL = 75;
let stack;
let chromium;

before(async () => {
  [stack, chromium] = await Promise.all([startDemoStack({ accessTokenTtl: ACCESS_TOKEN_TTL }), launchChromium()]);
});
after(async () => {
  await chromium?.close();
  await stack?.close();
});

/** A page that fails the test on an uncaught page error. */
async function newPage(t) {
  await chromium.context.clearCookies(); // no provider session left from another test
  const page = await chromium.context.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(String(e)));
  t.after(async () => {
    await page.close();
    assert.deepEqual(failures, []);
  });
  return page;
}

/** From the demo page: Sign in, then the provider's login and consent pages, back to the demo. */
async function signIn(page) {
  await page.goto(`${stack.urls.spa}/`);
  await page.locator("#sign-in:not([disabled])").click();
  await page.waitForURL((u) => u.href.startsWith(stack.urls.provider));
  await page.fill('input[name="login"]', stack.user.login);
  await page.fill('input[name="password"]', stack.user.password);
  await page.click('button[type="submit"]');
  await page.locator('button[type="submit"]', { hasText: "Continue" }).click(); // consent
  await page.waitForURL((u) => u.href.startsWith(stack.urls.spa));
  await page.locator("body[data-ready]").waitFor();
}

const step = (page, panel) => page.locator(`#${panel}-step`).getAttribute("data-step");
/** The cells of scope row `i` (access token, session scope, details) once they satisfy `want`. */
async function scopeCells(page, i, want) {
  const row = page.locator("#scope-rows tr").nth(i);
  for (let tries = 0; ; tries++) {
    const cells = (await row.locator("td").allTextContents()).slice(1);
    if (want(cells) || tries === 100) return cells;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}
/** No horizontal scrolling: the page is no wider than the viewport. */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("sign in with createSession, both tokens verified, scope checks, API 200/403/401, refresh, reload, logout", async (t) => {
  const page = await newPage(t);
  const loaded = [];
  page.on("request", (r) => { if (r.url().includes("/pkg/")) loaded.push(new URL(r.url()).pathname); });
  await signIn(page);
  assert.equal(await page.locator("#error").isHidden(), true, await page.locator("#error").textContent());
  // the page loads the SPA entry only (the scope checks run on the server)
  assert.ok(loaded.includes("/pkg/oidc_edge_spa_bg.wasm"), String(loaded));
  assert.deepEqual(loaded.filter((p) => /\/pkg\/(web\.js|oidc_edge\.js|oidc_edge_bg\.wasm)$/.test(p)), []);
  assert.equal(new URL(page.url()).pathname, "/"); // the code left the address bar

  // the ID token, verified by session.handleCallback()
  assert.equal(await step(page, "identity"), "session.handleCallback()");
  const claim = (name) => page.locator(`#claims tr[data-claim="${name}"] td`).textContent();
  assert.equal(await claim("sub"), stack.user.login);
  assert.equal(await claim("aud"), stack.clientId);
  assert.equal(await claim("iss"), stack.urls.provider);
  assert.match(await claim("nonce"), /^[A-Za-z0-9_-]{43}$/);
  const firstAtHash = await claim("at_hash");
  const checks = await page.locator("#checks").textContent();
  assert.match(checks, /nonce verified/);
  assert.match(checks, /at_hash verified/);
  assert.match(checks, /RS256/);

  // the access token, verified in the page
  assert.equal(await step(page, "access"), "TokenVerifier.verifyAccessTokenAsync()");
  assert.equal(await page.locator("#access-result").getAttribute("data-code"), "");
  assert.equal(await page.locator("#token-scopes").textContent(), "api:read");
  await page.click("#tamper");
  await page.locator("#tamper-result[data-code]").waitFor();
  assert.equal(await page.locator("#tamper-result").getAttribute("data-code"), "invalid_signature");

  // scope checks on the demo's server: the pre-filled expression is satisfied by the token, the second only
  // by the session's OpenID scopes; then one typed in, then a bad one
  let [token, granted, details] = await scopeCells(page, 0, ([c]) => c !== "");
  assert.equal(token, "✓ satisfied");
  assert.equal(granted, "✓ satisfied");
  assert.match(details, /canonical api:read and not admin/);
  [token, granted] = await scopeCells(page, 1, ([c]) => c !== "");
  assert.equal(token, "✗ not satisfied");
  assert.equal(granted, "✓ satisfied");
  const row = (i) => page.locator("#scope-rows tr").nth(i);
  await row(0).locator("input").fill("api:read and (api:write or admin)");
  [, , details] = await scopeCells(page, 0, ([, , d]) => /would need/.test(d));
  assert.match(details, /the token would need api:write/);
  await row(1).locator("input").fill("api:read and (api:write or");
  [token, , details] = await scopeCells(page, 1, ([c]) => c === "invalid_scope_expression");
  assert.equal(token, "invalid_scope_expression");
  assert.match(details, /column \d+/);
  assert.equal(await row(1).getAttribute("class"), "invalid");

  // the API through the edge worker: 200 with the subject and scopes the worker vouched for, 403, 401
  const latest = page.locator("#api-results .result").first();
  let calls = 0;
  const call = async (route, status) => {
    await page.click(`[data-route="${route}"]`);
    await page.locator(`#api-results .result[data-call="${++calls}"]`).waitFor();
    assert.equal(await latest.getAttribute("data-status"), String(status), await latest.textContent());
  };
  await call("GET /api/profile", 200);
  assert.equal(await step(page, "api"), "session.getAccessToken() + fetch()");
  const echo = JSON.parse(await latest.locator("pre").textContent());
  assert.equal(echo.subject, stack.user.login);
  assert.equal(echo.scopes, "api:read");
  await call("POST /api/notes", 403);
  assert.match(await latest.locator("dl").textContent(), /error="insufficient_scope".*scope="api:write"/);
  await call("no-token", 401);
  assert.equal(await step(page, "api"), "fetch()");

  // the session refreshes on its own before the access token expires: new tokens, verified again
  await page.locator("#refreshed", { hasText: "1×" }).waitFor({ timeout: 60_000 });
  assert.equal(await step(page, "identity"), "refreshed");
  assert.notEqual(await claim("at_hash"), firstAtHash);
  assert.equal(await page.locator("#access-result").getAttribute("data-code"), "");
  assert.equal(await page.locator("#error").isHidden(), true, await page.locator("#error").textContent());
  await call("GET /api/profile", 200);

  mkdirSync(artifacts, { recursive: true });
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.screenshot({ path: join(artifacts, "demo-signed-in.png"), fullPage: true });

  // a phone: 375 px wide, nothing wider than the screen
  await page.setViewportSize({ width: 375, height: 800 });
  assert.equal(await overflow(page), 0, "the signed-in page scrolls sideways at 375 px");
  await page.screenshot({ path: join(artifacts, "demo-signed-in-375.png"), fullPage: true });
  await page.setViewportSize({ width: 1100, height: 900 });

  // a reload keeps the session (the demo's persistence is sessionStorage)
  await page.reload();
  await page.locator("body[data-ready]").waitFor();
  assert.equal(await step(page, "identity"), "session.restore()");
  assert.equal(await claim("sub"), stack.user.login);
  assert.equal(await page.locator("#access-result").getAttribute("data-code"), "");

  // logout at the provider, back to the demo
  await page.click("#sign-out");
  await page.waitForURL((u) => u.href.startsWith(stack.urls.provider));
  await page.locator('button[value="yes"]').click();
  await page.locator("#notice", { hasText: "Signed out" }).waitFor();
  assert.equal(await page.locator("#signin").isVisible(), true);
  assert.equal(await page.locator("#identity").isHidden(), true);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "nothing of the session is left");
  await page.screenshot({ path: join(artifacts, "demo-signed-out.png") });
  await page.setViewportSize({ width: 375, height: 800 });
  assert.equal(await overflow(page), 0, "the sign-in page scrolls sideways at 375 px");
});

test("a tampered access token is blamed on the access token, and the worker refuses it", async (t) => {
  const page = await newPage(t);
  await signIn(page);
  // Widen the kept access token's scope (api:write), then reload: the session restores it as it is.
  await page.evaluate((key) => {
    const kept = JSON.parse(sessionStorage.getItem(key));
    const [head, payload, sig] = kept.tokens.accessToken.split(".");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, scope: "api:read api:write" })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    kept.tokens.accessToken = `${head}.${forged}.${sig}`;
    sessionStorage.setItem(key, JSON.stringify(kept));
  }, `oidc-edge:${stack.urls.provider}:${stack.clientId}`);
  await page.reload();
  await page.locator("body[data-ready]").waitFor();
  assert.equal(await page.locator("#access-result").getAttribute("data-code"), "invalid_signature");
  assert.match(await page.locator("#access-result").textContent(), /The access token did not verify/);
  assert.equal(await page.locator("#error").isHidden(), true, "no page-wide error: the ID token is fine");
  assert.equal(await step(page, "identity"), "session.restore()");
  assert.equal(await page.locator('#claims tr[data-claim="sub"] td').textContent(), stack.user.login);
  const [token] = await scopeCells(page, 0, ([c]) => c !== "");
  assert.equal(token, "invalid_signature");
  await page.click('[data-route="POST /api/notes"]'); // the forged scope would allow it: the worker checks the signature
  const result = page.locator('#api-results .result[data-call="1"]');
  await result.waitFor();
  assert.equal(await result.getAttribute("data-status"), "401");
  assert.match(await result.locator("dl").textContent(), /error="invalid_token"/);
});

test("a callback whose state was tampered with shows state_mismatch", async (t) => {
  const page = await newPage(t);
  // Hold the callback page before it reads the URL (its /config.json), then load the same callback, with the
  // real code and iss, in the same tab (same sessionStorage) but with another state.
  let callbackUrl;
  const reached = new Promise((ok) => {
    page.route(`${stack.urls.spa}/config.json`, (route) => {
      const from = new URL(route.request().frame().url());
      if (from.pathname !== "/callback" || callbackUrl) return route.continue();
      callbackUrl = from;
      ok();
      return undefined; // never answered: that page is replaced below
    });
  });
  await page.goto(`${stack.urls.spa}/`);
  await page.locator("#sign-in:not([disabled])").click();
  await page.fill('input[name="login"]', stack.user.login);
  await page.fill('input[name="password"]', stack.user.password);
  await page.click('button[type="submit"]');
  await page.locator('button[type="submit"]', { hasText: "Continue" }).click();
  await reached;
  assert.ok(callbackUrl.searchParams.get("code"));
  callbackUrl.searchParams.set("state", "tampered");
  await page.goto(callbackUrl.href);
  await page.locator("#error:not([hidden])").waitFor();
  assert.equal(await page.locator("#error-code").textContent(), "state_mismatch");
  assert.match(await page.locator("#error-where").textContent(), /handleCallback/);
  assert.equal(await page.locator("#identity").isHidden(), true);
  assert.equal(await page.locator("#signin").isVisible(), true);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "demo-state-mismatch.png") });
});

test("cancelling at the provider shows authorization_error with access_denied", async (t) => {
  const page = await newPage(t);
  await page.goto(`${stack.urls.spa}/`);
  await page.locator("#sign-in:not([disabled])").click();
  await page.click("text=[ Cancel ]");
  await page.locator("#error:not([hidden])").waitFor();
  assert.equal(await page.locator("#error-code").textContent(), "authorization_error");
  assert.match(await page.locator("#error-message").textContent(), /^access_denied: End-User aborted interaction/);
  assert.equal(await page.locator("#signin").isVisible(), true);
});

test("the README's SPA quick start is the demo's own code, line for line", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = readme.match(/## Sign in from a single-page app\n+```js\n([\s\S]*?)```/)?.[1];
  assert.ok(block, "README.md has a js block under 'Sign in from a single-page app'");
  const lines = block.trimEnd().split("\n");
  assert.ok(lines.length <= 15, `the quick start is ${lines.length} lines`);
  const [importLine, ...body] = lines;
  const app = readFileSync(join(root, "www/app.js"), "utf8");
  const quickStart = app.match(/async function quickStart\([^)]*\) \{\n([\s\S]*?)\n {2}return /)?.[1];
  assert.ok(quickStart, "www/app.js has quickStart()");
  assert.deepEqual(quickStart.split("\n").map((l) => l.replace(/^ {2}/, "")), body);
  const names = (l) => l.match(/\{([^}]*)\}/)[1].split(",").map((s) => s.trim());
  const appImport = app.split("\n").find((l) => l.startsWith("import ") && l.includes('"oidc-edge/spa"'));
  for (const name of names(importLine)) assert.ok(names(appImport).includes(name), `www/app.js imports ${name}`);
  assert.match(importLine, /from "oidc-edge\/spa"/);
});
