//! The resolver, the compiler's first pass: what every name means, the
//! registers of locals, each function's upvalues, the blocks that must
//! close variables, and the semantic checks that need scopes.
//!
//! It follows the scoping rules of the reference's one-pass parser
//! (lparser.c) exactly, because register numbers, upvalue order, where
//! CLOSE instructions go and which errors are reported all depend on them.
//! Its results, gathered in a [`Resolution`], drive the code generator,
//! which does no name lookup of its own.

use std::collections::HashMap;
use std::fmt;

use lunar_syntax::SyntaxError;
use lunar_syntax::ast::{Ast, Block, Chunk, Expr, Stat};

use super::constant::KValue;
use super::node_map::{NodeMap, SeededHash};
use super::{NodeId, syntax_error};

/// Local variables active at once in a function (the reference's limit).
pub(crate) const MAX_VARS: usize = 200;
/// Upvalues of a function (the reference's limit).
pub(crate) const MAX_UPVALS: usize = 255;
/// Bounds the compiler's recursion over nested blocks, functions and
/// sub-expressions. The parser stops at 200 syntax levels, and each level
/// costs the compiler at most a few steps of recursion, so only trees built
/// by hand reach this bound.
pub(crate) const MAX_DEPTH: usize = 1000;

/// The kind of a local variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarKind {
    Regular,
    /// `<const>` with a run-time value.
    Const,
    /// `<close>`.
    Close,
    /// A compile-time constant (no register).
    Ctc,
}

/// Index of a variable in [`Resolution::vars`].
pub(crate) type VarId = usize;

/// A local variable declaration. A chunk has one per local, so it is
/// kept small: the register in 32 bits, the value of a compile-time
/// constant (a rare kind) in [`Resolution::ctc`].
#[derive(Clone, Debug)]
pub(crate) struct Variable<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) kind: VarKind,
    /// Register, for every kind but `Ctc`.
    reg: u32,
}

impl<'a> Variable<'a> {
    /// The variable with its name replaced (the same name borrowed from
    /// elsewhere).
    pub(crate) fn renamed<'b>(&self, name: &'b [u8]) -> Variable<'b> {
        Variable {
            name,
            kind: self.kind,
            reg: self.reg,
        }
    }

    /// A variable not yet given a register.
    pub(crate) fn new(name: &'a [u8], kind: VarKind) -> Variable<'a> {
        Variable { name, kind, reg: 0 }
    }

    /// The variable's register (for every kind but `Ctc`).
    pub(crate) fn reg(&self) -> usize {
        self.reg as usize
    }
}

/// What a name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    Local,
    Upval,
    Const,
    Global,
}

/// The meaning of one occurrence of a name. A global name is reached
/// through `_ENV`, whose meaning is then in `env`, `v` and `up`.
///
/// There is one per name in the chunk: the indices are kept small, so
/// that a `Ref` and an `Option<Ref>` take 8 bytes (upvalue indices are
/// below 256, and a chunk has fewer variables than bytes).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ref {
    pub(crate) kind: RefKind,
    /// For `Global`: `Local`, `Upval` or `Const`.
    pub(crate) env: RefKind,
    up: u16,
    v: u32,
}

const _: () = assert!(std::mem::size_of::<Option<Ref>>() == 8);

impl Ref {
    pub(crate) fn new(kind: RefKind, env: RefKind, up: usize, v: VarId) -> Ref {
        Ref {
            kind,
            env,
            up: up as u16,
            v: v as u32,
        }
    }

    /// The upvalue's index, for `Upval` (and `Global` through one).
    pub(crate) fn up(self) -> usize {
        self.up as usize
    }

    /// The variable, for `Local` and `Const` (and `Global` through one).
    pub(crate) fn v(self) -> VarId {
        self.v as VarId
    }

    /// The meaning of `_ENV` for a global name.
    pub(crate) fn env_ref(self) -> Ref {
        Ref {
            kind: self.env,
            env: self.env,
            up: self.up,
            v: self.v,
        }
    }
}

/// An upvalue of a function, as the resolver builds it.
#[derive(Clone, Debug)]
pub(crate) struct Upval<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) in_stack: bool,
    /// The register or the enclosing function's upvalue (below 256).
    pub(crate) index: u8,
    pub(crate) kind: VarKind,
}

/// What the resolver found out about a function.
#[derive(Clone, Debug, Default)]
pub(crate) struct FuncInfo<'a> {
    pub(crate) upvals: Vec<Upval<'a>>,
    /// Set when some local of the function is captured by a closure or is
    /// to be closed: returns must then close upvalues.
    pub(crate) need_close: bool,
    /// The parameters.
    pub(crate) params: Decl,
}

/// The variables one statement or function declares, which have
/// consecutive ids (the resolver declares them one after the other): the
/// first and how many. The default declares none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decl {
    first: u32,
    n: u32,
}

impl Decl {
    /// The declaration of `n` variables from `first` on.
    pub(crate) fn new(first: VarId, n: usize) -> Decl {
        Decl {
            first: first as u32,
            n: n as u32,
        }
    }

    /// The ids of the variables.
    pub(crate) fn vars(self) -> std::ops::Range<VarId> {
        self.first as VarId..(self.first + self.n) as VarId
    }

    /// How many variables.
    pub(crate) fn len(self) -> usize {
        self.n as usize
    }
    /// The first `k` variables (at most all) and the rest.
    pub(crate) fn split(self, k: usize) -> (std::ops::Range<VarId>, std::ops::Range<VarId>) {
        let all = self.vars();
        let mid = (all.start + k).min(all.end);
        (all.start..mid, mid..all.end)
    }
}

/// Stores `v` at `id` in a vector indexed by node id, growing it for an id
/// beyond the counts of the tree (a tree built by hand).
#[inline]
pub(crate) fn put<T: Default>(vec: &mut Vec<T>, id: u32, v: T) {
    let i = id as usize;
    if i >= vec.len() {
        vec.resize_with(i + 1, T::default);
    }
    vec[i] = v;
}

/// Reads the value at `id` of a vector indexed by node id (the default
/// beyond its end).
#[inline]
pub(crate) fn get<T: Default + Copy>(vec: &[T], id: u32) -> T {
    vec.get(id as usize).copied().unwrap_or_default()
}

/// The implicit blocks of a loop statement.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LoopInfo {
    /// Upvalue flag of the loop block itself (set for a generic for, whose
    /// fourth control variable is to be closed).
    pub(crate) loop_upval: bool,
    /// Flag of the block of a for loop's declared variables.
    pub(crate) vars_upval: bool,
    /// Set when some `break` leaves the scope of a captured variable: the
    /// loop's exit then starts with a CLOSE.
    pub(crate) break_close: bool,
}

/// A goto or break.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GotoInfo {
    /// The label statement a goto jumps to, or the loop statement a break
    /// leaves (addresses of [`Stat`] nodes).
    pub(crate) target: usize,
    /// Set for a goto to a label already seen.
    pub(crate) backward: bool,
    /// For a backward goto that leaves the scope of some variable, the
    /// register to close from.
    pub(crate) close_level: Option<usize>,
}

/// The result of the resolver. What it knows of a node is in vectors
/// indexed by the node's id (see `lunar_syntax::ast::NodeCounts`), sized
/// from the tree's counts at the start: a map keyed by node would cost a
/// hash and a probe per lookup and several times the memory.
#[derive(Debug, Default)]
pub(crate) struct Resolution<'a> {
    pub(crate) vars: Vec<Variable<'a>>,
    /// The values of the compile-time constants, by variable, in the
    /// order of the variables.
    pub(crate) ctc: Vec<(u32, KValue<'a>)>,
    /// Per name expression (by its id); `None` for one not resolved.
    pub(crate) refs: Vec<Option<Ref>>,
    pub(crate) main: FuncInfo<'a>,
    /// Per function (by the [`FunctionExpr`]'s id).
    pub(crate) funcs: Vec<FuncInfo<'a>>,
    /// Per declaring statement (by its id).
    pub(crate) decls: Vec<Decl>,
    /// A block's upvalue flag (by the [`Block`]'s id).
    pub(crate) blocks: Vec<bool>,
    /// Per loop statement (address of the [`Stat`]).
    pub(crate) loops: NodeMap<usize, LoopInfo>,
    /// Per label statement: a CLOSE follows the label.
    pub(crate) labels: NodeMap<usize, bool>,
    /// Per goto or break statement.
    pub(crate) gotos: NodeMap<usize, GotoInfo>,
}

impl<'a> Resolution<'a> {
    /// The value of a compile-time constant.
    pub(crate) fn ctc_value(&self, v: VarId) -> KValue<'a> {
        match self.ctc.binary_search_by_key(&(v as u32), |&(id, _)| id) {
            Ok(i) => self.ctc[i].1,
            Err(_) => KValue::Nil,
        }
    }

    /// Makes variable `v` a compile-time constant with value `k`.
    pub(crate) fn set_ctc(&mut self, v: VarId, k: KValue<'a>) {
        self.vars[v].kind = VarKind::Ctc;
        // Variables become constants in the order of their declaration,
        // so this appends; the search keeps the order whatever happens.
        let at = self.ctc.partition_point(|&(id, _)| id < v as u32);
        self.ctc.insert(at, (v as u32, k));
    }

    /// A block's upvalue flag (false for a block never resolved).
    pub(crate) fn block_upval(&self, b: &Block) -> bool {
        get(&self.blocks, b.id)
    }

    /// The meaning of a name expression (its id), `None` if it was not
    /// resolved.
    pub(crate) fn name_ref(&self, id: u32) -> Option<Ref> {
        self.refs.get(id as usize).copied().flatten()
    }

    /// The variables a statement declares (its id).
    pub(crate) fn decl(&self, id: u32) -> Decl {
        get(&self.decls, id)
    }

    /// A loop's information.
    pub(crate) fn loop_info(&self, s: &Stat) -> LoopInfo {
        self.loops.get(&addr(s)).copied().unwrap_or_default()
    }
}

/// The address of a node, its identity in the resolution's maps.
pub(crate) fn addr<T>(node: &T) -> usize {
    std::ptr::from_ref(node) as usize
}

/// The token after a statement or a block: the reference reports most
/// semantic errors at its line, and limit errors name it ("near ...").
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Follow<'a> {
    pub(crate) line: u32,
    pub(crate) near: Near<'a>,
}

impl Follow<'_> {
    pub(crate) fn new(line: u32, near: &'static str) -> Follow<'static> {
        Follow {
            line,
            near: Near::Tok(near),
        }
    }
}

/// A token as a message names it (`'end'`, `<eof>`, `'x'`). A name is
/// quoted only when a message needs it: most follows never reach one.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Near<'a> {
    /// A token written as the reference prints it.
    Tok(&'static str),
    /// A name, printed in quotes.
    Name(&'a [u8]),
}

impl Default for Near<'_> {
    fn default() -> Self {
        Near::Tok("")
    }
}

impl fmt::Display for Near<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Near::Tok(t) => f.write_str(t),
            Near::Name(n) => write!(f, "'{}'", String::from_utf8_lossy(n)),
        }
    }
}

/// Who receives a block's final upvalue flag.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Done {
    /// A block's id.
    Block(u32),
    LoopUpval(usize),
    VarsUpval(usize),
}

/// A block (scope) of the function being resolved.
#[derive(Debug)]
pub(crate) struct RBlock<'a> {
    /// Variables in scope outside the block.
    pub(crate) nactvar: usize,
    /// Index in `labels` of the block's first label.
    pub(crate) first_label: usize,
    /// The pending gotos at the block's level (those of inner blocks move
    /// here when the inner block ends), by label name.
    pub(crate) gotos: NameMap<'a, Vec<RGoto<'a>>>,
    /// The loop statement, for a loop block.
    pub(crate) loop_stat: Option<usize>,
    pub(crate) upval: bool,
    pub(crate) done: Done,
    /// The body, for a function's outermost block (the address of its
    /// [`Block`], its identity in anchors).
    pub(crate) node: Option<usize>,
}

#[derive(Debug)]
pub(crate) struct RLabel<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) line: u32,
    pub(crate) nactvar: usize,
    /// The label statement; `None` for a loop's break label.
    pub(crate) stat: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct RGoto<'a> {
    /// Creation order.
    pub(crate) seq: usize,
    pub(crate) name: &'a [u8],
    pub(crate) line: u32,
    pub(crate) nactvar: usize,
    pub(crate) close: bool,
    /// The goto or break statement.
    pub(crate) stat: usize,
}

/// A map keyed by names from the source (labels, pending gotos), hashed
/// with a per-process seed (see [`SeededHash`]).
pub(crate) type NameMap<'a, V> = HashMap<&'a [u8], V, SeededHash>;

/// The resolver's state for one function.
#[derive(Debug)]
pub(crate) struct RFunc<'a> {
    pub(crate) info: FuncInfo<'a>,
    /// The function's id (`None` for the main chunk).
    pub(crate) node: Option<u32>,
    /// Line where the function is defined (0 for the main chunk).
    pub(crate) line: u32,
    pub(crate) vararg: bool,
    /// The function's variables in scope, followed by those declared by the
    /// statement being resolved and not yet in scope.
    pub(crate) actvars: Vec<VarId>,
    /// Variables in scope.
    pub(crate) nactvar: usize,
    pub(crate) blocks: Vec<RBlock<'a>>,
    /// Visible labels, innermost last.
    pub(crate) labels: Vec<RLabel<'a>>,
    /// Visible labels by name (index in `labels`).
    pub(crate) by_name: NameMap<'a, usize>,
    /// What `_ENV` means in the function, once a global name looked it up
    /// (see [`Resolver::env_locals`]).
    pub(crate) env: Option<Ref>,
}

impl RFunc<'static> {
    /// The state of the main function at its start: variadic, with the
    /// single upvalue `_ENV`, no block open.
    pub(crate) fn main() -> RFunc<'static> {
        let info = FuncInfo {
            upvals: vec![Upval {
                name: b"_ENV",
                in_stack: true,
                index: 0,
                kind: VarKind::Regular,
            }],
            need_close: false,
            params: Decl::default(),
        };
        RFunc::new(info, None, 0, true)
    }
}

impl<'a> RFunc<'a> {
    /// The state of a function at its start: no variable, block or label
    /// yet.
    pub(crate) fn new(info: FuncInfo<'a>, node: Option<u32>, line: u32, vararg: bool) -> RFunc<'a> {
        RFunc {
            info,
            node,
            line,
            vararg,
            actvars: Vec::new(),
            nactvar: 0,
            blocks: Vec::new(),
            labels: Vec::new(),
            by_name: NameMap::default(),
            env: None,
        }
    }
}

/// Where the code generator reaches the point at which the reference's
/// parser detects an error: before the node, or after it (after a function
/// body, at the end of a block). The generator raises the resolver's error
/// there, unless it finds an error of its own first ("too many
/// registers"), which the reference, reading the source once, would have
/// reported first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// `None` when the error is raised at once.
    pub(crate) node: Option<NodeId>,
    pub(crate) after: bool,
}

impl Anchor {
    pub(crate) const NONE: Anchor = Anchor {
        node: None,
        after: false,
    };

    pub(crate) fn before(node: NodeId) -> Anchor {
        Anchor {
            node: Some(node),
            after: false,
        }
    }

    pub(crate) fn after(node: NodeId) -> Anchor {
        Anchor {
            node: Some(node),
            after: true,
        }
    }
}

/// An error the resolver found, with its anchor.
#[derive(Debug)]
pub(crate) struct ResolveError {
    pub(crate) err: SyntaxError,
    pub(crate) at: Anchor,
}

pub(crate) type RResult<T> = Result<T, Box<ResolveError>>;

/// The resolver walks the tree once, statement by statement, in source
/// order.
pub(crate) struct Resolver<'a> {
    /// The tree's nodes.
    pub(crate) ast: &'a Ast<'a>,
    pub(crate) res: Resolution<'a>,
    pub(crate) chunk: &'a [u8],
    /// The functions being resolved, innermost last.
    pub(crate) funcs: Vec<RFunc<'a>>,
    pub(crate) depth: usize,
    /// The visible labels and the pending gotos of all the functions being
    /// resolved, for the reference's limit.
    pub(crate) nlabels: usize,
    pub(crate) ngotos: usize,
    /// Numbers gotos in the order they appear.
    pub(crate) goto_seq: usize,
    /// The function expression whose 'end' is the last token of the
    /// statement being resolved (its address; 0 for none), and the token
    /// after the statement. A plain address rather than an
    /// `Option<usize>`: comparing an `Option` whose `None` leaves its
    /// payload uninitialised made valgrind's memcheck report a jump on
    /// uninitialised memory (optimised code tests the payload first).
    pub(crate) tail: usize,
    pub(crate) tail_follow: Follow<'a>,
    /// A stack of the chains being resolved (see `expr_next`).
    pub(crate) spine: Vec<&'a Expr<'a>>,
    /// The token after the name being resolved, when known, for messages.
    pub(crate) next_tok: super::resolve_expr::NextTok<'a>,
    /// Set once the chunk declares a local named `_ENV`. Until then `_ENV`
    /// means, in each function, what it meant the first time a global
    /// name looked it up there (the upvalues that lookup created stay),
    /// and [`RFunc::env`] keeps that answer: every global name looks `_ENV`
    /// up, which otherwise scans every variable in scope again.
    pub(crate) env_locals: bool,
}

/// Runs the resolver over a chunk. When it finds an error, the resolution
/// is complete up to the error's anchor only.
pub(crate) fn resolve<'a>(chunk: &'a Chunk<'a>) -> (Resolution<'a>, Option<Box<ResolveError>>) {
    let counts = chunk.counts;
    let res = Resolution {
        refs: vec![None; counts.names as usize],
        funcs: Vec::with_capacity(counts.funcs as usize),
        decls: vec![Decl::default(); counts.decls as usize],
        blocks: vec![false; counts.blocks as usize],
        vars: Vec::with_capacity(counts.vars as usize),
        ..Resolution::default()
    };
    let mut r = Resolver {
        ast: &chunk.ast,
        res,
        chunk: &chunk.name,
        funcs: Vec::new(),
        depth: 0,
        nlabels: 0,
        ngotos: 0,
        goto_seq: 0,
        tail: 0,
        tail_follow: Follow::default(),
        spine: Vec::new(),
        next_tok: super::resolve_expr::NextTok::Tok(""),
        env_locals: false,
    };
    let err = r.main(&chunk.block).err();
    // Functions left open by an error keep what was found so far.
    while let Some(f) = r.funcs.pop() {
        match f.node {
            Some(n) => put(&mut r.res.funcs, n, f.info),
            None => r.res.main = f.info,
        }
    }
    (r.res, err)
}

impl<'a> Resolver<'a> {
    fn main(&mut self, body: &'a Block<'a>) -> RResult<()> {
        self.funcs.push(RFunc::main());
        self.enter_block(None, Done::Block(body.id));
        let eof = Follow::new(body.end.line, "<eof>");
        self.stat_list(body, &eof, false)?;
        self.close_main(body)
    }

    /// Ends the main function, whose outermost block is open and whose
    /// statements are resolved.
    pub(crate) fn close_main(&mut self, body: &'a Block<'a>) -> RResult<()> {
        self.fs().blocks.last_mut().expect("block").node = Some(addr(body));
        self.leave_block(body.end.line)?;
        let f = self.funcs.pop().expect("main function");
        self.res.main = f.info;
        Ok(())
    }

    /// The function being resolved.
    pub(crate) fn fs(&mut self) -> &mut RFunc<'a> {
        self.funcs.last_mut().expect("a function being resolved")
    }

    /// Reports a semantic error at `line`, ending the resolution; `at` says
    /// where the code generator must raise it.
    pub(crate) fn error<T>(&self, at: Anchor, line: u32, msg: String) -> RResult<T> {
        Err(Box::new(ResolveError {
            err: syntax_error(self.chunk, line, msg),
            at,
        }))
    }

    /// Counts one level of recursion.
    #[inline]
    pub(crate) fn enter(&mut self, line: u32) -> RResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.too_deep(line);
        }
        Ok(())
    }

    /// [`Resolver::enter`] with the line worked out only for the error
    /// (finding a node's position takes a look in the tree).
    #[inline]
    pub(crate) fn enter_at(&mut self, line: impl FnOnce() -> u32) -> RResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.too_deep(line());
        }
        Ok(())
    }

    /// The error of [`Resolver::enter`], kept out of line.
    #[cold]
    fn too_deep(&self, line: u32) -> RResult<()> {
        self.error(
            Anchor::NONE,
            line,
            "chunk has too many syntax levels".into(),
        )
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    // -----------------------------------------------------------------------
    // Variables and scopes

    /// Declares a variable that is not yet in scope. `line` and `near`
    /// locate the token after its name, where the reference checks the
    /// limit.
    pub(crate) fn new_local(
        &mut self,
        at: NodeId,
        name: &'a [u8],
        kind: VarKind,
        line: u32,
        near: impl fmt::Display,
    ) -> RResult<VarId> {
        if self.fs().actvars.len() + 1 > MAX_VARS {
            let msg = format!(
                "too many local variables (limit is {MAX_VARS}) in {} near {near}",
                where_(self.funcs.last().expect("function").line)
            );
            return self.error(Anchor::before(at), line, msg);
        }
        if name == b"_ENV" {
            self.env_locals = true;
        }
        let id = self.res.vars.len();
        self.res.vars.push(Variable::new(name, kind));
        self.fs().actvars.push(id);
        Ok(id)
    }

    /// Returns the number of registers used by the first `n` variables in
    /// scope of function `f` (compile-time constants take none).
    pub(crate) fn reg_level(&self, f: usize, n: usize) -> usize {
        let fs = &self.funcs[f];
        for &v in fs.actvars[..n].iter().rev() {
            let var = &self.res.vars[v];
            if var.kind != VarKind::Ctc {
                return var.reg() + 1;
            }
        }
        0
    }

    /// Index of the current function in `funcs`.
    pub(crate) fn cur(&self) -> usize {
        self.funcs.len() - 1
    }

    /// Brings the next `n` declared variables into scope, giving them
    /// registers.
    pub(crate) fn activate(&mut self, n: usize) {
        let cur = self.cur();
        let mut reg = self.reg_level(cur, self.funcs[cur].nactvar);
        for _ in 0..n {
            let fs = &mut self.funcs[cur];
            let v = fs.actvars[fs.nactvar];
            fs.nactvar += 1;
            let var = &mut self.res.vars[v];
            if var.kind != VarKind::Ctc {
                var.reg = reg as u32;
                reg += 1;
            }
        }
    }

    /// Opens a scope; `done` receives its final upvalue flag.
    pub(crate) fn enter_block(&mut self, loop_stat: Option<usize>, done: Done) {
        let nlabels = self.fs().labels.len();
        let nactvar = self.fs().nactvar;
        self.fs().blocks.push(RBlock {
            nactvar,
            first_label: nlabels,
            gotos: NameMap::default(),
            loop_stat,
            upval: false,
            done,
            node: None,
        });
    }

    /// Closes the current scope. `line` is where the reference reports a
    /// goto left without a label when the block is a function's.
    pub(crate) fn leave_block(&mut self, line: u32) -> RResult<()> {
        if let Some(lp) = self.fs().blocks.last().expect("block").loop_stat {
            // The loop's break label, created before the loop's variables
            // go out of scope, as in the reference.
            let close = self.create_label(Anchor::NONE, b"break", 0, 0, false, None, Some(lp))?;
            self.res.loops.entry(lp).or_default().break_close = close;
        }
        let bl = self.fs().blocks.pop().expect("block");
        self.remove_labels(bl.first_label);
        if !self.fs().blocks.is_empty() {
            self.move_gotos_out(bl.nactvar, bl.upval, bl.gotos);
        } else if let Some(gt) = first_goto(&bl.gotos) {
            let at = Anchor::after(NodeId::Block(bl.node.expect("function body")));
            if gt.name == b"break" {
                return self.error(at, line, format!("break outside loop at line {}", gt.line));
            }
            let msg = format!(
                "no visible label '{}' for <goto> at line {}",
                String::from_utf8_lossy(gt.name),
                gt.line
            );
            return self.error(at, line, msg);
        }
        let fs = self.fs();
        fs.nactvar = bl.nactvar;
        fs.actvars.truncate(bl.nactvar);
        match bl.done {
            Done::Block(b) => put(&mut self.res.blocks, b, bl.upval),
            Done::LoopUpval(s) => self.res.loops.entry(s).or_default().loop_upval = bl.upval,
            Done::VarsUpval(s) => self.res.loops.entry(s).or_default().vars_upval = bl.upval,
        }
        Ok(())
    }

    /// Records that the variable with index `level` in function `f` is
    /// captured by a closure: the block declaring it must close it on exit.
    fn mark_upval(&mut self, f: usize, level: usize) {
        let fs = &mut self.funcs[f];
        let bl = fs
            .blocks
            .iter_mut()
            .rev()
            .find(|bl| bl.nactvar <= level)
            .expect("a block declaring the variable");
        bl.upval = true;
        fs.info.need_close = true;
    }

    /// Records that the current block has a to-be-closed variable.
    pub(crate) fn mark_to_be_closed(&mut self) {
        let fs = self.fs();
        fs.blocks.last_mut().expect("block").upval = true;
        fs.info.need_close = true;
    }

    /// Looks `name` up among the variables in scope of function `f`.
    fn search_var(&self, f: usize, name: &[u8]) -> Option<usize> {
        let fs = &self.funcs[f];
        (0..fs.nactvar)
            .rev()
            .find(|&i| same_name(self.res.vars[fs.actvars[i]].name, name))
    }

    /// Finds what `name` means in the current function, creating the
    /// upvalues needed to reach an enclosing function's local; `None` for a
    /// global name. `n` is the name expression, for errors.
    fn lookup(&mut self, n: &'a Expr<'a>, name: &'a [u8]) -> RResult<Option<Ref>> {
        // Find the nearest function where the name is a local or an
        // upvalue; the functions in between will need a new upvalue each.
        let cur = self.cur();
        let mut found = None;
        let mut level = cur as isize;
        while level >= 0 {
            let l = level as usize;
            if let Some(i) = self.search_var(l, name) {
                let v = self.funcs[l].actvars[i];
                if self.res.vars[v].kind == VarKind::Ctc {
                    return Ok(Some(Ref::new(RefKind::Const, RefKind::Const, 0, v)));
                }
                if l != cur {
                    self.mark_upval(l, i);
                }
                found = Some(Ref::new(RefKind::Local, RefKind::Local, 0, v));
                break;
            }
            if let Some(i) = self.funcs[l]
                .info
                .upvals
                .iter()
                .position(|u| same_name(u.name, name))
            {
                found = Some(Ref::new(RefKind::Upval, RefKind::Upval, i, 0));
                break;
            }
            level -= 1;
        }
        let Some(mut found) = found else {
            return Ok(None);
        };
        // Create the chain of upvalues from level down to the current
        // function, outermost first.
        for f in (level as usize + 1)..=cur {
            if self.funcs[f].info.upvals.len() + 1 > MAX_UPVALS {
                let mut msg = format!(
                    "too many upvalues (limit is {MAX_UPVALS}) in {}",
                    where_(self.funcs[f].line)
                );
                let next_tok = self.next_tok.text(self.ast);
                if !next_tok.is_empty() {
                    msg.push_str(" near ");
                    msg.push_str(next_tok);
                }
                return self.error(Anchor::before(super::expr_id(n)), n.pos(self.ast).line, msg);
            }
            let u = if found.kind == RefKind::Local {
                let var = &self.res.vars[found.v()];
                Upval {
                    name,
                    in_stack: true,
                    index: var.reg() as u8,
                    kind: var.kind,
                }
            } else {
                let kind = self.funcs[f - 1].info.upvals[found.up()].kind;
                Upval {
                    name,
                    in_stack: false,
                    index: found.up() as u8,
                    kind,
                }
            };
            let ups = &mut self.funcs[f].info.upvals;
            ups.push(u);
            found = Ref::new(RefKind::Upval, RefKind::Upval, ups.len() - 1, 0);
        }
        Ok(Some(found))
    }

    /// Resolves one occurrence of a name.
    pub(crate) fn name(&mut self, n: &'a Expr<'a>, name: &'a [u8]) -> RResult<Ref> {
        let rf = match self.lookup(n, name)? {
            Some(rf) => rf,
            None => {
                let cached = if self.env_locals {
                    None
                } else {
                    self.funcs.last().and_then(|f| f.env)
                };
                let env = match cached {
                    Some(env) => env,
                    None => {
                        // Only a hand-built function without an enclosing
                        // chunk could miss _ENV; treat it as the main
                        // chunk's upvalue.
                        let env = self.lookup(n, b"_ENV")?.unwrap_or(Ref::new(
                            RefKind::Upval,
                            RefKind::Upval,
                            0,
                            0,
                        ));
                        self.fs().env = Some(env);
                        env
                    }
                };
                Ref::new(RefKind::Global, env.kind, env.up(), env.v())
            }
        };
        if let Expr::Name { id, .. } = n {
            put(&mut self.res.refs, *id, Some(rf));
        }
        Ok(rf)
    }

    /// Reports an assignment to a `<const>` or `<close>` variable.
    pub(crate) fn check_read_only(
        &self,
        at: Anchor,
        rf: Ref,
        name: &[u8],
        line: u32,
    ) -> RResult<()> {
        let read_only = match rf.kind {
            RefKind::Const => true,
            RefKind::Local => self.res.vars[rf.v()].kind != VarKind::Regular,
            RefKind::Upval => {
                self.funcs.last().expect("function").info.upvals[rf.up()].kind != VarKind::Regular
            }
            RefKind::Global => false,
        };
        if read_only {
            let msg = format!(
                "attempt to assign to const variable '{}'",
                String::from_utf8_lossy(name)
            );
            return self.error(at, line, msg);
        }
        Ok(())
    }
}

/// Compares two names, looking at their lengths and first bytes before
/// calling on `memcmp`: a name is looked up among every variable in scope,
/// and most of them differ there.
#[inline]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a == b
}

/// Names a function for limit messages.
fn where_(line: u32) -> String {
    if line == 0 {
        "main function".to_string()
    } else {
        format!("function at line {line}")
    }
}

/// Returns the earliest pending goto, if any.
pub(crate) fn first_goto<'b, 'a>(gotos: &'b NameMap<'a, Vec<RGoto<'a>>>) -> Option<&'b RGoto<'a>> {
    gotos
        .values()
        .filter_map(|l| l.first())
        .min_by_key(|g| g.seq)
}
