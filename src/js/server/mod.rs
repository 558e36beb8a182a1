//! The resource server's exports (`crate::server`, the `server` feature): `RemoteJwks`, the edge guard and
//! `bearerChallenge`.

pub mod challenge;
pub mod edge;
pub mod jwks;
