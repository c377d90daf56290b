//! Syntax errors worded and positioned as the reference interpreter
//! reports them, and chunk names formatted for messages (`luaO_chunkid`).

use crate::ast::Pos;
use std::fmt;

/// A lexical or syntax error (the compiler also reports its semantic errors,
/// such as a `goto` into the scope of a local, with this type). Build one
/// with [`SyntaxError::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyntaxError {
    /// The chunk name as given to the parser (`@file.lua`, `=stdin`, or the
    /// source text itself); messages format it with [`chunk_id`].
    pub chunk: Vec<u8>,
    /// Where the error was found. `pos.line` is the line the reference
    /// reports: for an error about a token, the line where that token ends.
    /// Errors that the reference reports without a position (`C stack
    /// overflow`) have the zero `Pos`.
    pub pos: Pos,
    /// The message after the `chunk:line: ` prefix, including its
    /// ` near ...` part where the reference prints one. Bytes, because it may
    /// quote source text.
    pub msg: Vec<u8>,
}

impl SyntaxError {
    /// Makes an error in `chunk` at `pos` with the message `msg`.
    pub fn new(chunk: &[u8], pos: Pos, msg: impl Into<Vec<u8>>) -> SyntaxError {
        SyntaxError {
            chunk: chunk.to_vec(),
            pos,
            msg: msg.into(),
        }
    }

    /// The line the error is reported at (0 when it has no position).
    pub fn line(&self) -> u32 {
        self.pos.line
    }

    /// Reports whether the error was found at the end of the chunk: the
    /// message ends in `<eof>`. The REPL reads more lines for such a chunk
    /// (it is incomplete, as lua.c's `incomplete` decides).
    pub fn is_at_eof(&self) -> bool {
        self.msg.ends_with(b"<eof>")
    }

    /// The message exactly as the reference interpreter prints it, as bytes,
    /// such as `input:3: 'end' expected (to close 'function' at line 1) near
    /// <eof>`. An error without a valid position is its message alone.
    pub fn to_bytes(&self) -> Vec<u8> {
        if !self.pos.is_valid() {
            return self.msg.clone();
        }
        let mut out = chunk_id(&self.chunk);
        out.push(b':');
        out.extend_from_slice(self.pos.line.to_string().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(&self.msg);
        out
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

impl std::error::Error for SyntaxError {}

/// The reference's `LUA_IDSIZE`: the size of the buffer, including its
/// terminating zero byte, that holds a chunk name in messages.
const ID_SIZE: usize = 60;

/// Formats a chunk name for messages as the reference does
/// (`luaO_chunkid`). `=name` gives `name` and `@file` gives `file`, each
/// cut to 59 bytes (a file name loses its beginning, marked by `...`); any
/// other chunk name is source text and gives `[string "first line"]`, cut at
/// the first newline or after 45 bytes, with `...` where something was cut.
/// As in the reference, a chunk name stops at its first zero byte.
///
/// ```
/// assert_eq!(lunar_syntax::chunk_id(b"=stdin"), b"stdin");
/// assert_eq!(lunar_syntax::chunk_id(b"local x = 1\nreturn x"), b"[string \"local x = 1...\"]");
/// ```
pub fn chunk_id(chunk_name: &[u8]) -> Vec<u8> {
    let name = match chunk_name.iter().position(|&c| c == 0) {
        Some(i) => &chunk_name[..i],
        None => chunk_name,
    };
    if let Some(rest) = name.strip_prefix(b"=") {
        return rest[..rest.len().min(ID_SIZE - 1)].to_vec();
    }
    if let Some(rest) = name.strip_prefix(b"@") {
        if rest.len() < ID_SIZE {
            return rest.to_vec();
        }
        let keep = ID_SIZE - 1 - 3;
        let mut out = b"...".to_vec();
        out.extend_from_slice(&rest[rest.len() - keep..]);
        return out;
    }
    const PRE: &[u8] = b"[string \"";
    const RETS: &[u8] = b"...";
    const POST: &[u8] = b"\"]";
    let room = ID_SIZE - PRE.len() - RETS.len() - POST.len() - 1;
    let nl = name.iter().position(|&c| c == b'\n');
    let mut out = PRE.to_vec();
    if nl.is_none() && name.len() < room {
        out.extend_from_slice(name);
        out.extend_from_slice(POST);
        return out;
    }
    let mut text = match nl {
        Some(i) => &name[..i],
        None => name,
    };
    if text.len() > room {
        text = &text[..room];
    }
    out.extend_from_slice(text);
    out.extend_from_slice(RETS);
    out.extend_from_slice(POST);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ids() {
        // Expected values come from lua5.4: select(2, load("x=", name)).
        let long = "abcdefghij".repeat(8);
        let cases: Vec<(String, String)> = vec![
            ("=input".into(), "input".into()),
            ("@file.lua".into(), "file.lua".into()),
            ("x = = 1".into(), r#"[string "x = = 1"]"#.into()),
            ("".into(), r#"[string ""]"#.into()),
            ("=".into(), "".into()),
            ("@".into(), "".into()),
            (
                format!("@{long}"),
                format!("...{}", &long[long.len() - 56..]),
            ),
            (format!("={long}"), long[..59].to_string()),
            (format!("@{}", "x".repeat(59)), "x".repeat(59)),
            (
                format!("@{}", "x".repeat(60)),
                format!("...{}", "x".repeat(56)),
            ),
            (format!("={}", "y".repeat(59)), "y".repeat(59)),
            (format!("={}", "y".repeat(60)), "y".repeat(59)),
            ("z".repeat(44), format!("[string \"{}\"]", "z".repeat(44))),
            (
                "z".repeat(45),
                format!("[string \"{}...\"]", "z".repeat(45)),
            ),
            (
                "z".repeat(46),
                format!("[string \"{}...\"]", "z".repeat(45)),
            ),
            ("ab\ncd".into(), r#"[string "ab..."]"#.into()),
            ("\nx=".into(), r#"[string "..."]"#.into()),
            ("ab\0cd".into(), r#"[string "ab"]"#.into()),
            ("=a\0b".into(), "a".into()),
        ];
        for (name, want) in cases {
            let got = chunk_id(name.as_bytes());
            assert_eq!(String::from_utf8_lossy(&got), want, "chunk_id({name:?})");
        }
    }

    #[test]
    fn display() {
        let e = SyntaxError::new(b"=input", Pos::new(3, 1), "unexpected symbol near 'end'");
        assert_eq!(e.to_string(), "input:3: unexpected symbol near 'end'");
        assert!(!e.is_at_eof());
        let e = SyntaxError::new(b"x", Pos::default(), "C stack overflow");
        assert_eq!(e.to_string(), "C stack overflow");
        let e = SyntaxError::new(b"=i", Pos::new(1, 1), "'end' expected near <eof>");
        assert!(e.is_at_eof());
    }
}
