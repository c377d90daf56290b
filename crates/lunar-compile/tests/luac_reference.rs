//! Tests of the instruction set, disassembler, binary chunks and verifier
//! against the reference compiler: the fixtures in `tests/luac/` are Lua
//! sources compiled by `luac5.4` (Lua 5.4.4) into its binary chunks
//! (`NAME.luac`) and listed by `luac5.4 -l -l` (`NAME.listing`, function
//! addresses replaced by indices). `tests/luac/regen.sh` regenerates them.
//!
//! A small reader of the reference's chunk format (below) turns each
//! `.luac` into a [`Proto`]; then the reference's code must pass the
//! verifier, disassemble to luac's listing byte for byte, survive a dump and
//! undump round trip (stripped or not), and damaged dumps of it must be
//! rejected without a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lunar_compile::chunk::{dump, undump};
use lunar_compile::disasm::disassemble;
use lunar_compile::verify::verify;
use lunar_compile::{Constant, Instruction, LocVar, Proto, UpvalueDesc, VarKind};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/luac")
}

/// Every fixture: its name and the prototype read from its `.luac`.
fn fixtures() -> Vec<(String, Proto)> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("tests/luac exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".luac").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "fixtures missing from tests/luac");
    names
        .into_iter()
        .map(|name| {
            let data = std::fs::read(fixture_dir().join(format!("{name}.luac"))).unwrap();
            let p = RefReader {
                data: &data,
                pos: 0,
            }
            .chunk();
            (name, p)
        })
        .collect()
}

/// A reader of the reference's binary chunks (lundump.c of Lua 5.4), for
/// well-formed input only: it panics on anything unexpected.
struct RefReader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl RefReader<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data[self.pos];
        self.pos += 1;
        b
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        let b = &self.data[self.pos..self.pos + n];
        self.pos += n;
        b
    }

    /// `loadUnsigned`: 7 bits a byte, most significant first, the last
    /// byte marked by its high bit.
    fn size(&mut self) -> usize {
        let mut x = 0usize;
        loop {
            let b = self.byte();
            x = (x << 7) | (b & 0x7f) as usize;
            if b & 0x80 != 0 {
                return x;
            }
        }
    }

    fn u32(&mut self) -> u32 {
        u32::try_from(self.size()).unwrap()
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes(8).try_into().unwrap())
    }

    fn string(&mut self) -> Option<Box<[u8]>> {
        match self.size() {
            0 => None,
            n => Some(self.bytes(n - 1).into()),
        }
    }

    fn chunk(mut self) -> Proto {
        assert_eq!(self.bytes(4), b"\x1bLua");
        assert_eq!(self.bytes(2), [0x54, 0]);
        assert_eq!(self.bytes(6), b"\x19\x93\r\n\x1a\n");
        assert_eq!(self.bytes(3), [4, 8, 8]);
        assert_eq!(self.u64(), 0x5678);
        assert_eq!(f64::from_bits(self.u64()), 370.5);
        let nup = self.byte() as usize;
        let p = self.function(b"");
        assert_eq!(p.upvalues.len(), nup);
        assert_eq!(self.pos, self.data.len());
        p
    }

    fn function(&mut self, parent_source: &[u8]) -> Proto {
        let mut p = Proto {
            source: self.string().unwrap_or_else(|| parent_source.into()),
            line_defined: self.u32(),
            last_line_defined: self.u32(),
            num_params: self.byte(),
            is_vararg: self.byte() != 0,
            max_stack_size: self.byte(),
            ..Proto::default()
        };
        for _ in 0..self.size() {
            let w = u32::from_le_bytes(self.bytes(4).try_into().unwrap());
            p.code.push(Instruction(w));
        }
        for _ in 0..self.size() {
            let k = match self.byte() {
                0x00 => Constant::Nil,
                0x01 => Constant::Bool(false),
                0x11 => Constant::Bool(true),
                0x03 => Constant::Int(self.u64() as i64),
                0x13 => Constant::Float(f64::from_bits(self.u64())),
                0x04 | 0x14 => Constant::Str(self.string().unwrap()),
                t => panic!("constant tag {t:#x}"),
            };
            p.constants.push(k);
        }
        for _ in 0..self.size() {
            let in_stack = self.byte() != 0;
            let index = self.byte();
            let kind = VarKind::from_u8(self.byte()).unwrap();
            p.upvalues.push(UpvalueDesc {
                name: Box::default(),
                in_stack,
                index,
                kind,
            });
        }
        for _ in 0..self.size() {
            let sub = self.function(&p.source);
            p.protos.push(Arc::new(sub));
        }
        // Relative line deltas, with absolute lines where a delta does not
        // fit a byte (marked -128).
        let deltas: Vec<i8> = (0..self.size()).map(|_| self.byte() as i8).collect();
        let mut abs = std::collections::HashMap::new();
        for _ in 0..self.size() {
            let pc = self.size();
            let line = self.u32();
            abs.insert(pc, line);
        }
        let mut line = p.line_defined as i64;
        for (pc, &d) in deltas.iter().enumerate() {
            line = if d == -128 {
                abs[&pc] as i64
            } else {
                line + d as i64
            };
            p.line_info.push(line as u32);
        }
        for _ in 0..self.size() {
            let name = self.string().unwrap_or_default();
            let start_pc = self.u32();
            let end_pc = self.u32();
            p.loc_vars.push(LocVar {
                name,
                start_pc,
                end_pc,
            });
        }
        let n = self.size();
        for i in 0..n {
            p.upvalues[i].name = self.string().unwrap_or_default();
        }
        p
    }
}

/// What a stripped dump keeps of `p`.
fn stripped(p: &Proto) -> Proto {
    Proto {
        source: b"=?".to_vec().into(),
        line_info: vec![0; p.code.len()],
        loc_vars: Vec::new(),
        upvalues: p
            .upvalues
            .iter()
            .map(|u| UpvalueDesc {
                name: Box::default(),
                ..u.clone()
            })
            .collect(),
        protos: p.protos.iter().map(|sub| Arc::new(stripped(sub))).collect(),
        ..p.clone()
    }
}

#[test]
fn reference_code_passes_the_verifier() {
    for (name, p) in fixtures() {
        if let Err(e) = verify(&p) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn disassembly_matches_luac() {
    for (name, p) in fixtures() {
        let want = std::fs::read_to_string(fixture_dir().join(format!("{name}.listing"))).unwrap();
        let got = disassemble(&p, true);
        if got != want {
            let line = got.lines().zip(want.lines()).position(|(g, w)| g != w);
            let at = line.unwrap_or(got.lines().count().min(want.lines().count()));
            panic!(
                "{name}: listing differs at line {}:\n got: {:?}\nwant: {:?}",
                at + 1,
                got.lines().nth(at),
                want.lines().nth(at)
            );
        }
    }
}

#[test]
fn dump_round_trip() {
    for (name, p) in fixtures() {
        let q = undump(&dump(&p, false), b"=test").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(*q == p, "{name}: round trip changed the prototype");
        let s = undump(&dump(&p, true), b"=test").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            *s == stripped(&p),
            "{name}: stripped round trip changed the code"
        );
        assert!(dump(&p, true).len() < dump(&p, false).len());
    }
}

/// Tiny xorshift64 generator, so that the test needs no crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Damaged dumps of the reference's code (random bytes changed, bits
/// flipped, truncations, insertions): `undump` returns an error or a
/// verified prototype that dumps and loads again to itself, and never
/// panics.
#[test]
fn damaged_chunks_never_panic() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut loaded = 0;
    let mut rejected = 0;
    for (name, p) in fixtures() {
        for strip in [false, true] {
            let good = dump(&p, strip);
            for round in 0..300 {
                let mut data = good.clone();
                let edits = 1 + rng.below(4);
                for _ in 0..edits {
                    let i = rng.below(data.len());
                    match rng.below(5) {
                        0 => data[i] = rng.next() as u8,
                        1 => data[i] ^= 1 << rng.below(8),
                        2 => data.truncate(i),
                        3 => data.insert(i, rng.next() as u8),
                        _ => {
                            // Change an instruction's operand-sized field.
                            let v = data[i].wrapping_add(1 + rng.below(3) as u8);
                            data[i] = v;
                        }
                    }
                    if data.is_empty() {
                        break;
                    }
                }
                let result = std::panic::catch_unwind(|| undump(&data, b"=fuzz"));
                let Ok(result) = result else {
                    panic!("{name} (strip {strip}, round {round}): undump panicked");
                };
                match result {
                    Err(_) => rejected += 1,
                    Ok(q) => {
                        loaded += 1;
                        verify(&q).expect("undump returned an unverified prototype");
                        let again = undump(&dump(&q, false), b"=fuzz").expect("re-dump");
                        assert!(*again == *q, "{name}: re-dump changed the prototype");
                        let _ = disassemble(&q, true);
                    }
                }
            }
        }
    }
    assert!(
        rejected > 0 && loaded > 0,
        "loaded {loaded}, rejected {rejected}"
    );
}

/// Every single-instruction change of an operand of reference code that
/// the verifier accepts keeps the listed invariants; here, spot-check that
/// changing any register operand past `max_stack_size` is rejected.
#[test]
fn out_of_range_registers_are_rejected() {
    for (name, p) in fixtures() {
        for pc in 0..p.code.len() {
            let op = p.code[pc].op().unwrap();
            // Instructions whose A is always a register.
            use lunar_compile::OpCode::*;
            if !matches!(
                op,
                Move | LoadI | LoadK | GetUpval | GetTabUp | GetField | Call | Closure
            ) {
                continue;
            }
            let mut q = p.clone();
            q.code[pc].set_a(q.max_stack_size as u32);
            assert!(
                verify(&q).is_err(),
                "{name}: pc {pc}: A = max_stack_size accepted"
            );
        }
    }
}

/// Every prototype in the tree of `p`, depth first.
fn all_protos(p: &Proto, out: &mut Vec<Proto>) {
    out.push(p.clone());
    for sub in &p.protos {
        all_protos(sub, out);
    }
}

/// Random changes to the instructions of the reference's code (whole
/// words, opcodes, single fields): the verifier returns, never panics, and
/// what it accepts dumps, loads and disassembles.
#[test]
fn mutated_code_never_panics_the_verifier() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    let mut protos = Vec::new();
    for (_, p) in fixtures() {
        all_protos(&p, &mut protos);
    }
    for (n, p) in protos.iter().enumerate() {
        for _ in 0..40 {
            let mut q = p.clone();
            for _ in 0..1 + rng.below(3) {
                let pc = rng.below(q.code.len());
                let w = &mut q.code[pc];
                let r = rng.next();
                match rng.below(6) {
                    0 => w.0 = r as u32,
                    1 => w.0 = (w.0 & !0x7f) | (r % 83) as u32,
                    2 => w.set_a((r & 0xff) as u32),
                    3 => w.set_b((r & 0xff) as u32),
                    4 => w.set_c((r & 0xff) as u32),
                    _ => w.set_k(!w.k()),
                }
            }
            let result = std::panic::catch_unwind(|| verify(&q));
            let Ok(result) = result else {
                panic!("prototype {n}: verify panicked on {:?}", q.code);
            };
            if result.is_ok() {
                accepted += 1;
                let back = undump(&dump(&q, false), b"=m").expect("accepted code loads");
                assert!(*back == q);
                let _ = disassemble(&q, true);
            }
        }
    }
    assert!(accepted > 0);
}
