#!/usr/bin/env node
// `ISSUER=… CLIENT_ID=… node cli.js`: signs in with the device authorization grant (RFC 8628) — the user opens a
// URL on any device and approves; this CLI polls the token endpoint meanwhile, then verifies the ID token.
import {
  RemoteJwks, TokenVerifier, discover, pollDeviceAuthorization, requestDeviceAuthorization,
} from "oidc-edge";

const { ISSUER: issuer, CLIENT_ID: clientId, SCOPE: scope = "openid profile offline_access" } = process.env;
const clientAuth = { clientId }; // a public client; add clientSecret for a confidential one

try {
  const meta = await discover(issuer);
  const authorization = await requestDeviceAuthorization({
    deviceAuthorizationEndpoint: meta.device_authorization_endpoint, clientAuth, scope,
  });
  console.log(`To sign in, open ${authorization.verificationUri} and enter the code ${authorization.userCode}`);
  if (authorization.verificationUriComplete) console.log(`(or open ${authorization.verificationUriComplete})`);

  // Ctrl-C stops the polling (the promise rejects with the signal's reason)
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const tokens = await pollDeviceAuthorization({
    tokenEndpoint: meta.token_endpoint, clientAuth, deviceAuthorization: authorization, signal: stop.signal,
  });

  const verifier = new TokenVerifier({ issuer: meta.issuer, audience: clientId, jwks: new RemoteJwks(meta.jwks_uri) });
  const user = await verifier.verifyIdTokenAsync(tokens.idToken); // signature, iss, aud, exp, iat (OIDC Core 3.1.3.7)
  console.log(`Signed in as ${user.sub}${user.name ? ` (${user.name})` : ""}; the access token expires in ${tokens.expiresIn} s` +
    `${tokens.refreshToken ? ", and a refresh token came with it" : ""}.`);
  process.exit(0);
} catch (e) {
  // access_denied: the user refused; expired_token: they took too long (ask for new codes)
  console.error(`sign-in failed: ${e.code ?? e.name}${e.error ? ` (${e.error})` : ""}: ${e.message}`);
  process.exit(1);
}
