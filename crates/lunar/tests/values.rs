//! Value and number behaviour, ported from the Go version's
//! value_test.go and table_test.go: the kinds of values, raw equality,
//! strings to numbers, number formatting, integer and float arithmetic,
//! conversions and comparisons, and what Lua sees of tables. Most cases
//! are Lua snippets whose printed output is compared with the reference's
//! (checked against `lua5.4` where it is installed); a few use the VM's
//! Rust API directly, as the Go tests did (`Value`, `lunar_vm::number`,
//! `Table`).

mod snippets;

use lunar::Program;
use lunar::raw::{StateExt, Type, Value};
use lunar_vm::number::{float_mod, fmt_number, int_floor_div, int_mod, str_to_number};
use snippets::*;
use std::collections::HashMap;

// ----- the VM's Rust API (value_test.go, table_test.go) -----

/// A `Value` stays 16 bytes (TestValueSize).
#[test]
fn value_size() {
    assert_eq!(std::mem::size_of::<Value>(), 16);
}

/// Each kind of value has its type (TestValueKinds).
#[test]
fn value_kinds() {
    let mut state = lunar::raw::new_state();
    let s = state.str_value(b"abc");
    let empty = state.str_value(b"");
    let t = Value::Table(state.new_table(0, 0));
    let print = state.get_global("print");
    let cases = [
        (Value::Nil, Type::Nil),
        (Value::Bool(true), Type::Boolean),
        (Value::Bool(false), Type::Boolean),
        (Value::Int(0), Type::Number),
        (Value::Int(-1), Type::Number),
        (Value::Float(0.5), Type::Number),
        (empty, Type::String),
        (s, Type::String),
        (t, Type::Table),
        (print, Type::Function),
        (state.new_userdata(Box::new(1u8)), Type::UserData),
    ];
    for (v, want) in cases {
        assert_eq!(v.type_of(), want, "{}", v.type_name());
    }
    // An integer whose bits look like a NaN's is still an integer.
    let v = Value::Int(0x7ff8_0000_0000_0003);
    assert!(matches!(v, Value::Int(_)) && v.is_number() && v.as_str().is_none());
}

/// Raw equality across number subtypes and strings (TestRawEqual).
#[test]
fn value_raw_equal() {
    let mut state = lunar::raw::new_state();
    let ab = state.str_value(b"ab");
    let ab2 = state.str_value(&b"abc"[..2]);
    let abc = state.str_value(b"abc");
    let cases = [
        (Value::Int(1), Value::Float(1.0), true),
        (Value::Float(0.0), Value::Float(-0.0), true),
        (Value::Float(f64::NAN), Value::Float(f64::NAN), false),
        (ab, ab2, true),
        (ab, abc, false),
        (Value::Int(1 << 53), Value::Float((1u64 << 53) as f64), true),
        (
            Value::Int((1 << 53) + 1),
            Value::Float((1u64 << 53) as f64),
            false,
        ),
        (
            Value::Int(i64::MAX),
            Value::Float(9_223_372_036_854_775_808.0),
            false,
        ),
        (
            Value::Int(i64::MIN),
            Value::Float(-9_223_372_036_854_775_808.0),
            true,
        ),
        (Value::Nil, Value::Bool(false), false),
        (Value::Int(0), Value::Bool(false), false),
    ];
    for (a, b, want) in cases {
        assert_eq!(a.raw_eq(&b), want, "{a:?} vs {b:?}");
        assert_eq!(b.raw_eq(&a), want, "{b:?} vs {a:?}");
    }
}

/// Numerals to numbers, keeping the subtype (TestStringToNumber).
#[test]
fn value_string_to_number() {
    let cases: &[(&str, Option<Value>)] = &[
        ("10", Some(Value::Int(10))),
        ("  0x10  ", Some(Value::Int(16))),
        ("-0x1", Some(Value::Int(-1))),
        ("0xffffffffffffffff", Some(Value::Int(-1))),
        ("9223372036854775807", Some(Value::Int(i64::MAX))),
        (
            "9223372036854775808",
            Some(Value::Float(9_223_372_036_854_775_808.0)),
        ),
        ("-9223372036854775808", Some(Value::Int(i64::MIN))),
        ("1e2", Some(Value::Float(100.0))),
        (".5", Some(Value::Float(0.5))),
        ("5.", Some(Value::Float(5.0))),
        ("0x1p4", Some(Value::Float(16.0))),
        ("0x.8", Some(Value::Float(0.5))),
        ("inf", None),
        ("nan", None),
        ("1e", None),
        ("", None),
        ("0x", None),
        ("1_000", None),
    ];
    for (s, want) in cases {
        let got = str_to_number(s.as_bytes());
        let same = match (got, want) {
            (Some(Value::Int(a)), Some(Value::Int(b))) => a == *b,
            (Some(Value::Float(a)), Some(Value::Float(b))) => a == *b,
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{s:?}: got {got:?}, want {want:?}");
    }
}

/// Floats as `tostring` writes them (TestFormatFloat).
#[test]
fn value_format_float() {
    let cases = [
        (1.0, "1.0"),
        (1e15, "1e+15"),
        (1e100, "1e+100"),
        (0.1, "0.1"),
        (1.0 / 3.0, "0.33333333333333"),
        (123456789012345.0, "1.2345678901234e+14"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (2.5e-5, "2.5e-05"),
        (100.0, "100.0"),
        (-0.0, "-0.0"),
    ];
    for (f, want) in cases {
        let got = fmt_number(Value::Float(f));
        assert_eq!(String::from_utf8_lossy(&got), want, "{f:?}");
    }
    assert_eq!(fmt_number(Value::Int(i64::MIN)), b"-9223372036854775808");
}

/// Floor division and modulo at the edges (TestIntArith).
#[test]
fn value_int_arith() {
    assert_eq!(int_floor_div(7, -2), -4);
    assert_eq!(int_floor_div(-7, 2), -4);
    assert_eq!(int_floor_div(i64::MIN, -1), i64::MIN);
    assert_eq!(int_mod(-7, 3), 2);
    assert_eq!(int_mod(7, -3), -2);
    assert_eq!(int_mod(i64::MIN, -1), 0);
    assert_eq!(float_mod(-7.0, 3.0), 2.0);
    assert_eq!(float_mod(5.5, f64::INFINITY), 5.5);
    assert_eq!(float_mod(-5.5, f64::INFINITY), f64::INFINITY);
    // Tiny operands (the product of remainder and divisor underflows) and
    // an infinite divisor of the remainder's sign.
    assert_eq!(float_mod(-1e-300, 1e-299), 9e-300);
    assert_eq!(float_mod(-5.5, f64::NEG_INFINITY), -5.5);
    assert_eq!(float_mod(5.5, f64::NEG_INFINITY), f64::NEG_INFINITY);
}

/// A small deterministic generator for the table model test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u8 {
        // xorshift64*: plenty for picking test operations.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
    }
}

/// A table driven with integer, float, string and boolean keys (sets,
/// deletions, appends at the border, removals of the last element) agrees
/// with a model after every step: lookups, a full traversal with `next`
/// visiting each key once, and `#` being a border (FuzzTableModel, run on
/// fixed pseudo-random inputs).
#[test]
fn table_model() {
    let mut state = lunar::raw::new_state();
    for seed in 1..=24u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let t = state.new_table(0, 0);
        // The model, by a key's description: the values it should hold.
        let mut model: HashMap<String, (Value, i64)> = HashMap::new();
        let key = |state: &mut lunar::raw::State, b: u8| -> (String, Value) {
            match b % 4 {
                0 | 1 => {
                    let i = i64::from(b >> 2) - 4;
                    (format!("int {i}"), Value::Int(i))
                }
                2 => {
                    let c = b'a' + (b >> 3);
                    (format!("str {}", c as char), state.str_value(&[c]))
                }
                _ => {
                    let f = f64::from(b >> 2) + 0.5;
                    (format!("float {f}"), Value::Float(f))
                }
            }
        };
        for step in 0..300 {
            let (id, k) = key(&mut state, rng.next());
            let op = rng.next();
            match op {
                0..100 => {
                    let v = i64::from(op) + 1;
                    state.raw_set(t, k, Value::Int(v)).unwrap();
                    model.insert(id, (k, v));
                }
                100..170 => {
                    state.raw_set(t, k, Value::Nil).unwrap();
                    model.remove(&id);
                }
                170..220 => {
                    let n = t.len();
                    state
                        .raw_set(t, Value::Int(n + 1), Value::Int(op.into()))
                        .unwrap();
                    model.insert(format!("int {}", n + 1), (Value::Int(n + 1), op.into()));
                }
                _ => {
                    let n = t.len();
                    if n > 0 {
                        state.raw_set(t, Value::Int(n), Value::Nil).unwrap();
                        model.remove(&format!("int {n}"));
                    }
                }
            }
            for (id, (k, v)) in &model {
                let got = t.get(*k);
                assert!(
                    matches!(got, Value::Int(g) if g == *v),
                    "seed {seed} step {step}: t[{id}] = {got:?}, want {v}"
                );
            }
            let mut seen = 0;
            let mut k = Value::Nil;
            while let Some((nk, _)) = t.next(k).expect("next") {
                assert!(
                    model.values().any(|(mk, _)| mk.raw_eq(&nk)),
                    "seed {seed} step {step}: next visits {nk:?}, not in the table"
                );
                seen += 1;
                k = nk;
            }
            assert_eq!(seen, model.len(), "seed {seed} step {step}: keys visited");
            let n = t.len();
            assert!(
                n >= 0 && (n == 0 || !t.get_int(n).is_nil()) && t.get_int(n + 1).is_nil(),
                "seed {seed} step {step}: #t = {n} is not a border"
            );
        }
    }
}

// ----- Lua snippets -----

/// type() of each kind of value, and math.type of numbers (TestValueKinds)
#[test]
fn value_types() {
    check(
        r#"
        print(type(nil), type(true), type(false), type(0), type(-1), type(0.5))
        print(type(""), type("abc"), type({}), type(print), type(function() end))
        print(type(io.stdout), type(coroutine.create(print)))
        print(math.type(0), math.type(-1), math.type(0.5), math.type("1"), math.type(nil))
        print(math.type(math.mininteger), math.type(0x7ff8000000000003), 0x7ff8000000000003)
        local f = string.unpack("d", string.pack("i8", 0x7ff8000000000003))
        print(math.type(f), f ~= f)
        "#,
        &[
            "nil\tboolean\tboolean\tnumber\tnumber\tnumber",
            "string\tstring\ttable\tfunction\tfunction",
            "userdata\tthread",
            "integer\tinteger\tfloat\tnil\tnil",
            "integer\tinteger\t9221120237041090563",
            "float\ttrue",
        ],
    );
}

/// rawequal and == on numbers of both subtypes and strings (TestRawEqual)
#[test]
fn raw_equality() {
    check(
        r#"
        local nan = 0/0
        print(rawequal(1, 1.0), 1 == 1.0, rawequal(0.0, -0.0), 0.0 == -0.0)
        print(rawequal(nan, nan), nan == nan, nan ~= nan)
        local a, b = "ab", ("abc"):sub(1, 2)
        print(rawequal(a, b), rawequal("ab", "a" .. "b"), rawequal("ab", "abc"))
        print(rawequal(1 << 53, 2.0 ^ 53), rawequal((1 << 53) + 1, 2.0 ^ 53), (1 << 53) + 1 == 2.0 ^ 53)
        print(rawequal(nil, false), rawequal(0, false), rawequal({}, {}), rawequal("1", 1))
        print(math.maxinteger == 2.0 ^ 63, math.maxinteger + 0.0 == 2.0 ^ 63, math.mininteger == -2.0 ^ 63)
        "#,
        &[
            "true\ttrue\ttrue\ttrue",
            "false\tfalse\ttrue",
            "true\ttrue\tfalse",
            "true\tfalse\tfalse",
            "false\tfalse\tfalse\tfalse",
            "false\ttrue\ttrue",
        ],
    );
}

/// tonumber on numerals, with the subtype of the result (TestStringToNumber)
#[test]
fn string_to_number() {
    check(
        r#"
        for _, s in ipairs({"10", "  0x10  ", "-0x1", "0xffffffffffffffff", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "1e2", ".5", "5.", "0x1p4", "0x.8",
            "inf", "nan", "1e", "", "0x", "1_000", " ", "1 2", "0x1P-2", "1E+2", "\t12\n"}) do
          local n = tonumber(s)
          print(string.format("%q", s), n, math.type(n))
        end
        "#,
        &[
            "\"10\"\t10\tinteger",
            "\"  0x10  \"\t16\tinteger",
            "\"-0x1\"\t-1\tinteger",
            "\"0xffffffffffffffff\"\t-1\tinteger",
            "\"9223372036854775807\"\t9223372036854775807\tinteger",
            "\"9223372036854775808\"\t9.2233720368548e+18\tfloat",
            "\"-9223372036854775808\"\t-9223372036854775808\tinteger",
            "\"1e2\"\t100.0\tfloat",
            "\".5\"\t0.5\tfloat",
            "\"5.\"\t5.0\tfloat",
            "\"0x1p4\"\t16.0\tfloat",
            "\"0x.8\"\t0.5\tfloat",
            "\"inf\"\tnil\tnil",
            "\"nan\"\tnil\tnil",
            "\"1e\"\tnil\tnil",
            "\"\"\tnil\tnil",
            "\"0x\"\tnil\tnil",
            "\"1_000\"\tnil\tnil",
            "\" \"\tnil\tnil",
            "\"1 2\"\tnil\tnil",
            "\"0x1P-2\"\t0.25\tfloat",
            "\"1E+2\"\t100.0\tfloat",
            "\"\\00912\\",
            "\"\t12\tinteger",
        ],
    );
}

/// strings in arithmetic convert as tonumber does, keeping the subtype
#[test]
fn string_coercion_in_arithmetic() {
    check(
        r#"
        print("10" + 1, "10.0" + 1, "0x10" * 1, " 3 " - 1, "1e1" // 1, 10 .. "")
        print(math.type("10" + 1), math.type("10" * 1.0), -"2", -"2.0")
        print("9223372036854775807" + 0, "9223372036854775808" + 0)
        print(pcall(function() return "abc" + 1 end))
        "#,
        &[
            "11\t11.0\t16\t2\t10.0\t10",
            "integer\tfloat\t-2\t-2.0",
            "9223372036854775807\t9.2233720368548e+18",
            "false\tinput:5: attempt to add a 'string' with a 'number'",
        ],
    );
}

/// float formatting: %.14g, with .0 on integral values (TestFormatFloat)
#[test]
fn tostring_floats() {
    check(
        r#"
        print(1.0, 1e15, 1e100, 0.1, 1/3, 123456789012345.0)
        print(math.huge, -math.huge, 2.5e-5, 100.0, -0.0, 0.0)
        print(2^53, 2^63, -2^63, 1e14, 1e16, 123456.789e3)
        print(3.14159265358979, 1e-310, 5e-324, 1.7976931348623157e308)
        print(tostring(1e15), tostring(-1.5), 7.0 // 2, 7 / 2, 2^2, 10 // 3.0)
        "#,
        &[
            "1.0\t1e+15\t1e+100\t0.1\t0.33333333333333\t1.2345678901234e+14",
            "inf\t-inf\t2.5e-05\t100.0\t-0.0\t0.0",
            "9.007199254741e+15\t9.2233720368548e+18\t-9.2233720368548e+18\t1e+14\t1e+16\t123456789.0",
            "3.1415926535898\t1e-310\t4.9406564584125e-324\t1.7976931348623e+308",
            "1e+15\t-1.5\t3.0\t3.5\t4.0\t3.0",
        ],
    );
}

/// integer formatting, extremes included
#[test]
fn tostring_integers() {
    check(
        r#"
        print(0, -1, math.maxinteger, math.mininteger, 1 << 62, -(1 << 62))
        print(0x7fffffffffffffff, 0xffffffffffffffff, 0x8000000000000000)
        print(string.format("%d %x %5.2f %g %g", 42, 255, 3.14159, 1e20, 0.1))
        "#,
        &[
            "0\t-1\t9223372036854775807\t-9223372036854775808\t4611686018427387904\t-4611686018427387904",
            "9223372036854775807\t-1\t-9223372036854775808",
            "42 ff  3.14 1e+20 0.1",
        ],
    );
}

/// floor division and modulo of integers and floats (TestIntArith)
#[test]
fn integer_division_and_modulo() {
    check(
        r#"
        print(7 // -2, -7 // 2, math.mininteger // -1, 7 // 2, -7 // -2)
        print(-7 % 3, 7 % -3, math.mininteger % -1, 7 % 3, -7 % -3)
        print(-7.0 % 3, 5.5 % math.huge, -5.5 % math.huge, 5.5 % -math.huge, 3 % -math.huge)
        print(7.5 // 2, -7.5 // 2, 1 // 0.0, -1 // 0.0, 1 / 0, -1 / 0)
        print(math.type(7 // 2), math.type(7 // 2.0), math.type(7 % 2.0), math.type(2^2))
        local r = 1 % 0.0
        print(r ~= r, math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(-7.5, 2))
        "#,
        &[
            "-4\t-4\t-9223372036854775808\t3\t3",
            "2\t-2\t0\t1\t-1",
            "2.0\t5.5\tinf\t-inf\t-inf",
            "3.0\t-4.0\tinf\t-inf\tinf\t-inf",
            "integer\tfloat\tfloat\tfloat",
            "true\t1\t-1\t1\t-1.5",
        ],
    );
}

/// integer arithmetic wraps around
#[test]
fn integer_overflow_wraps() {
    check(
        r#"
        print(math.maxinteger + 1 == math.mininteger, math.mininteger - 1 == math.maxinteger)
        print(math.maxinteger * 2, -math.mininteger == math.mininteger, math.abs(math.mininteger))
        print(1 << 63, 1 << 64, -1 >> 1, -1 >> 63, 1 << -1, 2 >> -1, -1 << 70)
        print(5 & 3, 5 | 3, 5 ~ 3, ~0, ~5, 3.0 | 0, "3" + 0 | 0)
        print(pcall(function() return "3" | 0 end))
        "#,
        &[
            "true\ttrue",
            "-2\ttrue\t-9223372036854775808",
            "-9223372036854775808\t0\t9223372036854775807\t1\t0\t4\t0",
            "1\t7\t6\t-1\t-6\t3\t3",
            "false\tinput:6: attempt to perform bitwise operation on a string value (constant '3')",
        ],
    );
}

/// conversions between the subtypes
#[test]
fn integer_float_conversions() {
    check(
        r#"
        print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), math.tointeger(-2^63))
        print(math.tointeger(3), math.tointeger("x"), math.tointeger({}))
        print(3 | 0, pcall(function() return 3.5 | 0 end))
        print(math.floor(3.7), math.ceil(3.2), math.floor(-3.5), math.type(math.floor(3.7)))
        print(math.floor(2^70) == 2^70, math.type(math.floor(2^70)), math.floor(-0.0))
        print(string.format("%.0f", 0.5), string.format("%d", 3.0), #"x" + 0.0)
        print(math.ult(1, -1), math.ult(-1, 1), math.abs(-0.0), math.max(1, 2.0), math.min(1, 1.0))
        "#,
        &[
            "3\tnil\tnil\t-9223372036854775808",
            "3\tnil\tnil",
            "3\tfalse\tinput:4: number has no integer representation",
            "3\t4\t-4\tinteger",
            "true\tfloat\t0",
            "0\t3\t1.0",
            "true\tfalse\t0.0\t2.0\t1",
        ],
    );
}

/// comparisons between integers, floats and strings
#[test]
fn number_comparisons() {
    check(
        r#"
        print(1 < 1.5, 1.5 < 2, 2 <= 2.0, -0.0 < 0, math.maxinteger < 2^63, math.maxinteger + 0.0 < 2^63)
        print(math.mininteger <= -2^63, math.mininteger < -2^63, (1 << 53) + 1 > 2^53, 2^53 < (1 << 53) + 1)
        local nan = 0/0
        print(nan < 1, nan > 1, nan <= nan, 1 < nan, math.huge > math.maxinteger, -math.huge < math.mininteger)
        print("a" < "b", "a" < "ab", "" < "a", "Z" < "a", "10" < "9", "a\0b" < "a\0c", "a" < "a\0")
        print(1 == "1", "abc" == "abc", 0.1 + 0.2 == 0.3, 0.5 + 0.25 == 0.75)
        "#,
        &[
            "true\ttrue\ttrue\tfalse\ttrue\tfalse",
            "true\tfalse\ttrue\ttrue",
            "false\tfalse\tfalse\tfalse\ttrue\ttrue",
            "true\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue",
            "false\ttrue\tfalse\ttrue",
        ],
    );
}

/// numeric for loops over integers and floats
#[test]
fn numeric_for_loops() {
    check(
        r#"
        local t = {}
        for i = 1, 2, 0.5 do t[#t + 1] = i end
        for i = 1, 3.5 do t[#t + 1] = i end
        for i = 3, 1, -1 do t[#t + 1] = i end
        for i = "1", 2 do t[#t + 1] = i end
        print(table.concat(t, " "))
        local n = 0
        for i = math.maxinteger - 1, math.maxinteger do n = n + 1 end
        for i = math.mininteger, math.mininteger + 2, 2 do n = n + 1 end
        for i = 1, 0 do n = n + 100 end
        for i = 1, math.huge do n = n + 1 if i >= 3 then break end end
        print(n)
        for i = 0.1, 0.35, 0.1 do io.write(i, " ") end
        print()
        "#,
        &["1.0 1.5 2.0 1 2 3 3 2 1 1.0 2.0", "7", "0.1 0.2 0.3 "],
    );
}

/// concatenation converts numbers as tostring does
#[test]
fn concat_numbers() {
    check(
        r#"
        print(1 .. 2, 1.0 .. "", -0.0 .. "", 2^63 .. "", math.mininteger .. "", 1e100 .. "")
        print(#(1 .. ""), ("x"):rep(3, 1))
        "#,
        &[
            "12\t1.0\t-0.0\t9.2233720368548e+18\t-9223372036854775808\t1e+100",
            "1\tx1x1x",
        ],
    );
}

/// array part, string keys and float keys normalised to integers (TestTableArrayAndHash)
#[test]
fn table_array_and_hash() {
    check(
        r##"
        local t = {}
        for i = 1, 100 do t[i] = i * i end
        t.x = "y"
        t[3.0] = "three"
        print(#t, t[100], t.x, t["x"], t[3], t[3.0], math.type(next({[2.0] = true})))
        t[2^53] = "big"
        print(t[1 << 53], rawlen(t), select("#", table.unpack(t)))
        print(pcall(rawset, t, 0/0, 1))
        "##,
        &[
            "100\t10000\ty\ty\tthree\tthree\tinteger",
            "big\t100\t100",
            "false\ttable index is NaN",
        ],
    );
}

/// filling from the end still gives a sequence (TestTableReverseFillMigrates)
#[test]
fn table_reverse_fill() {
    check(
        r#"
        local t = {}
        for i = 50, 1, -1 do t[i] = i end
        local ok = true
        for i = 1, 50 do ok = ok and t[i] == i end
        print(#t, ok)
        "#,
        &["50\ttrue"],
    );
}

/// clearing fields during a traversal is allowed (TestTableNextWhileClearing)
#[test]
fn table_next_while_clearing() {
    check(
        r#"
        local t = {}
        for i = 1, 10 do t[i] = i; t[string.char(97 + i)] = i end
        local seen = 0
        for k in pairs(t) do seen = seen + 1; t[k] = nil end
        print(seen, next(t), #t)
        "#,
        &["20\tnil\t0"],
    );
}

/// # gives a border (TestTableBorderWithHoles, TestTableLengthHint)
#[test]
fn table_border_with_holes() {
    check(
        r#"
        local t = {}
        for i = 1, 8 do t[i] = true end
        t[8] = nil
        print(#t)
        t[4] = nil
        local n = #t
        print(n == 0 or t[n] ~= nil, t[n + 1] == nil)
        local u = {}
        for i = 1, 8 do u[i] = i end
        u[8] = nil
        print(#u)
        u[4] = nil
        local _ = u[8]
        u[7] = nil
        print(#u)
        print(#{1, 2, nil, 4}, #{nil, nil, 3}, #{n = 1}, #"abc")
        "#,
        &["7", "true\ttrue", "7", "3", "4\t3\t0\t3"],
    );
}

/// many non-integral float keys (TestTableManyKeys)
#[test]
fn table_many_float_keys() {
    check(
        r#"
        local t = {}
        for i = 0, 9999 do t[i + 0.5] = i end
        local ok = true
        for i = 0, 9999 do ok = ok and t[i + 0.5] == i end
        for i = 0, 9999, 2 do t[i + 0.5] = nil end
        local count = 0
        for _ in pairs(t) do count = count + 1 end
        print(ok, count, t[1.5], t[0.5])
        "#,
        &["true\t5000\t1\tnil"],
    );
}

/// Float `%` in the dispatch loop and through `__mod`-free arithmetic on
/// values the compiler cannot fold: tiny operands, infinite divisors.
#[test]
fn float_mod_tiny_and_infinite() {
    check(
        r#"
        local a, b, h = -1e-300, 1e-299, math.huge
        print(a % b, -5.5 % -h, 5.5 % -h, -5.5 % h, a % 1e-299)
        "#,
        &["9e-300\t-5.5\t-inf\tinf\t9e-300"],
    );
}

/// `debug.upvalueid` with an index out of range gives fail (5.4.7), not
/// an error.
#[test]
fn debug_upvalueid_out_of_range() {
    check(
        r#"
        local x = 1
        local function f() return x end
        print(debug.upvalueid(f, 2), debug.upvalueid(f, 0),
              type(debug.upvalueid(f, 1)), debug.upvalueid(print, 1))
        "#,
        &["nil\tnil\tuserdata\tnil"],
    );
}

/// A pending `__gc` runs at the collections of a tight allocation loop:
/// the dropped argument of an earlier call, left in a dead register, does
/// not keep the object alive (gc.lua's "collected when all other objects
/// are marked").
#[test]
fn finalizer_runs_in_allocation_loop() {
    check(
        r#"
        local name
        setmetatable({}, {__gc = function () name = 1 end})
        local n = 0
        repeat local a = {}; n = n + 1 until name or n > 2000000
        print(name)
        "#,
        &["1"],
    );
}

/// A stripped function (`string.dump(f, true)`) has no line information:
/// current line -1 (errors read `?:-1:`), no active lines, nil lines for
/// the line hook, and upvalues named "(no name)".
#[test]
fn stripped_function_debug_info() {
    check(
        r#"
        local function f(a) local y = 1; if a then y = y .. {} end; return print end
        local g = load(string.dump(f, true))
        print(pcall(g, true))
        local t = debug.getinfo(g, "SL")
        print(t.linedefined, t.short_src, next(t.activelines))
        print((debug.getupvalue(g, 1)))
        local lines = {}
        debug.sethook(function(_, l) lines[#lines + 1] = tostring(l) end, "l")
        g()
        debug.sethook()
        print(table.concat(lines, " "))
        "#,
        &[
            "false\t?:-1: attempt to concatenate a table value",
            "2\t?\tnil",
            "(no name)",
            "10 nil 11",
        ],
    );
}

/// `debug.sethook` keeps the reference's registry table of hooks
/// (`_HOOKKEY`: weak keys, its own metatable), as db.lua checks.
#[test]
fn debug_hook_table_in_registry() {
    check(
        r#"
        local function h() end
        debug.sethook(h, "l")
        local t = debug.getregistry()._HOOKKEY
        local hooked = t[coroutine.running()] == h
        debug.sethook()
        print(getmetatable(t) == t, t.__mode, hooked, t[coroutine.running()])
        "#,
        &["true\tk\ttrue\tnil"],
    );
}

/// Equal long string constants of one chunk are one object, in nested
/// functions too (literals.lua's "reuse of long strings").
#[test]
fn long_string_constants_shared_in_chunk() {
    check(
        r#"
        local function getadd (s) return string.format("%p", s) end
        local s1 <const> = "01234567890123456789012345678901234567890123456789"
        local s3 = "01234567890123456789012345678901234567890123456789"
        local function foo() return s1 end
        local function foo2()
          return "01234567890123456789012345678901234567890123456789"
        end
        local a1 = getadd(s1)
        print(a1 == getadd(foo()), a1 == getadd(s3), a1 == getadd(foo2()))
        "#,
        &["true\ttrue\ttrue"],
    );
}

/// A loop that allocates only in native functions (`string.rep`) is
/// collected too: its memory stays bounded and a pending `__gc` runs.
#[test]
fn finalizer_runs_when_natives_allocate() {
    check(
        r#"
        local name
        setmetatable({}, {__gc = function () name = 1 end})
        local n = 0
        repeat
          local a = string.rep("x", 100, tostring(n)); n = n + 1
        until name or n > 200000
        print(name, collectgarbage("count") < 10000)
        "#,
        &["1\ttrue"],
    );
}

/// A key removed, made dead by a collection and set again is seen once
/// by `next` (the traversal used to loop between its dead and live slots).
#[test]
fn table_next_after_dead_key_revived() {
    check(
        r#"
        local t = {}
        for i = 1, 20 do t["x" .. i] = i end
        t.x5 = 1
        t.x5 = nil
        collectgarbage()
        t.x5 = 0
        local n, seen = 0, 0
        for k, v in next, t do
          n = n + 1
          if k == "x5" then seen = seen + 1 end
          if n > 100 then break end
        end
        print(n, seen, t.x5)
        "#,
        &["20\t1\t0"],
    );
}

// ----- states do not share values (embed_test.go) -----

/// What one state changes (globals, library tables, the strings'
/// metatable, `_G`'s metatable) is never seen by another state
/// (TestIsolation, without the Go version's Reset).
#[test]
fn states_do_not_share_values() {
    let vandal = Program::compile(
        "=vandal",
        b"x = 42
          string.upper = function() return 'hacked' end
          getmetatable('').__index = {len = function() return -1 end}
          table.insert = nil
          math.pi = 3
          setmetatable(_G, {__index = function() return 'global' end})
          return x",
    )
    .unwrap();
    let check = Program::compile(
        "=check",
        b"return table.concat({tostring(x), ('a'):upper(), ('abc'):len(), type(table.insert),
              tostring(math.pi == 3), tostring(undefined)}, ' ')",
    )
    .unwrap();
    let mut a = lunar::raw::new_state();
    let mut b = lunar::raw::new_state();
    let res = a.run(&vandal, &[]).expect("vandal runs");
    assert!(matches!(res[..], [Value::Int(42)]), "{res:?}");
    let text = |state: &mut lunar::raw::State| -> String {
        let res = state.run(&check, &[]).expect("check runs");
        match res.first() {
            Some(Value::Str(s)) => s.to_str_lossy().into_owned(),
            other => panic!("got {other:?}"),
        }
    };
    assert_eq!(text(&mut b), "nil A 3 function false nil");
    assert_eq!(
        text(&mut lunar::raw::new_state()),
        "nil A 3 function false nil"
    );
}

/// Each state has its own random generator and its own output
/// (TestTemplateStatesAreIndependent).
#[test]
fn states_have_their_own_library_data() {
    let seq = Program::compile(
        "=seq",
        b"math.randomseed(7) io.write(math.random(1000), ' ') print(package.path ~= nil)",
    )
    .unwrap();
    let (out1, out2) = (Capture::default(), Capture::default());
    let mut s1 = lunar::raw::new_state();
    let mut s2 = lunar::raw::new_state();
    s1.set_stdout(Box::new(out1.clone()));
    s2.set_stdout(Box::new(out2.clone()));
    for s in [&mut s1, &mut s2] {
        s.run(&seq, &[]).expect("runs");
        s.stdout().flush().unwrap();
    }
    let (o1, o2) = (
        out1.0.lock().unwrap().clone(),
        out2.0.lock().unwrap().clone(),
    );
    assert!(o1 == o2 && !o1.is_empty(), "{o1:?} vs {o2:?}");
    let w = Program::compile("=w", b"io.write('only one')").unwrap();
    s1.run(&w, &[]).expect("runs");
    s1.stdout().flush().unwrap();
    let o2 = out2.0.lock().unwrap().clone();
    assert!(!String::from_utf8_lossy(&o2).contains("only one"));
    assert!(String::from_utf8_lossy(&out1.0.lock().unwrap()).contains("only one"));
}
