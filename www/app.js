// The demo SPA. Every OAuth / OpenID Connect step is an oidc-edge call made in this browser; this file only
// moves values between them, keeps what must survive the redirect in sessionStorage, and draws the page.
import {
  init, discover, generatePkce, randomToken, buildAuthorizeUrl, parseCallback, exchangeCode, refreshTokens,
  buildEndSessionUrl, JwkSet, TokenVerifier, ScopeRequirement, scopesOf,
} from "oidc-edge";

const PENDING = "oidc-edge-demo:pending"; // PKCE verifier, state, nonce: from the click to the callback
const SESSION = "oidc-edge-demo:session"; // the tokens (a demo: a real app keeps them in memory)
const LOGOUT = "oidc-edge-demo:logout"; // the logout request's state

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
const load = (key) => JSON.parse(sessionStorage.getItem(key) ?? "null");
const save = (key, value) => sessionStorage.setItem(key, JSON.stringify(value));
/** A JWT part, decoded without any check: only to say what the verifier is asked to check. */
function peek(jwt, i) {
  try {
    return JSON.parse(atob(jwt.split(".")[i].replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return {}; // the verifier reports it as malformed_token
  }
}
const time = (s) => new Date(s * 1000).toLocaleTimeString([], { hour12: false });

/** Shows an error as its OidcEdgeError code and message (other errors by their name). */
function showError(e, where) {
  $("error-code").textContent = e?.code ?? e?.name ?? "Error";
  let message = e?.message ?? String(e);
  if (e?.code === "authorization_error") message = `${e.error}${e.errorDescription ? `: ${e.errorDescription}` : ""}`;
  $("error-message").textContent = message;
  $("error-where").textContent = where ? `while ${where}` : "";
  $("error").hidden = false;
}
function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = !text;
}
async function step(where, fn) {
  try {
    return await fn();
  } catch (e) {
    console.error(e);
    showError(e, where);
    return undefined;
  }
}

let cfg; let meta; let idVerifier; let atVerifier;

// --------------------------------------------------------------------------------------------------------------
// Sign in: discovery, PKCE + state + nonce, the authorization URL

let pending;
function chosenScopes() {
  return [...cfg.oidcScopes, ...cfg.apiScopes.filter((s) => $(`scope-${s}`).checked)];
}
function renderRequest() {
  const req = {
    authorizationEndpoint: meta.authorization_endpoint, clientId: cfg.clientId, redirectUri: cfg.redirectUri,
    scope: chosenScopes(), state: pending.state, nonce: pending.nonce, codeChallenge: pending.codeChallenge,
    resource: cfg.resource,
  };
  pending.scope = req.scope.join(" ");
  pending.url = buildAuthorizeUrl(req);
  fill($("request"), [
    ["code_verifier", h("span", {}, code(pending.codeVerifier), h("span", { className: "tag" }, "sessionStorage"))],
    ["code_challenge", h("span", {}, code(pending.codeChallenge), " ", h("span", { className: "muted" }, "S256"))],
    ["state", h("span", {}, code(pending.state), h("span", { className: "tag" }, "sessionStorage"))],
    ["nonce", h("span", {}, code(pending.nonce), h("span", { className: "tag" }, "sessionStorage"))],
    ["resource", code(cfg.resource)],
  ]);
  $("authorize-url").textContent = pending.url;
}

function setUpSignIn() {
  fill($("discovery"), [
    ["issuer", code(meta.issuer)],
    ["authorization", code(meta.authorization_endpoint)],
    ["token", code(meta.token_endpoint)],
    ["keys", code(meta.jwks_uri)],
  ]);
  $("scope-choices").replaceChildren(
    ...cfg.oidcScopes.map((s) => h("label", { className: "chip fixed" }, h("input", { type: "checkbox", checked: true, disabled: true }), s)),
    ...cfg.apiScopes.map((s) => h("label", { className: "chip" },
      h("input", { type: "checkbox", id: `scope-${s}`, checked: s === cfg.apiScopes[0], onchange: () => step("building the authorization URL", renderRequest) }), s)),
  );
  const { codeVerifier, codeChallenge } = generatePkce();
  pending = { codeVerifier, codeChallenge, state: randomToken(), nonce: randomToken() };
  step("building the authorization URL", renderRequest);
  $("user-hint").replaceChildren("Any login works; try ", code(cfg.user.login), " / ", code(cfg.user.password), ".");
  $("login").disabled = false;
  $("login").onclick = () => {
    const { codeVerifier: v, state, nonce, scope } = pending;
    save(PENDING, { codeVerifier: v, state, nonce, scope });
    location.assign(pending.url);
  };
}

// --------------------------------------------------------------------------------------------------------------
// Callback: state check, code exchange

async function handleCallback() {
  const p = load(PENDING);
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", "/");
  if (!p) throw new Error("no sign-in is in progress in this tab (sessionStorage holds no state)");
  const { code: authCode } = parseCallback(callbackUrl, {
    state: p.state, issuer: meta.issuer, requireIss: meta.authorization_response_iss_parameter_supported === true,
  });
  const tokens = await exchangeCode({
    tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: cfg.clientId },
    code: authCode, redirectUri: cfg.redirectUri, codeVerifier: p.codeVerifier, resource: cfg.resource,
  });
  const { raw, ...kept } = tokens;
  save(SESSION, { tokens: kept, nonce: p.nonce, requested: p.scope, signedInAt: Math.floor(Date.now() / 1000) });
}

// --------------------------------------------------------------------------------------------------------------
// Signed in: verify both tokens, show claims, scopes, scope checks, API calls, refresh, sign out

let current; // { session, idClaims, atClaims }

function renderSignedIn(session, what = "verifying the tokens") {
  let idClaims; let atClaims;
  try {
    // at_hash is optional in the code flow: checked (and then required) when the provider sends it
    const hasAtHash = peek(session.tokens.idToken, 1).at_hash !== undefined;
    idClaims = idVerifier.verifyIdToken(session.tokens.idToken, {
      nonce: session.nonce, ...(hasAtHash && { accessToken: session.tokens.accessToken }),
    });
    atClaims = atVerifier.verifyAccessToken(session.tokens.accessToken);
  } catch (e) {
    showError(e, what);
  }
  current = { session, idClaims, atClaims };
  $("signin").hidden = true;
  for (const id of ["identity", "access", "scopecheck", "api", "session"]) $(id).hidden = false;
  const ok = (text, detail) => h("li", { className: "ok" }, h("span", { className: "mark" }, "✓"), h("span", {}, text, detail && h("small", {}, detail)));
  const bad = (text, detail) => h("li", { className: "bad" }, h("span", { className: "mark" }, "✗"), h("span", {}, text, detail && h("small", {}, detail)));
  if (idClaims) {
    $("who").replaceChildren("Signed in as ", h("strong", {}, idClaims.name ?? idClaims.sub), " ", h("span", { className: "muted" }, `(sub ${idClaims.sub})`));
    const { alg, kid } = peek(session.tokens.idToken, 0);
    $("checks").replaceChildren(
      ok("signature", `${alg}, key ${kid} from the provider's JWKS`),
      ok("issuer", idClaims.iss),
      ok("audience", `${idClaims.aud} (this client)`),
      ok("nonce verified", "equals the one kept in sessionStorage"),
      idClaims.at_hash ? ok("at_hash verified", "binds it to the access token") : h("li", {}, h("span", { className: "mark" }, "–"), h("span", {}, "no at_hash", h("small", {}, "optional in the code flow"))),
      ok("not expired", `until ${time(idClaims.exp)}`),
    );
    const shown = ["sub", "name", "email", "email_verified", "iss", "aud", "nonce", "at_hash", "iat", "exp"];
    $("claims").replaceChildren(...shown.filter((k) => idClaims[k] !== undefined).map((k) => h("tr", { dataset: { claim: k } },
      h("th", {}, k), h("td", {}, code(["iat", "exp"].includes(k) ? `${idClaims[k]} (${time(idClaims[k])})` : idClaims[k])))));
  } else {
    $("who").textContent = "The ID token did not verify: see the error above.";
    $("checks").replaceChildren(bad("ID token rejected"));
    $("claims").replaceChildren();
  }
  const scopes = atClaims ? scopesOf(atClaims) : [];
  fill($("access-facts"), [
    ["scopes", h("span", { id: "token-scopes" }, ...scopes.map((s) => h("span", { className: "chip on" }, s)))],
    ["audience", code(atClaims?.aud ?? "—")],
    ["subject", code(atClaims?.sub ?? "—")],
    ["expires", atClaims ? `${time(atClaims.exp)} (in ${Math.round((atClaims.exp - Date.now() / 1000) / 60)} min)` : "—"],
    ["token", h("code", { className: "token" }, `${session.tokens.accessToken.slice(0, 48)}…`)],
  ]);
  fill($("session-facts"), [
    ["signed in", time(session.signedInAt)],
    ["requested", code(session.requested)],
    ["refresh token", session.tokens.refreshToken ? code(`${session.tokens.refreshToken.slice(0, 12)}…`) : "none"],
    ["refreshed", h("span", { id: "refreshed" }, session.refreshedAt ? `${time(session.refreshedAt)} (${session.refreshes}×), new tokens verified` : "not yet")],
  ]);
  for (const tr of $("scope-rows").children) tr.evaluate();
}

function scopeRow(expr) {
  const input = h("input", { value: expr, spellcheck: false, className: "expr", ariaLabel: "scope expression" });
  const caret = h("pre", { className: "caret", hidden: true }); // under the input, at the error's column
  const cells = [h("td"), h("td"), h("td", { className: "details" })];
  const verdict = (v) => h("span", { className: v ? "pill ok" : "pill bad" }, v ? "✓ satisfied" : "✗ not satisfied");
  const tr = h("tr", {}, h("td", {}, input, caret), ...cells);
  tr.evaluate = () => {
    const { atClaims, session } = current ?? {};
    let req;
    try {
      req = ScopeRequirement.parse(input.value);
      cells[0].replaceChildren(atClaims ? verdict(req.check(atClaims)) : "—");
      cells[1].replaceChildren(verdict(req.check({ scope: session.requested })));
      const missing = atClaims && !req.check(atClaims) ? req.satisfyingScopes(atClaims).filter((s) => !scopesOf(atClaims).includes(s)) : [];
      cells[2].replaceChildren(h("div", {}, "canonical ", code(req.toString())),
        missing.length ? h("div", {}, "the token would need ", ...missing.map((s) => h("span", { className: "chip" }, s))) : "");
      tr.className = "";
      caret.hidden = true;
    } catch (e) {
      cells[0].replaceChildren(h("span", { className: "pill bad" }, e.code ?? e.name));
      cells[1].replaceChildren("—");
      cells[2].replaceChildren(h("div", { className: "errline" }, e.column ? `column ${e.column}: ` : "", e.message));
      caret.textContent = e.column ? `${" ".repeat(e.column - 1)}^` : "";
      caret.hidden = !e.column;
      tr.className = "invalid";
    } finally {
      req?.free();
    }
  };
  input.addEventListener("input", tr.evaluate);
  return tr;
}

let apiCalls = 0;
async function callApi(route, withToken) {
  const { method, path } = route;
  const headers = withToken ? { authorization: `Bearer ${current.session.tokens.accessToken}` } : {};
  const res = await fetch(path, { method, headers, body: method === "POST" ? JSON.stringify({ note: "hello from the demo" }) : undefined });
  const body = await res.text();
  let pretty = body;
  try { pretty = JSON.stringify(JSON.parse(body), null, 2); } catch { /* not JSON: shown as is */ }
  const www = res.headers.get("www-authenticate");
  const headersDl = h("dl");
  fill(headersDl, www ? [["WWW-Authenticate", code(www)]] : []);
  const result = h("div", { className: "result", dataset: { status: res.status, call: ++apiCalls } },
    h("div", { className: "status-line" },
      h("span", { className: res.ok ? "pill ok" : "pill bad" }, `${res.status} ${res.statusText}`), " ",
      h("code", {}, `${method} ${path}`), " ",
      h("span", { className: "muted" }, withToken ? "Authorization: Bearer <access token>" : "no token"),
      h("span", { className: "when" }, new Date().toLocaleTimeString([], { hour12: false }))),
    www && headersDl,
    h("pre", {}, pretty));
  $("api-results").prepend(result);
  while ($("api-results").children.length > 3) $("api-results").lastChild.remove();
}

async function refresh() {
  const { session } = current;
  const tokens = await refreshTokens({
    tokenEndpoint: meta.token_endpoint, clientAuth: { clientId: cfg.clientId },
    refreshToken: session.tokens.refreshToken, resource: cfg.resource,
  });
  const { raw, ...kept } = tokens;
  const next = {
    ...session, tokens: { ...kept, refreshToken: kept.refreshToken ?? session.tokens.refreshToken },
    refreshedAt: Math.floor(Date.now() / 1000), refreshes: (session.refreshes ?? 0) + 1,
  };
  save(SESSION, next);
  $("error").hidden = true;
  renderSignedIn(next, "verifying the refreshed tokens");
}

function logout() {
  const state = randomToken();
  const url = buildEndSessionUrl({
    endSessionEndpoint: meta.end_session_endpoint, idTokenHint: current.session.tokens.idToken,
    postLogoutRedirectUri: cfg.postLogoutRedirectUri, state, clientId: cfg.clientId,
  });
  save(LOGOUT, { state });
  sessionStorage.removeItem(SESSION);
  location.assign(url);
}

// --------------------------------------------------------------------------------------------------------------

const callbackUrl = location.href;
async function main() {
  await init();
  cfg = await (await fetch("/config.json")).json();
  $("stack").replaceChildren(
    h("li", {}, "provider ", code(cfg.stack.provider)),
    h("li", {}, "edge worker (workerd) ", code(cfg.stack.worker)),
    h("li", {}, "API origin ", code(cfg.stack.origin)),
  );
  meta = await discover(cfg.issuer);
  const jwks = JwkSet.fromJson(await (await fetch(meta.jwks_uri)).text());
  idVerifier = new TokenVerifier({ issuer: meta.issuer, audience: cfg.clientId, jwks });
  atVerifier = new TokenVerifier({ issuer: meta.issuer, audience: cfg.resource, jwks });

  if (location.pathname === "/callback") await step("handling the callback", handleCallback);
  if (location.pathname === "/logged-out") {
    const expected = load(LOGOUT)?.state;
    sessionStorage.removeItem(LOGOUT);
    const back = new URL(location.href).searchParams.get("state");
    history.replaceState(null, "", "/");
    if (expected && back === expected) notice("Signed out: the provider ended the session and came back with the logout state.");
    else showError({ name: "Error", message: "came back to /logged-out with a state this tab did not send" }, "signing out");
  }

  $("api-path").replaceChildren(
    "this page → ", code(`${location.origin}/api`), " → edge worker (verifies the JWT and the route's scopes) → API origin",
  );
  $("api-buttons").replaceChildren(
    ...cfg.routes.map((r) => h("button", {
      onclick: () => step(`calling ${r.method} ${r.path}`, () => callApi(r, true)), dataset: { route: `${r.method} ${r.path}` },
    }, `${r.method} ${r.path}`, h("small", {}, `needs ${r.scopes}`))),
    h("button", {
      className: "secondary", dataset: { route: "no-token" },
      onclick: () => step("calling the API", () => callApi(cfg.routes[0], false)),
    }, `${cfg.routes[0].method} ${cfg.routes[0].path}`, h("small", {}, "without a token")),
  );
  $("scope-rows").replaceChildren(scopeRow("openid and (profile or email)"), scopeRow("api:read and not api:write"));
  $("add-expression").onclick = () => {
    const tr = scopeRow("");
    $("scope-rows").append(tr);
    tr.evaluate();
    tr.querySelector("input").focus();
  };
  $("refresh").onclick = () => step("refreshing the tokens", refresh);
  $("logout").onclick = () => step("signing out", logout);

  const session = load(SESSION);
  if (session) renderSignedIn(session);
  else setUpSignIn();
}

step("starting the page", main).finally(() => { document.body.dataset.ready = "true"; });
