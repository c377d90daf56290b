//! The io library (§6.8): `io.close`, `flush`, `input`, `lines`, `open`,
//! `output`, `popen`, `read`, `tmpfile`, `type`, `write`, the standard
//! files, and the methods of file handles (`close`, `flush`, `lines`,
//! `read`, `seek`, `setvbuf`, `write`, with `__gc`, `__close`,
//! `__tostring`), with the reference's results and messages.
//!
//! File handles are full userdata holding an `Arc<StreamCell>` (see
//! `file.rs`), with the metatable registered as "FILE*". `io.stdout` and
//! `io.stderr` write straight through to the state's writers
//! (`State::stdout`, `State::stderr`), unbuffered, so that their output
//! and print's interleave as written; `io.stdin` reads the process's
//! standard input. Other files are buffered like C streams; `flush_files`
//! writes what they hold (os.exit calls it).

mod file;

pub use file::{BufMode, Std, Stream, check_mode};

use lunar_vm::{Error, State, Value};
use std::io::{SeekFrom, Write};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// The name of the metatable of file handles in the registry, and their
/// type name in messages.
pub const FILE_HANDLE: &str = "FILE*";
/// The registry key of the list of open files (for `flush_files`).
const FILES_KEY: &str = "lunar.io.files";
/// The registry keys of the default input and output files (as the
/// reference's).
const IO_INPUT: &str = "_IO_input";
const IO_OUTPUT: &str = "_IO_output";
/// The most formats `lines` accepts (MAXARGLINE).
const MAX_LINES_ARGS: usize = 250;

/// A stream shared by its userdata and the list of open files.
type Shared = Arc<StreamCell>;

/// A stream shared by its handle and the state's list of open files. A
/// mutex rather than a `RefCell` because the state (and so every handle)
/// may move to another thread; it is never contended, since one state runs
/// on one thread at a time.
pub struct StreamCell(Mutex<Stream>);

impl StreamCell {
    fn new(s: Stream) -> StreamCell {
        StreamCell(Mutex::new(s))
    }
    fn borrow(&self) -> MutexGuard<'_, Stream> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn borrow_mut(&self) -> MutexGuard<'_, Stream> {
        self.borrow()
    }
}

/// The weak list of the streams opened in a state.
#[derive(Default)]
struct OpenFiles {
    files: Vec<Weak<StreamCell>>,
    pruned: usize,
}

/// Opens the io library in `state` (global `io`, `package.loaded.io`),
/// with the metatable of file handles registered as "FILE*".
pub fn open_io(state: &mut State) {
    open_io_shared(state);
    open_std_files(state);
}

/// The part of [`open_io`] a library image can hold: the library table,
/// the file handles' metatable and methods, with `false` in the places of
/// the standard files (in `io` and, as the default input and output, in
/// the registry) until [`open_std_files`] makes them.
pub fn open_io_shared(state: &mut State) {
    // The metatable (luaL_newmetatable) and its methods, each table made
    // with room for exactly its fields.
    let methods = state.new_table(0, 7);
    crate::table::set_fields(
        state,
        methods,
        &[],
        &[
            ("close", f_close),
            ("flush", f_flush),
            ("lines", f_lines),
            ("read", f_read),
            ("seek", f_seek),
            ("setvbuf", f_setvbuf),
            ("write", f_write),
        ],
    );
    let mt = state.new_table(0, 5);
    let name = state.str_value(FILE_HANDLE.as_bytes());
    crate::table::set_fields(
        state,
        mt,
        &[("__name", name), ("__index", Value::Table(methods))],
        &[
            ("__gc", f_gc),
            ("__close", f_gc),
            ("__tostring", f_tostring),
        ],
    );
    let reg = state.registry();
    let later = Value::Bool(false);
    crate::table::set_fields(
        state,
        reg,
        &[
            (FILE_HANDLE, Value::Table(mt)),
            (IO_INPUT, later),
            (IO_OUTPUT, later),
        ],
        &[],
    );
    crate::table::new_lib_with(
        state,
        "io",
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("lines", io_lines),
            ("open", io_open),
            ("output", io_output),
            ("popen", io_popen),
            ("read", io_read),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
            ("write", io_write),
        ],
        &[("stdin", later), ("stdout", later), ("stderr", later)],
    );
}

/// Makes the state's standard files and puts them in their places
/// ([`open_io_shared`] made the rest of the library): the per-state part
/// of [`open_io`]. (A state copied from a library image gets its own
/// from the image instead: see [`std_files_fresh`].)
pub fn open_std_files(state: &mut State) {
    let reg = state.registry();
    let Value::Table(loaded) = state.get_field(reg, "_LOADED") else {
        return;
    };
    let (Value::Table(mt), Value::Table(io)) = (
        state.get_field(reg, FILE_HANDLE),
        state.get_field(loaded, "io"),
    ) else {
        return;
    };
    let std_handle = |state: &mut State, make: lunar_vm::image::MakeData| {
        // As `new_handle` without tracking (the standard files are not
        // flushed by `flush_files`), with the metatable at hand.
        let v = state.new_userdata(make());
        set_userdata_metatable(state, v, mt);
        v
    };
    let stdin = std_handle(state, lazy_std::<{ STD_IN }>);
    let stdout = std_handle(state, lazy_std::<{ STD_OUT }>);
    let stderr = std_handle(state, lazy_std::<{ STD_ERR }>);
    crate::table::set_fields(state, reg, &[(IO_INPUT, stdin), (IO_OUTPUT, stdout)], &[]);
    crate::table::set_fields(
        state,
        io,
        &[("stdin", stdin), ("stdout", stdout), ("stderr", stderr)],
        &[],
    );
}

/// The standard files of a state whose io library is open (`None`
/// without io, or before [`open_std_files`] made them), as the userdata
/// a library image gives every copy new ones of
/// ([`lunar_vm::image::LibImage::capture_fresh`]): each copy's are made
/// with the data of a fresh state's, a zero-sized marker that costs no
/// allocation (the stream is made when the file is first used).
pub fn std_files_fresh(state: &mut State) -> Option<[lunar_vm::image::FreshUserData; 3]> {
    let reg = state.registry();
    let Value::Table(loaded) = state.get_field(reg, "_LOADED") else {
        return None;
    };
    let Value::Table(io) = state.get_field(loaded, "io") else {
        return None;
    };
    let mut files = [Value::Nil; 3];
    for (f, name) in files.iter_mut().zip(["stdin", "stdout", "stderr"]) {
        *f = state.get_field(io, name);
        if !matches!(f, Value::UserData(_)) {
            return None;
        }
    }
    let makes: [lunar_vm::image::MakeData; 3] = [
        lazy_std::<{ STD_IN }>,
        lazy_std::<{ STD_OUT }>,
        lazy_std::<{ STD_ERR }>,
    ];
    Some(std::array::from_fn(|i| lunar_vm::image::FreshUserData {
        value: files[i],
        make: makes[i],
    }))
}

/// `LazyStd`'s numbers of the standard streams.
const STD_IN: u8 = 0;
const STD_OUT: u8 = 1;
const STD_ERR: u8 = 2;

/// The data of a standard file's handle until it is first used: a
/// zero-sized marker, so that making a state's standard files allocates
/// nothing but their userdata (most states never touch them). The first
/// use ([`handle_data`]) puts the stream in its place.
struct LazyStd<const N: u8>;

/// A fresh standard file's data (see [`LazyStd`]).
fn lazy_std<const N: u8>() -> Box<dyn std::any::Any + Send> {
    Box::new(LazyStd::<N>)
}

/// The stream of a file handle's userdata, made now for a standard file
/// not used before; `None` for other userdata.
fn handle_data(u: &lunar_vm::UserData) -> Option<Shared> {
    let std = {
        let d = u.data.borrow();
        if let Some(s) = d.downcast_ref::<Shared>() {
            return Some(s.clone());
        }
        if d.is::<LazyStd<STD_IN>>() {
            Std::In
        } else if d.is::<LazyStd<STD_OUT>>() {
            Std::Out
        } else if d.is::<LazyStd<STD_ERR>>() {
            Std::Err
        } else {
            return None;
        }
    };
    let stream = match std {
        Std::In => Stream::new(file::Raw::Std(Std::In), true, false),
        Std::Out => Stream::new(file::Raw::Std(Std::Out), false, true),
        Std::Err => Stream::new(file::Raw::Std(Std::Err), false, true),
    };
    let shared: Shared = Arc::new(StreamCell::new(stream));
    *u.data.borrow_mut() = Box::new(shared.clone());
    Some(shared)
}

/// Sets the metatable of a userdata and registers it for finalization if
/// the metatable has `__gc` (what `lua_setmetatable` does).
///
/// Needs from lunar-vm: `Heap::register_finalizer` (or a
/// `State::set_metatable`), as `setmetatable` uses.
fn set_userdata_metatable(state: &mut State, ud: Value, mt: lunar_vm::Gc<lunar_vm::Table>) {
    if let Value::UserData(u) = ud {
        u.metatable.set(Some(mt));
        if state.has_gc_metamethod(mt) {
            state.heap().register_finalizer(ud);
        }
    }
}

/// Wraps `stream` in a file handle; `track` adds it to the files
/// `flush_files` flushes.
fn new_handle(state: &mut State, stream: Stream, track: bool) -> Value {
    let shared: Shared = Arc::new(StreamCell::new(stream));
    if track {
        if with_open_files(state, |_| ()).is_none() {
            // The list is made with the first file it tracks.
            let files = state.new_userdata(Box::new(OpenFiles::default()));
            let reg = state.registry();
            state.set_field(reg, FILES_KEY, files);
        }
        with_open_files(state, |of| {
            if of.files.len() >= 2 * of.pruned + 16 {
                of.files
                    .retain(|w| w.upgrade().is_some_and(|s| !s.borrow().closed));
                of.pruned = of.files.len();
            }
            of.files.push(Arc::downgrade(&shared));
        });
    }
    let v = state.new_userdata(Box::new(shared));
    let reg = state.registry();
    if let Value::Table(mt) = state.get_field(reg, FILE_HANDLE) {
        set_userdata_metatable(state, v, mt);
    }
    v
}

fn with_open_files<R>(state: &mut State, f: impl FnOnce(&mut OpenFiles) -> R) -> Option<R> {
    let reg = state.registry();
    let Value::UserData(u) = state.get_field(reg, FILES_KEY) else {
        return None;
    };
    let mut data = u.data.borrow_mut();
    data.downcast_mut::<OpenFiles>().map(f)
}

/// Writes the output buffered in the files the io library of `state` has
/// opened, and flushes the state's standard output and error, as C's
/// `exit` does for the reference interpreter. `os.exit` calls it; a host
/// that ends the process some other way after running scripts that may
/// leave files open should call it first. Returns the first error met.
pub fn flush_files(state: &mut State) -> std::io::Result<()> {
    let live: Vec<Shared> = with_open_files(state, |of| {
        of.files.iter().filter_map(|w| w.upgrade()).collect()
    })
    .unwrap_or_default();
    let mut first = Ok(());
    for s in live {
        let mut s = s.borrow_mut();
        if !s.closed {
            let r = s.flush(&mut std::io::sink());
            if first.is_ok() {
                first = r;
            }
        }
    }
    let r = state.stdout().flush();
    if first.is_ok() {
        first = r;
    }
    let _ = state.stderr().flush();
    first
}

/// Argument 1 as a file handle ("bad argument #1 to 'f' (FILE* expected,
/// got T)"), open or closed.
fn check_handle(state: &mut State) -> Result<Shared, Error> {
    let v = state.arg(1);
    let reg = state.registry();
    let mt = state.get_field(reg, FILE_HANDLE);
    if let (Value::UserData(u), Value::Table(mt)) = (v, mt)
        && u.metatable.get().is_some_and(|m| m.ptr_eq(mt))
        && let Some(s) = handle_data(&u)
    {
        return Ok(s);
    }
    Err(state.type_error(1, FILE_HANDLE))
}

/// Argument 1 as an open file handle ("attempt to use a closed file").
fn check_file(state: &mut State) -> Result<Shared, Error> {
    let s = check_handle(state)?;
    if s.borrow().closed {
        return Err(state.error_str("attempt to use a closed file"));
    }
    Ok(s)
}

/// Runs `f` on `s` with the writer its standard stream writes to (the
/// state's), or a sink for other streams.
fn with_stream<R>(
    state: &mut State,
    s: &Shared,
    f: impl FnOnce(&mut Stream, &mut dyn Write) -> R,
) -> R {
    let mut s = s.borrow_mut();
    match s.std() {
        Some(Std::Out) => f(&mut s, state.stdout()),
        Some(Std::Err) => f(&mut s, state.stderr()),
        _ => f(&mut s, &mut std::io::sink()),
    }
}

/// Closes `s` as the reference's `aux_close` and pushes its results.
fn close_stream(state: &mut State, s: &Shared) -> usize {
    if s.borrow().std().is_some() {
        state.push(Value::Nil);
        let m = state.str_value(b"cannot close standard file");
        state.push(m);
        return 2;
    }
    let (r, end) = with_stream(state, s, |s, out| s.close(out));
    match end {
        None => crate::os::push_result(state, r, None),
        Some(end) => {
            // What the command wrote for the state's writers.
            let _ = state.stdout().write_all(&end.stdout);
            let _ = state.stderr().write_all(&end.stderr);
            match end.status {
                Ok(st) => crate::os::push_exec_result(state, st),
                Err(e) => crate::os::push_error(state, &e, None),
            }
        }
    }
}

/// file:close()
fn f_close(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    Ok(close_stream(state, &s))
}

/// `__gc` and `__close`: close the file unless already closed.
fn f_gc(state: &mut State) -> Result<usize, Error> {
    let s = check_handle(state)?;
    let open = {
        let b = s.borrow();
        !b.closed && b.std().is_none()
    };
    if open {
        close_stream(state, &s);
    }
    Ok(0)
}

/// `__tostring`: "file (closed)" or "file (0x...)".
fn f_tostring(state: &mut State) -> Result<usize, Error> {
    let s = check_handle(state)?;
    let text = if s.borrow().closed {
        "file (closed)".to_string()
    } else {
        format!("file ({:p})", Arc::as_ptr(&s))
    };
    let v = state.str_value(text.as_bytes());
    state.push(v);
    Ok(1)
}

/// file:flush()
fn f_flush(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    let r = with_stream(state, &s, |s, out| s.flush(out));
    Ok(crate::os::push_result(state, r, None))
}

/// file:seek([whence [, offset]])
fn f_seek(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    let whence = state.check_option(2, Some("cur"), &["set", "cur", "end"])?;
    let offset = state.opt_integer(3, 0)?;
    let pos = match whence {
        0 => {
            if offset < 0 {
                Err(std::io::Error::from_raw_os_error(22)) // EINVAL
            } else {
                Ok(SeekFrom::Start(offset as u64))
            }
        }
        1 => Ok(SeekFrom::Current(offset)),
        _ => Ok(SeekFrom::End(offset)),
    };
    let r = match pos {
        Ok(pos) => with_stream(state, &s, |s, out| s.seek(out, pos)),
        Err(e) => Err(e),
    };
    match r {
        Ok(p) => {
            state.push(Value::Int(p as i64));
            Ok(1)
        }
        Err(e) => Ok(crate::os::push_error(state, &e, None)),
    }
}

/// file:setvbuf(mode [, size])
fn f_setvbuf(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    let mode = state.check_option(2, None, &["no", "full", "line"])?;
    state.opt_integer(3, file::BUF_SIZE as i64)?;
    let mode = [BufMode::No, BufMode::Full, BufMode::Line][mode];
    let r = with_stream(state, &s, |s, out| s.setvbuf(out, mode));
    Ok(crate::os::push_result(state, r, None))
}

/// file:write(...)
fn f_write(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    let fv = state.arg(1);
    write_args(state, &s, fv, 2)
}

/// Appends a float formatted as C's "%.14g" (LUAI_NUMFFORMAT), what
/// io.write writes for floats.
pub fn append_g14(out: &mut Vec<u8>, x: f64) {
    lunar_vm::numfmt::format_float(out, x, &lunar_vm::numfmt::Spec::with_precision(b'g', 14));
}

/// Writes arguments `first..` to `s` as the reference's `g_write` and
/// pushes its results: the file handle `fv`, or the failure triple.
fn write_args(state: &mut State, s: &Shared, fv: Value, first: usize) -> Result<usize, Error> {
    let mut werr: Option<std::io::Error> = None;
    for k in first..=state.arg_count() {
        let v = state.arg(k);
        let r = match v {
            Value::Str(x) => with_stream(state, s, |s, out| s.write(out, x.as_bytes())),
            Value::Int(i) => with_stream(state, s, |s, out| s.write(out, i.to_string().as_bytes())),
            Value::Float(f) => {
                let mut b = Vec::with_capacity(24);
                append_g14(&mut b, f);
                with_stream(state, s, |s, out| s.write(out, &b))
            }
            _ => {
                state.check_string(k)?;
                Ok(())
            }
        };
        if let Err(e) = r {
            werr.get_or_insert(e);
        }
    }
    if let Some(e) = werr {
        return Ok(crate::os::push_error(state, &e, None));
    }
    state.push(fv);
    Ok(1)
}

/// One format of `read`.
#[derive(Clone, Copy)]
enum Format {
    Number,
    Line { chop: bool },
    All,
    Chars(u64),
}

/// The byte count of a `read(n)` format. The reference takes it as a
/// `size_t` and asks for a buffer that size up front, so a negative count
/// (a huge `size_t`) or a count no string can hold fails with a memory
/// error before anything is read.
fn chars_count(state: &mut State, n: i64) -> Result<u64, Error> {
    if n < 0 || n as u64 > crate::string::MAX_STRING_SIZE as u64 {
        let v = state.str_value(b"not enough memory");
        return Err(state.raise(v));
    }
    Ok(n as u64)
}

/// Parses the formats `values`, which are arguments `first..` of the
/// call (for the messages: "invalid format", "number has no integer
/// representation", "string expected, got T").
fn read_formats(state: &mut State, values: &[Value], first: usize) -> Result<Vec<Format>, Error> {
    let mut formats = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        let k = first + i;
        let p = match v {
            Value::Int(n) => {
                formats.push(Format::Chars(chars_count(state, n)?));
                continue;
            }
            Value::Float(_) => match state.to_integer(v) {
                Some(n) => {
                    formats.push(Format::Chars(chars_count(state, n)?));
                    continue;
                }
                None => return Err(state.arg_error(k, "number has no integer representation")),
            },
            Value::Str(p) => p,
            _ => {
                let msg = format!("string expected, got {}", type_name_of(state, v));
                return Err(state.arg_error(k, &msg));
            }
        };
        let p = p.as_bytes();
        let p = p.strip_prefix(b"*").unwrap_or(p); // for compatibility
        formats.push(match p.first() {
            Some(b'n') => Format::Number,
            Some(b'l') => Format::Line { chop: true },
            Some(b'L') => Format::Line { chop: false },
            Some(b'a') => Format::All,
            _ => return Err(state.arg_error(k, "invalid format")),
        });
    }
    Ok(formats)
}

/// The type name `luaL_typeerror` shows for `v`: its metatable's
/// `__name` when a string, "light userdata", or its type's name.
fn type_name_of(state: &mut State, v: Value) -> String {
    if let Value::Str(n) = state.metafield(v, "__name") {
        return n.to_str_lossy().into_owned();
    }
    match v {
        Value::LightUserData(_) => "light userdata".into(),
        _ => v.type_name().into(),
    }
}

/// Arguments `first..` of the running function.
fn args_from(state: &State, first: usize) -> Vec<Value> {
    (first..=state.arg_count()).map(|k| state.arg(k)).collect()
}

/// A value read by one format.
enum ReadValue {
    Num(lunar_syntax::Number),
    Str(Vec<u8>),
}

/// What `read_stream` pushed.
struct ReadResult {
    /// Number of results pushed.
    n: usize,
    /// Whether the first result is a value (not nil or false).
    first_ok: bool,
    /// The message, after a read error.
    err_msg: Option<String>,
}

/// Reads from `s` with `formats` (a line when empty) as the reference's
/// `g_read` and pushes the results: one value per format up to the first
/// that fails (which gives nil), or nil, message, errno after a read
/// error.
fn read_stream(state: &mut State, s: &Shared, formats: &[Format]) -> ReadResult {
    let line = [Format::Line { chop: true }];
    let formats = if formats.is_empty() {
        &line[..]
    } else {
        formats
    };
    // Reads happen with the stream borrowed; values are made after. A
    // result is None when its format failed (which ends the reading).
    let mut values: Vec<Option<ReadValue>> = Vec::new();
    let err = with_stream(state, s, |s, out| -> Option<std::io::Error> {
        if let Err(e) = s.prepare_read(out) {
            return Some(e);
        }
        for f in formats {
            let r = match *f {
                Format::Number => s
                    .read_numeral()
                    .map(|t| t.and_then(|t| numeral_value(&t)).map(ReadValue::Num)),
                Format::Line { chop } => s.read_line(chop).map(|t| t.map(ReadValue::Str)),
                Format::All => s.read_all().map(|t| Some(ReadValue::Str(t))),
                Format::Chars(0) => s
                    .test_eof()
                    .map(|ok| ok.then(|| ReadValue::Str(Vec::new()))),
                Format::Chars(n) => s.read_chars(n).map(|t| t.map(ReadValue::Str)),
            };
            match r {
                Ok(v) => {
                    let ok = v.is_some();
                    values.push(v);
                    if !ok {
                        break;
                    }
                }
                Err(e) => return Some(e),
            }
        }
        None
    });
    if let Some(e) = err {
        let n = crate::os::push_error(state, &e, None);
        return ReadResult {
            n,
            first_ok: false,
            err_msg: Some(crate::os::error_info(&e).0),
        };
    }
    let mut res = ReadResult {
        n: 0,
        first_ok: false,
        err_msg: None,
    };
    for r in values {
        let v = match r {
            None => Value::Nil,
            Some(ReadValue::Num(lunar_syntax::Number::Int(i))) => Value::Int(i),
            Some(ReadValue::Num(lunar_syntax::Number::Float(f))) => Value::Float(f),
            Some(ReadValue::Str(text)) => state.str_value(&text),
        };
        if res.n == 0 {
            res.first_ok = v.truthy();
        }
        state.push(v);
        res.n += 1;
        if v.is_nil() {
            break;
        }
    }
    res
}

/// A numeral read by `read("n")` converted with Lua's rules (`None`: not
/// a number; the reference's `lua_stringtonumber`).
fn numeral_value(text: &[u8]) -> Option<lunar_syntax::Number> {
    lunar_syntax::str_to_number(text)
}

/// file:read(...)
fn f_read(state: &mut State) -> Result<usize, Error> {
    let s = check_file(state)?;
    let values = args_from(state, 2);
    let formats = read_formats(state, &values, 2)?;
    Ok(read_stream(state, &s, &formats).n)
}

/// file:lines(...)
fn f_lines(state: &mut State) -> Result<usize, Error> {
    check_file(state)?;
    let args: Vec<Value> = (1..=state.arg_count()).map(|k| state.arg(k)).collect();
    let it = lines_iterator(state, &args, false)?;
    state.push(it);
    Ok(1)
}

/// The iterator of lines for the file handle `args[0]` with the formats
/// that follow it; `to_close` closes the file when the iteration ends.
fn lines_iterator(state: &mut State, args: &[Value], to_close: bool) -> Result<Value, Error> {
    if args.len() - 1 > MAX_LINES_ARGS {
        return Err(state.arg_error(MAX_LINES_ARGS + 2, "too many arguments"));
    }
    // Upvalues: the close flag, the number of formats, the file, then
    // the formats.
    let mut ups = Vec::with_capacity(args.len() + 2);
    ups.push(Value::Bool(to_close));
    ups.push(Value::Int(args.len() as i64 - 1));
    ups.extend_from_slice(args);
    Ok(state.new_native(lines_step, &ups))
}

/// One step of a lines iterator.
fn lines_step(state: &mut State) -> Result<usize, Error> {
    let to_close = state.upvalue(1).truthy();
    let nformats = state.upvalue(2).as_int_or_zero() as usize;
    let fv = state.upvalue(3);
    let Some(s) = handle_stream(state, fv) else {
        return Err(state.error_str("file is already closed"));
    };
    if s.borrow().closed {
        return Err(state.error_str("file is already closed"));
    }
    // As the reference's, errors name the formats as arguments 2...
    let values: Vec<Value> = (0..nformats).map(|k| state.upvalue(4 + k)).collect();
    let formats = read_formats(state, &values, 2)?;
    let res = read_stream(state, &s, &formats);
    if res.first_ok {
        return Ok(res.n);
    }
    if let Some(msg) = res.err_msg {
        return Err(state.error_str(&msg));
    }
    if to_close {
        close_stream(state, &s);
    }
    Ok(0)
}

/// An integer value's integer (0 for anything else).
trait AsIntOrZero {
    fn as_int_or_zero(&self) -> i64;
}

impl AsIntOrZero for Value {
    fn as_int_or_zero(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            _ => 0,
        }
    }
}

/// The stream of a value known to be a file handle.
fn handle_stream(_state: &State, v: Value) -> Option<Shared> {
    let Value::UserData(u) = v else {
        return None;
    };
    handle_data(&u)
}

/// The default input (`output` false) or output file, which must be open.
fn default_file(state: &mut State, output: bool) -> Result<(Shared, Value), Error> {
    let reg = state.registry();
    let v = state.get_field(reg, if output { IO_OUTPUT } else { IO_INPUT });
    match handle_stream(state, v) {
        Some(s) if !s.borrow().closed => Ok((s, v)),
        _ => Err(state.error_str(&format!(
            "default {} file is closed",
            if output { "output" } else { "input" }
        ))),
    }
}

/// io.close([file])
fn io_close(state: &mut State) -> Result<usize, Error> {
    if state.arg_count() == 0 {
        let reg = state.registry();
        let v = state.get_field(reg, IO_OUTPUT);
        match handle_stream(state, v) {
            Some(s) if !s.borrow().closed => return Ok(close_stream(state, &s)),
            _ => return Err(state.error_str("attempt to use a closed file")),
        }
    }
    f_close(state)
}

/// io.flush()
fn io_flush(state: &mut State) -> Result<usize, Error> {
    let (s, _) = default_file(state, true)?;
    let r = with_stream(state, &s, |s, out| s.flush(out));
    Ok(crate::os::push_result(state, r, None))
}

/// io.input and io.output.
fn set_default(state: &mut State, output: bool) -> Result<usize, Error> {
    let key = if output { IO_OUTPUT } else { IO_INPUT };
    let v = state.arg(1);
    if !v.is_nil() {
        let name = match v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => state.to_str(v),
            _ => None,
        };
        let new = match name {
            Some(name) => {
                let mode: &[u8] = if output { b"w" } else { b"r" };
                match file::open_file(
                    std::path::Path::new(crate::os::os_str(name.as_bytes())),
                    mode,
                ) {
                    Ok(stream) => new_handle(state, stream, true),
                    Err(e) => {
                        let msg = format!(
                            "cannot open file '{}' ({})",
                            name.to_str_lossy(),
                            crate::os::error_info(&e).0
                        );
                        return Err(state.error_str(&msg));
                    }
                }
            }
            None => {
                check_file(state)?;
                v
            }
        };
        let reg = state.registry();
        state.set_field(reg, key, new);
    }
    let reg = state.registry();
    let cur = state.get_field(reg, key);
    state.push(cur);
    Ok(1)
}

/// io.input([file])
fn io_input(state: &mut State) -> Result<usize, Error> {
    set_default(state, false)
}

/// io.output([file])
fn io_output(state: &mut State) -> Result<usize, Error> {
    set_default(state, true)
}

/// io.lines([filename, ...])
fn io_lines(state: &mut State) -> Result<usize, Error> {
    let n = state.arg_count();
    if state.arg(1).is_nil() {
        let reg = state.registry();
        let input = state.get_field(reg, IO_INPUT);
        if handle_stream(state, input).is_none_or(|s| s.borrow().closed) {
            return Err(state.error_str("attempt to use a closed file"));
        }
        let mut args: Vec<Value> = (1..=n.max(1)).map(|k| state.arg(k)).collect();
        args[0] = input;
        let it = lines_iterator(state, &args, false)?;
        state.push(it);
        return Ok(1);
    }
    let name = state.check_string(1)?;
    let stream = match file::open_file(
        std::path::Path::new(crate::os::os_str(name.as_bytes())),
        b"r",
    ) {
        Ok(s) => s,
        Err(e) => {
            let msg = format!(
                "cannot open file '{}' ({})",
                name.to_str_lossy(),
                crate::os::error_info(&e).0
            );
            return Err(state.error_str(&msg));
        }
    };
    let fv = new_handle(state, stream, true);
    // Kept on the stack while the iterator is made.
    state.set_arg(1, fv);
    let args: Vec<Value> = (1..=n).map(|k| state.arg(k)).collect();
    let it = lines_iterator(state, &args, true)?;
    state.push(it);
    state.push(Value::Nil);
    state.push(Value::Nil);
    state.push(fv); // to-be-closed variable of a generic for
    Ok(4)
}

/// io.open(filename [, mode])
fn io_open(state: &mut State) -> Result<usize, Error> {
    let name = state.check_string(1)?;
    let mode = match state.opt_string(2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if !check_mode(&mode) {
        return Err(state.arg_error(2, "invalid mode"));
    }
    match file::open_file(
        std::path::Path::new(crate::os::os_str(name.as_bytes())),
        &mode,
    ) {
        Ok(stream) => {
            let v = new_handle(state, stream, true);
            state.push(v);
            Ok(1)
        }
        Err(e) => Ok(crate::os::push_error(state, &e, Some(name.as_bytes()))),
    }
}

/// io.popen(prog [, mode])
fn io_popen(state: &mut State) -> Result<usize, Error> {
    let prog = state.check_string(1)?;
    let mode = match state.opt_string(2)? {
        Some(m) => m.as_bytes().to_vec(),
        None => b"r".to_vec(),
    };
    if mode != b"r" && mode != b"w" {
        return Err(state.arg_error(2, "invalid mode"));
    }
    // The reference flushes every stream before starting the command.
    let _ = flush_files(state);
    match file::popen(crate::os::os_str(prog.as_bytes()), mode == b"r") {
        Ok(stream) => {
            let v = new_handle(state, stream, true);
            state.push(v);
            Ok(1)
        }
        Err(e) => Ok(crate::os::push_error(state, &e, Some(prog.as_bytes()))),
    }
}

/// io.read(...)
fn io_read(state: &mut State) -> Result<usize, Error> {
    let (s, _) = default_file(state, false)?;
    let values = args_from(state, 1);
    let formats = read_formats(state, &values, 1)?;
    Ok(read_stream(state, &s, &formats).n)
}

/// io.tmpfile()
fn io_tmpfile(state: &mut State) -> Result<usize, Error> {
    let r = crate::os::make_temp_file().and_then(|(path, f)| {
        // Removed at once, as C's tmpfile: gone when closed.
        std::fs::remove_file(&path)?;
        Ok(f)
    });
    match r {
        Ok(f) => {
            let v = new_handle(state, Stream::new(file::Raw::File(f), true, true), true);
            state.push(v);
            Ok(1)
        }
        Err(e) => Ok(crate::os::push_error(state, &e, None)),
    }
}

/// io.type(obj)
fn io_type(state: &mut State) -> Result<usize, Error> {
    let v = state.check_any(1)?;
    let reg = state.registry();
    let mt = state.get_field(reg, FILE_HANDLE);
    let is_file = match (v, mt) {
        (Value::UserData(u), Value::Table(mt)) => u.metatable.get().is_some_and(|m| m.ptr_eq(mt)),
        _ => false,
    };
    let r = match is_file.then(|| handle_stream(state, v)).flatten() {
        None => Value::Nil,
        Some(s) if s.borrow().closed => state.str_value(b"closed file"),
        Some(_) => state.str_value(b"file"),
    };
    state.push(r);
    Ok(1)
}

/// io.write(...)
fn io_write(state: &mut State) -> Result<usize, Error> {
    let (s, fv) = default_file(state, true)?;
    write_args(state, &s, fv, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lunar_syntax::Number::{Float, Int};

    #[test]
    fn read_number() {
        let long = "1".repeat(200);
        let cases: Vec<(String, Option<lunar_syntax::Number>, &str)> = vec![
            ("12".into(), Some(Int(12)), ""),
            ("  \t\n\x0b\x0c\r-7 x".into(), Some(Int(-7)), " x"),
            ("+3".into(), Some(Int(3)), ""),
            ("0x1F,".into(), Some(Int(31)), ","),
            ("0X1p4".into(), Some(Float(16.0)), ""),
            ("1e3".into(), Some(Float(1000.0)), ""),
            ("-2.5E-2".into(), Some(Float(-0.025)), ""),
            (".5".into(), Some(Float(0.5)), ""),
            ("5.".into(), Some(Float(5.0)), ""),
            ("0x.8".into(), Some(Float(0.5)), ""),
            ("00012".into(), Some(Int(12)), ""),
            ("1e+".into(), None, ""),
            ("0x".into(), None, ""),
            ("12abc".into(), Some(Int(12)), "abc"),
            ("-  9".into(), None, "  9"),
            ("inf".into(), None, "inf"),
            ("0x1P-2".into(), Some(Float(0.25)), ""),
            ("2..3".into(), Some(Float(2.0)), ".3"),
            ("--4".into(), None, "-4"),
            ("1E-1x".into(), Some(Float(0.1)), "x"),
            ("0x7fffffffffffffff".into(), Some(Int(i64::MAX)), ""),
            ("0xffffffffffffffff".into(), Some(Int(-1)), ""),
            (
                "9223372036854775808".into(),
                Some(Float(9223372036854775808.0)),
                "",
            ),
            (
                long.clone() + " 5",
                Some(Float(long.parse().unwrap())),
                " 5",
            ),
            (long.clone() + "1 5", None, "1 5"),
            ("".into(), None, ""),
            ("e5".into(), None, "e5"),
            ("0e".into(), None, ""),
            ("0.e1".into(), Some(Float(0.0)), ""),
        ];
        for (input, want, rest) in cases {
            let (path, mut f) = crate::os::make_temp_file().unwrap();
            f.write_all(input.as_bytes()).unwrap();
            drop(f);
            let mut s = file::open_file(&path, b"r").unwrap();
            let got = s.read_numeral().unwrap().and_then(|t| numeral_value(&t));
            assert_eq!(got, want, "{input:?}");
            assert_eq!(s.read_all().unwrap(), rest.as_bytes(), "{input:?}");
            std::fs::remove_file(path).unwrap();
        }
    }

    #[test]
    fn g14_format() {
        for (x, want) in [
            (1.0, "1"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e15, "1e+15"),
            (1e14, "1e+14"),
            (123456789012345.0, "1.2345678901234e+14"),
            (12345678901234.0, "12345678901234"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.0 / 3.0, "0.33333333333333"),
            (2.0f64.powi(63), "9.2233720368548e+18"),
            (-0.0, "-0"),
            (-f64::NAN, "-nan"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e300, "1e+300"),
            (99999999999999.5, "1e+14"),
        ] {
            let mut b = Vec::new();
            append_g14(&mut b, x);
            assert_eq!(String::from_utf8(b).unwrap(), want, "{x:e}");
        }
    }
}

/// Tests through a whole state (the standard libraries and the VM).
#[cfg(test)]
mod state_tests {
    use lunar_vm::{Error, State, Value};
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// A host writer that keeps what it is given.
    #[derive(Clone, Default)]
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

    /// A state with every library, its output and error going to a sink.
    fn new_state() -> (State, Sink) {
        let sink = Sink::default();
        let mut st = State::new();
        st.set_stdout(Box::new(sink.clone()));
        st.set_stderr(Box::new(sink.clone()));
        crate::open_all(&mut st);
        (st, sink)
    }

    /// Runs `code`; its results, or the error message.
    fn run(st: &mut State, code: &str) -> Result<Vec<Value>, String> {
        let f = st
            .load(code.as_bytes(), b"=test", "t", None)
            .map_err(|_| "syntax error".to_string())?;
        st.pcall(f, &[], None)
            .map_err(|e| match (e, st.take_error_value()) {
                (Error::Runtime, Value::Str(s)) => s.to_str_lossy().into_owned(),
                (e, v) => format!("{e:?} {v:?}"),
            })
    }

    fn output(sink: &Sink) -> String {
        String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned()
    }

    #[test]
    fn copied_states_have_their_own_standard_files() {
        // Copies of the library image (`new_state`) get new standard
        // files, made lazily: they behave as those `open_io` makes.
        let (mut a, mut b) = (crate::new_state(), crate::new_state());
        let out = Sink::default();
        a.set_stdout(Box::new(out.clone()));
        let r = run(
            &mut a,
            "local t = {io.type(io.stdin), io.type(io.stdout), io.type(io.stderr), \
             io.output() == io.stdout, io.input() == io.stdin, \
             tostring(io.stdout):match('^file %(0x') ~= nil} \
             io.write('x') io.stdout:write('y') io.stdout:setvbuf('full') \
             local ok, msg = io.stdout:close() \
             return table.concat({tostring(t[1]), tostring(t[2]), tostring(t[3]), \
             tostring(t[4]), tostring(t[5]), tostring(t[6]), tostring(ok), msg}, ' ')",
        )
        .unwrap();
        let Value::Str(s) = r[0] else { panic!() };
        assert_eq!(
            s.as_bytes(),
            b"file file file true true true nil cannot close standard file"
        );
        run(&mut a, "io.stdout:flush()").unwrap();
        assert_eq!(*out.0.lock().unwrap(), b"xy");
        // The other state's files are others, untouched (never used:
        // still without their streams) and usable.
        let (Value::Table(ga), Value::Table(gb)) = (
            a.get_field(a.globals(), "io"),
            b.get_field(b.globals(), "io"),
        ) else {
            panic!()
        };
        let (Value::UserData(ua), Value::UserData(ub)) =
            (a.get_field(ga, "stdout"), b.get_field(gb, "stdout"))
        else {
            panic!()
        };
        assert!(!ua.ptr_eq(ub));
        assert!(ub.data.borrow().is::<super::LazyStd<{ super::STD_OUT }>>());
        assert!(ua.data.borrow().is::<super::Shared>());
        let out_b = Sink::default();
        b.set_stdout(Box::new(out_b.clone()));
        run(&mut b, "io.write('z') collectgarbage()").unwrap();
        assert_eq!(*out_b.0.lock().unwrap(), b"z");
        // The files survive collections and finalization at close.
        a.collect_garbage();
        a.close();
        b.close();
        let r = run(&mut b, "return io.type(io.stderr)").unwrap();
        let Value::Str(s) = r[0] else { panic!() };
        assert_eq!(s.as_bytes(), b"file");
    }

    fn temp_name() -> String {
        let (path, _) = crate::os::make_temp_file().unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn stdout_interleaves_with_print() {
        let (mut st, sink) = new_state();
        run(
            &mut st,
            r#"io.write("a") print("b") io.write("c", 1, 2.5, "\n") io.stdout:write("d") print("e")
               io.stderr:write("f\n") print(io.write("x") == io.stdout)"#,
        )
        .unwrap();
        assert_eq!(output(&sink), "ab\nc12.5\nde\nf\nxtrue\n");
    }

    #[test]
    fn flush_files_writes_buffers() {
        let (mut st, _) = new_state();
        let name = temp_name();
        let v = st.str_value(name.as_bytes());
        st.set_global("name", v);
        run(&mut st, r#"f = io.open(name, "w") f:write("buffered")"#).unwrap();
        assert_eq!(std::fs::read(&name).unwrap(), b"");
        super::flush_files(&mut st).unwrap();
        assert_eq!(std::fs::read(&name).unwrap(), b"buffered");
        std::fs::remove_file(name).unwrap();
    }

    #[test]
    fn unreachable_files_are_closed_by_gc() {
        let (mut st, _) = new_state();
        let name = temp_name();
        let v = st.str_value(name.as_bytes());
        st.set_global("name", v);
        let r = run(
            &mut st,
            r#"do local f = io.open(name, "w") f:write("from gc") end
               for i = 1, 5 do collectgarbage() if io.open(name):read("a") == "from gc" then return true end end
               return false"#,
        )
        .unwrap();
        assert!(r[0].truthy(), "the file was not finalized");
        std::fs::remove_file(name).unwrap();
    }

    #[test]
    fn popen_output_reaches_the_host_writer_whole() {
        let (mut st, sink) = new_state();
        run(
            &mut st,
            r#"local p = io.popen("cat", "w")
               for i = 1, 100 do io.write(i, " ") p:write(i, "\n") end
               print() p:close() print("end")
               for l in io.popen("printf 'a\\nb'"):lines() do io.write(l, ";") end print()"#,
        )
        .unwrap();
        let mut want = String::new();
        for i in 1..=100 {
            want += &format!("{i} ");
        }
        want += "\n";
        for i in 1..=100 {
            want += &format!("{i}\n");
        }
        want += "end\na;b;\n";
        assert_eq!(output(&sink), want);
    }

    /// The exit hook of `exit_hook_is_called`: records its arguments in
    /// globals and raises "exit called".
    fn hook(st: &mut State) -> Result<usize, Error> {
        let (code, close) = (st.arg(1), st.arg(2));
        st.set_global("exit_code", code);
        st.set_global("exit_close", close);
        Err(st.error_str("exit called"))
    }

    #[test]
    fn exit_hook_is_called() {
        let (mut st, _) = new_state();
        crate::os::set_exit_hook(&mut st, hook);
        let err = run(&mut st, r#"os.exit(7, true) error("not reached")"#).unwrap_err();
        assert!(err.contains("exit called"), "{err}");
        let r = run(&mut st, "return exit_code, exit_close").unwrap();
        assert!(matches!(r[..], [Value::Int(7), Value::Bool(true)]), "{r:?}");
        for (code, want) in [
            ("os.exit(false)", 1),
            ("os.exit(true)", 0),
            ("os.exit()", 0),
            ("os.exit(256 + 3)", 259),
            ("os.exit(2^32 + 5)", 5),
        ] {
            assert!(run(&mut st, code).is_err(), "{code}");
            let r = run(&mut st, "return exit_code, exit_close").unwrap();
            assert!(
                matches!(r[..], [Value::Int(c), Value::Bool(false)] if c == want),
                "{code}: {r:?}"
            );
        }
    }
}
