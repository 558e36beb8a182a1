// The package as published: `npm pack` pkg/, install the tarball into an empty project (offline: it has no
// dependencies), and import it by name from a separate `node` process — what a user's `npm install` gives.
// Also: every runtime export is declared in index.d.ts (spa.d.ts for `oidc-edge/spa`) and the declarations
// type-check against real usage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as api from "oidc-edge";
import * as spaApi from "oidc-edge/spa";
import { startWorker } from "./support/workerd.mjs";

const root = resolve(import.meta.dirname, "../..");
const pkgDir = join(root, "pkg");
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "oidc-edge-install-"));
  const tarball = execFileSync("npm", ["pack", pkgDir, "--pack-destination", project, "--silent"], { encoding: "utf8" })
    .trim().split("\n").pop();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", join(project, tarball)],
    { cwd: project, stdio: "pipe" });
});

after(() => rmSync(project, { recursive: true, force: true }));

test("the packed tarball ships exactly the files the exports map needs", () => {
  const dir = join(project, "node_modules", "oidc-edge");
  const installed = readdirSync(dir, { recursive: true }).filter((f) => statSync(join(dir, f)).isFile()).sort();
  // js/package.json's `files` is the one list of what ships (scripts/build-pkg.sh copies it).
  const manifest = JSON.parse(readFileSync(join(root, "js/package.json"), "utf8"));
  assert.deepEqual(installed, [...manifest.files, "package.json"].sort());
  const targets = (e) => (typeof e === "string" ? [e] : Object.values(e).flatMap(targets));
  for (const target of [manifest.types, manifest.main, manifest.module, ...targets(manifest.exports)]) {
    assert.ok(installed.includes(target.replace(/^\.\//, "")), `${target} is in the exports map but not shipped`);
  }
});

test("the manifest says where the project is and under which licences; both licence texts ship", () => {
  const dir = join(project, "node_modules", "oidc-edge");
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  assert.match(manifest.repository.url, /^git\+https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
  assert.equal(manifest.homepage, `${manifest.repository.url.slice(4, -4)}#readme`);
  assert.equal(manifest.bugs.url, `${manifest.repository.url.slice(4, -4)}/issues`);
  assert.match(readFileSync(join(dir, "LICENSE-MIT"), "utf8"), /^MIT License\n/);
  assert.match(readFileSync(join(dir, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  // The README that ships is the one for users: short, and no links out of the repository's tree.
  const readme = readFileSync(join(dir, "README.md"), "utf8");
  assert.doesNotMatch(readme, /\]\(\.\.\//);
  assert.ok(readme.split("\n").length <= 200, `README.md has ${readme.split("\n").length} lines`);
});

test("node -e importing oidc-edge prints a PKCE pair", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e",
    'import { init, generatePkce } from "oidc-edge"; await init(); console.log(JSON.stringify(generatePkce()));'],
  { cwd: project, encoding: "utf8" });
  const pair = JSON.parse(out);
  assert.match(pair.codeVerifier, /^[A-Za-z0-9\-._~]{64}$/);
  assert.match(pair.codeChallenge, /^[A-Za-z0-9\-_]{43}$/);
  assert.equal(pair.codeChallengeMethod, "S256");
});

test("a mismatched state from the installed package is an OidcEdgeError, not a TypeError", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
    import { parseCallback, OidcEdgeError } from "oidc-edge";
    import * as spa from "oidc-edge/spa";
    try { parseCallback("https://app.example/cb?code=c&state=x", { state: "y" }); }
    catch (e) { console.log(e.name, e.code, e instanceof Error, e instanceof OidcEdgeError, spa.OidcEdgeError === OidcEdgeError); }`],
  { cwd: project, encoding: "utf8" });
  assert.equal(out.trim(), "OidcEdgeError state_mismatch true true true");
});

test("init() in Node takes the bytes or a compiled WebAssembly.Module, in both entries", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
    import { readFileSync } from "node:fs";
    import { init, generatePkce } from "oidc-edge";
    import * as spa from "oidc-edge/spa";
    const file = (name) => readFileSync(new URL(import.meta.resolve("oidc-edge/" + name)));
    await init(file("oidc_edge_bg.wasm"));
    await init(await WebAssembly.compile(file("oidc_edge_bg.wasm")));
    await spa.init(await WebAssembly.compile(file("oidc_edge_spa_bg.wasm")));
    await spa.init(file("oidc_edge_spa_bg.wasm"));
    console.log(generatePkce().codeChallengeMethod, spa.generatePkce().codeChallengeMethod);`],
  { cwd: project, encoding: "utf8" });
  assert.equal(out.trim(), "S256 S256");
});

test("node -e importing oidc-edge/spa from the installed package verifies an HS256 token", () => {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
    import { readFileSync } from "node:fs";
    import { createHmac } from "node:crypto";
    import { init, JwkSet, TokenVerifier } from "oidc-edge/spa";
    await init(readFileSync(new URL(import.meta.resolve("oidc-edge/oidc_edge_spa_bg.wasm"))));
    const b64 = (s) => Buffer.from(s).toString("base64url");
    const key = Buffer.alloc(32, 7);
    const input = b64('{"alg":"HS256"}') + "." + b64(JSON.stringify({ iss: "https://i", aud: "c", sub: "s", exp: 2e9 }));
    const token = input + "." + createHmac("sha256", key).update(input).digest("base64url");
    const v = new TokenVerifier({ issuer: "https://i", audience: "c", jwks: JwkSet.fromJson({ keys: [{ kty: "oct", k: key.toString("base64url") }] }) });
    console.log(v.verify(token).sub, (await v.verifyAsync(token)).sub);`], { cwd: project, encoding: "utf8" });
  assert.equal(out.trim(), "s s");
});

/** The names a .d.ts declares as runtime values: functions, classes, consts, and value re-exports (following
 *  `export * from`, which index.d.ts uses for its parts in types/). */
function declaredValues(file) {
  const dts = readFileSync(join(pkgDir, file), "utf8");
  const own = [...dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  const reexported = [...dts.matchAll(/^export \{([^}]*)\} from/gm)].flatMap((m) => m[1].split(",").map((n) => n.trim()).filter(Boolean));
  const parts = [...dts.matchAll(/^export \* from "\.\/(.+)\.js";$/gm)].flatMap((m) => declaredValues(join(dirname(file), `${m[1]}.d.ts`)));
  return [...own, ...reexported, ...parts].sort();
}

test("every runtime export is declared in index.d.ts, and nothing else is", () => {
  assert.deepEqual(Object.keys(api).sort(), declaredValues("index.d.ts"));
});

test("every runtime export of oidc-edge/spa is declared in spa.d.ts, and nothing else is", () => {
  assert.deepEqual(Object.keys(spaApi).sort(), declaredValues("spa.d.ts"));
});

test("oidc-edge/worker from the installed package, bundled as wrangler does, runs in workerd on its own module and exports what worker.d.ts declares", async () => {
  const entry = join(project, "worker-entry.js");
  writeFileSync(entry, `import * as w from "oidc-edge/worker";
    export default { fetch: () => Response.json(Object.keys(w).sort()) };`);
  const worker = await startWorker(entry);
  try {
    const res = await fetch(worker.url);
    assert.equal(res.status, 200, worker.logs.join(""));
    assert.deepEqual(await res.json(), declaredValues("worker.d.ts"));
    assert.deepEqual(worker.wasm, ["oidc_edge_worker_bg.wasm"]);
  } finally {
    await worker.close();
  }
});

/** Compiles `usage` (files of tests/js/) in the installed project with `tsc --strict` and these compiler options. */
function typeCheck(name, usage, options) {
  for (const f of usage) writeFileSync(join(project, f), readFileSync(join(root, "tests/js", f), "utf8"));
  const config = `tsconfig.${name}.json`;
  writeFileSync(join(project, config), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022",
      skipLibCheck: false, ...options },
    files: usage,
  }));
  try {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(project, config)], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc (${name}) rejected the package's .d.ts or the usage:\n${e.stdout}${e.stderr}`);
  }
}

test("index.d.ts, spa.d.ts and worker.d.ts type-check for a browser project, with usage from types-usage.ts, types-usage-spa.ts and types-usage-worker.ts", () => {
  typeCheck("browser", ["types-usage.ts", "types-usage-spa.ts", "types-usage-worker.ts"], { lib: ["es2022", "dom"], types: [] });
});

test("index.d.ts and spa.d.ts type-check for a Node project: lib es2022 without the DOM, @types/node, skipLibCheck false", () => {
  typeCheck("node", ["types-usage-node.ts"],
    { lib: ["es2022"], types: ["node"], typeRoots: [join(root, "node_modules/@types")] });
});
