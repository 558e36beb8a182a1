//! The edge verifier's route table: method + path pattern → who may call it. First match wins; a request
//! that matches no route is refused (deny by default).
//!
//! Patterns are absolute paths whose segments are literals (compared exactly, case-sensitively), `:name`
//! (one non-empty segment) or a final `*` (the rest of the path, possibly nothing).
//!
//! Request paths are matched the way origins read them. An edge in front of an unknown origin cannot know
//! whether that origin percent-decodes, folds case, strips `;params` or trims dots, so a path is only
//! matched when every such reading reaches the same route; otherwise it is refused (`invalid_request`, a
//! `400` at the edge), never matched to another, less-scoped route:
//! - refused whatever the table: a path that is not RFC 3986 `path-absolute` (raw spaces, controls, non-ASCII,
//!   `\`, `?`, `#`), `;` (matrix parameters, which Tomcat, Jetty and Spring strip), `//`, `.`/`..` segments,
//!   a segment ending with `.` or starting or ending with a space (Windows and IIS trim them), a `%` not
//!   followed by two hex digits (`%u0061`), and the percent-encoding of an unreserved character (RFC 3986
//!   §2.3: `%61`, `%7E`; clients never need it, origins disagree on decoding it — refused rather than decoded,
//!   because decoding would be as wrong for an origin that does not decode as not decoding is for one that
//!   does), of `.`, `/`, `\`, `%` (double encoding, `%2561`), `;`, `?`, `#` or a control (`%00`, `%0A`), and
//!   encoded bytes that are not UTF-8 (the overlong `%C0%AE`);
//! - refused where it matters: a path that an earlier route than the one it matches exactly would take once
//!   read as an origin may read it — percent-decoded, ASCII case-insensitively, `+` as a space, `HEAD` as `GET`,
//!   and a segment with non-ASCII characters as any literal (ASP.NET folds `ı` to `i`, Java the Kelvin sign to
//!   `k`, NFKC fullwidth `ａ` to `a`): `/api/ADMIN/users` or `/api/%40me` when `/api/admin/*` or `/api/@me`
//!   comes before `/api/*`. A path no route matches exactly is `Ok(None)` (404) under any reading.
//! - Hex digits are read in either case (RFC 3986 §2.1); the remaining encodings (`%20`, `%40`, `%2B`,
//!   UTF-8) are data, matched by `:name` and `*`.

use crate::error::{Error, Result, quote};
use crate::scope::Requirement;
use crate::wire::{OneOrMany, is_tchar};
use serde::Deserialize;
use serde_json::{Map, Value};

/// One route as configured (JSON, camelCase; the JS binding reads it member by member).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteSpec {
    /// `"GET"`, `"GET,HEAD"`, `["GET", "HEAD"]` or `"*"`.
    pub method: OneOrMany,
    /// The path pattern (see the module's rules).
    pub path: String,
    /// A scope expression (`ScopeRequirement` grammar); absent: any valid token.
    #[serde(default)]
    pub scopes: Option<String>,
    /// No token needed at all.
    #[serde(default)]
    pub public: bool,
    /// The issuers whose tokens the route accepts (each a configured issuer); absent: any configured one.
    #[serde(default)]
    pub issuers: Option<Vec<String>>,
    /// RFC 9470: the token's `acr` must be one of these.
    #[serde(default)]
    pub acr_values: Option<Vec<String>>,
    /// RFC 9470: at most this many seconds since the token's `auth_time`.
    #[serde(default)]
    pub max_age: Option<u64>,
}

/// A route's authentication requirement (RFC 9470 step-up): the `acr` values it accepts (empty: any), and
/// how recent `auth_time` must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    /// The accepted `acr` values; empty: any.
    pub acr_values: Vec<String>,
    /// The most seconds since `auth_time`.
    pub max_age: Option<u64>,
}

impl StepUp {
    /// Whether `claims` meet it at `now`.
    ///
    /// Errors: `insufficient_user_authentication` (with the requirement, for the challenge) for an `acr` that
    /// is missing or not accepted, or an `auth_time` that is missing, not a number, or older than `max_age`.
    pub fn check(&self, claims: &Map<String, Value>, now: u64) -> Result<()> {
        let fail = |why: String| Error::InsufficientUserAuthentication {
            message: why,
            acr_values: self.acr_values.clone(),
            max_age: self.max_age,
        };
        if !self.acr_values.is_empty() {
            let acr = claims.get("acr").and_then(Value::as_str);
            if !acr.is_some_and(|a| self.acr_values.iter().any(|v| v == a)) {
                return Err(fail(format!(
                    "the token's acr ({}) is not one of {} (RFC 9470)",
                    acr.map_or_else(|| "none".to_owned(), quote),
                    self.acr_values.join(" ")
                )));
            }
        }
        if let Some(max_age) = self.max_age {
            let auth_time = claims.get("auth_time").and_then(Value::as_f64);
            let fresh =
                auth_time.is_some_and(|t| t.is_finite() && now as f64 - t <= max_age as f64);
            if !fresh {
                return Err(fail(format!(
                    "the authentication (auth_time) is more than {max_age} s old, or unknown (RFC 9470)"
                )));
            }
        }
        Ok(())
    }
}

/// Who may call a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Anyone; no token is read.
    Public,
    /// A valid token, which must also satisfy the requirement when there is one.
    Token(Option<Requirement>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// The literal as configured, and as an origin may read it ([`fold`]).
    Literal {
        exact: String,
        folded: String,
    },
    Param,
    Rest,
}

/// A compiled route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    methods: Option<Vec<String>>,
    segments: Vec<Segment>,
    /// The pattern as configured, for logs and errors.
    pub pattern: String,
    /// Who may call it.
    pub access: Access,
    /// The issuers it accepts tokens from (`None`: every configured one).
    pub issuers: Option<Vec<String>>,
    /// Its authentication requirement (RFC 9470), if any.
    pub step_up: Option<StepUp>,
}

/// Routes in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

/// How a request is compared with a route: as sent, or as an origin may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Exact,
    Origin,
}

/// One segment of a request path: as sent, and as an origin may read it (`None`: it holds non-ASCII
/// characters, which some origin may fold into any literal).
#[derive(Debug)]
struct RequestSegment<'a> {
    raw: &'a str,
    folded: Option<String>,
}

/// The methods a `"*"` route lists in `Allow`.
const ANY_METHOD: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Whether the edge forwards requests with `method`: an RFC 9110 token without lower-case letters (methods
/// are case-sensitive, §9.1, but Werkzeug and Rack upper-case them, so `patch` would reach a `PATCH`
/// handler), and not `CONNECT`, `TRACE` or `TRACK` (tunnels and echoes, which a `fetch` cannot forward).
pub fn is_forwarded_method(method: &str) -> bool {
    !method.is_empty()
        && method
            .bytes()
            .all(|b| is_tchar(b) && !b.is_ascii_lowercase())
        && !matches!(method, "CONNECT" | "TRACE" | "TRACK")
}

impl RouteTable {
    /// Parses the JSON array of routes: `[{ "method": "GET", "path": "/api/users/:id", "scopes": "a or b" }, …]`.
    ///
    /// Errors: `invalid_request` for JSON that is not such an array, a pattern that is not an absolute path
    /// (or has `*` anywhere but last, an empty segment, a literal with a character outside RFC 3986 `pchar`
    /// or with `%`, `;`, `:`, `*`, a literal ending with `.`), an unknown method spelling, a route both
    /// `public` and with `scopes`; `invalid_scope_expression` for a bad expression.
    pub fn from_json(text: &str) -> Result<Self> {
        Self::new(crate::options::from_json("route table", text)?)
    }

    /// The table of `specs`, in order.
    ///
    /// Errors: as [`RouteTable::from_json`], for a route that does not compile.
    pub fn new(specs: Vec<RouteSpec>) -> Result<Self> {
        let routes = specs
            .into_iter()
            .enumerate()
            .map(|(i, spec)| {
                Route::compile(spec).map_err(|e| match e {
                    Error::InvalidRequest(m) => Error::InvalidRequest(format!("route {i}: {m}")),
                    other => other,
                })
            })
            .collect::<Result<_>>()?;
        Ok(RouteTable { routes })
    }

    /// The routes, in order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The first route matching `method` and `path` (a URL's path, without query), or `None`.
    ///
    /// Errors: `invalid_request` for a path this table refuses to interpret (see the module's rules): one
    /// that is not a plain absolute path, or that an earlier route would take once read as an origin may.
    pub fn find(&self, method: &str, path: &str) -> Result<Option<&Route>> {
        let segments = request_segments(path)?;
        let matching = |r: &&Route, reading| {
            r.matches_method(method, reading) && r.matches_path(&segments, reading)
        };
        let Some(index) = self
            .routes
            .iter()
            .position(|r| matching(&r, Reading::Exact))
        else {
            return Ok(None);
        };
        let earlier = self.routes.get(..index).unwrap_or_default();
        if let Some(other) = earlier.iter().find(|r| matching(r, Reading::Origin)) {
            return Err(Error::InvalidRequest(format!(
                "request path {} could be read by the origin as a path of route {}",
                quote(path),
                quote(&other.pattern)
            )));
        }
        Ok(self.routes.get(index))
    }

    /// The methods of the routes whose pattern matches `path`, for `Allow` (a `"*"` route lists the usual
    /// seven).
    ///
    /// Errors: `invalid_request` as [`RouteTable::find`] for a path it refuses whatever the table.
    pub fn allowed_methods(&self, path: &str) -> Result<Vec<&str>> {
        let segments = request_segments(path)?;
        let mut allow: Vec<&str> = Vec::new();
        for route in self
            .routes
            .iter()
            .filter(|r| r.matches_path(&segments, Reading::Exact))
        {
            let methods: Vec<&str> = match &route.methods {
                None => ANY_METHOD.to_vec(),
                Some(m) => m.iter().map(String::as_str).collect(),
            };
            for m in methods {
                if !allow.contains(&m) {
                    allow.push(m);
                }
            }
        }
        Ok(allow)
    }
}

impl Route {
    fn compile(spec: RouteSpec) -> Result<Self> {
        let methods = compile_methods(&spec.method)?;
        let segments = compile_pattern(&spec.path)?;
        let access = match (spec.public, spec.scopes) {
            (true, Some(_)) => {
                return Err(Error::InvalidRequest(
                    "a public route cannot require scopes".into(),
                ));
            }
            (true, None) => Access::Public,
            (false, None) => Access::Token(None),
            (false, Some(expr)) => Access::Token(Some(Requirement::parse(&expr)?)),
        };
        match (&access, &spec.issuers) {
            (Access::Public, Some(_)) => {
                return Err(Error::InvalidRequest(
                    "a public route cannot name issuers".into(),
                ));
            }
            (_, Some(list)) if list.is_empty() => {
                return Err(Error::InvalidRequest(
                    "issuers must name at least one issuer".into(),
                ));
            }
            _ => {}
        }
        let step_up = match (spec.acr_values, spec.max_age) {
            (None, None) => None,
            _ if access == Access::Public => {
                return Err(Error::InvalidRequest(
                    "a public route cannot require acrValues or maxAge".into(),
                ));
            }
            (Some(list), _) if list.is_empty() || list.iter().any(|v| v.is_empty()) => {
                return Err(Error::InvalidRequest(
                    "acrValues must list at least one non-empty acr value".into(),
                ));
            }
            (acr, max_age) => Some(StepUp {
                acr_values: acr.unwrap_or_default(),
                max_age,
            }),
        };
        Ok(Route {
            methods,
            segments,
            pattern: spec.path,
            access,
            issuers: spec.issuers,
            step_up,
        })
    }

    fn matches_method(&self, method: &str, reading: Reading) -> bool {
        self.methods.as_ref().is_none_or(|m| {
            m.iter().any(|x| {
                x == method || (reading == Reading::Origin && method == "HEAD" && x == "GET")
            })
        })
    }

    fn matches_path(&self, request: &[RequestSegment<'_>], reading: Reading) -> bool {
        let mut rest = request.iter();
        for seg in &self.segments {
            match seg {
                Segment::Rest => return true,
                Segment::Param => {
                    if rest.next().is_none() {
                        return false;
                    }
                }
                Segment::Literal { exact, folded } => {
                    let Some(got) = rest.next() else {
                        return false;
                    };
                    let same = match reading {
                        Reading::Exact => got.raw == exact,
                        Reading::Origin => got.folded.as_ref().is_none_or(|f| f == folded),
                    };
                    if !same {
                        return false;
                    }
                }
            }
        }
        rest.next().is_none()
    }
}

/// `None` for any method.
fn compile_methods(spec: &OneOrMany) -> Result<Option<Vec<String>>> {
    let list: Vec<&str> = match spec {
        OneOrMany::One(s) if s.trim() == "*" => return Ok(None),
        OneOrMany::One(s) => s.split(',').map(str::trim).collect(),
        OneOrMany::Many(v) => v.iter().map(|s| s.trim()).collect(),
    };
    if list.is_empty() {
        return Err(Error::InvalidRequest(
            "method must name at least one method".into(),
        ));
    }
    for m in &list {
        // Methods are case-sensitive tokens (RFC 9110 §9.1); upper case is what every client sends.
        if m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::InvalidRequest(format!(
                "method {m} is not an upper-case method name or \"*\"",
                m = quote(m)
            )));
        }
    }
    Ok(Some(list.into_iter().map(str::to_owned).collect()))
}

/// RFC 3986 `pchar` without `%` and `;`: what a path segment may carry unencoded here.
fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:@".contains(&b)
}

/// A segment as an origin may read it: ASCII case folded, `+` as a space.
fn fold(decoded: &str) -> String {
    decoded.to_ascii_lowercase().replace('+', " ")
}

fn compile_pattern(pattern: &str) -> Result<Vec<Segment>> {
    let body = pattern.strip_prefix('/').ok_or_else(|| {
        Error::InvalidRequest(format!(
            "path pattern {pattern} must start with /",
            pattern = quote(pattern)
        ))
    })?;
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = body.split('/').collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match *part {
            "*" if i == last => Ok(Segment::Rest),
            p if p.starts_with(':') && p.len() > 1 => Ok(Segment::Param),
            p if p.is_empty()
                || p.ends_with('.')
                || !p.bytes().all(|b| is_path_char(b) && !b"*:".contains(&b)) =>
            {
                Err(Error::InvalidRequest(format!(
                    "path pattern {pattern} has an invalid segment {p}",
                    pattern = quote(pattern),
                    p = quote(p)
                )))
            }
            p => Ok(Segment::Literal {
                exact: p.to_owned(),
                folded: fold(p),
            }),
        })
        .collect()
}

/// Why a percent-encoded byte is refused, if it is.
fn refused_escape(byte: u8) -> Option<&'static str> {
    Some(match byte {
        b'.' | b'/' | b'\\' => "contains an encoded path separator or dot",
        b if b.is_ascii_alphanumeric() || b"-_~".contains(&b) => {
            "percent-encodes an unreserved character, which origins may or may not decode"
        }
        b'%' => "is double-encoded (%25)",
        b';' => "encodes a matrix parameter delimiter (;)",
        b'?' | b'#' => "encodes a query or fragment delimiter",
        b if b.is_ascii_control() => "encodes a control character",
        _ => return None,
    })
}

/// The segments of a request path, refusing the spellings no table can match safely; one trailing slash
/// is ignored.
fn request_segments(path: &str) -> Result<Vec<RequestSegment<'_>>> {
    let refuse =
        |why: &str| Error::InvalidRequest(format!("request path {path} {why}", path = quote(path)));
    let body = path
        .strip_prefix('/')
        .ok_or_else(|| refuse("is not absolute"))?;
    let body = body.strip_suffix('/').unwrap_or(body);
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split('/')
        .map(|raw| read_segment(raw).map_err(refuse))
        .collect()
}

fn read_segment(raw: &str) -> std::result::Result<RequestSegment<'_>, &'static str> {
    if raw.is_empty() || raw == "." || raw == ".." {
        return Err("has an empty or dot segment");
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let byte = bytes
                .get(i + 1..i + 3)
                .and_then(hex_byte)
                .ok_or("has a % that is not followed by two hex digits")?;
            if let Some(why) = refused_escape(byte) {
                return Err(why);
            }
            decoded.push(byte);
            i += 3;
        } else if is_path_char(b) {
            decoded.push(b);
            i += 1;
        } else {
            return Err("contains a character a URL path does not carry unencoded, or a ;");
        }
    }
    let text =
        String::from_utf8(decoded).map_err(|_| "percent-encodes bytes that are not UTF-8")?;
    if text.ends_with('.') || text.starts_with(' ') || text.ends_with(' ') {
        return Err("has a segment ending with a dot, or starting or ending with a space");
    }
    Ok(RequestSegment {
        raw,
        folded: text.is_ascii().then(|| fold(&text)),
    })
}

/// Two hex digits, either case, as a byte.
fn hex_byte(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    match pair {
        [hi, lo] => Some(u8::try_from(digit(*hi)? * 16 + digit(*lo)?).ok()?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route table shared with the fuzz harness.
    const TABLE: &str = include_str!("../../tests/fixtures/routes.json");

    fn pattern(t: &RouteTable, method: &str, path: &str) -> Option<String> {
        t.find(method, path).unwrap().map(|r| r.pattern.clone())
    }

    #[test]
    fn first_match_wins() {
        let t = RouteTable::from_json(TABLE).unwrap();
        assert_eq!(pattern(&t, "GET", "/health").as_deref(), Some("/health"));
        assert_eq!(
            pattern(&t, "HEAD", "/api/users").as_deref(),
            Some("/api/users")
        );
        assert_eq!(
            pattern(&t, "GET", "/api/users/").as_deref(),
            Some("/api/users")
        );
        assert_eq!(
            pattern(&t, "PATCH", "/api/users/42").as_deref(),
            Some("/api/users/:id")
        );
        assert_eq!(
            pattern(&t, "DELETE", "/api/admin").as_deref(),
            Some("/api/admin/*")
        );
        assert_eq!(
            pattern(&t, "POST", "/api/admin/x/y").as_deref(),
            Some("/api/admin/*")
        );
        assert_eq!(
            pattern(&t, "GET", "/api/users/42/keys").as_deref(),
            Some("/api/*")
        );
        assert_eq!(pattern(&t, "POST", "/api/users"), None);
        assert_eq!(pattern(&t, "GET", "/API/users"), None);
        assert_eq!(pattern(&t, "GET", "/"), None);
        assert_eq!(
            t.find("GET", "/health").unwrap().unwrap().access,
            Access::Public
        );
        assert_eq!(
            t.find("GET", "/api/x").unwrap().unwrap().access,
            Access::Token(None)
        );
        assert!(matches!(
            t.find("PUT", "/api/users/1").unwrap().unwrap().access,
            Access::Token(Some(_))
        ));
    }

    /// Every spelling an origin may read as another path is refused (400), never matched to a less-scoped
    /// route: the fixture's scoped `/api/admin/*` is followed by the catch-all `/api/*`.
    #[test]
    fn ambiguous_request_paths_are_refused() {
        let t = RouteTable::from_json(TABLE).unwrap();
        for p in [
            "api/users",
            "/api//users",
            "/api/./users",
            "/api/admin/../users",
            "/api%2Fadmin",
            "/api/%2e%2e/x",
            "/api\\admin",
            // percent-encoded unreserved characters, either hex case (RFC 3986 §2.3, §6.2.2.2)
            "/api/%61dmin/users",
            "/api/%41DMIN/users",
            "/api/adm%69n",
            "/api/admin%2Dx",
            "/api/%7Eadmin",
            "/api/admin%5f",
            // double encoding, malformed and IIS-style escapes
            "/api/%2561dmin/users",
            "/api/%25",
            "/api/%u0061dmin",
            "/api/%zzadmin",
            "/api/admin%4",
            "/api/admin%",
            // matrix parameters, raw or encoded (Tomcat, Jetty and Spring strip them)
            "/api/admin;x=1/users",
            "/api/admin;/users",
            "/api/admin%3Bx=1/users",
            // encoded controls, query and fragment delimiters
            "/api/admin%00/users",
            "/api/admin%00.json",
            "/api/admin%0A",
            "/api/admin%0d%0aX-Auth-Subject:%20root",
            "/api/admin%7F",
            "/api/admin%3F/users",
            "/api/admin%23/users",
            // names Windows and IIS trim: trailing dots, leading or trailing spaces
            "/api/admin./users",
            "/api/admin../users",
            "/api/.../users",
            "/api/admin%20/users",
            "/api/%20admin/users",
            // characters a URL never carries raw
            "/api/admin /users",
            "/api/admin\t",
            "/api/\u{e9}",
            "/api/admin\u{0}",
            "/api/admin?x",
            "/api/admin#x",
            // case: origins that route case-insensitively (Express, ASP.NET) read these as /api/admin/*
            "/api/ADMIN/users",
            "/api/Admin",
            "/api/aDmIn/x/y",
            // encoded non-ASCII that is not UTF-8 (overlong dots, a lone byte, a surrogate)
            "/api/%C0%AE%C0%AE/users",
            "/api/admin%FF",
            "/api/%ED%A0%80",
            // non-ASCII where a literal segment could be read: the dotless i and the Kelvin sign fold to
            // ASCII under case-insensitive comparison, fullwidth letters under NFKC
            "/api/adm%C4%B1n/users",
            "/api/%E2%84%AAeys",
            "/api/%EF%BD%81dmin/users",
            // an encoding of a literal that holds a reserved character
            "/api/users/%40me",
        ] {
            assert_eq!(
                t.find("GET", p).unwrap_err().code(),
                "invalid_request",
                "{p}"
            );
        }
    }

    #[test]
    fn paths_every_origin_reads_alike_are_matched() {
        let t = RouteTable::from_json(TABLE).unwrap();
        for (method, p, want) in [
            ("PUT", "/api/users/J%C3%B6rg", "/api/users/:id"),
            ("PUT", "/api/users/j%c3%b6rg", "/api/users/:id"),
            ("PUT", "/api/users/alice%40example.com", "/api/users/:id"),
            ("PUT", "/api/users/a%20b", "/api/users/:id"),
            ("GET", "/api/users/@me", "/api/users/@me"),
            ("GET", "/api/files/a%20b%2Bc", "/api/*"),
            ("GET", "/api/.well-known/x", "/api/*"),
            ("GET", "/api/x:y@z!$&'()*+,=", "/api/*"),
            ("GET", "/api/users/42/%22q%22", "/api/*"),
            ("HEAD", "/api/admin/x", "/api/admin/*"),
            ("DELETE", "/api/admin/%C3%A9", "/api/admin/*"),
        ] {
            assert_eq!(
                pattern(&t, method, p).as_deref(),
                Some(want),
                "{method} {p}"
            );
        }
        // no route under any reading is still 404, not 400
        assert_eq!(pattern(&t, "GET", "/API/users"), None);
        assert_eq!(pattern(&t, "GET", "/nope%20x"), None);
    }

    /// Origins answer HEAD with their GET handler: a HEAD that only a later route takes is refused.
    #[test]
    fn head_is_also_read_as_get() {
        let t = RouteTable::from_json(
            r#"[{"method": "GET", "path": "/api/secret", "scopes": "admin"}, {"method": "*", "path": "/api/*"}]"#,
        )
        .unwrap();
        assert_eq!(
            t.find("HEAD", "/api/secret").unwrap_err().code(),
            "invalid_request"
        );
        assert_eq!(
            pattern(&t, "GET", "/api/secret").as_deref(),
            Some("/api/secret")
        );
        assert_eq!(pattern(&t, "HEAD", "/api/other").as_deref(), Some("/api/*"));
    }

    #[test]
    fn forwarded_methods_and_allow() {
        for m in ["GET", "PATCH", "PROPFIND", "M-SEARCH", "FOO_1"] {
            assert!(is_forwarded_method(m), "{m}");
        }
        for m in [
            "CONNECT", "TRACE", "TRACK", "get", "patch", "Delete", "", "GE T", "GET\r\n",
            "G\u{e9}T",
        ] {
            assert!(!is_forwarded_method(m), "{m:?}");
        }
        let t = RouteTable::from_json(TABLE).unwrap();
        assert_eq!(t.allowed_methods("/api/users").unwrap(), ["GET", "HEAD"]);
        assert_eq!(
            t.allowed_methods("/api/users/7").unwrap(),
            ["PUT", "PATCH", "GET"]
        );
        assert_eq!(
            t.allowed_methods("/api/admin/x").unwrap(),
            ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        );
        assert!(t.allowed_methods("/nope").unwrap().is_empty());
        assert_eq!(
            t.allowed_methods("/api/a;b").unwrap_err().code(),
            "invalid_request"
        );
    }

    #[test]
    fn bad_tables_are_refused() {
        for bad in [
            "{}",
            r#"[{"method": "GET"}]"#,
            r#"[{"method": "get", "path": "/a"}]"#,
            r#"[{"method": "", "path": "/a"}]"#,
            r#"[{"method": "GET", "path": "a"}]"#,
            r#"[{"method": "GET", "path": "/a/*/b"}]"#,
            r#"[{"method": "GET", "path": "/a//b"}]"#,
            r#"[{"method": "GET", "path": "/a/../b"}]"#,
            r#"[{"method": "GET", "path": "/a", "public": true, "scopes": "x"}]"#,
            r#"[{"method": "GET", "path": "/a", "scope": "x"}]"#,
            r#"[{"method": "GET", "path": "/a", "public": true, "issuers": ["https://a"]}]"#,
            r#"[{"method": "GET", "path": "/a", "issuers": []}]"#,
            r#"[{"method": "GET", "path": "/a", "public": true, "maxAge": 5}]"#,
            r#"[{"method": "GET", "path": "/a", "acrValues": []}]"#,
            r#"[{"method": "GET", "path": "/a", "acrValues": [""]}]"#,
            r#"[{"method": "GET", "path": "/a", "acrValues": "gold"}]"#,
            r#"[{"method": "GET", "path": "/a", "maxAge": -1}]"#,
            r#"[{"method": "GET", "path": "/a", "issuers": "https://a"}]"#,
            r#"[{"method": "GET", "path": "/api/%61dmin/*"}]"#,
            r#"[{"method": "GET", "path": "/api/admin;v=1"}]"#,
            r#"[{"method": "GET", "path": "/api/admin."}]"#,
            r#"[{"method": "GET", "path": "/api/a b"}]"#,
            r#"[{"method": "GET", "path": "/api/caf\u00e9"}]"#,
            r#"[{"method": "GET", "path": "/api/a\\b"}]"#,
            r#"[{"method": "GET", "path": "/api/a?b"}]"#,
            r#"[{"method": "GET", "path": "/api/a:b"}]"#,
        ] {
            assert_eq!(
                RouteTable::from_json(bad).unwrap_err().code(),
                "invalid_request",
                "{bad}"
            );
        }
        let e = RouteTable::from_json(r#"[{"method": "GET", "path": "/a", "scopes": "a and"}]"#)
            .unwrap_err();
        assert_eq!(e.code(), "invalid_scope_expression");
    }
}
