//! The sign-in client: what an application (an SPA, a server-side client, a worker calling APIs) does with an
//! authorization server. PKCE, the authorization request and its callback, discovery, the token endpoint,
//! client authentication, and the calls a signed-in client makes (userinfo; with the `server` feature also
//! introspection, revocation and dynamic client registration). Every call is a sans-IO plan: an [`HttpRequest`](crate::wire::HttpRequest)
//! to send, and a parser for the [`HttpResponse`](crate::wire::HttpResponse) that came back.
//!
//! `docs/architecture.md` follows a sign-in through this folder and the binding.

pub mod assertion;
mod auth;
mod authorize;
mod callback;
mod device;
mod discovery;
pub mod dpop;
#[cfg(feature = "server")]
pub mod introspect;
mod jwks;
mod par;
pub mod pkce;
#[cfg(feature = "server")]
pub mod registration;
#[cfg(feature = "server")]
pub mod revoke;
mod session_tokens;
mod step_up;
mod token;
mod userinfo;

pub use auth::{ClientAuth, ClientAuthOptions, JWT_BEARER_ASSERTION_TYPE, ResolvedClientAuth};
pub use authorize::{AuthorizeRequest, EndSessionRequest};
pub use callback::{AuthorizationResponse, CallbackExpectation, parse_callback};
pub use device::{
    DEFAULT_INTERVAL, DEVICE_CODE_GRANT, DeviceAuthorization, DeviceAuthorizationRequest,
    DevicePoll, MAX_FAILED_POLLS, PollStep, SLOW_DOWN_STEP, parse_device_authorization_response,
};
pub use discovery::{
    DiscoveryPlan, DiscoveryStep, ProviderMetadata, discovery_request, discovery_urls,
    parse_discovery_response,
};
pub use jwks::{JWKS_ACCEPT, MAX_JWKS_BYTES, jwks_body, jwks_request, parse_jwks_response};
pub use par::{
    PushedAuthorization, PushedAuthorizationRequest, PushedAuthorizeUrl, parse_par_response,
};
pub use pkce::{ChallengeMethod, Pkce};
pub use session_tokens::{
    REFRESH_MARGIN, RETRY_FIRST, RETRY_MAX, RefreshFailure, Renewal, session_tokens,
};
pub use step_up::{INSUFFICIENT_USER_AUTHENTICATION, StepUp, parse_step_up_challenge};
pub use token::{
    Grant, TOKEN_EXCHANGE_GRANT, TOKEN_TYPE_PREFIX, TokenExchange, TokenRequest, TokenResponse,
    parse_token_response,
};
pub(crate) use userinfo::check_subject as check_userinfo_subject;
pub use userinfo::{
    Userinfo, UserinfoRequest, bearer_challenge_error, parse_signed_userinfo_response,
    parse_userinfo_response,
};
