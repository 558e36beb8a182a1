// Issue 17's protocols against a real oidc-provider on 127.0.0.1 (started here): pushed authorization requests
// (RFC 9126) with each client authentication, the URL from request_uri alone, and a provider that requires them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import {
  buildAuthorizeUrl,
  buildPushedAuthorizationRequest,
  discover,
  exchangeCode,
  generatePkce,
  parseCallback,
  parsePushedAuthorizationResponse,
  pushAuthorizationRequest,
  randomToken,
  startAuthorization,
} from "oidc-edge";
import { SPA, login, startProvider } from "./support/provider.mjs";

const REDIRECT = SPA.redirectUri;
/** Confidential clients of the code flow, one per client authentication method. */
const WEB_BASIC = { clientId: "web-basic", clientSecret: "basic: secret%" };
const WEB_POST = { clientId: "web-post", clientSecret: "post secret" };
const WEB_JWT = { clientId: "web-jwt", keyId: "web-es256" };

let op;
let meta;
let strictOp;
let strictMeta;
let jwtKey;

function webClient(client_id, method, extra = {}) {
  return {
    client_id,
    token_endpoint_auth_method: method,
    redirect_uris: [REDIRECT],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    ...extra,
  };
}

before(async () => {
  jwtKey = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicJwk = { ...(await webcrypto.subtle.exportKey("jwk", jwtKey.publicKey)), kid: WEB_JWT.keyId, alg: "ES256" };
  op = await startProvider({
    clients: [
      webClient(WEB_BASIC.clientId, "client_secret_basic", { client_secret: WEB_BASIC.clientSecret }),
      webClient(WEB_POST.clientId, "client_secret_post", { client_secret: WEB_POST.clientSecret }),
      webClient(WEB_JWT.clientId, "private_key_jwt", {
        token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [publicJwk] },
      }),
    ],
    features: { pushedAuthorizationRequests: { enabled: true } },
  });
  meta = await discover(op.issuer);
  strictOp = await startProvider({
    features: { pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true } },
  });
  strictMeta = await discover(strictOp.issuer);
});

after(async () => {
  await op?.close();
  await strictOp?.close();
});

/** The authorization request parameters of a sign-in, with a fresh PKCE pair and state. */
function params(clientId) {
  const pkce = generatePkce();
  const state = randomToken();
  return {
    pkce,
    state,
    request: {
      clientId,
      redirectUri: REDIRECT,
      scope: "openid email",
      state,
      codeChallenge: pkce.codeChallenge,
    },
  };
}

/** Logs in at `url`, checks the callback and redeems the code with `clientAuth`. */
async function finish(url, { pkce, state }, clientAuth, issuer, tokenEndpoint) {
  const { code } = parseCallback(await login(url, REDIRECT), { state, issuer });
  return exchangeCode({ tokenEndpoint, clientAuth, code, redirectUri: REDIRECT, codeVerifier: pkce.codeVerifier });
}

test("PAR: the metadata names the push endpoint and whether it is required", () => {
  assert.match(meta.pushed_authorization_request_endpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.notEqual(meta.require_pushed_authorization_requests, true);
  assert.equal(strictMeta.require_pushed_authorization_requests, true);
});

test("PAR: pushed with each client authentication, then signed in from client_id and request_uri alone", async () => {
  const auths = [
    { clientId: SPA.clientId },
    { clientId: WEB_BASIC.clientId, clientSecret: WEB_BASIC.clientSecret },
    { clientId: WEB_POST.clientId, method: "client_secret_post", clientSecret: WEB_POST.clientSecret },
    { clientId: WEB_JWT.clientId, key: jwtKey.privateKey, keyId: WEB_JWT.keyId, audience: op.issuer },
  ];
  for (const clientAuth of auths) {
    const flow = params(clientAuth.clientId);
    const pushed = await pushAuthorizationRequest({
      pushedAuthorizationRequestEndpoint: meta.pushed_authorization_request_endpoint,
      clientAuth,
      ...flow.request,
    });
    assert.match(pushed.requestUri, /^urn:ietf:params:oauth:request_uri:/, clientAuth.clientId);
    assert.ok(pushed.expiresIn > 0 && pushed.expiresIn <= 600);
    const url = buildAuthorizeUrl({
      authorizationEndpoint: meta.authorization_endpoint,
      clientId: clientAuth.clientId,
      requestUri: pushed.requestUri,
    });
    assert.deepEqual([...new URL(url).searchParams.keys()], ["client_id", "request_uri"]);
    const tokens = await finish(url, flow, clientAuth, op.issuer, meta.token_endpoint);
    assert.ok(tokens.idToken, clientAuth.clientId);
  }
});

test("PAR: the provider's refusals are typed errors", async () => {
  const flow = params(WEB_BASIC.clientId);
  const push = (clientAuth, extra = {}) =>
    pushAuthorizationRequest({
      pushedAuthorizationRequestEndpoint: meta.pushed_authorization_request_endpoint,
      clientAuth,
      ...flow.request,
      clientId: clientAuth.clientId,
      ...extra,
    });
  await assert.rejects(push({ clientId: WEB_BASIC.clientId, clientSecret: "wrong" }), (e) =>
    e.code === "authorization_error" && e.error === "invalid_client" && e.status === 401);
  await assert.rejects(push({ clientId: SPA.clientId }, { redirectUri: "http://127.0.0.1/unregistered" }), (e) =>
    e.code === "authorization_error" && e.status === 400);
  // Refused before anything is sent.
  await assert.rejects(push({ clientId: SPA.clientId }, { clientId: "other" }), { code: "invalid_request" });
  await assert.rejects(push({ clientId: SPA.clientId }, { authorizationEndpoint: meta.authorization_endpoint }), {
    code: "invalid_request",
  });
  await assert.rejects(push({ clientId: SPA.clientId }, { extraParams: { request_uri: "urn:x:y" } }), {
    code: "invalid_request",
  });
});

test("PAR: sans-IO push and answer", () => {
  const req = buildPushedAuthorizationRequest({
    pushedAuthorizationRequestEndpoint: "https://idp.example.com/par",
    clientAuth: { clientId: "c", clientSecret: "s" },
    ...params("c").request,
  });
  assert.equal(req.method, "POST");
  assert.match(req.headers.authorization, /^Basic /);
  assert.equal(new URLSearchParams(req.body).get("client_id"), "c");
  assert.throws(() => buildPushedAuthorizationRequest({ ...req, clientAuth: { clientId: "c" } }), {
    code: "invalid_request",
  });
  assert.deepEqual(
    parsePushedAuthorizationResponse({ status: 201, body: '{"request_uri":"urn:x:1","expires_in":90}' }),
    { requestUri: "urn:x:1", expiresIn: 90 },
  );
  for (const body of ["{}", '{"request_uri":"urn:x:1","expires_in":-1}', '{"request_uri":"x","expires_in":9}', "[]"]) {
    assert.throws(() => parsePushedAuthorizationResponse({ status: 201, body }), { code: "http_error", status: 201 });
  }
  assert.throws(() => parsePushedAuthorizationResponse({ status: 400, body: '{"error":"invalid_request"}' }), {
    code: "authorization_error",
  });
  assert.throws(
    () => buildAuthorizeUrl({ authorizationEndpoint: "https://idp.example.com/a", clientId: "c", requestUri: "urn:x:1", state: "s" }),
    { code: "invalid_request" },
  );
});

test("PAR: startAuthorization pushes exactly when the provider requires it, or when asked", async () => {
  // A provider that requires pushing refuses a plain request, and so does startAuthorization when told not to push.
  const flow = params(SPA.clientId);
  const plain = buildAuthorizeUrl({ authorizationEndpoint: strictMeta.authorization_endpoint, ...flow.request });
  const refused = await login(plain, REDIRECT);
  assert.throws(() => parseCallback(refused, { state: flow.state, issuer: strictOp.issuer }), {
    code: "authorization_error",
    error: "invalid_request",
  });
  await assert.rejects(startAuthorization({ metadata: strictMeta, usePar: false, ...flow.request }), {
    code: "invalid_request",
  });
  const started = await startAuthorization({ metadata: strictMeta, ...flow.request });
  assert.ok(started.requestUri);
  const tokens = await finish(started.url, flow, { clientId: SPA.clientId }, strictOp.issuer, strictMeta.token_endpoint);
  assert.ok(tokens.accessToken);

  // Not required: the URL is built without a request unless usePar asks for one.
  const direct = await startAuthorization({ metadata: meta, ...flow.request, fetch: () => assert.fail("no fetch") });
  assert.equal(direct.requestUri, undefined);
  assert.equal(new URL(direct.url).searchParams.get("state"), flow.state);
  const asked = await startAuthorization({
    metadata: meta,
    usePar: true,
    clientAuth: { clientId: WEB_BASIC.clientId, clientSecret: WEB_BASIC.clientSecret },
    ...params(WEB_BASIC.clientId).request,
  });
  assert.ok(asked.requestUri && asked.expiresIn > 0);
  const { pushed_authorization_request_endpoint: _, ...noPar } = meta;
  await assert.rejects(startAuthorization({ metadata: noPar, usePar: true, ...flow.request }), {
    code: "invalid_metadata",
  });
  await assert.rejects(startAuthorization({ metadata: meta, usePar: "yes", ...flow.request }), {
    code: "invalid_request",
  });
});
