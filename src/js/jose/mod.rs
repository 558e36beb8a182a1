//! JOSE's exports (`crate::jose`): the `JwkSet` handle.

mod jwk_set;

pub use jwk_set::JwkSetHandle;
