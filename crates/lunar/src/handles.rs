//! Methods of the handles: reading and writing tables (with or without
//! metamethods), calling functions, metatables.
//!
//! Each method takes the [`State`](crate::State) or the
//! [`Ctx`](crate::Ctx) that made the handle (anything that is [`Lua`]).
//! Operations that may run Lua code (metamethods) run protected: a Lua
//! error comes back as an [`Error`].

use crate::convert::{FromLua, FromLuaMulti, IntoLua, IntoLuaMulti};
use crate::error::{Error, ErrorKind, Result};
use crate::host;
use crate::state::{Ctx, Lua};
use crate::value::{Function, Table, Value, raw_of};
use lunar_vm::{Error as VmError, State as Vm, Value as Raw};

/// `t[k]` with metamethods, as a native function (so that it runs
/// protected).
fn op_index(vm: &mut Vm) -> Result<usize, VmError> {
    let v = vm.index(vm.arg(1), vm.arg(2))?;
    vm.push(v);
    Ok(1)
}

/// `t[k] = v` with metamethods.
fn op_set_index(vm: &mut Vm) -> Result<usize, VmError> {
    vm.set_index(vm.arg(1), vm.arg(2), vm.arg(3))?;
    Ok(0)
}

/// `#v` with metamethods.
fn op_len(vm: &mut Vm) -> Result<usize, VmError> {
    let v = vm.length(vm.arg(1))?;
    vm.push(v);
    Ok(1)
}

/// Runs a native operation protected, with `args` (the VM's values,
/// which the caller keeps alive), keeping `N` results (not rooted: the
/// caller roots or converts them before anything runs). No list is made
/// for the arguments or the results.
fn protected<const N: usize>(
    cx: &mut Ctx<'_>,
    op: lunar_vm::NativeFn,
    args: &[Raw],
) -> Result<[Raw; N]> {
    host::call_raw_n::<N>(cx.vm, Raw::LightFn(op), args)
}

/// The VM's values of a key and a value to store, converted so that
/// neither can be collected before the caller hands both to the VM: a
/// conversion that may run Lua code (and so collect) goes first, and
/// when both may, both are rooted ([`Value`]s) while `body` runs.
fn with_key_value<K: IntoLua, V: IntoLua, R>(
    cx: &mut Ctx<'_>,
    key: K,
    value: V,
    body: impl FnOnce(&mut Ctx<'_>, Raw, Raw) -> Result<R>,
) -> Result<R> {
    if !value.runs_lua() {
        let k = key.into_vm_value(cx)?;
        let v = value.into_vm_value(cx)?;
        body(cx, k, v)
    } else if !key.runs_lua() {
        let v = value.into_vm_value(cx)?;
        let k = key.into_vm_value(cx)?;
        body(cx, k, v)
    } else {
        let k = key.into_lua(cx)?;
        let v = value.into_lua(cx)?;
        let (kr, vr) = (k.to_raw(cx.vm)?, v.to_raw(cx.vm)?);
        body(cx, kr, vr)
    }
}

impl Table {
    fn raw(&self, cx: &Ctx<'_>) -> Result<lunar_vm::Gc<lunar_vm::Table>> {
        match raw_of(cx.vm, &self.0)? {
            Raw::Table(t) => Ok(t),
            _ => unreachable!("a Table handle holds a table"),
        }
    }

    /// `t[key]`, with the `__index` metamethod.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return setmetatable({}, {__index = function(_, k) return k * 2 end})").unwrap();
    /// let v: i64 = t.get(&mut state, 21).unwrap();
    /// assert_eq!(v, 42);
    /// ```
    pub fn get<K: IntoLua, V: FromLua>(&self, lua: &mut impl Lua, key: K) -> Result<V> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        let k = key.into_vm_value(&mut cx)?;
        // `__index` runs only for a key the table lacks (§2.4), and only
        // with a metatable: otherwise a raw read, with nothing to protect.
        let mut v = t.get(k);
        if v.is_nil() && t.metatable().is_some() {
            [v] = protected::<1>(&mut cx, op_index, &[Raw::Table(t), k])?;
        }
        // Nothing ran since the read: `from_vm_value` roots or converts
        // the value before anything can collect it.
        V::from_vm_value(v, &mut cx)
    }

    /// `t[key] = value`, with the `__newindex` metamethod.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "log = {} return setmetatable({}, {__newindex = function(_, k) log[#log + 1] = k end})").unwrap();
    /// t.set(&mut state, "x", 1).unwrap();
    /// assert_eq!(state.exec::<String>("t.lua", "return log[1]").unwrap(), "x");
    /// assert_eq!(t.raw_get::<_, Option<i64>>(&mut state, "x").unwrap(), None);
    /// ```
    pub fn set<K: IntoLua, V: IntoLua>(&self, lua: &mut impl Lua, key: K, value: V) -> Result<()> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        with_key_value(&mut cx, key, value, |cx, k, v| {
            // `__newindex` runs only for a key the table lacks (§2.4),
            // and only with a metatable: otherwise a raw write, unless the
            // key is one a table refuses (nil, NaN), whose error comes
            // from the protected path as Lua raises it.
            let raw_write = t.metatable().is_none() || !t.get(k).is_nil();
            if raw_write && t.set(cx.vm.heap(), k, v).is_ok() {
                return Ok(());
            }
            protected::<0>(cx, op_set_index, &[Raw::Table(t), k, v]).map(|[]| ())
        })
    }

    /// `rawget(t, key)`.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return setmetatable({a = 1}, {__index = function() return 0 end})").unwrap();
    /// assert_eq!(t.raw_get::<_, i64>(&mut state, "a").unwrap(), 1);
    /// assert_eq!(t.raw_get::<_, Option<i64>>(&mut state, "b").unwrap(), None);
    /// assert_eq!(t.get::<_, i64>(&mut state, "b").unwrap(), 0);
    /// ```
    pub fn raw_get<K: IntoLua, V: FromLua>(&self, lua: &mut impl Lua, key: K) -> Result<V> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        let k = key.into_vm_value(&mut cx)?;
        let v = t.get(k);
        V::from_vm_value(v, &mut cx)
    }

    /// `rawset(t, key, value)`; a `nil` or NaN key is an error.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t = state.create_table();
    /// t.raw_set(&mut state, 1, "one").unwrap();
    /// assert_eq!(t.raw_get::<_, String>(&mut state, 1).unwrap(), "one");
    /// let err = t.raw_set(&mut state, lunar::Value::Nil, 1).unwrap_err();
    /// assert_eq!(err.message(), "table index is nil");
    /// ```
    pub fn raw_set<K: IntoLua, V: IntoLua>(
        &self,
        lua: &mut impl Lua,
        key: K,
        value: V,
    ) -> Result<()> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        with_key_value(&mut cx, key, value, |cx, k, v| {
            t.set(cx.vm.heap(), k, v)
                .map_err(|e| Error::new(ErrorKind::Runtime, e.message()))
        })
    }

    /// `#t` with the `__len` metamethod, as an integer.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return setmetatable({1, 2}, {__len = function() return 10 end})").unwrap();
    /// assert_eq!(t.len(&mut state).unwrap(), 10);
    /// assert_eq!(t.raw_len(&mut state).unwrap(), 2);
    /// ```
    pub fn len(&self, lua: &mut impl Lua) -> Result<i64> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        if t.metatable().is_none() {
            return Ok(t.len());
        }
        let [n] = protected::<1>(&mut cx, op_len, &[Raw::Table(t)])?;
        i64::from_vm_value(n, &mut cx)
    }

    /// `rawlen(t)`: the border of the table's sequence.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return {'a', 'b', 'c', x = 1}").unwrap();
    /// assert_eq!(t.raw_len(&mut state).unwrap(), 3);
    /// ```
    pub fn raw_len(&self, lua: &mut impl Lua) -> Result<i64> {
        let cx = lua.ctx();
        Ok(self.raw(&cx)?.len())
    }

    /// Appends `value` at `rawlen(t) + 1`.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return {10, 20}").unwrap();
    /// t.push(&mut state, 30).unwrap();
    /// assert_eq!(t.sequence_values::<i64>(&mut state).unwrap(), [10, 20, 30]);
    /// ```
    pub fn push<V: IntoLua>(&self, lua: &mut impl Lua, value: V) -> Result<()> {
        let mut cx = lua.ctx();
        let n = self.raw_len(&mut cx)?;
        self.raw_set(&mut cx, n + 1, value)
    }

    /// Every key-value pair (raw, in `next` order), converted.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return {a = 1, b = 2}").unwrap();
    /// let mut pairs: Vec<(String, i64)> = t.pairs(&mut state).unwrap();
    /// pairs.sort();
    /// assert_eq!(pairs, [("a".to_string(), 1), ("b".to_string(), 2)]);
    /// ```
    pub fn pairs<K: FromLua, V: FromLua>(&self, lua: &mut impl Lua) -> Result<Vec<(K, V)>> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        let mut raw = Vec::new();
        let mut key = Raw::Nil;
        while let Ok(Some((k, v))) = t.next(key) {
            raw.push((k, v));
            key = k;
        }
        let rooted: Vec<(Value, Value)> = raw
            .into_iter()
            .map(|(k, v)| (Value::from_raw(cx.vm, k), Value::from_raw(cx.vm, v)))
            .collect();
        let mut out = Vec::with_capacity(rooted.len());
        for (k, v) in rooted {
            out.push((K::from_lua(k, &mut cx)?, V::from_lua(v, &mut cx)?));
        }
        Ok(out)
    }

    /// The values `t[1]`, `t[2]`… up to the first `nil` (raw), converted.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t: lunar::Table = state.exec("t.lua", "return {'a', 'b', nil, 'd'}").unwrap();
    /// // Stops at the first nil.
    /// assert_eq!(t.sequence_values::<String>(&mut state).unwrap(), ["a", "b"]);
    /// ```
    pub fn sequence_values<V: FromLua>(&self, lua: &mut impl Lua) -> Result<Vec<V>> {
        let mut cx = lua.ctx();
        let t = self.raw(&cx)?;
        let mut rooted = Vec::new();
        let mut i = 1;
        loop {
            let v = t.get_int(i);
            if v.is_nil() {
                break;
            }
            rooted.push(Value::from_raw(cx.vm, v));
            i += 1;
        }
        rooted
            .into_iter()
            .map(|v| V::from_lua(v, &mut cx))
            .collect()
    }

    /// The metatable, if any.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let (t, mt): (lunar::Table, lunar::Table) = state.exec("t.lua", "local mt = {} return setmetatable({}, mt), mt").unwrap();
    /// assert!(t.metatable(&mut state).unwrap().unwrap().same(&mt));
    /// assert!(mt.metatable(&mut state).unwrap().is_none());
    /// ```
    pub fn metatable(&self, lua: &mut impl Lua) -> Result<Option<Table>> {
        let cx = lua.ctx();
        Ok(match self.raw(&cx)?.metatable() {
            Some(mt) => Some(Table(cx.vm.root(Raw::Table(mt)))),
            None => None,
        })
    }

    /// Sets (or with `None` removes) the metatable, as `setmetatable`
    /// does (a `__gc` field marks the table for finalization).
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let t = state.create_table();
    /// let mt: lunar::Table = state.exec("t.lua", "return {__index = function(_, k) return k .. '!' end}").unwrap();
    /// t.set_metatable(&mut state, Some(&mt)).unwrap();
    /// assert_eq!(t.get::<_, String>(&mut state, "hi").unwrap(), "hi!");
    /// t.set_metatable(&mut state, None).unwrap();
    /// assert_eq!(t.get::<_, Option<String>>(&mut state, "hi").unwrap(), None);
    /// ```
    pub fn set_metatable(&self, lua: &mut impl Lua, mt: Option<&Table>) -> Result<()> {
        let cx = lua.ctx();
        let t = self.raw(&cx)?;
        let m = match mt {
            Some(m) => Some(m.raw(&cx)?),
            None => None,
        };
        t.set_metatable(m);
        if let Some(m) = m
            && !cx.vm.get_field(m, "__gc").is_nil()
        {
            cx.vm.heap().register_finalizer(Raw::Table(t));
        }
        Ok(())
    }
}

impl Function {
    /// Calls the function with `args`, converting its results; protected.
    ///
    /// ```
    /// let mut state = lunar::State::new();
    /// let f: lunar::Function = state.exec("f.lua", "return function(a, b) return a .. b, #a end").unwrap();
    /// let (s, n): (String, i64) = f.call(&mut state, ("ab", "cd")).unwrap();
    /// assert_eq!((s.as_str(), n), ("abcd", 2));
    /// ```
    pub fn call<A: IntoLuaMulti, R: FromLuaMulti>(&self, lua: &mut impl Lua, args: A) -> Result<R> {
        lua.ctx().call(self, args)
    }
}

#[cfg(test)]
mod tests {
    //! The table operations' raw fast paths keep the metamethods' rules.
    use crate::{State, Table, Value};

    #[test]
    fn metamethods_run_only_for_absent_keys() {
        let mut state = State::new();
        let t: Table = state
            .exec(
                "t.lua",
                "calls = 0 return setmetatable({present = 1}, { \
                 __index = function(_, k) calls = calls + 1 return k .. '?' end, \
                 __newindex = function(t, k, v) calls = calls + 1 rawset(t, k, v * 10) end})",
            )
            .unwrap();
        let calls = |state: &mut State| state.get_global::<i64>("calls").unwrap();
        // A present key: raw, both ways (a nil value included).
        assert_eq!(t.get::<_, i64>(&mut state, "present").unwrap(), 1);
        t.set(&mut state, "present", 2).unwrap();
        assert_eq!(t.raw_get::<_, i64>(&mut state, "present").unwrap(), 2);
        assert_eq!(calls(&mut state), 0);
        // An absent key: the metamethods.
        assert_eq!(t.get::<_, String>(&mut state, "absent").unwrap(), "absent?");
        t.set(&mut state, "new", 3).unwrap();
        assert_eq!(t.raw_get::<_, i64>(&mut state, "new").unwrap(), 30);
        assert_eq!(calls(&mut state), 2);
        // Removing a present key is a raw write too; then it is absent.
        t.set(&mut state, "present", Value::Nil).unwrap();
        assert_eq!(calls(&mut state), 2);
        assert_eq!(
            t.get::<_, String>(&mut state, "present").unwrap(),
            "present?"
        );
        assert_eq!(calls(&mut state), 3);
    }

    #[test]
    fn refused_keys_fail_as_lua_fails_them() {
        let mut state = State::new();
        let plain = state.create_table();
        let e = plain.set(&mut state, Value::Nil, 1).unwrap_err();
        assert_eq!(e.message(), "table index is nil");
        let e = plain.set(&mut state, f64::NAN, 1).unwrap_err();
        assert_eq!(e.message(), "table index is NaN");
        // Reading them is nil, as in Lua.
        assert_eq!(
            plain.get::<_, Option<i64>>(&mut state, Value::Nil).unwrap(),
            None
        );
        // Through `__len` and without.
        let t: Table = state
            .exec(
                "t.lua",
                "return setmetatable({1, 2}, {__len = function() return 7 end})",
            )
            .unwrap();
        assert_eq!(t.len(&mut state).unwrap(), 7);
        plain.push(&mut state, "a").unwrap();
        assert_eq!(plain.len(&mut state).unwrap(), 1);
    }
}
