//! Expression descriptors: the state of an expression whose code is not
//! (completely) emitted yet, which lets the generator choose the best
//! instruction once it knows where the value goes (the design of the
//! reference's `expdesc`), and the steps that discharge them into
//! registers or constants.

use crate::instruction::{MAX_ARG_B, MAX_ARG_C, OFFSET_SC};
use crate::opcodes::OpCode;

use super::codegen::{MULT_RET, NO_JUMP};
use super::codegen_const::fits_c;
use super::constant::{KValue, float_to_int};
use super::resolve::VarId;
use super::{GResult, Gen};

/// The kind of an expression descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ExpKind {
    /// No value (an empty list).
    Void,
    Nil,
    True,
    False,
    /// Constant `K[info]`.
    K,
    /// Float constant `nval`.
    KFlt,
    /// Integer constant `ival`.
    KInt,
    /// String constant `sval`.
    KStr,
    /// Value in register `info`.
    NonReloc,
    /// Local variable `v` in register `reg`.
    Local,
    /// Upvalue `info`.
    Upval,
    /// Compile-time constant variable `v`.
    Const,
    /// `R[t][R[idx]]`.
    Indexed,
    /// `U[t][K[idx]]` (`K[idx]` a short string).
    IndexUp,
    /// `R[t][idx]` (`idx` a small integer).
    IndexI,
    /// `R[t][K[idx]]` (`K[idx]` a short string).
    IndexStr,
    /// A test; `info` is the pc of its jump.
    Jmp,
    /// Value of instruction `info`, whose A is still free.
    Reloc,
    /// Call instruction `info`.
    Call,
    /// Vararg instruction `info`.
    Vararg,
}

/// An expression being compiled.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpDesc<'a> {
    pub(crate) k: ExpKind,
    pub(crate) info: usize,
    pub(crate) ival: i64,
    pub(crate) nval: f64,
    pub(crate) sval: &'a [u8],
    /// The variable, for `Local` and `Const`.
    pub(crate) v: VarId,
    /// The register, for `Local`.
    pub(crate) reg: usize,
    /// Indexed: table register or upvalue.
    pub(crate) t: usize,
    /// Indexed: key register, constant or integer.
    pub(crate) idx: usize,
    /// Jumps taken when the expression is true.
    pub(crate) tl: usize,
    /// Jumps taken when the expression is false.
    pub(crate) fl: usize,
}

impl<'a> ExpDesc<'a> {
    /// An expression of kind `k` with info `i` and no jumps.
    pub(crate) fn new(k: ExpKind, info: usize) -> ExpDesc<'a> {
        ExpDesc {
            k,
            info,
            ival: 0,
            nval: 0.0,
            sval: b"",
            v: 0,
            reg: 0,
            t: 0,
            idx: 0,
            tl: NO_JUMP,
            fl: NO_JUMP,
        }
    }

    /// Sets the expression to kind `k` with info `i` and no jumps.
    pub(crate) fn init(&mut self, k: ExpKind, info: usize) {
        *self = ExpDesc::new(k, info);
    }

    /// Reports whether the expression has pending exits.
    pub(crate) fn has_jumps(&self) -> bool {
        self.tl != self.fl
    }

    /// Reports whether the expression may give several values.
    pub(crate) fn has_mult_ret(&self) -> bool {
        matches!(self.k, ExpKind::Call | ExpKind::Vararg)
    }

    /// Reports whether the expression is a table field.
    pub(crate) fn is_indexed(&self) -> bool {
        (ExpKind::Indexed..=ExpKind::IndexStr).contains(&self.k)
    }

    /// The value of a numeric literal without jumps.
    pub(crate) fn numeral(&self) -> Option<KValue<'a>> {
        if self.has_jumps() {
            return None;
        }
        match self.k {
            ExpKind::KInt => Some(KValue::Int(self.ival)),
            ExpKind::KFlt => Some(KValue::Float(self.nval)),
            _ => None,
        }
    }

    pub(crate) fn is_numeral(&self) -> bool {
        self.numeral().is_some()
    }

    /// Reports whether the expression is an integer literal without jumps.
    pub(crate) fn is_kint(&self) -> bool {
        self.k == ExpKind::KInt && !self.has_jumps()
    }

    /// Reports whether the expression is an integer literal that fits an
    /// unsigned C operand.
    pub(crate) fn is_cint(&self) -> bool {
        self.is_kint() && (self.ival as u64) <= MAX_ARG_C as u64
    }

    /// Reports whether the expression is an integer literal that fits a
    /// signed C operand.
    pub(crate) fn is_scint(&self) -> bool {
        self.is_kint() && fits_c(self.ival)
    }

    /// Reports whether the expression is a number that fits a signed
    /// immediate operand, returning the encoded operand. Like the
    /// reference, it sets `is_float` for any float with an integral value,
    /// even one that does not fit (the flag then ends up, unused, in the C
    /// operand of the comparison).
    pub(crate) fn is_scnumber(&self, is_float: &mut bool) -> Option<usize> {
        let i = match self.k {
            ExpKind::KInt => self.ival,
            ExpKind::KFlt => {
                let i = float_to_int(self.nval)?;
                *is_float = true;
                i
            }
            _ => return None,
        };
        if self.has_jumps() || !fits_c(i) {
            return None;
        }
        Some((i + OFFSET_SC as i64) as usize)
    }

    /// Makes the expression the constant `v`.
    pub(crate) fn set_const_value(&mut self, v: KValue<'a>) {
        match v {
            KValue::Nil => self.k = ExpKind::Nil,
            KValue::Bool(true) => self.k = ExpKind::True,
            KValue::Bool(false) => self.k = ExpKind::False,
            KValue::Int(i) => {
                self.k = ExpKind::KInt;
                self.ival = i;
            }
            KValue::Float(f) => {
                self.k = ExpKind::KFlt;
                self.nval = f;
            }
            KValue::Str(s) => {
                self.k = ExpKind::KStr;
                self.sval = s;
            }
        }
    }
}

impl<'a> Gen<'a> {
    /// The value of an expression that is a constant without jumps.
    pub(crate) fn const_value(&self, e: &ExpDesc<'a>) -> Option<KValue<'a>> {
        if e.has_jumps() {
            return None;
        }
        Some(match e.k {
            ExpKind::Const => self.res.ctc_value(e.v),
            ExpKind::Nil => KValue::Nil,
            ExpKind::True => KValue::Bool(true),
            ExpKind::False => KValue::Bool(false),
            ExpKind::KInt => KValue::Int(e.ival),
            ExpKind::KFlt => KValue::Float(e.nval),
            ExpKind::KStr => KValue::Str(e.sval),
            _ => return None,
        })
    }

    // -----------------------------------------------------------------------
    // Discharging

    /// Makes an open call or vararg give `nresults` values.
    pub(crate) fn set_returns(&mut self, e: &ExpDesc<'a>, nresults: i32) -> GResult<()> {
        let pc = e.info;
        self.ins(pc).set_c((nresults + 1) as u32);
        if e.k == ExpKind::Vararg {
            let a = self.fs.free_reg as u32;
            self.ins(pc).set_a(a);
            self.reserve_regs(1)?;
        }
        Ok(())
    }

    /// Makes an open call or vararg give all its values.
    pub(crate) fn set_mult_ret(&mut self, e: &ExpDesc<'a>) -> GResult<()> {
        self.set_returns(e, MULT_RET)
    }

    /// Makes an open call or vararg give one value.
    pub(crate) fn set_one_ret(&mut self, e: &mut ExpDesc<'a>) {
        match e.k {
            ExpKind::Call => {
                e.k = ExpKind::NonReloc;
                e.info = self.fs.f.code[e.info].a() as usize;
            }
            ExpKind::Vararg => {
                self.ins(e.info).set_c(2);
                e.k = ExpKind::Reloc;
            }
            _ => {}
        }
    }

    /// Turns a variable into a value: locals become registers, other
    /// variables an instruction whose target is still to be chosen.
    pub(crate) fn discharge_vars(&mut self, e: &mut ExpDesc<'a>) {
        match e.k {
            ExpKind::Const => {
                let v = self.res.ctc_value(e.v);
                e.set_const_value(v);
            }
            ExpKind::Local => {
                e.info = e.reg;
                e.k = ExpKind::NonReloc;
            }
            ExpKind::Upval => {
                e.info = self.code_abc(OpCode::GetUpval, 0, e.info, 0);
                e.k = ExpKind::Reloc;
            }
            ExpKind::IndexUp => {
                e.info = self.code_abc(OpCode::GetTabUp, 0, e.t, e.idx);
                e.k = ExpKind::Reloc;
            }
            ExpKind::IndexI => {
                self.free_register(e.t);
                e.info = self.code_abc(OpCode::GetI, 0, e.t, e.idx);
                e.k = ExpKind::Reloc;
            }
            ExpKind::IndexStr => {
                self.free_register(e.t);
                e.info = self.code_abc(OpCode::GetField, 0, e.t, e.idx);
                e.k = ExpKind::Reloc;
            }
            ExpKind::Indexed => {
                self.free_regs(Some(e.t), Some(e.idx));
                e.info = self.code_abc(OpCode::GetTable, 0, e.t, e.idx);
                e.k = ExpKind::Reloc;
            }
            ExpKind::Vararg | ExpKind::Call => self.set_one_ret(e),
            _ => {}
        }
    }

    /// Puts the value of `e` (jumps aside) in `reg`.
    pub(crate) fn discharge2reg(&mut self, e: &mut ExpDesc<'a>, reg: usize) -> GResult<()> {
        self.discharge_vars(e);
        match e.k {
            ExpKind::Nil => self.load_nil(reg, 1),
            ExpKind::False => {
                self.code_abc(OpCode::LoadFalse, reg, 0, 0);
            }
            ExpKind::True => {
                self.code_abc(OpCode::LoadTrue, reg, 0, 0);
            }
            ExpKind::KStr => {
                self.str2k(e);
                self.code_k(reg, e.info)?;
            }
            ExpKind::K => {
                self.code_k(reg, e.info)?;
            }
            ExpKind::KFlt => self.load_float(reg, e.nval)?,
            ExpKind::KInt => self.load_int(reg, e.ival)?,
            ExpKind::Reloc => self.ins(e.info).set_a(reg as u32),
            ExpKind::NonReloc => {
                if reg != e.info {
                    self.code_abc(OpCode::Move, reg, e.info, 0);
                }
            }
            // Jmp: nothing to do yet.
            _ => return Ok(()),
        }
        e.info = reg;
        e.k = ExpKind::NonReloc;
        Ok(())
    }

    /// Puts the value of `e` in some register.
    pub(crate) fn discharge2anyreg(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        if e.k != ExpKind::NonReloc {
            self.reserve_regs(1)?;
            let r = self.fs.free_reg - 1;
            self.discharge2reg(e, r)?;
        }
        Ok(())
    }

    /// Emits a boolean load that may be a jump target.
    fn code_load_bool(&mut self, a: usize, op: OpCode) -> usize {
        self.get_label();
        self.code_abc(op, a, 0, 0)
    }

    /// Reports whether some jump of a list is not controlled by a TESTSET
    /// (and so produces no value by itself).
    fn need_value(&self, mut list: usize) -> bool {
        while list != NO_JUMP {
            if self.fs.f.code[self.jump_control(list)].op() != Some(OpCode::TestSet) {
                return true;
            }
            list = self.get_jump(list);
        }
        false
    }

    /// Puts the complete value of `e`, jumps included, in `reg`.
    pub(crate) fn exp2reg(&mut self, e: &mut ExpDesc<'a>, reg: usize) -> GResult<()> {
        self.discharge2reg(e, reg)?;
        if e.k == ExpKind::Jmp {
            let mut tl = e.tl;
            self.concat(&mut tl, e.info)?;
            e.tl = tl;
        }
        if e.has_jumps() {
            let (mut pf, mut pt) = (NO_JUMP, NO_JUMP);
            if self.need_value(e.tl) || self.need_value(e.fl) {
                let fj = if e.k != ExpKind::Jmp {
                    self.jump()
                } else {
                    NO_JUMP
                };
                pf = self.code_load_bool(reg, OpCode::LFalseSkip);
                pt = self.code_load_bool(reg, OpCode::LoadTrue);
                self.patch_to_here(fj)?;
            }
            let fin = self.get_label();
            self.patch_list_aux(e.fl, fin, reg, pf)?;
            self.patch_list_aux(e.tl, fin, reg, pt)?;
        }
        e.fl = NO_JUMP;
        e.tl = NO_JUMP;
        e.info = reg;
        e.k = ExpKind::NonReloc;
        Ok(())
    }

    /// Releases the register of a temporary value.
    pub(crate) fn free_exp(&mut self, e: &ExpDesc<'a>) {
        if e.k == ExpKind::NonReloc {
            self.free_register(e.info);
        }
    }

    /// Releases the registers of two temporaries, the higher first.
    pub(crate) fn free_exps(&mut self, e1: &ExpDesc<'a>, e2: &ExpDesc<'a>) {
        let r1 = (e1.k == ExpKind::NonReloc).then_some(e1.info);
        let r2 = (e2.k == ExpKind::NonReloc).then_some(e2.info);
        self.free_regs(r1, r2);
    }

    /// Puts the value of `e` in the next free register.
    pub(crate) fn exp2nextreg(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        self.discharge_vars(e);
        self.free_exp(e);
        self.reserve_regs(1)?;
        let r = self.fs.free_reg - 1;
        self.exp2reg(e, r)
    }

    /// Puts the value of `e` in some register and returns it.
    pub(crate) fn exp2anyreg(&mut self, e: &mut ExpDesc<'a>) -> GResult<usize> {
        self.discharge_vars(e);
        if e.k == ExpKind::NonReloc {
            if !e.has_jumps() {
                return Ok(e.info);
            }
            if e.info >= self.nvarstack() {
                let r = e.info;
                self.exp2reg(e, r)?;
                return Ok(e.info);
            }
            // A local's register cannot take the values of the jumps.
        }
        self.exp2nextreg(e)?;
        Ok(e.info)
    }

    /// Puts `e` in a register unless it is an upvalue.
    pub(crate) fn exp2anyregup(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        if e.k != ExpKind::Upval || e.has_jumps() {
            self.exp2anyreg(e)?;
        }
        Ok(())
    }

    /// Makes `e` a value, in a register or a constant.
    pub(crate) fn exp2val(&mut self, e: &mut ExpDesc<'a>) -> GResult<()> {
        if e.has_jumps() {
            self.exp2anyreg(e)?;
        } else {
            self.discharge_vars(e);
        }
        Ok(())
    }

    /// Moves a string literal to the constant table.
    pub(crate) fn str2k(&mut self, e: &mut ExpDesc<'a>) {
        e.info = self.string_k(e.sval);
        e.k = ExpKind::K;
    }

    /// Tries to make `e` a constant operand (an index that fits in B or C).
    /// The constant is added to the table even when its index is too big.
    pub(crate) fn exp2k(&mut self, e: &mut ExpDesc<'a>) -> bool {
        if e.has_jumps() {
            return false;
        }
        let info = match e.k {
            ExpKind::True => self.bool_k(true),
            ExpKind::False => self.bool_k(false),
            ExpKind::Nil => self.nil_k(),
            ExpKind::KInt => self.int_k(e.ival),
            ExpKind::KFlt => self.number_k(e.nval),
            ExpKind::KStr => self.string_k(e.sval),
            ExpKind::K => e.info,
            _ => return false,
        };
        if info <= MAX_ARG_B as usize {
            e.k = ExpKind::K;
            e.info = info;
            return true;
        }
        false
    }

    /// Makes `e` a constant operand or puts it in a register; reports
    /// whether it is a constant.
    pub(crate) fn exp2rk(&mut self, e: &mut ExpDesc<'a>) -> GResult<bool> {
        if self.exp2k(e) {
            return Ok(true);
        }
        self.exp2anyreg(e)?;
        Ok(false)
    }
}
