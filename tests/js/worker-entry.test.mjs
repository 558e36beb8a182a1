// `oidc-edge/worker` (the Worker entry, its own module without the sign-in client and without the Rust
// RSA/ECDSA/EdDSA) in real workerd, bundled as wrangler bundles a Worker: what it exports, createEdgeVerifier
// allowing and refusing tokens of a loopback JWKS, and every algorithm of the sync/async matrix through
// workerd's WebCrypto, against the main entry's outcomes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import * as full from "oidc-edge";
import { startWorker } from "./support/workerd.mjs";
import { AUDIENCE, ISSUER, ROUTES, accessToken, jwksServer, signingKey, tamper } from "./support/edge-fixtures.mjs";
import { makeAsyncFixtures } from "./support/async-fixtures.mjs";
import { expectedOutcomes } from "./support/spa-matrix.mjs";

const ENTRY = resolve(import.meta.dirname, "fixtures/workerd/worker-entry.js");
let jwks;
let worker;
let keys;

before(async () => {
  keys = await Promise.all([signingKey("es", "ES256"), signingKey("rs", "RS256"), signingKey("ed", "EdDSA")]);
  jwks = await jwksServer(keys);
  worker = await startWorker(ENTRY, {
    bindings: { CONFIG: JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri, routes: ROUTES }) },
  });
});
after(async () => {
  await worker?.close();
  await jwks?.close();
});

test("the Worker bundles only the worker module, and the entry exports what worker.d.ts declares", async () => {
  const res = await fetch(`${worker.url}/exports`);
  assert.equal(res.status, 200, worker.logs.join(""));
  assert.deepEqual(await res.json(), [
    "JwkSet", "OidcEdgeError", "RemoteJwks", "ScopeRequirement", "TokenVerifier", "bearerChallenge",
    "createEdgeVerifier", "hasScopes", "init", "isEndedBySessionLogout", "parseLogoutRequest", "requireScopes", "scopesOf",
    "sessionLogoutKeys", "unverifiedIssuer",
  ]);
});

test("createEdgeVerifier: ES256, RS256 and EdDSA tokens allowed through WebCrypto; tampered, unknown and under-scoped ones refused", async () => {
  for (const key of keys) {
    const token = await accessToken(key, { sub: `user-${key.alg}`, scope: "orders.read orders.write" });
    const res = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `${key.alg}: ${worker.logs.join("")}`);
    assert.deepEqual(await res.json(), { sub: `user-${key.alg}`, scopes: ["orders.read", "orders.write"], canWrite: true });

    const bad = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${tamper(token)}` } });
    assert.equal(bad.status, 401, key.alg);
    assert.match(bad.headers.get("www-authenticate"), /^Bearer .*error="invalid_token"/, key.alg);
  }
  const low = await accessToken(keys[0], { scope: "profile" });
  const denied = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${low}` } });
  assert.equal(denied.status, 403);
  assert.match(denied.headers.get("www-authenticate"), /error="insufficient_scope", scope="orders.read"/);
  const stranger = await accessToken(await signingKey("es", "ES256"));
  const unknown = await fetch(`${worker.url}/api/orders`, { headers: { authorization: `Bearer ${stranger}` } });
  assert.equal(unknown.status, 401);
  const none = await fetch(`${worker.url}/api/orders`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("www-authenticate"), "Bearer");
  const pub = await fetch(`${worker.url}/health`);
  assert.equal(pub.status, 200);
  assert.deepEqual(await pub.json(), { sub: null, scopes: [], canWrite: false });
});

test("TokenVerifier in workerd: every algorithm's Async outcome is the main entry's, sync refuses all but HS*", async () => {
  const fixtures = await makeAsyncFixtures();
  const expected = await expectedOutcomes(full, fixtures);
  const res = await fetch(`${worker.url}/matrix`, { method: "POST", body: JSON.stringify({ fixtures, expected }) });
  assert.equal(res.status, 200, worker.logs.join(""));
  const { failures, ran } = await res.json();
  assert.deepEqual(failures, []);
  assert.ok(ran > 100, `ran ${ran} cases`);
});
