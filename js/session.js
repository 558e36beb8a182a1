// The SPA session, `createSession` of `oidc-edge/spa` (spa.d.ts documents it): sign-in in two calls, tokens
// refreshed before they expire (a failed refresh retried with backoff when it may succeed later), one refresh at
// a time across tabs. This file only moves values between wasm calls, storage, timers, the address bar, other
// tabs and listeners; every rule is in the core (startAuthorization, parseCallback, exchangeCode,
// verifyIdTokenAsync, sessionTokens, sessionRenewal, buildEndSessionUrl).
import {
  discover, fetchJwks, generatePkce, randomToken, startAuthorization, parseCallback, exchangeCode, refreshTokens,
  buildEndSessionUrl, sessionTokens, sessionRenewal, TokenVerifier,
  createDpopKey, importDpopKey,
} from "./oidc_edge_spa.js";

const EVENTS = ["signedIn", "refreshed", "expired", "signedOut", "error"];
const ELECTION_MS = 100; // without Web Locks: how long a tab listens for other tabs' refresh claims
const JWKS_COOLDOWN_MS = 30_000; // an unknown kid refetches the keys at most this often (jose's remote JWKS cooldown)
const DPOP_DB = "oidc-edge-dpop"; // IndexedDB: the sessions' DPoP key pairs, by session key

/**
 * `get` or `delete` the DPoP key pair kept under `name` (a structured clone: still non-extractable), or `keep`
 * `value` there unless a pair is kept already: resolves to the pair kept, the first one of all tabs.
 */
function dpopStore(op, name, value) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DPOP_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction("keys", "readwrite");
      const store = tx.objectStore("keys");
      const req = store[op === "keep" ? "get" : op](name);
      let result;
      // One readwrite transaction: no other tab's can run between this get and this put.
      req.onsuccess = () => {
        result = req.result;
        if (op === "keep" && result === undefined) store.put((result = value), name);
      };
      tx.oncomplete = () => { db.close(); resolve(result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  });
}

/** @param {import("./spa.d.ts").SessionOptions} options */
export function createSession(options) {
  const { issuer, clientId, redirectUri, scope, resource, postLogoutRedirectUri, persistence, fetch, timeout, dpop,
    ...authorize } = options ?? {};
  const io = { fetch, timeout };
  const key = `oidc-edge:${issuer}:${clientId}`;
  const pendingKey = `${key}:sign-in`; // sessionStorage, from signIn to the callback only
  const listeners = new Map(EVENTS.map((name) => [name, new Set()]));
  // The other tabs of this session: they hear of new tokens and sign-outs, and take turns to refresh.
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(key) : null;
  let current = null; // { tokens, user }: in memory; in `persistence` too when given
  let metadata; // a Promise of the provider's metadata, discovered once (again after a failure)
  let verifier; // a Promise of the ID token verifier with the provider's keys, fetched once per page
  let dpopKey; // with `dpop`: a Promise of the session's DpopKey, its pair kept in IndexedDB
  let keysFetchedAt = -Infinity; // when `verifier`'s keys were fetched (ms)
  let timer;
  let refreshing; // this tab's refresh in progress
  let failure; // { error, attempts }: the current tokens' refresh failed `attempts` times in a row, last with `error`
  let peerRefreshing = false; // another tab claimed the refresh (BroadcastChannel fallback)
  let lowest; // during this tab's election (BroadcastChannel fallback): the smallest refresh claim heard
  let wake; // while this tab waits for another tab's refresh: ends the wait

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
  /** A shared Promise that is forgotten when it fails, so that the next call tries again. */
  function memo(promise, forget) {
    promise.catch(forget);
    return promise;
  }
  const provider = () => (metadata ??= memo(discover(issuer, io), () => { metadata = undefined; }));
  /** The session's DPoP key (RFC 9449): the kept pair, else a new one kept; undefined without `dpop`. */
  const boundKey = async () => dpop ? (dpopKey ??= memo((async () => {
    const kept = await dpopStore("get", key);
    if (kept) return importDpopKey(kept);
    const made = await createDpopKey();
    const pair = made.keyPair; // a new object at each read
    // Another tab may have made one meanwhile: the first kept is the session's key in every tab.
    const first = await dpopStore("keep", key, pair);
    return first === pair ? made : importDpopKey(first);
  })(), () => { dpopKey = undefined; })) : undefined;
  const keys = () => (verifier ??= memo((async () => {
    const meta = await provider();
    keysFetchedAt = Date.now();
    const jwks = await fetchJwks(meta.jwks_uri, io);
    try {
      return new TokenVerifier({ issuer: meta.issuer, audience: clientId, jwks });
    } finally {
      jwks.free();
    }
  })(), () => { verifier = undefined; }));

  /** Verifies an ID token; a `kid` the keys lack (rotated at the provider) refetches them once, after the cooldown. */
  async function verifyIdToken(token, opts) {
    const used = keys();
    try {
      return await (await used).verifyIdTokenAsync(token, opts);
    } catch (e) {
      if (e?.code !== "key_not_found" || Date.now() - keysFetchedAt < JWKS_COOLDOWN_MS) throw e;
      if (verifier === used) verifier = undefined; // unless a concurrent call refetched them already
      return (await keys()).verifyIdTokenAsync(token, opts);
    }
  }

  /** A stored session checked again: its ID token as at its `iat` (a session outlives it), the claims the token's. */
  async function verified(stored) {
    const tokens = sessionTokens(stored?.tokens);
    return { tokens, user: await verifyIdToken(tokens.idToken, { now: stored.user?.iat, refreshes: stored.user }) };
  }

  /** Replaces the session (null: none), in memory and persistence, and schedules its renewal. */
  async function keep(next) {
    current = next;
    failure = undefined;
    clearTimeout(timer);
    if (persistence) {
      if (next) await persistence.setItem(key, JSON.stringify(next));
      else await persistence.removeItem(key);
    }
    if (next) schedule();
  }
  /**
   * When `tokens` are renewed: a refresh in n ≥ 0 seconds, their end in n seconds as −1 − n, or never (Infinity);
   * after a failed refresh of the current ones: its retry (with backoff), or their end.
   */
  const renewal = (tokens = current.tokens, after = failure) =>
    sessionRenewal(tokens.expiresAt, Boolean(tokens.refreshToken), after?.attempts ?? 0, after?.error);
  function schedule() {
    const wait = renewal();
    if (wait === Infinity) return;
    const act = wait < 0 ? expire : () => refresh().catch(() => {});
    timer = setTimeout(act, Math.min((wait < 0 ? -1 - wait : wait) * 1000, 2 ** 31 - 1));
  }
  /** Keeps `next`, tells the other tabs, and emits `event`. */
  async function change(next, event) {
    await keep(next);
    channel?.postMessage({ session: next, event });
    emit(event, next?.user);
  }
  async function expire() {
    if (current) await change(null, "expired");
  }

  /** Refreshes once across tabs: the tab holding the lock refreshes, the others wait for its tokens. */
  function refresh() {
    refreshing ??= (async () => {
      try {
        const heard = nextSessionMessage();
        const turn = async (lock) => (lock === null ? heard : refreshHere());
        if (globalThis.navigator?.locks) await navigator.locks.request(`${key}:refresh`, { ifAvailable: true }, turn);
        else await turn(await election());
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }
  async function refreshHere() {
    const before = current;
    // Not due (any more): another tab's tokens arrived meanwhile.
    if (!before || renewal(before.tokens, null) !== 0) return;
    try {
      const meta = await provider();
      const next = await refreshTokens({
        tokenEndpoint: meta.token_endpoint, clientAuth: { clientId }, refreshToken: before.tokens.refreshToken, resource,
        dpop: await boundKey(), ...io,
      });
      let { user } = before;
      if (next.idToken) {
        user = await verifyIdToken(next.idToken, { accessToken: next.accessToken, atHashOptional: true, refreshes: user });
      }
      await change({ tokens: sessionTokens(next, before.tokens), user }, "refreshed");
    } catch (e) {
      emit("error", e);
      if (current !== before) return; // another tab's tokens (or sign-out) came meanwhile
      // The core decides: the end now (invalid_grant), a retry with backoff, or the tokens kept until they expire.
      failure = { error: e ?? null, attempts: (failure?.attempts ?? 0) + 1 };
      clearTimeout(timer);
      schedule();
    }
  }
  // Back online, or the page shown again: a refresh waiting for its retry is tried now.
  function retryNow() {
    if (!failure || !current) return;
    const wait = renewal();
    if (wait < 0 || wait === Infinity) return;
    clearTimeout(timer);
    refresh().catch(() => {});
  }
  globalThis.addEventListener?.("online", retryNow);
  globalThis.document?.addEventListener("visibilitychange", () => document.visibilityState === "visible" && retryNow());
  /** Resolves at the next session (or sign-out) another tab shares, or after the time a refresh may take. */
  function nextSessionMessage() {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(limit);
        if (wake === done) wake = undefined;
        resolve();
      };
      // The refreshing tab went away: the next refresh is this tab's to claim.
      const limit = setTimeout(() => { peerRefreshing = false; done(); }, ((timeout ?? 5) + 5) * 1000);
      wake = done;
    });
  }
  /** Without Web Locks: claims the refresh over the channel; the smallest claim heard refreshes (true), others wait (null). */
  function election() {
    if (!channel || peerRefreshing) return Promise.resolve(channel ? null : true);
    const mine = (lowest = randomToken());
    channel.postMessage({ claim: mine });
    return new Promise((resolve) => setTimeout(() => {
      const won = lowest === mine;
      lowest = undefined;
      if (won) peerRefreshing = false; // the claims heard lost to this tab's
      resolve(won || null);
    }, ELECTION_MS));
  }
  // The one listener of the channel: another tab claims a refresh; or it signed in, refreshed, expired or signed
  // out, and this tab follows.
  channel?.addEventListener("message", ({ data }) => {
    if (data?.claim) {
      peerRefreshing = true;
      if (data.claim < lowest) lowest = data.claim;
      return;
    }
    if (!data?.event) return;
    peerRefreshing = false;
    wake?.();
    if (data.event === "signedOut") dpopKey = undefined; // its pair is deleted: the next one is read or made anew
    keep(data.session).then(() => emit(data.event, data.session?.user), (e) => emit("error", e));
  });

  return {
    /** Sends the browser to the provider: PKCE, state, nonce; pushed first (PAR) when the provider requires it. */
    signIn: (extra = {}) => reported(async () => {
      const meta = await provider();
      const { codeVerifier, codeChallenge, codeChallengeMethod } = generatePkce();
      const state = randomToken();
      const nonce = randomToken();
      const { url } = await startAuthorization({
        ...authorize, ...extra, metadata: meta, clientId, redirectUri, scope, resource, state, nonce, codeChallenge,
        codeChallengeMethod, dpopJkt: (await boundKey())?.jkt, ...io,
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
      let signIn = null; // this tab's sign-in in progress: none unless a whole record (state, nonce, verifier) was kept
      try {
        const r = JSON.parse(stored);
        if ([r.state, r.nonce, r.codeVerifier].every((v) => typeof v === "string")) signIn = r;
      } catch {}
      const { code } = parseCallback(url, { state: signIn?.state ?? null, metadata: meta });
      const tokens = await exchangeCode({
        tokenEndpoint: meta.token_endpoint, clientAuth: { clientId }, code, redirectUri,
        codeVerifier: signIn.codeVerifier, resource, dpop: await boundKey(), ...io,
      });
      const user = await verifyIdToken(tokens.idToken, {
        nonce: signIn.nonce, maxAge: signIn.maxAge, accessToken: tokens.accessToken, atHashOptional: true,
      });
      await change({ tokens: sessionTokens(tokens), user }, "signedIn");
      return user;
    }),

    /** The session `persistence` kept (after a reload), or null; always null without `persistence`. */
    restore: () => reported(async () => {
      const text = persistence ? await persistence.getItem(key) : null;
      let restored = null;
      try {
        restored = text ? await verified(JSON.parse(text)) : null;
      } catch (e) {
        if (e?.code !== "http_error") await keep(null); // dropped; a provider out of reach leaves it for the next try
        throw e;
      }
      await keep(restored);
      return restored?.user ?? null;
    }),

    /**
     * The access token, refreshed first when it is due; while a failed refresh waits for its retry, the current one
     * (still valid); null when signed out or expired (`expired` is emitted then).
     */
    getAccessToken: () => reported(async () => {
      let wait = current ? renewal() : Infinity;
      if (wait === 0) {
        await refresh();
        wait = current ? renewal() : Infinity;
      }
      // After a failed refresh: the current access token until it expires (or the provider refused the refresh).
      if (wait === -1) await expire();
      return current?.tokens.accessToken ?? null;
    }),

    /** The verified ID token claims, or null. */
    getUser: () => current?.user ?? null,

    /** With `dpop`: the DpopKey the tokens are bound to (for `dpopFetch`); null without. */
    getDpopKey: () => reported(async () => (await boundKey()) ?? null),

    /** Forgets the session here and in the other tabs, then RP-initiated logout when the provider has it. */
    signOut: () => reported(async () => {
      const idTokenHint = current?.tokens.idToken;
      if (dpop) {
        dpopKey = undefined;
        await dpopStore("delete", key); // the next sign-in binds its tokens to a new key, deleted before the tabs hear of it
      }
      await change(null, "signedOut");
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
