//! A bounded cache of verified access tokens (DESIGN.md: "Verified tokens may be cached by their SHA-256 until
//! exp"), sans-IO: the caller passes `now`.
//!
//! - The key is the SHA-256 of the whole token (header, payload and signature), so a token that differs in
//!   one byte — a tampered signature — is a different entry, and the cache holds no bearer credential.
//! - An entry is served only while the token is not expired at the caller's `now`, re-checked at every hit with
//!   the verifier's rule (`exp <= now - clock_tolerance` is expired); an expired entry is dropped when found.
//! - It remembers the key-set generation its entries were verified with: entries of another generation are
//!   dropped ([`TokenCache::sync_generation`]), so a key removed from the JWKS stops accepting its tokens.
//! - Only claims are kept: scope requirements are checked per request by the caller.
//! - At most `capacity` entries; when full, expired entries go first, then the oldest.

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
    generation: u64,
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

impl TokenCache<Claims> {
    /// Remembers a token just verified at `now`. Tokens without a numeric `exp`, or already expired, are
    /// not kept.
    pub fn insert(&mut self, token: &str, claims: Claims, now: u64) {
        let exp = claims.get("exp").cloned();
        self.insert_value(token, claims, exp.as_ref(), now);
    }
}

impl<T: Clone> TokenCache<T> {
    /// A cache of at most `capacity` tokens, with the verifier's clock tolerance.
    pub fn new(capacity: usize, clock_tolerance: u64) -> Self {
        TokenCache {
            capacity,
            clock_tolerance,
            generation: 0,
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

    /// Drops every entry when `generation` (of the key set) differs from the one the entries were verified
    /// with.
    pub fn sync_generation(&mut self, generation: u64) {
        if generation != self.generation {
            self.clear();
            self.generation = generation;
        }
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

    #[test]
    fn serves_until_exp_rechecked_at_each_hit() {
        let mut c = TokenCache::new(10, 0);
        c.insert("a.b.c", claims(100), 50);
        assert!(c.get("a.b.c", 99).is_some());
        assert!(
            c.get("a.b.d", 99).is_none(),
            "another token (one byte differs)"
        );
        assert!(c.get("a.b.c", 100).is_none(), "exp <= now is expired");
        assert!(c.is_empty(), "dropped when found expired");
        c.insert("x", claims(100), 100);
        assert!(c.is_empty(), "never stores an expired token");
        let mut tolerant = TokenCache::new(10, 5);
        tolerant.insert("t", claims(100), 100);
        assert!(tolerant.get("t", 104).is_some());
        assert!(tolerant.get("t", 105).is_none());
    }

    #[test]
    fn no_exp_not_cached_and_zero_capacity_disables() {
        let mut c = TokenCache::new(10, 0);
        c.insert("t", object(json!({"sub": "u"})), 0);
        assert!(c.is_empty());
        c.insert("t", object(json!({"exp": "soon"})), 0);
        assert!(c.is_empty());
        let mut off = TokenCache::new(0, 0);
        off.insert("t", claims(100), 0);
        assert!(off.get("t", 1).is_none());
    }

    #[test]
    fn bounded_expired_first_then_oldest() {
        let mut c = TokenCache::new(3, 0);
        c.insert("old", claims(1000), 0);
        c.insert("short", claims(20), 0);
        c.insert("mid", claims(1000), 0);
        c.insert("new", claims(1000), 30); // "short" is expired at 30: it goes first
        assert_eq!(c.len(), 3);
        assert!(c.get("old", 30).is_some());
        c.insert("newer", claims(1000), 30); // full, nothing expired: the oldest goes
        assert_eq!(c.len(), 3);
        assert!(c.get("old", 30).is_none());
        assert!(c.get("newer", 30).is_some());
        for i in 0..1000 {
            c.insert(&format!("t{i}"), claims(1000), 30);
        }
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn a_new_key_set_drops_everything() {
        let mut c = TokenCache::new(10, 0);
        c.sync_generation(1);
        c.insert("t", claims(100), 0);
        c.sync_generation(1);
        assert!(c.get("t", 1).is_some());
        c.sync_generation(2);
        assert!(c.get("t", 1).is_none());
    }
}
