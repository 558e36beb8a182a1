//! RS*, PS*, ES256 and ES384 on jwt-compact's `Algorithm` trait, verified by ring: in wasm32 it is 2× the
//! speed of the `rsa` crate and 1.5–1.7× that of `p256`/`p384` (docs/benchmarks.md). Verification only.
//! The keys are stored in the form ring takes, once per JWK; ring parses them again on every verification
//! (0.17 has no public parsed verifying key), which costs little next to the signature arithmetic.

use ::ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, RSA_PKCS1_2048_8192_SHA256,
    RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512, RSA_PSS_2048_8192_SHA256,
    RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512, RsaParameters, RsaPublicKeyComponents,
    UnparsedPublicKey, VerificationAlgorithm,
};
use jwt_compact::AlgorithmSignature;
use std::borrow::Cow;
use std::num::NonZeroUsize;

/// An RSA public key as ring takes it: big-endian `n` and `e` without leading zeros. [`crate::jose::jwk`] has
/// checked them against ring's rules (odd `n` of 2048–8192 bits, odd `e` in [3, 2^33 − 1]) when it read the JWK.
#[derive(Clone)]
pub struct RsaKey {
    n: Box<[u8]>,
    e: Box<[u8]>,
}

impl RsaKey {
    /// The key of modulus `n` and exponent `e`, big-endian; leading zero bytes are dropped.
    pub fn new(n: &[u8], e: &[u8]) -> Self {
        let strip = |b: &[u8]| -> Box<[u8]> { b.iter().copied().skip_while(|x| *x == 0).collect() };
        RsaKey {
            n: strip(n),
            e: strip(e),
        }
    }
}

/// An EC public key as ring takes it: the uncompressed SEC1 point `0x04‖x‖y`, checked to be on its curve
/// when the JWK was read.
#[derive(Clone)]
pub struct EcKey(Box<[u8]>);

impl EcKey {
    /// The key of the uncompressed SEC1 point `point`.
    pub fn new(point: &[u8]) -> Self {
        EcKey(point.into())
    }
}

/// Signing is not this library's: an uninhabited key type makes `sign` unreachable by construction.
pub enum NoSigning {}

/// A signature's bytes; ring checks their length and form itself (an RSA signature's depends on the key).
pub struct RingSignature(Vec<u8>);

impl AlgorithmSignature for RingSignature {
    const LENGTH: Option<NonZeroUsize> = None;

    fn try_from_slice(slice: &[u8]) -> anyhow::Result<Self> {
        Ok(RingSignature(slice.to_vec()))
    }

    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.0)
    }
}

/// RSASSA-PKCS1-v1_5 or RSASSA-PSS (salt = hash length, RFC 7518 §3.5) with one hash.
pub struct Rsa(&'static RsaParameters, &'static str);

impl Rsa {
    /// `RS256`.
    pub const RS256: Rsa = Rsa(&RSA_PKCS1_2048_8192_SHA256, "RS256");
    /// `RS384`.
    pub const RS384: Rsa = Rsa(&RSA_PKCS1_2048_8192_SHA384, "RS384");
    /// `RS512`.
    pub const RS512: Rsa = Rsa(&RSA_PKCS1_2048_8192_SHA512, "RS512");
    /// `PS256`.
    pub const PS256: Rsa = Rsa(&RSA_PSS_2048_8192_SHA256, "PS256");
    /// `PS384`.
    pub const PS384: Rsa = Rsa(&RSA_PSS_2048_8192_SHA384, "PS384");
    /// `PS512`.
    pub const PS512: Rsa = Rsa(&RSA_PSS_2048_8192_SHA512, "PS512");
}

impl jwt_compact::Algorithm for Rsa {
    type SigningKey = NoSigning;
    type VerifyingKey = RsaKey;
    type Signature = RingSignature;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.1)
    }

    fn sign(&self, signing_key: &NoSigning, _message: &[u8]) -> RingSignature {
        match *signing_key {}
    }

    fn verify_signature(&self, signature: &RingSignature, key: &RsaKey, message: &[u8]) -> bool {
        RsaPublicKeyComponents {
            n: &key.n,
            e: &key.e,
        }
        .verify(self.0, message, &signature.0)
        .is_ok()
    }
}

/// ECDSA with raw `r‖s` signatures (RFC 7518 §3.4) on P-256 or P-384.
pub struct Ecdsa(&'static dyn VerificationAlgorithm, &'static str);

impl Ecdsa {
    /// `ES256`: P-256 with SHA-256.
    pub const ES256: Ecdsa = Ecdsa(&ECDSA_P256_SHA256_FIXED, "ES256");
    /// `ES384`: P-384 with SHA-384.
    pub const ES384: Ecdsa = Ecdsa(&ECDSA_P384_SHA384_FIXED, "ES384");
}

impl jwt_compact::Algorithm for Ecdsa {
    type SigningKey = NoSigning;
    type VerifyingKey = EcKey;
    type Signature = RingSignature;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed(self.1)
    }

    fn sign(&self, signing_key: &NoSigning, _message: &[u8]) -> RingSignature {
        match *signing_key {}
    }

    fn verify_signature(&self, signature: &RingSignature, key: &EcKey, message: &[u8]) -> bool {
        UnparsedPublicKey::new(self.0, &key.0)
            .verify(message, &signature.0)
            .is_ok()
    }
}
