// The demo's whole stack on 127.0.0.1, for `make demo` (www/serve.mjs) and the end-to-end test:
//
//   browser ──► SPA server (PORT, default 8080 for `make demo`): www/ + pkg/, /config.json, and /api/* passed on
//                 │                                            (a dev proxy, as Vite's: the page calls its own origin)
//                 └──► edge worker in workerd: verifies the Bearer JWT and the route's scope requirement,
//                        answers 401/403 (RFC 6750) itself, or forwards with X-Auth-Subject / X-Auth-Scopes
//                        └──► API origin (Node): echoes what the worker vouched for
//   browser ──► OpenID provider (oidc-provider, devInteractions: any login and password are accepted)
//
// `startDemoStack({ port })` resolves to `{ urls, clientId, user, close() }`; `close()` stops every server and
// the workerd process it started.
import { readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { startProvider } from "../tests/js/support/provider.mjs";
import { startWorker } from "../tests/js/support/workerd.mjs";
import { serveStatic } from "../tests/js/support/static-server.mjs";

const root = resolve(import.meta.dirname, "..");
const www = join(root, "www");

export const CLIENT_ID = "demo-spa";
/** devInteractions accepts any login and password; these are the ones the page and docs/development.md suggest. */
export const TEST_USER = { login: "alice", password: "wonderland" };
/** OpenID scopes the SPA always asks for, and the API's scopes (the user picks which to request). */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];
export const API_SCOPES = ["api:read", "api:write"];
/** The worker's route table: method + path -> scope requirement (a ScopeRequirement expression). */
export const ROUTES = [
  { method: "GET", path: "/api/profile", scopes: "api:read" },
  { method: "POST", path: "/api/notes", scopes: "api:write" },
];
/** The edge verifier of worker/ (a Cloudflare Worker), run in workerd with the vars of its wrangler.toml. */
const WORKER_ENTRY = join(root, "worker/src/index.js");

/** The API origin behind the worker: it trusts the worker's headers and says what it received. */
async function startOrigin() {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
      route: `${req.method} ${new URL(req.url, "http://x").pathname}`,
      subject: req.headers["x-auth-subject"] ?? null,
      scopes: req.headers["x-auth-scopes"] ?? null,
      ...(body && { received: body }),
      answeredBy: "API origin (Node), behind the edge worker",
    }, null, 2));
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** Passes /api/* to the worker, keeping method, path, Authorization and body; returns its answer as is. */
async function proxy(req, res, target) {
  let body = "";
  for await (const chunk of req) body += chunk;
  const headers = {};
  for (const h of ["authorization", "content-type"]) if (req.headers[h]) headers[h] = req.headers[h];
  try {
    const answer = await fetch(new URL(req.url, target), {
      method: req.method, headers, body: ["GET", "HEAD"].includes(req.method) ? undefined : body,
    });
    const out = {};
    for (const h of ["content-type", "www-authenticate"]) if (answer.headers.has(h)) out[h] = answer.headers.get(h);
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  } catch (e) {
    res.writeHead(502, { "content-type": "text/plain" }).end(`edge worker unreachable: ${e.message}`);
  }
}

/**
 * Starts the provider, the API origin, the worker and the SPA server.
 * @param {{ port?: number }} [opts] the SPA's port (default 0: any free one).
 */
export async function startDemoStack({ port = 0 } = {}) {
  const closers = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((e) => console.error("demo stack close:", e));
  };
  try {
    let config;
    let workerUrl;
    const pkgFiles = readdirSync(join(root, "pkg")); // the built package, as the page imports it (import map)
    const spa = await serveStatic(www, {
      ...Object.fromEntries(pkgFiles.map((f) => [`/pkg/${f}`, join(root, "pkg", f)])),
      "/callback": join(www, "index.html"),
      "/logged-out": join(www, "index.html"),
    }, port, async (req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      if (path === "/config.json") {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
          .end(JSON.stringify(config));
        return true;
      }
      if (path.startsWith("/api/")) {
        await proxy(req, res, workerUrl);
        return true;
      }
      return false;
    });
    closers.push(spa.close);

    const api = `${spa.url}/api`;
    const provider = await startProvider({
      clients: [{
        client_id: CLIENT_ID,
        token_endpoint_auth_method: "none",
        redirect_uris: [`${spa.url}/callback`],
        post_logout_redirect_uris: [`${spa.url}/logged-out`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      }],
      resourceServers: { [api]: { scope: API_SCOPES.join(" ") } },
      atHash: true,
    });
    closers.push(provider.close);

    const origin = await startOrigin();
    closers.push(origin.close);

    const worker = await startWorker(WORKER_ENTRY, {
      bindings: {
        ISSUER: provider.issuer,
        AUDIENCE: api,
        JWKS_URI: `${provider.issuer}/jwks`,
        ORIGIN: origin.url,
        REALM: "demo-api",
        ROUTES: JSON.stringify(ROUTES),
      },
    });
    closers.push(worker.close);
    workerUrl = worker.url;

    config = {
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      redirectUri: `${spa.url}/callback`,
      postLogoutRedirectUri: `${spa.url}/logged-out`,
      resource: api,
      oidcScopes: OIDC_SCOPES,
      apiScopes: API_SCOPES,
      routes: ROUTES,
      user: TEST_USER,
      stack: { spa: spa.url, provider: provider.issuer, worker: worker.url, origin: origin.url },
    };
    return {
      urls: { ...config.stack, api },
      clientId: CLIENT_ID,
      user: TEST_USER,
      workerLogs: worker.logs,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
