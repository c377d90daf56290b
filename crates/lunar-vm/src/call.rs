//! Calls: pushing Lua and native frames, moving results, native
//! continuations (`call_k`), the driver around the dispatch loop that
//! recovers errors in protected calls, to-be-closed variables, and nested
//! calls from native code.
//!
//! # How calls nest
//! A Lua-to-Lua call pushes a frame and the dispatch loop goes on with it:
//! no Rust recursion. A native function that wants to call a function and
//! still let coroutines yield across it (pcall, xpcall, pairs' `__pairs`,
//! dofile…) returns `state.call_k(...)`: its frame stays, the callee is
//! pushed above it, and when the callee returns the loop calls the
//! native's continuation. Errors travel as `Err(Error::Runtime)` out of the
//! loop to `execute`, which looks for a protected native frame (one whose
//! pending call was made with `pcall_k`) above its entry level, unwinds to
//! it and calls its continuation with the error. Nested native→Lua calls
//! (`State::call`) run a nested `execute`; they are counted (the "C stack"
//! limit) and forbid yielding.

use crate::error::Error;
use crate::function::LuaClosure;
use crate::function::NativeFn;
use crate::gc::Gc;
use crate::state::{
    ContFn, EXTRA_STACK, F_CLOSING, F_EXTRA_ARGS, F_FINISH, F_LEQ, F_PROTECTED, F_TAIL, Frame,
    MAX_CCALLS, MAX_STACK, MIN_STACK, STANDALONE_SLOTS, State,
};
use crate::value::Value;
use lunar_compile::{OpCode, TagMethod};

impl State {
    /// Calls the value at stack index `func` with the arguments up to
    /// `top`. Returns `Ok(true)` when a Lua frame was pushed (the loop must
    /// run it), `Ok(false)` when the call completed (results at `func`).
    pub(crate) fn precall(
        &mut self,
        func: usize,
        nresults: i32,
        flags: u32,
    ) -> Result<bool, Error> {
        loop {
            match self.th.stack[func] {
                Value::LuaFn(cl) => {
                    self.push_lua_frame(cl, func, nresults, flags)?;
                    return Ok(true);
                }
                Value::LightFn(f) => return self.call_native(f, func, nresults, flags),
                Value::NativeFn(c) => return self.call_native(c.func, func, nresults, flags),
                v => {
                    let h = self.tm(v, TagMethod::Call);
                    if h.is_nil() {
                        return Err(self.call_error(func, v));
                    }
                    self.ensure_stack(self.th.top + 1 + EXTRA_STACK)?;
                    let top = self.th.top;
                    self.th.stack.copy_within(func..top, func + 1);
                    self.th.top = top + 1;
                    self.th.stack[func] = h;
                }
            }
        }
    }

    /// Pushes the frame of Lua closure `cl` at `func`; returns its base
    /// (its first register).
    #[inline(always)]
    pub(crate) fn push_lua_frame(
        &mut self,
        cl: Gc<LuaClosure>,
        func: usize,
        nresults: i32,
        flags: u32,
    ) -> Result<usize, Error> {
        let p = &*cl.proto;
        let top = self.th.top;
        let nargs = top - func - 1;
        // One sum and two compares on the common path: `call_room` makes
        // `need` at least the stack limit's own count (see `RtProto`), so
        // a frame within both stays off the slow path, which checks each
        // exactly.
        let need = top + p.call_room as usize;
        if need > self.th.stack.len() || need > MAX_STACK {
            self.check_stack_limit(top + p.max_stack as usize + STANDALONE_SLOTS)?;
            self.ensure_stack(need)?;
        }
        let base = func + 1;
        // The call-depth limit is checked only when the frame list must
        // grow (its capacity never passes the limit: limits.rs).
        if self.th.frames.len() == self.th.frames.capacity() {
            self.grow_frames()?;
        }
        let maxs = p.max_stack as usize;
        self.th.frames.push(Frame {
            func,
            top: base + maxs,
            cl: Some(cl),
            pc: 0,
            nextra: 0,
            aux: 0,
            flags,
            nresults,
        });
        self.th.top = base + maxs;
        if nargs != p.num_params as usize {
            return Ok(self.adjust_args(p, func, nargs));
        }
        Ok(base)
    }

    /// Finishes pushing the frame of a call whose argument count is not
    /// the callee's parameter count: missing parameters become nil, and a
    /// vararg function's extra arguments stay below its frame, the
    /// function and its fixed parameters copied above them (the stack
    /// holds room for the copy: `RtProto::call_room`). Returns the
    /// frame's base.
    #[inline(never)]
    fn adjust_args(&mut self, p: &crate::proto::RtProto, func: usize, nargs: usize) -> usize {
        let nfix = p.num_params as usize;
        if nargs < nfix {
            debug_assert!(func + 1 + nfix <= self.th.stack.len());
            let stack = self.th.stack.as_mut_ptr();
            for i in nargs..nfix {
                // SAFETY: the stack holds `top + call_room` slots
                // (push_lua_frame), past every parameter slot.
                unsafe { *stack.add(func + 1 + i) = Value::Nil };
            }
            return func + 1;
        }
        if !p.is_vararg {
            return func + 1;
        }
        self.move_fixed_args(p, func, nargs)
    }

    /// A vararg call with extra arguments: the function and its fixed
    /// parameters move above the arguments, the extra ones stay below
    /// the frame. Returns the frame's base. A function of its own, so
    /// that `adjust_args` saves only the registers its cases use.
    #[inline(never)]
    fn move_fixed_args(&mut self, p: &crate::proto::RtProto, func: usize, nargs: usize) -> usize {
        let nfix = p.num_params as usize;
        let newf = func + nargs + 1;
        debug_assert!(newf + nfix < self.th.stack.len());
        let stack = self.th.stack.as_mut_ptr();
        // Value by value, not `copy_nonoverlapping`: a call to `memcpy`
        // costs more than the few values copied, and two word loads
        // forward from the caller's recent stores (`read_value`).
        // SAFETY: `call_room` counts the copy's `nfix` slots above the
        // arguments (`newf + nfix` < `top + call_room`), and `func` is
        // an initialised slot below them.
        unsafe { *stack.add(newf) = crate::value::read_value(stack.add(func)) };
        for i in 1..=nfix {
            // SAFETY: as above; the source (`func + i`, at most
            // `func + nfix`) is below the destination (`newf + i`, as
            // `nargs > nfix`) and both are inside the stack.
            unsafe {
                *stack.add(newf + i) = crate::value::read_value(stack.add(func + i));
                *stack.add(func + i) = Value::Nil;
            }
        }
        let top = newf + 1 + p.max_stack as usize;
        let fi = self.th.frames.len() - 1;
        let f = &mut self.th.frames[fi];
        f.func = newf;
        f.top = top;
        f.nextra = nargs - nfix;
        f.flags |= F_EXTRA_ARGS;
        self.th.top = top;
        newf + 1
    }

    /// The stack limit (LUAI_MAXSTACK slots, whatever the stack's current
    /// size): "stack overflow", with some extra room while that error is
    /// handled, and "error in error handling" past it.
    #[cold]
    #[inline(never)]
    fn check_stack_limit(&mut self, need: usize) -> Result<(), Error> {
        if need <= MAX_STACK {
            return Ok(());
        }
        if !self.in_stack_error {
            self.in_stack_error = true;
            return Err(self.runtime_error("stack overflow"));
        }
        if need > MAX_STACK + crate::state::ERROR_STACK_EXTRA * 5 {
            return Err(self.raise_str("error in error handling"));
        }
        Ok(())
    }

    /// Runs native function `f` at `func`.
    pub(crate) fn call_native(
        &mut self,
        f: NativeFn,
        func: usize,
        nresults: i32,
        flags: u32,
    ) -> Result<bool, Error> {
        let mut fr = Frame::native(func, nresults);
        fr.flags = flags;
        fr.aux = (self.th.top - func - 1) as u32;
        if self.th.frames.len() == self.th.frames.capacity() {
            self.grow_frames()?;
        }
        self.th.frames.push(fr);
        self.ensure_stack(self.th.top + MIN_STACK)?;
        if self.th.hook.mask & crate::hooks::HOOK_CALL != 0 {
            self.hook_call(false)?;
        }
        let r = f(self);
        self.native_result(r)
    }

    /// Handles what a native function (or its continuation) returned.
    #[inline(always)]
    pub(crate) fn native_result(&mut self, r: Result<usize, Error>) -> Result<bool, Error> {
        // The common case, a plain return without hooks, inline in the
        // callers (no call and no prologue per native call).
        if let Ok(n) = r
            && self.th.hook.mask & crate::hooks::HOOK_RET == 0
        {
            let top = self.th.top;
            let n = n.min(top - self.th.frames.last().unwrap().func);
            self.poscall(top - n, n);
            return Ok(false);
        }
        self.native_result_slow(r)
    }

    /// `native_result` for hooks, continuations and errors.
    #[inline(never)]
    fn native_result_slow(&mut self, mut r: Result<usize, Error>) -> Result<bool, Error> {
        loop {
            match r {
                Ok(n) => {
                    let top = self.th.top;
                    let n = n.min(top - self.th.frames.last().unwrap().func);
                    if self.th.hook.mask & crate::hooks::HOOK_RET != 0 {
                        self.hook_return(top - n, n)?;
                    }
                    self.poscall(top - n, n);
                    return Ok(false);
                }
                Err(Error::CallK) => {
                    let c = self.th.cont(self.th.frames.len() - 1);
                    if self.precall(c.kfunc, c.knres, 0)? {
                        return Ok(true);
                    }
                    r = self.continue_native(true);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Calls the continuation of the native frame on top.
    pub(crate) fn continue_native(&mut self, ok: bool) -> Result<usize, Error> {
        let fi = self.th.frames.len() - 1;
        self.th.frames[fi].flags &= !F_PROTECTED;
        let c = self.th.cont(fi);
        self.n_ccalls = c.kcc;
        (c.k)(self, ok, c.ctx)
    }

    /// Pops the top frame, moving its `n` results from `src` to where
    /// the caller wants them; finishes the caller's instruction when the
    /// frame was a metamethod call.
    #[inline(always)]
    pub(crate) fn poscall(&mut self, src: usize, n: usize) {
        let f = self.th.frames.pop().unwrap();
        let dst = match f.cl {
            Some(cl) if f.nextra > 0 => f.func - f.nextra - cl.proto.p.num_params as usize - 1,
            _ => f.func,
        };
        self.move_results(dst, src, n, f.nresults);
        if self.th.hook.mask != 0
            && let Some(c) = self.th.frames.last()
            && c.cl.is_some()
        {
            // The caller's line was seen at its call (rethook).
            self.th.old_pc = c.pc.saturating_sub(1);
        }
        if f.flags & F_FINISH != 0 {
            self.n_ccalls -= 1;
            self.finish_op();
        }
    }

    /// Moves `n` values from `src` to `dst`, `wanted` of them (-1: all),
    /// and sets top after them.
    #[inline(always)]
    pub(crate) fn move_results(&mut self, dst: usize, src: usize, n: usize, wanted: i32) {
        match wanted {
            0 => self.th.top = dst,
            1 => {
                let v = if n == 0 {
                    Value::Nil
                } else {
                    let s = &self.th.stack[src];
                    // SAFETY: `s` is an initialised value of the stack. It
                    // was often just written as two words (a native's
                    // push): read as two words, it is forwarded from the
                    // stores (`read_value`).
                    unsafe { crate::value::read_value(s) }
                };
                self.th.stack[dst] = v;
                self.th.top = dst + 1;
            }
            -1 => {
                self.th.stack.copy_within(src..src + n, dst);
                self.th.top = dst + n;
            }
            w => {
                let w = w as usize;
                let m = n.min(w);
                self.th.stack.copy_within(src..src + m, dst);
                if dst + w > self.th.stack.len() {
                    let _ = self.ensure_stack(dst + w + EXTRA_STACK);
                }
                for v in &mut self.th.stack[dst + m..dst + w] {
                    *v = Value::Nil;
                }
                self.th.top = dst + w;
            }
        }
    }

    /// Finishes the instruction of the Lua frame on top, interrupted by a
    /// metamethod call whose result is at `top - 1` (`luaV_finishOp`).
    pub(crate) fn finish_op(&mut self) {
        let fi = self.th.frames.len() - 1;
        let f = self.th.frames[fi];
        let Some(cl) = f.cl else { return };
        let code = &cl.proto.p.code;
        let inst = code[f.pc - 1];
        let base = f.base();
        let top = self.th.top;
        match inst.opcode() {
            OpCode::MmBin | OpCode::MmBinI | OpCode::MmBinK => {
                let prev = code[f.pc - 2];
                self.th.stack[base + prev.a() as usize] = self.th.stack[top - 1];
            }
            OpCode::Unm
            | OpCode::BNot
            | OpCode::Len
            | OpCode::GetTabUp
            | OpCode::GetTable
            | OpCode::GetI
            | OpCode::GetField
            | OpCode::SelfOp => {
                self.th.stack[base + inst.a() as usize] = self.th.stack[top - 1];
            }
            OpCode::Lt
            | OpCode::Le
            | OpCode::LtI
            | OpCode::LeI
            | OpCode::GtI
            | OpCode::GeI
            | OpCode::Eq => {
                let mut res = self.th.stack[top - 1].truthy();
                if f.flags & F_LEQ != 0 {
                    // `__lt` ran for a missing `__le` (`meta::le_by_lt`).
                    self.th.frames[fi].flags &= !F_LEQ;
                    res = !res;
                }
                if res != inst.k() {
                    self.th.frames[fi].pc += 1;
                }
            }
            OpCode::Concat => {
                let total = f.aux as usize;
                let a = base + inst.a() as usize;
                self.th.stack[a + total - 2] = self.th.stack[top - 1];
                self.th.frames[fi].aux = (total - 1) as u32;
                self.th.frames[fi].pc -= 1;
            }
            OpCode::Close => self.th.frames[fi].pc -= 1,
            OpCode::Return => {
                self.th.top = base + inst.a() as usize + f.aux as usize;
                self.th.frames[fi].pc -= 1;
            }
            _ => {}
        }
    }

    /// Runs frames until the frame count drops to `entry`, recovering
    /// errors in protected calls above `entry`. `r` is the outcome of the
    /// step that started it (a `precall`).
    pub(crate) fn execute(&mut self, entry: usize, mut r: Result<(), Error>) -> Result<(), Error> {
        loop {
            match r {
                Ok(()) => {
                    if self.th.frames.len() <= entry {
                        return Ok(());
                    }
                    r = self.run(entry);
                }
                // After a limit tripped, no error is caught: it unwinds
                // to the host (limits.rs).
                Err(Error::Runtime) if self.limit_tripped() => return Err(Error::Limit),
                Err(Error::Runtime) => match self.find_protected(entry) {
                    Some(fi) => r = self.recover(fi),
                    None => return Err(Error::Runtime),
                },
                Err(e) => return Err(e),
            }
        }
    }

    fn find_protected(&self, entry: usize) -> Option<usize> {
        (entry..self.th.frames.len())
            .rev()
            .find(|&i| self.th.frames[i].flags & F_PROTECTED != 0)
    }

    /// Unwinds to the protected native frame `fi` after an error and calls
    /// its continuation with the error value.
    fn recover(&mut self, fi: usize) -> Result<(), Error> {
        let mut ev = std::mem::take(&mut self.error_value);
        let f = self.th.frames[fi];
        let c = self.th.cont(fi);
        let handler = if c.handler != 0 {
            Some(self.th.stack[c.handler])
        } else {
            None
        };
        self.th.top = self.th.error_top();
        if let Some(h) = handler {
            ev = self.run_handler(h, ev);
        }
        let level = c.kfunc;
        // Where the closing methods are called: above every variable still
        // to close (the first error's high-water mark, kept while closing).
        let at = if f.flags & F_CLOSING != 0 {
            level + f.aux as usize
        } else {
            self.th.high_water().max(self.th.top)
        };
        self.th.frames.truncate(fi + 1);
        self.in_stack_error = false;
        self.n_ccalls = c.kcc + 1;
        self.th.stack[level] = ev;
        let fr = &mut self.th.frames[fi];
        fr.flags |= F_CLOSING;
        fr.aux = (at - level) as u32;
        self.close_step(fi)
    }

    /// Closes, one by one, the to-be-closed variables above the protected
    /// call of native frame `fi` that failed (its error value is in the
    /// call's function slot); each `__close(v, err)` runs as a frame of
    /// the loop (so it may yield), and an error in one replaces the error
    /// value. Then the native's continuation gets the error.
    pub(crate) fn close_step(&mut self, fi: usize) -> Result<(), Error> {
        loop {
            let f = self.th.frames[fi];
            let level = self.th.cont(fi).kfunc;
            let at = level + f.aux as usize;
            self.close_upvals(level + 1);
            if let Some(&idx) = self.th.tbc.last()
                && idx > level
            {
                self.th.tbc.pop();
                let v = self.th.stack[idx];
                let h = self.tm(v, TagMethod::Close);
                self.ensure_stack(at + 3 + EXTRA_STACK)?;
                let ev = self.th.stack[level];
                self.th.stack[at] = h;
                self.th.stack[at + 1] = v;
                self.th.stack[at + 2] = ev;
                self.th.top = at + 3;
                if self.precall(at, 0, 0)? {
                    return Ok(()); // the loop runs it and comes back here
                }
                continue;
            }
            self.close_upvals(level);
            let fr = &mut self.th.frames[fi];
            fr.flags &= !F_CLOSING;
            self.th.top = level + 1;
            let r = self.continue_native(false);
            return self.native_result(r).map(|_| ());
        }
    }

    /// Calls a message handler at the point of the error.
    pub(crate) fn run_handler(&mut self, handler: Value, mut ev: Value) -> Value {
        let saved = self.n_ccalls;
        let mut tries = 0;
        loop {
            self.n_ccalls = saved + tries;
            if self.n_ccalls >= MAX_CCALLS + MAX_CCALLS / 10 {
                self.n_ccalls = saved;
                return self.str_value(b"error in error handling");
            }
            let top = self.th.high_water().max(self.th.top);
            if self.ensure_stack(top + 3 + EXTRA_STACK).is_err() {
                self.n_ccalls = saved;
                return self.str_value(b"error in error handling");
            }
            self.th.stack[top] = handler;
            self.th.stack[top + 1] = ev;
            self.th.top = top + 2;
            match self.call_at(top, 1) {
                Ok(()) => {
                    let v = self.th.stack[top];
                    self.th.top = top;
                    self.n_ccalls = saved;
                    return v;
                }
                Err(Error::Runtime) => {
                    ev = std::mem::take(&mut self.error_value);
                    self.th.top = top;
                    if let Value::Str(s) = ev
                        && s.as_bytes() == b"error in error handling"
                    {
                        self.n_ccalls = saved;
                        return ev;
                    }
                    tries += 1;
                }
                Err(_) => {
                    self.n_ccalls = saved;
                    return self.str_value(b"error in error handling");
                }
            }
        }
    }

    /// Closes the to-be-closed variables at or above `level` after an
    /// error `ev`, calling each `__close(v, ev)` in a nested call; an
    /// error in one replaces `ev`. Returns the final error value.
    pub(crate) fn close_tbc_error(
        &mut self,
        level: usize,
        mut ev: Value,
        handler: Option<Value>,
    ) -> Value {
        self.close_upvals(level);
        while let Some(&idx) = self.th.tbc.last() {
            if idx < level {
                break;
            }
            self.th.tbc.pop();
            let v = self.th.stack[idx];
            let h = self.tm(v, TagMethod::Close);
            let nf = self.th.frames.len();
            let top = self.th.high_water().max(self.th.top);
            self.th.top = top;
            if let Err(e) = self.call_close(h, v, ev) {
                if e == Error::Runtime {
                    ev = std::mem::take(&mut self.error_value);
                    if let Some(hd) = handler {
                        // The frames of the failed closing method are still
                        // there for the handler to walk: keep their slots
                        // (the erring function's own) from being reused.
                        self.th.top = self.th.error_top();
                        ev = self.run_handler(hd, ev);
                    }
                }
                self.th.frames.truncate(nf);
            }
            self.th.top = top;
        }
        ev
    }

    /// Calls `h(v, e)` nested, discarding results.
    pub(crate) fn call_close(&mut self, h: Value, v: Value, e: Value) -> Result<(), Error> {
        let top = self.th.top;
        self.ensure_stack(top + 3 + EXTRA_STACK)?;
        self.th.stack[top] = h;
        self.th.stack[top + 1] = v;
        self.th.stack[top + 2] = e;
        self.th.top = top + 3;
        let r = self.call_at(top, 0);
        self.th.top = top;
        r
    }

    /// Registers stack slot `idx` as a to-be-closed variable.
    pub(crate) fn mark_tbc(&mut self, idx: usize) -> Result<(), Error> {
        let v = self.th.stack[idx];
        if !v.truthy() {
            return Ok(());
        }
        if self.tm(v, TagMethod::Close).is_nil() {
            let f = *self.th.frames.last().unwrap();
            let mut name = "?".to_string();
            if let Some(cl) = f.cl
                && let Some(n) = cl
                    .proto
                    .p
                    .get_local_name((idx - f.base() + 1) as u32, (f.pc - 1) as u32)
            {
                name = String::from_utf8_lossy(n).into_owned();
            }
            return Err(self.runtime_error(&format!("variable '{name}' got a non-closable value")));
        }
        self.th.tbc.push(idx);
        Ok(())
    }

    /// Calls the value at `func` with the arguments up to top from native
    /// code (a nested run of the loop): results left at `func` (`wanted`,
    /// or all for -1). Not yieldable.
    pub(crate) fn call_at(&mut self, func: usize, wanted: i32) -> Result<(), Error> {
        let saved_cc = self.enter_native_call()?;
        let entry = self.th.frames.len();
        let r = self.precall(func, wanted, 0).map(|_| ());
        let r = self.execute(entry, r);
        self.leave_native_call(saved_cc);
        r
    }

    /// Counts a nested call from native code (the "C stack" limit) and
    /// forbids yields until [`State::leave_native_call`], which takes the
    /// count this returns.
    #[inline]
    pub(crate) fn enter_native_call(&mut self) -> Result<u32, Error> {
        let saved_cc = self.n_ccalls;
        self.n_ccalls += 1;
        if self.n_ccalls >= MAX_CCALLS {
            let r = if self.n_ccalls == MAX_CCALLS {
                Err(self.runtime_error("C stack overflow"))
            } else if self.n_ccalls >= MAX_CCALLS + MAX_CCALLS / 10 {
                Err(self.raise_str("error in error handling"))
            } else {
                Ok(())
            };
            if let Err(e) = r {
                self.n_ccalls -= 1;
                return Err(e);
            }
        }
        self.th.nny += 1;
        Ok(saved_cc)
    }

    /// Ends what [`State::enter_native_call`] began.
    #[inline]
    pub(crate) fn leave_native_call(&mut self, saved_cc: u32) {
        self.th.nny -= 1;
        self.n_ccalls = saved_cc;
    }

    /// `call_at` in protected mode: on error the frames, upvalues and
    /// to-be-closed variables above the call are unwound (closing
    /// variables with the error), `handler` (when given) having seen the
    /// error first; the error value is left in the state, top at `func`.
    pub(crate) fn pcall_at(
        &mut self,
        func: usize,
        wanted: i32,
        handler: Option<Value>,
    ) -> Result<(), Error> {
        let nframes = self.th.frames.len();
        let nny = self.th.nny;
        let ncc = self.n_ccalls;
        let r = match self.call_at(func, wanted) {
            Err(Error::Runtime) if self.limit_tripped() => Err(Error::Limit),
            r => r,
        };
        match r {
            Ok(()) => Ok(()),
            Err(Error::Runtime) => {
                let mut ev = std::mem::take(&mut self.error_value);
                self.th.top = self.th.error_top();
                if let Some(h) = handler {
                    ev = self.run_handler(h, ev);
                }
                self.th.nny = nny;
                self.n_ccalls = ncc;
                let hw = self.th.high_water().max(self.th.top);
                self.th.frames.truncate(nframes);
                self.th.top = hw;
                ev = self.close_tbc_error(func, ev, handler);
                self.close_upvals(func);
                self.th.frames.truncate(nframes);
                self.in_stack_error = false;
                self.th.top = func;
                self.error_value = ev;
                Err(Error::Runtime)
            }
            Err(e) => {
                self.th.nny = nny;
                self.n_ccalls = ncc;
                self.th.frames.truncate(nframes);
                if e == Error::Limit {
                    // Unwinding without running closing methods: the
                    // variables above the call are just dropped.
                    self.close_upvals(func);
                    self.th.tbc.retain(|&i| i < func);
                    self.in_stack_error = false;
                }
                self.th.top = func;
                Err(e)
            }
        }
    }

    /// Records a continuation call request in the running native frame.
    pub(crate) fn request_call(
        &mut self,
        kfunc: usize,
        nresults: i32,
        ctx: isize,
        k: ContFn,
        handler: usize,
        protected: bool,
    ) -> Error {
        if self.n_ccalls + 1 >= MAX_CCALLS {
            return self.raise_str("C stack overflow");
        }
        let cc = self.n_ccalls;
        self.n_ccalls += 1;
        let fi = self.th.frames.len() - 1;
        self.th.set_cont(crate::state::NativeCont {
            level: fi,
            k,
            ctx,
            kfunc,
            knres: nresults,
            kcc: cc,
            handler,
        });
        if protected {
            self.th.frames[fi].flags |= F_PROTECTED;
        }
        Error::CallK
    }

    /// Marks the frame on top as having replaced its caller.
    #[allow(dead_code)]
    pub(crate) fn mark_tail(&mut self) {
        if let Some(f) = self.th.frames.last_mut() {
            f.flags |= F_TAIL;
        }
    }
}
