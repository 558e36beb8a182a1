// Every entry of tests/corpus/malformed.json, called through the built package, must throw an OidcEdgeError
// with its documented code (and, for scope expressions, its column) — never a TypeError, a RuntimeError (a wasm
// trap) or a result — and the module must still work afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createHmac } from "node:crypto";
import * as oidc from "oidc-edge";

const corpus = JSON.parse(readFileSync(resolve(import.meta.dirname, "../corpus/malformed.json"), "utf8"));

const jwks = oidc.JwkSet.fromJson(corpus.verifier.jwks);
const { jwks: _, ...verifierOptions } = corpus.verifier;
const context = { ...oidc, verifier: new oidc.TokenVerifier({ ...verifierOptions, jwks }) };
const refs = { jwks, verifier: context.verifier };

// A valid token for the corpus verifier (HS256, the set's oct key): verifying it is the "still works" check.
const validToken =
  "eyJhbGciOiJIUzI1NiIsImtpZCI6Im9jdCJ9.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlLmNvbSIsImF1ZCI6ImFwaSIsInN1YiI6InVzZXItMSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDAwMDAwMDAwfQ";

/** The corpus verifier's oct key: 64 bytes of 0x01. */
const HMAC_KEY = Buffer.alloc(64, 1);
const b64 = (text) => Buffer.from(text).toString("base64url");

/**
 * The argument notation of the corpus: {"$ref"}, {"$repeat"}, {"$concat"}, {"$deep": n} (an object nested n
 * levels), {"$cyclic": object} (the object with a member `self` pointing to itself), {"$number": "NaN"} (a
 * number JSON cannot write), {"$hs256": [header, claims]} (a token signed with the corpus oct key);
 * everything else as is.
 */
function expand(value) {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== "object") return value;
  if ("$ref" in value) return refs[value.$ref];
  if ("$number" in value) return Number(value.$number);
  if ("$hs256" in value) {
    const input = value.$hs256.map((part) => b64(JSON.stringify(expand(part)))).join(".");
    return `${input}.${createHmac("sha256", HMAC_KEY).update(input).digest("base64url")}`;
  }
  if ("$deep" in value) {
    const root = {};
    let node = root;
    for (let i = 0; i < value.$deep; i++) node = node.a = {};
    return root;
  }
  if ("$cyclic" in value) {
    const object = expand(value.$cyclic);
    object.self = object;
    return object;
  }
  if ("$repeat" in value) return String(value.$repeat[0]).repeat(value.$repeat[1]);
  if ("$concat" in value) return value.$concat.map(expand).join("");
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
}

/** `name`, `Class.method`, `new Class` or `verifier.method`, as a function of the arguments. */
function resolveCall(call) {
  const construct = call.startsWith("new ");
  const path = (construct ? call.slice(4) : call).split(".");
  let self;
  let fn = context;
  for (const name of path) {
    self = fn;
    fn = fn?.[name];
  }
  assert.equal(typeof fn, "function", `no function ${call}`);
  return construct ? (...args) => new fn(...args) : (...args) => fn.apply(self, args);
}

function stillWorks() {
  assert.equal(oidc.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const sig = "2FTGOzFEbzFNLvA25WOrF5NVLgCx11HKfXD-Xlv5MqU";
  assert.equal(context.verifier.verify(`${validToken}.${sig}`, { now: 1700000100 }).sub, "user-1");
}

test("the corpus verifier accepts its valid token", stillWorks);

for (const [i, entry] of corpus.calls.entries()) {
  test(`malformed #${i}: ${entry.call} -> ${entry.code}${entry.note ? ` (${entry.note})` : ""}`, () => {
    const fn = resolveCall(entry.call);
    const args = expand(entry.args);
    let error;
    try {
      const value = fn(...args);
      assert.fail(`returned ${JSON.stringify(value)}`);
    } catch (e) {
      error = e;
    }
    assert.equal(error.name, "OidcEdgeError", String(error));
    assert.equal(error.code, entry.code, error.message);
    assert.ok(error.message.length > 0);
    // Messages quote at most an excerpt of any input (a 30 KB kid must not give a 30 KB message).
    assert.ok(error.message.length <= 600, `a ${error.message.length}-character message`);
    if ("column" in entry) assert.equal(error.column, entry.column, error.message);
    stillWorks();
  });
}

// The edge verifier's malformed requests: answered at the edge, never let through, never a throw.
const edge = corpus.edgeRequests;
const edgeVerify = oidc.createEdgeVerifier({
  ...edge.config,
  routes: readFileSync(resolve(import.meta.dirname, "../..", edge.config.routes), "utf8"),
  fetch: () => assert.fail("no request of the corpus needs keys"),
});
for (const [i, entry] of edge.requests.entries()) {
  test(`malformed edge request #${i}: ${JSON.stringify(entry.method)} ${entry.path} -> ${entry.status}`, async () => {
    const request = { method: entry.method, url: `https://api.example.com${entry.path}`, headers: new Headers() };
    const result = await edgeVerify(request);
    assert.equal(result.ok, false, `let through to ${result.route}`);
    assert.equal(result.response.status, entry.status);
    assert.equal(typeof (await result.response.json()).error, "string");
    if ("allow" in entry) assert.equal(result.response.headers.get("allow"), entry.allow);
  });
}
