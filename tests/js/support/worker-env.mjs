// The worker of worker/ in real workerd, between a loopback JWKS server and a loopback origin that echoes what
// it receives (or `originUrl`, an origin the caller runs and stops). `close()` stops what it started.
import { resolve } from "node:path";
import { startWorker } from "./workerd.mjs";
import { AUDIENCE, ISSUER, ROUTES, jwksServer, serve } from "./edge-fixtures.mjs";

export const WORKER_ENTRY = resolve(import.meta.dirname, "../../../worker/src/index.js");

export async function startWorkerEnv(keys, vars = {}, { originUrl, durableObjects, port } = {}) {
  const jwks = await jwksServer(keys);
  let originHits = 0;
  const origin = originUrl ? { url: originUrl, close: async () => {} } : await serve((req, body) => {
    originHits++;
    return {
      status: 200,
      headers: { "content-type": "application/json", "x-origin": "yes" },
      body: JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }),
    };
  });
  let worker;
  try {
    worker = await startWorker(WORKER_ENTRY, {
      bindings: {
        ISSUER, AUDIENCE, JWKS_URI: jwks.jwksUri, ORIGIN: origin.url, ROUTES: JSON.stringify(ROUTES), REALM: "api",
        JWKS_COOLDOWN: "3", ...vars,
      },
      durableObjects,
      port,
    });
  } catch (e) {
    await jwks.close();
    await origin.close();
    throw e;
  }
  let originClosed = false;
  return {
    url: worker.url,
    logs: worker.logs,
    jwks,
    get originHits() { return originHits; },
    stopOrigin: async () => { originClosed = true; await origin.close(); },
    close: async () => {
      await worker.close();
      await jwks.close();
      if (!originClosed) await origin.close();
    },
  };
}
