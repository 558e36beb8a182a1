// The bench Worker. In Cloudflare's runtime, Date.now() and performance.now() stand still during pure CPU
// work (a Spectre mitigation), so the Worker only runs operations and the host times each request from
// outside (bench/run.mjs). The Worker's own clock reading is returned only as a cross-check: local workerd
// does advance it, at 1 ms resolution.
//   POST /setup  (fixtures JSON) -> { ids, missing, cacheOption }   builds the cases of cases.mjs
//   POST /check                   -> { failures }                     each case verifies its token once
//   GET  /run?id=ID&n=N           -> after N operations of case ID (id=noop: nothing, the baseline), the
//                                    milliseconds the Worker's own performance.now() saw pass
// bench/run.mjs generates the entry that imports `oidc-edge` (+ its oidc_edge.js glue) and `jose` and calls
// benchWorker with them.
import { buildCases, checkCases, runOps } from "../cases.mjs";

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
          Object.assign(state, await buildCases({ oidc, glue, jose, fixtures: state.fixtures }));
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
