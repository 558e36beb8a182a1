//! # oidc-edge
//!
//! The security-critical half of OAuth 2.0 / OpenID Connect for single-page apps and edge runtimes, as a
//! sans-IO core (pure functions and types, no clock, no network) plus one binding layer for JavaScript
//! (`src/js/`, only in the wasm32 build). `docs/architecture.md` in the repository describes the layers, the
//! folders and how a sign-in and an edge request travel through them.
//!
//! The core's folders, one role each, each a facade of curated re-exports:
//! - [`client`]: the sign-in client (PKCE, authorization request and callback, discovery, the token endpoint,
//!   client authentication, userinfo; introspection and revocation with `server`);
//! - [`jose`]: base64url, strict JSON, the JWS algorithms and their table, JWK sets, JWS;
//! - [`verify`]: the claims policy of [`TokenVerifier`]; [`scope`]: scopes and scope expressions;
//! - `server` (feature `server`): bearer tokens, RFC 6750 answers, routes, the token and JWKS caches, the
//!   edge guard;
//! - [`wire`]: the `HttpRequest` / `HttpResponse` plans and parameter rules both roles share;
//! - [`options`]: the rules of options given as JSON text (the route table), the binding's rules for JS objects.
//!
//! Every fallible function returns [`Error`], whose [`Error::code`] is the stable string JS sees as
//! `OidcEdgeError.code` (the union `OidcEdgeErrorCode` of `js/types/errors.d.ts`, tested against it).
//!
//! Features (all default): `rust-crypto`, the synchronous asymmetric algorithms (ring and RustCrypto; without
//! it, only WebCrypto checks RS*/PS*/ES*/EdDSA signatures, through the binding's Async methods), `server`,
//! the resource server and the calls servers make, and `client`, the binding's sign-in exports (`js::client`;
//! the core's [`client`] stays, as verification and the JWKS fetch use parts of it, and what no export
//! reaches is not in the module). The SPA entry is built with `client` alone, the Worker entry with `server`
//! alone.

pub mod client;
pub mod error;
pub mod jose;
pub mod options;
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
