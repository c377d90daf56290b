//! The string library (§6.4): the `string` table, the metatable shared by
//! all strings (its `__index` is the string table, and its arithmetic
//! metamethods convert strings to numbers, §3.4.3), and the simple
//! functions. The engines live beside it, each testable without a VM:
//! `pattern.rs` (matching), `matching.rs` (find, match, gmatch, gsub),
//! `format.rs` (`string.format`) and `pack.rs` (`string.pack`).

pub mod format;
pub mod matching;
pub mod pack;
pub mod pattern;
#[cfg(test)]
mod vm_tests;

use lunar_vm::api::ArithOp;
use lunar_vm::{Error, NativeFn, State, Type, Value};

/// The largest string `string.rep`, `string.pack` and `string.format`
/// build: the reference's `MAXSIZE` for the string library (`INT_MAX`).
pub const MAX_STRING_SIZE: usize = i32::MAX as usize;

/// Bound on how many values one call may push (`string.byte`,
/// `string.unpack`), below the Lua stack's limit of one million slots; past
/// it the reference fails with "stack overflow".
pub const MAX_RESULTS: usize = 999_000;

/// The functions of the `string` table.
const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("byte", str_byte),
    ("char", str_char),
    ("dump", str_dump),
    ("find", matching::str_find),
    ("format", format::str_format),
    ("gmatch", matching::str_gmatch),
    ("gsub", matching::str_gsub),
    ("len", str_len),
    ("lower", str_lower),
    ("match", matching::str_match),
    ("pack", pack::str_pack),
    ("packsize", pack::str_packsize),
    ("rep", str_rep),
    ("reverse", str_reverse),
    ("sub", str_sub),
    ("unpack", pack::str_unpack),
    ("upper", str_upper),
];

/// Opens the string library: sets the global `string` (also registered
/// in the registry's `_LOADED`), the metatable of strings, and the loader
/// of the binary chunks `string.dump` makes (as the Go version did).
pub fn open_string(state: &mut State) {
    let t = crate::table::new_lib(state, "string", FUNCTIONS);
    let mt = state.new_table(0, ARITH_EVENTS.len() + 1);
    crate::table::set_fields(state, mt, &[], ARITH_EVENTS);
    state.set_field(mt, "__index", Value::Table(t));
    state.set_type_metatable(Type::String, Some(mt));
    state.set_undump(undump_chunk);
}

/// Fails when a string of `n` bytes may not be built.
///
/// API need: the Go version checked the state's string size limit here
/// (`Thread.CheckStringSize`, a `LimitError` the script cannot catch); the
/// native API has no such check yet, so only the library's own bound
/// applies.
pub(crate) fn check_string_size(state: &mut State, n: usize) -> Result<(), Error> {
    if n > MAX_STRING_SIZE {
        return Err(state.error_str("resulting string too large"));
    }
    // A string of n bytes is about to be built: it must fit the memory
    // limit. (Callers check as their buffer grows, so the work of copying
    // is charged by the few that build in one go: `string.rep`.)
    state.check_memory(n)
}

/// Turns a start position into a 1-based index: negative counts from the
/// end, and positions before the start clip to 1.
pub(crate) fn posrelat_i(pos: i64, len: usize) -> i64 {
    let l = len as i64;
    if pos > 0 {
        pos
    } else if pos == 0 || pos < -l {
        1
    } else {
        l + pos + 1
    }
}

/// Turns an end position into an index in `[0, len]`.
pub(crate) fn get_end_pos(pos: i64, len: usize) -> i64 {
    let l = len as i64;
    if pos > l {
        l
    } else if pos >= 0 {
        pos
    } else if pos < -l {
        0
    } else {
        l + pos + 1
    }
}

/// Pushes a new string.
fn push_bytes(state: &mut State, b: &[u8]) -> Result<usize, Error> {
    check_string_size(state, b.len())?;
    let v = state.str_value(b);
    state.push(v);
    Ok(1)
}

/// `string.len (s)`
fn str_len(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    state.push(Value::Int(s.len() as i64));
    Ok(1)
}

/// `string.sub (s, i [, j])`
fn str_sub(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let i = state.check_integer(2)?;
    let j = state.opt_integer(3, -1)?;
    let (start, end) = (posrelat_i(i, s.len()), get_end_pos(j, s.len()));
    if start > end {
        push_bytes(state, b"")
    } else if start == 1 && end == s.len() as i64 {
        state.push(Value::Str(s));
        Ok(1)
    } else {
        push_bytes(state, &s.as_bytes()[start as usize - 1..end as usize])
    }
}

/// `string.byte (s [, i [, j]])`
fn str_byte(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let pi = state.opt_integer(2, 1)?;
    let pj = state.opt_integer(3, pi)?;
    let pose = get_end_pos(pj, s.len());
    let posi = posrelat_i(pi, s.len());
    if posi > pose {
        return Ok(0);
    }
    if pose - posi >= i32::MAX as i64 {
        return Err(state.error_str("string slice too long"));
    }
    let n = (pose - posi) as usize + 1;
    if n > MAX_RESULTS {
        return Err(state.error_str("stack overflow (string slice too long)"));
    }
    for &c in &s.as_bytes()[posi as usize - 1..pose as usize] {
        state.push(Value::Int(c as i64));
    }
    Ok(n)
}

/// `string.char (···)`
fn str_char(state: &mut State) -> Result<usize, Error> {
    let n = state.arg_count();
    let mut b = Vec::with_capacity(n);
    for i in 1..=n {
        let c = state.check_integer(i)?;
        let Ok(c) = u8::try_from(c) else {
            return Err(state.arg_error(i, "value out of range"));
        };
        b.push(c);
    }
    push_bytes(state, &b)
}

/// `string.rep (s, n [, sep])`
fn str_rep(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let n = state.check_integer(2)?;
    let sep = state.opt_string(3)?;
    let (s, sep) = (
        s.as_bytes(),
        sep.as_ref().map_or(&b""[..], |x| x.as_bytes()),
    );
    if n <= 0 || s.len() + sep.len() == 0 {
        return push_bytes(state, b"");
    }
    if (s.len() + sep.len()) as u64 > (MAX_STRING_SIZE as u64) / n as u64 {
        return Err(state.error_str("resulting string too large"));
    }
    let n = n as usize;
    let total = n * s.len() + (n - 1) * sep.len();
    check_string_size(state, total)?;
    // Copying is work for the run's budget (limits): 64 bytes a unit.
    state.charge(total as u64 / 64)?;
    let mut b = Vec::with_capacity(total);
    for _ in 1..n {
        b.extend_from_slice(s);
        b.extend_from_slice(sep);
    }
    b.extend_from_slice(s);
    push_bytes(state, &b)
}

/// `string.reverse (s)`
fn str_reverse(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let mut b = s.as_bytes().to_vec();
    b.reverse();
    push_bytes(state, &b)
}

/// `string.lower (s)`
fn str_lower(state: &mut State) -> Result<usize, Error> {
    map_ascii(state, u8::is_ascii_uppercase, u8::to_ascii_lowercase)
}

/// `string.upper (s)`
fn str_upper(state: &mut State) -> Result<usize, Error> {
    map_ascii(state, u8::is_ascii_lowercase, u8::to_ascii_uppercase)
}

/// Case mapping in the C locale: converts the bytes of argument 1 that
/// `applies` to with `map`, reusing the argument when none does.
fn map_ascii(
    state: &mut State,
    applies: fn(&u8) -> bool,
    map: fn(&u8) -> u8,
) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    if !s.as_bytes().iter().any(applies) {
        state.push(Value::Str(s));
        return Ok(1);
    }
    let b: Vec<u8> = s.as_bytes().iter().map(map).collect();
    push_bytes(state, &b)
}

/// `string.dump (function [, strip])`
fn str_dump(state: &mut State) -> Result<usize, Error> {
    let f = state.check_type(1, Type::Function)?;
    let strip = state.arg(2).truthy();
    match dump_function(f, strip) {
        Some(data) => push_bytes(state, &data),
        None => Err(state.error_str("unable to dump given function")),
    }
}

/// The binary chunk of a Lua function, `None` for a native one.
fn dump_function(f: Value, strip: bool) -> Option<Vec<u8>> {
    match f {
        Value::LuaFn(c) => Some(lunar_compile::chunk::dump(c.proto(), strip)),
        _ => None,
    }
}

/// The loader of binary chunks that `load` uses (the chunks
/// `string.dump` makes). The VM puts the chunk's name before the message.
fn undump_chunk(data: &[u8]) -> Result<std::sync::Arc<lunar_compile::Proto>, String> {
    lunar_compile::chunk::undump(data, b"").map_err(|e| format!("bad binary format ({})", e.why))
}

// ---------------------------------------------------------------------------
// Arithmetic metamethods of strings (§3.4.3)

/// Defines the metamethod of one arithmetic event.
macro_rules! string_arith {
    ($($name:ident => $op:expr, $event:literal;)*) => {
        $(
            #[doc = concat!("The `", $event, "` metamethod of strings.")]
            fn $name(state: &mut State) -> Result<usize, Error> {
                string_arith(state, $op, $event)
            }
        )*
        /// The arithmetic events of the string metatable.
        const ARITH_EVENTS: &[(&str, NativeFn)] = &[$(($event, $name)),*];
    };
}

string_arith! {
    arith_add => ArithOp::Add, "__add";
    arith_sub => ArithOp::Sub, "__sub";
    arith_mul => ArithOp::Mul, "__mul";
    arith_mod => ArithOp::Mod, "__mod";
    arith_pow => ArithOp::Pow, "__pow";
    arith_div => ArithOp::Div, "__div";
    arith_idiv => ArithOp::IDiv, "__idiv";
    arith_unm => ArithOp::Unm, "__unm";
}

/// Converts both operands to numbers and applies `op`, else tries the
/// second operand's own metamethod (the reference's `trymt`).
fn string_arith(state: &mut State, op: ArithOp, event: &str) -> Result<usize, Error> {
    let (a, b) = (state.arg(1), state.arg(2));
    if let Some(x) = state.to_number(a) {
        // The reference converts the second operand after pushing the
        // first, which it finds there when there is only one argument.
        let y = if state.arg_count() == 1 {
            Some(x)
        } else {
            state.to_number(b)
        };
        if let Some(y) = y {
            let r = state.arith(op, x, y)?;
            state.push(r);
            return Ok(1);
        }
    }
    let h = if matches!(b, Value::Str(_)) {
        Value::Nil
    } else {
        state.metafield(b, event)
    };
    if h.is_nil() {
        let msg = format!(
            "attempt to {} a '{}' with a '{}'",
            &event[2..],
            a.type_name(),
            b.type_name()
        );
        return Err(state.error_str(&msg));
    }
    let r = state.call1(h, &[a, b])?;
    state.push(r);
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        // posrelat_i: start positions.
        assert_eq!(posrelat_i(3, 5), 3);
        assert_eq!(posrelat_i(10, 5), 10);
        assert_eq!(posrelat_i(0, 5), 1);
        assert_eq!(posrelat_i(-1, 5), 5);
        assert_eq!(posrelat_i(-5, 5), 1);
        assert_eq!(posrelat_i(-6, 5), 1);
        assert_eq!(posrelat_i(i64::MIN, 5), 1);
        // get_end_pos: end positions clip to [0, len].
        assert_eq!(get_end_pos(3, 5), 3);
        assert_eq!(get_end_pos(10, 5), 5);
        assert_eq!(get_end_pos(0, 5), 0);
        assert_eq!(get_end_pos(-1, 5), 5);
        assert_eq!(get_end_pos(-5, 5), 1);
        assert_eq!(get_end_pos(-6, 5), 0);
        assert_eq!(get_end_pos(i64::MIN, 5), 0);
        assert_eq!(get_end_pos(i64::MAX, 0), 0);
    }

    #[test]
    fn library_lists_every_function_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|&(n, _)| n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 17);
        let events: Vec<&str> = ARITH_EVENTS.iter().map(|&(e, _)| e).collect();
        assert_eq!(
            events,
            [
                "__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv", "__unm"
            ]
        );
    }
}
