//! Limits on a run (instructions, memory, call depth, deadline) and
//! interruption from other threads.
//!
//! # How work is counted
//! The dispatch loop keeps a work budget in the state (`State::budget`)
//! and takes from it where a script can do unbounded work: each backward
//! jump (a loop's iteration) costs the length of the loop's body, each
//! call of a Lua function by CALL or TAILCALL costs one (recursion through
//! metamethods alone is bounded by the call depth and the stack). Native
//! functions that loop over data
//! the script controls (patterns, `table.concat`, `string.rep`) call
//! [`State::charge`]. When the budget runs out, `State::check_budget`
//! counts the chunk against the instruction limit, looks at the interrupt
//! flag and the deadline, and refills it. So straight-line code is
//! counted exactly, and a loop whose body branches is counted by its
//! length: the count is a close estimate, never an undercount of the
//! iterations. The chunk is at most [`BUDGET_CHUNK`] units, so a
//! deadline or an interrupt is seen within microseconds.
//!
//! # What a tripped limit does
//! It raises `Error::Limit`, which no `pcall`, `xpcall`,
//! `coroutine.resume` or `coroutine.wrap` catches: the run unwinds to the
//! host, and once tripped every later check point fails at once, so no
//! Lua code keeps running (a closing method or message handler that is
//! already running stops at its next loop or call). The next run from the
//! host starts with a clean slate; the state stays usable.
//!
//! Memory is the heap's own count of live bytes: when the count passes
//! the limit the state collects garbage first, and trips only if what is
//! still reachable is over the limit.

use crate::error::Error;
use crate::state::State;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The most work done between two looks at the interrupt flag and the
/// deadline.
pub const BUDGET_CHUNK: i64 = 1 << 12;

/// Bounds on what one run from the host may use. Each is optional; the
/// default has none.
///
/// ```
/// use lunar_vm::limits::Limits;
/// let l = Limits { instructions: Some(1_000_000), ..Default::default() };
/// assert!(l.memory.is_none() && l.call_depth.is_none() && l.deadline.is_none());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// VM instructions a run may execute (counted as the module docs say).
    pub instructions: Option<u64>,
    /// Bytes of Lua objects the state may hold (live objects: garbage is
    /// collected before this limit trips).
    pub memory: Option<usize>,
    /// Nested Lua calls on a thread (each coroutine has its own stack of
    /// calls).
    pub call_depth: Option<usize>,
    /// A point in time after which the run stops.
    pub deadline: Option<Instant>,
}

/// Which limit stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::instructions`].
    Instructions,
    /// [`Limits::memory`].
    Memory,
    /// [`Limits::call_depth`].
    CallDepth,
    /// [`Limits::deadline`].
    Deadline,
    /// [`InterruptHandle::interrupt`] was called.
    Interrupt,
}

impl Limit {
    /// The limit's name as messages give it ("instructions", "memory",
    /// "call depth", "deadline", "interrupt").
    pub fn name(self) -> &'static str {
        match self {
            Limit::Instructions => "instructions",
            Limit::Memory => "memory",
            Limit::CallDepth => "call depth",
            Limit::Deadline => "deadline",
            Limit::Interrupt => "interrupt",
        }
    }

    /// The message a stopped run reports: "lunar: instructions limit
    /// exceeded", …, "lunar: run interrupted".
    ///
    /// ```
    /// use lunar_vm::limits::Limit;
    /// assert_eq!(Limit::Memory.message(), "lunar: memory limit exceeded");
    /// assert_eq!(Limit::Interrupt.message(), "lunar: run interrupted");
    /// ```
    pub fn message(self) -> String {
        match self {
            Limit::Interrupt => "lunar: run interrupted".to_string(),
            Limit::Deadline => "lunar: deadline exceeded".to_string(),
            l => format!("lunar: {} limit exceeded", l.name()),
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Nothing asked.
const FLAG_NONE: usize = 0;
/// `InterruptHandle::interrupt`: stop the run with `Limit::Interrupt`.
const FLAG_INTERRUPT: usize = 1;
/// `InterruptHandle::raise_error`: raise an ordinary Lua error.
const FLAG_RAISE: usize = 2;

/// What other threads share with the state: the interrupt flag.
#[derive(Default)]
struct Shared {
    /// A `FLAG_` value; in an `Arc` of its own so that a signal handler
    /// can hold it ([`InterruptHandle::raise_error_flag`]).
    flag: Arc<AtomicUsize>,
    /// The message of `raise_error` (read only when the flag says so).
    message: Mutex<String>,
}

/// Stops a state's running script from any thread. `Send + Sync + Clone`;
/// every clone acts on the same state.
///
/// ```
/// let mut st = lunar_vm::State::new();
/// let stop = st.interrupt_handle();
/// std::thread::spawn(move || stop.interrupt()).join().unwrap();
/// // The state's next look at its flag (in its next run) stops the run.
/// ```
#[derive(Clone)]
pub struct InterruptHandle {
    shared: Arc<Shared>,
}

impl InterruptHandle {
    /// Asks the running script to stop as soon as possible: the run fails
    /// with [`Limit::Interrupt`], which `pcall` cannot catch. A request
    /// made while nothing runs stops the next run at its first check.
    pub fn interrupt(&self) {
        self.shared.flag.store(FLAG_INTERRUPT, Ordering::Relaxed);
    }

    /// Makes the running script raise an ordinary Lua error with message
    /// `msg`, prefixed with the position of the running Lua function, as
    /// soon as the VM looks at its flag. Unlike [`interrupt`], `pcall`
    /// can catch it: the standalone interpreter raises "interrupted!" this
    /// way on Ctrl-C, as `lua.c`'s signal hook does.
    ///
    /// [`interrupt`]: InterruptHandle::interrupt
    pub fn raise_error(&self, msg: &str) {
        if let Ok(mut m) = self.shared.message.lock() {
            m.clear();
            m.push_str(msg);
        }
        self.shared.flag.store(FLAG_RAISE, Ordering::Relaxed);
    }

    /// Prepares [`raise_error`]`(msg)` so that one store into an atomic
    /// asks for it, which is all a signal handler may do (it can neither
    /// lock nor allocate): returns the atomic and the value to store. The
    /// standalone interpreter hands both to
    /// `signal_hook::flag::register_usize` for Ctrl-C. A later
    /// `raise_error` replaces the message.
    ///
    /// ```
    /// use std::sync::atomic::Ordering;
    /// let mut st = lunar_vm::State::new();
    /// let (flag, value) = st.interrupt_handle().raise_error_flag("interrupted!");
    /// flag.store(value, Ordering::SeqCst); // as a signal handler would
    /// ```
    ///
    /// [`raise_error`]: InterruptHandle::raise_error
    pub fn raise_error_flag(&self, msg: &str) -> (Arc<AtomicUsize>, usize) {
        if let Ok(mut m) = self.shared.message.lock() {
            m.clear();
            m.push_str(msg);
        }
        (self.shared.flag.clone(), FLAG_RAISE)
    }

    /// Withdraws a request not yet seen by the state.
    pub fn clear(&self) {
        self.shared.flag.store(FLAG_NONE, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterruptHandle").finish_non_exhaustive()
    }
}

/// A state's bookkeeping of limits (cold data: touched only when the work
/// budget runs out or a limit trips).
#[derive(Default)]
pub(crate) struct RunControl {
    pub(crate) limits: Limits,
    /// Work counted in earlier chunks of this run.
    pub(crate) charged: u64,
    /// The size of the chunk the budget was last refilled with.
    pub(crate) chunk: i64,
    /// What interrupt handles share, made by the first
    /// [`State::interrupt_handle`]: most states never hand one out, and
    /// a state without one saves two allocations (the issue's cost of a
    /// state); `check_budget`, off the hot path, finds no flag to read.
    shared: std::cell::OnceCell<Arc<Shared>>,
    /// The limit that stopped the run under way, if one did.
    pub(crate) tripped: Option<Limit>,
    /// Set while a host drives one run in several calls (an asynchronous
    /// run resumed after each wait): host calls then keep the counters.
    pub(crate) continuing: bool,
    /// The traceback where it tripped.
    pub(crate) trip_traceback: Option<String>,
}

impl State {
    /// Sets the limits of the runs that follow (and of the one under way,
    /// from its next check).
    pub fn set_limits(&mut self, limits: Limits) {
        self.control.limits = limits;
        self.frame_limit = limits.call_depth.unwrap_or(usize::MAX);
        // The frame list's capacity stays within the limit (see
        // `grow_frames`).
        let keep = self.th.frames.len().max(self.frame_limit.min(1 << 20));
        if self.th.frames.capacity() > keep {
            self.th.frames.shrink_to(keep);
        }
        if let Some(max) = limits.memory
            && self.heap.threshold() > max
        {
            self.heap.set_threshold(max);
        }
        self.refill_budget();
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.control.limits
    }

    /// A handle that stops this state's runs from any thread.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            shared: self.control.shared.get_or_init(Default::default).clone(),
        }
    }

    /// The limit that stopped the last run, if one did (until the next
    /// run from the host starts).
    pub fn tripped_limit(&self) -> Option<Limit> {
        self.control.tripped
    }

    /// The traceback taken where the last limit tripped.
    pub fn limit_traceback(&self) -> Option<&str> {
        self.control.trip_traceback.as_deref()
    }

    /// Work counted so far in the run under way (or the last one), in the
    /// units of [`Limits::instructions`].
    pub fn instructions_used(&self) -> u64 {
        self.control.charged + (self.control.chunk - self.budget).max(0) as u64
    }

    /// Makes the host calls that follow parts of one run (`true`: the
    /// limits' counters go on from call to call) or each a run of its own
    /// (`false`, the default). A host that drives a run in several calls
    /// (resuming it after each asynchronous wait) calls [`begin_run`]
    /// first, then sets this until the run ends.
    ///
    /// [`begin_run`]: State::begin_run
    pub fn set_continuing_run(&mut self, on: bool) {
        self.control.continuing = on;
    }

    /// Starts a run from the host: counters at zero, nothing tripped.
    /// (A pending interrupt request stays: it stops this run.) Every host
    /// call does this unless [`set_continuing_run`] is on.
    ///
    /// [`set_continuing_run`]: State::set_continuing_run
    pub fn begin_run(&mut self) {
        self.control.charged = 0;
        self.control.tripped = None;
        self.control.trip_traceback = None;
        self.refill_budget();
    }

    /// Fills the budget with the next chunk: no more than the instructions
    /// left, so that the instruction limit trips where it is reached.
    fn refill_budget(&mut self) {
        let mut chunk = BUDGET_CHUNK;
        if let Some(max) = self.control.limits.instructions {
            let left = max.saturating_sub(self.control.charged);
            chunk = chunk.min(left as i64).max(0);
        }
        if self.control.tripped.is_some() {
            chunk = 0;
        }
        self.control.chunk = chunk;
        self.budget = chunk;
    }

    /// Counts `units` of work done by a native function against the run's
    /// budget (one unit is about one VM instruction's worth), checking the
    /// limits when the budget runs out. Natives that loop over data the
    /// script controls call it so that limits and interrupts stop them.
    #[inline]
    pub fn charge(&mut self, units: u64) -> Result<(), Error> {
        self.budget -= units.min(i64::MAX as u64 / 2) as i64;
        if self.budget < 0 {
            return self.check_budget();
        }
        Ok(())
    }

    /// The budget ran out: counts the chunk, then looks at the interrupt
    /// flag, the deadline and the limits; refills the budget if the run
    /// may go on.
    #[cold]
    #[inline(never)]
    pub(crate) fn check_budget(&mut self) -> Result<(), Error> {
        if self.control.tripped.is_some() {
            self.budget = 0;
            return Err(Error::Limit);
        }
        let used = (self.control.chunk - self.budget).max(0) as u64;
        self.control.charged = self.control.charged.saturating_add(used);
        let flag = match self.control.shared.get() {
            Some(sh) => sh.flag.swap(FLAG_NONE, Ordering::Relaxed),
            None => FLAG_NONE,
        };
        match flag {
            FLAG_INTERRUPT => return Err(self.trip(Limit::Interrupt)),
            FLAG_RAISE => {
                let msg = self
                    .control
                    .shared
                    .get()
                    .and_then(|sh| sh.message.lock().ok().map(|m| m.clone()))
                    .unwrap_or_default();
                self.refill_budget();
                // As lua.c's hook raises it with luaL_error from inside
                // the running function: `luaL_where(L, 1)`, the position
                // of its caller when that is Lua code, else none.
                let mut text = self.where_(1);
                text.extend_from_slice(msg.as_bytes());
                let v = self.str_value(&text);
                return Err(self.throw(v));
            }
            _ => {}
        }
        let l = self.control.limits;
        if let Some(max) = l.instructions
            && self.control.charged >= max
        {
            return Err(self.trip(Limit::Instructions));
        }
        if let Some(d) = l.deadline
            && Instant::now() >= d
        {
            return Err(self.trip(Limit::Deadline));
        }
        if l.memory.is_some() {
            self.check_memory(0)?;
        }
        self.refill_budget();
        Ok(())
    }

    /// Fails with the memory limit when the live objects plus `extra`
    /// bytes about to be allocated would exceed it. Collects garbage
    /// first when the count is over, so this is a safe point: the caller
    /// must hold no object only in Rust locals (arguments on the stack are
    /// safe). Natives call it before allocating large buffers.
    pub fn check_memory(&mut self, extra: usize) -> Result<(), Error> {
        let Some(max) = self.control.limits.memory else {
            return Ok(());
        };
        if self.heap.bytes_in_use().saturating_add(extra) <= max {
            return Ok(());
        }
        if self.in_finalizer == 0 {
            let top = self.th.top;
            self.th.top = self.th.high_water().max(top);
            self.collect_garbage();
            self.th.top = top;
        }
        if self.heap.bytes_in_use().saturating_add(extra) > max {
            return Err(self.trip(Limit::Memory));
        }
        Ok(())
    }

    /// Makes room for more frames on the running thread, up to the
    /// call-depth limit (a full list at the limit trips it). The list's
    /// capacity never passes the limit, so `push_lua_frame` needs no
    /// check of its own.
    #[cold]
    #[inline(never)]
    pub(crate) fn grow_frames(&mut self) -> Result<(), Error> {
        let len = self.th.frames.len();
        if len >= self.frame_limit {
            return Err(self.trip(Limit::CallDepth));
        }
        let want = (len * 2).max(8).min(self.frame_limit);
        self.th.frames.reserve_exact(want - len);
        Ok(())
    }

    /// Records that `limit` stopped the run and returns the error that
    /// unwinds it.
    #[cold]
    pub(crate) fn trip(&mut self, limit: Limit) -> Error {
        if self.control.tripped.is_none() {
            self.control.tripped = Some(limit);
            let tb = self.traceback(None, 0);
            self.control.trip_traceback = Some(String::from_utf8_lossy(&tb).into_owned());
        }
        self.budget = 0;
        self.control.chunk = 0;
        Error::Limit
    }

    /// Whether a limit stopped the run under way (errors then unwind to
    /// the host whatever protects them).
    #[inline]
    pub fn limit_tripped(&self) -> bool {
        self.control.tripped.is_some()
    }
}
