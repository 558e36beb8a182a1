//! `RemoteJwks`: the core's JWKS cache policy (`jwks_cache`) driven with `fetch`. Concurrent callers share
//! one fetch in flight.

use super::convert::{JsResult, options, string_arg, to_js_error};
use super::http::{fetch_fn, now_or, send, split_options};
use crate::error::Error;
use crate::jwks_cache::{CachePolicy, JwksCache, Plan};
use js_sys::{Array, Function, Promise};
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RemoteJwksOptions {
    cooldown: Option<u64>,
    default_max_age: Option<u64>,
    min_max_age: Option<u64>,
    max_max_age: Option<u64>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GetOptions {
    now: Option<u64>,
}

/// A JWK set fetched from a fixed `jwks_uri` and cached (see the core's `jwks_cache`).
#[wasm_bindgen]
pub struct RemoteJwks {
    cache: Rc<RefCell<JwksCache>>,
    fetch: Function,
    in_flight: Rc<RefCell<Option<Promise>>>,
}

#[wasm_bindgen]
impl RemoteJwks {
    /// `new RemoteJwks(jwksUri, opts?)`
    #[wasm_bindgen(constructor)]
    pub fn new(jwks_uri: JsValue, opts: JsValue) -> JsResult<RemoteJwks> {
        let run = || -> Result<RemoteJwks, Error> {
            let uri = string_arg("jwksUri", &jwks_uri)?;
            let (rest, taken) = split_options(&opts, &["fetch"]);
            let o: RemoteJwksOptions = options("RemoteJwks options", &rest)?;
            let d = CachePolicy::default();
            let policy = CachePolicy {
                cooldown: o.cooldown.unwrap_or(d.cooldown),
                default_max_age: o.default_max_age.unwrap_or(d.default_max_age),
                min_max_age: o.min_max_age.unwrap_or(d.min_max_age),
                max_max_age: o.max_max_age.unwrap_or(d.max_max_age),
            };
            Ok(RemoteJwks {
                cache: Rc::new(RefCell::new(JwksCache::new(&uri, policy)?)),
                fetch: fetch_fn(taken.first().unwrap_or(&JsValue::UNDEFINED))?,
                in_flight: Rc::new(RefCell::new(None)),
            })
        };
        run().map_err(to_js_error)
    }

    /// `remote.getKeySet(kid?, opts?)`: the JWK set (for now its JSON object; the usable key set type plugs
    /// in here), fetching when the cache policy says so.
    #[wasm_bindgen(js_name = getKeySet)]
    pub fn get_key_set(&self, kid: JsValue, opts: JsValue) -> Promise {
        let cache = self.cache.clone();
        let fetch = self.fetch.clone();
        let in_flight = self.in_flight.clone();
        future_to_promise(async move {
            let kid = if kid.is_undefined() || kid.is_null() {
                None
            } else {
                Some(string_arg("kid", &kid).map_err(to_js_error)?)
            };
            let o: GetOptions = options("getKeySet options", &opts).map_err(to_js_error)?;
            let now = now_or(o.now);
            // Someone is fetching already: wait for it, then decide (the cooldown stops a second fetch).
            let pending = in_flight.borrow().clone();
            if let Some(p) = pending {
                let _ = JsFuture::from(p).await;
            }
            let plan = cache.borrow_mut().next(now, kid.as_deref());
            match plan {
                Plan::UseCurrent => {}
                Plan::Fail(e) => return Err(to_js_error(e)),
                Plan::Fetch(_) => {
                    let request = cache.borrow().request();
                    let fetch_cache = cache.clone();
                    let promise = future_to_promise(async move {
                        let result = match send(&fetch, &request).await {
                            Ok(res) => fetch_cache.borrow_mut().on_response(now, &res),
                            Err(e) => fetch_cache.borrow_mut().on_failure(e),
                        };
                        result.map(|()| JsValue::UNDEFINED).map_err(to_js_error)
                    });
                    *in_flight.borrow_mut() = Some(promise.clone());
                    let outcome = JsFuture::from(promise).await;
                    *in_flight.borrow_mut() = None;
                    if let Err(e) = outcome {
                        // Keep serving the last good set; without one, the fetch error is the answer.
                        if cache.borrow().current().is_none() {
                            return Err(e);
                        }
                    }
                }
            }
            let cache = cache.borrow();
            let set = cache.current().ok_or_else(|| {
                to_js_error(Error::HttpError {
                    message: "the JWKS has not been fetched".into(),
                    status: None,
                })
            })?;
            js_sys::JSON::parse(&set.json)
        })
    }

    /// The `kid`s of the current set (empty before the first fetch).
    #[wasm_bindgen(getter, js_name = keyIds)]
    pub fn key_ids(&self) -> Array {
        self.cache
            .borrow()
            .current()
            .map(|s| s.key_ids.iter().map(|k| JsValue::from_str(k)).collect())
            .unwrap_or_default()
    }

    /// The JWKS URL.
    #[wasm_bindgen(getter, js_name = jwksUri)]
    pub fn jwks_uri(&self) -> String {
        self.cache.borrow().jwks_uri().to_owned()
    }

    /// When the current set was fetched (seconds), `undefined` before the first fetch.
    #[wasm_bindgen(getter, js_name = fetchedAt)]
    pub fn fetched_at(&self) -> Option<f64> {
        self.cache.borrow().current().map(|s| s.fetched_at as f64)
    }
}
