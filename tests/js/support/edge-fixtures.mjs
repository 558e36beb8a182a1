// Loopback servers and tokens for the edge-verifier tests: a JWKS server that counts its fetches and can rotate
// keys, an origin that echoes what it received, and jose-signed access tokens.
import { createServer } from "node:http";
import { SignJWT, generateKeyPair, exportJWK } from "jose";

export const ISSUER = "https://idp.example.com";
export const AUDIENCE = "https://api.example.com";

/** A loopback HTTP server; `handler(req, body)` returns `{ status, headers?, body? }`. */
export async function serve(handler) {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    try {
      const out = await handler(req, body);
      res.writeHead(out.status, out.headers ?? { "content-type": "application/json" });
      res.end(out.body ?? "");
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** An ES256 signing key with its public JWK. */
export async function signingKey(kid, alg = "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** A JWKS server publishing `keys` (mutable through `setKeys`), counting GETs. */
export async function jwksServer(initialKeys, { maxAge = 300 } = {}) {
  let keys = initialKeys;
  let fetches = 0;
  let failing = false;
  const s = await serve(() => {
    fetches++;
    if (failing) return { status: 503, body: "" };
    return {
      status: 200,
      headers: { "content-type": "application/jwk-set+json", "cache-control": `public, max-age=${maxAge}` },
      body: JSON.stringify({ keys: keys.map((k) => k.jwk) }),
    };
  });
  return {
    ...s,
    jwksUri: `${s.url}/jwks`,
    get fetches() { return fetches; },
    setKeys(k) { keys = k; },
    fail(on = true) { failing = on; },
  };
}

/** A signed access token; `claims` override the defaults, `header` the protected header. */
export async function accessToken(key, claims = {}, header = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = { iss: ISSUER, aud: AUDIENCE, sub: "alice", scope: "orders.read", iat: now, exp: now + 300, ...claims };
  return new SignJWT(body).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header }).sign(key.privateKey);
}

/** Flips one character of the signature. */
export function tamper(token) {
  const last = token.at(-2) === "A" ? "B" : "A";
  return token.slice(0, -2) + last + token.slice(-1);
}

/** `alg: none` with the same claims. */
export function unsigned(token) {
  const [, payload] = token.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url");
  return `${header}.${payload}.`;
}

export const ROUTES = [
  { method: "GET", path: "/health", public: true },
  { method: "GET,HEAD", path: "/api/orders", scopes: "orders.read" },
  { method: ["POST", "PUT"], path: "/api/orders/:id", scopes: "orders.write or admin" },
  { method: "*", path: "/api/*" },
];
