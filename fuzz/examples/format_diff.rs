//! Differential check of `string.format`'s engine against another Lua:
//! for every `format` corpus file given (a format string, then an integer
//! and a float, as the `format` target reads them), prints each
//! conversion's result, in the format `format_diff.lua` prints with lua5.4:
//!
//! ```sh
//! cargo +nightly run --features stdlib --example format_diff -- corpus/format/* > lunar.txt
//! lua5.4 examples/format_diff.lua corpus/format/* > lua.txt
//! diff lunar.txt lua.txt
//! ```

use lunar_stdlib::string::format::{
    FLAGS_CHAR, FLAGS_FLOAT, FLAGS_HEX, FLAGS_INT, FLAGS_UNSIGNED, parse_spec, scan_spec,
};
use lunar_vm::numfmt::{format_float, format_int, format_str};

fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02x}")).collect()
}

fn main() {
    for file in std::env::args().skip(1) {
        let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let name = file.rsplit('/').next().unwrap();
        if data.len() < 16 {
            continue;
        }
        let (fmt, args) = data.split_at(data.len() - 16);
        let n = i64::from_le_bytes(args[..8].try_into().unwrap());
        let x = f64::from_bits(u64::from_le_bytes(args[8..].try_into().unwrap()));
        let mut f = fmt;
        while let Some(k) = f.iter().position(|&c| c == b'%') {
            f = &f[k..];
            if f.get(1) == Some(&b'%') {
                f = &f[2..];
                continue;
            }
            let Some(spec) = scan_spec(f) else {
                println!("{name} toolong");
                break;
            };
            f = spec.rest;
            let Some(verb) = spec.verb else {
                break;
            };
            let (flags, prec) = match verb {
                b'c' | b's' => (FLAGS_CHAR, verb == b's'),
                b'd' | b'i' => (FLAGS_INT, true),
                b'u' => (FLAGS_UNSIGNED, true),
                b'o' | b'x' | b'X' => (FLAGS_HEX, true),
                b'a' | b'A' | b'e' | b'E' | b'f' | b'g' | b'G' => (FLAGS_FLOAT, true),
                _ => break, // %p, %q and invalid conversions: not compared
            };
            let mut b = Vec::new();
            if verb == b's' && spec.form.len() > 2 && fmt.contains(&0) {
                // string.format's own check, made before the spec's.
                println!("{name} {} zeros", hex(spec.form));
                continue;
            }
            match parse_spec(spec.form, flags, prec) {
                None => println!("{name} {} invalid", hex(spec.form)),
                Some(sp) => {
                    match verb {
                        b'c' | b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
                            format_int(&mut b, n, &sp)
                        }
                        // Without a precision, long strings are kept whole.
                        b's' if sp.precision.is_none() && fmt.len() >= 100 => {
                            b.extend_from_slice(fmt)
                        }
                        b's' => format_str(&mut b, fmt, &sp),
                        _ => format_float(&mut b, x, &sp),
                    }
                    println!("{name} {} {}", hex(spec.form), hex(&b));
                }
            }
        }
    }
}
