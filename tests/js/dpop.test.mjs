// DPoP at the resource server (RFC 9449 §4.3, §7.1; issue 17, item 3): TokenVerifier.verifyAccessToken with a
// proof, on access tokens and proofs signed by jose, the thumbprints computed by jose (RFC 7638).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { JwkSet, ReplayCache, TokenVerifier, bearerChallenge } from "oidc-edge";

const NOW = 1_700_000_000;
const ISSUER = "https://as.example.com";
const URL_ = "https://api.example.com/orders";

let as;
let jwks;
/** Client keys: ES256 (default), RS256, EdDSA; each { privateKey, jwk, jkt }. */
const clients = {};

before(async () => {
  as = await generateKeyPair("ES256");
  jwks = JwkSet.fromJson({ keys: [{ ...(await exportJWK(as.publicKey)), kid: "as", alg: "ES256" }] });
  for (const alg of ["ES256", "RS256", "EdDSA", "PS256"]) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(publicKey);
    clients[alg] = { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
  }
});

const ath = (token) => createHash("sha256").update(token).digest("base64url");

/** An RFC 9068 access token bound to `jkt` (`undefined`: not bound). */
function accessToken(jkt, extra = {}) {
  const claims = { iss: ISSUER, aud: "api", sub: "alice", client_id: "c", scope: "orders.read", jti: "at-1",
    iat: NOW, exp: NOW + 600, ...(jkt && { cnf: { jkt } }), ...extra };
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "as", typ: "at+jwt" }).sign(as.privateKey);
}

let proofs = 0;
/** A proof by `client` for `token`, with claims over the valid ones (`undefined` removes one). */
async function proof(client, token, claims = {}, header = {}) {
  const all = { jti: `p-${proofs++}`, htm: "GET", htu: URL_, iat: NOW, ath: ath(token), ...claims };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  const h = { alg: client.alg, typ: "dpop+jwt", jwk: client.jwk, ...header };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  return new SignJWT(all).setProtectedHeader(h).sign(client.privateKey);
}

function verifier(extra = {}) {
  return new TokenVerifier({ issuer: ISSUER, audience: "api", jwks, ...extra });
}

const request = (p, extra = {}) => ({ dpop: { proof: p, method: "GET", url: URL_, ...extra }, now: NOW + 1 });

test("a bound token with its proof verifies, for ES256, RS256, PS256 and EdDSA keys, sync and Async", async () => {
  for (const client of Object.values(clients)) {
    const v = verifier();
    const token = await accessToken(client.jkt);
    const claims = v.verifyAccessToken(token, { ...request(await proof(client, token)), requiredScopes: "orders.read" });
    assert.equal(claims.cnf.jkt, client.jkt, client.alg);
    const again = await v.verifyAccessTokenAsync(token, request(await proof(client, token)));
    assert.equal(again.sub, "alice");
  }
});

test("a DPoP-bound token presented as Bearer is refused; an unbound one with a proof too", async () => {
  const c = clients.ES256;
  const v = verifier();
  const bound = await accessToken(c.jkt);
  assert.throws(() => v.verifyAccessToken(bound, { now: NOW }), { code: "invalid_dpop_proof", message: /Bearer/ });
  await assert.rejects(v.verifyAccessTokenAsync(bound, { now: NOW }), { code: "invalid_dpop_proof" });
  const plain = await accessToken(undefined);
  v.verifyAccessToken(plain, { now: NOW });
  const p1 = await proof(c, plain);
  assert.throws(() => v.verifyAccessToken(plain, request(p1)), { code: "invalid_dpop_proof" });
  // bound to another key than the proof's
  const other = await accessToken(clients.RS256.jkt);
  const p2 = await proof(c, other);
  assert.throws(() => v.verifyAccessToken(other, request(p2)), {
    code: "invalid_dpop_proof", message: /another key/,
  });
  for (const cnf of [{ jkt: 5 }, "jkt", []]) {
    const t = await accessToken(undefined, { cnf });
    assert.throws(() => v.verifyAccessToken(t, { now: NOW }), { code: "invalid_claim" });
  }
});

test("each rule of §4.3 on the proof", async () => {
  const c = clients.ES256;
  const v = verifier({ clockTolerance: 5 });
  const token = await accessToken(c.jkt);
  const { d: _, ...publicOnly } = await exportJWK(c.privateKey);
  const privateJwk = await exportJWK(c.privateKey);
  const hs = new TextEncoder().encode("a".repeat(32));
  const cases = [
    ["typ JWT", await proof(c, token, {}, { typ: "JWT" })],
    ["no typ", await proof(c, token, {}, { typ: undefined })],
    ["no jwk", await proof(c, token, {}, { jwk: undefined })],
    ["a private jwk", await proof(c, token, {}, { jwk: privateJwk })],
    ["another key's jwk", await proof(c, token, {}, { jwk: clients.RS256.jwk })],
    ["no jti", await proof(c, token, { jti: undefined })],
    ["no htm", await proof(c, token, { htm: undefined })],
    ["htm POST", await proof(c, token, { htm: "POST" })],
    ["no htu", await proof(c, token, { htu: undefined })],
    ["htu of another resource", await proof(c, token, { htu: "https://api.example.com/admin" })],
    ["htu of another host", await proof(c, token, { htu: "https://evil.example.com/orders" })],
    ["no iat", await proof(c, token, { iat: undefined })],
    ["iat in the future", await proof(c, token, { iat: NOW + 10 })],
    ["iat too old", await proof(c, token, { iat: NOW - 400 })],
    ["no ath", await proof(c, token, { ath: undefined })],
    ["ath of another token", await proof(c, token, { ath: ath("other") })],
    ["HS256", await new SignJWT({ jti: "h", htm: "GET", htu: URL_, iat: NOW, ath: ath(token) })
      .setProtectedHeader({ alg: "HS256", typ: "dpop+jwt", jwk: { kty: "oct", k: "YWFh" } }).sign(hs)],
    ["not a JWS", "not-a-proof"],
    ["oversized", "a".repeat(9000)],
  ];
  assert.ok(publicOnly.x);
  for (const [what, p] of cases) {
    assert.throws(() => v.verifyAccessToken(token, request(p)), { code: "invalid_dpop_proof" }, what);
    await assert.rejects(v.verifyAccessTokenAsync(token, request(p)), { code: "invalid_dpop_proof" }, what);
  }
  // htu compared normalised, without query or fragment (§4.3 item 9)
  const p = await proof(c, token, { htu: "HTTPS://API.Example.com:443/orders" });
  v.verifyAccessToken(token, request(p, { url: "https://api.example.com/orders?page=2#x" }));
  // the options are checked
  for (const dpop of [{ proof: p }, { proof: p, method: "GET", url: URL_, extra: 1 }, { proof: 5, method: "GET", url: URL_ }]) {
    assert.throws(() => v.verifyAccessToken(token, { dpop }), { code: "invalid_request" });
  }
});

test("a proof is used once; the store is the verifier's replayStore", async () => {
  const c = clients.ES256;
  const shared = new ReplayCache();
  const a = verifier({ replayStore: shared });
  const b = verifier({ replayStore: shared });
  const token = await accessToken(c.jkt);
  const p = await proof(c, token);
  a.verifyAccessToken(token, request(p));
  assert.throws(() => a.verifyAccessToken(token, request(p)), { code: "invalid_dpop_proof", message: /already/ });
  await assert.rejects(b.verifyAccessTokenAsync(token, request(p)), { code: "invalid_dpop_proof" });
  // a proof refused for another reason takes no place in the store
  const fresh = await proof(c, token);
  assert.throws(() => a.verifyAccessToken(token, request(fresh, { method: "POST" })), { code: "invalid_dpop_proof" });
  a.verifyAccessToken(token, request(fresh));
});

test("server nonces: use_dpop_nonce until the proof carries the current one (§8)", async () => {
  const c = clients.ES256;
  const v = verifier();
  const token = await accessToken(c.jkt);
  const p3 = await proof(c, token);
  assert.throws(() => v.verifyAccessToken(token, request(p3, { nonce: "n-1" })), {
    code: "use_dpop_nonce",
  });
  const p4 = await proof(c, token, { nonce: "n-0" });
  assert.throws(() => v.verifyAccessToken(token, request(p4, { nonce: "n-1" })), {
    code: "use_dpop_nonce",
  });
  v.verifyAccessToken(token, request(await proof(c, token, { nonce: "n-1" }), { nonce: "n-1" }));
});

test("the dpop policy: algorithms and maxAge", async () => {
  const token = await accessToken(clients.ES256.jkt);
  const rsOnly = verifier({ dpop: { algorithms: ["RS256"], maxAge: 60 } });
  const p5 = await proof(clients.ES256, token);
  assert.throws(() => rsOnly.verifyAccessToken(token, request(p5)), {
    code: "invalid_dpop_proof",
  });
  const rsToken = await accessToken(clients.RS256.jkt);
  rsOnly.verifyAccessToken(rsToken, request(await proof(clients.RS256, rsToken)));
  const p6 = await proof(clients.RS256, rsToken, { iat: NOW - 61 });
  assert.throws(() => rsOnly.verifyAccessToken(rsToken, request(p6)), {
    code: "invalid_dpop_proof",
  });
  for (const dpop of [{ algorithms: ["HS256"] }, { algorithms: [] }, { algorithms: ["none"] }, { maxAge: 0 },
    { maxAge: 86_401 }, { maxAge: NaN }, { other: 1 }]) {
    assert.throws(() => verifier({ dpop }), { code: "invalid_request" }, JSON.stringify(dpop));
  }
});

test("DPoP challenges (§7.1): bearerChallenge with dpopAlgs", () => {
  assert.deepEqual(bearerChallenge({ code: "invalid_dpop_proof", message: "m" }, { dpopAlgs: ["ES256", "EdDSA"] }), {
    status: 401,
    wwwAuthenticate: 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA"',
  });
  assert.deepEqual(bearerChallenge({ code: "use_dpop_nonce", message: "m" }, { realm: "api", dpopAlgs: ["ES256"] }), {
    status: 401,
    wwwAuthenticate: 'DPoP realm="api", error="use_dpop_nonce", algs="ES256"',
  });
  assert.deepEqual(bearerChallenge(undefined, { dpopAlgs: ["ES256"] }), { status: 401, wwwAuthenticate: 'DPoP algs="ES256"' });
  assert.deepEqual(bearerChallenge({ code: "token_expired", message: "m" }, { dpopAlgs: ["PS256"] }), {
    status: 401,
    wwwAuthenticate: 'DPoP error="invalid_token", algs="PS256"',
  });
  // a bound token sent as Bearer: the Bearer challenge says invalid_token
  assert.deepEqual(bearerChallenge({ code: "invalid_dpop_proof", message: "m" }), {
    status: 401,
    wwwAuthenticate: 'Bearer error="invalid_token"',
  });
  for (const dpopAlgs of [[], ["nope"], "ES256"]) {
    assert.throws(() => bearerChallenge(undefined, { dpopAlgs }), { code: "invalid_request" });
  }
});
