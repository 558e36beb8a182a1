//! A signed-in SPA session's tokens and the rules for keeping them: when the access token is renewed (a margin
//! before it expires), what a refresh replaces (refresh-token rotation, RFC 6749 §6 and RFC 9700 §4.14.2), and
//! what a refreshed ID token must keep (OIDC Core 12.2), and what a failed refresh leads to (a retry with backoff
//! while the access token is valid, or the end of the session). The JS session layer (js/session.js) runs the
//! timers and the requests; this decides.

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

/// The first retry of a refresh that failed for a transient reason comes this many seconds after it; each
/// further one waits twice as long, at most [`RETRY_MAX`].
pub const RETRY_FIRST: u64 = 2;

/// The longest wait between two retries of a refresh, in seconds.
pub const RETRY_MAX: u64 = 30;

/// Why a refresh failed, as far as the session is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The authorization server refused the refresh token (`invalid_grant`, RFC 6749 §5.2): it will not be
    /// accepted again.
    Refused,
    /// The request did not get an answer (the fetch failed or timed out) or the server failed (5xx): the same
    /// request may succeed later.
    Transient,
    /// Anything else (the answer did not verify, a bad configuration): retrying would fail the same way.
    Other,
}

impl RefreshFailure {
    /// Classifies a failed refresh by its error `code`, HTTP `status` (when there was an answer) and OAuth
    /// `error` (for `authorization_error`).
    pub fn of(code: Option<&str>, status: Option<u64>, error: Option<&str>) -> Self {
        match (code, status, error) {
            (Some("authorization_error"), _, Some("invalid_grant")) => RefreshFailure::Refused,
            (Some("http_error"), None, _) => RefreshFailure::Transient,
            (Some("http_error" | "authorization_error"), Some(500..=599), _) => {
                RefreshFailure::Transient
            }
            _ => RefreshFailure::Other,
        }
    }
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

    /// What follows the `attempts`-th consecutive failed refresh at `now`. A refused refresh token ends the
    /// session now. A transient failure is retried after [`RETRY_FIRST`] × 2^(attempts - 1) seconds (at most
    /// [`RETRY_MAX`]) while the access token is still valid then; otherwise, and for any other failure, the
    /// session keeps its access token and ends when it expires.
    pub fn after_failure(&self, failure: RefreshFailure, attempts: u32, now: u64) -> Renewal {
        let Some(at) = self.expires_at else {
            return Renewal::Never;
        };
        let left = at.saturating_sub(now);
        let wait = RETRY_FIRST
            .saturating_mul(1 << attempts.saturating_sub(1).min(16))
            .min(RETRY_MAX);
        match failure {
            RefreshFailure::Refused => Renewal::Expire(0),
            RefreshFailure::Transient if wait < left => Renewal::Refresh(wait),
            _ => Renewal::Expire(left),
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
        let same = same_value(before, after) || (name == "nonce" && after.is_none());
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

/// Equality of the claims compared (strings, numbers, arrays of strings), without `Value`'s whole `PartialEq`
/// (a recursive map comparison the SPA module has no other use for); values of other types never match.
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Value::String(x)), Some(Value::String(y))) => x == y,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x == y,
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(Some(x), Some(y)))
        }
        _ => false,
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "absent".into(),
        Some(Value::String(s)) => quote(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => format!("an array of {}", items.len()),
        Some(_) => "of another type".into(),
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
    fn a_failure_is_classified_by_its_code_status_and_oauth_error() {
        use RefreshFailure::*;
        for (code, status, error, class) in [
            (
                "authorization_error",
                Some(400),
                Some("invalid_grant"),
                Refused,
            ),
            ("authorization_error", None, Some("invalid_grant"), Refused),
            ("http_error", None, None, Transient),
            ("http_error", Some(503), None, Transient),
            (
                "authorization_error",
                Some(500),
                Some("server_error"),
                Transient,
            ),
            ("http_error", Some(404), None, Other),
            ("http_error", Some(302), None, Other),
            (
                "authorization_error",
                Some(400),
                Some("invalid_client"),
                Other,
            ),
            ("key_not_found", None, None, Other),
            ("invalid_claim", None, None, Other),
        ] {
            assert_eq!(
                RefreshFailure::of(Some(code), status, error),
                class,
                "{code} {status:?}"
            );
        }
        assert_eq!(RefreshFailure::of(None, None, None), Other);
    }

    #[test]
    fn a_transient_failure_is_retried_with_backoff_while_the_access_token_is_valid() {
        use RefreshFailure::*;
        use Renewal::*;
        let t = tokens(Some(1_000), Some("rt"));
        let after = |failure, attempts, now| t.after_failure(failure, attempts, now);
        let now = 1_000 - REFRESH_MARGIN;
        let waits: Vec<_> = (1..=6).map(|n| after(Transient, n, now)).collect();
        let expected = [2, 4, 8, 16, 30, 30].map(Refresh);
        assert_eq!(waits, expected);
        assert_eq!(after(Transient, u32::MAX, now), Refresh(RETRY_MAX));
        // The retry would come after the access token expired: the session ends when it does.
        assert_eq!(after(Transient, 3, 995), Expire(5));
        assert_eq!(after(Transient, 1, 1_000), Expire(0));
        assert_eq!(after(Transient, 1, 5_000), Expire(0));
        // Other failures are not retried; a refused refresh token ends the session at once.
        assert_eq!(after(Other, 1, now), Expire(60));
        assert_eq!(after(Refused, 1, now), Expire(0));
        let endless = tokens(None, Some("rt"));
        assert_eq!(endless.after_failure(Transient, 1, now), Never);
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
            (json!({"auth_time": "10"}), "invalid_claim"),
            (json!({"aud": ["c"]}), "audience_mismatch"),
            (json!({"nonce": "other"}), "nonce_mismatch"),
        ] {
            assert_eq!(refreshed(changes.clone()), Err(code), "{changes}");
        }
    }
}
