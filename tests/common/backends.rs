//! The signature backends every test vector runs through (`tests/wycheproof.rs`, `tests/rfc_vectors.rs`):
//! the Rust algorithms everywhere, and in wasm32 under Node also node:crypto, installed as the package's Node
//! entry installs it and called through the same key import and `crypto.verify` a token's check uses. As for
//! a token, where node:crypto gives no answer (it threw, or the algorithm stays in Rust) the Rust algorithms
//! decide; `answered` says whether it did answer, so a test can tell a backend that silently fell back.

use oidc_edge::{Algorithm, Jwk};

/// A backend's verdict on (key, algorithm, message, signature): `(verifies, answered by this backend)`.
pub type Check = fn(&Jwk, Algorithm, &[u8], &[u8]) -> (bool, bool);

fn rust(key: &Jwk, alg: Algorithm, message: &[u8], signature: &[u8]) -> (bool, bool) {
    (key.key().verify(alg, message, signature).is_ok(), true)
}

/// The backends of this build and runtime, by name.
pub fn all() -> Vec<(&'static str, Check)> {
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_mut))]
    let mut out: Vec<(&'static str, Check)> = vec![("rust", rust)];
    #[cfg(target_arch = "wasm32")]
    if node::install() {
        out.push(("node:crypto", node::check));
    }
    out
}

/// Whether `name` answers every check of `alg` itself (the Rust algorithms always do).
pub fn answers(name: &str, alg: Algorithm) -> bool {
    #[cfg(target_arch = "wasm32")]
    if name == "node:crypto" {
        return oidc_edge::js::native::implements(alg);
    }
    let _ = (name, alg);
    true
}

#[cfg(target_arch = "wasm32")]
mod node {
    use super::rust;
    use js_sys::{Function, Reflect};
    use oidc_edge::js::native;
    use oidc_edge::{Algorithm, Jwk};
    use wasm_bindgen::{JsCast, JsValue};

    /// Installs node:crypto when the runtime is Node (≥ 20.16 has `process.getBuiltinModule`; browsers none).
    pub fn install() -> bool {
        let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).unwrap_or_default();
        let process = get(&js_sys::global(), "process");
        let Ok(load) = get(&process, "getBuiltinModule").dyn_into::<Function>() else {
            return false;
        };
        let crypto = load
            .call1(&process, &JsValue::from_str("node:crypto"))
            .unwrap();
        assert!(native::use_node_crypto(crypto), "node:crypto was refused");
        true
    }

    pub fn check(key: &Jwk, alg: Algorithm, message: &[u8], signature: &[u8]) -> (bool, bool) {
        match native::check_detached(key, alg, message, signature) {
            Some(verdict) => (verdict, true),
            None => (rust(key, alg, message, signature).0, false),
        }
    }
}
