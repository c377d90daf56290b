//! Functions: Lua closures over prototypes, native functions, and upvalues.

use crate::error::Error;
use crate::gc::{Gc, Marker, Trace};
use crate::proto::RtProto;
use crate::state::{State, Thread};
use crate::value::Value;
use std::any::Any;
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

/// A native function with upvalues, or with host data (heap object).
pub struct NativeClosure {
    /// The function.
    pub func: NativeFn,
    /// Its upvalues (`State::upvalue` reads them during a call).
    pub upvalues: Box<[Cell<Value>]>,
    /// The host's data ([`State::new_native_with_data`]), which the
    /// function reads with [`State::with_native_data`]. It is not an
    /// upvalue, so that Lua code (`debug.setupvalue`) cannot replace it
    /// while the function runs with a reference to it. Boxed twice so
    /// that the field is one word: the closure stays in the allocator's
    /// size class it had before the field (closures with upvalues are
    /// made per call by `gmatch`, `io.lines`, `coroutine.wrap`).
    pub(crate) data: Option<Box<Box<dyn Any + Send>>>,
}

// The double box of `data` keeps a closure at four words.
const _: () = assert!(std::mem::size_of::<NativeClosure>() == 32);

impl NativeClosure {
    /// A closure of `func` over `upvalues`, without host data.
    pub(crate) fn new(func: NativeFn, upvalues: &[Value]) -> NativeClosure {
        NativeClosure {
            func,
            upvalues: upvalues.iter().map(|v| Cell::new(*v)).collect(),
            data: None,
        }
    }
}

impl State {
    /// A native function that carries host data: `f` reads it with
    /// [`State::with_native_data`] while it runs. The data is `Send`
    /// because the state is. It has no upvalues.
    ///
    /// ```
    /// use lunar_vm::{Error, State, Value};
    /// fn add(st: &mut State) -> Result<usize, Error> {
    ///     let x = st.check_integer(1)?;
    ///     let k = st.with_native_data(|_, k: &i64| *k).unwrap_or(0);
    ///     st.push(Value::Int(x + k));
    ///     Ok(1)
    /// }
    /// let mut st = State::new();
    /// let f = st.new_native_with_data(add, Box::new(10i64));
    /// assert!(matches!(st.call1(f, &[Value::Int(5)]), Ok(Value::Int(15))));
    /// ```
    pub fn new_native_with_data(&mut self, f: NativeFn, data: Box<dyn Any + Send>) -> Value {
        let c = NativeClosure {
            func: f,
            upvalues: Box::new([]),
            data: Some(Box::new(data)),
        };
        Value::NativeFn(self.heap.alloc(c))
    }

    /// Runs `body` with the state and the host data of the running native
    /// function (made by [`State::new_native_with_data`]); `None`, without
    /// running it, when that function has no data of type `T`.
    ///
    /// The reference stays valid for the whole of `body`, whatever `body`
    /// runs: the function object sits in the running frame's function
    /// slot until the frame returns, so the collector keeps it, and
    /// nothing writes that slot meanwhile (arguments and temporaries,
    /// which the API and `debug.setlocal` reach, start above it; the
    /// caller's registers that `debug.setlocal` reaches end below it).
    /// Lua code cannot replace the data either: it is not an upvalue.
    #[inline]
    pub fn with_native_data<T: 'static, R>(
        &mut self,
        body: impl FnOnce(&mut State, &T) -> R,
    ) -> Option<R> {
        let func = self.th.frames.last()?.func;
        let Value::NativeFn(c) = self.th.stack[func] else {
            return None;
        };
        let data = (**c.data.as_ref()?).downcast_ref::<T>()?;
        Some(body(self, data))
    }
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

#[cfg(test)]
mod tests {
    //! Host data of native functions: read by the running function only,
    //! for its own type, and kept alive by its frame while it runs.
    use crate::{Error, State, Value};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Sets its flag when dropped.
    struct Flag(Arc<AtomicBool>);

    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// Calls argument 1 (which drops every other reference to this
    /// function and collects), then reports whether its data was freed
    /// meanwhile; it also tries to overwrite its own slot the ways the
    /// API offers (argument 0), which must not reach it.
    fn call_then_check(st: &mut State) -> Result<usize, Error> {
        let cb = st.arg(1);
        st.insert_arg(0, Value::Nil);
        st.remove_arg(0);
        st.set_arg(0, Value::Nil);
        let r = st.with_native_data(|st, flag: &Flag| {
            st.call(cb, &[])?;
            Ok::<_, Error>(flag.0.load(Ordering::SeqCst))
        });
        let freed = match r {
            Some(r) => r?,
            None => return Err(st.error_str("no Flag data")),
        };
        st.push(Value::Bool(freed));
        Ok(1)
    }

    /// Whether the running function has `u8` data (it has a `Flag`).
    fn has_u8(st: &mut State) -> Result<usize, Error> {
        let found = st.with_native_data(|_, _: &u8| ()).is_some();
        st.push(Value::Bool(found));
        Ok(1)
    }

    /// `gc()`: a full collection.
    fn gc(st: &mut State) -> Result<usize, Error> {
        st.collect_garbage();
        Ok(0)
    }

    #[test]
    fn data_lives_while_its_function_runs_and_is_freed_after() {
        let mut st = State::new();
        let dropped = Arc::new(AtomicBool::new(false));
        let f = st.new_native_with_data(call_then_check, Box::new(Flag(dropped.clone())));
        st.set_global("F", f);
        st.set_global("gc", Value::LightFn(gc));
        let src = b"local f = F; F = nil; return f(function() f = nil; gc(); gc() end)";
        let chunk = st.load(src, b"=t", "t", None).expect("compiles");
        let r = st.call1(chunk, &[]).expect("runs");
        assert!(
            matches!(r, Value::Bool(false)),
            "the data was freed during the call: {r:?}"
        );
        st.collect_garbage();
        st.collect_garbage();
        assert!(dropped.load(Ordering::SeqCst), "the data was never freed");
    }

    #[test]
    fn data_of_another_type_or_function_is_not_seen() {
        let mut st = State::new();
        let flag = Flag(Arc::new(AtomicBool::new(false)));
        let f = st.new_native_with_data(has_u8, Box::new(flag));
        assert!(matches!(st.call1(f, &[]), Ok(Value::Bool(false))));
        let f = st.new_native_with_data(has_u8, Box::new(7u8));
        assert!(matches!(st.call1(f, &[]), Ok(Value::Bool(true))));
        // A plain native has none.
        let plain = Value::LightFn(has_u8);
        assert!(matches!(st.call1(plain, &[]), Ok(Value::Bool(false))));
        // Nor has the host, outside any function.
        assert!(st.with_native_data(|_, _: &u8| ()).is_none());
    }
}
