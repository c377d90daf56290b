//! Expressions (§3.4, §9): operator precedence, prefix and suffixed
//! expressions, calls, table constructors and function bodies.

use crate::ast::*;
use crate::parser::{IdKind, PResult, Parser};
use crate::token::Kind;

/// The left and right binding powers of a binary operator (§3.4.8). An
/// operator whose right power is below its left one is right associative
/// (`..` and `^`).
fn priority(op: BinaryOp) -> (i8, i8) {
    use BinaryOp::*;
    match op {
        Or => (1, 1),
        And => (2, 2),
        Eq | Ne | Lt | Le | Gt | Ge => (3, 3),
        BOr => (4, 4),
        BXor => (5, 5),
        BAnd => (6, 6),
        Shl | Shr => (7, 7),
        Concat => (9, 8),
        Add | Sub => (10, 10),
        Mul | Div | IDiv | Mod => (11, 11),
        Pow => (14, 13),
    }
}

/// Unary operators bind tighter than every binary operator but `^` on their
/// right: `-x^2` is `-(x^2)`, and `2^-3` is `2^(-3)`.
const UNARY_PRIORITY: i8 = 12;

fn binary_op(k: Kind) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match k {
        Kind::Plus => Add,
        Kind::Minus => Sub,
        Kind::Star => Mul,
        Kind::Slash => Div,
        Kind::DSlash => IDiv,
        Kind::Percent => Mod,
        Kind::Caret => Pow,
        Kind::Concat => Concat,
        Kind::Eq => Eq,
        Kind::Ne => Ne,
        Kind::Lt => Lt,
        Kind::Le => Le,
        Kind::Gt => Gt,
        Kind::Ge => Ge,
        Kind::And => And,
        Kind::Or => Or,
        Kind::Amp => BAnd,
        Kind::Pipe => BOr,
        Kind::Tilde => BXor,
        Kind::Shl => Shl,
        Kind::Shr => Shr,
        _ => return None,
    })
}

fn unary_op(k: Kind) -> Option<UnaryOp> {
    Some(match k {
        Kind::Minus => UnaryOp::Neg,
        Kind::Not => UnaryOp::Not,
        Kind::Hash => UnaryOp::Len,
        Kind::Tilde => UnaryOp::BNot,
        _ => return None,
    })
}

/// The arguments of a call, as [`Parser::func_args`] reads them.
struct Args<'a> {
    list: List<Expr<'a>>,
    commas: List<u32>,
    /// The lines of the parentheses, zero for a string or table argument.
    lparen: u32,
    rparen: u32,
}

impl<'a> Parser<'a> {
    /// Parses an expression.
    pub(crate) fn expr(&mut self) -> PResult<Expr<'a>> {
        self.sub_expr(0)
    }

    /// Parses `exp {, exp}`; returns the expressions and the lines of the
    /// commas.
    pub(crate) fn expr_list(&mut self) -> PResult<(List<Expr<'a>>, List<u32>)> {
        let first = self.expr()?;
        if self.tok.kind != Kind::Comma {
            return Ok((self.ast.push_list([first]), List::default()));
        }
        // Longer lists are built on the scratch stacks.
        let (e0, c0) = (self.exprs.len(), self.commas.len());
        self.exprs.push(first);
        while self.tok.kind == Kind::Comma {
            self.commas.push(self.tok.pos.line);
            self.next()?;
            let e = self.expr()?;
            self.exprs.push(e);
        }
        let list = self.ast.push_list(self.exprs.drain(e0..));
        Ok((list, self.ast.push_list(self.commas.drain(c0..))))
    }

    /// Parses an expression whose binary operators all bind tighter than
    /// `limit`, each level of nesting counting as a syntax level.
    fn sub_expr(&mut self, limit: i8) -> PResult<Expr<'a>> {
        self.enter_level()?;
        let mut e = if let Some(op) = unary_op(self.tok.kind) {
            let pos = self.tok.pos;
            self.next()?;
            let x = self.sub_expr(UNARY_PRIORITY)?;
            Expr::Unary(self.ast.push(UnaryExpr { pos, op, x }))
        } else {
            self.simple_exp()?
        };
        while let Some(op) = binary_op(self.tok.kind) {
            let (left, right) = priority(op);
            if left <= limit {
                break;
            }
            let pos = self.tok.pos;
            self.next()?;
            let r = self.sub_expr(right)?;
            e = Expr::Binary(self.ast.push(BinaryExpr { pos, op, l: e, r }));
        }
        self.leave_level();
        Ok(e)
    }

    /// Parses a literal, `...`, a constructor, a function or a suffixed
    /// expression.
    fn simple_exp(&mut self) -> PResult<Expr<'a>> {
        let pos = self.tok.pos;
        let e = match self.tok.kind {
            Kind::Float => Expr::Float(self.ast.push(FloatLit {
                pos,
                value: self.tok.float,
            })),
            Kind::Int => Expr::Int(self.ast.push(IntLit {
                pos,
                value: self.tok.int,
            })),
            Kind::String => {
                let s = StringLit {
                    pos,
                    value: self.take_string(),
                    end_line: self.tok.end_line,
                };
                Expr::String(self.ast.push(s))
            }
            Kind::Nil => Expr::Nil(self.ast.push(pos)),
            Kind::True => Expr::True(self.ast.push(pos)),
            Kind::False => Expr::False(self.ast.push(pos)),
            Kind::Dots => {
                if !self.vararg {
                    return self.syntax_error("cannot use '...' outside a vararg function");
                }
                Expr::Vararg(self.ast.push(pos))
            }
            Kind::LBrace => return self.table_exp(),
            Kind::Function => return self.function_exp(),
            _ => return self.suffixed_exp(),
        };
        self.next()?;
        Ok(e)
    }

    /// Parses a table constructor as an expression (in a function of its
    /// own, which keeps the frame of the recursive `simple_exp` small).
    fn table_exp(&mut self) -> PResult<Expr<'a>> {
        let t = self.constructor()?;
        Ok(Expr::Table(self.ast.push(t)))
    }

    /// Parses `function body` as an expression.
    fn function_exp(&mut self) -> PResult<Expr<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let line = self.line();
        let f = self.body(pos, false, line)?;
        Ok(Expr::Function(self.ast.push(f)))
    }

    /// Parses a name or a parenthesized expression.
    fn primary_exp(&mut self) -> PResult<Expr<'a>> {
        match self.tok.kind {
            Kind::Name => {
                let pos = self.tok.pos;
                let name = self.tok_name();
                self.next()?;
                Ok(Expr::Name {
                    id: self.ast.push_name(name, pos),
                })
            }
            Kind::LParen => {
                let (pos, line) = (self.tok.pos, self.line());
                self.next()?;
                let x = self.expr()?;
                let end_pos = self.tok.pos;
                self.check_match(Kind::RParen, Kind::LParen, line)?;
                Ok(Expr::Paren(self.ast.push(ParenExpr { pos, x, end_pos })))
            }
            _ => self.syntax_error("unexpected symbol"),
        }
    }

    /// Parses a primary expression followed by field selections, indexing,
    /// calls and method calls.
    pub(crate) fn suffixed_exp(&mut self) -> PResult<Expr<'a>> {
        let pos = self.tok.pos;
        let mut e = self.primary_exp()?;
        // Each suffix is parsed by its own function, which keeps this
        // function's frame small: the recursion through it is deep.
        loop {
            e = match self.tok.kind {
                Kind::Dot => self.field_sel(e)?,
                Kind::LBracket => self.index_suffix(e)?,
                Kind::Colon => self.method_call_suffix(e, pos)?,
                Kind::LParen | Kind::String | Kind::LBrace => self.call_suffix(e, pos)?,
                _ => return Ok(e),
            };
        }
    }

    /// Parses `[exp]` after `obj`.
    fn index_suffix(&mut self, obj: Expr<'a>) -> PResult<Expr<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let key = self.expr()?;
        let end_pos = self.tok.pos;
        self.check_next(Kind::RBracket)?;
        Ok(Expr::Index(self.ast.push(IndexExpr {
            pos,
            end_pos,
            obj,
            key,
        })))
    }

    /// Parses `:Name args` after `obj`; `pos` is where the suffixed
    /// expression starts.
    fn method_call_suffix(&mut self, obj: Expr<'a>, pos: Pos) -> PResult<Expr<'a>> {
        self.next()?;
        let (name, name_pos) = self.check_name()?;
        let a = self.func_args()?;
        Ok(Expr::MethodCall(self.ast.push(MethodCallExpr {
            pos,
            obj,
            name,
            name_pos,
            args: a.list,
            arg_commas: a.commas,
            lparen: a.lparen,
            rparen: a.rparen,
        })))
    }

    /// Parses the arguments of a call to `func`; `pos` is where the
    /// suffixed expression starts.
    fn call_suffix(&mut self, func: Expr<'a>, pos: Pos) -> PResult<Expr<'a>> {
        let a = self.func_args()?;
        Ok(Expr::Call(self.ast.push(CallExpr {
            pos,
            func,
            args: a.list,
            arg_commas: a.commas,
            lparen: a.lparen,
            rparen: a.rparen,
        })))
    }

    /// Parses `.Name` or `:Name` (in a function name) after `obj`.
    pub(crate) fn field_sel(&mut self, obj: Expr<'a>) -> PResult<Expr<'a>> {
        let pos = self.tok.pos;
        self.next()?;
        let (name, name_pos) = self.check_name()?;
        let value = self.ast.source_str(name);
        let key = Expr::String(self.ast.push(StringLit {
            pos: name_pos,
            value,
            end_line: name_pos.line,
        }));
        Ok(Expr::Index(self.ast.push(IndexExpr {
            pos,
            end_pos: name_pos,
            obj,
            key,
        })))
    }

    /// Parses the arguments of a call: `(` [explist] `)`, a table
    /// constructor or a string.
    fn func_args(&mut self) -> PResult<Args<'a>> {
        if self.tok.kind != Kind::LParen {
            return self.sugar_args();
        }
        // Lua 5.4.6 and later name the line of the '(' in "(to close '('
        // at line N)"; 5.4.4 named the line where the called expression
        // starts.
        let line = self.scanner_line();
        let mut a = Args {
            list: List::default(),
            commas: List::default(),
            lparen: self.tok.pos.line,
            rparen: 0,
        };
        self.next()?;
        if self.tok.kind != Kind::RParen {
            (a.list, a.commas) = self.expr_list()?;
        }
        a.rparen = self.tok.pos.line;
        self.check_match(Kind::RParen, Kind::LParen, line)?;
        Ok(a)
    }

    /// Parses a table constructor or a string given as the argument of a
    /// call.
    fn sugar_args(&mut self) -> PResult<Args<'a>> {
        let arg = match self.tok.kind {
            Kind::LBrace => {
                let t = self.constructor()?;
                Expr::Table(self.ast.push(t))
            }
            Kind::String => {
                let s = StringLit {
                    pos: self.tok.pos,
                    value: self.take_string(),
                    end_line: self.tok.end_line,
                };
                let s = Expr::String(self.ast.push(s));
                self.next()?;
                s
            }
            _ => return self.syntax_error("function arguments expected"),
        };
        Ok(Args {
            list: self.ast.push_list([arg]),
            commas: List::default(),
            lparen: 0,
            rparen: 0,
        })
    }

    /// Parses a table constructor `{ fieldlist }`.
    fn constructor(&mut self) -> PResult<TableExpr<'a>> {
        let pos = self.tok.pos;
        let line = self.line();
        self.next()?;
        let start = self.fields.len();
        while self.tok.kind != Kind::RBrace {
            let mut f = self.field()?;
            if self.tok.kind != Kind::Comma && self.tok.kind != Kind::Semi {
                self.fields.push(f);
                break;
            }
            f.sep_pos = self.tok.pos;
            self.fields.push(f);
            self.next()?;
        }
        let fields = self.ast.push_list(self.fields.drain(start..));
        let end_pos = self.tok.pos;
        self.check_match(Kind::RBrace, Kind::LBrace, line)?;
        Ok(TableExpr {
            pos,
            end_pos,
            fields,
        })
    }

    /// Parses one field of a table constructor.
    fn field(&mut self) -> PResult<TableField<'a>> {
        match self.tok.kind {
            Kind::Name => {
                if self.lookahead()? != Kind::Assign {
                    let name_ahead_line = self.ahead_end_line();
                    return Ok(TableField {
                        key: None,
                        value: self.expr()?,
                        eq_pos: Pos::default(),
                        sep_pos: Pos::default(),
                        name_ahead_line,
                    });
                }
                let value = self.ast.source_str(self.tok_name());
                let key = Expr::String(self.ast.push(StringLit {
                    pos: self.tok.pos,
                    value,
                    end_line: self.tok.end_line,
                }));
                self.next()?;
                let eq_pos = self.tok.pos;
                self.next()?; // '='
                Ok(TableField {
                    key: Some(key),
                    value: self.expr()?,
                    eq_pos,
                    sep_pos: Pos::default(),
                    name_ahead_line: 0,
                })
            }
            Kind::LBracket => {
                self.next()?;
                let key = self.expr()?;
                self.check_next(Kind::RBracket)?;
                let eq_pos = self.tok.pos;
                self.check_next(Kind::Assign)?;
                Ok(TableField {
                    key: Some(key),
                    value: self.expr()?,
                    eq_pos,
                    sep_pos: Pos::default(),
                    name_ahead_line: 0,
                })
            }
            _ => Ok(TableField {
                key: None,
                value: self.expr()?,
                eq_pos: Pos::default(),
                sep_pos: Pos::default(),
                name_ahead_line: 0,
            }),
        }
    }

    /// Parses a function body `(` parlist `)` block `end`. `pos` is the
    /// `function` keyword's position and `line` the line the reference names
    /// in "(to close 'function' at line N)".
    pub(crate) fn body(
        &mut self,
        pos: Pos,
        is_method: bool,
        line: u32,
    ) -> PResult<FunctionExpr<'a>> {
        let mut f = FunctionExpr {
            pos,
            lparen: self.tok.pos,
            params_end: self.tok.pos,
            end_pos: Pos::default(),
            params: List::default(),
            is_vararg: false,
            body: Block::default(),
            id: self.new_id(IdKind::Func),
        };
        // No other list of names is read until the ')': the parameters
        // go to the tree directly.
        let n0 = self.ast.item_count::<Name>();
        if is_method {
            self.ast.push_item::<Name>(b"self");
        }
        let (outer_nvars, outer_line) = (self.nvars, self.fn_line);
        self.nvars = 0;
        self.fn_line = line;
        if is_method {
            self.declare_locals(1);
        }
        self.check_next(Kind::LParen)?;
        let parsed = self.par_list(&mut f);
        f.params = self.ast.list_since(n0);
        parsed?;
        self.check_next(Kind::RParen)?;
        let outer = self.vararg;
        self.vararg = f.is_vararg;
        f.body = self.block()?;
        f.end_pos = self.tok.pos;
        self.check_match(Kind::End, Kind::Function, line)?;
        self.vararg = outer;
        (self.nvars, self.fn_line) = (outer_nvars, outer_line);
        Ok(f)
    }

    /// Parses a parameter list: names, optionally ending with `...`.
    fn par_list(&mut self, f: &mut FunctionExpr<'a>) -> PResult<()> {
        if self.tok.kind == Kind::RParen {
            return Ok(());
        }
        loop {
            f.params_end = self.tok.pos;
            match self.tok.kind {
                Kind::Name => {
                    let name = self.tok_name();
                    self.ast.push_item(name);
                    self.next()?;
                    self.declare_locals(1);
                }
                Kind::Dots => {
                    self.next()?;
                    f.is_vararg = true;
                }
                _ => return self.syntax_error("<name> or '...' expected"),
            }
            if f.is_vararg || !self.test_next(Kind::Comma)? {
                return Ok(());
            }
        }
    }
}
