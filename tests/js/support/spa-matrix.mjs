// The SPA entry against the main one, on every case of the sync/async matrix (support/async-fixtures.mjs):
// run unchanged in Node and in headless Chromium (no imports: the runtime passes in the SPA module). The
// expected outcomes are the main entry's, computed in Node (`expectedOutcomes`).

/** Outcome of one call: `{ ok: claims }`, `{ code }` for an OidcEdgeError, `{ other }` for anything else. */
export async function outcome(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    if (e?.name === "OidcEdgeError") return { code: e.code };
    return { other: `${e?.name}: ${e?.message}` };
  }
}

/** The `alg` of a token's (unverified) header, or undefined. */
function algOf(token) {
  try {
    const part = token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).alg;
  } catch {
    return undefined;
  }
}

/** What the main entry (`oidc`) answers to each case: `{ sync, async }` outcomes. */
export async function expectedOutcomes(oidc, fixtures) {
  const verifiers = fixtures.verifiers.map((o) => new oidc.TokenVerifier({ ...o, jwks: oidc.JwkSet.fromJson(o.jwks) }));
  const out = [];
  for (const c of fixtures.cases) {
    const v = verifiers[c.verifier];
    out.push({
      sync: await outcome(() => v[c.method](c.token, c.opts)),
      async: await outcome(() => v[`${c.method}Async`](c.token, c.opts)),
    });
  }
  return out;
}

/**
 * Runs every case through the SPA entry `spa` and compares with `expected` (from {@link expectedOutcomes}):
 * - the Async methods give exactly the main entry's Async outcome (claims or code);
 * - the sync methods give the main entry's sync outcome for HS* (and for tokens without a readable `alg`);
 *   for any other algorithm they never return claims: `unsupported_algorithm`, or the main entry's code when
 *   a rule before the signature failed;
 * - verifiers whose only key is secp256k1 cannot be built: `JwkSet.fromJson` throws `invalid_jwk`.
 * Resolves to `{ failures: string[], ran: number }`.
 */
export async function runSpaMatrix(spa, fixtures, expected) {
  const failures = [];
  let ran = 0;
  const verifiers = await Promise.all(fixtures.verifiers.map((o) =>
    outcome(() => new spa.TokenVerifier({ ...o, jwks: spa.JwkSet.fromJson(o.jwks) }))));
  for (const [i, c] of fixtures.cases.entries()) {
    const alg = algOf(c.token);
    const built = verifiers[c.verifier];
    if (!built.ok) {
      if (alg !== "ES256K" || built.code !== "invalid_jwk") failures.push(`${c.name}: verifier not built: ${JSON.stringify(built)}`);
      continue;
    }
    const v = built.ok;
    const want = expected[i];
    const asyncOut = await outcome(() => {
      const p = v[`${c.method}Async`](c.token, c.opts);
      if (!(p instanceof Promise)) throw new Error(`${c.method}Async did not return a Promise`);
      return p;
    });
    const syncOut = await outcome(() => v[c.method](c.token, c.opts));
    ran++;
    if (JSON.stringify(asyncOut) !== JSON.stringify(want.async)) {
      failures.push(`${c.name}: async ${JSON.stringify(asyncOut).slice(0, 200)} != main ${JSON.stringify(want.async).slice(0, 200)}`);
    }
    if (alg === undefined || alg.startsWith("HS")) {
      if (JSON.stringify(syncOut) !== JSON.stringify(want.sync)) {
        failures.push(`${c.name}: sync ${JSON.stringify(syncOut).slice(0, 200)} != main ${JSON.stringify(want.sync).slice(0, 200)}`);
      }
    } else if (!(syncOut.code === "unsupported_algorithm" || (syncOut.code && syncOut.code === want.sync.code))) {
      failures.push(`${c.name}: sync ${JSON.stringify(syncOut).slice(0, 200)}, main sync ${JSON.stringify(want.sync).slice(0, 200)}`);
    }
  }
  return { failures, ran };
}
