//! `RemoteJwks`: the core's JWKS cache policy (`jwks_cache`) driven with `fetch`. Concurrent callers share
//! one fetch in flight. The cache holds the parsed `JwkSet`, which a `TokenVerifier` or an edge guard built on
//! this object reads at each verification (no copy of the keys: a `JwkSet` shares them).

use super::config::JwksCacheArgs;
use crate::error::Error;
use crate::jose::JwkSet;
use crate::js::convert::{JsResult, string_arg, to_js_error};
use crate::js::http::{Fetcher, now_or};
use crate::js::jose::JwkSetHandle;
use crate::js::options::{NowOnly, options};
use crate::server::{JwksCache, JwksCacheConfig, Plan};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// A JWK set fetched from a fixed `jwks_uri` and cached (see the core's `jwks_cache`).
#[wasm_bindgen]
pub struct RemoteJwks {
    cache: Rc<RefCell<JwksCache>>,
    fetcher: Fetcher,
    in_flight: Rc<RefCell<Option<Promise>>>,
}

impl RemoteJwks {
    /// A remote set around a core cache.
    pub(crate) fn from_cache(cache: JwksCache, fetcher: Fetcher) -> Self {
        RemoteJwks {
            cache: Rc::new(RefCell::new(cache)),
            fetcher,
            in_flight: Rc::new(RefCell::new(None)),
        }
    }

    /// The current set and its generation, when there is one (no fetch).
    pub(crate) fn current(&self) -> Option<(JwkSet, u64)> {
        let cache = self.cache.borrow();
        let generation = cache.generation();
        cache.current().map(|c| (c.set.clone(), generation))
    }

    /// The generation of the current set (0 before the first).
    pub(crate) fn generation(&self) -> u64 {
        self.cache.borrow().generation()
    }

    /// Whether a token with `kid` should wait for keys: the cache policy would fetch now (no attempt is
    /// counted), or a fetch is in flight and the current set lacks `kid` (or there is none yet).
    pub(crate) fn fetch_due(&self, now: u64, kid: Option<&str>) -> bool {
        let cache = self.cache.borrow();
        let lacking = cache
            .current()
            .is_none_or(|c| kid.is_some_and(|k| !c.has_kid(k)));
        (lacking && self.in_flight.borrow().is_some())
            || matches!(cache.peek(now, kid), Plan::Fetch(_))
    }

    /// Makes sure there is a set, fetching when the cache policy says so (a stale set, an unknown `kid`,
    /// subject to the cooldown). Resolves when there is a set to use (possibly without `kid`); rejects with the
    /// fetch error when there is none.
    pub(crate) fn ensure(
        &self,
        now: u64,
        kid: Option<String>,
    ) -> impl std::future::Future<Output = Result<(), JsValue>> + 'static {
        let cache = self.cache.clone();
        let fetcher = self.fetcher.clone();
        let in_flight = self.in_flight.clone();
        async move {
            // Someone is fetching already: wait for it, then decide (the cooldown stops a second fetch).
            let pending = in_flight.borrow().clone();
            if let Some(p) = pending {
                let _ = JsFuture::from(p).await;
            }
            let plan = cache.borrow_mut().next(now, kid.as_deref());
            match plan {
                Plan::UseCurrent => {}
                Plan::Fail(e) => return Err(to_js_error(e)),
                Plan::Fetch(reason) => {
                    let request = cache.borrow().request_for(reason);
                    let fetch_cache = cache.clone();
                    let promise = future_to_promise(async move {
                        let result = match fetcher.send(&request).await {
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
            if cache.borrow().current().is_none() {
                return Err(to_js_error(Error::HttpError {
                    message: "the JWKS has not been fetched".into(),
                    status: None,
                }));
            }
            Ok(())
        }
    }
}

#[wasm_bindgen]
impl RemoteJwks {
    /// `new RemoteJwks(jwksUri, opts?)`
    #[wasm_bindgen(constructor)]
    pub fn new(jwks_uri: JsValue, opts: JsValue) -> JsResult<RemoteJwks> {
        let run = || -> Result<RemoteJwks, Error> {
            let uri = string_arg("jwksUri", &jwks_uri)?;
            let (fetcher, rest) = Fetcher::from_options(&opts)?;
            let o: JwksCacheConfig = options::<JwksCacheArgs>("RemoteJwks options", &rest)?.into();
            Ok(RemoteJwks::from_cache(
                JwksCache::new(&uri, o.policy()?)?,
                fetcher,
            ))
        };
        run().map_err(to_js_error)
    }

    /// `remote.getKeySet(kid?, opts?)`: the current `JwkSet`, fetching when the cache policy says so.
    #[wasm_bindgen(js_name = getKeySet)]
    pub fn get_key_set(&self, kid: JsValue, opts: JsValue) -> Promise {
        let args = (|| -> Result<(Option<String>, u64), Error> {
            let kid = if kid.is_undefined() || kid.is_null() {
                None
            } else {
                Some(string_arg("kid", &kid)?)
            };
            let o: NowOnly = options("getKeySet options", &opts)?;
            Ok((kid, now_or(o.now)))
        })();
        let this = self.share();
        future_to_promise(async move {
            let (kid, now) = args.map_err(to_js_error)?;
            this.ensure(now, kid).await?;
            let set = this.current().map(|(set, _)| set).ok_or_else(|| {
                to_js_error(Error::HttpError {
                    message: "the JWKS has not been fetched".into(),
                    status: None,
                })
            })?;
            Ok(JwkSetHandle::from(set).into())
        })
    }

    /// Not public API: a second handle on the same cache (see `convert::shared_handle`).
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> RemoteJwks {
        RemoteJwks {
            cache: self.cache.clone(),
            fetcher: self.fetcher.clone(),
            in_flight: self.in_flight.clone(),
        }
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
