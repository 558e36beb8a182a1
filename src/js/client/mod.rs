//! The sign-in client's exports (`crate::client`): PKCE, authorize and end-session URLs, the callback,
//! discovery and the token endpoint; with the `server` feature also the other endpoint calls and
//! `private_key_jwt` signing.

pub mod auth;
pub mod endpoints;
#[cfg(feature = "server")]
pub mod server_endpoints;
#[cfg(feature = "server")]
pub mod sign;
