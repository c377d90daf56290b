//! `--boundary`: the cost of crossing between Rust and Lua, in-process,
//! for Lunar (through the `lunar` crate and the VM's native API) and, with
//! the `peers` feature, mlua (C Lua 5.4):
//!
//! - *Rust→Lua call (raw API)*: Rust calls a Lua function `x -> x + 1`
//!   N times, Lunar through the VM's native API (`lunar::raw`, `call1`);
//! - *Rust→Lua call (typed API)*: the same through the typed API users
//!   call, `lunar::Function::call::<_, i64>` (mlua's typed
//!   `Function::call::<i64>` on both rows: mlua has no other);
//! - *Lua→Rust call (raw API)*: a Lua loop calls a Rust function
//!   `x -> x + 1` N times, for Lunar a native of the VM's API;
//! - *Lua→Rust call (typed API)*: the same with a typed Rust closure
//!   (`lunar::State::create_function(|_, x: i64| ...)`; mlua's typed
//!   `create_function` on both rows);
//! - *userdata field set*: a Lua loop sets `u.x = i` N times on a userdata
//!   whose `__newindex` is a Rust function that stores into the Rust data;
//! - *userdata field set (typed API)*: the same through the typed API,
//!   a `lunar::UserData` type with a field setter
//!   (`add_field_method_set`; mlua's `UserData` as in the case above).
//!
//! Each case is timed with `Instant` over several rounds; the table gives
//! the median in nanoseconds per operation and the ratio Lunar/mlua. Every
//! case checks its result, so a loop that did nothing cannot look fast.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The cases, in table order.
pub const CASES: &[&str] = &[
    "Rust→Lua call (raw API)",
    "Rust→Lua call (typed API)",
    "Lua→Rust call (raw API)",
    "Lua→Rust call (typed API)",
    "userdata field set",
    "userdata field set (typed API)",
];

/// One engine's median ns per operation for each case (`Err` explains a
/// case that could not run).
pub struct Row {
    /// Engine name.
    pub engine: &'static str,
    /// One entry per [`CASES`] item.
    pub ns: Vec<Result<f64, String>>,
}

/// Runs every case on every engine (`rounds` rounds of `n` operations) and
/// returns the rows.
pub fn measure(n: u64, rounds: usize) -> Vec<Row> {
    let mut rows = vec![Row {
        engine: "lunar",
        ns: Vec::new(),
    }];
    if crate::peers::ENABLED {
        rows.push(Row {
            engine: "mlua",
            ns: Vec::new(),
        });
    }
    for (ci, _) in CASES.iter().enumerate() {
        // Rounds interleave the engines, as the main harness does.
        let mut times: Vec<Result<Vec<Duration>, String>> =
            rows.iter().map(|_| Ok(Vec::new())).collect();
        for _ in 0..rounds.max(1) {
            for (ri, row) in rows.iter().enumerate() {
                let Ok(ts) = &mut times[ri] else { continue };
                let r = match row.engine {
                    "lunar" => lunar_case(ci, n),
                    _ => mlua_case(ci, n),
                };
                match r {
                    Ok(d) => ts.push(d),
                    Err(e) => times[ri] = Err(e),
                }
            }
        }
        for (row, t) in rows.iter_mut().zip(times) {
            row.ns
                .push(t.map(|ts| crate::results::median(ts).as_secs_f64() * 1e9 / n as f64));
        }
    }
    rows
}

/// The Markdown table: ns per operation per engine and the ratio.
pub fn markdown(rows: &[Row], n: u64, rounds: usize, machine: &str, date: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Crossing the Rust/Lua boundary\n");
    let _ = writeln!(s, "- Date: {date}");
    let _ = writeln!(s, "- Machine: {machine}");
    let _ = writeln!(
        s,
        "- Method: in-process, N = {n} operations per round, {rounds} interleaved round(s), timed with `std::time::Instant`; each number is the median round divided by N (nanoseconds per operation, lower is faster)."
    );
    let _ = writeln!(
        s,
        "- Cases: a Rust loop calling a Lua function `x -> x + 1`, through Lunar's raw API (`lunar::raw` `call1`, no conversions) and through its typed API (`lunar::Function::call::<_, i64>`, what embedders call), mlua's typed `Function::call::<i64>` in both; a Lua loop calling a Rust function `x -> x + 1`, for Lunar a native of the raw API and a typed closure (`State::create_function(|_, x: i64| ...)`), mlua's typed `create_function` in both; a Lua loop setting `u.x = i` on a userdata whose `__newindex` is a Rust function writing the Rust struct (Lunar: `State::new_userdata` with a metatable of natives; mlua: `UserData` with a `__newindex` meta method), and the same through Lunar's typed API (`lunar::UserData` with `add_field_method_set`; mlua as before).\n"
    );
    let _ = write!(s, "| case |");
    for r in rows {
        let _ = write!(s, " {} (ns/op) |", r.engine);
    }
    let has_ratio = rows.len() == 2;
    if has_ratio {
        let _ = write!(s, " lunar/mlua |");
    }
    let _ = write!(s, "\n|---|");
    for _ in 0..rows.len() + usize::from(has_ratio) {
        let _ = write!(s, "--:|");
    }
    s.push('\n');
    for (ci, case) in CASES.iter().enumerate() {
        let _ = write!(s, "| {case} |");
        for r in rows {
            match &r.ns[ci] {
                Ok(x) => {
                    let _ = write!(s, " {x:.1} |");
                }
                Err(_) => s.push_str(" failed |"),
            }
        }
        if has_ratio {
            match (&rows[0].ns[ci], &rows[1].ns[ci]) {
                (Ok(a), Ok(b)) if *b > 0.0 => {
                    let _ = write!(s, " {:.2} |", a / b);
                }
                _ => s.push_str(" — |"),
            }
        }
        s.push('\n');
    }
    if !has_ratio {
        let _ = writeln!(
            s,
            "\nmlua is not compiled in: build with `--features peers` for the comparison."
        );
    }
    let errors: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            r.ns.iter().zip(CASES).filter_map(move |(x, c)| {
                x.as_ref()
                    .err()
                    .map(|e| format!("- {c} on {}: {e}", r.engine))
            })
        })
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(s, "\n## Failures\n\n{}", errors.join("\n"));
    }
    s
}

/// The Rust data behind the userdata of the field-set case.
#[derive(Default)]
struct Point {
    x: i64,
}

/// The Lua loops of the Lua→Rust and userdata cases; both return what the
/// Rust side must have seen, so that the case checks itself.
const CALL_LOOP: &[u8] = b"local f, n = ...\nlocal x = 0\nfor i = 1, n do x = f(x) end\nreturn x";
const FIELD_LOOP: &[u8] = b"local u, n = ...\nfor i = 1, n do u.x = i end\nreturn u.x";
const ADD1: &[u8] = b"return function(x) return x + 1 end";

fn lunar_case(case: usize, n: u64) -> Result<Duration, String> {
    use lunar::Program;
    use lunar::raw::{StateExt, Value};
    match case {
        1 => return lunar_typed_call(n),
        3 => return lunar_typed_function(n),
        5 => return lunar_typed_userdata(n),
        _ => {}
    }
    let mut st = lunar::raw::new_state();
    let compile = |src: &[u8]| Program::compile("=boundary", src).map_err(|e| e.to_string());
    let want = n as i64;
    let (elapsed, got) = match case {
        0 => {
            let f = st
                .run(&compile(ADD1)?, &[])
                .map_err(|e| e.to_string())?
                .first()
                .copied()
                .unwrap_or(Value::Nil);
            let mut acc = Value::Int(0);
            let t = Instant::now();
            for _ in 0..n {
                acc = st.call1(f, &[acc]).map_err(|e| format!("{e:?}"))?;
            }
            (t.elapsed(), acc)
        }
        2 => {
            let p = compile(CALL_LOOP)?;
            let f = st.new_native(lunar_add1, &[]);
            let t = Instant::now();
            let r = st
                .run(&p, &[f, Value::Int(want)])
                .map_err(|e| e.to_string())?;
            (t.elapsed(), r.first().copied().unwrap_or(Value::Nil))
        }
        _ => {
            let p = compile(FIELD_LOOP)?;
            let u = st.new_userdata(Box::new(Point::default()));
            let mt = st.new_table(0, 2);
            let set = st.new_native(lunar_point_newindex, &[]);
            let get = st.new_native(lunar_point_index, &[]);
            st.set_field(mt, "__newindex", set);
            st.set_field(mt, "__index", get);
            let Value::UserData(ud) = u else {
                return Err("new_userdata made no userdata".into());
            };
            ud.metatable.set(Some(mt));
            let t = Instant::now();
            let r = st
                .run(&p, &[u, Value::Int(want)])
                .map_err(|e| e.to_string())?;
            (t.elapsed(), r.first().copied().unwrap_or(Value::Nil))
        }
    };
    lunar::raw::close_state(st);
    match got {
        Value::Int(x) if x == want => Ok(elapsed),
        other => Err(format!("the loop ended with {other:?}, not {want}")),
    }
}

/// The Rust→Lua case through the typed API: `lunar::State` and
/// `lunar::Function::call`, with the conversions of `i64` both ways.
fn lunar_typed_call(n: u64) -> Result<Duration, String> {
    let mut state = lunar::State::new();
    let e = |e: lunar::Error| e.to_string();
    let f: lunar::Function = state
        .exec(
            "=boundary",
            std::str::from_utf8(ADD1).map_err(|e| e.to_string())?,
        )
        .map_err(e)?;
    let mut acc = 0i64;
    let t = Instant::now();
    for _ in 0..n {
        acc = f.call::<_, i64>(&mut state, acc).map_err(e)?;
    }
    let elapsed = t.elapsed();
    if acc == n as i64 {
        Ok(elapsed)
    } else {
        Err(format!("the loop ended with {acc}, not {n}"))
    }
}

/// The Lua→Rust case through the typed API: a Rust closure made a Lua
/// function by `lunar::State::create_function`.
fn lunar_typed_function(n: u64) -> Result<Duration, String> {
    let mut state = lunar::State::new();
    let e = |e: lunar::Error| e.to_string();
    let f = state.create_function(|_, x: i64| Ok(x + 1));
    let chunk: lunar::Function = state
        .exec(
            "=boundary",
            format!(
                "return function(...) {} end",
                std::str::from_utf8(CALL_LOOP).map_err(|e| e.to_string())?
            ),
        )
        .map_err(e)?;
    let want = n as i64;
    let t = Instant::now();
    let got = chunk.call::<_, i64>(&mut state, (f, want)).map_err(e)?;
    let elapsed = t.elapsed();
    if got == want {
        Ok(elapsed)
    } else {
        Err(format!("the loop ended with {got}, not {want}"))
    }
}

/// The field-set case through the typed API: `Point` as a
/// `lunar::UserData` with a getter and a setter of `x`.
fn lunar_typed_userdata(n: u64) -> Result<Duration, String> {
    let mut state = lunar::State::new();
    let e = |e: lunar::Error| e.to_string();
    let u = state.create_userdata(Point::default()).map_err(e)?;
    let chunk: lunar::Function = state
        .exec(
            "=boundary",
            format!(
                "return function(...) {} end",
                std::str::from_utf8(FIELD_LOOP).map_err(|e| e.to_string())?
            ),
        )
        .map_err(e)?;
    let want = n as i64;
    let t = Instant::now();
    let got = chunk.call::<_, i64>(&mut state, (u, want)).map_err(e)?;
    let elapsed = t.elapsed();
    if got == want {
        Ok(elapsed)
    } else {
        Err(format!("the loop ended with {got}, not {want}"))
    }
}

/// Lunar's typed API sees `Point` through a field's getter and setter.
impl lunar::UserData for Point {
    fn add_fields(f: &mut lunar::UserDataFields<Self>) {
        f.add_field_method_get("x", |_, p| Ok(p.x));
        f.add_field_method_set("x", |_, p, x: i64| {
            p.x = x;
            Ok(())
        });
    }
}

fn lunar_add1(st: &mut lunar::raw::State) -> Result<usize, lunar::raw::Error> {
    let x = st.check_integer(1)?;
    st.push(lunar::raw::Value::Int(x + 1));
    Ok(1)
}

/// Checks that key `n` is the string "x", as a userdata with one field does.
fn lunar_key_is_x(st: &mut lunar::raw::State, n: usize) -> Result<(), lunar::raw::Error> {
    match st.arg(n) {
        lunar::raw::Value::Str(s) if s.as_bytes() == b"x" => Ok(()),
        _ => Err(st.error_str("no such field")),
    }
}

fn lunar_point_newindex(st: &mut lunar::raw::State) -> Result<usize, lunar::raw::Error> {
    lunar_key_is_x(st, 2)?;
    let v = st.check_integer(3)?;
    let lunar::raw::Value::UserData(u) = st.arg(1) else {
        return Err(st.type_error(1, "userdata"));
    };
    let mut data = u.data.borrow_mut();
    let Some(p) = data.downcast_mut::<Point>() else {
        drop(data);
        return Err(st.type_error(1, "Point"));
    };
    p.x = v;
    Ok(0)
}

fn lunar_point_index(st: &mut lunar::raw::State) -> Result<usize, lunar::raw::Error> {
    lunar_key_is_x(st, 2)?;
    let lunar::raw::Value::UserData(u) = st.arg(1) else {
        return Err(st.type_error(1, "userdata"));
    };
    let x = u.data.borrow().downcast_ref::<Point>().map(|p| p.x);
    match x {
        Some(x) => {
            st.push(lunar::raw::Value::Int(x));
            Ok(1)
        }
        None => Err(st.type_error(1, "Point")),
    }
}

/// mlua sees `Point` through a `__newindex` (and `__index`) meta method
/// that checks the key, as Lunar's natives do.
#[cfg(feature = "peers")]
impl mlua::UserData for Point {
    fn add_methods<M: mlua::UserDataMethods<Self>>(methods: &mut M) {
        methods.add_meta_method_mut(
            mlua::MetaMethod::NewIndex,
            |_, this, (k, v): (mlua::LuaString, i64)| {
                if k.as_bytes().as_ref() != b"x" {
                    return Err(mlua::Error::runtime("no such field"));
                }
                this.x = v;
                Ok(())
            },
        );
        methods.add_meta_method(mlua::MetaMethod::Index, |_, this, k: mlua::LuaString| {
            if k.as_bytes().as_ref() != b"x" {
                return Err(mlua::Error::runtime("no such field"));
            }
            Ok(this.x)
        });
    }
}

#[cfg(feature = "peers")]
fn mlua_case(case: usize, n: u64) -> Result<Duration, String> {
    use mlua::{Function, Lua};
    let lua = Lua::new();
    let e = |e: mlua::Error| e.to_string();
    let want = n as i64;
    let (elapsed, got) = match case {
        0 | 1 => {
            let f: Function = lua.load(ADD1).eval().map_err(e)?;
            let mut acc = 0i64;
            let t = Instant::now();
            for _ in 0..n {
                acc = f.call::<i64>(acc).map_err(e)?;
            }
            (t.elapsed(), acc)
        }
        2 | 3 => {
            let f = lua.create_function(|_, x: i64| Ok(x + 1)).map_err(e)?;
            let chunk: Function = lua.load(CALL_LOOP).into_function().map_err(e)?;
            let t = Instant::now();
            let r = chunk.call::<i64>((f, want)).map_err(e)?;
            (t.elapsed(), r)
        }
        _ => {
            let u = lua.create_userdata(Point::default()).map_err(e)?;
            let chunk: Function = lua.load(FIELD_LOOP).into_function().map_err(e)?;
            let t = Instant::now();
            let r = chunk.call::<i64>((u, want)).map_err(e)?;
            (t.elapsed(), r)
        }
    };
    if got == want {
        Ok(elapsed)
    } else {
        Err(format!("the loop ended with {got}, not {want}"))
    }
}

#[cfg(not(feature = "peers"))]
fn mlua_case(_case: usize, _n: u64) -> Result<Duration, String> {
    Err("mlua is not compiled in: build with --features peers".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_runs_and_checks_its_result_on_lunar() {
        for (case, name) in CASES.iter().enumerate() {
            assert!(
                lunar_case(case, 100).is_ok(),
                "{name}: {:?}",
                lunar_case(case, 100)
            );
        }
    }

    #[cfg(feature = "peers")]
    #[test]
    fn every_case_runs_and_checks_its_result_on_mlua() {
        for (case, name) in CASES.iter().enumerate() {
            assert!(
                mlua_case(case, 100).is_ok(),
                "{name}: {:?}",
                mlua_case(case, 100)
            );
        }
    }

    #[test]
    fn the_table_has_a_ratio_column_only_with_two_engines() {
        let rows = vec![
            Row {
                engine: "lunar",
                ns: vec![
                    Ok(20.0),
                    Ok(25.0),
                    Ok(30.0),
                    Ok(30.0),
                    Err("x".into()),
                    Ok(40.0),
                ],
            },
            Row {
                engine: "mlua",
                ns: vec![Ok(10.0), Ok(10.0), Ok(30.0), Ok(30.0), Ok(5.0), Ok(5.0)],
            },
        ];
        let md = markdown(&rows, 10, 1, "m", "d");
        assert!(
            md.contains("| Rust→Lua call (raw API) | 20.0 | 10.0 | 2.00 |"),
            "{md}"
        );
        assert!(
            md.contains("| Rust→Lua call (typed API) | 25.0 | 10.0 | 2.50 |"),
            "{md}"
        );
        assert!(
            md.contains("| userdata field set | failed | 5.0 | — |"),
            "{md}"
        );
        assert!(md.contains("userdata field set on lunar: x"));
        assert!(
            md.contains("| userdata field set (typed API) | 40.0 | 5.0 | 8.00 |"),
            "{md}"
        );
        let md = markdown(&rows[..1], 10, 1, "m", "d");
        assert!(!md.contains("lunar/mlua"));
    }
}
