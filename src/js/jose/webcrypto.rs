//! WebCrypto's parameter objects for an algorithm, built from the core's table (`crate::jose::WebCrypto`):
//! what `importKey` takes, and what `verify` and `sign` take; and signing with a private `CryptoKey` (client
//! assertions, DPoP proofs).

use crate::error::{Error, cap};
use crate::jose::{Algorithm, Sha, WebCrypto};
use crate::js::convert::type_name;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The `message` of what a JS call threw, at most 64 characters of it.
pub fn js_message(e: &JsValue) -> String {
    cap(&get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| type_name(e)))
}

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

/// Signs `input` with a private `CryptoKey` of `alg` through `crypto.subtle.sign`: the signature in JWS form.
///
/// Errors: `invalid_request` without WebCrypto; `invalid_jwk` when WebCrypto refuses the key.
pub async fn webcrypto_sign(alg: Algorithm, key: &JsValue, input: &str) -> Result<Vec<u8>, Error> {
    let subtle = get(&get(&js_sys::global(), "crypto"), "subtle");
    let sign: Function = get(&subtle, "sign")
        .dyn_into()
        .map_err(|_| Error::InvalidRequest("no crypto.subtle in this runtime".into()))?;
    let params = alg.info().webcrypto.ok_or_else(|| {
        Error::InvalidRequest(format!(
            "no WebCrypto signature for algorithm {:?}",
            alg.name()
        ))
    })?;
    let data = Uint8Array::from(input.as_bytes());
    let failed =
        |e: JsValue| Error::InvalidJwk(format!("crypto.subtle.sign failed: {}", js_message(&e)));
    let promise = sign
        .call3(&subtle, &operation_params(&params), key, &data)
        .map_err(failed)?;
    let signature = JsFuture::from(Promise::resolve(&promise))
        .await
        .map_err(failed)?;
    signature_bytes(&signature)
}

/// The bytes of a signature a signer gave: a `Uint8Array`, an `ArrayBuffer` or a `DataView`.
///
/// Errors: `invalid_request` for anything else.
pub fn signature_bytes(signature: &JsValue) -> Result<Vec<u8>, Error> {
    if signature.is_instance_of::<Uint8Array>() || signature.is_instance_of::<js_sys::ArrayBuffer>()
    {
        return Ok(Uint8Array::new(signature).to_vec());
    }
    if let Some(view) = signature.dyn_ref::<js_sys::DataView>() {
        return Ok(Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
        .to_vec());
    }
    Err(Error::InvalidRequest(format!(
        "the signature must be a Uint8Array or ArrayBuffer, found {}",
        type_name(signature)
    )))
}
