//! The SPA build's stand-ins for what the `server` feature adds to `TokenVerifier` (see `server.rs`): the
//! keys are always the given `JwkSet`, and there is no verified-token cache.

use super::KeysFetch;
use crate::error::Error;
use crate::jose::{JwkSet, PendingSignature, VerifiedToken};
use crate::js::options::{Fields, Member, ReadError, Reader};
use crate::verify::{Policy, TokenVerifier};
use serde::de::Error as _;
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

impl Member for CacheConfig {
    fn read(_: Reader<'_>) -> Result<Self, ReadError> {
        Err(ReadError::custom(
            "cache (the verified-token cache) is not in the SPA entry",
        ))
    }
}

/// The `cache` member: refused when given (see [`CacheConfig`]).
pub(super) fn read_cache(f: &mut Fields<'_>) -> Result<Option<CacheConfig>, Error> {
    f.take("cache")
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

/// `dpop` (DPoP at a resource server), an option of the main entry only: giving one is `invalid_request`.
pub(super) enum DpopConfig {}

/// `verifyAccessToken`'s `dpop`, likewise refused.
pub(super) enum DpopArgs {}

impl Member for DpopConfig {
    fn read(_: Reader<'_>) -> Result<Self, ReadError> {
        Err(ReadError::custom(
            "dpop (DPoP proofs) is not in the SPA entry",
        ))
    }
}

impl Member for DpopArgs {
    fn read(_: Reader<'_>) -> Result<Self, ReadError> {
        Err(ReadError::custom(
            "dpop (DPoP proofs) is not in the SPA entry",
        ))
    }
}

/// The constructor's `dpop` member: refused when given (see [`DpopConfig`]).
pub(super) fn read_dpop(f: &mut Fields<'_>) -> Result<Option<DpopConfig>, Error> {
    f.take("dpop")
}

/// `verifyAccessToken`'s `dpop` member: refused when given (see [`DpopArgs`]).
pub(super) fn read_dpop_args(f: &mut Fields<'_>) -> Result<Option<DpopArgs>, Error> {
    f.take("dpop")
}

/// The DPoP policy of this build: none (see [`DpopConfig`]).
pub(super) struct NoDpop;

/// No DPoP policy in this build (see [`DpopConfig`]).
pub(super) fn dpop_policy(
    config: Option<DpopConfig>,
    _clock_tolerance: u64,
) -> Result<NoDpop, Error> {
    match config {
        None => Ok(NoDpop),
        Some(never) => match never {},
    }
}

/// Never called: a [`DpopArgs`] cannot be read in this build.
pub(super) fn with_proof_sync(
    _handle: &super::TokenVerifierHandle,
    _token: String,
    _options: crate::verify::AccessTokenOptions,
    proof: DpopArgs,
) -> crate::js::convert::JsResult<JsValue> {
    match proof {}
}

/// Never called, as [`with_proof_sync`].
pub(super) fn with_proof_async(
    _handle: &super::TokenVerifierHandle,
    _token: String,
    _options: crate::verify::AccessTokenOptions,
    proof: DpopArgs,
) -> js_sys::Promise {
    match proof {}
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
    pub(super) fn new(_source: KeySource, _replay: (), _dpop: NoDpop) -> Self {
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

    /// There is no remote set to fetch.
    pub(super) fn keys_due(
        &self,
        _token: &str,
        _now: u64,
        _failed: Option<&Error>,
    ) -> Option<KeysFetch> {
        None
    }

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
