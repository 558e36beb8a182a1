//! Property tests of the verifier with the test signer: `verify(sign(claims)) == claims` for every algorithm,
//! non-canonical base64url in any part is `malformed_token`, any other change to a signed token fails, and
//! the time rules hold for any `exp`/`nbf`/`now`/tolerance. No `unwrap` here: failures are `TestCaseError`s.

use super::*;
use crate::jose::testutil::{key_for, sign};
use proptest::prelude::*;
use serde_json::json;

const ISS: &str = "https://idp.example.com";
const NOW: u64 = 1_700_000_000;

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

fn verifier(alg: Algorithm, tolerance: u64) -> Result<TokenVerifier, TestCaseError> {
    let set = JwkSet::from_keys(&[key_for(alg, 7).jwk_with_kid("k")]).map_err(fail)?;
    let options = VerifierOptions {
        clock_tolerance: tolerance,
        ..VerifierOptions::default()
    };
    TokenVerifier::new(ISS, vec!["api".into()], set, options).map_err(fail)
}

fn any_alg() -> impl Strategy<Value = Algorithm> {
    proptest::sample::select(Algorithm::ALL.to_vec())
}

/// JSON values that survive a text round trip exactly (integers, not floats: serde_json's default float
/// parsing may differ from the printed value in the last bit).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("\\PC{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Claims a verifier for [`ISS`] / `api` accepts at [`NOW`], plus arbitrary extra members.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::collection::btree_map("x_\\PC{0,8}", json_value(), 0..6),
        proptest::collection::vec("[a-z]{1,6}", 0..3),
        NOW + 1..=9_007_199_254_740_991u64,
        proptest::option::of(0..=NOW),
        "\\PC{0,20}",
    )
        .prop_map(|(extra, more_aud, exp, nbf, sub)| {
            let mut claims: Map<String, Value> = extra.into_iter().collect();
            let mut aud = more_aud;
            aud.push("api".into());
            claims.insert("iss".into(), json!(ISS));
            claims.insert("aud".into(), json!(aud));
            claims.insert("exp".into(), json!(exp));
            claims.insert("sub".into(), json!(sub));
            if let Some(nbf) = nbf {
                claims.insert("nbf".into(), json!(nbf));
            }
            claims
        })
}

/// Non-canonical spellings of one base64url part: padding, the standard alphabet, white space, set
/// trailing bits. `None` when the mutation does not apply to this part.
fn non_canonical(part: &str, how: u8) -> Option<String> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    match how % 5 {
        0 if part.len() % 4 != 0 => Some(format!("{part}{}", "=".repeat(4 - part.len() % 4))),
        1 if part.contains(['-', '_']) => Some(part.replace('-', "+").replace('_', "/")),
        2 if !part.is_empty() => Some(format!("{} {}", &part[..1], &part[1..])),
        3 => Some(format!("{part}\n")),
        4 if part.len() % 4 >= 2 => {
            // the last character's unused low bits (4 when len % 4 == 2, 2 when 3) set: same bytes to a lax
            // decoder, a second spelling to a strict one
            let last = part.chars().last()?;
            let index = ALPHABET.find(last)?;
            let twin = ALPHABET.chars().nth(index | 1)?;
            (twin != last).then(|| format!("{}{twin}", &part[..part.len() - 1]))
        }
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn verify_of_sign_is_identity(alg in any_alg(), claims in claims(), typ in proptest::option::of(Just("JWT"))) {
        let key = key_for(alg, 7);
        let header = typ.map_or(json!({"kid": "k"}), |t| json!({"kid": "k", "typ": t}));
        let token = sign(alg, header, &Value::Object(claims.clone()), &key);
        let verified = verifier(alg, 0)?.verify(&token, &VerifyOptions { now: NOW, ..VerifyOptions::default() })
            .map_err(fail)?;
        prop_assert_eq!(verified.header().alg(), alg);
        prop_assert_eq!(verified.into_claims(), claims);
    }

    #[test]
    fn non_canonical_base64url_is_malformed(alg in any_alg(), part in 0usize..3, how in any::<u8>(), claims in claims()) {
        let token = sign(alg, json!({}), &Value::Object(claims), &key_for(alg, 7));
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let Some(original) = parts.get(part).cloned() else { return Err(fail("three parts")) };
        let Some(mutated) = non_canonical(&original, how) else { return Ok(()) };
        prop_assert!(base64url::decode(&mutated).is_none(), "{mutated:?} decoded");
        if let Some(slot) = parts.get_mut(part) {
            *slot = mutated;
        }
        let err = verifier(alg, 0)?
            .verify(&parts.join("."), &VerifyOptions { now: NOW, ..VerifyOptions::default() })
            .err()
            .ok_or_else(|| fail("a non-canonical token verified"))?;
        prop_assert_eq!(err.code(), "malformed_token", "{}", err);
    }

    #[test]
    fn any_change_to_a_signed_token_fails(alg in any_alg(), claims in claims(), at in any::<proptest::sample::Index>(), byte in 0x21u8..0x7f) {
        let token = sign(alg, json!({"kid": "k"}), &Value::Object(claims), &key_for(alg, 7));
        let i = at.index(token.len());
        let mut bytes = token.clone().into_bytes();
        if bytes.get(i) == Some(&byte) {
            return Ok(());
        }
        if let Some(b) = bytes.get_mut(i) {
            *b = byte;
        }
        let changed = String::from_utf8(bytes).map_err(fail)?;
        let result = verifier(alg, 0)?.verify(&changed, &VerifyOptions { now: NOW, ..VerifyOptions::default() });
        let code = result.err().map(|e| e.code());
        prop_assert!(
            matches!(code, Some("malformed_token" | "invalid_signature" | "key_not_found" | "algorithm_not_allowed"
                | "unsupported_algorithm" | "unsupported_critical_header")),
            "{changed} -> {code:?}"
        );
    }

    /// DESIGN.md "Time" for any values, including a tolerance or `now` near u64::MAX (no wrapping).
    #[test]
    fn time_rules_hold_for_any_values(
        exp in 0u64..=9_007_199_254_740_991,
        nbf in proptest::option::of(0u64..=9_007_199_254_740_991),
        now in prop_oneof![0u64..=9_007_199_254_740_991, Just(u64::MAX)],
        tolerance in prop_oneof![0u64..=1_000_000, Just(u64::MAX)],
    ) {
        let alg = Algorithm::Hs256;
        let mut claims = json!({"iss": ISS, "aud": "api", "exp": exp});
        if let Some(nbf) = nbf {
            claims["nbf"] = json!(nbf);
        }
        let token = sign(alg, json!({}), &claims, &key_for(alg, 7));
        let result = verifier(alg, tolerance)?.verify(&token, &VerifyOptions { now, ..VerifyOptions::default() });
        let expired = u128::from(exp) + u128::from(tolerance) <= u128::from(now);
        let early = nbf.is_some_and(|nbf| u128::from(nbf) > u128::from(now) + u128::from(tolerance));
        // f64 comparisons are exact below 2^53; u64::MAX rounds up to 2^64, tolerance u64::MAX to 2^64 too.
        let expected = if expired { Some("token_expired") } else if early { Some("token_not_yet_valid") } else { None };
        prop_assert_eq!(result.err().map(|e| e.code()), expected);
    }
}
