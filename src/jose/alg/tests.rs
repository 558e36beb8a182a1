// Test-only module (declared under #[cfg(test)] by its parent): unwrap and panic are the assertions here.
use super::*;
use crate::jose::jwk::Jwk;
use crate::jose::testutil::key_for;

fn public(alg: Algorithm) -> VerifyingKey {
    Jwk::from_value(&key_for(alg, 1).jwk())
        .unwrap()
        .key()
        .clone()
}

#[test]
fn names_round_trip_and_none_is_refused() {
    for alg in Algorithm::ALL {
        assert_eq!(Algorithm::from_name(alg.name()).unwrap(), alg);
    }
    for bad in ["none", "None", "hs256", "HS256 ", "RS1", ""] {
        assert_eq!(
            Algorithm::from_name(bad).unwrap_err().code(),
            "unsupported_algorithm",
            "{bad}"
        );
    }
    assert!(
        Algorithm::from_name("none")
            .unwrap_err()
            .message()
            .contains("never accepted")
    );
}

#[test]
fn hash_lengths_match_the_hash() {
    for alg in Algorithm::ALL {
        assert_eq!(alg.hash(b"x").len(), alg.hash_len(), "{}", alg.name());
    }
    assert_eq!(Algorithm::EdDsa.hash_len(), 64);
    assert_eq!(Algorithm::Es256k.hash_len(), 32);
}

#[test]
fn every_algorithm_verifies_its_own_signatures_and_nothing_else() {
    for alg in Algorithm::ALL {
        let private = key_for(alg, 1);
        let key = Jwk::from_value(&private.jwk()).unwrap().key().clone();
        let sig = private.sign(alg, b"message");
        key.verify(alg, b"message", &sig).unwrap();
        let err = key.verify(alg, b"messagf", &sig).unwrap_err();
        assert_eq!(err.code(), "invalid_signature", "{}", alg.name());
        let mut flipped = sig.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(
            key.verify(alg, b"message", &flipped).unwrap_err().code(),
            "invalid_signature"
        );
        assert_eq!(
            key.verify(alg, b"message", &sig[..sig.len() - 1])
                .unwrap_err()
                .code(),
            "invalid_signature"
        );
    }
}

#[test]
fn a_key_refuses_algorithms_outside_its_family() {
    let ec = public(Algorithm::Es256);
    let sig = key_for(Algorithm::Es256, 1).sign(Algorithm::Es256, b"m");
    for alg in [
        Algorithm::Es384,
        Algorithm::Hs256,
        Algorithm::Rs256,
        Algorithm::EdDsa,
    ] {
        assert_eq!(
            ec.verify(alg, b"m", &sig).unwrap_err().code(),
            "algorithm_not_allowed"
        );
    }
    assert_eq!(public(Algorithm::Rs256).family().len(), 6);
}

#[test]
fn hmac_secrets_only_verify_hashes_no_longer_than_themselves() {
    let family = |n: usize| VerifyingKey::Hmac(Zeroizing::new(vec![7; n])).family();
    assert_eq!(family(31), vec![]);
    assert_eq!(family(32), vec![Algorithm::Hs256]);
    assert_eq!(family(48), vec![Algorithm::Hs256, Algorithm::Hs384]);
    assert_eq!(
        family(64),
        vec![Algorithm::Hs256, Algorithm::Hs384, Algorithm::Hs512]
    );
    let short = VerifyingKey::Hmac(Zeroizing::new(vec![7; 40]));
    assert_eq!(
        short
            .verify(Algorithm::Hs384, b"m", &[0; 48])
            .unwrap_err()
            .code(),
        "algorithm_not_allowed"
    );
}

#[test]
fn ecdsa_zero_and_out_of_range_scalars_are_refused_before_verifying() {
    // CVE-2022-21449: (0, 0) must never verify.
    for (alg, size) in [
        (Algorithm::Es256, 32),
        (Algorithm::Es384, 48),
        (Algorithm::Es512, 66),
        (Algorithm::Es256k, 32),
    ] {
        let key = public(alg);
        let err = key.verify(alg, b"m", &vec![0; 2 * size]).unwrap_err();
        assert_eq!(err.code(), "invalid_signature");
        assert!(
            err.message().contains("[1, n-1]"),
            "{}: {}",
            alg.name(),
            err.message()
        );
        let all_ones = vec![0xff; 2 * size];
        assert!(
            key.verify(alg, b"m", &all_ones)
                .unwrap_err()
                .message()
                .contains("[1, n-1]")
        );
        // a valid r with s = 0
        let mut sig = key_for(alg, 1).sign(alg, b"m");
        sig[size..].fill(0);
        assert!(
            key.verify(alg, b"m", &sig)
                .unwrap_err()
                .message()
                .contains("[1, n-1]")
        );
        // DER or any other length is not r‖s
        assert!(
            key.verify(alg, b"m", &vec![1; 2 * size + 8])
                .unwrap_err()
                .message()
                .contains("r‖s")
        );
    }
}

#[test]
fn ecdsa_scalar_equal_to_the_order_is_refused() {
    use elliptic_curve::Curve;
    use elliptic_curve::bigint::ArrayEncoding;
    let n = p256::NistP256::ORDER.to_be_byte_array();
    let mut sig = n.to_vec();
    sig.extend_from_slice(&[1; 32]);
    let err = public(Algorithm::Es256)
        .verify(Algorithm::Es256, b"m", &sig)
        .unwrap_err();
    assert!(err.message().contains("[1, n-1]"));
}

#[test]
fn es256k_accepts_high_s_signatures() {
    let private = key_for(Algorithm::Es256k, 1);
    let sig = private.sign(Algorithm::Es256k, b"m");
    let parsed = k256::ecdsa::Signature::from_slice(&sig).unwrap();
    let s: k256::Scalar = *parsed.s();
    let high =
        k256::ecdsa::Signature::from_scalars(parsed.r().to_bytes(), (-s).to_bytes()).unwrap();
    assert_ne!(high.to_bytes().to_vec(), sig);
    let key = public(Algorithm::Es256k);
    key.verify(Algorithm::Es256k, b"m", &sig).unwrap();
    key.verify(Algorithm::Es256k, b"m", &high.to_bytes())
        .unwrap();
}

#[test]
fn the_byte_orders_are_the_curves_orders_and_n_minus_1_is_the_largest_scalar() {
    use elliptic_curve::{Curve, FieldBytesEncoding};
    fn order_of<C: Curve>() -> Vec<u8> {
        C::Uint::encode_field_bytes(&C::ORDER).to_vec()
    }
    for (alg, n) in [
        (Algorithm::Es256, order_of::<p256::NistP256>()),
        (Algorithm::Es384, order_of::<p384::NistP384>()),
        (Algorithm::Es512, order_of::<p521::NistP521>()),
        (Algorithm::Es256k, order_of::<k256::Secp256k1>()),
    ] {
        assert_eq!(scalars::order(alg).unwrap(), n.as_slice(), "{}", alg.name());
        // n − 1 (its last byte is not 0 for any of these curves) passes, n and n + 1 do not.
        let mut below = n.clone();
        *below.last_mut().unwrap() -= 1;
        let mut above = n.clone();
        *above.last_mut().unwrap() += 1;
        let one = {
            let mut v = vec![0; n.len()];
            *v.last_mut().unwrap() = 1;
            v
        };
        scalars::check_scalars(alg, &[below.clone(), below.clone()].concat()).unwrap();
        scalars::check_scalars(alg, &[one.clone(), one.clone()].concat()).unwrap();
        for bad in [&n, &above] {
            for sig in [
                [bad.clone(), one.clone()].concat(),
                [one.clone(), bad.clone()].concat(),
            ] {
                assert!(
                    scalars::check_scalars(alg, &sig)
                        .unwrap_err()
                        .message()
                        .contains("[1, n-1]")
                );
            }
        }
    }
    for alg in [Algorithm::Rs256, Algorithm::EdDsa, Algorithm::Hs256] {
        assert!(scalars::order(alg).is_none());
        scalars::check_scalars(alg, &[]).unwrap();
    }
}
