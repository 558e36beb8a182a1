//! The `bearerChallenge` export: RFC 6750 answers for a thrown error. Conversions only: the rules are in
//! `crate::server` (challenge).

use crate::error::Error;
use crate::js::convert::{JsResult, to_js_error, to_plain};
use crate::js::options::Fields;
use crate::js::verify::algorithm_list;
use crate::server::{self as challenge, ChallengeOptions, Problem};
use js_sys::{Array, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeResult<'a> {
    status: u16,
    www_authenticate: &'a str,
}

/// `bearerChallenge`'s options (see [`ChallengeOptions`]).
fn challenge_options(value: &JsValue) -> Result<ChallengeOptions, Error> {
    let names = &[
        "realm",
        "errorDescription",
        "scope",
        "dpopAlgs",
        "resourceMetadata",
    ];
    let mut f = Fields::optional("bearerChallenge options", value, names)?;
    Ok(ChallengeOptions {
        realm: f.take("realm")?,
        error_description: f.take("errorDescription")?.unwrap_or_default(),
        scope: f.take("scope")?,
        dpop_algs: f
            .take::<Vec<String>>("dpopAlgs")?
            .map(|names| algorithm_list("dpopAlgs", &names))
            .transpose()?,
        resource_metadata: f.take("resourceMetadata")?,
    })
}

/// A member of a JS object; `undefined` when absent or when reading it throws.
fn member(obj: &JsValue, name: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `bearerChallenge(error, opts?)`
#[wasm_bindgen(js_name = bearerChallenge)]
pub fn bearer_challenge(error: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<challenge::Challenge, Error> {
        let opts = challenge_options(&opts)?;
        let problem = if error.is_undefined() || error.is_null() {
            Problem::MissingToken
        } else if error.is_object() {
            let required = member(&error, "requiredScopes");
            let strings = |v: JsValue| -> Vec<String> {
                if Array::is_array(&v) {
                    Array::from(&v)
                        .iter()
                        .filter_map(|s| s.as_string())
                        .collect()
                } else {
                    Vec::new()
                }
            };
            let max_age = member(&error, "maxAge")
                .as_f64()
                .filter(|n| {
                    n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n <= 9_007_199_254_740_991.0
                })
                .map(|n| n as u64);
            Problem::Failure {
                step_up: (strings(member(&error, "acrValues")), max_age),
                code: member(&error, "code").as_string().unwrap_or_default(),
                message: member(&error, "message").as_string().unwrap_or_default(),
                required_scopes: strings(required),
            }
        } else {
            // A thrown string or number is not an oidc-edge error: a server failure.
            Problem::Failure {
                code: String::new(),
                message: String::new(),
                required_scopes: Vec::new(),
                step_up: (Vec::new(), None),
            }
        };
        challenge::bearer_challenge(&problem, &opts)
    };
    let c = run().map_err(to_js_error)?;
    to_plain(&ChallengeResult {
        status: c.status,
        www_authenticate: &c.www_authenticate,
    })
}
