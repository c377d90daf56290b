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
use lunar_vm::image::LibImage;
use lunar_vm::{InterruptHandle, Limits};
use std::sync::{Arc, Mutex, OnceLock};

/// The bit of [`StdLib::SAFE`] that asks for its cuts (not a library).
const SAFE_MARK: u32 = 1 << 31;

/// How many programs a state keeps in their runtime form for its runs
/// (see `Ctx::load_raw`).
const MAX_KEPT_PROGRAMS: usize = 64;

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
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::BASE).build();
    /// let (t, string): (String, Option<lunar::Table>) = state.exec("t.lua", "return type(print), string").unwrap();
    /// assert_eq!((t.as_str(), string), ("function", None));
    /// ```
    pub const BASE: StdLib = StdLib(1);
    /// `package` and `require` (§6.3).
    ///
    /// ```
    /// use lunar::StdLib;
    /// let mut state = lunar::State::builder().libs(StdLib::BASE | StdLib::PACKAGE).module("seven", "return 7").build();
    /// assert_eq!(state.exec::<i64>("t.lua", "return require('seven')").unwrap(), 7);
    /// ```
    pub const PACKAGE: StdLib = StdLib(1 << 1);
    /// `coroutine` (§6.2).
    ///
    /// ```
    /// use lunar::StdLib;
    /// let mut state = lunar::State::builder().libs(StdLib::BASE | StdLib::COROUTINE).build();
    /// let src = "local gen = coroutine.wrap(function() coroutine.yield(1) return 2 end) return gen() + gen()";
    /// assert_eq!(state.exec::<i64>("t.lua", src).unwrap(), 3);
    /// ```
    pub const COROUTINE: StdLib = StdLib(1 << 2);
    /// `table` (§6.6).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::TABLE).build();
    /// assert_eq!(state.exec::<String>("t.lua", "return table.concat({1, 2, 3}, ',')").unwrap(), "1,2,3");
    /// ```
    pub const TABLE: StdLib = StdLib(1 << 3);
    /// `string` (§6.4).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::STRING).build();
    /// // Strings get their methods from the library: `s:rep(n)` is `string.rep(s, n)`.
    /// assert_eq!(state.exec::<String>("t.lua", "return ('ab'):rep(3)").unwrap(), "ababab");
    /// ```
    pub const STRING: StdLib = StdLib(1 << 4);
    /// `math` (§6.7).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::MATH).build();
    /// assert_eq!(state.exec::<i64>("t.lua", "return math.max(3, 7, 5)").unwrap(), 7);
    /// ```
    pub const MATH: StdLib = StdLib(1 << 5);
    /// `utf8` (§6.5).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::UTF8).build();
    /// assert_eq!(state.exec::<String>("t.lua", "return utf8.char(72, 233)").unwrap(), "Hé");
    /// ```
    pub const UTF8: StdLib = StdLib(1 << 6);
    /// `os` (§6.9).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::OS).build();
    /// let (time, getenv): (i64, Option<lunar::Function>) = state.exec("t.lua", "return os.time(), os.getenv").unwrap();
    /// assert!(time > 0 && getenv.is_some());
    /// ```
    pub const OS: StdLib = StdLib(1 << 7);
    /// `io` (§6.8).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::IO).build();
    /// let write: Option<lunar::Function> = state.exec("t.lua", "return io.write").unwrap();
    /// assert!(write.is_some());
    /// ```
    pub const IO: StdLib = StdLib(1 << 8);
    /// `debug` (§6.10).
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::DEBUG).build();
    /// assert_eq!(state.exec::<i64>("t.lua", "\nreturn debug.getinfo(1, 'l').currentline").unwrap(), 2);
    /// ```
    pub const DEBUG: StdLib = StdLib(1 << 9);
    /// No library.
    ///
    /// ```
    /// // Only the language itself: not even `print` or `type`.
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::NONE).build();
    /// assert!(state.exec::<bool>("t.lua", "return print == nil and type == nil").unwrap());
    /// ```
    pub const NONE: StdLib = StdLib(0);
    /// Every library, as the `lua` command opens them.
    ///
    /// ```
    /// use lunar::StdLib;
    /// assert!(StdLib::ALL.contains(StdLib::MATH | StdLib::IO | StdLib::DEBUG));
    /// let mut state = lunar::State::builder().libs(StdLib::ALL).build();
    /// assert!(state.exec::<bool>("t.lua", "return io ~= nil and debug ~= nil and dofile ~= nil").unwrap());
    /// ```
    pub const ALL: StdLib = StdLib((1 << 10) - 1);
    /// What untrusted scripts may use: every library but `io` and
    /// `debug`, with `os` cut to `clock`, `date`, `difftime` and `time`,
    /// the basic functions without `dofile` and `loadfile`, `load`
    /// without binary chunks, and `require` reading only the modules the
    /// host gives ([`StateBuilder::module`]; no `package.loadlib`).
    /// Combined with other libraries (`SAFE | StdLib::DEBUG`), these cuts
    /// stay.
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::SAFE).build();
    /// let src = "return os.time ~= nil, os.execute == nil, io == nil, dofile == nil";
    /// assert_eq!(state.exec::<(bool, bool, bool, bool)>("t.lua", src).unwrap(), (true, true, true, true));
    /// let (f, why): (Option<lunar::Function>, String) =
    ///     state.exec("t.lua", "return load(string.dump(function() end))").unwrap();
    /// assert!(f.is_none());
    /// assert_eq!(why, "binary chunks are not supported");
    /// ```
    pub const SAFE: StdLib = StdLib(
        Self::BASE.0
            | Self::PACKAGE.0
            | Self::COROUTINE.0
            | Self::TABLE.0
            | Self::STRING.0
            | Self::MATH.0
            | Self::UTF8.0
            | Self::OS.0
            | SAFE_MARK,
    );

    /// Whether every library of `other` is in `self`.
    ///
    /// ```
    /// use lunar::StdLib;
    /// assert!(StdLib::ALL.contains(StdLib::MATH | StdLib::IO));
    /// assert!(!StdLib::SAFE.contains(StdLib::MATH | StdLib::IO));
    /// assert!(StdLib::BASE.contains(StdLib::NONE));
    /// // The libraries count, not the cuts SAFE makes to them.
    /// assert!(StdLib::ALL.contains(StdLib::SAFE));
    /// ```
    pub fn contains(self, other: StdLib) -> bool {
        let libs = other.0 & !SAFE_MARK;
        self.0 & libs == libs
    }

    fn is_safe(self) -> bool {
        self.0 & SAFE_MARK != 0
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
    /// Shared by the builder's clones and the states it makes: a state
    /// costs no copy of the modules' sources.
    modules: Option<Arc<MemFiles>>,
    limits: Limits,
    /// The library image of this configuration, once looked up (see
    /// `StateBuilder::image`); cleared by the settings it depends on.
    image: OnceLock<Option<&'static LibImage>>,
}

impl StateBuilder {
    /// The libraries to open (default: [`StdLib::ALL`]).
    ///
    /// ```
    /// use lunar::{State, StdLib};
    /// let mut state = State::builder().libs(StdLib::BASE | StdLib::STRING).build();
    /// let (up, math): (String, Option<lunar::Table>) = state.exec("t.lua", "return ('x'):upper(), math").unwrap();
    /// assert_eq!((up.as_str(), math), ("X", None));
    /// ```
    pub fn libs(mut self, libs: StdLib) -> StateBuilder {
        self.libs = libs;
        self.image = OnceLock::new();
        self
    }

    /// Whether `load` accepts binary chunks (default: no with
    /// [`StdLib::SAFE`] in the libraries, yes otherwise).
    ///
    /// ```
    /// use lunar::{State, StdLib};
    /// let src = "return load(string.dump(function() return 42 end))()";
    /// let mut state = State::builder().libs(StdLib::SAFE).binary_chunks(true).build();
    /// assert_eq!(state.exec::<i64>("t.lua", src).unwrap(), 42);
    /// let mut state = State::builder().binary_chunks(false).build();
    /// assert!(state.exec::<i64>("t.lua", src).is_err());
    /// ```
    pub fn binary_chunks(mut self, on: bool) -> StateBuilder {
        self.binary_chunks = Some(on);
        self
    }

    /// Adds a module that `require(name)` finds (Lua source). With
    /// modules given, `require` reads only these, never the file system.
    ///
    /// ```
    /// let mut state = lunar::State::builder()
    ///     .module("util.text", "return { shout = function(s) return s:upper() .. '!' end }")
    ///     .build();
    /// let s: String = state.exec("t.lua", "return require('util.text').shout('hi')").unwrap();
    /// assert_eq!(s, "HI!");
    /// let err = state.exec::<()>("t.lua", "require('other')").unwrap_err();
    /// assert!(err.message().starts_with("t.lua:1: module 'other' not found:"));
    /// ```
    pub fn module(mut self, name: &str, source: impl AsRef<[u8]>) -> StateBuilder {
        let mut files = self.modules.take().unwrap_or_default();
        let path = format!("{}.lua", name.replace('.', "/"));
        Arc::make_mut(&mut files).insert(&path, source.as_ref());
        self.modules = Some(files);
        self.image = OnceLock::new();
        self
    }

    /// The limits of every run (default: none).
    ///
    /// ```
    /// use lunar::{Limit, Limits, State};
    /// let mut state = State::builder().limits(Limits { instructions: Some(1_000), ..Default::default() }).build();
    /// assert_eq!(state.limits().instructions, Some(1_000));
    /// let err = state.exec::<()>("spin.lua", "while true do end").unwrap_err();
    /// assert_eq!(err.limit(), Some(Limit::Instructions));
    /// ```
    pub fn limits(mut self, limits: Limits) -> StateBuilder {
        self.limits = limits;
        self
    }

    /// Makes the state.
    ///
    /// ```
    /// let builder = lunar::State::builder().libs(lunar::StdLib::SAFE);
    /// // A builder is `Clone`: one configuration, many states.
    /// let (mut a, mut b) = (builder.clone().build(), builder.build());
    /// a.set_global("x", 1).unwrap();
    /// assert_eq!(b.get_global::<Option<i64>>("x").unwrap(), None);
    /// ```
    pub fn build(self) -> State {
        let vm = self.make_vm();
        State {
            vm,
            config: Arc::new(self),
        }
    }

    pub(crate) fn make_vm(&self) -> lunar_vm::State {
        let libs = self.libs;
        let mut vm = match self.image() {
            Some(image) => {
                let mut vm = lunar_stdlib::state_from_image(image);
                if libs.contains(StdLib::PACKAGE) {
                    lunar_stdlib::package::set_module_files(&mut vm, self.package_options().files);
                }
                vm
            }
            None => {
                let mut vm = lunar_vm::State::new();
                self.open_libs(&mut vm, false);
                vm
            }
        };
        if !self.binary_chunks.unwrap_or(!libs.is_safe()) {
            vm.clear_undump();
        }
        vm.set_limits(self.limits);
        vm
    }

    /// The library image states of this configuration are copied from
    /// (see `lunar_stdlib::new_state`): one per process for each set of
    /// libraries and kind of module path, taken the first time a state of
    /// that kind is made. `None` if the image cannot be taken (the
    /// libraries are then opened in each state).
    fn image(&self) -> Option<&'static LibImage> {
        // The key: the libraries, and whether `package.path` is the one
        // the environment gives or "?.lua" (the module files themselves
        // are per state, in a library slot).
        let key = (self.libs.0, self.modules.is_some() || self.libs.is_safe());
        if key == (StdLib::ALL.0, false) {
            return lunar_stdlib::default_image();
        }
        *self.image.get_or_init(|| {
            type Images = Vec<((u32, bool), Option<&'static LibImage>)>;
            static IMAGES: Mutex<Images> = Mutex::new(Vec::new());
            let mut images = IMAGES.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, image)) = images.iter().find(|(k, _)| *k == key) {
                return *image;
            }
            let image = lunar_stdlib::image_of(|vm| self.open_libs(vm, true)).ok();
            images.push((key, image));
            image
        })
    }

    /// The options of the package library.
    fn package_options(&self) -> PackageOptions {
        match (&self.modules, self.libs.is_safe()) {
            (Some(files), _) => PackageOptions {
                path: Some(b"?.lua".to_vec()),
                cpath: Some(Vec::new()),
                ignore_env: true,
                files: Some(Arc::clone(files) as Arc<dyn ModuleFiles>),
            },
            (None, true) => PackageOptions {
                path: Some(b"?.lua".to_vec()),
                cpath: Some(Vec::new()),
                ignore_env: true,
                files: Some(Arc::new(MemFiles::new()) as Arc<dyn ModuleFiles>),
            },
            (None, false) => PackageOptions::default(),
        }
    }

    /// Opens the configured libraries in `vm`; for an image (`for_image`),
    /// without what is per state: io's standard files and the module
    /// files.
    fn open_libs(&self, vm: &mut lunar_vm::State, for_image: bool) {
        let libs = self.libs;
        if libs.contains(StdLib::BASE) {
            lunar_stdlib::open_base(vm);
        }
        if libs.contains(StdLib::PACKAGE) {
            let mut opts = self.package_options();
            if for_image {
                opts.files = None;
            }
            lunar_stdlib::package::open_package_with(vm, &opts);
        }
        if libs.contains(StdLib::COROUTINE) {
            lunar_stdlib::open_coroutine(vm);
        }
        if libs.contains(StdLib::TABLE) {
            lunar_stdlib::table::open_table(vm);
        }
        if libs.contains(StdLib::STRING) {
            lunar_stdlib::string::open_string(vm);
        }
        if libs.contains(StdLib::MATH) {
            lunar_stdlib::math::open_math(vm);
        }
        if libs.contains(StdLib::UTF8) {
            lunar_stdlib::utf8::open_utf8(vm);
        }
        if libs.contains(StdLib::OS) {
            lunar_stdlib::os::open_os(vm);
        }
        if libs.contains(StdLib::IO) {
            if for_image {
                lunar_stdlib::io::open_io_shared(vm);
            } else {
                lunar_stdlib::io::open_io(vm);
            }
        }
        if libs.contains(StdLib::DEBUG) {
            lunar_stdlib::open_debug(vm);
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// assert!(state.exec::<bool>("t.lua", "return io ~= nil and debug ~= nil").unwrap());
    /// ```
    pub fn new() -> State {
        State::builder().build()
    }

    /// A builder to choose libraries, modules and limits.
    ///
    /// ```
    /// let mut state = lunar::State::builder().libs(lunar::StdLib::SAFE).build();
    /// assert!(state.exec::<bool>("t.lua", "return io == nil").unwrap());
    /// ```
    pub fn builder() -> StateBuilder {
        StateBuilder {
            libs: StdLib::ALL,
            binary_chunks: None,
            modules: None,
            limits: Limits::default(),
            image: OnceLock::new(),
        }
    }

    /// Back to a fresh state, as [`State::builder`] made it (same
    /// libraries, modules and limits); every value of the old state is
    /// gone (handles to them become errors to use), and handles from
    /// [`State::interrupt_handle`] must be taken again.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "x = 1 return {}").unwrap();
    /// state.reset();
    /// assert_eq!(state.get_global::<Option<i64>>("x").unwrap(), None);
    /// let err = t.raw_len(&mut state).unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Usage);
    /// ```
    pub fn reset(&mut self) {
        self.vm = self.config.make_vm();
    }

    /// Sets the limits of the runs that follow.
    ///
    /// ```
    /// use lunar::{Limit, Limits};
    /// let mut state = lunar::State::new();
    /// state.set_limits(Limits { instructions: Some(100), ..Default::default() });
    /// let err = state.exec::<()>("t.lua", "for i = 1, 1000 do end").unwrap_err();
    /// assert_eq!(err.limit(), Some(Limit::Instructions));
    /// ```
    pub fn set_limits(&mut self, limits: Limits) {
        self.vm.set_limits(limits);
    }

    /// The limits in force.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// assert_eq!(state.limits().instructions, None);
    /// state.set_limits(lunar::Limits { instructions: Some(5_000), ..Default::default() });
    /// assert_eq!(state.limits().instructions, Some(5_000));
    /// ```
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.exec::<()>("t.lua", "for i = 1, 10 do end").unwrap();
    /// let short = state.instructions_used();
    /// state.exec::<()>("t.lua", "for i = 1, 1000 do end").unwrap();
    /// assert!(state.instructions_used() > short);
    /// ```
    pub fn instructions_used(&self) -> u64 {
        self.vm.instructions_used()
    }

    /// Bytes of Lua objects the state holds (garbage not yet collected
    /// included).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let before = state.memory_used();
    /// state.exec::<()>("t.lua", "big = {} for i = 1, 10000 do big[i] = i end").unwrap();
    /// assert!(state.memory_used() > before + 10_000);
    /// ```
    pub fn memory_used(&mut self) -> usize {
        self.vm.heap().bytes_in_use()
    }

    /// Runs a full garbage collection.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.exec::<()>("t.lua", "setmetatable({}, {__gc = function() collected = true end})").unwrap();
    /// state.collect_garbage();
    /// assert_eq!(state.get_global::<Option<bool>>("collected").unwrap(), Some(true));
    /// ```
    pub fn collect_garbage(&mut self) {
        self.vm.collect_garbage();
    }

    /// The context API (what a Rust function called from Lua gets) on this
    /// state.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let t = cx.create_table_with_capacity(2, 0);
    /// t.push(&mut cx, "a").unwrap();
    /// cx.set_global("list", t).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return #list").unwrap(), 1);
    /// ```
    pub fn ctx(&mut self) -> Ctx<'_> {
        Ctx { vm: &mut self.vm }
    }

    /// The VM underneath, for what the embedding API does not cover.
    ///
    /// ```
    /// use lunar::vm::Value;
    /// let mut state = lunar::State::new();
    /// state.vm().set_global("answer", Value::Int(42));
    /// assert_eq!(state.get_global::<i64>("answer").unwrap(), 42);
    /// ```
    pub fn vm(&mut self) -> &mut lunar_vm::State {
        &mut self.vm
    }

    /// Runs `program` (no arguments) and converts its results.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let program = lunar::Program::compile("pair.lua", "return 'x', 2").unwrap();
    /// let (s, n): (String, i64) = state.run(&program).unwrap();
    /// assert_eq!((s.as_str(), n), ("x", 2));
    /// ```
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// assert_eq!(state.exec::<i64>("t.lua", "return 1 + 1").unwrap(), 2);
    /// let err = state.exec::<()>("t.lua", "return +").unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Syntax);
    /// assert_eq!(err.message(), "t.lua:1: unexpected symbol near '+'");
    /// ```
    pub fn exec<R: FromLuaMulti>(&mut self, name: &str, source: impl AsRef<[u8]>) -> Result<R> {
        let p = Program::compile(name, source)?;
        self.ctx().run_program(&p, (), false)
    }

    /// The global table.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let g = state.globals();
    /// g.set(&mut state, "x", 5).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return x").unwrap(), 5);
    /// ```
    pub fn globals(&mut self) -> Table {
        self.ctx().globals()
    }

    /// Sets global `name`.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.set_global("list", vec!["a", "b", "c"]).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return #list").unwrap(), 3);
    /// ```
    pub fn set_global(&mut self, name: &str, v: impl IntoLua) -> Result<()> {
        self.ctx().set_global(name, v)
    }

    /// Reads global `name` (raw: the global table's metatable is not
    /// consulted), converted.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.exec::<()>("t.lua", "name = 'moon'").unwrap();
    /// assert_eq!(state.get_global::<String>("name").unwrap(), "moon");
    /// assert_eq!(state.get_global::<Option<String>>("missing").unwrap(), None);
    /// ```
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V> {
        self.ctx().get_global(name)
    }

    /// A new empty table.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t = state.create_table();
    /// t.set(&mut state, "n", 3).unwrap();
    /// state.set_global("t", t).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return t.n * 2").unwrap(), 6);
    /// ```
    pub fn create_table(&mut self) -> Table {
        self.ctx().create_table()
    }

    /// A new Lua string.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// // Any bytes, not only UTF-8.
    /// let s = state.create_string(b"\xff\x00z");
    /// state.set_global("s", s).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return #s").unwrap(), 3);
    /// ```
    pub fn create_string(&mut self, bytes: impl AsRef<[u8]>) -> LuaString {
        self.ctx().create_string(bytes)
    }

    /// Makes a Rust closure a Lua function (see [`Ctx::create_function`]).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let double = state.create_function(|_, n: i64| Ok(n * 2));
    /// assert_eq!(double.call::<_, i64>(&mut state, 21).unwrap(), 42);
    /// ```
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let f: lunar::Function = state.exec("t.lua", "return function(a, b) return a - b end").unwrap();
    /// assert_eq!(state.call::<_, i64>(&f, (10, 3)).unwrap(), 7);
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&mut self, f: &Function, args: A) -> Result<R> {
        self.ctx().call(f, args)
    }

    /// Writes what the state's standard output and open files hold in
    /// their buffers.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("lunar-flush-{}.txt", std::process::id()));
    /// let mut state = lunar::State::new();
    /// state.set_global("path", path.to_str().unwrap()).unwrap();
    /// state.exec::<()>("t.lua", "f = io.open(path, 'w') f:write('kept')").unwrap();
    /// assert_eq!(std::fs::read(&path).unwrap(), b""); // still in the file's buffer
    /// state.flush();
    /// assert_eq!(std::fs::read(&path).unwrap(), b"kept");
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn flush(&mut self) {
        crate::raw::flush_output(&mut self.vm);
    }

    /// Replaces the state's standard output (`print`, `io.write`).
    ///
    /// ```
    /// # #[derive(Clone, Default)]
    /// # struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Buf {
    /// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    /// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// # }
    /// let out = Buf::default(); // a `Write` that keeps what it gets (hidden here)
    /// let mut state = lunar::State::new();
    /// state.set_stdout(out.clone());
    /// state.exec::<()>("t.lua", "print('hello', 42)").unwrap();
    /// state.flush();
    /// assert_eq!(*out.0.lock().unwrap(), b"hello\t42\n");
    /// ```
    pub fn set_stdout(&mut self, w: impl std::io::Write + Send + 'static) {
        self.vm.set_stdout(Box::new(w));
    }
}

/// The operations of a state, from a Rust function that Lua called (or
/// from the host through [`State::ctx`]). Conversions ([`IntoLua`],
/// [`FromLua`]) receive one.
///
/// ```
/// let mut state = lunar::State::new();
/// state.register("point", |cx: &mut lunar::Ctx<'_>, (x, y): (f64, f64)| {
///     let t = cx.create_table();
///     t.set(cx, "x", x)?;
///     t.set(cx, "y", y)?;
///     Ok(t)
/// }).unwrap();
/// assert_eq!(state.exec::<f64>("t.lua", "local p = point(1, 2) return p.x + p.y").unwrap(), 3.0);
/// ```
pub struct Ctx<'a> {
    pub(crate) vm: &'a mut lunar_vm::State,
}

impl<'a> Ctx<'a> {
    /// The context API over a VM state, for a native function written
    /// against the VM's API directly (it gets `&mut lunar::vm::State`).
    ///
    /// ```
    /// fn native(vm: &mut lunar::vm::State) -> Result<usize, lunar::vm::Error> {
    ///     let mut cx = lunar::Ctx::new(vm);
    ///     Err(cx.raise(lunar::Error::runtime("from a native")))
    /// }
    /// let mut state = lunar::State::new();
    /// state.vm().set_global("native", lunar::vm::Value::LightFn(native));
    /// let msg: String = state.exec("t.lua", "return select(2, pcall(native))").unwrap();
    /// assert_eq!(msg, "from a native");
    /// ```
    pub fn new(vm: &'a mut lunar_vm::State) -> Ctx<'a> {
        Ctx { vm }
    }
}

/// What handle methods take: a [`State`] or a [`Ctx`].
///
/// ```
/// use lunar::{Lua, Table};
/// // One helper for the host (a `State`) and for Rust functions (a `Ctx`).
/// fn total(lua: &mut impl Lua, t: &Table) -> lunar::Result<i64> {
///     Ok(t.sequence_values::<i64>(lua)?.iter().sum())
/// }
/// let mut state = lunar::State::new();
/// let t: Table = state.exec("t.lua", "return {1, 2, 3}").unwrap();
/// assert_eq!(total(&mut state, &t).unwrap(), 6);
/// state.register("total", |cx, t: Table| total(cx, &t)).unwrap();
/// assert_eq!(state.exec::<i64>("t.lua", "return total({4, 5})").unwrap(), 9);
/// ```
pub trait Lua {
    /// The context for an operation.
    ///
    /// ```
    /// use lunar::Lua;
    /// fn mark(lua: &mut impl Lua) -> lunar::Result<()> {
    ///     lua.ctx().set_global("marked", true)
    /// }
    /// let mut state = lunar::State::new();
    /// mark(&mut state).unwrap();
    /// assert!(state.get_global::<bool>("marked").unwrap());
    /// ```
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
    /// The VM's value for `v`, for hosts that use the VM's API
    /// ([`crate::vm`]) directly. It stays valid while `v` (or anything
    /// else) keeps its object alive: hold `v` while using it. Fails for a
    /// handle of another state.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Value = state.exec("t.lua", "return {x = 1}").unwrap();
    /// let mut cx = state.ctx();
    /// let raw = cx.to_raw(&t).unwrap();
    /// let lunar::vm::Value::Table(table) = raw else { panic!("a table") };
    /// assert!(matches!(cx.vm().get_field(table, "x"), lunar::vm::Value::Int(1)));
    /// ```
    pub fn to_raw(&mut self, v: &Value) -> Result<lunar_vm::Value> {
        v.to_raw(self.vm)
    }

    /// A rooted value for a VM value (the inverse of [`Ctx::to_raw`]).
    /// `raw` must be alive: reachable from Lua, or made since the last
    /// point where the state could collect garbage.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let s = cx.vm().str_value(b"made raw");
    /// let v = cx.from_raw(s);
    /// assert_eq!(v.as_str(), Some("made raw"));
    /// ```
    pub fn from_raw(&mut self, raw: lunar_vm::Value) -> Value {
        Value::from_raw(self.vm, raw)
    }
}

impl Ctx<'_> {
    /// The VM underneath.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("nargs", |cx, ()| {
    ///     // The VM's own API: here, the number of arguments on its stack.
    ///     Ok(cx.vm().arg_count() as i64)
    /// }).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return nargs(1, 2, 3)").unwrap(), 3);
    /// ```
    pub fn vm(&mut self) -> &mut lunar_vm::State {
        self.vm
    }

    /// Runs `program` with `args` as its `...` and converts its results.
    /// The state keeps the program's checked runtime form for its next
    /// runs (up to 64 programs per state), so that running it again only
    /// makes its main closure.
    ///
    /// ```
    /// let plugin = lunar::Program::compile("plugin.lua", "local n = ... return n * 10").unwrap();
    /// let mut state = lunar::State::new();
    /// state.register("plugin", move |cx, n: i64| cx.run_with::<_, i64>(&plugin, n)).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return plugin(4) + 2").unwrap(), 42);
    /// ```
    pub fn run_with<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        program: &Program,
        args: A,
    ) -> Result<R> {
        self.run_program(program, args, true)
    }

    /// [`Ctx::run_with`]; `keep` keeps the program's runtime form in the
    /// state for the next runs (see [`Ctx::load_raw`]).
    pub(crate) fn run_program<A: IntoLuaMulti, R: FromLuaMulti>(
        &mut self,
        program: &Program,
        args: A,
        keep: bool,
    ) -> Result<R> {
        // The arguments are converted first (kept alive while the body
        // runs); the main closure is made after them and goes straight to
        // the call, which holds it on the stack: nothing runs Lua code in
        // between, so it needs no handle (a root is an allocation).
        args.with_raw_args(self, |cx, raw| {
            let f = cx.load_raw(program, keep)?;
            R::from_call(cx, f, raw)
        })
    }

    /// The main function of `program` on this state (a closure whose
    /// `_ENV` is the globals), to call later.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let p = lunar::Program::compile("count.lua", "n = (n or 0) + 1 return n").unwrap();
    /// let main = state.ctx().load(&p).unwrap();
    /// main.call::<_, ()>(&mut state, ()).unwrap();
    /// assert_eq!(main.call::<_, i64>(&mut state, ()).unwrap(), 2);
    /// ```
    pub fn load(&mut self, program: &Program) -> Result<Function> {
        let f = self.load_raw(program, false)?;
        Ok(Function(self.vm.root(f)))
    }

    /// [`Ctx::load`]'s closure, not rooted: alive until Lua code next runs.
    ///
    /// With `keep`, the state keeps the program's runtime form (verified
    /// and converted once: `Vm::cache_proto`) so that the next runs only
    /// make the closure; without it, or once the state keeps
    /// [`MAX_KEPT_PROGRAMS`] programs, each load verifies and converts
    /// the prototype again. The bound is there because a kept program
    /// stays in the state until it is dropped or reset (the VM's cache
    /// never forgets one): a host compiling a program per request must
    /// not fill memory, while one running a few programs again and again
    /// has them all kept. `exec`, which compiles its source each time,
    /// never keeps.
    pub(crate) fn load_raw(&mut self, program: &Program, keep: bool) -> Result<lunar_vm::Value> {
        if keep {
            let key = std::sync::Arc::as_ptr(program.proto()) as usize;
            let kept = &mut host::host_data(self.vm).kept_programs;
            if !kept.contains(&key) && kept.len() < MAX_KEPT_PROGRAMS {
                // A prototype that fails verification is not kept (its
                // error is the load's, left for `load_proto` below); a
                // kept one is held by the VM, so its address names it.
                if self.vm.cache_proto(program.proto()).is_ok() {
                    host::host_data(self.vm).kept_programs.push(key);
                }
            }
        }
        let env = lunar_vm::Value::Table(self.vm.globals());
        self.vm.load_proto(program.proto(), env).map_err(|_| {
            let v = self.vm.take_error_value();
            let msg = self.vm.error_message(v);
            Error::new(ErrorKind::Syntax, msg)
        })
    }

    /// Calls a function with `args`, converting its results. Protected:
    /// a Lua error comes back as an [`Error`] with its value and
    /// traceback.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("twice", |cx, f: lunar::Function| {
    ///     let a: i64 = cx.call(&f, 1)?;
    ///     cx.call::<_, i64>(&f, a)
    /// }).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return twice(function(x) return x * 3 end)").unwrap(), 9);
    /// let err = state.exec::<()>("t.lua", "twice(function() error('no') end)").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: no");
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&mut self, f: &Function, args: A) -> Result<R> {
        // The arguments go to the VM as they are converted and the results
        // come back as many as `R` takes: a call with a few of each
        // allocates nothing (see `IntoLuaMulti::with_raw_args` and
        // `FromLuaMulti::from_call`).
        args.with_raw_args(self, |cx, raw| {
            let f = crate::value::raw_of(cx.vm, &f.0)?;
            R::from_call(cx, f, raw)
        })
    }

    /// The global table.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("count_globals", |cx, ()| Ok(cx.globals().pairs::<lunar::Value, lunar::Value>(cx)?.len())).unwrap();
    /// assert!(state.exec::<i64>("t.lua", "return count_globals()").unwrap() > 10);
    /// ```
    pub fn globals(&mut self) -> Table {
        let g = lunar_vm::Value::Table(self.vm.globals());
        Table(self.vm.root(g))
    }

    /// Sets global `name`.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("init", |cx, n: i64| cx.set_global("counter", n)).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "init(5) return counter").unwrap(), 5);
    /// ```
    pub fn set_global(&mut self, name: &str, v: impl IntoLua) -> Result<()> {
        let v = v.into_lua(self)?.to_raw(self.vm)?;
        self.vm.set_global(name, v);
        Ok(())
    }

    /// Reads global `name` (raw: the global table's metatable is not
    /// consulted), converted.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("read", |cx, name: String| cx.get_global::<lunar::Value>(&name)).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "x = 3 return read('x')").unwrap(), 3);
    /// // Raw: an `__index` on the global table is not consulted.
    /// let v: Option<i64> = state.exec("t.lua", "setmetatable(_G, {__index = function() return 1 end}) return read('y')").unwrap();
    /// assert_eq!(v, None);
    /// ```
    pub fn get_global<V: FromLua>(&mut self, name: &str) -> Result<V> {
        let v = self.vm.get_global(name);
        let v = Value::from_raw(self.vm, v);
        V::from_lua(v, self)
    }

    /// A new empty table.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("empty", |cx, ()| Ok(cx.create_table())).unwrap();
    /// assert_eq!(state.exec::<String>("t.lua", "return type(empty())").unwrap(), "table");
    /// ```
    pub fn create_table(&mut self) -> Table {
        self.create_table_with_capacity(0, 0)
    }

    /// A new table with room for `narr` array items and `nhash` fields.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let t = cx.create_table_with_capacity(3, 0);
    /// for i in 1..=3 {
    ///     t.push(&mut cx, i * i).unwrap();
    /// }
    /// assert_eq!(t.sequence_values::<i64>(&mut cx).unwrap(), [1, 4, 9]);
    /// ```
    pub fn create_table_with_capacity(&mut self, narr: usize, nhash: usize) -> Table {
        let t = self.vm.new_table(narr, nhash);
        Table(self.vm.root(lunar_vm::Value::Table(t)))
    }

    /// A new Lua string.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("bytes", |cx, n: usize| Ok(cx.create_string(vec![b'z'; n]))).unwrap();
    /// assert_eq!(state.exec::<String>("t.lua", "return bytes(3)").unwrap(), "zzz");
    /// ```
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let mut cx = state.ctx();
    /// let add = cx.create_function(|_, (a, b): (i64, i64)| Ok(a + b));
    /// cx.set_global("add", add).unwrap();
    /// assert_eq!(state.exec::<i64>("t.lua", "return add(40, 2)").unwrap(), 42);
    /// let err = state.exec::<()>("t.lua", "return add(1, nil)").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: bad argument #2 to 'add' (number expected, got nil)");
    /// let err = state.exec::<()>("t.lua", "return add(1, 1.5)").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: bad argument #2 to 'add' (number has no integer representation)");
    /// ```
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
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let marker = state.ctx().raise(lunar::Error::runtime("boom"));
    /// assert!(matches!(marker, lunar::vm::Error::Runtime));
    /// // The error value now waits in the state, for the VM to raise.
    /// let v = state.vm().take_error_value();
    /// assert_eq!(state.vm().error_message(v), "boom");
    /// ```
    pub fn raise(&mut self, e: Error) -> lunar_vm::Error {
        host::raise(self.vm, e)
    }
}

impl MultiValue {
    /// Values of a raw slice, rooted.
    pub(crate) fn from_raw(vm: &mut lunar_vm::State, vals: &[lunar_vm::Value]) -> MultiValue {
        MultiValue(vals.iter().map(|&v| Value::from_raw(vm, v)).collect())
    }

    /// The running native function's arguments after the first `skip`,
    /// up to the `n`th, rooted (an allocation for the list, none when it
    /// is empty).
    pub(crate) fn from_args(vm: &mut lunar_vm::State, skip: usize, n: usize) -> MultiValue {
        let mut out = Vec::with_capacity(n.saturating_sub(skip));
        for i in skip + 1..=n {
            let v = vm.arg(i);
            out.push(Value::from_raw(vm, v));
        }
        MultiValue(out)
    }
}
