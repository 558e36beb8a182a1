//! The bodies of the fuzz targets, shared by `cargo fuzz` (fuzz_targets/*.rs, nightly, coverage-guided) and by
//! `cargo test` (tests/fuzz_corpus.rs, stable), which replays every corpus and regression input. Each body
//! feeds arbitrary bytes to one entry point and checks that the outcome is a value or a documented error:
//! a panic here is exactly what would kill the wasm instance.

use oidc_edge::callback::{CallbackExpectation, parse_callback};
use oidc_edge::{AuthorizeRequest, Error, ProviderMetadata};

/// Splits an input into a first line (a parameter) and the rest (the main input).
fn split(data: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(data);
    match text.split_once('\n') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (String::new(), text.into_owned()),
    }
}

fn assert_code(e: &Error, allowed: &[&str]) {
    assert!(
        allowed.contains(&e.code()),
        "unexpected error code {} ({e})",
        e.code()
    );
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

/// `buildAuthorizeUrl`: the input is the JSON options object.
pub fn authorize(data: &[u8]) {
    let Ok(req) = serde_json::from_slice::<AuthorizeRequest>(data) else {
        return;
    };
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
