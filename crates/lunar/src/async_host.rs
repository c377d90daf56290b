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
//! against the deadline, which is checked each time the script goes on
//! after a wait (and by the VM while the script works, as in any run).

use crate::Program;
use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::error::{Error, ErrorKind, Result};
use crate::host::{self, host_data};
use crate::state::{Ctx, State};
use crate::value::{Function, Value, raw_of};
use lunar_vm::coroutine::HOST_WAIT;
use lunar_vm::{Error as VmError, State as Vm, Value as Raw};
use std::future::Future;
use std::pin::Pin;

/// The future of an asynchronous Rust function, as the driver polls it:
/// when it is done, its results go on the stack straight from the Rust
/// value, so that a call allocates nothing but the future's box (no
/// list of results, no box for a converter).
pub(crate) trait PendingCall: Send {
    /// Polls the function's future; when it is done, pushes its results
    /// on the stack and says how many (on an error nothing stays pushed).
    fn poll_push(
        self: Pin<&mut Self>,
        task: &mut std::task::Context<'_>,
        cx: &mut Ctx<'_>,
    ) -> std::task::Poll<Result<usize>>;
}

impl<F, R> PendingCall for F
where
    F: Future<Output = Result<R>> + Send,
    R: IntoLuaMulti,
{
    fn poll_push(
        self: Pin<&mut Self>,
        task: &mut std::task::Context<'_>,
        cx: &mut Ctx<'_>,
    ) -> std::task::Poll<Result<usize>> {
        self.poll(task).map(|r| r.and_then(|r| r.push_results(cx)))
    }
}

/// The future of the asynchronous function the run waits on: the only
/// allocation of such a call (it is type-erased and kept in the state's
/// host data while the script waits, so it cannot live on a stack).
pub(crate) type Pending = Pin<Box<dyn PendingCall>>;

/// An asynchronous Rust function, as its trampoline calls it: the
/// context and the number of arguments on the stack.
type AsyncCallback = Box<dyn Fn(&mut Ctx<'_>, usize) -> Result<Pending> + Send + Sync>;

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
        // The arguments are read on the stack; the future itself is what
        // waits (its results are pushed from it, see `PendingCall`).
        let cb: AsyncCallback = Box::new(move |cx: &mut Ctx<'_>, n: usize| {
            let a = A::from_stack_args(cx, 0, n)?;
            Ok(Box::pin(f(a)) as Pending)
        });
        // The closure is the native function's host data, as for
        // `create_function`: not an upvalue, so Lua code cannot replace it
        // and the call borrows it without cloning anything.
        let vm = &mut *self.vm;
        let fv = vm.new_native_with_data(call_async_fn, Box::new(cb));
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
    // (Not an `async fn`: it returns the driver's future itself, with no
    // future around it to move it in and out of: the same future, one
    // copy of it fewer.)
    pub fn call_async<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        f: &Function,
        args: A,
    ) -> impl Future<Output = Result<R>> {
        call_async_vm(self.vm, Callee::Function(f), args)
    }

    /// Calls `f` as an asynchronous run, as [`Ctx::call_async`] does, with
    /// its arguments and results as the VM's own values (see
    /// [`crate::raw`]): `args` pushes the arguments on the stack
    /// (`cx.vm().push(..)`), and `results` gets the values `f` returned,
    /// which the stack holds while it runs (it must not run Lua: they
    /// are valid for the call only). No handle is rooted and no list is
    /// made for either: a host that builds its arguments and reads its
    /// results with the VM's API (a server's request table and answer)
    /// saves that work on every call.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// state.register_async("later", |n: i64| async move { Ok(n + 1) }).unwrap();
    /// let f: lunar::Function = state.exec("t.lua", "return function(t) return later(t.n), 'x' end").unwrap();
    /// let (n, count) = state.ctx().call_async_raw(
    ///     &f,
    ///     |cx| {
    ///         let vm = cx.vm();
    ///         let t = vm.new_table(0, 1);
    ///         vm.set_field(t, "n", lunar::raw::Value::Int(41));
    ///         vm.push(lunar::raw::Value::Table(t));
    ///         Ok(())
    ///     },
    ///     |_cx, vals| match vals.first() {
    ///         Some(lunar::raw::Value::Int(n)) => Ok((*n, vals.len())),
    ///         _ => Err(lunar::Error::runtime("not a number")),
    ///     },
    /// ).await.unwrap();
    /// assert_eq!((n, count), (42, 2));
    /// # });
    /// ```
    pub fn call_async_raw<T, P, F>(
        &mut self,
        f: &Function,
        args: P,
        results: F,
    ) -> impl Future<Output = Result<T>>
    where
        P: FnOnce(&mut Ctx<'_>) -> Result<()>,
        F: FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<T>,
    {
        drive(self.vm, Callee::Function(f), Resume::Push(args), results)
    }
}

/// [`Ctx::call_async`] on a VM: the arguments are converted when the
/// future first runs.
async fn call_async_vm<A: IntoLuaMulti, R: FromLuaMulti>(
    vm: &mut Vm,
    f: Callee<'_>,
    args: A,
) -> Result<R> {
    // The arguments are all converted (and rooted) before any is pushed
    // (a conversion that calls Lua from here, where no frame runs, resets
    // the stack), then pushed; the results are read where they are: no
    // list either way for a few values.
    let push = move |cx: &mut Ctx<'_>| {
        args.with_raw_args(cx, |cx, raw| {
            let base = cx.vm.top();
            for &v in raw {
                cx.vm.push(v);
            }
            all_pushed(cx, base, raw.len())
        })
    };
    drive(vm, f, Resume::Push(push), |cx, vals| {
        R::from_vm_values(cx, vals)
    })
    .await
}

/// What an asynchronous run calls.
#[derive(Clone, Copy)]
enum Callee<'a> {
    /// A function.
    Function(&'a Function),
    /// A program's main function, made for the run.
    Program(&'a Program),
}

/// The driver of an asynchronous run: resumes `f`'s coroutine with
/// `resume` (the arguments), then after each wait with the wait's
/// outcome, until it returns (its values go to `finish`) or fails.
async fn drive<T, P, F>(vm: &mut Vm, f: Callee<'_>, mut resume: Resume<P>, finish: F) -> Result<T>
where
    P: FnOnce(&mut Ctx<'_>) -> Result<()>,
    F: FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<T>,
{
    // A program's main closure needs no handle: nothing runs before the
    // run's coroutine holds it.
    let fv = match f {
        Callee::Function(f) => raw_of(vm, &f.0)?,
        Callee::Program(p) => Ctx { vm: &mut *vm }.load_raw(p, true)?,
    };
    // One look at the host data for the whole start (each costs a
    // downcast): the nesting check, the spare thread, the run's flags.
    let Some((mut guard, spare)) = RunGuard::start(vm) else {
        return Err(Error::new(
            ErrorKind::Usage,
            "an asynchronous run is already under way on this state",
        ));
    };
    // The last run's coroutine, if it finished normally, serves again
    // (its stack keeps its room): a run costs no new thread.
    let co = match spare {
        Some(Value::Thread(t)) if matches!(raw_of(guard.vm, &t.0), Ok(Raw::Thread(c)) if guard.vm.reuse_thread(c, fv)) => {
            Value::Thread(t)
        }
        _ => {
            let co = guard.vm.new_thread(fv);
            Value::from_raw(guard.vm, Raw::Thread(co))
        }
    };
    // What the coroutine is resumed with: the arguments, then after
    // each wait `true, results...` or `false`.
    let mut finish = Some(finish);
    loop {
        // The deadline is looked at here only after a wait: while the
        // script runs, the VM looks at it each time its work budget
        // runs out (at most `BUDGET_CHUNK` units of work), as it does
        // for a synchronous run, which does not look at it before
        // starting either; while the script waits, nothing else
        // would.
        if matches!(resume, Resume::Done(_) | Resume::Failed)
            && let Some(d) = guard.vm.limits().deadline
            && std::time::Instant::now() >= d
        {
            // The wait's results go with the run.
            if let Resume::Done(n) = resume {
                let top = guard.vm.top();
                guard.vm.set_top(top - n);
            }
            return Err(Error::new(
                ErrorKind::Limit(lunar_vm::Limit::Deadline),
                lunar_vm::Limit::Deadline.message(),
            ));
        }
        // The coroutine is resumed directly: `resume` catches what is
        // raised inside it, so no protected call is needed around it.
        // `co` (rooted) keeps the thread alive; the arguments are
        // rooted in `resume` (or by the stack, once pushed) until the
        // coroutine has them.
        // Raw values live only in this block: none is held across the
        // wait below (they are not `Send`, and a collection may run
        // while the script waits).
        {
            let Raw::Thread(co_raw) = co.to_raw(guard.vm)? else {
                return Err(Error::runtime("lunar: bad asynchronous run"));
            };
            let with = std::mem::replace(&mut resume, Resume::Failed);
            match resume_with(guard.vm, co_raw, with, &mut finish) {
                Ok(Some(done)) => {
                    // Handed to the host data as the guard goes.
                    guard.spare = Some(co);
                    return done;
                }
                Ok(None) => {}
                Err(ResumeError::Host(e)) => return Err(e),
                Err(ResumeError::Raised(_)) if guard.vm.limit_tripped() => {
                    return Err(host::error_from_vm(guard.vm));
                }
                Err(ResumeError::Raised(ev)) => {
                    let tb = guard.vm.thread_traceback(co_raw, None, 0);
                    let tb = String::from_utf8_lossy(&tb).into_owned();
                    return Err(host::error_from_raw(guard.vm, ev, Some(tb)));
                }
            }
        }
        // The script waits: on the function's future, or on nothing
        // (a plain yield from the main function, which has no
        // resumer to go to).
        let Some(mut pending) = host_data(guard.vm).pending.take() else {
            return Err(Error::runtime("attempt to yield from outside a coroutine"));
        };
        // The last poll pushes the results; nothing is on the stack
        // while the future is pending.
        let base = guard.vm.top();
        let result = std::future::poll_fn(|task| {
            let mut cx = Ctx { vm: &mut *guard.vm };
            pending
                .as_mut()
                .poll_push(task, &mut cx)
                .map(|r| r.and_then(|n| all_pushed(&mut cx, base, n).map(|()| n)))
        })
        .await;
        drop(pending);
        resume = match result {
            Ok(n) => Resume::Done(n),
            Err(e) => {
                host_data(guard.vm).pending_error = Some(e);
                Resume::Failed
            }
        };
    }
}

/// Checks that the `n` values pushed from `base` are all on the stack (a
/// push past the stack's limit drops its value); if not, takes them
/// back: the error the reference's `lua_checkstack` gives.
fn all_pushed(cx: &mut Ctx<'_>, base: usize, n: usize) -> Result<()> {
    if cx.vm.top() == base + n {
        return Ok(());
    }
    cx.vm.set_top(base);
    Err(Error::runtime("stack overflow (too many values)"))
}

/// What a coroutine is resumed with.
enum Resume<P> {
    /// The run's arguments, pushed by the host (its first resume).
    Push(P),
    /// After a wait that succeeded: its results, the top this many values
    /// of the stack (pushed by the function's future).
    Done(usize),
    /// After a wait that failed: nothing (the error is in the host data).
    Failed,
}

/// Why a resume gave no values.
enum ResumeError {
    /// A value of the resume was not this state's (or the host's push
    /// failed).
    Host(Error),
    /// The coroutine raised this error value.
    Raised(Raw),
}

/// At most this many results are read from the stack into a list on the
/// Rust stack; more are copied into a vector.
const INLINE_RESULTS: usize = 8;

/// Resumes `co` with the values of `with`. When it returns, its values
/// go to `finish` (taken from its option), whose outcome comes back as
/// `Some`; `None` when it yielded (what it yielded is not needed: the
/// wait is in the host data).
///
/// The values travel through the free part of the running thread's stack
/// (`resume_args`, which the host may call as a native function does:
/// with no native frame, its arguments are the values above the top the
/// host left), so a resume allocates no list; the stack holds (and so
/// roots) the results while `finish` reads them, and is back at its top
/// afterwards.
fn resume_with<T, P, F>(
    vm: &mut Vm,
    co: lunar_vm::Gc<lunar_vm::Thread>,
    with: Resume<P>,
    finish: &mut Option<F>,
) -> std::result::Result<Option<Result<T>>, ResumeError>
where
    P: FnOnce(&mut Ctx<'_>) -> Result<()>,
    F: FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<T>,
{
    // The values passed in are above `base` (results of a wait were
    // pushed before this was called).
    let base = match with {
        Resume::Push(push) => {
            let base = vm.top();
            if let Err(e) = push(&mut Ctx { vm: &mut *vm }) {
                vm.set_top(base);
                return Err(ResumeError::Host(e));
            }
            base
        }
        Resume::Done(n) => vm.top() - n,
        Resume::Failed => vm.top(),
    };
    // On an error the arguments are gone and the top is back at `base`.
    let n = vm.resume_args(co, base + 1).map_err(ResumeError::Raised)?;
    let out = (co.status() == lunar_vm::CoStatus::Dead).then(|| {
        let finish = finish.take().expect("a run ends once");
        let read = |i: usize| vm.arg(base + 1 + i);
        if n <= INLINE_RESULTS {
            let mut list = [Raw::Nil; INLINE_RESULTS];
            for (i, slot) in list.iter_mut().enumerate().take(n) {
                *slot = read(i);
            }
            finish(&mut Ctx { vm: &mut *vm }, &list[..n])
        } else {
            let list: Vec<Raw> = (0..n).map(read).collect();
            finish(&mut Ctx { vm: &mut *vm }, &list)
        }
    });
    vm.set_top(base);
    Ok(out)
}

/// Marks the state as driven by an asynchronous run for as long as the
/// run lasts, even if its future is dropped while it waits.
struct RunGuard<'a> {
    vm: &'a mut Vm,
    /// The run's coroutine once it finished normally: the next run's
    /// spare thread.
    spare: Option<Value>,
}

impl<'a> RunGuard<'a> {
    /// Starts a run, with the last run's spare thread; `None` when a run
    /// is already under way (nothing is changed then).
    fn start(vm: &'a mut Vm) -> Option<(RunGuard<'a>, Option<Value>)> {
        let d = host_data(vm);
        if d.async_active {
            return None;
        }
        d.async_active = true;
        d.pending = None;
        d.pending_error = None;
        let spare = d.spare_thread.take();
        vm.begin_run();
        vm.set_continuing_run(true);
        Some((RunGuard { vm, spare: None }, spare))
    }
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.vm.set_continuing_run(false);
        let d = host_data(self.vm);
        d.async_active = false;
        d.pending = None;
        d.pending_error = None;
        // (`None` while the run was under way: it took the last one.)
        d.spare_thread = self.spare.take();
    }
}

/// The native function behind every asynchronous Rust function: makes
/// its future, leaves it with the state, and yields the wait marker; the
/// driver resumes it with the results, or with nothing and the error in
/// the host data.
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
    if !vm.is_yieldable() {
        // Where the script cannot yield (a table.sort comparator, a
        // __gc), it cannot wait either: the same error as yield's, before
        // any future is made.
        return Err(vm.yield_k(0, 0, async_done));
    }
    let n = vm.arg_count();
    let made = vm.with_native_data(|vm, cb: &AsyncCallback| host::catch_panic(vm, |cx| cb(cx, n)));
    let pending = match made {
        Some(Ok(p)) => p,
        Some(Err(e)) => return Err(host::raise(vm, e)),
        None => return Err(vm.error_str("lunar: not an asynchronous Rust function")),
    };
    host_data(vm).pending = Some(pending);
    vm.set_top(n);
    vm.push(HOST_WAIT);
    Err(vm.yield_k(n + 1, (n + 1) as isize, async_done))
}

/// The rest of an asynchronous function once the driver resumes it: the
/// arguments from `first` on are its results, unless the host data holds
/// the error its future ended with.
fn async_done(vm: &mut Vm, _ok: bool, first: isize) -> std::result::Result<usize, VmError> {
    if let Some(e) = host_data(vm).pending_error.take() {
        return Err(host::raise(vm, e));
    }
    Ok((vm.top() + 1).saturating_sub(first as usize))
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
        call_async_vm(&mut self.vm, Callee::Program(program), args).await
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
    pub fn call_async<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        f: &Function,
        args: A,
    ) -> impl Future<Output = Result<R>> {
        call_async_vm(&mut self.vm, Callee::Function(f), args)
    }

    /// Calls `f` as an asynchronous run with raw arguments and results
    /// (see [`Ctx::call_async_raw`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let mut state = lunar::State::new();
    /// let f: lunar::Function = state.exec("t.lua", "return function(a, b) return a + b end").unwrap();
    /// let sum = state.call_async_raw(
    ///     &f,
    ///     |cx| {
    ///         cx.vm().push(lunar::raw::Value::Int(40));
    ///         cx.vm().push(lunar::raw::Value::Int(2));
    ///         Ok(())
    ///     },
    ///     |_cx, vals| Ok(matches!(vals, [lunar::raw::Value::Int(42)])),
    /// ).await.unwrap();
    /// assert!(sum);
    /// # });
    /// ```
    pub fn call_async_raw<T, P, F>(
        &mut self,
        f: &Function,
        args: P,
        results: F,
    ) -> impl Future<Output = Result<T>>
    where
        P: FnOnce(&mut Ctx<'_>) -> Result<()>,
        F: FnOnce(&mut Ctx<'_>, &[Raw]) -> Result<T>,
    {
        drive(
            &mut self.vm,
            Callee::Function(f),
            Resume::Push(args),
            results,
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::{Limit, Limits, Program, State, Value, Variadic};
    use std::future::Future;
    use std::time::{Duration, Instant};

    fn program(src: &str) -> Program {
        Program::compile("t.lua", src).unwrap()
    }

    /// A state with `sleep(ms)` and `many(n)` (the numbers 1..n, after a
    /// wait).
    fn state() -> State {
        let mut st = State::new();
        st.register_async("sleep", |ms: u64| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(ms)
        })
        .unwrap();
        st.register_async("many", |n: i64| async move {
            tokio::task::yield_now().await;
            Ok(Variadic((1..=n).collect::<Vec<i64>>()))
        })
        .unwrap();
        st
    }

    #[tokio::test]
    async fn a_deadline_that_passes_while_the_script_waits_stops_it() {
        // The script has almost nothing left to do after its wait: only
        // the driver's look at the clock when it goes on can stop it.
        let mut st = state();
        st.set_limits(Limits {
            deadline: Some(Instant::now() + Duration::from_millis(10)),
            ..Default::default()
        });
        let e = st
            .run_async::<i64>(&program("sleep(40) return 1"))
            .await
            .unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Deadline));
        assert_eq!(e.message(), "lunar: deadline exceeded");
        // A run that ends before the deadline is not stopped.
        st.set_limits(Limits {
            deadline: Some(Instant::now() + Duration::from_secs(60)),
            ..Default::default()
        });
        assert_eq!(
            st.run_async::<i64>(&program("sleep(1) return 1"))
                .await
                .unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn a_script_that_never_waits_is_stopped_by_the_vm_at_the_deadline() {
        // The deadline has passed before the run starts: the driver does
        // not look at it before the first resume, the VM does as soon as
        // the loop has used its first chunk of work.
        let mut st = state();
        st.set_limits(Limits {
            deadline: Some(Instant::now()),
            ..Default::default()
        });
        let t0 = Instant::now();
        let e = st
            .run_async::<()>(&program("while true do end"))
            .await
            .unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Deadline));
        assert!(t0.elapsed() < Duration::from_secs(5));
        // And one that runs a while first.
        st.set_limits(Limits {
            deadline: Some(Instant::now() + Duration::from_millis(20)),
            ..Default::default()
        });
        let e = st
            .run_async::<()>(&program("sleep(1) local n = 0 while true do n = n + 1 end"))
            .await
            .unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Deadline));
    }

    #[tokio::test]
    async fn values_cross_resumes_in_any_number_and_the_stack_is_left_as_found() {
        let mut st = state();
        let top = st.ctx().vm().top();
        // Few and many arguments and results, at the first resume and
        // after a wait (then `true` comes first).
        let f: crate::Function = st
            .exec(
                "t.lua",
                "return function(n, ...) local t = {...} return #t, many(n) end",
            )
            .unwrap();
        for (nargs, nres) in [(0, 0), (1, 3), (63, 62), (64, 63), (65, 64), (300, 500)] {
            let mut args = vec![Value::Integer(nres)];
            args.extend((0..nargs).map(Value::Integer));
            let got: Variadic<i64> = st.call_async(&f, crate::MultiValue(args)).await.unwrap();
            let mut want = vec![nargs];
            want.extend(1..=nres);
            assert_eq!(got.0, want, "{nargs} arguments, {nres} results");
            assert_eq!(st.ctx().vm().top(), top);
        }
        // Results of the first resume, with no wait.
        let g: crate::Function = st
            .exec("t.lua", "return function(...) return ... end")
            .unwrap();
        for n in [0usize, 1, 64, 65, 200] {
            let args: Vec<Value> = (0..n as i64).map(Value::Integer).collect();
            let got: Variadic<Value> = st.call_async(&g, Variadic(args.clone())).await.unwrap();
            assert_eq!(got.0, args);
            assert_eq!(st.ctx().vm().top(), top);
        }
        // An error, a value of another state: the stack is as it was.
        let h: crate::Function = st
            .exec(
                "t.lua",
                "return function(x) sleep(1) error('boom ' .. x) end",
            )
            .unwrap();
        let e = st.call_async::<_, ()>(&h, 7).await.unwrap_err();
        assert_eq!(e.message(), "t.lua:1: boom 7");
        assert!(e.traceback_text().is_some());
        assert_eq!(st.ctx().vm().top(), top);
        let mut other = State::new();
        let foreign: crate::Table = other.exec("o.lua", "return {}").unwrap();
        let e = st.call_async::<_, ()>(&g, (1, foreign)).await.unwrap_err();
        assert_eq!(e.kind(), &crate::ErrorKind::Usage);
        assert_eq!(st.ctx().vm().top(), top);
        // The state still runs.
        assert_eq!(st.call_async::<_, i64>(&g, 5).await.unwrap(), 5);
    }

    #[tokio::test]
    async fn raw_runs_take_pushed_arguments_and_read_results_on_the_stack() {
        use crate::raw::Value as Raw;
        let mut st = state();
        let top = st.ctx().vm().top();
        let f: crate::Function = st
            .exec(
                "t.lua",
                "return function(t, n) local k = t.k return k, many(n) end",
            )
            .unwrap();
        // Few results (read inline), many (a list), many after a wait
        // (through the VM's list): all read while on the stack.
        for n in [0i64, 3, 7, 8, 9, 63, 64, 100] {
            let got = st
                .call_async_raw(
                    &f,
                    |cx| {
                        let vm = cx.vm();
                        let t = vm.new_table(0, 1);
                        vm.set_field(t, "k", Raw::Int(-1));
                        vm.push(Raw::Table(t));
                        vm.push(Raw::Int(n));
                        Ok(())
                    },
                    |_cx, vals| {
                        Ok(vals
                            .iter()
                            .map(|v| match v {
                                Raw::Int(i) => *i,
                                _ => i64::MIN,
                            })
                            .collect::<Vec<i64>>())
                    },
                )
                .await
                .unwrap();
            let mut want = vec![-1];
            want.extend(1..=n);
            assert_eq!(got, want, "{n} results");
            assert_eq!(st.ctx().vm().top(), top);
        }
        // A push that fails: its error, the stack as it was, no run.
        let e = st
            .call_async_raw(
                &f,
                |cx| {
                    cx.vm().push(Raw::Int(1));
                    Err(crate::Error::runtime("no arguments"))
                },
                |_cx, _vals| Ok(()),
            )
            .await
            .unwrap_err();
        assert_eq!(e.message(), "no arguments");
        assert_eq!(st.ctx().vm().top(), top);
        // A script error, and a results reader's error.
        let e = st
            .call_async_raw(&f, |_cx| Ok(()), |_cx, _vals| Ok(()))
            .await
            .unwrap_err();
        assert!(
            e.message().contains("attempt to index a nil value"),
            "{}",
            e.message()
        );
        assert_eq!(st.ctx().vm().top(), top);
        let g: crate::Function = st.exec("t.lua", "return function() return 1 end").unwrap();
        let e = st
            .call_async_raw(
                &g,
                |_cx| Ok(()),
                |_cx, _vals| Err::<(), _>(crate::Error::runtime("bad result")),
            )
            .await
            .unwrap_err();
        assert_eq!(e.message(), "bad result");
        assert_eq!(st.ctx().vm().top(), top);
        assert_eq!(st.call_async::<_, i64>(&g, ()).await.unwrap(), 1);
    }

    /// Compiles only for a `Send` value.
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn the_runs_futures_can_move_between_threads() {
        let mut st = state();
        let f: crate::Function = st.exec("t.lua", "return function(n) return n end").unwrap();
        let fut = st.call_async::<_, i64>(&f, 1);
        assert_send(&fut);
        drop(fut);
        let mut cx = st.ctx();
        let fut = cx.call_async::<_, i64>(&f, 1);
        assert_send(&fut);
        drop(fut);
        let fut = st.call_async_raw(&f, |_cx| Ok(()), |_cx, vals| Ok(vals.len()));
        assert_send(&fut);
        drop(fut);
        let p = program("return 1");
        let fut = st.run_async::<i64>(&p);
        assert_send(&fut);
    }

    #[tokio::test]
    async fn a_finished_run_leaves_its_thread_for_the_next_and_a_failed_one_does_not() {
        let mut st = state();
        let f: crate::Function = st
            .exec(
                "t.lua",
                "return function(x) if x then error('no') end return coroutine.running() end",
            )
            .unwrap();
        let t1: Value = st.call_async(&f, false).await.unwrap();
        let t2: Value = st.call_async(&f, false).await.unwrap();
        assert_eq!(t1, t2, "the second run reuses the first one's thread");
        assert!(st.call_async::<_, ()>(&f, true).await.is_err());
        let t3: Value = st.call_async(&f, false).await.unwrap();
        assert_ne!(t3, t2, "a failed run's thread is not reused");
    }

    #[tokio::test]
    async fn a_run_inside_a_run_is_refused_and_changes_nothing() {
        let mut st = state();
        let g: crate::Function = st.exec("t.lua", "return function() return 1 end").unwrap();
        let inner = g.clone();
        st.register("nested", move |cx, ()| {
            let fut = std::pin::pin!(cx.call_async::<_, i64>(&inner, ()));
            let mut task = std::task::Context::from_waker(std::task::Waker::noop());
            match fut.poll(&mut task) {
                std::task::Poll::Ready(Err(e)) => Ok(e.message().to_string()),
                _ => Ok("no error".to_string()),
            }
        })
        .unwrap();
        let f: crate::Function = st
            .exec(
                "t.lua",
                "return function() local m = nested() sleep(1) return m end",
            )
            .unwrap();
        let m: String = st.call_async(&f, ()).await.unwrap();
        assert_eq!(m, "an asynchronous run is already under way on this state");
        // The outer run went on after the refusal, and the next run too.
        assert_eq!(st.call_async::<_, i64>(&g, ()).await.unwrap(), 1);
    }
}
