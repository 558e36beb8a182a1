//! A signed-in SPA session's tokens and the rules for keeping them: when the access token is renewed (a margin
//! before it expires), what a refresh replaces (refresh-token rotation, RFC 6749 §6 and RFC 9700 §4.14.2), and
//! what a failed refresh leads to (a retry with backoff while the access token is valid, or the end of the
//! session). What a refreshed ID token must keep (OIDC Core 12.2) is the verifier's `refreshes` option. The JS session layer (js/session.js) runs the
//! timers and the requests; this decides.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Seconds before `expires_at` at which a session refreshes its access token: long enough for a refresh under
/// the default 5 s timeout, and for a clock a little ahead of the provider's.
pub const REFRESH_MARGIN: u64 = 60;

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

impl Renewal {
    /// When an access token expiring at `expires_at` (`None`: the provider did not say) is renewed at `now`:
    /// [`REFRESH_MARGIN`] before it expires when the session has a refresh token (`refreshable`), else the
    /// session ends when it expires.
    pub fn due(expires_at: Option<u64>, refreshable: bool, now: u64) -> Renewal {
        match expires_at {
            None => Renewal::Never,
            Some(at) if refreshable => {
                Renewal::Refresh(at.saturating_sub(REFRESH_MARGIN).saturating_sub(now))
            }
            Some(at) => Renewal::Expire(at.saturating_sub(now)),
        }
    }

    /// What follows the `attempts`-th consecutive failed refresh at `now`. A refused refresh token ends the
    /// session now. A transient failure is retried after [`RETRY_FIRST`] × 2^(attempts - 1) seconds (at most
    /// [`RETRY_MAX`]) while the access token is still valid then; otherwise, and for any other failure, the
    /// session keeps its access token and ends when it expires.
    pub fn after_failure(
        expires_at: Option<u64>,
        failure: RefreshFailure,
        attempts: u32,
        now: u64,
    ) -> Renewal {
        let Some(at) = expires_at else {
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
}

/// The members of a token set (`exchangeCode`, `refreshTokens`; by their JSON names) a session keeps: the
/// access token and its type (required strings), `expiresAt` (an integer, seconds since the epoch), then those
/// a refresh's answer may leave out (strings).
const KEPT: [&str; 6] = [
    "accessToken",
    "tokenType",
    "expiresAt",
    "refreshToken",
    "idToken",
    "scope",
];

/// What a session keeps of the token set `next` (its other members, `raw` and `expiresIn` among them, are not
/// kept). After a refresh, with `previous` (the session's tokens before it): what the answer left out stays —
/// the refresh token when it sent none (rotation: a new one replaces the old, RFC 6749 §6 and RFC 9700
/// §4.14.2), the ID token and the scope.
///
/// Errors: `invalid_request` naming the member of the wrong type, or `accessToken` / `tokenType` missing.
pub fn session_tokens(
    next: &Map<String, Value>,
    previous: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>> {
    let mut kept = Map::new();
    for (i, name) in KEPT.into_iter().enumerate() {
        let from_previous = || previous.filter(|_| i > 2).and_then(|p| p.get(name));
        let value = next
            .get(name)
            .filter(|v| !v.is_null())
            .or_else(from_previous);
        let fits = match value {
            None => i > 1,
            Some(v) if i == 2 => v.as_u64().is_some_and(|n| n < 1 << 53),
            Some(v) => v.is_string(),
        };
        if !fits {
            let expected = if i == 2 { "an integer" } else { "a string" };
            return Err(Error::InvalidRequest(format!(
                "the session's tokens: {name} must be {expected}"
            )));
        }
        if let Some(v) = value {
            kept.insert(name.to_owned(), v.clone());
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renewal_is_a_margin_before_expiry_with_a_refresh_token_else_the_end() {
        let with = |now| Renewal::due(Some(1_000), true, now);
        assert_eq!(with(0), Renewal::Refresh(1_000 - REFRESH_MARGIN));
        assert_eq!(with(1_000 - REFRESH_MARGIN), Renewal::Refresh(0));
        assert_eq!(with(5_000), Renewal::Refresh(0));
        assert_eq!(Renewal::due(Some(1_000), false, 400), Renewal::Expire(600));
        assert_eq!(Renewal::due(Some(1_000), false, 1_000), Renewal::Expire(0));
        assert_eq!(Renewal::due(None, true, u64::MAX), Renewal::Never);
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
        let after =
            |failure, attempts, now| Renewal::after_failure(Some(1_000), failure, attempts, now);
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
        assert_eq!(Renewal::after_failure(None, Transient, 1, now), Never);
    }

    #[test]
    fn a_refresh_rotates_what_it_sends_and_keeps_the_rest() {
        let map = |v: Value| v.as_object().unwrap().clone();
        let before = map(
            json!({"accessToken": "at-1", "tokenType": "DPoP", "expiresAt": 1_000,
            "refreshToken": "rt-1", "idToken": "id-1", "scope": "openid api"}),
        );
        let answer = map(
            json!({"accessToken": "at-2", "tokenType": "DPoP", "expiresAt": 2_000,
            "refreshToken": "rt-2", "expiresIn": 1_000, "raw": {}}),
        );
        let rotated = session_tokens(&answer, Some(&before)).unwrap();
        assert_eq!(
            Value::Object(rotated),
            json!({"accessToken": "at-2", "tokenType": "DPoP",
            "expiresAt": 2_000, "refreshToken": "rt-2", "idToken": "id-1", "scope": "openid api"})
        );
        // No new refresh token: the one used stays; an answer without expiresAt has none (the old one is gone).
        let answer = map(json!({"accessToken": "at-2", "tokenType": "Bearer"}));
        let kept = session_tokens(&answer, Some(&before)).unwrap();
        assert_eq!(
            (kept.get("refreshToken"), kept.get("expiresAt")),
            (Some(&json!("rt-1")), None)
        );
        // The first tokens keep only what they have.
        let first = session_tokens(&answer, None).unwrap();
        assert_eq!(
            Value::Object(first),
            json!({"accessToken": "at-2", "tokenType": "Bearer"})
        );
    }

    #[test]
    fn a_member_of_the_wrong_type_is_invalid_request() {
        let base = json!({"accessToken": "at", "tokenType": "Bearer"});
        for (name, value) in [
            ("accessToken", json!(null)),
            ("tokenType", json!(1)),
            ("expiresAt", json!(1.5)),
            ("expiresAt", json!(-1)),
            ("expiresAt", json!(9_007_199_254_740_992u64)),
            ("refreshToken", json!(["rt"])),
            ("idToken", json!({})),
            ("scope", json!(true)),
        ] {
            let mut tokens = base.as_object().unwrap().clone();
            tokens.insert(name.into(), value);
            let e = session_tokens(&tokens, None).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{name}");
            assert!(e.message().contains(name));
        }
    }
}
