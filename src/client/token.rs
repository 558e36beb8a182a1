//! Token endpoint requests and responses: the authorization-code exchange with PKCE (RFC 6749 §4.1.3,
//! RFC 7636 §4.5), refresh (RFC 6749 §6), client credentials (§4.4), token exchange (RFC 8693 §2.1) and the
//! device access token request (RFC 8628 §3.4),
//! and the token response (RFC 6749 §5.1, §5.2; RFC 8693 §2.2).

use crate::client::auth::ClientAuth;
use crate::client::authorize::scope_string;
use crate::client::device::DEVICE_CODE_GRANT;
use crate::client::pkce;
use crate::error::{Error, Result, quote};
use crate::jose::json;
use crate::wire::{Form, HttpRequest, HttpResponse, form_post, http_error, json_object};
use crate::wire::{OneOrMany, check_non_empty, check_vschar};
use crate::wire::{parse_absolute, parse_endpoint};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `grant_type` of RFC 8693 token exchange.
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The prefix of RFC 8693 §3 token type identifiers.
pub const TOKEN_TYPE_PREFIX: &str = "urn:ietf:params:oauth:token-type:";

/// What the client trades for tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `authorization_code` (RFC 6749 §4.1.3), with the PKCE `code_verifier` (RFC 7636 §4.5).
    AuthorizationCode {
        /// The `code` from the callback.
        code: String,
        /// The `redirect_uri` of the authorization request, exactly.
        redirect_uri: String,
        /// The PKCE verifier; required for public clients.
        code_verifier: Option<String>,
    },
    /// `refresh_token` (RFC 6749 §6), optionally asking for fewer scopes.
    RefreshToken {
        /// The refresh token.
        refresh_token: String,
        /// A scope no wider than the original grant's.
        scope: Option<OneOrMany>,
    },
    /// `client_credentials` (RFC 6749 §4.4): confidential clients only.
    ClientCredentials {
        /// The requested scope.
        scope: Option<OneOrMany>,
    },
    /// RFC 8693 token exchange.
    TokenExchange(TokenExchange),
    /// The device access token request (RFC 8628 §3.4), polled by [`crate::client::DevicePoll`].
    DeviceCode {
        /// `device_code` from the device authorization response.
        device_code: String,
    },
}

/// The parameters of an RFC 8693 §2.1 token exchange.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenExchange {
    /// `subject_token`: the token the new one is about (e.g. an ID token or an access token).
    pub subject_token: String,
    /// `subject_token_type`: a URI, or the short names `access_token`, `refresh_token`, `id_token`, `jwt`,
    /// `saml1`, `saml2` for the RFC 8693 §3 URNs.
    pub subject_token_type: String,
    /// `actor_token` (delegation), with `actor_token_type`.
    pub actor_token: Option<String>,
    /// `actor_token_type`: required with `actor_token`, forbidden without.
    pub actor_token_type: Option<String>,
    /// `requested_token_type`.
    pub requested_token_type: Option<String>,
    /// `audience`: logical names of the target services, one parameter each.
    pub audience: Option<OneOrMany>,
    /// `scope`.
    pub scope: Option<OneOrMany>,
}

/// A token request: where, who, what ([`TokenRequest::new`]; `resource` and `extra_params` are optional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The provider's `token_endpoint`: https (http only on loopback).
    pub token_endpoint: String,
    /// Client authentication.
    pub client_auth: ClientAuth,
    /// The grant.
    pub grant: Grant,
    /// RFC 8707 resource indicators, one `resource` parameter each.
    pub resource: Option<OneOrMany>,
    /// Further parameters; none may repeat one set by the grant or by client authentication.
    pub extra_params: BTreeMap<String, String>,
}

/// The full RFC 8693 §3 URI of a token type given by its short name; URIs pass through unchanged.
///
/// Errors: `invalid_request` for an empty value, or one that is neither a short name nor an absolute URI.
pub fn token_type_uri(what: &str, value: &str) -> Result<String> {
    match value {
        "access_token" | "refresh_token" | "id_token" | "jwt" | "saml1" | "saml2" => {
            Ok(format!("{TOKEN_TYPE_PREFIX}{value}"))
        }
        _ => {
            check_non_empty(what, value)?;
            parse_absolute(what, value).map_err(|_| {
                Error::InvalidRequest(format!(
                    "{what} {value} is not a token type URI (RFC 8693 §3) nor one of access_token, \
                     refresh_token, id_token, jwt, saml1, saml2",
                    value = quote(value)
                ))
            })?;
            Ok(value.to_owned())
        }
    }
}

impl TokenRequest {
    /// A request for `grant` at `token_endpoint`, with no `resource` and no further parameters.
    pub fn new(token_endpoint: impl Into<String>, client_auth: ClientAuth, grant: Grant) -> Self {
        TokenRequest {
            token_endpoint: token_endpoint.into(),
            client_auth,
            grant,
            resource: None,
            extra_params: BTreeMap::new(),
        }
    }

    /// Checks every field and builds the POST.
    ///
    /// Errors (`invalid_request` unless said): endpoint not https (http only on loopback) or with a fragment;
    /// an empty `code`, `refresh_token` or `subject_token`; a `redirect_uri` that is not absolute;
    /// `invalid_pkce_verifier` for a verifier outside RFC 7636 §4.1; no `code_verifier` with client
    /// authentication `none` (public clients must use PKCE, RFC 9700 §2.1.1); `client_credentials` with a public
    /// client (RFC 6749 §4.4); a scope with characters RFC 6749 §3.3 forbids; an `actor_token` without
    /// `actor_token_type` or the reverse; a bad token type; a resource that is not an absolute URI; a bad client
    /// authentication (see [`ClientAuth::apply`]); a parameter given twice.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("tokenEndpoint", &self.token_endpoint)?;
        let public = matches!(self.client_auth, ClientAuth::None { .. });
        let mut form = Form::new();
        match &self.grant {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                form.add("grant_type", "authorization_code")?;
                check_non_empty("code", code)?;
                form.add("code", code)?;
                parse_absolute("redirectUri", redirect_uri)?;
                form.add("redirect_uri", redirect_uri)?;
                match code_verifier {
                    Some(v) => {
                        pkce::check_verifier(v)?;
                        form.add("code_verifier", v)?;
                    }
                    None if public => {
                        return Err(Error::InvalidRequest(
                            "a public client (client authentication \"none\") must send codeVerifier: \
                             PKCE is required (RFC 9700 §2.1.1)"
                                .into(),
                        ));
                    }
                    None => {}
                }
            }
            Grant::RefreshToken {
                refresh_token,
                scope,
            } => {
                form.add("grant_type", "refresh_token")?;
                check_non_empty("refreshToken", refresh_token)?;
                form.add("refresh_token", refresh_token)?;
                add_scope(&mut form, scope.as_ref())?;
            }
            Grant::ClientCredentials { scope } => {
                if public {
                    return Err(Error::InvalidRequest(
                        "client_credentials needs an authenticated (confidential) client, RFC 6749 §4.4"
                            .into(),
                    ));
                }
                form.add("grant_type", "client_credentials")?;
                add_scope(&mut form, scope.as_ref())?;
            }
            Grant::TokenExchange(x) => {
                form.add("grant_type", TOKEN_EXCHANGE_GRANT)?;
                check_non_empty("subjectToken", &x.subject_token)?;
                form.add("subject_token", &x.subject_token)?;
                form.add(
                    "subject_token_type",
                    &token_type_uri("subjectTokenType", &x.subject_token_type)?,
                )?;
                match (&x.actor_token, &x.actor_token_type) {
                    (Some(token), Some(kind)) => {
                        check_non_empty("actorToken", token)?;
                        form.add("actor_token", token)?;
                        form.add("actor_token_type", &token_type_uri("actorTokenType", kind)?)?;
                    }
                    (None, None) => {}
                    _ => {
                        return Err(Error::InvalidRequest(
                            "actorToken and actorTokenType go together (RFC 8693 §2.1)".into(),
                        ));
                    }
                }
                if let Some(t) = &x.requested_token_type {
                    form.add(
                        "requested_token_type",
                        &token_type_uri("requestedTokenType", t)?,
                    )?;
                }
                if let Some(audience) = &x.audience {
                    let values = audience.values();
                    if values.is_empty() {
                        return Err(Error::InvalidRequest("audience must not be empty".into()));
                    }
                    for a in values {
                        check_non_empty("audience", a)?;
                        form.add_repeatable("audience", a);
                    }
                }
                add_scope(&mut form, x.scope.as_ref())?;
            }
            Grant::DeviceCode { device_code } => {
                form.add("grant_type", DEVICE_CODE_GRANT)?;
                check_vschar("deviceCode", device_code)?;
                form.add("device_code", device_code)?;
            }
        }
        add_resource(&mut form, self.resource.as_ref())?;
        form.add_extra(&self.extra_params)?;
        form_post(endpoint.as_str(), &self.client_auth, form)
    }
}

fn add_scope(form: &mut Form, scope: Option<&OneOrMany>) -> Result<()> {
    match scope {
        Some(s) => form.add("scope", &scope_string(s)?),
        None => Ok(()),
    }
}

/// Adds RFC 8707 `resource` parameters. Errors: `invalid_request` for an empty list or a value that is
/// not an absolute URI without fragment.
pub fn add_resource(form: &mut Form, resource: Option<&OneOrMany>) -> Result<()> {
    if let Some(resource) = resource {
        let values = resource.values();
        if values.is_empty() {
            return Err(Error::InvalidRequest("resource must not be empty".into()));
        }
        for r in values {
            parse_absolute("resource", r)?;
            form.add_repeatable("resource", r);
        }
    }
    Ok(())
}

/// A successful token response. Serialized with camelCase names for JS.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: String,
    /// `token_type`: `"Bearer"` for any case of `bearer`, and when the provider omitted it; other types
    /// (`DPoP`, RFC 8693's `N_A`) as sent.
    pub token_type: String,
    /// `expires_in` as sent, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// `now + expires_in`, seconds since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// `refresh_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// `id_token`, NOT verified here: verify it before trusting any claim in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// `scope`: absent means the scope requested (RFC 6749 §5.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `issued_token_type` (RFC 8693 §2.2.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_token_type: Option<String>,
    /// Every member of the response, as sent (provider extensions).
    pub raw: Map<String, Value>,
}

/// Parses a token endpoint response. `now` (seconds) turns `expires_in` into `expires_at`.
///
/// Errors: `authorization_error` for an OAuth error body (RFC 6749 §5.2, whatever the status); `http_error`
/// with the status for any other non-2xx response, a body that is not a JSON object (duplicate members
/// included), `access_token` missing or empty, or a member of the wrong type (`expires_in` must be a
/// non-negative integer; `token_type`, `refresh_token`, `id_token`, `scope`, `issued_token_type` strings).
pub fn parse_token_response(response: &HttpResponse, now: u64) -> Result<TokenResponse> {
    let map = json_object("the token endpoint", response)?;
    let bad = |m: String| {
        http_error(
            response.status,
            format!("the token endpoint answered an invalid token response: {m}"),
        )
    };
    let access_token = match map.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) => return Err(bad("access_token is empty".into())),
        Some(other) => {
            return Err(bad(format!(
                "access_token must be a string, found {}",
                json::kind(other)
            )));
        }
        None => return Err(bad("access_token is missing".into())),
    };
    let token_type = match opt_string(&map, "token_type").map_err(bad)? {
        None => "Bearer".to_owned(),
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_owned(),
        Some(t) => t,
    };
    let expires_in = match map.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(secs) => Some(secs),
            None => {
                return Err(bad(format!(
                    "expires_in must be a non-negative integer, found {n}"
                )));
            }
        },
        Some(other) => {
            return Err(bad(format!(
                "expires_in must be a number, found {}",
                json::kind(other)
            )));
        }
    };
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_in,
        expires_at: expires_in.map(|s| now.saturating_add(s)),
        refresh_token: opt_string(&map, "refresh_token").map_err(bad)?,
        id_token: opt_string(&map, "id_token").map_err(bad)?,
        scope: opt_string(&map, "scope").map_err(bad)?,
        issued_token_type: opt_string(&map, "issued_token_type").map_err(bad)?,
        raw: map,
    })
}

/// A member that must be a string when present (`null` counts as absent).
pub fn opt_string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "{name} must be a string, found {}",
            json::kind(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EP: &str = "https://idp.example.com/token";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    fn req(grant: Grant, auth: ClientAuth) -> TokenRequest {
        TokenRequest::new(EP, auth, grant)
    }
    fn public() -> ClientAuth {
        ClientAuth::None {
            client_id: "spa".into(),
        }
    }
    fn basic() -> ClientAuth {
        ClientAuth::SecretBasic {
            client_id: "svc".into(),
            client_secret: "s3cr:t".into(),
        }
    }
    fn code(verifier: Option<&str>) -> Grant {
        Grant::AuthorizationCode {
            code: "c0de".into(),
            redirect_uri: "https://app.example.com/cb".into(),
            code_verifier: verifier.map(Into::into),
        }
    }

    #[test]
    fn code_exchange_with_pkce() {
        let r = req(code(Some(VERIFIER)), public()).build().unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, EP);
        assert_eq!(
            r.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.header("authorization"), None);
        assert_eq!(
            r.body.as_deref(),
            Some(
                "grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb\
                 &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=spa"
            )
        );
        // a public client must use PKCE; a confidential one may omit it
        assert_eq!(
            req(code(None), public()).build().unwrap_err().code(),
            "invalid_request"
        );
        let r = req(code(None), basic()).build().unwrap();
        assert!(r.header("authorization").unwrap().starts_with("Basic "));
        assert!(!r.body.unwrap().contains("client_id"));
        assert_eq!(
            req(code(Some("short")), public())
                .build()
                .unwrap_err()
                .code(),
            "invalid_pkce_verifier"
        );
        let bad = Grant::AuthorizationCode {
            code: "".into(),
            redirect_uri: "https://app.example.com/cb".into(),
            code_verifier: Some(VERIFIER.into()),
        };
        assert_eq!(
            req(bad, public()).build().unwrap_err().code(),
            "invalid_request"
        );
        let mut r = req(code(Some(VERIFIER)), public());
        r.token_endpoint = "http://idp.example.com/token".into();
        assert_eq!(r.build().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn refresh_client_credentials_and_extras() {
        let grant = Grant::RefreshToken {
            refresh_token: "rt".into(),
            scope: Some("openid  email".into()),
        };
        let mut r = req(grant, public());
        r.resource = Some(vec!["https://api.example.com/".to_owned()].into());
        r.extra_params.insert("foo".into(), "b r".into());
        assert_eq!(
            r.build().unwrap().body.as_deref(),
            Some(
                "grant_type=refresh_token&refresh_token=rt&scope=openid+email\
                 &resource=https%3A%2F%2Fapi.example.com%2F&foo=b+r&client_id=spa"
            )
        );
        r.extra_params.insert("grant_type".into(), "x".into());
        assert_eq!(r.build().unwrap_err().code(), "invalid_request");

        let cc = Grant::ClientCredentials {
            scope: Some("api:read".into()),
        };
        assert_eq!(
            req(cc.clone(), public()).build().unwrap_err().code(),
            "invalid_request"
        );
        let post = ClientAuth::SecretPost {
            client_id: "svc".into(),
            client_secret: "p w".into(),
        };
        assert_eq!(
            req(cc.clone(), post).build().unwrap().body.as_deref(),
            Some("grant_type=client_credentials&scope=api%3Aread&client_id=svc&client_secret=p+w")
        );
        let bad_scope = Grant::ClientCredentials {
            scope: Some(OneOrMany::Many(vec!["a\"b".into()])),
        };
        assert_eq!(
            req(bad_scope, basic()).build().unwrap_err().code(),
            "invalid_request"
        );
        // client_secret_post and a client_secret in extraParams would send it twice
        let mut r = req(
            cc,
            ClientAuth::SecretPost {
                client_id: "svc".into(),
                client_secret: "x".into(),
            },
        );
        r.extra_params.insert("client_secret".into(), "y".into());
        assert_eq!(r.build().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn token_exchange_types() {
        let x = TokenExchange {
            subject_token: "eyJ.a.b".into(),
            subject_token_type: "id_token".into(),
            audience: Some(OneOrMany::Many(vec!["api-1".into(), "api-2".into()])),
            requested_token_type: Some("access_token".into()),
            ..Default::default()
        };
        let body = req(Grant::TokenExchange(x.clone()), basic())
            .build()
            .unwrap()
            .body
            .unwrap();
        assert_eq!(
            body,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=eyJ.a.b\
             &subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token\
             &requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token\
             &audience=api-1&audience=api-2"
        );
        assert_eq!(
            token_type_uri("t", "urn:ietf:params:oauth:token-type:access_token").unwrap(),
            "urn:ietf:params:oauth:token-type:access_token"
        );
        assert_eq!(
            token_type_uri("t", "https://example.com/tt").unwrap(),
            "https://example.com/tt"
        );
        for bad in ["", "accesstoken", "not a uri"] {
            assert_eq!(
                token_type_uri("t", bad).unwrap_err().code(),
                "invalid_request"
            );
        }
        let half_actor = TokenExchange {
            actor_token: Some("a".into()),
            ..x.clone()
        };
        assert_eq!(
            req(Grant::TokenExchange(half_actor), basic())
                .build()
                .unwrap_err()
                .code(),
            "invalid_request"
        );
        let actor = TokenExchange {
            actor_token: Some("a".into()),
            actor_token_type: Some("access_token".into()),
            ..x
        };
        assert!(
            req(Grant::TokenExchange(actor), basic())
                .build()
                .unwrap()
                .body
                .unwrap()
                .contains("&actor_token=a&actor_token_type=urn")
        );
    }

    fn parse(status: u16, body: &str) -> Result<TokenResponse> {
        parse_token_response(&HttpResponse::new(status, body), 1_000)
    }

    #[test]
    fn parses_token_responses() {
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"bEaReR","expires_in":3600,"refresh_token":"rt",
                "id_token":"h.p.s","scope":"openid","x_ext":true}"#,
        )
        .unwrap();
        assert_eq!(t.access_token, "at");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.expires_at, Some(4_600));
        assert_eq!(t.refresh_token.as_deref(), Some("rt"));
        assert_eq!(t.id_token.as_deref(), Some("h.p.s"));
        assert_eq!(t.scope.as_deref(), Some("openid"));
        assert_eq!(t.raw["x_ext"], true);

        // token_type omitted (some providers do): Bearer. Other types kept as sent.
        let t = parse(201, r#"{"access_token":"at"}"#).unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_at), ("Bearer", None));
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"DPoP","expires_in":null}"#,
        )
        .unwrap();
        assert_eq!((t.token_type.as_str(), t.expires_in), ("DPoP", None));
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"N_A","issued_token_type":"urn:ietf:params:oauth:token-type:jwt"}"#,
        )
        .unwrap();
        assert_eq!(
            t.issued_token_type.as_deref(),
            Some("urn:ietf:params:oauth:token-type:jwt")
        );
        let t = serde_json::to_value(parse(200, r#"{"access_token":"a","expires_in":5}"#).unwrap())
            .unwrap();
        assert_eq!(t["expiresAt"], 1_005);
        assert_eq!(t["accessToken"], "a");
        assert!(t.get("refreshToken").is_none());
    }

    #[test]
    fn rejects_bad_token_responses() {
        for body in [
            r#"{}"#,
            r#"{"access_token":""}"#,
            r#"{"access_token":5}"#,
            r#"{"access_token":"a","token_type":1}"#,
            r#"{"access_token":"a","expires_in":"3600"}"#,
            r#"{"access_token":"a","expires_in":-1}"#,
            r#"{"access_token":"a","expires_in":1.5}"#,
            r#"{"access_token":"a","refresh_token":{}}"#,
            r#"{"access_token":"a","id_token":[]}"#,
            r#"{"access_token":"a","scope":["openid"]}"#,
            r#"{"access_token":"a","access_token":"b"}"#,
            r#"access_token=a"#,
        ] {
            let e = parse(200, body).unwrap_err();
            assert_eq!(
                e,
                Error::HttpError {
                    message: e.message(),
                    status: Some(200)
                },
                "{body}"
            );
        }
        let e = parse(
            400,
            r#"{"error":"invalid_grant","error_description":"code expired"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::AuthorizationError {
                error: "invalid_grant".into(),
                error_description: Some("code expired".into()),
                error_uri: None
            }
        );
        let e = parse(503, "Service Unavailable").unwrap_err();
        assert_eq!(
            e,
            Error::HttpError {
                message: "the token endpoint answered HTTP 503".into(),
                status: Some(503)
            }
        );
    }
}
