//! What the `server` feature adds to `TokenVerifier`: keys from a `RemoteJwks` (taken again whenever its
//! generation changed), the verified-token cache (`cache: { maxEntries }`), `ensureKeys`, and the checks of
//! signed UserInfo responses (`verifyUserinfo`, `verifyUserinfoAsync`).

use super::{ImportedKeys, TokenVerifierHandle, token_arg};
use crate::error::Error;
use crate::jose::{JwkSet, PendingSignature, UnverifiedJws, VerifiedToken};
use crate::js::convert::{JsResult, NowOnly, options, shared_handle, to_js_error};
use crate::js::http::now_or;
use crate::js::native::{self, NativeKey};
use crate::js::server::jwks::RemoteJwks;
use crate::server::TokenCache;
use crate::verify::{Policy, TokenVerifier, UserinfoJwtOptions};
use js_sys::Promise;
use serde::Deserialize;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Where a verifier's keys come from.
pub(super) enum KeySource {
    Fixed,
    /// A remote set: the verifier takes its current set whenever the generation changed.
    Remote {
        remote: RemoteJwks,
        seen: Cell<u64>,
    },
}

pub(super) const JWKS_OPTION: &str =
    "TokenVerifier options: jwks must be a JwkSet (from JwkSet.fromJson) or a RemoteJwks";

/// `opts.jwks` when it is a `RemoteJwks` instance: its current keys (none yet before its first fetch).
pub(super) fn remote_jwks(value: &JsValue) -> Option<(JwkSet, KeySource)> {
    let remote = shared_handle::<RemoteJwks>(value)?;
    let (set, generation) = remote.current().unwrap_or((JwkSet::empty(), 0));
    Some((
        set,
        KeySource::Remote {
            remote,
            seen: Cell::new(generation),
        },
    ))
}

/// `cache: { maxEntries }`: the verified-token cache.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct CacheConfig {
    max_entries: usize,
}

/// The largest `cache.maxEntries` accepted.
const MAX_CACHE_ENTRIES: usize = 1 << 20;

/// A verified token kept by the verified-token cache: what the signature check produced (header and
/// claims), and the claims' JSON text so that a hit only runs `JSON.parse`.
type Cached = Rc<(VerifiedToken, String)>;

/// A verifier's key source, its verified-token cache (when its options asked for one), and the node:crypto
/// keys of its current set (where the Node entry installed node:crypto).
pub(super) struct Extras {
    source: KeySource,
    cache: Option<RefCell<TokenCache<Cached>>>,
    native_keys: RefCell<ImportedKeys<NativeKey>>,
}

/// Whether node:crypto is installed (the Async methods then need no WebCrypto hop).
pub(super) fn native_installed() -> bool {
    native::installed()
}

/// The cache `cache: { maxEntries }` asks for, `invalid_request` outside 1..=[`MAX_CACHE_ENTRIES`].
fn cache(
    config: Option<CacheConfig>,
    clock_tolerance: u64,
) -> Result<Option<RefCell<TokenCache<Cached>>>, Error> {
    Ok(match config {
        None => None,
        Some(CacheConfig { max_entries }) if (1..=MAX_CACHE_ENTRIES).contains(&max_entries) => {
            Some(RefCell::new(TokenCache::new(max_entries, clock_tolerance)))
        }
        Some(CacheConfig { max_entries }) => {
            return Err(Error::InvalidRequest(format!(
                "cache.maxEntries must be an integer in 1..={MAX_CACHE_ENTRIES}, found {max_entries}"
            )));
        }
    })
}

impl Extras {
    pub(super) fn new(
        source: KeySource,
        config: Option<CacheConfig>,
        clock_tolerance: u64,
    ) -> Result<Self, Error> {
        Ok(Extras {
            source,
            cache: cache(config, clock_tolerance)?,
            native_keys: RefCell::default(),
        })
    }

    /// The synchronous signature check: node:crypto where the Node entry installed it, else the Rust algorithms.
    pub(super) fn check_signature(
        &self,
        pending: PendingSignature,
    ) -> Result<VerifiedToken, Error> {
        native::verify(&self.native_keys, pending)
    }

    /// Takes the remote set's current keys if they changed; a new set empties the verified-token cache.
    pub(super) fn sync_keys(&self, verifier: &RefCell<TokenVerifier>) {
        if let KeySource::Remote { remote, seen } = &self.source {
            if remote.generation() != seen.get() {
                if let Some((set, generation)) = remote.current() {
                    verifier.borrow_mut().set_jwks(set);
                    seen.set(generation);
                }
            }
        }
        if let Some(cache) = &self.cache {
            let id = verifier.borrow().jwks().id();
            cache.borrow_mut().sync_generation(id);
        }
    }

    /// The cached verification of `token`, if any, with the policy applied for this call.
    pub(super) fn cached(
        &self,
        verifier: &RefCell<TokenVerifier>,
        token: &str,
        policy: &Policy,
    ) -> Result<Option<String>, Error> {
        let Some(cache) = &self.cache else {
            return Ok(None);
        };
        let hit = cache.borrow_mut().get(token, policy.now());
        match hit {
            Some(entry) => {
                verifier.borrow().check(&entry.0, policy)?;
                Ok(Some(entry.1.clone()))
            }
            None => Ok(None),
        }
    }

    /// Keeps a token that passed, with its claims' JSON text, until its `exp`.
    pub(super) fn remember(
        &self,
        token: &str,
        verified: VerifiedToken,
        json: &str,
        policy: &Policy,
    ) {
        if let Some(cache) = &self.cache {
            let exp = verified.claims().get("exp").cloned();
            cache.borrow_mut().insert_value(
                token,
                Rc::new((verified, json.to_owned())),
                exp.as_ref(),
                policy.now(),
            );
        }
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
            KeySource::Remote { remote, .. } => Some(remote.share()),
        };
        let now = options::<NowOnly>("ensureKeys options", &opts).map(|o| now_or(o.now));
        let kid = token.as_string().and_then(|t| UnverifiedJws::peek_kid(&t));
        future_to_promise(async move {
            let now = now.map_err(to_js_error)?;
            if let Some(remote) = remote {
                remote.ensure(now, kid).await?;
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
