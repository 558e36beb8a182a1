//! The edge verifier's route table: method + path pattern → who may call it. First match wins; a request
//! that matches no route is refused (deny by default).
//!
//! Patterns are absolute paths whose segments are literals (compared exactly, case-sensitively), `:name`
//! (one non-empty segment) or a final `*` (the rest of the path, possibly nothing). Request paths are checked
//! before matching, because an origin that decodes `%2F` or `%2E%2E` differently from this table would let
//! a path guarded by one route reach the handler of another.

use crate::error::{Error, Result};
use crate::scope::Requirement;
use serde::Deserialize;

/// One route as configured (JSON, camelCase).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RouteSpec {
    /// `"GET"`, `"GET,HEAD"`, `["GET", "HEAD"]` or `"*"`.
    method: MethodSpec,
    path: String,
    /// A scope expression (`ScopeRequirement` grammar); absent: any valid token.
    #[serde(default)]
    scopes: Option<String>,
    /// No token needed at all.
    #[serde(default)]
    public: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum MethodSpec {
    One(String),
    Many(Vec<String>),
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
    Literal(String),
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
}

/// Routes in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    /// Parses the JSON array of routes: `[{ "method": "GET", "path": "/api/users/:id", "scopes": "a or b" }, …]`.
    ///
    /// Errors: `invalid_request` for JSON that is not such an array, a pattern that is not an absolute path
    /// (or has `*` anywhere but last, an empty segment, `%`, `\`, `.`/`..` segments), an unknown method
    /// spelling, a route both `public` and with `scopes`; `invalid_scope_expression` for a bad expression.
    pub fn from_json(text: &str) -> Result<Self> {
        let specs: Vec<RouteSpec> = serde_json::from_str(text)
            .map_err(|e| Error::InvalidRequest(format!("route table: {e}")))?;
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

    /// The first route matching `method` and `path` (a URL's path, without query), or `None`.
    ///
    /// Errors: `invalid_request` for a path this table refuses to interpret: not absolute, an empty segment
    /// (`//`), a `.`/`..` segment, a backslash, or an encoded `/`, `\` or `.` (`%2F`, `%5C`, `%2E`).
    pub fn find(&self, method: &str, path: &str) -> Result<Option<&Route>> {
        let segments = request_segments(path)?;
        Ok(self
            .routes
            .iter()
            .find(|r| r.matches_method(method) && r.matches_path(&segments)))
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
        Ok(Route {
            methods,
            segments,
            pattern: spec.path,
            access,
        })
    }

    fn matches_method(&self, method: &str) -> bool {
        self.methods
            .as_ref()
            .is_none_or(|m| m.iter().any(|x| x == method))
    }

    fn matches_path(&self, request: &[&str]) -> bool {
        let mut rest = request.iter();
        for seg in &self.segments {
            match seg {
                Segment::Rest => return true,
                Segment::Param => {
                    if rest.next().is_none() {
                        return false;
                    }
                }
                Segment::Literal(lit) => {
                    if rest.next() != Some(&lit.as_str()) {
                        return false;
                    }
                }
            }
        }
        rest.next().is_none()
    }
}

/// `None` for any method.
fn compile_methods(spec: &MethodSpec) -> Result<Option<Vec<String>>> {
    let list: Vec<&str> = match spec {
        MethodSpec::One(s) if s.trim() == "*" => return Ok(None),
        MethodSpec::One(s) => s.split(',').map(str::trim).collect(),
        MethodSpec::Many(v) => v.iter().map(|s| s.trim()).collect(),
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
                "method {m:?} is not an upper-case method name or \"*\""
            )));
        }
    }
    Ok(Some(list.into_iter().map(str::to_owned).collect()))
}

fn compile_pattern(pattern: &str) -> Result<Vec<Segment>> {
    let body = pattern.strip_prefix('/').ok_or_else(|| {
        Error::InvalidRequest(format!("path pattern {pattern:?} must start with /"))
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
            p if p.is_empty() || p == "." || p == ".." || p.contains(['*', '%', '\\', ':']) => {
                Err(Error::InvalidRequest(format!(
                    "path pattern {pattern:?} has an invalid segment {p:?}"
                )))
            }
            p => Ok(Segment::Literal(p.to_owned())),
        })
        .collect()
}

/// The segments of a request path, refusing ambiguous spellings; one trailing slash is ignored.
fn request_segments(path: &str) -> Result<Vec<&str>> {
    let refuse = |why: &str| {
        Err(Error::InvalidRequest(format!(
            "request path {path:?} {why}"
        )))
    };
    let Some(body) = path.strip_prefix('/') else {
        return refuse("is not absolute");
    };
    let lower = path.to_ascii_lowercase();
    if path.contains('\\') || ["%2f", "%5c", "%2e"].iter().any(|e| lower.contains(e)) {
        return refuse("contains an encoded or backslash path separator or dot");
    }
    let body = body.strip_suffix('/').unwrap_or(body);
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let segments: Vec<&str> = body.split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return refuse("has an empty or dot segment");
    }
    Ok(segments)
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
        ] {
            assert_eq!(
                t.find("GET", p).unwrap_err().code(),
                "invalid_request",
                "{p}"
            );
        }
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
