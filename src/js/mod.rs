//! The binding layer: the only code that knows about JavaScript. It converts JS values to core types and
//! core errors to `OidcEdgeError`s, sends the core's requests with `fetch`, and holds no rules of its own.
//! Its folders mirror the core's: `client/`, `jose/`, `server/`, and `verify`/`scope` at the top.

// The sign-in exports (feature `client`): the Worker entry's module leaves them out.
#[cfg(feature = "client")]
pub mod client;
pub mod convert;
pub mod http;
pub mod jose;
// node:crypto signatures (feature `node`, the main module's); the Worker entry's module has a stand-in.
#[cfg(feature = "node")]
pub mod native;
#[cfg(all(feature = "server", not(feature = "node")))]
#[path = "native/absent.rs"]
pub mod native;
pub mod options;
pub mod scope;
#[cfg(feature = "server")]
pub mod server;
pub mod verify;
