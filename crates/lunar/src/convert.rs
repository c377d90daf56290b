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
use crate::host;
use crate::state::Ctx;
use crate::value::{AnyUserData, Function, LuaString, Table, Thread, Value};
use lunar_vm::Value as Raw;
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

    /// As [`into_lua`](IntoLua::into_lua), as the VM's value, not rooted:
    /// what the table handles and calls with a fixed number of values go
    /// through. Numbers, booleans, strings and handles make no [`Value`]
    /// (whose handles are allocations); the default goes through
    /// `into_lua`. The value stays alive until Lua code next runs (only
    /// running Lua collects garbage), so the caller hands it to the VM
    /// first, and converts nothing that may run Lua meanwhile (see
    /// [`runs_lua`](IntoLua::runs_lua)).
    #[doc(hidden)]
    #[inline]
    fn into_vm_value(self, cx: &mut Ctx<'_>) -> Result<Raw>
    where
        Self: Sized,
    {
        let v = self.into_lua(cx)?;
        v.to_raw(cx.vm)
    }

    /// Whether the conversion may run Lua code (and so collect garbage,
    /// freeing a value made by an earlier [`into_vm_value`] that nothing
    /// holds yet): true unless the type says otherwise, as the numbers,
    /// strings and handles do.
    #[doc(hidden)]
    #[inline]
    fn runs_lua(&self) -> bool {
        true
    }
}

/// The [`IntoLua`] items of a type whose conversion runs no Lua code and
/// whose VM value is `$raw` (an expression of `self` and `cx`).
macro_rules! plain_into_vm_value {
    (|$this:ident, $cx:ident| $raw:expr) => {
        #[inline]
        fn into_vm_value(self, $cx: &mut Ctx<'_>) -> Result<Raw> {
            let $this = self;
            $raw
        }
        #[inline]
        fn runs_lua(&self) -> bool {
            false
        }
    };
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

    /// As [`from_lua`](FromLua::from_lua), from a VM value that the
    /// caller keeps alive until this roots it (a Rust function's argument
    /// on the VM stack, a call's result with nothing run since): what
    /// typed calls go through. The numbers and booleans read it without
    /// making a [`Value`]; the default roots it first, then converts.
    #[doc(hidden)]
    #[inline]
    fn from_vm_value(raw: Raw, cx: &mut Ctx<'_>) -> Result<Self> {
        let v = Value::from_raw(cx.vm, raw);
        Self::from_lua(v, cx)
    }

    /// Whether the conversion may run Lua code (and so collect garbage:
    /// the other values of a call's results must then be rooted before
    /// it runs). True unless the type says otherwise, as the numbers,
    /// strings and handles do.
    #[doc(hidden)]
    const RUNS_LUA: bool = true;
}

/// [`FromLua::from_vm_value`] through [`FromLua::from_lua`], out of
/// line: the numbers' inline path takes numbers of the type's range.
#[inline(never)]
fn from_vm_value_slow<T: FromLua>(raw: Raw, cx: &mut Ctx<'_>) -> Result<T> {
    let v = Value::from_raw(cx.vm, raw);
    T::from_lua(v, cx)
}

/// The running native function's argument `i` (1-based), nil past the
/// `n` it got.
#[inline]
pub(crate) fn stack_arg(cx: &Ctx<'_>, i: usize, n: usize) -> Raw {
    if i <= n { cx.vm.arg(i) } else { Raw::Nil }
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

    /// Runs `body` with the values as the VM's values, kept alive (rooted)
    /// while it runs: the arguments of a typed call. The tuples and single
    /// values pass them in an array on the Rust stack, so that a call with
    /// a few arguments allocates nothing; the default goes through
    /// [`into_lua_multi`](IntoLuaMulti::into_lua_multi).
    #[doc(hidden)]
    fn with_raw_args<R>(
        self,
        cx: &mut Ctx<'_>,
        body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
    ) -> Result<R>
    where
        Self: Sized,
    {
        let values = self.into_lua_multi(cx)?;
        with_raw_slice(cx, &values, body)
    }

    /// Pushes the values on the running native function's stack, as the
    /// results of a Rust function; how many. On an error nothing stays
    /// pushed. The tuples and single values push them without a list;
    /// the default goes through
    /// [`into_lua_multi`](IntoLuaMulti::into_lua_multi).
    #[doc(hidden)]
    fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize>
    where
        Self: Sized,
    {
        let values = self.into_lua_multi(cx)?;
        push_values(cx, &values)
    }
}

/// Pushes `values` on the running native function's stack; on a failed
/// conversion, takes back what it pushed.
#[inline]
fn push_values(cx: &mut Ctx<'_>, values: &[Value]) -> Result<usize> {
    let base = cx.vm.top();
    for v in values {
        match v.to_raw(cx.vm) {
            Ok(raw) => cx.vm.push(raw),
            Err(e) => {
                cx.vm.set_top(base);
                return Err(e);
            }
        }
    }
    Ok(values.len())
}

/// Runs `body` with the VM's values of `values` (which the caller keeps
/// alive, so they stay rooted): on the Rust stack for up to 8 values, in
/// a vector above that.
fn with_raw_slice<R>(
    cx: &mut Ctx<'_>,
    values: &[Value],
    body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
) -> Result<R> {
    const SMALL: usize = 8;
    if values.len() <= SMALL {
        let mut buf = [Raw::Nil; SMALL];
        for (b, v) in buf.iter_mut().zip(values) {
            *b = v.to_raw(cx.vm)?;
        }
        body(cx, &buf[..values.len()])
    } else {
        let raw: Vec<Raw> = values
            .iter()
            .map(|v| v.to_raw(cx.vm))
            .collect::<Result<_>>()?;
        body(cx, &raw)
    }
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

    /// Calls `f` with `args`, protected, and converts its results: the
    /// typed call's second half. The tuples and single values take exactly
    /// as many results as they convert, in an array (no allocation); the
    /// default takes them all as a [`MultiValue`].
    #[doc(hidden)]
    fn from_call(cx: &mut Ctx<'_>, f: Raw, args: &[Raw]) -> Result<Self> {
        let results = host::call_raw_args(cx.vm, f, args)?;
        Self::from_lua_multi(results, cx)
    }

    /// As [`from_lua_multi`](FromLuaMulti::from_lua_multi), from VM
    /// values that the caller keeps alive until this returns, though not
    /// against a Lua call made by a conversion (the stack slots holding
    /// them may be reused): each impl roots what it converts before
    /// running any conversion that may call Lua. The tuples and single
    /// values make no list; the default roots them all in a
    /// [`MultiValue`].
    #[doc(hidden)]
    fn from_vm_values(cx: &mut Ctx<'_>, vals: &[Raw]) -> Result<Self> {
        let values = MultiValue::from_raw(cx.vm, vals);
        Self::from_lua_multi(values, cx)
    }

    /// As [`from_lua_args`](FromLuaMulti::from_lua_args), from the running
    /// native function's `n` arguments on the VM stack, after the first
    /// `skip` (a method's `self`); an error names the argument's position
    /// among all `n`. The tuples and single values read them without a
    /// list.
    #[doc(hidden)]
    fn from_stack_args(cx: &mut Ctx<'_>, skip: usize, n: usize) -> Result<Self> {
        let args = MultiValue::from_args(cx.vm, skip, n);
        Self::from_lua_args(args, cx).map_err(|e| shift_argument(e, skip))
    }
}

/// Shifts the position of an argument's conversion error by `by` (when
/// the arguments after the first `by` were converted as a list of their
/// own). Out of line: errors are the rare way.
#[cold]
#[inline(never)]
pub(crate) fn shift_argument(e: Error, by: usize) -> Error {
    match e.argument() {
        Some((pos, expected, detail)) if by > 0 => {
            let (expected, detail) = (expected.to_string(), detail.map(str::to_string));
            Error::conversion("?", &expected, detail.as_deref()).bad_argument(pos + by)
        }
        _ => e,
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
    plain_into_vm_value!(|v, cx| v.to_raw(cx.vm));
}

impl FromLua for Value {
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(value)
    }
    const RUNS_LUA: bool = false;
}

impl IntoLua for &Value {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(self.clone())
    }
    plain_into_vm_value!(|v, cx| v.to_raw(cx.vm));
}

macro_rules! handle_conv {
    ($t:ident, $variant:ident, $lua:expr) => {
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::$variant(self))
            }
            plain_into_vm_value!(|h, cx| crate::value::raw_of(cx.vm, &h.0));
        }
        impl IntoLua for &$t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::$variant(self.clone()))
            }
            plain_into_vm_value!(|h, cx| crate::value::raw_of(cx.vm, &h.0));
        }
        impl FromLua for $t {
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                match value {
                    Value::$variant(x) => Ok(x),
                    v => Err(Error::conversion(v.type_name(), $lua, None)),
                }
            }
            const RUNS_LUA: bool = false;
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
    plain_into_vm_value!(|s, cx| s.to_raw(cx.vm));
}

impl IntoLua for &LuaString {
    fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(self.clone()))
    }
    plain_into_vm_value!(|s, cx| s.to_raw(cx.vm));
}

impl FromLua for LuaString {
    const RUNS_LUA: bool = false;
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
    plain_into_vm_value!(|b, _cx| Ok(Raw::Bool(b)));
}

impl FromLua for bool {
    const RUNS_LUA: bool = false;
    fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<bool> {
        Ok(value.truthy())
    }
    #[inline]
    fn from_vm_value(raw: Raw, _: &mut Ctx<'_>) -> Result<bool> {
        Ok(!matches!(raw, Raw::Nil | Raw::Bool(false)))
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

/// The integer type `T` of a value, as `luaL_checkinteger` takes it;
/// `range` is the error's detail when it does not fit. Out of line: the
/// conversions' inline path takes integers in range.
#[inline(never)]
fn int_from_lua<T: TryFrom<i64>>(value: &Value, range: &'static str) -> Result<T> {
    let i = to_i64(value)?;
    T::try_from(i).map_err(|_| Error::conversion("number", "number", Some(range)))
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
            plain_into_vm_value!(|x, _cx| {
                #[allow(irrefutable_let_patterns)]
                Ok(if let Ok(i) = i64::try_from(x) {
                    Raw::Int(i)
                } else {
                    Raw::Float(x as f64)
                })
            });
        }
        impl FromLua for $t {
            const RUNS_LUA: bool = false;
            #[inline]
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                // An integer in range, the common argument, inline; the
                // coercions and the errors out of line.
                if let Value::Integer(i) = value
                    && let Ok(x) = <$t>::try_from(i)
                {
                    return Ok(x);
                }
                int_from_lua(&value, concat!("number out of range for ", stringify!($t)))
            }
            #[inline(always)]
            fn from_vm_value(raw: Raw, cx: &mut Ctx<'_>) -> Result<$t> {
                if let Raw::Int(x) = raw
                    && let Ok(v) = <$t>::try_from(x)
                {
                    return Ok(v);
                }
                from_vm_value_slow(raw, cx)
            }
        }
    )*};
}

int_conv!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// The number (an integer or float value) of a numeric string, or the
/// conversion error. Out of line: the float conversions' inline path
/// takes numbers.
#[inline(never)]
fn number_from_lua(value: &Value) -> Result<Value> {
    to_number(value).ok_or_else(|| Error::conversion(value.type_name(), "number", None))
}

macro_rules! float_conv {
    ($($t:ty),*) => {$(
        impl IntoLua for $t {
            fn into_lua(self, _: &mut Ctx<'_>) -> Result<Value> {
                Ok(Value::Number(self as f64))
            }
            plain_into_vm_value!(|x, _cx| Ok(Raw::Float(x as f64)));
        }
        impl FromLua for $t {
            const RUNS_LUA: bool = false;
            #[inline]
            fn from_lua(value: Value, _: &mut Ctx<'_>) -> Result<$t> {
                match value {
                    Value::Number(f) => Ok(f as $t),
                    Value::Integer(i) => Ok(i as $t),
                    _ => match number_from_lua(&value)? {
                        Value::Integer(i) => Ok(i as $t),
                        Value::Number(f) => Ok(f as $t),
                        _ => unreachable!("number_from_lua gives numbers"),
                    },
                }
            }
            #[inline(always)]
            fn from_vm_value(raw: Raw, cx: &mut Ctx<'_>) -> Result<$t> {
                match raw {
                    Raw::Float(f) => Ok(f as $t),
                    Raw::Int(x) => Ok(x as $t),
                    raw => from_vm_value_slow(raw, cx),
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
    plain_into_vm_value!(|b, cx| Ok(cx.vm.str_value(AsRef::<[u8]>::as_ref(&b))));
}

impl IntoLua for String {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
    plain_into_vm_value!(|b, cx| Ok(cx.vm.str_value(AsRef::<[u8]>::as_ref(&b))));
}

impl IntoLua for &String {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
    plain_into_vm_value!(|b, cx| Ok(cx.vm.str_value(AsRef::<[u8]>::as_ref(&b))));
}

impl IntoLua for &[u8] {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        Ok(Value::String(cx.create_string(self)))
    }
    plain_into_vm_value!(|b, cx| Ok(cx.vm.str_value(AsRef::<[u8]>::as_ref(&b))));
}

impl FromLua for String {
    const RUNS_LUA: bool = false;
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
    #[inline]
    fn from_vm_value(raw: Raw, cx: &mut Ctx<'_>) -> Result<String> {
        // A UTF-8 string is copied straight out of the Lua string (the
        // one allocation a `String` needs), without rooting it first.
        if let Raw::Str(s) = raw
            && let Ok(text) = std::str::from_utf8(s.as_bytes())
        {
            return Ok(text.to_string());
        }
        from_vm_value_slow(raw, cx)
    }
}

impl<T: IntoLua> IntoLua for Option<T> {
    fn into_lua(self, cx: &mut Ctx<'_>) -> Result<Value> {
        match self {
            Some(v) => v.into_lua(cx),
            None => Ok(Value::Nil),
        }
    }
    #[inline]
    fn into_vm_value(self, cx: &mut Ctx<'_>) -> Result<Raw> {
        match self {
            Some(v) => v.into_vm_value(cx),
            None => Ok(Raw::Nil),
        }
    }
    #[inline]
    fn runs_lua(&self) -> bool {
        self.as_ref().is_some_and(T::runs_lua)
    }
}

impl<T: FromLua> FromLua for Option<T> {
    const RUNS_LUA: bool = T::RUNS_LUA;
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
    fn with_raw_args<R>(
        self,
        cx: &mut Ctx<'_>,
        body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
    ) -> Result<R> {
        with_raw_slice(cx, &self, body)
    }
    fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize> {
        push_values(cx, &self)
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
    fn with_raw_args<R>(
        self,
        cx: &mut Ctx<'_>,
        body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
    ) -> Result<R> {
        // Not rooted: `body` hands it to the VM (a call's arguments)
        // before anything runs Lua code.
        let raw = self.into_vm_value(cx)?;
        body(cx, &[raw])
    }
    fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize> {
        let raw = self.into_vm_value(cx)?;
        cx.vm.push(raw);
        Ok(1)
    }
}

impl<T: FromLua> FromLuaMulti for T {
    fn from_lua_multi(values: MultiValue, cx: &mut Ctx<'_>) -> Result<T> {
        let v = values.0.into_iter().next().unwrap_or(Value::Nil);
        T::from_lua(v, cx)
    }
    fn from_call(cx: &mut Ctx<'_>, f: Raw, args: &[Raw]) -> Result<T> {
        // Nothing runs between the call and `from_vm_value`, which roots the
        // result before anything can collect.
        let [r] = host::call_raw_n::<1>(cx.vm, f, args)?;
        T::from_vm_value(r, cx)
    }
    fn from_vm_values(cx: &mut Ctx<'_>, vals: &[Raw]) -> Result<T> {
        T::from_vm_value(vals.first().copied().unwrap_or(Raw::Nil), cx)
    }
    fn from_lua_args(values: MultiValue, cx: &mut Ctx<'_>) -> Result<T> {
        let missing = values.is_empty();
        Self::from_lua_multi(values, cx).map_err(|e| no_value(e, missing).bad_argument(1))
    }
    fn from_stack_args(cx: &mut Ctx<'_>, skip: usize, n: usize) -> Result<T> {
        T::from_vm_value(stack_arg(cx, skip + 1, n), cx)
            .map_err(|e| no_value(e, n <= skip).bad_argument(skip + 1))
    }
}

/// A conversion error for a missing argument says "got no value", as
/// `luaL_check*` do. Out of line: errors are the rare way.
#[cold]
#[inline(never)]
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
    fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize> {
        // Each value goes on the stack as soon as it is made (which keeps
        // it alive from then on): no list besides the caller's own. Not
        // when a conversion may call Lua: from the host, where no frame
        // runs, such a call resets the stack, so all are converted first.
        if self.0.iter().any(IntoLua::runs_lua) {
            let values = self.into_lua_multi(cx)?;
            return push_values(cx, &values);
        }
        let base = cx.vm.top();
        let n = self.0.len();
        for v in self.0 {
            match v.into_vm_value(cx) {
                Ok(raw) => cx.vm.push(raw),
                Err(e) => {
                    cx.vm.set_top(base);
                    return Err(e);
                }
            }
        }
        Ok(n)
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
    fn from_call(cx: &mut Ctx<'_>, f: Raw, args: &[Raw]) -> Result<Variadic<T>> {
        let raw = host::call_raw_list(cx.vm, f, args)?;
        Self::from_vm_values(cx, &raw)
    }
    fn from_vm_values(cx: &mut Ctx<'_>, vals: &[Raw]) -> Result<Variadic<T>> {
        // Values that are no heap objects need no rooting: converted
        // where they are (the common numbers, with no list but the
        // result's); otherwise all are rooted before any is converted.
        if vals.iter().any(Raw::is_collectable) {
            let values = MultiValue::from_raw(cx.vm, vals);
            return Self::from_lua_multi(values, cx);
        }
        let mut out = Vec::with_capacity(vals.len());
        for &v in vals {
            out.push(T::from_vm_value(v, cx)?);
        }
        Ok(Variadic(out))
    }
    fn from_stack_args(cx: &mut Ctx<'_>, skip: usize, n: usize) -> Result<Variadic<T>> {
        // Read where they are, as the tuples read theirs: each converted
        // value is rooted by its conversion, the others stay on the stack.
        let mut out = Vec::with_capacity(n.saturating_sub(skip));
        for i in skip + 1..=n {
            out.push(T::from_vm_value(cx.vm.arg(i), cx).map_err(|e| e.bad_argument(i))?);
        }
        Ok(Variadic(out))
    }
}

impl IntoLuaMulti for () {
    fn into_lua_multi(self, _: &mut Ctx<'_>) -> Result<MultiValue> {
        Ok(MultiValue::default())
    }
    fn with_raw_args<R>(
        self,
        cx: &mut Ctx<'_>,
        body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
    ) -> Result<R> {
        body(cx, &[])
    }
    fn push_results(self, _: &mut Ctx<'_>) -> Result<usize> {
        Ok(0)
    }
}

impl FromLuaMulti for () {
    fn from_lua_multi(_: MultiValue, _: &mut Ctx<'_>) -> Result<()> {
        Ok(())
    }
    fn from_call(cx: &mut Ctx<'_>, f: Raw, args: &[Raw]) -> Result<()> {
        host::call_raw_n::<0>(cx.vm, f, args).map(|[]| ())
    }
    fn from_vm_values(_: &mut Ctx<'_>, _: &[Raw]) -> Result<()> {
        Ok(())
    }
    fn from_lua_args(_: MultiValue, _: &mut Ctx<'_>) -> Result<()> {
        Ok(())
    }
    fn from_stack_args(_: &mut Ctx<'_>, _: usize, _: usize) -> Result<()> {
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
    fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize> {
        match self {
            Ok(v) => {
                let raw = v.into_vm_value(cx)?;
                cx.vm.push(raw);
                Ok(1)
            }
            Err(e) => {
                let e: Error = e.into();
                let msg = cx.vm.str_value(e.message().as_bytes());
                cx.vm.push(Raw::Nil);
                cx.vm.push(msg);
                Ok(2)
            }
        }
    }
}

macro_rules! tuple_conv {
    ($n:literal; $($name:ident $idx:tt),+) => {
        impl<$($name: IntoLua),+> IntoLuaMulti for ($($name,)+) {
            fn into_lua_multi(self, cx: &mut Ctx<'_>) -> Result<MultiValue> {
                Ok(MultiValue(vec![$(self.$idx.into_lua(cx)?),+]))
            }
            fn with_raw_args<R>(
                self,
                cx: &mut Ctx<'_>,
                body: impl FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<R>,
            ) -> Result<R> {
                // When no conversion can run Lua (and so collect), the
                // values need no rooting until `body` hands them to the
                // VM: no handle is made (strings among them included).
                if $(!self.$idx.runs_lua())&&+ {
                    let raw: [Raw; $n] = [$(self.$idx.into_vm_value(cx)?),+];
                    return body(cx, &raw);
                }
                // Otherwise all are converted (and rooted) before any is
                // read raw: a later conversion may collect.
                let values: [Value; $n] = [$(self.$idx.into_lua(cx)?),+];
                let mut raw = [Raw::Nil; $n];
                for (r, v) in raw.iter_mut().zip(&values) {
                    *r = v.to_raw(cx.vm)?;
                }
                body(cx, &raw)
            }
            fn push_results(self, cx: &mut Ctx<'_>) -> Result<usize> {
                // As in `with_raw_args`: all converted before any is
                // pushed (from the host, where no frame runs, a Lua call
                // resets the stack).
                if $(!self.$idx.runs_lua())&&+ {
                    let raw: [Raw; $n] = [$(self.$idx.into_vm_value(cx)?),+];
                    for r in raw {
                        cx.vm.push(r);
                    }
                    return Ok($n);
                }
                let values: [Value; $n] = [$(self.$idx.into_lua(cx)?),+];
                push_values(cx, &values)
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
            fn from_call(cx: &mut Ctx<'_>, f: Raw, args: &[Raw]) -> Result<Self> {
                let raw = host::call_raw_n::<$n>(cx.vm, f, args)?;
                Self::from_vm_values(cx, &raw)
            }
            fn from_vm_values(cx: &mut Ctx<'_>, vals: &[Raw]) -> Result<Self> {
                let at = |i: usize| vals.get(i).copied().unwrap_or(Raw::Nil);
                // When no conversion runs Lua code, none can collect the
                // others: each converts where it is (a `String` is then
                // its one allocation, with no handle made first).
                if $(!$name::RUNS_LUA)&&+ {
                    return Ok(($($name::from_vm_value(at($idx), cx)?,)+));
                }
                // Otherwise all are rooted before any is converted.
                let values: [Value; $n] = std::array::from_fn(|i| {
                    Value::from_raw(cx.vm, vals.get(i).copied().unwrap_or(Raw::Nil))
                });
                let mut it = values.into_iter();
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
            fn from_stack_args(cx: &mut Ctx<'_>, skip: usize, n: usize) -> Result<Self> {
                Ok(($(
                    $name::from_vm_value(stack_arg(cx, skip + $idx + 1, n), cx)
                        .map_err(|e| no_value(e, skip + $idx >= n).bad_argument(skip + $idx + 1))?,
                )+))
            }
        }
    };
}

tuple_conv!(1; A 0);
tuple_conv!(2; A 0, B 1);
tuple_conv!(3; A 0, B 1, C 2);
tuple_conv!(4; A 0, B 1, C 2, D 3);
tuple_conv!(5; A 0, B 1, C 2, D 3, E 4);
tuple_conv!(6; A 0, B 1, C 2, D 3, E 4, F 5);
tuple_conv!(7; A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_conv!(8; A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

#[cfg(test)]
mod tests {
    //! The typed call's own paths (`with_raw_args`, `from_call`): results
    //! adjusted to the count the type takes, rooting, errors.
    use crate::{Function, MultiValue, State, Value, Variadic};

    fn function(state: &mut State, src: &str) -> Function {
        state.exec("t.lua", src).expect("compiles and runs")
    }

    #[test]
    fn results_are_adjusted_to_what_the_type_takes() {
        let mut state = State::new();
        let f = function(&mut state, "return function(...) return ... end");
        let (a, b, c): (i64, Option<i64>, Option<String>) = f.call(&mut state, 1).unwrap();
        assert_eq!((a, b, c), (1, None, None));
        let a: i64 = f.call(&mut state, (5, 6, 7)).unwrap();
        assert_eq!(a, 5);
        let all: MultiValue = f.call(&mut state, (1, 2, 3)).unwrap();
        assert_eq!(all.len(), 3);
        let all: Variadic<i64> = f.call(&mut state, Variadic(vec![1; 12])).unwrap();
        assert_eq!(all.0.len(), 12, "more arguments than the small buffer");
        let many = MultiValue((0..10).map(Value::Integer).collect());
        let n: i64 = function(
            &mut state,
            "return function(...) return select('#', ...) end",
        )
        .call(&mut state, many)
        .unwrap();
        assert_eq!(n, 10);
        let none: Option<i64> = f.call(&mut state, ()).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn results_and_arguments_stay_alive_across_a_collection() {
        let mut state = State::new();
        // The function collects garbage before returning fresh strings and
        // a table; the arguments are fresh too.
        let f = function(
            &mut state,
            "return function(a, b) collectgarbage() return a .. 'x', {b}, b .. 'y' end",
        );
        for i in 0..50 {
            let a = format!("a{i}");
            let (s, t, u): (String, crate::Table, LuaStringOrNum) =
                f.call(&mut state, (a.as_str(), i.to_string())).unwrap();
            assert_eq!(s, format!("a{i}x"));
            let inner: String = t.get(&mut state, 1).unwrap();
            assert_eq!(inner, i.to_string());
            assert_eq!(u.0, format!("{i}y"));
            // The same with conversions that run no Lua code: converted
            // where they are, without rooting the others first.
            let (s, t, u): (String, crate::Table, String) =
                f.call(&mut state, (a.as_str(), i.to_string())).unwrap();
            assert_eq!((s, u), (format!("a{i}x"), format!("{i}y")));
            assert_eq!(t.get::<_, String>(&mut state, 1).unwrap(), i.to_string());
        }
    }

    /// A result read as a string that forces a collection while it is
    /// converted, so that the other results must already be rooted.
    struct LuaStringOrNum(String);

    impl crate::FromLua for LuaStringOrNum {
        fn from_lua(value: Value, cx: &mut crate::Ctx<'_>) -> crate::Result<Self> {
            let gc: crate::Function = cx.get_global("collectgarbage")?;
            cx.call::<_, ()>(&gc, ())?;
            String::from_lua(value, cx).map(LuaStringOrNum)
        }
    }

    #[test]
    fn errors_keep_their_message_value_and_traceback() {
        let mut state = State::new();
        let f = function(&mut state, "return function(x) error({code = x}) end");
        let e = f.call::<_, i64>(&mut state, 7).unwrap_err();
        let Some(Value::Table(t)) = e.value() else {
            panic!("the error value is the table: {e:?}")
        };
        assert_eq!(t.get::<_, i64>(&mut state, "code").unwrap(), 7);
        let g = function(&mut state, "return function(x) return x + {} end");
        let e = g.call::<_, (i64, i64)>(&mut state, 1).unwrap_err();
        assert_eq!(
            e.message(),
            "t.lua:1: attempt to perform arithmetic on a table value"
        );
        assert!(!e.traceback().is_empty(), "{e:?}");
        // A value of another state is a usage error, as before.
        let mut other = State::new();
        let e = f.call::<_, ()>(&mut other, 1).unwrap_err();
        assert_eq!(e.kind(), &crate::ErrorKind::Usage);
        // A failed result conversion is a conversion error.
        let e = f.call::<_, i64>(&mut state, ()).unwrap_err();
        assert!(e.value().is_some(), "the Lua error comes first: {e:?}");
        let h = function(&mut state, "return function() return {} end");
        let e = h.call::<_, i64>(&mut state, ()).unwrap_err();
        assert_eq!(e.kind(), &crate::ErrorKind::Conversion);
    }

    #[test]
    fn calls_from_a_rust_function_use_the_same_paths() {
        let mut state = State::new();
        state
            .register("both", |cx, f: Function| {
                let (a, b): (i64, i64) = cx.call(&f, (1, 2))?;
                let c: i64 = cx.call(&f, (a, b))?;
                Ok(c)
            })
            .unwrap();
        let n: i64 = state
            .exec(
                "t.lua",
                "return both(function(a, b) return a + b, a * b end)",
            )
            .unwrap();
        assert_eq!(n, 5);
        let e = state
            .exec::<()>("t.lua", "both(function() error('inner') end)")
            .unwrap_err();
        assert_eq!(e.message(), "t.lua:1: inner");
    }
}
