//! The replay store: the `jti`s already accepted (of logout tokens, Back-Channel Logout 1.0 §2.6 item 9; of
//! DPoP proofs, RFC 9449 §11.1), each remembered until the token it came from expires, so that a token is
//! accepted once. [`ReplayStore`] is the one interface every use goes through; [`MemoryReplayStore`] is the
//! default: bounded, in memory, fail-closed when full. Sans-IO: the caller passes `now`.

use crate::error::{Error, Result};
use crate::jose::base64url;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// Where accepted `jti`s are remembered. An implementation must check and remember atomically: two calls with
/// the same key, even concurrent ones, answer `true` at most once while the entry lives.
pub trait ReplayStore {
    /// Remembers `key` until `expires_at` (seconds since the epoch) and answers `true` when it was not
    /// already remembered at `now`, `false` for a replay.
    ///
    /// Errors: the store could not decide (full, unavailable); the token is then refused.
    fn check_and_remember(&mut self, key: &str, expires_at: u64, now: u64) -> Result<bool>;
}

/// What a replay check needs of one token: its key in the store and how long to keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayEntry {
    /// `"<kind>:"` and the base64url SHA-256 of the fields that identify the token (a fixed size, so a
    /// long `jti` costs a store no more than a short one).
    pub key: String,
    /// Until when a replay must be refused: the token's `exp` plus the clock tolerance, after which the
    /// verifier refuses it as expired anyway.
    pub expires_at: u64,
}

impl ReplayEntry {
    /// The entry of a token of `kind` identified by `parts` (e.g. `iss` and `jti`), each one hashed with its
    /// length so that no two different lists share a key.
    pub fn new(kind: &str, parts: &[&str], expires_at: u64) -> Self {
        let mut hash = Sha256::new();
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        ReplayEntry {
            key: format!("{kind}:{}", base64url::encode(hash.finalize())),
            expires_at,
        }
    }

    /// Asks `store`. Errors: `token_replayed` for a replay, or the store's own error.
    pub fn check(&self, store: &mut dyn ReplayStore, now: u64) -> Result<()> {
        if store.check_and_remember(&self.key, self.expires_at, now)? {
            Ok(())
        } else {
            Err(replayed())
        }
    }
}

/// The error of a replay (a store answered `false`).
pub fn replayed() -> Error {
    Error::TokenReplayed("this \"jti\" was already accepted: the token is a replay".into())
}

/// The default [`MemoryReplayStore`] capacity.
pub const DEFAULT_REPLAY_ENTRIES: usize = 10_000;

/// The largest `maxEntries` a [`MemoryReplayStore`] takes (2^20, the verified-token cache's limit).
pub const MAX_REPLAY_ENTRIES: usize = 1 << 20;

/// The in-memory store's size (JS: `new ReplayCache({ maxEntries })`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayStoreConfig {
    /// At most this many remembered tokens, 1..=[`MAX_REPLAY_ENTRIES`]; default [`DEFAULT_REPLAY_ENTRIES`].
    pub max_entries: Option<usize>,
}

/// The default store: at most `capacity` live entries, each dropped once its `expires_at` passed. When it is
/// full of live entries it refuses new tokens (`token_replayed`) rather than forget one: forgetting would let
/// that token be replayed.
#[derive(Debug, Clone)]
pub struct MemoryReplayStore {
    capacity: usize,
    entries: HashMap<String, u64>,
    by_expiry: BTreeSet<(u64, String)>,
}

impl MemoryReplayStore {
    /// A store of [`ReplayStoreConfig::max_entries`] entries.
    ///
    /// Errors: `invalid_request` for 0 or more than [`MAX_REPLAY_ENTRIES`].
    pub fn new(config: ReplayStoreConfig) -> Result<Self> {
        let capacity = config.max_entries.unwrap_or(DEFAULT_REPLAY_ENTRIES);
        if !(1..=MAX_REPLAY_ENTRIES).contains(&capacity) {
            return Err(Error::InvalidRequest(format!(
                "replayStore.maxEntries must be in 1..={MAX_REPLAY_ENTRIES}, found {capacity}"
            )));
        }
        Ok(MemoryReplayStore {
            capacity,
            entries: HashMap::new(),
            by_expiry: BTreeSet::new(),
        })
    }

    /// How many entries it holds (expired ones included until the next check drops them).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops the entries whose `expires_at` is at or before `now`.
    fn purge(&mut self, now: u64) {
        while let Some((expires_at, _)) = self.by_expiry.first() {
            if *expires_at > now {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.entries.remove(&key);
            }
        }
    }
}

impl ReplayStore for MemoryReplayStore {
    fn check_and_remember(&mut self, key: &str, expires_at: u64, now: u64) -> Result<bool> {
        self.purge(now);
        if self.entries.contains_key(key) {
            return Ok(false);
        }
        if expires_at <= now {
            // Already expired: the verifier refuses it on its own, nothing to remember.
            return Ok(true);
        }
        if self.entries.len() >= self.capacity {
            return Err(Error::TokenReplayed(format!(
                "the replay store is full ({} tokens not yet expired): the token is refused, since it \
                 could not be remembered",
                self.capacity
            )));
        }
        self.entries.insert(key.to_owned(), expires_at);
        self.by_expiry.insert((expires_at, key.to_owned()));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn store(max: usize) -> MemoryReplayStore {
        MemoryReplayStore::new(ReplayStoreConfig {
            max_entries: Some(max),
        })
        .unwrap()
    }

    #[test]
    fn a_key_is_accepted_once_until_it_expires() {
        let mut s = store(10);
        assert!(s.check_and_remember("a", 100, 50).unwrap());
        assert!(!s.check_and_remember("a", 100, 99).unwrap());
        assert!(s.check_and_remember("b", 100, 99).unwrap());
        // at 100 both expired: dropped, so the key is new again (the verifier refuses the token as expired)
        assert!(s.check_and_remember("a", 200, 100).unwrap());
        assert_eq!(s.len(), 1);
        assert!(s.check_and_remember("c", 10, 100).unwrap());
        assert_eq!(s.len(), 1, "an expired entry is not kept");
    }

    #[test]
    fn a_full_store_refuses_rather_than_forgets() {
        let mut s = store(2);
        assert!(s.check_and_remember("a", 100, 0).unwrap());
        assert!(s.check_and_remember("b", 200, 0).unwrap());
        assert_eq!(
            s.check_and_remember("c", 300, 0).unwrap_err().code(),
            "token_replayed"
        );
        assert!(!s.check_and_remember("a", 100, 0).unwrap(), "a still held");
        // once "a" expired there is room again
        assert!(s.check_and_remember("c", 300, 100).unwrap());
        assert!(!s.check_and_remember("b", 200, 150).unwrap());
    }

    #[test]
    fn capacity_is_bounded() {
        for bad in [0, MAX_REPLAY_ENTRIES + 1] {
            let e = MemoryReplayStore::new(ReplayStoreConfig {
                max_entries: Some(bad),
            })
            .unwrap_err();
            assert_eq!(e.code(), "invalid_request");
        }
        assert_eq!(
            MemoryReplayStore::new(ReplayStoreConfig::default())
                .unwrap()
                .capacity,
            DEFAULT_REPLAY_ENTRIES
        );
    }

    #[test]
    fn entries_keys_are_fixed_size_and_unambiguous() {
        let a = ReplayEntry::new("logout", &["ab", "c"], 1);
        let b = ReplayEntry::new("logout", &["a", "bc"], 1);
        assert_ne!(a.key, b.key);
        assert!(a.key.starts_with("logout:"));
        let long = ReplayEntry::new("logout", &["i", &"j".repeat(10_000)], 1);
        assert_eq!(long.key.len(), a.key.len());
        let mut s = store(4);
        a.check(&mut s, 0).unwrap();
        assert_eq!(a.check(&mut s, 0).unwrap_err().code(), "token_replayed");
    }
}
