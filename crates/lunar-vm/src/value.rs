//! `Value`, the 16-byte Lua value (§2.1): nil, booleans, integers and
//! floats inline; strings, tables, functions, userdata and threads as
//! pointers into the state's heap.

use crate::function::{LuaClosure, NativeClosure, NativeFn};
use crate::gc::Gc;
use crate::string::LuaStr;
use crate::table::Table;
use crate::userdata::UserData;

/// A Lua value. `Copy`, 16 bytes, no `Drop`: heap objects are owned by the
/// state's heap and freed by its collector, never by a `Value`.
///
/// `repr(C, u64)`: the tag is word 0 and every payload starts at byte 8, so
/// a copy moves two words (the tag word and the payload word). (With the
/// default layout the tag was a byte and `Bool`'s payload sat at byte 1,
/// and copies moved bytes 1..16 in overlapping pieces through the stack.)
#[derive(Clone, Copy, Default)]
#[repr(C, u64)]
pub enum Value {
    /// `nil`.
    #[default]
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// An integer (the number subtype of §2.1).
    Int(i64),
    /// A float (the number subtype of §2.1).
    Float(f64),
    /// A string (immutable bytes).
    Str(LuaStr),
    /// A table.
    Table(Gc<Table>),
    /// A Lua function (a closure over a prototype).
    LuaFn(Gc<LuaClosure>),
    /// A native function with upvalues (or a name) on the heap.
    NativeFn(Gc<NativeClosure>),
    /// A native function with no upvalues: a plain function pointer, like
    /// the reference's light C functions. Costs no allocation.
    LightFn(NativeFn),
    /// A full userdata.
    UserData(Gc<UserData>),
    /// A light userdata: an opaque address-sized number.
    LightUserData(usize),
    /// A coroutine.
    Thread(Gc<crate::state::Thread>),
}

/// The basic types of §2.1, numbered as the reference numbers them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[repr(i8)]
pub enum Type {
    /// No value (an absent argument).
    None = -1,
    /// nil
    Nil = 0,
    /// boolean
    Boolean = 1,
    /// light userdata (named "userdata")
    LightUserData = 2,
    /// number
    Number = 3,
    /// string
    String = 4,
    /// table
    Table = 5,
    /// function
    Function = 6,
    /// userdata
    UserData = 7,
    /// thread
    Thread = 8,
}

impl Type {
    /// The name `type()` returns ("no value" for [`Type::None`]).
    pub fn name(self) -> &'static str {
        match self {
            Type::None => "no value",
            Type::Nil => "nil",
            Type::Boolean => "boolean",
            Type::LightUserData | Type::UserData => "userdata",
            Type::Number => "number",
            Type::String => "string",
            Type::Table => "table",
            Type::Function => "function",
            Type::Thread => "thread",
        }
    }
}

impl Value {
    /// The value's basic type.
    #[inline]
    pub fn type_of(&self) -> Type {
        match self {
            Value::Nil => Type::Nil,
            Value::Bool(_) => Type::Boolean,
            Value::Int(_) | Value::Float(_) => Type::Number,
            Value::Str(_) => Type::String,
            Value::Table(_) => Type::Table,
            Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_) => Type::Function,
            Value::UserData(_) => Type::UserData,
            Value::LightUserData(_) => Type::LightUserData,
            Value::Thread(_) => Type::Thread,
        }
    }

    /// The name of the value's type, as `type()` returns it.
    #[inline]
    pub fn type_name(&self) -> &'static str {
        self.type_of().name()
    }

    /// Lua truthiness: everything but `nil` and `false` is true.
    #[inline]
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    /// Whether the value is `nil`.
    #[inline]
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Whether the value is a number (integer or float).
    #[inline]
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Float(_))
    }

    /// Whether the value is a function (Lua, native or light).
    #[inline]
    pub fn is_function(&self) -> bool {
        matches!(
            self,
            Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)
        )
    }

    /// Whether the value refers to a heap object (and so may be collected).
    #[inline]
    pub fn is_collectable(&self) -> bool {
        crate::gc::header_of(*self).is_some()
    }

    /// The string, if the value is one.
    #[inline]
    pub fn as_str(&self) -> Option<LuaStr> {
        match self {
            Value::Str(s) => Some(*s),
            _ => None,
        }
    }

    /// The table, if the value is one.
    #[inline]
    pub fn as_table(&self) -> Option<Gc<Table>> {
        match self {
            Value::Table(t) => Some(*t),
            _ => None,
        }
    }

    /// The integer, if the value is an integer (no conversion).
    #[inline]
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, if the value is a number (no strings).
    #[inline]
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Raw equality (`rawequal`, §3.4.4 without metamethods): numbers by
    /// mathematical value across subtypes, strings by contents, everything
    /// else by identity.
    pub fn raw_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
                crate::number::int_eq_float(*i, *f)
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Table(a), Value::Table(b)) => a.ptr_eq(*b),
            (Value::LuaFn(a), Value::LuaFn(b)) => a.ptr_eq(*b),
            (Value::NativeFn(a), Value::NativeFn(b)) => a.ptr_eq(*b),
            (Value::LightFn(a), Value::LightFn(b)) => std::ptr::fn_addr_eq(*a, *b),
            (Value::UserData(a), Value::UserData(b)) => a.ptr_eq(*b),
            (Value::LightUserData(a), Value::LightUserData(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a.ptr_eq(*b),
            _ => false,
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{:?}", String::from_utf8_lossy(s.as_bytes())),
            other => write!(f, "{}", other.type_name()),
        }
    }
}

/// Reads a value word by word. Values are written word by word (a tag
/// store and a payload store, or the payload alone in FORLOOP); a copy
/// that LLVM makes with one 16-byte load right after such writes cannot
/// take its data from the store buffer and stalls the pipeline for a dozen
/// cycles (measured: `t[i]` in a numeric loop ran 3x slower than in C
/// Lua). Two 8-byte loads forward from the two stores.
///
/// # Safety
/// `p` points at an initialised `Value`.
#[inline(always)]
pub(crate) unsafe fn read_value(p: *const Value) -> Value {
    let w = p as *const u64;
    // SAFETY: `p` points at an initialised 16-byte `Value` (caller), so
    // both words are readable; volatile keeps LLVM from merging the two
    // loads into one 16-byte load.
    let (tag, payload) = unsafe {
        (
            std::ptr::read_volatile(w),
            std::ptr::read_volatile(w.add(1)),
        )
    };
    // SAFETY: the two words are the bytes of a valid `Value` (`repr(C,
    // u64)`: tag word, payload word), read unchanged.
    unsafe { std::mem::transmute::<[u64; 2], Value>([tag, payload]) }
}

/// Copies `src` into `dst` (same lengths). The few values of a call or a
/// resume move faster one by one than through a call to memmove, which
/// `copy_from_slice` makes; so does a plain loop, which LLVM turns into
/// memmove, hence the cases by length.
#[inline]
pub(crate) fn copy_values(dst: &mut [Value], src: &[Value]) {
    debug_assert_eq!(dst.len(), src.len());
    match (dst, src) {
        ([], []) => {}
        ([d0], [s0]) => *d0 = *s0,
        ([d0, d1], [s0, s1]) => {
            *d0 = *s0;
            *d1 = *s1;
        }
        ([d0, d1, d2], [s0, s1, s2]) => {
            *d0 = *s0;
            *d1 = *s1;
            *d2 = *s2;
        }
        (d, s) => d.copy_from_slice(s),
    }
}

/// Appends `src` to `dst` one value at a time (see [`copy_values`]).
#[inline]
pub(crate) fn extend_values(dst: &mut Vec<Value>, src: &[Value]) {
    dst.reserve(src.len());
    for &v in src {
        dst.push(v);
    }
}

/// The tag word of `Value::Nil` (`repr(C, u64)`: variants are numbered
/// in declaration order).
pub(crate) const TAG_NIL: u64 = 0;
/// The tag word of a `Value::Bool`; its payload is one byte.
pub(crate) const TAG_BOOL: u64 = 1;
/// The tag word of a `Value::Int`.
pub(crate) const TAG_INT: u64 = 2;
/// The tag word of a `Value::Float`.
pub(crate) const TAG_FLOAT: u64 = 3;

const _: () = {
    // SAFETY: both values are fully initialised 16-byte `repr(C, u64)`
    // enums (tag word, 8-byte payload word).
    let (i, f) = unsafe {
        (
            std::mem::transmute::<Value, [u64; 2]>(Value::Int(7)),
            std::mem::transmute::<Value, [u64; 2]>(Value::Float(0.5)),
        )
    };
    assert!(i[0] == TAG_INT && i[1] == 7);
    // SAFETY: a `Value::Bool` is initialised in its tag word and its
    // first payload byte, the bytes read here.
    let b = unsafe { std::mem::transmute::<Value, [u8; 16]>(Value::Bool(true)) };
    assert!(b[0] as u64 == TAG_BOOL && b[8] == 1);
    assert!(f[0] == TAG_FLOAT && f[1] == 0.5f64.to_bits());
};

/// Reads the tag word of a value alone. With [`read_int`] and
/// [`read_float`] the arithmetic fast paths load a number's payload only
/// after testing its tag, and straight into the register class it is
/// used in: a float loaded as part of a whole `Value` lands in a general
/// register and takes a further transfer (3 cycles on the critical path of
/// every float operation) to reach an SSE register.
///
/// # Safety
/// `p` points at an initialised `Value`.
#[inline(always)]
pub(crate) unsafe fn read_tag(p: *const Value) -> u64 {
    // SAFETY: the first word of an initialised value is its tag (caller);
    // volatile keeps LLVM from merging it with the payload load (see
    // `read_value`).
    unsafe { std::ptr::read_volatile(p as *const u64) }
}

/// Whether the value at `p` is true (neither nil nor false), read as its
/// tag word and, for a boolean, its payload byte: no 16-byte load, which
/// the processor cannot forward from a value just written as two words
/// (a `RETURN`'s), and stalls on.
///
/// # Safety
/// `p` points at an initialised `Value`.
#[inline(always)]
pub(crate) unsafe fn read_truthy(p: *const Value) -> bool {
    // SAFETY: an initialised value (caller); a boolean's payload byte is
    // its ninth (checked above).
    unsafe {
        match read_tag(p) {
            TAG_NIL => false,
            TAG_BOOL => std::ptr::read_volatile((p as *const u8).add(8)) != 0,
            _ => true,
        }
    }
}

/// Reads the payload of a value whose tag is [`TAG_INT`].
///
/// # Safety
/// `p` points at an initialised `Value::Int`.
#[inline(always)]
pub(crate) unsafe fn read_int(p: *const Value) -> i64 {
    // SAFETY: an integer's payload is its second word (checked above).
    unsafe { std::ptr::read_volatile((p as *const i64).add(1)) }
}

/// Reads the payload of a value whose tag is [`TAG_FLOAT`].
///
/// # Safety
/// `p` points at an initialised `Value::Float`.
#[inline(always)]
pub(crate) unsafe fn read_float(p: *const Value) -> f64 {
    // SAFETY: a float's payload is its second word (checked above).
    unsafe { std::ptr::read_volatile((p as *const f64).add(1)) }
}

/// Reads the payload word of a value whatever its type, as `read_value`
/// reads it: a pointer's address, a number's bits, or for nil and
/// booleans whatever the slot last held there. A numeric `for` loop reads
/// its counters this way without testing their tags: they are numbers
/// unless `debug.setlocal` changed them, and then the loop runs on their
/// bits as the reference's does, writing whole values back (so that no
/// value of another type is made from those bits).
///
/// # Safety
/// `p` points at an initialised `Value`.
#[inline(always)]
pub(crate) unsafe fn read_payload(p: *const Value) -> u64 {
    // SAFETY: an initialised 16-byte value (caller): its second word is
    // readable; volatile, as in `read_value`.
    unsafe { std::ptr::read_volatile((p as *const u64).add(1)) }
}

/// Reads a number as a float (`Int` converted), or `None` for any other
/// type; `tag` is the value's tag word.
///
/// # Safety
/// `p` points at an initialised `Value` whose tag word is `tag`.
#[inline(always)]
pub(crate) unsafe fn read_as_float(p: *const Value, tag: u64) -> Option<f64> {
    if tag == TAG_FLOAT {
        // SAFETY: the tag says Float (caller).
        Some(unsafe { read_float(p) })
    } else if tag == TAG_INT {
        // SAFETY: the tag says Int (caller).
        Some(unsafe { read_int(p) } as f64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
    }

    #[test]
    fn accessors_and_raw_equality() {
        let mut heap = crate::gc::Heap::new();
        let s = Value::Str(heap.new_str(b"x"));
        let t = Value::Table(heap.alloc(Table::new(0, 0)));
        assert!(s.as_str().is_some() && s.as_table().is_none() && s.is_collectable());
        assert!(t.as_table().is_some() && !Value::Int(1).is_collectable());
        assert_eq!(Value::Int(3).as_float(), Some(3.0));
        assert_eq!(Value::Float(3.5).as_int(), None);
        assert!(Value::Int(1).raw_eq(&Value::Float(1.0)));
        assert!(!Value::Int(1).raw_eq(&Value::Float(1.5)));
        assert!(!Value::Int(i64::MAX).raw_eq(&Value::Float(9.223372036854776e18)));
        assert!(!Value::Float(f64::NAN).raw_eq(&Value::Float(f64::NAN)));
        assert!(s.raw_eq(&Value::Str(heap.new_str(b"x"))));
        assert!(!t.raw_eq(&Value::Table(heap.alloc(Table::new(0, 0)))));
        assert!(!Value::Nil.truthy() && !Value::Bool(false).truthy() && Value::Int(0).truthy());
    }
}
