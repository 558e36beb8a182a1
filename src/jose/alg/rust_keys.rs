//! The public key types of the Rust algorithms (the `rust-crypto` feature) and their asymmetric signature
//! checks: ring for RS*, PS*, ES256 and ES384, RustCrypto for ES512, ES256K and EdDSA.

use super::Algorithm::{self, *};
use super::{VerifyingKey, check, ecdsa, ring_sig, scalars, signature_of, verified};
use crate::error::{Error, Result};
use jwt_compact::Algorithm as _;
use jwt_compact::alg as jc;
use sha2::Sha256;

pub use ed25519_dalek::VerifyingKey as Ed25519Key;
pub use k256::ecdsa::VerifyingKey as Secp256k1Key;
pub use p521::ecdsa::VerifyingKey as P521Key;
pub use ring_sig::EcKey as P256Key;
pub use ring_sig::EcKey as P384Key;
pub use ring_sig::RsaKey;

impl VerifyingKey {
    /// [`Self::verify`] for the families other than HMAC, `alg` being of the key's family.
    pub(super) fn verify_asymmetric(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        match (alg, self) {
            (Rs256, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::RS256, k, message, signature)
            }
            (Rs384, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::RS384, k, message, signature)
            }
            (Rs512, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::RS512, k, message, signature)
            }
            (Ps256, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::PS256, k, message, signature)
            }
            (Ps384, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::PS384, k, message, signature)
            }
            (Ps512, VerifyingKey::Rsa(k)) => {
                check(alg, &ring_sig::Rsa::PS512, k, message, signature)
            }
            (Es256, VerifyingKey::P256(k)) => {
                scalars::check_scalars(alg, signature)?;
                check(alg, &ring_sig::Ecdsa::ES256, k, message, signature)
            }
            (Es384, VerifyingKey::P384(k)) => {
                scalars::check_scalars(alg, signature)?;
                check(alg, &ring_sig::Ecdsa::ES384, k, message, signature)
            }
            (Es512, VerifyingKey::P521(k)) => {
                scalars::check_scalars(alg, signature)?;
                check(alg, &ecdsa::Es512, k, message, signature)
            }
            (Es256k, VerifyingKey::Secp256k1(k)) => {
                scalars::check_scalars(alg, signature)?;
                let sig = signature_of::<jc::Es256k>(alg, signature)?;
                // k256 refuses high-S signatures (a Bitcoin rule); RFC 8812 does not, and (r, n−s) verifies
                // exactly when (r, s) does.
                let sig = sig.normalize_s().unwrap_or(sig);
                verified(
                    alg,
                    jc::Es256k::<Sha256>::default().verify_signature(&sig, k, message),
                )
            }
            (EdDsa, VerifyingKey::Ed25519(k)) => check(alg, &jc::Ed25519, k, message, signature),
            _ => Err(Error::AlgorithmNotAllowed(format!(
                "an {} key cannot verify {}",
                self.kind(),
                alg.name()
            ))),
        }
    }
}
