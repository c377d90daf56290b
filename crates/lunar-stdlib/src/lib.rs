//! Lunar's Lua 5.4 standard library, written against `lunar-vm`'s native
//! API. `open_all` opens every library into a state; each `open_*`
//! opens one.

#![forbid(unsafe_code)]

pub mod base;
pub mod coroutine;
pub mod debug;
pub mod io;
pub mod math;
pub mod os;
pub mod os_date;
pub mod package;
pub mod string;
pub mod table;
pub mod utf8;

pub use base::open_base;
pub use coroutine::open_coroutine;
pub use debug::open_debug;

use lunar_vm::image::LibImage;
use lunar_vm::{State, Value};
use std::sync::OnceLock;

/// The library slots ([`State::lib_slot`]) this crate uses, in one place
/// so that no two libraries take the same one.
pub(crate) mod slot {
    /// math: the random generator (a userdata), made when first used.
    pub const RANDOM: usize = 0;
    /// os: the locale `os.setlocale` sets (a userdata), made when first
    /// used.
    pub const LOCALE: usize = 1;
    /// package: the package table `require` and the searchers read.
    pub const PACKAGE: usize = 2;
    /// package: the file tree modules are read from (a userdata), or nil
    /// for the host's file system.
    pub const MODULE_FILES: usize = 3;

    use lunar_vm::{Gc, State, UserData, Value};

    /// The userdata in library slot `slot`, made by `make` the first time.
    pub fn userdata(
        state: &mut State,
        slot: usize,
        make: impl FnOnce() -> Box<dyn std::any::Any + Send>,
    ) -> Gc<UserData> {
        if let Value::UserData(ud) = state.lib_slot(slot) {
            return ud;
        }
        let v = state.new_userdata(make());
        state.set_lib_slot(slot, v);
        let Value::UserData(ud) = v else {
            unreachable!("new_userdata makes a userdata")
        };
        ud
    }
}

/// Fields `open_all` adds to the globals: base's 23 functions, `_G` and
/// `_VERSION`, `require`, and the 9 library tables.
const GLOBALS_ADDED: usize = 23 + 2 + 1 + 9;
/// Fields it adds to `package.loaded` (which holds `_G` already): the 9
/// libraries other than base.
const LOADED_ADDED: usize = 9;
/// Fields it adds to the registry: `_PRELOAD` and io's three keys (the
/// list of open files is added with the first file).
const REGISTRY_ADDED: usize = 4;
/// About how many strings it interns (names and values; the test
/// `open_all_reserves_enough` keeps it honest).
const STRINGS_ADDED: usize = 160;

/// Opens every standard library into `state` (as `luaL_openlibs`).
pub fn open_all(state: &mut State) {
    open_all_shared(state);
    io::open_std_files(state);
}

/// [`open_all`] but for the standard files, which [`io::open_std_files`]
/// adds: what the image of the whole library is taken from ([`image_of`]
/// adds the standard files, which every copy gets new ones of).
pub fn open_all_shared(state: &mut State) {
    reserve_for_all(state);
    open_base(state);
    package::open_package(state);
    open_coroutine(state);
    table::open_table(state);
    string::open_string(state);
    math::open_math(state);
    utf8::open_utf8(state);
    os::open_os(state);
    io::open_io_shared(state);
    open_debug(state);
}

/// A new state with every standard library open, as [`State::new`]
/// followed by [`open_all`] makes it, but copied from a library image
/// taken once per process (`lunar_vm::image`): a few allocations instead
/// of opening each library. The image reads the environment
/// (`LUA_PATH`...) once, when the process makes its first state.
///
/// ```
/// let mut st = lunar_stdlib::new_state();
/// let f = st.load(b"return string.rep('ab', 2), math.pi > 3", b"=t", "t", None).ok().unwrap();
/// let r = st.pcall(f, &[], None).ok().unwrap();
/// let lunar_vm::Value::Str(s) = r[0] else { panic!() };
/// assert_eq!(s.as_bytes(), b"abab");
/// ```
pub fn new_state() -> State {
    match default_image() {
        Some(image) => state_from_image(image),
        None => {
            let mut st = State::new();
            open_all(&mut st);
            st
        }
    }
}

/// The image of the whole library [`new_state`] copies (taken the first
/// time it is asked for; `None` if it could not be taken, which a test
/// rules out).
pub fn default_image() -> Option<&'static LibImage> {
    static IMAGE: OnceLock<Option<&'static LibImage>> = OnceLock::new();
    *IMAGE.get_or_init(|| image_of(open_all_shared).ok())
}

/// The image of a fresh state after `open` (which opens libraries; with
/// io's shared part only, [`io::open_io_shared`], or all of io), kept for
/// the life of the process. io's standard files, made here when `open`
/// left their places for them, are userdata that every copy gets new ones
/// of ([`io::std_files_fresh`]). Fails when `open` leaves a per-state
/// object where the image cannot hold it.
pub fn image_of(open: impl FnOnce(&mut State)) -> Result<&'static LibImage, String> {
    let mut st = State::new();
    open(&mut st);
    if let Value::Table(loaded) = st.get_field(st.registry(), "_LOADED")
        && let Value::Table(io) = st.get_field(loaded, "io")
        && matches!(st.get_field(io, "stdin"), Value::Bool(false))
    {
        io::open_std_files(&mut st);
    }
    let fresh = io::std_files_fresh(&mut st);
    let fresh = fresh.as_ref().map_or(&[][..], |f| &f[..]);
    Ok(Box::leak(Box::new(LibImage::capture_fresh(
        &st,
        &[],
        fresh,
    )?)))
}

/// A state from `image`, as the state the image was taken from (io's
/// standard files included: each copy gets its own from the image).
pub fn state_from_image(image: &'static LibImage) -> State {
    State::from_image(image)
}

/// The first step of [`open_all`]: room up front for what the libraries
/// add to the string table, the globals, the registry and
/// `package.loaded`, so that none of them grows (rehashes) while they are
/// filled. Public for the benchmark that times each step.
pub fn reserve_for_all(state: &mut State) {
    state.heap().reserve_strings(STRINGS_ADDED);
    let reg = state.registry();
    reg.reserve(state.heap(), REGISTRY_ADDED);
    if let lunar_vm::Value::Table(loaded) = state.get_field(reg, "_LOADED") {
        loaded.reserve(state.heap(), LOADED_ADDED);
    }
    let g = state.globals();
    g.reserve(state.heap(), GLOBALS_ADDED);
}

#[cfg(test)]
mod tests {
    use lunar_vm::{State, Value};

    /// Walks `a` and `b` side by side from their registries: the same
    /// keys everywhere, values of the same kind (the same native
    /// function, equal strings and numbers, tables that match in turn).
    fn same_shape(a: &mut State, b: &mut State) {
        fn key_text(k: Value) -> String {
            match k {
                Value::Str(s) => s.to_str_lossy().into_owned(),
                other => other.type_name().to_string(),
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut todo = vec![(a.registry(), b.registry(), "registry".to_string())];
        while let Some((ta, tb, path)) = todo.pop() {
            if !seen.insert(ta.addr()) {
                continue;
            }
            assert_eq!(ta.count(), tb.count(), "{path}: field count");
            match (ta.metatable(), tb.metatable()) {
                (Some(ma), Some(mb)) => todo.push((ma, mb, format!("{path}.<mt>"))),
                (None, None) => {}
                _ => panic!("{path}: metatable"),
            }
            let mut k = Value::Nil;
            while let Ok(Some((key, va))) = ta.next(k) {
                k = key;
                let key_b = match key {
                    Value::Str(s) => b.str_value(s.as_bytes()),
                    Value::Int(_) | Value::Bool(_) | Value::LightFn(_) => key,
                    _ => panic!("{path}: a {} key", key.type_name()),
                };
                let vb = tb.get(key_b);
                let at = format!("{path}.{}", key_text(key));
                match (va, vb) {
                    (Value::Table(x), Value::Table(y)) => todo.push((x, y, at)),
                    (Value::LightFn(x), Value::LightFn(y)) => {
                        assert!(std::ptr::fn_addr_eq(x, y), "{at}: function")
                    }
                    (Value::Str(x), Value::Str(y)) => {
                        assert_eq!(x.as_bytes(), y.as_bytes(), "{at}")
                    }
                    (Value::Thread(_), Value::Thread(_))
                    | (Value::UserData(_), Value::UserData(_)) => {}
                    (x, y) => assert!(x.raw_eq(&y), "{at}: {} vs {}", x.type_name(), y.type_name()),
                }
            }
        }
    }

    /// States copied from one image on several threads at once, each
    /// making, collecting and dropping strings and changing its library
    /// tables, never see each other's changes (the image's strings and
    /// shared storage are only read).
    #[test]
    fn image_states_on_threads() {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    for round in 0..20 {
                        let mut st = super::new_state();
                        let code = format!(
                            "assert(string.mine == nil and math.mine == nil) \
                             string.mine = {t} math.mine = {round} \
                             local parts = {{}} for i = 1, 200 do parts[i] = ('x'):rep(i % 7) .. i end \
                             collectgarbage() \
                             return table.concat(parts):len() + string.mine + math.mine"
                        );
                        let f = st.load(code.as_bytes(), b"=t", "t", None).ok().unwrap();
                        let r = st.pcall(f, &[], None).ok().unwrap();
                        assert!(matches!(r[0], Value::Int(_)));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    /// A state copied from the library image has the same tables,
    /// fields and functions as one that opened the libraries itself.
    #[test]
    fn image_state_matches_opened_state() {
        let mut opened = State::new();
        super::open_all(&mut opened);
        assert!(super::default_image().is_some());
        let mut copied = super::new_state();
        same_shape(&mut opened, &mut copied);
        same_shape(&mut copied, &mut opened);
        // The standard files are each state's own.
        let mut other = super::new_state();
        let out = |st: &mut State| {
            let f = st.load(b"return io.stdout", b"=t", "t", None).ok().unwrap();
            st.pcall(f, &[], None).ok().unwrap()[0]
        };
        let (Value::UserData(x), Value::UserData(y)) = (out(&mut copied), out(&mut other)) else {
            panic!("io.stdout is a userdata")
        };
        assert!(!x.ptr_eq(y));
    }

    /// `open_all` adds the fields and strings it reserves room for, give
    /// or take a few (the reservations are worth keeping near the truth).
    #[test]
    fn open_all_reserves_enough() {
        let mut st = State::new();
        let strings = st.heap().interned_count();
        let count = |t: Value| match t {
            Value::Table(t) => t.count(),
            _ => 0,
        };
        let g = Value::Table(st.globals());
        let reg = Value::Table(st.registry());
        let loaded = st.get_field(st.registry(), "_LOADED");
        let before = [count(g), count(reg), count(loaded)];
        super::open_all(&mut st);
        let after = [count(g), count(reg), count(loaded)];
        let added = [
            super::GLOBALS_ADDED,
            super::REGISTRY_ADDED,
            super::LOADED_ADDED,
        ];
        for i in 0..3 {
            assert_eq!(after[i] - before[i], added[i], "table {i}");
        }
        let made = st.heap().interned_count() - strings;
        assert!(
            made <= super::STRINGS_ADDED && made + 20 >= super::STRINGS_ADDED,
            "{made} strings"
        );
    }
}

#[cfg(test)]
mod conformance {
    //! Runs the `core_*` and `lib_base*` conformance scripts of
    //! testdata/lua (as `lua5.4 NAME.lua` would from that folder) and
    //! compares their output with the golden `.out` files.

    use lunar_vm::{Error, State, Value};
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

    /// Runs one script; returns its output (stdout and stderr).
    fn run_script(dir: &std::path::Path, name: &str) -> String {
        let src = std::fs::read(dir.join(name)).unwrap();
        let sink = Sink(Arc::new(Mutex::new(Vec::new())));
        let mut st = State::new();
        st.set_stdout(Box::new(sink.clone()));
        st.set_stderr(Box::new(sink.clone()));
        super::open_all(&mut st);
        // The standalone lua starts its collector in generational mode.
        st.heap().set_generational(0, 0);
        let argt = st.new_table(0, 1);
        let n = st.str_value(name.as_bytes());
        argt.set_int(st.heap(), 0, n);
        st.set_global("arg", Value::Table(argt));
        fn depth(st: &mut State) -> Result<usize, Error> {
            let d = st.native_depth();
            st.push(Value::Int(d as i64));
            Ok(1)
        }
        if std::env::var_os("LUNAR_DEPTH").is_some() {
            st.set_global("__depth", Value::LightFn(depth));
        }
        let chunk = format!("@{name}");
        match st.load(&src, chunk.as_bytes(), "bt", None) {
            Ok(f) => {
                if let Err(e) = st.pcall(f, &[], None) {
                    let msg = if e == Error::Runtime {
                        let v = st.take_error_value();
                        match v {
                            Value::Str(s) => s.to_str_lossy().into_owned(),
                            other => format!("({other:?})"),
                        }
                    } else {
                        format!("{e:?}")
                    };
                    let _ = writeln!(st.stderr(), "lua: {msg}");
                }
            }
            Err(_) => {
                let v = st.take_error_value();
                let _ = writeln!(st.stderr(), "lua: {v:?}");
            }
        }
        drop(st);
        let out = sink.0.lock().unwrap().clone();
        String::from_utf8_lossy(&out).into_owned()
    }

    /// A development runner (one script at a time with LUNAR_SCRIPTS=NAME,
    /// output shown with LUNAR_SHOW=1); the official conformance test is
    /// crates/lunar/tests/conformance.rs.
    #[test]
    #[ignore = "development runner: LUNAR_SCRIPTS=name cargo test -p lunar-stdlib core_scripts -- --ignored"]
    fn core_scripts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/lua");
        let filter = std::env::var("LUNAR_SCRIPTS").unwrap_or_default();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".lua"))
            .filter(|n| {
                if filter.is_empty() {
                    n.starts_with("core_")
                } else {
                    n.contains(&filter)
                }
            })
            .collect();
        names.sort();
        let cwd = std::env::current_dir().unwrap();
        std::env::set_current_dir(&dir).unwrap();
        let mut failed = Vec::new();
        for name in &names {
            let want = String::from_utf8_lossy(
                &std::fs::read(dir.join(format!("{name}.out"))).unwrap_or_default(),
            )
            .into_owned();
            let n = name.clone();
            let d = dir.clone();
            let got = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || std::panic::catch_unwind(|| run_script(&d, &n)))
                .unwrap()
                .join()
                .unwrap();
            match got {
                Ok(got) if got == want => eprintln!("PASS {name}"),
                Ok(got) => {
                    if std::env::var_os("LUNAR_SHOW").is_some() {
                        eprintln!("{got}");
                    }
                    let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
                    let at = line.unwrap_or(got.lines().count().min(want.lines().count()));
                    eprintln!(
                        "FAIL {name} at line {}: got {:?} want {:?}",
                        at + 1,
                        got.lines().nth(at),
                        want.lines().nth(at)
                    );
                    failed.push(name.clone());
                }
                Err(_) => {
                    eprintln!("PANIC {name}");
                    failed.push(name.clone());
                }
            }
        }
        std::env::set_current_dir(cwd).unwrap();
        eprintln!(
            "{} of {} passed; failing: {failed:?}",
            names.len() - failed.len(),
            names.len()
        );
        if std::env::var("LUNAR_STRICT").is_ok() {
            assert!(failed.is_empty());
        }
    }

    /// Runs bench/programs/*.lua with the arguments their expected files
    /// name (the smaller ones, or with LUNAR_BENCH_BIG the larger), checks
    /// the output and prints the time of each.
    #[test]
    #[ignore = "a benchmark runner: cargo test --release bench_programs -- --ignored"]
    fn bench_programs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/programs");
        let big = std::env::var_os("LUNAR_BENCH_BIG").is_some();
        let only = std::env::var("LUNAR_BENCH_ONLY").unwrap_or_default();
        let mut exp: Vec<String> = std::fs::read_dir(dir.join("expected"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        exp.sort();
        let mut by_prog: std::collections::BTreeMap<String, Vec<(u64, String)>> =
            Default::default();
        for e in exp {
            let stem = e.trim_end_matches(".txt");
            let Some((prog, n)) = stem.rsplit_once('.') else {
                continue;
            };
            if let Ok(n) = n.parse::<u64>() {
                by_prog
                    .entry(prog.to_string())
                    .or_default()
                    .push((n, e.clone()));
            }
        }
        let mut failed = Vec::new();
        for (prog, mut runs) in by_prog {
            if !only.is_empty() && !prog.contains(&only) {
                continue;
            }
            runs.sort();
            let (n, file) = if big {
                runs.last().unwrap().clone()
            } else {
                runs[0].clone()
            };
            let src = std::fs::read(dir.join(format!("{prog}.lua"))).unwrap();
            let want = std::fs::read(dir.join("expected").join(&file)).unwrap();
            let sink = Sink(Arc::new(Mutex::new(Vec::new())));
            let mut st = State::new();
            st.set_stdout(Box::new(sink.clone()));
            st.set_stderr(Box::new(sink.clone()));
            super::open_all(&mut st);
            let argt = st.new_table(0, 1);
            let a = st.str_value(n.to_string().as_bytes());
            argt.set_int(st.heap(), 1, a);
            st.set_global("arg", Value::Table(argt));
            let t0 = std::time::Instant::now();
            let r = st.do_string(format!("@{prog}.lua").as_bytes(), &src);
            let dt = t0.elapsed().as_secs_f64();
            let got = sink.0.lock().unwrap().clone();
            let ok = r.is_ok() && got == want;
            if let Err(e) = r {
                eprintln!("{prog}: error {}", e.message);
            }
            eprintln!("{} {prog} {n}: {dt:.3}s", if ok { "ok  " } else { "FAIL" });
            if !ok {
                failed.push(prog);
            }
        }
        assert!(failed.is_empty(), "{failed:?}");
    }
}
