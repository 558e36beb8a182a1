//! Token introspection (RFC 7662): the request (§2.1) and the response (§2.2).

use crate::client::auth::ClientAuth;
use crate::error::{Error, Result};
use crate::jose::json;
use crate::wire::check_non_empty;
use crate::wire::parse_endpoint;
use crate::wire::{Form, HttpRequest, HttpResponse, form_post, http_error, json_object};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An introspection request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrospectionRequest {
    /// The provider's `introspection_endpoint`: https (http only on loopback).
    pub introspection_endpoint: String,
    /// Client authentication (RFC 7662 §2.1: the endpoint requires some).
    pub client_auth: ClientAuth,
    /// The token to ask about.
    pub token: String,
    /// `token_type_hint`: `access_token` or `refresh_token` (RFC 7009 §2.1 registry).
    pub token_type_hint: Option<String>,
    /// Further parameters.
    pub extra_params: BTreeMap<String, String>,
}

impl IntrospectionRequest {
    /// Builds the POST. Errors (`invalid_request`): endpoint not https (http only on loopback); an empty
    /// token or hint; bad client authentication; a parameter given twice.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("introspectionEndpoint", &self.introspection_endpoint)?;
        let form = token_form(
            &self.token,
            self.token_type_hint.as_deref(),
            &self.extra_params,
        )?;
        form_post(endpoint.as_str(), &self.client_auth, form)
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

/// Parses an introspection response: the JSON object as sent, with its RFC 7662 §2.2 names (`active`,
/// `scope`, `client_id`, `sub`, `exp`…), so it can go to `scopesOf`/`hasScopes` like token claims.
///
/// Errors: `authorization_error` for an OAuth error body; `http_error` with the status for a non-2xx
/// response, a body that is not a JSON object, a missing or non-boolean `active`, or a registered member of the
/// wrong type (`scope`, `client_id`, `username`, `token_type`, `sub`, `iss`, `jti` strings; `exp`, `iat`, `nbf`
/// numbers; `aud` a string or an array of strings).
pub fn parse_introspection_response(response: &HttpResponse) -> Result<Map<String, Value>> {
    let map = json_object("the introspection endpoint", response)?;
    let bad = |m: String| -> Error {
        http_error(
            response.status,
            format!("the introspection endpoint answered an invalid response: {m}"),
        )
    };
    match map.get("active") {
        Some(Value::Bool(_)) => {}
        Some(other) => {
            return Err(bad(format!(
                "active must be a boolean, found {}",
                json::kind(other)
            )));
        }
        None => return Err(bad("active is missing".into())),
    }
    for (name, value) in &map {
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
            return Err(bad(format!(
                "{name} has the wrong type ({})",
                json::kind(value)
            )));
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response() {
        let r = IntrospectionRequest {
            introspection_endpoint: "https://idp.example.com/introspect".into(),
            client_auth: ClientAuth::SecretBasic {
                client_id: "rs".into(),
                client_secret: "s".into(),
            },
            token: "tok en".into(),
            token_type_hint: Some("access_token".into()),
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
}
