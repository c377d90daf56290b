//! The compiler: turns the syntax tree of a Lua 5.4 chunk
//! ([`lunar_syntax::ast::Chunk`]) into function prototypes ([`Proto`]).
//!
//! It works in two passes over the tree:
//!
//! - The resolver (`resolve*.rs`) decides what every name means: a local of
//!   the current function, an upvalue (a local of an enclosing function,
//!   reached through the chain of closures), a compile-time constant (a
//!   `<const>` local initialised with a constant expression, which takes no
//!   register), or a global (a field of `_ENV`). It assigns registers to
//!   locals, builds each function's upvalue list, finds the blocks whose
//!   locals are captured by closures or are to be closed, and checks the
//!   rules that need scopes: goto and labels (§3.3.4), break outside a loop,
//!   assignment to `<const>` and `<close>` variables, and the limits on
//!   local variables and upvalues.
//! - The code generator (`codegen*.rs`) walks the tree again and emits the
//!   instructions, following the reference compiler (lcode.c/lparser.c of
//!   Lua 5.4) closely: the same register allocation, the same instruction
//!   shapes (immediate and constant operands, MMBIN after arithmetic, jumps
//!   after tests, jump lists for conditions), constant folding, and line
//!   information attributed as the reference does. Code generated for a
//!   program is meant to be the code `luac -l -l` lists, so that the VM,
//!   which implements the reference's instruction semantics, and people
//!   comparing listings can rely on it.
//!
//! [`compile`] takes a whole tree. [`compile_source`] and
//! [`compile_source_mode`], which the interpreter uses, parse and compile
//! the chunk a batch of top-level statements at a time instead (see
//! `stream.rs`), dropping each batch's tree once its code is made: the
//! same code and errors, without the whole tree in memory.
//!
//! The compiler owns nothing at run time: it returns immutable prototypes
//! that may be shared by any number of threads. It knows nothing of values
//! beyond the constants it folds (nil, booleans, integers, floats and
//! strings).
//!
//! Errors are [`SyntaxError`] values worded and positioned as the reference
//! reports them (for semantic errors, the line where the reference's
//! one-pass parser was when it detected them; the tree keeps enough
//! positions to find that line in all but rare multi-line layouts).
//!
//! # Differences from luac 5.4.4
//!
//! The code is the code luac 5.4.4 generates, instruction for instruction
//! (the tests compare listings with luac's when it is installed), except:
//!
//! - Constants are deduplicated per function. luac 5.4.4 shares one
//!   constant cache among all the functions of a chunk and gives a function
//!   a second entry for a constant that a nested function used in between;
//!   only constant indices differ.
//! - A break out of a for loop that must close captured variables closes
//!   from the level outside the loop, as Lua 5.4.6 does; luac 5.4.4 closes
//!   from the level of the loop's control variables, which misses the
//!   closing value of a generic for.
//! - A call belongs to the line where its arguments start (its `(`, `{` or
//!   string), as in Lua 5.4.6 and later; luac 5.4.4 gives it the line where
//!   the called expression starts.
//! - Jump lists are linked in another order (joining the shorter list to the
//!   longer), which keeps long chains of 'and'/'or' linear; the final code
//!   is the same. Labels and gotos are looked up by name for the same
//!   reason.
//!
//! Line information is the reference's: it gives each instruction the line
//! where the last token its parser had read when it emitted the instruction
//! ends (its "last line"), except for the few instructions it gives a line
//! explicitly (calls, operators, loop instructions). The generator follows
//! that line through the positions the tree keeps for the purpose: where a
//! multi-line string ends, the closing ')' and ']' of calls, parentheses and
//! indexing, the separators of lists and constructors, 'then', 'do', '=',
//! 'in', the `;` after the last statement of a block, and the token the
//! reference's scanner looks ahead at in a table constructor.
//!
//! [`CompileOptions::luac544`] removes the first three differences, for
//! comparing listings with luac 5.4.4.
//!
//! Errors are the reference's, with these differences: when a chunk has a
//! semantic error and a later syntax error, the parser reports the syntax
//! error (the compiler never sees the chunk), except "too many local
//! variables", which the parser finds too; limit errors ("too many
//! registers", "too many upvalues") end with "near" and the token only
//! where the tree tells which token that is.
//!
//! No path through the compiler recurses without a bound: chains that the
//! grammar builds with loops (`a+b+c+...`, `a.b.c...`, `f()()()...`) are
//! walked with loops, and every other nesting counts against a depth limit.

mod codegen;
mod codegen_const;
mod codegen_exp;
mod codegen_expr;
mod codegen_jump;
mod codegen_loop;
mod codegen_ops;
mod codegen_stmt;
mod codegen_var;
mod constant;
mod near;
mod node_map;
mod resolve;
mod resolve_expr;
mod resolve_goto;
mod resolve_stmt;
mod stream;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use lunar_syntax::SyntaxError;
use lunar_syntax::ast::{Ast, Block, Chunk, Expr, FunctionExpr, Pos, Stat};

use crate::proto::Proto;
use codegen::{BlockState, FuncState};
use codegen_const::SharedKCache;
use resolve::{Resolution, ResolveError, addr, resolve};

/// Settings of the compiler.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompileOptions {
    /// Makes the code exactly what luac 5.4.4 makes, for comparing listings
    /// with it, in the three places where [`compile`] differs on purpose:
    ///
    /// - luac's constant cache is shared by all the functions of a chunk,
    ///   so that a constant used by an inner function and again by the
    ///   outer one gets a second entry in the outer function's table (later
    ///   Lua versions keep one cache per function, as [`compile`] does);
    /// - a break out of a for loop that must close upvalues closes from the
    ///   level of the loop's control variables, missing the closing value
    ///   of a generic for (Lua 5.4.6 fixed it; [`compile`] closes from the
    ///   level outside the loop);
    /// - a call gets the line where the called expression starts (Lua 5.4.6
    ///   fixed it; [`compile`] gives the line where its arguments start).
    pub luac544: bool,
}

impl CompileOptions {
    /// The options of [`compile`] with `luac544` set as given.
    pub fn luac544(on: bool) -> CompileOptions {
        CompileOptions { luac544: on }
    }
}

/// Compiles a parsed chunk into the prototype of its main function, which
/// has the chunk's nested functions in its `protos`. The main function is
/// variadic and has one upvalue, `_ENV`, which the caller sets to the global
/// environment when it makes a closure of it.
///
/// The error, if any, is a [`SyntaxError`] whose message and line are those
/// the reference interpreter reports, such as
/// `input:4: no visible label 'done' for <goto> at line 2`.
///
/// `compile` does not modify the tree and may be called from several
/// threads at once, on the same tree or on different ones.
///
/// ```
/// let chunk = lunar_syntax::parse("=input", b"local x = 1 return x + 1").unwrap();
/// let proto = lunar_compile::compile(&chunk).unwrap();
/// assert!(proto.is_vararg);
/// assert_eq!(&*proto.upvalues[0].name, b"_ENV");
/// ```
pub fn compile(chunk: &Chunk) -> Result<Arc<Proto>, SyntaxError> {
    compile_with_options(chunk, CompileOptions::default())
}

/// Parses and compiles a chunk: what [`lunar_syntax::parse`], then
/// [`compile`] give, made a batch of top-level statements at a time
/// (never holding the whole tree).
///
/// ```
/// let err = lunar_compile::compile_source("=input", b"goto done").unwrap_err();
/// assert_eq!(err.to_string(), "input:1: no visible label 'done' for <goto> at line 1");
/// ```
pub fn compile_source(chunk_name: &str, source: &[u8]) -> Result<Arc<Proto>, SyntaxError> {
    compile_source_mode(chunk_name.as_bytes(), source, lunar_syntax::Mode::FILE)
}

/// Parses a chunk with the given parser options, then compiles it. The
/// Lua function `load` wants [`lunar_syntax::Mode::LOAD`], which does not
/// skip a first line starting with `#` as [`compile_source`] does.
///
/// ```
/// use lunar_compile::compiler::compile_source_mode;
/// use lunar_syntax::Mode;
/// let err = compile_source_mode(b"=load", b"#!x\nreturn 1", Mode::LOAD).unwrap_err();
/// assert_eq!(err.to_string(), "load:1: unexpected symbol near '#'");
/// assert!(compile_source_mode(b"=file", b"#!x\nreturn 1", Mode::FILE).is_ok());
/// ```
pub fn compile_source_mode(
    chunk_name: &[u8],
    source: &[u8],
    mode: lunar_syntax::Mode,
) -> Result<Arc<Proto>, SyntaxError> {
    // One top-level statement at a time (see `stream`): the same code and
    // errors as `compile` over the whole tree, without the whole tree.
    stream::compile_stream(chunk_name, source, mode)
}

/// [`compile`] with settings.
pub fn compile_with_options(
    chunk: &Chunk,
    opts: CompileOptions,
) -> Result<Arc<Proto>, SyntaxError> {
    let (res, rerr) = resolve(chunk);
    if let Some(e) = &rerr
        && e.at.node.is_none()
    {
        return Err(e.err.clone());
    }
    let mut g = Gen::new(&chunk.ast, res, rerr, &chunk.name, opts);
    let p = g.main_func(&chunk.block).map_err(|e| *e)?;
    if let Some(msg) = g.internal.take() {
        return Err(SyntaxError::new(&chunk.name, Pos::default(), msg));
    }
    if let Some(e) = g.stop.take() {
        // The generator should have raised it at its anchor.
        return Err(e.err);
    }
    Ok(p)
}

/// The identity of a node of the tree: its kind and its address in the
/// tree's arenas, stable while the tree is borrowed. Only references into
/// the tree identify a node: a copy of a [`Block`] (which is `Copy`) has an
/// address of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NodeId {
    Expr(usize),
    Stat(usize),
    Block(usize),
    Func(usize),
}

pub(crate) fn expr_id(e: &Expr) -> NodeId {
    NodeId::Expr(addr(e))
}

pub(crate) fn stat_id(s: &Stat) -> NodeId {
    NodeId::Stat(addr(s))
}

pub(crate) fn block_id(b: &Block) -> NodeId {
    NodeId::Block(addr(b))
}

pub(crate) fn func_id(f: &FunctionExpr) -> NodeId {
    NodeId::Func(addr(f))
}

/// Makes a semantic error of `chunk` at `line`.
pub(crate) fn syntax_error(chunk: &[u8], line: u32, msg: String) -> SyntaxError {
    let pos = if line > 0 {
        Pos::new(line, 0)
    } else {
        Pos::default()
    };
    SyntaxError::new(chunk, pos, msg)
}

/// Pushes the chain of binary operators, indexing and calls that starts
/// `e` (its outermost node first) and returns the expression at the bottom
/// of the chain.
#[inline]
pub(crate) fn push_spine<'a>(
    ast: &'a Ast<'a>,
    stack: &mut Vec<&'a Expr<'a>>,
    e: &'a Expr<'a>,
) -> &'a Expr<'a> {
    // Most expressions are not chains: test that before the walk, which
    // sets up to read four arenas.
    if matches!(
        e,
        Expr::Binary(_) | Expr::Index(_) | Expr::Call(_) | Expr::MethodCall(_)
    ) {
        push_chain(ast, stack, e)
    } else {
        e
    }
}

/// [`push_spine`] for a chain (kept out of line, so that the test before
/// it inlines).
#[inline(never)]
fn push_chain<'a>(
    ast: &'a Ast<'a>,
    stack: &mut Vec<&'a Expr<'a>>,
    e: &'a Expr<'a>,
) -> &'a Expr<'a> {
    let mut e = e;
    loop {
        let next = match e {
            Expr::Binary(x) => &ast[*x].l,
            Expr::Index(x) => &ast[*x].obj,
            Expr::Call(x) => &ast[*x].func,
            Expr::MethodCall(x) => &ast[*x].obj,
            _ => return e,
        };
        stack.push(e);
        e = next;
    }
}

/// The result of the code generator's steps. The error is boxed so that
/// the result of the many steps that return nothing fits a register.
pub(crate) type GResult<T> = Result<T, Box<SyntaxError>>;

/// The code generator's state shared by all functions of a chunk, and the
/// function being compiled.
pub(crate) struct Gen<'a> {
    /// The tree's nodes.
    pub(crate) ast: &'a Ast<'a>,
    pub(crate) res: Resolution<'a>,
    pub(crate) chunk: &'a [u8],
    /// Approximates the reference's "last line": the line of the last
    /// token its parser consumed, which is the line it gives to each
    /// instruction it emits. The generator advances it through the
    /// positions of the tree as it goes.
    pub(crate) line: u32,
    /// The position of the name that starts the positional table field
    /// being compiled, and the line the reference reads it at (see
    /// `TableField::name_ahead_line`).
    pub(crate) field_lead: Option<(Pos, u32)>,
    pub(crate) depth: usize,
    /// A stack of the chains being compiled (see `expr`).
    pub(crate) spine: Vec<&'a Expr<'a>>,
    /// For each label or loop not reached yet, the list of jumps to it
    /// (chained through the jumps as in the reference).
    pub(crate) pending: node_map::NodeMap<usize, usize>,
    pub(crate) label_pc: node_map::NodeMap<usize, usize>,
    /// The token after the one the reference would be reading, when known,
    /// for messages.
    pub(crate) near: Option<near::NearTok<'a>>,
    pub(crate) near_pos: Pos,
    /// The error the resolver found, which the generator raises when it
    /// reaches its anchor.
    pub(crate) stop: Option<Box<ResolveError>>,
    pub(crate) luac544: bool,
    /// The first internal inconsistency found.
    pub(crate) internal: Option<String>,
    /// The constant cache shared by all functions, in the luac544 mode.
    pub(crate) scanner_k: Option<SharedKCache<'a>>,
    /// The keyed hash of the constant caches (see `HashedKey`).
    pub(crate) k_hasher: node_map::SeededHash,
    /// The function being compiled.
    pub(crate) fs: FuncState<'a>,
    /// The enclosing functions, innermost last.
    pub(crate) outer: Vec<FuncState<'a>>,
    /// For each variable, its index in its function's `loc_vars` (set when
    /// the variable enters its scope).
    pub(crate) pidx: Vec<usize>,
    /// The vectors of finished functions, for the next ones.
    pub(crate) spare: Vec<codegen::FuncRoom>,
    /// The names of locals, shared by the prototypes.
    pub(crate) names: codegen::Names,
}

impl<'a> Gen<'a> {
    fn new(
        ast: &'a Ast<'a>,
        mut res: Resolution<'a>,
        stop: Option<Box<ResolveError>>,
        chunk: &'a [u8],
        opts: CompileOptions,
    ) -> Gen<'a> {
        let main = std::mem::take(&mut res.main);
        let nvars = res.vars.len();
        Gen {
            ast,
            res,
            chunk,
            line: 1,
            field_lead: None,
            depth: 0,
            spine: Vec::new(),
            pending: Default::default(),
            label_pc: Default::default(),
            near: None,
            near_pos: Pos::default(),
            stop,
            luac544: opts.luac544,
            internal: None,
            scanner_k: opts.luac544.then(SharedKCache::default),
            k_hasher: Default::default(),
            fs: FuncState::new(main, chunk.into()),
            outer: Vec::new(),
            pidx: vec![0; nvars],
            spare: Vec::new(),
            names: Default::default(),
        }
    }

    /// Records an internal inconsistency of the compiler (a bug): the
    /// compilation then fails with it instead of returning wrong code.
    pub(crate) fn internal_error(&mut self, msg: String) {
        if self.internal.is_none() {
            self.internal = Some(format!("compile: internal error: {msg}"));
        }
    }

    /// Raises the resolver's error if its anchor is (`node`, `after`).
    pub(crate) fn check(&mut self, node: NodeId, after: bool) -> GResult<()> {
        if let Some(stop) = &self.stop
            && stop.at.node == Some(node)
            && stop.at.after == after
        {
            return Err(Box::new(self.stop.take().expect("stop").err));
        }
        Ok(())
    }

    /// Records the token after the one being read.
    pub(crate) fn set_near(&mut self, near: near::NearTok<'a>, p: Pos) {
        self.near = Some(near);
        self.near_pos = p;
    }

    /// Notes that the parser would have consumed the token at `p`.
    pub(crate) fn advance(&mut self, p: Pos) {
        self.advance_line(p.line);
    }

    /// Notes that the parser would have consumed a token on `line` (0: no
    /// token).
    pub(crate) fn advance_line(&mut self, line: u32) {
        if line > self.line {
            self.line = line;
        }
    }

    /// An error at the current line, ending the compilation.
    pub(crate) fn error<T>(&self, msg: String) -> GResult<T> {
        Err(Box::new(syntax_error(self.chunk, self.line, msg)))
    }

    /// Counts one level of recursion.
    #[inline]
    pub(crate) fn enter(&mut self) -> GResult<()> {
        self.depth += 1;
        if self.depth > resolve::MAX_DEPTH {
            return self.too_deep();
        }
        Ok(())
    }

    /// The error of [`Gen::enter`], kept out of line: `enter` runs for
    /// every expression and statement.
    #[cold]
    fn too_deep(&self) -> GResult<()> {
        self.error("chunk has too many syntax levels".into())
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Compiles the main function of a chunk.
    fn main_func(&mut self, body: &'a Block<'a>) -> GResult<Arc<Proto>> {
        let upval = self.res.block_upval(body);
        self.enter_block(BlockState::new(None, upval));
        self.set_vararg(0);
        self.stat_list(&self.ast[body.stats])?;
        self.reach_end(body);
        self.close_func(body)?;
        let fs = std::mem::replace(&mut self.fs, FuncState::empty());
        Ok(Arc::new(fs.into_proto(&mut self.spare)))
    }

    /// Ends a function: the final return, the end of the outermost block,
    /// and the last touches on the code.
    pub(crate) fn close_func(&mut self, body: &Block) -> GResult<()> {
        let first = self.nvarstack();
        self.ret(first, 0);
        self.check(block_id(body), true)?;
        self.leave_block()?;
        self.finish()
    }
}
