//! `resumeSignIn`, the SPA session's callback step (`crate::client::PendingSignIn`): the record `signIn` kept
//! and the callback URL in, the code and what the ID token is checked against out.

use crate::client::{PendingSignIn, ProviderMetadata};
use crate::error::Error;
use crate::js::convert::{JsResult, string_arg, to_js_error, to_plain};
use crate::js::options::required_options;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The record `signIn` keeps in sessionStorage (js/session.js writes it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PendingArgs {
    state: String,
    nonce: String,
    code_verifier: String,
    max_age: Option<u64>,
}

impl From<PendingArgs> for PendingSignIn {
    fn from(a: PendingArgs) -> Self {
        PendingSignIn {
            state: a.state,
            nonce: a.nonce,
            code_verifier: a.code_verifier,
            max_age: a.max_age,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Resumed<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    nonce: &'a str,
    code_verifier: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age: Option<u64>,
}

/// `resumeSignIn(url, stored, metadata)`: `stored` is the record's JSON text, or null (text that is not a record
/// is none either); `metadata` from `discover`.
#[wasm_bindgen(js_name = resumeSignIn)]
pub fn resume_sign_in(url: JsValue, stored: JsValue, metadata: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let url = string_arg("url", &url)?;
        let metadata: ProviderMetadata = required_options("resumeSignIn metadata", &metadata)?;
        let pending = stored
            .as_string()
            .and_then(|text| serde_json::from_str::<PendingArgs>(&text).ok())
            .map(PendingSignIn::from);
        PendingSignIn::resume(pending, &url, &metadata)
    };
    let r = run().map_err(to_js_error)?;
    to_plain(&Resumed {
        code: &r.response.code,
        iss: r.response.iss.as_deref(),
        nonce: &r.pending.nonce,
        code_verifier: &r.pending.code_verifier,
        max_age: r.pending.max_age,
    })
}
