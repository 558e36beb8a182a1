// `make docs`: TypeDoc renders the API reference from the .d.ts files (typedoc.json) without a single warning
// (treatWarningsAsErrors: every export and method documented, every {@link} resolved), and the reference has a
// page for each entry and for what each exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const root = resolve(import.meta.dirname, "../..");

test("TypeDoc renders the .d.ts without a warning; the entries and their exports have pages", async (t) => {
  const out = mkdtempSync(join(tmpdir(), "oidc-edge-docs-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { stdout } = await promisify(execFile)(join(root, "node_modules/.bin/typedoc"),
    ["--options", "typedoc.json", "--out", out], { cwd: root });
  assert.doesNotMatch(stdout, /warning/i, stdout);
  for (const page of ["modules/oidc-edge.html", "modules/oidc-edge_spa.html", "functions/oidc-edge.createEdgeVerifier.html",
    "classes/oidc-edge.TokenVerifier.html", "functions/oidc-edge_spa.createSession.html", "interfaces/oidc-edge_spa.Session.html", "modules/oidc-edge_worker.html",
    "functions/oidc-edge_worker.init.html"]) {
    assert.ok(existsSync(join(out, page)), `${page} is rendered`);
  }
});
