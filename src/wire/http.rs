//! The two values the sans-IO core exchanges with whoever does the I/O: an [`HttpRequest`] to send and the
//! [`HttpResponse`] that came back. The core never sends anything; the JS binding sends requests with `fetch`,
//! and users in any runtime can send them themselves.
//!
//! This module also holds the response rules every endpoint shares: what a success is, that a redirect is
//! never one (see [`HttpResponse::is_redirect`]), how an OAuth error body (RFC 6749 §5.2) becomes
//! [`Error::AuthorizationError`], and how anything else becomes [`Error::HttpError`] carrying the status; and
//! the bound on how long whoever sends a request waits for its answer ([`fetch_timeout`]).

use crate::error::{Error, Result, quote};
use crate::jose::json;
use serde::Serialize;
use serde_json::{Map, Value};

/// `application/x-www-form-urlencoded` (RFC 6749 Appendix B), the body type of every OAuth POST.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// How long a whole exchange (connection, headers, body) may take by default, in seconds.
pub const DEFAULT_TIMEOUT: u64 = 5;

/// The largest `timeout` accepted, in seconds.
pub const MAX_TIMEOUT: u64 = 300;

/// The `timeout` option: seconds in `1..=MAX_TIMEOUT`, [`DEFAULT_TIMEOUT`] when absent. There is no "no
/// timeout": a stalled provider must not hold the requests waiting on it.
///
/// Errors: `invalid_request` outside the range (a value in milliseconds, 5000, is refused, not read as seconds).
pub fn fetch_timeout(timeout: Option<u64>) -> Result<u64> {
    match timeout {
        None => Ok(DEFAULT_TIMEOUT),
        Some(t) if (1..=MAX_TIMEOUT).contains(&t) => Ok(t),
        Some(t) => Err(Error::InvalidRequest(format!(
            "timeout must be an integer number of seconds in 1..={MAX_TIMEOUT}, found {t}"
        ))),
    }
}

/// A request for the caller to send. `headers` names are lower-case; `body` is already encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRequest {
    /// The absolute URL.
    pub url: String,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Header names (lower-case) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The encoded body (a form for POSTs), `None` for GETs.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A GET of `url` with `accept`.
    pub fn get(url: impl Into<String>, accept: &str) -> Self {
        HttpRequest {
            url: url.into(),
            method: "GET",
            headers: vec![("accept".into(), accept.into())],
            body: None,
        }
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// What came back: status, headers (any case) and the body as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code (0 for the opaque redirect a browser's `fetch` gives with `redirect: "manual"`).
    pub status: u16,
    /// Header names and values as received (names compared case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The body, decoded as UTF-8.
    pub body: String,
    /// Whether the client that sent the request followed a redirect to get this (`Response.redirected`).
    pub redirected: bool,
}

impl HttpResponse {
    /// A response with a status, a body and no headers (tests, callers that dropped them).
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
            redirected: false,
        }
    }

    /// Adds a header (builder style).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// 200..=299, and not reached through a redirect.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status) && !self.redirected
    }

    /// A redirect, which is never followed and never read: a 3xx, an opaque redirect (status 0), or an answer
    /// the client got by following one. Only the configured URL is ever fetched: a `jwks_uri` that redirects
    /// elsewhere must not make that other server's keys trusted, and a POST must not resend credentials.
    pub fn is_redirect(&self) -> bool {
        self.redirected || self.status == 0 || (300..400).contains(&self.status)
    }

    /// The media type of `content-type`, lower-cased, without parameters (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// RFC 9110 §5.6.2 tchar: the characters of a method or a header name.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// An [`Error::HttpError`] for a response.
pub fn http_error(status: u16, message: String) -> Error {
    Error::HttpError {
        message,
        status: Some(status),
    }
}

/// The OAuth error in a parsed body (RFC 6749 §5.2), if the body is one: an object whose `error` is a
/// string. `error_description` and `error_uri` are kept when they are strings.
pub fn oauth_error(body: &Map<String, Value>) -> Option<Error> {
    let Some(Value::String(error)) = body.get("error") else {
        return None;
    };
    let text = |name: &str| match body.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Some(Error::AuthorizationError {
        error: error.clone(),
        error_description: text("error_description"),
        error_uri: text("error_uri"),
    })
}

/// The `http_error` for a response that is not a success, with its status: for a redirect (see
/// [`HttpResponse::is_redirect`]) one saying that redirects are refused.
pub fn status_error(what: &str, response: &HttpResponse) -> Error {
    let status = response.status;
    let message = if response.redirected {
        format!(
            "{what} was reached through a redirect (HTTP {status} at its end): redirects are refused"
        )
    } else if status == 0 {
        format!("{what} answered an opaque redirect (status 0): redirects are refused")
    } else if response.is_redirect() {
        format!("{what} answered HTTP {status}, a redirect: redirects are refused")
    } else {
        format!("{what} answered HTTP {status}")
    };
    http_error(status, message)
}

/// The error for a response that is not a success: a redirect's `http_error` whatever its body says; else its
/// OAuth error when the body is one (any status); otherwise `http_error` with the status.
pub fn error_for_failure(what: &str, response: &HttpResponse) -> Error {
    if !response.is_redirect() {
        if let Some(e) = json::parse_object(&response.body)
            .ok()
            .and_then(|map| oauth_error(&map))
        {
            return e;
        }
    }
    status_error(what, response)
}

/// The JSON object of a success response, for endpoints that answer JSON (token, introspection,
/// discovery, JWKS).
///
/// Errors: `http_error` for a redirect (see [`HttpResponse::is_redirect`]); the OAuth error of the body as
/// `authorization_error` (also when it comes with a 2xx status, as some providers do); `http_error` with the
/// status for a non-2xx status without an OAuth error body, a body that is not a JSON object (duplicate members
/// included), or not UTF-8 JSON at all.
pub fn json_object(what: &str, response: &HttpResponse) -> Result<Map<String, Value>> {
    if !response.is_success() {
        return Err(error_for_failure(what, response));
    }
    let map = json::parse_object(&response.body).map_err(|e| {
        http_error(
            response.status,
            format!(
                "{what} answered HTTP {} with a body that is not a JSON object ({e})",
                response.status
            ),
        )
    })?;
    if let Some(e) = oauth_error(&map) {
        return Err(e);
    }
    Ok(map)
}

/// The parameters of a form body, each name at most once (RFC 6749 §3.1, §3.2) unless declared repeatable.
#[derive(Debug, Default)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Form::default()
    }

    /// Adds a parameter. Errors: `invalid_request` when the name is already there.
    pub fn add(&mut self, name: &str, value: &str) -> Result<()> {
        if self.has(name) {
            return Err(Error::InvalidRequest(format!(
                "parameter {name} would be sent twice",
                name = quote(name)
            )));
        }
        self.pairs.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// Adds a parameter that may repeat (`resource`, `audience`).
    pub fn add_repeatable(&mut self, name: &str, value: &str) {
        self.pairs.push((name.to_owned(), value.to_owned()));
    }

    /// Adds caller-given extra parameters, which must be parameter names and must not repeat one already set.
    pub fn add_extra<'a>(
        &mut self,
        extra: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> Result<()> {
        for (name, value) in extra {
            crate::wire::params::check_scope_token("extraParams name", name)?;
            self.add(name, value)?;
        }
        Ok(())
    }

    /// Whether a parameter of that name is there.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }

    /// Adds the pairs client authentication put in the body.
    pub fn extend(&mut self, pairs: Vec<(String, String)>) -> Result<()> {
        for (k, v) in pairs {
            self.add(&k, &v)?;
        }
        Ok(())
    }

    /// The `application/x-www-form-urlencoded` body.
    pub fn encode(&self) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            ser.append_pair(k, v);
        }
        ser.finish()
    }
}

/// A form POST to `url` with client authentication applied and `accept: application/json`.
pub fn form_post(
    url: &str,
    auth: &crate::client::ClientAuth,
    mut form: Form,
) -> Result<HttpRequest> {
    let mut headers = vec![
        ("content-type".to_owned(), FORM_CONTENT_TYPE.to_owned()),
        ("accept".to_owned(), "application/json".to_owned()),
    ];
    let mut auth_params = Vec::new();
    auth.apply(&mut headers, &mut auth_params)?;
    form.extend(auth_params)?;
    Ok(HttpRequest {
        url: url.to_owned(),
        method: "POST",
        headers,
        body: Some(form.encode()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_json_and_errors() {
        let ok = HttpResponse::new(200, r#"{"a":1}"#);
        assert_eq!(json_object("x", &ok).unwrap()["a"], 1);

        let err = HttpResponse::new(
            400,
            r#"{"error":"invalid_grant","error_description":"bad code","error_uri":"https://e/x"}"#,
        );
        assert_eq!(
            json_object("x", &err).unwrap_err(),
            Error::AuthorizationError {
                error: "invalid_grant".into(),
                error_description: Some("bad code".into()),
                error_uri: Some("https://e/x".into()),
            }
        );
        // an OAuth error with a 200 status is still an error
        let e = json_object("x", &HttpResponse::new(200, r#"{"error":"slow_down"}"#)).unwrap_err();
        assert_eq!(e.code(), "authorization_error");
        // mistyped description is dropped, not fatal
        let e = json_object(
            "x",
            &HttpResponse::new(401, r#"{"error":"invalid_client","error_description":5}"#),
        )
        .unwrap_err();
        assert_eq!(
            e,
            Error::AuthorizationError {
                error: "invalid_client".into(),
                error_description: None,
                error_uri: None
            }
        );
        for (status, body) in [
            (500, "<html>oops</html>"),
            (502, ""),
            (400, r#"{"error":42}"#),
            (200, "not json"),
            (200, "[1]"),
            (200, r#"{"a":1,"a":2}"#),
        ] {
            let e = json_object("the endpoint", &HttpResponse::new(status, body)).unwrap_err();
            assert_eq!(
                e,
                Error::HttpError {
                    message: e.message(),
                    status: Some(status)
                },
                "{status} {body}"
            );
        }
    }

    #[test]
    fn timeout_is_whole_seconds_in_range() {
        assert_eq!(fetch_timeout(None), Ok(DEFAULT_TIMEOUT));
        assert_eq!(fetch_timeout(Some(1)), Ok(1));
        assert_eq!(fetch_timeout(Some(MAX_TIMEOUT)), Ok(MAX_TIMEOUT));
        for bad in [0, MAX_TIMEOUT + 1, 5000, u64::MAX] {
            assert_eq!(
                fetch_timeout(Some(bad)).unwrap_err().code(),
                "invalid_request",
                "{bad}"
            );
        }
    }

    #[test]
    fn headers_are_case_insensitive() {
        let r = HttpResponse::new(200, "")
            .with_header("Content-Type", "Application/JSON; charset=utf-8");
        assert_eq!(r.media_type().as_deref(), Some("application/json"));
        assert_eq!(r.header("CONTENT-TYPE"), r.header("content-type"));
    }
}
