//! `Program`: a compiled chunk, immutable and shareable between threads
//! and states.

use lunar_compile::Proto;
use lunar_syntax::SyntaxError;
use std::sync::Arc;

/// A compiled Lua chunk: the main function's prototype and everything
/// nested in it.
///
/// A `Program` is immutable, `Send + Sync` and cheap to clone (an `Arc`
/// underneath): compile a script once, then run it on any number of
/// states, on any number of threads, at the same time.
///
/// ```
/// let p = lunar::Program::compile("answer.lua", b"return 6 * 7").unwrap();
/// assert_eq!(p.chunk_name(), b"@answer.lua");
/// let err = lunar::Program::compile("bad.lua", b"x = = 1").unwrap_err();
/// assert_eq!(err.to_string(), "bad.lua:1: unexpected symbol near '='");
/// ```
#[derive(Clone)]
pub struct Program {
    proto: Arc<Proto>,
}

impl Program {
    /// Compiles Lua source text. `name` names the chunk in messages and
    /// tracebacks: a plain name is taken as a file name (`"x.lua"` is the
    /// chunk `@x.lua`, shown as `x.lua:3:`), while a name starting with `@`
    /// or `=` is used as it is (`"=input"` is shown as `input:3:`).
    ///
    /// As for script files (`luaL_loadfile`), a UTF-8 byte order mark and a
    /// first line starting with `#` are skipped; line numbers stay right.
    ///
    /// ```
    /// use lunar::Program;
    /// let err = Program::compile("=input", "x = = 1").unwrap_err();
    /// assert_eq!(err.to_string(), "input:1: unexpected symbol near '='");
    /// // A `#!` first line is skipped; line numbers stay right.
    /// let p = Program::compile("s.lua", "#!/usr/bin/env lua\nerror('here')").unwrap();
    /// let err = lunar::State::new().run::<()>(&p).unwrap_err();
    /// assert_eq!(err.message(), "s.lua:2: here");
    /// ```
    pub fn compile(name: &str, source: impl AsRef<[u8]>) -> Result<Program, SyntaxError> {
        let source = source.as_ref();
        let chunk_name = if name.starts_with('@') || name.starts_with('=') {
            name.to_string()
        } else {
            format!("@{name}")
        };
        let proto = lunar_compile::compile_source(&chunk_name, skip_comment(source))?;
        Ok(Program { proto })
    }

    /// Wraps an already compiled prototype (for example one read from a
    /// binary chunk).
    ///
    /// ```
    /// // A binary chunk read with the compiler crate (`lunar_compile`).
    /// let p = lunar::Program::compile("t.lua", "return 'from bytecode'").unwrap();
    /// let bytes = lunar_compile::dump(p.proto(), false);
    /// let proto = lunar_compile::undump(&bytes, b"=bin").unwrap();
    /// let again = lunar::Program::from_proto(proto);
    /// assert_eq!(lunar::State::new().run::<String>(&again).unwrap(), "from bytecode");
    /// ```
    pub fn from_proto(proto: Arc<Proto>) -> Program {
        Program { proto }
    }

    /// The program as a binary chunk (what `string.dump` and `lunar
    /// compile` write); `strip` leaves out debug information (line
    /// numbers, local names).
    ///
    /// ```
    /// let p = lunar::Program::compile("seven.lua", "return 7").unwrap();
    /// let bytes = p.to_binary(false);
    /// assert!(bytes.starts_with(lunar::BINARY_SIGNATURE));
    /// let back = lunar::Program::from_binary("seven.lua", &bytes).unwrap();
    /// let n: i64 = lunar::State::new().run(&back).unwrap();
    /// assert_eq!(n, 7);
    /// ```
    pub fn to_binary(&self, strip: bool) -> Vec<u8> {
        lunar_compile::dump(&self.proto, strip)
    }

    /// Reads a binary chunk (from [`Program::to_binary`], `string.dump`
    /// or `lunar compile`); every prototype is verified, and a damaged
    /// chunk is an error. `name` names the chunk in messages about it.
    ///
    /// ```
    /// let err = lunar::Program::from_binary("bad.luac", b"\x1bLua\x54junk").unwrap_err();
    /// assert_eq!(err.kind(), &lunar::ErrorKind::Syntax);
    /// ```
    pub fn from_binary(name: &str, bytes: &[u8]) -> Result<Program, crate::Error> {
        let proto = lunar_compile::undump(bytes, name.as_bytes())
            .map_err(|e| crate::Error::new(crate::ErrorKind::Syntax, e.to_string()))?;
        Ok(Program { proto })
    }

    /// The main function's prototype.
    ///
    /// ```
    /// let p = lunar::Program::compile("t.lua", "local function f() end local function g() end").unwrap();
    /// assert!(p.proto().is_vararg); // a main chunk takes `...`
    /// assert_eq!(p.proto().protos.len(), 2);
    /// ```
    pub fn proto(&self) -> &Arc<Proto> {
        &self.proto
    }

    /// The chunk name, as given to the compiler (`@x.lua`, `=input`).
    ///
    /// ```
    /// use lunar::Program;
    /// assert_eq!(Program::compile("x.lua", "").unwrap().chunk_name(), b"@x.lua");
    /// assert_eq!(Program::compile("=stdin", "").unwrap().chunk_name(), b"=stdin");
    /// ```
    pub fn chunk_name(&self) -> &[u8] {
        &self.proto.source
    }
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("chunk_name", &String::from_utf8_lossy(self.chunk_name()))
            .finish()
    }
}

/// The UTF-8 byte order mark that `luaL_loadfile` skips.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The start of every binary chunk (`LUA_SIGNATURE`).
///
/// ```
/// let p = lunar::Program::compile("t.lua", "return 1").unwrap();
/// assert!(lunar_compile::dump(p.proto(), true).starts_with(lunar::BINARY_SIGNATURE));
/// ```
pub const BINARY_SIGNATURE: &[u8] = b"\x1bLua";

/// Drops a UTF-8 byte order mark and blanks a first line that starts with
/// `#` (a Unix `#!` line), keeping its newline so that line numbers stay
/// right, as `luaL_loadfile` does for script files. A binary chunk after
/// such a line loses the newline too. Text given to `load` is not treated
/// this way.
///
/// ```
/// assert_eq!(lunar::skip_comment(b"#!/usr/bin/lua\nprint(1)"), b"\nprint(1)");
/// assert_eq!(lunar::skip_comment(b"\xEF\xBB\xBFx = 1"), b"x = 1");
/// assert_eq!(lunar::skip_comment(b"x = 1"), b"x = 1");
/// ```
pub fn skip_comment(src: &[u8]) -> &[u8] {
    let src = src.strip_prefix(BOM).unwrap_or(src);
    if src.first() != Some(&b'#') {
        return src;
    }
    match src.iter().position(|&b| b == b'\n') {
        None => &[],
        Some(i) if src[i + 1..].starts_with(BINARY_SIGNATURE) => &src[i + 1..],
        Some(i) => &src[i..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn program_is_send_sync_clone() {
        assert_send_sync_clone::<Program>();
    }

    #[test]
    fn skip_comment_keeps_line_numbers() {
        assert_eq!(skip_comment(b"#!x\n#y\nz"), b"\n#y\nz");
        assert_eq!(skip_comment(b"#only a comment"), b"");
        assert_eq!(skip_comment(b"\xEF\xBB\xBF#!x\ny"), b"\ny");
        assert_eq!(skip_comment(b"#!x\n\x1bLua\x54"), b"\x1bLua\x54");
        assert_eq!(skip_comment(b" #x\n"), b" #x\n");
    }
}
