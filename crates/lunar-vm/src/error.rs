//! Error types. Inside the VM an error is a small marker (`Error`): the
//! error value itself (any Lua value) is stored in the state, so `Result`
//! stays cheap on the hot path. Hosts get a `RuntimeError` with the message
//! and traceback.

/// The error type of every fallible VM and native-API operation.
///
/// Small on purpose. `Error::Runtime` means "a Lua error is being raised";
/// its value is held by the state (`State::take_error_value`). Other
/// variants are control transfers that travel the same path (they are not
/// errors a script can catch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A Lua error; the value is in the state.
    Runtime,
    /// The running coroutine yields (the values are on its stack).
    Yield,
    /// A native function asked the VM to call a function and then its
    /// continuation (`State::call_k`/`State::pcall_k`): return it as is.
    CallK,
    /// A limit stopped the run, or the host interrupted it
    /// (`State::tripped_limit` says which): it unwinds to the host,
    /// whatever protected calls are on the way.
    Limit,
}

/// An error as a host sees it: the error value rendered as text, plus the
/// traceback when one was taken.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RuntimeError {
    /// The error message (the error value converted as `lua.c` shows it).
    pub message: String,
    /// `stack traceback:` text, when collected.
    pub traceback: Option<String>,
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeError {}
