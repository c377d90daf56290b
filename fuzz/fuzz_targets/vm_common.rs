//! The sandboxed state of the `vm` and `vm_chunk` targets (included with
//! `#[path]`, not a target of its own): the standard library minus what
//! touches the outside world (`io`, `package`/`require`, `debug`,
//! `dofile`, `loadfile`, and the `os` functions other than `clock`,
//! `date`, `difftime` and `time`), a silent `print`, a count hook that
//! stops a run after [`STEP_LIMIT`] instructions (it raises an error at
//! every instruction from then on, so that `pcall` cannot swallow it), and
//! caps on the functions that can allocate a lot in one native call
//! (`string.rep`, `string.pack`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use lunar::Program;
use lunar_vm::{Error, State, Value};

/// Instructions a run may execute.
const STEP_LIMIT: u64 = 300_000;
/// Instructions between two count events.
const HOOK_EVERY: i64 = 1000;

static STEPS: AtomicU64 = AtomicU64::new(0);

fn count_hook(state: &mut State) -> Result<usize, Error> {
    let n = STEPS.fetch_add(HOOK_EVERY as u64, Ordering::Relaxed);
    if n >= STEP_LIMIT {
        // From now on, fail at every instruction: with events every
        // HOOK_EVERY instructions, a loop around a pcall of an endless
        // loop would see every event land inside the pcall.
        state.set_hook(Value::LightFn(count_hook), b"", 1);
        return Err(state.error_str("fuzz: instruction limit"));
    }
    Ok(0)
}

fn nothing(_: &mut State) -> Result<usize, Error> {
    Ok(0)
}

/// Run before the input on every state: removes the dangerous functions
/// and caps the big allocators.
const PRELUDE: &str = r#"
local rep, pack, packsize, error, pcall = string.rep, string.pack, string.packsize, error, pcall
local clock, date, difftime, time = os.clock, os.date, os.difftime, os.time
os = {clock = clock, date = date, difftime = difftime, time = time}
dofile, loadfile = nil, nil
string.rep = function(s, n, sep)
  if type(n) == "number" and n > 0 and (#tostring(s) + #tostring(sep or "")) * n > 1000000 then
    error("fuzz: string.rep too large")
  end
  return rep(s, n, sep)
end
string.pack = function(fmt, ...)
  local ok, size = pcall(packsize, fmt)
  if ok and size > 1000000 then error("fuzz: string.pack too large") end
  return pack(fmt, ...)
end
"#;

fn prelude() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| Program::compile("=prelude", PRELUDE.as_bytes()).expect("prelude compiles"))
}

/// Runs `program` on a fresh sandboxed state, within the step limit. Lua
/// errors are expected and ignored.
pub fn run_sandboxed(program: &Program) {
    let mut state = State::new();
    lunar_stdlib::open_base(&mut state);
    lunar_stdlib::open_coroutine(&mut state);
    lunar_stdlib::table::open_table(&mut state);
    lunar_stdlib::string::open_string(&mut state);
    lunar_stdlib::math::open_math(&mut state);
    lunar_stdlib::utf8::open_utf8(&mut state);
    lunar_stdlib::os::open_os(&mut state);
    state.set_global("print", Value::LightFn(nothing));
    if let Err(e) = lunar::raw::run(&mut state, prelude(), &[]) {
        panic!("prelude fails: {e}");
    }
    STEPS.store(0, Ordering::Relaxed);
    state.set_hook(Value::LightFn(count_hook), b"", HOOK_EVERY);
    let _ = lunar::raw::run(&mut state, program, &[]);
}
