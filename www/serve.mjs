// `make demo`: serves the demo page and the built package on 127.0.0.1 until Ctrl-C.
import { resolve, join } from "node:path";
import { serveStatic } from "../tests/js/support/static-server.mjs";

const root = resolve(import.meta.dirname, "..");
const pkg = (f) => join(root, "pkg", f);
const server = await serveStatic(join(root, "www"), Object.fromEntries(
  ["web.js", "api.js", "oidc_edge.js", "oidc_edge_bg.wasm"].map((f) => [`/pkg/${f}`, pkg(f)]),
), Number(process.env.PORT ?? 8080));
console.log(`\noidc-edge demo: ${server.url}/\n(Ctrl-C to stop)\n`);
const stop = async () => { await server.close(); process.exit(0); };
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
