//! JOSE in the binding (`crate::jose`): the `JwkSet` handle, and WebCrypto's parameters from the core's
//! algorithm table.

mod jwk_set;
pub mod webcrypto;

pub use jwk_set::JwkSetHandle;
