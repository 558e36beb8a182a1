//! Token revocation (RFC 7009): the request (§2.1) and the response (§2.2).

use crate::client::auth::ClientAuth;
use crate::client::introspect::token_form;
use crate::error::Result;
use crate::wire::parse_endpoint;
use crate::wire::{HttpRequest, HttpResponse, error_for_failure, form_post};
use std::collections::BTreeMap;

/// A revocation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationRequest {
    /// The provider's `revocation_endpoint`: https (http only on loopback).
    pub revocation_endpoint: String,
    /// Client authentication (public clients: `none`, `client_id` in the body).
    pub client_auth: ClientAuth,
    /// The token to revoke.
    pub token: String,
    /// `token_type_hint`: `access_token` or `refresh_token`.
    pub token_type_hint: Option<String>,
    /// Further parameters.
    pub extra_params: BTreeMap<String, String>,
}

impl RevocationRequest {
    /// Builds the POST. Errors (`invalid_request`): endpoint not https (http only on loopback); an empty
    /// token or hint; bad client authentication; a parameter given twice.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("revocationEndpoint", &self.revocation_endpoint)?;
        let form = token_form(
            &self.token,
            self.token_type_hint.as_deref(),
            &self.extra_params,
        )?;
        form_post(endpoint.as_str(), &self.client_auth, form)
    }
}

/// Checks a revocation response: any 2xx is success, whatever the body (RFC 7009 §2.2: the server answers 200
/// also for tokens it did not know or had already revoked).
///
/// Errors: `authorization_error` for an OAuth error body (e.g. `unsupported_token_type`, §2.2.1);
/// `http_error` with the status otherwise (503 means retry later, §2.2.1).
pub fn parse_revocation_response(response: &HttpResponse) -> Result<()> {
    if response.is_success() {
        Ok(())
    } else {
        Err(error_for_failure("the revocation endpoint", response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response() {
        let r = RevocationRequest {
            revocation_endpoint: "https://idp.example.com/revoke".into(),
            client_auth: ClientAuth::None {
                client_id: "spa".into(),
            },
            token: "rt".into(),
            token_type_hint: Some("refresh_token".into()),
            extra_params: BTreeMap::new(),
        }
        .build()
        .unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some("token=rt&token_type_hint=refresh_token&client_id=spa")
        );
        assert!(parse_revocation_response(&HttpResponse::new(200, "")).is_ok());
        assert!(parse_revocation_response(&HttpResponse::new(204, "whatever")).is_ok());
        let e = parse_revocation_response(&HttpResponse::new(
            400,
            r#"{"error":"unsupported_token_type"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "authorization_error");
        let e = parse_revocation_response(&HttpResponse::new(503, "")).unwrap_err();
        assert_eq!(
            e,
            crate::Error::HttpError {
                message: "the revocation endpoint answered HTTP 503".into(),
                status: Some(503)
            }
        );
    }
}
