//! The resource server's exports (`crate::server`, the `server` feature): `RemoteJwks` and the edge guard.

pub mod edge;
pub mod jwks;
