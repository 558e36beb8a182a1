//! The binding layer: the only code that knows about JavaScript. It converts JS values to core types and
//! core errors to `OidcEdgeError`s, and holds no rules of its own.

pub mod auth;
pub mod convert;
pub mod verify;
