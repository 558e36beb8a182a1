//! The RFC 7638 JWK thumbprint, shared by the resource server's DPoP check (`crate::server`) and the client's
//! DPoP keys (`crate::client::dpop`), which each word its failure in their own error.

use crate::jose::base64url;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// SHA-256 of the public JWK's required members, in lexicographic order, as JSON without whitespace (§3.2),
/// base64url.
///
/// Errors: what is wrong (a `kty` other than RSA, EC or OKP, or a missing or non-string member), for the caller's
/// error.
pub fn jwk_thumbprint(jwk: &Map<String, Value>) -> std::result::Result<String, String> {
    let members: &[&str] = match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => &["e", "kty", "n"],
        Some("EC") => &["crv", "kty", "x", "y"],
        Some("OKP") => &["crv", "kty", "x"],
        _ => return Err("must be an RSA, EC or OKP public key".into()),
    };
    let mut canonical = String::from("{");
    for (i, name) in members.iter().enumerate() {
        let value = jwk
            .get(*name)
            .filter(|v| v.is_string())
            .ok_or_else(|| format!("lacks the string member {name:?}"))?;
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&format!("{name:?}:{value}"));
    }
    canonical.push('}');
    Ok(base64url::encode(Sha256::digest(canonical.as_bytes())))
}
