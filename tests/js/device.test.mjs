// The device authorization grant (RFC 8628) against a real oidc-provider on 127.0.0.1 (started here, feature
// deviceFlow): the device authorization request with each client authentication, its answer, and the sans-IO
// builder and parser on their own.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  buildDeviceAuthorizationRequest,
  buildTokenRequest,
  discover,
  parseDeviceAuthorizationResponse,
  requestDeviceAuthorization,
} from "oidc-edge";
import { startProvider } from "./support/provider.mjs";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** A public client (a TV app) and a confidential one (a CLI with a secret), both allowed the device grant. */
const TV = { clientId: "tv" };
const CLI = { clientId: "cli", clientSecret: "cli: secret%" };

let op;
let meta;

before(async () => {
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
    ],
    features: { deviceFlow: { enabled: true } },
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
