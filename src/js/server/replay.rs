//! The replay store from JS: the `ReplayCache` export (the core's `MemoryReplayStore`) and the
//! `replayStore` option, which takes a `ReplayCache` or any object with `checkAndRemember(key, expiresAt)`
//! answering a boolean or a Promise of one. Conversions only: the rules are in `crate::server` (replay).

use crate::error::{Error, cap};
use crate::js::convert::{JsResult, shared_handle, to_js_error};
use crate::js::http::now_or;
use crate::js::options::{Fields, integer};
use crate::server::{MemoryReplayStore, ReplayEntry, ReplayStore, ReplayStoreConfig, replayed};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The longest key `checkAndRemember` takes from a caller (the library's own keys are 50 bytes).
const MAX_KEY_LEN: usize = 1024;

/// `ReplayCache`: the in-memory replay store, shared by every verifier it is given to.
#[wasm_bindgen(js_name = ReplayCache)]
pub struct ReplayCache {
    store: Rc<RefCell<MemoryReplayStore>>,
}

#[wasm_bindgen(js_class = ReplayCache)]
impl ReplayCache {
    /// `new ReplayCache({ maxEntries? })`
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<ReplayCache> {
        Fields::optional("ReplayCache options", &opts, &["maxEntries"])
            .and_then(|mut f| f.take("maxEntries"))
            .and_then(|max_entries| MemoryReplayStore::new(ReplayStoreConfig { max_entries }))
            .map(|store| ReplayCache {
                store: Rc::new(RefCell::new(store)),
            })
            .map_err(to_js_error)
    }

    /// `checkAndRemember(key, expiresAt, now?)`: `true` the first time `key` is seen before `expiresAt`.
    #[wasm_bindgen(js_name = checkAndRemember)]
    pub fn check_and_remember(
        &self,
        key: JsValue,
        expires_at: JsValue,
        now: JsValue,
    ) -> JsResult<bool> {
        let seconds = |what: &str, v: &JsValue| integer(what, v.as_f64().unwrap_or(f64::NAN));
        let run = || -> Result<bool, Error> {
            let key = key
                .as_string()
                .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
                .ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "checkAndRemember's key must be a string of 1..={MAX_KEY_LEN} bytes"
                    ))
                })?;
            let expires_at = seconds("expiresAt", &expires_at)?;
            let now = if now.is_undefined() {
                now_or(None)
            } else {
                seconds("now", &now)?
            };
            self.store
                .borrow_mut()
                .check_and_remember(&key, expires_at, now)
        };
        run().map_err(to_js_error)
    }

    /// How many tokens it remembers (expired ones until the next check drops them).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.store.borrow().len()
    }

    /// A handle on the same store, to be consumed by an options object.
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> ReplayCache {
        ReplayCache {
            store: self.store.clone(),
        }
    }
}

/// A verifier's replay store: its own `ReplayCache`, or the caller's object.
#[derive(Clone)]
pub enum ReplayHandle {
    Memory(Rc<RefCell<MemoryReplayStore>>),
    /// The object, and its `checkAndRemember`.
    Js(JsValue, Function),
}

const STORE_SHAPE: &str =
    "replayStore must be a ReplayCache or an object with a checkAndRemember(key, expiresAt) method";

impl ReplayHandle {
    /// The `replayStore` option: absent is a fresh default `ReplayCache` (per verifier).
    ///
    /// Errors: `invalid_request` for anything else than a `ReplayCache` or an object with the method.
    pub fn from_option(value: &JsValue) -> Result<Self, Error> {
        if value.is_undefined() {
            let store = MemoryReplayStore::new(ReplayStoreConfig::default())?;
            return Ok(ReplayHandle::Memory(Rc::new(RefCell::new(store))));
        }
        if let Some(cache) = shared_handle::<ReplayCache>(value) {
            return Ok(ReplayHandle::Memory(cache.store));
        }
        let method = value
            .is_object()
            .then(|| Reflect::get(value, &JsValue::from_str("checkAndRemember")).ok())
            .flatten()
            .and_then(|m| m.dyn_into::<Function>().ok())
            .ok_or_else(|| Error::InvalidRequest(STORE_SHAPE.into()))?;
        Ok(ReplayHandle::Js(value.clone(), method))
    }

    /// Calls the caller's store: what it returned, or the failure as the error that refuses the token.
    fn call(this: &JsValue, method: &Function, entry: &ReplayEntry) -> Result<JsValue, Error> {
        method
            .call2(
                this,
                &JsValue::from_str(&entry.key),
                &JsValue::from_f64(entry.expires_at as f64),
            )
            .map_err(store_failed)
    }

    /// The replay check where the store answers at once. Errors: `token_replayed` (a replay, or the store
    /// threw), `invalid_request` when it answered a Promise (only the Async methods await one) or no boolean.
    pub fn check_sync(&self, entry: &ReplayEntry, now: u64) -> Result<(), Error> {
        match self {
            ReplayHandle::Memory(store) => entry.check(&mut *store.borrow_mut(), now),
            ReplayHandle::Js(this, method) => {
                let answer = Self::call(this, method, entry)?;
                if answer.is_instance_of::<Promise>() {
                    return Err(Error::InvalidRequest(
                        "replayStore.checkAndRemember returned a Promise: use the Async method"
                            .into(),
                    ));
                }
                verdict(&answer)
            }
        }
    }

    /// The replay check, awaiting the store's Promise when it returns one. Errors: as [`Self::check_sync`],
    /// a rejection being `token_replayed`.
    pub async fn check_async(&self, entry: &ReplayEntry, now: u64) -> Result<(), Error> {
        match self {
            ReplayHandle::Memory(_) => self.check_sync(entry, now),
            ReplayHandle::Js(this, method) => {
                let answer = Self::call(this, method, entry)?;
                let answer = match answer.dyn_into::<Promise>() {
                    Ok(promise) => JsFuture::from(promise).await.map_err(store_failed)?,
                    Err(value) => value,
                };
                verdict(&answer)
            }
        }
    }
}

/// `true` is a new token, `false` a replay; anything else breaks the store's contract.
fn verdict(answer: &JsValue) -> Result<(), Error> {
    match answer.as_bool() {
        Some(true) => Ok(()),
        Some(false) => Err(replayed()),
        None => Err(Error::InvalidRequest(
            "replayStore.checkAndRemember must answer true (new) or false (replay)".into(),
        )),
    }
}

/// A store that threw or rejected could not check the token: it is refused (fail closed).
fn store_failed(e: JsValue) -> Error {
    let said = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_default();
    Error::TokenReplayed(format!(
        "the replay store failed, so the token could not be checked and is refused: {}",
        cap(&said)
    ))
}
