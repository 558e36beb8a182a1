// Test-only module (declared under #[cfg(test)] by its parent): unwrap and panic are the assertions here.
//! Test-only signing: fixed keys for every algorithm, their JWKs, and compact tokens with any header.

use crate::jose::alg::Algorithm;
use crate::jose::base64url;
use jwt_compact::Algorithm as _;
use jwt_compact::AlgorithmSignature as _;
use jwt_compact::alg as jc;
use serde_json::{Value, json};

/// RFC 7520 §3.4's RSA key (2048 bits), so that no test waits for RSA key generation.
const RSA_N: &str = "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw";
const RSA_D: &str = "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ";
const RSA_P: &str = "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k";
const RSA_Q: &str = "uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc";

/// A private key able to sign for some algorithms.
pub enum TestKey {
    Hmac(Vec<u8>),
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    K256(k256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

fn big(b64: &str) -> rsa::BigUint {
    rsa::BigUint::from_bytes_be(&base64url::decode(b64).unwrap())
}

/// The fixed test key for `alg`'s family; `seed` varies EC/OKP/HMAC keys.
pub fn key_for(alg: Algorithm, seed: u8) -> TestKey {
    use Algorithm::*;
    let scalar = |n: usize| {
        let mut bytes = vec![0u8; n];
        bytes[n - 1] = seed.max(1);
        bytes[n / 2] = 0x5a;
        bytes
    };
    match alg {
        Hs256 | Hs384 | Hs512 => TestKey::Hmac(vec![seed; 64]),
        Rs256 | Rs384 | Rs512 | Ps256 | Ps384 | Ps512 => TestKey::Rsa(Box::new(
            rsa::RsaPrivateKey::from_components(
                big(RSA_N),
                big("AQAB"),
                big(RSA_D),
                vec![big(RSA_P), big(RSA_Q)],
            )
            .unwrap(),
        )),
        Es256 => TestKey::P256(p256::ecdsa::SigningKey::from_slice(&scalar(32)).unwrap()),
        Es384 => TestKey::P384(p384::ecdsa::SigningKey::from_slice(&scalar(48)).unwrap()),
        Es512 => TestKey::P521(p521::ecdsa::SigningKey::from_slice(&scalar(66)).unwrap()),
        Es256k => TestKey::K256(k256::ecdsa::SigningKey::from_slice(&scalar(32)).unwrap()),
        EdDsa => TestKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32])),
    }
}

fn ec_jwk(crv: &str, point: &[u8], size: usize) -> Value {
    json!({"kty": "EC", "crv": crv, "x": base64url::encode(&point[1..=size]), "y": base64url::encode(&point[size + 1..])})
}

impl TestKey {
    /// The public JWK (the secret for HMAC), without `kid`/`alg`.
    pub fn jwk(&self) -> Value {
        use rsa::traits::PublicKeyParts;
        match self {
            TestKey::Hmac(k) => json!({"kty": "oct", "k": base64url::encode(k)}),
            TestKey::Rsa(k) => {
                json!({"kty": "RSA", "n": base64url::encode(k.n().to_bytes_be()), "e": base64url::encode(k.e().to_bytes_be())})
            }
            TestKey::P256(k) => ec_jwk(
                "P-256",
                k.verifying_key().to_encoded_point(false).as_bytes(),
                32,
            ),
            TestKey::P384(k) => ec_jwk(
                "P-384",
                k.verifying_key().to_encoded_point(false).as_bytes(),
                48,
            ),
            TestKey::P521(k) => {
                let vk = p521::ecdsa::VerifyingKey::from(k);
                ec_jwk("P-521", vk.to_encoded_point(false).as_bytes(), 66)
            }
            TestKey::K256(k) => ec_jwk(
                "secp256k1",
                k.verifying_key().to_encoded_point(false).as_bytes(),
                32,
            ),
            TestKey::Ed25519(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": base64url::encode(k.verifying_key().as_bytes())})
            }
        }
    }

    /// The JWK with a `kid`.
    pub fn jwk_with_kid(&self, kid: &str) -> Value {
        let mut jwk = self.jwk();
        jwk["kid"] = json!(kid);
        jwk
    }

    /// Signs `input` with `alg`, in JWS form.
    pub fn sign(&self, alg: Algorithm, input: &[u8]) -> Vec<u8> {
        use Algorithm::*;
        match (alg, self) {
            (Hs256, TestKey::Hmac(k)) => jc::Hs256
                .sign(&jc::Hs256Key::new(k), input)
                .as_bytes()
                .to_vec(),
            (Hs384, TestKey::Hmac(k)) => jc::Hs384
                .sign(&jc::Hs384Key::new(k), input)
                .as_bytes()
                .to_vec(),
            (Hs512, TestKey::Hmac(k)) => jc::Hs512
                .sign(&jc::Hs512Key::new(k), input)
                .as_bytes()
                .to_vec(),
            (_, TestKey::Rsa(k)) => {
                let rsa: jc::Rsa = alg.name().parse().unwrap();
                rsa.sign(k, input).as_bytes().to_vec()
            }
            (Es256, TestKey::P256(k)) => jc::Es256.sign(k, input).as_bytes().to_vec(),
            (Es384, TestKey::P384(k)) => {
                use p384::ecdsa::signature::Signer;
                let sig: p384::ecdsa::Signature = k.sign(input);
                sig.to_bytes().to_vec()
            }
            (Es512, TestKey::P521(k)) => crate::jose::alg::ecdsa::Es512
                .sign(k, input)
                .as_bytes()
                .to_vec(),
            (Es256k, TestKey::K256(k)) => jc::Es256k::<sha2::Sha256>::default()
                .sign(k, input)
                .as_bytes()
                .to_vec(),
            (EdDsa, TestKey::Ed25519(k)) => jc::Ed25519.sign(k, input).as_bytes().to_vec(),
            _ => panic!("test key cannot sign {}", alg.name()),
        }
    }
}

/// A compact JWS of `header` and `payload` (raw bytes), signed by `key` with `alg`.
pub fn sign_raw(alg: Algorithm, header: &Value, payload: &[u8], key: &TestKey) -> String {
    let input = format!(
        "{}.{}",
        base64url::encode(header.to_string()),
        base64url::encode(payload)
    );
    let sig = key.sign(alg, input.as_bytes());
    format!("{input}.{}", base64url::encode(sig))
}

/// A compact JWT of `header` (with `alg` added) and `claims`.
pub fn sign(alg: Algorithm, header: Value, claims: &Value, key: &TestKey) -> String {
    let mut header = header;
    header["alg"] = json!(alg.name());
    sign_raw(alg, &header, claims.to_string().as_bytes(), key)
}
