//! The bytecode verifier: checks that a prototype (and every prototype
//! nested in it) keeps each invariant the VM relies on, so that the VM may
//! access registers, constants, upvalues and nested prototypes without
//! bounds checks. The compiler always produces such code; `undump` runs
//! [`verify`] on everything it loads.
//!
//! # What verified code guarantees
//!
//! For a prototype `p` that passed [`verify`], and each nested one:
//!
//! * **Shape.** `p.code` is not empty, every instruction's opcode field is a
//!   valid [`OpCode`], `2 <= p.max_stack_size <= 255`,
//!   `p.num_params <= p.max_stack_size`, `p.line_info.len() == p.code.len()`,
//!   every local's range lies within the code.
//! * **Registers.** Every register index an instruction reads or writes is
//!   `< p.max_stack_size`, ranges included: LOADNIL A..A+B, CALL A..A+B-1
//!   (arguments) and A..A+C-2 (results), TAILCALL A..A+B-1, RETURN
//!   A..A+B-2, CONCAT A..A+B-1, SETLIST A..A+B, SELF A..A+1, FORPREP and
//!   FORLOOP A..A+3, TFORPREP A..A+3, TFORCALL A..A+6 and A+4..A+3+C,
//!   TFORLOOP A..A+4, VARARG A..A+C-2. The exception is an operand of 0
//!   that means "up to the stack top" (B = 0 in CALL, TAILCALL, RETURN and
//!   SETLIST; C = 0 in CALL and VARARG): the values beyond the fixed
//!   registers are counted at run time, and the VM must make room for them
//!   itself (as the reference does with `luaD_checkstack`). Register A is
//!   still `< max_stack_size` there. A is not a register, and may be any
//!   value, in RETURN0 and in RETURN with B = 1 (no values), JMP and
//!   EXTRAARG; the VM must not form a register address from it there.
//! * **Stack top.** An instruction that takes its operand count from the
//!   top (B = 0 above) directly follows a CALL or VARARG with C = 0 that set
//!   it, whose results start at or after its first operand; no jump lands
//!   on it.
//! * **Constants.** Every constant index is `< p.constants.len()` and of
//!   the kind the opcode needs: a string for GETTABUP, GETFIELD, SETTABUP,
//!   SETFIELD and SELF with k; a number for ADDK .. IDIVK; an integer for
//!   BANDK, BORK, BXORK. LOADKX's index is in its EXTRAARG.
//! * **Upvalues.** Every upvalue index (GETUPVAL, SETUPVAL, GETTABUP,
//!   SETTABUP) is `< p.upvalues.len()`. In a nested prototype, an
//!   `in_stack` upvalue's index is a register of the parent (`<` its
//!   `max_stack_size`), any other one an upvalue of the parent.
//! * **Prototypes.** CLOSURE's Bx is `< p.protos.len()`.
//! * **Control flow.** Every jump target and every fall-through successor is
//!   an instruction of the code (so the last instruction never falls
//!   through: it is a return, a tail call or a jump) and never an
//!   EXTRAARG. Tests (EQ .. TESTSET) are followed by a JMP; arithmetic by
//!   its MMBIN-family instruction (and an MMBIN-family instruction always
//!   follows its operation, with an event from `__add` .. `__shr`,
//!   `__unm`, `__bnot`); LOADKX, NEWTABLE and SETLIST with k by an
//!   EXTRAARG; TFORCALL by a TFORLOOP with the same A; TFORPREP jumps to a
//!   TFORCALL with the same A.
//! * **Varargs.** A vararg function starts with VARARGPREP whose A is
//!   `num_params`, VARARGPREP appears nowhere else and nothing jumps to
//!   it; a function that is not vararg has none. In a vararg function
//!   RETURN and TAILCALL have C = num_params + 1 and RETURN0/RETURN1 do not
//!   occur; elsewhere C = 0.
//! * **Types.** SETLIST's R\[A\] holds a table made by NEWTABLE on every
//!   path, and FORLOOP's R\[A..A+2\] hold the counters FORPREP (or the
//!   previous FORLOOP) prepared, not written since; a register that an open
//!   upvalue may change never counts for either. Apart from these, the
//!   verifier knows nothing of the types of values in registers.
//! * **Sizes.** NEWTABLE's size hints are bounded by what the code could
//!   fill.
//!
//! Not guaranteed: that upvalues and to-be-closed variables are closed
//! before a return (RETURN0 closes nothing); the VM must not leave a
//! dangling reference to a popped frame whatever the code does.

use std::fmt;

use crate::instruction::{Instruction, MAX_ARG_B, MAX_ARG_C, MAX_REGISTERS};
use crate::opcodes::{OpCode, TagMethod};
use crate::proto::{Constant, Proto};

/// The deepest nesting of functions that [`verify`] and `undump` accept
/// (the parser's limit is lower).
pub const MAX_DEPTH: usize = 250;

/// Why a prototype failed [`verify`]: the function (by the line where it
/// is defined), the instruction and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    message: String,
}

impl VerifyError {
    #[cold]
    fn new(message: String) -> VerifyError {
        VerifyError { message }
    }

    /// The description ("function at line 3: pc 7 (CALL): register 9 out of
    /// 8").
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VerifyError {}

type Res<T = ()> = Result<T, String>;

/// Checks that `p` and its nested prototypes keep every invariant the VM
/// relies on (listed in this module's documentation).
///
/// ```
/// use lunar_compile::{Instruction, OpCode, Proto};
/// use lunar_compile::verify::verify;
/// let mut p = Proto {
///     max_stack_size: 2,
///     code: vec![Instruction::abc(OpCode::Return1, 1, 0, 0, false)],
///     line_info: vec![1],
///     ..Proto::default()
/// };
/// assert!(verify(&p).is_ok());
/// p.code[0].set_a(2); // register 2 of 2
/// assert!(verify(&p).is_err());
/// ```
pub fn verify(p: &Proto) -> Result<(), VerifyError> {
    verify_nested(p, None, 0, &mut FlowBuffers::default())
}

/// Checks `p` alone, not the prototypes nested in it: the invariants of
/// this module's documentation for `p`'s own code, with `parent` the
/// prototype `p` is nested in (`None` for a main function), against which
/// `p`'s upvalue descriptions are checked.
///
/// A VM that verifies lazily calls this for a main function when it loads
/// it and for each nested prototype the first time it makes a closure of
/// it (with the enclosing prototype, verified already, as `parent`), so
/// that code that never runs is never checked. Everything [`verify`]
/// proves for a prototype it proves for `p`, except the bound on nesting
/// depth, which guards [`verify`]'s own recursion.
///
/// ```
/// use std::sync::Arc;
/// use lunar_compile::{Instruction, OpCode, Proto};
/// use lunar_compile::verify::verify_function_only;
/// let bad = Proto {
///     max_stack_size: 2,
///     code: vec![Instruction::abc(OpCode::Return1, 7, 0, 0, false)],
///     line_info: vec![1],
///     ..Proto::default()
/// };
/// let main = Proto {
///     max_stack_size: 2,
///     code: vec![Instruction::abc(OpCode::Return0, 0, 0, 0, false)],
///     line_info: vec![1],
///     protos: vec![Arc::new(bad)],
///     ..Proto::default()
/// };
/// assert!(verify_function_only(&main, None).is_ok());
/// assert!(verify_function_only(&main.protos[0], Some(&main)).is_err());
/// ```
pub fn verify_function_only(p: &Proto, parent: Option<&Proto>) -> Result<(), VerifyError> {
    match verify_function(p, parent, &mut FlowBuffers::default()) {
        Ok(()) => Ok(()),
        Err(e) => Err(VerifyError::new(format!(
            "function at line {}: {e}",
            p.line_defined
        ))),
    }
}

fn verify_nested(
    p: &Proto,
    parent: Option<&Proto>,
    depth: usize,
    buf: &mut FlowBuffers,
) -> Result<(), VerifyError> {
    if depth > MAX_DEPTH {
        return Err(VerifyError::new("functions nested too deeply".to_string()));
    }
    if let Err(e) = verify_function(p, parent, buf) {
        return Err(VerifyError::new(format!(
            "function at line {}: {e}",
            p.line_defined
        )));
    }
    for sub in &p.protos {
        verify_nested(sub, Some(p), depth + 1, buf)?;
    }
    Ok(())
}

fn verify_function(f: &Proto, parent: Option<&Proto>, buf: &mut FlowBuffers) -> Res {
    let n = f.code.len();
    if n == 0 {
        return Err("no code".into());
    }
    if f.max_stack_size < 2 || f.max_stack_size as u32 > MAX_REGISTERS {
        return Err(format!("bad stack size {}", f.max_stack_size));
    }
    if f.num_params > f.max_stack_size {
        return Err(format!("bad parameter count {}", f.num_params));
    }
    if f.line_info.len() != n {
        return Err(format!("{n} instructions, {} lines", f.line_info.len()));
    }
    if n > i32::MAX as usize {
        return Err("too many instructions".into());
    }
    if let Some(parent) = parent {
        for (i, u) in f.upvalues.iter().enumerate() {
            if u.in_stack && u.index >= parent.max_stack_size {
                return Err(format!(
                    "upvalue {i}: register {} out of {}",
                    u.index, parent.max_stack_size
                ));
            }
            if !u.in_stack && u.index as usize >= parent.upvalues.len() {
                return Err(format!(
                    "upvalue {i}: enclosing upvalue {} out of {}",
                    u.index,
                    parent.upvalues.len()
                ));
            }
        }
    }
    for v in &f.loc_vars {
        if v.start_pc > v.end_pc || v.end_pc as usize > n {
            return Err(format!(
                "local {:?}: range {}..{} out of {n}",
                String::from_utf8_lossy(&v.name),
                v.start_pc,
                v.end_pc
            ));
        }
    }
    // Decode every opcode once, so that the checks below never meet a bad
    // one, and in the same pass mark the jump targets and count what the
    // later checks need counted.
    let mut ops = Vec::with_capacity(n);
    let mut targets = vec![false; n + 2];
    let (mut set_lists, mut for_loops) = (0usize, false);
    for (pc, &i) in f.code.iter().enumerate() {
        let Some(op) = i.op() else {
            return Err(format!("pc {}: bad opcode {}", pc + 1, i.opcode_byte()));
        };
        ops.push(op);
        if let Some(t) = jump_target(pc, op, i)
            && t >= 0
            && (t as usize) < targets.len()
        {
            targets[t as usize] = true;
        }
        match op {
            OpCode::SetList => set_lists += 1,
            OpCode::ForLoop => for_loops = true,
            _ => {}
        }
    }
    let v = Verifier {
        f,
        ops,
        targets,
        set_lists,
        needs_flow: set_lists > 0 || for_loops,
    };
    if f.is_vararg {
        if v.ops[0] != OpCode::VarargPrep {
            return Err("vararg function does not start with VARARGPREP".into());
        }
        if v.targets[0] {
            return Err("jump to VARARGPREP".into());
        }
    }
    for pc in 0..n {
        if let Err(e) = v.instruction(pc) {
            return Err(format!("pc {} ({}): {e}", pc + 1, v.ops[pc]));
        }
    }
    v.flow(buf)
}

/// The flow analysis's per-instruction tables, kept from one function to
/// the next so that each function does not allocate (and the allocator
/// does not clear) its own.
#[derive(Default)]
struct FlowBuffers {
    small: Vec<FlowState<SmallRegs>>,
    big: Vec<FlowState<RegSet>>,
    seen: Vec<bool>,
    queued: Vec<bool>,
}

/// Where instruction `pc` (opcode `op`) may jump or loop to other than
/// its fall-through successor, if anywhere: the instructions the checks
/// treat as jump targets. (Unchecked: the target may be outside the code.)
#[inline]
fn jump_target(pc: usize, op: OpCode, i: Instruction) -> Option<i64> {
    let p = pc as i64;
    match op {
        OpCode::Jmp => Some(p + 1 + i.sj() as i64),
        OpCode::ForPrep => Some(p + 2 + i.bx() as i64),
        OpCode::ForLoop | OpCode::TForLoop => Some(p + 1 - i.bx() as i64),
        OpCode::TForPrep => Some(p + 1 + i.bx() as i64),
        OpCode::LFalseSkip => Some(p + 2),
        _ if op.is_test() || mm_for(op).is_some() => Some(p + 2),
        _ => None,
    }
}

/// The MMBIN-family instruction that must follow `op`, if any.
fn mm_for(op: OpCode) -> Option<OpCode> {
    op.mm_follower()
}

struct Verifier<'a> {
    f: &'a Proto,
    /// The decoded opcode of each instruction.
    ops: Vec<OpCode>,
    /// Marks the instructions that a jump lands on.
    targets: Vec<bool>,
    /// The number of SETLIST instructions.
    set_lists: usize,
    /// True when the code has a SETLIST or a FORLOOP, whose registers the
    /// flow analysis checks.
    needs_flow: bool,
}

impl Verifier<'_> {
    fn n(&self) -> usize {
        self.f.code.len()
    }

    fn reg(&self, r: u32) -> Res {
        if r >= self.f.max_stack_size as u32 {
            return Err(format!("register {r} out of {}", self.f.max_stack_size));
        }
        Ok(())
    }

    /// Checks registers a..=b (none when b < a).
    fn regs(&self, a: u32, b: u32) -> Res {
        if b < a {
            return Ok(());
        }
        self.reg(a)?;
        self.reg(b)
    }

    fn k(&self, i: u32) -> Res<&Constant> {
        self.f
            .constants
            .get(i as usize)
            .ok_or_else(|| format!("constant {i} out of {}", self.f.constants.len()))
    }

    fn k_string(&self, i: u32) -> Res {
        match self.k(i)? {
            Constant::Str(_) => Ok(()),
            _ => Err(format!("constant {i} is not a string")),
        }
    }

    fn up(&self, i: u32) -> Res {
        if i as usize >= self.f.upvalues.len() {
            return Err(format!("upvalue {i} out of {}", self.f.upvalues.len()));
        }
        Ok(())
    }

    /// Checks that execution may continue at instruction index `t`: it
    /// exists and is not an EXTRAARG.
    fn target(&self, t: i64) -> Res {
        if t < 0 || t >= self.n() as i64 {
            return Err(format!("jump to {} out of {}", t + 1, self.n()));
        }
        if self.ops[t as usize] == OpCode::ExtraArg {
            return Err(format!("jump to EXTRAARG at {}", t + 1));
        }
        Ok(())
    }

    /// The instruction after `pc`, which must exist.
    fn next(&self, pc: usize) -> Res<(OpCode, Instruction)> {
        if pc + 1 >= self.n() {
            return Err("missing next instruction".into());
        }
        Ok((self.ops[pc + 1], self.f.code[pc + 1]))
    }

    /// The EXTRAARG after `pc`, which must exist.
    fn extra_arg(&self, pc: usize) -> Res<u32> {
        match self.next(pc)? {
            (OpCode::ExtraArg, i) => Ok(i.ax()),
            _ => Err("no EXTRAARG".into()),
        }
    }

    /// Checks RK(C) of instruction `i`.
    fn rk(&self, i: Instruction) -> Res {
        if i.k() {
            self.k(i.c()).map(|_| ())
        } else {
            self.reg(i.c())
        }
    }

    /// Checks the C operand of RETURN and TAILCALL: the number of fixed
    /// parameters plus one in a vararg function (the VM uses it to find the
    /// frame's real start), 0 elsewhere.
    fn return_c(&self, c: u32) -> Res {
        let want = if self.f.is_vararg {
            self.f.num_params as u32 + 1
        } else {
            0
        };
        if c != want {
            return Err(format!("C is {c}, not {want}"));
        }
        Ok(())
    }

    fn instruction(&self, pc: usize) -> Res {
        let f = self.f;
        let i = f.code[pc];
        let op = self.ops[pc];
        let (a, b, c) = (i.a(), i.b(), i.c());
        let p = pc as i64;
        // Control flow: where execution may go after this instruction.
        match op {
            OpCode::Return | OpCode::Return0 | OpCode::Return1 | OpCode::TailCall => {}
            OpCode::Jmp => self.target(p + 1 + i.sj() as i64)?,
            OpCode::LoadKX | OpCode::NewTable => {
                self.extra_arg(pc)?;
                self.target(p + 2)?;
            }
            OpCode::SetList => {
                if i.k() {
                    self.extra_arg(pc)?;
                    self.target(p + 2)?;
                } else {
                    self.target(p + 1)?;
                }
            }
            OpCode::LFalseSkip => self.target(p + 2)?,
            OpCode::ForPrep => {
                self.target(p + 1)?;
                self.target(p + 2 + i.bx() as i64)?;
            }
            OpCode::ForLoop | OpCode::TForLoop => {
                self.target(p + 1)?;
                self.target(p + 1 - i.bx() as i64)?;
            }
            OpCode::TForPrep => {
                let t = p + 1 + i.bx() as i64;
                self.target(t)?;
                if self.ops[t as usize] != OpCode::TForCall || f.code[t as usize].a() != a {
                    return Err("TFORPREP does not jump to its TFORCALL".into());
                }
            }
            OpCode::TForCall => match self.next(pc)? {
                (OpCode::TForLoop, nx) if nx.a() == a => {}
                _ => return Err("TFORCALL not followed by its TFORLOOP".into()),
            },
            _ => {
                if op.is_test() {
                    if self.next(pc)?.0 != OpCode::Jmp {
                        return Err("test not followed by a jump".into());
                    }
                    self.target(p + 2)?;
                } else if let Some(mm) = mm_for(op) {
                    if self.next(pc)?.0 != mm {
                        return Err(format!("not followed by {mm}"));
                    }
                    self.target(p + 2)?;
                } else {
                    self.target(p + 1)?;
                }
            }
        }
        // Operands. The match is exhaustive so that a new opcode must say
        // what it touches.
        use OpCode::*;
        match op {
            Move | Unm | BNot | Not | Len => {
                self.reg(a)?;
                self.reg(b)
            }
            LoadI | LoadF | LoadFalse | LFalseSkip | LoadTrue | Close | Tbc | Test => self.reg(a),
            LoadK => {
                self.k(i.bx())?;
                self.reg(a)
            }
            LoadKX => {
                self.k(f.code[pc + 1].ax())?;
                self.reg(a)
            }
            LoadNil => self.regs(a, a + b),
            GetUpval | SetUpval => {
                self.reg(a)?;
                self.up(b)
            }
            GetTabUp => {
                self.reg(a)?;
                self.up(b)?;
                self.k_string(c)
            }
            GetTable => {
                self.reg(a)?;
                self.reg(b)?;
                self.reg(c)
            }
            GetI => {
                self.reg(a)?;
                self.reg(b)
            }
            GetField => {
                self.reg(a)?;
                self.reg(b)?;
                self.k_string(c)
            }
            SetTabUp => {
                self.up(a)?;
                self.k_string(b)?;
                self.rk(i)
            }
            SetTable => {
                self.reg(a)?;
                self.reg(b)?;
                self.rk(i)
            }
            SetI => {
                self.reg(a)?;
                self.rk(i)
            }
            SetField => {
                self.reg(a)?;
                self.k_string(b)?;
                self.rk(i)
            }
            NewTable => {
                // The size hints make the VM allocate: keep them within what
                // the function's code could fill (each hash field needs an
                // instruction, each SETLIST stores at most 255 items).
                if b > 0 && (b > 31 || (1u64 << (b - 1)) > 2 * self.n() as u64) {
                    return Err(format!("hash size hint {b} too large"));
                }
                let mut size = c as u64;
                if i.k() {
                    size += f.code[pc + 1].ax() as u64 * (MAX_ARG_C as u64 + 1);
                }
                if size > (MAX_ARG_B as u64 + 1) * self.set_lists as u64 {
                    return Err(format!("array size hint {size} too large"));
                }
                self.reg(a)
            }
            SelfOp => {
                self.regs(a, a + 1)?;
                self.reg(b)?;
                if i.k() { self.k_string(c) } else { self.reg(c) }
            }
            AddI | ShrI | ShlI => {
                self.reg(a)?;
                self.reg(b)
            }
            AddK | SubK | MulK | ModK | PowK | DivK | IDivK => {
                if !self.k(c)?.is_number() {
                    return Err(format!("constant {c} is not a number"));
                }
                self.reg(a)?;
                self.reg(b)
            }
            BAndK | BOrK | BXorK => {
                if !matches!(self.k(c)?, Constant::Int(_)) {
                    return Err(format!("constant {c} is not an integer"));
                }
                self.reg(a)?;
                self.reg(b)
            }
            Add | Sub | Mul | Mod | Pow | Div | IDiv | BAnd | BOr | BXor | Shl | Shr => {
                self.reg(a)?;
                self.reg(b)?;
                self.reg(c)
            }
            MmBin | MmBinI | MmBinK => {
                if pc == 0 {
                    return Err("no operation before it".into());
                }
                if mm_for(self.ops[pc - 1]) != Some(op) {
                    return Err("does not follow its operation".into());
                }
                let event = u8::try_from(c).ok().and_then(TagMethod::from_u8);
                if !event.is_some_and(TagMethod::is_binary_event) {
                    return Err(format!("bad metamethod event {c}"));
                }
                match op {
                    MmBin => {
                        self.reg(a)?;
                        self.reg(b)
                    }
                    MmBinK => {
                        self.k(b)?;
                        self.reg(a)
                    }
                    _ => self.reg(a),
                }
            }
            Concat => {
                if b < 1 {
                    return Err("bad operand count".into());
                }
                self.regs(a, a + b - 1)
            }
            Jmp | ExtraArg => Ok(()),
            Eq | Lt | Le | TestSet => {
                self.reg(a)?;
                self.reg(b)
            }
            EqK => {
                self.k(b)?;
                self.reg(a)
            }
            EqI | LtI | LeI | GtI | GeI => self.reg(a),
            Call | TailCall => {
                self.reg(a)?;
                if b == 0 {
                    self.uses_top(pc, a + 1)?;
                } else {
                    self.regs(a, a + b - 1)?;
                }
                if op == TailCall {
                    return self.return_c(c);
                }
                if c > 1 {
                    return self.regs(a, a + c - 2);
                }
                Ok(())
            }
            Return => {
                self.return_c(c)?;
                match b {
                    0 => {
                        self.reg(a)?;
                        self.uses_top(pc, a)
                    }
                    1 => Ok(()),
                    _ => self.regs(a, a + b - 2),
                }
            }
            Return0 | Return1 => {
                if f.is_vararg {
                    return Err("in a vararg function".into());
                }
                if op == Return1 { self.reg(a) } else { Ok(()) }
            }
            ForLoop | ForPrep | TForPrep => self.regs(a, a + 3),
            TForCall => self.regs(a, a + 6 + c.saturating_sub(3)),
            TForLoop => self.regs(a, a + 4),
            SetList => {
                if b == 0 {
                    self.reg(a)?;
                    self.uses_top(pc, a + 1)
                } else {
                    self.regs(a, a + b)
                }
            }
            Closure => {
                if i.bx() as usize >= f.protos.len() {
                    return Err(format!("function {} out of {}", i.bx(), f.protos.len()));
                }
                self.reg(a)
            }
            Vararg => {
                if !f.is_vararg {
                    return Err("VARARG in a function that is not vararg".into());
                }
                self.reg(a)?;
                if c >= 2 {
                    self.regs(a, a + c - 2)
                } else {
                    Ok(())
                }
            }
            VarargPrep => {
                if !f.is_vararg || pc != 0 {
                    return Err("VARARGPREP not at the start of a vararg function".into());
                }
                if a != f.num_params as u32 {
                    return Err(format!("VARARGPREP {a} with {} parameters", f.num_params));
                }
                Ok(())
            }
        }
    }

    /// Checks an instruction that takes its operand count from the stack
    /// top: it must come right after a call or vararg that leaves its
    /// results there (starting at least at register `min`), and no jump may
    /// land on it.
    fn uses_top(&self, pc: usize, min: u32) -> Res {
        const MSG: &str = "uses the stack top with nothing setting it";
        if pc == 0 {
            return Err(MSG.into());
        }
        let prev = self.f.code[pc - 1];
        let mut min = min;
        match self.ops[pc - 1] {
            // Unreachable: a tail call does not fall through, and no jump
            // lands here (checked below).
            OpCode::TailCall => min = prev.a(),
            OpCode::Call | OpCode::Vararg if prev.c() == 0 => {}
            _ => return Err(MSG.into()),
        }
        if prev.a() < min {
            return Err("stack top below its operands".into());
        }
        if self.targets[pc] {
            return Err("uses the stack top at a jump target".into());
        }
        Ok(())
    }

    /// Checks the register types the VM relies on with a forward data-flow
    /// analysis: "register certainly holds a table made by NEWTABLE" (for
    /// SETLIST) and "R\[A..A+2\] certainly hold the counters of a numeric for
    /// loop" (for FORLOOP), each kept by intersection where paths meet;
    /// any instruction that may write a register clears it. A register that
    /// a closure may have captured, with its upvalue still open, could be
    /// changed by any call, so it never counts; that set is kept by union
    /// (CLOSURE adds to it, CLOSE removes from it).
    fn flow(&self, buf: &mut FlowBuffers) -> Res {
        if !self.needs_flow {
            return Ok(());
        }
        // Registers are below the stack size, which most functions keep
        // within one word.
        let n = self.n();
        let (seen, queued) = (&mut buf.seen, &mut buf.queued);
        seen.clear();
        seen.resize(n, false);
        queued.clear();
        queued.resize(n, false);
        if self.f.max_stack_size <= 64 {
            buf.small.clear();
            buf.small.resize(n, FlowState::default());
            self.flow_with(&mut buf.small, seen, queued)
        } else {
            buf.big.clear();
            buf.big.resize(n, FlowState::default());
            self.flow_with(&mut buf.big, seen, queued)
        }
    }

    /// [`Verifier::flow`] with register sets of type `S`, which must hold
    /// every register below the function's stack size, and tables of `n`
    /// entries: the input states (default), and the instructions seen and
    /// queued (false).
    fn flow_with<S: Regs>(
        &self,
        input: &mut [FlowState<S>],
        seen: &mut [bool],
        queued: &mut [bool],
    ) -> Res {
        let f = self.f;
        let n = self.n();
        seen[0] = true;
        queued[0] = true;
        // The instructions whose input changed are visited in order of
        // their index, sweeping the code again from the start while some
        // remain: forward edges are followed in the same sweep, and only a
        // loop's edge back needs another one. (A stack of them instead
        // visited the code many times over.) The fixed point, and so the
        // verdict, does not depend on the order.
        let mut pending = 1usize;
        let mut pc = 0;
        while pending > 0 {
            if pc >= n {
                pc = 0;
            }
            if !queued[pc] {
                pc += 1;
                continue;
            }
            queued[pc] = false;
            pending -= 1;
            let mut st = input[pc];
            // Along straight-line code the state goes from one instruction
            // to the next without being stored: an instruction that only
            // its predecessor falls into (no jump lands on it) has that
            // predecessor's output as its input, and is visited again
            // whenever that predecessor is.
            loop {
                self.flow_step(pc, &mut st)?;
                let i = f.code[pc];
                let op = self.ops[pc];
                let next = pc + 1;
                if FALLS_THROUGH[op as usize] && next < n && !self.targets[next] {
                    pc = next;
                    continue;
                }
                // FORPREP prepares the counters only on the way into the
                // loop; FORLOOP keeps them only on the way back.
                let a = i.a();
                let (loop_edge, exit_edge) = match op {
                    OpCode::ForPrep => (Some(pc as i64 + 1), pc as i64 + 2 + i.bx() as i64),
                    OpCode::ForLoop => (Some(pc as i64 + 1 - i.bx() as i64), pc as i64 + 1),
                    _ => (None, -1),
                };
                for s in successors(f, &self.ops, pc) {
                    if s < 0 || s >= n as i64 {
                        continue;
                    }
                    let s_idx = s as usize;
                    let mut out = st;
                    if loop_edge == Some(s) && s != exit_edge {
                        out.loops.set(a);
                    }
                    let next = if seen[s_idx] {
                        input[s_idx].meet(&out)
                    } else {
                        out
                    };
                    if seen[s_idx] && next == input[s_idx] {
                        continue;
                    }
                    seen[s_idx] = true;
                    input[s_idx] = next;
                    if !queued[s_idx] {
                        queued[s_idx] = true;
                        pending += 1;
                    }
                }
                break;
            }
            pc += 1;
        }
        Ok(())
    }

    /// Checks instruction `pc` against its input state `st` and turns the
    /// state into the instruction's output.
    fn flow_step<S: Regs>(&self, pc: usize, st: &mut FlowState<S>) -> Res {
        let f = self.f;
        let i = f.code[pc];
        let op = self.ops[pc];
        let a = i.a();
        match op {
            OpCode::SetList if !st.tables.has(a) || st.open.has(a) => {
                return Err(format!(
                    "pc {}: SETLIST on a register that may not hold a table",
                    pc + 1
                ));
            }
            OpCode::ForLoop if !st.loops.has(a) || st.open.any(a, a + 2) => {
                return Err(format!(
                    "pc {}: FORLOOP on registers not prepared by FORPREP",
                    pc + 1
                ));
            }
            _ => {}
        }
        // Most of the code runs with neither sets' registers in play.
        if !st.tables.is_empty() || !st.loops.is_empty() {
            let (lo, hi) = writes(f, &self.ops, pc);
            if lo <= hi {
                st.tables.clear(lo, hi);
                // A loop's counters are lost when any of them is written.
                st.loops.clear(lo.saturating_sub(2), hi);
            }
        }
        match op {
            OpCode::NewTable => st.tables.set(a),
            OpCode::Closure => {
                for u in &f.protos[i.bx() as usize].upvalues {
                    if u.in_stack {
                        st.open.set(u.index as u32);
                    }
                }
            }
            OpCode::Close => st.open.clear(a, 255),
            _ => {}
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct FlowState<S> {
    /// Registers that certainly hold a table made by NEWTABLE.
    tables: S,
    /// Registers A of numeric for loops whose counters are prepared.
    loops: S,
    /// Registers that an open upvalue may refer to.
    open: S,
}

impl<S: Regs> FlowState<S> {
    fn meet(&self, o: &FlowState<S>) -> FlowState<S> {
        FlowState {
            tables: self.tables.and(o.tables),
            loops: self.loops.and(o.loops),
            open: self.open.or(o.open),
        }
    }
}

/// A set of registers for the flow analysis. Registers the type cannot hold
/// are ignored, which is right only for functions whose registers all fit.
trait Regs: Copy + Default + Eq {
    fn is_empty(&self) -> bool;
    fn set(&mut self, r: u32);
    fn has(&self, r: u32) -> bool;
    /// True when any register of lo..=hi is in the set.
    fn any(&self, lo: u32, hi: u32) -> bool;
    fn and(self, t: Self) -> Self;
    fn or(self, t: Self) -> Self;
    /// Removes registers lo..=hi.
    fn clear(&mut self, lo: u32, hi: u32);
}

/// A set of the registers below 64, for functions with at most 64.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct SmallRegs(u64);

impl SmallRegs {
    /// The registers lo..=hi that are below 64.
    fn range(lo: u32, hi: u32) -> u64 {
        let hi = hi.min(63);
        if lo > hi {
            return 0;
        }
        let width = hi - lo + 1;
        let bits = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        bits << lo
    }
}

impl Regs for SmallRegs {
    fn is_empty(&self) -> bool {
        self.0 == 0
    }

    fn set(&mut self, r: u32) {
        if r < 64 {
            self.0 |= 1 << r;
        }
    }

    fn has(&self, r: u32) -> bool {
        r < 64 && self.0 & (1 << r) != 0
    }

    fn any(&self, lo: u32, hi: u32) -> bool {
        self.0 & SmallRegs::range(lo, hi) != 0
    }

    fn and(self, t: Self) -> Self {
        SmallRegs(self.0 & t.0)
    }

    fn or(self, t: Self) -> Self {
        SmallRegs(self.0 | t.0)
    }

    fn clear(&mut self, lo: u32, hi: u32) {
        self.0 &= !SmallRegs::range(lo, hi);
    }
}

/// A set of the 256 possible registers.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct RegSet([u64; 4]);

impl Regs for RegSet {
    fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    fn set(&mut self, r: u32) {
        if r < 256 {
            self.0[(r >> 6) as usize] |= 1 << (r & 63);
        }
    }

    fn has(&self, r: u32) -> bool {
        r < 256 && self.0[(r >> 6) as usize] & (1 << (r & 63)) != 0
    }

    /// True when any register of lo..=hi is in the set.
    fn any(&self, lo: u32, hi: u32) -> bool {
        let m = RegSet::range(lo, hi);
        (0..4).any(|w| self.0[w] & m.0[w] != 0)
    }

    fn and(self, t: RegSet) -> RegSet {
        RegSet(std::array::from_fn(|i| self.0[i] & t.0[i]))
    }

    fn or(self, t: RegSet) -> RegSet {
        RegSet(std::array::from_fn(|i| self.0[i] | t.0[i]))
    }

    /// Removes registers lo..=hi.
    fn clear(&mut self, lo: u32, hi: u32) {
        let m = RegSet::range(lo, hi);
        for w in 0..4 {
            self.0[w] &= !m.0[w];
        }
    }
}

impl RegSet {
    /// The set of registers lo..=hi (those below 256), built a word at a
    /// time: calls clear everything from their base up.
    fn range(lo: u32, hi: u32) -> RegSet {
        let hi = hi.min(255);
        RegSet(std::array::from_fn(|w| {
            let base = w as u32 * 64;
            let (l, h) = (lo.max(base), hi.min(base + 63));
            if l > h {
                return 0;
            }
            let width = h - l + 1;
            let bits = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            bits << (l - base)
        }))
    }
}

/// The range of registers instruction `pc` may write (`lo > hi`: none).
fn writes(f: &Proto, ops: &[OpCode], pc: usize) -> (u32, u32) {
    let i = f.code[pc];
    let a = i.a();
    use OpCode::*;
    match ops[pc] {
        Call | Vararg => (a, 255),
        TForCall => (a + 4, 255),
        LoadNil => (a, a + i.b()),
        SelfOp => (a, a + 1),
        ForPrep | ForLoop => (a, a + 3),
        TForLoop => (a + 2, a + 2),
        Concat => (a, a + i.b()),
        MmBin | MmBinI | MmBinK => {
            let pa = f.code[pc - 1].a();
            (pa, pa)
        }
        op if op.sets_a() => (a, a),
        _ => (1, 0),
    }
}

/// For each opcode, whether execution always goes on with the next
/// instruction and only there (what `successors` says, without looking at
/// operands): the flow analysis's straight-line case.
static FALLS_THROUGH: [bool; crate::opcodes::NUM_OPCODES] = {
    use OpCode::*;
    let mut t = [false; crate::opcodes::NUM_OPCODES];
    let mut i = 0;
    while i < t.len() {
        let op = OpCode::ALL[i];
        t[i] = !matches!(
            op,
            Return
                | Return0
                | Return1
                | TailCall
                | Jmp
                | LoadKX
                | NewTable
                | LFalseSkip
                | SetList
                | ForPrep
                | ForLoop
                | TForLoop
                | TForPrep
        ) && !op.is_test()
            && op.mm_follower().is_none();
        i += 1;
    }
    t
};

/// Where execution may go after instruction `pc` (verified to be inside
/// the code by the instruction checks): up to two instruction indices.
fn successors(f: &Proto, ops: &[OpCode], pc: usize) -> impl Iterator<Item = i64> {
    let i = f.code[pc];
    let p = pc as i64;
    use OpCode::*;
    let (s, n): ([i64; 2], usize) = match ops[pc] {
        Return | Return0 | Return1 | TailCall => ([0, 0], 0),
        Jmp => ([p + 1 + i.sj() as i64, 0], 1),
        LoadKX | NewTable | LFalseSkip => ([p + 2, 0], 1),
        SetList if i.k() => ([p + 2, 0], 1),
        ForPrep => ([p + 1, p + 2 + i.bx() as i64], 2),
        ForLoop | TForLoop => ([p + 1, p + 1 - i.bx() as i64], 2),
        TForPrep => ([p + 1 + i.bx() as i64, 0], 1),
        op if op.is_test() => {
            let j = f.code[pc + 1];
            ([p + 2, p + 2 + j.sj() as i64], 2)
        }
        op if mm_for(op).is_some() => ([p + 1, p + 2], 2),
        _ => ([p + 1, 0], 1),
    };
    s.into_iter().take(n)
}

#[cfg(test)]
mod tests;
