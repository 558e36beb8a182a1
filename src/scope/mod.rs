//! Scopes granted by a token, and requirements on them.
//!
//! - [`scopes_of`]: the granted scopes. The `scope` claim (RFC 8693 §4.2 / RFC 9068 §2.2.3: a space-delimited
//!   string; Spring Authorization Server and PingFederate send an array) or, when `scope` is absent, `scp`
//!   (an array as Okta and Ory send it, or a space-delimited string as Microsoft Entra does).
//! - [`has_scopes`]: all-of / any-of a list of scope names, compared exactly (RFC 6749 §3.3: case-sensitive).
//! - [`ScopeRequirement`]: boolean expressions over scope names (`and`, `or`, `not`, parentheses); its grammar
//!   is in [`expr`].
//! - [`require`]: the check the token verifier uses, which answers [`Error::InsufficientScope`] with the
//!   scopes that would satisfy the requirement (for RFC 6750's `scope` attribute, see `bearer_challenge` in `crate::server`).

pub mod expr;

pub use expr::ScopeRequirement;

use crate::error::{Error, Result, cap, quote};
use crate::wire::{OneOrMany, check_scope_token};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::str::FromStr;

/// Whether every required scope must be granted, or one is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every required scope (the default).
    #[default]
    All,
    /// At least one required scope.
    Any,
}

impl FromStr for Mode {
    type Err = Error;

    /// `"all"` or `"any"`, exactly; anything else is `invalid_request`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "all" => Ok(Mode::All),
            "any" => Ok(Mode::Any),
            other => Err(Error::InvalidRequest(format!(
                "scope mode must be \"all\" or \"any\", found {other}",
                other = quote(other)
            ))),
        }
    }
}

/// Whether `s` is an RFC 6749 §3.3 scope-token: one or more NQCHAR (%x21 / %x23-5B / %x5D-7E).
pub fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// The granted scopes, deduplicated, in the order the token lists them.
///
/// Reads `scope` when the member is present, else `scp`; each may be a space-delimited string or an array of
/// strings. A present `scope` of another type grants nothing (there is no fallback to `scp` then). Pieces that
/// are not RFC 6749 scope-tokens (array items that are not strings, or hold a space, a control character,
/// `"`, `\` or non-ASCII) grant nothing: no valid requirement could name them.
pub fn scopes_of(claims: &Map<String, Value>) -> Vec<String> {
    granted_scopes(claims)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Up to this many scopes, duplicates are found by comparing with those kept (cheaper than hashing each).
const SMALL_SCOPE_LIST: usize = 16;

/// The member the scopes are read from, with its name: `scope` when present, else `scp` (see [`scopes_of`]).
pub fn scope_claim(claims: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    ["scope", "scp"]
        .into_iter()
        .find_map(|name| claims.get(name).map(|value| (name, value)))
}

/// [`scopes_of`], borrowed from the claims: the pieces of [`scope_claim`] that are scope-tokens, each once.
pub fn granted_scopes(claims: &Map<String, Value>) -> Vec<&str> {
    let raw: Vec<&str> = match scope_claim(claims).map(|(_, value)| value) {
        Some(Value::String(s)) => s.split(' ').collect(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<&str> = Vec::with_capacity(raw.len());
    if raw.len() <= SMALL_SCOPE_LIST {
        for s in raw {
            if is_scope_token(s) && !out.contains(&s) {
                out.push(s);
            }
        }
        return out;
    }
    // A HashSet keeps this linear: a 64 KiB token can list ~30 000 scopes.
    let mut seen: HashSet<&str> = HashSet::with_capacity(raw.len());
    for s in raw {
        if is_scope_token(s) && seen.insert(s) {
            out.push(s);
        }
    }
    out
}

/// The granted scopes as a set, for repeated membership tests.
pub(crate) fn granted_set(claims: &Map<String, Value>) -> HashSet<String> {
    scopes_of(claims).into_iter().collect()
}

/// Whether the granted scopes satisfy `required` under `mode`; names compare exactly (RFC 6749 §3.3).
/// An empty `required` is satisfied in `All` mode and not in `Any` mode (callers from JS cannot pass one:
/// [`required_list`] refuses it).
pub fn has_scopes(claims: &Map<String, Value>, required: &[&str], mode: Mode) -> bool {
    let granted = granted_set(claims);
    let is_granted = |r: &&str| granted.contains(*r);
    match mode {
        Mode::All => required.iter().all(is_granted),
        Mode::Any => required.iter().any(is_granted),
    }
}

/// A required-scope list from a string (space-separated: `"a b"` means both) or a list (one scope per item),
/// deduplicated in order. Empty lists and items that are not RFC 6749 scope-tokens are `invalid_request`:
/// an empty requirement would grant everything, and a malformed name could never be granted.
pub fn required_list(required: &OneOrMany) -> Result<Vec<String>> {
    let items: Vec<&str> = match required {
        OneOrMany::One(s) => s.split(' ').filter(|p| !p.is_empty()).collect(),
        OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
    };
    if items.is_empty() {
        return Err(Error::InvalidRequest(
            "a scope requirement must name at least one scope".into(),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        check_scope_token("required scope", item)?;
        if seen.insert(item) {
            out.push(item.to_owned());
        }
    }
    Ok(out)
}

/// What an access token must grant: every scope of a list, or a boolean expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// Every scope of the list (non-empty, valid scope-tokens, deduplicated).
    AllOf(Vec<String>),
    /// A [`ScopeRequirement`] expression.
    Expression(ScopeRequirement),
}

impl Requirement {
    /// All of the scopes of a string (space-separated) or list; see [`required_list`] for the failures.
    pub fn all_of(required: &OneOrMany) -> Result<Self> {
        required_list(required).map(Requirement::AllOf)
    }

    /// Parses an expression; see [`ScopeRequirement::parse`].
    pub fn parse(expr: &str) -> Result<Self> {
        ScopeRequirement::parse(expr).map(Requirement::Expression)
    }

    /// Whether the claims' scopes satisfy the requirement.
    pub fn is_met(&self, claims: &Map<String, Value>) -> bool {
        let granted = granted_set(claims);
        match self {
            Requirement::AllOf(list) => list.iter().all(|s| granted.contains(s)),
            Requirement::Expression(e) => e.evaluate(&granted),
        }
    }
}

impl TryFrom<&OneOrMany> for Requirement {
    type Error = Error;

    fn try_from(required: &OneOrMany) -> Result<Self> {
        Requirement::all_of(required)
    }
}

impl From<ScopeRequirement> for Requirement {
    fn from(e: ScopeRequirement) -> Self {
        Requirement::Expression(e)
    }
}

/// `Ok(())` when the claims' scopes satisfy `requirement`, else [`Error::InsufficientScope`].
///
/// The error's `required` is a set of scopes that would satisfy the requirement (RFC 6750 §3: the `scope`
/// attribute is "the scope necessary to access the protected resource", so it holds the whole set, including
/// what the token already has): for a list, the list; for an expression, see
/// [`ScopeRequirement::satisfying_scopes`]. The message names what is missing.
pub fn require(claims: &Map<String, Value>, requirement: &Requirement) -> Result<()> {
    require_of(&scopes_of(claims), requirement)
}

/// [`require`] on the scopes [`scopes_of`] gave, for a caller that hands them out too (the edge guard).
pub fn require_of(granted: &[String], requirement: &Requirement) -> Result<()> {
    match requirement {
        Requirement::AllOf(list) => {
            // A list, not a set: a route needs a few scopes, and a token's are bounded by its length.
            let missing: Vec<&str> = list
                .iter()
                .filter(|s| !granted.contains(*s))
                .map(String::as_str)
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(Error::InsufficientScope {
                    message: format!(
                        "the token lacks the scope(s) {}; required: {}",
                        cap(&missing.join(" ")),
                        cap(&list.join(" "))
                    ),
                    required: list.clone(),
                })
            }
        }
        Requirement::Expression(e) => e.require_granted(&granted.iter().cloned().collect()),
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
        assert_eq!(scopes_of(&claims(json!({"scope": ["r", "w"]}))), ["r", "w"]);
        assert!(scopes_of(&claims(json!({"scope": 5}))).is_empty());
        assert!(scopes_of(&claims(json!({"scope": null, "scp": "x"}))).is_empty());
        assert!(scopes_of(&claims(json!({"sub": "u"}))).is_empty());
    }

    #[test]
    fn short_and_long_lists_keep_the_first_of_each_in_order() {
        for n in [1, SMALL_SCOPE_LIST, SMALL_SCOPE_LIST + 1, 100] {
            let listed: Vec<String> = (0..n).map(|i| format!("s{}", i % 7)).collect();
            let expected: Vec<String> = (0..n.min(7)).map(|i| format!("s{i}")).collect();
            let text = claims(json!({ "scope": listed.join(" ") }));
            assert_eq!(scopes_of(&text), expected, "{n} as a string");
            assert_eq!(
                scopes_of(&claims(json!({ "scp": listed }))),
                expected,
                "{n} as an array"
            );
            assert_eq!(scope_claim(&text).map(|(name, _)| name), Some("scope"));
        }
        assert_eq!(
            scope_claim(&claims(json!({"scope": 5, "scp": "x"}))).map(|c| c.0),
            Some("scope")
        );
        assert_eq!(
            scope_claim(&claims(json!({"scp": "x"}))).map(|c| c.0),
            Some("scp")
        );
        assert_eq!(scope_claim(&claims(json!({"sub": "u"}))), None);
    }

    #[test]
    fn malformed_pieces_grant_nothing() {
        let c = claims(json!({"scope": "a\tb c d\u{e9} \"q\" back\\slash e"}));
        assert_eq!(scopes_of(&c), ["c", "e"]);
        let c = claims(json!({"scp": ["a b", 3, "", "ok", null, ["x"]]}));
        assert_eq!(scopes_of(&c), ["ok"]);
    }

    #[test]
    fn dedup_is_linear_on_huge_lists() {
        let many: Vec<String> = (0..30_000).map(|i| format!("s{}", i % 20_000)).collect();
        let c = claims(json!({ "scope": many.join(" ") }));
        let got = scopes_of(&c);
        assert_eq!(got.len(), 20_000);
        assert_eq!(got.first().map(String::as_str), Some("s0"));
        assert_eq!(got.last().map(String::as_str), Some("s19999"));
    }

    #[test]
    fn all_and_any_compare_exactly() {
        let c = claims(json!({"scope": "auth.users.list Admin"}));
        assert!(has_scopes(&c, &["auth.users.list", "Admin"], Mode::All));
        assert!(!has_scopes(&c, &["auth.users.list", "admin"], Mode::All));
        assert!(has_scopes(&c, &["nope", "Admin"], Mode::Any));
        assert!(!has_scopes(&c, &["auth.users"], Mode::Any));
        assert!(has_scopes(&c, &[], Mode::All));
        assert!(!has_scopes(&c, &[], Mode::Any));
    }

    #[test]
    fn modes_parse_exactly() {
        assert_eq!("all".parse::<Mode>().unwrap(), Mode::All);
        assert_eq!("any".parse::<Mode>().unwrap(), Mode::Any);
        assert_eq!("ALL".parse::<Mode>().unwrap_err().code(), "invalid_request");
        assert_eq!("".parse::<Mode>().unwrap_err().code(), "invalid_request");
    }

    #[test]
    fn required_lists_are_checked() {
        assert_eq!(
            required_list(&OneOrMany::from(" a  b a ")).unwrap(),
            ["a", "b"]
        );
        assert_eq!(
            required_list(&OneOrMany::Many(vec!["x".into(), "y".into()])).unwrap(),
            ["x", "y"]
        );
        for bad in [
            OneOrMany::from(""),
            OneOrMany::from("   "),
            OneOrMany::Many(vec![]),
            OneOrMany::Many(vec!["a b".into()]),
            OneOrMany::Many(vec!["".into()]),
            OneOrMany::from("a\tb"),
            OneOrMany::from("caf\u{e9}"),
            OneOrMany::from("say\"hi\""),
        ] {
            assert_eq!(
                required_list(&bad).unwrap_err().code(),
                "invalid_request",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn require_all_of_lists_the_whole_set_and_names_the_missing() {
        let c = claims(json!({"scp": ["auth.users.list"]}));
        let r = Requirement::all_of(&OneOrMany::from("auth.users.list auth.users.update")).unwrap();
        assert!(!r.is_met(&c));
        match require(&c, &r).unwrap_err() {
            Error::InsufficientScope { message, required } => {
                assert_eq!(required, ["auth.users.list", "auth.users.update"]);
                assert!(
                    message.contains("lacks the scope(s) auth.users.update;"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let c = claims(json!({"scp": "auth.users.update auth.users.list"}));
        assert!(require(&c, &r).is_ok());
        assert!(r.is_met(&c));
    }

    #[test]
    fn require_expression() {
        let r: Requirement = Requirement::parse("a and (b or c)").unwrap();
        assert!(require(&claims(json!({"scope": "a c"})), &r).is_ok());
        let err = require(&claims(json!({"scope": "c"})), &r).unwrap_err();
        assert_eq!(err.code(), "insufficient_scope");
        assert_eq!(
            Requirement::try_from(&OneOrMany::from(""))
                .unwrap_err()
                .code(),
            "invalid_request"
        );
    }
}
