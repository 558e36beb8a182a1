//! Exports for pushed authorization requests (RFC 9126, `crate::client::par`): the sans-IO push and its
//! answer, the fetch helper that chains them, and `startAuthorization`, which pushes when the metadata asks.

use super::auth::metadata_arg;
use super::authorize::AuthorizeArgs;
use super::endpoints::{Fail, client_auth_sync, io_with, send_checked, to_js, with_status};
use super::sign::client_auth_async;
use crate::client::{AuthorizeRequest, ClientAuth, PushedAuthorization};
use crate::client::{PushedAuthorizationRequest, PushedAuthorizeUrl, parse_par_response};
use crate::error::Error;
use crate::js::convert::{JsResult, promise, string_arg, to_js_error, to_plain};
use crate::js::http::{request_to_js, response_from_js, split_options};
use crate::wire::HttpRequest;
use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;

const ENDPOINT: &str = "pushedAuthorizationRequestEndpoint";

/// The push endpoint (split off with `clientAuth`, so that `AuthorizeArgs` keeps refusing unknown members) and
/// the authorization request, the rest of a push's options.
fn read_push(
    what: &str,
    endpoint: &JsValue,
    rest: &JsValue,
) -> Result<(String, AuthorizeRequest), Error> {
    let endpoint = string_arg(&format!("{what}: {ENDPOINT}"), endpoint)?;
    Ok((endpoint, AuthorizeArgs::read(what, rest)?))
}

/// `buildPushedAuthorizationRequest(req)`
#[wasm_bindgen(js_name = buildPushedAuthorizationRequest)]
pub fn build_pushed_authorization_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, taken) = split_options(&req, &["clientAuth", ENDPOINT]);
        let [auth, endpoint] = <[JsValue; 2]>::try_from(taken)
            .map_err(|_| Error::InvalidRequest("buildPushedAuthorizationRequest request".into()))?;
        let what = "buildPushedAuthorizationRequest request";
        let (endpoint, request) = read_push(what, &endpoint, &rest)?;
        PushedAuthorizationRequest {
            endpoint,
            client_auth: client_auth_sync(&auth)?,
            request,
        }
        .build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parsePushedAuthorizationResponse(response)`
#[wasm_bindgen(js_name = parsePushedAuthorizationResponse)]
pub fn parse_pushed_authorization_response(response: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let res = response_from_js(&response)?;
        parse_par_response(&res).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// Sends a push and reads its answer.
async fn push(
    io: &super::endpoints::Io,
    endpoint: String,
    auth: ClientAuth,
    request: AuthorizeRequest,
) -> Result<PushedAuthorization, Fail> {
    let req = PushedAuthorizationRequest {
        endpoint,
        client_auth: auth,
        request,
    }
    .build()?;
    let res = send_checked(io, &req).await?;
    parse_par_response(&res).map_err(with_status(res.status))
}

/// `pushAuthorizationRequest(opts)`
#[wasm_bindgen(js_name = pushAuthorizationRequest)]
pub fn push_authorization_request(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let (io, [endpoint]) = io_with(&opts, "pushAuthorizationRequest", [ENDPOINT])?;
            let (endpoint, request) =
                read_push("pushAuthorizationRequest options", &endpoint, &io.rest)?;
            let auth = client_auth_async(&io.client_auth, &endpoint, io.now).await?;
            push(&io, endpoint, auth, request).await
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Started {
    url: String,
    #[serde(flatten)]
    pushed: Option<PushedAuthorization>,
}

/// `startAuthorization(opts)`: the authorization URL, pushed first when `usePar` or the metadata says so.
#[wasm_bindgen(js_name = startAuthorization)]
pub fn start_authorization(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let (io, [metadata, use_par]) =
                io_with(&opts, "startAuthorization", ["metadata", "usePar"])?;
            let metadata = metadata_arg("startAuthorization options: metadata", &metadata)?;
            let use_par = match &use_par {
                v if v.is_undefined() => None,
                v => Some(v.as_bool().ok_or_else(|| {
                    Error::InvalidRequest(
                        "startAuthorization options: usePar must be a boolean".into(),
                    )
                })?),
            };
            let mut request = AuthorizeArgs::read("startAuthorization options", &io.rest)?;
            if !request.authorization_endpoint.is_empty() {
                return Err(Error::InvalidRequest(
                    "startAuthorization takes the authorization endpoint from metadata, not authorizationEndpoint"
                        .into(),
                )
                .into());
            }
            let Some(endpoint) = metadata.authorization_push_endpoint(use_par)? else {
                request.authorization_endpoint = metadata.authorization_endpoint.clone();
                let url = request.build()?;
                return Ok(Started { url, pushed: None });
            };
            let auth = if io.client_auth.is_undefined() {
                ClientAuth::None {
                    client_id: request.client_id.clone(),
                }
            } else {
                client_auth_async(&io.client_auth, endpoint, io.now).await?
            };
            let client_id = request.client_id.clone();
            let pushed = push(&io, endpoint.to_owned(), auth, request).await?;
            let url = PushedAuthorizeUrl {
                authorization_endpoint: metadata.authorization_endpoint.clone(),
                client_id,
                request_uri: pushed.request_uri.clone(),
            }
            .build()?;
            Ok(Started {
                url,
                pushed: Some(pushed),
            })
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}
