//! Fuzz target `format`: `string.format`'s specification handling and
//! number formatting, without a VM. The input is a format string followed
//! (after the last 16 bytes) by an integer and a float argument. Each
//! conversion is split off and checked as `string.format` does
//! (`lunar_stdlib::string::format::{scan_spec, parse_spec}`), then
//! formatted with `lunar_vm::numfmt` (as the library does), `%q` with the
//! string library's helpers. Nothing may panic, and:
//!
//! - every conversion's output is at least as wide as its width, and
//!   `%c` is exactly one byte, padded;
//! - plain `%d`, `%x` and `%.17g` agree with Rust's formatting;
//! - `%q` output read back by the Lua scanner gives the same string,
//!   integer or float (bit for bit).

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_stdlib::string::format::{
    FLAGS_CHAR, FLAGS_FLOAT, FLAGS_HEX, FLAGS_INT, FLAGS_UNSIGNED, append_quoted,
    append_quoted_float, append_quoted_int, parse_spec, scan_spec,
};
use lunar_syntax::{Kind, Scanner};
use lunar_vm::numfmt::{Spec, format_float, format_int, format_str};

/// Scans `text` as Lua source: one literal, possibly after a minus sign.
/// Returns (negated, token).
fn read_literal(text: &[u8]) -> (bool, lunar_syntax::Token) {
    let mut s = Scanner::new(b"=q", text);
    let mut t = s.scan();
    let neg = t.kind == Kind::Minus;
    if neg {
        t = s.scan();
    }
    let end = s.scan();
    assert_eq!(
        end.kind,
        Kind::Eof,
        "%q output {:?} is more than one literal",
        String::from_utf8_lossy(text)
    );
    (neg, t)
}

fn check_quoted(arg_s: &[u8], n: i64, x: f64) {
    let mut b = Vec::new();
    append_quoted(&mut b, arg_s);
    let (neg, t) = read_literal(&b);
    assert!(
        !neg && t.kind == Kind::String && &*t.str == arg_s,
        "%q of {arg_s:?} reads back as {:?}",
        t.str
    );

    let mut b = Vec::new();
    append_quoted_int(&mut b, n);
    let (neg, t) = read_literal(&b);
    assert_eq!(t.kind, Kind::Int, "%q of {n}");
    assert_eq!(
        if neg { t.int.wrapping_neg() } else { t.int },
        n,
        "%q of {n}"
    );

    let mut b = Vec::new();
    append_quoted_float(&mut b, x);
    if x.is_nan() {
        assert_eq!(b, b"(0/0)");
        return;
    }
    let (neg, t) = read_literal(&b);
    assert_eq!(
        t.kind,
        Kind::Float,
        "%q of {x:?}: {:?}",
        String::from_utf8_lossy(&b)
    );
    let y = if neg { -t.float } else { t.float };
    assert!(
        y.to_bits() == x.to_bits(),
        "%q of {x:?} reads back as {y:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (fmt, args) = data.split_at(data.len() - 16);
    let n = i64::from_le_bytes(args[..8].try_into().unwrap());
    let x = f64::from_bits(u64::from_le_bytes(args[8..].try_into().unwrap()));

    check_quoted(fmt, n, x);

    // Rust's formatting as a reference for the plainest conversions.
    let mut out = Vec::new();
    format_int(&mut out, n, &Spec::new(b'd'));
    assert_eq!(out, n.to_string().as_bytes(), "%d");
    out.clear();
    format_int(&mut out, n, &Spec::new(b'x'));
    assert_eq!(out, format!("{:x}", n as u64).as_bytes(), "%x");
    if x.is_finite() {
        out.clear();
        format_float(&mut out, x, &Spec::with_precision(b'g', 17));
        let back: f64 = std::str::from_utf8(&out).unwrap().parse().unwrap();
        assert!(back.to_bits() == x.to_bits(), "%.17g of {x:?} is {back:?}");
    }

    // The format string, conversion by conversion, as string.format walks it.
    let mut f = fmt;
    let mut b = Vec::new();
    while let Some(k) = f.iter().position(|&c| c == b'%') {
        f = &f[k..];
        if f.get(1) == Some(&b'%') {
            f = &f[2..];
            continue;
        }
        let Some(spec) = scan_spec(f) else {
            return; // "invalid format (too long)"
        };
        f = spec.rest;
        let Some(verb) = spec.verb else {
            return;
        };
        let (flags, prec) = match verb {
            b'c' | b'p' | b's' => (FLAGS_CHAR, verb == b's'),
            b'd' | b'i' => (FLAGS_INT, true),
            b'u' => (FLAGS_UNSIGNED, true),
            b'o' | b'x' | b'X' => (FLAGS_HEX, true),
            b'a' | b'A' | b'e' | b'E' | b'f' | b'g' | b'G' => (FLAGS_FLOAT, true),
            b'q' => {
                if spec.form.len() != 2 {
                    return; // "specifier '%q' cannot have modifiers"
                }
                continue;
            }
            _ => return, // "invalid conversion"
        };
        let Some(sp) = parse_spec(spec.form, flags, prec) else {
            continue;
        };
        assert_eq!(sp.conv, verb);
        assert!(sp.width <= 99 && sp.precision.unwrap_or(0) <= 99, "{sp:?}");
        b.clear();
        match verb {
            b'c' | b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => format_int(&mut b, n, &sp),
            b's' | b'p' => format_str(&mut b, fmt, &sp),
            _ => format_float(&mut b, x, &sp),
        }
        if verb == b'c' {
            assert_eq!(b.len(), sp.width.max(1), "%c is one byte, padded");
        }
        assert!(
            b.len() >= sp.width,
            "{:?} of {n}/{x:?} gives {:?}, narrower than its width",
            String::from_utf8_lossy(spec.form),
            String::from_utf8_lossy(&b)
        );
        if verb != b's' && verb != b'c' && verb != b'p' {
            assert!(b.is_ascii(), "non-ASCII number output");
        }
    }
});
