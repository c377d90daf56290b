//! `string.find`, `match`, `gmatch` and `gsub`: the Lua side of the
//! matcher in `pattern.rs`, plus the expansion of `gsub`'s replacement
//! strings (`%0`-`%9`, `%%`), which needs no VM and is tested on its own.

use super::pattern::{
    CaptureValue, MAX_CAPTURES, Matcher, PATTERN_ESCAPE, PatternError, find_bytes, first_byte,
    has_specials,
};
use super::{check_string_size, posrelat_i};
use lunar_vm::{Error, State, Type, Value};
use std::fmt;

/// An error in a replacement string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplacementError {
    /// A capture reference the match cannot give ("invalid capture index
    /// %2", "unfinished capture").
    Capture(PatternError),
    /// "invalid use of '%' in replacement string"
    InvalidEscape,
}

impl fmt::Display for ReplacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplacementError::Capture(e) => e.fmt(f),
            ReplacementError::InvalidEscape => {
                f.write_str("invalid use of '%' in replacement string")
            }
        }
    }
}

/// Appends replacement string `repl`, with its `%0`-`%9` and `%%` escapes
/// expanded, for the match of `src[s..e]` that `m` holds.
pub fn expand_replacement(
    out: &mut Vec<u8>,
    m: &Matcher<'_>,
    mut repl: &[u8],
    s: usize,
    e: usize,
) -> Result<(), ReplacementError> {
    loop {
        let Some(k) = repl.iter().position(|&c| c == PATTERN_ESCAPE) else {
            out.extend_from_slice(repl);
            return Ok(());
        };
        out.extend_from_slice(&repl[..k]);
        let c = repl.get(k + 1).copied().unwrap_or(0);
        match c {
            PATTERN_ESCAPE => out.push(c),
            b'0' => out.extend_from_slice(&m.src()[s..e]),
            b'1'..=b'9' => match m
                .capture((c - b'1') as usize, s, e)
                .map_err(ReplacementError::Capture)?
            {
                CaptureValue::Text(t) => out.extend_from_slice(t),
                CaptureValue::Position(p) => out.extend_from_slice(p.to_string().as_bytes()),
            },
            _ => return Err(ReplacementError::InvalidEscape),
        }
        repl = &repl[k + 2..];
    }
}

/// Raises a pattern error as `luaL_error` does (with the position).
fn pattern_error(state: &mut State, e: impl fmt::Display) -> Error {
    state.error_str(&e.to_string())
}

/// Capture `i` of a match of `src[s..e]` as a Lua value.
fn capture_value(
    state: &mut State,
    m: &Matcher<'_>,
    i: usize,
    s: usize,
    e: usize,
) -> Result<Value, Error> {
    match m.capture(i, s, e) {
        Err(err) => Err(pattern_error(state, err)),
        Ok(CaptureValue::Position(p)) => Ok(Value::Int(p as i64)),
        Ok(CaptureValue::Text(t)) => Ok(state.str_value(t)),
    }
}

/// Pushes the captures of a match of `src[s..e]` (the whole match when
/// there are none and `whole_if_none` is set); returns how many.
fn push_captures(
    state: &mut State,
    m: &Matcher<'_>,
    s: usize,
    e: usize,
    whole_if_none: bool,
) -> Result<usize, Error> {
    let n = m.capture_count(whole_if_none);
    for i in 0..n {
        let v = capture_value(state, m, i, s, e)?;
        state.push(v);
    }
    Ok(n)
}

/// Splits a leading `^` off a pattern.
fn split_anchor(p: &[u8]) -> (bool, &[u8]) {
    match p.strip_prefix(b"^") {
        Some(rest) => (true, rest),
        None => (false, p),
    }
}

/// `string.find (s, pattern [, init [, plain]])`
pub(crate) fn str_find(state: &mut State) -> Result<usize, Error> {
    find_aux(state, true)
}

/// `string.match (s, pattern [, init])`
pub(crate) fn str_match(state: &mut State) -> Result<usize, Error> {
    find_aux(state, false)
}

fn find_aux(state: &mut State, find: bool) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let p = state.check_string(2)?;
    let i = state.opt_integer(3, 1)?;
    let (src, pat) = (s.as_bytes(), p.as_bytes());
    let init = posrelat_i(i, src.len()) - 1;
    if init > src.len() as i64 {
        // Starts after the end: nothing to find.
        state.push(Value::Nil);
        return Ok(1);
    }
    let init = init as usize;
    if find && (state.arg(4).truthy() || !has_specials(pat)) {
        if let Some(k) = find_bytes(&src[init..], pat) {
            let start = init + k;
            state.push(Value::Int(start as i64 + 1));
            state.push(Value::Int((start + pat.len()) as i64));
            return Ok(2);
        }
    } else {
        let (anchor, pat) = split_anchor(pat);
        let mut m = Matcher::new(src, pat);
        let found = m.find(init, anchor);
        // The matcher's steps are work for the run's budget (limits).
        state.charge(m.steps_used().max(0) as u64)?;
        match found {
            Err(e) => return Err(pattern_error(state, e)),
            Ok(Some((start, end))) => {
                if find {
                    state.push(Value::Int(start as i64 + 1));
                    state.push(Value::Int(end as i64));
                    return Ok(push_captures(state, &m, start, end, false)? + 2);
                }
                return push_captures(state, &m, start, end, true);
            }
            Ok(None) => {}
        }
    }
    state.push(Value::Nil);
    Ok(1)
}

// Upvalues of a gmatch iterator.
const GM_SRC: usize = 1;
const GM_PAT: usize = 2;
/// Where the next match attempt starts (0-based).
const GM_POS: usize = 3;
/// The end of the last match, or -1.
const GM_LAST: usize = 4;
/// Whether a match has been attempted.
const GM_TRIED: usize = 5;

/// `string.gmatch (s, pattern [, init])`
pub(crate) fn str_gmatch(state: &mut State) -> Result<usize, Error> {
    let s = state.check_string(1)?;
    let p = state.check_string(2)?;
    let i = state.opt_integer(3, 1)?;
    let len = s.len() as i64;
    let init = (posrelat_i(i, s.len()) - 1).min(len + 1);
    let f = state.new_native(
        gmatch_next,
        &[
            Value::Str(s),
            Value::Str(p),
            Value::Int(init),
            Value::Int(-1),
            Value::Bool(false),
        ],
    );
    state.push(f);
    Ok(1)
}

/// The iterator `string.gmatch` returns.
fn gmatch_next(state: &mut State) -> Result<usize, Error> {
    let (Value::Str(s), Value::Str(p), Value::Int(pos), Value::Int(last)) = (
        state.upvalue(GM_SRC),
        state.upvalue(GM_PAT),
        state.upvalue(GM_POS),
        state.upvalue(GM_LAST),
    ) else {
        return Ok(0);
    };
    let mut tried = state.upvalue(GM_TRIED).truthy();
    let (src, pat) = (s.as_bytes(), p.as_bytes());
    let mut m = Matcher::new(src, pat);
    let first = first_byte(pat);
    let mut charged = 0u64;
    let mut at = pos.max(0) as usize;
    while at <= src.len() {
        if let Some(first) = first
            && tried
        {
            match src[at..].iter().position(|&c| c == first) {
                None => break,
                Some(k) => at += k,
            }
        }
        if !tried {
            tried = true;
            state.set_upvalue(GM_TRIED, Value::Bool(true));
        }
        m.prepare();
        let r = m.match_at(at);
        let used = m.steps_used().max(0) as u64;
        state.charge(used - charged.min(used) + 1)?;
        charged = used;
        let r = r.map_err(|e| pattern_error(state, e))?;
        if let Some(e) = r
            && e as i64 != last
        {
            state.set_upvalue(GM_POS, Value::Int(e as i64));
            state.set_upvalue(GM_LAST, Value::Int(e as i64));
            return push_captures(state, &m, at, e, true);
        }
        at += 1;
    }
    state.set_upvalue(GM_POS, Value::Int(src.len() as i64 + 1));
    Ok(0)
}

/// `string.gsub (s, pattern, repl [, n])`
pub(crate) fn str_gsub(state: &mut State) -> Result<usize, Error> {
    let src_str = state.check_string(1)?;
    let p = state.check_string(2)?;
    let src = src_str.as_bytes();
    let max_n = state.opt_integer(4, src.len() as i64 + 1)?;
    let repl = state.arg(3);
    let repl_str = match repl.type_of() {
        Type::String | Type::Number => {
            // A number is converted in place, as luaL_checklstring does, so
            // that the string stays referenced from the stack.
            let rs = state.to_str(repl);
            if let Some(rs) = rs {
                state.set_arg(3, Value::Str(rs));
            }
            rs
        }
        Type::Table | Type::Function => None,
        _ => return Err(state.type_error(3, "string/function/table")),
    };
    let (anchor, pat) = split_anchor(p.as_bytes());
    let mut m = Matcher::new(src, pat);
    let first = if anchor { None } else { first_byte(pat) };
    let mut b: Vec<u8> = Vec::new();
    let mut copied = 0; // src[copied..] has not been added to b yet
    let mut changed = false;
    let mut n = 0i64;
    let mut s = 0usize;
    let mut last_match: Option<usize> = None;
    let mut charged = 0u64;
    let mut next_check = 1usize << 16;
    while n < max_n {
        if let Some(first) = first
            && (s > 0 || last_match.is_some())
        {
            // No match can start before the next occurrence of first.
            match src[s..].iter().position(|&c| c == first) {
                None => break,
                Some(k) => s += k,
            }
        }
        m.prepare();
        let r = m.match_at(s);
        // The steps of this attempt and the bytes copied so far are work
        // for the run's budget (limits).
        let used = m.steps_used().max(0) as u64;
        state.charge(used - charged.min(used) + 1)?;
        charged = used;
        if b.len() >= next_check {
            state.check_memory(b.len())?;
            next_check = b.len() + (1 << 16);
        }
        let r = r.map_err(|e| pattern_error(state, e))?;
        match r {
            Some(e) if Some(e) != last_match => {
                n += 1;
                if !changed {
                    b.reserve(src.len() + src.len() / 8 + 16);
                }
                match repl_str {
                    Some(rs) => {
                        b.extend_from_slice(&src[copied..s]);
                        expand_replacement(&mut b, &m, rs.as_bytes(), s, e)
                            .map_err(|err| pattern_error(state, err))?;
                        copied = e;
                        changed = true;
                    }
                    None => {
                        let v = replace_value(state, &m, repl, s, e)?;
                        if v.truthy() {
                            let Some(r) = state.to_str(v) else {
                                let msg =
                                    format!("invalid replacement value (a {})", v.type_name());
                                return Err(state.error_str(&msg));
                            };
                            b.extend_from_slice(&src[copied..s]);
                            b.extend_from_slice(r.as_bytes());
                            copied = e;
                            changed = true;
                        }
                    }
                }
                check_string_size(state, b.len())?;
                s = e;
                last_match = Some(e);
            }
            _ if s < src.len() => s += 1, // no match here: keep the byte
            _ => break,
        }
        if anchor {
            break;
        }
    }
    if changed {
        b.extend_from_slice(&src[copied..]);
        check_string_size(state, b.len())?;
        let v = state.str_value(&b);
        state.push(v);
    } else {
        state.push(Value::Str(src_str));
    }
    state.push(Value::Int(n));
    Ok(2)
}

/// Calls a replacement function with the captures of a match of
/// `src[s..e]`, or indexes a replacement table with its first capture.
fn replace_value(
    state: &mut State,
    m: &Matcher<'_>,
    repl: Value,
    s: usize,
    e: usize,
) -> Result<Value, Error> {
    if let Value::Table(_) = repl {
        let k = capture_value(state, m, 0, s, e)?;
        return state.index(repl, k);
    }
    let mut caps = [Value::Nil; MAX_CAPTURES];
    let n = m.capture_count(true);
    for (i, slot) in caps.iter_mut().enumerate().take(n) {
        *slot = capture_value(state, m, i, s, e)?;
    }
    state.call1(repl, &caps[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// gsub's expansion for one match of `pat` in `src` (the first).
    fn expand(src: &[u8], pat: &[u8], repl: &[u8]) -> Result<String, String> {
        let mut m = Matcher::new(src, pat);
        let (s, e) = m
            .find(0, false)
            .map_err(|e| e.to_string())?
            .expect("a match");
        let mut out = Vec::new();
        expand_replacement(&mut out, &m, repl, s, e).map_err(|e| e.to_string())?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn replacement_expansion() {
        assert_eq!(
            expand(b"hello", b"(h)(e)", b"%2%1%0").as_deref(),
            Ok("ehhe")
        );
        assert_eq!(expand(b"hello", b"l+", b"<%0>").as_deref(), Ok("<ll>"));
        assert_eq!(expand(b"hello", b"l+", b"%1").as_deref(), Ok("ll")); // %1 is the whole match
        assert_eq!(expand(b"hello", b"l+", b"100%%").as_deref(), Ok("100%"));
        assert_eq!(expand(b"hello", b"()ll()", b"%1-%2").as_deref(), Ok("3-5"));
        assert_eq!(expand(b"hello", b"e", b"plain").as_deref(), Ok("plain"));
        assert_eq!(expand(b"hello", b"e", b"").as_deref(), Ok(""));
        assert_eq!(
            expand(b"hello", b"(e)", b"%2"),
            Err("invalid capture index %2".into())
        );
        assert_eq!(
            expand(b"hello", b"e", b"%2"),
            Err("invalid capture index %2".into())
        );
        assert_eq!(
            expand(b"hello", b"e", b"%x"),
            Err("invalid use of '%' in replacement string".into())
        );
        assert_eq!(
            expand(b"hello", b"e", b"abc%"),
            Err("invalid use of '%' in replacement string".into())
        );
    }
}
