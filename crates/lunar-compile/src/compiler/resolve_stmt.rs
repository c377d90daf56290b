//! The resolver's walk over statements: scopes of blocks and loops, local
//! declarations, assignments to read-only variables.

use lunar_syntax::ast::{
    Ast, Attrib, Block, Expr, FunctionStat, GenericForStat, LocalStat, NumericForStat, Stat,
};

use super::resolve::{Anchor, Decl, Done, Follow, Near, RResult, Resolver, VarKind, addr, put};
use super::{expr_id, stat_id};

/// Returns the first token of a statement, as a follow.
pub(crate) fn stat_follow<'a>(ast: &'a Ast<'a>, s: &'a Stat<'a>) -> Follow<'a> {
    let near = match s {
        Stat::Local(_) | Stat::LocalFunction(_) => "'local'",
        Stat::Assign(x) => return expr_follow(ast, &ast[ast[*x].targets][0]),
        Stat::Call(x) => return expr_follow(ast, &ast[*x].call),
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
    Follow::new(s.pos(ast).line, near)
}

/// Returns the first token of a prefix expression.
fn expr_follow<'a>(ast: &'a Ast<'a>, e: &'a Expr<'a>) -> Follow<'a> {
    let mut e = e;
    loop {
        match e {
            Expr::Index(x) => e = &ast[*x].obj,
            Expr::Binary(x) => e = &ast[*x].l,
            Expr::Name { id } => {
                return Follow {
                    line: ast.name_pos(*id).line,
                    near: Near::Name(ast.name(*id)),
                };
            }
            Expr::Paren(x) => return Follow::new(ast[*x].pos.line, "'('"),
            _ => return Follow::new(e.pos(ast).line, "'('"),
        }
    }
}

/// Returns the position of the first token of an expression.
pub(crate) fn expr_start<'a>(ast: &'a Ast<'a>, e: &'a Expr<'a>) -> lunar_syntax::ast::Pos {
    let mut e = e;
    loop {
        match e {
            Expr::Index(x) => e = &ast[*x].obj,
            Expr::Binary(x) => e = &ast[*x].l,
            _ => return e.pos(ast),
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
        let ast = self.ast;
        let stats = &ast[b.stats];
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
                    stat_follow(ast, &stats[j])
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
                stat_follow(ast, &stats[i + 1])
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
        self.enter_block(None, Done::Block(b.id));
        self.stat_list(b, end, until_end)?;
        self.leave_block(end.line)
    }

    /// Resolves one statement; `fol` is the token after it.
    pub(crate) fn stat(&mut self, s: &'a Stat<'a>, fol: Follow<'a>) -> RResult<()> {
        let ast = self.ast;
        self.enter_at(|| s.pos(ast).line)?;
        let saved = (
            std::mem::take(&mut self.tail),
            std::mem::replace(&mut self.tail_follow, fol),
        );
        match s {
            Stat::Local(x) => self.local_stat(s, &ast[*x], &fol)?,
            Stat::Assign(x) => {
                let x = &ast[*x];
                let targets = &ast[x.targets];
                for (i, t) in targets.iter().enumerate() {
                    self.expr(t)?;
                    if let Expr::Name { id } = t {
                        let name = ast.name(*id);
                        // The reference checks each target when it reads
                        // the token after it: ',' or, after the last one,
                        // '='.
                        let line = if i == targets.len() - 1 {
                            x.pos.line
                        } else {
                            ast.name_pos(*id).line
                        };
                        let rf = self.res.name_ref(*id).expect("a resolved name");
                        self.check_read_only(Anchor::after(expr_id(t)), rf, name, line)?;
                    }
                }
                self.expr_list_tail(&ast[x.values]);
                self.expr_list(&ast[x.values])?;
            }
            Stat::Call(x) => self.expr(&ast[*x].call)?,
            Stat::Do(x) => {
                let x = &ast[*x];
                self.block(&x.body, &end_follow(&x.body), false)?;
            }
            Stat::While(x) => {
                let x = &ast[*x];
                self.expr(&x.cond)?;
                self.res.loops.insert(addr(s), Default::default());
                self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
                self.block(&x.body, &end_follow(&x.body), false)?;
                self.leave_block(0)?;
            }
            Stat::Repeat(x) => {
                let x = &ast[*x];
                self.res.loops.insert(addr(s), Default::default());
                self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
                let body = &x.body;
                self.enter_block(None, Done::Block(body.id));
                self.stat_list(body, &Follow::new(body.end.line, "'until'"), true)?;
                self.expr_tail(&x.cond);
                self.expr(&x.cond)?;
                self.leave_block(0)?;
                self.leave_block(0)?;
            }
            Stat::If(x) => {
                let x = &ast[*x];
                let (conds, blocks) = (&ast[x.conds], &ast[x.blocks]);
                for (i, c) in conds.iter().enumerate() {
                    self.expr(c)?;
                    let near = if i + 1 < conds.len() {
                        "'elseif'"
                    } else if x.else_block.is_some() {
                        "'else'"
                    } else {
                        "'end'"
                    };
                    let end = Follow::new(blocks[i].end.line, near);
                    self.block(&blocks[i], &end, false)?;
                }
                if let Some(b) = &x.else_block {
                    self.block(b, &end_follow(b), false)?;
                }
            }
            Stat::NumericFor(x) => self.numeric_for(s, &ast[*x])?,
            Stat::GenericFor(x) => self.generic_for(s, &ast[*x])?,
            Stat::Function(x) => self.function_stat(s, &ast[*x], &fol)?,
            Stat::LocalFunction(x) => {
                let x = &ast[*x];
                let v =
                    self.new_local(stat_id(s), x.name, VarKind::Regular, x.name_pos.line, "'('")?;
                put(&mut self.res.decls, x.id, Decl::new(v, 1));
                self.activate(1);
                self.tail = addr(&x.func);
                self.function(&x.func, x.func.lparen.line)?;
            }
            Stat::Return(x) => {
                let values = &ast[ast[*x].values];
                self.expr_list_tail(values);
                self.expr_list(values)?;
            }
            Stat::Break(p) => self.new_goto(b"break", ast[*p].line, addr(s))?,
            Stat::Goto(x) => self.goto_stat(s, &ast[*x])?,
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
                Expr::Binary(x) => e = &self.ast[*x].r,
                Expr::Unary(x) => e = &self.ast[*x].x,
                Expr::Function(f) => {
                    self.tail = addr(&self.ast[*f]);
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
        let first = self.res.vars.len();
        let mut to_close = None;
        let ast = self.ast;
        let (names, name_pos, values) = (&ast[x.names], &ast[x.name_pos], &ast[x.values]);
        let attribs = &ast[x.attribs];
        for (i, name) in names.iter().enumerate() {
            let attrib = attribs.get(i).copied().unwrap_or(Attrib::None);
            let mut near = fol.near;
            let mut line = name_pos[i].line;
            if attrib != Attrib::None {
                near = Near::Tok("'<'");
            } else if i + 1 < names.len() {
                near = Near::Tok("','");
            } else if !values.is_empty() {
                near = Near::Tok("'='");
            } else {
                line = fol.line;
            }
            let v = self.new_local(stat_id(s), name, VarKind::Regular, line, near)?;
            match attrib {
                Attrib::Const => self.res.vars[v].kind = VarKind::Const,
                Attrib::Close => {
                    self.res.vars[v].kind = VarKind::Close;
                    if to_close.is_some() {
                        return self.error(
                            Anchor::before(stat_id(s)),
                            name_pos[i].line,
                            "multiple to-be-closed variables in local list".into(),
                        );
                    }
                    to_close = Some(i);
                }
                Attrib::None => {}
            }
        }
        let n = names.len();
        let last = (first + n)
            .checked_sub(1)
            .expect("a local statement declares a name");
        put(&mut self.res.decls, x.id, Decl::new(first, n));
        self.expr_list_tail(values);
        self.expr_list(values)?;
        if values.len() == n
            && self.res.vars[last].kind == VarKind::Const
            && let Some(v) = self.const_value(values.last().expect("values"))?
        {
            self.res.set_ctc(last, v);
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
        if let Expr::Name { id, .. } = &x.target {
            let name = self.ast.name(*id);
            // Checked after the body, at the token after its 'end'.
            let rf = self.res.name_ref(*id).expect("a resolved name");
            self.check_read_only(Anchor::after(stat_id(s)), rf, name, fol.line)?;
        }
        Ok(())
    }

    fn numeric_for(&mut self, s: &'a Stat<'a>, x: &'a NumericForStat<'a>) -> RResult<()> {
        self.res.loops.insert(addr(s), Default::default());
        self.enter_block(Some(addr(s)), Done::LoopUpval(addr(s)));
        let line = x.var_pos.line;
        let id = stat_id(s);
        let first = self.res.vars.len();
        for _ in 0..3 {
            self.new_local(id, b"(for state)", VarKind::Regular, line, "'='")?;
        }
        self.new_local(id, x.var, VarKind::Regular, line, "'='")?;
        put(&mut self.res.decls, x.id, Decl::new(first, 4));
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
        let ast = self.ast;
        let (names, name_pos) = (&ast[x.names], &ast[x.name_pos]);
        let near = |i: usize| if i + 1 < names.len() { "','" } else { "'in'" };
        let line = name_pos[0].line;
        let id = stat_id(s);
        let first = self.res.vars.len();
        for _ in 0..4 {
            self.new_local(id, b"(for state)", VarKind::Regular, line, near(0))?;
        }
        for (i, name) in names.iter().enumerate() {
            self.new_local(id, name, VarKind::Regular, name_pos[i].line, near(i))?;
        }
        put(&mut self.res.decls, x.id, Decl::new(first, 4 + names.len()));
        self.expr_list(&ast[x.exprs])?;
        self.activate(4);
        self.mark_to_be_closed();
        self.for_body(s, &x.body, names.len())?;
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
