//! Asynchronous hosts (feature `async`): Rust `async fn`s as Lua
//! functions, and runs that suspend while such a function waits.
//!
//! An asynchronous run executes the chunk (or the function) as a
//! coroutine. When Lua calls an asynchronous Rust function, the function's
//! future is stored with the state and the coroutine yields a marker
//! (`lunar_vm::coroutine::HOST_WAIT`); `coroutine.resume` and
//! `coroutine.wrap` pass that marker on to their own resumer, so it reaches
//! the driver whatever coroutines the script nests. The driver (the future
//! [`State::run_async`] returns) awaits the stored future, then resumes
//! the script with its results (or makes the waiting call raise its
//! error). `pcall`, metamethods and iterators work across the wait as
//! they work across `coroutine.yield`; a wait inside a function Lua calls
//! where yields are not allowed (a `table.sort` comparator, a `__gc`)
//! fails with "attempt to yield across a C-call boundary".
//!
//! Nothing here depends on a runtime: the futures run on the host's
//! executor (tokio, async-std...). The state is `Send`, so a run's future
//! is `Send` too and may move between the executor's threads while it
//! waits. Limits apply to the run as a whole; time spent waiting counts
//! against the deadline, which is checked each time the script goes on.

use crate::Program;
use crate::convert::{FromLuaMulti, IntoLuaMulti, MultiValue};
use crate::error::{Error, ErrorKind, Result};
use crate::host::{self, host_data};
use crate::state::{Ctx, State};
use crate::value::{Function, Value, raw_of};
use lunar_vm::coroutine::HOST_WAIT;
use lunar_vm::{Error as VmError, State as Vm, Value as Raw};
use std::future::Future;
use std::pin::Pin;

/// What a finished asynchronous Rust function leaves: its results, to be
/// converted on the state.
type Converter = Box<dyn FnOnce(&mut Ctx<'_>) -> Result<MultiValue> + Send>;

/// The future of an asynchronous Rust function that the run waits on.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Result<Converter>> + Send>>;

/// An asynchronous Rust function, as its trampoline calls it.
type AsyncCallback = Box<dyn Fn(&mut Ctx<'_>, MultiValue) -> Result<Pending> + Send + Sync>;

/// The userdata that holds an asynchronous Rust function.
struct AsyncFn(std::sync::Arc<AsyncCallback>);

impl Ctx<'_> {
    /// Makes a Rust `async` function a Lua function. Its arguments are
    /// converted to `A` before the future is made (so the future owns
    /// them); while the future is pending the script is suspended, and
    /// the run's future ([`State::run_async`]) is pending too. Callable
    /// only from an asynchronous run; elsewhere it raises an error.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let wait = cx.create_async_function(|ms: u64| async move {
    ///     tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    ///     Ok(ms * 2)
    /// });
    /// cx.set_global("wait", wait).unwrap();
    /// let p = lunar::Program::compile("t.lua", "return wait(1) + wait(2)").unwrap();
    /// assert_eq!(state.run_async::<u64>(&p).await.unwrap(), 6);
    /// // Outside an asynchronous run, calling it is an error.
    /// let err = state.exec::<()>("t.lua", "wait(1)").unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Usage);
    /// # });
    /// ```
    pub fn create_async_function<A, R, F, Fut>(&mut self, f: F) -> Function
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R>> + Send + 'static,
    {
        let cb: AsyncCallback = Box::new(move |cx: &mut Ctx<'_>, args: MultiValue| {
            let a = A::from_lua_args(args, cx)?;
            let fut = f(a);
            let pending: Pending = Box::pin(async move {
                let r = fut.await?;
                Ok(Box::new(move |cx: &mut Ctx<'_>| r.into_lua_multi(cx)) as Converter)
            });
            Ok(pending)
        });
        let vm = &mut *self.vm;
        let ud = vm.new_userdata(Box::new(AsyncFn(std::sync::Arc::new(cb))));
        let fv = vm.new_native(call_async_fn, &[ud]);
        Function(vm.root(fv))
    }

    /// Calls `f` as an asynchronous run (see [`State::call_async`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("later", |s: String| async move { Ok(s + "!") }).unwrap();
    /// let f: lunar::Function = state.exec("t.lua", "return function(s) return later(s) end").unwrap();
    /// let s: String = state.ctx().call_async(&f, "hi").await.unwrap();
    /// assert_eq!(s, "hi!");
    /// # });
    /// ```
    pub async fn call_async<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        f: &Function,
        args: A,
    ) -> Result<R> {
        let args = args.into_lua_multi(self)?;
        let fv = raw_of(self.vm, &f.0)?;
        // The last run's coroutine, if it finished normally, serves again
        // (its stack keeps its room): a run costs no new thread.
        let spare = host_data(self.vm).spare_thread.take();
        let co = match spare {
            Some(Value::Thread(t)) if matches!(raw_of(self.vm, &t.0), Ok(Raw::Thread(c)) if self.vm.reuse_thread(c, fv)) => {
                Value::Thread(t)
            }
            _ => {
                let co = self.vm.new_thread(fv);
                Value::from_raw(self.vm, Raw::Thread(co))
            }
        };
        let nested = host_data(self.vm).async_active;
        if nested {
            return Err(Error::new(
                ErrorKind::Usage,
                "an asynchronous run is already under way on this state",
            ));
        }
        let guard = RunGuard::start(self.vm);
        let mut resume = args;
        loop {
            if let Some(d) = guard.vm.limits().deadline
                && std::time::Instant::now() >= d
            {
                return Err(Error::new(
                    ErrorKind::Limit(lunar_vm::Limit::Deadline),
                    lunar_vm::Limit::Deadline.message(),
                ));
            }
            // The coroutine is resumed directly: `resume` catches what is
            // raised inside it, so no protected call is needed around it.
            // `co` (rooted) keeps the thread alive; the arguments are
            // rooted in `resume` until the coroutine has them.
            // Raw values live only in this block: none is held across the
            // wait below (they are not `Send`, and a collection may run
            // while the script waits).
            {
                let Raw::Thread(co_raw) = co.to_raw(guard.vm)? else {
                    return Err(Error::runtime("lunar: bad asynchronous run"));
                };
                let raw_args: Vec<Raw> = resume
                    .iter()
                    .map(|v| v.to_raw(guard.vm))
                    .collect::<Result<_>>()?;
                let resumed = guard.vm.resume(co_raw, &raw_args);
                drop(raw_args);
                match resumed {
                    Ok(vals) if co_raw.status() == lunar_vm::CoStatus::Dead => {
                        let rest = MultiValue::from_raw(guard.vm, &vals);
                        host_data(guard.vm).spare_thread = Some(co);
                        let mut cx = Ctx { vm: &mut *guard.vm };
                        return R::from_lua_multi(rest, &mut cx);
                    }
                    Ok(_) => {}
                    Err(_) if guard.vm.limit_tripped() => {
                        return Err(host::error_from_vm(guard.vm));
                    }
                    Err(ev) => {
                        let tb = guard.vm.thread_traceback(co_raw, None, 0);
                        let tb = String::from_utf8_lossy(&tb).into_owned();
                        return Err(host::error_from_raw(guard.vm, ev, Some(tb)));
                    }
                }
            }
            // The script waits: on the function's future, or on nothing
            // (a plain yield from the main function, which has no
            // resumer to go to).
            let Some(pending) = host_data(guard.vm).pending.take() else {
                return Err(Error::runtime("attempt to yield from outside a coroutine"));
            };
            let result = pending.await;
            resume = match result {
                Ok(convert) => {
                    let mut cx = Ctx { vm: &mut *guard.vm };
                    let mut vals = convert(&mut cx)?;
                    vals.insert(0, Value::Boolean(true));
                    vals
                }
                Err(e) => {
                    host_data(guard.vm).pending_error = Some(e);
                    MultiValue(vec![Value::Boolean(false)])
                }
            };
        }
    }
}

/// Marks the state as driven by an asynchronous run for as long as the
/// run lasts, even if its future is dropped while it waits.
struct RunGuard<'a> {
    vm: &'a mut Vm,
}

impl<'a> RunGuard<'a> {
    fn start(vm: &'a mut Vm) -> RunGuard<'a> {
        vm.begin_run();
        vm.set_continuing_run(true);
        let d = host_data(vm);
        d.async_active = true;
        d.pending = None;
        d.pending_error = None;
        RunGuard { vm }
    }
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.vm.set_continuing_run(false);
        let d = host_data(self.vm);
        d.async_active = false;
        d.pending = None;
        d.pending_error = None;
    }
}

/// The native function behind every asynchronous Rust function: makes
/// its future, leaves it with the state, and yields the wait marker; the
/// driver resumes it with `true, results...` or `false` (the error is
/// then in the host data).
fn call_async_fn(vm: &mut Vm) -> std::result::Result<usize, VmError> {
    if !host_data(vm).async_active {
        return Err(host::raise(
            vm,
            Error::new(
                ErrorKind::Usage,
                "an asynchronous function was called outside an asynchronous run (use run_async or call_async)",
            ),
        ));
    }
    let Some(cb) = host::upvalue_data(vm, |f: &AsyncFn| f.0.clone()) else {
        return Err(vm.error_str("lunar: not an asynchronous Rust function"));
    };
    if !vm.is_yieldable() {
        // Where the script cannot yield (a table.sort comparator, a
        // __gc), it cannot wait either: the same error as yield's, before
        // any future is made.
        return Err(vm.yield_k(0, 0, async_done));
    }
    let n = vm.arg_count();
    let pending = match host::call_caught(vm, |cx, args| cb(cx, args)) {
        Ok(p) => p,
        Err(e) => return Err(host::raise(vm, e)),
    };
    host_data(vm).pending = Some(pending);
    vm.set_top(n);
    vm.push(HOST_WAIT);
    Err(vm.yield_k(n + 1, (n + 1) as isize, async_done))
}

/// The rest of an asynchronous function once the driver resumes it:
/// arguments from `first` on are `true, results...` or `false`.
fn async_done(vm: &mut Vm, _ok: bool, first: isize) -> std::result::Result<usize, VmError> {
    let first = first as usize;
    if vm.arg(first).truthy() {
        return Ok(vm.top() - first);
    }
    let e = host_data(vm)
        .pending_error
        .take()
        .unwrap_or_else(|| Error::runtime("asynchronous function failed"));
    Err(host::raise(vm, e))
}

impl State {
    /// Makes a Rust `async` function a Lua function (see
    /// [`Ctx::create_async_function`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// let double = state.create_async_function(|n: i64| async move { Ok(n * 2) });
    /// state.set_global("double", double).unwrap();
    /// let p = lunar::Program::compile("t.lua", "return double(21)").unwrap();
    /// assert_eq!(state.run_async::<i64>(&p).await.unwrap(), 42);
    /// # });
    /// ```
    pub fn create_async_function<A, R, F, Fut>(&mut self, f: F) -> Function
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R>> + Send + 'static,
    {
        self.ctx().create_async_function(f)
    }

    /// Registers a Rust `async` function as global function `name`.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("fetch", |id: i64| async move {
    ///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    ///     Ok(format!("item {id}"))
    /// }).unwrap();
    /// let p = lunar::Program::compile("t.lua", "return fetch(1) .. ', ' .. fetch(2)").unwrap();
    /// let s: String = state.run_async(&p).await.unwrap();
    /// assert_eq!(s, "item 1, item 2");
    /// # });
    /// ```
    pub fn register_async<A, R, F, Fut>(&mut self, name: &str, f: F) -> Result<()>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + Send + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R>> + Send + 'static,
    {
        let f = self.create_async_function(f);
        self.set_global(name, f)
    }

    /// Runs `program` (no arguments) as an asynchronous run: the future
    /// is pending while the script waits on an asynchronous Rust
    /// function.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("fetch", |url: String| async move {
    ///     tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    ///     if url.starts_with("https:") { Ok(format!("body of {url}")) } else { Err(lunar::Error::runtime("insecure")) }
    /// }).unwrap();
    /// // `pcall` works across the wait.
    /// let p = lunar::Program::compile("t.lua", "local ok, e = pcall(fetch, 'http://x') return fetch('https://y'), e").unwrap();
    /// let (body, e): (String, String) = state.run_async(&p).await.unwrap();
    /// assert_eq!((body.as_str(), e.as_str()), ("body of https://y", "insecure"));
    /// # });
    /// ```
    pub async fn run_async<R: FromLuaMulti>(&mut self, program: &Program) -> Result<R> {
        self.run_async_with(program, ()).await
    }

    /// Runs `program` with `args` as an asynchronous run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("lookup", |id: i64| async move { Ok(format!("user{id}")) }).unwrap();
    /// let p = lunar::Program::compile("t.lua", "local a, b = ... return lookup(a) .. ',' .. lookup(b)").unwrap();
    /// let s: String = state.run_async_with(&p, (1, 2)).await.unwrap();
    /// assert_eq!(s, "user1,user2");
    /// # });
    /// ```
    pub async fn run_async_with<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        program: &Program,
        args: A,
    ) -> Result<R> {
        let f = self.ctx().load(program)?;
        self.ctx().call_async(&f, args).await
    }

    /// Calls `f` as an asynchronous run.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("sleep", |ms: u64| async move {
    ///     tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    ///     Ok(())
    /// }).unwrap();
    /// let handler: lunar::Function = state.exec("h.lua", "return function(req) sleep(1) return req.path end").unwrap();
    /// let req = std::collections::HashMap::from([("path", "/index")]);
    /// let path: String = state.call_async(&handler, req).await.unwrap();
    /// assert_eq!(path, "/index");
    /// # });
    /// ```
    pub async fn call_async<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        f: &Function,
        args: A,
    ) -> Result<R> {
        self.ctx().call_async(f, args).await
    }
}
