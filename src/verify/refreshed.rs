//! OIDC Core 12.2: what an ID token issued by a refresh must keep of the session's original one.

use crate::error::{Error, Result, quote};
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
        let (before, after) = (original.get(name), refreshed.get(name));
        // A refreshed token SHOULD NOT carry nonce (12.2): absent is fine, present must be the original's.
        let same = same_value(before, after) || (name == "nonce" && after.is_none());
        if same {
            continue;
        }
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

/// Equality of the claims compared (strings, numbers, arrays of strings), without `Value`'s whole `PartialEq`
/// (a recursive map comparison the SPA module has no other use for); values of other types never match.
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Value::String(x)), Some(Value::String(y))) => x == y,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x == y,
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(Some(x), Some(y)))
        }
        _ => false,
    }
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None => "absent".into(),
        Some(Value::String(s)) => quote(s),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => format!("an array of {}", items.len()),
        Some(_) => "of another type".into(),
    }
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
