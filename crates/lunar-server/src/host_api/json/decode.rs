//! The JSON decoder: reads JSON text straight into Lua tables and
//! strings, with errors that say where (line and column).

use super::{MAX_DEPTH, NULL};
use lunar::raw::{State as Vm, Value as Raw};

/// A decoding failure: what, and the byte offset where.
pub(crate) struct DecodeError {
    what: String,
    pos: usize,
}

impl DecodeError {
    /// "what at line L column C" for `src` (columns count bytes from 1).
    pub(crate) fn message(&self, src: &[u8]) -> String {
        let before = &src[..self.pos.min(src.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = 1 + before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        format!("{} at line {line} column {col}", self.what)
    }
}

/// The Lua value of the JSON text `src`. The values it makes are held
/// only here until it returns: the caller must not let a collection run
/// before it has anchored the result (no collection runs inside an
/// allocation, and decoding does nothing else that collects).
pub(crate) fn decode(vm: &mut Vm, src: &[u8]) -> Result<Raw, DecodeError> {
    if let Err(e) = std::str::from_utf8(src) {
        return Err(DecodeError {
            what: "invalid UTF-8".into(),
            pos: e.valid_up_to(),
        });
    }
    let mut d = Decoder {
        vm,
        src,
        pos: 0,
        depth: 0,
        // Room for a small document's items: growing from empty costs
        // several reallocations per document.
        stack: Vec::with_capacity(32),
        buf: Vec::new(),
    };
    d.skip_ws();
    let v = d.value()?;
    d.skip_ws();
    if d.pos < src.len() {
        return Err(d.unexpected());
    }
    Ok(v)
}

struct Decoder<'a> {
    vm: &'a mut Vm,
    src: &'a [u8],
    pos: usize,
    depth: usize,
    /// Items of the arrays and objects being read (keys and values
    /// alternate for objects), innermost last.
    stack: Vec<Raw>,
    /// The text of a string with escapes.
    buf: Vec<u8>,
}

impl Decoder<'_> {
    fn err(&self, what: impl Into<String>) -> DecodeError {
        DecodeError {
            what: what.into(),
            pos: self.pos,
        }
    }

    /// The error for the byte at `pos`, or for the end of input.
    fn unexpected(&self) -> DecodeError {
        let Some(&b) = self.src.get(self.pos) else {
            return self.err("unexpected end of input");
        };
        if b.is_ascii_graphic() {
            return self.err(format!("unexpected character '{}'", b as char));
        }
        if b >= 0x80 {
            // The input is UTF-8, and a value starts at a character
            // boundary.
            let c = std::str::from_utf8(&self.src[self.pos..])
                .ok()
                .and_then(|s| s.chars().next());
            if let Some(c) = c {
                return self.err(format!("unexpected character '{c}'"));
            }
        }
        self.err(format!("unexpected byte 0x{b:02x}"))
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Raw, DecodeError> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(s)
            }
            Some(b't') => self.literal(b"true", Raw::Bool(true)),
            Some(b'f') => self.literal(b"false", Raw::Bool(false)),
            Some(b'n') => self.literal(b"null", NULL),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    fn literal(&mut self, word: &[u8], v: Raw) -> Result<Raw, DecodeError> {
        for &w in word {
            if self.peek() != Some(w) {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn array(&mut self) -> Result<Raw, DecodeError> {
        self.enter()?;
        let base = self.stack.len();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let v = self.value()?;
                self.stack.push(v);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.unexpected()),
                    Some(_) => return Err(self.err("expected ',' or ']'")),
                }
            }
        }
        self.depth -= 1;
        let n = self.stack.len() - base;
        let t = self.vm.new_table(n, 0);
        for (i, v) in self.stack.drain(base..).enumerate() {
            t.set_int(self.vm.heap(), i as i64 + 1, v);
        }
        Ok(Raw::Table(t))
    }

    fn object(&mut self) -> Result<Raw, DecodeError> {
        self.enter()?;
        let base = self.stack.len();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                match self.peek() {
                    Some(b'"') => {}
                    None => return Err(self.unexpected()),
                    Some(_) => return Err(self.err("expected a string key")),
                }
                let k = self.string()?;
                self.stack.push(k);
                self.skip_ws();
                match self.peek() {
                    Some(b':') => self.pos += 1,
                    None => return Err(self.unexpected()),
                    Some(_) => return Err(self.err("expected ':'")),
                }
                self.skip_ws();
                let v = self.value()?;
                self.stack.push(v);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    None => return Err(self.unexpected()),
                    Some(_) => return Err(self.err("expected ',' or '}'")),
                }
            }
        }
        self.depth -= 1;
        let n = (self.stack.len() - base) / 2;
        let t = self.vm.new_table(0, n);
        let mut items = self.stack.drain(base..);
        // The table has room for every key read (a key repeated in the
        // text replaces its value, as `set_str` would).
        while let (Some(Raw::Str(k)), Some(v)) = (items.next(), items.next()) {
            t.set_str_fill(self.vm.heap(), k, v);
        }
        Ok(Raw::Table(t))
    }

    /// A string literal (at its opening quote) as a Lua string.
    fn string(&mut self) -> Result<Raw, DecodeError> {
        let src = self.src;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escape, the string is a slice of the input.
        loop {
            match src.get(self.pos) {
                Some(b'"') => {
                    let s = self.vm.new_str(&src[start..self.pos]);
                    self.pos += 1;
                    return Ok(Raw::Str(s));
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.err("control character in string")),
                Some(_) => self.pos += 1,
                None => return Err(self.err("unexpected end of input")),
            }
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.extend_from_slice(&src[start..self.pos]);
        let r = self.escaped(&mut buf);
        let out = r.map(|()| Raw::Str(self.vm.new_str(&buf)));
        self.buf = buf;
        out
    }

    /// The rest of a string with escapes, from a backslash, into `buf`.
    fn escaped(&mut self, buf: &mut Vec<u8>) -> Result<(), DecodeError> {
        let src = self.src;
        loop {
            match src.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let esc_at = self.pos;
                    self.pos += 1;
                    let c = match src.get(self.pos) {
                        Some(b'"') => b'"',
                        Some(b'\\') => b'\\',
                        Some(b'/') => b'/',
                        Some(b'b') => 0x08,
                        Some(b'f') => 0x0c,
                        Some(b'n') => b'\n',
                        Some(b'r') => b'\r',
                        Some(b't') => b'\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape(esc_at)?;
                            let mut tmp = [0u8; 4];
                            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                            continue;
                        }
                        None => return Err(self.err("unexpected end of input")),
                        Some(_) => {
                            self.pos = esc_at;
                            return Err(self.err("invalid escape in string"));
                        }
                    };
                    buf.push(c);
                    self.pos += 1;
                }
                Some(&b) if b < 0x20 => return Err(self.err("control character in string")),
                Some(&b) => {
                    buf.push(b);
                    self.pos += 1;
                }
                None => return Err(self.err("unexpected end of input")),
            }
        }
    }

    /// The character of a `\uXXXX` escape (after the `u`), with the
    /// second half of a surrogate pair when it is one.
    fn unicode_escape(&mut self, esc_at: usize) -> Result<char, DecodeError> {
        let hi = self.hex4(esc_at)?;
        let code = match hi {
            0xD800..=0xDBFF => {
                let src = self.src;
                if src.get(self.pos) != Some(&b'\\') || src.get(self.pos + 1) != Some(&b'u') {
                    self.pos = esc_at;
                    return Err(self.err("unpaired surrogate in \\u escape"));
                }
                self.pos += 2;
                let lo = self.hex4(esc_at)?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    self.pos = esc_at;
                    return Err(self.err("unpaired surrogate in \\u escape"));
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                self.pos = esc_at;
                return Err(self.err("unpaired surrogate in \\u escape"));
            }
            c => c,
        };
        // Every value left is a scalar value.
        Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self, esc_at: usize) -> Result<u32, DecodeError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                None => return Err(self.err("unexpected end of input")),
                Some(_) => {
                    self.pos = esc_at;
                    return Err(self.err("invalid \\u escape in string"));
                }
            };
            v = v * 16 + d as u32;
            self.pos += 1;
        }
        Ok(v)
    }

    /// A number: an integer when it has no fraction and no exponent and
    /// fits 64 bits, else a float.
    fn number(&mut self) -> Result<Raw, DecodeError> {
        let src = self.src;
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return Err(self.err("invalid number")),
        }
        let int_end = self.pos;
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            float = true;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("invalid number"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        if !float {
            // Accumulated negatively, so that i64::MIN fits.
            let digits = &src[start + negative as usize..int_end];
            let mut v: i64 = 0;
            let mut fits = true;
            for &d in digits {
                match v
                    .checked_mul(10)
                    .and_then(|v| v.checked_sub((d - b'0') as i64))
                {
                    Some(n) => v = n,
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
            // 9223372036854775808 fits only negated: it is a float.
            let v = if negative { Some(v) } else { v.checked_neg() };
            if fits && let Some(v) = v {
                return Ok(Raw::Int(v));
            }
        }
        let text = std::str::from_utf8(&src[start..self.pos]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(f) => Ok(Raw::Float(f)),
            Err(_) => {
                self.pos = start;
                Err(self.err("invalid number"))
            }
        }
    }
}
