//! The basic library (§6.1): assert, collectgarbage, dofile, error,
//! getmetatable, ipairs, load, loadfile, next, pairs, pcall, print,
//! rawequal, rawget, rawlen, rawset, select, setmetatable, tonumber,
//! tostring, type, xpcall, warn, `_G` and `_VERSION`.

use lunar_vm::{Error, State, Type, Value};
use std::io::Read;

/// Opens the basic library into the globals.
pub fn open_base(st: &mut State) {
    let g = st.globals();
    let v = st.str_value(b"Lua 5.4");
    let funcs: &[(&str, lunar_vm::NativeFn)] = &[
        ("assert", assert),
        ("collectgarbage", collectgarbage),
        ("dofile", dofile),
        ("error", error),
        ("getmetatable", getmetatable),
        ("ipairs", ipairs),
        ("load", load),
        ("loadfile", loadfile),
        ("next", next),
        ("pairs", pairs),
        ("pcall", pcall),
        ("print", print),
        ("rawequal", rawequal),
        ("rawget", rawget),
        ("rawlen", rawlen),
        ("rawset", rawset),
        ("select", select),
        ("setmetatable", setmetatable),
        ("tonumber", tonumber),
        ("tostring", tostring),
        ("type", type_),
        ("warn", warn),
        ("xpcall", xpcall),
    ];
    let fields = [("_G", Value::Table(g)), ("_VERSION", v)];
    // Room for them all (none if `open_all` made it already).
    g.reserve(st.heap(), fields.len() + funcs.len());
    crate::table::set_fields(st, g, &fields, funcs);
    let loaded = match st.get_field(st.registry(), "_LOADED") {
        Value::Table(t) => t,
        _ => return,
    };
    st.set_field(loaded, "_G", Value::Table(g));
}

fn assert(st: &mut State) -> Result<usize, Error> {
    if st.top() == 0 {
        return Err(st.arg_error(1, "value expected"));
    }
    if st.arg(1).truthy() {
        return Ok(st.top());
    }
    if st.top() < 2 {
        return Err(st.error_str("assertion failed!"));
    }
    let v = st.arg(2);
    Err(raise_with_level(st, v, 1))
}

fn raise_with_level(st: &mut State, v: Value, level: i64) -> Error {
    if let Value::Str(s) = v
        && level > 0
    {
        let mut out = st.where_(level as usize);
        out.extend_from_slice(s.as_bytes());
        let v = st.str_value(&out);
        return st.raise(v);
    }
    st.raise(v)
}

fn error(st: &mut State) -> Result<usize, Error> {
    let v = st.arg(1);
    let level = st.opt_integer(2, 1)?;
    Err(raise_with_level(st, v, level))
}

fn getmetatable(st: &mut State) -> Result<usize, Error> {
    let v = st.check_any(1)?;
    match st.metatable_of(v) {
        None => st.push(Value::Nil),
        Some(mt) => {
            let p = st.get_field(mt, "__metatable");
            if p.is_nil() {
                st.push(Value::Table(mt));
            } else {
                st.push(p);
            }
        }
    }
    Ok(1)
}

fn setmetatable(st: &mut State) -> Result<usize, Error> {
    let t = st.check_table(1)?;
    let mv = st.arg(2);
    if st.top() < 2 || !matches!(mv, Value::Nil | Value::Table(_)) {
        return Err(st.type_error(2, "nil or table"));
    }
    if let Some(old) = t.metatable()
        && !st.get_field(old, "__metatable").is_nil()
    {
        return Err(st.error_str("cannot change a protected metatable"));
    }
    let mt = match mv {
        Value::Table(m) => Some(m),
        _ => None,
    };
    t.set_metatable(mt);
    if let Some(m) = mt
        && st.has_gc_metamethod(m)
    {
        st.heap().register_finalizer(Value::Table(t));
    }
    st.set_top(1);
    Ok(1)
}

fn ipairs_aux(st: &mut State) -> Result<usize, Error> {
    let i = st.arg(2);
    let i = match i {
        Value::Int(i) => i.wrapping_add(1),
        _ => 1,
    };
    let obj = st.arg(1);
    let v = match obj {
        Value::Table(t) if t.metatable().is_none() => t.get_int(i),
        _ => st.index(obj, Value::Int(i))?,
    };
    if v.is_nil() {
        st.push(Value::Nil);
        return Ok(1);
    }
    st.push(Value::Int(i));
    st.push(v);
    Ok(2)
}

fn ipairs(st: &mut State) -> Result<usize, Error> {
    let v = st.check_any(1)?;
    st.push(Value::LightFn(ipairs_aux));
    st.push(v);
    st.push(Value::Int(0));
    Ok(3)
}

fn pairs_cont(_st: &mut State, _ok: bool, _ctx: isize) -> Result<usize, Error> {
    Ok(3)
}

fn pairs(st: &mut State) -> Result<usize, Error> {
    let v = st.check_any(1)?;
    let h = st.metafield(v, "__pairs");
    if !h.is_nil() {
        st.set_top(1);
        st.push(h);
        st.push(v);
        return st.call_k(2, 3, 0, pairs_cont);
    }
    st.push(Value::LightFn(next));
    st.push(v);
    st.push(Value::Nil);
    Ok(3)
}

fn next(st: &mut State) -> Result<usize, Error> {
    let t = st.check_table(1)?;
    let k = st.arg(2);
    match t.next(k) {
        Ok(Some((k, v))) => {
            st.push(k);
            st.push(v);
            Ok(2)
        }
        Ok(None) => {
            st.push(Value::Nil);
            Ok(1)
        }
        Err(()) => {
            let v = st.str_value(b"invalid key to 'next'");
            Err(st.raise(v))
        }
    }
}

fn finish_pcall(st: &mut State, ok: bool, _ctx: isize) -> Result<usize, Error> {
    if ok {
        st.insert_arg(1, Value::Bool(true));
        Ok(st.top())
    } else {
        let e = st.arg(1);
        st.set_arg(1, Value::Bool(false));
        st.push(e);
        Ok(2)
    }
}

fn pcall(st: &mut State) -> Result<usize, Error> {
    st.check_any(1)?;
    st.pcall_k(1, -1, None, 0, finish_pcall)
}

fn finish_xpcall(st: &mut State, ok: bool, _ctx: isize) -> Result<usize, Error> {
    // The handler is argument 1, the call's results (or the error) from 2.
    st.set_arg(1, Value::Bool(ok));
    Ok(st.top())
}

fn xpcall(st: &mut State) -> Result<usize, Error> {
    let h = st.arg(2);
    if st.top() < 2 || !matches!(h, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)) {
        return Err(st.type_error(2, "function"));
    }
    // [f, h, args...] -> [h, f, args...]
    let f = st.arg(1);
    st.set_arg(1, h);
    st.set_arg(2, f);
    st.pcall_k(2, -1, Some(1), 0, finish_xpcall)
}

fn print(st: &mut State) -> Result<usize, Error> {
    let n = st.top();
    let mut out: Vec<u8> = Vec::new();
    for i in 1..=n {
        if i > 1 {
            out.push(b'\t');
        }
        let v = st.arg(i);
        let s = st.to_display(v)?;
        out.extend_from_slice(s.as_bytes());
    }
    out.push(b'\n');
    let w = st.stdout();
    let _ = w.write_all(&out);
    let _ = w.flush();
    Ok(0)
}

fn rawequal(st: &mut State) -> Result<usize, Error> {
    let a = st.check_any(1)?;
    let b = st.check_any(2)?;
    st.push(Value::Bool(a.raw_eq(&b)));
    Ok(1)
}

fn rawlen(st: &mut State) -> Result<usize, Error> {
    match st.arg(1) {
        Value::Table(t) => st.push(Value::Int(t.len())),
        Value::Str(s) => st.push(Value::Int(s.len() as i64)),
        _ => return Err(st.type_error(1, "table or string")),
    }
    Ok(1)
}

fn rawget(st: &mut State) -> Result<usize, Error> {
    let t = st.check_table(1)?;
    let k = st.check_any(2)?;
    st.push(t.get(k));
    Ok(1)
}

fn rawset(st: &mut State) -> Result<usize, Error> {
    let t = st.check_table(1)?;
    let k = st.check_any(2)?;
    let v = st.check_any(3)?;
    if let Err(e) = t.set(st.heap(), k, v) {
        let v = st.str_value(e.message().as_bytes());
        return Err(st.raise(v));
    }
    st.set_top(1);
    Ok(1)
}

fn select(st: &mut State) -> Result<usize, Error> {
    let n = st.top() as i64;
    if let Value::Str(s) = st.arg(1)
        && s.as_bytes() == b"#"
    {
        st.push(Value::Int(n - 1));
        return Ok(1);
    }
    let mut i = st.check_integer(1)?;
    if i < 0 {
        i += n;
    } else if i > n {
        i = n;
    }
    if i < 1 {
        return Err(st.arg_error(1, "index out of range"));
    }
    Ok((n - i) as usize)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn tonumber(st: &mut State) -> Result<usize, Error> {
    if st.arg(2).is_nil() {
        let v = st.check_any(1)?;
        let r = match v {
            Value::Int(_) | Value::Float(_) => v,
            Value::Str(_) => st.to_number(v).unwrap_or(Value::Nil),
            _ => Value::Nil,
        };
        st.push(r);
        return Ok(1);
    }
    let base = st.check_integer(2)?;
    let Value::Str(s) = st.arg(1) else {
        return Err(st.type_error(1, "string"));
    };
    if !(2..=36).contains(&base) {
        return Err(st.arg_error(2, "base out of range"));
    }
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_space(c))
        .map(|e| e + 1)
        .unwrap_or(start);
    let mut t = &b[start..end.max(start)];
    let mut neg = false;
    if let Some(&c) = t.first() {
        if c == b'-' {
            neg = true;
            t = &t[1..];
        } else if c == b'+' {
            t = &t[1..];
        }
    }
    if t.is_empty() {
        st.push(Value::Nil);
        return Ok(1);
    }
    let mut n: i64 = 0;
    for &c in t {
        let d = match c {
            b'0'..=b'9' => (c - b'0') as i64,
            b'a'..=b'z' => (c - b'a') as i64 + 10,
            b'A'..=b'Z' => (c - b'A') as i64 + 10,
            _ => {
                st.push(Value::Nil);
                return Ok(1);
            }
        };
        if d >= base {
            st.push(Value::Nil);
            return Ok(1);
        }
        n = n.wrapping_mul(base).wrapping_add(d);
    }
    st.push(Value::Int(if neg { n.wrapping_neg() } else { n }));
    Ok(1)
}

fn tostring(st: &mut State) -> Result<usize, Error> {
    let v = st.check_any(1)?;
    let s = st.to_display(v)?;
    st.push(Value::Str(s));
    Ok(1)
}

fn type_(st: &mut State) -> Result<usize, Error> {
    if st.top() == 0 {
        return Err(st.arg_error(1, "value expected"));
    }
    let name = st.arg(1).type_name();
    let v = st.str_value(name.as_bytes());
    st.push(v);
    Ok(1)
}

fn warn(st: &mut State) -> Result<usize, Error> {
    let n = st.top();
    if n == 0 {
        return Err(st.type_error(1, "string"));
    }
    let mut msg = Vec::new();
    for i in 1..=n {
        let s = st.check_string(i)?;
        msg.extend_from_slice(s.as_bytes());
    }
    st.warn(&msg, n == 1);
    Ok(0)
}

fn collectgarbage(st: &mut State) -> Result<usize, Error> {
    const OPTS: [&str; 10] = [
        "collect",
        "stop",
        "restart",
        "count",
        "step",
        "setpause",
        "setstepmul",
        "isrunning",
        "generational",
        "incremental",
    ];
    let o = st.check_option(1, Some("collect"), &OPTS)?;
    let nargs = match OPTS[o] {
        "step" | "setpause" | "setstepmul" => 1,
        "generational" => 2,
        "incremental" => 3,
        _ => 0,
    };
    let mut nums = [0i64; 3];
    for (i, n) in nums.iter_mut().enumerate().take(nargs) {
        *n = st.opt_integer(i + 2, 0)?;
    }
    if st.in_finalizer() {
        st.push(Value::Nil);
        return Ok(1);
    }
    match OPTS[o] {
        "collect" => {
            st.collect_garbage();
            st.push(Value::Int(0));
        }
        "count" => {
            let b = st.heap().bytes_in_use();
            st.push(Value::Float(b as f64 / 1024.0));
        }
        "step" => {
            st.collect_garbage();
            let generational = st.heap().mode() == lunar_vm::gc::GcMode::Generational;
            st.push(Value::Bool(!generational));
        }
        "isrunning" => {
            let r = st.heap().is_running();
            st.push(Value::Bool(r));
        }
        "stop" | "restart" => {
            st.heap().set_running(OPTS[o] == "restart");
            st.push(Value::Int(0));
        }
        "setpause" => {
            let old = st.heap().set_pause(nums[0]);
            st.push(Value::Int(old));
        }
        "setstepmul" => {
            let old = st.heap().set_stepmul(nums[0]);
            st.push(Value::Int(old));
        }
        "generational" => {
            let old = st.heap().set_generational(nums[0], nums[1]);
            let v = st.str_value(old.name().as_bytes());
            st.push(v);
        }
        _ => {
            let old = st.heap().set_incremental(nums[0], nums[1], nums[2]);
            let v = st.str_value(old.name().as_bytes());
            st.push(v);
        }
    }
    Ok(1)
}

fn load(st: &mut State) -> Result<usize, Error> {
    let chunk = st.arg(1);
    let chunk = match chunk {
        Value::Int(_) | Value::Float(_) => Value::Str(st.to_str(chunk).unwrap()),
        c => c,
    };
    // The options are checked before a reader function is first called,
    // as luaB_load does.
    let mode = match st.opt_string(3)? {
        Some(m) => String::from_utf8_lossy(m.as_bytes()).into_owned(),
        None => "bt".to_string(),
    };
    let given_name = st.opt_string(2)?.map(|n| n.as_bytes().to_vec());
    let mut name: Vec<u8>;
    let src: Vec<u8> = match chunk {
        Value::Str(s) => {
            name = s.as_bytes().to_vec();
            s.as_bytes().to_vec()
        }
        Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_) => {
            name = b"=(load)".to_vec();
            let mut buf = Vec::new();
            loop {
                let piece = match st.pcall(chunk, &[], None) {
                    Ok(r) => r.first().copied().unwrap_or(Value::Nil),
                    Err(Error::Runtime) => {
                        let e = st.take_error_value();
                        st.push(Value::Nil);
                        st.push(e);
                        return Ok(2);
                    }
                    Err(e) => return Err(e),
                };
                if piece.is_nil() {
                    break;
                }
                // A number is a piece too, as its text (lua_isstring).
                match st.to_str(piece) {
                    Some(s) if s.is_empty() => break,
                    Some(s) => buf.extend_from_slice(s.as_bytes()),
                    None => {
                        // luaL_error's message: placed at load's caller.
                        let mut msg = st.where_(1);
                        msg.extend_from_slice(b"reader function must return a string");
                        st.push(Value::Nil);
                        let v = st.str_value(&msg);
                        st.push(v);
                        return Ok(2);
                    }
                }
            }
            buf
        }
        _ => return Err(st.type_error(1, "function")),
    };
    if let Some(n) = given_name {
        name = n;
    }
    let env = if st.top() >= 4 { Some(st.arg(4)) } else { None };
    match st.load(&src, &name, &mode, env) {
        Ok(f) => {
            st.push(f);
            Ok(1)
        }
        Err(Error::Runtime) => {
            let e = st.take_error_value();
            st.push(Value::Nil);
            st.push(e);
            Ok(2)
        }
        Err(e) => Err(e),
    }
}

/// Reads a file (stdin for `None`) and drops what luaL_loadfile skips: a
/// UTF-8 byte order mark, then a first line starting with '#'.
fn read_source(name: Option<&[u8]>) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (data, chunk) = match name {
        None => {
            let mut d = Vec::new();
            std::io::stdin()
                .read_to_end(&mut d)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            (d, b"=stdin".to_vec())
        }
        Some(n) => {
            let path = String::from_utf8_lossy(n).into_owned();
            match std::fs::read(&path) {
                Ok(d) => {
                    let mut c = b"@".to_vec();
                    c.extend_from_slice(n);
                    (d, c)
                }
                Err(e) => {
                    return Err(format!("cannot open {path}: {}", io_error_text(&e)));
                }
            }
        }
    };
    // What to skip: a UTF-8 byte order mark, then a first line starting
    // with '#' (its newline kept, so that line numbers stay right).
    let mut skip = 0;
    if data.starts_with(b"\xEF\xBB\xBF") {
        skip = 3;
    }
    if data.get(skip) == Some(&b'#') {
        skip = match data[skip..].iter().position(|&c| c == b'\n') {
            None => data.len(),
            Some(i) if data.get(skip + i + 1) == Some(&0x1b) => skip + i + 1,
            Some(i) => skip + i,
        };
    }
    // Moved down in place: a copy of a large file would be the largest
    // allocation of its load.
    let mut data = data;
    data.drain(..skip);
    Ok((data, chunk))
}

/// The C library's text for an I/O error ("No such file or directory").
fn io_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn load_file(
    st: &mut State,
    name: Option<&[u8]>,
    mode: &str,
    env: Option<Value>,
) -> Result<Value, Error> {
    let (src, chunk) = match read_source(name) {
        Ok(x) => x,
        Err(m) => {
            let v = st.str_value(m.as_bytes());
            return Err(st.raise(v));
        }
    };
    st.load(&src, &chunk, mode, env)
}

fn loadfile(st: &mut State) -> Result<usize, Error> {
    let name = st.opt_string(1)?.map(|s| s.as_bytes().to_vec());
    let mode = match st.opt_string(2)? {
        Some(m) => String::from_utf8_lossy(m.as_bytes()).into_owned(),
        None => "bt".to_string(),
    };
    let env = if st.top() >= 3 { Some(st.arg(3)) } else { None };
    match load_file(st, name.as_deref(), &mode, env) {
        Ok(f) => {
            st.push(f);
            Ok(1)
        }
        Err(Error::Runtime) => {
            let e = st.take_error_value();
            st.push(Value::Nil);
            st.push(e);
            Ok(2)
        }
        Err(e) => Err(e),
    }
}

fn dofile_cont(st: &mut State, _ok: bool, _ctx: isize) -> Result<usize, Error> {
    Ok(st.top())
}

fn dofile(st: &mut State) -> Result<usize, Error> {
    let name = st.opt_string(1)?.map(|s| s.as_bytes().to_vec());
    let f = load_file(st, name.as_deref(), "bt", None)?;
    st.set_top(0);
    st.push(f);
    st.call_k(1, -1, 0, dofile_cont)
}

#[allow(dead_code)]
fn check_function(st: &mut State, n: usize) -> Result<Value, Error> {
    st.check_type(n, Type::Function)
}
