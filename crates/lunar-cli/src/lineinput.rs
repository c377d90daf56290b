//! Where the interactive loop gets its lines: a line editor (rustyline:
//! editing, history, completion) when stdin and stdout are terminals, a
//! plain reader otherwise. With piped input the plain reader echoes each
//! line after its prompt, as `lua5.4` (built with GNU readline) does, so
//! that the output of `lunar -i < session.lua` is the same transcript.

use crate::complete::{Snapshot, complete};
use lunar::raw::State;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

/// Why no line came.
#[derive(Debug, PartialEq, Eq)]
pub enum NoLine {
    /// The end of input (Ctrl-D on a terminal).
    Eof,
    /// Ctrl-C at the prompt: the input typed so far is dropped.
    Aborted,
}

/// Gives the interactive loop its input lines.
pub trait LineReader {
    /// Shows `prompt` (after writing what `state` buffered for stdout) and
    /// reads a line, without its end.
    fn read_line(&mut self, state: &mut State, prompt: &[u8]) -> Result<Vec<u8>, NoLine>;
    /// Keeps a complete statement in the history (`lua_saveline`).
    fn save_line(&mut self, line: &[u8]);
    /// Whether Ctrl-C at the prompt is read as a key (a line editor);
    /// otherwise SIGINT outside runs ends the process, as in lua.c.
    fn reads_ctrl_c(&self) -> bool;
}

/// The line reader for the loop: line editing when stdin and stdout are
/// both terminals, plain lines otherwise.
pub fn new_line_reader() -> Box<dyn LineReader> {
    let stdin_tty = std::io::stdin().is_terminal();
    if stdin_tty
        && std::io::stdout().is_terminal()
        && let Some(editor) = LineEditor::new()
    {
        return Box::new(editor);
    }
    Box::new(PlainReader { echo: !stdin_tty })
}

/// Reads lines from a pipe, a file, or a terminal without line editing.
/// Input is read through the process's shared stdin buffer, so a chunk's
/// `io.read` gets the lines that follow it.
pub struct PlainReader {
    /// Echo each line after its prompt, and end lines at `\r` too, as GNU
    /// readline does when its input is not a terminal.
    pub echo: bool,
}

impl LineReader for PlainReader {
    fn read_line(&mut self, state: &mut State, prompt: &[u8]) -> Result<Vec<u8>, NoLine> {
        let out = state.stdout();
        let _ = out.write_all(prompt);
        let _ = out.flush();
        let line = read_raw_line(&mut std::io::stdin().lock(), self.echo).ok_or(NoLine::Eof)?;
        if self.echo {
            let out = state.stdout();
            let _ = out.write_all(&line);
            let _ = out.write_all(b"\n");
            let _ = out.flush();
        }
        Ok(line)
    }

    fn save_line(&mut self, _line: &[u8]) {}

    fn reads_ctrl_c(&self) -> bool {
        false
    }
}

/// Reads a line up to `\n` (or `\r` too when `cr_ends`), without its end;
/// `None` at the end of input (or on a read error) with nothing read. A
/// last line without its end is a line.
pub fn read_raw_line(r: &mut dyn BufRead, cr_ends: bool) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => &[][..],
        };
        if buf.is_empty() {
            return (!line.is_empty()).then_some(line);
        }
        let end = buf
            .iter()
            .position(|&c| c == b'\n' || (cr_ends && c == b'\r'));
        match end {
            Some(i) => {
                line.extend_from_slice(&buf[..i]);
                r.consume(i + 1);
                return Some(line);
            }
            None => {
                let n = buf.len();
                line.extend_from_slice(buf);
                r.consume(n);
            }
        }
    }
}

/// The path of the history file: `$LUNAR_HISTORY` (empty: none), or
/// `~/.lunar_history`.
pub fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LUNAR_HISTORY") {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    Some(PathBuf::from(home).join(".lunar_history"))
}

/// Completion for rustyline, from a snapshot of the state taken before
/// each prompt.
struct LuaHelper {
    snapshot: Option<Snapshot>,
}

impl Completer for LuaHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(match &self.snapshot {
            Some(snap) => complete(snap, line, pos),
            None => (pos, Vec::new()),
        })
    }
}

impl Hinter for LuaHelper {
    type Hint = String;
}

impl Highlighter for LuaHelper {}

impl Validator for LuaHelper {}

impl Helper for LuaHelper {}

/// Line editing with history and completion. The history is read from the
/// history file at the start, and each statement is appended to it at
/// once, so that it is kept however the session ends.
pub struct LineEditor {
    editor: Editor<LuaHelper, FileHistory>,
    history: Option<PathBuf>,
    /// Set when the terminal turns out unusable: plain lines from then on.
    fallback: Option<PlainReader>,
}

/// How many statements the history keeps.
const HISTORY_SIZE: usize = 1000;

impl LineEditor {
    /// A line editor on the terminal, or `None` when rustyline cannot
    /// drive it.
    fn new() -> Option<LineEditor> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .max_history_size(HISTORY_SIZE)
            .ok()?
            .history_ignore_dups(true)
            .ok()?
            .build();
        let mut editor = Editor::with_config(config).ok()?;
        editor.set_helper(Some(LuaHelper { snapshot: None }));
        let history = history_file();
        if let Some(path) = &history {
            // A missing or unreadable history file is an empty history.
            let _ = editor.load_history(path);
        }
        Some(LineEditor {
            editor,
            history,
            fallback: None,
        })
    }
}

impl LineReader for LineEditor {
    fn read_line(&mut self, state: &mut State, prompt: &[u8]) -> Result<Vec<u8>, NoLine> {
        if let Some(plain) = &mut self.fallback {
            return plain.read_line(state, prompt);
        }
        let _ = state.stdout().flush();
        if let Some(h) = self.editor.helper_mut() {
            h.snapshot = Some(Snapshot::take(state));
        }
        let prompt = String::from_utf8_lossy(prompt);
        let r = self.editor.readline(prompt.as_ref());
        if let Some(h) = self.editor.helper_mut() {
            // The handles are not valid once Lua code runs again.
            h.snapshot = None;
        }
        match r {
            Ok(line) => Ok(line.into_bytes()),
            Err(ReadlineError::Interrupted) => Err(NoLine::Aborted),
            Err(ReadlineError::Eof) => Err(NoLine::Eof),
            Err(_) => {
                let mut plain = PlainReader { echo: false };
                let r = plain.read_line(state, prompt.as_bytes());
                self.fallback = Some(plain);
                r
            }
        }
    }

    fn save_line(&mut self, line: &[u8]) {
        let line = String::from_utf8_lossy(line);
        if line.trim().is_empty() {
            return;
        }
        if matches!(self.editor.add_history_entry(line), Ok(true))
            && let Some(path) = &self.history
        {
            // History is a convenience: a file that cannot be written is
            // not worth stopping the session for.
            let _ = self.editor.append_history(path);
        }
    }

    fn reads_ctrl_c(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines() {
        let mut r: &[u8] = b"one\ntwo\r\nthree";
        assert_eq!(read_raw_line(&mut r, false).as_deref(), Some(&b"one"[..]));
        assert_eq!(read_raw_line(&mut r, false).as_deref(), Some(&b"two\r"[..]));
        assert_eq!(read_raw_line(&mut r, false).as_deref(), Some(&b"three"[..]));
        assert_eq!(read_raw_line(&mut r, false), None);
        // As readline: a carriage return ends a line too.
        let mut r: &[u8] = b"a\r\n\n";
        assert_eq!(read_raw_line(&mut r, true).as_deref(), Some(&b"a"[..]));
        assert_eq!(read_raw_line(&mut r, true).as_deref(), Some(&b""[..]));
        assert_eq!(read_raw_line(&mut r, true).as_deref(), Some(&b""[..]));
        assert_eq!(read_raw_line(&mut r, true), None);
    }

    #[test]
    fn raw_lines_across_buffer_refills() {
        let text = b"a long line that spans refills\nnext\n";
        let mut r = std::io::BufReader::with_capacity(4, &text[..]);
        assert_eq!(
            read_raw_line(&mut r, false).as_deref(),
            Some(&b"a long line that spans refills"[..])
        );
        assert_eq!(read_raw_line(&mut r, false).as_deref(), Some(&b"next"[..]));
        assert_eq!(read_raw_line(&mut r, false), None);
    }
}
