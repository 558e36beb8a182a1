import { createEdgeVerifier } from "oidc-edge";

let verify; // one per isolate: its key set lives as long as the isolate
export default {
  async fetch(request, env) {
    verify ??= createEdgeVerifier({
      issuer: env.ISSUER, audience: env.AUDIENCE, jwksUri: env.JWKS_URI, // vars in wrangler.toml
      routes: [
        { method: "GET", path: "/health", public: true },
        { method: "GET", path: "/orders", scopes: "orders.read" },
        { method: ["POST", "PUT"], path: "/orders/:id", scopes: "orders.write or admin" },
      ], // anything else: 404
    });
    const result = await verify(request);
    if (!result.ok) return result.response; // 401 / 403 with RFC 6750 WWW-Authenticate, 400, 405, 503
    return Response.json({ hello: result.claims?.sub ?? "anyone", scopes: result.scopes });
  },
};
