//! Number semantics (§3.4.1, §3.4.3): integer/float conversions, the
//! arithmetic that differs from Rust's (floor division, modulo, shifts,
//! exponentiation), mixed comparisons (the reference's `LTnum`/`LEnum`),
//! the numeric `for` loop's limit, and numbers to and from strings.

use crate::numfmt;
use crate::value::Value;

/// 2^63 as a float: the first float above every integer.
const TWO63: f64 = 9_223_372_036_854_775_808.0;

/// Whether integer `i` equals float `f` mathematically.
#[inline]
pub fn int_eq_float(i: i64, f: f64) -> bool {
    float_to_int_exact(f) == Some(i)
}

/// The integer with exactly the value of `f`, if there is one (§3.4.3).
#[inline]
pub fn float_to_int_exact(f: f64) -> Option<i64> {
    if (-TWO63..TWO63).contains(&f) {
        let i = f as i64;
        if i as f64 == f {
            return Some(i);
        }
    }
    None
}

/// How a float with a fractional part converts to an integer (the
/// reference's `F2Imod`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum F2I {
    /// Only integral values convert.
    Exact,
    /// Take the floor.
    Floor,
    /// Take the ceiling.
    Ceil,
}

/// `f` as an integer under `mode`, if the result fits (the reference's
/// `luaV_flttointns`). NaN never converts.
#[inline]
pub fn float_to_int(f: f64, mode: F2I) -> Option<i64> {
    let mut fl = f.floor();
    if f != fl {
        match mode {
            F2I::Exact => return None,
            F2I::Ceil => fl += 1.0,
            F2I::Floor => {}
        }
    }
    if (-TWO63..TWO63).contains(&fl) {
        Some(fl as i64)
    } else {
        None
    }
}

/// A number or a numeric string (§3.4.3) as a number value.
#[inline]
pub fn to_number(v: Value) -> Option<Value> {
    match v {
        Value::Int(_) | Value::Float(_) => Some(v),
        Value::Str(s) => str_to_number(s.as_bytes()),
        _ => None,
    }
}

/// A number or numeric string as a float.
#[inline]
pub fn to_float(v: Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(f),
        Value::Int(i) => Some(i as f64),
        Value::Str(s) => match str_to_number(s.as_bytes())? {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// A value as an integer (§3.4.3): integers as they are, floats with an
/// integral value (or, under `mode`, rounded), numeric strings through
/// their value (the reference's `luaV_tointegerns`).
#[inline]
pub fn to_integer_mode(v: Value, mode: F2I) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        Value::Float(f) => float_to_int(f, mode),
        Value::Str(s) => match str_to_number(s.as_bytes())? {
            Value::Int(i) => Some(i),
            Value::Float(f) => float_to_int(f, mode),
            _ => None,
        },
        _ => None,
    }
}

/// [`to_integer_mode`] with exact conversion.
#[inline]
pub fn to_integer(v: Value) -> Option<i64> {
    to_integer_mode(v, F2I::Exact)
}

/// Lua's integer floor division `a // b`; `b` must not be 0 (the caller
/// raises "attempt to perform 'n//0'").
#[inline]
pub fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg(); // avoids the overflow of MIN / -1
    }
    let q = a / b;
    if (a ^ b) < 0 && a % b != 0 { q - 1 } else { q }
}

/// Lua's integer modulo `a % b` (the result has the divisor's sign); `b`
/// must not be 0 (the caller raises "attempt to perform 'n%%0'").
#[inline]
pub fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0; // avoids the overflow of MIN % -1
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 { r + b } else { r }
}

/// Lua's float modulo (the reference's `luai_nummod`: C's `fmod`, then
/// the result moved to the divisor's sign).
#[inline]
pub fn float_mod(a: f64, b: f64) -> f64 {
    // Rust's `%` on floats is C's fmod (LLVM's frem).
    let m = a % b;
    // Signs compared, never the product `m * b`, which underflows to 0 for
    // tiny operands; a zero or NaN result is never moved.
    if (m > 0.0 && b < 0.0) || (m < 0.0 && b > 0.0) {
        m + b
    } else {
        m
    }
}

/// Lua's float floor division.
#[inline]
pub fn float_floor_div(a: f64, b: f64) -> f64 {
    (a / b).floor()
}

/// Lua's `^` (the reference's `luai_numpow`: C's `pow`, with `x^2` as
/// `x*x`).
#[inline]
pub fn pow(a: f64, b: f64) -> f64 {
    if b == 2.0 { a * a } else { a.powf(b) }
}

/// `x << n` as Lua shifts (the reference's `luaV_shiftl`): logical, a
/// negative `n` shifts right, shifts of 64 bits or more give 0.
#[inline]
pub fn shift_left(x: i64, n: i64) -> i64 {
    if n < 0 {
        if n <= -64 {
            0
        } else {
            ((x as u64) >> (-n) as u32) as i64
        }
    } else if n >= 64 {
        0
    } else {
        ((x as u64) << n as u32) as i64
    }
}

/// `x >> n` as Lua shifts (logical).
#[inline]
pub fn shift_right(x: i64, n: i64) -> i64 {
    shift_left(x, n.wrapping_neg())
}

/// Whether `i` converts to a float exactly (|i| <= 2^53, the reference's
/// `l_intfitsf`).
#[inline]
fn int_fits_float(i: i64) -> bool {
    const NBM: u32 = f64::MANTISSA_DIGITS;
    (i as u64).wrapping_add(1 << NBM) <= (2u64 << NBM)
}

/// `i < f` exactly.
#[inline]
pub fn lt_int_float(i: i64, f: f64) -> bool {
    if int_fits_float(i) {
        (i as f64) < f
    } else {
        match float_to_int(f, F2I::Ceil) {
            Some(fi) => i < fi,
            None => f > 0.0,
        }
    }
}

/// `i <= f` exactly.
#[inline]
pub fn le_int_float(i: i64, f: f64) -> bool {
    if int_fits_float(i) {
        (i as f64) <= f
    } else {
        match float_to_int(f, F2I::Floor) {
            Some(fi) => i <= fi,
            None => f > 0.0,
        }
    }
}

/// `f < i` exactly.
#[inline]
pub fn lt_float_int(f: f64, i: i64) -> bool {
    if int_fits_float(i) {
        f < i as f64
    } else {
        match float_to_int(f, F2I::Floor) {
            Some(fi) => fi < i,
            None => f < 0.0,
        }
    }
}

/// `f <= i` exactly.
#[inline]
pub fn le_float_int(f: f64, i: i64) -> bool {
    if int_fits_float(i) {
        f <= i as f64
    } else {
        match float_to_int(f, F2I::Ceil) {
            Some(fi) => fi <= i,
            None => f < 0.0,
        }
    }
}

/// `a < b` for two numbers (the reference's `LTnum`); `None` when either
/// is not a number (the caller tries strings and `__lt`).
#[inline]
pub fn lt_num(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x < y,
        (Value::Int(x), Value::Float(y)) => lt_int_float(x, y),
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Float(x), Value::Int(y)) => lt_float_int(x, y),
        _ => return None,
    })
}

/// `a <= b` for two numbers (the reference's `LEnum`); `None` when either
/// is not a number.
#[inline]
pub fn le_num(a: Value, b: Value) -> Option<bool> {
    Some(match (a, b) {
        (Value::Int(x), Value::Int(y)) => x <= y,
        (Value::Int(x), Value::Float(y)) => le_int_float(x, y),
        (Value::Float(x), Value::Float(y)) => x <= y,
        (Value::Float(x), Value::Int(y)) => le_float_int(x, y),
        _ => return None,
    })
}

/// The limit of an integer `for` loop (the reference's `forlimit`): the
/// limit as an integer (floats rounded towards the loop's direction and
/// clipped, numeric strings converted), or `Ok(None)` when the loop must
/// not run at all. `Err(NotANumber)` when the limit is not a number (the
/// caller raises "'for' limit must be a number").
pub fn for_limit(init: i64, limit: Value, step: i64) -> Result<Option<i64>, NotANumber> {
    let mode = if step < 0 { F2I::Ceil } else { F2I::Floor };
    let lim = match to_integer_mode(limit, mode) {
        Some(l) => l,
        None => {
            // Not convertible to an integer: a float out of range, or NaN.
            let fl = to_float(limit).ok_or(NotANumber)?;
            if 0.0 < fl {
                if step < 0 {
                    return Ok(None);
                }
                i64::MAX
            } else {
                if step > 0 {
                    return Ok(None);
                }
                i64::MIN
            }
        }
    };
    let skip = if step > 0 { init > lim } else { init < lim };
    Ok(if skip { None } else { Some(lim) })
}

/// The error of [`for_limit`]: the limit is neither a number nor a
/// numeric string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotANumber;

/// The number of further iterations of an integer `for` loop from `init`
/// to `limit` by `step` (non-zero, the loop known to run at least once,
/// as `for_limit` says), as the reference's `forprep` precomputes it so
/// that the loop can never overflow.
pub fn for_count(init: i64, limit: i64, step: i64) -> u64 {
    if step > 0 {
        let c = (limit as u64).wrapping_sub(init as u64);
        if step != 1 { c / step as u64 } else { c }
    } else {
        let c = (init as u64).wrapping_sub(limit as u64);
        // step+1 avoids negating MIN.
        c / ((-(step + 1)) as u64 + 1)
    }
}

/// Appends a number as `tostring` writes it: integers in decimal, floats
/// as "%.14g" with ".0" added when the result looks like an integer
/// ("inf", "-inf", "nan" and "-nan" as glibc prints them).
pub fn write_number(out: &mut Vec<u8>, v: Value) {
    match v {
        Value::Int(i) => write_int(out, i),
        Value::Float(f) => write_float(out, f),
        _ => {}
    }
}

/// Appends an integer in decimal.
#[inline]
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut u = i.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[pos..]);
}

/// Appends a float as `tostring` writes it.
pub fn write_float(out: &mut Vec<u8>, f: f64) {
    let start = out.len();
    numfmt::format_float(out, f, &numfmt::Spec::with_precision(b'g', 14));
    if out[start..].iter().all(|c| matches!(c, b'-' | b'0'..=b'9')) {
        out.extend_from_slice(b".0");
    }
}

/// A number as `tostring` writes it.
pub fn fmt_number(v: Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    write_number(&mut out, v);
    out
}

/// Converts a string to a number as the coercions of §3.4.3 and
/// `tonumber` do: a numeral with optional surrounding whitespace and sign;
/// decimal integers that overflow become floats, hexadecimal ones wrap.
pub fn str_to_number(s: &[u8]) -> Option<Value> {
    match lunar_syntax::str_to_number(s)? {
        lunar_syntax::Number::Int(i) => Some(Value::Int(i)),
        lunar_syntax::Number::Float(f) => Some(Value::Float(f)),
    }
}

#[cfg(test)]
#[path = "number/tests.rs"]
mod tests;
