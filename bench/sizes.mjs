// The size half of `make bench` (issue 16): what each entry ships, what a Worker bundles, a Vite sign-in app
// with oidc-edge/spa beside the same app on oauth4webapi + jose, and compile/instantiate time in Chromium.
// The shipped files come from the package's own package.json "files" (js/package.json, copied into pkg/ by
// scripts/build-pkg.sh): the one list of what ships.
import { build as esbuild } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build as vite } from "vite";
import { launchChromium } from "../tests/js/support/browser.mjs";
import { serveStatic } from "../tests/js/support/static-server.mjs";

/** Raw, gzip -9 and brotli 11 bytes of some bytes, as a server would send them. */
export function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const ZERO = { raw: 0, gzip: 0, brotli: 0 };
const sumOf = (list) => list.reduce(add, ZERO);

/** What `pkg` ships: its package.json's "files" that are scripts or modules. */
export function shippedFiles(pkg) {
  const { files } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  return files.filter((f) => /\.(js|wasm)$/.test(f));
}

/**
 * The files an entry module loads: itself, what it imports statically (`from "./x.js"`, `import "./x.wasm"`) and
 * the `.wasm` its glue fetches (`new URL("x_bg.wasm", import.meta.url)`), transitively.
 */
export function entryFiles(pkg, entry) {
  const seen = new Set();
  const visit = (path) => {
    const file = path.replace(/^\.\//, "");
    if (seen.has(file)) return;
    seen.add(file);
    if (extname(file) !== ".js") return;
    const text = readFileSync(join(pkg, file), "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*["']\.\/([^"']+)["']|new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g)) {
      visit(m[1] ?? m[2]);
    }
  };
  visit(entry);
  return [...seen];
}

/** The package's entries by its "exports" map: `oidc-edge (browser)`, `oidc-edge/spa`, … -> their module. */
export function entries(pkg) {
  const { exports } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const out = {};
  for (const [key, target] of Object.entries(exports)) {
    const name = `oidc-edge${key.slice(1)}`;
    if (typeof target === "string") {
      if (target.endsWith(".js")) out[name] = target.slice(2);
      continue;
    }
    for (const [condition, file] of Object.entries(target)) {
      if (condition === "types" || (condition === "default" && Object.values(out).includes(file.slice(2)))) continue;
      out[Object.keys(target).length > 2 ? `${name} (${condition})` : name] = file.slice(2);
    }
  }
  return out;
}

/** Every shipped file's size and each entry's, split into JS and wasm. */
export function packageSizes(pkg) {
  const files = Object.fromEntries(shippedFiles(pkg).map((f) => [f, compressed(readFileSync(join(pkg, f)))]));
  const byEntry = {};
  for (const [name, module] of Object.entries(entries(pkg))) {
    const list = entryFiles(pkg, module);
    const of = (wasm) => sumOf(list.filter((f) => f.endsWith(".wasm") === wasm).map((f) => files[f] ?? compressed(readFileSync(join(pkg, f)))));
    byEntry[name] = { files: list, js: of(false), wasm: of(true), total: sumOf([of(false), of(true)]) };
  }
  return { files, entries: byEntry };
}

/** The Worker entries measured: the package's main entry and the Worker entry, each importing `createEdgeVerifier`. */
export const WORKER_ENTRIES = ["oidc-edge", "oidc-edge/worker"];

/**
 * What a Worker importing `createEdgeVerifier` from each of {@link WORKER_ENTRIES} uploads, bundled as wrangler
 * bundles it: esbuild with the `workerd` / `worker` / `browser` conditions, not minified (wrangler's default),
 * the `.wasm` kept as its own module (wrangler's CompiledWasm rule) and counted beside the script.
 */
export async function workerBundle(pkg) {
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-worker-size-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(pkg, join(dir, "node_modules/oidc-edge"));
    const out = {};
    for (const entry of WORKER_ENTRIES) {
      const contents = `import { createEdgeVerifier } from "${entry}";
let verify;
export default {
  async fetch(request, env) {
    verify ??= createEdgeVerifier({ issuer: env.ISSUER, audience: env.AUDIENCE, jwksUri: env.JWKS_URI });
    const result = await verify(request);
    return result.ok ? fetch(request) : result.response;
  },
};`;
      const result = await esbuild({
        stdin: { contents, resolveDir: dir, loader: "js" }, bundle: true, format: "esm", platform: "neutral",
        conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], external: ["*.wasm"],
        write: false, metafile: true, logLevel: "silent",
      });
      const script = compressed(result.outputFiles[0].contents);
      const wasmFiles = [...new Set(Object.values(result.metafile.inputs)
        .flatMap((i) => i.imports.filter((m) => m.external && m.path.endsWith(".wasm")).map((m) => m.path.replace(/^\.\//, ""))))];
      const wasm = sumOf(wasmFiles.map((f) => compressed(readFileSync(join(pkg, f)))));
      out[entry] = { script, wasm, wasmFiles, total: add(script, wasm) };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Vite production build of each app of bench/apps/: every emitted file, summed. */
export async function viteApps(root, pkg) {
  const apps = {};
  for (const app of readdirSync(join(root, "bench/apps"))) {
    const outDir = mkdtempSync(join(tmpdir(), `oidc-edge-vite-${app}-`));
    try {
      await vite({
        root: join(root, "bench/apps", app), logLevel: "error", configFile: false,
        resolve: { alias: [{ find: /^oidc-edge\/spa$/, replacement: join(pkg, "spa.js") }, { find: /^oidc-edge$/, replacement: join(pkg, "web.js") }] },
        build: { outDir, emptyOutDir: true, target: "es2022" },
      });
      const files = [];
      const walk = (d) => {
        for (const f of readdirSync(d)) {
          const p = join(d, f);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(js|wasm|css)$/.test(f)) files.push(p);
        }
      };
      walk(outDir);
      const sized = files.map((f) => ({ file: relative(outDir, f), ...compressed(readFileSync(f)) }));
      const part = (re) => sumOf(sized.filter((s) => re.test(s.file)));
      apps[app] = { files: sized, js: part(/\.js$/), wasm: part(/\.wasm$/), total: sumOf(sized) };
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }
  return apps;
}

/**
 * Start-up in headless Chromium, a fresh page per run: `WebAssembly.compile` of the entry's `.wasm`, then the
 * entry's `init(module)` (instantiation through the glue) and its first call (`generatePkce()`), medians.
 */
export async function chromiumStartup(root, pkg, runs, median) {
  const routes = { "/startup.html": join(root, "bench/browser/startup.html") };
  for (const f of readdirSync(pkg)) routes[`/pkg/${f}`] = join(pkg, f);
  const server = await serveStatic(root, routes);
  try {
    const chromium = await launchChromium();
    try {
      const out = {};
      for (const [name, entry, wasm] of [["oidc-edge/spa", "spa.js", "oidc_edge_spa_bg.wasm"], ["oidc-edge (browser)", "web.js", "oidc_edge_bg.wasm"]]) {
        const samples = [];
        for (let i = 0; i < runs; i++) {
          const page = await chromium.context.newPage();
          try {
            await page.goto(`${server.url}/startup.html`);
            samples.push(await page.evaluate(async ([entry, wasm]) => {
              const bytes = await (await fetch(`/pkg/${wasm}`)).arrayBuffer();
              const t0 = performance.now();
              const module = await WebAssembly.compile(bytes);
              const t1 = performance.now();
              const m = await import(`/pkg/${entry}`);
              const t2 = performance.now();
              await m.init(module);
              const t3 = performance.now();
              m.generatePkce();
              const t4 = performance.now();
              return { compileMs: t1 - t0, instantiateMs: t3 - t2, firstCallMs: t4 - t3 };
            }, [entry, wasm]));
          } finally {
            await page.close();
          }
        }
        const pick = (k) => median(samples.map((s) => s[k]));
        out[name] = { runs, compileMs: pick("compileMs"), instantiateMs: pick("instantiateMs"), firstCallMs: pick("firstCallMs"),
          instantiateAndFirstCallMs: median(samples.map((s) => s.instantiateMs + s.firstCallMs)) };
      }
      return out;
    } finally {
      await chromium.close();
    }
  } finally {
    await server.close();
  }
}

/** The size tables of the report. */
export function sizeTables(s, table) {
  const n = (v) => v.toLocaleString("en-US");
  const row = (label, v) => [label, n(v.raw), n(v.gzip), n(v.brotli)];
  let out = table("sizes: bytes of each shipped file (js/package.json \"files\"; gzip -9 and brotli 11, each file on its own)",
    ["file", "raw", "gzip", "brotli"], Object.entries(s.package.files).map(([f, v]) => row(f, v)));
  out += table("entries: what each loads (the module, its imports and the .wasm its glue fetches)",
    ["entry", "JS gzip", "JS brotli", "wasm gzip", "wasm brotli", "total gzip", "total brotli"],
    Object.entries(s.package.entries).map(([e, v]) => [e, n(v.js.gzip), n(v.js.brotli), n(v.wasm.gzip), n(v.wasm.brotli), n(v.total.gzip), n(v.total.brotli)]));
  if (s.worker) {
    out += table("a Worker importing createEdgeVerifier, bundled as wrangler does (esbuild, not minified, .wasm as its own module)",
      ["import from", "part", "raw", "gzip", "brotli"], Object.entries(s.worker).flatMap(([entry, w]) => [
        [entry, ...row("script", w.script)], [entry, ...row(`wasm (${w.wasmFiles.join(", ")})`, w.wasm)], [entry, ...row("total", w.total)]]));
  }
  if (s.vite) {
    out += table("a minimal sign-in app, Vite production build (bench/apps/): every emitted file",
      ["app", "JS gzip", "wasm gzip", "total gzip", "total brotli"],
      Object.entries(s.vite).map(([app, v]) => [app, n(v.js.gzip), n(v.wasm.gzip), n(v.total.gzip), n(v.total.brotli)]));
  }
  if (s.chromium) {
    const ms = (v) => (v == null ? "n/a" : v.toFixed(2));
    out += table("start-up in headless Chromium: medians over fresh pages (ms)",
      ["entry", "runs", "WebAssembly.compile", "init(module)", "first call", "instantiate + first call"],
      Object.entries(s.chromium).map(([e, v]) => [e, v.runs, ms(v.compileMs), ms(v.instantiateMs), ms(v.firstCallMs), ms(v.instantiateAndFirstCallMs)]));
  }
  return out;
}
