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

/// A new state with the whole standard library open.
pub fn new_state() -> State {
    let mut state = State::new();
    open_libs(&mut state);
    state
}

/// Opens the whole standard library in `state` (for a state made with
/// `State::new`, once its registry holds what the libraries read when they
/// open, such as `LUA_NOENV`).
pub fn open_libs(state: &mut State) {
    lunar_stdlib::open_all(state);
}

/// A Lua error caught at the host boundary: the error value, as raised,
/// and the traceback taken where it was raised (when the VM gave one).
///
/// The value lives in the state's heap: use it (convert it, call its
/// `__tostring`) before running more code on the state.
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
    pub fn new(value: Value, traceback: Option<String>) -> CallError {
        CallError { value, traceback }
    }
}

/// An error from [`run`] or [`StateExt::run`], as text: the error value
/// converted as the standalone interpreter shows it, and the traceback.
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
pub fn close_state(mut state: State) {
    state.close();
    flush_output(&mut state);
    drop(state);
}

/// Writes what the state's files, stdout and stderr hold in their buffers
/// (what C's `exit` does before a process ends).
pub fn flush_output(state: &mut State) {
    // Nothing sensible to do about a failed write at exit.
    let _ = lunar_stdlib::io::flush_files(state);
    let _ = state.stdout().flush();
    let _ = state.stderr().flush();
}

/// Running programs as methods of [`State`].
pub trait StateExt {
    /// Runs `program` with `args` as its `...` and returns its results.
    fn run(&mut self, program: &Program, args: &[Value]) -> Result<Vec<Value>, RunError>;
}

impl StateExt for State {
    fn run(&mut self, program: &Program, args: &[Value]) -> Result<Vec<Value>, RunError> {
        run(self, program, args)
    }
}
