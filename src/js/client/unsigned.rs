//! The SPA build signs no client assertions (see `sign.rs`): a `private_key_jwt` client passes one signed
//! elsewhere, as `clientAuth.clientAssertion`.

use super::endpoints::client_auth_sync;
use crate::client::ClientAuth;
use crate::error::Error;
use wasm_bindgen::JsValue;

/// Why `clientAuth.key` cannot be used in this build.
pub(super) const CANNOT_SIGN: &str = "this build does not sign client assertions: pass clientAuth.clientAssertion, \
     signed elsewhere";

/// Nothing signs: as [`client_auth_sync`].
pub(super) async fn client_auth_async(
    value: &JsValue,
    _endpoint: &str,
    _now: u64,
) -> Result<ClientAuth, Error> {
    client_auth_sync(value)
}
