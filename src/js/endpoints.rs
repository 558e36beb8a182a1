//! Exports for the token, introspection, revocation and userinfo endpoints and discovery: the sans-IO
//! builders and parsers (`build*Request` -> `{ url, method, headers, body }`, `parse*Response({ status,
//! headers?, body })`) and the fetch helpers that chain them (`exchangeCode`, `discover`, …).

#[cfg(feature = "server")]
use super::convert::shared_handle;
use super::convert::{
    JsResult, optional_usize, options, required_options, string_arg, to_js_error, to_plain,
};
use super::http::{fetch_fn, now_or, request_to_js, response_from_js, send, split_options};
#[cfg(feature = "server")]
use super::sign::{Assertion, sign_assertion};
#[cfg(feature = "server")]
use super::verify::TokenVerifierHandle;
use crate::client_auth::{ClientAuth, ClientAuthOptions, ResolvedClientAuth};
use crate::discovery::{discovery_request, discovery_urls, parse_discovery_response};
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
#[cfg(feature = "server")]
use crate::introspect::{IntrospectionRequest, parse_introspection_response};
#[cfg(feature = "server")]
use crate::revoke::{RevocationRequest, parse_revocation_response};
#[cfg(feature = "server")]
use crate::token::TOKEN_EXCHANGE_GRANT;
use crate::token::{TokenRequestOptions, parse_token_response};
#[cfg(feature = "server")]
use crate::userinfo::{
    Userinfo, UserinfoRequest, parse_signed_userinfo_response, parse_userinfo_response,
};
#[cfg(feature = "server")]
use crate::verify::{Policy, UserinfoJwtOptions};
use js_sys::{Function, Reflect};
use serde::Deserialize;
#[cfg(feature = "server")]
use serde::Serialize;
#[cfg(feature = "server")]
use serde_json::{Map, Value};
#[cfg(feature = "server")]
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// A failure, with the status of the response it came from when there was one.
struct Fail(Error, Option<u16>);

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail(e, None)
    }
}

fn to_js(f: Fail) -> JsValue {
    let Fail(err, status) = f;
    let authorization = matches!(err, Error::AuthorizationError { .. });
    let js = to_js_error(err);
    if let (true, Some(status)) = (authorization, status) {
        // An OAuth error body carries its HTTP status too (e.g. 400 invalid_grant, 401 invalid_client).
        let _ = Reflect::set(&js, &"status".into(), &JsValue::from(status));
    }
    js
}

fn with_status(status: u16) -> impl FnOnce(Error) -> Fail {
    move |e| Fail(e, Some(status))
}

// ---------------------------------------------------------------------------------------------------
// Client authentication

fn read_client_auth(value: &JsValue) -> Result<(ClientAuthOptions, Option<JsValue>), Error> {
    let (copy, taken) = split_options(value, &["key"]);
    let opts: ClientAuthOptions = required_options("clientAuth", &copy)?;
    let key = taken
        .into_iter()
        .next()
        .filter(|k| !k.is_undefined() && !k.is_null());
    Ok((opts, key))
}

/// Why `clientAuth.key` cannot be used here.
#[cfg(feature = "server")]
const CANNOT_SIGN: &str = "request builders are synchronous and cannot sign: pass clientAuth.clientAssertion \
     from createClientAssertion(), or use the fetch helpers, which sign with clientAuth.key";
#[cfg(not(feature = "server"))]
const CANNOT_SIGN: &str = "this build does not sign client assertions: pass clientAuth.clientAssertion, \
     signed elsewhere";

/// Client authentication for a synchronous builder: a key cannot sign here.
fn client_auth_sync(value: &JsValue) -> Result<ClientAuth, Error> {
    let (opts, key) = read_client_auth(value)?;
    match opts.resolve(key.is_some())? {
        ResolvedClientAuth::Ready(auth) => Ok(auth),
        ResolvedClientAuth::Sign { .. } => Err(Error::InvalidRequest(CANNOT_SIGN.into())),
    }
}

/// Client authentication for a fetch helper: signs an assertion when given a key (audience: the endpoint
/// called, unless `clientAuth.audience` says otherwise).
#[cfg(feature = "server")]
async fn client_auth_async(value: &JsValue, endpoint: &str, now: u64) -> Result<ClientAuth, Error> {
    let (opts, key) = read_client_auth(value)?;
    match opts.resolve(key.is_some())? {
        ResolvedClientAuth::Ready(auth) => Ok(auth),
        ResolvedClientAuth::Sign {
            client_id,
            audience,
            alg,
            key_id,
            lifetime,
        } => {
            let key = key.unwrap_or(JsValue::UNDEFINED);
            let client_assertion = sign_assertion(
                &key,
                &Assertion {
                    client_id: &client_id,
                    audience: audience.as_deref().unwrap_or(endpoint),
                    alg: alg.as_deref(),
                    key_id: key_id.as_deref(),
                    lifetime,
                    now,
                },
            )
            .await?;
            Ok(ClientAuth::PrivateKeyJwt {
                client_id,
                client_assertion,
            })
        }
    }
}

/// Without `server` nothing signs: as [`client_auth_sync`].
#[cfg(not(feature = "server"))]
async fn client_auth_async(
    value: &JsValue,
    _endpoint: &str,
    _now: u64,
) -> Result<ClientAuth, Error> {
    client_auth_sync(value)
}

#[cfg(feature = "server")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssertionOptions {
    client_id: String,
    audience: String,
    alg: Option<String>,
    key_id: Option<String>,
    lifetime: Option<u64>,
    now: Option<u64>,
}

/// `createClientAssertion(opts)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = createClientAssertion)]
pub async fn create_client_assertion(opts: JsValue) -> JsResult<JsValue> {
    let run = async || -> Result<String, Error> {
        let (copy, taken) = split_options(&opts, &["key"]);
        let o: AssertionOptions = required_options("createClientAssertion options", &copy)?;
        let key = taken.into_iter().next().unwrap_or(JsValue::UNDEFINED);
        sign_assertion(
            &key,
            &Assertion {
                client_id: &o.client_id,
                audience: &o.audience,
                alg: o.alg.as_deref(),
                key_id: o.key_id.as_deref(),
                lifetime: o
                    .lifetime
                    .unwrap_or(crate::client_assertion::DEFAULT_LIFETIME),
                now: now_or(o.now),
            },
        )
        .await
    };
    run().await.map(JsValue::from).map_err(to_js_error)
}

// ---------------------------------------------------------------------------------------------------
// Options of the other endpoints (shape only: the core checks the values)

#[cfg(feature = "server")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IntrospectionOptions {
    introspection_endpoint: String,
    token: String,
    token_type_hint: Option<String>,
    extra_params: Option<BTreeMap<String, String>>,
}

#[cfg(feature = "server")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RevocationOptions {
    revocation_endpoint: String,
    token: String,
    token_type_hint: Option<String>,
    extra_params: Option<BTreeMap<String, String>>,
}

#[cfg(feature = "server")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserinfoOptions {
    userinfo_endpoint: String,
    access_token: String,
    expected_subject: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParseTokenOptions {
    now: Option<u64>,
}

#[cfg(feature = "server")]
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParseUserinfoOptions {
    expected_subject: Option<String>,
}

#[cfg(feature = "server")]
#[derive(Serialize)]
#[serde(tag = "format", rename_all = "lowercase")]
enum UserinfoResult<'a> {
    Json { claims: &'a Map<String, Value> },
    Jwt { jwt: &'a str },
}

#[cfg(feature = "server")]
fn userinfo_to_js(u: &Userinfo) -> JsResult<JsValue> {
    to_plain(&match u {
        Userinfo::Claims(claims) => UserinfoResult::Json { claims },
        Userinfo::Jwt(jwt) => UserinfoResult::Jwt { jwt },
    })
}

/// What `parseUserinfoResponse` and `userinfo` give back.
#[cfg(feature = "server")]
enum Answer {
    /// Without a verifier: JSON claims (`sub` checked), or an unverified JWT.
    Parsed(Userinfo),
    /// With a verifier: the JWT and its verified claims (as JSON text).
    Verified { jwt: String, claims: String },
}

/// `{ format: "json", claims }`, `{ format: "jwt", jwt }`, or `{ format: "jwt", jwt, claims }` once verified.
#[cfg(feature = "server")]
fn answer_to_js(answer: Answer) -> JsResult<JsValue> {
    match answer {
        Answer::Parsed(parsed) => userinfo_to_js(&parsed),
        Answer::Verified { jwt, claims } => {
            let result = to_plain(&UserinfoResult::Jwt { jwt: &jwt })?;
            Reflect::set(&result, &"claims".into(), &js_sys::JSON::parse(&claims)?)?;
            Ok(result)
        }
    }
}

/// `opts.verifier`: the `TokenVerifier` that signed responses are verified with, when given.
#[cfg(feature = "server")]
fn verifier_option(value: &JsValue) -> Result<Option<TokenVerifierHandle>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    shared_handle::<TokenVerifierHandle>(value)
        .map(Some)
        .ok_or_else(|| Error::InvalidRequest("verifier must be a TokenVerifier".into()))
}

#[cfg(feature = "server")]
fn userinfo_policy(now: u64, expected_subject: Option<String>) -> Policy {
    Policy::Userinfo(UserinfoJwtOptions {
        now,
        expected_subject,
    })
}

#[cfg(feature = "server")]
fn introspection_request(o: IntrospectionOptions, auth: ClientAuth) -> Result<HttpRequest, Error> {
    IntrospectionRequest {
        introspection_endpoint: o.introspection_endpoint,
        client_auth: auth,
        token: o.token,
        token_type_hint: o.token_type_hint,
        extra_params: o.extra_params.unwrap_or_default(),
    }
    .build()
}

#[cfg(feature = "server")]
fn revocation_request(o: RevocationOptions, auth: ClientAuth) -> Result<HttpRequest, Error> {
    RevocationRequest {
        revocation_endpoint: o.revocation_endpoint,
        client_auth: auth,
        token: o.token,
        token_type_hint: o.token_type_hint,
        extra_params: o.extra_params.unwrap_or_default(),
    }
    .build()
}

/// Splits a request object into its JSON part and `clientAuth`.
fn split_auth(req: &JsValue) -> (JsValue, JsValue) {
    let (rest, mut taken) = split_options(req, &["clientAuth"]);
    (rest, taken.pop().unwrap_or(JsValue::UNDEFINED))
}

// ---------------------------------------------------------------------------------------------------
// Sans-IO exports

/// `buildTokenRequest(req)`
#[wasm_bindgen(js_name = buildTokenRequest)]
pub fn build_token_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, auth) = split_auth(&req);
        let o: TokenRequestOptions = required_options("buildTokenRequest request", &rest)?;
        o.into_request(client_auth_sync(&auth)?)?.build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseTokenResponse(response, opts?)`
#[wasm_bindgen(js_name = parseTokenResponse)]
pub fn parse_token_response_js(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let o: ParseTokenOptions = options("parseTokenResponse options", &opts)?;
        let res = response_from_js(&response)?;
        parse_token_response(&res, now_or(o.now)).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `buildIntrospectionRequest(req)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = buildIntrospectionRequest)]
pub fn build_introspection_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, auth) = split_auth(&req);
        let o: IntrospectionOptions = required_options("buildIntrospectionRequest request", &rest)?;
        introspection_request(o, client_auth_sync(&auth)?)
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseIntrospectionResponse(response)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = parseIntrospectionResponse)]
pub fn parse_introspection_response_js(response: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<_, Fail> {
        let res = response_from_js(&response)?;
        parse_introspection_response(&res).map_err(with_status(res.status))
    };
    to_plain(&run().map_err(to_js)?)
}

/// `buildRevocationRequest(req)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = buildRevocationRequest)]
pub fn build_revocation_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, auth) = split_auth(&req);
        let o: RevocationOptions = required_options("buildRevocationRequest request", &rest)?;
        revocation_request(o, client_auth_sync(&auth)?)
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseRevocationResponse(response)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = parseRevocationResponse)]
pub fn parse_revocation_response_js(response: JsValue) -> JsResult<()> {
    let run = || -> Result<(), Fail> {
        let res = response_from_js(&response)?;
        parse_revocation_response(&res).map_err(with_status(res.status))
    };
    run().map_err(to_js)
}

#[cfg(feature = "server")]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BuildUserinfoOptions {
    userinfo_endpoint: String,
    access_token: String,
}

/// `buildUserinfoRequest(req)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = buildUserinfoRequest)]
pub fn build_userinfo_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let o: BuildUserinfoOptions = required_options("buildUserinfoRequest request", &req)?;
        UserinfoRequest {
            userinfo_endpoint: o.userinfo_endpoint,
            access_token: o.access_token,
        }
        .build()
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseUserinfoResponse(response, { expectedSubject?, verifier?, now? })`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = parseUserinfoResponse)]
pub fn parse_userinfo_response_js(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (rest, taken) = split_options(&opts, &["verifier", "now"]);
    let run = || -> Result<Answer, Fail> {
        let [verifier, now] = <[JsValue; 2]>::try_from(taken)
            .map_err(|_| Error::InvalidRequest("parseUserinfoResponse options".into()))?;
        let o: ParseUserinfoOptions = options("parseUserinfoResponse options", &rest)?;
        let now = now_or(optional_usize("now", &now)?.map(|n| n as u64));
        let res = response_from_js(&response)?;
        let Some(verifier) = verifier_option(&verifier)? else {
            let parsed = parse_userinfo_response(&res, o.expected_subject.as_deref());
            return Ok(Answer::Parsed(parsed.map_err(with_status(res.status))?));
        };
        let jwt = parse_signed_userinfo_response(&res).map_err(with_status(res.status))?;
        let claims = verifier.check_sync(jwt.clone(), userinfo_policy(now, o.expected_subject))?;
        Ok(Answer::Verified { jwt, claims })
    };
    answer_to_js(run().map_err(to_js)?)
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

/// The `fetch` and `now` options of a helper, and the rest of its options object.
struct Io {
    rest: JsValue,
    client_auth: JsValue,
    fetch: Function,
    now: u64,
}

fn io(opts: &JsValue, what: &str) -> Result<Io, Error> {
    if !opts.is_object() {
        return Err(Error::InvalidRequest(format!(
            "{what} options must be an object"
        )));
    }
    let (rest, taken) = split_options(opts, &["clientAuth", "fetch", "now"]);
    let [client_auth, fetch, now] = <[JsValue; 3]>::try_from(taken)
        .map_err(|_| Error::InvalidRequest(format!("{what} options")))?;
    let now = optional_usize("now", &now)?.map(|n| n as u64);
    Ok(Io {
        rest,
        client_auth,
        fetch: fetch_fn(&fetch)?,
        now: now_or(now),
    })
}

async fn send_checked(io: &Io, req: &HttpRequest) -> Result<HttpResponse, Fail> {
    Ok(send(&io.fetch, req).await?)
}

async fn token_grant(opts: JsValue, grant_type: &str, what: &str) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let io = io(&opts, what)?;
        if Reflect::has(&io.rest, &"grantType".into()).unwrap_or(false) {
            return Err(Error::InvalidRequest(format!(
                "{what} sets grantType itself; use buildTokenRequest for another grant"
            ))
            .into());
        }
        let _ = Reflect::set(&io.rest, &"grantType".into(), &grant_type.into());
        let o: TokenRequestOptions = required_options(&format!("{what} options"), &io.rest)?;
        let auth = client_auth_async(&io.client_auth, &o.token_endpoint, io.now).await?;
        let req = o.into_request(auth)?.build()?;
        let res = send_checked(&io, &req).await?;
        parse_token_response(&res, io.now).map_err(with_status(res.status))
    };
    to_plain(&run().await.map_err(to_js)?)
}

/// `exchangeCode(opts)`
#[wasm_bindgen(js_name = exchangeCode)]
pub async fn exchange_code(opts: JsValue) -> JsResult<JsValue> {
    token_grant(opts, "authorization_code", "exchangeCode").await
}

/// `refreshTokens(opts)`
#[wasm_bindgen(js_name = refreshTokens)]
pub async fn refresh_tokens(opts: JsValue) -> JsResult<JsValue> {
    token_grant(opts, "refresh_token", "refreshTokens").await
}

/// `clientCredentials(opts)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = clientCredentials)]
pub async fn client_credentials(opts: JsValue) -> JsResult<JsValue> {
    token_grant(opts, "client_credentials", "clientCredentials").await
}

/// `exchangeToken(opts)`
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = exchangeToken)]
pub async fn exchange_token(opts: JsValue) -> JsResult<JsValue> {
    token_grant(opts, TOKEN_EXCHANGE_GRANT, "exchangeToken").await
}

/// `introspect(opts)`
#[cfg(feature = "server")]
#[wasm_bindgen]
pub async fn introspect(opts: JsValue) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let io = io(&opts, "introspect")?;
        let o: IntrospectionOptions = required_options("introspect options", &io.rest)?;
        let auth = client_auth_async(&io.client_auth, &o.introspection_endpoint, io.now).await?;
        let req = introspection_request(o, auth)?;
        let res = send_checked(&io, &req).await?;
        parse_introspection_response(&res).map_err(with_status(res.status))
    };
    to_plain(&run().await.map_err(to_js)?)
}

/// `revoke(opts)`
#[cfg(feature = "server")]
#[wasm_bindgen]
pub async fn revoke(opts: JsValue) -> JsResult<()> {
    let run = async || -> Result<(), Fail> {
        let io = io(&opts, "revoke")?;
        let o: RevocationOptions = required_options("revoke options", &io.rest)?;
        let auth = client_auth_async(&io.client_auth, &o.revocation_endpoint, io.now).await?;
        let req = revocation_request(o, auth)?;
        let res = send_checked(&io, &req).await?;
        parse_revocation_response(&res).map_err(with_status(res.status))
    };
    run().await.map_err(to_js)
}

/// `userinfo(opts)`: with `verifier`, a signed response is required and verified (WebCrypto where it can).
#[cfg(feature = "server")]
#[wasm_bindgen]
pub async fn userinfo(opts: JsValue) -> JsResult<JsValue> {
    let run = async || -> Result<Answer, Fail> {
        let io = io(&opts, "userinfo")?;
        if !io.client_auth.is_undefined() {
            return Err(Error::InvalidRequest(
                "userinfo takes no clientAuth: the access token is the credential".into(),
            )
            .into());
        }
        let (rest, taken) = split_options(&io.rest, &["verifier"]);
        let verifier = verifier_option(taken.first().unwrap_or(&JsValue::UNDEFINED))?;
        let o: UserinfoOptions = required_options("userinfo options", &rest)?;
        let req = UserinfoRequest {
            userinfo_endpoint: o.userinfo_endpoint,
            access_token: o.access_token,
        }
        .build()?;
        let res = send_checked(&io, &req).await?;
        let Some(verifier) = verifier else {
            let parsed = parse_userinfo_response(&res, o.expected_subject.as_deref());
            return Ok(Answer::Parsed(parsed.map_err(with_status(res.status))?));
        };
        let jwt = parse_signed_userinfo_response(&res).map_err(with_status(res.status))?;
        let policy = userinfo_policy(io.now, o.expected_subject);
        let claims = verifier.check_async(jwt.clone(), policy).await?;
        Ok(Answer::Verified { jwt, claims })
    };
    answer_to_js(run().await.map_err(to_js)?)
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiscoverOptions {}

/// `discover(issuer, opts?)`
#[wasm_bindgen]
pub async fn discover(issuer: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let run = async || -> Result<_, Fail> {
        let issuer = string_arg("issuer", &issuer)?;
        let (rest, taken) = split_options(&opts, &["fetch"]);
        let _: DiscoverOptions = options("discover options", &rest)?;
        let fetch = fetch_fn(taken.first().unwrap_or(&JsValue::UNDEFINED))?;
        let [oidc, rfc8414] = discovery_urls(&issuer)?;
        for url in [&oidc, &rfc8414] {
            let res = send(&fetch, &discovery_request(url)).await?;
            if let Some(meta) =
                parse_discovery_response(&res, &issuer).map_err(with_status(res.status))?
            {
                return Ok(meta);
            }
        }
        Err(Error::HttpError {
            message: format!(
                "no provider metadata for {issuer}: both {oidc} and {rfc8414} answered 404"
            ),
            status: Some(404),
        }
        .into())
    };
    to_plain(&run().await.map_err(to_js)?)
}
