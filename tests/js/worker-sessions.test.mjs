// worker/ in real workerd with its SessionRevocations Durable Object (in-memory storage): the RP's back-channel
// logout endpoint verifies the logout token (OIDC Back-Channel Logout 1.0), then access tokens of that sid / sub
// issued before the logout are refused; the logout token's jti is refused a second time (replay in the object), as
// are DPoP proofs' jti (through the object too). With ISSUERS, two real oidc-providers send their own logouts.
// The object's storage is bounded: its alarm drops jti records once expired and logout records after a retention.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, importJWK } from "jose";
import { clientCredentials } from "oidc-edge";
import { AUDIENCE, ISSUER, accessToken, signingKey } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";
import { freePort } from "./support/workerd.mjs";
import { startProvider } from "./support/provider.mjs";
import { dpopClient, dpopProof } from "./support/dpop-client.mjs";

const RP = "rp-client";
let env;
let k1;
before(async () => {
  k1 = await signingKey("k1");
  env = await startWorkerEnv([k1], { BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: RP, DPOP: "true" },
    { durableObjects: { SESSIONS: "SessionRevocations" } });
});
after(() => env?.close());

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const call = (token) => fetch(`${env.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
let jtis = 0;
function logoutToken(claims) {
  return new SignJWT({
    iss: ISSUER, aud: RP, iat: now(), exp: now() + 120, jti: `l-${jtis++}`,
    events: { "http://schemas.openid.net/event/backchannel-logout": {} }, ...claims,
  }).setProtectedHeader({ alg: k1.alg, kid: k1.kid, typ: "logout+jwt" }).sign(k1.privateKey);
}
const postLogout = (token, body = `logout_token=${token}`) => fetch(`${env.url}/backchannel-logout`, {
  method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body,
});

test("back-channel logout by sid: earlier tokens of the session refused, later ones and other sessions accepted", async () => {
  const before = await accessToken(k1, { sid: "s-1", iat: now() - 10 });
  const other = await accessToken(k1, { sid: "s-2", iat: now() - 10 });
  assert.equal((await call(before)).status, 200, env.logs.join(""));
  const lt = await logoutToken({ sid: "s-1" });
  const res = await postLogout(lt);
  assert.equal(res.status, 200, env.logs.join(""));
  assert.equal(res.headers.get("cache-control"), "no-store");
  const refused = await call(before);
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get("www-authenticate"), /error="invalid_token"/);
  assert.equal((await call(other)).status, 200);
  // the same logout token again: a replay, refused (and nothing else changes)
  assert.equal((await postLogout(lt)).status, 400);
  await sleep(1100);
  assert.equal((await call(await accessToken(k1, { sid: "s-1", iat: now() }))).status, 200, "issued after the logout");
});

test("back-channel logout by sub; bad logout requests are 400", async () => {
  const bob = await accessToken(k1, { sub: "bob", iat: now() - 5 });
  const bobNoIat = await accessToken(k1, { sub: "bob", iat: undefined });
  const carol = await accessToken(k1, { sub: "carol", iat: undefined });
  assert.equal((await call(bob)).status, 200);
  assert.equal((await call(bobNoIat)).status, 200);
  assert.equal((await postLogout(await logoutToken({ sub: "bob" }))).status, 200);
  assert.equal((await call(bob)).status, 401);
  assert.equal((await call(bobNoIat)).status, 401, "without iat it cannot tell: refused once bob logged out");
  assert.equal((await call(carol)).status, 200, "without iat but with no logout: accepted");
  for (const body of [
    "", "logout_token=x.y.z", `logout_token=${await logoutToken({ sid: "s-9", aud: "someone-else" })}`,
    `logout_token=${await logoutToken({ sid: "s-9", nonce: "n" })}`, `logout_token=${await logoutToken({ sid: "s-9", events: {} })}`,
    `logout_token=${await logoutToken({})}`,
  ]) {
    assert.equal((await postLogout(null, body)).status, 400, body.slice(0, 40));
  }
  assert.equal((await fetch(`${env.url}/backchannel-logout`)).status, 405);
});

test("DPoP proofs' jti go through the Durable Object: a proof is accepted once", async () => {
  const client = await dpopClient();
  const token = await accessToken(k1, { cnf: { jkt: client.jkt } });
  const url = `${env.url}/api/orders`;
  const proof = await dpopProof(client, "GET", url, token);
  const send = () => fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
  assert.equal((await send()).status, 200, env.logs.join(""));
  const replay = await send();
  assert.equal(replay.status, 401);
  assert.match(replay.headers.get("www-authenticate"), /error="invalid_dpop_proof"/);
});

test("ISSUERS: each provider's logout token is checked with its own keys and audience, and ends only its sessions", async (t) => {
  const port = await freePort();
  const SVC = { clientId: "svc", clientSecret: "svc secret" };
  const provider = (rp) => startProvider({
    clients: [
      { client_id: SVC.clientId, client_secret: SVC.clientSecret, token_endpoint_auth_method: "client_secret_post",
        grant_types: ["client_credentials"], response_types: [], redirect_uris: [], scope: "orders.read" },
      { client_id: rp, token_endpoint_auth_method: "none", redirect_uris: ["http://127.0.0.1/cb"],
        grant_types: ["authorization_code"], response_types: ["code"],
        backchannel_logout_uri: `http://127.0.0.1:${port}/backchannel-logout`, backchannel_logout_session_required: false },
    ],
    resourceServers: { [AUDIENCE]: { scope: "orders.read" } },
    scopes: ["orders.read"],
    features: { backchannelLogout: { enabled: true } },
    loopbackFetch: true,
  });
  const opA = await provider("rp-a");
  t.after(() => opA.close());
  const opB = await provider("rp-b");
  t.after(() => opB.close());
  const w = await startWorkerEnv([], {
    ISSUERS: JSON.stringify([
      { issuer: opA.issuer, audience: AUDIENCE, jwksUri: `${opA.issuer}/jwks` },
      { issuer: opB.issuer, audience: AUDIENCE, jwksUri: `${opB.issuer}/jwks`, logoutAudience: "rp-b" },
    ]),
    BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: "rp-a",
  }, { durableObjects: { SESSIONS: "SessionRevocations" }, port });
  t.after(() => w.close());
  // Client-credentials JWTs: the same sub ("svc") at both providers, each its own session store.
  const tokenOf = async (op) => (await clientCredentials({
    tokenEndpoint: `${op.issuer}/token`, clientAuth: SVC, scope: "orders.read", resource: AUDIENCE,
  })).accessToken;
  const get = (token) => fetch(`${w.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  const post = (token) => fetch(`${w.url}/backchannel-logout`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `logout_token=${token}`,
  });
  const tokA = await tokenOf(opA);
  const tokB = await tokenOf(opB);
  assert.equal((await get(tokA)).status, 200, w.logs.join(""));
  assert.equal((await get(tokB)).status, 200);

  // oidc-provider B logs "svc" out: it throws unless the worker answered 200
  await (await opB.provider.Client.find("rp-b")).backchannelLogout(SVC.clientId, "unused");
  assert.equal((await get(tokB)).status, 401, "B's earlier token of svc is refused");
  assert.equal((await get(tokA)).status, 200, "A's session of the same sub is not B's to end");
  await sleep(1100);
  const tokB2 = await tokenOf(opB);
  assert.equal((await get(tokB2)).status, 200, "issued after the logout");

  // Logout tokens forged with B's own key (its kid is A's kid too, "provider-rs256"), each otherwise valid.
  const keyB = opB.privateJwks.keys[0];
  assert.equal(keyB.kid, opA.signingJwks.keys[0].kid);
  const forge = async (iss, aud) => new SignJWT({
    iss, aud, iat: now(), exp: now() + 120, jti: `forged-${jtis++}`, sub: SVC.clientId,
    events: { "http://schemas.openid.net/event/backchannel-logout": {} },
  }).setProtectedHeader({ alg: "RS256", kid: keyB.kid, typ: "logout+jwt" }).sign(await importJWK(keyB, "RS256"));
  for (const [iss, aud, why] of [
    [opA.issuer, "rp-a", "iss A signed by B's key"],
    ["https://unknown.example.com", "rp-b", "an unknown iss"],
    [opB.issuer, "rp-a", "B's token for A's logout audience"],
  ]) {
    assert.equal((await post(await forge(iss, aud))).status, 400, why);
  }
  const logs = w.logs.join("");
  assert.match(logs, /logout token refused: invalid_signature/, "A's keys checked the token naming A");
  assert.match(logs, /"https:\/\/unknown\.example\.com" is not a configured issuer/);
  assert.match(logs, /logout token refused: audience_mismatch/);
  assert.equal((await get(tokA)).status, 200, "the refused logouts ended nothing");
  assert.equal((await get(tokB2)).status, 200);
  // the control: the same forging with B's iss and audience is a valid logout of B's "svc"
  await sleep(1100);
  assert.equal((await post(await forge(opB.issuer, "rp-b"))).status, 200);
  assert.equal((await get(tokB2)).status, 401);
  assert.equal((await get(tokA)).status, 200);
});

test("the Durable Object's alarm drops each jti once expired and each logout record SESSION_LOGOUT_RETENTION after it", async (t) => {
  const w = await startWorkerEnv([k1], {
    BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: RP, SESSION_LOGOUT_RETENTION: "2", DPOP: "true",
  }, { durableObjects: { SESSIONS: "SessionRevocations" } });
  t.after(w.close);
  const get = (token) => fetch(`${w.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } });
  const post = (token) => fetch(`${w.url}/backchannel-logout`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `logout_token=${token}`,
  });
  // lives 300 s, longer than the retention: the misconfiguration the docs warn of, here to see the record go
  const earlyIat = now();
  const early = await accessToken(k1, { sid: "r-1", iat: earlyIat });
  assert.equal((await get(early)).status, 200, w.logs.join(""));
  // issued before the retention window: its session's logout could be forgotten already, so it is refused
  assert.equal((await get(await accessToken(k1, { sid: "r-9", iat: now() - 10 }))).status, 401, "older than the retention");
  const shortLived = await logoutToken({ sid: "r-1", exp: now() + 1 });
  const longLived = await logoutToken({ sid: "r-2", exp: now() + 120 });
  assert.equal((await post(shortLived)).status, 200, w.logs.join(""));
  assert.equal((await post(longLived)).status, 200);
  // a DPoP proof's jti, in its own object, kept for the proof's iat window (300 s)
  const client = await dpopClient();
  const bound = await accessToken(k1, { cnf: { jkt: client.jkt } });
  const proof = await dpopProof(client, "GET", `${w.url}/api/orders`, bound);
  const sendProof = () => fetch(`${w.url}/api/orders`, { headers: { authorization: `DPoP ${bound}`, dpop: proof } });
  assert.equal((await sendProof()).status, 200);
  assert.equal((await get(early)).status, 401, "the session was ended");

  // the alarms: the short-lived logout token's jti after ~1 s, both sid records after ~2 s
  const dropped = () => [...w.logs.join("").matchAll(/session store: (\d+) records dropped \((\d+) jti\)/g)]
    .reduce(([n, j], m) => [n + Number(m[1]), j + Number(m[2])], [0, 0]);
  for (let i = 0; i < 80 && dropped()[0] < 3; i++) await sleep(100);
  assert.deepEqual(dropped(), [3, 1], w.logs.join(""));
  await sleep(300);
  assert.deepEqual(dropped(), [3, 1], "the long-lived logout token's jti and the proof's are kept");
  // r-1's logout record is gone, but its token is older than the retention by now: still refused (fail closed);
  // a token of r-1 issued now is inside the window, and after the (forgotten) logout anyway
  while (now() - earlyIat <= 2) await sleep(100);
  assert.equal((await get(early)).status, 401, "r-1's record is gone, the token is refused by its age");
  assert.equal((await get(await accessToken(k1, { sid: "r-1", iat: now() }))).status, 200);
  // the kept jti still refuses a replay; so does the proof's
  assert.equal((await post(longLived)).status, 400, "its jti is kept until the token expires");
  assert.equal((await sendProof()).status, 401, "the proof's jti is kept");
});

test("SESSION_LOGOUT_RETENTION that is not a number of seconds: the session store fails closed", async (t) => {
  const w = await startWorkerEnv([k1], {
    BACKCHANNEL_LOGOUT_PATH: "/backchannel-logout", LOGOUT_AUDIENCE: RP, SESSION_LOGOUT_RETENTION: "1 day",
  }, { durableObjects: { SESSIONS: "SessionRevocations" } });
  t.after(w.close);
  const res = await fetch(`${w.url}/api/orders`, { headers: { authorization: `Bearer ${await accessToken(k1, { sid: "x" })}` } });
  assert.equal(res.status, 503);
  assert.match(w.logs.join(""), /SESSION_LOGOUT_RETENTION must be an integer number of seconds, found "1 day"/);
});
