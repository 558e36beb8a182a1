//! The SPA build's stand-ins for what the `server` feature adds to `TokenVerifier` (see `server.rs`): the
//! keys are always the given `JwkSet`, and there is no verified-token cache.

use crate::error::Error;
use crate::jose::{JwkSet, PendingSignature, VerifiedToken};
use crate::verify::{Policy, TokenVerifier};
use serde::de::{Deserialize, Deserializer, Error as _};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// The keys are the `JwkSet` the verifier was made with.
pub(super) enum KeySource {
    Fixed,
}

pub(super) const JWKS_OPTION: &str =
    "TokenVerifier options: jwks must be a JwkSet (from JwkSet.fromJson)";

/// There is no `RemoteJwks` in this build.
pub(super) fn remote_jwks(_value: &JsValue) -> Option<(JwkSet, KeySource)> {
    None
}

/// `cache`, an option of the main entry only: giving one is `invalid_request`.
pub(super) enum CacheConfig {}

impl<'de> Deserialize<'de> for CacheConfig {
    fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(D::Error::custom(
            "cache (the verified-token cache) is not in the SPA entry",
        ))
    }
}

/// The verifier alone: no verified-token cache.
pub(super) struct Core(TokenVerifier);

impl Core {
    /// The verifier.
    pub(super) fn verifier(&self) -> &TokenVerifier {
        &self.0
    }
}

/// The verifier; a `cache` cannot be read in this build (see [`CacheConfig`]).
pub(super) fn core(verifier: TokenVerifier, cache: Option<CacheConfig>) -> Result<Core, Error> {
    match cache {
        None => Ok(Core(verifier)),
        Some(never) => match never {},
    }
}

/// No replay store in this build: `replayStore` stays in the options, whose reader refuses it.
pub(super) fn replay_store(opts: &JsValue) -> Result<(JsValue, ()), Error> {
    Ok((opts.clone(), ()))
}

/// No key source to follow.
pub(super) struct Extras;

/// node:crypto is not in this build.
pub(super) fn native_installed() -> bool {
    false
}

impl Extras {
    pub(super) fn new(_source: KeySource, _replay: ()) -> Self {
        Extras
    }

    /// The synchronous signature check: the Rust algorithms.
    pub(super) fn check_signature(
        &self,
        pending: PendingSignature,
    ) -> Result<VerifiedToken, Error> {
        pending.verify_with_rust()
    }

    /// The keys never change.
    pub(super) fn sync_keys(&self, _core: &RefCell<Core>) {}

    /// Nothing is cached.
    pub(super) fn cached(
        &self,
        _core: &RefCell<Core>,
        _token: &str,
        _policy: &Policy,
    ) -> Result<Option<String>, Error> {
        Ok(None)
    }

    /// Nothing is kept.
    pub(super) fn remember(
        &self,
        _core: &RefCell<Core>,
        _token: &str,
        _verified: VerifiedToken,
        _json: &str,
        _policy: &Policy,
    ) {
    }
}
