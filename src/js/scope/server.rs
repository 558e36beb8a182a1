//! The scope exports of the `server` feature: `scopesOf`, `hasScopes`, `requireScopes` and the
//! `ScopeRequirement` class. Conversions only: the rules are in `crate::scope`.

use super::{one_or_many, requirement_arg};
use crate::error::Error;
use crate::js::convert::{JsResult, shared_handle, string_arg, to_js_error, type_name};
use crate::scope::{self, Mode, ScopeRequirement};
use js_sys::{Array, Reflect};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

/// The expression of a `ScopeRequirement` instance given as a required-scope argument.
pub(super) fn expression_arg(value: &JsValue) -> Option<ScopeRequirement> {
    shared_handle::<JsScopeRequirement>(value).map(|handle| handle.inner)
}

/// The `scope` and `scp` members of a claims object, as the core reads them. Only these two members are
/// read (no `JSON.stringify` of the whole object, which may hold BigInts or cycles).
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

fn string_array(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `scopesOf(claims)`
#[wasm_bindgen(js_name = scopesOf)]
pub fn scopes_of(claims: JsValue) -> JsResult<Array> {
    let claims = scope_claims(&claims).map_err(to_js_error)?;
    Ok(string_array(&scope::scopes_of(&claims)))
}

/// `hasScopes(claims, required, mode?)`
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
#[wasm_bindgen(js_name = requireScopes)]
pub fn require_scopes(claims: JsValue, required: JsValue) -> JsResult<()> {
    let run = || -> Result<(), Error> {
        let claims = scope_claims(&claims)?;
        scope::require(&claims, &requirement_arg("required", &required)?)
    };
    run().map_err(to_js_error)
}

/// `ScopeRequirement`: a parsed scope expression.
#[wasm_bindgen(js_name = ScopeRequirement)]
pub struct JsScopeRequirement {
    inner: ScopeRequirement,
}

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
