//! Tests of the table (ported from the Go version's table_test.go, plus a
//! model test against a `HashMap`).

use super::*;
use std::collections::HashMap;

fn s(heap: &mut Heap, text: &str) -> Value {
    Value::Str(heap.new_str(text.as_bytes()))
}

fn as_int(v: Value) -> i64 {
    match v {
        Value::Int(i) => i,
        other => panic!("not an integer: {other:?}"),
    }
}

#[test]
fn array_and_hash() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in 1..=100 {
        t.set_int(&mut heap, i, Value::Int(i * i));
    }
    // The array part has the reference's size: the power of two that 100
    // appended keys grow it to.
    assert_eq!(t.len(), 100);
    assert_eq!(t.array_size(), 128);
    let (x, y) = (s(&mut heap, "x"), s(&mut heap, "y"));
    t.set(&mut heap, x, y).unwrap();
    let Value::Str(xs) = x else { unreachable!() };
    assert!(t.get_str(xs).raw_eq(&y));
    assert!(t.get(x).raw_eq(&y));
    // Float keys with integral values are integers.
    let three = s(&mut heap, "three");
    t.set(&mut heap, Value::Float(3.0), three).unwrap();
    assert!(t.get_int(3).raw_eq(&three));
    assert!(t.get(Value::Float(3.0)).raw_eq(&three));
    assert_eq!(
        t.set(&mut heap, Value::Float(f64::NAN), Value::Bool(true)),
        Err(KeyError::NaN)
    );
    assert_eq!(
        t.set(&mut heap, Value::Float(f64::NAN), Value::Nil),
        Err(KeyError::NaN)
    );
    assert_eq!(
        t.set(&mut heap, Value::Nil, Value::Bool(true)),
        Err(KeyError::Nil)
    );
    assert!(t.get(Value::Float(f64::NAN)).is_nil());
    assert!(t.get(Value::Nil).is_nil());
    // -0.0 is the integer 0.
    t.set(&mut heap, Value::Float(-0.0), Value::Int(7)).unwrap();
    assert_eq!(as_int(t.get_int(0)), 7);
}

#[test]
fn reverse_fill_migrates() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in (1..=50).rev() {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    assert_eq!(t.len(), 50);
    for i in 1..=50 {
        assert_eq!(as_int(t.get_int(i)), i);
    }
    assert!(t.array_size() >= 32);
}

#[test]
fn next_while_clearing() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in 1..=10 {
        t.set_int(&mut heap, i, Value::Int(i));
        let k = s(&mut heap, &((b'a' + i as u8) as char).to_string());
        t.set(&mut heap, k, Value::Int(i)).unwrap();
    }
    let mut seen = 0;
    let mut k = Value::Nil;
    while let Some((nk, _)) = t.next(k).unwrap() {
        seen += 1;
        t.set(&mut heap, nk, Value::Nil).unwrap(); // clearing during traversal is allowed
        k = nk;
    }
    assert_eq!(seen, 20);
    assert_eq!(t.count(), 0);
    assert!(t.is_empty());
}

#[test]
fn next_errors_for_absent_key() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    t.set_int(&mut heap, 1, Value::Int(1));
    let k = s(&mut heap, "nope");
    assert!(t.next(k).is_err());
    assert!(matches!(t.next(Value::Int(1)), Ok(None)));
    assert!(matches!(t.next(Value::Float(1.0)), Ok(None)));
    assert!(t.next(Value::Int(2)).is_err());
}

#[test]
fn border_with_holes() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in 1..=8 {
        t.set_int(&mut heap, i, Value::Bool(true));
    }
    t.set_int(&mut heap, 8, Value::Nil);
    assert_eq!(t.len(), 7);
    t.set_int(&mut heap, 4, Value::Nil);
    let n = t.len();
    assert!(t.get_int(n + 1).is_nil() && (n == 0 || !t.get_int(n).is_nil()));
}

#[test]
fn many_keys() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in 0..10000 {
        t.set(&mut heap, Value::Float(i as f64 + 0.5), Value::Int(i))
            .unwrap();
    }
    for i in 0..10000 {
        assert_eq!(as_int(t.get(Value::Float(i as f64 + 0.5))), i);
    }
    for i in (0..10000).step_by(2) {
        t.set(&mut heap, Value::Float(i as f64 + 0.5), Value::Nil)
            .unwrap();
    }
    assert_eq!(t.count(), 5000);
}

#[test]
fn compute_sizes_as_the_reference() {
    let cases: &[(&[i64], usize, usize)] = &[
        (&[], 0, 0),
        (&[1], 1, 1),
        (&[2], 0, 0),
        (&[1, 2, 4], 4, 3),
        (&[1, 3], 1, 1),
        (&[1, 2, 3, 5], 4, 3),
        (&[1, 2, 3, 5, 6], 8, 5),
        (&[2, 4, 7], 0, 0),
        (&[1, 1 << 31], 1, 1),
    ];
    for &(keys, size, in_array) in cases {
        let mut nums = [0usize; MAX_ARRAY_BITS + 1];
        let mut ints = 0;
        for &k in keys {
            if let Some(b) = array_bucket(&Value::Int(k)) {
                nums[b] += 1;
                ints += 1;
            }
        }
        assert_eq!(
            compute_sizes(&nums, ints),
            (size, in_array),
            "keys {keys:?}"
        );
    }
}

/// Reads past the hint move it (as the reference's luaH_getint does).
#[test]
fn length_hint() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in 1..=8 {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    t.set_int(&mut heap, 8, Value::Nil);
    assert_eq!(t.len(), 7);
    assert_eq!(t.with(|p| (p.alimit, p.arr.len())), (7, 8));
    t.set_int(&mut heap, 4, Value::Nil);
    assert!(t.get_int(8).is_nil());
    assert_eq!(t.with(|p| p.alimit), 8);
    t.set_int(&mut heap, 7, Value::Nil);
    // From the hint 8 the search is a binary one (from 7 it would be 6).
    assert_eq!(t.len(), 3);
}

/// Borders found by lua5.4 for tables built in these ways (from
/// testdata/lua/core_length_borders.lua and `lua5.4 -e`).
#[test]
fn borders_as_lua() {
    let mut heap = Heap::new();
    // local t = {} for i = 1, 10 do t[i] = i end t[5] = nil  -> #t == 10
    let t = Table::new(0, 0);
    for i in 1..=10 {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    t.set_int(&mut heap, 5, Value::Nil);
    assert_eq!(t.len(), 10);
    // t = {1, 2, nil, 4} (constructor: array of 4) -> 4
    let t = Table::new(4, 0);
    for i in [1, 2, 4] {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    assert_eq!(t.len(), 4);
    // t = {nil, nil, 3} -> 3
    let t = Table::new(3, 0);
    t.set_int(&mut heap, 3, Value::Int(3));
    assert_eq!(t.len(), 3);
    // t = {} t[1]=1 t[2]=2 t[4]=4 -> 4
    let t = Table::new(0, 0);
    for i in [1, 2, 4] {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    assert_eq!(t.len(), 4);
    // Hash-part integer keys: t = {} t[2]=2 -> 0; then t[1]=1 -> 2
    let t = Table::new(0, 0);
    t.set_int(&mut heap, 2, Value::Int(2));
    assert_eq!(t.len(), 0);
    t.set_int(&mut heap, 1, Value::Int(1));
    assert_eq!(t.len(), 2);
    // t[math.maxinteger] with a full chain up to it is found as a border.
    let t = Table::new(0, 0);
    t.set_int(&mut heap, 1, Value::Int(1));
    t.set_int(&mut heap, i64::MAX, Value::Int(1));
    assert_eq!(t.len(), 1);
}

/// Compares `#` with the system's lua5.4 on random sequences of writes
/// (when lua5.4 is installed).
#[test]
fn borders_against_lua() {
    let mut rng = XorShift(0x1234_5678_9abc_def1);
    let mut script = String::new();
    let mut programs = Vec::new();
    for _ in 0..60 {
        let mut ops = Vec::new();
        let n = 1 + rng.next() % 40;
        for _ in 0..n {
            let k = 1 + (rng.next() % 24) as i64;
            let set = !rng.next().is_multiple_of(3);
            ops.push((k, set));
        }
        programs.push(ops);
    }
    for ops in &programs {
        script.push_str("do local t = {} ");
        for &(k, set) in ops {
            script.push_str(&format!(
                "t[{k}] = {} io.write(#t, ' ') ",
                if set { "true" } else { "nil" }
            ));
        }
        script.push_str("print() end\n");
    }
    let Ok(out) = std::process::Command::new("lua5.4")
        .arg("-e")
        .arg(&script)
        .output()
    else {
        return;
    };
    let text = String::from_utf8(out.stdout).unwrap();
    let mut heap = Heap::new();
    for (ops, line) in programs.iter().zip(text.lines()) {
        let t = Table::new(0, 0);
        let mut got = String::new();
        for &(k, set) in ops {
            t.set_int(
                &mut heap,
                k,
                if set { Value::Bool(true) } else { Value::Nil },
            );
            got.push_str(&format!("{} ", t.len()));
        }
        assert_eq!(got.trim_end(), line.trim_end(), "ops {ops:?}");
    }
}

#[test]
fn replace_only_existing() {
    let mut heap = Heap::new();
    let t = Table::new(2, 0);
    let Value::Str(k) = s(&mut heap, "k") else {
        unreachable!()
    };
    assert!(!t.replace_str(k, Value::Int(1)));
    assert!(t.get_str(k).is_nil());
    t.set_str(&mut heap, k, Value::Int(1));
    assert!(t.replace_str(k, Value::Int(2)));
    assert_eq!(as_int(t.get_str(k)), 2);
    assert!(!t.replace_int(1, Value::Int(1)));
    t.set_int(&mut heap, 1, Value::Int(1));
    assert!(t.replace_int(1, Value::Int(5)));
    assert!(t.replace(Value::Float(1.0), Value::Int(6)));
    assert_eq!(as_int(t.get_int(1)), 6);
    assert!(!t.replace(Value::Nil, Value::Int(1)));
    assert!(!t.replace(Value::Float(2.5), Value::Int(1)));
    // A removed field is not replaced (it may have a __newindex to call).
    t.set_str(&mut heap, k, Value::Nil);
    assert!(!t.replace_str(k, Value::Int(3)));
}

#[test]
fn metamethod_cache() {
    let mut heap = Heap::new();
    let mt = Table::new(0, 0);
    let Value::Str(index) = s(&mut heap, "__index") else {
        unreachable!()
    };
    assert!(mt.fast_metamethod(TagMethod::Index, index).is_none());
    assert!(mt.metamethod_absent(TagMethod::Index));
    // Adding any key clears the cache.
    let other = s(&mut heap, "other");
    mt.set(&mut heap, other, Value::Int(1)).unwrap();
    assert!(!mt.metamethod_absent(TagMethod::Index));
    mt.set_str(&mut heap, index, Value::Int(9));
    assert_eq!(
        as_int(mt.fast_metamethod(TagMethod::Index, index).unwrap()),
        9
    );
    // Removing and re-adding: the re-added key clears the cache too.
    mt.set_str(&mut heap, index, Value::Nil);
    assert!(mt.fast_metamethod(TagMethod::Index, index).is_none());
    mt.set_str(&mut heap, index, Value::Int(10));
    assert_eq!(
        as_int(mt.fast_metamethod(TagMethod::Index, index).unwrap()),
        10
    );
}

#[test]
fn long_string_keys_by_contents() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    let text = "a fairly long string key that is not interned at all";
    let k1 = s(&mut heap, text);
    let k2 = s(&mut heap, text);
    t.set(&mut heap, k1, Value::Int(1)).unwrap();
    assert_eq!(as_int(t.get(k2)), 1);
    t.set(&mut heap, k2, Value::Int(2)).unwrap();
    assert_eq!(t.count(), 1);
    assert_eq!(as_int(t.get(k1)), 2);
}

#[test]
fn string_keys_past_their_main_slot() {
    // Enough keys that many lie past their main slot (at most 3/4 of the
    // slots are used), so that `get_str` takes the probe for interned
    // and for long keys, hits and misses alike.
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    let long = |i: i32| format!("a long key, not interned, number {i:04} of the set");
    for i in 0..200 {
        let (k, l) = (s(&mut heap, &format!("k{i}")), s(&mut heap, &long(i)));
        t.set(&mut heap, k, Value::Int(i.into())).unwrap();
        t.set(&mut heap, l, Value::Int((1000 + i).into())).unwrap();
    }
    for i in 0..200 {
        let Value::Str(k) = s(&mut heap, &format!("k{i}")) else {
            unreachable!()
        };
        let Value::Str(l) = s(&mut heap, &long(i)) else {
            unreachable!()
        };
        assert_eq!(as_int(t.get_str(k)), i64::from(i));
        assert_eq!(as_int(t.get_str(l)), 1000 + i64::from(i));
        let Value::Str(k) = s(&mut heap, &format!("absent{i}")) else {
            unreachable!()
        };
        let Value::Str(l) = s(&mut heap, &long(200 + i)) else {
            unreachable!()
        };
        assert!(t.get_str(k).is_nil() && t.get_str(l).is_nil());
    }
}

#[test]
fn storage_is_charged() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    let before = heap.bytes_in_use();
    for i in 1..=1000 {
        t.set_int(&mut heap, i, Value::Int(i));
        t.set(&mut heap, Value::Float(i as f64 + 0.5), Value::Int(i))
            .unwrap();
    }
    assert_eq!(heap.bytes_in_use() - before, t.extra_size());
}

#[test]
fn resizing_by_hand_is_charged_once() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    for i in 0..100 {
        t.set(&mut heap, Value::Float(i as f64 + 0.5), Value::Int(i))
            .unwrap();
    }
    let before = heap.bytes_in_use() - t.extra_size();
    t.resize(&mut heap, 4, 1); // too small a hash part: it grows
    t.resize(&mut heap, 300, 0);
    t.resize(&mut heap, 0, 200);
    assert_eq!(heap.bytes_in_use() - before, t.extra_size());
    assert_eq!(t.count(), 100);
}

#[test]
fn ensure_array_moves_hash_keys() {
    let mut heap = Heap::new();
    let t = Table::new(0, 0);
    for i in [5, 3, 9] {
        t.set_int(&mut heap, i, Value::Int(i));
    }
    t.ensure_array(&mut heap, 16);
    assert_eq!(t.array_size(), 16);
    for i in [5, 3, 9] {
        assert_eq!(as_int(t.get_int(i)), i);
    }
    assert_eq!(t.count(), 3);
}

/// A tiny xorshift generator for the model tests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum MKey {
    Int(i64),
    Str(Vec<u8>),
    Float(u64),
    Bool(bool),
}

fn mkey(v: Value) -> MKey {
    match v {
        Value::Int(i) => MKey::Int(i),
        Value::Str(s) => MKey::Str(s.as_bytes().to_vec()),
        Value::Float(f) => MKey::Float(f.to_bits()),
        Value::Bool(b) => MKey::Bool(b),
        other => panic!("unexpected key {other:?}"),
    }
}

/// Random sets, deletions, appends and removals at the border, compared
/// with a `HashMap` after every step: lookups, a full traversal with `next`
/// (each key once), and that `#` is a border.
#[test]
fn model() {
    for seed in 1..=40u64 {
        let mut rng = XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut heap = Heap::new();
        let t = Table::new(0, 0);
        let mut model: HashMap<MKey, (Value, i64)> = HashMap::new();
        let range = [8u64, 40, 200][seed as usize % 3];
        for step in 0..600 {
            let r = rng.next();
            let b = (r >> 8) % range;
            let key = match r % 5 {
                0 | 1 => Value::Int(b as i64 - 4),
                2 => s(&mut heap, &format!("k{b}")),
                3 => Value::Float(b as f64 + 0.5),
                _ => Value::Bool(b.is_multiple_of(2)),
            };
            let op = (r >> 32) % 100;
            if op < 45 {
                let v = step as i64 + 1;
                t.set(&mut heap, key, Value::Int(v)).unwrap();
                model.insert(mkey(key), (key, v));
            } else if op < 70 {
                t.set(&mut heap, key, Value::Nil).unwrap();
                model.remove(&mkey(key));
            } else if op < 90 {
                let n = t.len();
                t.set_int(&mut heap, n + 1, Value::Int(-(step as i64)));
                model.insert(MKey::Int(n + 1), (Value::Int(n + 1), -(step as i64)));
            } else {
                let n = t.len();
                if n > 0 {
                    t.set_int(&mut heap, n, Value::Nil);
                    model.remove(&MKey::Int(n));
                }
            }
            for (k, v) in model.values() {
                assert_eq!(as_int(t.get(*k)), *v, "seed {seed} step {step}: t[{k:?}]");
            }
            let mut seen = std::collections::HashSet::new();
            let mut k = Value::Nil;
            while let Some((nk, nv)) = t.next(k).unwrap() {
                let mk = mkey(nk);
                assert!(
                    seen.insert(mk.clone()),
                    "seed {seed} step {step}: {nk:?} twice"
                );
                assert_eq!(
                    model.get(&mk).map(|e| e.1),
                    Some(as_int(nv)),
                    "seed {seed} step {step}"
                );
                k = nk;
            }
            assert_eq!(seen.len(), model.len(), "seed {seed} step {step}");
            assert_eq!(t.count(), model.len());
            let n = t.len();
            assert!(
                n >= 0 && (n == 0 || !t.get_int(n).is_nil()) && t.get_int(n + 1).is_nil(),
                "seed {seed} step {step}: #t = {n}"
            );
        }
    }
}

/// `set_str_fill` leaves a table exactly as `set_str` does: the same
/// entries in the same order (`next`), the same sizes, through new keys,
/// overwrites, removals, revivals and growth past the room it was made
/// with.
#[test]
fn set_str_fill_is_set_str() {
    let mut heap = Heap::new();
    let names: Vec<LuaStr> = (0..60)
        .map(|i| heap.new_str(format!("k{i}").as_bytes()))
        .collect();
    let a = heap.alloc(Table::new(0, 20));
    let b = heap.alloc(Table::new(0, 20));
    let mut x = 12345u64;
    for step in 0..400 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = names[(x >> 33) as usize % names.len()];
        let v = if (x >> 20).is_multiple_of(5) {
            Value::Nil
        } else {
            Value::Int(step)
        };
        a.set_str(&mut heap, k, v);
        b.set_str_fill(&mut heap, k, v);
        let (mut ka, mut kb) = (Value::Nil, Value::Nil);
        loop {
            let (na, nb) = (a.next(ka).unwrap(), b.next(kb).unwrap());
            match (na, nb) {
                (None, None) => break,
                (Some((k1, v1)), Some((k2, v2))) => {
                    assert!(k1.raw_eq(&k2) && v1.raw_eq(&v2), "step {step}");
                    (ka, kb) = (k1, k2);
                }
                _ => panic!("step {step}: different lengths"),
            }
        }
        assert_eq!(
            a.with(|p| (p.used, p.hlog, p.node_len())),
            b.with(|p| (p.used, p.hlog, p.node_len()))
        );
    }
}

/// `reserve` gives room without changing the contents, and only when
/// the room is short.
#[test]
fn reserve_makes_room_once() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(2, 0));
    t.set_int(&mut heap, 1, Value::Int(10));
    let a = s(&mut heap, "a");
    t.set(&mut heap, a, Value::Int(1)).unwrap();
    let arr = t.array_size();
    t.reserve(&mut heap, 20);
    let room = t.with(|p| (p.node_len(), p.hlog));
    assert_eq!(t.array_size(), arr);
    assert!(t.get(a).raw_eq(&Value::Int(1)) && t.get_int(1).raw_eq(&Value::Int(10)));
    // Adding the 20 keys changes no size; reserving again changes nothing.
    for i in 0..20 {
        let k = s(&mut heap, &format!("k{i}"));
        t.set(&mut heap, k, Value::Int(i)).unwrap();
        assert_eq!(t.with(|p| (p.node_len(), p.hlog)), room, "key {i}");
    }
    t.reserve(&mut heap, 0);
    assert_eq!(t.with(|p| (p.node_len(), p.hlog)), room);
    assert_eq!(t.count(), 22);
}

/// Every kind of key and value goes through a 24-byte node and comes back
/// as it was (a boolean's one-byte payload, a float's bits, an object's
/// address), by lookup and by `next`, through a growth of the hash part.
#[test]
fn nodes_keep_every_kind_of_key_and_value() {
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 1));
    let other = heap.alloc(Table::new(0, 0));
    let sk = s(&mut heap, "key");
    let sv = s(&mut heap, "value");
    let pairs = [
        (Value::Bool(true), Value::Bool(false)),
        (Value::Bool(false), Value::Bool(true)),
        (Value::Float(0.5), Value::Float(-0.0)),
        (Value::Int(-3), Value::Int(i64::MIN)),
        (sk, sv),
        (
            Value::LightUserData(0xdead),
            Value::LightUserData(usize::MAX),
        ),
        (Value::Table(other), Value::Table(t)),
        (Value::Int(i64::MAX), Value::Float(f64::INFINITY)),
    ];
    for (k, v) in pairs {
        t.set(&mut heap, k, v).unwrap();
    }
    let same = |a: Value, b: Value| match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a.raw_eq(&b),
    };
    for (k, v) in pairs {
        assert!(same(t.get(k), v), "t[{k:?}]");
    }
    let mut seen = 0;
    let mut k = Value::Nil;
    while let Some((nk, nv)) = t.next(k).unwrap() {
        let (_, v) = pairs.iter().find(|(pk, _)| pk.raw_eq(&nk)).unwrap();
        assert!(same(nv, *v), "next: {nk:?}");
        seen += 1;
        k = nk;
    }
    assert_eq!(seen, pairs.len());
    // A removed key reads as absent; its slot stays for `next`.
    t.set(&mut heap, Value::Bool(false), Value::Nil).unwrap();
    assert!(t.get(Value::Bool(false)).is_nil());
    assert!(same(t.get(Value::Bool(true)), Value::Bool(false)));
    assert!(t.next(Value::Bool(false)).is_ok());
}

/// The hash storage a table is made with holds its keys at a load of at
/// most 3/4, and no more than that needs: 3 keys in 4 slots (as a table
/// filled key by key has them), 4 in 8, 6 in 8, 7 in 16.
#[test]
fn hash_storage_for_a_count() {
    for (n, slots) in [
        (0, 0),
        (1, 2),
        (2, 4),
        (3, 4),
        (4, 8),
        (6, 8),
        (7, 16),
        (12, 16),
    ] {
        assert_eq!(hash_size_for(n), slots, "{n} keys");
        let t = Table::new(0, n);
        assert_eq!(t.with(|p| p.node_len()), slots, "{n} keys");
    }
    let mut heap = Heap::new();
    let t = heap.alloc(Table::new(0, 0));
    for (i, name) in ["a", "b", "c"].into_iter().enumerate() {
        let k = s(&mut heap, name);
        t.set(&mut heap, k, Value::Int(i as i64)).unwrap();
    }
    assert_eq!(t.with(|p| p.node_len()), hash_size_for(3));
}
