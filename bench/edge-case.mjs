// The edge comparison's one request, shared by the workerd bench (bench/workerd/worker.mjs), the cold start in V8
// (bench/node-runner.mjs startup-edge) and in workerd (bench/run.mjs): a guard of GET /api/* needing orders:read
// through createEdgeVerifier, and what a jose Worker does for the same request.

/** The edge comparison's algorithms: the asymmetric ones jose has (an HMAC secret has no place in a JWKS). */
export const EDGE_ALGS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];

export const EDGE_URL = "https://api.example.com/api/orders";

/**
 * createEdgeVerifier's configuration: the JWKS from an in-memory `fetch`, no Cache API, the verified-token cache
 * off, so each distinct token costs a full verification.
 */
export function edgeConfig({ issuer, audience }, alg, jwks) {
  const text = JSON.stringify(jwks);
  return {
    issuer, audience, jwksUri: "https://idp.example.com/jwks", algorithms: [alg], cacheApi: false,
    routes: [{ method: "GET", path: "/api/*", scopes: "orders:read" }],
    fetch: async () => new Response(text, { headers: { "content-type": "application/json", "cache-control": "max-age=86400" } }),
  };
}

/** jwtVerify's options for the same check: made once, outside the timed calls. */
export const joseEdgeOptions = ({ issuer, audience }, alg) => ({ issuer, audience, algorithms: [alg] });

/** A jose Worker's check of `request`: the Authorization header, `jwtVerify` with `keys`, the scope. */
export async function joseEdgeCheck(jose, keys, request, options) {
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(request.headers.get("authorization") ?? "");
  if (!m) return { ok: false };
  const { payload } = await jose.jwtVerify(m[1], keys, options);
  const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
  return scopes.includes("orders:read") ? { ok: true, claims: payload } : { ok: false };
}
