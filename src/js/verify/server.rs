//! What the `server` feature adds to `TokenVerifier`: keys from a `RemoteJwks` (taken again whenever its
//! generation changed), the verified-token cache (`cache: { maxEntries }`, the core's `CachingVerifier`), `ensureKeys`, the checks of
//! signed UserInfo responses (`verifyUserinfo`, `verifyUserinfoAsync`), and logout tokens with their replay
//! store (`replayStore`, `verifyLogoutToken`, `verifyLogoutTokenAsync`).

use super::{ImportedKeys, KeysFetch, TokenVerifierHandle, token_arg};
use crate::error::Error;
use crate::jose::{JwkSet, PendingSignature, UnverifiedJws, VerifiedToken};
use crate::js::convert::{JsResult, promise, shared_handle, to_js_error};
use crate::js::http::now_or;
use crate::js::http::split_options;
use crate::js::native::{self, NativeKey};
use crate::js::options::{Fields, now_only};
use crate::js::server::config::{TOKEN_CACHE, token_cache};
use crate::js::server::jwks::RemoteJwks;
use crate::js::server::replay::ReplayHandle;
use crate::server::{
    CachingVerifier, DpopPolicy, DpopRequest, PendingProof, ReplayEntry, TokenCacheConfig,
    check_proof, logout_replay_entry, prepare_proof, proof_error,
};
use crate::verify::{
    AccessTokenOptions, LogoutTokenOptions, Policy, TokenVerifier, UserinfoJwtOptions,
};
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

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

/// `cache: { maxEntries }`: the verified-token cache.
pub(super) type CacheConfig = TokenCacheConfig;

/// The `cache` member, read as the edge guard's `tokenCache` is.
pub(super) fn read_cache(f: &mut Fields<'_>) -> Result<Option<CacheConfig>, Error> {
    f.take_object("cache", TOKEN_CACHE, token_cache)
}

/// A verified token kept by the verified-token cache: what the signature check produced (header and
/// claims), and the claims' JSON text so that a hit only runs `JSON.parse`.
type Cached = Rc<(VerifiedToken, String)>;

/// The verifier with its verified-token cache (the core's `CachingVerifier`, as the edge guard has it).
pub(super) type Core = CachingVerifier<Cached>;

/// The core verifier with the cache `cache` asks for. Errors: `invalid_request` for a bad `cache.maxEntries`.
pub(super) fn core(verifier: TokenVerifier, cache: Option<CacheConfig>) -> Result<Core, Error> {
    CachingVerifier::new(verifier, "cache", cache)
}

/// `opts.replayStore`, taken out of the options (it is an object with methods, not data): a copy of the
/// options without it, and the store (a fresh `ReplayCache` when absent).
///
/// Errors: `invalid_request` for a value that is no store.
pub(super) fn replay_store(opts: &JsValue) -> Result<(JsValue, ReplayHandle), Error> {
    let (rest, taken) = split_options(opts, &["replayStore"]);
    let store = taken.first().cloned().unwrap_or(JsValue::UNDEFINED);
    Ok((rest, ReplayHandle::from_option(&store)?))
}

/// A verifier's key source, the node:crypto keys of its current set (where the Node entry installed
/// node:crypto), its replay store and its DPoP policy.
pub(super) struct Extras {
    source: KeySource,
    native_keys: RefCell<ImportedKeys<NativeKey>>,
    replay: ReplayHandle,
    dpop: DpopPolicy,
}

/// `dpop: { algorithms?, maxAge? }` of the `TokenVerifier` constructor: the DPoP proofs it accepts.
#[derive(Default)]
pub(super) struct DpopConfig {
    algorithms: Option<Vec<String>>,
    max_age: Option<u64>,
}

/// The constructor's `dpop` member (see [`DpopConfig`]).
pub(super) fn read_dpop(f: &mut Fields<'_>) -> Result<Option<DpopConfig>, Error> {
    f.take_object("dpop", &["algorithms", "maxAge"], |mut f| {
        Ok(DpopConfig {
            algorithms: f.take("algorithms")?,
            max_age: f.take("maxAge")?,
        })
    })
}

/// The verifier's DPoP policy, from its `dpop` option and clock tolerance.
///
/// Errors: `invalid_request` (an unknown or symmetric algorithm, a `maxAge` out of range).
pub(super) fn dpop_policy(
    config: Option<DpopConfig>,
    clock_tolerance: u64,
) -> Result<DpopPolicy, Error> {
    let config = config.unwrap_or_default();
    let algorithms = config
        .algorithms
        .map(|names| super::algorithm_list("dpop.algorithms", &names))
        .transpose()?;
    DpopPolicy::new(algorithms, config.max_age, clock_tolerance)
}

/// `verifyAccessToken`'s `dpop: { proof, method, url, nonce? }`: the request a DPoP-bound token came with.
pub(super) struct DpopArgs {
    proof: String,
    method: String,
    url: String,
    nonce: Option<String>,
}

/// `verifyAccessToken`'s `dpop` member (see [`DpopArgs`]).
pub(super) fn read_dpop_args(f: &mut Fields<'_>) -> Result<Option<DpopArgs>, Error> {
    f.take_object("dpop", &["proof", "method", "url", "nonce"], |mut f| {
        Ok(DpopArgs {
            proof: f.need("proof")?,
            method: f.need("method")?,
            url: f.need("url")?,
            nonce: f.take("nonce")?,
        })
    })
}

impl Extras {
    /// The proof's claims once its signature verified (`check_proof`): its replay entry, and the
    /// access-token policy bound to its key.
    fn bind_proof(
        &self,
        verified: &VerifiedToken,
        jkt: String,
        token: &str,
        mut options: AccessTokenOptions,
        proof: &DpopArgs,
    ) -> Result<(ReplayEntry, Policy), Error> {
        let request = DpopRequest {
            method: &proof.method,
            url: &proof.url,
            access_token: token,
            nonce: proof.nonce.as_deref(),
            now: options.now,
        };
        let entry = check_proof(verified, &jkt, &request, &self.dpop)?;
        options.dpop_jkt = Some(jkt);
        Ok((entry, Policy::AccessToken(options)))
    }
}

/// `verifyAccessToken` with `dpop`: the proof (its own signature check, then its claims), the access token
/// bound to the proof's key, then the proof's `jti` through the replay store.
pub(super) fn with_proof_sync(
    handle: &TokenVerifierHandle,
    token: String,
    options: AccessTokenOptions,
    proof: DpopArgs,
) -> JsResult<JsValue> {
    let run = || -> Result<String, Error> {
        let extras = &handle.shared.extras;
        let now = options.now;
        let PendingProof { pending, jkt } = prepare_proof(&proof.proof, &extras.dpop)?;
        let verified = extras.check_signature(pending).map_err(proof_error)?;
        let (entry, policy) = extras.bind_proof(&verified, jkt, &token, options, &proof)?;
        let json = handle.check_sync(token, policy)?;
        extras.replay.check_sync(&entry, now).map_err(proof_error)?;
        Ok(json)
    };
    js_sys::JSON::parse(&run().map_err(to_js_error)?)
}

/// `verifyAccessTokenAsync` with `dpop`: as [`with_proof_sync`], both signatures through WebCrypto (in
/// Node, node:crypto) and a store's Promise awaited.
pub(super) fn with_proof_async(
    handle: &TokenVerifierHandle,
    token: String,
    options: AccessTokenOptions,
    proof: DpopArgs,
) -> Promise {
    let this = handle.share();
    promise(async move {
        let run = async {
            let shared = &this.shared;
            let now = options.now;
            let PendingProof { pending, jkt } = prepare_proof(&proof.proof, &shared.extras.dpop)?;
            let verified = if native_installed() {
                shared.extras.check_signature(pending)
            } else {
                super::webcrypto_verify(shared, pending).await
            }
            .map_err(proof_error)?;
            let (entry, policy) = shared
                .extras
                .bind_proof(&verified, jkt, &token, options, &proof)?;
            let json = this.check_async(token, policy).await?;
            shared
                .extras
                .replay
                .check_async(&entry, now)
                .await
                .map_err(proof_error)?;
            Ok::<_, Error>(json)
        };
        js_sys::JSON::parse(&run.await.map_err(to_js_error)?)
    })
}

/// Whether node:crypto is installed (the Async methods then need no WebCrypto hop).
pub(super) fn native_installed() -> bool {
    native::installed()
}

impl Extras {
    pub(super) fn new(source: KeySource, replay: ReplayHandle, dpop: DpopPolicy) -> Self {
        Extras {
            source,
            native_keys: RefCell::default(),
            replay,
            dpop,
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
        if !policy.cacheable() {
            return Ok(None);
        }
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
        if !policy.cacheable() {
            return;
        }
        let exp = verified.claims().get("exp").cloned();
        core.borrow_mut()
            .remember(token, exp.as_ref(), policy.now(), || {
                Rc::new((verified, json.to_owned()))
            });
    }
}

/// The policy of `verifyUserinfo(jwt, { now?, expectedSubject? })`.
fn userinfo_policy(token: &JsValue, opts: &JsValue) -> Result<(String, Policy), Error> {
    let token = token_arg(token)?;
    let mut f = Fields::optional("verifyUserinfo options", opts, &["now", "expectedSubject"])?;
    Ok((
        token,
        Policy::Userinfo(UserinfoJwtOptions {
            now: now_or(f.take("now")?),
            expected_subject: f.take("expectedSubject")?,
        }),
    ))
}

/// The policy of `verifyLogoutToken(token, { now? })`.
fn logout_policy(token: &JsValue, opts: &JsValue) -> Result<(String, Policy), Error> {
    let token = token_arg(token)?;
    let now = now_only("verifyLogoutToken options", opts)?;
    Ok((
        token,
        Policy::LogoutToken(LogoutTokenOptions { now: now_or(now) }),
    ))
}

impl TokenVerifierHandle {
    /// The replay-store entry of the logout token whose claims (`json`) just passed.
    fn logout_entry(&self, json: &str) -> Result<ReplayEntry, Error> {
        let claims = crate::jose::json::parse_object(json)
            .map_err(|e| Error::MalformedToken(format!("claims could not be read: {e}")))?;
        let tolerance = self.shared.verifier.borrow().verifier().clock_tolerance();
        logout_replay_entry(&claims, tolerance)
    }
}

#[wasm_bindgen(js_class = TokenVerifier)]
impl TokenVerifierHandle {
    /// `verifyLogoutToken(token, { now? })`: a logout token (OIDC Back-Channel Logout 1.0 §2.6), its `jti`
    /// accepted once through the replay store, which must answer at once.
    #[wasm_bindgen(js_name = verifyLogoutToken)]
    pub fn verify_logout_token(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<String, Error> {
            let (token, policy) = logout_policy(&token, &opts)?;
            let now = policy.now();
            let json = self.check_sync(token, policy)?;
            self.shared
                .extras
                .replay
                .check_sync(&self.logout_entry(&json)?, now)?;
            Ok(json)
        };
        js_sys::JSON::parse(&run().map_err(to_js_error)?)
    }

    /// `verifyLogoutTokenAsync(token, opts)`: `verifyLogoutToken`, the signature checked by WebCrypto and a
    /// store's Promise awaited.
    #[wasm_bindgen(js_name = verifyLogoutTokenAsync)]
    pub fn verify_logout_token_async(&self, token: JsValue, opts: JsValue) -> Promise {
        let setup = logout_policy(&token, &opts)
            .map(|(token, policy)| (policy.now(), self.check_async(token, policy)));
        let this = self.share();
        promise(async move {
            let (now, verification) = setup.map_err(to_js_error)?;
            let run = async {
                let json = verification.await?;
                let entry = this.logout_entry(&json)?;
                this.shared.extras.replay.check_async(&entry, now).await?;
                Ok::<_, Error>(json)
            };
            js_sys::JSON::parse(&run.await.map_err(to_js_error)?)
        })
    }

    /// `ensureKeys(token, { now? })`: with a `RemoteJwks`, makes sure its set is there for the token's `kid`,
    /// fetching when the cache policy allows it; resolves at once with a `JwkSet`.
    #[wasm_bindgen(js_name = ensureKeys)]
    pub fn ensure_keys(&self, token: JsValue, opts: JsValue) -> Promise {
        let remote = match &self.shared.extras.source {
            KeySource::Fixed => None,
            KeySource::Remote(remote) => Some(remote.share()),
        };
        let now = now_only("ensureKeys options", &opts).map(now_or);
        let kid = token.as_string().and_then(|t| UnverifiedJws::peek_kid(&t));
        promise(async move {
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
