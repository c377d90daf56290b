//! `State`: one Lua universe (heap, globals, registry, string table, the
//! main thread and the running coroutine) and `Thread`, a coroutine's stack
//! of values and call frames.
//!
//! The running thread's stack, frames and open upvalues live in the state
//! itself (`State::th`), so the dispatch loop reaches them without an
//! indirection; a suspended thread keeps them in its heap object, and a
//! resume swaps the two (moving only the vectors' headers: open upvalues
//! keep pointing at the same stack buffers).

use crate::error::Error;
use crate::function::{LuaClosure, UpVal};
use crate::gc::{Gc, Heap, Marker, Trace};
use crate::string::LuaStr;
use crate::table::Table;
use crate::value::{Type, Value};

use std::cell::{Cell, RefCell};
use std::io::Write;

/// The largest number of stack slots a thread may use (LUAI_MAXSTACK).
pub(crate) const MAX_STACK: usize = 1_000_000;
/// Room above `MAX_STACK` given to the handling of a stack overflow.
pub(crate) const ERROR_STACK_EXTRA: usize = 200;
/// Nesting limit of native-level calls (LUAI_MAXCCALLS).
pub(crate) const MAX_CCALLS: u32 = 200;
/// Free slots guaranteed to a native function (LUA_MINSTACK).
pub(crate) const MIN_STACK: usize = 20;
/// Slots above a Lua frame's registers kept free for metamethod calls.
pub(crate) const EXTRA_STACK: usize = 5;
/// The stack limit (`MAX_STACK`) counts a frame's registers plus these
/// slots: the reference's limit counts the registers only, and the stack
/// of its standalone interpreter holds this many more slots below a
/// script's main function than ours does.
pub(crate) const STANDALONE_SLOTS: usize = 6;
// A call's room (`RtProto::call_room`: registers, parameters,
// `EXTRA_STACK` and one) must cover what the limit counts, so that one
// compare against the limit serves both on the common path.
const _: () = assert!(EXTRA_STACK + 1 >= STANDALONE_SLOTS);

/// Frame flag: when this frame returns, its (Lua) caller's interrupted
/// instruction is finished (a metamethod call, `luaV_finishOp`).
pub(crate) const F_FINISH: u32 = 1;
/// Frame flag: the frame replaced its caller by a tail call.
pub(crate) const F_TAIL: u32 = 2;
/// Frame flag: a native frame whose pending call (`call_k`) is protected.
pub(crate) const F_PROTECTED: u32 = 4;
/// Frame flag: a native frame running a `__gc` finalizer.
pub(crate) const F_FINALIZER: u32 = 8;
/// Frame flag: the frame is running a hook (its callee is "hook '?'").
pub(crate) const F_HOOKED: u32 = 16;
/// Frame flag: a native frame whose protected call failed, closing the
/// pending to-be-closed variables (`call::close_step`).
pub(crate) const F_CLOSING: u32 = 32;
/// Frame flag: the host's base frame (`pcall_host`), always "[C]: in ?" in
/// tracebacks: its function is a stub that may share its address with
/// another native function, so it is never looked up by value.
pub(crate) const F_HOST: u32 = 64;
/// The native frame yielded with a continuation (`State::yield_k`): a
/// resume calls it instead of returning.
pub(crate) const F_YIELDK: u32 = 128;
/// Frame flag: a vararg Lua frame that holds extra arguments below its
/// function (`Frame::nextra` > 0), so that a return tests one flag word
/// for everything that takes it off the fast path.
pub(crate) const F_EXTRA_ARGS: u32 = 256;
/// Frame flag: the Lua frame's `<=` is running `__lt` with the operands
/// swapped in place of a missing `__le` (the reference's `CIST_LEQ`), so
/// the result is negated when the instruction is finished.
pub(crate) const F_LEQ: u32 = 512;

/// A native function's continuation (see `State::call_k`): called when the
/// call it asked for has returned (`ok` true, results on the stack) or, for
/// a protected call, failed (`ok` false, the error value on the stack).
/// Returns like a native function.
pub type ContFn = fn(&mut State, ok: bool, ctx: isize) -> Result<usize, Error>;

/// A loader of binary chunks: the bytes to a prototype, or a message.
pub type Undump = fn(&[u8]) -> Result<std::sync::Arc<lunar_compile::Proto>, String>;

/// The pending call of a native frame (`State::request_call`), kept
/// beside the frames (`ThreadData::conts`) so that `Frame`, pushed by every
/// Lua call, carries no native-only fields.
#[derive(Clone, Copy)]
pub(crate) struct NativeCont {
    /// Index of the native frame in `ThreadData::frames`.
    pub(crate) level: usize,
    /// The continuation of the pending call.
    pub(crate) k: ContFn,
    /// The continuation's context.
    pub(crate) ctx: isize,
    /// Stack index of the function of the pending call.
    pub(crate) kfunc: usize,
    /// Results wanted from the pending call.
    pub(crate) knres: i32,
    /// The native-call depth before the pending call.
    pub(crate) kcc: u32,
    /// Stack index of the message handler of a protected pending call
    /// (0: none).
    pub(crate) handler: usize,
}

/// One activation record (the reference's CallInfo).
///
/// `repr(C)` with the fields a Lua call sets to zero side by side (`pc`,
/// `nextra`, `aux`, `flags`), so that pushing a frame writes them as a
/// few wide stores.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Frame {
    /// Stack index of the function; R[0] / the first argument is just
    /// above it (`base()`).
    pub(crate) func: usize,
    /// For Lua frames: `base() + max_stack_size`.
    pub(crate) top: usize,
    /// The Lua closure, or `None` for a native frame.
    pub(crate) cl: Option<Gc<LuaClosure>>,
    /// Lua frames: index of the next instruction.
    pub(crate) pc: usize,
    /// Extra arguments of a vararg Lua function.
    pub(crate) nextra: usize,
    /// Scratch for finishing interrupted instructions (CONCAT's remaining
    /// count, RETURN's result count).
    pub(crate) aux: u32,
    /// `F_*` flags.
    pub(crate) flags: u32,
    /// Results the caller wants (-1: all).
    pub(crate) nresults: i32,
}

impl Frame {
    pub(crate) fn native(func: usize, nresults: i32) -> Frame {
        Frame {
            func,
            top: 0,
            pc: 0,
            nresults,
            nextra: 0,
            cl: None,
            flags: 0,
            aux: 0,
        }
    }

    /// Stack index of R[0] / the first argument. Not a field: a vararg
    /// frame's function is moved above its extra arguments
    /// (`push_lua_frame`), so the registers always start just above it,
    /// and a call stores one word less.
    #[inline(always)]
    pub(crate) fn base(&self) -> usize {
        self.func + 1
    }
}

/// The coroutine status of a thread.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CoStatus {
    /// Created or yielded: may be resumed.
    Suspended,
    /// Running (the state's current thread).
    Running,
    /// Resumed another coroutine and waits for it.
    Normal,
    /// Finished or failed.
    Dead,
}

/// The stack, frames and upvalues of a thread.
#[derive(Default)]
pub(crate) struct ThreadData {
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    /// Pending calls of native frames, by increasing frame index; an
    /// entry whose frame was popped stays until a frame at or below its
    /// level records a new one.
    pub(crate) conts: Vec<NativeCont>,
    /// First free slot (meaningful in native frames and after variable
    /// results in Lua frames).
    pub(crate) top: usize,
    /// Open upvalues, sorted by stack index.
    pub(crate) open_upvals: Vec<Gc<UpVal>>,
    /// Stack indices of pending to-be-closed variables.
    pub(crate) tbc: Vec<usize>,
    /// Active regions where yielding is not allowed (native calls back
    /// into Lua).
    pub(crate) nny: u32,
    /// Number of values a yield left at the top of the stack.
    pub(crate) nyield: usize,
    /// The thread's debug hook.
    pub(crate) hook: crate::hooks::Hook,
    /// The instruction the line hook last saw (the reference's oldpc).
    pub(crate) old_pc: usize,
    /// Set while a hook runs (no hook runs inside a hook).
    pub(crate) in_hook: bool,
}

impl ThreadData {
    /// Records the pending call of native frame `c.level`, dropping the
    /// entries of frames at or above it (popped frames' leftovers).
    pub(crate) fn set_cont(&mut self, c: NativeCont) {
        while self.conts.last().is_some_and(|e| e.level >= c.level) {
            self.conts.pop();
        }
        self.conts.push(c);
    }

    /// The pending call recorded by native frame `fi`.
    pub(crate) fn cont(&self, fi: usize) -> NativeCont {
        *self
            .conts
            .iter()
            .rev()
            .find(|e| e.level <= fi)
            .filter(|e| e.level == fi)
            .expect("native frame without continuation")
    }

    fn trace(&self, marker: &mut Marker) {
        let hw = self.high_water();
        for v in &self.stack[..hw] {
            marker.mark_value(*v);
        }
        for f in &self.frames {
            if let Some(cl) = f.cl {
                marker.mark(cl);
            }
        }
        for u in &self.open_upvals {
            marker.mark(*u);
        }
        marker.mark_value(self.hook.func);
    }

    /// Clears the slots above the high-water mark, so that no stale
    /// reference there outlives its object (they are not marked).
    pub(crate) fn clear_stale(&mut self) {
        let hw = self.high_water();
        for v in &mut self.stack[hw..] {
            *v = Value::Nil;
        }
    }

    /// How much of the stack may hold live values.
    pub(crate) fn high_water(&self) -> usize {
        let mut hw = self.top;
        if let Some(f) = self.frames.last()
            && f.cl.is_some()
            && f.top > hw
        {
            hw = f.top;
        }
        hw.min(self.stack.len())
    }

    /// The top of everything the frames still hold after an error: a
    /// nested call from native code (`call1` for `__tostring`, a `gsub`
    /// replacement function) resets `top` as it returns its error, but
    /// the frames above stay alive until the protected call unwinds them
    /// (its message handler walks them, its closing methods read their
    /// to-be-closed variables), so their slots must not be reused.
    pub(crate) fn error_top(&self) -> usize {
        let mut hw = self.high_water().max(self.top);
        for f in &self.frames {
            let end = if f.cl.is_some() { f.top } else { f.func + 1 };
            hw = hw.max(end);
        }
        hw.min(self.stack.len())
    }
}

/// A Lua thread (coroutine): a stack of values and call frames.
pub struct Thread {
    /// The stack and frames while the thread is not running.
    pub(crate) data: RefCell<ThreadData>,
    /// Coroutine status.
    pub(crate) status: Cell<CoStatus>,
    /// Whether this is the main thread.
    pub(crate) is_main: bool,
    /// The body function (before the first resume).
    pub(crate) body: Cell<Value>,
    /// Whether the body started.
    pub(crate) started: Cell<bool>,
    /// The error value that killed the coroutine (`None` otherwise; an
    /// error can be nil, and `coroutine.close` still reports it).
    pub(crate) error: Cell<Option<Value>>,
    /// Native-call levels the coroutine was inside when it yielded.
    pub(crate) pending_cc: Cell<u32>,
}

impl Trace for Thread {
    fn trace(&self, marker: &mut Marker) {
        if let Ok(mut d) = self.data.try_borrow_mut() {
            d.clear_stale();
            d.trace(marker);
        }
        marker.mark_value(self.body.get());
        if let Some(e) = self.error.get() {
            marker.mark_value(e);
        }
    }
    fn extra_size(&self) -> usize {
        self.data
            .try_borrow()
            .map(|d| {
                d.stack.capacity() * std::mem::size_of::<Value>()
                    + d.frames.capacity() * std::mem::size_of::<Frame>()
            })
            .unwrap_or(0)
    }
}

/// A Lua state. Owns its heap: nothing in it is shared with other states.
/// `Send` (it may move between threads between runs), not `Sync`.
pub struct State {
    pub(crate) heap: Heap,
    /// The running thread's stack and frames.
    pub(crate) th: ThreadData,
    /// The running thread's object.
    pub(crate) current: Gc<Thread>,
    /// The threads that resumed the running thread, outermost first (each
    /// in status normal). A switch swaps the data of two threads once: a
    /// suspended or dead thread's cell holds its own data, the running
    /// thread's cell holds its resumer's (the main thread's holds an empty
    /// `ThreadData`), so the data of `resumers[i]` is in the cell of
    /// `resumers[i + 1]` (or of `current` for the last). They are roots: a
    /// resumer's data can be reachable only through its own thread.
    pub(crate) resumers: Vec<Gc<Thread>>,
    /// The main thread's object.
    pub(crate) main: Gc<Thread>,
    pub(crate) globals: Gc<Table>,
    pub(crate) registry: Gc<Table>,
    /// Metatables of the basic types other than table and userdata.
    pub(crate) type_mts: [Option<Gc<Table>>; 9],
    /// The metamethod names, interned.
    pub(crate) tm_names: TmNames,
    /// The value of the error being raised.
    pub(crate) error_value: Value,
    /// Nested native-level calls (C stack depth).
    pub(crate) n_ccalls: u32,
    /// Set while a stack overflow error is handled (extra room allowed).
    pub(crate) in_stack_error: bool,
    pub(crate) stdout: Box<dyn Write + Send>,
    pub(crate) stderr: Box<dyn Write + Send>,
    /// Whether warnings are on (`warn("@on")`).
    pub(crate) warn_on: bool,
    /// Values kept alive on behalf of the host (e.g. a compiled program's
    /// runtime prototypes), traced as roots.
    pub(crate) pinned: Vec<Value>,
    /// Values crossing between two threads in a resume: the arguments on
    /// the way in, the yielded or returned values on the way out. Only
    /// filled between a copy and the next (no code runs and nothing is
    /// allocated in between), so it holds no roots; kept to reuse its
    /// buffer.
    pub(crate) xfer: Vec<Value>,
    /// Runtime prototypes already made for shared prototypes, by address.
    pub(crate) proto_cache: Vec<(usize, Gc<crate::proto::RtProto>)>,
    /// Objects with a `__gc` metamethod, waiting to be finalized.
    pub(crate) to_finalize: Vec<Value>,
    /// Set after a panic was caught at the API boundary.
    pub(crate) broken: bool,
    /// The traceback taken by `call_traceback`'s handler.
    pub(crate) last_traceback: Option<String>,
    /// Nesting of running `__gc` finalizers.
    pub(crate) in_finalizer: u32,
    /// What a call or return hook transfers: (first local index, count).
    pub(crate) transfer: (usize, usize),
    /// Loader for binary chunks (set by a host that supports them).
    pub(crate) undump: Option<Undump>,
    /// Work left before the next look at the limits (see `limits`).
    pub(crate) budget: i64,
    /// The most frames a thread may hold (the call-depth limit).
    pub(crate) frame_limit: usize,
    /// Limits, counters and the interrupt flag.
    pub(crate) control: crate::limits::RunControl,
    /// Values rooted for the host.
    pub(crate) roots: crate::roots::Roots,
    /// This state's id (for roots).
    pub(crate) id: u64,
    /// Data the embedding layer keeps with the state.
    pub(crate) host_data: Option<Box<dyn std::any::Any + Send>>,
    /// The libraries' per-state values (see [`State::lib_slot`]).
    pub(crate) lib_slots: [Value; LIB_SLOTS],
}

/// The process's standard output as a state's default `stdout`: a
/// type without data, so that boxing it allocates nothing (a boxed
/// `std::io::Stdout` is an allocation per state).
struct ProcessStdout;

impl Write for ProcessStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::io::stdout().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        std::io::stdout().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stdout().flush()
    }
}

/// The process's standard error as a state's default `stderr` (see
/// [`ProcessStdout`]).
struct ProcessStderr;

impl Write for ProcessStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::io::stderr().write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        std::io::stderr().write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// How many per-state values the libraries may keep in a state's slots
/// ([`State::lib_slot`]).
pub const LIB_SLOTS: usize = 8;

// SAFETY: a State owns its whole heap (every object reachable from it is in
// its heap and nowhere else), and the `Gc` handles inside it are never
// shared with another state, so moving the state to another thread moves
// everything these pointers reach with it. Host data in userdata is
// `Send` (`UserData::data` is `Box<dyn Any + Send>`). The pointers into
// a library image (its shared strings, their chains' heads, the
// metamethod names: `TmNames`) reach data that nothing writes and that
// lives for the whole process (`LibImage` is `Sync`).
unsafe impl Send for State {}

impl Thread {
    pub(crate) fn new_obj(is_main: bool, body: Value) -> Thread {
        let mut data = ThreadData::default();
        if !is_main {
            // Room for the first frames, made here so that the allocation
            // charges it (`extra_size`): the frame list grows unseen by
            // the collector's pacing later.
            data.frames.reserve_exact(4);
        }
        Thread {
            data: RefCell::new(data),
            status: Cell::new(if is_main {
                CoStatus::Running
            } else {
                CoStatus::Suspended
            }),
            is_main,
            body: Cell::new(body),
            started: Cell::new(false),
            error: Cell::new(None),
            pending_cc: Cell::new(0),
        }
    }
    /// The coroutine status.
    pub fn status(&self) -> CoStatus {
        self.status.get()
    }
}

/// The metamethod events' keys, in the reference's order (TM_INDEX …):
/// the compiler's table, so the two never disagree.
pub(crate) use lunar_compile::opcodes::TAG_METHOD_NAMES as TM_NAMES;

/// A state's interned metamethod names, read in place where they lie:
/// in the library image the state was copied from (every copy reads the
/// image's, so a copy makes no array of its own), or in a block of the
/// state's own heap (`State::new`). A thin pointer to an array of fixed
/// length: indexing it costs what indexing a vector did, less the load
/// of the length.
#[derive(Clone, Copy)]
pub(crate) struct TmNames(std::ptr::NonNull<[LuaStr; TM_NAMES.len()]>);

impl TmNames {
    /// The names at `p`.
    ///
    /// # Safety
    /// `p` points to the names, which stay unchanged and in place for as
    /// long as the state that keeps this lives (an image is `'static`; a
    /// heap block lives as long as its heap).
    pub(crate) unsafe fn new(p: std::ptr::NonNull<[LuaStr; TM_NAMES.len()]>) -> TmNames {
        TmNames(p)
    }

    /// The names, in event order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = LuaStr> + '_ {
        (0..TM_NAMES.len()).map(|i| self[i])
    }
}

impl std::ops::Index<usize> for TmNames {
    type Output = LuaStr;
    #[inline]
    fn index(&self, i: usize) -> &LuaStr {
        // SAFETY: `TmNames::new`'s contract: the array is live and
        // unchanged while the state is.
        unsafe { &self.0.as_ref()[i] }
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}

impl State {
    /// A new state with no libraries loaded (`lunar-stdlib` opens them).
    pub fn new() -> State {
        let mut heap = Heap::new();
        let globals = heap.alloc(Table::new(0, 0));
        let registry = heap.alloc(Table::new(0, 0));
        let main = heap.alloc(Thread::new_obj(true, Value::Nil));
        // The metamethod names are fixed, as the reference fixes them:
        // one block, never collected; their array in another block of
        // the heap, read in place (see `TmNames`).
        let mut tm = [None; TM_NAMES.len()];
        heap.intern_batch(TM_NAMES.iter().map(|n| n.as_bytes()), |_, i, k| {
            tm[i] = Some(k)
        });
        let tm = tm.map(|k| k.expect("intern_batch gives every name"));
        let at = crate::string::new_block(&mut heap, std::mem::size_of_val(&tm));
        let at = at.cast::<[LuaStr; TM_NAMES.len()]>();
        // SAFETY: `new_block` gave room for the array, aligned for
        // pointers (its parts' alignment), which the heap frees only when
        // it is dropped, with the state; nothing writes it afterwards.
        let tm_names = unsafe {
            at.write(tm);
            TmNames::new(std::ptr::NonNull::new_unchecked(at))
        };
        let mut s = State::with_parts(heap, main, globals, registry, tm_names);
        let loaded = s.new_table(0, 0);
        s.set_field(registry, "_LOADED", Value::Table(loaded));
        s.set_field(registry, "_G", Value::Table(globals));
        s.set_field(loaded, "_G", Value::Table(globals));
        // The registry's integer keys as the reference's: [2] = globals.
        s.heap_set_int(registry, 2, Value::Table(globals));
        s.heap_set_int(registry, 1, Value::Thread(main));
        s
    }

    /// A state around a heap holding its main thread, globals, registry
    /// and metamethod names.
    pub(crate) fn with_parts(
        heap: Heap,
        main: Gc<Thread>,
        globals: Gc<Table>,
        registry: Gc<Table>,
        tm_names: TmNames,
    ) -> State {
        // No stack yet (`th` is empty): every way in (a call from the
        // host, `push`, a metamethod call) already makes room with
        // `ensure_stack`, as a new coroutine's empty stack needs, so the
        // first one makes it and a state that never runs code costs no
        // stack.
        State {
            heap,
            th: ThreadData::default(),
            current: main,
            resumers: Vec::new(),
            main,
            globals,
            registry,
            type_mts: [None; 9],
            tm_names,
            error_value: Value::Nil,
            n_ccalls: 0,
            in_stack_error: false,
            stdout: Box::new(ProcessStdout),
            stderr: Box::new(ProcessStderr),
            warn_on: false,
            pinned: Vec::new(),
            xfer: Vec::new(),
            proto_cache: Vec::new(),
            to_finalize: Vec::new(),
            undump: None,
            transfer: (0, 0),
            in_finalizer: 0,
            broken: false,
            last_traceback: None,
            budget: crate::limits::BUDGET_CHUNK,
            frame_limit: usize::MAX,
            control: Default::default(),
            roots: Default::default(),
            id: crate::roots::new_state_id(),
            host_data: None,
            lib_slots: [Value::Nil; LIB_SLOTS],
        }
    }

    /// A library's per-state value in slot `i` (< [`LIB_SLOTS`]; nil
    /// until set): what the reference keeps in a C function's upvalue or
    /// the registry, such as the random generator, kept here so that the
    /// library's functions need no upvalues (which lets a library image
    /// hold them) and find the value in one load. Each library owns its
    /// slot numbers (`lunar-stdlib` lists them in one place). Slots are
    /// roots.
    #[inline]
    pub fn lib_slot(&self, i: usize) -> Value {
        self.lib_slots[i]
    }
    /// Sets slot `i` (see [`State::lib_slot`]).
    pub fn set_lib_slot(&mut self, i: usize, v: Value) {
        self.lib_slots[i] = v;
    }

    /// The state's heap (for raw table writes that may grow a table).
    pub fn heap(&mut self) -> &mut Heap {
        &mut self.heap
    }

    fn heap_set_int(&mut self, t: Gc<Table>, i: i64, v: Value) {
        t.set_int(&mut self.heap, i, v);
    }

    /// Replaces the state's standard output (print, io.write).
    pub fn set_stdout(&mut self, w: Box<dyn Write + Send>) {
        self.stdout = w;
    }
    /// Replaces the state's standard error (warnings, error reports).
    pub fn set_stderr(&mut self, w: Box<dyn Write + Send>) {
        self.stderr = w;
    }
    /// Turns warnings (`warn`) on or off, as `lua -W` does.
    pub fn set_warnings(&mut self, on: bool) {
        self.warn_on = on;
    }
    /// Installs the loader `load` uses for binary chunks.
    pub fn set_undump(&mut self, f: Undump) {
        self.undump = Some(f);
    }
    /// Removes the loader of binary chunks: `load` then refuses them
    /// ("attempt to load a binary chunk").
    pub fn clear_undump(&mut self) {
        self.undump = None;
    }
    /// Data the embedding layer keeps with the state (the VM never looks
    /// inside).
    pub fn host_data(&mut self) -> &mut Option<Box<dyn std::any::Any + Send>> {
        &mut self.host_data
    }

    /// Marks every root of the state: the running thread, the main
    /// thread, globals, registry, type metatables, the error value, the
    /// values pinned for the host and the objects awaiting finalization.
    pub fn trace_roots(&self, marker: &mut Marker) {
        self.th.trace(marker);
        marker.mark(self.current);
        for t in &self.resumers {
            marker.mark(*t);
        }
        marker.mark(self.main);
        marker.mark(self.globals);
        marker.mark(self.registry);
        for mt in self.type_mts.iter().flatten() {
            marker.mark(*mt);
        }
        for s in self.tm_names.iter() {
            marker.mark_value(Value::Str(s));
        }
        marker.mark_value(self.error_value);
        for v in &self.pinned {
            marker.mark_value(*v);
        }
        for (_, p) in &self.proto_cache {
            marker.mark(*p);
        }
        for v in &self.to_finalize {
            marker.mark_value(*v);
        }
        for v in &self.lib_slots {
            marker.mark_value(*v);
        }
    }

    // ----- collection -----

    /// Runs a full collection now, then the pending finalizers.
    pub fn collect_garbage(&mut self) {
        self.th.clear_stale();
        let State {
            heap,
            th,
            current,
            resumers,
            main,
            globals,
            registry,
            type_mts,
            tm_names,
            error_value,
            pinned,
            proto_cache,
            to_finalize,
            roots,
            lib_slots,
            ..
        } = self;
        heap.collect(&mut |m: &mut Marker| {
            roots.trace(m);
            th.trace(m);
            m.mark(*current);
            for t in resumers.iter() {
                m.mark(*t);
            }
            m.mark(*main);
            m.mark(*globals);
            m.mark(*registry);
            for mt in type_mts.iter().flatten() {
                m.mark(*mt);
            }
            for s in tm_names.iter() {
                m.mark_value(Value::Str(s));
            }
            m.mark_value(*error_value);
            for v in pinned.iter() {
                m.mark_value(*v);
            }
            for (_, p) in proto_cache.iter() {
                m.mark(*p);
            }
            for v in to_finalize.iter() {
                m.mark_value(*v);
            }
            for v in lib_slots.iter() {
                m.mark_value(*v);
            }
        });
        // With a memory limit, the next collection comes no later than
        // the limit, so that the limit is checked where it is reached.
        if let Some(max) = self.control.limits.memory
            && self.heap.threshold() > max
        {
            self.heap.set_threshold(max);
        }
        self.run_finalizers();
    }

    /// A safe point of the dispatch loop: collects when the allocation
    /// debt asks for it. `top` is the first free slot of the running Lua
    /// frame.
    #[cold]
    #[inline(never)]
    pub(crate) fn gc_safe_point(&mut self, top: usize) -> Result<(), Error> {
        if !self.heap.is_running() {
            return Ok(());
        }
        let saved = self.th.top;
        let ftop = self.th.frames.last().map(|f| f.top).unwrap_or(0);
        // The registers from `top` up are dead here (the compiler allocates
        // registers as a stack): cleared, as the reference's atomic phase
        // clears the stack above `L->top`, so that a stale temporary (the
        // argument of a call whose results were dropped) does not keep an
        // object alive, or its finalizer from ever running.
        let end = ftop.min(self.th.stack.len());
        if top < end {
            for v in &mut self.th.stack[top..end] {
                *v = Value::Nil;
            }
        }
        self.th.top = top.max(ftop);
        self.collect_garbage();
        self.th.top = saved;
        if let Some(max) = self.control.limits.memory
            && self.heap.bytes_in_use() > max
        {
            return Err(self.trip(crate::limits::Limit::Memory));
        }
        Ok(())
    }

    /// Closes the state as `lua_close` does: the main thread's pending
    /// to-be-closed variables are closed, then every object with a `__gc`
    /// metamethod is finalized (newest first). The state may still be
    /// dropped or reused afterwards, but its finalizers have run.
    ///
    /// Called from a native function while code runs (`os.exit(code,
    /// true)`, which ends the process next), it closes the main thread's
    /// variables as `lua_close` does from inside `os.exit`, even from a
    /// coroutine; the interrupted code must not go on afterwards.
    pub fn close(&mut self) {
        let main = self.main;
        self.with_thread(main, State::close_main_variables);
        self.heap.queue_all_finalizers();
        self.run_finalizers();
    }

    /// The part of [`State::close`] on the main thread's stack (the
    /// running one here): its to-be-closed variables close (an error in
    /// one goes to the next, then is dropped) and its upvalues.
    fn close_main_variables(&mut self) {
        let running = !self.th.frames.is_empty();
        if !self.th.tbc.is_empty() {
            // While code runs, the slots of its frames stay untouched: the
            // closing methods run above all of them (with no frames,
            // `error_top` is the high-water mark).
            let top = self.th.error_top();
            self.th.top = top;
            let _ = self.close_tbc_error(0, Value::Nil, None);
            self.th.tbc.clear();
            self.th.top = if running { top } else { 0 };
        }
        if !running {
            self.close_upvals(0);
        }
    }

    /// Calls the `__gc` metamethods of the objects the last collection
    /// found unreachable; errors become warnings.
    pub(crate) fn run_finalizers(&mut self) {
        while let Some(v) = self.heap.pop_finalizer() {
            self.to_finalize.push(v);
            let h = self.metafield(v, "__gc");
            // Any value but nil is called, as GCTM does (a table with
            // `__call` works; a number fails with a warning).
            if !h.is_nil() {
                let saved_top = self.th.top;
                self.th.top = self.th.high_water().max(self.th.top);
                // The finalizer's caller is named "metamethod '__gc'".
                let fi = self.th.frames.len().checked_sub(1);
                let old = fi.map(|i| self.th.frames[i].flags);
                if let Some(i) = fi {
                    self.th.frames[i].flags |= F_FINALIZER;
                }
                self.in_finalizer += 1;
                let r = self.pcall(h, &[v], None);
                self.in_finalizer -= 1;
                if let (Some(i), Some(o)) = (fi, old) {
                    self.th.frames[i].flags = o;
                }
                if r.is_err() {
                    let ev = self.take_error_value();
                    // luaE_warnerror's text (5.4.7 names the event "__gc").
                    let msg = match ev {
                        Value::Str(s) => format!("error in __gc ({})", s.to_str_lossy()),
                        _ => "error in __gc (error object is not a string)".to_string(),
                    };
                    if self.warn_on {
                        let _ = writeln!(self.stderr, "Lua warning: {msg}");
                    }
                }
                self.th.top = saved_top;
            }
            self.to_finalize.pop();
        }
    }

    // ----- stack management -----

    /// Makes sure the stack has at least `size` slots, growing it (and
    /// repointing open upvalues) if needed; "stack overflow" past the
    /// limit.
    #[inline]
    pub(crate) fn ensure_stack(&mut self, size: usize) -> Result<(), Error> {
        if size <= self.th.stack.len() {
            return Ok(());
        }
        self.grow_stack(size)
    }

    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, size: usize) -> Result<(), Error> {
        // Physical room past the limit that Lua frames check themselves
        // (`check_stack_limit`): their extra slots, and the room given to
        // the handling of a stack overflow.
        let limit = MAX_STACK
            + 64
            + if self.in_stack_error {
                ERROR_STACK_EXTRA * 5
            } else {
                0
            };
        if size > limit {
            if self.in_stack_error {
                if size > limit + ERROR_STACK_EXTRA {
                    return Err(self.raise_str("error in error handling"));
                }
            } else {
                self.in_stack_error = true;
                // The message needs the extra room for its own handling.
                let e = self.runtime_error("stack overflow");
                return Err(e);
            }
        }
        let new_len = size.max(self.th.stack.len() * 2).min(limit.max(size));
        let old_ptr = self.th.stack.as_ptr();
        let old_cap = self.th.stack.capacity();
        self.th.stack.resize(new_len, Value::Nil);
        // The growth counts toward the collector's pacing, as the
        // reference's stack reallocation does: a program that makes many
        // short-lived coroutines otherwise allocates their stacks unseen,
        // and collects them only after several times the memory.
        let grown = self.th.stack.capacity().saturating_sub(old_cap);
        self.heap
            .charge((grown * std::mem::size_of::<Value>()) as isize);
        if self.th.stack.as_ptr() != old_ptr {
            let base = self.th.stack.as_mut_ptr();
            for u in &self.th.open_upvals {
                // SAFETY: an open upvalue's index is below the stack's
                // length (it was a live slot when created, and the stack
                // never shrinks below a live slot).
                u.p.set(unsafe { base.add(u.idx.get()) });
            }
        }
        Ok(())
    }

    /// The open upvalue for stack slot `idx` of the running thread,
    /// created if needed.
    pub(crate) fn find_upval(&mut self, idx: usize) -> Gc<UpVal> {
        let ups = &self.th.open_upvals;
        let mut i = ups.len();
        while i > 0 && ups[i - 1].idx.get() >= idx {
            if ups[i - 1].idx.get() == idx {
                return ups[i - 1];
            }
            i -= 1;
        }
        // SAFETY: idx is a live slot of the running thread's stack (a
        // register of the running Lua frame).
        let p = unsafe { self.th.stack.as_mut_ptr().add(idx) };
        let uv = self.heap.alloc(UpVal {
            p: Cell::new(p),
            closed: Cell::new(Value::Nil),
            idx: Cell::new(idx),
            thread: Cell::new(Some(self.current)),
        });
        self.th.open_upvals.insert(i, uv);
        uv
    }

    /// Closes every open upvalue at or above stack index `level`.
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(u) = self.th.open_upvals.last() {
            if u.idx.get() < level {
                break;
            }
            u.close();
            self.th.open_upvals.pop();
        }
    }

    /// The metatable for a basic type, by type.
    pub(crate) fn type_mt(&self, t: Type) -> Option<Gc<Table>> {
        let i = t as i8;
        if i < 0 {
            None
        } else {
            self.type_mts[i as usize]
        }
    }

    /// Whether a `__gc` finalizer is running (collectgarbage then does
    /// nothing and returns nil, as the reference's lua_gc fails).
    pub fn in_finalizer(&self) -> bool {
        self.in_finalizer > 0
    }

    /// The current nesting of native-level calls (the "C stack" depth
    /// that "C stack overflow" limits to 200).
    pub fn native_depth(&self) -> u32 {
        self.n_ccalls
    }

    /// The main thread.
    pub fn main_thread(&self) -> Gc<Thread> {
        self.main
    }
    /// The running thread.
    pub fn current_thread(&self) -> Gc<Thread> {
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<State>();
    }

    #[test]
    fn frame_size() {
        // Frames are pushed and popped by every call: keep them small.
        assert!(
            std::mem::size_of::<Frame>() <= 128,
            "{}",
            std::mem::size_of::<Frame>()
        );
        eprintln!("Frame is {} bytes", std::mem::size_of::<Frame>());
    }
}
