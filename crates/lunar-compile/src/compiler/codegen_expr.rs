//! Compiling the expressions of the tree: names, literals, operator
//! chains, indexing, calls, table constructors and function bodies.

use std::sync::Arc;

use lunar_syntax::ast::{Expr, FunctionExpr, Pos, TableExpr, TableField};

use crate::instruction::{FIELDS_PER_FLUSH, Instruction, MAX_ARG_AX, MAX_ARG_BX, MAX_ARG_C};
use crate::opcodes::OpCode;

use super::codegen::{BlockState, FuncState, MULT_RET};
use super::codegen_exp::{ExpDesc, ExpKind};
use super::near::NearTok;
use super::resolve::{Ref, RefKind};
use super::resolve_stmt::expr_start;
use super::{GResult, Gen, expr_id, func_id, push_spine};

/// The state of a table constructor being compiled.
struct ConsControl<'a> {
    /// Last list item read.
    v: ExpDesc<'a>,
    /// The table's register.
    table: usize,
    /// Record fields.
    nh: usize,
    /// List items already stored.
    na: usize,
    /// List items waiting for a SETLIST.
    tostore: usize,
}

impl<'a> Gen<'a> {
    /// Compiles an expression into `v` (leaving its code pending where
    /// possible). Chains of binary operators, indexing and calls are walked
    /// with a loop, in the order the reference's parser reads them.
    pub(crate) fn expr(&mut self, e: &'a Expr<'a>, v: &mut ExpDesc<'a>) -> GResult<()> {
        self.enter()?;
        // The chain's nodes go on a stack shared by all calls: each call
        // pops what it pushed.
        let ast = self.ast;
        let base = self.spine.len();
        let e = push_spine(ast, &mut self.spine, e);
        let top = self.spine.len();
        self.simple_expr(e, v)?;
        for i in (base..top).rev() {
            match self.spine[i] {
                Expr::Binary(x) => {
                    let x = &ast[*x];
                    self.advance(x.pos);
                    self.infix(x.op, v)?;
                    let mut v2 = ExpDesc::new(ExpKind::Void, 0);
                    self.expr(&x.r, &mut v2)?;
                    self.posfix(x.op, v, &mut v2, x.pos.line)?;
                }
                Expr::Index(x) => {
                    let x = &ast[*x];
                    self.exp2anyregup(v)?;
                    self.advance(x.pos);
                    let mut k = ExpDesc::new(ExpKind::Void, 0);
                    self.expr(&x.key, &mut k)?;
                    self.exp2val(&mut k)?;
                    // A key that is not a constant goes to a register after
                    // the ']'.
                    self.advance(x.end_pos);
                    self.indexed(v, &mut k)?;
                }
                Expr::Call(x) => {
                    let x = &ast[*x];
                    self.exp2nextreg(v)?;
                    let args = &ast[x.args];
                    let line = self.call_line(x.pos, x.lparen, args);
                    self.func_args(v, args, &ast[x.arg_commas], line, x.lparen, x.rparen)?;
                }
                Expr::MethodCall(x) => {
                    let x = &ast[*x];
                    self.advance(x.name_pos);
                    let mut key = ExpDesc::new(ExpKind::KStr, 0);
                    key.sval = x.name;
                    self.self_(v, &mut key)?;
                    let args = &ast[x.args];
                    let line = self.call_line(x.pos, x.lparen, args);
                    self.func_args(v, args, &ast[x.arg_commas], line, x.lparen, x.rparen)?;
                }
                _ => {}
            }
        }
        self.spine.truncate(base);
        self.leave();
        Ok(())
    }

    /// The line of a call whose suffixed expression starts at `start`,
    /// with arguments `args` opened by `lparen` (zero for a string or table
    /// argument). Since Lua 5.4.6 (the reference's fix "wrong line number
    /// for function calls") it is the line where the scanner is when it
    /// starts reading the arguments: where the `(`, the `{` or the string
    /// argument ends. luac 5.4.4 gives the line where the scanner was when
    /// it started reading the whole suffixed expression.
    fn call_line(&self, start: Pos, lparen: u32, args: &[Expr]) -> u32 {
        if !self.luac544 {
            if lparen > 0 {
                return lparen;
            }
            match args.first() {
                Some(Expr::String(s)) => return self.ast[*s].end_line,
                Some(Expr::Table(t)) => return self.ast[*t].pos.line,
                _ => {}
            }
        }
        match self.field_lead {
            Some((p, line)) if p == start => line,
            _ => start.line,
        }
    }

    /// Compiles an expression that is not a chain.
    fn simple_expr(&mut self, e: &'a Expr<'a>, v: &mut ExpDesc<'a>) -> GResult<()> {
        let ast = self.ast;
        match e {
            Expr::Nil(p) => {
                self.advance(ast[*p]);
                v.init(ExpKind::Nil, 0);
            }
            Expr::True(p) => {
                self.advance(ast[*p]);
                v.init(ExpKind::True, 0);
            }
            Expr::False(p) => {
                self.advance(ast[*p]);
                v.init(ExpKind::False, 0);
            }
            Expr::Int(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                v.init(ExpKind::KInt, 0);
                v.ival = x.value;
            }
            Expr::Float(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                v.init(ExpKind::KFlt, 0);
                v.nval = x.value;
            }
            Expr::String(x) => {
                let x = &ast[*x];
                // The reference reads the whole token first: a string that
                // spans lines belongs to its last line.
                self.advance(Pos::new(x.end_line, x.pos.col));
                v.init(ExpKind::KStr, 0);
                v.sval = ast.str_bytes(x.value);
            }
            Expr::Vararg(p) => {
                self.check(expr_id(e), false)?;
                // Emitted before the parser consumes '...'.
                let pc = self.code_abc(OpCode::Vararg, 0, 0, 1);
                v.init(ExpKind::Vararg, pc);
                self.advance(ast[*p]);
            }
            Expr::Table(x) => self.constructor(&ast[*x], v)?,
            // An anonymous function is defined where its parameters start.
            Expr::Function(f) => {
                let f = &ast[*f];
                self.body(f, v, f.lparen.line)?;
            }
            Expr::Name { id } => {
                let name = ast.name(*id);
                let pos = ast.name_pos(*id);
                self.advance(pos);
                if let Some((p, line)) = self.field_lead
                    && p == pos
                {
                    // The name that starts a positional table field.
                    self.advance(Pos::new(line, 0));
                }
                self.check(expr_id(e), false)?;
                self.single_var(*id, name, v)?;
            }
            Expr::Paren(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                self.expr(&x.x, v)?;
                self.advance(x.end_pos);
                self.discharge_vars(v);
            }
            Expr::Unary(x) => {
                let x = &ast[*x];
                self.advance(x.pos);
                self.expr(&x.x, v)?;
                self.prefix(x.op, v, x.pos.line)?;
            }
            // Chains are handled by `expr`.
            Expr::Index(_) | Expr::Call(_) | Expr::MethodCall(_) | Expr::Binary(_) => {
                v.init(ExpKind::Nil, 0);
            }
        }
        Ok(())
    }

    /// Compiles a name as the resolver found it.
    fn single_var(&mut self, id: u32, name: &'a [u8], v: &mut ExpDesc<'a>) -> GResult<()> {
        let Some(r) = self.res.name_ref(id) else {
            self.internal_error(format!(
                "name '{}' not resolved",
                String::from_utf8_lossy(name)
            ));
            v.init(ExpKind::Nil, 0);
            return Ok(());
        };
        if r.kind != RefKind::Global {
            self.ref_expr(r, v);
            return Ok(());
        }
        self.ref_expr(r.env_ref(), v);
        self.exp2anyregup(v)?;
        let mut key = ExpDesc::new(ExpKind::KStr, 0);
        key.sval = name;
        self.indexed(v, &mut key)
    }

    /// Makes `v` the variable a (non-global) ref names.
    fn ref_expr(&self, r: Ref, v: &mut ExpDesc<'a>) {
        match r.kind {
            RefKind::Local => {
                v.init(ExpKind::Local, 0);
                v.v = r.v();
                v.reg = self.res.vars[r.v()].reg();
            }
            RefKind::Upval => v.init(ExpKind::Upval, r.up()),
            RefKind::Const => {
                v.init(ExpKind::Const, 0);
                v.v = r.v();
            }
            RefKind::Global => v.init(ExpKind::Nil, 0),
        }
    }

    /// Compiles a list of expressions into consecutive registers, all but
    /// the last, which is left in `v`; `commas` are the lines of the
    /// commas between them. Returns the list's length.
    pub(crate) fn expr_list(
        &mut self,
        list: &'a [Expr],
        commas: &[u32],
        v: &mut ExpDesc<'a>,
    ) -> GResult<usize> {
        self.expr(&list[0], v)?;
        for (i, e) in list[1..].iter().enumerate() {
            // Each value goes to its register after the comma that
            // follows it.
            self.advance_line(commas.get(i).copied().unwrap_or_default());
            self.set_near(NearTok::Expr(e), expr_start(self.ast, e));
            self.exp2nextreg(v)?;
            self.near = None;
            self.expr(e, v)?;
        }
        Ok(list.len())
    }

    /// Compiles the arguments of a call to `f` (in a register) and the call;
    /// `line` is the call's line (see [`Gen::call_line`]), `lparen` and `rparen`
    /// are the lines of the parentheses around the arguments (zero when
    /// there are none).
    fn func_args(
        &mut self,
        f: &mut ExpDesc<'a>,
        args: &'a [Expr],
        commas: &[u32],
        line: u32,
        lparen: u32,
        rparen: u32,
    ) -> GResult<()> {
        let mut a = ExpDesc::new(ExpKind::Void, 0);
        self.advance_line(lparen);
        if !args.is_empty() {
            self.expr_list(args, commas, &mut a)?;
            if a.has_mult_ret() {
                self.set_mult_ret(&a)?;
            }
        }
        // The last argument goes to its register after the ')'; the call
        // itself has a line of its own.
        self.advance_line(rparen);
        let base = f.info;
        let nparams = if a.has_mult_ret() {
            MULT_RET
        } else {
            if a.k != ExpKind::Void {
                self.exp2nextreg(&mut a)?;
            }
            (self.fs.free_reg - (base + 1)) as i32
        };
        let pc = self.code_abc(OpCode::Call, base, (nparams + 1) as usize, 2);
        f.init(ExpKind::Call, pc);
        self.fix_line(line);
        self.fs.free_reg = base + 1; // the call leaves one result, unless changed
        Ok(())
    }

    /// Compiles a table constructor.
    fn constructor(&mut self, x: &'a TableExpr<'a>, t: &mut ExpDesc<'a>) -> GResult<()> {
        // NEWTABLE is emitted before the parser consumes '{'; its operands
        // are set at the end, when the sizes are known.
        let pc = self.code_abc(OpCode::NewTable, 0, 0, 0);
        self.code_extra_arg(0)?;
        self.advance(x.pos);
        t.init(ExpKind::NonReloc, self.fs.free_reg);
        let mut cc = ConsControl {
            v: ExpDesc::new(ExpKind::Void, 0),
            table: t.info,
            nh: 0,
            na: 0,
            tostore: 0,
        };
        self.reserve_regs(1)?;
        let mut sep = Pos::default();
        let outer_lead = self.field_lead.take();
        for f in &self.ast[x.fields] {
            // The pending item goes to its register after the separator
            // that follows it.
            self.advance(sep);
            sep = f.sep_pos;
            let start = expr_start(self.ast, f.key.as_ref().unwrap_or(&f.value));
            self.set_near(NearTok::Field(f), start);
            self.close_list_field(&mut cc)?;
            self.near = None;
            if f.key.is_some() {
                self.rec_field(&mut cc, f)?;
            } else {
                self.field_lead = (f.name_ahead_line > 0).then_some((start, f.name_ahead_line));
                self.expr(&f.value, &mut cc.v)?;
                cc.tostore += 1;
            }
        }
        self.field_lead = outer_lead;
        self.advance(x.end_pos);
        self.last_list_field(&mut cc)?;
        self.set_table_size(pc, t.info, cc.na, cc.nh)
    }

    /// Compiles a field 'k = v' of a constructor.
    fn rec_field(&mut self, cc: &mut ConsControl<'a>, f: &'a TableField<'a>) -> GResult<()> {
        let reg = self.fs.free_reg;
        let mut key = ExpDesc::new(ExpKind::Void, 0);
        self.expr(f.key.as_ref().expect("a record field"), &mut key)?;
        self.exp2val(&mut key)?;
        cc.nh += 1;
        let mut tab = ExpDesc::new(ExpKind::NonReloc, cc.table);
        // A key that is not a constant goes to a register after the '='.
        self.advance(f.eq_pos);
        self.indexed(&mut tab, &mut key)?;
        let mut val = ExpDesc::new(ExpKind::Void, 0);
        self.expr(&f.value, &mut val)?;
        self.store_var(&tab, &mut val)?;
        self.fs.free_reg = reg;
        Ok(())
    }

    /// Puts the pending list item in its register, storing a batch when it
    /// is full.
    fn close_list_field(&mut self, cc: &mut ConsControl<'a>) -> GResult<()> {
        if cc.v.k == ExpKind::Void {
            return Ok(());
        }
        self.exp2nextreg(&mut cc.v)?;
        cc.v.k = ExpKind::Void;
        if cc.tostore == FIELDS_PER_FLUSH as usize {
            self.set_list(cc.table, cc.na, cc.tostore as i32)?;
            cc.na += cc.tostore;
            cc.tostore = 0;
        }
        Ok(())
    }

    /// Stores the last batch of list items; a call or vararg at the end
    /// gives all its values.
    fn last_list_field(&mut self, cc: &mut ConsControl<'a>) -> GResult<()> {
        if cc.tostore == 0 {
            return Ok(());
        }
        if cc.v.has_mult_ret() {
            self.set_mult_ret(&cc.v)?;
            self.set_list(cc.table, cc.na, MULT_RET)?;
            cc.na += cc.tostore - 1; // the last item is not counted
        } else {
            if cc.v.k != ExpKind::Void {
                self.exp2nextreg(&mut cc.v)?;
            }
            self.set_list(cc.table, cc.na, cc.tostore as i32)?;
            cc.na += cc.tostore;
        }
        Ok(())
    }

    /// Emits a SETLIST storing `tostore` items (`MULT_RET`: up to the top)
    /// after the `nelems` already stored, into the table in register `base`.
    fn set_list(&mut self, base: usize, nelems: usize, tostore: i32) -> GResult<()> {
        let tostore = if tostore == MULT_RET {
            0
        } else {
            tostore as usize
        };
        if nelems <= MAX_ARG_C as usize {
            self.code_abc(OpCode::SetList, base, tostore, nelems);
        } else {
            let extra = nelems / (MAX_ARG_C as usize + 1);
            let nelems = nelems % (MAX_ARG_C as usize + 1);
            self.code_abck(OpCode::SetList, base, tostore, nelems, true);
            self.code_extra_arg(extra)?;
        }
        self.fs.free_reg = base + 1; // free the registers of the items
        Ok(())
    }

    /// Sets the operands of a NEWTABLE and its EXTRAARG.
    fn set_table_size(&mut self, pc: usize, ra: usize, asize: usize, hsize: usize) -> GResult<()> {
        let rb = if hsize != 0 { ceil_log2(hsize) + 1 } else { 0 };
        let extra = asize / (MAX_ARG_C as usize + 1);
        let rc = asize % (MAX_ARG_C as usize + 1);
        if extra > MAX_ARG_AX as usize {
            return self.error("table constructor too long".into());
        }
        *self.ins(pc) =
            Instruction::abc(OpCode::NewTable, ra as u32, rb as u32, rc as u32, extra > 0);
        *self.ins(pc + 1) = Instruction::iax(OpCode::ExtraArg, extra as u32);
        Ok(())
    }

    /// Compiles a function constructor into a closure in the next free
    /// register; `line` is the line where the function is defined.
    pub(crate) fn body(
        &mut self,
        f: &'a FunctionExpr<'a>,
        e: &mut ExpDesc<'a>,
        line: u32,
    ) -> GResult<()> {
        self.enter()?;
        self.advance(f.pos);
        self.check(func_id(f), false)?;
        if self.fs.f.protos.len() > MAX_ARG_BX as usize {
            return self.error(format!("too many functions (limit is {})", MAX_ARG_BX + 1));
        }
        let info = self
            .res
            .funcs
            .get_mut(f.id as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        let params = info.params;
        let room = self.spare.pop().unwrap_or_default();
        let child = FuncState::with_room(info, self.fs.f.source.clone(), room);
        let parent = std::mem::replace(&mut self.fs, child);
        self.outer.push(parent);
        self.fs.f.line_defined = line;
        let upval = self.res.block_upval(&f.body);
        self.enter_block(BlockState::new(None, upval));
        self.activate(params.vars());
        self.fs.f.num_params = params.len();
        self.advance(f.params_end);
        if f.is_vararg {
            self.set_vararg(params.len());
        }
        self.reserve_regs(params.len())?;
        self.stat_list(&self.ast[f.body.stats])?;
        self.fs.f.last_line_defined = f.end_pos.line;
        self.advance(f.end_pos);
        // Back in the parent: the closure.
        let parent = self.outer.pop().expect("enclosing function");
        let child = std::mem::replace(&mut self.fs, parent);
        let idx = self.fs.f.protos.len();
        let pc = self.code_abx(OpCode::Closure, 0, idx);
        e.init(ExpKind::Reloc, pc);
        self.exp2nextreg(e)?;
        // Then the end of the child.
        let parent = std::mem::replace(&mut self.fs, child);
        self.outer.push(parent);
        self.close_func(&f.body)?;
        let parent = self.outer.pop().expect("enclosing function");
        let child = std::mem::replace(&mut self.fs, parent);
        let proto = child.into_proto(&mut self.spare);
        self.fs.f.protos.push(Arc::new(proto));
        self.leave();
        Ok(())
    }
}

/// Returns ceil(log2(x)) for x >= 1.
fn ceil_log2(x: usize) -> usize {
    let mut l = 0;
    let mut v = 1;
    while v < x {
        v <<= 1;
        l += 1;
    }
    l
}
