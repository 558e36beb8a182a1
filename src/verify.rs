//! The claims policy on top of a verified signature: [`TokenVerifier`] checks `iss`, `aud` and the time
//! claims of every token (RFC 7519 §4.1), then the rules of ID tokens (OIDC Core 3.1.3.7) or of JWT access
//! tokens (RFC 9068 §4), or of logout tokens (OIDC Back-Channel Logout 1.0 §2.6). Time is an input: `now`
//! in seconds.

use crate::client::check_userinfo_subject;
use crate::error::{Error, Result, quote};
use crate::jose::Algorithm;
use crate::jose::JwkSet;
use crate::jose::base64url;
use crate::jose::json;
use crate::jose::{
    DEFAULT_MAX_TOKEN_LENGTH, Header, PendingSignature, UnverifiedToken, VerifiedToken,
};
use crate::scope::{self, Requirement};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

mod logout;
mod refreshed;

pub use logout::{BACKCHANNEL_LOGOUT_EVENT, LogoutTokenOptions};

/// How a [`TokenVerifier`] is set up, beyond issuer, audience and keys.
#[derive(Debug, Clone)]
pub struct VerifierOptions {
    /// The accepted algorithms; `None` for every asymmetric one, plus HS* when the set holds `oct` keys.
    pub algorithms: Option<Vec<Algorithm>>,
    /// Seconds of leeway for `exp`, `nbf` and `auth_time`.
    pub clock_tolerance: u64,
    /// The client, for ID tokens' `aud`/`azp`; defaults to the audience when there is exactly one.
    pub client_id: Option<String>,
    /// Longest accepted token, in bytes.
    pub max_token_length: usize,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            algorithms: None,
            clock_tolerance: 0,
            client_id: None,
            max_token_length: DEFAULT_MAX_TOKEN_LENGTH,
        }
    }
}

/// Options of [`TokenVerifier::verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The current time, seconds since the epoch.
    pub now: u64,
    /// A required `typ` header (compared as a media type, RFC 7515 §4.1.9).
    pub typ: Option<String>,
    /// Claims that must be present besides `iss`, `aud` and `exp`.
    pub required_claims: Vec<String>,
}

/// Options of [`TokenVerifier::verify_id_token`].
#[derive(Debug, Clone, Default)]
pub struct IdTokenOptions {
    /// The current time, seconds since the epoch.
    pub now: u64,
    /// The `nonce` sent in the authorization request; the token must carry it.
    pub nonce: Option<String>,
    /// The `max_age` sent in the authorization request, in seconds; the token must carry `auth_time`.
    pub max_age: Option<u64>,
    /// The access token issued with the ID token; the token must carry a matching `at_hash`.
    pub access_token: Option<String>,
    /// With `access_token`: `at_hash` is checked when the token has one, not required. OIDC Core 3.1.3.8 makes
    /// it optional in an ID token from the token endpoint (the code flow); 3.3.2.9 says to check it when present.
    pub at_hash_optional: bool,
    /// The authorization code issued with the ID token; the token must carry a matching `c_hash`.
    pub code: Option<String>,
    /// The claims of the session's ID token, when this one was issued by a refresh (OIDC Core 12.2): the same
    /// `iss`, `sub`, `aud`, `azp` and `auth_time`, and no other `nonce`.
    pub refreshes: Option<Map<String, Value>>,
}

/// Options of [`TokenVerifier::verify_access_token`].
#[derive(Debug, Clone, Default)]
pub struct AccessTokenOptions {
    /// The current time, seconds since the epoch.
    pub now: u64,
    /// What the token's scopes (`scope`, else `scp`) must satisfy: a list (all of it) or an expression.
    pub required_scopes: Option<Requirement>,
    /// RFC 9068 strict mode: `typ` must be `at+jwt`, and `sub`, `client_id`, `iat`, `jti` are required.
    pub strict: bool,
    /// The RFC 7638 thumbprint of the DPoP proof's key the token came with (RFC 9449 §7.1): the token's
    /// `cnf.jkt` must equal it. `None` (a Bearer token): the token must not be DPoP-bound (§7.1).
    pub dpop_jkt: Option<String>,
}

/// Options of [`TokenVerifier::verify_userinfo`].
#[derive(Debug, Clone, Default)]
pub struct UserinfoJwtOptions {
    /// The current time, seconds since the epoch (`exp`, `nbf` and `iat` are checked when present).
    pub now: u64,
    /// The ID token's `sub`: OIDC Core §5.3.4 requires the response's `sub` to equal it.
    pub expected_subject: Option<String>,
}

/// Options of [`TokenVerifier::verify_introspection`].
#[cfg(feature = "server")]
#[derive(Debug, Clone, Default)]
pub struct IntrospectionJwtOptions {
    /// The current time, seconds since the epoch (`exp` and `nbf` are checked when present).
    pub now: u64,
}

/// Which verification to run, with its per-call options: the claims policy of [`TokenVerifier::check`].
#[derive(Debug, Clone)]
pub enum Policy {
    /// [`TokenVerifier::verify`].
    Jwt(VerifyOptions),
    /// [`TokenVerifier::verify_id_token`].
    IdToken(IdTokenOptions),
    /// [`TokenVerifier::verify_access_token`].
    AccessToken(AccessTokenOptions),
    /// [`TokenVerifier::verify_userinfo`].
    Userinfo(UserinfoJwtOptions),
    /// [`TokenVerifier::verify_logout_token`].
    LogoutToken(LogoutTokenOptions),
    /// [`TokenVerifier::verify_introspection`].
    #[cfg(feature = "server")]
    Introspection(IntrospectionJwtOptions),
}

impl Policy {
    /// The current time of the call, seconds since the epoch.
    pub fn now(&self) -> u64 {
        match self {
            Policy::Jwt(o) => o.now,
            Policy::IdToken(o) => o.now,
            Policy::AccessToken(o) => o.now,
            Policy::Userinfo(o) => o.now,
            Policy::LogoutToken(o) => o.now,
            #[cfg(feature = "server")]
            Policy::Introspection(o) => o.now,
        }
    }

    /// Whether a token that passed may be served again from a verified-token cache: not a logout token,
    /// which is accepted once (its `jti` goes through a replay store instead).
    pub fn cacheable(&self) -> bool {
        !matches!(self, Policy::LogoutToken(_))
    }
}

/// The `typ` of a JWT introspection response (RFC 9701 §5).
#[cfg(feature = "server")]
const INTROSPECTION_TYP: &str = "token-introspection+jwt";

/// Every asymmetric algorithm, plus HS* when the set holds `oct` keys (DESIGN.md "Algorithms").
fn default_algorithms(jwks: &JwkSet) -> Vec<Algorithm> {
    Algorithm::ALL
        .into_iter()
        .filter(|a| !a.is_symmetric() || jwks.has_symmetric_keys())
        .collect()
}

/// The `typ` rule a verification applies to the header: each one an allowlist.
enum TypRule<'a> {
    Any,
    Exactly(&'a str),
    /// Absent or `JWT` (RFC 7519 §5.1, RFC 8725 §3.11): no other kind of JWT of the issuer (an access token,
    /// a logout token, a security event…) passes as an ID token or a userinfo response.
    Jwt,
    AccessToken {
        strict: bool,
    },
    /// `logout+jwt` (Back-Channel Logout 1.0 §2.4, RFC 8725 §3.11), or absent or `JWT` as 1.0 allows.
    Logout,
}

/// RFC 9068 strict mode from `verifyAccessToken`'s `typ` option: `at+jwt` (compared as a media type)
/// turns it on; absent leaves it off.
///
/// Errors: `invalid_request` for any other value.
pub fn access_token_strict_mode(typ: Option<&str>) -> Result<bool> {
    match typ {
        None => Ok(false),
        Some(t) if media_type(t) == "application/at+jwt" => Ok(true),
        Some(other) => Err(Error::InvalidRequest(format!(
            "verifyAccessToken typ must be \"at+jwt\" (RFC 9068 strict mode), found {}",
            quote(other)
        ))),
    }
}

/// Verifies JWTs from one issuer for one audience against a key set.
#[derive(Debug, Clone)]
pub struct TokenVerifier {
    issuer: String,
    audience: Vec<String>,
    jwks: JwkSet,
    algorithms: Vec<Algorithm>,
    /// Whether `algorithms` was given (else it follows the key set: HS* only with `oct` keys).
    explicit_algorithms: bool,
    clock_tolerance: u64,
    client_id: Option<String>,
    max_token_length: usize,
}

impl TokenVerifier {
    /// A verifier for tokens whose `iss` is `issuer` and whose `aud` contains one of `audience`.
    /// `invalid_request` for an empty issuer, audience or algorithm list, or a zero `max_token_length`.
    pub fn new(
        issuer: &str,
        audience: Vec<String>,
        jwks: JwkSet,
        options: VerifierOptions,
    ) -> Result<Self> {
        if issuer.is_empty() {
            return Err(Error::InvalidRequest("issuer must not be empty".into()));
        }
        if audience.is_empty() || audience.iter().any(String::is_empty) {
            return Err(Error::InvalidRequest(
                "audience must be one or more non-empty strings".into(),
            ));
        }
        if options.max_token_length == 0 {
            return Err(Error::InvalidRequest(
                "maxTokenLength must be positive".into(),
            ));
        }
        let explicit_algorithms = options.algorithms.is_some();
        let algorithms = match options.algorithms {
            Some(algs) if algs.is_empty() => {
                return Err(Error::InvalidRequest(
                    "algorithms must list at least one algorithm".into(),
                ));
            }
            Some(algs) => algs,
            None => default_algorithms(&jwks),
        };
        let client_id = match (options.client_id, audience.as_slice()) {
            (Some(id), _) if id.is_empty() => {
                return Err(Error::InvalidRequest("clientId must not be empty".into()));
            }
            (Some(id), _) => Some(id),
            (None, [only]) => Some(only.clone()),
            (None, _) => None,
        };
        Ok(TokenVerifier {
            issuer: issuer.to_owned(),
            audience,
            jwks,
            algorithms,
            explicit_algorithms,
            clock_tolerance: options.clock_tolerance,
            client_id,
            max_token_length: options.max_token_length,
        })
    }

    /// The algorithms this verifier accepts.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The key set it verifies against.
    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// The clock tolerance, in seconds.
    pub fn clock_tolerance(&self) -> u64 {
        self.clock_tolerance
    }

    /// Replaces the key set (a remote JWKS was refetched). Without explicit `algorithms`, the default
    /// allowlist follows the new set (HS* only when it holds `oct` keys). Cheap: a [`JwkSet`] shares its keys.
    pub fn set_jwks(&mut self, jwks: JwkSet) {
        if !self.explicit_algorithms {
            self.algorithms = default_algorithms(&jwks);
        }
        self.jwks = jwks;
    }

    /// Verifies signature, `typ` (when asked), the types of the registered claims present (`invalid_claim`),
    /// `iss`, `aud`, `exp` (required), `nbf`, `iat` and the required claims.
    pub fn verify(&self, token: &str, options: &VerifyOptions) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::Jwt(options.clone()))
    }

    /// Verifies an ID token (OIDC Core 3.1.3.7): everything [`Self::verify`] does, plus a `typ` that is
    /// absent or `JWT`, `sub` and `iat` required, `aud` containing the client, `azp` (required with several audiences, equal to the client),
    /// `nonce`, `auth_time` against `max_age`, and `at_hash`/`c_hash` (OIDC Core 3.3.2.11) when asked.
    pub fn verify_id_token(&self, token: &str, options: &IdTokenOptions) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::IdToken(options.clone()))
    }

    /// Verifies a JWT access token (RFC 9068): everything [`Self::verify`] does, `typ` `at+jwt`,
    /// `application/at+jwt`, `JWT` or none (only `at+jwt` in strict mode, which also requires `client_id`,
    /// `iat` and `jti`), `sub` (RFC 9068 §2.2, in every mode), then the required scopes.
    pub fn verify_access_token(
        &self,
        token: &str,
        options: &AccessTokenOptions,
    ) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::AccessToken(options.clone()))
    }

    /// Verifies a signed UserInfo response (OIDC Core §5.3.2): signature, a `typ` that is absent or `JWT`,
    /// `iss`, `aud` containing the client, `exp`/`nbf`/`iat` only when present (the response need
    /// not expire), `sub` required and equal to `expected_subject` when given (§5.3.4, `invalid_claim`).
    pub fn verify_userinfo(
        &self,
        token: &str,
        options: &UserinfoJwtOptions,
    ) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::Userinfo(options.clone()))
    }

    /// Verifies a logout token's signature and claims (OIDC Back-Channel Logout 1.0 §2.6): `typ`
    /// `logout+jwt`, `JWT` or none, `iss`, `aud` containing the client, `iat`, `exp` and `jti` required, `events`
    /// holding [`BACKCHANNEL_LOGOUT_EVENT`] as an object, `sid` and/or `sub`, no `nonce`. Not the `jti` replay
    /// check, which needs a store: `crate::server::verify_logout_token` adds it.
    pub fn verify_logout_token(
        &self,
        token: &str,
        options: &LogoutTokenOptions,
    ) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::LogoutToken(options.clone()))
    }

    /// Verifies a JWT introspection response (RFC 9701 §5): signature, `typ` `token-introspection+jwt`
    /// (§5, RFC 8725 §3.11), `iss`, `aud` containing the client (the caller of the endpoint), `iat` required,
    /// `exp`/`nbf` when present, and a `token_introspection` claim that is a valid RFC 7662 §2.2 response
    /// (`crate::client::introspect::token_introspection` reads it).
    #[cfg(feature = "server")]
    pub fn verify_introspection(
        &self,
        token: &str,
        options: &IntrospectionJwtOptions,
    ) -> Result<VerifiedToken> {
        self.verify_policy(token, &Policy::Introspection(options.clone()))
    }

    /// [`Self::prepare`], the signature through the Rust algorithms, then [`Self::check`].
    pub fn verify_policy(&self, token: &str, policy: &Policy) -> Result<VerifiedToken> {
        let verified = self.prepare(token, policy)?.verify_with_rust()?;
        self.check(&verified, policy)?;
        Ok(verified)
    }

    /// Everything before the signature check (sans-IO split, see [`crate::jose::PendingSignature`]): the verifier's own
    /// configuration for the policy (`invalid_request`: an ID token needs a client), then
    /// [`UnverifiedToken::parse`] and [`UnverifiedToken::prepare`] with this verifier's keys and allowlist.
    pub fn prepare(&self, token: &str, policy: &Policy) -> Result<PendingSignature> {
        self.configured_for(policy)?;
        self.prepare_parsed(self.parse(token)?, policy)
    }

    /// [`UnverifiedToken::parse`] with this verifier's length limit, for [`Self::prepare_parsed`]: a caller
    /// that needs the header first (the edge guard: its `kid`) parses the token once.
    pub fn parse<'a>(&self, token: &'a str) -> Result<UnverifiedToken<'a>> {
        UnverifiedToken::parse(token, self.max_token_length)
    }

    /// [`Self::prepare`] of a token [`Self::parse`] parsed.
    pub fn prepare_parsed(
        &self,
        parsed: UnverifiedToken<'_>,
        policy: &Policy,
    ) -> Result<PendingSignature> {
        self.configured_for(policy)?;
        parsed.prepare(&self.jwks, &self.algorithms)
    }

    /// `invalid_request` when the policy needs what this verifier lacks: a client for ID tokens, userinfo,
    /// introspection responses and logout tokens.
    fn configured_for(&self, policy: &Policy) -> Result<()> {
        match policy {
            Policy::IdToken(_) | Policy::Userinfo(_) | Policy::LogoutToken(_) => {
                self.client()?;
            }
            #[cfg(feature = "server")]
            Policy::Introspection(_) => {
                self.client()?;
            }
            Policy::Jwt(_) | Policy::AccessToken(_) => {}
        }
        Ok(())
    }

    /// The client that ID tokens and userinfo responses are for.
    fn client(&self) -> Result<&str> {
        self.client_id.as_deref().ok_or_else(|| {
            Error::InvalidRequest(
                "ID tokens, userinfo, introspection responses and logout tokens need clientId when audience lists several values"
                    .into(),
            )
        })
    }

    /// The claims policy on a token whose signature verified: `typ`, `iss`, `aud`, the time claims at the
    /// policy's `now`, the required claims, then the ID-token or access-token rules. Pure: it may run again
    /// on a cached [`VerifiedToken`] with other per-call options.
    pub fn check(&self, verified: &VerifiedToken, policy: &Policy) -> Result<()> {
        match policy {
            Policy::Jwt(options) => {
                let rule = options
                    .typ
                    .as_deref()
                    .map_or(TypRule::Any, TypRule::Exactly);
                let required: Vec<&str> =
                    options.required_claims.iter().map(String::as_str).collect();
                self.check_common(verified, options.now, rule, &required, Exp::Required)
            }
            Policy::IdToken(options) => self.check_id_token(verified, options),
            Policy::AccessToken(options) => {
                // RFC 9068 §2.2: `sub` is REQUIRED of every JWT access token; strict mode adds the rest of §2.2.
                let required: &[&str] = if options.strict {
                    &["sub", "client_id", "iat", "jti"]
                } else {
                    &["sub"]
                };
                self.check_common(
                    verified,
                    options.now,
                    TypRule::AccessToken {
                        strict: options.strict,
                    },
                    required,
                    Exp::Required,
                )?;
                check_dpop_binding(verified.claims(), options.dpop_jkt.as_deref())?;
                if let Some(requirement) = &options.required_scopes {
                    scope::require(verified.claims(), requirement)?;
                }
                Ok(())
            }
            Policy::Userinfo(options) => {
                let client_id = self.client()?;
                self.check_common(verified, options.now, TypRule::Jwt, &["sub"], Exp::Optional)?;
                audiences_with_client(verified.claims(), client_id)?;
                check_userinfo_subject(verified.claims(), options.expected_subject.as_deref())
            }
            Policy::LogoutToken(options) => {
                let client_id = self.client()?;
                self.check_common(
                    verified,
                    options.now,
                    TypRule::Logout,
                    &["iat", "jti"],
                    Exp::Required,
                )?;
                audiences_with_client(verified.claims(), client_id)?;
                logout::check_logout_claims(verified.claims())
            }
            #[cfg(feature = "server")]
            Policy::Introspection(options) => {
                let client_id = self.client()?;
                self.check_common(
                    verified,
                    options.now,
                    TypRule::Exactly(INTROSPECTION_TYP),
                    &["iat"],
                    Exp::Optional,
                )?;
                audiences_with_client(verified.claims(), client_id)?;
                crate::client::introspect::token_introspection(verified.claims()).map(|_| ())
            }
        }
    }

    fn check_id_token(&self, verified: &VerifiedToken, options: &IdTokenOptions) -> Result<()> {
        let client_id = self.client()?;
        self.check_common(
            verified,
            options.now,
            TypRule::Jwt,
            &["sub", "iat"],
            Exp::Required,
        )?;
        let claims = verified.claims();
        let audiences = audiences_with_client(claims, client_id)?;
        match string_claim(claims, "azp")? {
            Some(azp) if azp != client_id => {
                return Err(Error::AzpMismatch(format!(
                    "\"azp\" is {}, expected the client {}",
                    quote(azp),
                    quote(client_id)
                )));
            }
            None if audiences.len() > 1 => {
                return Err(Error::MissingClaim(
                    "an ID token with several audiences must carry \"azp\"".into(),
                ));
            }
            _ => {}
        }
        if let Some(expected) = options.nonce.as_deref() {
            let nonce = string_claim(claims, "nonce")?.ok_or_else(|| {
                Error::NonceMismatch("the ID token has no \"nonce\", one was sent".into())
            })?;
            if !bool::from(nonce.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(Error::NonceMismatch(
                    "\"nonce\" is not the one sent in the authorization request".into(),
                ));
            }
        }
        if let Some(max_age) = options.max_age {
            let auth_time = numeric_claim(claims, "auth_time")?.ok_or_else(|| {
                Error::MissingClaim("\"auth_time\" is required when maxAge is given".into())
            })?;
            if auth_time + max_age as f64 + (self.clock_tolerance as f64) < options.now as f64 {
                return Err(Error::AuthTimeTooOld(format!(
                    "the user authenticated at {}, more than {max_age} s before now ({})",
                    json::shown(claims, "auth_time"),
                    options.now
                )));
            }
        }
        let alg = verified.header().alg();
        let at_hash_checked = !options.at_hash_optional || claims.contains_key("at_hash");
        if let Some(access_token) = options.access_token.as_deref().filter(|_| at_hash_checked) {
            check_half_hash(claims, "at_hash", alg, access_token)?;
        }
        if let Some(code) = options.code.as_deref() {
            check_half_hash(claims, "c_hash", alg, code)?;
        }
        if let Some(original) = &options.refreshes {
            refreshed::check_refreshed_id_token(original, claims)?;
        }
        Ok(())
    }

    fn check_common(
        &self,
        verified: &VerifiedToken,
        now: u64,
        typ: TypRule<'_>,
        required: &[&str],
        exp: Exp,
    ) -> Result<()> {
        check_typ(verified.header(), typ)?;
        let claims = verified.claims();
        check_claim_types(claims)?;
        match string_claim(claims, "iss")? {
            Some(iss) if iss == self.issuer => {}
            Some(iss) => {
                return Err(Error::IssuerMismatch(format!(
                    "\"iss\" is {}, expected {}",
                    quote(iss),
                    quote(&self.issuer)
                )));
            }
            None => return Err(Error::MissingClaim("\"iss\" is required".into())),
        }
        if claims.get("aud").is_none() {
            return Err(Error::MissingClaim("\"aud\" is required".into()));
        }
        if !audiences(claims)?
            .iter()
            .any(|aud| self.audience.iter().any(|a| a == aud))
        {
            let expected: Vec<String> = self.audience.iter().map(|a| quote(a)).collect();
            return Err(Error::AudienceMismatch(format!(
                "\"aud\" contains none of [{}]",
                expected.join(", ")
            )));
        }
        self.check_time(claims, now, exp)?;
        if let Some(missing) = required
            .iter()
            .find(|name| claims.get(**name).is_none_or(Value::is_null))
        {
            return Err(Error::MissingClaim(format!(
                "{} is required",
                quote(missing)
            )));
        }
        Ok(())
    }

    /// DESIGN.md "Time": `exp <= now - tolerance` is expired, `nbf > now + tolerance` not yet valid.
    fn check_time(&self, claims: &Map<String, Value>, at: u64, exp: Exp) -> Result<()> {
        let (now, tolerance) = (at as f64, self.clock_tolerance as f64);
        match (numeric_claim(claims, "exp")?, exp) {
            (Some(exp), _) if exp <= now - tolerance => {
                return Err(Error::TokenExpired(format!(
                    "the token expired at {}, now is {at}",
                    json::shown(claims, "exp")
                )));
            }
            (None, Exp::Required) => {
                return Err(Error::MissingClaim("\"exp\" is required".into()));
            }
            _ => {}
        }
        if let Some(nbf) = numeric_claim(claims, "nbf")? {
            if nbf > now + tolerance {
                return Err(Error::TokenNotYetValid(format!(
                    "the token is valid from {}, now is {at}",
                    json::shown(claims, "nbf")
                )));
            }
        }
        Ok(())
    }
}

/// Registered claims of a string type (RFC 7519 §4.1, RFC 9068 §2.2, OIDC Core §2).
const STRING_CLAIMS: [&str; 7] = ["iss", "sub", "jti", "client_id", "nonce", "azp", "acr"];
/// Registered claims of the NumericDate type (RFC 7519 §2, OIDC Core §2).
const NUMERIC_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

/// Every registered claim present has its registered type (DESIGN.md "Claims"), whether or not the
/// verification requires it: a `sub` array must never reach a caller that reads it as a string.
///
/// Errors: `invalid_claim`.
fn check_claim_types(claims: &Map<String, Value>) -> Result<()> {
    for name in STRING_CLAIMS {
        string_claim(claims, name)?;
    }
    for name in NUMERIC_CLAIMS {
        numeric_claim(claims, name)?;
    }
    audiences(claims)?;
    match claims.get("amr") {
        None => Ok(()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
        Some(other) => Err(Error::InvalidClaim(format!(
            "\"amr\" must be an array of strings, found {}",
            json::kind(other)
        ))),
    }
}

/// Whether a token must carry `exp`: every token does, except a userinfo response (OIDC Core §5.3.2) and a JWT
/// introspection response (RFC 9701 §5).
#[derive(Clone, Copy)]
enum Exp {
    Required,
    Optional,
}

/// The token's audiences, which must contain the client (OIDC Core 3.1.3.7 item 3, §5.3.2).
fn audiences_with_client<'a>(
    claims: &'a Map<String, Value>,
    client_id: &str,
) -> Result<Vec<&'a str>> {
    let audiences = audiences(claims)?;
    if !audiences.contains(&client_id) {
        return Err(Error::AudienceMismatch(format!(
            "\"aud\" does not contain the client {}",
            quote(client_id)
        )));
    }
    Ok(audiences)
}

/// RFC 9449 §6.1, §7.1: a token bound to a key (`cnf.jkt`) is accepted only with a proof of that key, and a
/// token with a proof only when it is bound to the proof's key.
///
/// Errors: `invalid_dpop_proof`; `invalid_claim` for a `cnf` that is not an object or a `jkt` not a string.
fn check_dpop_binding(claims: &Map<String, Value>, proof_jkt: Option<&str>) -> Result<()> {
    let bound = match claims.get("cnf") {
        None => None,
        Some(Value::Object(cnf)) => match cnf.get("jkt") {
            None => None,
            Some(Value::String(jkt)) => Some(jkt.as_str()),
            Some(other) => {
                return Err(Error::InvalidClaim(format!(
                    "\"cnf.jkt\" must be a string, found {}",
                    json::kind(other)
                )));
            }
        },
        Some(other) => {
            return Err(Error::InvalidClaim(format!(
                "\"cnf\" must be an object, found {}",
                json::kind(other)
            )));
        }
    };
    match (bound, proof_jkt) {
        (None, None) => Ok(()),
        (Some(bound), Some(proof)) if bound == proof => Ok(()),
        (Some(_), None) => Err(Error::InvalidDpopProof(
            "the access token is DPoP-bound (\"cnf.jkt\"): it must come with a DPoP proof, as \
             Authorization: DPoP, never as a Bearer token (RFC 9449 §7.1)"
                .into(),
        )),
        (Some(_), Some(_)) => Err(Error::InvalidDpopProof(
            "the access token is bound to another key than the DPoP proof's (RFC 9449 §6.1)".into(),
        )),
        (None, Some(_)) => Err(Error::InvalidDpopProof(
            "the access token is not DPoP-bound (no \"cnf.jkt\"), yet presented with a DPoP proof"
                .into(),
        )),
    }
}

/// RFC 7515 §4.1.9: `typ` is a media type, compared case-insensitively, `application/` implied.
pub(crate) fn media_type(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    if lower.contains('/') {
        lower
    } else {
        format!("application/{lower}")
    }
}

fn check_typ(header: &Header, rule: TypRule<'_>) -> Result<()> {
    let found = header.typ().map(media_type);
    let ok = match rule {
        TypRule::Any => true,
        TypRule::Exactly(expected) => found.as_deref() == Some(media_type(expected).as_str()),
        TypRule::Jwt => matches!(found.as_deref(), None | Some("application/jwt")),
        TypRule::AccessToken { strict: true } => found.as_deref() == Some("application/at+jwt"),
        TypRule::AccessToken { strict: false } => {
            matches!(
                found.as_deref(),
                None | Some("application/at+jwt" | "application/jwt")
            )
        }
        TypRule::Logout => matches!(
            found.as_deref(),
            None | Some("application/logout+jwt" | "application/jwt")
        ),
    };
    if ok {
        return Ok(());
    }
    let expected = match rule {
        TypRule::Exactly(expected) => quote(expected),
        TypRule::AccessToken { strict: true } => "at+jwt".to_owned(),
        TypRule::Jwt => "JWT or none".to_owned(),
        TypRule::Logout => "logout+jwt, JWT or none".to_owned(),
        _ => "at+jwt, application/at+jwt, JWT or none".to_owned(),
    };
    let found = header.typ().map_or_else(|| "absent".to_owned(), quote);
    Err(Error::TypMismatch(format!(
        "\"typ\" is {found}, expected {expected}"
    )))
}

/// The `aud` claim as a list: one string or an array of strings (RFC 7519 §4.1.3).
fn audiences(claims: &Map<String, Value>) -> Result<Vec<&str>> {
    match claims.get("aud") {
        None => Ok(Vec::new()),
        Some(Value::String(aud)) => Ok(vec![aud.as_str()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| Error::InvalidClaim("\"aud\" must list strings".into()))
            })
            .collect(),
        Some(other) => Err(Error::InvalidClaim(format!(
            "\"aud\" must be a string or an array of strings, found {}",
            json::kind(other)
        ))),
    }
}

fn string_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::InvalidClaim(format!(
            "{name:?} must be a string, found {}",
            json::kind(other)
        ))),
    }
}

/// A NumericDate claim (RFC 7519 §2): a JSON number, fractions allowed.
fn numeric_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .map(Some)
            .ok_or_else(|| Error::InvalidClaim(format!("{name:?} is not a usable number"))),
        Some(other) => Err(Error::InvalidClaim(format!(
            "{name:?} must be a number, found {}",
            json::kind(other)
        ))),
    }
}

/// `at_hash`/`c_hash` (OIDC Core 3.1.3.6, 3.3.2.11): base64url of the left half of the alg's hash of `value`.
fn check_half_hash(
    claims: &Map<String, Value>,
    name: &str,
    alg: Algorithm,
    value: &str,
) -> Result<()> {
    let claimed = string_claim(claims, name)?.ok_or_else(|| {
        Error::MissingClaim(format!(
            "{name:?} is required to bind the ID token to what was given"
        ))
    })?;
    let hash = alg.hash(value.as_bytes());
    let expected = base64url::encode(hash.get(..hash.len() / 2).unwrap_or_default());
    if bool::from(claimed.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(Error::InvalidClaim(format!(
            "{name:?} does not match the value given"
        )))
    }
}

#[cfg(test)]
mod tests;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod prop;
