//! Debug hooks (§6.10 `debug.sethook`): call, return, line and count
//! events. Hooks belong to threads (a new coroutine starts with its
//! creator's). The dispatch loop tests one local flag per instruction and
//! enters these functions only while a line or count hook is set.

use crate::error::Error;
use crate::state::{EXTRA_STACK, F_HOOKED, State};
use crate::value::Value;

/// Hook event bits.
pub(crate) const HOOK_CALL: u8 = 1;
pub(crate) const HOOK_RET: u8 = 2;
pub(crate) const HOOK_LINE: u8 = 4;
pub(crate) const HOOK_COUNT: u8 = 8;

/// A thread's hook: the function, its events and count.
#[derive(Clone, Copy, Default)]
pub(crate) struct Hook {
    pub(crate) func: Value,
    pub(crate) mask: u8,
    pub(crate) count: i64,
    pub(crate) left: i64,
}

impl State {
    /// Sets (or, with `func` nil or an empty mask, removes) the running
    /// thread's hook: `mask` holds 'c', 'r', 'l'; `count` > 0 adds count
    /// events.
    pub fn set_hook(&mut self, func: Value, mask: &[u8], count: i64) {
        let mut m = 0;
        if mask.contains(&b'c') {
            m |= HOOK_CALL;
        }
        if mask.contains(&b'r') {
            m |= HOOK_RET;
        }
        if mask.contains(&b'l') {
            m |= HOOK_LINE;
        }
        if count > 0 {
            m |= HOOK_COUNT;
        }
        if func.is_nil() || m == 0 {
            self.th.hook = Hook::default();
            return;
        }
        self.th.hook = Hook {
            func,
            mask: m,
            count,
            left: count,
        };
        // The line that set the hook is not reported again.
        if let Some(f) = self.th.frames.iter().rev().find(|f| f.cl.is_some()) {
            self.th.old_pc = f.pc.saturating_sub(1);
        }
    }

    /// The running thread's hook: function, mask ("crl" letters) and
    /// count; `None` without one.
    pub fn get_hook(&self) -> Option<(Value, Vec<u8>, i64)> {
        let h = self.th.hook;
        if h.mask == 0 {
            return None;
        }
        let mut m = Vec::new();
        if h.mask & HOOK_CALL != 0 {
            m.push(b'c');
        }
        if h.mask & HOOK_RET != 0 {
            m.push(b'r');
        }
        if h.mask & HOOK_LINE != 0 {
            m.push(b'l');
        }
        Some((h.func, m, h.count))
    }

    /// Line and count events before instruction `pc` of the Lua frame on
    /// top (`luaG_traceexec`).
    #[cold]
    #[inline(never)]
    pub(crate) fn hook_instruction(&mut self, pc: usize) -> Result<(), Error> {
        if self.th.in_hook {
            return Ok(());
        }
        let fi = self.th.frames.len() - 1;
        let Some(cl) = self.th.frames[fi].cl else {
            return Ok(());
        };
        let p = &cl.proto.p;
        if pc == 0 && p.is_vararg {
            return Ok(()); // hooks start after VARARGPREP
        }
        self.th.frames[fi].pc = pc + 1;
        let mask = self.th.hook.mask;
        if mask & HOOK_COUNT != 0 {
            self.th.hook.left -= 1;
            if self.th.hook.left <= 0 {
                self.th.hook.left = self.th.hook.count;
                self.run_hook(b"count", Value::Nil)?;
            }
        }
        if mask & HOOK_LINE != 0 {
            let li = &p.line_info;
            let mut old = self.th.old_pc;
            if old >= p.code.len() {
                old = 0;
            }
            self.th.old_pc = pc;
            let changed = pc < li.len() && old < li.len() && li[pc] != li[old];
            if pc <= old || changed {
                // Line 0 (stripped debug information) is unknown: nil.
                let line = p.line_at(pc).map_or(Value::Nil, |l| Value::Int(l as i64));
                self.run_hook(b"line", line)?;
            }
        }
        Ok(())
    }

    /// The call event of the frame on top (`luaD_hookcall`).
    #[cold]
    #[inline(never)]
    pub(crate) fn hook_call(&mut self, tail: bool) -> Result<(), Error> {
        self.th.old_pc = 0;
        if self.th.hook.mask & HOOK_CALL == 0 || self.th.in_hook {
            return Ok(());
        }
        let f = *self.th.frames.last().unwrap();
        let n = match f.cl {
            Some(cl) => cl.proto.p.num_params as usize,
            None => self.th.top - f.base(),
        };
        self.transfer = (1, n);
        let r = self.run_hook(if tail { b"tail call" } else { b"call" }, Value::Nil);
        self.transfer = (0, 0);
        r
    }

    /// The return event of the frame on top, whose `n` results start at
    /// stack index `first`.
    #[cold]
    #[inline(never)]
    pub(crate) fn hook_return(&mut self, first: usize, n: usize) -> Result<(), Error> {
        if self.th.hook.mask & HOOK_RET == 0 || self.th.in_hook {
            return Ok(());
        }
        let f = *self.th.frames.last().unwrap();
        self.transfer = (first + 1 - f.base(), n);
        let saved_top = self.th.top;
        self.th.top = self.th.top.max(first + n);
        let r = self.run_hook(b"return", Value::Nil);
        self.th.top = saved_top;
        self.transfer = (0, 0);
        r
    }

    /// Calls the hook function with `event` (and a line) from the frame on
    /// top, which is marked as running a hook; no hook runs inside it.
    fn run_hook(&mut self, event: &[u8], arg: Value) -> Result<(), Error> {
        let h = self.th.hook.func;
        if h.is_nil() || self.th.in_hook {
            return Ok(());
        }
        self.th.in_hook = true;
        let fi = self.th.frames.len() - 1;
        self.th.frames[fi].flags |= F_HOOKED;
        let saved_top = self.th.top;
        let top = self.th.high_water().max(self.th.top);
        let r = (|| {
            self.ensure_stack(top + 3 + EXTRA_STACK)?;
            let ev = self.str_value(event);
            self.th.stack[top] = h;
            self.th.stack[top + 1] = ev;
            self.th.stack[top + 2] = arg;
            self.th.top = top + 3;
            self.call_at(top, 0)
        })();
        if let Some(f) = self.th.frames.get_mut(fi) {
            f.flags &= !F_HOOKED;
        }
        self.th.in_hook = false;
        self.th.top = saved_top;
        r
    }

    /// `debug.getinfo`'s 'r': the transferred values of the frame at
    /// `level` while its call or return hook runs.
    pub fn transfer_info(&self, level: usize) -> (usize, usize) {
        match self.frame_at(level) {
            Some(f) if f.flags & F_HOOKED != 0 && self.transfer.1 > 0 => self.transfer,
            _ => (0, 0),
        }
    }
}
