//! Function prototypes: the compiled form of a Lua function that the
//! compiler emits, binary chunks carry and the VM runs — code, constants,
//! upvalue descriptions, nested prototypes and debug information.

use std::sync::Arc;

use crate::instruction::Instruction;

/// A compiled function prototype: immutable once the compiler has returned
/// it, and shared (through `Arc`) by every closure made from it, on any
/// thread.
///
/// Code that the VM runs has passed [`verify`](crate::verify::verify); the
/// invariants it establishes are listed there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proto {
    /// The chunk name the function came from (`@file.lua`, `=stdin`, or the
    /// source text itself for strings), as given to the parser; the
    /// functions of a chunk share it.
    pub source: Arc<[u8]>,
    /// The line where the function's definition starts (0 for a main chunk).
    pub line_defined: u32,
    /// The line where the function's definition ends.
    pub last_line_defined: u32,
    /// The number of fixed parameters.
    pub num_params: u8,
    /// True for a variadic function (`...` among its parameters, and every
    /// main chunk).
    pub is_vararg: bool,
    /// The number of registers the function needs (at least 2).
    pub max_stack_size: u8,
    /// The instructions.
    pub code: Vec<Instruction>,
    /// The source line of each instruction (absolute; 0 when unknown). Same
    /// length as `code`, or empty when the debug information was stripped.
    pub line_info: Vec<u32>,
    /// The constants that instructions refer to as K\[x\].
    pub constants: Vec<Constant>,
    /// Where a closure of this function finds each of its upvalues.
    pub upvalues: Vec<UpvalueDesc>,
    /// The functions defined inside this one (CLOSURE's Bx indexes them).
    pub protos: Vec<Arc<Proto>>,
    /// The active ranges of local variables, in the order of their
    /// declaration: debug information for error messages ("local 'x'"),
    /// `debug.getlocal` and the disassembler.
    pub loc_vars: Vec<LocVar>,
}

// A `Program` shares its prototypes across threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Proto>();
    assert_send_sync::<Arc<Proto>>();
};

impl Proto {
    /// The name of the `n`-th (1-based) local variable active at
    /// instruction `pc`, or `None` (the reference's `luaF_getlocalname`).
    pub fn get_local_name(&self, n: u32, pc: u32) -> Option<&[u8]> {
        let mut n = n;
        for v in self.loc_vars.iter().take_while(|v| v.start_pc <= pc) {
            if pc < v.end_pc {
                n = n.wrapping_sub(1);
                if n == 0 {
                    return Some(&v.name);
                }
            }
        }
        None
    }

    /// The source line of instruction `pc`, or `None` when it is unknown
    /// (stripped debug information, or line 0).
    #[inline]
    pub fn line_at(&self, pc: usize) -> Option<u32> {
        self.line_info.get(pc).copied().filter(|&l| l > 0)
    }
}

/// A constant: nil, a boolean, an integer, a float or a byte string.
///
/// Equality (and hashing) compares floats bit by bit, so that constants can
/// be deduplicated: `0.0` and `-0.0` are different constants, a NaN equals
/// itself, and `Int(1)` differs from `Float(1.0)`.
#[derive(Clone, Debug)]
pub enum Constant {
    /// `nil`
    Nil,
    /// `true` or `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (any bytes).
    Str(Box<[u8]>),
}

impl PartialEq for Constant {
    fn eq(&self, other: &Constant) -> bool {
        match (self, other) {
            (Constant::Nil, Constant::Nil) => true,
            (Constant::Bool(a), Constant::Bool(b)) => a == b,
            (Constant::Int(a), Constant::Int(b)) => a == b,
            (Constant::Float(a), Constant::Float(b)) => a.to_bits() == b.to_bits(),
            (Constant::Str(a), Constant::Str(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Constant {}

impl std::hash::Hash for Constant {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Constant::Nil => {}
            Constant::Bool(b) => b.hash(state),
            Constant::Int(i) => i.hash(state),
            Constant::Float(f) => f.to_bits().hash(state),
            Constant::Str(s) => s.hash(state),
        }
    }
}

impl Constant {
    /// The string's bytes, for a string constant.
    #[inline]
    pub fn as_str(&self) -> Option<&[u8]> {
        match self {
            Constant::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for an integer or float constant.
    #[inline]
    pub fn is_number(&self) -> bool {
        matches!(self, Constant::Int(_) | Constant::Float(_))
    }
}

/// The kind of a local variable (the reference's `VDKREG` .. `RDKCTC`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[repr(u8)]
pub enum VarKind {
    /// A regular variable.
    #[default]
    Regular = 0,
    /// `<const>` with a run-time value.
    Const = 1,
    /// `<close>`.
    Close = 2,
    /// A compile-time constant (no register).
    CompileTimeConst = 3,
}

impl VarKind {
    /// The kind of value `b`, or `None`.
    #[inline]
    pub const fn from_u8(b: u8) -> Option<VarKind> {
        match b {
            0 => Some(VarKind::Regular),
            1 => Some(VarKind::Const),
            2 => Some(VarKind::Close),
            3 => Some(VarKind::CompileTimeConst),
            _ => None,
        }
    }
}

/// Says where a closure finds an upvalue when it is created.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpvalueDesc {
    /// The upvalue's name (empty when stripped).
    pub name: Box<[u8]>,
    /// True when the upvalue is a register of the enclosing function
    /// (`index` is the register), false when it is an upvalue of the
    /// enclosing function (`index` is that upvalue's index).
    pub in_stack: bool,
    /// The register or the enclosing upvalue, as `in_stack` says.
    pub index: u8,
    /// The kind of the variable captured.
    pub kind: VarKind,
}

/// A local variable's name and the range of instructions where it is
/// active: `[start_pc, end_pc)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocVar {
    /// The variable's name (the compiler shares a name among the locals
    /// of a chunk that have it, most of the time).
    pub name: Arc<[u8]>,
    /// The first instruction where the variable is active.
    pub start_pc: u32,
    /// The first instruction where it is no longer active.
    pub end_pc: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(name: &str, start_pc: u32, end_pc: u32) -> LocVar {
        LocVar {
            name: name.as_bytes().into(),
            start_pc,
            end_pc,
        }
    }

    #[test]
    fn local_names_by_pc() {
        let p = Proto {
            loc_vars: vec![local("a", 0, 10), local("b", 2, 5), local("c", 6, 10)],
            ..Proto::default()
        };
        assert_eq!(p.get_local_name(1, 0), Some(&b"a"[..]));
        assert_eq!(p.get_local_name(2, 0), None);
        assert_eq!(p.get_local_name(2, 3), Some(&b"b"[..]));
        assert_eq!(p.get_local_name(2, 5), None, "b ends before pc 5");
        assert_eq!(p.get_local_name(2, 7), Some(&b"c"[..]));
        assert_eq!(p.get_local_name(1, 10), None);
        assert_eq!(p.get_local_name(0, 3), None);
    }

    #[test]
    fn constants_compare_bitwise() {
        use std::collections::HashSet;
        assert_ne!(Constant::Float(0.0), Constant::Float(-0.0));
        assert_eq!(Constant::Float(f64::NAN), Constant::Float(f64::NAN));
        assert_ne!(Constant::Int(1), Constant::Float(1.0));
        assert_eq!(
            Constant::Str(b"x".to_vec().into()),
            Constant::Str(b"x".to_vec().into())
        );
        let set: HashSet<Constant> = [
            Constant::Float(0.0),
            Constant::Float(-0.0),
            Constant::Float(0.0),
            Constant::Nil,
        ]
        .into_iter()
        .collect();
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn lines() {
        let p = Proto {
            line_info: vec![0, 3],
            ..Proto::default()
        };
        assert_eq!(p.line_at(0), None);
        assert_eq!(p.line_at(1), Some(3));
        assert_eq!(p.line_at(2), None);
    }
}
