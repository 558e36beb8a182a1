//! Exports for what servers and workers call besides the token endpoint's sign-in grants (the `server`
//! feature): client credentials, token exchange, introspection (RFC 7662), revocation (RFC 7009), userinfo
//! (OIDC Core §5.3, signed responses verified with a `TokenVerifier`) and `private_key_jwt` assertions.

use super::endpoints::{
    Fail, client_auth_sync, io, io_with, send_bound, send_checked, split_auth, to_js, token_grant,
    with_status,
};
use super::sign::{Assertion, client_auth_async, sign_assertion};
use crate::client::ClientAuth;
use crate::client::TOKEN_EXCHANGE_GRANT;
use crate::client::introspect::{
    IntrospectionAuth, IntrospectionRequest, parse_introspection_response,
    parse_jwt_introspection_response, token_introspection,
};
use crate::client::revoke::{RevocationRequest, parse_revocation_response};
use crate::client::{
    Userinfo, UserinfoRequest, parse_signed_userinfo_response, parse_userinfo_response,
};
use crate::error::Error;
use crate::jose::json;
use crate::js::convert::{JsResult, promise, shared_handle, to_js_error, to_plain};
use crate::js::http::{now_or, request_to_js, response_from_js, split_options};
use crate::js::options::{options, required_options};
use crate::js::verify::TokenVerifierHandle;
use crate::verify::{IntrospectionJwtOptions, Policy, UserinfoJwtOptions};
use crate::wire::HttpRequest;
use js_sys::{Promise, Reflect};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

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
#[wasm_bindgen(js_name = createClientAssertion)]
pub fn create_client_assertion(opts: JsValue) -> Promise {
    promise(async move {
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
                        .unwrap_or(crate::client::assertion::DEFAULT_LIFETIME),
                    now: now_or(o.now),
                },
            )
            .await
        };
        run().await.map(JsValue::from).map_err(to_js_error)
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IntrospectionOptions {
    introspection_endpoint: String,
    token: String,
    token_type_hint: Option<String>,
    bearer_token: Option<String>,
    jwt_response: Option<bool>,
    extra_params: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RevocationOptions {
    revocation_endpoint: String,
    token: String,
    token_type_hint: Option<String>,
    extra_params: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserinfoOptions {
    userinfo_endpoint: String,
    access_token: String,
    expected_subject: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParseUserinfoOptions {
    expected_subject: Option<String>,
    now: Option<u64>,
}

#[derive(Serialize)]
#[serde(tag = "format", rename_all = "lowercase")]
enum UserinfoResult<'a> {
    Json { claims: &'a Map<String, Value> },
    Jwt { jwt: &'a str },
}

fn userinfo_to_js(u: &Userinfo) -> JsResult<JsValue> {
    to_plain(&match u {
        Userinfo::Claims(claims) => UserinfoResult::Json { claims },
        Userinfo::Jwt(jwt) => UserinfoResult::Jwt { jwt },
    })
}

/// What `parseUserinfoResponse` and `userinfo` give back.
enum Answer {
    /// Without a verifier: JSON claims (`sub` checked), or an unverified JWT.
    Parsed(Userinfo),
    /// With a verifier: the JWT and its verified claims (as JSON text).
    Verified { jwt: String, claims: String },
}

/// `{ format: "json", claims }`, `{ format: "jwt", jwt }`, or `{ format: "jwt", jwt, claims }` once verified.
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
fn verifier_option(value: &JsValue) -> Result<Option<TokenVerifierHandle>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    shared_handle::<TokenVerifierHandle>(value)
        .map(Some)
        .ok_or_else(|| Error::InvalidRequest("verifier must be a TokenVerifier".into()))
}

fn userinfo_policy(now: u64, expected_subject: Option<String>) -> Policy {
    Policy::Userinfo(UserinfoJwtOptions {
        now,
        expected_subject,
    })
}

fn introspection_request(
    o: IntrospectionOptions,
    auth: IntrospectionAuth,
    verified: bool,
) -> Result<HttpRequest, Error> {
    IntrospectionRequest {
        introspection_endpoint: o.introspection_endpoint,
        auth,
        token: o.token,
        token_type_hint: o.token_type_hint,
        jwt_response: verified || o.jwt_response.unwrap_or(false),
        extra_params: o.extra_params.unwrap_or_default(),
    }
    .build()
}

/// The `token_introspection` object of JWT introspection claims the verifier returned (as JSON text).
fn introspection_of(claims: &str) -> Result<Map<String, Value>, Error> {
    token_introspection(&json::parse_object(claims).map_err(Error::InvalidClaim)?)
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ParseIntrospectionOptions {
    now: Option<u64>,
}

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

/// `buildIntrospectionRequest(req)`
#[wasm_bindgen(js_name = buildIntrospectionRequest)]
pub fn build_introspection_request(req: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<HttpRequest, Error> {
        let (rest, auth) = split_auth(&req);
        let mut o: IntrospectionOptions =
            required_options("buildIntrospectionRequest request", &rest)?;
        let auth =
            match IntrospectionAuth::bearer_or_client(o.bearer_token.take(), !auth.is_undefined())?
            {
                Some(bearer) => bearer,
                None => IntrospectionAuth::Client(client_auth_sync(&auth)?),
            };
        introspection_request(o, auth, false)
    };
    run().map(|r| request_to_js(&r)).map_err(to_js_error)
}

/// `parseIntrospectionResponse(response, { verifier?, now? })`: with a verifier, a JWT response (RFC 9701).
#[wasm_bindgen(js_name = parseIntrospectionResponse)]
pub fn parse_introspection_response_js(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (rest, taken) = split_options(&opts, &["verifier"]);
    let run = || -> Result<_, Fail> {
        let verifier = taken.into_iter().next().unwrap_or(JsValue::UNDEFINED);
        let o: ParseIntrospectionOptions = options("parseIntrospectionResponse options", &rest)?;
        let res = response_from_js(&response)?;
        let Some(verifier) = verifier_option(&verifier)? else {
            return parse_introspection_response(&res).map_err(with_status(res.status));
        };
        let jwt = parse_jwt_introspection_response(&res).map_err(with_status(res.status))?;
        let policy = Policy::Introspection(IntrospectionJwtOptions { now: now_or(o.now) });
        Ok(introspection_of(&verifier.check_sync(jwt, policy)?)?)
    };
    to_plain(&run().map_err(to_js)?)
}

/// `buildRevocationRequest(req)`
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
#[wasm_bindgen(js_name = parseRevocationResponse)]
pub fn parse_revocation_response_js(response: JsValue) -> JsResult<()> {
    let run = || -> Result<(), Fail> {
        let res = response_from_js(&response)?;
        parse_revocation_response(&res).map_err(with_status(res.status))
    };
    run().map_err(to_js)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BuildUserinfoOptions {
    userinfo_endpoint: String,
    access_token: String,
}

/// `buildUserinfoRequest(req)`
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
#[wasm_bindgen(js_name = parseUserinfoResponse)]
pub fn parse_userinfo_response_js(response: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let (rest, taken) = split_options(&opts, &["verifier"]);
    let run = || -> Result<Answer, Fail> {
        let verifier = taken.into_iter().next().unwrap_or(JsValue::UNDEFINED);
        let o: ParseUserinfoOptions = options("parseUserinfoResponse options", &rest)?;
        let now = now_or(o.now);
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

/// `clientCredentials(opts)`
#[wasm_bindgen(js_name = clientCredentials)]
pub fn client_credentials(opts: JsValue) -> Promise {
    promise(async move { token_grant(opts, "client_credentials", "clientCredentials").await })
}

/// `exchangeToken(opts)`
#[wasm_bindgen(js_name = exchangeToken)]
pub fn exchange_token(opts: JsValue) -> Promise {
    promise(async move { token_grant(opts, TOKEN_EXCHANGE_GRANT, "exchangeToken").await })
}

/// `introspect(opts)`: with `verifier`, a JWT response is asked for, required and verified (RFC 9701).
#[wasm_bindgen]
pub fn introspect(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<_, Fail> {
            let (io, [verifier]) = io_with(&opts, "introspect", ["verifier"])?;
            let verifier = verifier_option(&verifier)?;
            let mut o: IntrospectionOptions = required_options("introspect options", &io.rest)?;
            let bearer = o.bearer_token.take();
            let auth = match IntrospectionAuth::bearer_or_client(
                bearer,
                !io.client_auth.is_undefined(),
            )? {
                Some(bearer) => bearer,
                None => IntrospectionAuth::Client(
                    client_auth_async(&io.client_auth, &o.introspection_endpoint, io.now).await?,
                ),
            };
            let req = introspection_request(o, auth, verifier.is_some())?;
            let res = send_checked(&io, &req).await?;
            let Some(verifier) = verifier else {
                return parse_introspection_response(&res).map_err(with_status(res.status));
            };
            let jwt = parse_jwt_introspection_response(&res).map_err(with_status(res.status))?;
            let policy = Policy::Introspection(IntrospectionJwtOptions { now: io.now });
            Ok(introspection_of(&verifier.check_async(jwt, policy).await?)?)
        };
        to_plain(&run().await.map_err(to_js)?)
    })
}

/// `revoke(opts)`
#[wasm_bindgen]
pub fn revoke(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<(), Fail> {
            let io = io(&opts, "revoke")?;
            let o: RevocationOptions = required_options("revoke options", &io.rest)?;
            let auth = client_auth_async(&io.client_auth, &o.revocation_endpoint, io.now).await?;
            let req = revocation_request(o, auth)?;
            let res = send_checked(&io, &req).await?;
            parse_revocation_response(&res).map_err(with_status(res.status))
        };
        run().await.map(|()| JsValue::UNDEFINED).map_err(to_js)
    })
}

/// `userinfo(opts)`: with `verifier`, a signed response is required and verified (WebCrypto where it can).
#[wasm_bindgen]
pub fn userinfo(opts: JsValue) -> Promise {
    promise(async move {
        let run = async || -> Result<Answer, Fail> {
            let (io, [verifier, dpop]) = io_with(&opts, "userinfo", ["verifier", "dpop"])?;
            if !io.client_auth.is_undefined() {
                return Err(Error::InvalidRequest(
                    "userinfo takes no clientAuth: the access token is the credential".into(),
                )
                .into());
            }
            let verifier = verifier_option(&verifier)?;
            let o: UserinfoOptions = required_options("userinfo options", &io.rest)?;
            let req = UserinfoRequest {
                userinfo_endpoint: o.userinfo_endpoint,
                access_token: o.access_token.clone(),
            }
            .build()?;
            let res = send_bound(&io, &req, &dpop, Some(&o.access_token)).await?;
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
    })
}
