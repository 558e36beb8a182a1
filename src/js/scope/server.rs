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

thread_local! {
    /// The member names read, made into JS strings once.
    static NAMES: [(&'static str, JsValue); 2] =
        ["scope", "scp"].map(|name| (name, JsValue::from_str(name)));
}

/// The `scope` and `scp` members of a claims object, as the core reads them. Only these two members are
/// read (no `JSON.stringify` of the whole object, which may hold BigInts or cycles).
/// Also hands back the string members as the JS strings they were.
fn scope_claims(claims: &JsValue) -> Result<ScopeClaims, Error> {
    if !claims.is_object() || Array::is_array(claims) {
        return Err(Error::InvalidRequest(format!(
            "claims must be an object, found {}",
            type_name(claims)
        )));
    }
    NAMES.with(|names| read_scope_claims(claims, names))
}

/// The claims the core reads, and the members that were strings, as JS strings, by name.
struct ScopeClaims {
    map: Map<String, Value>,
    texts: Vec<(&'static str, JsValue)>,
}

fn read_scope_claims(
    claims: &JsValue,
    names: &[(&'static str, JsValue); 2],
) -> Result<ScopeClaims, Error> {
    let mut map = Map::new();
    let mut texts = Vec::new();
    for (name, key) in names {
        let value = Reflect::get(claims, key)
            .map_err(|_| Error::InvalidRequest(format!("claims.{name} cannot be read")))?;
        if value.is_undefined() {
            continue;
        }
        let json = if let Some(s) = value.as_string() {
            texts.push((*name, value));
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
        map.insert((*name).to_owned(), json);
    }
    Ok(ScopeClaims { map, texts })
}

#[wasm_bindgen]
extern "C" {
    /// A JS string, for its `split` with a separator that is already a JS string.
    type Text;
    #[wasm_bindgen(method)]
    fn split(this: &Text, separator: &JsValue) -> Array;
}

thread_local! {
    static SPACE: JsValue = JsValue::from_str(" ");
}

/// Splits a JS string at each space, natively.
fn split_spaces(text: &JsValue) -> Array {
    SPACE.with(|space| text.unchecked_ref::<Text>().split(space))
}

/// Scope names as a JS array: one string crossing and a native `split` rather than one crossing per name
/// (a scope-token never holds a space, so the joined names split back into the same items).
fn string_array<S: AsRef<str>>(items: &[S]) -> Array {
    if items.is_empty() || items.iter().any(|s| s.as_ref().contains(' ')) {
        return items
            .iter()
            .map(|s| JsValue::from_str(s.as_ref()))
            .collect();
    }
    let joined = items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<&str>>()
        .join(" ");
    split_spaces(&JsValue::from_str(&joined))
}

/// `scopesOf(claims)`
#[wasm_bindgen(js_name = scopesOf)]
pub fn scopes_of(claims: JsValue) -> JsResult<Array> {
    let ScopeClaims { map, texts } = scope_claims(&claims).map_err(to_js_error)?;
    let granted = scope::granted_scopes(&map);
    // The usual token: every space-separated piece of the member read is granted (the granted scopes are
    // those pieces, in order, less invalid and repeated ones, so as many means the same): the JS string it
    // was is split as is, with no copy back.
    if let Some((name, Value::String(text))) = scope::scope_claim(&map) {
        let pieces = text.bytes().filter(|&b| b == b' ').count() + 1;
        if pieces == granted.len() {
            if let Some((_, js)) = texts.iter().find(|(n, _)| *n == name) {
                return Ok(split_spaces(js));
            }
        }
    }
    Ok(string_array(&granted))
}

/// `hasScopes(claims, required, mode?)`
#[wasm_bindgen(js_name = hasScopes)]
pub fn has_scopes(claims: JsValue, required: JsValue, mode: JsValue) -> JsResult<bool> {
    let run = || -> Result<bool, Error> {
        let claims = scope_claims(&claims)?.map;
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
        let claims = scope_claims(&claims)?.map;
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
        let claims = scope_claims(&claims).map_err(to_js_error)?.map;
        Ok(self.inner.check(&claims))
    }

    /// `requirement.require(claims)`: throws `insufficient_scope`.
    #[wasm_bindgen(js_name = require)]
    pub fn require_js(&self, claims: JsValue) -> JsResult<()> {
        let claims = scope_claims(&claims).map_err(to_js_error)?.map;
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
            let claims = scope_claims(&claims).map_err(to_js_error)?.map;
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
