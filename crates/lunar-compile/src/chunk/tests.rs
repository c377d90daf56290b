//! Tests of binary chunks on hand-built prototypes (Go's dump tests; the
//! tests against the reference compiler's code are in
//! `tests/luac_reference.rs`).

use super::*;
use crate::opcodes::OpCode;

/// `local a = ... return a + 1`, as luac 5.4 compiles it, with a nested
/// function added so that sources, upvalues and protos are all exercised.
fn sample() -> Proto {
    use OpCode::*;
    let abc = Instruction::abc;
    let inner = Proto {
        source: b"@x.lua".to_vec().into(),
        line_defined: 2,
        last_line_defined: 4,
        num_params: 1,
        max_stack_size: 2,
        code: vec![
            abc(GetUpval, 1, 0, 0, false),
            abc(GetField, 1, 1, 0, false),
            abc(Return1, 1, 0, 0, false),
        ],
        line_info: vec![3, 3, 300],
        constants: vec![Constant::Str(b"f\0\xff".to_vec().into())],
        upvalues: vec![UpvalueDesc {
            name: b"t".to_vec().into(),
            in_stack: true,
            index: 0,
            kind: VarKind::Const,
        }],
        loc_vars: vec![LocVar {
            name: b"p".to_vec().into(),
            start_pc: 0,
            end_pc: 3,
        }],
        ..Proto::default()
    };
    Proto {
        source: b"@x.lua".to_vec().into(),
        is_vararg: true,
        max_stack_size: 3,
        code: vec![
            abc(VarargPrep, 0, 0, 0, false),
            abc(Vararg, 0, 0, 2, false),
            abc(AddI, 1, 0, 128, false),
            abc(MmBinI, 0, 128, 6, false),
            Instruction::abx(Closure, 2, 0),
            Instruction::abx(LoadK, 2, 3),
            abc(Return, 1, 2, 1, false),
            abc(Return, 1, 1, 1, false),
        ],
        line_info: vec![1, 1, 1, 1, 4, 5, 5, 5],
        constants: vec![
            Constant::Nil,
            Constant::Bool(true),
            Constant::Bool(false),
            Constant::Int(i64::MIN),
            Constant::Float(-0.0),
            Constant::Float(f64::NAN),
            Constant::Str(Box::default()),
        ],
        upvalues: vec![UpvalueDesc {
            name: b"_ENV".to_vec().into(),
            in_stack: true,
            ..Default::default()
        }],
        protos: vec![Arc::new(inner)],
        loc_vars: vec![LocVar {
            name: b"a".to_vec().into(),
            start_pc: 2,
            end_pc: 8,
        }],
        ..Proto::default()
    }
}

#[test]
fn round_trip() {
    let p = sample();
    verify(&p).unwrap();
    let q = undump(&dump(&p, false), b"=x").unwrap();
    assert_eq!(*q, p);
    let s = undump(&dump(&p, true), b"=x").unwrap();
    assert_eq!(&*s.source, b"=?");
    assert_eq!(&*s.protos[0].source, b"=?");
    assert_eq!(s.line_info, vec![0; 8]);
    assert!(s.loc_vars.is_empty() && s.upvalues[0].name.is_empty());
    assert_eq!(s.code, p.code);
    assert_eq!(s.constants, p.constants);
    assert_eq!(s.protos[0].code, p.protos[0].code);
    assert_eq!(s.protos[0].upvalues[0].kind, VarKind::Const);
}

/// A nested function with the source of its parent does not repeat it.
#[test]
fn nested_source_written_once() {
    let p = sample();
    let data = dump(&p, false);
    let count = data.windows(6).filter(|w| w == b"@x.lua").count();
    assert_eq!(count, 1);
    let mut p2 = sample();
    Arc::get_mut(&mut p2.protos[0]).unwrap().source = b"=other".to_vec().into();
    let q = undump(&dump(&p2, false), b"=x").unwrap();
    assert_eq!(&*q.protos[0].source, b"=other");
}

#[test]
fn header_layout() {
    let data = dump(&sample(), false);
    assert_eq!(&data[..4], SIGNATURE);
    assert_eq!(data[4], 0x54);
    assert_eq!(data[5], DUMP_FORMAT);
    assert_eq!(&data[6..12], b"\x19\x93\r\n\x1a\n");
    assert_eq!(&data[12..15], [4, 8, 8]);
    assert_eq!(data[31], 1, "number of upvalues of the main function");
}

#[test]
fn varints() {
    let mut d = Dumper {
        b: Vec::new(),
        strip: false,
    };
    let values = [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX];
    for v in values {
        d.uvarint(v);
    }
    let signed = [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX];
    for v in signed {
        d.varint(v);
    }
    assert_eq!(&d.b[..4], [0, 1, 127, 0x80]);
    let mut u = Undumper {
        data: &d.b,
        pos: 0,
        truncated: false,
        bad: None,
    };
    for v in values {
        assert_eq!(u.count(u64::MAX), v);
    }
    for v in signed {
        assert_eq!(u.varint(), v);
    }
    assert!(!u.failed());
    assert_eq!(u.pos, d.b.len());
    // Eleven continuation bytes overflow; ten bytes ending above 1 too.
    let long = [0xffu8; 11];
    let mut u = Undumper {
        data: &long,
        pos: 0,
        truncated: false,
        bad: None,
    };
    u.count(u64::MAX);
    assert_eq!(u.bad, Some("size out of range"));
    let mut big = [0xffu8; 10];
    big[9] = 2;
    let mut u = Undumper {
        data: &big,
        pos: 0,
        truncated: false,
        bad: None,
    };
    assert_eq!(u.varint(), 0);
    assert_eq!(u.bad, Some("bad number"));
    let mut u = Undumper {
        data: &long[..3],
        pos: 0,
        truncated: false,
        bad: None,
    };
    u.count(10);
    assert!(u.truncated);
}

fn message(r: Result<Arc<Proto>, ChunkError>) -> String {
    r.map(|_| "ok".to_string())
        .unwrap_or_else(|e| e.to_string())
}

/// Go's TestUndumpErrors: the reference's messages for each kind of bad
/// chunk.
#[test]
fn undump_errors() {
    let good = dump(&sample(), false);
    let with = |i: usize, b: u8| {
        let mut d = good.clone();
        d[i] = b;
        d
    };
    let tests: Vec<(Vec<u8>, &[u8], &str)> = vec![
        (
            good[..1].to_vec(),
            b"\x1bLua",
            "binary string: bad binary format (truncated chunk)",
        ),
        (
            b"\x1bLux".to_vec(),
            b"=stdin",
            "stdin: bad binary format (not a binary chunk)",
        ),
        (
            good[..4].to_vec(),
            b"@f.luac",
            "f.luac: bad binary format (truncated chunk)",
        ),
        (
            with(4, 0x53),
            b"name",
            "name: bad binary format (version mismatch)",
        ),
        (with(5, 0), b"=x", "x: bad binary format (format mismatch)"),
        (with(8, 0), b"=x", "x: bad binary format (corrupted chunk)"),
        (
            with(12, 8),
            b"=x",
            "x: bad binary format (Instruction size mismatch)",
        ),
        (
            with(13, 4),
            b"=x",
            "x: bad binary format (lua_Integer size mismatch)",
        ),
        (
            with(14, 4),
            b"=x",
            "x: bad binary format (lua_Number size mismatch)",
        ),
        (
            with(15, 0),
            b"=x",
            "x: bad binary format (integer format mismatch)",
        ),
        (
            with(30, 0),
            b"=x",
            "x: bad binary format (float format mismatch)",
        ),
        (with(31, 9), b"=x", "x: bad binary format (corrupted chunk)"),
        (
            good[..good.len() - 1].to_vec(),
            b"=x",
            "x: bad binary format (truncated chunk)",
        ),
    ];
    for (data, name, want) in tests {
        assert_eq!(message(undump(&data, name)), want, "{data:?}");
    }
    // Every truncation fails cleanly.
    for n in 0..good.len() {
        assert!(undump(&good[..n], b"=x").is_err(), "truncated to {n} bytes");
    }
    // Trailing bytes are ignored, as the reference ignores them.
    let mut long = good.clone();
    long.extend_from_slice(b"junk");
    assert!(undump(&long, b"=x").is_ok());
}

#[test]
fn corrupted_details() {
    let e = undump(&dump(&Proto::default(), false), b"=x").unwrap_err();
    assert_eq!(e.why, "corrupted chunk");
    assert_eq!(e.detail.as_deref(), Some("function at line 0: no code"));
    assert_eq!(e.message(), b"x: bad binary format (corrupted chunk)");
    // A register out of range in otherwise well-formed data.
    let mut p = sample();
    p.code[2].set_a(3);
    let e = undump(&dump(&p, false), b"=x").unwrap_err();
    assert_eq!(e.to_string(), "x: bad binary format (corrupted chunk)");
    assert!(e.detail.unwrap().contains("register 3 out of 3"));
    // Names may be any bytes.
    let e = undump(b"\x1bLuaX", b"@\xff.luac").unwrap_err();
    assert_eq!(
        e.message(),
        b"\xff.luac: bad binary format (version mismatch)"
    );
}

/// A chunk cannot make undump allocate much more than its own size.
#[test]
fn huge_counts_are_truncation() {
    let mut data = dump(&sample(), false);
    data.truncate(32);
    data.extend_from_slice(&[0, 0, 0, 0, 1, 3]); // source, lines, params, vararg, stack
    data.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x07]); // 2^31-1 instructions
    let e = undump(&data, b"=x").unwrap_err();
    assert_eq!(e.why, "truncated chunk");
}

/// Functions nested beyond the limit are rejected without exhausting the
/// stack.
#[test]
fn deep_nesting() {
    let mut data = dump(&sample(), false);
    data.truncate(32);
    for _ in 0..100_000 {
        // No source, lines 1 1, 0 params, fixed, 2 registers, no code, no
        // constants, no upvalues, one proto.
        data.extend_from_slice(&[0, 1, 1, 0, 0, 2, 0, 0, 0, 1]);
    }
    data.resize(data.len() + 2_000_000, 0);
    let e = undump(&data, b"=x").unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("functions nested too deeply"));
}

/// A main function whose source is the empty string keeps it through a
/// dump/undump round trip (the reference always writes the main
/// function's source; found by the `compiler` fuzz target).
#[test]
fn empty_main_source_round_trips() {
    let mut p = sample();
    p.source = Box::from(&b""[..]);
    let bin = dump(&p, false);
    let q = undump(&bin, b"=x").expect("loads");
    assert_eq!(&*q.source, b"");
    assert_eq!(dump(&q, false), bin);
}
