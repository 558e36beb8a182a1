//! JS value <-> Rust value conversions, and `Error` -> thrown `OidcEdgeError`.

use crate::error::Error;
use js_sys::Reflect;
use serde::Serialize;
use serde_json::{Map, Value};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// What every exported function returns: its value, or an `OidcEdgeError` to throw.
pub type JsResult<T> = Result<T, JsValue>;

thread_local! {
    /// The package's `OidcEdgeError` class (js/errors.js), once an entry point has handed it over.
    static ERROR_CLASS: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Not public API: `__oidcEdgeErrorClass(OidcEdgeError)`, called by every entry point of the package as soon
/// as the module is instantiated, so that every error thrown is an instance of the one class the package
/// exports (`instanceof` holds for `oidc-edge` and `oidc-edge/spa` alike). Anything but a function is ignored:
/// errors are then plain `Error`s with the same `name`, `code` and fields (as in the wasm-bindgen tests).
#[wasm_bindgen(js_name = __oidcEdgeErrorClass)]
pub fn use_error_class(class: JsValue) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = class.dyn_into::<js_sys::Function>().ok());
}

/// Builds the thrown error: an `OidcEdgeError` with `code` and the variant's extra fields.
pub fn to_js_error(err: Error) -> JsValue {
    let message = JsValue::from_str(&err.message());
    let code = JsValue::from_str(err.code());
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    // `new OidcEdgeError(code, message)`; a constructor that throws (it cannot: js/errors.js) falls back.
    let js = class
        .and_then(|class| Reflect::construct(&class, &js_sys::Array::of2(&code, &message)).ok())
        .unwrap_or_else(|| {
            let e = js_sys::Error::new(&err.message());
            e.set_name("OidcEdgeError");
            e.into()
        });
    set(&js, "code", &code);
    let obj = &js;
    match &err {
        Error::AuthorizationError {
            error,
            error_description,
            error_uri,
        } => {
            set(obj, "error", &JsValue::from_str(error));
            set(
                obj,
                "errorDescription",
                &opt_str(error_description.as_deref()),
            );
            set(obj, "errorUri", &opt_str(error_uri.as_deref()));
        }
        Error::HttpError { status, .. } => {
            set(
                obj,
                "status",
                &status.map_or(JsValue::UNDEFINED, JsValue::from),
            );
        }
        Error::InsufficientScope { required, .. } => {
            let list: js_sys::Array = required.iter().map(|s| JsValue::from_str(s)).collect();
            set(obj, "requiredScopes", &list);
        }
        Error::InsufficientUserAuthentication {
            acr_values,
            max_age,
            ..
        } => {
            let list: js_sys::Array = acr_values.iter().map(|s| JsValue::from_str(s)).collect();
            set(obj, "acrValues", &list);
            // Seconds stay far below 2^53: exact as a JS number.
            let max_age = max_age.map_or(JsValue::UNDEFINED, |m| JsValue::from(m as f64));
            set(obj, "maxAge", &max_age);
        }
        Error::InvalidScopeExpression { column, .. } => {
            set(obj, "column", &JsValue::from(*column as u32));
        }
        _ => {}
    }
    js
}

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    // Reflect.set on a fresh Error object cannot fail; ignoring the result keeps this path panic-free.
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn opt_str(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// The hidden method through which an export obtains its own handle on a wasm-bindgen object it was given
/// (a `JwkSet`, a `ScopeRequirement`): taking such an object out of a JS value consumes it, which would leave
/// the caller's instance dead, so each class offers `__oidcEdgeShare()` returning a copy to consume instead.
pub const SHARE_METHOD: &str = "__oidcEdgeShare";

/// A copy of the wasm-bindgen object `value` (of class `T`), through its [`SHARE_METHOD`]; `None` when `value`
/// is not such an object (another class, a plain object that borrowed the method, a primitive).
pub fn shared_handle<T: wasm_bindgen::convert::TryFromJsValue>(value: &JsValue) -> Option<T> {
    if !value.is_object() {
        return None;
    }
    let share = Reflect::get(value, &JsValue::from_str(SHARE_METHOD))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    // Throws (caught here) when `value` only borrowed the method and holds no Rust object.
    let copy = share.call0(value).ok()?;
    T::try_from_js_value(copy).ok()
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsValue, into: &js_sys::Uint8Array) -> EncodeResult;
    type EncodeResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeResult) -> f64;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> u32;
}

/// The longest string [`long_string`] encodes through its buffer (the default `maxTokenLength`).
const ENCODE_BUFFER: u32 = 64 * 1024;

thread_local! {
    static ENCODER: (TextEncoder, js_sys::Uint8Array) =
        (TextEncoder::new(), js_sys::Uint8Array::new_with_length(ENCODE_BUFFER));
}

/// A JS string as UTF-8 (`None` for another type), as `JsValue::as_string` gives it (lone surrogates become
/// U+FFFD), but encoded natively by `TextEncoder.encodeInto` into one reused buffer: the glue's `as_string`
/// copies an ASCII string one character at a time in JS, about 2 µs for a 1 KB token.
pub fn long_string(value: &JsValue) -> Option<String> {
    let length = value.dyn_ref::<js_sys::JsString>()?.length() as usize;
    ENCODER
        .with(|(encoder, buffer)| {
            // At most 3 bytes per UTF-16 unit: a string that may not fit takes the glue's way.
            if length.saturating_mul(3) > ENCODE_BUFFER as usize {
                return None;
            }
            let done = encoder.encode_into(value, buffer);
            let bytes = buffer.subarray(0, done.written()).to_vec();
            (done.read() as usize == length).then(|| String::from_utf8(bytes).ok())?
        })
        .or_else(|| value.as_string())
}

/// A required string argument; anything else is `invalid_request` (never a `TypeError`).
pub fn string_arg(what: &str, value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        Error::InvalidRequest(format!(
            "{what} must be a string, found {}",
            type_name(value)
        ))
    })
}

/// `JSON.stringify(value)`, `None` where it throws (cycles, BigInt) or gives `undefined`.
pub fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
}

/// A JS object as a JSON object: `JSON.stringify`, then the strict parser the token responses use.
/// Errors: `invalid_request` naming `what` for anything else.
pub fn object_arg(what: &str, value: &JsValue) -> Result<Map<String, Value>, Error> {
    stringify(value)
        .and_then(|text| crate::jose::json::parse_object(&text).ok())
        .ok_or_else(|| Error::InvalidRequest(format!("{what} must be an object")))
}

/// A Rust value as a plain JS value: `JSON.parse` of its serde_json text, so every result goes through the
/// one serializer the claims already use (no second one, serde-wasm-bindgen's, in the module: issue 16). As
/// for claims, an integer beyond 2^53 becomes the (rounded) number `JSON.parse` makes of it.
pub fn to_plain<T: Serialize>(value: &T) -> JsResult<JsValue> {
    let failed = |e: String| {
        to_js_error(Error::InvalidRequest(format!(
            "result could not be converted: {e}"
        )))
    };
    let text = serde_json::to_string(value).map_err(|e| failed(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| failed("not JSON".into()))
}

/// The JS `typeof`-like name of a value, for messages.
pub fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else {
        value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "unknown".into())
    }
}

/// `future_to_promise` of the future boxed: wasm-bindgen-futures' task code is instantiated once for every
/// async export, not once per future type (issue 16: size).
pub fn promise(fut: impl Future<Output = JsResult<JsValue>> + 'static) -> js_sys::Promise {
    let fut: std::pin::Pin<Box<dyn Future<Output = JsResult<JsValue>>>> = Box::pin(fut);
    wasm_bindgen_futures::future_to_promise(fut)
}
