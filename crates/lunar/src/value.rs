//! Lua values as the host holds them: [`Value`] and the handles to heap
//! objects ([`LuaString`], [`Table`], [`Function`], [`Thread`],
//! [`AnyUserData`]).
//!
//! A handle keeps its object alive (it is a root of its state's heap) for
//! as long as the handle or a clone of it exists, so a host may keep
//! values between calls. Handles are `Send + Sync` but belong to the state
//! that made them: using one with another state is an
//! [`ErrorKind::Usage`](crate::ErrorKind::Usage) error, never undefined
//! behaviour.

use crate::error::{Error, ErrorKind, Result};
use lunar_vm::{Root, Value as Raw};

/// A Lua value held by the host.
///
/// ```
/// use lunar::Value;
/// let mut state = lunar::State::new();
/// let v: lunar::MultiValue = state.exec("t.lua", "return nil, false, 1, 2.5, 'x', {}, print").unwrap();
/// assert!(matches!(v[2], Value::Integer(1)) && matches!(v[3], Value::Number(2.5)));
/// let types: Vec<&str> = v.iter().map(Value::type_name).collect();
/// assert_eq!(types, ["nil", "boolean", "number", "number", "string", "table", "function"]);
/// // Equality is `rawequal`: numbers by value across subtypes.
/// assert_eq!(Value::Integer(1), Value::Number(1.0));
/// ```
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A float.
    Number(f64),
    /// A string (bytes).
    String(LuaString),
    /// A table.
    Table(Table),
    /// A function (Lua or Rust).
    Function(Function),
    /// A coroutine.
    Thread(Thread),
    /// A full userdata.
    UserData(AnyUserData),
    /// A light userdata (an address-sized number).
    LightUserData(usize),
}

impl Value {
    /// The Lua type name (`"nil"`, `"number"`, `"table"`...).
    ///
    /// ```
    /// use lunar::Value;
    /// assert_eq!(Value::Integer(1).type_name(), "number");
    /// assert_eq!(Value::LightUserData(0).type_name(), "userdata");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::Integer(_) | Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::Thread(_) => "thread",
            Value::UserData(_) | Value::LightUserData(_) => "userdata",
        }
    }

    /// Whether the value is `nil`.
    ///
    /// ```
    /// use lunar::Value;
    /// assert!(Value::Nil.is_nil());
    /// assert!(!Value::Boolean(false).is_nil());
    /// ```
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The integer, for an integer or a float with an exact integer value.
    ///
    /// ```
    /// use lunar::Value;
    /// assert_eq!(Value::Number(3.0).as_integer(), Some(3));
    /// assert_eq!(Value::Number(3.5).as_integer(), None);
    /// assert_eq!(Value::Boolean(true).as_integer(), None);
    /// ```
    pub fn as_integer(&self) -> Option<i64> {
        match *self {
            Value::Integer(i) => Some(i),
            Value::Number(f) => lunar_vm::number::float_to_int_exact(f),
            _ => None,
        }
    }

    /// The number as a float, for either number subtype.
    ///
    /// ```
    /// use lunar::Value;
    /// assert_eq!(Value::Integer(2).as_number(), Some(2.0));
    /// assert_eq!(Value::Nil.as_number(), None);
    /// ```
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Integer(i) => Some(i as f64),
            Value::Number(f) => Some(f),
            _ => None,
        }
    }

    /// The string's bytes, for a string.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let v: lunar::Value = state.exec("t.lua", "return 'a\\0b'").unwrap();
    /// assert_eq!(v.as_bytes(), Some(&b"a\0b"[..]));
    /// assert_eq!(lunar::Value::Integer(1).as_bytes(), None);
    /// ```
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The string as UTF-8 text, for a string that is valid UTF-8.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let (a, b): (lunar::Value, lunar::Value) = state.exec("t.lua", "return 'moon', '\\xff'").unwrap();
    /// assert_eq!(a.as_str(), Some("moon"));
    /// assert_eq!(b.as_str(), None); // not UTF-8
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Lua's truth: everything but `nil` and `false` is true.
    ///
    /// ```
    /// use lunar::Value;
    /// assert!(Value::Integer(0).truthy());
    /// assert!(!Value::Boolean(false).truthy() && !Value::Nil.truthy());
    /// ```
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Boolean(false))
    }

    /// Makes the host value of a VM value (rooting heap objects). Inline
    /// for the values that need no root (a typed Rust function's number
    /// arguments), the rooting out of line.
    #[inline]
    pub(crate) fn from_raw(vm: &mut lunar_vm::State, v: Raw) -> Value {
        match v {
            Raw::Nil => Value::Nil,
            Raw::Bool(b) => Value::Boolean(b),
            Raw::Int(i) => Value::Integer(i),
            Raw::Float(f) => Value::Number(f),
            Raw::LightUserData(p) => Value::LightUserData(p),
            _ => Value::from_raw_object(vm, v),
        }
    }

    /// [`Value::from_raw`] for the heap objects: rooted.
    #[inline(never)]
    fn from_raw_object(vm: &mut lunar_vm::State, v: Raw) -> Value {
        match v {
            Raw::Str(s) => Value::String(LuaString {
                bytes: s.as_bytes().into(),
                root: vm.root(v),
            }),
            Raw::Table(_) => Value::Table(Table(vm.root(v))),
            Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => {
                Value::Function(Function(vm.root(v)))
            }
            Raw::UserData(_) => Value::UserData(AnyUserData(vm.root(v))),
            Raw::Thread(_) => Value::Thread(Thread(vm.root(v))),
            Raw::Nil => Value::Nil,
            Raw::Bool(b) => Value::Boolean(b),
            Raw::Int(i) => Value::Integer(i),
            Raw::Float(f) => Value::Number(f),
            Raw::LightUserData(p) => Value::LightUserData(p),
        }
    }

    /// The VM value of a host value; fails for a handle of another state.
    /// Inline for the values without a handle, the check out of line.
    #[inline]
    pub(crate) fn to_raw(&self, vm: &lunar_vm::State) -> Result<Raw> {
        Ok(match self {
            Value::Nil => Raw::Nil,
            Value::Boolean(b) => Raw::Bool(*b),
            Value::Integer(i) => Raw::Int(*i),
            Value::Number(f) => Raw::Float(*f),
            Value::LightUserData(p) => Raw::LightUserData(*p),
            _ => return self.to_raw_handle(vm),
        })
    }

    /// [`Value::to_raw`] for the values with a handle.
    #[inline(never)]
    fn to_raw_handle(&self, vm: &lunar_vm::State) -> Result<Raw> {
        match self {
            Value::String(s) => raw_of(vm, &s.root),
            Value::Table(t) => raw_of(vm, &t.0),
            Value::Function(f) => raw_of(vm, &f.0),
            Value::Thread(t) => raw_of(vm, &t.0),
            Value::UserData(u) => raw_of(vm, &u.0),
            Value::Nil => Ok(Raw::Nil),
            Value::Boolean(b) => Ok(Raw::Bool(*b)),
            Value::Integer(i) => Ok(Raw::Int(*i)),
            Value::Number(f) => Ok(Raw::Float(*f)),
            Value::LightUserData(p) => Ok(Raw::LightUserData(*p)),
        }
    }
}

/// The value of a root, checked to belong to `vm`.
pub(crate) fn raw_of(vm: &lunar_vm::State, r: &Root) -> Result<Raw> {
    vm.rooted(r).ok_or_else(|| {
        Error::new(
            ErrorKind::Usage,
            "a Lua value was used with a state other than the one that made it",
        )
    })
}

impl PartialEq for Value {
    /// Primitive equality (`rawequal`): numbers by value across subtypes,
    /// strings by content, other objects by identity.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Integer(a), Value::Integer(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Integer(a), Value::Number(b)) | (Value::Number(b), Value::Integer(a)) => {
                lunar_vm::number::float_to_int_exact(*b) == Some(*a)
            }
            (Value::String(a), Value::String(b)) => a.as_bytes() == b.as_bytes(),
            (Value::Table(a), Value::Table(b)) => a.0.same(&b.0),
            (Value::Function(a), Value::Function(b)) => a.0.same(&b.0),
            (Value::Thread(a), Value::Thread(b)) => a.0.same(&b.0),
            (Value::UserData(a), Value::UserData(b)) => a.0.same(&b.0),
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            _ => false,
        }
    }
}

/// A Lua string held by the host: its bytes (copied out once, so reading
/// them needs no state) and a root that keeps the Lua string itself, so
/// giving it back to Lua makes no new string.
///
/// ```
/// let mut state = lunar::State::new();
/// let s: lunar::LuaString = state.exec("t.lua", "return ('ab'):rep(2)").unwrap();
/// assert_eq!(s, "abab");
/// // It goes back to Lua as the Lua string it came from.
/// state.set_global("s", s).unwrap();
/// assert_eq!(state.exec::<i64>("t.lua", "return #s").unwrap(), 4);
/// ```
#[derive(Clone)]
pub struct LuaString {
    bytes: Box<[u8]>,
    root: Root,
}

impl LuaString {
    /// The bytes.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let s = state.create_string(b"\x00\xff");
    /// assert_eq!(s.as_bytes(), b"\x00\xff");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text, when the bytes are valid UTF-8.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// assert_eq!(state.create_string("héllo").to_str().unwrap(), "héllo");
    /// let err = state.create_string(b"\xff").to_str().unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Conversion);
    /// ```
    pub fn to_str(&self) -> Result<&str> {
        std::str::from_utf8(&self.bytes)
            .map_err(|e| Error::conversion("string", "&str", Some(&e.to_string())))
    }

    /// The text, with invalid UTF-8 replaced by U+FFFD.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// assert_eq!(state.create_string(b"a\xffb").to_string_lossy(), "a\u{FFFD}b");
    /// ```
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The VM's value of the string; fails for a string of another state.
    pub(crate) fn to_raw(&self, vm: &lunar_vm::State) -> Result<Raw> {
        raw_of(vm, &self.root)
    }
}

impl std::fmt::Debug for LuaString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.bytes))
    }
}

impl PartialEq<[u8]> for LuaString {
    fn eq(&self, other: &[u8]) -> bool {
        &*self.bytes == other
    }
}

impl PartialEq<str> for LuaString {
    fn eq(&self, other: &str) -> bool {
        &*self.bytes == other.as_bytes()
    }
}

impl PartialEq<&str> for LuaString {
    fn eq(&self, other: &&str) -> bool {
        &*self.bytes == other.as_bytes()
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(pub(crate) Root);

        impl $name {
            /// Whether two handles name the same object.
            ///
            /// ```
            /// let mut state = lunar::State::new();
            /// let (a, b, c): (lunar::Table, lunar::Table, lunar::Table) =
            ///     state.exec("t.lua", "local t = {} return t, t, {}").unwrap();
            /// assert!(a.same(&b) && !a.same(&c));
            /// let (f, g): (lunar::Function, lunar::Function) = state.exec("t.lua", "return print, print").unwrap();
            /// assert!(f.same(&g));
            /// ```
            pub fn same(&self, other: &$name) -> bool {
                self.0.same(&other.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &$name) -> bool {
                self.same(other)
            }
        }
    };
}

handle!(
    /// A handle to a Lua table. Its methods take the state (or the
    /// context of a Rust function) that made it.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "config = {port = 80} return config").unwrap();
    /// t.set(&mut state, "port", 8080).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return config.port").unwrap(), 8080);
    /// ```
    Table
);
handle!(
    /// A handle to a Lua function (a Lua closure or a Rust function).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let f: lunar::Function = state.exec("t.lua", "return function(s) return s:upper() end").unwrap();
    /// assert_eq!(f.call::<_, String>(&mut state, "moon").unwrap(), "MOON");
    /// ```
    Function
);
handle!(
    /// A handle to a coroutine.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let co: lunar::Thread = state.exec("t.lua", "return coroutine.create(function() end)").unwrap();
    /// state.set_global("co", co).unwrap();
    /// assert_eq!(state.exec::<String>("t.lua", "return coroutine.status(co)").unwrap(), "suspended");
    /// ```
    Thread
);
handle!(
    /// A handle to a full userdata of any type.
    ///
    /// ```
    /// struct Conn(u16);
    /// impl lunar::UserData for Conn {}
    /// let mut state = lunar::State::new();
    /// state.set_global("conn", Conn(5432)).unwrap();
    /// let u: lunar::AnyUserData = state.get_global("conn").unwrap();
    /// assert_eq!(u.borrow(&mut state, |c: &Conn| c.0).unwrap(), 5432);
    /// ```
    AnyUserData
);
