//! # oidc-edge
//!
//! The security-critical half of OAuth 2.0 / OpenID Connect for single-page apps and edge runtimes, as a
//! sans-IO core (this crate's modules: pure functions and types, no clock, no network) plus one binding
//! layer for JavaScript (`src/js/`, only in the wasm32 build).
//!
//! Every fallible function returns [`Error`], whose [`Error::code`] is the stable string of DESIGN.md.
//!
//! Features (both default): `rust-crypto`, the synchronous asymmetric algorithms (ring and RustCrypto; without it, only WebCrypto
//! checks RS*/PS*/ES*/EdDSA signatures, through the binding's Async methods), and `server`, the modules of
//! resource servers and edge workers (routes, RFC 6750 challenges, the edge guard, the verified-token and
//! JWKS caches, introspection, revocation). The SPA entry is built with neither.

pub mod client;
pub mod error;
pub mod jose;
pub mod scope;
#[cfg(feature = "server")]
pub mod server;
pub mod verify;
pub mod wire;

// Public only so the wasm-bindgen tests can call the exports from Rust; JS is its real audience.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod js;

pub use client::{
    AuthorizationResponse, AuthorizeRequest, CallbackExpectation, ChallengeMethod,
    EndSessionRequest, Pkce, ProviderMetadata, parse_callback,
};
pub use error::{Error, Result};
pub use jose::{
    Algorithm, Jwk, JwkSet, UnverifiedJws, UnverifiedToken, VerifiedJws, VerifiedToken,
};
pub use verify::TokenVerifier;
