//! A bounded cache of verified access tokens (DESIGN.md: "Verified tokens may be cached by their SHA-256 until
//! exp"), sans-IO: the caller passes `now`.
//!
//! - The key is the SHA-256 of the whole token (header, payload and signature), so a token that differs in
//!   one byte — a tampered signature — is a different entry, and the cache holds no bearer credential.
//! - An entry is served only while the token is not expired at the caller's `now`, re-checked at every hit with
//!   the verifier's rule (`exp <= now - clock_tolerance` is expired); an expired entry is dropped when found.
//! - Only claims are kept: scope requirements are checked per request by the caller.
//! - At most `capacity` entries; when full, expired entries go first, then the oldest.
//!
//! [`CachingVerifier`] is the one way the resource server uses it, for `TokenVerifier`'s `cache` and the edge
//! guard's `tokenCache` alike: a [`TokenVerifier`], its cache, and the key-set generation the entries were
//! verified with. A new generation empties the cache, so a key removed from the JWKS stops accepting its
//! tokens; both options are `{ maxEntries }` in 1..=[`MAX_TOKEN_CACHE_ENTRIES`].

use crate::error::{Error, Result};
use crate::jose::JwkSet;
use crate::verify::TokenVerifier;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// A verified token's claims, shared between the cache and its hits.
pub type Claims = Arc<Map<String, Value>>;

struct Entry<T> {
    value: T,
    exp: u64,
}

/// The cache, of claims (the edge guard) or of any value derived from a verified token (`T`, e.g. the
/// `TokenVerifier` binding keeps the verified header and claims). `capacity == 0` disables it.
pub struct TokenCache<T = Claims> {
    capacity: usize,
    clock_tolerance: u64,
    entries: HashMap<[u8; 32], Entry<T>>,
    order: VecDeque<[u8; 32]>,
}

impl<T> std::fmt::Debug for TokenCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("capacity", &self.capacity)
            .field("len", &self.entries.len())
            .finish()
    }
}

/// The cache key of a token: its SHA-256.
pub fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl<T: Clone> TokenCache<T> {
    /// A cache of at most `capacity` tokens, with the verifier's clock tolerance.
    pub fn new(capacity: usize, clock_tolerance: u64) -> Self {
        TokenCache {
            capacity,
            clock_tolerance,
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    fn expired(&self, exp: u64, now: u64) -> bool {
        exp <= now.saturating_sub(self.clock_tolerance)
    }

    /// The claims (the value) of `token` when it was verified and is not expired at `now`.
    pub fn get(&mut self, token: &str, now: u64) -> Option<T> {
        if self.capacity == 0 {
            return None;
        }
        let key = token_key(token);
        let exp = self.entries.get(&key)?.exp;
        if self.expired(exp, now) {
            self.entries.remove(&key);
            self.order.retain(|k| k != &key);
            return None;
        }
        self.entries.get(&key).map(|e| e.value.clone())
    }

    /// Remembers `value` for a token just verified at `now`, whose `exp` claim is `exp`. Tokens without a
    /// numeric `exp`, or already expired, are not kept.
    pub fn insert_value(&mut self, token: &str, value: T, exp: Option<&Value>, now: u64) {
        if self.capacity == 0 {
            return;
        }
        let Some(exp) = exp.and_then(Value::as_f64) else {
            return;
        };
        if !exp.is_finite() || exp < 0.0 {
            return;
        }
        // A fractional exp is expired once `now` reaches its integer part rounded down, as the verifier has it.
        let exp = exp.floor() as u64;
        if self.expired(exp, now) {
            return;
        }
        let key = token_key(token);
        if self.entries.contains_key(&key) {
            return;
        }
        if self.entries.len() >= self.capacity {
            self.evict(now);
        }
        self.entries.insert(key, Entry { value, exp });
        self.order.push_back(key);
    }

    fn evict(&mut self, now: u64) {
        let before = self.entries.len();
        let tolerance = self.clock_tolerance;
        self.entries
            .retain(|_, e| e.exp > now.saturating_sub(tolerance));
        if self.entries.len() < before {
            let entries = &self.entries;
            self.order.retain(|k| entries.contains_key(k));
        }
        while self.entries.len() >= self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.entries.remove(&oldest);
                }
                None => break,
            }
        }
    }
}

/// The most entries a verified-token cache may be given: 2^20.
pub const MAX_TOKEN_CACHE_ENTRIES: usize = 1 << 20;

/// `{ maxEntries }`: the verified-token cache asked for (`TokenVerifier`'s `cache`, the edge guard's
/// `tokenCache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenCacheConfig {
    /// At most this many tokens, 1..=[`MAX_TOKEN_CACHE_ENTRIES`].
    pub max_entries: u64,
}

/// A [`TokenVerifier`] with its verified-token cache, tied to the generation of the key set it verifies with
/// (see [`crate::server::JwksCache::generation`]).
pub struct CachingVerifier<T = Claims> {
    verifier: TokenVerifier,
    cache: TokenCache<T>,
    generation: Option<u64>,
}

impl<T> std::fmt::Debug for CachingVerifier<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingVerifier")
            .field("verifier", &self.verifier)
            .field("cache", &self.cache)
            .field("generation", &self.generation)
            .finish()
    }
}

impl<T: Clone> CachingVerifier<T> {
    /// `verifier` with the cache `cache` asks for (none: no cache). `member` names the option in messages
    /// (`cache`, `tokenCache`).
    ///
    /// Errors: `invalid_request` for a `maxEntries` outside 1..=[`MAX_TOKEN_CACHE_ENTRIES`].
    pub fn new(
        verifier: TokenVerifier,
        member: &str,
        cache: Option<TokenCacheConfig>,
    ) -> Result<Self> {
        let capacity = match cache {
            None => 0,
            Some(TokenCacheConfig { max_entries }) => usize::try_from(max_entries)
                .ok()
                .filter(|n| (1..=MAX_TOKEN_CACHE_ENTRIES).contains(n))
                .ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "{member}.maxEntries must be an integer in 1..={MAX_TOKEN_CACHE_ENTRIES}, found {max_entries}"
                    ))
                })?,
        };
        let cache = TokenCache::new(capacity, verifier.clock_tolerance());
        Ok(CachingVerifier {
            verifier,
            cache,
            generation: None,
        })
    }

    /// The verifier.
    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    /// The generation of the key set in use, `None` before [`CachingVerifier::set_keys`].
    pub fn keys_generation(&self) -> Option<u64> {
        self.generation
    }

    /// Uses `jwks` from now on; a `generation` other than the current one empties the cache.
    pub fn set_keys(&mut self, jwks: JwkSet, generation: u64) {
        if self.generation != Some(generation) {
            self.verifier.set_jwks(jwks);
            self.cache.clear();
            self.generation = Some(generation);
        }
    }

    /// The value cached for `token`, if it was verified with the current keys and is not expired at `now`.
    pub fn cached(&mut self, token: &str, now: u64) -> Option<T> {
        self.cache.get(token, now)
    }

    /// Remembers the value `value` makes for `token`, just verified at `now` with claim `exp` (see
    /// [`TokenCache::insert_value`]); without a cache, `value` is not called.
    pub fn remember(
        &mut self,
        token: &str,
        exp: Option<&Value>,
        now: u64,
        value: impl FnOnce() -> T,
    ) {
        if self.cache.capacity > 0 {
            self.cache.insert_value(token, value(), exp, now);
        }
    }

    /// How many tokens are cached.
    pub fn cached_tokens(&self) -> usize {
        self.cache.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Claims {
        Arc::new(serde_json::from_value(v).unwrap())
    }

    fn claims(exp: u64) -> Claims {
        object(json!({ "sub": "u", "exp": exp }))
    }

    fn insert(c: &mut TokenCache, token: &str, claims: Claims, now: u64) {
        let exp = claims.get("exp").cloned();
        c.insert_value(token, claims, exp.as_ref(), now);
    }

    #[test]
    fn serves_until_exp_rechecked_at_each_hit() {
        let mut c = TokenCache::new(10, 0);
        insert(&mut c, "a.b.c", claims(100), 50);
        assert!(c.get("a.b.c", 99).is_some());
        assert!(
            c.get("a.b.d", 99).is_none(),
            "another token (one byte differs)"
        );
        assert!(c.get("a.b.c", 100).is_none(), "exp <= now is expired");
        assert!(c.is_empty(), "dropped when found expired");
        insert(&mut c, "x", claims(100), 100);
        assert!(c.is_empty(), "never stores an expired token");
        let mut tolerant = TokenCache::new(10, 5);
        insert(&mut tolerant, "t", claims(100), 100);
        assert!(tolerant.get("t", 104).is_some());
        assert!(tolerant.get("t", 105).is_none());
    }

    #[test]
    fn no_exp_not_cached_and_zero_capacity_disables() {
        let mut c = TokenCache::new(10, 0);
        insert(&mut c, "t", object(json!({"sub": "u"})), 0);
        assert!(c.is_empty());
        insert(&mut c, "t", object(json!({"exp": "soon"})), 0);
        assert!(c.is_empty());
        let mut off = TokenCache::new(0, 0);
        insert(&mut off, "t", claims(100), 0);
        assert!(off.get("t", 1).is_none());
    }

    #[test]
    fn bounded_expired_first_then_oldest() {
        let mut c = TokenCache::new(3, 0);
        insert(&mut c, "old", claims(1000), 0);
        insert(&mut c, "short", claims(20), 0);
        insert(&mut c, "mid", claims(1000), 0);
        insert(&mut c, "new", claims(1000), 30); // "short" is expired at 30: it goes first
        assert_eq!(c.len(), 3);
        assert!(c.get("old", 30).is_some());
        insert(&mut c, "newer", claims(1000), 30); // full, nothing expired: the oldest goes
        assert_eq!(c.len(), 3);
        assert!(c.get("old", 30).is_none());
        assert!(c.get("newer", 30).is_some());
        for i in 0..1000 {
            insert(&mut c, &format!("t{i}"), claims(1000), 30);
        }
        assert_eq!(c.len(), 3);
    }

    fn verifier() -> TokenVerifier {
        TokenVerifier::new(
            "https://idp.example.com",
            vec!["api".into()],
            JwkSet::empty(),
            crate::verify::VerifierOptions {
                clock_tolerance: 5,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn one_limit_one_message() {
        for (member, n) in [
            ("cache", 0),
            ("tokenCache", MAX_TOKEN_CACHE_ENTRIES as u64 + 1),
            ("cache", u64::MAX),
        ] {
            let e = CachingVerifier::<Claims>::new(
                verifier(),
                member,
                Some(TokenCacheConfig { max_entries: n }),
            )
            .unwrap_err();
            assert_eq!(e.code(), "invalid_request");
            assert_eq!(
                e.message(),
                format!("{member}.maxEntries must be an integer in 1..=1048576, found {n}")
            );
        }
        for n in [1, MAX_TOKEN_CACHE_ENTRIES as u64] {
            let config = Some(TokenCacheConfig { max_entries: n });
            assert!(CachingVerifier::<Claims>::new(verifier(), "cache", config).is_ok());
        }
    }

    #[test]
    fn no_config_no_cache_and_the_verifier_tolerance() {
        let mut off = CachingVerifier::new(verifier(), "cache", None).unwrap();
        let mut made = false;
        off.remember("t", Some(&json!(100)), 0, || {
            made = true;
            claims(100)
        });
        assert!(!made, "no cache: the value is not even made");
        assert_eq!((off.cached_tokens(), off.cached("t", 1)), (0, None));
        let config = Some(TokenCacheConfig { max_entries: 2 });
        let mut on = CachingVerifier::new(verifier(), "cache", config).unwrap();
        on.remember("t", Some(&json!(100)), 0, || claims(100));
        assert!(on.cached("t", 104).is_some(), "clock tolerance 5");
        assert!(on.cached("t", 105).is_none());
    }

    #[test]
    fn a_new_key_set_drops_everything() {
        let config = Some(TokenCacheConfig { max_entries: 10 });
        let mut c = CachingVerifier::new(verifier(), "cache", config).unwrap();
        assert_eq!(c.keys_generation(), None);
        c.set_keys(JwkSet::empty(), 1);
        c.remember("t", Some(&json!(100)), 0, || claims(100));
        c.set_keys(JwkSet::empty(), 1);
        assert!(c.cached("t", 1).is_some(), "the same generation keeps it");
        c.set_keys(JwkSet::empty(), 2);
        assert_eq!(c.keys_generation(), Some(2));
        assert!(c.cached("t", 1).is_none());
        assert_eq!(c.verifier().clock_tolerance(), 5);
    }
}
