//! The binding layer, in real JS engines: `make test-wasm-node` runs this in Node, `make test-wasm-browser`
//! (WASM_BINDGEN_USE_BROWSER=1) in headless Chromium. Each test checks what JS callers see: plain objects,
//! and `OidcEdgeError`s with the documented code — never a `TypeError` or a trap.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use oidc_edge::js::client::auth::*;
use oidc_edge::js::client::authorize::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "rfc_vectors.rs"]
mod rfc_vectors;
#[path = "wasm/token.rs"]
mod token;
#[path = "wasm/verify.rs"]
mod verify;
#[path = "wycheproof.rs"]
mod wycheproof;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

/// The thrown value is an `Error` named `OidcEdgeError` with `code`.
fn code_of(err: JsValue) -> String {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    assert_eq!(
        get(&err, "name").as_string().as_deref(),
        Some("OidcEdgeError")
    );
    get(&err, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn pkce_pair_is_a_plain_object() {
    let pair = generate_pkce(JsValue::UNDEFINED).unwrap();
    assert_eq!(
        Object::get_prototype_of(&pair),
        Object::get_prototype_of(&Object::new())
    );
    let verifier = get(&pair, "codeVerifier").as_string().unwrap();
    assert_eq!(verifier.len(), 64);
    assert_eq!(
        get(&pair, "codeChallengeMethod").as_string().as_deref(),
        Some("S256")
    );
    let challenge = pkce_challenge(s(&verifier), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&pair, "codeChallenge").as_string().unwrap(), challenge);
}

#[wasm_bindgen_test]
fn rfc7636_appendix_b_through_the_binding() {
    let challenge =
        pkce_challenge(s("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), s("S256")).unwrap();
    assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

#[wasm_bindgen_test]
fn bad_arguments_are_oidc_edge_errors() {
    let too_long = "a".repeat(129);
    assert_eq!(
        code_of(pkce_challenge(s(&too_long), JsValue::UNDEFINED).unwrap_err()),
        "invalid_pkce_verifier"
    );
    assert_eq!(
        code_of(pkce_challenge(JsValue::from(42), JsValue::UNDEFINED).unwrap_err()),
        "invalid_request"
    );
    let opts = object(&[("verifierLength", JsValue::from(200))]);
    assert_eq!(
        code_of(generate_pkce(opts).unwrap_err()),
        "invalid_pkce_verifier"
    );
    let opts = object(&[("verifierLenght", JsValue::from(50))]);
    assert_eq!(code_of(generate_pkce(opts).unwrap_err()), "invalid_request");
    assert_eq!(
        code_of(generate_pkce(s("S256")).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(random_token(JsValue::from(1.5)).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(random_token(s("32")).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(build_authorize_url(JsValue::NULL).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(parse_callback(JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err()),
        "invalid_request"
    );
}

#[wasm_bindgen_test]
fn authorize_url_with_arrays_and_numbers() {
    let req = object(&[
        (
            "authorizationEndpoint",
            s("https://idp.example.com/authorize"),
        ),
        ("clientId", s("spa")),
        ("redirectUri", s("https://app.example.com/cb")),
        (
            "scope",
            js_sys::Array::of2(&s("openid"), &s("email")).into(),
        ),
        ("state", s("st")),
        ("maxAge", JsValue::from(300)),
        (
            "resource",
            js_sys::Array::of2(&s("https://a.example/"), &s("https://b.example/")).into(),
        ),
    ]);
    let url = build_authorize_url(req).unwrap();
    assert_eq!(
        url,
        "https://idp.example.com/authorize?response_type=code&client_id=spa&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb\
         &scope=openid+email&state=st&max_age=300&resource=https%3A%2F%2Fa.example%2F&resource=https%3A%2F%2Fb.example%2F"
    );
    let bad = object(&[("authorizationEndpoint", s("::not a url"))]);
    assert_eq!(
        code_of(build_authorize_url(bad).unwrap_err()),
        "invalid_request"
    );
}

#[wasm_bindgen_test]
fn callback_errors_carry_oauth_fields() {
    let expect = object(&[("state", s("st"))]);
    let err = parse_callback(
        s("https://app.example.com/cb?error=access_denied&error_description=no&state=st"),
        expect.clone(),
    )
    .unwrap_err();
    assert_eq!(code_of(err.clone()), "authorization_error");
    assert_eq!(
        get(&err, "error").as_string().as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        get(&err, "errorDescription").as_string().as_deref(),
        Some("no")
    );
    let err = parse_callback(
        s("https://app.example.com/cb?code=c&state=other"),
        expect.clone(),
    )
    .unwrap_err();
    assert_eq!(code_of(err), "state_mismatch");
    let ok = parse_callback(s("https://app.example.com/cb#code=c&state=st"), expect).unwrap();
    assert_eq!(get(&ok, "code").as_string().as_deref(), Some("c"));
    assert!(get(&ok, "iss").is_undefined());
}

#[wasm_bindgen_test]
fn metadata_from_text_or_object() {
    let text = r#"{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a","x_custom":[1]}"#;
    let m = parse_provider_metadata(s(text), s("https://idp.example.com")).unwrap();
    assert_eq!(
        get(&m, "authorization_endpoint").as_string().as_deref(),
        Some("https://idp.example.com/a")
    );
    assert!(js_sys::Array::is_array(&get(&m, "x_custom")));
    let obj = js_sys::JSON::parse(text).unwrap();
    let err = parse_provider_metadata(obj, s("https://idp.example.com/")).unwrap_err();
    assert_eq!(code_of(err), "issuer_mismatch");
}

// ---------------------------------------------------------------------------------------------------
// Scopes and RFC 6750 answers (src/js/scope/server.rs, src/js/server/challenge.rs)

mod scopes {
    use super::*;
    use oidc_edge::js::scope::server::{JsScopeRequirement, has_scopes, require_scopes, scopes_of};
    use oidc_edge::js::server::challenge::bearer_challenge;

    fn arr(items: &[&str]) -> JsValue {
        items
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect::<js_sys::Array>()
            .into()
    }

    fn strings(v: &JsValue) -> Vec<String> {
        js_sys::Array::from(v)
            .iter()
            .map(|s| s.as_string().unwrap())
            .collect()
    }

    #[wasm_bindgen_test]
    fn scopes_of_reads_every_shape() {
        let c = object(&[("scope", s("a b a"))]);
        assert_eq!(strings(&scopes_of(c).unwrap().into()), ["a", "b"]);
        let c = object(&[("scp", arr(&["x", "y"]))]);
        assert_eq!(strings(&scopes_of(c).unwrap().into()), ["x", "y"]);
        let c = object(&[("scope", JsValue::UNDEFINED), ("scp", s("e f"))]);
        assert_eq!(strings(&scopes_of(c).unwrap().into()), ["e", "f"]);
        let c = object(&[("scope", JsValue::from(5)), ("scp", s("e"))]);
        assert!(strings(&scopes_of(c).unwrap().into()).is_empty());
        for bad in [JsValue::NULL, JsValue::UNDEFINED, s("a b"), arr(&["a"])] {
            assert_eq!(code_of(scopes_of(bad).unwrap_err()), "invalid_request");
        }
    }

    #[wasm_bindgen_test]
    fn has_scopes_modes_and_errors() {
        let c = object(&[("scp", arr(&["auth.users.list", "admin"]))]);
        assert!(has_scopes(c.clone(), s("auth.users.list admin"), JsValue::UNDEFINED).unwrap());
        assert!(!has_scopes(c.clone(), arr(&["admin", "x"]), s("all")).unwrap());
        assert!(has_scopes(c.clone(), arr(&["admin", "x"]), s("any")).unwrap());
        assert!(!has_scopes(c.clone(), s("Admin"), s("any")).unwrap());
        for (required, mode) in [
            (s("admin"), s("ALL")),
            (s("admin"), JsValue::from(1)),
            (s(""), JsValue::UNDEFINED),
            (arr(&[]), JsValue::UNDEFINED),
            (JsValue::from(3), JsValue::UNDEFINED),
            (
                js_sys::Array::of1(&JsValue::from(3)).into(),
                JsValue::UNDEFINED,
            ),
        ] {
            assert_eq!(
                code_of(has_scopes(c.clone(), required, mode).unwrap_err()),
                "invalid_request"
            );
        }
    }

    #[wasm_bindgen_test]
    fn requirement_class_and_thrown_columns() {
        let r = JsScopeRequirement::parse(s("A AND (b OR c)")).unwrap();
        assert_eq!(r.to_string_js(), "A and (b or c)");
        assert_eq!(strings(&r.scopes().into()), ["A", "b", "c"]);
        let c = object(&[("scope", s("A c"))]);
        assert!(r.check(c.clone()).unwrap());
        assert!(r.require_js(c).is_ok());
        let c = object(&[("scope", s("A"))]);
        assert!(!r.check(c.clone()).unwrap());
        let err = r.require_js(c.clone()).unwrap_err();
        assert_eq!(code_of(err.clone()), "insufficient_scope");
        assert_eq!(strings(&get(&err, "requiredScopes")), ["A", "b"]);
        assert_eq!(
            strings(&r.satisfying_scopes(JsValue::UNDEFINED).unwrap().into()),
            ["A", "b"]
        );
        let err = JsScopeRequirement::parse(s("a and (b")).err().unwrap();
        assert_eq!(code_of(err.clone()), "invalid_scope_expression");
        assert_eq!(get(&err, "column").as_f64(), Some(7.0));
        let err = JsScopeRequirement::new(JsValue::UNDEFINED).err().unwrap();
        assert_eq!(code_of(err), "invalid_request");
        let deep = "(".repeat(100_000);
        let err = JsScopeRequirement::parse(s(&deep)).err().unwrap();
        assert_eq!(code_of(err), "invalid_scope_expression");
        assert_eq!(
            code_of(require_scopes(c, s("A b")).unwrap_err()),
            "insufficient_scope"
        );
    }

    #[wasm_bindgen_test]
    fn challenges_from_thrown_errors() {
        let opts = object(&[("realm", s("api")), ("errorDescription", JsValue::TRUE)]);
        let c = bearer_challenge(JsValue::NULL, opts.clone()).unwrap();
        assert_eq!(get(&c, "status").as_f64(), Some(401.0));
        assert_eq!(
            get(&c, "wwwAuthenticate").as_string().as_deref(),
            Some("Bearer realm=\"api\"")
        );
        let claims = object(&[("scope", s("a"))]);
        let err = require_scopes(claims, s("a b")).unwrap_err();
        let c = bearer_challenge(err, opts.clone()).unwrap();
        assert_eq!(get(&c, "status").as_f64(), Some(403.0));
        assert_eq!(
            get(&c, "wwwAuthenticate").as_string().as_deref(),
            Some(
                "Bearer realm=\"api\", error=\"insufficient_scope\", error_description=\"the token lacks \
                 the scope(s) b; required: a b\", scope=\"a b\""
            )
        );
        let expired = object(&[
            ("code", s("token_expired")),
            ("message", s("expired \"now\"")),
        ]);
        let c = bearer_challenge(expired, opts.clone()).unwrap();
        assert_eq!(get(&c, "status").as_f64(), Some(401.0));
        assert_eq!(
            get(&c, "wwwAuthenticate").as_string().as_deref(),
            Some(
                "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"expired 'now'\""
            )
        );
        let c = bearer_challenge(
            JsValue::from(js_sys::Error::new("boom")),
            JsValue::UNDEFINED,
        )
        .unwrap();
        assert_eq!(get(&c, "status").as_f64(), Some(500.0));
        let bad = object(&[("realm", s("api")), ("errorDescriptions", JsValue::TRUE)]);
        assert_eq!(
            code_of(bearer_challenge(JsValue::NULL, bad).unwrap_err()),
            "invalid_request"
        );
    }
}
