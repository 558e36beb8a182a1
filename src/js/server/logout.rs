//! The `parseLogoutRequest` export: the logout token of a back-channel logout POST; `unverifiedIssuer`, which
//! chooses the issuer whose verifier checks it. Conversions only: the rules are in `crate::server` (logout) and
//! `crate::jose`.

use crate::error::Error;
use crate::jose::{DEFAULT_MAX_TOKEN_LENGTH, UnverifiedJws};
use crate::js::convert::{JsResult, long_string, to_js_error, type_name};
use crate::server::{MAX_LOGOUT_REQUEST_LEN, parse_logout_request};
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
