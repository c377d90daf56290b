//! The interpreter's standard output: buffered, flushed after every write
//! on a terminal, and ending the process on a broken pipe as the default
//! action of SIGPIPE ends `lua` (Rust ignores that signal).

use std::io::{self, BufWriter, Write};

/// The exit status of a process killed by SIGPIPE, as shells show it
/// (128 + 13).
const BROKEN_PIPE_STATUS: i32 = 128 + 13;

/// The state's stdout (`print`, `io.write`): a buffer over the process's
/// stdout, flushed after every write when `always` is set (a terminal:
/// C's stdout is line-buffered there, and a prompt written with `io.write`
/// must show before `io.read`), and by the command before it writes to
/// stderr and at exit.
pub struct Stdout {
    inner: BufWriter<io::Stdout>,
    always: bool,
}

impl Stdout {
    /// A buffered stdout; `terminal` makes every write go out at once.
    pub fn new(terminal: bool) -> Stdout {
        Stdout {
            inner: BufWriter::with_capacity(16 << 10, io::stdout()),
            always: terminal,
        }
    }
}

/// Ends the process as SIGPIPE would when the reader of stdout has gone
/// (`lunar script.lua | head -1`), instead of running on with every write
/// failing.
fn check<T>(r: io::Result<T>) -> io::Result<T> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(BROKEN_PIPE_STATUS),
        r => r,
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = check(self.inner.write(buf))?;
        if self.always {
            check(self.inner.flush())?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        check(self.inner.flush())
    }
}
