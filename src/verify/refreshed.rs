//! OIDC Core 12.2: what an ID token issued by a refresh must keep of the session's original one.

use crate::error::{Error, Result, cap};
use serde_json::{Map, Value};

/// Checks a refreshed ID token's verified claims against the session's (OIDC Core 12.2): the same `iss`, `sub`,
/// `aud`, `azp` and `auth_time` (the time of the original authentication), and a `nonce`, if any, the original's.
///
/// Errors: `issuer_mismatch`, `audience_mismatch`, `azp_mismatch`, `nonce_mismatch`, `invalid_claim` (`sub`,
/// `auth_time`), naming the claim.
pub(super) fn check_refreshed_id_token(
    original: &Map<String, Value>,
    refreshed: &Map<String, Value>,
) -> Result<()> {
    for name in ["iss", "sub", "aud", "azp", "auth_time", "nonce"] {
        let (before, after) = (json_text(original, name), json_text(refreshed, name));
        // A refreshed token SHOULD NOT carry nonce (12.2): absent is fine, present must be the original's.
        if before == after || (name == "nonce" && after.is_none()) {
            continue;
        }
        let shown = |text: Option<String>| text.map_or_else(|| "absent".into(), |t| cap(&t));
        let message = format!(
            "the refreshed ID token's {name} is {found}, the session's is {expected} (OIDC Core 12.2)",
            found = shown(after),
            expected = shown(before)
        );
        return Err(match name {
            "iss" => Error::IssuerMismatch(message),
            "aud" => Error::AudienceMismatch(message),
            "azp" => Error::AzpMismatch(message),
            "nonce" => Error::NonceMismatch(message),
            _ => Error::InvalidClaim(message),
        });
    }
    Ok(())
}

/// A claim as its JSON text: compared so (a string is never the number it spells, `10` never `10.0`) without
/// `Value`'s whole `PartialEq`, a recursive comparison the SPA module has no other use for.
fn json_text(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).map(Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_refreshed_id_token_keeps_the_original_subject_and_authentication() {
        let original = json!({"iss": "i", "sub": "alice", "aud": "c", "auth_time": 10, "nonce": "n", "iat": 1});
        let original = original.as_object().unwrap();
        let refreshed = |changes: Value| {
            let mut m = original.clone();
            m.remove("nonce");
            m.insert("iat".into(), json!(99));
            for (k, v) in changes.as_object().unwrap() {
                if v.is_null() {
                    m.remove(k);
                } else {
                    m.insert(k.clone(), v.clone());
                }
            }
            check_refreshed_id_token(original, &m).map_err(|e| e.code())
        };
        assert_eq!(refreshed(json!({})), Ok(()));
        assert_eq!(refreshed(json!({"nonce": "n"})), Ok(()));
        for (changes, code) in [
            (json!({"sub": "mallory"}), "invalid_claim"),
            (json!({"iss": "j"}), "issuer_mismatch"),
            (json!({"aud": ["c", "d"]}), "audience_mismatch"),
            (json!({"azp": "c"}), "azp_mismatch"),
            (json!({"auth_time": 50}), "invalid_claim"),
            (json!({"auth_time": null}), "invalid_claim"),
            (json!({"auth_time": "10"}), "invalid_claim"),
            (json!({"aud": ["c"]}), "audience_mismatch"),
            (json!({"nonce": "other"}), "nonce_mismatch"),
        ] {
            assert_eq!(refreshed(changes.clone()), Err(code), "{changes}");
        }
    }
}
