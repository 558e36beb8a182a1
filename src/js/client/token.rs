//! The token endpoint's argument structs: a token request as JS gives it (flat, camelCase, `grantType` picking
//! the grant) and `clientAuth`. Each is read in one pass and turned into the core's typed values: a
//! [`TokenRequest`] with its [`Grant`], and [`ClientAuthOptions`].

use crate::client::DEVICE_CODE_GRANT;
use crate::client::TokenRequest;
use crate::client::{ClientAuth, ClientAuthOptions, Grant, TOKEN_EXCHANGE_GRANT, TokenExchange};
use crate::error::{Error, quote};
use crate::js::options::Fields;
use crate::wire::OneOrMany;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// A token request without its client authentication. Members that do not belong to the grant are refused
/// rather than ignored ([`TokenArgs::into_request`]).
pub(super) struct TokenArgs {
    /// The provider's `token_endpoint`.
    pub(super) token_endpoint: String,
    /// `authorization_code`, `refresh_token`, `client_credentials`, [`TOKEN_EXCHANGE_GRANT`] or
    /// [`DEVICE_CODE_GRANT`]; the fetch
    /// helpers set it themselves.
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<OneOrMany>,
    subject_token: Option<String>,
    subject_token_type: Option<String>,
    actor_token: Option<String>,
    actor_token_type: Option<String>,
    requested_token_type: Option<String>,
    audience: Option<OneOrMany>,
    device_code: Option<String>,
    resource: Option<OneOrMany>,
    extra_params: Option<BTreeMap<String, String>>,
}

impl TokenArgs {
    /// Reads a token request's members (see [`Fields`]). Errors: `invalid_request`, naming the member.
    pub(super) fn read(what: &str, value: &JsValue) -> Result<Self, Error> {
        let names = &[
            "tokenEndpoint",
            "grantType",
            "code",
            "redirectUri",
            "codeVerifier",
            "refreshToken",
            "scope",
            "subjectToken",
            "subjectTokenType",
            "actorToken",
            "actorTokenType",
            "requestedTokenType",
            "audience",
            "deviceCode",
            "resource",
            "extraParams",
        ];
        let mut f = Fields::new(what, value, names)?;
        Ok(TokenArgs {
            token_endpoint: f.need("tokenEndpoint")?,
            grant_type: f.take("grantType")?,
            code: f.take("code")?,
            redirect_uri: f.take("redirectUri")?,
            code_verifier: f.take("codeVerifier")?,
            refresh_token: f.take("refreshToken")?,
            scope: f.take("scope")?,
            subject_token: f.take("subjectToken")?,
            subject_token_type: f.take("subjectTokenType")?,
            actor_token: f.take("actorToken")?,
            actor_token_type: f.take("actorTokenType")?,
            requested_token_type: f.take("requestedTokenType")?,
            audience: f.take("audience")?,
            device_code: f.take("deviceCode")?,
            resource: f.take("resource")?,
            extra_params: f.take("extraParams")?,
        })
    }

    /// The grant type: `helper`'s own for a fetch helper (which refuses a `grantType` member), the
    /// `grantType` member otherwise. `what` names the options object. Errors: `invalid_request`.
    pub(super) fn grant_type(&mut self, what: &str, helper: Option<&str>) -> Result<String, Error> {
        match (helper, self.grant_type.take()) {
            (Some(_), Some(_)) => Err(Error::InvalidRequest(format!(
                "{what} sets grantType itself; use buildTokenRequest for another grant"
            ))),
            (Some(grant_type), None) => Ok(grant_type.to_owned()),
            (None, Some(grant_type)) => Ok(grant_type),
            (None, None) => Err(Error::InvalidRequest(format!(
                "{what}: missing field `grantType`"
            ))),
        }
    }

    /// The core request for `grant_type` (from [`TokenArgs::grant_type`]). Errors: `invalid_request` for an
    /// unknown grant type, a member required by the grant and missing, or one that does not belong to it.
    pub(super) fn into_request(
        self,
        grant_type: &str,
        client_auth: ClientAuth,
    ) -> Result<TokenRequest, Error> {
        let o = self;
        let present: [(&str, bool); 12] = [
            ("code", o.code.is_some()),
            ("redirectUri", o.redirect_uri.is_some()),
            ("codeVerifier", o.code_verifier.is_some()),
            ("refreshToken", o.refresh_token.is_some()),
            ("scope", o.scope.is_some()),
            ("subjectToken", o.subject_token.is_some()),
            ("subjectTokenType", o.subject_token_type.is_some()),
            ("actorToken", o.actor_token.is_some()),
            ("actorTokenType", o.actor_token_type.is_some()),
            ("requestedTokenType", o.requested_token_type.is_some()),
            ("audience", o.audience.is_some()),
            ("deviceCode", o.device_code.is_some()),
        ];
        let allowed: &[&str] = match grant_type {
            "authorization_code" => &["code", "redirectUri", "codeVerifier"],
            "refresh_token" => &["refreshToken", "scope"],
            "client_credentials" => &["scope"],
            TOKEN_EXCHANGE_GRANT => &[
                "scope",
                "subjectToken",
                "subjectTokenType",
                "actorToken",
                "actorTokenType",
                "requestedTokenType",
                "audience",
            ],
            DEVICE_CODE_GRANT => &["deviceCode"],
            other => {
                return Err(Error::InvalidRequest(format!(
                    "grantType {other} is not one of authorization_code, refresh_token, \
                     client_credentials, {TOKEN_EXCHANGE_GRANT}, {DEVICE_CODE_GRANT}",
                    other = quote(other)
                )));
            }
        };
        if let Some((name, _)) = present
            .iter()
            .find(|(name, given)| *given && !allowed.contains(name))
        {
            return Err(Error::InvalidRequest(format!(
                "{name} is not a parameter of the {grant_type} grant"
            )));
        }
        let need = |name: &str, v: Option<String>| {
            v.ok_or_else(|| Error::InvalidRequest(format!("the {grant_type} grant needs {name}")))
        };
        let grant = match grant_type {
            "authorization_code" => Grant::AuthorizationCode {
                code: need("code", o.code)?,
                redirect_uri: need("redirectUri", o.redirect_uri)?,
                code_verifier: o.code_verifier,
            },
            "refresh_token" => Grant::RefreshToken {
                refresh_token: need("refreshToken", o.refresh_token)?,
                scope: o.scope,
            },
            "client_credentials" => Grant::ClientCredentials { scope: o.scope },
            DEVICE_CODE_GRANT => Grant::DeviceCode {
                device_code: need("deviceCode", o.device_code)?,
            },
            _ => Grant::TokenExchange(TokenExchange {
                subject_token: need("subjectToken", o.subject_token)?,
                subject_token_type: need("subjectTokenType", o.subject_token_type)?,
                actor_token: o.actor_token,
                actor_token_type: o.actor_token_type,
                requested_token_type: o.requested_token_type,
                audience: o.audience,
                scope: o.scope,
            }),
        };
        Ok(TokenRequest {
            resource: o.resource,
            extra_params: o.extra_params.unwrap_or_default(),
            ..TokenRequest::new(o.token_endpoint, client_auth, grant)
        })
    }
}

/// `clientAuth` without its `key`, read (see [`Fields`]) into [`ClientAuthOptions`]. `key` must be split off
/// first. Errors: `invalid_request`, naming the member.
pub(super) fn client_auth_options(what: &str, value: &JsValue) -> Result<ClientAuthOptions, Error> {
    let names = &[
        "clientId",
        "method",
        "clientSecret",
        "clientAssertion",
        "alg",
        "keyId",
        "audience",
        "assertionLifetime",
    ];
    let mut f = Fields::new(what, value, names)?;
    let client_id: String = f.need("clientId")?;
    Ok(ClientAuthOptions {
        method: f.take("method")?,
        client_secret: f.take("clientSecret")?,
        client_assertion: f.take("clientAssertion")?,
        alg: f.take("alg")?,
        key_id: f.take("keyId")?,
        audience: f.take("audience")?,
        assertion_lifetime: f.take("assertionLifetime")?,
        ..ClientAuthOptions::new(client_id)
    })
}
