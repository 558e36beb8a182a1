// The minimal sign-in app of `make bench`'s size table, with oidc-edge/spa: discovery, PKCE, the authorization
// URL, the callback, the code exchange, the ID token checked (WebCrypto), refresh and RP-initiated logout.
// Built by Vite (bench/sizes.mjs), never run: the same flow as ../oauth4webapi/app.js.
import {
  init, discover, generatePkce, randomToken, buildAuthorizeUrl, parseCallback, exchangeCode, refreshTokens,
  buildEndSessionUrl, JwkSet, TokenVerifier,
} from "oidc-edge/spa";

const ISSUER = "https://issuer.example";
const CLIENT_ID = "app";
const REDIRECT_URI = `${location.origin}/`;
const out = (v) => { document.querySelector("#out").textContent = JSON.stringify(v, null, 2); };

await init();
const metadata = await discover(ISSUER);

document.querySelector("#signin").onclick = () => {
  const pkce = generatePkce();
  const state = randomToken();
  const nonce = randomToken();
  sessionStorage.setItem("signin", JSON.stringify({ verifier: pkce.codeVerifier, state, nonce }));
  location.assign(buildAuthorizeUrl({
    authorizationEndpoint: metadata.authorization_endpoint, clientId: CLIENT_ID, redirectUri: REDIRECT_URI,
    scope: "openid profile offline_access", state, nonce, codeChallenge: pkce.codeChallenge, codeChallengeMethod: "S256",
  }));
};

const pending = JSON.parse(sessionStorage.getItem("signin") ?? "null");
if (pending && location.search.includes("code=")) {
  sessionStorage.removeItem("signin");
  const { code } = parseCallback(location.href, { state: pending.state, issuer: metadata.issuer });
  const tokens = await exchangeCode({
    tokenEndpoint: metadata.token_endpoint, clientAuth: { clientId: CLIENT_ID }, code, redirectUri: REDIRECT_URI,
    codeVerifier: pending.verifier,
  });
  const jwks = JwkSet.fromJson(await (await fetch(metadata.jwks_uri)).text());
  const verifier = new TokenVerifier({ issuer: metadata.issuer, audience: CLIENT_ID, jwks });
  out(await verifier.verifyIdTokenAsync(tokens.idToken, { nonce: pending.nonce }));
  document.querySelector("#refresh").onclick = async () => {
    const next = await refreshTokens({
      tokenEndpoint: metadata.token_endpoint, clientAuth: { clientId: CLIENT_ID }, refreshToken: tokens.refreshToken,
    });
    out(await verifier.verifyIdTokenAsync(next.idToken));
  };
  document.querySelector("#signout").onclick = () => {
    location.assign(buildEndSessionUrl({
      endSessionEndpoint: metadata.end_session_endpoint, idTokenHint: tokens.idToken, postLogoutRedirectUri: REDIRECT_URI,
    }));
  };
}
