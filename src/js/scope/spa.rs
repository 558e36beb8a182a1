//! The SPA build has no `ScopeRequirement` class (see `server.rs`).

use crate::scope::ScopeRequirement;
use wasm_bindgen::JsValue;

/// No value is a `ScopeRequirement` instance here.
pub(super) fn expression_arg(_value: &JsValue) -> Option<ScopeRequirement> {
    None
}
