// The device authorization grant (RFC 8628) against a real oidc-provider on 127.0.0.1 (started here, feature
// deviceFlow): the device authorization request with each client authentication, its answer, the polling until the
// user approves (through the provider's own verification, login and consent pages), refuses, or the codes expire,
// an abort, and the sans-IO builder and parser on their own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import {
  JwkSet,
  TokenVerifier,
  buildDeviceAuthorizationRequest,
  buildTokenRequest,
  createDpopKey,
  discover,
  parseDeviceAuthorizationResponse,
  pollDeviceAuthorization,
  requestDeviceAuthorization,
} from "oidc-edge";
import { login, startProvider } from "./support/provider.mjs";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** A public client (a TV app) and a confidential one (a CLI with a secret), both allowed the device grant. */
const TV = { clientId: "tv" };
const CLI = { clientId: "cli", clientSecret: "cli: secret%" };
/** A client that authenticates with private_key_jwt. */
const CLI_JWT = { clientId: "cli-jwt", keyId: "cli-es256" };

let op;
let meta;
let jwtKey;

before(async () => {
  jwtKey = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicJwk = { ...(await webcrypto.subtle.exportKey("jwk", jwtKey.publicKey)), kid: CLI_JWT.keyId, alg: "ES256" };
  const deviceClient = (client_id, extra) => ({
    client_id,
    grant_types: [DEVICE_GRANT, "refresh_token"],
    response_types: [],
    redirect_uris: [],
    ...extra,
  });
  op = await startProvider({
    clients: [
      deviceClient(TV.clientId, { token_endpoint_auth_method: "none" }),
      deviceClient(CLI.clientId, { token_endpoint_auth_method: "client_secret_basic", client_secret: CLI.clientSecret }),
      deviceClient(CLI_JWT.clientId, {
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [publicJwk] },
      }),
    ],
    features: { deviceFlow: { enabled: true }, dPoP: { enabled: true } },
  });
  meta = await discover(op.issuer);
});

after(async () => {
  await op?.close();
});

test("device: the metadata names the device authorization endpoint", () => {
  assert.match(meta.device_authorization_endpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
});

test("device: a public and a confidential client get their codes", async () => {
  for (const clientAuth of [TV, CLI]) {
    const now = Math.floor(Date.now() / 1000);
    const a = await requestDeviceAuthorization({
      deviceAuthorizationEndpoint: meta.device_authorization_endpoint,
      clientAuth,
      scope: ["openid", "offline_access"],
      now,
    });
    assert.ok(a.deviceCode.length >= 16, clientAuth.clientId);
    assert.match(a.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.ok(a.verificationUri.startsWith(`${op.issuer}/`));
    assert.equal(new URL(a.verificationUriComplete).searchParams.get("user_code"), a.userCode);
    assert.ok(a.expiresIn > 0);
    assert.equal(a.expiresAt, now + a.expiresIn);
    assert.equal(a.interval, 5, "oidc-provider sends none: RFC 8628 §3.2's default");
  }
});

test("device: the provider's refusals are typed errors", async () => {
  const ask = (clientAuth, extra = {}) =>
    requestDeviceAuthorization({ deviceAuthorizationEndpoint: meta.device_authorization_endpoint, clientAuth, ...extra });
  await assert.rejects(ask({ ...CLI, clientSecret: "wrong" }), (e) =>
    e.code === "authorization_error" && e.error === "invalid_client" && e.status === 401);
  await assert.rejects(ask({ clientId: "nobody" }), (e) => e.code === "authorization_error" && e.error === "invalid_client");
  // Refused before anything is sent.
  const fetch = () => assert.fail("no fetch");
  await assert.rejects(ask(TV, { fetch, scope: 'a"b' }), { code: "invalid_request" });
  await assert.rejects(ask(TV, { fetch, deviceAuthorizationEndpoint: "http://idp.example.com/device" }), { code: "invalid_request" });
});

test("device: sans-IO request and answer", () => {
  const req = buildDeviceAuthorizationRequest({
    deviceAuthorizationEndpoint: "https://idp.example.com/device",
    clientAuth: { clientId: "c", clientSecret: "s" },
    scope: "openid profile",
    resource: "https://api.example.com/",
  });
  assert.equal(req.method, "POST");
  assert.match(req.headers.authorization, /^Basic /);
  assert.equal(req.body, "scope=openid+profile&resource=https%3A%2F%2Fapi.example.com%2F");
  const body = JSON.stringify({
    device_code: "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    user_code: "WDJB-MJHT",
    verification_uri: "https://example.com/device",
    expires_in: 1800,
    interval: 7,
  });
  // RFC 8628 §3.2's example
  assert.deepEqual(parseDeviceAuthorizationResponse({ status: 200, body }, { now: 1000 }), {
    deviceCode: "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    userCode: "WDJB-MJHT",
    verificationUri: "https://example.com/device",
    expiresIn: 1800,
    expiresAt: 2800,
    interval: 7,
  });
  for (const bad of [{ interval: 0 }, { expires_in: "1800" }, { verification_uri: "http://example.com/device" }, { user_code: "" }]) {
    const b = JSON.stringify({ ...JSON.parse(body), ...bad });
    assert.throws(() => parseDeviceAuthorizationResponse({ status: 200, body: b }), { code: "http_error", status: 200 });
  }
  assert.throws(() => parseDeviceAuthorizationResponse({ status: 400, body: '{"error":"invalid_client"}' }), {
    code: "authorization_error",
    status: 400,
  });
  // one poll (RFC 8628 §3.4), built as any token request
  const poll = buildTokenRequest({
    grantType: DEVICE_GRANT,
    tokenEndpoint: "https://idp.example.com/token",
    clientAuth: { clientId: "tv" },
    deviceCode: "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
  });
  assert.deepEqual(Object.fromEntries(new URLSearchParams(poll.body)), {
    grant_type: DEVICE_GRANT,
    device_code: "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    client_id: "tv",
  });
});

/** Waits (at most 20 s) until `ready()` holds. */
async function until(ready) {
  for (let i = 0; i < 400 && !ready(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ready(), "timed out waiting");
}

/**
 * `globalThis.fetch` with the device authorization answer patched (oidc-provider sends no `interval`, so RFC 8628's
 * 5 s default would apply; the tests poll every second) and every token-endpoint answer recorded in `answers`.
 */
function quickFetch(answers, patch = { interval: 1 }) {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (url === meta.device_authorization_endpoint && res.ok) {
      const body = { ...(await res.json()), ...patch };
      return new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": "application/json" } });
    }
    if (url === meta.token_endpoint) answers.push(await res.clone().json());
    return res;
  };
}

/** The user's side: the verification page with the code, login and consent — or the abort button. */
function approve(a, { abort = false } = {}) {
  return login(a.verificationUriComplete, "never:", "alice", {
    fields: { user_code: a.userCode, ...(abort && { abort: "yes" }) },
    until: (page) => /Sign-in Success|interrupted/.test(page),
  });
}

/** A device authorization and its polling started, with the token endpoint's answers recorded. */
async function start(clientAuth, patch) {
  const answers = [];
  const fetchFn = quickFetch(answers, patch);
  const authorization = await requestDeviceAuthorization({
    deviceAuthorizationEndpoint: meta.device_authorization_endpoint,
    clientAuth,
    scope: "openid offline_access",
    fetch: fetchFn,
  });
  const poll = (extra = {}) =>
    pollDeviceAuthorization({ tokenEndpoint: meta.token_endpoint, clientAuth, deviceAuthorization: authorization, fetch: fetchFn, ...extra });
  return { answers, authorization, poll };
}

test("device: polling goes on while the user is away, and ends with the tokens once they approve", async () => {
  const { answers, authorization, poll } = await start(TV);
  const polling = poll();
  await until(() => answers.length >= 1);
  assert.equal(answers[0].error, "authorization_pending");
  assert.match(await approve(authorization), /Sign-in Success/);
  const tokens = await polling;
  assert.ok(tokens.accessToken && tokens.refreshToken);
  const verifier = new TokenVerifier({ issuer: op.issuer, audience: TV.clientId, jwks: JwkSet.fromJson(op.signingJwks) });
  assert.equal(verifier.verifyIdToken(tokens.idToken).sub, "alice");
  // the device code is spent
  await assert.rejects(poll(), (e) => e.code === "authorization_error" && e.error === "invalid_grant");
});

test("device: polling with a DPoP key gets DPoP-bound tokens (RFC 9449 §5), a proof with every poll", async () => {
  const dpop = await createDpopKey();
  const { answers, authorization, poll } = await start(TV);
  const polling = poll({ dpop });
  await until(() => answers.length >= 1);
  await approve(authorization);
  const tokens = await polling;
  assert.equal(tokens.tokenType, "DPoP");
  await assert.rejects(poll({ dpop: "key" }), { code: "invalid_request" });
});

test("device: a private_key_jwt client signs a fresh assertion for every poll", async () => {
  const clientAuth = { clientId: CLI_JWT.clientId, key: jwtKey.privateKey, keyId: CLI_JWT.keyId, audience: op.issuer };
  const { answers, authorization, poll } = await start(clientAuth);
  const polling = poll();
  // the provider refuses a replayed jti (invalid_client): two pending answers mean two assertions
  await until(() => answers.length >= 2);
  assert.deepEqual(answers.map((a) => a.error), ["authorization_pending", "authorization_pending"]);
  await approve(authorization);
  assert.ok((await polling).accessToken);
});

test("device: the user's refusal, expiry and an abort end the polling", async () => {
  // access_denied: the user pressed abort on the confirmation page
  const denied = await start(CLI);
  const polling = denied.poll();
  await approve(denied.authorization, { abort: true });
  await assert.rejects(polling, (e) => e.code === "authorization_error" && e.error === "access_denied");

  // expired_token: the codes expire (here in 2 s) before the user comes; the next poll would be too late
  const expiring = await start(TV, { interval: 1, expires_in: 2 });
  await assert.rejects(expiring.poll(), (e) => e.code === "authorization_error" && e.error === "expired_token");
  assert.ok(expiring.answers.length <= 1);

  // the caller's AbortSignal: its reason is thrown, no poll follows
  const aborted = await start(TV);
  const controller = new AbortController();
  const stopped = aborted.poll({ signal: controller.signal });
  await until(() => aborted.answers.length >= 1);
  controller.abort();
  await assert.rejects(stopped, (e) => e.name === "AbortError");
  const seen = aborted.answers.length;
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(aborted.answers.length, seen);
  await assert.rejects(aborted.poll({ signal: AbortSignal.abort(new Error("gone")) }), { message: "gone" });
});

test("device: bad polling options are refused before anything is sent", async () => {
  const a = parseDeviceAuthorizationResponse({
    status: 200,
    body: '{"device_code":"d","user_code":"u","verification_uri":"https://idp.example.com/device","expires_in":60}',
  });
  const fetch = () => assert.fail("no fetch");
  const poll = (extra) => pollDeviceAuthorization({ tokenEndpoint: "https://idp.example.com/token", clientAuth: TV, deviceAuthorization: a, fetch, ...extra });
  await assert.rejects(poll({ signal: "stop" }), { code: "invalid_request" });
  await assert.rejects(poll({ now: 1 }), { code: "invalid_request" });
  await assert.rejects(poll({ tokenEndpoint: "http://idp.example.com/token" }), { code: "invalid_request" });
  await assert.rejects(poll({ deviceAuthorization: { ...a, deviceCode: "" } }), { code: "invalid_request" });
  await assert.rejects(poll({ deviceAuthorization: { ...a, interval: NaN } }), { code: "invalid_request" });
  await assert.rejects(poll({ deviceAuthorization: undefined }), { code: "invalid_request" });
  await assert.rejects(poll({ deviceAuthorization: { ...a, expiresAt: 1 } }), (e) => e.code === "authorization_error" && e.error === "expired_token");
});
