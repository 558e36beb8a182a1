//! Sending the core's [`HttpRequest`]s with `fetch`, and converting requests and responses between JS and
//! Rust. I/O only: every decision about a response is the core's.

use super::convert::{string_arg, type_name};
use super::options::optional_integer;
use crate::error::{Error, cap, quote};
use crate::wire::{HttpRequest, HttpResponse, fetch_timeout};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The response headers read from a `fetch`: the ones the core reads (`dpop-nonce`: RFC 9449 §8).
const RESPONSE_HEADERS: [&str; 5] = [
    "content-type",
    "cache-control",
    "age",
    "www-authenticate",
    "dpop-nonce",
];

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect.set on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A request as a plain object `{ url, method, headers, body? }`, which is also a valid `fetch` init.
pub fn request_to_js(req: &HttpRequest) -> JsValue {
    let obj = Object::new();
    set(&obj, "url", &JsValue::from_str(&req.url));
    set(&obj, "method", &JsValue::from_str(req.method));
    let headers = Object::new();
    for (k, v) in &req.headers {
        set(&headers, k, &JsValue::from_str(v));
    }
    set(&obj, "headers", &headers);
    if let Some(body) = &req.body {
        set(&obj, "body", &JsValue::from_str(body));
    }
    obj.into()
}

/// A response as a plain object `{ status, headers, body }` (header names lower-case; a repeated header's
/// values joined with `, `), what `parse*Response` read back.
pub fn response_to_js(res: &HttpResponse) -> JsValue {
    let obj = Object::new();
    set(&obj, "status", &JsValue::from(res.status));
    let headers = Object::new();
    for (k, v) in &res.headers {
        let name = k.to_ascii_lowercase();
        let value = match get(&headers, &name).as_string() {
            Some(before) => format!("{before}, {v}"),
            None => v.clone(),
        };
        set(&headers, &name, &JsValue::from_str(&value));
    }
    set(&obj, "headers", &headers);
    set(&obj, "body", &JsValue::from_str(&res.body));
    obj.into()
}

/// Reads `{ status, headers?, body, redirected? }` given by a caller (`headers`: a `Headers` or a plain object;
/// `redirected`: the `Response.redirected` of a fetch that followed a redirect, which the core refuses).
///
/// Errors: `invalid_request` for a missing or non-integer status, a non-string body or header value.
pub fn response_from_js(value: &JsValue) -> Result<HttpResponse, Error> {
    if !value.is_object() {
        return Err(Error::InvalidRequest(format!(
            "the response must be an object {{ status, headers?, body }}, found {}",
            type_name(value)
        )));
    }
    let status = match get(value, "status").as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=999.0).contains(&n) => n as u16,
        _ => {
            return Err(Error::InvalidRequest(
                "response.status must be an integer HTTP status".into(),
            ));
        }
    };
    let body = get(value, "body");
    let body = if body.is_undefined() || body.is_null() {
        String::new()
    } else {
        string_arg("response.body", &body)?
    };
    let headers = get(value, "headers");
    let redirected = get(value, "redirected").is_truthy();
    let mut out = HttpResponse {
        status,
        headers: Vec::new(),
        body,
        redirected,
    };
    if headers.is_undefined() || headers.is_null() {
        return Ok(out);
    }
    if !headers.is_object() {
        return Err(Error::InvalidRequest(
            "response.headers must be a Headers or a plain object".into(),
        ));
    }
    let getter = get(&headers, "get");
    let plain = Object::get_prototype_of(&headers) == Object::get_prototype_of(&Object::new());
    if !plain && getter.is_function() {
        out.headers = read_headers(&headers)
            .map_err(|e| fetch_error("reading response headers failed", &e))?;
    } else {
        for entry in Object::entries(headers.unchecked_ref::<Object>()).iter() {
            let name = string_arg(
                "a header name",
                &Reflect::get_u32(&entry, 0).unwrap_or_default(),
            )?;
            let value = Reflect::get_u32(&entry, 1).unwrap_or_default();
            let value = string_arg(&format!("header {}", quote(&name)), &value)?;
            out.headers.push((name, value));
        }
    }
    Ok(out)
}

/// The headers the core reads, from a `Headers` object; the error is what `get` threw.
fn read_headers(headers: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    let getter: Function = get(headers, "get").unchecked_into();
    let mut out = Vec::new();
    for name in RESPONSE_HEADERS {
        let v = getter.call1(headers, &JsValue::from_str(name))?;
        if let Some(v) = v.as_string() {
            out.push((name.to_owned(), v));
        }
    }
    Ok(out)
}

/// The fetch to use: the `fetch` option, else `globalThis.fetch`.
fn fetch_fn(custom: &JsValue) -> Result<Function, Error> {
    if !custom.is_undefined() && !custom.is_null() {
        return custom.clone().dyn_into::<Function>().map_err(|_| {
            Error::InvalidRequest(format!(
                "fetch must be a function, found {}",
                type_name(custom)
            ))
        });
    }
    get(&js_sys::global(), "fetch")
        .dyn_into::<Function>()
        .map_err(|_| Error::InvalidRequest("no global fetch: pass the fetch option".into()))
}

/// The `timeout` option (seconds, see [`fetch_timeout`]): the rule of every number (`null` refused too), then
/// its range; `undefined` is the default.
fn timeout_option(value: &JsValue) -> Result<u64, Error> {
    fetch_timeout(optional_integer("timeout", value)?)
}

fn fetch_error(what: &str, e: &JsValue) -> Error {
    let detail = get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| type_name(e));
    Error::HttpError {
        message: format!("{what}: {}", cap(&detail)),
        status: None,
    }
}

/// How the package sends its requests: a `fetch` (the caller's or the global one) and a timeout in seconds.
/// Every request goes through [`Fetcher::send`], so none follows a redirect and none waits without end.
#[derive(Clone)]
pub struct Fetcher {
    fetch: Function,
    timeout: u64,
}

/// A deadline for one exchange: the `AbortSignal` given to `fetch`, a promise that settles when it fires (so
/// that a `fetch` ignoring the signal cannot hold us), and the timer to clear where we started one.
struct Deadline {
    signal: JsValue,
    fired: Promise,
    timer: Option<JsValue>,
}

impl Deadline {
    /// `AbortSignal.timeout(ms)` where the runtime has it, else an `AbortController` aborted by a timer.
    /// Errors: `http_error` without a status when the runtime has neither (nothing is sent unbounded).
    fn start(seconds: u64) -> Result<Deadline, Error> {
        let unset = |e: JsValue| fetch_error("the timeout could not be set", &e);
        let global = js_sys::global();
        let ms = JsValue::from_f64((seconds * 1000) as f64);
        let abort_signal = get(&global, "AbortSignal");
        let (signal, timer) = match get(&abort_signal, "timeout").dyn_into::<Function>() {
            Ok(timeout) => (timeout.call1(&abort_signal, &ms).map_err(unset)?, None),
            Err(_) => {
                let controller = get(&global, "AbortController")
                    .dyn_into::<Function>()
                    .map_err(|_| JsValue::from_str("no AbortController"))
                    .and_then(|c| Reflect::construct(&c, &js_sys::Array::new()))
                    .map_err(unset)?;
                let abort = get(&controller, "abort")
                    .dyn_into::<Function>()
                    .map_err(unset)?
                    .bind0(&controller);
                let timer = get(&global, "setTimeout")
                    .dyn_into::<Function>()
                    .and_then(|set_timeout| set_timeout.call2(&global, &abort, &ms))
                    .map_err(unset)?;
                (get(&controller, "signal"), Some(timer))
            }
        };
        let add_listener: Function = get(&signal, "addEventListener").dyn_into().map_err(unset)?;
        let mut listening = Ok(JsValue::UNDEFINED);
        // The promise's own resolve function is the "abort" listener: no Rust closure to keep alive, and no
        // rejection left unhandled when the signal fires after the exchange.
        let fired = Promise::new(&mut |resolve, _| {
            listening = add_listener.call2(&signal, &JsValue::from_str("abort"), &resolve);
        });
        listening.map_err(unset)?;
        Ok(Deadline {
            signal,
            fired,
            timer,
        })
    }

    /// Waits for `promise`, or fails (with `undefined`) when the deadline fires first.
    async fn race(&self, promise: &JsValue) -> Result<JsValue, JsValue> {
        let both = js_sys::Array::of2(&Promise::resolve(promise), &self.fired);
        let value = JsFuture::from(Promise::race(&both)).await?;
        if self.expired() {
            return Err(JsValue::UNDEFINED);
        }
        Ok(value)
    }

    fn expired(&self) -> bool {
        get(&self.signal, "aborted").is_truthy()
    }

    /// Clears the timer we started (an `AbortSignal.timeout` timer does not hold the process).
    fn clear(&self) {
        if let Some(id) = &self.timer {
            let global = js_sys::global();
            if let Ok(clear) = get(&global, "clearTimeout").dyn_into::<Function>() {
                let _ = clear.call1(&global, id);
            }
        }
    }
}

impl Fetcher {
    /// Takes the `fetch` and `timeout` options out of an options object: the fetcher, and a copy of the object
    /// without them. Errors: `invalid_request` for a `fetch` that is not a function (or no global one), a
    /// `timeout` that is not an integer number of seconds in `1..=MAX_TIMEOUT`.
    pub fn from_options(opts: &JsValue) -> Result<(Fetcher, JsValue), Error> {
        let (rest, taken) = split_options(opts, &["fetch", "timeout"]);
        let mut taken = taken.into_iter();
        let mut next = || taken.next().unwrap_or(JsValue::UNDEFINED);
        Ok((Fetcher::new(&next(), &next())?, rest))
    }

    /// The fetcher of the `fetch` and `timeout` options already taken out of an options object (see
    /// [`Fetcher::from_options`]).
    pub fn new(fetch: &JsValue, timeout: &JsValue) -> Result<Fetcher, Error> {
        Ok(Fetcher {
            fetch: fetch_fn(fetch)?,
            timeout: timeout_option(timeout)?,
        })
    }

    /// Sends a request and reads the whole response, within the timeout. Redirects are not followed
    /// (`redirect: "manual"`): the core refuses the 3xx or opaque redirect that comes back, and an answer a
    /// caller's `fetch` got by following one anyway (`Response.redirected`).
    ///
    /// Errors: `http_error` without a status when fetch rejects, the body cannot be read, or the timeout fires
    /// first (whether or not the `fetch` honours its signal).
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, Error> {
        let deadline = Deadline::start(self.timeout)?;
        let result = self.exchange(req, &deadline).await;
        deadline.clear();
        result.map_err(|(what, e)| {
            if deadline.expired() {
                Error::HttpError {
                    message: format!(
                        "the request timed out after {} s (the timeout option)",
                        self.timeout
                    ),
                    status: None,
                }
            } else {
                fetch_error(what, &e)
            }
        })
    }

    /// The timeout of each exchange, in seconds.
    pub fn timeout(&self) -> u64 {
        self.timeout
    }

    /// Waits for `promise` (someone else's exchange, started before now) at most this fetcher's timeout and a
    /// second more, timed from now: whether it settled. The second lets an exchange that times out answer
    /// before the wait gives up on it. Without a timer to bound the wait (no `AbortSignal`), it does not wait.
    pub async fn settles_in_time(&self, promise: &Promise) -> bool {
        let Ok(deadline) = Deadline::start(self.timeout + 1) else {
            return false;
        };
        let settled = deadline.race(promise).await;
        deadline.clear();
        // A rejection is settled too; only the deadline's own firing is not.
        settled.is_ok() || !deadline.expired()
    }

    async fn exchange(
        &self,
        req: &HttpRequest,
        deadline: &Deadline,
    ) -> Result<HttpResponse, (&'static str, JsValue)> {
        let init: Object = request_to_js(req).unchecked_into();
        let _ = Reflect::delete_property(&init, &JsValue::from_str("url"));
        set(&init, "redirect", &JsValue::from_str("manual"));
        set(&init, "signal", &deadline.signal);
        let failed = |what| move |e| (what, e);
        let promise = self
            .fetch
            .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
            .map_err(failed("fetch failed"))?;
        let response = deadline
            .race(&promise)
            .await
            .map_err(failed("fetch failed"))?;
        let status = get(&response, "status").as_f64().unwrap_or(0.0) as u16;
        let redirected = get(&response, "redirected").is_truthy();
        let headers = get(&response, "headers");
        let headers = if headers.is_object() {
            read_headers(&headers).map_err(|e| ("reading response headers failed", e))?
        } else {
            Vec::new()
        };
        let text: Function = get(&response, "text").dyn_into().map_err(|_| {
            (
                "fetch did not return a Response",
                JsValue::from_str(&type_name(&response)),
            )
        })?;
        let body = text
            .call0(&response)
            .map_err(failed("reading the response failed"))?;
        let body = deadline
            .race(&body)
            .await
            .map_err(failed("reading the response failed"))?
            .as_string()
            .unwrap_or_default();
        Ok(HttpResponse {
            status,
            headers,
            body,
            redirected,
        })
    }
}

/// Seconds since the epoch from `Date.now()`, or the `now` option when given.
pub fn now_or(now: Option<u64>) -> u64 {
    now.unwrap_or_else(|| (js_sys::Date::now() / 1000.0).floor() as u64)
}

/// Sleeps `ms` milliseconds on a timer of the caller's own (in Workers: its own request's). False when there
/// is no `setTimeout` to sleep with.
pub async fn pause(ms: u32) -> bool {
    let global = js_sys::global();
    let Ok(set_timeout) = get(&global, "setTimeout").dyn_into::<Function>() else {
        return false;
    };
    let mut started = Ok(JsValue::UNDEFINED);
    // The promise's own resolve function is the timer's callback: no Rust closure to keep alive.
    let timer = Promise::new(&mut |resolve, _| {
        started = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
    });
    started.is_ok() && JsFuture::from(timer).await.is_ok()
}

/// Removes members that are not JSON data (`fetch`, a key) from a copy of an options object, returning
/// the copy and the removed values in the order asked.
pub fn split_options(value: &JsValue, names: &[&str]) -> (JsValue, Vec<JsValue>) {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return (
            value.clone(),
            names.iter().map(|_| JsValue::UNDEFINED).collect(),
        );
    }
    let copy = Object::assign(&Object::new(), value.unchecked_ref::<Object>());
    let mut taken = Vec::new();
    for name in names {
        let key = JsValue::from_str(name);
        taken.push(Reflect::get(&copy, &key).unwrap_or(JsValue::UNDEFINED));
        let _ = Reflect::delete_property(&copy, &key);
    }
    (copy.into(), taken)
}
