//! Compiling a chunk a few top-level statements at a time, as the
//! reference compiles while it parses: the parser ([`StatReader`]) reads
//! a batch of statements of the main function (those that start in the
//! next [`lunar_syntax::BATCH_BYTES`] of source, at least one), the
//! resolver and the code generator go over them, and their tree is
//! dropped before the next batch is read. A large chunk then never has its
//! whole tree, nor the resolver's facts about every node, in memory at
//! once: only a batch's (or one large statement's), which is what makes
//! loading a large file cheap in memory and fast (the tree stays in the
//! caches). Batches rather than single statements keep the cost of
//! handing the main function's state from one tree to the next below a
//! hundredth of the work on a chunk of many small statements.
//!
//! What outlives a batch's tree is the main function's state: its
//! variables in scope (renumbered from 0 after each batch, since the
//! other variables are gone), its compile-time constants, its code,
//! constants and scopes (see [`Carry`]), and the room of the vectors and
//! maps the next batch fills again. Names and string values it keeps are
//! borrowed again from the source: every name the parser reads is a
//! range of the source, so this costs no copy.
//!
//! A batch with a top-level label, goto or break ends the streaming: the
//! rest of the chunk is read into that batch's tree
//! ([`StatReader::read_rest`]) and compiled as the end of the main
//! function, so that its gotos find their labels (a chunk whose first
//! top-level label comes late still streams up to it).
//!
//! Some chunks take the whole-tree road ([`super::compile`] over
//! [`lunar_syntax::parse_mode`]'s tree) instead: the streaming road stops
//! and the chunk is parsed again from the start, which only such chunks
//! pay for. They are those where a goto nested in a top-level statement
//! jumps to a label of a later batch (it is left pending when its batch
//! ends), and those with a semantic error, so that the error is exactly
//! the whole-tree road's (its line and "near" part may name the token
//! after the statement, which the end of a batch does not know, and the
//! whole-tree road reports some resolver errors before the generator's
//! errors of earlier statements). A syntax error is the parser's, the
//! same on both roads, and no code is made for a chunk that has one. A
//! chunk no longer than a batch takes the whole-tree road from the start:
//! its tree is no larger, and the work is less.

use std::sync::Arc;

use lunar_syntax::ast::{Ast, Block, Expr, Pos, Stat};
use lunar_syntax::{Mode, StatReader, SyntaxError};

use super::codegen::{BlockState, FuncRoom, FuncState, Names};
use super::constant::KValue;
use super::node_map::{NodeMap, SeededHash};
use super::resolve::{
    Decl, Done, Follow, FuncInfo, GotoInfo, LoopInfo, NameMap, RBlock, RFunc, RLabel, Ref,
    Resolution, Resolver, Upval, Variable,
};
use super::{GResult, Gen};
use crate::proto::Proto;

/// Parses and compiles a chunk a batch of top-level statements at a time
/// where the chunk allows it (see the module's documentation), giving the code
/// and the error [`super::compile`] gives for the whole tree.
pub(crate) fn compile_stream(
    chunk_name: &[u8],
    source: &[u8],
    mode: Mode,
) -> Result<Arc<Proto>, SyntaxError> {
    // A chunk that fits a batch has a small tree anyway: the whole-tree
    // road compiles it with less work.
    let streamed = if source.len() > lunar_syntax::BATCH_BYTES {
        stream(chunk_name, source, mode)
    } else {
        None
    };
    match streamed {
        Some(r) => r,
        None => {
            let chunk = lunar_syntax::parse_mode(chunk_name, source, mode)?;
            super::compile(&chunk)
        }
    }
}

/// The chunk must take the whole-tree road (see the module's
/// documentation).
struct Whole;

/// The value of a compile-time constant of the main function, kept from
/// batch to batch: a string value is borrowed from the source when it is
/// the text written there, or else (a literal with escapes) a copy in the
/// vector of such values that outlives the batches, by index.
#[derive(Clone, Copy, Debug)]
enum Kept<'s> {
    Value(KValue<'s>),
    Decoded(usize),
}

/// The constant values `kept` as a batch's resolution has them.
fn unkept<'t>(kept: &[(u32, Kept<'t>)], decoded: &'t [Box<[u8]>]) -> Vec<(u32, KValue<'t>)> {
    kept.iter()
        .map(|&(v, k)| match k {
            Kept::Value(value) => (v, value),
            Kept::Decoded(i) => (v, KValue::Str(&decoded[i])),
        })
        .collect()
}

/// The streaming road; `None` when the chunk must take the whole-tree one.
fn stream(chunk_name: &[u8], source: &[u8], mode: Mode) -> Option<Result<Arc<Proto>, SyntaxError>> {
    let mut reader = StatReader::new(chunk_name, source, mode);
    let mut carry = Carry::new(source, chunk_name, reader.main_block_id());
    // The string values of the main function's compile-time constants
    // that are not the source as written (see `Kept`).
    let mut decoded = Vec::new();
    while reader.read_batch() {
        if has_label(&reader) {
            // The rest of the chunk in one tree, where gotos find their
            // labels.
            let last = match reader.read_rest() {
                true => carry.last(&reader, &decoded, &reader.main_block()),
                false => Err(Whole),
            };
            return match (reader.finish(), last) {
                (Err(e), _) => Some(Err(e)),
                (Ok(_), last) => last.ok().map(Ok),
            };
        }
        let more = carry.statements(&reader, &decoded).ok()?;
        decoded.extend(more);
    }
    match reader.finish() {
        Ok(body) => carry.finish(&body, &decoded).ok().map(Ok),
        Err(e) => Some(Err(e)),
    }
}

/// Reports whether the statements the reader has just read have a
/// top-level label, goto or break: the main function's labels and gotos
/// must be resolved in one tree.
fn has_label(reader: &StatReader<'_>) -> bool {
    reader.ast()[reader.stats()]
        .iter()
        .any(|s| matches!(s, Stat::Label(_) | Stat::Goto(_) | Stat::Break(_)))
}

/// Borrows `bytes` again from `src`, when they are a range of it (by
/// address), or are the name `_ENV` the compiler gives the main function's
/// upvalue.
fn rebase<'s>(src: &'s [u8], bytes: &[u8]) -> Option<&'s [u8]> {
    let off = (bytes.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
    if off <= src.len() && bytes.len() <= src.len() - off {
        return Some(&src[off..off + bytes.len()]);
    }
    (bytes == b"_ENV").then_some(b"_ENV")
}

/// Empties `v` and returns its room as a vector of `U`, which is `T` with
/// other lifetimes: the room of the vectors that hold borrows of a
/// batch's tree is kept for the next batch's. (The standard
/// library collects a mapped vector in place when the item types have the
/// same layout; were it not to, this would return a vector without room.)
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// [`FuncInfo`] with its names borrowed from `src` (its vector reused);
/// `None` for a name not in `src`.
fn rebase_info<'s>(src: &'s [u8], info: FuncInfo<'_>) -> Option<FuncInfo<'s>> {
    let mut ok = true;
    let upvals = info
        .upvals
        .into_iter()
        .map(|u| Upval {
            name: rebase(src, u.name).unwrap_or_else(|| {
                ok = false;
                b""
            }),
            in_stack: u.in_stack,
            index: u.index,
            kind: u.kind,
        })
        .collect();
    ok.then_some(FuncInfo {
        upvals,
        need_close: info.need_close,
        params: info.params,
    })
}

/// What outlives the tree of a batch of top-level statements: the main
/// function's state in the resolver and in the code generator, its names
/// borrowed from the source (`'s`), and the room of the vectors and maps
/// that each batch fills and empties again.
struct Carry<'s> {
    src: &'s [u8],
    chunk: &'s [u8],
    /// The resolver's main function, its outermost block open (`None`
    /// only while a batch is resolved).
    main: Option<RFunc<'s>>,
    /// The main function's variables in scope (ids 0 on), then nothing.
    vars: Vec<Variable<'s>>,
    ctc: Vec<(u32, Kept<'s>)>,
    goto_seq: usize,
    env_locals: bool,
    /// The generator's main function.
    fs: FuncState<'s>,
    /// For each variable of `vars`, its index in `loc_vars`.
    pidx: Vec<usize>,
    line: u32,
    field_lead: Option<(Pos, u32)>,
    near_pos: Pos,
    k_hasher: SeededHash,
    /// Room kept from batch to batch.
    room: Room<'s>,
}

/// The vectors and maps a batch's resolution and code generation
/// fill, emptied, kept for their room.
#[derive(Default)]
struct Room<'s> {
    refs: Vec<Option<Ref>>,
    decls: Vec<Decl>,
    blocks: Vec<bool>,
    funcs: Vec<FuncInfo<'s>>,
    loops: NodeMap<usize, LoopInfo>,
    labels: NodeMap<usize, bool>,
    gotos: NodeMap<usize, GotoInfo>,
    rfuncs: Vec<RFunc<'s>>,
    rspine: Vec<&'s Expr<'s>>,
    gspine: Vec<&'s Expr<'s>>,
    outer: Vec<FuncState<'s>>,
    pending: NodeMap<usize, usize>,
    label_pc: NodeMap<usize, usize>,
    rblocks: Vec<RBlock<'s>>,
    rlabels: Vec<RLabel<'s>>,
    spare: Vec<FuncRoom>,
    names: Names,
}

impl<'s> Carry<'s> {
    /// The state at the start of the chunk: the main function open.
    fn new(src: &'s [u8], chunk: &'s [u8], main_id: u32) -> Carry<'s> {
        let mut main = RFunc::main();
        main.blocks.push(RBlock {
            nactvar: 0,
            first_label: 0,
            gotos: NameMap::default(),
            loop_stat: None,
            upval: false,
            done: Done::Block(main_id),
            node: None,
        });
        let info = main.info.clone();
        let mut carry = Carry {
            src,
            chunk,
            main: Some(main),
            vars: Vec::new(),
            ctc: Vec::new(),
            goto_seq: 0,
            env_locals: false,
            fs: FuncState::new(info, chunk.into()),
            pidx: Vec::new(),
            line: 1,
            field_lead: None,
            near_pos: Pos::default(),
            k_hasher: SeededHash::default(),
            room: Room::default(),
        };
        // As `Gen::main_func` starts.
        let empty = Ast::for_statements(src);
        let res = Resolution::default();
        carry
            .generate(&empty, res, |g| {
                g.enter_block(BlockState::new(None, false));
                g.set_vararg(0);
                Ok(())
            })
            .ok()
            .expect("opening the main function");
        carry
    }

    /// A resolver of `ast` made of the carried state.
    fn resolver<'t>(&mut self, ast: &'t Ast<'t>, res: Resolution<'t>) -> Resolver<'t>
    where
        's: 't,
    {
        let mut funcs = recycle(std::mem::take(&mut self.room.rfuncs));
        funcs.push(self.main.take().expect("the main function"));
        Resolver {
            ast,
            res,
            chunk: self.chunk,
            funcs,
            depth: 0,
            nlabels: 0,
            ngotos: 0,
            goto_seq: self.goto_seq,
            tail: 0,
            tail_follow: Follow::default(),
            spine: recycle(std::mem::take(&mut self.room.rspine)),
            next_tok: super::resolve_expr::NextTok::Tok(""),
            env_locals: self.env_locals,
        }
    }

    /// Resolves and compiles the statements the reader has just read;
    /// `decoded` has the string values of the constants kept so far, and
    /// the result the new ones, which it must get.
    fn statements<'t>(
        &mut self,
        reader: &'t StatReader<'s>,
        decoded: &'t [Box<[u8]>],
    ) -> Result<Vec<Box<[u8]>>, Whole>
    where
        's: 't,
    {
        let ast = reader.ast();
        let stats = &ast[reader.stats()];
        if has_label(reader) {
            return Err(Whole);
        }
        let res = self.resolution(reader, decoded);
        let mut r = self.resolver(ast, res);
        for s in stats {
            // The token after the statement is not known here when the
            // statement ends the batch: the resolver needs it only for
            // its errors, which the whole-tree road reports.
            if r.stat(s, Follow::default()).is_err() {
                return Err(Whole);
            }
        }
        let main = r.funcs.pop().expect("main function");
        if !r.funcs.is_empty()
            || main.blocks.len() != 1
            || !main.blocks[0].gotos.is_empty()
            || !main.labels.is_empty()
            || r.nlabels != 0
            || r.ngotos != 0
            || main.nactvar != main.actvars.len()
        {
            // A goto waits for a label of a later statement (or for the
            // end of the chunk, to be an error there).
            return Err(Whole);
        }
        self.goto_seq = r.goto_seq;
        self.env_locals = r.env_locals;
        self.room.rfuncs = recycle(r.funcs);
        self.room.rspine = recycle(r.spine);
        let res = self.generate(ast, r.res, |g| {
            for s in stats {
                g.statement(s)?;
            }
            Ok(())
        })?;
        self.keep(main, res, decoded)
    }

    /// Resolves and compiles the statements the reader has just read, the
    /// rest of the chunk (see [`StatReader::read_rest`]), whose body is
    /// `body`, and ends the main function.
    fn last<'t>(
        &mut self,
        reader: &'t StatReader<'s>,
        decoded: &'t [Box<[u8]>],
        body: &'t Block<'s>,
    ) -> Result<Arc<Proto>, Whole>
    where
        's: 't,
    {
        let ast = reader.ast();
        let res = self.resolution(reader, decoded);
        let mut r = self.resolver(ast, res);
        let eof = Follow::new(body.end.line, "<eof>");
        if r.stat_list(body, &eof, false).is_err() || r.close_main(body).is_err() {
            return Err(Whole);
        }
        let stats = &ast[body.stats];
        self.end_main(ast, r.res, body, stats)
    }

    /// Generates `stats` (the last statements of the main function, or
    /// none), then ends the main function at the end of the chunk
    /// (`body`) with what the resolution `res` knows of it, and returns
    /// its prototype.
    fn end_main<'t>(
        &mut self,
        ast: &'t Ast<'t>,
        mut res: Resolution<'t>,
        body: &'t Block<'t>,
        stats: &'t [Stat<'t>],
    ) -> Result<Arc<Proto>, Whole>
    where
        's: 't,
    {
        let info = std::mem::take(&mut res.main);
        let mut proto = None;
        self.generate(ast, res, |g| {
            g.stat_list(stats)?;
            // The resolver knows now whether the main function must close
            // upvalues when it returns.
            g.fs.info = info;
            g.reach_end(body);
            g.close_func(body)?;
            let fs = std::mem::replace(&mut g.fs, FuncState::empty());
            proto = Some(Arc::new(fs.into_proto(&mut g.spare)));
            Ok(())
        })?;
        proto.ok_or(Whole)
    }

    /// A resolution for the statements the reader has just read, with
    /// the main function's variables and constants.
    fn resolution<'t>(
        &mut self,
        reader: &'t StatReader<'s>,
        decoded: &'t [Box<[u8]>],
    ) -> Resolution<'t>
    where
        's: 't,
    {
        let counts = reader.counts();
        let room = &mut self.room;
        let mut refs = std::mem::take(&mut room.refs);
        refs.resize(counts.names as usize, None);
        let mut decls = std::mem::take(&mut room.decls);
        decls.resize(counts.decls as usize, Decl::default());
        let mut blocks = std::mem::take(&mut room.blocks);
        blocks.resize(counts.blocks as usize, false);
        Resolution {
            vars: std::mem::take(&mut self.vars),
            ctc: unkept(&self.ctc, decoded),
            refs,
            funcs: recycle(std::mem::take(&mut room.funcs)),
            decls,
            blocks,
            main: FuncInfo::default(),
            loops: std::mem::take(&mut room.loops),
            labels: std::mem::take(&mut room.labels),
            gotos: std::mem::take(&mut room.gotos),
        }
    }

    /// Runs `f` on a code generator made of the carried state, the tree
    /// `ast` and its resolution `res`, and carries the main function's
    /// state on; returns the resolution (its variables and constants,
    /// which [`Carry::keep`] keeps).
    fn generate<'t>(
        &mut self,
        ast: &'t Ast<'t>,
        res: Resolution<'t>,
        f: impl FnOnce(&mut Gen<'t>) -> GResult<()>,
    ) -> Result<Resolution<'t>, Whole>
    where
        's: 't,
    {
        let mut pidx = std::mem::take(&mut self.pidx);
        pidx.resize(res.vars.len().max(pidx.len()), 0);
        let fs = std::mem::replace(&mut self.fs, FuncState::empty());
        let room = &mut self.room;
        let mut g = Gen {
            ast,
            res,
            chunk: self.chunk,
            line: self.line,
            field_lead: self.field_lead,
            depth: 0,
            spine: recycle(std::mem::take(&mut room.gspine)),
            pending: std::mem::take(&mut room.pending),
            label_pc: std::mem::take(&mut room.label_pc),
            near: None,
            near_pos: self.near_pos,
            stop: None,
            luac544: false,
            internal: None,
            scanner_k: None,
            k_hasher: self.k_hasher,
            fs,
            outer: recycle(std::mem::take(&mut room.outer)),
            pidx,
            spare: std::mem::take(&mut room.spare),
            names: std::mem::take(&mut room.names),
        };
        if f(&mut g).is_err()
            || g.internal.is_some()
            || !g.pending.is_empty()
            || !g.outer.is_empty()
        {
            return Err(Whole);
        }
        self.line = g.line;
        self.field_lead = g.field_lead;
        self.near_pos = g.near_pos;
        self.pidx = g.pidx;
        room.gspine = recycle(g.spine);
        room.outer = recycle(g.outer);
        room.spare = std::mem::take(&mut g.spare);
        room.names = std::mem::take(&mut g.names);
        g.label_pc.clear();
        room.pending = g.pending;
        room.label_pc = g.label_pc;
        let fs = g.fs;
        self.fs = FuncState {
            info: rebase_info(self.src, fs.info).ok_or(Whole)?,
            f: fs.f,
            bl: fs.bl,
            last_target: fs.last_target,
            free_reg: fs.free_reg,
            actvars: fs.actvars,
            kcache: fs.kcache,
        };
        Ok(g.res)
    }

    /// Keeps what the main function needs of a batch's resolution:
    /// its variables in scope, renumbered from 0, and their constant
    /// values; and the room of the rest.
    fn keep(
        &mut self,
        main: RFunc<'_>,
        res: Resolution<'_>,
        decoded: &[Box<[u8]>],
    ) -> Result<Vec<Box<[u8]>>, Whole> {
        let RFunc {
            info,
            mut actvars,
            blocks,
            labels,
            env,
            ..
        } = main;
        let n = actvars.len();
        // The main function's variables in scope are declared in order:
        // their ids grow, so they can be moved down in place.
        if self.fs.actvars != actvars || actvars.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Whole);
        }
        let src = self.src;
        let mut ok = true;
        let mut k = 0;
        self.vars = res
            .vars
            .into_iter()
            .enumerate()
            .filter(|&(v, _)| {
                let keep = k < n && actvars[k] == v;
                k += keep as usize;
                keep
            })
            .map(|(_, var)| {
                let name = rebase(src, var.name).unwrap_or_else(|| {
                    ok = false;
                    b""
                });
                var.renamed(name)
            })
            .collect();
        let mut more: Vec<Box<[u8]>> = Vec::new();
        self.ctc.clear();
        for &(v, value) in &res.ctc {
            let Ok(i) = actvars.binary_search(&(v as usize)) else {
                continue;
            };
            let kept = match value {
                KValue::Nil => Kept::Value(KValue::Nil),
                KValue::Bool(b) => Kept::Value(KValue::Bool(b)),
                KValue::Int(i) => Kept::Value(KValue::Int(i)),
                KValue::Float(f) => Kept::Value(KValue::Float(f)),
                KValue::Str(s) => match rebase(src, s) {
                    Some(s) => Kept::Value(KValue::Str(s)),
                    None => {
                        // A value kept before is that very copy.
                        let at = decoded.iter().position(|d| std::ptr::eq(&**d, s));
                        Kept::Decoded(at.unwrap_or_else(|| {
                            more.push(s.into());
                            decoded.len() + more.len() - 1
                        }))
                    }
                },
            };
            self.ctc.push((i as u32, kept));
        }
        for (i, v) in actvars.iter_mut().enumerate() {
            self.pidx[i] = self.pidx[*v];
            *v = i;
        }
        self.pidx.truncate(n);
        self.fs.actvars.clear();
        self.fs.actvars.extend_from_slice(&actvars);
        let info = rebase_info(src, info);
        if !ok || info.is_none() {
            return Err(Whole);
        }
        let b = &blocks[0];
        let block = RBlock {
            nactvar: b.nactvar,
            first_label: b.first_label,
            gotos: NameMap::default(),
            loop_stat: None,
            upval: b.upval,
            done: b.done,
            node: None,
        };
        let room = &mut self.room;
        let mut main_blocks = recycle(std::mem::take(&mut room.rblocks));
        main_blocks.push(block);
        room.rblocks = recycle(blocks);
        let main_labels = recycle(std::mem::take(&mut room.rlabels));
        room.rlabels = recycle(labels);
        self.main = Some(RFunc {
            info: info.expect("checked"),
            node: None,
            line: 0,
            vararg: true,
            actvars,
            nactvar: n,
            blocks: main_blocks,
            labels: main_labels,
            by_name: NameMap::default(),
            env,
        });
        let (mut refs, mut decls, mut blocks) = (res.refs, res.decls, res.blocks);
        refs.clear();
        decls.clear();
        blocks.clear();
        let (mut loops, mut labels, mut gotos) = (res.loops, res.labels, res.gotos);
        loops.clear();
        labels.clear();
        gotos.clear();
        *room = Room {
            refs,
            decls,
            blocks,
            funcs: recycle(res.funcs),
            loops,
            labels,
            gotos,
            ..std::mem::take(room)
        };
        Ok(more)
    }

    /// Ends the main function at the end of the chunk (`body`, which has
    /// no statements left) and returns its prototype.
    fn finish(mut self, body: &Block<'s>, decoded: &[Box<[u8]>]) -> Result<Arc<Proto>, Whole> {
        let empty = Ast::for_statements(self.src);
        let res = Resolution {
            vars: std::mem::take(&mut self.vars),
            ctc: unkept(&self.ctc, decoded),
            ..Resolution::default()
        };
        let mut r = self.resolver(&empty, res);
        if r.close_main(body).is_err() {
            return Err(Whole);
        }
        let res = r.res;
        self.end_main(&empty, res, body, &[])
    }
}

#[cfg(test)]
mod tests {
    use lunar_syntax::Mode;

    use super::compile_stream;
    use crate::{disassemble, dump};

    /// What a road gives for a chunk: the full listing and the binary
    /// chunk, or the error's message.
    fn outcome(r: Result<std::sync::Arc<crate::Proto>, lunar_syntax::SyntaxError>) -> String {
        match r {
            Ok(p) => {
                let mut s = disassemble(&p, true);
                s.push_str(&format!("{:?}", dump(&p, false)));
                s
            }
            Err(e) => format!("error: {e}"),
        }
    }

    /// The whole-tree road.
    fn whole(name: &[u8], src: &[u8], mode: Mode) -> String {
        outcome(lunar_syntax::parse_mode(name, src, mode).and_then(|c| super::super::compile(&c)))
    }

    /// The streaming road, even for a small chunk, or the whole-tree road
    /// where the chunk needs it.
    fn streamed(name: &[u8], src: &[u8], mode: Mode) -> String {
        match super::stream(name, src, mode) {
            Some(r) => outcome(r),
            None => whole(name, src, mode),
        }
    }

    /// Checks that both roads give the same for `src`, in both modes.
    fn same(name: &[u8], src: &[u8]) -> Result<(), String> {
        for mode in [Mode::LOAD, Mode::FILE] {
            let w = whole(name, src, mode);
            let s = streamed(name, src, mode);
            if s != outcome(compile_stream(name, src, mode)) {
                return Err("compile_source_mode does not give its road's".into());
            }
            if w != s {
                let (w, s) = (first_diff(&w, &s), first_diff(&s, &w));
                return Err(format!(
                    "{}: whole-tree road gives\n{w}\nstreaming road gives\n{s}",
                    String::from_utf8_lossy(name)
                ));
            }
        }
        Ok(())
    }

    /// The part of `a` from a little before where it differs from `b`.
    fn first_diff(a: &str, b: &str) -> String {
        let i = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let start = a[..i]
            .rfind('\n')
            .map_or(0, |j| a[..j].rfind('\n').map_or(0, |k| k + 1));
        a[start..].chars().take(400).collect()
    }

    /// Every Lua file of a folder, if it exists.
    fn lua_files(dir: &str) -> Vec<std::path::PathBuf> {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut v: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "lua"))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn same_code_for_files() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let mut files = lua_files(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"));
        files.extend(lua_files(&format!("{root}/testdata/lua")));
        files.extend(lua_files(&format!("{root}/bench/programs")));
        assert!(files.len() > 50, "test files not found");
        // More files or folders to compare, as a list of paths.
        if let Some(more) = std::env::var_os("LUNAR_STREAM_FILES") {
            for p in std::env::split_paths(&more) {
                match p.is_dir() {
                    true => files.extend(lua_files(&p.to_string_lossy())),
                    false => files.push(p),
                }
            }
        }
        let mut failures = Vec::new();
        for f in &files {
            let src = std::fs::read(f).expect("reading a test file");
            let name = format!("@{}", f.display());
            if let Err(e) = same(name.as_bytes(), &src) {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }

    /// Which chunks stream and which take the whole-tree road.
    #[test]
    fn roads() {
        let streams = |src: &str| super::stream(b"=input", src.as_bytes(), Mode::LOAD).is_some();
        assert!(streams("local x = 1 print(x) return x"));
        assert!(streams(
            "do goto a; ::a:: end local function f() goto b ::b:: end"
        ));
        assert!(streams("local s <const> = 'abc' print(s)"));
        assert!(streams("x = = 1"));
        assert!(!streams("local a <const> = 1; a = 2"));
        // A top-level label or goto: the rest of the chunk in one tree.
        assert!(streams("goto a ::a::"));
        assert!(streams("print(1) ::a::"));
        assert!(streams("do goto a end ::a::"));
        let filler = "x = 1\n".repeat(lunar_syntax::BATCH_BYTES / 4);
        assert!(streams(&format!(
            "{filler}::top:: x = x + 1 if x < 3 then goto top end"
        )));
        // A goto that leaves its batch for a label of a later one, and
        // errors: the whole-tree road.
        assert!(!streams(&format!("do goto a end\n{filler}::a::")));
        assert!(!streams(&format!("{filler}goto nowhere")));
        assert!(!streams("break"));
        assert!(streams("local s <const> = 'a\\tb' print(s)"));
        let src = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/calls.lua"))
            .expect("reading a test file");
        assert!(super::stream(b"=calls", &src, Mode::FILE).is_some());
    }

    #[test]
    fn same_errors() {
        let mut failures = Vec::new();
        for (src, _) in super::super::tests::compile_error_tests() {
            if let Err(e) = same(b"=input", src.as_bytes()) {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }

    #[test]
    fn same_code_for_top_level_cases() {
        let cases: &[&str] = &[
            "",
            ";;",
            "#!/bin/lua\nprint(1)",
            "\u{feff}#x\nreturn 1",
            "local a = 1; local b <const> = 2; local c <const> = 'x\\n'; return a + b, c",
            "local s <const> = 'abc'; local t <const> = s; print(s, t)",
            "local x <close> = nil; print(x)",
            "local t <close> = setmetatable({}, {__close = print}); return 1",
            "goto a; print(1) ::a:: print(2)",
            "::top:: x = (x or 0) + 1; if x < 3 then goto top end",
            "do goto a end ::a::",
            "break",
            "do break end",
            "while true do break end print(1)",
            "::a:: ::b:: ;; ::c:: print(1)",
            "local x = 1\nlocal function f() return x end\nif g then return end\nx = 2",
            "if g then return end\nlocal x = 1\nfunction f() return x end",
            "do return end",
            "return",
            "return 1; ;",
            "return 1 print(2)",
            "print(1) end",
            "local _ENV = {print = print}; print(1); x = 2",
            "local a = 1\nlocal a = 2\nlocal function a() return a end\nreturn a",
            "x = 1 = 2",
            "local a <const> = 1; a = 2; x = = 1",
            "local a <const> = 1; a = 2",
            "for i = 1, 3 do local x = i end for k, v in pairs(t) do end",
            "local t = {1, 2, 3, x = 1, [2] = 3}; t.x = t[1] .. 'a' .. 1.5",
            "local f = function(...) local a, b = ... return a end f(1, 2)",
            "(f)(1) (g)(2)",
            "a.b.c = 1 a['x'] = 2 a:m()",
            "repeat local x = 1 until x",
            "local s = \"\\65\\066\" local t = 'AB' print(s == t, \"\\65\\066\")",
            "x = 1.5; y = -0.0; z = 0.0; w = 1//0; v = 1e308 * 10",
            "local a, b, c = 1 print(a, b, c)",
            "function a.b.c:d(x) return self, x end",
        ];
        let mut failures = Vec::new();
        for src in cases {
            if let Err(e) = same(b"=input", src.as_bytes()) {
                failures.push(format!("{src:?}: {e}"));
            }
        }
        // The limits of the main function, reached over many statements.
        let mut many = String::new();
        for i in 0..210 {
            many.push_str(&format!("local v{i} = {i}\n"));
        }
        let mut many_k = String::new();
        for i in 0..300 {
            many_k.push_str(&format!("x{i} = 'k{i}' .. {i}.5\n"));
        }
        let mut regs = String::from("local t = {");
        for i in 0..300 {
            regs.push_str(&format!("f{i}(),"));
        }
        regs.push('}');
        let mut deep = String::new();
        for _ in 0..190 {
            deep.push_str("do ");
        }
        for _ in 0..190 {
            deep.push_str("end ");
        }
        // The 201st local names the token after its statement.
        let mut limits = Vec::new();
        for next in [
            "local y",
            "x = 1",
            "x.y = 1",
            "(f)()",
            "f()",
            "do end",
            "while x do end",
            "repeat until x",
            "if x then end",
            "for i = 1, 2 do end",
            "function f() end",
            "return",
            "goto l ::l::",
            "::l::",
            "break",
            "",
            ";",
            "end",
        ] {
            let mut src = String::new();
            for i in 0..201 {
                src.push_str(&format!("local v{i}\n"));
            }
            src.push_str(next);
            limits.push(src);
        }
        // Many batches of statements (see `lunar_syntax::BATCH_BYTES`),
        // with top-level locals used across them.
        let mut batches = String::new();
        for i in 0..3000 {
            // The latest top-level local (150 of them in all).
            let a = i - i % 20;
            batches.push_str(&match i % 20 {
                0 if i % 40 == 0 => format!("local a{i} <const> = {i}\n"),
                // A constant string that is not the source as written.
                0 if i % 80 == 20 => format!("local a{i} <const> = 'd\\t{i}'\n"),
                0 => format!("local a{i} = 's{i}'\n"),
                1 => format!("function g{i}(x) return a{a}, x end\n"),
                2 => format!("do local t <close> = nil; h{i} = a{a} end\n"),
                3 => format!("f{i} = function() return a{a} end\n"),
                4 => format!("if a{a} then x{i} = {i}.5 else x{i} = 'v' end\n"),
                _ => format!("y{i} = (y{} or 0) + a{a} * 2\n", i - 1),
            });
        }
        // It streams, in batches, and compiles.
        assert!(matches!(
            super::stream(b"=input", batches.as_bytes(), Mode::LOAD),
            Some(Ok(_))
        ));
        // Top-level labels and gotos after many batches.
        let filler = "local q = 1 x = q\n".repeat(lunar_syntax::BATCH_BYTES / 8);
        let labels = [
            format!("{filler}::top:: x = x + 1 if x < 3 then goto top end"),
            format!("{filler}goto skip local z = 1 ::skip:: print(z)"),
            format!("{filler}do goto a end ::a:: ::b:: ; ::c:: return x"),
            format!(
                "local t <close> = nil\n{filler}::a:: local f = function() return t end goto a"
            ),
            format!("{filler}goto a local y ::a:: print(y)"),
            format!("do goto a end\n{filler}::a::"),
            format!("{filler}break"),
        ];
        for src in [many, many_k, regs, deep, batches]
            .into_iter()
            .chain(limits)
            .chain(labels)
        {
            if let Err(e) = same(b"=input", src.as_bytes()) {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}
