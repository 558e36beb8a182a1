// The sync/async equivalence matrix, run unchanged in Node, headless Chromium and workerd: no imports, the
// runtime passes in its own `oidc` (the package as it loads it) and the fixtures (made in Node by
// makeAsyncFixtures in verify-async.test.mjs). For every case, the synchronous method and its Async twin must
// agree: the same claims, or an OidcEdgeError with the same code; and the code must be the expected one.

/** Outcome of one call: `{ ok: claims }` or `{ code }` (or `{ other }` for anything but an OidcEdgeError). */
async function outcome(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    if (e?.name === "OidcEdgeError") return { code: e.code };
    return { other: `${e?.name}: ${e?.message}` };
  }
}

/**
 * Runs every case of `fixtures.cases`: `{ name, verifier (index), method, token, opts, expect }` where
 * `expect` is an error code or "ok". Verifiers are built from `fixtures.verifiers` (TokenVerifier options with
 * `jwks` as a JWKS object). Resolves to `{ failures: string[], ran: number, asyncCodes: {name: code|"ok"} }`.
 */
export async function runAsyncMatrix(oidc, fixtures) {
  const verifiers = fixtures.verifiers.map((o) => new oidc.TokenVerifier({ ...o, jwks: oidc.JwkSet.fromJson(o.jwks) }));
  const failures = [];
  const asyncCodes = {};
  let ran = 0;
  for (const c of fixtures.cases) {
    const v = verifiers[c.verifier];
    const sync = await outcome(() => v[c.method](c.token, c.opts));
    const asyncOut = await outcome(() => {
      const p = v[`${c.method}Async`](c.token, c.opts);
      if (!(p instanceof Promise)) throw new Error(`${c.method}Async did not return a Promise`);
      return p;
    });
    ran++;
    asyncCodes[c.name] = asyncOut.code ?? (asyncOut.ok ? "ok" : asyncOut.other);
    const same = JSON.stringify(sync) === JSON.stringify(asyncOut);
    if (!same) failures.push(`${c.name}: sync ${JSON.stringify(sync).slice(0, 200)} != async ${JSON.stringify(asyncOut).slice(0, 200)}`);
    const got = asyncOut.code ?? (asyncOut.ok ? "ok" : asyncOut.other);
    if (got !== c.expect) failures.push(`${c.name}: expected ${c.expect}, got ${got}`);
  }
  // Concurrency: many verifications of every algorithm in flight at once, first use of each key included.
  const fresh = fixtures.verifiers.map((o) => new oidc.TokenVerifier({ ...o, jwks: oidc.JwkSet.fromJson(o.jwks) }));
  const good = fixtures.cases.filter((c) => c.expect === "ok" && c.method === "verify");
  const results = await Promise.allSettled(
    good.flatMap((c) => Array.from({ length: 4 }, () => fresh[c.verifier].verifyAsync(c.token, c.opts))),
  );
  const rejected = results.filter((r) => r.status === "rejected");
  if (rejected.length) failures.push(`concurrent: ${rejected.length} rejected, e.g. ${rejected[0].reason?.code} ${rejected[0].reason?.message}`);
  return { failures, ran, asyncCodes };
}
