//! `EdgeGuard`: the core's edge verifier (`crate::server::edge`) with its keys from a `RemoteJwks`. Conversions only;
//! `js/edge.js` (`createEdgeVerifier`) builds `Request`/`Response` objects around it.

use super::jwks::RemoteJwks;
use crate::error::Error;
use crate::js::convert::{JsResult, to_js_error};
use crate::js::http::{Fetcher, now_or};
use crate::js::options::{optional_integer, required_options};
use crate::server::JwksCache;
use crate::server::{Decision, EdgeConfig, EdgeGuard, EdgeRequest};
use js_sys::{Array, Object, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

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
    remote: RemoteJwks,
}

#[wasm_bindgen(js_class = EdgeGuard)]
impl EdgeGuardHandle {
    /// `new EdgeGuard(config)`: the configuration of `createEdgeVerifier`, `fetch` and `timeout` included.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<EdgeGuardHandle> {
        let run = || -> Result<EdgeGuardHandle, Error> {
            let (fetcher, rest) = Fetcher::from_options(&config)?;
            let config: EdgeConfig = required_options("createEdgeVerifier config", &rest)?;
            let guard = EdgeGuard::new(&config)?;
            let uri = config.jwks_uri.as_deref().ok_or_else(|| {
                Error::InvalidRequest("createEdgeVerifier config: jwksUri is required".into())
            })?;
            let policy = config.jwks_cache.unwrap_or_default().policy()?;
            let remote = RemoteJwks::from_cache(JwksCache::new(uri, policy)?, fetcher);
            Ok(EdgeGuardHandle {
                guard: RefCell::new(guard),
                remote,
            })
        };
        run().map_err(to_js_error)
    }

    /// `decide(method, path, authorization, origin, acrMethod, acrHeaders, allowFetch, now?)`:
    /// `{ ok: true, claims, scopes, route, headers, identityHeaders }`, `{ ok: false, status, headers, body }`
    /// or `{ fetchKeys: true, kid }`.
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        method: JsValue,
        path: JsValue,
        authorization: JsValue,
        origin: JsValue,
        ac_request_method: JsValue,
        ac_request_headers: JsValue,
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
        let req = EdgeRequest {
            method: &method,
            path: &path,
            authorization: authorization.as_deref(),
            origin: origin.as_deref(),
            access_control_request_method: acrm.as_deref(),
            access_control_request_headers: acrh.as_deref(),
            now,
        };
        let mut guard = self.guard.borrow_mut();
        if guard.keys_generation() != Some(self.remote.generation()) {
            if let Some((set, generation)) = self.remote.current() {
                guard.set_keys(set, generation);
            }
        }
        let remote = &self.remote;
        let decision = guard.decide(&req, |kid| allow_fetch && remote.fetch_due(now, kid));
        let out = Object::new();
        match decision {
            Decision::Allow(a) => {
                set(&out, "ok", &JsValue::TRUE);
                let claims = match &a.claims {
                    Some(c) => {
                        let text = serde_json::to_string(&**c).map_err(|e| {
                            to_js_error(Error::MalformedToken(format!(
                                "claims could not be converted: {e}"
                            )))
                        })?;
                        js_sys::JSON::parse(&text)?
                    }
                    None => JsValue::UNDEFINED,
                };
                set(&out, "claims", &claims);
                let scopes: Array = a.scopes.iter().map(|s| JsValue::from_str(s)).collect();
                set(&out, "scopes", &scopes);
                set(&out, "route", &JsValue::from_str(&a.route));
                set(&out, "headers", &headers_array(&a.headers));
                set(&out, "identityHeaders", &headers_array(&a.identity));
            }
            Decision::Respond(r) => {
                set(&out, "ok", &JsValue::FALSE);
                set(&out, "status", &JsValue::from(r.status));
                set(&out, "headers", &headers_array(&r.headers));
                set(&out, "body", &JsValue::from_str(&r.body));
            }
            Decision::FetchKeys { kid } => {
                set(&out, "fetchKeys", &JsValue::TRUE);
                set(
                    &out,
                    "kid",
                    &kid.map_or(JsValue::UNDEFINED, |k| JsValue::from_str(&k)),
                );
            }
        }
        Ok(out.into())
    }

    /// `fetchKeys(kid?, now?)`: fetches the key set when the cache policy allows it (see `RemoteJwks`).
    #[wasm_bindgen(js_name = fetchKeys)]
    pub fn fetch_keys(&self, kid: JsValue, now: JsValue) -> Promise {
        let fut = optional_integer("now", &now)
            .map(|now| self.remote.ensure(now_or(now), kid.as_string()));
        future_to_promise(async move {
            fut.map_err(to_js_error)?.await?;
            Ok(JsValue::UNDEFINED)
        })
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

    /// The `kid`s of the current key set.
    #[wasm_bindgen(getter, js_name = keyIds)]
    pub fn key_ids(&self) -> Array {
        self.remote.key_ids()
    }

    /// How many verified tokens are cached.
    #[wasm_bindgen(getter, js_name = cachedTokens)]
    pub fn cached_tokens(&self) -> u32 {
        u32::try_from(self.guard.borrow().cached_tokens()).unwrap_or(u32::MAX)
    }
}
