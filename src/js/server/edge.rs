//! `EdgeGuard`: the core's edge verifier (`crate::server::edge`) with its keys from a `RemoteJwks`. Conversions only;
//! `js/edge.js` (`createEdgeVerifier`) builds `Request`/`Response` objects around it.

use super::config::edge_config;
use super::jwks::RemoteJwks;
use crate::error::Error;
use crate::jose::{JwkSet, SignatureProof};
use crate::js::convert::{JsResult, promise, to_js_error};
use crate::js::http::{Fetcher, now_or};
use crate::js::native::{self, NativeKey};
use crate::js::options::optional_integer;
use crate::js::verify::{ImportedKeys, WebCryptoParams, claims_json, subtle};
use crate::server::JwksCache;
use crate::server::{Decision, EdgeCheck, EdgeGuard, EdgeRequest, Step};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect.set on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn headers_array(headers: &[(String, String)]) -> Array {
    headers
        .iter()
        .map(|(k, v)| JsValue::from(Array::of2(&JsValue::from_str(k), &JsValue::from_str(v))))
        .collect()
}

fn optional_string(v: &JsValue) -> Option<String> {
    v.as_string()
}

/// Not public API (see `createEdgeVerifier`): the edge verifier's rules with a remote key set.
#[wasm_bindgen(js_name = EdgeGuard)]
pub struct EdgeGuardHandle {
    guard: RefCell<EdgeGuard>,
    /// Each issuer's key set, in the guard's order of issuers.
    remotes: Vec<RemoteJwks>,
    /// The `CryptoKey`s imported for the current set, by (position, algorithm); `None`: refused.
    crypto_keys: RefCell<ImportedKeys<JsValue>>,
    /// The WebCrypto parameters (import, verify), built once per algorithm.
    params: RefCell<WebCryptoParams>,
    /// The node:crypto keys, where node:crypto is installed (Node).
    native_keys: RefCell<ImportedKeys<NativeKey>>,
    /// Whether the runtime has `crypto.subtle` (read once: it does not come and go).
    has_subtle: bool,
}

/// Not public API: a signature waiting for `crypto.subtle.verify`, handed back to `EdgeGuard.finish`.
#[wasm_bindgen]
pub struct EdgePending {
    check: Box<EdgeCheck>,
    /// The candidate key's position in its set.
    position: usize,
}

impl EdgeGuardHandle {
    /// The check as an `EdgePending` for WebCrypto when the runtime has it, the algorithm is WebCrypto's,
    /// there is one candidate key and it was not refused before; else `Err(check)`, for the Rust algorithms.
    fn webcrypto_check(&self, check: Box<EdgeCheck>) -> JsResult<Result<JsValue, Box<EdgeCheck>>> {
        let pending = check.pending();
        let alg = pending.alg();
        let params = self.params.borrow_mut().of(alg);
        let (Some((import_alg, verify_alg)), true, [position]) =
            (params, self.has_subtle, pending.candidate_positions())
        else {
            return Ok(Err(check));
        };
        let position = *position;
        let scope = (pending.key_set().id(), 0);
        let cached = self.crypto_keys.borrow().get(scope, position, alg);
        let key = match cached {
            Some(Some(key)) => key,
            Some(None) => return Ok(Err(check)),
            None => JsValue::UNDEFINED,
        };
        let out = Object::new();
        if key.is_undefined() {
            let jwk = pending
                .key_set()
                .keys()
                .get(position)
                .and_then(|k| k.public_jwk())
                .and_then(|jwk| serde_json::to_string(jwk).ok());
            let Some(jwk) = jwk else {
                return Ok(Err(check));
            };
            set(&out, "jwk", &js_sys::JSON::parse(&jwk)?);
        }
        set(&out, "key", &key);
        set(&out, "importAlg", &import_alg);
        set(&out, "verifyAlg", &verify_alg);
        // Copies: WebCrypto reads its inputs after the call returns.
        set(&out, "data", &Uint8Array::from(pending.signing_input()));
        set(&out, "signature", &Uint8Array::from(pending.signature()));
        set(&out, "verify", &EdgePending { check, position }.into());
        Ok(Ok(out.into()))
    }
}

impl EdgeGuardHandle {
    /// Runs `step` on: each signature it asks for through node:crypto (where installed) or the Rust
    /// algorithms, until a decision; or handed out for `crypto.subtle.verify` (a DPoP request has two).
    fn run(&self, guard: &mut EdgeGuard, mut step: Step) -> JsResult<JsValue> {
        loop {
            let check = match step {
                Step::Decided(decision) => return decision_js(decision),
                Step::Verify(check) => check,
            };
            let proof = if native::installed() {
                check.check_with(|c| native::answer(&self.native_keys, c))
            } else {
                match self.webcrypto_check(check)? {
                    Ok(pending) => return Ok(pending),
                    Err(check) => {
                        let proof = check.check_with_rust();
                        step = guard.finish(check, proof);
                        continue;
                    }
                }
            };
            step = guard.finish(check, proof);
        }
    }
}

/// A decision as `decide` hands it out.
fn decision_js(decision: Decision) -> JsResult<JsValue> {
    let out = Object::new();
    match decision {
        Decision::Allow(a) => {
            set(&out, "ok", &JsValue::TRUE);
            // The claims from the payload text as signed, not serialized again.
            let claims = match &a.claims {
                Some(verified) => {
                    js_sys::JSON::parse(&claims_json(verified).map_err(to_js_error)?)?
                }
                None => JsValue::UNDEFINED,
            };
            set(&out, "claims", &claims);
            let scopes: Array = a.scopes.iter().map(|s| JsValue::from_str(s)).collect();
            set(&out, "scopes", &scopes);
            set(&out, "route", &JsValue::from_str(&a.route));
            set(&out, "headers", &headers_array(&a.headers));
            set(&out, "identityHeaders", &headers_array(&a.identity));
            set(&out, "cached", &JsValue::from_bool(a.cached));
            set(&out, "stale", &JsValue::from_bool(a.stale));
            if let Some(entry) = &a.replay {
                set(&out, "replayKey", &JsValue::from_str(&entry.key));
                // Seconds stay far below 2^53: exact as a JS number.
                set(
                    &out,
                    "replayExpiresAt",
                    &JsValue::from(entry.expires_at as f64),
                );
            }
        }
        Decision::Respond(r) => {
            set(&out, "ok", &JsValue::FALSE);
            set(&out, "status", &JsValue::from(r.status));
            set(&out, "headers", &headers_array(&r.headers));
            set(&out, "body", &JsValue::from_str(&r.body));
            set(&out, "reason", &JsValue::from_str(&r.reason));
        }
        Decision::FetchKeys { issuer, kid } => {
            set(&out, "fetchKeys", &JsValue::TRUE);
            set(&out, "issuer", &JsValue::from(issuer));
            set(
                &out,
                "kid",
                &kid.map_or(JsValue::UNDEFINED, |k| JsValue::from_str(&k)),
            );
        }
    }
    Ok(out.into())
}

#[wasm_bindgen(js_class = EdgeGuard)]
impl EdgeGuardHandle {
    /// `new EdgeGuard(config)`: the configuration of `createEdgeVerifier`, `fetch` and `timeout` included.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<EdgeGuardHandle> {
        let run = || -> Result<EdgeGuardHandle, Error> {
            let (fetcher, rest) = Fetcher::from_options(&config)?;
            let (config, routes) = edge_config("createEdgeVerifier config", &rest)?;
            let guard = EdgeGuard::with_routes(&config, routes)?;
            let remotes = config
                .issuer_configs()?
                .into_iter()
                .map(|(field, one)| {
                    let uri = one.jwks_uri.as_deref().ok_or_else(|| {
                        Error::InvalidRequest(format!(
                            "createEdgeVerifier config: {field}jwksUri is required"
                        ))
                    })?;
                    let policy = one.jwks_cache.unwrap_or_default().policy()?;
                    let cache = JwksCache::new(uri, policy).map_err(|e| {
                        Error::InvalidRequest(format!("{field}jwksUri: {}", e.message()))
                    })?;
                    Ok(RemoteJwks::for_edge(cache, fetcher.clone()))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(EdgeGuardHandle {
                guard: RefCell::new(guard),
                remotes,
                crypto_keys: RefCell::default(),
                params: RefCell::default(),
                native_keys: RefCell::default(),
                has_subtle: subtle().is_some(),
            })
        };
        run().map_err(to_js_error)
    }

    /// `decide(method, path, authorization, origin, acrMethod, acrHeaders, dpop, url, allowFetch, now?)`:
    /// `{ ok: true, claims, scopes, route, headers, identityHeaders }`, `{ ok: false, status, headers, body }`,
    /// `{ fetchKeys: true, kid }`, or `{ verify: EdgePending, key, jwk, importAlg, verifyAlg, data, signature }`:
    /// a signature for `crypto.subtle.verify`, whose outcome goes to [`Self::finish`]. node:crypto (where
    /// installed) and the Rust algorithms answer at once instead.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        method: JsValue,
        path: JsValue,
        authorization: JsValue,
        origin: JsValue,
        ac_request_method: JsValue,
        ac_request_headers: JsValue,
        dpop: JsValue,
        url: JsValue,
        allow_fetch: bool,
        now: JsValue,
    ) -> JsResult<JsValue> {
        let now = now_or(optional_integer("now", &now).map_err(to_js_error)?);
        let method = method.as_string().unwrap_or_default();
        let path = path.as_string().unwrap_or_default();
        let authorization = optional_string(&authorization);
        let origin = optional_string(&origin);
        let acrm = optional_string(&ac_request_method);
        let acrh = optional_string(&ac_request_headers);
        let dpop = optional_string(&dpop);
        let url = url.as_string().unwrap_or_default();
        let req = EdgeRequest {
            method: &method,
            path: &path,
            authorization: authorization.as_deref(),
            origin: origin.as_deref(),
            access_control_request_method: acrm.as_deref(),
            access_control_request_headers: acrh.as_deref(),
            dpop: dpop.as_deref(),
            url: &url,
            now,
        };
        let mut guard = self.guard.borrow_mut();
        for (issuer, remote) in self.remotes.iter().enumerate() {
            let generation = remote.generation();
            if guard.keys_generation(issuer) != Some(generation) {
                // No set (any more: stale past its cap) is an empty one: 503 until a fetch succeeds.
                let set = remote.current().map_or_else(JwkSet::empty, |(set, _)| set);
                guard.set_keys(issuer, set, generation);
            }
            guard.set_fresh_until(issuer, remote.fresh_until());
        }
        let remotes = &self.remotes;
        let due = |issuer: usize, kid: Option<&str>| {
            allow_fetch && remotes.get(issuer).is_some_and(|r| r.fetch_due(now, kid))
        };
        let step = guard.start(&req, due);
        self.run(&mut guard, step)
    }

    /// `finish(pending, verdict, key)`: the decision on an `EdgePending` from [`Self::decide`], given what
    /// `crypto.subtle.verify` resolved (`true`, `false`; anything else, a throw included: the Rust algorithms
    /// decide) and the `CryptoKey` imported for it (`null`: the runtime refused the key; `undefined`: none
    /// imported). Only `true` makes the check's proof.
    pub fn finish(
        &self,
        pending: EdgePending,
        verdict: JsValue,
        key: JsValue,
    ) -> JsResult<JsValue> {
        let EdgePending { check, position } = pending;
        let mut guard = self.guard.borrow_mut();
        let pending_sig = check.pending();
        let scope = (pending_sig.key_set().id(), 0);
        // A set replaced while this check was in flight is not cached.
        if !key.is_undefined() && guard.keys_id(check.issuer()) == Some(scope.0) {
            let key = (!key.is_null()).then_some(key);
            self.crypto_keys
                .borrow_mut()
                .insert(scope, position, pending_sig.alg(), key);
        }
        let proof = match verdict.as_bool() {
            Some(true) => Ok(SignatureProof::webcrypto_verified(pending_sig, 0)),
            Some(false) => Err(Error::InvalidSignature(format!(
                "the {} signature does not verify",
                pending_sig.alg().name()
            ))),
            None => check.check_with_rust(),
        };
        let step = guard.finish(check, proof);
        self.run(&mut guard, step)
    }

    /// `fetchKeys(kid?, now?, issuer?)`: fetches the key set of `issuer` (a `fetchKeys` decision's, default
    /// the first) when the cache policy allows it (see `RemoteJwks`).
    #[wasm_bindgen(js_name = fetchKeys)]
    pub fn fetch_keys(&self, kid: JsValue, now: JsValue, issuer: JsValue) -> Promise {
        let fut = optional_integer("now", &now).and_then(|now| {
            let index = optional_integer("issuer", &issuer)?.unwrap_or(0);
            let remote = usize::try_from(index)
                .ok()
                .and_then(|i| self.remotes.get(i))
                .ok_or_else(|| Error::InvalidRequest(format!("no issuer at {index}")))?;
            Ok(remote.ensure(now_or(now), kid.as_string()))
        });
        promise(async move {
            fut.map_err(to_js_error)?.await.map_err(to_js_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// `refreshKeys(now?)`: the background refreshes due now (a key set in the last tenth of its freshness,
    /// the cooldown allowing), one Promise for them all (it never rejects), or `undefined` when none is due.
    #[wasm_bindgen(js_name = refreshKeys)]
    pub fn refresh_keys(&self, now: JsValue) -> JsResult<JsValue> {
        let now = now_or(optional_integer("now", &now).map_err(to_js_error)?);
        let started: Array = self
            .remotes
            .iter()
            .filter_map(|r| r.refresh(now))
            .map(JsValue::from)
            .collect();
        if started.length() == 0 {
            return Ok(JsValue::UNDEFINED);
        }
        Ok(Promise::all(&started).into())
    }

    /// `replayRefused(origin?)`: the answer to a DPoP request whose proof the caller's `replayStore` refused.
    #[wasm_bindgen(js_name = replayRefused)]
    pub fn replay_refused(&self, origin: JsValue) -> JsResult<JsValue> {
        let origin = optional_string(&origin);
        let response = self.guard.borrow().replay_refused(origin.as_deref());
        decision_js(Decision::Respond(response))
    }

    /// `strippedHeaders(names)`: those of `names` to remove from a request before forwarding it.
    #[wasm_bindgen(js_name = strippedHeaders)]
    pub fn stripped_headers(&self, names: Vec<String>) -> Array {
        let guard = self.guard.borrow();
        names
            .iter()
            .filter(|n| guard.strips_header(n))
            .map(|n| JsValue::from_str(n))
            .collect()
    }

    /// The `kid`s of the current key sets, every issuer's.
    #[wasm_bindgen(getter, js_name = keyIds)]
    pub fn key_ids(&self) -> Array {
        self.remotes
            .iter()
            .flat_map(|r| r.key_ids().to_vec())
            .collect()
    }

    /// `{ ok, failed }`: the JWKS fetches so far, every issuer's.
    #[wasm_bindgen(getter, js_name = jwksFetches)]
    pub fn jwks_fetches(&self) -> Object {
        let (ok, failed) = self
            .remotes
            .iter()
            .map(RemoteJwks::fetch_counts)
            .fold((0u64, 0u64), |(a, b), (c, d)| (a + c, b + d));
        let out = Object::new();
        // Counts stay far below 2^53: exact as JS numbers.
        set(&out, "ok", &JsValue::from(ok as f64));
        set(&out, "failed", &JsValue::from(failed as f64));
        out
    }

    /// How many verified tokens are cached.
    #[wasm_bindgen(getter, js_name = cachedTokens)]
    pub fn cached_tokens(&self) -> u32 {
        u32::try_from(self.guard.borrow().cached_tokens()).unwrap_or(u32::MAX)
    }
}
