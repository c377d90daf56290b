//! Binary chunks (`string.dump`, `luac` output and `load` of precompiled
//! code): [`dump`] writes a prototype, [`undump`] reads one back and
//! verifies it.
//!
//! The format is exactly the reference's (ldump.c and lundump.c of Lua
//! 5.4), so that `luac5.4` output runs on Lunar and Lunar's chunks run on
//! `lua5.4`. A chunk is a header:
//!
//! ```text
//! "\x1bLua"                signature
//! 0x54                     version (5.4)
//! 0                        format (LUAC_FORMAT)
//! "\x19\x93\r\n\x1a\n"     conversion check (LUAC_DATA)
//! 4, 8, 8                  sizes of Instruction, lua_Integer, lua_Number
//! 0x5678 (8 bytes)         integer check (LUAC_INT), little-endian
//! 370.5 (8 bytes)          float check (LUAC_NUM), little-endian
//! n (1 byte)               number of upvalues of the main function
//! ```
//!
//! followed by the main function:
//!
//! ```text
//! source                   string (NULL: the parent's source)
//! linedefined, lastlinedefined        int
//! numparams, is_vararg, maxstacksize  bytes
//! code          int n, then n instructions (4 bytes each, little-endian)
//! constants     int n, then a tag byte and the value for each: nil 0x00,
//!               false 0x01, true 0x11, integer 0x03 (8 bytes), float 0x13
//!               (8 bytes), short string 0x04, long string 0x14 (a string)
//! upvalues      int n, then instack, idx, kind (bytes) for each
//! protos        int n, then each function
//! lineinfo      int n, then n signed bytes: the line delta from the
//!               previous instruction (the first: from linedefined), or
//!               -0x80 (ABSLINEINFO) where the line is given absolutely
//! abslineinfo   int n, then (pc, line) ints for each
//! locvars       int n, then name (string), startpc, endpc (ints) for each
//! upvalue names int n (0 or the number of upvalues), then the names
//! ```
//!
//! Ints and sizes are the reference's `dumpSize` varints: 7 bits a byte,
//! most significant group first, the last byte marked by its 0x80 bit. A
//! string is a size n, NULL when n is 0 and n-1 bytes otherwise. A stripped
//! chunk writes NULL sources and zero counts for the four debug lists; a
//! function loaded from one gets the source `=?` (written back as NULL),
//! lines 0 (written back as no line information) and empty names (written
//! back as NULL names).
//!
//! Lunar's [`Proto`] keeps an absolute line per instruction; the dumper
//! turns it into deltas and absolute entries as the reference's
//! `savelineinfo` (lcode.c) makes them, and the loader turns them back.
//!
//! [`undump`] reports what the reference reports, worded as it words it
//! ("truncated chunk", "integer overflow", "version mismatch", ...), and
//! then checks everything the VM relies on (see
//! [the verifier](mod@crate::verify)), so that a damaged or malicious chunk
//! is an error ("corrupted chunk") and never a crash.

use std::fmt;
use std::sync::Arc;

use crate::instruction::Instruction;
use crate::proto::{Constant, LocVar, Proto, UpvalueDesc, VarKind};
use crate::verify::{MAX_DEPTH, verify};

/// The format byte of binary chunks (`LUAC_FORMAT`): 0, the reference's
/// official format.
pub const DUMP_FORMAT: u8 = 0;

/// The signature every binary chunk starts with (`LUA_SIGNATURE`).
pub const SIGNATURE: &[u8] = b"\x1bLua";
const VERSION: u8 = 0x54;
const LUAC_DATA: &[u8] = b"\x19\x93\r\n\x1a\n";
const CHECK_INT: u64 = 0x5678;
const CHECK_NUM: f64 = 370.5;

/// The source of a function loaded without one (stripped): the name the
/// reference's debug interface gives such a function.
const NO_SOURCE: &[u8] = b"=?";

// Constant tags: the reference's variant tags (`LUA_VNIL`, ...).
const TAG_NIL: u8 = 0x00;
const TAG_FALSE: u8 = 0x01;
const TAG_TRUE: u8 = 0x11;
const TAG_INT: u8 = 0x03;
const TAG_FLOAT: u8 = 0x13;
const TAG_SHORT_STR: u8 = 0x04;
const TAG_LONG_STR: u8 = 0x14;

/// The longest short string (`LUAI_MAXSHORTLEN`): longer string constants
/// are tagged as long strings.
const MAX_SHORT_LEN: usize = 40;

/// The marker of an instruction whose line is in `abslineinfo`.
const ABSLINEINFO: i8 = -0x80;
/// At most this many instructions in a row have relative lines
/// (`MAXIWTHABS`), so that finding a line needs a bounded walk.
const MAX_IWTHABS: u32 = 128;
/// Line deltas of this magnitude or more are written absolutely
/// (`LIMLINEDIFF`).
const LIM_LINE_DIFF: i64 = 0x80;

/// Serialises a function prototype and its nested prototypes as a binary
/// chunk in the reference's format. With `strip`, debug information (line
/// numbers, local and upvalue names, the source name) is left out.
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
/// let bin = dump(&p, false);
/// assert_eq!(&bin[..6], b"\x1bLua\x54\x00");
/// let q = undump(&bin, b"=demo").unwrap();
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
    /// `dumpSize`: 7-bit groups, most significant first, the last byte
    /// marked with 0x80.
    fn size(&mut self, x: u64) {
        let mut buf = [0u8; 10];
        let mut n = 0;
        let mut x = x;
        loop {
            n += 1;
            buf[buf.len() - n] = (x & 0x7f) as u8;
            x >>= 7;
            if x == 0 {
                break;
            }
        }
        buf[buf.len() - 1] |= 0x80;
        self.b.extend_from_slice(&buf[buf.len() - n..]);
    }

    fn int(&mut self, x: usize) {
        self.size(x as u64)
    }

    /// `dumpString`: `None` is NULL.
    fn string(&mut self, s: Option<&[u8]>) {
        match s {
            None => self.size(0),
            Some(s) => {
                self.size(s.len() as u64 + 1);
                self.b.extend_from_slice(s);
            }
        }
    }

    /// A debug name: an empty one (stripped, or lost) is written as NULL,
    /// as the reference writes a name it does not have.
    fn name(&mut self, s: &[u8]) {
        self.string((!s.is_empty()).then_some(s));
    }

    /// `parent_source` is `None` for the main function, whose source is
    /// always written (unless stripping), even when it is empty, as the
    /// reference's dumper does: only a nested function that shares its
    /// parent's source leaves it out. The source `=?` is what a function
    /// without one (from a stripped chunk) gets: it is written as NULL, as
    /// the reference writes such a function.
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
        if self.strip || parent_source == Some(&*p.source) || *p.source == *NO_SOURCE {
            self.string(None);
        } else {
            self.string(Some(&p.source));
        }
        self.int(p.line_defined as usize);
        self.int(p.last_line_defined as usize);
        self.b
            .extend_from_slice(&[p.num_params, p.is_vararg as u8, p.max_stack_size]);
        self.int(p.code.len());
        for i in &p.code {
            self.b.extend_from_slice(&i.0.to_le_bytes());
        }
        self.int(p.constants.len());
        for c in &p.constants {
            match c {
                Constant::Nil => self.b.push(TAG_NIL),
                Constant::Bool(false) => self.b.push(TAG_FALSE),
                Constant::Bool(true) => self.b.push(TAG_TRUE),
                Constant::Int(i) => {
                    self.b.push(TAG_INT);
                    self.b.extend_from_slice(&i.to_le_bytes());
                }
                Constant::Float(x) => {
                    self.b.push(TAG_FLOAT);
                    self.b.extend_from_slice(&x.to_bits().to_le_bytes());
                }
                Constant::Str(s) => {
                    let short = s.len() <= MAX_SHORT_LEN;
                    self.b
                        .push(if short { TAG_SHORT_STR } else { TAG_LONG_STR });
                    self.string(Some(s));
                }
            }
        }
        self.int(p.upvalues.len());
        for u in &p.upvalues {
            self.b
                .extend_from_slice(&[u.in_stack as u8, u.index, u.kind as u8]);
        }
        self.int(p.protos.len());
        for sub in &p.protos {
            self.function(sub, Some(&p.source));
        }
        self.debug(p);
    }

    fn debug(&mut self, p: &Proto) {
        if self.strip {
            for _ in 0..4 {
                self.int(0);
            }
            return;
        }
        // A prototype without lines (loaded from a stripped chunk) has no
        // line information, as in the reference.
        if p.line_info.iter().any(|&l| l != 0) {
            let (rel, abs) = encode_lines(p.line_defined, &p.line_info);
            self.int(rel.len());
            self.b.extend(rel.iter().map(|&d| d as u8));
            self.int(abs.len());
            for (pc, line) in abs {
                self.int(pc as usize);
                self.int(line as usize);
            }
        } else {
            self.int(0);
            self.int(0);
        }
        self.int(p.loc_vars.len());
        for v in &p.loc_vars {
            self.name(&v.name);
            self.int(v.start_pc as usize);
            self.int(v.end_pc as usize);
        }
        self.int(p.upvalues.len());
        for u in &p.upvalues {
            self.name(&u.name);
        }
    }
}

/// Splits absolute lines into the reference's line deltas and absolute
/// entries, as `savelineinfo` (lcode.c) saves them while coding: a line is
/// absolute when it is far from the previous one or when `MAXIWTHABS`
/// relative lines precede it.
fn encode_lines(line_defined: u32, lines: &[u32]) -> (Vec<i8>, Vec<(u32, u32)>) {
    let mut rel = Vec::with_capacity(lines.len());
    let mut abs = Vec::new();
    let mut previous = line_defined as i64;
    // Instructions since the last absolute line (`iwthabs`).
    let mut iwthabs = 0u32;
    for (pc, &line) in lines.iter().enumerate() {
        let diff = line as i64 - previous;
        // The reference's `abs(linedif) >= LIMLINEDIFF || iwthabs++ >=
        // MAXIWTHABS`: the counter moves only when the delta is small.
        let absolute = diff.abs() >= LIM_LINE_DIFF || {
            let before = iwthabs;
            iwthabs += 1;
            before >= MAX_IWTHABS
        };
        if absolute {
            abs.push((pc as u32, line));
            rel.push(ABSLINEINFO);
            iwthabs = 1;
        } else {
            rel.push(diff as i8);
        }
        previous = line as i64;
    }
    (rel, abs)
}

/// The absolute lines of `rel` and `abs` (as [`encode_lines`] makes them),
/// or why they are inconsistent: every `ABSLINEINFO` mark must have its
/// absolute entry, in order, and every line must be a valid line number.
fn decode_lines(
    line_defined: u32,
    rel: &[i8],
    abs: &[(u32, u32)],
) -> Result<Vec<u32>, &'static str> {
    let mut lines = Vec::with_capacity(rel.len());
    let mut line = line_defined as i64;
    let mut entries = abs.iter();
    for (pc, &d) in rel.iter().enumerate() {
        if d == ABSLINEINFO {
            match entries.next() {
                Some(&(at, l)) if at as usize == pc => line = l as i64,
                _ => return Err("absolute line information does not match"),
            }
        } else {
            line += d as i64;
        }
        if !(0..=i32::MAX as i64).contains(&line) {
            return Err("line number out of range");
        }
        lines.push(line as u32);
    }
    if entries.next().is_some() {
        return Err("absolute line information does not match");
    }
    Ok(lines)
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

/// Loads a binary chunk in the reference's format (made by [`dump`], by
/// `luac5.4` or by `string.dump` of `lua5.4`). `chunk_name` is the name
/// given to `load`, used only in error messages (as the reference uses it:
/// without its `@` or `=` prefix, and "binary string" for a chunk named by
/// its own text). The result has passed [`verify`].
///
/// A stripped chunk loads with the source `=?`, every line 0 and no local
/// or upvalue names. Bytes after the main function are ignored, as the
/// reference ignores them.
pub fn undump(data: &[u8], chunk_name: &[u8]) -> Result<Arc<Proto>, ChunkError> {
    let name: &[u8] = match chunk_name.first() {
        Some(b'@' | b'=') => &chunk_name[1..],
        Some(&c) if c == SIGNATURE[0] => b"binary string",
        _ => chunk_name,
    };
    let mut u = Undumper {
        data,
        pos: 0,
        odd: None,
    };
    let p = u
        .chunk()
        .map_err(|f| ChunkError::new(name, f.why, f.detail))?;
    let corrupted = |detail: String| ChunkError::new(name, CORRUPTED, Some(detail));
    if let Some(odd) = u.odd {
        return Err(corrupted(odd.to_string()));
    }
    if let Err(e) = verify(&p) {
        return Err(corrupted(e.to_string()));
    }
    Ok(Arc::new(p))
}

/// The reason of every error that the reference would not report itself.
const CORRUPTED: &str = "corrupted chunk";

/// Why a chunk does not load: the reference's reason and, for a chunk
/// that only Lunar's own checks reject, what they found.
struct Fail {
    why: &'static str,
    detail: Option<String>,
}

impl Fail {
    #[cold]
    fn why(why: &'static str) -> Fail {
        Fail { why, detail: None }
    }

    #[cold]
    fn corrupted(detail: &str) -> Fail {
        Fail {
            why: CORRUPTED,
            detail: Some(detail.to_string()),
        }
    }
}

type Load<T> = Result<T, Fail>;

/// Reads a chunk as lundump.c does, stopping at the first error the
/// reference reports. What the reference accepts but Lunar does not (a
/// flag byte other than 0 or 1, inconsistent line information, ...) is
/// noted in `odd` and reading goes on, so that a chunk that is also
/// truncated gets the reference's message.
struct Undumper<'a> {
    data: &'a [u8],
    pos: usize,
    odd: Option<&'static str>,
}

impl Undumper<'_> {
    fn note(&mut self, why: &'static str) {
        self.odd.get_or_insert(why);
    }

    fn rest(&self) -> usize {
        self.data.len() - self.pos
    }

    /// `loadBlock`: `n` bytes, or "truncated chunk".
    fn block(&mut self, n: usize) -> Load<&[u8]> {
        if self.rest() < n {
            return Err(Fail::why("truncated chunk"));
        }
        let b = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(b)
    }

    fn byte(&mut self) -> Load<u8> {
        Ok(self.block(1)?[0])
    }

    fn u64(&mut self) -> Load<u64> {
        let b = self.block(8)?;
        let mut w = [0; 8];
        w.copy_from_slice(b);
        Ok(u64::from_le_bytes(w))
    }

    /// `checkliteral`: the bytes `s`, or the error `why`.
    fn literal(&mut self, s: &[u8], why: &'static str) -> Load<()> {
        if self.block(s.len())? != s {
            return Err(Fail::why(why));
        }
        Ok(())
    }

    /// `loadUnsigned`: a varint (see [`Dumper::size`]) no larger than
    /// about `limit`, checked as the reference checks it.
    fn unsigned(&mut self, limit: u64) -> Load<u64> {
        let limit = limit >> 7;
        let mut x = 0u64;
        loop {
            let b = self.byte()?;
            if x >= limit {
                return Err(Fail::why("integer overflow"));
            }
            x = (x << 7) | (b & 0x7f) as u64;
            if b & 0x80 != 0 {
                return Ok(x);
            }
        }
    }

    /// `loadInt`: a count, line or pc (at most `INT_MAX`).
    fn int(&mut self) -> Load<u32> {
        Ok(self.unsigned(i32::MAX as u64)? as u32)
    }

    /// The count of a list whose elements take at least `min` bytes each:
    /// one that cannot fit in the rest of the chunk is a truncation,
    /// found before allocating, so that a small chunk cannot ask for a
    /// huge allocation.
    fn elements(&mut self, min: usize) -> Load<usize> {
        let n = self.int()? as usize;
        if n > self.rest() / min {
            return Err(Fail::why("truncated chunk"));
        }
        Ok(n)
    }

    /// `loadStringN`: `None` for NULL.
    fn string(&mut self) -> Load<Option<Box<[u8]>>> {
        match self.unsigned(u64::MAX)? {
            0 => Ok(None),
            n => Ok(Some(self.block((n - 1) as usize)?.into())),
        }
    }

    /// `luaU_undump` after its first byte: the header, then the main
    /// function.
    fn chunk(&mut self) -> Load<Proto> {
        self.literal(SIGNATURE, "not a binary chunk")?;
        if self.byte()? != VERSION {
            return Err(Fail::why("version mismatch"));
        }
        if self.byte()? != DUMP_FORMAT {
            return Err(Fail::why("format mismatch"));
        }
        self.literal(LUAC_DATA, "corrupted chunk")?;
        for (size, why) in [
            (4, "Instruction size mismatch"),
            (8, "lua_Integer size mismatch"),
            (8, "lua_Number size mismatch"),
        ] {
            if self.byte()? != size {
                return Err(Fail::why(why));
            }
        }
        if self.u64()? != CHECK_INT {
            return Err(Fail::why("integer format mismatch"));
        }
        if f64::from_bits(self.u64()?) != CHECK_NUM {
            return Err(Fail::why("float format mismatch"));
        }
        let nup = self.byte()? as usize;
        let p = self.function(&Arc::from(NO_SOURCE), 0)?;
        if p.upvalues.len() != nup {
            self.note("upvalue count mismatch");
        }
        Ok(p)
    }

    /// `loadFunction`.
    fn function(&mut self, parent_source: &Arc<[u8]>, depth: usize) -> Load<Proto> {
        if depth > MAX_DEPTH {
            return Err(Fail::corrupted("functions nested too deeply"));
        }
        let mut p = Proto {
            source: match self.string()? {
                Some(s) => s.into(),
                None => parent_source.clone(),
            },
            line_defined: self.int()?,
            last_line_defined: self.int()?,
            num_params: self.byte()?,
            ..Proto::default()
        };
        match self.byte()? {
            0 => {}
            1 => p.is_vararg = true,
            _ => self.note("bad vararg flag"),
        }
        p.max_stack_size = self.byte()?;
        let n = self.elements(4)?;
        p.code = self
            .block(n * 4)?
            .chunks_exact(4)
            .map(|b| Instruction(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect();
        let n = self.elements(1)?;
        p.constants.reserve_exact(n);
        for _ in 0..n {
            let k = match self.byte()? {
                TAG_NIL => Constant::Nil,
                TAG_FALSE => Constant::Bool(false),
                TAG_TRUE => Constant::Bool(true),
                TAG_INT => Constant::Int(self.u64()? as i64),
                TAG_FLOAT => Constant::Float(f64::from_bits(self.u64()?)),
                TAG_SHORT_STR | TAG_LONG_STR => match self.string()? {
                    Some(s) => Constant::Str(s),
                    None => return Err(Fail::why("bad format for constant string")),
                },
                // The reference only asserts; the size of what follows is
                // unknown, so reading cannot go on.
                _ => return Err(Fail::corrupted("bad constant tag")),
            };
            p.constants.push(k);
        }
        let n = self.elements(3)?;
        p.upvalues.reserve_exact(n);
        for _ in 0..n {
            let mut uv = UpvalueDesc::default();
            match self.byte()? {
                0 => {}
                1 => uv.in_stack = true,
                _ => self.note("bad upvalue flag"),
            }
            uv.index = self.byte()?;
            match VarKind::from_u8(self.byte()?) {
                Some(k) => uv.kind = k,
                None => self.note("bad upvalue kind"),
            }
            p.upvalues.push(uv);
        }
        // The smallest function takes 14 bytes.
        let n = self.elements(14)?;
        p.protos.reserve_exact(n);
        for _ in 0..n {
            let sub = self.function(&p.source, depth + 1)?;
            p.protos.push(Arc::new(sub));
        }
        self.debug(&mut p)?;
        Ok(p)
    }

    /// `loadDebug`.
    fn debug(&mut self, p: &mut Proto) -> Load<()> {
        let n = self.elements(1)?;
        let rel: Vec<i8> = self.block(n)?.iter().map(|&b| b as i8).collect();
        let n = self.elements(2)?;
        let mut abs = Vec::with_capacity(n);
        for _ in 0..n {
            abs.push((self.int()?, self.int()?));
        }
        if rel.is_empty() {
            // Stripped: every line unknown, so that line_info keeps the
            // length of the code.
            p.line_info = vec![0; p.code.len()];
        } else if rel.len() != p.code.len() {
            self.note("line information does not match the code");
        } else {
            match decode_lines(p.line_defined, &rel, &abs) {
                Ok(lines) => p.line_info = lines,
                Err(why) => self.note(why),
            }
        }
        let n = self.elements(3)?;
        p.loc_vars.reserve_exact(n);
        for _ in 0..n {
            p.loc_vars.push(LocVar {
                name: self.string()?.map(Arc::from).unwrap_or_default(),
                start_pc: self.int()?,
                end_pc: self.int()?,
            });
        }
        // Either no names or one for each upvalue, whatever the count says.
        if self.int()? != 0 {
            for i in 0..p.upvalues.len() {
                p.upvalues[i].name = self.string()?.unwrap_or_default();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
