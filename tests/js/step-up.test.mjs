// Step-up authentication on the client (RFC 9470; issue 17, item 8): a loopback resource of this test answers
// 401 with an insufficient_user_authentication challenge, the client reads it and signs in again at a real
// oidc-provider (started here) with the acr_values and max_age it asked for, and checks the new ID token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  JwkSet,
  TokenVerifier,
  buildAuthorizeUrl,
  discover,
  exchangeCode,
  generatePkce,
  parseCallback,
  parseStepUpChallenge,
  randomToken,
} from "oidc-edge";
import { SPA, login, startProvider } from "./support/provider.mjs";

const SILVER = "urn:mace:incommon:iap:silver";
let op;
let meta;

before(async () => {
  op = await startProvider();
  meta = await discover(op.issuer);
});

after(async () => {
  await op?.close();
});

test("a resource's step-up challenge becomes the next authorization request (RFC 9470 §3, §4)", async () => {
  const resource = createServer((req, res) => {
    res.writeHead(401, {
      "www-authenticate": `Bearer error="insufficient_user_authentication", error_description="a fresher authentication is required", acr_values="${SILVER}", max_age="0"`,
    }).end();
  });
  await new Promise((resolve) => resource.listen(0, "127.0.0.1", resolve));
  let challenge;
  try {
    const res = await fetch(`http://127.0.0.1:${resource.address().port}/api`, { headers: { authorization: "Bearer t" } });
    challenge = res.headers.get("www-authenticate");
  } finally {
    await new Promise((resolve) => resource.close(resolve));
  }
  const stepUp = parseStepUpChallenge(challenge);
  assert.deepEqual(stepUp, { acrValues: [SILVER], maxAge: 0 });

  const pkce = generatePkce();
  const state = randomToken();
  const nonce = randomToken();
  const url = buildAuthorizeUrl({
    authorizationEndpoint: meta.authorization_endpoint,
    clientId: SPA.clientId,
    redirectUri: SPA.redirectUri,
    scope: "openid",
    state,
    nonce,
    codeChallenge: pkce.codeChallenge,
    ...stepUp,
  });
  const params = new URL(url).searchParams;
  assert.equal(params.get("acr_values"), SILVER);
  assert.equal(params.get("max_age"), "0");
  const { code } = parseCallback(await login(url, SPA.redirectUri), { state, issuer: op.issuer });
  const tokens = await exchangeCode({
    tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, code, codeVerifier: pkce.codeVerifier, redirectUri: SPA.redirectUri,
  });
  const verifier = new TokenVerifier({ issuer: op.issuer, audience: SPA.clientId, jwks: JwkSet.fromJson(op.signingJwks), clockTolerance: 5 });
  // max_age was asked: auth_time is required and fresh
  const claims = await verifier.verifyIdTokenAsync(tokens.idToken, { nonce, maxAge: stepUp.maxAge });
  assert.equal(typeof claims.auth_time, "number");
  assert.ok(Math.abs(claims.auth_time - Date.now() / 1000) < 30);
});

test("other challenges are not step-up; malformed step-up challenges are refused", () => {
  assert.deepEqual(parseStepUpChallenge('DPoP error="insufficient_user_authentication", acr_values="a b"'), { acrValues: ["a", "b"] });
  assert.deepEqual(parseStepUpChallenge('Bearer error="insufficient_user_authentication", max_age=300'), { maxAge: 300 });
  assert.deepEqual(parseStepUpChallenge('Bearer error="insufficient_user_authentication"'), {});
  for (const other of ['Bearer error="invalid_token"', 'Bearer realm="api"', 'Basic realm="x"', ""]) {
    assert.equal(parseStepUpChallenge(other), null, other);
  }
  for (const bad of [
    'Bearer error="insufficient_user_authentication", max_age="-5"',
    'Bearer error="insufficient_user_authentication", max_age="1.5"',
    'Bearer error="insufficient_user_authentication", acr_values=""',
    'Bearer error="insufficient_user_authentication", acr_values="a\\"b"',
  ]) {
    assert.throws(() => parseStepUpChallenge(bad), { code: "http_error" }, bad);
  }
  assert.throws(() => parseStepUpChallenge(401), { code: "invalid_request" });
});
