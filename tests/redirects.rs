//! No redirect is ever followed: every parser of a fetched response (discovery, JWKS, token, introspection,
//! revocation, userinfo) answers a 3xx, an opaque redirect (status 0, what browsers give for
//! `redirect: "manual"`) or a response that came through a redirect with `http_error` naming the status,
//! whatever the body says — even a body that would otherwise be a success or an OAuth error.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic)]

use oidc_edge::Error;
use oidc_edge::client::parse_discovery_response;
#[cfg(feature = "server")]
use oidc_edge::client::{
    introspect::parse_introspection_response, revoke::parse_revocation_response,
};
use oidc_edge::client::{parse_token_response, parse_userinfo_response};
#[cfg(feature = "server")]
use oidc_edge::server::{CachePolicy, JwksCache};
use oidc_edge::wire::HttpResponse;

const ISSUER: &str = "https://idp.example.com";
const METADATA: &str =
    r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a"}"#;
const TOKEN: &str = r#"{"access_token":"at","token_type":"Bearer"}"#;
const OAUTH_ERROR: &str = r#"{"error":"invalid_grant"}"#;
const JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k"}]}"#;

/// A parser, as a function of the response: `Ok(())` when it accepted it.
type Parser = Box<dyn Fn(&HttpResponse) -> Result<(), Error>>;

/// Each parser, by name.
fn parsers() -> Vec<(&'static str, Parser)> {
    #[allow(unused_mut)]
    let mut all: Vec<(&'static str, Parser)> = vec![
        (
            "discovery",
            Box::new(|r| parse_discovery_response(r, ISSUER).map(|_| ())),
        ),
        (
            "token",
            Box::new(|r| parse_token_response(r, 0).map(|_| ())),
        ),
        (
            "userinfo",
            Box::new(|r| parse_userinfo_response(r, None).map(|_| ())),
        ),
    ];
    #[cfg(feature = "server")]
    all.extend([
        (
            "introspection",
            Box::new(|r: &HttpResponse| parse_introspection_response(r).map(|_| ())) as Parser,
        ),
        ("revocation", Box::new(parse_revocation_response)),
        (
            "jwks",
            Box::new(|r: &HttpResponse| {
                let mut cache =
                    JwksCache::new("https://idp.example.com/jwks", CachePolicy::default())?;
                cache.on_response(0, r)?;
                assert!(cache.current().is_some());
                Ok(())
            }),
        ),
    ]);
    all
}

/// A body each parser would accept with a 200 (the discovery document, a token response, a JWKS…), and an
/// OAuth error body, which a non-redirect status would report as `authorization_error`.
fn bodies() -> Vec<(&'static str, &'static str)> {
    vec![
        ("application/json", METADATA),
        ("application/json", TOKEN),
        ("application/json", r#"{"active":true,"sub":"u"}"#),
        ("application/json", r#"{"sub":"u"}"#),
        ("application/jwk-set+json", JWKS),
        ("application/json", OAUTH_ERROR),
        ("text/html", "<a href=\"https://evil.example\">moved</a>"),
        ("application/json", ""),
    ]
}

fn assert_refused(what: &str, status: u16, e: &Error, needle: &str) {
    assert_eq!(e.code(), "http_error", "{what} HTTP {status}: {e:?}");
    let Error::HttpError { status: s, message } = e else {
        panic!("{what}: {e:?}")
    };
    assert_eq!(*s, Some(status), "{what}: {message}");
    assert!(
        message.contains("redirects are refused") && message.contains(needle),
        "{what} HTTP {status}: {message}"
    );
}

#[test]
fn every_parser_refuses_a_3xx_and_an_opaque_redirect() {
    for status in [0, 300, 301, 302, 303, 304, 305, 307, 308, 399] {
        let needle = if status == 0 {
            "opaque redirect".to_owned()
        } else {
            format!("HTTP {status}")
        };
        for (what, parse) in parsers() {
            for (content_type, body) in bodies() {
                let r = HttpResponse::new(status, body)
                    .with_header("content-type", content_type)
                    .with_header("location", "https://evil.example/jwks");
                let e = parse(&r).expect_err(what);
                assert_refused(what, status, &e, &needle);
            }
        }
    }
}

#[test]
fn the_same_bodies_with_200_are_read_as_before() {
    // The refusal is the status's doing: with 200 each parser accepts its own document.
    let ok = [
        ("discovery", METADATA),
        ("token", TOKEN),
        ("userinfo", r#"{"sub":"u"}"#),
        ("introspection", r#"{"active":true}"#),
        ("revocation", ""),
        ("jwks", JWKS),
    ];
    for (what, parse) in parsers() {
        let body = ok.iter().find(|(w, _)| *w == what).unwrap().1;
        parse(&HttpResponse::new(200, body)).unwrap_or_else(|e| panic!("{what}: {e:?}"));
        // …and an OAuth error body with a 400 is still the provider's error
        if what != "jwks" && what != "discovery" {
            let e = parse(&HttpResponse::new(400, OAUTH_ERROR)).unwrap_err();
            assert_eq!(e.code(), "authorization_error", "{what}");
        }
    }
}

#[test]
fn an_answer_reached_through_a_followed_redirect_is_refused() {
    // A caller's own fetch may follow redirects whatever it is asked (`Response.redirected`).
    for (what, parse) in parsers() {
        for (content_type, body) in bodies() {
            for status in [200, 204, 400, 404] {
                let mut r =
                    HttpResponse::new(status, body).with_header("content-type", content_type);
                r.redirected = true;
                let e = parse(&r).expect_err(what);
                assert_refused(what, status, &e, "reached through a redirect");
            }
        }
    }
}
