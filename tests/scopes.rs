//! Scope checks natively: the Auth API permission catalogue of `tests/fixtures/auth-api-scopes.json` (also run
//! from JS by `tests/js/scope.test.mjs`), and property tests of the expression language against a reference
//! evaluator.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use oidc_edge::Error;
use oidc_edge::scope::{Requirement, ScopeRequirement, require, scopes_of};
use oidc_edge::server::{ChallengeOptions, challenge_for_error};
use oidc_edge::wire::OneOrMany;
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::collections::HashSet;

const FIXTURE: &str = include_str!("fixtures/auth-api-scopes.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

fn token<'a>(f: &'a Value, name: &str) -> &'a Map<String, Value> {
    f["tokens"][name]
        .as_object()
        .unwrap_or_else(|| panic!("no token {name}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Checks one requirement against the fixture's pass / fail tokens, including the reported `required`.
fn check_cases(f: &Value, what: &str, requirement: &Requirement, case: &Value) {
    for name in case["pass"].as_array().unwrap() {
        let name = name.as_str().unwrap();
        let claims = token(f, name);
        assert!(requirement.is_met(claims), "{what}: {name} should pass");
        assert_eq!(require(claims, requirement), Ok(()), "{what}: {name}");
    }
    let fails = case["fail"].as_object().unwrap();
    assert!(!fails.is_empty(), "{what}: no failing token");
    for (name, expected) in fails {
        let claims = token(f, name);
        assert!(!requirement.is_met(claims), "{what}: {name} should fail");
        match require(claims, requirement) {
            Err(Error::InsufficientScope { required, message }) => {
                assert_eq!(required, strings(expected), "{what}: {name}: {message}");
            }
            other => panic!("{what}: {name}: {other:?}"),
        }
    }
}

#[test]
fn catalogue_scopes_are_scope_tokens_and_read_from_every_shape() {
    let f = fixture();
    for s in strings(&f["catalogue"]) {
        let r = ScopeRequirement::parse(&s).unwrap();
        assert_eq!(r.to_string(), s);
        assert_eq!(r.scopes(), std::slice::from_ref(&s));
    }
    assert_eq!(
        scopes_of(token(&f, "editor_entra")),
        ["auth.users.list", "auth.users.update"]
    );
    assert_eq!(scopes_of(token(&f, "admin_spring")), ["admin", "openid"]);
    assert_eq!(scopes_of(token(&f, "scope_wins_over_scp")), ["openid"]);
    assert!(scopes_of(token(&f, "none")).is_empty());
}

#[test]
fn endpoint_requirements() {
    let f = fixture();
    let endpoints = f["endpoints"].as_array().unwrap();
    assert!(endpoints.len() >= 7);
    for e in endpoints {
        let route = e["route"].as_str().unwrap();
        let parsed = ScopeRequirement::parse(e["requirement"].as_str().unwrap()).unwrap();
        assert_eq!(
            parsed.to_string(),
            e["canonical"].as_str().unwrap(),
            "{route}"
        );
        check_cases(&f, route, &Requirement::Expression(parsed), e);
    }
}

#[test]
fn all_of_requirements() {
    let f = fixture();
    for case in f["all_of"].as_array().unwrap() {
        let required: OneOrMany = serde_json::from_value(case["required"].clone()).unwrap();
        let r = Requirement::all_of(&required).unwrap();
        check_cases(&f, &format!("{required:?}"), &r, case);
    }
}

#[test]
fn invalid_expressions_report_their_column() {
    let f = fixture();
    for case in f["invalid"].as_array().unwrap() {
        let expr = case["expression"].as_str().unwrap();
        match ScopeRequirement::parse(expr) {
            Err(Error::InvalidScopeExpression { column, message }) => {
                assert_eq!(
                    column as u64,
                    case["column"].as_u64().unwrap(),
                    "{expr:?}: {message}"
                );
            }
            other => panic!("{expr:?}: {other:?}"),
        }
    }
}

#[test]
fn a_failed_requirement_becomes_a_403_challenge() {
    let f = fixture();
    let r = Requirement::parse("auth.users.list and (auth.users.update or admin)").unwrap();
    let err = require(token(&f, "reader"), &r).unwrap_err();
    let opts = ChallengeOptions {
        realm: Some("auth-api".into()),
        error_description: true,
        scope: None,
        dpop_algs: None,
        resource_metadata: None,
    };
    let c = challenge_for_error(&err, &opts).unwrap();
    assert_eq!(c.status, 403);
    assert_eq!(
        c.www_authenticate,
        "Bearer realm=\"auth-api\", error=\"insufficient_scope\", error_description=\"the token's scopes \
         do not satisfy `auth.users.list and (auth.users.update or admin)`: it lacks auth.users.update\", \
         scope=\"auth.users.list auth.users.update\""
    );
}

// ------------------------------------------------------------------------------------------------
// Property tests

/// Scope names for random expressions, with how they may be written.
const NAMES: &[(&str, &[&str])] = &[
    ("a", &["a", "\"a\""]),
    ("b", &["b"]),
    ("auth.users.list", &["auth.users.list"]),
    (
        "https://api.example.com/read",
        &[
            "https://api.example.com/read",
            "\"https://api.example.com/read\"",
        ],
    ),
    ("and", &["\"and\""]),
    ("fn(x)", &["\"fn(x)\""]),
    ("Or", &["\"Or\""]),
    ("x!&|", &["x!&|"]),
];

/// A reference expression: what the parser must understand. `style` picks spellings and spacing.
#[derive(Debug, Clone)]
enum RefExpr {
    Scope(usize, u8),
    Not(Box<RefExpr>, u8),
    And(Box<RefExpr>, Box<RefExpr>, u8),
    Or(Box<RefExpr>, Box<RefExpr>, u8),
}

fn keyword(word: &str, style: u8) -> String {
    match style % 3 {
        0 => word.to_owned(),
        1 => word.to_uppercase(),
        _ => {
            let mut c = word.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

fn space(style: u8) -> &'static str {
    [" ", "  ", "\t", "\n ", " \r\n"][(style / 3 % 5) as usize]
}

/// Fully parenthesized text, so that the meaning is the tree's whatever the precedence.
fn render(e: &RefExpr) -> String {
    match e {
        RefExpr::Scope(i, style) => {
            let spellings = NAMES[*i].1;
            spellings[*style as usize % spellings.len()].to_owned()
        }
        RefExpr::Not(inner, s) => format!("{}{}({})", keyword("not", *s), space(*s), render(inner)),
        RefExpr::And(l, r, s) => format!(
            "({}){sp}{}{sp}({})",
            render(l),
            keyword("and", *s),
            render(r),
            sp = space(*s)
        ),
        RefExpr::Or(l, r, s) => format!(
            "({}){sp}{}{sp}({})",
            render(l),
            keyword("or", *s),
            render(r),
            sp = space(*s)
        ),
    }
}

fn reference(e: &RefExpr, granted: &[bool]) -> bool {
    match e {
        RefExpr::Scope(i, _) => granted[*i],
        RefExpr::Not(inner, _) => !reference(inner, granted),
        RefExpr::And(l, r, _) => reference(l, granted) && reference(r, granted),
        RefExpr::Or(l, r, _) => reference(l, granted) || reference(r, granted),
    }
}

fn has_not(e: &RefExpr) -> bool {
    match e {
        RefExpr::Scope(..) => false,
        RefExpr::Not(..) => true,
        RefExpr::And(l, r, _) | RefExpr::Or(l, r, _) => has_not(l) || has_not(r),
    }
}

fn set(granted: &[bool]) -> HashSet<String> {
    NAMES
        .iter()
        .zip(granted)
        .filter(|(_, g)| **g)
        .map(|((n, _), _)| (*n).to_owned())
        .collect()
}

fn expr_strategy() -> impl Strategy<Value = RefExpr> {
    let leaf = (0..NAMES.len(), any::<u8>()).prop_map(|(i, s)| RefExpr::Scope(i, s));
    leaf.prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            (inner.clone(), any::<u8>()).prop_map(|(e, s)| RefExpr::Not(Box::new(e), s)),
            (inner.clone(), inner.clone(), any::<u8>()).prop_map(|(l, r, s)| RefExpr::And(
                Box::new(l),
                Box::new(r),
                s
            )),
            (inner.clone(), inner, any::<u8>()).prop_map(|(l, r, s)| RefExpr::Or(
                Box::new(l),
                Box::new(r),
                s
            )),
        ]
    })
}

fn granted_strategy() -> impl Strategy<Value = Vec<bool>> {
    proptest::collection::vec(any::<bool>(), NAMES.len())
}

fn column_of(err: Error) -> usize {
    match err {
        Error::InvalidScopeExpression { column, .. } => column,
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parses_to_the_reference_meaning(e in expr_strategy(), grants in proptest::collection::vec(granted_strategy(), 8)) {
        let text = render(&e);
        let parsed = ScopeRequirement::parse(&text).unwrap();
        for g in &grants {
            prop_assert_eq!(parsed.evaluate(&set(g)), reference(&e, g), "{} with {:?}", text, g);
        }
    }

    #[test]
    fn canonical_form_round_trips(e in expr_strategy(), grants in proptest::collection::vec(granted_strategy(), 8)) {
        let parsed = ScopeRequirement::parse(&render(&e)).unwrap();
        let canonical = parsed.to_string();
        let again = ScopeRequirement::parse(&canonical).unwrap();
        prop_assert_eq!(&again.to_string(), &canonical);
        prop_assert_eq!(&again, &parsed);
        prop_assert!(canonical.len() <= render(&e).len() + 2);
        for g in &grants {
            prop_assert_eq!(again.evaluate(&set(g)), parsed.evaluate(&set(g)));
        }
    }

    #[test]
    fn boolean_algebra(l in expr_strategy(), r in expr_strategy(), m in expr_strategy(), g in granted_strategy()) {
        let (ls, rs, ms) = (render(&l), render(&r), render(&m));
        let eval = |text: String| ScopeRequirement::parse(&text).unwrap().evaluate(&set(&g));
        let (a, b, c) = (reference(&l, &g), reference(&r, &g), reference(&m, &g));
        prop_assert_eq!(eval(format!("not ({ls})")), !a);
        prop_assert_eq!(eval(format!("not not ({ls})")), a);
        prop_assert_eq!(eval(format!("({ls}) and ({rs})")), a && b);
        prop_assert_eq!(eval(format!("({ls}) or ({rs})")), a || b);
        // De Morgan, and precedence without parentheses around `not` operands
        prop_assert_eq!(eval(format!("not (({ls}) and ({rs}))")), eval(format!("not ({ls}) or not ({rs})")));
        prop_assert_eq!(eval(format!("not (({ls}) or ({rs}))")), eval(format!("not ({ls}) and not ({rs})")));
        // `and` binds tighter than `or`, `not` tighter than both
        prop_assert_eq!(eval(format!("({ls}) or ({rs}) and ({ms})")), a || (b && c));
        prop_assert_eq!(eval(format!("({ls}) and ({rs}) or ({ms})")), (a && b) || c);
        prop_assert_eq!(eval(format!("not ({ls}) and ({rs})")), !a && b);
        prop_assert_eq!(eval(format!("not ({ls}) or ({rs})")), !a || b);
    }

    #[test]
    fn satisfying_scopes_satisfy_monotone_requirements(e in expr_strategy(), g in granted_strategy()) {
        let parsed = ScopeRequirement::parse(&render(&e)).unwrap();
        let granted = set(&g);
        let suggestion = parsed.satisfying_scopes(&granted);
        let mentioned: HashSet<&String> = parsed.scopes().iter().collect();
        prop_assert!(suggestion.iter().all(|s| mentioned.contains(s)));
        if !has_not(&e) {
            let only: HashSet<String> = suggestion.iter().cloned().collect();
            prop_assert!(parsed.evaluate(&only), "{} -> {:?}", parsed, suggestion);
            let mut with = granted.clone();
            with.extend(suggestion);
            prop_assert!(parsed.evaluate(&with));
        }
        match parsed.require_granted(&granted) {
            Ok(()) => prop_assert!(parsed.evaluate(&granted)),
            Err(Error::InsufficientScope { required, .. }) => {
                prop_assert!(!parsed.evaluate(&granted));
                prop_assert_eq!(required, parsed.satisfying_scopes(&granted));
            }
            Err(other) => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check_text(&text)?;
    }

    #[test]
    fn grammar_like_text_never_panics(text in "[ab()\"\\\\!&|. \t\u{e9}\u{1}]{0,30}|((and|OR|Not|x|\\(|\\)|\"|\\s)){0,20}") {
        check_text(&text)?;
    }

    #[test]
    fn deep_nesting_never_overflows(n in 0usize..5000, m in 0usize..5000, nots in 0usize..2000) {
        let text = format!("{}{}a{}", "not ".repeat(nots), "(".repeat(n), ")".repeat(m));
        check_text(&text)?;
    }
}

/// Either a requirement that round-trips, or `invalid_scope_expression` with a column within the text (one
/// past the end for "at the end").
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let len = text.chars().count();
    match ScopeRequirement::parse(text) {
        Ok(r) => {
            let again = ScopeRequirement::parse(&r.to_string()).unwrap();
            prop_assert_eq!(again, r);
        }
        Err(e) => {
            let column = column_of(e);
            prop_assert!(
                column >= 1 && column <= len + 1,
                "{:?}: column {}",
                text,
                column
            );
        }
    }
    Ok(())
}
