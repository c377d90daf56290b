//! The interactive loop, as lua.c's `doREPL` (5.4.7): a line is first
//! compiled as an expression (`return <line>;`) and its values printed
//! through the global `print`; otherwise as a statement, with more lines
//! read (prompt `>> `) while the compiler says the chunk ends too early
//! (its syntax error ends in `<eof>`). Errors are shown without the
//! program name and the loop goes on.

use crate::Interp;
use crate::lineinput::{LineReader, NoLine, new_line_reader};
use crate::load::load_chunk;
use crate::report::Failure;
use lunar::raw::Value;

/// The default prompts.
const PROMPT: &[u8] = b"> ";
const PROMPT2: &[u8] = b">> ";

/// The end of the syntax errors of incomplete chunks.
const EOF_MARK: &[u8] = b"<eof>";

/// The chunk name of the lines typed.
const CHUNK_NAME: &[u8] = b"=stdin";

/// What reading a statement gave.
enum Input {
    /// A compiled chunk to run.
    Chunk(Value),
    /// A syntax error (or an unreadable prompt) to report.
    Failed(Failure),
    /// No more input, or the input was dropped.
    None(NoLine),
}

impl Interp {
    /// Runs the interactive loop until the end of input (Ctrl-D) or
    /// `os.exit`. A failed prompt conversion ends it with an error, as in
    /// lua.c, where it escapes the loop.
    pub(crate) fn repl(&mut self) -> Result<(), ()> {
        let mut input = new_line_reader();
        self.interrupts.set_in_repl(input.reads_ctrl_c());
        let progname = std::mem::take(&mut self.progname);
        let r = self.repl_loop(&mut *input);
        self.progname = progname;
        self.interrupts.set_in_repl(false);
        r
    }

    fn repl_loop(&mut self, input: &mut dyn LineReader) -> Result<(), ()> {
        loop {
            match self.load_line(input)? {
                Input::None(NoLine::Eof) => break,
                Input::None(NoLine::Aborted) => continue,
                Input::Failed(f) => self.report(f),
                Input::Chunk(f) => {
                    if let Ok(res) = self.docall(f, &[]) {
                        self.print_values(&res);
                    }
                }
            }
        }
        // An error in the loop does not make the command fail.
        self.status = 0;
        let out = self.state.stdout();
        let _ = out.write_all(b"\n");
        self.flush();
        Ok(())
    }

    /// Reads a line, and the lines continuing it, and compiles them
    /// (lua.c's `loadline`). `Err` is a prompt that could not be made,
    /// already reported.
    fn load_line(&mut self, input: &mut dyn LineReader) -> Result<Input, ()> {
        let mut line = match self.read_line(input, true)? {
            Ok(l) => l,
            Err(no) => return Ok(Input::None(no)),
        };
        if line.first() == Some(&b'=') {
            // As Lua 5.2 did: "=expr" prints the expression.
            let mut l = b"return ".to_vec();
            l.extend_from_slice(&line[1..]);
            line = l;
        }
        let mut ret = b"return ".to_vec();
        ret.extend_from_slice(&line);
        ret.push(b';');
        if let Ok(f) = load_chunk(&mut self.state, &ret, CHUNK_NAME) {
            if !line.is_empty() {
                input.save_line(&line);
            }
            return Ok(Input::Chunk(f));
        }
        loop {
            let err = match load_chunk(&mut self.state, &line, CHUNK_NAME) {
                Ok(f) => {
                    input.save_line(&line);
                    return Ok(Input::Chunk(f));
                }
                Err(e) => e,
            };
            if !err.0.ends_with(EOF_MARK) {
                input.save_line(&line);
                return Ok(Input::Failed(err.into()));
            }
            match self.read_line(input, false)? {
                Ok(more) => {
                    line.push(b'\n');
                    line.extend_from_slice(&more);
                }
                Err(NoLine::Aborted) => return Ok(Input::None(NoLine::Aborted)),
                Err(NoLine::Eof) => {
                    // No more input: the chunk stays incomplete.
                    input.save_line(&line);
                    return Ok(Input::Failed(err.into()));
                }
            }
        }
    }

    /// Shows the prompt (the global `_PROMPT` or `_PROMPT2` through
    /// `tostring`, when set) and reads a line. `Err` is a prompt whose
    /// conversion failed, reported.
    fn read_line(
        &mut self,
        input: &mut dyn LineReader,
        first: bool,
    ) -> Result<Result<Vec<u8>, NoLine>, ()> {
        let (default, global) = if first {
            (PROMPT, "_PROMPT")
        } else {
            (PROMPT2, "_PROMPT2")
        };
        let v = self.state.get_global(global);
        let prompt = if v.is_nil() {
            default.to_vec()
        } else {
            match self.interrupts.run(|| self.state.to_display(v)) {
                Ok(s) => s.as_bytes().to_vec(),
                Err(_) => {
                    // lua.c's prompt conversion is not protected: the error
                    // ends the loop and the command, without a traceback.
                    let v = self.state.take_error_value();
                    let msg = self.plain_error_text(v);
                    self.message(&msg);
                    self.status = 1;
                    return Err(());
                }
            }
        };
        Ok(input.read_line(&mut self.state, &prompt))
    }

    /// The text of an error value as `lua_tostring` gives it, "(null)"
    /// when it is not a string or a number (as Lua's `%s` shows a null).
    fn plain_error_text(&mut self, v: Value) -> Vec<u8> {
        match v {
            Value::Str(_) | Value::Int(_) | Value::Float(_) => self
                .state
                .to_str(v)
                .map(|s| s.as_bytes().to_vec())
                .unwrap_or_default(),
            _ => b"(null)".to_vec(),
        }
    }

    /// Prints the values of an expression through the global `print`, as
    /// lua.c's `l_print` (tab-separated, converted by `tostring`).
    fn print_values(&mut self, vals: &[Value]) {
        if vals.is_empty() {
            return;
        }
        let print = self.state.get_global("print");
        let r = self.interrupts.run(|| self.state.call(print, vals));
        if r.is_err() {
            let v = self.state.take_error_value();
            let mut msg = b"error calling 'print' (".to_vec();
            msg.extend_from_slice(&self.plain_error_text(v));
            msg.push(b')');
            self.message(&msg);
        }
    }
}
