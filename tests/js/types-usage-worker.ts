// Compiled (never run) by package.test.mjs against the installed package's worker.d.ts: the Worker entry's
// declarations must accept what a Worker writes and reject what the entry does not have.
import {
  init, createEdgeVerifier, TokenVerifier, JwkSet, RemoteJwks, scopesOf, hasScopes, requireScopes, ScopeRequirement,
  bearerChallenge, OidcEdgeError, type EdgeVerifierConfig, type AccessTokenClaims,
} from "oidc-edge/worker";
import * as worker from "oidc-edge/worker";

await init();
const config: EdgeVerifierConfig = {
  issuer: "https://idp.example.com", audience: "https://api.example.com", jwksUri: "https://idp.example.com/jwks",
  routes: [{ method: "GET", path: "/api/*", scopes: "orders.read" }],
};
const verify = createEdgeVerifier(config);
export default {
  async fetch(request: Request, _env: unknown, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const result = await verify(request, ctx);
    if (!result.ok) return result.response;
    const claims: AccessTokenClaims | undefined = result.claims;
    const scopes: string[] = claims ? scopesOf(claims) : [];
    if (claims && !hasScopes(claims, ["orders.read"])) requireScopes(claims, new ScopeRequirement("orders.read"));
    return Response.json({ scopes, keys: verify.keyIds });
  },
};
const remote = new RemoteJwks("https://idp.example.com/jwks", { requestScoped: true });
const verifier = new TokenVerifier({ issuer: "https://idp.example.com", audience: "api", jwks: remote });
const claims: Promise<AccessTokenClaims> = verifier.verifyAccessTokenAsync("a.b.c", { requiredScopes: "read" });
verifier.verify("a.b.c");
JwkSet.fromJson({ keys: [] });
const challenge = bearerChallenge(null, { realm: "api" });
const e: OidcEdgeError | undefined = undefined;
void [claims, challenge, e];

// @ts-expect-error the sign-in client is not in the Worker entry
worker.exchangeCode;
// @ts-expect-error nor is the replay store
worker.ReplayCache;
