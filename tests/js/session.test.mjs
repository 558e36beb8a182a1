// createSession (oidc-edge/spa) in real headless Chromium against a real oidc-provider: sign-in through the
// devInteractions pages, the callback cleaned from the address bar, the sign-in record gone, reloads with and
// without persistence (the stored record verified again: tampered ones dropped), RP-initiated logout, PAR when
// the provider requires it, an error at each step (discovery, the provider, the callback, the code exchange, the
// keys, the ID token) with its code; then, with the page clock moved on, refresh before expiry: two tabs at once
// make one request (Web Locks, and the BroadcastChannel fallback), rotation, a refused refresh token that expires
// the session once, the provider's signing keys rotated between sign-in and refresh (the keys fetched again
// once), and refreshes that fail for want of the network or with a 5xx, retried with backoff (and at `online`)
// while the access token is valid; with `dpop: true`, the key kept in IndexedDB and shared by tabs that start at
// once, and a refresh bound to it (its proof, the provider's nonce challenge retried once, the new tokens bound).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { startProvider } from "./support/provider.mjs";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = resolve(import.meta.dirname, "../..");
const CLIENT = "session-spa";
const USER = "alice";
let chromium;
let app; // the page's server; /config.json says which provider
let config;
const providers = [];

/** A provider whose client is this page's, with `features` (e.g. PAR required) and `ttl` (startProvider's). */
async function provider(features, ttl) {
  const p = await startProvider({
    features,
    ttl,
    clients: [{
      client_id: CLIENT, token_endpoint_auth_method: "none", redirect_uris: [`${app.url}/callback`],
      post_logout_redirect_uris: [`${app.url}/`], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"],
    }],
  });
  providers.push(p);
  return p;
}

/** A provider of the test's own (`features`, `ttl`), the page's config pointed at it (and `dpop`) during the test. */
async function ownProvider(t, { features, ttl, dpop } = {}) {
  const p = await provider(features, ttl);
  const saved = config;
  config = { ...config, issuer: p.issuer, ...(dpop && { dpop }) };
  t.after(() => { config = saved; });
  return p;
}
/** A provider of the test's own with DPoP (nonces required), and the page's config `dpop: true` against it. */
const dpopProvider = (t, ttl) =>
  ownProvider(t, { features: { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true } }, ttl, dpop: true });

before(async () => {
  chromium = await launchChromium();
  const pkg = Object.fromEntries(readdirSync(join(root, "pkg")).map((f) => [`/pkg/${f}`, join(root, "pkg", f)]));
  const fixtures = join(root, "tests/js/fixtures/session");
  app = await serveStatic(fixtures, { ...pkg, "/callback": join(fixtures, "index.html") }, 0, (req, res) => {
    if (new URL(req.url, "http://x").pathname !== "/config.json") return false;
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(config));
    return true;
  });
  const { issuer } = await provider();
  config = { issuer, clientId: CLIENT, redirectUri: `${app.url}/callback`, postLogoutRedirectUri: `${app.url}/`, scope: "openid profile offline_access" };
});
after(async () => {
  await chromium?.close();
  await app?.close();
  for (const p of providers) await p.close();
});

/** A fresh tab (no provider cookies, no localStorage left unless `keepStorage`), failing the test on a page error. */
async function newPage(t, { keepStorage = false, context = chromium.context } = {}) {
  await context.clearCookies();
  const page = await context.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(String(e)));
  t.after(async () => {
    await page.close().catch(() => {}); // closed with its browser already
    assert.deepEqual(failures, []);
  });
  await page.goto(`${app.url}/`);
  if (!keepStorage) await page.evaluate(() => localStorage.clear());
  await result(page); // the page's session is there
  return page;
}

/** What the page's call settled with: `{ user }` or `{ code, error, status, message }`. */
async function result(page) {
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
  return page.evaluate(() => window.result);
}

/** Loads `path` and waits for the page to have restored (or handled the callback). */
async function load(page, path = "/") {
  await page.goto(`${app.url}${path}`);
  return result(page);
}

/** Starts signIn in the page (it navigates away: not awaited) and goes through login and consent. */
async function signIn(page, { cancel = false } = {}) {
  await page.context().clearCookies(); // no provider session: its login page each time
  await page.evaluate(() => { window.session.signIn().catch(() => {}); });
  await page.waitForURL((u) => u.href.startsWith(config.issuer));
  if (cancel) {
    await page.click("text=[ Cancel ]");
  } else {
    await page.fill('input[name="login"]', USER);
    await page.fill('input[name="password"]', "any");
    await page.click('button[type="submit"]');
    await page.locator('button[type="submit"]', { hasText: "Continue" }).click();
  }
  await page.waitForURL((u) => u.href.startsWith(`${app.url}/callback`));
  return result(page);
}

const events = (page) => page.evaluate(() => window.events);
const signInRecords = (page) => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("oidc-edge:")));

test("sign-in: PKCE, state and nonce across the redirect, the code exchanged, the ID token verified, the URL cleaned", async (t) => {
  const page = await newPage(t);
  const authorize = [];
  page.on("request", (r) => { if (r.url().startsWith(`${config.issuer}/auth`)) authorize.push(new URL(r.url()).searchParams); });
  const r = await signIn(page);
  assert.equal(r.code, undefined, r.message);
  assert.equal(r.user.sub, USER);
  assert.equal(r.user.aud, CLIENT);
  assert.equal(r.user.iss, config.issuer);
  const sent = authorize[0];
  assert.equal(sent.get("code_challenge_method"), "S256");
  assert.equal(sent.get("nonce"), r.user.nonce);
  assert.match(sent.get("state"), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(sent.get("request_uri"), null, "not pushed: the provider does not require PAR");
  assert.equal(page.url(), `${app.url}/callback`, "the code and state left the address bar");
  assert.match(await page.evaluate(() => window.callbackUrl), /[?&]code=/);
  assert.deepEqual(await signInRecords(page), [], "the sign-in record is removed");
  assert.deepEqual(await events(page), [["signedIn", USER]]);
  assert.equal((await page.evaluate(() => window.session.getUser())).sub, USER);
  assert.ok((await page.evaluate(() => window.session.getAccessToken())).length > 20);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], "nothing persisted by default");

  // The same callback again (back button, replay): its sign-in record is gone.
  const replay = await load(page, new URL(await page.evaluate(() => window.callbackUrl)).href.slice(app.url.length));
  assert.equal(replay.code, "state_mismatch", replay.message);
  assert.match(replay.message, /no sign-in is in progress/);

  // A reload without persistence: signed out.
  assert.deepEqual(await load(page), { user: null });
  assert.equal(await page.evaluate(() => window.session.getAccessToken()), null);
});

test("a reload keeps the user only when persistence is on", async (t) => {
  const page = await newPage(t);
  await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  await load(page);
  const r = await signIn(page);
  assert.equal(r.user.sub, USER, r.message);
  const restored = await load(page);
  assert.deepEqual(restored.user, r.user);
  assert.ok((await page.evaluate(() => window.session.getAccessToken())).length > 20);
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("oidc-edge:")));
  assert.deepEqual(stored, [`oidc-edge:${config.issuer}:${CLIENT}`]);
});

const SESSION_KEY = () => `oidc-edge:${config.issuer}:${CLIENT}`;
/** Changes the persisted session with `edit(record)` (in the page). */
const tamperStored = (page, edit) => page.evaluate(([k, edit]) => {
  const record = JSON.parse(localStorage.getItem(k));
  localStorage.setItem(k, JSON.stringify(new Function("record", "b64", edit)(record, {
    decode: (s) => JSON.parse(atob(s.replaceAll("-", "+").replaceAll("_", "/"))),
    encode: (o) => btoa(JSON.stringify(o)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", ""),
  })));
}, [SESSION_KEY(), edit]);

test("restore verifies the stored record again: a tampered one is dropped with an error, an unreachable provider keeps it", async (t) => {
  const page = await newPage(t);
  await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  await load(page);
  const errors = async () => (await events(page)).filter(([e]) => e === "error").map(([, code]) => code);
  const cases = [
    // the claims changed: another user than the ID token's
    ["record.user.sub = 'mallory'; return record;", "invalid_claim"],
    // the ID token changed (and the claims with it): its signature no longer verifies
    [`const [h, p, s] = record.tokens.idToken.split(".");
      const claims = { ...b64.decode(p), sub: "mallory" };
      record.tokens.idToken = [h, b64.encode(claims), s].join(".");
      record.user = claims;
      return record;`, "invalid_signature"],
    // another client's ID token
    ["record.user.aud = 'other'; return record;", "audience_mismatch"],
    ["delete record.tokens.idToken; return record;", "malformed_token"],
  ];
  for (const [edit, code] of cases) {
    assert.equal((await signIn(page)).user?.sub, USER);
    await tamperStored(page, edit);
    const r = await load(page);
    assert.equal(r.code, code, r.message);
    assert.equal(await storedSession(page), null, `${code}: the record is dropped`);
    assert.equal((await errors()).at(-1), code);
    assert.equal(await page.evaluate(() => window.session.getUser()), null);
  }

  // The provider's keys out of reach: not a verdict on the record, which stays for the next restore.
  const signedIn = await signIn(page);
  await page.evaluate(() => sessionStorage.setItem("test:fail", "/jwks"));
  const r = await load(page);
  assert.equal(r.code, "http_error", r.message);
  assert.ok(await storedSession(page), "kept");
  await page.evaluate(() => sessionStorage.removeItem("test:fail"));
  assert.deepEqual((await load(page)).user, signedIn.user);
});

test("restore accepts a stored ID token that has expired since: the session outlives it", async (t) => {
  // The provider's clock is the real one: an ID token of 60 s, and the page clock moved on 120 s.
  const { context, page } = await clockedSignIn(t, { own: true, ttl: { IdToken: 60 } });
  const before = await storedSession(page);
  assert.equal(before.user.exp - before.user.iat, 60);
  await page.goto("about:blank"); // no session running while the clock moves on
  await fastForward(context, 120_000);
  const r = await load(page);
  assert.deepEqual(r.user, before.user, r.message);
  assert.equal(await page.evaluate(() => window.session.getAccessToken()), before.tokens.accessToken, "still valid: not refreshed");
});

test("sign-out: the session forgotten, RP-initiated logout at the provider, back at postLogoutRedirectUri", async (t) => {
  const page = await newPage(t);
  await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  await load(page);
  const r = await signIn(page);
  assert.equal(r.user.sub, USER, r.message);
  const ends = [];
  page.on("request", (req) => { if (req.url().startsWith(`${config.issuer}/session/end?`)) ends.push(new URL(req.url()).searchParams); });
  await page.evaluate(() => { window.session.signOut(); });
  await page.waitForURL((u) => u.href.startsWith(`${config.issuer}/session/end`));
  assert.equal(ends[0].get("client_id"), CLIENT);
  assert.equal(ends[0].get("post_logout_redirect_uri"), `${app.url}/`);
  assert.ok(ends[0].get("id_token_hint"));
  await page.locator('button[value="yes"]').click();
  await page.waitForURL((u) => u.href.startsWith(`${app.url}/`) && !u.href.includes(config.issuer));
  assert.deepEqual(await result(page), { user: null });
  assert.deepEqual(await events(page), [["signedIn", USER], ["signedOut", null]]);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("oidc-edge:"))), []);
});

test("PAR: pushed first when the provider requires it, the authorization URL carries only client_id and request_uri", async (t) => {
  const par = await ownProvider(t, { features: { pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true } } });
  const page = await newPage(t);
  await load(page);
  const authorize = [];
  page.on("request", (r) => { if (r.url().startsWith(`${par.issuer}/auth`)) authorize.push([...new URL(r.url()).searchParams.keys()].sort()); });
  const r = await signIn(page);
  assert.equal(r.user?.sub, USER, r.message);
  assert.deepEqual(authorize[0], ["client_id", "request_uri"]);
});

test("an error at each step rejects with its code and is emitted as error", async (t) => {
  const page = await newPage(t);
  const inPage = (opts) => page.evaluate(async (opts) => {
    const { createSession } = await import("oidc-edge/spa");
    const config = await (await fetch("/config.json")).json();
    try {
      await createSession({ ...config, ...opts }).signIn();
      return "signed in";
    } catch (e) {
      return e.code;
    }
  }, opts);
  // discovery: nothing listens there; a bad issuer; a bad redirect URI, refused before anything is sent
  assert.equal(await inPage({ issuer: "http://127.0.0.1:9" }), "http_error");
  assert.equal(await inPage({ issuer: "not a url" }), "invalid_request");
  assert.equal(await inPage({ redirectUri: "relative/cb" }), "invalid_request");
  assert.equal(await inPage({ timeout: Number.NaN }), "invalid_request");
  assert.equal(await inPage({ unknownOption: 1 }), "invalid_request");

  // the provider: the user cancels
  let r = await signIn(page, { cancel: true });
  assert.equal(r.code, "authorization_error");
  assert.equal(r.error, "access_denied");

  // the callback, the exchange and the ID token, each with the sign-in record changed before it is read
  for (const [tamper, code, error] of [
    [{ state: "another-state" }, "state_mismatch"],
    [{ codeVerifier: "x".repeat(43) }, "authorization_error", "invalid_grant"],
    [{ nonce: "another-nonce" }, "nonce_mismatch"],
    // a record without its nonce (or verifier) is no sign-in of this tab's: never an ID token checked without one
    [{ nonce: null }, "state_mismatch"],
  ]) {
    await page.evaluate((tamper) => sessionStorage.setItem("test:tamper", JSON.stringify(tamper)), tamper);
    await load(page);
    r = await signIn(page);
    assert.equal(r.code, code, `${JSON.stringify(tamper)}: ${r.message}`);
    if (error) assert.equal(r.error, error);
    assert.deepEqual(await signInRecords(page), [], "the record is removed whatever failed");
  }
  await page.evaluate(() => sessionStorage.removeItem("test:tamper"));

  // the keys: the JWKS endpoint answers 503
  await page.evaluate(() => sessionStorage.setItem("test:fail", "/jwks"));
  await load(page);
  r = await signIn(page);
  assert.equal(r.code, "http_error", r.message);
  assert.equal(r.status, 503);
  await page.evaluate(() => sessionStorage.removeItem("test:fail"));

  const emitted = (await events(page)).filter(([name]) => name === "error").map(([, code]) => code);
  assert.deepEqual(emitted, ["authorization_error", "state_mismatch", "authorization_error", "nonce_mismatch", "state_mismatch", "http_error"]);
  assert.equal(await page.evaluate(() => window.session.getUser()), null);
  await assert.rejects(page.evaluate(() => window.session.on("loggedIn", () => {})), /no event loggedIn/);
});

// Refresh: the page clock moved on past the refresh point (REFRESH_MARGIN, 60 s, before the access token's
// 600 s run out); the provider's clock is the real one, so its tokens stay valid at that time.
const REFRESH_DUE_MS = (600 - 60 + 5) * 1000;

/** Counts the grants `p`'s token endpoint answers (granted or refused) while `on`. */
function tokenRequests(p) {
  const counter = { n: 0, on: false };
  for (const event of ["grant.success", "grant.error"]) p.provider.on(event, () => { if (counter.on) counter.n++; });
  return counter;
}
let tokenPosts;
/** A browser of its own, whose page clock the test moves on (a context's clock is installed once, for good). */
async function clockedBrowser(t) {
  const browser = await launchChromium();
  t.after(browser.close);
  await browser.context.clock.install();
  return browser.context;
}
/** Moves the page clock on by `ms`, then lets it run with real time. */
async function fastForward(context, ms) {
  await context.clock.fastForward(ms);
  await context.clock.resume();
}
const storedSession = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), `oidc-edge:${config.issuer}:${CLIENT}`);
const waitForEvent = (page, name, count = 1) =>
  page.waitForFunction(([name, count]) => window.events.filter(([e]) => e === name).length >= count, [name, count], { timeout: 30_000 });

for (const locks of ["Web Locks", "BroadcastChannel (no Web Locks)"]) {
  test(`two tabs due to refresh at once make a single refresh request (${locks}); the newest tokens reach both; rotation`, async (t) => {
    tokenPosts ??= tokenRequests(providers[0]);
    const context = await clockedBrowser(t);
    const a = await newPage(t, { context });
    const b = await newPage(t, { context, keepStorage: true });
    if (locks !== "Web Locks") {
      for (const page of [a, b]) await page.addInitScript(() => { delete Navigator.prototype.locks; });
    }
    await a.evaluate(() => localStorage.setItem("test:persist", "1"));
    await load(a);
    const signedIn = await signIn(a);
    assert.equal(signedIn.user?.sub, USER, signedIn.message);
    assert.equal((await load(b)).user.sub, USER, "the other tab restores the same session");
    assert.equal(await b.evaluate(() => "locks" in navigator), locks === "Web Locks");
    const before = await storedSession(a);
    assert.ok(before.tokens.refreshToken, "offline_access: a refresh token");

    tokenPosts.n = 0;
    tokenPosts.on = true;
    await fastForward(context, REFRESH_DUE_MS);
    await Promise.all([waitForEvent(a, "refreshed"), waitForEvent(b, "refreshed")]);
    tokenPosts.on = false;
    assert.equal(tokenPosts.n, 1, "one refresh request for both tabs");
    const after = await storedSession(a);
    assert.notEqual(after.tokens.accessToken, before.tokens.accessToken);
    assert.notEqual(after.tokens.refreshToken, before.tokens.refreshToken, "rotated");
    assert.equal(after.user.sub, USER);
    const tokens = await Promise.all([a, b].map((p) => p.evaluate(() => window.session.getAccessToken())));
    assert.deepEqual(tokens, [after.tokens.accessToken, after.tokens.accessToken], "both tabs have the newest tokens");
    for (const page of [a, b]) assert.deepEqual((await events(page)).filter(([e]) => e === "error"), []);
  });
}

test("a refused refresh token (invalid_grant) emits error and expired once, forgets the session, and is not retried", async (t) => {
  tokenPosts ??= tokenRequests(providers[0]);
  const context = await clockedBrowser(t);
  const page = await newPage(t, { context });
  await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  await load(page);
  assert.equal((await signIn(page)).user?.sub, USER);
  // Another client uses the session's refresh token first: the provider rotates it, and the session's copy is
  // then a reused token (refused, and the grant revoked: RFC 9700 §4.14.2).
  const { tokens } = await storedSession(page);
  const full = await import("oidc-edge");
  await full.refreshTokens({ tokenEndpoint: `${config.issuer}/token`, clientAuth: { clientId: CLIENT }, refreshToken: tokens.refreshToken });
  tokenPosts.n = 0;
  tokenPosts.on = true;
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "expired");
  await fastForward(context, 3_600_000);
  await page.waitForTimeout(500);
  tokenPosts.on = false;
  assert.equal(tokenPosts.n, 1, "one refresh attempt, no loop");
  assert.deepEqual(await events(page), [["signedIn", USER], ["error", "authorization_error"], ["expired", null]]);
  assert.equal(await page.evaluate(() => window.session.getUser()), null);
  assert.equal(await page.evaluate(() => window.session.getAccessToken()), null);
  assert.equal(await storedSession(page), null);
});

/** How many times the page's session fetched the JWKS. */
const jwksFetches = (page) => page.evaluate(() => window.fetched.filter((path) => path === "/jwks").length);
/**
 * A clocked browser and a page signed in, with persistence unless `persist: false`, after `setup` ran in the page;
 * `own`: against a provider of the test's own (whose keys it rotates), with lifetimes `ttl`; `dpop`: its own
 * provider requiring DPoP (dpopProvider's).
 */
async function clockedSignIn(t, { own = false, dpop = false, ttl, persist = true, setup } = {}) {
  const op = dpop ? await dpopProvider(t, ttl) : own ? await ownProvider(t, { ttl }) : providers[0];
  const context = await clockedBrowser(t);
  const page = await newPage(t, { context });
  if (persist) await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  if (setup) await page.evaluate(setup);
  await load(page);
  assert.equal((await signIn(page)).user?.sub, USER);
  return { op, context, page };
}
const kidOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url")).kid;

test("a key rotation between sign-in and refresh: the unknown kid refetches the JWKS once, the refresh succeeds", async (t) => {
  const { op, context, page } = await clockedSignIn(t, { own: true });
  assert.equal(await jwksFetches(page), 1);
  const before = await storedSession(page);
  assert.equal(kidOf(before.tokens.idToken), "provider-rs256");
  const kid = op.rotateKeys();
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "refreshed");
  const after = await storedSession(page);
  assert.equal(kidOf(after.tokens.idToken), kid, "the refreshed ID token is signed with the new key");
  assert.equal(after.user.sub, USER);
  assert.equal(await jwksFetches(page), 2, "the keys fetched again once");
  assert.deepEqual(await events(page), [["signedIn", USER], ["refreshed", USER]]);
});

test("a kid still unknown after the refetch is key_not_found, and the keys are not fetched a third time", async (t) => {
  const { op, context, page } = await clockedSignIn(t, {
    own: true,
    setup: () => sessionStorage.setItem("test:stale", "/jwks"), // every JWKS answer is the one of sign-in
  });
  assert.equal(await jwksFetches(page), 1);
  op.rotateKeys();
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "error");
  await page.waitForTimeout(500);
  assert.equal(await jwksFetches(page), 2, "fetched again once, not a third time");
  assert.equal(await tokenFetches(page), 2, "not retried");
  assert.deepEqual(await events(page), [["signedIn", USER], ["error", "key_not_found"]]);
  // Not a failure that a retry mends: the current access token is kept until it expires, then the session ends.
  assert.ok(await page.evaluate(() => window.session.getAccessToken()));
  await fastForward(context, 60_000);
  await waitForEvent(page, "expired");
  assert.equal(await tokenFetches(page), 2);
});

/** How many times the page's session called the token endpoint (its code exchange included). */
const tokenFetches = (page) => page.evaluate(() => window.fetched.filter((path) => path === "/token").length);
const failNext = (page, failures) => page.evaluate((f) => sessionStorage.setItem("test:failures", JSON.stringify(f)), failures);

test("a refresh that fails for want of the network is retried with backoff; the session keeps its tokens meanwhile", async (t) => {
  const { context, page } = await clockedSignIn(t);
  const before = await storedSession(page);
  await failNext(page, { path: "/token", times: 2 });
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "error");
  assert.equal(await page.evaluate(() => window.session.getAccessToken()), before.tokens.accessToken, "kept, still valid");
  assert.equal(await tokenFetches(page), 2, "getAccessToken waits for the retry: no request of its own");
  await waitForEvent(page, "refreshed"); // 2 s, then 4 s later
  assert.equal(await tokenFetches(page), 1 + 3);
  assert.deepEqual(await events(page), [["signedIn", USER], ["error", "http_error"], ["error", "http_error"], ["refreshed", USER]]);
  const after = await storedSession(page);
  assert.notEqual(after.tokens.accessToken, before.tokens.accessToken);
  assert.equal(await page.evaluate(() => window.session.getAccessToken()), after.tokens.accessToken);
});

test("a refresh waiting for its retry is tried at once when the browser comes back online", async (t) => {
  const { context, page } = await clockedSignIn(t, { persist: false });
  await failNext(page, { path: "/token", times: 1 });
  await context.clock.fastForward(REFRESH_DUE_MS); // and the clock stays paused: the retry's timer never fires
  await waitForEvent(page, "error");
  await page.waitForTimeout(500);
  assert.equal(await tokenFetches(page), 2);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await waitForEvent(page, "refreshed");
  assert.equal(await tokenFetches(page), 3);
  assert.deepEqual(await events(page), [["signedIn", USER], ["error", "http_error"], ["refreshed", USER]]);
});

test("a token endpoint answering 503 is retried a bounded number of times, then the session expires with its access token", async (t) => {
  const { context, page } = await clockedSignIn(t);
  await failNext(page, { path: "/token", times: 1_000 });
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "error");
  // 5 s steps through the 55 s left: each fires the retry due (2, 4, 8, 16 s apart), then the end.
  for (let step = 0; step < 30 && !(await events(page)).some(([e]) => e === "expired"); step++) {
    assert.ok(await page.evaluate(() => window.session.getUser()), "signed in until the access token expires");
    await fastForward(context, 5_000);
    await page.waitForTimeout(300);
  }
  const seen = await events(page);
  const errors = seen.filter(([e]) => e === "error");
  assert.deepEqual(seen.at(-1), ["expired", null]);
  assert.ok(errors.length >= 3 && errors.length <= 6, `${errors.length} attempts`);
  assert.deepEqual(errors, errors.map(() => ["error", "http_error"]));
  assert.equal(await tokenFetches(page), 1 + errors.length);
  assert.equal(await storedSession(page), null);
  await fastForward(context, 3_600_000);
  await page.waitForTimeout(500);
  assert.equal(await tokenFetches(page), 1 + errors.length, "no request after the end");
});

const dpopJkt = (page) => page.evaluate(async () => (await window.session.getDpopKey()).jkt);

test("dpop: true binds the session's tokens to a non-extractable key kept in IndexedDB (RFC 9449, issue 18)", async (t) => {
  const bound = await dpopProvider(t);
  const page = await newPage(t);
  await page.evaluate(() => localStorage.setItem("test:persist", "1"));
  await load(page);
  const authorize = [];
  page.on("request", (r) => { if (r.url().startsWith(`${bound.issuer}/auth`)) authorize.push(new URL(r.url()).searchParams); });
  const r = await signIn(page);
  assert.equal(r.user?.sub, USER, r.message);
  const first = await page.evaluate(async () => {
    const { dpopFetch } = await import("oidc-edge/spa");
    const key = await window.session.getDpopKey();
    const accessToken = await window.session.getAccessToken();
    const meta = await (await fetch(`${(await (await fetch("/config.json")).json()).issuer}/.well-known/openid-configuration`)).json();
    const me = await dpopFetch(meta.userinfo_endpoint, { dpop: key, accessToken });
    const bearer = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
    return { jkt: key.jkt, extractable: key.keyPair.privateKey.extractable, status: me.status, sub: JSON.parse(me.body).sub, bearer: bearer.status };
  });
  assert.equal(authorize[0].get("dpop_jkt"), first.jkt);
  assert.deepEqual([first.extractable, first.status, first.sub, first.bearer], [false, 200, USER, 401]);

  // a reload: the same key from IndexedDB, still bound to the restored tokens
  const restored = await load(page);
  assert.equal(restored.user?.sub, USER);
  assert.equal(await dpopJkt(page), first.jkt);
  // sign-out deletes it: the next key is another
  await page.evaluate(() => { window.session.signOut(); });
  await page.waitForURL((u) => u.href.startsWith(`${bound.issuer}/session/end`));
  await load(page);
  assert.notEqual(await dpopJkt(page), first.jkt);
});

test("dpop: two tabs that start at once share the first key, the one the provider binds the tokens to; so after a sign-out", async (t) => {
  const bound = await dpopProvider(t);
  const a = await newPage(t);
  const b = await newPage(t, { keepStorage: true });
  // Neither tab has a key yet (a new issuer: none in IndexedDB); both make the session's first one at once.
  const [jktA, jktB] = await Promise.all([dpopJkt(a), dpopJkt(b)]);
  assert.equal(jktA, jktB, "one key for both tabs");
  assert.equal((await signIn(a)).user?.sub, USER);
  await waitForEvent(b, "signedIn"); // the tokens shared over the channel
  const tokens = await Promise.all([a, b].map(async (page) => {
    const accessToken = await page.evaluate(() => window.session.getAccessToken());
    return { accessToken, tab: await dpopJkt(page), cnf: (await bound.provider.AccessToken.find(accessToken))?.jkt };
  }));
  assert.equal(tokens[0].accessToken, tokens[1].accessToken);
  for (const { tab, cnf } of tokens) assert.deepEqual([tab, cnf], [jktA, jktA], "the tokens' cnf.jkt is the tabs' key");

  // A sign-out in one tab: the other forgets the key too, and the next key is again one for both.
  await a.evaluate(() => { window.session.signOut(); });
  await a.waitForURL((u) => u.href.startsWith(`${bound.issuer}/session/end`));
  await waitForEvent(b, "signedOut");
  const next = await dpopJkt(b);
  assert.notEqual(next, jktA);
  await load(a);
  assert.equal(await dpopJkt(a), next);
});

test("dpop: a refresh is bound to the session's key: its proof, a use_dpop_nonce challenge retried once, the new tokens bound", async (t) => {
  const { op, context, page } = await clockedSignIn(t, { dpop: true });
  const key = await page.evaluate(async () => {
    const k = await window.session.getDpopKey();
    return { jkt: k.jkt, jwk: k.publicJwk };
  });
  const before = await storedSession(page);
  assert.equal(before.tokens.tokenType, "DPoP");
  assert.equal((await op.provider.RefreshToken.find(before.tokens.refreshToken))?.jkt, key.jkt, "the refresh token is bound");
  // A reload: the key is read from IndexedDB with no nonce, so the refresh's first proof draws a challenge.
  assert.equal((await load(page)).user?.sub, USER);
  const proofs = [];
  page.on("request", (r) => {
    if (r.url() === `${op.issuer}/token`) proofs.push(r.allHeaders().then((h) => h.dpop));
  });
  const refused = [];
  op.provider.on("grant.error", (ctx, e) => refused.push(e.error));
  await fastForward(context, REFRESH_DUE_MS);
  await waitForEvent(page, "refreshed");
  assert.deepEqual(refused, ["use_dpop_nonce"], "challenged once, then accepted");
  const decoded = (await Promise.all(proofs)).map((proof) => proof.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url"))));
  assert.equal(decoded.length, 2, "the refresh and its one retry");
  for (const [header, claims] of decoded) {
    assert.deepEqual([header.typ, header.jwk, claims.htm, claims.htu], ["dpop+jwt", key.jwk, "POST", `${op.issuer}/token`]);
  }
  assert.equal(decoded[0][1].nonce, undefined);
  assert.ok(decoded[1][1].nonce, "the retry carries the provider's nonce");

  const after = await storedSession(page);
  assert.notEqual(after.tokens.accessToken, before.tokens.accessToken);
  assert.equal(after.tokens.tokenType, "DPoP");
  assert.equal((await op.provider.AccessToken.find(after.tokens.accessToken))?.jkt, key.jkt, "the new access token's cnf.jkt");
  assert.equal((await op.provider.RefreshToken.find(after.tokens.refreshToken))?.jkt, key.jkt, "the rotated refresh token's");
  const me = await page.evaluate(async (url) => {
    const { dpopFetch } = await import("oidc-edge/spa");
    return (await dpopFetch(url, { dpop: await window.session.getDpopKey(), accessToken: await window.session.getAccessToken() })).status;
  }, `${op.issuer}/me`);
  assert.equal(me, 200);
  assert.deepEqual((await events(page)).filter(([e]) => e !== "signedIn"), [["refreshed", USER]]);
});
