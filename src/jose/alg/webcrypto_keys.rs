//! Without the `rust-crypto` feature: public keys kept for WebCrypto, which checks their signatures (the
//! binding's Async methods); the synchronous path refuses them.

use super::{Algorithm, VerifyingKey};
use crate::error::{Error, Result};

/// A public key that only WebCrypto verifies (a build without `rust-crypto`): the key material is the JWK's
/// public members ([`crate::jose::jwk::Jwk::public_jwk`]), checked for form when the set was read.
#[derive(Debug, Clone, Copy)]
pub struct WebCryptoKey;

pub use WebCryptoKey as Ed25519Key;
pub use WebCryptoKey as P256Key;
pub use WebCryptoKey as P384Key;
pub use WebCryptoKey as P521Key;
pub use WebCryptoKey as RsaKey;

/// No secp256k1 key exists in this build: WebCrypto has no such curve.
#[derive(Debug, Clone, Copy)]
pub enum Secp256k1Key {}

impl VerifyingKey {
    /// Without `rust-crypto`, only WebCrypto verifies these families (the binding's Async methods); the
    /// synchronous path refuses rather than pretend.
    pub(super) fn verify_asymmetric(
        &self,
        alg: Algorithm,
        _message: &[u8],
        _signature: &[u8],
    ) -> Result<()> {
        Err(Error::UnsupportedAlgorithm(format!(
            "this build checks {} signatures only through WebCrypto: use verifyAsync, verifyIdTokenAsync \
             or verifyAccessTokenAsync, in a runtime whose crypto.subtle supports the key",
            alg.name()
        )))
    }
}
