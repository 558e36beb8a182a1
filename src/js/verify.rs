//! Exports for key sets and token verification: `JwkSet` and `TokenVerifier`. Conversions only; every rule
//! lives in `crate::jwk`, `crate::jws` and `crate::verify`.

use super::convert::{
    JsResult, options, required_options, shared_handle, stringify, to_js_error, type_name,
};
use super::jwks::RemoteJwks;
use super::scope::requirement_arg;
use crate::alg::Algorithm;
use crate::error::Error;
use crate::jwk::JwkSet;
use crate::jws::VerifiedToken;
use crate::params::OneOrMany;
use crate::verify::{
    AccessTokenOptions, IdTokenOptions, TokenVerifier, VerifierOptions, VerifyOptions,
};
use js_sys::{Promise, Reflect};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// `JwkSet`: the usable keys of a JWKS.
#[wasm_bindgen(js_name = JwkSet)]
pub struct JwkSetHandle {
    inner: JwkSet,
}

impl JwkSetHandle {
    /// A handle on a core set.
    pub(crate) fn new(inner: JwkSet) -> Self {
        JwkSetHandle { inner }
    }
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

/// Where a verifier's keys come from.
enum KeySource {
    Fixed,
    /// A remote set: the verifier takes its current set whenever the generation changed.
    Remote {
        remote: RemoteJwks,
        seen: Cell<u64>,
    },
}

/// `opts.jwks`: a `JwkSet` or a `RemoteJwks` instance, else `invalid_request`.
fn jwks_option(opts: &JsValue) -> Result<(JwkSet, KeySource), Error> {
    let value = Reflect::get(opts, &JsValue::from_str("jwks")).unwrap_or(JsValue::UNDEFINED);
    if let Some(h) = shared_handle::<JwkSetHandle>(&value) {
        return Ok((h.inner, KeySource::Fixed));
    }
    if let Some(remote) = shared_handle::<RemoteJwks>(&value) {
        let (set, generation) = remote.current().unwrap_or((JwkSet::empty(), 0));
        return Ok((
            set,
            KeySource::Remote {
                remote,
                seen: Cell::new(generation),
            },
        ));
    }
    Err(Error::InvalidRequest(
        "TokenVerifier options: jwks must be a JwkSet (from JwkSet.fromJson) or a RemoteJwks"
            .into(),
    ))
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

/// `TokenVerifier`: verifies JWTs of one issuer and audience against a `JwkSet` or a `RemoteJwks`.
#[wasm_bindgen(js_name = TokenVerifier)]
pub struct TokenVerifierHandle {
    inner: RefCell<TokenVerifier>,
    source: KeySource,
}

impl TokenVerifierHandle {
    /// Runs `f` on the verifier, after taking the remote set's current keys if they changed.
    fn with<T>(&self, f: impl FnOnce(&TokenVerifier) -> T) -> T {
        if let KeySource::Remote { remote, seen } = &self.source {
            if remote.generation() != seen.get() {
                if let Some((set, generation)) = remote.current() {
                    self.inner.borrow_mut().set_jwks(set);
                    seen.set(generation);
                }
            }
        }
        f(&self.inner.borrow())
    }
}

#[wasm_bindgen(js_class = TokenVerifier)]
impl TokenVerifierHandle {
    /// `new TokenVerifier({ issuer, audience, jwks, algorithms?, clockTolerance?, clientId?, maxTokenLength? })`
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<TokenVerifierHandle> {
        let run = || -> Result<(TokenVerifier, KeySource), Error> {
            let config: VerifierConfig = required_options("TokenVerifier options", &opts)?;
            let (jwks, source) = jwks_option(&opts)?;
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
            TokenVerifier::new(&config.issuer, audience, jwks, options).map(|v| (v, source))
        };
        run()
            .map(|(inner, source)| TokenVerifierHandle {
                inner: RefCell::new(inner),
                source,
            })
            .map_err(to_js_error)
    }

    /// `ensureKeys(token, { now? })`: with a `RemoteJwks`, makes sure its set is there for the token's `kid`,
    /// fetching when the cache policy allows it; resolves at once with a `JwkSet`.
    #[wasm_bindgen(js_name = ensureKeys)]
    pub fn ensure_keys(&self, token: JsValue, opts: JsValue) -> Promise {
        let remote = match &self.source {
            KeySource::Fixed => None,
            KeySource::Remote { remote, .. } => Some(remote.share()),
        };
        let now = now_seconds(&opts);
        let kid = token.as_string().and_then(|t| crate::edge::token_kid(&t));
        future_to_promise(async move {
            let now = now.map_err(to_js_error)?;
            if let Some(remote) = remote {
                remote.ensure(now, kid).await?;
            }
            Ok(JsValue::UNDEFINED)
        })
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
            self.with(|v| v.verify(&token, &options))
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
            self.with(|v| v.verify_id_token(&token, &options))
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
            self.with(|v| v.verify_access_token(&token, &options))
        };
        claims_object(run().map_err(to_js_error)?)
    }
}
