// Runs a Worker in real workerd (the npm `workerd` binary) on 127.0.0.1; `close()` stops it.
// The worker is bundled with esbuild the way wrangler does it: the package resolved through its exports
// map with the `workerd` condition, `.wasm` imports left external and loaded as compiled Wasm modules.
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "../../..");
const WORKERD = join(root, "node_modules/.bin/workerd");

/** A port free on 127.0.0.1 now (for a server that must know its URL before it starts). */
export async function freePort() {
  const srv = createServer();
  await new Promise((ok) => srv.listen(0, "127.0.0.1", ok));
  const { port } = srv.address();
  await new Promise((ok) => srv.close(ok));
  return port;
}

/** Bundles `entry` into `dir`/worker.js; returns the `.wasm` files it imports (copied next to it). */
export async function bundleWorker(entry, dir) {
  const wasm = new Set();
  await build({
    entryPoints: [entry], bundle: true, format: "esm", platform: "neutral", target: "es2022",
    conditions: ["workerd", "worker", "browser"], external: ["node:*"], outfile: join(dir, "worker.js"), logLevel: "error",
    plugins: [{
      name: "wasm-modules",
      setup(b) {
        b.onResolve({ filter: /\.wasm$/ }, (args) => {
          const file = resolve(args.resolveDir, args.path);
          wasm.add(file);
          return { path: `./${basename(file)}`, external: true };
        });
      },
    }],
  });
  for (const file of wasm) copyFileSync(file, join(dir, basename(file)));
  return [...wasm].map((f) => basename(f));
}

/**
 * Starts `entry` in workerd. `bindings` become text bindings (env.NAME); `durableObjects` ({ NAME: className })
 * Durable Object namespaces of classes `entry` exports, bound as env.NAME, with in-memory storage. With `bundled`, `entry` is a directory
 * a bundler already wrote (wrangler's `--outdir`: `index.js` and the `.wasm` modules it imports), run as is.
 * `port`: the port to listen on (e.g. from {@link freePort}, for a URL a provider must know first), else a free one.
 * Resolves to `{ url, close, logs, wasm, readyMs, firstResponse }` (`wasm`: the names of the `.wasm` modules it loads;
 * `readyMs`: from the spawn to the first answer of the readiness `probe`, fetch options polled every `pollMs`).
 */
export async function startWorker(entry, { bindings = {}, bundled = false, durableObjects = {}, port: given, probe = { method: "HEAD" }, pollMs = 50 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-workerd-"));
  let main = "worker.js";
  let wasm;
  if (bundled) {
    cpSync(entry, dir, { recursive: true });
    main = "index.js";
    wasm = readdirSync(dir).filter((f) => f.endsWith(".wasm"));
  } else {
    wasm = await bundleWorker(entry, dir);
  }
  const port = given ?? await freePort();
  const text = (s) => JSON.stringify(String(s));
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "internet", network = (allow = ["private", "local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  compatibilityDate = "2025-01-01",
  compatibilityFlags = ["nodejs_compat"],
  globalOutbound = "internet",
${Object.keys(durableObjects).length === 0 ? "" : `  durableObjectNamespaces = [
${Object.values(durableObjects).map((c) => `    (className = ${text(c)}, uniqueKey = ${text(`oidc-edge-${c}`)}),`).join("\n")}
  ],
  durableObjectStorage = (inMemory = void),
`}  modules = [
    (name = ${text(main)}, esModule = embed ${text(main)}),
${wasm.map((w) => `    (name = ${text(w)}, wasm = embed ${text(w)}),`).join("\n")}
  ],
  bindings = [
${Object.entries(bindings).map(([k, v]) => `    (name = ${text(k)}, text = ${text(v)}),`).join("\n")}
${Object.entries(durableObjects).map(([k, c]) => `    (name = ${text(k)}, durableObjectNamespace = (className = ${text(c)})),`).join("\n")}
  ],
);
`);
  const logs = [];
  const t0 = performance.now();
  const child = spawn(WORKERD, ["serve", "config.capnp", "--verbose"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => logs.push(String(d)));
  child.stderr.on("data", (d) => logs.push(String(d)));
  const exited = new Promise((ok) => child.once("exit", ok));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  let firstResponse;
  for (let i = 0; ; i++) {
    try {
      firstResponse = await fetch(url, probe);
      break;
    } catch {
      if (i * pollMs > 10_000 || child.exitCode !== null) {
        await close();
        throw new Error(`workerd did not start:\n${logs.join("")}`);
      }
      await new Promise((ok) => setTimeout(ok, pollMs));
    }
  }
  return { url, close, logs, wasm, readyMs: performance.now() - t0, firstResponse };
}
