//! Tests of the collector: reachability, cycles, weak tables, ephemerons,
//! finalizers and pacing.

use super::*;
use crate::string::LuaStr;
use crate::userdata::UserData;
use std::cell::{Cell, RefCell};

fn str_v(heap: &mut Heap, s: &str) -> Value {
    Value::Str(heap.new_str(s.as_bytes()))
}

/// A table whose metatable has `__mode = mode`.
fn weak_table(heap: &mut Heap, mode: &str) -> Gc<Table> {
    let t = heap.alloc(Table::new(0, 0));
    let mt = heap.alloc(Table::new(0, 0));
    let (k, v) = (str_v(heap, "__mode"), str_v(heap, mode));
    mt.set(heap, k, v).unwrap();
    t.set_metatable(Some(mt));
    t
}

fn collect_with(heap: &mut Heap, roots: &[Value]) -> usize {
    heap.collect(&mut |m| {
        for v in roots {
            m.mark_value(*v);
        }
    })
}

#[test]
fn unreachable_objects_are_freed() {
    let mut heap = Heap::new();
    let keep = heap.alloc(Table::new(0, 0));
    let child = heap.alloc(Table::new(0, 0));
    keep.set_int(&mut heap, 1, Value::Table(child));
    let s = str_v(&mut heap, "a long string that is not interned by the heap");
    child.set_int(&mut heap, 1, s);
    for _ in 0..100 {
        let t = heap.alloc(Table::new(4, 4));
        t.set_int(&mut heap, 1, Value::Table(t)); // a cycle
    }
    collect_with(&mut heap, &[Value::Table(keep)]);
    // keep, child, the long string and "__mode".
    assert_eq!(heap.object_count(), 4);
    assert!(matches!(child.get_int(1), Value::Str(x) if x.as_bytes().starts_with(b"a long")));
    collect_with(&mut heap, &[]);
    assert_eq!(heap.object_count(), 1);
}

#[test]
fn long_chains_do_not_recurse() {
    let mut heap = Heap::new();
    let head = heap.alloc(Table::new(0, 0));
    let mut cur = head;
    for _ in 0..200_000 {
        let next = heap.alloc(Table::new(0, 0));
        cur.set_int(&mut heap, 1, Value::Table(next));
        cur = next;
    }
    collect_with(&mut heap, &[Value::Table(head)]);
    assert_eq!(heap.object_count(), 200_002);
}

#[test]
fn marks_are_reset_between_collections() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    let u = heap.alloc(Table::new(0, 0));
    t.set_int(&mut heap, 1, Value::Table(u));
    collect_with(&mut heap, &[Value::Table(t)]);
    t.set_int(&mut heap, 1, Value::Nil);
    collect_with(&mut heap, &[Value::Table(t)]);
    assert_eq!(heap.object_count(), 2); // t and "__mode"
}

#[test]
fn weak_values() {
    let mut heap = Heap::new();
    let w = weak_table(&mut heap, "v");
    let live = heap.alloc(Table::new(0, 0));
    let k1 = str_v(&mut heap, "dead");
    let k2 = str_v(&mut heap, "live");
    let k3 = str_v(&mut heap, "str");
    let dead = heap.alloc(Table::new(0, 0));
    w.set(&mut heap, k1, Value::Table(dead)).unwrap();
    w.set(&mut heap, k2, Value::Table(live)).unwrap();
    let sv = str_v(&mut heap, "strings are values, never removed");
    w.set(&mut heap, k3, sv).unwrap();
    let d2 = heap.alloc(Table::new(0, 0));
    w.set_int(&mut heap, 1, Value::Table(d2));
    w.set_int(&mut heap, 2, Value::Int(5));
    collect_with(&mut heap, &[Value::Table(w), Value::Table(live)]);
    assert!(w.get(k1).is_nil());
    assert!(matches!(w.get(k2), Value::Table(t) if t.ptr_eq(live)));
    assert!(w.get(k3).raw_eq(&sv));
    assert!(w.get_int(1).is_nil());
    assert!(matches!(w.get_int(2), Value::Int(5)));
    // Keys of weak-valued tables are strong.
    let kt = heap.alloc(Table::new(0, 0));
    w.set(&mut heap, Value::Table(kt), Value::Int(1)).unwrap();
    collect_with(&mut heap, &[Value::Table(w)]);
    let mut found = false;
    let mut k = Value::Nil;
    while let Some((nk, _)) = w.next(k).unwrap() {
        found |= matches!(nk, Value::Table(t) if t.ptr_eq(kt));
        k = nk;
    }
    assert!(found);
}

#[test]
fn weak_keys_and_ephemerons() {
    let mut heap = Heap::new();
    let w = weak_table(&mut heap, "k");
    let live_key = heap.alloc(Table::new(0, 0));
    // An entry whose value refers to its own key: collected.
    let self_ref = heap.alloc(Table::new(0, 0));
    let val = heap.alloc(Table::new(0, 0));
    val.set_int(&mut heap, 1, Value::Table(self_ref));
    w.set(&mut heap, Value::Table(self_ref), Value::Table(val))
        .unwrap();
    // A value reachable only through a live key: kept.
    let only_via_key = heap.alloc(Table::new(0, 0));
    w.set(
        &mut heap,
        Value::Table(live_key),
        Value::Table(only_via_key),
    )
    .unwrap();
    // A chain k1 -> v1 holding k2 -> v2 (k1 live): everything kept,
    // whatever the order of the entries.
    let k1 = heap.alloc(Table::new(0, 0));
    let k2 = heap.alloc(Table::new(0, 0));
    let v1 = heap.alloc(Table::new(0, 0));
    let v2 = heap.alloc(Table::new(0, 0));
    v1.set_int(&mut heap, 1, Value::Table(k2));
    w.set(&mut heap, Value::Table(k2), Value::Table(v2))
        .unwrap();
    w.set(&mut heap, Value::Table(k1), Value::Table(v1))
        .unwrap();
    // Strings and numbers as keys are never weak.
    let sk = str_v(&mut heap, "skey");
    let sval = heap.alloc(Table::new(0, 0));
    w.set(&mut heap, sk, Value::Table(sval)).unwrap();
    w.set_int(&mut heap, 1, Value::Bool(true));
    let before = heap.object_count();
    collect_with(
        &mut heap,
        &[Value::Table(w), Value::Table(live_key), Value::Table(k1)],
    );
    // self_ref and val are gone.
    assert_eq!(heap.object_count(), before - 2);
    assert!(matches!(w.get(Value::Table(live_key)), Value::Table(t) if t.ptr_eq(only_via_key)));
    assert!(matches!(w.get(Value::Table(k2)), Value::Table(t) if t.ptr_eq(v2)));
    assert!(matches!(w.get(sk), Value::Table(t) if t.ptr_eq(sval)));
    assert_eq!(w.count(), 5);
    // The dead entry's slot does not disturb a traversal.
    let mut n = 0;
    let mut k = Value::Nil;
    while let Some((nk, _)) = w.next(k).unwrap() {
        n += 1;
        k = nk;
    }
    assert_eq!(n, 5);
}

#[test]
fn weak_keys_and_values() {
    let mut heap = Heap::new();
    let w = weak_table(&mut heap, "kv");
    let a = heap.alloc(Table::new(0, 0));
    let b = heap.alloc(Table::new(0, 0));
    w.set(&mut heap, Value::Table(a), Value::Table(b)).unwrap(); // both dead
    w.set(&mut heap, Value::Table(b), Value::Int(1)).unwrap(); // b only kept through a's value
    let c = heap.alloc(Table::new(0, 0));
    w.set(&mut heap, Value::Int(1), Value::Table(c)).unwrap();
    collect_with(&mut heap, &[Value::Table(w)]);
    assert_eq!(w.count(), 0);
}

#[test]
fn removed_keys_do_not_keep_objects_and_next_goes_on() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    let keys: Vec<Gc<Table>> = (0..10).map(|_| heap.alloc(Table::new(0, 0))).collect();
    for (i, k) in keys.iter().enumerate() {
        t.set(&mut heap, Value::Table(*k), Value::Int(i as i64))
            .unwrap();
    }
    // A traversal clears each key, with collections in between (keys kept
    // alive by the "stack"); next still goes on from the cleared key.
    let mut seen = 0;
    let mut k = Value::Nil;
    while let Some((nk, _)) = t.next(k).unwrap() {
        seen += 1;
        t.set(&mut heap, nk, Value::Nil).unwrap();
        collect_with(&mut heap, &[Value::Table(t), nk]);
        k = nk;
    }
    assert_eq!(seen, 10);
    // Now nothing holds the key tables.
    collect_with(&mut heap, &[Value::Table(t)]);
    assert_eq!(heap.object_count(), 2);
    // A long string key removed and collected: lookups with an equal
    // string do not touch the freed one.
    let long = "a long string key of more than forty bytes, not interned";
    let k1 = str_v(&mut heap, long);
    t.set(&mut heap, k1, Value::Int(1)).unwrap();
    t.set(&mut heap, k1, Value::Nil).unwrap();
    collect_with(&mut heap, &[Value::Table(t)]);
    let k2 = str_v(&mut heap, long);
    assert!(t.get(k2).is_nil());
    t.set(&mut heap, k2, Value::Int(2)).unwrap();
    assert!(matches!(t.get(k2), Value::Int(2)));
}

#[test]
fn finalizers_resurrect_in_reverse_order() {
    let mut heap = Heap::new();
    let objs: Vec<Gc<Table>> = (0..3).map(|_| heap.alloc(Table::new(0, 0))).collect();
    let inner = heap.alloc(Table::new(0, 0));
    objs[1].set_int(&mut heap, 1, Value::Table(inner));
    for o in &objs {
        heap.register_finalizer(Value::Table(*o));
        heap.register_finalizer(Value::Table(*o)); // registered once only
    }
    let keep = objs[2];
    let n = collect_with(&mut heap, &[Value::Table(keep)]);
    assert_eq!(n, 2);
    // Resurrected (with what they reference) until their __gc runs.
    assert!(matches!(objs[1].get_int(1), Value::Table(t) if t.ptr_eq(inner)));
    // No new entry on a collection before the finalizers ran; the queue
    // keeps them alive.
    assert_eq!(collect_with(&mut heap, &[Value::Table(keep)]), 0);
    assert_eq!(heap.pending_finalizers(), 2);
    let first = heap.pop_finalizer().unwrap();
    let second = heap.pop_finalizer().unwrap();
    assert!(heap.pop_finalizer().is_none());
    assert!(matches!(first, Value::Table(t) if t.ptr_eq(objs[1])));
    assert!(matches!(second, Value::Table(t) if t.ptr_eq(objs[0])));
    // Once finalized they are ordinary garbage.
    collect_with(&mut heap, &[Value::Table(keep)]);
    assert_eq!(heap.object_count(), 2); // keep and "__mode"
    // Closing the state finalizes the rest.
    heap.queue_all_finalizers();
    assert!(matches!(heap.pop_finalizer(), Some(Value::Table(t)) if t.ptr_eq(keep)));
}

#[test]
fn finalized_object_can_register_again() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    heap.register_finalizer(Value::Table(t));
    collect_with(&mut heap, &[]);
    let v = heap.pop_finalizer().unwrap();
    // Its __gc stored it somewhere and set a metatable with __gc again.
    heap.register_finalizer(v);
    collect_with(&mut heap, &[]);
    assert!(matches!(heap.pop_finalizer(), Some(Value::Table(x)) if x.ptr_eq(t)));
}

#[test]
fn weak_tables_and_resurrection() {
    let mut heap = Heap::new();
    let wv = weak_table(&mut heap, "v");
    let wk = weak_table(&mut heap, "k");
    let obj = heap.alloc(Table::new(0, 0));
    heap.register_finalizer(Value::Table(obj));
    wv.set_int(&mut heap, 1, Value::Table(obj));
    wk.set(&mut heap, Value::Table(obj), Value::Int(1)).unwrap();
    collect_with(&mut heap, &[Value::Table(wv), Value::Table(wk)]);
    // As the reference: weak values referring to an object being finalized
    // are cleared, weak keys are kept until the object really dies.
    assert!(wv.get_int(1).is_nil());
    assert!(matches!(wk.get(Value::Table(obj)), Value::Int(1)));
    let _ = heap.pop_finalizer();
    collect_with(&mut heap, &[Value::Table(wv), Value::Table(wk)]);
    assert_eq!(wk.count(), 0);
}

#[test]
fn userdata_finalizers_and_tracing() {
    let mut heap = Heap::new();
    let mt = heap.alloc(Table::new(0, 0));
    let uv = heap.alloc(Table::new(0, 0));
    let u = heap.alloc(UserData {
        data: RefCell::new(Box::new(42u32)),
        metatable: Cell::new(Some(mt)),
        user_values: RefCell::new(vec![Value::Table(uv)]),
    });
    heap.register_finalizer(Value::UserData(u));
    collect_with(&mut heap, &[]);
    // Resurrected with its metatable and user values.
    assert_eq!(heap.object_count(), 4);
    let v = heap.pop_finalizer().unwrap();
    assert!(matches!(v, Value::UserData(x) if x.ptr_eq(u)));
    assert_eq!(*u.data.borrow().downcast_ref::<u32>().unwrap(), 42);
    collect_with(&mut heap, &[]);
    assert_eq!(heap.object_count(), 1);
}

#[test]
fn pacing_and_parameters() {
    let mut heap = Heap::new();
    assert_eq!(heap.pause(), 200);
    assert_eq!(heap.set_pause(150), 200);
    assert_eq!(heap.pause(), 148); // stored as the reference stores it
    assert_eq!(heap.set_pause(100), 148);
    assert_eq!(heap.set_stepmul(400), 100);
    assert_eq!(heap.set_generational(10, 50), GcMode::Incremental);
    assert_eq!(heap.set_incremental(0, 0, 0), GcMode::Generational);
    assert_eq!(heap.pause(), 100);
    let big = heap.alloc(Table::new(100_000, 0));
    collect_with(&mut heap, &[Value::Table(big)]);
    let live = heap.bytes_in_use();
    assert!(live >= 100_000 * 16);
    // A pause of 100% would collect again at once: the heap may grow by a
    // quarter first.
    assert_eq!(heap.threshold(), live + live / 4);
    heap.set_pause(200);
    collect_with(&mut heap, &[Value::Table(big)]);
    assert_eq!(heap.threshold(), 2 * heap.bytes_in_use());
    assert!(!heap.should_collect());
    heap.set_threshold(0);
    assert!(heap.should_collect());
    heap.set_running(false);
    assert!(!heap.should_collect());
    heap.set_running(true);
    heap.set_stress(true);
    collect_with(&mut heap, &[Value::Table(big)]);
    assert!(heap.should_collect());
    heap.set_stress(false);
    assert!(!heap.should_collect());
}

/// `collectgarbage("setpause", v)` then `("setpause", 200)` returns what
/// lua5.4 returns (testdata/lua/lib_base_collectgarbage.lua).
#[test]
fn parameters_stored_as_the_reference() {
    let mut heap = Heap::new();
    let cases: &[(i64, i64)] = &[
        (0, 0),
        (2, 0),
        (10, 8),
        (90, 88),
        (150, 148),
        (250, 248),
        (500, 500),
        (1021, 1020),
        (5000, 904),
        (30000, 304),
        (0x7ffffffe, 1020),
        (-1, 0),
        (-8, 1016),
        (1 << 40, 0),
    ];
    for &(v, want) in cases {
        heap.set_pause(v);
        heap.set_stepmul(v);
        assert_eq!(heap.set_pause(200), want, "{v}");
        assert_eq!(heap.set_stepmul(100), want, "{v}");
    }
    heap.set_incremental(150, 250, 10);
    assert_eq!((heap.set_pause(200), heap.set_stepmul(100)), (148, 248));
    heap.set_incremental(0, 300, 0);
    assert_eq!((heap.set_pause(200), heap.set_stepmul(100)), (200, 300));
}

#[test]
fn seeded_heaps_traverse_alike() {
    let order = |seed| {
        let mut heap = Heap::with_seed(seed);
        let t = heap.alloc(Table::new(0, 0));
        for i in 0..50 {
            let k = str_v(&mut heap, &format!("k{i}"));
            t.set(&mut heap, k, Value::Int(i)).unwrap();
        }
        let mut keys = Vec::new();
        let mut k = Value::Nil;
        while let Some((nk, _)) = t.next(k).unwrap() {
            keys.push(nk.as_str().unwrap().as_bytes().to_vec());
            k = nk;
        }
        keys
    };
    assert_eq!(order(7), order(7));
    assert_ne!(order(7), order(8));
}

#[test]
fn bytes_are_recounted_by_the_sweep() {
    let mut heap = Heap::new();
    let base = {
        collect_with(&mut heap, &[]);
        heap.bytes_in_use()
    };
    let mut strs: Vec<LuaStr> = Vec::new();
    for i in 0..100 {
        strs.push(heap.new_str(format!("{i:0>100}").as_bytes()));
    }
    assert!(heap.bytes_in_use() >= base + 100 * 100);
    collect_with(&mut heap, &[]);
    assert_eq!(heap.bytes_in_use(), base);
}

/// A table with weak keys and values is cleared as the reference's
/// `atomic` does: first the entries whose values are dead (their string
/// keys are then garbage too), then those whose keys are dead; a string
/// key is kept only with its entry (the test suite's gc.lua checks the
/// memory this frees). With weak values only, keys are strong: the string
/// key of a cleared entry survives this collection.
#[test]
fn weak_kv_tables_free_the_string_keys_of_dead_values() {
    for (mode, freed) in [("kv", 2), ("v", 1)] {
        let mut heap = Heap::new();
        let w = weak_table(&mut heap, mode);
        let kept = str_v(&mut heap, "a string key with a number value");
        w.set(&mut heap, kept, Value::Int(25)).unwrap();
        let doomed = str_v(&mut heap, "a string key with a dead table value");
        let dead = heap.alloc(Table::new(0, 0));
        w.set(&mut heap, doomed, Value::Table(dead)).unwrap();
        let before = heap.object_count();
        collect_with(&mut heap, &[Value::Table(w)]);
        assert_eq!(before - heap.object_count(), freed, "{mode}");
        assert_eq!(w.count(), 1, "{mode}");
        let (k, v) = w.next(Value::Nil).unwrap().expect("one entry");
        assert!(k.raw_eq(&kept) && matches!(v, Value::Int(25)), "{mode}");
        // The kept key is still a live, interned string.
        let again = str_v(&mut heap, "a string key with a number value");
        assert!(matches!(w.get(again), Value::Int(25)), "{mode}");
    }
}
