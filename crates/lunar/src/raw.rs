//! The VM-level host API: a `lunar_vm::State` with the standard library
//! open, running a [`Program`] on it, protected calls that keep the error
//! value and its traceback.
//!
//! This is the layer the `lunar` command and the standard library's own
//! tests use. Its values are the VM's raw values: a `Value` holding a
//! table or a string is valid only while the object is reachable from
//! Lua (see `lunar_vm::gc`). Hosts that keep values between calls use the
//! crate root's API, whose handles keep their objects alive.

use crate::Program;
pub use lunar_vm::{Error, Gc, LuaStr, NativeFn, RuntimeError, State, Table, Type, Value};

/// A new state with the whole standard library open (copied from the
/// process's library image: see `lunar_stdlib::new_state`).
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("t.lua", "return string.rep('a', 3)").unwrap();
/// let res = raw::run(&mut state, &p, &[]).unwrap();
/// let Value::Str(s) = res[0] else { panic!("a string") };
/// assert_eq!(s.as_bytes(), b"aaa");
/// ```
pub fn new_state() -> State {
    lunar_stdlib::new_state()
}

/// Opens the whole standard library in `state` (for a state made with
/// `State::new`, once its registry holds what the libraries read when they
/// open, such as `LUA_NOENV`).
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::State::new();
/// raw::open_libs(&mut state);
/// let p = lunar::Program::compile("t.lua", "return math.pi > 3").unwrap();
/// assert!(matches!(raw::run(&mut state, &p, &[]).unwrap()[..], [Value::Bool(true)]));
/// ```
pub fn open_libs(state: &mut State) {
    lunar_stdlib::open_all(state);
}

/// A Lua error caught at the host boundary: the error value, as raised,
/// and the traceback taken where it was raised (when the VM gave one).
///
/// The value lives in the state's heap: use it (convert it, call its
/// `__tostring`) before running more code on the state.
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("t.lua", "error({})").unwrap();
/// let f = raw::load_program(&mut state, &p).unwrap();
/// let err = raw::call_traced(&mut state, f, &[]).unwrap_err();
/// assert!(matches!(err.value, Value::Table(_))); // the value as raised
/// assert!(err.traceback.unwrap().starts_with("stack traceback:\n\t[C]: in function 'error'"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CallError {
    /// The error object (usually a string with a position prefix).
    pub value: Value,
    /// `stack traceback:` text, without the message line.
    pub traceback: Option<String>,
}

impl CallError {
    /// An error with this value and traceback.
    ///
    /// ```
    /// let e = lunar::raw::CallError::new(lunar::raw::Value::Int(1), None);
    /// assert!(matches!(e.value, lunar::raw::Value::Int(1)) && e.traceback.is_none());
    /// ```
    pub fn new(value: Value, traceback: Option<String>) -> CallError {
        CallError { value, traceback }
    }
}

/// An error from [`run`] or [`StateExt::run`], as text: the error value
/// converted as the standalone interpreter shows it, and the traceback.
///
/// ```
/// let mut state = lunar::raw::new_state();
/// let p = lunar::Program::compile("t.lua", "local x = nil\nreturn x.y").unwrap();
/// let err = lunar::raw::run(&mut state, &p, &[]).unwrap_err();
/// assert_eq!(err.to_string(), "t.lua:2: attempt to index a nil value (local 'x')");
/// assert_eq!(err.traceback.as_deref(), Some("stack traceback:\n\tt.lua:2: in main chunk\n\t[C]: in ?"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunError {
    /// The message (a string or number error value as it is, other values
    /// through `__tostring` or as "(error object is a T value)").
    pub message: String,
    /// The traceback, when one was taken.
    pub traceback: Option<String>,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunError {}

/// Makes the main function of `program` on `state` (a closure whose
/// `_ENV` is the state's globals). Fails only for a prototype that does
/// not pass the verifier (see `State::load_proto`).
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("count.lua", "n = (n or 0) + 1 return n").unwrap();
/// let main = raw::load_program(&mut state, &p).unwrap();
/// raw::call_traced(&mut state, main, &[]).unwrap();
/// assert!(matches!(raw::call_traced(&mut state, main, &[]).unwrap()[..], [Value::Int(2)]));
/// ```
pub fn load_program(state: &mut State, program: &Program) -> Result<Value, CallError> {
    let env = Value::Table(state.globals());
    state
        .load_proto(program.proto(), env)
        .map_err(|_| CallError {
            value: state.take_error_value(),
            traceback: None,
        })
}

/// The registry key where the message handler of [`call_traced`] leaves
/// the traceback of the error it saw.
const TRACEBACK_KEY: &str = "lunar.traceback";

/// Calls `f` with `args` from the host, protected, as the standalone
/// interpreter's `docall` does: a message handler takes the traceback at
/// the point of the error (a call from the host runs above a native frame
/// of the host's, so tracebacks end with `[C]: in ?` as `lua.c`'s do). A
/// Lua error comes back as a [`CallError`] with its value (unchanged)
/// and the traceback.
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("t.lua", "function div(a, b) return a // b end").unwrap();
/// raw::run(&mut state, &p, &[]).unwrap();
/// let g = state.globals();
/// let f = state.get_field(g, "div"); // reachable from Lua, so it stays valid
/// let q = raw::call_traced(&mut state, f, &[Value::Int(7), Value::Int(2)]).unwrap();
/// assert!(matches!(q[..], [Value::Int(3)]));
/// let err = raw::call_traced(&mut state, f, &[Value::Int(7), Value::Int(0)]).unwrap_err();
/// assert!(err.traceback.unwrap().ends_with("\n\t[C]: in ?"));
/// ```
pub fn call_traced(state: &mut State, f: Value, args: &[Value]) -> Result<Vec<Value>, CallError> {
    match state.pcall(f, args, Some(Value::LightFn(message_handler))) {
        Ok(res) => Ok(res),
        Err(_) => {
            let value = state.take_error_value();
            let reg = state.registry();
            let traceback = match state.get_field(reg, TRACEBACK_KEY) {
                Value::Str(s) => Some(s.to_str_lossy().into_owned()),
                _ => None,
            };
            state.set_field(reg, TRACEBACK_KEY, Value::Nil);
            Err(CallError { value, traceback })
        }
    }
}

/// The message handler of traced calls: keeps the traceback from the
/// function that raised the error (level 1) down, and returns the error
/// value unchanged.
fn message_handler(state: &mut State) -> Result<usize, Error> {
    let v = state.arg(1);
    let tb = state.traceback(None, 1);
    let tb = state.str_value(&tb);
    let reg = state.registry();
    state.set_field(reg, TRACEBACK_KEY, tb);
    state.push(v);
    Ok(1)
}

/// Runs `program` on `state` with `args` as its `...`, returning its
/// results.
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("add.lua", "local a, b = ... return a + b, 'done'").unwrap();
/// let res = raw::run(&mut state, &p, &[Value::Int(2), Value::Int(3)]).unwrap();
/// assert!(matches!(res[..], [Value::Int(5), Value::Str(_)]));
/// ```
pub fn run(state: &mut State, program: &Program, args: &[Value]) -> Result<Vec<Value>, RunError> {
    let f = load_program(state, program).map_err(|e| error_to_text(state, e))?;
    match call_traced(state, f, args) {
        Ok(res) => Ok(res),
        Err(e) => Err(error_to_text(state, e)),
    }
}

/// Converts a caught error to text, as lua.c's message handler does.
fn error_to_text(state: &mut State, e: CallError) -> RunError {
    if let Some(limit) = state.tripped_limit() {
        return RunError {
            message: limit.message(),
            traceback: state.limit_traceback().map(str::to_string),
        };
    }
    let (message, _) = describe_error(state, e.value);
    RunError {
        message: String::from_utf8_lossy(&message).into_owned(),
        traceback: e.traceback,
    }
}

/// The text the standalone interpreter's message handler makes of an
/// error value: a string or a number as it is; another value through its
/// `__tostring` metamethod when that gives a string; else "(error object
/// is a T value)". The flag says whether lua.c shows a traceback after it
/// (not after a `__tostring` text).
///
/// ```
/// use lunar::raw::{self, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("t.lua", "a = setmetatable({}, {__tostring = function() return 'custom' end}) b = {}").unwrap();
/// raw::run(&mut state, &p, &[]).unwrap();
/// let g = state.globals();
/// let (a, b) = (state.get_field(g, "a"), state.get_field(g, "b"));
/// assert_eq!(raw::describe_error(&mut state, a), (b"custom".to_vec(), false));
/// assert_eq!(raw::describe_error(&mut state, b), (b"(error object is a table value)".to_vec(), true));
/// assert_eq!(raw::describe_error(&mut state, Value::Int(3)), (b"3".to_vec(), true));
/// ```
pub fn describe_error(state: &mut State, v: Value) -> (Vec<u8>, bool) {
    if matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_))
        && let Some(s) = state.to_str(v)
    {
        return (s.as_bytes().to_vec(), true);
    }
    let h = state.metafield(v, "__tostring");
    if !h.is_nil() {
        match state.call1(h, &[v]) {
            Ok(Value::Str(s)) => return (s.as_bytes().to_vec(), false),
            Ok(_) => {}
            // An error in __tostring leaves the plain description.
            Err(_) => {
                state.take_error_value();
            }
        }
    }
    let text = format!("(error object is a {} value)", v.type_name());
    (text.into_bytes(), true)
}

/// Closes a state at the end of a run, as `lua_close` and C's `exit` do
/// for the standalone interpreter: the main thread's pending to-be-closed
/// variables are closed and every pending finalizer runs
/// ([`State::close`]); then the output buffered in the files the script
/// left open is written, and the state's stdout and stderr are flushed.
///
/// ```
/// # #[derive(Clone, Default)]
/// # struct Buf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
/// # impl std::io::Write for Buf {
/// #     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
/// #     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
/// # }
/// let out = Buf::default(); // a `Write` that keeps what it gets (hidden here)
/// let mut state = lunar::raw::new_state();
/// state.set_stdout(Box::new(out.clone()));
/// let p = lunar::Program::compile("t.lua", "keep = setmetatable({}, {__gc = function() io.write('bye') end})").unwrap();
/// lunar::raw::run(&mut state, &p, &[]).unwrap();
/// lunar::raw::close_state(state);
/// assert_eq!(*out.0.lock().unwrap(), b"bye");
/// ```
pub fn close_state(mut state: State) {
    state.close();
    flush_output(&mut state);
    drop(state);
}

/// Writes what the state's files, stdout and stderr hold in their buffers
/// (what C's `exit` does before a process ends).
///
/// ```
/// let path = std::env::temp_dir().join(format!("lunar-flush-output-{}.txt", std::process::id()));
/// let mut state = lunar::raw::new_state();
/// let src = format!("f = io.open({:?}, 'w') f:write('kept')", path.to_str().unwrap());
/// let p = lunar::Program::compile("t.lua", src).unwrap();
/// lunar::raw::run(&mut state, &p, &[]).unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b""); // still in the file's buffer
/// lunar::raw::flush_output(&mut state);
/// assert_eq!(std::fs::read(&path).unwrap(), b"kept");
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn flush_output(state: &mut State) {
    // Nothing sensible to do about a failed write at exit.
    let _ = lunar_stdlib::io::flush_files(state);
    let _ = state.stdout().flush();
    let _ = state.stderr().flush();
}

/// Running programs as methods of [`State`].
///
/// ```
/// use lunar::raw::{self, StateExt, Value};
/// let mut state = raw::new_state();
/// let p = lunar::Program::compile("t.lua", "return select('#', ...)").unwrap();
/// assert!(matches!(state.run(&p, &[Value::Nil, Value::Nil]).unwrap()[..], [Value::Int(2)]));
/// ```
pub trait StateExt {
    /// Runs `program` with `args` as its `...` and returns its results.
    ///
    /// ```
    /// use lunar::raw::StateExt;
    /// let mut state = lunar::raw::new_state();
    /// let p = lunar::Program::compile("t.lua", "error('stop')").unwrap();
    /// assert_eq!(state.run(&p, &[]).unwrap_err().message, "t.lua:1: stop");
    /// ```
    fn run(&mut self, program: &Program, args: &[Value]) -> Result<Vec<Value>, RunError>;
}

impl StateExt for State {
    fn run(&mut self, program: &Program, args: &[Value]) -> Result<Vec<Value>, RunError> {
        run(self, program, args)
    }
}
