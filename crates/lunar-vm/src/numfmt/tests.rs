//! Tests of the C `printf` conversions: fixed cases, and the fast decimal
//! path against Rust's exact formatting and against the system's printf.

use super::*;
use FmtArg::{Float as F, Int as I};

/// Formats with `form`, a specification followed by literal text.
fn s(form: &str, v: FmtArg) -> String {
    let end = form.find(|c: char| c.is_ascii_alphabetic()).unwrap() + 1;
    String::from_utf8(sprintf(&form[..end], v)).unwrap() + &form[end..]
}

#[test]
fn integers() {
    let cases: &[(&str, i64, &str)] = &[
        ("%d", 0, "0"),
        ("%d", -42, "-42"),
        ("%5d", 42, "   42"),
        ("%-5d|", 42, "42   |"),
        ("%05d", -42, "-0042"),
        ("%+d", 42, "+42"),
        ("% d", 42, " 42"),
        ("%.3d", 7, "007"),
        ("%8.3d", -7, "    -007"),
        ("%08.3d", 7, "     007"),
        ("%.0d", 0, ""),
        ("%d", i64::MIN, "-9223372036854775808"),
        ("%x", 255, "ff"),
        ("%X", 255, "FF"),
        ("%#x", 255, "0xff"),
        ("%#X", 255, "0XFF"),
        ("%#x", 0, "0"),
        ("%x", -1, "ffffffffffffffff"),
        ("%o", 8, "10"),
        ("%#o", 8, "010"),
        ("%#o", 0, "0"),
        ("%#.0o", 0, "0"),
        ("%u", -1, "18446744073709551615"),
        ("%#08x", 255, "0x0000ff"),
        ("%-#8x|", 255, "0xff    |"),
        ("%i", 12, "12"),
        ("%5c|", 65, "    A|"),
        ("%-3c|", 65, "A  |"),
    ];
    for &(f, n, want) in cases {
        assert_eq!(s(f, I(n)), want, "{f} {n}");
    }
}

#[test]
fn floats_fixed_and_exp() {
    let cases: &[(&str, f64, &str)] = &[
        ("%f", 1.5, "1.500000"),
        ("%.0f", 0.5, "0"),
        ("%.0f", 1.5, "2"),
        ("%.0f", 2.5, "2"),
        ("%#.0f", 2.0, "2."),
        ("%.2f", 1.005, "1.00"),
        ("%.3f", -0.0, "-0.000"),
        ("%10.3f", 1.23456, "     1.235"),
        ("%-10.3f|", 1.23456, "1.235     |"),
        ("%010.3f", -1.23456, "-00001.235"),
        ("%+.1f", 2.25, "+2.2"),
        ("% .1f", 2.35, " 2.4"),
        ("%f", 1e20, "100000000000000000000.000000"),
        ("%e", 1234.5, "1.234500e+03"),
        ("%E", 0.000123, "1.230000E-04"),
        ("%.0e", 5e10, "5e+10"),
        ("%#.0e", 5e10, "5.e+10"),
        ("%e", 0.0, "0.000000e+00"),
        ("%.3e", 1e-300, "1.000e-300"),
        ("%e", 1e100, "1.000000e+100"),
        ("%12.2e", 123456.0, "    1.23e+05"),
        ("%F", f64::INFINITY, "INF"),
        ("%f", f64::NEG_INFINITY, "-inf"),
        ("%5f", f64::NAN, "  nan"),
        ("%f", -f64::NAN, "-nan"),
        ("%+f", f64::NAN, "+nan"),
        ("%05f", f64::INFINITY, "  inf"),
    ];
    for &(f, x, want) in cases {
        assert_eq!(s(f, F(x)), want, "{f} {x}");
    }
}

#[test]
fn floats_g() {
    let cases: &[(&str, f64, &str)] = &[
        ("%g", 100000.0, "100000"),
        ("%g", 1000000.0, "1e+06"),
        ("%g", 0.0001, "0.0001"),
        ("%g", 0.00001, "1e-05"),
        ("%g", 0.0, "0"),
        ("%g", -0.0, "-0"),
        ("%#g", 1.0, "1.00000"),
        ("%#g", 0.0, "0.00000"),
        ("%#.1g", 0.0, "0."),
        ("%.0g", 123.0, "1e+02"),
        ("%.1g", 0.95, "0.9"),
        ("%.1g", 0.96, "1"),
        ("%G", 1e-10, "1E-10"),
        ("%.14g", 0.1, "0.1"),
        ("%.14g", 1.0 / 3.0, "0.33333333333333"),
        ("%.14g", 1e15, "1e+15"),
        ("%.14g", 2f64.powi(63), "9.2233720368548e+18"),
        ("%.14g", 100.0, "100"),
        ("%.14g", 123456789012345.0, "1.2345678901234e+14"),
        ("%.17g", 0.1, "0.10000000000000001"),
        ("%10.3g|", 1.23456, "      1.23|"),
        ("%-10.3g|", 1.23456, "1.23      |"),
        ("%010.3g", -1.23456, "-000001.23"),
        ("%g", 9.9999995e-5, "0.0001"),
        ("%.3g", 9995.0, "1e+04"),
    ];
    for &(f, x, want) in cases {
        assert_eq!(s(f, F(x)), want, "{f} {x}");
    }
}

#[test]
fn hex_floats() {
    let cases: &[(&str, f64, &str)] = &[
        ("%a", 3.0, "0x1.8p+1"),
        ("%a", 1.0, "0x1p+0"),
        ("%a", 0.5, "0x1p-1"),
        ("%a", 0.0, "0x0p+0"),
        ("%a", -0.0, "-0x0p+0"),
        ("%A", 255.0, "0X1.FEP+7"),
        ("%a", 0.1, "0x1.999999999999ap-4"),
        ("%a", 5e-324, "0x0.0000000000001p-1022"),
        ("%a", f64::MAX, "0x1.fffffffffffffp+1023"),
        ("%.1a", 1.97, "0x2.0p+0"),
        ("%.0a", 1.5, "0x2p+0"),
        ("%.0a", 2.5, "0x1p+1"),
        ("%.3a", 1.0, "0x1.000p+0"),
        ("%.15a", 1.0, "0x1.000000000000000p+0"),
        ("%#a", 1.0, "0x1.p+0"),
        ("%+a", 1.0, "+0x1p+0"),
        ("%12a", 1.0, "      0x1p+0"),
        ("%012a", -1.0, "-0x000001p+0"),
        ("%a", f64::INFINITY, "inf"),
        ("%A", -f64::NAN, "-NAN"),
    ];
    for &(f, x, want) in cases {
        assert_eq!(s(f, F(x)), want, "{f} {x}");
    }
}

#[test]
fn strings() {
    let mut out = Vec::new();
    format_str(&mut out, b"hello", &Spec::parse(b"%.3s").unwrap());
    format_str(&mut out, b"ab", &Spec::parse(b"%4s").unwrap());
    format_str(&mut out, b"ab", &Spec::parse(b"%-4s").unwrap());
    assert_eq!(out, b"hel  abab  ");
}

/// Compares with the system's lua5.4 (glibc's printf) when installed.
#[test]
fn against_lua() {
    let Ok(out) = std::process::Command::new("lua5.4")
        .arg("-e")
        .arg(
            "for _, f in ipairs{'%g','%.3g','%e','%.10e','%f','%.20f','%a','%.2a','%.0f','%+.14g'} do \
             for _, x in ipairs{0.1, 2/3, 1e300, 5e-324, 123456.789, -1.5, 1e-7, 2^53+1, 0.5, 1e22} do \
             io.write(string.format(f, x), '\\n') end end",
        )
        .output()
    else {
        return; // lua5.4 is not installed
    };
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    for f in [
        "%g", "%.3g", "%e", "%.10e", "%f", "%.20f", "%a", "%.2a", "%.0f", "%+.14g",
    ] {
        for x in [
            0.1,
            2.0 / 3.0,
            1e300,
            5e-324,
            123456.789,
            -1.5,
            1e-7,
            2f64.powi(53) + 1.0,
            0.5,
            1e22,
        ] {
            let want = lines.next().unwrap();
            let got = s(f, F(x));
            assert_eq!(got, want, "{f} {x}");
        }
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Doubles that stress the fast path: random bit patterns, random
/// mantissas with exponents around its range, "nice" decimals, integers,
/// exact halfway cases at several precisions, denormals and huge values.
fn sample_doubles() -> Vec<f64> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut v = vec![
        0.0,
        0.5,
        1.5,
        2.5,
        0.125,
        0.375,
        1.005,
        9.5,
        99.5,
        999.5,
        0.95,
        0.96,
        9995.0,
        9.9999995e-5,
        1e15 + 0.5,
        2f64.powi(52) + 0.5,
        2f64.powi(53),
        2f64.powi(63),
        2f64.powi(64),
        2f64.powi(127) * 1.999,
        2f64.powi(128),
        2f64.powi(-72),
        2f64.powi(-71) * 1.5,
        2f64.powi(-124),
        2f64.powi(-125),
        1e-22,
        4e-22,
        5e-22,
        1e-300,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        1e22,
        1e23,
        123456.789,
        1.0 / 3.0,
        2.0 / 3.0,
        0.1,
        0.2,
        0.3,
    ];
    for k in 0..2000 {
        let k = k as f64;
        v.push(k / 100.0);
        v.push(k / 1000.0);
        v.push(k / 8.0);
        v.push(k / 3.0);
        v.push(k * 0.5);
        v.push(k * 1e6 + 0.5);
    }
    // Exact ties: (2j + 1) / 2^k are halfway at k-ish decimal places.
    for k in 1..=30 {
        for j in 0..40u64 {
            v.push((2 * j + 1) as f64 / 2f64.powi(k));
            v.push((j * 1000 + 5) as f64 / 2f64.powi(k));
        }
    }
    for _ in 0..3000 {
        v.push(f64::from_bits(rng.next() & !(1 << 63)));
    }
    for _ in 0..6000 {
        let m = rng.next() >> 11; // 53 bits
        let e = (rng.next() % 220) as i32 - 90;
        v.push(m as f64 * 2f64.powi(e - 52));
    }
    for _ in 0..1000 {
        let m = rng.next() >> (11 + rng.next() % 50); // few significant bits
        let e = (rng.next() % 200) as i32 - 80;
        v.push(m as f64 * 2f64.powi(e));
    }
    for _ in 0..500 {
        v.push(f64::from_bits(rng.next() % (1 << 52))); // denormals
    }
    v.retain(|x| x.is_finite());
    v
}

/// The fast path gives what Rust's exact formatting gives, for every
/// precision from 0 to 20, with and without `#`, and takes most samples.
#[test]
fn fast_path_matches_exact() {
    let (mut taken, mut total) = (0usize, 0usize);
    let (mut fast, mut exact) = (Vec::new(), Vec::new());
    for a in sample_doubles() {
        for prec in 0..=20 {
            for alt in [false, true] {
                type Conv = (
                    fn(&mut Vec<u8>, f64, usize, bool) -> bool,
                    fn(&mut Vec<u8>, f64, usize, bool),
                    &'static str,
                );
                let convs: [Conv; 3] = [
                    (fast::fixed, exact_fixed, "f"),
                    (fast::exp, exact_exp, "e"),
                    (fast::general, exact_g, "g"),
                ];
                for (f, e, name) in convs {
                    total += 1;
                    fast.clear();
                    fast.extend_from_slice(b"<");
                    if !f(&mut fast, a, prec, alt) {
                        assert_eq!(fast, b"<", "a failed fast path appended");
                        continue;
                    }
                    taken += 1;
                    exact.clear();
                    exact.extend_from_slice(b"<");
                    e(&mut exact, a, prec, alt);
                    assert_eq!(
                        String::from_utf8_lossy(&fast),
                        String::from_utf8_lossy(&exact),
                        "%{}.{prec}{name} of {a:e} ({:#x})",
                        if alt { "#" } else { "" },
                        a.to_bits()
                    );
                }
            }
        }
    }
    // Random bit patterns are mostly out of range; the rest are in it.
    assert!(taken * 10 > total * 6, "fast path took {taken} of {total}");
}

/// `format_float` (fast path, padding and case included) against the
/// system's lua5.4, whose `string.format` is glibc's printf, on random
/// doubles given as exact hexadecimal literals.
#[test]
fn fast_path_against_lua() {
    use std::io::Write as _;
    let forms = [
        "%.0f", "%.1f", "%.2f", "%5.2f", "%.3f", "%.6f", "%.17f", "%.20f", "%f", "%.0e", "%.3e",
        "%e", "%.16e", "%#.0e", "%.14g", "%g", "%.1g", "%.3g", "%.17g", "%#g", "%#.0f", "%-12.4G",
        "%+012.3E", "% .10g",
    ];
    let mut rng = Rng(12345);
    let mut xs = sample_doubles();
    xs.retain(|_| rng.next().is_multiple_of(8));
    let script = format!(
        "local forms = {{'{}'}}\n\
         for line in io.lines() do local x = tonumber(line)\n\
         for _, f in ipairs(forms) do io.write(string.format(f, x), '\\n') end end",
        forms.join("','")
    );
    let Ok(mut child) = std::process::Command::new("lua5.4")
        .arg("-e")
        .arg(&script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    else {
        return; // lua5.4 is not installed
    };
    let mut input = String::new();
    for (i, x) in xs.iter().enumerate() {
        let x = if i % 2 == 1 { -x } else { *x };
        input.push_str(&String::from_utf8(sprintf("%a", F(x))).unwrap());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let mut n = 0;
    for (i, x) in xs.iter().enumerate() {
        let x = if i % 2 == 1 { -x } else { *x };
        for f in forms {
            let want = lines.next().expect("lua5.4 printed fewer lines");
            assert_eq!(s(f, F(x)), want, "{f} of {x:e} ({:#x})", x.to_bits());
            n += 1;
        }
    }
    assert!(n > 10_000);
}

/// The integer conversions' digits agree with Rust's for random values of
/// every size.
#[test]
fn integer_digits() {
    let mut rng = Rng(77);
    for i in 0..20_000 {
        let n = (rng.next() >> (i % 64)) as i64;
        let n = if i % 3 == 0 { n.wrapping_neg() } else { n };
        let u = n as u64;
        assert_eq!(s("%d", I(n)), n.to_string());
        assert_eq!(s("%u", I(n)), u.to_string());
        assert_eq!(s("%x", I(n)), format!("{u:x}"));
        assert_eq!(s("%X", I(n)), format!("{u:X}"));
        assert_eq!(s("%o", I(n)), format!("{u:o}"));
        assert_eq!(
            s("%#x", I(n)),
            if n == 0 {
                "0".into()
            } else {
                format!("{u:#x}")
            }
        );
    }
}

/// glibc's `%#g` keeps no fraction zeros when rounding carries a value
/// just below 10^p into the exponent form.
#[test]
fn alt_g_carry_into_exponent_form() {
    let cases: &[(&str, f64, &str)] = &[
        ("%#.2g", 99.886, "1.e+02"),
        ("%#.3g", 999.6, "1.e+03"),
        ("%#.5g", 99999.9, "1.e+05"),
        ("%#.2g", 9.96, "10."),
        ("%#.3g", 9.996, "10.0"),
        ("%#.3g", 9996.0, "1.00e+04"),
        ("%#.2g", 0.0000996, "0.00010"),
        ("%.2g", 99.886, "1e+02"),
        ("%#.0g", 9.6, "1.e+01"),
    ];
    for &(f, x, want) in cases {
        assert_eq!(s(f, F(x)), want, "{f} {x}");
    }
}
