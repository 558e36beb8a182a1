//! The resource server's exports (`crate::server`, the `server` feature): `RemoteJwks`, the edge guard and
//! `bearerChallenge`, the replay store (`ReplayCache`, `replayStore`), `parseLogoutRequest` and `unverifiedIssuer`; `config` holds
//! the argument structs of the edge configuration and the cache options.

pub mod challenge;
// The argument structs of the edge configuration and the cache options.
pub(crate) mod config;
pub mod edge;
pub mod jwks;
pub mod logout;
pub mod replay;
