//! Conversions between Rust values and Lua values: [`IntoLua`],
//! [`FromLua`], and their multi-value forms for arguments and results.
//!
//! The rules follow the reference's C API (`luaL_check*`):
//! - integers (`i8`…`i64`, `u8`…`u64`, `isize`, `usize`) accept Lua
//!   integers, floats with an exact integer value and strings that convert
//!   to such numbers; out of range is an error. A `u64` or `usize` above
//!   `i64::MAX` goes to Lua as a float.
//! - `f32`/`f64` accept any number and numeric strings.
//! - `String` accepts strings (valid UTF-8) and numbers (converted as
//!   `tostring` does); `LuaString` any string bytes.
//! - `bool` accepts any value (Lua truth: only `nil` and `false` are
//!   false).
//! - `Option<T>`: `nil` is `None`.
//! - `Vec<T>` is a sequence (`t[1]`…`t[n]`, `n` the raw length, read
//!   raw); `HashMap`/`BTreeMap` are tables of key-value pairs.
//! - tuples are several values (arguments, results); `Variadic<T>` is
//!   any number of values (all of them: it is not a tuple element);
//!   `()` is none.

use crate::error::{Error, Result};
use crate::state::Ctx;
use crate::value::{AnyUserData, Function, LuaString, Table, Thread, Value};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Converts a Rust value to a Lua value.
///
/// ```
/// use lunar::{Ctx, IntoLua, Value};
/// struct Celsius(f64);
/// impl IntoLua for Celsius {
///     fn into_lua(self, cx: &mut Ctx<'_>) -> lunar::Result<Value> {
///         self.0.into_lua(cx)
///     }
/// }
/// let mut state = lunar::State::new();
/// state.set_global("temp", Celsius(21.5)).unwrap();
/// assert_eq!(state.exec::<f64>("t.lua", "return temp + 0.5").unwrap(), 22.0);
/// ```
pub trait IntoLua {
    /// The Lua value.
    ///
    /// ```
    /// use lunar::{IntoLua, Value};
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// assert!(matches!(7u8.into_lua(&mut cx).unwrap(), Value::Integer(7)));
    /// // Above `i64::MAX`, a `u64` becomes a float.
    /// assert!(matches!(u64::MAX.into_lua(&mut cx).unwrap(), Value::Number(_)));
    /// ```
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value>;
}

/// Converts a Lua value to a Rust value.
///
/// ```
/// use lunar::{Ctx, FromLua, Table, Value};
/// #[derive(Debug, PartialEq)]
/// struct Point { x: i64, y: i64 }
/// impl FromLua for Point {
///     fn from_lua(value: Value, cx: &mut Ctx<'_>) -> lunar::Result<Point> {
///         let t = Table::from_lua(value, cx)?;
///         Ok(Point { x: t.get(cx, "x")?, y: t.get(cx, "y")? })
///     }
/// }
/// let mut state = lunar::State::new();
/// assert_eq!(state.exec::<Point>("t.lua", "return {x = 1, y = 2}").unwrap(), Point { x: 1, y: 2 });
/// state.register("norm2", |_, p: Point| Ok(p.x * p.x + p.y * p.y)).unwrap();
/// let err = state.exec::<()>("t.lua", "return norm2(5)").unwrap_err();
/// assert_eq!(err.message(), "t.lua:1: bad argument #1 to 'norm2' (table expected, got number)");
/// ```
pub trait FromLua: Sized {
    /// The Rust value, or a conversion error.
    ///
    /// ```
    /// use lunar::{FromLua, Value};
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// assert_eq!(i32::from_lua(Value::Number(2.0), &mut cx).unwrap(), 2);
    /// let err = u8::from_lua(Value::Integer(300), &mut cx).unwrap_err();
    /// assert_eq!(err.message(), "number out of range for u8");
    /// ```
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<Self>;
}

/// Several Lua values, as arguments or results.
///
/// ```
/// use lunar::{MultiValue, Value};
/// let mut state = lunar::State::new();
/// let all: MultiValue = state.exec("t.lua", "return 1, 'two', nil").unwrap();
/// assert_eq!(all.len(), 3);
/// assert_eq!(all[1].as_str(), Some("two"));
/// let count: lunar::Function = state.exec("t.lua", "return function(...) return select('#', ...) end").unwrap();
/// assert_eq!(count.call::<_, i64>(&mut state, MultiValue(vec![Value::Nil, Value::Nil])).unwrap(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MultiValue(pub Vec<Value>);

impl std::ops::Deref for MultiValue {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for MultiValue {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl IntoIterator for MultiValue {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Converts a Rust value to several Lua values.
///
/// ```
/// let mut state = lunar::State::new();
/// // A tuple is several values; a `Result` is the value, or `nil` and the message.
/// state.register("divmod", |_, (a, b): (i64, i64)| Ok((a / b, a % b))).unwrap();
/// state.register("parse", |_, s: String| Ok(s.parse::<i64>().map_err(lunar::Error::external))).unwrap();
/// assert_eq!(state.exec::<(i64, i64)>("t.lua", "return divmod(7, 2)").unwrap(), (3, 1));
/// let (n, why): (Option<i64>, String) = state.exec("t.lua", "return parse('x')").unwrap();
/// assert_eq!((n, why.as_str()), (None, "invalid digit found in string"));
/// ```
pub trait IntoLuaMulti {
    /// The values.
    ///
    /// ```
    /// use lunar::IntoLuaMulti;
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// assert_eq!((1, "a", true).into_lua_multi(&mut cx).unwrap().len(), 3);
    /// assert!(().into_lua_multi(&mut cx).unwrap().is_empty());
    /// ```
    fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue>;
}

/// Converts several Lua values to a Rust value.
///
/// ```
/// let mut state = lunar::State::new();
/// // Missing values are nil...
/// let (a, b): (i64, Option<i64>) = state.exec("t.lua", "return 1").unwrap();
/// assert_eq!((a, b), (1, None));
/// // ...and extra ones are ignored.
/// assert_eq!(state.exec::<i64>("t.lua", "return 1, 2, 3").unwrap(), 1);
/// ```
pub trait FromLuaMulti: Sized {
    /// The Rust value (missing values are `nil`, extra ones ignored).
    ///
    /// ```
    /// use lunar::{FromLuaMulti, MultiValue, Value};
    /// let mut state = lunar::State::new();
    /// let vals = MultiValue(vec![Value::Integer(1), Value::Integer(2)]);
    /// let (n, s) = <(i64, String)>::from_lua_multi(vals, &mut state.ctx()).unwrap();
    /// assert_eq!((n, s.as_str()), (1, "2"));
    /// ```
    fn from_lua_multi(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Self>;

    /// As [`from_lua_multi`](FromLuaMulti::from_lua_multi), for the
    /// arguments of a Rust function: a failed conversion names the
    /// argument's position.
    ///
    /// ```
    /// use lunar::{FromLuaMulti, MultiValue, Value};
    /// let mut state = lunar::State::new();
    /// let err = <(i64, i64)>::from_lua_args(MultiValue(vec![Value::Integer(1)]), &mut state.ctx()).unwrap_err();
    /// assert_eq!(err.message(), "bad argument #2 (number expected, got no value)");
    /// ```
    fn from_lua_args(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Self> {
        Self::from_lua_multi(values, cx).map_err(|e| e.bad_argument(1))
    }
}

/// Any number of values, each converted to `T` (`...` in Lua): as a
/// Rust function's arguments it takes all of them (it cannot follow
/// other arguments in a tuple); as results it gives them all.
///
/// ```
/// use lunar::Variadic;
/// let mut state = lunar::State::new();
/// state.register("sum", |_, xs: Variadic<f64>| Ok(xs.0.iter().sum::<f64>())).unwrap();
/// assert_eq!(state.exec::<f64>("t.lua", "return sum(1, 2, 3.5)").unwrap(), 6.5);
/// let err = state.exec::<()>("t.lua", "return sum(1, {})").unwrap_err();
/// assert_eq!(err.message(), "t.lua:1: bad argument #2 to 'sum' (number expected, got table)");
/// state.register("three", |_, ()| Ok(Variadic(vec![1, 2, 3]))).unwrap();
/// assert_eq!(state.exec::<i64>("t.lua", "return select('#', three())").unwrap(), 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variadic<T>(pub Vec<T>);

// ----- single values -----

impl IntoLua for Value {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(self)
    }
}

impl FromLua for Value {
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(value)
    }
}

impl IntoLua for &Value {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(self.clone())
    }
}

macro_rules! handle_conv {
    ($t:ident, $variant:ident, $lua:expr) => {
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::$variant(self))
            }
        }
        impl IntoLua for &$t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::$variant(self.clone()))
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                match value {
                    Value::$variant(x) => Ok(x),
                    v => Err(Error::conversion(v.type_name(), $lua, None)),
                }
            }
        }
    };
}

handle_conv!(Table, Table, "table");
handle_conv!(Function, Function, "function");
handle_conv!(Thread, Thread, "thread");
handle_conv!(AnyUserData, UserData, "userdata");

impl IntoLua for LuaString {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(self))
    }
}

impl FromLua for LuaString {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<LuaString> {
        match value {
            Value::String(s) => Ok(s),
            Value::Integer(_) | Value::Number(_) => {
                let b = number_text(&value);
                Ok(cx.create_string(b))
            }
            v => Err(Error::conversion(v.type_name(), "string", None)),
        }
    }
}

impl IntoLua for bool {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::Boolean(self))
    }
}

impl FromLua for bool {
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<bool> {
        Ok(value.truthy())
    }
}

/// A number's text as `tostring` writes it.
fn number_text(v: &Value) -> Vec<u8> {
    match *v {
        Value::Integer(i) => lunar_vm::api::number_to_bytes(lunar_vm::Value::Int(i)),
        Value::Number(f) => lunar_vm::api::number_to_bytes(lunar_vm::Value::Float(f)),
        _ => Vec::new(),
    }
}

/// The number a value converts to (numbers, numeric strings).
fn to_number(v: &Value) -> Option<Value> {
    match v {
        Value::Integer(_) | Value::Number(_) => Some(v.clone()),
        Value::String(s) => match lunar_syntax::str_to_number(s.as_bytes())? {
            lunar_syntax::Number::Int(i) => Some(Value::Integer(i)),
            lunar_syntax::Number::Float(f) => Some(Value::Number(f)),
        },
        _ => None,
    }
}

/// The integer of a value, as `luaL_checkinteger` takes it.
fn to_i64(value: &Value) -> Result<i64> {
    match to_number(value) {
        Some(Value::Integer(i)) => Ok(i),
        Some(Value::Number(f)) => lunar_vm::number::float_to_int_exact(f).ok_or_else(|| {
            Error::conversion(
                "number",
                "number",
                Some("number has no integer representation"),
            )
        }),
        _ => Err(Error::conversion(value.type_name(), "number", None)),
    }
}

macro_rules! int_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                #[allow(irrefutable_let_patterns)]
                if let Ok(i) = i64::try_from(self) {
                    Ok(Value::Integer(i))
                } else {
                    Ok(Value::Number(self as f64))
                }
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                let i = to_i64(&value)?;
                <$t>::try_from(i).map_err(|_| {
                    Error::conversion(
                        "number",
                        "number",
                        Some(concat!("number out of range for ", stringify!($t))),
                    )
                })
            }
        }
    )*};
}

int_conv!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

macro_rules! float_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::Number(self as f64))
            }
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                match to_number(&value) {
                    Some(Value::Integer(i)) => Ok(i as $t),
                    Some(Value::Number(f)) => Ok(f as $t),
                    _ => Err(Error::conversion(value.type_name(), "number", None)),
                }
            }
        }
    )*};
}

float_conv!(f32, f64);

impl IntoLua for &str {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
}

impl IntoLua for String {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
}

impl IntoLua for &String {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
}

impl IntoLua for &[u8] {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
}

impl FromLua for String {
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<String> {
        match &value {
            Value::String(s) => s.to_str().map(str::to_string).map_err(|_| {
                Error::conversion("string", "string", Some("string is not valid UTF-8"))
            }),
            Value::Integer(_) | Value::Number(_) => {
                Ok(String::from_utf8_lossy(&number_text(&value)).into_owned())
            }
            v => Err(Error::conversion(v.type_name(), "string", None)),
        }
    }
}

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(cx),
            None => Ok(Value::Nil),
        }
    }
}

impl<T: FromLua> FromLua for Option<T> {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<Option<T>> {
        match value {
            Value::Nil => Ok(None),
            v => T::from_lua(v, cx).map(Some),
        }
    }
}

impl<T: IntoLua> IntoLua for Vec<T> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        let t = cx.create_table_with_capacity(self.len(), 0);
        for (i, v) in self.into_iter().enumerate() {
            let v = v.into_lua(cx)?;
            t.raw_set(cx, i as i64 + 1, v)?;
        }
        Ok(Value::Table(t))
    }
}

impl<T: FromLua> FromLua for Vec<T> {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<Vec<T>> {
        let Value::Table(t) = value else {
            return Err(Error::conversion(value.type_name(), "table", None));
        };
        let n = t.raw_len(cx)?;
        let mut out = Vec::with_capacity(n as usize);
        for i in 1..=n {
            let v: Value = t.raw_get(cx, i)?;
            out.push(T::from_lua(v, cx)?);
        }
        Ok(out)
    }
}

impl<K: IntoLua, V: IntoLua, S> IntoLua for HashMap<K, V, S> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        let t = cx.create_table_with_capacity(0, self.len());
        for (k, v) in self {
            let k = k.into_lua(cx)?;
            let v = v.into_lua(cx)?;
            t.raw_set(cx, k, v)?;
        }
        Ok(Value::Table(t))
    }
}

impl<K: FromLua + Eq + Hash, V: FromLua, S: BuildHasher + Default> FromLua for HashMap<K, V, S> {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<HashMap<K, V, S>> {
        let Value::Table(t) = value else {
            return Err(Error::conversion(value.type_name(), "table", None));
        };
        let mut out = HashMap::default();
        for (k, v) in t.pairs::<Value, Value>(cx)? {
            out.insert(K::from_lua(k, cx)?, V::from_lua(v, cx)?);
        }
        Ok(out)
    }
}

impl<K: IntoLua, V: IntoLua> IntoLua for BTreeMap<K, V> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        let t = cx.create_table_with_capacity(0, self.len());
        for (k, v) in self {
            let k = k.into_lua(cx)?;
            let v = v.into_lua(cx)?;
            t.raw_set(cx, k, v)?;
        }
        Ok(Value::Table(t))
    }
}

impl<K: FromLua + Ord, V: FromLua> FromLua for BTreeMap<K, V> {
    fn from_lua(value: Value, cx: &mut Ctx<'_>) -> Result<BTreeMap<K, V>> {
        let Value::Table(t) = value else {
            return Err(Error::conversion(value.type_name(), "table", None));
        };
        let mut out = BTreeMap::new();
        for (k, v) in t.pairs::<Value, Value>(cx)? {
            out.insert(K::from_lua(k, cx)?, V::from_lua(v, cx)?);
        }
        Ok(out)
    }
}

// ----- several values -----

impl IntoLuaMulti for MultiValue {
    fn into_lua_multi(self, _: &mut Ctx<'_>) -> Result<MultiValue> {
        Ok(self)
    }
}

impl FromLuaMulti for MultiValue {
    fn from_lua_multi(values: MultiValue, _: &mut Ctx<'_>) -> Result<MultiValue> {
        Ok(values)
    }
}

impl<T: IntoLua> IntoLuaMulti for T {
    fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue> {
        Ok(MultiValue(vec![self.into_lua(cx)?]))
    }
}

impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: MultiValue, cx: &mut Ctx<'_>) -> Result<T> {
        let v = values.0.into_iter().next().unwrap_or(Value::Nil);
        T::from_lua(v, cx)
    }
    fn from_lua_args(values: MultiValue, cx: &mut Ctx<'_>) -> Result<T> {
        let missing = values.is_empty();
        Self::from_lua_multi(values, cx).map_err(|e| no_value(e, missing).bad_argument(1))
    }
}

/// A conversion error for a missing argument says "got no value", as
/// `luaL_check*` do.
fn no_value(e: Error, missing: bool) -> Error {
    match (missing, e.argument_expected()) {
        (true, Some(expected)) => Error::conversion("no value", &expected, None),
        _ => e,
    }
}

impl<T: IntoLua> IntoLuaMulti for Variadic<T> {
    fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue> {
        let mut out = Vec::with_capacity(self.0.len());
        for v in self.0 {
            out.push(v.into_lua(cx)?);
        }
        Ok(MultiValue(out))
    }
}

impl<T: FromLua> FromLuaMulti for Variadic<T> {
    fn from_lua_multi(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Variadic<T>> {
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            out.push(T::from_lua(v, cx)?);
        }
        Ok(Variadic(out))
    }
    fn from_lua_args(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Variadic<T>> {
        let mut out = Vec::with_capacity(values.len());
        for (i, v) in values.into_iter().enumerate() {
            out.push(T::from_lua(v, cx).map_err(|e| e.bad_argument(i + 1))?);
        }
        Ok(Variadic(out))
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &mut Ctx<'_>) -> Result<MultiValue> {
        Ok(MultiValue::default())
    }
}

impl FromLuaMulti for () {
    fn from_lua_multi(_: MultiValue, _: &mut Ctx<'_>) -> Result<()> {
        Ok(())
    }
    fn from_lua_args(_: MultiValue, _: &mut Ctx<'_>) -> Result<()> {
        Ok(())
    }
}

impl<T: IntoLua, E: Into<Error>> IntoLuaMulti for std::result::Result<T, E> {
    /// `Ok(v)` is `v`; `Err(e)` is `nil, message` (the Lua convention for
    /// expected failures, as `io.open` returns them).
    fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue> {
        match self {
            Ok(v) => Ok(MultiValue(vec![v.into_lua(cx)?])),
            Err(e) => {
                let e: Error = e.into();
                let msg = cx.create_string(e.message());
                Ok(MultiValue(vec![Value::Nil, Value::String(msg)]))
            }
        }
    }
}

macro_rules! tuple_conv {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: IntoLua),+> IntoLuaMulti for ($($name,)+) {
            fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue> {
                Ok(MultiValue(vec![$(self.$idx.into_lua(cx)?),+]))
            }
        }
        impl<$($name: FromLua),+> FromLuaMulti for ($($name,)+) {
            fn from_lua_multi(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Self> {
                let mut it = values.0.into_iter();
                Ok(($({
                    let _ = $idx;
                    $name::from_lua(it.next().unwrap_or(Value::Nil), cx)?
                },)+))
            }
            fn from_lua_args(values: MultiValue, cx: &mut Ctx<'_>) -> Result<Self> {
                let n = values.len();
                let mut it = values.0.into_iter();
                Ok(($({
                    let v = it.next().unwrap_or(Value::Nil);
                    $name::from_lua(v, cx)
                        .map_err(|e| no_value(e, $idx >= n).bad_argument($idx + 1))?
                },)+))
            }
        }
    };
}

tuple_conv!(A 0);
tuple_conv!(A 0, B 1);
tuple_conv!(A 0, B 1, C 2);
tuple_conv!(A 0, B 1, C 2, D 3);
tuple_conv!(A 0, B 1, C 2, D 3, E 4);
tuple_conv!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_conv!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_conv!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
