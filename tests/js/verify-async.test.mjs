// TokenVerifier's Async methods (WebCrypto signature checks) against the synchronous ones, in Node: every
// algorithm, tampered signatures and every error code give the same outcome (support/async-matrix.mjs; the
// same matrix runs in Chromium and workerd in verify-runtimes.test.mjs). Then the verified-token cache.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, generateKeyPair, exportJWK } from "jose";
import * as oidc from "oidc-edge";
import { makeAsyncFixtures, ISS, AUD, NOW } from "./support/async-fixtures.mjs";
import { runAsyncMatrix } from "./support/async-matrix.mjs";

const { JwkSet, TokenVerifier, init } = oidc;
let fixtures;

before(async () => {
  await init();
  fixtures = await makeAsyncFixtures();
});

describe("Async methods: the same outcome as the sync ones", () => {
  test("the matrix in Node", async () => {
    const { failures, ran } = await runAsyncMatrix(oidc, fixtures);
    assert.deepEqual(failures, []);
    assert.ok(ran > 200, `ran ${ran}`);
  });

  test("argument errors reject, never throw synchronously", async () => {
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson(fixtures.verifiers.at(-1).jwks) });
    const p = v.verifyAsync(42);
    assert.ok(p instanceof Promise);
    await assert.rejects(p, { name: "OidcEdgeError", code: "malformed_token" });
    await assert.rejects(v.verifyIdTokenAsync("x", "opts"), { code: "invalid_request" });
  });
});

describe("verified-token cache", () => {
  let key;
  let jwk;
  const token = (extra = {}, header = {}) =>
    new SignJWT({ iss: ISS, aud: AUD, sub: "user-1", iat: NOW, exp: NOW + 60, scope: "read", nonce: "n1", ...extra })
      .setProtectedHeader({ alg: "ES256", kid: "es", ...header })
      .sign(key);
  before(async () => {
    const p = await generateKeyPair("ES256", { extractable: true });
    key = p.privateKey;
    jwk = { ...(await exportJWK(p.publicKey)), kid: "es" };
  });
  const make = (opts = {}) => new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [jwk] }), cache: { maxEntries: 4 }, ...opts });
  const code = async (fn) => {
    try {
      await fn();
    } catch (e) {
      return e.code;
    }
    return "ok";
  };

  test("options: maxEntries 1..2^20, nothing else", () => {
    for (const cache of [{ maxEntries: 0 }, { maxEntries: -1 }, { maxEntries: 1.5 }, { maxEntries: 2 ** 21 }, {}, { size: 3 }, 5, true]) {
      assert.throws(() => make({ cache }), { code: "invalid_request" }, JSON.stringify(cache));
    }
  });

  test("a hit still applies every per-call check, and the clock", async () => {
    const v = make();
    const t = await token();
    assert.equal(v.verify(t, { now: NOW }).sub, "user-1");
    // served from the cache now: the per-call checks still run
    assert.equal(await code(() => v.verifyIdToken(t, { now: NOW, nonce: "other" })), "nonce_mismatch");
    assert.equal(await code(() => v.verifyAccessToken(t, { now: NOW, requiredScopes: "write" })), "insufficient_scope");
    assert.equal(await code(() => v.verify(t, { now: NOW, typ: "at+jwt" })), "typ_mismatch");
    assert.equal(await code(() => v.verify(t, { now: NOW, requiredClaims: ["jti"] })), "missing_claim");
    assert.equal(await code(() => v.verifyIdToken(t, { now: NOW, maxAge: 5 })), "missing_claim");
    assert.equal(await code(() => v.verifyIdToken(t, { now: NOW, nonce: "n1" })), "ok");
    // never past exp, re-checked at each hit
    assert.equal(await code(() => v.verify(t, { now: NOW + 60 })), "token_expired");
    assert.equal(await code(() => v.verifyAsync(t, { now: NOW + 60 })), "token_expired");
    assert.equal((await v.verifyAsync(t, { now: NOW + 59 })).sub, "user-1");
    // results are fresh objects: mutating one does not change the next
    const a = v.verify(t, { now: NOW });
    a.sub = "mallory";
    assert.equal(v.verify(t, { now: NOW }).sub, "user-1");
  });

  test("a tampered token is not a hit", async () => {
    const v = make();
    const t = await token();
    v.verify(t, { now: NOW });
    const sig = t.slice(t.lastIndexOf(".") + 1);
    const flipped = t.slice(0, t.lastIndexOf(".") + 1) + (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    assert.equal(await code(() => v.verify(flipped, { now: NOW })), "invalid_signature");
    assert.equal(await code(() => v.verifyAsync(flipped, { now: NOW })), "invalid_signature");
  });

  test("bounded, and a failed check is not cached", async () => {
    const v = make();
    const tokens = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => token({ i })));
    for (const t of tokens) assert.equal(v.verify(t, { now: NOW }).sub, "user-1");
    for (const t of tokens) assert.equal((await v.verifyAsync(t, { now: NOW })).sub, "user-1");
    const wrongIss = await token({ iss: "https://evil.example" });
    assert.equal(await code(() => v.verify(wrongIss, { now: NOW })), "issuer_mismatch");
    assert.equal(await code(() => v.verify(wrongIss, { now: NOW })), "issuer_mismatch");
  });

  test("a new key set empties it (RemoteJwks)", async () => {
    let body = JSON.stringify({ keys: [jwk] });
    const fetch = async () => new Response(body, { headers: { "content-type": "application/json", "cache-control": "max-age=60" } });
    const remote = new oidc.RemoteJwks("https://idp.example.com/jwks", { fetch, cooldown: 0, minMaxAge: 1, defaultMaxAge: 1, maxMaxAge: 1 });
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: remote, cache: { maxEntries: 4 } });
    const t = await token();
    await remote.getKeySet("es", { now: NOW });
    assert.equal(v.verify(t, { now: NOW }).sub, "user-1");
    // the key is removed from the provider's set: its token stops verifying at once, cache or not
    const other = await generateKeyPair("ES256", { extractable: true });
    body = JSON.stringify({ keys: [{ ...(await exportJWK(other.publicKey)), kid: "es" }] });
    await remote.getKeySet("es", { now: NOW + 5 });
    assert.equal(await code(() => v.verify(t, { now: NOW + 5 })), "invalid_signature");
    assert.equal(await code(() => v.verifyAsync(t, { now: NOW + 5 })), "invalid_signature");
  });
});
