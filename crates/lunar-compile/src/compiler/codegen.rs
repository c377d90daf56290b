//! The code generator's per-function state and its primitives: emitting
//! instructions with line information, registers, variables and blocks.

use std::sync::Arc;

use crate::instruction::{Instruction, MAX_ARG_AX, MAX_REGISTERS};
use crate::opcodes::OpCode;
use crate::proto::{Constant, LocVar, Proto, UpvalueDesc, VarKind as ProtoVarKind};

use super::codegen_const::KCache;
use super::resolve::{FuncInfo, VarId, VarKind};
use super::{GResult, Gen};

/// Marks the end of a jump list (and an empty list).
pub(crate) const NO_JUMP: usize = usize::MAX;

/// The register operand of a TESTSET whose target is not known yet.
pub(crate) const NO_REG: usize = 255;

/// The number of results of an open call or vararg.
pub(crate) const MULT_RET: i32 = -1;

/// The prototype being built.
#[derive(Debug, Default)]
pub(crate) struct ProtoBuilder {
    pub(crate) source: Arc<[u8]>,
    pub(crate) line_defined: u32,
    pub(crate) last_line_defined: u32,
    pub(crate) num_params: usize,
    pub(crate) is_vararg: bool,
    pub(crate) max_stack_size: usize,
    pub(crate) code: Vec<Instruction>,
    pub(crate) line_info: Vec<u32>,
    pub(crate) constants: Vec<Constant>,
    pub(crate) protos: Vec<Arc<Proto>>,
    pub(crate) loc_vars: Vec<LocVar>,
}

/// The state of the function being compiled.
#[derive(Debug)]
pub(crate) struct FuncState<'a> {
    pub(crate) info: FuncInfo<'a>,
    pub(crate) f: ProtoBuilder,
    /// The blocks (scopes) open, innermost last.
    pub(crate) bl: Vec<BlockState>,
    /// The pc of the last jump target, which ends the stretch of code where
    /// instructions may be merged.
    pub(crate) last_target: usize,
    /// First free register.
    pub(crate) free_reg: usize,
    /// The variables in scope, innermost last (compile-time constants
    /// included).
    pub(crate) actvars: Vec<VarId>,
    pub(crate) kcache: KCache,
}

/// A block (scope) being compiled.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockState {
    /// Variables in scope outside the block.
    pub(crate) nactvar: usize,
    /// The loop statement, for a loop block.
    pub(crate) loop_stat: Option<usize>,
    /// Some variable of the block is captured or to be closed.
    pub(crate) upval: bool,
    /// The block is in the scope of a to-be-closed variable.
    pub(crate) inside_tbc: bool,
}

impl BlockState {
    pub(crate) fn new(loop_stat: Option<usize>, upval: bool) -> BlockState {
        BlockState {
            nactvar: 0,
            loop_stat,
            upval,
            inside_tbc: false,
        }
    }
}

fn proto_kind(k: VarKind) -> ProtoVarKind {
    match k {
        VarKind::Regular => ProtoVarKind::Regular,
        VarKind::Const => ProtoVarKind::Const,
        VarKind::Close => ProtoVarKind::Close,
        VarKind::Ctc => ProtoVarKind::CompileTimeConst,
    }
}

/// The vectors of a finished function, emptied and kept for their room:
/// the next function builds its code in them and its prototype gets
/// copies of the exact size, where growing new vectors and shrinking them
/// at the end would cost a dozen allocations per function.
#[derive(Debug, Default)]
pub(crate) struct FuncRoom {
    code: Vec<Instruction>,
    line_info: Vec<u32>,
    constants: Vec<Constant>,
    protos: Vec<Arc<Proto>>,
    loc_vars: Vec<LocVar>,
    bl: Vec<BlockState>,
    actvars: Vec<VarId>,
    kcache: KCache,
}

/// The names of the locals of a chunk's functions, shared: a chunk has
/// many locals and few names (`i`, `self`, `(for state)`), and the
/// prototypes share them rather than hold a block each. A small cache
/// keeps the last two names of each pair of slots that a cheap hash of the
/// name picks: a name not there gets a block of its own (sharing is only
/// a saving, so no lookup costs more than two comparisons, whatever the
/// names), and a keyed hash table would cost more than the allocations it
/// saves.
#[derive(Debug, Default)]
pub(crate) struct Names {
    slots: Box<[Option<Arc<[u8]>>]>,
    /// How many names were asked for.
    asked: usize,
}

impl Names {
    /// A shared copy of `name`.
    pub(crate) fn get(&mut self, name: &[u8]) -> Arc<[u8]> {
        self.asked += 1;
        if matches!(self.asked, 1 | 16 | 256) {
            // A small cache for a small chunk (none for a chunk without
            // locals), larger ones as locals come.
            self.slots = vec![None; self.asked.max(4) * 2].into_boxed_slice();
        }
        let mut h = name.len() as u32;
        for &b in name {
            h = (h.rotate_left(5) ^ b as u32).wrapping_mul(0x9e37_79b9);
        }
        // The high bits of the product are the well mixed ones.
        let bits = self.slots.len().trailing_zeros();
        let i = (h >> (32 - bits)) as usize & !1;
        let pair = &mut self.slots[i..i + 2];
        for n in pair.iter().flatten() {
            if **n == *name {
                return n.clone();
            }
        }
        // The newest name first, the one it displaces second.
        let n: Arc<[u8]> = name.into();
        pair[1] = pair[0].replace(n.clone());
        n
    }
}

/// Moves the items of `v` to a vector of their exact number, leaving `v`
/// empty with its room.
// Not `mem::take`: that would hand over the room and leave none.
#[allow(clippy::drain_collect)]
fn exact<T>(v: &mut Vec<T>) -> Vec<T> {
    v.drain(..).collect()
}

impl<'a> FuncState<'a> {
    pub(crate) fn new(info: FuncInfo<'a>, source: Arc<[u8]>) -> FuncState<'a> {
        FuncState::with_room(info, source, FuncRoom::default())
    }

    /// A new function's state, built in the vectors of `room`.
    pub(crate) fn with_room(
        info: FuncInfo<'a>,
        source: Arc<[u8]>,
        room: FuncRoom,
    ) -> FuncState<'a> {
        FuncState {
            info,
            f: ProtoBuilder {
                source,
                line_defined: 0,
                last_line_defined: 0,
                num_params: 0,
                is_vararg: false,
                max_stack_size: 2,
                code: room.code,
                line_info: room.line_info,
                constants: room.constants,
                protos: room.protos,
                loc_vars: room.loc_vars,
            },
            bl: room.bl,
            last_target: 0,
            free_reg: 0,
            actvars: room.actvars,
            kcache: room.kcache,
        }
    }

    /// A state that stands for no function (and allocates nothing), to
    /// take a function's state out of the generator.
    pub(crate) fn empty() -> FuncState<'static> {
        FuncState {
            info: FuncInfo::default(),
            f: ProtoBuilder::default(),
            bl: Vec::new(),
            last_target: 0,
            free_reg: 0,
            actvars: Vec::new(),
            kcache: KCache::default(),
        }
    }

    /// The finished prototype. Its vectors have the exact size (a
    /// prototype lives as long as its closures; the reference shrinks them
    /// in its close_func too); the function's own vectors, emptied, go to
    /// `spare` for the next function.
    pub(crate) fn into_proto(self, spare: &mut Vec<FuncRoom>) -> Proto {
        let mut f = self.f;
        let proto = Proto {
            source: f.source,
            line_defined: f.line_defined,
            last_line_defined: f.last_line_defined,
            num_params: f.num_params as u8,
            is_vararg: f.is_vararg,
            max_stack_size: f.max_stack_size as u8,
            code: exact(&mut f.code),
            line_info: exact(&mut f.line_info),
            constants: exact(&mut f.constants),
            upvalues: self
                .info
                .upvals
                .iter()
                .map(|u| UpvalueDesc {
                    name: u.name.into(),
                    in_stack: u.in_stack,
                    index: u.index,
                    kind: proto_kind(u.kind),
                })
                .collect(),
            protos: exact(&mut f.protos),
            loc_vars: exact(&mut f.loc_vars),
        };
        let (mut bl, mut actvars, mut kcache) = (self.bl, self.actvars, self.kcache);
        bl.clear();
        actvars.clear();
        kcache.clear();
        spare.push(FuncRoom {
            code: f.code,
            line_info: f.line_info,
            constants: f.constants,
            protos: f.protos,
            loc_vars: f.loc_vars,
            bl,
            actvars,
            kcache,
        });
        proto
    }
}

impl<'a> Gen<'a> {
    /// The index of the next instruction.
    pub(crate) fn pc(&self) -> usize {
        self.fs.f.code.len()
    }

    /// The instruction at `pc`.
    pub(crate) fn ins(&mut self, pc: usize) -> &mut Instruction {
        &mut self.fs.f.code[pc]
    }

    /// Emits an instruction at the current line and returns its index.
    pub(crate) fn code(&mut self, i: Instruction) -> usize {
        self.fs.f.code.push(i);
        self.fs.f.line_info.push(self.line);
        self.fs.f.code.len() - 1
    }

    pub(crate) fn code_abc(&mut self, op: OpCode, a: usize, b: usize, c: usize) -> usize {
        self.code(Instruction::abc(op, a as u32, b as u32, c as u32, false))
    }

    pub(crate) fn code_abck(&mut self, op: OpCode, a: usize, b: usize, c: usize, k: bool) -> usize {
        self.code(Instruction::abc(op, a as u32, b as u32, c as u32, k))
    }

    pub(crate) fn code_abx(&mut self, op: OpCode, a: usize, bx: usize) -> usize {
        self.code(Instruction::abx(op, a as u32, bx as u32))
    }

    pub(crate) fn code_asbx(&mut self, op: OpCode, a: usize, sbx: i32) -> usize {
        self.code(Instruction::asbx(op, a as u32, sbx))
    }

    pub(crate) fn code_extra_arg(&mut self, ax: usize) -> GResult<usize> {
        if ax > MAX_ARG_AX as usize {
            return self.error("constant table overflow".into());
        }
        Ok(self.code(Instruction::iax(OpCode::ExtraArg, ax as u32)))
    }

    /// Gives the last instruction emitted the given line.
    pub(crate) fn fix_line(&mut self, line: u32) {
        *self.fs.f.line_info.last_mut().expect("an instruction") = line;
    }

    /// Drops the last instruction emitted.
    pub(crate) fn remove_last_instruction(&mut self) {
        self.fs.f.code.pop();
        self.fs.f.line_info.pop();
    }

    /// Marks the current pc as a jump target and returns it.
    pub(crate) fn get_label(&mut self) -> usize {
        self.fs.last_target = self.pc();
        self.pc()
    }

    /// The index of the previous instruction when it may be changed (no
    /// jump targets the current position).
    pub(crate) fn previous(&self) -> Option<usize> {
        (self.pc() > self.fs.last_target).then(|| self.pc() - 1)
    }

    // -----------------------------------------------------------------------
    // Registers

    /// The number of registers used by the first `n` variables in scope.
    pub(crate) fn reg_level(&self, n: usize) -> usize {
        for &v in self.fs.actvars[..n].iter().rev() {
            let var = &self.res.vars[v];
            if var.kind != VarKind::Ctc {
                return var.reg() + 1;
            }
        }
        0
    }

    /// The number of registers used by variables in scope.
    pub(crate) fn nvarstack(&self) -> usize {
        self.reg_level(self.fs.actvars.len())
    }

    /// Makes sure `n` more registers are available.
    pub(crate) fn check_stack(&mut self, n: usize) -> GResult<()> {
        let new_stack = self.fs.free_reg + n;
        if new_stack > self.fs.f.max_stack_size {
            if new_stack >= MAX_REGISTERS as usize {
                let mut msg = "function or expression needs too many registers".to_string();
                let near = self.near.map(|n| n.text(self.ast)).unwrap_or_default();
                if !near.is_empty() {
                    msg.push_str(" near ");
                    msg.push_str(&near);
                    self.advance(self.near_pos);
                }
                return self.error(msg);
            }
            self.fs.f.max_stack_size = new_stack;
        }
        Ok(())
    }

    /// Takes `n` registers.
    pub(crate) fn reserve_regs(&mut self, n: usize) -> GResult<()> {
        self.check_stack(n)?;
        self.fs.free_reg += n;
        Ok(())
    }

    /// Releases a register holding a temporary (not a variable).
    pub(crate) fn free_register(&mut self, reg: usize) {
        if reg >= self.nvarstack() {
            self.fs.free_reg -= 1;
        }
    }

    /// Releases two registers (either may be absent), the higher one first.
    pub(crate) fn free_regs(&mut self, r1: Option<usize>, r2: Option<usize>) {
        let (hi, lo) = if r1 > r2 { (r1, r2) } else { (r2, r1) };
        if let Some(r) = hi {
            self.free_register(r);
        }
        if let Some(r) = lo {
            self.free_register(r);
        }
    }

    // -----------------------------------------------------------------------
    // Variables

    /// Brings variables into scope, with their debug information.
    pub(crate) fn activate(&mut self, vars: std::ops::Range<VarId>) {
        for v in vars {
            self.fs.actvars.push(v);
            let var = &self.res.vars[v];
            if var.kind != VarKind::Ctc {
                self.pidx[v] = self.fs.f.loc_vars.len();
                let start_pc = self.pc() as u32;
                let name = self.names.get(var.name);
                self.fs.f.loc_vars.push(LocVar {
                    name,
                    start_pc,
                    end_pc: 0,
                });
            }
        }
    }

    /// Takes variables out of scope down to `level`.
    pub(crate) fn remove_vars(&mut self, level: usize) {
        while self.fs.actvars.len() > level {
            let v = self.fs.actvars.pop().expect("variable");
            if self.res.vars[v].kind != VarKind::Ctc {
                let pc = self.pc() as u32;
                self.fs.f.loc_vars[self.pidx[v]].end_pc = pc;
            }
        }
    }

    /// Opens a scope.
    pub(crate) fn enter_block(&mut self, mut bl: BlockState) {
        bl.nactvar = self.fs.actvars.len();
        bl.inside_tbc = self.fs.bl.last().is_some_and(|b| b.inside_tbc);
        self.fs.bl.push(bl);
    }

    /// Closes the current scope. A loop's end is where its breaks jump;
    /// leaving the scope of captured or to-be-closed variables closes them.
    pub(crate) fn leave_block(&mut self) -> GResult<BlockState> {
        let bl = *self.fs.bl.last().expect("block");
        let stk_level = self.reg_level(bl.nactvar);
        let mut has_close = false;
        if let Some(lp) = bl.loop_stat {
            let list = self.take_pending(lp);
            let here = self.get_label();
            self.patch_list(list, here)?;
            if self.res.loops.get(&lp).is_some_and(|l| l.break_close) {
                // The reference (5.4.4) closes from the level of the loop's
                // control variables here, which misses the closing value of
                // a generic for; like Lua 5.4.6 we close from the level
                // outside the loop.
                let level = if self.luac544 {
                    self.nvarstack()
                } else {
                    stk_level
                };
                self.code_abc(OpCode::Close, level, 0, 0);
                has_close = true;
            }
        }
        if !has_close && self.fs.bl.len() > 1 && bl.upval {
            self.code_abc(OpCode::Close, stk_level, 0, 0);
        }
        self.fs.bl.pop();
        self.remove_vars(bl.nactvar);
        self.fs.free_reg = stk_level;
        Ok(bl)
    }

    /// Notes that the current block has a to-be-closed variable.
    pub(crate) fn mark_to_be_closed(&mut self) {
        let bl = self.fs.bl.last_mut().expect("block");
        bl.upval = true;
        bl.inside_tbc = true;
    }

    /// Returns and forgets the jumps waiting for a target.
    pub(crate) fn take_pending(&mut self, target: usize) -> usize {
        self.pending.remove(&target).unwrap_or(NO_JUMP)
    }
}
