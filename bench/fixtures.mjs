// Keys and tokens for the bench, made once per run with jose in the host and handed to every runtime as
// JSON (public keys only), so all verifiers in all runtimes check the very same tokens.
import * as jose from "jose";

export const ISSUER = "https://idp.example.com/";
export const AUDIENCE = "https://api.example.com";
export const SCOPE = "openid profile email orders:read orders:write";
const TOKENS_PER_ALG = 16;

const genOptions = { extractable: true, modulusLength: 2048 };

async function keyPair(alg) {
  if (alg === "HS256") {
    const secret = await jose.generateSecret("HS256", { extractable: true });
    const jwk = await jose.exportJWK(secret);
    return { priv: secret, jwk };
  }
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, genOptions);
  return { priv: privateKey, jwk: await jose.exportJWK(publicKey) };
}

/** Resolves to the fixtures object that `cases.mjs` expects. */
export async function makeFixtures(algs, { cacheOption = null } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const out = { issuer: ISSUER, audience: AUDIENCE, scope: SCOPE, cacheOption, algs: {} };
  const asymmetric = [];
  for (const alg of algs) {
    const { priv, jwk } = await keyPair(alg);
    const kid = `${alg.toLowerCase()}-2026-11`;
    const pub = { ...jwk, kid, alg, use: "sig" };
    const tokens = [];
    for (let i = 0; i < TOKENS_PER_ALG; i++) {
      tokens.push(await new jose.SignJWT({ scope: SCOPE, client_id: "web-app", jti: crypto.randomUUID() })
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject(`user-${1000 + i}`)
        .setIssuedAt(now).setExpirationTime(now + 6 * 3600)
        .sign(priv));
    }
    out.algs[alg] = { jwk: pub, tokens };
    if (alg !== "HS256") asymmetric.push(pub);
  }
  // One JWKS of every public key, as an identity provider publishes it; the HMAC key gets its own set.
  for (const alg of algs) {
    out.algs[alg].jwks = { keys: alg === "HS256" ? [out.algs[alg].jwk] : asymmetric };
  }
  return out;
}
