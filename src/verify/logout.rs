//! The claims of a logout token (OIDC Back-Channel Logout 1.0 §2.4, checked as §2.6 says), beyond what every
//! token of the issuer is checked for: the back-channel logout event, `sid` and/or `sub`, and no `nonce`.

use crate::error::{Error, Result};
use crate::jose::json;
use serde_json::{Map, Value};

/// The member of `events` that makes a JWT a logout token (§2.4).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Options of [`super::TokenVerifier::verify_logout_token`].
#[derive(Debug, Clone, Default)]
pub struct LogoutTokenOptions {
    /// The current time, seconds since the epoch.
    pub now: u64,
}

/// `events` holding [`BACKCHANNEL_LOGOUT_EVENT`] as a JSON object (§2.4), a string `sid` or `sub` (§2.4:
/// at least one of them), and no `nonce` (§2.4: prohibited, so that an ID token never passes as one).
///
/// Errors: `missing_claim` (no `events`, no event member, neither `sid` nor `sub`), `invalid_claim` (a
/// wrong type, a `nonce`).
pub(super) fn check_logout_claims(claims: &Map<String, Value>) -> Result<()> {
    let events = match claims.get("events") {
        None => return Err(Error::MissingClaim("\"events\" is required".into())),
        Some(Value::Object(events)) => events,
        Some(other) => {
            return Err(Error::InvalidClaim(format!(
                "\"events\" must be an object, found {}",
                json::kind(other)
            )));
        }
    };
    match events.get(BACKCHANNEL_LOGOUT_EVENT) {
        Some(Value::Object(_)) => {}
        None => {
            return Err(Error::MissingClaim(format!(
                "\"events\" must hold {BACKCHANNEL_LOGOUT_EVENT:?}"
            )));
        }
        Some(other) => {
            return Err(Error::InvalidClaim(format!(
                "the {BACKCHANNEL_LOGOUT_EVENT:?} event must be an object, found {}",
                json::kind(other)
            )));
        }
    }
    match claims.get("sid") {
        None | Some(Value::String(_)) => {}
        Some(other) => {
            return Err(Error::InvalidClaim(format!(
                "\"sid\" must be a string, found {}",
                json::kind(other)
            )));
        }
    }
    if !claims.contains_key("sid") && !claims.contains_key("sub") {
        return Err(Error::MissingClaim(
            "a logout token must carry \"sid\", \"sub\" or both".into(),
        ));
    }
    if claims.contains_key("nonce") {
        return Err(Error::InvalidClaim(
            "a logout token must not carry \"nonce\"".into(),
        ));
    }
    Ok(())
}
