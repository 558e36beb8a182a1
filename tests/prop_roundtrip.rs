//! Property tests: canonical base64url, and authorization request / response round trips.
// Test helpers outside #[test] functions may unwrap: a failure here is a test failure.
#![allow(clippy::unwrap_used)]

use oidc_edge::client::AuthorizeRequest;
use oidc_edge::client::{CallbackExpectation, parse_callback};
use oidc_edge::jose::base64url;
use oidc_edge::wire::OneOrMany;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// RFC 6749 NQCHAR scope tokens.
fn scope_token() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,20}").unwrap()
}

/// RFC 6749 VSCHAR values (state, client_id, nonce).
fn vschar() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[\\x20-\\x7E]{1,40}").unwrap()
}

fn query_params(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

proptest! {
    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = base64url::encode(&bytes);
        prop_assert!(!text.contains('='));
        prop_assert_eq!(base64url::decode(&text), Some(bytes));
    }

    /// Whatever decodes re-encodes to the same text: one encoding per value.
    #[test]
    fn base64url_decoding_is_canonical(text in "[A-Za-z0-9_\\-=+/ ]{0,40}") {
        if let Some(bytes) = base64url::decode(&text) {
            prop_assert_eq!(base64url::encode(bytes), text);
        }
    }

    #[test]
    fn authorize_url_round_trips(
        client_id in vschar(),
        state in vschar(),
        nonce in proptest::option::of(vschar()),
        scopes in proptest::collection::vec(scope_token(), 1..5),
        login_hint in proptest::option::of("\\PC{1,30}"),
        resources in proptest::collection::vec("[a-z]{1,8}", 0..3),
        extra in proptest::collection::btree_map("x_[a-z]{1,6}", "\\PC{0,20}", 0..3),
        endpoint_query in proptest::option::of("[a-z]{1,5}=[a-z0-9]{0,5}"),
    ) {
        let endpoint = match &endpoint_query {
            Some(q) => format!("https://idp.example.com/authorize?{q}"),
            None => "https://idp.example.com/authorize".to_owned(),
        };
        let resources: Vec<String> = resources.iter().map(|r| format!("https://{r}.example.com/api")).collect();
        let req = AuthorizeRequest {
            authorization_endpoint: endpoint,
            nonce: nonce.clone(),
            login_hint: login_hint.clone(),
            resource: if resources.is_empty() { None } else { Some(OneOrMany::Many(resources.clone())) },
            extra_params: Some(extra.clone()),
            ..AuthorizeRequest::new(
                client_id.clone(),
                "https://app.example.com/cb?x=1",
                OneOrMany::Many(scopes.clone()),
                state.clone(),
            )
        };
        let url = req.build().unwrap();
        prop_assert!(url.starts_with("https://idp.example.com/authorize?"));
        let params = query_params(&url);
        let one = |name: &str| {
            let v: Vec<&String> = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v).collect();
            v
        };
        if let Some(q) = &endpoint_query {
            let (k, _) = q.split_once('=').unwrap();
            prop_assert_eq!(one(k).len(), 1);
        }
        prop_assert_eq!(one("client_id"), vec![&client_id]);
        prop_assert_eq!(one("state"), vec![&state]);
        let joined = scopes.join(" ");
        prop_assert_eq!(one("scope"), vec![&joined]);
        let redirect = "https://app.example.com/cb?x=1".to_owned();
        prop_assert_eq!(one("redirect_uri"), vec![&redirect]);
        prop_assert_eq!(one("nonce"), nonce.iter().collect::<Vec<_>>());
        prop_assert_eq!(one("login_hint"), login_hint.iter().collect::<Vec<_>>());
        prop_assert_eq!(one("resource"), resources.iter().collect::<Vec<_>>());
        let extras: BTreeMap<String, String> =
            extra.keys().map(|k| (k.clone(), one(k)[0].clone())).collect();
        prop_assert_eq!(extras, extra);
    }

    #[test]
    fn callback_round_trips(code in "\\PC{1,40}", state in vschar(), in_fragment in any::<bool>()) {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &state)
            .finish();
        let sep = if in_fragment { '#' } else { '?' };
        let url = format!("https://app.example.com/cb{sep}{encoded}");
        let expect = CallbackExpectation::new(state.clone());
        let r = parse_callback(&url, &expect).unwrap();
        prop_assert_eq!(r.code, code);
        prop_assert_eq!(r.state, state);
    }

    /// Arbitrary text never panics: it parses or it is a typed error.
    #[test]
    fn callback_never_panics(url in "\\PC{0,80}", state in "\\PC{0,10}") {
        let expect = CallbackExpectation::new(state);
        if let Err(e) = parse_callback(&url, &expect) {
            prop_assert!(matches!(e.code(), "invalid_request" | "state_mismatch" | "authorization_error" | "issuer_mismatch"));
        }
    }
}
