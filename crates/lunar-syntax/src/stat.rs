//! Blocks and statements (§3.3, §9). Each function follows the reference's
//! order of checks, so that the first error found is the reference's.

use crate::ast::*;
use crate::parser::{IdKind, PResult, Parser};
use crate::token::Kind;

impl<'a> Parser<'a> {
    /// Reports whether the current token ends a block; `until` counts only
    /// with `with_until`.
    pub(crate) fn block_follow(&self, with_until: bool) -> bool {
        match self.tok.kind {
            Kind::Else | Kind::Elseif | Kind::End | Kind::Eof => true,
            Kind::Until => with_until,
            _ => false,
        }
    }

    /// Parses a block up to the token that ends it, which it leaves current.
    pub(crate) fn block(&mut self) -> PResult<Block<'a>> {
        let mut b = Block {
            id: self.new_id(IdKind::Block),
            ..Block::default()
        };
        let nvars = self.nvars;
        let start = self.stats.len();
        self.stat_list()?;
        b.stats = self.ast.push_list(self.stats.drain(start..));
        self.nvars = nvars;
        b.end = self.tok.pos;
        b.last_line = self.prev_line;
        Ok(b)
    }

    /// Parses statements onto the statement stack up to a token that ends a
    /// block or right after a return statement, which must be the last
    /// one.
    pub(crate) fn stat_list(&mut self) -> PResult<()> {
        while !self.block_follow(true) {
            if self.tok.kind == Kind::Return {
                return self.statement_recovering();
            }
            self.statement_recovering()?;
        }
        Ok(())
    }

    /// Parses one statement and pushes it on the statement stack (a label
    /// pushes the statements that follow it too; `;` pushes nothing).
    pub(crate) fn statement(&mut self) -> PResult<()> {
        let line = self.line();
        self.enter_level()?;
        let s = match self.tok.kind {
            Kind::Semi => {
                self.next()?;
                None
            }
            Kind::If => Some(self.if_stat(line)?),
            Kind::While => Some(self.while_stat(line)?),
            Kind::Do => {
                let pos = self.tok.pos;
                self.next()?;
                let body = self.block()?;
                self.check_match(Kind::End, Kind::Do, line)?;
                Some(Stat::Do(self.ast.push(DoStat { pos, body })))
            }
            Kind::For => Some(self.for_stat(line)?),
            Kind::Repeat => Some(self.repeat_stat(line)?),
            Kind::Function => Some(self.func_stat(line)?),
            Kind::Local => {
                let pos = self.tok.pos;
                self.next()?;
                if self.tok.kind == Kind::Function {
                    let fn_pos = self.tok.pos;
                    self.next()?;
                    Some(self.local_func(pos, fn_pos)?)
                } else {
                    Some(self.local_stat(pos)?)
                }
            }
            Kind::DColon => {
                self.label_stat()?;
                None
            }
            Kind::Return => Some(self.ret_stat()?),
            Kind::Break => {
                let pos = self.tok.pos;
                self.next()?;
                Some(Stat::Break(self.ast.push(pos)))
            }
            Kind::Goto => {
                let pos = self.tok.pos;
                self.next()?;
                let (label, label_pos) = self.check_name()?;
                Some(Stat::Goto(self.ast.push(GotoStat {
                    pos,
                    label,
                    label_pos,
                })))
            }
            _ => Some(self.expr_stat()?),
        };
        if let Some(s) = s {
            self.stats.push(s);
        }
        self.leave_level();
        Ok(())
    }

    /// Parses `if cond then block {elseif cond then block} [else block]
    /// end`.
    fn if_stat(&mut self, line: u32) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        // The arms are built on the scratch stacks: conditions, `then`
        // positions, blocks and `break` lines.
        let starts = (
            self.exprs.len(),
            self.commas.len(),
            self.blocks.len(),
            self.lines.len(),
        );
        self.test_then_block()?;
        while self.tok.kind == Kind::Elseif {
            self.test_then_block()?;
        }
        let mut else_block = None;
        if self.test_next(Kind::Else)? {
            else_block = Some(self.block()?);
        }
        self.check_match(Kind::End, Kind::If, line)?;
        let s = IfStat {
            pos,
            conds: self.ast.push_list(self.exprs.drain(starts.0..)),
            then_pos: self.ast.push_list(self.commas.drain(starts.1..)),
            blocks: self.ast.push_list(self.blocks.drain(starts.2..)),
            break_end: self.ast.push_list(self.lines.drain(starts.3..)),
            else_block,
        };
        Ok(Stat::If(self.ast.push(s)))
    }

    /// Parses `[if | elseif] cond then block` onto the scratch stacks.
    fn test_then_block(&mut self) -> PResult<()> {
        self.next()?;
        let cond = self.expr()?;
        self.commas.push(self.tok.pos.line);
        self.check_next(Kind::Then)?;
        self.exprs.push(cond);
        // Like the reference, read a leading 'break' and the ';' after it
        // apart from the rest of the block.
        let mut b = Block {
            id: self.new_id(IdKind::Block),
            ..Block::default()
        };
        let mut break_end = 0;
        let start = self.stats.len();
        if self.tok.kind == Kind::Break {
            let pos = self.ast.push(self.tok.pos);
            self.stats.push(Stat::Break(pos));
            self.next()?;
            while self.tok.kind == Kind::Semi {
                self.next()?;
            }
            break_end = self.prev_line;
        }
        let nvars = self.nvars;
        self.stat_list()?;
        b.stats = self.ast.push_list(self.stats.drain(start..));
        self.nvars = nvars;
        b.end = self.tok.pos;
        b.last_line = self.prev_line;
        self.blocks.push(b);
        self.lines.push(break_end);
        Ok(())
    }

    /// Parses `while cond do block end`.
    fn while_stat(&mut self, line: u32) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let cond = self.expr()?;
        self.check_next(Kind::Do)?;
        let body = self.block()?;
        self.check_match(Kind::End, Kind::While, line)?;
        Ok(Stat::While(self.ast.push(WhileStat { pos, cond, body })))
    }

    /// Parses `repeat block until cond`.
    fn repeat_stat(&mut self, line: u32) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let body = self.block()?;
        self.check_match(Kind::Until, Kind::Repeat, line)?;
        let cond = self.expr()?;
        Ok(Stat::Repeat(self.ast.push(RepeatStat { pos, body, cond })))
    }

    /// Parses both forms of `for`.
    fn for_stat(&mut self, line: u32) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let (name, name_pos) = self.check_name()?;
        // The loop's variables, hidden ones included, live until its end.
        let nvars = self.nvars;
        let s = match self.tok.kind {
            Kind::Assign => self.for_num(pos, name, name_pos)?,
            Kind::Comma | Kind::In => self.for_list(pos, name, name_pos)?,
            _ => return self.syntax_error("'=' or 'in' expected"),
        };
        self.check_match(Kind::End, Kind::For, line)?;
        self.nvars = nvars;
        Ok(s)
    }

    /// Parses the rest of `for Name = exp, exp [, exp] do block`.
    fn for_num(&mut self, pos: Pos, var: Name<'a>, var_pos: Pos) -> PResult<Stat<'a>> {
        let eq_pos = self.tok.pos;
        // Three hidden variables (the reference's "(for state)"), then the
        // control variable.
        self.declare_locals(4);
        self.next()?; // '='
        let start = self.expr()?;
        self.check_next(Kind::Comma)?;
        let limit = self.expr()?;
        let step = if self.test_next(Kind::Comma)? {
            Some(self.expr()?)
        } else {
            None
        };
        let do_pos = self.tok.pos;
        self.check_next(Kind::Do)?;
        let body = self.block()?;
        let id = self.new_id(IdKind::Decl);
        Ok(Stat::NumericFor(self.ast.push(NumericForStat {
            pos,
            var,
            var_pos,
            eq_pos,
            start,
            limit,
            step,
            do_pos,
            body,
            id,
        })))
    }

    /// Parses the rest of `for namelist in explist do block`.
    fn for_list(&mut self, pos: Pos, name: Name<'a>, name_pos: Pos) -> PResult<Stat<'a>> {
        // No other list of names or positions is read meanwhile: they go
        // to the tree directly.
        let (n0, p0) = (self.ast.item_count::<Name>(), self.ast.item_count::<Pos>());
        self.ast.push_item(name);
        self.ast.push_item(name_pos);
        // Four hidden variables, then the first name.
        self.declare_locals(5);
        while self.test_next(Kind::Comma)? {
            let (name, name_pos) = self.check_name()?;
            self.declare_locals(1);
            self.ast.push_item(name);
            self.ast.push_item(name_pos);
        }
        let names = self.ast.list_since(n0);
        let name_poss = self.ast.list_since(p0);
        let in_pos = self.tok.pos;
        self.check_next(Kind::In)?;
        let (exprs, expr_commas) = self.expr_list()?;
        let do_pos = self.tok.pos;
        self.check_next(Kind::Do)?;
        let body = self.block()?;
        let id = self.new_id(IdKind::Decl);
        Ok(Stat::GenericFor(self.ast.push(GenericForStat {
            pos,
            names,
            name_pos: name_poss,
            in_pos,
            exprs,
            expr_commas,
            do_pos,
            body,
            id,
        })))
    }

    /// Parses `function funcname body`.
    fn func_stat(&mut self, line: u32) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let (name, name_pos) = self.check_name()?;
        let mut target = Expr::Name {
            id: self.ast.push_name(name, name_pos),
        };
        let mut is_method = false;
        while self.tok.kind == Kind::Dot || self.tok.kind == Kind::Colon {
            is_method = self.tok.kind == Kind::Colon;
            target = self.field_sel(target)?;
            if is_method {
                break;
            }
        }
        let func = self.body(pos, is_method, line)?;
        Ok(Stat::Function(self.ast.push(FunctionStat {
            pos,
            target,
            is_method,
            func,
        })))
    }

    /// Parses the rest of `local function Name body`.
    fn local_func(&mut self, pos: Pos, fn_pos: Pos) -> PResult<Stat<'a>> {
        let (name, name_pos) = self.check_name()?;
        self.declare_locals(1);
        let line = self.line();
        let func = self.body(fn_pos, false, line)?;
        let id = self.new_id(IdKind::Decl);
        Ok(Stat::LocalFunction(self.ast.push(LocalFunctionStat {
            pos,
            name,
            name_pos,
            func,
            id,
        })))
    }

    /// Parses the rest of `local attnamelist [= explist]`.
    fn local_stat(&mut self, pos: Pos) -> PResult<Stat<'a>> {
        let mut s = LocalStat {
            pos,
            names: List::default(),
            name_pos: List::default(),
            attribs: List::default(),
            values: List::default(),
            value_commas: List::default(),
            names_end: Pos::default(),
            eq_pos: Pos::default(),
            id: self.new_id(IdKind::Decl),
        };
        // No other list of names, positions or attributes is read until
        // the '=': they go to the tree directly.
        let (n0, p0, a0) = (
            self.ast.item_count::<Name>(),
            self.ast.item_count::<Pos>(),
            self.ast.item_count::<Attrib>(),
        );
        let mut has_close = false;
        loop {
            let (name, name_pos) = self.check_name()?;
            self.declare_locals(1);
            s.names_end = name_pos;
            let attrib = self.attrib(&mut s.names_end)?;
            if attrib == Attrib::Close {
                if has_close {
                    return self.semantic_error("multiple to-be-closed variables in local list");
                }
                has_close = true;
            }
            self.ast.push_item(name);
            self.ast.push_item(name_pos);
            self.ast.push_item(attrib);
            if !self.test_next(Kind::Comma)? {
                break;
            }
        }
        s.names = self.ast.list_since(n0);
        s.name_pos = self.ast.list_since(p0);
        s.attribs = self.ast.list_since(a0);
        if self.tok.kind == Kind::Assign {
            s.eq_pos = self.tok.pos;
            self.next()?;
            (s.values, s.value_commas) = self.expr_list()?;
        }
        Ok(Stat::Local(self.ast.push(s)))
    }

    /// Parses an optional `<Name>` attribute (§3.3.7), setting `end` to
    /// the position of its `>`.
    fn attrib(&mut self, end: &mut Pos) -> PResult<Attrib> {
        if !self.test_next(Kind::Lt)? {
            return Ok(Attrib::None);
        }
        let (name, _) = self.check_name()?;
        *end = self.tok.pos;
        self.check_next(Kind::Gt)?;
        match name {
            b"const" => Ok(Attrib::Const),
            b"close" => Ok(Attrib::Close),
            _ => {
                let mut msg = b"unknown attribute '".to_vec();
                msg.extend_from_slice(name);
                msg.push(b'\'');
                self.semantic_error(msg)
            }
        }
    }

    /// Parses `::Name::`. Like the reference, it then parses any `;` and
    /// labels that follow as nested statements.
    fn label_stat(&mut self) -> PResult<()> {
        let pos = self.tok.pos;
        self.next()?;
        let (name, _) = self.check_name()?;
        let end_pos = self.tok.pos;
        self.check_next(Kind::DColon)?;
        let label = self.ast.push(LabelStat { pos, name, end_pos });
        self.stats.push(Stat::Label(label));
        while self.tok.kind == Kind::Semi || self.tok.kind == Kind::DColon {
            self.statement()?;
        }
        Ok(())
    }

    /// Parses `return [explist] [;]`.
    fn ret_stat(&mut self) -> PResult<Stat<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let (mut values, mut value_commas) = (List::default(), List::default());
        if !self.block_follow(true) && self.tok.kind != Kind::Semi {
            (values, value_commas) = self.expr_list()?;
        }
        self.test_next(Kind::Semi)?;
        Ok(Stat::Return(self.ast.push(ReturnStat {
            pos,
            values,
            value_commas,
        })))
    }

    /// Parses an assignment or a function call statement.
    fn expr_stat(&mut self) -> PResult<Stat<'a>> {
        let e = self.suffixed_exp()?;
        if self.tok.kind != Kind::Assign && self.tok.kind != Kind::Comma {
            if matches!(e, Expr::Call(_) | Expr::MethodCall(_)) {
                let pos = e.pos(&self.ast);
                return Ok(Stat::Call(self.ast.push(CallStat { pos, call: e })));
            }
            return self.syntax_error("syntax error");
        }
        self.check_assignable(&e)?;
        // The targets are built on the expression stack.
        let t0 = self.exprs.len();
        self.exprs.push(e);
        // The reference reads each further target in a nested call that
        // counts as a syntax level until the end of the statement.
        let level = self.level;
        while self.test_next(Kind::Comma)? {
            let t = self.suffixed_exp()?;
            self.enter_level()?;
            self.check_assignable(&t)?;
            self.exprs.push(t);
        }
        let pos = self.tok.pos;
        self.check_next(Kind::Assign)?;
        let (values, value_commas) = self.expr_list()?;
        self.level = level;
        let targets = self.ast.push_list(self.exprs.drain(t0..));
        Ok(Stat::Assign(self.ast.push(AssignStat {
            pos,
            targets,
            values,
            value_commas,
        })))
    }

    /// Reports a target that is not a variable.
    fn check_assignable(&mut self, e: &Expr) -> PResult<()> {
        match e {
            Expr::Name { .. } | Expr::Index(_) => Ok(()),
            _ => self.syntax_error("syntax error"),
        }
    }
}
