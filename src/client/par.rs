//! Pushed authorization requests (RFC 9126): the push (§2.1), its response (§2.2), the authorization URL that
//! carries only `client_id` and `request_uri` (§4), and whether a provider's metadata asks for them (§5).

use crate::client::auth::ClientAuth;
use crate::client::authorize::AuthorizeRequest;
use crate::client::discovery::ProviderMetadata;
use crate::error::{Error, Result, quote};
use crate::jose::json;
use crate::wire::{Form, HttpRequest, HttpResponse, form_post, http_error, json_object};
use crate::wire::{append_query, check_vschar, parse_absolute, parse_endpoint, query_names};
use serde::Serialize;
use serde_json::Value;

/// A pushed authorization request: the parameters of an authorization request, sent to the provider's
/// `pushed_authorization_request_endpoint` with client authentication instead of through the browser.
#[derive(Debug, Clone)]
pub struct PushedAuthorizationRequest {
    /// The provider's `pushed_authorization_request_endpoint`: https (http only on loopback).
    pub endpoint: String,
    /// Client authentication, as at the token endpoint (§2: any method).
    pub client_auth: ClientAuth,
    /// The authorization request; its `authorization_endpoint` stays empty (the URL is built afterwards).
    pub request: AuthorizeRequest,
}

impl PushedAuthorizationRequest {
    /// Builds the form POST.
    ///
    /// Errors (`invalid_request`): the endpoint not https (http only on loopback); an
    /// `authorizationEndpoint` in the request (it goes into the URL built from the answer, not the push); a
    /// `clientId` other than the client authentication's; `request_uri` among the parameters (§2.1 forbids
    /// it); bad client authentication; whatever [`AuthorizeRequest::build`] refuses.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("pushedAuthorizationRequestEndpoint", &self.endpoint)?;
        if !self.request.authorization_endpoint.is_empty() {
            return Err(Error::InvalidRequest(
                "a pushed request takes no authorizationEndpoint: pass it to buildAuthorizeUrl with the requestUri"
                    .into(),
            ));
        }
        if self.request.client_id != self.client_auth.client_id() {
            return Err(Error::InvalidRequest(format!(
                "clientId {id} is not the client authentication's {auth}",
                id = quote(&self.request.client_id),
                auth = quote(self.client_auth.client_id())
            )));
        }
        let params = self.request.params(Vec::new())?;
        // Client authentication puts client_id in the body itself, except with the Basic header (§2.1 wants it there too).
        let keep_client_id = matches!(self.client_auth, ClientAuth::SecretBasic { .. });
        let mut form = Form::new();
        for (name, value) in params {
            if name == "request_uri" {
                return Err(Error::InvalidRequest(
                    "request_uri cannot be pushed (RFC 9126 §2.1)".into(),
                ));
            }
            if name != "client_id" || keep_client_id {
                form.add_repeatable(&name, &value);
            }
        }
        form_post(endpoint.as_str(), &self.client_auth, form)
    }
}

/// What the push endpoint answered (§2.2). Field names are camelCase in JS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushedAuthorization {
    /// `request_uri`: the reference to pass to [`PushedAuthorizeUrl`].
    pub request_uri: String,
    /// `expires_in`: seconds the reference is valid for.
    pub expires_in: u64,
}

/// Parses the push endpoint's answer (201 Created, §2.2).
///
/// Errors: `authorization_error` for an OAuth error body (§2.3: e.g. `invalid_request`, `invalid_client`);
/// `http_error` with the status for another non-2xx answer, a body that is not a JSON object, a `request_uri`
/// that is missing, empty or not an absolute URI, or an `expires_in` that is missing or not a positive integer.
pub fn parse_par_response(response: &HttpResponse) -> Result<PushedAuthorization> {
    let map = json_object("the pushed authorization request endpoint", response)?;
    let bad = |m: String| {
        http_error(
            response.status,
            format!("the pushed authorization request endpoint answered an invalid response: {m}"),
        )
    };
    let request_uri = match map.get("request_uri") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(bad(format!(
                "request_uri must be a string, found {}",
                json::kind(other)
            )));
        }
        None => return Err(bad("request_uri is missing".into())),
    };
    parse_absolute("request_uri", &request_uri).map_err(|e| bad(e.message()))?;
    let expires_in = match map.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64().filter(|&n| n > 0),
        _ => None,
    }
    .ok_or_else(|| bad("expires_in must be a positive integer".into()))?;
    Ok(PushedAuthorization {
        request_uri,
        expires_in,
    })
}

/// The authorization URL after a push: `client_id` and `request_uri` alone (§4).
#[derive(Debug, Clone)]
pub struct PushedAuthorizeUrl {
    /// The provider's `authorization_endpoint`; its own query parameters are kept.
    pub authorization_endpoint: String,
    /// `client_id`, the one that pushed.
    pub client_id: String,
    /// `request_uri` from [`parse_par_response`].
    pub request_uri: String,
}

impl PushedAuthorizeUrl {
    /// Builds the URL. Errors (`invalid_request`): the endpoint not https (http only on loopback) or with a
    /// fragment, or its query already holding `client_id` or `request_uri`; an empty or non-ASCII `clientId`; a
    /// `requestUri` that is not an absolute URI.
    pub fn build(&self) -> Result<String> {
        let endpoint = parse_endpoint("authorizationEndpoint", &self.authorization_endpoint)?;
        check_vschar("clientId", &self.client_id)?;
        parse_absolute("requestUri", &self.request_uri)?;
        let taken = query_names(&endpoint);
        if let Some(name) = taken
            .iter()
            .find(|n| matches!(n.as_str(), "client_id" | "request_uri"))
        {
            return Err(Error::InvalidRequest(format!(
                "parameter {name} would be sent twice",
                name = quote(name)
            )));
        }
        let pairs = [
            ("client_id".to_owned(), self.client_id.clone()),
            ("request_uri".to_owned(), self.request_uri.clone()),
        ];
        Ok(append_query(&endpoint, &pairs))
    }
}

impl ProviderMetadata {
    /// Where an authorization request goes: `Some(push endpoint)` to push it first, `None` to send it in the
    /// URL. `use_par` is the caller's wish; left out, requests are pushed exactly when the provider requires it
    /// (`require_pushed_authorization_requests`, §5).
    ///
    /// Errors: `invalid_request` when `use_par` is `false` but the provider requires pushing; `invalid_metadata`
    /// when pushing is wished or required and there is no `pushed_authorization_request_endpoint`.
    pub fn authorization_push_endpoint(&self, use_par: Option<bool>) -> Result<Option<&str>> {
        let required = self.require_pushed_authorization_requests == Some(true);
        if required && use_par == Some(false) {
            return Err(Error::InvalidRequest(
                "the provider requires pushed authorization requests (require_pushed_authorization_requests, RFC 9126 §5)"
                    .into(),
            ));
        }
        if !use_par.unwrap_or(required) {
            return Ok(None);
        }
        self.pushed_authorization_request_endpoint
            .as_deref()
            .map(Some)
            .ok_or_else(|| {
                Error::InvalidMetadata(
                    "provider metadata has no pushed_authorization_request_endpoint".into(),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(auth: ClientAuth) -> PushedAuthorizationRequest {
        PushedAuthorizationRequest {
            endpoint: "https://idp.example.com/par".into(),
            request: AuthorizeRequest::new(
                auth.client_id(),
                "https://app.example.com/cb",
                "openid",
                "xyz",
            ),
            client_auth: auth,
        }
    }

    #[test]
    fn pushes_with_each_client_authentication() {
        let r = push(ClientAuth::None {
            client_id: "spa".into(),
        })
        .build()
        .unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.body.as_deref(),
            Some(
                "response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&scope=openid&state=xyz\
                 &client_id=spa"
            )
        );
        let r = push(ClientAuth::SecretBasic {
            client_id: "c".into(),
            client_secret: "s".into(),
        })
        .build()
        .unwrap();
        assert!(r.header("authorization").is_some());
        assert!(r.body.as_deref().unwrap().contains("&client_id=c&"));
        let r = push(ClientAuth::SecretPost {
            client_id: "c".into(),
            client_secret: "s".into(),
        })
        .build()
        .unwrap();
        assert!(
            r.body
                .as_deref()
                .unwrap()
                .ends_with("client_id=c&client_secret=s")
        );
    }

    #[test]
    fn refuses_bad_pushes() {
        let auth = || ClientAuth::None {
            client_id: "spa".into(),
        };
        type Mutation = Box<dyn Fn(&mut PushedAuthorizationRequest)>;
        let cases: Vec<Mutation> = vec![
            Box::new(|r| r.endpoint = "http://idp.example.com/par".into()),
            Box::new(|r| r.request.authorization_endpoint = "https://idp.example.com/a".into()),
            Box::new(|r| r.request.client_id = "other".into()),
            Box::new(|r| {
                r.request.extra_params =
                    Some([("request_uri".to_owned(), "urn:x".to_owned())].into())
            }),
            Box::new(|r| r.request.state = String::new()),
        ];
        for (i, mutate) in cases.iter().enumerate() {
            let mut r = push(auth());
            mutate(&mut r);
            assert_eq!(r.build().unwrap_err().code(), "invalid_request", "case {i}");
        }
    }

    #[test]
    fn parses_the_answer() {
        let ok = parse_par_response(&HttpResponse::new(
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c","expires_in":60}"#,
        ))
        .unwrap();
        assert_eq!(ok.expires_in, 60);
        for body in [
            r#"{}"#,
            r#"{"request_uri":"","expires_in":60}"#,
            r#"{"request_uri":"not a uri","expires_in":60}"#,
            r#"{"request_uri":1,"expires_in":60}"#,
            r#"{"request_uri":"urn:x:y"}"#,
            r#"{"request_uri":"urn:x:y","expires_in":0}"#,
            r#"{"request_uri":"urn:x:y","expires_in":"60"}"#,
            r#"{"request_uri":"urn:x:y","expires_in":1.5}"#,
            r#"[]"#,
        ] {
            let e = parse_par_response(&HttpResponse::new(201, body)).unwrap_err();
            assert_eq!(e.code(), "http_error", "{body}");
        }
        let e = parse_par_response(&HttpResponse::new(
            400,
            r#"{"error":"invalid_request","error_description":"x"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "authorization_error");
    }

    #[test]
    fn url_from_request_uri_alone() {
        let mut u = PushedAuthorizeUrl {
            authorization_endpoint: "https://idp.example.com/auth?tenant=a".into(),
            client_id: "spa".into(),
            request_uri: "urn:ietf:params:oauth:request_uri:abc".into(),
        };
        assert_eq!(
            u.build().unwrap(),
            "https://idp.example.com/auth?tenant=a&client_id=spa\
             &request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
        );
        u.authorization_endpoint = "https://idp.example.com/auth?request_uri=x".into();
        assert_eq!(u.build().unwrap_err().code(), "invalid_request");
        u.authorization_endpoint = "https://idp.example.com/auth".into();
        u.request_uri = "abc".into();
        assert_eq!(u.build().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn metadata_decides_the_route() {
        let meta =
            |json: &str| ProviderMetadata::from_json(json, "https://idp.example.com").unwrap();
        let plain = meta(
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a"}"#,
        );
        assert_eq!(plain.authorization_push_endpoint(None).unwrap(), None);
        assert_eq!(
            plain
                .authorization_push_endpoint(Some(true))
                .unwrap_err()
                .code(),
            "invalid_metadata"
        );
        let required = meta(
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a",
                "pushed_authorization_request_endpoint":"https://idp.example.com/par",
                "require_pushed_authorization_requests":true}"#,
        );
        assert_eq!(
            required.authorization_push_endpoint(None).unwrap(),
            Some("https://idp.example.com/par")
        );
        assert_eq!(
            required
                .authorization_push_endpoint(Some(false))
                .unwrap_err()
                .code(),
            "invalid_request"
        );
        let e = ProviderMetadata::from_json(
            r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a",
                "require_pushed_authorization_requests":"yes"}"#,
            "https://idp.example.com",
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_metadata");
    }
}
