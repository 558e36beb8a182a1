//! The `bearerChallenge` export: RFC 6750 answers for a thrown error. Conversions only: the rules are in
//! `crate::server` (challenge).

use crate::error::Error;
use crate::js::convert::{JsResult, to_js_error, to_plain};
use crate::js::options::options;
use crate::js::verify::algorithm_list;
use crate::server::{self as challenge, ChallengeOptions, Problem};
use crate::wire::OneOrMany;
use js_sys::{Array, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeResult<'a> {
    status: u16,
    www_authenticate: &'a str,
}

/// `bearerChallenge`'s options (see [`ChallengeOptions`]).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChallengeArgs {
    realm: Option<String>,
    #[serde(default)]
    error_description: bool,
    scope: Option<OneOrMany>,
    dpop_algs: Option<Vec<String>>,
    resource_metadata: Option<String>,
}

impl TryFrom<ChallengeArgs> for ChallengeOptions {
    type Error = Error;

    fn try_from(a: ChallengeArgs) -> Result<Self, Error> {
        Ok(ChallengeOptions {
            realm: a.realm,
            error_description: a.error_description,
            scope: a.scope,
            dpop_algs: a
                .dpop_algs
                .map(|names| algorithm_list("dpopAlgs", &names))
                .transpose()?,
            resource_metadata: a.resource_metadata,
        })
    }
}

/// A member of a JS object; `undefined` when absent or when reading it throws.
fn member(obj: &JsValue, name: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `bearerChallenge(error, opts?)`
#[wasm_bindgen(js_name = bearerChallenge)]
pub fn bearer_challenge(error: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<challenge::Challenge, Error> {
        let opts: ChallengeOptions =
            options::<ChallengeArgs>("bearerChallenge options", &opts)?.try_into()?;
        let problem = if error.is_undefined() || error.is_null() {
            Problem::MissingToken
        } else if error.is_object() {
            let required = member(&error, "requiredScopes");
            Problem::Failure {
                code: member(&error, "code").as_string().unwrap_or_default(),
                message: member(&error, "message").as_string().unwrap_or_default(),
                required_scopes: if Array::is_array(&required) {
                    Array::from(&required)
                        .iter()
                        .filter_map(|s| s.as_string())
                        .collect()
                } else {
                    Vec::new()
                },
            }
        } else {
            // A thrown string or number is not an oidc-edge error: a server failure.
            Problem::Failure {
                code: String::new(),
                message: String::new(),
                required_scopes: Vec::new(),
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
