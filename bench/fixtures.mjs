// Keys and tokens for the bench, made once per run in the host and handed to every runtime as JSON (public
// keys only), so all verifiers in all runtimes check the very same tokens. jose signs what it implements;
// ES256K (which jose 6 lacks) is signed with node:crypto.
import { generateKeyPairSync, sign } from "node:crypto";
import * as jose from "jose";

export const ISSUER = "https://idp.example.com/";
export const AUDIENCE = "https://api.example.com";
export const SCOPE = "openid profile email orders:read orders:write";
const TOKENS_PER_ALG = 512;
/** The length of the tokens of the `1KB` rows, in bytes. */
const LARGE_TOKEN_BYTES = 1024;

const genOptions = { extractable: true, modulusLength: 2048 };

/** A signer `(header, claims) => token` and the public JWK, for `alg`. */
async function keyPair(alg) {
  if (alg === "ES256K") {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const signer = async (header, claims) => {
      const input = `${b64(header)}.${b64(claims)}`;
      const sig = sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
      return `${input}.${sig.toString("base64url")}`;
    };
    return { signer, jwk: publicKey.export({ format: "jwk" }) };
  }
  const { priv, jwk } = alg === "HS256"
    ? await jose.generateSecret("HS256", { extractable: true }).then(async (s) => ({ priv: s, jwk: await jose.exportJWK(s) }))
    : await jose.generateKeyPair(alg, genOptions).then(async (p) => ({ priv: p.privateKey, jwk: await jose.exportJWK(p.publicKey) }));
  const signer = (header, claims) => new jose.SignJWT(claims).setProtectedHeader(header).sign(priv);
  return { signer, jwk };
}

/**
 * Resolves to the fixtures object that `cases.mjs` expects: `algs[row] = { alg, jwk, jwks, tokens }` for each
 * row of `rows` (an algorithm name, or `ALG 1KB` for tokens of about 1 KB, whose extra claims pad them).
 */
export async function makeFixtures(rows, { cacheOption = null } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const out = { issuer: ISSUER, audience: AUDIENCE, scope: SCOPE, cacheOption, algs: {} };
  const asymmetric = [];
  for (const row of rows) {
    const [alg, size] = row.split(" ");
    const { signer, jwk } = await keyPair(alg);
    const kid = `${row.toLowerCase().replace(" ", "-")}-2026-11`;
    const header = { alg, kid, typ: "JWT" };
    const claimsOf = (i, pad = "") => ({
      iss: ISSUER, aud: AUDIENCE, sub: `user-${1000 + i}`, iat: now, exp: now + 6 * 3600,
      scope: SCOPE, client_id: "web-app", jti: crypto.randomUUID(), ...(pad ? { ext: pad } : {}),
    });
    const tokens = [];
    for (let i = 0; i < TOKENS_PER_ALG; i++) {
      let token = await signer(header, claimsOf(i));
      if (size === "1KB") {
        // One padding claim, sized from the unpadded token (base64url: 4 characters per 3 bytes).
        const pad = "x".repeat(Math.max(0, Math.floor(((LARGE_TOKEN_BYTES - token.length) * 3) / 4) - 10));
        token = await signer(header, claimsOf(i, pad));
      }
      tokens.push(token);
    }
    out.algs[row] = { alg, jwk: { ...jwk, kid, alg, use: "sig" }, tokens };
    if (alg !== "HS256") asymmetric.push(out.algs[row].jwk);
  }
  // One JWKS of every public key, as an identity provider publishes it; the HMAC key gets its own set.
  for (const row of rows) {
    out.algs[row].jwks = { keys: out.algs[row].alg === "HS256" ? [out.algs[row].jwk] : asymmetric };
  }
  return out;
}
