// OIDC Back-Channel Logout 1.0 at the relying party (issue 17, item 6): logout tokens that a real oidc-provider
// (feature backchannelLogout, started here) POSTs to a backchannel_logout_uri on a loopback server of this test,
// and jose-signed tokens that break one rule each; the replay store, built in and pluggable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import {
  JwkSet, ReplayCache, TokenVerifier, isEndedBySessionLogout, parseLogoutRequest, sessionLogoutKeys, unverifiedIssuer,
} from "oidc-edge";
import { startProvider } from "./support/provider.mjs";

const EVENT = "http://schemas.openid.net/event/backchannel-logout";
const FORM = "application/x-www-form-urlencoded";
const RP = "rp-backchannel";
const RP_NO_SID = "rp-backchannel-nosid";

let op;
let rp;
/** What the RP endpoint received and decided, in order: { client, status, claims?, code? }. */
const received = [];
/** The RP endpoint's verifier, per client (each has its own audience). */
const verifiers = {};

/** The RP's back-channel logout endpoint: parse, verify, answer 200 or 400 (§2.8). */
async function onLogout(req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const client = new URL(req.url, "http://x").searchParams.get("client");
  let outcome;
  try {
    const token = parseLogoutRequest(Buffer.concat(chunks).toString(), req.headers["content-type"] ?? null);
    outcome = { client, status: 200, token, claims: await verifiers[client].verifyLogoutTokenAsync(token) };
  } catch (e) {
    outcome = { client, status: 400, code: e.code };
  }
  received.push(outcome);
  res.writeHead(outcome.status, { "cache-control": "no-store" }).end();
}

before(async () => {
  rp = createServer(onLogout);
  await new Promise((resolve) => rp.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${rp.address().port}/backchannel`;
  const client = (client_id, sessionRequired) => ({
    client_id,
    token_endpoint_auth_method: "none",
    redirect_uris: ["http://127.0.0.1/cb"],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    backchannel_logout_uri: `${base}?client=${client_id}`,
    backchannel_logout_session_required: sessionRequired,
  });
  op = await startProvider({
    clients: [client(RP, true), client(RP_NO_SID, false)],
    features: { backchannelLogout: { enabled: true } },
    loopbackFetch: true,
  });
  for (const id of [RP, RP_NO_SID]) {
    verifiers[id] = new TokenVerifier({ issuer: op.issuer, audience: id, jwks: JwkSet.fromJson(op.signingJwks) });
  }
});

after(async () => {
  await op?.close();
  await new Promise((resolve) => rp?.close(resolve) ?? resolve());
});

/** Has oidc-provider send its back-channel logout for `sub` (and `sid`) to the client's endpoint. */
async function providerLogout(clientId, sub, sid) {
  const client = await op.provider.Client.find(clientId);
  const before = received.length;
  await client.backchannelLogout(sub, sid);
  assert.equal(received.length, before + 1);
  return received.at(-1);
}

test("oidc-provider's logout tokens verify, once each", async () => {
  const first = await providerLogout(RP, "alice", "sid-1");
  assert.equal(first.status, 200, `the RP refused: ${first.code}`);
  assert.equal(first.claims.sub, "alice");
  assert.equal(first.claims.sid, "sid-1");
  assert.equal(first.claims.iss, op.issuer);
  assert.deepEqual(first.claims.events, { [EVENT]: {} });
  assert.equal(typeof first.claims.jti, "string");
  assert.equal(first.claims.nonce, undefined);
  assert.equal(JSON.parse(Buffer.from(first.token.split(".")[0], "base64url")).typ, "logout+jwt");

  // The same token sent again is a replay: refused (400), the provider's retry included.
  const replay = await fetch(`http://127.0.0.1:${rp.address().port}/backchannel?client=${RP}`, {
    method: "POST",
    headers: { "content-type": FORM },
    body: new URLSearchParams({ logout_token: first.token }),
  });
  assert.equal(replay.status, 400);
  assert.equal(received.at(-1).code, "token_replayed");

  // A new logout of the same session is a new token (new jti): accepted.
  assert.equal((await providerLogout(RP, "alice", "sid-1")).status, 200);
  // Without backchannel_logout_session_required the token names the user alone: sub without sid.
  const noSid = await providerLogout(RP_NO_SID, "bob", "sid-2");
  assert.equal(noSid.status, 200, noSid.code);
  assert.equal(noSid.claims.sub, "bob");
  assert.equal(noSid.claims.sid, undefined);
  // A token for one client is refused by another's verifier.
  const other = new TokenVerifier({ issuer: op.issuer, audience: RP_NO_SID, jwks: JwkSet.fromJson(op.signingJwks) });
  assert.throws(() => other.verifyLogoutToken(first.token), { code: "audience_mismatch" });
});

test("parseLogoutRequest reads exactly one logout_token from a form POST", () => {
  assert.equal(parseLogoutRequest("logout_token=a.b.c", FORM), "a.b.c");
  assert.equal(parseLogoutRequest("state=x&logout_token=a.b%2Ec", "Application/X-WWW-Form-Urlencoded;charset=utf-8"), "a.b.c");
  for (const [body, type] of [
    ["logout_token=a.b.c&logout_token=a.b.c", FORM],
    ["logout_token=", FORM],
    ["", FORM],
    ["logout_token=a.b.c", "application/json"],
    ["logout_token=a.b.c", null],
    ["logout_token=a.b.c", undefined],
    [`logout_token=${"a".repeat(70_000)}`, FORM],
    [42, FORM],
  ]) {
    assert.throws(() => parseLogoutRequest(body, type), { name: "OidcEdgeError", code: "invalid_request" });
  }
});

const NOW = 1_700_000_000;
const ISSUER = "https://op.example.com";
let es256;
let signer;

/** A jose-signed logout token for client "rp" with `claims` over the valid ones (`undefined` removes one). */
async function logoutToken(claims = {}, header = { typ: "logout+jwt" }) {
  const all = { iss: ISSUER, aud: "rp", iat: NOW, exp: NOW + 120, jti: `j-${Math.random()}`, sid: "s1", sub: "u1",
    events: { [EVENT]: {} }, ...claims };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  return new SignJWT(all).setProtectedHeader({ alg: "ES256", kid: "k1", ...header }).sign(es256.privateKey);
}

function verifier(extra = {}) {
  return new TokenVerifier({ issuer: ISSUER, audience: "rp", jwks: signer, ...extra });
}

before(async () => {
  es256 = await generateKeyPair("ES256");
  signer = JwkSet.fromJson({ keys: [{ ...(await exportJWK(es256.publicKey)), kid: "k1", alg: "ES256" }] });
});

test("each rule of §2.4 and §2.6, on jose-signed tokens, sync and Async alike", async () => {
  const v = verifier();
  const cases = [
    [{ nonce: "n" }, undefined, "invalid_claim"],
    [{ events: undefined }, undefined, "missing_claim"],
    [{ events: [EVENT] }, undefined, "invalid_claim"],
    [{ events: { [EVENT]: "logout" } }, undefined, "invalid_claim"],
    [{ events: { "http://schemas.openid.net/event/other": {} } }, undefined, "missing_claim"],
    [{ sid: undefined, sub: undefined }, undefined, "missing_claim"],
    [{ sid: 5 }, undefined, "invalid_claim"],
    [{ exp: undefined }, undefined, "missing_claim"],
    [{ exp: NOW }, undefined, "token_expired"],
    [{ jti: undefined }, undefined, "missing_claim"],
    [{ iat: undefined }, undefined, "missing_claim"],
    [{ aud: "another-client" }, undefined, "audience_mismatch"],
    [{ iss: "https://evil.example.com" }, undefined, "issuer_mismatch"],
    [{}, { typ: "at+jwt" }, "typ_mismatch"],
    [{}, { typ: "secevent+jwt" }, "typ_mismatch"],
  ];
  for (const [claims, header, code] of cases) {
    const token = await logoutToken(claims, header);
    assert.throws(() => v.verifyLogoutToken(token, { now: NOW }), { code }, JSON.stringify(claims));
    await assert.rejects(v.verifyLogoutTokenAsync(token, { now: NOW }), { code }, JSON.stringify(claims));
  }
  // absent and JWT typ are accepted too (Back-Channel Logout 1.0 predates logout+jwt in some providers)
  for (const header of [{}, { typ: "JWT" }, { typ: "application/logout+jwt" }]) {
    assert.equal(v.verifyLogoutToken(await logoutToken({}, header), { now: NOW }).sid, "s1");
  }
  // a refused token took no place in the store: the same jti, valid, is accepted afterwards
  const jti = "refused-first";
  await assert.rejects(v.verifyLogoutTokenAsync(await logoutToken({ jti, nonce: "n" }), { now: NOW }), { code: "invalid_claim" });
  assert.equal((await v.verifyLogoutTokenAsync(await logoutToken({ jti }), { now: NOW })).jti, jti);
  await assert.rejects(v.verifyLogoutTokenAsync(await logoutToken({ jti }), { now: NOW }), { code: "token_replayed" });
  // a logout token is no ID token, and an ID token is no logout token
  const typed = await logoutToken();
  assert.throws(() => v.verifyIdToken(typed, { now: NOW }), { code: "typ_mismatch" });
  const idToken = await logoutToken({ events: undefined, nonce: "n" }, {});
  assert.throws(() => v.verifyLogoutToken(idToken, { now: NOW }), { code: "missing_claim" });
});

test("a jti is refused until exp plus the clock tolerance, then the token is expired anyway", async () => {
  const v = verifier({ clockTolerance: 30 });
  const token = await logoutToken({ exp: NOW + 60 });
  v.verifyLogoutToken(token, { now: NOW });
  assert.throws(() => v.verifyLogoutToken(token, { now: NOW + 89 }), { code: "token_replayed" });
  assert.throws(() => v.verifyLogoutToken(token, { now: NOW + 90 }), { code: "token_expired" });
  // the verified-token cache never serves a logout token, so the replay check always runs
  const cached = verifier({ cache: { maxEntries: 10 } });
  cached.verifyLogoutToken(token, { now: NOW });
  assert.throws(() => cached.verifyLogoutToken(token, { now: NOW }), { code: "token_replayed" });
});

test("ReplayCache: shared by verifiers, bounded, fail-closed when full", async () => {
  const shared = new ReplayCache({ maxEntries: 2 });
  const a = verifier({ replayStore: shared });
  const b = verifier({ replayStore: shared });
  const token = await logoutToken();
  a.verifyLogoutToken(token, { now: NOW });
  assert.throws(() => b.verifyLogoutToken(token, { now: NOW }), { code: "token_replayed" });
  assert.equal(shared.size, 1);
  b.verifyLogoutToken(await logoutToken(), { now: NOW });
  const third = await logoutToken();
  assert.throws(() => a.verifyLogoutToken(third, { now: NOW }), {
    code: "token_replayed",
    message: /full/,
  });
  // entries leave once expired, and the store has room again
  const later = await logoutToken({ iat: NOW + 200, exp: NOW + 400 });
  assert.equal(a.verifyLogoutToken(later, { now: NOW + 300 }).sid, "s1");
  // used directly
  const direct = new ReplayCache();
  assert.equal(direct.checkAndRemember("k", NOW + 10, NOW), true);
  assert.equal(direct.checkAndRemember("k", NOW + 10, NOW + 9), false);
  assert.equal(direct.checkAndRemember("k", NOW + 20, NOW + 10), true);
  for (const [key, exp] of [["", NOW], [7, NOW], ["x".repeat(1025), NOW], ["k", NaN], ["k", -1], ["k", 1.5]]) {
    assert.throws(() => direct.checkAndRemember(key, exp, NOW), { code: "invalid_request" });
  }
});

test("a store of one's own: sync or Promise, its failures refuse the token", async () => {
  const seen = new Map();
  const calls = [];
  const syncStore = {
    checkAndRemember(key, expiresAt) {
      calls.push([key, expiresAt]);
      if (seen.has(key)) return false;
      seen.set(key, expiresAt);
      return true;
    },
  };
  const v = verifier({ replayStore: syncStore, clockTolerance: 5 });
  const token = await logoutToken({ exp: NOW + 120 });
  v.verifyLogoutToken(token, { now: NOW });
  assert.throws(() => v.verifyLogoutToken(token, { now: NOW }), { code: "token_replayed" });
  const [[key, expiresAt]] = calls;
  assert.match(key, /^logout:[A-Za-z0-9_-]{43}$/);
  assert.equal(expiresAt, NOW + 125);
  assert.ok(!key.includes("j-"), "no jti is handed to the store");

  const asyncStore = { checkAndRemember: async (k, e) => syncStore.checkAndRemember(k, e) };
  const av = verifier({ replayStore: asyncStore });
  const fresh = await logoutToken();
  assert.throws(() => av.verifyLogoutToken(fresh, { now: NOW }), { code: "invalid_request", message: /Promise/ });
  assert.equal((await av.verifyLogoutTokenAsync(await logoutToken(), { now: NOW })).sid, "s1");
  await assert.rejects(av.verifyLogoutTokenAsync(token, { now: NOW }), { code: "token_replayed" });

  const broken = [
    [{ checkAndRemember() { throw new Error("redis down"); } }, "token_replayed"],
    [{ checkAndRemember: async () => { throw new Error("redis down"); } }, "token_replayed"],
    [{ checkAndRemember: () => "yes" }, "invalid_request"],
    [{ checkAndRemember: async () => 1 }, "invalid_request"],
  ];
  for (const [store, code] of broken) {
    await assert.rejects(verifier({ replayStore: store }).verifyLogoutTokenAsync(await logoutToken(), { now: NOW }), { code });
  }
  for (const bad of [{}, { checkAndRemember: 1 }, "store", 5, null, { maxEntries: 3 }]) {
    assert.throws(() => verifier({ replayStore: bad }), { code: "invalid_request" });
  }
});

test("unverifiedIssuer reads a string iss with nothing verified, and never throws", async () => {
  const token = await logoutToken();
  assert.equal(unverifiedIssuer(token), ISSUER);
  assert.equal(unverifiedIssuer(`${token.slice(0, token.lastIndexOf("."))}.AAAA`), ISSUER, "the signature is not read");
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  for (const bad of [
    await logoutToken({ iss: undefined }), `${part({ alg: "ES256" })}.${part({ iss: 7 })}.x`, `${part({})}.e30`,
    "a.b.c", "", `${token}${"A".repeat(70_000)}`, 42, null, undefined, { iss: ISSUER },
  ]) {
    assert.equal(unverifiedIssuer(bad), undefined, String(bad).slice(0, 40));
  }
});

test("sessionLogoutKeys and isEndedBySessionLogout: the rule that refuses the tokens of ended sessions", () => {
  assert.deepEqual(sessionLogoutKeys({ sid: "s1", sub: "alice", iat: 1 }), ["sid:s1", "sub:alice"]);
  assert.deepEqual(sessionLogoutKeys({ sub: "alice", sid: 7 }), ["sub:alice"]);
  assert.deepEqual(sessionLogoutKeys({}), []);
  const times = { "sid:s1": 100, "sub:bob": 200 };
  const cases = [
    [{ sid: "s1", iat: 99 }, true], [{ sid: "s1", iat: 100 }, true], [{ sid: "s1", iat: 101 }, false],
    [{ sid: "s1", iat: 100.5 }, true, "a fractional iat within the logout's second"],
    [{ sid: "s1" }, true, "no iat"], [{ sid: "s1", iat: "150" }, true, "a string iat"],
    [{ sid: "s1", iat: NaN }, true, "NaN"], [{ sid: "s1", iat: Infinity }, true, "Infinity"],
    [{ sid: "s2" }, false, "no logout for it"],
    [{ sid: "s1", sub: "bob", iat: 150 }, true, "both: the later logout (sub's)"],
    [{ sid: "s1", sub: "bob", iat: 201 }, false],
    [{ iat: 1 }, false, "neither sid nor sub"], [{}, false],
  ];
  for (const [claims, ended, why] of cases) {
    assert.equal(isEndedBySessionLogout(claims, times), ended, `${JSON.stringify(claims)} ${why ?? ""}`);
    assert.equal(isEndedBySessionLogout(claims, new Map(Object.entries(times))), ended, "a Map, as storage.get gives");
  }
  // a store holding anything but a time under one of the token's keys is an error, never "not ended"
  for (const bad of [{ "sid:s1": "100" }, { "sid:s1": -1 }, { "sid:s1": 1.5 }, { "sid:s1": null }, new Map([["sid:s1", {}]])]) {
    assert.throws(() => isEndedBySessionLogout({ sid: "s1", iat: 1 }, bad), { name: "OidcEdgeError", code: "invalid_request" });
  }
  assert.equal(isEndedBySessionLogout({ sid: "s1", iat: 101 }, { "sid:s1": 100, "sub:x": "junk" }), false, "other keys unread");
  for (const [claims, store] of [[null, {}], ["s1", {}], [[], {}], [{ sid: "s1" }, null], [{ sid: "s1" }, [1]], [{ sid: "s1" }, 5]]) {
    assert.throws(() => isEndedBySessionLogout(claims, store), { code: "invalid_request" });
  }
  assert.throws(() => sessionLogoutKeys(undefined), { code: "invalid_request" });
  // with a retention: a token issued before now - retention may have lost its session's record, so it is refused
  const kept = { retention: 100, now: 1000 };
  assert.equal(isEndedBySessionLogout({ sid: "s9", iat: 900 }, {}, kept), false, "the window's first second");
  assert.equal(isEndedBySessionLogout({ sid: "s9", iat: 899 }, {}, kept), true, "before the window");
  assert.equal(isEndedBySessionLogout({ sub: "bob", iat: 150 }, times, kept), true, "ended and old");
  assert.equal(isEndedBySessionLogout({ iat: 1 }, {}, kept), false, "no session key: nothing to have ended");
  assert.equal(isEndedBySessionLogout({ sid: "s9" }, {}, kept), false, "no iat: only a kept record decides");
  assert.equal(isEndedBySessionLogout({ sid: "s9", iat: Math.floor(Date.now() / 1000) - 5 }, {}, { retention: 60 }), false, "now from the clock");
  assert.equal(isEndedBySessionLogout({ sid: "s9", iat: Math.floor(Date.now() / 1000) - 120 }, {}, { retention: 60 }), true);
  for (const bad of [{ retention: -1 }, { retention: 1.5 }, { retention: "60" }, { retain: 60 }, { now: "1" }, 5]) {
    assert.throws(() => isEndedBySessionLogout({ sid: "s9", iat: 1 }, {}, bad), { name: "OidcEdgeError", code: "invalid_request" }, JSON.stringify(bad));
  }
  assert.throws(() => isEndedBySessionLogout({ sid: "s9", iat: 1 }, null, kept), { code: "invalid_request" }, "the store is checked first");
});
