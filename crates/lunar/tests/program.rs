//! `Program` and running it: compiled once, run on many states and
//! threads at once; arguments, results and errors at the host boundary.

use lunar::Program;
use lunar::raw::{StateExt, Value};
use std::sync::{Arc, Barrier};

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

#[test]
fn program_is_send_sync_and_clone() {
    assert_send_sync_clone::<Program>();
}

/// A state may move to another thread between runs.
#[test]
fn a_state_moves_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<lunar::raw::State>();
    let p = Program::compile("inc.lua", b"n = (n or 0) + 1 return n").unwrap();
    let mut state = lunar::raw::new_state();
    state.run(&p, &[]).unwrap();
    let p2 = p.clone();
    let n = std::thread::spawn(move || {
        let res = state.run(&p2, &[]).unwrap();
        matches!(res[0], Value::Int(2))
    })
    .join()
    .unwrap();
    assert!(n, "the state kept its globals across the move");
}

/// Two states on two threads run the same `Program` at the same time;
/// each gets its own globals and its own results.
#[test]
fn one_program_two_threads_at_once() {
    let program = Program::compile(
        "count.lua",
        b"local n, label = ...
          counter = (counter or 0) + 1
          local t = {}
          for i = 1, n do t[i] = i * i end
          local sum = 0
          for _, v in ipairs(t) do sum = sum + v end
          return label .. ':' .. sum, counter",
    )
    .expect("compiles");
    let start = Arc::new(Barrier::new(2));
    let handles: Vec<_> = (0..2i64)
        .map(|k| {
            let program = program.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                let mut state = lunar::raw::new_state();
                start.wait();
                let mut out = Vec::new();
                for round in 0..50 {
                    let label = state.str_value(format!("t{k}").as_bytes());
                    let res = state
                        .run(&program, &[Value::Int(1000 + k), label])
                        .expect("runs");
                    let text = match res[0] {
                        Value::Str(s) => s.to_str_lossy().into_owned(),
                        other => panic!("not a string: {other:?}"),
                    };
                    // Globals are per state: the counter counts this
                    // state's runs only.
                    assert!(
                        matches!(res[1], Value::Int(c) if c == round + 1),
                        "{:?}",
                        res[1]
                    );
                    out.push(text);
                }
                out
            })
        })
        .collect();
    for (k, h) in handles.into_iter().enumerate() {
        let out = h.join().expect("thread ran");
        let n = 1000 + k as i64;
        let want = format!("t{k}:{}", n * (n + 1) * (2 * n + 1) / 6);
        assert!(out.iter().all(|s| *s == want), "{:?} vs {want}", &out[..2]);
    }
}

#[test]
fn runtime_errors_come_back_with_the_message() {
    let p = Program::compile("=boom", b"local x = ...\nerror('bad ' .. x)").unwrap();
    let mut state = lunar::raw::new_state();
    let arg = state.str_value(b"thing");
    let err = state.run(&p, &[arg]).unwrap_err();
    assert_eq!(err.message, "boom:2: bad thing");
    assert_eq!(err.to_string(), "boom:2: bad thing");
    let p = Program::compile(
        "obj.lua",
        b"error(setmetatable({}, {__tostring = function() return 'obj!' end}))",
    )
    .unwrap();
    assert_eq!(state.run(&p, &[]).unwrap_err().message, "obj!");
    let p = Program::compile("tbl.lua", b"error({})").unwrap();
    assert_eq!(
        state.run(&p, &[]).unwrap_err().message,
        "(error object is a table value)"
    );
}

#[test]
fn syntax_errors_name_the_chunk() {
    let err = Program::compile("x.lua", b"if then").unwrap_err();
    assert_eq!(err.to_string(), "x.lua:1: unexpected symbol near 'then'");
    let err = Program::compile("=stdin", b"x = ").unwrap_err();
    assert_eq!(err.to_string(), "stdin:1: unexpected symbol near <eof>");
    // A first '#' line is skipped, and line numbers stay right.
    let err = Program::compile("s.lua", b"#!/usr/bin/env lunar\nx = = 1").unwrap_err();
    assert_eq!(err.to_string(), "s.lua:2: unexpected symbol near '='");
}

#[test]
fn a_state_runs_many_programs_and_keeps_its_globals() {
    let mut state = lunar::raw::new_state();
    let set = Program::compile("set.lua", b"greeting = 'hello'").unwrap();
    let get = Program::compile("get.lua", b"return greeting .. ', ' .. select('#', ...)").unwrap();
    state.run(&set, &[]).unwrap();
    let res = state.run(&get, &[Value::Nil, Value::Bool(true)]).unwrap();
    assert!(matches!(res[0], Value::Str(s) if s.as_bytes() == b"hello, 2"));
}
