//! What the edge sends the origin besides the request itself: the identity headers it sets for a verified
//! token, and the incoming headers it removes first so that no client can forge them.
//!
//! A header is removed when its name, folded the way origins fold header names (ASCII case, and `_` as `-`:
//! CGI, WSGI and PHP read both `X_Auth_Subject` and `X-Auth-Subject` as `HTTP_X_AUTH_SUBJECT`), is
//! - an identity header or any other `x-auth-…` name (the identity headers' prefix, so a claim header added
//!   later is covered too), on every route, public ones included;
//! - `authorization`, unless `keepAuthorization`;
//! - one of [`REWRITE_HEADERS`], which make IIS, Symfony and Zend read another URL (`X-Original-URL`,
//!   `X-Rewrite-URL`) or frameworks another method (`X-HTTP-Method-Override`, `X-HTTP-Method`,
//!   `X-Method-Override`) than the one the route table checked, unless named in `keepHeaders`;
//! - named in `stripHeaders`;
//! - a configured claim header (`claimHeaders`, `forwardPayload`), whatever its name.
//!
//! Claim headers carry claims of the verified token (a dotted path reaches into objects): strings as
//! [`SUBJECT_HEADER`] does, numbers and booleans as JSON, arrays of those comma-separated (an item with a comma,
//! or outside printable ASCII, percent-encoded), anything else as its JSON text; a header whose value would pass
//! the size cap is left out, never cut. `forwardPayload` sends the payload as signed, base64url.

use crate::error::{Error, Result, quote};
use crate::jose::{VerifiedToken, base64url};
use crate::wire::is_tchar;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

/// The verified `sub`.
pub const SUBJECT_HEADER: &str = "X-Auth-Subject";
/// The verified scopes, space-separated.
pub const SCOPES_HEADER: &str = "X-Auth-Scopes";
/// Every name under this prefix (folded) is removed from incoming requests.
const IDENTITY_PREFIX: &str = "x-auth-";
/// Headers that change the URL or method an origin routes on (folded names); removed unless kept.
pub const REWRITE_HEADERS: [&str; 5] = [
    "x-original-url",
    "x-rewrite-url",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// What `encodeURIComponent` leaves as is: a subject that is not printable ASCII reads back with any URI
/// decoder.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// A header name as origins compare it: ASCII lower case, `_` read as `-`.
pub fn fold_header_name(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// A header value: printable ASCII as is, anything else percent-encoded (as `encodeURIComponent`).
fn header_value(s: &str) -> String {
    if s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        s.to_owned()
    } else {
        utf8_percent_encode(s, COMPONENT).to_string()
    }
}

/// The default and the largest size cap of one claim header's value, bytes.
pub const DEFAULT_CLAIM_HEADER_BYTES: u64 = 8192;
/// See [`DEFAULT_CLAIM_HEADER_BYTES`].
pub const MAX_CLAIM_HEADER_BYTES: u64 = 65536;

/// Names a claim header may not take: the request's framing, credentials and routing are the client's.
const RESERVED_HEADERS: [&str; 12] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
    "keep-alive",
];

/// Which incoming headers to remove (folded names), and the identity headers to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardPolicy {
    strip: Vec<String>,
    /// Claim headers: the name as configured, and the claim's path.
    claims: Vec<(String, String)>,
    /// The header carrying the verified payload.
    payload: Option<String>,
    /// The size cap of one claim header's value.
    max_bytes: usize,
}

impl ForwardPolicy {
    /// The policy: `strip_headers` are removed too; `keep_headers` are [`REWRITE_HEADERS`] to forward after
    /// all; `keep_authorization` forwards `Authorization`.
    ///
    /// Errors: `invalid_request` for a name that is not an RFC 9110 token, or a kept name that is not one of
    /// [`REWRITE_HEADERS`] (identity headers are always removed).
    pub fn new(
        strip_headers: &[String],
        keep_headers: &[String],
        keep_authorization: bool,
    ) -> Result<Self> {
        for name in strip_headers.iter().chain(keep_headers) {
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(Error::InvalidRequest(format!(
                    "stripHeaders / keepHeaders: {} is not a header name",
                    quote(name)
                )));
            }
        }
        let keep: Vec<String> = keep_headers.iter().map(|n| fold_header_name(n)).collect();
        if let Some(bad) = keep.iter().find(|k| !REWRITE_HEADERS.contains(&k.as_str())) {
            return Err(Error::InvalidRequest(format!(
                "keepHeaders: {} is not one of {}",
                quote(bad),
                REWRITE_HEADERS.join(", ")
            )));
        }
        let mut strip: Vec<String> = REWRITE_HEADERS
            .iter()
            .filter(|h| !keep.iter().any(|k| k == *h))
            .map(|h| (*h).to_owned())
            .chain(strip_headers.iter().map(|n| fold_header_name(n)))
            .collect();
        if !keep_authorization {
            strip.push("authorization".into());
        }
        Ok(ForwardPolicy {
            strip,
            claims: Vec::new(),
            payload: None,
            max_bytes: 0,
        })
    }

    /// The policy with claim headers: each `(header, claim path)` of `claim_headers`, the verified payload as
    /// `payload_header`, each value at most `max_bytes` (default [`DEFAULT_CLAIM_HEADER_BYTES`]). Every one of
    /// these names is removed from incoming requests too.
    ///
    /// Errors: `invalid_request` for a name that is not an RFC 9110 token, an identity, rewriting or reserved
    /// header (`Authorization`, `Host`, `Cookie`, framing), a name given twice, an empty path or path segment,
    /// a `max_bytes` outside 1..=[`MAX_CLAIM_HEADER_BYTES`].
    pub fn with_claims(
        mut self,
        claim_headers: &[(String, String)],
        payload_header: Option<&str>,
        max_bytes: Option<u64>,
    ) -> Result<Self> {
        let max = max_bytes.unwrap_or(DEFAULT_CLAIM_HEADER_BYTES);
        if !(1..=MAX_CLAIM_HEADER_BYTES).contains(&max) {
            return Err(Error::InvalidRequest(format!(
                "claimHeaderMaxBytes must be an integer in 1..={MAX_CLAIM_HEADER_BYTES}, found {max}"
            )));
        }
        self.max_bytes = usize::try_from(max).unwrap_or(usize::MAX);
        let names = claim_headers
            .iter()
            .map(|(name, path)| ("claimHeaders", name.as_str(), Some(path.as_str())))
            .chain(payload_header.map(|name| ("forwardPayload", name, None)));
        let mut seen: Vec<String> = Vec::new();
        for (field, name, path) in names {
            let folded = fold_header_name(name);
            let refused = if name.is_empty() || !name.bytes().all(is_tchar) {
                Some("is not a header name")
            } else if [SUBJECT_HEADER, SCOPES_HEADER]
                .iter()
                .any(|h| fold_header_name(h) == folded)
            {
                Some("is an identity header the edge sets itself")
            } else if REWRITE_HEADERS.contains(&folded.as_str())
                || RESERVED_HEADERS.contains(&folded.as_str())
            {
                Some("is reserved (credentials, framing or routing)")
            } else if seen.contains(&folded) {
                Some("is given twice")
            } else if path.is_some_and(|p| p.is_empty() || p.split('.').any(str::is_empty)) {
                Some("needs a claim path without empty segments")
            } else {
                None
            };
            if let Some(why) = refused {
                return Err(Error::InvalidRequest(format!(
                    "{field}: {} {why}",
                    quote(name)
                )));
            }
            if !folded.starts_with(IDENTITY_PREFIX) {
                self.strip.push(folded.clone());
            }
            seen.push(folded);
        }
        self.claims = claim_headers.to_vec();
        self.payload = payload_header.map(str::to_owned);
        Ok(self)
    }

    /// Whether an incoming header called `name` is removed before forwarding.
    pub fn strips(&self, name: &str) -> bool {
        let folded = fold_header_name(name);
        folded.starts_with(IDENTITY_PREFIX) || self.strip.contains(&folded)
    }

    /// Appends the claim headers of `verified` to `headers`: those of its claims that are there (not `null`),
    /// and its payload, each within the size cap.
    pub fn add_claim_headers(&self, verified: &VerifiedToken, headers: &mut Vec<(String, String)>) {
        let fits = |v: &String| v.len() <= self.max_bytes;
        for (name, path) in &self.claims {
            if let Some(value) = claim_at(verified.claims(), path)
                .and_then(claim_value)
                .filter(fits)
            {
                headers.push((name.clone(), value));
            }
        }
        if let Some(name) = &self.payload {
            let value = base64url::encode(verified.claims_json().unwrap_or("{}"));
            if fits(&value) {
                headers.push((name.clone(), value));
            }
        }
    }

    /// The identity headers for a verified token: its `sub` (empty when it is not a string) and its scopes.
    pub fn identity(claims: &Map<String, Value>, scopes: &[String]) -> Vec<(String, String)> {
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
        let scopes: Vec<String> = scopes.iter().map(|s| header_value(s)).collect();
        vec![
            (SUBJECT_HEADER.into(), header_value(sub)),
            (SCOPES_HEADER.into(), scopes.join(" ")),
        ]
    }
}

/// The claim at `path`: a top-level member of that name (namespaced claims hold dots), else the dotted path.
fn claim_at<'a>(claims: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(path) {
        return Some(v);
    }
    let mut parts = path.split('.');
    let mut v = claims.get(parts.next()?)?;
    for part in parts {
        v = v.as_object()?.get(part)?;
    }
    Some(v)
}

/// A claim as a header value (see the module's rules); `None` for `null`.
fn claim_value(v: &Value) -> Option<String> {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    match v {
        Value::Null => None,
        Value::String(s) => Some(header_value(s)),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        Value::Array(items) if items.iter().all(scalar) => Some(
            items
                .iter()
                .map(|item| match item {
                    Value::String(s)
                        if s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b',') =>
                    {
                        s.clone()
                    }
                    Value::String(s) => utf8_percent_encode(s, COMPONENT).to_string(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(header_value(&other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn every_spelling_of_a_forwarded_or_rewriting_header_is_stripped() {
        let p = ForwardPolicy::new(&[], &[], false).unwrap();
        for name in [
            "X-Auth-Subject",
            "x-auth-subject",
            "X_Auth_Subject",
            "x_auth_scopes",
            "X-AUTH_SCOPES",
            "x-auth-role",
            "X_AUTH_ANYTHING",
            "Authorization",
            "X-Original-URL",
            "x_original_url",
            "X-Rewrite-URL",
            "X-HTTP-Method-Override",
            "x_http_method_override",
            "X-HTTP-Method",
            "X-Method-Override",
        ] {
            assert!(p.strips(name), "{name}");
        }
        for name in [
            "x-auth",
            "x-authorization",
            "content-type",
            "x-keep",
            "x-forwarded-for",
            "xauth-subject",
        ] {
            assert!(!p.strips(name), "{name}");
        }
    }

    #[test]
    fn more_names_to_strip_and_rewrite_headers_to_keep() {
        let p = ForwardPolicy::new(
            &names(&["X-Tenant", "x_user_id"]),
            &names(&["X_HTTP_Method_Override"]),
            true,
        )
        .unwrap();
        for name in [
            "x-tenant",
            "X_TENANT",
            "X-User-Id",
            "X-Original-URL",
            "X-Auth-Subject",
        ] {
            assert!(p.strips(name), "{name}");
        }
        for name in ["X-HTTP-Method-Override", "authorization"] {
            assert!(!p.strips(name), "{name}");
        }
        for (strip, keep) in [
            (names(&[""]), vec![]),
            (names(&["x auth"]), vec![]),
            (names(&["x-a\u{e9}"]), vec![]),
            (vec![], names(&["X-Auth-Subject"])),
            (vec![], names(&["authorization"])),
            (vec![], names(&["x-tenant"])),
        ] {
            assert_eq!(
                ForwardPolicy::new(&strip, &keep, false).unwrap_err().code(),
                "invalid_request",
                "{strip:?} {keep:?}"
            );
        }
    }

    #[test]
    fn identity_headers() {
        let object = |v: Value| serde_json::from_value::<Map<String, Value>>(v).unwrap();
        let claims = object(json!({"sub": "alice", "scope": "a b"}));
        assert_eq!(
            ForwardPolicy::identity(&claims, &names(&["a", "b"])),
            [
                ("X-Auth-Subject".to_owned(), "alice".to_owned()),
                ("X-Auth-Scopes".to_owned(), "a b".to_owned())
            ]
        );
        let odd = object(json!({"sub": "J\u{f6}rg\r\nX: y"}));
        assert_eq!(
            ForwardPolicy::identity(&odd, &names(&["\u{e9}"])),
            [
                (
                    "X-Auth-Subject".to_owned(),
                    "J%C3%B6rg%0D%0AX%3A%20y".to_owned()
                ),
                ("X-Auth-Scopes".to_owned(), "%C3%A9".to_owned())
            ]
        );
        let not_a_string = object(json!({"sub": ["alice", "admin"]}));
        assert_eq!(ForwardPolicy::identity(&not_a_string, &[])[0].1, "");
    }
}
