// Test-only module (declared under #[cfg(test)] by its parent): unwrap and panic are the assertions here.
use super::*;
use crate::jose::testutil::{TestKey, key_for, sign, sign_raw};
use serde_json::json;

const MAX: usize = DEFAULT_MAX_TOKEN_LENGTH;

fn es256() -> (TestKey, JwkSet) {
    let key = key_for(Algorithm::Es256, 1);
    let set = JwkSet::from_keys(&[key.jwk_with_kid("k1")]).unwrap();
    (key, set)
}

/// Parses, then verifies against `set` with `alg` as the only allowed algorithm.
fn verify_with(token: &str, set: &JwkSet, alg: Algorithm) -> Result<VerifiedToken> {
    UnverifiedToken::parse(token, MAX)?.verify(set, &[alg])
}

fn parse_code(token: &str) -> &'static str {
    UnverifiedToken::parse(token, MAX).unwrap_err().code()
}

fn header_code(header: Value) -> &'static str {
    let (key, _) = es256();
    parse_code(&sign_raw(
        Algorithm::Es256,
        &header,
        br#"{"sub":"a"}"#,
        &key,
    ))
}

#[test]
fn length_is_capped_before_decoding() {
    let junk = "!".repeat(MAX + 1);
    let err = UnverifiedToken::parse(&junk, MAX).unwrap_err();
    assert_eq!(err.code(), "malformed_token");
    assert!(
        err.message().contains("more than the 65536 allowed"),
        "{}",
        err.message()
    );
    let (key, _) = es256();
    let token = sign(Algorithm::Es256, json!({}), &json!({"sub": "a"}), &key);
    assert!(UnverifiedToken::parse(&token, token.len()).is_ok());
    assert_eq!(
        UnverifiedToken::parse(&token, token.len() - 1)
            .unwrap_err()
            .code(),
        "malformed_token"
    );
}

#[test]
fn exactly_three_canonical_parts() {
    let (key, _) = es256();
    let token = sign(Algorithm::Es256, json!({}), &json!({"sub": "a"}), &key);
    let (h, rest) = token.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    for bad in [
        format!("{h}.{p}"),
        format!("{h}.{p}.{s}.{s}"),
        format!("{h}.{p}.{s}.{s}.{s}"),
        format!("{h}=.{p}.{s}"),
        format!("{h}.{p}.{s}="),
        format!("{h}.{p}+.{s}"),
        format!(" {h}.{p}.{s}"),
        String::new(),
    ] {
        assert_eq!(parse_code(&bad), "malformed_token", "{bad}");
    }
    // A 64-byte signature leaves 4 unused bits in its last character; setting one decodes to the same
    // bytes in lax decoders.
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = ALPHABET.find(s.chars().last().unwrap()).unwrap();
    assert_eq!(last & 0xf, 0);
    let twin = ALPHABET.chars().nth(last | 1).unwrap();
    assert_eq!(
        parse_code(&format!("{h}.{p}.{}{twin}", &s[..s.len() - 1])),
        "malformed_token"
    );
}

#[test]
fn header_rules() {
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": ["exp"], "exp": 1})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": []})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": "exp"})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": ["kid"], "kid": "k1"})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": ["missing"]})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "crit": ["b64"], "b64": false})),
        "unsupported_critical_header"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "b64": false})),
        "unsupported_critical_header"
    );
    assert_eq!(header_code(json!({"alg": "none"})), "unsupported_algorithm");
    assert_eq!(header_code(json!({"alg": "HS1"})), "unsupported_algorithm");
    assert_eq!(header_code(json!({"alg": 256})), "malformed_token");
    assert_eq!(header_code(json!({"typ": "JWT"})), "malformed_token");
    assert_eq!(
        header_code(json!({"alg": "ES256", "kid": 1})),
        "malformed_token"
    );
    assert_eq!(
        header_code(json!({"alg": "ES256", "typ": ["JWT"]})),
        "malformed_token"
    );
    assert_eq!(header_code(json!(["ES256"])), "malformed_token");
    let (key, _) = es256();
    let ok = sign_raw(
        Algorithm::Es256,
        &json!({"alg": "ES256", "b64": true, "kid": "k1", "typ": "JWT"}),
        b"{}",
        &key,
    );
    let parsed = UnverifiedToken::parse(&ok, MAX).unwrap();
    assert_eq!(
        (parsed.header().kid(), parsed.header().typ()),
        (Some("k1"), Some("JWT"))
    );
}

#[test]
fn duplicate_members_are_malformed() {
    let (key, _) = es256();
    let header = r#"{"alg":"ES256","alg":"HS256"}"#;
    let input = format!("{}.{}", base64url::encode(header), base64url::encode("{}"));
    let token = format!(
        "{input}.{}",
        base64url::encode(key.sign(Algorithm::Es256, input.as_bytes()))
    );
    assert_eq!(parse_code(&token), "malformed_token");
    let claims = br#"{"sub":"a","sub":"b"}"#;
    let token = sign_raw(Algorithm::Es256, &json!({"alg": "ES256"}), claims, &key);
    assert!(
        UnverifiedToken::parse(&token, MAX)
            .unwrap_err()
            .message()
            .contains("duplicate member name")
    );
}

#[test]
fn claims_must_be_an_object_but_a_jws_payload_may_be_anything() {
    let (key, set) = es256();
    let token = sign_raw(Algorithm::Es256, &json!({"alg": "ES256"}), b"Payload", &key);
    assert_eq!(parse_code(&token), "malformed_token");
    let jws = UnverifiedJws::parse(&token, MAX)
        .unwrap()
        .verify(&set, &[Algorithm::Es256])
        .unwrap();
    assert_eq!(jws.payload(), b"Payload");
    let token = sign_raw(Algorithm::Es256, &json!({"alg": "ES256"}), b"[1]", &key);
    assert_eq!(parse_code(&token), "malformed_token");
}

#[test]
fn verification_checks_the_allowlist_and_the_signature() {
    let (key, set) = es256();
    let token = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "a"}),
        &key,
    );
    let verified = verify_with(&token, &set, Algorithm::Es256).unwrap();
    assert_eq!(verified.claims()["sub"], "a");
    assert_eq!(verified.header().alg(), Algorithm::Es256);
    let err = verify_with(&token, &set, Algorithm::Rs256).unwrap_err();
    assert_eq!(err.code(), "algorithm_not_allowed");
    let other = key_for(Algorithm::Es256, 2);
    let forged = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "a"}),
        &other,
    );
    let err = verify_with(&forged, &set, Algorithm::Es256).unwrap_err();
    assert_eq!(err.code(), "invalid_signature");
}

#[test]
fn a_token_without_kid_tries_every_fitting_key() {
    let first = key_for(Algorithm::Es256, 1);
    let second = key_for(Algorithm::Es256, 2);
    let set = JwkSet::from_keys(&[first.jwk_with_kid("a"), second.jwk_with_kid("b")]).unwrap();
    let token = sign(Algorithm::Es256, json!({}), &json!({"sub": "a"}), &second);
    assert!(verify_with(&token, &set, Algorithm::Es256).is_ok());
    let token = sign(
        Algorithm::Es256,
        json!({"kid": "a"}),
        &json!({"sub": "a"}),
        &second,
    );
    let err = verify_with(&token, &set, Algorithm::Es256).unwrap_err();
    assert_eq!(err.code(), "invalid_signature");
}

#[test]
fn embedded_and_remote_keys_in_the_header_are_ignored() {
    let (_, set) = es256();
    let attacker = key_for(Algorithm::Es256, 9);
    let header = json!({"jwk": attacker.jwk(), "jku": "https://attacker.example/jwks", "x5u": "https://attacker.example/c", "x5c": ["MIIB"]});
    let token = sign(Algorithm::Es256, header, &json!({"sub": "a"}), &attacker);
    let parsed = UnverifiedToken::parse(&token, MAX).unwrap();
    assert!(parsed.header().get("jwk").is_some());
    assert_eq!(
        parsed.verify(&set, &[Algorithm::Es256]).unwrap_err().code(),
        "invalid_signature"
    );
}

#[test]
fn pending_signature_needs_a_proof_of_its_own_check() {
    let (key, set) = es256();
    let good = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "a"}),
        &key,
    );
    let other = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "b"}),
        &key,
    );
    let prepare = |t: &str| {
        UnverifiedToken::parse(t, MAX)
            .unwrap()
            .prepare(&set, &[Algorithm::Es256])
            .unwrap()
    };
    let (a, b) = (prepare(&good), prepare(&other));
    assert_eq!(a.alg(), Algorithm::Es256);
    assert_eq!(a.candidate_count(), 1);
    assert_eq!(a.candidate_positions(), &[0]);
    assert_eq!(
        a.signing_input(),
        good.rsplit_once('.').unwrap().0.as_bytes()
    );
    assert!(a.candidates().next().unwrap().public_jwk().is_some());
    // A proof made for one token does not complete another.
    let proof_b = b.check_with_rust(0).unwrap();
    assert_eq!(a.complete(proof_b).unwrap_err().code(), "invalid_signature");
    let b = prepare(&other);
    let proof = b.check_with_rust(0).unwrap();
    let verified = b.complete(proof).unwrap();
    assert_eq!(verified.claims()["sub"], "b");
    assert_eq!(verified.claims_json(), Some(r#"{"sub":"b"}"#));
    // No proof for a candidate that does not exist, nor for a tampered signature.
    let a = prepare(&good);
    assert_eq!(
        a.check_with_rust(1).unwrap_err().code(),
        "invalid_signature"
    );
    let tampered = format!(
        "{}.{}",
        good.rsplit_once('.').unwrap().0,
        other.rsplit_once('.').unwrap().1
    );
    assert_eq!(
        prepare(&tampered).check_with_rust(0).unwrap_err().code(),
        "invalid_signature"
    );
}

#[test]
fn an_outside_primitive_answers_only_for_its_own_check() {
    let (key, set) = es256();
    let sign_sub = |sub: &str| {
        sign(
            Algorithm::Es256,
            json!({"kid": "k1"}),
            &json!({ "sub": sub }),
            &key,
        )
    };
    let (good, other) = (sign_sub("a"), sign_sub("b"));
    let prepare = |t: &str| {
        UnverifiedToken::parse(t, MAX)
            .unwrap()
            .prepare(&set, &[Algorithm::Es256])
            .unwrap()
    };
    // It is handed this check's key, algorithm, input and signature.
    let a = prepare(&good);
    let proof = a
        .check_with(0, |check| {
            assert_eq!((check.set_id, check.position), (set.id(), 0));
            assert_eq!(check.alg, Algorithm::Es256);
            assert_eq!(check.signing_input, a.signing_input());
            assert_eq!(check.signature, a.signature());
            assert!(std::ptr::eq(check.key, &set.keys()[0]));
            Some(true)
        })
        .unwrap();
    // Its "true" completes that check only, never another token's.
    assert_eq!(
        prepare(&other).complete(proof).unwrap_err().code(),
        "invalid_signature"
    );
    // "false" fails closed even for a good signature; no answer leaves it to the Rust algorithms.
    let a = prepare(&good);
    assert_eq!(
        a.check_with(0, |_| Some(false)).unwrap_err().code(),
        "invalid_signature"
    );
    assert!(a.check_with(0, |_| None).is_ok());
    let tampered = format!(
        "{}.{}",
        good.rsplit_once('.').unwrap().0,
        other.rsplit_once('.').unwrap().1
    );
    let t = prepare(&tampered);
    assert_eq!(
        t.check_with(0, |_| None).unwrap_err().code(),
        "invalid_signature"
    );
    // verify_with tries every candidate until one is answered true.
    let mut asked = 0;
    let verified = prepare(&good)
        .verify_with(|_| {
            asked += 1;
            Some(true)
        })
        .unwrap();
    assert_eq!((asked, verified.claims()["sub"].as_str()), (1, Some("a")));
}

#[test]
fn prepare_applies_the_pre_signature_rules() {
    let (key, set) = es256();
    let good = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "a"}),
        &key,
    );
    let code = |t: &str, allowed: &[Algorithm]| {
        UnverifiedToken::parse(t, MAX)
            .unwrap()
            .prepare(&set, allowed)
            .unwrap_err()
            .code()
    };
    assert_eq!(code(&good, &[Algorithm::Rs256]), "algorithm_not_allowed");
    let unknown = sign(Algorithm::Es256, json!({"kid": "k9"}), &json!({}), &key);
    assert_eq!(code(&unknown, &[Algorithm::Es256]), "key_not_found");
    // CVE-2022-21449: (0, 0) never reaches a verifier, nor r = n.
    let input = good.rsplit_once('.').unwrap().0;
    let zero = format!("{input}.{}", crate::jose::base64url::encode([0u8; 64]));
    assert_eq!(code(&zero, &[Algorithm::Es256]), "invalid_signature");
    let high = format!("{input}.{}", crate::jose::base64url::encode([0xffu8; 64]));
    assert_eq!(code(&high, &[Algorithm::Es256]), "invalid_signature");
    let short = format!("{input}.{}", crate::jose::base64url::encode([1u8; 63]));
    assert_eq!(code(&short, &[Algorithm::Es256]), "invalid_signature");
}

#[test]
fn peek_kid_reads_the_header_of_a_well_formed_token_only() {
    let (key, _) = es256();
    let token = sign(
        Algorithm::Es256,
        json!({"kid": "k1"}),
        &json!({"sub": "a"}),
        &key,
    );
    assert_eq!(UnverifiedJws::peek_kid(&token).as_deref(), Some("k1"));
    let token = sign(Algorithm::Es256, json!({}), &json!({"sub": "a"}), &key);
    assert_eq!(UnverifiedJws::peek_kid(&token), None);
    assert_eq!(UnverifiedJws::peek_kid("not.a.jwt"), None);
    let long = format!("{token}{}", "A".repeat(MAX));
    assert_eq!(UnverifiedJws::peek_kid(&long), None);
}

#[test]
fn peek_issuer_reads_a_string_iss_of_the_payload_only() {
    let (key, _) = es256();
    let signed = |claims| sign(Algorithm::Es256, json!({}), &claims, &key);
    let token = signed(json!({"iss": "https://op", "sub": "a"}));
    assert_eq!(
        UnverifiedJws::peek_issuer(&token).as_deref(),
        Some("https://op")
    );
    for claims in [json!({"sub": "a"}), json!({"iss": 7}), json!({"iss": null})] {
        assert_eq!(UnverifiedJws::peek_issuer(&signed(claims)), None);
    }
    assert_eq!(UnverifiedJws::peek_issuer("not.a.jwt"), None);
    assert_eq!(UnverifiedJws::peek_issuer("onepart"), None);
    let long = format!("{token}{}", "A".repeat(MAX));
    assert_eq!(UnverifiedJws::peek_issuer(&long), None);
}
