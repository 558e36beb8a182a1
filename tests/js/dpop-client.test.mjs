// DPoP on the client (RFC 9449; issue 17, item 2) against a real oidc-provider on 127.0.0.1 (feature dPoP with
// server nonces required, started here): non-extractable WebCrypto keys, dpop_jkt at authorize, DPoP-bound code
// exchange and refresh with the use_dpop_nonce retry, userinfo with Authorization: DPoP, and dpopFetch against a
// loopback resource of this test that demands its own nonce and checks every proof with jose.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { EmbeddedJWK, jwtVerify, calculateJwkThumbprint } from "jose";
import {
  buildAuthorizeUrl,
  createDpopKey,
  discover,
  dpopFetch,
  exchangeCode,
  generatePkce,
  importDpopKey,
  introspect,
  parseCallback,
  randomToken,
  refreshTokens,
  userinfo,
} from "oidc-edge";
import * as spa from "oidc-edge/spa";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";
import { BASIC, SPA, login, startProvider } from "./support/provider.mjs";

let op;
let meta;

before(async () => {
  op = await startProvider({
    features: { dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true } },
  });
  meta = await discover(op.issuer);
  await spa.init(await readFile(new URL(import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm"))));
});

after(async () => {
  await op?.close();
});

/** A sign-in of the SPA client with `dpopJkt`; the callback's code and the PKCE verifier. */
async function signIn(dpopJkt) {
  const pkce = generatePkce();
  const state = randomToken();
  const url = buildAuthorizeUrl({
    authorizationEndpoint: meta.authorization_endpoint,
    clientId: SPA.clientId,
    redirectUri: SPA.redirectUri,
    scope: "openid email offline_access",
    state,
    nonce: randomToken(),
    codeChallenge: pkce.codeChallenge,
    prompt: "consent",
    dpopJkt,
  });
  assert.equal(new URL(url).searchParams.get("dpop_jkt"), dpopJkt);
  const callback = parseCallback(await login(url, SPA.redirectUri), { state, issuer: op.issuer });
  return { code: callback.code, codeVerifier: pkce.codeVerifier };
}

const exchange = ({ code, codeVerifier }, dpop) =>
  exchangeCode({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, code, codeVerifier, redirectUri: SPA.redirectUri, dpop });

test("createDpopKey makes non-extractable ES256, EdDSA and RS256 keys; importDpopKey takes a kept pair back", async () => {
  for (const alg of [undefined, "ES256", "EdDSA", "RS256", "PS256", "ES384"]) {
    const key = await createDpopKey(alg && { alg });
    assert.equal(key.alg, alg ?? "ES256");
    assert.equal(key.keyPair.privateKey.extractable, false);
    assert.equal(key.keyPair.privateKey.type, "private");
    assert.equal(key.publicJwk.d, undefined);
    assert.equal(key.publicJwk.key_ops, undefined);
    assert.equal(key.jkt, await calculateJwkThumbprint(key.publicJwk));
    const proof = await key.proof({ method: "POST", url: "https://as.example/token?x=1#f" });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: "dpop+jwt" });
    assert.equal(protectedHeader.alg, key.alg);
    assert.equal(payload.htm, "POST");
    assert.equal(payload.htu, "https://as.example/token");
    assert.ok(payload.jti && Math.abs(payload.iat - Date.now() / 1000) < 5);
    const again = await importDpopKey(key.keyPair);
    assert.equal(again.jkt, key.jkt);
  }
  const key = await createDpopKey();
  const bound = await key.proof({ method: "GET", url: "https://rs.example/", accessToken: "at-1" });
  const { payload } = await jwtVerify(bound, EmbeddedJWK);
  assert.equal(payload.ath, createHash("sha256").update("at-1").digest("base64url"));

  for (const bad of [{ alg: "HS256" }, { alg: "none" }, { curve: "P-256" }]) {
    await assert.rejects(createDpopKey(bad), { code: "invalid_request" }, JSON.stringify(bad));
  }
  await assert.rejects(importDpopKey({ privateKey: {}, publicKey: {} }), { code: "invalid_request" });
  await assert.rejects(importDpopKey(key.keyPair, { alg: "RS256" }), { code: "invalid_request" });
  await assert.rejects(key.proof({ method: "GET", url: "/relative" }), { code: "invalid_request" });
  await assert.rejects(key.proof({ method: "G T", url: "https://rs.example/" }), { code: "invalid_request" });
  // The options, read member by member: a missing, unknown, null or mistyped member is named.
  for (const [opts, message] of [
    [{ url: "https://rs.example/" }, /DpopKey\.proof options: missing field `method`/],
    [{ method: "GET", url: "https://rs.example/", at: "x" }, /unknown field `at`/],
    [{ method: "GET", url: "https://rs.example/", accessToken: null }, /accessToken is null/],
    [{ method: "GET", url: "https://rs.example/", now: 1.5 }, /now/],
  ]) {
    await assert.rejects(key.proof(opts), { code: "invalid_request", message }, JSON.stringify(opts));
  }
  await assert.rejects(createDpopKey({ alg: 256 }), { code: "invalid_request", message: /createDpopKey options: alg/ });
  await assert.rejects(importDpopKey(key.keyPair, { algorithm: "ES256" }), { code: "invalid_request", message: /unknown field `algorithm`/ });
  assert.throws(
    () => buildAuthorizeUrl({ authorizationEndpoint: meta.authorization_endpoint, clientId: SPA.clientId, redirectUri: SPA.redirectUri, scope: "openid", state: "s", dpopJkt: "short" }),
    { code: "invalid_request" },
  );
});

test("a DPoP-bound sign-in: dpop_jkt, the code exchange and refresh with the nonce retry, userinfo with DPoP", async () => {
  const key = await createDpopKey();
  const tokens = await exchange(await signIn(key.jkt), key);
  assert.equal(tokens.tokenType, "DPoP");
  assert.ok(tokens.accessToken && tokens.refreshToken);

  // the provider bound the access token to this key
  const info = await introspect({
    introspectionEndpoint: meta.introspection_endpoint,
    clientAuth: { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret },
    token: tokens.accessToken,
  });
  assert.equal(info.active, true);
  assert.equal(info.cnf?.jkt, key.jkt);

  const me = await userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken, dpop: key });
  assert.equal(me.claims.sub, "alice");
  // a bound token without its proof is refused
  await assert.rejects(
    userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken }),
    (e) => e.code === "authorization_error" && e.status === 401,
  );

  const refreshed = await refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, refreshToken: tokens.refreshToken, dpop: key });
  assert.equal(refreshed.tokenType, "DPoP");
  // a public client's refresh token is bound too: another key cannot use it (RFC 9449 §5)
  await assert.rejects(
    refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, refreshToken: refreshed.refreshToken, dpop: await createDpopKey() }),
    (e) => e.code === "authorization_error" && e.error === "invalid_grant",
  );
});

test("the code is bound to dpop_jkt: another key cannot exchange it", async () => {
  const key = await createDpopKey();
  const other = await createDpopKey({ alg: "EdDSA" });
  await assert.rejects(exchange(await signIn(key.jkt), other), (e) => e.code === "authorization_error" && e.status === 400);
  await assert.rejects(exchange(await signIn(key.jkt), "not a key"), { code: "invalid_request" });
});

test("dpopFetch: Authorization: DPoP, the resource's use_dpop_nonce challenge answered once, bad options refused", async () => {
  const seen = [];
  let nonce = "rs-nonce-1";
  const server = createServer(async (req, res) => {
    const url = `http://127.0.0.1:${server.address().port}${req.url}`;
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const [scheme, token] = (req.headers.authorization ?? "").split(" ");
    const proof = req.headers.dpop;
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(proof, EmbeddedJWK, { typ: "dpop+jwt" }));
    } catch {
      claims = undefined;
    }
    seen.push({ scheme, claims, body: Buffer.concat(chunks).toString(), custom: req.headers["x-custom"] });
    const ok = scheme === "DPoP" && claims
      && claims.htm === req.method && claims.htu === url.split("?")[0]
      && claims.ath === createHash("sha256").update(token).digest("base64url");
    if (!ok) return res.writeHead(400).end("bad proof");
    if (claims.nonce !== nonce) {
      res.writeHead(401, { "www-authenticate": 'DPoP error="use_dpop_nonce", algs="ES256 EdDSA"', "dpop-nonce": nonce });
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json", "dpop-nonce": "rs-nonce-2" });
    res.end(JSON.stringify({ ok: true, method: req.method }));
    nonce = "rs-nonce-2";
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const key = await createDpopKey();
    const first = await dpopFetch(`${base}/orders?page=1`, { dpop: key, accessToken: "at-123" });
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(first.body), { ok: true, method: "GET" });
    assert.equal(first.headers["content-type"], "application/json");
    assert.equal(seen.length, 2, "one retry with the nonce");
    assert.equal(seen[0].claims.nonce, undefined);
    assert.equal(seen[1].claims.nonce, "rs-nonce-1");
    // the nonce the last answer carried goes with the next request at once
    const second = await dpopFetch(`${base}/orders`, {
      dpop: key, accessToken: "at-123", method: "POST", headers: { "X-Custom": "1" }, body: '{"a":1}',
    });
    assert.equal(second.status, 200);
    assert.equal(seen.length, 3);
    assert.deepEqual([seen[2].claims.nonce, seen[2].body, seen[2].custom], ["rs-nonce-2", '{"a":1}', "1"]);

    // a server that keeps asking gets one retry, then its answer
    nonce = "moving";
    const stubborn = createServer((req, res) => {
      res.writeHead(401, { "www-authenticate": 'DPoP error="use_dpop_nonce"', "dpop-nonce": `n${Math.random()}`.replace(".", "") }).end();
    });
    await new Promise((resolve) => stubborn.listen(0, "127.0.0.1", resolve));
    let calls = 0;
    const counting = (url, init) => {
      calls++;
      return fetch(url, init);
    };
    const refused = await dpopFetch(`http://127.0.0.1:${stubborn.address().port}/`, { dpop: key, accessToken: "t", fetch: counting });
    assert.equal(refused.status, 401);
    assert.equal(calls, 2);
    await new Promise((resolve) => stubborn.close(resolve));

    for (const opts of [
      { accessToken: "t" },
      { dpop: {}, accessToken: "t" },
      { dpop: key, method: "TRACE" },
      { dpop: key, headers: { authorization: "Bearer x" } },
      { dpop: key, headers: { DPoP: "x" } },
      { dpop: key, headers: { "x-a": "a\r\nb" } },
      { dpop: key, accessToken: "a b" },
      { dpop: key, header: { "x-a": "a" } },
      { dpop: key, headers: { "x-a": 1 } },
      { dpop: key, body: {} },
    ]) {
      await assert.rejects(dpopFetch(`${base}/`, opts), { code: "invalid_request" }, JSON.stringify(opts));
    }
    await assert.rejects(dpopFetch("http://example.com/", { dpop: key }), { code: "invalid_request" });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("oidc-edge/spa: the same DPoP-bound sign-in with its own key, exchange, refresh and dpopFetch", async () => {
  const key = await spa.createDpopKey({ alg: "EdDSA" });
  assert.equal(key.keyPair.privateKey.extractable, false);
  assert.equal(key.jkt, await calculateJwkThumbprint(key.publicJwk));
  const signedIn = await signIn(key.jkt);
  const tokens = await spa.exchangeCode({
    tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, code: signedIn.code, codeVerifier: signedIn.codeVerifier,
    redirectUri: SPA.redirectUri, dpop: key,
  });
  assert.equal(tokens.tokenType, "DPoP");
  // a key of the other entry is not this entry's DpopKey
  await assert.rejects(
    spa.refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, refreshToken: tokens.refreshToken, dpop: await createDpopKey() }),
    { code: "invalid_request" },
  );
  const again = await spa.importDpopKey(key.keyPair);
  const refreshed = await spa.refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, refreshToken: tokens.refreshToken, dpop: again });
  assert.equal(refreshed.tokenType, "DPoP");
  const me = await spa.dpopFetch(meta.userinfo_endpoint, { dpop: again, accessToken: refreshed.accessToken });
  assert.equal(me.status, 200);
  assert.equal(JSON.parse(me.body).sub, "alice");
});

test("oidc-edge/spa in headless Chromium: non-extractable keys kept in IndexedDB and imported back, proofs jose verifies", async () => {
  const root = resolve(import.meta.dirname, "../..");
  const pkg = (f) => join(root, "pkg", f);
  const chromium = await launchChromium();
  const server = await serveStatic(join(root, "tests/js/fixtures/spa"), {
    "/pkg/spa.js": pkg("spa.js"), "/pkg/session.js": pkg("session.js"), "/pkg/oidc_edge_spa.js": pkg("oidc_edge_spa.js"),
    "/pkg/oidc_edge_spa_bg.wasm": pkg("oidc_edge_spa_bg.wasm"), "/pkg/errors.js": pkg("errors.js"),
  });
  try {
    const page = await chromium.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`);
    const results = await page.evaluate(async () => {
      const oidc = await import("oidc-edge/spa");
      await oidc.init();
      const db = await new Promise((ok, fail) => {
        const open = indexedDB.open("dpop-test", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("keys");
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      const put = (k, v) => new Promise((ok, fail) => {
        const tx = db.transaction("keys", "readwrite");
        tx.objectStore("keys").put(v, k);
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      const read = (k) => new Promise((ok, fail) => {
        const r = db.transaction("keys").objectStore("keys").get(k);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const out = [];
      for (const alg of ["ES256", "RS256", "EdDSA"]) {
        let key;
        try {
          key = await oidc.createDpopKey({ alg });
        } catch (e) {
          out.push({ alg, code: e.code });
          continue;
        }
        await put(alg, key.keyPair);
        const stored = await read(alg);
        const back = await oidc.importDpopKey(stored);
        out.push({
          alg, jkt: key.jkt, jktBack: back.jkt, publicJwk: key.publicJwk, extractable: stored.privateKey.extractable,
          proof: await back.proof({ method: "GET", url: "https://rs.example/api?x=1", accessToken: "at" }),
        });
      }
      db.close();
      return out;
    });
    assert.deepEqual(errors, []);
    for (const r of results) {
      if (r.code) {
        // a Chromium without Ed25519 in WebCrypto refuses the key, with the package's code
        assert.equal(r.alg, "EdDSA");
        assert.equal(r.code, "invalid_jwk");
        continue;
      }
      assert.equal(r.extractable, false, r.alg);
      assert.equal(r.jktBack, r.jkt);
      assert.equal(r.jkt, await calculateJwkThumbprint(r.publicJwk));
      const { payload, protectedHeader } = await jwtVerify(r.proof, EmbeddedJWK, { typ: "dpop+jwt" });
      assert.equal(protectedHeader.alg, r.alg);
      assert.deepEqual([payload.htm, payload.htu, payload.ath], ["GET", "https://rs.example/api", createHash("sha256").update("at").digest("base64url")]);
    }
    assert.ok(results.filter((r) => !r.code).length >= 2);
  } finally {
    await server.close();
    await chromium.close();
  }
});
