//! Exports for the authorization and logout URLs (`crate::client::authorize`, `crate::client::par`'s URL after a
//! push): the camelCase argument structs, read in one pass and turned into the core's typed requests.

use crate::client::{AuthorizeRequest, EndSessionRequest, PushedAuthorizeUrl};
use crate::error::Error;
use crate::js::convert::{JsResult, to_js_error};
use crate::js::options::Fields;
use crate::wire::OneOrMany;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// An authorization request as JS gives it (see [`AuthorizeRequest`]); also the request part of a push.
pub struct AuthorizeArgs;

impl AuthorizeArgs {
    /// Its members, camelCase.
    const NAMES: &'static [&'static str] = &[
        "authorizationEndpoint",
        "clientId",
        "redirectUri",
        "scope",
        "state",
        "nonce",
        "codeChallenge",
        "codeChallengeMethod",
        "responseType",
        "responseMode",
        "prompt",
        "loginHint",
        "maxAge",
        "acrValues",
        "resource",
        "extraParams",
        "dpopJkt",
    ];

    /// Reads `value` (see [`Fields`]) into the core's request.
    pub fn read(what: &str, value: &JsValue) -> Result<AuthorizeRequest, Error> {
        let mut f = Fields::new(what, value, Self::NAMES)?;
        let endpoint = f.take("authorizationEndpoint")?.unwrap_or_default();
        let client_id: String = f.need("clientId")?;
        let redirect_uri: String = f.need("redirectUri")?;
        let scope: OneOrMany = f.need("scope")?;
        let state: String = f.need("state")?;
        Ok(AuthorizeRequest {
            authorization_endpoint: endpoint,
            nonce: f.take("nonce")?,
            code_challenge: f.take("codeChallenge")?,
            code_challenge_method: f.take("codeChallengeMethod")?,
            response_type: f.take("responseType")?,
            response_mode: f.take("responseMode")?,
            prompt: f.take("prompt")?,
            login_hint: f.take("loginHint")?,
            max_age: f.take("maxAge")?,
            acr_values: f.take("acrValues")?,
            resource: f.take("resource")?,
            extra_params: f.take("extraParams")?,
            dpop_jkt: f.take("dpopJkt")?,
            ..AuthorizeRequest::new(client_id, redirect_uri, scope, state)
        })
    }
}

/// `buildAuthorizeUrl`'s request after a push (see [`PushedAuthorizeUrl`]).
fn read_pushed_url(what: &str, value: &JsValue) -> Result<PushedAuthorizeUrl, Error> {
    let mut f = Fields::new(
        what,
        value,
        &["authorizationEndpoint", "clientId", "requestUri"],
    )?;
    Ok(PushedAuthorizeUrl {
        authorization_endpoint: f.need("authorizationEndpoint")?,
        client_id: f.need("clientId")?,
        request_uri: f.need("requestUri")?,
    })
}

/// `buildEndSessionUrl`'s request (see [`EndSessionRequest`]).
fn read_end_session(what: &str, value: &JsValue) -> Result<EndSessionRequest, Error> {
    let names = &[
        "endSessionEndpoint",
        "idTokenHint",
        "postLogoutRedirectUri",
        "state",
        "clientId",
        "logoutHint",
        "uiLocales",
    ];
    let mut f = Fields::new(what, value, names)?;
    let endpoint: String = f.need("endSessionEndpoint")?;
    Ok(EndSessionRequest {
        id_token_hint: f.take("idTokenHint")?,
        post_logout_redirect_uri: f.take("postLogoutRedirectUri")?,
        state: f.take("state")?,
        client_id: f.take("clientId")?,
        logout_hint: f.take("logoutHint")?,
        ui_locales: f.take("uiLocales")?,
        ..EndSessionRequest::new(endpoint)
    })
}

/// `buildAuthorizeUrl(req)`
#[wasm_bindgen(js_name = buildAuthorizeUrl)]
pub fn build_authorize_url(req: JsValue) -> JsResult<String> {
    let what = "buildAuthorizeUrl request";
    // After a push (RFC 9126 §4) the URL carries client_id and request_uri alone.
    let pushed = req.is_object() && Reflect::has(&req, &"requestUri".into()).unwrap_or(false);
    if pushed {
        read_pushed_url(what, &req).and_then(|r| r.build())
    } else {
        AuthorizeArgs::read(what, &req).and_then(|r| r.build())
    }
    .map_err(to_js_error)
}

/// `buildEndSessionUrl(req)`
#[wasm_bindgen(js_name = buildEndSessionUrl)]
pub fn build_end_session_url(req: JsValue) -> JsResult<String> {
    read_end_session("buildEndSessionUrl request", &req)
        .and_then(|r| r.build())
        .map_err(to_js_error)
}

/// What `parseStepUpChallenge` gives: the members to spread into `buildAuthorizeUrl`'s request.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct StepUpArgs {
    #[serde(skip_serializing_if = "Option::is_none")]
    acr_values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age: Option<u64>,
}

/// `parseStepUpChallenge(wwwAuthenticate)`: `{ acrValues?, maxAge? }` for an RFC 9470 challenge, else `null`.
#[wasm_bindgen(js_name = parseStepUpChallenge)]
pub fn parse_step_up_challenge(header: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, crate::error::Error> {
        let header = crate::js::convert::string_arg("wwwAuthenticate", &header)?;
        crate::client::parse_step_up_challenge(&header)
    };
    match run().map_err(to_js_error)? {
        None => Ok(JsValue::NULL),
        Some(up) => crate::js::convert::to_plain(&StepUpArgs {
            acr_values: up.acr_values,
            max_age: up.max_age,
        }),
    }
}
