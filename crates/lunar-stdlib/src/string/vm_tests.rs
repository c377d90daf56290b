//! The library functions run on the VM: argument checks, error messages
//! with their positions, results (expected values from lua5.4). The
//! engines have their own tests beside them; these check the wrappers.

use lunar_vm::{State, Type, Value};

fn new_state() -> State {
    let mut s = State::new();
    super::open_string(&mut s);
    s
}

fn show(s: &mut State, v: Value) -> String {
    match v {
        Value::Nil => "nil".into(),
        Value::Bool(b) => b.to_string(),
        _ => match s.to_display(v) {
            Ok(x) => String::from_utf8_lossy(x.as_bytes()).into_owned(),
            Err(_) => "<display error>".into(),
        },
    }
}

fn eval(s: &mut State, src: &str) -> String {
    let f = match s.load(src.as_bytes(), b"=test", "t", None) {
        Ok(f) => f,
        Err(_) => {
            let e = s.take_error_value();
            return format!("load error: {}", show(s, e));
        }
    };
    match s.pcall(f, &[], None) {
        Ok(vals) => vals
            .into_iter()
            .map(|v| show(s, v))
            .collect::<Vec<_>>()
            .join(" "),
        Err(_) => {
            let e = s.take_error_value();
            format!("error: {}", show(s, e))
        }
    }
}

#[test]
fn library_functions() {
    let mut s = new_state();
    let tests: &[(&str, &str)] = &[
        (
            r#"return ("hello"):sub(2, -2), ("hello"):sub(-100, 100), ("hello"):sub(4, 2)"#,
            "ell hello ",
        ),
        (r#"return string.byte("abc", 1, -1)"#, "97 98 99"),
        (r#"return string.byte("abc", 10)"#, ""),
        (r#"return string.char(72, 105)"#, "Hi"),
        (
            r#"return string.char(256)"#,
            "error: test:1: bad argument #1 to 'char' (value out of range)",
        ),
        (
            r#"return string.rep("ab", 3, "-"), string.rep("x", 0), string.rep("", 1e15)"#,
            "ab-ab-ab  ",
        ),
        (
            r#"return string.rep("x", 2^31)"#,
            "error: test:1: resulting string too large",
        ),
        (
            r#"return string.rep()"#,
            "error: test:1: bad argument #1 to 'rep' (string expected, got no value)",
        ),
        (
            r#"return string.rep("x")"#,
            "error: test:1: bad argument #2 to 'rep' (number expected, got no value)",
        ),
        (
            r#"return ("Hello"):upper(), ("Hello"):lower(), ("abc"):reverse(), #("abc"), ("abc"):len()"#,
            "HELLO hello cba 3 3",
        ),
        (r#"return ("key=val"):match("(%w+)=(%w+)")"#, "key val"),
        (r#"return ("hello world"):find("o w")"#, "5 7"),
        (r#"return ("hello world"):find("o(.)w")"#, "5 7  "),
        (r#"return ("a.b"):find(".", 1, true)"#, "2 2"),
        (r#"return ("hello"):gsub("l", {l = "L"})"#, "heLLo 2"),
        (r#"return ("hello"):gsub("(h)(e)", "%2%1%0")"#, "ehhello 1"),
        (
            r#"return ("hello"):gsub("l", function(c) return c:upper() .. "!" end)"#,
            "heL!L!o 2",
        ),
        (r#"return ("hello"):gsub("", "-")"#, "-h-e-l-l-o- 6"),
        (
            r#"return ("abc"):gsub("%w", "%2")"#,
            "error: test:1: invalid capture index %2",
        ),
        (
            r#"return ("abc"):gsub("%w", "%x")"#,
            "error: test:1: invalid use of '%' in replacement string",
        ),
        (r#"return ("abc"):gsub("(", "x")"#, "xaxbxcx 4"),
        (
            r#"return ("abc"):gsub("(", "%1")"#,
            "error: test:1: unfinished capture",
        ),
        (
            r#"return ("abc"):gsub("a", true)"#,
            "error: test:1: bad argument #2 to 'gsub' (string/function/table expected, got boolean)",
        ),
        (r#"return ("abc"):gsub("a", 5)"#, "5bc 1"),
        (
            r#"local t = {} for k, v in ("a=1,b=2"):gmatch("(%w)=(%w)") do t[#t+1] = k .. v end return t[1], t[2], t[3]"#,
            "a1 b2 nil",
        ),
        (
            r#"local t = {} for w in ("one two  three"):gmatch("%a*") do t[#t+1] = "<" .. w .. ">" end return #t, t[1], t[2], t[3]"#,
            "4 <one> <two> <>",
        ),
        (
            r#"return string.format("%5.2f|%-4d|%x|%q", 3.14159, 7, 255, "a\nb")"#,
            " 3.14|7   |ff|\"a\\\nb\"",
        ),
        (
            r#"return string.format("%s %s %s", 1, 1.0, nil)"#,
            "1 1.0 nil",
        ),
        (
            r#"return string.format("%d", 1.5)"#,
            "error: test:1: bad argument #2 to 'format' (number has no integer representation)",
        ),
        (
            r#"return string.format("%10.100d", 1)"#,
            "error: test:1: invalid conversion specification: '%10.100d'",
        ),
        (
            r#"return string.format("%y", 1)"#,
            "error: test:1: invalid conversion '%y' to 'format'",
        ),
        (
            r#"return string.format("%d")"#,
            "error: test:1: bad argument #2 to 'format' (no value)",
        ),
        (
            r#"return string.format("%q", math and 0 or -9223372036854775807 - 1), string.format("%q", 0.5), string.format("%q", 1/0)"#,
            "0x8000000000000000 0x1p-1 1e9999",
        ),
        (
            r#"return string.format("%5s|%-5s|%.1s", "ab", "ab", "xyz"), string.format("%c%c", 72, 105)"#,
            "   ab|ab   |x Hi",
        ),
        (
            r#"return string.format("%p", 1), string.format("%p", "a") == string.format("%p", "a")"#,
            "(null) true",
        ),
        (
            r#"return string.unpack("<i4", string.pack("<i4", -2))"#,
            "-2 5",
        ),
        (r#"return string.packsize("!8 b d")"#, "16"),
        (
            r#"return string.packsize("s")"#,
            "error: test:1: bad argument #1 to 'packsize' (variable-length format)",
        ),
        (
            r#"return string.pack("i17", 1)"#,
            "error: test:1: integral size (17) out of limits [1,16]",
        ),
        (
            r#"return string.pack("i4")"#,
            "error: test:1: bad argument #2 to 'pack' (number expected, got nil)",
        ),
        (
            r#"return string.unpack("i4", "abc")"#,
            "error: test:1: bad argument #2 to 'unpack' (data string too short)",
        ),
        (
            r#"return string.unpack("i9", ("\255"):rep(8) .. "\1")"#,
            "error: test:1: 9-byte integer does not fit into Lua Integer",
        ),
        (
            r#"return string.unpack("z s1 B", "hi\0\3abc\7")"#,
            "hi abc 7 9",
        ),
        (
            r#"return "10" + 1, "3" * "4", -"2", "7" // "2", "2" ^ "3", "7" % "4", "1" / "2", "5" - 1"#,
            "11 12 -2 3 8.0 3 0.5 4",
        ),
        (
            r#"return "abc" + 1"#,
            "error: test:1: attempt to add a 'string' with a 'number'",
        ),
        (
            r#"return -"abc""#,
            "error: test:1: attempt to unm a 'string' with a 'string'",
        ),
        (
            r#"return string.dump(string.len)"#,
            "error: test:1: unable to dump given function",
        ),
    ];
    let mut failures = Vec::new();
    for &(src, want) in tests {
        let got = eval(&mut s, src);
        if got != want {
            failures.push(format!("{src}\n   got: {got:?}\n  want: {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn string_metatable() {
    let mut s = new_state();
    let x = s.new_str(b"x");
    let mt = s
        .metatable_of(Value::Str(x))
        .expect("strings have a metatable");
    let string = s.get_global("string");
    assert!(s.get_field(mt, "__index").raw_eq(&string));
    for event in [
        "__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv", "__unm",
    ] {
        assert_eq!(s.get_field(mt, event).type_of(), Type::Function, "{event}");
    }
    assert_eq!(
        eval(&mut s, r#"return ("x"):rep(3), ("%d"):format(7)"#),
        "xxx 7"
    );
}

#[test]
fn dump_round_trip() {
    let mut s = new_state();
    let src = b"return string.dump(function(a, b) return a .. b end)";
    let f = s.load(src, b"=test", "t", None).expect("compiles");
    let r = s.pcall(f, &[], None).expect("runs");
    let Value::Str(chunk) = r[0] else {
        panic!("dump returned {:?}", r[0])
    };
    assert!(chunk.as_bytes().starts_with(b"\x1bLua"));
    let g = s
        .load(chunk.as_bytes(), b"=dumped", "b", None)
        .expect("the chunk loads back");
    let x = s.str_value(b"x");
    let y = s.str_value(b"y");
    let r = s.pcall(g, &[x, y], None).expect("runs");
    assert_eq!(show(&mut s, r[0]), "xy");
}

#[test]
fn gmatch_iterates_and_ends() {
    let mut s = new_state();
    // A call that returns nothing adds nothing at the end of a list.
    let tests: &[(&str, &str)] = &[
        (
            r#"local n = 0 for a, b in ("k1=v1, k2=v2"):gmatch("(%w+)=(%w+)") do n = n + 1 end return n"#,
            "2",
        ),
        (
            r#"local it = ("ab"):gmatch(".") return it(), it(), it(), it()"#,
            "a b nil",
        ),
        (
            r#"local it = ("abc"):gmatch("()", 3) return it(), it(), it()"#,
            "3 4",
        ),
        (
            r#"local it = ("abc"):gmatch(".", -1) return it(), it()"#,
            "c",
        ),
        (
            r#"local it = ("abc"):gmatch("x", 10) return it() == nil"#,
            "true",
        ),
        (
            r#"local it = ("abc"):gmatch("%") return it()"#,
            "error: test:1: malformed pattern (ends with '%')",
        ),
    ];
    for &(src, want) in tests {
        assert_eq!(eval(&mut s, src), want, "{src}");
    }
}
