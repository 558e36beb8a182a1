//! One fetch of the provider's JWK Set (RFC 7517 §5, the metadata's `jwks_uri`): the GET and the checks on its
//! answer, for a client that keeps the set itself (the SPA session) and for the server's cache alike.

use crate::error::Result;
use crate::jose::JwkSet;
use crate::wire::{HttpRequest, HttpResponse, http_error, parse_endpoint, status_error};

/// The largest JWKS body accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 512 * 1024;

/// What a JWKS GET accepts (RFC 7517 §8.5.1 names `application/jwk-set+json`).
pub const JWKS_ACCEPT: &str = "application/jwk-set+json, application/json";

/// The GET of `jwks_uri`. Errors: `invalid_request` for a URL that is not https (http only on loopback).
pub fn jwks_request(jwks_uri: &str) -> Result<HttpRequest> {
    parse_endpoint("jwksUri", jwks_uri)?;
    Ok(HttpRequest::get(jwks_uri, JWKS_ACCEPT))
}

/// The body of a JWKS answer. Errors: `http_error` with the status for a non-2xx answer, a redirect (never
/// followed) or a body over [`MAX_JWKS_BYTES`].
pub fn jwks_body(response: &HttpResponse) -> Result<&str> {
    if !response.is_success() {
        Err(status_error("the JWKS endpoint", response))
    } else if response.body.len() > MAX_JWKS_BYTES {
        Err(http_error(
            response.status,
            format!("the JWKS is larger than {MAX_JWKS_BYTES} bytes"),
        ))
    } else {
        Ok(&response.body)
    }
}

/// The key set of a JWKS answer. Errors: those of [`jwks_body`], then of [`JwkSet::from_json`] (`invalid_jwk`
/// when it is not a JWK Set or holds no usable key, `weak_key` when every key is too weak).
pub fn parse_jwks_response(response: &HttpResponse) -> Result<JwkSet> {
    JwkSet::from_json(jwks_body(response)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = r#"{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0"}]}"#;

    #[test]
    fn the_request_is_a_get_of_an_https_or_loopback_url() {
        let req = jwks_request("https://idp.example.com/jwks").unwrap();
        assert_eq!(
            (req.method, req.url.as_str()),
            ("GET", "https://idp.example.com/jwks")
        );
        assert!(jwks_request("http://127.0.0.1:9/jwks").is_ok());
        for bad in [
            "http://idp.example.com/jwks",
            "/jwks",
            "https://idp.example.com/jwks#k",
        ] {
            assert_eq!(
                jwks_request(bad).unwrap_err().code(),
                "invalid_request",
                "{bad}"
            );
        }
    }

    #[test]
    fn the_answer_must_be_a_2xx_jwks_of_bounded_size() {
        assert_eq!(
            parse_jwks_response(&HttpResponse::new(200, SET))
                .unwrap()
                .key_ids(),
            ["h"]
        );
        for (status, body, code) in [
            (404, SET, "http_error"),
            (302, SET, "http_error"),
            (0, "", "http_error"),
            (200, "{}", "invalid_jwk"),
            (200, "not json", "invalid_jwk"),
        ] {
            let e = parse_jwks_response(&HttpResponse::new(status, body)).unwrap_err();
            assert_eq!(e.code(), code, "{status} {body}");
        }
        let huge = HttpResponse::new(200, " ".repeat(MAX_JWKS_BYTES + 1));
        assert_eq!(parse_jwks_response(&huge).unwrap_err().code(), "http_error");
        let mut followed = HttpResponse::new(200, SET);
        followed.redirected = true;
        assert_eq!(
            parse_jwks_response(&followed).unwrap_err().code(),
            "http_error"
        );
    }
}
