//! WebCrypto's parameter objects for an algorithm, built from the core's table (`crate::jose::WebCrypto`):
//! what `importKey` takes, and what `verify` and `sign` take.

use crate::jose::{Sha, WebCrypto};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

fn object(members: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn hash(sha: Sha) -> JsValue {
    object(&[("name", JsValue::from_str(sha.webcrypto_name()))])
}

/// `importKey`'s algorithm: `name`, and `hash` (RSA) or `namedCurve` (ECDSA).
pub fn import_params(w: &WebCrypto) -> JsValue {
    let mut members = vec![("name", JsValue::from_str(w.name))];
    if let Some(sha) = w.import_hash {
        members.push(("hash", hash(sha)));
    }
    if let Some(curve) = w.named_curve {
        members.push(("namedCurve", JsValue::from_str(curve)));
    }
    object(&members)
}

/// `verify`'s and `sign`'s algorithm: `name`, and `hash` (ECDSA) or `saltLength` (RSA-PSS).
pub fn operation_params(w: &WebCrypto) -> JsValue {
    let mut members = vec![("name", JsValue::from_str(w.name))];
    if let Some(sha) = w.hash {
        members.push(("hash", hash(sha)));
    }
    if let Some(salt) = w.salt_length {
        members.push(("saltLength", JsValue::from(salt)));
    }
    object(&members)
}
