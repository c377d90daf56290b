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
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The integer, for an integer or a float with an exact integer value.
    pub fn as_integer(&self) -> Option<i64> {
        match *self {
            Value::Integer(i) => Some(i),
            Value::Number(f) => lunar_vm::number::float_to_int_exact(f),
            _ => None,
        }
    }

    /// The number as a float, for either number subtype.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Integer(i) => Some(i as f64),
            Value::Number(f) => Some(f),
            _ => None,
        }
    }

    /// The string's bytes, for a string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::String(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The string as UTF-8 text, for a string that is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Lua's truth: everything but `nil` and `false` is true.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Boolean(false))
    }

    /// Makes the host value of a VM value (rooting heap objects).
    pub(crate) fn from_raw(vm: &mut lunar_vm::State, v: Raw) -> Value {
        match v {
            Raw::Nil => Value::Nil,
            Raw::Bool(b) => Value::Boolean(b),
            Raw::Int(i) => Value::Integer(i),
            Raw::Float(f) => Value::Number(f),
            Raw::Str(s) => Value::String(LuaString {
                bytes: s.as_bytes().into(),
                root: vm.root(v),
            }),
            Raw::Table(_) => Value::Table(Table(vm.root(v))),
            Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => {
                Value::Function(Function(vm.root(v)))
            }
            Raw::UserData(_) => Value::UserData(AnyUserData(vm.root(v))),
            Raw::LightUserData(p) => Value::LightUserData(p),
            Raw::Thread(_) => Value::Thread(Thread(vm.root(v))),
        }
    }

    /// The VM value of a host value; fails for a handle of another state.
    pub(crate) fn to_raw(&self, vm: &lunar_vm::State) -> Result<Raw> {
        Ok(match self {
            Value::Nil => Raw::Nil,
            Value::Boolean(b) => Raw::Bool(*b),
            Value::Integer(i) => Raw::Int(*i),
            Value::Number(f) => Raw::Float(*f),
            Value::String(s) => raw_of(vm, &s.root)?,
            Value::Table(t) => raw_of(vm, &t.0)?,
            Value::Function(f) => raw_of(vm, &f.0)?,
            Value::Thread(t) => raw_of(vm, &t.0)?,
            Value::UserData(u) => raw_of(vm, &u.0)?,
            Value::LightUserData(p) => Raw::LightUserData(*p),
        })
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
#[derive(Clone)]
pub struct LuaString {
    bytes: Box<[u8]>,
    root: Root,
}

impl LuaString {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The text, when the bytes are valid UTF-8.
    pub fn to_str(&self) -> Result<&str> {
        std::str::from_utf8(&self.bytes)
            .map_err(|e| Error::conversion("string", "&str", Some(&e.to_string())))
    }

    /// The text, with invalid UTF-8 replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
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
    Table
);
handle!(
    /// A handle to a Lua function (a Lua closure or a Rust function).
    Function
);
handle!(
    /// A handle to a coroutine.
    Thread
);
handle!(
    /// A handle to a full userdata of any type.
    AnyUserData
);
