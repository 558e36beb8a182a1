//! DPoP on the client (RFC 9449), in both entries: `createDpopKey` (a non-extractable WebCrypto key pair),
//! `importDpopKey` (a pair kept in IndexedDB), the `DpopKey` class (proofs, the server nonces it was given),
//! the proof-and-nonce-retry exchange the token helpers and `userinfo` use with their `dpop` option, and
//! `dpopFetch` for resources. The proof's header and claims and every rule are the core's (`client::dpop`);
//! here are WebCrypto and `fetch`.

use super::endpoints::{Fail, io_with};
use crate::client::dpop::{
    DPOP_ALGORITHMS, DpopKey, DpopNonces, ProofFor, bind_request, nonce_challenge,
};
use crate::error::{Error, cap};
use crate::jose::Algorithm;
use crate::jose::json;
use crate::js::convert::{JsResult, promise, shared_handle, to_js_error, to_plain, type_name};
use crate::js::http::{Fetcher, now_or, response_to_js};
use crate::js::jose::webcrypto::{import_params, webcrypto_sign};
use crate::js::options::Fields;
use crate::wire::{HttpRequest, HttpResponse};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn subtle() -> Result<JsValue, Error> {
    let subtle = get(&get(&js_sys::global(), "crypto"), "subtle");
    if subtle.is_object() {
        Ok(subtle)
    } else {
        Err(Error::InvalidRequest(
            "no crypto.subtle in this runtime".into(),
        ))
    }
}

/// `await crypto.subtle[method](...args)`, failures as `invalid_jwk`.
async fn call_subtle(method: &str, args: &[JsValue]) -> Result<JsValue, Error> {
    let subtle = subtle()?;
    let f: Function = get(&subtle, method)
        .dyn_into()
        .map_err(|_| Error::InvalidRequest(format!("no crypto.subtle.{method}")))?;
    let failed = |e: JsValue| {
        let message = get(&e, "message")
            .as_string()
            .unwrap_or_else(|| type_name(&e));
        Error::InvalidJwk(format!("crypto.subtle.{method} failed: {}", cap(&message)))
    };
    let promise = f
        .apply(&subtle, &args.iter().collect::<Array>())
        .map_err(failed)?;
    JsFuture::from(Promise::resolve(&promise))
        .await
        .map_err(failed)
}

struct Inner {
    key: DpopKey,
    private_key: JsValue,
    public_key: JsValue,
    nonces: RefCell<DpopNonces>,
}

/// A DPoP key pair and the nonces servers gave for it.
#[wasm_bindgen(js_name = DpopKey)]
#[derive(Clone)]
pub struct DpopKeyHandle {
    inner: Rc<Inner>,
}

impl DpopKeyHandle {
    /// The key of a `{ privateKey, publicKey }` WebCrypto pair, its algorithm read from the key (and checked
    /// against `alg` when given).
    async fn from_pair(pair: &JsValue, alg: Option<&str>) -> Result<Self, Error> {
        let private_key = get(pair, "privateKey");
        let public_key = get(pair, "publicKey");
        let kind = |k: &JsValue| get(k, "type").as_string();
        if kind(&private_key).as_deref() != Some("private")
            || kind(&public_key).as_deref() != Some("public")
        {
            return Err(Error::InvalidRequest(
                "a DPoP key pair is { privateKey, publicKey } of WebCrypto CryptoKeys".into(),
            ));
        }
        let algorithm = get(&private_key, "algorithm");
        let derived = Algorithm::of_webcrypto_key(
            &DPOP_ALGORITHMS,
            &get(&algorithm, "name").as_string().unwrap_or_default(),
            get(&get(&algorithm, "hash"), "name").as_string().as_deref(),
            get(&algorithm, "namedCurve").as_string().as_deref(),
        )
        .ok_or_else(|| {
            Error::InvalidJwk("the key pair is not one of ES256, ES384, EdDSA, RS256, PS256".into())
        })?;
        if alg.is_some_and(|a| a != derived.name()) {
            return Err(Error::InvalidRequest(format!(
                "alg does not fit the key pair, which signs {}",
                derived.name()
            )));
        }
        let jwk = call_subtle("exportKey", &["jwk".into(), public_key.clone()]).await?;
        let jwk = json::parse_object(
            &js_sys::JSON::stringify(&jwk)
                .map(String::from)
                .unwrap_or_default(),
        )
        .map_err(Error::InvalidJwk)?;
        Ok(DpopKeyHandle {
            inner: Rc::new(Inner {
                key: DpopKey::from_public_jwk(derived.name(), &jwk)?,
                private_key,
                public_key,
                nonces: RefCell::new(DpopNonces::default()),
            }),
        })
    }

    /// A proof for one request, with the nonce the server last gave for its origin.
    pub(crate) async fn proof_for(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        now: u64,
    ) -> Result<String, Error> {
        let nonce = self.inner.nonces.borrow().get(url).map(str::to_owned);
        let key = &self.inner.key;
        let input = key.signing_input(&ProofFor {
            method,
            url,
            now,
            access_token,
            nonce: nonce.as_deref(),
        })?;
        let signature = webcrypto_sign(key.alg(), &self.inner.private_key, &input).await?;
        key.finish(&input, &signature)
    }

    /// Sends `request` with a proof (and `Authorization: DPoP` for its bearer token), once more with the nonce a
    /// `use_dpop_nonce` answer gives (§8, §9); every `DPoP-Nonce` received is kept for the next request.
    pub(crate) async fn send(
        &self,
        fetcher: &Fetcher,
        request: &HttpRequest,
        access_token: Option<&str>,
        now: u64,
    ) -> Result<HttpResponse, Error> {
        let mut retried = false;
        loop {
            let proof = self
                .proof_for(request.method, &request.url, access_token, now)
                .await?;
            let mut bound = request.clone();
            bind_request(&mut bound, &proof);
            let response = fetcher.send(&bound).await?;
            self.inner
                .nonces
                .borrow_mut()
                .remember(&request.url, &response);
            if retried || nonce_challenge(&response).is_none() {
                return Ok(response);
            }
            retried = true;
        }
    }
}

/// `createDpopKey`'s and `importDpopKey`'s options, `{ alg? }` (read member by member: no serde derive).
fn alg_option(what: &str, opts: &JsValue) -> Result<Option<String>, Error> {
    Fields::optional(what, opts, &["alg"])?.take("alg")
}

#[wasm_bindgen(js_class = DpopKey)]
impl DpopKeyHandle {
    /// The signing algorithm.
    #[wasm_bindgen(getter)]
    pub fn alg(&self) -> String {
        self.inner.key.alg().name().to_owned()
    }

    /// The RFC 7638 thumbprint of the public key (`dpop_jkt`).
    #[wasm_bindgen(getter)]
    pub fn jkt(&self) -> String {
        self.inner.key.jkt().to_owned()
    }

    /// The public JWK the proofs carry.
    #[wasm_bindgen(getter, js_name = publicJwk)]
    pub fn public_jwk(&self) -> JsResult<JsValue> {
        to_plain(self.inner.key.jwk())
    }

    /// `{ privateKey, publicKey }`, to keep in IndexedDB (structured clone keeps the private key non-extractable).
    #[wasm_bindgen(getter, js_name = keyPair)]
    pub fn key_pair(&self) -> JsValue {
        let pair = Object::new();
        let _ = Reflect::set(&pair, &"privateKey".into(), &self.inner.private_key);
        let _ = Reflect::set(&pair, &"publicKey".into(), &self.inner.public_key);
        pair.into()
    }

    /// `proof({ method, url, accessToken?, now? })`: a proof for one request (with the origin's latest nonce).
    pub fn proof(&self, opts: JsValue) -> Promise {
        let this = self.clone();
        promise(async move {
            let run = async || -> Result<String, Error> {
                let mut f = Fields::new(
                    "DpopKey.proof options",
                    &opts,
                    &["method", "url", "accessToken", "now"],
                )?;
                let method: String = f.need("method")?;
                let url: String = f.need("url")?;
                let access_token: Option<String> = f.take("accessToken")?;
                let now = now_or(f.take("now")?);
                this.proof_for(&method, &url, access_token.as_deref(), now)
                    .await
            };
            run().await.map(JsValue::from).map_err(to_js_error)
        })
    }

    /// A handle on the same key and nonces, to be consumed by an options object.
    #[wasm_bindgen(js_name = __oidcEdgeShare)]
    pub fn share(&self) -> DpopKeyHandle {
        self.clone()
    }
}

/// `opts.dpop`: the `DpopKey` requests are bound to, when given.
pub(crate) fn dpop_option(value: &JsValue) -> Result<Option<DpopKeyHandle>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    shared_handle::<DpopKeyHandle>(value)
        .map(Some)
        .ok_or_else(|| Error::InvalidRequest("dpop must be a DpopKey (createDpopKey)".into()))
}

/// `createDpopKey({ alg? })`: a new non-extractable key pair, ES256 by default.
#[wasm_bindgen(js_name = createDpopKey)]
pub fn create_dpop_key(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<DpopKeyHandle, Error> {
            let alg = alg_option("createDpopKey options", &opts)?;
            let name = alg.as_deref().unwrap_or("ES256");
            let alg = DPOP_ALGORITHMS
                .into_iter()
                .find(|a| a.name() == name)
                .ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "createDpopKey alg must be ES256, ES384, EdDSA, RS256 or PS256, found {name:?}"
                    ))
                })?;
            let webcrypto = alg
                .info()
                .webcrypto
                .ok_or_else(|| Error::InvalidRequest(format!("no WebCrypto key for {name}")))?;
            let params = import_params(&webcrypto);
            if webcrypto.name.starts_with("RSA") {
                let _ = Reflect::set(&params, &"modulusLength".into(), &JsValue::from(2048));
                let exponent = Uint8Array::from(&[1u8, 0, 1][..]);
                let _ = Reflect::set(&params, &"publicExponent".into(), &exponent);
            }
            let usages: Array = ["sign", "verify"]
                .iter()
                .map(|u| JsValue::from_str(u))
                .collect();
            let pair = call_subtle("generateKey", &[params, JsValue::FALSE, usages.into()]).await?;
            DpopKeyHandle::from_pair(&pair, Some(name)).await
        };
        run().await.map(JsValue::from).map_err(to_js_error)
    })
}

/// `importDpopKey(keyPair, { alg? })`: the `DpopKey` of a pair kept from `dpopKey.keyPair`.
#[wasm_bindgen(js_name = importDpopKey)]
pub fn import_dpop_key(pair: JsValue, opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<DpopKeyHandle, Error> {
            let alg = alg_option("importDpopKey options", &opts)?;
            DpopKeyHandle::from_pair(&pair, alg.as_deref()).await
        };
        run().await.map(JsValue::from).map_err(to_js_error)
    })
}

/// `dpopFetch(url, { dpop, accessToken?, method?, headers?, body?, fetch?, timeout?, now? })`: a resource
/// request bound to the key, retried once on a `use_dpop_nonce` challenge; `{ status, headers, body }`.
#[wasm_bindgen(js_name = dpopFetch)]
pub fn dpop_fetch(url: JsValue, opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<HttpResponse, Fail> {
            let url = crate::js::convert::string_arg("url", &url)?;
            let (io, [dpop]) = io_with(&opts, "dpopFetch", ["dpop"])?;
            let dpop = dpop_option(&dpop)?
                .ok_or_else(|| Error::InvalidRequest("dpopFetch needs dpop: a DpopKey".into()))?;
            if !io.client_auth.is_undefined() {
                return Err(Error::InvalidRequest("dpopFetch takes no clientAuth".into()).into());
            }
            let mut f = Fields::new(
                "dpopFetch options",
                &io.rest,
                &["method", "accessToken", "headers", "body"],
            )?;
            let method: Option<String> = f.take("method")?;
            let access_token: Option<String> = f.take("accessToken")?;
            let headers: Option<BTreeMap<String, String>> = f.take("headers")?;
            let request = crate::client::dpop::resource_request(
                &url,
                method.as_deref().unwrap_or("GET"),
                access_token.as_deref(),
                headers.unwrap_or_default(),
                f.take("body")?,
            )?;
            Ok(dpop
                .send(&io.fetcher, &request, access_token.as_deref(), io.now)
                .await?)
        };
        match run().await {
            Ok(response) => Ok(response_to_js(&response)),
            Err(f) => Err(super::endpoints::to_js(f)),
        }
    })
}
