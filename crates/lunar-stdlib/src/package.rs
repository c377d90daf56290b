//! The package library (§6.3 of the manual): `require` and the `package`
//! table, as the reference's loadlib.c builds them in an interpreter
//! compiled without dynamic libraries (no dlopen): the C searchers look
//! along `package.cpath`, but a C library they find fails to load with
//! the reference's message, and `package.loadlib` always fails.
//!
//! Unlike the reference, `require` lets a coroutine yield inside a
//! module's loader (its main chunk): the loader runs through the VM's
//! continuation mechanism (`State::call_k`). The searchers are called
//! plainly, as in the reference.

mod files;
mod path;

pub use files::{HostFiles, MemFiles, ModuleFiles};
pub use path::{CONFIG, DEFAULT_CPATH, DEFAULT_PATH, expand_default, init_path, search_path};

use files::io_error_text;
use lunar_vm::{Error, Gc, LuaStr, State, Table, Type, Value};
use std::io::Read;
use std::sync::Arc;

/// The reference's `DLMSG`: the error of every attempt to load a C
/// library.
pub const NO_DYNLIB: &str = "dynamic libraries not enabled; check your Lua installation";

/// How [`open_package_with`] sets the library up. The default gives the
/// reference's behaviour.
#[derive(Clone, Default)]
pub struct PackageOptions {
    /// The initial `package.path`; `None` means the `LUA_PATH_5_4` or
    /// `LUA_PATH` environment variable, else [`DEFAULT_PATH`]. A ";;" in a
    /// path given here or in the environment is replaced by the default
    /// path, as the reference does.
    pub path: Option<Vec<u8>>,
    /// The initial `package.cpath`, as `path` (`LUA_CPATH_5_4`,
    /// `LUA_CPATH`, [`DEFAULT_CPATH`]).
    pub cpath: Option<Vec<u8>>,
    /// Leaves the environment variables out, as `lua -E` does. `lua -E`
    /// sets the registry field "LUA_NOENV" before opening the libraries;
    /// that field is honoured too.
    pub ignore_env: bool,
    /// The file tree `require` and `package.searchpath` read; `None`
    /// means the host's file system ([`HostFiles`]).
    pub files: Option<Arc<dyn ModuleFiles>>,
}

/// Opens the package library with the default options (see
/// [`open_package_with`]).
pub fn open_package(state: &mut State) {
    open_package_with(state, &PackageOptions::default());
}

/// Opens the package library (§6.3 of the manual) in `state`: the global
/// function `require` and the global table `package` (also
/// `package.loaded.package`). `package.loaded` is the registry's
/// `_LOADED` table and `package.preload` its `_PRELOAD` table.
///
/// `require`, the file searchers and `package.searchpath` keep the
/// package table (and the file tree, when one is given) in library slots
/// of the state, as the reference's keep them in upvalues: they read
/// `package.path` and `package.searchers` from that table, whatever the
/// global `package` holds later.
///
/// ```
/// use lunar_stdlib::package::{MemFiles, PackageOptions, open_package_with};
/// use lunar_vm::{State, Value};
/// use std::sync::Arc;
///
/// let mut st = State::new();
/// lunar_stdlib::open_base(&mut st);
/// let files = MemFiles::new().with("lib/greet.lua", "return 'hello from ' .. ...");
/// let opts = PackageOptions {
///     path: Some(b"lib/?.lua".to_vec()),
///     ignore_env: true,
///     files: Some(Arc::new(files)),
///     ..PackageOptions::default()
/// };
/// open_package_with(&mut st, &opts);
/// let f = st.load(b"return require('greet')", b"=example", "t", None).ok().unwrap();
/// let r = st.pcall(f, &[], None).ok().unwrap();
/// let Value::Str(s) = r[0] else { panic!("not a string") };
/// assert_eq!(s.as_bytes(), b"hello from greet");
/// ```
pub fn open_package_with(state: &mut State, opts: &PackageOptions) {
    let reg = state.registry();
    let no_env = opts.ignore_env || state.get_field(reg, "LUA_NOENV").truthy();

    let pkg = state.new_table(0, 8);
    state.set_lib_slot(crate::slot::PACKAGE, Value::Table(pkg));
    set_module_files(state, opts.files.clone());

    let searchpath_fn = Value::LightFn(searchpath);
    let searchers = state.new_table(4, 0);
    let list = [
        Value::LightFn(searcher_preload),
        Value::LightFn(searcher_lua),
        Value::LightFn(searcher_c),
        Value::LightFn(searcher_croot),
    ];
    for (i, f) in list.into_iter().enumerate() {
        searchers.set_int(state.heap(), i as i64 + 1, f);
    }

    let path = path::init_path_from(
        opts.path.as_deref(),
        "LUA_PATH_5_4",
        "LUA_PATH",
        DEFAULT_PATH,
        no_env,
        env_var,
    );
    let path = state.str_value(&path);
    let cpath = path::init_path_from(
        opts.cpath.as_deref(),
        "LUA_CPATH_5_4",
        "LUA_CPATH",
        DEFAULT_CPATH,
        no_env,
        env_var,
    );
    let cpath = state.str_value(&cpath);
    let config = state.str_value(CONFIG.as_bytes());

    let loaded = sub_table(state, "_LOADED");
    let preload = sub_table(state, "_PRELOAD");
    crate::table::set_fields(
        state,
        pkg,
        &[
            ("loadlib", Value::LightFn(loadlib)),
            ("searchpath", searchpath_fn),
            ("searchers", Value::Table(searchers)),
            ("path", path),
            ("cpath", cpath),
            ("config", config),
            ("loaded", Value::Table(loaded)),
            ("preload", Value::Table(preload)),
        ],
        &[],
    );

    let req = Value::LightFn(require);
    let g = state.globals();
    crate::table::set_fields(
        state,
        g,
        &[("require", req), ("package", Value::Table(pkg))],
        &[],
    );
    state.set_field(loaded, "package", Value::Table(pkg));
}

/// The file tree of a library opened with [`PackageOptions::files`], as
/// the library slot holds it.
struct FilesBox(Arc<dyn ModuleFiles>);

/// A process environment variable as bytes.
fn env_var(name: &str) -> Option<Vec<u8>> {
    let v = std::env::var_os(name)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(v.into_vec())
    }
    #[cfg(not(unix))]
    {
        Some(v.to_string_lossy().into_owned().into_bytes())
    }
}

/// The registry's table under `key`, made when absent
/// (`luaL_getsubtable`).
fn sub_table(state: &mut State, key: &str) -> Gc<Table> {
    let reg = state.registry();
    if let Value::Table(t) = state.get_field(reg, key) {
        return t;
    }
    let t = state.new_table(0, 4);
    state.set_field(reg, key, Value::Table(t));
    t
}

/// Gives `require` and `package.searchpath` of `state` the file tree
/// `files` (`None`: the host's file system), as
/// [`PackageOptions::files`] does when the library opens; for a state
/// made from a library image, which shares the rest of the options.
pub fn set_module_files(state: &mut State, files: Option<Arc<dyn ModuleFiles>>) {
    let v = match files {
        Some(f) => state.new_userdata(Box::new(FilesBox(f))),
        None => Value::Nil,
    };
    state.set_lib_slot(crate::slot::MODULE_FILES, v);
}

/// The package table `require`, the file searchers and
/// `package.searchpath` read (the reference keeps it in their upvalue;
/// here it is in a library slot, set when the library opens).
fn package_table(state: &State) -> Value {
    state.lib_slot(crate::slot::PACKAGE)
}

/// The state's file tree for modules, or the host's.
fn files_of(state: &State) -> Arc<dyn ModuleFiles> {
    if let Value::UserData(u) = state.lib_slot(crate::slot::MODULE_FILES)
        && let Some(b) = u.data.borrow().downcast_ref::<FilesBox>()
    {
        return b.0.clone();
    }
    Arc::new(HostFiles)
}

/// Whether `name` can be opened (the reference's `fopen` test: a
/// directory passes, and fails later when it is read).
fn readable(files: &dyn ModuleFiles, name: &[u8]) -> bool {
    files.open(name).is_ok()
}

/// Concatenates byte pieces (message building).
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ----- require -----

/// `require(modname)`.
fn require(st: &mut State) -> Result<usize, Error> {
    let name = st.check_string(1)?;
    st.set_top(1);
    let reg = st.registry();
    let loaded = st.get_field(reg, "_LOADED");
    let v = st.index(loaded, Value::Str(name))?;
    if v.truthy() {
        st.push(v);
        return Ok(1);
    }
    let (loader, data) = find_loader(st, name)?;
    // Frame: 1 name, 2 loaded, 3 loader data, then the call: 4 loader,
    // 5 name, 6 data; the loader's one result lands at 4.
    st.push(loaded);
    st.push(data);
    st.push(loader);
    st.push(Value::Str(name));
    st.push(data);
    st.call_k(4, 1, 0, require_finish)
}

/// The rest of `require` once the loader returned: records its result
/// (or true) in `package.loaded` unless the module set it itself, and
/// returns that value and the loader data.
fn require_finish(st: &mut State, _ok: bool, _ctx: isize) -> Result<usize, Error> {
    let name = st.arg(1);
    let loaded = st.arg(2);
    let data = st.arg(3);
    let r = st.arg(4);
    if !r.is_nil() {
        st.set_index(loaded, name, r)?;
    }
    let mut v = st.index(loaded, name)?;
    if v.is_nil() {
        v = Value::Bool(true);
        st.set_index(loaded, name, v)?;
    }
    st.push(v);
    st.push(data);
    Ok(2)
}

/// Asks each of `package.searchers` in turn for a loader of module
/// `name`; fails with "module 'name' not found:" followed by what each
/// searcher said, one per line.
fn find_loader(st: &mut State, name: LuaStr) -> Result<(Value, Value), Error> {
    let pkg = package_table(st);
    let key = st.str_value(b"searchers");
    let searchers = match st.index(pkg, key)? {
        Value::Table(t) => t,
        _ => return Err(st.error_str("'package.searchers' must be a table")),
    };
    let mut msg = Vec::new();
    for i in 1.. {
        let searcher = searchers.get_int(i);
        if searcher.is_nil() {
            break;
        }
        let res = st.call(searcher, &[Value::Str(name)])?;
        let r1 = res.first().copied().unwrap_or(Value::Nil);
        if r1.type_of() == Type::Function {
            return Ok((r1, res.get(1).copied().unwrap_or(Value::Nil)));
        }
        if let Some(s) = st.to_str(r1) {
            msg.extend_from_slice(b"\n\t");
            msg.extend_from_slice(s.as_bytes());
        }
    }
    let text = cat(&[b"module '", name.as_bytes(), b"' not found:", &msg]);
    Err(st.error_bytes(&text))
}

// ----- searchers -----

/// The preload searcher: `package.preload[modname]` (the registry's
/// `_PRELOAD` table, whatever `package.preload` now holds; read with
/// metamethods).
fn searcher_preload(st: &mut State) -> Result<usize, Error> {
    let name = st.check_string(1)?;
    let reg = st.registry();
    let preload = st.get_field(reg, "_PRELOAD");
    let v = st.index(preload, Value::Str(name))?;
    if v.is_nil() {
        let msg = cat(&[b"no field package.preload['", name.as_bytes(), b"']"]);
        let m = st.str_value(&msg);
        st.push(m);
        return Ok(1);
    }
    st.push(v);
    let d = st.str_value(b":preload:");
    st.push(d);
    Ok(2)
}

/// Looks for module `name` along `package[pname]` ("path" or "cpath"),
/// which must be a string (or a number): the file found, or the message
/// listing the files tried.
fn find_file(st: &mut State, name: &[u8], pname: &str) -> Result<Result<Vec<u8>, Vec<u8>>, Error> {
    let pkg = package_table(st);
    let key = st.str_value(pname.as_bytes());
    let v = st.index(pkg, key)?;
    let Some(lpath) = st.to_str(v) else {
        return Err(st.error_str(&format!("'package.{pname}' must be a string")));
    };
    let files = files_of(st);
    Ok(search_path(name, lpath.as_bytes(), b".", b"/", |f| {
        readable(&*files, f)
    }))
}

/// The reference's `checkload` failure: "error loading module 'name'
/// from file 'filename':\n\tmsg".
fn load_error(st: &mut State, name: &[u8], filename: &[u8], msg: &[u8]) -> Error {
    let text = cat(&[
        b"error loading module '",
        name,
        b"' from file '",
        filename,
        b"':\n\t",
        msg,
    ]);
    st.error_bytes(&text)
}

/// The Lua searcher: a file along `package.path`, compiled; the loader
/// data is the file name.
fn searcher_lua(st: &mut State) -> Result<usize, Error> {
    let name = st.check_string(1)?;
    let filename = match find_file(st, name.as_bytes(), "path")? {
        Ok(f) => f,
        Err(msg) => {
            let m = st.str_value(&msg);
            st.push(m);
            return Ok(1);
        }
    };
    let files = files_of(st);
    let f = match load_file(st, &*files, &filename) {
        Ok(f) => f,
        Err(msg) => return Err(load_error(st, name.as_bytes(), &filename, &msg)),
    };
    st.push(f);
    let d = st.str_value(&filename);
    st.push(d);
    Ok(2)
}

/// The C searcher: a file along `package.cpath`. Finding one is an
/// error, since C libraries cannot be loaded.
fn searcher_c(st: &mut State) -> Result<usize, Error> {
    let name = st.check_string(1)?;
    search_c(st, name.as_bytes(), name.as_bytes())
}

/// The all-in-one searcher: for "a.b.c", a C library "a" along
/// `package.cpath`, which would hold `luaopen_a_b_c`. Finding one is an
/// error, as for the C searcher; a name without a dot is left to the
/// others (no message).
fn searcher_croot(st: &mut State) -> Result<usize, Error> {
    let name = st.check_string(1)?;
    let bytes = name.as_bytes();
    match bytes.iter().position(|&c| c == b'.') {
        Some(dot) => search_c(st, bytes, &bytes[..dot]),
        None => Ok(0),
    }
}

/// Looks for a C library named `lib` along `package.cpath` for module
/// `name`: a message of the files tried when none is there, and the
/// reference's error when one is (dynamic libraries never load here).
fn search_c(st: &mut State, name: &[u8], lib: &[u8]) -> Result<usize, Error> {
    match find_file(st, lib, "cpath")? {
        Ok(filename) => Err(load_error(st, name, &filename, NO_DYNLIB.as_bytes())),
        Err(msg) => {
            let m = st.str_value(&msg);
            st.push(m);
            Ok(1)
        }
    }
}

/// Compiles the Lua file `filename` (text or binary chunk) as
/// `luaL_loadfile` does: a UTF-8 byte-order mark and a first line
/// starting with '#' are skipped (the newline is kept, so line numbers
/// stay right; a binary chunk may follow that line). The error is the
/// reference's message ("cannot open x: ...", "cannot read x: ...", or the
/// syntax error).
fn load_file(st: &mut State, files: &dyn ModuleFiles, filename: &[u8]) -> Result<Value, Vec<u8>> {
    let io_msg = |what: &[u8], e: &std::io::Error| {
        cat(&[what, filename, b": ", io_error_text(e).as_bytes()])
    };
    let mut data = Vec::new();
    match files.open(filename) {
        Ok(mut r) => {
            if let Err(e) = r.read_to_end(&mut data) {
                return Err(io_msg(b"cannot read ", &e));
            }
        }
        Err(e) => return Err(io_msg(b"cannot open ", &e)),
    }
    let chunk = skip_prefix(&data);
    let chunk_name = cat(&[b"@", filename]);
    match st.load(chunk, &chunk_name, "bt", None) {
        Ok(f) => Ok(f),
        Err(_) => {
            let e = st.take_error_value();
            Err(match st.to_str(e) {
                Some(s) => s.as_bytes().to_vec(),
                None => format!("({})", e.type_name()).into_bytes(),
            })
        }
    }
}

/// `data` without what `luaL_loadfile` skips: a UTF-8 byte-order mark,
/// then a first line starting with '#' (its newline kept, unless a binary
/// chunk follows it).
fn skip_prefix(data: &[u8]) -> &[u8] {
    let d = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    if d.first() != Some(&b'#') {
        return d;
    }
    match d.iter().position(|&c| c == b'\n') {
        None => &[],
        Some(i) if d.get(i + 1) == Some(&0x1b) => &d[i + 1..],
        Some(i) => &d[i..],
    }
}

// ----- package.searchpath, package.loadlib -----

/// `package.searchpath(name, path [, sep [, rep]])`.
fn searchpath(st: &mut State) -> Result<usize, Error> {
    // The reference's C compiler evaluates the four argument checks last
    // to first, so a bad later argument is reported first.
    let dirsep = st
        .opt_string(4)?
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_else(|| b"/".to_vec());
    let sep = st
        .opt_string(3)?
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_else(|| b".".to_vec());
    let lpath = st.check_string(2)?;
    let name = st.check_string(1)?;
    let files = files_of(st);
    match search_path(name.as_bytes(), lpath.as_bytes(), &sep, &dirsep, |f| {
        readable(&*files, f)
    }) {
        Ok(found) => {
            let v = st.str_value(&found);
            st.push(v);
            Ok(1)
        }
        Err(msg) => {
            st.push(Value::Nil);
            let v = st.str_value(&msg);
            st.push(v);
            Ok(2)
        }
    }
}

/// `package.loadlib(libname, funcname)`: always fails, as in a reference
/// interpreter built without dynamic libraries.
fn loadlib(st: &mut State) -> Result<usize, Error> {
    st.check_string(1)?;
    st.check_string(2)?;
    st.push(Value::Nil);
    let m = st.str_value(NO_DYNLIB.as_bytes());
    st.push(m);
    let a = st.str_value(b"absent");
    st.push(a);
    Ok(3)
}

#[cfg(test)]
mod tests;
