//! Functions: Lua closures over prototypes, native functions, and upvalues.

use crate::error::Error;
use crate::gc::{Gc, Marker, Trace};
use crate::proto::RtProto;
use crate::state::{State, Thread};
use crate::value::Value;
use std::cell::Cell;

/// A native (Rust) function callable from Lua.
///
/// It reads its arguments with `State::arg`/`State::check_*`, pushes its
/// results with `State::push`, and returns how many results it pushed (the
/// top that many values of its stack frame). Errors are raised by returning
/// `Err`, usually built by `State::arg_error`, `State::type_error` or
/// `State::error_str`. A native may also end by returning the result of
/// `State::call_k`/`State::pcall_k` (a call with a continuation, see
/// `api.rs`) or of `State::yield_values`.
pub type NativeFn = fn(&mut State) -> Result<usize, Error>;

/// A native function with upvalues (heap object).
pub struct NativeClosure {
    /// The function.
    pub func: NativeFn,
    /// Its upvalues (`State::upvalue` reads them during a call).
    pub upvalues: Box<[Cell<Value>]>,
}

impl Trace for NativeClosure {
    fn trace(&self, marker: &mut Marker) {
        for u in self.upvalues.iter() {
            marker.mark_value(u.get());
        }
    }
}

/// An upvalue: a variable of an enclosing function that a closure
/// captured. While the variable's frame is alive the upvalue is "open" and
/// points at the variable's stack slot; when the frame ends it is "closed"
/// and holds the value itself.
pub struct UpVal {
    /// Where the value is: a slot of a thread's stack (open), or `closed`.
    pub(crate) p: Cell<*mut Value>,
    /// The value once closed.
    pub(crate) closed: Cell<Value>,
    /// The stack index of the slot while open.
    pub(crate) idx: Cell<usize>,
    /// The thread whose stack holds the slot while open (kept alive by
    /// the upvalue, so the slot stays valid); `None` once closed.
    pub(crate) thread: Cell<Option<Gc<Thread>>>,
}

impl UpVal {
    /// The current value.
    #[inline]
    pub fn get(&self) -> Value {
        // SAFETY: `p` points either at `closed` (inside this heap object,
        // which does not move) or at a live slot of the stack of `thread`,
        // kept alive by this upvalue; stack growth repoints open upvalues
        // (`State::grow_stack`). Read word by word, as registers are
        // (`value::read_value`): an open upvalue is a register.
        unsafe { crate::value::read_value(self.p.get()) }
    }
    /// Sets the value.
    #[inline]
    pub fn set(&self, v: Value) {
        // SAFETY: as in `get`.
        unsafe { *self.p.get() = v }
    }
    /// Whether the upvalue still points into a stack.
    #[inline]
    pub fn is_open(&self) -> bool {
        self.thread.get().is_some()
    }
    /// Copies the value into the upvalue itself and points at it.
    pub(crate) fn close(&self) {
        let v = self.get();
        self.closed.set(v);
        self.p.set(self.closed.as_ptr());
        self.thread.set(None);
    }
}

impl Trace for UpVal {
    fn trace(&self, marker: &mut Marker) {
        if let Some(t) = self.thread.get() {
            marker.mark(t);
        }
        marker.mark_value(self.get());
    }
}

/// A Lua closure: a prototype plus its upvalues (heap object).
pub struct LuaClosure {
    /// The prototype, with its constants converted for this state.
    pub(crate) proto: Gc<RtProto>,
    /// The upvalues, as the prototype describes them.
    pub(crate) upvals: Box<[Cell<Gc<UpVal>>]>,
}

impl LuaClosure {
    /// The compiled prototype.
    pub fn proto(&self) -> &lunar_compile::Proto {
        &self.proto.p
    }
    /// The number of upvalues.
    pub fn upvalue_count(&self) -> usize {
        self.upvals.len()
    }
    /// Upvalue `i` (0-based).
    pub fn upvalue(&self, i: usize) -> Option<Value> {
        self.upvals.get(i).map(|u| u.get().get())
    }
    /// Sets upvalue `i` (0-based); false when there is none.
    pub fn set_upvalue(&self, i: usize, v: Value) -> bool {
        match self.upvals.get(i) {
            Some(u) => {
                u.get().set(v);
                true
            }
            None => false,
        }
    }
}

impl Trace for LuaClosure {
    fn trace(&self, marker: &mut Marker) {
        marker.mark(self.proto);
        for u in self.upvals.iter() {
            marker.mark(u.get());
        }
    }
    fn extra_size(&self) -> usize {
        self.upvals.len() * std::mem::size_of::<Cell<Gc<UpVal>>>()
    }
}
