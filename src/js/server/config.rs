//! The resource server's argument structs: the edge guard's configuration (`createEdgeVerifier`,
//! `new EdgeGuard`), its `cors`, and the two cache options it shares with `TokenVerifier` (`cache`) and
//! `RemoteJwks` (its options). Each is read in one pass and turned into the core's plain config types.

use crate::server::{
    CorsConfig, EdgeConfig, EdgeDpopConfig, IssuerConfig, JwksCacheConfig, ResourceMetadataConfig,
    TokenCacheConfig,
};
use crate::wire::OneOrMany;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The edge configuration without `fetch` and `timeout` (see [`EdgeConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct EdgeConfigArgs {
    issuer: Option<String>,
    audience: Option<OneOrMany>,
    issuers: Option<Vec<IssuerArgs>>,
    routes: Value,
    realm: Option<String>,
    clock_tolerance: Option<u64>,
    algorithms: Option<Vec<String>>,
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    error_description: bool,
    cors: Option<CorsArgs>,
    token_cache: Option<TokenCacheArgs>,
    jwks_uri: Option<String>,
    jwks_cache: Option<JwksCacheArgs>,
    strip_headers: Option<OneOrMany>,
    keep_headers: Option<OneOrMany>,
    #[serde(default)]
    keep_authorization: bool,
    claim_headers: Option<BTreeMap<String, String>>,
    forward_payload: Option<String>,
    claim_header_max_bytes: Option<u64>,
    dpop: Option<EdgeDpopArgs>,
    readiness_path: Option<String>,
    resource_metadata: Option<ResourceMetadataArgs>,
}

/// `resourceMetadata` (see [`ResourceMetadataConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResourceMetadataArgs {
    resource: String,
    authorization_servers: Option<Vec<String>>,
    scopes_supported: Option<Vec<String>>,
    resource_name: Option<String>,
    resource_documentation: Option<String>,
}

impl From<ResourceMetadataArgs> for ResourceMetadataConfig {
    fn from(a: ResourceMetadataArgs) -> Self {
        ResourceMetadataConfig {
            resource: a.resource,
            authorization_servers: a.authorization_servers,
            scopes_supported: a.scopes_supported,
            resource_name: a.resource_name,
            resource_documentation: a.resource_documentation,
        }
    }
}

/// `dpop` (see [`EdgeDpopConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EdgeDpopArgs {
    algorithms: Option<Vec<String>>,
    max_age: Option<u64>,
    replay_entries: Option<usize>,
    /// Set by `createEdgeVerifier` when it was given a `replayStore` (never taken from the caller).
    #[serde(default)]
    external_replay: bool,
}

impl From<EdgeDpopArgs> for EdgeDpopConfig {
    fn from(a: EdgeDpopArgs) -> Self {
        EdgeDpopConfig {
            algorithms: a.algorithms,
            max_age: a.max_age,
            replay_entries: a.replay_entries,
            external_replay: a.external_replay,
        }
    }
}

impl From<EdgeConfigArgs> for EdgeConfig {
    fn from(a: EdgeConfigArgs) -> Self {
        EdgeConfig {
            realm: a.realm,
            clock_tolerance: a.clock_tolerance,
            algorithms: a.algorithms,
            strict: a.strict,
            error_description: a.error_description,
            cors: a.cors.map(Into::into),
            token_cache: a.token_cache.map(Into::into),
            jwks_uri: a.jwks_uri,
            jwks_cache: a.jwks_cache.map(Into::into),
            strip_headers: a.strip_headers,
            keep_headers: a.keep_headers,
            keep_authorization: a.keep_authorization,
            claim_headers: a.claim_headers.unwrap_or_default().into_iter().collect(),
            forward_payload: a.forward_payload,
            claim_header_max_bytes: a.claim_header_max_bytes,
            dpop: a.dpop.map(Into::into),
            readiness_path: a.readiness_path,
            resource_metadata: a.resource_metadata.map(Into::into),
            issuers: a
                .issuers
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            ..EdgeConfig::new(
                a.issuer.unwrap_or_default(),
                a.audience.unwrap_or_default(),
                a.routes,
            )
        }
    }
}

/// One of `issuers` (see [`IssuerConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssuerArgs {
    issuer: String,
    audience: OneOrMany,
    jwks_uri: String,
    algorithms: Option<Vec<String>>,
    jwks_cache: Option<JwksCacheArgs>,
}

impl From<IssuerArgs> for IssuerConfig {
    fn from(a: IssuerArgs) -> Self {
        IssuerConfig {
            issuer: a.issuer,
            audience: a.audience,
            algorithms: a.algorithms,
            jwks_uri: Some(a.jwks_uri),
            jwks_cache: a.jwks_cache.map(Into::into),
        }
    }
}

/// `cors` (see [`CorsConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CorsArgs {
    allowed_origins: OneOrMany,
    allowed_methods: Option<OneOrMany>,
    allowed_headers: Option<OneOrMany>,
    exposed_headers: Option<OneOrMany>,
    max_age: Option<u64>,
    #[serde(default)]
    allow_credentials: bool,
}

impl From<CorsArgs> for CorsConfig {
    fn from(a: CorsArgs) -> Self {
        CorsConfig {
            allowed_methods: a.allowed_methods,
            allowed_headers: a.allowed_headers,
            exposed_headers: a.exposed_headers,
            max_age: a.max_age,
            allow_credentials: a.allow_credentials,
            ..CorsConfig::new(a.allowed_origins)
        }
    }
}

/// `{ maxEntries }`: `TokenVerifier`'s `cache` and the edge guard's `tokenCache` (see [`TokenCacheConfig`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenCacheArgs {
    max_entries: u64,
}

impl From<TokenCacheArgs> for TokenCacheConfig {
    fn from(a: TokenCacheArgs) -> Self {
        TokenCacheConfig {
            max_entries: a.max_entries,
        }
    }
}

/// The JWKS cache timings: the edge guard's `jwksCache` and `RemoteJwks`'s options (see [`JwksCacheConfig`]).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct JwksCacheArgs {
    cooldown: Option<u64>,
    default_max_age: Option<u64>,
    min_max_age: Option<u64>,
    max_max_age: Option<u64>,
    max_stale: Option<u64>,
}

impl From<JwksCacheArgs> for JwksCacheConfig {
    fn from(a: JwksCacheArgs) -> Self {
        JwksCacheConfig {
            cooldown: a.cooldown,
            default_max_age: a.default_max_age,
            min_max_age: a.min_max_age,
            max_max_age: a.max_max_age,
            max_stale: a.max_stale,
        }
    }
}
