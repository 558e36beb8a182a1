//! Strict JSON for security decisions: duplicate member names are an error at every depth (RFC 8725 §3.x,
//! RFC 7515 §4 "MUST reject or use last" — we reject), because two parsers that pick different duplicates
//! disagree about what a token says.

use crate::error::quote;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses JSON text into a [`Value`], rejecting duplicate object members anywhere in it. Through
/// [`parse_strict_slice`]: one serde_json reader in the module, not two (issue 16: size).
pub fn parse_strict(text: &str) -> Result<Value, String> {
    parse_strict_slice(text.as_bytes())
}

/// Like [`parse_strict`], from bytes (which must be UTF-8).
pub fn parse_strict_slice(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice::<Strict>(bytes)
        .map(|s| s.0)
        .map_err(|e| e.to_string())
}

/// Parses a JSON object strictly; anything but an object is an error.
pub fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match parse_strict(text)? {
        Value::Object(map) => Ok(map),
        other => Err(format!("expected a JSON object, found {}", kind(&other))),
    }
}

/// The member `name` of `claims` as its JSON text (`1700000000`), for messages: a number written by
/// serde_json as it came, not by `f64`'s `Display`, which would bring Rust's float formatting into the
/// wasm modules (issue 16).
pub fn shown(claims: &Map<String, Value>, name: &str) -> String {
    claims.get(name).map(Value::to_string).unwrap_or_default()
}

/// A word for the JSON type of a value, for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if members.contains_key(&name) {
                return Err(de::Error::custom(format!(
                    "duplicate member name {name}",
                    name = quote(&name)
                )));
            }
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicates_at_any_depth() {
        assert!(parse_strict(r#"{"a":1,"b":{"c":[{"d":1}]}}"#).is_ok());
        assert!(
            parse_strict(r#"{"a":1,"a":2}"#)
                .unwrap_err()
                .contains("duplicate member name \"a\"")
        );
        assert!(parse_strict(r#"{"x":[{"a":1,"a":1}]}"#).is_err());
        // escaped and literal spellings of one name are the same name
        assert!(parse_strict(r#"{"a":1,"\u0061":2}"#).is_err());
    }

    #[test]
    fn objects_only_and_deep_nesting_is_an_error_not_a_crash() {
        assert_eq!(
            parse_object("[1]").unwrap_err(),
            "expected a JSON object, found an array"
        );
        let deep = "[".repeat(100_000);
        assert!(parse_strict(&deep).is_err());
    }
}
