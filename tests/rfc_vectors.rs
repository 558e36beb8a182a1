//! Published JWS examples, verified through the public API: RFC 7515 Appendix A, RFC 7520 §4 and
//! RFC 8037 Appendix A.4. The values are the RFCs' (display line breaks removed); a transcription error
//! cannot pass, since each example must verify and its one-bit variant must not, on every backend.
// A test crate: its helpers fail the test by panicking, as the `#[test]` functions do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// In wasm32 (`tests/wasm.rs` includes this file) the same examples run under wasm-bindgen-test: there they check
// ring's and RustCrypto's wasm32 code as the package ships it, where `cargo test` checks their native code.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[path = "common/backends.rs"]
mod backends;

use oidc_edge::jose::DEFAULT_MAX_TOKEN_LENGTH;
use oidc_edge::{Algorithm, JwkSet, UnverifiedJws, UnverifiedToken};
use serde_json::{Value, json};

/// RFC 7515 A.1–A.3 payload: `{"iss":"joe", "exp":1300819380, "http://example.com/is_root":true}` with CRLFs.
const A123_PAYLOAD: &str = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

/// RFC 7520 Figure 8: the "dangerous business" payload.
const COOKBOOK_PAYLOAD: &str = "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";

/// RFC 7520 Figure 3: the 2048-bit RSA public key.
fn cookbook_rsa() -> Value {
    json!({"kty": "RSA", "kid": "bilbo.baggins@hobbiton.example", "use": "sig", "e": "AQAB",
        "n": "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw"})
}

/// Verifies `header.payload.signature` with `jwk` for `alg`, and checks a flipped signature bit fails.
fn check(alg: &str, jwk: Value, header: &str, payload: &str, signature: &str) -> Vec<u8> {
    let alg = Algorithm::from_name(alg).unwrap();
    let set = JwkSet::from_keys(&[jwk]).unwrap();
    let token = format!("{header}.{payload}.{signature}");
    let verified = UnverifiedJws::parse(&token, DEFAULT_MAX_TOKEN_LENGTH)
        .unwrap()
        .verify(&set, &[alg]);
    let payload = verified
        .unwrap_or_else(|e| panic!("{}: {e}", alg.name()))
        .payload()
        .to_vec();

    let mut sig = oidc_edge::jose::base64url::decode(signature).unwrap();
    let middle = sig.len() / 2;
    sig[middle] ^= 0x10;
    let tampered = format!(
        "{header}.{payload_b64}.{}",
        oidc_edge::jose::base64url::encode(&sig),
        payload_b64 = token.split('.').nth(1).unwrap()
    );
    let err = UnverifiedJws::parse(&tampered, DEFAULT_MAX_TOKEN_LENGTH)
        .unwrap()
        .verify(&set, &[alg])
        .unwrap_err();
    assert_eq!(err.code(), "invalid_signature", "{}", alg.name());

    // The same example and its variant on every backend (`common/backends.rs`).
    let input = format!("{header}.{}", token.split('.').nth(1).unwrap());
    let good = oidc_edge::jose::base64url::decode(signature).unwrap();
    for (name, check) in backends::all() {
        let key = &set.keys()[0];
        let (verifies, answered) = check(key, alg, input.as_bytes(), &good);
        assert!(verifies, "{} on {name}", alg.name());
        assert!(
            answered || !backends::answers(name, alg),
            "{} on {name}: no answer",
            alg.name()
        );
        assert!(
            !check(key, alg, input.as_bytes(), &sig).0,
            "{} tampered on {name}",
            alg.name()
        );
    }
    payload
}

#[test]
fn rfc7515_a1_hs256() {
    let jwk = json!({"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"});
    check(
        "HS256",
        jwk.clone(),
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9",
        A123_PAYLOAD,
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    );
    // and as a JWT: its claims parse, `exp` included
    let token = format!(
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.{A123_PAYLOAD}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    let set = JwkSet::from_keys(&[jwk]).unwrap();
    let verified = UnverifiedToken::parse(&token, DEFAULT_MAX_TOKEN_LENGTH)
        .unwrap()
        .verify(&set, &[Algorithm::Hs256])
        .unwrap();
    assert_eq!(verified.claims()["exp"], 1300819380);
    assert_eq!(verified.claims()["http://example.com/is_root"], true);
}

#[test]
fn rfc7515_a2_rs256() {
    let jwk = json!({"kty": "RSA", "e": "AQAB",
        "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"});
    check(
        "RS256",
        jwk,
        "eyJhbGciOiJSUzI1NiJ9",
        A123_PAYLOAD,
        "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
    );
}

#[test]
fn rfc7515_a3_es256() {
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
    check(
        "ES256",
        jwk,
        "eyJhbGciOiJFUzI1NiJ9",
        A123_PAYLOAD,
        "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
    );
}

#[test]
fn rfc7515_a4_es512() {
    let jwk = json!({"kty": "EC", "crv": "P-521",
        "x": "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
        "y": "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"});
    let payload = check(
        "ES512",
        jwk,
        "eyJhbGciOiJFUzUxMiJ9",
        "UGF5bG9hZA",
        "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn",
    );
    assert_eq!(payload, b"Payload");
}

#[test]
fn rfc7520_4_1_rs256() {
    check(
        "RS256",
        cookbook_rsa(),
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9",
        COOKBOOK_PAYLOAD,
        "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg",
    );
}

#[test]
fn rfc7520_4_2_ps384() {
    check(
        "PS384",
        cookbook_rsa(),
        "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9",
        COOKBOOK_PAYLOAD,
        "cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw",
    );
}

#[test]
fn rfc7520_4_3_es512() {
    let jwk = json!({"kty": "EC", "kid": "bilbo.baggins@hobbiton.example", "use": "sig", "crv": "P-521",
        "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
        "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"});
    check(
        "ES512",
        jwk,
        "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9",
        COOKBOOK_PAYLOAD,
        "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2",
    );
}

#[test]
fn rfc7520_4_4_hs256() {
    let jwk = json!({"kty": "oct", "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037", "use": "sig", "alg": "HS256", "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"});
    check(
        "HS256",
        jwk,
        "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9",
        COOKBOOK_PAYLOAD,
        "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0",
    );
}

#[test]
fn rfc8037_a4_ed25519() {
    let jwk =
        json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
    let payload = check(
        "EdDSA",
        jwk,
        "eyJhbGciOiJFZERTQSJ9",
        "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc",
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
    );
    assert_eq!(payload, b"Example of Ed25519 signing");
}
