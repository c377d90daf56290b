//! The scanner: white space, comments, names, reserved words, operators and
//! the literal tokens (numerals, short strings with their escapes, long
//! strings; long comments share the long-string reader).

use crate::ast::Pos;
use crate::error::SyntaxError;
use crate::number::{Number, hex_value, parse_numeral};
use crate::token::{Kind, Token};

/// Byte classes, as the reference's lctype table has them in the "C"
/// locale: one table lookup classifies a byte in the scanner's loops.
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const XDIGIT: u8 = 4;
/// ' ', \t, \v, \f: white space that does not end a line.
const BLANK: u8 = 8;
const NEWLINE: u8 = 16;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut k = 0;
        if b.is_ascii_alphabetic() || b == b'_' {
            k |= ALPHA;
        }
        if b.is_ascii_digit() {
            k |= DIGIT;
        }
        if b.is_ascii_hexdigit() {
            k |= XDIGIT;
        }
        if matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c') {
            k |= BLANK;
        }
        if matches!(b, b'\n' | b'\r') {
            k |= NEWLINE;
        }
        t[c] = k;
        c += 1;
    }
    t
};

/// Reports whether `c` is in one of the classes `mask`. `None` is the end
/// of the source, which no class test matches.
#[inline]
fn is(mask: u8, c: Option<u8>) -> bool {
    matches!(c, Some(c) if CLASS[c as usize] & mask != 0)
}

/// Reports whether `c` may start a name: ASCII letters and `_`.
fn is_alpha(c: Option<u8>) -> bool {
    is(ALPHA, c)
}

fn is_digit(c: Option<u8>) -> bool {
    is(DIGIT, c)
}

fn is_xdigit(c: Option<u8>) -> bool {
    is(XDIGIT, c)
}

/// White space: ' ', \t, \n, \v, \f, \r.
fn is_space(c: Option<u8>) -> bool {
    is(BLANK | NEWLINE, c)
}

/// Reports whether `c` is a printable ASCII byte.
pub(crate) fn is_print(c: u8) -> bool {
    (0x20..=0x7e).contains(&c)
}

fn is_newline(c: Option<u8>) -> bool {
    is(NEWLINE, c)
}

/// The length of the run of bytes at the start of `b` that are all in the
/// classes `mask`.
#[inline]
fn run(b: &[u8], mask: u8) -> usize {
    b.iter()
        .position(|&c| CLASS[c as usize] & mask == 0)
        .unwrap_or(b.len())
}

/// Quotes bytes for a message as the reference does: in single quotes and
/// cut at the first zero byte.
pub(crate) fn quote_text(b: &[u8]) -> Vec<u8> {
    let b = match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    };
    let mut out = Vec::with_capacity(b.len() + 2);
    out.push(b'\'');
    out.extend_from_slice(b);
    out.push(b'\'');
    out
}

/// Splits a chunk into tokens. It works on the source bytes with indexes
/// and allocates only for the values of names and strings (and, in the
/// parser's scanner, only for strings with escapes and long strings).
///
/// After a lexical error [`Scanner::scan`] returns a [`Kind::Illegal`]
/// token and [`Scanner::err`] describes the error; scanning can go on after
/// it.
#[derive(Clone, Debug)]
pub struct Scanner<'a> {
    chunk: &'a [u8],
    pub(crate) src: &'a [u8],
    /// Offset of the current byte.
    pub(crate) off: usize,
    /// Line of the current byte.
    pub(crate) line: u32,
    /// Offset of the first byte of the current line.
    pub(crate) line_start: usize,
    buf: Vec<u8>,
    err: Option<SyntaxError>,
    /// Whether names and short strings without escapes get their value in
    /// [`Token::str`]. The parser borrows them from the source instead,
    /// which saves an allocation per name.
    copy_values: bool,
}

impl<'a> Scanner<'a> {
    /// Makes a scanner for `src`. `chunk_name` is used in error messages
    /// (see [`crate::chunk_id`]).
    pub fn new(chunk_name: &'a [u8], src: &'a [u8]) -> Scanner<'a> {
        Scanner {
            chunk: chunk_name,
            src,
            off: 0,
            line: 1,
            line_start: 0,
            buf: Vec::new(),
            err: None,
            copy_values: true,
        }
    }

    /// Makes a scanner for the parser, which reads the values of names and
    /// of short strings without escapes from the source: see
    /// [`Token::str`].
    pub(crate) fn borrowing(chunk_name: &'a [u8], src: &'a [u8]) -> Scanner<'a> {
        Scanner {
            copy_values: false,
            ..Scanner::new(chunk_name, src)
        }
    }

    /// Skips a UTF-8 byte order mark and then a first line that starts
    /// with `#` (but not its newline), as the reference's loadfile does.
    pub fn skip_first_line(&mut self) {
        if self.src.starts_with(b"\xEF\xBB\xBF") {
            self.off = 3;
            self.line_start = 3;
        }
        if self.src.get(self.off) == Some(&b'#') {
            while self.off < self.src.len() && self.src[self.off] != b'\n' {
                self.off += 1;
            }
        }
    }

    /// The error that made the last [`Scanner::scan`] return
    /// [`Kind::Illegal`].
    pub fn err(&self) -> Option<&SyntaxError> {
        self.err.as_ref()
    }

    pub(crate) fn take_err(&mut self) -> Option<SyntaxError> {
        self.err.take()
    }

    /// The current byte, or `None` at the end of the source.
    fn cur(&self) -> Option<u8> {
        self.src.get(self.off).copied()
    }

    /// The byte after the current one, or `None`.
    fn peek(&self) -> Option<u8> {
        self.src.get(self.off + 1).copied()
    }

    fn pos(&self) -> Pos {
        Pos::new(self.line, (self.off - self.line_start + 1) as u32)
    }

    /// Skips a line break: "\n", "\r", "\r\n" or "\n\r" (one line).
    fn newline(&mut self) {
        let first = Some(self.src[self.off]);
        self.off += 1;
        let c = self.cur();
        if is_newline(c) && c != first {
            self.off += 1;
        }
        self.line += 1;
        self.line_start = self.off;
    }

    fn save(&mut self, c: u8) {
        self.buf.push(c);
    }

    /// Saves the current byte and advances.
    fn save_next(&mut self) {
        self.buf.push(self.src[self.off]);
        self.off += 1;
    }

    /// Records a lexical error at the scanner's position. `near` is the
    /// text after " near ", already quoted, or empty for none.
    fn error(&mut self, msg: &str, near: &[u8]) {
        let mut m = msg.as_bytes().to_vec();
        if !near.is_empty() {
            m.extend_from_slice(b" near ");
            m.extend_from_slice(near);
        }
        self.err = Some(SyntaxError::new(self.chunk, self.pos(), m));
    }

    fn buf_text(&self) -> Vec<u8> {
        quote_text(&self.buf)
    }

    /// Returns the next token.
    pub fn scan(&mut self) -> Token {
        let mut tok = Token::default();
        self.scan_into(&mut tok);
        tok
    }

    /// [`Scanner::scan`] writing into `tok`, which saves moving tokens
    /// around.
    pub(crate) fn scan_into(&mut self, tok: &mut Token) {
        // Only what some kind leaves unset is reset: the value fields are
        // read only for the kinds that set them.
        if !tok.str.is_empty() {
            tok.str = Box::default();
        }
        tok.raw = false;
        tok.ch = 0;
        self.err = None;
        tok.kind = self.scan_kind(tok);
        tok.end = self.off;
        tok.end_line = self.line;
    }

    /// Skips white space and comments, sets the token's start, scans the
    /// token and returns its kind.
    fn scan_kind(&mut self, tok: &mut Token) -> Kind {
        loop {
            match self.cur() {
                Some(b'\n' | b'\r') => self.newline(),
                Some(b' ' | b'\t' | b'\x0c' | b'\x0b') => {
                    self.off += 1 + run(&self.src[self.off + 1..], BLANK);
                }
                Some(b'-') if self.peek() == Some(b'-') => {
                    let start = self.off;
                    self.skip_comment();
                    if self.err.is_some() {
                        tok.pos = self.pos();
                        tok.off = start;
                        return Kind::Illegal;
                    }
                }
                _ => break,
            }
        }
        let start = self.off;
        tok.pos = self.pos();
        tok.off = start;
        let c = self.cur();
        let Some(byte) = c else {
            return Kind::Eof;
        };
        if is_alpha(c) {
            self.off += 1 + run(&self.src[self.off + 1..], ALPHA | DIGIT);
            let word = &self.src[start..self.off];
            let k = Kind::keyword(word);
            if k == Kind::Name && self.copy_values {
                tok.str = word.into();
            }
            return k;
        }
        if is_digit(c) {
            return self.number(tok, c);
        }
        self.off += 1;
        match byte {
            b'+' => Kind::Plus,
            b'-' => Kind::Minus,
            b'*' => Kind::Star,
            b'/' => self.two(b'/', Kind::DSlash, Kind::Slash),
            b'%' => Kind::Percent,
            b'^' => Kind::Caret,
            b'#' => Kind::Hash,
            b'&' => Kind::Amp,
            b'~' => self.two(b'=', Kind::Ne, Kind::Tilde),
            b'|' => Kind::Pipe,
            b'<' => match self.two(b'=', Kind::Le, Kind::Lt) {
                Kind::Le => Kind::Le,
                _ => self.two(b'<', Kind::Shl, Kind::Lt),
            },
            b'>' => match self.two(b'=', Kind::Ge, Kind::Gt) {
                Kind::Ge => Kind::Ge,
                _ => self.two(b'>', Kind::Shr, Kind::Gt),
            },
            b'=' => self.two(b'=', Kind::Eq, Kind::Assign),
            b'(' => Kind::LParen,
            b')' => Kind::RParen,
            b'{' => Kind::LBrace,
            b'}' => Kind::RBrace,
            b']' => Kind::RBracket,
            b';' => Kind::Semi,
            b',' => Kind::Comma,
            b':' => self.two(b':', Kind::DColon, Kind::Colon),
            b'.' => {
                if self.cur() == Some(b'.') {
                    self.off += 1;
                    self.two(b'.', Kind::Dots, Kind::Concat)
                } else if is_digit(self.cur()) {
                    self.off = start;
                    let first = self.peek();
                    self.number(tok, first)
                } else {
                    Kind::Dot
                }
            }
            b'[' => {
                self.off = start;
                self.bracket(tok)
            }
            b'"' | b'\'' => {
                self.off = start;
                self.short_string(tok)
            }
            _ => {
                tok.ch = byte;
                Kind::Char
            }
        }
    }

    /// Consumes `next` if it is the current byte and returns `yes`, else
    /// `no`.
    fn two(&mut self, next: u8, yes: Kind, no: Kind) -> Kind {
        if self.src.get(self.off) == Some(&next) {
            self.off += 1;
            yes
        } else {
            no
        }
    }

    /// Skips a comment; the current bytes are "--".
    fn skip_comment(&mut self) {
        self.off += 2;
        if self.cur() == Some(b'[') {
            self.buf.clear();
            let level = self.long_bracket();
            if level >= 0 {
                let line = self.line;
                self.long_string(level as usize, false, line);
                return;
            }
        }
        self.off += self.src[self.off..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(self.src.len() - self.off);
    }

    /// Reads an opening or closing long bracket ("[==[" or "]==]") at the
    /// current '[' or ']', saving what it reads into the buffer. It returns
    /// the bracket's level (the number of '='), leaving the second bracket
    /// as the current byte, or -1 when the bytes read are not a long
    /// bracket: -1 with nothing after the first bracket but a different
    /// byte (a plain '[' or ']'), or -2 with '=' signs but no second
    /// bracket.
    fn long_bracket(&mut self) -> i64 {
        let b = Some(self.src[self.off]);
        self.save_next();
        let mut n = 0;
        while self.cur() == Some(b'=') {
            self.save_next();
            n += 1;
        }
        if self.cur() == b {
            n
        } else if n == 0 {
            -1
        } else {
            -2
        }
    }

    // -----------------------------------------------------------------------
    // Literals

    /// Scans a numeral. The current byte is its first digit, or a '.'
    /// followed by the digit `first`. Like the reference, it takes the
    /// longest run of bytes that may belong to a numeral (hex digits, '.',
    /// exponent marks with their sign) plus one touching letter, and then
    /// converts the whole text, so that "3x" or "1..2" are malformed numbers
    /// rather than two tokens.
    fn number(&mut self, tok: &mut Token, first: Option<u8>) -> Kind {
        let start = self.off;
        if self.src[self.off] == b'.' {
            self.off += 1;
        }
        self.off += 1;
        let (mut exp1, mut exp2) = (Some(b'e'), Some(b'E'));
        if first == Some(b'0') && (self.cur() == Some(b'x') || self.cur() == Some(b'X')) {
            self.off += 1;
            (exp1, exp2) = (Some(b'p'), Some(b'P'));
        }
        loop {
            let c = self.cur();
            if c == exp1 || c == exp2 {
                self.off += 1;
                let c = self.cur();
                if c == Some(b'+') || c == Some(b'-') {
                    self.off += 1;
                }
            } else if is_xdigit(c) || c == Some(b'.') {
                self.off += 1;
            } else {
                break;
            }
        }
        if is_alpha(self.cur()) {
            self.off += 1;
        }
        let text = &self.src[start..self.off];
        match parse_numeral(text) {
            Some(Number::Int(i)) => {
                tok.int = i;
                Kind::Int
            }
            Some(Number::Float(f)) => {
                tok.float = f;
                Kind::Float
            }
            None => {
                let near = quote_text(text);
                self.error("malformed number", &near);
                Kind::Illegal
            }
        }
    }

    /// Scans what starts with '[': a long string or a plain '['.
    fn bracket(&mut self, tok: &mut Token) -> Kind {
        self.buf.clear();
        let start_line = self.line;
        let level = self.long_bracket();
        if level == -1 {
            return Kind::LBracket;
        }
        if level < 0 {
            let near = self.buf_text();
            self.error("invalid long string delimiter", &near);
            return Kind::Illegal;
        }
        let level = level as usize;
        if !self.long_string(level, true, start_line) {
            return Kind::Illegal;
        }
        let n = level + 2;
        tok.str = self.buf[n..self.buf.len() - n].into();
        Kind::String
    }

    /// Reads the rest of a long string or long comment of the given level;
    /// the current byte is the second '[' of its opening bracket. With
    /// `keep`, the buffer ends up holding the whole token with newlines
    /// normalized to '\n' and a newline right after the opening bracket
    /// dropped: the value is between the brackets. It reports false after
    /// an error (end of the chunk before the closing bracket).
    fn long_string(&mut self, level: usize, keep: bool, start_line: u32) -> bool {
        self.save_next();
        if is_newline(self.cur()) {
            self.newline();
        }
        loop {
            let c = self.cur();
            if c.is_none() {
                let what = if keep { "string" } else { "comment" };
                let msg = format!("unfinished long {what} (starting at line {start_line})");
                self.error(&msg, b"<eof>");
                return false;
            } else if c == Some(b']') {
                if self.long_bracket() == level as i64 {
                    self.save_next();
                    return true;
                }
                if !keep {
                    self.buf.clear();
                }
            } else if is_newline(c) {
                if keep {
                    self.save(b'\n');
                }
                self.newline();
            } else if keep {
                self.save_next();
            } else {
                self.off += 1;
            }
        }
    }

    /// Scans a string delimited by '"' or '\''. The buffer holds the
    /// opening delimiter and the decoded bytes read so far, which is what
    /// the reference shows in a message about the string.
    fn short_string(&mut self, tok: &mut Token) -> Kind {
        let delim = self.src[self.off];
        // Most strings have no escapes and fit on their line: find the
        // closing delimiter first, and decode only when something needs it.
        let body = self.off + 1;
        let mut i = body;
        while let Some(&c) = self.src.get(i) {
            if c == delim {
                if self.copy_values {
                    tok.str = self.src[body..i].into();
                } else {
                    tok.raw = true;
                }
                self.off = i + 1;
                return Kind::String;
            }
            if c == b'\\' || c == b'\n' || c == b'\r' {
                break;
            }
            i += 1;
        }
        self.buf.clear();
        self.buf.extend_from_slice(&self.src[self.off..i]);
        self.off = i;
        let delim = Some(delim);
        loop {
            let c = self.cur();
            if c == delim {
                self.save_next();
                tok.str = self.buf[1..self.buf.len() - 1].into();
                return Kind::String;
            } else if c.is_none() {
                self.error("unfinished string", b"<eof>");
                return Kind::Illegal;
            } else if is_newline(c) {
                let near = self.buf_text();
                self.error("unfinished string", &near);
                return Kind::Illegal;
            } else if c == Some(b'\\') {
                if !self.escape() {
                    self.skip_string(delim);
                    return Kind::Illegal;
                }
            } else {
                self.save_next();
            }
        }
    }

    /// Skips the rest of a string after an error in an escape.
    fn skip_string(&mut self, delim: Option<u8>) {
        loop {
            let c = self.cur();
            if c == delim {
                self.off += 1;
                return;
            } else if c.is_none() || is_newline(c) {
                return;
            } else if c == Some(b'\\') {
                self.off += 1;
                if is_newline(self.cur()) {
                    self.newline();
                } else if self.cur().is_some() {
                    self.off += 1;
                }
            } else {
                self.off += 1;
            }
        }
    }

    /// Reports an error in an escape sequence. Like the reference, it shows
    /// the string read so far, including the offending byte. Returns false.
    fn escape_error(&mut self, msg: &str) -> bool {
        let c = self.cur();
        if let Some(byte) = c {
            self.save(byte);
            if !is_newline(c) {
                self.off += 1;
            }
        }
        let near = self.buf_text();
        self.error(msg, &near);
        false
    }

    /// Decodes an escape sequence; the current byte is the backslash. It
    /// reports false after an error.
    fn escape(&mut self) -> bool {
        self.save_next(); // the backslash stays in the buffer for messages
        let Some(c) = self.cur() else {
            return true; // the caller reports the unfinished string
        };
        let r: u8 = match c {
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'\\' | b'"' | b'\'' => c,
            b'x' => match self.hex_escape() {
                Some(r) => r,
                None => return false,
            },
            b'u' => return self.utf8_escape(),
            b'\n' | b'\r' => {
                self.newline();
                *self.buf.last_mut().expect("backslash saved") = b'\n';
                return true;
            }
            b'z' => {
                // \z skips the following white space, line breaks included.
                self.buf.pop();
                self.off += 1;
                while is_space(self.cur()) {
                    if is_newline(self.cur()) {
                        self.newline();
                    } else {
                        self.off += 1;
                    }
                }
                return true;
            }
            _ => {
                if !c.is_ascii_digit() {
                    return self.escape_error("invalid escape sequence");
                }
                let mut r: u32 = 0;
                let mut n = 0;
                while n < 3
                    && let Some(d @ b'0'..=b'9') = self.cur()
                {
                    r = r * 10 + (d - b'0') as u32;
                    self.save_next();
                    n += 1;
                }
                if r > 255 {
                    return self.escape_error("decimal escape too large");
                }
                let len = self.buf.len() - n;
                self.buf.truncate(len);
                *self.buf.last_mut().expect("backslash saved") = r as u8;
                return true;
            }
        };
        self.off += 1;
        *self.buf.last_mut().expect("backslash saved") = r;
        true
    }

    /// Saves the current byte, advances, and returns the value of the
    /// hexadecimal digit that follows.
    fn hex_digit(&mut self) -> Option<u32> {
        self.save_next();
        match self.cur() {
            Some(c) if c.is_ascii_hexdigit() => Some(hex_value(c)),
            _ => {
                self.escape_error("hexadecimal digit expected");
                None
            }
        }
    }

    /// Reads "\xXX"; the current byte is the 'x'. It leaves the second
    /// digit current and the buffer ending with the backslash.
    fn hex_escape(&mut self) -> Option<u8> {
        let hi = self.hex_digit()?;
        let lo = self.hex_digit()?;
        let len = self.buf.len() - 2;
        self.buf.truncate(len);
        Some((hi << 4 | lo) as u8)
    }

    /// Reads "\u{XXX}"; the current byte is the 'u'. The value may be up to
    /// 2^31-1 and is encoded in the extended UTF-8 of the reference (up to
    /// six bytes, surrogates allowed).
    fn utf8_escape(&mut self) -> bool {
        let backslash = self.buf.len() - 1;
        self.save_next();
        if self.cur() != Some(b'{') {
            return self.escape_error("missing '{'");
        }
        let Some(mut r) = self.hex_digit() else {
            return false;
        };
        loop {
            self.save_next();
            let Some(c) = self.cur().filter(u8::is_ascii_hexdigit) else {
                break;
            };
            if r > 0x7FFF_FFFF >> 4 {
                return self.escape_error("UTF-8 value too large");
            }
            r = r << 4 | hex_value(c);
        }
        if self.cur() != Some(b'}') {
            return self.escape_error("missing '}'");
        }
        self.off += 1;
        self.buf.truncate(backslash);
        append_utf8(&mut self.buf, r);
        true
    }
}

/// Appends the extended UTF-8 encoding of `x` (at most 2^31-1), as the
/// reference's `luaO_utf8esc` does.
pub fn append_utf8(b: &mut Vec<u8>, mut x: u32) {
    if x < 0x80 {
        b.push(x as u8);
        return;
    }
    let mut tmp = [0u8; 6];
    let mut n = 0;
    let mut limit: u32 = 0x3f; // the largest value that fits in the first byte
    while x > limit {
        tmp[5 - n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        limit >>= 1;
    }
    tmp[5 - n] = ((!limit << 1) | x) as u8;
    n += 1;
    b.extend_from_slice(&tmp[6 - n..]);
}
