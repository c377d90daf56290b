//! The debug library (§6.10), over the VM's debug API: getinfo,
//! traceback, getlocal, setlocal, getupvalue, setupvalue, upvalueid,
//! upvaluejoin, getmetatable, setmetatable, getregistry, getuservalue,
//! setuservalue, sethook, gethook, and debug.debug (a prompt reading
//! commands from the standard input).

use lunar_vm::{Error, Gc, State, Table, Thread, Value};

/// Opens the debug library (`debug` global and module).
pub fn open_debug(st: &mut State) {
    let funcs: &[(&str, lunar_vm::NativeFn)] = &[
        ("getinfo", getinfo),
        ("traceback", traceback),
        ("getlocal", getlocal),
        ("setlocal", setlocal),
        ("getupvalue", getupvalue),
        ("setupvalue", setupvalue),
        ("upvalueid", upvalueid),
        ("upvaluejoin", upvaluejoin),
        ("getmetatable", getmetatable),
        ("setmetatable", setmetatable),
        ("getregistry", getregistry),
        ("getuservalue", getuservalue),
        ("setuservalue", setuservalue),
        ("sethook", sethook),
        ("gethook", gethook),
        ("debug", debug),
    ];
    crate::table::new_lib(st, "debug", funcs);
}

/// The optional thread first argument: the thread and the offset of the
/// other arguments.
fn thread_arg(st: &State) -> (Option<Gc<Thread>>, usize) {
    match st.arg(1) {
        Value::Thread(t) => (Some(t), 1),
        _ => (None, 0),
    }
}

fn is_function(v: Value) -> bool {
    matches!(v, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_))
}

fn getinfo(st: &mut State) -> Result<usize, Error> {
    let (th, off) = thread_arg(st);
    let what = match st.opt_string(off + 2)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"flnSrtu".to_vec(),
    };
    if what.first() == Some(&b'>') {
        return Err(st.arg_error(off + 2, "invalid option '>'"));
    }
    let target = st.arg(off + 1);
    let info = if is_function(target) {
        st.debug_info_func(target)
    } else {
        let Some(level) = st.to_integer(target) else {
            return Err(st.type_error(off + 1, "number"));
        };
        // Level 0 is getinfo itself for the running thread.
        let got = match th {
            Some(co) if !co.ptr_eq(st.current_thread()) => {
                if level < 0 {
                    None
                } else {
                    st.with_thread(co, |s| s.debug_info_level(level as usize))
                }
            }
            _ => {
                if level < 0 {
                    None
                } else {
                    st.debug_info_level(level as usize)
                }
            }
        };
        match got {
            Some(i) => i,
            None => {
                st.push(Value::Nil);
                return Ok(1);
            }
        }
    };
    let is_level = !is_function(target);
    let t = st.new_table(0, 16);
    for &c in &what {
        match c {
            b'S' => {
                let v = st.str_value(&info.source);
                st.set_field(t, "source", v);
                let v = st.str_value(&info.short_src);
                st.set_field(t, "short_src", v);
                st.set_field(t, "linedefined", Value::Int(info.line_defined));
                st.set_field(t, "lastlinedefined", Value::Int(info.last_line_defined));
                let v = st.str_value(info.what.as_bytes());
                st.set_field(t, "what", v);
            }
            b'l' => st.set_field(
                t,
                "currentline",
                Value::Int(if is_level { info.current_line } else { -1 }),
            ),
            b'u' => {
                st.set_field(t, "nups", Value::Int(info.nups as i64));
                st.set_field(t, "nparams", Value::Int(info.nparams as i64));
                st.set_field(t, "isvararg", Value::Bool(info.is_vararg));
            }
            b'n' => match &info.name {
                Some((kind, name)) => {
                    let v = st.str_value(name);
                    st.set_field(t, "name", v);
                    let v = st.str_value(kind.as_bytes());
                    st.set_field(t, "namewhat", v);
                }
                None => {
                    let v = st.str_value(b"");
                    st.set_field(t, "namewhat", v);
                }
            },
            b't' => st.set_field(t, "istailcall", Value::Bool(info.is_tail_call)),
            b'r' => {
                let (ft, nt) = if is_level && th.is_none() {
                    st.transfer_info(st.to_integer(target).unwrap_or(0) as usize)
                } else {
                    (0, 0)
                };
                st.set_field(t, "ftransfer", Value::Int(ft as i64));
                st.set_field(t, "ntransfer", Value::Int(nt as i64));
            }
            b'L' => {
                if matches!(info.func, Value::LuaFn(_)) {
                    let lines = st.new_table(0, info.active_lines.len());
                    for l in &info.active_lines {
                        lines.set_int(st.heap(), *l as i64, Value::Bool(true));
                    }
                    st.set_field(t, "activelines", Value::Table(lines));
                }
            }
            b'f' => st.set_field(t, "func", info.func),
            // lua_getinfo refuses the whole request; the message does
            // not name the option (unlike a leading '>').
            _ => return Err(st.arg_error(off + 2, "invalid option")),
        }
    }
    st.push(Value::Table(t));
    Ok(1)
}

fn traceback(st: &mut State) -> Result<usize, Error> {
    let (th, off) = thread_arg(st);
    let msg = st.arg(off + 1);
    if !matches!(
        msg,
        Value::Nil | Value::Str(_) | Value::Int(_) | Value::Float(_)
    ) {
        st.push(msg);
        return Ok(1);
    }
    let other = th.is_some_and(|t| !t.ptr_eq(st.current_thread()));
    let level = if st.arg(off + 2).is_nil() {
        if other { 0 } else { 1 }
    } else {
        match st.to_integer(st.arg(off + 2)) {
            Some(l) => l,
            None => return Err(st.type_error(off + 2, "number")),
        }
    };
    let m = st.to_str(msg).map(|s| s.as_bytes().to_vec());
    let level = level.max(0) as usize;
    let text = match th {
        Some(co) if other => st.thread_traceback(co, m.as_deref(), level),
        _ => st.traceback(m.as_deref(), level),
    };
    let v = st.str_value(&text);
    st.push(v);
    Ok(1)
}

fn getlocal(st: &mut State) -> Result<usize, Error> {
    let (th, off) = thread_arg(st);
    let n = st.check_integer(off + 2)?;
    let f = st.arg(off + 1);
    if is_function(f) {
        match st.param_name(f, n) {
            Some(name) => {
                let v = st.str_value(&name);
                st.push(v);
            }
            None => st.push(Value::Nil),
        }
        return Ok(1);
    }
    let level = st.check_integer(off + 1)?;
    let r = if level < 0 {
        Err(())
    } else {
        match th {
            Some(co) if !co.ptr_eq(st.current_thread()) => {
                st.with_thread(co, |s| s.get_local(level as usize, n))
            }
            _ => st.get_local(level as usize, n),
        }
    };
    match r {
        Err(()) => Err(st.arg_error(off + 1, "level out of range")),
        Ok(None) => {
            st.push(Value::Nil);
            Ok(1)
        }
        Ok(Some((name, v))) => {
            let s = st.str_value(&name);
            st.push(s);
            st.push(v);
            Ok(2)
        }
    }
}

fn setlocal(st: &mut State) -> Result<usize, Error> {
    let (th, off) = thread_arg(st);
    let level = st.check_integer(off + 1)?;
    let n = st.check_integer(off + 2)?;
    let v = st.check_any(off + 3)?;
    let r = if level < 0 {
        Err(())
    } else {
        match th {
            Some(co) if !co.ptr_eq(st.current_thread()) => {
                st.with_thread(co, |s| s.set_local(level as usize, n, v))
            }
            _ => st.set_local(level as usize, n, v),
        }
    };
    match r {
        Err(()) => Err(st.arg_error(off + 1, "level out of range")),
        Ok(None) => {
            st.push(Value::Nil);
            Ok(1)
        }
        Ok(Some(name)) => {
            let s = st.str_value(&name);
            st.push(s);
            Ok(1)
        }
    }
}

fn check_function(st: &mut State, n: usize) -> Result<Value, Error> {
    let v = st.arg(n);
    if is_function(v) {
        Ok(v)
    } else {
        Err(st.type_error(n, "function"))
    }
}

fn getupvalue(st: &mut State) -> Result<usize, Error> {
    let f = check_function(st, 1)?;
    let n = st.check_integer(2)?;
    if n < 1 {
        return Ok(0);
    }
    match st.get_upvalue(f, n as usize) {
        Some((name, v)) => {
            let s = st.str_value(&name);
            st.push(s);
            st.push(v);
            Ok(2)
        }
        None => Ok(0),
    }
}

fn setupvalue(st: &mut State) -> Result<usize, Error> {
    let f = check_function(st, 1)?;
    let n = st.check_integer(2)?;
    let v = st.check_any(3)?;
    if n < 1 {
        return Ok(0);
    }
    match st.set_upvalue_of(f, n as usize, v) {
        Some(name) => {
            let s = st.str_value(&name);
            st.push(s);
            Ok(1)
        }
        None => Ok(0),
    }
}

/// The function at `argf` and the upvalue index at `argnup`, checked in the
/// reference's order (`checkupval`: the index first); the index is an
/// `int` there, so it is truncated as C does.
fn check_upval(st: &mut State, argf: usize, argnup: usize) -> Result<(Value, i32), Error> {
    let n = st.check_integer(argnup)? as i32;
    let f = check_function(st, argf)?;
    Ok((f, n))
}

fn upvalueid(st: &mut State) -> Result<usize, Error> {
    let (f, n) = check_upval(st, 1, 2)?;
    match (n >= 1).then(|| st.upvalue_id(f, n as usize)).flatten() {
        Some(id) => st.push(Value::LightUserData(id)),
        // An index out of range gives fail, not an error (5.4.7).
        None => st.push(Value::Nil),
    }
    Ok(1)
}

fn upvaluejoin(st: &mut State) -> Result<usize, Error> {
    // As the reference: each (function, index) pair is checked in full,
    // then the kinds of the functions.
    let (f1, n1) = check_upval(st, 1, 2)?;
    if n1 < 1 || st.upvalue_id(f1, n1 as usize).is_none() {
        return Err(st.arg_error(2, "invalid upvalue index"));
    }
    let (f2, n2) = check_upval(st, 3, 4)?;
    if n2 < 1 || st.upvalue_id(f2, n2 as usize).is_none() {
        return Err(st.arg_error(4, "invalid upvalue index"));
    }
    if !matches!(f1, Value::LuaFn(_)) {
        return Err(st.arg_error(1, "Lua function expected"));
    }
    if !matches!(f2, Value::LuaFn(_)) {
        return Err(st.arg_error(3, "Lua function expected"));
    }
    st.upvalue_join(f1, n1 as usize, f2, n2 as usize);
    Ok(0)
}

fn getmetatable(st: &mut State) -> Result<usize, Error> {
    let v = st.check_any(1)?;
    match st.metatable_of(v) {
        Some(mt) => st.push(Value::Table(mt)),
        None => st.push(Value::Nil),
    }
    Ok(1)
}

fn setmetatable(st: &mut State) -> Result<usize, Error> {
    let v = st.arg(1);
    let mt = match st.arg(2) {
        Value::Table(t) => Some(t),
        Value::Nil => None,
        _ => return Err(st.type_error(2, "nil or table")),
    };
    match v {
        Value::Table(t) => {
            t.set_metatable(mt);
            if let Some(m) = mt
                && st.has_gc_metamethod(m)
            {
                st.heap().register_finalizer(v);
            }
        }
        Value::UserData(u) => {
            u.metatable.set(mt);
            if let Some(m) = mt
                && st.has_gc_metamethod(m)
            {
                st.heap().register_finalizer(v);
            }
        }
        other => st.set_type_metatable(other.type_of(), mt),
    }
    st.set_top(1);
    Ok(1)
}

fn getregistry(st: &mut State) -> Result<usize, Error> {
    let r = st.registry();
    st.push(Value::Table(r));
    Ok(1)
}

fn getuservalue(st: &mut State) -> Result<usize, Error> {
    let n = st.opt_integer(2, 1)?;
    match st.arg(1) {
        Value::UserData(u) if n >= 1 => {
            let vals = u.user_values.borrow();
            match vals.get(n as usize - 1) {
                Some(v) => {
                    let v = *v;
                    drop(vals);
                    st.push(v);
                    st.push(Value::Bool(true));
                    Ok(2)
                }
                None => {
                    drop(vals);
                    st.push(Value::Nil);
                    Ok(1)
                }
            }
        }
        _ => {
            st.push(Value::Nil);
            Ok(1)
        }
    }
}

fn setuservalue(st: &mut State) -> Result<usize, Error> {
    let Value::UserData(u) = st.arg(1) else {
        return Err(st.type_error(1, "userdata"));
    };
    let v = st.check_any(2)?;
    let n = st.opt_integer(3, 1)?;
    let ok = n >= 1 && {
        let mut vals = u.user_values.borrow_mut();
        match vals.get_mut(n as usize - 1) {
            Some(slot) => {
                *slot = v;
                true
            }
            None => false,
        }
    };
    if ok {
        st.set_top(1);
    } else {
        st.push(Value::Nil);
    }
    Ok(1)
}

fn sethook(st: &mut State) -> Result<usize, Error> {
    let (th, off) = thread_arg(st);
    let f = st.arg(off + 1);
    let (func, mask, count) = if f.is_nil() || st.top() <= off {
        (Value::Nil, Vec::new(), 0)
    } else {
        let mask = st.check_string(off + 2)?.as_bytes().to_vec();
        if !is_function(f) {
            return Err(st.type_error(off + 1, "function"));
        }
        let count = st.opt_integer(off + 3, 0)?;
        (f, mask, count)
    };
    let key = Value::Thread(th.unwrap_or_else(|| st.current_thread()));
    match th {
        Some(co) if !co.ptr_eq(st.current_thread()) => {
            st.with_thread(co, |s| s.set_hook(func, &mask, count))
        }
        _ => st.set_hook(func, &mask, count),
    }
    // The hooks live in the threads; the reference's table of hooks by
    // thread (`_HOOKKEY` in the registry, weak keys) is kept as well, for
    // the programs that look at it.
    let table = hook_table(st);
    st.raw_set(table, key, func)?;
    Ok(0)
}

/// The registry's `_HOOKKEY` table (thread -> hook function, weak keys),
/// made on first use; as in the reference, it is its own metatable.
fn hook_table(st: &mut State) -> Gc<Table> {
    let reg = st.registry();
    if let Value::Table(t) = st.get_field(reg, "_HOOKKEY") {
        return t;
    }
    let t = st.new_table(0, 2);
    let k = st.str_value(b"k");
    st.set_field(t, "__mode", k);
    t.set_metatable(Some(t));
    st.set_field(reg, "_HOOKKEY", Value::Table(t));
    t
}

fn gethook(st: &mut State) -> Result<usize, Error> {
    let (th, _) = thread_arg(st);
    let h = match th {
        Some(co) if !co.ptr_eq(st.current_thread()) => st.with_thread(co, |s| s.get_hook()),
        _ => st.get_hook(),
    };
    match h {
        None => {
            st.push(Value::Nil);
            Ok(1)
        }
        Some((f, mask, count)) => {
            st.push(f);
            let m = st.str_value(&mask);
            st.push(m);
            st.push(Value::Int(count));
            Ok(3)
        }
    }
}

/// `debug.debug()`: runs the lines of the process's standard input as
/// commands until a line `cont` or the end of the input (the reference's
/// `db_debug`).
fn debug(st: &mut State) -> Result<usize, Error> {
    // Through the process-wide stdin buffer, which `io.stdin` reads from
    // too: what follows "cont" stays for the script.
    let stdin = std::io::stdin();
    debug_loop(st, &mut stdin.lock())
}

/// The loop of `debug.debug` over `input`: prompts with "lua_debug> " on
/// the state's stderr, runs each line as a chunk named "=(debug command)"
/// (text or binary, with the globals as its environment), and prints the
/// message of an error on stderr (converted as `tostring` does; an error
/// in that conversion ends the loop with it, as in the reference). A limit
/// that stops the run ends it too.
fn debug_loop(st: &mut State, input: &mut dyn std::io::BufRead) -> Result<usize, Error> {
    let mut line = Vec::new();
    loop {
        write_stderr(st, b"lua_debug> ");
        line.clear();
        // A read error ends the input, as fgets returning NULL does.
        let n = input.read_until(b'\n', &mut line).unwrap_or(0);
        if n == 0 || line == b"cont\n" {
            return Ok(0);
        }
        let r = match st.load(&line, b"=(debug command)", "bt", None) {
            Ok(f) => st.pcall(f, &[], None).map(drop),
            Err(e) => Err(e),
        };
        match r {
            Ok(()) => {}
            Err(Error::Runtime) => {
                let v = st.take_error_value();
                let msg = st.to_display(v)?;
                let mut out = msg.as_bytes().to_vec();
                out.push(b'\n');
                write_stderr(st, &out);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Writes to the state's stderr and flushes it (as `lua_writestringerror`
/// does); a failed write is ignored, as there.
fn write_stderr(st: &mut State, b: &[u8]) {
    let w = st.stderr();
    let _ = w.write_all(b);
    let _ = w.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
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

    /// Runs `debug_loop` over `input` in a fresh state; returns its result,
    /// what went to stdout and to stderr, and what is left of the input.
    fn session(input: &[u8]) -> (Result<usize, String>, String, String, String) {
        let (out, err) = (Sink(Arc::default()), Sink(Arc::default()));
        let mut st = State::new();
        st.set_stdout(Box::new(out.clone()));
        st.set_stderr(Box::new(err.clone()));
        crate::open_all(&mut st);
        let mut cursor = std::io::Cursor::new(input);
        let r = debug_loop(&mut st, &mut cursor).map_err(|e| match e {
            Error::Runtime => match st.take_error_value() {
                Value::Str(s) => s.to_str_lossy().into_owned(),
                v => format!("{v:?}"),
            },
            e => format!("{e:?}"),
        });
        let rest = &input[cursor.position() as usize..];
        let text = |s: &Sink| String::from_utf8_lossy(&s.0.lock().unwrap()).into_owned();
        (
            r,
            text(&out),
            text(&err),
            String::from_utf8_lossy(rest).into_owned(),
        )
    }

    #[test]
    fn debug_runs_commands_until_cont() {
        // The session of the Go version's debugdebug.txtar, plus other
        // error values; stderr as lua5.4 writes it.
        let (r, out, err, rest) = session(
            b"print(\"in debug\")\nerror(\"oops\")\n\
              error(setmetatable({}, {__tostring = function () return \"custom\" end}))\n\
              x(\nerror()\nx = 1 return x, 2\nprint(x)\ncont\nprint(\"after\")\n",
        );
        assert_eq!(r, Ok(0));
        assert_eq!(out, "in debug\n1\n");
        assert_eq!(
            err,
            "lua_debug> lua_debug> (debug command):1: oops\n\
             lua_debug> custom\n\
             lua_debug> (debug command):2: unexpected symbol near <eof>\n\
             lua_debug> nil\nlua_debug> lua_debug> lua_debug> "
        );
        assert_eq!(rest, "print(\"after\")\n");
    }

    #[test]
    fn debug_ends_at_end_of_input() {
        // A last line without a newline still runs; "cont" must be a
        // whole line.
        let (r, out, err, _) = session(b"print('from debug')\nprint('last')");
        assert_eq!(r, Ok(0));
        assert_eq!(out, "from debug\nlast\n");
        assert_eq!(err, "lua_debug> lua_debug> lua_debug> ");
        let (r, _, err, _) = session(b"cont");
        assert_eq!(r, Ok(0));
        assert_eq!(
            err,
            "lua_debug> (debug command):1: syntax error near <eof>\nlua_debug> "
        );
    }

    #[test]
    fn debug_propagates_a_failed_conversion() {
        // luaL_tolstring's error is not caught by db_debug.
        let (r, _, err, rest) = session(
            b"error(setmetatable({}, {__tostring = function () return {} end}))\nprint(1)\n",
        );
        assert_eq!(r, Err("'__tostring' must return a string".into()));
        assert_eq!(err, "lua_debug> ");
        assert_eq!(rest, "print(1)\n");
    }
}
