//! The edge verifier's rules (DESIGN.md "Edge verifier"), sans-IO: given a request's method, path, headers and
//! `now`, and the current key set, [`EdgeGuard::decide`] says whether to let it through (with the verified
//! claims), to answer it at the edge (status, headers, body), or first to fetch keys.
//!
//! | request | answer |
//! | --- | --- |
//! | CORS preflight (`OPTIONS` + `Origin` + `Access-Control-Request-Method`), CORS configured | `204` with the CORS headers, or `403` for an origin / method / header not allowed |
//! | a path the route table refuses to interpret (`//`, `%2F`, `%61`, `;params`, dot segments, a spelling an earlier route would take once decoded or case-folded: see [`RouteTable`]) | `400` `error="invalid_request"` |
//! | a method the edge does not forward (`CONNECT`, `TRACE`, `TRACK`, lower case, not a token) | `405` with `Allow`: the methods of the routes matching the path |
//! | no route for method + path | `404` (deny by default) |
//! | a public route | through, no token read |
//! | no `Authorization`, or another scheme | `401` `WWW-Authenticate: Bearer realm="…"` (no error, RFC 6750 §3.1) |
//! | a malformed `Bearer` value, or a token that fails verification | `401` `error="invalid_token"` |
//! | a valid token without the route's scopes | `403` `error="insufficient_scope"`, `scope="…"` |
//! | no key set could be fetched | `503` |
//! | a valid token with the scopes | through, with its claims and scopes |
//!
//! Every answer to a request from an allowed origin carries the CORS headers, so that a browser app can read a
//! `401`/`403` and its `WWW-Authenticate`. Verified tokens may be kept in a [`TokenCache`] (opt-in). What a
//! request let through may carry to the origin is the [`ForwardPolicy`]'s: [`EdgeGuard::strips_header`] names
//! the incoming headers to remove, [`Allowed::identity`] the headers to set.

use crate::error::{Error, Result, quote};
use crate::jose::Algorithm;
use crate::jose::JwkSet;
use crate::jose::UnverifiedJws;
use crate::jose::{PendingSignature, SignatureCheck, SignatureProof, VerifiedToken};
use crate::scope;
use crate::scope::Requirement;
use crate::server::bearer;
use crate::server::challenge::{ChallengeOptions, Problem, bearer_challenge};
use crate::server::dpop::{
    DpopPolicy, DpopRequest, PendingProof, check_proof, check_proof_replay, prepare_proof,
    proof_error,
};
use crate::server::forward::ForwardPolicy;
use crate::server::jwks_cache::JwksCacheConfig;
use crate::server::replay::{MemoryReplayStore, ReplayEntry, ReplayStoreConfig};
use crate::server::route::{Access, Route, RouteTable, StepUp, is_forwarded_method};
use crate::server::token_cache::{CachingVerifier, TokenCacheConfig};
use crate::verify::{AccessTokenOptions, Policy, TokenVerifier, VerifierOptions};
use crate::wire::{OneOrMany, is_tchar};
use serde_json::Value;
use std::sync::Arc;

/// The configuration ([`EdgeConfig::new`]: issuer, audience and routes; everything else optional; or
/// [`EdgeConfig::issuers`] for several issuers). `jwks_uri` and `jwks_cache` are read by whoever fetches the
/// keys ([`EdgeConfig::issuer_configs`]).
#[derive(Debug, Clone, Default)]
pub struct EdgeConfig {
    /// The expected `iss` (empty with [`EdgeConfig::issuers`]).
    pub issuer: String,
    /// The expected `aud` (one of them; empty with [`EdgeConfig::issuers`]).
    pub audience: OneOrMany,
    /// Several issuers, each with its own keys, audiences and algorithms; a token's unverified `iss` chooses
    /// one before any signature work. Empty: the single issuer of `issuer`, `audience` and `jwks_uri`.
    pub issuers: Vec<IssuerConfig>,
    /// The route table: an array of routes (see [`RouteTable::from_json`]) or that array as JSON text
    /// (not read by [`EdgeGuard::with_routes`], which is given the table).
    pub routes: Value,
    /// The `realm` of every challenge.
    pub realm: Option<String>,
    /// Seconds of leeway for `exp`/`nbf`.
    pub clock_tolerance: Option<u64>,
    /// The accepted algorithms (default: every asymmetric one; HS* only with `oct` keys).
    pub algorithms: Option<Vec<String>>,
    /// RFC 9068 strict mode: `typ` must be `at+jwt`.
    pub strict: bool,
    /// Send the failure's message as `error_description` (default false).
    pub error_description: bool,
    /// CORS; absent: no CORS headers, preflights are routed like any request.
    pub cors: Option<CorsConfig>,
    /// The verified-token cache; absent: off.
    pub token_cache: Option<TokenCacheConfig>,
    /// The JWKS URL (for the fetching layer).
    pub jwks_uri: Option<String>,
    /// The JWKS cache timings (for the fetching layer).
    pub jwks_cache: Option<JwksCacheConfig>,
    /// More incoming headers to remove before forwarding (see [`ForwardPolicy`]).
    pub strip_headers: Option<OneOrMany>,
    /// [`crate::server::REWRITE_HEADERS`] to forward after all.
    pub keep_headers: Option<OneOrMany>,
    /// Forward `Authorization` to the origin (default false).
    pub keep_authorization: bool,
    /// Claims sent to the origin as headers: `(header name, claim path)`, the path dotted into objects (see
    /// [`ForwardPolicy::with_claims`]).
    pub claim_headers: Vec<(String, String)>,
    /// A header carrying the verified payload as signed, base64url.
    pub forward_payload: Option<String>,
    /// RFC 9728 protected-resource metadata, served at its well-known path and named in every challenge.
    pub resource_metadata: Option<ResourceMetadataConfig>,
    /// A path answered at the edge (`GET`/`HEAD`, before the route table) with whether every issuer's keys are
    /// loaded: `200 {"ready":true,…}` or `503`; a probe fetches the keys of an issuer that has none.
    pub readiness_path: Option<String>,
    /// DPoP (RFC 9449): `Authorization: DPoP` tokens with their `DPoP` proof accepted; absent: Bearer only.
    pub dpop: Option<EdgeDpopConfig>,
    /// The size cap of each claim header's value, bytes (default
    /// [`crate::server::DEFAULT_CLAIM_HEADER_BYTES`]); a larger value is left out.
    pub claim_header_max_bytes: Option<u64>,
}

/// The protected resource's metadata (RFC 9728 §2), [`EdgeConfig::resource_metadata`].
#[derive(Debug, Clone, Default)]
pub struct ResourceMetadataConfig {
    /// The resource identifier (`https`, no query or fragment); its metadata is at
    /// `/.well-known/oauth-protected-resource` followed by its path (§3.1).
    pub resource: String,
    /// `authorization_servers` (default: the configured issuers).
    pub authorization_servers: Option<Vec<String>>,
    /// `scopes_supported`.
    pub scopes_supported: Option<Vec<String>>,
    /// `resource_name`.
    pub resource_name: Option<String>,
    /// `resource_documentation`.
    pub resource_documentation: Option<String>,
}

/// The metadata document and where it is served.
#[derive(Debug)]
struct ResourceMetadata {
    path: String,
    body: String,
}

/// The well-known prefix of RFC 9728 §3.
const RESOURCE_METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

impl ResourceMetadata {
    /// The document (§2) for `config`, the `issuers` as default `authorization_servers`, `dpop_algs` as
    /// `dpop_signing_alg_values_supported`; and its URL, for challenges.
    ///
    /// Errors: `invalid_request` (naming `resourceMetadata.resource`) for a resource that is not an `https` URL
    /// (`http` only on loopback) without query and fragment.
    fn new(
        config: &ResourceMetadataConfig,
        issuers: &[String],
        dpop_algs: Option<&[Algorithm]>,
    ) -> Result<(Self, String)> {
        let r = config.resource.as_str();
        let rest = r
            .strip_prefix("https://")
            .or_else(|| {
                r.strip_prefix("http://").filter(|rest| {
                    ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| {
                        rest.strip_prefix(h)
                            .is_some_and(|t| t.is_empty() || t.starts_with([':', '/']))
                    })
                })
            })
            .filter(|rest| {
                !rest.is_empty()
                    && !rest.starts_with('/')
                    && r.bytes().all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#')
            })
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "resourceMetadata.resource: {} is not an https URL without query and fragment (RFC 9728 §1.2)",
                    quote(r)
                ))
            })?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = format!("{RESOURCE_METADATA_PATH}{}", path.trim_end_matches('/'));
        let scheme = r.get(..r.len() - rest.len()).unwrap_or_default();
        let url = format!("{scheme}{authority}{path}");
        let mut doc = serde_json::Map::new();
        doc.insert("resource".into(), Value::from(r));
        let servers = config
            .authorization_servers
            .clone()
            .unwrap_or_else(|| issuers.to_vec());
        doc.insert("authorization_servers".into(), Value::from(servers));
        doc.insert(
            "bearer_methods_supported".into(),
            Value::from(vec!["header"]),
        );
        if let Some(scopes) = &config.scopes_supported {
            doc.insert("scopes_supported".into(), Value::from(scopes.clone()));
        }
        if let Some(algs) = dpop_algs {
            let names: Vec<&str> = algs.iter().map(|a| a.name()).collect();
            doc.insert(
                "dpop_signing_alg_values_supported".into(),
                Value::from(names),
            );
        }
        for (name, value) in [
            ("resource_name", &config.resource_name),
            ("resource_documentation", &config.resource_documentation),
        ] {
            if let Some(v) = value {
                doc.insert(name.into(), Value::from(v.as_str()));
            }
        }
        let body = Value::Object(doc).to_string();
        Ok((ResourceMetadata { path, body }, url))
    }
}

/// DPoP at the edge ([`EdgeConfig::dpop`]).
#[derive(Debug, Clone, Default)]
pub struct EdgeDpopConfig {
    /// The accepted proof algorithms (default: every asymmetric one).
    pub algorithms: Option<Vec<String>>,
    /// Seconds after its `iat` a proof is accepted (default [`crate::server::DEFAULT_PROOF_MAX_AGE`]).
    pub max_age: Option<u64>,
    /// The proof `jti`s remembered in this guard (default [`crate::server::DEFAULT_REPLAY_ENTRIES`]).
    pub replay_entries: Option<usize>,
    /// The caller keeps the proofs' `jti`s in a store of its own (one shared by every isolate): an accepted
    /// proof's entry is handed out in [`Allowed::replay`] instead of checked here.
    pub external_replay: bool,
}

/// One issuer of [`EdgeConfig::issuers`] (or the single one of `issuer`, `audience`, `jwks_uri`).
#[derive(Debug, Clone, Default)]
pub struct IssuerConfig {
    /// The expected `iss`, exactly.
    pub issuer: String,
    /// The expected `aud` (one of them).
    pub audience: OneOrMany,
    /// Its accepted algorithms (default: [`EdgeConfig::algorithms`]).
    pub algorithms: Option<Vec<String>>,
    /// Its JWKS URL (for the fetching layer).
    pub jwks_uri: Option<String>,
    /// Its JWKS cache timings (default: [`EdgeConfig::jwks_cache`]).
    pub jwks_cache: Option<JwksCacheConfig>,
}

/// CORS (Fetch standard) as configured ([`CorsConfig::new`]: the origins; the rest defaults).
#[derive(Debug, Clone, Default)]
pub struct CorsConfig {
    /// Exact origins (`https://app.example.com`), or `"*"` for any.
    pub allowed_origins: OneOrMany,
    /// Methods a preflight may ask for (default `GET, HEAD, POST, PUT, PATCH, DELETE`).
    pub allowed_methods: Option<OneOrMany>,
    /// Request headers a preflight may ask for, any case (default `authorization, content-type`).
    pub allowed_headers: Option<OneOrMany>,
    /// Response headers the browser may show the app (`WWW-Authenticate` always is).
    pub exposed_headers: Option<OneOrMany>,
    /// `Access-Control-Max-Age` of preflight answers, seconds (default 600).
    pub max_age: Option<u64>,
    /// `Access-Control-Allow-Credentials: true` (not with `"*"`).
    pub allow_credentials: bool,
}

impl EdgeConfig {
    /// A guard of `routes` (see [`EdgeConfig::routes`]) for tokens from `issuer` to `audience`, every option off.
    pub fn new(issuer: impl Into<String>, audience: impl Into<OneOrMany>, routes: Value) -> Self {
        EdgeConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            routes,
            ..Self::default()
        }
    }
}

impl EdgeConfig {
    /// The issuers, each with the configuration path its errors name (`""` for the single issuer, whose
    /// fields are top-level; `issuers[1].` for the second of several), the top-level `algorithms` and
    /// `jwks_cache` filled in where an issuer has none.
    ///
    /// Errors: `invalid_request` for no issuer at all, `issuers` beside a top-level `issuer`, `audience` or
    /// `jwksUri`, or an issuer named twice.
    pub fn issuer_configs(&self) -> Result<Vec<(String, IssuerConfig)>> {
        if self.issuers.is_empty() {
            if self.issuer.is_empty() {
                return Err(Error::InvalidRequest(
                    "issuer (or issuers) is required".into(),
                ));
            }
            return Ok(vec![(
                String::new(),
                IssuerConfig {
                    issuer: self.issuer.clone(),
                    audience: self.audience.clone(),
                    algorithms: self.algorithms.clone(),
                    jwks_uri: self.jwks_uri.clone(),
                    jwks_cache: self.jwks_cache,
                },
            )]);
        }
        if !self.issuer.is_empty() || !self.audience.values().is_empty() || self.jwks_uri.is_some()
        {
            return Err(Error::InvalidRequest(
                "issuers: each issuer has its own issuer, audience and jwksUri; leave the top-level ones out"
                    .into(),
            ));
        }
        let mut out: Vec<(String, IssuerConfig)> = Vec::with_capacity(self.issuers.len());
        for (i, one) in self.issuers.iter().enumerate() {
            let field = format!("issuers[{i}].");
            if out.iter().any(|(_, o)| o.issuer == one.issuer) {
                return Err(Error::InvalidRequest(format!(
                    "{field}issuer: {} is configured twice",
                    quote(&one.issuer)
                )));
            }
            let mut one = one.clone();
            one.algorithms = one.algorithms.or_else(|| self.algorithms.clone());
            one.jwks_cache = one.jwks_cache.or(self.jwks_cache);
            out.push((field, one));
        }
        Ok(out)
    }
}

impl CorsConfig {
    /// CORS for `allowed_origins`, every other setting its default.
    pub fn new(allowed_origins: impl Into<OneOrMany>) -> Self {
        CorsConfig {
            allowed_origins: allowed_origins.into(),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone)]
struct Cors {
    any_origin: bool,
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    exposed: Vec<String>,
    max_age: u64,
    credentials: bool,
}

/// One request, as the guard sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct EdgeRequest<'a> {
    /// The method, as sent (upper case).
    pub method: &'a str,
    /// The URL's path (no query), as the runtime's URL parser gives it.
    pub path: &'a str,
    /// `Authorization`.
    pub authorization: Option<&'a str>,
    /// `Origin`.
    pub origin: Option<&'a str>,
    /// `Access-Control-Request-Method`.
    pub access_control_request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers`.
    pub access_control_request_headers: Option<&'a str>,
    /// `DPoP` (the proof, RFC 9449 §4.1).
    pub dpop: Option<&'a str>,
    /// The request's absolute URL, which a DPoP proof's `htu` must name.
    pub url: &'a str,
    /// Seconds since the epoch.
    pub now: u64,
}

/// A response built at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeResponse {
    /// The status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (JSON, or empty for 204).
    pub body: String,
    /// Why, for counters and logs: the failure's error code (`token_expired`, `insufficient_scope`…),
    /// `missing_token`, or the body's `error` (`not_found`, `method_not_allowed`, `cors_not_allowed`); `preflight`,
    /// `ready` or `not_ready` for those answers.
    pub reason: String,
}

/// A request let through.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// The verified token, `None` on a public route: its claims ([`VerifiedToken::claims`]) and their JSON
    /// text as signed ([`VerifiedToken::claims_json`], what a binding hands out without serializing again).
    pub claims: Option<Arc<VerifiedToken>>,
    /// The token's scopes (`scope`, else `scp`); empty on a public route.
    pub scopes: Vec<String>,
    /// The matched route's pattern.
    pub route: String,
    /// Headers to add to the response sent back (CORS).
    pub headers: Vec<(String, String)>,
    /// Headers to set on the request forwarded to the origin: the verified subject and scopes; empty on a
    /// public route.
    pub identity: Vec<(String, String)>,
    /// The token came from the verified-token cache.
    pub cached: bool,
    /// The token was verified with a key set past its freshness (its refetch failed).
    pub stale: bool,
    /// With [`EdgeDpopConfig::external_replay`]: the DPoP proof's replay entry, to check in the caller's store
    /// before letting the request through ([`EdgeGuard::replay_refused`] when it is a replay).
    pub replay: Option<ReplayEntry>,
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Let it through.
    Allow(Allowed),
    /// Answer it with this.
    Respond(EdgeResponse),
    /// Fetch the key set of an issuer (for the token's `kid`, when it has one), then decide again with no
    /// fetch allowed.
    FetchKeys {
        /// The issuer, by its position in [`EdgeConfig::issuer_configs`].
        issuer: usize,
        /// The token's `kid`.
        kid: Option<String>,
    },
}

/// DPoP's rules, its challenge and the proofs' replay store.
#[derive(Debug)]
struct EdgeDpop {
    policy: DpopPolicy,
    challenge: ChallengeOptions,
    replay: MemoryReplayStore,
    external_replay: bool,
}

/// One issuer's verifier on its current key set, with its verified-token cache.
#[derive(Debug)]
struct IssuerSlot {
    issuer: String,
    verifier: CachingVerifier<Arc<VerifiedToken>>,
    /// When its key set stops being fresh, as the fetching layer says.
    fresh_until: Option<u64>,
}

/// The guard: configuration, each issuer's verifier on its current key set, the verified-token caches.
#[derive(Debug)]
pub struct EdgeGuard {
    issuers: Vec<IssuerSlot>,
    dpop: Option<EdgeDpop>,
    readiness_path: Option<String>,
    resource_metadata: Option<ResourceMetadata>,
    routes: RouteTable,
    challenge: ChallengeOptions,
    strict: bool,
    cors: Option<Cors>,
    forward: ForwardPolicy,
}

fn list(v: &Option<OneOrMany>, default: &[&str]) -> Vec<String> {
    match v {
        Some(OneOrMany::One(s)) => s
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(OneOrMany::Many(v)) => v.iter().map(|s| s.trim().to_owned()).collect(),
        None => default.iter().map(|s| (*s).to_owned()).collect(),
    }
}

impl Cors {
    fn new(c: &CorsConfig) -> Result<Self> {
        let origins = list(&Some(c.allowed_origins.clone()), &[]);
        if origins.is_empty() {
            return Err(Error::InvalidRequest(
                "cors.allowedOrigins must name at least one origin or \"*\"".into(),
            ));
        }
        let any_origin = origins.iter().any(|o| o == "*");
        if any_origin && c.allow_credentials {
            return Err(Error::InvalidRequest(
                "cors.allowCredentials cannot be used with allowedOrigins \"*\"".into(),
            ));
        }
        for o in origins.iter().filter(|o| *o != "*") {
            let ok = (o.starts_with("https://") || o.starts_with("http://"))
                && !o.ends_with('/')
                && o.bytes().all(|b| b.is_ascii_graphic());
            if !ok {
                return Err(Error::InvalidRequest(format!(
                    "cors.allowedOrigins: {o} is not an origin (scheme://host[:port], no path)",
                    o = quote(o)
                )));
            }
        }
        let methods = list(
            &c.allowed_methods,
            &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        );
        let headers: Vec<String> = list(&c.allowed_headers, &["authorization", "content-type"])
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let mut exposed = list(&c.exposed_headers, &[]);
        if !exposed
            .iter()
            .any(|h| h.eq_ignore_ascii_case("www-authenticate"))
        {
            exposed.push("WWW-Authenticate".into());
        }
        for v in methods.iter().chain(&headers).chain(&exposed) {
            if v.is_empty() || !v.bytes().all(is_tchar) {
                return Err(Error::InvalidRequest(format!(
                    "cors: {v} is not a method or header name",
                    v = quote(v)
                )));
            }
        }
        Ok(Cors {
            any_origin,
            origins,
            methods,
            headers,
            exposed,
            max_age: c.max_age.unwrap_or(600),
            credentials: c.allow_credentials,
        })
    }

    fn allows(&self, origin: &str) -> bool {
        self.any_origin || self.origins.iter().any(|o| o == origin)
    }

    /// The headers of an answer to a request from `origin` (none when it is not allowed).
    fn response_headers(&self, origin: Option<&str>) -> Vec<(String, String)> {
        let mut h = Vec::new();
        if !self.any_origin || self.credentials {
            h.push(("Vary".into(), "Origin".into()));
        }
        let Some(origin) = origin.filter(|o| self.allows(o)) else {
            return h;
        };
        let allow = if self.any_origin { "*" } else { origin };
        h.push(("Access-Control-Allow-Origin".into(), allow.into()));
        if self.credentials {
            h.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        h.push((
            "Access-Control-Expose-Headers".into(),
            self.exposed.join(", "),
        ));
        h
    }

    fn preflight(&self, origin: &str, method: &str, headers: Option<&str>) -> EdgeResponse {
        let mut vary = vec![(
            "Vary".to_owned(),
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers".to_owned(),
        )];
        let requested: Vec<String> = headers
            .unwrap_or("")
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        let refused = !self.allows(origin)
            || !self.methods.iter().any(|m| m == method)
            || requested.iter().any(|h| !self.headers.contains(h));
        if refused {
            return json_response(403, vary, "cors_not_allowed");
        }
        let allow = if self.any_origin { "*" } else { origin };
        vary.push(("Access-Control-Allow-Origin".into(), allow.into()));
        if self.credentials {
            vary.push(("Access-Control-Allow-Credentials".into(), "true".into()));
        }
        vary.push((
            "Access-Control-Allow-Methods".into(),
            self.methods.join(", "),
        ));
        vary.push((
            "Access-Control-Allow-Headers".into(),
            self.headers.join(", "),
        ));
        vary.push(("Access-Control-Max-Age".into(), self.max_age.to_string()));
        EdgeResponse {
            status: 204,
            headers: vary,
            body: String::new(),
            reason: "preflight".into(),
        }
    }
}

impl IssuerSlot {
    /// `one`'s verifier; errors name `field` (`issuers[1].`, or nothing for the single issuer).
    fn new(
        field: &str,
        one: &IssuerConfig,
        clock_tolerance: u64,
        token_cache: Option<TokenCacheConfig>,
    ) -> Result<Self> {
        let named = |e: Error| match e {
            Error::InvalidRequest(m) if !field.is_empty() => {
                Error::InvalidRequest(format!("{field}{m}"))
            }
            other => other,
        };
        let algorithms = one
            .algorithms
            .as_ref()
            .map(|names| {
                names
                    .iter()
                    .map(|n| Algorithm::from_name(n))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()
            .map_err(|e| Error::InvalidRequest(format!("{field}algorithms: {}", e.message())))?;
        let verifier = TokenVerifier::new(
            &one.issuer,
            one.audience
                .values()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            JwkSet::empty(),
            VerifierOptions {
                algorithms,
                clock_tolerance,
                client_id: None,
                max_token_length: VerifierOptions::default().max_token_length,
            },
        )
        .map_err(named)?;
        let verifier = CachingVerifier::new(verifier, "tokenCache", token_cache)?;
        if let Some(j) = &one.jwks_cache {
            j.policy()
                .map_err(|e| Error::InvalidRequest(format!("{field}jwksCache: {}", e.message())))?;
        }
        Ok(IssuerSlot {
            issuer: one.issuer.clone(),
            verifier,
            fresh_until: None,
        })
    }
}

fn json_response(status: u16, headers: Vec<(String, String)>, error: &str) -> EdgeResponse {
    let mut headers = headers;
    headers.push(("Content-Type".into(), "application/json".into()));
    headers.push(("Cache-Control".into(), "no-store".into()));
    EdgeResponse {
        status,
        headers,
        body: format!("{{\"error\":\"{error}\"}}"),
        reason: error.to_owned(),
    }
}

impl EdgeGuard {
    /// A guard from its configuration, with no keys yet ([`EdgeGuard::set_keys`]).
    ///
    /// Errors: `invalid_request` for a bad issuer, audience, algorithm, route table, realm, CORS setting or
    /// token-cache size; `invalid_scope_expression` for a route's bad scope expression.
    pub fn new(config: &EdgeConfig) -> Result<Self> {
        let routes = match &config.routes {
            Value::String(text) => RouteTable::from_json(text)?,
            v @ Value::Array(_) => RouteTable::from_json(&v.to_string())?,
            _ => {
                return Err(Error::InvalidRequest(
                    "routes must be an array of routes or its JSON text".into(),
                ));
            }
        };
        Self::with_routes(config, routes)
    }

    /// [`EdgeGuard::new`] with the route table already read (`config.routes` is not looked at): the JS
    /// binding reads the routes member by member, so its module carries no second, serde reading of them.
    ///
    /// Errors: as [`EdgeGuard::new`].
    pub fn with_routes(config: &EdgeConfig, routes: RouteTable) -> Result<Self> {
        let clock_tolerance = config.clock_tolerance.unwrap_or(0);
        let issuers = config
            .issuer_configs()?
            .iter()
            .map(|(field, one)| IssuerSlot::new(field, one, clock_tolerance, config.token_cache))
            .collect::<Result<Vec<_>>>()?;
        for route in routes.routes() {
            let unknown = route
                .issuers
                .iter()
                .flatten()
                .find(|name| !issuers.iter().any(|slot| &slot.issuer == *name));
            if let Some(name) = unknown {
                return Err(Error::InvalidRequest(format!(
                    "routes: route {} names issuer {}, which is not configured",
                    quote(&route.pattern),
                    quote(name)
                )));
            }
        }
        let challenge = ChallengeOptions {
            realm: config.realm.clone(),
            error_description: config.error_description,
            scope: None,
            dpop_algs: None,
            resource_metadata: None,
        };
        // Checks the realm once, here, rather than at the first failure.
        bearer_challenge(&Problem::MissingToken, &challenge)?;
        let forward = ForwardPolicy::new(
            &list(&config.strip_headers, &[]),
            &list(&config.keep_headers, &[]),
            config.keep_authorization,
        )?
        .with_claims(
            &config.claim_headers,
            config.forward_payload.as_deref(),
            config.claim_header_max_bytes,
        )?;
        let mut challenge = challenge;
        let resource_metadata = match &config.resource_metadata {
            Some(rm) => {
                let names: Vec<String> = issuers.iter().map(|s| s.issuer.clone()).collect();
                let algs = config.dpop.as_ref().map(|d| {
                    d.algorithms
                        .as_ref()
                        .map(|n| {
                            n.iter()
                                .filter_map(|a| Algorithm::from_name(a).ok())
                                .collect()
                        })
                        .unwrap_or_else(|| {
                            Algorithm::ALL
                                .into_iter()
                                .filter(|a| !a.is_symmetric())
                                .collect::<Vec<_>>()
                        })
                });
                let (doc, url) = ResourceMetadata::new(rm, &names, algs.as_deref())?;
                challenge.resource_metadata = Some(url);
                Some(doc)
            }
            None => None,
        };
        let dpop = config
            .dpop
            .as_ref()
            .map(|d| -> Result<EdgeDpop> {
                let algorithms = d
                    .algorithms
                    .as_ref()
                    .map(|names| names.iter().map(|n| Algorithm::from_name(n)).collect())
                    .transpose()
                    .map_err(|e: Error| {
                        Error::InvalidRequest(format!("dpop.algorithms: {}", e.message()))
                    })?;
                let policy = DpopPolicy::new(algorithms, d.max_age, clock_tolerance)?;
                let replay = MemoryReplayStore::new(ReplayStoreConfig {
                    max_entries: d.replay_entries,
                })
                .map_err(|e| {
                    Error::InvalidRequest(format!("dpop.replayEntries: {}", e.message()))
                })?;
                Ok(EdgeDpop {
                    challenge: ChallengeOptions {
                        dpop_algs: Some(policy.algorithms().to_vec()),
                        ..challenge.clone()
                    },
                    policy,
                    replay,
                    external_replay: d.external_replay,
                })
            })
            .transpose()?;
        if let Some(path) = &config.readiness_path {
            if !path.starts_with('/') || !path.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::InvalidRequest(format!(
                    "readinessPath: {} is not an absolute path",
                    quote(path)
                )));
            }
        }
        Ok(EdgeGuard {
            issuers,
            dpop,
            readiness_path: config.readiness_path.clone(),
            resource_metadata,
            routes,
            challenge,
            strict: config.strict,
            cors: config.cors.as_ref().map(Cors::new).transpose()?,
            forward,
        })
    }

    /// How many issuers it serves (the positions of [`EdgeConfig::issuer_configs`]).
    pub fn issuer_count(&self) -> usize {
        self.issuers.len()
    }

    /// The generation of `issuer`'s key set in use (see [`crate::server::jwks_cache::JwksCache::generation`]),
    /// `None` before the first.
    pub fn keys_generation(&self, issuer: usize) -> Option<u64> {
        self.issuers.get(issuer)?.verifier.keys_generation()
    }

    /// [`JwkSet::id`] of `issuer`'s key set in use, `None` before the first.
    pub fn keys_id(&self, issuer: usize) -> Option<u64> {
        let slot = self.issuers.get(issuer)?;
        slot.verifier
            .keys_generation()
            .map(|_| slot.verifier.verifier().jwks().id())
    }

    /// `issuer` uses `jwks` from now on; a new `generation` empties its verified-token cache.
    pub fn set_keys(&mut self, issuer: usize, jwks: JwkSet, generation: u64) {
        if let Some(slot) = self.issuers.get_mut(issuer) {
            slot.verifier.set_keys(jwks, generation);
        }
    }

    /// When `issuer`'s key set stops being fresh (the fetching layer's freshness): a token verified with it
    /// from then on is [`Allowed::stale`].
    pub fn set_fresh_until(&mut self, issuer: usize, fresh_until: Option<u64>) {
        if let Some(slot) = self.issuers.get_mut(issuer) {
            slot.fresh_until = fresh_until;
        }
    }

    /// How many verified tokens are cached (every issuer's).
    pub fn cached_tokens(&self) -> usize {
        self.issuers
            .iter()
            .map(|s| s.verifier.cached_tokens())
            .sum()
    }

    /// The issuer whose rules `token` is checked by on `route`: the only one, or the one its unverified `iss`
    /// names, which the route must accept.
    fn choose_issuer(&self, token: &str, route: &Route) -> Result<usize> {
        if let [_] = self.issuers.as_slice() {
            // The route table was checked against the issuers: a route can only name this one.
            return Ok(0);
        }
        let iss = UnverifiedJws::peek_issuer(token).ok_or_else(|| {
            Error::IssuerMismatch("the token has no string iss to choose an issuer by".into())
        })?;
        let accepted = route
            .issuers
            .as_ref()
            .is_none_or(|names| names.contains(&iss));
        match self.issuers.iter().position(|s| s.issuer == iss) {
            Some(i) if accepted => Ok(i),
            Some(_) => Err(Error::IssuerMismatch(format!(
                "route {} does not accept tokens from {}",
                quote(&route.pattern),
                quote(&iss)
            ))),
            None => Err(Error::IssuerMismatch(format!(
                "{} is not a configured issuer",
                quote(&iss)
            ))),
        }
    }

    /// Whether an incoming header called `name` is removed before the request is forwarded (any route).
    pub fn strips_header(&self, name: &str) -> bool {
        self.forward.strips(name)
    }

    fn cors_headers(&self, origin: Option<&str>) -> Vec<(String, String)> {
        self.cors
            .as_ref()
            .map(|c| c.response_headers(origin))
            .unwrap_or_default()
    }

    fn fail(&self, origin: Option<&str>, problem: &Problem) -> Decision {
        self.fail_as(origin, problem, false)
    }

    /// The answer to `problem`, in a DPoP challenge when the request used that scheme (`dpop`); a request
    /// with no token is offered both schemes when DPoP is on (RFC 9449 §7.1).
    fn fail_as(&self, origin: Option<&str>, problem: &Problem, dpop: bool) -> Decision {
        let mut headers = self.cors_headers(origin);
        let dpop_challenge = self.dpop.as_ref().map(|d| &d.challenge);
        let options = match (dpop, dpop_challenge) {
            (true, Some(c)) => c,
            _ => &self.challenge,
        };
        let dpop_code = match problem {
            Problem::Failure { code, .. }
                if dpop && matches!(code.as_str(), "invalid_dpop_proof" | "use_dpop_nonce") =>
            {
                Some(code.as_str())
            }
            _ => None,
        };
        let (status, error) = match bearer_challenge(problem, options) {
            Ok(c) => {
                headers.push(("WWW-Authenticate".into(), c.www_authenticate));
                if let (Problem::MissingToken, Some(offer)) = (problem, dpop_challenge) {
                    if let Ok(d) = bearer_challenge(problem, offer) {
                        headers.push(("WWW-Authenticate".into(), d.www_authenticate));
                    }
                }
                let error = match c.status {
                    400 => "invalid_request",
                    401 if matches!(problem, Problem::MissingToken) => "unauthorized",
                    401 if dpop_code.is_some() => dpop_code.unwrap_or("invalid_token"),
                    401 if matches!(problem, Problem::Failure { code, .. } if code == "insufficient_user_authentication") => {
                        "insufficient_user_authentication"
                    }
                    401 => "invalid_token",
                    403 => "insufficient_scope",
                    503 => "temporarily_unavailable",
                    _ => "server_error",
                };
                (c.status, error)
            }
            // The realm was checked at construction; a challenge cannot fail here, but answer safely.
            Err(_) => (500, "server_error"),
        };
        let mut response = json_response(status, headers, error);
        response.reason = match problem {
            Problem::MissingToken => "missing_token".into(),
            Problem::Failure { code, .. } => code.clone(),
        };
        Decision::Respond(response)
    }

    fn fail_error(&self, origin: Option<&str>, err: &Error) -> Decision {
        self.fail(origin, &Problem::from(err))
    }

    /// The answer to a token's failure, in the scheme it came with.
    fn refuse(&self, context: &CheckContext, err: &Error) -> Decision {
        self.fail_as(context.origin.as_deref(), &Problem::from(err), context.dpop)
    }

    /// Decides what to do with `req`. `fetch_due(kid)` tells whether the key set should be fetched before
    /// verifying a token with that `kid` (none yet, stale, or `kid` unknown — and the cooldown allows it);
    /// after fetching, decide again with a `fetch_due` that says no. The signature goes through the Rust
    /// algorithms: [`Self::start`] and [`Self::finish`] with [`EdgeCheck::check_with_rust`].
    pub fn decide(
        &mut self,
        req: &EdgeRequest<'_>,
        fetch_due: impl Fn(usize, Option<&str>) -> bool,
    ) -> Decision {
        let mut step = self.start(req, fetch_due);
        loop {
            match step {
                Step::Decided(decision) => return decision,
                Step::Verify(check) => {
                    let proof = check.check_with_rust();
                    step = self.finish(check, proof);
                }
            }
        }
    }

    /// [`Self::decide`] up to the signature check: a decision, or a token that passed every rule before its
    /// signature, to check (natively, by the binding) and hand to [`Self::finish`].
    pub fn start(
        &mut self,
        req: &EdgeRequest<'_>,
        fetch_due: impl Fn(usize, Option<&str>) -> bool,
    ) -> Step {
        if let (Some(cors), "OPTIONS", Some(origin), Some(method)) = (
            &self.cors,
            req.method,
            req.origin,
            req.access_control_request_method,
        ) {
            return Step::Decided(Decision::Respond(cors.preflight(
                origin,
                method,
                req.access_control_request_headers,
            )));
        }
        if let Some(doc) = self
            .resource_metadata
            .as_ref()
            .filter(|d| d.path == req.path && matches!(req.method, "GET" | "HEAD"))
        {
            let mut headers = self.cors_headers(req.origin);
            headers.push(("Content-Type".into(), "application/json".into()));
            headers.push(("Cache-Control".into(), "max-age=3600".into()));
            return Step::Decided(Decision::Respond(EdgeResponse {
                status: 200,
                headers,
                body: doc.body.clone(),
                reason: "resource_metadata".into(),
            }));
        }
        if self.readiness_path.as_deref() == Some(req.path) && matches!(req.method, "GET" | "HEAD")
        {
            return self.readiness(req, fetch_due);
        }
        if !is_forwarded_method(req.method) {
            return Step::Decided(match self.routes.allowed_methods(req.path) {
                Ok(allow) => {
                    let mut headers = self.cors_headers(req.origin);
                    headers.push(("Allow".into(), allow.join(", ")));
                    Decision::Respond(json_response(405, headers, "method_not_allowed"))
                }
                Err(e) => self.fail_error(req.origin, &e),
            });
        }
        let route = match self.routes.find(req.method, req.path) {
            Ok(Some(route)) => route,
            Ok(None) => {
                let headers = self.cors_headers(req.origin);
                return Step::Decided(Decision::Respond(json_response(404, headers, "not_found")));
            }
            Err(e) => return Step::Decided(self.fail_error(req.origin, &e)),
        };
        let pattern = route.pattern.clone();
        let requirement = match &route.access {
            Access::Public => {
                return Step::Decided(Decision::Allow(Allowed {
                    claims: None,
                    scopes: Vec::new(),
                    route: pattern,
                    headers: self.cors_headers(req.origin),
                    identity: Vec::new(),
                    cached: false,
                    stale: false,
                    replay: None,
                }));
            }
            Access::Token(requirement) => requirement.clone(),
        };
        let dpop_token = match self.dpop {
            Some(_) => bearer::scheme_token(req.authorization, "DPoP"),
            None => Ok(None),
        };
        let (token, dpop) = match dpop_token {
            Ok(Some(token)) => (token, true),
            Err(e) => return Step::Decided(self.fail_as(req.origin, &Problem::from(&e), true)),
            Ok(None) => match bearer::bearer_token(req.authorization) {
                Ok(Some(token)) => (token, false),
                Ok(None) => return Step::Decided(self.fail(req.origin, &Problem::MissingToken)),
                Err(e) => return Step::Decided(self.fail_error(req.origin, &e)),
            },
        };
        let context = CheckContext {
            requirement,
            step_up: route.step_up.clone(),
            pattern,
            origin: req.origin.map(str::to_owned),
            now: req.now,
            issuer: 0,
            dpop,
        };
        let issuer = match self.choose_issuer(token, route) {
            Ok(i) => i,
            Err(e) => return Step::Decided(self.refuse(&context, &e)),
        };
        let context = CheckContext { issuer, ..context };
        // A DPoP-bound token is never served from the cache: its proof is checked at every request.
        let cached = self
            .issuers
            .get_mut(issuer)
            .filter(|_| !dpop)
            .and_then(|slot| slot.verifier.cached(token, req.now));
        if let Some(claims) = cached {
            return Step::Decided(self.allow(&context, claims, true));
        }
        let Some(slot) = self.issuers.get(issuer) else {
            return Step::Decided(self.fail(req.origin, &Problem::MissingToken));
        };
        let verifier = slot.verifier.verifier();
        // Parsed once: its kid decides a fetch, then its signature check is prepared.
        let parsed = match verifier.parse(token) {
            Ok(parsed) => parsed,
            Err(e) => return Step::Decided(self.refuse(&context, &e)),
        };
        let kid = parsed.header().kid();
        if fetch_due(issuer, kid) {
            let kid = kid.map(str::to_owned);
            return Step::Decided(Decision::FetchKeys { issuer, kid });
        }
        if verifier.jwks().is_empty() {
            return Step::Decided(self.fail_error(
                req.origin,
                &Error::HttpError {
                    message: "no JWKS could be fetched".into(),
                    status: None,
                },
            ));
        }
        let policy = Policy::AccessToken(AccessTokenOptions {
            now: req.now,
            required_scopes: None,
            strict: self.strict,
            dpop_jkt: None,
        });
        let token_pending = match verifier.prepare_parsed(parsed, &policy) {
            Ok(pending) => pending,
            Err(e) => return Step::Decided(self.refuse(&context, &e)),
        };
        let mut check = EdgeCheck {
            pending: token_pending,
            token: token.to_owned(),
            policy,
            context,
            proof: None,
            replay: None,
        };
        if let (true, Some(d)) = (dpop, &self.dpop) {
            let prepared = req
                .dpop
                .ok_or_else(|| {
                    Error::InvalidDpopProof(
                        "a DPoP token comes with a DPoP header holding its proof (RFC 9449 §7.1)"
                            .into(),
                    )
                })
                .and_then(|proof| prepare_proof(proof, &d.policy));
            let PendingProof { pending, jkt } = match prepared {
                Ok(p) => p,
                Err(e) => return Step::Decided(self.refuse(&check.context, &e)),
            };
            // The proof's signature first, then the token's (EdgeGuard::finish).
            let token_pending = std::mem::replace(&mut check.pending, pending);
            check.proof = Some(Box::new(ProofStage {
                token_pending,
                jkt,
                method: req.method.to_owned(),
                url: req.url.to_owned(),
            }));
        }
        Step::Verify(Box::new(check))
    }

    /// The readiness answer: every issuer's key count; an issuer without keys is fetched first when due.
    fn readiness(
        &self,
        req: &EdgeRequest<'_>,
        fetch_due: impl Fn(usize, Option<&str>) -> bool,
    ) -> Step {
        let keys: Vec<usize> = self
            .issuers
            .iter()
            .map(|s| s.verifier.verifier().jwks().keys().len())
            .collect();
        if let Some(issuer) = keys
            .iter()
            .enumerate()
            .position(|(i, &n)| n == 0 && fetch_due(i, None))
        {
            return Step::Decided(Decision::FetchKeys { issuer, kid: None });
        }
        let ready = keys.iter().all(|&n| n > 0);
        let issuers: Vec<Value> = self
            .issuers
            .iter()
            .zip(&keys)
            .map(|(s, n)| serde_json::json!({"issuer": s.issuer, "keys": n}))
            .collect();
        let mut headers = self.cors_headers(req.origin);
        headers.push(("Content-Type".into(), "application/json".into()));
        headers.push(("Cache-Control".into(), "no-store".into()));
        Step::Decided(Decision::Respond(EdgeResponse {
            status: if ready { 200 } else { 503 },
            headers,
            body: serde_json::json!({"ready": ready, "issuers": issuers}).to_string(),
            reason: if ready { "ready" } else { "not_ready" }.into(),
        }))
    }

    /// The next step for a check [`Self::start`] (or this) left, given the check's outcome: a proof made for
    /// this check's own [`EdgeCheck::pending`] (any other is `invalid_signature`). A DPoP proof's signature
    /// is followed by its claims against the request (RFC 9449 §4.3) and then the token's signature, another
    /// [`Step::Verify`]; a token's by the claims rules (bound to the proof's key with DPoP), the proof's
    /// `jti` in the replay store, the cache (Bearer only) and the route's scopes.
    pub fn finish(&mut self, check: Box<EdgeCheck>, proof: Result<SignatureProof>) -> Step {
        let EdgeCheck {
            pending,
            token,
            mut policy,
            context,
            proof: stage,
            replay,
        } = *check;
        let verified = match proof.and_then(|proof| pending.complete(proof)) {
            Ok(verified) => verified,
            Err(e) if stage.is_some() => {
                return Step::Decided(self.refuse(&context, &proof_error(e)));
            }
            Err(e) => return Step::Decided(self.refuse(&context, &e)),
        };
        if let Some(stage) = stage {
            let ProofStage {
                token_pending,
                jkt,
                method,
                url,
            } = *stage;
            let request = DpopRequest {
                method: &method,
                url: &url,
                access_token: &token,
                nonce: None,
                now: context.now,
            };
            let entry = match &self.dpop {
                Some(d) => check_proof(&verified, &jkt, &request, &d.policy),
                None => Err(Error::InvalidDpopProof("DPoP is not configured".into())),
            };
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return Step::Decided(self.refuse(&context, &e)),
            };
            if let Policy::AccessToken(options) = &mut policy {
                options.dpop_jkt = Some(jkt);
            }
            return Step::Verify(Box::new(EdgeCheck {
                pending: token_pending,
                token,
                policy,
                context,
                proof: None,
                replay: Some(entry),
            }));
        }
        let Some(slot) = self.issuers.get(context.issuer) else {
            return Step::Decided(
                self.refuse(&context, &Error::IssuerMismatch("no issuer".into())),
            );
        };
        if let Err(e) = slot.verifier.verifier().check(&verified, &policy) {
            return Step::Decided(self.refuse(&context, &e));
        }
        let verified = Arc::new(verified);
        let mut external = None;
        if let Some(entry) = replay {
            let replayed = match &mut self.dpop {
                Some(d) if d.external_replay => {
                    external = Some(entry);
                    Ok(())
                }
                Some(d) => check_proof_replay(&entry, &mut d.replay, context.now),
                None => Err(Error::InvalidDpopProof("DPoP is not configured".into())),
            };
            if let Err(e) = replayed {
                return Step::Decided(self.refuse(&context, &e));
            }
        } else if let Some(slot) = self.issuers.get_mut(context.issuer) {
            slot.verifier
                .remember(&token, verified.claims().get("exp"), context.now, || {
                    verified.clone()
                });
        }
        match self.allow(&context, verified, false) {
            Decision::Allow(allowed) => Step::Decided(Decision::Allow(Allowed {
                replay: external,
                ..allowed
            })),
            other => Step::Decided(other),
        }
    }

    /// The answer to a DPoP request whose proof the caller's store says is a replay (see
    /// [`EdgeDpopConfig::external_replay`]), or whose store failed: `401` `invalid_dpop_proof` (fail closed).
    pub fn replay_refused(&self, origin: Option<&str>) -> EdgeResponse {
        match self.fail_as(
            origin,
            &Problem::from(&proof_error(crate::server::replayed())),
            true,
        ) {
            Decision::Respond(r) => r,
            _ => json_response(401, self.cors_headers(origin), "invalid_dpop_proof"),
        }
    }

    /// A verified token on its route: the route's scopes, then through with the claims.
    fn allow(
        &self,
        context: &CheckContext,
        verified: Arc<VerifiedToken>,
        cached: bool,
    ) -> Decision {
        let claims = verified.claims();
        let origin = context.origin.as_deref();
        let scopes = scope::scopes_of(claims);
        if let Some(requirement) = &context.requirement {
            if let Err(e) = scope::require_of(&scopes, requirement) {
                return self.refuse(context, &e);
            }
        }
        if let Some(step_up) = &context.step_up {
            if let Err(e) = step_up.check(claims, context.now) {
                return self.refuse(context, &e);
            }
        }
        let mut identity = ForwardPolicy::identity(claims, &scopes);
        self.forward.add_claim_headers(&verified, &mut identity);
        Decision::Allow(Allowed {
            identity,
            scopes,
            claims: Some(verified),
            route: context.pattern.clone(),
            headers: self.cors_headers(origin),
            cached,
            replay: None,
            stale: !cached
                && self
                    .issuers
                    .get(context.issuer)
                    .and_then(|s| s.fresh_until)
                    .is_some_and(|t| context.now >= t),
        })
    }
}

/// Where [`EdgeGuard::start`] left a request.
#[derive(Debug)]
pub enum Step {
    /// Decided before any signature check.
    Decided(Decision),
    /// A token whose signature is to be checked, then handed to [`EdgeGuard::finish`].
    Verify(Box<EdgeCheck>),
}

/// What the decision on a request needs after its signature check.
#[derive(Debug)]
struct CheckContext {
    requirement: Option<Requirement>,
    pattern: String,
    origin: Option<String>,
    now: u64,
    /// The route's authentication requirement (RFC 9470).
    step_up: Option<StepUp>,
    /// The issuer chosen for the token.
    issuer: usize,
    /// The token came as `Authorization: DPoP`.
    dpop: bool,
}

/// A DPoP proof whose signature is being checked: what comes after it.
#[derive(Debug)]
struct ProofStage {
    /// The access token's signature check, next.
    token_pending: PendingSignature,
    /// The proof key's thumbprint, which the token's `cnf.jkt` must equal.
    jkt: String,
    method: String,
    url: String,
}

/// A request's token waiting for its signature check (see [`EdgeGuard::start`]).
#[derive(Debug)]
pub struct EdgeCheck {
    pending: PendingSignature,
    token: String,
    policy: Policy,
    context: CheckContext,
    /// With DPoP: `pending` is the proof's signature, and this what follows it.
    proof: Option<Box<ProofStage>>,
    /// With DPoP, once the proof passed: its `jti`'s entry, for the replay store after the token passed.
    replay: Option<ReplayEntry>,
}

impl EdgeCheck {
    /// The signature check: algorithm, signing input, signature and candidate keys.
    pub fn pending(&self) -> &PendingSignature {
        &self.pending
    }

    /// The issuer whose keys it is checked with (its position in [`EdgeConfig::issuer_configs`]).
    pub fn issuer(&self) -> usize {
        self.context.issuer
    }

    /// Every candidate through the Rust algorithms, in order: the first proof, or the last error.
    pub fn check_with_rust(&self) -> Result<SignatureProof> {
        self.check_with(|_| None)
    }

    /// Every candidate through [`PendingSignature::check_with`] and `primitive`, in order.
    pub fn check_with(
        &self,
        mut primitive: impl FnMut(&SignatureCheck<'_>) -> Option<bool>,
    ) -> Result<SignatureProof> {
        let mut last = Error::InvalidSignature("the signature does not verify".into());
        for candidate in 0..self.pending.candidate_count() {
            match self.pending.check_with(candidate, &mut primitive) {
                Ok(proof) => return Ok(proof),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::testutil::{TestKey, key_for, sign};
    use serde_json::json;

    const NOW: u64 = 1_700_000_000;
    const ISS: &str = "https://idp.example.com";

    fn config(set: impl FnOnce(&mut EdgeConfig)) -> EdgeConfig {
        let routes = json!([
            {"method": "GET", "path": "/health", "public": true},
            {"method": "GET", "path": "/api/users", "scopes": "users.read"},
            {"method": "*", "path": "/api/*"}
        ]);
        let mut c = EdgeConfig {
            realm: Some("api".into()),
            ..EdgeConfig::new(ISS, "api", routes)
        };
        set(&mut c);
        c
    }

    fn some(values: &[&str]) -> Option<OneOrMany> {
        Some(OneOrMany::Many(
            values.iter().map(|&v| v.to_owned()).collect(),
        ))
    }

    fn key() -> TestKey {
        key_for(Algorithm::Es256, 1)
    }

    fn jwks(kid: &str) -> JwkSet {
        JwkSet::from_keys(&[key().jwk_with_kid(kid)]).unwrap()
    }

    fn token(kid: &str, claims: Value) -> String {
        let mut c = json!({"iss": ISS, "aud": "api", "sub": "alice", "exp": NOW + 60, "scope": "users.read"});
        if let (Value::Object(b), Value::Object(e)) = (&mut c, claims) {
            b.extend(e);
        }
        sign(
            Algorithm::Es256,
            json!({"alg": "ES256", "kid": kid, "typ": "at+jwt"}),
            &c,
            &key(),
        )
    }

    fn guard(set: impl FnOnce(&mut EdgeConfig)) -> EdgeGuard {
        let mut g = EdgeGuard::new(&config(set)).unwrap();
        g.set_keys(0, jwks("k1"), 1);
        g
    }

    fn req<'a>(method: &'a str, path: &'a str, auth: Option<&'a str>) -> EdgeRequest<'a> {
        EdgeRequest {
            method,
            path,
            authorization: auth,
            now: NOW,
            ..Default::default()
        }
    }

    fn decided(step: Step) -> Decision {
        match step {
            Step::Decided(d) => d,
            Step::Verify(check) => panic!("expected a decision, found {check:?}"),
        }
    }

    fn respond(d: Decision) -> EdgeResponse {
        match d {
            Decision::Respond(r) => r,
            other => panic!("expected a response, found {other:?}"),
        }
    }

    /// Every `WWW-Authenticate` of `r`, in order.
    fn challenges(r: &EdgeResponse) -> Vec<&str> {
        r.headers
            .iter()
            .filter(|(k, _)| k == "WWW-Authenticate")
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn header<'a>(r: &'a EdgeResponse, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn start_and_finish_take_only_the_checks_own_proof() {
        let mut g = guard(|_| {});
        let no = |_: usize, _: Option<&str>| false;
        let auth_a = format!("Bearer {}", token("k1", json!({"sub": "a"})));
        let auth_b = format!("Bearer {}", token("k1", json!({"sub": "b"})));
        let start = |g: &mut EdgeGuard, auth: &str| match g
            .start(&req("GET", "/api/users", Some(auth)), no)
        {
            Step::Verify(check) => check,
            other => panic!("{other:?}"),
        };
        let (a, b) = (start(&mut g, &auth_a), start(&mut g, &auth_b));
        // b's proof does not complete a
        let proof_b = b.check_with_rust();
        let r = respond(decided(g.finish(a, proof_b)));
        assert_eq!(r.status, 401);
        // a primitive answering false fails closed; one that cannot tell leaves it to the Rust algorithms
        let a = start(&mut g, &auth_a);
        let refused = a.check_with(|_| Some(false));
        assert_eq!(respond(decided(g.finish(a, refused))).status, 401);
        let a = start(&mut g, &auth_a);
        let undecided = a.check_with(|_| None);
        match decided(g.finish(a, undecided)) {
            Decision::Allow(allowed) => assert_eq!(allowed.claims.unwrap().claims()["sub"], "a"),
            other => panic!("{other:?}"),
        }
        // a tampered token: the Rust algorithms refuse it, whatever else was tried
        let good = token("k1", json!({}));
        let at = good.len() - 10;
        let flipped = if &good[at..=at] == "A" { "B" } else { "A" };
        let bad = format!("Bearer {}{flipped}{}", &good[..at], &good[at + 1..]);
        let c = start(&mut g, &bad);
        let proof = c.check_with_rust();
        assert_eq!(respond(decided(g.finish(c, proof))).status, 401);
    }

    #[test]
    fn several_issuers_each_with_their_keys_audiences_and_routes() {
        const ISS2: &str = "https://other.example.com";
        let key2 = key_for(Algorithm::Es256, 2);
        let issuers = vec![
            IssuerConfig {
                issuer: ISS.into(),
                audience: "api".into(),
                ..IssuerConfig::default()
            },
            IssuerConfig {
                issuer: ISS2.into(),
                audience: "api-b".into(),
                algorithms: Some(vec!["ES256".into()]),
                ..IssuerConfig::default()
            },
        ];
        let routes = json!([
            {"method": "GET", "path": "/only-b", "issuers": [ISS2]},
            {"method": "*", "path": "/api/*"}
        ]);
        let c = EdgeConfig {
            issuers: issuers.clone(),
            ..EdgeConfig::new("", OneOrMany::default(), routes.clone())
        };
        let mut g = EdgeGuard::new(&c).unwrap();
        assert_eq!(g.issuer_count(), 2);
        let signed = |key: &TestKey, claims: Value| {
            format!(
                "Bearer {}",
                sign(
                    Algorithm::Es256,
                    json!({"alg": "ES256", "kid": "k1"}),
                    &claims,
                    key
                )
            )
        };
        let b = signed(
            &key2,
            json!({"iss": ISS2, "aud": "api-b", "sub": "bob", "exp": NOW + 60}),
        );
        let a = format!("Bearer {}", token("k1", json!({})));
        // each issuer asks for its own keys
        let due = |_: usize, _: Option<&str>| true;
        assert!(matches!(
            g.decide(&req("GET", "/api/x", Some(&a)), due),
            Decision::FetchKeys { issuer: 0, .. }
        ));
        assert!(matches!(
            g.decide(&req("GET", "/api/x", Some(&b)), due),
            Decision::FetchKeys { issuer: 1, .. }
        ));
        g.set_keys(0, jwks("k1"), 1);
        g.set_keys(1, JwkSet::from_keys(&[key2.jwk_with_kid("k1")]).unwrap(), 1);
        assert_eq!(g.keys_generation(1), Some(1));
        let no = |_: usize, _: Option<&str>| false;
        let status = |g: &mut EdgeGuard, path: &str, auth: &str| match g
            .decide(&req("GET", path, Some(auth)), no)
        {
            Decision::Allow(allowed) => allowed
                .claims
                .map_or(0, |c| if c.claims()["sub"] == "bob" { 2 } else { 1 }),
            Decision::Respond(r) => r.status,
            other => panic!("{other:?}"),
        };
        assert_eq!(status(&mut g, "/api/x", &a), 1);
        assert_eq!(status(&mut g, "/api/x", &b), 2);
        assert_eq!(status(&mut g, "/only-b", &b), 2);
        // the route accepts only the second issuer
        assert_eq!(status(&mut g, "/only-b", &a), 401);
        for bad in [
            // the first issuer's audience is not the second's
            signed(
                &key2,
                json!({"iss": ISS2, "aud": "api", "sub": "bob", "exp": NOW + 60}),
            ),
            // signed with the first issuer's key, claiming the second
            signed(
                &key(),
                json!({"iss": ISS2, "aud": "api-b", "sub": "bob", "exp": NOW + 60}),
            ),
            // no configured issuer, no iss, a non-string iss
            signed(
                &key(),
                json!({"iss": "https://evil.example.com", "aud": "api", "exp": NOW + 60}),
            ),
            signed(&key(), json!({"aud": "api", "sub": "a", "exp": NOW + 60})),
            signed(&key(), json!({"iss": 5, "aud": "api", "exp": NOW + 60})),
        ] {
            let r = respond(g.decide(&req("GET", "/api/x", Some(&bad)), no));
            assert_eq!(r.status, 401, "{bad}");
            assert!(
                header(&r, "www-authenticate")
                    .unwrap()
                    .contains("invalid_token")
            );
        }

        // configuration errors name the field
        type Set = Box<dyn Fn(&mut EdgeConfig)>;
        let cases: Vec<(&str, Set)> = vec![
            ("issuers: ", Box::new(|c| c.issuer = ISS.into())),
            (
                "issuers: ",
                Box::new(|c| c.jwks_uri = Some("https://x".into())),
            ),
            (
                "issuers[1].issuer",
                Box::new(|c| {
                    if let Some(i) = c.issuers.get_mut(1) {
                        i.issuer = ISS.into();
                    }
                }),
            ),
            (
                "issuers[1].algorithms",
                Box::new(|c| {
                    if let Some(i) = c.issuers.get_mut(1) {
                        i.algorithms = Some(vec!["none".into()]);
                    }
                }),
            ),
            (
                "issuers[0].",
                Box::new(|c| {
                    if let Some(i) = c.issuers.get_mut(0) {
                        i.audience = OneOrMany::Many(vec![]);
                    }
                }),
            ),
            (
                "issuers[1].jwksCache",
                Box::new(|c| {
                    if let Some(i) = c.issuers.get_mut(1) {
                        i.jwks_cache = Some(JwksCacheConfig {
                            min_max_age: Some(10),
                            default_max_age: Some(5),
                            ..JwksCacheConfig::default()
                        });
                    }
                }),
            ),
            (
                "names issuer",
                Box::new(|c| {
                    c.routes = json!([{"method": "GET", "path": "/a", "issuers": ["https://nope"]}])
                }),
            ),
        ];
        for (field, set) in &cases {
            let mut bad = c.clone();
            set(&mut bad);
            let e = EdgeGuard::new(&bad).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{field}");
            assert!(e.message().contains(field), "{field}: {}", e.message());
        }
        let none = EdgeConfig::new("", OneOrMany::default(), routes);
        assert!(
            EdgeGuard::new(&none)
                .unwrap_err()
                .message()
                .contains("issuer")
        );
    }

    #[test]
    fn dpop_tokens_with_their_proofs() {
        use crate::server::thumbprint;
        use sha2::{Digest, Sha256};
        const URL: &str = "https://api.example.com/api/x";
        let mut g = guard(|c| {
            c.dpop = Some(EdgeDpopConfig {
                algorithms: Some(vec!["ES256".into(), "EdDSA".into()]),
                ..EdgeDpopConfig::default()
            });
            c.token_cache = Some(TokenCacheConfig { max_entries: 10 });
        });
        let holder = key_for(Algorithm::Es256, 3);
        let jwk = holder.jwk();
        let jkt = thumbprint(jwk.as_object().unwrap()).unwrap();
        let bound = token("k1", json!({"cnf": {"jkt": jkt}}));
        let proof = |jti: &str, htm: &str, tok: &str| {
            sign(
                Algorithm::Es256,
                json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}),
                &json!({"jti": jti, "htm": htm, "htu": URL, "iat": NOW,
                    "ath": crate::jose::base64url::encode(Sha256::digest(tok.as_bytes()))}),
                &holder,
            )
        };
        let no = |_: usize, _: Option<&str>| false;
        let call = |g: &mut EdgeGuard, auth: &str, dpop: Option<&str>| {
            let mut r = req("GET", "/api/x", Some(auth));
            r.dpop = dpop;
            r.url = URL;
            g.decide(&r, no)
        };
        let auth = format!("DPoP {bound}");
        let p1 = proof("p-1", "GET", &bound);
        match call(&mut g, &auth, Some(&p1)) {
            Decision::Allow(a) => assert_eq!(a.claims.unwrap().claims()["sub"], "alice"),
            other => panic!("{other:?}"),
        }
        assert_eq!(g.cached_tokens(), 0, "a DPoP token is not cached");
        let dpop_error = |d: Decision, error: &str| {
            let r = respond(d);
            assert_eq!(r.status, 401, "{error}");
            let h = header(&r, "www-authenticate").unwrap().to_owned();
            assert!(h.starts_with("DPoP realm=\"api\""), "{h}");
            assert!(h.contains(&format!("error=\"{error}\"")), "{h}");
            assert!(h.ends_with("algs=\"ES256 EdDSA\""), "{h}");
        };
        // the same proof again: a replay
        dpop_error(call(&mut g, &auth, Some(&p1)), "invalid_dpop_proof");
        // no proof, a proof for another method, for another token, a garbage proof
        dpop_error(call(&mut g, &auth, None), "invalid_dpop_proof");
        dpop_error(
            call(&mut g, &auth, Some(&proof("p-2", "POST", &bound))),
            "invalid_dpop_proof",
        );
        let other = token("k1", json!({"cnf": {"jkt": jkt}, "jti": "x"}));
        dpop_error(
            call(&mut g, &auth, Some(&proof("p-3", "GET", &other))),
            "invalid_dpop_proof",
        );
        dpop_error(call(&mut g, &auth, Some("a.b.c")), "invalid_dpop_proof");
        // a token bound to another key; an unbound token sent as DPoP
        let elsewhere = token("k1", json!({"cnf": {"jkt": "AAAA"}}));
        let r = call(
            &mut g,
            &format!("DPoP {elsewhere}"),
            Some(&proof("p-4", "GET", &elsewhere)),
        );
        dpop_error(r, "invalid_dpop_proof");
        let plain = token("k1", json!({}));
        let r = call(
            &mut g,
            &format!("DPoP {plain}"),
            Some(&proof("p-5", "GET", &plain)),
        );
        dpop_error(r, "invalid_dpop_proof");
        // an invalid token with a good proof is invalid_token, in a DPoP challenge
        let expired = token("k1", json!({"cnf": {"jkt": jkt}, "exp": NOW}));
        let r = call(
            &mut g,
            &format!("DPoP {expired}"),
            Some(&proof("p-6", "GET", &expired)),
        );
        dpop_error(r, "invalid_token");
        // the bound token as Bearer: refused, even once it was accepted with DPoP
        let r = respond(call(&mut g, &format!("Bearer {bound}"), None));
        assert_eq!(r.status, 401);
        assert!(
            header(&r, "www-authenticate")
                .unwrap()
                .starts_with("Bearer ")
        );
        // no token: both schemes offered
        let r = respond(g.decide(&req("GET", "/api/x", None), no));
        let offered = challenges(&r);
        assert_eq!(
            offered,
            [
                "Bearer realm=\"api\"",
                "DPoP realm=\"api\", algs=\"ES256 EdDSA\""
            ]
        );
        // Bearer tokens still work and are cached
        assert!(matches!(
            call(&mut g, &format!("Bearer {plain}"), None),
            Decision::Allow(_)
        ));
        assert_eq!(g.cached_tokens(), 1);
        // a store of the caller's: the entry is handed out, the guard remembers nothing
        let mut ext = guard(|c| {
            c.dpop = Some(EdgeDpopConfig {
                algorithms: Some(vec!["ES256".into(), "EdDSA".into()]),
                external_replay: true,
                ..EdgeDpopConfig::default()
            })
        });
        let p9 = proof("p-9", "GET", &bound);
        let entries: Vec<ReplayEntry> = (0..2)
            .map(|_| match call(&mut ext, &auth, Some(&p9)) {
                Decision::Allow(a) => a.replay.unwrap(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(entries.first(), entries.get(1));
        assert!(entries.iter().all(|e| e.key.starts_with("dpop:")));
        let r = ext.replay_refused(None);
        assert_eq!(r.status, 401);
        assert_eq!(
            header(&r, "www-authenticate"),
            Some("DPoP realm=\"api\", error=\"invalid_dpop_proof\", algs=\"ES256 EdDSA\"")
        );
        match call(&mut ext, &format!("Bearer {plain}"), None) {
            Decision::Allow(a) => assert!(a.replay.is_none()),
            other => panic!("{other:?}"),
        }
        // without dpop configured, the DPoP scheme is no token at all
        let mut off = guard(|_| {});
        let r = respond(call(&mut off, &auth, Some(&proof("p-7", "GET", &bound))));
        assert_eq!(header(&r, "www-authenticate"), Some("Bearer realm=\"api\""));
        // bad DPoP configurations
        let algorithms = |names: &[&str]| EdgeDpopConfig {
            algorithms: Some(names.iter().map(|n| (*n).to_owned()).collect()),
            ..EdgeDpopConfig::default()
        };
        for (dpop, field) in [
            (algorithms(&["HS256"]), "dpop.algorithms"),
            (algorithms(&["none"]), "dpop.algorithms"),
            (algorithms(&[]), "dpop.algorithms"),
            (
                EdgeDpopConfig {
                    replay_entries: Some(0),
                    ..EdgeDpopConfig::default()
                },
                "dpop.replayEntries",
            ),
            (
                EdgeDpopConfig {
                    max_age: Some(0),
                    ..EdgeDpopConfig::default()
                },
                "dpop.maxAge",
            ),
        ] {
            let cfg = config(|c| c.dpop = Some(dpop));
            assert!(EdgeGuard::new(&cfg).unwrap_err().message().contains(field));
        }
    }

    #[test]
    fn readiness_reasons_cache_hits_and_stale_keys() {
        let mut g = EdgeGuard::new(&config(|c| {
            c.readiness_path = Some("/ready".into());
            c.token_cache = Some(TokenCacheConfig { max_entries: 5 });
        }))
        .unwrap();
        let ready = req("GET", "/ready", None);
        // no keys: a probe fetches them, or says 503
        assert!(matches!(
            g.decide(&ready, |_, _| true),
            Decision::FetchKeys {
                issuer: 0,
                kid: None
            }
        ));
        let r = respond(g.decide(&ready, |_, _| false));
        assert_eq!((r.status, r.reason.as_str()), (503, "not_ready"));
        assert_eq!(
            r.body,
            r#"{"issuers":[{"issuer":"https://idp.example.com","keys":0}],"ready":false}"#
        );
        g.set_keys(0, jwks("k1"), 1);
        g.set_fresh_until(0, Some(NOW + 1));
        let r = respond(g.decide(&ready, |_, _| true));
        assert_eq!((r.status, r.reason.as_str()), (200, "ready"));
        assert!(r.body.contains(r#""ready":true"#));
        // reasons
        let no = |_: usize, _: Option<&str>| false;
        for (path, auth, reason) in [
            ("/nope", None, "not_found".to_owned()),
            ("/api/x", None, "missing_token".to_owned()),
            (
                "/api/x",
                Some("Bearer a.b.c".to_owned()),
                "malformed_token".to_owned(),
            ),
            (
                "/api/x",
                Some(format!("Bearer {}", token("k1", json!({"exp": NOW})))),
                "token_expired".to_owned(),
            ),
            (
                "/api/users",
                Some(format!("Bearer {}", token("k1", json!({"scope": "x"})))),
                "insufficient_scope".to_owned(),
            ),
        ] {
            let r = respond(g.decide(&req("GET", path, auth.as_deref()), no));
            assert_eq!(r.reason, reason, "{path}");
        }
        // verified, then a cache hit; past the set's freshness: stale
        let t = format!("Bearer {}", token("k1", json!({"jti": "fresh"})));
        let allowed = |d: Decision| match d {
            Decision::Allow(a) => (a.cached, a.stale),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            allowed(g.decide(&req("GET", "/api/x", Some(&t)), no)),
            (false, false)
        );
        assert_eq!(
            allowed(g.decide(&req("GET", "/api/x", Some(&t)), no)),
            (true, false)
        );
        let t2 = format!("Bearer {}", token("k1", json!({"jti": "late"})));
        let mut late = req("GET", "/api/x", Some(&t2));
        late.now = NOW + 1;
        assert_eq!(allowed(g.decide(&late, no)), (false, true));
        let bad = config(|c| c.readiness_path = Some("ready".into()));
        assert!(
            EdgeGuard::new(&bad)
                .unwrap_err()
                .message()
                .contains("readinessPath")
        );
    }

    #[test]
    fn protected_resource_metadata_and_resource_metadata_in_challenges() {
        let mut g = guard(|c| {
            c.resource_metadata = Some(ResourceMetadataConfig {
                resource: "https://api.example.com/v1".into(),
                scopes_supported: Some(vec!["users.read".into()]),
                ..ResourceMetadataConfig::default()
            });
            c.dpop = Some(EdgeDpopConfig {
                algorithms: Some(vec!["ES256".into()]),
                ..EdgeDpopConfig::default()
            });
        });
        let no = |_: usize, _: Option<&str>| false;
        let r = respond(g.decide(
            &req("GET", "/.well-known/oauth-protected-resource/v1", None),
            no,
        ));
        assert_eq!((r.status, r.reason.as_str()), (200, "resource_metadata"));
        let doc: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            doc,
            json!({"resource": "https://api.example.com/v1", "authorization_servers": [ISS],
                "bearer_methods_supported": ["header"], "scopes_supported": ["users.read"],
                "dpop_signing_alg_values_supported": ["ES256"]})
        );
        let url = "https://api.example.com/.well-known/oauth-protected-resource/v1";
        let r = respond(g.decide(&req("GET", "/api/x", None), no));
        let offered = challenges(&r);
        assert_eq!(
            offered,
            [
                format!("Bearer realm=\"api\", resource_metadata=\"{url}\""),
                format!("DPoP realm=\"api\", resource_metadata=\"{url}\", algs=\"ES256\"")
            ]
        );
        let narrow = format!("Bearer {}", token("k1", json!({"scope": "x"})));
        let r = respond(g.decide(&req("GET", "/api/users", Some(&narrow)), no));
        assert_eq!(
            header(&r, "www-authenticate"),
            Some(
                format!("Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"users.read\", resource_metadata=\"{url}\"")
                    .as_str()
            )
        );
        // the resource at its root: the bare well-known path
        let root = guard(|c| {
            c.resource_metadata = Some(ResourceMetadataConfig {
                resource: "http://127.0.0.1:8787".into(),
                authorization_servers: Some(vec!["https://as.example.com".into()]),
                ..ResourceMetadataConfig::default()
            })
        });
        let mut root = root;
        let r = respond(root.decide(
            &req("GET", "/.well-known/oauth-protected-resource", None),
            no,
        ));
        assert!(
            r.body
                .contains(r#""authorization_servers":["https://as.example.com"]"#)
        );
        for bad in [
            "api.example.com",
            "http://api.example.com",
            "https://",
            "https:///x",
            "https://api.example.com/?a=1",
            "https://api.example.com/#x",
            "ftp://api.example.com",
        ] {
            let cfg = config(|c| {
                c.resource_metadata = Some(ResourceMetadataConfig {
                    resource: bad.into(),
                    ..ResourceMetadataConfig::default()
                })
            });
            let e = EdgeGuard::new(&cfg).unwrap_err();
            assert!(
                e.message().starts_with("resourceMetadata.resource"),
                "{bad}"
            );
        }
    }

    #[test]
    fn step_up_routes_answer_insufficient_user_authentication() {
        let routes = json!([
            {"method": "GET", "path": "/pay", "scopes": "users.read", "acrValues": ["gold", "platinum"], "maxAge": 300},
            {"method": "GET", "path": "/recent", "maxAge": 60},
            {"method": "*", "path": "/api/*"}
        ]);
        let mut g = guard(|c| c.routes = routes);
        let no = |_: usize, _: Option<&str>| false;
        let call = |g: &mut EdgeGuard, path: &str, claims: Value| {
            let t = format!("Bearer {}", token("k1", claims));
            g.decide(&req("GET", path, Some(&t)), no)
        };
        assert!(matches!(
            call(
                &mut g,
                "/pay",
                json!({"acr": "gold", "auth_time": NOW - 300})
            ),
            Decision::Allow(_)
        ));
        let expect = "Bearer realm=\"api\", error=\"insufficient_user_authentication\", acr_values=\"gold platinum\", max_age=\"300\"";
        for claims in [
            json!({"acr": "silver", "auth_time": NOW}),
            json!({"auth_time": NOW}),
            json!({"acr": "gold", "auth_time": NOW - 301}),
            json!({"acr": "gold"}),
        ] {
            let r = respond(call(&mut g, "/pay", claims.clone()));
            assert_eq!(r.status, 401, "{claims}");
            assert_eq!(header(&r, "www-authenticate"), Some(expect), "{claims}");
            assert_eq!(r.body, r#"{"error":"insufficient_user_authentication"}"#);
            assert_eq!(r.reason, "insufficient_user_authentication");
        }
        // scopes first: a token without them is 403 whatever its authentication
        let r = respond(call(
            &mut g,
            "/pay",
            json!({"scope": "x", "acr": "gold", "auth_time": NOW}),
        ));
        assert_eq!(r.status, 403);
        let r = respond(call(&mut g, "/recent", json!({"auth_time": NOW - 61})));
        assert_eq!(
            header(&r, "www-authenticate"),
            Some(
                "Bearer realm=\"api\", error=\"insufficient_user_authentication\", max_age=\"60\""
            )
        );
        assert!(matches!(
            call(&mut g, "/recent", json!({"auth_time": NOW - 60})),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn routes_tokens_and_scopes() {
        let mut g = guard(|_| {});
        let no = |_: usize, _: Option<&str>| false;
        assert!(matches!(
            g.decide(&req("GET", "/health", None), no),
            Decision::Allow(Allowed { claims: None, .. })
        ));
        let r = respond(g.decide(&req("GET", "/nope", None), no));
        assert_eq!(r.status, 404);
        let r = respond(g.decide(&req("GET", "/api//x", None), no));
        assert_eq!(r.status, 400);
        let r = respond(g.decide(&req("GET", "/api/users", None), no));
        assert_eq!(
            (r.status, header(&r, "www-authenticate")),
            (401, Some("Bearer realm=\"api\""))
        );
        let r = respond(g.decide(&req("GET", "/api/users", Some("Basic eDp5")), no));
        assert_eq!(
            (r.status, header(&r, "www-authenticate")),
            (401, Some("Bearer realm=\"api\""))
        );
        let r = respond(g.decide(&req("GET", "/api/users", Some("Bearer a b")), no));
        assert_eq!(
            header(&r, "www-authenticate"),
            Some("Bearer realm=\"api\", error=\"invalid_token\"")
        );
        assert_eq!(r.body, r#"{"error":"invalid_token"}"#);

        let good = format!("Bearer {}", token("k1", json!({})));
        match g.decide(&req("GET", "/api/users", Some(&good)), no) {
            Decision::Allow(a) => {
                assert_eq!(a.claims.unwrap().claims()["sub"], "alice");
                assert_eq!(a.scopes, ["users.read"]);
                assert_eq!(a.route, "/api/users");
            }
            other => panic!("{other:?}"),
        }
        let narrow = format!("Bearer {}", token("k1", json!({"scope": "other"})));
        let r = respond(g.decide(&req("GET", "/api/users", Some(&narrow)), no));
        assert_eq!(r.status, 403);
        assert_eq!(
            header(&r, "www-authenticate"),
            Some("Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"users.read\"")
        );
        // no scope requirement on /api/*
        assert!(matches!(
            g.decide(&req("POST", "/api/x", Some(&narrow)), no),
            Decision::Allow(_)
        ));
        for bad in [
            token("k1", json!({"exp": NOW})),
            token("k1", json!({"aud": "other"})),
            token("k1", json!({"iss": "https://evil.example.com"})),
            format!("{}x", token("k1", json!({}))),
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.".to_owned(),
        ] {
            let r = respond(g.decide(&req("GET", "/api/x", Some(&format!("Bearer {bad}"))), no));
            assert_eq!(r.status, 401, "{bad}");
            assert!(
                header(&r, "www-authenticate")
                    .unwrap()
                    .contains("invalid_token")
            );
        }
    }

    #[test]
    fn unknown_kids_and_missing_keys_ask_for_a_fetch() {
        let mut g = EdgeGuard::new(&config(|_| {})).unwrap();
        let t = format!("Bearer {}", token("k2", json!({})));
        let r = req("GET", "/api/x", Some(&t));
        // no keys, fetch not allowed: 503
        assert_eq!(respond(g.decide(&r, |_, _| false)).status, 503);
        assert!(
            matches!(g.decide(&r, |_, kid| kid == Some("k2")), Decision::FetchKeys { kid: Some(k), .. } if k == "k2")
        );
        g.set_keys(0, jwks("k1"), 1);
        assert_eq!(
            respond(g.decide(&r, |_, _| false)).status,
            401,
            "key_not_found is invalid_token"
        );
        g.set_keys(0, jwks("k2"), 2);
        assert!(matches!(g.decide(&r, |_, _| false), Decision::Allow(_)));
        // a public route never needs keys
        assert!(matches!(
            g.decide(&req("GET", "/health", None), |_, _| true),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn token_cache_serves_until_exp_and_drops_on_new_keys() {
        let mut g = guard(|c| c.token_cache = Some(TokenCacheConfig { max_entries: 2 }));
        let t = format!(
            "Bearer {}",
            token("k1", json!({"exp": NOW + 10, "scope": "a"}))
        );
        assert!(matches!(
            g.decide(&req("GET", "/api/x", Some(&t)), |_, _| false),
            Decision::Allow(_)
        ));
        assert_eq!(g.cached_tokens(), 1);
        // a hit needs no keys (fetch_due is not asked) and scopes are still checked per request
        assert!(matches!(
            g.decide(&req("GET", "/api/x", Some(&t)), |_, _| true),
            Decision::Allow(_)
        ));
        assert_eq!(
            respond(g.decide(&req("GET", "/api/users", Some(&t)), |_, _| false)).status,
            403
        );
        // past exp: refused even though cached
        let mut late = req("GET", "/api/x", Some(&t));
        late.now = NOW + 10;
        assert_eq!(respond(g.decide(&late, |_, _| false)).status, 401);
        assert_eq!(g.cached_tokens(), 0);
        assert!(matches!(
            g.decide(&req("GET", "/api/x", Some(&t)), |_, _| false),
            Decision::Allow(_)
        ));
        for i in 0..5 {
            let t = format!("Bearer {}", token("k1", json!({"jti": format!("j{i}")})));
            g.decide(&req("GET", "/api/x", Some(&t)), |_, _| false);
        }
        assert_eq!(g.cached_tokens(), 2, "bounded");
        g.set_keys(0, jwks("k9"), 2);
        assert_eq!(g.cached_tokens(), 0);
        assert_eq!(
            respond(g.decide(&req("GET", "/api/x", Some(&t)), |_, _| false)).status,
            401
        );
    }

    #[test]
    fn cors_preflight_and_headers() {
        let mut g = guard(|c| {
            c.cors = Some(CorsConfig {
                max_age: Some(300),
                ..CorsConfig::new(some(&["https://app.example.com"]).unwrap_or_default())
            })
        });
        let mut p = req("OPTIONS", "/api/users", None);
        p.origin = Some("https://app.example.com");
        p.access_control_request_method = Some("GET");
        p.access_control_request_headers = Some("Authorization, Content-Type");
        let r = respond(g.decide(&p, |_, _| false));
        assert_eq!(r.status, 204);
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            Some("https://app.example.com")
        );
        assert_eq!(header(&r, "access-control-max-age"), Some("300"));
        assert!(
            header(&r, "access-control-allow-headers")
                .unwrap()
                .contains("authorization")
        );
        p.access_control_request_headers = Some("x-evil");
        assert_eq!(respond(g.decide(&p, |_, _| false)).status, 403);
        p.access_control_request_headers = None;
        p.origin = Some("https://evil.example.com");
        let r = respond(g.decide(&p, |_, _| false));
        assert_eq!(r.status, 403);
        assert_eq!(header(&r, "access-control-allow-origin"), None);
        // an actual request from the app: a 401 the app can read
        let mut a = req("GET", "/api/users", None);
        a.origin = Some("https://app.example.com");
        let r = respond(g.decide(&a, |_, _| false));
        assert_eq!(r.status, 401);
        assert_eq!(
            header(&r, "access-control-allow-origin"),
            Some("https://app.example.com")
        );
        assert_eq!(
            header(&r, "access-control-expose-headers"),
            Some("WWW-Authenticate")
        );
        // without CORS configured, OPTIONS is routed like anything else
        let mut plain = guard(|_| {});
        assert_eq!(respond(plain.decide(&p, |_, _| false)).status, 401);
    }

    /// CONNECT, TRACE and TRACK cannot be forwarded with `fetch`; lower-case methods read as their upper-case
    /// selves by some origins: all are answered 405 with the path's methods in `Allow`, whatever the token.
    #[test]
    fn odd_methods_are_405_with_allow() {
        let mut g =
            guard(|c| c.cors = Some(CorsConfig::new(vec!["https://app.example.com".to_owned()])));
        let good = format!("Bearer {}", token("k1", json!({})));
        for (method, path, allow) in [
            (
                "CONNECT",
                "/api/users",
                "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            ),
            (
                "TRACE",
                "/api/users",
                "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            ),
            ("TRACK", "/health", "GET"),
            (
                "patch",
                "/api/x",
                "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
            ),
            ("get", "/health", "GET"),
            ("Delete", "/nope", ""),
            ("GE T", "/health", "GET"),
            ("", "/health", "GET"),
        ] {
            for auth in [None, Some(good.as_str())] {
                let mut r = req(method, path, auth);
                r.origin = Some("https://app.example.com");
                let r = respond(g.decide(&r, |_, _| false));
                assert_eq!(r.status, 405, "{method:?} {path}");
                assert_eq!(header(&r, "allow"), Some(allow), "{method:?} {path}");
                assert_eq!(r.body, r#"{"error":"method_not_allowed"}"#);
                assert_eq!(
                    header(&r, "access-control-allow-origin"),
                    Some("https://app.example.com")
                );
            }
        }
        // an unreadable path is 400 first
        assert_eq!(
            respond(g.decide(&req("TRACE", "/api/a;b", None), |_, _| false)).status,
            400
        );
        // extension methods in upper case are routed: only "*" routes take them
        assert_eq!(
            respond(g.decide(&req("PROPFIND", "/api/x", None), |_, _| false)).status,
            401
        );
        assert_eq!(
            respond(g.decide(&req("PROPFIND", "/health", None), |_, _| false)).status,
            404
        );
    }

    #[test]
    fn identity_headers_and_what_is_stripped() {
        let mut g = guard(|_| {});
        let good = format!(
            "Bearer {}",
            token("k1", json!({"scope": "users.read admin"}))
        );
        match g.decide(&req("GET", "/api/users", Some(&good)), |_, _| false) {
            Decision::Allow(a) => assert_eq!(
                a.identity,
                [
                    ("X-Auth-Subject".to_owned(), "alice".to_owned()),
                    ("X-Auth-Scopes".to_owned(), "users.read admin".to_owned())
                ]
            ),
            other => panic!("{other:?}"),
        }
        match g.decide(&req("GET", "/health", None), |_, _| false) {
            Decision::Allow(a) => assert!(a.identity.is_empty()),
            other => panic!("{other:?}"),
        }
        for name in [
            "X_Auth_Subject",
            "x-auth-scopes",
            "authorization",
            "X-Original-URL",
        ] {
            assert!(g.strips_header(name), "{name}");
        }
        assert!(!g.strips_header("x-tenant"));
        let kept = guard(|c| {
            c.strip_headers = Some("X-Tenant, X-User".into());
            c.keep_headers = some(&["X-Rewrite-URL"]);
            c.keep_authorization = true;
        });
        for (name, stripped) in [
            ("x_tenant", true),
            ("X-User", true),
            ("X_Auth_Subject", true),
            ("X-Original-URL", true),
            ("x_rewrite_url", false),
            ("Authorization", false),
        ] {
            assert_eq!(kept.strips_header(name), stripped, "{name}");
        }
    }

    #[test]
    fn claims_forwarded_as_headers_within_the_cap() {
        let mut g = guard(|c| {
            c.claim_headers = [
                ("X-Auth-Email", "email"),
                ("X-User-Org", "org.id"),
                ("X-Auth-Roles", "realm.roles"),
                ("X-Auth-Ns", "https://example.com/tier"),
                ("X-Auth-Verified", "email_verified"),
                ("X-Auth-Age", "age"),
                ("X-Auth-Obj", "org"),
                ("X-Auth-Missing", "nope.deeper"),
                ("X-Auth-Null", "gone"),
                ("X-Auth-Big", "big"),
            ]
            .iter()
            .map(|(h, p)| ((*h).to_owned(), (*p).to_owned()))
            .collect();
            c.forward_payload = Some("X-Auth-Claims".into());
            c.claim_header_max_bytes = Some(400);
        });
        let claims = json!({
            "email": "a@example.com", "org": {"id": "o-1"}, "realm": {"roles": ["admin", "a,b", "\u{e9}"]},
            "https://example.com/tier": "gold", "email_verified": true, "age": 42, "gone": null,
            "big": "x".repeat(401),
        });
        let t = format!("Bearer {}", token("k1", claims));
        let allowed = match g.decide(&req("GET", "/api/x", Some(&t)), |_, _| false) {
            Decision::Allow(a) => a,
            other => panic!("{other:?}"),
        };
        let got = |name: &str| {
            allowed
                .identity
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(got("X-Auth-Email"), Some("a@example.com"));
        assert_eq!(got("X-User-Org"), Some("o-1"));
        assert_eq!(got("X-Auth-Roles"), Some("admin,a%2Cb,%C3%A9"));
        assert_eq!(got("X-Auth-Ns"), Some("gold"));
        assert_eq!(got("X-Auth-Verified"), Some("true"));
        assert_eq!(got("X-Auth-Age"), Some("42"));
        assert_eq!(got("X-Auth-Obj"), Some(r#"{"id":"o-1"}"#));
        for absent in ["X-Auth-Missing", "X-Auth-Null", "X-Auth-Big"] {
            assert_eq!(got(absent), None, "{absent}");
        }
        // the payload as signed, over the cap: left out; under it: the token's middle part
        assert_eq!(got("X-Auth-Claims"), None);
        let small = guard(|c| c.forward_payload = Some("X-Claims".into()));
        let mut small = small;
        let plain = token("k1", json!({}));
        let allowed = match small.decide(
            &req("GET", "/api/x", Some(&format!("Bearer {plain}"))),
            |_, _| false,
        ) {
            Decision::Allow(a) => a,
            other => panic!("{other:?}"),
        };
        let middle = plain.split('.').nth(1).unwrap();
        assert!(
            allowed
                .identity
                .contains(&("X-Claims".into(), middle.into()))
        );
        // incoming spellings of every claim header are removed
        for name in ["x_user_org", "X-Claims", "x-auth-email"] {
            assert!(g.strips_header(name) || small.strips_header(name), "{name}");
        }
        assert!(small.strips_header("x_claims"));
        assert!(!small.strips_header("x-user-org"));
        // bad claim header configurations
        let pair = |h: &str, p: &str| vec![(h.to_owned(), p.to_owned())];
        for set in [
            pair("X-Auth-Subject", "sub"),
            pair("authorization", "sub"),
            pair("Host", "sub"),
            pair("X-Original-URL", "sub"),
            pair("x y", "sub"),
            pair("X-A", ""),
            pair("X-A", "a..b"),
            [pair("X-A", "a"), pair("x_a", "b")].concat(),
        ] {
            let cfg = config(|c| c.claim_headers = set.clone());
            let e = EdgeGuard::new(&cfg).unwrap_err();
            assert!(e.message().starts_with("claimHeaders: "), "{set:?}: {e}");
        }
        for max in [0, 65537] {
            let cfg = config(|c| c.claim_header_max_bytes = Some(max));
            assert!(
                EdgeGuard::new(&cfg)
                    .unwrap_err()
                    .message()
                    .contains("claimHeaderMaxBytes")
            );
        }
        let cfg = config(|c| {
            c.claim_headers = pair("X-A", "a");
            c.forward_payload = Some("x_a".into());
        });
        assert!(
            EdgeGuard::new(&cfg)
                .unwrap_err()
                .message()
                .starts_with("forwardPayload: ")
        );
    }

    #[test]
    fn bad_configurations_are_refused() {
        type Set = Box<dyn Fn(&mut EdgeConfig)>;
        let cors = |origins: OneOrMany| Some(CorsConfig::new(origins));
        let cases: Vec<(&str, Set)> = vec![
            (
                "a route without path",
                Box::new(|c| c.routes = json!("[{\"method\":\"GET\"}]")),
            ),
            ("routes a number", Box::new(|c| c.routes = json!(5))),
            (
                "a realm not ASCII",
                Box::new(|c| c.realm = Some("caf\u{e9}".into())),
            ),
            (
                "algorithm none",
                Box::new(|c| c.algorithms = Some(vec!["none".into()])),
            ),
            (
                "no audience",
                Box::new(|c| c.audience = OneOrMany::Many(vec![])),
            ),
            (
                "tokenCache.maxEntries 0",
                Box::new(|c| c.token_cache = Some(TokenCacheConfig { max_entries: 0 })),
            ),
            (
                "no CORS origin",
                Box::new(move |c| c.cors = cors(OneOrMany::Many(vec![]))),
            ),
            (
                "any origin with credentials",
                Box::new(|c| {
                    c.cors = Some(CorsConfig {
                        allow_credentials: true,
                        ..CorsConfig::new("*")
                    })
                }),
            ),
            (
                "an origin with a path",
                Box::new(move |c| c.cors = cors("https://a.example/".into())),
            ),
            (
                "jwksCache bounds out of order",
                Box::new(|c| {
                    c.jwks_cache = Some(JwksCacheConfig {
                        min_max_age: Some(10),
                        default_max_age: Some(5),
                        ..JwksCacheConfig::default()
                    })
                }),
            ),
            (
                "a header name with a space",
                Box::new(|c| c.strip_headers = some(&["x auth"])),
            ),
            (
                "keep a header never rewritten",
                Box::new(|c| c.keep_headers = some(&["X-Auth-Subject"])),
            ),
            (
                "keep authorization by keepHeaders",
                Box::new(|c| c.keep_headers = Some("authorization".into())),
            ),
        ];
        for (name, set) in &cases {
            assert_eq!(
                EdgeGuard::new(&config(set)).unwrap_err().code(),
                "invalid_request",
                "{name}"
            );
        }
        let ok = config(|c| c.routes = json!("[{\"method\":\"GET\",\"path\":\"/a\"}]"));
        assert!(EdgeGuard::new(&ok).is_ok());
    }
}
