// The demo's whole stack on 127.0.0.1, for `make demo` (www/serve.mjs) and the end-to-end test:
//
//   browser ──► SPA server (PORT, default 8080 for `make demo`): www/ + pkg/, /config.json, and /api/* passed on
//                 │                                            (a dev proxy, as Vite's: the page calls its own origin)
//                 └──► edge worker in workerd: verifies the Bearer JWT and the route's scope requirement,
//                        answers 401/403 (RFC 6750) itself, or forwards with X-Auth-Subject / X-Auth-Scopes
//                        └──► API origin (Node): echoes what the worker vouched for
//   browser ──► OpenID provider (oidc-provider, devInteractions: any login and password are accepted)
//
// The page signs in with `oidc-edge/spa`, which leaves the scope helpers out (they are an API's check): its
// scope-check panel asks POST /scope-check, where this server verifies the access token and evaluates the
// expression with the main entry, as an API would.
//
// `startDemoStack({ port, accessTokenTtl })` resolves to `{ urls, clientId, user, close() }`; `close()` stops
// every server and the workerd process it started.
import { readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { startProvider } from "../tests/js/support/provider.mjs";
import { startWorker } from "../tests/js/support/workerd.mjs";
import { serveStatic } from "../tests/js/support/static-server.mjs";
import { RemoteJwks, ScopeRequirement, TokenVerifier, scopesOf } from "oidc-edge";

const root = resolve(import.meta.dirname, "..");
const www = join(root, "www");

export const CLIENT_ID = "demo-spa";
/** devInteractions accepts any login and password; these are the ones the page and docs/development.md suggest. */
export const TEST_USER = { login: "alice", password: "wonderland" };
/** OpenID scopes the SPA always asks for, and the API's scopes (the user picks which to request). */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];
export const API_SCOPES = ["api:read", "api:write"];
/** What the page's session asks for: the API's read scope only, so that POST /api/notes shows the 403. */
export const SCOPE = [...OIDC_SCOPES, "api:read"].join(" ");
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

/** Reads a JSON request body (the demo's own page sends it; at most 64 KiB). */
async function jsonBody(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65536) throw new Error("request body over 64 KiB");
  }
  return JSON.parse(body);
}

/**
 * POST /scope-check `{ expression, accessToken }`: the access token verified as the API would (main entry,
 * keys from the provider's JWKS), then `ScopeRequirement` against its claims and against the session's scope.
 */
async function scopeCheck(req, res, verifier, granted) {
  const answer = (status, value) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
  const failure = (e) => ({ code: e.code ?? e.name, message: e.message, ...(e.column && { column: e.column }) });
  let input;
  try {
    input = await jsonBody(req);
  } catch (e) {
    return answer(400, { error: failure(e) });
  }
  let requirement;
  try {
    requirement = ScopeRequirement.parse(input.expression);
  } catch (e) {
    return answer(200, { error: failure(e) });
  }
  try {
    let token;
    try {
      const claims = await verifier.verifyAccessTokenAsync(input.accessToken);
      const scopes = scopesOf(claims);
      const satisfied = requirement.check(claims);
      token = { scopes, satisfied, missing: satisfied ? [] : requirement.satisfyingScopes(claims).filter((s) => !scopes.includes(s)) };
    } catch (e) {
      token = { error: failure(e) };
    }
    return answer(200, { canonical: requirement.toString(), token, granted: { scope: granted, satisfied: requirement.check({ scope: granted }) } });
  } finally {
    requirement.free();
  }
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
 * @param {{ port?: number, accessTokenTtl?: number }} [opts] the SPA's port (default 0: any free one); the
 *   access tokens' lifetime in seconds (default 180: the session refreshes them 60 s before, every 2 minutes).
 */
export async function startDemoStack({ port = 0, accessTokenTtl = 180 } = {}) {
  const closers = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch((e) => console.error("demo stack close:", e));
  };
  try {
    let config;
    let workerUrl;
    let verifier; // the API's view of an access token, for /scope-check
    const pkgFiles = readdirSync(join(root, "pkg")); // the built package, as the page imports it (import map)
    const spa = await serveStatic(www, {
      ...Object.fromEntries(pkgFiles.map((f) => [`/pkg/${f}`, join(root, "pkg", f)])),
      "/callback": join(www, "index.html"),
    }, port, async (req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      if (path === "/config.json") {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" })
          .end(JSON.stringify(config));
        return true;
      }
      if (path === "/scope-check" && req.method === "POST") {
        await scopeCheck(req, res, verifier, SCOPE);
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
        post_logout_redirect_uris: [`${spa.url}/`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
      }],
      resourceServers: { [api]: { scope: API_SCOPES.join(" "), accessTokenTTL: accessTokenTtl } },
      atHash: true,
    });
    closers.push(provider.close);
    verifier = new TokenVerifier({ issuer: provider.issuer, audience: api, jwks: new RemoteJwks(`${provider.issuer}/jwks`) });
    closers.push(async () => verifier.free());

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
      scope: SCOPE,
      resource: api,
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
