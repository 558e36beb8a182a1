//! Exports for dynamic client registration (RFC 7591) and management (RFC 7592), the `server` feature: the
//! sans-IO builders and parsers and the fetch helpers `registerClient`, `readClient`, `updateClient`,
//! `deleteClient`.

use super::endpoints::{Fail, Io, io, send_checked, to_js, with_status};
use crate::client::registration::{
    ClientAnswer, ClientConfigurationRequest, ClientOperation, RegistrationRequest,
    parse_client_delete_response, parse_client_information,
};
use crate::error::Error;
use crate::js::convert::{JsResult, promise, to_js_error, to_plain};
use crate::js::http::{request_to_js, response_from_js};
use crate::js::options::{options, required_options};
use crate::wire::{HttpRequest, HttpResponse};
use js_sys::Promise;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RegistrationOptions {
    registration_endpoint: String,
    metadata: Map<String, Value>,
    initial_access_token: Option<String>,
}

impl From<RegistrationOptions> for RegistrationRequest {
    fn from(o: RegistrationOptions) -> Self {
        RegistrationRequest {
            registration_endpoint: o.registration_endpoint,
            metadata: o.metadata,
            initial_access_token: o.initial_access_token,
        }
    }
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Operation {
    Read,
    Update,
    Delete,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigurationOptions {
    registration_client_uri: String,
    registration_access_token: String,
    operation: Option<Operation>,
    metadata: Option<Map<String, Value>>,
    client_id: Option<String>,
}

impl ConfigurationOptions {
    /// The request, for the operation of the options or the helper's own (`fixed`).
    fn request(
        self,
        fixed: Option<Operation>,
    ) -> Result<(ClientConfigurationRequest, Option<String>), Error> {
        let operation = match (fixed, self.operation) {
            (Some(op), None) => op,
            (None, Some(op)) => op,
            (Some(_), Some(_)) => {
                return Err(Error::InvalidRequest(
                    "operation is the helper's own: readClient, updateClient, deleteClient".into(),
                ));
            }
            (None, None) => {
                return Err(Error::InvalidRequest(
                    "operation is required: \"read\", \"update\" or \"delete\"".into(),
                ));
            }
        };
        let operation = match (operation, self.metadata) {
            (Operation::Update, Some(metadata)) => ClientOperation::Update(metadata),
            (Operation::Update, None) => {
                return Err(Error::InvalidRequest("an update requires metadata".into()));
            }
            (_, Some(_)) => {
                return Err(Error::InvalidRequest(
                    "metadata goes only with an update".into(),
                ));
            }
            (Operation::Read, None) => ClientOperation::Read,
            (Operation::Delete, None) => ClientOperation::Delete,
        };
        let req = ClientConfigurationRequest {
            registration_client_uri: self.registration_client_uri,
            registration_access_token: self.registration_access_token,
            operation,
        };
        let client_id = self
            .client_id
            .or_else(|| req.expected_client_id().map(str::to_owned));
        Ok((req, client_id))
    }
}

/// The parsed answer of a configuration request: the client information, or `None` for a deletion.
fn configuration_answer(
    res: &HttpResponse,
    operation: &ClientOperation,
    client_id: Option<&str>,
) -> Result<Option<Map<String, Value>>, Fail> {
    if let ClientOperation::Delete = operation {
        parse_client_delete_response(res).map_err(with_status(res.status))?;
        return Ok(None);
    }
    let answer = ClientAnswer::Configuration { client_id };
    let info = parse_client_information(res, &answer).map_err(with_status(res.status))?;
    Ok(Some(info))
}

/// The client information as a plain object, `undefined` after a deletion.
fn answer_to_js(answer: Option<Map<String, Value>>) -> JsResult<JsValue> {
    answer.map_or(Ok(JsValue::UNDEFINED), |info| to_plain(&info))
}

/// The fetch helpers take no `clientAuth`: the initial or registration access token is the credential.
fn without_client_auth(io: &Io, what: &str) -> Result<(), Error> {
    if io.client_auth.is_undefined() {
        return Ok(());
    }
    Err(Error::InvalidRequest(format!(
        "{what} takes no clientAuth: the access token is the credential"
    )))
}

/// `buildRegistrationRequest(req)`
#[wasm_bindgen(js_name = buildRegistrationRequest)]
pub fn build_registration_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let o: RegistrationOptions = required_options("buildRegistrationRequest request", &req)?;
        RegistrationRequest::from(o).build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseRegistrationResponse(response)`
#[wasm_bindgen(js_name = parseRegistrationResponse)]
pub fn parse_registration_response(response: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let res = response_from_js(&response)?;
        parse_client_information(&res, &ClientAnswer::Registered).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `registerClient(opts)`
#[wasm_bindgen(js_name = registerClient)]
pub fn register_client(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let io = io(&opts, "registerClient")?;
            without_client_auth(&io, "registerClient")?;
            let o: RegistrationOptions = required_options("registerClient options", &io.rest)?;
            let req = RegistrationRequest::from(o).build()?;
            let res = send_checked(&io, &req).await?;
            parse_client_information(&res, &ClientAnswer::Registered)
                .map_err(with_status(res.status))
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}

/// `buildClientConfigurationRequest(req)`
#[wasm_bindgen(js_name = buildClientConfigurationRequest)]
pub fn build_client_configuration_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let what = "buildClientConfigurationRequest request";
        let o: ConfigurationOptions = required_options(what, &req)?;
        if o.client_id.is_some() {
            return Err(Error::InvalidRequest(
                "clientId is an option of parseClientConfigurationResponse, not of the request"
                    .into(),
            ));
        }
        o.request(None)?.0.build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParseConfigurationOptions {
    operation: Option<Operation>,
    client_id: Option<String>,
}

/// `parseClientConfigurationResponse(response, { operation?, clientId? })`
#[wasm_bindgen(js_name = parseClientConfigurationResponse)]
pub fn parse_client_configuration_response(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let o: ParseConfigurationOptions =
            options("parseClientConfigurationResponse options", &opts)?;
        let res = response_from_js(&response)?;
        let operation = match o.operation {
            Some(Operation::Delete) => ClientOperation::Delete,
            // the answer to a read and to an update are the same (RFC 7592 §3)
            _ => ClientOperation::Read,
        };
        configuration_answer(&res, &operation, o.client_id.as_deref())
    };
    answer_to_js(run().map_err(to_js)?)
}

/// `readClient`, `updateClient`, `deleteClient`: build, send, parse.
async fn configure(opts: JsValue, operation: Operation, what: &str) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let io = io(&opts, what)?;
        without_client_auth(&io, what)?;
        let o: ConfigurationOptions = required_options(&format!("{what} options"), &io.rest)?;
        let (req, client_id) = o.request(Some(operation))?;
        let res = send_checked(&io, &req.build()?).await?;
        configuration_answer(&res, &req.operation, client_id.as_deref())
    };
    answer_to_js(run().await.map_err(to_js)?)
}

/// `readClient(opts)`
#[wasm_bindgen(js_name = readClient)]
pub fn read_client(opts: JsValue) -> Promise {
    promise(async move { configure(opts, Operation::Read, "readClient").await })
}

/// `updateClient(opts)`
#[wasm_bindgen(js_name = updateClient)]
pub fn update_client(opts: JsValue) -> Promise {
    promise(async move { configure(opts, Operation::Update, "updateClient").await })
}

/// `deleteClient(opts)`
#[wasm_bindgen(js_name = deleteClient)]
pub fn delete_client(opts: JsValue) -> Promise {
    promise(async move { configure(opts, Operation::Delete, "deleteClient").await })
}
