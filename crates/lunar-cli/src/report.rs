//! Reporting errors on stderr as lua.c does: "lunar: message", then the
//! traceback; error objects with `__tostring` shown through it; other
//! objects described by their type; and the exit status an error sets.

use crate::Interp;
use crate::load::LoadError;
use lunar::raw::CallError;
use std::io::Write;

/// Why running something failed.
pub enum Failure {
    /// A chunk could not be loaded (no traceback).
    Load(LoadError),
    /// A Lua error escaped.
    Call(CallError),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        Failure::Load(e)
    }
}

impl Interp {
    /// Turns the error of a run into the text lua.c's message handler makes
    /// of it: a string (or number) error value followed by the traceback; a
    /// value whose `__tostring` gives a string shown through it, without a
    /// traceback; any other value described by its type, with the
    /// traceback.
    fn error_text(&mut self, err: &CallError) -> Vec<u8> {
        let (mut msg, traceback_follows) = lunar::raw::describe_error(&mut self.state, err.value);
        if traceback_follows && let Some(tb) = &err.traceback {
            msg.push(b'\n');
            msg.extend_from_slice(tb.as_bytes());
        }
        msg
    }

    /// Prints the error of a run on stderr, after the program name, and
    /// sets the exit status to 1.
    pub fn report(&mut self, failure: Failure) {
        self.flush();
        match failure {
            Failure::Load(LoadError(msg)) => {
                self.message(&msg);
                self.status = 1;
            }
            Failure::Call(err) => {
                let msg = self.error_text(&err);
                self.message(&msg);
                self.status = 1;
            }
        }
    }

    /// Prints `msg` on stderr after the program name (none in the
    /// interactive loop).
    pub fn message(&mut self, msg: &[u8]) {
        self.flush();
        let mut line = self.progname.clone();
        if !line.is_empty() {
            line.extend_from_slice(b": ");
        }
        line.extend_from_slice(msg);
        line.push(b'\n');
        let mut err = std::io::stderr().lock();
        // Nothing sensible to do when stderr is gone.
        let _ = err.write_all(&line);
        let _ = err.flush();
    }
}
