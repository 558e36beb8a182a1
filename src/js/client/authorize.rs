//! Exports for the authorization and logout URLs (`crate::client::authorize`, `crate::client::par`'s URL after a
//! push): the camelCase argument structs, read in one pass and turned into the core's typed requests.

use crate::client::{AuthorizeRequest, EndSessionRequest, PushedAuthorizeUrl};
use crate::js::convert::{JsResult, to_js_error};
use crate::js::options::required_options;
use crate::wire::OneOrMany;
use js_sys::Reflect;
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// An authorization request as JS gives it (see [`AuthorizeRequest`]); also the request part of a push.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthorizeArgs {
    #[serde(default)]
    authorization_endpoint: String,
    client_id: String,
    redirect_uri: String,
    scope: OneOrMany,
    state: String,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    response_type: Option<String>,
    response_mode: Option<String>,
    prompt: Option<String>,
    login_hint: Option<String>,
    max_age: Option<u64>,
    acr_values: Option<OneOrMany>,
    resource: Option<OneOrMany>,
    extra_params: Option<BTreeMap<String, String>>,
    dpop_jkt: Option<String>,
}

impl From<AuthorizeArgs> for AuthorizeRequest {
    fn from(a: AuthorizeArgs) -> Self {
        AuthorizeRequest {
            authorization_endpoint: a.authorization_endpoint,
            nonce: a.nonce,
            code_challenge: a.code_challenge,
            code_challenge_method: a.code_challenge_method,
            response_type: a.response_type,
            response_mode: a.response_mode,
            prompt: a.prompt,
            login_hint: a.login_hint,
            max_age: a.max_age,
            acr_values: a.acr_values,
            resource: a.resource,
            extra_params: a.extra_params,
            dpop_jkt: a.dpop_jkt,
            ..AuthorizeRequest::new(a.client_id, a.redirect_uri, a.scope, a.state)
        }
    }
}

/// `buildAuthorizeUrl`'s request after a push (see [`PushedAuthorizeUrl`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PushedUrlArgs {
    authorization_endpoint: String,
    client_id: String,
    request_uri: String,
}

impl From<PushedUrlArgs> for PushedAuthorizeUrl {
    fn from(a: PushedUrlArgs) -> Self {
        PushedAuthorizeUrl {
            authorization_endpoint: a.authorization_endpoint,
            client_id: a.client_id,
            request_uri: a.request_uri,
        }
    }
}

/// `buildEndSessionUrl`'s request (see [`EndSessionRequest`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EndSessionArgs {
    end_session_endpoint: String,
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    client_id: Option<String>,
    logout_hint: Option<String>,
    ui_locales: Option<String>,
}

impl From<EndSessionArgs> for EndSessionRequest {
    fn from(a: EndSessionArgs) -> Self {
        EndSessionRequest {
            id_token_hint: a.id_token_hint,
            post_logout_redirect_uri: a.post_logout_redirect_uri,
            state: a.state,
            client_id: a.client_id,
            logout_hint: a.logout_hint,
            ui_locales: a.ui_locales,
            ..EndSessionRequest::new(a.end_session_endpoint)
        }
    }
}

/// `buildAuthorizeUrl(req)`
#[wasm_bindgen(js_name = buildAuthorizeUrl)]
pub fn build_authorize_url(req: JsValue) -> JsResult<String> {
    let what = "buildAuthorizeUrl request";
    // After a push (RFC 9126 §4) the URL carries client_id and request_uri alone.
    let pushed = req.is_object() && Reflect::has(&req, &"requestUri".into()).unwrap_or(false);
    if pushed {
        required_options::<PushedUrlArgs>(what, &req)
            .and_then(|r| PushedAuthorizeUrl::from(r).build())
    } else {
        required_options::<AuthorizeArgs>(what, &req)
            .and_then(|r| AuthorizeRequest::from(r).build())
    }
    .map_err(to_js_error)
}

/// `buildEndSessionUrl(req)`
#[wasm_bindgen(js_name = buildEndSessionUrl)]
pub fn build_end_session_url(req: JsValue) -> JsResult<String> {
    required_options::<EndSessionArgs>("buildEndSessionUrl request", &req)
        .and_then(|r| EndSessionRequest::from(r).build())
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
