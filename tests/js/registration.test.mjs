// Dynamic client registration (RFC 7591) and management (RFC 7592) (issue 17, item 5) against a real
// oidc-provider on 127.0.0.1 (features registration, with an initial access token, and registrationManagement,
// started here): register, sign in as the new client, read, update (the token rotates), delete; metadata refused
// before it is sent, and answers refused when they break RFC 7591 §3.2.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  buildClientConfigurationRequest,
  buildRegistrationRequest,
  clientCredentials,
  deleteClient,
  discover,
  parseClientConfigurationResponse,
  parseRegistrationResponse,
  readClient,
  registerClient,
  updateClient,
} from "oidc-edge";
import { startProvider } from "./support/provider.mjs";

const INITIAL = "initial-access-token-for-tests";

let op;
let meta;

before(async () => {
  op = await startProvider({
    features: {
      registration: { enabled: true, initialAccessToken: INITIAL },
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
    },
  });
  meta = await discover(op.issuer);
});

after(async () => {
  await op?.close();
});

const service = {
  client_name: "registered service",
  "client_name#fr": "service inscrit",
  redirect_uris: ["https://app.example/cb", "http://127.0.0.1:4000/cb"],
  grant_types: ["client_credentials", "authorization_code"],
  response_types: ["code"],
  token_endpoint_auth_method: "client_secret_basic",
  scope: "api:read",
};

test("register, use, read, update, delete a client (RFC 7591, RFC 7592)", async () => {
  const registrationEndpoint = meta.registration_endpoint;
  assert.ok(registrationEndpoint);
  const info = await registerClient({ registrationEndpoint, initialAccessToken: INITIAL, metadata: service });
  assert.ok(info.client_id && info.client_secret);
  assert.equal(typeof info.client_secret_expires_at, "number");
  assert.deepEqual(info.redirect_uris, service.redirect_uris);
  assert.equal(info.token_endpoint_auth_method, "client_secret_basic");
  assert.ok(info.registration_client_uri.startsWith(registrationEndpoint));

  // the new client works at once
  const tokens = await clientCredentials({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: info.client_id, clientSecret: info.client_secret },
    scope: "api:read",
  });
  assert.ok(tokens.accessToken);

  const manage = { registrationClientUri: info.registration_client_uri, registrationAccessToken: info.registration_access_token };
  const read = await readClient({ ...manage, clientId: info.client_id });
  assert.equal(read.client_id, info.client_id);
  assert.equal(read.client_name, service.client_name);

  // a full replacement; the server rotates the registration access token
  const { client_id, client_secret } = info;
  const updated = await updateClient({
    ...manage,
    metadata: { ...service, client_id, client_secret, client_name: "renamed", redirect_uris: ["https://app.example/cb2"] },
  });
  assert.equal(updated.client_name, "renamed");
  assert.deepEqual(updated.redirect_uris, ["https://app.example/cb2"]);
  assert.ok(updated.registration_access_token && updated.registration_access_token !== info.registration_access_token);
  await assert.rejects(readClient(manage), (e) => e.code === "authorization_error" && e.status === 401);

  const latest = { ...manage, registrationAccessToken: updated.registration_access_token };
  assert.equal(await deleteClient(latest), undefined);
  await assert.rejects(readClient(latest), (e) => e.code === "authorization_error" && e.status === 401);
  await assert.rejects(
    clientCredentials({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: client_id, clientSecret: client_secret } }),
    (e) => e.code === "authorization_error" && e.error === "invalid_client",
  );
});

test("the sans-IO builders and parsers, sent by hand", async () => {
  const req = buildRegistrationRequest({
    registrationEndpoint: meta.registration_endpoint,
    initialAccessToken: INITIAL,
    metadata: { ...service, token_endpoint_auth_method: "client_secret_post" },
  });
  assert.equal(req.method, "POST");
  assert.equal(req.headers["content-type"], "application/json");
  assert.equal(req.headers.authorization, `Bearer ${INITIAL}`);
  const send = async (r) => {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: "manual" });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };
  const info = parseRegistrationResponse(await send(req));
  assert.equal(info.token_endpoint_auth_method, "client_secret_post");
  const manage = { registrationClientUri: info.registration_client_uri, registrationAccessToken: info.registration_access_token };

  const read = buildClientConfigurationRequest({ ...manage, operation: "read" });
  assert.equal(read.method, "GET");
  assert.equal(read.body, undefined);
  assert.equal(parseClientConfigurationResponse(await send(read), { clientId: info.client_id }).client_id, info.client_id);
  // the answer must be for the client asked about
  assert.throws(() => parseClientConfigurationResponse({ status: 200, body: JSON.stringify({ client_id: "other" }) }, { clientId: info.client_id }), {
    code: "http_error",
  });

  const del = buildClientConfigurationRequest({ ...manage, operation: "delete" });
  assert.equal(del.method, "DELETE");
  assert.equal(parseClientConfigurationResponse(await send(del), { operation: "delete" }), undefined);
});

test("the provider's refusals keep their RFC 7591 §3.2.2 codes", async () => {
  const registrationEndpoint = meta.registration_endpoint;
  await assert.rejects(
    registerClient({ registrationEndpoint, metadata: service }),
    (e) => e.code === "authorization_error" && e.status === 401,
    "no initial access token",
  );
  await assert.rejects(
    registerClient({ registrationEndpoint, initialAccessToken: "wrong", metadata: service }),
    (e) => e.code === "authorization_error" && e.status === 401,
  );
  await assert.rejects(
    registerClient({ registrationEndpoint, initialAccessToken: INITIAL, metadata: { ...service, grant_types: ["implicit"], response_types: ["id_token"] } }),
    (e) => e.code === "authorization_error" && e.error === "invalid_redirect_uri" && e.status === 400,
  );
  await assert.rejects(
    registerClient({ registrationEndpoint, initialAccessToken: INITIAL, metadata: { ...service, grant_types: ["urn:example:unknown"] } }),
    (e) => e.code === "authorization_error" && e.error === "invalid_client_metadata" && e.status === 400,
  );
});

test("metadata the specifications refuse is never sent", async () => {
  let sent = 0;
  const fetch = async () => {
    sent++;
    return new Response("{}", { status: 201 });
  };
  const registrationEndpoint = meta.registration_endpoint;
  for (const metadata of [
    { redirect_uris: ["https://app.example/cb#fragment"] },
    { redirect_uris: ["http://app.example/cb"] },
    { redirect_uris: "https://app.example/cb" },
    { redirect_uris: ["https://user:pw@app.example/cb"] },
    { token_endpoint_auth_method: "client_secret" },
    { jwks: { keys: [] }, jwks_uri: "https://app.example/jwks" },
    { jwks: [{ kty: "EC" }] },
    { jwks_uri: "http://app.example/jwks" },
    { client_id: "chosen-by-me" },
    { client_secret: "chosen-by-me" },
    { registration_access_token: "x" },
    { client_secret_expires_at: 0 },
    { "client_name#de": ["x"] },
    { default_max_age: -5 },
    { logo_uri: "relative.png" },
  ]) {
    assert.throws(() => buildRegistrationRequest({ registrationEndpoint, metadata }), { code: "invalid_request" }, JSON.stringify(metadata));
    await assert.rejects(registerClient({ registrationEndpoint, metadata, fetch }), { code: "invalid_request" });
  }
  for (const bad of [
    { registrationEndpoint: "http://op.example/reg", metadata: {} },
    { registrationEndpoint, metadata: {}, initialAccessToken: "a b" },
    { registrationEndpoint, metadata: {}, clientAuth: { clientId: "x", clientSecret: "y" } },
  ]) {
    await assert.rejects(registerClient({ ...bad, fetch }), { code: "invalid_request" }, JSON.stringify(bad));
  }
  const manage = { registrationClientUri: `${registrationEndpoint}/x`, registrationAccessToken: "t" };
  for (const [call, opts] of [
    [buildClientConfigurationRequest, { ...manage, operation: "update", metadata: { client_name: "no id" } }],
    [buildClientConfigurationRequest, { ...manage, operation: "update" }],
    [buildClientConfigurationRequest, { ...manage, operation: "read", metadata: { client_id: "x" } }],
    [buildClientConfigurationRequest, { ...manage }],
    [buildClientConfigurationRequest, { ...manage, operation: "replace" }],
    [buildClientConfigurationRequest, { ...manage, operation: "update", metadata: { client_id: "x", registration_client_uri: "https://a.example/" } }],
    [buildClientConfigurationRequest, { ...manage, registrationClientUri: "http://op.example/reg/x", operation: "read" }],
  ]) {
    assert.throws(() => call(opts), { code: "invalid_request" }, JSON.stringify(opts));
  }
  await assert.rejects(readClient({ ...manage, operation: "delete", fetch }), { code: "invalid_request" });
  assert.equal(sent, 0);
});

test("answers that break RFC 7591 §3.2.1 / RFC 7592 are refused", () => {
  const good = {
    client_id: "c1", client_secret: "s", client_secret_expires_at: 0,
    registration_access_token: "rat", registration_client_uri: "https://op.example/reg/c1",
  };
  assert.equal(parseRegistrationResponse({ status: 201, body: JSON.stringify(good) }).client_id, "c1");
  const { client_secret_expires_at, ...noExpiry } = good;
  const { registration_client_uri, ...noUri } = good;
  for (const [status, body] of [
    [200, good],
    [201, { ...good, client_id: "" }],
    [201, noExpiry],
    [201, noUri],
    [201, { ...good, registration_client_uri: "http://op.example/reg/c1" }],
    [201, { ...good, redirect_uris: "https://a.example/cb" }],
    [201, { ...good, jwks: { keys: [] }, jwks_uri: "https://a.example/jwks" }],
    [302, good],
  ]) {
    assert.throws(() => parseRegistrationResponse({ status, body: JSON.stringify(body) }), { code: "http_error" }, `${status} ${JSON.stringify(body)}`);
  }
  assert.throws(() => parseRegistrationResponse({ status: 201, body: "[]" }), { code: "http_error" });
  assert.throws(() => parseClientConfigurationResponse({ status: 200, body: "" }, { operation: "delete" }), { code: "http_error" });
  assert.throws(() => parseClientConfigurationResponse({ status: 201, body: JSON.stringify(good) }), { code: "http_error" });
});
