//! The binding layer: the only code that knows about JavaScript. It converts JS values to core types and
//! core errors to `OidcEdgeError`s, sends the core's requests with `fetch`, and holds no rules of its own.

pub mod auth;
pub mod convert;
#[cfg(feature = "server")]
pub mod edge;
pub mod endpoints;
pub mod http;
#[cfg(feature = "server")]
pub mod jwks;
pub mod scope;
#[cfg(feature = "server")]
pub mod server_endpoints;
#[cfg(feature = "server")]
pub mod sign;
pub mod verify;
