//! Shapes and character rules shared by request parameters (RFC 6749 Appendix A).

use crate::error::{Error, Result, quote};
use serde::Deserialize;

/// A value JS callers may give as one string or a list of strings (`scope`, `acr_values`, `resource`, `aud`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single string (for space-delimited parameters, possibly several values).
    One(String),
    /// A list of values.
    Many(Vec<String>),
}

impl Default for OneOrMany {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl From<&str> for OneOrMany {
    fn from(s: &str) -> Self {
        OneOrMany::One(s.to_owned())
    }
}

impl From<Vec<String>> for OneOrMany {
    fn from(v: Vec<String>) -> Self {
        OneOrMany::Many(v)
    }
}

impl OneOrMany {
    /// The values, a string being split at spaces (empty pieces dropped).
    pub fn space_separated(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => s.split(' ').filter(|p| !p.is_empty()).collect(),
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    /// The values as given: a string is one value.
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// RFC 6749 Appendix A.4 scope-token: one or more NQCHAR (%x21 / %x23-5B / %x5D-7E).
pub fn check_scope_token(what: &str, token: &str) -> Result<()> {
    let ok = !token.is_empty()
        && token
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "{what} {token} is not a scope token (RFC 6749 §3.3: printable ASCII without space, '\"' or '\\')",
            token = quote(token)
        )))
    }
}

/// RFC 6749 Appendix A (client_id, state…): one or more VSCHAR (%x20-7E).
pub fn check_vschar(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::InvalidRequest(format!("{what} must not be empty")));
    }
    if let Some(c) = value.chars().find(|c| !matches!(c, '\x20'..='\x7e')) {
        return Err(Error::InvalidRequest(format!(
            "{what} may only hold printable ASCII (RFC 6749 Appendix A), found {c:?}"
        )));
    }
    Ok(())
}

/// A non-empty string.
pub fn check_non_empty(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        Err(Error::InvalidRequest(format!("{what} must not be empty")))
    } else {
        Ok(())
    }
}
