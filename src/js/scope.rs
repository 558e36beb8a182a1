//! Exports for scope checks (`scopesOf`, `hasScopes`, `requireScopes`, `ScopeRequirement`) and RFC 6750
//! answers (`bearerChallenge`). Conversions only: the rules are in `crate::scope` and `crate::server::challenge`.
//! Without the `server` feature only [`requirement_arg`] is left (`verifyAccessToken`'s `requiredScopes`).

use super::convert::{string_arg, type_name};
use crate::error::Error;
use crate::scope::Requirement;
use crate::wire::OneOrMany;
use js_sys::Array;
use wasm_bindgen::prelude::*;
#[cfg(feature = "server")]
use {
    super::convert::{JsResult, options, shared_handle, to_js_error, to_plain},
    crate::scope::{self, Mode, ScopeRequirement},
    crate::server::{self as challenge, ChallengeOptions, Problem},
    js_sys::Reflect,
    serde::Serialize,
    serde_json::{Map, Value},
};

/// The `scope` and `scp` members of a claims object, as the core reads them. Only these two members are
/// read (no `JSON.stringify` of the whole object, which may hold BigInts or cycles).
#[cfg(feature = "server")]
fn scope_claims(claims: &JsValue) -> Result<Map<String, Value>, Error> {
    if !claims.is_object() || Array::is_array(claims) {
        return Err(Error::InvalidRequest(format!(
            "claims must be an object, found {}",
            type_name(claims)
        )));
    }
    let mut map = Map::new();
    for name in ["scope", "scp"] {
        let value = Reflect::get(claims, &JsValue::from_str(name))
            .map_err(|_| Error::InvalidRequest(format!("claims.{name} cannot be read")))?;
        if value.is_undefined() {
            continue;
        }
        let json = if let Some(s) = value.as_string() {
            Value::String(s)
        } else if Array::is_array(&value) {
            Value::Array(
                Array::from(&value)
                    .iter()
                    .map(|item| item.as_string().map_or(Value::Null, Value::String))
                    .collect(),
            )
        } else {
            // Present but of another type: grants nothing, and hides `scp` as in the core.
            Value::Null
        };
        map.insert(name.to_owned(), json);
    }
    Ok(map)
}

/// A required-scope argument: a space-separated string or an array of strings.
fn one_or_many(what: &str, value: &JsValue) -> Result<OneOrMany, Error> {
    if let Some(s) = value.as_string() {
        return Ok(OneOrMany::One(s));
    }
    if !Array::is_array(value) {
        return Err(Error::InvalidRequest(format!(
            "{what} must be a string or an array of strings, found {}",
            type_name(value)
        )));
    }
    Array::from(value)
        .iter()
        .enumerate()
        .map(|(i, item)| string_arg(&format!("{what}[{i}]"), &item))
        .collect::<Result<Vec<_>, _>>()
        .map(OneOrMany::Many)
}

/// A scope requirement argument: a space-separated string or an array (all of them are required), or a
/// `ScopeRequirement` instance (its expression), for `requireScopes` and `verifyAccessToken`'s `requiredScopes`.
pub fn requirement_arg(what: &str, value: &JsValue) -> Result<Requirement, Error> {
    #[cfg(feature = "server")]
    if let Some(handle) = shared_handle::<JsScopeRequirement>(value) {
        return Ok(Requirement::Expression(handle.inner));
    }
    Requirement::all_of(&one_or_many(what, value)?)
}

#[cfg(feature = "server")]
fn string_array(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `scopesOf(claims)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = scopesOf)]
pub fn scopes_of(claims: JsValue) -> JsResult<Array> {
    let claims = scope_claims(&claims).map_err(to_js_error)?;
    Ok(string_array(&scope::scopes_of(&claims)))
}

/// `hasScopes(claims, required, mode?)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(claims: JsValue, required: JsValue, mode: JsValue) -> JsResult<bool> {
    let run = || -> Result<bool, Error> {
        let claims = scope_claims(&claims)?;
        let list = scope::required_list(&one_or_many("required", &required)?)?;
        let mode: Mode = if mode.is_undefined() || mode.is_null() {
            Mode::All
        } else {
            string_arg("mode", &mode)?.parse()?
        };
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        Ok(scope::has_scopes(&claims, &refs, mode))
    };
    run().map_err(to_js_error)
}

/// `requireScopes(claims, required)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = requireScopes)]
pub fn require_scopes(claims: JsValue, required: JsValue) -> JsResult<()> {
    let run = || -> Result<(), Error> {
        let claims = scope_claims(&claims)?;
        scope::require(&claims, &requirement_arg("required", &required)?)
    };
    run().map_err(to_js_error)
}

/// `ScopeRequirement`: a parsed scope expression.
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = ScopeRequirement)]
pub struct JsScopeRequirement {
    inner: ScopeRequirement,
}

#[cfg(feature = "server")]
#[wasm_bindgen(js_class = ScopeRequirement)]
impl JsScopeRequirement {
    /// `new ScopeRequirement(expr)`: the same as `parse` (so that `new` without an expression throws an
    /// `OidcEdgeError` instead of making an empty object).
    #[wasm_bindgen(constructor)]
    pub fn new(expr: JsValue) -> JsResult<JsScopeRequirement> {
        Self::parse(expr)
    }

    /// `ScopeRequirement.parse(expr)`
    pub fn parse(expr: JsValue) -> JsResult<JsScopeRequirement> {
        string_arg("expr", &expr)
            .and_then(|e| ScopeRequirement::parse(&e))
            .map(|inner| JsScopeRequirement { inner })
            .map_err(to_js_error)
    }

    /// Not public API: a copy for exports that take a `ScopeRequirement` (see `convert::SHARE_METHOD`).
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> JsScopeRequirement {
        JsScopeRequirement {
            inner: self.inner.clone(),
        }
    }

    /// `requirement.check(claims)`
    pub fn check(&self, claims: JsValue) -> JsResult<bool> {
        let claims = scope_claims(&claims).map_err(to_js_error)?;
        Ok(self.inner.check(&claims))
    }

    /// `requirement.require(claims)`: throws `insufficient_scope`.
    #[wasm_bindgen(js_name = require)]
    pub fn require_js(&self, claims: JsValue) -> JsResult<()> {
        let claims = scope_claims(&claims).map_err(to_js_error)?;
        self.inner
            .require_granted(&scope::scopes_of(&claims).into_iter().collect())
            .map_err(to_js_error)
    }

    /// `requirement.satisfyingScopes(claims?)`
    #[wasm_bindgen(js_name = satisfyingScopes)]
    pub fn satisfying_scopes(&self, claims: JsValue) -> JsResult<Array> {
        let granted = if claims.is_undefined() || claims.is_null() {
            Default::default()
        } else {
            let claims = scope_claims(&claims).map_err(to_js_error)?;
            scope::scopes_of(&claims).into_iter().collect()
        };
        Ok(string_array(&self.inner.satisfying_scopes(&granted)))
    }

    /// `requirement.scopes`
    #[wasm_bindgen(getter)]
    pub fn scopes(&self) -> Array {
        string_array(self.inner.scopes())
    }

    /// `requirement.toString()`: the canonical form.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.inner.to_string()
    }

    /// `JSON.stringify(requirement)`: the canonical form.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.inner.to_string()
    }
}

#[cfg(feature = "server")]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChallengeResult<'a> {
    status: u16,
    www_authenticate: &'a str,
}

/// A member of a JS object; `undefined` when absent or when reading it throws.
#[cfg(feature = "server")]
fn member(obj: &JsValue, name: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `bearerChallenge(error, opts?)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = bearerChallenge)]
pub fn bearer_challenge(error: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<challenge::Challenge, Error> {
        let opts: ChallengeOptions = options("bearerChallenge options", &opts)?;
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
