//! The embedding API from a host's side: running programs with typed
//! arguments and results, Rust functions called from Lua, errors (value,
//! traceback, cause), limits and interruption, library sets, handles.

use lunar::{Error, ErrorKind, Function, Limit, Limits, Program, State, StdLib, Table, Value};
use std::time::{Duration, Instant};

fn compile(src: &str) -> Program {
    Program::compile("t.lua", src).unwrap()
}

#[test]
fn run_converts_arguments_and_results() {
    let mut st = State::new();
    let p = compile("local a, b, s = ... return a + b, s:upper(), {a, b}, nil");
    let (sum, s, list, none): (i64, String, Vec<i64>, Option<i64>) =
        st.run_with(&p, (2, 40, "hi")).unwrap();
    assert_eq!((sum, s.as_str(), list, none), (42, "HI", vec![2, 40], None));
    // Missing results are nil; extra ones are dropped.
    let (x, y): (Option<i64>, Option<String>) = st.exec("t.lua", "return 1").unwrap();
    assert_eq!((x, y), (Some(1), None));
}

#[test]
fn integer_and_float_conversions_follow_the_c_api() {
    let mut st = State::new();
    let n: i64 = st.exec("t.lua", "return 3.0").unwrap();
    assert_eq!(n, 3);
    let n: i64 = st.exec("t.lua", "return '10'").unwrap();
    assert_eq!(n, 10);
    let e = st.exec::<i64>("t.lua", "return 3.5").unwrap_err();
    assert_eq!(e.message(), "number has no integer representation");
    let e = st.exec::<u8>("t.lua", "return 300").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Conversion);
    let f: f64 = st.exec("t.lua", "return 7").unwrap();
    assert_eq!(f, 7.0);
    let v: Value = st.exec("t.lua", "return 2^53").unwrap();
    assert!(matches!(v, Value::Number(_)));
    let e = st.exec::<String>("t.lua", "return {}").unwrap_err();
    assert_eq!(e.message(), "string expected, got table");
}

#[test]
fn rust_functions_check_their_arguments_as_the_c_api_does() {
    let mut st = State::new();
    st.register("add", |_, (a, b): (i64, i64)| Ok(a + b))
        .unwrap();
    st.register("greet", |_, name: Option<String>| {
        Ok(format!("hello {}", name.unwrap_or_else(|| "you".into())))
    })
    .unwrap();
    let r: (i64, String, String) = st
        .exec("t.lua", "return add(1, 2), greet('bob'), greet()")
        .unwrap();
    assert_eq!(r, (3, "hello bob".into(), "hello you".into()));
    let cases = [
        (
            "add(1)",
            "t.lua:1: bad argument #2 to 'add' (number expected, got no value)",
        ),
        (
            "add(1, {})",
            "t.lua:1: bad argument #2 to 'add' (number expected, got table)",
        ),
        (
            "add(1.5, 1)",
            "t.lua:1: bad argument #1 to 'add' (number has no integer representation)",
        ),
        (
            "local t = {f = add} t.f('x', 1)",
            "t.lua:1: bad argument #1 to 'f' (number expected, got string)",
        ),
    ];
    for (src, want) in cases {
        let e = st.exec::<()>("t.lua", src).unwrap_err();
        assert_eq!(e.message(), want, "{src}");
        assert_eq!(e.kind(), &ErrorKind::Runtime);
    }
}

#[derive(Debug)]
struct Denied(&'static str);
impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "denied: {}", self.0)
    }
}
impl std::error::Error for Denied {}

#[test]
fn a_rust_error_crosses_lua_and_comes_back_with_its_cause() {
    let mut st = State::new();
    st.register("check", |_, path: String| -> lunar::Result<bool> {
        if path.starts_with("/admin") {
            Err(Error::external(Denied("admin")))
        } else {
            Ok(true)
        }
    })
    .unwrap();
    // Lua sees an error value whose tostring is the message.
    let s: String = st
        .exec(
            "t.lua",
            "local ok, e = pcall(check, '/admin') return tostring(e)",
        )
        .unwrap();
    assert_eq!(s, "denied: admin");
    // Uncaught, the host gets the same error back, cause intact.
    let e = st.exec::<()>("t.lua", "check('/admin/x')").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::External);
    let cause = e.cause().unwrap().downcast_ref::<Denied>().unwrap();
    assert_eq!(cause.0, "admin");
    assert!(!e.traceback().is_empty());
    // A runtime error from Rust is a plain Lua error with a position.
    st.register("fail", |_, ()| -> lunar::Result<()> {
        Err(Error::runtime("no way"))
    })
    .unwrap();
    let s: String = st
        .exec(
            "t.lua",
            "local ok, e = pcall(function() fail() end) return e",
        )
        .unwrap();
    assert_eq!(s, "t.lua:1: no way");
    // Called from pcall itself, the level above is not Lua: no position
    // (as luaL_error words it).
    let s: String = st
        .exec("t.lua", "local ok, e = pcall(fail) return e")
        .unwrap();
    assert_eq!(s, "no way");
}

#[test]
fn a_panic_in_a_rust_function_becomes_an_error_and_the_state_goes_on() {
    let mut st = State::new();
    st.register("boom", |_, ()| -> lunar::Result<()> { panic!("kaboom") })
        .unwrap();
    let e = st.exec::<()>("t.lua", "boom()").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Panic);
    assert!(e.message().contains("kaboom"), "{}", e.message());
    let caught: bool = st.exec("t.lua", "return not pcall(boom)").unwrap();
    assert!(caught);
    let n: i64 = st.exec("t.lua", "return 1 + 1").unwrap();
    assert_eq!(n, 2);
}

#[test]
fn lua_errors_keep_their_value_and_traceback() {
    let mut st = State::new();
    let e = st
        .exec::<()>(
            "t.lua",
            "local function inner() error({code = 7}) end\nlocal function outer() inner() end\nouter()",
        )
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Runtime);
    assert_eq!(e.message(), "(error object is a table value)");
    let Some(Value::Table(t)) = e.value() else {
        panic!("table error value")
    };
    let code: i64 = t.get(&mut st, "code").unwrap();
    assert_eq!(code, 7);
    let tb = e.traceback();
    assert_eq!(tb[0].chunk, "[C]");
    assert_eq!(tb[0].function, "function 'error'");
    assert_eq!((tb[1].chunk.as_str(), tb[1].line), ("t.lua", Some(1)));
    assert_eq!(tb[1].function, "upvalue 'inner'");
    assert_eq!(tb[2].line, Some(2));
    assert!(e.traceback_text().unwrap().starts_with("stack traceback:"));
    // Syntax errors name chunk, line and token.
    let e = st.exec::<()>("t.lua", "x = = 1").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Syntax);
    assert_eq!(e.message(), "t.lua:1: unexpected symbol near '='");
}

#[test]
fn the_instruction_limit_stops_loops_and_pcall_cannot_catch_it() {
    let mut st = State::new();
    st.set_limits(Limits {
        instructions: Some(50_000),
        ..Default::default()
    });
    for src in [
        "while true do end",
        "local i = 0 repeat i = i + 1 until false",
        "::top:: goto top",
        "for i = 1, math.huge do end",
        "local function f() return f() end f()",
        "pcall(function() while true do end end) print('not reached')",
        "local ok = xpcall(function() while true do end end, debug.traceback) print(ok)",
        "local co = coroutine.wrap(function() while true do end end) pcall(co)",
        "local t = setmetatable({}, {__index = function() while true do end end}) pcall(function() return t.x end)",
        "local f <close> = setmetatable({}, {__close = function() while true do end end}) while true do end",
        "for k in pairs(setmetatable({}, {__pairs = function() return function() return 1 end end})) do end",
    ] {
        let e = st.exec::<()>("t.lua", src).unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Instructions), "{src}: {e}");
        assert_eq!(e.message(), "lunar: instructions limit exceeded");
        assert!(
            st.instructions_used() <= 50_000 + 200,
            "{src}: {}",
            st.instructions_used()
        );
    }
    // The state stays usable and the next run starts a fresh count.
    let n: i64 = st
        .exec(
            "t.lua",
            "local n = 0 for i = 1, 1000 do n = n + i end return n",
        )
        .unwrap();
    assert_eq!(n, 500_500);
    assert!(st.instructions_used() >= 1000);
}

#[test]
fn the_count_of_instructions_is_close_to_the_work_done() {
    let mut st = State::new();
    st.set_limits(Limits {
        instructions: Some(u64::MAX),
        ..Default::default()
    });
    let _: () = st
        .exec("t.lua", "local n = 0 for i = 1, 100000 do n = n + i end")
        .unwrap();
    // The body is ADD, MMBIN (its metamethod fallback, skipped) and
    // FORLOOP: each iteration is charged the body's length, 3.
    let used = st.instructions_used();
    assert!((299_000..=301_000).contains(&used), "{used}");
}

#[test]
fn the_memory_limit_counts_live_objects_not_garbage() {
    let mut st = State::new();
    st.set_limits(Limits {
        memory: Some(4 << 20),
        ..Default::default()
    });
    // Garbage: a million short-lived tables fit in 4 MB at any moment.
    let _: () = st
        .exec("t.lua", "for i = 1, 1000000 do local t = {i} end")
        .unwrap();
    // Live data over the limit trips it.
    for src in [
        "local t = {} for i = 1, 1e7 do t[i] = {} end",
        "local t = {} for i = 1, 1e7 do t[i] = tostring(i) .. 'x' end",
        "collectgarbage('stop') local t = {} for i = 1, 1e7 do t[i] = {} end",
        "local s = string.rep('x', 100 * 1024 * 1024)",
        "local t = {} for i = 1, 100 do t[i] = string.rep('x', 1024 * 1024) end",
    ] {
        let e = st.exec::<()>("t.lua", src).unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Memory), "{src}: {e}");
        assert!(st.memory_used() < 8 << 20, "{src}: {}", st.memory_used());
    }
    let s: String = st.exec("t.lua", "return ('ok'):rep(2)").unwrap();
    assert_eq!(s, "okok");
}

#[test]
fn the_call_depth_limit_stops_deep_recursion() {
    let mut st = State::new();
    st.set_limits(Limits {
        call_depth: Some(100),
        ..Default::default()
    });
    let e = st
        .exec::<()>(
            "t.lua",
            "local function f(n) return 1 + f(n + 1) end print(pcall(f, 1))",
        )
        .unwrap_err();
    assert_eq!(e.limit(), Some(Limit::CallDepth));
    assert_eq!(e.message(), "lunar: call depth limit exceeded");
    let n: i64 = st
        .exec(
            "t.lua",
            "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(50)",
        )
        .unwrap();
    assert_eq!(n, 50);
    // Limits below the frame list's first allocation, and inside a
    // coroutine (its own list of frames).
    for depth in [1, 3, 7] {
        st.set_limits(Limits {
            call_depth: Some(depth),
            ..Default::default()
        });
        let e = st
            .exec::<()>("t.lua", "local function f() return 1 + f() end f()")
            .unwrap_err();
        assert_eq!(e.limit(), Some(Limit::CallDepth), "depth {depth}");
    }
    st.set_limits(Limits {
        call_depth: Some(20),
        ..Default::default()
    });
    let e = st
        .exec::<()>(
            "t.lua",
            "local function f() return 1 + f() end coroutine.wrap(function() pcall(f) end)()",
        )
        .unwrap_err();
    assert_eq!(e.limit(), Some(Limit::CallDepth));
}

#[test]
fn the_deadline_stops_a_run_on_time() {
    let mut st = State::new();
    st.set_limits(Limits {
        deadline: Some(Instant::now() + Duration::from_millis(50)),
        ..Default::default()
    });
    let t0 = Instant::now();
    let e = st
        .exec::<()>(
            "t.lua",
            "local s = '' while true do s = ('x'):rep(10) .. s:sub(1, 10) end",
        )
        .unwrap_err();
    assert_eq!(e.limit(), Some(Limit::Deadline));
    assert_eq!(e.message(), "lunar: deadline exceeded");
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[test]
fn long_library_calls_are_charged_to_the_budget() {
    let mut st = State::new();
    st.set_limits(Limits {
        instructions: Some(1_000_000),
        ..Default::default()
    });
    for src in [
        // One call, a lot of work inside it.
        "local s = string.rep('a', 1e6) .. 'b' local _ = s:find('.-.-.-.-c')",
        "local t = {} for i = 1, 5000 do t[i] = 'x' end for i = 1, 200 do local _ = table.concat(t) end",
        "local s = string.rep('ab', 5e7)",
        "local s = ('x'):rep(1e5) for i = 1, 100 do local _ = s:gsub('x', 'y') end",
    ] {
        let e = st.exec::<()>("t.lua", src).unwrap_err();
        assert_eq!(e.limit(), Some(Limit::Instructions), "{src}: {e}");
    }
    // The charge is proportional to the work: a gsub with 100,000 matches
    // over a 200 KB string, or a format of many items, fits the budget.
    let n: i64 = st
        .exec(
            "t.lua",
            "local s = ('ab'):rep(100000) local r, n = s:gsub('a', 'x') \
             local f = ('%d '):rep(200):format(table.unpack((function() local t = {} for i = 1, 200 do t[i] = i end return t end)())) \
             return n + #f // 1000",
        )
        .unwrap();
    assert_eq!(n, 100_000);
}

#[test]
fn interrupt_from_another_thread_stops_the_run() {
    let mut st = State::new();
    let stop = st.interrupt_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        stop.interrupt();
    });
    let e = st
        .exec::<()>("t.lua", "while true do pcall(function() end) end")
        .unwrap_err();
    t.join().unwrap();
    assert_eq!(e.limit(), Some(Limit::Interrupt));
    // The flag was consumed: the next run goes on.
    let n: i64 = st.exec("t.lua", "return 5").unwrap();
    assert_eq!(n, 5);
}

#[test]
fn raise_error_is_an_ordinary_catchable_error() {
    let mut st = State::new();
    let stop = st.interrupt_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        stop.raise_error("interrupted!");
    });
    let msg: String = st
        .exec(
            "t.lua",
            "local function spin() while true do end end\nlocal ok, e = pcall(function() spin() end) return e",
        )
        .unwrap();
    t.join().unwrap();
    // As lua.c's hook raises it: at the position of the caller of the
    // running function.
    assert_eq!(msg, "t.lua:2: interrupted!");
}

#[test]
fn safe_library_set_leaves_out_host_access() {
    let mut st = State::builder().libs(StdLib::SAFE).build();
    let r: (bool, bool, bool, bool, bool, bool) = st
        .exec(
            "t.lua",
            "return io == nil, debug == nil, os.execute == nil, os.time ~= nil, dofile == nil, string ~= nil",
        )
        .unwrap();
    assert_eq!(r, (true, true, true, true, true, true));
    let msg: String = st
        .exec(
            "t.lua",
            "local f, e = load(string.dump(function() end)) return e",
        )
        .unwrap();
    assert_eq!(msg, "binary chunks are not supported");
    let e = st.exec::<()>("t.lua", "require('nosuch')").unwrap_err();
    assert!(
        e.message().contains("module 'nosuch' not found"),
        "{}",
        e.message()
    );
    let mut bare = State::builder().libs(StdLib::NONE).build();
    let r: bool = bare.exec("t.lua", "return print == nil").unwrap();
    assert!(r);
}

#[test]
fn modules_given_by_the_host_are_required() {
    let mut st = State::builder()
        .libs(StdLib::SAFE)
        .module(
            "util.math",
            "return {double = function(x) return 2 * x end}",
        )
        .build();
    let n: i64 = st
        .exec("t.lua", "return require('util.math').double(21)")
        .unwrap();
    assert_eq!(n, 42);
}

#[test]
fn reset_gives_a_fresh_state_with_the_same_configuration() {
    let mut st = State::builder().libs(StdLib::SAFE).build();
    let t: Table = st.exec("t.lua", "x = 1 return {}").unwrap();
    st.reset();
    let x: Option<i64> = st.get_global("x").unwrap();
    assert_eq!(x, None);
    let io: Option<Table> = st.get_global("io").unwrap();
    assert!(io.is_none());
    // A handle of the old state is an error to use, not a crash.
    let e = t.raw_get::<_, Value>(&mut st, 1).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Usage);
}

#[test]
fn handles_keep_values_alive_and_belong_to_their_state() {
    let mut st = State::new();
    let t = st.create_table();
    t.set(&mut st, "k", "v").unwrap();
    t.push(&mut st, 10).unwrap();
    let f: Function = st
        .exec("t.lua", "return function(t) return t.k .. t[1] end")
        .unwrap();
    st.collect_garbage();
    let s: String = f.call(&mut st, &t).unwrap();
    assert_eq!(s, "v10");
    let mut other = State::new();
    let e = f.call::<_, ()>(&mut other, ()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Usage);
    // Dropped handles stop rooting their objects.
    let before = st.vm().root_count();
    drop((t, f));
    st.collect_garbage();
    assert!(st.vm().root_count() < before);
}

#[test]
fn states_run_one_program_on_many_threads() {
    let p = compile("local n = ... local t = {} for i = 1, n do t[i] = i * i end return #t, t[n]");
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let p = p.clone();
            std::thread::spawn(move || {
                let mut st = State::new();
                st.run_with::<_, (i64, i64)>(&p, 1000 + k).unwrap()
            })
        })
        .collect();
    for (k, h) in handles.into_iter().enumerate() {
        let n = 1000 + k as i64;
        assert_eq!(h.join().unwrap(), (n, n * n));
    }
}

#[test]
fn state_and_handles_are_send() {
    fn send<T: Send>() {}
    fn send_sync<T: Send + Sync>() {}
    send::<State>();
    send_sync::<Value>();
    send_sync::<Error>();
    send_sync::<lunar::InterruptHandle>();
    send_sync::<Program>();
}

#[test]
fn rust_functions_called_in_a_loop_do_not_pile_up_roots() {
    let mut st = State::new();
    st.register("size", |cx, t: Table| t.raw_len(cx)).unwrap();
    let n: i64 = st
        .exec(
            "t.lua",
            "local t = {1, 2, 3} local n = 0 for i = 1, 100000 do n = n + size(t) end return n",
        )
        .unwrap();
    assert_eq!(n, 300_000);
    assert!(st.vm().root_count() < 1000, "{}", st.vm().root_count());
}
