// examples/, each built and run as its README says, against one real oidc-provider on 127.0.0.1: the Vite + React
// SPA (`vite build`, served, signed in with Chromium), the Worker (bundled by `wrangler deploy --dry-run`, run in
// workerd), the Express API and the device-grant CLI (their own `node` processes). The examples install the
// package from ../../pkg; in the repository they resolve it, and their other dependencies, from the root's
// node_modules (one install: their versions must be the root's, checked first).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { clientCredentials } from "oidc-edge";
import { login, startProvider } from "./js/support/provider.mjs";
import { launchChromium } from "./js/support/browser.mjs";
import { serveStatic } from "./js/support/static-server.mjs";
import { freePort, startWorker } from "./js/support/workerd.mjs";

const root = resolve(import.meta.dirname, "..");
const examples = join(root, "examples");
const API = "https://api.example.com";
const SERVICE = { clientId: "orders-service", clientSecret: "orders service secret" };
const DEVICE = { clientId: "device-cli" };
const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

let op;
let spa; // the Vite app's static server, started first: the provider registers its redirect URI
let devPort; // the Vite dev server's, chosen first for the same reason
let tmp;

const spaClient = (clientId, origin) => ({
  client_id: clientId, token_endpoint_auth_method: "none", redirect_uris: [`${origin}/callback`],
  post_logout_redirect_uris: [`${origin}/`], grant_types: ["authorization_code"], response_types: ["code"],
});

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "oidc-edge-examples-"));
  spa = await serveStatic(join(tmp, "vite-dist"), { "/callback": join(tmp, "vite-dist/index.html") });
  devPort = await freePort();
  op = await startProvider({
    clients: [
      spaClient("vite-spa", spa.url),
      spaClient("vite-dev", `http://127.0.0.1:${devPort}`),
      {
        client_id: SERVICE.clientId, client_secret: SERVICE.clientSecret, token_endpoint_auth_method: "client_secret_post",
        grant_types: ["client_credentials"], response_types: [], redirect_uris: [], scope: "orders.read orders.write",
      },
      {
        client_id: DEVICE.clientId, token_endpoint_auth_method: "none", grant_types: [DEVICE_GRANT, "refresh_token"],
        response_types: [], redirect_uris: [],
      },
    ],
    resourceServers: { [API]: { scope: "orders.read orders.write" } },
    scopes: ["orders.read", "orders.write"],
    features: { deviceFlow: { enabled: true } },
  });
});
after(async () => {
  await op?.close();
  await spa?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A JWT access token for the API, from the provider's client credentials grant. */
const accessToken = async (scope) => (await clientCredentials({
  tokenEndpoint: `${op.issuer}/token`, clientAuth: SERVICE, scope, resource: API,
})).accessToken;
const flip = (jwt) => jwt.replace(/\.(.)/, (_, c) => `.${c === "e" ? "f" : "e"}`); // the payload's first character

/** Spawns `node file` with `env`; resolves at the first stdout line matching `ready`, to `{ match, out, exited, stop }`. */
async function run(t, file, env, ready) {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise((ok) => child.once("exit", (code) => ok(code)));
  t.after(() => { if (child.exitCode === null) child.kill(); return exited; });
  const match = await new Promise((ok, fail) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(ready);
      if (m) ok(m);
    });
    child.stderr.on("data", (d) => { out += d; });
    exited.then((code) => fail(new Error(`${file} exited (${code}) before it was ready:\n${out}`)));
  });
  return { match, exited, output: () => out };
}

test("each example depends on the built package by a file: path, and on the root's versions", () => {
  const rootDeps = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies;
  const names = readdirSync(examples, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  assert.deepEqual(names, ["device-cli", "express", "vite-react", "worker"]);
  for (const name of names) {
    const manifest = JSON.parse(readFileSync(join(examples, name, "package.json"), "utf8"));
    const deps = { ...manifest.dependencies, ...manifest.devDependencies };
    assert.equal(deps["oidc-edge"], "file:../../pkg", name);
    for (const [dep, version] of Object.entries(deps)) {
      if (dep !== "oidc-edge") assert.equal(version, rootDeps[dep], `${name}: ${dep} ${version} is not the root's`);
    }
    assert.ok(readFileSync(join(examples, name, "README.md"), "utf8").length > 200, `${name} has a README`);
  }
});

test("the README's Worker is examples/worker/src/index.js", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = readme.match(/## Guard an API in a Cloudflare Worker\n+```js\n([\s\S]*?)```/)?.[1];
  assert.equal(block, readFileSync(join(examples, "worker/src/index.js"), "utf8"));
});

test("docs/browser.md shows the Vite app's files as they are", () => {
  const guide = readFileSync(join(root, "docs/browser.md"), "utf8");
  for (const file of ["session.js", "main.jsx", "App.jsx"]) {
    const code = readFileSync(join(examples, "vite-react/src", file), "utf8");
    assert.ok(guide.includes(`\n${code}\`\`\``), `docs/browser.md has src/${file} as it is`);
  }
});

test("express: 401 without a token, 200 with orders.read, 403 for orders.write, 401 for a tampered token", async (t) => {
  const api = await run(t, join(examples, "express/server.js"),
    { ISSUER: op.issuer, AUDIENCE: API, JWKS_URI: `${op.issuer}/jwks`, PORT: "0" }, /listening on (http:\/\/\S+)/);
  const url = api.match[1];
  const call = (path, token, method = "GET") =>
    fetch(`${url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(await (await call("/health")).text(), "ok");
  let res = await call("/orders");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="api"');
  const token = await accessToken("orders.read");
  res = await call("/orders", token);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { owner: SERVICE.clientId, scope: "orders.read" });
  res = await call("/orders/7", token, "PUT");
  assert.equal(res.status, 403);
  assert.match(res.headers.get("www-authenticate"), /error="insufficient_scope", scope="orders.write"/);
  assert.equal((await call("/orders/7", await accessToken("orders.write"), "PUT")).status, 204);
  res = await call("/orders", flip(token));
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate"), /error="invalid_token"/);
  assert.match(api.output(), /refused GET \/orders: invalid_signature|refused GET \/orders: malformed_token/);
});

test("worker: bundled by wrangler deploy --dry-run, run in workerd: public, 401, 200, 403, 404", async (t) => {
  const out = join(tmp, "worker-dist");
  await promisify(execFile)(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: join(examples, "worker"),
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG_PATH: join(tmp, "wrangler-logs") },
  });
  assert.ok(readdirSync(out).some((f) => f.endsWith(".wasm")), "wrangler emitted the .wasm as a module");
  const worker = await startWorker(out, { bundled: true, bindings: { ISSUER: op.issuer, AUDIENCE: API, JWKS_URI: `${op.issuer}/jwks` } });
  t.after(worker.close);
  const call = (path, token, method = "GET") =>
    fetch(`${worker.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.deepEqual(await (await call("/health")).json(), { hello: "anyone", scopes: [] });
  let res = await call("/orders");
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate"), /^Bearer/);
  const token = await accessToken("orders.read");
  res = await call("/orders", token);
  assert.equal(res.status, 200, await res.clone().text());
  const body = await res.json();
  assert.equal(body.hello, SERVICE.clientId);
  assert.deepEqual(body.scopes, ["orders.read"]);
  res = await call("/orders/7", token, "PUT");
  assert.equal(res.status, 403);
  assert.match(res.headers.get("www-authenticate"), /error="insufficient_scope"/);
  assert.equal((await call("/orders/7", await accessToken("orders.write"), "PUT")).status, 200);
  assert.equal((await call("/elsewhere", token)).status, 404);
  assert.equal((await call("/orders", flip(token))).status, 401);
});

test("device-cli: prints the code, polls while the user approves on the provider's pages, verifies the ID token", async (t) => {
  const cli = await run(t, join(examples, "device-cli/cli.js"), { ISSUER: op.issuer, CLIENT_ID: DEVICE.clientId },
    /enter the code (\S+)\n\(or open (\S+)\)/);
  const [, userCode, complete] = cli.match;
  const page = await login(complete, "never:", "alice", {
    fields: { user_code: userCode }, until: (html) => /Sign-in Success/.test(html),
  });
  assert.match(page, /Sign-in Success/);
  assert.equal(await cli.exited, 0, cli.output());
  assert.match(cli.output(), /Signed in as alice; the access token expires in \d+ s, and a refresh token came with it\./);
});

test("vite-react: vite build, served, signed in and out with Chromium", async (t) => {
  const { build } = await import("vite");
  process.env.VITE_OIDC_ISSUER = op.issuer;
  process.env.VITE_OIDC_CLIENT_ID = "vite-spa";
  t.after(() => { delete process.env.VITE_OIDC_ISSUER; delete process.env.VITE_OIDC_CLIENT_ID; });
  const dist = join(tmp, "vite-dist");
  await build({ root: join(examples, "vite-react"), logLevel: "error", build: { outDir: dist, emptyOutDir: true } });
  const assets = readdirSync(join(dist, "assets"));
  assert.ok(assets.some((f) => /^oidc_edge_spa_bg-.*\.wasm$/.test(f)), `the SPA module is emitted: ${assets}`);
  assert.ok(!assets.some((f) => /^oidc_edge_bg/.test(f)), "the main entry's module is not");

  await signInAndOut(t, spa.url);
});

/** In the Vite app at `origin`: Sign in (the provider's login and consent pages), the user shown, Sign out. */
async function signInAndOut(t, origin) {
  const chromium = await launchChromium();
  t.after(chromium.close);
  const page = await chromium.context.newPage();
  const failures = [];
  page.on("pageerror", (e) => failures.push(String(e)));
  const wasm = [];
  page.on("response", (r) => { if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname); });
  await page.goto(`${origin}/`);
  await page.click("#sign-in");
  await page.waitForURL((u) => u.href.startsWith(op.issuer));
  await page.fill('input[name="login"]', "alice");
  await page.fill('input[name="password"]', "any");
  await page.click('button[type="submit"]');
  await page.locator('button[type="submit"]', { hasText: "Continue" }).click(); // consent
  await page.locator("#user").waitFor();
  assert.equal(await page.locator("#user").textContent(), "Signed in as alice");
  assert.equal(new URL(page.url()).pathname, "/");
  await page.click("#sign-out");
  await page.waitForURL((u) => u.href.startsWith(op.issuer));
  await page.locator('button[value="yes"]').click();
  await page.locator("#sign-in").waitFor();
  assert.deepEqual(failures, []);
  return wasm;
}

// Vite's dev server pre-bundles dependencies into node_modules/.vite/deps without the .wasm beside them
// (vitejs/vite#8427), so the package's own `new URL("….wasm", import.meta.url)` misses there; the example passes
// `init` the URL of a `?url` import instead, and needs no `optimizeDeps.exclude`. The package is a real copy here,
// as `npm install` of the tarball makes it (Vite does not pre-bundle a symlinked package).
test("vite-react: the Vite dev server, with oidc-edge pre-bundled, signs in and out", async (t) => {
  const { createServer: createViteServer } = await import("vite");
  const app = join(root, "target/examples-vite-dev");
  rmSync(app, { recursive: true, force: true });
  cpSync(join(examples, "vite-react"), app, { recursive: true });
  cpSync(join(root, "pkg"), join(app, "node_modules/oidc-edge"), { recursive: true, dereference: true });
  t.after(() => rmSync(app, { recursive: true, force: true }));
  process.env.VITE_OIDC_ISSUER = op.issuer;
  process.env.VITE_OIDC_CLIENT_ID = "vite-dev";
  t.after(() => { delete process.env.VITE_OIDC_ISSUER; delete process.env.VITE_OIDC_CLIENT_ID; });
  const server = await createViteServer({ root: app, logLevel: "error", server: { host: "127.0.0.1", port: devPort, strictPort: true } });
  t.after(() => server.close());
  await server.listen();
  const wasm = await signInAndOut(t, `http://127.0.0.1:${devPort}`);
  assert.ok(readdirSync(join(app, "node_modules/.vite/deps")).some((f) => f.startsWith("oidc-edge")), "oidc-edge was pre-bundled");
  assert.ok(wasm.includes("/node_modules/oidc-edge/oidc_edge_spa_bg.wasm"), `the .wasm came from the package: ${wasm}`);
});
