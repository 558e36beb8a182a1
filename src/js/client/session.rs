//! The SPA session's exports (js/session.js uses them; spa.js does not re-export them): `resumeSignIn`, the
//! callback step (`crate::client::PendingSignIn`), and the tokens' rules (`crate::client::SessionTokens`):
//! what is kept, when it is renewed, what a refresh rotates, what a refreshed ID token keeps.

use crate::client::{
    PendingSignIn, ProviderMetadata, RefreshFailure, Renewal, SessionTokens,
    check_refreshed_id_token,
};
use crate::error::Error;
use crate::js::convert::{JsResult, string_arg, to_js_error, to_plain};
use crate::js::http::{get, now_or};
use crate::js::options::{optional_integer, required_options};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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

/// A session's tokens as JS holds them: a token set from `exchangeCode` / `refreshTokens` (whose other members,
/// `raw` and `expiresIn` among them, are not kept), or what a session stored.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct TokensArgs {
    access_token: String,
    token_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
}

impl From<TokensArgs> for SessionTokens {
    fn from(t: TokensArgs) -> Self {
        SessionTokens {
            access_token: t.access_token,
            token_type: t.token_type,
            expires_at: t.expires_at,
            refresh_token: t.refresh_token,
            id_token: t.id_token,
            scope: t.scope,
        }
    }
}

impl From<SessionTokens> for TokensArgs {
    fn from(t: SessionTokens) -> Self {
        TokensArgs {
            access_token: t.access_token,
            token_type: t.token_type,
            expires_at: t.expires_at,
            refresh_token: t.refresh_token,
            id_token: t.id_token,
            scope: t.scope,
        }
    }
}

fn tokens_arg(what: &str, value: &JsValue) -> Result<SessionTokens, Error> {
    Ok(required_options::<TokensArgs>(what, value)?.into())
}

/// `sessionTokens(tokenSet)`: what a session keeps of a token set.
#[wasm_bindgen(js_name = sessionTokens)]
pub fn session_tokens(token_set: JsValue) -> JsResult<JsValue> {
    let tokens = tokens_arg("sessionTokens tokens", &token_set).map_err(to_js_error)?;
    to_plain(&TokensArgs::from(tokens))
}

/// `rotateSessionTokens(previous, refreshed)`: the session's tokens after a refresh.
#[wasm_bindgen(js_name = rotateSessionTokens)]
pub fn rotate_session_tokens(previous: JsValue, refreshed: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let previous = tokens_arg("rotateSessionTokens previous", &previous)?;
        Ok(previous.rotated(tokens_arg("rotateSessionTokens refreshed", &refreshed)?))
    };
    to_plain(&TokensArgs::from(run().map_err(to_js_error)?))
}

#[derive(Serialize)]
struct RenewalOut {
    renew: &'static str,
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    after: Option<u64>,
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
    to_plain(&RenewalOut { renew, after })
}

/// `checkRefreshedIdToken(original, refreshed)`: the claims of the session's ID token and of the refreshed one.
#[wasm_bindgen(js_name = checkRefreshedIdToken)]
pub fn check_refreshed(original: JsValue, refreshed: JsValue) -> JsResult<()> {
    let run = || -> Result<_, Error> {
        let original: Map<String, Value> =
            required_options("checkRefreshedIdToken original", &original)?;
        let refreshed: Map<String, Value> =
            required_options("checkRefreshedIdToken refreshed", &refreshed)?;
        check_refreshed_id_token(&original, &refreshed)
    };
    run().map_err(to_js_error)
}
