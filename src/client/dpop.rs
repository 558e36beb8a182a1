//! DPoP on the client (RFC 9449): the proof's header and claims (§4.2), the binding of a request to it
//! (§5 the token endpoint, §7.1 a resource with `Authorization: DPoP`), and the server nonces (§8, §9): the
//! `DPoP-Nonce` a response carries, and the `use_dpop_nonce` challenges after which a request is sent once more.
//! The signature is the caller's (a non-extractable WebCrypto key in the binding): this module builds the
//! signing input and assembles the compact proof.

use crate::client::assertion;
use crate::client::pkce::random_token;
use crate::client::userinfo::check_b64token;
use crate::error::{Error, Result, quote};
use crate::jose::Algorithm;
use crate::jose::base64url;
use crate::wire::{HttpRequest, HttpResponse, parse_endpoint};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The algorithms a DPoP key may have: WebCrypto's asymmetric signatures that resource servers accept by
/// default (RFC 9449 §4.2 forbids symmetric ones).
pub const DPOP_ALGORITHMS: [Algorithm; 5] = [
    Algorithm::Es256,
    Algorithm::Es384,
    Algorithm::EdDsa,
    Algorithm::Rs256,
    Algorithm::Ps256,
];

/// How many origins' nonces a [`DpopNonces`] keeps (the oldest goes first).
pub const MAX_NONCE_ORIGINS: usize = 64;

/// The longest `DPoP-Nonce` kept, in bytes.
pub const MAX_NONCE_LEN: usize = 1024;

/// The public half of a DPoP key: its algorithm, its public JWK with only the members of RFC 7638 §3.2, and
/// that JWK's thumbprint (`jkt`, the value of `dpop_jkt` and of the access token's `cnf.jkt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopKey {
    alg: Algorithm,
    jwk: Map<String, Value>,
    jkt: String,
}

impl DpopKey {
    /// The key of algorithm `alg` (one of [`DPOP_ALGORITHMS`]) whose public JWK is `jwk` (as WebCrypto exports
    /// it: members beyond the key's own, such as `key_ops` and `ext`, are dropped).
    ///
    /// Errors: `invalid_request` for another algorithm; `invalid_jwk` for a JWK with private members, of
    /// another key type or curve than `alg`, or without its string members.
    pub fn from_public_jwk(alg: &str, jwk: &Map<String, Value>) -> Result<Self> {
        let alg = DPOP_ALGORITHMS
            .into_iter()
            .find(|a| a.name() == alg)
            .ok_or_else(|| {
                let names: Vec<&str> = DPOP_ALGORITHMS.iter().map(|a| a.name()).collect();
                Error::InvalidRequest(format!(
                    "a DPoP key's alg must be one of {}, found {}",
                    names.join(", "),
                    quote(alg)
                ))
            })?;
        if ["d", "p", "q", "dp", "dq", "qi", "k"]
            .iter()
            .any(|m| jwk.contains_key(*m))
        {
            return Err(Error::InvalidJwk(
                "a DPoP proof carries the public key only (RFC 9449 §4.2)".into(),
            ));
        }
        let (kty, crv, members): (&str, Option<&str>, &[&str]) = match alg {
            Algorithm::Es256 => ("EC", Some("P-256"), &["crv", "kty", "x", "y"]),
            Algorithm::Es384 => ("EC", Some("P-384"), &["crv", "kty", "x", "y"]),
            Algorithm::EdDsa => ("OKP", Some("Ed25519"), &["crv", "kty", "x"]),
            _ => ("RSA", None, &["e", "kty", "n"]),
        };
        let text = |name: &str| jwk.get(name).and_then(Value::as_str);
        if text("kty") != Some(kty) || crv.is_some_and(|c| text("crv") != Some(c)) {
            return Err(Error::InvalidJwk(format!(
                "a {} DPoP key must be a {kty}{} public key",
                alg.name(),
                crv.map(|c| format!(" {c}")).unwrap_or_default()
            )));
        }
        let mut public = Map::new();
        for name in members {
            let value = text(name).ok_or_else(|| {
                Error::InvalidJwk(format!("the DPoP key's JWK lacks the string {name:?}"))
            })?;
            public.insert((*name).to_owned(), Value::String(value.to_owned()));
        }
        let jkt = crate::jose::jwk_thumbprint(&public)
            .map_err(|m| Error::InvalidJwk(format!("the DPoP key's JWK {m}")))?;
        Ok(DpopKey {
            alg,
            jwk: public,
            jkt,
        })
    }

    /// The key's algorithm.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The public JWK the proofs carry.
    pub fn jwk(&self) -> &Map<String, Value> {
        &self.jwk
    }

    /// The RFC 7638 thumbprint of the key (`dpop_jkt`, RFC 9449 §10).
    pub fn jkt(&self) -> &str {
        &self.jkt
    }

    /// The signing input (`header.payload`, base64url) of a proof for one request (§4.2): header `typ`
    /// `dpop+jwt`, `alg` and `jwk`; claims a fresh random `jti`, `htm`, `htu` (the URL without query and
    /// fragment), `iat`, `ath` (the SHA-256 of the access token, §4.2) when one is sent, and `nonce` when the
    /// server gave one.
    ///
    /// Errors: `invalid_request` for a method that is not an HTTP token, a URL that is not absolute http(s),
    /// or a nonce outside §8.1's characters.
    pub fn signing_input(&self, proof: &ProofFor<'_>) -> Result<String> {
        if proof.method.is_empty() || !proof.method.bytes().all(crate::wire::is_tchar) {
            return Err(Error::InvalidRequest(format!(
                "the DPoP method must be an HTTP method, found {}",
                quote(proof.method)
            )));
        }
        let htu = target_uri(proof.url)?;
        let mut claims = Map::new();
        claims.insert("jti".into(), Value::String(random_token(24)?));
        claims.insert("htm".into(), Value::String(proof.method.to_owned()));
        claims.insert("htu".into(), Value::String(htu));
        claims.insert("iat".into(), Value::from(proof.now));
        if let Some(token) = proof.access_token {
            claims.insert("ath".into(), Value::String(access_token_hash(token)));
        }
        if let Some(nonce) = proof.nonce {
            check_nonce(nonce)?;
            claims.insert("nonce".into(), Value::String(nonce.to_owned()));
        }
        let header = json!({"typ": "dpop+jwt", "alg": self.alg.name(), "jwk": self.jwk});
        Ok(format!(
            "{}.{}",
            base64url::encode(header.to_string()),
            base64url::encode(Value::Object(claims).to_string())
        ))
    }

    /// The compact proof from its signing input and the signature (JWS form: `r || s` for ECDSA).
    ///
    /// Errors: `invalid_request` for a signature of the wrong size.
    pub fn finish(&self, signing_input: &str, signature: &[u8]) -> Result<String> {
        assertion::finish(self.alg, signing_input, signature)
    }
}

/// What one proof is for.
#[derive(Debug, Clone, Copy)]
pub struct ProofFor<'a> {
    /// The request's method (`htm`).
    pub method: &'a str,
    /// The request's URL (`htu`, sent without query and fragment).
    pub url: &'a str,
    /// Now, seconds since the epoch (`iat`).
    pub now: u64,
    /// The access token the request carries (`ath`), if any.
    pub access_token: Option<&'a str>,
    /// The server's latest nonce for this origin, if any.
    pub nonce: Option<&'a str>,
}

/// `ath`: base64url of the SHA-256 of the access token's ASCII (RFC 9449 §4.2).
pub fn access_token_hash(token: &str) -> String {
    base64url::encode(Sha256::digest(token.as_bytes()))
}

/// The URL as `htu` (§4.2: without query and fragment).
///
/// Errors: `invalid_request` for anything but an absolute http(s) URL with a host.
fn target_uri(url: &str) -> Result<String> {
    let uri = fluent_uri::Uri::parse(url)
        .map_err(|e| Error::InvalidRequest(format!("a DPoP URL must be absolute ({e})")))?;
    let scheme = uri.scheme().as_str().to_ascii_lowercase();
    let authority = uri
        .authority()
        .filter(|a| !a.host().is_empty() && (scheme == "https" || scheme == "http"))
        .ok_or_else(|| {
            Error::InvalidRequest(format!(
                "a DPoP URL must be an http(s) URL with a host, found {}",
                quote(url)
            ))
        })?;
    let path = uri.path().as_str();
    Ok(format!(
        "{scheme}://{}{}",
        authority.as_str(),
        if path.is_empty() { "/" } else { path }
    ))
}

/// §8.1: `nonce = 1*NQCHAR`, `NQCHAR = %x21 / %x23-5B / %x5D-7E`, at most [`MAX_NONCE_LEN`] bytes.
fn is_nonce(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_NONCE_LEN
        && value
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e))
}

fn check_nonce(nonce: &str) -> Result<()> {
    if is_nonce(nonce) {
        return Ok(());
    }
    Err(Error::InvalidRequest(
        "a DPoP nonce must be 1 to 1024 characters of RFC 9449 §8.1's NQCHAR".into(),
    ))
}

/// Sends `proof` with `request` (§4.1: the `DPoP` header) and, when the request carries an access token as
/// `Authorization: Bearer`, turns it into `Authorization: DPoP` (§7.1).
pub fn bind_request(request: &mut HttpRequest, proof: &str) {
    for (name, value) in &mut request.headers {
        if name == "authorization" {
            if let Some(token) = value.strip_prefix("Bearer ") {
                *value = format!("DPoP {token}");
            }
        }
    }
    request.headers.push(("dpop".into(), proof.to_owned()));
}

/// The methods a resource request may have (`HttpRequest::method` names one of them).
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// A request to a protected resource, to send with a proof ([`bind_request`]): `url` https (http only on
/// loopback), `method` one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, the caller's `headers` (names RFC
/// 9110 tokens, values without control characters, neither `authorization` nor `dpop`), and the access token,
/// when given, as `Authorization` (`DPoP` once bound).
///
/// Errors: `invalid_request` for each of these rules, and an access token that is not an RFC 6750 `b64token`.
pub fn resource_request(
    url: &str,
    method: &str,
    access_token: Option<&str>,
    headers: BTreeMap<String, String>,
    body: Option<String>,
) -> Result<HttpRequest> {
    let url = parse_endpoint("url", url)?;
    let method = METHODS.into_iter().find(|m| *m == method).ok_or_else(|| {
        Error::InvalidRequest(format!(
            "method must be one of {}, found {}",
            METHODS.join(", "),
            quote(method)
        ))
    })?;
    let mut list = Vec::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(crate::wire::is_tchar) {
            return Err(Error::InvalidRequest(format!(
                "header name {} is not an HTTP token",
                quote(&name)
            )));
        }
        if name == "authorization" || name == "dpop" {
            return Err(Error::InvalidRequest(format!(
                "the {name} header is the DPoP binding's own: pass accessToken"
            )));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::InvalidRequest(format!(
                "header {name} has a control character"
            )));
        }
        list.push((name, value));
    }
    if let Some(token) = access_token {
        check_b64token("accessToken", token)?;
        list.push(("authorization".into(), format!("Bearer {token}")));
    }
    Ok(HttpRequest {
        url: url.as_str().to_owned(),
        method,
        headers: list,
        body,
    })
}

/// The `DPoP-Nonce` of a response (§8.1, §9), when it is a valid nonce.
pub fn response_nonce(response: &HttpResponse) -> Option<&str> {
    response
        .header("dpop-nonce")
        .map(str::trim)
        .filter(|n| is_nonce(n))
}

/// The nonce to send the request again with, when the response asks for one: a token-endpoint error
/// `use_dpop_nonce` (§8, a JSON body, usually 400) or a resource's `WWW-Authenticate: DPoP
/// error="use_dpop_nonce"` (§9, 401), with a valid `DPoP-Nonce`. `None` otherwise (the response is then
/// parsed as it is).
pub fn nonce_challenge(response: &HttpResponse) -> Option<&str> {
    let nonce = response_nonce(response)?;
    if response.is_success() || response.is_redirect() {
        return None;
    }
    let in_body = crate::jose::json::parse_object(&response.body)
        .ok()
        .is_some_and(|body| body.get("error").and_then(Value::as_str) == Some("use_dpop_nonce"));
    let in_challenge = response
        .header("www-authenticate")
        .and_then(crate::client::bearer_challenge_error)
        .is_some_and(
            |e| matches!(e, Error::AuthorizationError { error, .. } if error == "use_dpop_nonce"),
        );
    (in_body || in_challenge).then_some(nonce)
}

/// The latest nonce each server gave (§8.2: a server may send a new one with any response), by origin,
/// at most [`MAX_NONCE_ORIGINS`] of them.
#[derive(Debug, Clone, Default)]
pub struct DpopNonces {
    by_origin: BTreeMap<String, (u64, String)>,
    next: u64,
}

/// The origin (`scheme://authority`) of an absolute URL.
fn origin(url: &str) -> Option<String> {
    let uri = fluent_uri::Uri::parse(url).ok()?;
    let authority = uri.authority()?;
    Some(format!(
        "{}://{}",
        uri.scheme().as_str().to_ascii_lowercase(),
        authority.as_str().to_ascii_lowercase()
    ))
}

impl DpopNonces {
    /// The nonce to send to `url`'s origin, if one was given.
    pub fn get(&self, url: &str) -> Option<&str> {
        let origin = origin(url)?;
        self.by_origin.get(&origin).map(|(_, n)| n.as_str())
    }

    /// Keeps the `DPoP-Nonce` of a response from `url`, if it has one.
    pub fn remember(&mut self, url: &str, response: &HttpResponse) {
        let (Some(origin), Some(nonce)) = (origin(url), response_nonce(response)) else {
            return;
        };
        self.next += 1;
        self.by_origin.insert(origin, (self.next, nonce.to_owned()));
        if self.by_origin.len() > MAX_NONCE_ORIGINS {
            let oldest = self
                .by_origin
                .iter()
                .min_by_key(|(_, (seq, _))| *seq)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.by_origin.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::testutil::key_for;
    #[cfg(feature = "server")]
    use crate::server::{DpopPolicy, DpopRequest, check_proof, prepare_proof};

    fn public(jwk: &Value) -> Map<String, Value> {
        let mut m = jwk.as_object().cloned().unwrap_or_default();
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            m.remove(private);
        }
        m.insert("key_ops".into(), json!(["verify"]));
        m.insert("ext".into(), json!(true));
        m
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_proof_passes_the_resource_servers_checks() {
        let key = key_for(Algorithm::Es256, 3);
        let dpop = DpopKey::from_public_jwk("ES256", &public(&key.jwk())).unwrap();
        assert_eq!(dpop.jwk().len(), 4);
        assert_eq!(dpop.jkt(), crate::server::thumbprint(dpop.jwk()).unwrap());
        let now = 1_700_000_000;
        let input = dpop
            .signing_input(&ProofFor {
                method: "GET",
                url: "https://api.example.com/orders?page=2#x",
                now,
                access_token: Some("at-1"),
                nonce: Some("n-1"),
            })
            .unwrap();
        let proof = dpop
            .finish(&input, &key.sign(Algorithm::Es256, input.as_bytes()))
            .unwrap();
        let policy = DpopPolicy::new(None, None, 5).unwrap();
        let pending = prepare_proof(&proof, &policy).unwrap();
        assert_eq!(pending.jkt, dpop.jkt());
        let verified = pending.pending.verify_with_rust().unwrap();
        assert_eq!(verified.claims()["htu"], "https://api.example.com/orders");
        assert_eq!(verified.claims()["ath"], access_token_hash("at-1"));
        let request = DpopRequest {
            method: "GET",
            url: "https://api.example.com/orders",
            access_token: "at-1",
            nonce: Some("n-1"),
            now,
        };
        check_proof(&verified, dpop.jkt(), &request, &policy).unwrap();
    }

    #[test]
    fn keys_and_inputs_are_checked() {
        let es = public(&key_for(Algorithm::Es256, 1).jwk());
        assert_eq!(
            DpopKey::from_public_jwk("HS256", &es).unwrap_err().code(),
            "invalid_request"
        );
        assert_eq!(
            DpopKey::from_public_jwk("EdDSA", &es).unwrap_err().code(),
            "invalid_jwk"
        );
        assert_eq!(
            DpopKey::from_public_jwk("ES384", &es).unwrap_err().code(),
            "invalid_jwk"
        );
        let mut with_d = es.clone();
        with_d.insert("d".into(), json!("AAAA"));
        assert_eq!(
            DpopKey::from_public_jwk("ES256", &with_d)
                .unwrap_err()
                .code(),
            "invalid_jwk"
        );
        let dpop = DpopKey::from_public_jwk("ES256", &es).unwrap();
        let at = |method, url, nonce| {
            dpop.signing_input(&ProofFor {
                method,
                url,
                now: 1,
                access_token: None,
                nonce,
            })
        };
        for (method, url, nonce) in [
            ("GET POST", "https://a.example/", None),
            ("", "https://a.example/", None),
            ("GET", "/relative", None),
            ("GET", "ftp://a.example/", None),
            ("GET", "https://a.example/", Some("")),
            ("GET", "https://a.example/", Some("a\"b")),
            ("GET", "https://a.example/", Some("a b")),
        ] {
            assert_eq!(
                at(method, url, nonce).unwrap_err().code(),
                "invalid_request",
                "{method} {url} {nonce:?}"
            );
        }
        assert_eq!(
            dpop.finish("a.b", &[0; 10]).unwrap_err().code(),
            "invalid_request"
        );
    }

    #[test]
    fn requests_are_bound_and_nonces_followed() {
        let mut req = HttpRequest::get("https://a.example/me", "application/json");
        req.headers
            .push(("authorization".into(), "Bearer at".into()));
        bind_request(&mut req, "p.r.oof");
        assert_eq!(req.header("authorization"), Some("DPoP at"));
        assert_eq!(req.header("dpop"), Some("p.r.oof"));

        let token_endpoint =
            HttpResponse::new(400, r#"{"error":"use_dpop_nonce"}"#).with_header("DPoP-Nonce", "n1");
        assert_eq!(nonce_challenge(&token_endpoint), Some("n1"));
        let resource = HttpResponse::new(401, "")
            .with_header(
                "WWW-Authenticate",
                "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"",
            )
            .with_header("DPoP-Nonce", "n2");
        assert_eq!(nonce_challenge(&resource), Some("n2"));
        for no in [
            HttpResponse::new(400, r#"{"error":"use_dpop_nonce"}"#),
            HttpResponse::new(400, r#"{"error":"use_dpop_nonce"}"#)
                .with_header("DPoP-Nonce", "bad nonce"),
            HttpResponse::new(400, r#"{"error":"invalid_grant"}"#).with_header("DPoP-Nonce", "n"),
            HttpResponse::new(200, r#"{"error":"use_dpop_nonce"}"#).with_header("DPoP-Nonce", "n"),
        ] {
            assert_eq!(nonce_challenge(&no), None);
        }
        let mut nonces = DpopNonces::default();
        nonces.remember("https://A.example/token", &token_endpoint);
        assert_eq!(nonces.get("https://a.example/other"), Some("n1"));
        assert_eq!(nonces.get("https://b.example/"), None);
        for i in 0..(MAX_NONCE_ORIGINS + 1) {
            nonces.remember(&format!("https://h{i}.example/"), &token_endpoint);
        }
        assert_eq!(nonces.get("https://a.example/"), None);
        assert_eq!(nonces.get("https://h1.example/"), Some("n1"));
    }
}
