//! Scope arguments (`verifyAccessToken`'s `requiredScopes`, `requireScopes`), and with the `server` feature
//! the scope exports (`scopesOf`, `hasScopes`, `requireScopes`, `ScopeRequirement`, in `server.rs`).
//! Conversions only: the rules are in `crate::scope`.

use super::convert::{string_arg, type_name};
use crate::error::Error;
use crate::scope::Requirement;
use crate::wire::OneOrMany;
use js_sys::Array;
use wasm_bindgen::prelude::*;

// The scope exports of the `server` feature; without it, no `ScopeRequirement` instance can be an argument.
#[cfg(feature = "server")]
#[path = "scope/server.rs"]
pub mod server;
#[cfg(not(feature = "server"))]
#[path = "scope/spa.rs"]
mod server;

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
    if let Some(expression) = server::expression_arg(value) {
        return Ok(Requirement::Expression(expression));
    }
    Requirement::all_of(&one_or_many(what, value)?)
}
