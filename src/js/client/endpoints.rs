//! Exports for the token endpoint and discovery: the sans-IO builders and parsers (`build*Request` ->
//! `{ url, method, headers, body }`, `parse*Response({ status, headers?, body })`), the fetch helpers that chain
//! them (`exchangeCode`, `refreshTokens`, `discover`), and what every endpoint binding shares (client
//! authentication, `Fail`, `io`); the server-side endpoints are in `server_endpoints`.

use super::sign::{CANNOT_SIGN, client_auth_async};
use super::token::{TokenArgs, client_auth_options};
use crate::client::{ClientAuth, ClientAuthOptions, ResolvedClientAuth};
use crate::client::{DiscoveryPlan, DiscoveryStep, discovery_urls, parse_token_response};
use crate::client::{jwks_request, parse_jwks_response};
use crate::error::Error;
use crate::js::convert::{JsResult, promise, string_arg, to_js_error, to_plain};
use crate::js::http::{Fetcher, now_or, request_to_js, response_from_js, split_options};
use crate::js::jose::JwkSetHandle;
use crate::js::options::{Fields, now_only, optional_integer};
use crate::wire::{HttpRequest, HttpResponse};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;

/// A failure, with the status of the response it came from when there was one.
pub(super) struct Fail(Error, Option<u16>);

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail(e, None)
    }
}

pub(super) fn to_js(f: Fail) -> JsValue {
    let Fail(err, status) = f;
    let authorization = matches!(err, Error::AuthorizationError { .. });
    let js = to_js_error(err);
    if let (true, Some(status)) = (authorization, status) {
        // An OAuth error body carries its HTTP status too (e.g. 400 invalid_grant, 401 invalid_client).
        let _ = Reflect::set(&js, &"status".into(), &JsValue::from(status));
    }
    js
}

pub(super) fn with_status(status: u16) -> impl FnOnce(Error) -> Fail {
    move |e| Fail(e, Some(status))
}

// ---------------------------------------------------------------------------------------------------
// Client authentication

pub(super) fn read_client_auth(
    value: &JsValue,
) -> Result<(ClientAuthOptions, Option<JsValue>), Error> {
    let (copy, taken) = split_options(value, &["key"]);
    let opts = client_auth_options("clientAuth", &copy)?;
    let key = taken
        .into_iter()
        .next()
        .filter(|k| !k.is_undefined() && !k.is_null());
    Ok((opts, key))
}

/// Client authentication for a synchronous builder: a key cannot sign here.
pub(super) fn client_auth_sync(value: &JsValue) -> Result<ClientAuth, Error> {
    let (opts, key) = read_client_auth(value)?;
    match opts.resolve(key.is_some())? {
        ResolvedClientAuth::Ready(auth) => Ok(auth),
        ResolvedClientAuth::Sign { .. } => Err(Error::InvalidRequest(CANNOT_SIGN.into())),
    }
}

// ---------------------------------------------------------------------------------------------------
// Options of the other endpoints (shape only: the core checks the values)

/// Splits a request object into its JSON part and `clientAuth`.
pub(super) fn split_auth(req: &JsValue) -> (JsValue, JsValue) {
    let (rest, mut taken) = split_options(req, &["clientAuth"]);
    (rest, taken.pop().unwrap_or(JsValue::UNDEFINED))
}

// ---------------------------------------------------------------------------------------------------
// Sans-IO exports

/// `buildTokenRequest(req)`
#[wasm_bindgen(js_name = buildTokenRequest)]
pub fn build_token_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let what = "buildTokenRequest request";
        let (rest, auth) = split_auth(&req);
        let mut args = TokenArgs::read(what, &rest)?;
        let grant_type = args.grant_type(what, None)?;
        args.into_request(&grant_type, client_auth_sync(&auth)?)?
            .build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseTokenResponse(response, opts?)`
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response_js(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let now = now_only("parseTokenResponse options", &opts)?;
        let res = response_from_js(&response)?;
        parse_token_response(&res, now_or(now)).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `discoveryUrls(issuer)`
#[wasm_bindgen(js_name = discoveryUrls)]
pub fn discovery_urls_js(issuer: JsValue) -> JsResult<JsValue> {
    string_arg("issuer", &issuer)
        .and_then(|i| discovery_urls(&i))
        .map_err(to_js_error)
        .and_then(|urls| to_plain(&urls))
}

// ---------------------------------------------------------------------------------------------------
// Fetch helpers

/// The `fetch`, `timeout` and `now` options of a helper, and the rest of its options object.
pub(super) struct Io {
    pub(super) rest: JsValue,
    pub(super) client_auth: JsValue,
    pub(super) fetcher: Fetcher,
    pub(super) now: u64,
}

// The helpers of the `server` feature; the sign-in grants take `dpop` too (`io_with`).
#[cfg(feature = "server")]
pub(super) fn io(opts: &JsValue, what: &str) -> Result<Io, Error> {
    io_with(opts, what, []).map(|(io, [])| io)
}

/// [`io`], also taking the helper's own `extra` members out in the same split (JS values the options reader
/// cannot carry, such as a `verifier` handle, or members kept out of the rest's argument struct).
pub(super) fn io_with<const N: usize>(
    opts: &JsValue,
    what: &str,
    extra: [&str; N],
) -> Result<(Io, [JsValue; N]), Error> {
    if !opts.is_object() {
        return Err(Error::InvalidRequest(format!(
            "{what} options must be an object"
        )));
    }
    // One split takes every member that is not plain data; the caller reads the rest once.
    let mut names = vec!["fetch", "timeout", "clientAuth", "now"];
    names.extend(extra);
    let (rest, taken) = split_options(opts, &names);
    let mut taken = taken.into_iter();
    let mut next = || taken.next().unwrap_or(JsValue::UNDEFINED);
    let fetcher = Fetcher::new(&next(), &next())?;
    let client_auth = next();
    let now = optional_integer(&format!("{what} options: now"), &next())?;
    let extra = std::array::from_fn(|_| next());
    let io = Io {
        rest,
        client_auth,
        fetcher,
        now: now_or(now),
    };
    Ok((io, extra))
}

pub(super) async fn send_checked(io: &Io, req: &HttpRequest) -> Result<HttpResponse, Fail> {
    Ok(io.fetcher.send(req).await?)
}

/// Sends `req`, bound to `opts.dpop` when it is a `DpopKey` (RFC 9449: a proof, `Authorization: DPoP` for
/// `access_token`, the nonce retry).
pub(super) async fn send_bound(
    io: &Io,
    req: &HttpRequest,
    dpop: &JsValue,
    access_token: Option<&str>,
) -> Result<HttpResponse, Fail> {
    match super::dpop::dpop_option(dpop)? {
        Some(key) => Ok(key.send(&io.fetcher, req, access_token, io.now).await?),
        None => send_checked(io, req).await,
    }
}

pub(super) async fn token_grant(opts: JsValue, grant_type: &str, what: &str) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let (io, [dpop]) = io_with(&opts, what, ["dpop"])?;
        let mut args = TokenArgs::read(&format!("{what} options"), &io.rest)?;
        let grant_type = args.grant_type(what, Some(grant_type))?;
        let auth = client_auth_async(&io.client_auth, &args.token_endpoint, io.now).await?;
        let req = args.into_request(&grant_type, auth)?.build()?;
        let res = send_bound(&io, &req, &dpop, None).await?;
        parse_token_response(&res, io.now).map_err(with_status(res.status))
    };
    to_plain(&run().await.map_err(to_js)?)
}

/// `exchangeCode(opts)`
#[wasm_bindgen(js_name = exchangeCode)]
pub fn exchange_code(opts: JsValue) -> Promise {
    promise(async move { token_grant(opts, "authorization_code", "exchangeCode").await })
}

/// `refreshTokens(opts)`
#[wasm_bindgen(js_name = refreshTokens)]
pub fn refresh_tokens(opts: JsValue) -> Promise {
    promise(async move { token_grant(opts, "refresh_token", "refreshTokens").await })
}

/// The options of `discover` and `fetchJwks` besides `fetch` and `timeout`: none.
/// `discover(issuer, opts?)`
#[wasm_bindgen]
pub fn discover(issuer: JsValue, opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let issuer = string_arg("issuer", &issuer)?;
            let (fetcher, rest) = Fetcher::from_options(&opts)?;
            Fields::optional("discover options", &rest, &[])?;
            let mut plan = DiscoveryPlan::new(&issuer)?;
            let mut request = plan.request();
            // The plan asks for two requests at most, then answers or fails.
            loop {
                let res = fetcher.send(&request).await?;
                match plan.on_response(&res)? {
                    DiscoveryStep::Found(metadata) => return Ok(metadata),
                    DiscoveryStep::Fetch(next) => request = next,
                }
            }
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}

/// `fetchJwks(jwksUri, opts?)`: the provider's key set, fetched once (no cache: the SPA session keeps it).
#[wasm_bindgen(js_name = fetchJwks)]
pub fn fetch_jwks(jwks_uri: JsValue, opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let uri = string_arg("jwksUri", &jwks_uri)?;
            let (fetcher, rest) = Fetcher::from_options(&opts)?;
            Fields::optional("fetchJwks options", &rest, &[])?;
            let res = fetcher.send(&jwks_request(&uri)?).await?;
            Ok(JwkSetHandle::from(
                parse_jwks_response(&res).map_err(with_status(res.status))?,
            ))
        };
        run().await.map(JsValue::from).map_err(to_js)
    })
}
