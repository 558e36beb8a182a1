//! Options objects read in one pass from the JS value into their typed Rust structs: a serde
//! `Deserializer` over the `JsValue` itself (no `JSON.stringify`, no JSON text, no `serde_json::Value`),
//! with the rules DESIGN.md "Options" sets and serde alone would not apply:
//! - a member set to `null` is refused, not read as absent (`maxAge: null` would turn the max_age check off);
//!   a member set to `undefined` (or a function or symbol, which JSON.stringify leaves out) is absent;
//! - every number is an integer in `0..=2^53 − 1` ([`crate::options::integer`]): NaN, ±Infinity, fractions and negatives
//!   are refused and named as what they are;
//! - unknown members, wrong types and missing members are the target struct's serde rules
//!   (`deny_unknown_fields`), with serde's messages;
//! - at most [`MAX_DEPTH`] levels and [`MAX_VALUES`] values, so a cyclic or huge object ends in an error.
//!
//! Every failure is `invalid_request` naming the member by its path (`cache.maxEntries`, `routes[0].scopes`).

use crate::error::{Error, cap};
use crate::options::{MAX_INTEGER, integer_shown};
use crate::wire::OneOrMany;
use js_sys::{Array, Reflect};
use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How deep an options object may nest (a cycle ends here).
pub const MAX_DEPTH: usize = 32;

/// How many values (members and array items, at every depth) an options object may hold.
pub const MAX_VALUES: usize = 100_000;

#[wasm_bindgen]
extern "C" {
    /// `Object.keys`, catching what a Proxy's `ownKeys` trap throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(value: &JsValue) -> Result<Array, JsValue>;
}

/// `now` of the calls whose options are only `{ now? }` (seconds since the epoch; `None`: the clock), read
/// as [`Fields`] reads any member.
pub fn now_only(what: &str, value: &JsValue) -> Result<Option<u64>, Error> {
    Fields::optional(what, value, &["now"])?.take("now")
}

/// An options object (or `undefined`/`null` for the defaults) read by [`required_options`].
pub fn options<T: DeserializeOwned + Default>(what: &str, value: &JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    required_options(what, value)
}

/// An options object, which must be there, read into `T` (see the module rules). `what` names the object in
/// messages (e.g. `"verifyIdToken options"`).
///
/// Errors: `invalid_request`, naming the member.
pub fn required_options<T: DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, Error> {
    let count = Cell::new(0);
    T::deserialize(top_reader(what, value, &count)?).map_err(|e| e.into_error(what))
}

/// An options object read member by member, for the structs read without a serde derive (a derive's visitor
/// costs kilobytes of wasm per struct; this costs a call per member): the same rules and messages as
/// [`required_options`] — each member's value is read by serde as its own type, an unknown member is refused
/// naming it, a missing one as serde says it. An object or a list of objects inside it is read the same way
/// ([`Fields::take_object`], [`Fields::take_objects`]), its errors named by their whole path.
pub struct Fields<'a> {
    what: &'a str,
    members: Vec<(String, JsValue)>,
    /// The values read so far in the whole options object, shared with the objects nested in it.
    count: Rc<Cell<usize>>,
    /// Where this object sits in the options object, innermost step first (empty at the top).
    at: Vec<Step>,
    depth: usize,
}

impl<'a> Fields<'a> {
    /// The members of `value`, which must be an object whose every member is one of `names`.
    ///
    /// Errors: `invalid_request` for a value that is not an object and for the first unknown member.
    pub fn new(
        what: &'a str,
        value: &JsValue,
        names: &'static [&'static str],
    ) -> Result<Self, Error> {
        let count = Cell::new(0);
        let (_, node) = top_reader(what, value, &count)?
            .node()
            .map_err(|e| e.into_error(what))?;
        let Node::Members(members) = node else {
            return Err(Error::InvalidRequest(format!(
                "{what} must be an object, found what its toJSON method returns"
            )));
        };
        Fields {
            what,
            members,
            count: Rc::new(count),
            at: Vec::new(),
            depth: 0,
        }
        .only(names)
    }

    /// As [`Fields::new`], with `undefined` or `null` read as an object without members (the defaults).
    pub fn optional(
        what: &'a str,
        value: &JsValue,
        names: &'static [&'static str],
    ) -> Result<Self, Error> {
        if value.is_undefined() || value.is_null() {
            return Ok(Fields {
                what,
                members: Vec::new(),
                count: Rc::default(),
                at: Vec::new(),
                depth: 0,
            });
        }
        Self::new(what, value, names)
    }

    /// Itself, when every member is one of `names`. Errors: `invalid_request` naming the first unknown member.
    #[inline(never)]
    fn only(self, names: &'static [&'static str]) -> Result<Self, Error> {
        if let Some((key, _)) = self
            .members
            .iter()
            .find(|(k, _)| !names.contains(&k.as_str()))
        {
            let e: ReadError = de::Error::unknown_field(key, names);
            return Err(self.fail(e.at(Step::Member(key.clone()))));
        }
        Ok(self)
    }

    /// The member `name` (one of the names given to [`Fields::new`]), or `None` when it is absent.
    pub fn take<T: Member>(&mut self, name: &'static str) -> Result<Option<T>, Error> {
        let Some(reader) = self.member(name)? else {
            return Ok(None);
        };
        T::read(reader)
            .map(Some)
            .map_err(|e| self.error_at(name, e))
    }

    /// The member `name`, which must be there.
    pub fn need<T: Member>(&mut self, name: &'static str) -> Result<T, Error> {
        self.take(name)?.ok_or_else(|| self.missing(name))
    }

    /// The member `name`, an object whose members are among `names`, read by `read`; `None` when absent.
    pub fn take_object<T>(
        &mut self,
        name: &'static str,
        names: &'static [&'static str],
        read: impl FnOnce(Fields<'a>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        self.object(name, names)?.map(read).transpose()
    }

    /// The member `name`, an array of objects whose members are among `names`, each read by `read`;
    /// `None` when absent.
    pub fn take_objects<T>(
        &mut self,
        name: &'static str,
        names: &'static [&'static str],
        read: impl FnMut(Fields<'a>) -> Result<T, Error>,
    ) -> Result<Option<Vec<T>>, Error> {
        self.objects(name, names)?
            .map(|items| items.into_iter().map(read).collect())
            .transpose()
    }

    /// Where the member `name` is a string, the value `parse` reads from it in its place (a list given as
    /// its JSON text). Errors: `invalid_request` with `parse`'s message, at the member.
    pub fn parse_text(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<JsValue, String>,
    ) -> Result<(), Error> {
        let Some(i) = self.members.iter().position(|(k, _)| k == name) else {
            return Ok(());
        };
        let Some(text) = self.members.get(i).and_then(|(_, v)| v.as_string()) else {
            return Ok(());
        };
        let value =
            parse(&text).map_err(|m| self.error_at(name, ReadError::new(Kind::Serde(m))))?;
        if let Some(member) = self.members.get_mut(i) {
            member.1 = value;
        }
        Ok(())
    }

    /// Whether the member `name` is there and `null`.
    pub fn is_null(&self, name: &str) -> bool {
        self.members.iter().any(|(k, v)| k == name && v.is_null())
    }

    /// The reader of the member `name`'s value, the member removed.
    #[inline(never)]
    fn member(&mut self, name: &str) -> Result<Option<Reader<'_>>, Error> {
        match self.remove(name) {
            Some(value) => self.reader(name, value).map(Some),
            None => Ok(None),
        }
    }

    /// The member `name`'s value as given (`None` when absent), the member removed: also for a value another
    /// reader reads, such as [`required_options`] for a `T` the module reads elsewhere already (no second copy).
    pub fn remove(&mut self, name: &str) -> Option<JsValue> {
        let i = self.members.iter().position(|(k, _)| k == name)?;
        Some(self.members.swap_remove(i).1)
    }

    /// The reader of `value`, the member `name`'s, counted.
    fn reader(&self, name: &str, value: JsValue) -> Result<Reader<'_>, Error> {
        let top = Reader {
            value: JsValue::UNDEFINED,
            depth: self.depth,
            count: &self.count,
        };
        top.child(value).map_err(|e| self.error_at(name, e))
    }

    /// The member `name` as an object of `names` (see [`Fields::take_object`]).
    #[inline(never)]
    fn object(
        &mut self,
        name: &'static str,
        names: &'static [&'static str],
    ) -> Result<Option<Fields<'a>>, Error> {
        let Some(value) = self.remove(name) else {
            return Ok(None);
        };
        let (members, depth) = self
            .reader(name, value)?
            .object()
            .map_err(|e| self.error_at(name, e))?;
        let at = self.path_to(Step::Member(name.into()));
        self.nested(members, depth, at).only(names).map(Some)
    }

    /// The member `name` as an array of objects of `names` (see [`Fields::take_objects`]).
    #[inline(never)]
    fn objects(
        &mut self,
        name: &'static str,
        names: &'static [&'static str],
    ) -> Result<Option<Vec<Fields<'a>>>, Error> {
        let Some(value) = self.remove(name) else {
            return Ok(None);
        };
        let (reader, node) = self
            .reader(name, value)?
            .node()
            .map_err(|e| self.error_at(name, e))?;
        let Node::Items(items) = node else {
            let e: ReadError = de::Error::invalid_type(node.unexpected(), &"an array of objects");
            return Err(self.error_at(name, e));
        };
        let mut out = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            let (members, depth) = reader
                .child(item)
                .and_then(Reader::object)
                .map_err(|e| self.error_at(name, e.at(Step::Item(i))))?;
            let mut at = self.path_to(Step::Member(name.into()));
            at.insert(0, Step::Item(i));
            out.push(self.nested(members, depth, at).only(names)?);
        }
        Ok(Some(out))
    }

    /// An object inside this one, `at` its path.
    fn nested(&self, members: Vec<(String, JsValue)>, depth: usize, at: Vec<Step>) -> Fields<'a> {
        Fields {
            what: self.what,
            members,
            count: self.count.clone(),
            at,
            depth,
        }
    }

    /// The path of `step` inside this object, innermost first.
    fn path_to(&self, step: Step) -> Vec<Step> {
        let mut at = Vec::with_capacity(self.at.len() + 1);
        at.push(step);
        at.extend(self.at.iter().cloned());
        at
    }

    /// `e`, found inside this object, as the error that names its whole path.
    #[inline(never)]
    fn fail(&self, mut e: ReadError) -> Error {
        e.path.extend(self.at.iter().cloned());
        e.into_error(self.what)
    }

    #[inline(never)]
    fn error_at(&self, name: &str, e: ReadError) -> Error {
        self.fail(e.at(Step::Member(name.into())))
    }

    /// The error for the member `name`, which must be there, missing.
    #[inline(never)]
    pub fn missing(&self, name: &'static str) -> Error {
        self.fail(de::Error::missing_field(name))
    }
}

/// The type of a member [`Fields`] reads. The plain ones (strings, booleans, integers, lists of strings,
/// [`OneOrMany`]) are read without serde, by one non-generic function each (serde's visitors cost wasm per
/// type; issue 16), with serde's rules and messages; the others go through serde (`serde_member!`).
pub trait Member: Sized {
    /// The value `reader` reads.
    fn read(reader: Reader<'_>) -> Result<Self, ReadError>;
}

impl Member for String {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        reader.string()
    }
}

impl Member for bool {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        reader.flag()
    }
}

impl Member for u64 {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        reader.integer("u64")
    }
}

impl Member for usize {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        let n = reader.integer("usize")?;
        usize::try_from(n).map_err(|_| de::Error::invalid_value(Unexpected::Unsigned(n), &"usize"))
    }
}

impl Member for Vec<String> {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        reader.strings()
    }
}

impl Member for OneOrMany {
    fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
        reader.one_or_many()
    }
}

/// [`Member`] for types read through their serde `Deserialize`, by the options rules all the same.
macro_rules! serde_member {
    ($($t:ty),*) => {$(
        impl Member for $t {
            fn read(reader: Reader<'_>) -> Result<Self, ReadError> {
                <$t as serde::Deserialize>::deserialize(reader)
            }
        }
    )*};
}

serde_member!(std::collections::BTreeMap<String, String>, serde::de::IgnoredAny);

/// The reader of an options object, which must be an object. Not generic, so not copied per `T`.
#[inline(never)]
fn top_reader<'a>(
    what: &str,
    value: &JsValue,
    count: &'a Cell<usize>,
) -> Result<Reader<'a>, Error> {
    if !value.is_object() || Array::is_array(value) {
        return Err(Error::InvalidRequest(format!(
            "{what} must be an object, found {}",
            crate::js::convert::type_name(value)
        )));
    }
    Ok(Reader {
        value: value.clone(),
        depth: 0,
        count,
    })
}

/// An optional positional number (`randomToken(bytes)`): `undefined` -> `None`; otherwise the rule of
/// every numeric option ([`crate::options::integer`]), so `null`, NaN, ±Infinity, fractions, negatives and non-numbers are
/// `invalid_request`.
pub fn optional_integer(what: &str, value: &JsValue) -> Result<Option<u64>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) => integer(what, n).map(Some),
        None => Err(Error::InvalidRequest(format!(
            "{what} must be an integer in 0..=2^53 - 1, found {}",
            crate::js::convert::type_name(value)
        ))),
    }
}

/// The rule of every numeric option ([`integer_shown`]), the number found written by JS itself
/// (`Number.prototype.toString`: the text the core writes, without Rust's float formatting in the module).
pub fn integer(what: &str, n: f64) -> Result<u64, Error> {
    integer_shown(what, n, js_number)
}

/// `n` as JS writes it.
fn js_number(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// What went wrong, and where: `path` is built innermost first while the error unwinds.
#[derive(Debug)]
pub struct ReadError {
    kind: Kind,
    path: Vec<Step>,
}

#[derive(Debug)]
enum Kind {
    /// A serde message (unknown member, wrong type, missing member): `path: message`.
    Serde(String),
    Null,
    Number(f64),
    TooDeep,
    TooMany,
}

#[derive(Debug, Clone)]
enum Step {
    Member(String),
    Item(usize),
}

impl ReadError {
    #[inline(never)]
    fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    fn new(kind: Kind) -> Self {
        ReadError {
            kind,
            path: Vec::new(),
        }
    }

    /// The message, as serde_path_to_error writes paths (`a.b[0].c`).
    fn into_error(self, what: &str) -> Error {
        let mut path = String::new();
        for step in self.path.iter().rev() {
            match step {
                Step::Member(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Item(i) => path.push_str(&format!("[{i}]")),
            }
        }
        let name = format!(
            "{what}: {}",
            cap(if path.is_empty() { "the object" } else { &path })
        );
        Error::InvalidRequest(match self.kind {
            Kind::Serde(message) if path.is_empty() => format!("{what}: {}", cap(&message)),
            Kind::Serde(message) => format!("{name}: {}", cap(&message)),
            Kind::Null => format!("{name} is null: leave it out (or undefined) for the default"),
            Kind::Number(n) => {
                return integer(&name, n)
                    .err()
                    .unwrap_or(Error::InvalidRequest(name));
            }
            Kind::TooDeep => format!("{name} nests deeper than {MAX_DEPTH} levels"),
            Kind::TooMany => format!("{name}: the object holds more than {MAX_VALUES} values"),
        })
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Serde(message) => f.write_str(message),
            _ => f.write_str("invalid option"),
        }
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ReadError::new(Kind::Serde(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        ReadError::new(Kind::Serde(format!(
            "invalid type: {}, expected {exp}",
            unexpected(unexp)
        )))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        ReadError::new(Kind::Serde(format!(
            "invalid value: {}, expected {exp}",
            unexpected(unexp)
        )))
    }
}

/// What serde's `Unexpected` writes, without its `Display`, whose floats would bring Rust's float formatting
/// into the module (issue 16): a float is written by JS.
fn unexpected(u: Unexpected<'_>) -> String {
    match u {
        Unexpected::Bool(b) => format!("boolean `{b}`"),
        Unexpected::Unsigned(n) => format!("integer `{n}`"),
        Unexpected::Signed(n) => format!("integer `{n}`"),
        Unexpected::Float(n) => format!("floating point `{}`", js_number(n)),
        Unexpected::Char(c) => format!("character `{c}`"),
        Unexpected::Str(s) => format!("string {s:?}"),
        Unexpected::Bytes(_) => "byte array".into(),
        Unexpected::Unit => "unit value".into(),
        Unexpected::Option => "Option value".into(),
        Unexpected::NewtypeStruct => "newtype struct".into(),
        Unexpected::Seq => "sequence".into(),
        Unexpected::Map => "map".into(),
        Unexpected::Enum => "enum".into(),
        Unexpected::UnitVariant => "unit variant".into(),
        Unexpected::NewtypeVariant => "newtype variant".into(),
        Unexpected::TupleVariant => "tuple variant".into(),
        Unexpected::StructVariant => "struct variant".into(),
        Unexpected::Other(other) => other.into(),
    }
}

/// One JS value being read, `depth` levels down, sharing the object's value `count`.
pub struct Reader<'a> {
    value: JsValue,
    depth: usize,
    count: &'a Cell<usize>,
}

/// Whether JSON.stringify leaves the member out (so it is absent here too).
fn skipped(value: &JsValue) -> bool {
    value.is_undefined() || value.is_function() || value.is_symbol()
}

impl<'a> Reader<'a> {
    fn child(&self, value: JsValue) -> Result<Reader<'a>, ReadError> {
        let count = self.count.get() + 1;
        self.count.set(count);
        if count > MAX_VALUES {
            return Err(ReadError::new(Kind::TooMany));
        }
        Ok(Reader {
            value,
            depth: self.depth + 1,
            count: self.count,
        })
    }

    fn nested(&self) -> Result<(), ReadError> {
        if self.depth >= MAX_DEPTH {
            return Err(ReadError::new(Kind::TooDeep));
        }
        Ok(())
    }

    /// The object's own enumerable string-keyed members that JSON.stringify writes, as `(key, value)`.
    fn members(&self) -> Result<Vec<(String, JsValue)>, ReadError> {
        let keys =
            own_keys(&self.value).map_err(|_| de::Error::custom("its members cannot be listed"))?;
        let mut members = Vec::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let item = Reflect::get(&self.value, &key).map_err(|_| {
                ReadError::new(Kind::Serde("it cannot be read (its getter threw)".into()))
                    .at(Step::Member(name.clone()))
            })?;
            if !skipped(&item) {
                members.push((name, item));
            }
        }
        Ok(members)
    }
}

impl Reader<'_> {
    /// The value as a string (serde's `String` rules and messages).
    #[inline(never)]
    fn string(self) -> Result<String, ReadError> {
        match self.node()?.1 {
            Node::Str(s) => Ok(s),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a string")),
        }
    }

    /// The value as a boolean.
    #[inline(never)]
    fn flag(self) -> Result<bool, ReadError> {
        match self.node()?.1 {
            Node::Bool(b) => Ok(b),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a boolean")),
        }
    }

    /// The value as an integer (the rule of every number: [`Reader::node`]); `expected` names the type.
    #[inline(never)]
    fn integer(self, expected: &'static str) -> Result<u64, ReadError> {
        match self.node()?.1 {
            Node::Integer(n) => Ok(n),
            other => Err(de::Error::invalid_type(other.unexpected(), &expected)),
        }
    }

    /// The value as an array of strings, each error at its item.
    #[inline(never)]
    fn strings(self) -> Result<Vec<String>, ReadError> {
        let (reader, node) = self.node()?;
        let Node::Items(items) = node else {
            return Err(de::Error::invalid_type(node.unexpected(), &"a sequence"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                reader
                    .child(item)
                    .and_then(Reader::string)
                    .map_err(|e| e.at(Step::Item(i)))
            })
            .collect()
    }

    /// The value as a string or an array of strings, as serde's untagged [`OneOrMany`] reads it: every item
    /// read by the options rules first, then anything else is no variant.
    #[inline(never)]
    fn one_or_many(self) -> Result<OneOrMany, ReadError> {
        let no_variant =
            || de::Error::custom("data did not match any variant of untagged enum OneOrMany");
        let (reader, node) = self.node()?;
        let items = match node {
            Node::Str(s) => return Ok(OneOrMany::One(s)),
            Node::Items(items) => items,
            _ => return Err(no_variant()),
        };
        let mut values = Vec::with_capacity(items.length() as usize);
        let mut all_strings = true;
        for (i, item) in items.iter().enumerate() {
            let (_, node) = reader
                .child(item)
                .and_then(Reader::node)
                .map_err(|e| e.at(Step::Item(i)))?;
            match node {
                Node::Str(s) => values.push(s),
                _ => all_strings = false,
            }
        }
        match all_strings {
            true => Ok(OneOrMany::Many(values)),
            false => Err(no_variant()),
        }
    }

    /// The value as an object: its members and the depth they are read at; anything else is a type error.
    #[inline(never)]
    fn object(self) -> Result<(Vec<(String, JsValue)>, usize), ReadError> {
        let (reader, node) = self.node()?;
        match node {
            Node::Members(members) => Ok((members, reader.depth)),
            other => Err(de::Error::invalid_type(other.unexpected(), &"an object")),
        }
    }
}

/// What one JS value is, read once by the non-generic [`Reader::node`] so the code that touches JS is not
/// copied into every visitor serde's derives instantiate (the module is size-first: issue 16).
enum Node {
    Integer(u64),
    Bool(bool),
    Str(String),
    BigInt,
    Items(Array),
    Members(Vec<(String, JsValue)>),
}

impl Node {
    /// What serde's type errors call it.
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Node::Integer(n) => Unexpected::Unsigned(*n),
            Node::Bool(b) => Unexpected::Bool(*b),
            Node::Str(s) => Unexpected::Str(s),
            Node::BigInt => Unexpected::Other("a BigInt"),
            Node::Items(_) => Unexpected::Seq,
            Node::Members(_) => Unexpected::Map,
        }
    }
}

impl<'a> Reader<'a> {
    /// The value as a [`Node`], and the reader its items and members are read under (a `toJSON` result is
    /// one level down). `null`, `undefined` and non-integral numbers are errors here.
    // Never inlined: opt-level 3 (the main module) would copy it back into every visitor.
    #[inline(never)]
    fn node(self) -> Result<(Reader<'a>, Node), ReadError> {
        let value = &self.value;
        if value.is_null() || skipped(value) {
            return Err(ReadError::new(Kind::Null));
        }
        if let Some(n) = value.as_f64() {
            return match n.fract() == 0.0 && (0.0..=MAX_INTEGER as f64).contains(&n) {
                true => Ok((self, Node::Integer(n as u64))),
                false => Err(ReadError::new(Kind::Number(n))),
            };
        }
        if let Some(b) = value.as_bool() {
            return Ok((self, Node::Bool(b)));
        }
        if let Some(s) = value.as_string() {
            return Ok((self, Node::Str(s)));
        }
        if value.is_bigint() {
            return Ok((self, Node::BigInt));
        }
        self.nested()?;
        if Array::is_array(value) {
            let items: Array = value.clone().unchecked_into();
            return Ok((self, Node::Items(items)));
        }
        // What JSON.stringify would write for a Date and other objects with their own JSON form.
        if let Ok(to_json) = Reflect::get(value, &JsValue::from_str("toJSON")) {
            if let Some(to_json) = to_json.dyn_ref::<js_sys::Function>() {
                let json = to_json
                    .call0(value)
                    .map_err(|_| de::Error::custom("its toJSON method threw"))?;
                return self.child(json)?.node();
            }
        }
        let members = self.members()?;
        Ok((self, Node::Members(members)))
    }
}

impl<'de> de::Deserializer<'de> for Reader<'_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        let (reader, node) = self.node()?;
        match node {
            Node::Integer(n) => visitor.visit_u64(n),
            Node::Bool(b) => visitor.visit_bool(b),
            Node::Str(s) => visitor.visit_string(s),
            Node::BigInt => Err(de::Error::invalid_type(
                Unexpected::Other("a BigInt"),
                &visitor,
            )),
            Node::Items(items) => visitor.visit_seq(Items {
                reader: &reader,
                next: 0,
                length: items.length(),
                items,
            }),
            Node::Members(members) => visitor.visit_map(Members {
                reader: &reader,
                members: members.into_iter(),
                pending: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        // An absent member never gets here; `null` is refused by `deserialize_any`.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        // A unit variant is its name, as serde_json reads it (no option takes another kind of variant).
        if let Some(s) = self.value.as_string() {
            let name: StringDeserializer<ReadError> = s.into_deserializer();
            return visitor.visit_enum(name);
        }
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

// Items and Members split each step in two: the part that reads JS (not generic, written once) and the
// `seed.deserialize` serde needs (generic, one copy per type read), so the first is not copied per type.

/// An array's items, each named `[i]` in errors.
struct Items<'r, 'a> {
    reader: &'r Reader<'a>,
    items: Array,
    next: u32,
    length: u32,
}

impl<'a> Items<'_, 'a> {
    /// The next item's index and reader, `None` after the last.
    #[inline(never)]
    fn next_item(&mut self) -> Result<Option<(usize, Reader<'a>)>, ReadError> {
        if self.next >= self.length {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let at = i as usize;
        match self.reader.child(self.items.get(i)) {
            Ok(reader) => Ok(Some((at, reader))),
            Err(e) => Err(e.at(Step::Item(at))),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = ReadError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        let Some((i, reader)) = self.next_item()? else {
            return Ok(None);
        };
        seed.deserialize(reader)
            .map(Some)
            .map_err(|e| e.at(Step::Item(i)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.length.saturating_sub(self.next) as usize)
    }
}

/// An object's members, each named by its key in errors.
struct Members<'r, 'a> {
    reader: &'r Reader<'a>,
    members: std::vec::IntoIter<(String, JsValue)>,
    pending: Option<(String, JsValue)>,
}

impl<'a> Members<'_, 'a> {
    /// The next member's name, to read as its key; the member waits in `pending` for its value.
    #[inline(never)]
    fn next_name(&mut self) -> Option<StringDeserializer<ReadError>> {
        let (key, item) = self.members.next()?;
        let name = key.clone().into_deserializer();
        self.pending = Some((key, item));
        Some(name)
    }

    /// `e`, at the pending member.
    #[inline(never)]
    fn at_pending(&self, e: ReadError) -> ReadError {
        match &self.pending {
            Some((key, _)) => e.at(Step::Member(key.clone())),
            None => e,
        }
    }

    /// The pending member's name and the reader of its value.
    #[inline(never)]
    fn value_reader(&mut self) -> Result<(String, Reader<'a>), ReadError> {
        let Some((key, item)) = self.pending.take() else {
            return Err(de::Error::custom("a value without its member"));
        };
        match self.reader.child(item) {
            Ok(reader) => Ok((key, reader)),
            Err(e) => Err(e.at(Step::Member(key))),
        }
    }
}

impl<'de> de::MapAccess<'de> for Members<'_, '_> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        let Some(name) = self.next_name() else {
            return Ok(None);
        };
        seed.deserialize(name)
            .map(Some)
            .map_err(|e| self.at_pending(e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ReadError> {
        let (key, reader) = self.value_reader()?;
        seed.deserialize(reader)
            .map_err(|e| e.at(Step::Member(key)))
    }
}
