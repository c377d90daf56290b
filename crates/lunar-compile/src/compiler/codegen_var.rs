//! Compiling the use of variables as targets: stores to locals, upvalues
//! and table fields, table fields themselves, and the operand of a method
//! call.

use crate::instruction::MAX_ARG_B;
use crate::opcodes::OpCode;

use super::codegen_exp::{ExpDesc, ExpKind};
use super::{GResult, Gen};

impl<'a> Gen<'a> {
    /// Emits an instruction whose C is a register or a constant.
    fn code_abrk(&mut self, op: OpCode, a: usize, b: usize, ec: &mut ExpDesc<'a>) -> GResult<()> {
        let k = self.exp2rk(ec)?;
        self.code_abck(op, a, b, ec.info, k);
        Ok(())
    }

    /// Assigns the value of `ex` to the variable `v`.
    pub(crate) fn store_var(&mut self, v: &ExpDesc<'a>, ex: &mut ExpDesc<'a>) -> GResult<()> {
        match v.k {
            ExpKind::Local => {
                self.free_exp(ex);
                return self.exp2reg(ex, v.reg);
            }
            ExpKind::Upval => {
                let e = self.exp2anyreg(ex)?;
                self.code_abc(OpCode::SetUpval, e, v.info, 0);
            }
            ExpKind::IndexUp => self.code_abrk(OpCode::SetTabUp, v.t, v.idx, ex)?,
            ExpKind::IndexI => self.code_abrk(OpCode::SetI, v.t, v.idx, ex)?,
            ExpKind::IndexStr => self.code_abrk(OpCode::SetField, v.t, v.idx, ex)?,
            ExpKind::Indexed => self.code_abrk(OpCode::SetTable, v.t, v.idx, ex)?,
            _ => {}
        }
        self.free_exp(ex);
        Ok(())
    }

    /// Makes `t` the field `t[k]`; `t` is a local, a register or an upvalue,
    /// and `k` a value.
    pub(crate) fn indexed(&mut self, t: &mut ExpDesc<'a>, k: &mut ExpDesc<'a>) -> GResult<()> {
        if k.k == ExpKind::KStr {
            self.str2k(k);
        }
        let is_kstr = k.k == ExpKind::K
            && !k.has_jumps()
            && k.info <= MAX_ARG_B as usize
            && self.is_short_string(k.info);
        if t.k == ExpKind::Upval && !is_kstr {
            self.exp2anyreg(t)?;
        }
        if t.k == ExpKind::Upval {
            t.t = t.info;
            t.idx = k.info;
            t.k = ExpKind::IndexUp;
            return Ok(());
        }
        t.t = if t.k == ExpKind::Local { t.reg } else { t.info };
        if is_kstr {
            t.idx = k.info;
            t.k = ExpKind::IndexStr;
        } else if k.is_cint() {
            t.idx = k.ival as usize;
            t.k = ExpKind::IndexI;
        } else {
            t.idx = self.exp2anyreg(k)?;
            t.k = ExpKind::Indexed;
        }
        Ok(())
    }

    /// Compiles `e:key` for a method call: the method and `e` go to two
    /// consecutive registers.
    pub(crate) fn self_(&mut self, e: &mut ExpDesc<'a>, key: &mut ExpDesc<'a>) -> GResult<()> {
        self.exp2anyreg(e)?;
        let ereg = e.info;
        self.free_exp(e);
        e.info = self.fs.free_reg;
        e.k = ExpKind::NonReloc;
        self.reserve_regs(2)?;
        let a = e.info;
        self.code_abrk(OpCode::SelfOp, a, ereg, key)?;
        self.free_exp(key);
        Ok(())
    }
}
