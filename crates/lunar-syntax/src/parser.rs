//! The parser's entry points and machinery: reading tokens, reporting errors
//! as the reference words them, recovering after an error, and the nesting
//! limit. The grammar itself is in `stat.rs` and `expr.rs`.

use crate::ast::{Ast, Block, Chunk, NodeCounts, Pos, StrValue};
use crate::error::SyntaxError;
use crate::scanner::{Scanner, is_print, quote_text};
use crate::token::{Kind, Token};

/// Options of [`parse_mode`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mode {
    /// Skip a UTF-8 byte order mark at the start of the chunk and then a
    /// first line that starts with `#` (a Unix `#!` line), as the reference
    /// does for script files (`luaL_loadfile`), but not for strings given to
    /// `load`. The skipped line still counts as line 1.
    pub skip_shebang: bool,
}

impl Mode {
    /// The mode for text given to the Lua function `load`: nothing skipped.
    pub const LOAD: Mode = Mode {
        skip_shebang: false,
    };
    /// The mode for script files: a first `#` line is skipped.
    pub const FILE: Mode = Mode { skip_shebang: true };
}

/// Parses a chunk of Lua source and returns its syntax tree. It skips a
/// first line starting with `#` (see [`Mode::skip_shebang`]); use
/// [`parse_mode`] with [`Mode::LOAD`] for the text given to the Lua
/// function `load`.
///
/// `chunk_name` names the chunk in errors as in the reference: `@file.lua`
/// for a file, `=name` for a name used literally, anything else is the
/// source text itself (see [`crate::chunk_id`]). The error is the one the
/// reference interpreter reports (the first one found).
///
/// ```
/// let chunk = lunar_syntax::parse("@hello.lua", b"#!/usr/bin/env lua\nprint('hello ' .. name)\n").unwrap();
/// assert_eq!(chunk.ast[chunk.block.stats][0].pos(&chunk.ast).line, 2);
/// let err = lunar_syntax::parse("=input", b"function f()\n  return 1 +\nend").unwrap_err();
/// assert_eq!(err.to_string(), "input:3: unexpected symbol near 'end'");
/// ```
pub fn parse<'s>(chunk_name: &'s str, source: &'s [u8]) -> Result<Chunk<'s>, SyntaxError> {
    parse_mode(chunk_name.as_bytes(), source, Mode::FILE)
}

/// [`parse`] with a byte-string chunk name and explicit options; the error
/// is the first one found.
pub fn parse_mode<'s>(
    chunk_name: &'s [u8],
    source: &'s [u8],
    mode: Mode,
) -> Result<Chunk<'s>, SyntaxError> {
    parse_all(chunk_name, source, mode).map_err(|mut errs| errs.swap_remove(0))
}

/// [`parse_mode`] returning every error found (at least one, at most
/// [`MAX_ERRORS`], in source order) instead of the first one: after an
/// error the parser skips to the next statement and goes on.
///
/// ```
/// use lunar_syntax::{parse_all, Mode};
/// let errs = parse_all(b"@list.lua", b"local a = = 1\nlocal b = 2\nlocal c = )\n", Mode::LOAD).unwrap_err();
/// let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
/// assert_eq!(msgs, ["list.lua:1: unexpected symbol near '='", "list.lua:3: unexpected symbol near ')'"]);
/// ```
pub fn parse_all<'s>(
    chunk_name: &'s [u8],
    source: &'s [u8],
    mode: Mode,
) -> Result<Chunk<'s>, Vec<SyntaxError>> {
    if source.len() >= MAX_SOURCE {
        // The tree numbers its nodes with 32 bits, and every node takes at
        // least a byte of source.
        let msg = "chunk too large (4 GiB or more)";
        return Err(vec![SyntaxError::new(chunk_name, Pos::default(), msg)]);
    }
    let mut p = Parser::new(chunk_name, source);
    if mode.skip_shebang {
        p.s.skip_first_line();
    }
    let block = p.main_block();
    p.limit_first();
    match block {
        Ok(block) if p.errs.is_empty() => Ok(Chunk {
            name: chunk_name.into(),
            block,
            counts: NodeCounts {
                names: p.ast.name_count() as u32,
                ..p.counts
            },
            ast: p.ast,
        }),
        _ => Err(p.errs),
    }
}

/// The reference's nesting limit (`LUAI_MAXCCALLS`). The reference counts
/// syntax levels (statements, nested expressions, targets of an assignment)
/// together with the C calls already active when it starts parsing, and
/// stops at this limit with "C stack overflow".
const MAX_LEVEL: u32 = 200;

/// The count the reference has when it parses a script file for the
/// standalone interpreter (`load()` called from a Lua chunk starts one
/// higher).
const INITIAL_LEVEL: u32 = 1;

/// The reference's limit on the local variables of one function
/// (`MAXVARS`), counting those of enclosing blocks and those declared by
/// the statement being read.
const MAX_VARS: usize = 200;

/// The size from which a source is refused (see [`parse_all`]).
const MAX_SOURCE: usize = u32::MAX as usize;

/// The number of errors after which the parser gives up.
pub const MAX_ERRORS: usize = 10;

/// Unwinds the parser after an error, which is already recorded in
/// `Parser::errs`.
#[derive(Debug)]
pub(crate) struct Bailout;

/// The result of a parsing step.
pub(crate) type PResult<T> = Result<T, Bailout>;

/// The parser state at the start of a statement, to which it returns after
/// an error in the statement.
struct Mark {
    tok: Token,
    off: usize,
    line: u32,
    line_start: usize,
    level: u32,
    vararg: bool,
    nvars: usize,
    fn_line: u32,
    /// Heights of the scratch stacks.
    stacks: [usize; 6],
}

/// A recursive-descent parser following the reference's `lparser.c`.
pub(crate) struct Parser<'a> {
    pub(crate) s: Scanner<'a>,
    chunk: &'a [u8],
    /// The current token.
    pub(crate) tok: Token,
    /// The line where the last token consumed ends (the reference's
    /// `lastline`).
    pub(crate) prev_line: u32,
    /// The lookahead token, when `has_ahead`.
    ahead: Token,
    has_ahead: bool,
    /// Syntax nesting level, as the reference counts it.
    pub(crate) level: u32,
    /// Whether the function being parsed is vararg.
    pub(crate) vararg: bool,
    /// The number of local variables the function being parsed has
    /// declared in the blocks open now (the reference's `actvar.n -
    /// firstlocal`), hidden loop variables included.
    pub(crate) nvars: usize,
    /// The line of the function being parsed (0 for the main function),
    /// which messages about its limits name.
    pub(crate) fn_line: u32,
    /// The first "too many local variables" error, when it came before any
    /// syntax error. The compiler checks that limit for complete chunks (in
    /// the reference's order relative to its other errors); the parser
    /// reports it only when a later syntax error stops the chunk from
    /// reaching the compiler.
    limit_err: Option<SyntaxError>,
    errs: Vec<SyntaxError>,
    /// Source offset of the last error.
    err_off: usize,
    /// Stop at the next recovery point.
    fatal: bool,
    /// Scratch stacks for the lists being read (statements of the open
    /// blocks, expressions and comma positions of the open lists, fields of
    /// the open constructors, the arms of the open `if` statements): lists
    /// nest, so a list is built on its stack and moved into the tree's
    /// shared vector of its kind when it ends, where its items then lie
    /// together.
    pub(crate) stats: Vec<crate::ast::Stat<'a>>,
    pub(crate) exprs: Vec<crate::ast::Expr<'a>>,
    pub(crate) commas: Vec<u32>,
    pub(crate) fields: Vec<crate::ast::TableField<'a>>,
    pub(crate) blocks: Vec<Block<'a>>,
    pub(crate) lines: Vec<u32>,
    /// The ids given out so far (see [`NodeCounts`]).
    counts: NodeCounts,
    /// The tree being built.
    pub(crate) ast: Ast<'a>,
}

/// The kinds of node ids (see [`NodeCounts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Func,
    Block,
    Decl,
}

impl<'a> Parser<'a> {
    fn new(chunk: &'a [u8], src: &'a [u8]) -> Parser<'a> {
        Parser::with_ast(chunk, src, Ast::for_source(src))
    }

    /// A parser that builds its tree in `ast`.
    fn with_ast(chunk: &'a [u8], src: &'a [u8], ast: Ast<'a>) -> Parser<'a> {
        Parser {
            s: Scanner::borrowing(chunk, src),
            chunk,
            tok: Token::default(),
            prev_line: 0,
            ahead: Token::default(),
            has_ahead: false,
            level: INITIAL_LEVEL,
            vararg: true,
            nvars: 0,
            fn_line: 0,
            limit_err: None,
            errs: Vec::new(),
            err_off: 0,
            fatal: false,
            stats: Vec::new(),
            exprs: Vec::new(),
            commas: Vec::new(),
            fields: Vec::new(),
            blocks: Vec::new(),
            lines: Vec::new(),
            counts: NodeCounts::default(),
            ast,
        }
    }

    /// Puts the "too many local variables" error first when it came before
    /// the first syntax error: the reference reads and compiles in one
    /// pass, so a chunk that declares too many locals before its first
    /// syntax error fails with the limit.
    fn limit_first(&mut self) {
        if let Some(err) = self.limit_err.take()
            && !self.errs.is_empty()
        {
            self.errs.insert(0, err);
            self.errs.truncate(MAX_ERRORS);
        }
    }

    /// Gives out the next id of a kind.
    #[inline]
    pub(crate) fn new_id(&mut self, kind: IdKind) -> u32 {
        let c = &mut self.counts;
        let n = match kind {
            IdKind::Func => &mut c.funcs,
            IdKind::Block => &mut c.blocks,
            IdKind::Decl => &mut c.decls,
        };
        let id = *n;
        // A chunk has fewer nodes of a kind than bytes, and `parse_all`
        // refuses sources of 4 GiB and more: no count (nor arena index)
        // can wrap. Saturate all the same rather than reuse an id.
        *n = n.saturating_add(1);
        id
    }

    /// Moves to the next token. A lexical error becomes a syntax error
    /// here, when the parser asks for the token, as in the reference.
    pub(crate) fn next(&mut self) -> PResult<()> {
        if self.has_ahead {
            // The reference's scanner is past the lookahead token already.
            self.prev_line = self.ahead.end_line;
            self.tok = std::mem::take(&mut self.ahead);
            self.has_ahead = false;
            return Ok(());
        }
        self.prev_line = self.tok.end_line;
        self.s.scan_into(&mut self.tok);
        if self.tok.kind == Kind::Illegal {
            return self.lex_error();
        }
        Ok(())
    }

    /// The kind of the token after the current one.
    pub(crate) fn lookahead(&mut self) -> PResult<Kind> {
        if !self.has_ahead {
            self.s.scan_into(&mut self.ahead);
            self.has_ahead = true;
            if self.ahead.kind == Kind::Illegal {
                return self.lex_error();
            }
        }
        Ok(self.ahead.kind)
    }

    /// The line where the lookahead token ends (after [`Parser::lookahead`]).
    pub(crate) fn ahead_end_line(&self) -> u32 {
        self.ahead.end_line
    }

    /// The line where the scanner is (the reference's `linenumber`): the
    /// end of the lookahead token if there is one, else of the current one.
    pub(crate) fn scanner_line(&self) -> u32 {
        if self.has_ahead {
            self.ahead.end_line
        } else {
            self.tok.end_line
        }
    }

    fn lex_error<T>(&mut self) -> PResult<T> {
        let err = self.s.take_err().expect("illegal token without error");
        self.err_off = self.s.off;
        self.add_error(err)
    }

    /// The line the reference reports errors at: where the current token
    /// ends.
    pub(crate) fn line(&self) -> u32 {
        self.tok.end_line
    }

    /// Records `err` and unwinds to the nearest recovery point.
    fn add_error<T>(&mut self, err: SyntaxError) -> PResult<T> {
        self.errs.push(err);
        if self.errs.len() >= MAX_ERRORS {
            self.fatal = true;
        }
        Err(Bailout)
    }

    /// The position of an error about the current token: its start, or the
    /// start of its last line for a token that spans lines.
    fn error_pos(&self) -> Pos {
        let pos = self.tok.pos;
        if self.tok.end_line != pos.line {
            Pos::new(self.tok.end_line, 1)
        } else {
            pos
        }
    }

    /// Reports `msg` about the current token ("msg near 'tok'").
    pub(crate) fn syntax_error<T>(&mut self, msg: impl Into<Vec<u8>>) -> PResult<T> {
        self.err_off = self.tok.off;
        let err = self.error_near(msg.into());
        self.add_error(err)
    }

    /// The error `msg` about the current token, as [`Parser::syntax_error`]
    /// reports it.
    fn error_near(&self, mut msg: Vec<u8>) -> SyntaxError {
        if self.tok.kind != Kind::Char || self.tok.ch != 0 {
            // The reference scans a zero byte as token 0, which its error
            // function takes for "no token": the message has no near part.
            msg.extend_from_slice(b" near ");
            msg.extend_from_slice(&self.token_text());
        }
        SyntaxError::new(self.chunk, self.error_pos(), msg)
    }

    /// Counts a local variable declared by the function being parsed, just
    /// after its name is read (where the reference's `new_localvar` checks
    /// the limit), and remembers the first time the count passes
    /// [`MAX_VARS`] (see `limit_err`).
    pub(crate) fn declare_locals(&mut self, n: usize) {
        self.nvars += n;
        self.counts.vars = self.counts.vars.saturating_add(n as u32);
        if self.nvars > MAX_VARS && self.limit_err.is_none() && self.errs.is_empty() {
            let what = if self.fn_line == 0 {
                "main function".to_string()
            } else {
                format!("function at line {}", self.fn_line)
            };
            let msg = format!("too many local variables (limit is {MAX_VARS}) in {what}");
            self.limit_err = Some(self.error_near(msg.into_bytes()));
        }
    }

    /// Reports `msg` at the current line without a "near" part, as the
    /// reference's `luaK_semerror` does.
    pub(crate) fn semantic_error<T>(&mut self, msg: impl Into<Vec<u8>>) -> PResult<T> {
        self.err_off = self.tok.off;
        let err = SyntaxError::new(self.chunk, self.error_pos(), msg);
        self.add_error(err)
    }

    /// Shows the current token in a message as the reference does.
    fn token_text(&self) -> Vec<u8> {
        let t = &self.tok;
        let src = self.s.src;
        match t.kind {
            Kind::Name | Kind::Int | Kind::Float => quote_text(&src[t.off..t.end]),
            Kind::String => {
                // The reference shows the token's delimiters around its
                // decoded value (with a long string's newlines normalized).
                let open = src[t.off];
                let value = self.string_value();
                let mut b = Vec::with_capacity(value.len() + 8);
                if open == b'[' {
                    let level = src[t.off + 1..].iter().take_while(|&&c| c == b'=').count();
                    b.push(b'[');
                    b.extend(std::iter::repeat_n(b'=', level));
                    b.push(b'[');
                    b.extend_from_slice(value);
                    b.push(b']');
                    b.extend(std::iter::repeat_n(b'=', level));
                    b.push(b']');
                } else {
                    b.push(open);
                    b.extend_from_slice(value);
                    b.push(open);
                }
                quote_text(&b)
            }
            Kind::Char => {
                if is_print(t.ch) {
                    vec![b'\'', t.ch, b'\'']
                } else {
                    format!("'<\\{}>'", t.ch).into_bytes()
                }
            }
            k => k.quoted().into_bytes(),
        }
    }

    /// Reports that the kind `k` was expected.
    pub(crate) fn error_expected<T>(&mut self, k: Kind) -> PResult<T> {
        self.syntax_error(format!("{} expected", k.quoted()))
    }

    /// Reports an error unless the current token is of kind `k`.
    pub(crate) fn check(&mut self, k: Kind) -> PResult<()> {
        if self.tok.kind != k {
            return self.error_expected(k);
        }
        Ok(())
    }

    /// Checks for a token of kind `k` and skips it.
    pub(crate) fn check_next(&mut self, k: Kind) -> PResult<()> {
        self.check(k)?;
        self.next()
    }

    /// Skips the current token if it is of kind `k`.
    pub(crate) fn test_next(&mut self, k: Kind) -> PResult<bool> {
        if self.tok.kind == k {
            self.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Skips the token `what` that closes the `who` opened at `line`, or
    /// reports it missing, mentioning the opening line when it differs from
    /// the current one.
    pub(crate) fn check_match(&mut self, what: Kind, who: Kind, line: u32) -> PResult<()> {
        if self.test_next(what)? {
            return Ok(());
        }
        if line == self.line() {
            return self.error_expected(what);
        }
        self.syntax_error(format!(
            "{} expected (to close {} at line {})",
            what.quoted(),
            who.quoted(),
            line
        ))
    }

    /// Reads a name.
    pub(crate) fn check_name(&mut self) -> PResult<(&'a [u8], Pos)> {
        self.check(Kind::Name)?;
        let name = self.tok_name();
        let pos = self.tok.pos;
        self.next()?;
        Ok((name, pos))
    }

    /// The current token's text, which is the name of a name token.
    pub(crate) fn tok_name(&self) -> &'a [u8] {
        &self.s.src[self.tok.off..self.tok.end]
    }

    /// The value of the current string token.
    fn string_value(&self) -> &[u8] {
        if self.tok.raw {
            &self.s.src[self.tok.off + 1..self.tok.end - 1]
        } else {
            &self.tok.str
        }
    }

    /// Takes the value of the current string token: borrowed from the
    /// source when it has no escapes.
    pub(crate) fn take_string(&mut self) -> StrValue {
        if self.tok.raw {
            let src = self.s.src;
            self.ast
                .source_str(&src[self.tok.off + 1..self.tok.end - 1])
        } else {
            self.ast.decoded_str(std::mem::take(&mut self.tok.str))
        }
    }

    /// Counts one more syntax level and stops the parse at the reference's
    /// limit. This also bounds the parser's recursion, so deeply nested
    /// input cannot overflow the Rust stack.
    #[inline]
    pub(crate) fn enter_level(&mut self) -> PResult<()> {
        self.level += 1;
        if self.level >= MAX_LEVEL {
            return self.too_deep();
        }
        Ok(())
    }

    /// The error of [`Parser::enter_level`], kept out of line.
    #[cold]
    fn too_deep(&mut self) -> PResult<()> {
        self.fatal = true;
        self.err_off = self.tok.off;
        let err = SyntaxError::new(self.chunk, Pos::default(), "C stack overflow");
        self.add_error(err)
    }

    pub(crate) fn leave_level(&mut self) {
        self.level -= 1;
    }

    // -----------------------------------------------------------------------
    // Error recovery

    fn mark(&self) -> Mark {
        let t = &self.tok;
        Mark {
            // The token's value is never needed after a rewind (resync skips
            // that token), so the mark does not copy it.
            tok: Token {
                kind: t.kind,
                ch: t.ch,
                pos: t.pos,
                end_line: t.end_line,
                off: t.off,
                end: t.end,
                str: Box::default(),
                raw: false,
                int: t.int,
                float: t.float,
            },
            off: self.s.off,
            line: self.s.line,
            line_start: self.s.line_start,
            level: self.level,
            vararg: self.vararg,
            nvars: self.nvars,
            fn_line: self.fn_line,
            stacks: [
                self.stats.len(),
                self.exprs.len(),
                self.commas.len(),
                self.fields.len(),
                self.blocks.len(),
                self.lines.len(),
            ],
        }
    }

    /// Parses a statement into `list`. After an error it skips to where the
    /// next statement probably starts.
    pub(crate) fn statement_recovering(&mut self) -> PResult<()> {
        let m = self.mark();
        match self.statement() {
            Err(Bailout) if !self.fatal => {
                self.resync(m);
                Ok(())
            }
            r => r,
        }
    }

    /// Rewinds to `m` and skips tokens up to the end of the statement that
    /// failed: past the error, outside any block the statement opened, at a
    /// reserved word that starts a statement or ends a block, or right
    /// after the `end` that closes the statement.
    fn resync(&mut self, m: Mark) {
        let start_off = m.tok.off;
        self.tok = m.tok;
        self.s.off = m.off;
        self.s.line = m.line;
        self.s.line_start = m.line_start;
        self.has_ahead = false;
        self.level = m.level;
        self.vararg = m.vararg;
        self.nvars = m.nvars;
        self.fn_line = m.fn_line;
        // What the failed statement left on the scratch stacks is dropped.
        let [stats, exprs, commas, fields, blocks, lines] = m.stacks;
        self.stats.truncate(stats);
        self.exprs.truncate(exprs);
        self.commas.truncate(commas);
        self.fields.truncate(fields);
        self.blocks.truncate(blocks);
        self.lines.truncate(lines);
        let mut depth = 0;
        loop {
            let k = self.tok.kind;
            let past = self.tok.off > start_off && self.tok.off >= self.err_off;
            if k == Kind::Eof || past && depth == 0 && starts_or_ends_statement(k) {
                return;
            }
            match k {
                Kind::Do | Kind::If | Kind::Function | Kind::Repeat => depth += 1,
                Kind::End | Kind::Until if depth > 0 => depth -= 1,
                _ => {}
            }
            self.skip_quietly();
            if k == Kind::End && depth == 0 && self.tok.off > self.err_off {
                return;
            }
        }
    }

    /// Moves to the next valid token, ignoring lexical errors (they are
    /// inside a statement already reported).
    fn skip_quietly(&mut self) {
        loop {
            self.s.scan_into(&mut self.tok);
            if self.tok.kind != Kind::Illegal {
                return;
            }
        }
    }

    /// Parses the whole chunk.
    fn main_block(&mut self) -> PResult<Block<'a>> {
        let mut b = Block {
            id: self.new_id(IdKind::Block),
            ..Block::default()
        };
        self.first_token()?;
        loop {
            self.stat_list()?;
            if self.tok.kind == Kind::Eof {
                break;
            }
            // Something is left after the block: a 'return' not at the end,
            // or a stray 'end'. Report it, skip it, and go on.
            let r = self.error_expected(Kind::Eof);
            self.recovering(r)?;
            self.skip_quietly();
        }
        b.stats = self.ast.push_list(self.stats.drain(..));
        b.end = self.tok.pos;
        b.last_line = self.prev_line;
        Ok(b)
    }

    /// Reads the first token, reporting a lexical error in it.
    fn first_token(&mut self) -> PResult<()> {
        self.tok = self.s.scan();
        if self.tok.kind == Kind::Illegal {
            let r = self.lex_error();
            self.recovering(r)?;
            self.skip_quietly();
        }
        Ok(())
    }

    /// Swallows a recoverable error.
    fn recovering(&mut self, r: PResult<()>) -> PResult<()> {
        match r {
            Err(Bailout) if !self.fatal => Ok(()),
            r => r,
        }
    }
}

fn starts_or_ends_statement(k: Kind) -> bool {
    matches!(
        k,
        Kind::Local
            | Kind::Function
            | Kind::If
            | Kind::While
            | Kind::For
            | Kind::Repeat
            | Kind::Do
            | Kind::Return
            | Kind::Goto
            | Kind::Break
            | Kind::DColon
            | Kind::End
            | Kind::Else
            | Kind::Elseif
            | Kind::Until
            | Kind::Eof
    )
}

/// The amount of source from which [`StatReader::read_batch`] stops reading
/// more statements.
pub const BATCH_BYTES: usize = 8 * 1024;

/// Reads a chunk a few top-level statements at a time, for a compiler
/// that compiles the statements of the main function as soon as they are
/// read and then lets their tree go: the tree then holds a batch of
/// top-level statements (see [`BATCH_BYTES`]) or one large statement, not
/// the whole chunk (a large chunk's tree takes several times its source).
/// The statements, their positions and the error are those of
/// [`parse_mode`]; node ids start again with each statement (the main
/// block keeps id 0, see [`StatReader::main_block_id`]).
///
/// ```
/// use lunar_syntax::{ast::Stat, Mode, StatReader};
/// let mut r = StatReader::new(b"=input", b"local x = 1; print(x)", Mode::LOAD);
/// assert!(r.read_batch());
/// let stats = &r.ast()[r.stats()];
/// assert!(matches!(stats, [Stat::Local(_), Stat::Call(_)]));
/// assert!(!r.read_batch());
/// assert!(r.finish().is_ok());
/// let mut r = StatReader::new(b"=input", b"x = 1 y = = 2", Mode::LOAD);
/// while r.read_batch() {}
/// assert_eq!(r.finish().unwrap_err().to_string(), "input:1: unexpected symbol near '='");
/// ```
pub struct StatReader<'s> {
    p: Parser<'s>,
    /// The statements read last, in the tree.
    stats: crate::ast::List<crate::ast::Stat<'s>>,
    main_id: u32,
    started: bool,
    /// Set at the end of the chunk or at the first error.
    ended: bool,
    /// An error found before reading (a source too large).
    early: Option<SyntaxError>,
}

impl<'s> StatReader<'s> {
    /// A reader of the chunk `source` named `chunk_name` (see
    /// [`parse_mode`]).
    pub fn new(chunk_name: &'s [u8], source: &'s [u8], mode: Mode) -> StatReader<'s> {
        let mut p = Parser::with_ast(chunk_name, source, Ast::for_statements(source));
        let mut early = None;
        if source.len() >= MAX_SOURCE {
            let msg = "chunk too large (4 GiB or more)";
            early = Some(SyntaxError::new(chunk_name, Pos::default(), msg));
        } else if mode.skip_shebang {
            p.s.skip_first_line();
        }
        StatReader {
            p,
            stats: Default::default(),
            main_id: 0,
            started: false,
            ended: early.is_some(),
            early,
        }
    }

    /// Drops the tree of the statements read last and reads the next
    /// top-level statements: at least one, and more while they come from
    /// less than [`BATCH_BYTES`] of source (a chunk of many small
    /// statements is read in batches, which costs less per statement
    /// than one at a time and keeps the tree small all the same). Returns
    /// false, reading nothing, at the end of the chunk and once a syntax
    /// error is found ([`StatReader::finish`] tells which).
    pub fn read_batch(&mut self) -> bool {
        if self.ended {
            return false;
        }
        let ok = self.read_statements();
        if !ok || !self.p.errs.is_empty() {
            self.ended = true;
            self.stats = Default::default();
            return false;
        }
        true
    }

    fn read_statements(&mut self) -> bool {
        if !self.started {
            self.started = true;
            self.main_id = self.p.new_id(IdKind::Block);
            if self.p.first_token().is_err() || !self.p.errs.is_empty() {
                return false;
            }
        }
        self.p.ast.clear();
        // Ids start again; the main block keeps its own.
        self.p.counts = NodeCounts {
            blocks: self.main_id + 1,
            ..NodeCounts::default()
        };
        self.read_more(BATCH_BYTES)
    }

    /// Reads statements onto the scratch stack while they start in the
    /// next `limit` bytes of source, then makes them the statements read
    /// last.
    fn read_more(&mut self, limit: usize) -> bool {
        let start = self.p.tok.off;
        loop {
            if self.skip_semis().is_err() {
                return false;
            }
            if self.p.block_follow(true) {
                if self.p.tok.kind != Kind::Eof {
                    // A stray 'end' or the like.
                    let _ = self.p.error_expected::<()>(Kind::Eof);
                }
                break;
            }
            let ret = self.p.tok.kind == Kind::Return;
            if self.p.statement_recovering().is_err() || !self.p.errs.is_empty() {
                return false;
            }
            if ret {
                // A return ends the main block.
                if self.p.tok.kind != Kind::Eof {
                    let _ = self.p.error_expected::<()>(Kind::Eof);
                }
                break;
            }
            if self.p.tok.off - start >= limit {
                break;
            }
        }
        if self.p.stats.is_empty() {
            return false;
        }
        self.stats = self.p.ast.push_list(self.p.stats.drain(..));
        true
    }

    /// Reads the rest of the chunk into the batch read last, keeping its
    /// tree: for a compiler that must see the rest of the chunk in one
    /// tree (a top-level label, which a later goto may jump to). Returns
    /// false, as [`StatReader::read_batch`] does, at the first syntax error.
    /// [`StatReader::main_block`] then gives the main function's body with
    /// these statements.
    pub fn read_rest(&mut self) -> bool {
        if self.ended {
            return false;
        }
        let read = &self.p.ast[self.stats];
        self.p.stats.extend(read.iter().cloned());
        if !self.read_more(usize::MAX) || !self.p.errs.is_empty() {
            self.ended = true;
            self.stats = Default::default();
            return false;
        }
        true
    }

    /// The main function's body after [`StatReader::read_rest`]: the
    /// statements read last (the rest of the chunk), its end and last
    /// line, and its id.
    pub fn main_block(&self) -> Block<'s> {
        Block {
            id: self.main_id,
            stats: self.stats,
            end: self.p.tok.pos,
            last_line: self.p.prev_line,
        }
    }

    /// Reads the empty statements at the current token.
    fn skip_semis(&mut self) -> PResult<()> {
        while self.p.tok.kind == Kind::Semi {
            self.p.statement_recovering()?;
        }
        Ok(())
    }

    /// The tree of the statements read last.
    pub fn ast(&self) -> &Ast<'s> {
        &self.p.ast
    }

    /// The statements read last.
    pub fn stats(&self) -> crate::ast::List<crate::ast::Stat<'s>> {
        self.stats
    }

    /// How many ids of each kind the statements read last use (ids below
    /// [`StatReader::main_block_id`] + 1 are not theirs).
    pub fn counts(&self) -> NodeCounts {
        NodeCounts {
            names: self.p.ast.name_count() as u32,
            ..self.p.counts
        }
    }

    /// The id of the main function's body.
    pub fn main_block_id(&self) -> u32 {
        self.main_id
    }

    /// Ends the reading: returns the main function's body (without its
    /// statements, which were read one by one: its id, its end and last
    /// line), or the first error of the chunk as [`parse_mode`] reports
    /// it. Reads what is left of the chunk when the caller stopped before
    /// its end, since a syntax error there is the chunk's error.
    pub fn finish(mut self) -> Result<Block<'s>, SyntaxError> {
        if let Some(err) = self.early.take() {
            return Err(err);
        }
        while self.read_batch() {}
        self.p.ast.clear();
        self.p.limit_first();
        if !self.p.errs.is_empty() {
            return Err(self.p.errs.swap_remove(0));
        }
        Ok(Block {
            id: self.main_id,
            stats: Default::default(),
            end: self.p.tok.pos,
            last_line: self.p.prev_line,
        })
    }
}
