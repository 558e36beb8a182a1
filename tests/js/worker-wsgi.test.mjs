// worker/ in real workerd in front of a real WSGI origin (python3's wsgiref), which reads request headers the
// way CGI, WSGI and PHP do (HTTP_ + upper case, "-" and "_" alike) and percent-decodes the path. The route
// table is tests/fixtures/routes.json: a scoped /api/admin/* before the catch-all /api/*.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { resolve } from "node:path";
import { accessToken, signingKey } from "./support/edge-fixtures.mjs";
import { startWorkerEnv } from "./support/worker-env.mjs";
import { startWsgiOrigin } from "./support/wsgi-origin.mjs";

const ROUTES = readFileSync(resolve(import.meta.dirname, "../fixtures/routes.json"), "utf8");

let key;
let origin;
let env;
before(async () => {
  key = await signingKey("k1");
  origin = await startWsgiOrigin();
  env = await startWorkerEnv([key], { ROUTES }, { originUrl: origin.url });
});
after(async () => {
  await env?.close();
  await origin?.close();
});

/** Every spelling of a header the worker forwards or that rewrites the URL or method, and one to keep. */
const FORGED = {
  "X-Auth-Subject": "admin",
  X_Auth_Subject: "admin",
  x_auth_scopes: "admin",
  "X-AUTH_ROLE": "root",
  "X-Original-URL": "/api/admin/users",
  x_original_url: "/api/admin/users",
  "X-Rewrite-URL": "/api/admin/users",
  "X-HTTP-Method-Override": "DELETE",
  X_HTTP_Method_Override: "DELETE",
  "X-HTTP-Method": "DELETE",
  "X-Method-Override": "DELETE",
  X_Custom: "kept",
};
const STRIPPED = [
  "HTTP_X_AUTH_ROLE", "HTTP_X_ORIGINAL_URL", "HTTP_X_REWRITE_URL", "HTTP_X_HTTP_METHOD_OVERRIDE",
  "HTTP_X_HTTP_METHOD", "HTTP_X_METHOD_OVERRIDE", "HTTP_AUTHORIZATION",
];

/** A request through the worker: the answer, and `seen`, what the origin read, when the origin answered. */
async function call(url, path, { token, headers = {}, method = "GET" } = {}) {
  const res = await fetch(`${url}${path}`, {
    method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  const text = await res.text();
  return { res, text, seen: res.headers.get("x-origin") === "wsgi" ? JSON.parse(text) : undefined };
}

test("no spelling of an identity or rewriting header reaches a WSGI origin, on a public route or a protected one", async () => {
  const pub = await call(env.url, "/health", { headers: FORGED });
  assert.equal(pub.res.status, 200, env.logs.join(""));
  assert.equal(pub.seen.HTTP_X_AUTH_SUBJECT, undefined, "public route: no identity, and no forged one");
  assert.equal(pub.seen.HTTP_X_AUTH_SCOPES, undefined);
  for (const k of STRIPPED) assert.equal(pub.seen[k], undefined, k);
  assert.equal(pub.seen.HTTP_X_CUSTOM, "kept", "workerd forwards names with _ (only the forgeable ones are removed)");

  const token = await accessToken(key, { sub: "alice", scope: "auth.users.list" });
  const prot = await call(env.url, "/api/users", { token, headers: FORGED });
  assert.equal(prot.res.status, 200);
  assert.equal(prot.seen.HTTP_X_AUTH_SUBJECT, "alice", "exactly the verified subject, not alice,admin");
  assert.equal(prot.seen.HTTP_X_AUTH_SCOPES, "auth.users.list");
  for (const k of STRIPPED) assert.equal(prot.seen[k], undefined, k);
  assert.equal(prot.seen.REQUEST_METHOD, "GET");
});

test("STRIP_HEADERS removes more names in every spelling; KEEP_HEADERS and KEEP_AUTHORIZATION keep what they name", async (t) => {
  const custom = await startWorkerEnv([key], {
    ROUTES, STRIP_HEADERS: "X-Tenant, X-User-Id", KEEP_HEADERS: "X-HTTP-Method-Override", KEEP_AUTHORIZATION: "true",
  }, { originUrl: origin.url });
  t.after(custom.close);
  const token = await accessToken(key, { scope: "auth.users.list" });
  const { res, seen } = await call(custom.url, "/api/users", {
    token, headers: { X_Tenant: "other", "x-user-id": "1", "X-HTTP-Method-Override": "PUT", "X-Original-URL": "/x" },
  });
  assert.equal(res.status, 200, custom.logs.join(""));
  assert.equal(seen.HTTP_X_TENANT, undefined);
  assert.equal(seen.HTTP_X_USER_ID, undefined);
  assert.equal(seen.HTTP_X_ORIGINAL_URL, undefined);
  assert.equal(seen.HTTP_X_HTTP_METHOD_OVERRIDE, "PUT");
  assert.equal(seen.HTTP_AUTHORIZATION, `Bearer ${token}`);
  assert.equal(seen.HTTP_X_AUTH_SUBJECT, "alice");
});

test("no spelling of the admin area passes with the catch-all's scope: 400 at the edge, nothing reaches the origin", async () => {
  const token = await accessToken(key, { scope: "auth.users.list" });
  const served = await origin.count();
  for (const path of [
    "/api/%61dmin/users", "/api/%41DMIN/users", "/api/adm%69n", "/api/%2561dmin/users", "/api/admin;x=1/users",
    "/api/admin%3Bx=1/users", "/api/admin%00/users", "/api/admin./users", "/api/admin%20/users", "/api/ADMIN/users",
    "/api/adm%C4%B1n/users", "/api/%C0%AE%C0%AE/users", "/api/admin%0d%0aX:%20y", "/api/users/%40me",
  ]) {
    const { res, text, seen } = await call(env.url, path, { token });
    assert.equal(res.status, 400, `${path}: reached ${seen?.PATH_INFO} as ${res.status}`);
    assert.deepEqual(JSON.parse(text), { error: "invalid_request" }, path);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="api", error="invalid_request"', path);
    assert.equal(seen, undefined, path);
  }
  assert.equal(await origin.count(), served, "nothing reached the origin");
  const data = await call(env.url, "/api/files/a%20b%2Bc", { token });
  assert.equal(data.res.status, 200);
  assert.equal(data.seen.PATH_INFO, "/api/files/a b+c", "encoded data is forwarded as sent");
  const admin = await call(env.url, "/api/admin/users", { token: await accessToken(key, { scope: "admin" }) });
  assert.equal(admin.res.status, 200);
});

/** One raw HTTP/1.1 exchange (fetch refuses CONNECT and TRACE): the status and headers of the answer. */
function raw(url, requestLine) {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname);
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (d) => {
      data += d;
      if (data.includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("close", () => {
      const [head] = data.split("\r\n\r\n");
      const [status, ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      ok({ status: Number(status.split(" ")[1]), headers });
    });
    socket.on("error", fail);
    socket.write(`${requestLine}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
  });
}

test("odd methods: TRACE is 405 with Allow; CONNECT, lower-case and unknown methods are workerd's own answers; none reaches the origin", async () => {
  const served = await origin.count();
  const trace = await raw(env.url, "TRACE /api/users HTTP/1.1");
  assert.equal(trace.status, 405);
  assert.equal(trace.headers.allow, "GET, HEAD");
  const traceAdmin = await raw(env.url, "TRACE /api/admin/x HTTP/1.1");
  assert.equal(traceAdmin.status, 405);
  assert.equal(traceAdmin.headers.allow, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  // workerd never hands a CONNECT to a fetch handler: without a connect() export it answers 500 itself; with
  // one it would accept the tunnel (200) before the handler runs. The worker exports none: no tunnel, ever.
  for (const line of ["CONNECT /api/users HTTP/1.1", "CONNECT 127.0.0.1:1 HTTP/1.1"]) {
    const r = await raw(env.url, line);
    assert.ok(r.status >= 400, `${line}: ${r.status}`);
  }
  // workerd answers methods it does not know, or in lower case, 501 before the worker runs
  for (const method of ["patch", "get", "FOO", "M-SEARCH"]) {
    const r = await raw(env.url, `${method} /api/users HTTP/1.1`);
    assert.equal(r.status, 501, method);
  }
  assert.equal(await origin.count(), served, "nothing reached the origin");
});
