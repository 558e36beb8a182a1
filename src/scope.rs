//! Scopes granted by a token: the `scope` claim (space-delimited, RFC 8693 §4.2 / RFC 9068 §2.2.3) or,
//! when absent, `scp` (an array as Okta and Ory send it, or a space-delimited string as Microsoft Entra does).

use serde_json::{Map, Value};

/// Whether every required scope must be granted, or one is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every required scope (the default).
    #[default]
    All,
    /// At least one required scope.
    Any,
}

/// The granted scopes, deduplicated, in the order the token lists them. Values of the wrong type grant nothing.
pub fn scopes_of(claims: &Map<String, Value>) -> Vec<String> {
    let raw: Vec<&str> = match claims.get("scope").or_else(|| claims.get("scp")) {
        Some(Value::String(s)) => s.split(' ').collect(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for s in raw.into_iter().filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Whether the granted scopes satisfy `required` under `mode`; names compare exactly (RFC 6749 §3.3).
/// An empty requirement is satisfied in `All` mode and not in `Any` mode.
pub fn has_scopes(claims: &Map<String, Value>, required: &[&str], mode: Mode) -> bool {
    let granted = scopes_of(claims);
    let is_granted = |r: &&str| granted.iter().any(|g| g == r);
    match mode {
        Mode::All => required.iter().all(is_granted),
        Mode::Any => required.iter().any(is_granted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn scope_then_scp() {
        assert_eq!(
            scopes_of(&claims(json!({"scope": "a b  a c"}))),
            ["a", "b", "c"]
        );
        assert_eq!(
            scopes_of(&claims(json!({"scp": ["x", "y", "x"]}))),
            ["x", "y"]
        );
        assert_eq!(scopes_of(&claims(json!({"scp": "x y"}))), ["x", "y"]);
        assert_eq!(
            scopes_of(&claims(json!({"scope": "a", "scp": ["x"]}))),
            ["a"]
        );
        assert!(scopes_of(&claims(json!({"scope": 5}))).is_empty());
    }

    #[test]
    fn all_and_any_compare_exactly() {
        let c = claims(json!({"scope": "auth.users.list Admin"}));
        assert!(has_scopes(&c, &["auth.users.list", "Admin"], Mode::All));
        assert!(!has_scopes(&c, &["auth.users.list", "admin"], Mode::All));
        assert!(has_scopes(&c, &["nope", "Admin"], Mode::Any));
        assert!(!has_scopes(&c, &["auth.users"], Mode::Any));
    }
}
