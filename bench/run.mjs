// `make bench`: oidc-edge's TokenVerifier against jose, side by side, in Node, headless Chromium and workerd,
// plus sizes (bench/sizes.mjs: each shipped file and entry, gzip and brotli; a Worker's bundle; a Vite sign-in app
// with oidc-edge/spa beside oauth4webapi + jose) and start-up times in Node and Chromium. Prints tables and writes
// bench/results.json.
//   BENCH_QUICK=1          short batches (a smoke run; numbers indicative only)
//   OIDC_EDGE_PKG=DIR      the package to measure (default: this repo's pkg/)
//   BENCH_BEFORE_PKG=DIR   another built package measured next to it in Node, in the same process ("before"
//                          columns; BENCH_BEFORE_LABEL names it in the report, e.g. "main @ 15d17f9")
//   BENCH_RUNTIMES=a,b     a subset of node,chromium,workerd (default: all three)
//   BENCH_CLOCK=cpu        Node times by its process's CPU time instead of wall time (steadier on busy cores;
//                          the x16 column then counts the thread pool's CPU too, not throughput)
//   BENCH_PART=sizes       only the sizes and start-up times (no runtime benches; bench/results.json untouched)
// Everything it starts (a Node child, a static server, Chromium, workerd) it stops; loopback only.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, mkdirSync, writeFileSync, readdirSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { launchChromium } from "../tests/js/support/browser.mjs";
import { serveStatic } from "../tests/js/support/static-server.mjs";
import { bundleWorker, startWorker } from "../tests/js/support/workerd.mjs";
import { ALGS, MAIN_COLUMNS, NODE_ROWS, REPEATED_COLUMNS, groupsOf, measureGroup, timingOptions, warmUp } from "./cases.mjs";
import { EDGE_ALGS } from "./edge-case.mjs";
import { makeFixtures } from "./fixtures.mjs";
import { chromiumStartup, packageSizes, sizeTables, viteApps, workerBundle } from "./sizes.mjs";

const root = resolve(import.meta.dirname, "..");
const pkg = resolve(process.env.OIDC_EDGE_PKG ?? join(root, "pkg"));
const beforePkg = process.env.BENCH_BEFORE_PKG ? resolve(process.env.BENCH_BEFORE_PKG) : null;
const quick = process.env.BENCH_QUICK === "1";
const sizesOnly = process.env.BENCH_PART === "sizes";
const runtimes = sizesOnly ? [] : (process.env.BENCH_RUNTIMES ?? "node,chromium,workerd").split(",").map((s) => s.trim());
const STARTUP_RUNS = quick ? 6 : 24;
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : null;
};

// Whatever ends the run (an error, Ctrl-C, a closed pipe), what it started is stopped: every server, browser,
// workerd and child process registers its close function here while it runs.
const running = new Set();
async function started(close, body) {
  running.add(close);
  try {
    return await body();
  } finally {
    running.delete(close);
    await close();
  }
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, async () => {
    await Promise.allSettled([...running].map((close) => close()));
    process.exit(130);
  });
}
process.on("exit", () => { for (const close of running) close(); }); // their synchronous part: the kill
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {}); // e.g. `| head`

for (const dir of [pkg, beforePkg].filter(Boolean)) {
  if (!existsSync(join(dir, "oidc_edge_bg.wasm"))) throw new Error(`no package at ${dir} (run make pkg)`);
}

/** A package's type declarations as one text: `file` and the files it re-exports (`export * from`). */
function declarations(file) {
  const text = readFileSync(join(pkg, file), "utf8");
  const parts = [...text.matchAll(/^export \* from "\.\/(.+)\.js";$/gm)].map((m) => declarations(join(dirname(file), `${m[1]}.d.ts`)));
  return [text, ...parts].join("\n");
}

/** The verified-token cache option, when the package's types declare one on TokenVerifier's options. */
function detectCacheOption() {
  if (process.env.BENCH_CACHE_OPTION) return JSON.parse(process.env.BENCH_CACHE_OPTION);
  const dts = declarations("index.d.ts");
  if (/\bcache\??\s*:\s*\{\s*maxEntries\??\s*:/.test(dts)) return { cache: { maxEntries: 1024 } };
  if (/\bcacheSize\??\s*:/.test(dts)) return { cacheSize: 1024 };
  if (/\btokenCacheSize\??\s*:/.test(dts)) return { tokenCacheSize: 1024 };
  if (/\bcache\??\s*:\s*(boolean|true)/.test(dts)) return { cache: true };
  if (/\bcache\??\s*:\s*number/.test(dts)) return { cache: 1024 };
  return null;
}

function pkgInfo(pkg, label) {
  const wasm = readFileSync(join(pkg, "oidc_edge_bg.wasm"));
  const info = { path: pkg, wasmSha256: createHash("sha256").update(wasm).digest("hex").slice(0, 16) };
  // A copy kept outside its checkout says what it is through its label, not the git of wherever it sits.
  if (label) return { ...info, label };
  try {
    const git = (...a) => execFileSync("git", ["-C", dirname(pkg), ...a], { encoding: "utf8" }).trim();
    info.commit = git("rev-parse", "HEAD");
    info.branch = git("rev-parse", "--abbrev-ref", "HEAD");
    if (info.branch === "HEAD") info.branch = `detached, ${git("name-rev", "--name-only", "--exclude=refs/tags/*", "HEAD")}`;
    info.subject = git("log", "-1", "--format=%s");
    info.dirtySources = git("status", "--porcelain", "--", "src", "js", "Cargo.toml", "Cargo.lock") !== "";
  } catch {
    // not a git checkout
  }
  return info;
}

function machineInfo() {
  const workerdBin = join(root, "node_modules/.bin/workerd");
  let workerd = null;
  try {
    workerd = execFileSync(workerdBin, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // reported as null
  }
  return {
    date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30), workerd, chromium: null, loadavgAtStart: loadavg()[0],
  };
}

function runChild(args, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    const kill = () => child.kill("SIGKILL");
    running.add(kill);
    const timer = setTimeout(kill, 15 * 60_000);
    child.once("exit", (code) => {
      running.delete(kill);
      clearTimeout(timer);
      if (code === 0) ok(JSON.parse(out));
      else fail(new Error(`node ${args.join(" ")} exited with ${code}`));
    });
  });
}

// ---- runtimes ------------------------------------------------------------------------------------------

async function benchNode(fixturesFile) {
  log("node: measuring in a child process");
  return runChild([join(root, "bench/node-runner.mjs"), "bench", fixturesFile], { OIDC_EDGE_PKG: pkg });
}

async function benchChromium(fixtures, machine) {
  log("chromium: serving the page on 127.0.0.1, headless /usr/bin/chromium");
  const routes = {};
  for (const f of readdirSync(pkg)) routes[`/pkg/${f}`] = join(pkg, f);
  const server = await serveStatic(root, routes);
  return started(server.close, async () => {
    const chromium = await launchChromium();
    return started(chromium.close, async () => {
      const page = await chromium.context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => { if (m.type() === "log") log(`  chromium  ${m.text()}`); });
      await page.goto(`${server.url}/bench/browser/index.html`);
      await page.waitForFunction(() => window.__ready === true || undefined, null, { timeout: 30_000 })
        .catch((e) => { throw new Error(`bench page did not load: ${errors.join("; ") || e.message}`); });
      machine.chromium = await page.evaluate(async () => {
        const list = (await navigator.userAgentData?.getHighEntropyValues(["fullVersionList"]))?.fullVersionList;
        return list?.find((b) => /Chrom/.test(b.brand))?.version ?? navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1];
      });
      return await page.evaluate(([f, q]) => window.runBench(f, q), [fixtures, quick]);
    });
  });
}

async function benchWorkerd(fixtures) {
  log("workerd: bundling the bench worker (workerd export condition) and starting workerd on 127.0.0.1");
  // A throwaway entry next to its own node_modules, so `oidc-edge` resolves to the package under test
  // through its exports map, exactly as a bundled Worker resolves it.
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-bench-entry-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(pkg, join(dir, "node_modules/oidc-edge"));
  symlinkSync(join(root, "node_modules/jose"), join(dir, "node_modules/jose"));
  writeFileSync(join(dir, "entry.mjs"), `import * as oidc from "oidc-edge";
import * as glue from ${JSON.stringify(join(pkg, "oidc_edge.js"))};
import * as jose from "jose";
import { benchWorker } from ${JSON.stringify(join(root, "bench/workerd/worker.mjs"))};
export default benchWorker({ oidc, glue, jose });
`);
  let worker;
  try {
    worker = await startWorker(join(dir, "entry.mjs"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return started(worker.close, async () => {
    const call = async (path, body) => {
      const res = await fetch(`${worker.url}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`workerd ${path}: ${res.status} ${text}\n${worker.logs.join("")}`);
      return text;
    };
    const { ids, missing, cacheOption } = JSON.parse(await call("/setup", fixtures));
    const { failures } = JSON.parse(await call("/check", {}));
    if (failures.length) throw new Error(`correctness check failed:\n  ${failures.join("\n  ")}`);
    let workerMs;
    const rtt = async (id, n) => {
      const t0 = performance.now();
      workerMs = Number(await call(`/run?id=${encodeURIComponent(id)}&n=${n}`));
      return performance.now() - t0;
    };
    // The empty-request round trip, measured again right before each case (it drifts as workerd warms up).
    const baselineOf = async (count) => {
      const xs = [];
      for (let i = 0; i < count; i++) xs.push(await rtt("noop", 0));
      return median(xs);
    };
    await baselineOf(30);
    let baselineMs = await baselineOf(21);
    const opts = timingOptions(quick);
    const timeOps = async (id, n) => (await rtt(id, n)) - baselineMs;
    await warmUp(ids, timeOps, opts.warmupMs);
    const results = {};
    const baselines = [];
    for (const group of groupsOf(ids)) {
      baselineMs = await baselineOf(11);
      baselines.push(baselineMs);
      const measured = await measureGroup(group, timeOps, opts);
      for (const id of group) {
        // Cross-check: one more batch, timed both ways (the worker's own clock has 1 ms resolution).
        const hostMs = await timeOps(id, measured[id].n);
        results[id] = { ...measured[id], baselineMs, clockCheck: { hostMs, workerMs, ratio: workerMs / hostMs } };
        log(`  workerd  ${id}: ${Math.round(measured[id].opsPerSec)} ops/s (baseline ${baselineMs.toFixed(3)} ms, ` +
          `check: host ${hostMs.toFixed(1)} ms / worker ${workerMs} ms)`);
      }
    }
    const ratios = Object.values(results).map((r) => r.clockCheck.ratio);
    return {
      results, missing, cacheOption,
      baselineMs: { min: Math.min(...baselines), median: median(baselines), max: Math.max(...baselines) },
      clockCheck: { medianRatio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    };
  });
}

/** Start-up in fresh Node processes: `mode` "startup" (the main entry) or "startup-spa" (`oidc-edge/spa`). */
async function startup(fixturesFile, mode = "startup") {
  log(`${mode}: ${STARTUP_RUNS} fresh Node processes (compile, instantiate, first verify)`);
  const runs = [];
  for (let i = 0; i < STARTUP_RUNS; i++) {
    runs.push(await runChild([join(root, "bench/node-runner.mjs"), mode, fixturesFile, ALGS[i % ALGS.length]], { OIDC_EDGE_PKG: pkg }));
  }
  const pick = (k, xs = runs) => median(xs.map((r) => r[k]).filter((v) => v !== undefined));
  const firstVerify = {};
  for (const alg of ALGS) {
    const of = runs.filter((r) => r.alg === alg);
    if (of.length) firstVerify[alg] = { setupMs: pick("setupMs", of), firstVerifyMs: pick("firstVerifyMs", of), secondVerifyMs: pick("secondVerifyMs", of), samples: of.length };
  }
  return { runs: runs.length, compileMs: pick("compileMs"), instantiateMs: pick("instantiateMs"), firstVerify };
}

/**
 * Edge cold start (issue 15: compile, instantiate and the first verify ≤ 5 ms): fresh Node processes, each one
 * side and one algorithm, oidc-edge/worker's module and createEdgeVerifier against a jose Worker's first request.
 */
async function edgeStartup(fixturesFile) {
  if (!existsSync(join(pkg, "oidc_edge_worker_bg.wasm"))) return null;
  log(`startup-edge: ${STARTUP_RUNS} fresh Node processes per side (compile, instantiate, createEdgeVerifier, first request)`);
  const out = {};
  for (const side of ["oidc", "jose"]) {
    const runs = [];
    for (let i = 0; i < STARTUP_RUNS; i++) {
      const alg = EDGE_ALGS[i % EDGE_ALGS.length];
      runs.push(await runChild([join(root, "bench/node-runner.mjs"), "startup-edge", fixturesFile, alg, side], { OIDC_EDGE_PKG: pkg }));
    }
    const pick = (k, xs = runs) => median(xs.map((r) => r[k]).filter((v) => v !== undefined));
    const keys = ["compileMs", "instantiateMs", "setupMs", "firstRequestMs", "secondRequestMs", "totalMs"];
    out[side] = { runs: runs.length, ...Object.fromEntries(keys.map((k) => [k, pick(k)])), byAlg: {} };
    for (const alg of EDGE_ALGS) {
      const of = runs.filter((r) => r.alg === alg);
      out[side].byAlg[alg] = { samples: of.length, totalMs: pick("totalMs", of), firstRequestMs: pick("firstRequestMs", of) };
    }
  }
  return out;
}

/**
 * Edge cold start inside workerd, timed from the host: a fresh workerd per run, from its spawn to the first
 * answer to a request carrying a token (polled every 2 ms), for a Worker with oidc-edge/worker's
 * createEdgeVerifier, a jose Worker doing the same check, and an empty Worker; the first two less the third are
 * what the Worker's own start-up (wasm compile, instantiate, top level) and first verification cost.
 */
async function workerdColdStart(fixtures) {
  if (!existsSync(join(pkg, "oidc_edge_worker_bg.wasm"))) return null;
  const runs = quick ? 4 : 12;
  log(`startup-edge in workerd: ${runs} fresh workerd processes per Worker (spawn to first answer)`);
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-bench-cold-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(pkg, join(dir, "node_modules/oidc-edge"));
    symlinkSync(join(root, "node_modules/jose"), join(dir, "node_modules/jose"));
    const alg = "RS256";
    const f = fixtures.algs[alg];
    // The Workers are bundled from bench/edge-case.mjs, the same request the edge table times.
    const shared = `import { EDGE_URL, edgeConfig, joseEdgeCheck, joseEdgeOptions } from ${JSON.stringify(join(root, "bench/edge-case.mjs"))};
const fixtures = ${JSON.stringify({ issuer: fixtures.issuer, audience: fixtures.audience })};
const jwks = ${JSON.stringify(f.jwks)};
const alg = ${JSON.stringify(alg)};`;
    const sources = {
      empty: `export default { fetch: () => new Response("ok") };`,
      oidcEdge: `import { createEdgeVerifier } from "oidc-edge/worker";
${shared}
const verify = createEdgeVerifier(edgeConfig(fixtures, alg, jwks));
// the probe asks for the Worker's root: the same request at the guarded path
export default { async fetch(request) { const r = await verify(new Request(EDGE_URL, request)); return r.ok ? new Response("ok") : r.response; } };`,
      jose: `import * as jose from "jose";
${shared}
const keys = jose.createLocalJWKSet(jwks);
const options = joseEdgeOptions(fixtures, alg);
export default { async fetch(request) {
  const r = await joseEdgeCheck(jose, keys, request, options);
  return r.ok ? new Response("ok") : new Response(null, { status: 401 });
} };`,
    };
    const probe = { headers: { authorization: `Bearer ${f.tokens[0]}` } };
    const out = { alg, runs };
    for (const [name, source] of Object.entries(sources)) {
      const bundle = join(dir, name);
      mkdirSync(bundle);
      writeFileSync(join(dir, `${name}.mjs`), source);
      await bundleWorker(join(dir, `${name}.mjs`), bundle);
      renameSync(join(bundle, "worker.js"), join(bundle, "index.js"));
      const samples = [];
      for (let i = 0; i < runs; i++) {
        const worker = await startWorker(bundle, { bundled: true, probe, pollMs: 2 });
        await started(worker.close, async () => {
          const body = await worker.firstResponse.text();
          if (worker.firstResponse.status !== 200) throw new Error(`cold start ${name}: ${worker.firstResponse.status} ${body}\n${worker.logs.join("")}`);
          samples.push(worker.readyMs);
        });
      }
      out[name] = { readyMs: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
    }
    for (const name of ["oidcEdge", "jose"]) out[name].overEmptyMs = out[name].readyMs - out.empty.readyMs;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the package has the SPA entry (a package built before it had none). */
const hasSpa = () => existsSync(join(pkg, "oidc_edge_spa_bg.wasm"));

/** Sizes (bench/sizes.mjs): the shipped files and entries, a Worker's bundle, the Vite apps, Chromium start-up. */
async function sizes() {
  log("sizes: shipped files, entries, a Worker bundle (esbuild), Vite sign-in apps, start-up in Chromium");
  return {
    package: packageSizes(pkg),
    worker: await workerBundle(pkg),
    vite: hasSpa() ? await viteApps(root, pkg) : null,
    chromium: hasSpa() ? await chromiumStartup(root, pkg, quick ? 5 : 15, median) : null,
  };
}

// ---- output ----------------------------------------------------------------------------------------------

function table(title, head, rows) {
  const cells = [head, ...rows].map((r) => r.map((c) => String(c ?? "n/a")));
  const width = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join("  ");
  return [`\n${title}`, line(cells[0]), width.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
const ops = (m) => (m ? Math.round(m.opsPerSec).toLocaleString("en-US") : "n/a");
const ratio = (a, b) => (a && b ? (a.opsPerSec / b.opsPerSec).toFixed(2) : "n/a");

/** The rows a runtime measured, in NODE_ROWS' order (ALGS first). */
const rowsOf = (r, tableName) => NODE_ROWS.filter((row) => Object.keys(r.results).some((id) => id.startsWith(`${tableName}/${row}/`)));

function mainTable(name, r) {
  const get = (alg, col) => r.results[`main/${alg}/${col}`];
  return table(`${name}: ops/s, median of batches (higher is better); ratio = oidc-edge verify / jose CryptoKey`,
    ["alg", ...MAIN_COLUMNS.map((c) => c.label), "ratio"],
    rowsOf(r, "main").map((alg) => [alg, ...MAIN_COLUMNS.map((c) => ops(get(alg, c.key))), ratio(get(alg, "oidc"), get(alg, "joseKey"))]));
}

/** Microseconds per call of a measurement. */
const usOf = (m) => (m ? 1e6 / m.opsPerSec : null);
const us = (v) => (v == null ? "n/a" : v.toFixed(2));

/**
 * Node's synchronous comparison, from the main rows: oidc-edge's three sync methods against fast-jwt and the
 * bare node:crypto primitive, and the package measured before. "beyond node:crypto" is the time of a verify
 * minus that of the primitive alone on the same tokens: the wasm-side work (with the native backend) or the
 * cost of checking the signature in wasm (without it).
 */
function nodeSyncSummary(r) {
  const out = {};
  for (const row of rowsOf(r, "main")) {
    const get = (col) => r.results[`main/${row}/${col}`];
    const rate = (col) => get(col)?.opsPerSec ?? null;
    const x = (a, b) => (rate(a) && rate(b) ? rate(a) / rate(b) : null);
    out[row] = {
      verify: rate("oidc"), verifyIdToken: rate("oidcIdToken"), verifyAccessToken: rate("oidcAccessToken"),
      fastJwt: rate("fastJwt"), nodeCrypto: rate("nodeCrypto"), before: rate("before"),
      usWasmSide: usOf(get("wasmSide")),
      verifyVsFastJwt: x("oidc", "fastJwt"), idTokenVsFastJwt: x("oidcIdToken", "fastJwt"),
      accessTokenVsFastJwt: x("oidcAccessToken", "fastJwt"), verifyVsBefore: x("oidc", "before"),
      usBeyondNodeCrypto: get("oidc") && get("nodeCrypto") ? usOf(get("oidc")) - usOf(get("nodeCrypto")) : null,
      beforeUsBeyondNodeCrypto: get("before") && get("nodeCrypto") ? usOf(get("before")) - usOf(get("nodeCrypto")) : null,
      fastJwtUsBeyondNodeCrypto: get("fastJwt") && get("nodeCrypto") ? usOf(get("fastJwt")) - usOf(get("nodeCrypto")) : null,
    };
  }
  return out;
}

function nodeSyncTable(summary, fastJwtVersion) {
  const o = (v) => (v == null ? "n/a" : Math.round(v).toLocaleString("en-US"));
  const f = (v) => (v == null ? "n/a" : v.toFixed(2));
  return table(`node sync: ops/s (higher is better) — oidc-edge against fast-jwt ${fastJwtVersion} (createVerifier, node:crypto) and ` +
    "the bare node:crypto primitive on the same tokens;\n×fj = oidc-edge / fast-jwt (target ≥ 1.2); µs beyond = µs per verify minus µs of the primitive alone;" +
    "\nwasm side = µs per verify of an instance whose backend answers true at once (target ≤ 2 µs for a 1 KB token)",
  ["alg", "verify", "verifyIdToken", "verifyAccessToken", "before verify", "fast-jwt", "node:crypto alone",
    "×fj verify", "×fj idToken", "×fj accessToken", "× before", "µs beyond: oidc", "before", "fast-jwt", "wasm side"],
  Object.entries(summary).map(([row, s]) => [row, o(s.verify), o(s.verifyIdToken), o(s.verifyAccessToken), o(s.before), o(s.fastJwt),
    o(s.nodeCrypto), f(s.verifyVsFastJwt), f(s.idTokenVsFastJwt), f(s.accessTokenVsFastJwt), f(s.verifyVsBefore),
    us(s.usBeyondNodeCrypto), us(s.beforeUsBeyondNodeCrypto), us(s.fastJwtUsBeyondNodeCrypto), us(s.usWasmSide)]));
}

function callsSummary(r) {
  const out = {};
  for (const id of Object.keys(r.results).filter((k) => k.startsWith("calls/"))) {
    const [, name, col] = id.split("/");
    (out[name] ??= {})[col] = usOf(r.results[id]);
  }
  return out;
}

function callsTable(summary) {
  return table("node: µs per call (lower is better; target ≤ 1 µs), 512 distinct inputs; plain Node = node:crypto / " +
    "String.split doing the same",
  ["call", "oidc-edge", "before", "plain Node"],
  Object.entries(summary).map(([name, s]) => [name, us(s.oidc), us(s.before), us(s.node)]));
}

/** workerd's edge table: createEdgeVerifier against a jose Worker, per request (bench/workerd/worker.mjs). */
function edgeSummary(r) {
  const out = {};
  for (const row of rowsOf(r, "edge")) {
    const get = (col) => r.results[`edge/${row}/${col}`]?.opsPerSec ?? null;
    const [edge, jose] = [get("oidcEdge"), get("joseWorker")];
    out[row] = { oidcEdge: edge, joseWorker: jose, ratio: edge && jose ? edge / jose : null,
      usPerRequest: edge ? 1e6 / edge : null, joseUsPerRequest: jose ? 1e6 / jose : null };
  }
  return out;
}

function edgeTable(summary) {
  const o = (v) => (v == null ? "n/a" : Math.round(v).toLocaleString("en-US"));
  return table("workerd edge: requests/s through a guard of GET /api/* needing orders:read (higher is better); " +
    "ratio = createEdgeVerifier / a jose Worker (target ≥ 1.2)",
  ["alg", "createEdgeVerifier", "jose Worker", "ratio", "µs/request", "jose µs/request"],
  Object.entries(summary).map(([row, s]) => [row, o(s.oidcEdge), o(s.joseWorker), s.ratio?.toFixed(2) ?? "n/a",
    us(s.usPerRequest), us(s.joseUsPerRequest)]));
}

function repeatedTable(all) {
  const rows = [];
  for (const [name, r] of Object.entries(all)) {
    for (const alg of rowsOf(r, "repeated")) {
      const get = (col) => r.results[`repeated/${alg}/${col}`];
      const best = get("oidcCached") ?? get("oidc");
      rows.push([`${name} ${alg}`, ...REPEATED_COLUMNS.map((c) => ops(get(c.key))), ratio(best, get("joseKey"))]);
    }
  }
  return table("repeated token (the same bearer token verified again and again): ops/s; ratio = best oidc-edge / jose",
    ["runtime alg", ...REPEATED_COLUMNS.map((c) => c.label), "ratio"], rows);
}

function sizeTable(s, st, spaSt, edgeSt, coldSt) {
  let out = sizeTables(s, table);
  const ms = (v) => (v == null ? "n/a" : v.toFixed(2));
  if (st) {
    out += table(`start-up in Node: medians over fresh processes (${st.runs} runs; first verify ${Math.round(st.runs / ALGS.length)} per alg)`,
      ["step", "ms"], [["WebAssembly.compile", ms(st.compileMs)], ["instantiate (initSync)", ms(st.instantiateMs)]]);
    out += table("first verify after instantiation (Node, ms; setup = JwkSet.fromJson + new TokenVerifier)",
      ["alg", "setup", "first verify", "second verify"],
      ALGS.map((a) => [a, ms(st.firstVerify[a]?.setupMs), ms(st.firstVerify[a]?.firstVerifyMs), ms(st.firstVerify[a]?.secondVerifyMs)]));
  }
  if (spaSt) {
    out += table(`oidc-edge/spa start-up in Node: medians over fresh processes (${spaSt.runs} runs)`,
      ["step", "ms"], [["WebAssembly.compile", ms(spaSt.compileMs)], ["instantiate (initSync)", ms(spaSt.instantiateMs)]]);
    out += table("oidc-edge/spa first verifyAsync (WebCrypto; HS256 in wasm) after instantiation (Node, ms)",
      ["alg", "setup", "first verifyAsync", "second verifyAsync"],
      ALGS.map((a) => [a, ms(spaSt.firstVerify[a]?.setupMs), ms(spaSt.firstVerify[a]?.firstVerifyMs), ms(spaSt.firstVerify[a]?.secondVerifyMs)]));
  }
  if (edgeSt) {
    const { oidc: o, jose: j } = edgeSt;
    out += table(`edge cold start in V8 (Node), fresh processes (${o.runs} per side, algorithms in turn; ms, medians; issue 15 target: total <= 5)`,
      ["step", "oidc-edge/worker", "jose Worker"], [
        ["WebAssembly.compile", ms(o.compileMs), "-"], ["instantiate (initSync)", ms(o.instantiateMs), "-"],
        ["setup (createEdgeVerifier / createLocalJWKSet)", ms(o.setupMs), ms(j.setupMs)],
        ["first request (JWKS read, verify, scopes)", ms(o.firstRequestMs), ms(j.firstRequestMs)],
        ["total: compile to first answer", ms(o.totalMs), ms(j.totalMs)],
        ["second request", ms(o.secondRequestMs), ms(j.secondRequestMs)],
        ...EDGE_ALGS.map((a) => [`total, ${a} (${o.byAlg[a].samples} runs)`, ms(o.byAlg[a].totalMs), ms(j.byAlg[a].totalMs)]),
      ]);
  }
  if (coldSt) {
    out += table(`edge cold start in workerd, timed from the host: a fresh workerd per run (${coldSt.runs} per Worker, ${coldSt.alg}), spawn to the first answer (ms, medians)`,
      ["Worker", "spawn to first answer", "min", "max", "less the empty Worker"],
      [["oidc-edge/worker createEdgeVerifier", "oidcEdge"], ["jose Worker", "jose"], ["empty Worker", "empty"]].map(([label, k]) =>
        [label, ms(coldSt[k].readyMs), ms(coldSt[k].min), ms(coldSt[k].max), k === "empty" ? "-" : ms(coldSt[k].overEmptyMs)]));
  }
  return out;
}

// ---- main ------------------------------------------------------------------------------------------------

const machine = machineInfo();
const info = pkgInfo(pkg);
const beforeInfo = beforePkg ? pkgInfo(beforePkg, process.env.BENCH_BEFORE_LABEL) : null;
const fastJwtVersion = JSON.parse(readFileSync(join(root, "node_modules/fast-jwt/package.json"), "utf8")).version;
const cacheOption = detectCacheOption();
log(`oidc-edge bench${quick ? " (quick)" : ""}: package ${pkg}${info.commit ? ` @ ${info.commit.slice(0, 10)} (${info.branch})` : ""}` +
  `${beforeInfo ? `; before: ${beforePkg}${beforeInfo.label ? ` (${beforeInfo.label})` : ""}` : ""}`);
const fixtures = await makeFixtures(NODE_ROWS, { cacheOption });
const tmp = mkdtempSync(join(tmpdir(), "oidc-edge-bench-"));
const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
running.add(removeTmp);
const fixturesFile = join(tmp, "fixtures.json");
writeFileSync(fixturesFile, JSON.stringify(fixtures));

const results = {};
let startupResult;
let spaStartupResult;
let edgeStartupResult;
let coldStartResult;
try {
  if (runtimes.includes("node")) results.node = await benchNode(fixturesFile);
  if (runtimes.includes("chromium")) results.chromium = await benchChromium(fixtures, machine);
  if (runtimes.includes("workerd")) results.workerd = await benchWorkerd(fixtures);
  startupResult = await startup(fixturesFile);
  if (hasSpa()) spaStartupResult = await startup(fixturesFile, "startup-spa");
  edgeStartupResult = await edgeStartup(fixturesFile);
  coldStartResult = await workerdColdStart(fixtures);
} finally {
  running.delete(removeTmp);
  removeTmp();
}
const sizeResult = await sizes();

machine.loadavgAtEnd = loadavg()[0];
const missing = [...new Set(Object.values(results).flatMap((r) => r.missing))];
let report = `oidc-edge vs jose ${JSON.parse(readFileSync(join(root, "node_modules/jose/package.json"), "utf8")).version}` +
  ` — ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, Chromium ${machine.chromium ?? "n/a"}, workerd ${machine.workerd ?? "n/a"}` +
  `\npackage: ${pkg}${info.commit ? ` — ${info.branch} @ ${info.commit.slice(0, 10)} "${info.subject}"${info.dirtySources ? " (+ uncommitted source changes)" : ""}` : ""}` +
  `, wasm sha256 ${info.wasmSha256}` +
  `${process.env.BENCH_CLOCK === "cpu" ? "\nNode timed by process CPU time (BENCH_CLOCK=cpu)" : ""}` +
  `\n1-min load average ${machine.loadavgAtStart.toFixed(2)} at start, ${machine.loadavgAtEnd.toFixed(2)} at end (anything above ~1 means other processes shared the cores)${quick ? "\nQUICK MODE: short batches, indicative numbers only" : ""}`;
if (beforeInfo) report += `\nbefore (Node's "before" columns): ${beforePkg}${beforeInfo.label ? ` — ${beforeInfo.label}` : ""}, wasm sha256 ${beforeInfo.wasmSha256}`;
for (const [name, r] of Object.entries(results)) report += `\n${mainTable(name, r)}`;
const summary = {
  ...(results.node ? { nodeSync: nodeSyncSummary(results.node), calls: callsSummary(results.node) } : {}),
  ...(results.workerd ? { edge: edgeSummary(results.workerd) } : {}),
};
if (summary.nodeSync) report += `\n${nodeSyncTable(summary.nodeSync, fastJwtVersion)}\n${callsTable(summary.calls)}`;
if (summary.edge && Object.keys(summary.edge).length) report += `\n${edgeTable(summary.edge)}`;
if (results.workerd) {
  report += `\n(workerd: timed from the host per request of N operations, minus the empty-request round trip ` +
    `measured before each row: median ${results.workerd.baselineMs.median.toFixed(3)} ms, ` +
    `range ${results.workerd.baselineMs.min.toFixed(3)}–${results.workerd.baselineMs.max.toFixed(3)} ms;` +
    `\n cross-check: one extra batch per case timed by the worker's own performance.now() / by the host: ` +
    `median ${results.workerd.clockCheck.medianRatio.toFixed(3)}, range ${results.workerd.clockCheck.min.toFixed(3)}–` +
    `${results.workerd.clockCheck.max.toFixed(3)})`;
}
if (Object.keys(results).length) {
  report += `\n${repeatedTable(results)}`;
  report += `\n(verified-token cache option: ${cacheOption ? JSON.stringify(cacheOption) : "none offered by the package"})`;
}
report += `\n${sizeTable(sizeResult, startupResult, spaStartupResult, edgeStartupResult, coldStartResult)}`;
if (missing.length) report += `\n\nnotes:\n${missing.map((m) => `- ${m}`).join("\n")}`;
console.log(report);

// A partial run (BENCH_PART=sizes) leaves the last full results in bench/results.json.
if (!sizesOnly) {
  const out = {
    machine, package: info, before: beforeInfo, jose: JSON.parse(readFileSync(join(root, "node_modules/jose/package.json"), "utf8")).version,
    fastJwt: fastJwtVersion, summary,
    quick, method: { ...timingOptions(quick), statistic: "median ops/s over timed batches", startupRuns: STARTUP_RUNS,
      nodeClock: process.env.BENCH_CLOCK === "cpu" ? "process CPU time" : "wall time" },
    cacheOption, missing, runtimes: results, startup: startupResult, spaStartup: spaStartupResult, edgeStartup: edgeStartupResult, workerdColdStart: coldStartResult, sizes: sizeResult,
  };
  writeFileSync(join(root, "bench/results.json"), `${JSON.stringify(out, null, 2)}\n`);
  log("wrote bench/results.json");
}
