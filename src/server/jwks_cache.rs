//! The caching policy of a remote JWK set (the provider's `jwks_uri`), as a sans-IO state machine: the caller
//! passes `now` (seconds), asks [`JwksCache::next`] what to do, sends [`JwksCache::request`] when told to, and
//! hands the answer to [`JwksCache::on_response`].
//!
//! - A set is fresh for `max-age` from its `Cache-Control` header (less its `Age`, when a cache in between
//!   kept it), bounded to
//!   [`CachePolicy::min_max_age`]..=[`CachePolicy::max_max_age`] (default 60 s..24 h);
//!   [`CachePolicy::default_max_age`] (10 min) without one; `no-cache`/`no-store` mean the minimum.
//! - A token whose `kid` is not in the fresh set triggers a refetch (keys rotate), at most once per
//!   [`CachePolicy::cooldown`] (30 s) however many unknown `kid`s arrive: a flood of made-up `kid`s costs the
//!   provider one request per cooldown.
//! - When a fetch fails (network, status, not a JWK set), the last good set keeps being served, and the next
//!   attempt waits for the cooldown; but not for ever: a fetch that fails once the set is
//!   [`CachePolicy::max_stale`] past its freshness drops it, so that keys the provider may have revoked are not
//!   trusted through a long outage (answers are then `503`).
//! - In the last tenth of its freshness a set is due for a refresh ([`JwksCache::next_refresh`]), which a
//!   caller sends in the background (e.g. `ctx.waitUntil`) while requests keep using the set: a set in steady
//!   use never expires in front of a request.
//! - The only URL ever fetched is the one given at construction: never one taken from a token (`jku`, `x5u`).
//!
//! A fetched body is parsed once, into the verifier's [`JwkSet`]: a body with no usable key (`invalid_jwk`,
//! `weak_key`) is a failed fetch like any other, and the last good set keeps being served. Each good set gets a
//! new [`JwksCache::generation`], so that whoever derived something from the keys (a verifier, a cache of
//! verified tokens) can tell that they changed.
//!
//! A refetch (the set expired, or an unknown `kid`) carries `Cache-Control: no-cache` (RFC 9111 §5.2.1.4), so
//! that a shared cache between this one and the provider (e.g. the Workers Cache API) does not answer it with
//! the set it just replaced.
//!
//! Callers that must not await one another's fetch (Workers requests: a promise belongs to the request that made
//! it) ask [`JwksCache::next_polling`] instead: while a fetch started by anyone is in flight and the set lacks
//! what they need, it says [`Plan::Wait`] (ask again shortly, on your own timer), so that a cold isolate's
//! concurrent requests cost one fetch; a fetch not answered a second past its own timeout is presumed lost (its
//! request was cancelled), and the next caller fetches itself.

use crate::client::{JWKS_ACCEPT, jwks_body, jwks_request};
use crate::error::{Error, Result};
use crate::jose::JwkSet;
use crate::wire::{HttpRequest, HttpResponse};

pub use crate::client::MAX_JWKS_BYTES;

/// Timings, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// Freshness when the response has no usable `Cache-Control: max-age` (default 600).
    pub default_max_age: u64,
    /// Lower bound on freshness, whatever the server says (default 60).
    pub min_max_age: u64,
    /// Upper bound on freshness (default 86 400).
    pub max_max_age: u64,
    /// Least time between two fetches triggered by unknown `kid`s or after a failure (default 30).
    pub cooldown: u64,
    /// How long past its freshness a set is still served while fetches fail (default 86 400).
    pub max_stale: u64,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            default_max_age: 600,
            min_max_age: 60,
            max_max_age: 86_400,
            cooldown: 30,
            max_stale: 86_400,
        }
    }
}

impl CachePolicy {
    /// Errors: `invalid_request` unless `min_max_age <= default_max_age <= max_max_age` and `max_max_age > 0`.
    pub fn check(&self) -> Result<()> {
        if self.min_max_age <= self.default_max_age
            && self.default_max_age <= self.max_max_age
            && self.max_max_age > 0
        {
            Ok(())
        } else {
            Err(Error::InvalidRequest(format!(
                "JWKS cache bounds must satisfy minMaxAge <= defaultMaxAge <= maxMaxAge, found {} <= {} <= {}",
                self.min_max_age, self.default_max_age, self.max_max_age
            )))
        }
    }

    /// The freshness lifetime for a `Cache-Control` header value (RFC 9111 §5.2.2), bounded.
    pub fn max_age(&self, cache_control: Option<&str>) -> u64 {
        let mut max_age = None;
        for directive in cache_control.unwrap_or("").split(',') {
            let d = directive.trim();
            let (name, value) = d.split_once('=').unwrap_or((d, ""));
            let name = name.trim();
            if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
                return self.min_max_age;
            }
            if name.eq_ignore_ascii_case("max-age") {
                max_age = value.trim().trim_matches('"').parse::<u64>().ok();
            }
        }
        max_age
            .unwrap_or(self.default_max_age)
            .clamp(self.min_max_age, self.max_max_age)
    }
}

/// The timings a caller sets, in seconds, each defaulting to [`CachePolicy::default`]'s: the `jwksCache` of an
/// edge configuration and the options of `RemoteJwks` are this one type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JwksCacheConfig {
    /// Least time between refetches.
    pub cooldown: Option<u64>,
    /// Freshness without `max-age`.
    pub default_max_age: Option<u64>,
    /// Lower bound on freshness.
    pub min_max_age: Option<u64>,
    /// Upper bound on freshness.
    pub max_max_age: Option<u64>,
    /// How long past its freshness a set is served while fetches fail.
    pub max_stale: Option<u64>,
}

impl JwksCacheConfig {
    /// The policy, defaults filled in and checked ([`CachePolicy::check`]).
    ///
    /// Errors: `invalid_request` for bounds out of order.
    pub fn policy(&self) -> Result<CachePolicy> {
        let d = CachePolicy::default();
        let policy = CachePolicy {
            cooldown: self.cooldown.unwrap_or(d.cooldown),
            default_max_age: self.default_max_age.unwrap_or(d.default_max_age),
            min_max_age: self.min_max_age.unwrap_or(d.min_max_age),
            max_max_age: self.max_max_age.unwrap_or(d.max_max_age),
            max_stale: self.max_stale.unwrap_or(d.max_stale),
        };
        policy.check().map(|()| policy)
    }
}

/// A JWK set as fetched.
#[derive(Debug, Clone)]
pub struct CachedJwks {
    /// The usable keys (see [`JwkSet::from_json`]).
    pub set: JwkSet,
    /// The `kid` of every usable key, each once, in order.
    pub key_ids: Vec<String>,
    /// When it was fetched.
    pub fetched_at: u64,
    /// How long it is fresh.
    pub max_age: u64,
}

impl CachedJwks {
    /// Parses a JWK set. Errors: those of [`JwkSet::from_json`]: `invalid_jwk` when it is not a JWKS or holds no
    /// usable key, `weak_key` when every key is too weak.
    pub fn parse(json_text: &str, fetched_at: u64, max_age: u64) -> Result<Self> {
        let set = JwkSet::from_json(json_text)?;
        let key_ids = set.key_ids().into_iter().map(str::to_owned).collect();
        Ok(CachedJwks {
            set,
            key_ids,
            fetched_at,
            max_age,
        })
    }

    /// Whether the set is still fresh at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now.saturating_sub(self.fetched_at) < self.max_age
    }

    /// Whether the set is in the last tenth of its freshness at `now` (at least its last second): time to
    /// refresh it in the background.
    pub fn refresh_due(&self, now: u64) -> bool {
        let ahead = (self.max_age / 10).max(1);
        self.is_fresh(now)
            && now.saturating_sub(self.fetched_at) >= self.max_age - ahead.min(self.max_age)
    }

    /// Whether a key has this `kid`.
    pub fn has_kid(&self, kid: &str) -> bool {
        self.key_ids.iter().any(|k| k == kid)
    }
}

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Use [`JwksCache::current`] (fresh; or stale / without the `kid`, but a fetch is not allowed yet).
    UseCurrent,
    /// Send [`JwksCache::request`] and give the answer to [`JwksCache::on_response`].
    Fetch(FetchReason),
    /// There is no set, and the last fetch failed less than a cooldown ago: this is its error.
    Fail(Error),
    /// A fetch is in flight and the set lacks what the caller needs: ask again shortly
    /// ([`JwksCache::next_polling`] only).
    Wait,
}

/// Why a fetch is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchReason {
    /// No set yet.
    Initial,
    /// The set is past its max age.
    Expired,
    /// The wanted `kid` is not in the set (key rotation).
    UnknownKid,
}

/// The cache of one `jwks_uri`.
#[derive(Debug, Clone)]
pub struct JwksCache {
    jwks_uri: String,
    policy: CachePolicy,
    current: Option<CachedJwks>,
    generation: u64,
    last_attempt: Option<u64>,
    last_error: Option<Error>,
    /// When the fetch in flight started (none answered since).
    fetching_since: Option<u64>,
    /// Fetches answered with a good set, and fetches that failed, for counters.
    fetches: (u64, u64),
}

impl JwksCache {
    /// A cache for `jwks_uri`. Errors: `invalid_request` for a URL that is not https (http only on loopback),
    /// or a bad policy.
    pub fn new(jwks_uri: &str, policy: CachePolicy) -> Result<Self> {
        jwks_request(jwks_uri)?;
        policy.check()?;
        Ok(JwksCache {
            jwks_uri: jwks_uri.to_owned(),
            policy,
            current: None,
            generation: 0,
            last_attempt: None,
            last_error: None,
            fetching_since: None,
            fetches: (0, 0),
        })
    }

    /// The JWKS URL.
    pub fn jwks_uri(&self) -> &str {
        &self.jwks_uri
    }

    /// The GET to send when [`JwksCache::next`] says [`Plan::Fetch`] (as for [`FetchReason::Initial`]).
    pub fn request(&self) -> HttpRequest {
        self.request_for(FetchReason::Initial)
    }

    /// The GET to send for a fetch of this reason: a refetch ([`FetchReason::Expired`],
    /// [`FetchReason::UnknownKid`]) asks intermediate caches not to answer from what they stored.
    pub fn request_for(&self, reason: FetchReason) -> HttpRequest {
        let mut request = HttpRequest::get(self.jwks_uri.clone(), JWKS_ACCEPT);
        if reason != FetchReason::Initial {
            request
                .headers
                .push(("cache-control".into(), "no-cache".into()));
        }
        request
    }

    /// Incremented at each good set (0 before the first): a changed value means the keys may have changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The last good set, fresh or not.
    pub fn current(&self) -> Option<&CachedJwks> {
        self.current.as_ref()
    }

    /// How many fetches gave a good set, and how many failed, so far.
    pub fn fetch_counts(&self) -> (u64, u64) {
        self.fetches
    }

    /// When the current set stops being fresh (`None` without one).
    pub fn fresh_until(&self) -> Option<u64> {
        self.current
            .as_ref()
            .map(|c| c.fetched_at.saturating_add(c.max_age))
    }

    /// The error of the last fetch, when it failed.
    pub fn last_error(&self) -> Option<&Error> {
        self.last_error.as_ref()
    }

    fn cooled_down(&self, now: u64) -> bool {
        self.last_attempt
            .is_none_or(|t| now.saturating_sub(t) >= self.policy.cooldown)
    }

    /// Decides, at `now`, for a token with `kid` (or none), whether to fetch. A `Fetch` answer counts as an
    /// attempt from now on (the cooldown starts), so ask only when you will send the request.
    pub fn next(&mut self, now: u64, kid: Option<&str>) -> Plan {
        let plan = self.peek(now, kid);
        self.counted(now, plan)
    }

    /// As [`JwksCache::next`], for a caller that never awaits a fetch someone else started: while one is in
    /// flight (started less than `fetch_timeout` + 2 s ago: at least a second past its own deadline, in whole
    /// seconds) and the set lacks what this caller needs (there is none, or it lacks `kid`), [`Plan::Wait`]; with
    /// what it needs, [`Plan::UseCurrent`] (no second fetch while one is in flight). A fetch older than that is
    /// presumed lost, and [`JwksCache::peek`]'s rules decide.
    pub fn next_polling(&mut self, now: u64, kid: Option<&str>, fetch_timeout: u64) -> Plan {
        let plan = self.peek_polling(now, kid, fetch_timeout);
        self.counted(now, plan)
    }

    /// What [`JwksCache::next_polling`] would answer, without counting a fetch attempt.
    pub fn peek_polling(&self, now: u64, kid: Option<&str>, fetch_timeout: u64) -> Plan {
        let in_flight = self
            .fetching_since
            .is_some_and(|t| now < t.saturating_add(fetch_timeout).saturating_add(2));
        if !in_flight {
            return self.peek(now, kid);
        }
        let lacking = self
            .current
            .as_ref()
            .is_none_or(|c| kid.is_some_and(|k| !c.has_kid(k)));
        if lacking {
            Plan::Wait
        } else {
            Plan::UseCurrent
        }
    }

    /// `plan`, a `Fetch` counted as started at `now`.
    fn counted(&mut self, now: u64, plan: Plan) -> Plan {
        if matches!(plan, Plan::Fetch(_)) {
            self.start_fetch(now);
        }
        plan
    }

    /// A fetch sent at `now` is an attempt (the cooldown starts) and in flight until answered.
    fn start_fetch(&mut self, now: u64) {
        self.last_attempt = Some(now);
        self.fetching_since = Some(now);
    }

    /// What [`JwksCache::next`] would answer, without counting a fetch attempt.
    pub fn peek(&self, now: u64, kid: Option<&str>) -> Plan {
        match &self.current {
            None if self.last_error.is_some() && !self.cooled_down(now) => {
                Plan::Fail(self.last_error.clone().unwrap_or_else(|| Error::HttpError {
                    message: "the JWKS could not be fetched".into(),
                    status: None,
                }))
            }
            None => Plan::Fetch(FetchReason::Initial),
            Some(set) if !set.is_fresh(now) => {
                if self.cooled_down(now) {
                    Plan::Fetch(FetchReason::Expired)
                } else {
                    Plan::UseCurrent
                }
            }
            Some(set) => match kid {
                Some(kid) if !set.has_kid(kid) && self.cooled_down(now) => {
                    Plan::Fetch(FetchReason::UnknownKid)
                }
                _ => Plan::UseCurrent,
            },
        }
    }

    /// Whether a background refresh is due at `now` ([`CachedJwks::refresh_due`], and the cooldown allows a
    /// fetch); when it is, the attempt counts from now on, so ask only when you will send
    /// [`JwksCache::request_for`] with [`FetchReason::Expired`].
    pub fn next_refresh(&mut self, now: u64) -> bool {
        let due =
            self.current.as_ref().is_some_and(|c| c.refresh_due(now)) && self.cooled_down(now);
        if due {
            self.start_fetch(now);
        }
        due
    }

    /// Takes the answer to [`JwksCache::request`]. A good set replaces the current one; on failure the current
    /// one stays, and the error is returned (and kept for [`Plan::Fail`]).
    ///
    /// Errors: `http_error` with the status for a non-2xx response, a redirect (never followed: see
    /// [`HttpResponse::is_redirect`]) or a body over [`MAX_JWKS_BYTES`];
    /// `invalid_jwk` for a body that is not a JWK set (see [`CachedJwks::parse`]).
    pub fn on_response(&mut self, now: u64, response: &HttpResponse) -> Result<()> {
        self.on_response_checked(now, response, |_| Ok(()))
    }

    /// Like [`JwksCache::on_response`], with a further check of the parsed set before it replaces the current
    /// one (e.g. that it holds a key a caller needs). A set the check refuses counts as a failed fetch: the last
    /// good set stays.
    pub fn on_response_checked(
        &mut self,
        now: u64,
        response: &HttpResponse,
        check: impl FnOnce(&CachedJwks) -> Result<()>,
    ) -> Result<()> {
        let result = jwks_body(response).and_then(|body| {
            let max_age = self.policy.max_age(response.header("cache-control"));
            // A response a cache kept for a while (RFC 9111 §5.1 `Age`) has that much less freshness left.
            let age = response
                .header("age")
                .and_then(|a| a.trim().parse::<u64>().ok())
                .unwrap_or(0)
                .min(max_age);
            CachedJwks::parse(body, now.saturating_sub(age), max_age)
                .and_then(|set| check(&set).map(|()| set))
        });
        self.on_result(now, result)
    }

    /// Records a fetch that failed before any response (network error, timeout) at `now`.
    pub fn on_failure(&mut self, now: u64, error: Error) -> Result<()> {
        self.on_result(now, Err(error))
    }

    fn on_result(&mut self, now: u64, result: Result<CachedJwks>) -> Result<()> {
        self.fetching_since = None;
        match result {
            Ok(set) => {
                self.fetches.0 = self.fetches.0.saturating_add(1);
                self.current = Some(set);
                self.generation = self.generation.wrapping_add(1);
                self.last_error = None;
                Ok(())
            }
            Err(e) => {
                self.fetches.1 = self.fetches.1.saturating_add(1);
                let stale_for =
                    |c: &CachedJwks| now.saturating_sub(c.fetched_at.saturating_add(c.max_age));
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| !c.is_fresh(now) && stale_for(c) > self.policy.max_stale)
                {
                    self.current = None;
                    self.generation = self.generation.wrapping_add(1);
                }
                self.last_error = Some(e.clone());
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "https://idp.example.com/jwks";

    fn jwks(kids: &[&str]) -> String {
        let keys: Vec<String> = kids
            .iter()
            .map(|k| format!(
                    r#"{{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"{k}"}}"#
                ))
            .collect();
        format!(r#"{{"keys":[{}]}}"#, keys.join(","))
    }

    fn ok(kids: &[&str]) -> HttpResponse {
        HttpResponse::new(200, jwks(kids))
    }

    #[test]
    fn max_age_is_bounded() {
        let p = CachePolicy::default();
        assert_eq!(p.max_age(None), 600);
        assert_eq!(p.max_age(Some("public, max-age=3600")), 3600);
        assert_eq!(p.max_age(Some("MAX-AGE=\"120\"")), 120);
        assert_eq!(p.max_age(Some("max-age=5")), 60);
        assert_eq!(p.max_age(Some("max-age=9999999")), 86_400);
        assert_eq!(p.max_age(Some("max-age=oops")), 600);
        assert_eq!(p.max_age(Some("no-store")), 60);
        assert_eq!(p.max_age(Some("max-age=3600, no-cache")), 60);
        assert!(
            CachePolicy {
                min_max_age: 700,
                ..p
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn a_config_fills_in_the_defaults_and_is_checked() {
        assert_eq!(
            JwksCacheConfig::default().policy(),
            Ok(CachePolicy::default())
        );
        let set = JwksCacheConfig {
            cooldown: Some(5),
            max_max_age: Some(3600),
            ..Default::default()
        };
        assert_eq!(
            set.policy(),
            Ok(CachePolicy {
                cooldown: 5,
                max_max_age: 3600,
                ..CachePolicy::default()
            })
        );
        let bad = JwksCacheConfig {
            min_max_age: Some(10),
            default_max_age: Some(5),
            ..Default::default()
        };
        assert_eq!(bad.policy().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn fetches_once_then_serves_until_stale() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert_eq!(c.request().url, URI);
        assert_eq!(c.next(1000, None), Plan::Fetch(FetchReason::Initial));
        c.on_response(
            1000,
            &ok(&["a", "b"]).with_header("Cache-Control", "max-age=300"),
        )
        .unwrap();
        assert_eq!(c.current().unwrap().key_ids, ["a", "b"]);
        assert_eq!(c.next(1001, Some("a")), Plan::UseCurrent);
        assert_eq!(c.next(1299, None), Plan::UseCurrent);
        assert_eq!(c.next(1300, None), Plan::Fetch(FetchReason::Expired));
    }

    #[test]
    fn unknown_kid_refetches_once_per_cooldown() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert!(matches!(c.next(0, Some("a")), Plan::Fetch(_)));
        c.on_response(0, &ok(&["a"])).unwrap();
        // right after the initial fetch, the cooldown holds
        assert_eq!(c.next(10, Some("new")), Plan::UseCurrent);
        assert_eq!(
            c.next(30, Some("new")),
            Plan::Fetch(FetchReason::UnknownKid)
        );
        c.on_response(30, &ok(&["a", "new"])).unwrap();
        assert_eq!(c.next(31, Some("new")), Plan::UseCurrent);
        // a flood of made-up kids: one fetch per cooldown
        let mut fetches = 0;
        for t in 31..151 {
            for i in 0..10 {
                if let Plan::Fetch(_) = c.next(t, Some(&format!("bogus-{t}-{i}"))) {
                    fetches += 1;
                    c.on_response(t, &ok(&["a", "new"])).unwrap();
                }
            }
        }
        assert_eq!(fetches, 4, "t = 60, 90, 120, 150");
    }

    #[test]
    fn failures_keep_the_last_good_set() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        c.next(0, None);
        c.on_response(0, &ok(&["a"])).unwrap();
        assert_eq!(c.next(600, None), Plan::Fetch(FetchReason::Expired));
        let e = c.on_response(600, &HttpResponse::new(503, "")).unwrap_err();
        assert_eq!(e.code(), "http_error");
        assert_eq!(c.current().unwrap().key_ids, ["a"]);
        // stale, but the failure was less than a cooldown ago: serve it
        assert_eq!(c.next(610, None), Plan::UseCurrent);
        assert_eq!(c.next(630, None), Plan::Fetch(FetchReason::Expired));
        for bad in [
            r#"{"keys":[]}"#,
            r#"{"keys":"x"}"#,
            "[]",
            r#"{"keys":[1]}"#,
            r#"{"keys":[{"kid":1}]}"#,
        ] {
            let e = c
                .on_response(630, &HttpResponse::new(200, bad))
                .unwrap_err();
            assert_eq!(e.code(), "invalid_jwk", "{bad}");
        }
        let huge = HttpResponse::new(200, " ".repeat(MAX_JWKS_BYTES + 1));
        assert_eq!(c.on_response(630, &huge).unwrap_err().code(), "http_error");
        assert_eq!(c.current().unwrap().key_ids, ["a"]);
    }

    #[test]
    fn a_set_the_check_refuses_keeps_the_last_one() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        c.next(0, None);
        c.on_response(0, &ok(&["a"])).unwrap();
        let weak = || Err(Error::WeakKey("every key is too small".into()));
        let e = c
            .on_response_checked(700, &ok(&["b"]), |_| weak())
            .unwrap_err();
        assert_eq!(e.code(), "weak_key");
        assert_eq!(c.current().unwrap().key_ids, ["a"]);
        assert_eq!(c.last_error().unwrap().code(), "weak_key");
    }

    #[test]
    fn a_set_without_usable_keys_is_a_failed_fetch() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert_eq!(c.generation(), 0);
        c.next(0, None);
        c.on_response(0, &ok(&["a"])).unwrap();
        assert_eq!(c.generation(), 1);
        assert_eq!(c.current().unwrap().set.key_ids(), ["a"]);
        let enc = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"enc","kid":"e"}]}"#;
        let e = c
            .on_response(700, &HttpResponse::new(200, enc))
            .unwrap_err();
        assert_eq!(e.code(), "invalid_jwk");
        let weak = r#"{"keys":[{"kty":"oct","k":"c2hvcnQ","alg":"HS256","kid":"w"}]}"#;
        let e = c
            .on_response(700, &HttpResponse::new(200, weak))
            .unwrap_err();
        assert_eq!(e.code(), "weak_key");
        assert_eq!(c.current().unwrap().key_ids, ["a"]);
        assert_eq!(c.generation(), 1);
    }

    #[test]
    fn refetches_ask_caches_to_revalidate() {
        let c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert_eq!(
            c.request_for(FetchReason::Initial).header("cache-control"),
            None
        );
        for r in [FetchReason::Expired, FetchReason::UnknownKid] {
            assert_eq!(c.request_for(r).header("cache-control"), Some("no-cache"));
        }
    }

    #[test]
    fn age_shortens_freshness() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        c.next(1000, None);
        let res = ok(&["a"])
            .with_header("Cache-Control", "max-age=300")
            .with_header("Age", "250");
        c.on_response(1000, &res).unwrap();
        assert_eq!(c.current().unwrap().fetched_at, 750);
        assert_eq!(c.next(1049, None), Plan::UseCurrent);
        assert_eq!(c.next(1050, None), Plan::Fetch(FetchReason::Expired));
        let old = ok(&["a"])
            .with_header("Cache-Control", "max-age=300")
            .with_header("Age", "99999");
        c.on_response(2000, &old).unwrap();
        assert!(
            !c.current().unwrap().is_fresh(2000),
            "older than max-age: stale at once"
        );
        c.on_response(3000, &ok(&["a"]).with_header("Age", "junk"))
            .unwrap();
        assert_eq!(c.current().unwrap().fetched_at, 3000);
    }

    #[test]
    fn peek_does_not_start_the_cooldown() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert_eq!(c.peek(0, None), Plan::Fetch(FetchReason::Initial));
        assert_eq!(c.peek(0, None), Plan::Fetch(FetchReason::Initial));
        assert_eq!(c.next(0, None), Plan::Fetch(FetchReason::Initial));
        c.on_response(0, &ok(&["a"])).unwrap();
        assert_eq!(c.peek(40, Some("b")), Plan::Fetch(FetchReason::UnknownKid));
        assert_eq!(c.peek(40, Some("b")), Plan::Fetch(FetchReason::UnknownKid));
    }

    #[test]
    fn refreshed_ahead_of_expiry_and_stale_served_up_to_a_cap() {
        let policy = CachePolicy {
            max_stale: 100,
            ..CachePolicy::default()
        };
        let mut c = JwksCache::new(URI, policy).unwrap();
        assert!(!c.next_refresh(0), "no set: nothing to refresh");
        assert!(matches!(c.next(0, None), Plan::Fetch(_)));
        let fresh_for_600 = HttpResponse::new(200, jwks(&["a"]));
        c.on_response(0, &fresh_for_600).unwrap();
        // the last tenth of 600 s: from 540
        assert!(!c.next_refresh(539));
        assert!(c.next_refresh(540));
        assert!(!c.next_refresh(541), "an attempt starts the cooldown");
        c.on_response(541, &ok(&["a", "b"])).unwrap();
        assert_eq!(c.generation(), 2);
        assert!(!c.next_refresh(1000));
        // the provider goes down: the stale set is served for max_stale past its freshness, then dropped
        let down = || Error::HttpError {
            message: "down".into(),
            status: None,
        };
        assert_eq!(c.next(1141, None), Plan::Fetch(FetchReason::Expired));
        c.on_failure(1141, down()).unwrap_err();
        assert!(c.current().is_some());
        assert_eq!(c.next(1241, None), Plan::Fetch(FetchReason::Expired));
        c.on_failure(1241, down()).unwrap_err();
        assert!(
            c.current().is_some(),
            "100 s past its freshness: still served"
        );
        assert_eq!(c.next(1242, None), Plan::UseCurrent, "cooldown");
        assert_eq!(c.next(1272, None), Plan::Fetch(FetchReason::Expired));
        c.on_failure(1272, down()).unwrap_err();
        assert!(c.current().is_none(), "past the cap: dropped");
        assert_eq!(c.generation(), 3, "a new generation: users drop it too");
        assert_eq!(c.fetch_counts(), (2, 3));
        assert_eq!(c.fresh_until(), None);
        assert!(matches!(c.next(1280, None), Plan::Fail(_)));
        assert_eq!(c.next(1302, None), Plan::Fetch(FetchReason::Initial));
        c.on_response(1302, &ok(&["a"])).unwrap();
        assert!(c.current().is_some());
    }

    #[test]
    fn polling_callers_wait_for_the_fetch_in_flight_then_presume_it_lost() {
        let policy = CachePolicy {
            cooldown: 1,
            ..CachePolicy::default()
        };
        let mut c = JwksCache::new(URI, policy).unwrap();
        // a cold cache: the first caller fetches, the others wait (timeout 5: until 7 s after its start)
        assert_eq!(
            c.next_polling(100, Some("a"), 5),
            Plan::Fetch(FetchReason::Initial)
        );
        for t in [100, 103, 106] {
            assert_eq!(c.next_polling(t, Some("a"), 5), Plan::Wait, "at {t}");
            assert_eq!(c.next_polling(t, None, 5), Plan::Wait);
        }
        assert_eq!(c.peek_polling(106, None, 5), Plan::Wait);
        // never answered (its request cancelled): the next caller fetches itself, the others wait for that one
        assert_eq!(
            c.next_polling(107, Some("a"), 5),
            Plan::Fetch(FetchReason::Initial)
        );
        assert_eq!(c.next_polling(107, Some("a"), 5), Plan::Wait);
        c.on_response(108, &ok(&["a"])).unwrap();
        assert_eq!(c.next_polling(108, Some("a"), 5), Plan::UseCurrent);

        // a refetch in flight for an unknown kid: those that lack it wait, known kids use the set at once
        assert_eq!(
            c.next_polling(110, Some("b"), 5),
            Plan::Fetch(FetchReason::UnknownKid)
        );
        assert_eq!(c.next_polling(110, Some("c"), 5), Plan::Wait);
        assert_eq!(c.next_polling(110, Some("a"), 5), Plan::UseCurrent);
        assert_eq!(c.next_polling(110, None, 5), Plan::UseCurrent);
        c.on_response(110, &ok(&["a", "b"])).unwrap();
        assert_eq!(c.next_polling(110, Some("b"), 5), Plan::UseCurrent);
        assert_eq!(
            c.next_polling(110, Some("c"), 5),
            Plan::UseCurrent,
            "still unknown once the fetch landed: the cooldown holds"
        );
        // the set expires: no second fetch while one is in flight, the stale set serves those it has keys for
        assert_eq!(
            c.next_polling(711, Some("a"), 5),
            Plan::Fetch(FetchReason::Expired)
        );
        assert_eq!(c.next_polling(713, Some("a"), 5), Plan::UseCurrent);
        assert_eq!(c.next_polling(713, Some("z"), 5), Plan::Wait);

        // a failed fetch ends the wait: without a set, its error until the cooldown passes
        let mut cold = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert!(matches!(cold.next_polling(0, None, 5), Plan::Fetch(_)));
        assert_eq!(cold.next_polling(1, None, 5), Plan::Wait);
        cold.on_failure(
            5,
            Error::HttpError {
                message: "timed out".into(),
                status: None,
            },
        )
        .unwrap_err();
        assert!(matches!(cold.next_polling(5, None, 5), Plan::Fail(_)));
        // a background refresh in flight: an unknown kid waits for it
        let mut warm = JwksCache::new(URI, CachePolicy::default()).unwrap();
        warm.next(0, None);
        warm.on_response(0, &ok(&["a"])).unwrap();
        assert!(warm.next_refresh(550));
        assert_eq!(warm.next_polling(551, Some("b"), 5), Plan::Wait);
        assert_eq!(warm.next_polling(551, Some("a"), 5), Plan::UseCurrent);
        // the shared path's next never says Wait
        assert_eq!(warm.next(551, Some("b")), Plan::UseCurrent);
    }

    #[test]
    fn no_set_and_a_recent_failure_fails_fast() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert!(matches!(c.next(0, None), Plan::Fetch(_)));
        c.on_failure(
            0,
            Error::HttpError {
                message: "network".into(),
                status: None,
            },
        )
        .unwrap_err();
        assert!(matches!(
            c.next(5, None),
            Plan::Fail(Error::HttpError { .. })
        ));
        assert_eq!(c.next(30, None), Plan::Fetch(FetchReason::Initial));
        assert!(JwksCache::new("http://idp.example.com/jwks", CachePolicy::default()).is_err());
    }
}
