//! Metamethods (§2.4) and the slow paths of the operators: metatable
//! lookup, `__index`/`__newindex` chains, arithmetic with string coercion
//! and metamethods, comparisons, equality, length and concatenation.
//!
//! Each operation that may call a metamethod takes `lp: Option<usize>`:
//! `None` when called from native code (a metamethod runs in a nested call
//! and its result is returned), `Some(at)` when called from the dispatch
//! loop: a metamethod call is then pushed at stack index `at` as a frame
//! flagged `F_FINISH` and `None`/`true` is returned; the loop switches to
//! that frame, and when it returns `finish_op` completes the interrupted
//! instruction (so a coroutine may yield inside the metamethod).

use crate::error::Error;
use crate::gc::Gc;
use crate::state::{EXTRA_STACK, F_FINISH, F_LEQ, State};
use crate::table::Table;
use crate::value::Value;
use lunar_compile::TagMethod;

/// Bound of `__index`/`__newindex` chains (MAXTAGLOOP).
pub(crate) const MAX_TAG_LOOP: usize = 2000;

// ----- number arithmetic (§3.4.1) -----

/// Lua's integer floor division; `b` must not be 0.
#[inline]
pub(crate) fn int_floor_div(a: i64, b: i64) -> i64 {
    if b == -1 {
        return a.wrapping_neg();
    }
    let q = a / b;
    if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// Lua's integer modulo; `b` must not be 0.
#[inline]
pub(crate) fn int_mod(a: i64, b: i64) -> i64 {
    if b == -1 {
        return 0;
    }
    let r = a % b;
    if r != 0 && (r ^ b) < 0 { r + b } else { r }
}

/// Lua's float modulo (`luai_nummod`: C's fmod, adjusted to the
/// divisor's sign).
#[inline]
pub(crate) fn float_mod(a: f64, b: f64) -> f64 {
    crate::number::float_mod(a, b)
}

/// Lua's `^` (C's pow, which Rust's `powf` calls).
#[inline]
pub(crate) fn float_pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

/// Logical shift left (right for negative `n`).
#[inline]
pub(crate) fn shift_left(x: i64, n: i64) -> i64 {
    if n <= -64 || n >= 64 {
        0
    } else if n >= 0 {
        ((x as u64) << n) as i64
    } else {
        ((x as u64) >> (-n)) as i64
    }
}

/// A float with an exact integer value as an integer (bitwise operands).
#[inline]
pub(crate) fn to_int_strict(v: Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(i),
        Value::Float(f) => crate::number::float_to_int_exact(f),
        _ => None,
    }
}

/// A number from a string (§3.4.3), or `None`.
pub(crate) fn str_to_number(b: &[u8]) -> Option<Value> {
    match lunar_syntax::str_to_number(b)? {
        lunar_syntax::Number::Int(i) => Some(Value::Int(i)),
        lunar_syntax::Number::Float(f) => Some(Value::Float(f)),
    }
}

/// A number from a number or a numeric string.
#[inline]
pub(crate) fn to_number(v: Value) -> Option<Value> {
    match v {
        Value::Int(_) | Value::Float(_) => Some(v),
        Value::Str(s) => str_to_number(s.as_bytes()),
        _ => None,
    }
}

/// A float from a number or a numeric string.
#[inline]
pub(crate) fn to_float(v: Value) -> Option<f64> {
    match to_number(v)? {
        Value::Int(i) => Some(i as f64),
        Value::Float(f) => Some(f),
        _ => None,
    }
}

fn is_bitwise(tm: TagMethod) -> bool {
    matches!(
        tm,
        TagMethod::BAnd
            | TagMethod::BOr
            | TagMethod::BXor
            | TagMethod::Shl
            | TagMethod::Shr
            | TagMethod::BNot
    )
}

/// Arithmetic on two numbers (no strings); `Err(())` for an integer
/// division by zero.
#[inline]
pub(crate) fn arith_numbers(tm: TagMethod, a: Value, b: Value) -> Result<Option<Value>, bool> {
    use TagMethod as T;
    if is_bitwise(tm) {
        let (Some(x), Some(y)) = (to_int_strict(a), to_int_strict(b)) else {
            return Ok(None);
        };
        return Ok(Some(Value::Int(match tm {
            T::BAnd => x & y,
            T::BOr => x | y,
            T::BXor => x ^ y,
            T::Shl => shift_left(x, y),
            T::Shr => {
                if y == i64::MIN {
                    0
                } else {
                    shift_left(x, -y)
                }
            }
            _ => !x,
        })));
    }
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(Some(match tm {
            T::Add => Value::Int(x.wrapping_add(y)),
            T::Sub => Value::Int(x.wrapping_sub(y)),
            T::Mul => Value::Int(x.wrapping_mul(y)),
            T::Mod => {
                if y == 0 {
                    return Err(true);
                }
                Value::Int(int_mod(x, y))
            }
            T::IDiv => {
                if y == 0 {
                    return Err(false);
                }
                Value::Int(int_floor_div(x, y))
            }
            T::Unm => Value::Int(x.wrapping_neg()),
            T::Pow => Value::Float(float_pow(x as f64, y as f64)),
            T::Div => Value::Float(x as f64 / y as f64),
            _ => return Ok(None),
        }));
    }
    let x = match a {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => return Ok(None),
    };
    let y = match b {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        _ => return Ok(None),
    };
    Ok(Some(Value::Float(match tm {
        T::Add => x + y,
        T::Sub => x - y,
        T::Mul => x * y,
        T::Div => x / y,
        T::Mod => float_mod(x, y),
        T::IDiv => (x / y).floor(),
        T::Pow => float_pow(x, y),
        T::Unm => -x,
        _ => return Ok(None),
    })))
}

pub(crate) use crate::number::{le_num, lt_num};

impl State {
    /// The metatable of any value.
    #[inline]
    pub(crate) fn mt_of(&self, v: Value) -> Option<Gc<Table>> {
        match v {
            Value::Table(t) => t.metatable(),
            Value::UserData(u) => u.metatable.get(),
            _ => self.type_mt(v.type_of()),
        }
    }

    /// The handler for event `e` of value `v`, or nil.
    #[inline]
    pub(crate) fn tm(&self, v: Value, e: TagMethod) -> Value {
        match self.mt_of(v) {
            Some(mt) => mt
                .fast_metamethod(e, self.tm_names[e as usize])
                .unwrap_or(Value::Nil),
            None => Value::Nil,
        }
    }

    /// Calls metamethod `f` with `args`: from the loop (`lp` = Some(at)),
    /// pushed as a finishing frame at `at` (returns `None`); else nested,
    /// returning the first result.
    pub(crate) fn call_tm(
        &mut self,
        lp: Option<usize>,
        f: Value,
        args: &[Value],
        nres: i32,
    ) -> Result<Option<Value>, Error> {
        match lp {
            Some(at) => {
                // A metamethod call counts as a native level, as the
                // reference runs it in a nested luaV_execute.
                if self.n_ccalls + 1 >= crate::state::MAX_CCALLS {
                    return Err(self.runtime_error("C stack overflow"));
                }
                self.ensure_stack(at + args.len() + 1 + EXTRA_STACK)?;
                self.th.stack[at] = f;
                self.th.stack[at + 1..at + 1 + args.len()].copy_from_slice(args);
                self.th.top = at + 1 + args.len();
                self.n_ccalls += 1;
                self.precall(at, nres, F_FINISH)?;
                Ok(None)
            }
            None => {
                let at = self.th.high_water().max(self.th.top);
                self.ensure_stack(at + args.len() + 1 + EXTRA_STACK)?;
                self.th.stack[at] = f;
                self.th.stack[at + 1..at + 1 + args.len()].copy_from_slice(args);
                self.th.top = at + 1 + args.len();
                let saved = self.th.top;
                let _ = saved;
                self.call_at(at, nres.max(0))?;
                let v = if nres > 0 {
                    self.th.stack[at]
                } else {
                    Value::Nil
                };
                self.th.top = at;
                Ok(Some(v))
            }
        }
    }

    /// `obj[key]` after the fast path failed: `__index` chains.
    pub(crate) fn get_slow(
        &mut self,
        obj: Value,
        key: Value,
        lp: Option<usize>,
    ) -> Result<Option<Value>, Error> {
        let mut t = obj;
        for _ in 0..MAX_TAG_LOOP {
            let h;
            if let Value::Table(tt) = t {
                let v = match key {
                    Value::Str(s) => tt.get_str(s),
                    Value::Int(i) => tt.get_int(i),
                    _ => tt.get(key),
                };
                if !v.is_nil() {
                    return Ok(Some(v));
                }
                h = match tt.metatable() {
                    Some(mt) => mt
                        .fast_metamethod(TagMethod::Index, self.tm_names[0])
                        .unwrap_or(Value::Nil),
                    None => Value::Nil,
                };
                if h.is_nil() {
                    return Ok(Some(Value::Nil));
                }
            } else {
                h = self.tm(t, TagMethod::Index);
                if h.is_nil() {
                    return Err(self.index_error(t, key));
                }
            }
            if matches!(h, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)) {
                return self.call_tm(lp, h, &[t, key], 1);
            }
            t = h;
        }
        Err(self.runtime_error("'__index' chain too long; possible loop"))
    }

    /// `obj[key] = v` after the fast path failed: `__newindex` chains.
    /// Returns true when a metamethod frame was pushed (loop mode).
    pub(crate) fn set_slow(
        &mut self,
        obj: Value,
        key: Value,
        v: Value,
        lp: Option<usize>,
    ) -> Result<bool, Error> {
        let mut t = obj;
        for _ in 0..MAX_TAG_LOOP {
            let h;
            if let Value::Table(tt) = t {
                let Some(mt) = tt.metatable() else {
                    // No `__newindex` to consult: one raw set, present key
                    // or new (a constructor's fields come here).
                    match key {
                        Value::Str(s) => tt.set_str_fill(&mut self.heap, s, v),
                        _ => self.raw_set_checked(tt, key, v)?,
                    }
                    return Ok(false);
                };
                if tt.replace(key, v) {
                    return Ok(false);
                }
                h = mt
                    .fast_metamethod(TagMethod::NewIndex, self.tm_names[1])
                    .unwrap_or(Value::Nil);
                if h.is_nil() {
                    self.raw_set_checked(tt, key, v)?;
                    return Ok(false);
                }
            } else {
                h = self.tm(t, TagMethod::NewIndex);
                if h.is_nil() {
                    return Err(self.index_error(t, key));
                }
            }
            if matches!(h, Value::LuaFn(_) | Value::NativeFn(_) | Value::LightFn(_)) {
                self.call_tm(lp, h, &[t, key, v], 0)?;
                return Ok(lp.is_some());
            }
            t = h;
        }
        Err(self.runtime_error("'__newindex' chain too long; possible loop"))
    }

    /// Raw set with the key errors raised.
    pub(crate) fn raw_set_checked(
        &mut self,
        t: Gc<Table>,
        key: Value,
        v: Value,
    ) -> Result<(), Error> {
        match t.set(&mut self.heap, key, v) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.runtime_error(e.message())),
        }
    }

    /// Arithmetic/bitwise event `tm` over `a` and `b` (`ra`/`rb` their
    /// registers, for messages) with coercions and metamethods.
    pub(crate) fn arith_slow(
        &mut self,
        tm: TagMethod,
        a: Value,
        b: Value,
        ra: Option<usize>,
        rb: Option<usize>,
        lp: Option<usize>,
    ) -> Result<Option<Value>, Error> {
        let both_numbers = matches!(a, Value::Int(_) | Value::Float(_))
            && matches!(b, Value::Int(_) | Value::Float(_));
        if !both_numbers {
            let mut h = self.tm(a, tm);
            if h.is_nil() {
                h = self.tm(b, tm);
            }
            if !h.is_nil() {
                return self.call_tm(lp, h, &[a, b], 1);
            }
        }
        // Strings convert for arithmetic (the string library's
        // metamethods do it in the reference), not for bitwise operators.
        let (x, y) = if is_bitwise(tm) {
            (a, b)
        } else {
            (to_number(a).unwrap_or(a), to_number(b).unwrap_or(b))
        };
        match arith_numbers(tm, x, y) {
            Ok(Some(v)) => Ok(Some(v)),
            Ok(None) => Err(self.arith_error(tm, a, b, ra, rb)),
            Err(is_mod) => Err(self.div_by_zero(is_mod)),
        }
    }

    #[cold]
    pub(crate) fn div_by_zero(&mut self, is_mod: bool) -> Error {
        if is_mod {
            self.runtime_error("attempt to perform 'n%0'")
        } else {
            self.runtime_error("attempt to divide by zero")
        }
    }

    #[cold]
    fn arith_error(
        &mut self,
        tm: TagMethod,
        a: Value,
        b: Value,
        ra: Option<usize>,
        rb: Option<usize>,
    ) -> Error {
        let (an, bn) = if is_bitwise(tm) {
            let strict = |v: Value| {
                if matches!(v, Value::Int(_) | Value::Float(_)) {
                    Some(v)
                } else {
                    None
                }
            };
            (strict(a), strict(b))
        } else {
            (to_number(a), to_number(b))
        };
        if is_bitwise(tm) && an.is_some() && bn.is_some() {
            let reg = if an.and_then(to_int_strict).is_none() {
                ra
            } else {
                rb
            };
            let msg = format!("number{} has no integer representation", self.var_info(reg));
            return self.runtime_error(&msg);
        }
        let (bad, reg) = if an.is_none() { (a, ra) } else { (b, rb) };
        if is_bitwise(tm) {
            // Strings that are not numbers are "arithmetic" errors only
            // when they are numbers; otherwise bitwise.
            self.type_error_reg(bad, reg, "perform bitwise operation on")
        } else {
            self.type_error_reg(bad, reg, "perform arithmetic on")
        }
    }

    /// `a < b` (`le`: `a <= b`) after the number fast path.
    pub(crate) fn less_slow(
        &mut self,
        a: Value,
        b: Value,
        le: bool,
        lp: Option<usize>,
    ) -> Result<Option<bool>, Error> {
        if let Some(r) = if le { le_num(a, b) } else { lt_num(a, b) } {
            return Ok(Some(r));
        }
        if let (Value::Str(x), Value::Str(y)) = (a, b) {
            let o = x.as_bytes().cmp(y.as_bytes());
            return Ok(Some(if le { o.is_le() } else { o.is_lt() }));
        }
        let e = if le { TagMethod::Le } else { TagMethod::Lt };
        let mut h = self.tm(a, e);
        if h.is_nil() {
            h = self.tm(b, e);
        }
        if h.is_nil() {
            if le {
                return self.le_by_lt(a, b, lp);
            }
            return Err(self.compare_error(a, b));
        }
        Ok(self.call_tm(lp, h, &[a, b], 1)?.map(|v| v.truthy()))
    }

    /// `a <= b` without a `__le` metamethod: `not (b < a)` with `__lt`, as
    /// the reference does when built with LUA_COMPAT_5_3 (its default
    /// makefile, and lua5.4's), which also gives the math library the
    /// compatibility functions this one has.
    #[cold]
    fn le_by_lt(&mut self, a: Value, b: Value, lp: Option<usize>) -> Result<Option<bool>, Error> {
        let mut h = self.tm(b, TagMethod::Lt);
        if h.is_nil() {
            h = self.tm(a, TagMethod::Lt);
        }
        if h.is_nil() {
            return Err(self.compare_error(a, b));
        }
        // A call pushed as a frame of the loop finishes the instruction
        // when it returns (maybe after yields): the mark on the comparing
        // frame tells `finish_op` to negate the result. It is set before
        // the call, which finishes at once when `h` is native.
        let fi = self.th.frames.len().wrapping_sub(1);
        if lp.is_some() {
            self.th.frames[fi].flags |= F_LEQ;
        }
        match self.call_tm(lp, h, &[b, a], 1) {
            Ok(r) => Ok(r.map(|v| !v.truthy())),
            Err(e) => {
                if lp.is_some() && fi < self.th.frames.len() {
                    self.th.frames[fi].flags &= !F_LEQ;
                }
                Err(e)
            }
        }
    }

    #[cold]
    pub(crate) fn compare_error(&mut self, a: Value, b: Value) -> Error {
        let t1 = self.type_name_meta(a);
        let t2 = self.type_name_meta(b);
        if t1 == t2 {
            self.runtime_error(&format!("attempt to compare two {t1} values"))
        } else {
            self.runtime_error(&format!("attempt to compare {t1} with {t2}"))
        }
    }

    /// `a == b` with `__eq`.
    pub(crate) fn equals_slow(
        &mut self,
        a: Value,
        b: Value,
        lp: Option<usize>,
    ) -> Result<Option<bool>, Error> {
        if a.raw_eq(&b) {
            return Ok(Some(true));
        }
        let same_kind = matches!(
            (a, b),
            (Value::Table(_), Value::Table(_)) | (Value::UserData(_), Value::UserData(_))
        );
        if !same_kind {
            return Ok(Some(false));
        }
        let mut h = self.tm(a, TagMethod::Eq);
        if h.is_nil() {
            h = self.tm(b, TagMethod::Eq);
        }
        if h.is_nil() {
            return Ok(Some(false));
        }
        Ok(self.call_tm(lp, h, &[a, b], 1)?.map(|v| v.truthy()))
    }

    /// `#v` with `__len`.
    pub(crate) fn len_slow(
        &mut self,
        v: Value,
        reg: Option<usize>,
        lp: Option<usize>,
    ) -> Result<Option<Value>, Error> {
        let h = self.tm(v, TagMethod::Len);
        if !h.is_nil() {
            return self.call_tm(lp, h, &[v, v], 1);
        }
        match v {
            Value::Table(t) => Ok(Some(Value::Int(t.len()))),
            Value::Str(s) => Ok(Some(Value::Int(s.len() as i64))),
            _ => Err(self.type_error_reg(v, reg, "get length of")),
        }
    }

    /// Concatenates the `n` values at stack indices `first..first+n` into
    /// `first` (§3.4.6). Loop mode: on a metamethod call, stores the count
    /// still to concatenate in the frame and returns true.
    pub(crate) fn concat_values(
        &mut self,
        first: usize,
        mut n: usize,
        lp: Option<usize>,
    ) -> Result<bool, Error> {
        while n > 1 {
            let top = first + n;
            let a = self.th.stack[top - 2];
            let b = self.th.stack[top - 1];
            let is_sn = |v: &Value| matches!(v, Value::Str(_) | Value::Int(_) | Value::Float(_));
            if is_sn(&a) && is_sn(&b) {
                let mut cnt = 2;
                while cnt < n && is_sn(&self.th.stack[top - cnt - 1]) {
                    cnt += 1;
                }
                let mut buf: Vec<u8> = Vec::new();
                for j in top - cnt..top {
                    match self.th.stack[j] {
                        Value::Str(s) => buf.extend_from_slice(s.as_bytes()),
                        v => buf.extend_from_slice(&crate::api::number_to_bytes(v)),
                    }
                }
                let s = self.heap.new_str_from_vec(buf);
                self.th.stack[top - cnt] = Value::Str(s);
                n -= cnt - 1;
                continue;
            }
            let mut h = self.tm(a, TagMethod::Concat);
            if h.is_nil() {
                h = self.tm(b, TagMethod::Concat);
            }
            if h.is_nil() {
                let (bad, idx) = if is_sn(&a) {
                    (b, top - 1)
                } else {
                    (a, top - 2)
                };
                let reg = self.reg_of(idx);
                return Err(self.type_error_reg(bad, reg, "concatenate"));
            }
            if lp.is_some() {
                let fi = self.th.frames.len() - 1;
                self.th.frames[fi].aux = n as u32;
            }
            match self.call_tm(lp, h, &[a, b], 1)? {
                None => return Ok(true),
                Some(v) => {
                    self.th.stack[top - 2] = v;
                    n -= 1;
                }
            }
        }
        Ok(false)
    }
}
