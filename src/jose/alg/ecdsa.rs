//! ECDSA that neither jwt-compact nor ring has: ES512 on jwt-compact's `Algorithm` trait (with RustCrypto's
//! `p521`). The r, s range check is in `scalars`, shared with the WebCrypto path.

use ::ecdsa::signature::{RandomizedSigner, Verifier};
use jwt_compact::AlgorithmSignature;
use std::borrow::Cow;
use std::num::NonZeroUsize;

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
                // The curve crate hashes with the curve's JWS hash (SHA-512 for P-521).
                verifying_key.verify(message, &signature.0).is_ok()
            }
        }
    };
}

ecdsa_algorithm!(
    /// `ES512`: ECDSA on P-521 with SHA-512 (RFC 7518 §3.4).
    Es512, "ES512", p521, 66
);
