//! `Stream`, the Rust side of a Lua file handle: a file, a standard stream
//! or a pipe to a command, with C stdio's behaviour. Reads go through a
//! read-ahead buffer, writes through a write buffer (by default; see
//! `setvbuf`); switching between reading and writing, seeking and closing
//! settle both buffers as C's streams do. The standard output and error
//! write through the state's writers, so the pure buffering logic takes
//! the writer as an argument.

use std::io::{Read, Seek, SeekFrom, Write};

/// Buffering modes (`setvbuf`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BufMode {
    /// Full buffering.
    Full,
    /// Line buffering.
    Line,
    /// No buffering.
    No,
}

/// The size of a file's buffers.
pub const BUF_SIZE: usize = 4096;

/// How much a read of the standard input asks for: at least the capacity
/// of Rust's own stdin buffer, which so large a read bypasses, so that
/// the descriptor's offset stays the stream's position plus what `rbuf`
/// holds (what `seek` relies on).
const STDIN_READ_SIZE: usize = 8 * 1024;

/// Which standard stream a handle is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Std {
    /// `io.stdin`
    In,
    /// `io.stdout` (the state's standard output)
    Out,
    /// `io.stderr` (the state's standard error)
    Err,
}

/// Where the bytes go and come from.
pub enum Raw {
    /// A file opened by `io.open` or `io.tmpfile`.
    File(std::fs::File),
    /// A standard stream.
    Std(Std),
    /// A command started by `io.popen`.
    Pipe(Box<Pipe>),
    /// The stream is closed.
    Closed,
}

/// A command started by `io.popen`, with the threads that collect what it
/// writes to the state's writers (delivered when it ends: a host's writer
/// cannot be shared with a thread).
pub struct Pipe {
    /// The command.
    pub child: std::process::Child,
    /// Its standard output, for mode "r".
    pub out: Option<std::process::ChildStdout>,
    /// Its standard input, for mode "w".
    pub input: Option<std::process::ChildStdin>,
    /// Collectors of its output (mode "w") and error streams.
    pub collect_out: Option<std::thread::JoinHandle<Vec<u8>>>,
    /// Collector of its error stream.
    pub collect_err: Option<std::thread::JoinHandle<Vec<u8>>>,
}

/// The error of a read on a stream not open for reading, or a write on one
/// not open for writing (as glibc reports them).
pub fn bad_fd() -> std::io::Error {
    std::io::Error::from_raw_os_error(9) // EBADF
}

/// The error of seeking a pipe or a terminal.
fn illegal_seek() -> std::io::Error {
    std::io::Error::from_raw_os_error(29) // ESPIPE
}

/// Seeks the process's standard input, as `fseek(stdin, ...)` does when
/// it is a file (or /dev/null): through a duplicate of descriptor 0,
/// which shares its offset. A pipe or a terminal gives "Illegal seek".
#[cfg(unix)]
fn seek_stdin(pos: SeekFrom) -> std::io::Result<u64> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned()?;
    std::fs::File::from(fd).seek(pos)
}

#[cfg(not(unix))]
fn seek_stdin(_pos: SeekFrom) -> std::io::Result<u64> {
    Err(illegal_seek())
}

/// A stream with C stdio's behaviour.
pub struct Stream {
    /// The underlying file, standard stream or pipe.
    pub raw: Raw,
    readable: bool,
    writable: bool,
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    buf_mode: BufMode,
    /// Once made unbuffered, a stream stays so in effect (glibc keeps a
    /// one-byte buffer whatever mode is set later).
    unbuffered: bool,
    /// Closed by close, `__close` or `__gc`.
    pub closed: bool,
}

impl Stream {
    /// A stream over `raw`, open for reading and/or writing.
    pub fn new(raw: Raw, readable: bool, writable: bool) -> Stream {
        let buf_mode = match raw {
            Raw::Std(Std::Out | Std::Err) => BufMode::No,
            _ => BufMode::Full,
        };
        Stream {
            raw,
            readable,
            writable,
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            buf_mode,
            unbuffered: false,
            closed: false,
        }
    }

    /// Which standard stream this is, if one.
    pub fn std(&self) -> Option<Std> {
        match self.raw {
            Raw::Std(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a pipe to a command.
    pub fn is_pipe(&self) -> bool {
        matches!(self.raw, Raw::Pipe(_))
    }

    fn write_raw(&mut self, out: &mut dyn Write, data: &[u8]) -> std::io::Result<()> {
        match &mut self.raw {
            Raw::File(f) => f.write_all(data),
            Raw::Std(_) => out.write_all(data),
            Raw::Pipe(p) => match &mut p.input {
                Some(i) => i.write_all(data),
                None => Err(bad_fd()),
            },
            Raw::Closed => Err(bad_fd()),
        }
    }

    fn read_raw(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let r = match &mut self.raw {
                Raw::File(f) => f.read(buf),
                Raw::Std(Std::In) => std::io::stdin().lock().read(buf),
                Raw::Pipe(p) => match &mut p.out {
                    Some(o) => o.read(buf),
                    None => Err(bad_fd()),
                },
                _ => Err(bad_fd()),
            };
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        }
    }

    /// Writes the buffered output to `out` (the state's writer for the
    /// standard streams, unused otherwise).
    pub fn flush(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if !self.wbuf.is_empty() {
            let data = std::mem::take(&mut self.wbuf);
            let r = self.write_raw(out, &data);
            self.wbuf = data;
            self.wbuf.clear();
            r?;
        }
        match &mut self.raw {
            Raw::Std(Std::Out | Std::Err) => out.flush(),
            _ => Ok(()),
        }
    }

    /// Makes the stream ready for reading: output still buffered is
    /// written first.
    pub fn prepare_read(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if !self.readable || self.closed {
            return Err(bad_fd());
        }
        if !self.wbuf.is_empty() {
            self.flush(out)?;
        }
        Ok(())
    }

    /// Makes the stream ready for writing: input read ahead but not
    /// consumed is given back to the file by moving its position back.
    fn prepare_write(&mut self) -> std::io::Result<()> {
        if !self.writable || self.closed {
            return Err(bad_fd());
        }
        let unread = self.rbuf.len() - self.rpos;
        if unread > 0
            && let Raw::File(f) = &mut self.raw
            && f.seek(SeekFrom::Current(-(unread as i64))).is_ok()
        {
            self.rbuf.clear();
            self.rpos = 0;
        }
        Ok(())
    }

    /// Writes `data` through the buffer.
    pub fn write(&mut self, out: &mut dyn Write, data: &[u8]) -> std::io::Result<()> {
        self.prepare_write()?;
        if self.buf_mode == BufMode::No {
            return self.write_raw(out, data);
        }
        if self.wbuf.len() + data.len() > BUF_SIZE {
            self.flush(out)?;
            if data.len() >= BUF_SIZE {
                return self.write_raw(out, data);
            }
        }
        self.wbuf.extend_from_slice(data);
        if self.buf_mode == BufMode::Line && data.contains(&b'\n') {
            return self.flush(out);
        }
        Ok(())
    }

    /// Sets the position as C's `fseek` and returns the new one (`ftell`).
    pub fn seek(&mut self, out: &mut dyn Write, pos: SeekFrom) -> std::io::Result<u64> {
        self.flush(out)?;
        let unread = (self.rbuf.len() - self.rpos) as i64;
        let pos = match pos {
            SeekFrom::Current(o) => SeekFrom::Current(o - unread),
            p => p,
        };
        let r = match &mut self.raw {
            Raw::File(f) => f.seek(pos)?,
            Raw::Std(Std::In) => seek_stdin(pos)?,
            _ => return Err(illegal_seek()),
        };
        self.rbuf.clear();
        self.rpos = 0;
        Ok(r)
    }

    /// Sets the buffering mode. As with glibc's setvbuf without a buffer
    /// (what the reference calls), the size is not used, and a stream made
    /// unbuffered stays so in effect.
    pub fn setvbuf(&mut self, out: &mut dyn Write, mode: BufMode) -> std::io::Result<()> {
        self.flush(out)?;
        if self.std().is_some() {
            return Ok(()); // the standard streams write straight through
        }
        if mode == BufMode::No {
            self.unbuffered = true;
        }
        self.buf_mode = if self.unbuffered { BufMode::No } else { mode };
        Ok(())
    }

    /// Closes the stream: the buffered output is written and the file
    /// closed. For a pipe, waits for the command and returns its exit
    /// status and what it wrote for the state's output and error.
    pub fn close(&mut self, out: &mut dyn Write) -> (std::io::Result<()>, Option<PipeEnd>) {
        let r = self.flush(out);
        self.closed = true;
        let raw = std::mem::replace(&mut self.raw, Raw::Closed);
        match raw {
            Raw::File(f) => {
                drop(f);
                (r, None)
            }
            Raw::Pipe(mut p) => {
                drop(p.input.take());
                drop(p.out.take());
                let status = p.child.wait();
                let stdout = p
                    .collect_out
                    .take()
                    .and_then(|h| h.join().ok())
                    .unwrap_or_default();
                let stderr = p
                    .collect_err
                    .take()
                    .and_then(|h| h.join().ok())
                    .unwrap_or_default();
                (
                    r,
                    Some(PipeEnd {
                        status,
                        stdout,
                        stderr,
                    }),
                )
            }
            other => {
                self.raw = other;
                (r, None)
            }
        }
    }

    /// Fills the read buffer when it is empty; false at the end.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.rpos < self.rbuf.len() {
            return Ok(true);
        }
        let size = match self.raw {
            Raw::Std(Std::In) => STDIN_READ_SIZE,
            _ => BUF_SIZE,
        };
        self.rbuf.resize(size, 0);
        self.rpos = 0;
        let mut tmp = std::mem::take(&mut self.rbuf);
        let r = self.read_raw(&mut tmp);
        let n = *r.as_ref().unwrap_or(&0);
        tmp.truncate(n);
        self.rbuf = tmp;
        Ok(r? > 0)
    }

    /// Reads a line as the reference's `read_line`: `chop` drops the
    /// newline; `None` at the end of the file (nothing read).
    pub fn read_line(&mut self, chop: bool) -> std::io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let mut any = false;
        while self.fill()? {
            any = true;
            let avail = &self.rbuf[self.rpos..];
            if let Some(k) = avail.iter().position(|&c| c == b'\n') {
                line.extend_from_slice(&avail[..if chop { k } else { k + 1 }]);
                self.rpos += k + 1;
                return Ok(Some(line));
            }
            line.extend_from_slice(avail);
            self.rpos = self.rbuf.len();
        }
        Ok(if any { Some(line) } else { None })
    }

    /// Reads the rest of the stream.
    pub fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        let mut all = Vec::new();
        while self.fill()? {
            all.extend_from_slice(&self.rbuf[self.rpos..]);
            self.rpos = self.rbuf.len();
        }
        Ok(all)
    }

    /// Reads up to `n` bytes; `None` when nothing was read.
    pub fn read_chars(&mut self, n: u64) -> std::io::Result<Option<Vec<u8>>> {
        let mut out = Vec::new();
        let mut left = n;
        while left > 0 && self.fill()? {
            let avail = &self.rbuf[self.rpos..];
            let k = (avail.len() as u64).min(left) as usize;
            out.extend_from_slice(&avail[..k]);
            self.rpos += k;
            left -= k as u64;
        }
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    /// Whether anything is left to read (`read(0)`).
    pub fn test_eof(&mut self) -> std::io::Result<bool> {
        self.fill()
    }

    /// The next byte, consumed; `None` at the end.
    fn getc(&mut self) -> std::io::Result<Option<u8>> {
        if !self.fill()? {
            return Ok(None);
        }
        let c = self.rbuf[self.rpos];
        self.rpos += 1;
        Ok(Some(c))
    }

    /// Reads a numeral (skipping leading white space) as the reference's
    /// `read_number`: what is read is consumed even when it turns out not
    /// to be a number. Returns the numeral's text, or `None` when it is
    /// too long (over 200 characters).
    pub fn read_numeral(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut rn = NumeralReader {
            s: self,
            c: None,
            buf: Vec::new(),
            invalid: false,
        };
        loop {
            rn.c = rn.s.getc()?;
            match rn.c {
                Some(c) if c == b' ' || (b'\t'..=b'\r').contains(&c) => {}
                _ => break,
            }
        }
        rn.test2(b"-+")?;
        let mut count = 0;
        let mut hex = false;
        if rn.test2(b"00")? {
            if rn.test2(b"xX")? {
                hex = true;
            } else {
                count = 1; // the initial '0' is a digit
            }
        }
        count += rn.read_digits(hex)?;
        if rn.test2(b"..")? {
            count += rn.read_digits(hex)?;
        }
        if count > 0 && rn.test2(if hex { b"pP" } else { b"eE" })? {
            rn.test2(b"-+")?;
            rn.read_digits(false)?;
        }
        if rn.c.is_some() {
            // Give back the look-ahead character (it is in the buffer).
            rn.s.rpos -= 1;
        }
        if rn.invalid {
            return Ok(None);
        }
        Ok(Some(rn.buf))
    }
}

/// The end of a command started by `io.popen`.
pub struct PipeEnd {
    /// How it ended.
    pub status: std::io::Result<std::process::ExitStatus>,
    /// What it wrote to its standard output (mode "w").
    pub stdout: Vec<u8>,
    /// What it wrote to its standard error.
    pub stderr: Vec<u8>,
}

/// The longest numeral `read("n")` accepts (L_MAXLENNUM).
const MAX_NUMERAL: usize = 200;

/// Reads a numeral a character at a time with one character of
/// look-ahead, as the reference's `read_number`.
struct NumeralReader<'a> {
    s: &'a mut Stream,
    c: Option<u8>,
    buf: Vec<u8>,
    invalid: bool,
}

impl NumeralReader<'_> {
    /// Keeps the look-ahead character and reads the next one.
    fn nextc(&mut self) -> std::io::Result<bool> {
        if self.buf.len() >= MAX_NUMERAL {
            self.invalid = true;
            return Ok(false);
        }
        self.buf.extend(self.c);
        self.c = self.s.getc()?;
        Ok(true)
    }

    /// Accepts the look-ahead character if it is one of `set`'s two.
    fn test2(&mut self, set: &[u8; 2]) -> std::io::Result<bool> {
        match self.c {
            Some(c) if c == set[0] || c == set[1] => self.nextc(),
            _ => Ok(false),
        }
    }

    fn read_digits(&mut self, hex: bool) -> std::io::Result<usize> {
        let mut count = 0;
        while let Some(c) = self.c {
            let ok = if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            };
            if !ok || !self.nextc()? {
                break;
            }
            count += 1;
        }
        Ok(count)
    }
}

/// Whether `mode` is a valid mode for `io.open`: one of "r", "w", "a",
/// optionally followed by "+", then any number of "b".
pub fn check_mode(mode: &[u8]) -> bool {
    let Some((&first, rest)) = mode.split_first() else {
        return false;
    };
    if !b"rwa".contains(&first) {
        return false;
    }
    let rest = rest.strip_prefix(b"+").unwrap_or(rest);
    rest.iter().all(|&c| c == b'b')
}

/// Opens `path` with a mode accepted by `check_mode`, as C's `fopen`.
pub fn open_file(path: &std::path::Path, mode: &[u8]) -> std::io::Result<Stream> {
    let plus = mode.get(1) == Some(&b'+');
    let mut o = std::fs::OpenOptions::new();
    match mode[0] {
        b'r' => o.read(true),
        b'w' => o.write(true).create(true).truncate(true),
        _ => o.append(true).create(true),
    };
    if plus {
        o.read(true);
        if mode[0] == b'r' {
            o.write(true);
        }
    }
    let mut f = o.open(path)?;
    if mode[0] == b'a' && !plus {
        // glibc reports the end of the file as the initial position.
        let _ = f.seek(SeekFrom::End(0));
    }
    Ok(Stream::new(
        Raw::File(f),
        mode[0] == b'r' || plus,
        mode[0] != b'r' || plus,
    ))
}

/// Starts `command` with /bin/sh -c; mode "r" reads its output, "w"
/// writes its input.
pub fn popen(command: &std::ffi::OsStr, read: bool) -> std::io::Result<Stream> {
    use std::process::{Command, Stdio};
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c").arg(command).stderr(Stdio::piped());
    if read {
        cmd.stdin(Stdio::inherit()).stdout(Stdio::piped());
    } else {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
    }
    let mut child = cmd.spawn()?;
    let collect = |r: Option<Box<dyn Read + Send>>| {
        r.map(|mut r| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = r.read_to_end(&mut v);
                v
            })
        })
    };
    let collect_err = collect(
        child
            .stderr
            .take()
            .map(|e| Box::new(e) as Box<dyn Read + Send>),
    );
    let (out, input, collect_out) = if read {
        (child.stdout.take(), None, None)
    } else {
        let o = collect(
            child
                .stdout
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        );
        (None, child.stdin.take(), o)
    };
    let pipe = Pipe {
        child,
        out,
        input,
        collect_out,
        collect_err,
    };
    Ok(Stream::new(Raw::Pipe(Box::new(pipe)), read, !read))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_stream(content: &[u8], mode: &[u8]) -> (Stream, std::path::PathBuf) {
        let (path, mut f) = crate::os::make_temp_file().unwrap();
        f.write_all(content).unwrap();
        drop(f);
        (open_file(&path, mode).unwrap(), path)
    }

    #[test]
    fn modes() {
        for (m, ok) in [
            ("r", true),
            ("w", true),
            ("a", true),
            ("r+", true),
            ("rb", true),
            ("r+bbb", true),
            ("", false),
            ("x", false),
            ("+", false),
            ("rw", false),
            ("r++", false),
            ("rb+", false),
        ] {
            assert_eq!(check_mode(m.as_bytes()), ok, "{m:?}");
        }
    }

    #[test]
    fn read_numbers() {
        let cases: &[(&str, &[Option<&str>])] = &[
            (
                "12 0x1F -3.5e2 .5 0x.8p1",
                &[
                    Some("12"),
                    Some("0x1F"),
                    Some("-3.5e2"),
                    Some(".5"),
                    Some("0x.8p1"),
                ],
            ),
            ("  \n\t42abc", &[Some("42")]),
            ("--1", &[Some("-")]),
            ("0x", &[Some("0x")]),
            ("1e+", &[Some("1e+")]),
            ("", &[Some("")]),
        ];
        for &(input, want) in cases {
            let (mut s, path) = temp_stream(input.as_bytes(), b"r");
            for w in want {
                let got = s.read_numeral().unwrap();
                assert_eq!(got.as_deref(), w.map(|w| w.as_bytes()), "{input:?}");
            }
            std::fs::remove_file(path).unwrap();
        }
        // What follows the numeral stays to be read.
        let (mut s, path) = temp_stream(b"42abc", b"r");
        s.read_numeral().unwrap();
        assert_eq!(s.read_all().unwrap(), b"abc");
        std::fs::remove_file(path).unwrap();
        // Too long.
        let long = "1".repeat(250);
        let (mut s, path) = temp_stream(long.as_bytes(), b"r");
        assert_eq!(s.read_numeral().unwrap(), None);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn lines_chars_and_eof() {
        let (mut s, path) = temp_stream(b"one\ntwo\r\n\nlast", b"r");
        let mut sink = Vec::new();
        s.prepare_read(&mut sink).unwrap();
        assert_eq!(s.read_line(true).unwrap().as_deref(), Some(&b"one"[..]));
        assert_eq!(
            s.read_line(false).unwrap().as_deref(),
            Some(&b"two\r\n"[..])
        );
        assert_eq!(s.read_line(true).unwrap().as_deref(), Some(&b""[..]));
        assert_eq!(s.read_chars(2).unwrap().as_deref(), Some(&b"la"[..]));
        assert!(s.test_eof().unwrap());
        assert_eq!(s.read_line(true).unwrap().as_deref(), Some(&b"st"[..]));
        assert_eq!(s.read_line(true).unwrap(), None);
        assert!(!s.test_eof().unwrap());
        assert_eq!(s.read_chars(1).unwrap(), None);
        assert_eq!(s.read_all().unwrap(), b"");
        // Not open for writing.
        assert_eq!(
            s.write(&mut sink, b"x").unwrap_err().raw_os_error(),
            Some(9)
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn write_seek_and_read_back() {
        let (mut s, path) = temp_stream(b"", b"w+");
        let mut sink = Vec::new();
        s.write(&mut sink, b"hello world\n").unwrap();
        // Buffered: nothing in the file yet.
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        assert_eq!(s.seek(&mut sink, SeekFrom::Current(0)).unwrap(), 12);
        assert_eq!(std::fs::read(&path).unwrap(), b"hello world\n");
        assert_eq!(s.seek(&mut sink, SeekFrom::Start(6)).unwrap(), 6);
        assert_eq!(s.read_chars(3).unwrap().as_deref(), Some(&b"wor"[..]));
        // Reading ahead does not move the position seen by seek.
        assert_eq!(s.seek(&mut sink, SeekFrom::Current(0)).unwrap(), 9);
        s.read_chars(1).unwrap();
        // Writing after reading writes at the logical position.
        s.write(&mut sink, b"D").unwrap();
        let (r, _) = s.close(&mut sink);
        r.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello worlD\n");
        assert!(sink.is_empty());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn append_mode_starts_at_end() {
        let (mut s, path) = temp_stream(b"abc", b"a");
        let mut sink = Vec::new();
        assert_eq!(s.seek(&mut sink, SeekFrom::Current(0)).unwrap(), 3);
        s.write(&mut sink, b"d").unwrap();
        s.close(&mut sink).0.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abcd");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn line_buffering_and_setvbuf() {
        let (mut s, path) = temp_stream(b"", b"w");
        let mut sink = Vec::new();
        s.setvbuf(&mut sink, BufMode::Line).unwrap();
        s.write(&mut sink, b"ab").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
        s.write(&mut sink, b"c\nd").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abc\nd");
        s.setvbuf(&mut sink, BufMode::No).unwrap();
        s.setvbuf(&mut sink, BufMode::Full).unwrap(); // stays unbuffered
        s.write(&mut sink, b"e").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"abc\nde");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn std_streams_write_to_the_state_writer() {
        let mut s = Stream::new(Raw::Std(Std::Out), false, true);
        let mut sink = Vec::new();
        s.write(&mut sink, b"hi").unwrap();
        assert_eq!(sink, b"hi");
        assert_eq!(
            s.seek(&mut sink, SeekFrom::Current(0))
                .unwrap_err()
                .raw_os_error(),
            Some(29)
        );
    }

    #[test]
    fn pipes() {
        let mut sink = Vec::new();
        let mut p = popen(
            std::ffi::OsStr::new("echo hello; echo err >&2; exit 3"),
            true,
        )
        .unwrap();
        p.prepare_read(&mut sink).unwrap();
        assert_eq!(p.read_all().unwrap(), b"hello\n");
        let (r, end) = p.close(&mut sink);
        r.unwrap();
        let end = end.unwrap();
        assert_eq!(end.status.unwrap().code(), Some(3));
        assert_eq!(end.stderr, b"err\n");
        let mut p = popen(std::ffi::OsStr::new("tr a-z A-Z"), false).unwrap();
        p.write(&mut sink, b"shout\n").unwrap();
        let (r, end) = p.close(&mut sink);
        r.unwrap();
        let end = end.unwrap();
        assert!(end.status.unwrap().success());
        assert_eq!(end.stdout, b"SHOUT\n");
    }
}
