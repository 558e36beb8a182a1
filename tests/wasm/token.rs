//! The token endpoint bindings in real JS engines: request objects, errors carrying the HTTP status, the fetch
//! helpers with a custom `fetch`, and `RemoteJwks` sharing one fetch between concurrent callers.

use super::{code_of, get, object, s};
use js_sys::{Array, Function, Promise, Reflect};
use oidc_edge::js::client::endpoints::*;
use oidc_edge::js::client::server_endpoints::*;
use oidc_edge::js::server::jwks::RemoteJwks;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// A `fetch` that answers every request with `status` and `body`, and counts calls in `globalThis[counter]`.
fn fake_fetch(status: u16, body: &str, counter: &str) -> JsValue {
    Function::new_with_args(
        "url, init",
        &format!(
            "globalThis.{counter} = (globalThis.{counter} || 0) + 1; globalThis.{counter}_last = [url, init];
             return Promise.resolve(new Response({body:?}, {{ status: {status},
               headers: {{ 'content-type': 'application/json', 'cache-control': 'max-age=120' }} }}));"
        ),
    )
    .into()
}

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &s(name)).unwrap()
}

#[wasm_bindgen_test]
fn token_request_is_a_fetch_init() {
    let auth = object(&[("clientId", s("svc")), ("clientSecret", s("p:w"))]);
    let req = object(&[
        ("tokenEndpoint", s("https://idp.example.com/token")),
        ("grantType", s("client_credentials")),
        ("scope", Array::of2(&s("a"), &s("b")).into()),
        ("clientAuth", auth),
    ]);
    let r = build_token_request(req).unwrap();
    assert_eq!(
        get(&r, "url").as_string().unwrap(),
        "https://idp.example.com/token"
    );
    assert_eq!(get(&r, "method").as_string().unwrap(), "POST");
    assert_eq!(
        get(&r, "body").as_string().unwrap(),
        "grant_type=client_credentials&scope=a+b"
    );
    let headers = get(&r, "headers");
    assert_eq!(
        get(&headers, "authorization").as_string().unwrap(),
        "Basic c3ZjOnAlM0F3"
    );
}

/// `grantType` picks the grant of the flat request; members of another grant, unknown members and unknown
/// grants are refused.
#[wasm_bindgen_test]
fn options_pick_the_grant() {
    let parse = |json: &str| js_sys::JSON::parse(json).unwrap();
    let r = build_token_request(parse(
        r#"{"tokenEndpoint":"https://idp.example.com/token","grantType":"refresh_token","refreshToken":"rt","scope":["a","b"],"clientAuth":{"clientId":"spa"}}"#,
    ))
    .unwrap();
    assert_eq!(
        get(&r, "body").as_string().unwrap(),
        "grant_type=refresh_token&refresh_token=rt&scope=a+b&client_id=spa"
    );
    let basic = r#""clientAuth":{"clientId":"svc","clientSecret":"s3cr:t"}"#;
    for json in [
        r#"{"tokenEndpoint":"https://e/t","grantType":"password""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"refresh_token""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"refresh_token","refreshToken":"r","code":"c""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"authorization_code","code":"c""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"client_credentials","audience":"x""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"urn:ietf:params:oauth:grant-type:token-exchange","subjectToken":"t""#,
        r#"{"tokenEndpoint":"https://e/t","grantType":"refresh_token","refresh_token":"r""#,
        r#"{"tokenEndpoint":"https://e/t","refreshToken":"r""#,
    ] {
        let req = parse(&format!("{json},{basic}}}"));
        assert_eq!(
            code_of(build_token_request(req).unwrap_err()),
            "invalid_request",
            "{json}"
        );
    }
    let unknown = parse(
        r#"{"tokenEndpoint":"https://e/t","grantType":"client_credentials","clientAuth":{"clientId":"c","secret":"s"}}"#,
    );
    assert_eq!(
        code_of(build_token_request(unknown).unwrap_err()),
        "invalid_request"
    );
}

#[wasm_bindgen_test]
fn oauth_errors_carry_the_status() {
    let res = object(&[
        ("status", JsValue::from(401)),
        (
            "body",
            s(r#"{"error":"invalid_client","error_description":"nope"}"#),
        ),
    ]);
    let err = parse_token_response_js(res, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(err.clone()), "authorization_error");
    assert_eq!(
        get(&err, "error").as_string().as_deref(),
        Some("invalid_client")
    );
    assert_eq!(get(&err, "status").as_f64(), Some(401.0));
    let res = object(&[("status", JsValue::from(500)), ("body", s("<html>"))]);
    let err = parse_token_response_js(res, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_of(err.clone()), "http_error");
    assert_eq!(get(&err, "status").as_f64(), Some(500.0));
    assert_eq!(
        code_of(parse_token_response_js(s("x"), JsValue::UNDEFINED).unwrap_err()),
        "invalid_request"
    );
}

#[wasm_bindgen_test]
async fn fetch_helpers_use_the_given_fetch() {
    let opts = object(&[
        ("tokenEndpoint", s("https://idp.example.com/token")),
        (
            "clientAuth",
            object(&[("clientId", s("svc")), ("clientSecret", s("x"))]),
        ),
        ("now", JsValue::from(1000)),
        (
            "fetch",
            fake_fetch(
                200,
                r#"{"access_token":"at","token_type":"bearer","expires_in":60}"#,
                "tokenCalls",
            ),
        ),
    ]);
    let tokens = client_credentials(opts).await.unwrap();
    assert_eq!(
        get(&tokens, "accessToken").as_string().as_deref(),
        Some("at")
    );
    assert_eq!(
        get(&tokens, "tokenType").as_string().as_deref(),
        Some("Bearer")
    );
    assert_eq!(get(&tokens, "expiresAt").as_f64(), Some(1060.0));
    assert_eq!(global("tokenCalls").as_f64(), Some(1.0));
    let last = global("tokenCalls_last");
    let init = Reflect::get_u32(&last, 1).unwrap();
    assert_eq!(
        get(&init, "redirect").as_string().as_deref(),
        Some("manual")
    );

    let opts = object(&[
        ("tokenEndpoint", s("https://idp.example.com/token")),
        (
            "clientAuth",
            object(&[("clientId", s("svc")), ("clientSecret", s("x"))]),
        ),
        (
            "fetch",
            fake_fetch(400, r#"{"error":"invalid_scope"}"#, "tokenErrors"),
        ),
    ]);
    let err = client_credentials(opts).await.unwrap_err();
    assert_eq!(code_of(err.clone()), "authorization_error");
    assert_eq!(get(&err, "status").as_f64(), Some(400.0));
}

#[wasm_bindgen_test]
async fn remote_jwks_shares_one_fetch() {
    let body = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1"}]}"#;
    let opts = object(&[("fetch", fake_fetch(200, body, "jwksCalls"))]);
    let remote = RemoteJwks::new(s("https://idp.example.com/jwks"), opts).unwrap();
    let now = object(&[("now", JsValue::from(5000))]);
    let a = remote.get_key_set(s("k1"), now.clone());
    let b = remote.get_key_set(s("unknown"), now.clone());
    let both = JsFuture::from(Promise::all(&Array::of2(&a, &b)))
        .await
        .unwrap();
    let first = Reflect::get_u32(&both, 0).unwrap();
    assert_eq!(Array::from(&get(&first, "keyIds")).length(), 1);
    assert_eq!(global("jwksCalls").as_f64(), Some(1.0));
    assert_eq!(remote.key_ids().length(), 1);
    assert_eq!(remote.fetched_at(), Some(5000.0));
    let err = remote.get_key_set(JsValue::from(5), JsValue::UNDEFINED);
    let err = JsFuture::from(err).await.unwrap_err();
    assert_eq!(code_of(err), "invalid_request");
}
