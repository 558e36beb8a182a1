//! The one error type of the crate. Every failure carries a stable [`Error::code`] (the strings of
//! DESIGN.md, also the JS `OidcEdgeError.code`) and a message that says what was expected and what was
//! found — never a secret, never a whole token.

use std::fmt;

/// Every way an oidc-edge call can fail. Match on the variant in Rust, on [`Error::code`] across the JS boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Not a compact JWS: wrong number of parts, bad base64url or JSON, duplicate members, oversized.
    MalformedToken(String),
    /// An `alg` the library does not implement, or `none`.
    UnsupportedAlgorithm(String),
    /// An `alg` outside the allowlist, or not the one the key is for.
    AlgorithmNotAllowed(String),
    /// No key in the set matches the token's `kid` / `alg`.
    KeyNotFound(String),
    /// The signature does not verify.
    InvalidSignature(String),
    /// `crit` names an extension the library does not process (RFC 7515 §4.1.11).
    UnsupportedCriticalHeader(String),
    /// `exp` is past, beyond the clock tolerance.
    TokenExpired(String),
    /// `nbf` is in the future, beyond the clock tolerance.
    TokenNotYetValid(String),
    /// `iss` (or an authorization response's `iss`, or discovery's `issuer`) is not the expected issuer.
    IssuerMismatch(String),
    /// `aud` does not contain the expected audience.
    AudienceMismatch(String),
    /// `azp` is not the client (OIDC Core 3.1.3.7).
    AzpMismatch(String),
    /// `nonce` is not the one sent in the authorization request.
    NonceMismatch(String),
    /// The JOSE `typ` header is not the required one.
    TypMismatch(String),
    /// A required claim is absent.
    MissingClaim(String),
    /// A claim has the wrong type or an impossible value.
    InvalidClaim(String),
    /// `auth_time` is older than `max_age` allows.
    AuthTimeTooOld(String),
    /// A DPoP proof (RFC 9449) that is malformed, invalid, for another request or key, or replayed; or a
    /// DPoP-bound access token presented without one (§7.1).
    InvalidDpopProof(String),
    /// The server requires a DPoP nonce and the proof lacks it or has another (RFC 9449 §8).
    UseDpopNonce(String),
    /// The token's `jti` was already accepted (a replay), or the replay store could not remember it.
    TokenReplayed(String),
    /// The token's scopes do not satisfy the requirement.
    InsufficientScope {
        /// What was wrong, for people.
        message: String,
        /// The scopes that would have satisfied the requirement, for the RFC 6750 `scope` attribute.
        required: Vec<String>,
    },
    /// The token's authentication is not strong or recent enough for the route (RFC 9470 step-up).
    InsufficientUserAuthentication {
        /// What was wrong, for people.
        message: String,
        /// The acceptable `acr` values, for the challenge's `acr_values`.
        acr_values: Vec<String>,
        /// The most seconds since `auth_time`, for the challenge's `max_age`.
        max_age: Option<u64>,
    },
    /// Key material that cannot be used.
    InvalidJwk(String),
    /// A key below the floor: RSA < 2048 bits, an HMAC key shorter than its hash.
    WeakKey(String),
    /// A PKCE verifier outside RFC 7636 §4.1 (43..128 characters of `[A-Za-z0-9-._~]`).
    InvalidPkceVerifier(String),
    /// The `state` of an authorization response is missing or not the one sent.
    StateMismatch(String),
    /// The authorization server answered with an OAuth error (RFC 6749 §4.1.2.1, §5.2).
    AuthorizationError {
        /// The `error` code, e.g. `access_denied`.
        error: String,
        /// `error_description`, when the server sent one.
        error_description: Option<String>,
        /// `error_uri`, when the server sent one.
        error_uri: Option<String>,
    },
    /// A request (or its options) is malformed: a bad URL, a missing or repeated parameter, a bad option.
    InvalidRequest(String),
    /// Provider metadata that does not follow OIDC Discovery 1.0 / RFC 8414.
    InvalidMetadata(String),
    /// A scope expression that does not parse.
    InvalidScopeExpression {
        /// What was wrong, for people.
        message: String,
        /// 1-based column (in characters) of the problem.
        column: usize,
    },
    /// A fetch failed, or answered with a non-success status.
    HttpError {
        /// What was wrong, for people.
        message: String,
        /// The HTTP status, when there was a response.
        status: Option<u16>,
    },
    /// A function was called before the module was loaded: `init()` not awaited first. Raised by the JS
    /// entry points (the WebAssembly module is not there to raise it), listed here so the code stays stable.
    NotInitialized(String),
}

impl Error {
    /// The stable, snake_case code of this error (DESIGN.md "Errors"), the same string JS sees as `err.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MalformedToken(_) => "malformed_token",
            Error::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Error::AlgorithmNotAllowed(_) => "algorithm_not_allowed",
            Error::KeyNotFound(_) => "key_not_found",
            Error::InvalidSignature(_) => "invalid_signature",
            Error::UnsupportedCriticalHeader(_) => "unsupported_critical_header",
            Error::TokenExpired(_) => "token_expired",
            Error::TokenNotYetValid(_) => "token_not_yet_valid",
            Error::IssuerMismatch(_) => "issuer_mismatch",
            Error::AudienceMismatch(_) => "audience_mismatch",
            Error::AzpMismatch(_) => "azp_mismatch",
            Error::NonceMismatch(_) => "nonce_mismatch",
            Error::TypMismatch(_) => "typ_mismatch",
            Error::MissingClaim(_) => "missing_claim",
            Error::InvalidClaim(_) => "invalid_claim",
            Error::AuthTimeTooOld(_) => "auth_time_too_old",
            Error::TokenReplayed(_) => "token_replayed",
            Error::InvalidDpopProof(_) => "invalid_dpop_proof",
            Error::UseDpopNonce(_) => "use_dpop_nonce",
            Error::InsufficientScope { .. } => "insufficient_scope",
            Error::InsufficientUserAuthentication { .. } => "insufficient_user_authentication",
            Error::InvalidJwk(_) => "invalid_jwk",
            Error::WeakKey(_) => "weak_key",
            Error::InvalidPkceVerifier(_) => "invalid_pkce_verifier",
            Error::StateMismatch(_) => "state_mismatch",
            Error::AuthorizationError { .. } => "authorization_error",
            Error::InvalidRequest(_) => "invalid_request",
            Error::InvalidMetadata(_) => "invalid_metadata",
            Error::InvalidScopeExpression { .. } => "invalid_scope_expression",
            Error::HttpError { .. } => "http_error",
            Error::NotInitialized(_) => "not_initialized",
        }
    }

    /// The human-readable message, without the code.
    pub fn message(&self) -> String {
        match self {
            Error::MalformedToken(m)
            | Error::UnsupportedAlgorithm(m)
            | Error::AlgorithmNotAllowed(m)
            | Error::KeyNotFound(m)
            | Error::InvalidSignature(m)
            | Error::UnsupportedCriticalHeader(m)
            | Error::TokenExpired(m)
            | Error::TokenNotYetValid(m)
            | Error::IssuerMismatch(m)
            | Error::AudienceMismatch(m)
            | Error::AzpMismatch(m)
            | Error::NonceMismatch(m)
            | Error::TypMismatch(m)
            | Error::MissingClaim(m)
            | Error::InvalidClaim(m)
            | Error::AuthTimeTooOld(m)
            | Error::TokenReplayed(m)
            | Error::InvalidDpopProof(m)
            | Error::UseDpopNonce(m)
            | Error::InvalidJwk(m)
            | Error::WeakKey(m)
            | Error::InvalidPkceVerifier(m)
            | Error::StateMismatch(m)
            | Error::InvalidRequest(m)
            | Error::InvalidMetadata(m)
            | Error::NotInitialized(m)
            | Error::InsufficientScope { message: m, .. }
            | Error::InsufficientUserAuthentication { message: m, .. }
            | Error::InvalidScopeExpression { message: m, .. }
            | Error::HttpError { message: m, .. } => m.clone(),
            Error::AuthorizationError {
                error,
                error_description,
                ..
            } => match error_description {
                Some(d) => format!(
                    "the authorization server answered {}: {}",
                    quote(error),
                    quote(d)
                ),
                None => format!("the authorization server answered {}", quote(error)),
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most characters of an input value (a `kid`, an issuer, a parameter name…) a message quotes.
pub const QUOTE_LIMIT: usize = 64;

/// An input value as every message quotes it: escaped and in quotes (`{:?}`), at most [`QUOTE_LIMIT`]
/// characters of it, followed by `…` and its length when it is longer (a 30 KB `kid` gives a short message).
pub fn quote(value: &str) -> String {
    match value.char_indices().nth(QUOTE_LIMIT) {
        None => format!("{value:?}"),
        Some((end, _)) => format!(
            "{:?}… ({} characters)",
            value.get(..end).unwrap_or_default(),
            value.chars().count()
        ),
    }
}

/// The most characters of other text a message embeds: another library's message (which may quote the
/// input itself), a member path.
pub const EMBED_LIMIT: usize = 200;

/// `text` cut after [`EMBED_LIMIT`] characters, with `…` when it was longer.
pub fn cap(text: &str) -> String {
    match text.char_indices().nth(EMBED_LIMIT) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_input_is_capped() {
        assert_eq!(quote("kid-1"), "\"kid-1\"");
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
        let exact = "é".repeat(QUOTE_LIMIT);
        assert_eq!(quote(&exact), format!("{exact:?}"));
        let long = "é".repeat(30_000);
        let q = quote(&long);
        assert_eq!(
            q,
            format!("{:?}… (30000 characters)", "é".repeat(QUOTE_LIMIT))
        );
        let text = "x".repeat(EMBED_LIMIT);
        assert_eq!(cap(&text), text);
        assert_eq!(cap(&format!("{text}yz")), format!("{text}…"));
    }

    #[test]
    fn display_is_code_then_message() {
        let e = Error::StateMismatch("expected the state sent".into());
        assert_eq!(e.to_string(), "state_mismatch: expected the state sent");
        let e = Error::AuthorizationError {
            error: "access_denied".into(),
            error_description: Some("user said no".into()),
            error_uri: None,
        };
        assert_eq!(e.code(), "authorization_error");
        assert_eq!(
            e.message(),
            "the authorization server answered \"access_denied\": \"user said no\""
        );
    }

    /// The strings `Error::code` returns, read from its own source (every arm of its match).
    fn rust_codes() -> Vec<&'static str> {
        let body = include_str!("error.rs")
            .split("pub fn code(&self)")
            .nth(1)
            .and_then(|rest| rest.split("\n    }\n").next())
            .unwrap();
        body.split("=> \"")
            .skip(1)
            .map(|arm| arm.split('"').next().unwrap())
            .collect()
    }

    #[test]
    fn docs_errors_md_explains_every_code() {
        let doc = include_str!("../docs/errors.md");
        for code in rust_codes() {
            assert!(
                doc.contains(&format!("\n| `{code}` | ")),
                "docs/errors.md must have a row for {code}: when it happens, what to do"
            );
        }
    }

    #[test]
    fn the_typescript_union_lists_every_code() {
        let dts = include_str!("../js/types/errors.d.ts");
        let union = dts
            .split("export type OidcEdgeErrorCode =")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap();
        let mut ts: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
        let mut rust = rust_codes();
        ts.sort_unstable();
        rust.sort_unstable();
        assert_eq!(
            rust, ts,
            "OidcEdgeErrorCode in js/types/errors.d.ts must list exactly the codes of Error::code"
        );
    }
}
