//! Proof Key for Code Exchange (RFC 7636): verifiers, challenges, and random tokens for `state` / `nonce`.

use crate::error::{Error, Result, quote};
use crate::jose::base64url;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroize;

/// Shortest verifier RFC 7636 §4.1 allows.
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest verifier RFC 7636 §4.1 allows.
pub const MAX_VERIFIER_LEN: usize = 128;
/// Length of generated verifiers unless asked otherwise (384 bits of entropy).
pub const DEFAULT_VERIFIER_LEN: usize = 64;
/// Fewest random bytes [`random_token`] hands out: 128 bits, RFC 6749 §10.10's floor for guessable values.
pub const MIN_TOKEN_BYTES: usize = 16;
/// Most random bytes [`random_token`] hands out.
pub const MAX_TOKEN_BYTES: usize = 512;

/// How the challenge is derived from the verifier (RFC 7636 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChallengeMethod {
    /// `BASE64URL(SHA256(verifier))` — the only method to use when the client can compute SHA-256.
    #[default]
    S256,
    /// The challenge is the verifier itself; RFC 7636 §7.2 allows it only where S256 is impossible.
    Plain,
}

impl ChallengeMethod {
    /// The wire name: `S256` or `plain`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeMethod::S256 => "S256",
            ChallengeMethod::Plain => "plain",
        }
    }
}

impl fmt::Display for ChallengeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChallengeMethod {
    type Err = Error;
    /// Exact, case-sensitive names (RFC 7636 §4.3): `"s256"` is an error, not `S256`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "S256" => Ok(ChallengeMethod::S256),
            "plain" => Ok(ChallengeMethod::Plain),
            other => Err(Error::InvalidRequest(format!(
                "code challenge method must be \"S256\" or \"plain\", found {other}",
                other = quote(other)
            ))),
        }
    }
}

/// A verifier and the challenge derived from it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    /// Kept by the client, sent with the token request.
    pub code_verifier: String,
    /// Sent in the authorization request.
    pub code_challenge: String,
    /// How `code_challenge` was derived.
    pub code_challenge_method: ChallengeMethod,
}

impl fmt::Debug for Pkce {
    // The verifier is a secret until the code is redeemed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("code_verifier", &"<redacted>")
            .field("code_challenge", &self.code_challenge)
            .field("code_challenge_method", &self.code_challenge_method)
            .finish()
    }
}

impl Pkce {
    /// A fresh verifier of `length` characters (43..=128) from the system's secure random source.
    ///
    /// Errors: `invalid_pkce_verifier` for a length outside 43..=128, `invalid_request` if no secure random
    /// source is available.
    pub fn generate(method: ChallengeMethod, length: usize) -> Result<Self> {
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&length) {
            return Err(Error::InvalidPkceVerifier(format!(
                "verifier length must be {MIN_VERIFIER_LEN}..={MAX_VERIFIER_LEN}, found {length}"
            )));
        }
        // Every base64url character is one of RFC 7636's unreserved characters and carries 6 random bits.
        let mut encoded = base64url::encode(random_bytes(length.div_ceil(4) * 3)?);
        encoded.truncate(length);
        Self::from_verifier(encoded, method)
    }

    /// The pair for a verifier the caller already has (checked against RFC 7636 §4.1).
    pub fn from_verifier(code_verifier: String, method: ChallengeMethod) -> Result<Self> {
        let code_challenge = challenge(&code_verifier, method)?;
        Ok(Pkce {
            code_verifier,
            code_challenge,
            code_challenge_method: method,
        })
    }
}

/// Checks a verifier: 43..=128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
pub fn check_verifier(verifier: &str) -> Result<()> {
    // The usual verifier, all unreserved (so ASCII: a byte a character), needs no character decoding.
    let len = verifier.len();
    if (MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len)
        && verifier.bytes().all(|b| is_unreserved(char::from(b)))
    {
        return Ok(());
    }
    let len = verifier.chars().count();
    if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) {
        return Err(Error::InvalidPkceVerifier(format!(
            "verifier must be {MIN_VERIFIER_LEN}..={MAX_VERIFIER_LEN} characters, found {len}"
        )));
    }
    if let Some((i, c)) = verifier
        .chars()
        .enumerate()
        .find(|&(_, c)| !is_unreserved(c))
    {
        return Err(Error::InvalidPkceVerifier(format!(
            "verifier may only hold A-Z a-z 0-9 - . _ ~, found {c:?} at position {i}"
        )));
    }
    Ok(())
}

/// The challenge for a verifier (RFC 7636 §4.2). Errors: `invalid_pkce_verifier`.
pub fn challenge(verifier: &str, method: ChallengeMethod) -> Result<String> {
    check_verifier(verifier)?;
    Ok(match method {
        ChallengeMethod::S256 => base64url::encode(Sha256::digest(verifier.as_bytes())),
        ChallengeMethod::Plain => verifier.to_owned(),
    })
}

/// Checks that a challenge could have come from `method`: 43 base64url characters for S256, a valid
/// verifier for plain. Errors: `invalid_request`.
pub fn check_challenge(challenge: &str, method: ChallengeMethod) -> Result<()> {
    let ok = match method {
        ChallengeMethod::S256 => {
            challenge.len() == 43 && base64url::decode(challenge).is_some_and(|d| d.len() == 32)
        }
        ChallengeMethod::Plain => check_verifier(challenge).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "code challenge is not a {method} challenge (RFC 7636 §4.2)"
        )))
    }
}

/// `bytes` random bytes (16..=512) as base64url: for `state`, `nonce` and the like.
/// Errors: `invalid_request` for a size outside 16..=512 or no secure random source.
pub fn random_token(bytes: usize) -> Result<String> {
    if !(MIN_TOKEN_BYTES..=MAX_TOKEN_BYTES).contains(&bytes) {
        return Err(Error::InvalidRequest(format!(
            "random token size must be {MIN_TOKEN_BYTES}..={MAX_TOKEN_BYTES} bytes, found {bytes}"
        )));
    }
    Ok(base64url::encode(random_bytes(bytes)?))
}

/// Bytes drawn from the system's secure random source ahead of use, so that a call costs a copy, not a call
/// out of WebAssembly (`crypto.getRandomValues` alone costs more than the whole `randomToken` budget in Node).
/// Each byte is handed out once and zeroed as it goes; the pool is refilled when what is left is too short.
struct RandomPool {
    bytes: [u8; POOL_BYTES],
    /// How many of `bytes`, from the start, were handed out (zeroed) already.
    used: usize,
}

/// The pool's size: 32 tokens of 32 bytes per refill; at least [`MAX_TOKEN_BYTES`].
const POOL_BYTES: usize = 1024;

thread_local! {
    static POOL: RefCell<RandomPool> = const {
        RefCell::new(RandomPool { bytes: [0; POOL_BYTES], used: POOL_BYTES })
    };
}

fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let unavailable = |e: getrandom::Error| {
        Error::InvalidRequest(format!("no secure random source is available: {e}"))
    };
    let mut out = vec![0u8; n];
    if n > POOL_BYTES {
        getrandom::fill(&mut out).map_err(unavailable)?;
        return Ok(out);
    }
    POOL.with_borrow_mut(|pool| {
        if POOL_BYTES - pool.used < n {
            getrandom::fill(&mut pool.bytes[..]).map_err(unavailable)?;
            pool.used = 0;
        }
        let start = pool.used;
        for (dst, src) in out.iter_mut().zip(pool.bytes.iter_mut().skip(start)) {
            *dst = *src;
            src.zeroize();
        }
        pool.used = start + n;
        Ok(out)
    })
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_verifiers_have_the_asked_length_and_alphabet() {
        for len in [43, 44, 45, 46, 64, 127, 128] {
            let p = Pkce::generate(ChallengeMethod::S256, len).unwrap();
            assert_eq!(p.code_verifier.len(), len);
            check_verifier(&p.code_verifier).unwrap();
            assert_eq!(
                p.code_challenge,
                challenge(&p.code_verifier, ChallengeMethod::S256).unwrap()
            );
            check_challenge(&p.code_challenge, ChallengeMethod::S256).unwrap();
        }
        let a = Pkce::generate(ChallengeMethod::S256, 43).unwrap();
        let b = Pkce::generate(ChallengeMethod::S256, 43).unwrap();
        assert_ne!(a.code_verifier, b.code_verifier);
    }

    #[test]
    fn lengths_outside_the_rfc_are_refused() {
        for len in [0, 42, 129, usize::MAX] {
            assert_eq!(
                Pkce::generate(ChallengeMethod::S256, len)
                    .unwrap_err()
                    .code(),
                "invalid_pkce_verifier"
            );
        }
    }

    #[test]
    fn plain_challenge_is_the_verifier() {
        let p = Pkce::generate(ChallengeMethod::Plain, 50).unwrap();
        assert_eq!(p.code_challenge, p.code_verifier);
        let s = Pkce::generate(ChallengeMethod::S256, 50).unwrap();
        assert!(!format!("{s:?}").contains(&s.code_verifier));
    }

    #[test]
    fn verifier_alphabet_is_enforced() {
        let base = "a".repeat(42);
        for bad in ["+", "/", "=", " ", "é", "%"] {
            let v = format!("{base}{bad}");
            assert_eq!(
                check_verifier(&v).unwrap_err().code(),
                "invalid_pkce_verifier",
                "{v}"
            );
        }
        check_verifier(&format!("{base}~")).unwrap();
        check_verifier(&format!("{}-._~", "Z9".repeat(20))).unwrap();
    }

    #[test]
    fn method_names_are_exact() {
        assert_eq!(
            "S256".parse::<ChallengeMethod>().unwrap(),
            ChallengeMethod::S256
        );
        assert_eq!(
            "plain".parse::<ChallengeMethod>().unwrap(),
            ChallengeMethod::Plain
        );
        assert_eq!(
            "s256".parse::<ChallengeMethod>().unwrap_err().code(),
            "invalid_request"
        );
    }

    #[test]
    fn the_pool_hands_out_each_byte_once_across_refills() {
        // 1024-byte pool: sizes that do not divide it straddle each refill; a byte handed out twice, or a
        // zeroed one, would show as a repeat or a run of zeros.
        let mut seen = std::collections::HashSet::new();
        for n in [16, 32, 48, 100, 512, 511, 333] {
            for _ in 0..40 {
                let bytes = random_bytes(n).unwrap();
                assert_eq!(bytes.len(), n);
                assert!(
                    bytes.windows(8).all(|w| w.iter().any(|&b| b != 0)),
                    "a run of zeros"
                );
                assert!(seen.insert(bytes), "a repeat");
            }
        }
        assert_eq!(
            random_bytes(4096).unwrap().len(),
            4096,
            "longer than the pool: drawn directly"
        );
    }

    #[test]
    fn random_tokens() {
        assert_eq!(random_token(32).unwrap().len(), 43);
        assert_eq!(random_token(15).unwrap_err().code(), "invalid_request");
        assert_eq!(random_token(513).unwrap_err().code(), "invalid_request");
    }
}
