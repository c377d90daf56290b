//! The utf8 library (§6.5): `char`, `charpattern`, `codes`, `codepoint`,
//! `len`, `offset`. The decoder accepts what the reference's does:
//! sequences of up to six bytes encoding values up to 0x7FFFFFFF,
//! rejecting overlong forms; strict mode (the default; `lax` turns it off)
//! also rejects surrogates and values above 0x10FFFF.

use lunar_vm::{Error, State, Value};

/// The largest Unicode code point.
const MAX_UNICODE: u32 = 0x10FFFF;
/// The largest value the (extended) encoding holds.
const MAX_UTF: u32 = 0x7FFF_FFFF;
/// Matches exactly one UTF-8 byte sequence (`utf8.charpattern`).
pub const CHAR_PATTERN: &[u8] = b"[\x00-\x7F\xC2-\xFD][\x80-\xBF]*";
/// The most values one call may push.
const MAX_RESULTS: i64 = 999_000;

fn is_cont(c: u8) -> bool {
    c & 0xC0 == 0x80
}

/// `s[i]`, or 0 past the end (the reference reads the string's terminating
/// zero there).
fn byte_at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// Decodes the sequence at `s[i..]`: the code point and the index after
/// the sequence, or `None` for an invalid sequence.
pub fn decode(s: &[u8], i: usize, strict: bool) -> Option<(u32, usize)> {
    const LIMITS: [u32; 6] = [u32::MAX, 0x80, 0x800, 0x10000, 0x20_0000, 0x400_0000];
    let mut c = byte_at(s, i) as u32;
    let mut res: u32 = 0;
    let mut next = i;
    if c < 0x80 {
        res = c;
    } else {
        let mut count = 0;
        while c & 0x40 != 0 {
            count += 1;
            let cc = byte_at(s, i + count);
            if !is_cont(cc) {
                return None;
            }
            res = (res << 6) | (cc as u32 & 0x3F);
            c <<= 1;
        }
        if count > 5 {
            return None;
        }
        res |= (c & 0x7F).checked_shl(count as u32 * 5).unwrap_or(0);
        if res > MAX_UTF || res < LIMITS[count] {
            return None;
        }
        next += count;
    }
    if strict && (res > MAX_UNICODE || (0xD800..=0xDFFF).contains(&res)) {
        return None;
    }
    Some((res, next + 1))
}

/// Appends the encoding of `x` (at most 0x7FFFFFFF), in up to six bytes,
/// as the reference's `luaO_utf8esc`.
pub fn append_utf8(b: &mut Vec<u8>, mut x: u32) {
    if x < 0x80 {
        b.push(x as u8);
        return;
    }
    let mut buf = [0u8; 8];
    let mut n = buf.len();
    let mut mfb: u32 = 0x3f; // largest value that fits in the first byte
    loop {
        n -= 1;
        buf[n] = (0x80 | (x & 0x3f)) as u8;
        x >>= 6;
        mfb >>= 1;
        if x <= mfb {
            break;
        }
    }
    n -= 1;
    buf[n] = ((!mfb << 1) | x) as u8;
    b.extend_from_slice(&buf[n..]);
}

/// Opens the utf8 library in `state` (global `utf8`, `package.loaded.utf8`).
pub fn open_utf8(state: &mut State) {
    let p = state.str_value(CHAR_PATTERN);
    crate::table::new_lib_with(
        state,
        "utf8",
        &[
            ("char", utf8_char),
            ("codes", utf8_codes),
            ("codepoint", utf8_codepoint),
            ("len", utf8_len),
            ("offset", utf8_offset),
        ],
        &[("charpattern", p)],
    );
}

/// A position made absolute (0 when before the start).
fn posrelat(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if pos.unsigned_abs() > len as u64 {
        0
    } else {
        len as i64 + pos + 1
    }
}

/// utf8.char(···)
fn utf8_char(state: &mut State) -> Result<usize, Error> {
    let mut b = Vec::with_capacity(32);
    for i in 1..=state.arg_count() {
        let c = state.check_integer(i)?;
        if c as u64 > MAX_UTF as u64 {
            return Err(state.arg_error(i, "value out of range"));
        }
        append_utf8(&mut b, c as u32);
    }
    let s = state.str_value(&b);
    state.push(s);
    Ok(1)
}

/// utf8.len(s [, i [, j [, lax]]])
fn utf8_len(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let i = state.opt_integer(2, 1)?;
    let j = state.opt_integer(3, -1)?;
    let s = s.as_bytes();
    let (posi, posj) = (posrelat(i, s.len()), posrelat(j, s.len()));
    let strict = !state.arg(4).truthy();
    if posi < 1 || posi - 1 > s.len() as i64 {
        return Err(state.arg_error(2, "initial position out of bounds"));
    }
    let posj = posj - 1;
    if posj >= s.len() as i64 {
        return Err(state.arg_error(3, "final position out of bounds"));
    }
    let mut n = 0i64;
    let mut p = (posi - 1) as usize;
    while p as i64 <= posj {
        match decode(s, p, strict) {
            Some((_, next)) => p = next,
            None => {
                state.push(Value::Nil);
                state.push(Value::Int(p as i64 + 1));
                return Ok(2);
            }
        }
        n += 1;
    }
    state.push(Value::Int(n));
    Ok(1)
}

/// utf8.codepoint(s [, i [, j [, lax]]])
fn utf8_codepoint(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let i = state.opt_integer(2, 1)?;
    let posi = posrelat(i, s.len());
    let j = state.opt_integer(3, posi)?;
    let pose = posrelat(j, s.len());
    let strict = !state.arg(4).truthy();
    if posi < 1 {
        return Err(state.arg_error(2, "out of bounds"));
    }
    if pose > s.len() as i64 {
        return Err(state.arg_error(3, "out of bounds"));
    }
    if posi > pose {
        return Ok(0);
    }
    if pose - posi >= i32::MAX as i64 {
        return Err(state.error_str("string slice too long"));
    }
    if pose - posi + 1 > MAX_RESULTS {
        return Err(state.error_str("stack overflow (string slice too long)"));
    }
    let bytes = s.as_bytes();
    let mut n = 0;
    let mut p = (posi - 1) as usize;
    while p < pose as usize {
        let Some((code, next)) = decode(bytes, p, strict) else {
            return Err(state.error_str("invalid UTF-8 code"));
        };
        state.push(Value::Int(code as i64));
        n += 1;
        p = next;
    }
    Ok(n)
}

/// utf8.offset(s, n [, i])
fn utf8_offset(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let mut n = state.check_integer(2)?;
    let len = s.len();
    let def = if n < 0 { len as i64 + 1 } else { 1 };
    let i = state.opt_integer(3, def)?;
    let posi = posrelat(i, len);
    if posi < 1 || posi - 1 > len as i64 {
        return Err(state.arg_error(3, "position out of bounds"));
    }
    let s = s.as_bytes();
    let mut p = (posi - 1) as usize;
    if n == 0 {
        // The start of the sequence that holds byte p.
        while p > 0 && is_cont(byte_at(s, p)) {
            p -= 1;
        }
    } else {
        if is_cont(byte_at(s, p)) {
            return Err(state.error_str("initial position is a continuation byte"));
        }
        if n < 0 {
            while n < 0 && p > 0 {
                // Move back.
                p -= 1;
                while p > 0 && is_cont(s[p]) {
                    p -= 1;
                }
                n += 1;
            }
        } else {
            n -= 1; // the first character is where we are
            while n > 0 && p < len {
                p += 1;
                while is_cont(byte_at(s, p)) {
                    p += 1;
                }
                n -= 1;
            }
        }
    }
    state.push(if n == 0 {
        Value::Int(p as i64 + 1)
    } else {
        Value::Nil
    });
    Ok(1)
}

/// utf8.codes(s [, lax])
fn utf8_codes(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    // A subject that starts with a continuation byte is rejected at once
    // (5.4.6 on): the iterator would otherwise skip that byte unnoticed.
    if s.as_bytes().first().is_some_and(|&c| is_cont(c)) {
        return Err(state.arg_error(1, "invalid UTF-8 code"));
    }
    let iter: lunar_vm::NativeFn = if state.arg(2).truthy() {
        iter_lax
    } else {
        iter_strict
    };
    state.push(Value::LightFn(iter));
    state.push(Value::Str(s));
    state.push(Value::Int(0));
    Ok(3)
}

fn iter_strict(state: &mut State) -> Result<usize, Error> {
    iter(state, true)
}

fn iter_lax(state: &mut State) -> Result<usize, Error> {
    iter(state, false)
}

/// The next step of `utf8.codes` from control value `i` (the position of
/// the previous sequence, 0 at first): the position after skipping
/// continuation bytes and the code there, `Ok(None)` at the end, `Err(())`
/// for an invalid sequence (also one followed by a stray continuation
/// byte, 5.4.6 on).
pub fn codes_step(s: &[u8], i: i64, strict: bool) -> Result<Option<(usize, u32)>, InvalidCode> {
    let mut n = i as u64 as usize; // a negative control is past any end
    if i < 0 {
        return Ok(None);
    }
    while n < s.len() && is_cont(s[n]) {
        n += 1;
    }
    if n >= s.len() {
        return Ok(None);
    }
    match decode(s, n, strict) {
        Some((code, next)) if !(next < s.len() && is_cont(s[next])) => Ok(Some((n, code))),
        _ => Err(InvalidCode),
    }
}

/// An invalid UTF-8 sequence met by `utf8.codes` ("invalid UTF-8 code").
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidCode;

/// The iterator of utf8.codes.
fn iter(state: &mut State, strict: bool) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let i = state.to_integer(state.arg(2)).unwrap_or(0);
    match codes_step(s.as_bytes(), i, strict) {
        Ok(None) => Ok(0),
        Ok(Some((n, code))) => {
            state.push(Value::Int(n as i64 + 1));
            state.push(Value::Int(code as i64));
            Ok(2)
        }
        Err(InvalidCode) => Err(state.error_str("invalid UTF-8 code")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_cases() {
        type Case<'a> = (&'a [u8], bool, Option<(u32, usize)>);
        let cases: &[Case] = &[
            (b"a", true, Some((0x61, 1))),
            (b"\x00", true, Some((0, 1))),
            (b"\xc3\xa9", true, Some((0xe9, 2))),
            (b"\xe2\x82\xac", true, Some((0x20ac, 3))),
            (b"\xf0\x9f\x98\x80", true, Some((0x1f600, 4))),
            (b"\xf4\x8f\xbf\xbf", true, Some((0x10ffff, 4))),
            (b"\xf4\x90\x80\x80", true, None), // above 0x10FFFF
            (b"\xf4\x90\x80\x80", false, Some((0x110000, 4))),
            (b"\xed\xa0\x80", true, None), // surrogate
            (b"\xed\xa0\x80", false, Some((0xd800, 3))),
            (b"\xf8\x88\x80\x80\x80", false, Some((0x200000, 5))),
            (b"\xfd\xbf\xbf\xbf\xbf\xbf", false, Some((0x7fffffff, 6))),
            (b"\xfe\x80\x80\x80\x80\x80\x80", false, None),
            (b"\xff", false, None),
            (b"\x80", false, None),     // continuation byte
            (b"\xc0\x80", false, None), // overlong
            (b"\xc1\xbf", false, None),
            (b"\xe0\x80\x80", false, None),
            (b"\xf0\x80\x80\x80", false, None),
            (b"\xc3", false, None),         // truncated
            (b"\xe2\x82", false, None),     // truncated
            (b"\xc3\x28", false, None),     // bad continuation
            (b"\xe2\x28\xa1", false, None), // bad continuation
        ];
        for &(s, strict, want) in cases {
            assert_eq!(decode(s, 0, strict), want, "decode({s:?}, {strict})");
        }
    }

    #[test]
    fn encode_round_trip() {
        for c in [
            0u32, 0x7f, 0x80, 0x7ff, 0x800, 0xd800, 0xffff, 0x10000, 0x10ffff, 0x110000, 0x1fffff,
            0x200000, 0x3ffffff, 0x4000000, 0x7fffffff,
        ] {
            let mut s = Vec::new();
            append_utf8(&mut s, c);
            assert_eq!(decode(&s, 0, false), Some((c, s.len())), "{c:#x}: {s:?}");
            if let Some(ch) = char::from_u32(c) {
                assert_eq!(s, ch.to_string().as_bytes(), "{c:#x}");
            }
        }
        // Strict decoding agrees with Rust's on valid text.
        let mut r = 0u32;
        while r <= 0x10ffff {
            if let Some(ch) = char::from_u32(r) {
                let b = ch.to_string();
                assert_eq!(decode(b.as_bytes(), 0, true), Some((r, b.len())), "{r:#x}");
            }
            r += 0x101;
        }
    }

    /// Runs the codes iteration over `s` as `for p, c in utf8.codes(s)`.
    fn codes(s: &[u8], strict: bool) -> Result<Vec<(usize, u32)>, InvalidCode> {
        let mut out = Vec::new();
        let mut i = 0i64;
        while let Some((n, c)) = codes_step(s, i, strict)? {
            out.push((n + 1, c));
            i = n as i64 + 1;
        }
        Ok(out)
    }

    #[test]
    fn codes_reject_stray_continuation_bytes() {
        for strict in [true, false] {
            assert_eq!(codes(b"\x7f\x80", strict), Err(InvalidCode));
            assert_eq!(
                codes("\u{3b1}\u{3b1}".as_bytes(), strict),
                Ok(vec![(1, 0x3b1), (3, 0x3b1)])
            );
            assert_eq!(codes(b"\xce\xb1\xbf\xce\xb1", strict), Err(InvalidCode));
            assert_eq!(
                codes("a\u{20ac}b".as_bytes(), strict),
                Ok(vec![(1, 97), (2, 8364), (5, 98)])
            );
        }
        // "in\x80valid" gives 1:105 first, then the error.
        assert_eq!(codes_step(b"in\x80valid", 0, true), Ok(Some((0, 105))));
        assert_eq!(codes_step(b"in\x80valid", 1, true), Err(InvalidCode));
        assert_eq!(codes(b"\xed\xa0\x80", true), Err(InvalidCode));
        assert_eq!(codes(b"\xed\xa0\x80", false), Ok(vec![(1, 0xd800)]));
    }

    #[test]
    fn posrelat_cases() {
        assert_eq!(posrelat(3, 5), 3);
        assert_eq!(posrelat(-1, 5), 5);
        assert_eq!(posrelat(-5, 5), 1);
        assert_eq!(posrelat(-6, 5), 0);
        assert_eq!(posrelat(i64::MIN, 5), 0);
    }
}
