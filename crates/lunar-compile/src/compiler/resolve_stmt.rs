//! The resolver's walk over statements: scopes of blocks and loops, local
//! declarations, assignments to read-only variables.

use lunar_syntax::ast::{
    Attrib, Block, Expr, FunctionStat, GenericForStat, LocalStat, NumericForStat, Stat,
};

use super::resolve::{Anchor, Done, Follow, Near, RResult, Resolver, VarKind, addr};
use super::{expr_id, stat_id};

/// Returns the first token of a statement, as a follow.
pub(crate) fn stat_follow<'a>(s: &'a Stat<'a>) -> Follow<'a> {
    let near = match s {
        Stat::Local(_) | Stat::LocalFunction(_) => "'local'",
        Stat::Assign(x) => return expr_follow(&x.targets[0]),
        Stat::Call(x) => return expr_follow(&x.call),
        Stat::Do(_) => "'do'",
        Stat::While(_) => "'while'",
        Stat::Repeat(_) => "'repeat'",
        Stat::If(_) => "'if'",
        Stat::NumericFor(_) | Stat::GenericFor(_) => "'for'",
        Stat::Function(_) => "'function'",
        Stat::Return(_) => "'return'",
        Stat::Break(_) => "'break'",
        Stat::Goto(_) => "'goto'",
        Stat::Label(_) => "'::'",
    };
    Follow::new(s.pos().line, near)
}

/// Returns the first token of a prefix expression.
fn expr_follow<'a>(e: &'a Expr<'a>) -> Follow<'a> {
    let mut e = e;
    loop {
        match e {
            Expr::Index(x) => e = &x.obj,
            Expr::Binary(x) => e = &x.l,
            Expr::Name { pos, name } => {
                return Follow {
                    line: pos.line,
                    near: Near::Name(name),
                };
            }
            Expr::Paren(x) => return Follow::new(x.pos.line, "'('"),
            _ => return Follow::new(e.pos().line, "'('"),
        }
    }
}

/// Returns the position of the first token of an expression.
pub(crate) fn expr_start(e: &Expr) -> lunar_syntax::ast::Pos {
    let mut e = e;
    loop {
        match e {
            Expr::Index(x) => e = &x.obj,
            Expr::Binary(x) => e = &x.l,
            _ => return e.pos(),
        }
    }
}

/// The follow of a block closed by 'end'.
fn end_follow(b: &Block) -> Follow<'static> {
    Follow::new(b.end.line, "'end'")
}

impl<'a> Resolver<'a> {
    /// Resolves the statements of a block; `end` is the token that closes
    /// the block, and `until_end` is set when that token is 'until' (a label
    /// before it is then not at the end of its block, §3.3.4).
    pub(crate) fn stat_list(
        &mut self,
        b: &'a Block<'a>,
        end: &Follow<'a>,
        until_end: bool,
    ) -> RResult<()> {
        let stats = &b.stats;
        let mut i = 0;
        while i < stats.len() {
            if matches!(stats[i], Stat::Label(_)) {
                // The reference reads a run of labels recursively and
                // creates them last first, all at the token after the run.
                let mut j = i;
                while j < stats.len() && matches!(stats[j], Stat::Label(_)) {
                    j += 1;
                }
                let fol = if j < stats.len() {
                    stat_follow(&stats[j])
                } else {
                    *end
                };
                let last = j == stats.len() && !until_end;
                let at = Anchor::before(stat_id(&stats[i]));
                for s in stats[i..j].iter().rev() {
                    self.label(at, s, fol.line, last)?;
                }
                i = j;
                continue;
            }
            let fol = if i + 1 < stats.len() {
                stat_follow(&stats[i + 1])
            } else {
                *end
            };
            self.stat(&stats[i], fol)?;
            i += 1;
        }
        Ok(())
    }

    /// Resolves a block that is its own scope.
    fn block(&mut self, b: &'a Block<'a>, end: &Follow<'a>, until_end: bool) -> RResult<()> {
        self.enter_block(None, Done::Block(addr(b)));
        self.stat_list(b, end, until_end)?;
        self.leave_block(end.line)
    }

    /// Resolves one statement; `fol` is the token after it.
    fn stat(&mut self, s: &'a Stat<'a>, fol: Follow<'a>) -> RResult<()> {
        self.enter(s.pos().line)?;
        let saved = (
            std::mem::take(&mut self.tail),
            std::mem::replace(&mut self.tail_follow, fol),
        );
        match s {
            Stat::Local(x) => self.local_stat(s, x, &fol)?,
            Stat::Assign(x) => {
                for (i, t) in x.targets.iter().enumerate() {
                    self.expr(t)?;
                    if let Expr::Name { pos, name } = t {
                        // The reference checks each target when it reads
                        // the token after it: ',' or, after the last one,
                        // '='.
                        let line = if i == x.targets.len() - 1 {
                            x.pos.line
                        } else {
                            pos.line
                        };
                        let rf = self.res.refs[&addr(t)];
                        self.check_read_only(Anchor::after(expr_id(t)), rf, name, line)?;
                    }
                }
                self.expr_list_tail(&x.values);
                self.expr_list(&x.values)?;
            }
            Stat::Call(x) => self.expr(&x.call)?,
            Stat::Do(x) => self.block(&x.body, &end_follow(&x.body), false)?,
            Stat::While(x) => {
                self.expr(&x.cond)?;
                self.res.loops.insert(addr(s), Default::default());
                self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
                self.block(&x.body, &end_follow(&x.body), false)?;
                self.leave_block(0)?;
            }
            Stat::Repeat(x) => {
                self.res.loops.insert(addr(s), Default::default());
                self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
                let body = &x.body;
                self.enter_block(None, Done::Block(addr(body)));
                self.stat_list(body, &Follow::new(body.end.line, "'until'"), true)?;
                self.expr_tail(&x.cond);
                self.expr(&x.cond)?;
                self.leave_block(0)?;
                self.leave_block(0)?;
            }
            Stat::If(x) => {
                for (i, c) in x.conds.iter().enumerate() {
                    self.expr(c)?;
                    let near = if i + 1 < x.conds.len() {
                        "'elseif'"
                    } else if x.else_block.is_some() {
                        "'else'"
                    } else {
                        "'end'"
                    };
                    let end = Follow::new(x.blocks[i].end.line, near);
                    self.block(&x.blocks[i], &end, false)?;
                }
                if let Some(b) = &x.else_block {
                    self.block(b, &end_follow(b), false)?;
                }
            }
            Stat::NumericFor(x) => self.numeric_for(s, x)?,
            Stat::GenericFor(x) => self.generic_for(s, x)?,
            Stat::Function(x) => self.function_stat(s, x, &fol)?,
            Stat::LocalFunction(x) => {
                let v =
                    self.new_local(stat_id(s), x.name, VarKind::Regular, x.name_pos.line, "'('")?;
                self.res.decls.insert(stat_id(s), vec![v]);
                self.activate(1);
                self.tail = addr(&x.func);
                self.function(&x.func, x.func.lparen.line)?;
            }
            Stat::Return(x) => {
                self.expr_list_tail(&x.values);
                self.expr_list(&x.values)?;
            }
            Stat::Break(p) => self.new_goto(b"break", p.line, addr(s))?,
            Stat::Goto(x) => self.goto_stat(s, x)?,
            // Labels are handled by stat_list; a lone one gets here only
            // from a hand-built tree.
            Stat::Label(_) => self.label(Anchor::before(stat_id(s)), s, fol.line, false)?,
        }
        (self.tail, self.tail_follow) = saved;
        self.leave();
        Ok(())
    }

    /// Notes the function expression whose 'end' ends a list that ends a
    /// statement, if any.
    fn expr_list_tail(&mut self, list: &'a [Expr]) {
        if let Some(e) = list.last() {
            self.expr_tail(e);
        }
    }

    /// Notes the function expression whose 'end' ends an expression that
    /// ends a statement, if any.
    fn expr_tail(&mut self, e: &'a Expr<'a>) {
        let mut e = e;
        loop {
            match e {
                Expr::Binary(x) => e = &x.r,
                Expr::Unary(x) => e = &x.x,
                Expr::Function(f) => {
                    self.tail = addr(&**f);
                    return;
                }
                _ => return,
            }
        }
    }

    fn local_stat(
        &mut self,
        s: &'a Stat<'a>,
        x: &'a LocalStat<'a>,
        fol: &Follow<'a>,
    ) -> RResult<()> {
        let mut vars = Vec::with_capacity(x.names.len());
        let mut to_close = None;
        for (i, name) in x.names.iter().enumerate() {
            let attrib = x.attribs.get(i).copied().unwrap_or(Attrib::None);
            let mut near = fol.near;
            let mut line = x.name_pos[i].line;
            if attrib != Attrib::None {
                near = Near::Tok("'<'");
            } else if i + 1 < x.names.len() {
                near = Near::Tok("','");
            } else if !x.values.is_empty() {
                near = Near::Tok("'='");
            } else {
                line = fol.line;
            }
            let v = self.new_local(stat_id(s), name, VarKind::Regular, line, near)?;
            vars.push(v);
            match attrib {
                Attrib::Const => self.res.vars[v].kind = VarKind::Const,
                Attrib::Close => {
                    self.res.vars[v].kind = VarKind::Close;
                    if to_close.is_some() {
                        return self.error(
                            Anchor::before(stat_id(s)),
                            x.name_pos[i].line,
                            "multiple to-be-closed variables in local list".into(),
                        );
                    }
                    to_close = Some(i);
                }
                Attrib::None => {}
            }
        }
        let last = *vars.last().expect("a local statement declares a name");
        let n = vars.len();
        self.res.decls.insert(stat_id(s), vars);
        self.expr_list_tail(&x.values);
        self.expr_list(&x.values)?;
        if x.values.len() == n
            && self.res.vars[last].kind == VarKind::Const
            && let Some(v) = self.const_value(x.values.last().expect("values"))?
        {
            let var = &mut self.res.vars[last];
            var.kind = VarKind::Ctc;
            var.value = v;
        }
        self.activate(n);
        if to_close.is_some() {
            self.mark_to_be_closed();
        }
        Ok(())
    }

    fn function_stat(
        &mut self,
        s: &'a Stat<'a>,
        x: &'a FunctionStat<'a>,
        fol: &Follow<'a>,
    ) -> RResult<()> {
        self.expr(&x.target)?;
        self.tail = addr(&x.func);
        self.function(&x.func, x.pos.line)?;
        if let Expr::Name { name, .. } = &x.target {
            // Checked after the body, at the token after its 'end'.
            let rf = self.res.refs[&addr(&x.target)];
            self.check_read_only(Anchor::after(stat_id(s)), rf, name, fol.line)?;
        }
        Ok(())
    }

    fn numeric_for(&mut self, s: &'a Stat<'a>, x: &'a NumericForStat<'a>) -> RResult<()> {
        self.res.loops.insert(addr(s), Default::default());
        self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
        let line = x.var_pos.line;
        let id = stat_id(s);
        let mut vars = Vec::with_capacity(4);
        for _ in 0..3 {
            vars.push(self.new_local(id, b"(for state)", VarKind::Regular, line, "'='")?);
        }
        vars.push(self.new_local(id, x.var, VarKind::Regular, line, "'='")?);
        self.res.decls.insert(id, vars);
        self.expr(&x.start)?;
        self.expr(&x.limit)?;
        if let Some(step) = &x.step {
            self.expr(step)?;
        }
        self.activate(3);
        self.for_body(s, &x.body, 1)?;
        self.leave_block(0)
    }

    fn generic_for(&mut self, s: &'a Stat<'a>, x: &'a GenericForStat<'a>) -> RResult<()> {
        self.res.loops.insert(addr(s), Default::default());
        self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
        let near = |i: usize| if i + 1 < x.names.len() { "','" } else { "'in'" };
        let line = x.name_pos[0].line;
        let id = stat_id(s);
        let mut vars = Vec::with_capacity(4 + x.names.len());
        for _ in 0..4 {
            vars.push(self.new_local(id, b"(for state)", VarKind::Regular, line, near(0))?);
        }
        for (i, name) in x.names.iter().enumerate() {
            vars.push(self.new_local(id, name, VarKind::Regular, x.name_pos[i].line, near(i))?);
        }
        self.res.decls.insert(id, vars);
        self.expr_list(&x.exprs)?;
        self.activate(4);
        self.mark_to_be_closed();
        self.for_body(s, &x.body, x.names.len())?;
        self.leave_block(0)
    }

    /// Resolves the declared variables' block and the body of a for.
    fn for_body(&mut self, s: &'a Stat<'a>, body: &'a Block<'a>, nvars: usize) -> RResult<()> {
        self.enter_block(None, Done::VarsUpval(addr(s)));
        self.activate(nvars);
        self.block(body, &end_follow(body), false)?;
        self.leave_block(0)
    }
}
