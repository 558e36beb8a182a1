//! Exports for the device authorization grant (RFC 8628, `crate::client::device`): the sans-IO device
//! authorization request and its answer, and the fetch helper that chains them.

use super::endpoints::{Fail, client_auth_sync, io, send_checked, split_auth, to_js, with_status};
use super::sign::client_auth_async;
use crate::client::{ClientAuth, DeviceAuthorizationRequest, parse_device_authorization_response};
use crate::error::Error;
use crate::js::convert::{JsResult, to_js_error, to_plain};
use crate::js::http::{now_or, request_to_js, response_from_js};
use crate::js::options::{NowOnly, options, required_options};
use crate::wire::{HttpRequest, OneOrMany};
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// A device authorization request as JS callers give it, without its `clientAuth`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceAuthorizationArgs {
    device_authorization_endpoint: String,
    scope: Option<OneOrMany>,
    resource: Option<OneOrMany>,
    extra_params: Option<BTreeMap<String, String>>,
}

impl DeviceAuthorizationArgs {
    fn into_request(self, client_auth: ClientAuth) -> DeviceAuthorizationRequest {
        DeviceAuthorizationRequest {
            endpoint: self.device_authorization_endpoint,
            client_auth,
            scope: self.scope,
            resource: self.resource,
            extra_params: self.extra_params.unwrap_or_default(),
        }
    }
}

/// `buildDeviceAuthorizationRequest(req)`
#[wasm_bindgen(js_name = buildDeviceAuthorizationRequest)]
pub fn build_device_authorization_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, auth) = split_auth(&req);
        let args: DeviceAuthorizationArgs =
            required_options("buildDeviceAuthorizationRequest request", &rest)?;
        args.into_request(client_auth_sync(&auth)?).build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseDeviceAuthorizationResponse(response, opts?)`
#[wasm_bindgen(js_name = parseDeviceAuthorizationResponse)]
pub fn parse_device_authorization_response_js(
    response: JsValue,
    opts: JsValue,
) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let o: NowOnly = options("parseDeviceAuthorizationResponse options", &opts)?;
        let res = response_from_js(&response)?;
        parse_device_authorization_response(&res, now_or(o.now)).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `requestDeviceAuthorization(opts)`
#[wasm_bindgen(js_name = requestDeviceAuthorization)]
pub async fn request_device_authorization(opts: JsValue) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let io = io(&opts, "requestDeviceAuthorization")?;
        let args: DeviceAuthorizationArgs =
            required_options("requestDeviceAuthorization options", &io.rest)?;
        let auth =
            client_auth_async(&io.client_auth, &args.device_authorization_endpoint, io.now).await?;
        let req = args.into_request(auth).build()?;
        let res = send_checked(&io, &req).await?;
        parse_device_authorization_response(&res, io.now).map_err(with_status(res.status))
    };
    to_plain(&run().await.map_err(to_js)?)
}
