//! RFC 7636 Appendix B, computed: the verifier is the base64url of the appendix's 32 octets, and the S256
//! challenge is derived by the library (the expected strings are the appendix's printed values, cross-checked
//! with Python's hashlib when this test was written).

use oidc_edge::client::pkce::{ChallengeMethod, Pkce, challenge};
use oidc_edge::jose::base64url;

const OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];

#[test]
fn appendix_b_verifier_and_s256_challenge() {
    let verifier = base64url::encode(OCTETS);
    assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert_eq!(
        challenge(&verifier, ChallengeMethod::S256).unwrap(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let pair = Pkce::from_verifier(verifier.clone(), ChallengeMethod::Plain).unwrap();
    assert_eq!(pair.code_challenge, verifier);
}
