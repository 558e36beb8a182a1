//! What the `server` feature adds to `TokenVerifier`: keys from a `RemoteJwks` (taken again whenever its
//! generation changed), the verified-token cache (`cache: { maxEntries }`, the core's `CachingVerifier`), `ensureKeys`, and the checks of
//! signed UserInfo responses (`verifyUserinfo`, `verifyUserinfoAsync`).

use super::{ImportedKeys, KeysFetch, TokenVerifierHandle, token_arg};
use crate::error::Error;
use crate::jose::{JwkSet, PendingSignature, UnverifiedJws, VerifiedToken};
use crate::js::convert::{JsResult, shared_handle, to_js_error};
use crate::js::http::now_or;
use crate::js::native::{self, NativeKey};
use crate::js::options::{NowOnly, options};
use crate::js::server::jwks::RemoteJwks;
use crate::server::CachingVerifier;
use crate::verify::{Policy, TokenVerifier, UserinfoJwtOptions};
use js_sys::Promise;
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Where a verifier's keys come from.
pub(super) enum KeySource {
    Fixed,
    /// A remote set: the verifier takes its current set whenever its generation changed.
    Remote(RemoteJwks),
}

pub(super) const JWKS_OPTION: &str =
    "TokenVerifier options: jwks must be a JwkSet (from JwkSet.fromJson) or a RemoteJwks";

/// `opts.jwks` when it is a `RemoteJwks` instance: its current keys (none yet before its first fetch).
pub(super) fn remote_jwks(value: &JsValue) -> Option<(JwkSet, KeySource)> {
    let remote = shared_handle::<RemoteJwks>(value)?;
    let set = remote.current().map_or_else(JwkSet::empty, |(set, _)| set);
    Some((set, KeySource::Remote(remote)))
}

/// `cache: { maxEntries }`: the verified-token cache, the core's one type.
pub(super) use crate::server::TokenCacheConfig as CacheConfig;

/// A verified token kept by the verified-token cache: what the signature check produced (header and
/// claims), and the claims' JSON text so that a hit only runs `JSON.parse`.
type Cached = Rc<(VerifiedToken, String)>;

/// The verifier with its verified-token cache (the core's `CachingVerifier`, as the edge guard has it).
pub(super) type Core = CachingVerifier<Cached>;

/// The core verifier with the cache `cache` asks for. Errors: `invalid_request` for a bad `cache.maxEntries`.
pub(super) fn core(verifier: TokenVerifier, cache: Option<CacheConfig>) -> Result<Core, Error> {
    CachingVerifier::new(verifier, "cache", cache)
}

/// A verifier's key source and the node:crypto keys of its current set (where the Node entry installed
/// node:crypto).
pub(super) struct Extras {
    source: KeySource,
    native_keys: RefCell<ImportedKeys<NativeKey>>,
}

/// Whether node:crypto is installed (the Async methods then need no WebCrypto hop).
pub(super) fn native_installed() -> bool {
    native::installed()
}

impl Extras {
    pub(super) fn new(source: KeySource) -> Self {
        Extras {
            source,
            native_keys: RefCell::default(),
        }
    }

    /// The synchronous signature check: node:crypto where the Node entry installed it, else the Rust algorithms.
    pub(super) fn check_signature(
        &self,
        pending: PendingSignature,
    ) -> Result<VerifiedToken, Error> {
        native::verify(&self.native_keys, pending)
    }

    /// Takes the remote set's current keys if they changed (which empties the verified-token cache).
    pub(super) fn sync_keys(&self, core: &RefCell<Core>) {
        if let KeySource::Remote(remote) = &self.source {
            let mut core = core.borrow_mut();
            if core.keys_generation() != Some(remote.generation()) {
                if let Some((set, generation)) = remote.current() {
                    core.set_keys(set, generation);
                }
            }
        }
    }

    /// The fetch an asynchronous verification of `token` waits for first, with a `RemoteJwks`, given how the
    /// core's prepare went (`failed`): when there is no set (the fetch, or the error the last one left), or the
    /// set is stale or lacks the key (`key_not_found`: only then is the `kid` read again) and the cache policy
    /// lets it be fetched now, or such a fetch is in flight. Any other failure fetches nothing. `None`: the
    /// answer is the set there is.
    pub(super) fn keys_due(
        &self,
        token: &str,
        now: u64,
        failed: Option<&Error>,
    ) -> Option<KeysFetch> {
        let KeySource::Remote(remote) = &self.source else {
            return None;
        };
        let kid = match failed {
            None => None,
            Some(Error::KeyNotFound(_)) => UnverifiedJws::peek_kid(token),
            Some(_) => return None,
        };
        // Without any set, the answer is the fetch's (or its kept error's), not `key_not_found`.
        if remote.has_set() && !remote.fetch_due(now, kid.as_deref()) {
            return None;
        }
        Some(Box::pin(remote.ensure(now, kid)))
    }

    /// The cached verification of `token`, if any, with the policy applied for this call.
    pub(super) fn cached(
        &self,
        core: &RefCell<Core>,
        token: &str,
        policy: &Policy,
    ) -> Result<Option<String>, Error> {
        let hit = core.borrow_mut().cached(token, policy.now());
        match hit {
            Some(entry) => {
                core.borrow().verifier().check(&entry.0, policy)?;
                Ok(Some(entry.1.clone()))
            }
            None => Ok(None),
        }
    }

    /// Keeps a token that passed, with its claims' JSON text, until its `exp`.
    pub(super) fn remember(
        &self,
        core: &RefCell<Core>,
        token: &str,
        verified: VerifiedToken,
        json: &str,
        policy: &Policy,
    ) {
        let exp = verified.claims().get("exp").cloned();
        core.borrow_mut()
            .remember(token, exp.as_ref(), policy.now(), || {
                Rc::new((verified, json.to_owned()))
            });
    }
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserinfoConfig {
    now: Option<u64>,
    expected_subject: Option<String>,
}

/// The policy of `verifyUserinfo(jwt, { now?, expectedSubject? })`.
fn userinfo_policy(token: &JsValue, opts: &JsValue) -> Result<(String, Policy), Error> {
    let token = token_arg(token)?;
    let o: UserinfoConfig = options("verifyUserinfo options", opts)?;
    Ok((
        token,
        Policy::Userinfo(UserinfoJwtOptions {
            now: now_or(o.now),
            expected_subject: o.expected_subject,
        }),
    ))
}

#[wasm_bindgen(js_class = TokenVerifier)]
impl TokenVerifierHandle {
    /// `ensureKeys(token, { now? })`: with a `RemoteJwks`, makes sure its set is there for the token's `kid`,
    /// fetching when the cache policy allows it; resolves at once with a `JwkSet`.
    #[wasm_bindgen(js_name = ensureKeys)]
    pub fn ensure_keys(&self, token: JsValue, opts: JsValue) -> Promise {
        let remote = match &self.shared.extras.source {
            KeySource::Fixed => None,
            KeySource::Remote(remote) => Some(remote.share()),
        };
        let now = options::<NowOnly>("ensureKeys options", &opts).map(|o| now_or(o.now));
        let kid = token.as_string().and_then(|t| UnverifiedJws::peek_kid(&t));
        future_to_promise(async move {
            let now = now.map_err(to_js_error)?;
            if let Some(remote) = remote {
                remote.ensure(now, kid).await.map_err(to_js_error)?;
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    /// `verifyUserinfo(jwt, { now?, expectedSubject? })`: a signed UserInfo response (OIDC Core §5.3.2).
    #[wasm_bindgen(js_name = verifyUserinfo)]
    pub fn verify_userinfo(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        self.run_sync(userinfo_policy(&token, &opts))
    }

    /// `verifyUserinfoAsync(jwt, opts)`: `verifyUserinfo`, with the signature checked by WebCrypto.
    #[wasm_bindgen(js_name = verifyUserinfoAsync)]
    pub fn verify_userinfo_async(&self, token: JsValue, opts: JsValue) -> Promise {
        self.run_async(userinfo_policy(&token, &opts))
    }

    /// A handle on the same verifier (keys, cache), to be consumed by an options object.
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> TokenVerifierHandle {
        TokenVerifierHandle {
            shared: self.shared.clone(),
        }
    }
}
