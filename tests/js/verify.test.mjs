// JwkSet and TokenVerifier through the built package: tokens signed by jose (and node:crypto where jose has
// no such algorithm or header), one test per error code verification can produce, and after every negative
// test a good token still verifies (no failure may poison the module).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { SignJWT, generateKeyPair, generateSecret, exportJWK } from "jose";
import { JwkSet, ScopeRequirement, TokenVerifier, init } from "oidc-edge";
import { AUD, ISS, NOW, b64, signRaw } from "./support/async-fixtures.mjs";


const claims = (extra = {}) => ({ iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600, ...extra });

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.equal(e.name, "OidcEdgeError", `not an OidcEdgeError: ${e}`);
    assert.equal(typeof e.message, "string");
    return e.code;
  }
  assert.fail("expected a throw");
}

let es256; // { privateKey, jwk } for the shared verifier
let verifier;
let goodToken;

before(async () => {
  await init();
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  es256 = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: "es", alg: "ES256" } };
  verifier = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [es256.jwk] }) });
  goodToken = await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "es" }).sign(privateKey);
});

/** The module still verifies a good token: run after every negative test. */
function stillWorks() {
  assert.equal(verifier.verify(goodToken, { now: NOW }).sub, "user-1");
}

describe("every algorithm, signed by jose", () => {
  const algs = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
  for (const alg of algs) {
    test(alg, async () => {
      let signing;
      let jwk;
      if (alg.startsWith("HS")) {
        signing = await generateSecret(alg, { extractable: true });
        jwk = await exportJWK(signing);
      } else {
        const pair = await generateKeyPair(alg, { extractable: true });
        signing = pair.privateKey;
        jwk = await exportJWK(pair.publicKey);
      }
      const jwks = JwkSet.fromJson(JSON.stringify({ keys: [{ ...jwk, kid: `k-${alg}` }] }));
      assert.deepEqual(jwks.keyIds, [`k-${alg}`]);
      const v = new TokenVerifier({ issuer: ISS, audience: [AUD, "other"], clientId: AUD, jwks });
      const token = await new SignJWT(claims({ nonce: "n1" })).setProtectedHeader({ alg, kid: `k-${alg}` }).sign(signing);
      const out = v.verify(token, { now: NOW });
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.equal(out.sub, "user-1");
      assert.equal(v.verifyIdToken(token, { now: NOW, nonce: "n1" }).nonce, "n1");
      // one flipped signature character
      const sig = token.slice(token.lastIndexOf(".") + 1);
      const flipped = token.slice(0, token.lastIndexOf(".") + 1) + (sig[0] === "A" ? "B" : "A") + sig.slice(1);
      assert.ok(["invalid_signature"].includes(codeOf(() => v.verify(flipped, { now: NOW }))));
    });
  }

  test("ES256K (node:crypto: jose has no secp256k1)", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" });
    const jwks = JwkSet.fromJson({ keys: [publicKey.export({ format: "jwk" })] });
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks });
    for (let i = 0; i < 8; i++) {
      // several signatures, so high-S ones (valid for JWS, refused by Bitcoin rules) are among them
      const token = signRaw("ES256K", { alg: "ES256K" }, claims({ i }), privateKey);
      assert.equal(v.verify(token, { now: NOW }).i, i);
    }
  });
});

describe("error codes", () => {
  test("malformed_token", () => {
    for (const bad of ["", "a.b", "a.b.c.d", `${goodToken}=`, 42, null, undefined, {}]) {
      assert.equal(codeOf(() => verifier.verify(bad, { now: NOW })), "malformed_token", String(bad));
    }
    const dup = signRaw("ES256", '{"alg":"ES256","kid":"es","kid":"other"}', claims(), es256.privateKey);
    assert.equal(codeOf(() => verifier.verify(dup, { now: NOW })), "malformed_token");
    const long = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [es256.jwk] }), maxTokenLength: 64 });
    assert.equal(codeOf(() => long.verify(goodToken, { now: NOW })), "malformed_token");
    assert.equal(codeOf(() => verifier.verify("x".repeat(65537), { now: NOW })), "malformed_token");
    stillWorks();
  });

  test("unsupported_algorithm, including alg none", () => {
    const none = `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims()))}.`;
    assert.equal(codeOf(() => verifier.verify(none, { now: NOW })), "unsupported_algorithm");
    const odd = `${b64('{"alg":"ES999"}')}.${b64(JSON.stringify(claims()))}.AAAA`;
    assert.equal(codeOf(() => verifier.verify(odd, { now: NOW })), "unsupported_algorithm");
    stillWorks();
  });

  test("algorithm_not_allowed: RS256 public key used as an HS256 secret", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "rsa" };
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [jwk] }) });
    const secret = Buffer.from(jwk.n, "base64url");
    const forged = signRaw("HS256", { alg: "HS256", kid: "rsa" }, claims(), secret);
    assert.equal(codeOf(() => v.verify(forged, { now: NOW })), "algorithm_not_allowed");
    const lax = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [jwk] }), algorithms: ["HS256", "RS256"] });
    assert.equal(codeOf(() => lax.verify(forged, { now: NOW })), "algorithm_not_allowed");
    // the PEM text as a secret, too
    const pem = publicKey instanceof crypto.KeyObject ? publicKey : crypto.KeyObject.from(publicKey);
    const forgedPem = signRaw("HS256", { alg: "HS256", kid: "rsa" }, claims(), pem.export({ type: "spki", format: "pem" }));
    assert.equal(codeOf(() => lax.verify(forgedPem, { now: NOW })), "algorithm_not_allowed");
    const narrow = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [jwk] }), algorithms: ["PS256"] });
    const rs = await new SignJWT(claims()).setProtectedHeader({ alg: "RS256", kid: "rsa" }).sign(privateKey);
    assert.equal(codeOf(() => narrow.verify(rs, { now: NOW })), "algorithm_not_allowed");
    stillWorks();
  });

  test("key_not_found: kid mismatch", async () => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "rotated" }).sign(es256.privateKey);
    assert.equal(codeOf(() => verifier.verify(token, { now: NOW })), "key_not_found");
    stillWorks();
  });

  test("invalid_signature, and jku/jwk headers are never used", async () => {
    const attacker = await generateKeyPair("ES256", { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "ES256", kid: "es", jwk: attackerJwk, jku: "https://attacker.example/jwks" })
      .sign(attacker.privateKey);
    assert.equal(codeOf(() => verifier.verify(token, { now: NOW })), "invalid_signature");
    const noKid = await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", jwk: attackerJwk }).sign(attacker.privateKey);
    assert.equal(codeOf(() => verifier.verify(noKid, { now: NOW })), "invalid_signature");
    // CVE-2022-21449: an all-zero ECDSA signature
    const zero = `${goodToken.slice(0, goodToken.lastIndexOf("."))}.${b64(Buffer.alloc(64))}`;
    assert.equal(codeOf(() => verifier.verify(zero, { now: NOW })), "invalid_signature");
    stillWorks();
  });

  test("unsupported_critical_header", () => {
    for (const header of [
      { alg: "ES256", kid: "es", crit: ["exp"], exp: 1 },
      { alg: "ES256", kid: "es", crit: [] },
      { alg: "ES256", kid: "es", crit: ["kid"] },
      { alg: "ES256", kid: "es", b64: false, crit: ["b64"] },
    ]) {
      const token = signRaw("ES256", header, claims(), es256.privateKey);
      assert.equal(codeOf(() => verifier.verify(token, { now: NOW })), "unsupported_critical_header", JSON.stringify(header));
    }
    stillWorks();
  });

  const signed = (extra, header = {}) => signRaw("ES256", { alg: "ES256", kid: "es", ...header }, claims(extra), es256.privateKey);

  test("token_expired and token_not_yet_valid, with clockTolerance", () => {
    assert.equal(codeOf(() => verifier.verify(signed({ exp: NOW }), { now: NOW })), "token_expired");
    assert.equal(codeOf(() => verifier.verify(signed({ nbf: NOW + 1 }), { now: NOW })), "token_not_yet_valid");
    const tolerant = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [es256.jwk] }), clockTolerance: 60 });
    assert.equal(tolerant.verify(signed({ exp: NOW - 59 }), { now: NOW }).sub, "user-1");
    assert.equal(codeOf(() => tolerant.verify(signed({ exp: NOW - 60 }), { now: NOW })), "token_expired");
    // without `now`, the clock is read: this token expired in 2023
    assert.equal(codeOf(() => verifier.verify(goodToken)), "token_expired");
    stillWorks();
  });

  test("issuer_mismatch and audience_mismatch", () => {
    assert.equal(codeOf(() => verifier.verify(signed({ iss: `${ISS}/` }), { now: NOW })), "issuer_mismatch");
    assert.equal(codeOf(() => verifier.verify(signed({ aud: ["x", "y"] }), { now: NOW })), "audience_mismatch");
    stillWorks();
  });

  test("azp_mismatch, nonce_mismatch, auth_time_too_old", () => {
    const id = (extra, opts) => () => verifier.verifyIdToken(signed(extra), { now: NOW, ...opts });
    assert.equal(codeOf(id({ azp: "someone-else" }, {})), "azp_mismatch");
    assert.equal(codeOf(id({ nonce: "a" }, { nonce: "b" })), "nonce_mismatch");
    assert.equal(codeOf(id({}, { nonce: "b" })), "nonce_mismatch");
    assert.equal(codeOf(id({ auth_time: NOW - 301 }, { maxAge: 300 })), "auth_time_too_old");
    assert.equal(verifier.verifyIdToken(signed({ auth_time: NOW - 299 }), { now: NOW, maxAge: 300 }).auth_time, NOW - 299);
    stillWorks();
  });

  test("at_hash and c_hash", () => {
    const half = (v) => b64(crypto.createHash("sha256").update(v).digest().subarray(0, 16));
    const token = signed({ at_hash: half("access-1"), c_hash: half("code-1") });
    assert.equal(verifier.verifyIdToken(token, { now: NOW, accessToken: "access-1", code: "code-1" }).sub, "user-1");
    assert.equal(codeOf(() => verifier.verifyIdToken(token, { now: NOW, accessToken: "access-2" })), "invalid_claim");
    assert.equal(codeOf(() => verifier.verifyIdToken(signed({}), { now: NOW, code: "code-1" })), "missing_claim");
    stillWorks();
  });

  test("typ_mismatch", () => {
    assert.equal(codeOf(() => verifier.verify(signed({}, { typ: "JWT" }), { now: NOW, typ: "at+jwt" })), "typ_mismatch");
    assert.equal(codeOf(() => verifier.verifyAccessToken(signed({}, { typ: "JWT" }), { now: NOW, typ: "at+jwt" })), "typ_mismatch");
    assert.equal(codeOf(() => verifier.verifyAccessToken(signed({}, { typ: "dpop+jwt" }), { now: NOW })), "typ_mismatch");
    assert.equal(verifier.verifyAccessToken(signed({}, { typ: "application/at+jwt" }), { now: NOW }).sub, "user-1");
    assert.equal(codeOf(() => verifier.verifyIdToken(signed({}, { typ: "at+jwt" }), { now: NOW })), "typ_mismatch");
    stillWorks();
  });

  test("missing_claim and invalid_claim", () => {
    assert.equal(codeOf(() => verifier.verify(signed({ exp: undefined }), { now: NOW })), "missing_claim");
    assert.equal(codeOf(() => verifier.verify(signed({}), { now: NOW, requiredClaims: ["jti"] })), "missing_claim");
    assert.equal(codeOf(() => verifier.verifyIdToken(signed({ sub: undefined }), { now: NOW })), "missing_claim");
    assert.equal(codeOf(() => verifier.verifyIdToken(signed({}), { now: NOW, maxAge: 60 })), "missing_claim");
    const strict = signed({}, { typ: "at+jwt" });
    assert.equal(codeOf(() => verifier.verifyAccessToken(strict, { now: NOW, typ: "at+jwt" })), "missing_claim");
    assert.equal(codeOf(() => verifier.verify(signed({ exp: "tomorrow" }), { now: NOW })), "invalid_claim");
    assert.equal(codeOf(() => verifier.verify(signed({ nbf: [1] }), { now: NOW })), "invalid_claim");
    assert.equal(codeOf(() => verifier.verify(signed({ iat: "x" }), { now: NOW })), "invalid_claim");
    assert.equal(codeOf(() => verifier.verifyIdToken(signed({ auth_time: "x" }), { now: NOW, maxAge: 60 })), "invalid_claim");
    stillWorks();
  });

  test("insufficient_scope carries the required scopes", () => {
    const token = signed({ scope: "read profile" });
    assert.equal(verifier.verifyAccessToken(token, { now: NOW, requiredScopes: "read" }).scope, "read profile");
    assert.equal(verifier.verifyAccessToken(token, { now: NOW, requiredScopes: ["profile", "read"] }).sub, "user-1");
    try {
      verifier.verifyAccessToken(token, { now: NOW, requiredScopes: "read write admin" });
      assert.fail("expected insufficient_scope");
    } catch (e) {
      assert.equal(e.code, "insufficient_scope");
      assert.deepEqual(e.requiredScopes, ["read", "write", "admin"]);
      assert.match(e.message, /write admin/);
    }
    const expr = ScopeRequirement.parse("(write or profile) and not admin");
    assert.equal(verifier.verifyAccessToken(token, { now: NOW, requiredScopes: expr }).sub, "user-1");
    // the caller's ScopeRequirement is still alive after the verifier used it
    assert.equal(expr.toString(), "(write or profile) and not admin");
    assert.equal(codeOf(() => verifier.verifyAccessToken(token, { now: NOW,
      requiredScopes: ScopeRequirement.parse("write or admin") })), "insufficient_scope");
    assert.equal(codeOf(() => verifier.verifyAccessToken(token, { now: NOW, requiredScopes: { toString: () => "read" } })),
      "invalid_request");
    assert.equal(codeOf(() => verifier.verifyAccessToken(token, { now: NOW, requiredScopes: [] })), "invalid_request");
    stillWorks();
  });

  test("invalid_jwk and weak_key", () => {
    assert.equal(codeOf(() => JwkSet.fromJson('{"keys":[{"kty":"XYZ"}]}')), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson({ keys: [] })), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson("not json")), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson(17)), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson('{"keys":[],"keys":[]}')), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson({ keys: [{ ...es256.jwk, use: "enc" }] })), "invalid_jwk");
    assert.equal(codeOf(() => JwkSet.fromJson({ keys: [{ kty: "oct", k: b64("short secret") }] })), "weak_key");
    const rsa1024 = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
    assert.equal(codeOf(() => JwkSet.fromJson({ keys: [rsa1024] })), "weak_key");
    // unusable keys are skipped when a usable one remains
    const set = JwkSet.fromJson({ keys: [rsa1024, { kty: "XYZ", kid: "x" }, es256.jwk] });
    assert.deepEqual(set.keyIds, ["es"]);
    stillWorks();
  });

  test("invalid_request: bad constructor and call options, never a TypeError", () => {
    const jwks = JwkSet.fromJson({ keys: [es256.jwk] });
    for (const opts of [
      undefined,
      "x",
      { issuer: ISS, audience: AUD },
      { issuer: ISS, audience: AUD, jwks: { keys: [es256.jwk] } },
      { issuer: ISS, audience: AUD, jwks: "keys" },
      { issuer: ISS, audience: AUD, jwks: Object.create(JwkSet.prototype) },
      { issuer: ISS, audience: AUD, jwks: { __oidcEdgeShare: () => ({}) } },
      { issuer: ISS, audience: AUD, jwks, algorithms: ["none"] },
      { issuer: ISS, audience: AUD, jwks, algorithms: [] },
      { issuer: ISS, audience: AUD, jwks, clockTolerance: -1 },
      { issuer: ISS, audience: AUD, jwks, clockTolerence: 5 },
      { issuer: "", audience: AUD, jwks },
      { issuer: ISS, audience: [], jwks },
    ]) {
      assert.equal(codeOf(() => new TokenVerifier(opts)), "invalid_request", JSON.stringify(opts));
    }
    assert.equal(codeOf(() => verifier.verify(goodToken, { now: -1 })), "invalid_request");
    assert.equal(codeOf(() => verifier.verify(goodToken, { now: NaN })), "invalid_request");
    assert.equal(codeOf(() => verifier.verify(goodToken, { now: 1e300 })), "invalid_request");
    assert.equal(codeOf(() => verifier.verify(goodToken, { now: Infinity })), "invalid_request");
    assert.equal(codeOf(() => verifier.verify(goodToken, { now: "1700000000" })), "invalid_request");
    assert.equal(codeOf(() => verifier.verify(goodToken, { nwo: NOW })), "invalid_request");
    assert.equal(codeOf(() => verifier.verifyAccessToken(goodToken, { now: NOW, typ: "JWT" })), "invalid_request");
    const multi = new TokenVerifier({ issuer: ISS, audience: [AUD, "api"], jwks });
    assert.equal(codeOf(() => multi.verifyIdToken(goodToken, { now: NOW })), "invalid_request");
    stillWorks();
  });
});

describe("JwkSet and results", () => {
  test("a JwkSet stays usable after building verifiers from it", () => {
    const jwks = JwkSet.fromJson({ keys: [es256.jwk] });
    const a = new TokenVerifier({ issuer: ISS, audience: AUD, jwks });
    const b = new TokenVerifier({ issuer: ISS, audience: AUD, jwks });
    assert.deepEqual(jwks.keyIds, ["es"]);
    assert.equal(a.verify(goodToken, { now: NOW }).sub, b.verify(goodToken, { now: NOW }).sub);
  });

  test("claims are plain JSON values, large integers included", () => {
    const token = signRaw("ES256", { alg: "ES256", kid: "es" }, `{"iss":"${ISS}","aud":"${AUD}","exp":${NOW + 60},"big":1152921504606846976,"nested":{"a":[1,"b",null]}}`, es256.privateKey);
    const out = verifier.verify(token, { now: NOW });
    assert.equal(out.big, 2 ** 60);
    assert.deepEqual(out.nested, { a: [1, "b", null] });
  });
});

after(() => stillWorks());
