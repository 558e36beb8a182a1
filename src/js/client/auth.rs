//! Exports for PKCE, discovery metadata and the callback (the authorization and logout URLs: `authorize.rs`).

use crate::client::ProviderMetadata;
use crate::client::pkce::{self, ChallengeMethod, Pkce};
use crate::client::{CallbackExpectation, parse_callback as core_parse_callback};
use crate::error::Error;
use crate::js::convert::{JsResult, object_arg, string_arg, stringify, to_js_error, to_plain};
use crate::js::options::{Fields, optional_integer};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PkcePair<'a> {
    code_verifier: &'a str,
    code_challenge: &'a str,
    code_challenge_method: &'a str,
}

/// `parseCallback`'s expectation (see [`CallbackExpectation`]): `state` null is no sign-in in progress;
/// `metadata` gives `issuer` and `requireIss` unless they are given too.
fn expectation(what: &str, value: &JsValue) -> Result<CallbackExpectation, Error> {
    let mut f = Fields::new(what, value, &["state", "issuer", "requireIss", "metadata"])?;
    let state = match f.remove("state") {
        None => return Err(f.missing("state")),
        Some(state) if state.is_null() => None,
        Some(state) => Some(state.as_string().ok_or_else(|| {
            Error::InvalidRequest(
                "parseCallback expectation: state must be a string or null".into(),
            )
        })?),
    };
    let mut expect = CallbackExpectation::in_progress(state)?;
    if let Some(metadata) = f.remove("metadata") {
        expect = expect.from_provider(&metadata_arg(
            "parseCallback expectation: metadata",
            &metadata,
        )?);
    }
    if let Some(issuer) = f.take("issuer")? {
        expect.issuer = Some(issuer);
    }
    if let Some(required) = f.take("requireIss")? {
        expect.require_iss = required;
    }
    Ok(expect)
}

/// A `metadata` option: what `discover` returned, or an object written by hand, checked as discovery checks it
/// (its own `issuer` taken as the expected one). Errors: `invalid_request` naming `what`.
pub(crate) fn metadata_arg(what: &str, value: &JsValue) -> Result<ProviderMetadata, Error> {
    ProviderMetadata::from_document(Value::Object(object_arg(what, value)?))
        .map_err(|e| Error::InvalidRequest(format!("{what}: {}", e.message())))
}

#[derive(Serialize)]
struct CallbackResult<'a> {
    code: &'a str,
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
}

fn method_arg(value: Option<&str>) -> Result<ChallengeMethod, Error> {
    value.unwrap_or("S256").parse()
}

/// `generatePkce(opts?)`
#[wasm_bindgen(js_name = generatePkce)]
pub fn generate_pkce(opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<Pkce, Error> {
        let mut f = Fields::optional("generatePkce options", &opts, &["method", "verifierLength"])?;
        let method: Option<String> = f.take("method")?;
        let length: Option<usize> = f.take("verifierLength")?;
        Pkce::generate(
            method_arg(method.as_deref())?,
            length.unwrap_or(pkce::DEFAULT_VERIFIER_LEN),
        )
    };
    let p = run().map_err(to_js_error)?;
    to_plain(&PkcePair {
        code_verifier: &p.code_verifier,
        code_challenge: &p.code_challenge,
        code_challenge_method: p.code_challenge_method.as_str(),
    })
}

/// `pkceChallenge(codeVerifier, method?)`
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(code_verifier: JsValue, method: JsValue) -> JsResult<String> {
    let run = || -> Result<String, Error> {
        let verifier = string_arg("codeVerifier", &code_verifier)?;
        let method = if method.is_undefined() {
            None
        } else {
            Some(string_arg("method", &method)?)
        };
        pkce::challenge(&verifier, method_arg(method.as_deref())?)
    };
    run().map_err(to_js_error)
}

/// `randomToken(bytes?)`
#[wasm_bindgen(js_name = randomToken)]
pub fn random_token(bytes: JsValue) -> JsResult<String> {
    optional_integer("bytes", &bytes)
        .and_then(|n| {
            pkce::random_token(n.map_or(32, |n| usize::try_from(n).unwrap_or(usize::MAX)))
        })
        .map_err(to_js_error)
}

/// `parseProviderMetadata(json, expectedIssuer)`
#[wasm_bindgen(js_name = parseProviderMetadata)]
pub fn parse_provider_metadata(json: JsValue, expected_issuer: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<ProviderMetadata, Error> {
        let issuer = string_arg("expectedIssuer", &expected_issuer)?;
        match json.as_string() {
            Some(text) => ProviderMetadata::from_json(&text, &issuer),
            None => {
                // An object goes through JSON.stringify so that the one strict parser sees it.
                let text = stringify(&json).ok_or_else(|| {
                    Error::InvalidMetadata(
                        "provider metadata must be a JSON string or object".into(),
                    )
                })?;
                ProviderMetadata::from_json(&text, &issuer)
            }
        }
    };
    to_plain(&run().map_err(to_js_error)?)
}

/// `parseCallback(url, expect)`
#[wasm_bindgen(js_name = parseCallback)]
pub fn parse_callback(url: JsValue, expect: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Error> {
        let url = string_arg("url", &url)?;
        let expect = expectation("parseCallback expectation", &expect)?;
        core_parse_callback(&url, &expect)
    };
    let r = run().map_err(to_js_error)?;
    to_plain(&CallbackResult {
        code: &r.code,
        state: &r.state,
        iss: r.iss.as_deref(),
    })
}
