// Fixtures of the sync/async equivalence matrix (support/async-matrix.mjs), made in Node with jose and
// node:crypto: plain JSON, so they can be handed to a page or a Worker.
import crypto from "node:crypto";
import { SignJWT, generateKeyPair, generateSecret, exportJWK } from "jose";

export const ISS = "https://idp.example.com";
export const AUD = "client-1";
export const NOW = 1_700_000_000;
export const b64 = (x) => Buffer.from(x).toString("base64url");
const claims = (extra = {}) => ({ iss: ISS, aud: AUD, sub: "user-1", iat: NOW - 5, exp: NOW + 600, scope: "read profile", ...extra });

/** Signs any header/payload text with a node:crypto key, for tokens jose refuses to make. */
export function signRaw(alg, header, payload, key) {
  const input = `${b64(typeof header === "string" ? header : JSON.stringify(header))}.${b64(
    typeof payload === "string" ? payload : JSON.stringify(payload),
  )}`;
  const hash = { 256: "sha256", 384: "sha384", 512: "sha512" }[alg.slice(-3)];
  let sig;
  if (alg.startsWith("HS")) sig = crypto.createHmac(hash, key).update(input).digest();
  else if (alg.startsWith("RS")) sig = crypto.sign(hash, Buffer.from(input), key);
  else if (alg.startsWith("PS"))
    sig = crypto.sign(hash, Buffer.from(input), { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 });
  else if (alg === "EdDSA") sig = crypto.sign(null, Buffer.from(input), key);
  else sig = crypto.sign(alg === "ES256K" ? "sha256" : hash, Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64(sig)}`;
}

const withSig = (token, sig) => `${token.slice(0, token.lastIndexOf(".") + 1)}${sig}`;
const flip = (token) => {
  const sig = token.slice(token.lastIndexOf(".") + 1);
  return withSig(token, (sig[0] === "A" ? "B" : "A") + sig.slice(1));
};

export const ASYNC_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

export async function makeAsyncFixtures() {
  const verifiers = [];
  const cases = [];
  const V = (opts) => verifiers.push({ issuer: ISS, audience: AUD, ...opts }) - 1;
  const add = (name, verifier, method, token, opts, expect) => cases.push({ name, verifier, method, token, opts: { now: NOW, ...opts }, expect });

  for (const alg of ASYNC_ALGS) {
    const gen = async () => {
      if (alg.startsWith("HS")) {
        const k = await generateSecret(alg, { extractable: true });
        return { signing: k, jwk: await exportJWK(k) };
      }
      const p = await generateKeyPair(alg, { extractable: true });
      return { signing: p.privateKey, jwk: await exportJWK(p.publicKey) };
    };
    const [a, other] = [await gen(), await gen()];
    const v = V({ audience: [AUD, "other"], clientId: AUD, jwks: { keys: [{ ...a.jwk, kid: `k-${alg}` }] } });
    const sign = (extra = {}, header = {}) =>
      new SignJWT(claims(extra)).setProtectedHeader({ alg, kid: `k-${alg}`, ...header }).sign(a.signing);
    const good = await sign({ nonce: "n1" });
    add(`${alg} verify`, v, "verify", good, {}, "ok");
    add(`${alg} verifyIdToken`, v, "verifyIdToken", good, { nonce: "n1" }, "ok");
    add(`${alg} verifyAccessToken`, v, "verifyAccessToken", good, { requiredScopes: "read" }, "ok");
    add(`${alg} flipped signature`, v, "verify", flip(good), {}, "invalid_signature");
    const sig = good.slice(good.lastIndexOf(".") + 1);
    add(`${alg} truncated signature`, v, "verify", withSig(good, b64(Buffer.from(sig, "base64url").subarray(0, -3))), {}, "invalid_signature");
    add(`${alg} empty signature`, v, "verify", withSig(good, ""), {}, "invalid_signature");
    const byOther = await new SignJWT(claims()).setProtectedHeader({ alg, kid: `k-${alg}` }).sign(other.signing);
    add(`${alg} signed by another key`, v, "verify", byOther, {}, "invalid_signature");
    add(`${alg} payload swapped`, v, "verify", `${byOther.split(".")[0]}.${good.split(".")[1]}.${byOther.split(".")[2]}`, {}, "invalid_signature");
    add(`${alg} expired`, v, "verify", await sign({ exp: NOW }), {}, "token_expired");
    add(`${alg} nonce_mismatch`, v, "verifyIdToken", good, { nonce: "n2" }, "nonce_mismatch");
    add(`${alg} insufficient_scope`, v, "verifyAccessToken", good, { requiredScopes: "admin" }, "insufficient_scope");
    if (alg.startsWith("ES")) {
      const size = { ES256: 32, ES384: 48, ES512: 66 }[alg];
      add(`${alg} zero r,s (CVE-2022-21449)`, v, "verify", withSig(good, b64(Buffer.alloc(2 * size))), {}, "invalid_signature");
      add(`${alg} r,s = n`, v, "verify", withSig(good, b64(Buffer.alloc(2 * size, 0xff))), {}, "invalid_signature");
    }
    // Two keys share the kid; the second is the right one: every candidate is tried.
    const both = V({ jwks: { keys: [{ ...other.jwk, kid: `k-${alg}` }, { ...a.jwk, kid: `k-${alg}` }] } });
    add(`${alg} second candidate`, both, "verify", good, {}, "ok");
    const noKid = V({ jwks: { keys: [other.jwk, a.jwk] } });
    add(`${alg} no kid`, noKid, "verify", await new SignJWT(claims()).setProtectedHeader({ alg }).sign(a.signing), {}, "ok");
  }

  // One RSA key without "alg" verifies RS* and PS*: one CryptoKey per (key, algorithm).
  const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsaJwk = { ...rsa.publicKey.export({ format: "jwk" }), kid: "rsa" };
  const r = V({ jwks: { keys: [rsaJwk] } });
  for (const alg of ["RS256", "PS256", "RS512", "PS384"]) {
    const t = signRaw(alg, { alg, kid: "rsa" }, claims(), rsa.privateKey);
    add(`unbound RSA key ${alg}`, r, "verify", t, {}, "ok");
    add(`unbound RSA key ${alg} flipped`, r, "verify", flip(t), {}, "invalid_signature");
  }
  // RS256 signature presented as PS256 (and the other way): WebCrypto must use the header's padding.
  const rs = signRaw("RS256", { alg: "RS256", kid: "rsa" }, claims(), rsa.privateKey);
  const asPs = `${b64(JSON.stringify({ alg: "PS256", kid: "rsa" }))}.${rs.split(".")[1]}.${rs.split(".")[2]}`;
  add("RS256 signature as PS256", r, "verify", asPs, {}, "invalid_signature");
  const hsForged = signRaw("HS256", { alg: "HS256", kid: "rsa" }, claims(), Buffer.from(rsaJwk.n, "base64url"));
  add("HS256 with an RSA key (algorithm confusion)", r, "verify", hsForged, {}, "algorithm_not_allowed");
  const lax = V({ jwks: { keys: [rsaJwk] }, algorithms: ["HS256", "RS256"] });
  add("HS256 with an RSA key, HS256 allowed", lax, "verify", hsForged, {}, "algorithm_not_allowed");
  const narrow = V({ jwks: { keys: [rsaJwk] }, algorithms: ["PS256"] });
  add("RS256 outside the allowlist", narrow, "verify", rs, {}, "algorithm_not_allowed");

  // ES256K: no WebCrypto curve, the Rust path.
  const k1 = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const k1v = V({ jwks: { keys: [k1.publicKey.export({ format: "jwk" })] } });
  for (let i = 0; i < 4; i++) add(`ES256K ${i}`, k1v, "verify", signRaw("ES256K", { alg: "ES256K" }, claims({ i }), k1.privateKey), {}, "ok");
  add("ES256K flipped", k1v, "verify", flip(signRaw("ES256K", { alg: "ES256K" }, claims(), k1.privateKey)), {}, "invalid_signature");

  // Every error code of the shared ES256 verifier.
  const es = await generateKeyPair("ES256", { extractable: true });
  const esJwk = { ...(await exportJWK(es.publicKey)), kid: "es", alg: "ES256" };
  const e = V({ jwks: { keys: [esJwk] } });
  const multi = V({ audience: [AUD, "api"], jwks: { keys: [esJwk] } });
  const signed = (extra, header = {}) => signRaw("ES256", { alg: "ES256", kid: "es", ...header }, claims(extra), es.privateKey);
  const good = signed({});
  for (const [i, bad] of ["", "a.b", "a.b.c.d", `${good}=`, 42, null].entries()) add(`malformed ${i}`, e, "verify", bad, {}, "malformed_token");
  add("duplicate header member", e, "verify", signRaw("ES256", '{"alg":"ES256","kid":"es","kid":"x"}', claims(), es.privateKey), {}, "malformed_token");
  add("alg none", e, "verify", `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims()))}.`, {}, "unsupported_algorithm");
  add("kid unknown", e, "verify", signed({}, { kid: "rotated" }), {}, "key_not_found");
  add("crit", e, "verify", signed({}, { crit: ["exp"], exp: 1 }), {}, "unsupported_critical_header");
  add("not yet valid", e, "verify", signed({ nbf: NOW + 1 }), {}, "token_not_yet_valid");
  add("issuer_mismatch", e, "verify", signed({ iss: `${ISS}/` }), {}, "issuer_mismatch");
  add("audience_mismatch", e, "verify", signed({ aud: ["x"] }), {}, "audience_mismatch");
  add("azp_mismatch", e, "verifyIdToken", signed({ azp: "x" }), {}, "azp_mismatch");
  add("auth_time_too_old", e, "verifyIdToken", signed({ auth_time: NOW - 301 }), { maxAge: 300 }, "auth_time_too_old");
  add("typ_mismatch verify", e, "verify", signed({}, { typ: "JWT" }), { typ: "at+jwt" }, "typ_mismatch");
  add("typ_mismatch id token", e, "verifyIdToken", signed({}, { typ: "at+jwt" }), {}, "typ_mismatch");
  add("typ ok access token", e, "verifyAccessToken", signed({}, { typ: "at+jwt" }), {}, "ok");
  add("strict access token", e, "verifyAccessToken", signed({}, { typ: "at+jwt" }), { typ: "at+jwt" }, "missing_claim");
  add("missing exp", e, "verify", signed({ exp: undefined }), {}, "missing_claim");
  add("required claim", e, "verify", good, { requiredClaims: ["jti"] }, "missing_claim");
  add("invalid exp", e, "verify", signed({ exp: "soon" }), {}, "invalid_claim");
  add("at_hash missing", e, "verifyIdToken", good, { accessToken: "a" }, "missing_claim");
  add("bad now", e, "verify", good, { now: -1 }, "invalid_request");
  add("unknown option", e, "verify", good, { nwo: 1 }, "invalid_request");
  add("bad access typ option", e, "verifyAccessToken", good, { typ: "JWT" }, "invalid_request");
  add("id token without a client", multi, "verifyIdToken", good, {}, "invalid_request");
  add("invalid scope option", e, "verifyAccessToken", good, { requiredScopes: [] }, "invalid_request");
  return { verifiers, cases };
}
