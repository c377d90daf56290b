//! Tests of the instruction set, disassembler, binary chunks and verifier
//! against the reference compiler: the fixtures in `tests/luac/` are Lua
//! sources compiled by `luac5.4` (Lua 5.4.4) into its binary chunks
//! (`NAME.luac`) and listed by `luac5.4 -l -l` (`NAME.listing`, function
//! addresses replaced by indices). `tests/luac/regen.sh` regenerates them.
//!
//! `undump` reads each `.luac` (Lunar's chunks are the reference's format)
//! into a [`Proto`]; then the reference's code must pass the verifier,
//! disassemble to luac's listing byte for byte, survive a dump and undump
//! round trip (stripped or not), and damaged dumps of it must be rejected
//! without a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lunar_compile::chunk::{dump, undump};
use lunar_compile::disasm::disassemble;
use lunar_compile::verify::verify;
use lunar_compile::{Proto, UpvalueDesc};

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
            let p = undump(&data, format!("={name}").as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let p = Proto::clone(&p);
            (name, p)
        })
        .collect()
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
