// Test-only module (declared under #[cfg(test)] by its parent): unwrap and panic are the assertions here.
use super::small_order::ed25519_small_order;
use super::*;
use crate::jose::testutil::key_for;
use serde_json::json;

fn parse(v: Value) -> Result<Jwk> {
    Jwk::from_value(&v)
}

fn code(v: Value) -> &'static str {
    parse(v).unwrap_err().code()
}

#[test]
fn each_key_type_gets_its_family() {
    use Algorithm::*;
    for (alg, family) in [
        (Rs256, vec![Rs256, Rs384, Rs512, Ps256, Ps384, Ps512]),
        (Es256, vec![Es256]),
        (Es384, vec![Es384]),
        (Es512, vec![Es512]),
        (Es256k, vec![Es256k]),
        (EdDsa, vec![EdDsa]),
        (Hs256, vec![Hs256, Hs384, Hs512]),
    ] {
        assert_eq!(
            parse(key_for(alg, 1).jwk()).unwrap().algorithms(),
            family,
            "{}",
            alg.name()
        );
    }
}

#[test]
fn a_jwk_alg_is_the_only_algorithm_it_verifies() {
    let mut jwk = key_for(Algorithm::Rs256, 1).jwk();
    jwk["alg"] = json!("PS384");
    assert_eq!(parse(jwk.clone()).unwrap().algorithms(), [Algorithm::Ps384]);
    jwk["alg"] = json!("ES256");
    assert_eq!(code(jwk.clone()), "invalid_jwk");
    jwk["alg"] = json!("RSA-OAEP");
    assert_eq!(code(jwk.clone()), "invalid_jwk");
    jwk["alg"] = json!("none");
    assert_eq!(code(jwk), "invalid_jwk");
}

#[test]
fn encryption_keys_and_keys_without_verify_are_unusable() {
    let jwk = key_for(Algorithm::Es256, 1).jwk();
    let with = |k: &str, v: Value| {
        let mut j = jwk.clone();
        j[k] = v;
        j
    };
    assert!(parse(with("use", json!("sig"))).is_ok());
    assert_eq!(code(with("use", json!("enc"))), "invalid_jwk");
    assert!(parse(with("key_ops", json!(["verify"]))).is_ok());
    assert_eq!(code(with("key_ops", json!(["encrypt"]))), "invalid_jwk");
    assert_eq!(code(with("kid", json!(7))), "invalid_jwk");
    assert_eq!(parse(with("kid", json!("k1"))).unwrap().kid(), Some("k1"));
}

#[test]
fn rsa_moduli_below_2048_bits_are_weak() {
    let n = |bytes: usize| base64url::encode(vec![0xc3; bytes]);
    assert_eq!(
        code(json!({"kty": "RSA", "n": n(255), "e": "AQAB"})),
        "weak_key"
    );
    assert_eq!(
        code(json!({"kty": "RSA", "n": n(128), "e": "AQAB"})),
        "weak_key"
    );
    // 2048 bits exactly is enough (the top byte's high bit is set)
    assert!(parse(json!({"kty": "RSA", "n": n(256), "e": "AQAB"})).is_ok());
    assert_eq!(
        code(json!({"kty": "RSA", "n": n(1025), "e": "AQAB"})),
        "invalid_jwk"
    );
    assert_eq!(code(json!({"kty": "RSA", "n": n(256)})), "invalid_jwk");
}

/// ring, which verifies RSA with `rust-crypto`, refuses these keys at every verification: they are skipped when
/// the set is read instead.
#[cfg(feature = "rust-crypto")]
#[test]
fn rsa_keys_ring_refuses_are_unusable() {
    let n = |last: u8| {
        let mut n = vec![0xc3; 256];
        if let Some(b) = n.last_mut() {
            *b = last;
        }
        base64url::encode(n)
    };
    let key = |n: String, e: &[u8]| json!({"kty": "RSA", "n": n, "e": base64url::encode(e)});
    for e in [&[3u8][..], &[0, 1, 0, 1], &[1, 0xff, 0xff, 0xff, 0xff]] {
        assert!(parse(key(n(0xc3), e)).is_ok(), "e = {e:?}");
    }
    // e even, below 3, or above 2^33 - 1; then an even modulus
    for e in [&[1u8][..], &[2], &[1, 0, 0], &[2, 0, 0, 0, 1], &[0xff; 5]] {
        assert_eq!(code(key(n(0xc3), e)), "invalid_jwk", "e = {e:?}");
    }
    assert_eq!(code(key(n(0xc2), &[1, 0, 1])), "invalid_jwk");
}

#[test]
fn hmac_secrets_shorter_than_their_hash_are_weak() {
    let oct = |len: usize, alg: Option<&str>| {
        let mut j = json!({"kty": "oct", "k": base64url::encode(vec![9u8; len])});
        if let Some(a) = alg {
            j["alg"] = json!(a);
        }
        j
    };
    assert_eq!(code(oct(31, None)), "weak_key");
    assert_eq!(
        parse(oct(32, None)).unwrap().algorithms(),
        [Algorithm::Hs256]
    );
    assert_eq!(
        parse(oct(48, None)).unwrap().algorithms(),
        [Algorithm::Hs256, Algorithm::Hs384]
    );
    assert_eq!(code(oct(48, Some("HS512"))), "weak_key");
    assert_eq!(
        parse(oct(64, Some("HS512"))).unwrap().algorithms(),
        [Algorithm::Hs512]
    );
    assert_eq!(code(oct(64, Some("RS256"))), "invalid_jwk");
}

#[test]
fn ec_points_are_full_size_and_on_the_curve() {
    let jwk = key_for(Algorithm::Es512, 1).jwk();
    let x = base64url::decode(jwk["x"].as_str().unwrap()).unwrap();
    assert_eq!(x.len(), 66);
    let mut short = jwk.clone();
    short["x"] = json!(base64url::encode(&x[1..]));
    assert_eq!(code(short), "invalid_jwk");
    let mut off_curve = key_for(Algorithm::Es256, 1).jwk();
    off_curve["y"] = off_curve["x"].clone();
    assert!(
        parse(off_curve)
            .unwrap_err()
            .message()
            .contains("not on P-256")
    );
    let mut unknown = key_for(Algorithm::Es256, 1).jwk();
    unknown["crv"] = json!("P-192");
    assert_eq!(code(unknown), "invalid_jwk");
    let mut padded = key_for(Algorithm::Es256, 1).jwk();
    padded["x"] = json!(format!("{}=", padded["x"].as_str().unwrap()));
    assert!(parse(padded).unwrap_err().message().contains("canonical"));
}

#[test]
fn ed25519_keys_are_checked() {
    // the identity point has small order
    let mut identity = vec![0u8; 32];
    identity[0] = 1;
    assert!(
        parse(json!({"kty": "OKP", "crv": "Ed25519", "x": base64url::encode(&identity)}))
            .unwrap_err()
            .message()
            .contains("small order")
    );
    assert_eq!(
        code(json!({"kty": "OKP", "crv": "Ed25519", "x": base64url::encode([1u8; 31])})),
        "invalid_jwk"
    );
    assert_eq!(
        code(json!({"kty": "OKP", "crv": "X25519", "x": base64url::encode([1u8; 32])})),
        "invalid_jwk"
    );
    assert_eq!(
        code(json!({"kty": "OKP", "crv": "Ed448", "x": base64url::encode([1u8; 57])})),
        "invalid_jwk"
    );
}

#[test]
fn sets_skip_unusable_keys_and_say_why_when_none_is_left() {
    let good = key_for(Algorithm::Es256, 1).jwk_with_kid("good");
    let weak = json!({"kty": "oct", "kid": "weak", "k": "c2hvcnQ"});
    let unknown = json!({"kty": "XYZ", "kid": "odd"});
    let set = JwkSet::from_json(
        &json!({"keys": [weak, good, unknown, {"kty": "EC", "kid": "good", "use": "enc"}]})
            .to_string(),
    )
    .unwrap();
    assert_eq!(set.key_ids(), ["good"]);
    assert_eq!(set.keys().len(), 1);
    assert!(!set.has_symmetric_keys());

    let all_weak =
        json!({"keys": [weak, {"kty": "RSA", "n": base64url::encode([0xc3; 128]), "e": "AQAB"}]});
    assert_eq!(
        JwkSet::from_json(&all_weak.to_string()).unwrap_err().code(),
        "weak_key"
    );
    let mixed = json!({"keys": [weak, unknown]});
    let err = JwkSet::from_json(&mixed.to_string()).unwrap_err();
    assert_eq!(err.code(), "invalid_jwk");
    assert!(
        err.message().contains("key 1: \"kty\": \"XYZ\""),
        "{}",
        err.message()
    );
    for bad in [
        r#"{"keys": []}"#,
        r#"{"keys": {}}"#,
        "[]",
        "not json",
        r#"{"keys": [], "keys": []}"#,
    ] {
        assert_eq!(
            JwkSet::from_json(bad).unwrap_err().code(),
            "invalid_jwk",
            "{bad}"
        );
    }
}

#[test]
fn key_ids_are_listed_once_and_keys_without_kid_are_usable() {
    let a = key_for(Algorithm::Es256, 1).jwk_with_kid("a");
    let a2 = key_for(Algorithm::Es256, 2).jwk_with_kid("a");
    let anonymous = key_for(Algorithm::EdDsa, 1).jwk();
    let set = JwkSet::from_keys(&[a, anonymous, a2]).unwrap();
    assert_eq!(set.key_ids(), ["a"]);
    assert_eq!(set.keys().len(), 3);
}

#[test]
fn candidates_follow_kid_then_algorithm() {
    let rsa = key_for(Algorithm::Rs256, 1).jwk_with_kid("rsa");
    let ec = key_for(Algorithm::Es256, 1).jwk_with_kid("ec");
    let set = JwkSet::from_keys(&[rsa, ec]).unwrap();
    assert_eq!(
        set.candidates(Some("rsa"), Algorithm::Ps256).unwrap().len(),
        1
    );
    assert_eq!(
        set.candidates(Some("nope"), Algorithm::Rs256)
            .unwrap_err()
            .code(),
        "key_not_found"
    );
    let err = set.candidates(Some("rsa"), Algorithm::Es256).unwrap_err();
    assert_eq!(err.code(), "algorithm_not_allowed");
    assert!(err.message().contains("RS256, RS384"), "{}", err.message());
    assert_eq!(
        set.candidates(None, Algorithm::Es256).unwrap()[0].kid(),
        Some("ec")
    );
    assert_eq!(
        set.candidates(None, Algorithm::EdDsa).unwrap_err().code(),
        "key_not_found"
    );
}

#[test]
fn bit_length_counts_like_biguint() {
    for bytes in [
        &[][..],
        &[0],
        &[0, 0, 1],
        &[1],
        &[0x80],
        &[0x7f, 0xff],
        &[0, 0x01, 0, 0, 0, 0],
        &[0xff; 256],
    ] {
        assert_eq!(
            bit_length(bytes),
            rsa::BigUint::from_bytes_be(bytes).bits(),
            "{bytes:?}"
        );
    }
}

#[test]
fn the_small_order_ed25519_list_agrees_with_dalek() {
    // The 7 encodings of libsodium's list, and 256 other byte patterns, each with both sign bits: the list
    // says small order exactly when ed25519-dalek refuses the key as weak (or as not a point).
    let listed = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ]
    .map(hex32);
    for (i, x) in listed
        .iter()
        .chain(&(0..=255u8).map(|b| [b; 32]).collect::<Vec<_>>())
        .enumerate()
    {
        for sign in [0, 0x80] {
            let mut x = *x;
            x[31] |= sign;
            let dalek = ed25519_dalek::VerifyingKey::from_bytes(&x);
            if i < listed.len() {
                assert!(ed25519_small_order(&x), "{x:02x?}");
                assert!(dalek.map_or(true, |k| k.is_weak()), "{x:02x?}");
            } else if let Ok(k) = dalek {
                assert_eq!(ed25519_small_order(&x), k.is_weak(), "{x:02x?}");
            }
        }
    }
    let x = key_for(Algorithm::EdDsa, 1).jwk()["x"]
        .as_str()
        .unwrap()
        .to_owned();
    let x: [u8; 32] = base64url::decode(&x).unwrap().try_into().unwrap();
    assert!(!ed25519_small_order(&x));
}

fn hex32(hex: &str) -> [u8; 32] {
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    bytes.try_into().unwrap()
}

#[test]
fn the_public_jwk_drops_leading_zero_octets_of_rsa_integers() {
    let mut jwk = key_for(Algorithm::Rs256, 1).jwk();
    let padded = |member: &Value| {
        let mut bytes = vec![0, 0];
        bytes.extend(base64url::decode(member.as_str().unwrap()).unwrap());
        json!(base64url::encode(&bytes))
    };
    let (n, e) = (jwk["n"].clone(), jwk["e"].clone());
    jwk["n"] = padded(&n);
    jwk["e"] = padded(&e);
    let key = parse(jwk).unwrap();
    let public = key.public_jwk().unwrap();
    assert_eq!((&public["n"], &public["e"]), (&n, &e));
    assert_eq!(public["kty"], "RSA");
}
