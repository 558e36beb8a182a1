//! The sign-in client's exports (`crate::client`): PKCE and the callback (`auth`), the authorize and
//! end-session URLs (`authorize`), discovery and the token endpoint; with the `server` feature also the other
//! endpoint calls and `private_key_jwt` signing.

pub mod auth;
pub mod authorize;
// The device grant (RFC 8628) is for devices without a browser, so not in the SPA entry.
#[cfg(feature = "server")]
pub mod device;
pub mod dpop;
pub mod endpoints;
pub mod par;
#[cfg(feature = "server")]
pub mod registration;
#[cfg(feature = "server")]
pub mod server_endpoints;
pub mod session;
// Signing `private_key_jwt` assertions (the `server` feature), or the SPA build's refusal to.
#[cfg(feature = "server")]
pub mod sign;
#[cfg(not(feature = "server"))]
#[path = "unsigned.rs"]
pub mod sign;
// The token endpoint's argument structs (the token request, `clientAuth`).
mod token;
