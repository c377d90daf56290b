//! Binary chunks (`string.dump` and `load` of precompiled code): [`dump`]
//! writes a prototype, [`undump`] reads one back and verifies it.
//!
//! The format is Lunar's own. Its header follows the layout of the
//! reference's, so that a chunk from another implementation, another
//! version or a damaged file is rejected with the reference's messages:
//!
//! ```text
//! "\x1bLua"                signature
//! 0x54                     version (5.4)
//! DUMP_FORMAT              format (the reference writes 0)
//! "\x19\x93\r\n\x1a\n"     conversion check (LUAC_DATA)
//! 4, 8, 8                  sizes of Instruction, integer, float
//! 0x5678 (8 bytes)         integer check
//! 370.5 (8 bytes)          float check
//! n                        number of upvalues of the main function
//! ```
//!
//! followed by the main function. All multi-byte numbers are
//! little-endian; counts, lengths and line numbers are unsigned LEB128
//! varints, line deltas zigzag-signed varints (the encodings of Go's
//! `encoding/binary`, as Lunar's first version wrote them). A function is:
//!
//! ```text
//! source            string (absent: the parent's source)
//! linedefined, lastlinedefined (varints), numparams, isvararg, maxstacksize (bytes)
//! code              count, then 4 bytes per instruction
//! constants         count, then a tag byte and the value for each
//! upvalues          count, then instack (byte), index (varint), kind (byte) for each
//! protos            count, then each function
//! debug             line deltas, local variables, upvalue names
//! ```
//!
//! A string is a varint n, the string being absent when n is 0 and of n-1
//! bytes otherwise.
//!
//! [`undump`] checks everything the VM relies on (see
//! [the verifier](mod@crate::verify)), so that a damaged or malicious chunk is an
//! error and never a crash.

use std::fmt;
use std::sync::Arc;

use crate::instruction::Instruction;
use crate::proto::{Constant, LocVar, Proto, UpvalueDesc, VarKind};
use crate::verify::{MAX_DEPTH, verify};

/// The format byte of Lunar's binary chunks; it changes when the format or
/// the instruction set does.
pub const DUMP_FORMAT: u8 = 0x4C;

/// The signature every binary chunk starts with (`LUA_SIGNATURE`).
pub const SIGNATURE: &[u8] = b"\x1bLua";
const VERSION: u8 = 0x54;
const LUAC_DATA: &[u8] = b"\x19\x93\r\n\x1a\n";
const CHECK_INT: u64 = 0x5678;
const CHECK_NUM: f64 = 370.5;

// Constant tags.
const CONST_NIL: u8 = 0;
const CONST_FALSE: u8 = 1;
const CONST_TRUE: u8 = 2;
const CONST_INT: u8 = 3;
const CONST_FLOAT: u8 = 4;
const CONST_STRING: u8 = 5;

/// Serialises a function prototype and its nested prototypes as a binary
/// chunk. With `strip`, debug information (line numbers, local and upvalue
/// names, the source name) is left out.
///
/// ```
/// use lunar_compile::{Instruction, OpCode, Proto};
/// use lunar_compile::chunk::{dump, undump};
/// let p = Proto {
///     source: b"@demo.lua".to_vec().into(),
///     max_stack_size: 2,
///     code: vec![Instruction::abc(OpCode::Return0, 0, 1, 0, false)],
///     line_info: vec![1],
///     ..Proto::default()
/// };
/// let q = undump(&dump(&p, false), b"=demo").unwrap();
/// assert_eq!(*q, p);
/// ```
pub fn dump(p: &Proto, strip: bool) -> Vec<u8> {
    let mut d = Dumper {
        b: Vec::new(),
        strip,
    };
    d.b.extend_from_slice(SIGNATURE);
    d.b.extend_from_slice(&[VERSION, DUMP_FORMAT]);
    d.b.extend_from_slice(LUAC_DATA);
    d.b.extend_from_slice(&[4, 8, 8]);
    d.b.extend_from_slice(&CHECK_INT.to_le_bytes());
    d.b.extend_from_slice(&CHECK_NUM.to_bits().to_le_bytes());
    d.b.push(p.upvalues.len() as u8);
    d.function(p, None);
    d.b
}

struct Dumper {
    b: Vec<u8>,
    strip: bool,
}

impl Dumper {
    fn uvarint(&mut self, n: u64) {
        let mut n = n;
        while n >= 0x80 {
            self.b.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.b.push(n as u8);
    }

    fn varint(&mut self, n: i64) {
        // Zigzag: small magnitudes of either sign take few bytes.
        self.uvarint(((n << 1) ^ (n >> 63)) as u64);
    }

    fn str(&mut self, s: &[u8], present: bool) {
        if !present {
            self.uvarint(0);
            return;
        }
        self.uvarint(s.len() as u64 + 1);
        self.b.extend_from_slice(s);
    }

    /// `parent_source` is `None` for the main function, whose source is
    /// always written (unless stripping), even when it is empty, as the
    /// reference's dumper does: only a nested function that shares its
    /// parent's source leaves it out.
    fn function(&mut self, p: &Proto, parent_source: Option<&[u8]>) {
        // Name every field, so that a field added to Proto or UpvalueDesc
        // fails to compile here until the format learns to carry it.
        let Proto {
            source: _,
            line_defined: _,
            last_line_defined: _,
            num_params: _,
            is_vararg: _,
            max_stack_size: _,
            code: _,
            line_info: _,
            constants: _,
            upvalues: _,
            protos: _,
            loc_vars: _,
        } = p;
        for UpvalueDesc {
            name: _,
            in_stack: _,
            index: _,
            kind: _,
        } in &p.upvalues
        {}
        for LocVar {
            name: _,
            start_pc: _,
            end_pc: _,
        } in &p.loc_vars
        {}
        self.str(&p.source, !self.strip && parent_source != Some(&*p.source));
        self.uvarint(p.line_defined as u64);
        self.uvarint(p.last_line_defined as u64);
        self.b
            .extend_from_slice(&[p.num_params, p.is_vararg as u8, p.max_stack_size]);
        self.uvarint(p.code.len() as u64);
        for i in &p.code {
            self.b.extend_from_slice(&i.0.to_le_bytes());
        }
        self.uvarint(p.constants.len() as u64);
        for c in &p.constants {
            match c {
                Constant::Nil => self.b.push(CONST_NIL),
                Constant::Bool(b) => self.b.push(if *b { CONST_TRUE } else { CONST_FALSE }),
                Constant::Int(i) => {
                    self.b.push(CONST_INT);
                    self.b.extend_from_slice(&i.to_le_bytes());
                }
                Constant::Float(x) => {
                    self.b.push(CONST_FLOAT);
                    self.b.extend_from_slice(&x.to_bits().to_le_bytes());
                }
                Constant::Str(s) => {
                    self.b.push(CONST_STRING);
                    self.str(s, true);
                }
            }
        }
        self.uvarint(p.upvalues.len() as u64);
        for u in &p.upvalues {
            self.b.push(u.in_stack as u8);
            self.uvarint(u.index as u64);
            self.b.push(u.kind as u8);
        }
        self.uvarint(p.protos.len() as u64);
        for sub in &p.protos {
            self.function(sub, Some(&p.source));
        }
        // Debug information.
        if self.strip {
            self.uvarint(0);
            self.uvarint(0);
            self.uvarint(0);
            return;
        }
        self.uvarint(p.line_info.len() as u64);
        let mut prev = p.line_defined as i64;
        for &l in &p.line_info {
            self.varint(l as i64 - prev);
            prev = l as i64;
        }
        self.uvarint(p.loc_vars.len() as u64);
        for v in &p.loc_vars {
            self.str(&v.name, true);
            self.uvarint(v.start_pc as u64);
            self.uvarint(v.end_pc as u64);
        }
        self.uvarint(p.upvalues.len() as u64);
        for u in &p.upvalues {
            self.str(&u.name, true);
        }
    }
}

/// The error of a binary chunk that cannot be loaded. Its message is the
/// reference's: `<name>: bad binary format (<why>)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkError {
    /// The chunk name as shown in the message (without its `@` or `=`, and
    /// "binary string" for a chunk named by its own text).
    pub name: Box<[u8]>,
    /// "truncated chunk", "version mismatch", "corrupted chunk", ...
    pub why: &'static str,
    /// What the loader or the verifier found wrong in a corrupted chunk.
    pub detail: Option<String>,
}

impl ChunkError {
    #[cold]
    fn new(name: &[u8], why: &'static str, detail: Option<String>) -> ChunkError {
        ChunkError {
            name: name.into(),
            why,
            detail,
        }
    }

    /// The message as bytes (the chunk name may be any bytes):
    /// `<name>: bad binary format (<why>)`.
    pub fn message(&self) -> Vec<u8> {
        let mut m = self.name.to_vec();
        m.extend_from_slice(b": bad binary format (");
        m.extend_from_slice(self.why.as_bytes());
        m.push(b')');
        m
    }
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

impl std::error::Error for ChunkError {}

/// Loads a binary chunk made by [`dump`]. `chunk_name` is the name given to
/// `load`, used only in error messages (as the reference uses it: without
/// its `@` or `=` prefix, and "binary string" for a chunk named by its own
/// text). The result has passed [`verify`].
pub fn undump(data: &[u8], chunk_name: &[u8]) -> Result<Arc<Proto>, ChunkError> {
    let name: &[u8] = match chunk_name.first() {
        Some(b'@' | b'=') => &chunk_name[1..],
        Some(&c) if c == SIGNATURE[0] => b"binary string",
        _ => chunk_name,
    };
    let mut u = Undumper {
        data,
        pos: 0,
        truncated: false,
        bad: None,
    };
    let fail = |u: &Undumper, why: &'static str| {
        let why = if u.truncated { "truncated chunk" } else { why };
        Err(ChunkError::new(name, why, None))
    };
    if !u.literal(SIGNATURE) {
        return fail(&u, "not a binary chunk");
    }
    if u.byte() != VERSION {
        return fail(&u, "version mismatch");
    }
    if u.byte() != DUMP_FORMAT {
        return fail(&u, "format mismatch");
    }
    if !u.literal(LUAC_DATA) {
        return fail(&u, "corrupted chunk");
    }
    for (size, what) in [
        (4, "Instruction size mismatch"),
        (8, "lua_Integer size mismatch"),
        (8, "lua_Number size mismatch"),
    ] {
        if u.byte() != size {
            return fail(&u, what);
        }
    }
    if u.uint64() != CHECK_INT {
        return fail(&u, "integer format mismatch");
    }
    if f64::from_bits(u.uint64()) != CHECK_NUM {
        return fail(&u, "float format mismatch");
    }
    let nup = u.byte() as usize;
    if u.truncated {
        return fail(&u, "truncated chunk");
    }
    let p = u.function(b"=?", 0);
    if u.truncated {
        return fail(&u, "truncated chunk");
    }
    if let Some(bad) = u.bad {
        return Err(ChunkError::new(
            name,
            "corrupted chunk",
            Some(bad.to_string()),
        ));
    }
    if p.upvalues.len() != nup {
        let detail = Some("upvalue count mismatch".to_string());
        return Err(ChunkError::new(name, "corrupted chunk", detail));
    }
    if let Err(e) = verify(&p) {
        return Err(ChunkError::new(
            name,
            "corrupted chunk",
            Some(e.to_string()),
        ));
    }
    Ok(Arc::new(p))
}

/// Reads a chunk. Reading past the end sets `truncated` and yields zeros; a
/// malformed value sets `bad`. Callers check both at the end.
struct Undumper<'a> {
    data: &'a [u8],
    pos: usize,
    truncated: bool,
    bad: Option<&'static str>,
}

impl Undumper<'_> {
    fn failed(&self) -> bool {
        self.truncated || self.bad.is_some()
    }

    fn corrupt(&mut self, why: &'static str) {
        self.bad.get_or_insert(why);
    }

    fn rest(&self) -> usize {
        self.data.len() - self.pos
    }

    fn literal(&mut self, s: &[u8]) -> bool {
        if self.rest() < s.len() {
            self.truncated = true;
            return false;
        }
        let ok = &self.data[self.pos..self.pos + s.len()] == s;
        self.pos += s.len();
        ok
    }

    fn byte(&mut self) -> u8 {
        match self.data.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => {
                self.truncated = true;
                0
            }
        }
    }

    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        if self.rest() < n {
            self.truncated = true;
            self.pos = self.data.len();
            return None;
        }
        let b = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Some(b)
    }

    fn uint64(&mut self) -> u64 {
        match self.bytes(8) {
            Some(b) => u64::from_le_bytes(b.try_into().unwrap_or([0; 8])),
            None => 0,
        }
    }

    /// Reads an unsigned varint: `None` at the end of the data (truncated),
    /// `Some(Err)` when it overflows 64 bits.
    fn raw_uvarint(&mut self) -> Option<Result<u64, ()>> {
        let mut x: u64 = 0;
        let mut shift = 0;
        for (i, &b) in self.data[self.pos..].iter().enumerate() {
            if i == 10 {
                return Some(Err(()));
            }
            if b < 0x80 {
                if i == 9 && b > 1 {
                    return Some(Err(()));
                }
                self.pos += i + 1;
                return Some(Ok(x | (b as u64) << shift));
            }
            x |= ((b & 0x7f) as u64) << shift;
            shift += 7;
        }
        None
    }

    /// Reads a count or size: a varint no larger than `limit`.
    fn count(&mut self, limit: u64) -> u64 {
        if self.failed() {
            return 0;
        }
        match self.raw_uvarint() {
            None => {
                self.truncated = true;
                0
            }
            Some(Ok(n)) if n <= limit => n,
            Some(_) => {
                self.corrupt("size out of range");
                0
            }
        }
    }

    /// Reads a count or size that fits 32 bits (signed, as the reference's
    /// `int`).
    fn count32(&mut self) -> u32 {
        self.count(i32::MAX as u64) as u32
    }

    /// Reads the count of a list whose elements take at least `min` bytes
    /// each, so that a small chunk cannot ask for a huge allocation.
    fn elements(&mut self, min: usize) -> usize {
        let n = self.count32() as usize;
        if n > self.rest() / min {
            self.truncated = true;
            return 0;
        }
        n
    }

    fn varint(&mut self) -> i64 {
        if self.failed() {
            return 0;
        }
        match self.raw_uvarint() {
            None => {
                self.truncated = true;
                0
            }
            Some(Ok(z)) => ((z >> 1) as i64) ^ -((z & 1) as i64),
            Some(Err(())) => {
                self.corrupt("bad number");
                0
            }
        }
    }

    /// Reads a string: `None` when absent (or on failure).
    fn str(&mut self) -> Option<Box<[u8]>> {
        let n = self.count32() as usize;
        if n == 0 {
            return None;
        }
        let b = self.bytes(n - 1)?.into();
        if self.failed() { None } else { Some(b) }
    }

    fn function(&mut self, parent_source: &[u8], depth: usize) -> Proto {
        let mut p = Proto::default();
        if depth > MAX_DEPTH {
            self.corrupt("functions nested too deeply");
            return p;
        }
        p.source = self.str().unwrap_or_else(|| parent_source.into());
        p.line_defined = self.count32();
        p.last_line_defined = self.count32();
        p.num_params = self.byte();
        match self.byte() {
            0 => {}
            1 => p.is_vararg = true,
            _ => self.corrupt("bad vararg flag"),
        }
        p.max_stack_size = self.byte();
        let n = self.elements(4);
        p.code.reserve_exact(n);
        for _ in 0..n {
            let Some(b) = self.bytes(4) else { return p };
            let word = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            p.code.push(Instruction(word));
        }
        let n = self.elements(1);
        p.constants.reserve_exact(n);
        for _ in 0..n {
            let k = match self.byte() {
                CONST_NIL => Constant::Nil,
                CONST_FALSE => Constant::Bool(false),
                CONST_TRUE => Constant::Bool(true),
                CONST_INT => Constant::Int(self.uint64() as i64),
                CONST_FLOAT => Constant::Float(f64::from_bits(self.uint64())),
                CONST_STRING => match self.str() {
                    Some(s) => Constant::Str(s),
                    None => {
                        if !self.failed() {
                            self.corrupt("absent string constant");
                        }
                        Constant::Nil
                    }
                },
                _ => {
                    self.corrupt("bad constant tag");
                    Constant::Nil
                }
            };
            if self.failed() {
                return p;
            }
            p.constants.push(k);
        }
        let n = self.elements(3);
        p.upvalues.reserve_exact(n);
        for _ in 0..n {
            let mut uv = UpvalueDesc::default();
            match self.byte() {
                0 => {}
                1 => uv.in_stack = true,
                _ => self.corrupt("bad upvalue flag"),
            }
            uv.index = self.count(u8::MAX as u64) as u8;
            match VarKind::from_u8(self.byte()) {
                Some(k) => uv.kind = k,
                None => self.corrupt("bad upvalue kind"),
            }
            if self.failed() {
                return p;
            }
            p.upvalues.push(uv);
        }
        let n = self.elements(8);
        p.protos.reserve_exact(n);
        for _ in 0..n {
            let sub = self.function(&p.source, depth + 1);
            if self.failed() {
                return p;
            }
            p.protos.push(Arc::new(sub));
        }
        // Debug information.
        let n = self.elements(1);
        if n > 0 {
            if n != p.code.len() {
                self.corrupt("line information does not match the code");
                return p;
            }
            p.line_info.reserve_exact(n);
            let mut line = p.line_defined as i64;
            for _ in 0..n {
                line = line.wrapping_add(self.varint());
                if !(0..=i32::MAX as i64).contains(&line) {
                    self.corrupt("line number out of range");
                    return p;
                }
                p.line_info.push(line as u32);
            }
        } else {
            // Stripped: every line unknown, so that line_info keeps the
            // length of the code.
            p.line_info = vec![0; p.code.len()];
        }
        let n = self.elements(3);
        p.loc_vars.reserve_exact(n);
        for _ in 0..n {
            let name = self.str().unwrap_or_default();
            let start_pc = self.count32();
            let end_pc = self.count32();
            if self.failed() {
                return p;
            }
            p.loc_vars.push(LocVar {
                name,
                start_pc,
                end_pc,
            });
        }
        let n = self.elements(1);
        if n > 0 {
            if n != p.upvalues.len() {
                self.corrupt("upvalue names do not match the upvalues");
                return p;
            }
            for i in 0..n {
                if let Some(name) = self.str() {
                    p.upvalues[i].name = name;
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests;
