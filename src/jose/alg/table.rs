//! What each JWS algorithm is, in one table keyed by [`Algorithm`]: its `alg` name, hash, key family,
//! signature length, and the WebCrypto parameters that import its keys and verify or sign with it (W3C Web
//! Cryptography API: RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA, Ed25519). Token verification and client assertions
//! both read it.

use super::Algorithm::{self, *};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A SHA-2 hash an algorithm signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sha {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Sha {
    /// The WebCrypto name: `SHA-256`, `SHA-384`, `SHA-512`.
    pub fn webcrypto_name(self) -> &'static str {
        match self {
            Sha::Sha256 => "SHA-256",
            Sha::Sha384 => "SHA-384",
            Sha::Sha512 => "SHA-512",
        }
    }

    /// The output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Sha::Sha256 => 32,
            Sha::Sha384 => 48,
            Sha::Sha512 => 64,
        }
    }

    /// The hash of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Sha::Sha256 => Sha256::digest(data).to_vec(),
            Sha::Sha384 => Sha384::digest(data).to_vec(),
            Sha::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// The kind of key an algorithm's signatures are made with (RFC 7518 §6, RFC 8037 §2, RFC 8812 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// `kty: "oct"`, a shared secret.
    Oct,
    /// `kty: "RSA"`.
    Rsa,
    /// `kty: "EC"`, `crv: "P-256"`.
    P256,
    /// `kty: "EC"`, `crv: "P-384"`.
    P384,
    /// `kty: "EC"`, `crv: "P-521"`.
    P521,
    /// `kty: "EC"`, `crv: "secp256k1"`.
    Secp256k1,
    /// `kty: "OKP"`, `crv: "Ed25519"`.
    Ed25519,
}

impl KeyFamily {
    /// The family as messages name it (`"RSA"`, `"EC P-256"`…).
    pub fn name(self) -> &'static str {
        match self {
            KeyFamily::Oct => "oct",
            KeyFamily::Rsa => "RSA",
            KeyFamily::P256 => "EC P-256",
            KeyFamily::P384 => "EC P-384",
            KeyFamily::P521 => "EC P-521",
            KeyFamily::Secp256k1 => "EC secp256k1",
            KeyFamily::Ed25519 => "OKP Ed25519",
        }
    }
}

/// WebCrypto's parameters for an algorithm: `importKey`'s, and those `verify` and `sign` take (the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebCrypto {
    /// The WebCrypto algorithm name, in every call.
    pub name: &'static str,
    /// `importKey`'s `hash`: WebCrypto binds an RSA key to one hash.
    pub import_hash: Option<Sha>,
    /// `importKey`'s `namedCurve` (ECDSA).
    pub named_curve: Option<&'static str>,
    /// `verify`'s and `sign`'s `hash` (ECDSA).
    pub hash: Option<Sha>,
    /// `verify`'s and `sign`'s `saltLength` in bytes (RSA-PSS: the hash's length, RFC 7518 §3.5).
    pub salt_length: Option<u32>,
}

impl WebCrypto {
    /// Whether a `CryptoKey` whose `algorithm` has this `name`, `hash.name` and `namedCurve` is a key of
    /// this algorithm.
    pub fn fits_key(&self, name: &str, hash: Option<&str>, curve: Option<&str>) -> bool {
        self.name == name
            && self
                .import_hash
                .is_none_or(|h| Some(h.webcrypto_name()) == hash)
            && self.named_curve.is_none_or(|c| Some(c) == curve)
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgorithmInfo {
    /// The registered `alg` name (RFC 7518 §3.1).
    pub name: &'static str,
    /// The hash it signs with (EdDSA/Ed25519: SHA-512, OIDC Core errata §3.1.3.6 for `at_hash`/`c_hash`).
    pub hash: Sha,
    /// The keys that make and check its signatures.
    pub family: KeyFamily,
    /// Its signatures' fixed length in bytes (ECDSA's raw `r‖s`, RFC 7518 §3.4); `None` for RSA, whose
    /// signature is as long as the key's modulus.
    pub signature_len: Option<usize>,
    /// WebCrypto's parameters; `None` where the Rust algorithms always check it (HS*: faster in wasm than
    /// WebCrypto's asynchronous hop; ES256K: WebCrypto has no secp256k1).
    pub webcrypto: Option<WebCrypto>,
}

const fn hmac(name: &'static str, hash: Sha, len: usize) -> AlgorithmInfo {
    AlgorithmInfo {
        name,
        hash,
        family: KeyFamily::Oct,
        signature_len: Some(len),
        webcrypto: None,
    }
}

const fn rsa(
    name: &'static str,
    hash: Sha,
    webcrypto: &'static str,
    salt: Option<u32>,
) -> AlgorithmInfo {
    AlgorithmInfo {
        name,
        hash,
        family: KeyFamily::Rsa,
        signature_len: None,
        webcrypto: Some(WebCrypto {
            name: webcrypto,
            import_hash: Some(hash),
            named_curve: None,
            hash: None,
            salt_length: salt,
        }),
    }
}

const fn ecdsa(
    name: &'static str,
    hash: Sha,
    family: KeyFamily,
    curve: &'static str,
    len: usize,
) -> AlgorithmInfo {
    AlgorithmInfo {
        name,
        hash,
        family,
        signature_len: Some(len),
        webcrypto: Some(WebCrypto {
            name: "ECDSA",
            import_hash: None,
            named_curve: Some(curve),
            hash: Some(hash),
            salt_length: None,
        }),
    }
}

impl Algorithm {
    /// This algorithm's row of the table.
    pub const fn info(self) -> AlgorithmInfo {
        match self {
            Hs256 => hmac("HS256", Sha::Sha256, 32),
            Hs384 => hmac("HS384", Sha::Sha384, 48),
            Hs512 => hmac("HS512", Sha::Sha512, 64),
            Rs256 => rsa("RS256", Sha::Sha256, "RSASSA-PKCS1-v1_5", None),
            Rs384 => rsa("RS384", Sha::Sha384, "RSASSA-PKCS1-v1_5", None),
            Rs512 => rsa("RS512", Sha::Sha512, "RSASSA-PKCS1-v1_5", None),
            Ps256 => rsa("PS256", Sha::Sha256, "RSA-PSS", Some(32)),
            Ps384 => rsa("PS384", Sha::Sha384, "RSA-PSS", Some(48)),
            Ps512 => rsa("PS512", Sha::Sha512, "RSA-PSS", Some(64)),
            Es256 => ecdsa("ES256", Sha::Sha256, KeyFamily::P256, "P-256", 64),
            Es384 => ecdsa("ES384", Sha::Sha384, KeyFamily::P384, "P-384", 96),
            Es512 => ecdsa("ES512", Sha::Sha512, KeyFamily::P521, "P-521", 132),
            Es256k => AlgorithmInfo {
                name: "ES256K",
                hash: Sha::Sha256,
                family: KeyFamily::Secp256k1,
                signature_len: Some(64),
                webcrypto: None,
            },
            EdDsa => AlgorithmInfo {
                name: "EdDSA",
                hash: Sha::Sha512,
                family: KeyFamily::Ed25519,
                signature_len: Some(64),
                webcrypto: Some(WebCrypto {
                    name: "Ed25519",
                    import_hash: None,
                    named_curve: None,
                    hash: None,
                    salt_length: None,
                }),
            },
        }
    }

    /// The algorithm of a WebCrypto key, from its `algorithm` (`name`, `hash.name`, `namedCurve`), among
    /// `candidates`; `None` when it is none of theirs (HMAC, ECDH, an unknown curve…).
    pub fn of_webcrypto_key(
        candidates: &[Algorithm],
        name: &str,
        hash: Option<&str>,
        curve: Option<&str>,
    ) -> Option<Algorithm> {
        candidates.iter().copied().find(|alg| {
            alg.info()
                .webcrypto
                .is_some_and(|w| w.fits_key(name, hash, curve))
        })
    }
}
