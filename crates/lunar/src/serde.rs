//! Serde between Rust and Lua (feature `serde`, on by default): any
//! `Serialize` type becomes a Lua value ([`Ctx::to_value`]) and any Lua
//! value becomes a `Deserialize` type ([`Ctx::from_value`]); the
//! [`Serde`] wrapper does both where [`IntoLua`]/[`FromLua`] are taken
//! (arguments of a run, results, arguments of Rust functions). The
//! mapping between the two is documented on [`Serde`].

use crate::convert::{FromLua, IntoLua};
use crate::error::{Error, Result};
use crate::state::{Ctx, State};
use crate::value::Value;
use ::serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use ::serde::ser::{self, Serialize};
use lunar_vm::{Gc, State as Vm, Table as RawTable, Value as Raw};
use std::fmt::{self, Display};

impl Value {
    /// The null of serialized data: a light userdata 0, standing for
    /// `None` or `()` where `nil` cannot stand (inside sequences). See the
    /// [`Serde`] docs for the whole mapping.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let v = state.to_value(&vec![Some(1), None, Some(3)]).unwrap();
    /// let t = match v { lunar::Value::Table(t) => t, _ => unreachable!() };
    /// let second: lunar::Value = t.raw_get(&mut state, 2).unwrap();
    /// assert_eq!(second, lunar::Value::NULL);
    /// assert_eq!(t.raw_len(&mut state).unwrap(), 3);
    /// ```
    pub const NULL: Value = Value::LightUserData(0);
}

/// A Rust value that goes to Lua through `Serialize` and comes back
/// through `Deserialize`: `state.run_with(&p, Serde(req))` passes any
/// `Serialize` value to a script, `let Serde(v): Serde<T> =
/// state.run(&p)?` reads any `Deserialize` type from its result.
///
/// # Rust to Lua
///
/// | Rust (serde data model) | Lua |
/// |---|---|
/// | `bool` | boolean |
/// | `i8`…`i64`, `u8`…`u32`, `u64` up to `i64::MAX` | integer |
/// | `u64` above `i64::MAX`, `i128`/`u128` out of the integer range | float (the nearest) |
/// | `f32`, `f64` | float, always: `1.0` stays a float (an `f32` is taken at its shortest decimal form, so `0.1f32` is `0.1`) |
/// | `char`, `str`, `String` | string |
/// | bytes (`serde_bytes`) | string (any bytes) |
/// | `None`, `()`, unit struct | `nil` |
/// | sequence, tuple, tuple struct | table with the items at `1..n` |
/// | map, struct | table with the keys (fields that are `nil`, as `None`, are absent) |
/// | unit variant `E::A` | the string `"A"` |
/// | other variants `E::B(..)`, `E::C { .. }` | `{ B = ... }`, `{ C = {...} }` (serde's externally tagged form) |
///
/// `nil` cannot be an item of a sequence (it would end it: `#t` and
/// `ipairs` stop there), so a `None` or `()` inside a sequence (or as the
/// content of a newtype variant) becomes [`Value::NULL`], a light
/// userdata 0: JSON `[1, null, 3]` is the Lua `{1, NULL, 3}` and comes
/// back as it was. A host that lets scripts test for it gives it a name
/// (`state.set_global("null", lunar::Value::NULL)`). A `null` in a map
/// or struct is simply absent: `{"a": null}` comes back as `{}`.
///
/// # Lua to Rust
///
/// The Rust type leads; Lua values are read raw (metatables are not
/// consulted) and strictly (no string-to-number coercion):
/// - integers and floats go to any number type; a float goes to an
///   integer type only when it has an exact integer value ("number has no
///   integer representation" otherwise), so `x / 2` may fill an `i64`;
///   a float in `u64`'s upper half fills a `u64`.
/// - strings go to `String`/`&str` (valid UTF-8 only) and to bytes.
/// - `nil` and [`Value::NULL`] go to `None` and `()`; anything else to
///   `Some`.
/// - a table goes to a sequence (`t[1]`…`t[#t]`; other keys are
///   ignored), to a map (every key), or to a struct (its string keys;
///   missing `Option` fields are `None`). Number keys read as their
///   text where a string key is wanted: `{[5] = "a"}` is the JSON
///   `{"5": "a"}`, and a `HashMap<i64, _>` takes them as numbers.
/// - enums: a string names a unit variant, a table with one key
///   `{ Variant = content }` any variant.
/// - self-describing targets (`serde_json::Value`, `deserialize_any`): a
///   table whose keys are exactly `1..n` (n ≥ 1) is a sequence, any other
///   table a map, so an **empty table is an empty map** (`{}` in JSON);
///   a string that is not UTF-8 is bytes; functions, coroutines and
///   userdata other than `NULL` cannot be converted.
///
/// A failed conversion is an [`ErrorKind::Conversion`](crate::ErrorKind::Conversion)
/// error whose message names the place inside the value, as
/// `field 'servers[2].port': number expected, got string`; as the
/// argument of a Rust function it reads `bad argument #1 to 'f' (field
/// 'port': number expected, got string)`. Tables nested deeper than 200
/// levels, or that contain themselves, are errors ("cyclic value").
///
/// # Example
///
/// ```
/// use lunar::{Program, Serde, State};
/// #[derive(serde::Serialize)]
/// struct Request { path: String, tags: Vec<String> }
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Verdict { allow: bool, reason: Option<String> }
///
/// let p = Program::compile("f.lua", r#"
///     local req = ...
///     if req.path:find("^/admin") then return { allow = false, reason = "admin" } end
///     return { allow = #req.tags > 0 }
/// "#).unwrap();
/// let mut state = State::new();
/// let req = Request { path: "/admin/x".into(), tags: vec![] };
/// let Serde(v): Serde<Verdict> = state.run_with(&p, Serde(req)).unwrap();
/// assert_eq!(v, Verdict { allow: false, reason: Some("admin".into()) });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serde<T>(pub T);

impl<T> std::ops::Deref for Serde<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Serde<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize> IntoLua for Serde<T> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        cx.to_value(&self.0)
    }
}

impl<T: DeserializeOwned> FromLua for Serde<T> {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<Serde<T>> {
        cx.from_value(value).map(Serde)
    }
}

impl Ctx<'_> {
    /// Converts any `Serialize` value to a Lua value. The mapping:
    /// sequences are tables `1..n`, maps and structs tables with keys,
    /// `None` and `()` are `nil` (but [`Value::NULL`] inside sequences),
    /// integers stay integers and floats floats, enums take serde's
    /// externally tagged form (`"A"`, `{ B = ... }`).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let v = cx.to_value(&serde_json::json!({"n": 1, "x": 1.0, "list": [1, null]})).unwrap();
    /// cx.set_global("v", v).unwrap();
    /// let s: String = state.exec("t.lua",
    ///     "return math.type(v.n) .. ' ' .. math.type(v.x) .. ' ' .. #v.list").unwrap();
    /// assert_eq!(s, "integer float 2");
    /// ```
    pub fn to_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Value> {
        let raw = value.serialize(Ser { vm: self.vm })?;
        Ok(Value::from_raw(self.vm, raw))
    }

    /// Converts a Lua value to any `Deserialize` type, reading tables raw.
    /// An error names the place in the value where conversion failed.
    ///
    /// ```
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct User { name: String, age: u32 }
    /// let mut state = lunar::State::new();
    /// let v: lunar::Value = state.exec("t.lua", "return { name = 'ann', age = 41 }").unwrap();
    /// let u: User = state.ctx().from_value(v).unwrap();
    /// assert_eq!(u, User { name: "ann".into(), age: 41 });
    ///
    /// let v: lunar::Value = state.exec("t.lua", "return { user = { name = 'bo', age = '7' } }").unwrap();
    /// #[derive(serde::Deserialize, Debug)]
    /// struct Req { user: User }
    /// let err = state.ctx().from_value::<Req>(v).unwrap_err();
    /// assert_eq!(err.message(), "field 'user.age': number expected, got string");
    /// ```
    pub fn from_value<T: DeserializeOwned>(&mut self, value: Value) -> Result<T> {
        let raw = value.to_raw(self.vm)?;
        let mut walk = Walk {
            vm: self.vm,
            tables: Vec::new(),
        };
        // Reading raw values is safe here: deserializing runs no Lua code
        // and allocates nothing on the heap, so no collection can happen
        // before the conversion ends, and `value` keeps the whole tree
        // reachable.
        let out = T::deserialize(De {
            w: &mut walk,
            value: raw,
            key: false,
        })?;
        Ok(out)
    }
}

impl State {
    /// [`Ctx::to_value`] on this state.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let v = state.to_value(&std::collections::BTreeMap::from([("a", 1)])).unwrap();
    /// state.set_global("t", v).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return t.a").unwrap(), 1);
    /// ```
    pub fn to_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<Value> {
        self.ctx().to_value(value)
    }

    /// [`Ctx::from_value`] on this state.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let v: lunar::Value = state.exec("t.lua", "return {10, 20, 30}").unwrap();
    /// let xs: Vec<u8> = state.from_value(v).unwrap();
    /// assert_eq!(xs, [10, 20, 30]);
    /// ```
    pub fn from_value<T: DeserializeOwned>(&mut self, value: Value) -> Result<T> {
        self.ctx().from_value(value)
    }
}

// ----- errors -----

/// A conversion error on its way out: where in the value, what went
/// wrong, and (for a value of the wrong type) the Lua types involved.
#[derive(Debug)]
struct ConvError {
    /// Where, in Lua's terms (`servers[2].port`, `headers["X-Id"]`),
    /// built from the inside out; empty for the value itself.
    path: String,
    msg: String,
    /// For "X expected, got Y": X and Y.
    types: Option<(&'static str, String)>,
    /// Whether the path was cut (it ends in "..." and grows no more).
    truncated: bool,
}

/// The longest path an error shows.
const MAX_PATH: usize = 120;

impl ConvError {
    fn mismatch(expected: &'static str, got: String) -> ConvError {
        ConvError {
            path: String::new(),
            msg: format!("{expected} expected, got {got}"),
            types: Some((expected, got)),
            truncated: false,
        }
    }

    fn plain(msg: impl Into<String>) -> ConvError {
        ConvError {
            path: String::new(),
            msg: msg.into(),
            types: None,
            truncated: false,
        }
    }

    /// The same error one level further out: `seg` is a field name or a
    /// bracketed key.
    fn at(mut self, seg: &str) -> ConvError {
        if self.truncated {
            // Take the "..." off, add the segment in front, cut again.
            let n = self.path.len() - "...".len();
            self.path.truncate(n);
            self.truncated = false;
        }
        self.path = if self.path.is_empty() {
            seg.to_string()
        } else if self.path.starts_with('[') {
            format!("{seg}{}", self.path)
        } else {
            format!("{seg}.{}", self.path)
        };
        if self.path.len() > MAX_PATH {
            // Keep the outer end (the part the reader can find); a deep
            // or cyclic value would otherwise give a path of any length.
            let mut cut = MAX_PATH;
            while !self.path.is_char_boundary(cut) {
                cut -= 1;
            }
            self.path.truncate(cut);
            self.path.push_str("...");
            self.truncated = true;
        }
        self
    }

    fn at_index(self, i: i64) -> ConvError {
        self.at(&format!("[{i}]"))
    }

    fn at_field(self, name: &[u8]) -> ConvError {
        self.at(&field_segment(name))
    }
}

/// A field name as a path segment: `name` for identifiers, `["a b"]`
/// otherwise.
fn field_segment(name: &[u8]) -> String {
    let ident = !name.is_empty()
        && !name[0].is_ascii_digit()
        && name.iter().all(|&c| c == b'_' || c.is_ascii_alphanumeric());
    if ident {
        String::from_utf8_lossy(name).into_owned()
    } else {
        format!("[{:?}]", String::from_utf8_lossy(name))
    }
}

/// A key as a path segment.
fn key_segment(k: Raw) -> String {
    match k {
        Raw::Str(s) => field_segment(s.as_bytes()),
        Raw::Int(_) | Raw::Float(_) => {
            format!(
                "[{}]",
                String::from_utf8_lossy(&lunar_vm::api::number_to_bytes(k))
            )
        }
        Raw::Bool(b) => format!("[{b}]"),
        _ => "[?]".to_string(),
    }
}

impl Display for ConvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.msg)
        } else {
            write!(f, "field '{}': {}", self.path, self.msg)
        }
    }
}

impl std::error::Error for ConvError {}

impl ser::Error for ConvError {
    fn custom<T: Display>(msg: T) -> ConvError {
        ConvError::plain(msg.to_string())
    }
}

impl de::Error for ConvError {
    fn custom<T: Display>(msg: T) -> ConvError {
        ConvError::plain(msg.to_string())
    }
}

impl From<ConvError> for Error {
    fn from(e: ConvError) -> Error {
        match (&e.types, e.path.is_empty()) {
            // "X expected, got Y" at the value itself: as `luaL_check*`
            // words it (a Rust function's argument says "bad argument").
            (Some((expected, got)), true) => Error::conversion(got, expected, None),
            (Some((expected, got)), false) => {
                Error::conversion(got, expected, Some(&e.to_string()))
            }
            (None, _) => Error::conversion("value", "value", Some(&e.to_string())),
        }
    }
}

type Res<T> = std::result::Result<T, ConvError>;

// ----- Rust to Lua -----

/// The serializer: makes raw values in the state's heap. Raw values are
/// safe while it works: it runs no Lua code, and the heap collects only
/// at safe points of the dispatch loop, so nothing made here is freed
/// before [`Ctx::to_value`] roots the result.
struct Ser<'a> {
    vm: &'a mut Vm,
}

impl Ser<'_> {
    fn string(self, bytes: &[u8]) -> Raw {
        self.vm.str_value(bytes)
    }
}

/// An item of a sequence: `nil` would end it, so it is `NULL`.
fn item(v: Raw) -> Raw {
    if v.is_nil() { Raw::LightUserData(0) } else { v }
}

/// An integer wider than 64 bits: an integer when it fits, else the
/// nearest float.
fn wide_int(i: i128) -> Raw {
    match i64::try_from(i) {
        Ok(i) => Raw::Int(i),
        Err(_) => Raw::Float(i as f64),
    }
}

impl<'a> ser::Serializer for Ser<'a> {
    type Ok = Raw;
    type Error = ConvError;
    type SerializeSeq = SeqSer<'a>;
    type SerializeTuple = SeqSer<'a>;
    type SerializeTupleStruct = SeqSer<'a>;
    type SerializeTupleVariant = VariantSer<SeqSer<'a>>;
    type SerializeMap = MapSer<'a>;
    type SerializeStruct = MapSer<'a>;
    type SerializeStructVariant = VariantSer<MapSer<'a>>;

    fn serialize_bool(self, v: bool) -> Res<Raw> {
        Ok(Raw::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Res<Raw> {
        Ok(Raw::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Res<Raw> {
        Ok(wide_int(v))
    }
    fn serialize_u8(self, v: u8) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Res<Raw> {
        Ok(Raw::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Res<Raw> {
        Ok(wide_int(v.into()))
    }
    fn serialize_u128(self, v: u128) -> Res<Raw> {
        Ok(match i64::try_from(v) {
            Ok(i) => Raw::Int(i),
            Err(_) => Raw::Float(v as f64),
        })
    }
    fn serialize_f32(self, v: f32) -> Res<Raw> {
        // The f64 nearest the f32's shortest decimal form: 0.1f32 is 0.1
        // in Lua, not 0.10000000149011612.
        let f = if v.is_finite() {
            v.to_string().parse().unwrap_or(v as f64)
        } else {
            v as f64
        };
        Ok(Raw::Float(f))
    }
    fn serialize_f64(self, v: f64) -> Res<Raw> {
        Ok(Raw::Float(v))
    }
    fn serialize_char(self, v: char) -> Res<Raw> {
        Ok(self.string(v.encode_utf8(&mut [0; 4]).as_bytes()))
    }
    fn serialize_str(self, v: &str) -> Res<Raw> {
        Ok(self.string(v.as_bytes()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Res<Raw> {
        Ok(self.string(v))
    }
    fn serialize_none(self) -> Res<Raw> {
        Ok(Raw::Nil)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res<Raw> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res<Raw> {
        Ok(Raw::Nil)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res<Raw> {
        Ok(Raw::Nil)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Res<Raw> {
        Ok(self.string(variant.as_bytes()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Res<Raw> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Res<Raw> {
        let v = value
            .serialize(Ser { vm: &mut *self.vm })
            .map_err(|e| e.at_field(variant.as_bytes()))?;
        // `{A = nil}` would be an empty table: the content is NULL.
        Ok(tagged(self.vm, variant, item(v)))
    }
    fn serialize_seq(self, len: Option<usize>) -> Res<SeqSer<'a>> {
        let table = self.vm.new_table(len.unwrap_or(0), 0);
        Ok(SeqSer {
            vm: self.vm,
            table,
            n: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Res<SeqSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Res<SeqSer<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Res<VariantSer<SeqSer<'a>>> {
        Ok(VariantSer {
            variant,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Res<MapSer<'a>> {
        let table = self.vm.new_table(0, len.unwrap_or(0));
        Ok(MapSer {
            vm: self.vm,
            table,
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Res<MapSer<'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Res<VariantSer<MapSer<'a>>> {
        Ok(VariantSer {
            variant,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

/// `{variant = content}`.
fn tagged(vm: &mut Vm, variant: &str, content: Raw) -> Raw {
    let t = vm.new_table(0, 1);
    vm.set_field(t, variant, content);
    Raw::Table(t)
}

/// A sequence under construction.
struct SeqSer<'a> {
    vm: &'a mut Vm,
    table: Gc<RawTable>,
    n: i64,
}

impl SeqSer<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        let i = self.n + 1;
        let v = value
            .serialize(Ser { vm: &mut *self.vm })
            .map_err(|e| e.at_index(i))?;
        self.table.set_int(self.vm.heap(), i, item(v));
        self.n = i;
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        self.push(value)
    }
    fn end(self) -> Res<Raw> {
        Ok(Raw::Table(self.table))
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        self.push(value)
    }
    fn end(self) -> Res<Raw> {
        Ok(Raw::Table(self.table))
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        self.push(value)
    }
    fn end(self) -> Res<Raw> {
        Ok(Raw::Table(self.table))
    }
}

/// A map or struct under construction.
struct MapSer<'a> {
    vm: &'a mut Vm,
    table: Gc<RawTable>,
    /// The key serialized by `serialize_key`, waiting for its value.
    key: Option<Raw>,
}

impl MapSer<'_> {
    fn entry(&mut self, key: Raw, value: Raw) -> Res<()> {
        if value.is_nil() {
            // An absent entry; but a nil or NaN key is still an error,
            // as `t[k] = nil` is in Lua.
            if let Raw::Nil = key {
                return Err(ConvError::plain("table index is nil"));
            }
            if let Raw::Float(f) = key
                && f.is_nan()
            {
                return Err(ConvError::plain("table index is NaN"));
            }
            return Ok(());
        }
        self.table
            .set(self.vm.heap(), key, value)
            .map_err(|e| ConvError::plain(e.message()))
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Res<()> {
        let v = value
            .serialize(Ser { vm: &mut *self.vm })
            .map_err(|e| e.at_field(name.as_bytes()))?;
        let k = self.vm.str_value(name.as_bytes());
        self.entry(k, v).map_err(|e| e.at_field(name.as_bytes()))
    }
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res<()> {
        self.key = Some(key.serialize(Ser { vm: &mut *self.vm })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        let k = self
            .key
            .take()
            .ok_or_else(|| ConvError::plain("map value without a key"))?;
        let v = value
            .serialize(Ser { vm: &mut *self.vm })
            .map_err(|e| e.at(&key_segment(k)))?;
        self.entry(k, v).map_err(|e| e.at(&key_segment(k)))
    }
    fn end(self) -> Res<Raw> {
        Ok(Raw::Table(self.table))
    }
}

impl ser::SerializeStruct for MapSer<'_> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res<()> {
        self.field(key, value)
    }
    fn end(self) -> Res<Raw> {
        Ok(Raw::Table(self.table))
    }
}

/// A tuple or struct variant: its content, wrapped in `{variant = ...}`
/// at the end.
struct VariantSer<S> {
    variant: &'static str,
    inner: S,
}

impl ser::SerializeTupleVariant for VariantSer<SeqSer<'_>> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res<()> {
        let variant = self.variant;
        self.inner
            .push(value)
            .map_err(|e| e.at_field(variant.as_bytes()))
    }
    fn end(self) -> Res<Raw> {
        let content = Raw::Table(self.inner.table);
        Ok(tagged(self.inner.vm, self.variant, content))
    }
}

impl ser::SerializeStructVariant for VariantSer<MapSer<'_>> {
    type Ok = Raw;
    type Error = ConvError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res<()> {
        let variant = self.variant;
        self.inner
            .field(key, value)
            .map_err(|e| e.at_field(variant.as_bytes()))
    }
    fn end(self) -> Res<Raw> {
        let content = Raw::Table(self.inner.table);
        Ok(tagged(self.inner.vm, self.variant, content))
    }
}

// ----- Lua to Rust -----

/// How deep tables may nest (the reference's limit on nested C calls).
const MAX_DEPTH: usize = 200;

/// Past this depth, each table is checked against the tables it is
/// inside, to report a cycle rather than a depth (shallow values, the
/// common case, pay nothing for the check).
const CYCLE_CHECK_DEPTH: usize = 100;

/// What a deserialization carries along: the state (for type names) and
/// the tables being read, outermost first.
struct Walk<'v> {
    vm: &'v mut Vm,
    tables: Vec<Gc<RawTable>>,
}

impl Walk<'_> {
    /// The type of `v` as error messages name it: a metatable's `__name`
    /// when there is one (as `luaL_typeerror`), "null" for [`Value::NULL`].
    fn type_name(&mut self, v: Raw) -> String {
        if let Raw::LightUserData(0) = v {
            return "null".to_string();
        }
        if let Some(mt) = self.vm.metatable_of(v)
            && let Raw::Str(s) = self.vm.get_field(mt, "__name")
        {
            return s.to_str_lossy().into_owned();
        }
        match v {
            Raw::LightUserData(_) => "light userdata".to_string(),
            _ => v.type_name().to_string(),
        }
    }

    /// Enters table `t`; fails past the depth limit or on a cycle.
    fn enter(&mut self, t: Gc<RawTable>) -> Res<()> {
        let depth = self.tables.len();
        if depth >= CYCLE_CHECK_DEPTH && self.tables.iter().any(|&o| o.ptr_eq(t)) {
            return Err(ConvError::plain("cyclic value"));
        }
        if depth >= MAX_DEPTH {
            return Err(ConvError::plain("value nested too deep"));
        }
        self.tables.push(t);
        Ok(())
    }

    fn leave(&mut self) {
        self.tables.pop();
    }
}

/// The deserializer of one value.
struct De<'w, 'v> {
    w: &'w mut Walk<'v>,
    value: Raw,
    /// Whether the value is a table key: keys that are numbers also read
    /// as strings (as JSON object keys), so that any table converts to a
    /// map with string keys.
    key: bool,
}

fn is_null(v: Raw) -> bool {
    matches!(v, Raw::Nil | Raw::LightUserData(0))
}

impl<'w, 'v> De<'w, 'v> {
    fn mismatch(&mut self, expected: &'static str) -> ConvError {
        let got = self.w.type_name(self.value);
        ConvError::mismatch(expected, got)
    }

    /// The value as an integer: an integer, or a float with an exact
    /// integer value.
    fn integer(&mut self) -> Res<i64> {
        match self.value {
            Raw::Int(i) => Ok(i),
            Raw::Float(f) => lunar_vm::number::float_to_int_exact(f)
                .ok_or_else(|| ConvError::plain("number has no integer representation")),
            _ => Err(self.mismatch("number")),
        }
    }

    fn table(&mut self) -> Res<Gc<RawTable>> {
        match self.value {
            Raw::Table(t) => Ok(t),
            _ => Err(self.mismatch("table")),
        }
    }

    /// Runs `f` inside table `t` (depth and cycle bookkeeping).
    fn inside<R>(&mut self, t: Gc<RawTable>, f: impl FnOnce(&mut Walk<'v>) -> Res<R>) -> Res<R> {
        self.w.enter(t)?;
        let r = f(self.w);
        self.w.leave();
        r
    }

    fn visit_seq<'de, V: Visitor<'de>>(mut self, visitor: V, n: i64) -> Res<V::Value> {
        let t = self.table()?;
        self.inside(t, |w| {
            visitor.visit_seq(Seq {
                w,
                table: t,
                next: 1,
                n,
            })
        })
    }

    fn visit_map<'de, V: Visitor<'de>>(mut self, visitor: V, strings_only: bool) -> Res<V::Value> {
        let t = self.table()?;
        self.inside(t, |w| {
            visitor.visit_map(Map {
                w,
                table: t,
                last: Raw::Nil,
                value: Raw::Nil,
                strings_only,
            })
        })
    }
}

/// The length of `t` as a sequence: `Some(n)` when its keys are exactly
/// `1..n` with `n ≥ 1`.
fn sequence_len(t: Gc<RawTable>) -> Option<i64> {
    let n = t.len();
    if n < 1 || t.count() as i64 != n {
        return None;
    }
    (1..=n).all(|i| !t.get_int(i).is_nil()).then_some(n)
}

macro_rules! deserialize_int {
    ($($method:ident => $visit:ident),*) => {$(
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
            let i = self.integer()?;
            visitor.$visit(i)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for De<'_, '_> {
    type Error = ConvError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        match self.value {
            Raw::Nil | Raw::LightUserData(0) => visitor.visit_unit(),
            Raw::Bool(b) => visitor.visit_bool(b),
            Raw::Int(i) => visitor.visit_i64(i),
            Raw::Float(f) => visitor.visit_f64(f),
            Raw::Str(s) => match std::str::from_utf8(s.as_bytes()) {
                Ok(text) => visitor.visit_str(text),
                Err(_) => visitor.visit_bytes(s.as_bytes()),
            },
            Raw::Table(t) => match sequence_len(t) {
                Some(n) => self.visit_seq(visitor, n),
                None => self.visit_map(visitor, false),
            },
            v => {
                let what = self.w.type_name(v);
                Err(ConvError::plain(format!("{what} cannot be converted")))
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        match self.value {
            Raw::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.mismatch("boolean")),
        }
    }

    deserialize_int!(
        deserialize_i8 => visit_i64,
        deserialize_i16 => visit_i64,
        deserialize_i32 => visit_i64,
        deserialize_i64 => visit_i64,
        deserialize_u8 => visit_i64,
        deserialize_u16 => visit_i64,
        deserialize_u32 => visit_i64
    );

    fn deserialize_u64<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        // A u64 above i64::MAX went to Lua as a float: take it back.
        if let Raw::Float(f) = self.value
            && (9_223_372_036_854_775_808.0..18_446_744_073_709_551_616.0).contains(&f)
        {
            return visitor.visit_u64(f as u64);
        }
        let i = self.integer()?;
        visitor.visit_i64(i)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        match self.value {
            Raw::Int(i) => visitor.visit_f64(i as f64),
            Raw::Float(f) => visitor.visit_f64(f),
            _ => Err(self.mismatch("number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        match self.value {
            Raw::Str(s) => match std::str::from_utf8(s.as_bytes()) {
                Ok(text) => visitor.visit_str(text),
                Err(_) => Err(ConvError::plain("string is not valid UTF-8")),
            },
            v @ (Raw::Int(_) | Raw::Float(_)) if self.key => {
                let text = lunar_vm::api::number_to_bytes(v);
                visitor.visit_str(&String::from_utf8_lossy(&text))
            }
            _ => Err(self.mismatch("string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        match self.value {
            Raw::Str(s) => visitor.visit_bytes(s.as_bytes()),
            _ => Err(self.mismatch("string")),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        if is_null(self.value) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        if is_null(self.value) {
            visitor.visit_unit()
        } else {
            Err(self.mismatch("nil"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Res<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Res<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Res<V::Value> {
        let n = self.table()?.len();
        self.visit_seq(visitor, n)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Res<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Res<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.visit_map(visitor, false)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        // Only string keys name fields (an integer key would otherwise be
        // taken as a field's position).
        self.visit_map(visitor, true)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        match self.value {
            Raw::Str(_) => visitor.visit_enum(Enum {
                w: self.w,
                variant: self.value,
                content: None,
            }),
            Raw::Table(t) => {
                let (k, v) = match t.next(Raw::Nil) {
                    Ok(Some((k @ Raw::Str(_), v))) if matches!(t.next(k), Ok(None)) => (k, v),
                    _ => {
                        return Err(ConvError::plain(
                            "a table with one string key (the variant's name) expected",
                        ));
                    }
                };
                self.inside(t, |w| {
                    visitor.visit_enum(Enum {
                        w,
                        variant: k,
                        content: Some(v),
                    })
                })
            }
            _ => Err(self.mismatch("string or table")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Res<V::Value> {
        visitor.visit_unit()
    }
}

/// The items `t[1]`…`t[n]` of a table read as a sequence.
struct Seq<'w, 'v> {
    w: &'w mut Walk<'v>,
    table: Gc<RawTable>,
    next: i64,
    n: i64,
}

impl<'de> SeqAccess<'de> for Seq<'_, '_> {
    type Error = ConvError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Res<Option<T::Value>> {
        if self.next > self.n {
            return Ok(None);
        }
        let i = self.next;
        self.next += 1;
        let value = self.table.get_int(i);
        seed.deserialize(De {
            w: self.w,
            value,
            key: false,
        })
        .map(Some)
        .map_err(|e| e.at_index(i))
    }

    fn size_hint(&self) -> Option<usize> {
        usize::try_from(self.n - self.next + 1).ok()
    }
}

/// The entries of a table read as a map, in `next` order.
struct Map<'w, 'v> {
    w: &'w mut Walk<'v>,
    table: Gc<RawTable>,
    /// The key of the entry under way (nil before the first).
    last: Raw,
    value: Raw,
    /// For structs: skip entries whose key is not a string.
    strings_only: bool,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = ConvError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Res<Option<K::Value>> {
        loop {
            let Ok(Some((k, v))) = self.table.next(self.last) else {
                return Ok(None);
            };
            self.last = k;
            self.value = v;
            if self.strings_only && !matches!(k, Raw::Str(_)) {
                continue;
            }
            return seed
                .deserialize(De {
                    w: self.w,
                    value: k,
                    key: true,
                })
                .map(Some)
                .map_err(|e| e.at(&key_segment(k)));
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Res<V::Value> {
        let k = self.last;
        seed.deserialize(De {
            w: self.w,
            value: self.value,
            key: false,
        })
        .map_err(|e| e.at(&key_segment(k)))
    }
}

/// An enum: its variant's name and content (none for a bare string).
struct Enum<'w, 'v> {
    w: &'w mut Walk<'v>,
    variant: Raw,
    content: Option<Raw>,
}

impl<'de, 'w, 'v> EnumAccess<'de> for Enum<'w, 'v> {
    type Error = ConvError;
    type Variant = Variant<'w, 'v>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Res<(S::Value, Variant<'w, 'v>)> {
        let name = match self.variant {
            Raw::Str(s) => s,
            _ => unreachable!("variant names are strings"),
        };
        let text = std::str::from_utf8(name.as_bytes())
            .map_err(|_| ConvError::plain("string is not valid UTF-8"))?;
        let v = seed.deserialize(text.into_deserializer())?;
        Ok((
            v,
            Variant {
                w: self.w,
                name: text.to_string(),
                content: self.content,
            },
        ))
    }
}

/// The content of an enum's variant.
struct Variant<'w, 'v> {
    w: &'w mut Walk<'v>,
    name: String,
    content: Option<Raw>,
}

impl Variant<'_, '_> {
    fn content(&mut self, expected: &'static str) -> Res<Raw> {
        match self.content {
            Some(v) => Ok(v),
            None => {
                Err(ConvError::mismatch(expected, "string".to_string())
                    .at_field(self.name.as_bytes()))
            }
        }
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, '_> {
    type Error = ConvError;

    fn unit_variant(self) -> Res<()> {
        match self.content {
            None => Ok(()),
            Some(v) if is_null(v) => Ok(()),
            Some(v) => {
                let got = self.w.type_name(v);
                Err(ConvError::mismatch("nil", got).at_field(self.name.as_bytes()))
            }
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(mut self, seed: T) -> Res<T::Value> {
        let value = self.content("table")?;
        seed.deserialize(De {
            w: self.w,
            value,
            key: false,
        })
        .map_err(|e| e.at_field(self.name.as_bytes()))
    }

    fn tuple_variant<V: Visitor<'de>>(mut self, _len: usize, visitor: V) -> Res<V::Value> {
        let value = self.content("table")?;
        de::Deserializer::deserialize_seq(
            De {
                w: self.w,
                value,
                key: false,
            },
            visitor,
        )
        .map_err(|e| e.at_field(self.name.as_bytes()))
    }

    fn struct_variant<V: Visitor<'de>>(
        mut self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Res<V::Value> {
        let value = self.content("table")?;
        de::Deserializer::deserialize_struct(
            De {
                w: self.w,
                value,
                key: false,
            },
            "",
            fields,
            visitor,
        )
        .map_err(|e| e.at_field(self.name.as_bytes()))
    }
}
