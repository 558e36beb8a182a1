//! JS value <-> Rust value conversions, and `Error` -> thrown `OidcEdgeError`.

use crate::error::{Error, cap};
use crate::options;
use js_sys::Reflect;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// What every exported function returns: its value, or an `OidcEdgeError` to throw.
pub type JsResult<T> = Result<T, JsValue>;

/// Builds the thrown error: an `Error` named `OidcEdgeError` with `code` and the variant's extra fields.
pub fn to_js_error(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.message());
    js.set_name("OidcEdgeError");
    let obj: &JsValue = js.as_ref();
    set(obj, "code", &JsValue::from_str(err.code()));
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
        Error::InvalidScopeExpression { column, .. } => {
            set(obj, "column", &JsValue::from(*column as u32));
        }
        _ => {}
    }
    js.into()
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

/// An optional positional number (`randomToken(bytes)`): `undefined` -> `None`; otherwise the rule of
/// every numeric option ([`crate::options::integer`]), so `null`, NaN, ±Infinity, fractions, negatives and
/// non-numbers are `invalid_request`.
pub fn optional_integer(what: &str, value: &JsValue) -> Result<Option<u64>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) => options::integer(what, n).map(Some),
        None => Err(Error::InvalidRequest(format!(
            "{what} must be an integer in 0..=2^53 - 1, found {}",
            type_name(value)
        ))),
    }
}

/// The options of the calls that take only `{ now? }`: seconds since the epoch, default the clock.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NowOnly {
    /// `now`.
    pub now: Option<u64>,
}

/// An options object (or `undefined`/`null` for the defaults) read by [`required_options`].
pub fn options<T: DeserializeOwned + Default>(what: &str, value: &JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    required_options(what, value)
}

/// An options object, which must be there, read into `T` by the core's [`crate::options::from_json`]
/// (unknown, mistyped or `null` members, numbers that are not integers in 0..=2^53 − 1: `invalid_request`
/// naming the member). The object goes through `JSON.stringify` so that `deny_unknown_fields` holds
/// (serde-wasm-bindgen reads only the fields it knows, silently ignoring a misspelt option).
pub fn required_options<T: DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, Error> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(Error::InvalidRequest(format!(
            "{what} must be an object, found {}",
            type_name(value)
        )));
    }
    let text = stringify(value)
        .ok_or_else(|| Error::InvalidRequest(format!("{what} cannot be read as JSON")))?;
    // JSON.stringify writes NaN and ±Infinity as null: name them as what they were (only a text holding
    // `null` can hide one).
    if text.contains("null") {
        if let Some((path, n)) = non_finite(value, &mut String::new(), MAX_DEPTH) {
            options::integer(&format!("{what}: {}", cap(&path)), n)?;
        }
    }
    options::from_json(what, &text)
}

/// How deep [`non_finite`] looks (the core refuses the `null` of anything deeper, just less precisely).
const MAX_DEPTH: usize = 32;

/// The path and value of the first NaN or ±Infinity among `value`'s own enumerable members (those
/// JSON.stringify writes), at most `depth` levels down.
fn non_finite(value: &JsValue, path: &mut String, depth: usize) -> Option<(String, f64)> {
    if let Some(n) = value.as_f64() {
        return (!n.is_finite()).then(|| (path.clone(), n));
    }
    if depth == 0 || !value.is_object() {
        return None;
    }
    let members: Vec<(String, JsValue)> = if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        array
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("[{i}]"), item))
            .collect()
    } else {
        let object: &js_sys::Object = value.unchecked_ref();
        js_sys::Object::keys(object)
            .iter()
            .filter_map(|key| {
                let item = Reflect::get(value, &key).ok()?;
                let name = key.as_string()?;
                Some((
                    if path.is_empty() {
                        name
                    } else {
                        format!(".{name}")
                    },
                    item,
                ))
            })
            .collect()
    };
    members.into_iter().find_map(|(step, item)| {
        let len = path.len();
        path.push_str(&step);
        let found = non_finite(&item, path, depth - 1);
        path.truncate(len);
        found
    })
}

/// `JSON.stringify(value)`, `None` where it throws (cycles, BigInt) or gives `undefined`.
pub fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
}

/// A Rust value as a plain JS value: objects, not `Map`s.
pub fn to_plain<T: Serialize>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            to_js_error(Error::InvalidRequest(format!(
                "result could not be converted: {e}"
            )))
        })
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
