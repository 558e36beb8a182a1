// The SPA entry, `oidc-edge/spa` (built without the pure-Rust asymmetric algorithms and the server half), by
// package name in Node and in real headless Chromium without a bundler: sign-in helpers, the token endpoint,
// ID tokens signed by jose through WebCrypto, the sync path's refusal, and every case of the sync/async
// matrix against the main entry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SignJWT, generateKeyPair, generateSecret, exportJWK } from "jose";
import * as spa from "oidc-edge/spa";
import * as full from "oidc-edge";
import { makeAsyncFixtures } from "./support/async-fixtures.mjs";
import { expectedOutcomes, runSpaMatrix } from "./support/spa-matrix.mjs";
import { serveStatic } from "./support/static-server.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = resolve(import.meta.dirname, "../..");
const ISS = "https://idp.example.com";
const CLIENT = "spa-client";
const NOW = 1_700_000_000;
const ALGS = ["RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA", "HS256"];

/** The code of what `fn` throws (or its Promise rejects with); fails when it does not fail. */
async function codeOf(fn) {
  try {
    await fn();
  } catch (e) {
    assert.equal(e.name, "OidcEdgeError", `${e.name}: ${e.message}`);
    return e.code;
  }
  assert.fail("expected an OidcEdgeError");
}

// One key per algorithm (kid = alg), a set with all of them, and ID tokens signed by jose.
const keys = {};
let jwks;
let matrix;
let expected;

before(async () => {
  await spa.init(await readFile(new URL(import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm"))));
  for (const alg of ALGS) {
    if (alg === "HS256") {
      const secret = await generateSecret(alg, { extractable: true });
      keys[alg] = { signing: secret, jwk: { ...(await exportJWK(secret)), kid: alg } };
    } else {
      const pair = await generateKeyPair(alg, { extractable: true, crv: alg === "EdDSA" ? "Ed25519" : undefined });
      keys[alg] = { signing: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: alg } };
    }
  }
  jwks = { keys: ALGS.map((a) => keys[a].jwk) };
  matrix = await makeAsyncFixtures();
  expected = await expectedOutcomes(full, matrix);
});

function idToken(alg, claims = {}, header = {}) {
  return new SignJWT({ iss: ISS, aud: CLIENT, sub: "user-1", nonce: "n-1", iat: NOW - 10, exp: NOW + 300, ...claims })
    .setProtectedHeader({ alg, kid: alg, ...header })
    .sign(keys[alg].signing);
}

const verifier = () => new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: spa.JwkSet.fromJson(jwks) });

test("exports: sign-in, token endpoint, keys and verification; nothing of the server half", () => {
  assert.deepEqual(Object.keys(spa).sort(), [
    "DpopKey", "JwkSet", "OidcEdgeError", "TokenVerifier", "buildAuthorizeUrl", "buildEndSessionUrl", "buildPushedAuthorizationRequest",
    "buildTokenRequest", "createDpopKey", "createSession", "discover", "discoveryUrls", "dpopFetch", "exchangeCode", "generatePkce", "importDpopKey", "init", "parseCallback",
    "parseProviderMetadata", "parsePushedAuthorizationResponse", "parseStepUpChallenge", "parseTokenResponse", "pkceChallenge", "pushAuthorizationRequest",
    "randomToken", "refreshTokens", "startAuthorization",
  ]);
  for (const name of ["createEdgeVerifier", "RemoteJwks", "ScopeRequirement", "bearerChallenge", "introspect", "userinfo", "createClientAssertion"]) {
    assert.equal(name in spa, false, name);
    assert.equal(name in full, true, name);
  }
  for (const method of ["ensureKeys", "verifyUserinfo", "verifyUserinfoAsync"]) {
    assert.equal(method in spa.TokenVerifier.prototype, false, method);
    assert.equal(method in full.TokenVerifier.prototype, true, method);
  }
});

test("PKCE: RFC 7636 Appendix B, generated pairs, bad verifiers", async () => {
  assert.equal(spa.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const pair = spa.generatePkce();
  assert.match(pair.codeVerifier, /^[A-Za-z0-9\-._~]{64}$/);
  assert.equal(pair.codeChallenge, crypto.createHash("sha256").update(pair.codeVerifier).digest("base64url"));
  assert.equal(pair.codeChallengeMethod, "S256");
  assert.equal(spa.generatePkce({ verifierLength: 43 }).codeVerifier.length, 43);
  assert.equal(await codeOf(() => spa.pkceChallenge("short")), "invalid_pkce_verifier");
  assert.equal(await codeOf(() => spa.generatePkce({ verifierLength: 129 })), "invalid_pkce_verifier");
  assert.match(spa.randomToken(), /^[A-Za-z0-9\-_]{43}$/);
  assert.notEqual(spa.randomToken(), spa.randomToken());
});

test("authorize URL, callback and end-session URL: as the main entry builds and reads them", async () => {
  const meta = spa.parseProviderMetadata({
    issuer: ISS, authorization_endpoint: `${ISS}/authorize`, token_endpoint: `${ISS}/token`,
    end_session_endpoint: `${ISS}/logout`, jwks_uri: `${ISS}/jwks`,
  }, ISS);
  assert.deepEqual(meta, full.parseProviderMetadata(JSON.stringify(meta), ISS));
  const req = {
    authorizationEndpoint: meta.authorization_endpoint, clientId: CLIENT, redirectUri: "https://app.example.com/cb",
    scope: ["openid", "profile"], state: "st-1", nonce: "n-1", codeChallenge: spa.pkceChallenge("a".repeat(43)),
    resource: "https://api.example.com/",
  };
  const url = spa.buildAuthorizeUrl(req);
  assert.equal(url, full.buildAuthorizeUrl(req));
  const sent = new URL(url).searchParams;
  assert.equal(sent.get("code_challenge_method"), "S256");
  assert.equal(sent.get("scope"), "openid profile");
  assert.deepEqual(spa.parseCallback(`https://app.example.com/cb?code=c-1&state=st-1&iss=${encodeURIComponent(ISS)}`,
    { state: "st-1", issuer: ISS }), { code: "c-1", state: "st-1", iss: ISS });
  assert.equal(await codeOf(() => spa.parseCallback("https://app.example.com/cb?code=c&state=other", { state: "st-1" })), "state_mismatch");
  assert.equal(await codeOf(() => spa.parseCallback("https://app.example.com/cb?code=c&state=st-1&iss=https%3A%2F%2Fevil.example",
    { state: "st-1", issuer: ISS })), "issuer_mismatch");
  try {
    spa.parseCallback("https://app.example.com/cb?error=access_denied&error_description=no&state=st-1", { state: "st-1" });
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.code, "authorization_error");
    assert.equal(e.error, "access_denied");
    assert.equal(e.errorDescription, "no");
  }
  const logout = { endSessionEndpoint: meta.end_session_endpoint, idTokenHint: "a.b.c", postLogoutRedirectUri: "https://app.example.com/" };
  assert.equal(spa.buildEndSessionUrl(logout), full.buildEndSessionUrl(logout));
  assert.deepEqual(spa.discoveryUrls(ISS), full.discoveryUrls(ISS));
  assert.equal(await codeOf(() => spa.parseProviderMetadata({ issuer: `${ISS}/`, authorization_endpoint: `${ISS}/a` }, ISS)), "issuer_mismatch");
});

test("discover and exchangeCode through a fetch: the requests, the token set, the errors", async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url: String(url), init });
    if (String(url).endsWith("/.well-known/openid-configuration")) {
      return Response.json({ issuer: ISS, authorization_endpoint: `${ISS}/authorize`, token_endpoint: `${ISS}/token` });
    }
    const body = new URLSearchParams(init.body);
    if (body.get("code") === "used") return Response.json({ error: "invalid_grant", error_description: "used" }, { status: 400 });
    return Response.json({ access_token: "at-1", token_type: "Bearer", expires_in: 300, id_token: "x.y.z", refresh_token: "rt-1" });
  };
  const meta = await spa.discover(ISS, { fetch });
  assert.equal(meta.token_endpoint, `${ISS}/token`);
  const exchange = {
    tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: CLIENT }, code: "c-1",
    redirectUri: "https://app.example.com/cb", codeVerifier: "v".repeat(43),
  };
  const tokens = await spa.exchangeCode({ ...exchange, fetch, now: NOW });
  assert.deepEqual({ ...tokens, raw: undefined }, {
    accessToken: "at-1", tokenType: "Bearer", expiresIn: 300, expiresAt: NOW + 300, idToken: "x.y.z", refreshToken: "rt-1", raw: undefined,
  });
  const sent = seen.at(-1);
  assert.equal(sent.url, `${ISS}/token`);
  assert.equal(sent.init.method, "POST");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.init.body)), {
    grant_type: "authorization_code", code: "c-1", redirect_uri: "https://app.example.com/cb", code_verifier: "v".repeat(43), client_id: CLIENT,
  });
  // The sans-IO builder gives the request the main entry gives.
  assert.deepEqual(spa.buildTokenRequest({ ...exchange, grantType: "authorization_code" }),
    full.buildTokenRequest({ ...exchange, grantType: "authorization_code" }));
  const refreshed = await spa.refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: CLIENT }, refreshToken: "rt-1", fetch });
  assert.equal(refreshed.accessToken, "at-1");
  assert.equal(new URLSearchParams(seen.at(-1).init.body).get("grant_type"), "refresh_token");
  try {
    await spa.exchangeCode({ ...exchange, code: "used", fetch });
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.code, "authorization_error");
    assert.equal(e.error, "invalid_grant");
    assert.equal(e.status, 400);
  }
  assert.equal(spa.parseTokenResponse({ status: 200, body: '{"access_token":"a","token_type":"bearer"}' }).tokenType, "Bearer");
  assert.equal(await codeOf(() => spa.parseTokenResponse({ status: 500, body: "oops" })), "http_error");
  assert.equal(await codeOf(() => spa.exchangeCode({ ...exchange, codeVerifier: undefined, fetch })), "invalid_request");
  // This entry signs nothing: a key is refused by the builder and by the fetch helpers, before any fetch.
  const key = (await crypto.webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"])).privateKey;
  const count = seen.length;
  for (const call of [
    () => spa.buildTokenRequest({ ...exchange, grantType: "authorization_code", clientAuth: { clientId: CLIENT, key } }),
    () => spa.exchangeCode({ ...exchange, clientAuth: { clientId: CLIENT, key }, fetch }),
  ]) {
    try {
      await call();
      assert.fail("no error");
    } catch (e) {
      assert.equal(e.code, "invalid_request");
      assert.match(e.message, /does not sign/);
    }
  }
  assert.equal(seen.length, count);
});

test("ID tokens signed by jose (RS256, PS256, ES256, ES384, ES512, EdDSA, HS256) verify through verifyIdTokenAsync", async () => {
  const v = verifier();
  for (const alg of ALGS) {
    const token = await idToken(alg);
    const claims = await v.verifyIdTokenAsync(token, { nonce: "n-1", now: NOW });
    assert.equal(claims.sub, "user-1", alg);
    assert.equal(claims.iss, ISS);
    assert.deepEqual(await v.verifyAsync(token, { now: NOW }), claims);
  }
});

test("tampered, expired, wrong-nonce, foreign-key and unknown-kid ID tokens are rejected with their codes", async () => {
  const v = verifier();
  for (const alg of ALGS) {
    const token = await idToken(alg);
    const [h, p, s] = token.split(".");
    const otherPayload = Buffer.from(JSON.stringify({ iss: ISS, aud: CLIENT, sub: "admin", nonce: "n-1", iat: NOW, exp: NOW + 300 })).toString("base64url");
    const flipped = `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(`${h}.${otherPayload}.${s}`, { nonce: "n-1", now: NOW })), "invalid_signature", alg);
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(flipped, { nonce: "n-1", now: NOW })), "invalid_signature", alg);
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(token, { nonce: "n-1", now: NOW + 300 })), "token_expired", alg);
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(token, { nonce: "n-2", now: NOW })), "nonce_mismatch", alg);
    const rotated = await idToken(alg, {}, { kid: "rotated" });
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(rotated, { now: NOW })), "key_not_found", alg);
    // Signed with the right kid by another key of the same algorithm.
    const other = alg === "HS256" ? await generateSecret(alg) : (await generateKeyPair(alg, { crv: alg === "EdDSA" ? "Ed25519" : undefined })).privateKey;
    const forged = await new SignJWT({ sub: "user-1", nonce: "n-1" }).setProtectedHeader({ alg, kid: alg }).setIssuer(ISS)
      .setAudience(CLIENT).setIssuedAt(NOW).setExpirationTime(NOW + 300).sign(other);
    assert.equal(await codeOf(() => v.verifyIdTokenAsync(forged, { nonce: "n-1", now: NOW })), "invalid_signature", alg);
  }
  const es = await idToken("ES256");
  const zero = `${es.slice(0, es.lastIndexOf(".") + 1)}${Buffer.alloc(64).toString("base64url")}`;
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(zero, { now: NOW })), "invalid_signature", "CVE-2022-21449");
  const foreignAud = await idToken("RS256", { aud: "someone-else" });
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(foreignAud, { now: NOW })), "audience_mismatch");
  const accessToken = await idToken("RS256", {}, { typ: "at+jwt" });
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(accessToken, { now: NOW })), "typ_mismatch");
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(`${Buffer.from('{"alg":"none"}').toString("base64url")}.e30.`, { now: NOW })), "unsupported_algorithm");
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(42)), "malformed_token");
});

test("the sync methods check HS* and refuse every other algorithm with unsupported_algorithm, never returning claims", async () => {
  const v = verifier();
  assert.equal(v.verifyIdToken(await idToken("HS256"), { nonce: "n-1", now: NOW }).sub, "user-1");
  assert.equal(await codeOf(async () => v.verifyIdToken(await idToken("HS256"), { nonce: "n-2", now: NOW })), "nonce_mismatch");
  for (const alg of ALGS.filter((a) => a !== "HS256")) {
    const token = await idToken(alg);
    for (const call of [() => v.verify(token, { now: NOW }), () => v.verifyIdToken(token, { nonce: "n-1", now: NOW }),
      () => v.verifyAccessToken(token, { now: NOW })]) {
      try {
        call();
        assert.fail(`${alg}: claims returned`);
      } catch (e) {
        assert.equal(e.code, "unsupported_algorithm", alg);
        assert.match(e.message, new RegExp(`${alg} signatures only through WebCrypto: use verifyAsync, verifyIdTokenAsync`));
      }
    }
    // Rules before the signature still decide first.
    assert.equal(await codeOf(async () => v.verify(await idToken(alg, {}, { kid: "rotated" }), { now: NOW })), "key_not_found");
  }
});

test("JwkSet: secp256k1 skipped, RSA size and exponent, small-order Ed25519, EC points left to WebCrypto", async () => {
  const k1 = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey.export({ format: "jwk" });
  const rsa = (bits) => crypto.generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ format: "jwk" });
  try {
    spa.JwkSet.fromJson({ keys: [k1] });
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.code, "invalid_jwk");
    assert.match(e.message, /secp256k1/);
  }
  assert.deepEqual(spa.JwkSet.fromJson({ keys: [{ ...k1, kid: "k1" }, keys.ES256.jwk] }).keyIds, ["ES256"]);
  assert.deepEqual(full.JwkSet.fromJson({ keys: [{ ...k1, kid: "k1" }, keys.ES256.jwk] }).keyIds, ["k1", "ES256"]);
  assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [rsa(1024)] })), "weak_key");
  const big = rsa(2048);
  assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [{ ...big, e: "AQ" }] })), "invalid_jwk", "e = 1");
  assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [{ ...big, e: "AgAAAAAA" }] })), "invalid_jwk", "e > 2^33");
  // the same RSA rules as the main entry's: an even exponent or modulus is refused in both
  for (const [what, key] of [["e = 4", { ...big, e: "BA" }], ["even n", { ...big, n: Buffer.alloc(256, 0xfe).toString("base64url") }]]) {
    assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [key] })), "invalid_jwk", what);
    assert.equal(await codeOf(() => full.JwkSet.fromJson({ keys: [key] })), "invalid_jwk", what);
  }
  assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [{ ...big, n: Buffer.alloc(1025, 0xff).toString("base64url") }] })),
    "invalid_jwk", "8200 bits");
  spa.JwkSet.fromJson({ keys: [big] });
  // Small-order points: y = 0, y = 1, y = p - 1 with the sign bit set.
  for (const x of [Buffer.alloc(32), Buffer.from("01".padEnd(64, "0"), "hex"), Buffer.from("ec".padEnd(64, "f"), "hex")]) {
    assert.equal(await codeOf(() => spa.JwkSet.fromJson({ keys: [{ kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }] })),
      "invalid_jwk", x.toString("hex"));
  }
  // A P-256 point moved off the curve: the main entry skips it when reading the set; this entry's set takes it,
  // and WebCrypto's importKey refuses it when a token is verified.
  const good = keys.ES256.jwk;
  const y = Buffer.from(good.y, "base64url");
  y[31] ^= 1;
  const off = { ...good, y: y.toString("base64url") };
  assert.equal(await codeOf(() => full.JwkSet.fromJson({ keys: [off] })), "invalid_jwk");
  const v = new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: spa.JwkSet.fromJson({ keys: [off] }) });
  const es = await idToken("ES256");
  assert.equal(await codeOf(() => v.verifyIdTokenAsync(es, { now: NOW })), "unsupported_algorithm");
});

test("TokenVerifier options: no cache, no RemoteJwks, no key set of the main entry", async () => {
  const set = spa.JwkSet.fromJson(jwks);
  assert.equal(await codeOf(() => new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: set, cache: { maxEntries: 8 } })), "invalid_request");
  assert.equal(await codeOf(() => new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: full.JwkSet.fromJson(jwks) })), "invalid_request");
  assert.equal(await codeOf(() => new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: new full.RemoteJwks(`${ISS}/jwks`) })), "invalid_request");
  assert.equal(await codeOf(() => new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: jwks })), "invalid_request");
  // requiredScopes: strings and arrays only.
  const v = new spa.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: set });
  const at = await idToken("ES256", { scope: "read write" });
  assert.equal((await v.verifyAccessTokenAsync(at, { requiredScopes: ["read"], now: NOW })).scope, "read write");
  assert.equal(await codeOf(() => v.verifyAccessTokenAsync(at, { requiredScopes: "admin", now: NOW })), "insufficient_scope");
  assert.equal(await codeOf(() => v.verifyAccessTokenAsync(at, { requiredScopes: full.ScopeRequirement.parse("read"), now: NOW })), "invalid_request");
});

test("every case of the sync/async matrix: the Async methods agree with the main entry's, the sync ones never accept", async () => {
  const { failures, ran } = await runSpaMatrix(spa, matrix, expected);
  assert.deepEqual(failures, []);
  assert.ok(ran > 200, `ran ${ran}`);
});

test("in headless Chromium without a bundler: import map -> pkg/spa.js, only the SPA module is fetched", async () => {
  const chromium = await launchChromium();
  const pkg = (f) => join(root, "pkg", f);
  const server = await serveStatic(join(root, "tests/js/fixtures/spa"), {
    "/pkg/spa.js": pkg("spa.js"), "/pkg/session.js": pkg("session.js"), "/pkg/oidc_edge_spa.js": pkg("oidc_edge_spa.js"),
    "/pkg/oidc_edge_spa_bg.wasm": pkg("oidc_edge_spa_bg.wasm"), "/pkg/errors.js": pkg("errors.js"),
    "/matrix.mjs": join(root, "tests/js/support/spa-matrix.mjs"),
  });
  try {
    const page = await chromium.context.newPage();
    const requested = [];
    page.on("request", (r) => requested.push(new URL(r.url()).pathname));
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}/`);
    const tokens = Object.fromEntries(await Promise.all(ALGS.map(async (a) => [a, await idToken(a)])));
    const r = await page.evaluate(async ({ tokens, jwks, ISS, CLIENT, NOW, matrix, expected }) => {
      const oidc = await import("oidc-edge/spa");
      const thrown = (call) => {
        try { call(); return "returned"; } catch (e) { return [e.name, e.code, e instanceof oidc.OidcEdgeError]; }
      };
      const beforeInit = [thrown(() => oidc.generatePkce()), thrown(() => new oidc.TokenVerifier({})),
        thrown(() => oidc.JwkSet.fromJson(jwks))];
      await oidc.init();
      const out = { beforeInit, appendixB: oidc.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), claims: {}, sync: {} };
      out.url = oidc.buildAuthorizeUrl({ authorizationEndpoint: `${ISS}/authorize`, clientId: CLIENT,
        redirectUri: "https://app.example.com/cb", scope: "openid", state: "s", nonce: "n-1", codeChallenge: oidc.generatePkce().codeChallenge });
      try { oidc.parseCallback("https://app.example.com/cb?code=c&state=x", { state: "s" }); } catch (e) { out.callback = [e.code, e instanceof oidc.OidcEdgeError]; }
      const v = new oidc.TokenVerifier({ issuer: ISS, audience: CLIENT, jwks: oidc.JwkSet.fromJson(jwks) });
      for (const [alg, token] of Object.entries(tokens)) {
        try { out.claims[alg] = (await v.verifyIdTokenAsync(token, { nonce: "n-1", now: NOW })).sub; } catch (e) { out.claims[alg] = e.code; }
        try { out.sync[alg] = v.verifyIdToken(token, { nonce: "n-1", now: NOW }).sub; } catch (e) { out.sync[alg] = e.code; }
      }
      const { runSpaMatrix } = await import("/matrix.mjs");
      out.matrix = await runSpaMatrix(oidc, matrix, expected);
      return out;
    }, { tokens, jwks, ISS, CLIENT, NOW, matrix, expected });
    assert.deepEqual(errors, []);
    assert.deepEqual(r.beforeInit, Array(3).fill(["OidcEdgeError", "not_initialized", true]));
    assert.equal(r.appendixB, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    assert.ok(r.url.startsWith(`${ISS}/authorize?response_type=code&client_id=${CLIENT}&`), r.url);
    assert.deepEqual(r.callback, ["state_mismatch", true]);
    assert.deepEqual(r.claims, Object.fromEntries(ALGS.map((a) => [a, "user-1"])));
    assert.deepEqual(r.sync, Object.fromEntries(ALGS.map((a) => [a, a === "HS256" ? "user-1" : "unsupported_algorithm"])));
    assert.deepEqual(r.matrix.failures, []);
    assert.ok(r.matrix.ran > 200, `ran ${r.matrix.ran}`);
    assert.ok(requested.includes("/pkg/oidc_edge_spa_bg.wasm"), requested.join(" "));
    assert.deepEqual(requested.filter((p) => p.startsWith("/pkg/")).sort(),
      ["/pkg/errors.js", "/pkg/oidc_edge_spa.js", "/pkg/oidc_edge_spa_bg.wasm", "/pkg/session.js", "/pkg/spa.js"]);
  } finally {
    await server.close();
    await chromium.close();
  }
});
