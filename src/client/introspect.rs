//! Token introspection (RFC 7662): the request (§2.1) and the response (§2.2), as JSON or as a signed JWT
//! (RFC 9701).

use crate::client::auth::ClientAuth;
use crate::client::userinfo::check_b64token;
use crate::error::{Error, Result};
use crate::jose::json;
use crate::wire::check_non_empty;
use crate::wire::parse_endpoint;
use crate::wire::{
    FORM_CONTENT_TYPE, Form, HttpRequest, HttpResponse, error_for_failure, form_post, http_error,
    json_object,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The media type of a JWT introspection response (RFC 9701 §4, §12.3), also its `typ` without `application/`.
pub const INTROSPECTION_JWT_MEDIA_TYPE: &str = "application/token-introspection+jwt";

/// How the caller of the introspection endpoint authenticates (RFC 7662 §2.1: client credentials, or a
/// separate bearer token issued for the purpose).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntrospectionAuth {
    /// Client authentication, as at the token endpoint.
    Client(ClientAuth),
    /// `Authorization: Bearer` with this access token (RFC 6750 §2.1).
    Bearer(String),
}

impl IntrospectionAuth {
    /// The caller's choice: `Some(Bearer)` for a bearer token, `None` when client authentication is to be
    /// resolved (it may need an assertion signed first).
    ///
    /// Errors: `invalid_request` for both a bearer token and client authentication.
    pub fn bearer_or_client(
        bearer_token: Option<String>,
        has_client_auth: bool,
    ) -> Result<Option<IntrospectionAuth>> {
        match (bearer_token, has_client_auth) {
            (Some(_), true) => Err(Error::InvalidRequest(
                "introspection takes bearerToken or clientAuth, not both".into(),
            )),
            (bearer, _) => Ok(bearer.map(IntrospectionAuth::Bearer)),
        }
    }
}

/// An introspection request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrospectionRequest {
    /// The provider's `introspection_endpoint`: https (http only on loopback).
    pub introspection_endpoint: String,
    /// The caller's authentication (RFC 7662 §2.1: the endpoint requires some).
    pub auth: IntrospectionAuth,
    /// The token to ask about.
    pub token: String,
    /// `token_type_hint`: `access_token` or `refresh_token` (RFC 7009 §2.1 registry).
    pub token_type_hint: Option<String>,
    /// Ask for a signed JWT response (RFC 9701 §4: `Accept: application/token-introspection+jwt`).
    pub jwt_response: bool,
    /// Further parameters.
    pub extra_params: BTreeMap<String, String>,
}

impl IntrospectionRequest {
    /// Builds the POST. Errors (`invalid_request`): endpoint not https (http only on loopback); an empty
    /// token or hint; bad client authentication, or a bearer token that is not an RFC 6750 `b64token`; a
    /// parameter given twice.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("introspectionEndpoint", &self.introspection_endpoint)?;
        let form = token_form(
            &self.token,
            self.token_type_hint.as_deref(),
            &self.extra_params,
        )?;
        let mut req = match &self.auth {
            IntrospectionAuth::Client(auth) => form_post(endpoint.as_str(), auth, form)?,
            IntrospectionAuth::Bearer(token) => {
                check_b64token("bearerToken", token)?;
                HttpRequest {
                    url: endpoint.as_str().to_owned(),
                    method: "POST",
                    headers: vec![
                        ("content-type".into(), FORM_CONTENT_TYPE.into()),
                        ("accept".into(), "application/json".into()),
                        ("authorization".into(), format!("Bearer {token}")),
                    ],
                    body: Some(form.encode()),
                }
            }
        };
        if self.jwt_response {
            for (name, value) in &mut req.headers {
                if name == "accept" {
                    *value = INTROSPECTION_JWT_MEDIA_TYPE.into();
                }
            }
        }
        Ok(req)
    }
}

/// The form shared by introspection and revocation: `token`, `token_type_hint`, extras.
pub(crate) fn token_form(
    token: &str,
    hint: Option<&str>,
    extra: &BTreeMap<String, String>,
) -> Result<Form> {
    let mut form = Form::new();
    check_non_empty("token", token)?;
    form.add("token", token)?;
    if let Some(hint) = hint {
        crate::wire::check_scope_token("tokenTypeHint", hint)?;
        form.add("token_type_hint", hint)?;
    }
    form.add_extra(extra)?;
    Ok(form)
}

/// Members of RFC 7662 §2.2 that must be strings when present.
const STRING_MEMBERS: [&str; 7] = [
    "scope",
    "client_id",
    "username",
    "token_type",
    "sub",
    "iss",
    "jti",
];
/// Members of RFC 7662 §2.2 that must be numbers (NumericDate) when present.
const NUMBER_MEMBERS: [&str; 3] = ["exp", "iat", "nbf"];

/// The RFC 7662 §2.2 rules on a response object: a boolean `active`, and the registered members present of
/// their registered types. The message says which rule failed.
fn check_members(map: &Map<String, Value>) -> std::result::Result<(), String> {
    match map.get("active") {
        Some(Value::Bool(_)) => {}
        Some(other) => {
            return Err(format!(
                "active must be a boolean, found {}",
                json::kind(other)
            ));
        }
        None => return Err("active is missing".into()),
    }
    for (name, value) in map {
        let ok = if STRING_MEMBERS.contains(&name.as_str()) {
            value.is_string()
        } else if NUMBER_MEMBERS.contains(&name.as_str()) {
            value.is_number()
        } else if name == "aud" {
            value.is_string()
                || value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string))
        } else {
            true
        };
        if !ok {
            return Err(format!("{name} has the wrong type ({})", json::kind(value)));
        }
    }
    Ok(())
}

/// Parses an introspection response: the JSON object as sent, with its RFC 7662 §2.2 names (`active`,
/// `scope`, `client_id`, `sub`, `exp`…), so it can go to `scopesOf`/`hasScopes` like token claims.
///
/// Errors: `authorization_error` for an OAuth error body; `http_error` with the status for a non-2xx
/// response, a body that is not a JSON object, a missing or non-boolean `active`, or a registered member of the
/// wrong type (`scope`, `client_id`, `username`, `token_type`, `sub`, `iss`, `jti` strings; `exp`, `iat`, `nbf`
/// numbers; `aud` a string or an array of strings).
pub fn parse_introspection_response(response: &HttpResponse) -> Result<Map<String, Value>> {
    let map = json_object("the introspection endpoint", response)?;
    check_members(&map).map_err(|m| {
        http_error(
            response.status,
            format!("the introspection endpoint answered an invalid response: {m}"),
        )
    })?;
    Ok(map)
}

/// Parses the answer to a request with [`IntrospectionRequest::jwt_response`] (RFC 9701 §5): the compact JWS,
/// to verify with [`TokenVerifier::verify_introspection`](crate::TokenVerifier::verify_introspection)
/// (issuer = the authorization server, audience = the client), whose `token_introspection` claim
/// [`token_introspection`] then reads.
///
/// Errors: the OAuth error of a failed response as `authorization_error`; `http_error` with the status for
/// another failure, a content type other than `application/token-introspection+jwt` (a plain JSON answer
/// would be an unsigned downgrade), or a body that is not three base64url parts.
pub fn parse_jwt_introspection_response(response: &HttpResponse) -> Result<String> {
    if !response.is_success() {
        return Err(error_for_failure("the introspection endpoint", response));
    }
    let bad = |m: &str| {
        http_error(
            response.status,
            format!("the introspection endpoint answered an invalid JWT response: {m}"),
        )
    };
    if response.media_type().as_deref() != Some(INTROSPECTION_JWT_MEDIA_TYPE) {
        return Err(bad(
            "the content type is not application/token-introspection+jwt (RFC 9701 §5)",
        ));
    }
    let jwt = response.body.trim();
    let compact = jwt.split('.').count() == 3
        && jwt
            .bytes()
            .all(|b| b == b'.' || b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !compact {
        return Err(bad("the body is not a compact JWS"));
    }
    Ok(jwt.to_owned())
}

/// The `token_introspection` claim of a verified JWT introspection response (RFC 9701 §5): an object holding
/// the RFC 7662 §2.2 response, checked as [`parse_introspection_response`] checks a JSON one.
///
/// Errors: `missing_claim` when absent; `invalid_claim` when not an object, or not a valid §2.2 response.
pub fn token_introspection(claims: &Map<String, Value>) -> Result<Map<String, Value>> {
    let inner = match claims.get("token_introspection") {
        Some(Value::Object(inner)) => inner,
        None => {
            return Err(Error::MissingClaim(
                "\"token_introspection\" is required (RFC 9701 §5)".into(),
            ));
        }
        Some(other) => {
            return Err(Error::InvalidClaim(format!(
                "\"token_introspection\" must be an object, found {}",
                json::kind(other)
            )));
        }
    };
    check_members(inner)
        .map_err(|m| Error::InvalidClaim(format!("\"token_introspection\": {m}")))?;
    Ok(inner.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response() {
        let r = IntrospectionRequest {
            introspection_endpoint: "https://idp.example.com/introspect".into(),
            auth: IntrospectionAuth::Client(ClientAuth::SecretBasic {
                client_id: "rs".into(),
                client_secret: "s".into(),
            }),
            token: "tok en".into(),
            token_type_hint: Some("access_token".into()),
            jwt_response: false,
            extra_params: BTreeMap::new(),
        }
        .build()
        .unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.body.as_deref(),
            Some("token=tok+en&token_type_hint=access_token")
        );
        assert!(r.header("authorization").is_some());

        let m = parse_introspection_response(&HttpResponse::new(
            200,
            r#"{"active":true,"scope":"a b","exp":1,"aud":["x"],"ext":{}}"#,
        ))
        .unwrap();
        assert_eq!(m["scope"], "a b");
        let m =
            parse_introspection_response(&HttpResponse::new(200, r#"{"active":false}"#)).unwrap();
        assert_eq!(m["active"], false);
    }

    #[test]
    fn bad_responses() {
        for body in [
            r#"{}"#,
            r#"{"active":"true"}"#,
            r#"{"active":true,"scope":["a"]}"#,
            r#"{"active":true,"exp":"1"}"#,
            r#"{"active":true,"aud":[1]}"#,
            r#"{"active":true,"active":false}"#,
        ] {
            let e = parse_introspection_response(&HttpResponse::new(200, body)).unwrap_err();
            assert_eq!(e.code(), "http_error", "{body}");
        }
        let e =
            parse_introspection_response(&HttpResponse::new(401, r#"{"error":"invalid_client"}"#))
                .unwrap_err();
        assert_eq!(e.code(), "authorization_error");
    }

    #[test]
    fn bearer_and_jwt_requests() {
        let req = |auth, jwt_response| IntrospectionRequest {
            introspection_endpoint: "https://idp.example.com/introspect".into(),
            auth,
            token: "t".into(),
            token_type_hint: None,
            jwt_response,
            extra_params: BTreeMap::new(),
        };
        let r = req(IntrospectionAuth::Bearer("rs.tok~".into()), true)
            .build()
            .unwrap();
        assert_eq!(r.header("authorization"), Some("Bearer rs.tok~"));
        assert_eq!(r.header("accept"), Some(INTROSPECTION_JWT_MEDIA_TYPE));
        assert_eq!(r.body.as_deref(), Some("token=t"));
        for bad in ["", "a b", "a\r\nx: y"] {
            let e = req(IntrospectionAuth::Bearer(bad.into()), false)
                .build()
                .unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{bad:?}");
        }
        let e = IntrospectionAuth::bearer_or_client(Some("x".into()), true).unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        assert_eq!(
            IntrospectionAuth::bearer_or_client(None, true).unwrap(),
            None
        );
    }

    #[test]
    fn jwt_responses_are_compact_jws_of_their_media_type() {
        let jwt = |status, ct: &str, body: &str| {
            parse_jwt_introspection_response(
                &HttpResponse::new(status, body).with_header("content-type", ct),
            )
        };
        let ct = "application/token-introspection+jwt; charset=utf-8";
        assert_eq!(jwt(200, ct, "a.b.c\n").unwrap(), "a.b.c");
        for (status, ct, body, code) in [
            (200, "application/json", "{\"active\":true}", "http_error"),
            (200, "application/jwt", "a.b.c", "http_error"),
            (200, ct, "a.b", "http_error"),
            (200, ct, "a.b.c.d.e", "http_error"),
            (200, ct, "a.b c.d", "http_error"),
            (302, ct, "a.b.c", "http_error"),
            (
                400,
                "application/json",
                "{\"error\":\"invalid_request\"}",
                "authorization_error",
            ),
        ] {
            let e = jwt(status, ct, body).unwrap_err();
            assert_eq!(e.code(), code, "{status} {ct} {body}");
        }
    }
}
