// The bench Worker. In Cloudflare's runtime, Date.now() and performance.now() stand still during pure CPU
// work (a Spectre mitigation), so the Worker only runs operations and the host times each request from
// outside (bench/run.mjs). The Worker's own clock reading is returned only as a cross-check: local workerd
// does advance it, at 1 ms resolution.
//   POST /setup  (fixtures JSON) -> { ids, missing, cacheOption }   builds the cases of cases.mjs, plus the
//                                    edge table (createEdgeVerifier against a jose Worker)
//   POST /check                   -> { failures }                     each case verifies its token once
//   GET  /run?id=ID&n=N           -> after N operations of case ID (id=noop: nothing, the baseline), the
//                                    milliseconds the Worker's own performance.now() saw pass
// bench/run.mjs generates the entry that imports `oidc-edge` (+ its oidc_edge.js glue) and `jose` and calls
// benchWorker with them.
import { buildCases, checkCases, runOps } from "../cases.mjs";
import { EDGE_ALGS, EDGE_URL, edgeConfig, joseEdgeCheck, joseEdgeOptions } from "../edge-case.mjs";

/**
 * The "edge" table: one request through `createEdgeVerifier` guarding `GET /api/*` with a scope requirement,
 * against what a jose Worker does for it (the Authorization header, `jwtVerify` with a local JWKS, the scope
 * check). Both get a new `Request` per call; the guard's JWKS comes from an in-memory `fetch`, its optional
 * verified-token cache stays off, so each distinct token costs a full verification on both sides.
 */
function edgeCases(oidc, jose, fixtures) {
  const allowed = (r) => (r?.ok === true && r.claims?.iss === fixtures.issuer ? null : `not allowed: ${JSON.stringify(r)?.slice(0, 200)}`);
  return async ({ add, row, alg, f, next, missing }) => {
    if (!EDGE_ALGS.includes(row)) return;
    if (typeof oidc.createEdgeVerifier !== "function") {
      if (row === EDGE_ALGS[0]) missing.push("oidc-edge exports no createEdgeVerifier: the edge table is n/a");
      return;
    }
    const request = () => new Request(EDGE_URL, { headers: { authorization: `Bearer ${next()}` } });
    const guard = oidc.createEdgeVerifier(edgeConfig(fixtures, alg, f.jwks));
    add("edge", row, "oidcEdge", "async", () => guard(request()), { check: allowed });
    const keys = jose.createLocalJWKSet(f.jwks);
    const jopts = joseEdgeOptions(fixtures, alg);
    add("edge", row, "joseWorker", "async", () => joseEdgeCheck(jose, keys, request(), jopts), { check: allowed });
  };
}

export function benchWorker({ oidc, glue, jose }) {
  let state;
  return {
    async fetch(request) {
      const url = new URL(request.url);
      try {
        if (url.pathname === "/run") {
          const id = url.searchParams.get("id");
          const t0 = performance.now();
          if (id !== "noop") {
            const c = state?.cases.get(id);
            if (!c) return new Response(`no case ${id}`, { status: 404 });
            await runOps(c, Number(url.searchParams.get("n")));
          }
          return new Response(String(performance.now() - t0));
        }
        if (url.pathname === "/setup") {
          state = { fixtures: await request.json() };
          await oidc.init?.();
          const extend = edgeCases(oidc, jose, state.fixtures);
          Object.assign(state, await buildCases({ oidc, glue, jose, fixtures: state.fixtures, extend }));
          return Response.json({ ids: [...state.cases.keys()], missing: state.missing, cacheOption: state.cacheOption });
        }
        if (url.pathname === "/check") return Response.json({ failures: await checkCases(state.cases, state.fixtures) });
        return new Response("bench worker", { status: url.pathname === "/" ? 200 : 404 });
      } catch (e) {
        return new Response(`${e?.name}: ${e?.message}\n${e?.stack}`, { status: 500 });
      }
    },
  };
}
