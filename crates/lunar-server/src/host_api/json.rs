//! JSON to and from the VM's raw values: here the encoder, which walks a
//! Lua value and writes bytes directly, and in `decode` the decoder,
//! which builds Lua tables and strings directly (no `serde_json::Value`
//! in between).
//!
//! The mapping (the module docs of `host_api` state it for scripts): a
//! table whose keys are exactly `1..n` (n ≥ 1) is an array, any other
//! table an object (string keys; integer keys written as strings); JSON
//! `null` is the light userdata 0 (`json.null`, `lunar::Value::NULL`);
//! integers stay integers and floats are written so that they read back
//! as floats. Nesting is bounded by [`MAX_DEPTH`].

mod decode;

pub(crate) use decode::decode;
use lunar::raw::{Gc, State as Vm, Table, Value as Raw};
use std::io::Write as _;

/// The deepest nesting of arrays and objects either way.
pub(crate) const MAX_DEPTH: usize = 200;

/// `json.null`: the light userdata 0, as `lunar::Value::NULL`.
pub(crate) const NULL: Raw = Raw::LightUserData(0);

/// Why encoding stopped: a value JSON cannot hold (the message, without
/// the `json.encode: ` prefix), or a limit of the run (from charging the
/// work budget).
pub(crate) enum EncodeError {
    Invalid(String),
    Vm(lunar::vm::Error),
}

/// How much work the encoder counts before charging the run's budget.
const CHARGE_EVERY: u64 = 256;

/// Appends the JSON text of `v` to `out`. With `charge`, the work is
/// counted against the run's budget as it goes (a native function's
/// loop over script data), so that limits stop a huge value.
pub(crate) fn encode(
    vm: &mut Vm,
    v: Raw,
    out: &mut Vec<u8>,
    charge: bool,
) -> Result<(), EncodeError> {
    let mut e = Encoder {
        vm,
        out,
        path: Path::default(),
        charge,
        work: 0,
    };
    e.value(v)?;
    if charge && e.work > 0 {
        e.vm.charge(e.work).map_err(EncodeError::Vm)?;
    }
    Ok(())
}

/// How many table addresses a [`Path`] holds without allocating.
const PATH_INLINE: usize = 8;

/// The addresses of the tables being written, outermost first: a table
/// met again inside itself is a cycle. The first [`PATH_INLINE`] levels
/// live inline, so a shallow value (most answers) allocates nothing.
#[derive(Default)]
struct Path {
    inline: [usize; PATH_INLINE],
    /// The levels past the inline ones.
    deeper: Vec<usize>,
    len: usize,
}

impl Path {
    fn contains(&self, addr: usize) -> bool {
        self.inline[..self.len.min(PATH_INLINE)].contains(&addr) || self.deeper.contains(&addr)
    }

    fn push(&mut self, addr: usize) {
        if self.len < PATH_INLINE {
            self.inline[self.len] = addr;
        } else {
            self.deeper.push(addr);
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        self.len -= 1;
        if self.len >= PATH_INLINE {
            self.deeper.pop();
        }
    }
}

struct Encoder<'a> {
    vm: &'a mut Vm,
    out: &'a mut Vec<u8>,
    /// The tables being written.
    path: Path,
    charge: bool,
    /// Work not yet charged.
    work: u64,
}

impl Encoder<'_> {
    fn tick(&mut self) -> Result<(), EncodeError> {
        self.work += 1;
        if self.charge && self.work >= CHARGE_EVERY {
            let w = std::mem::take(&mut self.work);
            self.vm.charge(w).map_err(EncodeError::Vm)?;
        }
        Ok(())
    }

    fn value(&mut self, v: Raw) -> Result<(), EncodeError> {
        self.tick()?;
        match v {
            Raw::Nil => self.out.extend_from_slice(b"null"),
            Raw::Bool(true) => self.out.extend_from_slice(b"true"),
            Raw::Bool(false) => self.out.extend_from_slice(b"false"),
            Raw::Int(i) => write_int(self.out, i),
            Raw::Float(f) => write_float(self.out, f)?,
            Raw::Str(s) => write_string(self.out, s.as_bytes())?,
            Raw::Table(t) => self.table(t)?,
            Raw::LightUserData(0) => self.out.extend_from_slice(b"null"),
            other => {
                let what = match other {
                    Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => "function",
                    Raw::Thread(_) => "thread",
                    _ => "userdata",
                };
                return Err(invalid(format!("cannot encode a {what}")));
            }
        }
        Ok(())
    }

    fn table(&mut self, t: Gc<Table>) -> Result<(), EncodeError> {
        let addr = t.addr();
        if self.path.contains(addr) {
            return Err(invalid("cannot encode a cyclic table".into()));
        }
        if self.path.len >= MAX_DEPTH {
            return Err(invalid(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.path.push(addr);
        // The entries, counted once: for the array test, and so that the
        // object walk stops at its last entry rather than asking `next`
        // for one more (which looks the last key up again and scans the
        // rest of the table).
        let count = t.count();
        // An array has exactly the keys 1..n: n entries in all, none of
        // them missing (the border n alone allows holes below it). A
        // table without `t[1]` is none (whatever its border), and that
        // lookup is cheaper than the border's.
        let written = !t.get_int(1).is_nil() && {
            let n = t.len();
            n >= 1 && count as i64 == n && self.array(t, n)?
        };
        if !written {
            self.object(t, count)?;
        }
        self.path.pop();
        Ok(())
    }

    /// Writes `t[1..n]` as an array; `false` (with nothing written) when
    /// one of them is missing, so the table has other keys.
    fn array(&mut self, t: Gc<Table>, n: i64) -> Result<bool, EncodeError> {
        let mark = self.out.len();
        self.out.push(b'[');
        for i in 1..=n {
            let v = t.get_int(i);
            if v.is_nil() {
                self.out.truncate(mark);
                return Ok(false);
            }
            if i > 1 {
                self.out.push(b',');
            }
            self.value(v)?;
        }
        self.out.push(b']');
        Ok(true)
    }

    /// Writes the `count` entries of `t` as an object.
    fn object(&mut self, t: Gc<Table>, count: usize) -> Result<(), EncodeError> {
        self.out.push(b'{');
        let mut key = Raw::Nil;
        let mut first = true;
        for _ in 0..count {
            let (k, v) = match t.next(key) {
                Ok(Some(kv)) => kv,
                Ok(None) => break,
                // Only a key removed behind the walk's back (by a
                // metamethod, which the walk never calls) gets here.
                Err(()) => return Err(invalid("table changed while encoding".into())),
            };
            if !first {
                self.out.push(b',');
            }
            first = false;
            match k {
                Raw::Str(s) => write_string(self.out, s.as_bytes())?,
                Raw::Int(i) => {
                    self.out.push(b'"');
                    write_int(self.out, i);
                    self.out.push(b'"');
                }
                other => {
                    let what = match other {
                        Raw::Float(_) => "float",
                        Raw::Bool(_) => "boolean",
                        Raw::Table(_) => "table",
                        Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => "function",
                        Raw::Thread(_) => "thread",
                        _ => "userdata",
                    };
                    return Err(invalid(format!(
                        "table key must be a string or an integer, got {what}"
                    )));
                }
            }
            self.out.push(b':');
            self.value(v)?;
            key = k;
        }
        self.out.push(b'}');
        Ok(())
    }
}

fn invalid(msg: String) -> EncodeError {
    EncodeError::Invalid(msg)
}

/// The decimal digits of `n`, at the end of `buf` (returned).
fn decimal_digits(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[pos..]
}

/// An integer in decimal, without going through `fmt`.
fn write_int(out: &mut Vec<u8>, i: i64) {
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(decimal_digits(&mut [0u8; 20], i.unsigned_abs()));
}

/// A float as the shortest text that reads back as the same float, and
/// as a float: `1.0`, `0.1`, `1e300` (Rust's `Debug` form, which is
/// valid JSON for every finite value). Most floats in data have few
/// digits and are written without `fmt` (see [`write_short_float`]).
fn write_float(out: &mut Vec<u8>, f: f64) -> Result<(), EncodeError> {
    if !f.is_finite() {
        let what = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        return Err(invalid(format!("cannot encode {what}")));
    }
    if !write_short_float(out, f) {
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{f:?}");
    }
    Ok(())
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 2^53: integers below it are exact as doubles.
const EXACT_INTS: f64 = 9_007_199_254_740_992.0;

/// Writes `f` as `Debug` does, without `fmt`, when its shortest decimal
/// form has the plain (not exponent) notation and at most 15 or 16
/// significant digits; `false` (nothing written) otherwise.
///
/// `Debug` writes the shortest digits that read back as `f` (the closest
/// such digits when several have that length), in plain notation for
/// `1e-4 <= |f| < 1e16`, with at least one decimal. Here the digits are
/// found by trying `k = 0, 1, 2...` decimals: the decimal `m / 10^k`
/// reads back as `f` exactly when the division `m as f64 / 10^k` gives
/// `f` (both operands are exact, and the division rounds to nearest, even
/// on ties, as reading a decimal does). The first `k` with such an `m`
/// gives the fewest digits. Rounding in `|f| * 10^k` may put the right
/// `m` one off, so the neighbours are tried too; where two of them read
/// back as `f` (the decimals are then closer than the float's spacing)
/// the closest one is wanted, and that case is left to `fmt`. The
/// tests compare the two on millions of floats.
fn write_short_float(out: &mut Vec<u8>, f: f64) -> bool {
    let a = f.abs();
    if a == 0.0 {
        out.extend_from_slice(if f.is_sign_negative() {
            b"-0.0"
        } else {
            b"0.0"
        });
        return true;
    }
    if !(1e-4..1e16).contains(&a) {
        return false;
    }
    for (k, &p) in POW10.iter().enumerate() {
        let scaled = a * p;
        if scaled >= EXACT_INTS - 2.0 {
            return false;
        }
        // `m` is within 1.5 of `scaled`: within 1 of the exact product,
        // which is within half a unit of `scaled` (below 2^53).
        let t = scaled as u64;
        let mut found = None;
        for m in [t.wrapping_sub(1), t, t + 1, t + 2] {
            if m != u64::MAX && m as f64 / p == a {
                if found.is_some() {
                    return false;
                }
                found = Some(m);
            }
        }
        if let Some(m) = found {
            write_decimal(out, f.is_sign_negative(), m, k);
            return true;
        }
    }
    false
}

/// Writes `m / 10^k` in plain notation with at least one decimal
/// (`Debug`'s form): `12.5`, `0.001`, `3.0`.
fn write_decimal(out: &mut Vec<u8>, negative: bool, m: u64, k: usize) {
    let mut buf = [0u8; 20];
    let digits = decimal_digits(&mut buf, m);
    if negative {
        out.push(b'-');
    }
    if k == 0 {
        out.extend_from_slice(digits);
        out.extend_from_slice(b".0");
    } else if digits.len() > k {
        let (int, frac) = digits.split_at(digits.len() - k);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (k - digits.len()), b'0');
        out.extend_from_slice(digits);
    }
}

/// A byte of [`ESCAPES`] past ASCII: the string needs its UTF-8 checked.
const NON_ASCII: u8 = 1;

/// What each byte becomes inside a JSON string: 0 for itself, `u` for a
/// `\u00XX` escape, [`NON_ASCII`] for a byte past ASCII (itself, once
/// the string is known to be UTF-8), any other letter for that
/// two-character escape.
static ESCAPES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    let mut i = 0x80;
    while i < 0x100 {
        t[i] = NON_ASCII;
        i += 1;
    }
    t
};

/// A string literal; the bytes must be UTF-8 (JSON text is). The check
/// runs from the first byte past ASCII only (an ASCII string, as most
/// keys and values are, is valid as it is scanned for escapes); a string
/// that fails it leaves nothing written.
#[inline]
fn write_string(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EncodeError> {
    // Most strings have nothing to escape or check: one scan, one copy
    // (inlined: a call that saves every register costs more than that).
    match bytes.iter().position(|&b| ESCAPES[b as usize] != 0) {
        None => {
            out.reserve(bytes.len() + 2);
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
            Ok(())
        }
        Some(first) => write_string_escaped(out, bytes, first),
    }
}

/// [`write_string`] for a string with a byte to escape or check at
/// `first`.
#[cold]
#[inline(never)]
fn write_string_escaped(out: &mut Vec<u8>, bytes: &[u8], first: usize) -> Result<(), EncodeError> {
    let mark = out.len();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut checked = false;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let esc = ESCAPES[b as usize];
        if esc == 0 {
            continue;
        }
        if esc == NON_ASCII {
            // Everything before `i` is ASCII, so `i` starts a character.
            if !checked && std::str::from_utf8(&bytes[i..]).is_err() {
                out.truncate(mark);
                return Err(invalid("cannot encode a string that is not UTF-8".into()));
            }
            checked = true;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 15) as usize]);
        } else {
            out.push(b'\\');
            out.push(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `write_float`'s text of `f`.
    fn float_text(f: f64) -> String {
        let mut out = Vec::new();
        assert!(write_float(&mut out, f).is_ok());
        String::from_utf8(out).unwrap()
    }

    /// Compares the short path with `Debug` (the reference) for `f`;
    /// whether the short path wrote it.
    fn check(f: f64) -> bool {
        let mut out = Vec::new();
        let short = write_short_float(&mut out, f);
        if short {
            assert_eq!(String::from_utf8(out).unwrap(), format!("{f:?}"), "{f:e}");
        } else {
            assert!(out.is_empty());
        }
        assert_eq!(float_text(f), format!("{f:?}"));
        short
    }

    /// A xorshift generator: the same numbers on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn floats_read_as_debug_writes_them() {
        let fixed = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.2,
            0.3,
            0.1 + 0.2,
            9.5,
            -9.5,
            1.5,
            100.0,
            123.456,
            1e-4,
            -1e-4,
            1.2e-4,
            9.99e-5,
            1e15,
            9.999e15,
            1e16,
            1e16 - 2.0,
            4503599627370497.0,
            9007199254740991.0,
            9007199254740993.0,
            std::f64::consts::PI,
            std::f64::consts::E,
            1.0 / 3.0,
            2.0 / 3.0,
            0.001,
            0.000123,
            123456789.125,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for f in fixed {
            check(f);
        }
        assert_eq!(float_text(9.5), "9.5");
        assert_eq!(float_text(-0.0), "-0.0");
        assert_eq!(float_text(3.0), "3.0");
        assert_eq!(float_text(0.001), "0.001");
        assert_eq!(float_text(1e16), "1e16");
        assert_eq!(float_text(1e-5), "1e-5");
        // Neighbours of the notation's bounds and of powers of two and
        // ten, where the spacing of floats changes.
        let mut edges = vec![1e-4, 1e16];
        for e in -14..53 {
            edges.push(2f64.powi(e));
        }
        for p in POW10.iter().take(17) {
            edges.push(*p);
            edges.push(1.0 / *p);
        }
        for f in edges {
            let mut x = f;
            for _ in 0..64 {
                check(x);
                check(-x);
                x = f64::from_bits(x.to_bits() + 1);
            }
            let mut x = f;
            for _ in 0..64 {
                check(x);
                x = f64::from_bits(x.to_bits() - 1);
            }
        }
    }

    #[test]
    fn short_decimals_take_the_short_path() {
        // Decimals of up to 15 significant digits, read as floats: all
        // must take the short path, and agree with Debug.
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut short = 0;
        let n = 300_000;
        for _ in 0..n {
            let digits = rng.next() % 15 + 1;
            let m = rng.next() % 10u64.pow(digits as u32);
            let k = rng.next() % 20;
            let f = m as f64 / 10f64.powi(k as i32);
            if (1e-4..1e16).contains(&f) && check(f) {
                short += 1;
            }
        }
        assert!(short > n / 2, "{short} of {n} took the short path");
        assert!(check(12.5) && check(0.75) && check(1234.5678));
    }

    #[test]
    fn random_floats_agree_with_debug() {
        // Any bit pattern in the plain notation's range (and some out of
        // it): most take `fmt`, and whatever is written must be Debug's.
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..1_000_000 {
            let bits = rng.next();
            let f = f64::from_bits(bits);
            if f.is_finite() {
                check(f);
            }
            // Exponents of 1e-4..1e16 only.
            let e = 1010 + rng.next() % 50;
            let f = f64::from_bits((bits & 0x800f_ffff_ffff_ffff) | (e << 52));
            check(f);
        }
    }

    #[test]
    fn strings_are_checked_for_utf8_from_their_first_non_ascii_byte() {
        let text = |b: &[u8]| {
            let mut out = b"x".to_vec();
            match write_string(&mut out, b) {
                Ok(()) => Ok(String::from_utf8(out).unwrap()),
                Err(EncodeError::Invalid(m)) => {
                    assert_eq!(out, b"x", "nothing written");
                    Err(m)
                }
                Err(EncodeError::Vm(_)) => unreachable!(),
            }
        };
        assert_eq!(text(b"ok").unwrap(), "x\"ok\"");
        assert_eq!(text(b"").unwrap(), "x\"\"");
        assert_eq!(text(b"a\\b").unwrap(), "x\"a\\\\b\"");
        assert_eq!(text(b"\x7f\x1f").unwrap(), "x\"\x7f\\u001f\"");
        assert_eq!(
            text("caf\u{e9} \"\n\u{1}".as_bytes()).unwrap(),
            "x\"caf\u{e9} \\\"\\n\\u0001\""
        );
        assert_eq!(
            text("\u{1F600}\t\u{e9}".as_bytes()).unwrap(),
            "x\"\u{1F600}\\t\u{e9}\""
        );
        let bad = "cannot encode a string that is not UTF-8";
        assert_eq!(text(b"abc\xff").unwrap_err(), bad);
        assert_eq!(text(b"\xc3").unwrap_err(), bad);
        assert_eq!(text(b"a\"b\xe9\xff").unwrap_err(), bad);
        assert_eq!(text("\u{e9}".as_bytes()[..1].as_ref()).unwrap_err(), bad);
    }

    #[test]
    fn deep_paths_spill_and_find_cycles() {
        let mut p = Path::default();
        for a in 1..=20 {
            assert!(!p.contains(a));
            p.push(a);
        }
        assert!(p.contains(3) && p.contains(PATH_INLINE + 3) && p.contains(20));
        for _ in 0..15 {
            p.pop();
        }
        assert_eq!(p.len, 5);
        assert!(p.contains(5) && !p.contains(6) && !p.contains(PATH_INLINE + 3));
        assert!(p.deeper.is_empty());
    }
}
