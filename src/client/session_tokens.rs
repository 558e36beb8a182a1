//! A signed-in SPA session's tokens and the rules for keeping them: when the access token is renewed (a margin
//! before it expires), what a refresh replaces (refresh-token rotation, RFC 6749 §6 and RFC 9700 §4.14.2), and
//! what a refreshed ID token must keep (OIDC Core 12.2). The JS session layer (js/session.js) runs the timers
//! and the requests; this decides.

use crate::error::{Error, Result, quote};
use serde_json::{Map, Value};

/// Seconds before `expires_at` at which a session refreshes its access token: long enough for a refresh under
/// the default 5 s timeout, and for a clock a little ahead of the provider's.
pub const REFRESH_MARGIN: u64 = 60;

/// The tokens a session keeps (in memory, in its persistence, and shared with its other tabs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTokens {
    /// The access token.
    pub access_token: String,
    /// Its type (`Bearer`).
    pub token_type: String,
    /// When it expires, seconds since the epoch; `None` when the provider did not say.
    pub expires_at: Option<u64>,
    /// The refresh token, the newest one (rotation).
    pub refresh_token: Option<String>,
    /// The newest verified ID token (its claims are the session's user).
    pub id_token: Option<String>,
    /// The granted scope, when the provider said.
    pub scope: Option<String>,
}

/// What to do about the access token, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// It does not expire (no `expires_in`): nothing to schedule.
    Never,
    /// Refresh it in this many seconds (0: now).
    Refresh(u64),
    /// There is no refresh token: the session expires in this many seconds (0: it has).
    Expire(u64),
}

impl SessionTokens {
    /// When the access token must be renewed at `now`: [`REFRESH_MARGIN`] before `expires_at` when there is a
    /// refresh token, else the session ends at `expires_at`.
    pub fn renewal(&self, now: u64) -> Renewal {
        match (self.expires_at, &self.refresh_token) {
            (None, _) => Renewal::Never,
            (Some(at), Some(_)) => {
                Renewal::Refresh(at.saturating_sub(REFRESH_MARGIN).saturating_sub(now))
            }
            (Some(at), None) => Renewal::Expire(at.saturating_sub(now)),
        }
    }

    /// The tokens after a refresh answered with `next`: its access token; its refresh token when it sent one
    /// (rotation: the old one is then discarded, RFC 6749 §6), else the one used; its ID token and scope when
    /// sent, else the previous ones.
    pub fn rotated(&self, next: SessionTokens) -> SessionTokens {
        SessionTokens {
            refresh_token: next.refresh_token.or_else(|| self.refresh_token.clone()),
            id_token: next.id_token.or_else(|| self.id_token.clone()),
            scope: next.scope.or_else(|| self.scope.clone()),
            ..next
        }
    }
}

/// Checks a refreshed ID token's verified claims against the session's (OIDC Core 12.2): the same `iss`, `sub`,
/// `aud`, `azp` and `auth_time` (the time of the original authentication), and a `nonce`, if any, the original's.
///
/// Errors: `issuer_mismatch`, `audience_mismatch`, `azp_mismatch`, `nonce_mismatch`, `invalid_claim` (`sub`,
/// `auth_time`), naming the claim.
pub fn check_refreshed_id_token(
    original: &Map<String, Value>,
    refreshed: &Map<String, Value>,
) -> Result<()> {
    for name in ["iss", "sub", "aud", "azp", "auth_time", "nonce"] {
        let (before, after) = (original.get(name), refreshed.get(name));
        // A refreshed token SHOULD NOT carry nonce (12.2): absent is fine, present must be the original's.
        let same = before == after || (name == "nonce" && after.is_none());
        if same {
            continue;
        }
        let message = format!(
            "the refreshed ID token's {name} is {found}, the session's is {expected} (OIDC Core 12.2)",
            found = shown(after),
            expected = shown(before)
        );
        return Err(match name {
            "iss" => Error::IssuerMismatch(message),
            "aud" => Error::AudienceMismatch(message),
            "azp" => Error::AzpMismatch(message),
            "nonce" => Error::NonceMismatch(message),
            _ => Error::InvalidClaim(message),
        });
    }
    Ok(())
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "absent".into(),
        Some(Value::String(s)) => quote(s),
        Some(other) => quote(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tokens(expires_at: Option<u64>, refresh: Option<&str>) -> SessionTokens {
        SessionTokens {
            access_token: "at-1".into(),
            token_type: "Bearer".into(),
            expires_at,
            refresh_token: refresh.map(Into::into),
            id_token: Some("id-1".into()),
            scope: Some("openid api".into()),
        }
    }

    #[test]
    fn renewal_is_a_margin_before_expiry_with_a_refresh_token_else_the_end() {
        let with = tokens(Some(1_000), Some("rt"));
        assert_eq!(with.renewal(0), Renewal::Refresh(1_000 - REFRESH_MARGIN));
        assert_eq!(with.renewal(1_000 - REFRESH_MARGIN), Renewal::Refresh(0));
        assert_eq!(with.renewal(5_000), Renewal::Refresh(0));
        let without = tokens(Some(1_000), None);
        assert_eq!(without.renewal(400), Renewal::Expire(600));
        assert_eq!(without.renewal(1_000), Renewal::Expire(0));
        assert_eq!(tokens(None, Some("rt")).renewal(u64::MAX), Renewal::Never);
    }

    #[test]
    fn a_refresh_rotates_what_it_sends_and_keeps_the_rest() {
        let before = tokens(Some(1_000), Some("rt-1"));
        let rotated = before.rotated(SessionTokens {
            access_token: "at-2".into(),
            expires_at: Some(2_000),
            refresh_token: Some("rt-2".into()),
            id_token: None,
            scope: None,
            ..before.clone()
        });
        assert_eq!(
            (
                rotated.access_token.as_str(),
                rotated.expires_at,
                rotated.refresh_token.as_deref()
            ),
            ("at-2", Some(2_000), Some("rt-2"))
        );
        assert_eq!(
            (rotated.id_token.as_deref(), rotated.scope.as_deref()),
            (Some("id-1"), Some("openid api"))
        );
        let kept = before.rotated(SessionTokens {
            refresh_token: None,
            expires_at: None,
            ..before.clone()
        });
        assert_eq!(
            (kept.refresh_token.as_deref(), kept.expires_at),
            (Some("rt-1"), None)
        );
    }

    #[test]
    fn a_refreshed_id_token_keeps_the_original_subject_and_authentication() {
        let original = json!({"iss": "i", "sub": "alice", "aud": "c", "auth_time": 10, "nonce": "n", "iat": 1});
        let original = original.as_object().unwrap();
        let refreshed = |changes: Value| {
            let mut m = original.clone();
            m.remove("nonce");
            m.insert("iat".into(), json!(99));
            for (k, v) in changes.as_object().unwrap() {
                if v.is_null() {
                    m.remove(k);
                } else {
                    m.insert(k.clone(), v.clone());
                }
            }
            check_refreshed_id_token(original, &m).map_err(|e| e.code())
        };
        assert_eq!(refreshed(json!({})), Ok(()));
        assert_eq!(refreshed(json!({"nonce": "n"})), Ok(()));
        for (changes, code) in [
            (json!({"sub": "mallory"}), "invalid_claim"),
            (json!({"iss": "j"}), "issuer_mismatch"),
            (json!({"aud": ["c", "d"]}), "audience_mismatch"),
            (json!({"azp": "c"}), "azp_mismatch"),
            (json!({"auth_time": 50}), "invalid_claim"),
            (json!({"auth_time": null}), "invalid_claim"),
            (json!({"nonce": "other"}), "nonce_mismatch"),
        ] {
            assert_eq!(refreshed(changes.clone()), Err(code), "{changes}");
        }
    }
}
