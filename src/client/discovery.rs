//! Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414 §2) and where to find it.

use crate::error::{Error, Result, quote};
use crate::jose::json;
use crate::wire::parse_endpoint;
use crate::wire::{HttpRequest, HttpResponse, status_error};
use serde::Serialize;
use serde_json::{Map, Value};

/// A provider's metadata. Field names are the provider's own snake_case names (also in JS); members this
/// type does not name are kept in `other`, and serialized back flat.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderMetadata {
    /// The issuer identifier, exactly the expected one.
    pub issuer: String,
    /// `authorization_endpoint` (required).
    pub authorization_endpoint: String,
    /// `token_endpoint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// `jwks_uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// `userinfo_endpoint`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// `end_session_endpoint` (RP-Initiated Logout 1.0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    /// `revocation_endpoint` (RFC 7009).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// `introspection_endpoint` (RFC 7662).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// `pushed_authorization_request_endpoint` (RFC 9126 §5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// `require_pushed_authorization_requests` (RFC 9126 §5): the provider takes pushed requests only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_pushed_authorization_requests: Option<bool>,
    /// Every other member, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The members that must be URLs of server endpoints (https, or http on loopback).
const ENDPOINT_MEMBERS: [&str; 9] = [
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "userinfo_endpoint",
    "end_session_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "registration_endpoint",
    "pushed_authorization_request_endpoint",
];

impl ProviderMetadata {
    /// Parses metadata JSON text (duplicate members rejected) and checks it against the expected issuer.
    pub fn from_json(text: &str, expected_issuer: &str) -> Result<Self> {
        let value = json::parse_strict(text).map_err(|e| {
            Error::InvalidMetadata(format!("provider metadata is not valid JSON: {e}"))
        })?;
        Self::from_value(value, expected_issuer)
    }

    /// Checks a parsed metadata document against the expected issuer.
    ///
    /// Errors: `invalid_metadata` (not an object, `issuer` or `authorization_endpoint` missing, a member of the
    /// wrong type, an endpoint that is not an https URL — http only on loopback), `issuer_mismatch` (`issuer`
    /// differs from `expected_issuer` in any character, a trailing slash included — OIDC Discovery §4.3),
    /// `invalid_request` (`expected_issuer` itself is not an issuer URL).
    pub fn from_value(value: Value, expected_issuer: &str) -> Result<Self> {
        check_issuer_url("expected issuer", expected_issuer)
            .map_err(|e| Error::InvalidRequest(e.message()))?;
        Self::read(value, Some(expected_issuer))
    }

    /// Reads metadata the caller kept (what `discover` returned, or written by hand) with the checks of
    /// [`Self::from_value`], its own `issuer` taken as the expected one.
    ///
    /// Errors: `invalid_metadata` as for [`Self::from_value`], and when `issuer` is not an issuer URL (https, or
    /// http on loopback, no query).
    pub fn from_document(value: Value) -> Result<Self> {
        Self::read(value, None)
    }

    /// The checks and the reading of both constructors; `expected_issuer` `None` is the document's own.
    fn read(value: Value, expected_issuer: Option<&str>) -> Result<Self> {
        let Value::Object(mut map) = value else {
            return Err(Error::InvalidMetadata(format!(
                "provider metadata must be a JSON object, found {}",
                json::kind(&value)
            )));
        };
        let issuer = match map.get("issuer") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(Error::InvalidMetadata(format!(
                    "issuer must be a string, found {}",
                    json::kind(other)
                )));
            }
            None => {
                return Err(Error::InvalidMetadata(
                    "provider metadata has no issuer".into(),
                ));
            }
        };
        match expected_issuer {
            None => check_issuer_url("issuer", &issuer)
                .map_err(|e| Error::InvalidMetadata(e.message()))?,
            Some(expected) if issuer != expected => {
                return Err(Error::IssuerMismatch(format!(
                    "provider metadata issuer {issuer} is not the expected issuer {expected}",
                    issuer = quote(&issuer),
                    expected = quote(expected)
                )));
            }
            Some(_) => {}
        }
        for name in ENDPOINT_MEMBERS {
            match map.get(name) {
                None => {}
                Some(Value::String(url)) => {
                    parse_endpoint(name, url).map_err(|e| Error::InvalidMetadata(e.message()))?;
                }
                Some(other) => {
                    return Err(Error::InvalidMetadata(format!(
                        "{name} must be a string, found {}",
                        json::kind(other)
                    )));
                }
            }
        }
        if !map.contains_key("authorization_endpoint") {
            return Err(Error::InvalidMetadata(
                "provider metadata has no authorization_endpoint".into(),
            ));
        }
        // built by hand from the checked map: a derive through `flatten` pulls serde's buffered `Content` into the wasm
        let require_pushed_authorization_requests =
            match map.remove("require_pushed_authorization_requests") {
                None => None,
                Some(Value::Bool(b)) => Some(b),
                Some(other) => {
                    return Err(Error::InvalidMetadata(format!(
                        "require_pushed_authorization_requests must be a boolean, found {}",
                        json::kind(&other)
                    )));
                }
            };
        map.remove("issuer");
        let mut string = |name: &str| match map.remove(name) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        Ok(Self {
            issuer,
            // present and a string: checked above
            authorization_endpoint: string("authorization_endpoint").unwrap_or_default(),
            token_endpoint: string("token_endpoint"),
            jwks_uri: string("jwks_uri"),
            userinfo_endpoint: string("userinfo_endpoint"),
            end_session_endpoint: string("end_session_endpoint"),
            revocation_endpoint: string("revocation_endpoint"),
            introspection_endpoint: string("introspection_endpoint"),
            pushed_authorization_request_endpoint: string("pushed_authorization_request_endpoint"),
            require_pushed_authorization_requests,
            other: map,
        })
    }

    /// `token_endpoint`, for the calls that need it. Errors: `invalid_metadata` when absent.
    pub fn require_token_endpoint(&self) -> Result<&str> {
        required(&self.token_endpoint, "token_endpoint")
    }

    /// `jwks_uri`, for the calls that need it. Errors: `invalid_metadata` when absent.
    pub fn require_jwks_uri(&self) -> Result<&str> {
        required(&self.jwks_uri, "jwks_uri")
    }
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| Error::InvalidMetadata(format!("provider metadata has no {name}")))
}

/// An issuer identifier: an https URL (http on loopback) with no query and no fragment (OIDC Discovery §3).
fn check_issuer_url(what: &str, issuer: &str) -> Result<()> {
    let url = parse_endpoint(what, issuer)?;
    if url.has_query() {
        return Err(Error::InvalidRequest(format!(
            "{what} must not have a query"
        )));
    }
    Ok(())
}

/// Where discovery looks, in order: `{issuer}/.well-known/openid-configuration` (OIDC Discovery §4.1),
/// then the RFC 8414 §3.1 location, `.well-known` inserted before the issuer's path.
///
/// Errors: `invalid_request` when `issuer` is not an issuer URL.
pub fn discovery_urls(issuer: &str) -> Result<[String; 2]> {
    check_issuer_url("issuer", issuer)?;
    let url = parse_endpoint("issuer", issuer)?;
    let oidc = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let authority = url.authority().map_or("", |a| a.as_str());
    let path = url.path().as_str().trim_end_matches('/');
    let rfc8414 = format!(
        "{}://{authority}/.well-known/oauth-authorization-server{path}",
        url.scheme().as_str()
    );
    Ok([oidc, rfc8414])
}

/// The GET of one discovery location (from [`discovery_urls`]).
pub fn discovery_request(url: &str) -> HttpRequest {
    HttpRequest::get(url, "application/json")
}

/// Parses the answer of one discovery location. `Ok(None)` means 404 or 410: nothing there, try the next
/// location of [`discovery_urls`] (the OIDC location first, then RFC 8414's).
///
/// Errors: what [`ProviderMetadata::from_json`] reports (`issuer_mismatch`, `invalid_metadata`); `http_error`
/// with the status for any other non-2xx response, a redirect included (see [`HttpResponse::is_redirect`]).
pub fn parse_discovery_response(
    response: &HttpResponse,
    expected_issuer: &str,
) -> Result<Option<ProviderMetadata>> {
    if response.is_success() {
        return ProviderMetadata::from_json(&response.body, expected_issuer).map(Some);
    }
    if matches!(response.status, 404 | 410) && !response.is_redirect() {
        return Ok(None);
    }
    Err(status_error("the discovery document", response))
}

/// Discovery as a sans-IO plan: [`DiscoveryPlan::request`] is the GET to send first (the OIDC location), and
/// each answer given to [`DiscoveryPlan::on_response`] gives the metadata, or the next request when the
/// location had nothing (404 or 410: the RFC 8414 location after the OIDC one), or the error. The caller loops
/// its `fetch` over it; at most two requests are ever asked for.
#[derive(Debug, Clone)]
pub struct DiscoveryPlan {
    issuer: String,
    urls: [String; 2],
    at: usize,
}

/// What a [`DiscoveryPlan`] says after an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscoveryStep {
    /// The provider's metadata, checked against the issuer.
    Found(ProviderMetadata),
    /// Nothing at that location: send this request and give its answer to [`DiscoveryPlan::on_response`].
    Fetch(HttpRequest),
}

impl DiscoveryPlan {
    /// The plan for `issuer`. Errors: `invalid_request` when `issuer` is not an issuer URL.
    pub fn new(issuer: &str) -> Result<Self> {
        Ok(DiscoveryPlan {
            urls: discovery_urls(issuer)?,
            issuer: issuer.to_owned(),
            at: 0,
        })
    }

    /// The GET of the location the plan is at (the OIDC location before any answer).
    pub fn request(&self) -> HttpRequest {
        discovery_request(self.urls.get(self.at).map_or("", String::as_str))
    }

    /// Takes the answer to [`DiscoveryPlan::request`].
    ///
    /// Errors: those of [`parse_discovery_response`]; `http_error` with status 404 when both locations
    /// answered 404 or 410.
    pub fn on_response(&mut self, response: &HttpResponse) -> Result<DiscoveryStep> {
        if let Some(metadata) = parse_discovery_response(response, &self.issuer)? {
            return Ok(DiscoveryStep::Found(metadata));
        }
        if self.at + 1 < self.urls.len() {
            self.at += 1;
            return Ok(DiscoveryStep::Fetch(self.request()));
        }
        let [oidc, rfc8414] = &self.urls;
        Err(Error::HttpError {
            message: format!(
                "no provider metadata for {}: both {} and {} answered 404",
                quote(&self.issuer),
                quote(oidc),
                quote(rfc8414)
            ),
            status: Some(404),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/auth",
        "token_endpoint":"https://idp.example.com/token","jwks_uri":"https://idp.example.com/jwks",
        "code_challenge_methods_supported":["S256"]}"#;

    #[test]
    fn parses_and_keeps_other_members() {
        let m = ProviderMetadata::from_json(DOC, "https://idp.example.com").unwrap();
        assert_eq!(
            m.require_jwks_uri().unwrap(),
            "https://idp.example.com/jwks"
        );
        assert_eq!(
            m.other["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert!(m.userinfo_endpoint.is_none());
        assert_eq!(
            serde_json::to_value(&m).unwrap()["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
    }

    #[test]
    fn every_named_member_is_read_and_serialized_back_as_sent() {
        let doc = serde_json::json!({
            "issuer": "https://idp.example.com",
            "authorization_endpoint": "https://idp.example.com/a",
            "token_endpoint": "https://idp.example.com/t",
            "jwks_uri": "https://idp.example.com/j",
            "userinfo_endpoint": "https://idp.example.com/u",
            "end_session_endpoint": "https://idp.example.com/e",
            "revocation_endpoint": "https://idp.example.com/r",
            "introspection_endpoint": "https://idp.example.com/i",
            "pushed_authorization_request_endpoint": "https://idp.example.com/p",
            "require_pushed_authorization_requests": true,
            "registration_endpoint": "https://idp.example.com/reg",
            "scopes_supported": ["openid"],
        });
        let m = ProviderMetadata::from_value(doc.clone(), "https://idp.example.com").unwrap();
        assert_eq!(
            m.end_session_endpoint.as_deref(),
            Some("https://idp.example.com/e")
        );
        assert_eq!(m.require_pushed_authorization_requests, Some(true));
        let mut others: Vec<&str> = m.other.keys().map(String::as_str).collect();
        others.sort_unstable();
        assert_eq!(others, ["registration_endpoint", "scopes_supported"]);
        assert_eq!(serde_json::to_value(&m).unwrap(), doc);
        for bad in [serde_json::json!("yes"), serde_json::Value::Null] {
            let mut doc = doc.clone();
            doc["require_pushed_authorization_requests"] = bad;
            let e = ProviderMetadata::from_value(doc, "https://idp.example.com").unwrap_err();
            assert_eq!(e.code(), "invalid_metadata");
            assert!(e.message().contains("must be a boolean"), "{}", e.message());
        }
    }

    #[test]
    fn a_kept_document_is_checked_against_its_own_issuer() {
        let doc: Value = serde_json::from_str(DOC).unwrap();
        let m = ProviderMetadata::from_document(doc.clone()).unwrap();
        assert_eq!(
            m,
            ProviderMetadata::from_value(doc.clone(), "https://idp.example.com").unwrap()
        );
        for issuer in ["x", "http://idp.example.com", "https://idp.example.com?a=b"] {
            let mut doc = doc.clone();
            doc["issuer"] = Value::from(issuer);
            let e = ProviderMetadata::from_document(doc).unwrap_err();
            assert_eq!(e.code(), "invalid_metadata", "{issuer}");
        }
        let mut doc = doc;
        doc["token_endpoint"] = Value::from("http://evil.example/t");
        let e = ProviderMetadata::from_document(doc).unwrap_err();
        assert_eq!(e.code(), "invalid_metadata");
    }

    #[test]
    fn issuer_must_match_exactly() {
        let e = ProviderMetadata::from_json(DOC, "https://idp.example.com/").unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
        let e = ProviderMetadata::from_json(DOC, "https://IDP.example.com").unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
    }

    #[test]
    fn bad_documents_are_invalid_metadata() {
        for doc in [
            "[]",
            "{",
            r#"{"authorization_endpoint":"https://idp.example.com/auth"}"#,
            r#"{"issuer":"https://idp.example.com"}"#,
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"http://idp.example.com/auth"}"#,
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a","jwks_uri":5}"#,
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a","issuer":"https://idp.example.com"}"#,
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a","token_endpoint":null}"#,
        ] {
            assert_eq!(
                ProviderMetadata::from_json(doc, "https://idp.example.com")
                    .unwrap_err()
                    .code(),
                "invalid_metadata",
                "{doc}"
            );
        }
        assert_eq!(
            ProviderMetadata::from_json(DOC, "idp.example.com")
                .unwrap_err()
                .code(),
            "invalid_request"
        );
    }

    #[test]
    fn discovery_locations() {
        assert_eq!(
            discovery_urls("https://idp.example.com/tenant1").unwrap(),
            [
                "https://idp.example.com/tenant1/.well-known/openid-configuration".to_owned(),
                "https://idp.example.com/.well-known/oauth-authorization-server/tenant1".to_owned()
            ]
        );
        assert_eq!(
            discovery_urls("https://idp.example.com").unwrap()[1],
            "https://idp.example.com/.well-known/oauth-authorization-server"
        );
    }

    #[test]
    fn discovery_responses() {
        assert_eq!(
            parse_discovery_response(&HttpResponse::new(404, "nope"), "https://idp.example.com"),
            Ok(None)
        );
        let m = parse_discovery_response(&HttpResponse::new(200, DOC), "https://idp.example.com")
            .unwrap()
            .unwrap();
        assert_eq!(m.issuer, "https://idp.example.com");
        let e = parse_discovery_response(&HttpResponse::new(500, DOC), "https://idp.example.com")
            .unwrap_err();
        assert_eq!(
            e,
            Error::HttpError {
                message: "the discovery document answered HTTP 500".into(),
                status: Some(500)
            }
        );
        let e = parse_discovery_response(&HttpResponse::new(200, DOC), "https://other.example.com")
            .unwrap_err();
        assert_eq!(e.code(), "issuer_mismatch");
        assert_eq!(
            discovery_request("https://idp.example.com/.well-known/openid-configuration").method,
            "GET"
        );
    }

    #[test]
    fn the_plan_tries_oidc_then_rfc8414() {
        const ISS: &str = "https://idp.example.com/t";
        let doc = DOC.replace("https://idp.example.com\"", "https://idp.example.com/t\"");
        let mut plan = DiscoveryPlan::new(ISS).unwrap();
        assert_eq!(
            plan.request().url,
            "https://idp.example.com/t/.well-known/openid-configuration"
        );
        // found at the first location: no second request
        let found = plan.clone().on_response(&HttpResponse::new(200, &doc));
        assert!(matches!(found, Ok(DiscoveryStep::Found(m)) if m.issuer == ISS));
        // nothing there (404, then 410): the RFC 8414 location, then the error
        let next = plan.on_response(&HttpResponse::new(404, "")).unwrap();
        let DiscoveryStep::Fetch(second) = next else {
            panic!("{next:?}")
        };
        assert_eq!(
            (second.method, second.url.as_str()),
            (
                "GET",
                "https://idp.example.com/.well-known/oauth-authorization-server/t"
            )
        );
        assert_eq!(plan.request(), second);
        let mut late = plan.clone();
        assert!(matches!(
            late.on_response(&HttpResponse::new(200, &doc)),
            Ok(DiscoveryStep::Found(_))
        ));
        let e = plan.on_response(&HttpResponse::new(410, "")).unwrap_err();
        assert_eq!(e.code(), "http_error");
        assert!(e.message().starts_with("no provider metadata for"), "{e:?}");
        assert!(matches!(
            e,
            Error::HttpError {
                status: Some(404),
                ..
            }
        ));
        // still an error if asked again: never a third location
        assert!(plan.on_response(&HttpResponse::new(404, "")).is_err());
    }

    #[test]
    fn the_plan_stops_at_any_other_answer() {
        let mut plan = DiscoveryPlan::new("https://idp.example.com").unwrap();
        let e = plan.on_response(&HttpResponse::new(500, "")).unwrap_err();
        assert_eq!(e.code(), "http_error");
        let mut plan = DiscoveryPlan::new("https://idp.example.com").unwrap();
        let moved = HttpResponse::new(302, "").with_header("Location", "https://evil.example");
        assert_eq!(plan.on_response(&moved).unwrap_err().code(), "http_error");
        let mut plan = DiscoveryPlan::new("https://idp.example.com").unwrap();
        let wrong = DOC.replace("idp.example.com\"", "other.example.com\"");
        assert_eq!(
            plan.on_response(&HttpResponse::new(200, wrong))
                .unwrap_err()
                .code(),
            "issuer_mismatch"
        );
        assert_eq!(
            DiscoveryPlan::new("idp.example.com").unwrap_err().code(),
            "invalid_request"
        );
    }
}
