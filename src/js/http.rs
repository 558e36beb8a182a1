//! Sending the core's [`HttpRequest`]s with `fetch`, and converting requests and responses between JS and
//! Rust. I/O only: every decision about a response is the core's.

use super::convert::{string_arg, type_name};
use crate::error::Error;
use crate::wire::{HttpRequest, HttpResponse};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The response headers the core reads.
const RESPONSE_HEADERS: [&str; 4] = ["content-type", "cache-control", "age", "www-authenticate"];

fn set(obj: &Object, key: &str, value: &JsValue) {
    // Reflect.set on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn get(obj: &JsValue, key: &str) -> JsValue {
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

/// Reads `{ status, headers?, body }` given by a caller (`headers`: a `Headers` or a plain object).
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
    let mut out = HttpResponse {
        status,
        headers: Vec::new(),
        body,
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
        out.headers = read_headers(&headers)?;
    } else {
        for entry in Object::entries(headers.unchecked_ref::<Object>()).iter() {
            let name = string_arg(
                "a header name",
                &Reflect::get_u32(&entry, 0).unwrap_or_default(),
            )?;
            let value = Reflect::get_u32(&entry, 1).unwrap_or_default();
            let value = string_arg(&format!("header {name}"), &value)?;
            out.headers.push((name, value));
        }
    }
    Ok(out)
}

/// The headers the core reads, from a `Headers` object.
fn read_headers(headers: &JsValue) -> Result<Vec<(String, String)>, Error> {
    let getter: Function = get(headers, "get").unchecked_into();
    let mut out = Vec::new();
    for name in RESPONSE_HEADERS {
        let v = getter
            .call1(headers, &JsValue::from_str(name))
            .map_err(|e| fetch_error("reading response headers failed", &e))?;
        if let Some(v) = v.as_string() {
            out.push((name.to_owned(), v));
        }
    }
    Ok(out)
}

/// The fetch to use: the `fetch` option, else `globalThis.fetch`.
pub fn fetch_fn(custom: &JsValue) -> Result<Function, Error> {
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

fn fetch_error(what: &str, e: &JsValue) -> Error {
    let detail = get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| type_name(e));
    Error::HttpError {
        message: format!("{what}: {detail}"),
        status: None,
    }
}

/// Sends a request and reads the whole response. POSTs do not follow redirects (a 307 would resend the
/// credentials elsewhere). Errors: `http_error` without a status when fetch rejects or the body cannot be read.
pub async fn send(fetch: &Function, req: &HttpRequest) -> Result<HttpResponse, Error> {
    let init: Object = request_to_js(req).unchecked_into();
    if req.method == "POST" {
        set(&init, "redirect", &JsValue::from_str("manual"));
    }
    let _ = Reflect::delete_property(&init, &JsValue::from_str("url"));
    let promise = fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
        .map_err(|e| fetch_error("fetch failed", &e))?;
    let response = JsFuture::from(Promise::resolve(&promise))
        .await
        .map_err(|e| fetch_error("fetch failed", &e))?;
    let status = get(&response, "status").as_f64().unwrap_or(0.0) as u16;
    let headers = get(&response, "headers");
    let headers = if headers.is_object() {
        read_headers(&headers)?
    } else {
        Vec::new()
    };
    let text: Function = get(&response, "text")
        .dyn_into()
        .map_err(|_| fetch_error("fetch did not return a Response", &response))?;
    let body = text
        .call0(&response)
        .map_err(|e| fetch_error("reading the response failed", &e))?;
    let body = JsFuture::from(Promise::resolve(&body))
        .await
        .map_err(|e| fetch_error("reading the response failed", &e))?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Seconds since the epoch from `Date.now()`, or the `now` option when given.
pub fn now_or(now: Option<u64>) -> u64 {
    now.unwrap_or_else(|| (js_sys::Date::now() / 1000.0).floor() as u64)
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
