//! Compiling statements other than loops.

use lunar_syntax::ast::{Block, Expr, IfStat, LocalStat, Pos, ReturnStat, Stat};

use crate::opcodes::OpCode;

use super::codegen::{BlockState, MULT_RET, NO_JUMP};
use super::codegen_exp::{ExpDesc, ExpKind};
use super::resolve::{VarKind, addr};
use super::{GResult, Gen, expr_id, stat_id};

impl<'a> Gen<'a> {
    /// Compiles a list of statements.
    pub(crate) fn stat_list(&mut self, stats: &'a [Stat]) -> GResult<()> {
        let mut i = 0;
        while i < stats.len() {
            if matches!(stats[i], Stat::Label(_)) {
                let mut j = i;
                while j < stats.len() && matches!(stats[j], Stat::Label(_)) {
                    j += 1;
                }
                self.label_run(&stats[i..j])?;
                i = j;
                continue;
            }
            self.statement(&stats[i])?;
            i += 1;
        }
        Ok(())
    }

    /// Compiles a block that is its own scope.
    pub(crate) fn block(&mut self, b: &'a Block<'a>) -> GResult<()> {
        let upval = self.res.block_upval(b);
        self.enter_block(BlockState::new(None, upval));
        self.stat_list(&self.ast[b.stats])?;
        self.reach_end(b);
        self.leave_block()?;
        Ok(())
    }

    /// Notes that the parser has read all of `b` but its closing token.
    pub(crate) fn reach_end(&mut self, b: &Block) {
        self.advance(Pos::new(b.last_line, 0));
    }

    /// Compiles one statement.
    pub(crate) fn statement(&mut self, s: &'a Stat<'a>) -> GResult<()> {
        self.enter()?;
        self.check(stat_id(s), false)?;
        let ast = self.ast;
        match s {
            Stat::Local(x) => self.local_stat(&ast[*x])?,
            Stat::Assign(x) => {
                let x = &ast[*x];
                self.assign_stat(&ast[x.targets], &ast[x.values], &ast[x.value_commas], x.pos)?;
            }
            Stat::Call(x) => {
                let x = &ast[*x];
                let mut v = ExpDesc::new(ExpKind::Void, 0);
                self.expr(&x.call, &mut v)?;
                if v.k == ExpKind::Call {
                    self.ins(v.info).set_c(1); // no results
                }
            }
            Stat::Do(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                self.block(&x.body)?;
                self.advance(x.body.end);
            }
            Stat::While(x) => self.while_stat(s, &ast[*x])?,
            Stat::Repeat(x) => self.repeat_stat(s, &ast[*x])?,
            Stat::If(x) => self.if_stat(&ast[*x])?,
            Stat::NumericFor(x) => self.numeric_for(s, &ast[*x])?,
            Stat::GenericFor(x) => self.generic_for(s, &ast[*x])?,
            Stat::Function(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                let mut v = ExpDesc::new(ExpKind::Void, 0);
                let mut b = ExpDesc::new(ExpKind::Void, 0);
                self.expr(&x.target, &mut v)?;
                self.body(&x.func, &mut b, x.pos.line)?;
                self.check(stat_id(s), true)?;
                self.store_var(&v, &mut b)?;
                self.fix_line(x.pos.line); // the definition "happens" on the first line
            }
            Stat::LocalFunction(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                let vars = self.res.decl(x.id).vars();
                self.activate(vars.clone());
                let mut b = ExpDesc::new(ExpKind::Void, 0);
                // A local function is defined where its parameters start.
                self.body(&x.func, &mut b, x.func.lparen.line)?;
                // Debug information sees the variable only after the
                // closure.
                if let Some(v) = vars.clone().next() {
                    let pc = self.pc() as u32;
                    self.fs.f.loc_vars[self.pidx[v]].start_pc = pc;
                }
            }
            Stat::Return(x) => self.return_stat(&ast[*x])?,
            Stat::Break(p) => {
                self.advance(ast[*p]);
                let target = self.res.gotos.get(&addr(s)).map(|g| g.target);
                let j = self.jump();
                self.add_pending(target, j)?;
            }
            Stat::Goto(x) => {
                self.advance(ast[*x].label_pos);
                if let Some(info) = self.res.gotos.get(&addr(s)).copied() {
                    if info.backward {
                        if let Some(level) = info.close_level {
                            self.code_abc(OpCode::Close, level, 0, 0);
                        }
                        let target = self.label_pc.get(&info.target).copied().unwrap_or(0);
                        self.jump_to(target)?;
                    } else {
                        let j = self.jump();
                        self.add_pending(Some(info.target), j)?;
                    }
                }
            }
            Stat::Label(_) => self.label_run(std::slice::from_ref(s))?,
        }
        self.fs.free_reg = self.nvarstack();
        self.leave();
        Ok(())
    }

    /// Adds a jump list to those waiting for a label or a loop's end.
    fn add_pending(&mut self, target: Option<usize>, list: usize) -> GResult<()> {
        let Some(target) = target else {
            return Ok(());
        };
        if list == NO_JUMP {
            return Ok(());
        }
        let mut l = self.pending.get(&target).copied().unwrap_or(NO_JUMP);
        self.concat(&mut l, list)?;
        self.pending.insert(target, l);
        Ok(())
    }

    /// Compiles consecutive labels. The reference creates them last first,
    /// after reading them all.
    fn label_run(&mut self, stats: &'a [Stat]) -> GResult<()> {
        self.check(stat_id(&stats[0]), false)?;
        if let Stat::Label(lb) = &stats[stats.len() - 1] {
            self.advance(self.ast[*lb].end_pos);
        }
        for lb in stats.iter().rev() {
            let pc = self.get_label();
            self.label_pc.insert(addr(lb), pc);
            let list = self.take_pending(addr(lb));
            self.patch_list(list, pc)?;
            if self.res.labels.get(&addr(lb)).copied().unwrap_or(false) {
                let level = self.nvarstack();
                self.code_abc(OpCode::Close, level, 0, 0);
            }
        }
        Ok(())
    }

    fn local_stat(&mut self, x: &'a LocalStat<'a>) -> GResult<()> {
        self.advance(x.pos);
        // Without values the variables get nil after the last name (or its
        // attribute); values start after the '='.
        let ast = self.ast;
        if x.values.is_empty() {
            self.advance(x.names_end);
        } else {
            self.advance(x.eq_pos);
        }
        let vars = self.res.decl(x.id).vars();
        let nvars = vars.len();
        let last_id = vars.clone().next_back().expect("a declared name");
        let last = &self.res.vars[last_id];
        let (last_kind, last_name) = (last.kind, last.name);
        let last_value = self.res.ctc_value(last_id);
        let mut e = ExpDesc::new(ExpKind::Void, 0);
        if last_kind == VarKind::Ctc {
            // The last value is a constant: the last variable takes no
            // register (the expression may still have emitted some code).
            self.expr_list(&ast[x.values], &ast[x.value_commas], &mut e)?;
            if !self.const_value(&e).is_some_and(|v| v.same(&last_value)) {
                self.internal_error(format!(
                    "constant local '{}': resolver and generator disagree",
                    String::from_utf8_lossy(last_name)
                ));
            }
        } else if !x.values.is_empty() {
            let nexps = self.expr_list(&ast[x.values], &ast[x.value_commas], &mut e)?;
            self.adjust_assign(nvars, nexps, &mut e)?;
        } else {
            self.adjust_assign(nvars, 0, &mut e)?;
        }
        self.activate(vars.clone());
        for v in vars {
            let var = &self.res.vars[v];
            if var.kind == VarKind::Close {
                let reg = var.reg();
                self.mark_to_be_closed();
                self.code_abc(OpCode::Tbc, reg, 0, 0);
            }
        }
        Ok(())
    }

    /// Adjusts the `nexps` values of a list, the last of which is `e`, to
    /// `nvars`.
    pub(crate) fn adjust_assign(
        &mut self,
        nvars: usize,
        nexps: usize,
        e: &mut ExpDesc<'a>,
    ) -> GResult<()> {
        let needed = nvars as i64 - nexps as i64;
        if e.has_mult_ret() {
            let extra = (needed + 1).max(0);
            self.set_returns(e, extra as i32)?;
        } else {
            if e.k != ExpKind::Void {
                self.exp2nextreg(e)?;
            }
            if needed > 0 {
                let r = self.fs.free_reg;
                self.load_nil(r, needed as usize);
            }
        }
        if needed > 0 {
            self.reserve_regs(needed as usize)?;
        } else {
            self.fs.free_reg = (self.fs.free_reg as i64 + needed) as usize;
        }
        Ok(())
    }

    fn assign_stat(
        &mut self,
        targets: &'a [Expr],
        values: &'a [Expr],
        commas: &[u32],
        pos: Pos,
    ) -> GResult<()> {
        let mut lhs: Vec<ExpDesc<'a>> = Vec::with_capacity(targets.len());
        for (i, t) in targets.iter().enumerate() {
            let mut v = ExpDesc::new(ExpKind::Void, 0);
            self.expr(t, &mut v)?;
            self.check(expr_id(t), true)?;
            if i > 0 && !v.is_indexed() {
                self.check_conflict(&mut lhs, &v)?;
            }
            lhs.push(v);
        }
        self.advance(pos);
        let mut e = ExpDesc::new(ExpKind::Void, 0);
        let nexps = self.expr_list(values, commas, &mut e)?;
        let mut n = lhs.len();
        if nexps != lhs.len() {
            self.adjust_assign(lhs.len(), nexps, &mut e)?;
        } else {
            self.set_one_ret(&mut e);
            self.store_var(&lhs[n - 1], &mut e)?;
            n -= 1;
        }
        // The other values are on the stack, the last on top.
        for i in (0..n).rev() {
            e.init(ExpKind::NonReloc, self.fs.free_reg - 1);
            self.store_var(&lhs[i], &mut e)?;
        }
        Ok(())
    }

    /// Handles a multiple assignment where a variable assigned is used as
    /// table or key by an earlier target (as in 'a[i], i = 1, 2'): the
    /// earlier target then uses a copy of the variable's old value.
    fn check_conflict(&mut self, prev: &mut [ExpDesc<'a>], v: &ExpDesc<'a>) -> GResult<()> {
        let extra = self.fs.free_reg;
        let mut conflict = false;
        for lh in prev.iter_mut() {
            if !lh.is_indexed() {
                continue;
            }
            if lh.k == ExpKind::IndexUp {
                if v.k == ExpKind::Upval && lh.t == v.info {
                    conflict = true;
                    lh.k = ExpKind::IndexStr;
                    lh.t = extra;
                }
                continue;
            }
            if v.k == ExpKind::Local && lh.t == v.reg {
                conflict = true;
                lh.t = extra;
            }
            if lh.k == ExpKind::Indexed && v.k == ExpKind::Local && lh.idx == v.reg {
                conflict = true;
                lh.idx = extra;
            }
        }
        if conflict {
            if v.k == ExpKind::Local {
                self.code_abc(OpCode::Move, extra, v.reg, 0);
            } else {
                self.code_abc(OpCode::GetUpval, extra, v.info, 0);
            }
            self.reserve_regs(1)?;
        }
        Ok(())
    }

    fn return_stat(&mut self, x: &'a ReturnStat<'a>) -> GResult<()> {
        self.advance(x.pos);
        let mut first = self.nvarstack();
        let mut nret = x.values.len() as i32;
        if nret > 0 {
            let mut e = ExpDesc::new(ExpKind::Void, 0);
            self.expr_list(&self.ast[x.values], &self.ast[x.value_commas], &mut e)?;
            if e.has_mult_ret() {
                self.set_mult_ret(&e)?;
                let inside_tbc = self.fs.bl.last().is_some_and(|b| b.inside_tbc);
                if e.k == ExpKind::Call && nret == 1 && !inside_tbc {
                    self.ins(e.info).set_op(OpCode::TailCall);
                }
                nret = MULT_RET;
            } else if nret == 1 {
                first = self.exp2anyreg(&mut e)?;
            } else {
                self.exp2nextreg(&mut e)?;
                first = self.nvarstack();
            }
        }
        self.ret(first, nret);
        Ok(())
    }

    fn if_stat(&mut self, x: &'a IfStat<'a>) -> GResult<()> {
        let ast = self.ast;
        self.advance(x.pos);
        let mut escape = NO_JUMP;
        let (conds, blocks) = (&ast[x.conds], &ast[x.blocks]);
        let (then_pos, break_end) = (&ast[x.then_pos], &ast[x.break_end]);
        for (i, c) in conds.iter().enumerate() {
            if i > 0 {
                self.advance(blocks[i - 1].end); // 'elseif'
            }
            let more = i + 1 < conds.len() || x.else_block.is_some();
            self.test_then_block(
                c,
                then_pos.get(i).copied().unwrap_or_default(),
                break_end.get(i).copied().unwrap_or_default(),
                &blocks[i],
                more,
                &mut escape,
            )?;
        }
        let mut end = blocks[blocks.len() - 1].end;
        if let Some(b) = &x.else_block {
            self.advance(end); // 'else'
            self.block(b)?;
            end = b.end;
        }
        self.advance(end);
        self.patch_to_here(escape)
    }

    /// Compiles 'cond then block' of an if statement; `more` is set when an
    /// elseif or else part follows, which the block must jump over.
    fn test_then_block(
        &mut self,
        cond: &'a Expr<'a>,
        then_line: u32,
        break_end: u32,
        b: &'a Block<'a>,
        more: bool,
        escape: &mut usize,
    ) -> GResult<()> {
        let mut v = ExpDesc::new(ExpKind::Void, 0);
        self.expr(cond, &mut v)?;
        // The test is emitted after the 'then'.
        self.advance_line(then_line);
        let mut stats = &self.ast[b.stats];
        let jf;
        if let Some(br @ Stat::Break(p)) = stats.first() {
            // 'if cond then break': the test jumps out of the loop itself.
            self.go_if_false(&mut v)?;
            self.advance(self.ast[*p]);
            let upval = self.res.block_upval(b);
            self.enter_block(BlockState::new(None, upval));
            let target = self.res.gotos.get(&addr(br)).map(|g| g.target);
            self.add_pending(target, v.tl)?;
            if stats.len() == 1 {
                self.reach_end(b);
                self.leave_block()?;
                return Ok(());
            }
            self.advance(Pos::new(break_end, 0)); // the ';' after 'break'
            jf = self.jump(); // skip the rest of the block if cond is false
            stats = &stats[1..];
        } else {
            self.go_if_true(&mut v)?;
            let upval = self.res.block_upval(b);
            self.enter_block(BlockState::new(None, upval));
            jf = v.fl;
        }
        self.stat_list(stats)?;
        self.reach_end(b);
        self.leave_block()?;
        if more {
            let j = self.jump();
            self.concat(escape, j)?;
        }
        self.patch_to_here(jf)
    }
}
