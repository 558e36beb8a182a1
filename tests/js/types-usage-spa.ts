// Compiled (never run) by package.test.mjs against the installed package's spa.d.ts: the SPA entry's
// declarations must accept what an SPA writes and reject what the entry does not have.
import {
  init, generatePkce, pkceChallenge, randomToken, discover, parseProviderMetadata, buildAuthorizeUrl, parseCallback,
  buildEndSessionUrl, buildTokenRequest, parseTokenResponse, exchangeCode, refreshTokens, JwkSet, TokenVerifier,
  type OidcEdgeError, type ProviderMetadata, type TokenSet, type Claims, type HttpRequest,
} from "oidc-edge/spa";
import * as spa from "oidc-edge/spa";

await init();
await init(new URL("https://cdn.example.com/oidc_edge_spa_bg.wasm"));
const pkce = generatePkce();
const state = randomToken();
const meta: ProviderMetadata = await discover("https://idp.example.com", { timeout: 10 });
const same: ProviderMetadata = parseProviderMetadata("{}", meta.issuer);
location.assign(buildAuthorizeUrl({
  authorizationEndpoint: same.authorization_endpoint, clientId: "spa", redirectUri: "https://app.example.com/cb",
  scope: "openid profile", state, nonce: randomToken(), codeChallenge: pkce.codeChallenge,
}));
const { code } = parseCallback(location.href, { state, issuer: meta.issuer });
const tokens: TokenSet = await exchangeCode({
  tokenEndpoint: meta.token_endpoint ?? "", clientAuth: { clientId: "spa" }, code,
  redirectUri: "https://app.example.com/cb", codeVerifier: pkce.codeVerifier,
});
const req: HttpRequest = buildTokenRequest({
  grantType: "refresh_token", tokenEndpoint: "https://idp.example.com/token", clientAuth: { clientId: "spa" },
  refreshToken: tokens.refreshToken ?? "",
});
const parsed: TokenSet = parseTokenResponse({ status: 200, body: "{}" });
const refreshed = await refreshTokens({ tokenEndpoint: req.url, clientAuth: { clientId: "spa" }, refreshToken: "r", scope: "openid" });
const jwks = JwkSet.fromJson(await (await fetch(meta.jwks_uri ?? "")).text());
const verifier = new TokenVerifier({ issuer: meta.issuer, audience: "spa", jwks, clockTolerance: 30 });
const user: Claims = await verifier.verifyIdTokenAsync(tokens.idToken ?? "", { nonce: "n", maxAge: 3600, accessToken: tokens.accessToken });
const hs: Claims = verifier.verifyIdToken("a.b.c", { nonce: "n" });
const at: Claims = await verifier.verifyAccessTokenAsync("a.b.c", { requiredScopes: ["read"], typ: "at+jwt" });
try {
  await verifier.verifyAsync("a.b.c", { requiredClaims: ["jti"] });
} catch (e) {
  const code: string = (e as OidcEdgeError).code;
  void code;
}
void [pkceChallenge(pkce.codeVerifier), buildEndSessionUrl({ endSessionEndpoint: "https://idp.example.com/logout" }),
  user.sub, hs.iss, at.scope, parsed.accessToken, refreshed.expiresAt, jwks.keyIds];

// @ts-expect-error the SPA entry signs nothing: no clientAuth.key
await exchangeCode({ tokenEndpoint: "https://x", clientAuth: { clientId: "spa", key: {} as CryptoKey }, code, redirectUri: "https://a" });
// @ts-expect-error no verified-token cache in the SPA entry
new TokenVerifier({ issuer: "i", audience: "a", jwks, cache: { maxEntries: 10 } });
// @ts-expect-error no ensureKeys (no RemoteJwks) in the SPA entry
await verifier.ensureKeys("a.b.c");
// @ts-expect-error no userinfo in the SPA entry
verifier.verifyUserinfo("a.b.c");
// @ts-expect-error no back-channel logout in the SPA entry (an RP's server receives it)
verifier.verifyLogoutToken("a.b.c");
// @ts-expect-error no DPoP at a resource server in the SPA entry
verifier.verifyAccessTokenAsync("a.b.c", { dpop: { proof: "p", method: "GET", url: "https://a" } });
// @ts-expect-error nor a replay store
new TokenVerifier({ issuer: "i", audience: "a", jwks, replayStore: { checkAndRemember: () => true } });
// @ts-expect-error the server half is not in the SPA entry
spa.createEdgeVerifier;
// @ts-expect-error nor are the scope helpers
spa.ScopeRequirement;

// The session: two calls, events, opt-in persistence.
const session = spa.createSession({
  issuer: "https://idp.example.com", clientId: "spa", redirectUri: "https://app.example.com/cb", scope: ["openid", "profile"],
  resource: "https://api.example.com/", persistence: localStorage, postLogoutRedirectUri: "https://app.example.com/", timeout: 10,
});
const stop = session.on("signedIn", (claims: Claims) => void claims.sub);
session.on("error", (e) => void (e as OidcEdgeError).code);
await session.signIn({ prompt: "login" });
const signedIn: Claims = await session.handleCallback();
const restored: Claims | null = await session.restore();
const bearer: string | null = await session.getAccessToken();
void [stop(), signedIn.sub, restored?.sub, bearer, session.getUser()?.sub, await session.signOut()];
// @ts-expect-error no such event
session.on("loggedIn", () => {});
// @ts-expect-error issuer and clientId are required
spa.createSession({ redirectUri: "https://app.example.com/cb", scope: "openid" });
