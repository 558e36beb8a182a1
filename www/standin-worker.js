// STAND-IN for the edge verifier of issue 7 (`worker/`, built on another branch): the least the demo needs
// from it, so the demo runs before that worker lands. Delete this file when it does.
// Same bindings as worker/src/index.js: ISSUER, AUDIENCE, JWKS_URI, ORIGIN, REALM and ROUTES (JSON:
// [{ "method": "GET", "path": "/api/x", "scopes": "scope expression" }]; here exact paths only).
import { JwkSet, TokenVerifier, ScopeRequirement, bearerChallenge } from "oidc-edge";

let verifier;
let routes;

export default {
  async fetch(request, env) {
    routes ??= new Map(JSON.parse(env.ROUTES).map((r) => [`${r.method} ${r.path}`, ScopeRequirement.parse(r.scopes)]));
    const url = new URL(request.url);
    const required = routes.get(`${request.method} ${url.pathname}`);
    if (!required) return new Response("not found\n", { status: 404 });
    const deny = (error) => {
      const { status, wwwAuthenticate } = bearerChallenge(error, { realm: env.REALM, errorDescription: true });
      return new Response(JSON.stringify({ error: error?.code ?? "invalid_request", message: error?.message }), {
        status, headers: { "www-authenticate": wwwAuthenticate, "content-type": "application/json" },
      });
    };
    const token = /^Bearer ([^ ]+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!token) return deny(null);
    let claims;
    try {
      verifier ??= new TokenVerifier({
        issuer: env.ISSUER, audience: env.AUDIENCE,
        jwks: JwkSet.fromJson(await (await fetch(env.JWKS_URI)).text()),
      });
      claims = verifier.verifyAccessToken(token, { requiredScopes: required });
    } catch (e) {
      return deny(e);
    }
    const headers = new Headers(request.headers);
    headers.delete("authorization");
    headers.set("x-auth-subject", claims.sub ?? "");
    headers.set("x-auth-scopes", String(claims.scope ?? ""));
    return fetch(new Request(new URL(url.pathname + url.search, env.ORIGIN), {
      method: request.method, headers, body: request.body,
    }));
  },
};
