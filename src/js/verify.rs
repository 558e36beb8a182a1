//! The `TokenVerifier` export. Conversions only; every rule lives in `crate::jose` and `crate::verify`.

use super::convert::{
    JsResult, long_string, object_arg, promise, shared_handle, to_js_error, type_name,
};
use super::http::now_or;
use super::jose::JwkSetHandle;
use super::jose::webcrypto::{import_params, operation_params};
use super::options::Fields;
use super::scope::requirement_arg;
use crate::error::Error;
use crate::jose::JwkSet;
use crate::jose::{Algorithm, Jwk, check_signature_form};
use crate::jose::{PendingSignature, SignatureProof, VerifiedToken};
use crate::verify::{
    AccessTokenOptions, IdTokenOptions, Policy, TokenVerifier, VerifierOptions, VerifyOptions,
    access_token_strict_mode,
};
use crate::wire::OneOrMany;
use js_sys::{Promise, Reflect, Uint8Array};
use serde::de::IgnoredAny;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cell::RefCell;
use std::convert::Infallible;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

// What the `server` feature adds to a verifier (keys from a `RemoteJwks`, the verified-token cache,
// `ensureKeys`, `verifyUserinfo`), and the SPA build's stand-ins.
#[cfg(feature = "server")]
#[path = "verify/server.rs"]
mod extras;
#[cfg(not(feature = "server"))]
#[path = "verify/spa.rs"]
mod extras;

use extras::{CacheConfig, Core, DpopArgs, DpopConfig, Extras, KeySource};

/// `opts.jwks`: a `JwkSet` or (with the `server` feature) a `RemoteJwks` instance, else `invalid_request`.
fn jwks_option(opts: &JsValue) -> Result<(JwkSet, KeySource), Error> {
    let value = Reflect::get(opts, &JsValue::from_str("jwks")).unwrap_or(JsValue::UNDEFINED);
    if let Some(h) = shared_handle::<JwkSetHandle>(&value) {
        return Ok((h.into_inner(), KeySource::Fixed));
    }
    extras::remote_jwks(&value).ok_or_else(|| Error::InvalidRequest(extras::JWKS_OPTION.into()))
}

struct VerifierConfig {
    issuer: String,
    audience: OneOrMany,
    algorithms: Option<Vec<String>>,
    clock_tolerance: Option<u64>,
    client_id: Option<String>,
    max_token_length: Option<usize>,
    cache: Option<CacheConfig>,
    dpop: Option<DpopConfig>,
}

struct VerifyConfig {
    now: Option<u64>,
    typ: Option<String>,
    required_claims: Vec<String>,
}

struct IdTokenConfig {
    now: Option<u64>,
    nonce: Option<String>,
    max_age: Option<u64>,
    access_token: Option<String>,
    at_hash_optional: bool,
    code: Option<String>,
    refreshes: Option<Map<String, Value>>,
}

struct AccessTokenConfig {
    now: Option<u64>,
    typ: Option<String>,
    dpop: Option<DpopArgs>,
}

impl VerifierConfig {
    fn read(what: &str, value: &JsValue) -> Result<Self, Error> {
        let names = &[
            "issuer",
            "audience",
            "jwks",
            "algorithms",
            "clockTolerance",
            "clientId",
            "maxTokenLength",
            "cache",
            "dpop",
        ];
        let mut f = Fields::new(what, value, names)?;
        let issuer = f.need("issuer")?;
        let audience = f.need("audience")?;
        // Read separately as a JwkSet instance (JSON sees only its pointer); here only the option rules.
        f.need::<IgnoredAny>("jwks")?;
        Ok(VerifierConfig {
            issuer,
            audience,
            algorithms: f.take("algorithms")?,
            clock_tolerance: f.take("clockTolerance")?,
            client_id: f.take("clientId")?,
            max_token_length: f.take("maxTokenLength")?,
            cache: extras::read_cache(&mut f)?,
            dpop: extras::read_dpop(&mut f)?,
        })
    }
}

impl VerifyConfig {
    fn read(what: &str, value: &JsValue) -> Result<Self, Error> {
        let mut f = Fields::optional(what, value, &["now", "typ", "requiredClaims"])?;
        Ok(VerifyConfig {
            now: f.take("now")?,
            typ: f.take("typ")?,
            required_claims: f.take("requiredClaims")?.unwrap_or_default(),
        })
    }
}

impl IdTokenConfig {
    fn read(what: &str, value: &JsValue) -> Result<Self, Error> {
        let names = &[
            "now",
            "nonce",
            "maxAge",
            "accessToken",
            "atHashOptional",
            "code",
            "refreshes",
        ];
        let mut f = Fields::optional(what, value, names)?;
        let refreshes = f.remove("refreshes");
        Ok(IdTokenConfig {
            refreshes: refreshes
                .map(|claims| object_arg("verifyIdToken options: refreshes", &claims))
                .transpose()?,
            now: f.take("now")?,
            nonce: f.take("nonce")?,
            max_age: f.take("maxAge")?,
            access_token: f.take("accessToken")?,
            at_hash_optional: f.take("atHashOptional")?.unwrap_or_default(),
            code: f.take("code")?,
        })
    }
}

impl AccessTokenConfig {
    fn read(what: &str, value: &JsValue) -> Result<Self, Error> {
        let mut f = Fields::optional(what, value, &["now", "requiredScopes", "typ", "dpop"])?;
        // Read separately (it may be a ScopeRequirement, which JSON cannot carry); here only the option rules.
        f.take::<IgnoredAny>("requiredScopes")?;
        Ok(AccessTokenConfig {
            now: f.take("now")?,
            typ: f.take("typ")?,
            dpop: extras::read_dpop_args(&mut f)?,
        })
    }
}

fn token_arg(token: &JsValue) -> Result<String, Error> {
    long_string(token).ok_or_else(|| {
        Error::MalformedToken(format!(
            "the token must be a string, found {}",
            type_name(token)
        ))
    })
}

/// The claims of a verified token as JSON text (through JSON rather than `to_plain`: a large integer claim
/// becomes a (rounded) number, as `JSON.parse` would make it, instead of failing the whole verification).
/// The signed payload is used as is: strict JSON that parsed into these claims, so `JSON.parse` of it gives
/// the same object (duplicate members were refused), without serializing the claims again.
pub(crate) fn claims_json(token: &VerifiedToken) -> Result<Cow<'_, str>, Error> {
    if let Some(text) = token.claims_json() {
        return Ok(Cow::Borrowed(text));
    }
    serde_json::to_string(token.claims())
        .map(Cow::Owned)
        .map_err(|e| Error::MalformedToken(format!("claims could not be converted: {e}")))
}

/// Keys imported into a runtime's crypto for one key set, by (position in the set, algorithm): `None` where
/// the runtime refused the key (the Rust algorithms verify with it then). One set, and one backend, at a
/// time: a new set (a remote JWKS rotated) or backend starts afresh.
/// A list, not a map: a set holds a few keys, each imported for one or two algorithms (and a map type of
/// its own would cost the modules its code: issue 16).
pub(crate) struct ImportedKeys<T> {
    scope: (u64, u64),
    keys: Vec<((usize, Algorithm), Option<T>)>,
}

impl<T> Default for ImportedKeys<T> {
    fn default() -> Self {
        ImportedKeys {
            scope: (0, 0),
            keys: Vec::new(),
        }
    }
}

impl<T: Clone> ImportedKeys<T> {
    /// The key cached for `(position, alg)` of the set `scope.0` (with backend `scope.1`), if any.
    pub(super) fn get(
        &self,
        scope: (u64, u64),
        position: usize,
        alg: Algorithm,
    ) -> Option<Option<T>> {
        if self.scope != scope {
            return None;
        }
        self.keys
            .iter()
            .find(|(at, _)| *at == (position, alg))
            .map(|(_, key)| key.clone())
    }

    /// Remembers `key` for `(position, alg)` of `scope`, forgetting the keys of any other scope.
    pub(super) fn insert(
        &mut self,
        scope: (u64, u64),
        position: usize,
        alg: Algorithm,
        key: Option<T>,
    ) {
        if self.scope != scope {
            self.scope = scope;
            self.keys.clear();
        }
        match self.keys.iter_mut().find(|(at, _)| *at == (position, alg)) {
            Some((_, kept)) => *kept = key,
            None => self.keys.push(((position, alg), key)),
        }
    }
}

/// The WebCrypto parameters (import, verify) of each algorithm used so far ([`webcrypto_params`]), built once.
#[derive(Default)]
pub(crate) struct WebCryptoParams(Vec<(Algorithm, Option<(JsValue, JsValue)>)>);

impl WebCryptoParams {
    /// `alg`'s parameters, `None` for an algorithm WebCrypto does not verify.
    pub(crate) fn of(&mut self, alg: Algorithm) -> Option<(JsValue, JsValue)> {
        if let Some((_, params)) = self.0.iter().find(|(a, _)| *a == alg) {
            return params.clone();
        }
        let params = webcrypto_params(alg);
        self.0.push((alg, params.clone()));
        params
    }
}

/// What a verifier shares with its asynchronous verifications.
struct Shared {
    /// The verifier, with its verified-token cache in the main entry.
    verifier: RefCell<Core>,
    /// The `CryptoKey`s imported for the current set (WebCrypto binds a hash to an RSA key, so an RSA key
    /// without `alg` may have several).
    crypto_keys: RefCell<ImportedKeys<JsValue>>,
    /// [`webcrypto_params`], built once per algorithm.
    params: RefCell<WebCryptoParams>,
    /// The `server` feature's key source and node:crypto keys.
    extras: Extras,
}

impl Shared {
    /// Applies the policy to a token whose signature just verified, and remembers it when it passed.
    fn finish(
        &self,
        token: &str,
        verified: VerifiedToken,
        policy: &Policy,
    ) -> Result<String, Error> {
        self.verifier.borrow().verifier().check(&verified, policy)?;
        let json = claims_json(&verified)?.into_owned();
        self.extras
            .remember(&self.verifier, token, verified, &json, policy);
        Ok(json)
    }

    /// Everything a verification does before the signature: the key set, the cache, the core's prepare,
    /// then the fetch of keys `fetch` asks for given how prepare went (the asynchronous methods: what the
    /// remote set lacks).
    fn start<F>(
        &self,
        token: String,
        policy: Policy,
        fetch: impl FnOnce(&Extras, &str, u64, Option<&Error>) -> Option<F>,
    ) -> Result<Step<F>, Error> {
        self.extras.sync_keys(&self.verifier);
        if let Some(json) = self.extras.cached(&self.verifier, &token, &policy)? {
            return Ok(Step::Done(json));
        }
        let prepared = self.verifier.borrow().verifier().prepare(&token, &policy);
        if let Some(fetch) = fetch(&self.extras, &token, policy.now(), prepared.as_ref().err()) {
            return Ok(Step::FetchKeys(token, policy, fetch));
        }
        Ok(Step::Pending(token, policy, prepared?))
    }

    /// A pending signature checked at once where node:crypto is installed (no WebCrypto hop).
    fn native_now<F>(&self, step: Result<Step<F>, Error>) -> Result<Step<F>, Error> {
        match step {
            Ok(Step::Pending(token, policy, pending)) if extras::native_installed() => self
                .extras
                .check_signature(pending)
                .and_then(|verified| self.finish(&token, verified, &policy))
                .map(Step::Done),
            other => other,
        }
    }
}

/// `TokenVerifier`: verifies JWTs of one issuer and audience against a `JwkSet` or a `RemoteJwks`.
#[wasm_bindgen(js_name = TokenVerifier)]
pub struct TokenVerifierHandle {
    shared: Rc<Shared>,
}

/// A fetch of the remote key set an asynchronous verification waits for (`RemoteJwks::ensure`).
type KeysFetch = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

/// An asynchronous verification: settled by its synchronous part, or still to run.
pub(super) enum AsyncCheck {
    Ready(Result<String, Error>),
    Later(Pin<Box<dyn Future<Output = Result<String, Error>>>>),
}

impl IntoFuture for AsyncCheck {
    type Output = Result<String, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<String, Error>>>>;

    fn into_future(self) -> Self::IntoFuture {
        match self {
            AsyncCheck::Ready(result) => Box::pin(std::future::ready(result)),
            AsyncCheck::Later(verification) => verification,
        }
    }
}

/// Where a verification stands once its synchronous part ran.
enum Step<F> {
    Done(String),
    /// The keys must be fetched first (`F`: the fetch, [`KeysFetch`]; [`Infallible`] where none may be).
    FetchKeys(String, Policy, F),
    Pending(String, Policy, PendingSignature),
}

/// What a verification that may not fetch keys passes to [`Shared::start`].
fn no_fetch(_: &Extras, _: &str, _: u64, _: Option<&Error>) -> Option<Infallible> {
    None
}

impl TokenVerifierHandle {
    /// The synchronous verification (cache, or node:crypto where installed, else the Rust algorithms): the
    /// claims as JSON text. It never fetches keys.
    pub(super) fn check_sync(&self, token: String, policy: Policy) -> Result<String, Error> {
        match self.shared.start(token, policy, no_fetch)? {
            Step::Done(json) => Ok(json),
            Step::Pending(token, policy, pending) => {
                let verified = self.shared.extras.check_signature(pending)?;
                self.shared.finish(&token, verified, &policy)
            }
            Step::FetchKeys(_, _, never) => match never {},
        }
    }

    /// The asynchronous verification: every rule in the core, the signature through WebCrypto where the
    /// algorithm and runtime allow it (in Node, node:crypto at once: no hop). Its synchronous part runs now,
    /// and may settle it (a cache hit, node:crypto, an error).
    /// With a `RemoteJwks`, it first fetches the keys the token needs when the cache policy allows it (as
    /// jose's `createRemoteJWKSet`): one fetch, then the verification with whatever set there is.
    pub(super) fn check_async(&self, token: String, policy: Policy) -> AsyncCheck {
        let step = match self
            .shared
            .native_now(self.shared.start(token, policy, Extras::keys_due))
        {
            Ok(Step::Done(json)) => return AsyncCheck::Ready(Ok(json)),
            Err(e) => return AsyncCheck::Ready(Err(e)),
            Ok(step) => step,
        };
        let shared = self.shared.clone();
        AsyncCheck::Later(Box::pin(async move {
            let step = match step {
                // One fetch at most: then the set there is decides.
                Step::FetchKeys(token, policy, fetch) => {
                    fetch.await?;
                    shared.native_now(shared.start(token, policy, no_fetch))?
                }
                Step::Done(json) => Step::Done(json),
                Step::Pending(token, policy, pending) => Step::Pending(token, policy, pending),
            };
            match step {
                Step::Done(json) => Ok(json),
                Step::Pending(token, policy, pending) => {
                    let verified = webcrypto_verify(&shared, pending).await?;
                    shared.finish(&token, verified, &policy)
                }
                Step::FetchKeys(_, _, never) => match never {},
            }
        }))
    }

    fn run_sync(&self, setup: Result<(String, Policy), Error>) -> JsResult<JsValue> {
        let json = setup
            .and_then(|(token, policy)| self.check_sync(token, policy))
            .map_err(to_js_error)?;
        js_sys::JSON::parse(&json)
    }

    /// Every failure rejects the promise. A verification its synchronous part settled is a plain settled
    /// Promise: no trip through the futures executor.
    fn run_async(&self, setup: Result<(String, Policy), Error>) -> Promise {
        let check = match setup {
            Ok((token, policy)) => self.check_async(token, policy),
            Err(e) => AsyncCheck::Ready(Err(e)),
        };
        match check {
            AsyncCheck::Ready(result) => {
                match result
                    .map_err(to_js_error)
                    .and_then(|json| js_sys::JSON::parse(&json))
                {
                    Ok(claims) => Promise::resolve(&claims),
                    Err(e) => Promise::reject(&e),
                }
            }
            AsyncCheck::Later(verification) => promise(async move {
                let json = verification.await.map_err(to_js_error)?;
                js_sys::JSON::parse(&json)
            }),
        }
    }
}

/// WebCrypto's parameters for `alg`: (importKey algorithm, verify algorithm), or `None` where the Rust
/// algorithms verify (the table's `webcrypto`: HS* and ES256K).
pub(crate) fn webcrypto_params(alg: Algorithm) -> Option<(JsValue, JsValue)> {
    let w = alg.info().webcrypto?;
    Some((import_params(&w), operation_params(&w)))
}

/// `globalThis.crypto.subtle`, read at each use (the runtime's, as for `jose`).
pub(crate) fn subtle() -> Option<JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    Reflect::get(&crypto, &JsValue::from_str("subtle"))
        .ok()
        .filter(JsValue::is_object)
}

/// Calls `subtle[method](...args)` and awaits it. `Err` when it throws or rejects.
async fn call_subtle(
    subtle: &JsValue,
    method: &str,
    args: &js_sys::Array,
) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = Reflect::get(subtle, &JsValue::from_str(method))?.dyn_into()?;
    let promise: Promise = Reflect::apply(&f, subtle, args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// The `CryptoKey` of the key at `position` of the pending check's set, for `alg`: imported once per
/// (set, key, algorithm) and cached. `None` when the runtime has no WebCrypto or refuses the key (e.g.
/// Ed25519 in an older runtime): the Rust algorithms verify instead, and the refusal is cached too.
async fn crypto_key(
    shared: &Shared,
    subtle: &JsValue,
    pending: &PendingSignature,
    position: usize,
    import_alg: &JsValue,
) -> Option<JsValue> {
    let (scope, alg) = ((pending.key_set().id(), 0), pending.alg());
    if let Some(slot) = shared.crypto_keys.borrow().get(scope, position, alg) {
        return slot;
    }
    let imported =
        import_public_key(subtle, pending.key_set().keys().get(position)?, import_alg).await;
    // A set other than the verifier's current one (it changed while this check was in flight) is not cached.
    if scope.0 == shared.verifier.borrow().verifier().jwks().id() {
        shared
            .crypto_keys
            .borrow_mut()
            .insert(scope, position, alg, imported.clone());
    }
    imported
}

/// `importKey("jwk", …, ["verify"])` of `key`'s public part: `None` for a secret, or when the runtime
/// refuses the key or the algorithm.
async fn import_public_key(subtle: &JsValue, key: &Jwk, import_alg: &JsValue) -> Option<JsValue> {
    let text = serde_json::to_string(key.public_jwk()?).ok()?;
    let jwk = js_sys::JSON::parse(&text).ok()?;
    let usages = js_sys::Array::of1(&JsValue::from_str("verify"));
    let args = js_sys::Array::of5(
        &JsValue::from_str("jwk"),
        &jwk,
        import_alg,
        &JsValue::FALSE,
        &usages,
    );
    call_subtle(subtle, "importKey", &args).await.ok()
}

/// `crypto.subtle.verify`'s verdict; `None` when it threw or rejected (no verdict: the Rust algorithms decide).
async fn subtle_verify(
    subtle: &JsValue,
    verify_alg: &JsValue,
    key: &JsValue,
    signature: &[u8],
    signing_input: &[u8],
) -> Option<bool> {
    // Copies: WebCrypto may read its inputs after this call returns.
    let args = js_sys::Array::of4(
        verify_alg,
        key,
        &Uint8Array::from(signature).into(),
        &Uint8Array::from(signing_input).into(),
    );
    call_subtle(subtle, "verify", &args)
        .await
        .ok()
        .map(|v| v.as_bool() == Some(true))
}

/// One detached check through WebCrypto, as a token's would be (the core's form and key checks, then the same
/// import and `verify`): `None` where WebCrypto gives no answer (no `crypto.subtle`, an algorithm it lacks, a
/// key or call it refuses). For the signature test vectors (`tests/wycheproof.rs`), which are not tokens.
#[doc(hidden)]
pub async fn webcrypto_check_detached(
    key: &Jwk,
    alg: Algorithm,
    message: &[u8],
    signature: &[u8],
) -> Option<bool> {
    if !key.algorithms().contains(&alg) || check_signature_form(alg, signature).is_err() {
        return Some(false);
    }
    let (import_alg, verify_alg) = webcrypto_params(alg)?;
    let subtle = subtle()?;
    let imported = import_public_key(&subtle, key, &import_alg).await?;
    subtle_verify(&subtle, &verify_alg, &imported, signature, message).await
}

/// The signature check of a pending verification: each candidate key through `crypto.subtle.verify`, or
/// through the Rust algorithms where WebCrypto cannot (see [`webcrypto_params`], [`crypto_key`]). The
/// [`SignatureProof`] of a WebCrypto check is made only after `verify` resolved to `true`.
async fn webcrypto_verify(
    shared: &Shared,
    pending: PendingSignature,
) -> Result<VerifiedToken, Error> {
    let alg = pending.alg();
    let params = shared.params.borrow_mut().of(alg);
    let (Some((import_alg, verify_alg)), Some(subtle)) = (params, subtle()) else {
        return pending.verify_with_rust();
    };
    let mut last = Error::InvalidSignature("the signature does not verify".into());
    let positions = pending.candidate_positions().to_vec();
    for (candidate, position) in positions.into_iter().enumerate() {
        let checked = match crypto_key(shared, &subtle, &pending, position, &import_alg).await {
            Some(key) => {
                let (signature, input) = (pending.signature(), pending.signing_input());
                match subtle_verify(&subtle, &verify_alg, &key, signature, input).await {
                    Some(true) => Ok(SignatureProof::webcrypto_verified(&pending, candidate)),
                    Some(false) => Err(Error::InvalidSignature(format!(
                        "the {} signature does not verify",
                        alg.name()
                    ))),
                    // WebCrypto refused the operation itself: the Rust algorithms decide.
                    None => pending.check_with_rust(candidate),
                }
            }
            None => pending.check_with_rust(candidate),
        };
        match checked {
            Ok(proof) => return pending.complete(proof),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn verify_policy(token: &JsValue, opts: &JsValue) -> Result<(String, Policy), Error> {
    let token = token_arg(token)?;
    let o = VerifyConfig::read("verify options", opts)?;
    Ok((
        token,
        Policy::Jwt(VerifyOptions {
            now: now_or(o.now),
            typ: o.typ,
            required_claims: o.required_claims,
        }),
    ))
}

fn id_token_policy(token: &JsValue, opts: &JsValue) -> Result<(String, Policy), Error> {
    let token = token_arg(token)?;
    let o = IdTokenConfig::read("verifyIdToken options", opts)?;
    Ok((
        token,
        Policy::IdToken(IdTokenOptions {
            now: now_or(o.now),
            nonce: o.nonce,
            max_age: o.max_age,
            access_token: o.access_token,
            at_hash_optional: o.at_hash_optional,
            code: o.code,
            refreshes: o.refreshes,
        }),
    ))
}

/// `algorithms` (or `dpop.algorithms`, named by `what`): JWS algorithm names. Errors: `invalid_request`.
pub(crate) fn algorithm_list(what: &str, names: &[String]) -> Result<Vec<Algorithm>, Error> {
    names
        .iter()
        .map(|n| {
            Algorithm::from_name(n)
                .map_err(|e| Error::InvalidRequest(format!("{what}: {}", e.message())))
        })
        .collect()
}

/// The token, the access-token options and, for a DPoP-bound request, its proof (`dpop`).
type AccessTokenSetup = (String, AccessTokenOptions, Option<DpopArgs>);

fn access_token_policy(token: &JsValue, opts: &JsValue) -> Result<AccessTokenSetup, Error> {
    let token = token_arg(token)?;
    let o = AccessTokenConfig::read("verifyAccessToken options", opts)?;
    let strict = access_token_strict_mode(o.typ.as_deref())?;
    // Not on a non-object: Reflect.get would throw, and a JS exception costs microseconds even when caught.
    let required_scopes = opts
        .is_object()
        .then(|| Reflect::get(opts, &JsValue::from_str("requiredScopes")).ok())
        .flatten()
        .filter(|v| !v.is_undefined() && !v.is_null())
        .map(|v| requirement_arg("requiredScopes", &v))
        .transpose()?;
    Ok((
        token,
        AccessTokenOptions {
            now: now_or(o.now),
            required_scopes,
            strict,
            dpop_jkt: None,
        },
        o.dpop,
    ))
}

/// A Bearer verification's setup: the token and its policy.
fn bearer(setup: AccessTokenSetup) -> (String, Policy) {
    (setup.0, Policy::AccessToken(setup.1))
}

#[wasm_bindgen(js_class = TokenVerifier)]
impl TokenVerifierHandle {
    /// `new TokenVerifier({ issuer, audience, jwks, algorithms?, clockTolerance?, clientId?, maxTokenLength?, cache?, replayStore? })`
    #[wasm_bindgen(constructor)]
    pub fn new(opts: JsValue) -> JsResult<TokenVerifierHandle> {
        let run = || -> Result<TokenVerifierHandle, Error> {
            let (rest, replay) = extras::replay_store(&opts)?;
            let config = VerifierConfig::read("TokenVerifier options", &rest)?;
            let (jwks, source) = jwks_option(&opts)?;
            let algorithms = config
                .algorithms
                .map(|names| algorithm_list("algorithms", &names))
                .transpose()?;
            let defaults = VerifierOptions::default();
            let clock_tolerance = config.clock_tolerance.unwrap_or(defaults.clock_tolerance);
            let options = VerifierOptions {
                algorithms,
                clock_tolerance,
                client_id: config.client_id,
                max_token_length: config.max_token_length.unwrap_or(defaults.max_token_length),
            };
            let audience = config
                .audience
                .values()
                .into_iter()
                .map(str::to_owned)
                .collect();
            let dpop = extras::dpop_policy(config.dpop, clock_tolerance)?;
            let verifier = TokenVerifier::new(&config.issuer, audience, jwks, options)?;
            Ok(TokenVerifierHandle {
                shared: Rc::new(Shared {
                    verifier: RefCell::new(extras::core(verifier, config.cache)?),
                    crypto_keys: RefCell::default(),
                    params: RefCell::default(),
                    extras: Extras::new(source, replay, dpop),
                }),
            })
        };
        run().map_err(to_js_error)
    }

    /// `verify(token, { now?, typ?, requiredClaims? })`
    pub fn verify(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        self.run_sync(verify_policy(&token, &opts))
    }

    /// `verifyIdToken(token, { nonce?, maxAge?, now?, accessToken?, code? })`
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        self.run_sync(id_token_policy(&token, &opts))
    }

    /// `verifyAccessToken(token, { requiredScopes?, now?, typ? })`
    #[wasm_bindgen(js_name = verifyAccessToken)]
    pub fn verify_access_token(&self, token: JsValue, opts: JsValue) -> JsResult<JsValue> {
        match access_token_policy(&token, &opts) {
            Ok((token, options, Some(proof))) => {
                extras::with_proof_sync(self, token, options, proof)
            }
            setup => self.run_sync(setup.map(bearer)),
        }
    }

    /// `verifyAsync(token, opts)`: `verify`, with the signature checked by WebCrypto.
    #[wasm_bindgen(js_name = verifyAsync)]
    pub fn verify_async(&self, token: JsValue, opts: JsValue) -> Promise {
        self.run_async(verify_policy(&token, &opts))
    }

    /// `verifyIdTokenAsync(token, opts)`: `verifyIdToken`, with the signature checked by WebCrypto.
    #[wasm_bindgen(js_name = verifyIdTokenAsync)]
    pub fn verify_id_token_async(&self, token: JsValue, opts: JsValue) -> Promise {
        self.run_async(id_token_policy(&token, &opts))
    }

    /// `verifyAccessTokenAsync(token, opts)`: `verifyAccessToken`, with the signature checked by WebCrypto.
    #[wasm_bindgen(js_name = verifyAccessTokenAsync)]
    pub fn verify_access_token_async(&self, token: JsValue, opts: JsValue) -> Promise {
        match access_token_policy(&token, &opts) {
            Ok((token, options, Some(proof))) => {
                extras::with_proof_async(self, token, options, proof)
            }
            setup => self.run_async(setup.map(bearer)),
        }
    }
}
