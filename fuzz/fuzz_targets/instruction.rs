//! Fuzz target `instruction`: the encoding of instructions. A random
//! opcode and operands (each in its field's range) encode to an
//! instruction whose accessors give them back; the setters change only
//! their own field; and any 32-bit word decodes to fields that encode back
//! to the same word.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lunar_compile::instruction::{
    MAX_ARG_A, MAX_ARG_AX, MAX_ARG_B, MAX_ARG_BX, MAX_ARG_C, MAX_ARG_SJ, OFFSET_SBX, OFFSET_SC,
    OFFSET_SJ,
};
use lunar_compile::{Instruction, NUM_OPCODES, OpCode, OpFormat};

fn word(d: &[u8], i: usize) -> u32 {
    let mut b = [0u8; 4];
    for (k, x) in b.iter_mut().enumerate() {
        *x = d.get(i * 4 + k).copied().unwrap_or(0);
    }
    u32::from_le_bytes(b)
}

fuzz_target!(|d: &[u8]| {
    let op = OpCode::ALL[word(d, 0) as usize % NUM_OPCODES];
    let a = word(d, 1) % (MAX_ARG_A + 1);
    let b = word(d, 2) % (MAX_ARG_B + 1);
    let c = word(d, 3) % (MAX_ARG_C + 1);
    let k = word(d, 4) & 1 == 1;
    let bx = word(d, 5) % (MAX_ARG_BX + 1);
    let ax = word(d, 6) % (MAX_ARG_AX + 1);
    let sbx = (word(d, 7) % (MAX_ARG_BX + 1)) as i32 - OFFSET_SBX;
    let sj = (word(d, 8) % (MAX_ARG_SJ + 1)) as i32 - OFFSET_SJ;
    let raw = word(d, 9);

    // Encoding and decoding each format.
    let i = Instruction::abc(op, a, b, c, k);
    assert_eq!(
        (i.op(), i.opcode(), i.a(), i.b(), i.c(), i.k()),
        (Some(op), op, a, b, c, k)
    );
    assert_eq!(i.sb(), b as i32 - OFFSET_SC);
    assert_eq!(i.sc(), c as i32 - OFFSET_SC);
    let i = Instruction::abx(op, a, bx);
    assert_eq!((i.op(), i.a(), i.bx()), (Some(op), a, bx));
    let i = Instruction::asbx(op, a, sbx);
    assert_eq!((i.op(), i.a(), i.sbx()), (Some(op), a, sbx));
    let i = Instruction::iax(op, ax);
    assert_eq!((i.op(), i.ax()), (Some(op), ax));
    let i = Instruction::isj(op, sj);
    assert_eq!((i.op(), i.sj()), (Some(op), sj));
    assert_eq!(OpCode::from_u8(op as u8), Some(op));

    // Any word: the opcode byte is the low 7 bits; a valid one decodes.
    let w = Instruction(raw);
    assert_eq!(w.opcode_byte() as u32, raw & 0x7f);
    assert_eq!(w.op().is_some(), (raw & 0x7f) < NUM_OPCODES as u32);
    if let Some(wop) = w.op() {
        let again = match wop.format() {
            OpFormat::Abc => Instruction::abc(wop, w.a(), w.b(), w.c(), w.k()),
            OpFormat::Abx => Instruction::abx(wop, w.a(), w.bx()),
            OpFormat::AsBx => Instruction::asbx(wop, w.a(), w.sbx()),
            OpFormat::Ax => Instruction::iax(wop, w.ax()),
            OpFormat::SJ => Instruction::isj(wop, w.sj()),
        };
        assert_eq!(again, w, "{} fields do not re-encode", wop.name());
    }

    // Setters change their field and nothing else.
    let mut s = Instruction(raw);
    s.set_a(a);
    assert_eq!(
        (s.a(), s.0 & !(MAX_ARG_A << 7)),
        (a, raw & !(MAX_ARG_A << 7))
    );
    let mut s = Instruction(raw);
    s.set_b(b);
    assert_eq!(
        (s.b(), s.a(), s.c(), s.k(), s.opcode_byte()),
        (b, w.a(), w.c(), w.k(), w.opcode_byte())
    );
    let mut s = Instruction(raw);
    s.set_c(c);
    assert_eq!(
        (s.c(), s.a(), s.b(), s.k(), s.opcode_byte()),
        (c, w.a(), w.b(), w.k(), w.opcode_byte())
    );
    let mut s = Instruction(raw);
    s.set_k(k);
    assert_eq!(
        (s.k(), s.a(), s.b(), s.c(), s.opcode_byte()),
        (k, w.a(), w.b(), w.c(), w.opcode_byte())
    );
    let mut s = Instruction(raw);
    s.set_bx(bx);
    assert_eq!(
        (s.bx(), s.a(), s.opcode_byte()),
        (bx, w.a(), w.opcode_byte())
    );
    let mut s = Instruction(raw);
    s.set_sbx(sbx);
    assert_eq!(
        (s.sbx(), s.a(), s.opcode_byte()),
        (sbx, w.a(), w.opcode_byte())
    );
    let mut s = Instruction(raw);
    s.set_ax(ax);
    assert_eq!((s.ax(), s.opcode_byte()), (ax, w.opcode_byte()));
    let mut s = Instruction(raw);
    s.set_sj(sj);
    assert_eq!((s.sj(), s.opcode_byte()), (sj, w.opcode_byte()));
    let mut s = Instruction(raw);
    s.set_op(op);
    assert_eq!((s.op(), s.0 >> 7), (Some(op), raw >> 7));
});
