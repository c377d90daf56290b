//! The fast path of the decimal float conversions (`%.Nf`, `%.Ne`,
//! `%.Ng`): exact fixed-point arithmetic on the double's binary value in
//! `u64`/`u128`, rounding half-to-even on that exact value as glibc does.
//!
//! A finite double is `m * 2^e` with `m < 2^53`. With trailing zero bits
//! of `m` moved into `e`, the value is `int + frac / 2^s`: when
//! `0 <= e <= 75` it is the integer `m << e` (below 2^128), and when
//! `-124 <= e < 0` (`s = -e`) the fraction's digits come out one by one as
//! `frac * 10 >> s` without overflowing 128 bits. That covers every double
//! from about 4e-22 up to 3.4e38, which is what scripts print; the others
//! return `None` (or, for `%f` of a value too small to show, all zeros) and
//! the caller takes Rust's exact formatting instead. Each function here
//! appends to `out` only when it succeeds.

/// An unsigned word that holds a fraction `frac < 2^s` and `frac * 10`.
/// `u64` serves while `s <= 60`, `u128` up to `s = 124`.
trait Word: Copy + Ord {
    const ZERO: Self;
    /// Narrows from the `u128` the split produces (which fits).
    fn from_u128(v: u128) -> Self;
    /// Multiplies by ten, then splits at bit `s`: the digit above and the
    /// fraction below.
    fn next_digit(self, s: u32) -> (u8, Self);
    /// One half as a fraction of `2^s`, for `s >= 1`.
    fn half(s: u32) -> Self;
}

macro_rules! word {
    ($t:ty) => {
        impl Word for $t {
            const ZERO: Self = 0;
            fn from_u128(v: u128) -> Self {
                v as $t
            }
            #[inline(always)]
            fn next_digit(self, s: u32) -> (u8, Self) {
                let v = self * 10;
                ((v >> s) as u8, v & ((1 << s) - 1))
            }
            fn half(s: u32) -> Self {
                1 << (s - 1)
            }
        }
    };
}
word!(u64);
word!(u128);

/// The exact value of a non-negative double: `int + frac / 2^s`.
#[derive(Clone, Copy, Debug)]
struct Split {
    int: u128,
    frac: u128,
    s: u32,
}

/// Where a double falls for the fast path.
enum Decoded {
    /// Zero (either sign).
    Zero,
    /// Representable as a [`Split`].
    Exact(Split),
    /// Below 2^-72 (a fraction needing more than 124 bits).
    Tiny,
    /// At or above 2^128.
    Huge,
}

/// Splits a finite non-negative `a`.
fn decode(a: f64) -> Decoded {
    let bits = a.to_bits();
    let be = ((bits >> 52) & 0x7ff) as i32;
    let fr = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if be == 0 {
        (fr, -1074)
    } else {
        (fr | (1 << 52), be - 1075)
    };
    if m == 0 {
        return Decoded::Zero;
    }
    // Fewer fraction bits make shorter words and earlier ends.
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    if e >= 0 {
        if 64 - m.leading_zeros() as i32 + e > 128 {
            return Decoded::Huge;
        }
        Decoded::Exact(Split {
            int: (m as u128) << e,
            frac: 0,
            s: 0,
        })
    } else if e >= -124 {
        let s = (-e) as u32;
        let m = m as u128;
        Decoded::Exact(Split {
            int: m >> s,
            frac: m & ((1 << s) - 1),
            s,
        })
    } else {
        // m < 2^53 and s >= 125, so a < 2^-72.
        Decoded::Tiny
    }
}

/// Pairs of decimal digits, "00" to "99", for writing integers two digits
/// per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n` in decimal at the end of `buf` and returns where it starts
/// (`"0"` for zero).
pub(super) fn itoa(buf: &mut [u8; 40], n: u128) -> usize {
    let mut pos = buf.len();
    let mut low = n;
    if n > u64::MAX as u128 {
        // Peel 19 digits at a time until the rest fits in 64 bits (at most
        // twice: 2^128 has 39 digits).
        const P19: u128 = 10_000_000_000_000_000_000;
        while low > u64::MAX as u128 {
            let mut chunk = (low % P19) as u64;
            low /= P19;
            for _ in 0..19 {
                pos -= 1;
                buf[pos] = b'0' + (chunk % 10) as u8;
                chunk /= 10;
            }
        }
    }
    let mut u = low as u64;
    while u >= 100 {
        let r = (u % 100) as usize * 2;
        u /= 100;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&PAIRS[r..r + 2]);
    }
    if u >= 10 {
        let r = u as usize * 2;
        pos -= 2;
        buf[pos..pos + 2].copy_from_slice(&PAIRS[r..r + 2]);
    } else if u > 0 || pos == buf.len() {
        pos -= 1;
        buf[pos] = b'0' + u as u8;
    }
    pos
}

/// Appends `count` digits of the fraction `frac / 2^s` and returns what is
/// left of it.
#[inline]
fn frac_digits<W: Word>(out: &mut Vec<u8>, mut frac: W, s: u32, count: usize) -> W {
    out.reserve(count);
    for i in 0..count {
        if frac == W::ZERO {
            out.resize(out.len() + count - i, b'0');
            break;
        }
        let (d, rest) = frac.next_digit(s);
        out.push(b'0' + d);
        frac = rest;
    }
    frac
}

/// Whether the digits written so far, the last of them `last`, round up
/// given the fraction `frac / 2^s` after them: above one half, or exactly
/// one half with an odd last digit.
#[inline]
fn frac_rounds_up<W: Word>(frac: W, s: u32, last: u8) -> bool {
    if frac == W::ZERO {
        return false;
    }
    let half = W::half(s);
    frac > half || (frac == half && last & 1 == 1)
}

/// Adds one unit in the last place to the ASCII digits in `d` (skipping a
/// point). True when it carried out of the first digit (all were nines and
/// are now zeros).
fn increment(d: &mut [u8]) -> bool {
    for c in d.iter_mut().rev() {
        match *c {
            b'9' => *c = b'0',
            b'.' => {}
            _ => {
                *c += 1;
                return false;
            }
        }
    }
    true
}

/// Appends `a` (finite, non-negative) as C's `%.<prec>f` (with `#` when
/// `alt`). False, with nothing appended, when the fast path cannot do it.
pub(super) fn fixed(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) -> bool {
    let sp = match decode(a) {
        Decoded::Exact(sp) => sp,
        Decoded::Zero => Split {
            int: 0,
            frac: 0,
            s: 0,
        },
        // Below 2^-72 < 0.5e-21, so up to 21 places it rounds to zero.
        Decoded::Tiny if prec <= 21 => Split {
            int: 0,
            frac: 0,
            s: 0,
        },
        Decoded::Tiny | Decoded::Huge => return false,
    };
    if sp.s <= 60 {
        fixed_with::<u64>(out, sp, prec, alt);
    } else {
        fixed_with::<u128>(out, sp, prec, alt);
    }
    true
}

fn fixed_with<W: Word>(out: &mut Vec<u8>, sp: Split, prec: usize, alt: bool) {
    let start = out.len();
    let mut buf = [0u8; 40];
    let pos = itoa(&mut buf, sp.int);
    out.extend_from_slice(&buf[pos..]);
    if prec > 0 || alt {
        out.push(b'.');
    }
    let rest = frac_digits(out, W::from_u128(sp.frac), sp.s, prec);
    // The last digit is a fraction digit or, with no precision, the
    // integer's last digit (a point after it is skipped by `increment`).
    let last = if prec > 0 {
        out[out.len() - 1]
    } else {
        buf[39]
    };
    if frac_rounds_up(rest, sp.s, last) && increment(&mut out[start..]) {
        out.insert(start, b'1');
    }
}

/// Appends the first `n >= 1` significant digits of `a` (finite,
/// non-negative), rounded half-to-even, and returns the decimal exponent
/// of the first digit (0 for zero, whose digits are all zeros) and whether
/// rounding carried into a new leading digit (9.96 -> "10"). `None`, with
/// nothing appended, when the fast path cannot do it.
fn significant(out: &mut Vec<u8>, a: f64, n: usize) -> Option<(i32, bool)> {
    match decode(a) {
        Decoded::Zero => {
            out.resize(out.len() + n, b'0');
            Some((0, false))
        }
        Decoded::Exact(sp) if sp.s <= 60 => Some(significant_with::<u64>(out, sp, n)),
        Decoded::Exact(sp) => Some(significant_with::<u128>(out, sp, n)),
        Decoded::Tiny | Decoded::Huge => None,
    }
}

fn significant_with<W: Word>(out: &mut Vec<u8>, sp: Split, n: usize) -> (i32, bool) {
    let start = out.len();
    let s = sp.s;
    let mut frac = W::from_u128(sp.frac);
    let mut x;
    let up;
    if sp.int != 0 {
        let mut buf = [0u8; 40];
        let pos = itoa(&mut buf, sp.int);
        let digits = &buf[pos..];
        x = digits.len() as i32 - 1;
        if digits.len() > n {
            // Rounding inside the integer: the digits after the cut and the
            // fraction decide.
            out.extend_from_slice(&digits[..n]);
            let next = digits[n];
            let rest_nonzero = frac != W::ZERO || digits[n + 1..].iter().any(|&c| c != b'0');
            up = next > b'5' || (next == b'5' && (rest_nonzero || digits[n - 1] & 1 == 1));
        } else {
            out.extend_from_slice(digits);
            frac = frac_digits(out, frac, s, n - digits.len());
            up = frac_rounds_up(frac, s, out[out.len() - 1]);
        }
    } else {
        // A pure fraction (not zero): skip its leading zero digits.
        x = -1;
        loop {
            let (d, rest) = frac.next_digit(s);
            frac = rest;
            if d != 0 {
                out.push(b'0' + d);
                break;
            }
            x -= 1;
        }
        frac = frac_digits(out, frac, s, n - 1);
        up = frac_rounds_up(frac, s, out[out.len() - 1]);
    }
    if up && increment(&mut out[start..]) {
        // 99.9 became 00.0: it is 10.00 with one more in the exponent.
        out[start] = b'1';
        x += 1;
        return (x, true);
    }
    (x, false)
}

/// Appends `e`, the exponent's sign and at least two of its digits.
fn exponent(out: &mut Vec<u8>, x: i32) {
    out.push(b'e');
    out.push(if x < 0 { b'-' } else { b'+' });
    let u = x.unsigned_abs();
    if u >= 100 {
        out.push(b'0' + (u / 100) as u8);
    }
    let r = (u % 100) as usize * 2;
    out.extend_from_slice(&PAIRS[r..r + 2]);
}

/// Appends `a` (finite, non-negative) as C's `%.<prec>e` (with `#` when
/// `alt`). False, with nothing appended, when the fast path cannot do it.
pub(super) fn exp(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) -> bool {
    let start = out.len();
    let Some((x, _)) = significant(out, a, prec + 1) else {
        return false;
    };
    if prec > 0 || alt {
        out.insert(start + 1, b'.');
    }
    exponent(out, x);
    true
}

/// Appends `a` (finite, non-negative) as C's `%.<prec>g` (with `#` when
/// `alt`). False, with nothing appended, when the fast path cannot do it.
pub(super) fn general(out: &mut Vec<u8>, a: f64, prec: usize, alt: bool) -> bool {
    let p = prec.max(1);
    let start = out.len();
    let Some((x, carried)) = significant(out, a, p) else {
        return false;
    };
    // glibc chooses between the forms on the unrounded exponent, and when
    // rounding carries a value just below 10^p into the exponent form it
    // keeps the fixed form's (zero) fraction digits: `%#.2g` of 99.9 is
    // "1.e+02", not "1.0e+02".
    let keep_zeros = alt && !(carried && x == p as i32);
    // Drops trailing zeros (unless `#`), keeping the first `keep` digits.
    let trim = |out: &mut Vec<u8>, keep: usize| {
        if !keep_zeros {
            while out.len() > start + keep && out[out.len() - 1] == b'0' {
                out.pop();
            }
        }
    };
    if x < -4 || x >= p as i32 {
        trim(out, 1);
        if out.len() > start + 1 || alt {
            out.insert(start + 1, b'.');
        }
        exponent(out, x);
    } else if x >= 0 {
        // x + 1 digits before the point, p - 1 - x after it.
        let int_len = x as usize + 1;
        trim(out, int_len);
        if out.len() > start + int_len || alt {
            out.insert(start + int_len, b'.');
        }
    } else {
        // 0.000ddd: the digits after -x - 1 zeros (a is not zero here).
        trim(out, 1);
        let zeros = (-x - 1) as usize;
        out.splice(
            start..start,
            b"0."
                .iter()
                .copied()
                .chain(std::iter::repeat_n(b'0', zeros)),
        );
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itoa_writes_every_size() {
        let mut buf = [0u8; 40];
        for n in [
            0u128,
            7,
            10,
            99,
            100,
            12345,
            u64::MAX as u128,
            u64::MAX as u128 + 1,
            10u128.pow(19),
            10u128.pow(38),
            u128::MAX,
        ] {
            let pos = itoa(&mut buf, n);
            assert_eq!(&buf[pos..], n.to_string().as_bytes(), "{n}");
        }
    }

    #[test]
    fn decode_bounds() {
        assert!(matches!(decode(0.0), Decoded::Zero));
        assert!(matches!(decode(2f64.powi(127) * 1.5), Decoded::Exact(_)));
        assert!(matches!(decode(2f64.powi(128)), Decoded::Huge));
        assert!(matches!(decode(2f64.powi(-124)), Decoded::Exact(_)));
        assert!(matches!(decode(2f64.powi(-125)), Decoded::Tiny));
        assert!(matches!(decode(5e-324), Decoded::Tiny));
        let Decoded::Exact(sp) = decode(12.375) else {
            panic!()
        };
        assert_eq!((sp.int, sp.frac, sp.s), (12, 3, 3));
    }

    #[test]
    fn increments_across_the_point() {
        let mut d = *b"19.99";
        assert!(!increment(&mut d));
        assert_eq!(&d, b"20.00");
        let mut d = *b"99.9";
        assert!(increment(&mut d));
        assert_eq!(&d, b"00.0");
    }
}
