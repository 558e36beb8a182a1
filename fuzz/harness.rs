//! The bodies of the fuzz targets, shared by `cargo fuzz` (fuzz_targets/*.rs, nightly, coverage-guided) and by
//! `cargo test` (tests/fuzz_corpus.rs, stable), which replays every corpus and regression input. Each body
//! feeds arbitrary bytes to one entry point and checks that the outcome is a value or a documented error:
//! a panic here is exactly what would kill the wasm instance.

use jwt_compact::Algorithm as _;
use jwt_compact::AlgorithmSignature as _;
use jwt_compact::alg as jc;
use oidc_edge::client::dpop::{DpopNonces, nonce_challenge, response_nonce};
use oidc_edge::client::introspect::{
    parse_introspection_response, parse_jwt_introspection_response, token_introspection,
};
use oidc_edge::client::registration::{
    ClientAnswer, ClientConfigurationRequest, ClientOperation, RegistrationRequest,
    parse_client_delete_response, parse_client_information,
};
use oidc_edge::client::revoke::parse_revocation_response;
use oidc_edge::client::{CallbackExpectation, parse_callback};
use oidc_edge::client::{DevicePoll, parse_device_authorization_response};
use oidc_edge::client::{bearer_challenge_error, parse_step_up_challenge, parse_userinfo_response};
use oidc_edge::client::{parse_par_response, parse_token_response};
use oidc_edge::jose::DEFAULT_MAX_TOKEN_LENGTH;
use oidc_edge::jose::base64url;
use oidc_edge::options::MAX_INTEGER;
use oidc_edge::scope::expr::{MAX_EXPRESSION_LEN, ScopeRequirement};
use oidc_edge::scope::{Requirement, scopes_of};
use oidc_edge::server::RouteTable;
use oidc_edge::server::bearer_token;
use oidc_edge::server::{ChallengeOptions, INVALID_TOKEN_CODES, Problem, bearer_challenge};
use oidc_edge::server::{DpopPolicy, DpopRequest, check_proof, prepare_proof, proof_error};
use oidc_edge::server::{
    MemoryReplayStore, ReplayStoreConfig, logout_replay_entry, parse_logout_request,
    verify_logout_token,
};
use oidc_edge::verify::{
    AccessTokenOptions, IdTokenOptions, IntrospectionJwtOptions, LogoutTokenOptions,
    UserinfoJwtOptions, VerifierOptions, VerifyOptions,
};
use oidc_edge::wire::{HttpResponse, OneOrMany};
use oidc_edge::{
    Algorithm, AuthorizeRequest, Error, JwkSet, ProviderMetadata, TokenVerifier, UnverifiedToken,
};
use std::collections::HashSet;

/// Splits an input into a first line (a parameter) and the rest (the main input).
fn split(data: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(data);
    match text.split_once('\n') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (String::new(), text.into_owned()),
    }
}

/// The longest message any error may have: messages quote at most an excerpt of the input (error::quote).
const MAX_MESSAGE_LEN: usize = 600;

fn assert_code(e: &Error, allowed: &[&str]) {
    assert!(
        allowed.contains(&e.code()),
        "unexpected error code {} ({e})",
        e.code()
    );
    let len = e.message().len();
    assert!(len <= MAX_MESSAGE_LEN, "a {len}-byte message: {}", e.code());
}

/// Whether `text` (JSON) is an options object the rules of `oidc_edge::options` accept: no `null` member,
/// every number an integer in 0..=2^53 - 1. An oracle written apart from the reader it checks.
fn follows_option_rules(text: &[u8]) -> bool {
    fn ok(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Null => false,
            serde_json::Value::Number(n) => n.as_u64().is_some_and(|u| u <= MAX_INTEGER),
            serde_json::Value::Array(items) => items.iter().all(ok),
            serde_json::Value::Object(members) => members.values().all(ok),
            _ => true,
        }
    }
    serde_json::from_slice::<serde_json::Value>(text).is_ok_and(|v| ok(&v))
}

/// `parseCallback`: first line the expected state, the rest the URL.
pub fn callback(data: &[u8]) {
    let (state, url) = split(data);
    let expect = CallbackExpectation {
        state,
        issuer: Some("https://idp.example.com".into()),
        require_iss: false,
    };
    match parse_callback(&url, &expect) {
        Ok(r) => assert!(!r.code.is_empty()),
        Err(e) => assert_code(
            &e,
            &[
                "invalid_request",
                "state_mismatch",
                "authorization_error",
                "issuer_mismatch",
            ],
        ),
    }
}

/// `parseProviderMetadata`: first line the expected issuer, the rest the document.
pub fn provider_metadata(data: &[u8]) {
    let (issuer, doc) = split(data);
    match ProviderMetadata::from_json(&doc, &issuer) {
        Ok(m) => assert_eq!(m.issuer, issuer),
        Err(e) => assert_code(
            &e,
            &["invalid_metadata", "issuer_mismatch", "invalid_request"],
        ),
    }
}

/// One line of an `authorize` input: empty is absent, `a b` is a space-delimited list read as one value, `a|b`
/// a list of values (the two JS forms of `scope`, `acrValues` and `resource`).
fn one_or_many(line: &str) -> Option<OneOrMany> {
    match line {
        "" => None,
        _ if line.contains('|') => Some(OneOrMany::Many(
            line.split('|').map(str::to_owned).collect(),
        )),
        _ => Some(OneOrMany::One(line.to_owned())),
    }
}

/// The core's `AuthorizeRequest::build` (the JS argument shape is the binding's, and reading options is the
/// `route` target's): the input is the request's fields, one a line in declaration order, with
/// `key=value&...` extra parameters, then `dpop_jkt`, last.
pub fn authorize(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or_default();
    let text_of = |line: &str| (!line.is_empty()).then(|| line.to_owned());
    let endpoint = next().to_owned();
    let (client_id, redirect_uri) = (next().to_owned(), next().to_owned());
    let scope = one_or_many(next()).unwrap_or_default();
    let state = next().to_owned();
    let mut req = AuthorizeRequest::new(client_id, redirect_uri, scope, state);
    req.authorization_endpoint = endpoint;
    req.nonce = text_of(next());
    req.code_challenge = text_of(next());
    req.code_challenge_method = text_of(next());
    req.response_type = text_of(next());
    req.response_mode = text_of(next());
    req.prompt = text_of(next());
    req.login_hint = text_of(next());
    req.max_age = next().parse().ok();
    req.acr_values = one_or_many(next());
    req.resource = one_or_many(next());
    let extra = next();
    req.extra_params = (!extra.is_empty()).then(|| {
        extra
            .split('&')
            .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    });
    req.dpop_jkt = text_of(next());
    match req.build() {
        Ok(url) => assert!(
            url.starts_with(
                req.authorization_endpoint
                    .split('?')
                    .next()
                    .unwrap_or_default()
            )
        ),
        Err(e) => assert_code(&e, &["invalid_request", "invalid_pkce_verifier"]),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Tokens, keys, scopes, endpoint responses, the edge verifier's route table and bearer header.

/// The fixed key set of the token targets: one key of every family, with a `kid` each (the keys of
/// `src/jose/testutil.rs`, seed 1; `fuzz/seeds/jws_verify/` holds tokens they signed).
pub const JWKS: &str = r#"{"keys":[
{"kty":"oct","kid":"oct","k":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ"},
{"kty":"RSA","kid":"rsa","e":"AQAB","n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw"},
{"kty":"EC","kid":"p256","crv":"P-256","x":"yWuBy_JMn9tTCbKPR5aDIgXGzag9XMSuyqIhLf3Wcog","y":"F1vFKM6bTaODPppqULZg2jPp0Zhu_4N0TjA21NZafU0"},
{"kty":"EC","kid":"p384","crv":"P-384","x":"tVt3NtUn2eo-VxIj8ymk91nDTgwWUpeV2gOI5kR0z-85nbNZMVmedL48ewxMYN2u","y":"kDkavunRZy83Fp6B8x8RmKULKwNnGMJGxK9-wyv-Gw7UJOTGO7gAiEA0zarmoQ-i"},
{"kty":"EC","kid":"p521","crv":"P-521","x":"Ad3XlR9IsZwC7_2B05yIW8kOy2MMo3en91gUQCPPeZTsJMD7r2WR6QNakWfoupeS8i7ld7xCtJFZMcqnxZCe0JLc","y":"ALkSDvW7PZPZCBMqNuy6f8iOIeGitQLTr6OXm_yaaUcqYeTQp-kzxvwkeHJ_gfgSZv-FjDThjSKMSBTvSde9-fPC"},
{"kty":"EC","kid":"k256","crv":"secp256k1","x":"6H4CvBYoOe6kcWP2i3SJaXW2gH9yEPsz1pbAs5YOd7U","y":"-64OttV9t1TM0WWIEHKrcjMcBEhALIaSGAziF0Xni1E"},
{"kty":"OKP","kid":"ed25519","crv":"Ed25519","x":"iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w"}
]}"#;

/// The `oct` key of [`JWKS`], which `jws_claims` signs with.
const HMAC_KEY: [u8; 64] = [1; 64];
const ISSUER: &str = "https://idp.example.com";
/// Between the seed tokens' `iat`/`nbf` (1700000000) and `exp` (2000000000).
const NOW: u64 = 1_700_000_100;

fn verifier(tolerance: u64) -> TokenVerifier {
    let jwks = JwkSet::from_json(JWKS).unwrap_or_else(|e| panic!("the harness JWKS: {e}"));
    let options = VerifierOptions {
        algorithms: Some(Algorithm::ALL.to_vec()),
        clock_tolerance: tolerance,
        client_id: Some("api".into()),
        ..VerifierOptions::default()
    };
    TokenVerifier::new(ISSUER, vec!["api".into(), "other".into()], jwks, options)
        .unwrap_or_else(|e| panic!("the harness verifier: {e}"))
}

thread_local! {
    static VERIFIERS: [TokenVerifier; 2] = [verifier(0), verifier(u64::MAX)];
}

/// Runs every verification mode on `token`: each ends with claims that passed the policy or a token code.
fn verify_all(token: &str) {
    let check = |what: &str, result: Result<oidc_edge::VerifiedToken, Error>| match result {
        Ok(v) => {
            assert_eq!(
                v.claims().get("iss").and_then(|i| i.as_str()),
                Some(ISSUER),
                "{what}"
            );
            assert!(v.claims().contains_key("exp"), "{what}");
        }
        Err(e) => {
            // Every code a token verification may end with: the token codes RFC 6750 answers with
            // `invalid_token`, and `insufficient_scope` for the access-token mode.
            if e.code() != "insufficient_scope" {
                assert_code(&e, INVALID_TOKEN_CODES);
            }
            if token.len() > 16 {
                assert!(
                    !e.to_string().contains(token),
                    "{what}: the message holds the token"
                );
            }
        }
    };
    if let Ok(t) = UnverifiedToken::parse(token, DEFAULT_MAX_TOKEN_LENGTH) {
        let _ = (t.header().alg(), t.header().kid(), t.header().typ());
    }
    let requirement = ScopeRequirement::parse("orders.read and not (banned or \"and\")")
        .map(Requirement::from)
        .unwrap_or_else(|e| panic!("{e}"));
    VERIFIERS.with(|[strict, lax]| {
        for (name, v) in [("tolerance 0", strict), ("tolerance u64::MAX", lax)] {
            for now in [NOW, 0, u64::MAX] {
                check(
                    name,
                    v.verify(
                        token,
                        &VerifyOptions {
                            now,
                            typ: None,
                            required_claims: vec!["sub".into()],
                        },
                    ),
                );
            }
            check(
                name,
                v.verify(
                    token,
                    &VerifyOptions {
                        now: NOW,
                        typ: Some("JWT".into()),
                        required_claims: Vec::new(),
                    },
                ),
            );
            let id = IdTokenOptions {
                now: NOW,
                nonce: Some("n-0S6_WzA2Mj".into()),
                max_age: Some(3600),
                access_token: Some("fuzz-access-token".into()),
                at_hash_optional: false,
                code: Some("fuzz-code".into()),
                // OIDC Core 12.2's comparison of the arbitrary claims with a session's
                refreshes: Some(serde_json::Map::from_iter([(
                    "sub".to_owned(),
                    "fuzz-user".into(),
                )])),
            };
            check(name, v.verify_id_token(token, &id));
            let id = IdTokenOptions {
                max_age: Some(u64::MAX),
                ..IdTokenOptions::default()
            };
            check(name, v.verify_id_token(token, &id));
            for strict in [false, true] {
                let at = AccessTokenOptions {
                    now: NOW,
                    required_scopes: Some(requirement.clone()),
                    strict,
                    dpop_jkt: None,
                };
                check(name, v.verify_access_token(token, &at));
            }
            let userinfo = UserinfoJwtOptions {
                now: NOW,
                expected_subject: Some("fuzz-subject".into()),
            };
            check(name, v.verify_userinfo(token, &userinfo));
            let logout = v.verify_logout_token(token, &LogoutTokenOptions { now: NOW });
            if let Ok(verified) = &logout {
                let entry = logout_replay_entry(verified.claims(), v.clock_tolerance())
                    .unwrap_or_else(|e| panic!("a verified logout token has no replay entry: {e}"));
                assert!(entry.key.len() <= 64 && entry.key.starts_with("logout:"));
            }
            check(name, logout);
            // `exp` is optional in an introspection response (RFC 9701 §5): not `check`'s success rule
            match v.verify_introspection(token, &IntrospectionJwtOptions { now: NOW }) {
                Ok(verified) => {
                    let claims = verified.claims();
                    assert_eq!(claims.get("iss").and_then(|i| i.as_str()), Some(ISSUER));
                    let inner = token_introspection(claims).unwrap_or_else(|e| {
                        panic!("a verified introspection response has no token_introspection: {e}")
                    });
                    assert!(inner.get("active").is_some_and(|a| a.is_boolean()));
                }
                Err(e) => check(name, Err(e)),
            }
        }
    });
}

/// `TokenVerifier.verify*` with a fixed key set of every family, every algorithm allowed: the input is the
/// compact token.
pub fn jws_verify(data: &[u8]) {
    verify_all(&String::from_utf8_lossy(data));
}

/// The claims policy with attacker-chosen JSON: the input is the header JSON, a newline, the payload JSON,
/// and optionally a newline and the signature (base64url, used as is). The harness base64url-encodes the
/// header and payload and, without a signature line, signs them with the set's `oct` key for the header's
/// HS* `alg` (HS256 otherwise), so the signature passes and the fuzzer reaches the claims checks.
pub fn jws_claims(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut pieces = text.splitn(3, '\n');
    let header = pieces.next().unwrap_or_default();
    let payload = pieces.next().unwrap_or_default();
    let input = format!(
        "{}.{}",
        base64url::encode(header),
        base64url::encode(payload)
    );
    let signature = match pieces.next() {
        Some(sig) => sig.to_owned(),
        None => {
            let alg = serde_json::from_str::<serde_json::Value>(header)
                .ok()
                .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned));
            let sig = match alg.as_deref() {
                Some("HS384") => jc::Hs384
                    .sign(&jc::Hs384Key::new(HMAC_KEY), input.as_bytes())
                    .as_bytes()
                    .to_vec(),
                Some("HS512") => jc::Hs512
                    .sign(&jc::Hs512Key::new(HMAC_KEY), input.as_bytes())
                    .as_bytes()
                    .to_vec(),
                _ => jc::Hs256
                    .sign(&jc::Hs256Key::new(HMAC_KEY), input.as_bytes())
                    .as_bytes()
                    .to_vec(),
            };
            base64url::encode(sig)
        }
    };
    verify_all(&format!("{input}.{signature}"));
}

/// `JwkSet.fromJson`: the input is the document. Every key it keeps then verifies a wrong signature of
/// every length class with each of its algorithms, which must be `invalid_signature`, never a panic.
pub fn jwks(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match JwkSet::from_json(&text) {
        Ok(set) => {
            assert!(!set.keys().is_empty());
            let ids = set.key_ids();
            for key in set.keys() {
                assert!(!key.algorithms().is_empty());
                if let Some(kid) = key.kid() {
                    assert!(ids.contains(&kid));
                }
                for &alg in key.algorithms() {
                    for len in [0, 1, 32, 64, 96, 132, 256, 512, 1024] {
                        let sig = vec![0x5a; len];
                        match key.key().verify(alg, b"header.payload", &sig) {
                            Ok(()) => panic!("a constant signature verified with {}", alg.name()),
                            Err(e) => assert_code(&e, &["invalid_signature"]),
                        }
                    }
                }
            }
            for alg in Algorithm::ALL {
                for kid in [None, ids.first().copied(), Some("no-such-kid")] {
                    if let Err(e) = set.candidates(kid, alg) {
                        assert_code(&e, &["key_not_found", "algorithm_not_allowed"]);
                    }
                }
            }
        }
        Err(e) => assert_code(&e, &["invalid_jwk", "weak_key"]),
    }
}

/// `ScopeRequirement.parse`, then evaluation on a fixed claims set: the input is the expression.
pub fn scope(data: &[u8]) {
    let expr = String::from_utf8_lossy(data);
    match ScopeRequirement::parse(&expr) {
        Ok(req) => {
            // the canonical form parses back to the same requirement
            let canonical = req.to_string();
            let again = ScopeRequirement::parse(&canonical)
                .unwrap_or_else(|e| panic!("canonical form {canonical:?} does not parse: {e}"));
            assert_eq!(again, req, "canonical form {canonical:?}");
            let claims =
                serde_json::json!({"scope": "orders.read orders.write admin a", "scp": ["x"]});
            let claims = claims.as_object().cloned().unwrap_or_default();
            let granted = scopes_of(&claims).into_iter().collect::<HashSet<_>>();
            let met = req.check(&claims);
            assert_eq!(met, req.evaluate(&granted));
            let _ = req.satisfying_scopes(&granted);
            match req.require_granted(&granted) {
                Ok(()) => assert!(met),
                Err(e) => {
                    assert!(!met);
                    assert_code(&e, &["insufficient_scope"]);
                }
            }
        }
        Err(e) => {
            assert_code(&e, &["invalid_scope_expression"]);
            if let Error::InvalidScopeExpression { column, .. } = e {
                let len = expr.chars().count();
                assert!(
                    (1..=len.max(MAX_EXPRESSION_LEN) + 1).contains(&column),
                    "column {column} of {len} characters"
                );
            }
        }
    }
}

/// The token, introspection, revocation, pushed-authorization, registration and userinfo response parsers, and the
/// DPoP nonce rules: the input is the status (first line), the `Content-Type` (second), the `WWW-Authenticate`
/// (third; after a tab, a `DPoP-Nonce`), then the body. A redirect (3xx, status 0) is
/// never accepted, and always `http_error`, whatever the body.
pub fn token_response(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(4, '\n');
    let status = lines
        .next()
        .unwrap_or_default()
        .trim()
        .parse()
        .unwrap_or(200);
    let content_type = lines.next().unwrap_or_default();
    // the third line: `WWW-Authenticate`, then after a tab (if any) `DPoP-Nonce`
    let third = lines.next().unwrap_or_default();
    let (challenge, dpop_nonce) = third.split_once('\t').unwrap_or((third, ""));
    let body = lines.next().unwrap_or_default();
    let mut response = HttpResponse::new(status, body);
    if !dpop_nonce.is_empty() {
        response = response.with_header("DPoP-Nonce", dpop_nonce);
    }
    if !content_type.is_empty() {
        response = response.with_header("Content-Type", content_type);
    }
    if !challenge.is_empty() {
        response = response.with_header("WWW-Authenticate", challenge);
    }
    let redirect = response.is_redirect();
    let refused = |e: &Error| {
        if redirect {
            assert_code(e, &["http_error"]);
        }
    };
    for now in [NOW, u64::MAX] {
        match parse_token_response(&response, now) {
            Ok(_) if redirect => panic!("a token response with status {status} was accepted"),
            Ok(t) => {
                assert!(!t.access_token.is_empty());
                if let (Some(at), Some(inn)) = (t.expires_at, t.expires_in) {
                    assert!(at >= inn);
                }
            }
            Err(e) => {
                refused(&e);
                assert_code(&e, &["authorization_error", "http_error"]);
            }
        }
    }
    match parse_introspection_response(&response) {
        Ok(m) => assert!(!redirect && m.get("active").is_some_and(|a| a.is_boolean())),
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    // DPoP nonces (RFC 9449 §8.1): only NQCHAR, and a retry only for a failure that asks for one
    if let Some(nonce) = nonce_challenge(&response) {
        assert!(!response.is_success() && !redirect);
        assert_eq!(response_nonce(&response), Some(nonce));
    }
    if let Some(nonce) = response_nonce(&response) {
        assert!(
            !nonce.is_empty()
                && nonce
                    .bytes()
                    .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
        );
        let mut nonces = DpopNonces::default();
        nonces.remember("https://idp.example.com/token", &response);
        assert_eq!(nonces.get("https://idp.example.com/other"), Some(nonce));
    }
    match parse_jwt_introspection_response(&response) {
        Ok(jwt) => assert!(!redirect && jwt.split('.').count() == 3),
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    for answer in [
        ClientAnswer::Registered,
        ClientAnswer::Configuration { client_id: None },
        ClientAnswer::Configuration {
            client_id: Some("c1"),
        },
    ] {
        match parse_client_information(&response, &answer) {
            Ok(info) => {
                assert!(!redirect && info.get("client_id").and_then(|c| c.as_str()).is_some());
                assert!(
                    !info.contains_key("client_secret")
                        || info.contains_key("client_secret_expires_at")
                );
            }
            Err(e) => {
                refused(&e);
                assert_code(&e, &["authorization_error", "http_error"]);
            }
        }
    }
    match parse_client_delete_response(&response) {
        Ok(()) => assert_eq!(response.status, 204),
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    // the body as client metadata: sent, or refused before it is sent
    if let Ok(serde_json::Value::Object(metadata)) = serde_json::from_str(body) {
        let register = RegistrationRequest {
            registration_endpoint: "https://idp.example.com/reg".into(),
            metadata: metadata.clone(),
            initial_access_token: Some(challenge.to_owned()).filter(|c| !c.is_empty()),
        };
        if let Err(e) = register.build() {
            assert_code(&e, &["invalid_request"]);
        }
        let update = ClientConfigurationRequest {
            registration_client_uri: "https://idp.example.com/reg/c1".into(),
            registration_access_token: "rat".into(),
            operation: ClientOperation::Update(metadata),
        };
        if let Err(e) = update.build() {
            assert_code(&e, &["invalid_request"]);
        }
    }
    match parse_par_response(&response) {
        Ok(p) => assert!(!redirect && !p.request_uri.is_empty() && p.expires_in > 0),
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    match parse_device_authorization_response(&response, NOW) {
        Ok(a) => {
            assert!(!redirect && !a.device_code.is_empty() && !a.user_code.is_empty());
            assert!(a.interval > 0 && a.expires_at > NOW);
            let mut poll = DevicePoll::new("https://idp.example.com/token", &a, NOW)
                .unwrap_or_else(|e| panic!("a parsed device authorization: {e}"));
            let before = poll.interval();
            match poll.on_response(&response, NOW) {
                Ok(_) => assert!(poll.interval() >= before),
                Err(e) => assert_code(&e, &["authorization_error", "http_error"]),
            }
        }
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    match parse_revocation_response(&response) {
        Ok(()) => assert!(response.is_success()),
        Err(e) => {
            refused(&e);
            assert_code(&e, &["authorization_error", "http_error"]);
        }
    }
    for sub in [None, Some("user-1")] {
        match parse_userinfo_response(&response, sub) {
            Ok(_) => assert!(
                !redirect,
                "a userinfo response with status {status} was accepted"
            ),
            Err(e) => {
                refused(&e);
                assert_code(&e, &["authorization_error", "http_error", "invalid_claim"]);
            }
        }
    }
    if let Some(e) = bearer_challenge_error(challenge) {
        assert_code(&e, &["authorization_error"]);
    }
}

/// The route table of `src/server/route.rs`'s tests: a scoped `/api/admin/*` before the catch-all `/api/*`.
const ROUTES: &str = include_str!("../tests/fixtures/routes.json");

fn fixed_routes() -> RouteTable {
    RouteTable::from_json(ROUTES).unwrap_or_else(|e| panic!("the harness routes: {e}"))
}

/// The edge verifier's route table: the input is a method (first line), a request path (second), then the
/// table's JSON (a fixed table when it does not parse). Besides the outcome's type, it checks the path rules
/// of `src/server/route.rs` against an independent reading of them, on the fixed table.
pub fn route(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let method = lines.next().unwrap_or_default();
    let path = lines.next().unwrap_or_default();
    let json = lines.next().unwrap_or_default();
    let table = match RouteTable::from_json(json) {
        Ok(table) => {
            assert!(follows_option_rules(json.as_bytes()), "accepted {json:?}");
            table
        }
        Err(e) => {
            assert_code(&e, &["invalid_request", "invalid_scope_expression"]);
            fixed_routes()
        }
    };
    match table.find(method, path) {
        Ok(Some(route)) => {
            assert!(route.pattern.starts_with('/'));
            assert_plain_path(path);
        }
        Ok(None) => {}
        Err(e) => assert_code(&e, &["invalid_request"]),
    }
    match table.allowed_methods(path) {
        Ok(allow) => assert!(
            allow
                .iter()
                .all(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()))
        ),
        Err(e) => {
            assert_code(&e, &["invalid_request"]);
            assert!(
                table.find(method, path).is_err(),
                "allowed_methods refused {path:?}, find did not"
            );
        }
    }
    origin_reads_alike(method, path);
}

/// RFC 3986 `pchar` without `%` and `;`.
fn plain_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:@".contains(&b)
}

/// A path the table matched has no spelling an origin could read differently.
fn assert_plain_path(path: &str) {
    let bytes = path.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3).unwrap_or_default())
                .unwrap_or_default();
            assert!(
                hex.len() == 2 && hex.bytes().all(|h| h.is_ascii_hexdigit()),
                "{path:?}: bad escape"
            );
            let byte = u8::from_str_radix(hex, 16).unwrap_or_default();
            let unsafe_byte = plain_path_char(byte) && !b"!$&'()*+,=:@".contains(&byte);
            assert!(
                !unsafe_byte && !b"%/\\;?#".contains(&byte) && !byte.is_ascii_control(),
                "{path:?}: matched with %{hex}"
            );
            i += 3;
        } else {
            assert!(
                b == b'/' || plain_path_char(b),
                "{path:?}: matched with {:?}",
                char::from(b)
            );
            i += 1;
        }
    }
    for segment in path.trim_end_matches('/').split('/').skip(1) {
        assert!(
            !segment.is_empty() && !segment.ends_with('.'),
            "{path:?}: matched with {segment:?}"
        );
    }
}

/// A path the fixed table matches reaches the same route once read the way a decoding, case-insensitive
/// origin reads it (decoded, lower-cased, re-encoded where it must be), and is refused with one of its
/// letters percent-encoded.
fn origin_reads_alike(method: &str, path: &str) {
    let fixed = fixed_routes();
    let Ok(Some(route)) = fixed.find(method, path) else {
        return;
    };
    let mut decoded = Vec::new();
    let bytes = path.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let reading: String = decoded
        .iter()
        .map(|&b| {
            let b = b.to_ascii_lowercase();
            if b == b'/' || plain_path_char(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    match fixed.find(method, &reading) {
        Ok(Some(r)) => assert_eq!(r.pattern, route.pattern, "{path:?} read as {reading:?}"),
        other => panic!(
            "{path:?} matched {}, read as {reading:?}: {other:?}",
            route.pattern
        ),
    }
    if let Some(at) = path.find(|c: char| c.is_ascii_alphanumeric()) {
        let letter = path.as_bytes().get(at).copied().unwrap_or_default();
        let encoded = format!(
            "{}%{letter:02X}{}",
            path.get(..at).unwrap_or_default(),
            path.get(at + 1..).unwrap_or_default()
        );
        assert!(
            fixed.find(method, &encoded).is_err(),
            "{encoded:?} was matched"
        );
    }
}

/// The `Authorization: Bearer` header parser, and the `WWW-Authenticate: Bearer` challenge reader and
/// writer: the input is the header value.
pub fn bearer(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match bearer_token(Some(&text)) {
        Ok(Some(token)) => {
            assert!(!token.is_empty() && text.ends_with(token));
            assert!(!token.contains([' ', ',', '\t']));
        }
        Ok(None) => {}
        Err(e) => assert_code(&e, &["malformed_token"]),
    }
    if let Some(e) = bearer_challenge_error(&text) {
        assert_code(&e, &["authorization_error"]);
    }
    match parse_step_up_challenge(&text) {
        Ok(Some(up)) => {
            assert!(text.contains("insufficient_user_authentication"));
            assert!(
                up.acr_values
                    .is_none_or(|v| !v.is_empty() && v.iter().all(|a| !a.is_empty()))
            );
        }
        Ok(None) => {}
        Err(e) => assert_code(&e, &["http_error"]),
    }
    // The challenge for a failure whose message and scopes are attacker-influenced.
    let problem = Problem::Failure {
        code: "insufficient_scope".into(),
        message: text.to_string(),
        required_scopes: text.split(' ').map(str::to_owned).collect(),
        step_up: (
            text.split(' ').map(str::to_owned).collect(),
            Some(text.len() as u64),
        ),
    };
    let opts = ChallengeOptions {
        realm: Some(text.to_string()),
        error_description: true,
        scope: None,
        dpop_algs: None,
        resource_metadata: Some(text.to_string()),
    };
    let dpop = ChallengeOptions {
        dpop_algs: Some(vec![Algorithm::Es256]),
        ..opts.clone()
    };
    for opts in [
        opts,
        dpop,
        ChallengeOptions {
            realm: None,
            ..ChallengeOptions::default()
        },
    ] {
        match bearer_challenge(&problem, &opts) {
            Ok(c) => {
                let scheme = if opts.dpop_algs.is_some() {
                    "DPoP"
                } else {
                    "Bearer"
                };
                assert!(c.www_authenticate.starts_with(scheme));
                assert!(!c.www_authenticate.contains(['\r', '\n']));
                // what we write, we read back
                if let Some(e) = bearer_challenge_error(&c.www_authenticate) {
                    assert_code(&e, &["authorization_error"]);
                }
            }
            Err(e) => assert_code(&e, &["invalid_request"]),
        }
    }
}

/// `parseLogoutRequest`: first line the content type, the rest the body. A token it reads is verified as a
/// logout token twice through one replay store: the second time can only fail.
pub fn logout_request(data: &[u8]) {
    let (content_type, body) = split(data);
    match parse_logout_request(&body, Some(&content_type)) {
        Ok(token) => {
            assert!(!token.is_empty() && token.len() <= body.len());
            let mut store = MemoryReplayStore::new(ReplayStoreConfig::default())
                .unwrap_or_else(|e| panic!("the default store: {e}"));
            VERIFIERS.with(|[strict, _]| {
                let options = LogoutTokenOptions { now: NOW };
                let first = verify_logout_token(strict, &token, &options, &mut store);
                match verify_logout_token(strict, &token, &options, &mut store) {
                    Ok(_) => panic!("a logout token was accepted twice"),
                    Err(e) if first.is_ok() => assert_eq!(e.code(), "token_replayed"),
                    Err(e) => assert_code(&e, INVALID_TOKEN_CODES),
                }
            });
        }
        Err(e) => assert_code(&e, &["invalid_request"]),
    }
}

/// A DPoP proof (RFC 9449 §4.3): first line the request URL, the rest the proof. Every outcome is a checked
/// proof or `invalid_dpop_proof` / `use_dpop_nonce`; a proof that passed passes again only as a replay entry.
pub fn dpop_proof(data: &[u8]) {
    let (url, proof) = split(data);
    let policy = DpopPolicy::new(None, None, 60).unwrap_or_else(|e| panic!("the policy: {e}"));
    let outcome = prepare_proof(&proof, &policy).and_then(|p| {
        let verified = p.pending.verify_with_rust().map_err(proof_error)?;
        for nonce in [None, Some("n-1")] {
            let request = DpopRequest {
                method: "GET",
                url: &url,
                access_token: "fuzz-access-token",
                nonce,
                now: NOW,
            };
            check_proof(&verified, &p.jkt, &request, &policy)?;
        }
        Ok(p.jkt)
    });
    match outcome {
        Ok(jkt) => assert_eq!(jkt.len(), 43),
        Err(e) => assert_code(&e, &["invalid_dpop_proof", "use_dpop_nonce"]),
    }
}
