//! `JwkSet` and `TokenVerifier` in real JS engines (`make test-wasm-node`, `make test-wasm-browser`): the
//! `jwks` option taken from an options object without consuming the caller's instance, claims as plain
//! objects, and `OidcEdgeError`s — never a `TypeError` or a trap — for bad input.

use super::{code_of, get, object, s};
use js_sys::Object;
use jwt_compact::Algorithm as _;
use jwt_compact::AlgorithmSignature as _;
use jwt_compact::alg::{Hs256, Hs256Key};
use oidc_edge::jose::base64url;
use oidc_edge::js::jose::JwkSetHandle;
use oidc_edge::js::verify::TokenVerifierHandle;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const SECRET: [u8; 32] = [7; 32];
const NOW: f64 = 1_700_000_000.0;

fn hs256(claims: &str) -> String {
    let input = format!(
        "{}.{}",
        base64url::encode(r#"{"alg":"HS256","kid":"k"}"#),
        base64url::encode(claims)
    );
    let sig = Hs256.sign(&Hs256Key::new(SECRET), input.as_bytes());
    format!("{input}.{}", base64url::encode(sig.as_bytes()))
}

fn jwks() -> JwkSetHandle {
    let text = format!(
        r#"{{"keys":[{{"kty":"oct","kid":"k","k":"{}"}}]}}"#,
        base64url::encode(SECRET)
    );
    JwkSetHandle::from_json(s(&text)).unwrap()
}

fn verifier_options(jwks: JsValue) -> JsValue {
    object(&[
        ("issuer", s("https://idp.example.com")),
        ("audience", s("api")),
        ("jwks", jwks),
    ])
}

#[wasm_bindgen_test]
fn verifies_and_returns_a_plain_object() {
    let set: JsValue = jwks().into();
    let verifier = TokenVerifierHandle::new(verifier_options(set.clone())).unwrap();
    let token = hs256(
        r#"{"iss":"https://idp.example.com","aud":"api","sub":"u1","exp":1700000600,"scope":"a b"}"#,
    );
    let claims = verifier
        .verify(s(&token), object(&[("now", JsValue::from(NOW))]))
        .unwrap();
    assert_eq!(
        Object::get_prototype_of(&claims),
        Object::get_prototype_of(&Object::new())
    );
    assert_eq!(get(&claims, "scope").as_string().as_deref(), Some("a b"));
    let opts = object(&[("now", JsValue::from(NOW)), ("requiredScopes", s("b"))]);
    assert!(verifier.verify_access_token(s(&token), opts).is_ok());
    // the caller's JwkSet is still whole: a second verifier can be built from it
    assert!(TokenVerifierHandle::new(verifier_options(set.clone())).is_ok());
    let ids = js_sys::Array::from(&get(&set, "keyIds"));
    assert_eq!(ids.get(0).as_string().as_deref(), Some("k"));
}

#[wasm_bindgen_test]
fn jwks_must_be_a_jwk_set_instance() {
    let not_sets = [
        JsValue::UNDEFINED,
        s("keys"),
        js_sys::JSON::parse(r#"{"keys":[]}"#).unwrap(),
        object(&[(
            "__oidcEdgeShare",
            js_sys::Function::new_no_args("return 1").into(),
        )]),
    ];
    for jwks in not_sets {
        let err = TokenVerifierHandle::new(verifier_options(jwks))
            .err()
            .unwrap();
        assert_eq!(code_of(err), "invalid_request");
    }
    assert_eq!(
        code_of(TokenVerifierHandle::new(JsValue::NULL).err().unwrap()),
        "invalid_request"
    );
}

#[wasm_bindgen_test]
fn bad_tokens_and_options_are_oidc_edge_errors() {
    let verifier = TokenVerifierHandle::new(verifier_options(jwks().into())).unwrap();
    let now = || object(&[("now", JsValue::from(NOW))]);
    for token in [JsValue::from(5), JsValue::NULL, s("a.b"), s("")] {
        assert_eq!(
            code_of(verifier.verify(token, now()).unwrap_err()),
            "malformed_token"
        );
    }
    let expired = hs256(r#"{"iss":"https://idp.example.com","aud":"api","exp":1}"#);
    assert_eq!(
        code_of(verifier.verify(s(&expired), now()).unwrap_err()),
        "token_expired"
    );
    let bad_now = object(&[("now", JsValue::from(f64::NAN))]);
    assert_eq!(
        code_of(verifier.verify(s(&expired), bad_now).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(verifier.verify_id_token(s(&expired), s("x")).unwrap_err()),
        "invalid_request"
    );
    assert_eq!(
        code_of(JwkSetHandle::from_json(JsValue::from(1)).err().unwrap()),
        "invalid_jwk"
    );
    let weak = js_sys::JSON::parse(r#"{"keys":[{"kty":"oct","k":"c2hvcnQ"}]}"#).unwrap();
    assert_eq!(
        code_of(JwkSetHandle::from_json(weak).err().unwrap()),
        "weak_key"
    );
}

#[wasm_bindgen_test]
fn tokens_are_read_as_as_string_reads_them() {
    use oidc_edge::js::convert::long_string;
    // Beyond the encode buffer (64 KiB / 3 UTF-16 units) the glue's own way is taken.
    let long = "a.".repeat(40_000);
    for text in ["", "abc.def", "é", "a😀b", "\u{10FFFF}", long.as_str()] {
        assert_eq!(long_string(&s(text)), Some(text.to_owned()));
    }
    // A lone surrogate becomes U+FFFD, as in JsValue::as_string.
    let lone: JsValue = js_sys::JsString::from_char_code3(0x61, 0xD800, 0x62).into();
    assert_eq!(long_string(&lone), lone.as_string());
    assert_eq!(long_string(&lone).as_deref(), Some("a\u{FFFD}b"));
    for other in [
        JsValue::from(1),
        JsValue::NULL,
        js_sys::Object::new().into(),
    ] {
        assert_eq!(long_string(&other), None);
    }
}
