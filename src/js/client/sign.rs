//! Signing `private_key_jwt` client assertions with the caller's key: a WebCrypto `CryptoKey` (through
//! `crypto.subtle.sign`) or an async callback `(signingInput: Uint8Array) => Promise<Uint8Array>`. The claims,
//! the signing input and the algorithm mapping are the core's (`client_assertion`); this is only the I/O.

use super::endpoints::read_client_auth;
use crate::client::assertion::{self as client_assertion, AssertionParams};
use crate::client::{ClientAuth, ResolvedClientAuth};
use crate::error::{Error, quote};
use crate::jose::Algorithm;
use crate::js::convert::type_name;
use crate::js::jose::webcrypto::{js_message, signature_bytes, webcrypto_sign};
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// What the assertion is about; `alg` may be left to the key.
pub struct Assertion<'a> {
    /// `iss` / `sub`.
    pub client_id: &'a str,
    /// `aud`.
    pub audience: &'a str,
    /// The requested `alg`.
    pub alg: Option<&'a str>,
    /// `kid`.
    pub key_id: Option<&'a str>,
    /// Lifetime, seconds.
    pub lifetime: u64,
    /// Now, seconds.
    pub now: u64,
}

/// Whether a value can sign: a function or a `CryptoKey`-like object (with `algorithm` and `type`).
pub fn is_signer(key: &JsValue) -> bool {
    key.is_function() || (key.is_object() && get(key, "algorithm").is_object())
}

/// Builds and signs a client assertion. Errors: `invalid_request` for a key that is neither a function nor a
/// CryptoKey, a callback without `alg`, a callback that rejects or does not return bytes, or a signature of
/// the wrong size; `invalid_jwk` for a CryptoKey that is not a private signing key of a supported algorithm,
/// or one WebCrypto refuses to sign with.
pub async fn sign_assertion(key: &JsValue, a: &Assertion<'_>) -> Result<String, Error> {
    let alg: Algorithm = if key.is_function() {
        let alg = a.alg.ok_or_else(|| {
            Error::InvalidRequest("a signing callback needs clientAuth.alg (e.g. \"ES256\")".into())
        })?;
        client_assertion::algorithm(alg)?
    } else if is_signer(key) {
        let algorithm = get(key, "algorithm");
        let name = get(&algorithm, "name").as_string().unwrap_or_default();
        let hash = get(&get(&algorithm, "hash"), "name").as_string();
        let curve = get(&algorithm, "namedCurve").as_string();
        if get(key, "type").as_string().as_deref() != Some("private") {
            return Err(Error::InvalidJwk(
                "the client assertion key must be a private CryptoKey".into(),
            ));
        }
        let derived = Algorithm::of_webcrypto_key(
            &client_assertion::ALGORITHMS,
            &name,
            hash.as_deref(),
            curve.as_deref(),
        )
        .ok_or_else(|| {
                Error::InvalidJwk(format!(
                    "a {name} CryptoKey cannot sign a client assertion (RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA or Ed25519)"
                ))
            })?;
        if let Some(alg) = a.alg {
            if alg != derived.name() {
                return Err(Error::InvalidRequest(format!(
                    "clientAuth.alg {alg} does not fit the key, which signs {}",
                    derived.name(),
                    alg = quote(alg)
                )));
            }
        }
        derived
    } else {
        return Err(Error::InvalidRequest(format!(
            "clientAuth.key must be a CryptoKey or an async function, found {}",
            type_name(key)
        )));
    };
    let input = client_assertion::signing_input(&AssertionParams {
        client_id: a.client_id,
        audience: a.audience,
        alg,
        key_id: a.key_id,
        now: a.now,
        lifetime: a.lifetime,
    })?;
    let bytes = if let Some(callback) = key.dyn_ref::<Function>() {
        let data = Uint8Array::from(input.as_bytes());
        let out = callback.call1(&JsValue::UNDEFINED, &data).map_err(|e| {
            Error::InvalidRequest(format!("the signing callback threw: {}", js_message(&e)))
        })?;
        let signature = JsFuture::from(Promise::resolve(&out)).await.map_err(|e| {
            Error::InvalidRequest(format!("the signing callback rejected: {}", js_message(&e)))
        })?;
        signature_bytes(&signature)?
    } else {
        webcrypto_sign(alg, key, &input).await?
    };
    client_assertion::finish(alg, &input, &bytes)
}

/// Why `clientAuth.key` cannot be used by a synchronous request builder.
pub(super) const CANNOT_SIGN: &str = "request builders are synchronous and cannot sign: pass clientAuth.clientAssertion \
     from createClientAssertion(), or use the fetch helpers, which sign with clientAuth.key";

/// Client authentication for a fetch helper: signs an assertion when given a key (audience: the endpoint
/// called, unless `clientAuth.audience` says otherwise).
pub(super) async fn client_auth_async(
    value: &JsValue,
    endpoint: &str,
    now: u64,
) -> Result<ClientAuth, Error> {
    let (opts, key) = read_client_auth(value)?;
    match opts.resolve(key.is_some())? {
        ResolvedClientAuth::Ready(auth) => Ok(auth),
        ResolvedClientAuth::Sign {
            client_id,
            audience,
            alg,
            key_id,
            lifetime,
        } => {
            let key = key.unwrap_or(JsValue::UNDEFINED);
            let client_assertion = sign_assertion(
                &key,
                &Assertion {
                    client_id: &client_id,
                    audience: audience.as_deref().unwrap_or(endpoint),
                    alg: alg.as_deref(),
                    key_id: key_id.as_deref(),
                    lifetime,
                    now,
                },
            )
            .await?;
            Ok(ClientAuth::PrivateKeyJwt {
                client_id,
                client_assertion,
            })
        }
    }
}
