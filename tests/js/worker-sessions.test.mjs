// worker/ in real workerd with its SessionRevocations Durable Object (in-memory storage): the RP's back-channel
// logout endpoint verifies the logout token (OIDC Back-Channel Logout 1.0), then access tokens of that sid / sub
// issued before the logout are refused; the logout token's jti is refused a second time (replay in the object), as
// are DPoP proofs' jti (through the object too).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { ISSUER, accessToken, signingKey } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";
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
  assert.equal((await call(bob)).status, 200);
  assert.equal((await postLogout(await logoutToken({ sub: "bob" }))).status, 200);
  assert.equal((await call(bob)).status, 401);
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
