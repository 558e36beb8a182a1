//! The resource server's options: the edge guard's configuration (`createEdgeVerifier`, `new EdgeGuard`) with
//! its routes, `cors`, `issuers`, `dpop` and `resourceMetadata`, and the two cache options it shares with
//! `TokenVerifier` (`cache`) and `RemoteJwks` (its options). Each is read member by member (`Fields`: no serde
//! derive, issue 16) straight into the core's plain config types.

use crate::error::Error;
use crate::js::options::Fields;
use crate::server::{
    CorsConfig, EdgeConfig, EdgeDpopConfig, IssuerConfig, JwksCacheConfig, ResourceMetadataConfig,
    RouteSpec, RouteTable, TokenCacheConfig,
};
use crate::wire::OneOrMany;
use serde_json::Value;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// The edge configuration's members (`fetch` and `timeout` are taken out before).
const EDGE: &[&str] = &[
    "issuer",
    "audience",
    "issuers",
    "routes",
    "realm",
    "clockTolerance",
    "algorithms",
    "strict",
    "errorDescription",
    "cors",
    "tokenCache",
    "jwksUri",
    "jwksCache",
    "stripHeaders",
    "keepHeaders",
    "keepAuthorization",
    "claimHeaders",
    "forwardPayload",
    "claimHeaderMaxBytes",
    "dpop",
    "readinessPath",
    "resourceMetadata",
];

/// A route's members (see [`RouteSpec`]).
const ROUTE: &[&str] = &[
    "method",
    "path",
    "scopes",
    "public",
    "issuers",
    "acrValues",
    "maxAge",
];

/// The edge configuration without `fetch` and `timeout` (see [`EdgeConfig`]), and its route table.
///
/// Errors: `invalid_request` naming the member (`routes[0].maxAge`, `cors.maxAge`); the route table's own
/// errors ([`RouteTable::new`]).
pub(crate) fn edge_config(what: &str, value: &JsValue) -> Result<(EdgeConfig, RouteTable), Error> {
    let mut f = Fields::new(what, value, EDGE)?;
    f.parse_text("routes", routes_text)?;
    let routes = f.take_objects("routes", ROUTE, route)?;
    let routes = routes.ok_or_else(|| f.missing("routes"))?;
    let config = EdgeConfig {
        issuers: f
            .take_objects("issuers", ISSUER, issuer)?
            .unwrap_or_default(),
        realm: f.take("realm")?,
        clock_tolerance: f.take("clockTolerance")?,
        algorithms: f.take("algorithms")?,
        strict: f.take("strict")?.unwrap_or_default(),
        error_description: f.take("errorDescription")?.unwrap_or_default(),
        cors: f.take_object("cors", CORS, cors)?,
        token_cache: f.take_object("tokenCache", TOKEN_CACHE, token_cache)?,
        jwks_uri: f.take("jwksUri")?,
        jwks_cache: f.take_object("jwksCache", JWKS_CACHE, jwks_cache)?,
        strip_headers: f.take("stripHeaders")?,
        keep_headers: f.take("keepHeaders")?,
        keep_authorization: f.take("keepAuthorization")?.unwrap_or_default(),
        claim_headers: f
            .take::<BTreeMap<String, String>>("claimHeaders")?
            .unwrap_or_default()
            .into_iter()
            .collect(),
        forward_payload: f.take("forwardPayload")?,
        claim_header_max_bytes: f.take("claimHeaderMaxBytes")?,
        dpop: f.take_object("dpop", DPOP, dpop)?,
        readiness_path: f.take("readinessPath")?,
        resource_metadata: f.take_object(
            "resourceMetadata",
            RESOURCE_METADATA,
            resource_metadata,
        )?,
        ..EdgeConfig::new(
            f.take::<String>("issuer")?.unwrap_or_default(),
            f.take::<OneOrMany>("audience")?.unwrap_or_default(),
            Value::Null,
        )
    };
    Ok((config, RouteTable::new(routes)?))
}

/// The route table given as JSON text: strict JSON (a repeated member is refused), then read as the array.
fn routes_text(text: &str) -> Result<JsValue, String> {
    crate::jose::json::parse_strict(text)?;
    js_sys::JSON::parse(text).map_err(|_| "the route table is not JSON".to_owned())
}

/// One route (see [`RouteSpec`]).
fn route(mut f: Fields<'_>) -> Result<RouteSpec, Error> {
    Ok(RouteSpec {
        method: f.need("method")?,
        path: f.need("path")?,
        scopes: f.take("scopes")?,
        public: f.take("public")?.unwrap_or_default(),
        issuers: f.take("issuers")?,
        acr_values: f.take("acrValues")?,
        max_age: f.take("maxAge")?,
    })
}

/// `resourceMetadata`'s members (see [`ResourceMetadataConfig`]).
const RESOURCE_METADATA: &[&str] = &[
    "resource",
    "authorizationServers",
    "scopesSupported",
    "resourceName",
    "resourceDocumentation",
];

fn resource_metadata(mut f: Fields<'_>) -> Result<ResourceMetadataConfig, Error> {
    Ok(ResourceMetadataConfig {
        resource: f.need("resource")?,
        authorization_servers: f.take("authorizationServers")?,
        scopes_supported: f.take("scopesSupported")?,
        resource_name: f.take("resourceName")?,
        resource_documentation: f.take("resourceDocumentation")?,
    })
}

/// `dpop`'s members (see [`EdgeDpopConfig`]); `externalReplay` is set by `createEdgeVerifier` when it was
/// given a `replayStore` (never taken from the caller).
const DPOP: &[&str] = &["algorithms", "maxAge", "replayEntries", "externalReplay"];

fn dpop(mut f: Fields<'_>) -> Result<EdgeDpopConfig, Error> {
    Ok(EdgeDpopConfig {
        algorithms: f.take("algorithms")?,
        max_age: f.take("maxAge")?,
        replay_entries: f.take("replayEntries")?,
        external_replay: f.take("externalReplay")?.unwrap_or_default(),
    })
}

/// The members of one of `issuers` (see [`IssuerConfig`]).
const ISSUER: &[&str] = &["issuer", "audience", "jwksUri", "algorithms", "jwksCache"];

fn issuer(mut f: Fields<'_>) -> Result<IssuerConfig, Error> {
    Ok(IssuerConfig {
        issuer: f.need("issuer")?,
        audience: f.need("audience")?,
        jwks_uri: Some(f.need("jwksUri")?),
        algorithms: f.take("algorithms")?,
        jwks_cache: f.take_object("jwksCache", JWKS_CACHE, jwks_cache)?,
    })
}

/// `cors`'s members (see [`CorsConfig`]).
const CORS: &[&str] = &[
    "allowedOrigins",
    "allowedMethods",
    "allowedHeaders",
    "exposedHeaders",
    "maxAge",
    "allowCredentials",
];

fn cors(mut f: Fields<'_>) -> Result<CorsConfig, Error> {
    let origins: OneOrMany = f.need("allowedOrigins")?;
    Ok(CorsConfig {
        allowed_methods: f.take("allowedMethods")?,
        allowed_headers: f.take("allowedHeaders")?,
        exposed_headers: f.take("exposedHeaders")?,
        max_age: f.take("maxAge")?,
        allow_credentials: f.take("allowCredentials")?.unwrap_or_default(),
        ..CorsConfig::new(origins)
    })
}

/// `{ maxEntries }`'s members: `TokenVerifier`'s `cache` and the edge guard's `tokenCache`.
pub(crate) const TOKEN_CACHE: &[&str] = &["maxEntries"];

/// `{ maxEntries }` (see [`TokenCacheConfig`]).
pub(crate) fn token_cache(mut f: Fields<'_>) -> Result<TokenCacheConfig, Error> {
    Ok(TokenCacheConfig {
        max_entries: f.need("maxEntries")?,
    })
}

/// The JWKS cache timings' members: the edge guard's `jwksCache` and `RemoteJwks`'s options.
pub(crate) const JWKS_CACHE: &[&str] = &[
    "cooldown",
    "defaultMaxAge",
    "minMaxAge",
    "maxMaxAge",
    "maxStale",
];

/// The JWKS cache timings (see [`JwksCacheConfig`]).
pub(crate) fn jwks_cache(mut f: Fields<'_>) -> Result<JwksCacheConfig, Error> {
    Ok(JwksCacheConfig {
        cooldown: f.take("cooldown")?,
        default_max_age: f.take("defaultMaxAge")?,
        min_max_age: f.take("minMaxAge")?,
        max_max_age: f.take("maxMaxAge")?,
        max_stale: f.take("maxStale")?,
    })
}
