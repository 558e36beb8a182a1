//! The SPA session's exports (js/session.js uses them; spa.js does not re-export them): the tokens' rules
//! (`crate::client::session_tokens`, `crate::client::Renewal`): what is kept, what a refresh rotates, when they
//! are renewed. (What a refreshed ID token keeps is `verifyIdTokenAsync`'s `refreshes` option.)
//!
//! The session's values are JSON data (they are stored as JSON text and shared between tabs), so they cross as
//! JSON objects: `JSON.stringify` and the strict parser the token responses use, `to_plain` back. No serde
//! derive of their own: the SPA module carries no per-struct (de)serializer for them (issue 18's size target).

use crate::client::{RefreshFailure, Renewal};
use crate::error::Error;
use crate::js::convert::{JsResult, object_arg, to_js_error, to_plain};
use crate::js::http::{get, now_or};
use wasm_bindgen::prelude::*;

/// `sessionTokens(tokenSet, previous?)`: what a session keeps of a token set; with `previous` (the session's
/// tokens before a refresh that answered `tokenSet`), the rotated tokens.
#[wasm_bindgen(js_name = sessionTokens)]
pub fn session_tokens(token_set: JsValue, previous: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let next = object_arg("sessionTokens tokens", &token_set)?;
        let previous = if previous.is_undefined() {
            None
        } else {
            Some(object_arg("sessionTokens previous", &previous)?)
        };
        crate::client::session_tokens(&next, previous.as_ref())
    };
    to_plain(&run().map_err(to_js_error)?)
}

/// `sessionRenewal(expiresAt, refreshable, attempts, failure?)`: when tokens expiring at `expiresAt` (with a
/// refresh token: `refreshable`) are renewed, or, after `attempts` (0: none) consecutive failed refreshes, the last
/// of which threw `failure`, what follows — one number: a refresh in n ≥ 0 seconds, their end in n seconds as
/// −1 − n, or `Infinity` for never (no array and no strings to cross the boundary).
#[wasm_bindgen(js_name = sessionRenewal)]
pub fn session_renewal(
    expires_at: Option<f64>,
    refreshable: bool,
    attempts: u32,
    failure: JsValue,
) -> f64 {
    // sessionTokens checked it: an integer in 0..2^53.
    let expires_at = expires_at.map(|at| at as u64);
    let now = now_or(None);
    let renewal = if attempts == 0 {
        Renewal::due(expires_at, refreshable, now)
    } else {
        let failure = RefreshFailure::of(
            get(&failure, "code").as_string().as_deref(),
            get(&failure, "status").as_f64().map(|s| s as u64),
            get(&failure, "error").as_string().as_deref(),
        );
        Renewal::after_failure(expires_at, failure, attempts, now)
    };
    match renewal {
        Renewal::Never => f64::INFINITY,
        Renewal::Refresh(s) => s as f64,
        Renewal::Expire(s) => -1.0 - s as f64,
    }
}
