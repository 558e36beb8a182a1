//! The caching policy of a remote JWK set (the provider's `jwks_uri`), as a sans-IO state machine: the caller
//! passes `now` (seconds), asks [`JwksCache::next`] what to do, sends [`JwksCache::request`] when told to, and
//! hands the answer to [`JwksCache::on_response`].
//!
//! - A set is fresh for `max-age` from its `Cache-Control` header, bounded to
//!   [`CachePolicy::min_max_age`]..=[`CachePolicy::max_max_age`] (default 60 s..24 h);
//!   [`CachePolicy::default_max_age`] (10 min) without one; `no-cache`/`no-store` mean the minimum.
//! - A token whose `kid` is not in the fresh set triggers a refetch (keys rotate), at most once per
//!   [`CachePolicy::cooldown`] (30 s) however many unknown `kid`s arrive: a flood of made-up `kid`s costs the
//!   provider one request per cooldown.
//! - When a fetch fails (network, status, not a JWK set), the last good set keeps being served, and the next
//!   attempt waits for the cooldown.
//! - The only URL ever fetched is the one given at construction: never one taken from a token (`jku`, `x5u`).
//!
//! The set is kept generic — the JSON text, the parsed object and its `kid`s — so that the usable key set type
//! can be built from it by whoever verifies.

use crate::endpoint::parse_endpoint;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, http_error};
use crate::json;
use serde_json::{Map, Value};

/// The largest JWKS body accepted, in bytes.
pub const MAX_JWKS_BYTES: usize = 512 * 1024;

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
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy {
            default_max_age: 600,
            min_max_age: 60,
            max_max_age: 86_400,
            cooldown: 30,
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

/// A JWK set as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedJwks {
    /// The body, as received.
    pub json: String,
    /// The parsed set: an object with a non-empty `keys` array of objects.
    pub value: Map<String, Value>,
    /// The `kid` of every key that has one, in order.
    pub key_ids: Vec<String>,
    /// When it was fetched.
    pub fetched_at: u64,
    /// How long it is fresh.
    pub max_age: u64,
}

impl CachedJwks {
    /// Parses a JWK set. Errors: `invalid_jwk` when it is not an object whose `keys` is a non-empty array of
    /// objects, or a `kid` is not a string, or on duplicate JSON members.
    pub fn parse(json_text: &str, fetched_at: u64, max_age: u64) -> Result<Self> {
        let value = json::parse_object(json_text)
            .map_err(|e| Error::InvalidJwk(format!("the JWKS is not a JSON object: {e}")))?;
        let keys = match value.get("keys") {
            Some(Value::Array(keys)) if !keys.is_empty() => keys,
            Some(Value::Array(_)) => return Err(Error::InvalidJwk("the JWKS has no keys".into())),
            _ => return Err(Error::InvalidJwk("the JWKS has no \"keys\" array".into())),
        };
        let mut key_ids = Vec::new();
        for key in keys {
            let Value::Object(key) = key else {
                return Err(Error::InvalidJwk(format!(
                    "a JWKS key must be an object, found {}",
                    json::kind(key)
                )));
            };
            match key.get("kid") {
                None => {}
                Some(Value::String(kid)) => key_ids.push(kid.clone()),
                Some(other) => {
                    return Err(Error::InvalidJwk(format!(
                        "kid must be a string, found {}",
                        json::kind(other)
                    )));
                }
            }
        }
        Ok(CachedJwks {
            json: json_text.to_owned(),
            value,
            key_ids,
            fetched_at,
            max_age,
        })
    }

    /// Whether the set is still fresh at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        now.saturating_sub(self.fetched_at) < self.max_age
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
    last_attempt: Option<u64>,
    last_error: Option<Error>,
}

impl JwksCache {
    /// A cache for `jwks_uri`. Errors: `invalid_request` for a URL that is not https (http only on loopback),
    /// or a bad policy.
    pub fn new(jwks_uri: &str, policy: CachePolicy) -> Result<Self> {
        parse_endpoint("jwksUri", jwks_uri)?;
        policy.check()?;
        Ok(JwksCache {
            jwks_uri: jwks_uri.to_owned(),
            policy,
            current: None,
            last_attempt: None,
            last_error: None,
        })
    }

    /// The JWKS URL.
    pub fn jwks_uri(&self) -> &str {
        &self.jwks_uri
    }

    /// The GET to send when [`JwksCache::next`] says [`Plan::Fetch`].
    pub fn request(&self) -> HttpRequest {
        HttpRequest::get(
            self.jwks_uri.clone(),
            "application/jwk-set+json, application/json",
        )
    }

    /// The last good set, fresh or not.
    pub fn current(&self) -> Option<&CachedJwks> {
        self.current.as_ref()
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
        let plan = match &self.current {
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
        };
        if matches!(plan, Plan::Fetch(_)) {
            self.last_attempt = Some(now);
        }
        plan
    }

    /// Takes the answer to [`JwksCache::request`]. A good set replaces the current one; on failure the current
    /// one stays, and the error is returned (and kept for [`Plan::Fail`]).
    ///
    /// Errors: `http_error` with the status for a non-2xx response or a body over [`MAX_JWKS_BYTES`];
    /// `invalid_jwk` for a body that is not a JWK set (see [`CachedJwks::parse`]).
    pub fn on_response(&mut self, now: u64, response: &HttpResponse) -> Result<()> {
        self.on_response_checked(now, response, |_| Ok(()))
    }

    /// Like [`JwksCache::on_response`], with a further check of the parsed set before it replaces the current
    /// one: e.g. that it holds at least one usable key (building the verifier's key set from
    /// [`CachedJwks::json`]). A set the check refuses counts as a failed fetch: the last good set stays.
    pub fn on_response_checked(
        &mut self,
        now: u64,
        response: &HttpResponse,
        check: impl FnOnce(&CachedJwks) -> Result<()>,
    ) -> Result<()> {
        let result = if !response.is_success() {
            Err(http_error(
                response.status,
                format!("the JWKS endpoint answered HTTP {}", response.status),
            ))
        } else if response.body.len() > MAX_JWKS_BYTES {
            Err(http_error(
                response.status,
                format!("the JWKS is larger than {MAX_JWKS_BYTES} bytes"),
            ))
        } else {
            let max_age = self.policy.max_age(response.header("cache-control"));
            CachedJwks::parse(&response.body, now, max_age)
                .and_then(|set| check(&set).map(|()| set))
        };
        self.on_result(result)
    }

    /// Records a fetch that failed before any response (network error, timeout).
    pub fn on_failure(&mut self, error: Error) -> Result<()> {
        self.on_result(Err(error))
    }

    fn on_result(&mut self, result: Result<CachedJwks>) -> Result<()> {
        match result {
            Ok(set) => {
                self.current = Some(set);
                self.last_error = None;
                Ok(())
            }
            Err(e) => {
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
            .map(|k| format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"AA","kid":"{k}"}}"#))
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
    fn no_set_and_a_recent_failure_fails_fast() {
        let mut c = JwksCache::new(URI, CachePolicy::default()).unwrap();
        assert!(matches!(c.next(0, None), Plan::Fetch(_)));
        c.on_failure(Error::HttpError {
            message: "network".into(),
            status: None,
        })
        .unwrap_err();
        assert!(matches!(
            c.next(5, None),
            Plan::Fail(Error::HttpError { .. })
        ));
        assert_eq!(c.next(30, None), Plan::Fetch(FetchReason::Initial));
        assert!(JwksCache::new("http://idp.example.com/jwks", CachePolicy::default()).is_err());
    }
}
