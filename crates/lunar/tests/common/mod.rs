//! Helpers shared by the test harnesses: where the workspace is, whether
//! the reference interpreter is installed, running a script in-process
//! with its output captured and a time limit, and describing the first
//! difference between two outputs.

#![allow(dead_code)] // each test file uses its own subset

use lunar::Program;
use lunar::raw::{StateExt, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The path of `lua5.4` when it is installed (on `PATH`).
pub fn lua54() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("lua5.4"))
        .find(|p| p.is_file())
}

/// A `Write` that collects bytes in a buffer shared with the test.
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// What was written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How an in-process run ended.
#[derive(Debug)]
pub enum Ending {
    /// The chunk returned.
    Returned,
    /// It did not compile, or raised an error (message and traceback).
    Failed(String),
    /// The interpreter panicked (a bug: it must never).
    Panicked(String),
    /// It ran past the time limit (and still runs, abandoned).
    TimedOut,
}

/// The outcome of an in-process run.
pub struct Outcome {
    /// What the script printed on stdout.
    pub stdout: Vec<u8>,
    /// What it wrote on stderr.
    pub stderr: Vec<u8>,
    /// How it ended.
    pub ending: Ending,
}

/// Runs `source` as `lua5.4 ARG0` would, in-process: a state with the
/// standard library, `arg[0] = arg0`, the chunk named after `name` (a file
/// name), stdout and stderr captured. The run happens on a thread of its
/// own; past `limit` it is abandoned (the thread goes on running, but the
/// test does not wait for it).
pub fn run_in_process(name: &str, arg0: &str, source: Vec<u8>, limit: Duration) -> Outcome {
    let out = Capture::default();
    let err = Capture::default();
    let (tx, rx) = mpsc::channel();
    {
        let (name, arg0, out, err) = (name.to_string(), arg0.to_string(), out.clone(), err.clone());
        std::thread::Builder::new()
            .name(format!("lua:{name}"))
            .stack_size(64 << 20)
            .spawn(move || {
                let res =
                    std::panic::catch_unwind(move || run_script(&name, &arg0, &source, out, err));
                let ending = match res {
                    Ok(Ok(())) => Ending::Returned,
                    Ok(Err(msg)) => Ending::Failed(msg),
                    Err(payload) => Ending::Panicked(panic_message(payload.as_ref())),
                };
                let _ = tx.send(ending);
            })
            .expect("spawn a script thread");
    }
    let ending = match rx.recv_timeout(limit) {
        Ok(ending) => ending,
        Err(mpsc::RecvTimeoutError::Timeout) => Ending::TimedOut,
        Err(mpsc::RecvTimeoutError::Disconnected) => Ending::Panicked("thread vanished".into()),
    };
    Outcome {
        stdout: out.contents(),
        stderr: err.contents(),
        ending,
    }
}

/// The body of [`run_in_process`], on the script's thread.
fn run_script(
    name: &str,
    arg0: &str,
    source: &[u8],
    out: Capture,
    err: Capture,
) -> Result<(), String> {
    let mut state = lunar::raw::new_state();
    // As the standalone interpreter, which runs scripts with the
    // generational collector.
    state.heap().set_generational(0, 0);
    // A script must not end the test process.
    lunar::stdlib::os::set_exit_hook(&mut state, refuse_exit);
    state.set_stdout(Box::new(out));
    state.set_stderr(Box::new(err));
    let argt = state.new_table(0, 1);
    let arg0 = state.str_value(arg0.as_bytes());
    state
        .raw_set(argt, Value::Int(0), arg0)
        .map_err(|_| "cannot set arg[0]".to_string())?;
    state.set_global("arg", Value::Table(argt));
    let program = Program::compile(name, source).map_err(|e| e.to_string())?;
    let res = state.run(&program, &[]);
    let _ = state.stdout().flush();
    let _ = state.stderr().flush();
    match res {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.traceback {
            Some(tb) => format!("{}\n{tb}", e.message),
            None => e.message,
        }),
    }
}

/// `os.exit` in an in-process run: an error instead of the end of the
/// test process.
fn refuse_exit(state: &mut lunar::raw::State) -> Result<usize, lunar::raw::Error> {
    Err(state.error_str("os.exit called (not allowed in an in-process test run)"))
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

/// Describes the first differing line of two outputs ("line N: got/want"),
/// or `None` when they are equal.
pub fn first_diff(got: &[u8], want: &[u8]) -> Option<String> {
    if got == want {
        return None;
    }
    let g: Vec<&[u8]> = got.split(|&b| b == b'\n').collect();
    let w: Vec<&[u8]> = want.split(|&b| b == b'\n').collect();
    for i in 0..g.len().max(w.len()) {
        let gl = g.get(i).copied();
        let wl = w.get(i).copied();
        if gl != wl {
            let show = |l: Option<&[u8]>| match l {
                Some(l) => format!("{:?}", String::from_utf8_lossy(l)),
                None => "(end of output)".to_string(),
            };
            return Some(format!(
                "line {}:\n      got:  {}\n      want: {}",
                i + 1,
                show(gl),
                show(wl)
            ));
        }
    }
    Some("(outputs differ only in bytes that are not lines)".to_string())
}

#[test]
fn first_diff_points_at_the_first_differing_line() {
    assert_eq!(first_diff(b"a\nb\n", b"a\nb\n"), None);
    let d = first_diff(b"a\nb\nc\n", b"a\nx\nc\n").unwrap();
    assert!(d.starts_with("line 2:"), "{d}");
    assert!(d.contains("\"b\"") && d.contains("\"x\""), "{d}");
    let d = first_diff(b"a\n", b"a\nb\n").unwrap();
    assert!(d.starts_with("line 2:"), "{d}");
}

/// Compiles `src` as chunk `name`, runs it on a fresh state with the whole
/// library, and checks that it returns the string "ok" (the convention of
/// the test files whose chunks check themselves).
pub fn run_ok(name: &str, src: &str) {
    let program = Program::compile(&format!("={name}"), src.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut state = lunar::raw::new_state();
    let res = state
        .run(&program, &[])
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    match res.first() {
        Some(Value::Str(s)) if s.as_bytes() == b"ok" => {}
        Some(Value::Str(s)) => panic!("{name}: got {:?}, want \"ok\"", s.to_str_lossy()),
        other => panic!("{name}: got {other:?}, want \"ok\""),
    }
}
