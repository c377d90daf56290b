//! Coroutines (§2.6): creating, resuming, yielding and closing threads.
//!
//! A resume swaps the coroutine's stack and frames into the state and runs
//! the loop on them (a nested run: resume is a native boundary); a yield
//! returns `Err(Error::Yield)` out of that run, leaving the coroutine's
//! frames intact for the next resume, which finishes the frame of the
//! native that yielded (its results are the resume's arguments) and runs
//! the loop again.

use crate::error::Error;
use crate::gc::Gc;
use crate::state::{
    CoStatus, ContFn, F_YIELDK, MAX_CCALLS, MAX_STACK, MIN_STACK, NativeCont, State, Thread,
};
use crate::value::{Value, copy_values, extend_values};

/// The value a host's asynchronous function yields while its future is
/// pending (first of the yielded values). `coroutine.resume` and
/// `coroutine.wrap` pass such a yield on to their own resumer, so that it
/// reaches the host's driver through any nesting of coroutines, and give
/// the driver's answer back to the coroutine that waits.
pub const HOST_WAIT: Value = Value::LightUserData(usize::MAX);

impl State {
    /// A new coroutine running `body` (`coroutine.create`).
    pub fn new_thread(&mut self, body: Value) -> Gc<Thread> {
        let t = self.heap.alloc(Thread::new_obj(false, body));
        // A new coroutine starts with its creator's hook settings, but, as
        // in the reference (whose debug library keeps hook functions per
        // thread), no function: the events are not reported.
        let mut h = self.th.hook;
        h.left = h.count;
        h.func = Value::Nil;
        t.data.borrow_mut().hook = h;
        t
    }

    /// Makes a coroutine that finished normally ready to run `body` from
    /// its start again, keeping the room its stack and frame lists grew
    /// to: a host that runs many short calls as coroutines (asynchronous
    /// runs) reuses one instead of allocating a new one each time.
    /// Returns `false`, changing nothing, unless `co` is dead without
    /// an error and holds no frame, open upvalue or to-be-closed
    /// variable (then it is exactly a new coroutine of `body`).
    pub fn reuse_thread(&mut self, co: Gc<Thread>, body: Value) -> bool {
        if co.is_main
            || co.ptr_eq(self.current)
            || co.status.get() != CoStatus::Dead
            || co.error.get().is_some()
        {
            return false;
        }
        let mut d = co.data.borrow_mut();
        if !d.frames.is_empty()
            || !d.open_upvals.is_empty()
            || !d.tbc.is_empty()
            || !d.conts.is_empty()
        {
            return false;
        }
        // Stale values above the top would keep garbage alive.
        d.stack.fill(Value::Nil);
        d.top = 0;
        d.nny = 0;
        d.nyield = 0;
        d.old_pc = 0;
        d.in_hook = false;
        let mut h = self.th.hook;
        h.left = h.count;
        h.func = Value::Nil;
        d.hook = h;
        drop(d);
        co.status.set(CoStatus::Suspended);
        co.started.set(false);
        co.body.set(body);
        co.pending_cc.set(0);
        true
    }

    /// Makes `co` the running thread. One swap: `co`'s data comes into
    /// `self.th` and the running thread's goes into `co`'s cell, where it
    /// stays while `co` runs (see [`State::resumers`]).
    fn switch_to(&mut self, co: Gc<Thread>) -> Gc<Thread> {
        let prev = self.current;
        self.resumers.push(prev);
        std::mem::swap(&mut self.th, &mut *co.data.borrow_mut());
        self.current = co;
        prev
    }

    /// Makes `prev`, which resumed the running thread, the running thread
    /// again (the swap of `switch_to` undone).
    fn switch_back(&mut self, prev: Gc<Thread>) {
        let co = self.current;
        debug_assert!(self.resumers.last().is_some_and(|t| t.ptr_eq(prev)));
        self.resumers.pop();
        std::mem::swap(&mut self.th, &mut *co.data.borrow_mut());
        self.current = prev;
    }

    /// The thread whose cell holds the data of non-running thread `t`:
    /// `t` itself, unless `t` resumed another thread and waits for it
    /// (see [`State::resumers`]).
    pub(crate) fn data_holder(&self, t: Gc<Thread>) -> Gc<Thread> {
        match self.resumers.iter().position(|r| r.ptr_eq(t)) {
            Some(i) => self.resumers.get(i + 1).copied().unwrap_or(self.current),
            None => t,
        }
    }

    /// Resumes coroutine `co` with `args` (`coroutine.resume`): the values
    /// it yielded or returned, or `Err` with the error value that ended it
    /// (or the reason it cannot be resumed).
    pub fn resume(&mut self, co: Gc<Thread>, args: &[Value]) -> Result<Vec<Value>, Value> {
        self.xfer.clear();
        extend_values(&mut self.xfer, args);
        let out = self.resume_in(co, ResumeIn::Xfer, args.len())?;
        let mut d = co.data.borrow_mut();
        let vals = d.stack[out.first..out.first + out.n].to_vec();
        if out.dead {
            d.top = 0;
        }
        Ok(vals)
    }

    /// `coroutine.resume` for the running native function, without
    /// copies through the Rust heap: its arguments from `first` (1-based)
    /// up to the top are the values passed in, and they are replaced by
    /// the values the coroutine yielded or returned, whose number is
    /// returned. `Err` as for [`State::resume`] (the arguments are gone).
    pub fn resume_args(&mut self, co: Gc<Thread>, first: usize) -> Result<usize, Value> {
        let top = self.th.top;
        let from = (self.th.frames.last().map_or(0, |f| f.base()) + first.max(1) - 1).min(top);
        let out = match self.resume_in(co, ResumeIn::Stack { from }, top - from) {
            Ok(out) => out,
            Err(e) => {
                self.th.top = from;
                return Err(e);
            }
        };
        let n = out.n;
        let fits = if from + n + MIN_STACK > MAX_STACK {
            // The reference's auxresume (lua_checkstack failing).
            Err(self.str_value(b"too many results to resume"))
        } else if self.ensure_stack(from + n + MIN_STACK).is_err() {
            // Not reached: the size is below the limit.
            Err(self.take_error_value())
        } else {
            Ok(())
        };
        let mut d = co.data.borrow_mut();
        if fits.is_ok() {
            copy_values(
                &mut self.th.stack[from..from + n],
                &d.stack[out.first..out.first + n],
            );
        }
        if out.dead {
            d.top = 0;
        }
        drop(d);
        self.th.top = from + if fits.is_ok() { n } else { 0 };
        fits.map(|()| n)
    }

    /// Places the `n` values passed into a resume at the running
    /// (resumed) thread's slot `dst`, taking them from where `src` says.
    fn take_resume_args(&mut self, co: Gc<Thread>, src: ResumeIn, dst: usize, n: usize) {
        match src {
            ResumeIn::Xfer => {
                copy_values(&mut self.th.stack[dst..dst + n], &self.xfer);
                self.xfer.clear();
            }
            ResumeIn::Stack { from } => {
                // While `co` runs, its cell holds the resumer's data
                // (`switch_to`): the values move from stack to stack.
                let mut d = co.data.borrow_mut();
                copy_values(&mut self.th.stack[dst..dst + n], &d.stack[from..from + n]);
                d.top = from;
            }
        }
    }

    /// The resume proper: the `nargs` values passed in are where `src`
    /// says, and on success the values passed out are left on the
    /// coroutine's stack (see [`ResumeOut`]).
    fn resume_in(
        &mut self,
        co: Gc<Thread>,
        src: ResumeIn,
        nargs: usize,
    ) -> Result<ResumeOut, Value> {
        if co.ptr_eq(self.current) || co.is_main {
            return Err(self.str_value(b"cannot resume non-suspended coroutine"));
        }
        match co.status.get() {
            CoStatus::Suspended => {}
            CoStatus::Dead => return Err(self.str_value(b"cannot resume dead coroutine")),
            _ => return Err(self.str_value(b"cannot resume non-suspended coroutine")),
        }
        if self.n_ccalls >= MAX_CCALLS {
            return Err(self.str_value(b"C stack overflow"));
        }
        let prev = self.switch_to(co);
        prev.status.set(CoStatus::Normal);
        co.status.set(CoStatus::Running);
        // The coroutine runs one native level deeper than its resumer,
        // plus the levels it yielded inside (pcall, metamethods...).
        let saved_cc = self.n_ccalls;
        let body_cc = saved_cc + 1;
        self.n_ccalls = body_cc + co.pending_cc.get();
        let r = if !co.started.get() {
            co.started.set(true);
            let body = co.body.replace(Value::Nil);
            if self.n_ccalls >= MAX_CCALLS {
                // The body's call is one level too deep: the coroutine
                // dies with the error (the reference's ccall check).
                Err(self.raise_str("C stack overflow"))
            } else if self.ensure_stack(nargs + 1 + MIN_STACK).is_err() {
                Err(Error::Runtime)
            } else {
                self.th.stack[0] = body;
                self.take_resume_args(co, src, 1, nargs);
                self.th.top = 1 + nargs;
                let r = self.precall(0, -1, 0).map(|_| ());
                self.execute(0, r)
            }
        } else {
            let top = self.th.top;
            let yield_k = self
                .th
                .frames
                .last()
                .is_some_and(|f| f.cl.is_none() && f.flags & F_YIELDK != 0);
            if self.ensure_stack(top + nargs + MIN_STACK).is_err() {
                Err(Error::Runtime)
            } else if yield_k {
                // The native that yielded goes on in its continuation,
                // with the resume's arguments where it asked for them.
                let fi = self.th.frames.len() - 1;
                self.th.frames[fi].flags &= !F_YIELDK;
                let c = self.th.cont(fi);
                self.take_resume_args(co, src, c.kfunc, nargs);
                self.th.top = c.kfunc + nargs;
                self.th.set_cont(NativeCont {
                    kcc: self.n_ccalls,
                    ..c
                });
                let r = self.continue_native(true);
                match self.native_result(r) {
                    Ok(_) => self.execute(0, Ok(())),
                    Err(e) => self.execute(0, Err(e)),
                }
            } else {
                self.take_resume_args(co, src, top, nargs);
                self.th.top = top + nargs;
                // The native function that yielded returns now: its return
                // event comes first (the reference's `luaD_poscall`).
                let hooked = self.th.hook.mask & crate::hooks::HOOK_RET != 0
                    && self.th.frames.last().is_some_and(|f| f.cl.is_none());
                match if hooked {
                    self.hook_return(top, nargs)
                } else {
                    Ok(())
                } {
                    Ok(()) => {
                        self.poscall(top, nargs);
                        self.execute(0, Ok(()))
                    }
                    Err(e) => self.execute(0, Err(e)),
                }
            }
        };
        // A resume that could not start left its arguments in `xfer`
        // (or on the resumer's stack, whose top its caller resets).
        self.xfer.clear();
        let out = match r {
            Ok(()) => {
                co.status.set(CoStatus::Dead);
                // The body's results, from slot 0 (the caller takes them
                // and empties the stack).
                Ok(ResumeOut {
                    first: 0,
                    n: self.th.top,
                    dead: true,
                })
            }
            Err(Error::Yield) => {
                co.status.set(CoStatus::Suspended);
                co.pending_cc.set(self.n_ccalls.saturating_sub(body_cc));
                let n = self.th.nyield;
                Ok(ResumeOut {
                    first: self.th.top - n,
                    n,
                    dead: false,
                })
            }
            Err(_) => {
                co.status.set(CoStatus::Dead);
                let ev = std::mem::take(&mut self.error_value);
                co.error.set(Some(ev));
                self.in_stack_error = false;
                Err(ev)
            }
        };
        self.n_ccalls = saved_cc;
        self.switch_back(prev);
        prev.status.set(CoStatus::Running);
        out
    }

    /// The yield of the running native function: its arguments are the
    /// values to yield. Use as `return Err(state.yield_values())`-style:
    /// returns the error to return (a "yield from outside a coroutine"
    /// or "across a C-call boundary" error when not allowed).
    pub fn yield_values(&mut self) -> Error {
        if self.current.is_main {
            return self.raise_str("attempt to yield from outside a coroutine");
        }
        if self.th.nny > 0 {
            return self.raise_str("attempt to yield across a C-call boundary");
        }
        self.th.nyield = self.arg_count().min(self.top());
        Error::Yield
    }

    /// Yields from the running native function the values from its
    /// argument `first` (1-based) up to the top, as `lua_yieldk`: when
    /// the coroutine is resumed, `k(state, true, ctx)` runs as the rest of
    /// the native function, with its arguments before `first` as they were
    /// and the resume's values as its arguments from `first` on; what `k`
    /// returns is what the native returns. Use as `return
    /// Err(state.yield_k(...))`.
    pub fn yield_k(&mut self, first: usize, ctx: isize, k: ContFn) -> Error {
        if self.current.is_main {
            return self.raise_str("attempt to yield from outside a coroutine");
        }
        if self.th.nny > 0 {
            return self.raise_str("attempt to yield across a C-call boundary");
        }
        let fi = self.th.frames.len() - 1;
        let kfunc = self.th.frames[fi].func + first;
        let n = self.th.top.saturating_sub(kfunc);
        self.th.set_cont(NativeCont {
            level: fi,
            k,
            ctx,
            kfunc,
            knres: -1,
            kcc: self.n_ccalls,
            handler: 0,
        });
        self.th.frames[fi].flags |= F_YIELDK;
        self.th.nyield = n;
        Error::Yield
    }

    /// The status name of `co` as seen from the running thread.
    pub fn thread_status(&self, co: Gc<Thread>) -> &'static str {
        if co.ptr_eq(self.current) {
            return "running";
        }
        match co.status.get() {
            CoStatus::Suspended => "suspended",
            CoStatus::Running | CoStatus::Normal => "normal",
            CoStatus::Dead => "dead",
        }
    }

    /// Closes coroutine `co` (`coroutine.close`): its pending
    /// to-be-closed variables are closed and it becomes dead. `Err` with
    /// the error value when the coroutine had died in error or a closing
    /// method failed.
    pub fn close_thread(&mut self, co: Gc<Thread>) -> Result<(), Value> {
        if co.ptr_eq(self.current) || co.status.get() == CoStatus::Running {
            // A closing method asked to close the coroutine it runs in.
            return Err(self.str_value(b"cannot close a running coroutine"));
        }
        let ev = co.error.replace(None);
        let had_error = co.status.get() == CoStatus::Dead && ev.is_some();
        let prev = self.switch_to(co);
        // While its variables close, the coroutine runs (a closing method
        // that resumes or closes it again is told so, as the reference's
        // lua_closethread leaves it).
        co.status.set(CoStatus::Running);
        let prev_status = prev.status.get();
        prev.status.set(CoStatus::Normal);
        // The closing methods run one native level deeper than the closer
        // (as lua_closethread starts the thread at its closer's count).
        let saved_cc = self.n_ccalls;
        let mut err = if had_error { ev } else { None };
        // Close every pending variable, each in a nested call, the error
        // of one going to the next.
        self.th.top = self.th.error_top();
        self.th.frames.clear();
        while let Some(&idx) = self.th.tbc.last() {
            self.th.tbc.pop();
            let v = self.th.stack[idx];
            let h = self.tm(v, lunar_compile::TagMethod::Close);
            let e = err.unwrap_or(Value::Nil);
            let top = self.th.top;
            if self.call_close(h, v, e).is_err() {
                err = Some(std::mem::take(&mut self.error_value));
                self.th.frames.clear();
            }
            self.th.top = top;
        }
        self.close_upvals(0);
        self.th.frames.clear();
        self.th.top = 0;
        self.n_ccalls = saved_cc;
        co.status.set(CoStatus::Dead);
        co.started.set(true);
        self.switch_back(prev);
        prev.status.set(prev_status);
        match err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The traceback of a thread that is not running (for
    /// `debug.traceback(co)`).
    pub fn thread_traceback(
        &mut self,
        co: Gc<Thread>,
        msg: Option<&[u8]>,
        level: usize,
    ) -> Vec<u8> {
        if co.ptr_eq(self.current) {
            return self.traceback(msg, level);
        }
        self.with_thread(co, |s| s.traceback(msg, level))
    }
}

/// Where the values passed into a resume are.
#[derive(Clone, Copy)]
enum ResumeIn {
    /// In the state's transfer vector (a host's `resume`).
    Xfer,
    /// On the resumer's stack, from slot `from` up to its top
    /// (`coroutine.resume` and `wrap`'s functions).
    Stack {
        /// The first value's slot.
        from: usize,
    },
}

/// Where a resume that succeeded left the values it passes out: on the
/// coroutine's stack, slots `first..first + n`. The values a coroutine
/// yielded stay there for its next resume; a finished one's stack is
/// emptied once they are taken (`dead`).
struct ResumeOut {
    first: usize,
    n: usize,
    dead: bool,
}
