//! JSON Web Keys (RFC 7517) for verification: RSA, EC (P-256, P-384, P-521, secp256k1), OKP Ed25519
//! (RFC 8037) and oct, parsed strictly into [`VerifyingKey`]s. A key the library cannot use is skipped, not
//! fatal, so that one exotic key in a provider's JWKS does not break the others.
//!
//! Without the `rust-crypto` feature there is no curve or bignum arithmetic here: sizes, the RSA exponent and
//! the Ed25519 small-order points are checked, secp256k1 keys are skipped (WebCrypto lacks the curve), and
//! WebCrypto's `importKey` checks the rest when a token is verified.

use crate::error::{Error, Result, quote};
use crate::jose::alg::{Algorithm, VerifyingKey};
use crate::jose::base64url;
use crate::jose::json::{self, parse_strict};
use serde_json::{Map, Value};
use std::sync::Arc;
use zeroize::Zeroizing;

// Key material: checked by RustCrypto and kept in the Rust algorithms' form with `rust-crypto`; without it,
// checked for form only and kept for WebCrypto.
#[cfg(feature = "rust-crypto")]
#[path = "jwk/rust_keys.rs"]
mod keys;
#[cfg(not(feature = "rust-crypto"))]
#[path = "jwk/webcrypto_keys.rs"]
mod keys;
#[cfg(any(test, not(feature = "rust-crypto")))]
#[path = "jwk/small_order.rs"]
mod small_order;

use keys::{ec_point, ed25519_key, rsa_verifying_key};

/// RSA moduli below this are `weak_key` (RFC 7518 §3.3).
pub const MIN_RSA_BITS: usize = 2048;
/// RSA moduli above this are refused: each verification with a larger one would cost tens of milliseconds.
pub const MAX_RSA_BITS: usize = 8192;

/// One usable verification key.
#[derive(Clone, Debug)]
pub struct Jwk {
    kid: Option<String>,
    algorithms: Vec<Algorithm>,
    key: VerifyingKey,
    /// The public members (`kty`, `crv`, `n`, `e`, `x`, `y`) of an RSA, EC or OKP key, for WebCrypto's
    /// `importKey("jwk", …)`; never an HMAC secret nor a private member.
    public: Option<Map<String, Value>>,
}

impl Jwk {
    /// Parses one JWK. `invalid_jwk` for anything unusable for verification (unknown `kty`/`crv`/`alg`,
    /// `use` other than `sig`, `key_ops` without `verify`, bad members), `weak_key` for an RSA modulus below
    /// 2048 bits or an HMAC secret shorter than the hash of every algorithm it could be for.
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value.as_object().ok_or_else(|| {
            invalid(format!(
                "a JWK must be an object, found {}",
                json::kind(value)
            ))
        })?;
        let kid = optional_str(obj, "kid")?.map(str::to_owned);
        if let Some(usage) = optional_str(obj, "use")? {
            if usage != "sig" {
                return Err(invalid(format!(
                    "\"use\": {usage} is not for signatures (RFC 7517 §4.2)",
                    usage = quote(usage)
                )));
            }
        }
        if let Some(ops) = obj.get("key_ops") {
            let verifies = ops
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| op.as_str() == Some("verify")));
            if !verifies {
                return Err(invalid(
                    "\"key_ops\" does not include \"verify\" (RFC 7517 §4.3)".into(),
                ));
            }
        }
        let alg = optional_str(obj, "alg")?
            .map(|name| {
                Algorithm::from_name(name).map_err(|_| {
                    invalid(format!(
                        "\"alg\": {name} is not a JWS algorithm this library implements",
                        name = quote(name)
                    ))
                })
            })
            .transpose()?;
        let kty = optional_str(obj, "kty")?.ok_or_else(|| invalid("\"kty\" is missing".into()))?;
        let key = match kty {
            "RSA" => rsa_key(obj)?,
            "EC" => ec_key(obj)?,
            "OKP" => okp_key(obj)?,
            "oct" => VerifyingKey::Hmac(Zeroizing::new(member_bytes(obj, "k")?)),
            other => {
                return Err(invalid(format!(
                    "\"kty\": {other} is not supported",
                    other = quote(other)
                )));
            }
        };
        let family = key.family();
        // RFC 8725 §3.1: the key decides the algorithm. Its own `alg`, when present, is the only one it verifies.
        let algorithms = match alg {
            Some(alg) if family.contains(&alg) => vec![alg],
            Some(alg) if alg.is_symmetric() && kty == "oct" => {
                return Err(Error::WeakKey(format!(
                    "an {} secret must be at least {} bytes (RFC 7518 §3.2)",
                    alg.name(),
                    alg.hash_len()
                )));
            }
            Some(alg) => {
                return Err(invalid(format!(
                    "\"alg\": {} does not fit a {} key",
                    alg.name(),
                    key.kind()
                )));
            }
            None if family.is_empty() => {
                return Err(Error::WeakKey(format!(
                    "an HMAC secret must be at least {} bytes (RFC 7518 §3.2)",
                    Algorithm::Hs256.hash_len()
                )));
            }
            None => family,
        };
        let public = match kty {
            "oct" => None,
            // Inserted one by one: collecting a map sorts first, one more stable sort in the module.
            _ => {
                let mut members = Map::new();
                for m in ["kty", "crv", "n", "e", "x", "y"] {
                    if let Some(v) = obj.get(m) {
                        let v = match (kty, m) {
                            ("RSA", "n" | "e") => minimal_integer(obj, m)?,
                            _ => v.clone(),
                        };
                        members.insert(m.to_owned(), v);
                    }
                }
                Some(members)
            }
        };
        Ok(Jwk {
            kid,
            algorithms,
            key,
            public,
        })
    }

    /// The key's `kid`, if it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The algorithms this key verifies: its `alg`, or its family's.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The key material.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The public key as a minimal JWK (`kty`, `crv`, `n`, `e`, `x`, `y`), for importing it elsewhere
    /// (WebCrypto). `None` for an HMAC secret.
    pub fn public_jwk(&self) -> Option<&Map<String, Value>> {
        self.public.as_ref()
    }
}

/// A JWK Set (RFC 7517 §5) holding only keys usable for verification.
#[derive(Clone, Debug)]
pub struct JwkSet {
    // Shared: cloning a set (a verifier taking the current set of a remote JWKS) copies no key material.
    keys: Arc<[Jwk]>,
    /// Unique per parsed set (clones share it): what keys derived from this set (WebCrypto's) are cached by.
    id: u64,
}

fn next_set_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl JwkSet {
    /// Parses a JWKS document (`{"keys": [...]}`), rejecting duplicate members. Unusable keys are skipped;
    /// when none is left the error is `weak_key` if every key was too weak, else `invalid_jwk`.
    pub fn from_json(text: &str) -> Result<Self> {
        let doc =
            parse_strict(text).map_err(|e| invalid(format!("JWKS is not valid JSON: {e}")))?;
        let entries = doc.get("keys").and_then(Value::as_array).ok_or_else(|| {
            invalid("a JWKS must be an object with a \"keys\" array (RFC 7517 §5)".into())
        })?;
        Self::from_keys(entries)
    }

    /// Builds a set from JWK values, with the skipping rules of [`Self::from_json`].
    pub fn from_keys(entries: &[Value]) -> Result<Self> {
        let mut keys = Vec::new();
        let mut skipped = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            match Jwk::from_value(entry) {
                Ok(key) => keys.push(key),
                Err(e) => skipped.push((i, e)),
            }
        }
        if !keys.is_empty() {
            return Ok(JwkSet {
                keys: keys.into(),
                id: next_set_id(),
            });
        }
        let reasons = skipped
            .iter()
            .map(|(i, e)| format!("key {i}: {}", e.message()))
            .collect::<Vec<_>>()
            .join("; ");
        let all_weak =
            !skipped.is_empty() && skipped.iter().all(|(_, e)| matches!(e, Error::WeakKey(_)));
        Err(if all_weak {
            Error::WeakKey(format!("no usable key in the JWKS: {reasons}"))
        } else if reasons.is_empty() {
            invalid("the JWKS holds no keys".into())
        } else {
            invalid(format!("no usable key in the JWKS: {reasons}"))
        })
    }

    /// A set with no key: every verification against it is `key_not_found`. What a verifier whose keys come
    /// from a remote JWKS holds before the first fetch.
    pub fn empty() -> Self {
        JwkSet {
            keys: Arc::from(Vec::new()),
            id: next_set_id(),
        }
    }

    /// An identifier unique to this set among the sets parsed in this process; clones share it.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether the set holds no key (only [`JwkSet::empty`]; a parsed set has at least one).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The usable keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// The `kid`s of the usable keys, each once, in the set's order.
    pub fn key_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for kid in self.keys.iter().filter_map(Jwk::kid) {
            if !ids.contains(&kid) {
                ids.push(kid);
            }
        }
        ids
    }

    /// Whether the set holds a shared secret (which makes HS* part of the default allowlist).
    pub fn has_symmetric_keys(&self) -> bool {
        self.keys
            .iter()
            .any(|k| matches!(k.key, VerifyingKey::Hmac(_)))
    }

    /// The keys that may verify a token signed with `alg` and naming `kid`: with a `kid`, the keys of that
    /// `kid` (`key_not_found` when none, `algorithm_not_allowed` when none is for `alg`); without, every key
    /// for `alg` (`key_not_found` when none).
    pub fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<&Jwk>> {
        let named: Vec<&Jwk> = match kid {
            Some(kid) => self.keys.iter().filter(|k| k.kid() == Some(kid)).collect(),
            None => self.keys.iter().collect(),
        };
        if let (Some(kid), true) = (kid, named.is_empty()) {
            return Err(Error::KeyNotFound(format!(
                "no key in the JWKS has kid {kid}",
                kid = quote(kid)
            )));
        }
        let fitting: Vec<&Jwk> = named
            .iter()
            .copied()
            .filter(|k| k.algorithms.contains(&alg))
            .collect();
        match (fitting.is_empty(), kid) {
            (false, _) => Ok(fitting),
            (true, Some(kid)) => Err(Error::AlgorithmNotAllowed(format!(
                "the key {kid} verifies {}, not {}",
                names(named.iter().flat_map(|k| k.algorithms.iter().copied())),
                alg.name(),
                kid = quote(kid)
            ))),
            (true, None) => Err(Error::KeyNotFound(format!(
                "no key in the JWKS verifies {}",
                alg.name()
            ))),
        }
    }
}

fn names(algs: impl Iterator<Item = Algorithm>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for a in algs {
        if !out.contains(&a.name()) {
            out.push(a.name());
        }
    }
    out.join(", ")
}

fn invalid(message: String) -> Error {
    Error::InvalidJwk(message)
}

fn optional_str<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match obj.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid(format!(
            "{name} must be a string, found {}",
            json::kind(other),
            name = quote(name)
        ))),
    }
}

/// A required base64url member (canonical, unpadded: RFC 7518 §6).
fn member_bytes(obj: &Map<String, Value>, name: &str) -> Result<Vec<u8>> {
    let text = optional_str(obj, name)?
        .ok_or_else(|| invalid(format!("{name} is missing", name = quote(name))))?;
    let bytes = base64url::decode(text).ok_or_else(|| {
        invalid(format!(
            "{name} is not canonical unpadded base64url",
            name = quote(name)
        ))
    })?;
    if bytes.is_empty() {
        return Err(invalid(format!("{name} is empty", name = quote(name))));
    }
    Ok(bytes)
}

/// The RSA key rules, the same in every build: ring applies them at each verification (checked once here,
/// so that a key it would refuse is skipped with the set's other unusable keys), and no sound RSA key breaks
/// them: modulus of 2048–8192 bits and odd, public exponent odd in [3, 2^33 − 1].
fn rsa_key(obj: &Map<String, Value>) -> Result<VerifyingKey> {
    let (n, e) = (member_bytes(obj, "n")?, member_bytes(obj, "e")?);
    let bits = bit_length(&n);
    if bits < MIN_RSA_BITS {
        return Err(Error::WeakKey(format!(
            "an RSA modulus must have at least {MIN_RSA_BITS} bits, found {bits} (RFC 7518 §3.3)"
        )));
    }
    if bits > MAX_RSA_BITS {
        return Err(invalid(format!(
            "unusable RSA key: the modulus has {bits} bits, more than {MAX_RSA_BITS}"
        )));
    }
    if n.last().is_some_and(|b| b % 2 == 0) {
        return Err(invalid("unusable RSA key: the modulus is even".into()));
    }
    let e_odd = e.last().is_some_and(|b| b % 2 == 1);
    let e_bits = bit_length(&e);
    // Odd and at least 2 bits long is ≥ 3; 33 bits at most is ≤ 2^33 − 1.
    if !e_odd || !(2..=33).contains(&e_bits) {
        return Err(invalid(
            "unusable RSA key: the public exponent must be odd and in [3, 2^33 - 1]".into(),
        ));
    }
    Ok(rsa_verifying_key(&n, &e))
}

/// An RSA integer member re-encoded without leading zero octets (RFC 7518 §6.3.1.1): some providers send them,
/// and Chromium's WebCrypto refuses such a key, where the Rust algorithms and node:crypto take it.
fn minimal_integer(obj: &Map<String, Value>, name: &str) -> Result<Value> {
    let bytes = member_bytes(obj, name)?;
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    Ok(Value::String(base64url::encode(
        bytes.get(zeros..).unwrap_or_default(),
    )))
}

/// The bit length of a big-endian unsigned integer (0 for zero).
fn bit_length(bytes: &[u8]) -> usize {
    let digits: Vec<&u8> = bytes.iter().skip_while(|b| **b == 0).collect();
    digits
        .first()
        .map_or(0, |top| 8 * digits.len() - top.leading_zeros() as usize)
}

fn ec_key(obj: &Map<String, Value>) -> Result<VerifyingKey> {
    let crv = optional_str(obj, "crv")?.ok_or_else(|| invalid("\"crv\" is missing".into()))?;
    let size = match crv {
        "P-256" | "secp256k1" => 32,
        "P-384" => 48,
        "P-521" => 66,
        other => {
            return Err(invalid(format!(
                "\"crv\": {other} is not supported",
                other = quote(other)
            )));
        }
    };
    let (x, y) = (member_bytes(obj, "x")?, member_bytes(obj, "y")?);
    // RFC 7518 §6.2.1.2: coordinates are the full size of the field, leading zeros included.
    if x.len() != size || y.len() != size {
        return Err(invalid(format!(
            "{crv} coordinates must be {size} bytes each"
        )));
    }
    ec_point(crv, &x, &y)
}

fn okp_key(obj: &Map<String, Value>) -> Result<VerifyingKey> {
    match optional_str(obj, "crv")? {
        Some("Ed25519") => {}
        Some(other) => {
            return Err(invalid(format!(
                "\"crv\": {other} is not supported for signatures",
                other = quote(other)
            )));
        }
        None => return Err(invalid("\"crv\" is missing".into())),
    }
    let x: [u8; 32] = member_bytes(obj, "x")?
        .try_into()
        .map_err(|_| invalid("an Ed25519 \"x\" is 32 bytes (RFC 8037 §2)".into()))?;
    ed25519_key(&x)
}

#[cfg(test)]
mod tests;
