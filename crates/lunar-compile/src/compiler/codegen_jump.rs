//! Jump lists (chained through the offsets of the jumps themselves, as in
//! the reference) and the final pass over a function's code.

use crate::instruction::{Instruction, MAX_ARG_SJ, OFFSET_SJ};
use crate::opcodes::OpCode;

use super::codegen::{NO_JUMP, NO_REG};
use super::{GResult, Gen};

impl Gen<'_> {
    /// Emits a jump to be patched and returns its pc.
    pub(crate) fn jump(&mut self) -> usize {
        self.code(Instruction::isj(OpCode::Jmp, -1))
    }

    /// Returns the next jump of the list after `pc`.
    pub(crate) fn get_jump(&self, pc: usize) -> usize {
        let offset = self.fs.f.code[pc].sj();
        if offset == -1 {
            return NO_JUMP;
        }
        (pc as i64 + 1 + offset as i64) as usize
    }

    /// Makes the jump at `pc` go to `dest`.
    pub(crate) fn fix_jump(&mut self, pc: usize, dest: usize) -> GResult<()> {
        let offset = dest as i64 - (pc as i64 + 1);
        if offset < -(OFFSET_SJ as i64) || offset > MAX_ARG_SJ as i64 - OFFSET_SJ as i64 {
            return self.error("control structure too long".into());
        }
        self.ins(pc).set_sj(offset as i32);
        Ok(())
    }

    /// Joins list `l2` to list `*l1`. Where the lists are linked does not
    /// matter (every jump of a list is patched on its own), so this walks
    /// the two lists together and links the end of the shorter one to the
    /// other: joining a long list and a short one costs the short one's
    /// length, which keeps long chains of 'and' and 'or' linear (the
    /// reference always walks `*l1`).
    pub(crate) fn concat(&mut self, l1: &mut usize, l2: usize) -> GResult<()> {
        if l2 == NO_JUMP {
            return Ok(());
        }
        if *l1 == NO_JUMP {
            *l1 = l2;
            return Ok(());
        }
        let (mut a, mut b) = (*l1, l2);
        loop {
            let (na, nb) = (self.get_jump(a), self.get_jump(b));
            if na == NO_JUMP {
                return self.fix_jump(a, l2); // *l1 ends first: append l2
            }
            if nb == NO_JUMP {
                self.fix_jump(b, *l1)?; // l2 ends first: prepend it
                *l1 = l2;
                return Ok(());
            }
            (a, b) = (na, nb);
        }
    }

    /// Returns the pc of the instruction that controls the jump at `pc`:
    /// the test before it, if any.
    pub(crate) fn jump_control(&self, pc: usize) -> usize {
        if pc >= 1 && self.fs.f.code[pc - 1].op().is_some_and(OpCode::is_test) {
            return pc - 1;
        }
        pc
    }

    /// Makes the TESTSET controlling the jump at `node` put its value in
    /// `reg`, or turns it into a TEST when no value is needed (`reg` is
    /// `NO_REG` or the tested register). Returns false when the jump is not
    /// controlled by a TESTSET.
    fn patch_test_reg(&mut self, node: usize, reg: usize) -> bool {
        let pc = self.jump_control(node);
        let i = self.fs.f.code[pc];
        if i.op() != Some(OpCode::TestSet) {
            return false;
        }
        if reg != NO_REG && reg != i.b() as usize {
            self.ins(pc).set_a(reg as u32);
        } else {
            *self.ins(pc) = Instruction::abc(OpCode::Test, i.b(), 0, 0, i.k());
        }
        true
    }

    /// Turns the TESTSETs of a list into TESTs.
    pub(crate) fn remove_values(&mut self, mut list: usize) {
        while list != NO_JUMP {
            self.patch_test_reg(list, NO_REG);
            list = self.get_jump(list);
        }
    }

    /// Patches a list: jumps whose TESTSET can put its value in `reg` go to
    /// `vtarget`, the others to `dtarget`.
    pub(crate) fn patch_list_aux(
        &mut self,
        mut list: usize,
        vtarget: usize,
        reg: usize,
        dtarget: usize,
    ) -> GResult<()> {
        while list != NO_JUMP {
            let next = self.get_jump(list);
            if self.patch_test_reg(list, reg) {
                self.fix_jump(list, vtarget)?;
            } else {
                self.fix_jump(list, dtarget)?;
            }
            list = next;
        }
        Ok(())
    }

    /// Makes all jumps of a list go to `target`.
    pub(crate) fn patch_list(&mut self, list: usize, target: usize) -> GResult<()> {
        self.patch_list_aux(list, target, NO_REG, target)
    }

    /// Makes all jumps of a list go to the current pc.
    pub(crate) fn patch_to_here(&mut self, list: usize) -> GResult<()> {
        let here = self.get_label();
        self.patch_list(list, here)
    }

    /// Emits a jump to `target`.
    pub(crate) fn jump_to(&mut self, target: usize) -> GResult<()> {
        let j = self.jump();
        self.patch_list(j, target)
    }

    // -----------------------------------------------------------------------
    // Finishing

    /// Makes the last changes to a function's code: returns of variadic
    /// functions and of functions with upvalues to close get their extra
    /// operands, and jumps to jumps go straight to the final target.
    pub(crate) fn finish(&mut self) -> GResult<()> {
        let need_close = self.fs.info.need_close;
        let is_vararg = self.fs.f.is_vararg;
        let nparams = self.fs.f.num_params;
        for i in 0..self.fs.f.code.len() {
            let mut ins = self.fs.f.code[i];
            match ins.op() {
                Some(
                    op @ (OpCode::Return0 | OpCode::Return1 | OpCode::Return | OpCode::TailCall),
                ) => {
                    if matches!(op, OpCode::Return0 | OpCode::Return1) {
                        if !need_close && !is_vararg {
                            continue;
                        }
                        ins.set_op(OpCode::Return);
                    }
                    if need_close {
                        ins.set_k(true);
                    }
                    if is_vararg {
                        ins.set_c(nparams as u32 + 1);
                    }
                    self.fs.f.code[i] = ins;
                }
                Some(OpCode::Jmp) => {
                    let target = final_target(&self.fs.f.code, i);
                    self.fix_jump(i, target)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Follows a chain of jumps (at most 100, to stop on loops).
fn final_target(code: &[Instruction], mut i: usize) -> usize {
    for _ in 0..100 {
        let ins = code[i];
        if ins.op() != Some(OpCode::Jmp) {
            break;
        }
        i = (i as i64 + ins.sj() as i64 + 1) as usize;
    }
    i
}
