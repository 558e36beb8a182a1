//! The UserInfo request (OIDC Core §5.3.1, a bearer GET per RFC 6750 §2.1) and its response (§5.3.2):
//! JSON claims, or a signed (or encrypted) JWT when the client registered `userinfo_signed_response_alg`.
//!
//! A JWT response is handed back as [`Userinfo::Jwt`], unverified: verify it with
//! [`TokenVerifier::verify_userinfo`](crate::TokenVerifier::verify_userinfo) (issuer, audience = client id,
//! `sub`) before using a claim in it. A client that registered signed responses parses with
//! [`parse_signed_userinfo_response`], which refuses unsigned JSON.

use crate::error::{Error, Result};
use crate::jose::json;
use crate::wire::parse_endpoint;
use crate::wire::{HttpRequest, HttpResponse, error_for_failure, http_error};
use serde_json::{Map, Value};

/// A UserInfo request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserinfoRequest {
    /// The provider's `userinfo_endpoint`: https (http only on loopback).
    pub userinfo_endpoint: String,
    /// The access token, sent as `Authorization: Bearer`.
    pub access_token: String,
}

impl UserinfoRequest {
    /// Builds the GET. Errors (`invalid_request`): endpoint not https (http only on loopback); an access token
    /// that is empty or not an RFC 6750 §2.1 `b64token` (it goes into a header).
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("userinfoEndpoint", &self.userinfo_endpoint)?;
        check_b64token("accessToken", &self.access_token)?;
        let mut req = HttpRequest::get(endpoint.as_str(), "application/json, application/jwt");
        req.headers.push((
            "authorization".into(),
            format!("Bearer {}", self.access_token),
        ));
        Ok(req)
    }
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
/// `what` names the option in the error.
pub fn check_b64token(what: &str, token: &str) -> Result<()> {
    let body = token.trim_end_matches('=');
    let ok = !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{what} must be a non-empty RFC 6750 b64token"
        )))
    }
}

/// What the UserInfo endpoint answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Userinfo {
    /// `application/json`: the claims, `sub` checked.
    Claims(Map<String, Value>),
    /// `application/jwt`: the compact JWS (or JWE), NOT verified yet.
    Jwt(String),
}

/// Parses a UserInfo response. `expected_subject` is the `sub` of the ID token: OIDC Core §5.3.4 requires the
/// response's `sub` to equal it (checked for JSON responses; for JWT responses, check it after verifying).
///
/// Errors: `authorization_error` for an RFC 6750 §3 `WWW-Authenticate: Bearer error="…"` challenge (e.g.
/// `invalid_token` with 401) or an OAuth error body; `http_error` with the status for other non-2xx responses,
/// a JSON body that is not an object, a JWT body that is not compact serialization, or a missing or non-string
/// `sub`; `invalid_claim` when `sub` differs from `expected_subject`.
pub fn parse_userinfo_response(
    response: &HttpResponse,
    expected_subject: Option<&str>,
) -> Result<Userinfo> {
    if !response.is_success() {
        if let Some(e) = response
            .header("www-authenticate")
            .filter(|_| !response.is_redirect())
            .and_then(bearer_challenge_error)
        {
            return Err(e);
        }
        return Err(error_for_failure("the userinfo endpoint", response));
    }
    let bad = |m: String| {
        http_error(
            response.status,
            format!("the userinfo endpoint answered an invalid response: {m}"),
        )
    };
    if response.media_type().as_deref() == Some("application/jwt") {
        let jwt = response.body.trim();
        let parts = jwt.split('.').count();
        if !(parts == 3 || parts == 5) || jwt.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(bad(
                "an application/jwt body that is not a compact JWS or JWE".into(),
            ));
        }
        return Ok(Userinfo::Jwt(jwt.to_owned()));
    }
    let map = json::parse_object(&response.body).map_err(|e| bad(e.to_string()))?;
    match map.get("sub") {
        Some(Value::String(_)) => {}
        Some(other) => {
            return Err(bad(format!(
                "sub must be a string, found {}",
                json::kind(other)
            )));
        }
        None => return Err(bad("sub is missing (OIDC Core §5.3.2)".into())),
    }
    check_subject(&map, expected_subject)?;
    Ok(Userinfo::Claims(map))
}

/// Parses the UserInfo response of a client that registered `userinfo_signed_response_alg` (OIDC Core §5.3.2):
/// the compact JWS, to verify with [`TokenVerifier::verify_userinfo`](crate::TokenVerifier::verify_userinfo).
///
/// Errors: those of [`parse_userinfo_response`], and `http_error` for a JSON answer: taking unsigned claims
/// where signed ones were registered would be a silent downgrade.
pub fn parse_signed_userinfo_response(response: &HttpResponse) -> Result<String> {
    match parse_userinfo_response(response, None)? {
        Userinfo::Jwt(jwt) => Ok(jwt),
        Userinfo::Claims(_) => Err(http_error(
            response.status,
            "the userinfo endpoint answered unsigned JSON claims where a signed (application/jwt) \
             response was expected"
                .into(),
        )),
    }
}

/// OIDC Core §5.3.4: the UserInfo `sub` must equal the ID token's. Used for JSON responses by
/// [`parse_userinfo_response`], and for JWT responses by `TokenVerifier::verify_userinfo`.
///
/// Errors: `invalid_claim` when `sub` is missing, not a string, or not `expected_subject` (when given).
pub fn check_subject(claims: &Map<String, Value>, expected_subject: Option<&str>) -> Result<()> {
    let sub = match claims.get("sub") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(Error::InvalidClaim(
                "the userinfo response has no string sub (OIDC Core §5.3.2)".into(),
            ));
        }
    };
    match expected_subject {
        Some(expected) if sub != expected => Err(Error::InvalidClaim(
            "the userinfo sub is not the ID token's sub (OIDC Core §5.3.4)".into(),
        )),
        _ => Ok(()),
    }
}

/// The `error` of a `Bearer` challenge in a `WWW-Authenticate` value (RFC 6750 §3), or of a `DPoP` one (RFC
/// 9449 §7.1, the same parameters), as an OAuth error.
pub fn bearer_challenge_error(header: &str) -> Option<Error> {
    let params = token_challenge_params(header)?;
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    Some(Error::AuthorizationError {
        error: get("error")?,
        error_description: get("error_description"),
        error_uri: get("error_uri"),
    })
}

/// The parameters of a `Bearer` (RFC 6750 §3) or `DPoP` (RFC 9449 §7.1) challenge, the first of the header;
/// `None` for another scheme.
pub(crate) fn token_challenge_params(header: &str) -> Option<Vec<(String, String)>> {
    let rest = header.trim_start();
    let (scheme, params) = rest.split_once(' ').unwrap_or((rest, ""));
    if !scheme.eq_ignore_ascii_case("bearer") && !scheme.eq_ignore_ascii_case("dpop") {
        return None;
    }
    Some(auth_params(params))
}

/// `name=token` / `name="quoted"` pairs separated by commas (RFC 9110 §11.2), stopping at anything else.
fn auth_params(mut s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start_matches([' ', ',', '\t']);
        let Some((name, rest)) = s.split_once('=') else {
            return out;
        };
        let name = name.trim();
        if name.is_empty() || name.contains([' ', ',', '"']) {
            return out;
        }
        let rest = rest.trim_start();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => {
                        end = Some(i + 1);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let Some(end) = end else { return out };
            out.push((name.to_owned(), value));
            s = quoted.get(end..).unwrap_or("");
        } else {
            let end = rest.find([',', ' ']).unwrap_or(rest.len());
            out.push((name.to_owned(), rest.get(..end).unwrap_or("").to_owned()));
            s = rest.get(end..).unwrap_or("");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_get() {
        let r = UserinfoRequest {
            userinfo_endpoint: "https://idp.example.com/me".into(),
            access_token: "abc-_.~+/==".into(),
        }
        .build()
        .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.header("authorization"), Some("Bearer abc-_.~+/=="));
        assert!(r.body.is_none());
        for bad in ["", "a b", "a\r\nx: y", "=="] {
            let e = UserinfoRequest {
                userinfo_endpoint: "https://idp.example.com/me".into(),
                access_token: bad.into(),
            }
            .build()
            .unwrap_err();
            assert_eq!(e.code(), "invalid_request");
        }
    }

    #[test]
    fn json_and_jwt_responses() {
        let json = HttpResponse::new(200, r#"{"sub":"u1","email":"a@b"}"#)
            .with_header("Content-Type", "application/json; charset=utf-8");
        match parse_userinfo_response(&json, Some("u1")).unwrap() {
            Userinfo::Claims(c) => assert_eq!(c["email"], "a@b"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            parse_userinfo_response(&json, Some("u2"))
                .unwrap_err()
                .code(),
            "invalid_claim"
        );
        let claims: Map<String, Value> = serde_json::from_str(r#"{"sub":"u1"}"#).unwrap();
        assert!(check_subject(&claims, Some("u1")).is_ok());
        assert!(check_subject(&claims, None).is_ok());
        assert_eq!(
            check_subject(&claims, Some("u2")).unwrap_err().code(),
            "invalid_claim"
        );
        assert_eq!(
            check_subject(&Map::new(), None).unwrap_err().code(),
            "invalid_claim"
        );
        let jwt =
            HttpResponse::new(200, "aa.bb.cc\n").with_header("content-type", "application/JWT");
        assert_eq!(
            parse_userinfo_response(&jwt, Some("ignored")).unwrap(),
            Userinfo::Jwt("aa.bb.cc".into())
        );
        for (ct, body) in [
            ("application/jwt", "aa.bb"),
            ("application/json", r#"{"email":"x"}"#),
            ("application/json", r#"{"sub":1}"#),
            ("application/json", r#"{"sub":"a","sub":"b"}"#),
            ("text/html", "<html>"),
        ] {
            let r = HttpResponse::new(200, body).with_header("content-type", ct);
            assert_eq!(
                parse_userinfo_response(&r, None).unwrap_err().code(),
                "http_error",
                "{body}"
            );
        }
    }

    #[test]
    fn signed_responses_refuse_json() {
        let jwt = HttpResponse::new(200, "aa.bb.cc").with_header("content-type", "application/jwt");
        assert_eq!(parse_signed_userinfo_response(&jwt).unwrap(), "aa.bb.cc");
        let json = HttpResponse::new(200, r#"{"sub":"u1"}"#)
            .with_header("content-type", "application/json");
        let e = parse_signed_userinfo_response(&json).unwrap_err();
        assert_eq!(e.code(), "http_error");
        assert!(e.to_string().contains("unsigned"), "{e}");
        let denied = HttpResponse::new(403, "")
            .with_header("www-authenticate", "Bearer error=\"insufficient_scope\"");
        let e = parse_signed_userinfo_response(&denied).unwrap_err();
        assert_eq!(e.code(), "authorization_error");
    }

    #[test]
    fn bearer_challenges() {
        let r = HttpResponse::new(401, "").with_header(
            "WWW-Authenticate",
            r##"Bearer realm="example", error="invalid_token", error_description="The access token \"expired\"""##,
        );
        assert_eq!(
            parse_userinfo_response(&r, None).unwrap_err(),
            Error::AuthorizationError {
                error: "invalid_token".into(),
                error_description: Some("The access token \"expired\"".into()),
                error_uri: None,
            }
        );
        let e = bearer_challenge_error("Bearer error=insufficient_scope, scope=\"a b\"").unwrap();
        assert_eq!(e.code(), "authorization_error");
        assert!(bearer_challenge_error("Basic realm=\"x\"").is_none());
        assert!(bearer_challenge_error("Bearer realm=\"x\"").is_none());
        let e = parse_userinfo_response(&HttpResponse::new(401, ""), None).unwrap_err();
        assert_eq!(
            e,
            Error::HttpError {
                message: "the userinfo endpoint answered HTTP 401".into(),
                status: Some(401)
            }
        );
    }
}
