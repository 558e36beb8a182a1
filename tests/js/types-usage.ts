// Compiled (never run) by package.test.mjs against the installed package's index.d.ts: the declarations must
// accept real usage and reject misuse (the @ts-expect-error lines fail the build if they start compiling).
import {
  init, generatePkce, pkceChallenge, randomToken, parseProviderMetadata, buildAuthorizeUrl, parseCallback,
  buildEndSessionUrl, OidcEdgeError, type OidcEdgeErrorCode, type PkcePair, type ProviderMetadata,
  RemoteJwks, JwkSet, TokenVerifier, createEdgeVerifier, type EdgeVerifierResult, type Claims,
  userinfo, parseUserinfoResponse, type UserinfoResult,
  ReplayCache, parseLogoutRequest, unverifiedIssuer, sessionLogoutKeys, isEndedBySessionLogout, type LogoutClaims,
  type ReplayStore, bearerChallenge,
} from "oidc-edge";

await init();
const pair: PkcePair = generatePkce({ method: "S256", verifierLength: 64 });
const challenge: string = pkceChallenge(pair.codeVerifier, "S256");
const state: string = randomToken(32);
const meta: ProviderMetadata = parseProviderMetadata("{}", "https://idp.example.com");
const endpoint: string | undefined = meta.token_endpoint;
const url: string = buildAuthorizeUrl({
  authorizationEndpoint: meta.authorization_endpoint, clientId: "c", redirectUri: "https://a.example/cb",
  scope: ["openid"], state, codeChallenge: challenge, resource: "https://api.example.com/", maxAge: 5,
});
const { code, iss } = parseCallback(url, { state, issuer: meta.issuer, requireIss: false });
const logout: string = buildEndSessionUrl({ endSessionEndpoint: "https://idp.example.com/end", idTokenHint: code });
try {
  parseCallback(logout, { state });
} catch (e) {
  if (!(e instanceof OidcEdgeError)) throw e;
  const c: OidcEdgeErrorCode = e.code;
  const name: "OidcEdgeError" = e.name;
  // @ts-expect-error code is the union of the stable codes, not any string
  const misspelt: typeof e.code = "state_mismatched";
  void [c, name, misspelt, e.errorDescription, e.status, iss, endpoint];
}
const made: Error = new OidcEdgeError("not_initialized", "await init() first");
// @ts-expect-error only the stable codes
new OidcEdgeError("nope", "x");
// @ts-expect-error codeChallengeMethod is "S256" | "plain"
generatePkce({ method: "S512" });
// @ts-expect-error state is required
parseCallback(url, {});

// RemoteJwks as a verifier's key source; the edge verifier
const remote = new RemoteJwks("https://idp.example.com/jwks", { cooldown: 30, timeout: 2, fetch: (u, i) => fetch(u, i) });
// @ts-expect-error timeout is a number of seconds
new RemoteJwks("https://idp.example.com/jwks", { timeout: "5" });
const set: JwkSet = await remote.getKeySet("k1");
const tv = new TokenVerifier({ issuer: "https://idp.example.com", audience: "api", jwks: remote });
await tv.ensureKeys("a.b.c");
void [set.keyIds, tv.verifyAccessToken("a.b.c").sub];
const cached = new TokenVerifier({ issuer: "https://idp.example.com", audience: "api", jwks: set, cache: { maxEntries: 1000 } });
const asyncClaims: Claims = await cached.verifyAsync("a.b.c", { typ: "JWT" });
void [asyncClaims.iss, (await cached.verifyIdTokenAsync("a.b.c", { nonce: "n" })).nonce,
  (await cached.verifyAccessTokenAsync("a.b.c", { requiredScopes: "read" })).scope];
// Signed userinfo: claims only on a verified JWT
const info: UserinfoResult = await userinfo({ userinfoEndpoint: "https://idp.example.com/me", accessToken: "at", verifier: cached, expectedSubject: "u" });
if (info.format === "jwt" && info.claims) {
  const sub: string = info.claims.sub;
  void sub;
}
const signedSub: string = cached.verifyUserinfo("a.b.c", { expectedSubject: "u" }).sub;
void [signedSub, (await cached.verifyUserinfoAsync("a.b.c")).email];
// Back-channel logout: the POST body, the token, the replay store (built in, shared, or one's own)
const logoutToken: string = parseLogoutRequest("logout_token=a.b.c", "application/x-www-form-urlencoded");
const replays = new ReplayCache({ maxEntries: 100 });
const redisLike: ReplayStore = { checkAndRemember: async (key: string, expiresAt: number) => key.length + expiresAt > 0 };
const rpVerifier = new TokenVerifier({ issuer: "https://idp.example.com", audience: "rp", jwks: set, replayStore: replays });
const ended: LogoutClaims = rpVerifier.verifyLogoutToken(logoutToken, { now: 1 });
const endedAsync: LogoutClaims = await new TokenVerifier({
  issuer: "https://idp.example.com", audience: "rp", jwks: set, replayStore: redisLike,
}).verifyLogoutTokenAsync(logoutToken);
void [ended.sid, ended.jti, endedAsync.sub, replays.size, replays.checkAndRemember("k", 2, 1)];
const claimedIssuer: string | undefined = unverifiedIssuer(logoutToken);
// @ts-expect-error it may be undefined
const sureIssuer: string = unverifiedIssuer(logoutToken);
void [claimedIssuer, sureIssuer];
const sessionKeys: string[] = sessionLogoutKeys(ended);
const endedNow: boolean = isEndedBySessionLogout({ sid: "s", iat: 5 }, new Map([["sid:s", 4]]), { retention: 60, now: 9 })
  || isEndedBySessionLogout(endedAsync, { "sub:alice": 4 });
// @ts-expect-error logout times are numbers
isEndedBySessionLogout({ sid: "s" }, { "sid:s": "4" });
void [sessionKeys, endedNow];
// DPoP at the resource server: the proof with its request, challenges with algs
const dpopClaims: Claims = rpVerifier.verifyAccessToken("a.b.c", {
  dpop: { proof: "p.r.f", method: "GET", url: "https://api.example.com/r", nonce: "n" }, requiredScopes: "read",
});
new TokenVerifier({ issuer: "i", audience: "a", jwks: set, dpop: { algorithms: ["ES256", "EdDSA"], maxAge: 60 } });
void [dpopClaims.cnf, bearerChallenge(null, { dpopAlgs: ["ES256"] }).wwwAuthenticate];
// @ts-expect-error a DPoP check names the request's method and URL
rpVerifier.verifyAccessToken("a.b.c", { dpop: { proof: "p.r.f" } });
// @ts-expect-error a replay store answers a boolean
new TokenVerifier({ issuer: "i", audience: "a", jwks: set, replayStore: { checkAndRemember: () => "yes" } });
// @ts-expect-error the body is text
parseLogoutRequest(new Uint8Array(), null);
// @ts-expect-error a JwkSet is not a verifier
parseUserinfoResponse({ status: 200, body: "" }, { verifier: set });
const verify = createEdgeVerifier({
  issuer: "https://idp.example.com", audience: "api", jwksUri: "https://idp.example.com/jwks",
  routes: [{ method: "GET", path: "/api/*", scopes: "read" }], cors: { allowedOrigins: "*" }, tokenCache: { maxEntries: 10 },
  stripHeaders: ["X-Tenant"], keepHeaders: "X-HTTP-Method-Override", keepAuthorization: false, timeout: 3,
});
const request = new Request("https://api.example.com/api/x");
const result: EdgeVerifierResult = await verify(request);
const upstream: Headers = verify.forwardHeaders(request.headers, result);
if (result.ok) {
  const sub: string | undefined = result.claims?.sub;
  const identity: [string, string][] = result.identityHeaders;
  void [sub, identity, upstream, result.scopes.join(" "), result.headers, verify.cachedTokens, verify.keyIds];
  const denied: number = verify.metrics.denied["token_expired"] ?? 0;
  void [denied, verify.metrics.jwks.ok];
} else {
  const res: Response = result.response;
  void res.status;
}
// @ts-expect-error routes is required
createEdgeVerifier({ issuer: "i", audience: "a", jwksUri: "https://x" });
createEdgeVerifier({
  issuers: [
    { issuer: "https://a.example.com", audience: "api", jwksUri: "https://a.example.com/jwks" },
    { issuer: "https://b.example.com", audience: ["api", "b"], jwksUri: "https://b.example.com/jwks", algorithms: ["EdDSA"],
      jwksCache: { cooldown: 10 } },
  ],
  routes: [{ method: "GET", path: "/b/*", issuers: ["https://b.example.com"], acrValues: ["urn:acr:mfa"], maxAge: 300 }],
  claimHeaders: { "X-Auth-Email": "email", "X-Org": "org.id" }, forwardPayload: "X-Auth-Claims", claimHeaderMaxBytes: 4096,
  dpop: { algorithms: ["ES256", "EdDSA"], maxAge: 60, replayEntries: 1000, replayStore: { checkAndRemember: async () => true } },
  jwksCache: { maxStale: 3600 },
  readinessPath: "/ready", metrics: { log: true }, jwksKv: { get: async () => null, put: async () => {} },
  resourceMetadata: { resource: "https://api.example.com", scopesSupported: ["read"], resourceName: "API" },
});
