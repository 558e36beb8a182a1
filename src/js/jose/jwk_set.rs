//! The `JwkSet` export: a handle on a core [`JwkSet`] (the keys it could use from a JWKS).

use crate::error::Error;
use crate::jose::JwkSet;
use crate::js::convert::{JsResult, stringify, to_js_error, type_name};
use wasm_bindgen::prelude::*;

/// `JwkSet`: the usable keys of a JWKS.
#[wasm_bindgen(js_name = JwkSet)]
pub struct JwkSetHandle {
    inner: JwkSet,
}

impl JwkSetHandle {
    /// The core set, for a verifier.
    pub(crate) fn into_inner(self) -> JwkSet {
        self.inner
    }
}

/// A handle on a core set (a `RemoteJwks`'s current keys).
impl From<JwkSet> for JwkSetHandle {
    fn from(inner: JwkSet) -> Self {
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
