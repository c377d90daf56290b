//! The os library (§6.9): `clock`, `date`, `difftime`, `execute`, `exit`,
//! `getenv`, `remove`, `rename`, `setlocale`, `time`, `tmpname`; and the
//! failure results (`nil, message, errno`) the io library shares.
//!
//! `os.exit` ends the process unless the host has installed a hook (the
//! registry's [`EXIT_HOOK_KEY`]). `os.execute` and `io.popen` run commands
//! with `/bin/sh -c`. Two locales exist, as on a system with no others
//! installed: "C" (also "POSIX") and "C.UTF-8" (or "C.utf8"), which
//! behaves as C in all that Lua sees. The locale is per state.

use crate::os_date::{self, Tm};
use lunar_vm::{Error, State, Type, Value};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// Opens the os library in `state` (global `os`, `package.loaded.os`).
pub fn open_os(state: &mut State) {
    // The state's locale lives in a library slot, made when setlocale
    // first runs.
    let setlocale = Value::LightFn(os_setlocale);
    crate::table::new_lib_with(
        state,
        "os",
        &[
            ("clock", os_clock),
            ("date", os_date),
            ("difftime", os_difftime),
            ("execute", os_execute),
            ("exit", os_exit),
            ("getenv", os_getenv),
            ("remove", os_remove),
            ("rename", os_rename),
            ("time", os_time),
            ("tmpname", os_tmpname),
        ],
        &[("setlocale", setlocale)],
    );
}

/// The registry key of the function `os.exit` calls, when present, instead
/// of ending the process: it gets the exit status (an integer) and the
/// close flag (a boolean); `os.exit` returns what it returns and raises
/// what it raises (so a hook that wants the script to stop raises).
pub const EXIT_HOOK_KEY: &str = "lunar.exit";

/// Makes `os.exit` in `state` call `hook` instead of ending the process:
/// it is called with the exit status (an integer) and the close flag (a
/// boolean) as its arguments; `os.exit` returns what it returns, and an
/// error it raises (say, one the host recognises as "exit") stops the
/// script.
pub fn set_exit_hook(state: &mut State, hook: lunar_vm::NativeFn) {
    let reg = state.registry();
    state.set_field(reg, EXIT_HOOK_KEY, Value::LightFn(hook));
}

/// The C library's message and the errno of `err` (0 when it has none).
pub(crate) fn error_info(err: &std::io::Error) -> (String, i64) {
    match err.raw_os_error() {
        Some(code) => {
            // Rust's text is strerror's plus " (os error N)".
            let msg = err.to_string();
            let suffix = format!(" (os error {code})");
            (
                msg.strip_suffix(&suffix).unwrap_or(&msg).to_string(),
                code as i64,
            )
        }
        None => (err.to_string(), 0),
    }
}

/// Pushes the reference's failure triple (`luaL_fileresult`): nil,
/// "[name: ]message", errno.
pub(crate) fn push_error(state: &mut State, err: &std::io::Error, name: Option<&[u8]>) -> usize {
    let (msg, errno) = error_info(err);
    let mut text = Vec::new();
    if let Some(name) = name {
        text.extend_from_slice(name);
        text.extend_from_slice(b": ");
    }
    text.extend_from_slice(msg.as_bytes());
    state.push(Value::Nil);
    let s = state.str_value(&text);
    state.push(s);
    state.push(Value::Int(errno));
    3
}

/// Pushes true, or the failure triple for `res`.
pub(crate) fn push_result(
    state: &mut State,
    res: std::io::Result<()>,
    name: Option<&[u8]>,
) -> usize {
    match res {
        Ok(()) => {
            state.push(Value::Bool(true));
            1
        }
        Err(e) => push_error(state, &e, name),
    }
}

/// Pushes what the reference's `luaL_execresult` pushes for the end of a
/// command: true|nil, "exit"|"signal", code.
pub(crate) fn push_exec_result(state: &mut State, status: std::process::ExitStatus) -> usize {
    use std::os::unix::process::ExitStatusExt;
    let (what, code): (&[u8], i64) = match (status.code(), status.signal()) {
        (Some(c), _) => (b"exit", c as i64),
        (None, Some(sig)) => (b"signal", sig as i64),
        (None, None) => (b"exit", 0),
    };
    state.push(if what == b"exit" && code == 0 {
        Value::Bool(true)
    } else {
        Value::Nil
    });
    let w = state.str_value(what);
    state.push(w);
    state.push(Value::Int(code));
    3
}

/// A byte string as an OS string (paths, commands, variable names).
pub(crate) fn os_str(b: &[u8]) -> &std::ffi::OsStr {
    std::ffi::OsStr::from_bytes(b)
}

/// os.exit([code [, close]])
fn os_exit(state: &mut State) -> Result<usize, Error> {
    let status = match state.arg(1) {
        Value::Bool(b) => {
            if b {
                0
            } else {
                1 // EXIT_FAILURE
            }
        }
        _ => state.opt_integer(1, 0)?,
    };
    let status = status as i32; // C's int
    let close = state.arg(2).truthy();
    let reg = state.registry();
    let hook = state.get_field(reg, EXIT_HOOK_KEY);
    if !hook.is_nil() {
        let results = state.call(hook, &[Value::Int(status as i64), Value::Bool(close)])?;
        let n = results.len();
        for r in results {
            state.push(r);
        }
        return Ok(n);
    }
    // C's exit flushes every open stream.
    // (flush_files also flushes the state's standard output and error.)
    let _ = crate::io::flush_files(state);
    std::process::exit(status)
}

/// os.getenv(varname)
fn os_getenv(state: &mut State) -> Result<usize, Error> {
    let name = state.check_string(1)?;
    let v = match std::env::var_os(os_str(name.as_bytes())) {
        Some(v) => state.str_value(&v.into_vec()),
        None => Value::Nil,
    };
    state.push(v);
    Ok(1)
}

/// os.remove(filename)
fn os_remove(state: &mut State) -> Result<usize, Error> {
    let name = state.check_string(1)?;
    let path = os_str(name.as_bytes());
    // As C's remove: unlink, and rmdir when it is a directory.
    let mut res = std::fs::remove_file(path);
    if res.is_err() && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        res = std::fs::remove_dir(path);
    }
    Ok(push_result(state, res, Some(name.as_bytes())))
}

/// os.rename(oldname, newname)
fn os_rename(state: &mut State) -> Result<usize, Error> {
    let from = state.check_string(1)?;
    let to = state.check_string(2)?;
    let res = std::fs::rename(os_str(from.as_bytes()), os_str(to.as_bytes()));
    Ok(push_result(state, res, None))
}

/// A random 64-bit number (the standard library's hasher keys are random
/// per process and per hasher).
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// The characters of the random part of os.tmpname's names (as mkstemp's).
const TMP_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Creates a new empty file "/tmp/lua_XXXXXX" as the reference's
/// `mkstemp` does, and returns its name.
pub(crate) fn make_temp_file() -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let mut last = None;
    for _ in 0..100 {
        let mut r = random_u64();
        let mut name = b"/tmp/lua_".to_vec();
        for _ in 0..6 {
            name.push(TMP_CHARS[(r % TMP_CHARS.len() as u64) as usize]);
            r /= TMP_CHARS.len() as u64;
        }
        let path = std::path::PathBuf::from(os_str(&name));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::from(std::io::ErrorKind::AlreadyExists)))
}

/// os.tmpname()
fn os_tmpname(state: &mut State) -> Result<usize, Error> {
    match make_temp_file() {
        Ok((path, _)) => {
            let s = state.str_value(path.as_os_str().as_bytes());
            state.push(s);
            Ok(1)
        }
        Err(_) => Err(state.error_str("unable to generate a unique filename")),
    }
}

/// os.execute([command])
fn os_execute(state: &mut State) -> Result<usize, Error> {
    if state.arg(1).is_nil() {
        // Is a shell available?
        let ok = std::path::Path::new("/bin/sh").exists();
        state.push(Value::Bool(ok));
        return Ok(1);
    }
    let command = state.check_string(1)?;
    let _ = state.stdout().flush();
    // The command's output goes to the state's writers (which a host may
    // have replaced), after it ends.
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(os_str(command.as_bytes()))
        .stdin(std::process::Stdio::inherit())
        .output();
    match out {
        Ok(out) => {
            let _ = state.stdout().write_all(&out.stdout);
            let _ = state.stdout().flush();
            let _ = state.stderr().write_all(&out.stderr);
            Ok(push_exec_result(state, out.status))
        }
        Err(e) => Ok(push_error(state, &e, None)),
    }
}

// ----- locale -----

/// The C library's categories, in the order a composite name lists them.
const LOCALE_CATEGORIES: [&str; 12] = [
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_COLLATE",
    "LC_MONETARY",
    "LC_MESSAGES",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
];

/// A state's locale: a name per category (borrowed while it is the
/// default "C", so that a new state allocates no names).
struct Locale {
    names: [std::borrow::Cow<'static, str>; 12],
}

impl Default for Locale {
    fn default() -> Self {
        Locale {
            names: std::array::from_fn(|_| std::borrow::Cow::Borrowed("C")),
        }
    }
}

impl Locale {
    /// The locale name of categories `idx`: a composite
    /// "LC_CTYPE=...;..." when they differ.
    fn name(&self, idx: &[usize]) -> String {
        if idx.iter().all(|&i| self.names[i] == self.names[idx[0]]) {
            return self.names[idx[0]].to_string();
        }
        let parts: Vec<String> = LOCALE_CATEGORIES
            .iter()
            .zip(&self.names)
            .map(|(cat, name)| format!("{cat}={name}"))
            .collect();
        parts.join(";")
    }
}

/// The name a locale is known by, or `None` when no such locale is
/// installed.
fn locale_name(name: &str) -> Option<String> {
    match name.to_ascii_lowercase().as_str() {
        "c" | "posix" => Some("C".into()),
        "c.utf-8" | "c.utf8" => Some(name.into()),
        _ => None,
    }
}

/// The locale the environment sets for category `cat`, as
/// `setlocale(cat, "")` reads it.
fn env_locale(cat: &str) -> String {
    for v in ["LC_ALL", cat, "LANG"] {
        if let Some(name) = std::env::var_os(v)
            && !name.is_empty()
        {
            return name.to_string_lossy().into_owned();
        }
    }
    "C".into()
}

/// os.setlocale([locale [, category]])
fn os_setlocale(state: &mut State) -> Result<usize, Error> {
    let query = state.arg(1).is_nil();
    let locale = if query {
        None
    } else {
        Some(state.check_string(1)?.to_str_lossy().into_owned())
    };
    const OPTIONS: [&str; 6] = ["all", "collate", "ctype", "monetary", "numeric", "time"];
    let opt = state.check_option(2, Some("all"), &OPTIONS)?;
    let idx: Vec<usize> = match OPTIONS[opt] {
        "all" => (0..12).collect(),
        "ctype" => vec![0],
        "numeric" => vec![1],
        "time" => vec![2],
        "collate" => vec![3],
        _ => vec![4], // monetary
    };
    let ud = crate::slot::userdata(state, crate::slot::LOCALE, || Box::new(Locale::default()));
    let result = {
        let mut data = ud.data.borrow_mut();
        let Some(l) = data.downcast_mut::<Locale>() else {
            return Err(state.error_str("locale data missing"));
        };
        let mut ok = true;
        if let Some(locale) = locale {
            // All the categories change, or none (an unknown name fails).
            let mut names = l.names.clone();
            for &i in &idx {
                let want = if locale.is_empty() {
                    env_locale(LOCALE_CATEGORIES[i])
                } else {
                    locale.clone()
                };
                match locale_name(&want) {
                    Some(n) => names[i] = n.into(),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                l.names = names;
            }
        }
        ok.then(|| l.name(&idx))
    };
    let v = match result {
        Some(name) => state.str_value(name.as_bytes()),
        None => Value::Nil,
    };
    state.push(v);
    Ok(1)
}

// ----- time -----

/// The processor time used, in seconds, as C's `clock()`: the running
/// thread's CPU time from /proc (nanoseconds), else the process's user
/// plus system time (clock ticks), else the time since the first call.
pub fn cpu_clock() -> f64 {
    if let Ok(s) = std::fs::read_to_string("/proc/thread-self/schedstat")
        && let Some(ns) = s
            .split_whitespace()
            .next()
            .and_then(|f| f.parse::<u64>().ok())
    {
        return ns as f64 / 1e9;
    }
    if let Ok(s) = std::fs::read_to_string("/proc/self/stat") {
        // Fields after the command name (which may hold spaces): utime
        // and stime are the 12th and 13th.
        if let Some(rest) = s.rfind(')').map(|i| &s[i + 1..]) {
            let f: Vec<&str> = rest.split_whitespace().collect();
            if let (Some(u), Some(st)) = (f.get(11), f.get(12))
                && let (Ok(u), Ok(st)) = (u.parse::<u64>(), st.parse::<u64>())
            {
                return (u + st) as f64 / 100.0;
            }
        }
    }
    thread_local! {
        static START: std::time::Instant = std::time::Instant::now();
    }
    START.with(|s| s.elapsed().as_secs_f64())
}

/// os.clock()
fn os_clock(state: &mut State) -> Result<usize, Error> {
    state.push(Value::Float(cpu_clock()));
    Ok(1)
}

/// The current time in seconds since the epoch.
fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
    }
}

/// os.difftime(t2, t1)
fn os_difftime(state: &mut State) -> Result<usize, Error> {
    let t2 = state.check_integer(1)?;
    let t1 = state.check_integer(2)?;
    let d = match t2.checked_sub(t1) {
        Some(d) => d as f64,
        None => t2 as f64 - t1 as f64, // overflow: subtract as floats
    };
    state.push(Value::Float(d));
    Ok(1)
}

/// os.date([format [, time]])
fn os_date(state: &mut State) -> Result<usize, Error> {
    let format: Vec<u8> = match state.opt_string(1)? {
        Some(s) => s.as_bytes().to_vec(),
        None => b"%c".to_vec(),
    };
    let when = if state.arg(2).is_nil() {
        now()
    } else {
        state.check_integer(2)?
    };
    let (tm, format) = match format.strip_prefix(b"!") {
        Some(rest) => (os_date::gmtime(when), rest),
        None => (
            os_date::localtime(when, &os_date::local_zone()),
            &format[..],
        ),
    };
    let Some(tm) = tm else {
        return Err(state.error_str("date result cannot be represented in this installation"));
    };
    if format == b"*t" {
        let t = state.new_table(0, 9);
        set_all_fields(state, Value::Table(t), &tm)?;
        state.push(Value::Table(t));
        return Ok(1);
    }
    let mut buf = Vec::with_capacity(format.len() + 32);
    if let Err(msg) = os_date::strftime(&mut buf, format, &tm) {
        return Err(state.arg_error(1, &String::from_utf8_lossy(&msg)));
    }
    let s = state.str_value(&buf);
    state.push(s);
    Ok(1)
}

/// Stores the fields of `tm` in the table `v` (with metamethods, as
/// `lua_setfield`).
fn set_all_fields(state: &mut State, v: Value, tm: &Tm) -> Result<(), Error> {
    let fields: [(&[u8], i64); 8] = [
        (b"year", tm.year + 1900),
        (b"month", tm.mon + 1),
        (b"day", tm.mday),
        (b"hour", tm.hour),
        (b"min", tm.min),
        (b"sec", tm.sec),
        (b"yday", tm.yday + 1),
        (b"wday", tm.wday + 1),
    ];
    for (name, val) in fields {
        let k = state.str_value(name);
        state.set_index(v, k, Value::Int(val))?;
    }
    if tm.isdst < 0 {
        return Ok(()); // unknown
    }
    let k = state.str_value(b"isdst");
    state.set_index(v, k, Value::Bool(tm.isdst > 0))
}

/// Reads field `key` of the date table `v` as os.time does: an integer
/// (`delta` is subtracted) that fits a C int, or `def` when absent
/// (`def` < 0: the field is required).
fn get_field(state: &mut State, v: Value, key: &str, def: i64, delta: i64) -> Result<i64, Error> {
    let k = state.str_value(key.as_bytes());
    let x = state.index(v, k)?;
    let Some(res) = state.to_integer(x) else {
        if !x.is_nil() {
            return Err(state.error_str(&format!("field '{key}' is not an integer")));
        }
        if def < 0 {
            return Err(state.error_str(&format!("field '{key}' missing in date table")));
        }
        return Ok(def);
    };
    let fits = if res >= 0 {
        res - delta <= i32::MAX as i64
    } else {
        i32::MIN as i64 + delta <= res
    };
    if !fits {
        return Err(state.error_str(&format!("field '{key}' is out-of-bound")));
    }
    Ok(res - delta)
}

/// os.time([table])
fn os_time(state: &mut State) -> Result<usize, Error> {
    if state.arg(1).is_nil() {
        state.push(Value::Int(now()));
        return Ok(1);
    }
    let v = state.check_type(1, Type::Table)?;
    let mut tm = Tm {
        year: get_field(state, v, "year", -1, 1900)?,
        mon: get_field(state, v, "month", -1, 1)?,
        mday: get_field(state, v, "day", -1, 0)?,
        hour: get_field(state, v, "hour", 12, 0)?,
        min: get_field(state, v, "min", 0, 0)?,
        sec: get_field(state, v, "sec", 0, 0)?,
        ..Tm::default()
    };
    let k = state.str_value(b"isdst");
    let isdst = state.index(v, k)?;
    tm.isdst = if isdst.is_nil() {
        -1
    } else {
        isdst.truthy() as i32
    };
    let res = os_date::mktime(&mut tm, &os_date::local_zone());
    if res.is_some() {
        set_all_fields(state, v, &tm)?;
    }
    match res {
        Some(t) if t != -1 => {
            state.push(Value::Int(t));
            Ok(1)
        }
        // -1 is mktime's error value.
        _ => Err(state.error_str("time result cannot be represented in this installation")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_info_is_strerror() {
        let e = std::fs::File::open("/nonexistent/lunar-test").unwrap_err();
        assert_eq!(error_info(&e), ("No such file or directory".to_string(), 2));
        let e = std::io::Error::from_raw_os_error(9);
        assert_eq!(error_info(&e), ("Bad file descriptor".to_string(), 9));
    }

    #[test]
    fn locale_names() {
        assert_eq!(locale_name("POSIX").as_deref(), Some("C"));
        assert_eq!(locale_name("c").as_deref(), Some("C"));
        assert_eq!(locale_name("C.utf8").as_deref(), Some("C.utf8"));
        assert_eq!(locale_name("xx"), None);
        let mut l = Locale::default();
        assert_eq!(l.name(&[0, 1, 2]), "C");
        l.names[1] = "C.UTF-8".into();
        assert_eq!(l.name(&[1]), "C.UTF-8");
        assert_eq!(
            l.name(&(0..12).collect::<Vec<_>>()),
            "LC_CTYPE=C;LC_NUMERIC=C.UTF-8;LC_TIME=C;LC_COLLATE=C;LC_MONETARY=C;LC_MESSAGES=C;LC_PAPER=C;\
             LC_NAME=C;LC_ADDRESS=C;LC_TELEPHONE=C;LC_MEASUREMENT=C;LC_IDENTIFICATION=C"
        );
    }

    #[test]
    fn temp_files_are_new() {
        let (p1, _) = make_temp_file().unwrap();
        let (p2, _) = make_temp_file().unwrap();
        assert_ne!(p1, p2);
        assert!(p1.to_string_lossy().starts_with("/tmp/lua_") && p1.to_string_lossy().len() == 15);
        std::fs::remove_file(p1).unwrap();
        std::fs::remove_file(p2).unwrap();
    }

    #[test]
    fn clock_advances() {
        let t0 = cpu_clock();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_add(i));
        }
        assert!(cpu_clock() > t0, "{x}");
    }
}
