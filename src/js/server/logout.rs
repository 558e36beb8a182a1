//! The `parseLogoutRequest` export: the logout token of a back-channel logout POST; `unverifiedIssuer`, which
//! chooses the issuer whose verifier checks it; `sessionLogoutKeys` and `isEndedBySessionLogout`, the rule that
//! refuses the tokens of ended sessions. Conversions only: the rules are in `crate::server` (logout) and
//! `crate::jose`.

use crate::error::{Error, quote};
use crate::jose::{DEFAULT_MAX_TOKEN_LENGTH, UnverifiedJws};
use crate::js::convert::{JsResult, long_string, to_js_error, type_name};
use crate::js::http::now_or;
use crate::js::options::{Fields, optional_integer};
use crate::server::{
    MAX_LOGOUT_REQUEST_LEN, ended_by_session_logout, older_than_logout_retention,
    parse_logout_request, session_logout_keys,
};
use js_sys::{Array, Reflect};
use serde_json::{Map, Number, Value};
use wasm_bindgen::prelude::*;

/// `parseLogoutRequest(body, contentType)`: the `logout_token` of the request body.
#[wasm_bindgen(js_name = parseLogoutRequest)]
pub fn parse_logout_request_js(body: JsValue, content_type: JsValue) -> JsResult<String> {
    let run = || -> Result<String, Error> {
        // Refused before it is copied into wasm: a UTF-16 length over the cap is a UTF-8 one over it too.
        if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
            if text.length() as usize > MAX_LOGOUT_REQUEST_LEN {
                return Err(Error::InvalidRequest(format!(
                    "the logout request body is longer than {MAX_LOGOUT_REQUEST_LEN} bytes"
                )));
            }
        }
        let body = long_string(&body).ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the logout request body must be a string, found {}",
                type_name(&body)
            ))
        })?;
        let content_type = match content_type.as_string() {
            Some(ct) => Some(ct),
            None if content_type.is_undefined() || content_type.is_null() => None,
            None => {
                return Err(Error::InvalidRequest(format!(
                    "contentType must be a string, found {}",
                    type_name(&content_type)
                )));
            }
        };
        parse_logout_request(&body, content_type.as_deref())
    };
    run().map_err(to_js_error)
}

/// `unverifiedIssuer(token)`: the `iss` a compact JWS claims, nothing verified (`undefined` when it has no
/// string `iss`, is not a string, or is longer than the default `maxTokenLength`).
#[wasm_bindgen(js_name = unverifiedIssuer)]
pub fn unverified_issuer_js(token: JsValue) -> Option<String> {
    // Refused before it is copied into wasm, as the peek itself would refuse it.
    let text = token.dyn_ref::<js_sys::JsString>()?;
    if text.length() as usize > DEFAULT_MAX_TOKEN_LENGTH {
        return None;
    }
    UnverifiedJws::peek_issuer(&String::from(text))
}

/// The `sid`, `sub` and `iat` members of a claims object, as the core reads them: only those are read (no
/// `JSON.stringify` of the whole object); a member of another type is kept as `null`, which the rule ignores.
fn session_claims(claims: &JsValue) -> Result<Map<String, Value>, Error> {
    if !claims.is_object() || Array::is_array(claims) {
        return Err(Error::InvalidRequest(format!(
            "claims must be an object, found {}",
            type_name(claims)
        )));
    }
    let mut map = Map::new();
    for name in ["sid", "sub", "iat"] {
        let value = Reflect::get(claims, &JsValue::from_str(name))
            .map_err(|_| Error::InvalidRequest(format!("claims.{name} cannot be read")))?;
        let json = match (value.as_string(), value.as_f64()) {
            (Some(text), _) => Value::String(text),
            // NaN and ±Infinity are no time: read as a missing iat
            (None, Some(n)) => Number::from_f64(n).map_or(Value::Null, Value::Number),
            (None, None) => Value::Null,
        };
        map.insert(name.to_owned(), json);
    }
    Ok(map)
}

/// `sessionLogoutKeys(claims)`: the store keys of a logout token's or an access token's `sid` and `sub`.
#[wasm_bindgen(js_name = sessionLogoutKeys)]
pub fn session_logout_keys_js(claims: JsValue) -> JsResult<Array> {
    let claims = session_claims(&claims).map_err(to_js_error)?;
    Ok(session_logout_keys(&claims)
        .iter()
        .map(|key| JsValue::from_str(key))
        .collect())
}

/// `isEndedBySessionLogout(claims, logoutTimes, options?)`: whether a token's session was ended by a back-channel
/// logout, `logoutTimes` (a `Map` or a plain object) holding the logout time recorded under each key, if any;
/// with `options.retention`, also whether the token predates the window in which logouts are kept.
#[wasm_bindgen(js_name = isEndedBySessionLogout)]
pub fn is_ended_by_session_logout_js(
    claims: JsValue,
    logout_times: JsValue,
    options: JsValue,
) -> JsResult<bool> {
    let run = || -> Result<bool, Error> {
        let mut f = Fields::optional(
            "isEndedBySessionLogout options",
            &options,
            &["retention", "now"],
        )?;
        let retention: Option<u64> = f.take("retention")?;
        let now = now_or(f.take("now")?);
        let claims = session_claims(&claims)?;
        if !logout_times.is_object() || Array::is_array(&logout_times) {
            return Err(Error::InvalidRequest(format!(
                "logoutTimes must be a Map or an object, found {}",
                type_name(&logout_times)
            )));
        }
        let map = logout_times.dyn_ref::<js_sys::Map>();
        // Every time the rule may read is checked first, so that a bad store value is an error, never "not ended".
        let mut times = Vec::new();
        for key in session_logout_keys(&claims) {
            let name = JsValue::from_str(&key);
            let value = match map {
                Some(map) => map.get(&name),
                None => Reflect::get(&logout_times, &name).map_err(|_| {
                    Error::InvalidRequest(format!("logoutTimes[{}] cannot be read", quote(&key)))
                })?,
            };
            if let Some(at) = optional_integer(&format!("logoutTimes[{}]", quote(&key)), &value)? {
                times.push((key, at));
            }
        }
        Ok(ended_by_session_logout(&claims, |key| {
            times.iter().find(|(k, _)| k == key).map(|(_, at)| *at)
        }) || retention.is_some_and(|r| older_than_logout_retention(&claims, now, r)))
    };
    run().map_err(to_js_error)
}
