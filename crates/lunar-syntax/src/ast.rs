//! The abstract syntax tree produced by [`crate::parse`] and consumed by
//! `lunar-compile`.
//!
//! The tree is a faithful picture of the source: names are not resolved here
//! (an [`Expr::Name`] may turn out to be a local, an upvalue or a global),
//! constant folding is left to the compiler, and every node keeps the
//! position the reference interpreter would use for its line information.
//! Names and string values are byte strings: Lua source may contain any
//! bytes. The tree borrows the source (`'s`): names and most string
//! values are slices of it, which saves an allocation per name.

use std::fmt;
use std::ops::Deref;

/// A name (identifier) as written in the source, borrowed from it.
pub type Name<'s> = &'s [u8];

/// The value of a string literal: borrowed from the source when it is the
/// text written there (no escapes, the case of names used as keys and of
/// most literals), decoded into a buffer of its own otherwise. It derefs
/// to the bytes, and two values are equal when their bytes are.
///
/// The decoded buffer is boxed twice so that the value takes two words,
/// like a slice, which keeps [`Expr`] at four words.
#[derive(Clone)]
pub enum StrValue<'s> {
    /// The bytes between the delimiters in the source.
    Source(&'s [u8]),
    /// The bytes after decoding escapes.
    Decoded(Box<Box<[u8]>>),
}

impl Deref for StrValue<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            StrValue::Source(b) => b,
            StrValue::Decoded(b) => b,
        }
    }
}

impl PartialEq for StrValue<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for StrValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

/// A position in a chunk: a 1-based line and a 1-based column (in bytes).
/// The zero `Pos` (the default) means "no position".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line number; 0 when there is no position.
    pub line: u32,
    /// 1-based column in bytes.
    pub col: u32,
}

impl Pos {
    /// Makes a position from a line and a column.
    pub const fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    /// Reports whether the position is set.
    pub const fn is_valid(self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A whole source unit: the body of the main function, which is always
/// variadic and has `_ENV` as its single upvalue (§3.3.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk<'s> {
    /// Chunk name as given to the parser (`@file.lua`, `=stdin`, or source
    /// text).
    pub name: Box<[u8]>,
    /// The main function's body.
    pub block: Block<'s>,
}

/// A sequence of statements with its own scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block<'s> {
    /// The statements, in order.
    pub stats: Vec<Stat<'s>>,
    /// Position of the token that closes the block (`end`, `until`, `else`,
    /// `elseif` or `<eof>`). The implicit return at the end of a function
    /// body is attributed to its line.
    pub end: Pos,
    /// The line where the last token before that closing token ends (the
    /// last token of the last statement, a `;` after it, or the token that
    /// opens the block); 0 when there is none. The code the reference
    /// emits when it reaches the end of the block (closing upvalues, the
    /// jump back of a loop, the jump over an `else` part) gets this line.
    pub last_line: u32,
}

// ---------------------------------------------------------------------------
// Expressions

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr<'s> {
    /// The literal `nil`.
    Nil(Pos),
    /// The literal `true`.
    True(Pos),
    /// The literal `false`.
    False(Pos),
    /// `...`.
    Vararg(Pos),
    /// An integer numeral (decimal numerals that overflow an i64 are
    /// [`Expr::Float`], hexadecimal ones wrap around, §3.1).
    Int {
        /// Position of the numeral.
        pos: Pos,
        /// Its value.
        value: i64,
    },
    /// A float numeral.
    Float {
        /// Position of the numeral.
        pos: Pos,
        /// Its value.
        value: f64,
    },
    /// A string literal (escapes already decoded), also used for the key of
    /// a field access `a.name` and of a record field `name = v`.
    String {
        /// Position of the literal (or of the name used as a key).
        pos: Pos,
        /// The decoded bytes.
        value: StrValue<'s>,
        /// The line where the literal ends: a long string, or a short one
        /// with escaped newlines, ends on a later line than it starts, and
        /// the reference gives the code that loads it that later line.
        end_line: u32,
    },
    /// A reference to a variable by name; the compiler decides whether it is
    /// a local, an upvalue or a global (`_ENV.name`).
    Name {
        /// Position of the name.
        pos: Pos,
        /// The name.
        name: Name<'s>,
    },
    /// `obj[key]` or `obj.name`.
    Index(Box<IndexExpr<'s>>),
    /// `f(args)`.
    Call(Box<CallExpr<'s>>),
    /// `obj:name(args)`.
    MethodCall(Box<MethodCallExpr<'s>>),
    /// `function (params) body end`.
    Function(Box<FunctionExpr<'s>>),
    /// `l op r`.
    Binary(Box<BinaryExpr<'s>>),
    /// `op x`.
    Unary(Box<UnaryExpr<'s>>),
    /// `( x )`.
    Paren(Box<ParenExpr<'s>>),
    /// `{ fields }`.
    Table(Box<TableExpr<'s>>),
}

impl Expr<'_> {
    /// The position the reference interpreter attributes the expression's
    /// code to (see each node's doc for which token that is).
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Nil(p) | Expr::True(p) | Expr::False(p) | Expr::Vararg(p) => *p,
            Expr::Int { pos, .. }
            | Expr::Float { pos, .. }
            | Expr::String { pos, .. }
            | Expr::Name { pos, .. } => *pos,
            Expr::Index(e) => e.pos,
            Expr::Call(e) => e.pos,
            Expr::MethodCall(e) => e.pos,
            Expr::Function(e) => e.pos,
            Expr::Binary(e) => e.pos,
            Expr::Unary(e) => e.pos,
            Expr::Paren(e) => e.pos,
            Expr::Table(e) => e.pos,
        }
    }

    /// Reports whether the expression may yield several values (a call or
    /// `...`), which matters at the end of a list.
    pub fn is_multi(&self) -> bool {
        matches!(self, Expr::Call(_) | Expr::MethodCall(_) | Expr::Vararg(_))
    }
}

/// `obj[key]`; `a.b` is `IndexExpr { obj: a, key: Expr::String("b") }`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexExpr<'s> {
    /// Position of the `.` or `[` token.
    pub pos: Pos,
    /// Position of the last token: the `]`, or the name after `.`. The
    /// reference puts a key in a register (when it is not a constant) after
    /// reading the `]`.
    pub end_pos: Pos,
    /// The indexed expression.
    pub obj: Expr<'s>,
    /// The key.
    pub key: Expr<'s>,
}

/// `f(args)`. String and table call sugar (`f"x"`, `f{...}`) become a single
/// argument.
#[derive(Clone, Debug, PartialEq)]
pub struct CallExpr<'s> {
    /// Position of the first token of the whole suffixed expression the call
    /// belongs to (luac 5.4.4 attributes a call to the line where its prefix
    /// expression starts; later versions to the line of its arguments).
    pub pos: Pos,
    /// The called expression.
    pub func: Expr<'s>,
    /// The arguments.
    pub args: Vec<Expr<'s>>,
    /// Positions of the commas between the arguments (one fewer than
    /// them): the reference puts each argument in its register after reading
    /// the comma that follows it.
    pub arg_commas: Vec<Pos>,
    /// Position of the `(` opening the arguments; zero for a string or
    /// table argument.
    pub lparen: Pos,
    /// Position of the `)` closing the arguments; zero for a string or
    /// table argument. The reference puts the last argument in its
    /// register after reading it.
    pub rparen: Pos,
}

/// `obj:name(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct MethodCallExpr<'s> {
    /// As in [`CallExpr::pos`].
    pub pos: Pos,
    /// The receiver.
    pub obj: Expr<'s>,
    /// The method name.
    pub name: Name<'s>,
    /// Position of the method name.
    pub name_pos: Pos,
    /// The arguments (not counting the receiver).
    pub args: Vec<Expr<'s>>,
    /// As in [`CallExpr::arg_commas`].
    pub arg_commas: Vec<Pos>,
    /// As in [`CallExpr::lparen`].
    pub lparen: Pos,
    /// As in [`CallExpr::rparen`].
    pub rparen: Pos,
}

/// A function constructor `function (params) body end`. For
/// `function t:m() ... end` the parser prepends the parameter `self`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionExpr<'s> {
    /// Position of the `function` keyword.
    pub pos: Pos,
    /// Position of the `(` opening the parameter list: the reference
    /// gives an anonymous or local function the line of that token as its
    /// `linedefined`.
    pub lparen: Pos,
    /// Position of the last token of the parameter list before its `)`
    /// (the `...`, the last name, or the `(` when there are no
    /// parameters): a vararg function's VARARGPREP gets its line.
    pub params_end: Pos,
    /// Position of the closing `end`.
    pub end_pos: Pos,
    /// The named parameters.
    pub params: Vec<Name<'s>>,
    /// Whether the parameter list ends with `...`.
    pub is_vararg: bool,
    /// The body.
    pub body: Block<'s>,
}

/// `l op r`.
#[derive(Clone, Debug, PartialEq)]
pub struct BinaryExpr<'s> {
    /// Position of the operator token.
    pub pos: Pos,
    /// The operator.
    pub op: BinaryOp,
    /// Left operand.
    pub l: Expr<'s>,
    /// Right operand.
    pub r: Expr<'s>,
}

/// `op x`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnaryExpr<'s> {
    /// Position of the operator token.
    pub pos: Pos,
    /// The operator.
    pub op: UnaryOp,
    /// The operand.
    pub x: Expr<'s>,
}

/// `( x )`: truncates a multi-valued `x` to one value and makes a variable
/// no longer assignable.
#[derive(Clone, Debug, PartialEq)]
pub struct ParenExpr<'s> {
    /// Position of `(`.
    pub pos: Pos,
    /// The inner expression.
    pub x: Expr<'s>,
    /// Position of `)`.
    pub end_pos: Pos,
}

/// A table constructor `{ fields }`.
#[derive(Clone, Debug, PartialEq)]
pub struct TableExpr<'s> {
    /// Position of `{`.
    pub pos: Pos,
    /// Position of `}`.
    pub end_pos: Pos,
    /// The fields, in source order.
    pub fields: Vec<TableField<'s>>,
}

/// One field of a table constructor.
#[derive(Clone, Debug, PartialEq)]
pub struct TableField<'s> {
    /// `None` for a positional field (`exp`); a record field `name = exp`
    /// has an [`Expr::String`] key; `[k] = exp` has the key expression.
    pub key: Option<Expr<'s>>,
    /// The value.
    pub value: Expr<'s>,
    /// Position of the `,` or `;` after the field, zero when there is none:
    /// the reference puts a positional value in its register after reading
    /// the separator.
    pub sep_pos: Pos,
    /// For a positional field that starts with a name, the line where the
    /// token after that name ends, 0 otherwise. The reference looks at that
    /// token before it reads the name (to tell `name = exp` from `exp`),
    /// and its scanner then gives the name that later line.
    pub name_ahead_line: u32,
    /// Position of the `=` of a record field, zero for a positional one:
    /// the reference puts a key that is not a constant in a register after
    /// reading it.
    pub eq_pos: Pos,
}

/// A binary operator (§3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    IDiv,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `..`
    Concat,
    /// `==`
    Eq,
    /// `~=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
    /// `&`
    BAnd,
    /// `|`
    BOr,
    /// `~`
    BXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl BinaryOp {
    /// The operator as written in Lua source.
    pub const fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::IDiv => "//",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::Concat => "..",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "~=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::BAnd => "&",
            BinaryOp::BOr => "|",
            BinaryOp::BXor => "~",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
        }
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unary operator (§3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `not`
    Not,
    /// `#`
    Len,
    /// `~`
    BNot,
}

impl UnaryOp {
    /// The operator as written in Lua source.
    pub const fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
            UnaryOp::Len => "#",
            UnaryOp::BNot => "~",
        }
    }
}

impl fmt::Display for UnaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------
// Statements

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stat<'s> {
    /// `local names [= values]`.
    Local(Box<LocalStat<'s>>),
    /// `targets = values`.
    Assign(Box<AssignStat<'s>>),
    /// A call used as a statement.
    Call(Box<CallStat<'s>>),
    /// `do body end`.
    Do(Box<DoStat<'s>>),
    /// `while cond do body end`.
    While(Box<WhileStat<'s>>),
    /// `repeat body until cond`.
    Repeat(Box<RepeatStat<'s>>),
    /// `if ... then ... elseif ... else ... end`.
    If(Box<IfStat<'s>>),
    /// `for v = start, limit [, step] do body end`.
    NumericFor(Box<NumericForStat<'s>>),
    /// `for names in exprs do body end`.
    GenericFor(Box<GenericForStat<'s>>),
    /// `function funcname body`.
    Function(Box<FunctionStat<'s>>),
    /// `local function name body`.
    LocalFunction(Box<LocalFunctionStat<'s>>),
    /// `return values`.
    Return(Box<ReturnStat<'s>>),
    /// `break`, at this position.
    Break(Pos),
    /// `goto label`.
    Goto(Box<GotoStat<'s>>),
    /// `::name::`.
    Label(Box<LabelStat<'s>>),
}

impl Stat<'_> {
    /// The position the reference interpreter attributes the statement to.
    pub fn pos(&self) -> Pos {
        match self {
            Stat::Local(s) => s.pos,
            Stat::Assign(s) => s.pos,
            Stat::Call(s) => s.pos,
            Stat::Do(s) => s.pos,
            Stat::While(s) => s.pos,
            Stat::Repeat(s) => s.pos,
            Stat::If(s) => s.pos,
            Stat::NumericFor(s) => s.pos,
            Stat::GenericFor(s) => s.pos,
            Stat::Function(s) => s.pos,
            Stat::LocalFunction(s) => s.pos,
            Stat::Return(s) => s.pos,
            Stat::Break(p) => *p,
            Stat::Goto(s) => s.pos,
            Stat::Label(s) => s.pos,
        }
    }
}

/// A local variable attribute (§3.3.7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Attrib {
    /// No attribute.
    #[default]
    None,
    /// `<const>`
    Const,
    /// `<close>`
    Close,
}

/// `local names [= values]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalStat<'s> {
    /// Position of the `local` keyword.
    pub pos: Pos,
    /// The declared names.
    pub names: Vec<Name<'s>>,
    /// Position of each name.
    pub name_pos: Vec<Pos>,
    /// One attribute per name.
    pub attribs: Vec<Attrib>,
    /// The initial values (possibly empty).
    pub values: Vec<Expr<'s>>,
    /// Positions of the commas between the values (one fewer than
    /// them): the reference puts each value in its register after reading
    /// the comma that follows it.
    pub value_commas: Vec<Pos>,
    /// Position of the last token of the names (the last name, or the `>`
    /// closing its attribute): without values, the reference sets the
    /// variables to nil at that line.
    pub names_end: Pos,
    /// Position of the `=`, zero when there are no values.
    pub eq_pos: Pos,
}

/// `targets = values`; each target is an [`Expr::Name`] or [`Expr::Index`].
#[derive(Clone, Debug, PartialEq)]
pub struct AssignStat<'s> {
    /// Position of the `=` token.
    pub pos: Pos,
    /// The assigned variables.
    pub targets: Vec<Expr<'s>>,
    /// The values.
    pub values: Vec<Expr<'s>>,
    /// Positions of the commas between the values (one fewer than
    /// them): the reference puts each value in its register after reading
    /// the comma that follows it.
    pub value_commas: Vec<Pos>,
}

/// A function call used as a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct CallStat<'s> {
    /// Position of the statement.
    pub pos: Pos,
    /// An [`Expr::Call`] or [`Expr::MethodCall`].
    pub call: Expr<'s>,
}

/// `do body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct DoStat<'s> {
    /// Position of `do`.
    pub pos: Pos,
    /// The body.
    pub body: Block<'s>,
}

/// `while cond do body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhileStat<'s> {
    /// Position of `while`.
    pub pos: Pos,
    /// The condition.
    pub cond: Expr<'s>,
    /// The body.
    pub body: Block<'s>,
}

/// `repeat body until cond`; `cond` sees the body's locals.
#[derive(Clone, Debug, PartialEq)]
pub struct RepeatStat<'s> {
    /// Position of `repeat`.
    pub pos: Pos,
    /// The body.
    pub body: Block<'s>,
    /// The condition.
    pub cond: Expr<'s>,
}

/// `if conds[0] then blocks[0] elseif conds[1] then blocks[1] ... else
/// else_block end`.
#[derive(Clone, Debug, PartialEq)]
pub struct IfStat<'s> {
    /// Position of `if`.
    pub pos: Pos,
    /// The conditions, one per `if`/`elseif`.
    pub conds: Vec<Expr<'s>>,
    /// The blocks, one per condition.
    pub blocks: Vec<Block<'s>>,
    /// Position of the `then` after each condition: the reference emits
    /// the test of the condition after reading it.
    pub then_pos: Vec<Pos>,
    /// For each block that starts with `break`, the line where that
    /// `break` and the `;` after it end, 0 for other blocks: the jump over
    /// the rest of such a block gets this line.
    pub break_end: Vec<u32>,
    /// The `else` part, `None` when absent.
    pub else_block: Option<Block<'s>>,
}

/// `for var = start, limit [, step] do body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericForStat<'s> {
    /// Position of `for`.
    pub pos: Pos,
    /// The control variable.
    pub var: Name<'s>,
    /// Position of the control variable.
    pub var_pos: Pos,
    /// Position of the `=`.
    pub eq_pos: Pos,
    /// Initial value.
    pub start: Expr<'s>,
    /// Limit.
    pub limit: Expr<'s>,
    /// Step, `None` when omitted.
    pub step: Option<Expr<'s>>,
    /// Position of `do`: the loop's FORPREP gets its line.
    pub do_pos: Pos,
    /// The body.
    pub body: Block<'s>,
}

/// `for names in exprs do body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericForStat<'s> {
    /// Position of `for`.
    pub pos: Pos,
    /// The loop variables.
    pub names: Vec<Name<'s>>,
    /// Position of each loop variable.
    pub name_pos: Vec<Pos>,
    /// Position of `in`.
    pub in_pos: Pos,
    /// The explist after `in`.
    pub exprs: Vec<Expr<'s>>,
    /// Positions of the commas between the expressions (one fewer than
    /// them): the reference puts each expression in its register after reading
    /// the comma that follows it.
    pub expr_commas: Vec<Pos>,
    /// Position of `do`: the loop's TFORPREP gets its line.
    pub do_pos: Pos,
    /// The body.
    pub body: Block<'s>,
}

/// `function funcname body`. `target` is an [`Expr::Name`] or a chain of
/// [`Expr::Index`]; for `function a.b:m()` the target is `a.b.m`,
/// `is_method` is true and `func.params` starts with `self`.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionStat<'s> {
    /// Position of `function`.
    pub pos: Pos,
    /// The assigned variable.
    pub target: Expr<'s>,
    /// Whether the name used `:`.
    pub is_method: bool,
    /// The function.
    pub func: FunctionExpr<'s>,
}

/// `local function name body` (the local is in scope inside its own body,
/// §3.4.11).
#[derive(Clone, Debug, PartialEq)]
pub struct LocalFunctionStat<'s> {
    /// Position of `local`.
    pub pos: Pos,
    /// The local's name.
    pub name: Name<'s>,
    /// Position of the name.
    pub name_pos: Pos,
    /// The function.
    pub func: FunctionExpr<'s>,
}

/// `return values`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnStat<'s> {
    /// Position of `return`.
    pub pos: Pos,
    /// The returned values.
    pub values: Vec<Expr<'s>>,
    /// Positions of the commas between the values (one fewer than
    /// them): the reference puts each value in its register after reading
    /// the comma that follows it.
    pub value_commas: Vec<Pos>,
}

/// `goto label`.
#[derive(Clone, Debug, PartialEq)]
pub struct GotoStat<'s> {
    /// Position of `goto`.
    pub pos: Pos,
    /// The target label.
    pub label: Name<'s>,
    /// Position of the label's name: the reference emits the jump, and
    /// reports an undefined label, at its line.
    pub label_pos: Pos,
}

/// `::name::`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelStat<'s> {
    /// Position of the first `::`.
    pub pos: Pos,
    /// The label.
    pub name: Name<'s>,
    /// Position of the closing `::`.
    pub end_pos: Pos,
}
