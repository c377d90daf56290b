//! C `printf`-compatible formatting of numbers (`%d %x %o %e %f %g %a` with
//! flags, width and precision), used by `tostring` ("%.14g") and by
//! `string.format`. Output is byte-for-byte what glibc prints (hex floats
//! included: `%a` of 3.0 is "0x1.8p+1"). Decimal conversions round the
//! exact binary value half-to-even, as glibc does: `fast` does it with
//! 64/128-bit fixed-point arithmetic for doubles from about 4e-22 to 2^128,
//! and Rust's exact float formatting (`{:.*e}`, `{:.*}`) does the rest.
//!
//! Parsing the `%...` specification with Lua's restrictions is the
//! string library's business; [`Spec::parse`] is a plain C parser for
//! callers who need one.
//!
//! ```
//! use lunar_vm::numfmt::{Spec, format_float, format_int};
//! let mut out = Vec::new();
//! format_float(&mut out, 3.0, &Spec::new(b'a'));
//! out.push(b' ');
//! format_float(&mut out, 0.1, &Spec::with_precision(b'g', 14));
//! out.push(b' ');
//! let sp = Spec::parse(b"%#06x").unwrap();
//! format_int(&mut out, 255, &sp);
//! assert_eq!(out, b"0x1.8p+1 0.1 0x00ff");
//! ```

use std::io::Write;

mod fast;
#[cfg(test)]
mod tests;

/// A conversion specification: `%[flags][width][.precision]conv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// `-`: left-justify within the width.
    pub minus: bool,
    /// `+`: always print a sign for signed conversions.
    pub plus: bool,
    /// ` `: a space where a `+` sign would go.
    pub space: bool,
    /// `#`: the alternate form (`0x` prefix, kept point and zeros…).
    pub alt: bool,
    /// `0`: pad with zeros after the sign/prefix instead of spaces.
    pub zero: bool,
    /// Minimum field width (0: none).
    pub width: usize,
    /// Precision, when given.
    pub precision: Option<usize>,
    /// The conversion byte (`d`, `x`, `g`…).
    pub conv: u8,
}

impl Spec {
    /// A specification with no flags, width or precision.
    pub fn new(conv: u8) -> Spec {
        Spec {
            minus: false,
            plus: false,
            space: false,
            alt: false,
            zero: false,
            width: 0,
            precision: None,
            conv,
        }
    }

    /// `conv` with a precision (`%.14g` is `Spec::with_precision(b'g', 14)`).
    pub fn with_precision(conv: u8, precision: usize) -> Spec {
        Spec {
            precision: Some(precision),
            ..Spec::new(conv)
        }
    }

    /// Parses a whole C specification (`%-08.3f`), with no restriction on
    /// which flags go with which conversion. `None` if malformed.
    pub fn parse(form: &[u8]) -> Option<Spec> {
        let (&pct, mut rest) = form.split_first()?;
        if pct != b'%' {
            return None;
        }
        let mut sp = Spec::new(0);
        while let Some((&c, r)) = rest.split_first() {
            match c {
                b'-' => sp.minus = true,
                b'+' => sp.plus = true,
                b' ' => sp.space = true,
                b'#' => sp.alt = true,
                b'0' => sp.zero = true,
                _ => break,
            }
            rest = r;
        }
        let digits = |r: &mut &[u8]| -> usize {
            let mut n = 0usize;
            while let Some((&c, t)) = r.split_first() {
                if !c.is_ascii_digit() {
                    break;
                }
                n = n.saturating_mul(10).saturating_add((c - b'0') as usize);
                *r = t;
            }
            n
        };
        sp.width = digits(&mut rest);
        if let Some((&b'.', r)) = rest.split_first() {
            rest = r;
            sp.precision = Some(digits(&mut rest));
        }
        match rest {
            [c] => {
                sp.conv = *c;
                Some(sp)
            }
            _ => None,
        }
    }

    fn sign(&self, neg: bool) -> &'static [u8] {
        if neg {
            b"-"
        } else if self.plus {
            b"+"
        } else if self.space {
            b" "
        } else {
            b""
        }
    }
}

/// Appends a formatted item: `prefix` (a sign, "0x"), `pz` zeros the
/// precision asks for, then `body`, padded to the width: on the right with
/// `-`, with zeros after the prefix when `zeros`, else with spaces on the
/// left.
fn pad(out: &mut Vec<u8>, sp: &Spec, prefix: &[u8], pz: usize, body: &[u8], zeros: bool) {
    let n = sp.width.saturating_sub(prefix.len() + pz + body.len());
    if n == 0 && pz == 0 {
        // The usual case: nothing to fill.
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        return;
    }
    if n > 0 && !sp.minus && !zeros {
        out.resize(out.len() + n, b' ');
    }
    out.extend_from_slice(prefix);
    if n > 0 && !sp.minus && zeros {
        out.resize(out.len() + n, b'0');
    }
    out.resize(out.len() + pz, b'0');
    out.extend_from_slice(body);
    if n > 0 && sp.minus {
        out.resize(out.len() + n, b' ');
    }
}

/// Formats `n` for `%d %i %u %o %x %X %c` as C's printf does with a
/// `long long` argument (`%u %o %x` print its two's complement bits).
pub fn format_int(out: &mut Vec<u8>, n: i64, sp: &Spec) {
    if sp.conv == b'c' {
        pad(out, sp, b"", 0, &[n as u8], false);
        return;
    }
    let mut buf = [0u8; 40];
    let mut neg = false;
    let mut prefix: &[u8] = b"";
    let mut u = n as u64;
    let mut pos = buf.len();
    match sp.conv {
        b'o' => loop {
            pos -= 1;
            buf[pos] = b'0' + (u & 7) as u8;
            u >>= 3;
            if u == 0 {
                break;
            }
        },
        b'x' | b'X' => {
            let (digits, pre) = if sp.conv == b'x' {
                (b"0123456789abcdef", b"0x")
            } else {
                (b"0123456789ABCDEF", b"0X")
            };
            if sp.alt && n != 0 {
                prefix = pre;
            }
            loop {
                pos -= 1;
                buf[pos] = digits[(u & 15) as usize];
                u >>= 4;
                if u == 0 {
                    break;
                }
            }
        }
        b'u' => pos = fast::itoa(&mut buf, u as u128),
        _ => {
            neg = n < 0;
            pos = fast::itoa(&mut buf, n.unsigned_abs() as u128);
        }
    }
    let mut d = &buf[pos..];
    if n == 0 && sp.precision == Some(0) {
        d = &[]; // a zero precision prints no digits for zero
    }
    // The precision is a minimum number of digits; '#' with %o makes the
    // first digit a zero.
    let mut zeros = sp.precision.map_or(0, |p| p.saturating_sub(d.len()));
    if sp.conv == b'o' && sp.alt && zeros == 0 && d.first() != Some(&b'0') {
        zeros = 1;
    }
    if matches!(sp.conv, b'd' | b'i') {
        prefix = sp.sign(neg);
    }
    pad(
        out,
        sp,
        prefix,
        zeros,
        d,
        sp.zero && sp.precision.is_none() && !sp.minus,
    );
}

/// Formats `x` for `%e %E %f %F %g %G %a %A` as glibc's printf does (`inf`,
/// `nan`, and `-nan` for a NaN with its sign bit set).
pub fn format_float(out: &mut Vec<u8>, x: f64, sp: &Spec) {
    let upper = sp.conv.is_ascii_uppercase();
    let neg = x.is_sign_negative();
    let sign = sp.sign(neg);
    if !x.is_finite() {
        let body: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        pad(out, sp, sign, 0, body, false);
        return;
    }
    let a = x.abs();
    let zeros = sp.zero && !sp.minus;
    if matches!(sp.conv, b'a' | b'A') {
        let mut body = Vec::with_capacity(32);
        hex_float(&mut body, a, sp.precision, sp.alt, upper);
        let prefix: &[u8] = match (sign, upper) {
            (b"-", false) => b"-0x",
            (b"+", false) => b"+0x",
            (b" ", false) => b" 0x",
            (_, false) => b"0x",
            (b"-", true) => b"-0X",
            (b"+", true) => b"+0X",
            (b" ", true) => b" 0X",
            (_, true) => b"0X",
        };
        pad(out, sp, prefix, 0, &body, zeros);
        return;
    }
    let prec = sp.precision.unwrap_or(6);
    // The decimal forms are written in place, then padded.
    let start = out.len();
    out.extend_from_slice(sign);
    let body = out.len();
    match sp.conv {
        b'e' | b'E' => {
            if !fast::exp(out, a, prec, sp.alt) {
                exact_exp(out, a, prec, sp.alt);
            }
        }
        b'f' | b'F' => {
            if !fast::fixed(out, a, prec, sp.alt) {
                exact_fixed(out, a, prec, sp.alt);
            }
        }
        _ => format_g(out, a, prec, sp.alt),
    }
    if upper {
        out[body..].make_ascii_uppercase();
    }
    pad_in_place(out, sp, start, body, zeros);
}

/// Pads what was appended from `start` (a sign, then from `body` the
/// digits) to the width: spaces after it with `-`, zeros between the sign
/// and the digits when `zeros`, else spaces before it.
fn pad_in_place(out: &mut Vec<u8>, sp: &Spec, start: usize, body: usize, zeros: bool) {
    let n = sp.width.saturating_sub(out.len() - start);
    if n == 0 {
        return;
    }
    if sp.minus {
        out.resize(out.len() + n, b' ');
        return;
    }
    let (at, fill) = if zeros { (body, b'0') } else { (start, b' ') };
    let len = out.len();
    out.resize(len + n, fill);
    out.copy_within(at..len, at + n);
    out[at..at + n].fill(fill);
}

/// `%.<prec>e` through Rust's exact formatting, for what the fast path
/// leaves (values below 2^-72 or from 2^128 up).
fn exact_exp(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) {
    let start = out.len();
    exp_form(out, a, prec);
    if alt && prec == 0 {
        out.insert(start + 1, b'.'); // "2e+00" -> "2.e+00"
    }
}

/// `%.<prec>f` through Rust's exact formatting, for what the fast path
/// leaves.
fn exact_fixed(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) {
    let _ = write!(out, "{a:.prec$}");
    if alt && prec == 0 {
        out.push(b'.');
    }
}

/// Appends a non-negative finite `a` as C's `%.<prec>e`: one digit, the
/// point and `prec` digits, `e`, a sign and at least two exponent digits.
fn exp_form(out: &mut Vec<u8>, a: f64, prec: usize) {
    let start = out.len();
    let _ = write!(out, "{a:.prec$e}");
    let e = start
        + out[start..]
            .iter()
            .position(|&c| c == b'e')
            .expect("exponent");
    let exp: i32 = std::str::from_utf8(&out[e + 1..])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    out.truncate(e);
    let _ = write!(
        out,
        "e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    );
}

/// Appends a non-negative finite `a` formatted as C's `%.<prec>g` (`alt`:
/// the `#` flag, which keeps trailing zeros and the point).
pub fn format_g(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) {
    if !fast::general(out, a, prec, alt) {
        exact_g(out, a, prec, alt);
    }
}

/// `%.<prec>g` through Rust's exact formatting, for what the fast path
/// leaves.
fn exact_g(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) {
    let prec = prec.max(1);
    let mut e = Vec::with_capacity(32);
    exp_form(&mut e, a, prec - 1);
    let ie = e.iter().position(|&c| c == b'e').expect("exponent");
    // The decimal exponent after rounding to prec digits.
    let x: i64 = std::str::from_utf8(&e[ie + 1..])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let start = out.len();
    let tail: &[u8] = if x < -4 || x >= prec as i64 {
        // glibc's "1.e+02" for `%#.2g` of 99.9 (see fast::general): the
        // value had `prec` integer digits before rounding carried. (Only
        // tests reach it here: the values this path takes otherwise are
        // integers from 2^128 up, which cannot carry at the units digit,
        // or below 1.)
        let carried = alt && x == prec as i64 && format!("{:.0}", a.trunc()).len() <= prec;
        out.extend_from_slice(&e[..if carried { 1 } else { ie }]);
        &e[ie..]
    } else {
        let fprec = (prec as i64 - 1 - x) as usize;
        let _ = write!(out, "{a:.fprec$}");
        b""
    };
    let has_point = out[start..].contains(&b'.');
    if alt && !has_point {
        out.push(b'.');
    } else if !alt && has_point {
        while out.last() == Some(&b'0') {
            out.pop();
        }
        if out.last() == Some(&b'.') {
            out.pop();
        }
    }
    out.extend_from_slice(tail);
}

/// Appends a non-negative finite `a` in glibc's `%a` form without the
/// `0x` prefix: a leading digit 1 for normal numbers and 0 for subnormals
/// (with exponent -1022), trailing zeros dropped when there is no
/// precision, and rounding half-to-even on the last digit kept, without
/// renormalising (so "%.1a" of 1.97 is "0x2.0p+0").
fn hex_float(out: &mut Vec<u8>, a: f64, precision: Option<usize>, alt: bool, upper: bool) {
    let bits = a.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut frac = bits & ((1 << 52) - 1);
    let mut lead = 1u64;
    if exp == 0 && frac == 0 {
        lead = 0;
    } else if exp == 0 {
        lead = 0;
        exp = -1022;
    } else {
        exp -= 1023;
    }
    const FRAC_DIGITS: usize = 13;
    let mut ndigits = FRAC_DIGITS;
    if let Some(p) = precision
        && p < FRAC_DIGITS
    {
        ndigits = p;
        let shift = (FRAC_DIGITS - ndigits) as u32 * 4;
        let mut kept = frac >> shift;
        let rem = frac & ((1u64 << shift) - 1);
        let half = 1u64 << (shift - 1);
        let odd = if ndigits == 0 {
            lead & 1 == 1
        } else {
            kept & 1 == 1
        };
        if rem > half || (rem == half && odd) {
            kept += 1;
            if kept >> (ndigits as u32 * 4) != 0 {
                kept = 0;
                lead += 1;
            }
        }
        frac = kept;
    }
    let hex: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.push(hex[lead as usize]);
    let mut fd = [0u8; FRAC_DIGITS];
    for i in (0..ndigits).rev() {
        fd[i] = hex[(frac & 0xf) as usize];
        frac >>= 4;
    }
    let mut digits = &fd[..ndigits];
    if precision.is_none() {
        while let Some((&b'0', rest)) = digits.split_last() {
            digits = rest;
        }
    }
    if !digits.is_empty() || alt || precision.is_some_and(|p| p > 0) {
        out.push(b'.');
    }
    out.extend_from_slice(digits);
    if let Some(p) = precision {
        for _ in FRAC_DIGITS..p {
            out.push(b'0');
        }
    }
    out.push(if upper { b'P' } else { b'p' });
    let _ = write!(out, "{}{}", if exp >= 0 { "+" } else { "" }, exp);
}

/// Formats a byte string for `%s`: the precision truncates, the width pads.
pub fn format_str(out: &mut Vec<u8>, s: &[u8], sp: &Spec) {
    let s = match sp.precision {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad(out, sp, b"", 0, s, false);
}

/// Formats with a C specification string, for tests and simple callers:
/// integers for `d i u c o x X`, floats for the rest.
pub fn sprintf(form: &str, v: FmtArg) -> Vec<u8> {
    let sp = Spec::parse(form.as_bytes()).expect("bad spec");
    let mut out = Vec::new();
    match v {
        FmtArg::Int(n) => format_int(&mut out, n, &sp),
        FmtArg::Float(x) => format_float(&mut out, x, &sp),
    }
    out
}

/// An argument of [`sprintf`].
#[derive(Clone, Copy, Debug)]
pub enum FmtArg {
    /// An integer argument.
    Int(i64),
    /// A float argument.
    Float(f64),
}
