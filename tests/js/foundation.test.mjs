// The foundation's API through the built package, imported by its name as users import it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  init,
  generatePkce,
  pkceChallenge,
  randomToken,
  parseProviderMetadata,
  buildAuthorizeUrl,
  parseCallback,
  buildEndSessionUrl,
} from "oidc-edge";
import { throwsCode } from "./support/assert.mjs";

await init();

const b64url = (buf) => Buffer.from(buf).toString("base64url");

test("generatePkce: S256 pair checked against node:crypto", () => {
  const p = generatePkce();
  assert.equal(p.codeChallengeMethod, "S256");
  assert.equal(p.codeVerifier.length, 64);
  assert.match(p.codeVerifier, /^[A-Za-z0-9\-._~]+$/);
  assert.equal(p.codeChallenge, b64url(createHash("sha256").update(p.codeVerifier).digest()));
  assert.notEqual(generatePkce().codeVerifier, p.codeVerifier);
  assert.equal(generatePkce({ verifierLength: 43 }).codeVerifier.length, 43);
  assert.equal(generatePkce({ verifierLength: 128 }).codeVerifier.length, 128);
  const plain = generatePkce({ method: "plain" });
  assert.equal(plain.codeChallenge, plain.codeVerifier);
});

test("pkceChallenge: RFC 7636 Appendix B, computed from its octets", () => {
  const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
  const verifier = b64url(Uint8Array.from(octets));
  assert.equal(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  assert.equal(pkceChallenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  assert.equal(pkceChallenge(verifier, "plain"), verifier);
});

test("PKCE and random token errors", () => {
  throwsCode(() => pkceChallenge("a".repeat(129)), "invalid_pkce_verifier");
  throwsCode(() => pkceChallenge("a".repeat(42)), "invalid_pkce_verifier");
  throwsCode(() => pkceChallenge("a".repeat(42) + "+"), "invalid_pkce_verifier");
  throwsCode(() => pkceChallenge("a".repeat(43), "S512"), "invalid_request");
  throwsCode(() => pkceChallenge(undefined), "invalid_request");
  throwsCode(() => generatePkce({ verifierLength: 129 }), "invalid_pkce_verifier");
  throwsCode(() => generatePkce({ verifierLenght: 64 }), "invalid_request");
  throwsCode(() => randomToken(8), "invalid_request");
  throwsCode(() => randomToken(-1), "invalid_request");
  assert.equal(Buffer.from(randomToken(), "base64url").length, 32);
  assert.equal(Buffer.from(randomToken(64), "base64url").length, 64);
});

const base = {
  authorizationEndpoint: "https://idp.example.com/oauth2/authorize?tenant=a%20b",
  clientId: "spa-client",
  redirectUri: "http://127.0.0.1:5173/callback",
  scope: ["openid", "profile", "auth.users.list"],
  state: "st-123",
};

test("buildAuthorizeUrl: parameters round-trip through URLSearchParams", () => {
  const { codeChallenge } = generatePkce();
  const url = new URL(buildAuthorizeUrl({
    ...base,
    nonce: "n-1",
    codeChallenge,
    loginHint: "Zoë Ünïcode+tag@example.com",
    resource: ["https://api.example.com/", "https://other.example.com/"],
    acrValues: ["urn:acr:1", "urn:acr:2"],
    prompt: "login",
    maxAge: 600,
    extraParams: { ui_locales: "de fr" },
  }));
  assert.equal(url.origin + url.pathname, "https://idp.example.com/oauth2/authorize");
  const p = url.searchParams;
  assert.equal(p.get("tenant"), "a b");
  assert.equal(p.get("response_type"), "code");
  assert.equal(p.get("client_id"), "spa-client");
  assert.equal(p.get("redirect_uri"), "http://127.0.0.1:5173/callback");
  assert.equal(p.get("scope"), "openid profile auth.users.list");
  assert.equal(p.get("state"), "st-123");
  assert.equal(p.get("nonce"), "n-1");
  assert.equal(p.get("code_challenge"), codeChallenge);
  assert.equal(p.get("code_challenge_method"), "S256");
  assert.equal(p.get("login_hint"), "Zoë Ünïcode+tag@example.com");
  assert.deepEqual(p.getAll("resource"), ["https://api.example.com/", "https://other.example.com/"]);
  assert.equal(p.get("acr_values"), "urn:acr:1 urn:acr:2");
  assert.equal(p.get("max_age"), "600");
  assert.equal(p.get("ui_locales"), "de fr");
});

test("buildAuthorizeUrl: malformed input is invalid_request", () => {
  throwsCode(() => buildAuthorizeUrl({ ...base, authorizationEndpoint: "idp.example.com/authorize" }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, authorizationEndpoint: "http://idp.example.com/a" }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, redirectUri: "callback" }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, scope: [] }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, state: "" }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, clientID: "x" }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, maxAge: -1 }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl({ ...base, extraParams: { client_id: "evil" } }), "invalid_request");
  throwsCode(() => buildAuthorizeUrl("https://idp.example.com"), "invalid_request");
  throwsCode(() => buildAuthorizeUrl(), "invalid_request");
});

test("parseCallback: query, fragment, errors, RFC 9207 iss", () => {
  const expect = { state: "st-123", issuer: "https://idp.example.com" };
  assert.deepEqual(parseCallback("http://127.0.0.1:5173/callback?code=abc&state=st-123", expect),
    { code: "abc", state: "st-123" });
  assert.deepEqual(
    parseCallback("http://127.0.0.1:5173/callback#code=abc&state=st-123&iss=https%3A%2F%2Fidp.example.com", expect),
    { code: "abc", state: "st-123", iss: "https://idp.example.com" });
  throwsCode(() => parseCallback("http://127.0.0.1:5173/callback?code=abc&state=evil", expect), "state_mismatch");
  throwsCode(() => parseCallback("http://127.0.0.1:5173/callback?code=abc", expect), "state_mismatch");
  throwsCode(() => parseCallback("http://127.0.0.1:5173/callback?code=abc&state=st-123&iss=https%3A%2F%2Fevil.example",
    expect), "issuer_mismatch");
  throwsCode(() => parseCallback("http://127.0.0.1:5173/callback?code=abc&state=st-123",
    { ...expect, requireIss: true }), "issuer_mismatch");
  const e = throwsCode(() => parseCallback(
    "http://127.0.0.1:5173/callback?error=access_denied&error_description=The%20user%20declined&state=st-123", expect),
  "authorization_error");
  assert.equal(e.error, "access_denied");
  assert.equal(e.errorDescription, "The user declined");
  throwsCode(() => parseCallback("::::", expect), "invalid_request");
  throwsCode(() => parseCallback("http://127.0.0.1/cb?code=a&code=b&state=st-123", expect), "invalid_request");
  throwsCode(() => parseCallback(42, expect), "invalid_request");
  throwsCode(() => parseCallback("http://127.0.0.1/cb?code=a&state=st-123", {}), "invalid_request");
});

test("parseCallback: state null is no sign-in in progress; metadata gives the issuer and whether iss is required", () => {
  const url = "http://127.0.0.1/cb?code=abc&state=st-123";
  const none = throwsCode(() => parseCallback(url, { state: null }), "state_mismatch");
  assert.match(none.message, /no sign-in is in progress/);
  const metadata = (required) => ({ issuer: "https://idp.example.com", authorization_endpoint: "https://idp.example.com/a",
    ...(required !== undefined && { authorization_response_iss_parameter_supported: required }) });
  assert.deepEqual(parseCallback(url, { state: "st-123", metadata: metadata() }), { code: "abc", state: "st-123" });
  throwsCode(() => parseCallback(url, { state: "st-123", metadata: metadata(true) }), "issuer_mismatch");
  throwsCode(() => parseCallback(`${url}&iss=https%3A%2F%2Fevil.example`, { state: "st-123", metadata: metadata(false) }),
    "issuer_mismatch");
  assert.equal(parseCallback(`${url}&iss=https%3A%2F%2Fidp.example.com`, { state: "st-123", metadata: metadata(true) }).iss,
    "https://idp.example.com");
  // given too, issuer and requireIss win over the metadata's
  assert.equal(parseCallback(url, { state: "st-123", metadata: metadata(true), requireIss: false }).code, "abc");
  throwsCode(() => parseCallback(url, { state: "st-123", metadata: { issuer: "x" } }), "invalid_request");
});

test("parseCallback: a query holding any of code, error or state is the response, else the fragment", () => {
  const expect = { state: "st-123" };
  // state alone in the query: the response lacks its code (it was read), not its state
  for (const url of ["http://127.0.0.1/cb?state=st-123", "http://127.0.0.1/cb?state=st-123#code=abc&state=st-123"]) {
    const e = throwsCode(() => parseCallback(url, expect), "invalid_request");
    assert.match(e.message, /no code/, url);
  }
  // neither code, error nor state in the query: the fragment is the response
  assert.deepEqual(parseCallback("http://127.0.0.1/cb?utm_source=x#code=abc&state=st-123", expect), { code: "abc", state: "st-123" });
  throwsCode(() => parseCallback("http://127.0.0.1/cb?utm_source=x#state=st-123", expect), "invalid_request");
  throwsCode(() => parseCallback("http://127.0.0.1/cb?utm_source=x", expect), "state_mismatch");
});

test("parseProviderMetadata: exact issuer, snake_case kept", () => {
  const doc = {
    issuer: "https://idp.example.com",
    authorization_endpoint: "https://idp.example.com/authorize",
    token_endpoint: "https://idp.example.com/token",
    code_challenge_methods_supported: ["S256"],
  };
  const m = parseProviderMetadata(JSON.stringify(doc), "https://idp.example.com");
  assert.deepEqual(m, doc);
  assert.deepEqual(parseProviderMetadata(doc, "https://idp.example.com"), doc);
  throwsCode(() => parseProviderMetadata(doc, "https://idp.example.com/"), "issuer_mismatch");
  throwsCode(() => parseProviderMetadata('{"issuer":"https://idp.example.com","issuer":"x"}', "https://idp.example.com"),
    "invalid_metadata");
  throwsCode(() => parseProviderMetadata({ issuer: "https://idp.example.com" }, "https://idp.example.com"),
    "invalid_metadata");
  throwsCode(() => parseProviderMetadata("not json", "https://idp.example.com"), "invalid_metadata");
});

test("buildEndSessionUrl", () => {
  const url = new URL(buildEndSessionUrl({
    endSessionEndpoint: "https://idp.example.com/session/end",
    idTokenHint: "eyJhbGciOiJSUzI1NiJ9.e30.sig",
    postLogoutRedirectUri: "http://127.0.0.1:5173/",
    state: "bye",
  }));
  assert.equal(url.searchParams.get("id_token_hint"), "eyJhbGciOiJSUzI1NiJ9.e30.sig");
  assert.equal(url.searchParams.get("post_logout_redirect_uri"), "http://127.0.0.1:5173/");
  assert.equal(url.searchParams.get("state"), "bye");
  throwsCode(() => buildEndSessionUrl({ endSessionEndpoint: "https://idp.example.com/end",
    postLogoutRedirectUri: "http://127.0.0.1:5173/" }), "invalid_request");
});

test("the module survives every error above", () => {
  for (let i = 0; i < 100; i++) {
    try { parseCallback("http://x/?code=1&state=2", { state: "3" }); } catch { /* expected */ }
  }
  assert.equal(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
});
