//! The abstract syntax tree produced by [`crate::parse`] and consumed by
//! `lunar-compile`.
//!
//! The tree is a faithful picture of the source: names are not resolved here
//! (an [`Expr::Name`] may turn out to be a local, an upvalue or a global),
//! constant folding is left to the compiler, and every node keeps the
//! position the reference interpreter would use for its line information.
//! Names and string values are byte strings: Lua source may contain any
//! bytes. The tree borrows the source (`'s`): names and most string
//! values are ranges of it, which saves an allocation per name; the tree
//! keeps them as 32-bit offset and length (see [`Ast::name`],
//! [`Ast::string`]).
//!
//! The nodes live in the arenas of an [`Ast`], one vector per kind of
//! node, and refer to each other by 32-bit ids ([`Id`]); lists of children
//! are ranges of shared vectors ([`List`]). Index the [`Ast`] with an id or
//! a list to reach the node or the slice. A tree of a large chunk is then
//! a few dozen vectors filled in order, not a heap block per node: it takes
//! a fraction of the memory, is built and walked with fewer cache misses,
//! and is freed at once. Nodes are kept small because a tree is the larger
//! part of the memory a large chunk takes to compile (about six times the
//! source): an [`Expr`] or a [`Stat`] is a kind and an id, 8 bytes, the few
//! positions that would make it larger living in arenas of their own.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Index;

/// A name (identifier) as written in the source, borrowed from it.
pub type Name<'s> = &'s [u8];

/// Where the value of a string literal is: a range of the source when it
/// is the text written there (no escapes, the case of names used as keys
/// and of most literals), or a buffer of the tree's own after decoding
/// escapes. [`Ast::string`] gives the bytes. It takes 8 bytes, where a
/// slice takes 16: a large chunk has tens of thousands of literals. Two
/// values are equal when they are the same place (compare the bytes to
/// compare the strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrValue(Span);

impl StrValue {
    /// Reports whether the value is the text of the source, borrowed from
    /// it rather than decoded.
    pub const fn is_source(self) -> bool {
        self.0.len != Span::DECODED
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

/// The id of a node of type `T` in its arena of an [`Ast`].
pub struct Id<T> {
    i: u32,
    _node: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The node's index in its arena.
    pub const fn index(self) -> u32 {
        self.i
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, o: &Self) -> bool {
        self.i == o.i
    }
}

impl<T> Eq for Id<T> {}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.i)
    }
}

/// A list of items of type `T`: a range of their shared vector in an
/// [`Ast`]. The default list is empty.
pub struct List<T> {
    start: u32,
    len: u32,
    _item: PhantomData<fn() -> T>,
}

impl<T> List<T> {
    /// The number of items.
    pub const fn len(self) -> usize {
        self.len as usize
    }

    /// Reports whether the list has no items.
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            start: 0,
            len: 0,
            _item: PhantomData,
        }
    }
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for List<T> {}

/// Two lists are equal when they are the same range (the items are
/// compared through the [`Ast`]).
impl<T> PartialEq for List<T> {
    fn eq(&self, o: &Self) -> bool {
        self.start == o.start && self.len == o.len
    }
}

impl<T> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}; {}]", self.start, self.len)
    }
}

/// The source text a tree borrows. Its `Debug` form gives the length, not
/// the bytes (a tree is printed for its nodes).
#[derive(Clone, Copy, Default, PartialEq)]
struct Source<'s>(&'s [u8]);

impl fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// Where some bytes of a tree are: `len` bytes of the source from `off`,
/// or, when `len` is [`Span::OTHER`], entry `off` of `Ast::other` (bytes
/// borrowed from elsewhere, in a tree built by hand), or, when `len` is
/// [`Span::DECODED`], entry `off` of `Ast::decoded`. It takes 8 bytes
/// instead of the 16 of a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    off: u32,
    len: u32,
}

impl Span {
    // No range of a source is that long: a source is shorter than
    // `u32::MAX` bytes, and a literal's value leaves out its quotes.
    const OTHER: u32 = u32::MAX;
    const DECODED: u32 = u32::MAX - 1;
}

/// The arenas of a tree: one vector per kind of node and per kind of list
/// item. [`Ast::push`] and [`Ast::push_list`] add to them; indexing with an
/// [`Id`] or a [`List`] reads them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ast<'s> {
    /// The source the parser read, where the names and most string
    /// values are.
    src: Source<'s>,
    int_lit: Vec<IntLit>,
    float_lit: Vec<FloatLit>,
    string_lit: Vec<StringLit>,
    /// The text of each name expression, by its id.
    name_span: Vec<Span>,
    /// The names and string values borrowed from outside `src`.
    other: Vec<&'s [u8]>,
    /// The string values decoded from literals with escapes.
    decoded: Vec<Box<[u8]>>,
    /// The position of each name expression, by its id.
    name_pos: Vec<Pos>,
    /// The positions of the literals `nil`, `true`, `false` and `...` and
    /// of `break` statements.
    lit_pos: Vec<Pos>,
    index: Vec<IndexExpr<'s>>,
    call: Vec<CallExpr<'s>>,
    method_call: Vec<MethodCallExpr<'s>>,
    function: Vec<FunctionExpr<'s>>,
    binary: Vec<BinaryExpr<'s>>,
    unary: Vec<UnaryExpr<'s>>,
    paren: Vec<ParenExpr<'s>>,
    table: Vec<TableExpr<'s>>,
    local: Vec<LocalStat<'s>>,
    assign: Vec<AssignStat<'s>>,
    call_stat: Vec<CallStat<'s>>,
    do_stat: Vec<DoStat<'s>>,
    while_stat: Vec<WhileStat<'s>>,
    repeat: Vec<RepeatStat<'s>>,
    if_stat: Vec<IfStat<'s>>,
    numeric_for: Vec<NumericForStat<'s>>,
    generic_for: Vec<GenericForStat<'s>>,
    function_stat: Vec<FunctionStat<'s>>,
    local_function: Vec<LocalFunctionStat<'s>>,
    ret: Vec<ReturnStat<'s>>,
    goto: Vec<GotoStat<'s>>,
    label: Vec<LabelStat<'s>>,
    exprs: Vec<Expr<'s>>,
    stats: Vec<Stat<'s>>,
    positions: Vec<Pos>,
    names: Vec<Name<'s>>,
    fields: Vec<TableField<'s>>,
    blocks: Vec<Block<'s>>,
    attribs: Vec<Attrib>,
    lines: Vec<u32>,
}

/// A kind of node kept in an arena of an [`Ast`] and reached by [`Id`].
pub trait Node<'s>: Sized {
    /// The arena of the kind.
    fn arena<'t>(ast: &'t Ast<'s>) -> &'t Vec<Self>;
    /// The arena of the kind, to add to it.
    fn arena_mut<'t>(ast: &'t mut Ast<'s>) -> &'t mut Vec<Self>;
}

/// A kind of list item kept in a shared vector of an [`Ast`] and reached
/// by [`List`].
pub trait Item<'s>: Sized {
    /// The vector of the kind.
    fn items<'t>(ast: &'t Ast<'s>) -> &'t Vec<Self>;
    /// The vector of the kind, to add to it.
    fn items_mut<'t>(ast: &'t mut Ast<'s>) -> &'t mut Vec<Self>;
}

macro_rules! arenas {
    ($trait:ident, $get:ident, $get_mut:ident; $($t:ty => $field:ident),* $(,)?) => {
        $(
            impl<'s> $trait<'s> for $t {
                #[inline]
                fn $get<'t>(ast: &'t Ast<'s>) -> &'t Vec<Self> {
                    &ast.$field
                }
                #[inline]
                fn $get_mut<'t>(ast: &'t mut Ast<'s>) -> &'t mut Vec<Self> {
                    &mut ast.$field
                }
            }
        )*
    };
}

arenas!(Node, arena, arena_mut;
    Pos => lit_pos,
    IntLit => int_lit,
    FloatLit => float_lit,
    StringLit => string_lit,
    IndexExpr<'s> => index,
    CallExpr<'s> => call,
    MethodCallExpr<'s> => method_call,
    FunctionExpr<'s> => function,
    BinaryExpr<'s> => binary,
    UnaryExpr<'s> => unary,
    ParenExpr<'s> => paren,
    TableExpr<'s> => table,
    LocalStat<'s> => local,
    AssignStat<'s> => assign,
    CallStat<'s> => call_stat,
    DoStat<'s> => do_stat,
    WhileStat<'s> => while_stat,
    RepeatStat<'s> => repeat,
    IfStat<'s> => if_stat,
    NumericForStat<'s> => numeric_for,
    GenericForStat<'s> => generic_for,
    FunctionStat<'s> => function_stat,
    LocalFunctionStat<'s> => local_function,
    ReturnStat<'s> => ret,
    GotoStat<'s> => goto,
    LabelStat<'s> => label,
);

arenas!(Item, items, items_mut;
    Expr<'s> => exprs,
    Stat<'s> => stats,
    Pos => positions,
    Name<'s> => names,
    TableField<'s> => fields,
    Block<'s> => blocks,
    Attrib => attribs,
    u32 => lines,
);

/// A vector with room for the nodes of a source of `len` bytes, given
/// that a node of its kind comes every `per` bytes of source at most. A
/// small source reserves nothing: its vectors grow as needed.
fn room<T>(len: usize, per: usize) -> Vec<T> {
    if len < 16 * 1024 {
        Vec::new()
    } else {
        Vec::with_capacity(len / per)
    }
}

impl<'s> Ast<'s> {
    /// An empty tree for the nodes of `src`, with room for them: the
    /// vectors are reserved from densities measured on real and generated
    /// code, so that most never grow (room reserved and never used costs
    /// address space, not memory). Names that are slices of `src` are kept
    /// as their place in it.
    pub fn for_source(src: &'s [u8]) -> Ast<'s> {
        let len = src.len();
        Ast {
            src: Source(src),
            other: Vec::new(),
            decoded: Vec::new(),
            int_lit: room(len, 128),
            float_lit: room(len, 1024),
            string_lit: room(len, 48),
            name_span: room(len, 16),
            name_pos: room(len, 16),
            lit_pos: room(len, 256),
            index: room(len, 64),
            call: room(len, 32),
            method_call: room(len, 192),
            function: room(len, 384),
            binary: room(len, 64),
            unary: room(len, 128),
            paren: room(len, 384),
            table: room(len, 192),
            local: room(len, 192),
            assign: room(len, 192),
            call_stat: room(len, 64),
            do_stat: room(len, 4096),
            while_stat: room(len, 1024),
            repeat: room(len, 8192),
            if_stat: room(len, 1024),
            numeric_for: room(len, 1024),
            generic_for: room(len, 1024),
            function_stat: room(len, 2048),
            local_function: room(len, 1024),
            ret: room(len, 384),
            goto: room(len, 16384),
            label: room(len, 16384),
            exprs: room(len, 12),
            stats: room(len, 32),
            positions: room(len, 128),
            names: room(len, 96),
            fields: room(len, 96),
            blocks: room(len, 768),
            attribs: room(len, 192),
            lines: room(len, 32),
        }
    }

    /// An empty tree for the nodes of a few top-level statements of `src`
    /// at a time (see [`crate::StatReader`]): nothing is reserved, the
    /// vectors grow to the largest batch and are reused by [`Ast::clear`].
    pub fn for_statements(src: &'s [u8]) -> Ast<'s> {
        Ast {
            src: Source(src),
            ..Ast::default()
        }
    }

    /// Removes every node, keeping the vectors' room for the next nodes.
    /// Ids and lists of the nodes removed must not be used again: they
    /// would name the nodes that take their place.
    pub fn clear(&mut self) {
        // Every field but the source, named so that a new arena cannot be
        // forgotten here.
        let Ast {
            src: _,
            int_lit,
            float_lit,
            string_lit,
            name_span,
            other,
            decoded,
            name_pos,
            lit_pos,
            index,
            call,
            method_call,
            function,
            binary,
            unary,
            paren,
            table,
            local,
            assign,
            call_stat,
            do_stat,
            while_stat,
            repeat,
            if_stat,
            numeric_for,
            generic_for,
            function_stat,
            local_function,
            ret,
            goto,
            label,
            exprs,
            stats,
            positions,
            names,
            fields,
            blocks,
            attribs,
            lines,
        } = self;
        int_lit.clear();
        float_lit.clear();
        string_lit.clear();
        name_span.clear();
        other.clear();
        decoded.clear();
        name_pos.clear();
        lit_pos.clear();
        index.clear();
        call.clear();
        method_call.clear();
        function.clear();
        binary.clear();
        unary.clear();
        paren.clear();
        table.clear();
        local.clear();
        assign.clear();
        call_stat.clear();
        do_stat.clear();
        while_stat.clear();
        repeat.clear();
        if_stat.clear();
        numeric_for.clear();
        generic_for.clear();
        function_stat.clear();
        local_function.clear();
        ret.clear();
        goto.clear();
        label.clear();
        exprs.clear();
        stats.clear();
        positions.clear();
        names.clear();
        fields.clear();
        blocks.clear();
        attribs.clear();
        lines.clear();
    }

    /// The text of the name expression with id `id`.
    #[inline]
    pub fn name(&self, id: u32) -> Name<'s> {
        let span = self.name_span[id as usize];
        if span.len == Span::OTHER {
            self.other[span.off as usize]
        } else {
            let off = span.off as usize;
            &self.src.0[off..off + span.len as usize]
        }
    }

    /// The place of `bytes`: in the source if they are part of it,
    /// otherwise in `other`.
    fn span(&mut self, bytes: &'s [u8]) -> Span {
        let src = self.src.0;
        // Where the bytes start in the source, if they are part of it (the
        // parser's names and raw strings are): comparing addresses is
        // enough, a slice within the source's bytes being those bytes.
        let off = (bytes.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
        if off <= src.len() && bytes.len() <= src.len() - off {
            // A source is below 4 GiB (the parser refuses larger ones).
            Span {
                off: off as u32,
                len: bytes.len() as u32,
            }
        } else {
            self.other.push(bytes);
            Span {
                off: (self.other.len() - 1) as u32,
                len: Span::OTHER,
            }
        }
    }

    /// A string value that is `bytes` of the source (or borrowed from
    /// elsewhere).
    pub fn source_str(&mut self, bytes: &'s [u8]) -> StrValue {
        StrValue(self.span(bytes))
    }

    /// A string value decoded from a literal.
    pub fn decoded_str(&mut self, bytes: Box<[u8]>) -> StrValue {
        self.decoded.push(bytes);
        StrValue(Span {
            off: (self.decoded.len() - 1) as u32,
            len: Span::DECODED,
        })
    }

    /// The bytes of a string value.
    #[inline]
    pub fn str_bytes(&self, v: StrValue) -> &[u8] {
        let span = v.0;
        match span.len {
            Span::DECODED => &self.decoded[span.off as usize],
            Span::OTHER => self.other[span.off as usize],
            len => {
                let off = span.off as usize;
                &self.src.0[off..off + len as usize]
            }
        }
    }

    /// The value of the string literal with id `id`.
    #[inline]
    pub fn string(&self, id: Id<StringLit>) -> &[u8] {
        self.str_bytes(self[id].value)
    }

    /// The position of the name expression with id `id`.
    #[inline]
    pub fn name_pos(&self, id: u32) -> Pos {
        self.name_pos[id as usize]
    }

    /// Adds the text and position of a name expression and returns the
    /// expression's id.
    #[inline]
    pub fn push_name(&mut self, name: Name<'s>, pos: Pos) -> u32 {
        let id = self.name_span.len() as u32;
        let span = self.span(name);
        self.name_span.push(span);
        self.name_pos.push(pos);
        id
    }

    /// The number of name expressions.
    pub fn name_count(&self) -> usize {
        self.name_span.len()
    }

    /// Adds a node to its arena.
    #[inline]
    pub fn push<T: Node<'s>>(&mut self, node: T) -> Id<T> {
        let arena = T::arena_mut(self);
        let i = arena.len() as u32;
        arena.push(node);
        Id {
            i,
            _node: PhantomData,
        }
    }

    /// The number of items of kind `T` so far: where a list that
    /// [`Ast::push_item`] builds starts.
    #[inline]
    pub(crate) fn item_count<T: Item<'s>>(&self) -> usize {
        T::items(self).len()
    }

    /// Adds one item of a list being built in place (no other list of the
    /// kind may be built meanwhile).
    #[inline]
    pub(crate) fn push_item<T: Item<'s>>(&mut self, item: T) {
        T::items_mut(self).push(item);
    }

    /// The list of the items of kind `T` added since `start`.
    #[inline]
    pub(crate) fn list_since<T: Item<'s>>(&self, start: usize) -> List<T> {
        List {
            start: start as u32,
            len: (T::items(self).len() - start) as u32,
            _item: PhantomData,
        }
    }

    /// Adds the items of a list to their shared vector.
    #[inline]
    pub fn push_list<T: Item<'s>>(&mut self, items: impl IntoIterator<Item = T>) -> List<T> {
        let v = T::items_mut(self);
        let start = v.len();
        v.extend(items);
        List {
            start: start as u32,
            len: (v.len() - start) as u32,
            _item: PhantomData,
        }
    }
}

impl<'s, T: Node<'s>> Index<Id<T>> for Ast<'s> {
    type Output = T;

    #[inline]
    fn index(&self, id: Id<T>) -> &T {
        &T::arena(self)[id.i as usize]
    }
}

impl<'s, T: Item<'s>> Index<List<T>> for Ast<'s> {
    type Output = [T];

    #[inline]
    fn index(&self, list: List<T>) -> &[T] {
        let start = list.start as usize;
        &T::items(self)[start..start + list.len as usize]
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
    /// The nodes.
    pub ast: Ast<'s>,
    /// How many ids of each kind the nodes of the tree use (see
    /// [`NodeCounts`]).
    pub counts: NodeCounts,
}

/// The number of ids the parser gave out of each kind. Nodes that the
/// compiler keeps facts about carry an id, dense from 0 for each kind, so
/// that it keeps those facts in vectors indexed by id rather than in maps
/// keyed by node: a name expression ([`Expr::Name`]), a function
/// constructor ([`FunctionExpr`]), a block ([`Block`]) and a statement
/// that declares variables ([`LocalStat`], [`LocalFunctionStat`],
/// [`NumericForStat`], [`GenericForStat`]). Ids are unique within a tree
/// the parser built (a tree built by hand must keep them unique for the
/// compiler's results to hold; the counts bound them, and the compiler
/// grows its vectors for an id beyond them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeCounts {
    /// Name expressions.
    pub names: u32,
    /// Function constructors.
    pub funcs: u32,
    /// Blocks.
    pub blocks: u32,
    /// Statements that declare variables.
    pub decls: u32,
    /// Local variables declared, the hidden ones of `for` loops included
    /// (no id; the compiler reserves room for them).
    pub vars: u32,
}

/// A sequence of statements with its own scope.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Block<'s> {
    /// The statements, in order.
    pub stats: List<Stat<'s>>,
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
    /// The block's id (see [`NodeCounts::blocks`]).
    pub id: u32,
}

// ---------------------------------------------------------------------------
// Expressions

/// An expression: a kind and a 32-bit id, 8 bytes (lists of expressions
/// and the nodes that hold expressions are the bulk of a tree). The
/// positions of the literals that have no node of their own are in an
/// arena of their own, and those of names beside their text.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr<'s> {
    /// The literal `nil`, at this position.
    Nil(Id<Pos>),
    /// The literal `true`, at this position.
    True(Id<Pos>),
    /// The literal `false`, at this position.
    False(Id<Pos>),
    /// `...`, at this position.
    Vararg(Id<Pos>),
    /// An integer numeral (decimal numerals that overflow an i64 are
    /// [`Expr::Float`], hexadecimal ones wrap around, §3.1).
    Int(Id<IntLit>),
    /// A float numeral.
    Float(Id<FloatLit>),
    /// A string literal (escapes already decoded), also used for the key of
    /// a field access `a.name` and of a record field `name = v`.
    String(Id<StringLit>),
    /// A reference to a variable by name; the compiler decides whether it is
    /// a local, an upvalue or a global (`_ENV.name`).
    Name {
        /// The expression's id (see [`NodeCounts::names`]), which is also
        /// where the tree keeps the name ([`Ast::name`]) and its position
        /// ([`Ast::name_pos`]).
        id: u32,
    },
    /// `obj[key]` or `obj.name`.
    Index(Id<IndexExpr<'s>>),
    /// `f(args)`.
    Call(Id<CallExpr<'s>>),
    /// `obj:name(args)`.
    MethodCall(Id<MethodCallExpr<'s>>),
    /// `function (params) body end`.
    Function(Id<FunctionExpr<'s>>),
    /// `l op r`.
    Binary(Id<BinaryExpr<'s>>),
    /// `op x`.
    Unary(Id<UnaryExpr<'s>>),
    /// `( x )`.
    Paren(Id<ParenExpr<'s>>),
    /// `{ fields }`.
    Table(Id<TableExpr<'s>>),
}

// An expression takes half the 16 bytes it took with positions inline.
const _: () = assert!(std::mem::size_of::<Expr>() == 8);
const _: () = assert!(std::mem::size_of::<Option<Expr>>() == 8);

impl<'s> Expr<'s> {
    /// The position the reference interpreter attributes the expression's
    /// code to (see each node's doc for which token that is).
    #[inline]
    pub fn pos(&self, ast: &Ast<'s>) -> Pos {
        match self {
            Expr::Nil(p) | Expr::True(p) | Expr::False(p) | Expr::Vararg(p) => ast[*p],
            Expr::Name { id } => ast.name_pos(*id),
            Expr::Int(e) => ast[*e].pos,
            Expr::Float(e) => ast[*e].pos,
            Expr::String(e) => ast[*e].pos,
            Expr::Index(e) => ast[*e].pos,
            Expr::Call(e) => ast[*e].pos,
            Expr::MethodCall(e) => ast[*e].pos,
            Expr::Function(e) => ast[*e].pos,
            Expr::Binary(e) => ast[*e].pos,
            Expr::Unary(e) => ast[*e].pos,
            Expr::Paren(e) => ast[*e].pos,
            Expr::Table(e) => ast[*e].pos,
        }
    }

    /// Reports whether the expression may yield several values (a call or
    /// `...`), which matters at the end of a list.
    pub fn is_multi(&self) -> bool {
        matches!(self, Expr::Call(_) | Expr::MethodCall(_) | Expr::Vararg(_))
    }
}

/// An integer numeral.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IntLit {
    /// Position of the numeral.
    pub pos: Pos,
    /// Its value.
    pub value: i64,
}

/// A float numeral.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FloatLit {
    /// Position of the numeral.
    pub pos: Pos,
    /// Its value.
    pub value: f64,
}

/// A string literal, or a name used as a key.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    /// Position of the literal (or of the name used as a key).
    pub pos: Pos,
    /// The decoded bytes ([`Ast::string`] reads them).
    pub value: StrValue,
    /// The line where the literal ends: a long string, or a short one with
    /// escaped newlines, ends on a later line than it starts, and the
    /// reference gives the code that loads it that later line.
    pub end_line: u32,
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
    pub args: List<Expr<'s>>,
    /// Lines of the commas between the arguments (one fewer than them):
    /// the reference puts each argument in its register after reading the
    /// comma that follows it. (The positions the compiler needs only for
    /// line information are kept as lines, half the size.)
    pub arg_commas: List<u32>,
    /// Line of the `(` opening the arguments; zero for a string or table
    /// argument.
    pub lparen: u32,
    /// Line of the `)` closing the arguments; zero for a string or table
    /// argument. The reference puts the last argument in its register
    /// after reading it.
    pub rparen: u32,
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
    pub args: List<Expr<'s>>,
    /// As in [`CallExpr::arg_commas`].
    pub arg_commas: List<u32>,
    /// As in [`CallExpr::lparen`].
    pub lparen: u32,
    /// As in [`CallExpr::rparen`].
    pub rparen: u32,
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
    pub params: List<Name<'s>>,
    /// Whether the parameter list ends with `...`.
    pub is_vararg: bool,
    /// The body.
    pub body: Block<'s>,
    /// The function's id (see [`NodeCounts::funcs`]).
    pub id: u32,
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
    pub fields: List<TableField<'s>>,
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
    Local(Id<LocalStat<'s>>),
    /// `targets = values`.
    Assign(Id<AssignStat<'s>>),
    /// A call used as a statement.
    Call(Id<CallStat<'s>>),
    /// `do body end`.
    Do(Id<DoStat<'s>>),
    /// `while cond do body end`.
    While(Id<WhileStat<'s>>),
    /// `repeat body until cond`.
    Repeat(Id<RepeatStat<'s>>),
    /// `if ... then ... elseif ... else ... end`.
    If(Id<IfStat<'s>>),
    /// `for v = start, limit [, step] do body end`.
    NumericFor(Id<NumericForStat<'s>>),
    /// `for names in exprs do body end`.
    GenericFor(Id<GenericForStat<'s>>),
    /// `function funcname body`.
    Function(Id<FunctionStat<'s>>),
    /// `local function name body`.
    LocalFunction(Id<LocalFunctionStat<'s>>),
    /// `return values`.
    Return(Id<ReturnStat<'s>>),
    /// `break`, at this position.
    Break(Id<Pos>),
    /// `goto label`.
    Goto(Id<GotoStat<'s>>),
    /// `::name::`.
    Label(Id<LabelStat<'s>>),
}

// A statement is a kind and a 32-bit id.
const _: () = assert!(std::mem::size_of::<Stat>() == 8);

impl<'s> Stat<'s> {
    /// The position the reference interpreter attributes the statement to.
    #[inline]
    pub fn pos(&self, ast: &Ast<'s>) -> Pos {
        match self {
            Stat::Local(s) => ast[*s].pos,
            Stat::Assign(s) => ast[*s].pos,
            Stat::Call(s) => ast[*s].pos,
            Stat::Do(s) => ast[*s].pos,
            Stat::While(s) => ast[*s].pos,
            Stat::Repeat(s) => ast[*s].pos,
            Stat::If(s) => ast[*s].pos,
            Stat::NumericFor(s) => ast[*s].pos,
            Stat::GenericFor(s) => ast[*s].pos,
            Stat::Function(s) => ast[*s].pos,
            Stat::LocalFunction(s) => ast[*s].pos,
            Stat::Return(s) => ast[*s].pos,
            Stat::Break(p) => ast[*p],
            Stat::Goto(s) => ast[*s].pos,
            Stat::Label(s) => ast[*s].pos,
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
    pub names: List<Name<'s>>,
    /// Position of each name.
    pub name_pos: List<Pos>,
    /// One attribute per name.
    pub attribs: List<Attrib>,
    /// The initial values (possibly empty).
    pub values: List<Expr<'s>>,
    /// Lines of the commas between the values (one fewer than them): the
    /// reference puts each value in its register after reading the comma
    /// that follows it.
    pub value_commas: List<u32>,
    /// Position of the last token of the names (the last name, or the `>`
    /// closing its attribute): without values, the reference sets the
    /// variables to nil at that line.
    pub names_end: Pos,
    /// Position of the `=`, zero when there are no values.
    pub eq_pos: Pos,
    /// The statement's id among declaring statements (see
    /// [`NodeCounts::decls`]).
    pub id: u32,
}

/// `targets = values`; each target is an [`Expr::Name`] or [`Expr::Index`].
#[derive(Clone, Debug, PartialEq)]
pub struct AssignStat<'s> {
    /// Position of the `=` token.
    pub pos: Pos,
    /// The assigned variables.
    pub targets: List<Expr<'s>>,
    /// The values.
    pub values: List<Expr<'s>>,
    /// Lines of the commas between the values (one fewer than them): the
    /// reference puts each value in its register after reading the comma
    /// that follows it.
    pub value_commas: List<u32>,
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
    pub conds: List<Expr<'s>>,
    /// The blocks, one per condition.
    pub blocks: List<Block<'s>>,
    /// Line of the `then` after each condition: the reference emits the
    /// test of the condition after reading it.
    pub then_pos: List<u32>,
    /// For each block that starts with `break`, the line where that
    /// `break` and the `;` after it end, 0 for other blocks: the jump over
    /// the rest of such a block gets this line.
    pub break_end: List<u32>,
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
    /// The statement's id among declaring statements (see
    /// [`NodeCounts::decls`]).
    pub id: u32,
}

/// `for names in exprs do body end`.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericForStat<'s> {
    /// Position of `for`.
    pub pos: Pos,
    /// The loop variables.
    pub names: List<Name<'s>>,
    /// Position of each loop variable.
    pub name_pos: List<Pos>,
    /// Position of `in`.
    pub in_pos: Pos,
    /// The explist after `in`.
    pub exprs: List<Expr<'s>>,
    /// Lines of the commas between the expressions (one fewer than them):
    /// the reference puts each expression in its register after reading
    /// the comma that follows it.
    pub expr_commas: List<u32>,
    /// Position of `do`: the loop's TFORPREP gets its line.
    pub do_pos: Pos,
    /// The body.
    pub body: Block<'s>,
    /// The statement's id among declaring statements (see
    /// [`NodeCounts::decls`]).
    pub id: u32,
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
    /// The statement's id among declaring statements (see
    /// [`NodeCounts::decls`]).
    pub id: u32,
}

/// `return values`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnStat<'s> {
    /// Position of `return`.
    pub pos: Pos,
    /// The returned values.
    pub values: List<Expr<'s>>,
    /// Lines of the commas between the values (one fewer than them): the
    /// reference puts each value in its register after reading the comma
    /// that follows it.
    pub value_commas: List<u32>,
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
