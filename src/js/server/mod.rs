//! The resource server's exports (`crate::server`, the `server` feature): `RemoteJwks`, the edge guard and
//! `bearerChallenge`; `config` holds their argument structs.

pub mod challenge;
// The argument structs of the edge configuration and the cache options.
pub(crate) mod config;
pub mod edge;
pub mod jwks;
