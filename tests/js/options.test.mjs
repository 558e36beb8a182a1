// Every numeric option of every export (and every positional number), in both entries: NaN, ±Infinity, a
// negative, a fraction, a string and null are each `invalid_request` naming the option — never read as
// "absent" or "off" (JSON.stringify writes NaN and ±Infinity as null, which serde's Option took for absent:
// `maxAge: NaN` turned the max_age check off). Each row also runs with a valid value first, so the refusal is
// the value's. Async exports must reject before any fetch.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { SignJWT, generateKeyPair } from "jose";
import * as main from "oidc-edge";
import * as spa from "oidc-edge/spa";

const ISS = "https://idp.example.com";
const AUD = "client-1";
const NOW = 1_700_000_000;
const SECRET = new Uint8Array(32).fill(7);
const JWKS = { keys: [{ kty: "oct", kid: "k1", alg: "HS256", k: Buffer.from(SECRET).toString("base64url") }] };

const BAD = [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["a negative", -1],
  ["a fraction", 1.5],
  ["a string", "60"],
  ["null", null],
];

let token; // HS256, for every verifier row
let signingKey; // an ES256 CryptoKey, for client assertions

before(async () => {
  await spa.init(await readFile(new URL(import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm"))));
  token = await new SignJWT({ iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600, auth_time: NOW - 60 })
    .setProtectedHeader({ alg: "HS256", kid: "k1" })
    .sign(SECRET);
  signingKey = (await generateKeyPair("ES256")).privateKey;
});

/** A fetch that answers every endpoint with what a valid call needs, and counts its calls. */
function fakeFetch() {
  const f = async (url) => {
    f.calls += 1;
    const path = new URL(url).pathname;
    const body = {
      "/token": { access_token: "at", token_type: "Bearer", expires_in: 60 },
      "/introspect": { active: true },
      "/revoke": {},
      "/userinfo": { sub: "user-1" },
      "/jwks": JWKS,
      "/device": { device_code: "d", user_code: "u", verification_uri: "http://127.0.0.1:9/verify", expires_in: 60 },
      "/.well-known/openid-configuration": { issuer: "http://127.0.0.1:9", authorization_endpoint: "http://127.0.0.1:9/authorize" },
    }[path];
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  f.calls = 0;
  return f;
}

const tokenResponse = { status: 200, headers: { "content-type": "application/json" }, body: '{"access_token":"a","token_type":"Bearer","expires_in":60}' };
const deviceResponse = { status: 200, body: '{"device_code":"d","user_code":"u","verification_uri":"https://idp.example.com/device","expires_in":60}' };
const userinfoResponse = { status: 200, headers: { "content-type": "application/json" }, body: '{"sub":"user-1"}' };
const authorize = { authorizationEndpoint: `${ISS}/authorize`, clientId: AUD, redirectUri: "https://app.example.com/cb", scope: "openid", state: "s" };
const code = { tokenEndpoint: "http://127.0.0.1:9/token", code: "c", redirectUri: "https://app.example.com/cb", codeVerifier: "v".repeat(43), clientAuth: { clientId: AUD } };
const edgeConfig = { issuer: ISS, audience: AUD, jwksUri: "https://idp.example.com/jwks", routes: [{ method: "GET", path: "/api/*" }] };

/** `{ ...object }` with `value` set at the dotted `path`. */
function setAt(object, path, value) {
  const [head, ...rest] = path.split(".");
  return { ...object, [head]: rest.length ? setAt(object[head] ?? {}, rest.join("."), value) : value };
}

/**
 * The rows: [export, option (as the message names it), valid value, run(m, value, fetch)]. `m` is the
 * entry's module; rows whose export (or option) the SPA entry lacks are marked `mainOnly`.
 */
const verifierOf = (m, extra = {}) => new m.TokenVerifier({ issuer: ISS, audience: AUD, jwks: m.JwkSet.fromJson(JWKS), ...extra });
const verifyMethods = ["verify", "verifyAsync", "verifyIdToken", "verifyIdTokenAsync", "verifyAccessToken", "verifyAccessTokenAsync", "verifyUserinfo", "verifyUserinfoAsync"];
const rows = [
  ["generatePkce", "verifierLength", 64, (m, v) => m.generatePkce({ verifierLength: v })],
  ["randomToken", "bytes", 32, (m, v) => m.randomToken(v)],
  ["buildAuthorizeUrl", "maxAge", 300, (m, v) => m.buildAuthorizeUrl({ ...authorize, maxAge: v })],
  ["parseTokenResponse", "now", NOW, (m, v) => m.parseTokenResponse(tokenResponse, { now: v })],
  ["parseDeviceAuthorizationResponse", "now", NOW, (m, v) => m.parseDeviceAuthorizationResponse(deviceResponse, { now: v }), "mainOnly"],
  ["requestDeviceAuthorization", "now", NOW, (m, v, fetch) => m.requestDeviceAuthorization({ deviceAuthorizationEndpoint: "http://127.0.0.1:9/device", clientAuth: { clientId: AUD }, fetch, now: v }), "mainOnly"],
  ["parseUserinfoResponse", "now", NOW, (m, v) => m.parseUserinfoResponse(userinfoResponse, { now: v }), "mainOnly"],
  ...["clockTolerance", "maxTokenLength"].map((o) => ["new TokenVerifier", o, 60, (m, v) => verifierOf(m, { [o]: v })]),
  ["new TokenVerifier", "cache.maxEntries", 10, (m, v) => verifierOf(m, { cache: { maxEntries: v } }), "mainOnly"],
  ...verifyMethods.map((method) => [`verifier.${method}`, "now", NOW, (m, v) => verifierOf(m)[method](token, { now: v }),
    method.startsWith("verifyUserinfo") ? "mainOnly" : undefined]),
  ...["verifyIdToken", "verifyIdTokenAsync"].map((method) => [`verifier.${method}`, "maxAge", 3600,
    (m, v) => verifierOf(m)[method](token, { now: NOW, maxAge: v })]),
  ["verifier.ensureKeys", "now", NOW, (m, v) => verifierOf(m).ensureKeys(token, { now: v }), "mainOnly"],
  // 600 fits each JWKS cache bound: minMaxAge <= defaultMaxAge (600) <= maxMaxAge.
  ...["cooldown", "defaultMaxAge", "minMaxAge", "maxMaxAge"].map((o) => ["new RemoteJwks", o, 600,
    (m, v, fetch) => new m.RemoteJwks("http://127.0.0.1:9/jwks", { fetch, [o]: v }), "mainOnly"]),
  ["remoteJwks.getKeySet", "now", NOW, (m, v, fetch) => new m.RemoteJwks("http://127.0.0.1:9/jwks", { fetch }).getKeySet(undefined, { now: v }), "mainOnly"],
  ...["clockTolerance", "jwksCache.cooldown", "jwksCache.defaultMaxAge", "jwksCache.minMaxAge", "jwksCache.maxMaxAge",
    "tokenCache.maxEntries", "cors.maxAge"].map((o) => ["createEdgeVerifier", o, 600,
    (m, v, fetch) => m.createEdgeVerifier(setAt({ ...edgeConfig, fetch, cors: { allowedOrigins: "https://app.example.com" } }, o, v)), "mainOnly"]),
  ["exchangeCode", "now", NOW, (m, v, fetch) => m.exchangeCode({ ...code, fetch, now: v })],
  ["refreshTokens", "now", NOW, (m, v, fetch) => m.refreshTokens({ tokenEndpoint: code.tokenEndpoint, refreshToken: "r", clientAuth: code.clientAuth, fetch, now: v })],
  ["clientCredentials", "now", NOW, (m, v, fetch) => m.clientCredentials({ tokenEndpoint: code.tokenEndpoint, clientAuth: { clientId: AUD, clientSecret: "s".repeat(32) }, fetch, now: v }), "mainOnly"],
  ["exchangeToken", "now", NOW, (m, v, fetch) => m.exchangeToken({ tokenEndpoint: code.tokenEndpoint, subjectToken: "t", subjectTokenType: "access_token", clientAuth: { clientId: AUD, clientSecret: "s".repeat(32) }, fetch, now: v }), "mainOnly"],
  ["introspect", "now", NOW, (m, v, fetch) => m.introspect({ introspectionEndpoint: "http://127.0.0.1:9/introspect", token: "t", clientAuth: { clientId: AUD, clientSecret: "s".repeat(32) }, fetch, now: v }), "mainOnly"],
  ["revoke", "now", NOW, (m, v, fetch) => m.revoke({ revocationEndpoint: "http://127.0.0.1:9/revoke", token: "t", clientAuth: { clientId: AUD, clientSecret: "s".repeat(32) }, fetch, now: v }), "mainOnly"],
  ["userinfo", "now", NOW, (m, v, fetch) => m.userinfo({ userinfoEndpoint: "http://127.0.0.1:9/userinfo", accessToken: "at", fetch, now: v }), "mainOnly"],
  ["exchangeCode", "clientAuth.assertionLifetime", 60, (m, v, fetch) => m.exchangeCode({ ...code, clientAuth: { clientId: AUD, key: signingKey, assertionLifetime: v }, fetch }), "mainOnly"],
  ...["lifetime", "now"].map((o) => ["createClientAssertion", o, o === "now" ? NOW : 60,
    (m, v) => m.createClientAssertion({ clientId: AUD, audience: `${ISS}/token`, key: signingKey, [o]: v }), "mainOnly"]),
  // The fetch helpers' `timeout` (issue 13 item 5, whole seconds) is read by the same rule: these rows skip themselves
  // while the option does not exist yet (its valid value is then an unknown member).
  ...[
    ["discover", (m, v, fetch) => m.discover("http://127.0.0.1:9", { fetch, timeout: v })],
    ["exchangeCode", (m, v, fetch) => m.exchangeCode({ ...code, fetch, timeout: v })],
    ["new RemoteJwks", (m, v, fetch) => new m.RemoteJwks("http://127.0.0.1:9/jwks", { fetch, timeout: v })],
    ["createEdgeVerifier", (m, v, fetch) => m.createEdgeVerifier({ ...edgeConfig, fetch, timeout: v })],
  ].map(([name, run]) => [name, "timeout", 5, run, name === "exchangeCode" || name === "discover" ? undefined : "mainOnly", "pending"]),
];

for (const [entry, m] of [["oidc-edge", main], ["oidc-edge/spa", spa]]) {
  for (const [name, option, valid, run, only, pending] of rows) {
    if (only === "mainOnly" && m !== main) continue;
    test(`${entry}: ${name} ${option}`, async (t) => {
      const fetch = fakeFetch();
      try {
        await run(m, valid, fetch);
      } catch (e) {
        if (pending && /unknown field `timeout`/.test(e.message)) return t.skip("no timeout option in this build yet");
        throw e;
      }
      const before = fetch.calls;
      for (const [what, value] of BAD) {
        await assert.rejects(async () => run(m, value, fetch), (e) => {
          assert.equal(e.name, "OidcEdgeError", `${what}: ${e}`);
          assert.equal(e.code, "invalid_request", `${what}: ${e.message}`);
          assert.ok(e.message.includes(option.split(".").at(-1)), `${what}: the message names ${option}: ${e.message}`);
          return true;
        }, `${option} = ${what} must be refused`);
      }
      assert.equal(fetch.calls, before, "refused before any fetch");
    });
  }
}

test("maxAge: NaN no longer turns the max_age check off (the finding)", async () => {
  // auth_time 31 years before now: refused with a real maxAge, and NaN/±Infinity/null are refused outright.
  const old = await new SignJWT({ iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600, auth_time: NOW - 31 * 365 * 86400 })
    .setProtectedHeader({ alg: "HS256", kid: "k1" })
    .sign(SECRET);
  for (const m of [main, spa]) {
    const v = verifierOf(m);
    assert.throws(() => v.verifyIdToken(old, { now: NOW, maxAge: 3600 }), { code: "auth_time_too_old" });
    for (const maxAge of [NaN, Infinity, -Infinity, null]) {
      assert.throws(() => v.verifyIdToken(old, { now: NOW, maxAge }), { code: "invalid_request", message: /maxAge/ });
      await assert.rejects(v.verifyIdTokenAsync(old, { now: NOW, maxAge }), { code: "invalid_request", message: /maxAge/ });
    }
  }
});

test("null is refused for every member, not only numbers: a null nonce or issuer is no check at all", () => {
  const v = verifierOf(main);
  assert.throws(() => v.verifyIdToken(token, { now: NOW, nonce: null }), { code: "invalid_request", message: /nonce/ });
  assert.throws(() => main.parseCallback("https://app.example.com/cb?code=c&state=s", { state: "s", issuer: null }),
    { code: "invalid_request", message: /issuer/ });
  assert.throws(() => v.verifyAccessToken(token, { now: NOW, requiredScopes: null }), { code: "invalid_request", message: /requiredScopes/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: [{ method: "GET", path: "/api/*", scopes: null }] }),
    { code: "invalid_request", message: /scopes/ });
  // Leaving a member out (or undefined) is what "absent" means.
  assert.equal(v.verifyIdToken(token, { now: NOW, nonce: undefined, maxAge: undefined }).sub, "user-1");
  assert.equal(main.randomToken(undefined).length, 43);
});

test("refreshes: the claims of the ID token a refresh replaces (OIDC Core 12.2); null or not an object is refused", async () => {
  const original = { iss: ISS, aud: AUD, sub: "user-1", auth_time: NOW - 60 };
  for (const m of [main, spa]) {
    const v = verifierOf(m);
    assert.equal(v.verifyIdToken(token, { now: NOW, refreshes: original }).sub, "user-1");
    assert.equal((await v.verifyIdTokenAsync(token, { now: NOW, refreshes: original })).sub, "user-1");
    assert.equal(v.verifyIdToken(token, { now: NOW, refreshes: undefined }).sub, "user-1", "undefined is absent");
    for (const [changed, code] of [[{ sub: "user-2" }, "invalid_claim"], [{ auth_time: NOW }, "invalid_claim"],
      [{ iss: "https://other.example" }, "issuer_mismatch"], [{ aud: [AUD, "api"] }, "audience_mismatch"],
      [{ nonce: "n" }, undefined]]) {
      const check = () => v.verifyIdToken(token, { now: NOW, refreshes: { ...original, ...changed } });
      if (code) assert.throws(check, { code, message: /OIDC Core 12.2/ });
      else assert.equal(check().sub, "user-1", "the refreshed token may leave the nonce out");
    }
    for (const refreshes of [null, "claims", 1]) {
      assert.throws(() => v.verifyIdToken(token, { now: NOW, refreshes }), { code: "invalid_request", message: /refreshes/ });
    }
  }
});

test("numbers beyond 2^53 - 1 and nested non-finite numbers are refused, with the member's path", () => {
  assert.throws(() => verifierOf(main, { clockTolerance: 2 ** 53 }), { code: "invalid_request", message: /clockTolerance/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, jwksCache: { cooldown: NaN } }),
    { code: "invalid_request", message: /jwksCache\.cooldown must be an integer in 0\.\.=2\^53 - 1, found NaN/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: [{ method: "GET", path: "/a" }, { method: "GET", path: "/b", public: null }] }),
    { code: "invalid_request", message: /routes\[1\]\.public is null/ });
});

test("the edge configuration's nested objects and lists are named by their whole path; routes as JSON text keep JSON's strictness", () => {
  const issuers = [
    { issuer: ISS, audience: AUD, jwksUri: "https://idp.example.com/jwks" },
    { issuer: "https://other.example.com", audience: AUD, jwksUri: "https://other.example.com/jwks", jwksCache: { cooldown: -1 } },
  ];
  const { issuer, audience, jwksUri, ...rest } = edgeConfig;
  assert.throws(() => main.createEdgeVerifier({ ...rest, issuers }),
    { code: "invalid_request", message: /issuers\[1\]\.jwksCache\.cooldown must be an integer in 0\.\.=2\^53 - 1, found -1/ });
  assert.throws(() => main.createEdgeVerifier({ ...rest, issuers: [{ ...issuers[0], jwksuri: "x" }] }),
    { code: "invalid_request", message: /issuers\[0\]\.jwksuri: unknown field `jwksuri`/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, cors: { allowedOrigins: "https://app.example.com", maxAge: "1" } }),
    { code: "invalid_request", message: /cors\.maxAge: invalid type: string "1"/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, cors: "https://app.example.com" }),
    { code: "invalid_request", message: /cors: invalid type: string "https:\/\/app\.example\.com", expected an object/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: [{ method: "GET" }] }),
    { code: "invalid_request", message: /routes\[0\]: missing field `path`/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: { method: "GET", path: "/a" } }),
    { code: "invalid_request", message: /routes: invalid type: map, expected an array of objects/ });
  const { routes, ...noRoutes } = edgeConfig;
  assert.throws(() => main.createEdgeVerifier(noRoutes), { code: "invalid_request", message: /missing field `routes`/ });
  // The same table as JSON text: a repeated member is refused (JSON.parse would keep the last), numbers by the rule.
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: '[{"method":"GET","path":"/a","path":"/b"}]' }),
    { code: "invalid_request", message: /routes: .*duplicate/i });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: '[{"method":"GET","path":"/a","maxAge":1.5}]' }),
    { code: "invalid_request", message: /routes\[0\]\.maxAge must be an integer in 0\.\.=2\^53 - 1, found 1\.5/ });
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: '[{"method":"GET","path":"/a","public":null}]' }),
    { code: "invalid_request", message: /routes\[0\]\.public is null/ });
  assert.equal(typeof main.createEdgeVerifier({ ...edgeConfig, routes: '[{"method":["GET","HEAD"],"path":"/a","maxAge":60}]' }), "function");
});

test("the options reader walks the JS value itself: cycles, huge objects, BigInts and throwing getters are refused", () => {
  const cyclic = { method: "GET", path: "/a" };
  cyclic.next = cyclic;
  // A route is read member by member: the cycle's member is refused by its name before it is walked.
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: [cyclic] }),
    { code: "invalid_request", message: /routes\[0\]\.next: unknown field `next`/ });
  assert.throws(() => main.buildRegistrationRequest({ registrationEndpoint: "https://idp.example.com/reg", metadata: { cyclic } }),
    { code: "invalid_request", message: /metadata\.cyclic\.next.* nests deeper than 32 levels/ });
  const huge = Array.from({ length: 40_000 }, (_, i) => ({ method: "GET", path: `/r${i}` }));
  assert.throws(() => main.createEdgeVerifier({ ...edgeConfig, routes: huge }),
    { code: "invalid_request", message: /holds more than 100000 values/ });
  for (const m of [main, spa]) {
    assert.throws(() => m.buildAuthorizeUrl({ ...authorize, maxAge: 10n }),
      { code: "invalid_request", message: /maxAge: invalid type: a BigInt/ });
    const throwing = Object.defineProperty({ ...authorize }, "maxAge", { enumerable: true, get() { throw new Error("no"); } });
    assert.throws(() => m.buildAuthorizeUrl(throwing), { code: "invalid_request", message: /maxAge: it cannot be read/ });
    // What JSON.stringify leaves out is absent here too: an undefined member, a function.
    assert.match(m.buildAuthorizeUrl({ ...authorize, maxAge: undefined, toString() { return "x"; } }), /^https:/);
  }
});
