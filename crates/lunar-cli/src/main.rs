//! The `lunar` command: runs Lua 5.4 programs and behaves like the
//! standard `lua` command (§7 of the reference manual):
//!
//! ```text
//! lunar [options] [script [args]]
//! ```
//!
//! with the options `-e`, `-i`, `-l`, `-v`, `-E`, `-W`, `--` and `-`, the
//! global `arg`, `LUA_INIT_5_4` and `LUA_INIT`, errors with tracebacks on
//! stderr and the same exit statuses, Ctrl-C stopping the running chunk.
//! Without a script it runs the interactive loop when stdin is a terminal
//! (line editing, history, completion), and the program on stdin
//! otherwise.
//!
//! Lunar's own tools are subcommands: `lunar compile`, `lunar disasm`,
//! `lunar version` and `lunar help` (`tools.rs`). A script named like one
//! of them runs as `lunar ./name` or `lunar -- name`.

#![forbid(unsafe_code)]

/// The allocator of the `lunar` process (see Cargo.toml for why).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod complete;
mod interrupt;
mod lineinput;
mod load;
mod options;
mod output;
mod repl;
mod report;
mod serve;
mod stress;
mod tools;

use interrupt::Interrupts;
use lunar::raw::{State, Value};
use options::{Options, RunOption, collect_args, option_args, print_usage};
use report::Failure;
use std::io::{IsTerminal, Write};
use tools::VERSION_TEXT;

fn main() {
    let args = command_line();
    let status = run(args);
    std::process::exit(status);
}

/// The command line as byte strings (Lua strings are bytes; a file name
/// need not be UTF-8).
fn command_line() -> Vec<Vec<u8>> {
    std::env::args_os().map(os_bytes).collect()
}

/// An OS string as bytes.
#[cfg(unix)]
pub fn os_bytes(s: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    s.into_vec()
}

/// An OS string as bytes.
#[cfg(not(unix))]
pub fn os_bytes(s: std::ffi::OsString) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

/// One run of the standalone interpreter: its state and how far it got.
pub struct Interp {
    /// Prefixes error messages: the command's name as invoked (`argv[0]`,
    /// as lua does); empty in the interactive loop, whose messages have no
    /// prefix.
    progname: Vec<u8>,
    state: State,
    /// Makes Ctrl-C stop the running chunk.
    interrupts: Interrupts,
    /// The exit status so far: 0, or 1 after an error. (`os.exit` ends the
    /// process itself, after flushing the output.)
    status: i32,
}

/// The command: `args` as the process got them. Returns the exit status.
fn run(args: Vec<Vec<u8>>) -> i32 {
    if let Some(tool) = args.get(1).and_then(|a| tools::find(a)) {
        return tool(&args[2..]);
    }
    let progname = match args.first() {
        Some(a) if !a.is_empty() => a.clone(),
        _ => b"lunar".to_vec(),
    };
    let opts = collect_args(&args);
    if opts.bad > 0 {
        print_usage(&mut std::io::stderr().lock(), &progname, &args[opts.bad]);
        return 1;
    }
    if opts.version {
        print_version();
    }
    let mut state = State::new();
    let interrupts = Interrupts::install(state.interrupt_handle());
    let terminal = std::io::stdout().is_terminal();
    state.set_stdout(Box::new(output::Stdout::new(terminal)));
    if opts.no_env {
        // Tells the package library to ignore LUA_PATH_5_4 and LUA_PATH,
        // as lua.c does for -E (before the libraries open).
        let reg = state.registry();
        state.set_field(reg, "LUA_NOENV", Value::Bool(true));
    }
    lunar::raw::open_libs(&mut state);
    lunar::stdlib::os::set_exit_hook(&mut state, exit_hook);
    // lua.c runs scripts with the generational collector (what
    // collectgarbage reports as the previous mode).
    state.heap().set_generational(0, 0);
    let mut it = Interp {
        progname,
        state,
        interrupts,
        status: 0,
    };
    // Any failure has been reported (and has set the status) by then.
    let _ = it.main(&args, &opts);
    let status = it.finish();
    // The process ends here, without dropping the state: once `finish`
    // has closed it (finalizers run, files flushed and closed), freeing
    // its objects one by one would only delay the exit, by about 15 ms
    // for a script that leaves a million tables behind.
    std::process::exit(status)
}

/// Registry key set while the state closes at the end of the run.
const CLOSING_KEY: &str = "lunar.cli.closing";

/// Registry key of the exit status that `os.exit` asked for while the
/// state was closing.
const EXIT_STATUS_KEY: &str = "lunar.cli.exit_status";

/// What `os.exit(code, close)` does in the command: as C's `exit`, write
/// the buffered output and end the process with `code`, after closing the
/// state when `close` is true. Called by a finalizer while the state
/// closes at the end of the run, it only sets the exit status: lua.c then
/// exits with that status once the other finalizers ran (its nested
/// `lua_close` runs them).
fn exit_hook(state: &mut State) -> Result<usize, lunar::raw::Error> {
    let code = match state.arg(1) {
        Value::Int(i) => i as i32,
        _ => 0,
    };
    let reg = state.registry();
    if state.get_field(reg, CLOSING_KEY).truthy() {
        state.set_field(reg, EXIT_STATUS_KEY, Value::Int(code as i64));
        return Ok(0);
    }
    if state.arg(2).truthy() {
        // As lua_close from inside os.exit: the pending to-be-closed
        // variables of the running code close, the finalizers run.
        state.close();
    }
    lunar::raw::flush_output(state);
    std::process::exit(code)
}

/// Prints the version line on stdout.
fn print_version() {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{VERSION_TEXT}");
    let _ = out.flush();
}

impl Interp {
    /// Does what lua.c's `pmain` does once the options are known; it stops
    /// at the first error (already reported).
    fn main(&mut self, args: &[Vec<u8>], opts: &Options) -> Result<(), ()> {
        self.create_arg_table(args, opts.script);
        if !opts.no_env {
            self.run_init()?;
        }
        for o in option_args(args, opts.script) {
            match o {
                RunOption::Exec(code) => self.do_string(&code, b"=(command line)")?,
                RunOption::Library(spec) => self.do_library(&spec)?,
                RunOption::Warnings => self.warnings_on(),
            }
        }
        if opts.script < args.len() {
            self.handle_script(args, opts.script)?;
        }
        if opts.interactive {
            self.repl()?;
        } else if opts.script == args.len() && !opts.exec && !opts.version {
            if std::io::stdin().is_terminal() {
                print_version();
                self.repl()?;
            } else {
                // The program on stdin. As lua.c does, an error there is
                // reported but leaves the exit status alone.
                if self.do_file(None).is_err() {
                    self.status = 0;
                }
            }
        }
        Ok(())
    }

    /// Closes the state as `lua_close` does (pending to-be-closed
    /// variables close, pending finalizers run), writes the output buffered
    /// in the files the script left open and returns the exit status. The
    /// state's memory is left to the process's exit.
    fn finish(&mut self) -> i32 {
        self.flush();
        let reg = self.state.registry();
        self.state.set_field(reg, CLOSING_KEY, Value::Bool(true));
        self.state.close();
        if let Value::Int(code) = self.state.get_field(reg, EXIT_STATUS_KEY) {
            self.status = code as i32;
        }
        lunar::raw::flush_output(&mut self.state);
        let _ = std::io::stdout().flush();
        self.status
    }

    /// Writes what the state buffered for stdout.
    pub fn flush(&mut self) {
        let _ = self.state.stdout().flush();
    }

    /// Makes the global `arg`: the script name at index 0, its arguments
    /// at 1, 2, ..., and the interpreter and its options at negative
    /// indices. Without a script, the interpreter's name is at 0.
    fn create_arg_table(&mut self, args: &[Vec<u8>], script: usize) {
        let script = if script == args.len() { 0 } else { script };
        let t = self
            .state
            .new_table(args.len().saturating_sub(script + 1), script + 1);
        for (i, a) in args.iter().enumerate() {
            let v = self.state.str_value(a);
            // An integer key is never nil or NaN.
            let _ = self
                .state
                .raw_set(t, Value::Int(i as i64 - script as i64), v);
        }
        self.state.set_global("arg", Value::Table(t));
    }

    /// Runs `LUA_INIT_5_4`, or `LUA_INIT` when that is not set: Lua code,
    /// or "@file" for a file to run.
    fn run_init(&mut self) -> Result<(), ()> {
        let (name, code) = match std::env::var_os("LUA_INIT_5_4") {
            Some(code) => ("LUA_INIT_5_4", code),
            None => match std::env::var_os("LUA_INIT") {
                Some(code) => ("LUA_INIT", code),
                None => return Ok(()),
            },
        };
        let code = os_bytes(code);
        match code.strip_prefix(b"@") {
            Some(file) => self.do_file(Some(file)),
            None => self.do_string(&code, format!("={name}").as_bytes()),
        }
    }

    /// Runs a chunk of source text.
    fn do_string(&mut self, src: &[u8], chunk_name: &[u8]) -> Result<(), ()> {
        let f = match load::load_chunk(&mut self.state, src, chunk_name) {
            Ok(f) => f,
            Err(e) => return self.fail(e.into()),
        };
        self.docall(f, &[]).map(drop)
    }

    /// Runs a file; `None` is stdin.
    fn do_file(&mut self, name: Option<&[u8]>) -> Result<(), ()> {
        let f = match self.load_file(name) {
            Ok(f) => f,
            Err(e) => return self.fail(e.into()),
        };
        self.docall(f, &[]).map(drop)
    }

    /// Runs `g = require(mod)` for `-l g=mod`, or `mod = require(mod)` for
    /// `-l mod`.
    fn do_library(&mut self, spec: &[u8]) -> Result<(), ()> {
        let (global, module) = match spec.iter().position(|&b| b == b'=') {
            Some(i) => (&spec[..i], &spec[i + 1..]),
            None => (spec, spec),
        };
        let require = self.state.get_global("require");
        let name = self.state.str_value(module);
        let res = self.docall(require, &[name])?;
        let v = res.first().copied().unwrap_or(Value::Nil);
        let key = self.state.str_value(global);
        let globals = self.state.globals();
        // A string key is never nil or NaN.
        let _ = self.state.raw_set(globals, key, v);
        Ok(())
    }

    /// Turns warnings on for `-W`, as `lua_warning(L, "@on", 0)`.
    fn warnings_on(&mut self) {
        self.state.set_warnings(true);
    }

    /// Runs the script at `args[script]` with the positive entries of the
    /// global `arg` as its arguments (`...`).
    fn handle_script(&mut self, args: &[Vec<u8>], script: usize) -> Result<(), ()> {
        let name = &args[script];
        let name = if name == b"-" && args[script - 1] != b"--" {
            None // stdin
        } else {
            Some(&name[..])
        };
        let f = match self.load_file(name) {
            Ok(f) => f,
            Err(e) => return self.fail(e.into()),
        };
        let Value::Table(argt) = self.state.get_global("arg") else {
            return self.fail(load::LoadError(b"'arg' is not a table".to_vec()).into());
        };
        // As lua.c: the length with __len, the items raw.
        let n = match self.state.length_int(Value::Table(argt)) {
            Ok(n) => n,
            Err(_) => {
                let value = self.state.take_error_value();
                let err = lunar::raw::CallError::new(value, None);
                return self.fail(Failure::Call(err));
            }
        };
        let sargs: Vec<Value> = (1..=n).map(|i| argt.get_int(i)).collect();
        self.docall(f, &sargs).map(drop)
    }

    /// Calls `f` as lua.c's `docall` does: protected, with a traceback and
    /// Ctrl-C stopping it; an error is reported.
    fn docall(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, ()> {
        let r = self
            .interrupts
            .run(|| lunar::raw::call_traced(&mut self.state, f, args));
        match r {
            Ok(res) => Ok(res),
            Err(e) => self.fail(Failure::Call(e)),
        }
    }

    /// Reports a failure and stops the run.
    fn fail<T>(&mut self, failure: Failure) -> Result<T, ()> {
        self.report(failure);
        Err(())
    }
}
