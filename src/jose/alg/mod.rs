//! JWS algorithms (RFC 7518 §3, RFC 8037 §3.1, RFC 8812 §3.2) and the public keys that verify them.
//!
//! Every signature check in Rust goes through jwt-compact's [`jwt_compact::Algorithm`] trait: RS*, PS*, ES256
//! and ES384 are ring's (`ring_sig`), ES512 is RustCrypto's `p521` on that trait (`ecdsa`), ES256K, EdDSA and
//! HS* are jwt-compact's own. Without the `rust-crypto` feature only
//! HS* is checked here: the public keys of the other families are kept as `keys::WebCryptoKey`s, for WebCrypto.

#[cfg(feature = "rust-crypto")]
pub mod ecdsa;
#[cfg(feature = "rust-crypto")]
pub mod ring_sig;
pub mod scalars;
mod table;

// The public key types and the asymmetric signature checks: the Rust algorithms' with `rust-crypto`; without
// it, placeholders whose signatures only WebCrypto checks (through the binding).
#[cfg(feature = "rust-crypto")]
#[path = "rust_keys.rs"]
pub mod keys;
#[cfg(not(feature = "rust-crypto"))]
#[path = "webcrypto_keys.rs"]
pub mod keys;

use crate::error::{Error, Result, quote};
use jwt_compact::alg as jc;
use jwt_compact::{Algorithm as JwtAlgorithm, AlgorithmSignature};
use keys::{Ed25519Key, P256Key, P384Key, P521Key, RsaKey, Secp256k1Key};
use zeroize::Zeroizing;

pub use table::{AlgorithmInfo, KeyFamily, Sha, WebCrypto};

/// A JWS `alg` this library implements. `none` is not one of them, by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC with SHA-256.
    Hs256,
    /// HMAC with SHA-384.
    Hs384,
    /// HMAC with SHA-512.
    Hs512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256 (salt = hash length, RFC 7518 §3.5).
    Ps256,
    /// RSASSA-PSS with SHA-384.
    Ps384,
    /// RSASSA-PSS with SHA-512.
    Ps512,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
    /// ECDSA on P-521 with SHA-512.
    Es512,
    /// ECDSA on secp256k1 with SHA-256 (RFC 8812 §3.2).
    Es256k,
    /// EdDSA with Ed25519 (RFC 8037 §3.1).
    EdDsa,
}

use Algorithm::*;

impl Algorithm {
    /// Every implemented algorithm.
    pub const ALL: [Algorithm; 14] = [
        Hs256, Hs384, Hs512, Rs256, Rs384, Rs512, Ps256, Ps384, Ps512, Es256, Es384, Es512, Es256k,
        EdDsa,
    ];

    /// The registered `alg` name (RFC 7518 §3.1).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The algorithm named `name` (case-sensitive, RFC 7515 §4.1.1); `none` and unknown names are
    /// `unsupported_algorithm`.
    pub fn from_name(name: &str) -> Result<Self> {
        if let Some(alg) = Self::ALL.into_iter().find(|a| a.name() == name) {
            return Ok(alg);
        }
        Err(Error::UnsupportedAlgorithm(
            if name.eq_ignore_ascii_case("none") {
                "alg \"none\" (an unsecured JWS, RFC 7518 §3.6) is never accepted".into()
            } else {
                format!("alg {name} is not implemented", name = quote(name))
            },
        ))
    }

    /// Whether the algorithm is a MAC (HS*), whose key is a shared secret.
    pub fn is_symmetric(self) -> bool {
        matches!(self, Hs256 | Hs384 | Hs512)
    }

    /// The hash the algorithm signs with, applied to `data`. EdDSA/Ed25519 uses SHA-512 (OIDC Core errata
    /// §3.1.3.6 for `at_hash`/`c_hash`).
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        self.info().hash.digest(data)
    }

    /// The output length of [`Self::hash`] in bytes; an HMAC key must be at least this long (RFC 7518 §3.2).
    pub fn hash_len(self) -> usize {
        self.info().hash.output_len()
    }
}

/// Public key material (or, for HMAC, the shared secret) that verifies signatures of one key family.
#[derive(Clone)]
pub enum VerifyingKey {
    /// An HMAC secret, zeroed on drop.
    Hmac(Zeroizing<Vec<u8>>),
    /// An RSA public key.
    Rsa(RsaKey),
    /// A P-256 public key.
    P256(P256Key),
    /// A P-384 public key.
    P384(P384Key),
    /// A P-521 public key.
    P521(P521Key),
    /// A secp256k1 public key (only with `rust-crypto`: WebCrypto has no secp256k1, and without it the type
    /// has no value).
    Secp256k1(Secp256k1Key),
    /// An Ed25519 public key.
    Ed25519(Ed25519Key),
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print an HMAC secret; the family is enough to tell keys apart in a test failure.
        write!(f, "VerifyingKey({})", self.kind())
    }
}

impl VerifyingKey {
    /// The key family.
    pub fn key_family(&self) -> KeyFamily {
        match self {
            VerifyingKey::Hmac(_) => KeyFamily::Oct,
            VerifyingKey::Rsa(_) => KeyFamily::Rsa,
            VerifyingKey::P256(_) => KeyFamily::P256,
            VerifyingKey::P384(_) => KeyFamily::P384,
            VerifyingKey::P521(_) => KeyFamily::P521,
            VerifyingKey::Secp256k1(_) => KeyFamily::Secp256k1,
            VerifyingKey::Ed25519(_) => KeyFamily::Ed25519,
        }
    }

    /// The key family, for messages.
    pub fn kind(&self) -> &'static str {
        self.key_family().name()
    }

    /// The algorithms this key's family can verify. An HMAC secret only verifies HS* whose hash is no longer
    /// than the secret (RFC 7518 §3.2).
    pub fn family(&self) -> Vec<Algorithm> {
        let family = self.key_family();
        Algorithm::ALL
            .into_iter()
            .filter(|a| a.info().family == family)
            .filter(|a| match self {
                VerifyingKey::Hmac(k) => a.hash_len() <= k.len(),
                _ => true,
            })
            .collect()
    }

    /// Checks `signature` over `message` with `alg`: `algorithm_not_allowed` when `alg` is not of this key's
    /// family, `invalid_signature` when the signature is malformed or wrong.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        if !self.family().contains(&alg) {
            return Err(Error::AlgorithmNotAllowed(format!(
                "an {} key cannot verify {}",
                self.kind(),
                alg.name()
            )));
        }
        match (alg, self) {
            // jwt-compact compares MACs as digest's `CtOutput`, in constant time.
            (Hs256, VerifyingKey::Hmac(k)) => check(
                alg,
                &jc::Hs256,
                &jc::Hs256Key::new(k.as_slice()),
                message,
                signature,
            ),
            (Hs384, VerifyingKey::Hmac(k)) => check(
                alg,
                &jc::Hs384,
                &jc::Hs384Key::new(k.as_slice()),
                message,
                signature,
            ),
            (Hs512, VerifyingKey::Hmac(k)) => check(
                alg,
                &jc::Hs512,
                &jc::Hs512Key::new(k.as_slice()),
                message,
                signature,
            ),
            _ => self.verify_asymmetric(alg, message, signature),
        }
    }
}

/// The checks on a signature's form that come before any key is used, whoever verifies it afterwards (the
/// Rust algorithms or WebCrypto): ECDSA is raw `r‖s` of the curve's size with `r`, `s` in `[1, n-1]`
/// (CVE-2022-21449: never hand `(0, 0)` to a verifier), an Ed25519 signature is 64 bytes, an HMAC the hash's
/// length. `invalid_signature` otherwise. RSA lengths depend on the key and are checked by the verifier.
pub fn check_signature_form(alg: Algorithm, signature: &[u8]) -> Result<()> {
    match alg {
        Es256 | Es384 | Es512 | Es256k => scalars::check_scalars(alg, signature),
        EdDsa | Hs256 | Hs384 | Hs512 => match alg.info().signature_len {
            Some(len) if signature.len() != len => Err(Error::InvalidSignature(format!(
                "an {} signature is {} bytes, found {}",
                alg.name(),
                len,
                signature.len()
            ))),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Decodes and checks a signature through jwt-compact's traits.
fn check<A: JwtAlgorithm>(
    alg: Algorithm,
    algorithm: &A,
    key: &A::VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let sig = signature_of::<A>(alg, signature)?;
    verified(alg, algorithm.verify_signature(&sig, key, message))
}

/// The algorithm's signature type, after the fixed-length check jwt-compact's validator would make.
fn signature_of<A: JwtAlgorithm>(alg: Algorithm, bytes: &[u8]) -> Result<A::Signature> {
    if let Some(len) = A::Signature::LENGTH {
        if bytes.len() != len.get() {
            return Err(Error::InvalidSignature(format!(
                "an {} signature is {} bytes, found {}",
                alg.name(),
                len.get(),
                bytes.len()
            )));
        }
    }
    A::Signature::try_from_slice(bytes)
        .map_err(|_| Error::InvalidSignature(format!("malformed {} signature", alg.name())))
}

fn verified(alg: Algorithm, ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidSignature(format!(
            "the {} signature does not verify",
            alg.name()
        )))
    }
}

#[cfg(test)]
mod tests;
