//! The engine of `string.pack`, `string.unpack` and `string.packsize`
//! (§6.4.2): the format-string reader with its alignment rules, and the
//! integer encoding. Sizes are those of the reference built for a 64-bit
//! Linux machine: short 2, int 4, long 8, size_t 8, lua_Integer 8, float 4,
//! double and lua_Number 8, maximum alignment 8. The `fn(&mut State)`
//! wrappers at the end of the file check the arguments as the reference
//! does and call the engine.

use super::{MAX_RESULTS, MAX_STRING_SIZE, check_string_size, posrelat_i};
use lunar_vm::{Error, State, Value};

/// The kind of a format option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PackKind {
    /// A signed integer.
    Int,
    /// An unsigned integer.
    Uint,
    /// A float (4 bytes).
    Float,
    /// A `lua_Number` (8 bytes).
    Number,
    /// A double (8 bytes).
    Double,
    /// A fixed-size string.
    Char,
    /// A string with a length prefix.
    String,
    /// A zero-terminated string.
    Zstr,
    /// One byte of padding.
    Padding,
    /// Padding to an alignment (`X`).
    PaddAlign,
    /// Configuration or space.
    Nop,
}

/// The largest integer size (`MAXINTSIZE`).
pub const PACK_MAX_INT_SIZE: usize = 16;
/// The size of a Lua integer.
const PACK_INT_SIZE: usize = 8;
/// The default maximum alignment for `!`.
const PACK_NATIVE_ALIGN: usize = 8;
/// Whether this machine is little-endian (`=`).
const NATIVE_LITTLE: bool = cfg!(target_endian = "little");

/// An error found in a format or its data: a plain error (`arg` 0) or a
/// bad argument `arg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    /// The argument the error is about (0: a plain error).
    pub arg: usize,
    /// The message.
    pub msg: String,
}

impl PackError {
    fn plain(msg: impl Into<String>) -> PackError {
        PackError {
            arg: 0,
            msg: msg.into(),
        }
    }
}

/// One option read from a format: its kind, its size, and the padding
/// needed before it for alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackOption {
    /// What the option packs.
    pub kind: PackKind,
    /// Its size in bytes (0 for variable-length and configuration options).
    pub size: usize,
    /// Padding bytes before it.
    pub ntoalign: usize,
}

/// A format string being read option by option.
pub struct PackFormat<'a> {
    /// What is left of the format.
    fmt: &'a [u8],
    /// Whether integers and floats are little-endian.
    pub little: bool,
    max_align: usize,
}

impl<'a> PackFormat<'a> {
    /// Starts reading format `f`. Like the reference, which reads the
    /// format as a C string, it stops at the first zero byte.
    pub fn new(f: &'a [u8]) -> PackFormat<'a> {
        let f = match f.iter().position(|&c| c == 0) {
            Some(i) => &f[..i],
            None => f,
        };
        PackFormat {
            fmt: f,
            little: NATIVE_LITTLE,
            max_align: 1,
        }
    }

    /// Whether options are left.
    pub fn more(&self) -> bool {
        !self.fmt.is_empty()
    }

    fn peek_digit(&self) -> bool {
        self.fmt.first().is_some_and(u8::is_ascii_digit)
    }

    /// Reads an optional decimal number, or returns `df`.
    fn get_num(&mut self, df: usize) -> usize {
        if !self.peek_digit() {
            return df;
        }
        let mut a = 0usize;
        loop {
            a = a * 10 + (self.fmt[0] - b'0') as usize;
            self.fmt = &self.fmt[1..];
            if !self.peek_digit() || a > (MAX_STRING_SIZE - 9) / 10 {
                return a;
            }
        }
    }

    /// Reads a size in `[1, PACK_MAX_INT_SIZE]`.
    fn get_num_limit(&mut self, df: usize) -> Result<usize, PackError> {
        let sz = self.get_num(df);
        if sz > PACK_MAX_INT_SIZE || sz == 0 {
            return Err(PackError::plain(format!(
                "integral size ({sz}) out of limits [1,{PACK_MAX_INT_SIZE}]"
            )));
        }
        Ok(sz)
    }

    /// Reads one option: its kind and size.
    fn option(&mut self) -> Result<(PackKind, usize), PackError> {
        let opt = self.fmt[0];
        self.fmt = &self.fmt[1..];
        Ok(match opt {
            b'b' => (PackKind::Int, 1),
            b'B' => (PackKind::Uint, 1),
            b'h' => (PackKind::Int, 2),
            b'H' => (PackKind::Uint, 2),
            b'l' | b'j' => (PackKind::Int, 8),
            b'L' | b'J' | b'T' => (PackKind::Uint, 8),
            b'f' => (PackKind::Float, 4),
            b'n' => (PackKind::Number, 8),
            b'd' => (PackKind::Double, 8),
            b'i' => (PackKind::Int, self.get_num_limit(4)?),
            b'I' => (PackKind::Uint, self.get_num_limit(4)?),
            b's' => (PackKind::String, self.get_num_limit(8)?),
            b'c' => {
                if !self.peek_digit() {
                    return Err(PackError::plain("missing size for format option 'c'"));
                }
                (PackKind::Char, self.get_num(0))
            }
            b'z' => (PackKind::Zstr, 0),
            b'x' => (PackKind::Padding, 1),
            b'X' => (PackKind::PaddAlign, 0),
            b' ' => (PackKind::Nop, 0),
            b'<' => {
                self.little = true;
                (PackKind::Nop, 0)
            }
            b'>' => {
                self.little = false;
                (PackKind::Nop, 0)
            }
            b'=' => {
                self.little = NATIVE_LITTLE;
                (PackKind::Nop, 0)
            }
            b'!' => {
                self.max_align = self.get_num_limit(PACK_NATIVE_ALIGN)?;
                (PackKind::Nop, 0)
            }
            _ => {
                return Err(PackError::plain(format!(
                    "invalid format option '{}'",
                    opt as char
                )));
            }
        })
    }

    /// Reads the next option and computes the padding needed before it to
    /// align it, given the bytes written so far (`total`).
    pub fn details(&mut self, total: usize) -> Result<PackOption, PackError> {
        let (kind, size) = self.option()?;
        let mut align = size;
        if kind == PackKind::PaddAlign {
            // 'X' takes its alignment from the next option.
            let bad = || PackError {
                arg: 1,
                msg: "invalid next option for option 'X'".into(),
            };
            if self.fmt.is_empty() {
                return Err(bad());
            }
            let (next, next_size) = self.option()?;
            align = next_size;
            if next == PackKind::Char || align == 0 {
                return Err(bad());
            }
        }
        if align <= 1 || kind == PackKind::Char {
            return Ok(PackOption {
                kind,
                size,
                ntoalign: 0,
            });
        }
        if align > self.max_align {
            align = self.max_align;
        }
        if !align.is_power_of_two() {
            return Err(PackError {
                arg: 1,
                msg: "format asks for alignment not power of 2".into(),
            });
        }
        let ntoalign = (align - (total & (align - 1))) & (align - 1);
        Ok(PackOption {
            kind,
            size,
            ntoalign,
        })
    }
}

/// Appends the `size`-byte encoding of `n` (sign-extended past 8 bytes
/// when `neg`).
pub fn pack_int(b: &mut Vec<u8>, n: u64, little: bool, size: usize, neg: bool) {
    let mut buf = [0u8; PACK_MAX_INT_SIZE];
    for i in 0..size {
        let c = if i < PACK_INT_SIZE {
            (n >> (8 * i)) as u8
        } else if neg {
            0xff
        } else {
            0
        };
        if little {
            buf[i] = c;
        } else {
            buf[size - 1 - i] = c;
        }
    }
    b.extend_from_slice(&buf[..size]);
}

/// Decodes a `size`-byte integer from the start of `data`; `None` when a
/// number wider than 8 bytes does not fit a Lua integer.
pub fn unpack_int(data: &[u8], little: bool, size: usize, signed: bool) -> Option<i64> {
    let limit = size.min(PACK_INT_SIZE);
    let at = |i: usize| if little { data[i] } else { data[size - 1 - i] };
    let mut res = 0u64;
    for i in (0..limit).rev() {
        res = (res << 8) | at(i) as u64;
    }
    if size < PACK_INT_SIZE {
        if signed {
            let mask = 1u64 << (size * 8 - 1);
            res = (res ^ mask).wrapping_sub(mask); // sign extension
        }
    } else if size > PACK_INT_SIZE {
        let fill = if signed && (res as i64) < 0 { 0xff } else { 0 };
        if (limit..size).any(|i| at(i) != fill) {
            return None;
        }
    }
    Some(res as i64)
}

/// Reads raw float bits of the given size (4 or 8).
pub fn unpack_bits(data: &[u8], size: usize, little: bool) -> u64 {
    let n = unpack_int(data, little, size, false).unwrap_or(0) as u64;
    if size == 4 { n & 0xffff_ffff } else { n }
}

// ---------------------------------------------------------------------------
// The library functions.

fn pack_err(state: &mut State, e: PackError) -> Error {
    if e.arg > 0 {
        state.arg_error(e.arg, &e.msg)
    } else {
        state.error_str(&e.msg)
    }
}

/// `string.pack (fmt, v1, v2, ···)`
pub(crate) fn str_pack(state: &mut State) -> Result<usize, Error> {
    let f = state.check_string(1)?;
    let mut pf = PackFormat::new(f.as_bytes());
    let mut b: Vec<u8> = Vec::new();
    let nargs = state.arg_count();
    let mut arg = 1;
    let mut total = 0usize;
    while pf.more() {
        let opt = pf.details(total).map_err(|e| pack_err(state, e))?;
        let (kind, size) = (opt.kind, opt.size);
        total = total.saturating_add(opt.ntoalign + size);
        if total > MAX_STRING_SIZE {
            return Err(state.error_str("format result too large"));
        }
        b.resize(b.len() + opt.ntoalign, 0);
        arg += 1;
        if arg > nargs && kind <= PackKind::Zstr {
            // The reference reports the first missing argument as nil (it
            // pushes a nil of its own there).
            let expected = if kind >= PackKind::Char {
                "string"
            } else {
                "number"
            };
            return Err(state.arg_error(arg, &format!("{expected} expected, got nil")));
        }
        match kind {
            PackKind::Int | PackKind::Uint => {
                let n = state.check_integer(arg)?;
                if size < PACK_INT_SIZE {
                    if kind == PackKind::Int {
                        let lim = 1i64 << (size * 8 - 1);
                        if n < -lim || n >= lim {
                            return Err(state.arg_error(arg, "integer overflow"));
                        }
                    } else if (n as u64) >= 1u64 << (size * 8) {
                        return Err(state.arg_error(arg, "unsigned overflow"));
                    }
                }
                pack_int(
                    &mut b,
                    n as u64,
                    pf.little,
                    size,
                    kind == PackKind::Int && n < 0,
                );
            }
            PackKind::Float | PackKind::Number | PackKind::Double => {
                let x = state.check_number(arg)?;
                if kind == PackKind::Float {
                    pack_int(&mut b, (x as f32).to_bits() as u64, pf.little, 4, false);
                } else {
                    pack_int(&mut b, x.to_bits(), pf.little, 8, false);
                }
            }
            PackKind::Char => {
                let s = state.check_string(arg)?;
                if s.len() > size {
                    return Err(state.arg_error(arg, "string longer than given size"));
                }
                check_string_size(state, b.len() + size)?;
                b.extend_from_slice(s.as_bytes());
                b.resize(b.len() + size - s.len(), 0);
            }
            PackKind::String => {
                let s = state.check_string(arg)?;
                if size < 8 && (s.len() as u64) >= 1u64 << (size * 8) {
                    return Err(state.arg_error(arg, "string length does not fit in given size"));
                }
                pack_int(&mut b, s.len() as u64, pf.little, size, false);
                b.extend_from_slice(s.as_bytes());
                total = total.saturating_add(s.len());
            }
            PackKind::Zstr => {
                let s = state.check_string(arg)?;
                if s.as_bytes().contains(&0) {
                    return Err(state.arg_error(arg, "string contains zeros"));
                }
                b.extend_from_slice(s.as_bytes());
                b.push(0);
                total = total.saturating_add(s.len() + 1);
            }
            PackKind::Padding => {
                b.push(0);
                arg -= 1;
            }
            PackKind::PaddAlign | PackKind::Nop => arg -= 1,
        }
        if total > MAX_STRING_SIZE {
            return Err(state.error_str("format result too large"));
        }
    }
    check_string_size(state, b.len())?;
    let v = state.str_value(&b);
    state.push(v);
    Ok(1)
}

/// `string.packsize (fmt)`
pub(crate) fn str_packsize(state: &mut State) -> Result<usize, Error> {
    let f = state.check_string(1)?;
    let mut pf = PackFormat::new(f.as_bytes());
    let mut total = 0usize;
    while pf.more() {
        let opt = pf.details(total).map_err(|e| pack_err(state, e))?;
        if opt.kind == PackKind::String || opt.kind == PackKind::Zstr {
            return Err(state.arg_error(1, "variable-length format"));
        }
        let size = opt.size + opt.ntoalign;
        if total > MAX_STRING_SIZE.saturating_sub(size) {
            return Err(state.arg_error(1, "format result too large"));
        }
        total += size;
    }
    state.push(Value::Int(total as i64));
    Ok(1)
}

/// `string.unpack (fmt, s [, pos])`
pub(crate) fn str_unpack(state: &mut State) -> Result<usize, Error> {
    let f = state.check_string(1)?;
    let data_str = state.check_string(2)?;
    let i = state.opt_integer(3, 1)?;
    let data = data_str.as_bytes();
    let ld = data.len();
    let pos0 = posrelat_i(i, ld) - 1;
    if pos0 > ld as i64 {
        return Err(state.arg_error(3, "initial position out of string"));
    }
    let mut pos = pos0 as usize;
    let mut pf = PackFormat::new(f.as_bytes());
    let mut n = 0usize;
    while pf.more() {
        let opt = pf.details(pos).map_err(|e| pack_err(state, e))?;
        let (kind, size) = (opt.kind, opt.size);
        if opt.ntoalign.saturating_add(size) > ld - pos {
            return Err(state.arg_error(2, "data string too short"));
        }
        pos += opt.ntoalign;
        if n >= MAX_RESULTS {
            return Err(state.error_str("stack overflow (too many results)"));
        }
        n += 1;
        let rest = &data[pos..];
        match kind {
            PackKind::Int | PackKind::Uint => {
                match unpack_int(rest, pf.little, size, kind == PackKind::Int) {
                    Some(v) => state.push(Value::Int(v)),
                    None => {
                        return Err(state.error_str(&format!(
                            "{size}-byte integer does not fit into Lua Integer"
                        )));
                    }
                }
            }
            PackKind::Float => {
                let x = f32::from_bits(unpack_bits(rest, 4, pf.little) as u32);
                state.push(Value::Float(x as f64));
            }
            PackKind::Number | PackKind::Double => {
                state.push(Value::Float(f64::from_bits(unpack_bits(
                    rest, 8, pf.little,
                ))));
            }
            PackKind::Char => {
                let v = state.str_value(&rest[..size]);
                state.push(v);
            }
            PackKind::String => {
                let Some(l) = unpack_int(rest, pf.little, size, false) else {
                    return Err(state.error_str(&format!(
                        "{size}-byte integer does not fit into Lua Integer"
                    )));
                };
                if (l as u64) > (ld - pos - size) as u64 {
                    return Err(state.arg_error(2, "data string too short"));
                }
                let l = l as usize;
                let v = state.str_value(&rest[size..size + l]);
                state.push(v);
                pos += l;
            }
            PackKind::Zstr => {
                let Some(l) = rest.iter().position(|&c| c == 0) else {
                    return Err(state.arg_error(2, "unfinished string for format 'z'"));
                };
                let v = state.str_value(&rest[..l]);
                state.push(v);
                pos += l + 1;
            }
            PackKind::PaddAlign | PackKind::Padding | PackKind::Nop => n -= 1,
        }
        pos += size;
    }
    state.push(Value::Int(pos as i64 + 1));
    Ok(n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a whole format and describes each option as "kind:size:pad",
    /// or the error.
    fn read_options(f: &[u8]) -> Vec<String> {
        let mut pf = PackFormat::new(f);
        let mut out = Vec::new();
        let mut total = 0;
        while pf.more() {
            match pf.details(total) {
                Err(e) => {
                    out.push(format!("error: {}", e.msg));
                    return out;
                }
                Ok(o) => {
                    let k = b"iIfndcszxX "[o.kind as usize] as char;
                    out.push(format!("{k}:{}:{}", o.size, o.ntoalign));
                    total += o.ntoalign + o.size;
                }
            }
        }
        out
    }

    #[test]
    fn options() {
        let tests: &[(&[u8], &[&str])] = &[
            (b"", &[]),
            (
                b"b B h H i I l L j J T",
                &[
                    "i:1:0", " :0:0", "I:1:0", " :0:0", "i:2:0", " :0:0", "I:2:0", " :0:0",
                    "i:4:0", " :0:0", "I:4:0", " :0:0", "i:8:0", " :0:0", "I:8:0", " :0:0",
                    "i:8:0", " :0:0", "I:8:0", " :0:0", "I:8:0",
                ],
            ),
            (b"f d n", &["f:4:0", " :0:0", "d:8:0", " :0:0", "n:8:0"]),
            (b"i1i16I3", &["i:1:0", "i:16:0", "I:3:0"]),
            (b"i0", &["error: integral size (0) out of limits [1,16]"]),
            (b"i17", &["error: integral size (17) out of limits [1,16]"]),
            (
                b"i100000000000000000000",
                &["error: integral size (1000000000) out of limits [1,16]"],
            ),
            (b"c", &["error: missing size for format option 'c'"]),
            (b"c10c0", &["c:10:0", "c:0:0"]),
            (
                b"z s s1 s16",
                &[
                    "z:0:0", " :0:0", "s:8:0", " :0:0", "s:1:0", " :0:0", "s:16:0",
                ],
            ),
            (b"y", &["error: invalid format option 'y'"]),
            (b"<>=", &[" :0:0", " :0:0", " :0:0"]),
            (b"!8 b i8", &[" :0:0", " :0:0", "i:1:0", " :0:0", "i:8:7"]),
            (b"!4 b i8", &[" :0:0", " :0:0", "i:1:0", " :0:0", "i:8:3"]),
            (b"b i8", &["i:1:0", " :0:0", "i:8:0"]),
            (
                b"!3 b i3",
                &[
                    " :0:0",
                    " :0:0",
                    "i:1:0",
                    " :0:0",
                    "error: format asks for alignment not power of 2",
                ],
            ),
            (b"!17", &["error: integral size (17) out of limits [1,16]"]),
            (
                b"!8 b Xi8 b",
                &[
                    " :0:0", " :0:0", "i:1:0", " :0:0", "X:0:7", " :0:0", "i:1:0",
                ],
            ),
            (b"X", &["error: invalid next option for option 'X'"]),
            (b"Xc1", &["error: invalid next option for option 'X'"]),
            (b"Xz", &["error: invalid next option for option 'X'"]),
            (b"Xy", &["error: invalid format option 'y'"]),
            (b"x", &["x:1:0"]),
            (b"b\x00i", &["i:1:0"]), // the format ends at a zero byte
        ];
        for &(f, want) in tests {
            assert_eq!(
                read_options(f),
                want,
                "format {:?}",
                String::from_utf8_lossy(f)
            );
        }
    }

    #[test]
    fn options_errors_carry_the_argument() {
        let mut pf = PackFormat::new(b"X");
        assert_eq!(pf.details(0).unwrap_err().arg, 1);
        let mut pf = PackFormat::new(b"i0");
        assert_eq!(pf.details(0).unwrap_err().arg, 0);
    }

    #[test]
    fn endianness_options() {
        let mut pf = PackFormat::new(b"<>=");
        pf.details(0).unwrap();
        assert!(pf.little);
        pf.details(0).unwrap();
        assert!(!pf.little);
        pf.details(0).unwrap();
        assert_eq!(pf.little, cfg!(target_endian = "little"));
    }

    #[test]
    fn ints() {
        let tests: &[(i64, usize, bool, &[u8])] = &[
            (1, 4, true, b"\x01\x00\x00\x00"),
            (1, 4, false, b"\x00\x00\x00\x01"),
            (-2, 2, true, b"\xfe\xff"),
            (
                -2,
                12,
                true,
                b"\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
            ),
            (
                -2,
                12,
                false,
                b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe",
            ),
            (
                5,
                16,
                false,
                b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05",
            ),
            (0x010203, 3, false, b"\x01\x02\x03"),
        ];
        for &(n, size, little, want) in tests {
            let mut got = Vec::new();
            pack_int(&mut got, n as u64, little, size, n < 0);
            assert_eq!(got, want, "pack {n}/{size}/{little}");
            assert_eq!(
                unpack_int(&got, little, size, true),
                Some(n),
                "unpack {got:?}"
            );
        }
        // Sign extension and overflow checks of wide integers.
        assert_eq!(unpack_int(b"\xff\xff\xff", true, 3, true), Some(-1));
        assert_eq!(unpack_int(b"\xff\xff\xff", true, 3, false), Some(0xffffff));
        assert_eq!(
            unpack_int(b"\x00\x00\x00\x00\x00\x00\x00\x00\x01", true, 9, true),
            None
        );
        assert_eq!(
            unpack_int(b"\xff\xff\xff\xff\xff\xff\xff\xff\x00", true, 9, true),
            None
        );
        assert_eq!(
            unpack_int(b"\xff\xff\xff\xff\xff\xff\xff\xff\x00", true, 9, false),
            Some(-1)
        );
        assert_eq!(unpack_int(b"\x80", true, 1, true), Some(-128));
        assert_eq!(unpack_int(b"\x80", true, 1, false), Some(128));
    }

    /// Random formats never panic the reader, and the padding it asks for
    /// always aligns the next item (the FuzzUnpack property of the Go
    /// version, for the format side).
    #[test]
    fn random_formats() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let alphabet = b"bBhHiIlLjJTfndszxXc<>=! 0123456789!y";
        for _ in 0..20000 {
            let len = (x % 12) as usize;
            let mut f = Vec::with_capacity(len);
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                f.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let mut pf = PackFormat::new(&f);
            let mut total = 0usize;
            while pf.more() {
                match pf.details(total) {
                    Err(_) => break,
                    Ok(o) => {
                        if o.ntoalign > 0 {
                            assert!(
                                (total + o.ntoalign).is_multiple_of(2),
                                "{:?}",
                                String::from_utf8_lossy(&f)
                            );
                        }
                        total += o.ntoalign + o.size;
                    }
                }
            }
        }
    }

    #[test]
    fn float_bits_round_trip() {
        let mut b = Vec::new();
        pack_int(&mut b, 1.5f64.to_bits(), false, 8, false);
        assert_eq!(f64::from_bits(unpack_bits(&b, 8, false)), 1.5);
        let mut b = Vec::new();
        pack_int(&mut b, (-2.5f32).to_bits() as u64, true, 4, false);
        assert_eq!(b, (-2.5f32).to_le_bytes());
        assert_eq!(f32::from_bits(unpack_bits(&b, 4, true) as u32), -2.5);
    }
}
