//! JOSE: what a JWT is made of. Canonical base64url, strict JSON (no duplicate members), the JWS algorithms and
//! their keys, JSON Web Keys and key sets, and the JWS compact serialization with its typestate
//! ([`UnverifiedToken`] → [`PendingSignature`] → [`SignatureProof`] → [`VerifiedToken`]). Claims rules are
//! not here: they are [`crate::verify`]'s. See `docs/architecture.md` for the layers around it.

mod alg;
pub mod base64url;
pub mod json;
mod jwk;
mod jws;
#[cfg(test)]
pub(crate) mod testutil;
mod thumbprint;

pub use alg::{
    Algorithm, AlgorithmInfo, KeyFamily, Sha, VerifyingKey, WebCrypto, check_signature_form,
};
pub use jwk::{Jwk, JwkSet, MAX_RSA_BITS, MIN_RSA_BITS};
pub use jws::{
    DEFAULT_MAX_TOKEN_LENGTH, Header, PendingSignature, SignatureCheck, SignatureProof,
    UnverifiedJws, UnverifiedToken, VerifiedJws, VerifiedToken,
};
pub use thumbprint::jwk_thumbprint;
