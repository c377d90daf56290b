//! Allocations per operation on the interpreter's hot paths, counted by a
//! counting global allocator: arithmetic, Lua-to-Lua calls, upvalue access
//! and table get/set of existing keys must allocate nothing.
//!
//! Each case runs a Lua function at two iteration counts; the difference
//! of the two allocation counts divided by the difference of the counts is
//! the allocations per operation, printed (`cargo test -p lunar-bench
//! --test allocations -- --nocapture`) and required to be 0.

use lunar::Program;
use lunar::raw::{StateExt, Value};

/// Lua source defining `run(n)`: n iterations of one operation.
const CASES: &[(&str, &str)] = &[
    (
        "integer and float arithmetic",
        "local a, b, c = 0, 1, 2.5 return function(n) for i = 1, n do a = b + c * i - a // 3 end return a end",
    ),
    (
        "Lua-to-Lua call",
        "local function f(x) return x + 1 end return function(n) local s = 0 for i = 1, n do s = f(s) end return s end",
    ),
    (
        "upvalue get and set",
        "local u = 0 return function(n) for i = 1, n do u = u + 1 end return u end",
    ),
    (
        "table field get/set (existing key)",
        "local p = {x = 1, y = 2} return function(n) for i = 1, n do p.x = p.y + i end return p.x end",
    ),
    (
        "table array get/set (existing index)",
        "local t = {1, 2, 3, 4} return function(n) for i = 1, n do t[2] = t[1] + t[3] end return t[2] end",
    ),
    (
        "method call through __index",
        "local P = {} P.__index = P function P:get() return self.v end local o = setmetatable({v = 1}, P) return function(n) local s = 0 for i = 1, n do s = s + o:get() end return s end",
    ),
];

fn allocations_for(state: &mut lunar::raw::State, f: Value, n: i64) -> u64 {
    // Warm up first, so that the stack and any caches have grown.
    state.call(f, &[Value::Int(n)]).expect("warm-up run");
    let info = allocation_counter::measure(|| {
        state.call(f, &[Value::Int(n)]).expect("measured run");
    });
    info.count_total
}

#[test]
fn hot_paths_allocate_nothing_per_operation() {
    let mut failures = Vec::new();
    for (name, src) in CASES {
        let program = Program::compile("=alloc", src.as_bytes()).expect("compiles");
        let mut state = lunar::raw::new_state();
        let f = state.run(&program, &[]).expect("runs")[0];
        let small = allocations_for(&mut state, f, 1_000);
        let big = allocations_for(&mut state, f, 101_000);
        let per_op = (big as f64 - small as f64) / 100_000.0;
        println!(
            "{name}: {small} allocations for 1,000 iterations, {big} for 101,000: {per_op} per operation"
        );
        if big > small {
            failures.push(format!("{name}: {per_op} allocations per operation"));
        }
    }
    assert!(failures.is_empty(), "hot paths allocate: {failures:?}");
}
