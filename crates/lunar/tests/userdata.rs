//! Rust values in Lua through `UserData`: methods, fields, metamethods,
//! run-time borrow checks, wrong-type errors, and the value's life under
//! the collector.

use lunar::{
    AnyUserData, ErrorKind, MetaMethod, State, UserData, UserDataFields, UserDataMethods, Value,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Debug, PartialEq)]
struct Counter {
    n: i64,
    label: String,
}

impl UserData for Counter {
    fn add_fields(f: &mut UserDataFields<Self>) {
        f.add_field_method_get("n", |_, c| Ok(c.n));
        f.add_field_method_set("n", |_, c, n: i64| {
            c.n = n;
            Ok(())
        });
        f.add_field_method_get("label", |_, c| Ok(c.label.clone()));
        f.add_field("kind", "counter");
    }

    fn add_methods(m: &mut UserDataMethods<Self>) {
        m.add_method("get", |_, c, ()| Ok(c.n));
        m.add_method_mut("add", |_, c, by: i64| {
            c.n += by;
            Ok(c.n)
        });
        // Calls back into Lua while `self` is borrowed.
        m.add_method("each", |cx, c, f: lunar::Function| {
            f.call::<_, ()>(cx, c.n)?;
            Ok(())
        });
        m.add_method_mut("each_mut", |cx, c, f: lunar::Function| {
            c.n += 1;
            f.call::<_, ()>(cx, c.n)?;
            Ok(())
        });
        m.add_function("new", |_, (n, label): (i64, Option<String>)| {
            Ok(Counter {
                n,
                label: label.unwrap_or_default(),
            })
        });
        m.add_meta_method(MetaMethod::ToString, |_, c, ()| {
            Ok(format!("Counter({})", c.n))
        });
        m.add_meta_method(MetaMethod::Len, |_, c, ()| Ok(c.n));
        m.add_meta_function(MetaMethod::Add, |cx, (a, b): (Value, Value)| {
            let n = |cx: &mut lunar::Ctx<'_>, v: Value| -> lunar::Result<i64> {
                match v {
                    Value::UserData(u) => u.borrow(cx, |c: &Counter| c.n),
                    v => Ok(v.as_integer().unwrap_or(0)),
                }
            };
            let (a, b) = (n(cx, a)?, n(cx, b)?);
            Ok(Counter {
                n: a + b,
                label: "sum".into(),
            })
        });
        m.add_meta_method(MetaMethod::Eq, |_, c, other: Counter| Ok(c.n == other.n));
        m.add_meta_method(MetaMethod::Lt, |_, c, other: Counter| Ok(c.n < other.n));
        m.add_meta_method_mut(MetaMethod::Call, |_, c, by: Option<i64>| {
            c.n += by.unwrap_or(1);
            Ok(c.n)
        });
    }
}

fn state_with_counter() -> State {
    let mut state = State::new();
    state
        .register("Counter", |_, n: i64| {
            Ok(Counter {
                n,
                label: "made".into(),
            })
        })
        .unwrap();
    state
}

#[test]
fn methods_and_fields() {
    let mut state = state_with_counter();
    let (a, b, n, label, kind): (i64, i64, i64, String, String) = state
        .exec(
            "t.lua",
            "local c = Counter(1) local a = c:add(2) c.n = 10 local b = c:get() \
             return a, b, c.n, c.label, c.kind",
        )
        .unwrap();
    assert_eq!(
        (a, b, n, label.as_str(), kind.as_str()),
        (3, 10, 10, "made", "counter")
    );
    // A function of the method table, and unknown keys read as nil.
    let (n, missing): (i64, Option<i64>) = state
        .exec(
            "t.lua",
            "local c = Counter(0) local d = c.new(5, 'x') return d.n, c.nothing",
        )
        .unwrap();
    assert_eq!((n, missing), (5, None));
    // The host reads and changes the same data.
    let c: AnyUserData = state.exec("t.lua", "return Counter(7)").unwrap();
    assert!(c.is::<Counter>(&mut state));
    assert!(!c.is::<String>(&mut state));
    c.borrow_mut(&mut state, |c: &mut Counter| c.n *= 2)
        .unwrap();
    state.set_global("c", c.clone()).unwrap();
    assert_eq!(state.exec::<i64>("t.lua", "return c:get()").unwrap(), 14);
    // FromLua for UserData + Clone.
    let copy: Counter = state.get_global("c").unwrap();
    assert_eq!(
        copy,
        Counter {
            n: 14,
            label: "made".into()
        }
    );
}

#[test]
fn metamethods() {
    let mut state = state_with_counter();
    let (s, len, sum, eq, ne, lt, called): (String, i64, i64, bool, bool, bool, i64) = state
        .exec(
            "t.lua",
            "local a, b = Counter(2), Counter(3) \
             local s = tostring(a) local len = #b local sum = (1 + a + b):get() \
             local eq = a == Counter(2) local ne = a == b local lt = a < b \
             a() local called = a(10) \
             return s, len, sum, eq, ne, lt, called",
        )
        .unwrap();
    assert_eq!(s, "Counter(2)");
    assert_eq!((len, sum), (3, 6));
    assert!(eq && !ne && lt);
    assert_eq!(called, 13);
    let name: String = state
        .exec("t.lua", "return getmetatable(Counter(1)).__name")
        .unwrap();
    assert_eq!(name, "Counter");
}

/// A resource whose `__close` records the error it was closed with.
struct Guard {
    log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl UserData for Guard {
    fn add_methods(m: &mut UserDataMethods<Self>) {
        m.add_meta_method(MetaMethod::Close, |_, g, err: Option<String>| {
            g.log
                .lock()
                .unwrap()
                .push(err.unwrap_or_else(|| "ok".to_string()));
            Ok(())
        });
    }
}

#[test]
fn close_metamethod() {
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut state = State::new();
    let l = log.clone();
    state
        .register("guard", move |_, ()| Ok(Guard { log: l.clone() }))
        .unwrap();
    state
        .exec::<()>("t.lua", "do local g <close> = guard() end")
        .unwrap();
    let err = state
        .exec::<()>("t.lua", "local g <close> = guard() error('boom', 0)")
        .unwrap_err();
    assert_eq!(err.message(), "boom");
    assert_eq!(*log.lock().unwrap(), ["ok", "boom"]);
}

#[test]
fn borrow_conflicts_are_lua_errors() {
    let mut state = state_with_counter();
    // Shared borrows nest; a mutable one inside a shared one fails, and
    // the Lua code can catch it.
    let (ok, msg): (bool, String) = state
        .exec(
            "t.lua",
            "local c = Counter(1) \
             c:each(function(n) assert(c:get() == n) end) \
             return pcall(c.each, c, function() c:add(1) end)",
        )
        .unwrap();
    assert!(!ok);
    assert_eq!(msg, "t.lua:1: userdata already borrowed");
    let err = state
        .exec::<()>(
            "t.lua",
            "local c = Counter(1) c:each_mut(function() return c.n end)",
        )
        .unwrap_err();
    assert_eq!(err.message(), "t.lua:1: userdata already borrowed");
    // The host gets a usage error while Lua holds the borrow.
    let c: AnyUserData = state.exec("t.lua", "return Counter(1)").unwrap();
    state.set_global("c", c.clone()).unwrap();
    let c2 = c.clone();
    state
        .register("peek", move |cx, ()| {
            let e = c2.borrow(cx, |c: &Counter| c.n).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::Usage);
            Ok(e.message().to_string())
        })
        .unwrap();
    let msg: String = state
        .exec(
            "t.lua",
            "local out c:each_mut(function() out = peek() end) return out",
        )
        .unwrap();
    assert_eq!(msg, "userdata already borrowed");
    // After the call the value is free again.
    assert_eq!(c.borrow(&mut state, |c: &Counter| c.n).unwrap(), 2);
}

struct Other;
impl UserData for Other {}

#[test]
fn wrong_types_use_check_udata_wording() {
    let mut state = state_with_counter();
    state.set_global("other", Other).unwrap();
    let cases = [
        (
            "local c = Counter(1) return c.get({})",
            "t.lua:1: bad argument #1 to 'get' (Counter expected, got table)",
        ),
        (
            "local c = Counter(1) return c.get(other)",
            "t.lua:1: bad argument #1 to 'get' (Counter expected, got Other)",
        ),
        (
            "local c = Counter(1) return c.get()",
            "t.lua:1: bad argument #1 to 'get' (Counter expected, got no value)",
        ),
        (
            "local c = Counter(1) return c:add('x')",
            "t.lua:1: bad argument #1 to 'add' (number expected, got string)",
        ),
        (
            "local c = Counter(1) return c.add(c, 'x')",
            "t.lua:1: bad argument #2 to 'add' (number expected, got string)",
        ),
        (
            "local c = Counter(1) c.label = 'x'",
            "t.lua:1: attempt to set unknown field 'label' of Counter",
        ),
        (
            "return other.x",
            "t.lua:1: attempt to index a Other value (global 'other')",
        ),
    ];
    for (src, want) in cases {
        let err = state.exec::<()>("t.lua", src).unwrap_err();
        assert_eq!(err.message(), want, "{src}");
    }
    // As a Rust function's argument.
    state.register("count_of", |_, c: Counter| Ok(c.n)).unwrap();
    let err = state.exec::<()>("t.lua", "count_of(other)").unwrap_err();
    assert_eq!(
        err.message(),
        "t.lua:1: bad argument #1 to 'count_of' (Counter expected, got Other)"
    );
    // On the host side.
    let o: AnyUserData = state.get_global("other").unwrap();
    let err = o.borrow(&mut state, |c: &Counter| c.n).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Conversion);
    assert_eq!(err.message(), "Counter expected, got Other");
}

#[test]
fn take_moves_the_value_out() {
    let mut state = state_with_counter();
    let c: AnyUserData = state.exec("t.lua", "c = Counter(4) return c").unwrap();
    let taken = c.take::<Counter>(&mut state).unwrap();
    assert_eq!(taken.n, 4);
    assert!(!c.is::<Counter>(&mut state));
    let err = c.take::<Counter>(&mut state).unwrap_err();
    assert_eq!(err.message(), "userdata has been taken");
    let err = state.exec::<()>("t.lua", "return c:get()").unwrap_err();
    assert_eq!(err.message(), "t.lua:1: userdata has been taken");
}

/// Counts its drops.
struct Tracked(Arc<AtomicUsize>);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl UserData for Tracked {
    fn add_methods(m: &mut UserDataMethods<Self>) {
        m.add_method("alive", |_, _, ()| Ok(true));
    }
}

#[test]
fn userdata_lives_while_referenced_and_drops_once_collected() {
    let drops = Arc::new(AtomicUsize::new(0));
    let mut state = State::new();
    let u = state.create_userdata(Tracked(drops.clone())).unwrap();
    state.set_global("keep", u).unwrap();
    // The host handle is gone; Lua's reference keeps the value.
    state.collect_garbage();
    state.collect_garbage();
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    assert!(
        state
            .exec::<bool>("t.lua", "collectgarbage() return keep:alive()")
            .unwrap()
    );
    state.exec::<()>("t.lua", "keep = nil").unwrap();
    state.collect_garbage();
    state.collect_garbage();
    assert_eq!(drops.load(Ordering::SeqCst), 1);

    // A value Lua never kept drops when its handle goes and the state
    // collects; one still in the state drops with the state.
    let h = state.create_userdata(Tracked(drops.clone())).unwrap();
    drop(h);
    state.collect_garbage();
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    state.set_global("last", Tracked(drops.clone())).unwrap();
    drop(state);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn one_metatable_per_type_per_state() {
    let mut state = state_with_counter();
    let same: bool = state
        .exec(
            "t.lua",
            "return getmetatable(Counter(1)) == getmetatable(Counter(2))",
        )
        .unwrap();
    assert!(same);
    // Each state has its own.
    let mut other = state_with_counter();
    let c: AnyUserData = other.exec("t.lua", "return Counter(1)").unwrap();
    let err = state.set_global("c", c).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Usage);
}

/// A bag of named values: `Index`/`NewIndex` catch the keys that are
/// neither methods nor fields; `Pairs` lists them.
#[derive(Default)]
struct Bag {
    items: std::collections::BTreeMap<String, i64>,
}

impl UserData for Bag {
    fn add_fields(f: &mut UserDataFields<Self>) {
        f.add_field_method_get("size", |_, b| Ok(b.items.len()));
    }

    fn add_methods(m: &mut UserDataMethods<Self>) {
        m.add_method("has", |_, b, k: String| Ok(b.items.contains_key(&k)));
        m.add_meta_method(MetaMethod::Index, |_, b, k: String| {
            Ok(b.items.get(&k).copied())
        });
        m.add_meta_method_mut(
            MetaMethod::NewIndex,
            |_, b, (k, v): (String, Option<i64>)| {
                match v {
                    Some(v) => b.items.insert(k, v),
                    None => b.items.remove(&k),
                };
                Ok(())
            },
        );
        m.add_meta_method(MetaMethod::Pairs, |cx, b, ()| {
            let keys: Vec<String> = b.items.keys().cloned().collect();
            let values: Vec<i64> = b.items.values().copied().collect();
            let i = std::sync::atomic::AtomicUsize::new(0);
            let next = cx.create_function(move |_, _: lunar::MultiValue| {
                let at = i.fetch_add(1, Ordering::SeqCst);
                Ok(match keys.get(at) {
                    Some(k) => (Some(k.clone()), Some(values[at])),
                    None => (None, None),
                })
            });
            Ok(next)
        });
    }
}

#[test]
fn index_newindex_and_pairs_fallbacks() {
    let mut state = State::new();
    state.set_global("bag", Bag::default()).unwrap();
    let (a, missing, size, has, listed): (i64, Option<i64>, i64, bool, String) = state
        .exec(
            "t.lua",
            "bag.a = 1 bag.b = 2 bag.c = 3 bag.c = nil \
             local out = {} for k, v in pairs(bag) do out[#out + 1] = k .. '=' .. v end \
             return bag.a, bag.c, bag.size, bag:has('b'), table.concat(out, ',')",
        )
        .unwrap();
    assert_eq!((a, missing, size, has), (1, None, 2, true));
    assert_eq!(listed, "a=1,b=2");
    // The fallback's own argument checks count from the key (#2).
    let err = state.exec::<()>("t.lua", "bag.x = 'y'").unwrap_err();
    assert!(
        err.message().contains("number expected, got string"),
        "{}",
        err.message()
    );
}
