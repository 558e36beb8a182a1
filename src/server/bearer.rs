//! The `Authorization: Bearer` request header (RFC 6750 §2.1, RFC 9110 §11.4).

use crate::error::{Error, Result};

/// The bearer token of an `Authorization` header value.
///
/// - no header, or another scheme (`Basic …`): `Ok(None)` — the request carries no bearer token, and the
///   answer is a challenge without an error code (RFC 6750 §3.1);
/// - `Bearer` (any case, RFC 9110 §11.1) then one or more spaces then one `b64token`: `Ok(Some(token))`;
/// - anything else after `Bearer` (no token, two tokens, characters outside `b64token`, a comma-separated
///   list): `malformed_token`, which is answered `401 error="invalid_token"`.
pub fn bearer_token(header: Option<&str>) -> Result<Option<&str>> {
    scheme_token(header, "Bearer")
}

/// The token of an `Authorization` header of `scheme` (`Bearer`, or `DPoP`: RFC 9449 §7.1 uses the same
/// token68 syntax), compared without case; `None` for another scheme or no header.
///
/// Errors: `malformed_token` for the scheme with no token, or one that is not a b64token.
pub fn scheme_token<'a>(header: Option<&'a str>, scheme: &str) -> Result<Option<&'a str>> {
    let Some(value) = header else { return Ok(None) };
    let (given, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !given.eq_ignore_ascii_case(scheme) {
        return Ok(None);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(Error::MalformedToken(format!(
            "the Authorization header has the {scheme} scheme but no token"
        )));
    }
    if !is_b64token(token) {
        return Err(Error::MalformedToken(format!(
            "the {scheme} token is not a b64token (RFC 6750 §2.1: A-Z a-z 0-9 - . _ ~ + / then optional =)"
        )));
    }
    Ok(Some(token))
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
/// The b64token characters by byte (RFC 6750 §2.1, `=` aside): one lookup per byte of a token on every request.
// Indexing in a const block: an index out of range fails the build, it cannot panic at run time.
#[allow(clippy::indexing_slicing)]
static B64TOKEN_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] =
            c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        b += 1;
    }
    table
};

fn is_b64token(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| B64TOKEN_CHARS.get(usize::from(b)) == Some(&true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_credentials() {
        assert_eq!(
            bearer_token(Some("Bearer abc.def-_~+/==")).unwrap(),
            Some("abc.def-_~+/==")
        );
        assert_eq!(bearer_token(Some("bearer   abc")).unwrap(), Some("abc"));
        assert_eq!(bearer_token(Some("BEARER abc")).unwrap(), Some("abc"));
        assert_eq!(bearer_token(None).unwrap(), None);
        assert_eq!(bearer_token(Some("Basic dXNlcjpwdw==")).unwrap(), None);
        assert_eq!(bearer_token(Some("")).unwrap(), None);
        assert_eq!(bearer_token(Some("Bearerabc")).unwrap(), None);
    }

    #[test]
    fn rejects_malformed_bearer_values() {
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer a,b",
            "Bearer a\tb",
            "Bearer ===",
            "Bearer a=b",
            "Bearer abc ",
            "Bearer é",
            "Bearer \"abc\"",
        ] {
            assert_eq!(
                bearer_token(Some(bad)).unwrap_err().code(),
                "malformed_token",
                "{bad:?}"
            );
        }
    }
}
