//! The relying party's side of OIDC Back-Channel Logout 1.0: the POST the provider sends to the
//! `backchannel_logout_uri` (§2.5) and the verification of its logout token with the `jti` replay check
//! (§2.6). An RP that accepts the request answers 200; one that refuses it answers 400 (§2.8). Then the rule
//! that refuses the tokens of the sessions it ended: [`session_logout_keys`], [`ended_by_session_logout`],
//! [`older_than_logout_retention`].

use super::replay::{ReplayEntry, ReplayStore};
use crate::error::{Error, Result, quote};
use crate::jose::{DEFAULT_MAX_TOKEN_LENGTH, VerifiedToken};
use crate::verify::{LogoutTokenOptions, TokenVerifier};
use crate::wire::FORM_CONTENT_TYPE;
use serde_json::{Map, Value};

/// The longest logout request body read, in bytes: a default-sized token and its parameter name, with room.
pub const MAX_LOGOUT_REQUEST_LEN: usize = DEFAULT_MAX_TOKEN_LENGTH + 1024;

/// The logout token of a back-channel logout request (§2.5): `content_type` must be
/// `application/x-www-form-urlencoded` (a `charset` parameter, when present, `utf-8`), the body at most
/// [`MAX_LOGOUT_REQUEST_LEN`] bytes, holding exactly one non-empty `logout_token` (other parameters ignored).
///
/// Errors: `invalid_request`, saying which rule failed.
pub fn parse_logout_request(body: &str, content_type: Option<&str>) -> Result<String> {
    check_form_content_type(content_type)?;
    if body.len() > MAX_LOGOUT_REQUEST_LEN {
        return Err(Error::InvalidRequest(format!(
            "the logout request body is {} bytes, more than {MAX_LOGOUT_REQUEST_LEN}",
            body.len()
        )));
    }
    let mut token = None;
    for (name, value) in form_urlencoded::parse(body.as_bytes()) {
        if name != "logout_token" {
            continue;
        }
        if token.replace(value).is_some() {
            return Err(Error::InvalidRequest(
                "the logout request repeats \"logout_token\"".into(),
            ));
        }
    }
    match token {
        Some(t) if !t.is_empty() => Ok(t.into_owned()),
        Some(_) => Err(Error::InvalidRequest(
            "the logout request's \"logout_token\" is empty".into(),
        )),
        None => Err(Error::InvalidRequest(
            "the logout request has no \"logout_token\"".into(),
        )),
    }
}

/// `application/x-www-form-urlencoded`, compared as a media type (RFC 9110 §8.3.1: case-insensitive), with
/// no parameter but an optional `charset=utf-8`.
fn check_form_content_type(content_type: Option<&str>) -> Result<()> {
    let value = content_type.unwrap_or_default();
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let params_ok = parts.all(|p| {
        p.split_once('=').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("charset")
                && v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
    });
    if media.eq_ignore_ascii_case(FORM_CONTENT_TYPE) && params_ok {
        return Ok(());
    }
    Err(Error::InvalidRequest(format!(
        "a logout request must be {FORM_CONTENT_TYPE}, found {}",
        content_type.map_or_else(|| "no content type".to_owned(), quote)
    )))
}

/// The replay-store entry of a logout token that verified, from its claims: its `iss` and `jti` (unique per
/// issuer, RFC 7519 §4.1.7), kept until `exp` plus the clock tolerance.
///
/// Errors: `missing_claim` or `invalid_claim` when the claims are not those of a verified logout token.
pub fn logout_replay_entry(
    claims: &Map<String, Value>,
    clock_tolerance: u64,
) -> Result<ReplayEntry> {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::MissingClaim(format!("{name:?} is required")))
    };
    let exp = claims
        .get("exp")
        .and_then(|v| v.as_f64())
        .filter(|e| e.is_finite() && *e >= 0.0)
        .ok_or_else(|| Error::InvalidClaim("\"exp\" must be a non-negative number".into()))?;
    // ceil: a fractional exp is still valid during the second it falls in
    let expires_at = (exp.ceil() as u64).saturating_add(clock_tolerance);
    Ok(ReplayEntry::new(
        "logout",
        &[text("iss")?, text("jti")?],
        expires_at,
    ))
}

/// [`TokenVerifier::verify_logout_token`], then the `jti` replay check through `store` (§2.6 item 9):
/// a logout token is accepted once.
///
/// Errors: every code of the verification, `token_replayed`, or the store's error.
pub fn verify_logout_token(
    verifier: &TokenVerifier,
    token: &str,
    options: &LogoutTokenOptions,
    store: &mut dyn ReplayStore,
) -> Result<VerifiedToken> {
    let verified = verifier.verify_logout_token(token, options)?;
    logout_replay_entry(verified.claims(), verifier.clock_tolerance())?
        .check(store, options.now)?;
    Ok(verified)
}

/// The keys under which a back-channel logout is recorded, and under which a token's session is looked up:
/// `sid:<sid>` for its `sid` and `sub:<sub>` for its `sub`, each when that claim is a string (none for
/// neither). A logout token naming both ends both: the session, and every session of the user, since an access
/// token need not carry `sid` (§2.4 leaves the RP to decide what "the session" covers).
pub fn session_logout_keys(claims: &Map<String, Value>) -> Vec<String> {
    [("sid", "sid:"), ("sub", "sub:")]
        .into_iter()
        .filter_map(|(name, prefix)| Some(format!("{prefix}{}", claims.get(name)?.as_str()?)))
        .collect()
}

/// Whether a token with these (verified) claims belongs to a session a back-channel logout ended:
/// `logout_time(key)` is the time (seconds) of the latest logout recorded under a key of
/// [`session_logout_keys`], `None` for none. Refused when its `iat` is at or before the latest of those times
/// (compared in whole seconds: a token issued in the second of the logout may predate it); a token whose `iat` is
/// absent or not a number cannot tell, so it is refused as soon as any logout is recorded for it. No key (no
/// `sid`, no `sub`), or no logout under its keys: not ended.
pub fn ended_by_session_logout(
    claims: &Map<String, Value>,
    logout_time: impl Fn(&str) -> Option<u64>,
) -> bool {
    let Some(latest) = session_logout_keys(claims)
        .iter()
        .filter_map(|key| logout_time(key))
        .max()
    else {
        return false;
    };
    claims
        .get("iat")
        .and_then(Value::as_f64)
        .is_none_or(|iat| iat.floor() <= latest as f64)
}

/// Whether a token with these (verified) claims is too old for its session's logout to be known: logout records
/// are kept `retention` seconds after the logout, so a token with a session key issued more than that before
/// `now` may belong to a session whose record is gone. Fail closed: it is refused (true). A token without a numeric
/// `iat` cannot be dated: only its session's record, if kept, decides ([`ended_by_session_logout`]).
pub fn older_than_logout_retention(claims: &Map<String, Value>, now: u64, retention: u64) -> bool {
    if session_logout_keys(claims).is_empty() {
        return false;
    }
    claims
        .get("iat")
        .and_then(Value::as_f64)
        .is_some_and(|iat| iat.floor() < now.saturating_sub(retention) as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::jose::testutil::{key_for, sign};
    use crate::jose::{Algorithm, JwkSet};
    use crate::server::{MemoryReplayStore, ReplayStoreConfig};
    use crate::verify::{BACKCHANNEL_LOGOUT_EVENT, VerifierOptions};
    use serde_json::json;

    #[test]
    fn a_logout_token_is_accepted_once_per_issuer_and_jti() {
        let key = key_for(Algorithm::Es256, 1);
        let set = JwkSet::from_keys(&[key.jwk_with_kid("k")]).unwrap();
        let options = VerifierOptions {
            clock_tolerance: 5,
            ..Default::default()
        };
        let v = TokenVerifier::new("https://op", vec!["rp".into()], set, options).unwrap();
        let token = |jti: &str| {
            let claims = json!({"iss": "https://op", "aud": "rp", "iat": 100, "exp": 220.5, "jti": jti,
                "sub": "alice", "events": {BACKCHANNEL_LOGOUT_EVENT: {}}});
            sign(
                Algorithm::Es256,
                json!({"typ": "logout+jwt"}),
                &claims,
                &key,
            )
        };
        let mut store = MemoryReplayStore::new(ReplayStoreConfig::default()).unwrap();
        let at = |now| LogoutTokenOptions { now };
        verify_logout_token(&v, &token("a"), &at(110), &mut store).unwrap();
        let e = verify_logout_token(&v, &token("a"), &at(111), &mut store).unwrap_err();
        assert_eq!(e.code(), "token_replayed");
        verify_logout_token(&v, &token("b"), &at(111), &mut store).unwrap();
        // kept until exp (rounded up) plus the tolerance: still a replay at the last second it verifies
        let verified = v.verify_logout_token(&token("a"), &at(110)).unwrap();
        assert_eq!(
            logout_replay_entry(verified.claims(), 5)
                .unwrap()
                .expires_at,
            226
        );
        let e = verify_logout_token(&v, &token("a"), &at(225), &mut store).unwrap_err();
        assert_eq!(e.code(), "token_replayed");
        let e = verify_logout_token(&v, &token("a"), &at(226), &mut store).unwrap_err();
        assert_eq!(e.code(), "token_expired");
    }

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    #[test]
    fn the_body_holds_exactly_one_logout_token() {
        assert_eq!(
            parse_logout_request("logout_token=a.b.c", FORM).unwrap(),
            "a.b.c"
        );
        assert_eq!(
            parse_logout_request(
                "x=1&logout_token=a.b%2Ec",
                Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8")
            )
            .unwrap(),
            "a.b.c"
        );
        for (body, ct) in [
            ("logout_token=a&logout_token=b", FORM),
            ("logout_token=", FORM),
            ("token=a.b.c", FORM),
            ("", FORM),
            ("logout_token=a.b.c", None),
            ("logout_token=a.b.c", Some("application/json")),
            (
                "logout_token=a.b.c",
                Some("application/x-www-form-urlencoded; charset=latin1"),
            ),
            (
                "logout_token=a.b.c",
                Some("application/x-www-form-urlencoded; x=y"),
            ),
            (
                "logout_token=a.b.c",
                Some("application/x-www-form-urlencodedx"),
            ),
        ] {
            let e = parse_logout_request(body, ct).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{body:?} {ct:?}");
        }
        let big = format!("logout_token={}", "a".repeat(MAX_LOGOUT_REQUEST_LEN));
        let e = parse_logout_request(&big, FORM).unwrap_err();
        assert!(e.message().len() < 200, "{e}");
    }

    fn times(entries: &[(&str, u64)]) -> impl Fn(&str) -> Option<u64> {
        let map: std::collections::HashMap<String, u64> =
            entries.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        move |key: &str| map.get(key).copied()
    }

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn session_keys_are_the_string_sid_and_sub() {
        assert_eq!(
            session_logout_keys(&claims(json!({"sid": "s1", "sub": "alice", "iat": 1}))),
            ["sid:s1", "sub:alice"]
        );
        assert_eq!(
            session_logout_keys(&claims(json!({"sub": "a:b"}))),
            ["sub:a:b"]
        );
        assert_eq!(
            session_logout_keys(&claims(json!({"sid": "s1"}))),
            ["sid:s1"]
        );
        let none: [&str; 0] = [];
        assert_eq!(
            session_logout_keys(&claims(json!({"sid": 7, "sub": null}))),
            none
        );
        assert_eq!(session_logout_keys(&claims(json!({}))), none);
    }

    #[test]
    fn a_token_issued_at_or_before_its_sessions_logout_is_ended() {
        let logouts = times(&[("sid:s1", 100), ("sub:bob", 200)]);
        let ended = |c: Value| ended_by_session_logout(&claims(c), &logouts);
        // iat against the logout time: before and equal ended, after not
        assert!(ended(json!({"sid": "s1", "iat": 99})));
        assert!(ended(json!({"sid": "s1", "iat": 100})));
        assert!(!ended(json!({"sid": "s1", "iat": 101})));
        // a fractional iat is compared in whole seconds: within the logout's second it may predate it
        assert!(ended(json!({"sid": "s1", "iat": 100.9})));
        assert!(!ended(json!({"sid": "s1", "iat": 101.1})));
        // without a numeric iat a logout for the session ends it; without a logout nothing does
        assert!(ended(json!({"sid": "s1"})));
        assert!(ended(json!({"sid": "s1", "iat": "150"})));
        assert!(ended(json!({"sid": "s1", "iat": null})));
        assert!(!ended(json!({"sid": "s2"})));
        assert!(!ended(json!({"sid": "s2", "iat": "150"})));
        // both sid and sub: the latest logout of either
        assert!(ended(json!({"sid": "s1", "sub": "bob", "iat": 150})));
        assert!(ended(json!({"sid": "s2", "sub": "bob", "iat": 200})));
        assert!(!ended(json!({"sid": "s1", "sub": "bob", "iat": 201})));
        assert!(!ended(json!({"sid": "s1", "sub": "carol", "iat": 101})));
        // neither: no session to have ended, iat or not
        assert!(!ended(json!({"iat": 1})));
        assert!(!ended(json!({})));
        assert!(!ended(json!({"sid": 5, "sub": ["bob"]})));
    }

    #[test]
    fn a_token_issued_before_the_retention_window_is_refused() {
        let old = |c: Value| older_than_logout_retention(&claims(c), 1_000, 100);
        // the window is [now - retention, now]: its first second is inside, anything before is refused
        assert!(!old(json!({"sid": "s1", "iat": 900})));
        assert!(old(json!({"sid": "s1", "iat": 899})));
        assert!(old(json!({"sub": "bob", "iat": 899.9})));
        assert!(!old(json!({"sub": "bob", "iat": 999})));
        // no session key: no logout can apply to it; no numeric iat: cannot be dated, left to the record
        assert!(!old(json!({"iat": 1})));
        assert!(!old(json!({"sid": "s1"})));
        assert!(!old(json!({"sid": "s1", "iat": "1"})));
        // a retention longer than the clock: nothing is before the window
        assert!(!older_than_logout_retention(
            &claims(json!({"sid": "s1", "iat": 0})),
            10,
            100
        ));
    }
}
