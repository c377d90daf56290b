//! Coroutines, ported from the Go version's coroutine tests (embed and
//! callback tests, the fuzz seeds, the coroutine conformance scripts):
//! status transitions, values through yield and resume, `coroutine.wrap`
//! errors, `coroutine.close`, yields across pcall, metamethods and
//! iterators, yields that cannot cross a native call, and the host's side
//! of the VM's coroutine API. Lua snippets print what they see; their
//! expected output is checked against `lua5.4` where it is installed.

mod snippets;

use lunar::Program;
use lunar::raw::{Error, State, StateExt, Value};
use snippets::*;

// ----- the host's side -----

/// Runs `src` on `state` and returns its first result.
fn first_result(state: &mut State, src: &str) -> Value {
    let p = Program::compile("=co", src.as_bytes()).expect("compile");
    let res = state.run(&p, &[]).unwrap_or_else(|e| panic!("{e}"));
    res.first().copied().unwrap_or(Value::Nil)
}

/// The text of a string value (panics on another type).
fn text(state: &mut State, v: Value) -> String {
    match state.to_str(v) {
        Some(s) => s.to_str_lossy().into_owned(),
        None => panic!("not a string: {v:?}"),
    }
}

/// A host resumes a coroutine step by step and sees its status change
/// (the fuzz seed `co(1), co(2)` driven from Rust).
#[test]
fn host_resume_and_status() {
    let mut state = lunar::raw::new_state();
    let body = first_result(
        &mut state,
        "return function(a) local b = coroutine.yield(a + 1) return b * 2, 'done' end",
    );
    let co = state.new_thread(body);
    assert_eq!(state.thread_status(co), "suspended");
    let r = state.resume(co, &[Value::Int(1)]).expect("first resume");
    assert!(matches!(r[..], [Value::Int(2)]), "{r:?}");
    assert_eq!(state.thread_status(co), "suspended");
    let r = state.resume(co, &[Value::Int(5)]).expect("second resume");
    assert!(matches!(r[..], [Value::Int(10), Value::Str(_)]), "{r:?}");
    assert_eq!(text(&mut state, r[1]), "done");
    assert_eq!(state.thread_status(co), "dead");
    let e = state.resume(co, &[]).expect_err("a dead coroutine");
    assert_eq!(text(&mut state, e), "cannot resume dead coroutine");
}

/// An error inside a coroutine comes back to the host as the error value,
/// and the coroutine is dead.
#[test]
fn host_resume_error() {
    let mut state = lunar::raw::new_state();
    let body = first_result(
        &mut state,
        "return function() coroutine.yield() error('boom') end",
    );
    let co = state.new_thread(body);
    state.resume(co, &[]).expect("runs to the yield");
    let e = state.resume(co, &[]).expect_err("raises");
    assert_eq!(text(&mut state, e), "co:1: boom");
    assert_eq!(state.thread_status(co), "dead");
    // The state is still usable.
    let v = first_result(&mut state, "return 1 + 1");
    assert!(matches!(v, Value::Int(2)));
}

/// Closing a suspended coroutine from the host runs its pending closing
/// methods; closing one that died in error gives that error.
#[test]
fn host_close_thread() {
    let mut state = lunar::raw::new_state();
    let body = first_result(
        &mut state,
        "return function()
            local x <close> = setmetatable({}, {__close = function() closed = (closed or 0) + 1 end})
            coroutine.yield()
        end",
    );
    let co = state.new_thread(body);
    state.resume(co, &[]).expect("runs to the yield");
    state.close_thread(co).expect("closes");
    assert_eq!(state.thread_status(co), "dead");
    assert!(matches!(state.get_global("closed"), Value::Int(1)));
    let failing = first_result(&mut state, "return function() error('failed') end");
    let co = state.new_thread(failing);
    state.resume(co, &[]).expect_err("fails");
    let e = state.close_thread(co).expect_err("the error");
    assert_eq!(text(&mut state, e), "co:1: failed");
}

/// A native function that calls its first argument with its second
/// through `State::call` (no continuation), as the Go tests' `apply`
/// callback did.
fn apply(state: &mut State) -> Result<usize, Error> {
    let f = state.arg(1);
    let x = state.arg(2);
    let res = state.call(f, &[x])?;
    state.push(res.first().copied().unwrap_or(Value::Nil));
    Ok(1)
}

/// A Lua function called by a native function runs in a coroutine but
/// cannot yield across it (convert_callback_test.go's "in a coroutine"
/// and "no yield across a callback").
#[test]
fn no_yield_across_a_native_call() {
    let mut state = lunar::raw::new_state();
    state.set_global("apply", Value::LightFn(apply));
    let out = lunar_output_on(
        &mut state,
        "print(coroutine.wrap(function() return apply(function(x) return x + 1 end, 1) end)())
         print(pcall(coroutine.wrap(function() return apply(function(x) coroutine.yield(x) end, 1) end)))
         print(coroutine.wrap(function() return pcall(apply, function(x) coroutine.yield(x) end, 1) end)())
         print(coroutine.wrap(function() return apply(function() return coroutine.isyieldable() end) end)())",
    );
    assert_eq!(
        out,
        "2\nfalse\tattempt to yield across a C-call boundary\n\
         false\tattempt to yield across a C-call boundary\nfalse\n"
    );
}

/// Many coroutines on one state, some left suspended, and the state
/// dropped: nothing leaks or hangs (TestCoroutineWorkersEnd, whose
/// goroutines have no Rust counterpart).
#[test]
fn states_with_suspended_coroutines_drop() {
    for _ in 0..20 {
        let mut state = lunar::raw::new_state();
        let out = lunar_output_on(
            &mut state,
            "for i = 1, 20 do
               local gen = coroutine.wrap(function() for j = 1, 3 do coroutine.yield(j) end end)
               for _ in gen do end
             end
             local c = coroutine.create(function() coroutine.yield() end)
             coroutine.resume(c)
             print(coroutine.status(c))",
        );
        assert_eq!(out, "suspended\n");
        drop(state);
    }
}

// ----- Lua snippets -----

/// suspended, running, normal and dead, as seen from each side
#[test]
fn status_transitions() {
    check(
        r#"
        local main, ismain = coroutine.running()
        print(type(main), ismain, coroutine.status(main), coroutine.isyieldable())
        local outer
        local inner = coroutine.create(function()
          print("inner sees outer", coroutine.status(outer))
          coroutine.yield()
        end)
        outer = coroutine.create(function(a, b)
          local me, ismain = coroutine.running()
          print("outer runs", a, b, coroutine.status(me), ismain, me == outer, coroutine.isyieldable())
          coroutine.resume(inner)
          print("inner after yield", coroutine.status(inner))
          local c = coroutine.yield(a + b)
          print("resumed with", c)
          return "done", c * 2
        end)
        print(coroutine.status(outer))
        print(coroutine.resume(outer, 1, 2))
        print(coroutine.status(outer))
        print(coroutine.resume(outer, 10))
        print(coroutine.status(outer), coroutine.status(inner))
        print(coroutine.resume(outer))
        "#,
        &[
            "thread\ttrue\trunning\tfalse",
            "suspended",
            "outer runs\t1\t2\trunning\tfalse\ttrue\ttrue",
            "inner sees outer\tnormal",
            "inner after yield\tsuspended",
            "true\t3",
            "suspended",
            "resumed with\t10",
            "true\tdone\t20",
            "dead\tsuspended",
            "false\tcannot resume dead coroutine",
        ],
    );
}

/// values passed through yield and resume, in both directions
#[test]
fn yield_and_resume_values() {
    check(
        r##"
        local co = coroutine.create(function(...)
          print("start", select("#", ...), ...)
          local a, b = coroutine.yield()
          print("got", a, b)
          local n = select("#", coroutine.yield(nil, nil))
          print("count", n)
          return
        end)
        print(coroutine.resume(co, 1, nil, 3))
        print(select("#", coroutine.resume(co, "x", "y")))
        print(coroutine.resume(co))
        print(coroutine.resume(co))
        "##,
        &[
            "start\t3\t1\tnil\t3",
            "true",
            "got\tx\ty",
            "3",
            "count\t0",
            "true",
            "false\tcannot resume dead coroutine",
        ],
    );
}

/// coroutine.wrap as a generator, in a for loop
#[test]
fn wrap_generators() {
    check(
        r#"
        local function range(n)
          return coroutine.wrap(function()
            for i = 1, n do coroutine.yield(i, i * i) end
          end)
        end
        for i, sq in range(4) do io.write(i, ":", sq, " ") end
        print()
        local gen = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
        print(gen(1), gen(2))
        local t = {}
        for i = 1, 20 do
          local g = coroutine.wrap(function() for j = 1, 3 do coroutine.yield(j) end end)
          for v in g do t[#t + 1] = v end
        end
        print(#t)
        "#,
        &["1:1 2:4 3:9 4:16 ", "2\t4", "60"],
    );
}

/// errors through coroutine.wrap: position added to strings, other values kept, dead coroutines
#[test]
fn wrap_errors() {
    check(
        r#"
        local f = coroutine.wrap(function() error("boom") end)
        print(pcall(f))
        local g = coroutine.wrap(function() error({code = 7}) end)
        local ok, e = pcall(g)
        print(ok, type(e), e.code)
        local h = coroutine.wrap(function() error("no position", 0) end)
        print(pcall(h))
        local d = coroutine.wrap(function() return 1 end)
        print(d())
        print(pcall(d))
        local n = coroutine.wrap(function() error(42) end)
        print(pcall(n))
        "#,
        &[
            "false\tinput:2: boom",
            "false\ttable\t7",
            "false\tno position",
            "1",
            "false\tcannot resume dead coroutine",
            "false\t42",
        ],
    );
}

/// resume of dead, running and non-suspended coroutines; errors inside
#[test]
fn resume_errors() {
    check(
        r#"
        local co = coroutine.create(function() error("inside") end)
        print(coroutine.resume(co))
        print(coroutine.status(co), coroutine.resume(co))
        local co2 = coroutine.create(function() error({}) end)
        local ok, e = coroutine.resume(co2)
        print(ok, type(e))
        local self
        self = coroutine.create(function() return coroutine.resume(self) end)
        print(coroutine.resume(self))
        local outer
        outer = coroutine.create(function()
          local inner = coroutine.create(function() return coroutine.resume(outer) end)
          return coroutine.resume(inner)
        end)
        print(coroutine.resume(outer))
        print(coroutine.resume(coroutine.running()))
        print(pcall(coroutine.resume, 1))
        print(pcall(coroutine.status, {}))
        print(pcall(coroutine.create, 1))
        "#,
        &[
            "false\tinput:2: inside",
            "dead\tfalse\tcannot resume dead coroutine",
            "false\ttable",
            "true\tfalse\tcannot resume non-suspended coroutine",
            "true\ttrue\tfalse\tcannot resume non-suspended coroutine",
            "false\tcannot resume non-suspended coroutine",
            "false\tbad argument #1 to 'coroutine.resume' (thread expected, got number)",
            "false\tbad argument #1 to 'coroutine.status' (thread expected, got table)",
            "false\tbad argument #1 to 'coroutine.create' (function expected, got number)",
        ],
    );
}

/// yield from the main thread
#[test]
fn yield_outside_coroutine() {
    check(
        r#"
        print(pcall(coroutine.yield, 1))
        print(coroutine.isyieldable())
        "#,
        &["false\tattempt to yield from outside a coroutine", "false"],
    );
}

/// coroutine.close: suspended, dead, errored, running and normal coroutines
#[test]
fn close() {
    check(
        r#"
        local co = coroutine.create(function()
          local x <close> = setmetatable({}, {__close = function(_, e) print("closing x", e) end})
          coroutine.yield(1)
          print("never")
        end)
        print(coroutine.resume(co))
        print(coroutine.close(co), coroutine.status(co))
        print(coroutine.close(co))
        print(coroutine.close(coroutine.create(print)))
        local bad = coroutine.create(function() error("failed") end)
        coroutine.resume(bad)
        print(coroutine.close(bad))
        print(coroutine.close(bad))
        local failing = coroutine.create(function()
          local y <close> = setmetatable({}, {__close = function() error("in close") end})
          coroutine.yield()
        end)
        coroutine.resume(failing)
        print(coroutine.close(failing))
        print(pcall(coroutine.close, coroutine.running()))
        local outer
        outer = coroutine.create(function()
          local inner = coroutine.create(function() return pcall(coroutine.close, outer) end)
          return coroutine.resume(inner)
        end)
        print(coroutine.resume(outer))
        print(coroutine.wrap(function() return pcall(coroutine.close, coroutine.running()) end)())
        "#,
        &[
            "true\t1",
            "closing x\tnil",
            "true\tdead",
            "true",
            "true",
            "false\tinput:11: failed",
            "true",
            "false\tinput:16: in close",
            "false\tcannot close a running coroutine",
            "true\ttrue\tfalse\tcannot close a normal coroutine",
            "false\tcannot close a running coroutine",
        ],
    );
}

/// yields inside pcall, xpcall and error handlers' callers
#[test]
fn yield_across_pcall() {
    check(
        r#"
        local co = coroutine.create(function()
          local ok, v = pcall(function()
            local x = coroutine.yield("in pcall")
            error("after " .. x)
          end)
          print("pcall gave", ok, v)
          local ok2, v2 = xpcall(function()
            coroutine.yield("in xpcall")
            return "fine"
          end, debug.traceback)
          print("xpcall gave", ok2, v2)
          local ok3, v3 = xpcall(function() coroutine.yield("again") error("x", 0) end,
            function(m) return "handled " .. m end)
          print("handler gave", ok3, v3)
          return "end"
        end)
        print(coroutine.resume(co))
        print(coroutine.resume(co, "resume"))
        print(coroutine.resume(co))
        print(coroutine.resume(co))
        print(coroutine.status(co))
        "#,
        &[
            "true\tin pcall",
            "pcall gave\tfalse\tinput:5: after resume",
            "true\tin xpcall",
            "xpcall gave\ttrue\tfine",
            "true\tagain",
            "handler gave\tfalse\thandled x",
            "true\tend",
            "dead",
        ],
    );
}

/// yields inside metamethods, for-in iterators and table.sort
#[test]
fn yield_across_metamethods_and_iterators() {
    check(
        r#"
        local mt = {
          __index = function(t, k) return coroutine.yield("index " .. k) end,
          __add = function(a, b) return coroutine.yield("add") end,
          __lt = function(a, b) return coroutine.yield("lt") end,
          __concat = function(a, b) return coroutine.yield("concat") end,
          __eq = function(a, b) return coroutine.yield("eq") end,
          __call = function(self, x) return coroutine.yield("call " .. x) end,
        }
        local co = coroutine.wrap(function()
          local a, b = setmetatable({}, mt), setmetatable({}, mt)
          local r = {a.x, a + 1, a < b, a .. "s", a == b, a(5)}
          for k, v in function(_, k) k = (k or 0) + 1 if k <= 2 then return k, coroutine.yield("iter") end end do
            r[#r + 1] = v
          end
          return table.concat({tostring(r[1]), tostring(r[2]), tostring(r[3]), tostring(r[4]), tostring(r[5]), tostring(r[6]), tostring(r[7]), tostring(r[8])}, " ")
        end)
        print(co())
        print(co(10))
        print(co(20))
        print(co(true))
        print(co("cat"))
        print(co(false))
        print(co(99))
        print(co("i1"))
        print(co("i2"))
        print(pcall(coroutine.wrap(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)))
        print(pcall(coroutine.wrap(function() return tostring(setmetatable({}, {__tostring = function() coroutine.yield() return "" end})) end)))
        "#,
        &[
            "index x",
            "add",
            "lt",
            "concat",
            "eq",
            "call 5",
            "iter",
            "iter",
            "10 20 true cat false 99 i1 i2",
            "false\tattempt to yield across a C-call boundary",
            "false\tattempt to yield across a C-call boundary",
        ],
    );
}

/// yields in __close methods and in __pairs iterators
#[test]
fn yield_in_close_and_pairs() {
    check(
        r#"
        local co = coroutine.wrap(function()
          do
            local x <close> = setmetatable({}, {__close = function() coroutine.yield("closing") print("closed") end})
          end
          local t = setmetatable({}, {__pairs = function(t)
            return function(_, k) if not k then return 1, coroutine.yield("pairs") end end, t, nil
          end})
          for k, v in pairs(t) do print("pair", k, v) end
          return "end"
        end)
        print(co())
        print(co())
        print(co("value"))
        "#,
        &["closing", "closed", "pairs", "pair\t1\tvalue", "end"],
    );
}

/// nested coroutines: a yield goes to the nearest resume
#[test]
fn wrap_inside_wrap() {
    check(
        r#"
        local log = {}
        local outer = coroutine.wrap(function()
          local inner = coroutine.wrap(function()
            coroutine.yield("inner 1")
            coroutine.yield("inner 2")
          end)
          log[#log + 1] = inner()
          coroutine.yield("outer 1")
          log[#log + 1] = inner()
          return "outer done"
        end)
        print(outer(), outer(), table.concat(log, ","))
        "#,
        &["outer 1\touter done\tinner 1,inner 2"],
    );
}

/// coroutine.running and isyieldable inside coroutines and pcall
#[test]
fn running_and_isyieldable() {
    check(
        r#"
        local co = coroutine.create(function()
          local me, main = coroutine.running()
          print(main, coroutine.isyieldable(), coroutine.isyieldable(me))
          print(pcall(coroutine.isyieldable))
          print(select(2, pcall(table.sort, {1, 2}, function() print("sort yieldable", coroutine.isyieldable()) return false end)))
        end)
        coroutine.resume(co)
        print(coroutine.isyieldable(co), coroutine.isyieldable(coroutine.running()))
        "#,
        &[
            "false\ttrue\ttrue",
            "true\ttrue",
            "sort yieldable\tfalse",
            "",
            "true\tfalse",
        ],
    );
}

/// many coroutines left suspended, then collected (TestCoroutineWorkersEnd)
#[test]
fn many_suspended_coroutines() {
    check(
        r#"
        local live = setmetatable({}, {__mode = "k"})
        for i = 1, 200 do
          local c = coroutine.create(function() coroutine.yield() end)
          coroutine.resume(c)
          live[c] = true
        end
        collectgarbage()
        collectgarbage()
        local n = 0
        for _ in pairs(live) do n = n + 1 end
        print(n)
        "#,
        &["0"],
    );
}

/// debug.traceback of a suspended coroutine and of a dead one
#[test]
fn traceback_of_coroutine() {
    check(
        r#"
        local co = coroutine.create(function()
          local function inner() coroutine.yield() end
          inner()
          error("dead")
        end)
        coroutine.resume(co)
        print(debug.traceback(co))
        print(debug.traceback(co, "msg", 1))
        print(coroutine.resume(co))
        print(debug.traceback(co))
        "#,
        &[
            "stack traceback:",
            "\t[C]: in function 'coroutine.yield'",
            "\tinput:3: in local 'inner'",
            "\tinput:4: in function <input:2>",
            "msg",
            "stack traceback:",
            "\tinput:3: in local 'inner'",
            "\tinput:4: in function <input:2>",
            "false\tinput:5: dead",
            "stack traceback:",
            "\t[C]: in function 'error'",
            "\tinput:5: in function <input:2>",
        ],
    );
}

/// an error after a yield inside pcall is caught by that pcall
#[test]
fn yield_across_pcall_error_in_coroutine() {
    check(
        r#"
        local co = coroutine.wrap(function()
          for i = 1, 3 do
            local ok, e = pcall(function()
              coroutine.yield(i)
              if i == 2 then error("two", 0) end
            end)
            print(i, ok, e)
          end
          return "end"
        end)
        print(co()) print(co()) print(co()) print(co())
        "#,
        &[
            "1",
            "1\ttrue\tnil",
            "2",
            "2\tfalse\ttwo",
            "3",
            "3\ttrue\tnil",
            "end",
        ],
    );
}
/// a __close method run while pcall unwinds an error may yield (the reference closes with yields allowed in finishpcallk)
#[test]
fn yield_in_close_during_pcall_error() {
    check(
        r#"
        local co = coroutine.wrap(function()
          local ok, e = pcall(function()
            local a <close> = setmetatable({}, {__close = function(_, e) coroutine.yield("in close " .. tostring(e)) end})
            error("boom", 0)
          end)
          return "after", ok, e
        end)
        print(co())
        print(co())
        "#,
        &["in close boom", "after\tfalse\tboom"],
    );
}

/// the same under xpcall: the closing method sees the handler's result and may yield
#[test]
fn yield_in_close_during_xpcall_error() {
    check(
        r#"
        local co = coroutine.wrap(function()
          return xpcall(function()
            local a <close> = setmetatable({}, {__close = function(_, e) coroutine.yield("x " .. tostring(e)) end})
            error("E", 0)
          end, function(m) return "handled " .. m end)
        end)
        print(co())
        print(co())
        "#,
        &["x handled E", "false\thandled E"],
    );
}

/// yields in __close methods on normal exits: pcall'd function returns, goto, break, return
#[test]
fn yield_in_close_on_exits() {
    check(
        r#"
        local co = coroutine.wrap(function()
          local ok, v = pcall(function()
            local a <close> = setmetatable({}, {__close = function() coroutine.yield("closing normally") end})
            return "value"
          end)
          return ok, v
        end)
        print(co()) print(co())
        local co2 = coroutine.wrap(function()
          for i = 1, 2 do
            local a <close> = setmetatable({}, {__close = function() coroutine.yield("close " .. i) end})
            if i == 1 then goto continue end
            break
            ::continue::
          end
          return "done"
        end)
        print(co2()) print(co2()) print(co2())
        local co3 = coroutine.wrap(function()
          local function f()
            local a <close> = setmetatable({}, {__close = function() coroutine.yield("close on return") end})
            return 1, 2
          end
          return f()
        end)
        print(co3()) print(co3())
        local co4 = coroutine.create(function()
          local a <close> = setmetatable({}, {__close = function() coroutine.yield("y") error("after yield", 0) end})
        end)
        print(coroutine.resume(co4)) print(coroutine.resume(co4))
        "#,
        &[
            "closing normally",
            "true\tvalue",
            "close 1",
            "close 2",
            "done",
            "close on return",
            "1\t2",
            "true\ty",
            "false\tafter yield",
        ],
    );
}

/// closing a coroutine suspended inside pcall closes the inner and outer variables, innermost first
#[test]
fn close_suspended_inside_pcall() {
    check(
        r#"
        local co = coroutine.create(function()
          local a <close> = setmetatable({}, {__close = function(_, e) print("close a", e) end})
          pcall(function()
            local b <close> = setmetatable({}, {__close = function(_, e) print("close b", e) end})
            coroutine.yield("y")
          end)
        end)
        print(coroutine.resume(co))
        print(coroutine.close(co))
        local co2 = coroutine.create(function()
          local a <close> = setmetatable({}, {__close = function(_, e) print("close a2", e) end})
          error("E")
        end)
        print(coroutine.resume(co2))
        print(coroutine.status(co2), coroutine.close(co2))
        "#,
        &[
            "true\ty",
            "close b\tnil",
            "close a\tnil",
            "true",
            "false\tinput:13: E",
            "close a2\tinput:13: E",
            "dead\tfalse\tinput:13: E",
        ],
    );
}

/// an error in a coroutine resumed by a coroutine: messages, tracebacks and close
#[test]
fn nested_coroutine_errors() {
    check(
        r#"
        local outer = coroutine.create(function()
          local inner = coroutine.wrap(function() error("inner err") end)
          inner()
        end)
        local ok, e = coroutine.resume(outer)
        print(ok, e)
        print(debug.traceback(outer))
        print(coroutine.close(outer))
        print(pcall(coroutine.wrap(function() return string.gsub("abc", "%w", function(c) coroutine.yield(c) end) end)))
        print(pcall(coroutine.wrap(function() return load(function() coroutine.yield() end) end)))
        print(coroutine.wrap(function() return 1, nil, 3 end)())
        print(select('#', coroutine.wrap(function() return 1, nil, nil end)()))
        "#,
        &[
            "false\tinput:4: input:3: inner err",
            "stack traceback:",
            "\t[C]: in local 'inner'",
            "\tinput:4: in function <input:2>",
            "false\tinput:4: input:3: inner err",
            "false\tattempt to yield across a C-call boundary",
            "true\tnil\tattempt to yield across a C-call boundary",
            "1\tnil\t3",
            "3",
        ],
    );
}

/// A coroutine hooked with "clr" sees the return event of `yield` when it
/// is resumed (coroutine.lua's "single trace of coroutines").
#[test]
fn hook_return_event_of_yield() {
    check(
        r#"
        local co = coroutine.create(function ()
          coroutine.yield(10)
          return 20
        end)
        local trace = {}
        debug.sethook(co, function (e) trace[#trace + 1] = e end, "clr")
        repeat until not coroutine.resume(co)
        print(table.concat(trace, " "))
        "#,
        &["call line call return line return"],
    );
}
