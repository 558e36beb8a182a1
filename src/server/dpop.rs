//! DPoP at the resource server (RFC 9449): the proof a client sends in the `DPoP` header with an access token
//! presented as `Authorization: DPoP <token>` (§7.1), checked as §4.3 says in two steps around its one
//! signature check, as every token here is: [`prepare_proof`] (every rule before the signature, the key from
//! the proof's own `jwk`) and [`check_proof`] (the claims against the request and the access token). The
//! access token's `cnf.jkt` must then be the proof key's thumbprint (`AccessTokenOptions::dpop_jkt`), and the
//! proof's `jti` goes through a [`ReplayStore`] (§11.1).

use super::replay::{ReplayEntry, ReplayStore};
use crate::error::{Error, Result, quote};
use crate::jose::{
    Algorithm, JwkSet, PendingSignature, UnverifiedToken, VerifiedToken, base64url, json,
};
use crate::verify::media_type;
use fluent_uri::Uri;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The longest proof read, in bytes (a proof carries its public key: an RSA-4096 `jwk` is under 1 KiB).
pub const MAX_PROOF_LENGTH: usize = 8 * 1024;

/// How long after its `iat` a proof is accepted by default, in seconds (RFC 9449 §11.1: "a reasonable window").
pub const DEFAULT_PROOF_MAX_AGE: u64 = 300;

/// The largest `maxAge` a [`DpopPolicy`] takes: one day (a proof is meant to be fresh, §11.1).
pub const MAX_PROOF_MAX_AGE: u64 = 86_400;

/// Members of a JWK that hold private key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2): a proof's
/// `jwk` with any of them is refused (§4.3 item 7), as is a symmetric key.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What a resource server accepts in DPoP proofs.
#[derive(Debug, Clone)]
pub struct DpopPolicy {
    algorithms: Vec<Algorithm>,
    max_age: u64,
    clock_tolerance: u64,
}

impl DpopPolicy {
    /// `algorithms`: the accepted proof algorithms (default: every asymmetric one; §4.3 item 5 refuses `none`
    /// and symmetric ones); `max_age`: seconds after `iat` a proof is accepted (default
    /// [`DEFAULT_PROOF_MAX_AGE`]); `clock_tolerance`: seconds an `iat` may lie in the future, and the leeway
    /// added to `max_age`.
    ///
    /// Errors: `invalid_request` for an empty list, an HS* algorithm, or `max_age` outside
    /// 1..=[`MAX_PROOF_MAX_AGE`].
    pub fn new(
        algorithms: Option<Vec<Algorithm>>,
        max_age: Option<u64>,
        clock_tolerance: u64,
    ) -> Result<Self> {
        let algorithms = algorithms.unwrap_or_else(|| {
            Algorithm::ALL
                .into_iter()
                .filter(|a| !a.is_symmetric())
                .collect()
        });
        if algorithms.is_empty() {
            return Err(Error::InvalidRequest(
                "dpop.algorithms must list at least one algorithm".into(),
            ));
        }
        if let Some(alg) = algorithms.iter().find(|a| a.is_symmetric()) {
            return Err(Error::InvalidRequest(format!(
                "dpop.algorithms: {} is symmetric; a DPoP proof is signed with a public key (RFC 9449 §4.2)",
                alg.name()
            )));
        }
        let max_age = max_age.unwrap_or(DEFAULT_PROOF_MAX_AGE);
        if !(1..=MAX_PROOF_MAX_AGE).contains(&max_age) {
            return Err(Error::InvalidRequest(format!(
                "dpop.maxAge must be in 1..={MAX_PROOF_MAX_AGE} seconds, found {max_age}"
            )));
        }
        Ok(DpopPolicy {
            algorithms,
            max_age,
            clock_tolerance,
        })
    }

    /// The accepted algorithms, for a challenge's `algs` attribute (§7.1).
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }
}

/// The request a proof must be for.
#[derive(Debug, Clone, Copy)]
pub struct DpopRequest<'a> {
    /// The HTTP method, as received (`htm`, compared exactly: methods are case-sensitive, RFC 9110 §9.1).
    pub method: &'a str,
    /// The request's absolute URL (`htu`, compared without query and fragment, both normalised).
    pub url: &'a str,
    /// The access token presented with the proof (`ath`).
    pub access_token: &'a str,
    /// The nonce this server last gave the client (`DPoP-Nonce`, §8), when it requires one.
    pub nonce: Option<&'a str>,
    /// The current time, seconds since the epoch.
    pub now: u64,
}

/// A proof that passed every rule before its signature: the signature check to run, and the RFC 7638
/// thumbprint of the key it must verify with.
#[derive(Debug)]
pub struct PendingProof {
    /// The signature check, against the proof's own `jwk` only.
    pub pending: PendingSignature,
    /// The key's thumbprint (`jkt`), which the access token's `cnf.jkt` must equal.
    pub jkt: String,
}

/// Any failure of a proof as `invalid_dpop_proof` (§7.1), `use_dpop_nonce` kept as it is.
pub fn proof_error(e: Error) -> Error {
    match e {
        Error::InvalidDpopProof(_) | Error::UseDpopNonce(_) => e,
        other => Error::InvalidDpopProof(format!("the DPoP proof: {}", other.message())),
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidDpopProof(message)
}

/// §4.3 items 2, 4-5 and 7: a compact JWS of at most [`MAX_PROOF_LENGTH`] bytes, `typ` `dpop+jwt`, an
/// allowed asymmetric `alg`, and a `jwk` header holding a public key only, which is the one key its
/// signature is checked with (never a key of the issuer's set).
///
/// Errors: `invalid_dpop_proof`, for each of them and for everything [`UnverifiedToken::prepare`] refuses.
pub fn prepare_proof(proof: &str, policy: &DpopPolicy) -> Result<PendingProof> {
    let token = UnverifiedToken::parse(proof, MAX_PROOF_LENGTH).map_err(proof_error)?;
    let header = token.header();
    if header.typ().map(media_type).as_deref() != Some("application/dpop+jwt") {
        return Err(invalid(format!(
            "the DPoP proof's \"typ\" must be \"dpop+jwt\" (RFC 9449 §4.2), found {}",
            header.typ().map_or_else(|| "none".to_owned(), quote)
        )));
    }
    let jwk = match header.get("jwk") {
        Some(Value::Object(jwk)) => jwk,
        Some(_) => return Err(invalid("the DPoP proof's \"jwk\" must be an object".into())),
        None => return Err(invalid("the DPoP proof has no \"jwk\" header".into())),
    };
    if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
        return Err(invalid(format!(
            "the DPoP proof's \"jwk\" holds the private member {member:?} (RFC 9449 §4.3)"
        )));
    }
    let jkt = thumbprint(jwk)?;
    let mut key = jwk.clone();
    // The header's `kid`, if any, names this key: no other is ever a candidate.
    match header.kid() {
        Some(kid) => key.insert("kid".into(), Value::String(kid.to_owned())),
        None => key.remove("kid"),
    };
    let set = JwkSet::from_keys(&[Value::Object(key)]).map_err(proof_error)?;
    let pending = token
        .prepare(&set, &policy.algorithms)
        .map_err(proof_error)?;
    Ok(PendingProof { pending, jkt })
}

/// The RFC 7638 thumbprint of a public JWK: SHA-256 of its required members, in lexicographic order, as
/// JSON without whitespace (§3.2), base64url.
///
/// Errors: `invalid_dpop_proof` for a `kty` other than RSA, EC or OKP, or a missing or non-string member.
pub fn thumbprint(jwk: &Map<String, Value>) -> Result<String> {
    crate::jose::jwk_thumbprint(jwk).map_err(|m| invalid(format!("the DPoP proof's \"jwk\" {m}")))
}

/// §4.3 items 3, 8-12 on a proof whose signature verified: `jti` (a string), `htm` equal to the method, `htu`
/// equal to the URL (both normalised, without query and fragment), `iat` within `max_age` (and not after
/// `now` beyond the tolerance), `ath` the SHA-256 of the access token, and `nonce` when the server gave one.
/// Returns the proof's replay-store entry (its key's thumbprint and `jti`, until `iat` leaves the window).
///
/// Errors: `invalid_dpop_proof`; `use_dpop_nonce` when a nonce is required and the proof's is absent or
/// another (§8: the client retries with the nonce of the `DPoP-Nonce` header).
pub fn check_proof(
    verified: &VerifiedToken,
    jkt: &str,
    request: &DpopRequest<'_>,
    policy: &DpopPolicy,
) -> Result<ReplayEntry> {
    let claims = verified.claims();
    let text = |name: &str| match claims.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.as_str())),
        None => Ok(None),
        Some(_) => Err(invalid(format!(
            "the DPoP proof's {name:?} must be a non-empty string"
        ))),
    };
    let required =
        |name: &str| text(name)?.ok_or_else(|| invalid(format!("the DPoP proof has no {name:?}")));
    let jti = required("jti")?;
    let htm = required("htm")?;
    if htm != request.method {
        return Err(invalid(format!(
            "the DPoP proof is for the method {}, the request is {}",
            quote(htm),
            quote(request.method)
        )));
    }
    let htu = required("htu")?;
    if target_uri("the DPoP proof's \"htu\"", htu)? != target_uri("the request URL", request.url)? {
        return Err(invalid(format!(
            "the DPoP proof is for {}, not this request's URL",
            quote(htu)
        )));
    }
    let iat = match claims.get("iat").and_then(Value::as_f64) {
        Some(iat) if iat.is_finite() && iat >= 0.0 => iat,
        _ => return Err(invalid("the DPoP proof has no numeric \"iat\"".into())),
    };
    let (now, tolerance) = (request.now as f64, policy.clock_tolerance as f64);
    if iat > now + tolerance {
        return Err(invalid(format!(
            "the DPoP proof was issued at {}, after now ({})",
            json::shown(claims, "iat"),
            request.now
        )));
    }
    if iat + (policy.max_age as f64) + tolerance < now {
        return Err(invalid(format!(
            "the DPoP proof was issued at {}, more than {} s before now ({})",
            json::shown(claims, "iat"),
            policy.max_age,
            request.now
        )));
    }
    let ath = required("ath")?;
    let expected = base64url::encode(Sha256::digest(request.access_token.as_bytes()));
    if !bool::from(ath.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(invalid(
            "the DPoP proof's \"ath\" is not the hash of the access token presented with it".into(),
        ));
    }
    if let Some(expected) = request.nonce {
        match text("nonce")? {
            Some(nonce) if bool::from(nonce.as_bytes().ct_eq(expected.as_bytes())) => {}
            Some(_) => {
                return Err(Error::UseDpopNonce(
                    "the DPoP proof's \"nonce\" is not the current one".into(),
                ));
            }
            None => {
                return Err(Error::UseDpopNonce(
                    "this server requires a DPoP nonce (RFC 9449 §8)".into(),
                ));
            }
        }
    }
    let expires_at = (iat.ceil() as u64)
        .saturating_add(policy.max_age)
        .saturating_add(policy.clock_tolerance)
        .saturating_add(1);
    Ok(ReplayEntry::new("dpop", &[jkt, jti], expires_at))
}

/// [`ReplayEntry::check`] for a proof: a replay is `invalid_dpop_proof` (§11.1).
pub fn check_proof_replay(
    entry: &ReplayEntry,
    store: &mut dyn ReplayStore,
    now: u64,
) -> Result<()> {
    entry.check(store, now).map_err(proof_error)
}

/// An `http(s)` URL normalised for comparison (§4.3 item 9: RFC 3986 §6.2.2 syntax-based and §6.2.3
/// scheme-based normalisation — case of scheme and host, percent-encoding, dot segments, default port, an
/// empty path as `/`), without its query and fragment.
///
/// Errors: `invalid_dpop_proof` for anything but an absolute `http`/`https` URL with a host.
fn target_uri(what: &str, value: &str) -> Result<String> {
    let uri =
        Uri::parse(value).map_err(|e| invalid(format!("{what} is not an absolute URL ({e})")))?;
    let normal = fluent_uri::normalize::Normalizer::new()
        .normalize(&uri)
        .map_err(|e| invalid(format!("{what} cannot be normalised ({e})")))?;
    let scheme = normal.scheme().as_str();
    let authority = normal
        .authority()
        .filter(|a| !a.host().is_empty() && (scheme == "https" || scheme == "http"));
    let Some(authority) = authority else {
        return Err(invalid(format!(
            "{what} must be an http(s) URL with a host"
        )));
    };
    let path = normal.path().as_str();
    Ok(format!(
        "{scheme}://{}{}",
        authority.as_str(),
        if path.is_empty() { "/" } else { path }
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::jose::testutil::{key_for, sign};
    use crate::server::{MemoryReplayStore, ReplayStoreConfig};
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;
    const URL: &str = "https://api.example.com/orders";

    fn policy() -> DpopPolicy {
        DpopPolicy::new(None, None, 5).unwrap()
    }

    /// A proof by key `seed` of ES256 with `claims` over the valid ones (`null` removes one).
    fn proof(seed: u8, header: Value, extra: Value) -> String {
        let key = key_for(Algorithm::Es256, seed);
        let mut claims = json!({"jti": "p-1", "htm": "GET", "htu": URL, "iat": NOW,
            "ath": base64url::encode(Sha256::digest(b"the-token"))});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        let mut h = json!({"typ": "dpop+jwt", "jwk": key.jwk()});
        for (k, v) in header.as_object().unwrap() {
            h[k] = v.clone();
        }
        sign(Algorithm::Es256, h, &claims, &key)
    }

    fn request<'a>(url: &'a str, nonce: Option<&'a str>) -> DpopRequest<'a> {
        DpopRequest {
            method: "GET",
            url,
            access_token: "the-token",
            nonce,
            now: NOW + 1,
        }
    }

    fn run(proof: &str, request: &DpopRequest<'_>) -> Result<(String, ReplayEntry)> {
        let p = prepare_proof(proof, &policy())?;
        let verified = p.pending.verify_with_rust().map_err(proof_error)?;
        let entry = check_proof(&verified, &p.jkt, request, &policy())?;
        Ok((p.jkt, entry))
    }

    fn code(proof: &str, request: &DpopRequest<'_>) -> &'static str {
        run(proof, request).unwrap_err().code()
    }

    #[test]
    fn thumbprint_is_rfc_7638_section_3_1() {
        let jwk = json!({"kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29", "n": concat!(
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs",
            "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn",
            "1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")});
        assert_eq!(
            thumbprint(jwk.as_object().unwrap()).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        for bad in [
            json!({"kty": "oct", "k": "AAAA"}),
            json!({"kty": "EC", "crv": "P-256", "x": "a"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": 5}),
        ] {
            assert_eq!(
                thumbprint(bad.as_object().unwrap()).unwrap_err().code(),
                "invalid_dpop_proof"
            );
        }
    }

    #[test]
    fn a_proof_is_for_one_request_one_token_and_one_key() {
        let p = proof(1, json!({}), json!({}));
        let (jkt, entry) = run(&p, &request(URL, None)).unwrap();
        let key = key_for(Algorithm::Es256, 1).jwk();
        assert_eq!(jkt, thumbprint(key.as_object().unwrap()).unwrap());
        assert_eq!(entry.expires_at, NOW + 300 + 5 + 1);
        // htu compared normalised, without query and fragment (§4.3 item 9)
        for url in [
            "HTTPS://API.example.COM:443/orders?page=2#top",
            "https://api.example.com/./orders",
            "https://api.example.com/%6Frders",
        ] {
            run(&p, &request(url, None)).unwrap();
        }
        let root = proof(1, json!({}), json!({"htu": "https://api.example.com"}));
        run(&root, &request("https://api.example.com/", None)).unwrap();
        for url in [
            "https://api.example.com/orders/",
            "http://api.example.com/orders",
            "https://api.example.com:8443/orders",
            "https://other.example.com/orders",
            "/orders",
            "not a url",
            "ftp://api.example.com/orders",
        ] {
            assert_eq!(code(&p, &request(url, None)), "invalid_dpop_proof", "{url}");
        }
        let mut post = request(URL, None);
        post.method = "POST";
        assert_eq!(code(&p, &post), "invalid_dpop_proof");
        post.method = "get";
        assert_eq!(
            code(&p, &post),
            "invalid_dpop_proof",
            "methods are case-sensitive"
        );
        let mut other_token = request(URL, None);
        other_token.access_token = "another-token";
        assert_eq!(code(&p, &other_token), "invalid_dpop_proof");
    }

    #[test]
    fn each_rule_of_section_4_3() {
        let req = request(URL, None);
        for (header, extra) in [
            (json!({"typ": "JWT"}), json!({})),
            (json!({"typ": null}), json!({})),
            (json!({"jwk": null}), json!({})),
            (json!({"jwk": "key"}), json!({})),
            (json!({}), json!({"jti": null})),
            (json!({}), json!({"jti": ""})),
            (json!({}), json!({"htm": null})),
            (json!({}), json!({"htu": null})),
            (json!({}), json!({"htu": 7})),
            (json!({}), json!({"iat": null})),
            (json!({}), json!({"iat": "now"})),
            (json!({}), json!({"iat": NOW + 7})),
            (json!({}), json!({"iat": NOW - 305})),
            (json!({}), json!({"ath": null})),
            (json!({}), json!({"ath": "AAAA"})),
        ] {
            let p = proof(1, header.clone(), extra.clone());
            assert_eq!(code(&p, &req), "invalid_dpop_proof", "{header} {extra}");
        }
        // within the window and the tolerance
        run(&proof(1, json!({}), json!({"iat": NOW + 6})), &req).unwrap();
        run(&proof(1, json!({}), json!({"iat": NOW - 304})), &req).unwrap();
        // a private member in the jwk
        let mut private = key_for(Algorithm::Es256, 1).jwk();
        private["d"] = json!("AAAA");
        assert_eq!(
            code(&proof(1, json!({"jwk": private}), json!({})), &req),
            "invalid_dpop_proof"
        );
        // signed by another key than the jwk's
        let other = key_for(Algorithm::Es256, 2).jwk();
        assert_eq!(
            code(&proof(1, json!({"jwk": other}), json!({})), &req),
            "invalid_dpop_proof"
        );
        // an unrelated kid names no other key
        run(&proof(1, json!({"kid": "client-key"}), json!({})), &req).unwrap();
        assert_eq!(code("a.b", &req), "invalid_dpop_proof");
        assert_eq!(
            code(&"a".repeat(MAX_PROOF_LENGTH + 1), &req),
            "invalid_dpop_proof"
        );
    }

    #[test]
    fn a_server_nonce_is_use_dpop_nonce_until_sent() {
        let with = proof(1, json!({}), json!({"nonce": "n-1"}));
        let without = proof(1, json!({}), json!({}));
        run(&with, &request(URL, Some("n-1"))).unwrap();
        run(&with, &request(URL, None)).unwrap();
        assert_eq!(code(&without, &request(URL, Some("n-1"))), "use_dpop_nonce");
        assert_eq!(code(&with, &request(URL, Some("n-2"))), "use_dpop_nonce");
    }

    #[test]
    fn the_policy_takes_asymmetric_algorithms_and_a_bounded_window() {
        assert!(DpopPolicy::new(Some(vec![Algorithm::Hs256]), None, 0).is_err());
        assert!(DpopPolicy::new(Some(vec![]), None, 0).is_err());
        assert!(DpopPolicy::new(None, Some(0), 0).is_err());
        assert!(DpopPolicy::new(None, Some(MAX_PROOF_MAX_AGE + 1), 0).is_err());
        let rs_only = DpopPolicy::new(Some(vec![Algorithm::Rs256]), Some(60), 0).unwrap();
        let e = prepare_proof(&proof(1, json!({}), json!({})), &rs_only).unwrap_err();
        assert_eq!(e.code(), "invalid_dpop_proof");
        assert!(!policy().algorithms().iter().any(|a| a.is_symmetric()));
    }

    #[test]
    fn a_proof_is_used_once() {
        let p = proof(1, json!({}), json!({}));
        let mut store = MemoryReplayStore::new(ReplayStoreConfig::default()).unwrap();
        let (_, entry) = run(&p, &request(URL, None)).unwrap();
        check_proof_replay(&entry, &mut store, NOW).unwrap();
        let e = check_proof_replay(&entry, &mut store, NOW + 1).unwrap_err();
        assert_eq!(e.code(), "invalid_dpop_proof");
        // the same jti from another key is another proof
        let (_, other) = run(&proof(2, json!({}), json!({})), &request(URL, None)).unwrap();
        check_proof_replay(&other, &mut store, NOW).unwrap();
    }
}
