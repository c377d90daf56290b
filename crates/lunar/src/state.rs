//! [`State`]: one Lua universe for the host, with its standard library,
//! limits and interrupt handle; [`Ctx`]: the same operations from inside
//! a Rust function that Lua called; [`StateBuilder`] and [`StdLib`]: which
//! libraries a state opens.

use crate::convert::{FromLuaMulti, IntoLua, IntoLuaMulti, MultiValue};
use crate::error::{Error, ErrorKind, Result};
use crate::host;
use crate::value::{Function, LuaString, Table, Value};
use crate::{FromLua, Program};
use lunar_stdlib::package::{MemFiles, ModuleFiles, PackageOptions};
use lunar_vm::{InterruptHandle, Limits};
use std::sync::Arc;

/// A set of standard libraries to open (§6 of the manual).
///
/// ```
/// use lunar::StdLib;
/// let libs = StdLib::SAFE | StdLib::DEBUG;
/// assert!(libs.contains(StdLib::STRING) && !libs.contains(StdLib::IO));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StdLib(u32);

impl StdLib {
    /// The basic functions (§6.1).
    pub const BASE: StdLib = StdLib(1);
    /// `package` and `require` (§6.3).
    pub const PACKAGE: StdLib = StdLib(1 << 1);
    /// `coroutine` (§6.2).
    pub const COROUTINE: StdLib = StdLib(1 << 2);
    /// `table` (§6.6).
    pub const TABLE: StdLib = StdLib(1 << 3);
    /// `string` (§6.4).
    pub const STRING: StdLib = StdLib(1 << 4);
    /// `math` (§6.7).
    pub const MATH: StdLib = StdLib(1 << 5);
    /// `utf8` (§6.5).
    pub const UTF8: StdLib = StdLib(1 << 6);
    /// `os` (§6.9).
    pub const OS: StdLib = StdLib(1 << 7);
    /// `io` (§6.8).
    pub const IO: StdLib = StdLib(1 << 8);
    /// `debug` (§6.10).
    pub const DEBUG: StdLib = StdLib(1 << 9);
    /// No library.
    pub const NONE: StdLib = StdLib(0);
    /// Every library, as the `lua` command opens them.
    pub const ALL: StdLib = StdLib((1 << 10) - 1);
    /// What untrusted scripts may use: every library but `io` and
    /// `debug`, with `os` cut to `clock`, `date`, `difftime` and `time`,
    /// the basic functions without `dofile` and `loadfile`, `load`
    /// without binary chunks, and `require` reading only the modules the
    /// host gives ([`StateBuilder::module`]).
    pub const SAFE: StdLib = StdLib(
        Self::BASE.0
            | Self::PACKAGE.0
            | Self::COROUTINE.0
            | Self::TABLE.0
            | Self::STRING.0
            | Self::MATH.0
            | Self::UTF8.0
            | Self::OS.0
            | (1 << 31),
    );

    /// Whether every library of `other` is in `self`.
    pub fn contains(self, other: StdLib) -> bool {
        self.0 & other.0 == other.0
    }

    fn is_safe(self) -> bool {
        self.0 & (1 << 31) != 0
    }
}

impl std::ops::BitOr for StdLib {
    type Output = StdLib;
    fn bitor(self, rhs: StdLib) -> StdLib {
        StdLib(self.0 | rhs.0)
    }
}

/// Builds a [`State`] with a chosen set of libraries, modules and limits.
///
/// ```
/// use lunar::{State, StdLib};
/// let mut state = State::builder()
///     .libs(StdLib::SAFE)
///     .module("greet", "return function(n) return 'hi ' .. n end")
///     .build();
/// let p = lunar::Program::compile("m.lua", "return require('greet')('there'), io").unwrap();
/// let (s, io): (String, Option<lunar::Table>) = state.run(&p).unwrap();
/// assert_eq!(s, "hi there");
/// assert!(io.is_none());
/// ```
#[derive(Clone)]
pub struct StateBuilder {
    libs: StdLib,
    binary_chunks: Option<bool>,
    modules: Option<MemFiles>,
    limits: Limits,
}

impl StateBuilder {
    /// The libraries to open (default: [`StdLib::ALL`]).
    pub fn libs(mut self, libs: StdLib) -> StateBuilder {
        self.libs = libs;
        self
    }

    /// Whether `load` accepts binary chunks (default: yes with
    /// [`StdLib::ALL`], no with [`StdLib::SAFE`]).
    pub fn binary_chunks(mut self, on: bool) -> StateBuilder {
        self.binary_chunks = Some(on);
        self
    }

    /// Adds a module that `require(name)` finds (Lua source). With
    /// modules given, `require` reads only these, never the file system.
    pub fn module(mut self, name: &str, source: impl AsRef<[u8]>) -> StateBuilder {
        let files = self.modules.take().unwrap_or_default();
        let path = format!("{}.lua", name.replace('.', "/"));
        self.modules = Some(files.with(&path, source.as_ref()));
        self
    }

    /// The limits of every run (default: none).
    pub fn limits(mut self, limits: Limits) -> StateBuilder {
        self.limits = limits;
        self
    }

    /// Makes the state.
    pub fn build(self) -> State {
        let vm = self.make_vm();
        State {
            vm,
            config: Arc::new(self),
        }
    }

    pub(crate) fn make_vm(&self) -> lunar_vm::State {
        let mut vm = lunar_vm::State::new();
        let libs = self.libs;
        if libs.contains(StdLib::BASE) {
            lunar_stdlib::open_base(&mut vm);
        }
        if libs.contains(StdLib::PACKAGE) {
            let opts = match (&self.modules, libs.is_safe()) {
                (Some(files), _) => PackageOptions {
                    path: Some(b"?.lua".to_vec()),
                    cpath: Some(Vec::new()),
                    ignore_env: true,
                    files: Some(Arc::new(files.clone()) as Arc<dyn ModuleFiles>),
                },
                (None, true) => PackageOptions {
                    path: Some(b"?.lua".to_vec()),
                    cpath: Some(Vec::new()),
                    ignore_env: true,
                    files: Some(Arc::new(MemFiles::new()) as Arc<dyn ModuleFiles>),
                },
                (None, false) => PackageOptions::default(),
            };
            lunar_stdlib::package::open_package_with(&mut vm, &opts);
        }
        if libs.contains(StdLib::COROUTINE) {
            lunar_stdlib::open_coroutine(&mut vm);
        }
        if libs.contains(StdLib::TABLE) {
            lunar_stdlib::table::open_table(&mut vm);
        }
        if libs.contains(StdLib::STRING) {
            lunar_stdlib::string::open_string(&mut vm);
        }
        if libs.contains(StdLib::MATH) {
            lunar_stdlib::math::open_math(&mut vm);
        }
        if libs.contains(StdLib::UTF8) {
            lunar_stdlib::utf8::open_utf8(&mut vm);
        }
        if libs.contains(StdLib::OS) {
            lunar_stdlib::os::open_os(&mut vm);
        }
        if libs.contains(StdLib::IO) {
            lunar_stdlib::io::open_io(&mut vm);
        }
        if libs.contains(StdLib::DEBUG) {
            lunar_stdlib::open_debug(&mut vm);
        }
        if libs.is_safe() {
            let g = vm.globals();
            for name in ["dofile", "loadfile"] {
                vm.set_field(g, name, lunar_vm::Value::Nil);
            }
            if let lunar_vm::Value::Table(os) = vm.get_field(g, "os") {
                for name in [
                    "execute",
                    "exit",
                    "getenv",
                    "remove",
                    "rename",
                    "setlocale",
                    "tmpname",
                ] {
                    vm.set_field(os, name, lunar_vm::Value::Nil);
                }
            }
            if let lunar_vm::Value::Table(pkg) = vm.get_field(g, "package") {
                vm.set_field(pkg, "loadlib", lunar_vm::Value::Nil);
            }
        }
        if !self.binary_chunks.unwrap_or(!libs.is_safe()) {
            vm.clear_undump();
        }
        vm.set_limits(self.limits);
        vm
    }
}

/// A Lua state for the host: its own heap, globals and standard library.
/// `Send` (a state may move between threads between runs), not `Sync`.
///
/// ```
/// let program = lunar::Program::compile("filter.lua", "return 6 * 7").unwrap();
/// let mut state = lunar::State::new();
/// state.set_limits(lunar::Limits { instructions: Some(10_000_000), ..Default::default() });
/// let n: i64 = state.run(&program).unwrap();
/// assert_eq!(n, 42);
/// ```
pub struct State {
    pub(crate) vm: lunar_vm::State,
    config: Arc<StateBuilder>,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("id", &self.vm.id())
            .field("libs", &self.config.libs)
            .finish_non_exhaustive()
    }
}

impl State {
    /// A state with the whole standard library open.
    pub fn new() -> State {
        State::builder().build()
    }

    /// A builder to choose libraries, modules and limits.
    pub fn builder() -> StateBuilder {
        StateBuilder {
            libs: StdLib::ALL,
            binary_chunks: None,
            modules: None,
            limits: Limits::default(),
        }
    }

    /// Back to a fresh state, as [`State::builder`] made it (same
    /// libraries, modules and limits); every value of the old state is
    /// gone (handles to them become errors to use), and handles from
    /// [`State::interrupt_handle`] must be taken again.
    pub fn reset(&mut self) {
        self.vm = self.config.make_vm();
    }

    /// Sets the limits of the runs that follow.
    pub fn set_limits(&mut self, limits: Limits) {
        self.vm.set_limits(limits);
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.vm.limits()
    }

    /// A handle that stops this state's running script from any thread
    /// (`stop.interrupt()`): the run fails with a
    /// [`Limit::Interrupt`](crate::Limit::Interrupt) error.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let stop = state.interrupt_handle();
    /// std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_millis(20));
    ///     stop.interrupt();
    /// });
    /// let p = lunar::Program::compile("spin.lua", "while true do end").unwrap();
    /// let err = state.run::<()>(&p).unwrap_err();
    /// assert_eq!(err.limit(), Some(lunar::Limit::Interrupt));
    /// assert_eq!(err.message(), "lunar: run interrupted");
    /// ```
    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.vm.interrupt_handle()
    }

    /// Work counted in the last run, in the units of
    /// [`Limits::instructions`].
    pub fn instructions_used(&self) -> u64 {
        self.vm.instructions_used()
    }

    /// Bytes of Lua objects the state holds (garbage not yet collected
    /// included).
    pub fn memory_used(&mut self) -> usize {
        self.vm.heap().bytes_in_use()
    }

    /// Runs a full garbage collection.
    pub fn collect_garbage(&mut self) {
        self.vm.collect_garbage();
    }

    /// The context API (what a Rust function called from Lua gets) on this
    /// state.
    pub fn ctx(&mut self) -> Ctx<'_> {
        Ctx { vm: &mut self.vm }
    }

    /// The VM underneath, for what the embedding API does not cover.
    pub fn vm(&mut self) -> &mut lunar_vm::State {
        &mut self.vm
    }

    /// Runs `program` (no arguments) and converts its results.
    pub fn run<R: FromLuaMulti>(&mut self, program: &Program) -> Result<R> {
        self.ctx().run_with(program, ())
    }

    /// Runs `program` with `args` as its `...` and converts its results.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let p = lunar::Program::compile("add.lua", "local a, b = ... return a + b").unwrap();
    /// let sum: i64 = state.run_with(&p, (2, 3)).unwrap();
    /// assert_eq!(sum, 5);
    /// ```
    pub fn run_with<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        program: &Program,
        args: A,
    ) -> Result<R> {
        self.ctx().run_with(program, args)
    }

    /// Compiles `source` and runs it (a shortcut for one-off chunks).
    pub fn exec<R: FromLuaMulti>(&mut self, name: &str, source: impl AsRef<[u8]>) -> Result<R> {
        let p = Program::compile(name, source)?;
        self.run(&p)
    }

    /// The global table.
    pub fn globals(&mut self) -> Table {
        self.ctx().globals()
    }

    /// Sets global `name`.
    pub fn set_global(&mut self, name: &str, v: impl IntoLua) -> Result<()> {
        self.ctx().set_global(name, v)
    }

    /// Reads global `name`, converted.
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V> {
        self.ctx().get_global(name)
    }

    /// A new empty table.
    pub fn create_table(&mut self) -> Table {
        self.ctx().create_table()
    }

    /// A new Lua string.
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> LuaString {
        self.ctx().create_string(bytes)
    }

    /// Makes a Rust closure a Lua function (see [`Ctx::create_function`]).
    pub fn create_function<A, R, F>(&mut self, f: F) -> Function
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        self.ctx().create_function(f)
    }

    /// Registers a Rust closure as global function `name`.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("add", |_, (a, b): (i64, i64)| Ok(a + b)).unwrap();
    /// let n: i64 = state.exec("t.lua", "return add(2, 40)").unwrap();
    /// assert_eq!(n, 42);
    /// let err = state.exec::<()>("t.lua", "return add(2)").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: bad argument #2 to 'add' (number expected, got no value)");
    /// ```
    pub fn register<A, R, F>(&mut self, name: &str, f: F) -> Result<()>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        let f = self.create_function(f);
        self.set_global(name, f)
    }

    /// Calls a Lua function with `args`, converting its results.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&mut self, f: &Function, args: A) -> Result<R> {
        self.ctx().call(f, args)
    }

    /// Writes what the state's standard output and open files hold in
    /// their buffers.
    pub fn flush(&mut self) {
        crate::raw::flush_output(&mut self.vm);
    }

    /// Replaces the state's standard output (`print`, `io.write`).
    pub fn set_stdout(&mut self, w: impl std::io::Write + Send + 'static) {
        self.vm.set_stdout(Box::new(w));
    }
}

/// The operations of a state, from a Rust function that Lua called (or
/// from the host through [`State::ctx`]). Conversions ([`IntoLua`],
/// [`FromLua`]) receive one.
pub struct Ctx<'a> {
    pub(crate) vm: &'a mut lunar_vm::State,
}

/// What handle methods take: a [`State`] or a [`Ctx`].
pub trait Lua {
    /// The context for an operation.
    fn ctx(&mut self) -> Ctx<'_>;
}

impl Lua for State {
    fn ctx(&mut self) -> Ctx<'_> {
        Ctx { vm: &mut self.vm }
    }
}

impl Lua for Ctx<'_> {
    fn ctx(&mut self) -> Ctx<'_> {
        Ctx { vm: &mut *self.vm }
    }
}

impl Ctx<'_> {
    /// The VM underneath.
    pub fn vm(&mut self) -> &mut lunar_vm::State {
        self.vm
    }

    /// Runs `program` with `args` as its `...` and converts its results.
    pub fn run_with<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        program: &Program,
        args: A,
    ) -> Result<R> {
        let f = self.load(program)?;
        self.call(&f, args)
    }

    /// The main function of `program` on this state (a closure whose
    /// `_ENV` is the globals), to call later.
    pub fn load(&mut self, program: &Program) -> Result<Function> {
        let env = lunar_vm::Value::Table(self.vm.globals());
        match self.vm.load_proto(program.proto(), env) {
            Ok(f) => Ok(Function(self.vm.root(f))),
            Err(_) => {
                let v = self.vm.take_error_value();
                let msg = self.vm.error_message(v);
                Err(Error::new(ErrorKind::Syntax, msg))
            }
        }
    }

    /// Calls a function with `args`, converting its results. Protected:
    /// a Lua error comes back as an [`Error`] with its value and
    /// traceback.
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&mut self, f: &Function, args: A) -> Result<R> {
        let args = args.into_lua_multi(self)?;
        let f = crate::value::raw_of(self.vm, &f.0)?;
        let results = host::call_raw(self.vm, f, &args)?;
        R::from_lua_multi(results, self)
    }

    /// The global table.
    pub fn globals(&mut self) -> Table {
        let g = lunar_vm::Value::Table(self.vm.globals());
        Table(self.vm.root(g))
    }

    /// Sets global `name`.
    pub fn set_global(&mut self, name: &str, v: impl IntoLua) -> Result<()> {
        let v = v.into_lua(self)?.to_raw(self.vm)?;
        self.vm.set_global(name, v);
        Ok(())
    }

    /// Reads global `name` (raw: the global table's metatable is not
    /// consulted), converted.
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V> {
        let v = self.vm.get_global(name);
        let v = Value::from_raw(self.vm, v);
        V::from_lua(v, self)
    }

    /// A new empty table.
    pub fn create_table(&mut self) -> Table {
        self.create_table_with_capacity(0, 0)
    }

    /// A new table with room for `narr` array items and `nhash` fields.
    pub fn create_table_with_capacity(&mut self, narr: usize, nhash: usize) -> Table {
        let t = self.vm.new_table(narr, nhash);
        Table(self.vm.root(lunar_vm::Value::Table(t)))
    }

    /// A new Lua string.
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> LuaString {
        let v = self.vm.str_value(bytes.as_ref());
        match Value::from_raw(self.vm, v) {
            Value::String(s) => s,
            _ => unreachable!("str_value makes strings"),
        }
    }

    /// Makes a Rust closure a Lua function. Its arguments are converted to
    /// `A` (a tuple for several; a failed conversion is the error
    /// `luaL_check*` gives, as `bad argument #1 to 'f' (number expected,
    /// got nil)`), its result `R` becomes the function's results. An
    /// error it returns is raised in Lua (pcall sees it; the host gets the
    /// same error back with its cause); a panic inside it is caught and
    /// raised as an error.
    pub fn create_function<A, R, F>(&mut self, f: F) -> Function
    where
        A: FromLuaMulti,
        R: IntoLuaMulti,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        host::create_function(self, f)
    }

    /// Makes a Lua error value for `e` to return from a native function
    /// written against the VM API directly.
    pub fn raise(&mut self, e: Error) -> lunar_vm::Error {
        host::raise(self.vm, e)
    }
}

impl MultiValue {
    /// Values of a raw slice, rooted.
    pub(crate) fn from_raw(vm: &mut lunar_vm::State, vals: &[lunar_vm::Value]) -> MultiValue {
        MultiValue(vals.iter().map(|&v| Value::from_raw(vm, v)).collect())
    }
}
