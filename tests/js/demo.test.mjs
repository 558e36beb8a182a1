// The demo SPA end to end, in real Chromium against the real stack of `make demo` (www/stack.mjs): sign in
// through oidc-provider's devInteractions pages, the verified claims, scope checks, the API through the edge
// worker (200 and 403), refresh, logout; and a callback whose `state` was tampered with.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { startDemoStack } from "../../www/stack.mjs";
import { launchChromium } from "./support/browser.mjs";

const artifacts = resolve(import.meta.dirname, "../artifacts");
let stack;
let chromium;

before(async () => {
  [stack, chromium] = await Promise.all([startDemoStack(), launchChromium()]);
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
  await page.locator("#login:not([disabled])").click();
  await page.waitForURL((u) => u.href.startsWith(stack.urls.provider));
  await page.fill('input[name="login"]', stack.user.login);
  await page.fill('input[name="password"]', stack.user.password);
  await page.click('button[type="submit"]');
  await page.locator('button[type="submit"]', { hasText: "Continue" }).click(); // consent
  await page.waitForURL((u) => u.href.startsWith(stack.urls.spa));
}

test("sign in with PKCE, verified claims, scope checks, API 200 and 403, refresh, logout", async (t) => {
  const page = await newPage(t);
  await signIn(page);
  await page.locator("#identity").waitFor();
  assert.equal(await page.locator("#error").isHidden(), true, await page.locator("#error").textContent());
  assert.equal(new URL(page.url()).pathname, "/"); // the code left the address bar

  // the verified ID token
  const claim = (name) => page.locator(`#claims tr[data-claim="${name}"] td`).textContent();
  assert.equal(await claim("sub"), stack.user.login);
  assert.equal(await claim("aud"), stack.clientId);
  assert.equal(await claim("iss"), stack.urls.provider);
  assert.match(await claim("nonce"), /^[A-Za-z0-9_-]{43}$/);
  const checks = await page.locator("#checks").textContent();
  assert.match(checks, /nonce verified/);
  assert.match(checks, /at_hash verified/);
  assert.match(checks, /RS256/);
  assert.equal(await page.locator("#token-scopes").textContent(), "api:read");

  // scope checks: the two default expressions, then one typed in, then a bad one
  const row = (i) => page.locator("#scope-rows tr").nth(i);
  const cells = async (i) => (await row(i).locator("td").allTextContents()).slice(1);
  let [token, grant] = await cells(0); // openid and (profile or email)
  assert.equal(token, "✗ not satisfied");
  assert.equal(grant, "✓ satisfied");
  [token, grant] = await cells(1); // api:read and not api:write
  assert.equal(token, "✓ satisfied");
  assert.equal(grant, "✓ satisfied");
  await row(0).locator("input").fill("api:read and (api:write or admin)");
  let [, , details] = await cells(0);
  assert.match(details, /the token would need api:write/);
  await row(1).locator("input").fill("api:read and (api:write or");
  [token, grant, details] = await cells(1);
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
  const echo = JSON.parse(await latest.locator("pre").textContent());
  assert.equal(echo.subject, stack.user.login);
  assert.equal(echo.scopes, "api:read");
  await call("POST /api/notes", 403);
  assert.match(await latest.locator("dl").textContent(), /error="insufficient_scope".*scope="api:write"/);
  await call("no-token", 401);

  // refresh: new tokens, verified again, and the API still answers
  const before = await claim("at_hash");
  await page.click("#refresh");
  await page.locator("#refreshed", { hasText: "1×" }).waitFor();
  assert.notEqual(await claim("at_hash"), before);
  assert.equal(await page.locator("#error").isHidden(), true);
  await call("GET /api/profile", 200);
  await call("POST /api/notes", 403);

  mkdirSync(artifacts, { recursive: true });
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.screenshot({ path: join(artifacts, "demo-signed-in.png"), fullPage: true });

  // logout at the provider, back to the demo
  await page.click("#logout");
  await page.waitForURL((u) => u.href.startsWith(stack.urls.provider));
  await page.locator('button[value="yes"]').click();
  await page.locator("#notice", { hasText: "Signed out" }).waitFor();
  assert.equal(await page.locator("#signin").isVisible(), true);
  assert.equal(await page.locator("#identity").isHidden(), true);
  await page.screenshot({ path: join(artifacts, "demo-signed-out.png") });
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
  await page.locator("#login:not([disabled])").click();
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
  assert.match(await page.locator("#error-where").textContent(), /callback/);
  assert.equal(await page.locator("#identity").isHidden(), true);
  assert.equal(await page.locator("#signin").isVisible(), true);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "demo-state-mismatch.png") });
});

test("cancelling at the provider shows authorization_error with access_denied", async (t) => {
  const page = await newPage(t);
  await page.goto(`${stack.urls.spa}/`);
  await page.locator("#login:not([disabled])").click();
  await page.click("text=[ Cancel ]");
  await page.locator("#error:not([hidden])").waitFor();
  assert.equal(await page.locator("#error-code").textContent(), "authorization_error");
  assert.match(await page.locator("#error-message").textContent(), /^access_denied: End-User aborted interaction/);
  assert.equal(await page.locator("#signin").isVisible(), true);
});
