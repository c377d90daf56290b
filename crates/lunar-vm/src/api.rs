//! The native-function API: what native functions (the standard library,
//! hosts' functions) use to read arguments, raise errors, make values, call
//! Lua, and use metamethod-aware operations. Modelled on the reference's
//! `lua.h`/`lauxlib.h`, in Rust terms. Argument numbers are 1-based.
//!
//! THIS FILE IS A CONTRACT between the VM and the library writers: add to
//! it freely, change a signature only with everyone's agreement.
//!
//! # Calling Lua from a native function
//! - `State::call`/`call1`/`call_push`/`pcall` run the callee in a nested
//!   run of the dispatch loop and return its results. Simple, but a
//!   coroutine cannot yield inside such a call ("attempt to yield across
//!   a C-call boundary"), and each nesting counts toward the limit of 200
//!   ("C stack overflow").
//! - `State::call_k`/`pcall_k` (the reference's `lua_callk`/`lua_pcallk`,
//!   always taking the continuation path): the native puts the function
//!   and its arguments on its stack, then returns
//!   `state.call_k(func_arg, nresults, ctx, k)`. The VM runs the call as
//!   a frame of the same loop (so coroutines may yield inside it) and,
//!   when it returns, calls `k(state, ok, ctx)` as the rest of the native
//!   function, with the call's results from argument `func_arg` to the
//!   top (or, for `pcall_k` after an error, the error value alone); what
//!   `k` returns is what the native returns. `k` may itself end with
//!   another `call_k`. pcall, xpcall, pairs (`__pairs`) and dofile use it.
//! - `State::begin_order_calls`/`call_order`/`end_order_calls`: a nested
//!   call made many times (`table.sort`'s comparator), the nesting
//!   counted once for all of them.
//!
//! # Coroutines
//! `State::new_thread(f)`, `State::resume(co, args)` (values yielded or
//! returned, or `Err(error value)`), `State::yield_values()` (a native
//! ends with `Err(state.yield_values())`: its arguments are yielded and
//! the values of the next resume become its results),
//! `State::thread_status`, `State::close_thread`, `State::is_yieldable`,
//! `State::current_thread`, `State::main_thread`.
//!
//! # Hosts
//! `State::do_string` and `State::call_traceback` run code from the host
//! with the error message and the traceback taken at the error point;
//! `State::pcall` with no frame running is a host call too. A panic in
//! native code is caught there and the state refuses further use.

use crate::error::Error;
use crate::function::{NativeClosure, NativeFn};
use crate::gc::Gc;
use crate::state::State;
use crate::state::{EXTRA_STACK, MAX_STACK, MIN_STACK};
use crate::string::LuaStr;
use crate::table::Table;
use crate::userdata::UserData;
use crate::value::{Type, Value};
use std::io::Write;

/// The arithmetic and bitwise operators (`State::arith`), in the
/// reference's order (LUA_OPADD…).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// `/`
    Div,
    /// `//`
    IDiv,
    /// `&`
    BAnd,
    /// `|`
    BOr,
    /// `~` (binary)
    BXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// unary `-`
    Unm,
    /// unary `~`
    BNot,
}

/// A number's text as `tostring` gives it ("%.14g" for floats, "1.0"
/// style for integral floats, decimal for integers).
pub fn number_to_bytes(v: Value) -> Vec<u8> {
    crate::number::fmt_number(v)
}

/// A continuation of a native function, see [`State::call_k`].
pub use crate::state::ContFn;

impl State {
    // ----- arguments and results of the running native function -----

    #[inline]
    fn native_base(&self) -> usize {
        self.th.frames.last().map(|f| f.base()).unwrap_or(0)
    }

    /// Number of arguments of the running native function.
    pub fn arg_count(&self) -> usize {
        let f = self.th.frames.last().unwrap();
        f.aux as usize
    }
    /// Argument `n` (1-based); `Value::Nil` past the last one.
    #[inline]
    pub fn arg(&self, n: usize) -> Value {
        let i = self.native_base() + n - 1;
        if n >= 1 && i < self.th.top {
            self.th.stack[i]
        } else {
            Value::Nil
        }
    }
    /// Replaces argument `n` (e.g. after a conversion), if it exists.
    pub fn set_arg(&mut self, n: usize, v: Value) {
        let i = self.native_base() + n - 1;
        if n >= 1 && i < self.th.top {
            self.th.stack[i] = v;
        }
    }
    /// Pushes a result (or a temporary) on the running function's stack.
    #[inline]
    pub fn push(&mut self, v: Value) {
        if self.th.top + EXTRA_STACK >= self.th.stack.len()
            && self.ensure_stack(self.th.top + MIN_STACK).is_err()
        {
            return;
        }
        self.th.stack[self.th.top] = v;
        self.th.top += 1;
    }
    /// Makes room for `n` more values on the running function's stack,
    /// as `lua_checkstack` does: false when that would pass the stack
    /// limit (the values in use, the extra slots and `n` together).
    pub fn check_stack(&mut self, n: usize) -> bool {
        let in_use = self.th.top + EXTRA_STACK;
        if in_use > MAX_STACK || n > MAX_STACK - in_use {
            return false;
        }
        self.ensure_stack(self.th.top + n + EXTRA_STACK).is_ok()
    }
    /// Current number of values in the running native frame (arguments
    /// plus what was pushed), like `lua_gettop`.
    pub fn top(&self) -> usize {
        self.th.top - self.native_base()
    }
    /// Sets the frame's top, dropping values or padding with nil
    /// (`lua_settop`).
    pub fn set_top(&mut self, n: usize) {
        let base = self.native_base();
        let new_top = base + n;
        if new_top > self.th.top {
            let _ = self.ensure_stack(new_top + MIN_STACK);
            for v in &mut self.th.stack[self.th.top..new_top] {
                *v = Value::Nil;
            }
        }
        self.th.top = new_top;
    }
    /// Upvalue `i` (1-based) of the running native closure.
    pub fn upvalue(&self, i: usize) -> Value {
        let f = self.th.frames.last().unwrap();
        match self.th.stack[f.func] {
            Value::NativeFn(c) => c
                .upvalues
                .get(i.wrapping_sub(1))
                .map(|c| c.get())
                .unwrap_or(Value::Nil),
            _ => Value::Nil,
        }
    }
    /// Sets upvalue `i` (1-based) of the running native closure.
    pub fn set_upvalue(&mut self, i: usize, v: Value) {
        let f = self.th.frames.last().unwrap();
        if let Value::NativeFn(c) = self.th.stack[f.func]
            && let Some(c) = c.upvalues.get(i.wrapping_sub(1))
        {
            c.set(v);
        }
    }
    /// Inserts `v` as argument `n` (1-based), shifting the values from
    /// there up by one (`lua_insert` of a pushed value). Nothing happens
    /// for `n == 0`: the slot below argument 1 is the running function's
    /// own (see [`State::with_native_data`]).
    pub fn insert_arg(&mut self, n: usize, v: Value) {
        if n == 0 {
            return;
        }
        let at = self.native_base() + n - 1;
        let top = self.th.top;
        if self.ensure_stack(top + 1 + MIN_STACK).is_err() {
            return;
        }
        self.th.stack.copy_within(at..top, at + 1);
        self.th.stack[at] = v;
        self.th.top = top + 1;
    }
    /// Removes argument `n` (1-based), shifting the values above it down;
    /// nothing happens for `n == 0`, as for [`State::insert_arg`].
    pub fn remove_arg(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let at = self.native_base() + n - 1;
        let top = self.th.top;
        if at < top {
            self.th.stack.copy_within(at + 1..top, at);
            self.th.top = top - 1;
        }
    }
    /// The values from argument `n` to the top (the rest of the
    /// arguments and anything pushed), as a slice of the stack.
    pub fn args_from(&self, n: usize) -> &[Value] {
        let b = self.native_base() + n.max(1) - 1;
        if b >= self.th.top {
            &[]
        } else {
            &self.th.stack[b..self.th.top]
        }
    }

    // ----- argument checks (lauxlib's luaL_check*/luaL_opt*) -----

    /// Any value, present ("bad argument #n to 'f' (value expected)").
    pub fn check_any(&mut self, n: usize) -> Result<Value, Error> {
        if n > self.top() {
            return Err(self.arg_error(n, "value expected"));
        }
        Ok(self.arg(n))
    }
    /// An integer, or a float/string convertible to one
    /// ("number has no integer representation").
    #[inline]
    pub fn check_integer(&mut self, n: usize) -> Result<i64, Error> {
        // The common case inline in the library function; conversions and
        // errors out of line.
        if let Value::Int(i) = self.arg(n) {
            return Ok(i);
        }
        self.check_integer_slow(n)
    }
    #[inline(never)]
    fn check_integer_slow(&mut self, n: usize) -> Result<i64, Error> {
        let v = self.arg(n);
        match crate::number::to_integer(v) {
            Some(i) => Ok(i),
            None => {
                if crate::meta::to_number(v).is_some() {
                    Err(self.arg_error(n, "number has no integer representation"))
                } else {
                    Err(self.type_error(n, "number"))
                }
            }
        }
    }
    /// A number (strings convert) as a float.
    pub fn check_number(&mut self, n: usize) -> Result<f64, Error> {
        match crate::meta::to_float(self.arg(n)) {
            Some(f) => Ok(f),
            None => Err(self.type_error(n, "number")),
        }
    }
    /// A number (strings convert) keeping its subtype: `Value::Int` or
    /// `Value::Float`.
    pub fn check_numeric(&mut self, n: usize) -> Result<Value, Error> {
        match crate::meta::to_number(self.arg(n)) {
            Some(v) => Ok(v),
            None => Err(self.type_error(n, "number")),
        }
    }
    /// A string; numbers are converted (and the argument replaced), as
    /// `luaL_checklstring` does.
    #[inline]
    pub fn check_string(&mut self, n: usize) -> Result<LuaStr, Error> {
        // As `check_integer`: the common case inline.
        if let Value::Str(s) = self.arg(n) {
            return Ok(s);
        }
        self.check_string_slow(n)
    }
    #[inline(never)]
    fn check_string_slow(&mut self, n: usize) -> Result<LuaStr, Error> {
        match self.arg(n) {
            Value::Str(s) => Ok(s),
            v @ (Value::Int(_) | Value::Float(_)) => {
                let s = self.new_str(&number_to_bytes(v));
                self.set_arg(n, Value::Str(s));
                Ok(s)
            }
            _ => Err(self.type_error(n, "string")),
        }
    }
    /// A table.
    pub fn check_table(&mut self, n: usize) -> Result<Gc<Table>, Error> {
        match self.arg(n) {
            Value::Table(t) => Ok(t),
            _ => Err(self.type_error(n, "table")),
        }
    }
    /// A value of type `t` ("bad argument #n to 'f' (T expected, got U)").
    pub fn check_type(&mut self, n: usize, t: Type) -> Result<Value, Error> {
        let v = self.arg(n);
        if n > self.top() || v.type_of() != t {
            return Err(self.type_error(n, t.name()));
        }
        Ok(v)
    }
    /// An optional integer (`default` when absent or nil).
    #[inline]
    pub fn opt_integer(&mut self, n: usize, default: i64) -> Result<i64, Error> {
        match self.arg(n) {
            Value::Nil => Ok(default),
            Value::Int(i) => Ok(i),
            _ => self.check_integer_slow(n),
        }
    }
    /// An optional number (`default` when absent or nil).
    pub fn opt_number(&mut self, n: usize, default: f64) -> Result<f64, Error> {
        if self.arg(n).is_nil() {
            Ok(default)
        } else {
            self.check_number(n)
        }
    }
    /// An optional string (`None` when absent or nil).
    pub fn opt_string(&mut self, n: usize) -> Result<Option<LuaStr>, Error> {
        if self.arg(n).is_nil() {
            Ok(None)
        } else {
            self.check_string(n).map(Some)
        }
    }
    /// One of `options` (luaL_checkoption); `default` when absent.
    /// Error: "bad argument #n to 'f' (invalid option 'x')".
    pub fn check_option(
        &mut self,
        n: usize,
        default: Option<&str>,
        options: &[&str],
    ) -> Result<usize, Error> {
        let name: Vec<u8> = match (self.arg(n), default) {
            (Value::Nil, Some(d)) => d.as_bytes().to_vec(),
            _ => self.check_string(n)?.as_bytes().to_vec(),
        };
        if let Some(i) = options.iter().position(|o| o.as_bytes() == &name[..]) {
            return Ok(i);
        }
        let msg = format!("invalid option '{}'", String::from_utf8_lossy(&name));
        Err(self.arg_error(n, &msg))
    }

    // ----- raising errors -----

    /// "bad argument #n to 'fname' (msg)", with the function's name found
    /// as the reference finds it (and `n` adjusted for method calls).
    pub fn arg_error(&mut self, n: usize, msg: &str) -> Error {
        self.arg_error_impl(n, msg)
    }
    /// "bad argument #n to 'f' (expected expected, got TYPE)" (luaL_typeerror,
    /// honouring `__name`).
    pub fn type_error(&mut self, n: usize, expected: &str) -> Error {
        let got = if n > self.top() {
            "no value".to_string()
        } else {
            let v = self.arg(n);
            match self.metatable_of(v).map(|mt| self.get_field(mt, "__name")) {
                Some(Value::Str(s)) => crate::debug::c_name(s.as_bytes()),
                _ => {
                    if let Value::LightUserData(_) = v {
                        "light userdata".to_string()
                    } else {
                        v.type_name().to_string()
                    }
                }
            }
        };
        self.arg_error(n, &format!("{expected} expected, got {got}"))
    }
    /// Raises `msg` prefixed with the position of the calling Lua code
    /// ("file.lua:3: msg"), as `luaL_error` does.
    pub fn error_str(&mut self, msg: &str) -> Error {
        self.error_bytes(msg.as_bytes())
    }
    /// Like `error_str` with a byte-string message.
    pub fn error_bytes(&mut self, msg: &[u8]) -> Error {
        let mut out = self.where_(1);
        out.extend_from_slice(msg);
        let v = self.str_value(&out);
        self.throw(v)
    }
    /// Raises any value as the error object, unchanged (`error(v, 0)`).
    pub fn raise(&mut self, v: Value) -> Error {
        self.throw(v)
    }
    /// The position prefix "chunk:line:" of the function at `level` (1 =
    /// the function that called the running native function), or empty
    /// (`luaL_where`).
    pub fn where_(&mut self, level: usize) -> Vec<u8> {
        if let Some(f) = self.frame_at(level)
            && f.cl.is_some()
            && Self::frame_line(f) > 0
        {
            return self.position_prefix(level);
        }
        Vec::new()
    }
    /// Takes the error value of an `Err(Error::Runtime)`, leaving nil.
    pub fn take_error_value(&mut self) -> Value {
        std::mem::take(&mut self.error_value)
    }

    // ----- making values -----

    /// A string with these bytes (interned when short).
    #[inline]
    pub fn new_str(&mut self, bytes: &[u8]) -> LuaStr {
        self.heap.new_str(bytes)
    }
    /// A string taking ownership of a buffer.
    pub fn new_str_from_vec(&mut self, bytes: Vec<u8>) -> LuaStr {
        self.heap.new_str_from_vec(bytes)
    }
    /// `new_str` as a `Value`.
    pub fn str_value(&mut self, bytes: &[u8]) -> Value {
        Value::Str(self.new_str(bytes))
    }
    /// A new table with room for `narray` array items and `nhash` fields.
    pub fn new_table(&mut self, narray: usize, nhash: usize) -> Gc<Table> {
        self.heap.alloc(Table::new(narray, nhash))
    }
    /// A native function with upvalues.
    pub fn new_native(&mut self, f: NativeFn, upvalues: &[Value]) -> Value {
        if upvalues.is_empty() {
            return Value::LightFn(f);
        }
        let c = NativeClosure::new(f, upvalues);
        Value::NativeFn(self.heap.alloc(c))
    }
    /// A full userdata holding `data`. The data is `Send` because the
    /// state is: it moves between threads with everything it holds.
    pub fn new_userdata(&mut self, data: Box<dyn std::any::Any + Send>) -> Value {
        Value::UserData(self.heap.alloc(UserData {
            data: std::cell::RefCell::new(data),
            metatable: std::cell::Cell::new(None),
            user_values: std::cell::RefCell::new(Vec::new()),
        }))
    }

    // ----- raw access -----

    /// `t[k] = v` without metamethods; errors "index is nil"/"index is NaN".
    pub fn raw_set(&mut self, t: Gc<Table>, k: Value, v: Value) -> Result<(), Error> {
        match t.set(&mut self.heap, k, v) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error_str(e.message())),
        }
    }
    /// `t[name] = v` for a field name (library setup).
    pub fn set_field(&mut self, t: Gc<Table>, name: &str, v: Value) {
        let k = self.new_str(name.as_bytes());
        t.set_str(&mut self.heap, k, v);
    }
    /// Whether metatable `mt` has a `__gc` field (raw), through the
    /// table's cache of absent metamethods: what `setmetatable` asks of
    /// every metatable it sets, without interning the name again.
    pub fn has_gc_metamethod(&self, mt: Gc<Table>) -> bool {
        let gc = lunar_compile::TagMethod::Gc;
        mt.fast_metamethod(gc, self.tm_names[gc as usize]).is_some()
    }
    /// `t[name]` without metamethods.
    pub fn get_field(&mut self, t: Gc<Table>, name: &str) -> Value {
        let k = self.new_str(name.as_bytes());
        t.get_str(k)
    }
    /// The table of globals (`_G`).
    pub fn globals(&self) -> Gc<Table> {
        self.globals
    }
    /// The registry (`debug.getregistry`); `_LOADED` lives here.
    pub fn registry(&self) -> Gc<Table> {
        self.registry
    }
    /// Sets a global variable.
    pub fn set_global(&mut self, name: &str, v: Value) {
        let g = self.globals;
        self.set_field(g, name, v);
    }
    /// Reads a global variable (raw).
    pub fn get_global(&mut self, name: &str) -> Value {
        let g = self.globals;
        self.get_field(g, name)
    }
    /// The metatable of any value (per-type metatables for non-tables).
    pub fn metatable_of(&self, v: Value) -> Option<Gc<Table>> {
        self.mt_of(v)
    }
    /// Sets the metatable shared by every value of a basic type other than
    /// table and userdata (the string library sets the strings' one).
    pub fn set_type_metatable(&mut self, t: Type, mt: Option<Gc<Table>>) {
        let i = t as i8;
        if i >= 0 {
            self.type_mts[i as usize] = mt;
        }
    }
    /// Field `event` of `v`'s metatable (raw), or nil (`luaL_getmetafield`).
    pub fn metafield(&mut self, v: Value, event: &str) -> Value {
        match self.mt_of(v) {
            Some(mt) => self.get_field(mt, event),
            None => Value::Nil,
        }
    }

    // ----- operations with metamethods (may run Lua) -----

    /// `obj[key]` with `__index`.
    pub fn index(&mut self, obj: Value, key: Value) -> Result<Value, Error> {
        Ok(self.get_slow(obj, key, None)?.unwrap_or(Value::Nil))
    }
    /// `obj[key] = v` with `__newindex`.
    pub fn set_index(&mut self, obj: Value, key: Value, v: Value) -> Result<(), Error> {
        self.set_slow(obj, key, v, None).map(|_| ())
    }
    /// `a == b` with `__eq`.
    pub fn equals(&mut self, a: Value, b: Value) -> Result<bool, Error> {
        Ok(self.equals_slow(a, b, None)?.unwrap_or(false))
    }
    /// `a < b` with `__lt` (and the comparison errors).
    pub fn less_than(&mut self, a: Value, b: Value) -> Result<bool, Error> {
        Ok(self.less_slow(a, b, false, None)?.unwrap_or(false))
    }
    /// `a <= b` with `__le`.
    pub fn less_equal(&mut self, a: Value, b: Value) -> Result<bool, Error> {
        Ok(self.less_slow(a, b, true, None)?.unwrap_or(false))
    }
    /// `#v` with `__len`.
    pub fn length(&mut self, v: Value) -> Result<Value, Error> {
        Ok(self.len_slow(v, None, None)?.unwrap_or(Value::Nil))
    }
    /// `#v` as an integer ("object length is not an integer"), `luaL_len`.
    pub fn length_int(&mut self, v: Value) -> Result<i64, Error> {
        if let Value::Table(t) = v
            && t.metatable().is_none()
        {
            return Ok(t.len());
        }
        let l = self.length(v)?;
        match crate::number::to_integer(l) {
            Some(i) if !matches!(l, Value::Str(_)) => Ok(i),
            _ => Err(self.error_str("object length is not an integer")),
        }
    }
    /// Arithmetic or bitwise operation with metamethods (`b` is ignored
    /// for the unary ones).
    pub fn arith(&mut self, op: ArithOp, a: Value, b: Value) -> Result<Value, Error> {
        use lunar_compile::TagMethod as T;
        let (tm, b) = match op {
            ArithOp::Add => (T::Add, b),
            ArithOp::Sub => (T::Sub, b),
            ArithOp::Mul => (T::Mul, b),
            ArithOp::Mod => (T::Mod, b),
            ArithOp::Pow => (T::Pow, b),
            ArithOp::Div => (T::Div, b),
            ArithOp::IDiv => (T::IDiv, b),
            ArithOp::BAnd => (T::BAnd, b),
            ArithOp::BOr => (T::BOr, b),
            ArithOp::BXor => (T::BXor, b),
            ArithOp::Shl => (T::Shl, b),
            ArithOp::Shr => (T::Shr, b),
            ArithOp::Unm => (T::Unm, a),
            ArithOp::BNot => (T::BNot, a),
        };
        Ok(self
            .arith_slow(tm, a, b, None, None, None)?
            .unwrap_or(Value::Nil))
    }
    /// `v1 .. v2 .. ...` with `__concat`.
    pub fn concat(&mut self, values: &[Value]) -> Result<Value, Error> {
        if values.is_empty() {
            return Ok(self.str_value(b""));
        }
        let at = self.th.high_water().max(self.th.top);
        self.ensure_stack(at + values.len() + EXTRA_STACK)?;
        self.th.stack[at..at + values.len()].copy_from_slice(values);
        let saved = self.th.top;
        self.th.top = at + values.len();
        let r = self.concat_values(at, values.len(), None);
        let v = self.th.stack[at];
        self.th.top = saved;
        r.map(|_| v)
    }
    /// `tostring(v)`: `__tostring`, `__name`, numbers as "%.14g"/integers
    /// (`luaL_tolstring`).
    pub fn to_display(&mut self, v: Value) -> Result<LuaStr, Error> {
        let h = self.metafield(v, "__tostring");
        if !h.is_nil() {
            let r = self.call1(h, &[v])?;
            return match r {
                Value::Str(s) => Ok(s),
                Value::Int(_) | Value::Float(_) => Ok(self.new_str(&number_to_bytes(r))),
                _ => Err(self.error_str("'__tostring' must return a string")),
            };
        }
        let text: Vec<u8> = match v {
            Value::Str(s) => return Ok(s),
            Value::Int(_) | Value::Float(_) => number_to_bytes(v),
            Value::Nil => b"nil".to_vec(),
            Value::Bool(b) => {
                if b {
                    b"true".to_vec()
                } else {
                    b"false".to_vec()
                }
            }
            _ => {
                // The name as luaL_tolstring's "%s" writes it: its bytes
                // up to the first zero.
                let mut text = match self.metafield(v, "__name") {
                    Value::Str(s) => {
                        let b = s.as_bytes();
                        b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())].to_vec()
                    }
                    _ => v.type_name().as_bytes().to_vec(),
                };
                text.extend_from_slice(format!(": {:#x}", value_addr(v)).as_bytes());
                text
            }
        };
        Ok(self.new_str(&text))
    }
    /// A number from a number or a numeric string (§3.4.3), else `None`.
    pub fn to_number(&self, v: Value) -> Option<Value> {
        crate::meta::to_number(v)
    }
    /// An integer from an integer, an integral float or such a string.
    pub fn to_integer(&self, v: Value) -> Option<i64> {
        crate::number::to_integer(v)
    }
    /// A string from a string or a number (numbers converted as Lua does),
    /// else `None` (`lua_tolstring`).
    pub fn to_str(&mut self, v: Value) -> Option<LuaStr> {
        match v {
            Value::Str(s) => Some(s),
            Value::Int(_) | Value::Float(_) => Some(self.new_str(&number_to_bytes(v))),
            _ => None,
        }
    }

    // ----- calls -----

    fn push_call(&mut self, f: Value, args: &[Value]) -> Result<usize, Error> {
        let at = self.th.high_water().max(self.th.top);
        self.ensure_stack(at + args.len() + 1 + MIN_STACK)?;
        self.th.stack[at] = f;
        // Word by word, not copy_from_slice: the few arguments of a call
        // move faster one by one than through a call to memmove, and the
        // caller has often just written them from registers as two words
        // (or in smaller pieces), which a 16-byte load could not take
        // from the store buffer: it would stall until the stores retire.
        let dst = &mut self.th.stack[at + 1..at + 1 + args.len()];
        for (d, a) in dst.iter_mut().zip(args) {
            // SAFETY: `a` is a reference to an initialised value.
            *d = unsafe { crate::value::read_value(a) };
        }
        self.th.top = at + 1 + args.len();
        Ok(at)
    }

    /// Calls `f` with `args` and returns all its results (errors propagate;
    /// yields across this call are refused with "attempt to yield across a
    /// C-call boundary").
    pub fn call(&mut self, f: Value, args: &[Value]) -> Result<Vec<Value>, Error> {
        if self.th.frames.is_empty() {
            // From the host: unwind what an error leaves.
            return self.pcall_host(f, args, None);
        }
        let saved = self.th.top;
        let at = self.push_call(f, args)?;
        let r = self.call_at(at, -1);
        let out = if r.is_ok() {
            self.th.stack[at..self.th.top].to_vec()
        } else {
            Vec::new()
        };
        self.th.top = saved;
        r.map(|_| out)
    }
    /// Calls `f` with `args`, keeping only the first result (nil if none).
    /// Allocates nothing.
    pub fn call1(&mut self, f: Value, args: &[Value]) -> Result<Value, Error> {
        if self.th.frames.is_empty() {
            // From the host: a protected call, as `pcall_n` makes it.
            return self.pcall_n::<1>(f, args, None).map(|[v]| v);
        }
        let saved = self.th.top;
        let at = self.push_call(f, args)?;
        let r = self.call_at(at, 1);
        // Read as two words: the callee's return has just written it so,
        // and a 16-byte load of it would stall (see `read_value`).
        // SAFETY: after a call that wanted one result, slot `at` holds it
        // (nil when there was none): an initialised value.
        let v = unsafe { crate::value::read_value(&self.th.stack[at]) };
        self.th.top = saved;
        r.map(|_| v)
    }
    /// Calls `f` with `args` and returns whether its first result is true
    /// (neither nil nor false): `call1(f, args)?.truthy()`, for an order
    /// function or a predicate called many times (`table.sort`'s). The
    /// result is read as its tag word (and a boolean's byte), not as a
    /// whole value: the callee's return has just written it as two words,
    /// and a 16-byte load of it cannot be forwarded from those stores
    /// (in `table.sort` that stall was the largest single cost of a
    /// comparison).
    pub fn call_truthy(&mut self, f: Value, args: &[Value]) -> Result<bool, Error> {
        if self.th.frames.is_empty() {
            return self.call1(f, args).map(|v| v.truthy());
        }
        let saved = self.th.top;
        let at = self.push_call(f, args)?;
        let r = self.call_at(at, 1);
        // SAFETY: after a call that wanted one result, slot `at` holds it
        // (nil when there was none): an initialised value.
        let t = r.is_ok() && unsafe { crate::value::read_truthy(&self.th.stack[at]) };
        self.th.top = saved;
        r.map(|_| t)
    }
    /// Begins calling order function `f` many times from the running
    /// native function, with two of its stack slots as arguments and
    /// the truth of the first result as the answer (`table.sort`'s
    /// comparator): see [`OrderCalls`]. Every path out of the native
    /// must then pass through [`State::end_order_calls`], errors
    /// included. Fails with "C stack overflow" where native calls nest
    /// too deep.
    pub fn begin_order_calls(&mut self, f: Value) -> Result<OrderCalls, Error> {
        let saved_cc = self.enter_native_call()?;
        Ok(OrderCalls { f, saved_cc })
    }

    /// Ends what [`State::begin_order_calls`] began.
    pub fn end_order_calls(&mut self, calls: OrderCalls) {
        self.leave_native_call(calls.saved_cc);
    }

    /// Calls the order function of `calls` with the running native
    /// function's stack slots `a` and `b` (1-based, as arguments are
    /// numbered; a slot at or above the top counts as nil) as its two
    /// arguments, and returns whether its first result is true.
    ///
    /// The arguments move from slot to slot word by word and never pass
    /// through the caller's registers: a value handed over as a Rust
    /// `Value` was spilled by LLVM in 8+1+4+4-byte pieces (the tag word,
    /// then a boolean's byte and the rest), and the 16-byte load that
    /// copied it into the call stalled, its data not forwardable from the
    /// store buffer. A Lua function's frame is pushed here directly: the
    /// nesting count and the ban on yields were set once, by
    /// `begin_order_calls`, so a comparison pays for the frame and the
    /// loop's entry only.
    #[inline]
    pub fn call_order(&mut self, calls: &OrderCalls, a: usize, b: usize) -> Result<bool, Error> {
        let top = self.th.top;
        let base = self.native_base();
        let (ia, ib) = (base + a.max(1) - 1, base + b.max(1) - 1);
        if a == 0 || b == 0 || ia >= top || ib >= top || top + 3 > self.th.stack.len() {
            return self.call_order_slow(calls, a, b);
        }
        let s = self.th.stack.as_mut_ptr();
        // SAFETY: `ia` and `ib` are below the top, so within the stack,
        // and every slot there holds an initialised value; the stack
        // holds the three slots from `top` on (checked above).
        unsafe {
            let (x, y) = (
                crate::value::read_value(s.add(ia)),
                crate::value::read_value(s.add(ib)),
            );
            *s.add(top) = calls.f;
            *s.add(top + 1) = x;
            *s.add(top + 2) = y;
        }
        self.th.top = top + 3;
        let entry = self.th.frames.len();
        let r = match calls.f {
            Value::LuaFn(cl) => match self.push_lua_frame(cl, top, 1, 0) {
                // The loop runs the frame; `execute` only for an error,
                // which it may recover in a protected call above `entry`.
                Ok(_) => match self.run(entry) {
                    Ok(()) => Ok(()),
                    Err(e) => self.execute(entry, Err(e)),
                },
                Err(e) => Err(e),
            },
            _ => {
                let r = self.precall(top, 1, 0).map(|_| ());
                self.execute(entry, r)
            }
        };
        // SAFETY: after a call that wanted one result, slot `top` holds
        // it (nil when there was none): an initialised value.
        let t = r.is_ok() && unsafe { crate::value::read_truthy(&self.th.stack[top]) };
        self.th.top = top;
        r.map(|_| t)
    }

    /// `call_order` for an argument slot out of range, or a stack
    /// without room for the call's three slots.
    #[cold]
    #[inline(never)]
    fn call_order_slow(&mut self, calls: &OrderCalls, a: usize, b: usize) -> Result<bool, Error> {
        let slot = |st: &Self, n: usize| if n == 0 { Value::Nil } else { st.arg(n) };
        let (x, y) = (slot(self, a), slot(self, b));
        self.call_truthy(calls.f, &[x, y])
    }

    /// Stores `t[i]` (raw, without metamethods) in the running native
    /// function's stack slot `n` (1-based; nothing happens for a slot at
    /// or above the top), as `set_arg(n, t.get_int(i))` does, copying the
    /// value from the table to the slot in memory (see
    /// [`State::call_order`] for why it never goes through a Rust
    /// `Value` of the caller's).
    #[inline]
    pub fn copy_int_to_arg(&mut self, t: Gc<Table>, i: i64, n: usize) {
        let idx = self.native_base() + n - 1;
        if n >= 1 && idx < self.th.top {
            self.th.stack[idx] = t.get_int(i);
        }
    }
    /// Calls `f` with `args` and pushes `wanted` of its results (all for
    /// -1) on the running native frame; returns how many it pushed. A
    /// native function can return another function's results this way.
    pub fn call_push(&mut self, f: Value, args: &[Value], wanted: i32) -> Result<usize, Error> {
        let at = self.th.top;
        self.ensure_stack(at + args.len() + 1 + MIN_STACK)?;
        self.th.stack[at] = f;
        self.th.stack[at + 1..at + 1 + args.len()].copy_from_slice(args);
        self.th.top = at + 1 + args.len();
        match self.call_at(at, wanted) {
            Ok(()) => Ok(self.th.top - at),
            Err(e) => {
                self.th.top = at;
                Err(e)
            }
        }
    }
    /// Calls `f` with `args` in protected mode: the results, or `Err`
    /// with the error value (transformed by `handler`, run at the point of
    /// the error, when given) in the state (`take_error_value`). The
    /// frames and to-be-closed variables above are unwound.
    pub fn pcall(
        &mut self,
        f: Value,
        args: &[Value],
        handler: Option<Value>,
    ) -> Result<Vec<Value>, Error> {
        if self.th.frames.is_empty() {
            return self.pcall_host(f, args, handler);
        }
        let saved = self.th.top;
        let at = self.push_call(f, args)?;
        let r = self.pcall_at(at, -1, handler);
        let out = if r.is_ok() {
            self.th.stack[at..self.th.top].to_vec()
        } else {
            Vec::new()
        };
        self.th.top = saved;
        r.map(|_| out)
    }
    /// [`State::pcall`] keeping exactly `N` results (missing ones are nil,
    /// extra ones dropped, as a call statement adjusts them), returned in
    /// an array: it allocates nothing, for the typed calls of an embedding
    /// layer that know how many results they convert (`call1` is the
    /// unprotected, handler-less case of `N = 1`).
    pub fn pcall_n<const N: usize>(
        &mut self,
        f: Value,
        args: &[Value],
        handler: Option<Value>,
    ) -> Result<[Value; N], Error> {
        if self.th.frames.is_empty() {
            // `N` results are wanted, so exactly `N` are left from `at`.
            let (at, _) = self.host_call(f, args, handler, N as i32)?;
            let s = &self.th.stack;
            // SAFETY: stack slots `at..at + N` hold the call's results
            // (nil where there were fewer): initialised values. Read word
            // by word, as `call1` does (see `read_value`).
            return Ok(std::array::from_fn(|i| unsafe {
                crate::value::read_value(&s[at + i])
            }));
        }
        let saved = self.th.top;
        let at = self.push_call(f, args)?;
        let r = self.pcall_at(at, N as i32, handler);
        let out = if r.is_ok() {
            let s = &self.th.stack;
            // SAFETY: after a call that wanted `N` results, slots
            // `at..at + N` hold them: initialised values.
            std::array::from_fn(|i| unsafe { crate::value::read_value(&s[at + i]) })
        } else {
            [Value::Nil; N]
        };
        self.th.top = saved;
        r.map(|_| out)
    }

    /// A call from the host (no frame running): the host's own frame sits
    /// below the call, as the C function of the reference's standalone
    /// interpreter does (tracebacks end with "[C]: in ?"), and counts as
    /// one native level.
    fn pcall_host(
        &mut self,
        f: Value,
        args: &[Value],
        handler: Option<Value>,
    ) -> Result<Vec<Value>, Error> {
        let (at, n) = self.host_call(f, args, handler, -1)?;
        Ok(self.th.stack[at..at + n].to_vec())
    }

    /// `pcall_host` keeping `wanted` results (all for -1), which it leaves
    /// in the stack slots it returns (first slot, count), above the top it
    /// resets: the caller reads them at once, before anything can run and
    /// overwrite them. `call1` from the host so takes its one value without
    /// the vector the others return (an allocation and a free were a fifth
    /// of a Rust→Lua call), and reads it word by word (`read_value`).
    #[inline]
    fn host_call(
        &mut self,
        f: Value,
        args: &[Value],
        handler: Option<Value>,
        wanted: i32,
    ) -> Result<(usize, usize), Error> {
        fn host(_: &mut State) -> Result<usize, Error> {
            Ok(0)
        }
        if self.broken {
            let v = self.str_value(b"state unusable after an internal error");
            return Err(self.throw(v));
        }
        if !self.control.continuing {
            self.begin_run();
        }
        self.ensure_stack(args.len() + 2 + MIN_STACK)?;
        self.th.stack[0] = Value::LightFn(host);
        self.th.top = 1;
        let mut base = crate::state::Frame::native(0, -1);
        base.flags |= crate::state::F_HOST;
        self.th.frames.push(base);
        // The host's call counts as one native level (and the call itself
        // one more), as the reference's standalone interpreter runs a
        // script under pmain.
        self.n_ccalls = 1;
        // A panic is a bug of the VM or of a native function: it is caught
        // here, reported as an error, and the state refuses further use.
        let r = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let at = self.push_call(f, args)?;
            self.pcall_at(at, wanted, handler)?;
            Ok((at, self.th.top - at))
        })) {
            Ok(r) => r,
            Err(p) => {
                self.broken = true;
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let v = self.str_value(format!("internal error: {what}").as_bytes());
                self.th.frames.clear();
                Err(self.throw(v))
            }
        };
        self.th.frames.clear();
        self.th.tbc.clear();
        self.close_upvals(0);
        self.n_ccalls = 0;
        self.th.top = 0;
        r
    }

    /// Compiles and runs `src` as a main chunk named `chunk_name` from the
    /// host, as `lua.c` runs a script: the results, or a `RuntimeError`
    /// with the error message and the traceback taken where the error
    /// was raised.
    pub fn do_string(
        &mut self,
        chunk_name: &[u8],
        src: &[u8],
    ) -> Result<Vec<Value>, crate::RuntimeError> {
        let f = match self.load(src, chunk_name, "bt", None) {
            Ok(f) => f,
            Err(_) => {
                let v = self.take_error_value();
                return Err(crate::RuntimeError {
                    message: self.error_message(v),
                    traceback: None,
                });
            }
        };
        self.call_traceback(f, &[])
    }

    /// Calls `f` from the host in protected mode; on error, a
    /// `RuntimeError` with the message and the traceback taken where the
    /// error was raised (lua.c's message handler).
    pub fn call_traceback(
        &mut self,
        f: Value,
        args: &[Value],
    ) -> Result<Vec<Value>, crate::RuntimeError> {
        fn handler(st: &mut State) -> Result<usize, Error> {
            let v = st.arg(1);
            let tb = st.traceback(None, 1);
            st.last_traceback = Some(String::from_utf8_lossy(&tb).into_owned());
            st.push(v);
            Ok(1)
        }
        self.last_traceback = None;
        match self.pcall(f, args, Some(Value::LightFn(handler))) {
            Ok(r) => Ok(r),
            Err(_) => {
                let v = self.take_error_value();
                let traceback = self.last_traceback.take();
                Err(crate::RuntimeError {
                    message: self.error_message(v),
                    traceback,
                })
            }
        }
    }

    /// An error value as `lua.c` prints it: strings and numbers as text,
    /// `__tostring` honoured, else "(error object is a X value)".
    pub fn error_message(&mut self, v: Value) -> String {
        match v {
            Value::Str(s) => s.to_str_lossy().into_owned(),
            Value::Int(_) | Value::Float(_) => {
                String::from_utf8_lossy(&number_to_bytes(v)).into_owned()
            }
            _ => {
                if !self.metafield(v, "__tostring").is_nil()
                    && let Ok(s) = self.to_display(v)
                {
                    return s.to_str_lossy().into_owned();
                }
                format!("(error object is a {} value)", v.type_name())
            }
        }
    }

    /// Ends the running native function by calling the function at
    /// argument `func_arg` (1-based) with the values above it as
    /// arguments; when that call returns, `k(state, true, ctx)` runs as the
    /// rest of the native function, with the call's results (`nresults`
    /// of them, -1 for all) at the top of its frame (from argument
    /// `func_arg` on), and what `k` returns is what the native returns.
    /// Coroutines may yield inside the called function. Use as
    /// `return state.call_k(...)`.
    pub fn call_k(
        &mut self,
        func_arg: usize,
        nresults: i32,
        ctx: isize,
        k: ContFn,
    ) -> Result<usize, Error> {
        let func = self.native_base() + func_arg - 1;
        Err(self.request_call(func, nresults, ctx, k, 0, false))
    }
    /// `call_k` in protected mode (pcall): if the call fails, `k(state,
    /// false, ctx)` runs instead with the error value as the only value
    /// from argument `func_arg` on. `handler_arg`, when given, is the
    /// argument holding a message handler (xpcall's), called at the point
    /// of the error.
    pub fn pcall_k(
        &mut self,
        func_arg: usize,
        nresults: i32,
        handler_arg: Option<usize>,
        ctx: isize,
        k: ContFn,
    ) -> Result<usize, Error> {
        let base = self.native_base();
        let func = base + func_arg - 1;
        let handler = handler_arg.map(|h| base + h - 1).unwrap_or(0);
        Err(self.request_call(func, nresults, ctx, k, handler, true))
    }
    /// Whether the running code may yield (`coroutine.isyieldable`).
    pub fn is_yieldable(&self) -> bool {
        !self.current.is_main && self.th.nny == 0
    }

    /// Compiles (or, for a binary chunk, loads) `chunk` into a function;
    /// `mode` is "b", "t" or "bt"; `env` replaces `_ENV` when given.
    /// A syntax error is returned as `Err` with the message as error value.
    pub fn load(
        &mut self,
        chunk: &[u8],
        chunk_name: &[u8],
        mode: &str,
        env: Option<Value>,
    ) -> Result<Value, Error> {
        let binary = chunk.first() == Some(&0x1b);
        if binary && !mode.contains('b') {
            let msg = format!("attempt to load a binary chunk (mode is '{mode}')");
            return Err(self.raise_str(&msg));
        }
        if !binary && !mode.contains('t') {
            let msg = format!("attempt to load a text chunk (mode is '{mode}')");
            return Err(self.raise_str(&msg));
        }
        let proto = if binary {
            match self.undump {
                Some(u) => match u(chunk) {
                    Ok(p) => p,
                    Err(m) => {
                        // As luaU_undump names the chunk in its messages.
                        let mut out = match chunk_name.first() {
                            Some(b'@' | b'=') => chunk_name[1..].to_vec(),
                            Some(0x1b) => b"binary string".to_vec(),
                            _ => chunk_name.to_vec(),
                        };
                        out.extend_from_slice(b": ");
                        out.extend_from_slice(m.as_bytes());
                        let v = self.str_value(&out);
                        return Err(self.throw(v));
                    }
                },
                None => return Err(self.raise_str("binary chunks are not supported")),
            }
        } else {
            // `load` compiles the text as given: unlike a file, a string
            // chunk keeps a first line that starts with '#'.
            match lunar_compile::compile_source_mode(chunk_name, chunk, lunar_syntax::Mode::LOAD) {
                Ok(p) => p,
                Err(e) => {
                    let v = self.str_value(&e.to_bytes());
                    return Err(self.throw(v));
                }
            }
        };
        let env = env.unwrap_or(Value::Table(self.globals));
        self.load_proto(&proto, env)
    }

    /// Makes a function of a compiled main chunk, its `_ENV` set to `env`.
    ///
    /// The VM runs code without bounds checks, so a prototype is verified
    /// before a state runs it; one that fails (a hand-built `Proto`, say)
    /// is refused with an error, never run. The main function is verified
    /// here; each nested function when its first closure is made (a bad
    /// one is then a Lua error raised by the code making the closure), so
    /// that loading a large chunk does not pay for code that never runs.
    pub fn load_proto(
        &mut self,
        proto: &std::sync::Arc<lunar_compile::Proto>,
        env: Value,
    ) -> Result<Value, Error> {
        let rp = self.verified_runtime_proto(proto, false)?;
        Ok(Value::LuaFn(self.make_main_closure(rp, env)))
    }

    /// Keeps the runtime form of `proto` for later `load_proto` calls (a
    /// host running one program many times); verifies it first, as
    /// `load_proto` does.
    pub fn cache_proto(
        &mut self,
        proto: &std::sync::Arc<lunar_compile::Proto>,
    ) -> Result<(), Error> {
        self.verified_runtime_proto(proto, true).map(|_| ())
    }

    /// The runtime form of `proto`: the cached one (`cache_proto`), or one
    /// made after verification, kept in the cache when `keep` (only hosts
    /// ask for that: a script that calls `load` in a loop must not fill
    /// it).
    fn verified_runtime_proto(
        &mut self,
        proto: &std::sync::Arc<lunar_compile::Proto>,
        keep: bool,
    ) -> Result<crate::gc::Gc<crate::proto::RtProto>, Error> {
        let key = std::sync::Arc::as_ptr(proto) as usize;
        if let Some((_, rp)) = self.proto_cache.iter().find(|(k, _)| *k == key) {
            return Ok(*rp);
        }
        // Only the main function now: each nested one is verified when its
        // first closure is made (`State::load_child`).
        if let Err(e) = lunar_compile::verify::verify_function_only(proto, None) {
            return Err(self.raise_str(&format!("invalid prototype: {e}")));
        }
        let rp = self.runtime_proto(proto);
        if keep {
            self.proto_cache.push((key, rp));
        }
        Ok(rp)
    }

    // ----- output (print, io.write, warnings) -----

    /// Emits a warning (`warn`): "@on"/"@off" as a whole message switch
    /// warnings on and off; otherwise, when on, "Lua warning: msg" goes
    /// to the state's standard error.
    pub fn warn(&mut self, msg: &[u8], whole: bool) {
        if whole && msg.first() == Some(&b'@') {
            match msg {
                b"@on" => self.warn_on = true,
                b"@off" => self.warn_on = false,
                _ => {}
            }
            return;
        }
        if self.warn_on {
            let mut out = b"Lua warning: ".to_vec();
            out.extend_from_slice(msg);
            out.push(b'\n');
            let _ = self.stderr.write_all(&out);
            let _ = self.stderr.flush();
        }
    }

    /// The state's standard output (the process's unless a host replaced
    /// it, as tests do).
    pub fn stdout(&mut self) -> &mut dyn Write {
        &mut *self.stdout
    }
    /// The state's standard error.
    pub fn stderr(&mut self) -> &mut dyn Write {
        &mut *self.stderr
    }
}

/// The address shown by `tostring` and `%p` for a reference value.
pub fn value_addr(v: Value) -> usize {
    match v {
        Value::Str(s) => s.addr(),
        Value::Table(t) => t.addr(),
        Value::LuaFn(f) => f.addr(),
        Value::NativeFn(f) => f.addr(),
        Value::LightFn(f) => f as usize,
        Value::UserData(u) => u.addr(),
        Value::LightUserData(p) => p,
        Value::Thread(t) => t.addr(),
        _ => 0,
    }
}

/// An order function being called many times by the running native
/// function ([`State::begin_order_calls`], [`State::call_order`],
/// [`State::end_order_calls`]).
///
/// Between the begin and the end, the native counts as one nested call
/// (the "C stack" limit is checked once) and yields are refused, as in
/// any call a native function makes; each call then only places its
/// arguments and pushes the callee's frame.
#[derive(Debug)]
pub struct OrderCalls {
    /// The order function.
    f: Value,
    /// The nesting count to restore at the end.
    saved_cc: u32,
}
