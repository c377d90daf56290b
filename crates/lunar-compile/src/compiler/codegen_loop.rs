//! Compiling loops. Each loop statement has a loop block, whose end is the
//! target of its breaks; a for loop also has a block for its declared
//! variables around the body, so that each iteration gets fresh variables
//! (closed at the end of the iteration when captured).

use lunar_syntax::ast::{
    Block, Expr, GenericForStat, NumericForStat, Pos, RepeatStat, Stat, WhileStat,
};

use crate::instruction::MAX_ARG_BX;
use crate::opcodes::OpCode;

use super::codegen::BlockState;
use super::codegen_exp::{ExpDesc, ExpKind};
use super::resolve::{VarId, addr};
use super::resolve_stmt::expr_start;
use super::{GResult, Gen};

impl<'a> Gen<'a> {
    /// Compiles a loop condition and returns its false exit list.
    fn cond(&mut self, e: &'a Expr<'a>) -> GResult<usize> {
        let mut v = ExpDesc::new(ExpKind::Void, 0);
        self.expr(e, &mut v)?;
        if v.k == ExpKind::Nil {
            v.k = ExpKind::False; // all falses are equal here
        }
        self.go_if_true(&mut v)?;
        Ok(v.fl)
    }

    pub(crate) fn while_stat(&mut self, s: &'a Stat<'a>, x: &'a WhileStat<'a>) -> GResult<()> {
        self.advance(x.pos);
        let while_init = self.get_label();
        let cond_exit = self.cond(&x.cond)?;
        let upval = self.res.loop_info(s).loop_upval;
        self.enter_block(BlockState::new(Some(addr(s)), upval));
        self.block(&x.body)?;
        self.jump_to(while_init)?;
        self.advance(x.body.end);
        self.leave_block()?;
        self.patch_to_here(cond_exit)
    }

    pub(crate) fn repeat_stat(&mut self, s: &'a Stat<'a>, x: &'a RepeatStat<'a>) -> GResult<()> {
        self.advance(x.pos);
        let repeat_init = self.get_label();
        let upval = self.res.loop_info(s).loop_upval;
        self.enter_block(BlockState::new(Some(addr(s)), upval));
        let body_upval = self.res.block_upval(&x.body);
        self.enter_block(BlockState::new(None, body_upval));
        self.stat_list(&self.ast[x.body.stats])?;
        self.advance(x.body.end); // 'until'
        let mut cond_exit = self.cond(&x.cond)?;
        let scope = self.leave_block()?;
        if scope.upval {
            // Repeating must close the upvalues of the body.
            let exit = self.jump();
            self.patch_to_here(cond_exit)?;
            let level = self.reg_level(scope.nactvar);
            self.code_abc(OpCode::Close, level, 0, 0);
            cond_exit = self.jump();
            self.patch_to_here(exit)?;
        }
        self.patch_list(cond_exit, repeat_init)?;
        self.leave_block()?;
        Ok(())
    }

    /// Compiles a for loop's control expression into the next register.
    fn exp1(&mut self, e: &'a Expr<'a>) -> GResult<()> {
        let mut v = ExpDesc::new(ExpKind::Void, 0);
        self.expr(e, &mut v)?;
        self.exp2nextreg(&mut v)
    }

    pub(crate) fn numeric_for(
        &mut self,
        s: &'a Stat<'a>,
        x: &'a NumericForStat<'a>,
    ) -> GResult<()> {
        self.advance(x.pos);
        let info = self.res.loop_info(s);
        self.enter_block(BlockState::new(Some(addr(s)), info.loop_upval));
        let (hidden, vars) = self.res.decl(x.id).split(3);
        let base = self.fs.free_reg;
        self.advance(x.eq_pos);
        self.exp1(&x.start)?;
        self.exp1(&x.limit)?;
        if let Some(step) = &x.step {
            self.exp1(step)?;
        } else {
            let r = self.fs.free_reg;
            self.load_int(r, 1)?;
            self.reserve_regs(1)?;
        }
        self.activate(hidden);
        self.for_body(
            info.vars_upval,
            &x.body,
            base,
            x.pos.line,
            x.do_pos,
            vars,
            false,
        )?;
        self.advance(x.body.end);
        self.leave_block()?;
        Ok(())
    }

    pub(crate) fn generic_for(
        &mut self,
        s: &'a Stat<'a>,
        x: &'a GenericForStat<'a>,
    ) -> GResult<()> {
        self.advance(x.pos);
        let info = self.res.loop_info(s);
        self.enter_block(BlockState::new(Some(addr(s)), info.loop_upval));
        let (hidden, vars) = self.res.decl(x.id).split(4);
        let base = self.fs.free_reg;
        self.advance(x.in_pos);
        let exprs = &self.ast[x.exprs];
        let line = expr_start(self.ast, &exprs[0]).line;
        let mut e = ExpDesc::new(ExpKind::Void, 0);
        let nexps = self.expr_list(exprs, &self.ast[x.expr_commas], &mut e)?;
        self.adjust_assign(4, nexps, &mut e)?;
        self.activate(hidden);
        self.mark_to_be_closed(); // the fourth control variable is to be closed
        self.check_stack(3)?; // room to call the generator
        self.for_body(info.vars_upval, &x.body, base, line, x.do_pos, vars, true)?;
        self.advance(x.body.end);
        self.leave_block()?;
        Ok(())
    }

    /// Compiles the body of a for loop and its loop instructions; `line` is
    /// the line the loop instructions belong to.
    fn for_body(
        &mut self,
        vars_upval: bool,
        body: &'a Block<'a>,
        base: usize,
        line: u32,
        do_pos: Pos,
        vars: std::ops::Range<VarId>,
        generic: bool,
    ) -> GResult<()> {
        // The loop's preparation is emitted after the 'do'.
        self.advance(do_pos);
        let prep_op = if generic {
            OpCode::TForPrep
        } else {
            OpCode::ForPrep
        };
        let prep = self.code_abx(prep_op, base, 0);
        self.enter_block(BlockState::new(None, vars_upval));
        let nvars = vars.len();
        self.activate(vars);
        self.reserve_regs(nvars)?;
        self.block(body)?;
        self.leave_block()?;
        let here = self.get_label();
        self.fix_for_jump(prep, here, false)?;
        let end_for = if generic {
            self.code_abc(OpCode::TForCall, base, 0, nvars);
            self.fix_line(line);
            self.code_abx(OpCode::TForLoop, base, 0)
        } else {
            self.code_abx(OpCode::ForLoop, base, 0)
        };
        self.fix_for_jump(end_for, prep + 1, true)?;
        self.fix_line(line);
        Ok(())
    }

    /// Sets the Bx offset of a for-loop instruction at `pc` so that it goes
    /// to `dest` (backwards when `back` is set).
    fn fix_for_jump(&mut self, pc: usize, dest: usize, back: bool) -> GResult<()> {
        let mut offset = dest as i64 - (pc as i64 + 1);
        if back {
            offset = -offset;
        }
        if offset > MAX_ARG_BX as i64 {
            return self.error("control structure too long".into());
        }
        self.ins(pc).set_bx(offset as u32);
        Ok(())
    }
}
