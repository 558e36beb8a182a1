//! The device authorization grant (RFC 8628): the device authorization request (§3.1), its answer (§3.2), and
//! the token-endpoint polling (§3.4, §3.5) as a state machine that says what to do next given the time and the
//! last answer. It holds no timer: whoever drives it waits.

use crate::client::auth::ClientAuth;
use crate::client::authorize::scope_string;
use crate::client::token::{
    Grant, TokenRequest, TokenResponse, add_resource, parse_token_response,
};
use crate::error::{Error, Result};
use crate::jose::json;
use crate::wire::{Form, HttpRequest, HttpResponse, OneOrMany, form_post, http_error, json_object};
use crate::wire::{check_vschar, parse_endpoint};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `grant_type` of the device access token request (RFC 8628 §3.4).
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The polling interval when the provider sends none (RFC 8628 §3.2: "clients MUST use 5 as the default").
pub const DEFAULT_INTERVAL: u64 = 5;

/// What `slow_down` adds to the interval, for that poll and every later one (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: u64 = 5;

/// How many polls in a row may fail without any answer (network failure, timeout) before the poll gives up;
/// each one doubles the interval first (RFC 8628 §3.5: reduce the polling frequency, exponential backoff).
pub const MAX_FAILED_POLLS: u32 = 3;

/// A device authorization request (RFC 8628 §3.1), sent to the provider's `device_authorization_endpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuthorizationRequest {
    /// The provider's `device_authorization_endpoint`: https (http only on loopback).
    pub endpoint: String,
    /// Client authentication, as at the token endpoint (§3.1: a public client sends `client_id` alone).
    pub client_auth: ClientAuth,
    /// `scope`.
    pub scope: Option<OneOrMany>,
    /// RFC 8707 resource indicators, one `resource` parameter each.
    pub resource: Option<OneOrMany>,
    /// Further parameters; none may repeat one set above or by client authentication.
    pub extra_params: BTreeMap<String, String>,
}

impl DeviceAuthorizationRequest {
    /// Builds the form POST.
    ///
    /// Errors (`invalid_request`): the endpoint not https (http only on loopback) or with a fragment; a scope
    /// with characters RFC 6749 §3.3 forbids; a resource that is not an absolute URI; bad client
    /// authentication (see [`ClientAuth::apply`]); a parameter given twice.
    pub fn build(&self) -> Result<HttpRequest> {
        let endpoint = parse_endpoint("deviceAuthorizationEndpoint", &self.endpoint)?;
        let mut form = Form::new();
        if let Some(scope) = &self.scope {
            form.add("scope", &scope_string(scope)?)?;
        }
        add_resource(&mut form, self.resource.as_ref())?;
        form.add_extra(&self.extra_params)?;
        form_post(endpoint.as_str(), &self.client_auth, form)
    }
}

/// What the device authorization endpoint answered (RFC 8628 §3.2). Field names are camelCase in JS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAuthorization {
    /// `device_code`: what the device polls with. Not for the user's eyes.
    pub device_code: String,
    /// `user_code`: what the user types at `verification_uri`.
    pub user_code: String,
    /// `verification_uri`: where the user goes, https (http only on loopback).
    pub verification_uri: String,
    /// `verification_uri_complete`: the same with the user code in it (for a QR code, §3.3.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    /// `expires_in`: seconds the codes are valid for.
    pub expires_in: u64,
    /// `now + expires_in`, seconds since the epoch.
    pub expires_at: u64,
    /// `interval`: seconds between polls, [`DEFAULT_INTERVAL`] when the provider sent none.
    pub interval: u64,
}

/// Parses the device authorization endpoint's answer (§3.2). `now` (seconds) turns `expires_in` into `expires_at`.
///
/// Errors: `authorization_error` for an OAuth error body (§3.2, RFC 6749 §5.2: e.g. `invalid_client`);
/// `http_error` with the status for another non-2xx answer, a redirect, a body that is not a JSON object
/// (duplicate members included), a `device_code` or `user_code` that is missing, empty or not printable ASCII, a
/// `verification_uri` (or `verification_uri_complete`) that is missing or not an https URL (http only on
/// loopback: the user is sent there), an `expires_in` that is missing or not a positive integer, or an
/// `interval` that is not a positive integer.
pub fn parse_device_authorization_response(
    response: &HttpResponse,
    now: u64,
) -> Result<DeviceAuthorization> {
    let map = json_object("the device authorization endpoint", response)?;
    let bad = |m: String| {
        http_error(
            response.status,
            format!("the device authorization endpoint answered an invalid response: {m}"),
        )
    };
    let text = |name: &str| -> Result<String> {
        let value = string_member(&map, name)
            .map_err(&bad)?
            .ok_or_else(|| bad(format!("{name} is missing")))?;
        check_vschar(name, &value).map_err(|e| bad(e.message()))?;
        Ok(value)
    };
    let device_code = text("device_code")?;
    let user_code = text("user_code")?;
    let uri = |name: &str, value: String| -> Result<String> {
        parse_endpoint(name, &value).map_err(|e| bad(e.message()))?;
        Ok(value)
    };
    let verification_uri = string_member(&map, "verification_uri")
        .map_err(&bad)?
        .ok_or_else(|| bad("verification_uri is missing".into()))?;
    let verification_uri = uri("verification_uri", verification_uri)?;
    let verification_uri_complete =
        match string_member(&map, "verification_uri_complete").map_err(&bad)? {
            Some(v) => Some(uri("verification_uri_complete", v)?),
            None => None,
        };
    let positive = |name: &str| -> Result<Option<u64>> {
        match map.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => Ok(n.as_u64()),
            Some(other) => Err(bad(format!(
                "{name} must be a positive integer, found {}",
                json::kind(other)
            ))),
        }
    };
    let expires_in = positive("expires_in")?.ok_or_else(|| bad("expires_in is missing".into()))?;
    let interval = positive("interval")?.unwrap_or(DEFAULT_INTERVAL);
    Ok(DeviceAuthorization {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete,
        expires_in,
        expires_at: now.saturating_add(expires_in),
        interval,
    })
}

/// A member that must be a string when present.
fn string_member(map: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "{name} must be a string, found {}",
            json::kind(other)
        )),
    }
}

/// What the driver of a [`DevicePoll`] does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStep {
    /// Wait this many seconds, then ask again.
    Wait(u64),
    /// Send [`DevicePoll::request`] now.
    Poll,
}

/// The polling of the token endpoint for a device authorization (RFC 8628 §3.4, §3.5): when to poll, and what
/// each answer means. Time is an input; the driver waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevicePoll {
    token_endpoint: String,
    device_code: String,
    interval: u64,
    expires_at: u64,
    next_at: u64,
    failures: u32,
}

impl DevicePoll {
    /// The polling for `authorization`, started at `now`: the first poll is one interval later (the user has not
    /// typed the code yet).
    ///
    /// Errors: `invalid_request` for a token endpoint that is not https (http only on loopback) or has a
    /// fragment, or a `device_code` that is empty or not printable ASCII.
    pub fn new(
        token_endpoint: &str,
        authorization: &DeviceAuthorization,
        now: u64,
    ) -> Result<Self> {
        parse_endpoint("tokenEndpoint", token_endpoint)?;
        check_vschar("deviceCode", &authorization.device_code)?;
        Ok(DevicePoll {
            token_endpoint: token_endpoint.to_owned(),
            device_code: authorization.device_code.clone(),
            interval: authorization.interval.max(1),
            expires_at: authorization.expires_at,
            next_at: now.saturating_add(authorization.interval.max(1)),
            failures: 0,
        })
    }

    /// The current interval in seconds (grown by `slow_down` and by failed polls).
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// What to do at `now`: wait, or poll.
    ///
    /// Errors: `authorization_error` with `error` `expired_token` when the codes have expired, or will have by
    /// the next poll (RFC 8628 §3.5: the user must start again).
    pub fn step(&self, now: u64) -> Result<PollStep> {
        if now >= self.expires_at || self.next_at >= self.expires_at {
            return Err(Error::AuthorizationError {
                error: "expired_token".into(),
                error_description: Some(
                    "the device code expires before the user approved it: request a new one (RFC 8628 §3.5)"
                        .into(),
                ),
                error_uri: None,
            });
        }
        Ok(match self.next_at.checked_sub(now) {
            Some(wait) if wait > 0 => PollStep::Wait(wait),
            _ => PollStep::Poll,
        })
    }

    /// The device access token request (§3.4), with client authentication (a `private_key_jwt` assertion must be
    /// fresh for each poll: providers refuse a reused `jti`).
    ///
    /// Errors: as [`TokenRequest::build`] (`invalid_request` for bad client authentication).
    pub fn request(&self, client_auth: ClientAuth) -> Result<HttpRequest> {
        let grant = Grant::DeviceCode {
            device_code: self.device_code.clone(),
        };
        TokenRequest::new(self.token_endpoint.clone(), client_auth, grant).build()
    }

    /// Reads the token endpoint's answer to a poll received at `now`: `Some(tokens)` when the user approved,
    /// `None` to keep polling (`authorization_pending`; `slow_down`, which adds [`SLOW_DOWN_STEP`] seconds to the
    /// interval for good).
    ///
    /// Errors: `authorization_error` for every other OAuth error, notably `access_denied` (the user refused) and
    /// `expired_token` (§3.5); what [`parse_token_response`] refuses.
    pub fn on_response(
        &mut self,
        response: &HttpResponse,
        now: u64,
    ) -> Result<Option<TokenResponse>> {
        self.failures = 0;
        match parse_token_response(response, now) {
            Ok(tokens) => Ok(Some(tokens)),
            Err(Error::AuthorizationError { error, .. }) if error == "authorization_pending" => {
                self.next_at = now.saturating_add(self.interval);
                Ok(None)
            }
            Err(Error::AuthorizationError { error, .. }) if error == "slow_down" => {
                self.interval = self.interval.saturating_add(SLOW_DOWN_STEP);
                self.next_at = now.saturating_add(self.interval);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// A poll that got no answer at `now` (a network failure or a timeout, `error`): the interval doubles
    /// (§3.5) and polling goes on, up to [`MAX_FAILED_POLLS`] failures in a row.
    ///
    /// Errors: `error` itself after [`MAX_FAILED_POLLS`] failures in a row.
    pub fn on_failure(&mut self, error: Error, now: u64) -> Result<()> {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= MAX_FAILED_POLLS {
            return Err(error);
        }
        self.interval = self.interval.saturating_mul(2);
        self.next_at = now.saturating_add(self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;
    const ANSWER: &str = r#"{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT",
        "verification_uri":"https://example.com/device",
        "verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT",
        "expires_in":1800,"interval":5}"#;

    fn public() -> ClientAuth {
        ClientAuth::None {
            client_id: "tv".into(),
        }
    }

    fn authorization() -> DeviceAuthorization {
        parse_device_authorization_response(&HttpResponse::new(200, ANSWER), NOW).unwrap()
    }

    #[test]
    fn builds_the_request() {
        let mut r = DeviceAuthorizationRequest {
            endpoint: "https://idp.example.com/device_authorization".into(),
            client_auth: public(),
            scope: Some(OneOrMany::Many(vec![
                "openid".into(),
                "offline_access".into(),
            ])),
            resource: None,
            extra_params: BTreeMap::new(),
        };
        let req = r.build().unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.body.as_deref(),
            Some("scope=openid+offline_access&client_id=tv")
        );
        r.client_auth = ClientAuth::SecretBasic {
            client_id: "tv".into(),
            client_secret: "s".into(),
        };
        let req = r.build().unwrap();
        assert!(req.header("authorization").unwrap().starts_with("Basic "));
        assert_eq!(req.body.as_deref(), Some("scope=openid+offline_access"));
        for mutate in [
            |r: &mut DeviceAuthorizationRequest| r.endpoint = "http://idp.example.com/d".into(),
            |r: &mut DeviceAuthorizationRequest| r.scope = Some("a\"b".into()),
            |r: &mut DeviceAuthorizationRequest| r.resource = Some("not a uri".into()),
            |r: &mut DeviceAuthorizationRequest| {
                r.extra_params.insert("scope".into(), "x".into());
            },
        ] {
            let mut bad = r.clone();
            mutate(&mut bad);
            assert_eq!(bad.build().unwrap_err().code(), "invalid_request");
        }
    }

    #[test]
    fn parses_the_answer() {
        let a = authorization();
        assert_eq!(a.user_code, "WDJB-MJHT");
        assert_eq!(a.expires_at, NOW + 1800);
        assert_eq!(a.interval, 5);
        let no_interval = parse_device_authorization_response(
            &HttpResponse::new(
                200,
                r#"{"device_code":"d","user_code":"u","verification_uri":"http://127.0.0.1:3000/device","expires_in":60}"#,
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(no_interval.interval, DEFAULT_INTERVAL);
        assert_eq!(no_interval.verification_uri_complete, None);
        let base = r#""device_code":"d","user_code":"u","verification_uri":"https://e.example/d","expires_in":60"#;
        for body in [
            "[]".to_owned(),
            r#"{"user_code":"u","verification_uri":"https://e.example/d","expires_in":60}"#.to_owned(),
            r#"{"device_code":"","user_code":"u","verification_uri":"https://e.example/d","expires_in":60}"#.to_owned(),
            r#"{"device_code":"d","user_code":"u\n","verification_uri":"https://e.example/d","expires_in":60}"#.to_owned(),
            r#"{"device_code":"d","user_code":"u","verification_uri":"http://e.example/d","expires_in":60}"#.to_owned(),
            r#"{"device_code":"d","user_code":"u","verification_uri":"javascript:alert(1)","expires_in":60}"#.to_owned(),
            r#"{"device_code":"d","user_code":"u","expires_in":60}"#.to_owned(),
            r#"{"device_code":"d","user_code":"u","verification_uri":"https://e.example/d"}"#.to_owned(),
            format!("{{{base},\"interval\":0}}"),
            format!("{{{base},\"interval\":\"5\"}}"),
            format!("{{{base},\"interval\":1.5}}"),
            format!("{{{base},\"verification_uri_complete\":1}}"),
            format!("{{{base},\"device_code\":\"again\"}}"),
            r#"{"device_code":"d","user_code":"u","verification_uri":"https://e.example/d","expires_in":-1}"#.to_owned(),
        ] {
            let e = parse_device_authorization_response(&HttpResponse::new(200, body.as_str()), NOW)
                .unwrap_err();
            assert_eq!(e.code(), "http_error", "{body}");
        }
        let e = parse_device_authorization_response(
            &HttpResponse::new(401, r#"{"error":"invalid_client"}"#),
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code(), "authorization_error");
        let e =
            parse_device_authorization_response(&HttpResponse::new(302, ANSWER), NOW).unwrap_err();
        assert_eq!(e.code(), "http_error");
    }

    fn answer(error: &str) -> HttpResponse {
        HttpResponse::new(400, format!(r#"{{"error":"{error}"}}"#))
    }

    #[test]
    fn polls_at_the_interval_and_slows_down() {
        let mut poll =
            DevicePoll::new("https://idp.example.com/token", &authorization(), NOW).unwrap();
        assert_eq!(poll.step(NOW).unwrap(), PollStep::Wait(5));
        assert_eq!(poll.step(NOW + 4).unwrap(), PollStep::Wait(1));
        assert_eq!(poll.step(NOW + 5).unwrap(), PollStep::Poll);
        let req = poll.request(public()).unwrap();
        assert_eq!(
            req.body.as_deref(),
            Some(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code\
                 &device_code=GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS&client_id=tv"
            )
        );
        assert_eq!(
            poll.on_response(&answer("authorization_pending"), NOW + 6)
                .unwrap(),
            None
        );
        assert_eq!(poll.step(NOW + 6).unwrap(), PollStep::Wait(5));
        assert_eq!(
            poll.on_response(&answer("slow_down"), NOW + 11).unwrap(),
            None
        );
        assert_eq!(poll.interval(), 10);
        assert_eq!(poll.step(NOW + 11).unwrap(), PollStep::Wait(10));
        // the slower interval stays
        assert_eq!(
            poll.on_response(&answer("authorization_pending"), NOW + 21)
                .unwrap(),
            None
        );
        assert_eq!(poll.step(NOW + 21).unwrap(), PollStep::Wait(10));
        let tokens = poll
            .on_response(
                &HttpResponse::new(200, r#"{"access_token":"at","token_type":"Bearer"}"#),
                NOW + 31,
            )
            .unwrap()
            .unwrap();
        assert_eq!(tokens.access_token, "at");
    }

    #[test]
    fn ends_on_denial_expiry_and_repeated_failures() {
        let mut poll =
            DevicePoll::new("https://idp.example.com/token", &authorization(), NOW).unwrap();
        for error in ["access_denied", "expired_token", "invalid_grant"] {
            match poll.on_response(&answer(error), NOW + 5).unwrap_err() {
                Error::AuthorizationError { error: e, .. } => assert_eq!(e, error),
                other => panic!("{other}"),
            }
        }
        // a pending answer reached through a redirect is not read
        let redirect = HttpResponse::new(302, r#"{"error":"authorization_pending"}"#);
        assert_eq!(
            poll.on_response(&redirect, NOW + 5).unwrap_err().code(),
            "http_error"
        );
        // past expires_at, or when the next poll would be
        let expired = |r: Result<PollStep>| match r.unwrap_err() {
            Error::AuthorizationError { error, .. } => assert_eq!(error, "expired_token"),
            other => panic!("{other}"),
        };
        expired(poll.step(NOW + 1800));
        poll.on_response(&answer("authorization_pending"), NOW + 1796)
            .unwrap();
        expired(poll.step(NOW + 1797));
        // failures double the interval, and the third in a row ends it
        let mut poll =
            DevicePoll::new("https://idp.example.com/token", &authorization(), NOW).unwrap();
        let timeout = || Error::HttpError {
            message: "timed out".into(),
            status: None,
        };
        poll.on_failure(timeout(), NOW + 5).unwrap();
        assert_eq!(poll.step(NOW + 5).unwrap(), PollStep::Wait(10));
        poll.on_failure(timeout(), NOW + 15).unwrap();
        assert_eq!(poll.interval(), 20);
        assert_eq!(poll.on_failure(timeout(), NOW + 35).unwrap_err(), timeout());
        // an answer in between starts the count again
        let mut poll =
            DevicePoll::new("https://idp.example.com/token", &authorization(), NOW).unwrap();
        poll.on_failure(timeout(), NOW + 5).unwrap();
        poll.on_failure(timeout(), NOW + 15).unwrap();
        poll.on_response(&answer("authorization_pending"), NOW + 35)
            .unwrap();
        poll.on_failure(timeout(), NOW + 55).unwrap();
        // a bad token endpoint or device code is refused up front
        let e = DevicePoll::new("http://idp.example.com/token", &authorization(), NOW).unwrap_err();
        assert_eq!(e.code(), "invalid_request");
    }
}
