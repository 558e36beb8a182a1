// The same minimal sign-in app as ../oidc-edge-spa/app.js, with oauth4webapi and jose's jwtVerify (the ID token
// checked against the provider's JWKS by jose, as an app verifying its own ID token would). Built, never run.
import * as oauth from "oauth4webapi";
import { createRemoteJWKSet, jwtVerify } from "jose";

const ISSUER = new URL("https://issuer.example");
const client = { client_id: "app" };
const clientAuth = oauth.None();
const REDIRECT_URI = `${location.origin}/`;
const out = (v) => { document.querySelector("#out").textContent = JSON.stringify(v, null, 2); };

const as = await oauth.processDiscoveryResponse(ISSUER, await oauth.discoveryRequest(ISSUER));
const jwks = createRemoteJWKSet(new URL(as.jwks_uri));
const verify = async (idToken) =>
  (await jwtVerify(idToken, jwks, { issuer: as.issuer, audience: client.client_id })).payload;

document.querySelector("#signin").onclick = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem("signin", JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("redirect_uri", REDIRECT_URI);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", "openid profile offline_access");
  url.searchParams.set("state", state);
  url.searchParams.set("nonce", nonce);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  location.assign(url);
};

const pending = JSON.parse(sessionStorage.getItem("signin") ?? "null");
if (pending && location.search.includes("code=")) {
  sessionStorage.removeItem("signin");
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, REDIRECT_URI, pending.verifier);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  out(await verify(tokens.id_token));
  document.querySelector("#refresh").onclick = async () => {
    const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token);
    out(await verify((await oauth.processRefreshTokenResponse(as, client, res)).id_token));
  };
  document.querySelector("#signout").onclick = () => {
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set("id_token_hint", tokens.id_token);
    url.searchParams.set("post_logout_redirect_uri", REDIRECT_URI);
    location.assign(url);
  };
}
