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
use std::fmt::Write as _;
use wasm_bindgen::prelude::*;

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect.set on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
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

/// Not public API: a signature waiting for `crypto.subtle.verify`, handed back to `EdgeGuard.finish`. Its
/// getters are what the call needs: the `CryptoKey` cached for the candidate key (`undefined`: none yet, import
/// `jwk` with `importAlg`), `verifyAlg`, the signing input (`data`) and the `signature`.
#[wasm_bindgen]
pub struct EdgePending {
    check: Box<EdgeCheck>,
    /// The candidate key's position in its set.
    position: usize,
    key: JsValue,
    import_alg: JsValue,
    verify_alg: JsValue,
}

#[wasm_bindgen]
impl EdgePending {
    /// The `CryptoKey` imported before for this key and algorithm, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> JsValue {
        self.key.clone()
    }

    /// The candidate's public JWK, for `crypto.subtle.importKey("jwk", …)`.
    #[wasm_bindgen(getter)]
    pub fn jwk(&self) -> JsResult<JsValue> {
        let pending = self.check.pending();
        let jwk = pending
            .key_set()
            .keys()
            .get(self.position)
            .and_then(|k| k.public_jwk())
            .ok_or_else(|| to_js_error(Error::KeyNotFound("no public JWK to import".into())))?;
        let text = serde_json::to_string(jwk).map_err(|e| {
            to_js_error(Error::InvalidRequest(format!(
                "the JWK could not be converted: {e}"
            )))
        })?;
        js_sys::JSON::parse(&text)
    }

    /// The `importKey` algorithm parameters.
    #[wasm_bindgen(getter, js_name = importAlg)]
    pub fn import_alg(&self) -> JsValue {
        self.import_alg.clone()
    }

    /// The `verify` algorithm parameters.
    #[wasm_bindgen(getter, js_name = verifyAlg)]
    pub fn verify_alg(&self) -> JsValue {
        self.verify_alg.clone()
    }

    /// A copy of the JWS signing input: WebCrypto may read its inputs after the call returns.
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> Uint8Array {
        Uint8Array::from(self.check.pending().signing_input())
    }

    /// A copy of the decoded signature.
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> Uint8Array {
        Uint8Array::from(self.check.pending().signature())
    }
}

impl EdgeGuardHandle {
    /// The check as an `EdgePending` for WebCrypto when the runtime has it, the algorithm is WebCrypto's,
    /// there is one candidate key with a public JWK and it was not refused before; else `Err(check)`, for the
    /// Rust algorithms.
    fn webcrypto_check(&self, check: Box<EdgeCheck>) -> Result<EdgePending, Box<EdgeCheck>> {
        let pending = check.pending();
        let alg = pending.alg();
        let params = self.params.borrow_mut().of(alg);
        let (Some((import_alg, verify_alg)), true, [position]) =
            (params, self.has_subtle, pending.candidate_positions())
        else {
            return Err(check);
        };
        let position = *position;
        let scope = (pending.key_set().id(), 0);
        let key = match self.crypto_keys.borrow().get(scope, position, alg) {
            Some(Some(key)) => key,
            Some(None) => return Err(check),
            None => JsValue::UNDEFINED,
        };
        let has_jwk = pending
            .key_set()
            .keys()
            .get(position)
            .is_some_and(|k| k.public_jwk().is_some());
        if key.is_undefined() && !has_jwk {
            return Err(check);
        }
        Ok(EdgePending {
            check,
            position,
            key,
            import_alg,
            verify_alg,
        })
    }
}

impl EdgeGuardHandle {
    /// Runs `step` on: each signature it asks for through node:crypto (where installed) or the Rust
    /// algorithms, until a decision (its JSON text); or handed out for `crypto.subtle.verify`, an
    /// `EdgePending` (a DPoP request has two).
    fn run(&self, guard: &mut EdgeGuard, mut step: Step) -> JsResult<JsValue> {
        loop {
            let check = match step {
                Step::Decided(decision) => {
                    let text = decision_text(&decision).map_err(to_js_error)?;
                    return Ok(JsValue::from_str(&text));
                }
                Step::Verify(check) => check,
            };
            let (check, proof) = if native::installed() {
                let proof = check.check_with(|c| native::answer(&self.native_keys, c));
                (check, proof)
            } else {
                match self.webcrypto_check(check) {
                    Ok(pending) => return Ok(pending.into()),
                    Err(check) => {
                        let proof = check.check_with_rust();
                        (check, proof)
                    }
                }
            };
            step = guard.finish(check, proof);
        }
    }
}

/// `s` as a JSON string: copied as is when nothing in it needs escaping (the usual route, header and scope).
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if u32::from(c) < 0x20 => {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

/// `,"name":` then `items` as a JSON array of strings.
fn push_list(out: &mut String, name: &str, items: &[String]) {
    let _ = write!(out, ",\"{name}\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, item);
    }
    out.push(']');
}

/// `,"name":` then `pairs` as a JSON array of `[name, value]` arrays.
fn push_pairs(out: &mut String, name: &str, pairs: &[(String, String)]) {
    let _ = write!(out, ",\"{name}\":[");
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push_str(if i > 0 { ",[" } else { "[" });
        push_json_str(out, k);
        out.push(',');
        push_json_str(out, v);
        out.push(']');
    }
    out.push(']');
}

/// A decision as `decide` hands it out: one JSON text, which `js/edge.js` parses once (cheaper than an object
/// built member by member across the boundary), written directly (cheaper than serde's generic writer). An
/// allowed token's claims are the payload text as signed (strict JSON), spliced in, not serialized again.
fn decision_text(decision: &Decision) -> Result<String, Error> {
    let mut out = String::with_capacity(512);
    // Writing to a String cannot fail: the `write!` results are discarded.
    match decision {
        Decision::Allow(a) => {
            out.push_str("{\"ok\":true");
            push_list(&mut out, "scopes", &a.scopes);
            out.push_str(",\"route\":");
            push_json_str(&mut out, &a.route);
            push_pairs(&mut out, "headers", &a.headers);
            push_pairs(&mut out, "identityHeaders", &a.identity);
            let _ = write!(out, ",\"cached\":{},\"stale\":{}", a.cached, a.stale);
            if let Some(entry) = &a.replay {
                out.push_str(",\"replayKey\":");
                push_json_str(&mut out, &entry.key);
                let _ = write!(out, ",\"replayExpiresAt\":{}", entry.expires_at);
            }
            if let Some(claims) = &a.claims {
                out.push_str(",\"claims\":");
                out.push_str(&claims_json(claims)?);
            }
        }
        Decision::Respond(r) => {
            let _ = write!(out, "{{\"ok\":false,\"status\":{}", r.status);
            push_pairs(&mut out, "headers", &r.headers);
            out.push_str(",\"body\":");
            push_json_str(&mut out, &r.body);
            out.push_str(",\"reason\":");
            push_json_str(&mut out, &r.reason);
        }
        Decision::FetchKeys { issuer, kid } => {
            let _ = write!(out, "{{\"fetchKeys\":true,\"issuer\":{issuer}");
            if let Some(kid) = kid {
                out.push_str(",\"kid\":");
                push_json_str(&mut out, kid);
            }
        }
    }
    out.push('}');
    Ok(out)
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

    /// `decide(method, path, authorization, origin, acrMethod, acrHeaders, dpop, url, allowFetch, now?)`: a
    /// decision's JSON text — `{ ok: true, claims, scopes, route, headers, identityHeaders, cached, stale }`,
    /// `{ ok: false, status, headers, body, reason }` or `{ fetchKeys: true, issuer, kid }` — or an
    /// [`EdgePending`]: a signature for `crypto.subtle.verify`, whose outcome goes to [`Self::finish`].
    /// node:crypto (where installed) and the Rust algorithms answer at once instead. `url` is needed with a
    /// `dpop` proof only (its `htu`).
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        method: &str,
        path: &str,
        authorization: Option<String>,
        origin: Option<String>,
        ac_request_method: Option<String>,
        ac_request_headers: Option<String>,
        dpop: Option<String>,
        url: Option<String>,
        allow_fetch: bool,
        now: JsValue,
    ) -> JsResult<JsValue> {
        let now = now_or(optional_integer("now", &now).map_err(to_js_error)?);
        let req = EdgeRequest {
            method,
            path,
            authorization: authorization.as_deref(),
            origin: origin.as_deref(),
            access_control_request_method: ac_request_method.as_deref(),
            access_control_request_headers: ac_request_headers.as_deref(),
            dpop: dpop.as_deref(),
            url: url.as_deref().unwrap_or_default(),
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
        let EdgePending {
            check, position, ..
        } = pending;
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
    pub fn replay_refused(&self, origin: Option<String>) -> JsResult<String> {
        let response = self.guard.borrow().replay_refused(origin.as_deref());
        decision_text(&Decision::Respond(response)).map_err(to_js_error)
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
