//! Numerals: the conversion of a numeral's text to an integer or a float,
//! for the scanner (§3.1) and for the string coercions of §3.4.3 and
//! `tonumber` ([`str_to_number`]).

/// A Lua number: an integer or a float subtype (§2.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

/// Reports whether `c` is an ASCII decimal digit.
fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// Reports whether `c` is an ASCII hexadecimal digit.
fn is_xdigit(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// The value of the hexadecimal digit `c`.
pub(crate) fn hex_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'f' => (c - b'a' + 10) as u32,
        _ => (c - b'A' + 10) as u32,
    }
}

fn is_hex_prefix(text: &[u8]) -> bool {
    text.len() >= 2 && text[0] == b'0' && (text[1] == b'x' || text[1] == b'X')
}

/// Converts the text of a numeral (§3.1) as the reference does: an integer
/// if it looks like one and, for decimal numerals, fits in an i64
/// (hexadecimal integers wrap around modulo 2^64); a float otherwise.
/// `None` when the text is not a numeral (no sign, no surrounding space).
pub fn parse_numeral(text: &[u8]) -> Option<Number> {
    if let Some(i) = parse_integer(text, false) {
        return Some(Number::Int(i));
    }
    parse_float(text).map(Number::Float)
}

/// Accepts decimal digits that fit in an i64 (with `neg`, the magnitude may
/// be 2^63, and the result is negated), or `0x` and hexadecimal digits
/// (wrapping around).
fn parse_integer(text: &[u8], neg: bool) -> Option<i64> {
    if is_hex_prefix(text) {
        let digits = &text[2..];
        if digits.is_empty() || !digits.iter().all(|&c| is_xdigit(c)) {
            return None;
        }
        let u = digits
            .iter()
            .fold(0u64, |u, &c| (u << 4) | hex_value(c) as u64);
        let i = u as i64;
        return Some(if neg { i.wrapping_neg() } else { i });
    }
    if text.is_empty() {
        return None;
    }
    let max: u64 = if neg { 1 << 63 } else { i64::MAX as u64 };
    let mut u: u64 = 0;
    for &c in text {
        if !is_digit(c) {
            return None;
        }
        let d = (c - b'0') as u64;
        if u > (max - d) / 10 {
            return None; // overflow: the numeral is a float
        }
        u = u * 10 + d;
    }
    let i = u as i64;
    Some(if neg { i.wrapping_neg() } else { i })
}

/// Accepts the decimal and hexadecimal float syntax of C's strtod, less
/// infinities and NaNs: digits with an optional point (at least one digit in
/// all) and an optional exponent, which is decimal and introduced by `e` for
/// decimal numerals, `p` (a power of two) for hexadecimal ones. Rounding is
/// correct (to nearest, ties to even), values too large become +inf and
/// values too small become zero.
fn parse_float(text: &[u8]) -> Option<f64> {
    let hex = is_hex_prefix(text);
    let (mut i, digit, exp_mark): (usize, fn(u8) -> bool, u8) = if hex {
        (2, is_xdigit, b'p')
    } else {
        (0, is_digit, b'e')
    };
    let mant_start = i;
    let mut digits = 0;
    while i < text.len() && digit(text[i]) {
        i += 1;
        digits += 1;
    }
    if i < text.len() && text[i] == b'.' {
        i += 1;
        while i < text.len() && digit(text[i]) {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let mant_end = i;
    let mut exp: i64 = 0;
    if i < text.len() && text[i] | 0x20 == exp_mark {
        i += 1;
        let mut neg = false;
        if i < text.len() && (text[i] == b'+' || text[i] == b'-') {
            neg = text[i] == b'-';
            i += 1;
        }
        let start = i;
        while i < text.len() && is_digit(text[i]) {
            // Saturate: any exponent this large already gives inf or zero.
            exp = (exp * 10 + (text[i] - b'0') as i64).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        if neg {
            exp = -exp;
        }
    }
    if i != text.len() {
        return None;
    }
    if hex {
        return Some(hex_float(&text[mant_start..mant_end], exp));
    }
    // The text is valid Rust float syntax now (Rust's parser is correctly
    // rounded and gives inf or zero out of range, as strtod does).
    std::str::from_utf8(text).ok()?.parse::<f64>().ok()
}

/// Converts hexadecimal mantissa digits (with an optional point) times
/// 2^`exp` to the nearest f64, ties to even.
fn hex_float(mant: &[u8], exp: i64) -> f64 {
    // Keep the first 60 bits of significant digits exactly; later digits
    // only matter through whether any of them is nonzero (sticky bit).
    let mut m: u64 = 0;
    let mut e: i64 = exp;
    let mut sticky = false;
    let mut after_point = false;
    for &c in mant {
        if c == b'.' {
            after_point = true;
            continue;
        }
        let d = hex_value(c) as u64;
        if m >> 56 == 0 {
            m = (m << 4) | d;
            if after_point {
                e -= 4;
            }
        } else {
            sticky |= d != 0;
            if !after_point {
                e += 4;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    // value = (m + sticky fraction) * 2^e, with m < 2^60.
    let nbits = 64 - m.leading_zeros() as i64;
    let top = e + nbits - 1; // the value lies in [2^top, 2^(top+1))
    if top > 1023 {
        return f64::INFINITY;
    }
    // Position of the result's least significant bit.
    let lsb = (top - 52).max(-1074);
    let shift = lsb - e;
    let r: u64 = if shift <= 0 {
        m << (-shift) // exact; fits since the result has at most 53 bits
    } else if shift > 64 {
        0 // everything is below half of the lsb
    } else {
        let kept = if shift == 64 { 0 } else { m >> shift };
        let rest = if shift == 64 {
            m
        } else {
            m & ((1u64 << shift) - 1)
        };
        let half = 1u64 << (shift - 1);
        let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        kept + round_up as u64
    };
    (r as f64) * pow2(lsb)
}

/// 2^k for k in [-1074, 1023], exactly.
fn pow2(k: i64) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// Reports whether `c` is white space for Lua (C's isspace in the "C"
/// locale).
fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// Converts a string to a number as Lua does for the coercions of §3.4.3
/// and for `tonumber` (the reference's `luaO_str2num`): a numeral (§3.1)
/// with optional surrounding white space and an optional sign. Hexadecimal
/// integers wrap around, decimal integers that overflow become floats,
/// hexadecimal floats take `p` exponents; `inf` and `nan` are not numbers.
///
/// ```
/// use lunar_syntax::{str_to_number, Number};
/// assert_eq!(str_to_number(b" 0x10 "), Some(Number::Int(16)));
/// assert_eq!(str_to_number(b"-1e1"), Some(Number::Float(-10.0)));
/// assert_eq!(str_to_number(b"9223372036854775808"), Some(Number::Float(9223372036854775808.0)));
/// assert_eq!(str_to_number(b"inf"), None);
/// ```
pub fn str_to_number(text: &[u8]) -> Option<Number> {
    let start = text.iter().position(|&c| !is_space(c))?;
    let end = text.iter().rposition(|&c| !is_space(c))? + 1;
    let mut body = &text[start..end];
    let mut neg = false;
    match body[0] {
        b'-' => {
            neg = true;
            body = &body[1..];
        }
        b'+' => body = &body[1..],
        _ => {}
    }
    if let Some(i) = parse_integer(body, neg) {
        return Some(Number::Int(i));
    }
    let f = parse_float(body)?;
    Some(Number::Float(if neg { -f } else { f }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Option<Number> {
        Some(Number::Int(i))
    }

    fn float(f: f64) -> Option<Number> {
        Some(Number::Float(f))
    }

    #[test]
    fn numerals() {
        let inf = f64::INFINITY;
        let cases: &[(&str, Option<Number>)] = &[
            ("0", int(0)),
            ("00012", int(12)),
            ("0x7fffffffffffffff", int(i64::MAX)),
            ("9223372036854775807", int(i64::MAX)),
            ("9223372036854775808", float(9223372036854775808.0)),
            ("0xffffffffffffffff", int(-1)),
            ("0x10000000000000000", int(0)),
            ("0x1p-1074", float(5e-324)),
            ("0x1p-1075", float(0.0)),
            ("0x1.8p-1074", float(1e-323)),
            ("0x1.fffffffffffffffffp0", float(2.0)),
            ("0x1.fffffffffffff7p0", float(1.9999999999999998)),
            ("0x1.fffffffffffff8p0", float(2.0)),
            ("0x1.fffffffffffff80000001p0", float(2.0)),
            ("0x1.fffffffffffff7ffffffffp0", float(1.9999999999999998)),
            ("0x1p1024", float(inf)),
            ("0x1p1023", float(8.98846567431158e307)),
            ("0x.0000000000000000000001p88", float(1.0)),
            ("0x100000000000000000000p-80", float(1.0)),
            ("0x1p99999999999999999999", float(inf)),
            ("0x1p-99999999999999999999", float(0.0)),
            ("1e400", float(inf)),
            ("1e-400", float(0.0)),
            ("3.", float(3.0)),
            (".5", float(0.5)),
            ("1e", None),
            ("0x", None),
            ("0x.", None),
            ("0x.p1", None),
            (".", None),
            ("1..2", None),
            ("3x", None),
            ("inf", None),
            ("nan", None),
            ("1_0", None),
            ("+1", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_numeral(text.as_bytes()), *want, "{text}");
        }
    }

    #[test]
    fn string_coercions() {
        let cases: &[(&str, Option<Number>)] = &[
            (" 10 ", int(10)),
            ("\t\n\x0b\x0c\r-7\n", int(-7)),
            ("+7", int(7)),
            ("-9223372036854775808", int(i64::MIN)),
            ("-9223372036854775809", float(-9223372036854775808.0)),
            ("9223372036854775808", float(9223372036854775808.0)),
            ("-0x1", int(-1)),
            ("0x8000000000000000", int(i64::MIN)),
            ("-0x8000000000000000", int(i64::MIN)),
            ("0x1P4", float(16.0)),
            ("-0x.8", float(-0.5)),
            ("1e2", float(100.0)),
            (" -.5e-1 ", float(-0.05)),
            ("- 1", None),
            ("--1", None),
            ("", None),
            ("   ", None),
            ("-", None),
            ("1 2", None),
            ("inf", None),
            ("-nan", None),
            ("0x", None),
            ("1e+", None),
            ("10\0", None),
        ];
        for (text, want) in cases {
            assert_eq!(str_to_number(text.as_bytes()), *want, "{text:?}");
        }
        assert!(
            matches!(str_to_number(b"-0.0"), Some(Number::Float(f)) if f == 0.0 && f.is_sign_negative())
        );
    }
}
