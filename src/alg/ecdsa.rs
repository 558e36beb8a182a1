//! ECDSA details jwt-compact leaves to us: ES384 and ES512 on its `Algorithm` trait (with RustCrypto's
//! `p384`/`p521`), and the explicit r, s ∈ [1, n−1] check every ECDSA verification makes first.

use super::Algorithm;
use crate::error::{Error, Result};
use ::ecdsa::signature::{RandomizedSigner, Verifier};
use elliptic_curve::bigint::Zero;
use elliptic_curve::generic_array::typenum::Unsigned;
use elliptic_curve::{Curve, FieldBytes, FieldBytesEncoding};
use jwt_compact::AlgorithmSignature;
use std::borrow::Cow;
use std::num::NonZeroUsize;

/// Rejects an ECDSA signature that is not raw `r‖s` of the curve's size (RFC 7518 §3.4), or whose r or s
/// is 0 or ≥ n: CVE-2022-21449 accepted (0, 0) for every message, so this does not rely on the curve crate.
pub(super) fn check_scalars<C: Curve>(alg: Algorithm, signature: &[u8]) -> Result<()> {
    let size = C::FieldBytesSize::USIZE;
    let (r, s) = signature
        .split_at_checked(size)
        .filter(|(_, s)| s.len() == size)
        .ok_or_else(|| {
            Error::InvalidSignature(format!(
                "an {} signature is r‖s, {} bytes, found {}",
                alg.name(),
                2 * size,
                signature.len()
            ))
        })?;
    for scalar in [r, s] {
        let bytes = FieldBytes::<C>::from_exact_iter(scalar.iter().copied())
            .ok_or_else(|| Error::InvalidSignature("ECDSA scalar of the wrong size".into()))?;
        let value = C::Uint::decode_field_bytes(&bytes);
        if bool::from(value.is_zero()) || value >= C::ORDER {
            return Err(Error::InvalidSignature(format!(
                "{} signature scalars must be in [1, n-1]",
                alg.name()
            )));
        }
    }
    Ok(())
}

/// A raw `r‖s` ECDSA signature (jwt-compact's signature trait, for curves it does not cover).
pub struct EcdsaSignature<S>(S);

macro_rules! ecdsa_algorithm {
    ($(#[$doc:meta])* $name:ident, $alg:literal, $curve:ident, $size:literal) => {
        $(#[$doc])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $name;

        impl AlgorithmSignature for EcdsaSignature<$curve::ecdsa::Signature> {
            const LENGTH: Option<NonZeroUsize> = NonZeroUsize::new(2 * $size);

            fn try_from_slice(slice: &[u8]) -> anyhow::Result<Self> {
                $curve::ecdsa::Signature::from_slice(slice)
                    .map(EcdsaSignature)
                    .map_err(|e| anyhow::anyhow!(e))
            }

            fn as_bytes(&self) -> Cow<'_, [u8]> {
                Cow::Owned(self.0.to_bytes().to_vec())
            }
        }

        impl jwt_compact::Algorithm for $name {
            type SigningKey = $curve::ecdsa::SigningKey;
            type VerifyingKey = $curve::ecdsa::VerifyingKey;
            type Signature = EcdsaSignature<$curve::ecdsa::Signature>;

            fn name(&self) -> Cow<'static, str> {
                Cow::Borrowed($alg)
            }

            fn sign(&self, signing_key: &Self::SigningKey, message: &[u8]) -> Self::Signature {
                EcdsaSignature(signing_key.sign_with_rng(&mut elliptic_curve::rand_core::OsRng, message))
            }

            fn verify_signature(
                &self,
                signature: &Self::Signature,
                verifying_key: &Self::VerifyingKey,
                message: &[u8],
            ) -> bool {
                // The curve crate hashes with the curve's JWS hash (SHA-384 for P-384, SHA-512 for P-521).
                verifying_key.verify(message, &signature.0).is_ok()
            }
        }
    };
}

ecdsa_algorithm!(
    /// `ES384`: ECDSA on P-384 with SHA-384 (RFC 7518 §3.4).
    Es384, "ES384", p384, 48
);
ecdsa_algorithm!(
    /// `ES512`: ECDSA on P-521 with SHA-512 (RFC 7518 §3.4).
    Es512, "ES512", p521, 66
);
