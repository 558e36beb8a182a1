// Every entry of tests/corpus/malformed.json, called through the built package, must throw an OidcEdgeError
// with its documented code — never a TypeError, a RuntimeError (a wasm trap) or a result — and the module
// must still work afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as oidc from "oidc-edge";

const corpus = JSON.parse(readFileSync(resolve(import.meta.dirname, "../corpus/malformed.json"), "utf8"));

function stillWorks() {
  assert.equal(oidc.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

for (const [i, entry] of corpus.calls.entries()) {
  test(`malformed #${i}: ${entry.call} -> ${entry.code}`, () => {
    assert.equal(typeof oidc[entry.call], "function", `no export ${entry.call}`);
    let error;
    try {
      const value = oidc[entry.call](...entry.args);
      assert.fail(`returned ${JSON.stringify(value)}`);
    } catch (e) {
      error = e;
    }
    assert.equal(error.name, "OidcEdgeError", String(error));
    assert.equal(error.code, entry.code, error.message);
    assert.ok(error.message.length > 0);
    stillWorks();
  });
}
