// Assertions shared by the JS suites.
import assert from "node:assert/strict";

/** Runs `fn`, which must throw an OidcEdgeError with `code` (not a TypeError, not a wasm trap); returns it. */
export function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected a thrown Error with code ${code}`);
  assert.equal(caught.name, "OidcEdgeError", String(caught));
  assert.equal(caught.code, code, caught.message);
  return caught;
}
