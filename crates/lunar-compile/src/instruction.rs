//! The 32-bit instruction encoding of Lua 5.4: field sizes and positions,
//! constructors for each format, field accessors and the setters the
//! compiler uses to patch jumps and operands.

use crate::opcodes::OpCode;

/// Size in bits of the opcode field.
pub const SIZE_OP: u32 = 7;
/// Size in bits of argument A.
pub const SIZE_A: u32 = 8;
/// Size in bits of argument B.
pub const SIZE_B: u32 = 8;
/// Size in bits of argument C.
pub const SIZE_C: u32 = 8;
/// Size in bits of argument Bx (and sBx).
pub const SIZE_BX: u32 = SIZE_C + SIZE_B + 1;
/// Size in bits of argument Ax.
pub const SIZE_AX: u32 = SIZE_BX + SIZE_A;
/// Size in bits of argument sJ.
pub const SIZE_SJ: u32 = SIZE_BX + SIZE_A;

/// Position of the opcode field.
pub const POS_OP: u32 = 0;
/// Position of argument A.
pub const POS_A: u32 = POS_OP + SIZE_OP;
/// Position of the k bit.
pub const POS_K: u32 = POS_A + SIZE_A;
/// Position of argument B.
pub const POS_B: u32 = POS_K + 1;
/// Position of argument C.
pub const POS_C: u32 = POS_B + SIZE_B;
/// Position of argument Bx.
pub const POS_BX: u32 = POS_K;
/// Position of argument Ax.
pub const POS_AX: u32 = POS_A;
/// Position of argument sJ.
pub const POS_SJ: u32 = POS_A;

/// Largest value of argument A.
pub const MAX_ARG_A: u32 = (1 << SIZE_A) - 1;
/// Largest value of argument B.
pub const MAX_ARG_B: u32 = (1 << SIZE_B) - 1;
/// Largest value of argument C.
pub const MAX_ARG_C: u32 = (1 << SIZE_C) - 1;
/// Largest value of argument Bx.
pub const MAX_ARG_BX: u32 = (1 << SIZE_BX) - 1;
/// Largest value of argument Ax.
pub const MAX_ARG_AX: u32 = (1 << SIZE_AX) - 1;
/// Largest raw value of argument sJ.
pub const MAX_ARG_SJ: u32 = (1 << SIZE_SJ) - 1;

/// The excess-K bias of sBx.
pub const OFFSET_SBX: i32 = (MAX_ARG_BX >> 1) as i32;
/// The excess-K bias of sJ.
pub const OFFSET_SJ: i32 = (MAX_ARG_SJ >> 1) as i32;
/// The bias of signed immediates held in B or C (sB, sC).
pub const OFFSET_SC: i32 = (MAX_ARG_C >> 1) as i32;

/// The number of registers a function may use.
pub const MAX_REGISTERS: u32 = 255;
/// How many list items SETLIST stores at a time.
pub const FIELDS_PER_FLUSH: u32 = 50;

const MASK_OP: u32 = (1 << SIZE_OP) - 1;

/// One encoded VM instruction. The layouts, from the least significant
/// bit, are:
///
/// ```text
/// iABC:  op(7) A(8) k(1) B(8) C(8)
/// iABx:  op(7) A(8) Bx(17)
/// iAsBx: op(7) A(8) sBx(17, signed, excess-K)
/// iAx:   op(7) Ax(25)
/// isJ:   op(7) sJ(25, signed, excess-K)
/// ```
///
/// Constructors do not check that operands fit their fields beyond a debug
/// assertion; the compiler checks its limits before encoding.
///
/// ```
/// use lunar_compile::{Instruction, OpCode};
/// let i = Instruction::abc(OpCode::Add, 1, 2, 3, false);
/// assert_eq!(i.op(), Some(OpCode::Add));
/// assert_eq!((i.a(), i.b(), i.c(), i.k()), (1, 2, 3, false));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[repr(transparent)]
pub struct Instruction(pub u32);

impl Instruction {
    /// Encodes an iABC instruction.
    #[inline]
    pub const fn abc(op: OpCode, a: u32, b: u32, c: u32, k: bool) -> Instruction {
        debug_assert!(a <= MAX_ARG_A && b <= MAX_ARG_B && c <= MAX_ARG_C);
        Instruction(op as u32 | (a << POS_A) | ((k as u32) << POS_K) | (b << POS_B) | (c << POS_C))
    }

    /// Encodes an iABx instruction.
    #[inline]
    pub const fn abx(op: OpCode, a: u32, bx: u32) -> Instruction {
        debug_assert!(a <= MAX_ARG_A && bx <= MAX_ARG_BX);
        Instruction(op as u32 | (a << POS_A) | (bx << POS_BX))
    }

    /// Encodes an iAsBx instruction.
    #[inline]
    pub const fn asbx(op: OpCode, a: u32, sbx: i32) -> Instruction {
        Instruction::abx(op, a, (sbx + OFFSET_SBX) as u32)
    }

    /// Encodes an iAx instruction.
    #[inline]
    pub const fn iax(op: OpCode, ax: u32) -> Instruction {
        debug_assert!(ax <= MAX_ARG_AX);
        Instruction(op as u32 | (ax << POS_AX))
    }

    /// Encodes an isJ instruction.
    #[inline]
    pub const fn isj(op: OpCode, sj: i32) -> Instruction {
        let raw = (sj + OFFSET_SJ) as u32;
        debug_assert!(raw <= MAX_ARG_SJ);
        Instruction(op as u32 | (raw << POS_SJ))
    }

    /// The raw 7-bit opcode field, which may name no opcode in a damaged
    /// chunk.
    #[inline]
    pub const fn opcode_byte(self) -> u8 {
        (self.0 & MASK_OP) as u8
    }

    /// The opcode, or `None` when the opcode field names no opcode.
    #[inline]
    pub const fn op(self) -> Option<OpCode> {
        OpCode::from_u8(self.opcode_byte())
    }

    /// The opcode of an instruction known to be valid: verified code, or one
    /// made by the constructors.
    ///
    /// # Panics
    ///
    /// Panics when the opcode field names no opcode.
    #[inline]
    pub const fn opcode(self) -> OpCode {
        match self.op() {
            Some(op) => op,
            None => panic!("invalid opcode"),
        }
    }

    /// Argument A.
    #[inline]
    pub const fn a(self) -> u32 {
        (self.0 >> POS_A) & MAX_ARG_A
    }

    /// Argument B.
    #[inline]
    pub const fn b(self) -> u32 {
        (self.0 >> POS_B) & MAX_ARG_B
    }

    /// Argument C.
    #[inline]
    pub const fn c(self) -> u32 {
        (self.0 >> POS_C) & MAX_ARG_C
    }

    /// The k bit.
    #[inline]
    pub const fn k(self) -> bool {
        self.0 & (1 << POS_K) != 0
    }

    /// Argument B as a signed immediate (sB).
    #[inline]
    pub const fn sb(self) -> i32 {
        self.b() as i32 - OFFSET_SC
    }

    /// Argument C as a signed immediate (sC).
    #[inline]
    pub const fn sc(self) -> i32 {
        self.c() as i32 - OFFSET_SC
    }

    /// Argument Bx.
    #[inline]
    pub const fn bx(self) -> u32 {
        (self.0 >> POS_BX) & MAX_ARG_BX
    }

    /// Argument sBx.
    #[inline]
    pub const fn sbx(self) -> i32 {
        self.bx() as i32 - OFFSET_SBX
    }

    /// Argument Ax.
    #[inline]
    pub const fn ax(self) -> u32 {
        (self.0 >> POS_AX) & MAX_ARG_AX
    }

    /// Argument sJ.
    #[inline]
    pub const fn sj(self) -> i32 {
        ((self.0 >> POS_SJ) & MAX_ARG_SJ) as i32 - OFFSET_SJ
    }

    /// Replaces the opcode.
    #[inline]
    pub const fn set_op(&mut self, op: OpCode) {
        self.0 = (self.0 & !MASK_OP) | op as u32;
    }

    /// Replaces argument A.
    #[inline]
    pub const fn set_a(&mut self, a: u32) {
        debug_assert!(a <= MAX_ARG_A);
        self.0 = (self.0 & !(MAX_ARG_A << POS_A)) | (a << POS_A);
    }

    /// Replaces argument B.
    #[inline]
    pub const fn set_b(&mut self, b: u32) {
        debug_assert!(b <= MAX_ARG_B);
        self.0 = (self.0 & !(MAX_ARG_B << POS_B)) | (b << POS_B);
    }

    /// Replaces argument C.
    #[inline]
    pub const fn set_c(&mut self, c: u32) {
        debug_assert!(c <= MAX_ARG_C);
        self.0 = (self.0 & !(MAX_ARG_C << POS_C)) | (c << POS_C);
    }

    /// Replaces the k bit.
    #[inline]
    pub const fn set_k(&mut self, k: bool) {
        self.0 = (self.0 & !(1 << POS_K)) | ((k as u32) << POS_K);
    }

    /// Replaces argument Bx.
    #[inline]
    pub const fn set_bx(&mut self, bx: u32) {
        debug_assert!(bx <= MAX_ARG_BX);
        self.0 = (self.0 & !(MAX_ARG_BX << POS_BX)) | (bx << POS_BX);
    }

    /// Replaces argument sBx.
    #[inline]
    pub const fn set_sbx(&mut self, sbx: i32) {
        self.set_bx((sbx + OFFSET_SBX) as u32);
    }

    /// Replaces argument Ax.
    #[inline]
    pub const fn set_ax(&mut self, ax: u32) {
        debug_assert!(ax <= MAX_ARG_AX);
        self.0 = (self.0 & !(MAX_ARG_AX << POS_AX)) | (ax << POS_AX);
    }

    /// Replaces argument sJ.
    #[inline]
    pub const fn set_sj(&mut self, sj: i32) {
        let raw = (sj + OFFSET_SJ) as u32;
        debug_assert!(raw <= MAX_ARG_SJ);
        self.0 = (self.0 & !(MAX_ARG_SJ << POS_SJ)) | (raw << POS_SJ);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_lua() {
        assert_eq!(MAX_ARG_A, 255);
        assert_eq!(MAX_ARG_BX, (1 << 17) - 1);
        assert_eq!(OFFSET_SBX, 65535);
        assert_eq!(OFFSET_SJ, (1 << 24) - 1);
        assert_eq!(OFFSET_SC, 127);
        assert_eq!(POS_C, 24);
        assert_eq!(SIZE_OP + SIZE_SJ, 32);
    }

    /// The fields land where Lua 5.4 puts them (checked against bit layouts
    /// written out by hand).
    #[test]
    fn encoding_layout() {
        let i = Instruction::abc(OpCode::Move, 1, 2, 3, true);
        assert_eq!(i.0, (3 << 24) | (2 << 16) | (1 << 15) | (1 << 7));
        let i = Instruction::abx(OpCode::LoadK, 5, 1000);
        assert_eq!(i.0, (1000 << 15) | (5 << 7) | OpCode::LoadK as u32);
        let i = Instruction::isj(OpCode::Jmp, -1);
        assert_eq!(i.0 >> 7, (OFFSET_SJ - 1) as u32);
        assert_eq!(i.sj(), -1);
    }

    /// Encode/decode round trip over many operand values, from a tiny
    /// xorshift generator.
    #[test]
    fn round_trip() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..10_000 {
            let r = next();
            let op = OpCode::ALL[(r % 83) as usize];
            let (a, b, c) = (
                (r >> 8) as u32 & 255,
                (r >> 16) as u32 & 255,
                (r >> 24) as u32 & 255,
            );
            let k = r & (1 << 40) != 0;
            let i = Instruction::abc(op, a, b, c, k);
            assert_eq!((i.op(), i.a(), i.b(), i.c(), i.k()), (Some(op), a, b, c, k));
            assert_eq!(i.sb(), b as i32 - 127);
            assert_eq!(i.sc(), c as i32 - 127);
            let bx = (r >> 32) as u32 & MAX_ARG_BX;
            let i = Instruction::abx(op, a, bx);
            assert_eq!((i.op(), i.a(), i.bx()), (Some(op), a, bx));
            let sbx = bx as i32 - OFFSET_SBX;
            let i = Instruction::asbx(op, a, sbx);
            assert_eq!((i.a(), i.sbx()), (a, sbx));
            let ax = (r >> 20) as u32 & MAX_ARG_AX;
            let i = Instruction::iax(op, ax);
            assert_eq!((i.op(), i.ax()), (Some(op), ax));
            let sj = ax as i32 - OFFSET_SJ;
            let i = Instruction::isj(op, sj);
            assert_eq!((i.op(), i.sj()), (Some(op), sj));
        }
    }

    #[test]
    fn setters_touch_only_their_field() {
        let mut i = Instruction::abc(OpCode::Call, 1, 2, 3, false);
        i.set_a(200);
        i.set_b(0);
        i.set_c(255);
        i.set_k(true);
        assert_eq!(
            (i.opcode(), i.a(), i.b(), i.c(), i.k()),
            (OpCode::Call, 200, 0, 255, true)
        );
        i.set_k(false);
        i.set_op(OpCode::TailCall);
        assert_eq!(
            (i.opcode(), i.a(), i.b(), i.c(), i.k()),
            (OpCode::TailCall, 200, 0, 255, false)
        );
        let mut j = Instruction::isj(OpCode::Jmp, 0);
        j.set_sj(-12345);
        assert_eq!((j.opcode(), j.sj()), (OpCode::Jmp, -12345));
        let mut f = Instruction::abx(OpCode::ForPrep, 7, 0);
        f.set_bx(MAX_ARG_BX);
        assert_eq!((f.a(), f.bx()), (7, MAX_ARG_BX));
        f.set_sbx(-3);
        assert_eq!((f.a(), f.sbx()), (7, -3));
        let mut e = Instruction::iax(OpCode::ExtraArg, 1);
        e.set_ax(MAX_ARG_AX);
        assert_eq!((e.opcode(), e.ax()), (OpCode::ExtraArg, MAX_ARG_AX));
    }

    #[test]
    fn bad_opcode_byte() {
        let i = Instruction(0x7f);
        assert_eq!(i.opcode_byte(), 127);
        assert_eq!(i.op(), None);
    }
}
