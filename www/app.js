// The demo SPA, on the SPA entry `oidc-edge/spa`: `createSession` signs in, keeps and refreshes the tokens
// (quickStart, the README's quick start line for line); the page verifies the access token itself and draws
// what each step did. Scope expressions are an API's check: the page sends them to the demo's server.
import { init, createSession, discover, JwkSet, TokenVerifier } from "oidc-edge/spa";

const SIGNED_OUT = "oidc-edge-demo:signed-out"; // set by the signedOut event, read when the provider sends us back

const $ = (id) => document.getElementById(id);
/** Creates an element: `h("td", { className: "x" }, "text", child, …)`. */
function h(tag, { dataset, ...props } = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  Object.assign(e.dataset, dataset);
  e.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return e;
}
const code = (text) => h("code", {}, String(text));
function fill(dl, rows) {
  dl.replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}
/** A JWT part, decoded without any check: only to say what the verifier was asked to check. */
function peek(jwt, i) {
  try {
    return JSON.parse(atob(jwt.split(".")[i].replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return {}; // the verifier reports it as malformed_token
  }
}
/** The tokens the session keeps in its persistence (sessionStorage here), to show what they are. */
const kept = () => JSON.parse(sessionStorage.getItem(`oidc-edge:${cfg.issuer}:${cfg.clientId}`) ?? "{}").tokens ?? {};
const time = (s = Date.now() / 1000) => new Date(s * 1000).toLocaleTimeString([], { hour12: false });
const message = (e) => (e?.code === "authorization_error"
  ? `${e.error}${e.errorDescription ? `: ${e.errorDescription}` : ""}`
  : e?.message ?? String(e));

/** Shows an error as its OidcEdgeError code and message (other errors by their name), and the step it came from. */
function showError(e, where) {
  console.error(e);
  $("error-code").textContent = e?.code ?? e?.name ?? "Error";
  $("error-message").textContent = message(e);
  $("error-where").textContent = where ? `in ${where}` : "";
  $("error").hidden = false;
}
function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}
/** A panel's "which step ran" line. */
function ran(panel, step, ...detail) {
  $(`${panel}-step`).replaceChildren(h("b", {}, "Step: "), code(step), " ", ...detail, h("span", { className: "when" }, time()));
  $(`${panel}-step`).dataset.step = step;
}

// --------------------------------------------------------------------------------------------------------------
// The session: README.md's quick start, as is (config comes from the demo's /config.json)

async function quickStart(config, signInButton, signOutButton) {
  await init(); // loads the .wasm next to the module (bundlers emit it as an asset)
  const session = createSession({
    issuer: config.issuer, clientId: config.clientId, // your provider and public client (no secret: PKCE)
    redirectUri: `${location.origin}/callback`, postLogoutRedirectUri: `${location.origin}/`,
    scope: config.scope, // e.g. "openid profile offline_access": offline_access brings a refresh token
    resource: config.resource, // optional: the API the access token is for (RFC 8707)
    persistence: sessionStorage, // opt-in: the session survives a reload (default: memory only)
  });
  signInButton.onclick = () => session.signIn(); // PKCE, state and nonce, then off to the provider
  signOutButton.onclick = () => session.signOut(); // forgets the tokens, then RP-initiated logout
  if (location.pathname === "/callback") await session.handleCallback(); // state, code exchange, ID token
  const user = session.getUser() ?? (await session.restore()); // the verified ID token claims, or null
  const accessToken = await session.getAccessToken(); // refreshed 60 s before it expires; null if signed out
  return { session, user, accessToken };
}

// --------------------------------------------------------------------------------------------------------------
// Panels

let cfg; let session; let atVerifier;
let current = {}; // { user, accessToken, atClaims, atError }
let refreshes = 0;

function renderSignIn() {
  for (const id of ["identity", "access", "scopecheck", "api", "session"]) $(id).hidden = true;
  $("signin").hidden = false;
  ran("signin", "createSession()", "made the session; nothing is signed in. ", code("session.signIn()"),
    " discovers the provider, makes a PKCE pair (S256), ", code("state"), " and ", code("nonce"),
    ", keeps them in sessionStorage for the redirect only, and sends you to the authorization endpoint.");
  fill($("options"), [
    ["issuer", code(cfg.issuer)],
    ["clientId", code(cfg.clientId)],
    ["redirectUri", code(`${location.origin}/callback`)],
    ["scope", code(cfg.scope)],
    ["resource", code(cfg.resource)],
    ["persistence", code("sessionStorage")],
  ]);
  $("user-hint").replaceChildren("Any login works; try ", code(cfg.user.login), " / ", code(cfg.user.password), ".");
  $("sign-in").disabled = false;
}

const ok = (text, detail) => h("li", { className: "ok" }, h("span", { className: "mark" }, "✓"), h("span", {}, text, detail && h("small", {}, detail)));
const bad = (text, detail) => h("li", { className: "bad" }, h("span", { className: "mark" }, "✗"), h("span", {}, text, detail && h("small", {}, detail)));

/** The ID token panel: the claims the session verified, and by which step. */
function renderIdentity(user, step) {
  const steps = {
    handleCallback: ["session.handleCallback()", "checked state and iss, exchanged the code with the PKCE verifier, and verified the ID token in this page (WebCrypto)."],
    restore: ["session.restore()", "read the session kept in sessionStorage: these claims were verified when you signed in."],
    refreshed: ["refreshed", "the session refreshed the tokens and verified the new ID token, held to the first one's iss, sub and aud (OIDC Core 12.2)."],
  };
  ran("identity", ...steps[step]);
  $("who").replaceChildren("Signed in as ", h("strong", {}, user.name ?? user.sub), " ", h("span", { className: "muted" }, `(sub ${user.sub})`));
  const { idToken } = kept();
  const { alg, kid } = idToken ? peek(idToken, 0) : {};
  $("checks").replaceChildren(
    ok("signature", `${alg}, key ${kid} from the provider's JWKS`),
    ok("issuer", user.iss),
    ok("audience", `${user.aud} (this client)`),
    user.nonce ? ok("nonce verified", "equals the one kept in sessionStorage for the redirect") : undefined,
    user.at_hash ? ok("at_hash verified", "binds it to the access token") : h("li", {}, h("span", { className: "mark" }, "–"), h("span", {}, "no at_hash", h("small", {}, "optional in the code flow"))),
    ok("not expired", `until ${time(user.exp)}`),
  );
  const shown = ["sub", "name", "email", "email_verified", "iss", "aud", "nonce", "at_hash", "iat", "exp"];
  $("claims").replaceChildren(...shown.filter((k) => user[k] !== undefined).map((k) => h("tr", { dataset: { claim: k } },
    h("th", {}, k), h("td", {}, code(["iat", "exp"].includes(k) ? `${user[k]} (${time(user[k])})` : user[k])))));
}

/** The access token panel: verified here, as RFC 9068 says a resource server does; its failure is its own. */
async function renderAccess(accessToken) {
  let atClaims; let atError;
  try {
    atClaims = await atVerifier.verifyAccessTokenAsync(accessToken);
  } catch (e) {
    atError = e;
  }
  current = { ...current, accessToken, atClaims, atError };
  ran("access", "TokenVerifier.verifyAccessTokenAsync()", "in this page: the signature through WebCrypto against the provider's JWKS, ",
    code("iss"), ", ", code("aud"), " (the API), ", code("exp"), ", ", code("typ"), ".");
  $("access-result").replaceChildren(atError
    ? h("div", { className: "error" }, h("strong", {}, atError.code ?? atError.name), " ", message(atError),
      h("div", { className: "where" }, "The access token did not verify (the ID token is not at fault)."))
    : h("span", { className: "pill ok" }, "✓ verified"));
  $("access-result").dataset.code = atError?.code ?? "";
  const scopes = atClaims?.scope?.split(" ") ?? []; // RFC 9068 §2.2.3: space-separated
  fill($("access-facts"), [
    ["scopes", h("span", { id: "token-scopes" }, ...scopes.map((s) => h("span", { className: "chip on" }, s)))],
    ["audience", code(atClaims?.aud ?? "—")],
    ["subject", code(atClaims?.sub ?? "—")],
    ["expires", atClaims ? `${time(atClaims.exp)} (in ${Math.round((atClaims.exp - Date.now() / 1000) / 60)} min)` : "—"],
    ["token", h("code", { className: "token" }, `${accessToken.slice(0, 48)}…`)],
  ]);
  fill($("session-facts"), [
    ["refresh token", kept().refreshToken ? h("span", {}, code(`${kept().refreshToken.slice(0, 12)}…`), " rotated at each refresh") : "none"],
    ["next refresh", atClaims ? `about ${time(atClaims.exp - 60)}, 60 s before the access token expires` : "—"],
    ["refreshed", h("span", { id: "refreshed" }, refreshes ? `${refreshes}× (last ${time()}), new tokens verified` : "not yet")],
  ]);
  for (const tr of $("scope-rows").children) tr.evaluate();
}

/** An access token with `api:write` added to its scope: what a forger would try; its signature must fail. */
function forged(accessToken) {
  const [head, payload, sig] = accessToken.split(".");
  const claims = peek(accessToken, 1);
  const json = JSON.stringify({ ...claims, scope: `${claims.scope} api:write` });
  const b64url = btoa(String.fromCharCode(...new TextEncoder().encode(json))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return payload ? `${head}.${b64url}.${sig}` : accessToken;
}

/** Verifies a forged copy of the access token (scope widened): the page must refuse it. */
async function tamper() {
  const flipped = forged(current.accessToken);
  let outcome;
  try {
    await atVerifier.verifyAccessTokenAsync(flipped);
    outcome = h("span", { className: "pill bad" }, "accepted?!");
  } catch (e) {
    outcome = h("span", {}, h("span", { className: "pill bad" }, e.code), " ", message(e));
  }
  $("tamper-result").replaceChildren("A copy with api:write added to its scope: ", outcome);
  $("tamper-result").dataset.code = outcome.firstChild.textContent;
}

/** A scope expression row, evaluated by the demo's server (POST /scope-check) against the verified token. */
function scopeRow(expr) {
  const input = h("input", { value: expr, spellcheck: false, className: "expr", ariaLabel: "scope expression" });
  const caret = h("pre", { className: "caret", hidden: true }); // under the input, at the error's column
  const cells = [h("td", { dataset: { label: "access token" } }), h("td", { dataset: { label: "session scope" } }), h("td", { className: "details" })];
  const verdict = (v) => h("span", { className: v ? "pill ok" : "pill bad" }, v ? "✓ satisfied" : "✗ not satisfied");
  const tr = h("tr", {}, h("td", {}, input, caret), ...cells);
  let asked = 0;
  tr.evaluate = async () => {
    const mine = ++asked;
    const res = await fetch("/scope-check", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ expression: input.value, accessToken: current.accessToken }),
    });
    const r = await res.json();
    if (mine !== asked) return; // a later keystroke's answer wins
    if (r.error) {
      cells[0].replaceChildren(h("span", { className: "pill bad" }, r.error.code));
      cells[1].replaceChildren("—");
      cells[2].replaceChildren(h("div", { className: "errline" }, r.error.column ? `column ${r.error.column}: ` : "", r.error.message));
      caret.textContent = r.error.column ? `${" ".repeat(r.error.column - 1)}^` : "";
      caret.hidden = !r.error.column;
      tr.className = "invalid";
    } else {
      const { token } = r;
      cells[0].replaceChildren(token.error ? h("span", { className: "pill bad" }, token.error.code) : verdict(token.satisfied));
      cells[1].replaceChildren(verdict(r.granted.satisfied));
      cells[2].replaceChildren(h("div", {}, "canonical ", code(r.canonical)),
        token.missing?.length ? h("div", {}, "the token would need ", ...token.missing.map((s) => h("span", { className: "chip" }, s))) : "",
        token.error ? h("div", { className: "errline" }, `the access token did not verify: ${token.error.message}`) : "");
      tr.className = "";
      caret.hidden = true;
    }
    tr.dataset.evaluated = String(mine);
  };
  input.addEventListener("input", () => tr.evaluate().catch((e) => showError(e, "POST /scope-check")));
  return tr;
}

let apiCalls = 0;
async function callApi(route, withToken) {
  const { method, path } = route;
  const token = withToken ? await session.getAccessToken() : null;
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(path, { method, headers, body: method === "POST" ? JSON.stringify({ note: "hello from the demo" }) : undefined });
  const body = await res.text();
  let pretty = body;
  try { pretty = JSON.stringify(JSON.parse(body), null, 2); } catch { /* not JSON: shown as is */ }
  const www = res.headers.get("www-authenticate");
  const headersDl = h("dl");
  fill(headersDl, www ? [["WWW-Authenticate", code(www)]] : []);
  ran("api", withToken ? "session.getAccessToken() + fetch()" : "fetch()", `${method} ${path} `,
    withToken ? "with Authorization: Bearer <access token>" : "without a token", ", through the edge worker.");
  const result = h("div", { className: "result", dataset: { status: res.status, call: ++apiCalls } },
    h("div", { className: "status-line" },
      h("span", { className: res.ok ? "pill ok" : "pill bad" }, `${res.status} ${res.statusText}`), " ",
      h("code", {}, `${method} ${path}`), " ",
      h("span", { className: "muted" }, token ? "Bearer <access token>" : "no token")),
    www && headersDl,
    h("pre", {}, pretty));
  $("api-results").prepend(result);
  while ($("api-results").children.length > 3) $("api-results").lastChild.remove();
}

function renderSignedIn(user, accessToken, step) {
  $("signin").hidden = true;
  for (const id of ["identity", "access", "scopecheck", "api", "session"]) $(id).hidden = false;
  renderIdentity(user, step);
  ran("session", step === "refreshed" ? "refreshed" : "session.getAccessToken()",
    step === "refreshed" ? "event: the session used the refresh token and verified the new tokens." : "gave the current access token (it refreshes it when due).");
  return renderAccess(accessToken);
}

// --------------------------------------------------------------------------------------------------------------

async function main() {
  cfg = await (await fetch("/config.json")).json();
  $("stack").replaceChildren(
    h("li", {}, "provider ", code(cfg.stack.provider)),
    h("li", {}, "edge worker (workerd) ", code(cfg.stack.worker)),
    h("li", {}, "API origin ", code(cfg.stack.origin)),
  );
  const atCallback = location.pathname === "/callback";
  let started;
  try {
    started = await quickStart(cfg, $("sign-in"), $("sign-out"));
  } catch (e) {
    showError(e, atCallback ? "session.handleCallback() (the callback)" : "starting the session");
  }
  if (atCallback) history.replaceState(null, "", "/");
  if (sessionStorage.getItem(SIGNED_OUT) && !started?.user) {
    sessionStorage.removeItem(SIGNED_OUT);
    notice("Signed out: session.signOut() forgot the tokens, and the provider ended its session (RP-initiated logout).");
  }
  if (!started?.user || !started.accessToken) return renderSignIn();
  session = started.session;

  const meta = await discover(cfg.issuer);
  const jwks = JwkSet.fromJson(await (await fetch(meta.jwks_uri)).text());
  atVerifier = new TokenVerifier({ issuer: meta.issuer, audience: cfg.resource, jwks });
  jwks.free();

  session.on("refreshed", async (user) => {
    refreshes++;
    await renderSignedIn(user, await session.getAccessToken(), "refreshed");
  });
  session.on("expired", () => { notice("The session expired: sign in again."); renderSignIn(); });
  session.on("signedOut", () => sessionStorage.setItem(SIGNED_OUT, "1"));
  session.on("error", (e) => showError(e, "the session"));

  $("api-path").replaceChildren(
    "this page → ", code(`${location.origin}/api`), " → edge worker (verifies the JWT and the route's scopes) → API origin",
  );
  $("api-buttons").replaceChildren(
    ...cfg.routes.map((r) => h("button", {
      onclick: () => callApi(r, true).catch((e) => showError(e, `${r.method} ${r.path}`)), dataset: { route: `${r.method} ${r.path}` },
    }, `${r.method} ${r.path}`, h("small", {}, `needs ${r.scopes}`))),
    h("button", {
      className: "secondary", dataset: { route: "no-token" },
      onclick: () => callApi(cfg.routes[0], false).catch((e) => showError(e, "the API")),
    }, `${cfg.routes[0].method} ${cfg.routes[0].path}`, h("small", {}, "without a token")),
  );
  // The first is satisfied by the access token (api:read); the second only by the sign-in's OpenID scopes.
  $("scope-rows").replaceChildren(scopeRow("api:read and not admin"), scopeRow("openid and (profile or email)"));
  $("add-expression").onclick = () => {
    const tr = scopeRow("");
    $("scope-rows").append(tr);
    tr.evaluate();
    tr.querySelector("input").focus();
  };
  $("tamper").onclick = () => tamper().catch((e) => showError(e, "verifying a tampered copy"));
  return renderSignedIn(started.user, started.accessToken, atCallback ? "handleCallback" : "restore");
}

main().catch((e) => showError(e, "starting the page")).finally(() => { document.body.dataset.ready = "true"; });
