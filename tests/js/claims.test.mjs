// Registered claims must have their registered types (DESIGN.md "Claims") in every verification mode, sync
// and async, and at the edge; ID tokens and userinfo responses accept `typ` JWT or none only (an allowlist,
// RFC 8725 §3.11); messages quote at most a short excerpt of a header or claim value. Tokens signed by jose
// (and node:crypto for a `crit` header jose refuses to write).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { JwkSet, TokenVerifier, createEdgeVerifier } from "oidc-edge";
import { signRaw } from "./support/async-fixtures.mjs";

const ISS = "https://idp.example.com";
const AUD = "api";
const NOW = 1_700_000_000;
const base = { iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600 };

let key; // ES256 pair
let jwks;
let verifier;

before(async () => {
  key = await generateKeyPair("ES256", { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: "es", alg: "ES256" }] };
  verifier = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson(jwks) });
});

const sign = (claims, header = {}) => new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "es", ...header }).sign(key.privateKey);

/** Every mode, sync and async: [name, (token) => Promise of claims]. Strict mode signs its own token (typ at+jwt). */
const modes = [
  ["verify", (t) => verifier.verify(t, { now: NOW })],
  ["verifyAsync", (t) => verifier.verifyAsync(t, { now: NOW })],
  ["verifyIdToken", (t) => verifier.verifyIdToken(t, { now: NOW })],
  ["verifyIdTokenAsync", (t) => verifier.verifyIdTokenAsync(t, { now: NOW })],
  ["verifyAccessToken", (t) => verifier.verifyAccessToken(t, { now: NOW })],
  ["verifyAccessTokenAsync", (t) => verifier.verifyAccessTokenAsync(t, { now: NOW })],
  ["verifyUserinfo", (t) => verifier.verifyUserinfo(t, { now: NOW })],
  ["verifyUserinfoAsync", (t) => verifier.verifyUserinfoAsync(t, { now: NOW })],
];
const strict = [
  ["verifyAccessToken strict", (t) => verifier.verifyAccessToken(t, { now: NOW, typ: "at+jwt" })],
  ["verifyAccessTokenAsync strict", (t) => verifier.verifyAccessTokenAsync(t, { now: NOW, typ: "at+jwt" })],
];

/** The outcome of every mode for `claims`: [mode, code or "ok"]. */
async function outcomes(claims) {
  const plain = await sign({ ...base, ...claims });
  const forStrict = await sign({ ...base, client_id: "spa", jti: "j1", ...claims }, { typ: "at+jwt" });
  const out = [];
  for (const [name, run, token] of [...modes.map(([n, r]) => [n, r, plain]), ...strict.map(([n, r]) => [n, r, forStrict])]) {
    try {
      await run(token);
      out.push([name, "ok"]);
    } catch (e) {
      assert.equal(e.name, "OidcEdgeError", `${name}: ${e}`);
      out.push([name, e.code]);
    }
  }
  return out;
}

test("registered claims of the right types pass every mode", async () => {
  const good = { jti: "j1", client_id: "spa", nonce: "n", azp: AUD, acr: "1", amr: ["pwd", "otp"], auth_time: NOW - 60, nbf: NOW - 1, aud: [AUD, "other"] };
  for (const [mode, code] of await outcomes(good)) assert.equal(code, "ok", mode);
});

const notStrings = [["alice", "admin"], { admin: true }, 7, true, null];
for (const name of ["iss", "sub", "jti", "client_id", "nonce", "azp", "acr"]) {
  test(`${name} must be a string in every mode, required or not`, async () => {
    for (const bad of notStrings) {
      for (const [mode, code] of await outcomes({ [name]: bad })) assert.equal(code, "invalid_claim", `${mode}: ${name} = ${JSON.stringify(bad)}`);
    }
  });
}

test("aud a string or an array of strings; amr an array of strings; times numbers", async () => {
  const cases = [
    ...[7, [AUD, 7], { [AUD]: true }, true, null].map((v) => ({ aud: v })),
    ...["pwd", ["pwd", 7], {}, 1, null].map((v) => ({ amr: v })),
    ...["exp", "nbf", "iat", "auth_time"].flatMap((n) => [String(NOW), [NOW], {}, true, null].map((v) => ({ [n]: v }))),
  ];
  for (const claims of cases) {
    for (const [mode, code] of await outcomes(claims)) assert.equal(code, "invalid_claim", `${mode}: ${JSON.stringify(claims)}`);
  }
});

test("the edge verifier refuses a sub that is not a string (it would be forwarded as String(sub))", async () => {
  const fetch = async () => new Response(JSON.stringify(jwks), { headers: { "content-type": "application/json" } });
  const edge = createEdgeVerifier({ issuer: ISS, audience: AUD, jwksUri: "https://idp.example.com/jwks", routes: [{ method: "GET", path: "/api/*" }], fetch, cacheApi: false });
  const request = async (claims) => edge(new Request("https://api.example.com/api/x", { headers: { authorization: `Bearer ${await sign({ ...base, exp: Math.floor(Date.now() / 1000) + 600, ...claims })}` } }));
  assert.equal((await request({})).ok, true);
  for (const sub of [["alice", "admin"], { id: "alice" }, 7, true]) {
    const r = await request({ sub });
    assert.equal(r.ok, false, JSON.stringify(sub));
    assert.equal(r.response.status, 401);
    assert.match(r.response.headers.get("www-authenticate"), /invalid_token/);
  }
});

test("ID tokens and userinfo responses: typ JWT (any case) or none; anything else is typ_mismatch", async () => {
  const idModes = modes.filter(([n]) => n.startsWith("verifyIdToken") || n.startsWith("verifyUserinfo"));
  for (const typ of [undefined, "JWT", "jwt", "application/jwt"]) {
    const token = await sign(base, typ === undefined ? {} : { typ });
    for (const [mode, run] of idModes) assert.equal((await run(token)).sub, "user-1", `${mode}: ${typ}`);
  }
  for (const typ of ["secevent+jwt", "at+jwt ", "JWT ", "at+jwt", "application/at+jwt", "logout+jwt", "", "JOSE"]) {
    const token = await sign(base, { typ });
    for (const [mode, run] of idModes) {
      await assert.rejects(async () => run(token), { code: "typ_mismatch" }, `${mode}: ${JSON.stringify(typ)}`);
    }
  }
  // verifyAccessToken's allowlist is exact too: a trailing space is another type.
  const spaced = await sign(base, { typ: "at+jwt " });
  assert.throws(() => verifier.verifyAccessToken(spaced, { now: NOW }), { code: "typ_mismatch" });
  // and its typ option is a media type: any case turns strict mode on, anything else is invalid_request
  const at = await sign({ ...base, client_id: "spa", jti: "j1" }, { typ: "at+jwt" });
  assert.equal(verifier.verifyAccessToken(at, { now: NOW, typ: "AT+JWT" }).sub, "user-1");
  assert.throws(() => verifier.verifyAccessToken(at, { now: NOW, typ: "at+jwt " }), { code: "invalid_request" });
});

test("a 30 KB kid, typ, iss or crit entry gives a short message", async () => {
  const long = "k".repeat(30_000);
  // Room for a header that holds the 30 KB name twice (crit entry and member).
  const v = new TokenVerifier({ issuer: ISS, audience: AUD, jwks: JwkSet.fromJson(jwks), maxTokenLength: 1 << 20 });
  const check = (fn, code) => {
    let error;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    assert.equal(error?.code, code, String(error));
    assert.ok(error.message.length < 300, `${code}: ${error.message.length} characters`);
    assert.match(error.message, /… \(30000 characters\)/);
  };
  check(() => v.verify(signRaw("ES256", { alg: "ES256", kid: long }, base, key.privateKey), { now: NOW }), "key_not_found");
  check(() => v.verifyIdToken(signRaw("ES256", { alg: "ES256", kid: "es", typ: long }, base, key.privateKey), { now: NOW }), "typ_mismatch");
  check(() => v.verify(signRaw("ES256", { alg: "ES256", kid: "es" }, { ...base, iss: long }, key.privateKey), { now: NOW }), "issuer_mismatch");
  check(() => v.verify(signRaw("ES256", { alg: "ES256", kid: "es", crit: [long] }, base, key.privateKey), { now: NOW }), "unsupported_critical_header");
  check(() => v.verify(signRaw("ES256", { alg: "ES256", kid: "es", crit: [long], [long]: 1 }, base, key.privateKey), { now: NOW }), "unsupported_critical_header");
});
