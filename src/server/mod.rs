//! The resource server (the `server` feature): what an API or an edge worker does with the tokens it is
//! sent. The `Authorization: Bearer` header, RFC 6750 answers, the route table, the verified-token and
//! JWKS caches, what is forwarded to the origin, and the edge guard that puts them together (with CORS); the
//! replay store and the relying party's back-channel logout endpoint.
//!
//! `docs/architecture.md` follows an edge request through this folder and the binding.

mod bearer;
mod challenge;
mod dpop;
mod edge;
mod forward;
mod jwks_cache;
mod logout;
mod replay;
mod route;
mod token_cache;

pub use bearer::bearer_token;
pub use challenge::{
    Challenge, ChallengeOptions, INVALID_TOKEN_CODES, MAX_DESCRIPTION_LEN, Problem,
    bearer_challenge, challenge_for_error,
};
pub use dpop::{
    DEFAULT_PROOF_MAX_AGE, DpopPolicy, DpopRequest, MAX_PROOF_LENGTH, MAX_PROOF_MAX_AGE,
    PendingProof, check_proof, check_proof_replay, prepare_proof, proof_error, thumbprint,
};
pub use edge::{
    Allowed, CorsConfig, Decision, EdgeCheck, EdgeConfig, EdgeDpopConfig, EdgeGuard, EdgeRequest,
    EdgeResponse, IssuerConfig, ResourceMetadataConfig, Step,
};
pub use forward::{
    DEFAULT_CLAIM_HEADER_BYTES, ForwardPolicy, MAX_CLAIM_HEADER_BYTES, REWRITE_HEADERS,
    SCOPES_HEADER, SUBJECT_HEADER, fold_header_name,
};
pub use jwks_cache::{
    CachePolicy, CachedJwks, FetchReason, JwksCache, JwksCacheConfig, MAX_JWKS_BYTES, Plan,
};
pub use logout::{
    MAX_LOGOUT_REQUEST_LEN, ended_by_session_logout, logout_replay_entry,
    older_than_logout_retention, parse_logout_request, session_logout_keys, verify_logout_token,
};
pub use replay::{
    DEFAULT_REPLAY_ENTRIES, MAX_REPLAY_ENTRIES, MemoryReplayStore, ReplayEntry, ReplayStore,
    ReplayStoreConfig, replayed,
};
pub use route::{Access, Route, RouteSpec, RouteTable, StepUp, is_forwarded_method};
pub use token_cache::{
    CachingVerifier, Claims, MAX_TOKEN_CACHE_ENTRIES, TokenCache, TokenCacheConfig, token_key,
};
