//! Constant values and the arithmetic of constant folding, shared by the
//! resolver (which must know whether a `<const>` local's initialiser is a
//! compile-time constant) and the code generator.

use lunar_syntax::ast::BinaryOp;

/// A constant the compiler knows at compile time: the values a `<const>`
/// local may hold without a register, and the values folded or loaded
/// from the constant table. Strings borrow from the syntax tree.
#[derive(Clone, Copy, Debug)]
pub(crate) enum KValue<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a [u8]),
}

impl KValue<'_> {
    /// Reports whether the value is an integer or a float.
    pub(crate) fn is_number(&self) -> bool {
        matches!(self, KValue::Int(_) | KValue::Float(_))
    }

    /// Reports whether the value counts as true in a condition.
    pub(crate) fn is_truthy(&self) -> bool {
        !matches!(self, KValue::Nil | KValue::Bool(false))
    }

    /// Reports whether two constants have the same type and are equal
    /// (0.0 equals -0.0 here, as in the reference).
    pub(crate) fn same(&self, other: &KValue<'_>) -> bool {
        match (self, other) {
            (KValue::Nil, KValue::Nil) => true,
            (KValue::Bool(a), KValue::Bool(b)) => a == b,
            (KValue::Int(a), KValue::Int(b)) => a == b,
            (KValue::Float(a), KValue::Float(b)) => a == b,
            (KValue::Str(a), KValue::Str(b)) => a == b,
            _ => false,
        }
    }
}

/// The foldable operators in the reference's order (the order of its
/// ADD..SHR opcodes, of the ADDK..BXORK opcodes and of the metamethod
/// events `__add..__shr`), followed by the two unary ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add = 0,
    Sub,
    Mul,
    Mod,
    Pow,
    Div,
    IDiv,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
    Unm,
    BNot,
}

/// Maps a syntax operator to its [`ArithOp`]; `None` for the operators that
/// are not arithmetic or bitwise.
pub(crate) fn binary_arith(op: BinaryOp) -> Option<ArithOp> {
    Some(match op {
        BinaryOp::Add => ArithOp::Add,
        BinaryOp::Sub => ArithOp::Sub,
        BinaryOp::Mul => ArithOp::Mul,
        BinaryOp::Mod => ArithOp::Mod,
        BinaryOp::Pow => ArithOp::Pow,
        BinaryOp::Div => ArithOp::Div,
        BinaryOp::IDiv => ArithOp::IDiv,
        BinaryOp::BAnd => ArithOp::BAnd,
        BinaryOp::BOr => ArithOp::BOr,
        BinaryOp::BXor => ArithOp::BXor,
        BinaryOp::Shl => ArithOp::Shl,
        BinaryOp::Shr => ArithOp::Shr,
        _ => return None,
    })
}

/// Converts a float to an integer when it has an exact integer value in
/// range (the reference's F2Ieq mode).
pub(crate) fn float_to_int(f: f64) -> Option<i64> {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&f) && f == f.floor() {
        Some(f as i64)
    } else {
        None
    }
}

fn to_float(v: KValue<'_>) -> f64 {
    match v {
        KValue::Int(i) => i as f64,
        KValue::Float(f) => f,
        _ => f64::NAN,
    }
}

fn to_integer(v: KValue<'_>) -> Option<i64> {
    match v {
        KValue::Int(i) => Some(i),
        KValue::Float(f) => float_to_int(f),
        _ => None,
    }
}

/// Computes `op` over the numbers `a` and `b` (`b` is ignored for the unary
/// operators) as the reference's constant folder does: it refuses the
/// operations that could raise an error at run time (bitwise operators on
/// non-integral values, division and modulo by zero) and the results it
/// does not fold (NaN and float zeros, to keep -0.0 out of the constant
/// table). `None` means the expression must be computed at run time.
pub(crate) fn fold<'a>(op: ArithOp, a: KValue<'a>, b: KValue<'a>) -> Option<KValue<'a>> {
    if !a.is_number() || !b.is_number() {
        return None;
    }
    match op {
        ArithOp::BAnd
        | ArithOp::BOr
        | ArithOp::BXor
        | ArithOp::Shl
        | ArithOp::Shr
        | ArithOp::BNot => {
            let x = to_integer(a)?;
            let y = to_integer(b)?;
            return Some(KValue::Int(fold_int(op, x, y)));
        }
        ArithOp::Div | ArithOp::IDiv | ArithOp::Mod if to_float(b) == 0.0 => return None,
        _ => {}
    }
    if let (KValue::Int(x), KValue::Int(y)) = (a, b)
        && op != ArithOp::Div
        && op != ArithOp::Pow
    {
        return Some(KValue::Int(fold_int(op, x, y)));
    }
    let r = fold_float(op, to_float(a), to_float(b));
    if r.is_nan() || r == 0.0 {
        return None;
    }
    Some(KValue::Float(r))
}

/// Computes an integer operation with Lua's wrap-around semantics.
fn fold_int(op: ArithOp, x: i64, y: i64) -> i64 {
    match op {
        ArithOp::Add => x.wrapping_add(y),
        ArithOp::Sub => x.wrapping_sub(y),
        ArithOp::Mul => x.wrapping_mul(y),
        ArithOp::Mod => int_mod(x, y),
        ArithOp::IDiv => int_floor_div(x, y),
        ArithOp::BAnd => x & y,
        ArithOp::BOr => x | y,
        ArithOp::BXor => x ^ y,
        ArithOp::Shl => shift_left(x, y),
        ArithOp::Shr => shift_left(x, 0i64.wrapping_sub(y)),
        ArithOp::Unm => 0i64.wrapping_sub(x),
        ArithOp::BNot => !x,
        // Div and Pow are always float operations.
        ArithOp::Div | ArithOp::Pow => 0,
    }
}

/// Lua's integer modulo (the result has the divisor's sign); `y` is not
/// zero.
fn int_mod(x: i64, y: i64) -> i64 {
    if y == -1 {
        return 0; // avoids the overflow of minint % -1
    }
    let mut r = x % y;
    if r != 0 && (r ^ y) < 0 {
        r += y;
    }
    r
}

/// Lua's integer floor division; `y` is not zero.
fn int_floor_div(x: i64, y: i64) -> i64 {
    if y == -1 {
        return 0i64.wrapping_sub(x); // wraps for minint
    }
    let mut q = x / y;
    if x % y != 0 && (x ^ y) < 0 {
        q -= 1;
    }
    q
}

/// Lua's logical shift: negative counts shift right, counts of 64 or more
/// give zero.
fn shift_left(x: i64, n: i64) -> i64 {
    if n < 0 {
        if n <= -64 {
            return 0;
        }
        return ((x as u64) >> (-n) as u32) as i64;
    }
    if n >= 64 {
        return 0;
    }
    ((x as u64) << n as u32) as i64
}

/// Computes a float operation.
fn fold_float(op: ArithOp, x: f64, y: f64) -> f64 {
    match op {
        ArithOp::Add => x + y,
        ArithOp::Sub => x - y,
        ArithOp::Mul => x * y,
        ArithOp::Div => x / y,
        ArithOp::Pow => x.powf(y),
        ArithOp::IDiv => (x / y).floor(),
        ArithOp::Mod => float_mod(x, y),
        ArithOp::Unm => -x,
        // The bitwise operators are folded on integers.
        _ => f64::NAN,
    }
}

/// Lua's float modulo.
fn float_mod(a: f64, b: f64) -> f64 {
    let mut m = a % b;
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m += b;
    }
    m
}
