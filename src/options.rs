//! Options given as JSON text (a route table) read into their Rust structs, with the rules that `serde`
//! alone would not apply (DESIGN.md "Options"; the binding reads JS objects by the same rules in
//! `src/js/options.rs`): a member set to `null` is refused rather than read as absent (`Option<u64>` would
//! take `maxAge: null` for "no max_age check"), every number is an integer in `0..=2^53 − 1` (no JS number
//! beyond it counts exactly), and every failure names the member.

use crate::error::{Error, Result, cap};
use crate::jose::json;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The largest number an option may hold: `Number.MAX_SAFE_INTEGER`, 2^53 − 1.
pub const MAX_INTEGER: u64 = (1 << 53) - 1;

/// Reads the options object `text` (JSON) into `T`: strict JSON (a repeated member is an error), no `null`
/// member at any depth, every number an integer in `0..=MAX_INTEGER`, then `T`'s own serde rules (unknown
/// members, types). `what` names the object in messages (e.g. `"verifyIdToken options"`).
///
/// Errors: `invalid_request`, naming the member (`cache.maxEntries`, `routes[0].scopes`).
pub fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let value = json::parse_strict(text)
        .map_err(|e| Error::InvalidRequest(format!("{what}: {}", cap(&e))))?;
    check(what, &mut String::new(), &value)?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = cap(&e.into_inner().to_string());
        Error::InvalidRequest(match path.as_str() {
            "." => format!("{what}: {message}"),
            _ => format!("{what}: {}: {message}", cap(&path)),
        })
    })
}

/// The rule for every number an option holds, positional arguments included: an integer in
/// `0..=MAX_INTEGER` (NaN, ±Infinity, fractions and negatives are refused, never read as "off").
/// `what` names the option in the message.
pub fn integer(what: &str, n: f64) -> Result<u64> {
    integer_shown(what, n, |n| {
        if n != 0.0 && n.abs() < 1e-6 {
            format!("{n:e}")
        } else {
            n.to_string()
        }
    })
}

/// [`integer`], with `show` writing the number found when it is a fraction or a negative within
/// ±(2^53 − 1). The binding passes JS's `Number.prototype.toString`, which writes the same text as
/// [`integer`] does, so the wasm module carries no float formatting of its own (issue 16: size).
pub fn integer_shown(what: &str, n: f64, show: impl FnOnce(f64) -> String) -> Result<u64> {
    if n.fract() == 0.0 && (0.0..=MAX_INTEGER as f64).contains(&n) {
        return Ok(n as u64);
    }
    let found = if n.is_nan() {
        "NaN".to_owned()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if n.abs() > MAX_INTEGER as f64 {
        // Not its 300 digits: the message says what was wrong.
        format!(
            "a number beyond {}",
            if n > 0.0 { "2^53 - 1" } else { "-(2^53 - 1)" }
        )
    } else {
        show(n)
    };
    Err(Error::InvalidRequest(format!(
        "{what} must be an integer in 0..=2^53 - 1, found {found}"
    )))
}

/// Walks `value`: no `null`, numbers through [`integer`]. `path` is the member's path so far.
fn check(what: &str, path: &mut String, value: &Value) -> Result<()> {
    let name = |path: &str| {
        let member = if path.is_empty() { "the object" } else { path };
        format!("{what}: {}", cap(member))
    };
    match value {
        Value::Null => Err(Error::InvalidRequest(format!(
            "{} is null: leave it out (or undefined) for the default",
            name(path)
        ))),
        Value::Number(n) => match n.as_u64() {
            Some(u) if u <= MAX_INTEGER => Ok(()),
            // Negative, fractional or beyond 2^53 − 1; every JSON number has an f64 reading.
            _ => integer(&name(path), n.as_f64().unwrap_or(f64::NAN)).map(drop),
        },
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let checked = check(what, path, item);
            path.truncate(len);
            checked
        }),
        Value::Object(members) => members.iter().try_for_each(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let checked = check(what, path, item);
            path.truncate(len);
            checked
        }),
        Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Inner {
        max_entries: usize,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Opts {
        max_age: Option<u64>,
        nonce: Option<String>,
        cache: Option<Inner>,
        #[serde(default)]
        list: Vec<String>,
    }

    fn message(text: &str) -> String {
        let e = from_json::<Opts>("o", text).unwrap_err();
        assert_eq!(e.code(), "invalid_request", "{text}");
        e.message()
    }

    #[test]
    fn absent_members_are_absent_and_values_read() {
        let o: Opts = from_json("o", "{}").unwrap();
        assert!(o.max_age.is_none() && o.nonce.is_none() && o.cache.is_none() && o.list.is_empty());
        let o: Opts = from_json(
            "o",
            r#"{"maxAge":0,"cache":{"maxEntries":9007199254740991}}"#,
        )
        .unwrap();
        assert_eq!(o.max_age, Some(0));
        assert_eq!(o.cache.unwrap().max_entries, 9_007_199_254_740_991);
    }

    #[test]
    fn null_is_refused_for_every_member_and_named() {
        // `Option` alone would read each of these as absent: maxAge null would turn the max_age check off.
        assert_eq!(
            message(r#"{"maxAge":null}"#),
            "o: maxAge is null: leave it out (or undefined) for the default"
        );
        assert!(message(r#"{"nonce":null}"#).starts_with("o: nonce is null"));
        assert!(
            message(r#"{"cache":{"maxEntries":null}}"#).starts_with("o: cache.maxEntries is null")
        );
        assert!(message(r#"{"list":["a",null]}"#).starts_with("o: list[1] is null"));
    }

    #[test]
    fn numbers_are_integers_in_the_safe_range_and_named() {
        for (text, found) in [
            (r#"{"maxAge":-1}"#, "-1"),
            (r#"{"maxAge":1.5}"#, "1.5"),
            (r#"{"maxAge":9007199254740992}"#, "a number beyond 2^53 - 1"),
            (r#"{"maxAge":1e300}"#, "a number beyond 2^53 - 1"),
            (r#"{"maxAge":-1e300}"#, "a number beyond -(2^53 - 1)"),
        ] {
            assert_eq!(
                message(text),
                format!("o: maxAge must be an integer in 0..=2^53 - 1, found {found}")
            );
        }
        assert!(message(r#"{"cache":{"maxEntries":0.5}}"#).starts_with("o: cache.maxEntries must"));
    }

    #[test]
    fn type_errors_name_the_member() {
        assert!(
            message(r#"{"maxAge":"60"}"#).starts_with("o: maxAge: invalid type: string \"60\""),
            "{}",
            message(r#"{"maxAge":"60"}"#)
        );
        assert!(message(r#"{"cache":{"maxEntries":true}}"#).starts_with("o: cache.maxEntries: "));
        assert!(message(r#"{"maxAgee":1}"#).starts_with("o: maxAgee: unknown field `maxAgee`"));
        assert!(message(r#"{"maxAge":1,"maxAge":2}"#).contains("duplicate member"));
    }

    #[test]
    fn messages_stay_short_whatever_the_input() {
        let long = "a".repeat(30_000);
        for text in [
            format!(r#"{{"maxAge":"{long}"}}"#),
            format!(r#"{{"{long}":1}}"#),
            format!(r#"{{"{long}":null}}"#),
            format!(r#"{{"list":{{"{long}":-1}}}}"#),
        ] {
            let m = message(&text);
            assert!(m.len() < 600, "{} characters: {}", m.len(), &m[..100]);
        }
    }

    #[test]
    fn positional_numbers_follow_the_same_rule() {
        assert_eq!(integer("bytes", 32.0), Ok(32));
        assert_eq!(integer("now", 9_007_199_254_740_991.0), Ok(MAX_INTEGER));
        for (n, found) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (-0.5, "-0.5"),
            (1e-300, "1e-300"),
            (9_007_199_254_740_992.0, "a number beyond 2^53 - 1"),
        ] {
            assert_eq!(
                integer("bytes", n).unwrap_err().message(),
                format!("bytes must be an integer in 0..=2^53 - 1, found {found}")
            );
        }
    }
}
