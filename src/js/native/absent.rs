//! The stand-in for `native.rs` in a build no Node entry loads (the Worker entry's, without the `node`
//! feature): no node:crypto backend is ever installed, so each signature goes to WebCrypto or the Rust
//! algorithms, as in a Worker with the main module.

use super::verify::ImportedKeys;
use crate::error::Error;
use crate::jose::{PendingSignature, SignatureCheck, VerifiedToken};
use std::cell::RefCell;

/// No backend is ever installed in this build.
pub(super) fn installed() -> bool {
    false
}

/// A node:crypto key, which this build never imports.
#[derive(Clone)]
pub(super) enum NativeKey {}

/// No answer: the Rust algorithms decide.
pub(super) fn answer(
    _keys: &RefCell<ImportedKeys<NativeKey>>,
    _check: &SignatureCheck<'_>,
) -> Option<bool> {
    None
}

/// The signature check of a pending verification, by the Rust algorithms.
pub(super) fn verify(
    _keys: &RefCell<ImportedKeys<NativeKey>>,
    pending: PendingSignature,
) -> Result<VerifiedToken, Error> {
    pending.verify_with(|_| None)
}
