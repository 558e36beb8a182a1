//! The JWT a client signs to authenticate with `private_key_jwt` (RFC 7523 §2.2 and §3, OIDC Core §9):
//! this module builds the claims and the JWS signing input; the signature itself comes from the caller's key
//! (a WebCrypto `CryptoKey` or a callback, in the JS binding), and [`finish`] appends it.

use crate::client::pkce::random_token;
use crate::error::{Error, Result};
use crate::jose::base64url;
use crate::wire::check_vschar;
use serde::Serialize;

/// Default lifetime of an assertion, in seconds: short, it is used once.
pub const DEFAULT_LIFETIME: u64 = 60;
/// Longest lifetime accepted, in seconds.
pub const MAX_LIFETIME: u64 = 600;

/// The signature algorithms a client assertion may use (RFC 7518 §3.1, RFC 8037): asymmetric only, since
/// `private_key_jwt` is about a private key (`client_secret_jwt` is not offered).
pub const ALGORITHMS: [&str; 10] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
];

/// What goes into the assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionParams<'a> {
    /// `iss` and `sub`: the client's `client_id`.
    pub client_id: &'a str,
    /// `aud`: the token endpoint URL (OIDC Core §9) or the issuer identifier (RFC 7523 §3 allows either;
    /// the issuer is what draft-ietf-oauth-rfc7523bis recommends).
    pub audience: &'a str,
    /// The JWS `alg`, one of [`ALGORITHMS`].
    pub alg: &'a str,
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
        return Err(Error::InvalidRequest(format!(
            "client assertion algorithm {:?} is not one of {}",
            p.alg,
            ALGORITHMS.join(", ")
        )));
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
        alg: p.alg,
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
pub fn finish(alg: &str, signing_input: &str, signature: &[u8]) -> Result<String> {
    let expected = match alg {
        "ES256" => Some(64),
        "ES384" => Some(96),
        "ES512" => Some(132),
        "EdDSA" => Some(64),
        _ => None,
    };
    match expected {
        Some(n) if signature.len() != n => {
            return Err(Error::InvalidRequest(format!(
                "a {alg} signature must be {n} bytes (JWS r||s form, not DER), found {}",
                signature.len()
            )));
        }
        None if signature.len() < 256 => {
            return Err(Error::InvalidRequest(format!(
                "an {alg} signature must be at least 256 bytes (RSA >= 2048 bits), found {}",
                signature.len()
            )));
        }
        _ => {}
    }
    Ok(format!("{signing_input}.{}", base64url::encode(signature)))
}

/// The WebCrypto `sign` parameters of a JWS algorithm (what `crypto.subtle.sign` takes as its first
/// argument): `name`, and `saltLength` for RSA-PSS (the hash length, RFC 7518 §3.5) or `hash` for ECDSA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebCryptoSign {
    /// The WebCrypto algorithm name.
    pub name: &'static str,
    /// ECDSA: the hash (`SHA-256`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<&'static str>,
    /// RSA-PSS: the salt length in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt_length: Option<u32>,
}

/// Maps a JWS algorithm to WebCrypto sign parameters. Errors: `invalid_request` for other algorithms.
pub fn webcrypto_sign_params(alg: &str) -> Result<WebCryptoSign> {
    let p = |name, hash, salt_length| WebCryptoSign {
        name,
        hash,
        salt_length,
    };
    Ok(match alg {
        "RS256" | "RS384" | "RS512" => p("RSASSA-PKCS1-v1_5", None, None),
        "PS256" => p("RSA-PSS", None, Some(32)),
        "PS384" => p("RSA-PSS", None, Some(48)),
        "PS512" => p("RSA-PSS", None, Some(64)),
        "ES256" => p("ECDSA", Some("SHA-256"), None),
        "ES384" => p("ECDSA", Some("SHA-384"), None),
        "ES512" => p("ECDSA", Some("SHA-512"), None),
        "EdDSA" => p("Ed25519", None, None),
        other => {
            return Err(Error::InvalidRequest(format!(
                "no WebCrypto signature for algorithm {other:?}"
            )));
        }
    })
}

/// The JWS algorithm of a WebCrypto key, from its `algorithm` (`name`, `hash.name`, `namedCurve`).
/// `None` when the key is not one a client assertion can be signed with (HMAC, ECDH, unknown curves…).
pub fn alg_of_webcrypto_key(
    name: &str,
    hash: Option<&str>,
    curve: Option<&str>,
) -> Option<&'static str> {
    let bits = match hash {
        Some("SHA-256") => Some(256),
        Some("SHA-384") => Some(384),
        Some("SHA-512") => Some(512),
        _ => None,
    };
    match (name, bits, curve) {
        ("RSASSA-PKCS1-v1_5", Some(256), _) => Some("RS256"),
        ("RSASSA-PKCS1-v1_5", Some(384), _) => Some("RS384"),
        ("RSASSA-PKCS1-v1_5", Some(512), _) => Some("RS512"),
        ("RSA-PSS", Some(256), _) => Some("PS256"),
        ("RSA-PSS", Some(384), _) => Some("PS384"),
        ("RSA-PSS", Some(512), _) => Some("PS512"),
        ("ECDSA", _, Some("P-256")) => Some("ES256"),
        ("ECDSA", _, Some("P-384")) => Some("ES384"),
        ("ECDSA", _, Some("P-521")) => Some("ES512"),
        ("Ed25519", _, _) => Some("EdDSA"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            alg: "ES256",
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

        let jws = finish("ES256", &input, &[7u8; 64]).unwrap();
        assert!(jws.starts_with(&input));
        assert_eq!(jws.split('.').count(), 3);
    }

    #[test]
    fn rejects_bad_inputs() {
        let base = AssertionParams {
            client_id: "c",
            audience: "https://idp.example.com",
            alg: "RS256",
            key_id: None,
            now: 0,
            lifetime: 60,
        };
        for bad in [
            AssertionParams {
                alg: "HS256",
                ..base.clone()
            },
            AssertionParams {
                alg: "none",
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
        assert!(signing_input(&base).is_ok());
        // DER-encoded ECDSA (70-72 bytes) is a classic mistake
        assert_eq!(
            finish("ES256", "a.b", &[1; 71]).unwrap_err().code(),
            "invalid_request"
        );
        assert_eq!(
            finish("RS256", "a.b", &[1; 10]).unwrap_err().code(),
            "invalid_request"
        );
        assert!(finish("RS256", "a.b", &[1; 256]).is_ok());
    }

    #[test]
    fn webcrypto_mapping_round_trips() {
        assert_eq!(
            webcrypto_sign_params("PS384").unwrap().salt_length,
            Some(48)
        );
        assert_eq!(
            webcrypto_sign_params("ES256").unwrap().hash,
            Some("SHA-256")
        );
        assert!(webcrypto_sign_params("HS256").is_err());
        assert_eq!(
            alg_of_webcrypto_key("ECDSA", None, Some("P-256")),
            Some("ES256")
        );
        assert_eq!(
            alg_of_webcrypto_key("RSASSA-PKCS1-v1_5", Some("SHA-256"), None),
            Some("RS256")
        );
        assert_eq!(
            alg_of_webcrypto_key("RSA-PSS", Some("SHA-512"), None),
            Some("PS512")
        );
        assert_eq!(alg_of_webcrypto_key("Ed25519", None, None), Some("EdDSA"));
        assert_eq!(alg_of_webcrypto_key("HMAC", Some("SHA-256"), None), None);
        assert_eq!(alg_of_webcrypto_key("ECDSA", None, Some("K-256")), None);
    }
}
