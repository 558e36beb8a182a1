// The SPA session, `createSession` of `oidc-edge/spa` (spa.d.ts documents it): sign-in in two calls. This file
// only moves values between wasm calls, storage, the address bar and listeners; every rule is in the core
// (startAuthorization, resumeSignIn, exchangeCode, verifyIdTokenAsync, buildEndSessionUrl).
import {
  discover, fetchJwks, generatePkce, randomToken, startAuthorization, resumeSignIn, exchangeCode, buildEndSessionUrl,
  TokenVerifier,
} from "./oidc_edge_spa.js";

const EVENTS = ["signedIn", "refreshed", "expired", "signedOut", "error"];

/** @param {import("./spa.d.ts").SessionOptions} options */
export function createSession(options) {
  const { issuer, clientId, redirectUri, scope, resource, postLogoutRedirectUri, persistence, fetch, timeout, ...authorize } =
    options ?? {};
  const io = { fetch, timeout };
  const key = `oidc-edge:${issuer}:${clientId}`;
  const pendingKey = `${key}:sign-in`; // sessionStorage, from signIn to the callback only
  const listeners = new Map(EVENTS.map((name) => [name, new Set()]));
  let current = null; // { tokens, user }: in memory; in `persistence` too when given
  let metadata; // a Promise of the provider's metadata, discovered once (again after a failure)

  function emit(name, detail) {
    for (const listener of listeners.get(name)) {
      try {
        listener(detail);
      } catch (e) {
        globalThis.reportError?.(e); // a listener's failure is the app's, not the session's
      }
    }
  }
  /** Runs `fn`; a failure is emitted as `error`, then thrown. */
  async function reported(fn) {
    try {
      return await fn();
    } catch (e) {
      emit("error", e);
      throw e;
    }
  }
  function provider() {
    metadata ??= discover(issuer, io);
    metadata.catch(() => { metadata = undefined; });
    return metadata;
  }
  async function keep(next) {
    current = next;
    if (!persistence) return;
    if (next) await persistence.setItem(key, JSON.stringify(next));
    else await persistence.removeItem(key);
  }

  return {
    /** Sends the browser to the provider: PKCE, state, nonce; pushed first (PAR) when the provider requires it. */
    signIn: (extra = {}) => reported(async () => {
      const meta = await provider();
      const { codeVerifier, codeChallenge, codeChallengeMethod } = generatePkce();
      const state = randomToken();
      const nonce = randomToken();
      const { url } = await startAuthorization({
        ...authorize, ...extra, metadata: meta, clientId, redirectUri, scope, resource, state, nonce, codeChallenge,
        codeChallengeMethod, ...io,
      });
      sessionStorage.setItem(pendingKey, JSON.stringify({ state, nonce, codeVerifier, maxAge: extra.maxAge ?? authorize.maxAge }));
      location.assign(url);
    }),

    /** At the redirect URI: the callback matched to this tab's sign-in, the code exchanged, the ID token verified. */
    handleCallback: (url = location.href) => reported(async () => {
      const stored = sessionStorage.getItem(pendingKey);
      sessionStorage.removeItem(pendingKey); // one use, whatever happens next
      if (url === location.href) history.replaceState(history.state, "", location.pathname); // the code leaves the address bar
      const meta = await provider();
      const signIn = resumeSignIn(url, stored, meta);
      const tokens = await exchangeCode({
        tokenEndpoint: meta.token_endpoint, clientAuth: { clientId }, code: signIn.code, redirectUri,
        codeVerifier: signIn.codeVerifier, resource, ...io,
      });
      const jwks = await fetchJwks(meta.jwks_uri, io);
      const verifier = new TokenVerifier({ issuer: meta.issuer, audience: clientId, jwks });
      jwks.free();
      try {
        const user = await verifier.verifyIdTokenAsync(tokens.idToken, {
          nonce: signIn.nonce, maxAge: signIn.maxAge, accessToken: tokens.accessToken, atHashOptional: true,
        });
        const { raw, ...kept } = tokens;
        await keep({ tokens: kept, user });
        emit("signedIn", user);
        return user;
      } finally {
        verifier.free();
      }
    }),

    /** The session `persistence` kept (after a reload), or null; always null without `persistence`. */
    restore: () => reported(async () => {
      const text = persistence ? await persistence.getItem(key) : null;
      current = text ? JSON.parse(text) : null;
      return current?.user ?? null;
    }),

    /** The access token, or null when signed out or expired (`expired` is emitted then). */
    getAccessToken: () => reported(async () => {
      if (!current) return null;
      const { accessToken, expiresAt } = current.tokens;
      if (expiresAt === undefined || expiresAt > Date.now() / 1000) return accessToken;
      await keep(null);
      emit("expired");
      return null;
    }),

    /** The verified ID token claims, or null. */
    getUser: () => current?.user ?? null,

    /** Forgets the session here, then RP-initiated logout at the provider when it has an end_session_endpoint. */
    signOut: () => reported(async () => {
      const idTokenHint = current?.tokens.idToken;
      await keep(null);
      emit("signedOut");
      const meta = await provider();
      if (!meta.end_session_endpoint) return;
      location.assign(buildEndSessionUrl({
        endSessionEndpoint: meta.end_session_endpoint, idTokenHint, postLogoutRedirectUri, clientId,
      }));
    }),

    /** Listens to `signedIn`, `refreshed`, `expired`, `signedOut` or `error`; returns the function that stops it. */
    on(name, listener) {
      const set = listeners.get(name);
      if (!set) throw new TypeError(`createSession: no event ${name}; the events are ${EVENTS.join(", ")}`);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
