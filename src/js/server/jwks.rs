//! `RemoteJwks`: the core's JWKS cache policy (`jwks_cache`) driven with `fetch`. Concurrent callers share
//! one fetch in flight: awaiting its promise, or (the edge guard's, `requestScoped`) polling the cache on their
//! own timers until it lands. The cache holds the parsed `JwkSet`, which a `TokenVerifier` or an edge guard built on
//! this object reads at each verification (no copy of the keys: a `JwkSet` shares them).

use super::config::{JWKS_CACHE, jwks_cache};
use crate::error::Error;
use crate::jose::JwkSet;
use crate::js::convert::{JsResult, promise, string_arg, to_js_error, type_name};
use crate::js::http::{Fetcher, now_or, pause, split_options};
use crate::js::jose::JwkSetHandle;
use crate::js::options::{Fields, now_only};
use crate::server::{FetchReason, JwksCache, Plan};
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A JWK set fetched from a fixed `jwks_uri` and cached (see the core's `jwks_cache`).
#[wasm_bindgen]
pub struct RemoteJwks {
    cache: Rc<RefCell<JwksCache>>,
    fetcher: Fetcher,
    in_flight: Rc<RefCell<Option<Promise>>>,
    /// Whether a caller awaits a fetch in flight (`RemoteJwks`, `TokenVerifier`); the edge guard's (and
    /// `requestScoped`'s) never does: in Workers that promise belongs to another request's I/O context
    /// (jose#355, cfworker#226). It polls the cache instead ([`JwksCache::next_polling`]).
    shares_in_flight: bool,
}

impl RemoteJwks {
    /// A remote set around a core cache.
    pub(crate) fn from_cache(cache: JwksCache, fetcher: Fetcher) -> Self {
        RemoteJwks {
            cache: Rc::new(RefCell::new(cache)),
            fetcher,
            in_flight: Rc::new(RefCell::new(None)),
            shares_in_flight: true,
        }
    }

    /// The edge guard's (and `requestScoped: true`'s): a request never awaits another request's fetch. While
    /// one is in flight and the set lacks what it needs, it checks the cache again every [`POLL_MS`] on its own
    /// timers until that fetch lands or is presumed lost, then decides (fetching itself when the cache policy
    /// allows; the cooldown counts every request's attempts).
    pub(crate) fn for_edge(cache: JwksCache, fetcher: Fetcher) -> Self {
        RemoteJwks {
            shares_in_flight: false,
            ..RemoteJwks::from_cache(cache, fetcher)
        }
    }

    /// The current set and its generation, when there is one (no fetch).
    pub(crate) fn current(&self) -> Option<(JwkSet, u64)> {
        let cache = self.cache.borrow();
        let generation = cache.generation();
        cache.current().map(|c| (c.set.clone(), generation))
    }

    /// When the current set stops being fresh.
    pub(crate) fn fresh_until(&self) -> Option<u64> {
        self.cache.borrow().fresh_until()
    }

    /// How many fetches gave a good set, and how many failed.
    pub(crate) fn fetch_counts(&self) -> (u64, u64) {
        self.cache.borrow().fetch_counts()
    }

    /// Whether there is a set (a fetch succeeded once).
    pub(crate) fn has_set(&self) -> bool {
        self.cache.borrow().current().is_some()
    }

    /// The generation of the current set (0 before the first).
    pub(crate) fn generation(&self) -> u64 {
        self.cache.borrow().generation()
    }

    /// Whether a token with `kid` should wait for keys: the cache policy would fetch now (no attempt is
    /// counted), or a fetch is in flight and the current set lacks `kid` (or there is none yet).
    pub(crate) fn fetch_due(&self, now: u64, kid: Option<&str>) -> bool {
        let cache = self.cache.borrow();
        if !self.shares_in_flight {
            let plan = cache.peek_polling(now, kid, self.fetcher.timeout());
            return matches!(plan, Plan::Fetch(_) | Plan::Wait);
        }
        let lacking = cache
            .current()
            .is_none_or(|c| kid.is_some_and(|k| !c.has_kid(k)));
        (lacking && self.in_flight.borrow().is_some())
            || matches!(cache.peek(now, kid), Plan::Fetch(_))
    }

    /// Makes sure there is a set, fetching when the cache policy says so (a stale set, an unknown `kid`,
    /// subject to the cooldown). Resolves when there is a set to use (possibly without `kid`); fails with the
    /// fetch's error when there is none.
    ///
    /// Concurrent callers share the fetch in flight, but wait for it at most the fetch timeout on their own
    /// clock: in workerd a promise made by another request may never settle for this one (that request was
    /// cancelled, and its timers with it). A wait that runs out forgets that fetch and decides afresh.
    /// The edge guard's ([`RemoteJwks::for_edge`]) never awaits it: it polls the cache on its own timers.
    pub(crate) fn ensure(
        &self,
        now: u64,
        kid: Option<String>,
    ) -> impl std::future::Future<Output = Result<(), Error>> + 'static {
        let cache = self.cache.clone();
        let fetcher = self.fetcher.clone();
        let in_flight = self.in_flight.clone();
        let shares = self.shares_in_flight;
        async move {
            let (plan, now) = if shares {
                // Someone is fetching already: wait for it, then decide (the cooldown stops a second fetch).
                let pending = in_flight.borrow().clone();
                if let Some(p) = pending {
                    if !fetcher.settles_in_time(&p).await {
                        forget(&in_flight, &p);
                    }
                }
                (cache.borrow_mut().next(now, kid.as_deref()), now)
            } else {
                poll(&cache, &fetcher, now, kid.as_deref()).await
            };
            match plan {
                // A Wait left over (no timer to poll with): decide with the set there is.
                Plan::UseCurrent | Plan::Wait => {}
                Plan::Fail(e) => return Err(e),
                Plan::Fetch(reason) => {
                    let request = cache.borrow().request_for(reason);
                    let fetch_cache = cache.clone();
                    // The outcome is the cache's to keep (the set, or the error); the promise only says "done".
                    let fetch = promise(async move {
                        let _ = match fetcher.send(&request).await {
                            Ok(res) => fetch_cache.borrow_mut().on_response(now, &res),
                            Err(e) => fetch_cache.borrow_mut().on_failure(now, e),
                        };
                        Ok(JsValue::UNDEFINED)
                    });
                    *in_flight.borrow_mut() = Some(fetch.clone());
                    let _ = JsFuture::from(fetch.clone()).await;
                    forget(&in_flight, &fetch);
                }
            }
            let cache = cache.borrow();
            match (cache.current(), cache.last_error()) {
                (Some(_), _) => Ok(()),
                // Keep serving the last good set; without one, the fetch error is the answer.
                (None, Some(e)) => Err(e.clone()),
                (None, None) => Err(Error::HttpError {
                    message: "the JWKS has not been fetched".into(),
                    status: None,
                }),
            }
        }
    }
}

impl RemoteJwks {
    /// A background refresh when one is due ([`JwksCache::next_refresh`]) and no fetch is in flight: the
    /// fetch's Promise (resolving when the cache took the answer, never rejecting), for `ctx.waitUntil`.
    pub(crate) fn refresh(&self, now: u64) -> Option<Promise> {
        if self.in_flight.borrow().is_some() || !self.cache.borrow_mut().next_refresh(now) {
            return None;
        }
        let request = self.cache.borrow().request_for(FetchReason::Expired);
        let cache = self.cache.clone();
        let fetcher = self.fetcher.clone();
        let in_flight = self.in_flight.clone();
        let fetch = promise(async move {
            let _ = match fetcher.send(&request).await {
                Ok(res) => cache.borrow_mut().on_response(now, &res),
                Err(e) => cache.borrow_mut().on_failure(now, e),
            };
            Ok(JsValue::UNDEFINED)
        });
        *self.in_flight.borrow_mut() = Some(fetch.clone());
        let done = fetch.clone();
        // The slot is cleared once it settles, so that later requests do not wait on it.
        Some(promise(async move {
            let _ = JsFuture::from(done.clone()).await;
            forget(&in_flight, &done);
            Ok(JsValue::UNDEFINED)
        }))
    }
}

/// How often a caller that finds someone else's fetch in flight looks at the cache again.
const POLL_MS: u32 = 25;

/// [`JwksCache::next_polling`] until it says something else than `Wait`, sleeping [`POLL_MS`] on this caller's
/// own timers in between: the plan and the time it was made at (`now` advanced by the time slept). `Wait` only
/// when there is no timer to sleep on.
async fn poll(
    cache: &RefCell<JwksCache>,
    fetcher: &Fetcher,
    now: u64,
    kid: Option<&str>,
) -> (Plan, u64) {
    let start = js_sys::Date::now();
    loop {
        let elapsed = ((js_sys::Date::now() - start) / 1000.0).max(0.0) as u64;
        let at = now.saturating_add(elapsed);
        let plan = cache.borrow_mut().next_polling(at, kid, fetcher.timeout());
        if !matches!(plan, Plan::Wait) || !pause(POLL_MS).await {
            return (plan, at);
        }
    }
}

/// Clears the fetch in flight if it is still `promise` (a newer one stays).
fn forget(in_flight: &RefCell<Option<Promise>>, promise: &Promise) {
    let mut slot = in_flight.borrow_mut();
    if slot
        .as_ref()
        .is_some_and(|p| js_sys::Object::is(p, promise))
    {
        *slot = None;
    }
}

#[wasm_bindgen]
impl RemoteJwks {
    /// `new RemoteJwks(jwksUri, opts?)`; `requestScoped: true` is [`RemoteJwks::for_edge`]'s way.
    #[wasm_bindgen(constructor)]
    pub fn new(jwks_uri: JsValue, opts: JsValue) -> JsResult<RemoteJwks> {
        let run = || -> Result<RemoteJwks, Error> {
            let uri = string_arg("jwksUri", &jwks_uri)?;
            let (fetcher, rest) = Fetcher::from_options(&opts)?;
            let (rest, scoped) = split_options(&rest, &["requestScoped"]);
            let request_scoped = match scoped.first().filter(|v| !v.is_undefined()) {
                None => false,
                Some(v) => v.as_bool().ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "RemoteJwks options.requestScoped must be a boolean, found {}",
                        type_name(v)
                    ))
                })?,
            };
            let o = jwks_cache(Fields::optional("RemoteJwks options", &rest, JWKS_CACHE)?)?;
            let cache = JwksCache::new(&uri, o.policy()?)?;
            Ok(if request_scoped {
                RemoteJwks::for_edge(cache, fetcher)
            } else {
                RemoteJwks::from_cache(cache, fetcher)
            })
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
            Ok((kid, now_or(now_only("getKeySet options", &opts)?)))
        })();
        let this = self.share();
        promise(async move {
            let (kid, now) = args.map_err(to_js_error)?;
            this.ensure(now, kid).await.map_err(to_js_error)?;
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
            shares_in_flight: self.shares_in_flight,
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
