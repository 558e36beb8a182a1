//! JWS Compact Serialization (RFC 7515 §7.1) and its header rules, as two states of one token: parsed but
//! unverified, and verified. Only a signature check makes the second from the first: [`UnverifiedJws::verify`]
//! (the Rust algorithms), or [`PendingSignature::complete`] with a [`SignatureProof`].
//!
//! # The sans-IO split (for WebCrypto)
//!
//! [`UnverifiedToken::prepare`] applies every rule that comes before the signature (structure, header, the
//! allowlist, key selection by `kid`/`alg`, the ECDSA `r`/`s` range check of CVE-2022-21449 and the fixed
//! signature lengths) and returns a [`PendingSignature`]: the signing input, the signature, the algorithm and
//! the candidate keys. Whoever checks the signature then completes it with a [`SignatureProof`] naming the
//! candidate that verified. A proof comes only from [`PendingSignature::check_with_rust`] (the Rust
//! algorithms) or, in the wasm build, from the binding after `crypto.subtle.verify` resolved `true` for this
//! very input, signature and key (`src/js/verify.rs`): its constructor is private to the crate, and a proof
//! names the pending check it was made for, so it cannot complete another token. The trust boundary is
//! therefore the runtime's WebCrypto implementation (`globalThis.crypto.subtle`, read when the wasm module
//! calls it), exactly as for `jose`.

use crate::error::{Error, Result, cap, quote};
use crate::jose::alg::Algorithm;
use crate::jose::base64url;
use crate::jose::json::{self, parse_strict_slice};
use crate::jose::jwk::{Jwk, JwkSet};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};

/// The default cap on a token's length, checked before anything is decoded.
pub const DEFAULT_MAX_TOKEN_LENGTH: usize = 64 * 1024;

/// Header parameters RFC 7515 §4.1 and RFC 7518 define, which `crit` must not list (RFC 7515 §4.1.11).
const STANDARD_HEADERS: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// A protected header that passed the rules below. `jku`, `jwk`, `x5u` and `x5c` are kept as members but
/// never used to find a key.
#[derive(Debug, Clone)]
pub struct Header {
    alg: Algorithm,
    kid: Option<String>,
    typ: Option<String>,
    members: Map<String, Value>,
}

impl Header {
    fn parse(members: Map<String, Value>) -> Result<Self> {
        let alg = match members.get("alg") {
            Some(Value::String(name)) => Algorithm::from_name(name)?,
            Some(other) => {
                return Err(malformed(format!(
                    "\"alg\" must be a string, found {}",
                    json::kind(other)
                )));
            }
            None => {
                return Err(malformed(
                    "the header has no \"alg\" (RFC 7515 §4.1.1)".into(),
                ));
            }
        };
        // RFC 7797: an unencoded payload changes what is signed; we only implement the default.
        if let Some(b64) = members.get("b64") {
            if b64 != &Value::Bool(true) {
                return Err(Error::UnsupportedCriticalHeader(
                    "\"b64\": false (RFC 7797 unencoded payload) is not supported".into(),
                ));
            }
        }
        if let Some(crit) = members.get("crit") {
            check_crit(crit, &members)?;
        }
        let kid = header_string(&members, "kid")?;
        let typ = header_string(&members, "typ")?;
        Ok(Header {
            alg,
            kid,
            typ,
            members,
        })
    }

    /// The algorithm the token claims; a key only verifies it if the key allows it.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The `kid`, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `typ`, if any.
    pub fn typ(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// Any header member, as sent.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }
}

/// RFC 7515 §4.1.11: `crit` is a non-empty array of extension names present in the header. We process no
/// extension, so any valid `crit` is also a refusal.
fn check_crit(crit: &Value, members: &Map<String, Value>) -> Result<()> {
    let unsupported = |m: String| Err(Error::UnsupportedCriticalHeader(m));
    let Some(names) = crit.as_array() else {
        return unsupported(format!(
            "\"crit\" must be an array, found {}",
            json::kind(crit)
        ));
    };
    if names.is_empty() {
        return unsupported("\"crit\" must not be empty".into());
    }
    for name in names {
        let Some(name) = name.as_str() else {
            return unsupported("\"crit\" must list strings".into());
        };
        if STANDARD_HEADERS.contains(&name) {
            return unsupported(format!(
                "\"crit\" must not list the standard header {name}",
                name = quote(name)
            ));
        }
        if !members.contains_key(name) {
            return unsupported(format!(
                "\"crit\" lists {name}, which the header lacks",
                name = quote(name)
            ));
        }
    }
    let listed: Vec<String> = names.iter().filter_map(Value::as_str).map(quote).collect();
    unsupported(format!(
        "\"crit\" requires extensions this library does not process: {}",
        cap(&listed.join(", "))
    ))
}

fn header_string(members: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(malformed(format!(
            "{name} must be a string, found {}",
            json::kind(other),
            name = quote(name)
        ))),
    }
}

fn malformed(message: String) -> Error {
    Error::MalformedToken(message)
}

/// A compact JWS whose structure and header passed every rule, not yet verified.
#[derive(Debug)]
pub struct UnverifiedJws<'a> {
    signing_input: &'a str,
    header: Header,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> UnverifiedJws<'a> {
    /// Parses `compact`, at most `max_len` bytes: three canonical base64url parts, a strict JSON object as
    /// header (no duplicate members) with a known `alg`, acceptable `crit` and `b64`.
    pub fn parse(compact: &'a str, max_len: usize) -> Result<Self> {
        if compact.len() > max_len {
            return Err(malformed(format!(
                "the token is {} bytes, more than the {max_len} allowed",
                compact.len()
            )));
        }
        let mut parts = compact.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            // Five parts is a JWE (RFC 7516 §7.1): say so rather than "malformed".
            let what = if compact.split('.').count() == 5 {
                "an encrypted token (JWE) cannot be verified: only signed tokens (JWS) are"
            } else {
                "a compact JWS has exactly three dot-separated parts (RFC 7515 §7.1)"
            };
            return Err(malformed(what.into()));
        };
        let decode = |part: &str, what: &str| {
            base64url::decode(part)
                .ok_or_else(|| malformed(format!("the {what} is not canonical unpadded base64url")))
        };
        let header_bytes = decode(header, "header")?;
        let members = match parse_strict_slice(&header_bytes) {
            Ok(Value::Object(members)) => members,
            Ok(other) => {
                return Err(malformed(format!(
                    "the header must be a JSON object, found {}",
                    json::kind(&other)
                )));
            }
            Err(e) => return Err(malformed(format!("the header is not valid JSON: {e}"))),
        };
        let header = Header::parse(members)?;
        let payload = decode(payload, "payload")?;
        let signature = decode(signature, "signature")?;
        // The signature covers everything before the last dot (RFC 7515 §5.2).
        let signing_input = compact.rsplit_once('.').map_or("", |(input, _)| input);
        Ok(UnverifiedJws {
            signing_input,
            header,
            payload,
            signature,
        })
    }

    /// The parsed header (not yet authenticated).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The `kid` of `compact`'s header when it parses within [`DEFAULT_MAX_TOKEN_LENGTH`] (nothing is verified):
    /// what a key-set cache needs to know whether to fetch before verifying.
    pub fn peek_kid(compact: &str) -> Option<String> {
        UnverifiedJws::parse(compact, DEFAULT_MAX_TOKEN_LENGTH)
            .ok()?
            .header()
            .kid()
            .map(str::to_owned)
    }

    /// The `iss` of `compact`'s payload when it is a string (nothing is verified, within
    /// [`DEFAULT_MAX_TOKEN_LENGTH`]): what a guard serving several issuers reads to choose the issuer's keys and
    /// rules before any signature work; that issuer's verifier checks `iss` again.
    pub fn peek_issuer(compact: &str) -> Option<String> {
        if compact.len() > DEFAULT_MAX_TOKEN_LENGTH {
            return None;
        }
        let payload = base64url::decode(compact.split('.').nth(1)?)?;
        // The strict reader the verification uses, not a serde derive of its own (issue 16: size).
        match parse_strict_slice(&payload).ok()? {
            Value::Object(mut claims) => match claims.remove("iss")? {
                Value::String(iss) => Some(iss),
                _ => None,
            },
            _ => None,
        }
    }

    /// Verifies the signature with a key of `keys` chosen by `kid` and the token's `alg`, which must be in
    /// `allowed` (`algorithm_not_allowed`). Each fitting key is tried; `invalid_signature` if none verifies.
    pub fn verify(self, keys: &JwkSet, allowed: &[Algorithm]) -> Result<VerifiedJws> {
        let alg = self.header.alg;
        check_allowed(alg, allowed)?;
        let mut last = Error::InvalidSignature("the signature does not verify".into());
        for jwk in keys.candidates(self.header.kid(), alg)? {
            match jwk
                .key()
                .verify(alg, self.signing_input.as_bytes(), &self.signature)
            {
                Ok(()) => {
                    return Ok(VerifiedJws {
                        header: self.header,
                        payload: self.payload,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

fn check_allowed(alg: Algorithm, allowed: &[Algorithm]) -> Result<()> {
    if allowed.contains(&alg) {
        return Ok(());
    }
    Err(Error::AlgorithmNotAllowed(format!(
        "alg {} is not in the allowlist ({})",
        alg.name(),
        allowed
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// A JWS whose signature verified with a key of the set.
#[derive(Debug, Clone)]
pub struct VerifiedJws {
    header: Header,
    payload: Vec<u8>,
}

impl VerifiedJws {
    /// The authenticated header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The authenticated payload.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }
}

/// A compact JWS whose payload is a JSON object of claims (a JWT, RFC 7519 §7.2), not yet verified.
#[derive(Debug)]
pub struct UnverifiedToken<'a> {
    jws: UnverifiedJws<'a>,
    claims: Map<String, Value>,
}

impl<'a> UnverifiedToken<'a> {
    /// [`UnverifiedJws::parse`], plus: the payload is a strict JSON object.
    pub fn parse(compact: &'a str, max_len: usize) -> Result<Self> {
        let jws = UnverifiedJws::parse(compact, max_len)?;
        let claims = match parse_strict_slice(&jws.payload) {
            Ok(Value::Object(claims)) => claims,
            Ok(other) => {
                return Err(malformed(format!(
                    "the claims must be a JSON object, found {}",
                    json::kind(&other)
                )));
            }
            Err(e) => return Err(malformed(format!("the claims are not valid JSON: {e}"))),
        };
        Ok(UnverifiedToken { jws, claims })
    }

    /// The parsed header (not yet authenticated).
    pub fn header(&self) -> &Header {
        self.jws.header()
    }

    /// Every rule before the signature check (see the module documentation): the allowlist
    /// (`algorithm_not_allowed`), the candidate keys (`key_not_found`, `algorithm_not_allowed`) and the
    /// signature's form (`invalid_signature`: wrong length, ECDSA `r` or `s` outside `[1, n-1]`).
    pub fn prepare(self, keys: &JwkSet, allowed: &[Algorithm]) -> Result<PendingSignature> {
        let UnverifiedToken { jws, claims } = self;
        let alg = jws.header.alg;
        check_allowed(alg, allowed)?;
        let candidates: Vec<usize> = {
            let fitting = keys.candidates(jws.header.kid(), alg)?;
            keys.keys()
                .iter()
                .enumerate()
                .filter(|(_, k)| fitting.iter().any(|f| std::ptr::eq(*f, *k)))
                .map(|(i, _)| i)
                .collect()
        };
        crate::jose::alg::check_signature_form(alg, &jws.signature)?;
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Ok(PendingSignature {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            signing_input: jws.signing_input.to_owned(),
            signature: jws.signature,
            header: jws.header,
            payload: jws.payload,
            claims,
            keys: keys.clone(),
            candidates,
        })
    }

    /// See [`UnverifiedJws::verify`]: [`Self::prepare`], then [`PendingSignature::verify_with_rust`].
    pub fn verify(self, keys: &JwkSet, allowed: &[Algorithm]) -> Result<VerifiedToken> {
        self.prepare(keys, allowed)?.verify_with_rust()
    }
}

/// A JWT that passed every rule before its signature, waiting for the signature check (module documentation).
/// Owns what it needs, so the check may be asynchronous.
#[derive(Debug)]
pub struct PendingSignature {
    id: u64,
    signing_input: String,
    signature: Vec<u8>,
    header: Header,
    payload: Vec<u8>,
    claims: Map<String, Value>,
    keys: JwkSet,
    candidates: Vec<usize>,
}

/// Evidence that the signature of one [`PendingSignature`] verified with one of its candidate keys. Only
/// [`PendingSignature::check_with_rust`] and the wasm binding's WebCrypto path make one.
#[derive(Debug)]
pub struct SignatureProof {
    pending: u64,
    candidate: usize,
}

impl SignatureProof {
    /// For the binding only, and only once `crypto.subtle.verify` resolved `true` for `pending`'s signing
    /// input and signature, with the key of `candidate` (an index into [`PendingSignature::candidates`])
    /// imported for `pending`'s algorithm.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn webcrypto_verified(pending: &PendingSignature, candidate: usize) -> Self {
        SignatureProof {
            pending: pending.id,
            candidate,
        }
    }
}

/// What [`PendingSignature::check_with`] hands a primitive: one candidate key and the check's own data.
#[derive(Debug)]
pub struct SignatureCheck<'a> {
    /// [`JwkSet::id`] of the set the key is in: with `position`, what keys derived from it are cached by.
    pub set_id: u64,
    /// The key's position in that set.
    pub position: usize,
    /// The key, selected for `alg` by the core.
    pub key: &'a Jwk,
    /// The token's algorithm.
    pub alg: Algorithm,
    /// The JWS signing input (RFC 7515 §5.2).
    pub signing_input: &'a [u8],
    /// The decoded signature, of the form [`crate::jose::alg::check_signature_form`] accepts.
    pub signature: &'a [u8],
}

impl PendingSignature {
    /// The token's algorithm (allowed, and verified by every candidate key).
    pub fn alg(&self) -> Algorithm {
        self.header.alg
    }

    /// The JWS signing input: everything before the last dot, as bytes (RFC 7515 §5.2).
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The keys to try, in the set's order, at least one.
    pub fn candidates(&self) -> impl Iterator<Item = &crate::jose::jwk::Jwk> {
        self.candidates
            .iter()
            .filter_map(|i| self.keys.keys().get(*i))
    }

    /// The key set the candidates come from.
    pub fn key_set(&self) -> &JwkSet {
        &self.keys
    }

    /// The candidates' positions in [`Self::key_set`], in the order to try them.
    pub fn candidate_positions(&self) -> &[usize] {
        &self.candidates
    }

    /// The number of candidate keys.
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// Checks the signature with candidate `candidate` through the Rust algorithms.
    pub fn check_with_rust(&self, candidate: usize) -> Result<SignatureProof> {
        self.check_with(candidate, |_| None)
    }

    /// Checks the signature with candidate `candidate` through `primitive`, another implementation of the
    /// algorithm (the binding's node:crypto), which is handed this check's own key, algorithm, signing input
    /// and signature and answers `Some(true)` (verifies), `Some(false)` (does not: `invalid_signature`) or
    /// `None` (cannot tell: the Rust algorithms decide). Only `Some(true)` makes a proof, for this check and
    /// this candidate.
    pub fn check_with(
        &self,
        candidate: usize,
        primitive: impl FnOnce(&SignatureCheck<'_>) -> Option<bool>,
    ) -> Result<SignatureProof> {
        let (position, key) = self
            .candidates
            .get(candidate)
            .and_then(|i| Some((*i, self.keys.keys().get(*i)?)))
            .ok_or_else(|| Error::InvalidSignature("no such candidate key".into()))?;
        let check = SignatureCheck {
            set_id: self.keys.id(),
            position,
            key,
            alg: self.alg(),
            signing_input: self.signing_input.as_bytes(),
            signature: &self.signature,
        };
        match primitive(&check) {
            Some(true) => {}
            Some(false) => {
                return Err(Error::InvalidSignature(format!(
                    "the {} signature does not verify",
                    check.alg.name()
                )));
            }
            None => key
                .key()
                .verify(check.alg, check.signing_input, check.signature)?,
        }
        Ok(SignatureProof {
            pending: self.id,
            candidate,
        })
    }

    /// Tries every candidate with the Rust algorithms: the result of [`UnverifiedToken::verify`].
    pub fn verify_with_rust(self) -> Result<VerifiedToken> {
        self.verify_with(|_| None)
    }

    /// Tries every candidate with [`Self::check_with`] and `primitive`, in order, until one verifies.
    pub fn verify_with(
        self,
        mut primitive: impl FnMut(&SignatureCheck<'_>) -> Option<bool>,
    ) -> Result<VerifiedToken> {
        let mut last = Error::InvalidSignature("the signature does not verify".into());
        for candidate in 0..self.candidates.len() {
            match self.check_with(candidate, &mut primitive) {
                Ok(proof) => return self.complete(proof),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The verified token, given a proof made for this check. `invalid_signature` for a proof of another one.
    pub fn complete(self, proof: SignatureProof) -> Result<VerifiedToken> {
        if proof.pending != self.id || proof.candidate >= self.candidates.len() {
            return Err(Error::InvalidSignature(
                "the signature proof is not for this token".into(),
            ));
        }
        Ok(VerifiedToken {
            header: self.header,
            payload: self.payload,
            claims: self.claims,
        })
    }
}

/// A JWT whose signature verified. Claims are not checked yet: that is [`crate::verify::TokenVerifier`]'s job.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    header: Header,
    /// The payload as signed: the claims' JSON text (strict JSON, so `JSON.parse` of it gives the claims).
    payload: Vec<u8>,
    claims: Map<String, Value>,
}

impl VerifiedToken {
    /// The authenticated header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The authenticated claims.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The claims as the JSON text that was signed (UTF-8 and strict JSON: it parsed into [`Self::claims`]).
    pub fn claims_json(&self) -> Option<&str> {
        std::str::from_utf8(&self.payload).ok()
    }

    /// The claims, by value.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }
}

#[cfg(test)]
mod tests;
