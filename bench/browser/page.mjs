// The bench page: loads the package's browser build and jose's browser build through the import map and
// exposes `runBench(fixtures, quick)` to bench/run.mjs (which drives it with playwright-core).
import * as jose from "jose";
import * as oidc from "oidc-edge";
import * as glue from "/pkg/oidc_edge.js"; // the instance web.js initialises (verifier classes fallback)
import { runInProcess } from "../cases.mjs";

window.runBench = async (fixtures, quick) => {
  await oidc.init();
  return runInProcess({ oidc, glue, jose, fixtures, quick, log: (m) => console.log(m) });
};
window.__ready = true;
