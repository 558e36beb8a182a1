// Test-only module (declared under #[cfg(test)] by its parent): unwrap and panic are the assertions here.
use super::*;
use crate::jose::testutil::{TestKey, key_for, sign};
use crate::scope::Requirement;
use crate::wire::OneOrMany;
use serde_json::json;
use sha2::Digest;

const NOW: u64 = 1_700_000_000;
const ISS: &str = "https://idp.example.com";

fn setup(alg: Algorithm, audience: &[&str], options: VerifierOptions) -> (TestKey, TokenVerifier) {
    let key = key_for(alg, 1);
    let set = JwkSet::from_keys(&[key.jwk_with_kid("k1")]).unwrap();
    let aud = audience.iter().map(|s| s.to_string()).collect();
    (key, TokenVerifier::new(ISS, aud, set, options).unwrap())
}

fn claims(extra: Value) -> Value {
    let mut c =
        json!({"iss": ISS, "aud": "client", "sub": "user", "iat": NOW - 10, "exp": NOW + 600});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

struct Case {
    key: TestKey,
    verifier: TokenVerifier,
    alg: Algorithm,
}

impl Case {
    fn new() -> Self {
        Self::with(Algorithm::Es256, &["client"], VerifierOptions::default())
    }
    fn with(alg: Algorithm, audience: &[&str], options: VerifierOptions) -> Self {
        let (key, verifier) = setup(alg, audience, options);
        Case { key, verifier, alg }
    }
    fn token(&self, header: Value, extra: Value) -> String {
        sign(self.alg, header, &claims(extra), &self.key)
    }
    fn verify(&self, extra: Value) -> Result<VerifiedToken> {
        self.verifier.verify(
            &self.token(json!({}), extra),
            &VerifyOptions {
                now: NOW,
                ..Default::default()
            },
        )
    }
    fn code(&self, extra: Value) -> &'static str {
        self.verify(extra).unwrap_err().code()
    }
    fn id(&self, extra: Value, options: IdTokenOptions) -> Result<VerifiedToken> {
        self.verifier.verify_id_token(
            &self.token(json!({}), extra),
            &IdTokenOptions {
                now: NOW,
                ..options
            },
        )
    }
    fn access(
        &self,
        header: Value,
        extra: Value,
        options: AccessTokenOptions,
    ) -> Result<VerifiedToken> {
        self.verifier.verify_access_token(
            &self.token(header, extra),
            &AccessTokenOptions {
                now: NOW,
                ..options
            },
        )
    }
}

#[test]
fn a_good_token_gives_its_claims() {
    let case = Case::new();
    let verified = case.verify(json!({"custom": [1, 2]})).unwrap();
    assert_eq!(verified.claims()["custom"], json!([1, 2]));
    assert_eq!(verified.into_claims()["sub"], "user");
}

#[test]
fn issuer_is_exact_and_required() {
    let case = Case::new();
    assert_eq!(
        case.code(json!({"iss": "https://idp.example.com/"})),
        "issuer_mismatch"
    );
    assert_eq!(case.code(json!({"iss": null})), "missing_claim");
    assert_eq!(case.code(json!({"iss": 5})), "invalid_claim");
}

#[test]
fn audience_must_contain_an_expected_one() {
    let case = Case::with(
        Algorithm::Es256,
        &["api", "client"],
        VerifierOptions::default(),
    );
    assert!(case.verify(json!({"aud": ["other", "client"]})).is_ok());
    assert!(case.verify(json!({"aud": "api"})).is_ok());
    assert_eq!(case.code(json!({"aud": ["other"]})), "audience_mismatch");
    assert_eq!(case.code(json!({"aud": "Client"})), "audience_mismatch");
    assert_eq!(case.code(json!({"aud": null})), "missing_claim");
    assert_eq!(case.code(json!({"aud": ["client", 1]})), "invalid_claim");
    assert_eq!(case.code(json!({"aud": {"client": true}})), "invalid_claim");
}

#[test]
fn expiry_and_not_before_at_their_boundaries() {
    let case = Case::new();
    assert_eq!(case.code(json!({"exp": NOW})), "token_expired");
    assert!(case.verify(json!({"exp": NOW + 1})).is_ok());
    assert!(case.verify(json!({"exp": NOW as f64 + 0.5})).is_ok());
    assert_eq!(case.code(json!({"exp": null})), "missing_claim");
    assert_eq!(case.code(json!({"exp": "1800000000"})), "invalid_claim");
    assert!(case.verify(json!({"nbf": NOW})).is_ok());
    assert_eq!(case.code(json!({"nbf": NOW + 1})), "token_not_yet_valid");
    assert_eq!(case.code(json!({"nbf": true})), "invalid_claim");
    assert_eq!(case.code(json!({"iat": "yesterday"})), "invalid_claim");

    let tolerant = Case::with(
        Algorithm::Es256,
        &["client"],
        VerifierOptions {
            clock_tolerance: 30,
            ..Default::default()
        },
    );
    assert!(tolerant.verify(json!({"exp": NOW - 29})).is_ok());
    assert_eq!(tolerant.code(json!({"exp": NOW - 30})), "token_expired");
    assert!(tolerant.verify(json!({"nbf": NOW + 30})).is_ok());
    assert_eq!(
        tolerant.code(json!({"nbf": NOW + 31})),
        "token_not_yet_valid"
    );
}

#[test]
fn typ_and_required_claims() {
    let case = Case::new();
    let verify = |typ: Option<&str>, expected: Option<&str>| {
        let header = typ.map_or(json!({}), |t| json!({"typ": t}));
        let options = VerifyOptions {
            now: NOW,
            typ: expected.map(str::to_owned),
            ..Default::default()
        };
        case.verifier
            .verify(&case.token(header, json!({})), &options)
    };
    assert!(verify(Some("JWT"), Some("jwt")).is_ok());
    assert!(verify(Some("application/JWT"), Some("JWT")).is_ok());
    assert!(verify(Some("secevent+jwt"), None).is_ok());
    assert_eq!(
        verify(Some("at+jwt"), Some("JWT")).unwrap_err().code(),
        "typ_mismatch"
    );
    assert_eq!(
        verify(None, Some("JWT")).unwrap_err().code(),
        "typ_mismatch"
    );

    let options = VerifyOptions {
        now: NOW,
        required_claims: vec!["jti".into()],
        ..Default::default()
    };
    let err = case
        .verifier
        .verify(&case.token(json!({}), json!({})), &options)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.message().as_str()),
        ("missing_claim", "\"jti\" is required")
    );
    assert!(
        case.verifier
            .verify(&case.token(json!({}), json!({"jti": "x"})), &options)
            .is_ok()
    );
    let null_jti = case.token(json!({}), json!({"jti": Value::Null}));
    assert_eq!(
        case.verifier
            .verify(&null_jti, &options)
            .unwrap_err()
            .code(),
        "missing_claim"
    );
}

#[test]
fn constructor_options_are_checked() {
    let set = || JwkSet::from_keys(&[key_for(Algorithm::Es256, 1).jwk()]).unwrap();
    let new = |iss: &str, aud: Vec<String>, o: VerifierOptions| {
        TokenVerifier::new(iss, aud, set(), o).map(|_| ())
    };
    let aud = || vec!["client".to_owned()];
    assert_eq!(
        new("", aud(), VerifierOptions::default())
            .unwrap_err()
            .code(),
        "invalid_request"
    );
    assert_eq!(
        new(ISS, vec![], VerifierOptions::default())
            .unwrap_err()
            .code(),
        "invalid_request"
    );
    assert_eq!(
        new(ISS, vec![String::new()], VerifierOptions::default())
            .unwrap_err()
            .code(),
        "invalid_request"
    );
    let o = VerifierOptions {
        algorithms: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(new(ISS, aud(), o).unwrap_err().code(), "invalid_request");
    let o = VerifierOptions {
        max_token_length: 0,
        ..Default::default()
    };
    assert_eq!(new(ISS, aud(), o).unwrap_err().code(), "invalid_request");
    let o = VerifierOptions {
        client_id: Some(String::new()),
        ..Default::default()
    };
    assert_eq!(new(ISS, aud(), o).unwrap_err().code(), "invalid_request");
}

#[test]
fn default_allowlist_is_asymmetric_unless_the_set_has_secrets() {
    let (_, asymmetric) = setup(Algorithm::Rs256, &["client"], VerifierOptions::default());
    assert!(asymmetric.algorithms().iter().all(|a| !a.is_symmetric()));
    assert_eq!(asymmetric.algorithms().len(), 11);
    let (_, with_secret) = setup(Algorithm::Hs256, &["client"], VerifierOptions::default());
    assert_eq!(with_secret.algorithms().len(), 14);
}

#[test]
fn alg_confusion_rsa_public_key_as_hmac_secret_is_refused() {
    use rsa::traits::PublicKeyParts;
    let case = Case::with(Algorithm::Rs256, &["client"], VerifierOptions::default());
    let TestKey::Rsa(private) = &case.key else {
        panic!("not an RSA key")
    };
    // the attacker MACs with the public key's bytes, as a confused verifier would use them
    let secret = TestKey::Hmac(private.n().to_bytes_be());
    let forged = sign(
        Algorithm::Hs256,
        json!({"kid": "k1"}),
        &claims(json!({})),
        &secret,
    );
    let options = VerifyOptions {
        now: NOW,
        ..Default::default()
    };
    assert_eq!(
        case.verifier.verify(&forged, &options).unwrap_err().code(),
        "algorithm_not_allowed"
    );
    // even when HS256 is allowed, the RSA key never verifies it
    let set = JwkSet::from_keys(&[case.key.jwk_with_kid("k1")]).unwrap();
    let lax = VerifierOptions {
        algorithms: Some(vec![Algorithm::Hs256, Algorithm::Rs256]),
        ..Default::default()
    };
    let verifier = TokenVerifier::new(ISS, vec!["client".into()], set, lax).unwrap();
    assert_eq!(
        verifier.verify(&forged, &options).unwrap_err().code(),
        "algorithm_not_allowed"
    );
    let no_kid = sign(Algorithm::Hs256, json!({}), &claims(json!({})), &secret);
    assert_eq!(
        verifier.verify(&no_kid, &options).unwrap_err().code(),
        "key_not_found"
    );
}

#[test]
fn algorithms_option_and_jwk_alg_narrow_the_choice() {
    let narrow = VerifierOptions {
        algorithms: Some(vec![Algorithm::Ps256]),
        ..Default::default()
    };
    let case = Case::with(Algorithm::Rs256, &["client"], narrow);
    assert_eq!(case.code(json!({})), "algorithm_not_allowed");

    let key = key_for(Algorithm::Rs256, 1);
    let mut jwk = key.jwk_with_kid("k1");
    jwk["alg"] = json!("PS256");
    let verifier = TokenVerifier::new(
        ISS,
        vec!["client".into()],
        JwkSet::from_keys(&[jwk]).unwrap(),
        VerifierOptions::default(),
    )
    .unwrap();
    let options = VerifyOptions {
        now: NOW,
        ..Default::default()
    };
    let rs = sign(
        Algorithm::Rs256,
        json!({"kid": "k1"}),
        &claims(json!({})),
        &key,
    );
    assert_eq!(
        verifier.verify(&rs, &options).unwrap_err().code(),
        "algorithm_not_allowed"
    );
    let ps = sign(
        Algorithm::Ps256,
        json!({"kid": "k1"}),
        &claims(json!({})),
        &key,
    );
    assert!(verifier.verify(&ps, &options).is_ok());
}

#[test]
fn token_length_option() {
    let case = Case::with(
        Algorithm::Es256,
        &["client"],
        VerifierOptions {
            max_token_length: 100,
            ..Default::default()
        },
    );
    assert_eq!(case.code(json!({})), "malformed_token");
}

#[test]
fn id_token_required_claims_audience_and_azp() {
    let case = Case::new();
    assert!(case.id(json!({}), IdTokenOptions::default()).is_ok());
    assert_eq!(
        case.id(json!({"sub": null}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "missing_claim"
    );
    assert_eq!(
        case.id(json!({"sub": 1}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "invalid_claim"
    );
    assert_eq!(
        case.id(json!({"iat": null}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "missing_claim"
    );
    let several = json!({"aud": ["client", "other"]});
    assert_eq!(
        case.id(several.clone(), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "missing_claim"
    );
    assert!(
        case.id(
            json!({"aud": ["client", "other"], "azp": "client"}),
            IdTokenOptions::default()
        )
        .is_ok()
    );
    assert_eq!(
        case.id(json!({"azp": "other"}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "azp_mismatch"
    );

    let api_and_client = VerifierOptions {
        client_id: Some("client".into()),
        ..Default::default()
    };
    let case = Case::with(Algorithm::Es256, &["api", "client"], api_and_client);
    assert_eq!(
        case.id(json!({"aud": "api"}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "audience_mismatch"
    );
    let no_client = Case::with(
        Algorithm::Es256,
        &["api", "client"],
        VerifierOptions::default(),
    );
    assert_eq!(
        no_client
            .id(json!({}), IdTokenOptions::default())
            .unwrap_err()
            .code(),
        "invalid_request"
    );
}

#[test]
fn id_token_refuses_access_and_logout_token_types() {
    let case = Case::new();
    let id = |typ: &str| {
        let token = case.token(json!({"typ": typ}), json!({}));
        let options = IdTokenOptions {
            now: NOW,
            ..Default::default()
        };
        case.verifier.verify_id_token(&token, &options)
    };
    assert!(id("JWT").is_ok());
    assert_eq!(id("at+jwt").unwrap_err().code(), "typ_mismatch");
    assert_eq!(id("application/AT+JWT").unwrap_err().code(), "typ_mismatch");
    assert_eq!(id("logout+jwt").unwrap_err().code(), "typ_mismatch");
}

#[test]
fn id_token_nonce() {
    let case = Case::new();
    let with_nonce = |n: &str| IdTokenOptions {
        nonce: Some(n.into()),
        ..Default::default()
    };
    assert!(
        case.id(json!({"nonce": "n-0S6_WzA2Mj"}), with_nonce("n-0S6_WzA2Mj"))
            .is_ok()
    );
    assert_eq!(
        case.id(json!({"nonce": "other"}), with_nonce("n-0S6_WzA2Mj"))
            .unwrap_err()
            .code(),
        "nonce_mismatch"
    );
    assert_eq!(
        case.id(json!({}), with_nonce("n-0S6_WzA2Mj"))
            .unwrap_err()
            .code(),
        "nonce_mismatch"
    );
    assert!(
        case.id(json!({"nonce": "unasked"}), IdTokenOptions::default())
            .is_ok()
    );
}

#[test]
fn id_token_max_age() {
    let case = Case::with(
        Algorithm::Es256,
        &["client"],
        VerifierOptions {
            clock_tolerance: 5,
            ..Default::default()
        },
    );
    let max_age = IdTokenOptions {
        max_age: Some(300),
        ..Default::default()
    };
    assert!(
        case.id(json!({"auth_time": NOW - 305}), max_age.clone())
            .is_ok()
    );
    assert_eq!(
        case.id(json!({"auth_time": NOW - 306}), max_age.clone())
            .unwrap_err()
            .code(),
        "auth_time_too_old"
    );
    assert_eq!(
        case.id(json!({}), max_age.clone()).unwrap_err().code(),
        "missing_claim"
    );
    assert_eq!(
        case.id(json!({"auth_time": "recent"}), max_age)
            .unwrap_err()
            .code(),
        "invalid_claim"
    );
    assert!(
        case.id(json!({"auth_time": 1}), IdTokenOptions::default())
            .is_ok()
    );
}

fn half_hash<D: Digest>(value: &str) -> String {
    let hash = D::digest(value.as_bytes());
    base64url::encode(&hash[..hash.len() / 2])
}

#[test]
fn id_token_at_hash_and_c_hash_use_the_algorithms_hash() {
    for (alg, at_hash) in [
        (Algorithm::Rs256, half_hash::<sha2::Sha256>("at-123")),
        (Algorithm::Es384, half_hash::<sha2::Sha384>("at-123")),
        (Algorithm::EdDsa, half_hash::<sha2::Sha512>("at-123")),
    ] {
        let case = Case::with(alg, &["client"], VerifierOptions::default());
        let with_at = IdTokenOptions {
            access_token: Some("at-123".into()),
            ..Default::default()
        };
        assert!(
            case.id(json!({"at_hash": at_hash}), with_at.clone())
                .is_ok(),
            "{}",
            alg.name()
        );
        assert_eq!(
            case.id(json!({"at_hash": "AAAA"}), with_at.clone())
                .unwrap_err()
                .code(),
            "invalid_claim"
        );
        assert_eq!(
            case.id(json!({}), with_at.clone()).unwrap_err().code(),
            "missing_claim"
        );
        // The code flow's optional at_hash: checked when present, not required.
        let optional = IdTokenOptions {
            at_hash_optional: true,
            ..with_at
        };
        assert!(case.id(json!({}), optional.clone()).is_ok());
        assert!(
            case.id(json!({"at_hash": at_hash}), optional.clone())
                .is_ok()
        );
        assert_eq!(
            case.id(json!({"at_hash": "AAAA"}), optional)
                .unwrap_err()
                .code(),
            "invalid_claim"
        );
    }
    // OIDC Core A.4's code and c_hash are RS256 (SHA-256) values.
    let case = Case::with(Algorithm::Rs256, &["client"], VerifierOptions::default());
    let with_code = IdTokenOptions {
        code: Some("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk".into()),
        ..Default::default()
    };
    assert!(
        case.id(
            json!({"c_hash": "LDktKdoQak3Pk0cnXxCltA"}),
            with_code.clone()
        )
        .is_ok()
    );
    assert_eq!(
        case.id(json!({"c_hash": "LDktKdoQak3Pk0cnXxCltB"}), with_code)
            .unwrap_err()
            .code(),
        "invalid_claim"
    );
}

#[test]
fn access_token_typ_rules() {
    let case = Case::new();
    let lenient = AccessTokenOptions::default();
    for typ in ["at+jwt", "application/at+jwt", "JWT", "AT+JWT"] {
        assert!(
            case.access(json!({"typ": typ}), json!({}), lenient.clone())
                .is_ok(),
            "{typ}"
        );
    }
    assert!(case.access(json!({}), json!({}), lenient.clone()).is_ok());
    // RFC 9068 §2.2: `sub` is required outside strict mode too.
    assert_eq!(
        case.access(json!({}), json!({"sub": null}), lenient.clone())
            .unwrap_err()
            .code(),
        "missing_claim"
    );
    assert_eq!(
        case.access(json!({"typ": "id+jwt"}), json!({}), lenient)
            .unwrap_err()
            .code(),
        "typ_mismatch"
    );

    let strict = AccessTokenOptions {
        strict: true,
        ..Default::default()
    };
    let full = json!({"client_id": "spa", "jti": "j1"});
    assert!(
        case.access(json!({"typ": "at+jwt"}), full.clone(), strict.clone())
            .is_ok()
    );
    assert_eq!(
        case.access(json!({"typ": "JWT"}), full.clone(), strict.clone())
            .unwrap_err()
            .code(),
        "typ_mismatch"
    );
    assert_eq!(
        case.access(json!({}), full, strict.clone())
            .unwrap_err()
            .code(),
        "typ_mismatch"
    );
    for missing in ["sub", "client_id", "iat", "jti"] {
        let mut extra = json!({"client_id": "spa", "jti": "j1"});
        extra[missing] = Value::Null;
        let err = case
            .access(json!({"typ": "at+jwt"}), extra, strict.clone())
            .unwrap_err();
        assert_eq!(err.code(), "missing_claim", "{missing}");
    }
}

#[test]
fn access_token_scopes() {
    let case = Case::new();
    let require = |scopes: &[&str]| AccessTokenOptions {
        required_scopes: Some(
            Requirement::all_of(&OneOrMany::Many(
                scopes.iter().map(|s| s.to_string()).collect(),
            ))
            .unwrap(),
        ),
        ..Default::default()
    };
    assert!(
        case.access(
            json!({}),
            json!({"scope": "read write"}),
            require(&["write", "read"])
        )
        .is_ok()
    );
    assert!(
        case.access(json!({}), json!({"scp": ["read"]}), require(&["read"]))
            .is_ok()
    );
    let err = case
        .access(
            json!({}),
            json!({"scope": "read"}),
            require(&["read", "write", "admin"]),
        )
        .unwrap_err();
    assert_eq!(err.code(), "insufficient_scope");
    assert!(
        err.message()
            .starts_with("the token lacks the scope(s) write admin"),
        "{}",
        err.message()
    );
    let Error::InsufficientScope { required, .. } = err else {
        panic!("not insufficient_scope")
    };
    assert_eq!(required, ["read", "write", "admin"]);
    assert_eq!(
        case.access(json!({}), json!({}), require(&["read"]))
            .unwrap_err()
            .code(),
        "insufficient_scope"
    );
    let expr = |e: &str| AccessTokenOptions {
        required_scopes: Some(Requirement::parse(e).unwrap()),
        ..Default::default()
    };
    let claims = json!({"scope": "auth.users.list"});
    assert!(
        case.access(
            json!({}),
            claims.clone(),
            expr("auth.users.list and not admin")
        )
        .is_ok()
    );
    let err = case
        .access(json!({}), claims, expr("auth.users.update or admin"))
        .unwrap_err();
    assert_eq!(err.code(), "insufficient_scope");
}

#[test]
fn userinfo_responses_need_iss_aud_sub_but_not_exp() {
    let case = Case::with(
        Algorithm::Es256,
        &["client", "api"],
        VerifierOptions {
            client_id: Some("client".into()),
            ..Default::default()
        },
    );
    let userinfo = |header: Value, extra: Value, expected: Option<&str>| {
        let token = case.token(header, extra);
        let options = UserinfoJwtOptions {
            now: NOW,
            expected_subject: expected.map(str::to_owned),
        };
        case.verifier.verify_userinfo(&token, &options)
    };
    let code = |header: Value, extra: Value, expected: Option<&str>| {
        userinfo(header, extra, expected).unwrap_err().code()
    };
    // OIDC Core §5.3.2: no exp or iat needed; sub checked against the ID token's (§5.3.4).
    let ok = userinfo(json!({}), json!({"exp": null, "iat": null}), Some("user")).unwrap();
    assert_eq!(ok.claims()["sub"], "user");
    assert!(userinfo(json!({}), json!({}), None).is_ok());
    let other = json!({"exp": null});
    assert_eq!(
        code(json!({}), other.clone(), Some("someone")),
        "invalid_claim"
    );
    assert_eq!(code(json!({}), json!({"sub": 7}), None), "invalid_claim");
    assert_eq!(code(json!({}), json!({"sub": null}), None), "missing_claim");
    // exp and nbf still bind when present.
    assert_eq!(code(json!({}), json!({"exp": NOW}), None), "token_expired");
    assert_eq!(
        code(json!({}), json!({"nbf": NOW + 60}), None),
        "token_not_yet_valid"
    );
    assert_eq!(
        code(json!({}), json!({"iss": "https://evil"}), None),
        "issuer_mismatch"
    );
    assert_eq!(code(json!({}), json!({"iss": null}), None), "missing_claim");
    // aud must contain the client, not merely another of the verifier's audiences.
    assert_eq!(
        code(json!({}), json!({"aud": "api"}), None),
        "audience_mismatch"
    );
    assert_eq!(code(json!({}), json!({"aud": null}), None), "missing_claim");
    assert!(userinfo(json!({}), json!({"aud": ["api", "client"]}), None).is_ok());
    // RFC 8725 §3.11: an access token or a logout token is not a userinfo response.
    assert_eq!(
        code(json!({"typ": "at+jwt"}), json!({}), None),
        "typ_mismatch"
    );
    assert_eq!(
        code(json!({"typ": "logout+jwt"}), json!({}), None),
        "typ_mismatch"
    );
    // With several audiences and no clientId there is no client to check.
    let (_, no_client) = setup(Algorithm::Es256, &["a", "b"], VerifierOptions::default());
    let token = case.token(json!({}), json!({}));
    let e = no_client.verify_userinfo(&token, &UserinfoJwtOptions::default());
    assert_eq!(e.unwrap_err().code(), "invalid_request");
    // Only signed responses: an encrypted one is named as such.
    let e = case
        .verifier
        .verify_userinfo("a.b.c.d.e", &UserinfoJwtOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "malformed_token");
    assert!(e.to_string().contains("JWE"), "{e}");
}

/// Every verification mode of `case` on a token with `header` and the claims `extra` (with explicit `null`s
/// kept), each with what a valid token needs: strict access tokens get `client_id` and `jti` unless `extra`
/// sets them.
fn every_mode(
    case: &Case,
    header: Value,
    extra: Value,
) -> Vec<(&'static str, Result<VerifiedToken>)> {
    let mut c = claims(json!({}));
    let mut strict = json!({"client_id": "spa", "jti": "j1"});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
        strict[k] = v.clone();
    }
    let token = sign(case.alg, header.clone(), &c, &case.key);
    let mut strict_claims = c.clone();
    for (k, v) in strict.as_object().unwrap() {
        strict_claims[k] = v.clone();
    }
    let mut strict_header = header;
    strict_header["typ"] = json!("at+jwt");
    let strict_token = sign(case.alg, strict_header, &strict_claims, &case.key);
    let v = &case.verifier;
    vec![
        (
            "verify",
            v.verify(
                &token,
                &VerifyOptions {
                    now: NOW,
                    ..Default::default()
                },
            ),
        ),
        (
            "verifyIdToken",
            v.verify_id_token(
                &token,
                &IdTokenOptions {
                    now: NOW,
                    ..Default::default()
                },
            ),
        ),
        (
            "verifyAccessToken",
            v.verify_access_token(
                &token,
                &AccessTokenOptions {
                    now: NOW,
                    ..Default::default()
                },
            ),
        ),
        (
            "verifyAccessToken strict",
            v.verify_access_token(
                &strict_token,
                &AccessTokenOptions {
                    now: NOW,
                    strict: true,
                    ..Default::default()
                },
            ),
        ),
        (
            "verifyUserinfo",
            v.verify_userinfo(
                &token,
                &UserinfoJwtOptions {
                    now: NOW,
                    ..Default::default()
                },
            ),
        ),
    ]
}

/// Asserts that every mode refuses a token with `header` and the claims `extra` with `code`.
fn refused_in_every_mode(case: &Case, header: Value, extra: Value, code: &str) {
    let what = format!("{header} {extra}");
    for (mode, result) in every_mode(case, header, extra) {
        assert_eq!(result.unwrap_err().code(), code, "{mode}: {what}");
    }
}

#[test]
fn registered_claims_must_have_their_types_in_every_mode_required_or_not() {
    let case = Case::new();
    let good = json!({
        "jti": "j1", "client_id": "spa", "nonce": "n", "azp": "client", "acr": "urn:mace:incommon:iap:silver",
        "amr": ["pwd", "otp"], "auth_time": NOW - 60, "nbf": NOW - 10, "aud": ["client", "other"],
    });
    for (mode, result) in every_mode(&case, json!({}), good) {
        assert!(result.is_ok(), "{mode}: {result:?}");
    }
    let not_strings = [
        json!(["alice", "admin"]),
        json!({"a": 1}),
        json!(7),
        json!(true),
        Value::Null,
    ];
    let not_numbers = [
        json!("1700000000"),
        json!([1]),
        json!({}),
        json!(true),
        Value::Null,
    ];
    let cases = [
        (
            &["iss", "sub", "jti", "client_id", "nonce", "azp", "acr"][..],
            &not_strings[..],
        ),
        (&["exp", "nbf", "iat", "auth_time"][..], &not_numbers[..]),
        (
            &["aud"][..],
            &[
                json!(7),
                json!(["client", 7]),
                json!({"client": true}),
                json!(true),
                Value::Null,
            ][..],
        ),
        (
            &["amr"][..],
            &[
                json!("pwd"),
                json!(["pwd", 7]),
                json!({}),
                json!(1),
                Value::Null,
            ][..],
        ),
    ];
    for (names, bad_values) in cases {
        for name in names {
            for bad in bad_values {
                refused_in_every_mode(&case, json!({}), json!({ *name: bad }), "invalid_claim");
            }
        }
    }
}

#[test]
fn id_tokens_and_userinfo_responses_allow_only_jwt_or_no_typ() {
    let case = Case::new();
    let typ_of = |typ: Value| -> Vec<(&'static str, Result<VerifiedToken>)> {
        let header = if typ.is_null() {
            json!({})
        } else {
            json!({ "typ": typ })
        };
        every_mode(&case, header, json!({}))
            .into_iter()
            .filter(|(mode, _)| matches!(*mode, "verifyIdToken" | "verifyUserinfo"))
            .collect()
    };
    for ok in [
        Value::Null,
        json!("JWT"),
        json!("jwt"),
        json!("application/jwt"),
        json!("Application/JWT"),
    ] {
        for (mode, result) in typ_of(ok.clone()) {
            assert!(result.is_ok(), "{mode}: typ {ok}: {result:?}");
        }
    }
    // RFC 8725 §3.11: an allowlist, so any other kind of JWT of the issuer is refused, however spelt.
    for bad in [
        "secevent+jwt",
        "at+jwt ",
        "JWT ",
        " JWT",
        "",
        "at+jwt",
        "application/at+jwt",
        "logout+jwt",
        "id_token+jwt",
        "jwt; charset=utf-8",
        "application/jose",
        "JOSE",
    ] {
        for (mode, result) in typ_of(json!(bad)) {
            assert_eq!(
                result.unwrap_err().code(),
                "typ_mismatch",
                "{mode}: typ {bad:?}"
            );
        }
    }
}

#[test]
fn access_token_typ_is_an_allowlist_too() {
    let case = Case::new();
    for bad in [
        "at+jwt ",
        " at+jwt",
        "secevent+jwt",
        "application/at+jwt; x=y",
        "logout+jwt",
        "",
    ] {
        let token = case.token(json!({ "typ": bad }), json!({}));
        let e = case.verifier.verify_access_token(
            &token,
            &AccessTokenOptions {
                now: NOW,
                ..Default::default()
            },
        );
        assert_eq!(e.unwrap_err().code(), "typ_mismatch", "typ {bad:?}");
    }
}

#[test]
fn strict_mode_typ_option_is_compared_as_a_media_type() {
    for on in [
        "at+jwt",
        "AT+JWT",
        "application/at+jwt",
        "Application/At+Jwt",
    ] {
        assert_eq!(access_token_strict_mode(Some(on)), Ok(true), "{on}");
    }
    assert_eq!(access_token_strict_mode(None), Ok(false));
    for bad in ["JWT", "at+jwt ", "", "secevent+jwt"] {
        let e = access_token_strict_mode(Some(bad)).unwrap_err();
        assert_eq!(e.code(), "invalid_request", "{bad:?}");
    }
}

#[test]
fn messages_quote_at_most_a_short_excerpt_of_header_and_claim_values() {
    let options = VerifierOptions {
        max_token_length: 1 << 20,
        ..Default::default()
    };
    let case = Case::with(Algorithm::Es256, &["client"], options);
    let long = "x".repeat(30_000);
    let short = |e: Error| {
        let m = e.message();
        assert!(m.len() < 300, "{}: {} characters", e.code(), m.len());
        assert!(m.contains("… (30000 characters)"), "{m}");
        e.code()
    };
    let token = |header: Value, extra: Value| case.token(header, extra);
    let verify = |t: &str| {
        case.verifier.verify(
            t,
            &VerifyOptions {
                now: NOW,
                ..Default::default()
            },
        )
    };
    assert_eq!(
        short(verify(&token(json!({"kid": long}), json!({}))).unwrap_err()),
        "key_not_found"
    );
    assert_eq!(
        short(verify(&token(json!({}), json!({"iss": long}))).unwrap_err()),
        "issuer_mismatch"
    );
    assert_eq!(
        short(verify(&token(json!({"crit": [long], "x": 1}), json!({}))).unwrap_err()),
        "unsupported_critical_header"
    );
    let crit_named = token(json!({"crit": [long.clone()], long.clone(): 1}), json!({}));
    assert_eq!(
        short(verify(&crit_named).unwrap_err()),
        "unsupported_critical_header"
    );
    let typ = token(json!({"typ": long}), json!({}));
    let e = case.verifier.verify_id_token(
        &typ,
        &IdTokenOptions {
            now: NOW,
            ..Default::default()
        },
    );
    assert_eq!(short(e.unwrap_err()), "typ_mismatch");
    let e = case.verifier.verify(
        &typ,
        &VerifyOptions {
            now: NOW,
            typ: Some(long.clone()),
            ..Default::default()
        },
    );
    assert!(e.is_ok());
    let e = case.verifier.verify(
        &token(json!({}), json!({})),
        &VerifyOptions {
            now: NOW,
            typ: Some(long.clone()),
            ..Default::default()
        },
    );
    assert_eq!(short(e.unwrap_err()), "typ_mismatch");
    let e = case.verifier.verify_id_token(
        &token(json!({}), json!({"azp": long})),
        &IdTokenOptions {
            now: NOW,
            ..Default::default()
        },
    );
    assert_eq!(short(e.unwrap_err()), "azp_mismatch");
    let e = case.verifier.verify(
        &token(json!({}), json!({})),
        &VerifyOptions {
            now: NOW,
            required_claims: vec![long.clone()],
            ..Default::default()
        },
    );
    assert_eq!(short(e.unwrap_err()), "missing_claim");
    assert_eq!(
        short(access_token_strict_mode(Some(&long)).unwrap_err()),
        "invalid_request"
    );
}

/// The claims of a logout token of `claims()` (Back-Channel Logout 1.0 §2.4), `extra` applied.
fn logout_claims(extra: Value) -> Value {
    let mut base = json!({
        "jti": "logout-1",
        "sid": "session-1",
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

impl Case {
    fn logout(&self, header: Value, extra: Value) -> Result<VerifiedToken> {
        self.verifier.verify_logout_token(
            &self.token(header, logout_claims(extra)),
            &LogoutTokenOptions { now: NOW },
        )
    }
}

#[test]
fn logout_tokens_follow_back_channel_logout_2_4() {
    let case = Case::new();
    let ok = case
        .logout(json!({"typ": "logout+jwt"}), json!({}))
        .unwrap();
    assert_eq!(ok.claims()["sid"], "session-1");
    case.logout(json!({}), json!({})).unwrap();
    for typ in ["JWT", "application/logout+jwt"] {
        case.logout(json!({"typ": typ}), json!({})).unwrap();
    }
    // sid or sub alone is enough
    case.logout(json!({}), json!({"sub": null})).unwrap();
    case.logout(json!({}), json!({"sid": null})).unwrap();
    for (header, extra, code) in [
        (json!({"typ": "at+jwt"}), json!({}), "typ_mismatch"),
        (json!({"typ": "secevent+jwt"}), json!({}), "typ_mismatch"),
        (json!({}), json!({"nonce": "n"}), "invalid_claim"),
        (json!({}), json!({"events": null}), "missing_claim"),
        (json!({}), json!({"events": []}), "invalid_claim"),
        (json!({}), json!({"events": {}}), "missing_claim"),
        (
            json!({}),
            json!({"events": {BACKCHANNEL_LOGOUT_EVENT: true}}),
            "invalid_claim",
        ),
        (
            json!({}),
            json!({"events": {"http://schemas.openid.net/event/other": {}}}),
            "missing_claim",
        ),
        (
            json!({}),
            json!({"sid": null, "sub": null}),
            "missing_claim",
        ),
        (json!({}), json!({"sid": 7}), "invalid_claim"),
        (json!({}), json!({"jti": null}), "missing_claim"),
        (json!({}), json!({"jti": 1}), "invalid_claim"),
        (json!({}), json!({"iat": null}), "missing_claim"),
        (json!({}), json!({"exp": null}), "missing_claim"),
        (json!({}), json!({"exp": NOW}), "token_expired"),
        (json!({}), json!({"aud": "other"}), "audience_mismatch"),
        (
            json!({}),
            json!({"iss": "https://evil.example"}),
            "issuer_mismatch",
        ),
    ] {
        let e = case.logout(header.clone(), extra.clone()).unwrap_err();
        assert_eq!(e.code(), code, "{header} {extra}: {e}");
    }
}

#[test]
fn logout_tokens_and_id_tokens_do_not_pass_as_each_other() {
    let case = Case::new();
    // an ID token (no events) is not a logout token
    let id = case.token(json!({}), json!({"nonce": "n", "jti": "j"}));
    let e = case
        .verifier
        .verify_logout_token(&id, &LogoutTokenOptions { now: NOW })
        .unwrap_err();
    assert_eq!(e.code(), "missing_claim");
    // a typed logout token is not an ID token
    let logout = case.token(json!({"typ": "logout+jwt"}), logout_claims(json!({})));
    let e = case
        .verifier
        .verify_id_token(
            &logout,
            &IdTokenOptions {
                now: NOW,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "typ_mismatch");
}

#[test]
fn dpop_bound_tokens_need_their_proof_key() {
    let case = Case::new();
    let at = |extra: Value, dpop_jkt: Option<&str>| {
        case.access(
            json!({}),
            extra,
            AccessTokenOptions {
                dpop_jkt: dpop_jkt.map(str::to_owned),
                ..Default::default()
            },
        )
    };
    let bound = json!({"cnf": {"jkt": "key-1"}});
    at(json!({}), None).unwrap();
    at(bound.clone(), Some("key-1")).unwrap();
    // RFC 9449 §7.1: a bound token as Bearer, a proof of another key, a proof with an unbound token
    for (extra, jkt) in [
        (bound.clone(), None),
        (bound, Some("key-2")),
        (json!({}), Some("key-1")),
        (json!({"cnf": {"x5t#S256": "t"}}), Some("key-1")),
    ] {
        assert_eq!(
            at(extra.clone(), jkt).unwrap_err().code(),
            "invalid_dpop_proof",
            "{extra} {jkt:?}"
        );
    }
    for cnf in [json!("jkt"), json!([]), json!({"jkt": 1})] {
        assert_eq!(
            at(json!({"cnf": cnf}), None).unwrap_err().code(),
            "invalid_claim"
        );
    }
}

#[cfg(feature = "server")]
#[test]
fn introspection_responses_follow_rfc_9701_5() {
    let case = Case::new();
    let intro = |header: Value, extra: Value| {
        let mut extra = extra;
        if extra.get("token_introspection").is_none() {
            extra["token_introspection"] = json!({"active": true, "scope": "a"});
        }
        case.verifier.verify_introspection(
            &case.token(header, extra),
            &IntrospectionJwtOptions { now: NOW },
        )
    };
    let typ = json!({"typ": "token-introspection+jwt"});
    let ok = intro(typ.clone(), json!({"exp": null})).unwrap();
    let inner = crate::client::introspect::token_introspection(ok.claims()).unwrap();
    assert_eq!(inner["scope"], "a");
    for (header, extra, code) in [
        (json!({}), json!({}), "typ_mismatch"),
        (json!({"typ": "JWT"}), json!({}), "typ_mismatch"),
        (typ.clone(), json!({"iat": null}), "missing_claim"),
        (typ.clone(), json!({"aud": "other"}), "audience_mismatch"),
        (
            typ.clone(),
            json!({"iss": "https://other"}),
            "issuer_mismatch",
        ),
        (typ.clone(), json!({"exp": NOW - 1}), "token_expired"),
        (
            typ.clone(),
            json!({"token_introspection": []}),
            "invalid_claim",
        ),
        (
            typ.clone(),
            json!({"token_introspection": {"active": 1}}),
            "invalid_claim",
        ),
        (
            typ.clone(),
            json!({"token_introspection": {"active": true, "sub": 1}}),
            "invalid_claim",
        ),
    ] {
        let e = intro(header.clone(), extra.clone()).unwrap_err();
        assert_eq!(e.code(), code, "{header} {extra}");
    }
    let e = crate::client::introspect::token_introspection(&Map::new()).unwrap_err();
    assert_eq!(e.code(), "missing_claim");
}

#[test]
fn a_refreshed_id_token_is_checked_against_the_one_it_refreshes() {
    let case = Case::with(Algorithm::Rs256, &["client"], VerifierOptions::default());
    let original = case
        .id(json!({"auth_time": 10}), IdTokenOptions::default())
        .unwrap();
    let refreshes = |extra| {
        let options = IdTokenOptions {
            refreshes: Some(original.claims().clone()),
            ..Default::default()
        };
        case.id(extra, options).map(|_| ()).map_err(|e| e.code())
    };
    assert_eq!(refreshes(json!({"auth_time": 10})), Ok(()));
    assert_eq!(refreshes(json!({"auth_time": 11})), Err("invalid_claim"));
    assert_eq!(
        refreshes(json!({"auth_time": 10, "sub": "mallory"})),
        Err("invalid_claim")
    );
}
