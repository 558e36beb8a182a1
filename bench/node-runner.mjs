// The Node side of the bench, run by bench/run.mjs in a child process of its own (so the host's browser
// and server work stays out of the measured process). Prints one JSON object on stdout; progress on stderr.
//   node bench/node-runner.mjs bench   FIXTURES.json   -> { results, missing, cacheOption }
//   node bench/node-runner.mjs startup FIXTURES.json ALG -> compile / instantiate / first verify times (ms)
//   node bench/node-runner.mjs startup-spa FIXTURES.json ALG -> the same for the SPA entry (verifyAsync)
//   node bench/node-runner.mjs startup-edge FIXTURES.json ALG oidc|jose -> an edge cold start: the Worker entry's
//                                    module compiled and instantiated, createEdgeVerifier, its first request; or
//                                    a jose Worker's first request (createLocalJWKSet, jwtVerify, the scope check)
// In Node the bench also measures, in each row, fast-jwt (synchronous, node:crypto), the bare node:crypto
// primitive on the same tokens (the floor every verifier pays), the other methods of TokenVerifier,
// BENCH_BEFORE_PKG (another built package, e.g. main's, loaded in this same process: "before" columns), and
// the wasm-side work of a verify alone: a second instance of the package (a copy in a temporary directory)
// whose node:crypto backend answers `true` at once.
import * as nodeCrypto from "node:crypto";
import { constants, createHash, createHmac, createPublicKey, createSecretKey, randomBytes, timingSafeEqual, verify } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createVerifier } from "fast-jwt";
import * as jose from "jose";
import { NODE_ROWS, runInProcess, withGlueFallback } from "./cases.mjs";
import { EDGE_URL, edgeConfig, joseEdgeCheck, joseEdgeOptions } from "./edge-case.mjs";

const pkg = resolve(process.env.OIDC_EDGE_PKG ?? join(import.meta.dirname, "../pkg"));
const beforePkg = process.env.BENCH_BEFORE_PKG ? resolve(process.env.BENCH_BEFORE_PKG) : null;
const [mode, fixturesFile, alg] = process.argv.slice(2);
const fixtures = JSON.parse(readFileSync(fixturesFile, "utf8"));
const loadFrom = (dir, file) => import(pathToFileURL(join(dir, file)).href);
const load = (file) => loadFrom(pkg, file);

/** `crypto.verify`'s arguments for a JWS `alg`: (digest, key options), per RFC 7518 §3.3–3.5 and RFC 8037. */
function nodeVerifyArgs(alg, key) {
  const digest = alg === "EdDSA" ? null : `sha${alg.slice(2, 5)}`;
  if (alg.startsWith("PS")) return [digest, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2, 5)) / 8 }];
  if (alg.startsWith("ES")) return [digest, { key, dsaEncoding: "ieee-p1363" }];
  return [digest, key];
}

/** The bare primitive on pre-split tokens: `() => boolean`, cycling through them. */
function nodeCryptoCase(alg, jwk, tokens) {
  const split = tokens.map((t) => {
    const dot = t.lastIndexOf(".");
    return [Buffer.from(t.slice(0, dot)), Buffer.from(t.slice(dot + 1), "base64url")];
  });
  let i = 0;
  if (alg.startsWith("HS")) {
    const key = createSecretKey(Buffer.from(jwk.k, "base64url"));
    const digest = `sha${alg.slice(2)}`;
    return () => {
      const [input, sig] = split[(i = (i + 1) % split.length)];
      return timingSafeEqual(createHmac(digest, key).update(input).digest(), sig);
    };
  }
  const [digest, key] = nodeVerifyArgs(alg, createPublicKey({ key: jwk, format: "jwk" }));
  return () => {
    const [input, sig] = split[(i = (i + 1) % split.length)];
    return verify(digest, input, key, sig);
  };
}

/** fast-jwt's verifier for one row: its key as PEM (or the secret), the same issuer, audience and algorithm. */
function fastJwtVerifier(alg, jwk) {
  const key = alg.startsWith("HS")
    ? Buffer.from(jwk.k, "base64url")
    : createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" });
  return createVerifier({ key, algorithms: [alg], allowedIss: fixtures.issuer, allowedAud: fixtures.audience, cache: false });
}

/** Node's own cases (see the header), added to each row and to the `calls` table. */
function nodeCases(before, sigless) {
  const isTrue = (r) => (r === true ? null : `returned ${r}`);
  const extend = async ({ add, row, alg, f, next, verifier, vopts, missing }) => {
    add("main", row, "oidcIdToken", "sync", () => verifier.verifyIdToken(next()));
    add("main", row, "oidcAccessToken", "sync", () => verifier.verifyAccessToken(next()));
    if (alg === "ES256K") {
      missing.push("fast-jwt implements no ES256K (it reads a secp256k1 key as ES256): its ES256K column is n/a");
    } else {
      const fast = fastJwtVerifier(alg, f.jwk);
      add("main", row, "fastJwt", "sync", () => fast(next()));
    }
    add("main", row, "nodeCrypto", "sync", nodeCryptoCase(alg, f.jwk, f.tokens), { check: isTrue });
    if (before) {
      const v = new before.TokenVerifier({ ...vopts, jwks: before.JwkSet.fromJson(JSON.stringify(f.jwks)) });
      add("main", row, "before", "sync", () => v.verify(next()));
    }
    if (sigless && NATIVE_ALGS.includes(alg)) {
      const v = new sigless.TokenVerifier({ ...vopts, jwks: sigless.JwkSet.fromJson(JSON.stringify(f.jwks)) });
      add("main", row, "wasmSide", "sync", () => v.verify(next()));
    }
  };
  // The cheap calls, per call: 512 distinct inputs each, next to what plain Node does for the same result.
  extend.global = async (add, missing, oidc) => {
    const verifiers = Array.from({ length: 512 }, () => randomBytes(48).toString("base64url"));
    const claims = Array.from({ length: 512 }, (_, k) => ({ iss: fixtures.issuer, sub: `user-${k}`, scope: fixtures.scope }));
    let i = 0;
    const at = (xs) => xs[(i = (i + 1) % xs.length)];
    const isString = (r) => (typeof r === "string" && r.length >= 43 ? null : `returned ${r}`);
    const isScopes = (r) => (Array.isArray(r) && r.length === 5 ? null : `returned ${JSON.stringify(r)}`);
    const calls = [
      ["pkceChallenge", isString, (o) => () => o.pkceChallenge(at(verifiers)), () => createHash("sha256").update(at(verifiers)).digest("base64url")],
      ["randomToken", isString, (o) => () => o.randomToken(), () => randomBytes(32).toString("base64url")],
      ["scopesOf", isScopes, (o) => () => o.scopesOf(at(claims)), () => at(claims).scope.split(" ").filter(Boolean)],
    ];
    for (const [name, check, of, plain] of calls) {
      add("calls", name, "oidc", "sync", of(oidc), { check, runs: 512 });
      add("calls", name, "node", "sync", plain, { check, runs: 512 });
      if (before) add("calls", name, "before", "sync", of(before), { check, runs: 512 });
    }
    if (!before) missing.push("BENCH_BEFORE_PKG not set: the before columns are n/a");
  };
  return extend;
}

/**
 * The package again, as a second wasm instance whose backend skips the signature (`verify` answers true),
 * or null for a package without the node:crypto backend. Its temporary copy is removed at exit.
 */
async function siglessInstance() {
  const glue = await load("oidc_edge.js");
  if (typeof glue.__oidcEdgeNodeCrypto !== "function") return null;
  const dir = mkdtempSync(join(tmpdir(), "oidc-edge-bench-sigless-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  cpSync(pkg, dir, { recursive: true });
  const instance = await loadFrom(dir, "node.js");
  (await loadFrom(dir, "oidc_edge.js")).__oidcEdgeNodeCrypto({ ...nodeCrypto, verify: () => true });
  return instance;
}

/** The algorithms the wasm-side column is measured for: those the node:crypto backend checks. */
const NATIVE_ALGS = ["RS256", "PS256", "ES256", "ES384", "EdDSA"];

/** BENCH_CLOCK=cpu: this process's CPU time (all its threads), steadier than wall time on shared cores. */
const clock = process.env.BENCH_CLOCK === "cpu"
  ? () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; }
  : () => performance.now();

if (mode === "bench") {
  const oidc = await load("node.js");
  const before = beforePkg ? await loadFrom(beforePkg, "node.js") : null;
  const extend = nodeCases(before, await siglessInstance());
  const out = await runInProcess({
    oidc, glue: await load("oidc_edge.js"), jose, fixtures, quick: process.env.BENCH_QUICK === "1", rows: NODE_ROWS, extend, clock,
    log: (m) => process.stderr.write(`  node  ${m}\n`),
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
} else if (mode === "startup-edge") {
  // What a cold Worker isolate does before its first answer, in V8 (workerd's engine): oidc-edge/worker as
  // js/worker.js loads it (initSync on the compiled module), or what a jose Worker does. Module parsing of the
  // JS (the glue, jose) happens before t0 on both sides.
  const side = process.argv[5];
  const f = fixtures.algs[alg];
  const request = (t) => new Request(EDGE_URL, { headers: { authorization: `Bearer ${t}` } });
  const allowed = (r) => { if (r?.ok !== true) throw new Error(`${side} ${alg}: not allowed: ${JSON.stringify(r)}`); };
  let out;
  if (side === "oidc") {
    const bytes = readFileSync(join(pkg, "oidc_edge_worker_bg.wasm"));
    const glue = await load("oidc_edge_worker.js");
    const { createEdgeVerifierWith } = await load("edge.js");
    const { OidcEdgeError } = await load("errors.js");
    const config = edgeConfig(fixtures, alg, f.jwks);
    const t0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    const t1 = performance.now();
    glue.initSync({ module });
    glue.__oidcEdgeErrorClass(OidcEdgeError);
    const t2 = performance.now();
    const guard = createEdgeVerifierWith(glue.EdgeGuard, config);
    const t3 = performance.now();
    allowed(await guard(request(f.tokens[0])));
    const t4 = performance.now();
    allowed(await guard(request(f.tokens[1])));
    const t5 = performance.now();
    out = { compileMs: t1 - t0, instantiateMs: t2 - t1, setupMs: t3 - t2, firstRequestMs: t4 - t3, secondRequestMs: t5 - t4, totalMs: t4 - t0 };
  } else if (side === "jose") {
    const options = joseEdgeOptions(fixtures, alg);
    const verifyOne = (keys, t) => joseEdgeCheck(jose, keys, request(t), options);
    const t0 = performance.now();
    const keys = jose.createLocalJWKSet(f.jwks);
    const t1 = performance.now();
    allowed(await verifyOne(keys, f.tokens[0]));
    const t2 = performance.now();
    allowed(await verifyOne(keys, f.tokens[1]));
    const t3 = performance.now();
    out = { setupMs: t1 - t0, firstRequestMs: t2 - t1, secondRequestMs: t3 - t2, totalMs: t2 - t0 };
  } else {
    throw new Error(`startup-edge: side must be oidc or jose, not ${side}`);
  }
  process.stdout.write(JSON.stringify({ alg, side, ...out }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
