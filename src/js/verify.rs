//! Exports for key sets and token verification: `JwkSet` and `TokenVerifier`. Conversions only; every rule
//! lives in `crate::jwk`, `crate::jws` and `crate::verify`.

use super::convert::{
    JsResult, options, required_options, shared_handle, stringify, to_js_error, type_name,
};
use super::scope::requirement_arg;
use crate::alg::Algorithm;
use crate::error::Error;
use crate::jwk::JwkSet;
use crate::jws::VerifiedToken;
use crate::params::OneOrMany;
use crate::verify::{
    AccessTokenOptions, IdTokenOptions, TokenVerifier, VerifierOptions, VerifyOptions,
};
use js_sys::Reflect;
use serde::Deserialize;
use serde::de::IgnoredAny;
use wasm_bindgen::prelude::*;

/// `JwkSet`: the usable keys of a JWKS.
#[wasm_bindgen(js_name = JwkSet)]
pub struct JwkSetHandle {
    inner: JwkSet,
}

#[wasm_bindgen(js_class = JwkSet)]
impl JwkSetHandle {
    /// `JwkSet.fromJson(json)`: a JWKS as JSON text or as an object.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: JsValue) -> JsResult<JwkSetHandle> {
        let text = match json.as_string() {
            Some(text) => Some(text),
            // An object goes through JSON.stringify so that the one strict parser sees it.
            None if json.is_object() => stringify(&json),
            None => None,
        };
        let text = text.ok_or_else(|| {
            to_js_error(Error::InvalidJwk(format!(
                "a JWKS must be JSON text or an object, found {}",
                type_name(&json)
            )))
        })?;
        JwkSet::from_json(&text)
            .map(|inner| JwkSetHandle { inner })
            .map_err(to_js_error)
    }

    /// `keyIds`: the `kid`s of the usable keys.
    #[wasm_bindgen(getter, js_name = keyIds)]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner
            .key_ids()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Not public API: a second handle on the same keys. Taking a wasm-bindgen object out of a JS value
    /// consumes it, so `TokenVerifier` consumes this copy instead of the caller's instance.
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> JwkSetHandle {
        JwkSetHandle {
            inner: self.inner.clone(),
        }
    }
}

/// `opts.jwks` as a key set: it must be a `JwkSet` instance, else `invalid_request`.
fn jwks_option(opts: &JsValue) -> Result<JwkSet, Error> {
    Reflect::get(opts, &JsValue::from_str("jwks"))
        .ok()
        .and_then(|jwks| shared_handle::<JwkSetHandle>(&jwks))
        .map(|h| h.inner)
        .ok_or_else(|| {
            Error::InvalidRequest(
                "TokenVerifier options: jwks must be a JwkSet (from JwkSet.fromJson)".into(),
            )
        })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifierConfig {
    issuer: String,
    audience: OneOrMany,
    // Read separately as a JwkSet instance (JSON sees only its pointer).
    #[allow(dead_code)]
    jwks: IgnoredAny,
    algorithms: Option<Vec<String>>,
    clock_tolerance: Option<u64>,
    client_id: Option<String>,
    max_token_length: Option<usize>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyConfig {
    // Read separately (JSON turns NaN into null): see `now_seconds`.
    #[allow(dead_code)]
    now: Option<IgnoredAny>,
    typ: Option<String>,
    #[serde(default)]
    required_claims: Vec<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdTokenConfig {
    // Read separately (JSON turns NaN into null): see `now_seconds`.
    #[allow(dead_code)]
    now: Option<IgnoredAny>,
    nonce: Option<String>,
    max_age: Option<u64>,
    access_token: Option<String>,
    code: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AccessTokenConfig {
    // Read separately (JSON turns NaN into null): see `now_seconds`.
    #[allow(dead_code)]
    now: Option<IgnoredAny>,
    // Read separately: it may be a ScopeRequirement, which JSON cannot carry.
    #[allow(dead_code)]
    required_scopes: Option<IgnoredAny>,
    typ: Option<String>,
}

/// `opts.now` in whole seconds when given (a finite, non-negative number), else the clock's.
fn now_seconds(opts: &JsValue) -> Result<u64, Error> {
    let raw = if opts.is_object() {
        Reflect::get(opts, &JsValue::from_str("now")).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let now = if raw.is_undefined() {
        Some(js_sys::Date::now() / 1000.0)
    } else {
        raw.as_f64()
    };
    match now {
        Some(now) if now.is_finite() && now >= 0.0 => Ok(now.floor() as u64),
        _ => Err(Error::InvalidRequest(format!(
            "now must be a non-negative number of seconds, found {}",
            raw.as_f64()
                .map_or_else(|| type_name(&raw), |n| n.to_string())
        ))),
    }
}

fn token_arg(token: &JsValue) -> Result<String, Error> {
    token.as_string().ok_or_else(|| {
        Error::MalformedToken(format!(
            "the token must be a string, found {}",
            type_name(token)
        ))
    })
}

/// The claims as a plain object. Through JSON text rather than `to_plain`: a large integer claim becomes a
/// (rounded) number, as `JSON.parse` would make it, instead of failing the whole verification.
fn claims_object(token: VerifiedToken) -> JsResult<JsValue> {
    let text = serde_json::to_string(token.claims()).map_err(|e| {
        to_js_error(Error::MalformedToken(format!(
            "claims could not be converted: {e}"
        )))
    })?;
    js_sys::JSON::parse(&text)
}

/// `TokenVerifier`: verifies JWTs of one issuer and audience against a `JwkSet`.
#[wasm_bindgen(js_name = TokenVerifier)]
pub struct TokenVerifierHandle {
    inner: TokenVerifier,
}

#[wasm_bindgen(js_class = TokenVerifier)]
impl TokenVerifierHandle {
    /// `new TokenVerifier({ issuer, audience, jwks, algorithms?, clockTolerance?, clientId?, maxTokenLength? })`
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<TokenVerifierHandle> {
        let run = || -> Result<TokenVerifier, Error> {
            let config: VerifierConfig = required_options("TokenVerifier options", &opts)?;
            let jwks = jwks_option(&opts)?;
            let algorithms = config
                .algorithms
                .map(|names| {
                    names
                        .iter()
                        .map(|n| {
                            Algorithm::from_name(n).map_err(|e| {
                                Error::InvalidRequest(format!("algorithms: {}", e.message()))
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?;
            let defaults = VerifierOptions::default();
            let options = VerifierOptions {
                algorithms,
                clock_tolerance: config.clock_tolerance.unwrap_or(defaults.clock_tolerance),
                client_id: config.client_id,
                max_token_length: config.max_token_length.unwrap_or(defaults.max_token_length),
            };
            let audience = config
                .audience
                .values()
                .into_iter()
                .map(str::to_owned)
                .collect();
            TokenVerifier::new(&config.issuer, audience, jwks, options)
        };
        run()
            .map(|inner| TokenVerifierHandle { inner })
            .map_err(to_js_error)
    }

    /// `verify(token, { now?, typ?, requiredClaims? })`
    pub fn verify(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<VerifiedToken, Error> {
            let token = token_arg(&token)?;
            let o: VerifyConfig = options("verify options", &opts)?;
            let options = VerifyOptions {
                now: now_seconds(&opts)?,
                typ: o.typ,
                required_claims: o.required_claims,
            };
            self.inner.verify(&token, &options)
        };
        claims_object(run().map_err(to_js_error)?)
    }

    /// `verifyIdToken(token, { nonce?, maxAge?, now?, accessToken?, code? })`
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<VerifiedToken, Error> {
            let token = token_arg(&token)?;
            let o: IdTokenConfig = options("verifyIdToken options", &opts)?;
            let options = IdTokenOptions {
                now: now_seconds(&opts)?,
                nonce: o.nonce,
                max_age: o.max_age,
                access_token: o.access_token,
                code: o.code,
            };
            self.inner.verify_id_token(&token, &options)
        };
        claims_object(run().map_err(to_js_error)?)
    }

    /// `verifyAccessToken(token, { requiredScopes?, now?, typ? })`
    #[wasm_bindgen(js_name = verifyAccessToken)]
    pub fn verify_access_token(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<VerifiedToken, Error> {
            let token = token_arg(&token)?;
            let o: AccessTokenConfig = options("verifyAccessToken options", &opts)?;
            let strict = match o.typ.as_deref() {
                None => false,
                Some("at+jwt" | "application/at+jwt") => true,
                Some(other) => {
                    return Err(Error::InvalidRequest(format!(
                        "verifyAccessToken typ must be \"at+jwt\" (RFC 9068 strict mode), found {other:?}"
                    )));
                }
            };
            let required_scopes = Reflect::get(&opts, &JsValue::from_str("requiredScopes"))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
                .map(|v| requirement_arg("requiredScopes", &v))
                .transpose()?;
            let options = AccessTokenOptions {
                now: now_seconds(&opts)?,
                required_scopes,
                strict,
            };
            self.inner.verify_access_token(&token, &options)
        };
        claims_object(run().map_err(to_js_error)?)
    }
}
