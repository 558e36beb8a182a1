//! The binding layer: the only code that knows about JavaScript. It converts JS values to core types and
//! core errors to `OidcEdgeError`s, sends the core's requests with `fetch`, and holds no rules of its own.

pub mod auth;
pub mod convert;
pub mod edge;
pub mod endpoints;
pub mod http;
pub mod jwks;
pub mod scope;
pub mod sign;
pub mod verify;
