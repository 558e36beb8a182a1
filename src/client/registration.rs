//! Dynamic client registration (RFC 7591) and its management protocol (RFC 7592): the registration request
//! (§3.1) and its answer (§3.2), then reading (RFC 7592 §2.1), updating (§2.2) and deleting (§2.3) the client at
//! its `registration_client_uri` with its registration access token.
//!
//! Client metadata (RFC 7591 §2, OIDC Dynamic Client Registration 1.0 §2) is checked before it is sent:
//! registered members of their registered types, redirect URIs that are https (http only on loopback) without a
//! fragment, a known `token_endpoint_auth_method`, `jwks` and `jwks_uri` not both. Answers are read strictly:
//! the status §3.2.1 and RFC 7592 §2 give, `client_id`, the secret's expiry with a secret, the registration
//! access token with its URI, and every registered member of its type.

use crate::client::userinfo::{bearer_challenge_error, check_b64token};
use crate::error::{Error, Result, quote};
use crate::jose::json;
use crate::wire::{HttpRequest, HttpResponse, error_for_failure, http_error, json_object};
use crate::wire::{parse_absolute, parse_endpoint};
use serde_json::{Map, Value};

/// The `token_endpoint_auth_method` values the registries define (RFC 7591 §2, OIDC Core §9, RFC 8705 §2).
pub const TOKEN_ENDPOINT_AUTH_METHODS: [&str; 7] = [
    "none",
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "tls_client_auth",
    "self_signed_tls_client_auth",
];

/// The JSON type a registered metadata member must have.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// A URL the client's users or the server fetch (absolute, no fragment).
    Url,
    /// A URL the server sends the user or its requests to: [`parse_endpoint`]'s rule (https, http on loopback).
    Endpoint,
    Texts,
    /// A list of [`Kind::Endpoint`] URLs (`redirect_uris`, `post_logout_redirect_uris`).
    Endpoints,
    Bool,
    Number,
    Jwks,
}

/// The registered members and their types (RFC 7591 §2, §3.2.1; OIDC Dynamic Client Registration 1.0 §2;
/// OIDC Front-/Back-Channel Logout, RP-Initiated Logout; RFC 9126 §6, RFC 9449 §5.2, RFC 9701 §6).
const MEMBERS: [(&str, Kind); 39] = [
    ("redirect_uris", Kind::Endpoints),
    ("post_logout_redirect_uris", Kind::Endpoints),
    ("request_uris", Kind::Texts),
    ("grant_types", Kind::Texts),
    ("response_types", Kind::Texts),
    ("contacts", Kind::Texts),
    ("default_acr_values", Kind::Texts),
    ("client_name", Kind::Text),
    ("scope", Kind::Text),
    ("software_id", Kind::Text),
    ("software_version", Kind::Text),
    ("software_statement", Kind::Text),
    ("token_endpoint_auth_method", Kind::Text),
    ("token_endpoint_auth_signing_alg", Kind::Text),
    ("application_type", Kind::Text),
    ("subject_type", Kind::Text),
    ("id_token_signed_response_alg", Kind::Text),
    ("userinfo_signed_response_alg", Kind::Text),
    ("introspection_signed_response_alg", Kind::Text),
    ("request_object_signing_alg", Kind::Text),
    ("client_uri", Kind::Url),
    ("logo_uri", Kind::Url),
    ("tos_uri", Kind::Url),
    ("policy_uri", Kind::Url),
    ("sector_identifier_uri", Kind::Endpoint),
    ("initiate_login_uri", Kind::Endpoint),
    ("backchannel_logout_uri", Kind::Endpoint),
    ("frontchannel_logout_uri", Kind::Endpoint),
    ("jwks_uri", Kind::Endpoint),
    ("jwks", Kind::Jwks),
    ("require_auth_time", Kind::Bool),
    ("backchannel_logout_session_required", Kind::Bool),
    ("frontchannel_logout_session_required", Kind::Bool),
    ("require_pushed_authorization_requests", Kind::Bool),
    ("dpop_bound_access_tokens", Kind::Bool),
    ("default_max_age", Kind::Number),
    ("client_id_issued_at", Kind::Number),
    ("client_secret_expires_at", Kind::Number),
    ("client_id", Kind::Text),
];

/// Members the server assigns, which a request never carries (RFC 7591 §3.2.1, RFC 7592 §2.2). `client_id`
/// and `client_secret` are the update's exception (§2.2).
const SERVER_MEMBERS: [&str; 4] = [
    "registration_access_token",
    "registration_client_uri",
    "client_id_issued_at",
    "client_secret_expires_at",
];

/// The kind of a member: its name before any `#` language tag (RFC 7591 §2.2, `client_name#ja-Jpan-JP`).
fn kind_of(name: &str) -> Option<Kind> {
    let base = name.split_once('#').map_or(name, |(base, _)| base);
    MEMBERS.iter().find(|(n, _)| *n == base).map(|(_, k)| *k)
}

/// Whether `value` has the JSON type of `kind` (the URL rules apply only to requests, see [`check_urls`]).
fn has_type(kind: Kind, value: &Value) -> bool {
    let texts = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    match kind {
        Kind::Text | Kind::Url | Kind::Endpoint => value.is_string(),
        Kind::Texts | Kind::Endpoints => texts(value),
        Kind::Bool => value.is_boolean(),
        Kind::Number => value.as_f64().is_some_and(|n| n >= 0.0),
        Kind::Jwks => value
            .get("keys")
            .and_then(Value::as_array)
            .is_some_and(|keys| value.is_object() && keys.iter().all(Value::is_object)),
    }
}

/// Every registered member present has its registered type, and `jwks` and `jwks_uri` are not both given
/// (RFC 7591 §2). The message names the member.
fn check_types(metadata: &Map<String, Value>) -> std::result::Result<(), String> {
    for (name, value) in metadata {
        if let Some(kind) = kind_of(name) {
            if !has_type(kind, value) {
                return Err(format!(
                    "{} has the wrong type ({})",
                    quote(name),
                    json::kind(value)
                ));
            }
        }
    }
    if metadata.contains_key("jwks") && metadata.contains_key("jwks_uri") {
        return Err("jwks and jwks_uri must not both be given (RFC 7591 §2)".into());
    }
    Ok(())
}

/// The rules of metadata a client sends: [`check_types`], the URL rules, a known authentication method, no
/// member the server assigns.
///
/// Errors: `invalid_request` naming the member.
fn check_request_metadata(metadata: &Map<String, Value>, update: bool) -> Result<()> {
    let bad = |m: String| Error::InvalidRequest(format!("client metadata: {m}"));
    check_types(metadata).map_err(bad)?;
    let assigned = SERVER_MEMBERS
        .iter()
        .chain(if update {
            &[][..]
        } else {
            &["client_id", "client_secret"][..]
        })
        .find(|m| metadata.contains_key(**m));
    if let Some(member) = assigned {
        return Err(bad(format!(
            "{} is assigned by the server, never sent{}",
            quote(member),
            if update { "" } else { " in a registration" }
        )));
    }
    if let Some(method) = metadata
        .get("token_endpoint_auth_method")
        .and_then(Value::as_str)
    {
        if !TOKEN_ENDPOINT_AUTH_METHODS.contains(&method) {
            return Err(bad(format!(
                "token_endpoint_auth_method {} is not one of {}",
                quote(method),
                TOKEN_ENDPOINT_AUTH_METHODS.join(", ")
            )));
        }
    }
    check_urls(metadata)
}

/// RFC 6749 §3.1.2.1 and RFC 8252 §8.3: redirect URIs (and the other URLs a server sends to or fetches) are
/// https, http only on loopback, without a fragment or credentials; informational URLs absolute.
///
/// Errors: `invalid_request` naming the member.
fn check_urls(metadata: &Map<String, Value>) -> Result<()> {
    for (name, value) in metadata {
        let urls: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        let what = format!("client metadata {name}");
        for url in urls {
            match kind_of(name) {
                Some(Kind::Endpoint | Kind::Endpoints) => {
                    parse_endpoint(&what, url)?;
                }
                Some(Kind::Url) => {
                    parse_absolute(&what, url)?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A registration request (RFC 7591 §3.1): the metadata POSTed as JSON to the `registration_endpoint`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationRequest {
    /// The provider's `registration_endpoint`: https (http only on loopback).
    pub registration_endpoint: String,
    /// The client metadata (RFC 7591 §2), snake_case member names as registered.
    pub metadata: Map<String, Value>,
    /// An initial access token (RFC 7591 §3: the server may require one), sent as `Authorization: Bearer`.
    pub initial_access_token: Option<String>,
}

impl RegistrationRequest {
    /// Builds the POST.
    ///
    /// Errors (`invalid_request`): the endpoint not https (http only on loopback); a registered member of the
    /// wrong type; a redirect URI (or `jwks_uri`, `initiate_login_uri`…) that is not https (http only on
    /// loopback) or has a fragment; an unknown `token_endpoint_auth_method`; both `jwks` and `jwks_uri`;
    /// a member the server assigns (`client_id`, `client_secret`, `registration_access_token`…); an initial
    /// access token that is not an RFC 6750 `b64token`.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("registrationEndpoint", &self.registration_endpoint)?;
        check_request_metadata(&self.metadata, false)?;
        let mut req = json_request(endpoint.as_str(), "POST", &self.metadata);
        if let Some(token) = &self.initial_access_token {
            check_b64token("initialAccessToken", token)?;
            req.headers
                .push(("authorization".into(), format!("Bearer {token}")));
        }
        Ok(req)
    }
}

/// A request with a JSON body.
fn json_request(url: &str, method: &'static str, body: &Map<String, Value>) -> HttpRequest {
    HttpRequest {
        url: url.to_owned(),
        method,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("accept".into(), "application/json".into()),
        ],
        body: Some(Value::Object(body.clone()).to_string()),
    }
}

/// What is done with a registered client (RFC 7592 §2).
#[derive(Debug, Clone, PartialEq)]
pub enum ClientOperation {
    /// §2.1: GET its current configuration.
    Read,
    /// §2.2: PUT a full replacement of its metadata, which must carry its `client_id`.
    Update(Map<String, Value>),
    /// §2.3: DELETE it.
    Delete,
}

/// A client configuration request (RFC 7592 §2), authenticated with the registration access token.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfigurationRequest {
    /// The `registration_client_uri` of the registration's answer: https (http only on loopback).
    pub registration_client_uri: String,
    /// The `registration_access_token` of the registration's answer (or of the latest read or update).
    pub registration_access_token: String,
    /// What to do.
    pub operation: ClientOperation,
}

impl ClientConfigurationRequest {
    /// Builds the GET, PUT or DELETE.
    ///
    /// Errors (`invalid_request`): the URI not https (http only on loopback); a registration access token
    /// that is not an RFC 6750 `b64token`; for an update, metadata without a non-empty string `client_id`
    /// (§2.2), with `registration_access_token`, `registration_client_uri`, `client_id_issued_at` or
    /// `client_secret_expires_at` (§2.2 forbids them), or refused as [`RegistrationRequest::build`] refuses it.
    pub fn build(&self) -> Result<HttpRequest> {
        let uri = parse_endpoint("registrationClientUri", &self.registration_client_uri)?;
        check_b64token("registrationAccessToken", &self.registration_access_token)?;
        let mut req = match &self.operation {
            ClientOperation::Read => HttpRequest::get(uri.as_str(), "application/json"),
            ClientOperation::Update(metadata) => {
                check_request_metadata(metadata, true)?;
                match metadata.get("client_id") {
                    Some(Value::String(id)) if !id.is_empty() => {}
                    _ => {
                        return Err(Error::InvalidRequest(
                            "client metadata of an update must carry the client's client_id (RFC 7592 §2.2)"
                                .into(),
                        ));
                    }
                }
                json_request(uri.as_str(), "PUT", metadata)
            }
            ClientOperation::Delete => HttpRequest {
                url: uri.as_str().to_owned(),
                method: "DELETE",
                headers: Vec::new(),
                body: None,
            },
        };
        req.headers.push((
            "authorization".into(),
            format!("Bearer {}", self.registration_access_token),
        ));
        Ok(req)
    }

    /// The `client_id` the answer must be for: an update's own (RFC 7592 §2.2).
    pub fn expected_client_id(&self) -> Option<&str> {
        match &self.operation {
            ClientOperation::Update(metadata) => metadata.get("client_id").and_then(Value::as_str),
            ClientOperation::Read | ClientOperation::Delete => None,
        }
    }
}

/// What a registration or configuration answer is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAnswer<'a> {
    /// A registration (RFC 7591 §3.2.1): `201 Created`.
    Registered,
    /// A read or an update (RFC 7592 §2.1, §2.2): `200 OK`, for this client when given.
    Configuration {
        /// The `client_id` the answer must carry.
        client_id: Option<&'a str>,
    },
}

/// The error of a failed registration or configuration answer: a `WWW-Authenticate: Bearer error="…"`
/// challenge (RFC 6750 §3, e.g. a revoked registration access token), an OAuth error body (RFC 7591 §3.2.2:
/// `invalid_redirect_uri`, `invalid_client_metadata`…), or the status.
fn failure(what: &str, response: &HttpResponse) -> Error {
    response
        .header("www-authenticate")
        .filter(|_| !response.is_redirect())
        .and_then(bearer_challenge_error)
        .unwrap_or_else(|| error_for_failure(what, response))
}

/// Parses the client information of a registration (RFC 7591 §3.2.1) or of a read or update (RFC 7592 §3):
/// the JSON object as sent, its snake_case member names as registered (`client_id`, `client_secret`,
/// `registration_access_token`, `registration_client_uri`, the metadata).
///
/// Errors: `authorization_error` for a bearer challenge or an OAuth error body (RFC 7591 §3.2.2, with the
/// status); `http_error` for a redirect, another status than `201` (registration) or `200` (read, update), a
/// body that is not a JSON object, no non-empty string `client_id` or another client's, a `client_secret`
/// without `client_secret_expires_at` (§3.2.1: required with it), only one of `registration_access_token` and
/// `registration_client_uri`, a `registration_client_uri` that is not https (http only on loopback), a
/// registered member of the wrong type, or both `jwks` and `jwks_uri`.
pub fn parse_client_information(
    response: &HttpResponse,
    answer: &ClientAnswer<'_>,
) -> Result<Map<String, Value>> {
    let what = "the registration endpoint";
    let expected_status = match answer {
        ClientAnswer::Registered => 201,
        ClientAnswer::Configuration { .. } => 200,
    };
    if !response.is_success() {
        return Err(failure(what, response));
    }
    let map = json_object(what, response)?;
    let bad = |m: String| {
        http_error(
            response.status,
            format!("{what} answered an invalid client information response: {m}"),
        )
    };
    if response.status != expected_status {
        return Err(bad(format!(
            "HTTP {} where RFC 7591/7592 say {expected_status}",
            response.status
        )));
    }
    let client_id = match map.get("client_id") {
        Some(Value::String(id)) if !id.is_empty() => id,
        _ => return Err(bad("no non-empty string client_id".into())),
    };
    if let ClientAnswer::Configuration {
        client_id: Some(expected),
    } = answer
    {
        if client_id != expected {
            return Err(bad(format!(
                "client_id {} is not the client asked about ({})",
                quote(client_id),
                quote(expected)
            )));
        }
    }
    check_types(&map).map_err(bad)?;
    if map.contains_key("client_secret") && !map.contains_key("client_secret_expires_at") {
        return Err(bad(
            "client_secret without client_secret_expires_at (RFC 7591 §3.2.1)".into(),
        ));
    }
    match (
        map.get("registration_access_token"),
        map.get("registration_client_uri"),
    ) {
        (None, None) => {}
        (Some(Value::String(token)), Some(Value::String(uri))) => {
            check_b64token("registration_access_token", token).map_err(|e| bad(e.to_string()))?;
            parse_endpoint("registration_client_uri", uri).map_err(|e| bad(e.to_string()))?;
        }
        _ => {
            return Err(bad(
                "registration_access_token and registration_client_uri must be strings, both or neither \
                 (RFC 7592 §3)"
                    .into(),
            ));
        }
    }
    Ok(map)
}

/// Parses the answer to a deletion (RFC 7592 §2.3): `204 No Content`.
///
/// Errors: `authorization_error` for a bearer challenge or an OAuth error body; `http_error` for a redirect or
/// another status.
pub fn parse_client_delete_response(response: &HttpResponse) -> Result<()> {
    let what = "the client configuration endpoint";
    if !response.is_success() {
        return Err(failure(what, response));
    }
    if response.status != 204 {
        return Err(http_error(
            response.status,
            format!(
                "{what} answered a deletion with HTTP {}, where RFC 7592 §2.3 says 204",
                response.status
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn register(metadata: Value) -> Result<HttpRequest> {
        RegistrationRequest {
            registration_endpoint: "https://op.example/reg".into(),
            metadata: object(metadata),
            initial_access_token: None,
        }
        .build()
    }

    #[test]
    fn a_registration_is_json_with_its_bearer_token() {
        let req = RegistrationRequest {
            registration_endpoint: "https://op.example/reg".into(),
            metadata: object(json!({"redirect_uris": ["https://app.example/cb",
                "http://127.0.0.1:8080/cb"], "client_name#fr": "Appli"})),
            initial_access_token: Some("iat-1".into()),
        }
        .build()
        .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.header("content-type"), Some("application/json"));
        assert_eq!(req.header("authorization"), Some("Bearer iat-1"));
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["client_name#fr"], "Appli");
    }

    #[test]
    fn bad_metadata_is_refused_before_it_is_sent() {
        for metadata in [
            json!({"redirect_uris": "https://app.example/cb"}),
            json!({"redirect_uris": ["https://app.example/cb#frag"]}),
            json!({"redirect_uris": ["http://app.example/cb"]}),
            json!({"redirect_uris": ["relative/cb"]}),
            json!({"redirect_uris": ["https://user:pw@app.example/cb"]}),
            json!({"post_logout_redirect_uris": ["http://app.example/"]}),
            json!({"token_endpoint_auth_method": "client_secret_jwt_typo"}),
            json!({"jwks": {"keys": []}, "jwks_uri": "https://app.example/jwks"}),
            json!({"jwks": {"keys": "none"}}),
            json!({"jwks": []}),
            json!({"jwks_uri": "http://app.example/jwks"}),
            json!({"client_name#en": 5}),
            json!({"require_auth_time": "yes"}),
            json!({"default_max_age": -1}),
            json!({"logo_uri": "not a url"}),
            json!({"client_id": "mine"}),
            json!({"client_secret": "mine"}),
            json!({"registration_access_token": "x"}),
        ] {
            let e = register(metadata.clone()).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{metadata}");
        }
        let e = RegistrationRequest {
            registration_endpoint: "https://op.example/reg".into(),
            metadata: Map::new(),
            initial_access_token: Some("a b".into()),
        }
        .build()
        .unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        register(json!({"x-vendor": [1, {}], "redirect_uris": []})).unwrap();
    }

    #[test]
    fn configuration_requests() {
        let req = |operation| ClientConfigurationRequest {
            registration_client_uri: "https://op.example/reg/c1".into(),
            registration_access_token: "rat".into(),
            operation,
        };
        let read = req(ClientOperation::Read).build().unwrap();
        assert_eq!((read.method, read.body.as_deref()), ("GET", None));
        assert_eq!(read.header("authorization"), Some("Bearer rat"));
        let delete = req(ClientOperation::Delete).build().unwrap();
        assert_eq!(delete.method, "DELETE");
        let update = req(ClientOperation::Update(object(
            json!({"client_id": "c1", "client_secret": "s", "redirect_uris": ["https://a.example/cb"]}),
        )));
        assert_eq!(update.expected_client_id(), Some("c1"));
        let put = update.build().unwrap();
        assert_eq!(put.method, "PUT");
        for metadata in [
            json!({"redirect_uris": []}),
            json!({"client_id": ""}),
            json!({"client_id": "c1", "registration_client_uri": "https://op.example/reg/c1"}),
            json!({"client_id": "c1", "client_secret_expires_at": 0}),
        ] {
            let e = req(ClientOperation::Update(object(metadata.clone())))
                .build()
                .unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{metadata}");
        }
        let mut insecure = req(ClientOperation::Read);
        insecure.registration_client_uri = "http://op.example/reg/c1".into();
        assert_eq!(insecure.build().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn answers_are_read_strictly() {
        let good = json!({"client_id": "c1", "client_secret": "s", "client_secret_expires_at": 0,
            "registration_access_token": "rat", "registration_client_uri": "https://op.example/reg/c1",
            "redirect_uris": ["https://a.example/cb"]});
        let registered = |status, body: &Value| {
            parse_client_information(
                &HttpResponse::new(status, body.to_string()),
                &ClientAnswer::Registered,
            )
        };
        assert_eq!(registered(201, &good).unwrap()["client_id"], "c1");
        let read = |body: &Value, id| {
            parse_client_information(
                &HttpResponse::new(200, body.to_string()),
                &ClientAnswer::Configuration { client_id: id },
            )
        };
        read(&good, Some("c1")).unwrap();
        assert_eq!(read(&good, Some("c2")).unwrap_err().code(), "http_error");
        assert_eq!(registered(200, &good).unwrap_err().code(), "http_error");
        let with = |change: Value| {
            let mut body = good.clone();
            for (k, v) in change.as_object().unwrap() {
                if v.is_null() {
                    body.as_object_mut().unwrap().remove(k);
                } else {
                    body[k] = v.clone();
                }
            }
            registered(201, &body).map_err(|e| e.code())
        };
        for change in [
            json!({"client_id": null}),
            json!({"client_id": ""}),
            json!({"client_id": 1}),
            json!({"client_secret_expires_at": null}),
            json!({"client_secret_expires_at": "never"}),
            json!({"registration_client_uri": null}),
            json!({"registration_client_uri": "http://op.example/reg/c1"}),
            json!({"registration_access_token": 5}),
            json!({"redirect_uris": "https://a.example/cb"}),
            json!({"jwks": {"keys": []}, "jwks_uri": "https://a.example/jwks"}),
        ] {
            assert_eq!(with(change.clone()), Err("http_error"), "{change}");
        }
        let err = registered(400, &json!({"error": "invalid_redirect_uri"})).unwrap_err();
        assert_eq!(err.code(), "authorization_error");
        let challenge = HttpResponse::new(401, "")
            .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        let e = parse_client_information(&challenge, &ClientAnswer::Registered).unwrap_err();
        assert_eq!(e.code(), "authorization_error");
        assert_eq!(
            parse_client_delete_response(&challenge).unwrap_err().code(),
            "authorization_error"
        );
        parse_client_delete_response(&HttpResponse::new(204, "")).unwrap();
        for status in [200, 302, 404] {
            let e = parse_client_delete_response(&HttpResponse::new(status, "")).unwrap_err();
            assert_eq!(e.code(), "http_error", "{status}");
        }
    }
}
