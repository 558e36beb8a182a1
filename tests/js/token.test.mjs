// Token endpoint and friends against a real OpenID provider (oidc-provider on 127.0.0.1, started here) and
// small loopback servers: discovery (both locations), code + PKCE, refresh, client credentials (basic, post,
// private_key_jwt), token exchange, introspection, revocation, userinfo, and the remote JWKS cache.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { webcrypto } from "node:crypto";
import {
  buildAuthorizeUrl,
  buildTokenRequest,
  buildIntrospectionRequest,
  buildRevocationRequest,
  buildUserinfoRequest,
  clientCredentials,
  createClientAssertion,
  discover,
  discoveryUrls,
  exchangeCode,
  exchangeToken,
  generatePkce,
  introspect,
  parseCallback,
  parseIntrospectionResponse,
  parseRevocationResponse,
  parseTokenResponse,
  parseUserinfoResponse,
  randomToken,
  refreshTokens,
  JwkSet,
  RemoteJwks,
  revoke,
  TokenVerifier,
  userinfo,
} from "oidc-edge";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { BASIC, POST, SPA, login, startProvider } from "./support/provider.mjs";

const now = () => Math.floor(Date.now() / 1000);

/** A loopback server answering `handler(req, body)` -> `{ status, headers?, body }`; counts requests by path. */
async function stub(handler) {
  const hits = new Map();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    let body = "";
    for await (const chunk of req) body += chunk;
    const out = await handler(req, body, path);
    res.writeHead(out.status, out.headers ?? { "content-type": "application/json" });
    res.end(out.body ?? "");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// One provider for the whole file (start-up is the slow part), with a private_key_jwt client whose ES256
// key the tests hold.
let op;
let meta;
let pkjwtKey;
const PKJWT = { clientId: "svc-pkjwt", keyId: "client-es256" };
/** A public client that registered signed UserInfo responses (OIDC Core §5.3.2). */
const SIGNED = { clientId: "spa-signed-userinfo", redirectUri: SPA.redirectUri };

before(async () => {
  pkjwtKey = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicJwk = { ...(await webcrypto.subtle.exportKey("jwk", pkjwtKey.publicKey)), kid: PKJWT.keyId, alg: "ES256" };
  op = await startProvider({
    clients: [
      {
        client_id: PKJWT.clientId,
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [publicJwk] },
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: "api:read",
      },
      {
        client_id: SIGNED.clientId,
        token_endpoint_auth_method: "none",
        redirect_uris: [SIGNED.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        userinfo_signed_response_alg: "RS256",
      },
    ],
    jwtUserinfo: true,
  });
  meta = await discover(op.issuer);
});

after(async () => {
  await op?.close();
});

/** Runs the authorization code flow for a public client (the SPA by default) and returns `{ code, pkce }`. */
async function signIn(scope = "openid email offline_access", client = SPA) {
  const pkce = generatePkce();
  const state = randomToken();
  const url = buildAuthorizeUrl({
    authorizationEndpoint: meta.authorization_endpoint,
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope,
    state,
    nonce: randomToken(),
    codeChallenge: pkce.codeChallenge,
    prompt: "consent",
  });
  const callback = parseCallback(await login(url, client.redirectUri), { state, issuer: op.issuer, requireIss: true });
  return { code: callback.code, pkce };
}

/** The code exchange of a public client, after `signIn(…, client)`. */
function exchangeFor(client, { code, pkce }) {
  return exchangeCode({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: client.clientId },
    code,
    redirectUri: client.redirectUri,
    codeVerifier: pkce.codeVerifier,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Discovery

test("discover reads the OIDC location of a real provider", async () => {
  assert.equal(meta.issuer, op.issuer);
  for (const name of ["token_endpoint", "jwks_uri", "userinfo_endpoint", "introspection_endpoint", "revocation_endpoint"]) {
    assert.match(meta[name], /^http:\/\/127\.0\.0\.1:\d+\//, name);
  }
  await assert.rejects(discover(`${op.issuer}/`), { code: "issuer_mismatch" });
});

test("discover falls back to the RFC 8414 location on 404, and reports other failures", async (t) => {
  let issuer;
  const server = await stub((req, body, path) => {
    if (path === "/.well-known/oauth-authorization-server/tenant") {
      return {
        status: 200,
        body: JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }),
      };
    }
    if (path === "/broken/.well-known/openid-configuration") return { status: 500, body: "oops" };
    return { status: 404, body: "not here" };
  });
  t.after(server.close);
  issuer = `${server.url}/tenant`;
  assert.deepEqual(discoveryUrls(issuer), [
    `${issuer}/.well-known/openid-configuration`,
    `${server.url}/.well-known/oauth-authorization-server/tenant`,
  ]);
  const m = await discover(issuer);
  assert.equal(m.token_endpoint, `${issuer}/token`);
  assert.equal(server.hits.get("/tenant/.well-known/openid-configuration"), 1);

  await assert.rejects(discover(`${server.url}/broken`), { code: "http_error", status: 500 });
  await assert.rejects(discover(`${server.url}/nothing`), { code: "http_error", status: 404 });
  await assert.rejects(discover("http://idp.example.com"), { code: "invalid_request" });
  // a custom fetch is used instead of the global one
  const seen = [];
  const m2 = await discover(issuer, { fetch: (url, init) => (seen.push(url), fetch(url, init)) });
  assert.equal(m2.issuer, issuer);
  assert.equal(seen.length, 2);
});

// ---------------------------------------------------------------------------------------------------------
// Authorization code + PKCE, refresh, userinfo, revocation, introspection

test("code + PKCE exchange, refresh with a narrower scope, userinfo, revocation and introspection", async () => {
  const signedIn = await signIn();
  const before = now();
  const tokens = await exchangeFor(SPA, signedIn);
  assert.equal(tokens.tokenType, "Bearer");
  assert.ok(tokens.accessToken && tokens.refreshToken && tokens.idToken);
  assert.equal(tokens.idToken.split(".").length, 3);
  assert.equal(tokens.scope, "openid email offline_access");
  assert.ok(tokens.expiresIn > 0);
  assert.ok(tokens.expiresAt >= before + tokens.expiresIn && tokens.expiresAt <= now() + tokens.expiresIn);
  assert.equal(tokens.raw.access_token, tokens.accessToken);

  // userinfo: JSON claims, sub checked against the ID token's
  const sub = JSON.parse(Buffer.from(tokens.idToken.split(".")[1], "base64url")).sub;
  const info = await userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken, expectedSubject: sub });
  assert.equal(info.format, "json");
  assert.equal(info.claims.sub, "alice");
  assert.equal(info.claims.email, "alice@example.com");
  await assert.rejects(
    userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken, expectedSubject: "mallory" }),
    { code: "invalid_claim" },
  );
  await assert.rejects(userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: "not-a-real-token" }), (e) =>
    e.code === "authorization_error" && e.error === "invalid_token" && e.status === 401);

  // refresh, asking for less
  const refreshed = await refreshTokens({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: SPA.clientId },
    refreshToken: tokens.refreshToken,
    scope: ["openid", "offline_access"],
  });
  assert.equal(refreshed.scope, "openid offline_access");
  assert.notEqual(refreshed.accessToken, tokens.accessToken);

  // introspection (confidential client, Basic auth) sees the new access token
  const basic = { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret };
  const active = await introspect({
    introspectionEndpoint: meta.introspection_endpoint,
    clientAuth: basic,
    token: refreshed.accessToken,
    tokenTypeHint: "access_token",
  });
  assert.equal(active.active, true);
  assert.equal(active.client_id, SPA.clientId);
  assert.equal(active.sub, "alice");
  assert.equal(active.scope, "openid offline_access");

  // the SPA revokes its access token; introspection then says inactive
  await revoke({
    revocationEndpoint: meta.revocation_endpoint,
    clientAuth: { clientId: SPA.clientId },
    token: refreshed.accessToken,
    tokenTypeHint: "access_token",
  });
  const gone = await introspect({ introspectionEndpoint: meta.introspection_endpoint, clientAuth: basic, token: refreshed.accessToken });
  assert.deepEqual(gone, { active: false });
  // and so is a refresh token after revocation
  const rt = refreshed.refreshToken ?? tokens.refreshToken;
  await revoke({ revocationEndpoint: meta.revocation_endpoint, clientAuth: { clientId: SPA.clientId }, token: rt });
  await assert.rejects(
    refreshTokens({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: SPA.clientId }, refreshToken: rt }),
    { code: "authorization_error", error: "invalid_grant" },
  );  // the code is single-use: the OAuth error comes back with its status (last: oidc-provider then revokes
  // every token issued for the code, RFC 6749 §4.1.2)
  await assert.rejects(
    exchangeFor(SPA, signedIn),
    (e) => e.name === "OidcEdgeError" && e.code === "authorization_error" && e.error === "invalid_grant" && e.status === 400,
  );

});

test("the sans-IO builders and parsers work with any fetch", async () => {
  const { code, pkce } = await signIn("openid");
  const req = buildTokenRequest({
    tokenEndpoint: meta.token_endpoint,
    grantType: "authorization_code",
    clientAuth: { clientId: SPA.clientId, method: "none" },
    code,
    redirectUri: SPA.redirectUri,
    codeVerifier: pkce.codeVerifier,
  });
  assert.deepEqual(Object.keys(req), ["url", "method", "headers", "body"]);
  assert.equal(req.method, "POST");
  assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
  const res = await fetch(req.url, req);
  const tokens = parseTokenResponse({ status: res.status, headers: res.headers, body: await res.text() }, { now: 1000 });
  assert.equal(tokens.expiresAt, 1000 + tokens.expiresIn);

  const uReq = buildUserinfoRequest({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken });
  assert.equal(uReq.headers.authorization, `Bearer ${tokens.accessToken}`);
  const uRes = await fetch(uReq.url, uReq);
  const info = parseUserinfoResponse({ status: uRes.status, headers: uRes.headers, body: await uRes.text() });
  assert.equal(info.claims.sub, "alice");

  const basic = { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret };
  const iReq = buildIntrospectionRequest({ introspectionEndpoint: meta.introspection_endpoint, clientAuth: basic, token: tokens.accessToken });
  const iRes = await fetch(iReq.url, iReq);
  assert.equal(parseIntrospectionResponse({ status: iRes.status, body: await iRes.text() }).active, true);

  const rReq = buildRevocationRequest({ revocationEndpoint: meta.revocation_endpoint, clientAuth: { clientId: SPA.clientId }, token: tokens.accessToken });
  const rRes = await fetch(rReq.url, rReq);
  assert.equal(parseRevocationResponse({ status: rRes.status, body: await rRes.text() }), undefined);
});

// ---------------------------------------------------------------------------------------------------------
// Client credentials and client authentication

test("client_secret_basic encodes the id and secret before joining them (RFC 6749 §2.3.1)", async () => {
  const req = buildTokenRequest({
    tokenEndpoint: meta.token_endpoint,
    grantType: "client_credentials",
    clientAuth: { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret },
  });
  const decoded = Buffer.from(req.headers.authorization.replace(/^Basic /, ""), "base64").toString();
  assert.equal(decoded, "svc%3Abasic:sec%3Aret%2525+with+space%2Bplus");
  assert.equal(req.body, "grant_type=client_credentials");

  const tokens = await clientCredentials({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret, method: "client_secret_basic" },
    scope: "api:read",
  });
  assert.equal(tokens.scope, "api:read");
  assert.equal(tokens.refreshToken, undefined);
  await assert.rejects(
    clientCredentials({ tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: BASIC.clientId, clientSecret: "wrong" } }),
    (e) => e.code === "authorization_error" && e.error === "invalid_client" && e.status === 401,
  );
});

test("client_secret_post", async () => {
  const tokens = await clientCredentials({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: POST.clientId, clientSecret: POST.clientSecret, method: "client_secret_post" },
    scope: "api:read",
  });
  assert.ok(tokens.accessToken);
  const info = await introspect({
    introspectionEndpoint: meta.introspection_endpoint,
    clientAuth: { clientId: POST.clientId, clientSecret: POST.clientSecret, method: "client_secret_post" },
    token: tokens.accessToken,
  });
  assert.equal(info.active, true);
  assert.equal(info.client_id, POST.clientId);
});

test("private_key_jwt with a CryptoKey, a signing callback, or a pre-signed assertion", async () => {
  const base = { tokenEndpoint: meta.token_endpoint, scope: "api:read" };
  // a WebCrypto key: the algorithm (ES256) comes from the key
  const a = await clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: pkjwtKey.privateKey, keyId: PKJWT.keyId } });
  assert.ok(a.accessToken);

  // a callback: any signer (KMS, HSM…); the assertion it signed is a JWT with the RFC 7523 claims
  let seen;
  const signer = async (input) => {
    assert.ok(input instanceof Uint8Array);
    seen = new TextDecoder().decode(input);
    return new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pkjwtKey.privateKey, input));
  };
  const b = await clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: signer, alg: "ES256" } });
  assert.ok(b.accessToken);
  const [h, p] = seen.split(".").map((s) => JSON.parse(Buffer.from(s, "base64url")));
  assert.deepEqual(h, { alg: "ES256", typ: "JWT" });
  assert.equal(p.iss, PKJWT.clientId);
  assert.equal(p.sub, PKJWT.clientId);
  assert.equal(p.aud, meta.token_endpoint);
  assert.equal(p.exp - p.iat, 60);
  assert.ok(p.jti.length >= 32);

  // pre-signed, with the issuer as audience (draft-ietf-oauth-rfc7523bis), for the synchronous builder
  const clientAssertion = await createClientAssertion({ clientId: PKJWT.clientId, audience: op.issuer, key: pkjwtKey.privateKey });
  const req = buildTokenRequest({ ...base, grantType: "client_credentials", clientAuth: { clientId: PKJWT.clientId, clientAssertion } });
  assert.match(req.body, /client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer/);
  const res = await fetch(req.url, req);
  assert.ok(parseTokenResponse({ status: res.status, body: await res.text() }).accessToken);

  // a callback returning DER or nothing useful is caught before sending
  await assert.rejects(
    clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: async () => new Uint8Array(71), alg: "ES256" } }),
    { code: "invalid_request" },
  );
  await assert.rejects(
    clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: pkjwtKey.privateKey, alg: "RS256" } }),
    { code: "invalid_request" },
  );
  await assert.rejects(
    clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: pkjwtKey.publicKey } }),
    { code: "invalid_jwk" },
  );
  // the synchronous builder cannot sign
  assert.throws(
    () => buildTokenRequest({ ...base, grantType: "client_credentials", clientAuth: { clientId: PKJWT.clientId, key: pkjwtKey.privateKey } }),
    { code: "invalid_request" },
  );
  // a key signed by someone else is refused by the provider
  const other = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  await assert.rejects(
    clientCredentials({ ...base, clientAuth: { clientId: PKJWT.clientId, key: other.privateKey } }),
    { code: "authorization_error", error: "invalid_client", status: 401 },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Token exchange (RFC 8693): oidc-provider has no built-in grant; support/provider.mjs registers one

test("token exchange with an access token or an ID token as subject_token", async () => {
  const { code, pkce } = await signIn("openid");
  const tokens = await exchangeCode({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: SPA.clientId },
    code,
    redirectUri: SPA.redirectUri,
    codeVerifier: pkce.codeVerifier,
  });
  const clientAuth = { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret };
  const fromAccess = await exchangeToken({
    tokenEndpoint: meta.token_endpoint,
    clientAuth,
    subjectToken: tokens.accessToken,
    subjectTokenType: "access_token",
    audience: ["https://api.example.com", "orders"],
    scope: "api:read",
  });
  assert.equal(fromAccess.issuedTokenType, "urn:ietf:params:oauth:token-type:access_token");
  assert.ok(fromAccess.accessToken);
  const fromId = await exchangeToken({
    tokenEndpoint: meta.token_endpoint,
    clientAuth,
    subjectToken: tokens.idToken,
    subjectTokenType: "id_token",
    requestedTokenType: "urn:ietf:params:oauth:token-type:access_token",
  });
  assert.ok(fromId.accessToken);
  const [first, second] = op.tokenExchanges.slice(-2);
  assert.equal(first.subject_token_type, "urn:ietf:params:oauth:token-type:access_token");
  assert.deepEqual(first.audience, ["https://api.example.com", "orders"]);
  assert.equal(second.subject_token_type, "urn:ietf:params:oauth:token-type:id_token");
  assert.equal(second.requested_token_type, "urn:ietf:params:oauth:token-type:access_token");
  const info = await introspect({ introspectionEndpoint: meta.introspection_endpoint, clientAuth, token: fromId.accessToken });
  assert.equal(info.active, true);

  await assert.rejects(
    exchangeToken({ tokenEndpoint: meta.token_endpoint, clientAuth, subjectToken: "bogus", subjectTokenType: "access_token" }),
    { code: "authorization_error", error: "invalid_grant", status: 400 },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Signed UserInfo responses (OIDC Core §5.3.2), verified with a TokenVerifier

test("a signed userinfo response from the provider is verified: signature, iss, aud = client, sub", async () => {
  const tokens = await exchangeFor(SIGNED, await signIn("openid email", SIGNED));
  const verifier = new TokenVerifier({ issuer: op.issuer, audience: SIGNED.clientId, jwks: JwkSet.fromJson(op.signingJwks) });
  const sub = verifier.verifyIdToken(tokens.idToken).sub;
  const ask = { userinfoEndpoint: meta.userinfo_endpoint, accessToken: tokens.accessToken };

  // fetch helper: signature through WebCrypto, then the claims rules and the subject
  const info = await userinfo({ ...ask, verifier, expectedSubject: sub });
  assert.equal(info.format, "jwt");
  assert.equal(info.jwt.split(".").length, 3);
  assert.equal(info.claims.sub, "alice");
  assert.equal(info.claims.email, "alice@example.com");
  assert.equal(info.claims.iss, op.issuer);
  assert.equal(info.claims.aud, SIGNED.clientId);

  // without a verifier the JWT comes back as is, with no claims to misuse; the verifier's methods check it later
  const raw = await userinfo(ask);
  assert.deepEqual(Object.keys(raw).sort(), ["format", "jwt"]);
  // A second response: the same claims, but its iat (and so exp) may fall in the next second.
  const { iat: _iat, exp: _exp, ...same } = info.claims;
  for (const claims of [verifier.verifyUserinfo(raw.jwt, { expectedSubject: sub }),
    await verifier.verifyUserinfoAsync(raw.jwt, { expectedSubject: sub })]) {
    const { iat, exp, ...rest } = claims;
    assert.deepEqual(rest, same);
    assert.ok(Math.abs(iat - info.claims.iat) <= 2 && Math.abs(exp - info.claims.exp) <= 2, JSON.stringify(claims));
  }

  // the sans-IO pair, synchronous verification with the Rust algorithms
  const req = buildUserinfoRequest(ask);
  const res = await fetch(req.url, { method: req.method, headers: req.headers });
  const parsed = parseUserinfoResponse({ status: res.status, headers: res.headers, body: await res.text() }, { verifier, expectedSubject: sub });
  assert.deepEqual(parsed.claims, info.claims);

  // another user's sub, another client's verifier, another provider's keys, a tampered signature
  await assert.rejects(userinfo({ ...ask, verifier, expectedSubject: "mallory" }), { code: "invalid_claim" });
  const spaVerifier = new TokenVerifier({ issuer: op.issuer, audience: SPA.clientId, jwks: JwkSet.fromJson(op.signingJwks) });
  await assert.rejects(userinfo({ ...ask, verifier: spaVerifier }), { code: "audience_mismatch" });
  const stranger = await generateKeyPair("RS256");
  const strangerJwks = JwkSet.fromJson({ keys: [{ ...(await exportJWK(stranger.publicKey)), kid: "provider-rs256", alg: "RS256" }] });
  const strangerVerifier = new TokenVerifier({ issuer: op.issuer, audience: SIGNED.clientId, jwks: strangerJwks });
  await assert.rejects(userinfo({ ...ask, verifier: strangerVerifier }), { code: "invalid_signature" });
  const [h, p, s] = raw.jwt.split(".");
  const tampered = `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
  assert.throws(() => verifier.verifyUserinfo(tampered), { code: "invalid_signature" });
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...info.claims, email: "mallory@example.com" })).toString("base64url")}.${s}`;
  await assert.rejects(verifier.verifyUserinfoAsync(forged), { code: "invalid_signature" });

  // a client expecting signed responses refuses the JSON answer the SPA client gets (a downgrade)
  const spaTokens = await exchangeFor(SPA, await signIn("openid email"));
  await assert.rejects(
    userinfo({ userinfoEndpoint: meta.userinfo_endpoint, accessToken: spaTokens.accessToken, verifier: spaVerifier }),
    (e) => e.code === "http_error" && e.status === 200 && /unsigned/.test(e.message),
  );
  // the verifier was shared with each call, not consumed
  assert.equal(verifier.verifyUserinfo(raw.jwt).sub, "alice");
});

test("signed userinfo rules on tokens the provider will not produce", async () => {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwks = JwkSet.fromJson({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "ES256" }] });
  const verifier = new TokenVerifier({ issuer: "https://op.example", audience: ["client", "api"], clientId: "client", jwks });
  const sign = (claims, header = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "k", ...header }).sign(privateKey);
  const base = { iss: "https://op.example", aud: "client", sub: "u1" };
  const answer = async (claims, header) => ({ status: 200, headers: { "content-type": "application/jwt" }, body: await sign(claims, header) });
  const parse = async (claims, opts = {}, header = {}) => parseUserinfoResponse(await answer(claims, header), { verifier, now: 1000, ...opts });

  // no exp, no iat: still a valid response (OIDC Core §5.3.2 requires only iss and aud)
  assert.deepEqual((await parse(base)).claims, base);
  // exp and nbf bind when present
  await assert.rejects(parse({ ...base, exp: 1000 }), { code: "token_expired" });
  assert.equal((await parse({ ...base, exp: 1001 })).claims.exp, 1001);
  await assert.rejects(parse({ ...base, nbf: 1001 }), { code: "token_not_yet_valid" });
  await assert.rejects(parse({ ...base, iss: "https://evil.example" }), { code: "issuer_mismatch" });
  // aud must hold the client itself, not just another audience of the verifier
  await assert.rejects(parse({ ...base, aud: "api" }), { code: "audience_mismatch" });
  await assert.rejects(parse({ iss: base.iss, aud: "client" }), { code: "missing_claim" });
  await assert.rejects(parse({ ...base, sub: 42 }), { code: "invalid_claim" });
  await assert.rejects(parse(base, { expectedSubject: "u2" }), { code: "invalid_claim" });
  await assert.rejects(parse(base, {}, { typ: "at+jwt" }), { code: "typ_mismatch" });
  await assert.rejects(parse(base, {}, { typ: "logout+jwt" }), { code: "typ_mismatch" });
  // an encrypted response is named, not called malformed garbage
  assert.throws(
    () => parseUserinfoResponse({ status: 200, headers: { "content-type": "application/jwt" }, body: "a.b.c.d.e" }, { verifier }),
    (e) => e.code === "malformed_token" && /JWE/.test(e.message),
  );
  // bad options
  const ok = await answer(base);
  assert.throws(() => parseUserinfoResponse(ok, { verifier: {} }), { code: "invalid_request" });
  assert.throws(() => parseUserinfoResponse(ok, { verifier: jwks }), { code: "invalid_request" });
  assert.throws(() => parseUserinfoResponse(ok, { verifier, now: -1 }), { code: "invalid_request" });
  assert.throws(() => parseUserinfoResponse(ok, { verifier, verifer: 1 }), { code: "invalid_request" });
  assert.throws(() => verifier.verifyUserinfo(ok.body, { expectedSubjet: "u1" }), { code: "invalid_request" });
  // without a verifier: the JWT as is
  assert.deepEqual(parseUserinfoResponse(ok), { format: "jwt", jwt: ok.body });
});

// ---------------------------------------------------------------------------------------------------------
// Responses and options the provider will not produce

test("parsers: OAuth errors, HTTP errors, bad token responses, JWT userinfo", () => {
  assert.throws(
    () => parseTokenResponse({ status: 400, body: '{"error":"invalid_scope","error_description":"no","error_uri":"https://e/x"}' }),
    (e) => e.code === "authorization_error" && e.error === "invalid_scope" && e.errorDescription === "no" &&
      e.errorUri === "https://e/x" && e.status === 400,
  );
  assert.throws(() => parseTokenResponse({ status: 502, body: "<html>bad gateway</html>" }), { code: "http_error", status: 502 });
  assert.throws(() => parseTokenResponse({ status: 200, body: '{"access_token":"a","expires_in":"60"}' }), { code: "http_error", status: 200 });
  assert.throws(() => parseTokenResponse({ status: 200, body: '{"access_token":"a","access_token":"b"}' }), { code: "http_error" });
  const t = parseTokenResponse({ status: 200, body: '{"access_token":"a","token_type":"BEARER","expires_in":30}' }, { now: 100 });
  assert.deepEqual(t, { accessToken: "a", tokenType: "Bearer", expiresIn: 30, expiresAt: 130, raw: { access_token: "a", token_type: "BEARER", expires_in: 30 } });
  assert.equal(parseTokenResponse({ status: 200, body: '{"access_token":"a"}' }).tokenType, "Bearer");
  assert.throws(() => parseTokenResponse({ status: "200", body: "" }), { code: "invalid_request" });
  assert.throws(() => parseTokenResponse({ status: 200, body: "{}" }, { nwo: 1 }), { code: "invalid_request" });

  const jwt = parseUserinfoResponse({ status: 200, headers: { "Content-Type": "application/jwt" }, body: "aa.bb.cc" });
  assert.deepEqual(jwt, { format: "jwt", jwt: "aa.bb.cc" });
  assert.throws(
    () => parseUserinfoResponse({ status: 401, headers: new Headers({ "www-authenticate": 'Bearer error="invalid_token"' }), body: "" }),
    { code: "authorization_error", error: "invalid_token", status: 401 },
  );
  assert.throws(() => parseRevocationResponse({ status: 503, body: "" }), { code: "http_error", status: 503 });
  assert.throws(() => parseIntrospectionResponse({ status: 200, body: '{"active":"yes"}' }), { code: "http_error" });

  assert.throws(() => buildTokenRequest({ tokenEndpoint: "https://e/t", grantType: "password", clientAuth: { clientId: "c" } }), { code: "invalid_request" });
  assert.throws(() => buildTokenRequest({ tokenEndpoint: "https://e/t", grantType: "client_credentials", clientAuth: { clientId: "c" } }), { code: "invalid_request" });
  assert.throws(() => buildTokenRequest({ tokenEndpoint: "https://e/t", grantType: "client_credentials", clientAuth: { clientId: "c", secret: "s" } }), { code: "invalid_request" });
  assert.throws(
    () => buildTokenRequest({ tokenEndpoint: "https://e/t", grantType: "authorization_code", code: "c", redirectUri: "https://a/cb", clientAuth: { clientId: "spa" } }),
    { code: "invalid_request" },
  );
  assert.throws(() => buildUserinfoRequest({ userinfoEndpoint: "http://idp.example.com/me", accessToken: "a" }), { code: "invalid_request" });
});

test("fetch helpers reject network failures as http_error without a status", async () => {
  await assert.rejects(
    clientCredentials({
      tokenEndpoint: "http://127.0.0.1:9/token",
      clientAuth: { clientId: "c", clientSecret: "s" },
      fetch: async () => { throw new TypeError("fetch failed"); },
    }),
    (e) => e.code === "http_error" && e.status === undefined && /fetch failed/.test(e.message),
  );
  await assert.rejects(exchangeCode({ tokenEndpoint: meta.token_endpoint, grantType: "x", clientAuth: { clientId: "spa" } }), { code: "invalid_request" });
});

// ---------------------------------------------------------------------------------------------------------
// Remote JWKS

test("RemoteJwks fetches the provider's keys", async () => {
  const remote = new RemoteJwks(meta.jwks_uri);
  assert.deepEqual(remote.keyIds, []);
  assert.equal(remote.fetchedAt, undefined);
  const set = await remote.getKeySet("provider-rs256");
  assert.ok(set instanceof JwkSet);
  assert.deepEqual(set.keyIds, ["provider-rs256"]);
  assert.deepEqual(remote.keyIds, ["provider-rs256"]);
  assert.equal(remote.jwksUri, meta.jwks_uri);
  assert.ok(remote.fetchedAt >= now() - 5);
  assert.throws(() => new RemoteJwks("http://idp.example.com/jwks"), { code: "invalid_request" });
  assert.throws(() => new RemoteJwks(meta.jwks_uri, { coolDown: 5 }), { code: "invalid_request" });
  for (const requestScoped of ["true", 1, null]) {
    assert.throws(() => new RemoteJwks(meta.jwks_uri, { requestScoped }), { code: "invalid_request", message: /requestScoped must be a boolean/ });
  }
  assert.deepEqual((await new RemoteJwks(meta.jwks_uri, { requestScoped: true }).getKeySet()).keyIds, ["provider-rs256"]);
});

test("RemoteJwks requestScoped: a call never awaits a fetch another call started", async (t) => {
  const key = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid: "k1" };
  const server = await stub(async () => {
    await new Promise((ok) => setTimeout(ok, 300));
    return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ keys: [key] }) };
  });
  t.after(server.close);
  const count = () => server.hits.get("/jwks") ?? 0;
  // shared: the others await the first call's fetch; requestScoped: they poll the cache on their own timers
  for (const requestScoped of [false, true]) {
    const before = count();
    const remote = new RemoteJwks(`${server.url}/jwks`, { requestScoped });
    const t0 = performance.now();
    const sets = await Promise.all([1, 2, 3].map(() => remote.getKeySet("k1")));
    assert.deepEqual(sets.map((s) => s.keyIds), [["k1"], ["k1"], ["k1"]]);
    assert.equal(count() - before, 1, `requestScoped: ${requestScoped}`);
    assert.ok(performance.now() - t0 < 1000);
  }
  // a fetch started more than `timeout` + 1 s before (whole seconds: 2 s on the clock given) is presumed lost (in
  // Workers its request may have been cancelled): a later call fetches itself instead of waiting for it
  for (const [later, fetches] of [[6, 1], [7, 2]]) {
    const before = count();
    const remote = new RemoteJwks(`${server.url}/jwks`, { requestScoped: true, timeout: 5 });
    const t0 = 1_000_000;
    const first = remote.getKeySet("k1", { now: t0 });
    await new Promise((ok) => setTimeout(ok, 50));
    await remote.getKeySet("k1", { now: t0 + later });
    await first;
    assert.equal(count() - before, fetches, `${later} s after the first fetch started`);
  }
});

test("RemoteJwks: rotation refetches once, a kid flood costs one fetch per cooldown, failures keep the last set", async (t) => {
  const key = (kid) => ({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", kid });
  let keys = [key("k1")];
  let failing = false;
  const server = await stub(() =>
    failing
      ? { status: 503, body: "" }
      : { status: 200, headers: { "content-type": "application/json", "cache-control": "public, max-age=300" }, body: JSON.stringify({ keys }) });
  t.after(server.close);
  const count = () => server.hits.get("/jwks") ?? 0;
  const remote = new RemoteJwks(`${server.url}/jwks`);
  const t0 = 1_000_000;

  // concurrent first calls share one fetch
  const sets = await Promise.all([remote.getKeySet("k1", { now: t0 }), remote.getKeySet(undefined, { now: t0 })]);
  assert.deepEqual(sets.map((s) => s.keyIds), [["k1"], ["k1"]]);
  assert.equal(count(), 1);
  await remote.getKeySet("k1", { now: t0 + 10 });
  assert.equal(count(), 1, "fresh and known: no fetch");

  // the provider rotates: a token with the new kid triggers one refetch (once the cooldown allows)
  keys = [key("k1"), key("k2")];
  await remote.getKeySet("k2", { now: t0 + 31 });
  assert.equal(count(), 2);
  assert.deepEqual(remote.keyIds, ["k1", "k2"]);

  // a flood of made-up kids: nothing within the cooldown, then exactly one fetch per cooldown
  await Promise.all(Array.from({ length: 50 }, (_, i) => remote.getKeySet(`bogus-${i}`, { now: t0 + 40 })));
  assert.equal(count(), 2);
  await Promise.all(Array.from({ length: 50 }, (_, i) => remote.getKeySet(`bogus-${i}`, { now: t0 + 61 })));
  assert.equal(count(), 3);
  await Promise.all(Array.from({ length: 50 }, (_, i) => remote.getKeySet(`other-${i}`, { now: t0 + 70 })));
  assert.equal(count(), 3);

  // max-age=300 from the last fetch (t0 + 61): stale at t0 + 361; the server fails; the last set is served
  failing = true;
  const stale = await remote.getKeySet("k2", { now: t0 + 361 });
  assert.equal(count(), 4);
  assert.deepEqual(stale.keyIds, ["k1", "k2"]);
  await remote.getKeySet("k2", { now: t0 + 370 });
  assert.equal(count(), 4, "after a failure, the next attempt waits for the cooldown");
  failing = false;
  keys = [key("k3")];
  const fresh = await remote.getKeySet("k3", { now: t0 + 391 });
  assert.equal(count(), 5);
  assert.deepEqual(fresh.keyIds, ["k3"]);

  // no set at all and the server down: the error, and no second fetch within the cooldown
  failing = true;
  const cold = new RemoteJwks(`${server.url}/jwks`, { cooldown: 10 });
  await assert.rejects(cold.getKeySet(undefined, { now: t0 }), { code: "http_error", status: 503 });
  await assert.rejects(cold.getKeySet(undefined, { now: t0 + 5 }), { code: "http_error", status: 503 });
  assert.equal(count(), 6);
});
