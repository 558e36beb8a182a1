// Introspection beyond client credentials and JSON (issue 17, item 7): JWT introspection responses (RFC 9701)
// from a real oidc-provider (features introspection + jwtIntrospection, started here) verified against its keys,
// jose-signed responses that break one rule each, and introspection authenticated with a bearer token
// (RFC 7662 §2.1) at a loopback endpoint of this test (oidc-provider takes only client authentication there).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import {
  JwkSet,
  TokenVerifier,
  buildIntrospectionRequest,
  clientCredentials,
  discover,
  introspect,
  parseIntrospectionResponse,
} from "oidc-edge";
import { BASIC, startProvider } from "./support/provider.mjs";

const JWT_TYPE = "application/token-introspection+jwt";
/** A resource server registered for signed introspection responses. */
const RS = { clientId: "rs-jwt", clientSecret: "rs secret: signed responses" };

let op;
let meta;
let verifier;
let accessToken;

before(async () => {
  op = await startProvider({
    clients: [
      {
        client_id: RS.clientId,
        client_secret: RS.clientSecret,
        token_endpoint_auth_method: "client_secret_basic",
        introspection_signed_response_alg: "RS256",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: "api:read",
      },
    ],
    features: { jwtIntrospection: { enabled: true } },
  });
  meta = await discover(op.issuer);
  verifier = new TokenVerifier({ issuer: op.issuer, audience: RS.clientId, jwks: JwkSet.fromJson(op.signingJwks) });
  const tokens = await clientCredentials({
    tokenEndpoint: meta.token_endpoint,
    clientAuth: { clientId: BASIC.clientId, clientSecret: BASIC.clientSecret },
    scope: "api:read",
  });
  accessToken = tokens.accessToken;
});

after(async () => {
  await op?.close();
});

const rsAuth = { clientId: RS.clientId, clientSecret: RS.clientSecret };

test("introspect with a verifier asks for, verifies and reads a JWT response (RFC 9701)", async () => {
  const info = await introspect({ introspectionEndpoint: meta.introspection_endpoint, clientAuth: rsAuth, token: accessToken, verifier });
  assert.equal(info.active, true);
  assert.equal(info.client_id, BASIC.clientId);
  assert.equal(info.scope, "api:read");
  assert.equal(info.iss, op.issuer);

  // the sans-IO path: the builder asks for the JWT, the parser verifies it with the same verifier
  const req = buildIntrospectionRequest({ introspectionEndpoint: meta.introspection_endpoint, clientAuth: rsAuth, token: accessToken, jwtResponse: true });
  assert.equal(req.headers.accept, JWT_TYPE);
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const body = await res.text();
  assert.match(res.headers.get("content-type"), /^application\/token-introspection\+jwt/);
  const response = { status: res.status, headers: Object.fromEntries(res.headers), body };
  assert.deepEqual(parseIntrospectionResponse(response, { verifier }), info);
  const [header] = body.split(".");
  assert.equal(JSON.parse(Buffer.from(header, "base64url")).typ, "token-introspection+jwt");

  // inactive tokens come signed too
  const gone = await introspect({ introspectionEndpoint: meta.introspection_endpoint, clientAuth: rsAuth, token: "no-such-token", verifier });
  assert.deepEqual(gone, { active: false });

  // the response is for this resource server only: another client's verifier refuses it
  const other = new TokenVerifier({ issuer: op.issuer, audience: "someone-else", jwks: JwkSet.fromJson(op.signingJwks) });
  assert.throws(() => parseIntrospectionResponse(response, { verifier: other }), { code: "audience_mismatch" });
  const wrongIssuer = new TokenVerifier({ issuer: `${op.issuer}/`, audience: RS.clientId, jwks: JwkSet.fromJson(op.signingJwks) });
  assert.throws(() => parseIntrospectionResponse(response, { verifier: wrongIssuer }), { code: "issuer_mismatch" });
});

test("a JSON answer where a JWT was asked for is refused: no unsigned downgrade", () => {
  const json = { status: 200, headers: { "content-type": "application/json" }, body: '{"active":true}' };
  assert.throws(() => parseIntrospectionResponse(json, { verifier }), { code: "http_error" });
  // and without a verifier a JWT is not read as JSON
  const jwt = { status: 200, headers: { "content-type": JWT_TYPE }, body: "a.b.c" };
  assert.throws(() => parseIntrospectionResponse(jwt), { code: "http_error" });
});

test("a JWT introspection response that breaks one rule fails with its code", async () => {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwks = JwkSet.fromJson({ keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "ES256" }] });
  const v = new TokenVerifier({ issuer: "https://as.example", audience: "rs", jwks });
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims, header = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "k", typ: "token-introspection+jwt", ...header }).sign(privateKey);
  const good = { iss: "https://as.example", aud: "rs", iat: now, token_introspection: { active: true, scope: "a b", sub: "u" } };
  const parse = async (claims, header, headers = { "content-type": `${JWT_TYPE}; charset=utf-8` }) =>
    parseIntrospectionResponse({ status: 200, headers, body: await sign(claims, header) }, { verifier: v, now });

  assert.deepEqual(await parse(good), good.token_introspection);
  const { iat, token_introspection, ...noIat } = good;
  const cases = [
    ["typ_mismatch", good, { typ: "JWT" }],
    ["typ_mismatch", good, { typ: undefined }],
    ["issuer_mismatch", { ...good, iss: "https://evil.example" }],
    ["audience_mismatch", { ...good, aud: "other" }],
    ["missing_claim", noIat],
    ["missing_claim", { ...noIat, iat }],
    ["invalid_claim", { ...good, token_introspection: "active" }],
    ["invalid_claim", { ...good, token_introspection: { active: "true" } }],
    ["invalid_claim", { ...good, token_introspection: { active: true, exp: "soon" } }],
    ["token_expired", { ...good, exp: now - 1 }],
  ];
  for (const [code, claims, header] of cases) {
    await assert.rejects(parse(claims, header), { code }, `${code}: ${JSON.stringify(claims)} ${JSON.stringify(header)}`);
  }
  await assert.rejects(parse(good, {}, { "content-type": "application/jwt" }), { code: "http_error" });
  // A character inside the signature: the last one also carries padding bits, which must stay zero.
  const jwt = await sign(good);
  const at = jwt.length - 10;
  const tampered = jwt.slice(0, at) + (jwt[at] === "A" ? "B" : "A") + jwt.slice(at + 1);
  assert.throws(
    () => parseIntrospectionResponse({ status: 200, headers: { "content-type": JWT_TYPE }, body: tampered }, { verifier: v, now }),
    { code: "invalid_signature" },
  );
  // an OAuth error answer keeps its code
  assert.throws(
    () => parseIntrospectionResponse({ status: 401, body: '{"error":"invalid_client"}' }, { verifier: v }),
    (e) => e.code === "authorization_error" && e.error === "invalid_client" && e.status === 401,
  );
});

test("introspection authenticated with a bearer token (RFC 7662 §2.1)", async () => {
  const seen = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    seen.push({ method: req.method, authorization: req.headers.authorization, accept: req.headers.accept, body: Buffer.concat(chunks).toString() });
    const ok = req.headers.authorization === "Bearer rs-access.token_1~";
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(ok ? { active: true, scope: "api:read" } : { error: "invalid_token" }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}/introspect`;
    const info = await introspect({ introspectionEndpoint: endpoint, bearerToken: "rs-access.token_1~", token: "the token" });
    assert.deepEqual(info, { active: true, scope: "api:read" });
    assert.deepEqual(seen.at(-1), { method: "POST", authorization: "Bearer rs-access.token_1~", accept: "application/json", body: "token=the+token" });
    // asked for a JWT (a verifier given), answered JSON: refused, never read unsigned
    await assert.rejects(
      introspect({ introspectionEndpoint: endpoint, bearerToken: "rs-access.token_1~", token: "t", verifier }),
      { code: "http_error" },
    );
    assert.equal(seen.at(-1).accept, JWT_TYPE);
    await assert.rejects(
      introspect({ introspectionEndpoint: endpoint, bearerToken: "stale", token: "t" }),
      (e) => e.code === "authorization_error" && e.error === "invalid_token" && e.status === 401,
    );

    const req = buildIntrospectionRequest({ introspectionEndpoint: endpoint, bearerToken: "abc", token: "t", tokenTypeHint: "access_token" });
    assert.equal(req.headers.authorization, "Bearer abc");
    assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(req.body, "token=t&token_type_hint=access_token");
    for (const bad of [
      { bearerToken: "abc", clientAuth: rsAuth },
      { bearerToken: "" },
      { bearerToken: "a b" },
      { bearerToken: "a\r\nx-injected: 1" },
      { bearerToken: 42 },
    ]) {
      assert.throws(() => buildIntrospectionRequest({ introspectionEndpoint: endpoint, token: "t", ...bad }), { code: "invalid_request" }, JSON.stringify(bad));
      await assert.rejects(introspect({ introspectionEndpoint: endpoint, token: "t", ...bad }), { code: "invalid_request" });
    }
    assert.equal(seen.length, 3, "no refused request was sent");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
