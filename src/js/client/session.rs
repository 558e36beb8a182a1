//! The SPA session's exports (js/session.js uses them; spa.js does not re-export them): `resumeSignIn`, the
//! callback step (`crate::client::PendingSignIn`), and the tokens' rules (`crate::client::SessionTokens`):
//! what is kept, what a refresh rotates, when they are renewed, what a refreshed ID token keeps.
//!
//! The session's values are JSON data (they are stored as JSON text and shared between tabs), so they cross as
//! JSON objects: `JSON.stringify` and the strict parser the token responses use, `to_plain` back. No serde
//! derive of their own: the SPA module carries no per-struct (de)serializer for them (issue 18's size target).

use crate::client::{
    PendingSignIn, ProviderMetadata, RefreshFailure, Renewal, SessionTokens,
    check_refreshed_id_token,
};
use crate::error::Error;
use crate::jose::json::parse_object;
use crate::js::convert::{JsResult, string_arg, stringify, to_js_error, to_plain};
use crate::js::http::{get, now_or};
use crate::js::options::{optional_integer, required_options};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

/// A JS object as a JSON object. Errors: `invalid_request` naming `what` for anything else.
fn object_arg(what: &str, value: &JsValue) -> Result<Map<String, Value>, Error> {
    stringify(value)
        .and_then(|text| parse_object(&text).ok())
        .ok_or_else(|| Error::InvalidRequest(format!("{what} must be an object")))
}

/// The members of one of the session's JSON objects, read by type.
struct Members<'a> {
    what: &'a str,
    map: Map<String, Value>,
}

impl Members<'_> {
    /// A string member; absent or null is `None`. Errors: `invalid_request` for another type.
    fn text(&self, name: &str) -> Result<Option<String>, Error> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// A required string member.
    fn required(&self, name: &str) -> Result<String, Error> {
        self.text(name)?.ok_or_else(|| self.wrong(name, "a string"))
    }

    /// An integer member in 0..2^53; absent or null is `None`.
    fn integer(&self, name: &str) -> Result<Option<u64>, Error> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .filter(|n| *n < 1 << 53)
                .map(Some)
                .ok_or_else(|| self.wrong(name, "an integer")),
        }
    }

    fn wrong(&self, name: &str, expected: &str) -> Error {
        Error::InvalidRequest(format!("{}.{name} must be {expected}", self.what))
    }
}

/// Members whose value is present, as a JS object.
fn plain(members: impl IntoIterator<Item = (&'static str, Option<Value>)>) -> JsResult<JsValue> {
    // Inserted one by one: collecting a map sorts its entries first (a stable sort the module has no other use for).
    let mut map = Map::new();
    for (name, value) in members {
        if let Some(value) = value {
            map.insert(name.to_owned(), value);
        }
    }
    to_plain(&map)
}

/// The record `signIn` keeps in sessionStorage (js/session.js writes it); text that is not one is none.
fn pending_record(text: &str) -> Option<PendingSignIn> {
    let m = Members {
        what: "the sign-in record",
        map: parse_object(text).ok()?,
    };
    Some(PendingSignIn {
        state: m.required("state").ok()?,
        nonce: m.required("nonce").ok()?,
        code_verifier: m.required("codeVerifier").ok()?,
        max_age: m.integer("maxAge").ok()?,
    })
}

/// `resumeSignIn(url, stored, metadata)`: `stored` is the record's JSON text, or null (text that is not a record
/// is none either); `metadata` from `discover`.
#[wasm_bindgen(js_name = resumeSignIn)]
pub fn resume_sign_in(url: JsValue, stored: JsValue, metadata: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let url = string_arg("url", &url)?;
        let metadata: ProviderMetadata = required_options("resumeSignIn metadata", &metadata)?;
        let pending = stored.as_string().as_deref().and_then(pending_record);
        PendingSignIn::resume(pending, &url, &metadata)
    };
    let r = run().map_err(to_js_error)?;
    plain([
        ("code", Some(r.response.code.into())),
        ("iss", r.response.iss.map(Value::from)),
        ("nonce", Some(r.pending.nonce.into())),
        ("codeVerifier", Some(r.pending.code_verifier.into())),
        ("maxAge", r.pending.max_age.map(Value::from)),
    ])
}

/// A session's tokens as JS holds them: a token set from `exchangeCode` / `refreshTokens` (whose other members,
/// `raw` and `expiresIn` among them, are not kept), or what a session stored.
fn tokens_arg(what: &str, value: &JsValue) -> Result<SessionTokens, Error> {
    let m = Members {
        what,
        map: object_arg(what, value)?,
    };
    Ok(SessionTokens {
        access_token: m.required("accessToken")?,
        token_type: m.required("tokenType")?,
        expires_at: m.integer("expiresAt")?,
        refresh_token: m.text("refreshToken")?,
        id_token: m.text("idToken")?,
        scope: m.text("scope")?,
    })
}

/// `sessionTokens(tokenSet, previous?)`: what a session keeps of a token set; with `previous` (the session's
/// tokens before a refresh that answered `tokenSet`), the rotated tokens.
#[wasm_bindgen(js_name = sessionTokens)]
pub fn session_tokens(token_set: JsValue, previous: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let tokens = tokens_arg("sessionTokens tokens", &token_set)?;
        if previous.is_undefined() {
            return Ok(tokens);
        }
        Ok(tokens_arg("sessionTokens previous", &previous)?.rotated(tokens))
    };
    let t = run().map_err(to_js_error)?;
    plain([
        ("accessToken", Some(t.access_token.into())),
        ("tokenType", Some(t.token_type.into())),
        ("expiresAt", t.expires_at.map(Value::from)),
        ("refreshToken", t.refresh_token.map(Value::from)),
        ("idToken", t.id_token.map(Value::from)),
        ("scope", t.scope.map(Value::from)),
    ])
}

/// `sessionRenewal(tokens, now?, failure?, attempts?)`: `{ renew: "never" }`, or `{ renew: "refresh" | "expire",
/// in: seconds }`: when the tokens are due, or, with `failure` (what the `attempts`-th consecutive refresh threw,
/// default 1), what follows it.
#[wasm_bindgen(js_name = sessionRenewal)]
pub fn session_renewal(
    tokens: JsValue,
    now: JsValue,
    failure: JsValue,
    attempts: JsValue,
) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let now = now_or(optional_integer("sessionRenewal now", &now)?);
        let tokens = tokens_arg("sessionRenewal tokens", &tokens)?;
        if failure.is_undefined() {
            return Ok(tokens.renewal(now));
        }
        let attempts = optional_integer("sessionRenewal attempts", &attempts)?.unwrap_or(1);
        let failure = RefreshFailure::of(
            get(&failure, "code").as_string().as_deref(),
            get(&failure, "status").as_f64().map(|s| s as u64),
            get(&failure, "error").as_string().as_deref(),
        );
        Ok(tokens.after_failure(failure, u32::try_from(attempts).unwrap_or(u32::MAX), now))
    };
    let (renew, after) = match run().map_err(to_js_error)? {
        Renewal::Never => ("never", None),
        Renewal::Refresh(s) => ("refresh", Some(s)),
        Renewal::Expire(s) => ("expire", Some(s)),
    };
    plain([
        ("renew", Some(renew.into())),
        ("in", after.map(Value::from)),
    ])
}

/// `checkRefreshedIdToken(original, refreshed)`: the claims of the session's ID token and of the refreshed one.
#[wasm_bindgen(js_name = checkRefreshedIdToken)]
pub fn check_refreshed(original: JsValue, refreshed: JsValue) -> JsResult<()> {
    let run = || -> Result<_, Error> {
        let original = object_arg("checkRefreshedIdToken original", &original)?;
        let refreshed = object_arg("checkRefreshedIdToken refreshed", &refreshed)?;
        check_refreshed_id_token(&original, &refreshed)
    };
    run().map_err(to_js_error)
}
