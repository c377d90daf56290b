//! The one error type of the embedding API: [`Error`].
//!
//! Every failure a host can meet comes back as an `Error`: a syntax error,
//! a Lua error (with the error value and a traceback), a limit that
//! stopped a run, a value that did not convert, an error returned by a
//! Rust function (kept intact as the error's source), or a panic caught at
//! a Rust function's boundary.

use crate::value::Value;
use lunar_vm::Limit;
use std::sync::Arc;

/// The result type of the embedding API.
///
/// ```
/// fn answer(state: &mut lunar::State) -> lunar::Result<i64> {
///     state.exec("t.lua", "return 6 * 7")
/// }
/// assert_eq!(answer(&mut lunar::State::new()).unwrap(), 42);
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure an [`Error`] is.
///
/// ```
/// use lunar::{ErrorKind, Limit, Limits, State};
/// let mut state = State::new();
/// state.set_limits(Limits { instructions: Some(1_000), ..Default::default() });
/// let kind = |r: lunar::Result<()>| r.unwrap_err().kind().clone();
/// assert_eq!(kind(state.exec("t.lua", "x =")), ErrorKind::Syntax);
/// assert_eq!(kind(state.exec("t.lua", "error('no')")), ErrorKind::Runtime);
/// assert_eq!(kind(state.exec("t.lua", "while true do end")), ErrorKind::Limit(Limit::Instructions));
/// assert_eq!(kind(state.exec::<i64>("t.lua", "return {}").map(drop)), ErrorKind::Conversion);
/// state.register("boom", |_, ()| -> lunar::Result<()> { panic!("boom") }).unwrap();
/// assert_eq!(kind(state.exec("t.lua", "boom()")), ErrorKind::Panic);
/// let other = State::new().create_table();
/// assert_eq!(kind(state.set_global("t", other)), ErrorKind::Usage);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The source did not compile.
    Syntax,
    /// A Lua error (raised by `error`, by the VM, or by a library).
    Runtime,
    /// A limit stopped the run, or the host interrupted it.
    Limit(Limit),
    /// A value did not convert between Lua and Rust.
    Conversion,
    /// A Rust function registered with the state returned an error (the
    /// error's [`source`](std::error::Error::source) is that error).
    External,
    /// A Rust function registered with the state panicked; the panic was
    /// caught where Lua called it.
    Panic,
    /// The API was used wrongly: a handle of another state, a userdata
    /// already borrowed, a call on a state that is running.
    Usage,
}

/// One level of a traceback, innermost first.
///
/// ```
/// let mut state = lunar::State::new();
/// let err = state.exec::<()>("t.lua", "local function check()\n  error('bad')\nend\ncheck()").unwrap_err();
/// let frame = &err.traceback()[1];
/// assert_eq!((frame.chunk.as_str(), frame.line, frame.function.as_str()), ("t.lua", Some(2), "local 'check'"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFrame {
    /// The chunk as messages show it (`script.lua`, `[string "..."]`,
    /// `[C]`).
    pub chunk: String,
    /// The line running in this level, when known.
    pub line: Option<u32>,
    /// How the level's function was called, as tracebacks word it
    /// (`function 'f'`, `method 'm'`, `main chunk`, `function <x.lua:3>`).
    pub function: String,
}

/// An error of the embedding API. `Send + Sync`; cheap to clone.
///
/// ```
/// let mut state = lunar::State::new();
/// let p = lunar::Program::compile("e.lua", "local t = nil\nreturn t.x").unwrap();
/// let err = state.run::<()>(&p).unwrap_err();
/// assert_eq!(err.kind(), &lunar::ErrorKind::Runtime);
/// assert_eq!(err.message(), "e.lua:2: attempt to index a nil value (local 't')");
/// assert_eq!(err.traceback()[0].line, Some(2));
/// ```
#[derive(Clone)]
pub struct Error {
    inner: Arc<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    value: Option<Value>,
    traceback: Vec<TraceFrame>,
    traceback_text: Option<String>,
    cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// For a conversion: the Lua type expected and a detail replacing the
    /// "X expected, got Y" wording (as `luaL_check*` words them).
    conversion: Option<(String, Option<String>)>,
    /// For a conversion of a Rust function's argument: its position.
    arg: Option<usize>,
}

impl Error {
    /// An error of `kind` with this message.
    ///
    /// ```
    /// use lunar::{Error, ErrorKind};
    /// let e = Error::new(ErrorKind::Usage, "not now");
    /// assert_eq!((e.kind(), e.message()), (&ErrorKind::Usage, "not now"));
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::build(kind, message.into(), None, Vec::new(), None, None)
    }

    pub(crate) fn build(
        kind: ErrorKind,
        message: String,
        value: Option<Value>,
        traceback: Vec<TraceFrame>,
        traceback_text: Option<String>,
        cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error {
            inner: Arc::new(Inner {
                kind,
                message,
                value,
                traceback,
                traceback_text,
                cause,
                conversion: None,
                arg: None,
            }),
        }
    }

    /// A Lua error with this message, as a Rust function raises one
    /// (`Err(lunar::Error::runtime("bad input"))` reaches Lua as the
    /// string "bad input").
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("check", |_, n: i64| {
    ///     if n < 0 { return Err(lunar::Error::runtime("bad input")) }
    ///     Ok(n)
    /// }).unwrap();
    /// let (ok, msg): (bool, String) = state.exec("t.lua", "return pcall(check, -1)").unwrap();
    /// assert_eq!((ok, msg.as_str()), (false, "bad input"));
    /// ```
    pub fn runtime(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Runtime, message)
    }

    /// Wraps any Rust error, to return it from a Rust function called by
    /// Lua: Lua sees an error whose `tostring` is the error's text, and
    /// the host gets it back as this error's source.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("num", |_, s: String| s.parse::<i64>().map_err(lunar::Error::external)).unwrap();
    /// let msg: String = state.exec("t.lua", "local ok, e = pcall(num, 'x') return tostring(e)").unwrap();
    /// assert_eq!(msg, "invalid digit found in string");
    /// let err = state.exec::<()>("t.lua", "num('x')").unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::External);
    /// assert!(err.cause().unwrap().is::<std::num::ParseIntError>());
    /// ```
    pub fn external(cause: impl std::error::Error + Send + Sync + 'static) -> Error {
        let message = cause.to_string();
        Error::build(
            ErrorKind::External,
            message,
            None,
            Vec::new(),
            None,
            Some(Arc::new(cause)),
        )
    }

    /// A failed conversion of a Lua value of type `from` where a value of
    /// Lua type `expected` was wanted ("number", "string", "table"...);
    /// `detail`, when given, replaces the "number expected, got nil"
    /// wording (as "number has no integer representation").
    ///
    /// ```
    /// let e = lunar::Error::conversion("nil", "number", None);
    /// assert_eq!(e.message(), "number expected, got nil");
    /// ```
    pub fn conversion(from: &str, expected: &str, detail: Option<&str>) -> Error {
        let message = match detail {
            Some(d) => d.to_string(),
            None => format!("{expected} expected, got {from}"),
        };
        let mut e = Error::new(ErrorKind::Conversion, message);
        if let Some(inner) = Arc::get_mut(&mut e.inner) {
            inner.conversion = Some((expected.to_string(), detail.map(str::to_string)));
        }
        e
    }

    /// The same conversion error, as argument `pos` of a Rust function:
    /// Lua sees it as `bad argument #pos to 'f' (...)` (for an "X expected,
    /// got Y" error, Y is the type of the argument actually passed, as
    /// `luaL_typeerror` words it). Other errors are returned unchanged.
    ///
    /// ```
    /// use lunar::Error;
    /// let e = Error::conversion("table", "string", None).bad_argument(2);
    /// assert_eq!(e.message(), "bad argument #2 (string expected, got table)");
    /// // Only conversion errors change.
    /// assert_eq!(Error::runtime("x").bad_argument(2).message(), "x");
    /// let mut state = lunar::State::new();
    /// state.register("f", |_, ()| -> lunar::Result<()> { Err(Error::conversion("table", "string", None).bad_argument(2)) }).unwrap();
    /// let err = state.exec::<()>("t.lua", "f(1, {})").unwrap_err();
    /// assert_eq!(err.message(), "t.lua:1: bad argument #2 to 'f' (string expected, got table)");
    /// ```
    pub fn bad_argument(self, pos: usize) -> Error {
        let mut inner = Inner {
            kind: self.inner.kind.clone(),
            message: format!("bad argument #{pos} ({})", self.inner.message),
            value: self.inner.value.clone(),
            traceback: self.inner.traceback.clone(),
            traceback_text: self.inner.traceback_text.clone(),
            cause: self.inner.cause.clone(),
            conversion: self.inner.conversion.clone(),
            arg: Some(pos),
        };
        if inner.conversion.is_none() {
            inner.message = self.inner.message.clone();
            inner.arg = None;
        }
        Error {
            inner: Arc::new(inner),
        }
    }

    /// For a conversion error worded "X expected, got Y": the Lua type
    /// expected.
    pub(crate) fn argument_expected(&self) -> Option<String> {
        match &self.inner.conversion {
            Some((expected, None)) => Some(expected.clone()),
            _ => None,
        }
    }

    /// For a conversion error of a Rust function's argument: the position,
    /// the Lua type expected and the detail.
    pub(crate) fn argument(&self) -> Option<(usize, &str, Option<&str>)> {
        let (expected, detail) = self.inner.conversion.as_ref()?;
        Some((self.inner.arg?, expected, detail.as_deref()))
    }

    /// What kind of error this is.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let err = state.exec::<()>("t.lua", "x = = 1").unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Syntax);
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The message: for a Lua error, the error value as `lua` shows it
    /// (`x.lua:3: boom`).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let msg = |s: &mut lunar::State, src: &str| s.exec::<()>("t.lua", src).unwrap_err().message().to_string();
    /// assert_eq!(msg(&mut state, "error('boom')"), "t.lua:1: boom");
    /// assert_eq!(msg(&mut state, "error('boom', 0)"), "boom");
    /// assert_eq!(msg(&mut state, "error({})"), "(error object is a table value)");
    /// ```
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The Lua error value, when the error came from Lua (a string, or
    /// any value given to `error`).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let err = state.exec::<()>("t.lua", "error({code = 7})").unwrap_err();
    /// let Some(lunar::Value::Table(t)) = err.value() else { panic!("a table") };
    /// assert_eq!(t.get::<_, i64>(&mut state, "code").unwrap(), 7);
    /// assert!(lunar::Error::runtime("x").value().is_none());
    /// ```
    pub fn value(&self) -> Option<&Value> {
        self.inner.value.as_ref()
    }

    /// The limit that stopped the run, for [`ErrorKind::Limit`].
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mut state = lunar::State::new();
    /// state.set_limits(lunar::Limits { deadline: Some(Instant::now() + Duration::from_millis(10)), ..Default::default() });
    /// let err = state.exec::<()>("t.lua", "while true do end").unwrap_err();
    /// assert_eq!(err.limit(), Some(lunar::Limit::Deadline));
    /// assert_eq!(err.message(), "lunar: deadline exceeded");
    /// ```
    pub fn limit(&self) -> Option<Limit> {
        match self.inner.kind {
            ErrorKind::Limit(l) => Some(l),
            _ => None,
        }
    }

    /// The traceback where the error was raised, innermost level first
    /// (empty when none was taken).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let err = state.exec::<()>("t.lua", "local t = {}\nt.x.y = 1").unwrap_err();
    /// let tb = err.traceback();
    /// assert_eq!((tb[0].chunk.as_str(), tb[0].line, tb[0].function.as_str()), ("t.lua", Some(2), "main chunk"));
    /// assert!(lunar::Error::runtime("x").traceback().is_empty());
    /// ```
    pub fn traceback(&self) -> &[TraceFrame] {
        &self.inner.traceback
    }

    /// The traceback as `lua` prints it (`stack traceback:\n\t...`).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let err = state.exec::<()>("t.lua", "error('x')").unwrap_err();
    /// assert_eq!(
    ///     err.traceback_text().unwrap(),
    ///     "stack traceback:\n\t[C]: in function 'error'\n\tt.lua:1: in main chunk\n\t[C]: in ?"
    /// );
    /// ```
    pub fn traceback_text(&self) -> Option<&str> {
        self.inner.traceback_text.as_deref()
    }

    /// The Rust error returned by a Rust function, when that is what
    /// failed.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// state.register("read", |_, path: String| std::fs::read(path).map_err(lunar::Error::from)).unwrap();
    /// let err = state.exec::<()>("t.lua", "read('/no/such/dir/file')").unwrap_err();
    /// let io = err.cause().unwrap().downcast_ref::<std::io::Error>().unwrap();
    /// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    /// assert!(state.exec::<()>("t.lua", "error('x')").unwrap_err().cause().is_none());
    /// ```
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.inner.cause.as_deref()
    }

    /// The same error with a traceback and value added (when it reaches
    /// the host through Lua).
    pub(crate) fn with_trace(
        &self,
        value: Option<Value>,
        traceback: Vec<TraceFrame>,
        text: Option<String>,
    ) -> Error {
        let mut e = Error::build(
            self.inner.kind.clone(),
            self.inner.message.clone(),
            value.or_else(|| self.inner.value.clone()),
            traceback,
            text,
            self.inner.cause.clone(),
        );
        if let Some(inner) = Arc::get_mut(&mut e.inner) {
            inner.conversion = self.inner.conversion.clone();
        }
        e
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(c) = &self.inner.cause {
            d.field("cause", c);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.cause {
            Some(c) => Some(&**c as &(dyn std::error::Error + 'static)),
            None => None,
        }
    }
}

impl From<lunar_syntax::SyntaxError> for Error {
    fn from(e: lunar_syntax::SyntaxError) -> Error {
        Error::new(ErrorKind::Syntax, e.to_string())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::external(e)
    }
}
