//! Key material without the `rust-crypto` feature: no curve or bignum arithmetic, only form checks (sizes, the
//! Ed25519 small-order points); WebCrypto's `importKey` checks the rest when a token is verified.

use super::invalid;
use super::small_order::ed25519_small_order;
use crate::error::Result;
use crate::jose::alg::VerifyingKey;
use crate::jose::alg::keys::WebCryptoKey;

/// WebCrypto imports the key from the JWK when a token is verified.
pub(super) fn rsa_verifying_key(_n: &[u8], _e: &[u8]) -> VerifyingKey {
    VerifyingKey::Rsa(WebCryptoKey)
}

/// Whether the point is on the curve is WebCrypto's `importKey` to say, when a token is verified.
pub(super) fn ec_point(crv: &str, _x: &[u8], _y: &[u8]) -> Result<VerifyingKey> {
    match crv {
        "P-256" => Ok(VerifyingKey::P256(WebCryptoKey)),
        "P-384" => Ok(VerifyingKey::P384(WebCryptoKey)),
        "P-521" => Ok(VerifyingKey::P521(WebCryptoKey)),
        _ => Err(invalid(format!(
            "\"crv\": {crv:?} needs the rust-crypto feature (WebCrypto has no such curve)"
        ))),
    }
}

/// Only the small-order check, on the encoding; WebCrypto's `importKey` refuses what is not a point.
pub(super) fn ed25519_key(x: &[u8; 32]) -> Result<VerifyingKey> {
    if ed25519_small_order(x) {
        return Err(invalid("the Ed25519 key has small order".into()));
    }
    Ok(VerifyingKey::Ed25519(WebCryptoKey))
}
