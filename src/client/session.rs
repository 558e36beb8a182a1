//! The sign-in an SPA session has in progress across the authorization redirect: what `signIn` keeps (in
//! sessionStorage, for that one redirect) and the rules for resuming it at the callback. The JS session layer
//! (js/session.js) stores and removes the record; this decides whether the callback belongs to it.

use super::callback::{AuthorizationResponse, CallbackExpectation, parse_callback};
use super::discovery::ProviderMetadata;
use crate::error::{Error, Result};

/// The sign-in in progress: RFC 7636's `code_verifier`, RFC 6749 §10.12's `state`, OIDC Core 3.1.2.1's `nonce`,
/// and `max_age` when it was sent (3.1.3.7 item 11: `auth_time` is then checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The `state` sent.
    pub state: String,
    /// The `nonce` sent; the ID token must carry it.
    pub nonce: String,
    /// The PKCE verifier of the `code_challenge` sent.
    pub code_verifier: String,
    /// The `max_age` sent, in seconds.
    pub max_age: Option<u64>,
}

/// A callback matched to the sign-in that sent it: the code to exchange and what the ID token is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumedSignIn {
    /// The checked authorization response.
    pub response: AuthorizationResponse,
    /// The sign-in it answers.
    pub pending: PendingSignIn,
}

impl PendingSignIn {
    /// Matches the callback URL to this tab's sign-in in progress (`None`: there is none, or what was kept is not
    /// a record), then checks it as [`parse_callback`] does against the record's `state` and the provider's
    /// `issuer`: RFC 9207 `iss`, mandatory when the metadata sets `authorization_response_iss_parameter_supported`
    /// (§2.4).
    ///
    /// Errors: `state_mismatch` when there is no sign-in in progress (a callback must never be exchanged without
    /// the verifier and nonce of the request that asked for it, RFC 6749 §10.12); then those of [`parse_callback`].
    pub fn resume(
        pending: Option<PendingSignIn>,
        url: &str,
        metadata: &ProviderMetadata,
    ) -> Result<ResumedSignIn> {
        let pending = pending.ok_or_else(|| {
            Error::StateMismatch(
                "no sign-in is in progress in this tab (nothing was kept by signIn, or it was already used)"
                    .into(),
            )
        })?;
        let expect = CallbackExpectation {
            state: pending.state.clone(),
            issuer: Some(metadata.issuer.clone()),
            require_iss: metadata
                .other
                .get("authorization_response_iss_parameter_supported")
                == Some(&serde_json::Value::Bool(true)),
        };
        let response = parse_callback(url, &expect)?;
        Ok(ResumedSignIn { response, pending })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://idp.example.com";

    fn pending() -> PendingSignIn {
        PendingSignIn {
            state: "st-1".into(),
            nonce: "n-1".into(),
            code_verifier: "v".into(),
            max_age: Some(60),
        }
    }

    fn metadata(iss_required: bool) -> ProviderMetadata {
        let json = serde_json::json!({
            "issuer": ISS, "authorization_endpoint": format!("{ISS}/authorize"),
            "authorization_response_iss_parameter_supported": iss_required,
        });
        ProviderMetadata::from_value(json, ISS).unwrap()
    }

    fn resume(
        record: Option<PendingSignIn>,
        query: &str,
        iss_required: bool,
    ) -> Result<ResumedSignIn> {
        let url = format!("https://app.example.com/cb?{query}");
        PendingSignIn::resume(record, &url, &metadata(iss_required))
    }

    #[test]
    fn a_callback_resumes_the_sign_in_that_sent_its_state() {
        let r = resume(Some(pending()), "code=c-1&state=st-1", false).unwrap();
        assert_eq!(r.response.code, "c-1");
        assert_eq!(r.pending, pending());
    }

    #[test]
    fn without_a_sign_in_in_progress_every_callback_is_a_state_mismatch() {
        let e = resume(None, "code=c-1&state=st-1", false).unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
        assert!(e.message().contains("no sign-in is in progress"));
    }

    #[test]
    fn the_callback_is_checked_against_the_record_and_the_issuer() {
        let code =
            |q: &str, iss_required| resume(Some(pending()), q, iss_required).map_err(|e| e.code());
        assert_eq!(
            code("code=c&state=other", false).unwrap_err(),
            "state_mismatch"
        );
        assert_eq!(
            code("code=c&state=st-1&iss=https%3A%2F%2Fevil", false).unwrap_err(),
            "issuer_mismatch"
        );
        assert_eq!(
            code("code=c&state=st-1", true).unwrap_err(),
            "issuer_mismatch"
        );
        assert!(code("code=c&state=st-1", false).is_ok());
        assert_eq!(
            code("error=access_denied&state=st-1", false).unwrap_err(),
            "authorization_error"
        );
        assert_eq!(code("state=st-1", false).unwrap_err(), "invalid_request");
        assert!(code("code=c&state=st-1&iss=https%3A%2F%2Fidp.example.com", true).is_ok());
    }
}
