//! Key material with the `rust-crypto` feature: RSA kept in ring's form, EC points checked to be on their
//! curve, Ed25519 points decoded and refused when of small order.

use super::invalid;
use crate::error::Result;
use crate::jose::alg::{VerifyingKey, ring_sig};

/// With `rust-crypto`, the key in ring's form.
pub(super) fn rsa_verifying_key(n: &[u8], e: &[u8]) -> VerifyingKey {
    VerifyingKey::Rsa(ring_sig::RsaKey::new(n, e))
}

/// P-256 and P-384 keys are kept as the SEC1 point ring verifies with, once `p256`/`p384` have checked that
/// it is on the curve.
pub(super) fn ec_point(crv: &str, x: &[u8], y: &[u8]) -> Result<VerifyingKey> {
    use ring_sig::EcKey;
    let point = [&[0x04][..], x, y].concat();
    let not_on_curve = || invalid(format!("the point is not on {crv}"));
    Ok(match crv {
        "P-256" => {
            p256::PublicKey::from_sec1_bytes(&point).map_err(|_| not_on_curve())?;
            VerifyingKey::P256(EcKey::new(&point))
        }
        "P-384" => {
            p384::PublicKey::from_sec1_bytes(&point).map_err(|_| not_on_curve())?;
            VerifyingKey::P384(EcKey::new(&point))
        }
        "P-521" => VerifyingKey::P521(
            p521::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(|_| not_on_curve())?,
        ),
        _ => VerifyingKey::Secp256k1(
            k256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(|_| not_on_curve())?,
        ),
    })
}

pub(super) fn ed25519_key(x: &[u8; 32]) -> Result<VerifyingKey> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(x)
        .map_err(|_| invalid("\"x\" is not an Ed25519 point".into()))?;
    // A small-order key lets one signature verify for many messages.
    if key.is_weak() {
        return Err(invalid("the Ed25519 key has small order".into()));
    }
    Ok(VerifyingKey::Ed25519(key))
}
