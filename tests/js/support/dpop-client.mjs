// A DPoP client for the edge tests (RFC 9449): a key pair with its RFC 7638 thumbprint, and proofs signed by
// jose for a request and its access token.
import { createHash } from "node:crypto";
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";

let proofs = 0;

/** A client key: `{ alg, privateKey, jwk, jkt }`. */
export async function dpopClient(alg = "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A proof by `client` of `method url` for `token`; `claims` override the defaults. */
export function dpopProof(client, method, url, token, claims = {}) {
  const ath = createHash("sha256").update(token).digest("base64url");
  const body = { jti: `p-${process.pid}-${proofs++}-${Math.random()}`, htm: method, htu: url,
    iat: Math.floor(Date.now() / 1000), ath, ...claims };
  return new SignJWT(body).setProtectedHeader({ alg: client.alg, typ: "dpop+jwt", jwk: client.jwk }).sign(client.privateKey);
}
