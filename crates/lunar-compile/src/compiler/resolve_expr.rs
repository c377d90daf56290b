//! The resolver's walk over function bodies and expressions, and the
//! abstract evaluation that decides whether a `<const>` local's
//! initialiser makes it a compile-time constant.

use lunar_syntax::ast::{Ast, BinaryOp, Expr, FunctionExpr, UnaryOp};

use super::constant::{ArithOp, KValue, binary_arith, fold};
use super::near::is_name;
use super::resolve::{
    Anchor, Decl, Done, Follow, FuncInfo, RFunc, RResult, RefKind, Resolver, VarKind, addr, put,
};
use super::{expr_id, func_id, push_spine};

/// An abstract expression descriptor: whether the expression is a constant
/// and which, and whether it has pending true and false exits (tracked for
/// constants only: the exits of an expression that is not a constant never
/// matter, since 'and' and 'or' add a jump for it anyway).
#[derive(Clone, Copy, Debug)]
struct AbsExp<'a> {
    v: KValue<'a>,
    is_const: bool,
    t: bool,
    f: bool,
}

const NOT_CONST: AbsExp<'static> = AbsExp {
    v: KValue::Nil,
    is_const: false,
    t: false,
    f: false,
};

fn k(v: KValue<'_>) -> AbsExp<'_> {
    AbsExp {
        v,
        is_const: true,
        t: false,
        f: false,
    }
}

impl<'a> Resolver<'a> {
    /// Resolves a function body; `line_defined` is the line the function is
    /// defined at, which messages about it name.
    pub(crate) fn function(&mut self, f: &'a FunctionExpr<'a>, line_defined: u32) -> RResult<()> {
        self.enter(f.pos.line)?;
        // The reference checks for gotos left without a label when it reads
        // the token after the function's 'end'.
        let mut after = Follow::new(f.end_pos.line, "'end'");
        if self.tail == addr(f) {
            after = self.tail_follow;
        }
        self.funcs.push(RFunc::new(
            FuncInfo::default(),
            Some(f.id),
            line_defined,
            f.is_vararg,
        ));
        let body = &f.body;
        self.enter_block(None, Done::Block(body.id));
        self.fs().blocks.last_mut().expect("block").node = Some(addr(body));
        let first = self.res.vars.len();
        let params = &self.ast[f.params];
        for (i, p) in params.iter().enumerate() {
            let near = if i + 1 < params.len() || f.is_vararg {
                "','"
            } else {
                "')'"
            };
            self.new_local(func_id(f), p, VarKind::Regular, f.pos.line, near)?;
        }
        let n = params.len();
        self.fs().info.params = Decl::new(first, n);
        self.activate(n);
        self.stat_list(body, &Follow::new(f.end_pos.line, "'end'"), false)?;
        self.leave_block(after.line)?;
        let fs = self.funcs.pop().expect("function");
        put(&mut self.res.funcs, f.id, fs.info);
        self.leave();
        Ok(())
    }

    /// Resolves the names of an expression, in source order.
    pub(crate) fn expr(&mut self, e: &'a Expr<'a>) -> RResult<()> {
        self.expr_next(e, NextTok::Tok(""))
    }

    /// Resolves a list of expressions.
    pub(crate) fn expr_list(&mut self, list: &'a [Expr]) -> RResult<()> {
        for (i, e) in list.iter().enumerate() {
            let next = if i + 1 < list.len() { "','" } else { "" };
            self.expr_next(e, NextTok::Tok(next))?;
        }
        Ok(())
    }

    /// Resolves an expression followed by the token `next` (as printed in
    /// messages, "" if unknown). Chains of binary operators, indexing and
    /// calls, which the grammar builds with a loop and may be arbitrarily
    /// long, are walked with a loop.
    fn expr_next(&mut self, e: &'a Expr<'a>, next: NextTok<'a>) -> RResult<()> {
        let ast = self.ast;
        self.enter_at(|| e.pos(ast).line)?;
        let base = self.spine.len();
        let e = push_spine(ast, &mut self.spine, e);
        let top = self.spine.len();
        let next0 = next;
        let next = if top > base {
            NextTok::After(self.spine[top - 1])
        } else {
            next0
        };
        match e {
            Expr::Name { id, .. } => {
                self.next_tok = next;
                self.name(e, ast.name(*id))?;
                self.next_tok = NextTok::Tok("");
            }
            Expr::Vararg(p) if !self.funcs.last().is_some_and(|f| f.vararg) => {
                return self.error(
                    Anchor::before(expr_id(e)),
                    ast[*p].line,
                    "cannot use '...' outside a vararg function near '...'".into(),
                );
            }
            Expr::Function(f) => {
                let f = &ast[*f];
                self.function(f, f.lparen.line)?;
            }
            Expr::Unary(x) => self.expr(&ast[*x].x)?,
            Expr::Paren(x) => self.expr(&ast[*x].x)?,
            Expr::Table(x) => {
                let fields = &ast[ast[*x].fields];
                for (i, f) in fields.iter().enumerate() {
                    if let Some(key) = &f.key {
                        self.expr_next(key, NextTok::Tok("']'"))?;
                    }
                    let next = if i + 1 < fields.len() { "','" } else { "'}'" };
                    self.expr_next(&f.value, NextTok::Tok(next))?;
                }
            }
            _ => {}
        }
        for i in (base..top).rev() {
            match self.spine[i] {
                Expr::Binary(x) => {
                    let x = &ast[*x];
                    let after = if i > base {
                        NextTok::After(self.spine[i - 1])
                    } else {
                        next0
                    };
                    self.expr_next(&x.r, after)?;
                }
                Expr::Index(x) => self.expr_next(&ast[*x].key, NextTok::Tok("']'"))?,
                Expr::Call(x) => self.expr_list(&ast[ast[*x].args])?,
                Expr::MethodCall(x) => self.expr_list(&ast[ast[*x].args])?,
                _ => {}
            }
        }
        self.spine.truncate(base);
        self.leave();
        Ok(())
    }

    /// Tells whether an expression, already resolved, makes a `<const>`
    /// local initialised with it a compile-time constant, and its value.
    /// The reference decides that after compiling the expression: the local
    /// is a constant when the expression's descriptor comes out as a
    /// constant with no pending jumps, even if code was emitted on the way
    /// (in 'f() and nil or 1', the call is compiled, its jump is patched
    /// away by 'or', and the local is the constant 1). This follows the
    /// same rules on an abstract descriptor.
    pub(crate) fn const_value(&mut self, e: &'a Expr<'a>) -> RResult<Option<KValue<'a>>> {
        let a = self.abs_eval(e)?;
        Ok((a.is_const && !a.t && !a.f).then_some(a.v))
    }

    /// Evaluates an expression on abstract descriptors; binary chains are
    /// walked with a loop.
    fn abs_eval(&mut self, e: &'a Expr<'a>) -> RResult<AbsExp<'a>> {
        let ast = self.ast;
        self.enter_at(|| e.pos(ast).line)?;
        let mut spine = Vec::new();
        let mut e = e;
        while let Expr::Binary(b) = e {
            let b = &ast[*b];
            spine.push(b);
            e = &b.l;
        }
        let mut a = self.abs_leaf(e)?;
        for b in spine.into_iter().rev() {
            match b.op {
                BinaryOp::And => {
                    // Going on when a is true: unless a is a true constant,
                    // a jump joins a's false exits, which stay pending; a's
                    // true exits are patched here. The result is b with
                    // those exits.
                    let f = !a.is_const || a.f || !a.v.is_truthy();
                    a = self.abs_eval(&b.r)?;
                    if a.is_const {
                        a.f = a.f || f;
                    }
                }
                BinaryOp::Or => {
                    let t = !a.is_const || a.t || a.v.is_truthy();
                    a = self.abs_eval(&b.r)?;
                    if a.is_const {
                        a.t = a.t || t;
                    }
                }
                _ => {
                    a = match binary_arith(b.op) {
                        Some(op) if a.is_const && !a.t && !a.f && a.v.is_number() => {
                            let w = self.abs_eval(&b.r)?;
                            if !w.is_const || w.t || w.f {
                                NOT_CONST
                            } else {
                                fold(op, a.v, w.v).map_or(NOT_CONST, k)
                            }
                        }
                        _ => NOT_CONST,
                    }
                }
            }
        }
        self.leave();
        Ok(a)
    }

    /// `abs_eval` for an expression that is not a binary one.
    fn abs_leaf(&mut self, e: &'a Expr<'a>) -> RResult<AbsExp<'a>> {
        Ok(match e {
            Expr::Nil(_) => k(KValue::Nil),
            Expr::True(_) => k(KValue::Bool(true)),
            Expr::False(_) => k(KValue::Bool(false)),
            Expr::Int(x) => k(KValue::Int(self.ast[*x].value)),
            Expr::Float(x) => k(KValue::Float(self.ast[*x].value)),
            Expr::String(x) => k(KValue::Str(self.ast.string(*x))),
            Expr::Name { id, .. } => match self.res.name_ref(*id) {
                Some(rf) if rf.kind == RefKind::Const => k(self.res.ctc_value(rf.v())),
                _ => NOT_CONST,
            },
            Expr::Paren(x) => self.abs_eval(&self.ast[*x].x)?,
            Expr::Unary(x) => {
                let x = &self.ast[*x];
                let a = self.abs_eval(&x.x)?;
                if !a.is_const {
                    return Ok(NOT_CONST);
                }
                match x.op {
                    // 'not' swaps the exits.
                    UnaryOp::Not => AbsExp {
                        v: KValue::Bool(!a.v.is_truthy()),
                        is_const: true,
                        t: a.f,
                        f: a.t,
                    },
                    UnaryOp::Neg | UnaryOp::BNot => {
                        if a.t || a.f {
                            return Ok(NOT_CONST);
                        }
                        let op = if x.op == UnaryOp::BNot {
                            ArithOp::BNot
                        } else {
                            ArithOp::Unm
                        };
                        fold(op, a.v, KValue::Int(0)).map_or(NOT_CONST, k)
                    }
                    UnaryOp::Len => NOT_CONST,
                }
            }
            _ => NOT_CONST,
        })
    }
}

/// The token after the expression being resolved, as messages print it:
/// known, or the one after the first operand of a chain node, worked out
/// only when a message needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NextTok<'a> {
    /// The token as printed ("" if unknown).
    Tok(&'static str),
    /// The token after the first operand of this chain node.
    After(&'a Expr<'a>),
}

impl<'a> NextTok<'a> {
    /// The token as printed ("" if unknown).
    pub(crate) fn text(self, ast: &'a Ast<'a>) -> &'static str {
        match self {
            NextTok::Tok(t) => t,
            NextTok::After(e) => token_after(ast, e),
        }
    }
}

/// Returns the token that follows the first operand of a chain node: its
/// operator, '.', '[', '(' or ':'.
pub(crate) fn token_after<'a>(ast: &'a Ast<'a>, e: &'a Expr<'a>) -> &'static str {
    match e {
        Expr::Binary(x) => quoted_operator(ast[*x].op),
        Expr::Index(x) => match &ast[*x].key {
            Expr::String(s) if is_name(ast.string(*s)) => "'.'",
            _ => "'['",
        },
        Expr::Call(x) => {
            let args = &ast[ast[*x].args];
            if args.len() == 1 && matches!(args[0], Expr::String(_) | Expr::Table(_)) {
                ""
            } else {
                "'('"
            }
        }
        Expr::MethodCall(_) => "':'",
        _ => "",
    }
}

/// A binary operator quoted as in messages.
fn quoted_operator(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "'+'",
        BinaryOp::Sub => "'-'",
        BinaryOp::Mul => "'*'",
        BinaryOp::Div => "'/'",
        BinaryOp::IDiv => "'//'",
        BinaryOp::Mod => "'%'",
        BinaryOp::Pow => "'^'",
        BinaryOp::Concat => "'..'",
        BinaryOp::Eq => "'=='",
        BinaryOp::Ne => "'~='",
        BinaryOp::Lt => "'<'",
        BinaryOp::Le => "'<='",
        BinaryOp::Gt => "'>'",
        BinaryOp::Ge => "'>='",
        BinaryOp::And => "'and'",
        BinaryOp::Or => "'or'",
        BinaryOp::BAnd => "'&'",
        BinaryOp::BOr => "'|'",
        BinaryOp::BXor => "'~'",
        BinaryOp::Shl => "'<<'",
        BinaryOp::Shr => "'>>'",
    }
}
