//! Tests of the execution core: calls, errors, metamethods, coroutines,
//! continuations, limits and sharing prototypes between states.

use crate::{CoStatus, Error, State, Value};
use std::sync::{Arc, Mutex};

/// Collects `out(...)` calls of a script as lines.
fn out(st: &mut State) -> Result<usize, Error> {
    let mut line = Vec::new();
    for i in 1..=st.top() {
        if i > 1 {
            line.push(b'\t');
        }
        let v = st.arg(i);
        let s = st.to_display(v)?;
        line.extend_from_slice(s.as_bytes());
    }
    line.push(b'\n');
    st.stdout().write_all(&line).unwrap();
    Ok(0)
}

fn pcall_k(st: &mut State) -> Result<usize, Error> {
    fn k(st: &mut State, ok: bool, _: isize) -> Result<usize, Error> {
        st.insert_arg(1, Value::Bool(ok));
        Ok(st.top())
    }
    st.pcall_k(1, -1, None, 0, k)
}

fn yield_(st: &mut State) -> Result<usize, Error> {
    Err(st.yield_values())
}

fn error(st: &mut State) -> Result<usize, Error> {
    let v = st.arg(1);
    if let Value::Str(s) = v {
        return Err(st.error_bytes(s.as_bytes()));
    }
    Err(st.raise(v))
}

fn setmetatable(st: &mut State) -> Result<usize, Error> {
    let t = st.check_table(1)?;
    let mt = match st.arg(2) {
        Value::Table(m) => Some(m),
        _ => None,
    };
    t.set_metatable(mt);
    st.set_top(1);
    Ok(1)
}

use std::io::Write;

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);
impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn new_state() -> (State, Sink) {
    let mut st = State::new();
    let sink = Sink::default();
    st.set_stdout(Box::new(sink.clone()));
    st.set_global("out", Value::LightFn(out));
    st.set_global("pcall", Value::LightFn(pcall_k));
    st.set_global("yield", Value::LightFn(yield_));
    st.set_global("error", Value::LightFn(error));
    st.set_global("setmetatable", Value::LightFn(setmetatable));
    (st, sink)
}

/// Runs `src`; returns the printed text, or the error message.
fn run(src: &str) -> String {
    let (mut st, sink) = new_state();
    let f = match st.load(src.as_bytes(), b"=input", "t", None) {
        Ok(f) => f,
        Err(_) => return format!("syntax: {:?}", st.take_error_value()),
    };
    if st.pcall(f, &[], None).is_err() {
        let v = st.take_error_value();
        let s = st.to_display(v).unwrap();
        return format!("error: {}", s.to_str_lossy());
    }
    String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
}

#[test]
fn fib() {
    let got = run(
        "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end out(fib(20))",
    );
    assert_eq!(got, "6765\n");
}

#[test]
fn arithmetic_and_strings() {
    assert_eq!(
        run("out(7 // 2, 7 % -3, 2^10, 1/2, '10' + 1, 3 .. 'x', -(-3))"),
        "3\t-2\t1024.0\t0.5\t11\t3x\t3\n"
    );
    assert_eq!(
        run("out(1 // 0)"),
        "error: input:1: attempt to divide by zero"
    );
}

#[test]
fn error_messages_name_variables() {
    assert_eq!(
        run("local t = nil; out(t.x)"),
        "error: input:1: attempt to index a nil value (local 't')"
    );
    assert_eq!(
        run("out(cfg.x)"),
        "error: input:1: attempt to index a nil value (global 'cfg')"
    );
    assert_eq!(
        run("local t = {} t.m()"),
        "error: input:1: attempt to call a nil value (field 'm')"
    );
    assert_eq!(
        run("local t = {} t:m()"),
        "error: input:1: attempt to call a nil value (method 'm')"
    );
    assert_eq!(
        run("return 1 < {}"),
        "error: input:1: attempt to compare number with table"
    );
}

#[test]
fn deep_recursion_is_a_lua_error() {
    let got =
        run("local function r(n) return 1 + r(n + 1) end local ok, e = pcall(r, 1) out(ok, e)");
    assert_eq!(got, "false\tinput:1: stack overflow\n");
}

#[test]
fn metamethods_run_as_frames() {
    let src = "local t = setmetatable({}, {__index = function(t, k) return k .. '!' end, \
               __add = function(a, b) return 42 end, __lt = function() return true end, \
               __concat = function(a, b) return 'cat' end}) \
               out(t.foo, t + 1, t < t, 'x' .. t .. 'y')";
    assert_eq!(run(src), "foo!\t42\ttrue\txcat\n");
}

#[test]
fn pcall_with_continuation_catches() {
    assert_eq!(run("out(pcall(error, 'boom'))"), "false\tboom\n");
    assert_eq!(
        run("out(pcall(function() error('x') end))"),
        "false\tinput:1: x\n"
    );
    assert_eq!(
        run("out(pcall(function(a, b) return a + b end, 1, 2))"),
        "true\t3\n"
    );
    assert_eq!(run("out(pcall(pcall, error, 'e'))"), "true\tfalse\te\n");
}

#[test]
fn coroutines_yield_across_pcall_and_metamethods() {
    let (mut st, _sink) = new_state();
    let f = st
        .load(
            b"local t = setmetatable({}, {__index = function(t, k) return yield(k) end}) \
              local ok, v = pcall(function() return t.key end) return ok, v",
            b"=input",
            "t",
            None,
        )
        .unwrap();
    let co = st.new_thread(f);
    let r = st.resume(co, &[]).unwrap();
    assert_eq!(r.len(), 1);
    assert!(matches!(r[0], Value::Str(s) if s.as_bytes() == b"key"));
    let v = st.str_value(b"val");
    let r = st.resume(co, &[v]).unwrap();
    assert!(matches!(r[0], Value::Bool(true)));
    assert!(matches!(r[1], Value::Str(s) if s.as_bytes() == b"val"));
    assert_eq!(st.thread_status(co), "dead");
}

#[test]
fn yield_outside_coroutine_fails() {
    assert_eq!(
        run("yield(1)"),
        "error: attempt to yield from outside a coroutine"
    );
}

#[test]
fn tracebacks() {
    let (mut st, _) = new_state();
    fn tb(st: &mut State) -> Result<usize, Error> {
        let t = st.traceback(None, 1);
        let v = st.str_value(&t);
        st.push(v);
        Ok(1)
    }
    st.set_global("tb", Value::LightFn(tb));
    let f = st
        .load(
            b"local function g() return tb() end\nlocal s = g() return s",
            b"=input",
            "t",
            None,
        )
        .unwrap();
    let r = st.pcall(f, &[], None).unwrap();
    let Value::Str(s) = r[0] else { panic!() };
    assert_eq!(
        s.to_str_lossy(),
        "stack traceback:\n\tinput:1: in local 'g'\n\tinput:2: in main chunk\n\t[C]: in ?"
    );
}

/// The host's base frame ends a traceback as "[C]: in ?" even when a
/// loaded module holds a function equal to its stub (the stub used to be
/// looked up by value and named after it, e.g. "function 'debug.debug'").
#[test]
fn traceback_host_frame_is_never_named() {
    let (mut st, _) = new_state();
    fn tb(st: &mut State) -> Result<usize, Error> {
        // The host's stub, as a field of a loaded module "m".
        let host = st.th.stack[0];
        let m = st.new_table(0, 1);
        st.set_field(m, "alias", host);
        let loaded = st.new_table(0, 1);
        st.set_field(loaded, "m", Value::Table(m));
        let reg = st.registry;
        st.set_field(reg, "_LOADED", Value::Table(loaded));
        let t = st.traceback(None, 1);
        let v = st.str_value(&t);
        st.push(v);
        Ok(1)
    }
    st.set_global("tb", Value::LightFn(tb));
    let f = st
        .load(b"local s = tb() return s", b"=input", "t", None)
        .unwrap();
    let r = st.pcall(f, &[], None).unwrap();
    let Value::Str(s) = r[0] else { panic!() };
    assert_eq!(
        s.to_str_lossy(),
        "stack traceback:\n\tinput:1: in main chunk\n\t[C]: in ?"
    );
}

#[test]
fn state_is_send_and_protos_are_shared() {
    fn assert_send<T: Send>() {}
    assert_send::<State>();
    let proto = lunar_compile::compile_source(
        "=shared",
        b"local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end return fib(22)",
    )
    .unwrap();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let p = proto.clone();
            std::thread::spawn(move || {
                let mut st = State::new();
                let g = Value::Table(st.globals());
                let f = st.load_proto(&p, g).unwrap();
                let r = st.pcall(f, &[], None).unwrap();
                match r[0] {
                    Value::Int(i) => i,
                    _ => -1,
                }
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 17711);
    }
}

#[test]
fn close_variables_run_on_exit_and_error() {
    let src = "local mt = {__close = function(o, e) out('close', o.n, e) end} \
               do local a <close> = setmetatable({n = 1}, mt) end \
               out(pcall(function() local b <close> = setmetatable({n = 2}, mt) error('E') end))";
    assert_eq!(
        run(src),
        "close\t1\tnil\nclose\t2\tinput:1: E\nfalse\tinput:1: E\n"
    );
}

/// Development aid: `LUNAR_BENCH=file.lua` runs that script and prints its
/// time (release builds: `cargo test --release bench_from_env -- --ignored`).
#[test]
#[ignore = "a benchmark runner, not a test: needs LUNAR_BENCH=file.lua"]
fn bench_from_env() {
    let path = std::env::var("LUNAR_BENCH").expect("LUNAR_BENCH names a script");
    let src = std::fs::read(&path).unwrap();
    let (mut st, sink) = new_state();
    st.set_global("print", Value::LightFn(out));
    let f = st.load(&src, b"=bench", "t", None).unwrap();
    let t0 = std::time::Instant::now();
    let r = st.pcall(f, &[], None);
    let dt = t0.elapsed();
    if r.is_err() {
        let v = st.take_error_value();
        panic!("{v:?}");
    }
    eprintln!(
        "{path}: {:.3}s\n{}",
        dt.as_secs_f64(),
        String::from_utf8_lossy(&sink.0.lock().unwrap())
    );
}

#[test]
fn do_string_reports_message_and_traceback() {
    let (mut st, _) = new_state();
    let e = st
        .do_string(
            b"=input",
            b"local function f() local x = nil; return x.y end\nf()",
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        "input:1: attempt to index a nil value (local 'x')"
    );
    assert_eq!(
        e.traceback.as_deref(),
        Some("stack traceback:\n\tinput:1: in local 'f'\n\tinput:2: in main chunk\n\t[C]: in ?")
    );
    let r = st.do_string(b"=input", b"return 1 + 1").unwrap();
    assert!(matches!(r[..], [Value::Int(2)]));
}

#[test]
fn a_panicking_native_breaks_the_state_not_the_host() {
    fn boom(_: &mut State) -> Result<usize, Error> {
        panic!("boom")
    }
    let (mut st, _) = new_state();
    st.set_global("boom", Value::LightFn(boom));
    let e = st.do_string(b"=input", b"boom()").unwrap_err();
    assert_eq!(e.message, "internal error: boom");
    let e = st.do_string(b"=input", b"return 1").unwrap_err();
    assert_eq!(e.message, "state unusable after an internal error");
}

#[test]
fn close_runs_pending_finalizers() {
    let (mut st, sink) = new_state();
    fn setgc(st: &mut State) -> Result<usize, Error> {
        let t = st.check_table(1)?;
        let mt = st.check_table(2)?;
        t.set_metatable(Some(mt));
        st.heap().register_finalizer(Value::Table(t));
        st.set_top(1);
        Ok(1)
    }
    st.set_global("setgc", Value::LightFn(setgc));
    st.do_string(
        b"=input",
        b"keep = setgc({}, {__gc = function() out('bye') end})",
    )
    .unwrap();
    assert!(sink.0.lock().unwrap().is_empty());
    st.close();
    assert_eq!(
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap(),
        "bye\n"
    );
}

/// A hand-built prototype that the verifier rejects (a register past the
/// frame) is refused with an error, never run without bounds checks.
#[test]
fn unverified_prototype_is_refused() {
    use lunar_compile::{Instruction, OpCode, Proto};
    let bad = Proto {
        max_stack_size: 2,
        is_vararg: true,
        code: vec![
            Instruction::abc(OpCode::VarargPrep, 0, 0, 0, false),
            Instruction::abc(OpCode::Move, 200, 0, 0, false),
            Instruction::abc(OpCode::Return, 0, 1, 1, false),
        ],
        line_info: vec![1, 1, 1],
        ..Proto::default()
    };
    let mut st = State::new();
    let g = Value::Table(st.globals());
    assert!(st.load_proto(&std::sync::Arc::new(bad), g).is_err());
    let msg = st.take_error_value();
    assert!(matches!(msg, Value::Str(s) if s.as_bytes().starts_with(b"invalid prototype")));
}

#[test]
fn a_finished_coroutine_is_reused_for_a_new_body() {
    let (mut st, _) = new_state();
    let load = |st: &mut State, src: &str| st.load(src.as_bytes(), b"=input", "t", None).unwrap();
    let f = load(&mut st, "local a, b = ... return a + b");
    let co = st.new_thread(f);
    // Not reusable before it has finished.
    let g = load(&mut st, "return 'g'");
    assert!(!st.reuse_thread(co, g));
    let r = st.resume(co, &[Value::Int(1), Value::Int(2)]).unwrap();
    assert!(matches!(r[..], [Value::Int(3)]));
    assert_eq!(co.status(), CoStatus::Dead);
    let h = load(&mut st, "local x = ... yield(x) return x * 10");
    assert!(st.reuse_thread(co, h));
    assert_eq!(co.status(), CoStatus::Suspended);
    let r = st.resume(co, &[Value::Int(4)]).unwrap();
    assert!(matches!(r[..], [Value::Int(4)]));
    let r = st.resume(co, &[]).unwrap();
    assert!(matches!(r[..], [Value::Int(40)]));
    // One that died in error is not reused.
    let bad = load(&mut st, "error('no')");
    assert!(st.reuse_thread(co, bad));
    assert!(st.resume(co, &[]).is_err());
    assert!(!st.reuse_thread(co, f));
    assert_eq!(co.status(), CoStatus::Dead);
}

/// Compiles `src` and replaces the code of the main function's first
/// nested function (`depth` 1), or that one's first nested function
/// (`depth` 2), with `code` (a function the verifier must reject).
fn with_damaged_child(
    src: &str,
    depth: usize,
    code: Vec<lunar_compile::Instruction>,
) -> std::sync::Arc<lunar_compile::Proto> {
    let mut p = lunar_compile::compile_source("=lazy", src.as_bytes()).unwrap();
    let mut f = std::sync::Arc::make_mut(&mut p);
    for _ in 0..depth {
        f = std::sync::Arc::make_mut(&mut f.protos[0]);
    }
    f.line_info = vec![1; code.len()];
    f.code = code;
    p
}

/// Runs a main function under `pcall`; the printed text, then the error
/// message or "ok".
fn run_proto(p: &std::sync::Arc<lunar_compile::Proto>) -> String {
    let (mut st, sink) = new_state();
    let g = Value::Table(st.globals());
    let f = st.load_proto(p, g).expect("the main function is sound");
    let end = match st.pcall(f, &[], None) {
        Ok(_) => "ok".to_string(),
        Err(_) => {
            let v = st.take_error_value();
            st.to_display(v).unwrap().to_str_lossy().into_owned()
        }
    };
    String::from_utf8(sink.0.lock().unwrap().clone()).unwrap() + &end
}

/// Nested functions are verified when their first closure is made: a bad
/// one loads, the code before its CLOSURE runs, and the CLOSURE raises a
/// Lua error naming the problem (which `pcall` catches, each time: the
/// prototype stays unverified) instead of running unchecked code.
#[test]
fn nested_prototype_is_verified_at_its_first_closure() {
    use lunar_compile::{Instruction, OpCode};
    let bad = vec![
        Instruction::abc(OpCode::Move, 200, 0, 0, false),
        Instruction::abc(OpCode::Return0, 0, 0, 0, false),
    ];
    let p = with_damaged_child(
        "out('before') local f = function() return 1 end out('after')",
        1,
        bad.clone(),
    );
    let got = run_proto(&p);
    assert!(got.starts_with("before\n"), "{got}");
    assert!(!got.contains("after"), "{got}");
    assert!(
        got.contains("invalid prototype: function at line 1: pc 1 (MOVE): register 200 out of"),
        "{got}"
    );

    let p = with_damaged_child(
        "local function mk() return function() return 1 end end
         for i = 1, 3 do out(pcall(mk)) end",
        2,
        bad,
    );
    // The function `mk` returns is the bad one.
    let got = run_proto(&p);
    assert_eq!(
        got.matches("false\tlazy:1: invalid prototype").count(),
        3,
        "{got}"
    );
    assert!(got.ends_with("ok"), "{got}");
}

/// A bad nested function that no code makes a closure of never stops the
/// chunk: only what runs is verified.
#[test]
fn unused_bad_prototype_does_not_stop_the_chunk() {
    use lunar_compile::{Instruction, OpCode};
    let p = with_damaged_child(
        "if false then local f = function() end end out('ran')",
        1,
        vec![Instruction::abc(OpCode::Jmp, 0, 0, 0, false)],
    );
    assert_eq!(run_proto(&p), "ran\nok");
}

/// Functions converted at different times still share one string object
/// for an equal long string constant of their chunk, as the reference's
/// compiler anchors each string of a chunk once.
#[test]
fn long_constants_are_shared_across_lazily_loaded_functions() {
    let long = "x".repeat(60);
    let src = format!(
        "local function f() return '{long}' end
         local a = f()
         local function g() return '{long}' end
         return a, g(), '{long}'"
    );
    let p = lunar_compile::compile_source("=long", src.as_bytes()).unwrap();
    let mut st = State::new();
    let g = Value::Table(st.globals());
    let f = st.load_proto(&p, g).unwrap();
    let r = st.pcall(f, &[], None).unwrap();
    let addrs: Vec<usize> = r.iter().map(|v| crate::api::value_addr(*v)).collect();
    assert_eq!(addrs.len(), 3);
    assert!(
        addrs[0] != 0 && addrs[0] == addrs[1] && addrs[1] == addrs[2],
        "{addrs:?}"
    );
}
