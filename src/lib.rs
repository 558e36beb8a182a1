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

pub mod alg;
pub mod authorize;
pub mod base64url;
#[cfg(feature = "server")]
pub mod bearer;
pub mod callback;
#[cfg(feature = "server")]
pub mod challenge;
pub mod client_assertion;
pub mod client_auth;
pub mod discovery;
#[cfg(feature = "server")]
pub mod edge;
pub mod endpoint;
pub mod error;
pub mod http;
#[cfg(feature = "server")]
pub mod introspect;
pub mod json;
pub mod jwk;
#[cfg(feature = "server")]
pub mod jwks_cache;
pub mod jws;
pub mod options;
pub mod params;
pub mod pkce;
#[cfg(feature = "server")]
pub mod revoke;
#[cfg(feature = "server")]
pub mod route;
pub mod scope;
pub mod token;
#[cfg(feature = "server")]
pub mod token_cache;
pub mod userinfo;
pub mod verify;

#[cfg(test)]
mod testutil;

// Public only so the wasm-bindgen tests can call the exports from Rust; JS is its real audience.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod js;

pub use alg::Algorithm;
pub use authorize::{AuthorizeRequest, EndSessionRequest};
pub use callback::{AuthorizationResponse, CallbackExpectation, parse_callback};
pub use discovery::ProviderMetadata;
pub use error::{Error, Result};
pub use jwk::{Jwk, JwkSet};
pub use jws::{UnverifiedJws, UnverifiedToken, VerifiedJws, VerifiedToken};
pub use pkce::{ChallengeMethod, Pkce};
pub use verify::TokenVerifier;
