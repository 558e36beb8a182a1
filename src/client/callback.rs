//! The authorization response at the redirect URI (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Type
//! Encoding Practices §5 for the fragment, RFC 9207 for `iss`).

use super::discovery::ProviderMetadata;
use crate::error::{Error, Result, quote};
use crate::wire::parse_uri;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

/// What the client expects the response to bring back.
#[derive(Debug, Clone, Default)]
pub struct CallbackExpectation {
    /// The `state` sent in the authorization request.
    pub state: String,
    /// The provider's issuer identifier; checked against `iss` when the response has one (RFC 9207 §2.4).
    pub issuer: Option<String>,
    /// Make `iss` mandatory (for providers that advertise `authorization_response_iss_parameter_supported`).
    pub require_iss: bool,
}

impl CallbackExpectation {
    /// Expects `state` back, checks `iss` only when the response has one.
    pub fn new(state: impl Into<String>) -> Self {
        CallbackExpectation {
            state: state.into(),
            ..Self::default()
        }
    }

    /// The expectation of the sign-in in progress: its `state` back; `None` when there is none (nothing was kept
    /// for the callback, or it was already used).
    ///
    /// Errors: `state_mismatch` for `None`: a callback must never be exchanged without the verifier and nonce of
    /// the request that asked for it (RFC 6749 §10.12).
    pub fn in_progress(state: Option<String>) -> Result<Self> {
        state.map(Self::new).ok_or_else(|| {
            Error::StateMismatch(
                "no sign-in is in progress (nothing was kept for this callback, or it was already used)"
                    .into(),
            )
        })
    }

    /// Expects the provider's issuer as `iss`, mandatory when its metadata sets
    /// `authorization_response_iss_parameter_supported` (RFC 9207 §2.4).
    pub fn from_provider(self, metadata: &ProviderMetadata) -> Self {
        CallbackExpectation {
            issuer: Some(metadata.issuer.clone()),
            require_iss: metadata
                .other
                .get("authorization_response_iss_parameter_supported")
                == Some(&serde_json::Value::Bool(true)),
            ..self
        }
    }
}

/// A successful authorization response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationResponse {
    /// The authorization code, to exchange at the token endpoint.
    pub code: String,
    /// The `state`, equal to the expected one.
    pub state: String,
    /// `iss`, when the provider sent it.
    pub iss: Option<String>,
}

/// Parses and checks the URL the browser was redirected to.
///
/// The parameters come from the query when it holds any of `code`, `error` or `state` (a response), else from
/// the fragment (DESIGN.md "Callback").
/// Checks, in order: `iss` (when expected), `state`, an OAuth error, then `code`.
///
/// Errors: `invalid_request` (not an absolute URL, a repeated parameter, no `code`, an empty expected state),
/// `issuer_mismatch` (`iss` differs, or is missing with `requireIss`), `state_mismatch` (missing or different
/// `state`), `authorization_error` (the provider sent `error`; carries `error`, `error_description`, `error_uri`).
pub fn parse_callback(url: &str, expect: &CallbackExpectation) -> Result<AuthorizationResponse> {
    if expect.state.is_empty() {
        return Err(Error::InvalidRequest(
            "the expected state must not be empty".into(),
        ));
    }
    let parsed = parse_uri("callback URL", url)?;
    let query = response_params(parsed.query().map_or("", |q| q.as_str()))?;
    let mut params = if ["code", "error", "state"]
        .iter()
        .any(|name| query.contains_key(*name))
    {
        query
    } else {
        response_params(parsed.fragment().map_or("", |f| f.as_str()))?
    };

    let iss = params.remove("iss");
    if let Some(expected) = &expect.issuer {
        match &iss {
            Some(found) if found == expected => {}
            Some(found) => {
                return Err(Error::IssuerMismatch(format!(
                    "authorization response iss {found} is not the expected issuer {expected}",
                    found = quote(found),
                    expected = quote(expected)
                )));
            }
            None if expect.require_iss => {
                return Err(Error::IssuerMismatch(
                    "authorization response has no iss parameter, and it is required (RFC 9207)"
                        .into(),
                ));
            }
            None => {}
        }
    }

    let state = params.remove("state").ok_or_else(|| {
        Error::StateMismatch("authorization response has no state parameter".into())
    })?;
    if !bool::from(state.as_bytes().ct_eq(expect.state.as_bytes())) {
        return Err(Error::StateMismatch(
            "authorization response state is not the one sent".into(),
        ));
    }

    if let Some(error) = params.remove("error") {
        return Err(Error::AuthorizationError {
            error,
            error_description: params.remove("error_description"),
            error_uri: params.remove("error_uri"),
        });
    }
    let code = params
        .remove("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| {
            Error::InvalidRequest(
                "authorization response has no code (and no error): nothing to exchange".into(),
            )
        })?;
    Ok(AuthorizationResponse { code, state, iss })
}

/// Form-decodes response parameters; a repeated name is an error (RFC 6749 §3.1).
fn response_params(encoded: &str) -> Result<BTreeMap<String, String>> {
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(encoded.as_bytes()) {
        if params
            .insert(name.clone().into_owned(), value.into_owned())
            .is_some()
        {
            return Err(Error::InvalidRequest(format!(
                "authorization response repeats the parameter {name}",
                name = quote(&name)
            )));
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(state: &str) -> CallbackExpectation {
        CallbackExpectation {
            state: state.into(),
            ..Default::default()
        }
    }

    #[test]
    fn code_from_query_or_fragment() {
        let r = parse_callback(
            "https://app.example.com/cb?code=abc&state=s1",
            &expect("s1"),
        )
        .unwrap();
        assert_eq!(
            r,
            AuthorizationResponse {
                code: "abc".into(),
                state: "s1".into(),
                iss: None
            }
        );
        let r = parse_callback(
            "https://app.example.com/cb?x=1#code=a%2Bb&state=s1",
            &expect("s1"),
        )
        .unwrap();
        assert_eq!(r.code, "a+b");
        // the query wins when it holds a response
        let r = parse_callback(
            "https://app.example.com/cb?code=q&state=s1#code=f&state=s1",
            &expect("s1"),
        )
        .unwrap();
        assert_eq!(r.code, "q");
    }

    #[test]
    fn state_is_checked_before_anything_else_but_iss() {
        let e = parse_callback(
            "https://app.example.com/cb?code=abc&state=other",
            &expect("s1"),
        )
        .unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
        let e = parse_callback("https://app.example.com/cb?code=abc", &expect("s1")).unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
        let e = parse_callback(
            "https://app.example.com/cb?error=access_denied",
            &expect("s1"),
        )
        .unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
    }

    #[test]
    fn a_query_with_only_state_is_the_response_and_lacks_code() {
        // The query holds a response parameter (state): it is read, and what it lacks is the code, not the state.
        for url in [
            "https://app.example.com/cb?state=s1",
            "https://app.example.com/cb?state=s1#code=f&state=s1",
            "https://app.example.com/cb?state=s1&iss=x#code=f",
        ] {
            let e = parse_callback(url, &expect("s1")).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{url}");
            assert!(e.message().contains("no code"), "{url}: {e}");
        }
        // A query without code, error or state is not the response: the fragment is.
        let r = parse_callback(
            "https://app.example.com/cb?iss=x&utm=1#code=f&state=s1",
            &expect("s1"),
        )
        .unwrap();
        assert_eq!(r.code, "f");
        let e =
            parse_callback("https://app.example.com/cb?utm=1#state=s1", &expect("s1")).unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        let e = parse_callback("https://app.example.com/cb?utm=1", &expect("s1")).unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
    }

    #[test]
    fn error_responses_carry_their_fields() {
        let e = parse_callback(
            "https://app.example.com/cb?error=access_denied&error_description=User+said+no&state=s1",
            &expect("s1"),
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::AuthorizationError {
                error: "access_denied".into(),
                error_description: Some("User said no".into()),
                error_uri: None
            }
        );
    }

    #[test]
    fn issuer_identification() {
        let mut x = expect("s1");
        x.issuer = Some("https://idp.example.com".into());
        let ok = parse_callback(
            "https://a.example/cb?code=c&state=s1&iss=https%3A%2F%2Fidp.example.com",
            &x,
        )
        .unwrap();
        assert_eq!(ok.iss.as_deref(), Some("https://idp.example.com"));
        let e = parse_callback(
            "https://a.example/cb?code=c&state=s1&iss=https%3A%2F%2Fidp.example.com%2F",
            &x,
        );
        assert_eq!(e.unwrap_err().code(), "issuer_mismatch");
        parse_callback("https://a.example/cb?code=c&state=s1", &x).unwrap();
        x.require_iss = true;
        let e = parse_callback("https://a.example/cb?code=c&state=s1", &x);
        assert_eq!(e.unwrap_err().code(), "issuer_mismatch");
    }

    #[test]
    fn malformed_callbacks_are_invalid_request() {
        for url in [
            "not a url",
            "/cb?code=a&state=s1",
            "https://a.example/cb?code=a&code=b&state=s1",
            "https://a.example/cb?code=a&state=s1&state=s1",
            "https://a.example/cb?code=&state=s1",
        ] {
            assert_eq!(
                parse_callback(url, &expect("s1")).unwrap_err().code(),
                "invalid_request",
                "{url}"
            );
        }
        assert_eq!(
            parse_callback("https://a.example/cb?code=a&state=", &expect(""))
                .unwrap_err()
                .code(),
            "invalid_request"
        );
    }

    fn metadata(iss_required: bool) -> ProviderMetadata {
        let json = serde_json::json!({
            "issuer": "https://idp.example.com", "authorization_endpoint": "https://idp.example.com/authorize",
            "authorization_response_iss_parameter_supported": iss_required,
        });
        ProviderMetadata::from_value(json, "https://idp.example.com").unwrap()
    }

    #[test]
    fn without_a_sign_in_in_progress_every_callback_is_a_state_mismatch() {
        let e = CallbackExpectation::in_progress(None).unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
        assert!(e.message().contains("no sign-in is in progress"));
        let x = CallbackExpectation::in_progress(Some("st-1".into())).unwrap();
        assert_eq!(x.state, "st-1");
    }

    #[test]
    fn the_provider_metadata_gives_the_issuer_and_whether_iss_is_required() {
        let code = |q: &str, iss_required| {
            let x = expect("st-1").from_provider(&metadata(iss_required));
            parse_callback(&format!("https://app.example.com/cb?{q}"), &x).map_err(|e| e.code())
        };
        let evil = "code=c&state=st-1&iss=https%3A%2F%2Fevil";
        assert_eq!(code(evil, false).unwrap_err(), "issuer_mismatch");
        assert_eq!(
            code("code=c&state=st-1", true).unwrap_err(),
            "issuer_mismatch"
        );
        assert!(code("code=c&state=st-1", false).is_ok());
        assert!(code("code=c&state=st-1&iss=https%3A%2F%2Fidp.example.com", true).is_ok());
        assert_eq!(
            code("code=c&state=other", false).unwrap_err(),
            "state_mismatch"
        );
    }
}
