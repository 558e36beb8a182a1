// The Node side of the bench, run by bench/run.mjs in a child process of its own (so the host's browser
// and server work stays out of the measured process). Prints one JSON object on stdout; progress on stderr.
//   node bench/node-runner.mjs bench   FIXTURES.json   -> { results, missing, cacheOption }
//   node bench/node-runner.mjs startup FIXTURES.json ALG -> compile / instantiate / first verify times (ms)
//   node bench/node-runner.mjs startup-spa FIXTURES.json ALG -> the same for the SPA entry (verifyAsync)
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as jose from "jose";
import { runInProcess, withGlueFallback } from "./cases.mjs";

const pkg = resolve(process.env.OIDC_EDGE_PKG ?? join(import.meta.dirname, "../pkg"));
const [mode, fixturesFile, alg] = process.argv.slice(2);
const fixtures = JSON.parse(readFileSync(fixturesFile, "utf8"));
const load = (file) => import(pathToFileURL(join(pkg, file)).href);

if (mode === "bench") {
  const oidc = await load("node.js");
  const out = await runInProcess({
    oidc, glue: await load("oidc_edge.js"), jose, fixtures, quick: process.env.BENCH_QUICK === "1", log: (m) => process.stderr.write(`  node  ${m}\n`),
  });
  process.stdout.write(JSON.stringify(out));
} else if (mode === "startup") {
  // A fresh process per sample: the wasm-bindgen glue instantiates once per module instance.
  const bytes = readFileSync(join(pkg, "oidc_edge_bg.wasm"));
  const glue = await load("oidc_edge.js");
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  const t1 = performance.now();
  glue.initSync({ module });
  const t2 = performance.now();
  const out = { compileMs: t1 - t0, instantiateMs: t2 - t1 };
  // The same glue instance, already instantiated (the glue's classes until api.js exports them).
  const { oidc: api } = withGlueFallback(await load("api.js"), glue);
  if (typeof api.TokenVerifier === "function" && alg) {
    const f = fixtures.algs[alg];
    const t3 = performance.now();
    const verifier = new api.TokenVerifier({
      issuer: fixtures.issuer, audience: fixtures.audience, jwks: api.JwkSet.fromJson(JSON.stringify(f.jwks)),
      algorithms: [alg],
    });
    const t4 = performance.now();
    verifier.verify(f.tokens[0]);
    const t5 = performance.now();
    verifier.verify(f.tokens[1]);
    const t6 = performance.now();
    Object.assign(out, { alg, setupMs: t4 - t3, firstVerifyMs: t5 - t4, secondVerifyMs: t6 - t5 });
  }
  process.stdout.write(JSON.stringify(out));
} else if (mode === "startup-spa") {
  // The SPA entry's module: its glue, its .wasm, and the WebCrypto path (its sync verify refuses RS*/ES*/EdDSA).
  const bytes = readFileSync(join(pkg, "oidc_edge_spa_bg.wasm"));
  const glue = await load("oidc_edge_spa.js");
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  const t1 = performance.now();
  glue.initSync({ module });
  const t2 = performance.now();
  const f = fixtures.algs[alg];
  const verifier = new glue.TokenVerifier({
    issuer: fixtures.issuer, audience: fixtures.audience, jwks: glue.JwkSet.fromJson(JSON.stringify(f.jwks)), algorithms: [alg],
  });
  const t3 = performance.now();
  await verifier.verifyAsync(f.tokens[0]);
  const t4 = performance.now();
  await verifier.verifyAsync(f.tokens[1]);
  const t5 = performance.now();
  process.stdout.write(JSON.stringify({
    compileMs: t1 - t0, instantiateMs: t2 - t1, alg, setupMs: t3 - t2, firstVerifyMs: t4 - t3, secondVerifyMs: t5 - t4,
  }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
