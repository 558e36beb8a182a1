// createEdgeVerifier on each signature backend a runtime offers, for Node and for workerd alike: WebCrypto (a
// spy around the runtime's own crypto.subtle), WebCrypto that throws or answers a non-boolean (the Rust
// algorithms decide), and no WebCrypto (the Rust algorithms). Every case: the valid token passes, its tampered
// twin and one signed by another key fail with 401 invalid_token. The fixtures are plain JSON, made in Node.
import * as nodeCrypto from "node:crypto";
import { signRaw } from "./async-fixtures.mjs";

export const EDGE_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "HS256"];
// The algorithms WebCrypto checks (HS* and ES256K stay in Rust: src/jose/alg table).
export const WEBCRYPTO_ALGS = EDGE_ALGS.filter((a) => a !== "ES256K" && !a.startsWith("HS"));
const ISS = "https://idp.example.com";
const AUD = "https://api.example.com";

function keyPair(alg) {
  if (alg.startsWith("HS")) {
    const k = nodeCrypto.randomBytes(32);
    return { sign: k, jwk: { kty: "oct", k: k.toString("base64url") } };
  }
  const [type, opts] = alg === "EdDSA" ? ["ed25519", {}]
    : alg.startsWith("ES") ? ["ec", { namedCurve: { ES256: "P-256", ES384: "P-384", ES512: "P-521", ES256K: "secp256k1" }[alg] }]
    : ["rsa", { modulusLength: 2048 }];
  const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync(type, opts);
  return { sign: privateKey, jwk: publicKey.export({ format: "jwk" }) };
}

/** Per algorithm: the JWKS, a valid token, a tampered one and one signed by a key outside the set. */
export function makeEdgeFixtures(now = Math.floor(Date.now() / 1000)) {
  return EDGE_ALGS.map((alg) => {
    const [mine, other] = [keyPair(alg), keyPair(alg)];
    const claims = { iss: ISS, aud: AUD, sub: "alice", scope: "orders.read", iat: now, exp: now + 600 };
    const header = { alg, kid: "k", typ: "at+jwt" };
    const valid = signRaw(alg, header, claims, mine.sign);
    const sig = valid.slice(valid.lastIndexOf(".") + 1);
    const tampered = `${valid.slice(0, -sig.length)}${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
    return { alg, jwks: { keys: [{ ...mine.jwk, kid: "k", alg }] }, valid, tampered, foreign: signRaw(alg, header, claims, other.sign) };
  });
}

/** Replaces `crypto.subtle`'s methods (or `globalThis.crypto` itself) for a while; the returned function undoes it. */
function patch(target, key, value) {
  const had = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, configurable: true, writable: true });
  return () => (had ? Object.defineProperty(target, key, had) : delete target[key]);
}

/**
 * The backends: each installs itself and returns `{ calls, undo }`. `calls.verify` counts WebCrypto verifies,
 * `calls.importKey` key imports.
 */
export function webCryptoBackends() {
  const subtle = globalThis.crypto?.subtle;
  const real = subtle && { verify: subtle.verify.bind(subtle), importKey: subtle.importKey.bind(subtle) };
  const spy = (verify) => () => {
    const calls = { verify: 0, importKey: 0 };
    const undo = [
      patch(subtle, "importKey", (...a) => (calls.importKey++, real.importKey(...a))),
      patch(subtle, "verify", (...a) => (calls.verify++, verify(...a))),
    ];
    return { calls, undo: () => undo.reverse().forEach((u) => u()) };
  };
  return {
    webcrypto: spy((...a) => real.verify(...a)),
    "webcrypto-throws": spy(() => { throw new Error("backend down"); }),
    "webcrypto-rejects": spy(() => Promise.reject(new Error("backend down"))),
    "webcrypto-non-boolean": spy(() => Promise.resolve("yes")),
    "no-webcrypto": () => ({ calls: { verify: 0, importKey: 0 }, undo: patch(globalThis, "crypto", undefined) }),
  };
}

const request = (token) => new Request("https://api.example.com/api/orders", { headers: { authorization: `Bearer ${token}` } });

/**
 * Runs every fixture on every backend through `createEdgeVerifier`. Returns `{ failures, calls }`: `calls` per
 * backend and algorithm, for the caller to check which backend answered.
 */
export async function runEdgeBackends({ createEdgeVerifier }, fixtures, backends = webCryptoBackends()) {
  const failures = [];
  const calls = {};
  for (const [name, install] of Object.entries(backends)) {
    calls[name] = {};
    for (const f of fixtures) {
      const backend = install();
      try {
        const verify = createEdgeVerifier({
          issuer: ISS, audience: AUD, jwksUri: "https://idp.example.com/jwks", cacheApi: false, algorithms: [f.alg],
          routes: [{ method: "GET", path: "/api/orders", scopes: "orders.read" }],
          fetch: async () => new Response(JSON.stringify(f.jwks), { headers: { "content-type": "application/json", "cache-control": "max-age=300" } }),
        });
        for (const [token, expect] of [[f.valid, 200], [f.tampered, 401], [f.foreign, 401], [f.valid, 200]]) {
          const r = await verify(request(token));
          const status = r.ok ? 200 : r.response.status;
          const www = r.ok ? "" : r.response.headers.get("www-authenticate");
          if (status !== expect || (expect === 401 && !/invalid_token/.test(www))) failures.push(`${name} ${f.alg}: expected ${expect}, got ${status} ${www}`);
          if (r.ok && r.claims.sub !== "alice") failures.push(`${name} ${f.alg}: claims ${JSON.stringify(r.claims)}`);
        }
      } catch (e) {
        failures.push(`${name} ${f.alg}: threw ${e?.stack ?? e}`);
      } finally {
        backend.undo();
      }
      calls[name][f.alg] = backend.calls;
    }
  }
  return { failures, calls };
}
