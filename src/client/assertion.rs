//! The JWT a client signs to authenticate with `private_key_jwt` (RFC 7523 §2.2 and §3, OIDC Core §9):
//! this module builds the claims and the JWS signing input; the signature itself comes from the caller's key
//! (a WebCrypto `CryptoKey` or a callback, in the JS binding), and [`finish`] appends it.

use crate::client::pkce::random_token;
use crate::error::{Error, Result, quote};
use crate::jose::Algorithm::{self, *};
use crate::jose::base64url;
use crate::wire::check_vschar;
use serde::Serialize;

/// Default lifetime of an assertion, in seconds: short, it is used once.
pub const DEFAULT_LIFETIME: u64 = 60;
/// Longest lifetime accepted, in seconds.
pub const MAX_LIFETIME: u64 = 600;

/// The signature algorithms a client assertion may use (RFC 7518 §3.1, RFC 8037): asymmetric only, since
/// `private_key_jwt` is about a private key (`client_secret_jwt` is not offered).
pub const ALGORITHMS: [Algorithm; 10] = [
    Rs256, Rs384, Rs512, Ps256, Ps384, Ps512, Es256, Es384, Es512, EdDsa,
];

/// The assertion algorithm called `name`. Errors: `invalid_request` for a name outside [`ALGORITHMS`].
pub fn algorithm(name: &str) -> Result<Algorithm> {
    ALGORITHMS
        .into_iter()
        .find(|alg| alg.name() == name)
        .ok_or_else(|| not_an_assertion_algorithm(name))
}

fn not_an_assertion_algorithm(name: &str) -> Error {
    let names: Vec<&str> = ALGORITHMS.iter().map(|alg| alg.name()).collect();
    Error::InvalidRequest(format!(
        "client assertion algorithm {name} is not one of {}",
        names.join(", "),
        name = quote(name)
    ))
}

/// What goes into the assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionParams<'a> {
    /// `iss` and `sub`: the client's `client_id`.
    pub client_id: &'a str,
    /// `aud`: the token endpoint URL (OIDC Core §9) or the issuer identifier (RFC 7523 §3 allows either;
    /// the issuer is what draft-ietf-oauth-rfc7523bis recommends).
    pub audience: &'a str,
    /// The JWS `alg`, one of [`ALGORITHMS`].
    pub alg: Algorithm,
    /// The JWS `kid`, when the provider holds several of the client's keys.
    pub key_id: Option<&'a str>,
    /// Seconds since the epoch: `iat`, and the start of `exp`.
    pub now: u64,
    /// Seconds until `exp`, 1..=[`MAX_LIFETIME`].
    pub lifetime: u64,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: &'a str,
    iat: u64,
    exp: u64,
}

/// The JWS signing input (`BASE64URL(header) '.' BASE64URL(claims)`, RFC 7515 §5.1) of a fresh assertion:
/// `iss` = `sub` = client id, `aud`, a random `jti` (RFC 7523 §3: replay protection), `iat` = now,
/// `exp` = now + lifetime. The header is `{"alg", "typ":"JWT", "kid"?}`.
///
/// Errors (`invalid_request`): an algorithm outside [`ALGORITHMS`]; an empty or non-ASCII client id or
/// audience; a lifetime of 0 or above [`MAX_LIFETIME`]; no secure random source.
pub fn signing_input(p: &AssertionParams<'_>) -> Result<String> {
    if !ALGORITHMS.contains(&p.alg) {
        return Err(not_an_assertion_algorithm(p.alg.name()));
    }
    check_vschar("clientId", p.client_id)?;
    check_vschar("audience", p.audience)?;
    if let Some(kid) = p.key_id {
        check_vschar("keyId", kid)?;
    }
    if !(1..=MAX_LIFETIME).contains(&p.lifetime) {
        return Err(Error::InvalidRequest(format!(
            "client assertion lifetime must be 1..={MAX_LIFETIME} seconds, found {}",
            p.lifetime
        )));
    }
    let jti = random_token(24)?;
    let header = Header {
        alg: p.alg.name(),
        typ: "JWT",
        kid: p.key_id,
    };
    let claims = Claims {
        iss: p.client_id,
        sub: p.client_id,
        aud: p.audience,
        jti: &jti,
        iat: p.now,
        exp: p.now.saturating_add(p.lifetime),
    };
    Ok(format!("{}.{}", b64_json(&header)?, b64_json(&claims)?))
}

fn b64_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_vec(value)
        .map(base64url::encode)
        .map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// The compact JWS: the signing input, `.`, the base64url signature.
///
/// Errors (`invalid_request`): a signature of the wrong size for its algorithm — ECDSA signatures must be
/// the JWS `r || s` form (RFC 7518 §3.4: 64, 96 or 132 bytes), which WebCrypto produces, not DER; EdDSA
/// signatures are 64 bytes; an empty RSA signature.
pub fn finish(alg: Algorithm, signing_input: &str, signature: &[u8]) -> Result<String> {
    let alg_name = alg.name();
    match alg.info().signature_len {
        Some(n) if signature.len() != n => {
            return Err(Error::InvalidRequest(format!(
                "a {alg_name} signature must be {n} bytes (JWS r||s form, not DER), found {}",
                signature.len()
            )));
        }
        None if signature.len() < 256 => {
            return Err(Error::InvalidRequest(format!(
                "an {alg_name} signature must be at least 256 bytes (RSA >= 2048 bits), found {}",
                signature.len()
            )));
        }
        _ => {}
    }
    Ok(format!("{signing_input}.{}", base64url::encode(signature)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::Sha;
    use serde_json::Value;

    fn part(input: &str, i: usize) -> Value {
        let p = input.split('.').nth(i).unwrap();
        serde_json::from_slice(&base64url::decode(p).unwrap()).unwrap()
    }

    #[test]
    fn claims_and_header() {
        let params = AssertionParams {
            client_id: "client-1",
            audience: "https://idp.example.com/token",
            alg: Es256,
            key_id: Some("k1"),
            now: 1_700_000_000,
            lifetime: DEFAULT_LIFETIME,
        };
        let input = signing_input(&params).unwrap();
        assert_eq!(
            part(&input, 0),
            serde_json::json!({"alg":"ES256","typ":"JWT","kid":"k1"})
        );
        let c = part(&input, 1);
        assert_eq!(c["iss"], "client-1");
        assert_eq!(c["sub"], "client-1");
        assert_eq!(c["aud"], "https://idp.example.com/token");
        assert_eq!(c["iat"], 1_700_000_000u64);
        assert_eq!(c["exp"], 1_700_000_060u64);
        assert!(c["jti"].as_str().unwrap().len() >= 32);
        // a fresh jti every time
        assert_ne!(part(&signing_input(&params).unwrap(), 1)["jti"], c["jti"]);

        let jws = finish(Es256, &input, &[7u8; 64]).unwrap();
        assert!(jws.starts_with(&input));
        assert_eq!(jws.split('.').count(), 3);
    }

    #[test]
    fn rejects_bad_inputs() {
        let base = AssertionParams {
            client_id: "c",
            audience: "https://idp.example.com",
            alg: Rs256,
            key_id: None,
            now: 0,
            lifetime: 60,
        };
        for bad in [
            AssertionParams {
                alg: Hs256,
                ..base.clone()
            },
            AssertionParams {
                client_id: "",
                ..base.clone()
            },
            AssertionParams {
                lifetime: 0,
                ..base.clone()
            },
            AssertionParams {
                lifetime: 601,
                ..base.clone()
            },
        ] {
            assert_eq!(signing_input(&bad).unwrap_err().code(), "invalid_request");
        }
        for name in ["HS256", "none"] {
            assert_eq!(algorithm(name).unwrap_err().code(), "invalid_request");
        }
        assert!(signing_input(&base).is_ok());
        // DER-encoded ECDSA (70-72 bytes) is a classic mistake
        assert_eq!(
            finish(Es256, "a.b", &[1; 71]).unwrap_err().code(),
            "invalid_request"
        );
        assert_eq!(
            finish(Rs256, "a.b", &[1; 10]).unwrap_err().code(),
            "invalid_request"
        );
        assert!(finish(Rs256, "a.b", &[1; 256]).is_ok());
    }

    #[test]
    fn webcrypto_mapping_round_trips() {
        let webcrypto = |alg: Algorithm| alg.info().webcrypto.unwrap();
        assert_eq!(webcrypto(Ps384).salt_length, Some(48));
        assert_eq!(
            webcrypto(Es256).hash.map(Sha::webcrypto_name),
            Some("SHA-256")
        );
        assert!(Hs256.info().webcrypto.is_none());
        let of_key =
            |name, hash, curve| Algorithm::of_webcrypto_key(&ALGORITHMS, name, hash, curve);
        assert_eq!(of_key("ECDSA", None, Some("P-256")), Some(Es256));
        assert_eq!(
            of_key("RSASSA-PKCS1-v1_5", Some("SHA-256"), None),
            Some(Rs256)
        );
        assert_eq!(of_key("RSA-PSS", Some("SHA-512"), None), Some(Ps512));
        assert_eq!(of_key("Ed25519", None, None), Some(EdDsa));
        assert_eq!(of_key("HMAC", Some("SHA-256"), None), None);
        assert_eq!(of_key("ECDSA", None, Some("K-256")), None);
        // Every assertion algorithm can be signed by WebCrypto.
        assert!(ALGORITHMS.iter().all(|alg| alg.info().webcrypto.is_some()));
    }
}
