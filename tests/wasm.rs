//! The binding layer, in real JS engines: `make test-wasm-node` runs this in Node, `make test-wasm-browser`
//! (WASM_BINDGEN_USE_BROWSER=1) in headless Chromium. Each test checks what JS callers see: plain objects,
//! and `OidcEdgeError`s with the documented code — never a `TypeError` or a trap.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use oidc_edge::js::auth::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[path = "wasm/token.rs"]
mod token;

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
