//! The dispatch loop: runs Lua frames of the running thread (the
//! reference's `luaV_execute`). One long function on purpose: the
//! program counter, the register base, the code and the constants stay in
//! locals, and the `match` on the opcode compiles to a jump table.
//!
//! Calls between Lua functions push a frame and `continue 'newframe`;
//! metamethods that are functions are pushed as frames flagged `F_FINISH`
//! (see `meta.rs`), so nothing here recurses in Rust.
//!
//! Register and constant indices are not bounds-checked: the bytecode
//! verifier proves every register operand is below the prototype's
//! `max_stack_size` and every constant index below the number of
//! constants, and `push_lua_frame` makes the stack at least `base +
//! max_stack_size + EXTRA_STACK` slots long (the stack never shrinks while
//! a frame uses it).

use crate::error::Error;
use crate::function::{LuaClosure, UpVal};
use crate::gc::Gc;
use crate::hooks::{HOOK_COUNT, HOOK_LINE};
use crate::meta::{
    float_mod, float_pow, int_floor_div, int_mod, shift_left, to_float, to_int_strict, to_number,
};
use crate::state::{EXTRA_STACK, F_EXTRA_ARGS, F_FINISH, F_TAIL, State};
use crate::table::Table;
use crate::value::{
    TAG_FLOAT, TAG_INT, Value, read_as_float, read_float, read_int, read_payload, read_tag,
};
use lunar_compile::{Instruction, OpCode, TagMethod};
use std::cell::Cell;

// FORLOOP reads its counters' payload words (`read_payload`): `Value` is
// `repr(C, u64)`, 16 bytes, and a number's payload is bytes 8..16.
const _: () = {
    assert!(std::mem::size_of::<Value>() == 16);
    let i = Value::Int(0x0102_0304_0506_0708);
    // SAFETY: a read of the initialised payload word of a local value.
    unsafe {
        assert!(*(&i as *const Value as *const u64).add(1) == 0x0102_0304_0506_0708);
    }
};

impl State {
    /// Runs frames until the frame count drops to `entry` (see
    /// `execute`, which wraps this with error recovery).
    pub(crate) fn run(&mut self, entry: usize) -> Result<(), Error> {
        // Two copies of the loop: one that checks for line and count hooks
        // before each instruction, one that does not; they hand over to
        // each other when hooks are set or removed.
        loop {
            let hooked = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
            let done = if hooked {
                self.run_loop::<true>(entry)?
            } else {
                self.run_loop::<false>(entry)?
            };
            if done {
                return Ok(());
            }
        }
    }

    /// The dispatch loop; `HOOKED`: line or count hooks are set. Returns
    /// `Ok(true)` when the frame count drops to `entry`, `Ok(false)` to
    /// switch to the other copy.
    fn run_loop<const HOOKED: bool>(&mut self, entry: usize) -> Result<bool, Error> {
        'newframe: loop {
            let mut fi = self.th.frames.len() - 1;
            let f = self.th.frames[fi];
            let mut cl = match f.cl {
                Some(cl) => cl,
                None => {
                    if f.flags & crate::state::F_CLOSING != 0 {
                        // A closing method of a failed protected call
                        // returned: close the next variable.
                        self.close_step(fi)?;
                        if self.th.frames.len() <= entry {
                            return Ok(true);
                        }
                        continue 'newframe;
                    }
                    // A native frame whose pending call returned.
                    let r = self.continue_native(true);
                    self.native_result(r)?;
                    if self.th.frames.len() <= entry {
                        return Ok(true);
                    }
                    continue 'newframe;
                }
            };
            let mut rp = cl.proto;
            let mut k: *const Value = rp.k.as_ptr();
            // `rp.code` points at `rp.p.code`, alive as long as `rp`.
            let mut code: *const Instruction = rp.code;
            let mut base = f.base();
            let mut pc = f.pc;
            // One test of the hook mask on the common, hook-free path.
            let mut trap = false;
            if self.th.hook.mask != 0 {
                if pc == 0 && !rp.p.is_vararg {
                    self.hook_call(f.flags & F_TAIL != 0)?;
                }
                trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
            }
            if trap != HOOKED {
                return Ok(false);
            }
            // The registers: a pointer to stack slot `base`, kept in a
            // local so that register access needs no load of the stack's
            // address. Anything that may run Lua code or grow the stack
            // moves the stack, so every such call is wrapped in
            // `protect!`, which derives the pointer again.
            // SAFETY: the stack is longer than `base` (push_lua_frame).
            let mut regs: *mut Value = unsafe { self.th.stack.as_mut_ptr().add(base) };
            macro_rules! protect {
                ($e:expr) => {{
                    let r = $e;
                    // SAFETY: as above; the frame's base is still inside
                    // the (possibly moved) stack.
                    regs = unsafe { self.th.stack.as_mut_ptr().add(base) };
                    r
                }};
            }
            // Makes Lua frame `$fi` (the top frame, with closure `$cl`,
            // registers from `$base`, next instruction `$pc`) the running
            // one without going round 'newframe: the fast path of calls
            // and returns between Lua functions when no hook is set (the
            // work 'newframe does beyond this is for hooks and natives).
            macro_rules! enter_lua {
                ($fi:expr, $cl:expr, $base:expr, $pc:expr) => {{
                    fi = $fi;
                    debug_assert!(fi + 1 == self.th.frames.len());
                    debug_assert!(self.th.hook.mask == 0 && !HOOKED);
                    cl = $cl;
                    rp = cl.proto;
                    k = rp.k.as_ptr();
                    code = rp.code;
                    base = $base;
                    pc = $pc;
                    // SAFETY: as at 'newframe: the stack is longer than
                    // the frame's base (push_lua_frame).
                    regs = unsafe { self.th.stack.as_mut_ptr().add(base) };
                }};
            }
            // After the fast return of RETURN0/RETURN1 popped frame
            // `fi`: leaves the loop at the entry frame, else goes on in a
            // Lua caller directly (no hooks) or through 'newframe.
            macro_rules! back_to_caller {
                () => {{
                    if fi <= entry {
                        return Ok(true);
                    }
                    if !HOOKED {
                        // SAFETY: frame `fi - 1` exists (fi > entry >= 0)
                        // and is now the top frame.
                        let f = unsafe { *self.th.frames.get_unchecked(fi - 1) };
                        if let Some(c) = f.cl {
                            enter_lua!(fi - 1, c, f.base(), f.pc);
                            continue;
                        }
                    }
                    continue 'newframe;
                }};
            }
            macro_rules! reg {
                ($i:expr) => {{
                    let ix = ($i) as usize;
                    debug_assert!(base + ix < self.th.stack.len());
                    debug_assert!(std::ptr::eq(
                        regs,
                        self.th.stack.as_ptr().wrapping_add(base)
                    ));
                    // SAFETY: register operands are below max_stack_size
                    // (verifier), the stack holds base + max_stack_size
                    // slots (push_lua_frame), and `regs` points at slot
                    // `base` of the current stack (`protect!`).
                    unsafe { crate::value::read_value(regs.add(ix)) }
                }};
            }
            macro_rules! set_reg {
                ($i:expr, $v:expr) => {{
                    let v = $v;
                    let ix = ($i) as usize;
                    debug_assert!(base + ix < self.th.stack.len());
                    debug_assert!(std::ptr::eq(
                        regs,
                        self.th.stack.as_ptr().wrapping_add(base)
                    ));
                    // SAFETY: as in `reg!`.
                    unsafe {
                        *regs.add(ix) = v;
                    }
                }};
            }
            // Numeric results.
            macro_rules! set_int {
                ($i:expr, $x:expr) => {{
                    let x: i64 = $x;
                    let ix = ($i) as usize;
                    debug_assert!(base + ix < self.th.stack.len());
                    // SAFETY: as in `reg!`.
                    unsafe { *regs.add(ix) = Value::Int(x) }
                }};
            }
            macro_rules! set_flt {
                ($i:expr, $x:expr) => {{
                    let x: f64 = $x;
                    let ix = ($i) as usize;
                    debug_assert!(base + ix < self.th.stack.len());
                    // SAFETY: as in `reg!`.
                    unsafe { *regs.add(ix) = Value::Float(x) }
                }};
            }
            macro_rules! upv {
                ($n:expr) => {{
                    let n = ($n) as usize;
                    debug_assert!(n < cl.upvals.len());
                    // SAFETY: upvalue operands are below the prototype's
                    // upvalue count (verifier), which is the length of
                    // every closure's upvalue array (make_closure,
                    // make_main_closure).
                    unsafe { cl.upvals.get_unchecked(n) }.get()
                }};
            }
            macro_rules! kst {
                ($i:expr) => {{
                    debug_assert!(($i as usize) < rp.k.len());
                    // SAFETY: constant operands are below the number of
                    // constants (verifier); `rp` is alive (the closure is
                    // in the frame's function slot).
                    unsafe { *k.add($i as usize) }
                }};
            }
            // The frame's top, read where needed (slow paths) rather than
            // kept in a local that every frame entry would load and spill.
            macro_rules! ftop {
                () => {{
                    debug_assert!(fi < self.th.frames.len());
                    // SAFETY: as in `save!`.
                    unsafe { self.th.frames.get_unchecked(fi) }.top
                }};
            }
            // Takes `n` units from the work budget at a backward jump;
            // when it runs out, the limits are checked (may raise).
            macro_rules! charge {
                ($n:expr) => {{
                    self.budget -= ($n) as i64;
                    if self.budget < 0 {
                        // As the reference's count hook sees it: the
                        // instruction at the jump's target is running.
                        // SAFETY: as in `save!`.
                        unsafe { self.th.frames.get_unchecked_mut(fi) }.pc = pc + 1;
                        protect!(self.check_budget()?);
                    }
                }};
            }
            macro_rules! save {
                () => {{
                    debug_assert!(fi < self.th.frames.len());
                    // SAFETY: frame `fi` is the running frame; frames
                    // above it are pushed only by calls that leave this
                    // loop iteration ('newframe), and none below it is
                    // popped while it runs.
                    unsafe { self.th.frames.get_unchecked_mut(fi) }.pc = pc
                }};
            }
            macro_rules! cond_jump {
                ($cond:expr, $i:expr) => {{
                    if $cond != $i.k() {
                        pc += 1;
                    } else {
                        // SAFETY: a test is always followed by a jump
                        // (verifier).
                        let ni = unsafe { *code.add(pc) };
                        let sj = ni.sj() as i64;
                        pc = (pc as i64 + sj + 1) as usize;
                        if sj < 0 {
                            // The back edge of a `repeat ... until` or
                            // `while` loop (limits.rs).
                            charge!(-sj);
                        }
                    }
                }};
            }
            // Pointers to operands, for the numeric fast paths, which read
            // a tag first and then the payload in the type it has
            // (`value::read_tag`).
            macro_rules! reg_ptr {
                ($i:expr) => {{
                    let ix = ($i) as usize;
                    debug_assert!(base + ix < self.th.stack.len());
                    // SAFETY: as in `reg!`: the slot is inside the stack.
                    unsafe { regs.add(ix) as *const Value }
                }};
            }
            macro_rules! kst_ptr {
                ($i:expr) => {{
                    debug_assert!(($i as usize) < rp.k.len());
                    // SAFETY: as in `kst!`.
                    unsafe { k.add($i as usize) }
                }};
            }
            // Typed reads through operand pointers (`reg_ptr!`, `kst_ptr!`,
            // which point at initialised values). `int_at!` and `flt_at!`
            // are used only after `tag_at!` said TAG_INT or TAG_FLOAT.
            macro_rules! tag_at {
                ($p:expr) => {{
                    // SAFETY: the pointer points at an initialised value.
                    unsafe { read_tag($p) }
                }};
            }
            macro_rules! int_at {
                ($p:expr) => {{
                    // SAFETY: an initialised value whose tag is TAG_INT
                    // (tested by the caller).
                    unsafe { read_int($p) }
                }};
            }
            macro_rules! flt_at {
                ($p:expr) => {{
                    // SAFETY: an initialised value whose tag is TAG_FLOAT
                    // (tested by the caller).
                    unsafe { read_float($p) }
                }};
            }
            macro_rules! num_at {
                ($p:expr, $t:expr) => {{
                    // SAFETY: an initialised value whose tag word is `$t`.
                    unsafe { read_as_float($p, $t) }
                }};
            }
            // Integer and float arithmetic on the values at two operand
            // pointers; anything else falls through to the MMBIN* that
            // follows.
            macro_rules! arith {
                ($i:expr, $x:expr, $y:expr, $iop:expr, $fop:expr) => {{
                    let (xp, yp): (*const Value, *const Value) = ($x, $y);
                    let (tx, ty) = (tag_at!(xp), tag_at!(yp));
                    if tx == TAG_INT && ty == TAG_INT {
                        let (a, b) = (int_at!(xp), int_at!(yp));
                        set_int!($i.a(), $iop(a, b));
                        pc += 1;
                    } else if tx == TAG_FLOAT && ty == TAG_FLOAT {
                        let (a, b) = (flt_at!(xp), flt_at!(yp));
                        set_flt!($i.a(), $fop(a, b));
                        pc += 1;
                    } else if let (Some(a), Some(b)) = (num_at!(xp, tx), num_at!(yp, ty)) {
                        set_flt!($i.a(), $fop(a, b));
                        pc += 1;
                    }
                }};
            }
            macro_rules! arith_f {
                ($i:expr, $x:expr, $y:expr, $fop:expr) => {{
                    let (xp, yp): (*const Value, *const Value) = ($x, $y);
                    let (tx, ty) = (tag_at!(xp), tag_at!(yp));
                    if let (Some(a), Some(b)) = (num_at!(xp, tx), num_at!(yp, ty)) {
                        set_flt!($i.a(), $fop(a, b));
                        pc += 1;
                    }
                }};
            }
            macro_rules! arith_div {
                ($i:expr, $x:expr, $y:expr, $iop:expr, $fop:expr, $is_mod:expr) => {{
                    let (xp, yp): (*const Value, *const Value) = ($x, $y);
                    let (tx, ty) = (tag_at!(xp), tag_at!(yp));
                    if tx == TAG_INT && ty == TAG_INT {
                        let (a, b) = (int_at!(xp), int_at!(yp));
                        if b == 0 {
                            // The line of this instruction, as Lua
                            // 5.4.5+ report it (5.4.4 names the last
                            // saved pc's).
                            save!();
                            return Err(self.div_by_zero($is_mod));
                        }
                        set_int!($i.a(), $iop(a, b));
                        pc += 1;
                    } else if let (Some(a), Some(b)) = (num_at!(xp, tx), num_at!(yp, ty)) {
                        set_flt!($i.a(), $fop(a, b));
                        pc += 1;
                    }
                }};
            }
            macro_rules! bitwise {
                ($i:expr, $x:expr, $y:expr, $op:expr) => {{
                    if let (Some(a), Some(b)) = (to_int_strict($x), to_int_strict($y)) {
                        set_int!($i.a(), $op(a, b));
                        pc += 1;
                    }
                }};
            }

            loop {
                if HOOKED && trap {
                    protect!(self.hook_instruction(pc)?);
                    trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
                }
                // SAFETY: verified code never runs off its end (every path
                // ends in a return or a jump inside the code).
                let i = unsafe { *code.add(pc) };
                pc += 1;
                // SAFETY: verified code holds only valid opcodes, and
                // `OpCode` is a dense `repr(u8)` enum.
                let op: OpCode = unsafe { std::mem::transmute::<u8, OpCode>(i.opcode_byte()) };
                // One copy of the arm per opcode, so that `op` is a
                // constant in each (no second opcode test after dispatch).
                macro_rules! cmp_imm {
                    ($op:expr) => {{
                        let op: OpCode = $op;
                        let imm = i.sb() as i64;
                        let ap = reg_ptr!(i.a());
                        let ta = tag_at!(ap);
                        let cond = if ta == TAG_INT {
                            let x = int_at!(ap);
                            match op {
                                OpCode::LtI => x < imm,
                                OpCode::LeI => x <= imm,
                                OpCode::GtI => x > imm,
                                _ => x >= imm,
                            }
                        } else if ta == TAG_FLOAT {
                            let x = flt_at!(ap);
                            let y = imm as f64;
                            match op {
                                OpCode::LtI => x < y,
                                OpCode::LeI => x <= y,
                                OpCode::GtI => x > y,
                                _ => x >= y,
                            }
                        } else {
                            {
                                let a = reg!(i.a());
                                let iv = if i.c() != 0 {
                                    Value::Float(imm as f64)
                                } else {
                                    Value::Int(imm)
                                };
                                save!();
                                let r = protect!(match op {
                                    OpCode::LtI => self.less_slow(a, iv, false, Some(ftop!()))?,
                                    OpCode::LeI => self.less_slow(a, iv, true, Some(ftop!()))?,
                                    OpCode::GtI => self.less_slow(iv, a, false, Some(ftop!()))?,
                                    _ => self.less_slow(iv, a, true, Some(ftop!()))?,
                                });
                                match r {
                                    Some(c) => c,
                                    None => continue 'newframe,
                                }
                            }
                        };
                        cond_jump!(cond, i);
                    }};
                }
                // One copy of the arm per opcode, so that `op` is a
                // constant in each (no second opcode test after dispatch).
                macro_rules! cmp_reg {
                    ($op:expr) => {{
                        let op: OpCode = $op;
                        let (ap, bp) = (reg_ptr!(i.a()), reg_ptr!(i.b()));
                        let le = op == OpCode::Le;
                        let (ta, tb) = (tag_at!(ap), tag_at!(bp));
                        let cond = if ta == TAG_INT && tb == TAG_INT {
                            let (x, y) = (int_at!(ap), int_at!(bp));
                            if le { x <= y } else { x < y }
                        } else if ta == TAG_FLOAT && tb == TAG_FLOAT {
                            let (x, y) = (flt_at!(ap), flt_at!(bp));
                            if le { x <= y } else { x < y }
                        } else {
                            {
                                let (a, b) = (reg!(i.a()), reg!(i.b()));
                                save!();
                                match protect!(self.less_slow(a, b, le, Some(ftop!()))?) {
                                    Some(c) => c,
                                    None => continue 'newframe,
                                }
                            }
                        };
                        cond_jump!(cond, i);
                    }};
                }
                match op {
                    OpCode::Move => set_reg!(i.a(), reg!(i.b())),
                    OpCode::LoadI => set_int!(i.a(), i.sbx() as i64),
                    OpCode::LoadF => set_flt!(i.a(), i.sbx() as f64),
                    OpCode::LoadK => set_reg!(i.a(), kst!(i.bx())),
                    OpCode::LoadKX => {
                        // SAFETY: LOADKX is followed by EXTRAARG (verifier).
                        let ax = unsafe { *code.add(pc) }.ax();
                        pc += 1;
                        set_reg!(i.a(), kst!(ax));
                    }
                    OpCode::LoadFalse => set_reg!(i.a(), Value::Bool(false)),
                    OpCode::LFalseSkip => {
                        set_reg!(i.a(), Value::Bool(false));
                        pc += 1;
                    }
                    OpCode::LoadTrue => set_reg!(i.a(), Value::Bool(true)),
                    OpCode::LoadNil => {
                        for j in 0..=i.b() {
                            set_reg!(i.a() + j, Value::Nil);
                        }
                    }
                    OpCode::GetUpval => set_reg!(i.a(), upv!(i.b()).get()),
                    OpCode::SetUpval => upv!(i.b()).set(reg!(i.a())),
                    // Table access: the fast paths read their operands;
                    // the slow paths read them again (nothing changed
                    // them) rather than keep them, which made LLVM spill
                    // every operand to the stack on the fast path.
                    OpCode::GetTabUp => {
                        if let (Value::Table(tt), Value::Str(s)) = (upv!(i.b()).get(), kst!(i.c()))
                        {
                            let v = tt.get_str(s);
                            if !v.is_nil() || tt.metatable().is_none() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                        }
                        save!();
                        let t = upv!(i.b()).get();
                        match protect!(self.index_miss(t, kst!(i.c()), Some(ftop!()))?) {
                            Some(v) => set_reg!(i.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::GetTable => {
                        if let Value::Table(tt) = reg!(i.b()) {
                            let v = match reg!(i.c()) {
                                Value::Int(n) => tt.get_int(n),
                                key => tt.get(key),
                            };
                            if !v.is_nil() || tt.metatable().is_none() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                        }
                        save!();
                        match protect!(self.index_miss(reg!(i.b()), reg!(i.c()), Some(ftop!()))?) {
                            Some(v) => set_reg!(i.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::GetI => {
                        if let Value::Table(tt) = reg!(i.b()) {
                            let v = tt.get_int(i.c() as i64);
                            if !v.is_nil() || tt.metatable().is_none() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                        }
                        save!();
                        let key = Value::Int(i.c() as i64);
                        match protect!(self.get_slow(reg!(i.b()), key, Some(ftop!()))?) {
                            Some(v) => set_reg!(i.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::GetField => {
                        if let (Value::Table(tt), Value::Str(s)) = (reg!(i.b()), kst!(i.c())) {
                            let v = tt.get_str(s);
                            if !v.is_nil() || tt.metatable().is_none() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                        }
                        save!();
                        match protect!(self.index_miss(reg!(i.b()), kst!(i.c()), Some(ftop!()))?) {
                            Some(v) => set_reg!(i.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::SetTabUp => {
                        if let (Value::Table(tt), Value::Str(s)) = (upv!(i.a()).get(), kst!(i.b()))
                            && tt.replace_str(s, if i.k() { kst!(i.c()) } else { reg!(i.c()) })
                        {
                            continue;
                        }
                        save!();
                        let t = upv!(i.a()).get();
                        let v = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                        if protect!(self.set_slow(t, kst!(i.b()), v, Some(ftop!()))?) {
                            continue 'newframe;
                        }
                    }
                    OpCode::SetTable => {
                        if let Value::Table(tt) = reg!(i.a()) {
                            let v = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                            if match reg!(i.b()) {
                                // Integer keys (arrays) inline, as GETTABLE.
                                Value::Int(n) => tt.replace_int(n, v),
                                key => tt.replace(key, v),
                            } {
                                continue;
                            }
                        }
                        save!();
                        let v = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                        if protect!(self.set_slow(reg!(i.a()), reg!(i.b()), v, Some(ftop!()))?) {
                            continue 'newframe;
                        }
                    }
                    OpCode::SetI => {
                        if let Value::Table(tt) = reg!(i.a())
                            && tt.replace_int(
                                i.b() as i64,
                                if i.k() { kst!(i.c()) } else { reg!(i.c()) },
                            )
                        {
                            continue;
                        }
                        save!();
                        let v = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                        let key = Value::Int(i.b() as i64);
                        if protect!(self.set_slow(reg!(i.a()), key, v, Some(ftop!()))?) {
                            continue 'newframe;
                        }
                    }
                    OpCode::SetField => {
                        if let (Value::Table(tt), Value::Str(s)) = (reg!(i.a()), kst!(i.b()))
                            && tt.replace_str(s, if i.k() { kst!(i.c()) } else { reg!(i.c()) })
                        {
                            continue;
                        }
                        save!();
                        let v = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                        if protect!(self.set_slow(reg!(i.a()), kst!(i.b()), v, Some(ftop!()))?) {
                            continue 'newframe;
                        }
                    }
                    OpCode::NewTable => {
                        let b = i.b();
                        // B gives the constructor's field count rounded up to
                        // a power of two, p: the count is in (p/2, p]. Small
                        // tables are made for p fields (twice p slots, kept
                        // under 3/4 full), so that none grows while its
                        // constructor runs; from 16 on, for 3p/4 (p slots):
                        // a 10-field record then takes 16 slots, not 32, and
                        // only a constructor of more than 3p/4 fields grows
                        // once. (The reference sizes its node part p.)
                        let nhash = match b {
                            0 => 0,
                            1..=4 => 1usize << (b - 1),
                            _ => (1usize << (b - 1)) / 4 * 3,
                        };
                        let mut narr = i.c() as usize;
                        if i.k() {
                            // SAFETY: NEWTABLE is followed by EXTRAARG.
                            narr += unsafe { *code.add(pc) }.ax() as usize * 256;
                        }
                        pc += 1;
                        let t = self.heap.alloc(Table::new(narr, nhash));
                        set_reg!(i.a(), Value::Table(t));
                        if self.heap.should_collect() {
                            save!();
                            // black_box: keeps LLVM from hoisting `base + const` out of
                            // this cold path into every frame entry (a spilled local).
                            protect!(
                                self.gc_safe_point(
                                    std::hint::black_box(base) + i.a() as usize + 1
                                )?
                            );
                        }
                    }
                    OpCode::SelfOp => {
                        let t = reg!(i.b());
                        let key = if i.k() { kst!(i.c()) } else { reg!(i.c()) };
                        set_reg!(i.a() + 1, t);
                        if let (Value::Table(tt), Value::Str(s)) = (t, key) {
                            let v = tt.get_str(s);
                            let Some(mt) = tt.metatable() else {
                                set_reg!(i.a(), v);
                                continue;
                            };
                            if !v.is_nil() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                            // A method of an object's class: the
                            // metatable's `__index` table has it. Read here,
                            // as `get_str_miss` would find it first, without
                            // that call (it was a tenth of a method call).
                            if let Some(Value::Table(class)) =
                                mt.fast_metamethod(TagMethod::Index, self.tm_names[0])
                            {
                                let v = class.get_str(s);
                                if !v.is_nil() {
                                    set_reg!(i.a(), v);
                                    continue;
                                }
                            }
                            save!();
                            match protect!(self.get_str_miss(tt, s, Some(ftop!()))?) {
                                Some(v) => set_reg!(i.a(), v),
                                None => continue 'newframe,
                            }
                            continue;
                        }
                        // A method of a string (`s:byte(i)`): the string
                        // metatable's `__index` table, read directly when it
                        // is a table that has the method (what the generic
                        // path would find, in fewer steps).
                        if let (Value::Str(_), Value::Str(s)) = (t, key)
                            && let Some(mt) = self.type_mts[crate::value::Type::String as usize]
                            && let Some(Value::Table(lib)) =
                                mt.fast_metamethod(TagMethod::Index, self.tm_names[0])
                        {
                            let v = lib.get_str(s);
                            if !v.is_nil() {
                                set_reg!(i.a(), v);
                                continue;
                            }
                        }
                        save!();
                        match protect!(self.get_slow(t, key, Some(ftop!()))?) {
                            Some(v) => set_reg!(i.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::AddI => {
                        let imm = i.sc() as i64;
                        let bp = reg_ptr!(i.b());
                        let tb = tag_at!(bp);
                        if tb == TAG_INT {
                            set_int!(i.a(), int_at!(bp).wrapping_add(imm));
                            pc += 1;
                        } else if tb == TAG_FLOAT {
                            set_flt!(i.a(), flt_at!(bp) + imm as f64);
                            pc += 1;
                        }
                    }
                    OpCode::AddK => arith!(
                        i,
                        reg_ptr!(i.b()),
                        kst_ptr!(i.c()),
                        i64::wrapping_add,
                        |a: f64, b: f64| a + b
                    ),
                    OpCode::SubK => arith!(
                        i,
                        reg_ptr!(i.b()),
                        kst_ptr!(i.c()),
                        i64::wrapping_sub,
                        |a: f64, b: f64| a - b
                    ),
                    OpCode::MulK => arith!(
                        i,
                        reg_ptr!(i.b()),
                        kst_ptr!(i.c()),
                        i64::wrapping_mul,
                        |a: f64, b: f64| a * b
                    ),
                    OpCode::ModK => {
                        arith_div!(
                            i,
                            reg_ptr!(i.b()),
                            kst_ptr!(i.c()),
                            int_mod,
                            float_mod,
                            true
                        )
                    }
                    OpCode::PowK => arith_f!(i, reg_ptr!(i.b()), kst_ptr!(i.c()), float_pow),
                    OpCode::DivK => {
                        arith_f!(i, reg_ptr!(i.b()), kst_ptr!(i.c()), |a: f64, b: f64| a / b)
                    }
                    OpCode::IDivK => {
                        arith_div!(
                            i,
                            reg_ptr!(i.b()),
                            kst_ptr!(i.c()),
                            int_floor_div,
                            |a: f64, b: f64| (a / b).floor(),
                            false
                        )
                    }
                    OpCode::BAndK => bitwise!(i, reg!(i.b()), kst!(i.c()), |a: i64, b: i64| a & b),
                    OpCode::BOrK => bitwise!(i, reg!(i.b()), kst!(i.c()), |a: i64, b: i64| a | b),
                    OpCode::BXorK => bitwise!(i, reg!(i.b()), kst!(i.c()), |a: i64, b: i64| a ^ b),
                    OpCode::ShrI => {
                        let ic = i.sc() as i64;
                        if let Some(b) = to_int_strict(reg!(i.b())) {
                            set_int!(i.a(), shift_left(b, -ic));
                            pc += 1;
                        }
                    }
                    OpCode::ShlI => {
                        let ic = i.sc() as i64;
                        if let Some(b) = to_int_strict(reg!(i.b())) {
                            set_int!(i.a(), shift_left(ic, b));
                            pc += 1;
                        }
                    }
                    OpCode::Add => arith!(
                        i,
                        reg_ptr!(i.b()),
                        reg_ptr!(i.c()),
                        i64::wrapping_add,
                        |a: f64, b: f64| a + b
                    ),
                    OpCode::Sub => arith!(
                        i,
                        reg_ptr!(i.b()),
                        reg_ptr!(i.c()),
                        i64::wrapping_sub,
                        |a: f64, b: f64| a - b
                    ),
                    OpCode::Mul => arith!(
                        i,
                        reg_ptr!(i.b()),
                        reg_ptr!(i.c()),
                        i64::wrapping_mul,
                        |a: f64, b: f64| a * b
                    ),
                    OpCode::Mod => {
                        arith_div!(
                            i,
                            reg_ptr!(i.b()),
                            reg_ptr!(i.c()),
                            int_mod,
                            float_mod,
                            true
                        )
                    }
                    OpCode::Pow => arith_f!(i, reg_ptr!(i.b()), reg_ptr!(i.c()), float_pow),
                    OpCode::Div => {
                        arith_f!(i, reg_ptr!(i.b()), reg_ptr!(i.c()), |a: f64, b: f64| a / b)
                    }
                    OpCode::IDiv => {
                        arith_div!(
                            i,
                            reg_ptr!(i.b()),
                            reg_ptr!(i.c()),
                            int_floor_div,
                            |a: f64, b: f64| (a / b).floor(),
                            false
                        )
                    }
                    OpCode::BAnd => bitwise!(i, reg!(i.b()), reg!(i.c()), |a: i64, b: i64| a & b),
                    OpCode::BOr => bitwise!(i, reg!(i.b()), reg!(i.c()), |a: i64, b: i64| a | b),
                    OpCode::BXor => bitwise!(i, reg!(i.b()), reg!(i.c()), |a: i64, b: i64| a ^ b),
                    OpCode::Shl => bitwise!(i, reg!(i.b()), reg!(i.c()), shift_left),
                    OpCode::Shr => bitwise!(i, reg!(i.b()), reg!(i.c()), |a: i64, b: i64| if b
                        == i64::MIN
                    {
                        0
                    } else {
                        shift_left(a, -b)
                    }),
                    OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => {
                        let tm = TagMethod::from_u8(i.c() as u8).unwrap_or(TagMethod::Add);
                        let ra = reg!(i.a());
                        let (rb, rbreg) = match op {
                            OpCode::MmBin => (reg!(i.b()), Some(i.b() as usize)),
                            OpCode::MmBinI => (Value::Int(i.sb() as i64), None),
                            _ => (kst!(i.b()), None),
                        };
                        let flip = op != OpCode::MmBin && i.k();
                        let (x, y, rx, ry) = if flip {
                            (rb, ra, rbreg, Some(i.a() as usize))
                        } else {
                            (ra, rb, Some(i.a() as usize), rbreg)
                        };
                        save!();
                        // SAFETY: an MMBIN follows its arithmetic
                        // instruction (verifier), so pc - 2 is in range.
                        let prev = unsafe { *code.add(pc - 2) };
                        match protect!(self.arith_slow(tm, x, y, rx, ry, Some(ftop!()))?) {
                            Some(v) => set_reg!(prev.a(), v),
                            None => continue 'newframe,
                        }
                    }
                    OpCode::Unm => {
                        let rb = reg!(i.b());
                        match rb {
                            Value::Int(a) => set_int!(i.a(), a.wrapping_neg()),
                            Value::Float(a) => set_flt!(i.a(), -a),
                            _ => {
                                save!();
                                let r = Some(i.b() as usize);
                                match protect!(self.arith_slow(
                                    TagMethod::Unm,
                                    rb,
                                    rb,
                                    r,
                                    r,
                                    Some(ftop!())
                                )?) {
                                    Some(v) => set_reg!(i.a(), v),
                                    None => continue 'newframe,
                                }
                            }
                        }
                    }
                    OpCode::BNot => {
                        let rb = reg!(i.b());
                        match rb {
                            Value::Int(a) => set_int!(i.a(), !a),
                            _ => {
                                save!();
                                let r = Some(i.b() as usize);
                                match protect!(self.arith_slow(
                                    TagMethod::BNot,
                                    rb,
                                    rb,
                                    r,
                                    r,
                                    Some(ftop!())
                                )?) {
                                    Some(v) => set_reg!(i.a(), v),
                                    None => continue 'newframe,
                                }
                            }
                        }
                    }
                    OpCode::Not => set_reg!(i.a(), Value::Bool(!reg!(i.b()).truthy())),
                    OpCode::Len => {
                        let rb = reg!(i.b());
                        match rb {
                            Value::Str(s) => set_int!(i.a(), s.len() as i64),
                            Value::Table(t) if t.metatable().is_none() => {
                                set_int!(i.a(), t.len())
                            }
                            _ => {
                                save!();
                                match protect!(self.len_slow(
                                    rb,
                                    Some(i.b() as usize),
                                    Some(ftop!())
                                )?) {
                                    Some(v) => set_reg!(i.a(), v),
                                    None => continue 'newframe,
                                }
                            }
                        }
                    }
                    OpCode::Concat => {
                        let n = {
                            let fr = &mut self.th.frames[fi];
                            if fr.aux > 0 {
                                let n = fr.aux;
                                fr.aux = 0;
                                n as usize
                            } else {
                                i.b() as usize
                            }
                        };
                        save!();
                        let first = base + i.a() as usize;
                        if protect!(self.concat_values(first, n, Some(ftop!()))?) {
                            continue 'newframe;
                        }
                        if self.heap.should_collect() {
                            protect!(self.gc_safe_point(first + 1)?);
                        }
                    }
                    OpCode::Close => {
                        save!();
                        if protect!(self.close_in_loop(base + i.a() as usize, ftop!())?) {
                            continue 'newframe;
                        }
                    }
                    OpCode::Tbc => {
                        save!();
                        protect!(self.mark_tbc(base + i.a() as usize)?);
                    }
                    OpCode::Jmp => {
                        let sj = i.sj() as i64;
                        pc = (pc as i64 + sj) as usize;
                        if sj < 0 {
                            // A loop made with goto or `while`/`repeat`:
                            // each iteration costs the body's length.
                            charge!(-sj);
                        }
                    }
                    OpCode::Eq => {
                        let a = reg!(i.a());
                        let b = reg!(i.b());
                        let cond = match (a, b) {
                            (Value::Int(x), Value::Int(y)) => x == y,
                            (Value::Table(x), Value::Table(y)) if x.ptr_eq(y) => true,
                            (Value::Table(_), Value::Table(_))
                            | (Value::UserData(_), Value::UserData(_)) => {
                                save!();
                                match protect!(self.equals_slow(a, b, Some(ftop!()))?) {
                                    Some(c) => c,
                                    None => continue 'newframe,
                                }
                            }
                            _ => a.raw_eq(&b),
                        };
                        cond_jump!(cond, i);
                    }
                    OpCode::Lt => cmp_reg!(OpCode::Lt),
                    OpCode::Le => cmp_reg!(OpCode::Le),
                    OpCode::EqK => {
                        let cond = reg!(i.a()).raw_eq(&kst!(i.b()));
                        cond_jump!(cond, i);
                    }
                    OpCode::EqI => {
                        let imm = i.sb() as i64;
                        let ap = reg_ptr!(i.a());
                        let ta = tag_at!(ap);
                        let cond = if ta == TAG_INT {
                            int_at!(ap) == imm
                        } else if ta == TAG_FLOAT {
                            flt_at!(ap) == imm as f64
                        } else {
                            false
                        };
                        cond_jump!(cond, i);
                    }
                    OpCode::LtI => cmp_imm!(OpCode::LtI),
                    OpCode::LeI => cmp_imm!(OpCode::LeI),
                    OpCode::GtI => cmp_imm!(OpCode::GtI),
                    OpCode::GeI => cmp_imm!(OpCode::GeI),
                    OpCode::Test => {
                        let cond = reg!(i.a()).truthy();
                        cond_jump!(cond, i);
                    }
                    OpCode::TestSet => {
                        let rb = reg!(i.b());
                        if rb.truthy() == i.k() {
                            set_reg!(i.a(), rb);
                            // SAFETY: TESTSET is followed by a jump.
                            let ni = unsafe { *code.add(pc) };
                            let sj = ni.sj() as i64;
                            pc = (pc as i64 + sj + 1) as usize;
                            if sj < 0 {
                                charge!(-sj);
                            }
                        } else {
                            pc += 1;
                        }
                    }
                    OpCode::Call => {
                        let ra = base + i.a() as usize;
                        let b = i.b() as usize;
                        if b != 0 {
                            self.th.top = ra + b;
                        }
                        save!();
                        // Lua callees (the common case) without the
                        // general precall.
                        let callee = reg!(i.a());
                        if let Value::LuaFn(ncl) = callee {
                            // A call costs one unit of the work budget
                            // (limits.rs).
                            self.budget -= 1;
                            if self.budget < 0 {
                                self.check_budget()?;
                            }
                            let nbase = self.push_lua_frame(ncl, ra, i.c() as i32 - 1, 0)?;
                            if HOOKED || self.th.hook.mask != 0 {
                                continue 'newframe;
                            }
                            enter_lua!(fi + 1, ncl, nbase, 0);
                            continue;
                        }
                        // Native callees straight to their call (no
                        // general precall); anything else (`__call`) there.
                        // Marked cold so that LLVM tests a Lua callee's
                        // tag first (a native call costs far more than
                        // the order of these tests anyway).
                        std::hint::cold_path();
                        let pushed = match callee {
                            Value::LightFn(f) => {
                                protect!(self.call_native(f, ra, i.c() as i32 - 1, 0)?)
                            }
                            Value::NativeFn(c) => {
                                protect!(self.call_native(c.func, ra, i.c() as i32 - 1, 0)?)
                            }
                            _ => protect!(self.precall(ra, i.c() as i32 - 1, 0)?),
                        };
                        if pushed {
                            continue 'newframe;
                        }
                        // A native function returned: what it allocated is
                        // collected here (natives have no safe point of
                        // their own, where the reference's API calls
                        // luaC_checkGC). Its results are the live top.
                        if self.heap.should_collect() {
                            let c = i.c() as usize;
                            let live = if c != 0 { ra + c - 1 } else { self.th.top };
                            save!();
                            protect!(self.gc_safe_point(live)?);
                        }
                        trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
                        if trap != HOOKED {
                            save!();
                            return Ok(false);
                        }
                    }
                    OpCode::TailCall => {
                        let ra = base + i.a() as usize;
                        let b = i.b() as usize;
                        if b != 0 {
                            self.th.top = ra + b;
                        }
                        save!();
                        if i.k() {
                            self.close_upvals(base);
                        }
                        // Resolve __call first so that the callee is known.
                        let mut callee = self.th.stack[ra];
                        while !matches!(
                            callee,
                            Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)
                        ) {
                            let h = self.tm(callee, TagMethod::Call);
                            if h.is_nil() {
                                return Err(self.call_error(ra, callee));
                            }
                            self.ensure_stack(self.th.top + 1 + EXTRA_STACK)?;
                            let top = self.th.top;
                            self.th.stack.copy_within(ra..top, ra + 1);
                            self.th.top = top + 1;
                            self.th.stack[ra] = h;
                            callee = h;
                        }
                        if let Value::LuaFn(ncl) = callee {
                            self.budget -= 1;
                            if self.budget < 0 {
                                self.check_budget()?;
                            }
                            let fr = self.th.frames[fi];
                            let dst = if fr.nextra > 0 {
                                fr.func - fr.nextra - rp.p.num_params as usize - 1
                            } else {
                                fr.func
                            };
                            let n = self.th.top - ra;
                            self.th.stack.copy_within(ra..ra + n, dst);
                            self.th.top = dst + n;
                            self.th.frames.pop();
                            let nbase = self.push_lua_frame(
                                ncl,
                                dst,
                                fr.nresults,
                                (fr.flags & F_FINISH) | F_TAIL,
                            )?;
                            if HOOKED || self.th.hook.mask != 0 {
                                continue 'newframe;
                            }
                            enter_lua!(fi, ncl, nbase, 0);
                            continue;
                        }
                        // A native callee: an ordinary call; the RETURN
                        // that follows returns its results.
                        if protect!(self.precall(ra, -1, 0)?) {
                            continue 'newframe;
                        }
                        trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
                        if trap != HOOKED {
                            save!();
                            return Ok(false);
                        }
                    }
                    OpCode::Return => {
                        let ra = base + i.a() as usize;
                        let b = i.b() as usize;
                        let n = if b != 0 { b - 1 } else { self.th.top - ra };
                        // With no values A need not be a register.
                        let ra = if n == 0 { base } else { ra };
                        if i.k() {
                            save!();
                            self.th.frames[fi].aux = n as u32;
                            let at = (ra + n).max(ftop!());
                            self.th.top = at;
                            if self.close_in_loop(base, at)? {
                                continue 'newframe;
                            }
                        }
                        if self.th.hook.mask != 0 {
                            save!();
                            self.hook_return(ra, n)?;
                        }
                        self.poscall(ra, n);
                        if self.th.frames.len() <= entry {
                            return Ok(true);
                        }
                        continue 'newframe;
                    }
                    OpCode::Return0 => {
                        // SAFETY: `fi` is the index of the current frame,
                        // the last one.
                        let f = unsafe { *self.th.frames.get_unchecked(fi) };
                        if self.th.hook.mask == 0 && f.flags & (F_FINISH | F_EXTRA_ARGS) == 0 {
                            // The common return, as `poscall` does it
                            // without its hook and finishing work.
                            debug_assert!(fi + 1 == self.th.frames.len());
                            self.th.frames.truncate(fi);
                            self.move_results(f.func, base, 0, f.nresults);
                            back_to_caller!();
                        }
                        if self.th.hook.mask != 0 {
                            save!();
                            self.hook_return(base, 0)?;
                        }
                        self.poscall(base, 0);
                        if self.th.frames.len() <= entry {
                            return Ok(true);
                        }
                        continue 'newframe;
                    }
                    OpCode::Return1 => {
                        // SAFETY: as in RETURN0.
                        let f = unsafe { *self.th.frames.get_unchecked(fi) };
                        if self.th.hook.mask == 0 && f.flags & (F_FINISH | F_EXTRA_ARGS) == 0 {
                            debug_assert!(fi + 1 == self.th.frames.len());
                            debug_assert!(f.func + 1 == base);
                            self.th.frames.truncate(fi);
                            let v = reg!(i.a());
                            if f.nresults == 1 {
                                // SAFETY: without extra arguments the
                                // function slot is just below `base`.
                                unsafe { *regs.sub(1) = v };
                                self.th.top = base;
                            } else {
                                self.move_results(f.func, base + i.a() as usize, 1, f.nresults);
                            }
                            back_to_caller!();
                        }
                        if self.th.hook.mask != 0 {
                            save!();
                            self.hook_return(base + i.a() as usize, 1)?;
                        }
                        self.poscall(base + i.a() as usize, 1);
                        if self.th.frames.len() <= entry {
                            return Ok(true);
                        }
                        continue 'newframe;
                    }
                    OpCode::ForLoop => {
                        let a = i.a();
                        // The counters are read without testing their tags:
                        // FORPREP left numbers of the step's type there
                        // and the verifier proves that no instruction of
                        // the loop writes them; only `debug.setlocal` can,
                        // and then the loop goes on with the bits of what
                        // it wrote, as the reference's does. Whole values
                        // are written back, never a payload under a tag
                        // that is not the loop's.
                        let (ip, lp) = (reg_ptr!(a), reg_ptr!(a + 1));
                        match reg!(a + 2) {
                            Value::Int(step) => {
                                // SAFETY: `ip`, `lp` point at initialised
                                // values (`reg_ptr!`).
                                let count = unsafe { read_payload(lp) };
                                if count > 0 {
                                    // SAFETY: as above.
                                    let x = unsafe { read_payload(ip) } as i64;
                                    let idx = x.wrapping_add(step);
                                    set_int!(a + 1, (count - 1) as i64);
                                    set_int!(a, idx);
                                    set_int!(a + 3, idx);
                                    pc -= i.bx() as usize;
                                    charge!(i.bx());
                                }
                            }
                            Value::Float(step) => {
                                // SAFETY: as above.
                                let (idx, lim) = unsafe {
                                    (
                                        f64::from_bits(read_payload(ip)),
                                        f64::from_bits(read_payload(lp)),
                                    )
                                };
                                let idx = idx + step;
                                if if step > 0.0 { idx <= lim } else { lim <= idx } {
                                    set_flt!(a, idx);
                                    set_flt!(a + 3, idx);
                                    pc -= i.bx() as usize;
                                    charge!(i.bx());
                                }
                            }
                            _ => {}
                        }
                    }
                    OpCode::ForPrep => {
                        // The common loop, integers counting up, inline
                        // (as `for_prep` computes it); the rest there.
                        let a = i.a();
                        let (ip, lp, sp) = (reg_ptr!(a), reg_ptr!(a + 1), reg_ptr!(a + 2));
                        if tag_at!(ip) == TAG_INT
                            && tag_at!(lp) == TAG_INT
                            && tag_at!(sp) == TAG_INT
                        {
                            let (init, limit, step) = (int_at!(ip), int_at!(lp), int_at!(sp));
                            if step > 0 {
                                if init > limit {
                                    pc += i.bx() as usize + 1;
                                } else {
                                    let c = (limit as u64).wrapping_sub(init as u64);
                                    let count = if step != 1 { c / step as u64 } else { c };
                                    set_int!(a + 1, count as i64);
                                    set_int!(a + 3, init);
                                }
                                continue;
                            }
                        }
                        save!();
                        if protect!(self.for_prep(base + i.a() as usize)?) {
                            pc += i.bx() as usize + 1;
                        }
                    }
                    OpCode::TForPrep => {
                        save!();
                        // black_box: keeps LLVM from hoisting `base + const` out of
                        // this cold path into every frame entry (a spilled local).
                        protect!(self.mark_tbc(std::hint::black_box(base) + i.a() as usize + 3)?);
                        pc += i.bx() as usize;
                    }
                    OpCode::TForCall => {
                        let ra = base + i.a() as usize;
                        self.th.stack.copy_within(ra..ra + 3, ra + 4);
                        self.th.top = ra + 4 + 3;
                        save!();
                        if protect!(self.precall(ra + 4, i.c() as i32, 0)?) {
                            continue 'newframe;
                        }
                        trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
                        if trap != HOOKED {
                            save!();
                            return Ok(false);
                        }
                    }
                    OpCode::TForLoop => {
                        let v = reg!(i.a() + 4);
                        if !v.is_nil() {
                            set_reg!(i.a() + 2, v);
                            pc -= i.bx() as usize;
                            charge!(i.bx());
                        }
                    }
                    OpCode::SetList => {
                        let ra = base + i.a() as usize;
                        let n = if i.b() == 0 {
                            self.th.top - ra - 1
                        } else {
                            i.b() as usize
                        };
                        let mut last = i.c() as usize;
                        if i.k() {
                            // SAFETY: a SETLIST with k is followed by
                            // EXTRAARG (verifier).
                            last += unsafe { *code.add(pc) }.ax() as usize * 256;
                            pc += 1;
                        }
                        if let Value::Table(t) = self.th.stack[ra] {
                            if t.array_size() < last + n {
                                t.ensure_array(&mut self.heap, last + n);
                            }
                            for j in 1..=n {
                                t.set_int(&mut self.heap, (last + j) as i64, self.th.stack[ra + j]);
                            }
                        }
                        self.th.top = ftop!();
                    }
                    OpCode::Closure => {
                        // An empty slot: the first closure of this
                        // function in this state, whose prototype is
                        // verified and converted now.
                        let child = match rp.children[i.bx() as usize].get() {
                            Some(c) => c,
                            None => {
                                // Makes no room on the stack: no
                                // register address to refresh.
                                save!();
                                self.load_child(rp, i.bx() as usize)?
                            }
                        };
                        let ncl = protect!(self.make_closure(child, cl, base));
                        set_reg!(i.a(), Value::LuaFn(ncl));
                        if self.heap.should_collect() {
                            save!();
                            // black_box: keeps LLVM from hoisting `base + const` out of
                            // this cold path into every frame entry (a spilled local).
                            protect!(
                                self.gc_safe_point(
                                    std::hint::black_box(base) + i.a() as usize + 1
                                )?
                            );
                        }
                    }
                    OpCode::Vararg => {
                        let fr = self.th.frames[fi];
                        let nextra = fr.nextra;
                        let ra = base + i.a() as usize;
                        let wanted = i.c() as i64 - 1;
                        let n = if wanted < 0 {
                            save!();
                            protect!(self.ensure_stack(ra + nextra + EXTRA_STACK)?);
                            self.th.top = ra + nextra;
                            nextra
                        } else {
                            wanted as usize
                        };
                        for j in 0..n {
                            let v = if j < nextra {
                                self.th.stack[fr.func - nextra + j]
                            } else {
                                Value::Nil
                            };
                            self.th.stack[ra + j] = v;
                        }
                    }
                    OpCode::VarargPrep => {
                        // The reference saves pc here (the position of
                        // errors raised before the next save).
                        save!();
                        if self.th.hook.mask != 0 {
                            save!();
                            protect!(self.hook_call(self.th.frames[fi].flags & F_TAIL != 0)?);
                            // The next instruction is seen as a new line.
                            self.th.old_pc = 1;
                            trap = self.th.hook.mask & (HOOK_LINE | HOOK_COUNT) != 0;
                            if trap != HOOKED {
                                save!();
                                return Ok(false);
                            }
                        }
                    }
                    OpCode::ExtraArg => {}
                }
            }
        }
    }

    /// `t[key]` after the fast path found nil in a table with a
    /// metatable, or found no table: `__index` chains of tables by
    /// `get_str_miss` for string keys, the rest by `get_slow`.
    #[inline(never)]
    fn index_miss(
        &mut self,
        t: Value,
        key: Value,
        lp: Option<usize>,
    ) -> Result<Option<Value>, Error> {
        match (t, key) {
            (Value::Table(tt), Value::Str(s)) => self.get_str_miss(tt, s, lp),
            _ => self.get_slow(t, key, lp),
        }
    }

    /// `t[s]` after the fast path of GETFIELD, GETTABUP or SELF found nil
    /// in table `t`, which has a metatable: follows `__index` tables with
    /// the string lookup, handing over to `get_slow` at anything else
    /// (method calls through class tables take this path).
    #[inline]
    fn get_str_miss(
        &mut self,
        t: Gc<Table>,
        s: crate::string::LuaStr,
        lp: Option<usize>,
    ) -> Result<Option<Value>, Error> {
        // `__index` chains of tables (classes and their parents) are
        // followed here; `get_slow` takes over at anything else.
        let mut t = t;
        for _ in 0..crate::meta::MAX_TAG_LOOP {
            let Some(mt) = t.metatable() else {
                return Ok(Some(Value::Nil));
            };
            match mt.fast_metamethod(TagMethod::Index, self.tm_names[0]) {
                None => return Ok(Some(Value::Nil)),
                Some(Value::Table(ht)) => {
                    let v = ht.get_str(s);
                    if !v.is_nil() {
                        return Ok(Some(v));
                    }
                    t = ht;
                }
                Some(_) => return self.get_slow(Value::Table(t), Value::Str(s), lp),
            }
        }
        Err(self.runtime_error("'__index' chain too long; possible loop"))
    }

    /// Closes upvalues at or above `level` and the next pending
    /// to-be-closed variable there, whose `__close` is pushed as a
    /// finishing frame at `at` (returns true; the instruction runs again
    /// to close the others).
    fn close_in_loop(&mut self, level: usize, at: usize) -> Result<bool, Error> {
        self.close_upvals(level);
        if let Some(&idx) = self.th.tbc.last()
            && idx >= level
        {
            self.th.tbc.pop();
            let v = self.th.stack[idx];
            let h = self.tm(v, TagMethod::Close);
            self.call_tm(Some(at), h, &[v, Value::Nil], 0)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Makes a closure of `p` in the frame of `parent` based at `base`.
    pub(crate) fn make_closure(
        &mut self,
        p: Gc<crate::proto::RtProto>,
        parent: Gc<LuaClosure>,
        base: usize,
    ) -> Gc<LuaClosure> {
        let mut ups: Vec<Gc<UpVal>> = Vec::with_capacity(p.p.upvalues.len());
        for d in p.p.upvalues.iter() {
            if d.in_stack {
                ups.push(self.find_upval(base + d.index as usize));
            } else {
                ups.push(parent.upvals[d.index as usize].get());
            }
        }
        self.heap.alloc(LuaClosure {
            proto: p,
            upvals: ups.into_iter().map(Cell::new).collect(),
        })
    }

    /// Makes a closure of a main chunk, its upvalues fresh and closed
    /// (the first, `_ENV`, set to `env`).
    pub(crate) fn make_main_closure(
        &mut self,
        p: Gc<crate::proto::RtProto>,
        env: Value,
    ) -> Gc<LuaClosure> {
        let mut ups: Vec<Gc<UpVal>> = Vec::with_capacity(p.p.upvalues.len());
        for j in 0..p.p.upvalues.len() {
            let uv = self.heap.alloc(UpVal {
                p: Cell::new(std::ptr::null_mut()),
                closed: Cell::new(if j == 0 { env } else { Value::Nil }),
                idx: Cell::new(0),
                thread: Cell::new(None),
            });
            uv.p.set(uv.closed.as_ptr());
            ups.push(uv);
        }
        self.heap.alloc(LuaClosure {
            proto: p,
            upvals: ups.into_iter().map(Cell::new).collect(),
        })
    }

    /// Prepares a numeric for loop over the four slots at `ra` (§3.3.5);
    /// true when the loop must not run.
    fn for_prep(&mut self, ra: usize) -> Result<bool, Error> {
        let init = self.th.stack[ra];
        let limit = self.th.stack[ra + 1];
        let step = self.th.stack[ra + 2];
        if let (Value::Int(i0), Value::Int(st)) = (init, step) {
            if st == 0 {
                return Err(self.runtime_error("'for' step is zero"));
            }
            let (lim, skip) = self.for_limit(limit, i0, st)?;
            if skip {
                return Ok(true);
            }
            let count: u64 = if st > 0 {
                let c = (lim as u64).wrapping_sub(i0 as u64);
                if st != 1 { c / st as u64 } else { c }
            } else {
                let c = (i0 as u64).wrapping_sub(lim as u64);
                c / ((-(st + 1)) as u64 + 1)
            };
            self.th.stack[ra + 1] = Value::Int(count as i64);
            self.th.stack[ra + 3] = init;
            return Ok(false);
        }
        let Some(fl) = to_float(limit) else {
            return Err(self.for_error("limit", limit));
        };
        let Some(fs) = to_float(step) else {
            return Err(self.for_error("step", step));
        };
        let Some(fi) = to_float(init) else {
            return Err(self.for_error("initial value", init));
        };
        if fs == 0.0 {
            return Err(self.runtime_error("'for' step is zero"));
        }
        if (fs > 0.0 && fl < fi) || (fs < 0.0 && fi < fl) {
            return Ok(true);
        }
        self.th.stack[ra] = Value::Float(fi);
        self.th.stack[ra + 1] = Value::Float(fl);
        self.th.stack[ra + 2] = Value::Float(fs);
        self.th.stack[ra + 3] = Value::Float(fi);
        Ok(false)
    }

    fn for_limit(&mut self, limit: Value, init: i64, step: i64) -> Result<(i64, bool), Error> {
        let limit = match limit {
            Value::Str(_) => to_number(limit).unwrap_or(limit),
            v => v,
        };
        let lim = match limit {
            Value::Int(l) => l,
            Value::Float(fl) => {
                let fl = if step < 0 { fl.ceil() } else { fl.floor() };
                match crate::number::float_to_int_exact(fl) {
                    Some(v) => v,
                    None => {
                        if fl > 0.0 {
                            if step < 0 {
                                return Ok((0, true));
                            }
                            i64::MAX
                        } else {
                            if step > 0 {
                                return Ok((0, true));
                            }
                            i64::MIN
                        }
                    }
                }
            }
            _ => return Err(self.for_error("limit", limit)),
        };
        Ok((lim, if step > 0 { init > lim } else { init < lim }))
    }

    #[cold]
    fn for_error(&mut self, what: &str, v: Value) -> Error {
        let msg = format!(
            "bad 'for' {what} (number expected, got {})",
            self.type_name_meta(v)
        );
        self.runtime_error(&msg)
    }
}
