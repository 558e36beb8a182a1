//! Signatures through the runtime's native, synchronous crypto: node:crypto, which the Node entry
//! (`js/node.js`) hands over once at load through [`use_node_crypto`]. Browsers and Workers never install it,
//! so there the sync methods keep the Rust algorithms and the Async ones WebCrypto. Only in the main build
//! (the `node` feature): the SPA and Worker builds have no Node entry (the Worker's has `native/absent.rs`).
//!
//! The core still decides everything (`PendingSignature::check_with`): which keys, which algorithm, the
//! signature's form. This module only turns a key the core selected into a `KeyObject` (once per key and
//! algorithm, cached by `ImportedKeys`) and asks `crypto.verify` about this check's own signing input and
//! signature; an answer other than `true` or `false` (a throw, a non-boolean) leaves the decision to the Rust
//! algorithms, so a broken backend can make a verification slower, never valid.
//!
//! Which algorithms go native is measured (`make bench`, docs/benchmarks.md): RS*, PS*, ES256/384/512 and
//! EdDSA, where OpenSSL is faster than the Rust in wasm. ES256K stays in Rust: OpenSSL's generic secp256k1
//! code is slower than k256 in wasm. HS* stays in Rust too: the HMAC is cheaper than the calls to reach it.

use super::verify::ImportedKeys;
use crate::error::Error;
use crate::jose::{
    Algorithm, Jwk, KeyFamily, PendingSignature, SignatureCheck, VerifiedToken,
    check_signature_form,
};
use js_sys::Reflect;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The part of node:crypto's API used here (the module itself, or an object of its shape).
    pub type NodeCrypto;

    #[wasm_bindgen(method, catch, js_name = createPublicKey)]
    fn create_public_key(this: &NodeCrypto, options: &JsValue) -> Result<JsValue, JsValue>;

    /// `crypto.verify(digest, data, key, signature)`: the slices are views of wasm memory, read at once.
    #[wasm_bindgen(method, catch)]
    fn verify(
        this: &NodeCrypto,
        digest: &JsValue,
        data: &[u8],
        key: &JsValue,
        signature: &[u8],
    ) -> Result<JsValue, JsValue>;
}

/// The installed backend, with a number that changes at each installation (keys imported through one are
/// never used with another).
struct Backend {
    crypto: NodeCrypto,
    generation: u64,
    /// `crypto.constants.RSA_PKCS1_PSS_PADDING`.
    pss_padding: JsValue,
}

thread_local! {
    static BACKEND: RefCell<Option<Rc<Backend>>> = const { RefCell::new(None) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// Not public API: `__oidcEdgeNodeCrypto(crypto)`, called once by `js/node.js` with node:crypto; `null`
/// (tests) goes back to the Rust algorithms. Returns whether a backend is installed: `false` as well for an
/// object without `createPublicKey`, `verify` and `constants.RSA_PKCS1_PSS_PADDING`. Never throws, so that
/// loading the package cannot fail on a runtime whose node:crypto lacks a piece.
#[wasm_bindgen(js_name = __oidcEdgeNodeCrypto)]
pub fn use_node_crypto(crypto: JsValue) -> bool {
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok();
    let pss_padding = get(&crypto, "constants")
        .and_then(|c| get(&c, "RSA_PKCS1_PSS_PADDING"))
        .filter(|p| p.as_f64().is_some());
    let usable = crypto.is_object()
        && ["createPublicKey", "verify"]
            .iter()
            .all(|f| get(&crypto, f).is_some_and(|v| v.is_function()));
    let backend = match pss_padding {
        Some(pss_padding) if usable => Some(Rc::new(Backend {
            crypto: crypto.unchecked_into(),
            generation: GENERATION.with(|g| {
                g.set(g.get() + 1);
                g.get()
            }),
            pss_padding,
        })),
        _ => None,
    };
    let installed = backend.is_some();
    BACKEND.with(|b| *b.borrow_mut() = backend);
    installed
}

fn backend() -> Option<Rc<Backend>> {
    BACKEND.with(|b| b.borrow().clone())
}

/// Whether a native backend is installed (the Async methods then need no WebCrypto hop).
pub(super) fn installed() -> bool {
    BACKEND.with(|b| b.borrow().is_some())
}

/// A key as `crypto.verify` takes it for one algorithm, with that algorithm's digest name.
#[derive(Clone)]
pub(super) struct NativeKey {
    digest: JsValue,
    key: JsValue,
}

/// node:crypto's digest name for `alg` (from the algorithm table: `sha256`…), `None` for EdDSA (Ed25519
/// hashes internally); `None` outright for the algorithms that stay in Rust, those without WebCrypto
/// parameters in the table (module documentation).
fn digest_of(alg: Algorithm) -> Option<Option<String>> {
    let info = alg.info();
    info.webcrypto?;
    Some(match info.family {
        KeyFamily::Ed25519 => None,
        _ => Some(
            info.hash
                .webcrypto_name()
                .to_ascii_lowercase()
                .replace('-', ""),
        ),
    })
}

/// Whether node:crypto checks `alg` (the others stay in Rust: module documentation).
#[doc(hidden)]
pub fn implements(alg: Algorithm) -> bool {
    digest_of(alg).is_some()
}

/// Imports the public key of `check` for its algorithm: a `KeyObject` from the JWK's public members, wrapped
/// in the options `crypto.verify` needs for the algorithm (RFC 7518 §3.4: ECDSA signatures are raw `r‖s`;
/// §3.5: RSA-PSS with MGF1 of the same hash and a salt as long as the hash). `None` where node:crypto refuses.
fn import(backend: &Backend, check: &SignatureCheck<'_>) -> Option<NativeKey> {
    let digest = digest_of(check.alg)?;
    let webcrypto = check.alg.info().webcrypto?;
    let text = serde_json::to_string(check.key.public_jwk()?).ok()?;
    let options = js_sys::Object::new();
    let set =
        |o: &js_sys::Object, k: &str, v: &JsValue| Reflect::set(o, &JsValue::from_str(k), v).ok();
    set(&options, "key", &js_sys::JSON::parse(&text).ok()?)?;
    set(&options, "format", &JsValue::from_str("jwk"))?;
    let key_object = backend.crypto.create_public_key(&options).ok()?;
    let key = if let Some(salt) = webcrypto.salt_length {
        let o = js_sys::Object::new();
        set(&o, "key", &key_object)?;
        set(&o, "padding", &backend.pss_padding)?;
        set(&o, "saltLength", &JsValue::from(salt))?;
        o.into()
    } else if webcrypto.named_curve.is_some() {
        let o = js_sys::Object::new();
        set(&o, "key", &key_object)?;
        set(&o, "dsaEncoding", &JsValue::from_str("ieee-p1363"))?;
        o.into()
    } else {
        key_object
    };
    Some(NativeKey {
        digest: digest.map_or(JsValue::NULL, |d| JsValue::from_str(&d)),
        key,
    })
}

/// node:crypto's answer for one check: `None` (the Rust algorithms decide) when no backend is installed, the
/// algorithm stays in Rust, the key could not be imported, or `verify` threw or returned a non-boolean.
pub(super) fn answer(
    keys: &RefCell<ImportedKeys<NativeKey>>,
    check: &SignatureCheck<'_>,
) -> Option<bool> {
    if !implements(check.alg) {
        return None;
    }
    let backend = backend()?;
    let scope = (check.set_id, backend.generation);
    let cached = keys.borrow().get(scope, check.position, check.alg);
    let key = match cached {
        Some(key) => key,
        None => {
            let key = import(&backend, check);
            keys.borrow_mut()
                .insert(scope, check.position, check.alg, key.clone());
            key
        }
    }?;
    backend
        .crypto
        .verify(&key.digest, check.signing_input, &key.key, check.signature)
        .ok()?
        .as_bool()
}

/// The signature check of a pending verification, synchronously: node:crypto where it is installed and
/// answers, the Rust algorithms otherwise. `keys` caches the imported keys (one per verifier).
pub(super) fn verify(
    keys: &RefCell<ImportedKeys<NativeKey>>,
    pending: PendingSignature,
) -> Result<VerifiedToken, Error> {
    pending.verify_with(|check| answer(keys, check))
}

/// One detached check through the installed backend, as a token's would be (the core's form and key checks,
/// then the same import and call, without the cache): `None` where it would not answer. For the signature
/// test vectors (`tests/wasm.rs`), which are not tokens.
#[doc(hidden)]
pub fn check_detached(key: &Jwk, alg: Algorithm, message: &[u8], signature: &[u8]) -> Option<bool> {
    if !key.algorithms().contains(&alg) || check_signature_form(alg, signature).is_err() {
        return Some(false);
    }
    let check = SignatureCheck {
        set_id: 0,
        position: 0,
        key,
        alg,
        signing_input: message,
        signature,
    };
    answer(&RefCell::default(), &check)
}
