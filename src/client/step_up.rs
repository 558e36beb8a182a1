//! Step-up authentication (RFC 9470) on the client: a resource's `insufficient_user_authentication` challenge
//! (§3), read into the `acr_values` and `max_age` of the authorization request that gets a stronger or fresher
//! authentication (§4).

use crate::client::userinfo::token_challenge_params;
use crate::error::{Error, Result, quote};
use crate::wire::check_scope_token;

/// The error code of a step-up challenge (RFC 9470 §3).
pub const INSUFFICIENT_USER_AUTHENTICATION: &str = "insufficient_user_authentication";

/// What a step-up challenge asks of the next authorization request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepUp {
    /// `acr_values`: the authentication context classes, in order of preference.
    pub acr_values: Option<Vec<String>>,
    /// `max_age`: the most seconds since the user authenticated.
    pub max_age: Option<u64>,
}

/// Reads a `WWW-Authenticate` value: `Some` for a `Bearer` or `DPoP` challenge whose `error` is
/// `insufficient_user_authentication` (RFC 9470 §3), with its `acr_values` (space-separated) and `max_age`;
/// `None` for any other challenge.
///
/// Errors: `http_error` for a step-up challenge whose `acr_values` is empty or holds a value RFC 6749 §3.3's
/// characters forbid, or whose `max_age` is not a non-negative integer.
pub fn parse_step_up_challenge(header: &str) -> Result<Option<StepUp>> {
    let Some(params) = token_challenge_params(header) else {
        return Ok(None);
    };
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if get("error") != Some(INSUFFICIENT_USER_AUTHENTICATION) {
        return Ok(None);
    }
    let bad = |m: String| Error::HttpError {
        message: format!("the step-up challenge is invalid (RFC 9470 §3): {m}"),
        status: None,
    };
    let acr_values = match get("acr_values") {
        None => None,
        Some(list) => {
            let values: Vec<String> = list
                .split(' ')
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect();
            if values.is_empty() {
                return Err(bad("acr_values is empty".into()));
            }
            for v in &values {
                check_scope_token("acr_values", v)
                    .map_err(|_| bad(format!("acr_values holds {}", quote(v))))?;
            }
            Some(values)
        }
    };
    let max_age = match get("max_age") {
        None => None,
        Some(text) => {
            let ok =
                !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit());
            let age = text.parse::<u64>().ok().filter(|_| ok);
            Some(age.ok_or_else(|| {
                bad(format!(
                    "max_age {} is not a non-negative integer",
                    quote(text)
                ))
            })?)
        }
    };
    Ok(Some(StepUp {
        acr_values,
        max_age,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_of_rfc_9470_3() {
        let up = parse_step_up_challenge(
            r#"Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR urn:mace:incommon:iap:silver""#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            up.acr_values.as_deref(),
            Some(
                &[
                    "myACR".to_owned(),
                    "urn:mace:incommon:iap:silver".to_owned()
                ][..]
            )
        );
        assert_eq!(up.max_age, None);
        let up =
            parse_step_up_challenge(r#"DPoP error="insufficient_user_authentication", max_age=5"#)
                .unwrap()
                .unwrap();
        assert_eq!((up.acr_values, up.max_age), (None, Some(5)));
        for other in [
            r#"Bearer error="invalid_token""#,
            r#"Basic realm="x""#,
            "Bearer",
            "",
        ] {
            assert_eq!(parse_step_up_challenge(other).unwrap(), None, "{other}");
        }
        for bad in [
            r#"Bearer error="insufficient_user_authentication", max_age="-1""#,
            r#"Bearer error="insufficient_user_authentication", max_age="5s""#,
            r#"Bearer error="insufficient_user_authentication", max_age="99999999999999999999""#,
            r#"Bearer error="insufficient_user_authentication", acr_values="""#,
            r#"Bearer error="insufficient_user_authentication", acr_values="a\"b""#,
        ] {
            assert_eq!(
                parse_step_up_challenge(bad).unwrap_err().code(),
                "http_error",
                "{bad}"
            );
        }
    }
}
