//! Micro-benchmarks of the VM's hot paths through the `lunar` API:
//! instruction dispatch, Lua→Lua, Lua→Rust and Rust→Lua calls, table
//! get/set, string interning and state creation.
//!
//! Each script is compiled once and run once outside the timed closure:
//! the run checks its result against the same computation done in Rust,
//! caches the state's runtime prototype and hands back the Lua function
//! the bench then times. Run with `cargo bench -p lunar --bench vm`;
//! `cargo test -p lunar --benches` runs each bench once as a smoke test.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lunar::{Function, Program, State, StdLib};

/// Iterations of the Lua loop in the dispatch, table and call benches:
/// large enough that the Rust→Lua call around the loop is noise.
const LOOP: i64 = 100_000;

/// Strings built per iteration of the string benches.
const STRINGS: i64 = 10_000;

/// Criterion settings that keep the whole file to about a minute: short
/// warm-up and measurement, few samples (the benches are long loops, so
/// each sample already averages many operations).
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

/// Compiles `source`, runs it on `state` with `arg` as its `...`, and
/// returns the function the chunk returns: the setup every Lua bench
/// does once, outside timing.
fn setup(state: &mut State, name: &str, source: &str, arg: i64) -> Function {
    let program = Program::compile(name, source).expect("bench script compiles");
    state
        .run_with(&program, arg)
        .expect("bench script returns a function")
}

/// Calls `f` once outside timing (the first call also warms the state's
/// caches) and checks its result against `expected`.
fn check(state: &mut State, f: &Function, expected: i64) {
    let got: i64 = f.call(state, ()).expect("bench function runs");
    assert_eq!(got, expected, "bench function's result");
}

/// Fibonacci the way the Lua script computes it, to check its result.
fn fib(n: i64) -> i64 {
    if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
}

/// `a = b + c` in a numeric `for` loop (integer arithmetic, register
/// moves, `FORLOOP`), and a float multiply-add loop.
fn dispatch(c: &mut Criterion) {
    let mut g = c.benchmark_group("dispatch");
    g.throughput(Throughput::Elements(LOOP as u64));
    let mut state = State::new();

    let add = setup(
        &mut state,
        "add_loop.lua",
        "local N = ...
         return function()
           local a, b, c = 0, 1, 2
           for i = 1, N do a = b + c end
           return a
         end",
        LOOP,
    );
    check(&mut state, &add, 3);
    g.bench_function("add_loop", |b| {
        b.iter(|| add.call::<_, i64>(&mut state, ()).unwrap())
    });

    let float = setup(
        &mut state,
        "float_loop.lua",
        "local N = ...
         return function()
           local x, y = 0.0, 1.5
           for i = 1, N do x = x * 0.5 + y * 1.25 - 0.125 end
           return x
         end",
        LOOP,
    );
    let mut expected = 0.0f64;
    for _ in 0..LOOP {
        expected = expected * 0.5 + 1.5 * 1.25 - 0.125;
    }
    let got: f64 = float.call(&mut state, ()).unwrap();
    assert_eq!(got, expected, "float loop's result");
    g.bench_function("float_loop", |b| {
        b.iter(|| float.call::<_, f64>(&mut state, ()).unwrap())
    });
    g.finish();
}

/// Calls: Lua→Lua (recursive fib), Lua→Rust (a registered closure in a
/// Lua loop) and Rust→Lua (`Function::call` per iteration).
fn calls(c: &mut Criterion) {
    let mut g = c.benchmark_group("calls");
    let mut state = State::new();

    // fib(20) makes 2*fib(21)-1 calls.
    let fib_lua = setup(
        &mut state,
        "fib.lua",
        "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
         return fib",
        0,
    );
    let got: i64 = fib_lua.call(&mut state, 20).unwrap();
    assert_eq!(got, fib(20), "fib(20)");
    g.throughput(Throughput::Elements((2 * fib(21) - 1) as u64));
    g.bench_function("fib20", |b| {
        b.iter(|| fib_lua.call::<_, i64>(&mut state, black_box(20)).unwrap())
    });

    state
        .register("add", |_, (a, b): (i64, i64)| Ok(a + b))
        .unwrap();
    let to_rust = setup(
        &mut state,
        "lua_to_rust.lua",
        "local N = ...
         local add = add
         return function()
           local s = 0
           for i = 1, N do s = add(s, i) end
           return s
         end",
        LOOP,
    );
    check(&mut state, &to_rust, LOOP * (LOOP + 1) / 2);
    g.throughput(Throughput::Elements(LOOP as u64));
    g.bench_function("lua_to_rust", |b| {
        b.iter(|| to_rust.call::<_, i64>(&mut state, ()).unwrap())
    });

    let inc = setup(
        &mut state,
        "rust_to_lua.lua",
        "return function(x) return x + 1 end",
        0,
    );
    let got: i64 = inc.call(&mut state, 41).unwrap();
    assert_eq!(got, 42, "inc(41)");
    g.throughput(Throughput::Elements(1));
    g.bench_function("rust_to_lua", |b| {
        b.iter(|| inc.call::<_, i64>(&mut state, black_box(41)).unwrap())
    });
    g.finish();
}

/// Table get and set of keys that already exist: integer keys in the
/// array part, string fields in the hash part, and a field through the
/// host's `Table` handle.
fn tables(c: &mut Criterion) {
    let mut g = c.benchmark_group("tables");
    g.throughput(Throughput::Elements(LOOP as u64));
    let mut state = State::new();

    // 1000 array slots, swept LOOP/1000 times.
    let int_get = setup(
        &mut state,
        "int_get.lua",
        "local N = ...
         local t = {} for i = 1, 1000 do t[i] = i end
         return function()
           local s = 0
           for r = 1, N // 1000 do for i = 1, 1000 do s = s + t[i] end end
           return s
         end",
        LOOP,
    );
    check(&mut state, &int_get, LOOP / 1000 * (1000 * 1001 / 2));
    g.bench_function("int_get", |b| {
        b.iter(|| int_get.call::<_, i64>(&mut state, ()).unwrap())
    });

    let int_set = setup(
        &mut state,
        "int_set.lua",
        "local N = ...
         local t = {} for i = 1, 1000 do t[i] = 0 end
         return function()
           for r = 1, N // 1000 do for i = 1, 1000 do t[i] = r end end
           return t[1000]
         end",
        LOOP,
    );
    check(&mut state, &int_set, LOOP / 1000);
    g.bench_function("int_set", |b| {
        b.iter(|| int_set.call::<_, i64>(&mut state, ()).unwrap())
    });

    let field_get = setup(
        &mut state,
        "field_get.lua",
        "local N = ...
         local p = {x = 1, y = 2, z = 3}
         return function()
           local s = 0
           for i = 1, N do s = s + p.y end
           return s
         end",
        LOOP,
    );
    check(&mut state, &field_get, 2 * LOOP);
    g.bench_function("field_get", |b| {
        b.iter(|| field_get.call::<_, i64>(&mut state, ()).unwrap())
    });

    let field_set = setup(
        &mut state,
        "field_set.lua",
        "local N = ...
         local p = {x = 1, y = 2, z = 3}
         return function()
           for i = 1, N do p.x = i end
           return p.x
         end",
        LOOP,
    );
    check(&mut state, &field_set, LOOP);
    g.bench_function("field_set", |b| {
        b.iter(|| field_set.call::<_, i64>(&mut state, ()).unwrap())
    });

    // One set and one get per iteration through the embedding API (key
    // conversion and interning included).
    let t = state.create_table();
    t.set(&mut state, "x", 0).unwrap();
    t.set(&mut state, "x", 7).unwrap();
    assert_eq!(t.get::<_, i64>(&mut state, "x").unwrap(), 7);
    g.throughput(Throughput::Elements(2));
    g.bench_function("host_field_set_get", |b| {
        b.iter(|| {
            t.set(&mut state, "x", black_box(1)).unwrap();
            t.get::<_, i64>(&mut state, "x").unwrap()
        })
    });
    g.finish();
}

/// Building many short strings: `tostring(i)` and concatenations, new
/// strings (each result interned anew) and repeated ones (each result
/// found in the string table).
fn strings(c: &mut Criterion) {
    let mut g = c.benchmark_group("strings");
    g.throughput(Throughput::Elements(STRINGS as u64));
    let mut state = State::new();

    let tostring = setup(
        &mut state,
        "tostring.lua",
        "local N = ...
         local tostring = tostring
         return function()
           local s
           for i = 1, N do s = tostring(i) end
           return #s
         end",
        STRINGS,
    );
    check(&mut state, &tostring, STRINGS.to_string().len() as i64);
    g.bench_function("tostring", |b| {
        b.iter(|| tostring.call::<_, i64>(&mut state, ()).unwrap())
    });

    let distinct = setup(
        &mut state,
        "concat_distinct.lua",
        "local N = ...
         return function()
           local s
           for i = 1, N do s = 'k' .. i .. '_' end
           return #s
         end",
        STRINGS,
    );
    check(&mut state, &distinct, format!("k{STRINGS}_").len() as i64);
    g.bench_function("concat_distinct", |b| {
        b.iter(|| distinct.call::<_, i64>(&mut state, ()).unwrap())
    });

    let repeated = setup(
        &mut state,
        "concat_repeated.lua",
        "local N = ...
         local pieces = {'ab', 'cd', 'ef', 'gh'}
         return function()
           local s, n = nil, 0
           for i = 1, N do
             s = pieces[i % 4 + 1] .. pieces[(i + 1) % 4 + 1]
             n = n + #s
           end
           return n
         end",
        STRINGS,
    );
    check(&mut state, &repeated, 4 * STRINGS);
    g.bench_function("concat_repeated", |b| {
        b.iter(|| repeated.call::<_, i64>(&mut state, ()).unwrap())
    });
    g.finish();
}

/// Making and dropping a state: the whole standard library through the
/// embedding API and through `raw`, and a bare state.
fn state(c: &mut Criterion) {
    let mut g = c.benchmark_group("state");
    g.bench_function("new_all_libs", |b| b.iter(State::new));
    g.bench_function("raw_new_state", |b| b.iter(lunar::raw::new_state));
    g.bench_function("builder_no_libs", |b| {
        b.iter(|| State::builder().libs(StdLib::NONE).build())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = dispatch, calls, tables, strings, state
}
criterion_main!(benches);
