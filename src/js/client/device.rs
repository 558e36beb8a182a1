//! Exports for the device authorization grant (RFC 8628, `crate::client::device`): the sans-IO device
//! authorization request and its answer, the fetch helper that chains them, and `pollDeviceAuthorization`,
//! which drives the core's `DevicePoll` with the runtime's timers and an `AbortSignal`.

use super::endpoints::{
    Fail, client_auth_sync, io, io_with, send_checked, split_auth, to_js, with_status,
};
use super::sign::client_auth_async;
use crate::client::{ClientAuth, DeviceAuthorizationRequest, parse_device_authorization_response};
use crate::client::{DeviceAuthorization, DevicePoll, PollStep};
use crate::error::Error;
use crate::js::convert::{JsResult, promise, to_js_error, to_plain};
use crate::js::http::{now_or, request_to_js, response_from_js, split_options};
use crate::js::options::{now_only, required_options};
use crate::wire::{HttpRequest, OneOrMany};
use js_sys::{Function, Promise, Reflect};
use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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
        let now = now_only("parseDeviceAuthorizationResponse options", &opts)?;
        let res = response_from_js(&response)?;
        parse_device_authorization_response(&res, now_or(now)).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `requestDeviceAuthorization(opts)`
#[wasm_bindgen(js_name = requestDeviceAuthorization)]
pub fn request_device_authorization(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let io = io(&opts, "requestDeviceAuthorization")?;
            let args: DeviceAuthorizationArgs =
                required_options("requestDeviceAuthorization options", &io.rest)?;
            let auth =
                client_auth_async(&io.client_auth, &args.device_authorization_endpoint, io.now)
                    .await?;
            let req = args.into_request(auth).build()?;
            let res = send_checked(&io, &req).await?;
            parse_device_authorization_response(&res, io.now).map_err(with_status(res.status))
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}

/// `deviceAuthorization` as JS callers give it back: the answer of [`request_device_authorization`].
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceAuthorizationArg {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: u64,
    expires_at: u64,
    interval: u64,
}

impl From<DeviceAuthorizationArg> for DeviceAuthorization {
    fn from(a: DeviceAuthorizationArg) -> Self {
        DeviceAuthorization {
            device_code: a.device_code,
            user_code: a.user_code,
            verification_uri: a.verification_uri,
            verification_uri_complete: a.verification_uri_complete,
            expires_in: a.expires_in,
            expires_at: a.expires_at,
            interval: a.interval,
        }
    }
}

/// The JSON part of `pollDeviceAuthorization`'s options (`clientAuth`, `fetch`, `timeout`, `signal` apart).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PollArgs {
    token_endpoint: String,
    device_authorization: DeviceAuthorizationArg,
}

/// The longest single wait, in seconds: `setTimeout` takes at most 2^31 − 1 ms; a longer wait is several.
const MAX_SLEEP: u64 = 86_400;

/// Why polling stopped without tokens: an error, or the caller's `AbortSignal` (its `reason`, thrown as is).
enum Stop {
    Failed(Fail),
    Aborted(JsValue),
}

impl From<Fail> for Stop {
    fn from(f: Fail) -> Self {
        Stop::Failed(f)
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e.into())
    }
}

/// The `signal` option: an `AbortSignal` (anything with `aborted`, `reason` and `addEventListener`), or none.
fn read_signal(value: JsValue) -> Result<Option<JsValue>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    let listens = Reflect::get(&value, &"addEventListener".into())
        .map(|f| f.is_function())
        .unwrap_or(false);
    if !value.is_object() || !listens {
        return Err(Error::InvalidRequest(
            "pollDeviceAuthorization options: signal must be an AbortSignal".into(),
        ));
    }
    Ok(Some(value))
}

/// `Err(reason)` once the signal has fired.
fn check_abort(signal: Option<&JsValue>) -> Result<(), Stop> {
    match signal {
        Some(s) if Reflect::get(s, &"aborted".into()).is_ok_and(|a| a.is_truthy()) => Err(
            Stop::Aborted(Reflect::get(s, &"reason".into()).unwrap_or(JsValue::UNDEFINED)),
        ),
        _ => Ok(()),
    }
}

/// Waits `seconds` with `setTimeout`, or until the signal fires (the timer is then cleared).
async fn sleep(seconds: u64, signal: Option<&JsValue>) -> Result<(), Stop> {
    let global = js_sys::global();
    let function = |name: &str| {
        Reflect::get(&global, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| Error::InvalidRequest(format!("pollDeviceAuthorization needs {name}")))
    };
    let set_timeout = function("setTimeout")?;
    let ms = JsValue::from_f64((seconds.min(MAX_SLEEP) * 1000) as f64);
    let mut started = Ok(JsValue::UNDEFINED);
    let mut listener = None;
    // The promise's own functions are the timer's callback and the abort listener: no Rust closure to keep alive.
    let wait = Promise::new(&mut |resolve, reject| {
        started = set_timeout.call2(&global, &resolve, &ms);
        if let Some(s) = signal {
            let add = Reflect::get(s, &"addEventListener".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok());
            if let Some(add) = add {
                let _ = add.call2(s, &"abort".into(), &reject);
                listener = Some(reject);
            }
        }
    });
    let timer = started.map_err(|_| Error::InvalidRequest("setTimeout failed".into()))?;
    let waited = JsFuture::from(wait).await;
    if let (Some(s), Some(listener)) = (signal, &listener) {
        let remove = Reflect::get(s, &"removeEventListener".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(remove) = remove {
            let _ = remove.call2(s, &"abort".into(), listener);
        }
    }
    if waited.is_err() {
        if let Ok(clear) = function("clearTimeout") {
            let _ = clear.call1(&global, &timer);
        }
    }
    check_abort(signal)
}

/// `pollDeviceAuthorization(opts)`
#[wasm_bindgen(js_name = pollDeviceAuthorization)]
pub fn poll_device_authorization(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Stop> {
            let (opts, taken) = split_options(&opts, &["signal"]);
            let signal = read_signal(taken.into_iter().next().unwrap_or(JsValue::UNDEFINED))?;
            if Reflect::has(&opts, &"now".into()).unwrap_or(false) {
                return Err(Error::InvalidRequest(
                    "pollDeviceAuthorization reads the clock at every poll: it takes no now option"
                        .into(),
                )
                .into());
            }
            let (io, [dpop]) = io_with(&opts, "pollDeviceAuthorization", ["dpop"])?;
            let dpop = super::dpop::dpop_option(&dpop)?;
            let args: PollArgs = required_options("pollDeviceAuthorization options", &io.rest)?;
            let clock = || now_or(None);
            let authorization = args.device_authorization.into();
            let mut poll = DevicePoll::new(&args.token_endpoint, &authorization, clock())?;
            loop {
                check_abort(signal.as_ref())?;
                match poll.step(clock())? {
                    PollStep::Wait(seconds) => sleep(seconds, signal.as_ref()).await?,
                    PollStep::Poll => {
                        // A fresh assertion for each poll: providers refuse a reused jti.
                        let auth =
                            client_auth_async(&io.client_auth, &args.token_endpoint, clock())
                                .await?;
                        let req = poll.request(auth)?;
                        // DPoP-bound tokens (RFC 9449 §5): a proof with each poll, the nonce retry inside
                        let sent = match &dpop {
                            Some(key) => key.send(&io.fetcher, &req, None, clock()).await,
                            None => io.fetcher.send(&req).await,
                        };
                        match sent {
                            Ok(res) => {
                                if let Some(tokens) = poll
                                    .on_response(&res, clock())
                                    .map_err(with_status(res.status))?
                                {
                                    return Ok(tokens);
                                }
                            }
                            Err(e) => poll.on_failure(e, clock())?,
                        }
                    }
                }
            }
        };
        match run().await {
            Ok(tokens) => to_plain(&tokens),
            Err(Stop::Failed(f)) => Err(to_js(f)),
            Err(Stop::Aborted(reason)) => Err(reason),
        }
    })
}
