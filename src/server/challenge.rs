//! RFC 6750 §3 answers: the HTTP status and `WWW-Authenticate: Bearer …` value for a failed request to a
//! protected resource.
//!
//! | problem | status | challenge |
//! | --- | --- | --- |
//! | no token presented ([`Problem::MissingToken`]) | 401 | `Bearer realm="…"`, no `error` (§3.1) |
//! | `invalid_request` | 400 | `error="invalid_request"` |
//! | a token verification code (`malformed_token` … `use_dpop_nonce`, see [`INVALID_TOKEN_CODES`]) | 401 | `error="invalid_token"` |
//! | `invalid_dpop_proof`, `use_dpop_nonce` in a DPoP challenge (`dpop_algs` given, RFC 9449 §7.1) | 401 | `DPoP error="invalid_dpop_proof"` / `error="use_dpop_nonce"` |
//! | `insufficient_scope` | 403 | `error="insufficient_scope"`, `scope="…"` from the error's `required` |
//! | anything else (`http_error`, `invalid_jwk`, a configuration error, an unknown code) | 500, or 503 for `http_error` | `Bearer realm="…"`, no `error`: the server failed, not the request |
//!
//! Attributes come in the order `realm`, `error`, `error_description`, `scope`. `error_description` is only
//! sent when asked for; its value is restricted to RFC 6750's %x20-21 / %x23-5B / %x5D-7E: `"` becomes `'`,
//! `\` becomes `/`, control characters become spaces, other characters (non-ASCII) become `?`, and it is cut
//! to [`MAX_DESCRIPTION_LEN`] characters. The result is also a valid RFC 9110 §5.6.4 quoted-string. The
//! `realm` is a quoted-string of printable ASCII (`"` and `\` backslash-escaped).

use crate::error::{Error, Result};
use crate::jose::Algorithm;
use crate::scope::is_scope_token;
use crate::wire::OneOrMany;

/// The longest `error_description` sent, in characters (longer messages are cut and end with `...`).
pub const MAX_DESCRIPTION_LEN: usize = 200;

/// Every error code answered with `401` + `error="invalid_token"`: the token itself is unacceptable.
pub const INVALID_TOKEN_CODES: &[&str] = &[
    "malformed_token",
    "unsupported_algorithm",
    "algorithm_not_allowed",
    "key_not_found",
    "invalid_signature",
    "unsupported_critical_header",
    "token_expired",
    "token_not_yet_valid",
    "issuer_mismatch",
    "audience_mismatch",
    "azp_mismatch",
    "nonce_mismatch",
    "typ_mismatch",
    "missing_claim",
    "invalid_claim",
    "auth_time_too_old",
    "token_replayed",
    "invalid_dpop_proof",
    "use_dpop_nonce",
];

/// Options of a challenge (the default: no realm, no `error_description`, the error's own scopes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChallengeOptions {
    /// The protection space (RFC 7235 §2.2), sent first when given.
    pub realm: Option<String>,
    /// Send the error's message as `error_description` (default: no — it tells a caller why its token
    /// failed, which helps debugging and also helps probing).
    pub error_description: bool,
    /// The `scope` attribute for every answer (RFC 6750 §3: the scope necessary to access the resource);
    /// for `insufficient_scope` it replaces the error's own list.
    pub scope: Option<OneOrMany>,
    /// A DPoP challenge (RFC 9449 §7.1): the scheme `DPoP` instead of `Bearer`, with these algorithms as
    /// `algs` (sent last), and its own error codes `invalid_dpop_proof` and `use_dpop_nonce`.
    pub dpop_algs: Option<Vec<Algorithm>>,
    /// The URL of the resource's protected-resource metadata (RFC 9728 §5.1), sent as `resource_metadata`.
    pub resource_metadata: Option<String>,
}

/// Why the request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The request carried no access token (RFC 6750 §3.1: no `error` attribute).
    MissingToken,
    /// An oidc-edge error, by its fields: `code` (e.g. `token_expired`), message, and for
    /// `insufficient_scope` the scopes that would satisfy the requirement.
    Failure {
        /// The error code, as [`Error::code`] gives it; unknown codes are server failures (500).
        code: String,
        /// The message, for `error_description`.
        message: String,
        /// For `insufficient_scope`: the scopes to list in `scope`. Items that are not RFC 6749
        /// scope-tokens are left out.
        required_scopes: Vec<String>,
        /// For `insufficient_user_authentication` (RFC 9470 §3): the `acr_values` and `max_age` to send.
        step_up: (Vec<String>, Option<u64>),
    },
}

impl From<&Error> for Problem {
    fn from(err: &Error) -> Self {
        Problem::Failure {
            code: err.code().to_owned(),
            message: err.message(),
            required_scopes: match err {
                Error::InsufficientScope { required, .. } => required.clone(),
                _ => Vec::new(),
            },
            step_up: match err {
                Error::InsufficientUserAuthentication {
                    acr_values,
                    max_age,
                    ..
                } => (acr_values.clone(), *max_age),
                _ => (Vec::new(), None),
            },
        }
    }
}

/// The answer: the HTTP status and the `WWW-Authenticate` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// 400, 401, 403, 500 or 503.
    pub status: u16,
    /// The `WWW-Authenticate` value, always starting with `Bearer`.
    pub www_authenticate: String,
}

/// Builds the RFC 6750 §3 answer for `problem` (the table in the module docs).
///
/// # Errors
/// `invalid_request` when `realm` holds a character outside printable ASCII (or tab), or `scope` names
/// something that is not an RFC 6749 scope-token.
pub fn bearer_challenge(problem: &Problem, opts: &ChallengeOptions) -> Result<Challenge> {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(realm) = &opts.realm {
        params.push(("realm", quote(&check_realm(realm)?)));
    }
    let option_scope = match &opts.scope {
        Some(s) => Some(crate::scope::required_list(s)?),
        None => None,
    };
    let (status, error, description, scopes): (u16, Option<&str>, Option<&str>, Vec<String>) =
        match problem {
            Problem::MissingToken => (401, None, None, Vec::new()),
            Problem::Failure {
                code,
                message,
                required_scopes,
                ..
            } => match code.as_str() {
                "invalid_request" => (
                    400,
                    Some("invalid_request"),
                    Some(message.as_str()),
                    Vec::new(),
                ),
                c @ ("invalid_dpop_proof" | "use_dpop_nonce") if opts.dpop_algs.is_some() => {
                    (401, Some(c), Some(message.as_str()), Vec::new())
                }
                "insufficient_scope" => (
                    403,
                    Some("insufficient_scope"),
                    Some(message.as_str()),
                    required_scopes
                        .iter()
                        .filter(|s| is_scope_token(s))
                        .cloned()
                        .collect(),
                ),
                c if INVALID_TOKEN_CODES.contains(&c) => (
                    401,
                    Some("invalid_token"),
                    Some(message.as_str()),
                    Vec::new(),
                ),
                // RFC 9470 §3: a valid token whose authentication is too weak or too old.
                "insufficient_user_authentication" => (
                    401,
                    Some("insufficient_user_authentication"),
                    Some(message.as_str()),
                    Vec::new(),
                ),
                "http_error" => (503, None, None, Vec::new()),
                _ => (500, None, None, Vec::new()),
            },
        };
    if let Some(error) = error {
        params.push(("error", quote(error)));
        if opts.error_description {
            if let Some(d) = description.map(description_value).filter(|d| !d.is_empty()) {
                params.push(("error_description", quote(&d)));
            }
        }
    }
    let scopes = option_scope.unwrap_or(scopes);
    if !scopes.is_empty() && status != 500 && status != 503 {
        params.push(("scope", quote(&scopes.join(" "))));
    }
    if let Problem::Failure {
        code,
        step_up: (acr_values, max_age),
        ..
    } = problem
    {
        if code == "insufficient_user_authentication" {
            let acr: Vec<&str> = acr_values
                .iter()
                .map(String::as_str)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic()))
                .collect();
            if !acr.is_empty() {
                params.push(("acr_values", quote(&acr.join(" "))));
            }
            if let Some(max_age) = max_age {
                params.push(("max_age", quote(&max_age.to_string())));
            }
        }
    }
    if let Some(url) = &opts.resource_metadata {
        if url.is_empty() || !url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidRequest(
                "resource_metadata must be a URL of printable ASCII".into(),
            ));
        }
        params.push(("resource_metadata", quote(url)));
    }
    let mut www_authenticate = String::from("Bearer");
    if let Some(algs) = &opts.dpop_algs {
        if algs.is_empty() {
            return Err(Error::InvalidRequest(
                "a DPoP challenge lists at least one algorithm in algs".into(),
            ));
        }
        let names: Vec<&str> = algs.iter().map(|a| a.name()).collect();
        params.push(("algs", quote(&names.join(" "))));
        www_authenticate = String::from("DPoP");
    }
    for (i, (name, value)) in params.iter().enumerate() {
        www_authenticate.push_str(if i == 0 { " " } else { ", " });
        www_authenticate.push_str(name);
        www_authenticate.push('=');
        www_authenticate.push_str(value);
    }
    Ok(Challenge {
        status,
        www_authenticate,
    })
}

/// [`bearer_challenge`] for a crate [`Error`].
pub fn challenge_for_error(err: &Error, opts: &ChallengeOptions) -> Result<Challenge> {
    bearer_challenge(&Problem::from(err), opts)
}

fn check_realm(realm: &str) -> Result<String> {
    match realm.chars().find(|c| !matches!(c, '\t' | ' '..='~')) {
        Some(c) => Err(Error::InvalidRequest(format!(
            "realm may only hold printable ASCII, found {c:?}"
        ))),
        None => Ok(realm.to_owned()),
    }
}

/// RFC 6750 §3 `error_description` value: %x20-21 / %x23-5B / %x5D-7E only.
fn description_value(message: &str) -> String {
    let mut out = String::new();
    for (n, c) in message.chars().enumerate() {
        if n == MAX_DESCRIPTION_LEN {
            // keep the total at the limit: drop the last three characters for the ellipsis
            let keep = MAX_DESCRIPTION_LEN.saturating_sub(3);
            out = out.chars().take(keep).collect();
            out.push_str("...");
            break;
        }
        out.push(match c {
            '"' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            c if c.is_control() => ' ',
            _ => '?',
        });
    }
    out.trim().to_owned()
}

/// An RFC 9110 §5.6.4 quoted-string: `"` and `\` backslash-escaped (callers pass HTAB/SP/VCHAR only).
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn realm(r: &str) -> ChallengeOptions {
        ChallengeOptions {
            realm: Some(r.into()),
            ..Default::default()
        }
    }

    fn answer(err: &Error, opts: &ChallengeOptions) -> (u16, String) {
        let c = challenge_for_error(err, opts).unwrap();
        (c.status, c.www_authenticate)
    }

    #[test]
    fn dpop_challenges_answer_their_own_codes_with_algs() {
        let opts = ChallengeOptions {
            realm: Some("api".into()),
            dpop_algs: Some(vec![Algorithm::Es256, Algorithm::EdDsa]),
            ..Default::default()
        };
        for (err, expected) in [
            (
                Error::InvalidDpopProof("m".into()),
                "DPoP realm=\"api\", error=\"invalid_dpop_proof\", algs=\"ES256 EdDSA\"",
            ),
            (
                Error::UseDpopNonce("m".into()),
                "DPoP realm=\"api\", error=\"use_dpop_nonce\", algs=\"ES256 EdDSA\"",
            ),
            (
                Error::TokenExpired("m".into()),
                "DPoP realm=\"api\", error=\"invalid_token\", algs=\"ES256 EdDSA\"",
            ),
        ] {
            assert_eq!(answer(&err, &opts), (401, expected.to_owned()));
        }
        // without dpop_algs a DPoP code is a token failure: a bound token sent as Bearer
        assert_eq!(
            answer(&Error::InvalidDpopProof("m".into()), &realm("api")),
            (
                401,
                "Bearer realm=\"api\", error=\"invalid_token\"".to_owned()
            )
        );
        let empty = ChallengeOptions {
            dpop_algs: Some(vec![]),
            ..Default::default()
        };
        assert!(bearer_challenge(&Problem::MissingToken, &empty).is_err());
    }

    #[test]
    fn missing_token_has_no_error_attribute() {
        let c = bearer_challenge(&Problem::MissingToken, &realm("example")).unwrap();
        assert_eq!(
            (c.status, c.www_authenticate.as_str()),
            (401, "Bearer realm=\"example\"")
        );
        let c = bearer_challenge(&Problem::MissingToken, &ChallengeOptions::default()).unwrap();
        assert_eq!((c.status, c.www_authenticate.as_str()), (401, "Bearer"));
    }

    #[test]
    fn every_verification_code_is_invalid_token() {
        for code in INVALID_TOKEN_CODES {
            let p = Problem::Failure {
                code: (*code).into(),
                message: "m".into(),
                required_scopes: vec![],
                step_up: (Vec::new(), None),
            };
            let c = bearer_challenge(&p, &realm("api")).unwrap();
            assert_eq!(c.status, 401, "{code}");
            assert_eq!(
                c.www_authenticate,
                "Bearer realm=\"api\", error=\"invalid_token\""
            );
        }
        let (status, h) = answer(
            &Error::TokenExpired("the token expired at 5".into()),
            &ChallengeOptions {
                realm: Some("example".into()),
                error_description: true,
                scope: None,
                dpop_algs: None,
                resource_metadata: Some(
                    "https://api.example.com/.well-known/oauth-protected-resource".into(),
                ),
            },
        );
        assert_eq!(status, 401);
        assert_eq!(
            h,
            "Bearer realm=\"example\", error=\"invalid_token\", error_description=\"the token expired at 5\", resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource\""
        );
    }

    #[test]
    fn invalid_request_is_400_and_scope_is_403_with_scopes() {
        let (s, h) = answer(
            &Error::InvalidRequest("two tokens".into()),
            &ChallengeOptions::default(),
        );
        assert_eq!((s, h.as_str()), (400, "Bearer error=\"invalid_request\""));
        let err = Error::InsufficientScope {
            message: "lacks b".into(),
            required: vec![
                "a".into(),
                "https://api.example.com/read".into(),
                "bad\"one".into(),
            ],
        };
        let (s, h) = answer(&err, &realm("r"));
        assert_eq!(s, 403);
        assert_eq!(
            h,
            "Bearer realm=\"r\", error=\"insufficient_scope\", scope=\"a https://api.example.com/read\""
        );
        let opts = ChallengeOptions {
            scope: Some(OneOrMany::from("x y")),
            ..Default::default()
        };
        assert_eq!(
            answer(&err, &opts).1,
            "Bearer error=\"insufficient_scope\", scope=\"x y\""
        );
        let c = bearer_challenge(&Problem::MissingToken, &opts).unwrap();
        assert_eq!(c.www_authenticate, "Bearer scope=\"x y\"");
    }

    #[test]
    fn server_failures_are_5xx_without_error() {
        let (s, h) = answer(
            &Error::HttpError {
                message: "JWKS fetch failed".into(),
                status: Some(502),
            },
            &realm("r"),
        );
        assert_eq!((s, h.as_str()), (503, "Bearer realm=\"r\""));
        assert_eq!(answer(&Error::InvalidJwk("x".into()), &realm("r")).0, 500);
        let p = Problem::Failure {
            code: "no_such_code".into(),
            message: "x".into(),
            required_scopes: vec!["a".into()],
            step_up: (Vec::new(), None),
        };
        let c = bearer_challenge(&p, &ChallengeOptions::default()).unwrap();
        assert_eq!((c.status, c.www_authenticate.as_str()), (500, "Bearer"));
    }

    #[test]
    fn description_is_restricted_to_rfc6750_characters() {
        let opts = ChallengeOptions {
            error_description: true,
            ..Default::default()
        };
        let err = Error::InvalidClaim("say \"hi\" \\ caf\u{e9}\r\nnext\t\u{0}".into());
        let (_, h) = answer(&err, &opts);
        assert_eq!(
            h,
            "Bearer error=\"invalid_token\", error_description=\"say 'hi' / caf?  next\""
        );
        let long = "x".repeat(500);
        let (_, h) = answer(&Error::InvalidClaim(long), &opts);
        let expected = format!("{}...", "x".repeat(MAX_DESCRIPTION_LEN - 3));
        assert_eq!(
            h,
            format!("Bearer error=\"invalid_token\", error_description=\"{expected}\"")
        );
        // every character of the value is in the RFC 6750 set
        let value = h
            .split("error_description=\"")
            .nth(1)
            .unwrap()
            .trim_end_matches('"');
        assert!(
            value
                .bytes()
                .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E))
        );
        // an empty description is left out
        let (_, h) = answer(&Error::InvalidClaim(" \u{1} ".into()), &opts);
        assert_eq!(h, "Bearer error=\"invalid_token\"");
    }

    #[test]
    fn realm_is_escaped_and_checked() {
        let c = bearer_challenge(&Problem::MissingToken, &realm("my \"api\" \\ v1")).unwrap();
        assert_eq!(
            c.www_authenticate,
            "Bearer realm=\"my \\\"api\\\" \\\\ v1\""
        );
        for bad in ["caf\u{e9}", "a\r\nSet-Cookie: x", "\u{7f}"] {
            let e = bearer_challenge(&Problem::MissingToken, &realm(bad)).unwrap_err();
            assert_eq!(e.code(), "invalid_request", "{bad:?}");
        }
        let opts = ChallengeOptions {
            scope: Some(OneOrMany::from("a\"b")),
            ..Default::default()
        };
        assert_eq!(
            bearer_challenge(&Problem::MissingToken, &opts)
                .unwrap_err()
                .code(),
            "invalid_request"
        );
    }
}
