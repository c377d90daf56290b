//! Fuzz target `pack`: the engine of `string.pack`/`unpack`/`packsize`
//! without a VM (`lunar_stdlib::string::pack`). The input is a format
//! string, a zero byte, then data. The format is read option by option as
//! `string.packsize` reads it (no panic, no endless loop, sane sizes and
//! alignment); each integer option packs a value from the data with
//! `pack_int` and must unpack to it with `unpack_int`; and `unpack_int`
//! on the raw data never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_stdlib::string::pack::{
    PACK_MAX_INT_SIZE, PackFormat, PackKind, pack_int, unpack_bits, unpack_int,
};

fuzz_target!(|input: &[u8]| {
    let (fmt, data) = match input.iter().position(|&c| c == 0) {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, &[][..]),
    };
    let mut vals = data
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .cycle();
    let mut pf = PackFormat::new(fmt);
    let mut total = 0usize;
    // Each option consumes at least one byte of the format.
    for _ in 0..=fmt.len() {
        if !pf.more() {
            break;
        }
        let opt = match pf.details(total) {
            Ok(o) => o,
            Err(e) => {
                assert!(!e.msg.is_empty());
                return;
            }
        };
        assert!(opt.ntoalign < 16, "{opt:?}");
        if opt.ntoalign > 0 {
            assert!(
                (total + opt.ntoalign).is_multiple_of(2),
                "{opt:?} at {total}"
            );
        }
        match opt.kind {
            PackKind::Int | PackKind::Uint => {
                assert!((1..=PACK_MAX_INT_SIZE).contains(&opt.size), "{opt:?}");
                let size = opt.size;
                let signed = opt.kind == PackKind::Int;
                let n = vals.next().unwrap_or(0x0123_4567_89ab_cdef);
                let neg = signed && (n as i64) < 0;
                let mut b = Vec::new();
                pack_int(&mut b, n, pf.little, size, neg);
                assert_eq!(b.len(), size);
                let back = unpack_int(&b, pf.little, size, signed);
                let want = if size >= 8 {
                    n as i64
                } else {
                    let shift = 64 - 8 * size as u32;
                    if signed {
                        ((n << shift) as i64) >> shift
                    } else {
                        ((n << shift) >> shift) as i64
                    }
                };
                assert_eq!(back, Some(want), "{opt:?} {n:#x}");
                if data.len() >= size {
                    let _ = unpack_int(&data[..size], pf.little, size, signed);
                }
            }
            PackKind::Float | PackKind::Number | PackKind::Double => {
                assert!(opt.size == 4 || opt.size == 8, "{opt:?}");
                if data.len() >= opt.size {
                    let _ = unpack_bits(&data[..opt.size], opt.size, pf.little);
                }
            }
            PackKind::String => assert!((1..=PACK_MAX_INT_SIZE).contains(&opt.size), "{opt:?}"),
            PackKind::Padding => assert_eq!(opt.size, 1),
            _ => {}
        }
        total = match total
            .checked_add(opt.ntoalign)
            .and_then(|t| t.checked_add(opt.size))
        {
            Some(t) => t,
            None => return, // "format result too large"
        };
    }
    assert!(
        !pf.more(),
        "format not consumed after {} options",
        fmt.len() + 1
    );
});
