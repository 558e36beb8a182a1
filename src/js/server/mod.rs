//! The resource server's exports (`crate::server`, the `server` feature): `RemoteJwks`, the edge guard and
//! `bearerChallenge`, the replay store (`ReplayCache`, `replayStore`) and `parseLogoutRequest`.

pub mod challenge;
pub mod edge;
pub mod jwks;
pub mod logout;
pub mod replay;
