// Scope checks and RFC 6750 answers through the built package (`make pkg` links node_modules/oidc-edge).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  init,
  scopesOf,
  hasScopes,
  requireScopes,
  ScopeRequirement,
  bearerChallenge,
} from "oidc-edge";
import { throwsCode } from "./support/assert.mjs";

await init();

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/auth-api-scopes.json", import.meta.url), "utf8"),
);
const tokens = fixture.tokens;

test("scopesOf reads scope, else scp, in every provider shape", () => {
  assert.deepEqual(scopesOf({ scope: "openid  email openid" }), ["openid", "email"]);
  assert.deepEqual(scopesOf({ scp: ["auth.users.list", "admin"] }), ["auth.users.list", "admin"]);
  assert.deepEqual(scopesOf({ scp: "User.Read Mail.Send" }), ["User.Read", "Mail.Send"]);
  assert.deepEqual(scopesOf({ scope: ["read", "write"] }), ["read", "write"]);
  assert.deepEqual(scopesOf({ scope: "openid", scp: ["admin"] }), ["openid"]);
  assert.deepEqual(scopesOf({ scope: undefined, scp: "x" }), ["x"]);
  assert.deepEqual(scopesOf({ scope: 7, scp: "x" }), []);
  assert.deepEqual(scopesOf({ sub: "u", big: 10n }), []);
  assert.deepEqual(scopesOf({ scp: ["a b", 1, null, "ok", "caf\u00e9"] }), ["ok"]);
  for (const bad of [null, undefined, "scope", 42, ["a"]]) {
    throwsCode(() => scopesOf(bad), "invalid_request");
  }
});

test("hasScopes: all (default) or any, exact comparison", () => {
  const claims = tokens.editor_okta;
  assert.equal(hasScopes(claims, "auth.users.list auth.users.update"), true);
  assert.equal(hasScopes(claims, ["auth.users.list", "admin"]), false);
  assert.equal(hasScopes(claims, ["auth.users.list", "admin"], "all"), false);
  assert.equal(hasScopes(claims, ["auth.users.list", "admin"], "any"), true);
  assert.equal(hasScopes(claims, "AUTH.USERS.LIST", "any"), false);
  assert.equal(hasScopes(tokens.case_wrong, "auth.users.list"), false);
  throwsCode(() => hasScopes(claims, "admin", "some"), "invalid_request");
  throwsCode(() => hasScopes(claims, "", "any"), "invalid_request");
  throwsCode(() => hasScopes(claims, [], "all"), "invalid_request");
  throwsCode(() => hasScopes(claims, ["a b"]), "invalid_request");
  throwsCode(() => hasScopes(claims, [1]), "invalid_request");
  throwsCode(() => hasScopes(null, "admin"), "invalid_request");
});

test("the Auth API catalogue: every endpoint's requirement against its tokens", () => {
  assert.ok(fixture.endpoints.length >= 7);
  for (const e of fixture.endpoints) {
    const req = ScopeRequirement.parse(e.requirement);
    assert.equal(req.toString(), e.canonical, e.route);
    assert.equal(`${req}`, e.canonical);
    assert.equal(String(ScopeRequirement.parse(req.toString())), e.canonical);
    for (const name of e.pass) {
      assert.equal(req.check(tokens[name]), true, `${e.route}: ${name}`);
      req.require(tokens[name]);
    }
    for (const [name, required] of Object.entries(e.fail)) {
      assert.equal(req.check(tokens[name]), false, `${e.route}: ${name}`);
      const err = throwsCode(() => req.require(tokens[name]), "insufficient_scope");
      assert.deepEqual(err.requiredScopes, required, `${e.route}: ${name}`);
      assert.deepEqual(req.satisfyingScopes(tokens[name]), required);
    }
  }
  for (const c of fixture.all_of) {
    for (const name of c.pass) requireScopes(tokens[name], c.required);
    for (const [name, required] of Object.entries(c.fail)) {
      const err = throwsCode(() => requireScopes(tokens[name], c.required), "insufficient_scope");
      assert.deepEqual(err.requiredScopes, required);
    }
  }
});

test("ScopeRequirement: scopes, quoting, canonical form", () => {
  const req = new ScopeRequirement('"and" or (auth.users.list AND not "fn(x)") or auth.users.list');
  assert.deepEqual(req.scopes, ["and", "auth.users.list", "fn(x)"]);
  assert.equal(req.toString(), '"and" or auth.users.list and not "fn(x)" or auth.users.list');
  assert.equal(JSON.stringify({ req }), JSON.stringify({ req: req.toString() }));
  assert.equal(req.check({ scope: "and" }), true);
  assert.equal(req.check({ scope: "auth.users.list fn(x)" }), true);
  assert.equal(req.check({ scope: "fn(x)" }), false);
  assert.deepEqual(ScopeRequirement.parse("a or b and c").satisfyingScopes(), ["a"]);
  // one missing scope either way: the first alternative wins the tie
  assert.deepEqual(ScopeRequirement.parse("a or b and c").satisfyingScopes({ scope: "b" }), ["a"]);
  assert.deepEqual(ScopeRequirement.parse("a or b and c").satisfyingScopes({ scope: "b c" }), ["b", "c"]);
  throwsCode(() => req.check("auth.users.list"), "invalid_request");
});

test("invalid expressions throw invalid_scope_expression with the column", () => {
  for (const { expression, column } of fixture.invalid) {
    const err = throwsCode(() => ScopeRequirement.parse(expression), "invalid_scope_expression");
    assert.equal(err.column, column, `${JSON.stringify(expression)}: ${err.message}`);
  }
  const err = throwsCode(() => ScopeRequirement.parse("users.read or or admin"), "invalid_scope_expression");
  assert.equal(err.column, 15);
  assert.match(err.message, /quoted/);
  throwsCode(() => ScopeRequirement.parse("(".repeat(100_000)), "invalid_scope_expression");
  throwsCode(() => ScopeRequirement.parse(`${"(".repeat(33)}a${")".repeat(33)}`), "invalid_scope_expression");
  throwsCode(() => ScopeRequirement.parse(42), "invalid_request");
  throwsCode(() => new ScopeRequirement(), "invalid_request");
});

test("bearerChallenge: missing token, 400, 401, 403, server failures", () => {
  assert.deepEqual(bearerChallenge(null, { realm: "example" }), {
    status: 401,
    wwwAuthenticate: 'Bearer realm="example"',
  });
  assert.deepEqual(bearerChallenge(undefined), { status: 401, wwwAuthenticate: "Bearer" });
  assert.deepEqual(bearerChallenge({ code: "invalid_request", message: "two tokens" }), {
    status: 400,
    wwwAuthenticate: 'Bearer error="invalid_request"',
  });
  for (const code of [
    "malformed_token", "unsupported_algorithm", "algorithm_not_allowed", "key_not_found",
    "invalid_signature", "unsupported_critical_header", "token_expired", "token_not_yet_valid",
    "issuer_mismatch", "audience_mismatch", "azp_mismatch", "nonce_mismatch", "typ_mismatch",
    "missing_claim", "invalid_claim", "auth_time_too_old", "token_replayed",
  ]) {
    assert.deepEqual(bearerChallenge({ code, message: "m" }, { realm: "api" }), {
      status: 401,
      wwwAuthenticate: 'Bearer realm="api", error="invalid_token"',
    }, code);
  }
  assert.deepEqual(
    bearerChallenge({ code: "token_expired", message: 'expired "at" \\ 5 \u00e9\n' }, { errorDescription: true }),
    { status: 401, wwwAuthenticate: `Bearer error="invalid_token", error_description="expired 'at' / 5 ?"` },
  );
  assert.equal(bearerChallenge({ code: "http_error", message: "JWKS down" }).status, 503);
  assert.deepEqual(bearerChallenge(new TypeError("x"), { realm: "api" }), {
    status: 500,
    wwwAuthenticate: 'Bearer realm="api"',
  });
  assert.equal(bearerChallenge("oops").status, 500);
  assert.equal(bearerChallenge({ code: "invalid_jwk" }).status, 500);
});

test("bearerChallenge from a real thrown insufficient_scope error", () => {
  const req = ScopeRequirement.parse("auth.users.list and (auth.users.update or admin)");
  const err = throwsCode(() => req.require(tokens.reader), "insufficient_scope");
  assert.deepEqual(err.requiredScopes, ["auth.users.list", "auth.users.update"]);
  assert.deepEqual(bearerChallenge(err, { realm: "auth-api" }), {
    status: 403,
    wwwAuthenticate:
      'Bearer realm="auth-api", error="insufficient_scope", scope="auth.users.list auth.users.update"',
  });
  const withText = bearerChallenge(err, { realm: "auth-api", errorDescription: true });
  assert.match(withText.wwwAuthenticate, /error_description="the token's scopes do not satisfy `auth\.users\.list and \(auth\.users\.update or admin\)`: it lacks auth\.users\.update"/);
  // the value is an RFC 7230 / 9110 header value: no CR, LF or non-ASCII
  assert.match(withText.wwwAuthenticate, /^[\x20-\x7e]+$/);
  // and a real Response accepts it
  const res = new Response(null, { status: withText.status, headers: { "WWW-Authenticate": withText.wwwAuthenticate } });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("www-authenticate"), withText.wwwAuthenticate);
  // the scope option overrides
  assert.equal(
    bearerChallenge(err, { scope: ["admin"] }).wwwAuthenticate,
    'Bearer error="insufficient_scope", scope="admin"',
  );
});

test("bearerChallenge rejects bad options", () => {
  throwsCode(() => bearerChallenge(null, { realm: "caf\u00e9" }), "invalid_request");
  throwsCode(() => bearerChallenge(null, { realm: "a\r\nSet-Cookie: x=y" }), "invalid_request");
  throwsCode(() => bearerChallenge(null, { realmm: "x" }), "invalid_request");
  throwsCode(() => bearerChallenge(null, { errorDescription: "yes" }), "invalid_request");
  throwsCode(() => bearerChallenge(null, { scope: 'a"b' }), "invalid_request");
  throwsCode(() => bearerChallenge(null, "realm"), "invalid_request");
  assert.equal(bearerChallenge(null, { realm: 'say "hi"' }).wwwAuthenticate, 'Bearer realm="say \\"hi\\""');
});

test("requireScopes accepts a ScopeRequirement and leaves it usable", () => {
  const req = ScopeRequirement.parse("auth.users.update or admin");
  requireScopes({ scope: "admin" }, req);
  const err = throwsCode(() => requireScopes({ scope: "auth.users.list" }, req), "insufficient_scope");
  assert.ok(err.requiredScopes.length > 0);
  assert.equal(req.toString(), "auth.users.update or admin");
});
