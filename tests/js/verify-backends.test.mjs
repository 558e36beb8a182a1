// The signature backends in Node: node:crypto (what the Node entry installs), and the Rust algorithms with
// WebCrypto for the Async methods (what browsers and Workers use, here with node:crypto uninstalled). The
// sync/async matrix gives the same outcome on each, and the key rules hold whatever a backend answers: a
// backend that throws or answers anything but a boolean leaves the decision to the Rust algorithms, one
// that answers `false` fails the signature, and only the core picks keys and algorithms.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import * as oidc from "oidc-edge";
import * as glue from "../../pkg/oidc_edge.js";
import { makeAsyncFixtures, signRaw, ISS, AUD, NOW } from "./support/async-fixtures.mjs";
import { runAsyncMatrix } from "./support/async-matrix.mjs";

const { JwkSet, TokenVerifier } = oidc;
const useBackend = (backend) => glue.__oidcEdgeNodeCrypto(backend);
const restore = () => assert.equal(useBackend(nodeCrypto), true);

/** node:crypto with `verify` (and optionally `createPublicKey`) replaced, and every call counted. */
function fake({ verify, createPublicKey } = {}) {
  const calls = { verify: 0, createPublicKey: 0 };
  return {
    calls,
    constants: nodeCrypto.constants,
    createPublicKey: (o) => (calls.createPublicKey++, (createPublicKey ?? nodeCrypto.createPublicKey)(o)),
    verify: (...args) => (calls.verify++, (verify ?? nodeCrypto.verify)(...args)),
  };
}

const code = async (fn) => {
  try {
    await fn();
    return "ok";
  } catch (e) {
    assert.equal(e.name, "OidcEdgeError", e.stack);
    return e.code;
  }
};
const flip = (t) => `${t.slice(0, -3)}${t.at(-3) === "A" ? "B" : "A"}${t.slice(-2)}`;
const claims = { iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600 };

/** One key and token per algorithm, each with its own verifier. */
function keyed(alg) {
  const [type, opts] = alg.startsWith("ES") && alg !== "ES256K"
    ? ["ec", { namedCurve: { ES256: "P-256", ES384: "P-384", ES512: "P-521" }[alg] }]
    : alg === "ES256K" ? ["ec", { namedCurve: "secp256k1" }] : alg === "EdDSA" ? ["ed25519", {}] : ["rsa", { modulusLength: 2048 }];
  const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync(type, opts);
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k" };
  const token = signRaw(alg, { alg, kid: "k" }, claims, privateKey);
  const verifier = () => new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [jwk] }) });
  return { jwk, token, verifier, privateKey };
}
const NATIVE = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

after(restore);

describe("the sync/async matrix on every backend", () => {
  let fixtures;
  before(async () => { fixtures = await makeAsyncFixtures(); });

  test("node:crypto and the Rust algorithms (with WebCrypto) give the same outcome for every case", async () => {
    const outcomes = {};
    for (const [name, backend] of [["node:crypto", nodeCrypto], ["rust+webcrypto", null]]) {
      assert.equal(useBackend(backend), backend !== null);
      const { failures, ran, asyncCodes } = await runAsyncMatrix(oidc, fixtures);
      assert.deepEqual(failures, [], name);
      assert.ok(ran > 200, `${name}: ran ${ran}`);
      outcomes[name] = asyncCodes;
    }
    restore();
    assert.deepEqual(outcomes["node:crypto"], outcomes["rust+webcrypto"]);
  });
});

describe("node:crypto as the Node entry installs it", () => {
  test("checks RS*, PS*, ES256/384/512 and EdDSA, sync and Async, with one KeyObject per key and algorithm", async () => {
    for (const alg of [...NATIVE, "ES256K"]) {
      const { token, verifier } = keyed(alg);
      const spy = fake();
      assert.equal(useBackend(spy), true);
      const v = verifier();
      for (let i = 0; i < 3; i++) assert.equal(v.verify(token, { now: NOW }).sub, "user-1");
      assert.equal((await v.verifyAsync(token, { now: NOW })).sub, "user-1");
      assert.equal(await code(() => v.verify(flip(token), { now: NOW })), "invalid_signature", alg);
      const native = NATIVE.includes(alg);
      assert.deepEqual(spy.calls, native ? { verify: 5, createPublicKey: 1 } : { verify: 0, createPublicKey: 0 }, alg);
    }
    restore();
  });

  test("HS* and ES256K stay in Rust (measured faster there)", () => {
    const spy = fake();
    useBackend(spy);
    const secret = nodeCrypto.randomBytes(32);
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [{ kty: "oct", k: secret.toString("base64url") }] }) });
    assert.equal(v.verify(signRaw("HS256", { alg: "HS256" }, claims, secret), { now: NOW }).sub, "user-1");
    assert.deepEqual(spy.calls, { verify: 0, createPublicKey: 0 });
    restore();
  });

  test("reinstalling a backend drops the keys imported through the previous one", () => {
    const { token, verifier } = keyed("ES256");
    const v = verifier();
    v.verify(token, { now: NOW });
    const spy = fake();
    useBackend(spy);
    v.verify(token, { now: NOW });
    assert.deepEqual(spy.calls, { verify: 1, createPublicKey: 1 });
    restore();
  });
});

describe("a backend that fails", () => {
  const lies = [["throws", () => { throw new Error("boom"); }], ["returns a string", () => "true"], ["returns 1", () => 1],
    ["returns an object", () => ({ valid: true })], ["returns undefined", () => undefined], ["returns a Promise", async () => true]];
  for (const [what, verify] of lies) {
    test(`that ${what}: the Rust algorithms decide (valid stays valid, tampered stays invalid)`, async () => {
      for (const alg of ["RS256", "PS256", "ES256", "EdDSA"]) {
        const { token, verifier } = keyed(alg);
        const spy = fake({ verify });
        useBackend(spy);
        const v = verifier();
        assert.equal(await code(() => v.verify(token, { now: NOW })), "ok", `${alg} ${what}`);
        assert.equal(await code(() => v.verify(flip(token), { now: NOW })), "invalid_signature", `${alg} ${what}`);
        assert.equal(await code(() => v.verifyAsync(flip(token), { now: NOW })), "invalid_signature", `${alg} ${what}`);
        assert.ok(spy.calls.verify >= 3, `${alg} ${what}: the backend was asked`);
      }
      restore();
    });
  }

  test("whose createPublicKey throws: the Rust algorithms decide, and the refusal is remembered", async () => {
    const { token, verifier } = keyed("RS256");
    const spy = fake({ createPublicKey: () => { throw new Error("unsupported key"); } });
    useBackend(spy);
    const v = verifier();
    assert.equal(await code(() => v.verify(token, { now: NOW })), "ok");
    assert.equal(await code(() => v.verify(flip(token), { now: NOW })), "invalid_signature");
    assert.deepEqual(spy.calls, { verify: 0, createPublicKey: 1 });
    restore();
  });

  test("that answers false: invalid_signature, even for a good signature (fail closed)", async () => {
    const { token, verifier } = keyed("ES256");
    useBackend(fake({ verify: () => false }));
    const v = verifier();
    assert.equal(await code(() => v.verify(token, { now: NOW })), "invalid_signature");
    assert.equal(await code(() => v.verifyAsync(token, { now: NOW })), "invalid_signature");
    restore();
  });

  test("an incomplete node:crypto is refused, and the Rust algorithms verify", async () => {
    const { token, verifier } = keyed("RS256");
    for (const bad of [{}, { verify: nodeCrypto.verify, constants: nodeCrypto.constants }, { ...fake(), constants: {} }, 42, "crypto"]) {
      assert.equal(useBackend(bad), false);
      assert.equal(verifier().verify(token, { now: NOW }).sub, "user-1");
    }
    restore();
  });
});

describe("the key rules hold whatever the backend answers", () => {
  // A backend that says "valid" to everything: only the signature itself is its to judge.
  before(() => useBackend(fake({ verify: () => true })));
  after(restore);

  test("it is given only what the core selected: this token's input and signature, with the key of its kid", () => {
    const seen = [];
    const a = keyed("ES256");
    const b = keyed("ES256");
    useBackend(fake({ verify: (digest, data, key, sig) => (seen.push({ digest, data: Buffer.from(data).toString(), key, sig: Buffer.from(sig) }), true) }));
    const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [{ ...a.jwk, kid: "a" }, { ...b.jwk, kid: "b" }] }) });
    const token = signRaw("ES256", { alg: "ES256", kid: "b" }, claims, b.privateKey);
    v.verify(token, { now: NOW });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].digest, "sha256");
    assert.equal(seen[0].data, token.slice(0, token.lastIndexOf(".")));
    assert.deepEqual(seen[0].sig, Buffer.from(token.split(".")[2], "base64url"));
    assert.equal(seen[0].key.dsaEncoding, "ieee-p1363");
    assert.ok(seen[0].key.key.equals(nodeCrypto.createPublicKey({ key: b.jwk, format: "jwk" })));
    useBackend(fake({ verify: () => true }));
  });

  test("RSA-PSS is asked for with the salt as long as the hash (RFC 7518 §3.5)", () => {
    const seen = [];
    useBackend(fake({ verify: (digest, data, key) => (seen.push([digest, key.padding, key.saltLength]), true) }));
    for (const alg of ["PS256", "PS384", "PS512"]) keyed(alg).verifier().verify(signRaw(alg, { alg, kid: "k" }, claims, keyed("RS256").privateKey), { now: NOW });
    const P = nodeCrypto.constants.RSA_PKCS1_PSS_PADDING;
    assert.deepEqual(seen, [["sha256", P, 32], ["sha384", P, 48], ["sha512", P, 64]]);
    useBackend(fake({ verify: () => true }));
  });

  test("algorithm, key and claims rules", async () => {
    const rs = keyed("RS256");
    const es = keyed("ES256");
    const v = rs.verifier();
    const forge = (header, body = claims) => `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(body)).toString("base64url")}.${"A".repeat(342)}`;
    assert.equal(await code(() => v.verify(forge({ alg: "none", kid: "k" }), { now: NOW })), "unsupported_algorithm");
    assert.equal(await code(() => v.verify(forge({ alg: "HS256", kid: "k" }), { now: NOW })), "algorithm_not_allowed");
    assert.equal(await code(() => v.verify(forge({ alg: "ES256", kid: "k" }), { now: NOW })), "algorithm_not_allowed");
    assert.equal(await code(() => v.verify(forge({ alg: "RS256", kid: "other" }), { now: NOW })), "key_not_found");
    assert.equal(await code(() => v.verify(forge({ alg: "RS256", kid: "k" }, { ...claims, exp: NOW }), { now: NOW })), "token_expired");
    assert.equal(await code(() => v.verify(forge({ alg: "RS256", kid: "k" }, { ...claims, iss: "x" }), { now: NOW })), "issuer_mismatch");
    const narrow = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson({ keys: [rs.jwk] }), algorithms: ["PS256"] });
    assert.equal(await code(() => narrow.verify(forge({ alg: "RS256", kid: "k" }), { now: NOW })), "algorithm_not_allowed");
    // ECDSA r = s = 0 (CVE-2022-21449) and wrong lengths never reach the backend.
    const ev = es.verifier();
    const head = es.token.slice(0, es.token.lastIndexOf(".") + 1);
    assert.equal(await code(() => ev.verify(`${head}${Buffer.alloc(64).toString("base64url")}`, { now: NOW })), "invalid_signature");
    assert.equal(await code(() => ev.verify(`${head}${Buffer.alloc(63, 1).toString("base64url")}`, { now: NOW })), "invalid_signature");
    assert.equal(await code(() => ev.verifyAsync(`${head}${Buffer.alloc(64).toString("base64url")}`, { now: NOW })), "invalid_signature");
  });

  test("weak and unusable keys never get that far", async () => {
    const weak = nodeCrypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
    assert.equal(await code(() => JwkSet.fromJson({ keys: [weak] })), "weak_key");
    const es = keyed("ES256").jwk;
    assert.equal(await code(() => JwkSet.fromJson({ keys: [{ ...es, x: es.y }] })), "invalid_jwk"); // not on the curve
    assert.equal(await code(() => JwkSet.fromJson({ keys: [{ ...es, alg: "ES384" }] })), "invalid_jwk"); // alg bound to the key
  });
});
