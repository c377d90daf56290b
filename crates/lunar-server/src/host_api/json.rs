//! JSON to and from the VM's raw values: here the encoder, which walks a
//! Lua value and writes bytes directly, and in `decode` the decoder,
//! which builds Lua tables and strings directly (no `serde_json::Value`
//! in between).
//!
//! The mapping (the module docs of `host_api` state it for scripts): a
//! table whose keys are exactly `1..n` (n ≥ 1) is an array, any other
//! table an object (string keys; integer keys written as strings); JSON
//! `null` is the light userdata 0 (`json.null`, `lunar::Value::NULL`);
//! integers stay integers and floats are written so that they read back
//! as floats. Nesting is bounded by [`MAX_DEPTH`].

mod decode;

pub(crate) use decode::decode;
use lunar::raw::{Gc, State as Vm, Table, Value as Raw};
use std::io::Write as _;

/// The deepest nesting of arrays and objects either way.
pub(crate) const MAX_DEPTH: usize = 200;

/// `json.null`: the light userdata 0, as `lunar::Value::NULL`.
pub(crate) const NULL: Raw = Raw::LightUserData(0);

/// Why encoding stopped: a value JSON cannot hold (the message, without
/// the `json.encode: ` prefix), or a limit of the run (from charging the
/// work budget).
pub(crate) enum EncodeError {
    Invalid(String),
    Vm(lunar::vm::Error),
}

/// How much work the encoder counts before charging the run's budget.
const CHARGE_EVERY: u64 = 256;

/// Appends the JSON text of `v` to `out`. With `charge`, the work is
/// counted against the run's budget as it goes (a native function's
/// loop over script data), so that limits stop a huge value.
pub(crate) fn encode(
    vm: &mut Vm,
    v: Raw,
    out: &mut Vec<u8>,
    charge: bool,
) -> Result<(), EncodeError> {
    let mut e = Encoder {
        vm,
        out,
        path: Vec::new(),
        charge,
        work: 0,
    };
    e.value(v)?;
    if charge && e.work > 0 {
        e.vm.charge(e.work).map_err(EncodeError::Vm)?;
    }
    Ok(())
}

struct Encoder<'a> {
    vm: &'a mut Vm,
    out: &'a mut Vec<u8>,
    /// The addresses of the tables being written, outermost first: a
    /// table met again inside itself is a cycle.
    path: Vec<usize>,
    charge: bool,
    /// Work not yet charged.
    work: u64,
}

impl Encoder<'_> {
    fn tick(&mut self) -> Result<(), EncodeError> {
        self.work += 1;
        if self.charge && self.work >= CHARGE_EVERY {
            let w = std::mem::take(&mut self.work);
            self.vm.charge(w).map_err(EncodeError::Vm)?;
        }
        Ok(())
    }

    fn value(&mut self, v: Raw) -> Result<(), EncodeError> {
        self.tick()?;
        match v {
            Raw::Nil => self.out.extend_from_slice(b"null"),
            Raw::Bool(true) => self.out.extend_from_slice(b"true"),
            Raw::Bool(false) => self.out.extend_from_slice(b"false"),
            Raw::Int(i) => write_int(self.out, i),
            Raw::Float(f) => write_float(self.out, f)?,
            Raw::Str(s) => write_string(self.out, s.as_bytes())?,
            Raw::Table(t) => self.table(t)?,
            Raw::LightUserData(0) => self.out.extend_from_slice(b"null"),
            other => {
                let what = match other {
                    Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => "function",
                    Raw::Thread(_) => "thread",
                    _ => "userdata",
                };
                return Err(invalid(format!("cannot encode a {what}")));
            }
        }
        Ok(())
    }

    fn table(&mut self, t: Gc<Table>) -> Result<(), EncodeError> {
        let addr = t.addr();
        if self.path.contains(&addr) {
            return Err(invalid("cannot encode a cyclic table".into()));
        }
        if self.path.len() >= MAX_DEPTH {
            return Err(invalid(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.path.push(addr);
        let n = t.len();
        // An array has exactly the keys 1..n: n entries in all, none of
        // them missing (the border n alone allows holes below it).
        let written = n >= 1 && t.count() as i64 == n && self.array(t, n)?;
        if !written {
            self.object(t)?;
        }
        self.path.pop();
        Ok(())
    }

    /// Writes `t[1..n]` as an array; `false` (with nothing written) when
    /// one of them is missing, so the table has other keys.
    fn array(&mut self, t: Gc<Table>, n: i64) -> Result<bool, EncodeError> {
        let mark = self.out.len();
        self.out.push(b'[');
        for i in 1..=n {
            let v = t.get_int(i);
            if v.is_nil() {
                self.out.truncate(mark);
                return Ok(false);
            }
            if i > 1 {
                self.out.push(b',');
            }
            self.value(v)?;
        }
        self.out.push(b']');
        Ok(true)
    }

    fn object(&mut self, t: Gc<Table>) -> Result<(), EncodeError> {
        self.out.push(b'{');
        let mut key = Raw::Nil;
        let mut first = true;
        loop {
            let (k, v) = match t.next(key) {
                Ok(Some(kv)) => kv,
                Ok(None) => break,
                // Only a key removed behind the walk's back (by a
                // metamethod, which the walk never calls) gets here.
                Err(()) => return Err(invalid("table changed while encoding".into())),
            };
            if !first {
                self.out.push(b',');
            }
            first = false;
            match k {
                Raw::Str(s) => write_string(self.out, s.as_bytes())?,
                Raw::Int(i) => {
                    self.out.push(b'"');
                    write_int(self.out, i);
                    self.out.push(b'"');
                }
                other => {
                    let what = match other {
                        Raw::Float(_) => "float",
                        Raw::Bool(_) => "boolean",
                        Raw::Table(_) => "table",
                        Raw::LuaFn(_) | Raw::NativeFn(_) | Raw::LightFn(_) => "function",
                        Raw::Thread(_) => "thread",
                        _ => "userdata",
                    };
                    return Err(invalid(format!(
                        "table key must be a string or an integer, got {what}"
                    )));
                }
            }
            self.out.push(b':');
            self.value(v)?;
            key = k;
        }
        self.out.push(b'}');
        Ok(())
    }
}

fn invalid(msg: String) -> EncodeError {
    EncodeError::Invalid(msg)
}

/// An integer in decimal, without going through `fmt`.
fn write_int(out: &mut Vec<u8>, i: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut n = i.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[pos..]);
}

/// A float as the shortest text that reads back as the same float, and
/// as a float: `1.0`, `0.1`, `1e300` (Rust's `Debug` form, which is
/// valid JSON for every finite value).
fn write_float(out: &mut Vec<u8>, f: f64) -> Result<(), EncodeError> {
    if !f.is_finite() {
        let what = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        return Err(invalid(format!("cannot encode {what}")));
    }
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{f:?}");
    Ok(())
}

/// What each byte becomes inside a JSON string: 0 for itself, `u` for a
/// `\u00XX` escape, any other letter for that two-character escape.
static ESCAPES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// A string literal; the bytes must be UTF-8 (JSON text is).
fn write_string(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EncodeError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(invalid("cannot encode a string that is not UTF-8".into()));
    }
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = ESCAPES[b as usize];
        if esc == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if esc == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 15) as usize]);
        } else {
            out.push(b'\\');
            out.push(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
    Ok(())
}
