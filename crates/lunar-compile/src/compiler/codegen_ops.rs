//! Compiling operators: conditions and their jump lists, unary and binary
//! operators with their immediate, constant and register forms, and
//! constant folding.

use lunar_syntax::ast::{BinaryOp, UnaryOp};

use crate::instruction::OFFSET_SC;
use crate::opcodes::{OpCode, TagMethod};

use super::codegen::{NO_JUMP, NO_REG};
use super::codegen_const::fits_c;
use super::codegen_exp::{ExpDesc, ExpKind};
use super::constant::{ArithOp, binary_arith, fold};
use super::{GResult, Gen};

/// The opcode `base + op` (ADD + op, ADDK + op).
fn arith_opcode(base: OpCode, op: ArithOp) -> OpCode {
    OpCode::from_u8(base as u8 + op as u8).expect("an arithmetic opcode")
}

/// The metamethod event of an arithmetic operator.
fn arith_event(op: ArithOp) -> TagMethod {
    TagMethod::from_u8(TagMethod::Add as u8 + op as u8).expect("an arithmetic event")
}

/// Folds `e1 op e2` into `e1` when both are numerals and the operation is
/// safe to do now.
fn const_fold<'a>(op: ArithOp, e1: &mut ExpDesc<'a>, e2: &ExpDesc<'a>) -> bool {
    let (Some(v1), Some(v2)) = (e1.numeral(), e2.numeral()) else {
        return false;
    };
    match fold(op, v1, v2) {
        Some(r) => {
            e1.set_const_value(r);
            true
        }
        None => false,
    }
}

impl<'a> Gen<'a> {
    /// Emits a test followed by a jump and returns the jump's pc.
    fn cond_jump(&mut self, op: OpCode, a: usize, b: usize, c: usize, k: bool) -> usize {
        self.code_abck(op, a, b, c, k);
        self.jump()
    }

    /// Inverts the test controlling the jump of `e`.
    fn negate_condition(&mut self, e: &ExpDesc<'a>) {
        let pc = self.jump_control(e.info);
        let k = self.fs.f.code[pc].k();
        self.ins(pc).set_k(!k);
    }

    /// Emits a jump taken when `e` is `cond` and returns its pc.
    fn jump_on_cond(&mut self, e: &mut ExpDesc<'a>, cond: bool) -> GResult<usize> {
        if e.k == ExpKind::Reloc {
            let ie = self.fs.f.code[e.info];
            if ie.op() == Some(OpCode::Not) {
                // Test the operand of 'not' instead, with the condition
                // inverted.
                self.remove_last_instruction();
                return Ok(self.cond_jump(OpCode::Test, ie.b() as usize, 0, 0, !cond));
            }
        }
        self.discharge2anyreg(e)?;
        self.free_exp(e);
        Ok(self.cond_jump(OpCode::TestSet, NO_REG, e.info, 0, cond))
    }

    /// Emits what falls through when `e` is true and jumps (adding to `e`'s
    /// false list) when it is false.
    pub(crate) fn go_if_true(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        self.discharge_vars(e);
        let pc = match e.k {
            ExpKind::Jmp => {
                self.negate_condition(e);
                e.info
            }
            ExpKind::K | ExpKind::KFlt | ExpKind::KInt | ExpKind::KStr | ExpKind::True => NO_JUMP,
            _ => self.jump_on_cond(e, false)?,
        };
        let mut fl = e.fl;
        self.concat(&mut fl, pc)?;
        e.fl = fl;
        self.patch_to_here(e.tl)?;
        e.tl = NO_JUMP;
        Ok(())
    }

    /// Emits what falls through when `e` is false and jumps (adding to
    /// `e`'s true list) when it is true.
    pub(crate) fn go_if_false(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        self.discharge_vars(e);
        let pc = match e.k {
            ExpKind::Jmp => e.info,
            ExpKind::Nil | ExpKind::False => NO_JUMP,
            _ => self.jump_on_cond(e, true)?,
        };
        let mut tl = e.tl;
        self.concat(&mut tl, pc)?;
        e.tl = tl;
        self.patch_to_here(e.fl)?;
        e.fl = NO_JUMP;
        Ok(())
    }

    /// Compiles 'not e'.
    fn code_not(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        match e.k {
            ExpKind::Nil | ExpKind::False => e.k = ExpKind::True,
            ExpKind::K | ExpKind::KFlt | ExpKind::KInt | ExpKind::KStr | ExpKind::True => {
                e.k = ExpKind::False
            }
            ExpKind::Jmp => self.negate_condition(e),
            ExpKind::Reloc | ExpKind::NonReloc => {
                self.discharge2anyreg(e)?;
                self.free_exp(e);
                e.info = self.code_abc(OpCode::Not, 0, e.info, 0);
                e.k = ExpKind::Reloc;
            }
            _ => {}
        }
        std::mem::swap(&mut e.fl, &mut e.tl);
        self.remove_values(e.fl);
        self.remove_values(e.tl);
        Ok(())
    }

    /// Compiles a unary operator applied to `e`; `line` is the operator's.
    pub(crate) fn prefix(&mut self, op: UnaryOp, e: &mut ExpDesc<'a>, line: u32) -> GResult<()> {
        self.discharge_vars(e);
        let zero = ExpDesc::new(ExpKind::KInt, 0);
        match op {
            UnaryOp::Neg => {
                if !const_fold(ArithOp::Unm, e, &zero) {
                    self.code_un_exp_val(OpCode::Unm, e, line)?;
                }
            }
            UnaryOp::BNot => {
                if !const_fold(ArithOp::BNot, e, &zero) {
                    self.code_un_exp_val(OpCode::BNot, e, line)?;
                }
            }
            UnaryOp::Len => self.code_un_exp_val(OpCode::Len, e, line)?,
            UnaryOp::Not => self.code_not(e)?,
        }
        Ok(())
    }

    /// Emits a unary operator on a register.
    fn code_un_exp_val(&mut self, op: OpCode, e: &mut ExpDesc<'a>, line: u32) -> GResult<()> {
        let r = self.exp2anyreg(e)?;
        self.free_exp(e);
        e.info = self.code_abc(op, 0, r, 0);
        e.k = ExpKind::Reloc;
        self.fix_line(line);
        Ok(())
    }

    /// Prepares the first operand of a binary operator, before the second
    /// one is compiled.
    pub(crate) fn infix(&mut self, op: BinaryOp, v: &mut ExpDesc<'a>) -> GResult<()> {
        self.discharge_vars(v);
        match op {
            BinaryOp::And => self.go_if_true(v)?,
            BinaryOp::Or => self.go_if_false(v)?,
            BinaryOp::Concat => self.exp2nextreg(v)?,
            BinaryOp::Eq | BinaryOp::Ne => {
                if !v.is_numeral() {
                    self.exp2rk(v)?;
                }
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let mut is_float = false;
                if v.is_scnumber(&mut is_float).is_none() {
                    self.exp2anyreg(v)?;
                }
            }
            // Arithmetic and bitwise.
            _ => {
                if !v.is_numeral() {
                    self.exp2anyreg(v)?;
                }
            }
        }
        Ok(())
    }

    /// Finishes a binary operator; `e1` is the first operand as `infix` left
    /// it, `line` the operator's line.
    pub(crate) fn posfix(
        &mut self,
        op: BinaryOp,
        e1: &mut ExpDesc<'a>,
        e2: &mut ExpDesc<'a>,
        line: u32,
    ) -> GResult<()> {
        self.discharge_vars(e2);
        if let Some(aop) = binary_arith(op)
            && const_fold(aop, e1, e2)
        {
            return Ok(());
        }
        match op {
            BinaryOp::And => {
                let mut fl = e2.fl;
                self.concat(&mut fl, e1.fl)?;
                e2.fl = fl;
                *e1 = *e2;
            }
            BinaryOp::Or => {
                let mut tl = e2.tl;
                self.concat(&mut tl, e1.tl)?;
                e2.tl = tl;
                *e1 = *e2;
            }
            BinaryOp::Concat => {
                self.exp2nextreg(e2)?;
                self.code_concat(e1, e2, line)?;
            }
            BinaryOp::Add | BinaryOp::Mul => self.code_commutative(op, e1, e2, line)?,
            BinaryOp::Sub => {
                if !self.finish_bin_exp_neg(e1, e2, OpCode::AddI, line, TagMethod::Sub)? {
                    self.code_arith(ArithOp::Sub, e1, e2, false, line)?;
                }
            }
            BinaryOp::Div | BinaryOp::IDiv | BinaryOp::Mod | BinaryOp::Pow => {
                let aop = binary_arith(op).expect("arithmetic");
                self.code_arith(aop, e1, e2, false, line)?;
            }
            BinaryOp::BAnd | BinaryOp::BOr | BinaryOp::BXor => {
                let aop = binary_arith(op).expect("bitwise");
                self.code_bitwise(aop, e1, e2, line)?;
            }
            BinaryOp::Shl => {
                if e1.is_scint() {
                    std::mem::swap(e1, e2);
                    self.code_bin_i(OpCode::ShlI, e1, e2, true, line, TagMethod::Shl)?; // I << r2
                } else if self.finish_bin_exp_neg(e1, e2, OpCode::ShrI, line, TagMethod::Shl)? {
                    // coded as r1 >> -I
                } else {
                    self.code_bin_exp_val(ArithOp::Shl, e1, e2, line)?;
                }
            }
            BinaryOp::Shr => {
                if e2.is_scint() {
                    self.code_bin_i(OpCode::ShrI, e1, e2, false, line, TagMethod::Shr)?;
                } else {
                    self.code_bin_exp_val(ArithOp::Shr, e1, e2, line)?;
                }
            }
            BinaryOp::Eq | BinaryOp::Ne => self.code_eq(op == BinaryOp::Eq, e1, e2)?,
            BinaryOp::Lt | BinaryOp::Le => self.code_order(op == BinaryOp::Lt, e1, e2)?,
            BinaryOp::Gt | BinaryOp::Ge => {
                // a > b is b < a, a >= b is b <= a.
                std::mem::swap(e1, e2);
                self.code_order(op == BinaryOp::Gt, e1, e2)?;
            }
        }
        Ok(())
    }

    /// Emits a binary operation whose first operand goes to a register, and
    /// the MMBIN-family instruction that follows it.
    fn finish_bin_exp_val(
        &mut self,
        e1: &mut ExpDesc<'a>,
        e2: &ExpDesc<'a>,
        op: OpCode,
        v2: usize,
        flip: bool,
        line: u32,
        mmop: OpCode,
        event: TagMethod,
    ) -> GResult<()> {
        let v1 = self.exp2anyreg(e1)?;
        let pc = self.code_abc(op, 0, v1, v2);
        self.free_exps(e1, e2);
        e1.info = pc;
        e1.k = ExpKind::Reloc;
        self.fix_line(line);
        self.code_abck(mmop, v1, v2, event as usize, flip);
        self.fix_line(line);
        Ok(())
    }

    /// Emits a binary operation on two registers.
    fn code_bin_exp_val(
        &mut self,
        op: ArithOp,
        e1: &mut ExpDesc<'a>,
        e2: &mut ExpDesc<'a>,
        line: u32,
    ) -> GResult<()> {
        let v2 = self.exp2anyreg(e2)?;
        let opc = arith_opcode(OpCode::Add, op);
        self.finish_bin_exp_val(e1, e2, opc, v2, false, line, OpCode::MmBin, arith_event(op))
    }

    /// Emits a binary operation with an immediate second operand.
    fn code_bin_i(
        &mut self,
        op: OpCode,
        e1: &mut ExpDesc<'a>,
        e2: &ExpDesc<'a>,
        flip: bool,
        line: u32,
        event: TagMethod,
    ) -> GResult<()> {
        let v2 = (e2.ival + OFFSET_SC as i64) as usize;
        self.finish_bin_exp_val(e1, e2, op, v2, flip, line, OpCode::MmBinI, event)
    }

    /// Emits a binary operation with a constant second operand.
    fn code_bin_k(
        &mut self,
        op: ArithOp,
        e1: &mut ExpDesc<'a>,
        e2: &ExpDesc<'a>,
        flip: bool,
        line: u32,
    ) -> GResult<()> {
        let opc = arith_opcode(OpCode::AddK, op);
        self.finish_bin_exp_val(
            e1,
            e2,
            opc,
            e2.info,
            flip,
            line,
            OpCode::MmBinK,
            arith_event(op),
        )
    }

    /// Codes `r1 - I` as `r1 + (-I)` (and `r1 << I` as `r1 >> -I`) when `I`
    /// is a small integer whose negation is small too.
    fn finish_bin_exp_neg(
        &mut self,
        e1: &mut ExpDesc<'a>,
        e2: &ExpDesc<'a>,
        op: OpCode,
        line: u32,
        event: TagMethod,
    ) -> GResult<bool> {
        if !e2.is_kint() {
            return Ok(false);
        }
        let i2 = e2.ival;
        if !fits_c(i2) || !fits_c(i2.wrapping_neg()) {
            return Ok(false);
        }
        let v2 = (OFFSET_SC as i64 - i2) as usize;
        self.finish_bin_exp_val(e1, e2, op, v2, false, line, OpCode::MmBinI, event)?;
        // The metamethod gets the original operand.
        let last = self.pc() - 1;
        self.ins(last).set_b((i2 + OFFSET_SC as i64) as u32);
        Ok(true)
    }

    /// Emits an arithmetic operation, with a constant operand when the
    /// second operand is a numeral (`flip`: the operands were swapped).
    fn code_arith(
        &mut self,
        op: ArithOp,
        e1: &mut ExpDesc<'a>,
        e2: &mut ExpDesc<'a>,
        flip: bool,
        line: u32,
    ) -> GResult<()> {
        if e2.is_numeral() && self.exp2k(e2) {
            return self.code_bin_k(op, e1, e2, flip, line);
        }
        if flip {
            std::mem::swap(e1, e2); // back to the original order
        }
        self.code_bin_exp_val(op, e1, e2, line)
    }

    /// Emits + or *, moving a numeral first operand second.
    fn code_commutative(
        &mut self,
        op: BinaryOp,
        e1: &mut ExpDesc<'a>,
        e2: &mut ExpDesc<'a>,
        line: u32,
    ) -> GResult<()> {
        let mut flip = false;
        if e1.is_numeral() {
            std::mem::swap(e1, e2);
            flip = true;
        }
        if op == BinaryOp::Add && e2.is_scint() {
            return self.code_bin_i(OpCode::AddI, e1, e2, flip, line, TagMethod::Add);
        }
        let aop = binary_arith(op).expect("arithmetic");
        self.code_arith(aop, e1, e2, flip, line)
    }

    /// Emits &, | or ~, with a constant operand when either one is an
    /// integer literal.
    ///
    /// An integer first operand is moved second without first being put in
    /// a register: when it does not fit in a K operand (a function with
    /// more than 256 constants), loading it then would place it above the
    /// already evaluated second operand, which Lua 5.4.4 got wrong
    /// ("1 ~ (2 or 3)"); this follows the reference's fix (5.4.5).
    fn code_bitwise(
        &mut self,
        op: ArithOp,
        e1: &mut ExpDesc<'a>,
        e2: &mut ExpDesc<'a>,
        line: u32,
    ) -> GResult<()> {
        let mut flip = false;
        if e1.k == ExpKind::KInt {
            std::mem::swap(e1, e2);
            flip = true;
        }
        if e2.k == ExpKind::KInt && self.exp2k(e2) {
            return self.code_bin_k(op, e1, e2, flip, line);
        }
        if flip {
            std::mem::swap(e1, e2); // back to the original order
        }
        self.code_bin_exp_val(op, e1, e2, line)
    }

    /// Emits `e1 .. e2`, merging with a CONCAT that `e2` compiled to.
    fn code_concat(&mut self, e1: &mut ExpDesc<'a>, e2: &ExpDesc<'a>, line: u32) -> GResult<()> {
        if let Some(p) = self.previous() {
            let ie2 = self.fs.f.code[p];
            if ie2.op() == Some(OpCode::Concat) {
                let n = ie2.b();
                self.free_exp(e2);
                let ins = self.ins(p);
                ins.set_a(e1.info as u32);
                ins.set_b(n + 1);
                return Ok(());
            }
        }
        self.code_abc(OpCode::Concat, e1.info, 2, 0);
        self.free_exp(e2);
        self.fix_line(line);
        Ok(())
    }

    /// Emits == (`eq`) or ~=.
    fn code_eq(&mut self, eq: bool, e1: &mut ExpDesc<'a>, e2: &mut ExpDesc<'a>) -> GResult<()> {
        if e1.k != ExpKind::NonReloc {
            // e1 is a constant left by infix: swap it second.
            std::mem::swap(e1, e2);
        }
        let r1 = self.exp2anyreg(e1)?;
        let mut is_float = false;
        let (op, r2) = if let Some(imm) = e2.is_scnumber(&mut is_float) {
            (OpCode::EqI, imm)
        } else if self.exp2rk(e2)? {
            (OpCode::EqK, e2.info)
        } else {
            (OpCode::Eq, self.exp2anyreg(e2)?)
        };
        self.free_exps(e1, e2);
        e1.info = self.cond_jump(op, r1, r2, is_float as usize, eq);
        e1.k = ExpKind::Jmp;
        Ok(())
    }

    /// Emits < (`lt`) or <=, with an immediate operand when either one is a
    /// small number.
    fn code_order(&mut self, lt: bool, e1: &mut ExpDesc<'a>, e2: &mut ExpDesc<'a>) -> GResult<()> {
        let mut is_float = false;
        let (op, r1, r2);
        if let Some(imm) = e2.is_scnumber(&mut is_float) {
            r1 = self.exp2anyreg(e1)?;
            r2 = imm;
            op = if lt { OpCode::LtI } else { OpCode::LeI };
        } else if let Some(imm) = e1.is_scnumber(&mut is_float) {
            // A < B is B > A, A <= B is B >= A.
            r1 = self.exp2anyreg(e2)?;
            r2 = imm;
            op = if lt { OpCode::GtI } else { OpCode::GeI };
        } else {
            r1 = self.exp2anyreg(e1)?;
            r2 = self.exp2anyreg(e2)?;
            op = if lt { OpCode::Lt } else { OpCode::Le };
        }
        self.free_exps(e1, e2);
        e1.info = self.cond_jump(op, r1, r2, is_float as usize, true);
        e1.k = ExpKind::Jmp;
        Ok(())
    }
}
